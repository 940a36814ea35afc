-- Sliding log (code 5): every admitted request in a sorted set (aux key) scored by its time in
-- microseconds, member "time:sequence:cost"; the hash (state key) keeps s = the sum of the
-- costs in the set and q = the sequence. A request passes when the cost admitted in
-- (now - window, now] plus its own is at most permits. Entries at or before now - window are
-- dropped first (that is a write even when peeking or rejecting; it changes no decision).
local function cost_of(member)
  return tonumber(string.match(member, ':(%d+)$'))
end

ALG[5] = function(key, log, p, cost)
  local permits, window = p[2], p[3]
  local cutoff = NOW - window
  local sum = tonumber(redis.call('HGET', key, 's') or '0')
  local old = redis.call('ZRANGEBYSCORE', log, '-inf', cutoff)
  if #old > 0 then
    for i = 1, #old do
      sum = sum - cost_of(old[i])
    end
    redis.call('ZREMRANGEBYSCORE', log, '-inf', cutoff)
    if sum <= 0 then
      sum = 0
      redis.call('DEL', key)
    else
      redis.call('HSET', key, 's', sum)
    end
  end
  local ok = sum + cost <= permits
  local after = sum
  local retry = 0
  if ok then
    after = sum + cost
  else
    -- wait until enough of the oldest entries have left the window; read them in small
    -- batches, since the excess is usually one request's cost and the log may be long
    local excess = sum + cost - permits
    local freed, from, batch = 0, 0, 16
    while retry == 0 do
      local entries = redis.call('ZRANGE', log, from, from + batch - 1, 'WITHSCORES')
      if #entries == 0 then break end
      for i = 1, #entries, 2 do
        freed = freed + cost_of(entries[i])
        if freed >= excess then
          retry = tonumber(entries[i + 1]) + window - NOW
          break
        end
      end
      from = from + batch
      batch = batch * 4
    end
  end
  local reset = 0
  if ok and cost > 0 then
    reset = window
  else
    local newest = redis.call('ZRANGE', log, -1, -1, 'WITHSCORES')
    if newest[2] then reset = tonumber(newest[2]) + window - NOW end
  end
  return { ok, permits - after, after, reset, retry, 0, function()
    local seq = redis.call('HINCRBY', key, 'q', 1)
    redis.call('HSET', key, 's', after)
    redis.call('ZADD', log, NOW, NOW .. ':' .. seq .. ':' .. cost)
    local ttl = ceil_div(window, 1000) + 1
    redis.call('PEXPIRE', key, ttl)
    redis.call('PEXPIRE', log, ttl)
  end }
end
