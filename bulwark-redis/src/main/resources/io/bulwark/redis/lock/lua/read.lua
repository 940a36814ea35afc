-- Read holders. KEYS = holder keys. Reply: { NOW (decimal string), then per key its value when
-- it is held now (until_us > NOW), else nil }. Writes nothing. ARGV[1] is the clock (see the prelude).
local reply = { string.format('%d', NOW) }
for i = 1, #KEYS do
  local v = redis.call('GET', KEYS[i])
  local held = false
  if v then
    local _, _, until_us = parse(v)
    if until_us and until_us > NOW then held = v end
  end
  reply[i + 1] = held
end
return reply
