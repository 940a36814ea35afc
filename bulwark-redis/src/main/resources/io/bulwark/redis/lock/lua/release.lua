-- Release: compare the token, then delete. KEYS[1] = holder key. ARGV[1] = token (decimal).
-- Reply: 1 when released, 0 when the token does not hold the lock now.
local current = redis.call('GET', KEYS[1])
if not current then
  return 0
end
local token, _, until_us = parse(current)
if token ~= ARGV[1] or not until_us or until_us <= NOW then
  return 0
end
redis.call('DEL', KEYS[1])
return 1
