-- Approximated sliding window (code 6): counters of the current and the previous aligned
-- window of Redis server time; the previous one counts in proportion to its overlap with the
-- sliding window. At offset e into the current window, with everything multiplied by the
-- window W so the comparison is exact:
--   used = prev * (W - e) + cur * W,  a request passes when used + cost * W <= permits * W.
-- State (hash): k = current window index, c = its count, p = the previous window's count.
-- The figures (remaining, reset, retry) are computed as in the local SlidingCounterEngine.
local function counter_reset(prev, cur, window, e)
  if cur > 0 then return 2 * window - e end
  if prev > 0 then return window - e end
  return 0
end

ALG[6] = function(key, aux, p, cost)
  local permits, window = p[2], p[3]
  local index = idiv(NOW, window)
  local e = NOW - index * window
  local s = redis.call('HMGET', key, 'k', 'c', 'p')
  local cur, prev = 0, 0
  if s[1] then
    local k = tonumber(s[1])
    if k == index then
      cur = tonumber(s[2]); prev = tonumber(s[3])
    elseif k == index - 1 then
      prev = tonumber(s[2])
    end
  end
  local budget = permits * window
  local used = prev * (window - e) + cur * window
  local need = used + cost * window
  if need <= budget then
    local after = cur + cost
    local reset = counter_reset(prev, after, window, e)
    local used_permits = ceil_div(need, window)
    return { true, idiv(budget - need, window), used_permits, reset, 0, 0, function()
      redis.call('HSET', key, 'k', index, 'c', after, 'p', prev)
      redis.call('PEXPIRE', key, imax(1, ceil_div(2 * window - e, 1000) + 1))
    end }
  end
  local retry
  if cur + cost > permits then
    -- wait for the next window, then for the current count's weight to shrink enough
    local offset = 0
    if cur > 0 then offset = window - idiv((permits - cost) * window, cur) end
    retry = window - e + imax(0, offset)
  else
    local offset = window - idiv((permits - cur - cost) * window, prev)
    retry = imax(1, offset - e)
  end
  return { false, imax(0, idiv(budget - used, window)), ceil_div(used, window),
           counter_reset(prev, cur, window, e), retry, 0, nil }
end
