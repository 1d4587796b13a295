"""Plain HTTP against every served operation; each answer (status, headers, body) is checked
against the vendor's OpenAPI description by the `Raw` fixture (see contract.py)."""

import json
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import requests

from conftest import HOST, OTHER_HOST, UNLICENSED, instant, iso, slot
from contract import check_error_body
from served import uses


def new_meeting(raw, hour, days=2, **extra):
    start, end = slot(days=days, hour=hour)
    body = {"title": f"Contract {days}/{hour}", "start": iso(start), "end": iso(end), **extra}
    return raw.call("POST", "/meetings", 200, json=body).json()


@uses("POST /meetings", "GET /meetings/{meetingId}", "PUT /meetings/{meetingId}", "DELETE /meetings/{meetingId}")
def test_meeting_crud(raw_host):
    m = new_meeting(raw_host, 10)
    assert raw_host.call("GET", f"/meetings/{m['id']}", 200).json()["id"] == m["id"]
    start, end = slot(days=2, hour=11)
    body = {"title": "Contract put", "password": m["password"], "start": iso(start), "end": iso(end)}
    assert raw_host.call("PUT", f"/meetings/{m['id']}", 200, json=body).json()["title"] == "Contract put"
    deleted = raw_host.call("DELETE", f"/meetings/{m['id']}", 204)
    assert deleted.content == b""
    raw_host.call("GET", f"/meetings/{m['id']}", 404)


@uses("POST /meetings", "PATCH /meetings/{meetingId}")
def test_patch_in_both_media_types(raw_host):
    m = new_meeting(raw_host, 12)
    # The description names application/json-patch+json (with a partial meeting as body); wxc-sdk
    # sends application/json. Both carry the same partial object.
    for media_type, title in (("application/json-patch+json", "Patched A"), ("application/json", "Patched B")):
        patched = raw_host.call(
            "PATCH",
            f"/meetings/{m['id']}",
            200,
            data=json.dumps({"title": title}),
            headers={"Content-Type": media_type},
        ).json()
        assert patched["title"] == title
        assert patched["password"] == m["password"]


@uses("POST /meetings", "PATCH /meetings/{meetingId}")
def test_patch_with_null_clears_the_agenda(raw_host):
    m = new_meeting(raw_host, 9, agenda="To be cleared")
    assert m["agenda"] == "To be cleared"
    cleared = raw_host.call("PATCH", f"/meetings/{m['id']}", 200, json={"agenda": None}).json()
    assert cleared.get("agenda", "") == "", "the description allows null to clear agenda"
    assert cleared["title"] == m["title"]


@uses("POST /meetings", "GET /meetings/{meetingId}")
def test_timezone_header_sets_the_zone_of_returned_times(raw_host):
    m = new_meeting(raw_host, 13)
    tokyo = raw_host.call("GET", f"/meetings/{m['id']}", 200, headers={"timezone": "Asia/Tokyo"}).json()
    assert tokyo["timezone"] == "Asia/Tokyo"
    assert tokyo["start"].endswith("+09:00"), tokyo["start"]
    assert instant(tokyo["start"]) == instant(m["start"])


@uses("POST /meetings", "GET /meetings")
def test_link_next_is_absolute_and_repeats_every_filter(raw_host, server):
    day_start, _ = slot(days=4, hour=0)
    for hour in range(16, 19):
        new_meeting(raw_host, hour, days=4)
    params = {
        "from": iso(day_start + timedelta(hours=15), 9),
        "to": iso(day_start + timedelta(hours=20), 9),
        "max": "1",
        "meetingType": "meetingSeries",
        "current": "True",  # both Python SDKs write booleans the Python way
    }
    first = raw_host.call("GET", "/meetings", 200, params=params)
    assert len(first.json()["items"]) == 1
    next_url = first.links["next"]["url"]
    assert next_url.startswith(server.v1 + "/meetings?"), next_url
    repeated = parse_qs(urlparse(next_url).query)
    for name, value in params.items():
        if name in ("from", "to"):
            assert instant(repeated[name][0]) == instant(value), (name, repeated)
        else:
            assert repeated[name][0].lower() == value.lower(), (name, repeated)
    seen = [first.json()["items"][0]["id"]]
    while next_url:
        page = raw_host.call("GET", next_url, 200)
        seen += [item["id"] for item in page.json()["items"]]
        next_url = page.links.get("next", {}).get("url")
    assert len(seen) == 3 == len(set(seen))


@uses("POST /meetings", "GET /meetings")
def test_a_raw_plus_in_an_offset_is_read_as_plus(raw_host, server):
    # webexpythonsdk re-sends `from` unencoded on later pages, so `+09:00` arrives as ` 09:00`.
    m = new_meeting(raw_host, 22, days=4)
    day_start, _ = slot(days=4, hour=0)
    frm = iso(day_start + timedelta(hours=21), 9)
    to = iso(day_start + timedelta(hours=23, minutes=30), 9)
    url = f"{server.v1}/meetings?from={frm}&to={to}"
    assert "+" in url
    ids = [item["id"] for item in raw_host.call("GET", url, 200).json()["items"]]
    assert m["id"] in ids


@uses("GET /meetings")
def test_missing_and_bad_tokens_are_401(server, contract):
    for headers in ({}, {"Authorization": "Bearer not-a-kaigi-token"}, {"Authorization": "Basic aG9zdDAxOng="}):
        response = requests.get(server.v1 + "/meetings", headers=headers, timeout=30)
        assert response.status_code == 401, (headers, response.status_code, response.text[:200])
        contract.check(response)


@uses("GET /meetings/{meetingId}")
def test_unknown_meeting_is_404(raw_host):
    raw_host.call("GET", "/meetings/0123456789abcdef0123456789abcdef", 404)


@uses("POST /meetings")
def test_bad_bodies_are_400_never_500(raw_host):
    start, end = slot(days=2, hour=20)
    for body in (
        "{not json",
        json.dumps({"start": iso(start), "end": iso(end)}),  # no title
        json.dumps({"title": "x", "start": "tomorrow", "end": iso(end)}),
        json.dumps({"title": 7, "start": iso(start), "end": iso(end)}),
        json.dumps([1, 2, 3]),
    ):
        raw_host.call("POST", "/meetings", 400, data=body, headers={"Content-Type": "application/json"})


@uses("POST /meetings")
def test_host_email_refusals_carry_the_webex_error_body(raw_host, raw_admin):
    start, end = slot(days=3, hour=10)
    body = {"title": "Refused", "start": iso(start), "end": iso(end)}
    raw_host.call("POST", "/meetings", 403, json={**body, "hostEmail": "host02@demo.example"})
    raw_admin.call("POST", "/meetings", 403, json={**body, "hostEmail": UNLICENSED})


@uses("GET /people/me", "GET /people", "GET /people/{personId}")
def test_people(raw_host):
    me = raw_host.call("GET", "/people/me", 200).json()
    assert me["emails"] == [HOST]
    # Person timestamps: milliseconds and Z, the only shape webexpythonsdk parses.
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", me["created"]), me["created"]
    listed = raw_host.call("GET", "/people", 200, params={"email": HOST}).json()["items"]
    assert [p["id"] for p in listed] == [me["id"]]
    assert raw_host.call("GET", f"/people/{me['id']}", 200).json()["emails"] == [HOST]


@uses("GET /licenses", "GET /licenses/{licenseId}")
def test_licenses(raw_host):
    items = raw_host.call("GET", "/licenses", 200).json()["items"]
    assert items
    one = raw_host.call("GET", f"/licenses/{items[0]['id']}", 200).json()
    assert one["id"] == items[0]["id"]


@uses(
    "POST /meetings",
    "POST /meetingInvitees",
    "GET /meetingInvitees",
    "GET /meetingInvitees/{meetingInviteeId}",
    "DELETE /meetingInvitees/{meetingInviteeId}",
)
def test_invitees(raw_host):
    m = new_meeting(raw_host, 14)
    body = {"meetingId": m["id"], "email": "host06@demo.example", "coHost": True, "sendEmail": False}
    invitee = raw_host.call("POST", "/meetingInvitees", 200, json=body).json()
    conflict = raw_host.call("POST", "/meetingInvitees", 409, json=body)
    check_error_body(conflict)
    listed = raw_host.call("GET", "/meetingInvitees", 200, params={"meetingId": m["id"]}).json()["items"]
    assert [i["id"] for i in listed] == [invitee["id"]]
    raw_host.call("GET", f"/meetingInvitees/{invitee['id']}", 200)
    raw_host.call("DELETE", f"/meetingInvitees/{invitee['id']}", 204)
    raw_host.call("GET", f"/meetingInvitees/{invitee['id']}", 404)


@uses("POST /meetings", "POST /meetingInvitees", "PUT /meetingInvitees/{meetingInviteeId}")
def test_invitee_update(raw_host):
    m = new_meeting(raw_host, 19)
    body = {"meetingId": m["id"], "email": "host07@demo.example", "coHost": True, "sendEmail": False}
    invitee = raw_host.call("POST", "/meetingInvitees", 200, json=body).json()
    update = {"email": "host07@demo.example", "coHost": False, "sendEmail": False}
    assert raw_host.call("PUT", f"/meetingInvitees/{invitee['id']}", 200, json=update).json()["coHost"] is False


@uses("POST /meetings", "POST /meetingInvitees/bulkInsert")
def test_invitees_bulk_insert_by_post(raw_host):
    m = new_meeting(raw_host, 15)
    items = [{"email": f"emp0{n}@demo.example", "sendEmail": False} for n in (30, 31)]
    inserted = raw_host.call("POST", "/meetingInvitees/bulkInsert", 200, json={"meetingId": m["id"], "items": items})
    assert sorted(i["email"] for i in inserted.json()["items"]) == [i["email"] for i in items]


@uses(
    "POST /meetings",
    "POST /meetings/{meetingId}/registrants",
    "GET /meetings/{meetingId}/registrants",
    "GET /meetings/{meetingId}/registrants/{registrantId}",
    "DELETE /meetings/{meetingId}/registrants/{registrantId}",
)
def test_registrants(raw_host):
    registration = {"autoAcceptRequest": True, "requireFirstName": True, "requireLastName": True, "requireEmail": True}
    m = new_meeting(raw_host, 16, registration=registration)
    path = f"/meetings/{m['id']}/registrants"
    body = {"firstName": "Cy", "lastName": "Example", "email": "cy@example.org", "sendEmail": False}
    r = raw_host.call("POST", path, 200, json=body).json()
    assert [x["id"] for x in raw_host.call("GET", path, 200).json()["items"]] == [r["id"]]
    raw_host.call("GET", f"{path}/{r['id']}", 200)
    raw_host.call("DELETE", f"{path}/{r['id']}", 204)
    plain = new_meeting(raw_host, 17)
    raw_host.call("POST", f"/meetings/{plain['id']}/registrants", 400, json=body)


@uses(
    "POST /meetings",
    "POST /meetings/{meetingId}/registrants",
    "GET /meetings/{meetingId}/registrants/{registrantId}",
    "POST /meetings/{meetingId}/registrants/approve",
    "POST /meetings/{meetingId}/registrants/reject",
)
def test_registrants_waiting_for_approval(raw_host):
    registration = {"autoAcceptRequest": False, "requireFirstName": True, "requireLastName": True, "requireEmail": True}
    m = new_meeting(raw_host, 20, days=4, registration=registration)
    path = f"/meetings/{m['id']}/registrants"
    ids = []
    for name in ("Dee", "Eve"):
        body = {"firstName": name, "lastName": "Example", "email": f"{name.lower()}@example.org", "sendEmail": False}
        r = raw_host.call("POST", path, 200, json=body).json()
        assert r["status"] == "pending", "without autoAcceptRequest the host decides"
        ids.append(r["id"])
    for verb, registrant in (("approve", ids[0]), ("reject", ids[1])):
        raw_host.call("POST", f"{path}/{verb}", 204, json={"sendEmail": False, "registrants": [{"id": registrant}]})
    statuses = [raw_host.call("GET", f"{path}/{i}", 200).json()["status"] for i in ids]
    assert statuses == ["approved", "rejected"]


@uses("POST /meetings", "GET /meetings", "GET /meetings/{meetingId}")
def test_occurrences_answer_in_the_list_item_shape(raw_host):
    m = new_meeting(raw_host, 18, recurrence="FREQ=WEEKLY;INTERVAL=1;COUNT=2")
    start = instant(m["start"])
    window = {"from": iso(start), "to": iso(start + timedelta(days=8))}
    params = {"meetingSeriesId": m["id"], "meetingType": "scheduledMeeting", **window}
    listed = raw_host.call("GET", "/meetings", 200, params=params).json()["items"]
    assert [o["meetingSeriesId"] for o in listed] == [m["id"], m["id"]]
    one = raw_host.call("GET", f"/meetings/{listed[1]['id']}", 200).json()
    assert (one["meetingType"], one["id"]) == ("scheduledMeeting", listed[1]["id"])


@uses("POST /meetings")
def test_unknown_fields_are_ignored(raw_host):
    start, end = slot(days=2, hour=21)
    body = {"title": "Extra", "start": iso(start), "end": iso(end), "notAWebexField": {"nested": [1, 2]}}
    assert raw_host.call("POST", "/meetings", 200, json=body).json()["title"] == "Extra"


def test_unknown_resources_methods_and_huge_bodies_answer_webex_json(server):
    # No operation of the description matches these, so only the error shape is checked.
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {server.host_token}"
    cases = (
        ("GET", "/meetingz", None, (404,)),
        ("DELETE", "/meetings", None, (405,)),
        ("POST", "/meetings", b"{" + b" " * (4 << 20) + b"}", (413, 400)),
    )
    for method, path, data, statuses in cases:
        response = http.request(
            method, server.v1 + path, data=data, headers={"Content-Type": "application/json"}, timeout=60
        )
        assert response.status_code in statuses, (method, path, response.status_code, response.text[:200])
        check_error_body(response)


@uses(
    "GET /meetingPreferences",
    "GET /meetingPreferences/personalMeetingRoom",
    "PUT /meetingPreferences/personalMeetingRoom",
    "GET /meetingPreferences/audio",
    "PUT /meetingPreferences/audio",
    "GET /meetingPreferences/video",
    "PUT /meetingPreferences/video",
    "GET /meetingPreferences/schedulingOptions",
    "PUT /meetingPreferences/schedulingOptions",
    "GET /meetingPreferences/sites",
    "PUT /meetingPreferences/sites",
)
def test_meeting_preferences(raw_host, raw_admin):
    room = raw_host.call("GET", "/meetingPreferences/personalMeetingRoom", 200).json()
    body = {
        "topic": "Contract room",
        "hostPin": "6305",
        "enabledAutoLock": False,
        "autoLockMinutes": 0,
        "enabledNotifyHost": False,
        "supportCoHost": True,
        "coHosts": [{"email": OTHER_HOST, "displayName": "Host 02"}],
    }
    put = raw_host.call("PUT", "/meetingPreferences/personalMeetingRoom", 200, json=body).json()
    assert (put["topic"], put["hostPin"]) == ("Contract room", "6305")
    assert put["personalMeetingRoomLink"] == room["personalMeetingRoomLink"]
    missing = {k: v for k, v in body.items() if k != "coHosts"}
    refused = raw_host.call("PUT", "/meetingPreferences/personalMeetingRoom", 400, json=missing)
    assert "coHosts" in refused.json()["errors"][0]["description"]
    raw_host.call("PUT", "/meetingPreferences/personalMeetingRoom", 400, json={**body, "hostPin": "4444"})
    everything = raw_host.call("GET", "/meetingPreferences", 200).json()
    assert everything["personalMeetingRoom"]["topic"] == "Contract room"
    raw_host.call("PUT", "/meetingPreferences/audio", 200, json={"defaultAudioType": "webexAudio", "audioPin": "2468"})
    raw_host.call("PUT", "/meetingPreferences/audio", 400, json={"audioPin": "12"})
    assert raw_host.call("GET", "/meetingPreferences/audio", 200).json()["audioPin"] == "2468"
    devices = [{"deviceName": "Desk", "deviceAddress": "desk@demo.example", "isDefault": True}]
    raw_host.call("PUT", "/meetingPreferences/video", 200, json={"videoDevices": devices})
    assert raw_host.call("GET", "/meetingPreferences/video", 200).json()["videoDevices"] == devices
    options = {"enabledJoinBeforeHost": True, "joinBeforeHostMinutes": 15, "delegateEmails": [OTHER_HOST]}
    raw_host.call("PUT", "/meetingPreferences/schedulingOptions", 200, json=options)
    got = raw_host.call("GET", "/meetingPreferences/schedulingOptions", 200).json()
    assert got["delegateEmails"] == [OTHER_HOST]
    raw_host.call("PUT", "/meetingPreferences/schedulingOptions", 200, json={"delegateEmails": []})
    sites = raw_host.call("GET", "/meetingPreferences/sites", 200).json()["sites"]
    assert len(sites) == 1 and sites[0]["default"]
    raw_host.call("PUT", "/meetingPreferences/sites?defaultSite=true", 200, json={"siteUrl": sites[0]["siteUrl"]})
    raw_host.call("PUT", "/meetingPreferences/sites?defaultSite=true", 404, json={"siteUrl": "elsewhere.example"})
    refused = raw_host.call("GET", f"/meetingPreferences?userEmail={OTHER_HOST}", 403).json()
    assert refused["errors"][0]["description"] == "Not permitted to view or change other user's preferences"
    assert raw_admin.call("GET", f"/meetingPreferences?userEmail={OTHER_HOST}", 200).json()["personalMeetingRoom"]
