-- Token bucket (code 1), leaky bucket as a meter (code 2) and leaky bucket as a pacing queue
-- (code 3): one arithmetic, as in the local BucketEngine, on ticks of `tick` microseconds (1
-- but for huge limits). State "debt:tick": the permits taken and not yet refilled, scaled so
-- that one permit weighs W (the window in ticks) and one tick drains `permits` (exact), and the
-- tick of that debt. A new key has no debt (a full bucket, an empty leaky bucket).
--
-- The token bucket and the meter admit while the debt after the request fits in the capacity
-- (burst * W): the same promise, seen as tokens left or as water in. Pacing lets the debt
-- overflow the capacity by up to max_delay * permits and hands the overflow back as a delay:
-- the request proceeds when that much has drained.
local function bucket(key, aux, p, cost)
  local permits, burst, tick = p[2], p[4], p[6]
  local W = p[3] / tick
  local cap = burst * W
  local max_overflow = idiv(p[5], tick) * permits -- 0 but for pacing
  local t = idiv(NOW, tick)
  local debt, at = read_state(key)
  if not debt then
    debt, at = 0, t
  else
    local elapsed = t - at
    if elapsed > 0 then
      at = t
      if elapsed >= ceil_div(debt, permits) then
        debt = 0
      else
        debt = debt - elapsed * permits
      end
    end
  end
  -- microseconds from now until `units` of debt have drained, counted from tick t
  local function until_drained(units)
    if units <= 0 then return 0 end
    return (t + ceil_div(units, permits)) * tick - NOW
  end
  local need = debt + cost * W
  if need - cap <= max_overflow then
    local remaining = 0
    if need < cap then remaining = idiv(cap - need, W) end
    local reset = until_drained(need)
    return { true, remaining, burst - remaining, reset, 0, until_drained(need - cap), function()
      write_state(key, reset, need, at)
    end }
  end
  local remaining = 0
  if debt < cap then remaining = idiv(cap - debt, W) end
  return { false, remaining, burst - remaining, until_drained(debt), until_drained(need - cap - max_overflow), 0, nil }
end
ALG[1] = bucket
ALG[2] = bucket
ALG[3] = bucket
