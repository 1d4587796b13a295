"""The test-double controls used as an integration's tests would use them: book a meeting with the
SDK while kaigi answers 429 once (the SDK retries), read the journal and the outbox, move the clock
past the meeting, and undo everything with a snapshot."""

from datetime import datetime, timedelta, timezone

import requests

from conftest import webex_api
from kaigi_controls import kaigi_clock, kaigi_controls, kaigi_faults, kaigi_journal, kaigi_outbox, kaigi_reset  # noqa: F401


def test_a_429_is_retried_and_journaled(server, kaigi_faults, kaigi_journal, kaigi_outbox, kaigi_reset, kaigi_clock):
    # The worked example of docs/testing-with-kaigi.md, as it runs.
    api = webex_api(server, server.host_token)  # webexpythonsdk, unmodified
    kaigi_faults.set_faults(
        {"operation": "POST /v1/meetings", "times": 1, "effect": {"kind": "restRateLimit", "retryAfter": 1}}
    )
    start = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(minutes=30)
    meeting = api.meetings.create(title="Review", start=start.isoformat(), end=(start + timedelta(hours=1)).isoformat())
    api.meeting_invitees.create(meeting.id, "emp001@demo.example", sendEmail=True)
    # The SDK waited Retry-After and tried again:
    posts = kaigi_journal.journal(api="rest", operation="POST /v1/meetings")
    assert [e["status"] for e in posts] == [429, 200]
    assert posts[0]["faulted"] is True
    assert posts[1]["user"] == "host01", "the token's user is journaled"
    assert kaigi_faults.faults()[0]["faulted"] == 1
    # The invitation, and the link in it a test can follow:
    invitations = [m for m in kaigi_outbox.outbox() if m["to"] == "emp001@demo.example"]
    assert len(invitations) == 1, invitations
    links = invitations[0]["links"]
    assert any(meeting.id in link or meeting.meetingNumber in link for link in links), links
    # Past the meeting's end, it is no longer one to join:
    kaigi_clock.set_clock(now=(start + timedelta(hours=2)).isoformat(), frozen=True)
    assert kaigi_clock.clock()["frozen"] is True
    assert api.meetings.get(meeting.id).state == "expired"


def test_xml_failure_fault_writes_nothing(server, kaigi_faults, kaigi_journal):
    kaigi_faults.set_faults(
        {"operation": "meeting.CreateMeeting", "effect": {"kind": "xmlFailure", "exceptionID": "000045"}}
    )
    doc = (
        '<?xml version="1.0" encoding="UTF-8"?><serv:message xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<header><securityContext><webExID>host01</webExID><password>demo-pass</password>"
        "<siteName>demo</siteName></securityContext></header><body>"
        '<bodyContent xsi:type="java:com.webex.service.binding.meeting.CreateMeeting">'
        "<metaData><confName>x</confName></metaData></bodyContent></body></serv:message>"
    )
    r = requests.post(server.url + "/WBXService/XMLService", data=doc, timeout=30)
    assert "<serv:exceptionID>000045</serv:exceptionID>" in r.text
    [entry] = kaigi_journal.journal(api="xml", user="host01")
    assert entry["operation"] == "meeting.CreateMeeting" and entry["exceptionID"] == "000045"


def test_outbox_lists_mails_with_links(kaigi_outbox):
    assert kaigi_outbox.outbox() == []
    for mail in kaigi_outbox.outbox():
        assert isinstance(mail["links"], list)


def test_a_posted_fixture_loads_a_world(kaigi_reset):
    loaded = kaigi_reset.load_fixture({"sites": [{
        "name": "pytest_world", "licensePlan": {"kind": "namedUser", "seats": 1},
        "users": [{"webExId": "solo", "email": "solo@world.example", "password": "solo-pass-1", "host": True}],
        "meetings": [{"host": "solo", "title": "Planned", "startIn": "P1D", "durationMinutes": 30}],
    }]})
    assert loaded == {"sites": 1, "users": 1, "meetings": 1}
    # The seat is taken: a second host breaks the plan's rule, named, and nothing changes.
    r = kaigi_reset.http.post(kaigi_reset.url + "/fixture", timeout=30, json={"sites": [{
        "name": "pytest_full", "licensePlan": {"kind": "namedUser", "seats": 1},
        "users": [{"webExId": f"h{i}", "email": f"h{i}@full.example", "password": "h-pass-123", "host": True}
                  for i in range(2)]}]})
    assert r.status_code == 422 and "users[1] (h1)" in r.json()["message"], r.text
