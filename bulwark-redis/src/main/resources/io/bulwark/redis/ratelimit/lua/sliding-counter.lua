-- Approximated sliding window (code 6): counters of the current and the previous aligned
-- window of Redis server time; the previous one counts in proportion to its overlap with the
-- sliding window. At offset e (in ticks of `tick` microseconds) into the current window of W
-- ticks, everything multiplied by W so the comparison is exact:
--   used = prev * (W - e) + cur * W,  a request passes when used + cost * W <= permits * W.
-- State "index:current:previous": the current window's index, its count, the previous one's.
-- The figures (remaining, reset, retry) are computed as in the local SlidingCounterEngine.
local function counter_reset(prev, cur, window_start, window_us)
  if cur > 0 then return window_start + 2 * window_us - NOW end
  if prev > 0 then return window_start + window_us - NOW end
  return 0
end

ALG[6] = function(key, aux, p, cost)
  local permits, window_us, tick = p[2], p[3], p[6]
  local W = window_us / tick
  local index = idiv(NOW, window_us)
  local window_start = index * window_us
  local e = idiv(NOW - window_start, tick)
  local k, c, pc = read_state(key)
  local cur, prev = 0, 0
  if k == index then
    cur, prev = c, pc
  elseif k == index - 1 then
    prev = c
  end
  local budget = permits * W
  local used = prev * (W - e) + cur * W
  local need = used + cost * W
  if need <= budget then
    local after = cur + cost
    return { true, idiv(budget - need, W), ceil_div(need, W), counter_reset(prev, after, window_start, window_us), 0, 0,
      function()
        write_state(key, window_start + 2 * window_us - NOW, index, after, prev)
      end }
  end
  local target
  if cur + cost > permits then
    -- wait for the next window, then for the current count's weight to shrink enough
    local offset = W - idiv((permits - cost) * W, cur)
    target = window_start + window_us + imax(0, offset) * tick
  else
    target = window_start + (W - idiv((permits - cur - cost) * W, prev)) * tick
  end
  return { false, imax(0, idiv(budget - used, W)), ceil_div(used, W),
           counter_reset(prev, cur, window_start, window_us), imax(1, target - NOW), 0, nil }
end
