-- Releases a fleet load lock if this token still holds it, and tells the waiting nodes that the
-- load ended (whether or not its value was written).
-- KEYS[1] the lock. ARGV[1] token, ARGV[2] channel, ARGV[3] message.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
end
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 1
