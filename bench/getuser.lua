-- wrk script: POST the XML API GetUser request for host01 on the demo site.
-- Used unchanged against kaigi and against the canned-response baseline.
--
-- With KAIGI_BENCH_CHECK=1 every response body is checked for "SUCCESS" and the count of those
-- without it is printed at the end (the run script does this during warm-up only: the check
-- costs wrk CPU, which on a small machine is shared with the server being measured).

wrk.method = "POST"
wrk.path = "/WBXService/XMLService"
wrk.headers["Content-Type"] = "text/xml;charset=UTF-8"
-- One line, exactly as a client sends it; bench/run.sh reads this line to capture kaigi's reply.
wrk.body = [[<?xml version="1.0" encoding="UTF-8"?><serv:message xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><header><securityContext><siteName>demo</siteName><webExID>host01</webExID><password>demo-pass</password></securityContext></header><body><bodyContent xsi:type="java:com.webex.service.binding.user.GetUser"><webExId>host01</webExId></bodyContent></body></serv:message>]]

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
    if status ~= 200 or not string.find(body, "SUCCESS", 1, true) then
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
