-- Token bucket (code 1) and leaky bucket as a meter (code 2): the same arithmetic, seen as
-- tokens left or as water in, on ticks of `tick` microseconds (1 but for huge limits). State
-- (hash): l = tokens scaled by the window in ticks (one permit weighs W units, one tick refills
-- `permits` units, so refill is exact), t = the tick of l. A new key is a full bucket.
local function bucket(key, aux, p, cost)
  local permits, burst, tick = p[2], p[4], p[6]
  local W = p[3] / tick
  local cap = burst * W
  local t = idiv(NOW, tick)
  local s = redis.call('HMGET', key, 'l', 't')
  local level, at = cap, t
  if s[1] then
    level = tonumber(s[1])
    at = tonumber(s[2])
    local elapsed = t - at
    if elapsed > 0 then
      at = t
      if level < cap then
        if elapsed >= ceil_div(cap - level, permits) then
          level = cap
        else
          level = level + elapsed * permits
        end
      end
    end
  end
  -- microseconds from now until `units` have refilled, counted from tick t
  local function until_refilled(units)
    if units <= 0 then return 0 end
    return (t + ceil_div(units, permits)) * tick - NOW
  end
  local need = cost * W
  local ok = need <= level
  local after = level
  local retry = 0
  if ok then after = level - need else retry = until_refilled(need - level) end
  local remaining = idiv(after, W)
  local reset = until_refilled(cap - after)
  return { ok, remaining, burst - remaining, reset, retry, 0, function()
    redis.call('HSET', key, 'l', after, 't', at)
    redis.call('PEXPIRE', key, imax(1, ceil_div(reset, 1000) + 1))
  end }
end
ALG[1] = bucket
ALG[2] = bucket
