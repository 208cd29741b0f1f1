-- wrk: POST random valid tweets of the course contract. Without BATCH: one tweet per request to the URL's path
-- (S1, S2, the trivial server). With BATCH=n: a JSON array of n tweets per request, to the URL's path (S3 uses
-- /api/tweets). The done() hook prints machine-readable figures for bench/run.sh; tweets = ok requests * n.
local municipalities = { "mixco", "guatemala", "amatitlan", "chinautla" }
local conditions = { "sunny", "cloudy", "rainy", "foggy" }
local batch = tonumber(os.getenv("BATCH") or "0")

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
  if batch < 1 then
    return wrk.format(nil, nil, nil, tweet())
  end
  local parts = {}
  for i = 1, batch do
    parts[i] = tweet()
  end
  return wrk.format(nil, nil, nil, "[" .. table.concat(parts, ",") .. "]")
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local ok = summary.requests - summary.errors.status
  local bad = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout
  io.write(string.format("requests=%d\n", summary.requests))
  io.write(string.format("non2xx=%d\n", summary.errors.status))
  io.write(string.format("errors=%d\n", bad))
  io.write(string.format("seconds=%.3f\n", seconds))
  io.write(string.format("ok_per_s=%.1f\n", ok / seconds))
  io.write(string.format("tweets_per_s=%.1f\n", ok * math.max(batch, 1) / seconds))
  io.write(string.format("p50_ms=%.2f\n", latency:percentile(50) / 1000))
  io.write(string.format("p99_ms=%.2f\n", latency:percentile(99) / 1000))
end
