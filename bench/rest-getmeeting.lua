-- wrk script: GET /v1/meetings/{id} with a bearer token, as a REST client reads one meeting.
-- Used unchanged against kaigi and against the canned-response baseline.
--
-- KAIGI_MEETING_ID and KAIGI_TOKEN come from bench/run-rest.sh (it creates the meeting and mints
-- the token first). With KAIGI_BENCH_CHECK=1 every response is checked (status 200 and the
-- meeting's id in the body) and the count of failures is printed at the end (warm-up only: the
-- check costs wrk CPU, which on a small machine is shared with the server being measured).

local id = os.getenv("KAIGI_MEETING_ID")
local token = os.getenv("KAIGI_TOKEN")
if not id or not string.match(id, "^%x+$") or not token or token == "" then
  error("rest-getmeeting.lua: set KAIGI_MEETING_ID (a series id) and KAIGI_TOKEN")
end

wrk.method = "GET"
wrk.path = "/v1/meetings/" .. id
wrk.headers["Authorization"] = "Bearer " .. token
wrk.headers["Accept"] = "application/json"

if os.getenv("KAIGI_BENCH_CHECK") == "1" then
  local threads = {}

  function setup(thread)
    table.insert(threads, thread)
  end

  function init(args)
    checked = 0
    bad = 0
  end

  function response(status, headers, body)
    checked = checked + 1
    if status ~= 200 or not string.find(body, '"id":"' .. id .. '"', 1, true) then
      bad = bad + 1
    end
  end

  function done(summary, latency, requests)
    local c, b = 0, 0
    for _, t in ipairs(threads) do
      c = c + t:get("checked")
      b = b + t:get("bad")
    end
    io.write(string.format("check: %d responses checked, %d not the meeting\n", c, b))
  end
end
