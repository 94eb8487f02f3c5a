-- Shared helpers: read a file of lines; report p50/p95/p99 and the error count as one line.
function read_lines(path)
  local t = {}
  for line in io.lines(path) do if #line > 0 then t[#t + 1] = line end end
  return t
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    "RESULT requests=%d duration_s=%.1f rps=%.1f p50_ms=%.1f p95_ms=%.1f p99_ms=%.1f errors=%d non2xx=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    errors, summary.errors.status))
end
