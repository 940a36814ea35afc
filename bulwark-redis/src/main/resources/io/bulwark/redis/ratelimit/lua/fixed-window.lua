-- Fixed window (code 4): a counter per aligned window [k*window, (k+1)*window) of Redis server
-- time (epoch microseconds). State "index:count".
ALG[4] = function(key, aux, p, cost)
  local permits, window = p[2], p[3]
  local index = idiv(NOW, window)
  local k, c = read_state(key)
  local count = 0
  if k == index then count = c end
  local reset = (index + 1) * window - NOW
  local ok = count + cost <= permits
  local after = count
  local retry = 0
  if ok then after = count + cost else retry = reset end
  local ttl = reset
  if after == 0 then reset = 0 end -- a peek at an unused window: nothing to reset
  return { ok, permits - after, after, reset, retry, 0, function()
    write_state(key, ttl, index, after)
  end }
end
