-- Token bucket (code 1) and leaky bucket as a meter (code 2): the same arithmetic, seen as
-- tokens left or as water in. State (hash): l = tokens * window_us (scaled, so that refill is
-- permits per microsecond, exact), t = time of l in microseconds. A new key is a full bucket.
local function bucket(key, aux, p, cost)
  local permits, window, burst = p[2], p[3], p[4]
  local cap = burst * window
  local s = redis.call('HMGET', key, 'l', 't')
  local level, at = cap, NOW
  if s[1] then
    level = tonumber(s[1])
    at = tonumber(s[2])
    local elapsed = NOW - at
    if elapsed > 0 then
      at = NOW
      if level < cap then
        if elapsed >= ceil_div(cap - level, permits) then
          level = cap
        else
          level = level + elapsed * permits
        end
      end
    end
  end
  local need = cost * window
  local ok = need <= level
  local after = level
  if ok then after = level - need end
  local remaining = idiv(after, window)
  local retry = 0
  if not ok then retry = ceil_div(need - level, permits) end
  local reset = ceil_div(cap - after, permits)
  return { ok, remaining, burst - remaining, reset, retry, 0, function()
    redis.call('HSET', key, 'l', after, 't', at)
    redis.call('PEXPIRE', key, imax(1, ceil_div(reset, 1000) + 1))
  end }
end
ALG[1] = bucket
ALG[2] = bucket
