-- POST /api/search at a fixed pace per connection (see paced.lua).
-- wrk -s search.lua URL -- API_KEY DELAY_MS BODY_FILE   (BODY_FILE: one JSON request body per line)
package.path = debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "?.lua;" .. package.path
local paced = require("paced")
local key, pause, bodies, next_body = nil, nil, {}, 1

function init(args)
  key = args[1]
  pause = paced.delay_ms(args)
  for line in io.lines(args[3]) do
    bodies[#bodies + 1] = line
  end
  next_body = math.random(#bodies)
end

function delay()
  return pause
end

function request()
  local body = bodies[next_body]
  next_body = next_body % #bodies + 1
  return wrk.format("POST", "/api/search", { ["X-Api-Key"] = key, ["Content-Type"] = "application/json" }, body)
end

function done(summary, latency, requests)
  paced.report(summary, latency)
end
