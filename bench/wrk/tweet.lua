-- wrk: POST one random valid tweet of the course contract per request (S1, S2, and the trivial server).
-- The done() hook prints machine-readable figures for bench/run.sh.
local municipalities = { "mixco", "guatemala", "amatitlan", "chinautla" }
local conditions = { "sunny", "cloudy", "rainy", "foggy" }

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local function tweet()
  return string.format('{"municipality":"%s","temperature":%d,"humidity":%d,"weather":"%s"}',
    municipalities[math.random(#municipalities)], math.random(-50, 60), math.random(0, 100),
    conditions[math.random(#conditions)])
end

function init(args)
  math.randomseed(os.time() + (tonumber(string.match(tostring({}), "0x(%x+)") or "0", 16) % 1000003))
end

function request()
  return wrk.format(nil, nil, nil, tweet())
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local bad = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout
  io.write(string.format("requests=%d\n", summary.requests))
  io.write(string.format("non2xx=%d\n", summary.errors.status))
  io.write(string.format("errors=%d\n", bad))
  io.write(string.format("seconds=%.3f\n", seconds))
  io.write(string.format("ok_per_s=%.1f\n", (summary.requests - summary.errors.status) / seconds))
  io.write(string.format("p50_ms=%.2f\n", latency:percentile(50) / 1000))
  io.write(string.format("p99_ms=%.2f\n", latency:percentile(99) / 1000))
end
