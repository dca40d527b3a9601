-- GET /api/atoms/{id} at a fixed pace per connection (see paced.lua).
-- wrk -s atom.lua URL -- API_KEY DELAY_MS ID_FILE   (ID_FILE: one atom id per line)
package.path = debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "?.lua;" .. package.path
local paced = require("paced")
local key, pause, ids, next_id = nil, nil, {}, 1

function init(args)
  key = args[1]
  pause = paced.delay_ms(args)
  for line in io.lines(args[3]) do
    ids[#ids + 1] = line
  end
  next_id = math.random(#ids)
end

function delay()
  return pause
end

function request()
  local id = ids[next_id]
  next_id = next_id % #ids + 1
  return wrk.format("GET", "/api/atoms/" .. id, { ["X-Api-Key"] = key })
end

function done(summary, latency, requests)
  paced.report(summary, latency)
end
