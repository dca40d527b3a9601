-- Shared by the load scripts of `./hart bench api` (benchmarks/load/): pacing and the figures printed at the end.
--
-- wrk has no rate option. Each connection waits `delay_ms` before every request (wrk's delay() hook), so a run with
-- C connections offers about C * 1000 / (delay_ms + latency) requests per second: a fixed rate as long as latency
-- is small against the delay, which the bench checks by reporting the achieved rate next to the target.
-- Coordinated omission: a connection waiting on a slow response sends nothing meanwhile, so a stall delays the
-- requests behind it instead of being counted against them; the percentiles are of the requests actually sent.
local paced = {}

function paced.delay_ms(args)
  return tonumber(args[2])
end

-- The lines of a file (atom ids, request bodies), handed out in turn from a random start so the connections do
-- not all ask for the same thing at once.
function paced.cycle(path)
  local lines = {}
  for line in io.lines(path) do
    lines[#lines + 1] = line
  end
  local i = math.random(#lines)
  return function()
    local line = lines[i]
    i = i % #lines + 1
    return line
  end
end

-- One machine-readable line the bench parses: count, errors, achieved rate and latency percentiles in microseconds.
function paced.report(summary, latency)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status
    + summary.errors.timeout
  io.write(string.format("HART requests=%d errors=%d non2xx=%d seconds=%.3f rate=%.2f p50=%d p90=%d p99=%d max=%d\n",
    summary.requests, errors, summary.errors.status, seconds, summary.requests / seconds,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end

return paced
