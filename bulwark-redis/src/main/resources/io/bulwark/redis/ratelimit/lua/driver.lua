-- Two phases, so a multi-limit decision is all-or-nothing: first every limit decides on what
-- it read, then, only if every one passed (and this is not a peek), every one writes.
local acquire = ARGV[1] == '1'
local cost = tonumber(ARGV[2])
local n = tonumber(ARGV[3])
local results = {}
local all = true
for i = 1, n do
  local base = 3 + (i - 1) * 6
  local p = {}
  for j = 1, 6 do p[j] = tonumber(ARGV[base + j]) end
  local r = ALG[p[1]](KEYS[2 * i - 1], KEYS[2 * i], p, cost)
  results[i] = r
  if not r[1] then all = false end
end
local reply = { 0 }
if all then reply[1] = 1 end
for i = 1, n do
  local r = results[i]
  if all and acquire then r[7]() end
  local ok = 0
  if r[1] then ok = 1 end
  local delay = r[6]
  if not all then delay = 0 end
  reply[#reply + 1] = ok
  reply[#reply + 1] = r[2]
  reply[#reply + 1] = r[3]
  reply[#reply + 1] = r[4]
  reply[#reply + 1] = r[5]
  reply[#reply + 1] = delay
end
return reply
