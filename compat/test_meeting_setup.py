"""A meeting series' setup with the unmodified clients: wxc-sdk 1.41.0 where it has the operation
(`meetings.update_simultaneous_interpretation`, and `meetings.get` reading the meeting's
`simultaneousInterpretation` back), plain HTTP for the rest (interpreters, breakout sessions,
invitation sources). Every answer read through `raw_host` passes the vendor's contract
(compat/contract.py)."""

import pytest
from wxc_sdk.meetings import InterpreterForSimultaneousInterpretation
from wxc_sdk.rest import RestError

from conftest import iso, slot
from contract import check_error_body
from served import uses


def refused(raw, method, path, status, **kwargs):
    """An error answer, checked as Webex error JSON. Not against the operation's own 400 schema:
    for the interpreter operations the spec writes only `message` and `trackingId`, where kaigi
    answers `errors` too, as on every other operation (docs/rest.md)."""
    response = raw.http.request(method, raw.base + path, timeout=30, **kwargs)
    assert response.status_code == status, response.text
    check_error_body(response)
    return response.json()


def create(raw, hour, title, **extra):
    start, end = slot(days=7, hour=hour)
    body = {"title": title, "start": iso(start), "end": iso(end), **extra}
    return raw.call("POST", "/meetings", 200, json=body).json()


@uses("POST /meetings", "PUT /meetings/{meetingId}/simultaneousInterpretation", "GET /meetings/{meetingId}",
      "GET /meetings/{meetingId}/interpreters", "POST /meetings/{meetingId}/interpreters",
      "GET /meetings/{meetingId}/interpreters/{interpreterId}",
      "PUT /meetings/{meetingId}/interpreters/{interpreterId}",
      "DELETE /meetings/{meetingId}/interpreters/{interpreterId}")
def test_interpretation_with_wxc_and_interpreters_by_http(wxc_host, raw_host):
    meeting = create(raw_host, 9, "setup interpretation")
    mid = meeting["id"]
    one = InterpreterForSimultaneousInterpretation(
        language_code1="en", language_code2="de", email="marcus.hoffmann@example.com", display_name="Hoffmann")
    kept = wxc_host.meetings.update_simultaneous_interpretation(mid, enabled=True, interpreters=[one])
    assert kept.enabled is True
    assert [(i.language_code1, i.language_code2, i.email) for i in kept.interpreters] == [
        ("en", "de", "marcus.hoffmann@example.com")]
    got = wxc_host.meetings.get(mid)
    assert got.simultaneous_interpretation.enabled is True
    assert got.simultaneous_interpretation.interpreters[0].id == kept.interpreters[0].id

    added = raw_host.call("POST", f"/meetings/{mid}/interpreters", 200, json={
        "languageCode1": "en", "languageCode2": "fr", "email": "antoine.martin@example.com",
        "displayName": "Martin", "sendEmail": False}).json()
    items = raw_host.call("GET", f"/meetings/{mid}/interpreters", 200).json()["items"]
    assert [i["id"] for i in items] == [added["id"], kept.interpreters[0].id]
    path = f"/meetings/{mid}/interpreters/{added['id']}"
    assert raw_host.call("GET", path, 200).json() == added
    changed = raw_host.call("PUT", path, 200, json={"languageCode1": "en", "languageCode2": "es",
                                                   "email": "marcus.tuchel@example.com"}).json()
    assert changed["languageCode2"] == "es" and changed["id"] == added["id"]
    twice = refused(raw_host, "PUT", path, 400, json={"languageCode1": "en", "languageCode2": "es",
                                                      "email": "marcus.hoffmann@example.com"})
    assert "is found in more than one interpreter" in twice["errors"][0]["description"]
    bad = refused(raw_host, "POST", f"/meetings/{mid}/interpreters", 400,
                  json={"languageCode1": "xx", "languageCode2": "de"})
    assert bad["errors"][0]["description"].startswith("languageCode1:")
    raw_host.call("DELETE", path, 204)
    raw_host.call("GET", path, 404)

    with pytest.raises(RestError) as raised:
        wxc_host.meetings.update_simultaneous_interpretation(mid, enabled=False, interpreters=[one])
    assert raised.value.response.status_code == 400
    off = wxc_host.meetings.update_simultaneous_interpretation(mid, enabled=False)
    assert off.enabled is False
    assert wxc_host.meetings.get(mid).simultaneous_interpretation.enabled is False


@uses("POST /meetings", "GET /meetings/{meetingId}/breakoutSessions", "PUT /meetings/{meetingId}/breakoutSessions",
      "DELETE /meetings/{meetingId}/breakoutSessions", "GET /meetings/{meetingId}")
def test_breakout_sessions(raw_host):
    meeting = create(raw_host, 11, "setup breakout", enabledBreakoutSessions=True)
    path = f"/meetings/{meeting['id']}/breakoutSessions"
    assert raw_host.call("GET", path, 200).json() == {"items": []}
    body = {"sendEmail": False, "items": [
        {"name": "Breakout Session 1", "invitees": ["rachel.green@example.com", "monica.geller@example.com"]},
        {"name": "Breakout Session N", "invitees": ["ross.geller@example.com", "chandler.bing@example.com"]}]}
    put = raw_host.call("PUT", path, 200, json=body).json()
    assert [(i["name"], i["invitees"]) for i in put["items"]] == [(i["name"], i["invitees"]) for i in body["items"]]
    assert raw_host.call("GET", path, 200).json() == put
    raw_host.call("PUT", path, 400, json={"items": [{"name": "A", "invitees": ["x@example.com"]},
                                                    {"name": "B", "invitees": ["x@example.com"]}]})
    raw_host.call("DELETE", path + "?sendEmail=false", 204)
    assert raw_host.call("GET", path, 200).json() == {"items": []}
    assert raw_host.call("GET", f"/meetings/{meeting['id']}", 200).json()["enabledBreakoutSessions"] is False


@uses("POST /meetings", "GET /meetings/{meetingId}/invitationSources", "POST /meetings/{meetingId}/invitationSources")
def test_invitation_sources_of_a_webinar(raw_host):
    webinar = create(raw_host, 13, "setup sources", scheduledType="webinar")
    path = f"/meetings/{webinar['id']}/invitationSources"
    made = raw_host.call("POST", path, 200, json={"items": [
        {"sourceId": "cisco", "sourceEmail": "john001@example.com"},
        {"sourceId": "webex", "sourceEmail": "john002@example.com"}]}).json()
    assert [(s["id"], s["sourceId"]) for s in made["items"]] == [("1", "cisco"), ("2", "webex")]
    assert all(s["joinLink"].startswith(webinar["webLink"]) for s in made["items"])
    assert raw_host.call("GET", path, 200).json() == made
    plain = create(raw_host, 15, "setup not a webinar")
    raw_host.call("GET", f"/meetings/{plain['id']}/invitationSources", 400)
