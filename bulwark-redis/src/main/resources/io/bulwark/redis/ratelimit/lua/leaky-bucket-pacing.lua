-- Leaky bucket as a queue (code 3), on ticks of `tick` microseconds. State (hash): w = water
-- scaled by the window in ticks (may exceed the capacity by the queued requests), t = the tick
-- of w. Water drains at `permits` units per tick. A request that fits under the capacity
-- proceeds now; one that does not waits until enough has drained, if that wait is at most
-- max_delay, else it is rejected.
ALG[3] = function(key, aux, p, cost)
  local permits, burst, tick = p[2], p[4], p[6]
  local W = p[3] / tick
  local cap = burst * W
  local max_overflow = idiv(p[5], tick) * permits
  local t = idiv(NOW, tick)
  local s = redis.call('HMGET', key, 'w', 't')
  local water, at = 0, t
  if s[1] then
    water = tonumber(s[1])
    at = tonumber(s[2])
    local elapsed = t - at
    if elapsed > 0 then
      at = t
      if elapsed >= ceil_div(water, permits) then
        water = 0
      else
        water = water - elapsed * permits
      end
    end
  end
  -- microseconds from now until `units` have drained, counted from tick t
  local function until_drained(units)
    if units <= 0 then return 0 end
    return (t + ceil_div(units, permits)) * tick - NOW
  end
  local need = water + cost * W
  if need - cap <= max_overflow then
    local remaining = 0
    if need < cap then remaining = idiv(cap - need, W) end
    local reset = until_drained(need)
    return { true, remaining, burst - remaining, reset, 0, until_drained(need - cap), function()
      redis.call('HSET', key, 'w', need, 't', at)
      redis.call('PEXPIRE', key, imax(1, ceil_div(reset, 1000) + 1))
    end }
  end
  local remaining = 0
  if water < cap then remaining = idiv(cap - water, W) end
  return { false, remaining, burst - remaining, until_drained(water), until_drained(need - cap - max_overflow), 0, nil }
end
