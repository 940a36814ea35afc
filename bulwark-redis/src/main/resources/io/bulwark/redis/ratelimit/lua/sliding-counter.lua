-- Approximated sliding window (code 6): counters of the current and the previous aligned
-- window; the previous one counts in proportion to its overlap with the sliding window
-- (now - window, now]. Exact integer comparison: a request passes when
--   prev * (window - elapsed) + (cur + cost) * window <= permits * window.
-- State (hash): k = current window index, c = its count, p = the previous window's count.
ALG[6] = function(key, aux, p, cost)
  local permits, window = p[2], p[3]
  local index = idiv(NOW, window)
  local elapsed = NOW - index * window
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
  local weight = window - elapsed
  local ok = prev * weight + (cur + cost) * window <= permits * window
  local after = cur
  local retry = 0
  if ok then
    after = cur + cost
  elseif cur + cost > permits then
    retry = window - elapsed
  else
    -- the previous window's weight must fall until prev * w <= (permits - cur - cost) * window
    local allowed_w = idiv((permits - cur - cost) * window, prev)
    retry = weight - allowed_w
  end
  local used = ceil_div(prev * weight, window) + after
  local remaining = imax(0, permits - used)
  local reset = window - elapsed
  if prev > 0 and after == 0 then reset = weight end
  if after > 0 then reset = 2 * window - elapsed end
  return { ok, remaining, imin(used, permits), reset, retry, 0, function()
    redis.call('HSET', key, 'k', index, 'c', after, 'p', prev)
    redis.call('PEXPIRE', key, imax(1, ceil_div(2 * window - elapsed, 1000) + 1))
  end }
end
