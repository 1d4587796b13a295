-- wrk script: POST the XML API GetMeeting request for one meeting of host01 on the demo site.
-- Used unchanged against kaigi and against the canned-response baseline.
--
-- The meeting key comes from the environment (KAIGI_MEETING_KEY): bench/run-meetings.sh creates
-- the meeting first. With KAIGI_BENCH_CHECK=1 every response body is checked for "SUCCESS" and
-- the count of those without it is printed at the end (during warm-up only: the check costs wrk
-- CPU, which on a small machine is shared with the server being measured).

local key = os.getenv("KAIGI_MEETING_KEY")
if not key or not string.match(key, "^%d+$") then
  error("getmeeting.lua: set KAIGI_MEETING_KEY to the key of an existing meeting")
end

wrk.method = "POST"
wrk.path = "/WBXService/XMLService"
wrk.headers["Content-Type"] = "text/xml;charset=UTF-8"
-- One line, exactly as a client sends it once MEETING_KEY is replaced; bench/run-meetings.sh
-- reads this line (and makes the same replacement) to capture kaigi's reply.
local template = [[<?xml version="1.0" encoding="UTF-8"?><serv:message xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><header><securityContext><siteName>demo</siteName><webExID>host01</webExID><password>demo-pass</password></securityContext></header><body><bodyContent xsi:type="java:com.webex.service.binding.meeting.GetMeeting"><meetingKey>MEETING_KEY</meetingKey></bodyContent></body></serv:message>]]
wrk.body = (string.gsub(template, "MEETING_KEY", key))

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
    if status ~= 200 or not string.find(body, "<serv:result>SUCCESS</serv:result>", 1, true) then
      bad = bad + 1
    end
  end

  function done(summary, latency, requests)
    local c, b = 0, 0
    for _, t in ipairs(threads) do
      c = c + t:get("checked")
      b = b + t:get("bad")
    end
    io.write(string.format("check: %d responses checked, %d without SUCCESS\n", c, b))
  end
end
