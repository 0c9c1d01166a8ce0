-- wrk script of bench/document_path.sh: POSTs one estimate document to /api/v1/calc again and
-- again, counting the answers by status (every one should be 200).
--   wrk -t2 -c50 -d10s --latency -s bench/calc_post.lua URL -- DOCUMENT.json
statuses = {}  -- global, so that done() can read it with thread:get
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

local req
function init(args)
  local f = assert(io.open(args[1], "rb"), "calc_post.lua: cannot open " .. tostring(args[1]))
  local body = f:read("*a")
  f:close()
  req = wrk.format("POST", "/api/v1/calc", {["Content-Type"] = "application/json"}, body)
end

function request()
  return req
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status ~= 200 and (statuses[status] or 0) <= 3 then
    io.stderr:write("calc answered ", status, ": ", body:sub(1, 300), "\n")
  end
end

function done(summary, latency, requests)
  local all, unexpected = {}, 0
  for _, t in ipairs(threads) do
    for status, n in pairs(t:get("statuses") or {}) do all[status] = (all[status] or 0) + n end
  end
  local parts = {}
  for status, n in pairs(all) do
    table.insert(parts, status .. "=" .. n)
    if status ~= 200 then unexpected = unexpected + n end
  end
  table.sort(parts)
  io.write("statuses " .. table.concat(parts, " ") .. "\n")
  io.write(string.format("unexpected_answers=%d\n", unexpected))
end
