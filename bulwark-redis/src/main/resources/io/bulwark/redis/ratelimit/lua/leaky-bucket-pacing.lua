-- Leaky bucket as a queue (code 3). State (hash): w = water * window_us (scaled; may exceed the
-- capacity by the queued requests), t = time of w. Water drains at permits per microsecond. A
-- request that fits under the capacity proceeds now; one that does not waits until enough has
-- drained, if that wait is at most max_delay, else it is rejected.
ALG[3] = function(key, aux, p, cost)
  local permits, window, burst, max_delay = p[2], p[3], p[4], p[5]
  local cap = burst * window
  local s = redis.call('HMGET', key, 'w', 't')
  local water, at = 0, NOW
  if s[1] then
    water = tonumber(s[1])
    at = tonumber(s[2])
    local elapsed = NOW - at
    if elapsed > 0 then
      at = NOW
      if elapsed >= ceil_div(water, permits) then
        water = 0
      else
        water = water - elapsed * permits
      end
    end
  end
  local need = cost * window
  local delay = ceil_div(water + need - cap, permits)
  local ok = delay <= max_delay
  local after = water
  local retry = 0
  if ok then
    after = water + need
  else
    retry = delay - max_delay
    delay = 0
  end
  local remaining = 0
  if after < cap then remaining = idiv(cap - after, window) end
  local reset = ceil_div(after, permits)
  return { ok, remaining, burst - remaining, reset, retry, delay, function()
    redis.call('HSET', key, 'w', after, 't', at)
    redis.call('PEXPIRE', key, imax(1, ceil_div(reset, 1000) + 1))
  end }
end
