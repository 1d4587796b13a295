"""webexpythonsdk 2.0.6, unmodified: invitees (with co-hosts) and registrants of a meeting."""

import pytest
from webexpythonsdk import ApiError

from conftest import iso, slot
from served import uses

LICENSED_COHOST = "host05@demo.example"
UNLICENSED_GUEST = "emp002@demo.example"
REGISTRATION = {"autoAcceptRequest": True, "requireFirstName": True, "requireLastName": True, "requireEmail": True}


def meeting(webex, hour, **extra):
    start, end = slot(days=4, hour=hour)
    return webex.meetings.create(title=f"Attendees {hour}", start=iso(start), end=iso(end), **extra)


@uses(
    "POST /meetings",
    "POST /meetingInvitees",
    "GET /meetingInvitees",
    "GET /meetingInvitees/{meetingInviteeId}",
    "DELETE /meetingInvitees/{meetingInviteeId}",
)
def test_invitees_with_a_cohost(webex_host):
    m = meeting(webex_host, 1)
    invitees = webex_host.meeting_invitees
    cohost = invitees.create(m.id, LICENSED_COHOST, displayName="Host 05", coHost=True, sendEmail=False)
    assert (cohost.email, cohost.displayName, cohost.coHost, cohost.meetingId) == (
        LICENSED_COHOST,
        "Host 05",
        True,
        m.id,
    )
    # A co-host needs a licence too; the real service silently keeps such a person a plain invitee.
    guest = invitees.create(m.id, UNLICENSED_GUEST, coHost=True, sendEmail=False)
    assert guest.coHost is False, "an unlicensed co-host is downgraded to invitee"

    listed = [(i.email, i.coHost) for i in invitees.list(m.id)]
    assert listed == [(UNLICENSED_GUEST, False), (LICENSED_COHOST, True)], "sorted by email"
    assert invitees.get(cohost.id).coHost is True

    invitees.delete(guest.id)
    assert [i.email for i in invitees.list(m.id)] == [LICENSED_COHOST]


@uses("POST /meetings", "POST /meetingInvitees", "PUT /meetingInvitees/{meetingInviteeId}")
def test_an_invitee_updated(webex_host):
    m = meeting(webex_host, 6)
    invitees = webex_host.meeting_invitees
    cohost = invitees.create(m.id, LICENSED_COHOST, displayName="Host 05", coHost=True, sendEmail=False)
    demoted = invitees.update(cohost.id, LICENSED_COHOST, displayName="Host Five", coHost=False, sendEmail=False)
    assert (demoted.id, demoted.displayName, demoted.coHost) == (cohost.id, "Host Five", False)
    assert invitees.get(cohost.id).displayName == "Host Five"


@uses("POST /meetings", "POST /meetingInvitees")
def test_inviting_someone_twice_is_409(webex_host):
    m = meeting(webex_host, 2)
    webex_host.meeting_invitees.create(m.id, "emp003@demo.example", sendEmail=False)
    with pytest.raises(ApiError) as raised:
        webex_host.meeting_invitees.create(m.id, "emp003@demo.example", sendEmail=False)
    assert raised.value.status_code == 409


@uses("POST /meetings", "PUT /meetingInvitees/bulkInsert", "GET /meetingInvitees")
def test_bulk_insert_as_the_sdk_sends_it(webex_host):
    # The SDK sends bulkInsert as PUT although the description says POST.
    m = meeting(webex_host, 3)
    items = [{"email": f"emp{n:03}@demo.example", "sendEmail": False} for n in range(10, 22)]
    inserted = list(webex_host.meeting_invitees.bulk(m.id, items=items))
    assert sorted(i.email for i in inserted) == sorted(i["email"] for i in items)
    # Twelve invitees and a page size of 5: the SDK pages through all of them.
    listed = [i.email for i in webex_host.meeting_invitees.list(m.id, max=5)]
    assert listed == sorted(i["email"] for i in items)


@uses(
    "POST /meetings",
    "POST /meetings/{meetingId}/registrants",
    "GET /meetings/{meetingId}/registrants",
    "GET /meetings/{meetingId}/registrants/{registrantId}",
    "DELETE /meetings/{meetingId}/registrants/{registrantId}",
)
def test_registrants_of_a_meeting_with_registration(webex_host):
    m = meeting(webex_host, 4, registration=REGISTRATION)
    registrants = webex_host.meeting_registrants
    r = registrants.create(m.id, "Ann", "Example", "ann@example.org", sendEmail=False)
    assert (r.firstName, r.lastName, r.email) == ("Ann", "Example", "ann@example.org")
    assert r.status == "approved", "autoAcceptRequest approves at once"
    assert registrants.get(m.id, r.id).email == "ann@example.org"
    assert [x.email for x in registrants.list(m.id)] == ["ann@example.org"]
    registrants.delete(m.id, r.id)
    assert list(registrants.list(m.id)) == []
    with pytest.raises(ApiError) as raised:
        registrants.get(m.id, r.id)
    assert raised.value.status_code == 404


@uses("POST /meetings", "POST /meetings/{meetingId}/registrants")
def test_registering_for_a_meeting_without_registration_is_400(webex_host):
    m = meeting(webex_host, 5)
    with pytest.raises(ApiError) as raised:
        webex_host.meeting_registrants.create(m.id, "Bob", "Example", "bob@example.org", sendEmail=False)
    assert raised.value.status_code == 400
    descriptions = [e.get("description") for e in raised.value.details.get("errors", [])]
    # The SDK's own upstream test checks this exact text.
    assert descriptions == ["Registration is not supported for this meeting series."]
