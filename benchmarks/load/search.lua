-- POST /api/search at a fixed pace per connection (see paced.lua).
-- wrk -s search.lua URL -- API_KEY DELAY_MS BODY_FILE   (BODY_FILE: one JSON request body per line)
package.path = debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "?.lua;" .. package.path
local paced = require("paced")
local key, pause, next_body = nil, nil, nil

function init(args)
  key = args[1]
  pause = paced.delay_ms(args)
  next_body = paced.cycle(args[3])
end

function delay()
  return pause
end

function request()
  return wrk.format("POST", "/api/search", { ["X-Api-Key"] = key, ["Content-Type"] = "application/json" },
    next_body())
end

function done(summary, latency, requests)
  paced.report(summary, latency)
end
