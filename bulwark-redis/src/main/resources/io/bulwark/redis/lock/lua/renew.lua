-- Renew: compare the token, then extend. KEYS[1] = holder key.
-- ARGV[2] = token (decimal), ARGV[3] = ttl in microseconds (ARGV[1] is the clock: see the prelude).
-- Reply: the renewed holder value, or nil when the token does not hold the lock now.
local current = redis.call('GET', KEYS[1])
if not current then
  return false
end
local token, acquired, until_us, owner = parse(current)
if token ~= ARGV[2] or not until_us or until_us <= NOW then
  return false
end
local ttl = tonumber(ARGV[3])
local value = encode(token, acquired, NOW + ttl, owner)
put(KEYS[1], value, ttl)
return value
