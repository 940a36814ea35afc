-- Bulwark Redis locks: shared prelude of every lock script.
--
-- A holder key holds one string "token:acquired_us:until_us:owner" (integers in decimal, times in
-- Redis server microseconds since the epoch; the owner last, so it may contain ':'), with a PX
-- expiry that lapses no earlier than until_us. A lock is held while until_us > NOW, by the server's
-- TIME: every script judges by it, so an expiry Redis has not yet applied changes nothing.
-- Lua numbers are doubles: exact for the integers used here (tokens, microseconds < 2^53).
if redis.REDIS_VERSION_NUM == nil then
  -- Redis < 7 (only < 5 needs it, 5 and 6 accept it): replicate effects, so TIME is allowed before writes.
  redis.replicate_commands()
end

-- ARGV[1] of every script is the clock: empty for the server's TIME (always, outside tests), or
-- a time in microseconds that replaces it (a test's settable clock; see RedisLockStore.Builder#clock).
-- Each script's own arguments start at ARGV[2].
local NOW
if ARGV[1] ~= nil and ARGV[1] ~= '' then
  NOW = tonumber(ARGV[1])
else
  local clock = redis.call('TIME')
  NOW = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
end

-- token (the string, as INCR formatted it), acquired_us, until_us, owner; nil for a malformed value
local function parse(v)
  local a = string.find(v, ':', 1, true)
  if not a then return nil end
  local b = string.find(v, ':', a + 1, true)
  if not b then return nil end
  local c = string.find(v, ':', b + 1, true)
  if not c then return nil end
  return string.sub(v, 1, a - 1), tonumber(string.sub(v, a + 1, b - 1)), tonumber(string.sub(v, b + 1, c - 1)),
         string.sub(v, c + 1)
end

local function encode(token, acquired, until_us, owner)
  return string.format('%s:%d:%d:', token, acquired, until_us) .. owner
end

-- Writes the holder with an expiry no earlier than until_us (milliseconds, rounded up).
local function put(key, value, ttl_us)
  redis.call('SET', key, value, 'PX', math.floor((ttl_us + 999) / 1000))
end
