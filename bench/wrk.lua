-- wrk script for bench/run.py.
-- With a file of request paths after `--` (one per line), each request picks one at
-- random, so the event page reads another row each time instead of one cached row.
-- At the end it prints one JSON line that run.py reads (latencies in microseconds).
local paths = {}
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

function init(args)
  if args[1] then
    for line in io.lines(args[1]) do paths[#paths + 1] = line end
  end
  math.randomseed(thread_number * 7919 + os.time())
end

function request()
  if #paths == 0 then return wrk.request() end
  return wrk.format(nil, paths[math.random(#paths)])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p99_us": %d, "max_us": %d, '
    .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(99),
    latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
