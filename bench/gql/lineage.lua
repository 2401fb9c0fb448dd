-- wrk script for bench/loadtest.sh: POSTs a lineage query per request,
-- rotating over the tables listed in $TABLES (one per line). DEPTH and LIMIT
-- set the walk; each thread starts at a different table.
local tables = {}
for line in io.lines(os.getenv("TABLES")) do
  if line ~= "" then tables[#tables + 1] = line end
end
local depth = tonumber(os.getenv("DEPTH") or "3")
local limit = tonumber(os.getenv("LIMIT") or "500")
local query = "query($t: String!, $d: Int, $l: Int) { lineage(table: $t, direction: DOWNSTREAM, depth: $d, limit: $l) "
  .. "{ truncated tables { name } jobs { id owner { handle } } edges { job table kind } } }"
local counter = 0
local offset = 0

function setup(thread)
  thread:set("offset", counter * 7)
  counter = counter + 1
end

function init(args)
  offset = tonumber(wrk.thread:get("offset")) or 0
end

local n = 0
function request()
  n = n + 1
  local t = tables[((n + offset) % #tables) + 1]
  local body = string.format('{"query":"%s","variables":{"t":"%s","d":%d,"l":%d}}', query:gsub('"', '\\"'), t, depth, limit)
  return wrk.format("POST", "/graphql", {["Content-Type"] = "application/json"}, body)
end

local errors = 0
function response(status, headers, body)
  if status ~= 200 or body:find('"errors"', 1, true) then
    errors = errors + 1
    if errors <= 3 then io.stderr:write("bad response ", status, ": ", body:sub(1, 300), "\n") end
  end
end

function done(summary, latency, requests)
  io.write(string.format("requests %d, non-2xx or GraphQL errors %d (this thread's count: %d)\n",
    summary.requests, summary.errors.status, errors))
end
