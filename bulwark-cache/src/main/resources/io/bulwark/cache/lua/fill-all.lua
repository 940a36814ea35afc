-- Writes the entries one getAll loaded, unless the cache changed since their read: one check of the
-- change counter for all of them, as write.lua does for one fill (a put or an invalidation that
-- landed meanwhile wins). Fills are not broadcast (nothing changed for the other nodes' L1s).
-- KEYS[1] the cache's change counter, KEYS[2] the key index, then per entry: its key, then its tag sets.
-- ARGV[1] the counter value read before loading, ARGV[2] prune members scored below this (ms), then
-- per entry four: payload, ttl (ms), expiresAt (ms, the score), how many tag sets follow its key.
-- Returns the number of entries written: 0 when refused because the cache changed since its read.
local seen = redis.call('GET', KEYS[1]) or '0'
if seen ~= ARGV[1] then
  return 0
end
local touched = {}
local function member(set, score, entry, ttl)
  redis.call('ZADD', set, score, entry)
  local longest = touched[set]
  if longest == nil or longest < ttl then
    touched[set] = ttl
  end
end
local k = 3
local written = 0
for a = 3, #ARGV, 4 do
  local entry = KEYS[k]
  local ttl = tonumber(ARGV[a + 1])
  local tags = tonumber(ARGV[a + 3])
  redis.call('SET', entry, ARGV[a], 'PX', ttl)
  member(KEYS[2], ARGV[a + 2], entry, ttl)
  for t = 1, tags do
    member(KEYS[k + t], ARGV[a + 2], entry, ttl)
  end
  k = k + 1 + tags
  written = written + 1
end
for set, ttl in pairs(touched) do
  redis.call('ZREMRANGEBYSCORE', set, '-inf', '(' .. ARGV[2])
  if redis.call('PTTL', set) < ttl then
    redis.call('PEXPIRE', set, ttl)
  end
end
return written
