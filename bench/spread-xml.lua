-- wrk script: the XML API GetMeeting, each request for a meeting drawn at random from many, asked
-- by that meeting's host with the host's own password: what a booking system does. Used unchanged
-- against kaigi and against the canned-response baseline.
--
-- KAIGI_SPREAD_FILE is xml.tsv written by `kaigi site generate-spread-data` (webExId, password,
-- meetingKey per line; bench/run-spread.sh makes it). Every thread builds all requests once in
-- init (building one per request would cost wrk CPU that the server being measured shares), then
-- sends one chosen at random. With KAIGI_BENCH_CHECK=1 every response is checked (200,
-- SUCCESS, and the key of one of the meetings asked for) and the failures are counted by status.

local file = os.getenv("KAIGI_SPREAD_FILE")
local site = os.getenv("KAIGI_SPREAD_SITE") or "spread"
if not file then
  error("spread-xml.lua: set KAIGI_SPREAD_FILE to xml.tsv")
end

local template = [[<?xml version="1.0" encoding="UTF-8"?><serv:message xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><header><securityContext><siteName>SITE</siteName><webExID>WEBEXID</webExID><password>PASSWORD</password></securityContext></header><body><bodyContent xsi:type="java:com.webex.service.binding.meeting.GetMeeting"><meetingKey>MEETING_KEY</meetingKey></bodyContent></body></serv:message>]]

local requests = {}
local known = {}

local check = os.getenv("KAIGI_BENCH_CHECK") == "1"
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(1000 + id)
  local headers = { ["Content-Type"] = "text/xml;charset=UTF-8" }
  for line in io.lines(file) do
    local webex_id, password, key = string.match(line, "^([^\t]+)\t([^\t]+)\t(%d+)$")
    if webex_id then
      local body = template:gsub("SITE", site):gsub("WEBEXID", webex_id):gsub("PASSWORD", password):gsub("MEETING_KEY", key)
      table.insert(requests, wrk.format("POST", "/WBXService/XMLService", headers, body))
      known[key] = true
    end
  end
  if #requests == 0 then
    error("spread-xml.lua: no lines in " .. file)
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
    -- Responses on a thread's connections come back in any order: the key answered must be one
    -- of those asked for, not necessarily the last one sent.
    local key = string.match(body, "<meet:meetingkey>(%d+)</meet:meetingkey>")
    local ok = status == 200 and string.find(body, "<serv:result>SUCCESS</serv:result>", 1, true) and key and known[key]
    if not ok then
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
