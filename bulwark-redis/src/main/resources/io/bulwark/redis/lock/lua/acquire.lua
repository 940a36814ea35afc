-- Acquire. KEYS[1] = holder key, KEYS[2] = token counter key (no expiry: tokens only grow).
-- ARGV[2] = owner, ARGV[3] = ttl in microseconds (ARGV[1] is the clock: see the prelude).
-- Reply: the new holder value, or nil when an unexpired holder exists. The INCR and the SET
-- happen in this one script, so no token is ever handed out without its grant, nor twice.
local ttl = tonumber(ARGV[3])
local current = redis.call('GET', KEYS[1])
if current then
  local _, _, until_us = parse(current)
  if until_us and until_us > NOW then
    return false
  end
end
local token = redis.call('INCR', KEYS[2])
local value = encode(string.format('%d', token), NOW, NOW + ttl, ARGV[2])
put(KEYS[1], value, ttl)
return value
