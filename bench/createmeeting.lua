-- wrk script: POST the XML API CreateMeeting request for host01 on the demo site.
--
-- Every response is checked: a create counts only when the reply is HTTP 200, says SUCCESS and
-- carries a meeting key. done() prints one line that bench/run-meetings.sh and bench/durability.sh
-- read:
--   creates: <acknowledged> ok, <other> not ok, <duration us> us, <acknowledged per second>/s
--
-- With KAIGI_BENCH_KEYS=DIR each wrk thread appends the key of every acknowledged meeting to
-- DIR/keys-<thread>.txt, one per line (the file is opened once per thread and line-buffered, so
-- a key is on disk as soon as its reply has been read, even if wrk is stopped by a signal).

wrk.method = "POST"
wrk.path = "/WBXService/XMLService"
wrk.headers["Content-Type"] = "text/xml;charset=UTF-8"
-- One line, exactly as a client sends it. The demo site requires meeting passwords: none is sent,
-- so kaigi generates one.
wrk.body = [[<?xml version="1.0" encoding="UTF-8"?><serv:message xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><header><securityContext><siteName>demo</siteName><webExID>host01</webExID><password>demo-pass</password></securityContext></header><body><bodyContent xsi:type="java:com.webex.service.binding.meeting.CreateMeeting"><metaData><confName>Bench</confName></metaData><schedule><startDate>12/31/2027 10:00:00</startDate><duration>30</duration></schedule></bodyContent></body></serv:message>]]

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  ok = 0
  bad = 0
  local dir = os.getenv("KAIGI_BENCH_KEYS")
  if dir and dir ~= "" then
    local path = dir .. "/keys-" .. id .. ".txt"
    keys = assert(io.open(path, "a"))
    keys:setvbuf("line")
  end
end

function response(status, headers, body)
  local key = nil
  if status == 200 and string.find(body, "<serv:result>SUCCESS</serv:result>", 1, true) then
    key = string.match(body, "<meet:meetingkey>(%d+)</meet:meetingkey>")
  end
  if key then
    ok = ok + 1
    if keys then
      keys:write(key, "\n")
    end
  else
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local o, b = 0, 0
  for _, t in ipairs(threads) do
    o = o + t:get("ok")
    b = b + t:get("bad")
  end
  local seconds = summary.duration / 1e6
  io.write(string.format("creates: %d ok, %d not ok, %d us, %.1f/s\n", o, b, summary.duration,
    seconds > 0 and o / seconds or 0))
end
