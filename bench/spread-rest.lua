-- wrk script: GET /v1/meetings/{id}, each request for a meeting drawn at random from many, with
-- the bearer token of that meeting's host: what a booking system does. Used unchanged against
-- kaigi and against the canned-response baseline.
--
-- KAIGI_SPREAD_FILE is rest.tsv written by `kaigi site generate-spread-data` (token, meeting id
-- per line; bench/run-spread.sh makes it). Requests are built once per thread in init, then
-- sent in random order. With KAIGI_BENCH_CHECK=1 every response is checked (200 and the
-- id of one of the meetings asked for) and the failures are counted by status.

local file = os.getenv("KAIGI_SPREAD_FILE")
if not file then
  error("spread-rest.lua: set KAIGI_SPREAD_FILE to rest.tsv")
end

local requests = {}
local known = {}

local check = os.getenv("KAIGI_BENCH_CHECK") == "1"
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(2000 + id)
  for line in io.lines(file) do
    local token, mid = string.match(line, "^([^\t]+)\t(%x+)$")
    if token then
      local headers = { ["Authorization"] = "Bearer " .. token, ["Accept"] = "application/json" }
      table.insert(requests, wrk.format("GET", "/v1/meetings/" .. mid, headers))
      known[mid] = true
    end
  end
  if #requests == 0 then
    error("spread-rest.lua: no lines in " .. file)
  end
  checked = 0
  bad = 0
  statuses = ""
end

function request()
  return requests[math.random(#requests)]
end

if check then
  local by_status = {}
  function response(status, headers, body)
    checked = checked + 1
    -- Responses on a thread's connections come back in any order: the id answered must be one of
    -- those asked for, not necessarily the last one sent.
    local mid = string.match(body, '"id":"(%x+)"')
    if status ~= 200 or not mid or not known[mid] then
      bad = bad + 1
      by_status[status] = (by_status[status] or 0) + 1
      local parts = {}
      for s, n in pairs(by_status) do table.insert(parts, s .. "=" .. n) end
      statuses = table.concat(parts, " ")
    end
  end
end

function done(summary, latency, requests)
  local c, b, s = 0, 0, {}
  for _, t in ipairs(threads) do
    c = c + (t:get("checked") or 0)
    b = b + (t:get("bad") or 0)
    local st = t:get("statuses")
    if st and st ~= "" then table.insert(s, st) end
  end
  if check then
    io.write(string.format("check: %d responses checked, %d not the meeting asked for (by status: %s)\n", c, b, table.concat(s, " ")))
  end
end
