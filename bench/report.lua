-- wrk reporter for bench/run.py: after the run, prints one machine-readable line with the
-- request count, latency percentiles (microseconds) and wrk's error counts. errors_status is
-- wrk's own count of responses with a status of 400 or more; bench/run.py probes each URL once
-- beforehand for its status code. No per-response hook: that would slow wrk down (about 8 % on
-- the hello-world baseline here), and wrk shares the machine's CPUs with the server.

function done(summary, latency, requests)
  local fields = {
    "requests=" .. summary.requests,
    "duration_us=" .. summary.duration,
    "bytes=" .. summary.bytes,
    "p50_us=" .. latency:percentile(50),
    "p90_us=" .. latency:percentile(90),
    "p99_us=" .. latency:percentile(99),
    "max_us=" .. latency.max,
    "errors_status=" .. summary.errors.status,
    "errors_connect=" .. summary.errors.connect,
    "errors_read=" .. summary.errors.read,
    "errors_write=" .. summary.errors.write,
    "errors_timeout=" .. summary.errors.timeout,
  }
  io.write("onegate-bench " .. table.concat(fields, " ") .. "\n")
end
