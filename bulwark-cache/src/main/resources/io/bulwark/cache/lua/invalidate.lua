-- Deletes one entry (and its member of the key index), counts a change and broadcasts it, in one step.
-- KEYS[1] the entry, KEYS[2] the cache's change counter, KEYS[3] the key index. ARGV[1] channel, ARGV[2] message.
local n = redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[3], KEYS[1])
redis.call('INCR', KEYS[2])
redis.call('PUBLISH', ARGV[1], ARGV[2])
return n
