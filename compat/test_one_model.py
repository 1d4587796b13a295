"""One meeting, two faces: what the XML API schedules, the REST SDK reads and edits, and back.

Booking systems move from the XML API to REST one integration at a time; both must see the
same meeting number, password and times. The XML calls are plain requests (no XML client is
on PyPI for this API); the REST side is webexpythonsdk, unmodified.
"""

import xml.etree.ElementTree as ET
from datetime import timedelta, timezone

import requests

from conftest import HOST, instant, slot
from served import uses

TOKYO = timezone(timedelta(hours=9))  # the demo site's zone (id 49): no daylight saving


def xml_call(server, body_type, body, result="SUCCESS"):
    envelope = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<serv:message xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
        ' xmlns:serv="http://www.webex.com/schemas/2002/06/service">'
        "<header><securityContext><siteName>demo</siteName><webExID>host01</webExID>"
        "<password>demo-pass</password></securityContext></header>"
        f'<body><bodyContent xsi:type="java:com.webex.service.binding.{body_type}">{body}</bodyContent></body>'
        "</serv:message>"
    )
    response = requests.post(server.url + "/WBXService/XMLService", data=envelope.encode(), timeout=30)
    assert response.status_code == 200, response.text[:300]
    root = ET.fromstring(response.content)
    values = {}
    for element in root.iter():
        values.setdefault(element.tag.rsplit("}", 1)[-1], (element.text or "").strip())
    assert values.get("result") == result, response.text[:500]
    return values


@uses("GET /meetings/{meetingId}", "PUT /meetings/{meetingId}")
def test_xml_meeting_read_and_edited_over_rest(server, webex_host):
    start, end = slot(days=1, hour=15, minutes=45)
    local = start.astimezone(TOKYO)
    created = xml_call(
        server,
        "meeting.CreateMeeting",
        "<metaData><confName>Booked over XML</confName></metaData>"
        f"<schedule><startDate>{local:%m/%d/%Y %H:%M:%S}</startDate><duration>45</duration>"
        "<timeZoneID>49</timeZoneID></schedule>",
    )
    key = created["meetingkey"]
    series = created["meetingUUID"]

    seen = webex_host.meetings.get(series)
    assert seen.id == series
    assert seen.meetingNumber == key
    assert seen.title == "Booked over XML"
    assert seen.password == created["meetingPassword"]
    assert seen.hostEmail == HOST
    assert (instant(seen.start), instant(seen.end)) == (start, end)

    webex_host.meetings.update(
        series, title="Renamed over REST", password=seen.password, start=seen.start, end=seen.end
    )
    back = xml_call(server, "meeting.GetMeeting", f"<meetingKey>{key}</meetingKey>")
    assert back["hostKey"] == seen.hostKey
    assert back["meetingLink"] == seen.webLink
    assert back["confName"] == "Renamed over REST"
    assert back["meetingPassword"] == seen.password
    assert back["startDate"] == f"{local:%m/%d/%Y %H:%M:%S}"
    assert back["duration"] == "45"


@uses("DELETE /meetings/{meetingId}")
def test_xml_meeting_deleted_over_rest_is_gone_for_xml(server, webex_host):
    start, _ = slot(days=1, hour=17)
    created = xml_call(
        server,
        "meeting.CreateMeeting",
        "<metaData><confName>Cancelled over REST</confName></metaData>"
        f"<schedule><startDate>{start.astimezone(TOKYO):%m/%d/%Y %H:%M:%S}</startDate><duration>30</duration>"
        "<timeZoneID>49</timeZoneID></schedule>",
    )
    webex_host.meetings.delete(created["meetingUUID"])
    gone = xml_call(server, "meeting.GetMeeting", f"<meetingKey>{created['meetingkey']}</meetingKey>", "FAILURE")
    assert gone["exceptionID"], "the XML face reports the meeting as not found"


@uses("POST /meetings")
def test_rest_meeting_read_over_xml(server, webex_host):
    start, end = slot(days=1, hour=16, minutes=30)
    created = webex_host.meetings.create(
        title="Booked over REST",
        start=start.isoformat(),
        end=end.isoformat(),
        password="Rest2Xml",
        timezone="Asia/Tokyo",
    )
    back = xml_call(server, "meeting.GetMeeting", f"<meetingKey>{created.meetingNumber}</meetingKey>")
    assert back["confName"] == "Booked over REST"
    assert back["meetingPassword"] == "Rest2Xml"
    assert back["meetingUUID"] == created.id
    assert back["hostKey"] == created.hostKey
    assert back["timeZoneID"] == "49", "Asia/Tokyo is the XML API's zone 49"
    assert back["startDate"] == f"{start.astimezone(TOKYO):%m/%d/%Y %H:%M:%S}"
    assert back["duration"] == "30"
