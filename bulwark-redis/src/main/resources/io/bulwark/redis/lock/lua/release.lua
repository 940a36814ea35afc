-- Release: compare the token, then delete. KEYS[1] = holder key. ARGV[2] = token (decimal)
-- (ARGV[1] is the clock: see the prelude).
-- Reply: 1 when released, 0 when the token does not hold the lock now.
local current = redis.call('GET', KEYS[1])
if not current then
  return 0
end
local token, _, until_us = parse(current)
if token ~= ARGV[2] or not until_us or until_us <= NOW then
  return 0
end
redis.call('DEL', KEYS[1])
return 1
