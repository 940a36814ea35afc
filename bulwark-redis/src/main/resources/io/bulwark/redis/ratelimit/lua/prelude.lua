-- Bulwark distributed rate limiter: shared prelude of every composed script.
--
-- Calling convention (written by io.bulwark.redis.ratelimit.internal.ScriptArgs):
--   KEYS: two per limit, in config order: the limit's state key, and an auxiliary key (the log
--         of a sliding-log limit; unused by the others). All share one hash tag.
--   ARGV[1] = 1 to acquire, 0 to peek (compute, write nothing)
--   ARGV[2] = cost (>= 1; 0 when peeking)
--   ARGV[3] = number of limits n
--   then 6 per limit: algorithm code, permits, window_us, burst, max_delay_us, tick_us (the
--   time resolution of the bucket and sliding-counter arithmetic: 1 but for huge limits)
-- Reply: { all_allowed, then per limit: allowed, remaining, used, reset_us, retry_us, delay_us }.
--
-- Arithmetic: Lua 5.1 numbers are doubles, exact for integers below 2^53. The Java side picks
-- tick_us so that max(permits, burst) * window and max_delay * permits, counted in ticks, are
-- each at most 2^50: every stored or intermediate value (a sum of a few such amounts) stays
-- exact. Divisions go through idiv/ceil_div, which correct the double quotient to the exact floor.
if redis.REDIS_VERSION_NUM == nil then
  -- Redis < 7 (only < 5 needs it, 5 and 6 accept it): replicate effects, so TIME is allowed.
  redis.replicate_commands()
end

local function idiv(a, b)
  local q = math.floor(a / b)
  if q * b > a then
    q = q - 1
  elseif (q + 1) * b <= a then
    q = q + 1
  end
  return q
end

local function ceil_div(a, b)
  if a <= 0 then
    return 0
  end
  return idiv(a + b - 1, b)
end

local function imax(a, b)
  if a > b then return a end
  return b
end

local function imin(a, b)
  if a < b then return a end
  return b
end

-- Small states are one string of integers separated by ':' (one GET, one SET with its expiry),
-- written with %d so no integer is ever printed in exponent form.
-- Returns the two or three integers of the state at key, or nil when the key is absent.
local function read_state(key)
  local v = redis.call('GET', key)
  if not v then return nil end
  local i = string.find(v, ':', 1, true)
  local j = string.find(v, ':', i + 1, true)
  if j then
    return tonumber(string.sub(v, 1, i - 1)), tonumber(string.sub(v, i + 1, j - 1)), tonumber(string.sub(v, j + 1))
  end
  return tonumber(string.sub(v, 1, i - 1)), tonumber(string.sub(v, i + 1))
end

local function write_state(key, ttl_us, a, b, c)
  local v
  if c then v = string.format('%d:%d:%d', a, b, c) else v = string.format('%d:%d', a, b) end
  redis.call('SET', key, v, 'PX', imax(1, ceil_div(ttl_us, 1000) + 1))
end

local clock = redis.call('TIME')
local NOW = tonumber(clock[1]) * 1000000 + tonumber(clock[2])

-- algorithm code -> function(state_key, aux_key, p, cost) returning
-- { ok, remaining, used, reset_us, retry_us, delay_us, commit } where commit() writes the new state.
local ALG = {}
