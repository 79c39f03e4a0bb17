-- One wrk script for every scenario. bench/run.py writes a prelude defining CFG before it:
--   CFG.method, CFG.paths (list), CFG.bodies (list or empty), CFG.tokens (list or empty),
--   CFG.content_type, CFG.idempotency (bool), CFG.run_id
-- Requests rotate over paths, bodies and tokens; each write carries a unique Idempotency-Key.
local threads = {}
local counter = 0
-- Globals: setup() sets tid in each thread's state; done() reads statuses from each thread.
tid = 0
statuses = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function request()
  counter = counter + 1
  local headers = {}
  if CFG.content_type ~= "" then
    headers["Content-Type"] = CFG.content_type
  end
  if #CFG.tokens > 0 then
    headers["Authorization"] = "Bearer " .. CFG.tokens[(counter % #CFG.tokens) + 1]
  end
  if CFG.idempotency then
    headers["Idempotency-Key"] = string.format("%s-%d-%d", CFG.run_id, tid, counter)
  end
  local path = CFG.paths[(counter % #CFG.paths) + 1]
  local body = nil
  if #CFG.bodies > 0 then
    body = CFG.bodies[(counter % #CFG.bodies) + 1]
  end
  return wrk.format(CFG.method, path, headers, body)
end

function response(status, headers, body)
  local key = tostring(status)
  -- HAProxy's own per-address flood shield answers 429 without the services' quota headers.
  if status == 429 and body ~= nil and string.find(body, "from this address", 1, true) then
    key = "429-haproxy"
  end
  statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    if counts then
      for k, v in pairs(counts) do
        merged[k] = (merged[k] or 0) + v
      end
    end
  end
  local parts = {}
  for k, v in pairs(merged) do
    table.insert(parts, string.format('"%s": %d', k, v))
  end
  io.write("BENCH_JSON ")
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, '
      .. '"latency_us": {"p50": %d, "p75": %d, "p90": %d, "p95": %d, "p99": %d, "max": %d, "mean": %.1f}, '
      .. '"statuses": {%s}}\n',
    summary.requests, summary.duration, summary.bytes,
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(75), latency:percentile(90),
    latency:percentile(95), latency:percentile(99), latency.max, latency.mean,
    table.concat(parts, ", ")))
end
