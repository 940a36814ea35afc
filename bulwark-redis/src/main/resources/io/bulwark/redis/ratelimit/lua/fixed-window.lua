-- Fixed window (code 4): a counter per aligned window [k*window, (k+1)*window) of Redis server
-- time (epoch microseconds). State (hash): k = window index, c = count in it.
ALG[4] = function(key, aux, p, cost)
  local permits, window = p[2], p[3]
  local index = idiv(NOW, window)
  local s = redis.call('HMGET', key, 'k', 'c')
  local count = 0
  if s[1] and tonumber(s[1]) == index then count = tonumber(s[2]) end
  local reset = (index + 1) * window - NOW
  local ok = count + cost <= permits
  local after = count
  local retry = 0
  if ok then after = count + cost else retry = reset end
  local ttl = reset
  if after == 0 then reset = 0 end -- a peek at an unused window: nothing to reset
  return { ok, permits - after, after, reset, retry, 0, function()
    redis.call('HSET', key, 'k', index, 'c', after)
    redis.call('PEXPIRE', key, imax(1, ceil_div(ttl, 1000) + 1))
  end }
end
