-- Shared helpers: read a file of lines; report p50/p95/p99 and the error count as one line.
function read_lines(path)
  local t = {}
  for line in io.lines(path) do if #line > 0 then t[#t + 1] = line end end
  return t
end

-- Every thread counts answers that are not 200/201 (wrk itself counts only 4xx/5xx, so a
-- redirect to the log-in page would pass for success).
local threads = {}
bad = 0
function setup(thread)
  threads[#threads + 1] = thread
  thread:set("tid", #threads)
end
function response(status, headers, body)
  if status ~= 200 and status ~= 201 then bad = bad + 1 end
end

function done(summary, latency, requests)
  local wrong = 0
  for _, thread in ipairs(threads) do wrong = wrong + (thread:get("bad") or 0) end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout + wrong
  io.write(string.format(
    "RESULT requests=%d duration_s=%.1f rps=%.1f p50_ms=%.1f p95_ms=%.1f p99_ms=%.1f errors=%d not_ok=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    errors, wrong))
end
