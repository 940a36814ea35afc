-- Writes one entry with its tag sets and, for a put, broadcasts it.
-- KEYS[1] the entry, KEYS[2] the cache's change counter, KEYS[3] the key index, KEYS[4..] the tag sets.
-- ARGV[1] payload, ARGV[2] ttl (ms), ARGV[3] expiresAt (ms, the score), ARGV[4] prune members scored
-- below this (ms), ARGV[5] the counter value read before loading ('' for a put: write whatever
-- happened meanwhile, and count it as a change), ARGV[6] channel ('' for none), ARGV[7] message.
-- Returns 1 when written, 0 when a fill was refused because the cache changed since its read.
if ARGV[5] ~= '' then
  local seen = redis.call('GET', KEYS[2]) or '0'
  if seen ~= ARGV[5] then
    return 0
  end
else
  redis.call('INCR', KEYS[2])
end
local ttl = tonumber(ARGV[2])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
for i = 3, #KEYS do
  redis.call('ZADD', KEYS[i], ARGV[3], KEYS[1])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', '(' .. ARGV[4])
  if redis.call('PTTL', KEYS[i]) < ttl then
    redis.call('PEXPIRE', KEYS[i], ttl)
  end
end
if ARGV[6] ~= '' then
  redis.call('PUBLISH', ARGV[6], ARGV[7])
end
return 1
