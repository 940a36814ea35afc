-- Deletes every entry a set names (a tag set, or the key index for "all"), the set itself, counts
-- a change and broadcasts it, in one step: no reader sees half of a tag invalidated.
-- KEYS[1] the set, KEYS[2] the cache's change counter. ARGV[1] channel, ARGV[2] message.
local members = redis.call('ZRANGE', KEYS[1], 0, -1)
for i = 1, #members, 500 do
  redis.call('UNLINK', unpack(members, i, math.min(i + 499, #members)))
end
redis.call('DEL', KEYS[1])
redis.call('INCR', KEYS[2])
redis.call('PUBLISH', ARGV[1], ARGV[2])
return #members
