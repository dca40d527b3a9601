-- GET /api/atoms/{id} at a fixed pace per connection (see paced.lua).
-- wrk -s atom.lua URL -- API_KEY DELAY_MS ID_FILE   (ID_FILE: one atom id per line)
package.path = debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "?.lua;" .. package.path
local paced = require("paced")
local key, pause, next_id = nil, nil, nil

function init(args)
  key = args[1]
  pause = paced.delay_ms(args)
  next_id = paced.cycle(args[3])
end

function delay()
  return pause
end

function request()
  return wrk.format("GET", "/api/atoms/" .. next_id(), { ["X-Api-Key"] = key })
end

function done(summary, latency, requests)
  paced.report(summary, latency)
end
