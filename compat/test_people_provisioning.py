"""People provisioning and the preference batch operations, with the unmodified SDKs: an
administrator adds, changes and removes people (webexpythonsdk 2.0.6 `people.create/update/delete`,
wxc-sdk 1.41.0 `people.create/update/delete_person`), a licence asked beyond the site's seats is
refused, and the answers pass the vendor's contract (plain HTTP through `raw_admin`)."""

import uuid

import pytest
from webexpythonsdk import ApiError
from wxc_sdk.people import Person
from wxc_sdk.rest import RestError

from served import uses

DOMAIN = "@demo.example"


def address(name):
    return f"{name}.{uuid.uuid4().hex[:8]}{DOMAIN}"


def seats(api):
    """(total, consumed) of the demo site's one licence."""
    licence = next(iter(api.licenses.list()))
    return licence.totalUnits, licence.consumedUnits


@uses("POST /people", "GET /people/{personId}", "PUT /people/{personId}", "DELETE /people/{personId}",
      "GET /licenses")
def test_webexpythonsdk_adds_changes_and_removes_a_person(webex_admin, server):
    email = address("pat")
    site = server.url.split("://", 1)[1] + "/demo"
    made = webex_admin.people.create(
        emails=[email], displayName="Pat Quinn", title="Analyst", siteUrls=[f"{site}#attendee"]
    )
    assert made.emails == [email]
    assert (made.firstName, made.lastName, made.displayName) == ("Pat", "Quinn", "Pat Quinn")
    assert made.title == "Analyst"
    assert made.licenses == []
    assert made.siteUrls == [f"{site}#attendee"]
    assert webex_admin.people.get(made.id).emails == [email]
    assert [p.id for p in webex_admin.people.list(email=email)] == [made.id]

    changed = webex_admin.people.update(made.id, displayName="Pat Quinn-Ode", firstName="Pat", lastName="Quinn-Ode")
    assert changed.displayName == "Pat Quinn-Ode"
    assert changed.title == "Analyst", "what the update leaves out stays"

    # The demo site's ten seats are all held: a licence more is refused and nothing changes.
    total, used = seats(webex_admin)
    assert (total, used) == (10, 10)
    licence = next(iter(webex_admin.licenses.list())).id
    with pytest.raises(ApiError) as refused:
        webex_admin.people.update(made.id, displayName="Pat Quinn-Ode", licenses=[licence], siteUrls=[site])
    assert refused.value.status_code == 403
    assert seats(webex_admin) == (10, 10)
    assert webex_admin.people.get(made.id).licenses == []

    webex_admin.people.delete(made.id)
    assert webex_admin.people.get(made.id).loginEnabled == "false"


@uses("POST /people")
def test_webexpythonsdk_fields_kaigi_cannot_keep_are_refused_by_name(webex_admin):
    with pytest.raises(ApiError) as refused:
        webex_admin.people.create(emails=[address("quin")], displayName="Quin Roe", department="Sales")
    assert refused.value.status_code == 400
    assert "department" in refused.value.response.json()["errors"][0]["description"]
    with pytest.raises(ApiError) as forbidden:
        webex_admin.people.create(emails=[address("quin")], displayName="Quin Roe", extension="133")
    assert forbidden.value.status_code == 400
    assert "extension" in forbidden.value.response.json()["errors"][0]["description"]


@uses("POST /people")
def test_a_host_cannot_provision_people(webex_host):
    with pytest.raises(ApiError) as refused:
        webex_host.people.create(emails=[address("rae")], displayName="Rae Sun")
    assert refused.value.status_code == 403


@uses("POST /people", "GET /people/{personId}", "PUT /people/{personId}", "DELETE /people/{personId}")
def test_wxc_sdk_creates_updates_and_deletes_a_person(wxc_admin):
    email = address("sam")
    made = wxc_admin.people.create(Person(emails=[email], display_name="Sam Tate", first_name="Sam", last_name="Tate"))
    assert made.emails == [email]
    assert made.display_name == "Sam Tate"
    # The SDK's update sends back the whole person it read, changed.
    person = wxc_admin.people.details(made.person_id)
    person.first_name = "Samuel"
    person.display_name = "Samuel Tate"
    updated = wxc_admin.people.update(person)
    assert (updated.first_name, updated.display_name, updated.emails) == ("Samuel", "Samuel Tate", [email])
    wxc_admin.people.delete_person(made.person_id)
    assert wxc_admin.people.details(made.person_id).login_enabled is False


@uses("PUT /people/{personId}")
def test_wxc_sdk_update_of_an_unknown_person_is_404(wxc_admin):
    ghost = Person(person_id="Y2lzY29zcGFyazovL3VzL1BFT1BMRS8wMDAwMDAwMS0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDI3MGY",
                   display_name="No One")
    with pytest.raises(RestError) as missing:
        wxc_admin.people.update(ghost)
    assert missing.value.response.status_code == 404


@uses("POST /people", "PUT /people/{personId}", "DELETE /people/{personId}")
def test_provisioning_answers_follow_the_contract(raw_admin):
    email = address("tia")
    made = raw_admin.call("POST", "/people", 200, json={"emails": [email], "displayName": "Tia Vo",
                                                         "addresses": [{"type": "work", "locality": "Oslo",
                                                                        "country": "NO"}]}).json()
    assert made["addresses"][0]["locality"] == "Oslo"
    only_id = raw_admin.call("POST", "/people?minResponse=true", 200,
                             json={"emails": [address("uma")], "firstName": "Uma"}).json()
    assert list(only_id) == ["id"]
    path = f"/people/{made['id']}"
    changed = raw_admin.call("PUT", path, 200, json={"displayName": "Tia Vo", "title": "Chef"}).json()
    assert changed["title"] == "Chef"
    raw_admin.call("PUT", path + "?minResponse=true", 204, json={"displayName": "Tia Vo"})
    raw_admin.call("POST", "/people", 400, json={"emails": [email], "displayName": "Tia Vo", "roles": ["x"]})
    raw_admin.call("POST", "/people", 409, json={"emails": [email], "displayName": "Tia Vo"})
    raw_admin.call("DELETE", path, 204)
    raw_admin.call("DELETE", f"/people/{only_id['id']}", 204)


@uses("POST /meetingPreferences/schedulingOptions/delegateEmails/insert",
      "POST /meetingPreferences/schedulingOptions/delegateEmails/delete",
      "GET /meetingPreferences/schedulingOptions")
def test_delegates_are_inserted_and_deleted(raw_admin):
    owner = "?userEmail=host08" + DOMAIN
    base = "/meetingPreferences/schedulingOptions"
    added = raw_admin.call("POST", base + "/delegateEmails/insert" + owner, 200,
                           json={"emails": ["host09" + DOMAIN]}).json()
    assert added == {"emails": ["host09" + DOMAIN]}
    assert raw_admin.call("GET", base + owner, 200).json()["delegateEmails"] == ["host09" + DOMAIN]
    raw_admin.call("POST", base + "/delegateEmails/delete" + owner, 204, json={"emails": ["host09" + DOMAIN]})
    assert raw_admin.call("GET", base + owner, 200).json()["delegateEmails"] == []
    raw_admin.call("POST", base + "/delegateEmails/insert" + owner, 400, json={"emails": ["nobody@else.example"]})


@uses("POST /admin/meetingPreferences/personalMeetingRoom/refreshId", "GET /meetingPreferences/personalMeetingRoom")
def test_an_administrator_refreshes_a_personal_room_id(raw_admin, server):
    site = server.url.split("://", 1)[1] + "/demo"
    room = "/meetingPreferences/personalMeetingRoom?userEmail=host09" + DOMAIN
    before = raw_admin.call("GET", room, 200).json()["telephony"]["accessCode"]
    answer = raw_admin.call("POST", "/admin/meetingPreferences/personalMeetingRoom/refreshId", 200, json={
        "siteUrl": site,
        "personalMeetingRoomIds": [{"email": "host09" + DOMAIN, "systemGenerated": True}],
    }).json()
    assert answer["siteUrl"] == site
    [one] = answer["personalMeetingRoomIds"]
    assert one["email"] == "host09" + DOMAIN and one["personId"]
    assert one["personalMeetingRoomId"] != before
    assert raw_admin.call("GET", room, 200).json()["telephony"]["accessCode"] == one["personalMeetingRoomId"]
