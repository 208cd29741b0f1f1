-- Applies one batch of tweets to the store layout, atomically (a script runs alone on the server).
-- Called by io.weathertweets.bridge.store.BatchScript, which documents the arguments:
--   ARGV[1] prefix, [2] dedup horizon ms, [3] window size ms, [4] grace ms, [5] window ttl ms,
--   [6] series max length, [7] now ms (updated_at), [8] batch token, [9] n, then the catalogue (five lists, each
--   its length and its items: municipalities; conditions; panels per municipality as pairs of hash and figure;
--   panels per condition; extremes as triples of hash, figure and 'max' or 'min'), then n times: id,
--   municipality, temperature, humidity, condition, event time ms.
-- Returns {processed, duplicates, late, closed windows, flags, batch token}; flags has one character per tweet:
-- 'n' new and in its window, 'l' new but too late for its window, 'd' duplicate (skipped).
--
-- Identity and time follow the same rules as the Kafka path (DedupProcessor): a tweet is its municipality and
-- its id ({p}:seen:{m}:{id}); each municipality has its own stream time ({p}:bridge:stream_time:{m}, the largest
-- event time of its counted tweets) and its own set of open windows ({p}:bridge:open_windows:{m}).
--
-- The replay guard {p}:seen:{m}:{id} holds token * 2 + (1 if late) of the batch that applied the tweet. A call
-- that timed out on the client may still have run on the server; when the same batch (same token) is
-- retried, its tweets are found applied by "us" and reported with their original flags, so the meters stay
-- exact. Any other batch carrying the same id (a redelivery) finds a foreign token: duplicate. The value is
-- an integer below 2^41 (exact as a Lua double) so Valkey stores it int-encoded: 144 bytes per key measured,
-- against 176 for the same token as text.
--
-- Text formats must equal io.weathertweets.aggregates.Aggregate.toFields() character for character:
-- integers through '%d' (tostring would print large numbers with an exponent), averages through '%.2f' on
-- the double quotient, which rounds the exact binary value half-even like Aggregate.average.
-- Redis does not roll back a script that fails halfway, so nothing below may raise after the first write
-- for input BatchScript has validated; the one command that can legitimately fail (XADD) runs in pcall.

local p = ARGV[1]
local horizon = ARGV[2]
local size = tonumber(ARGV[3])
local grace = tonumber(ARGV[4])
local ttl = ARGV[5]
local maxlen = ARGV[6]
local now = ARGV[7]
local token = tonumber(ARGV[8])
local n = tonumber(ARGV[9])

-- The catalogue, from io.weathertweets.aggregates.Municipality, Condition and Panel (BatchScript.catalogue), so this
-- script names none of them. Everything below loops over these lists: a condition is a field of every aggregate
-- hash, a panel hash is written from the all-time aggregates (as Overview.panelHashes does).
local nextArg = 10
local function list()
  local length = tonumber(ARGV[nextArg])
  local items = {unpack(ARGV, nextArg + 1, nextArg + length)}
  nextArg = nextArg + 1 + length
  return items
end
local MUNICIPALITIES = list()
local CONDITIONS = list()
local PER_MUNICIPALITY = list()
local PER_CONDITION = list()
local EXTREMES = list()
local firstTweet = nextArg - 1
-- The fields in Aggregate.toFields() order (Aggregate.NUMERIC_FIELDS).
local FIELDS = {'count', 'temperature_sum', 'temperature_min', 'temperature_max', 'temperature_avg',
  'humidity_sum', 'humidity_avg'}
for _, c in ipairs(CONDITIONS) do
  FIELDS[#FIELDS + 1] = c
end
local LOADED = {'count', 'temperature_sum', 'temperature_min', 'temperature_max', 'humidity_sum'}
for _, c in ipairs(CONDITIONS) do
  LOADED[#LOADED + 1] = c
end

local function int(x)
  return string.format('%d', x)
end

local function avg(sum, count)
  if count == 0 then
    return '0.00'
  end
  local text = string.format('%.2f', sum / count)
  -- C prints a slightly negative mean as "-0.00"; BigDecimal has no negative zero.
  if text == '-0.00' then
    text = '0.00'
  end
  return text
end

-- Aggregates read once per key and batch, updated in memory, written once at the end.
local aggs = {}
local dirty = {}

local function load(key)
  local a = aggs[key]
  if a then
    return a
  end
  local v = redis.call('HMGET', key, unpack(LOADED))
  a = {key = key,
    count = tonumber(v[1]) or 0, tsum = tonumber(v[2]) or 0, tmin = tonumber(v[3]) or 0,
    tmax = tonumber(v[4]) or 0, hsum = tonumber(v[5]) or 0}
  for i, c in ipairs(CONDITIONS) do
    a[c] = tonumber(v[5 + i]) or 0
  end
  aggs[key] = a
  return a
end

local function plus(a, t, h, c)
  if a.count == 0 then
    a.tmin = t
    a.tmax = t
  else
    if t < a.tmin then a.tmin = t end
    if t > a.tmax then a.tmax = t end
  end
  a.count = a.count + 1
  a.tsum = a.tsum + t
  a.hsum = a.hsum + h
  a[c] = a[c] + 1
  if not a.dirty then
    a.dirty = true
    dirty[#dirty + 1] = a
  end
end

-- The fields in Aggregate.toFields() order: a new hash lists its columns in that order in HGETALL.
local function fields(a)
  local f = {'count', int(a.count), 'temperature_sum', int(a.tsum), 'temperature_min', int(a.tmin),
    'temperature_max', int(a.tmax), 'temperature_avg', avg(a.tsum, a.count), 'humidity_sum', int(a.hsum),
    'humidity_avg', avg(a.hsum, a.count)}
  for _, c in ipairs(CONDITIONS) do
    f[#f + 1] = c
    f[#f + 1] = int(a[c])
  end
  return f
end

local streamTimeKey = p .. ':bridge:stream_time:'
local openKey = p .. ':bridge:open_windows:'
local metaKey = p .. ':meta'

-- Stream time per municipality, read once per batch and written back at the end when it moved.
local streamTimes = {}
local movedTimes = {}
local function streamTimeOf(m)
  local st = streamTimes[m]
  if st == nil then
    st = tonumber(redis.call('GET', streamTimeKey .. m) or '0')
    streamTimes[m] = st
  end
  return st
end

local processed, duplicates, late = 0, 0, 0
local maxEvent = 0
local flags = {}
local opened = {}

local inThisCall = {}
for i = 0, n - 1 do
  local b = firstTweet + i * 6
  local id, m = ARGV[b + 1], ARGV[b + 2]
  local t, h, c, e = tonumber(ARGV[b + 3]), tonumber(ARGV[b + 4]), ARGV[b + 5], tonumber(ARGV[b + 6])
  local windowStart = e - (e % size)
  -- WindowSpec.isClosed against the stream time before this tweet. Kafka Streams advances its observed
  -- stream time by the record first, but a record can never close its own window (end > event time),
  -- so both orders drop exactly the same records.
  local isLate = windowStart + size + grace <= streamTimeOf(m)
  local flag = isLate and 'l' or 'n'
  local identity = m .. ':' .. id
  local previous = redis.call('SET', p .. ':seen:' .. identity, int(token * 2 + (isLate and 1 or 0)), 'NX', 'PX',
    horizon, 'GET')
  local firstInCall = not inThisCall[identity]
  inThisCall[identity] = true
  if not previous then
    processed = processed + 1
    plus(load(p .. ':municipality:' .. m), t, h, c)
    if isLate then
      late = late + 1
    else
      local member = m .. ':' .. int(windowStart)
      plus(load(p .. ':window:' .. member), t, h, c)
      if not opened[member] then
        opened[member] = {m, windowStart}
      end
    end
    flags[#flags + 1] = flag
    if e > streamTimes[m] then
      streamTimes[m] = e
      movedTimes[m] = true
    end
    if e > maxEvent then maxEvent = e end
  elseif firstInCall and math.floor((tonumber(previous) or 0) / 2) == token then
    -- Applied by an earlier attempt of this very batch: already in the store, report it as that attempt did.
    local earlier = (tonumber(previous) % 2 == 1) and 'l' or 'n'
    processed = processed + 1
    if earlier == 'l' then late = late + 1 end
    flags[#flags + 1] = earlier
  else
    duplicates = duplicates + 1
    flags[#flags + 1] = 'd'
  end
end

local closed = 0
if #dirty > 0 then
  local allTimePrefix = p .. ':municipality:'
  for _, a in ipairs(dirty) do
    local f = fields(a)
    if string.sub(a.key, 1, #allTimePrefix) == allTimePrefix then
      f[#f + 1] = 'updated_at'
      f[#f + 1] = now
      redis.call('HSET', a.key, unpack(f))
    else
      redis.call('HSET', a.key, unpack(f))
      redis.call('PEXPIRE', a.key, ttl)
    end
  end
  for member, window in pairs(opened) do
    redis.call('ZADD', openKey .. window[1], int(window[2]), member)
  end

  -- Panel hashes are derived from the complete all-time state (as Overview.panelHashes does), never incremented,
  -- so they cannot drift from the per-municipality hashes. A figure is the text of an aggregate field.
  local total = 0
  local conditions = {}
  for _, c in ipairs(CONDITIONS) do
    conditions[c] = 0
  end
  local best = {}
  for _, m in ipairs(MUNICIPALITIES) do
    local a = load(allTimePrefix .. m)
    if a.count > 0 then
      local f = fields(a)
      local figures = {}
      for k = 1, #f, 2 do
        figures[f[k]] = f[k + 1]
      end
      if a.dirty then
        for k = 1, #PER_MUNICIPALITY, 2 do
          redis.call('HSET', p .. ':' .. PER_MUNICIPALITY[k], m, figures[PER_MUNICIPALITY[k + 1]])
        end
      end
      total = total + a.count
      for _, c in ipairs(CONDITIONS) do
        conditions[c] = conditions[c] + a[c]
      end
      -- Ties go to the first municipality in catalogue order: only strictly greater/smaller replaces.
      for k = 1, #EXTREMES, 3 do
        local value = tonumber(figures[EXTREMES[k + 1]])
        local b = best[k]
        if b == nil or (EXTREMES[k + 2] == 'max' and value > b.value) or (EXTREMES[k + 2] == 'min' and value < b.value)
        then
          best[k] = {value = value, text = figures[EXTREMES[k + 1]], m = m}
        end
      end
    end
  end
  local counts = {}
  for _, c in ipairs(CONDITIONS) do
    counts[#counts + 1] = c
    counts[#counts + 1] = int(conditions[c])
  end
  for _, hash in ipairs(PER_CONDITION) do
    redis.call('HSET', p .. ':' .. hash, unpack(counts))
  end
  for k = 1, #EXTREMES, 3 do
    if best[k] then
      redis.call('HSET', p .. ':' .. EXTREMES[k], EXTREMES[k + 1], best[k].text,
        EXTREMES[k + 1] .. '_municipality', best[k].m)
    end
  end

  local lastEvent = tonumber(redis.call('HGET', metaKey, 'last_event_at') or '0')
  if maxEvent > lastEvent then lastEvent = maxEvent end
  redis.call('HSET', metaKey, 'tweets_total', int(total), 'last_event_at', int(lastEvent),
    'window_size_ms', int(size), 'grace_ms', int(grace), 'path', 'rabbit')
  for m, _ in pairs(movedTimes) do
    redis.call('SET', streamTimeKey .. m, int(streamTimes[m]))
  end

  -- Windows whose end + grace is at or before their municipality's stream time are final: one series entry each.
  for m, _ in pairs(movedTimes) do
    local due = redis.call('ZRANGE', openKey .. m, '-inf', int(streamTimes[m] - size - grace), 'BYSCORE')
    for _, member in ipairs(due) do
      local start = string.match(member, ':(%d+)$')
      local key = p .. ':window:' .. member
      local v = redis.call('HMGET', key, unpack(FIELDS))
      if v[1] then
        local entry = {'XADD', p .. ':series:' .. m, 'MAXLEN', '~', maxlen, start .. '-0'}
        for k, name in ipairs(FIELDS) do
          entry[#entry + 1] = name
          entry[#entry + 1] = v[k]
        end
        -- Entry IDs only grow: a window can close only once (later tweets for it are late). If an entry
        -- with this ID exists anyway (e.g. the stream was edited by hand), keep it and go on.
        local added = redis.pcall(unpack(entry))
        if type(added) ~= 'table' or added.err == nil then
          closed = closed + 1
        end
      end
      redis.call('ZREM', openKey .. m, member)
    end
  end
end

return {processed, duplicates, late, closed, table.concat(flags), ARGV[8]}
