-- wrk script of bench/estimates_api.sh: edits one position again and again, each PATCH carrying
-- If-Match with the version of the previous answer's ETag (with -t1 -c1 the requests are strictly
-- sequential: wrk builds the next request only after the previous response has arrived).
--   wrk -t1 -c1 -d10s --latency -s bench/estimate_edit.lua URL -- PATH VERSION TOKEN
local path, token
version = nil        -- globals, so that done() can read them with thread:get
failures = 0         -- answers other than 200 or without an ETag
local n = 0          -- requests built
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  path, version, token = args[1], args[2], args[3]
end

function request()
  n = n + 1
  -- A different quantity every time (1.001 … 200.000), so that every PATCH is a real change.
  local quantity = string.format("%.3f", 1 + (n * 7919 % 199000) / 1000)
  return wrk.format("PATCH", path, {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
    ["If-Match"] = '"' .. version .. '"',
  }, '{"quantity": "' .. quantity .. '"}')
end

function response(status, headers, body)
  local etag = headers["etag"] or headers["ETag"] or headers["Etag"]
  if status == 200 and etag then
    version = etag:gsub('"', "")
  else
    failures = failures + 1
    if failures <= 3 then io.stderr:write("edit answered ", status, ": ", body:sub(1, 300), "\n") end
  end
end

function done(summary, latency, requests)
  local failed = 0
  local last = "?"
  for _, t in ipairs(threads) do
    failed = failed + (t:get("failures") or 0)
    last = t:get("version") or last
  end
  io.write(string.format("edit_failures=%d last_version=%s\n", failed, last))
  -- bench/lib.sh's bench_wrk fails the run when this is not 0.
  io.write(string.format("unexpected_answers=%d\n", failed))
end
