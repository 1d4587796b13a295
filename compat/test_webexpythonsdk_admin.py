"""webexpythonsdk 2.0.6, unmodified: an administrator books for licensed hosts with hostEmail.

This is the path the forum thread recommends: the administrator needs no licence of their own,
the named host must hold one, and nobody else may book in another person's name.
"""

import pytest
from webexpythonsdk import ApiError

from conftest import OTHER_HOST, UNLICENSED, assert_meeting_basics, iso, slot
from served import uses


@uses("POST /meetings", "GET /meetings")
def test_admin_books_for_a_licensed_host(webex_admin, webex_host, server):
    start, end = slot(days=3, hour=1)
    created = webex_admin.meetings.create(
        title="Booked by the admin", start=iso(start), end=iso(end), hostEmail=OTHER_HOST
    ).to_dict()
    assert_meeting_basics(created, server, "Booked by the admin", start, end, host_email=OTHER_HOST)

    as_host02 = [m.id for m in webex_admin.meetings.list(hostEmail=OTHER_HOST, from_=iso(start), to=iso(end))]
    assert as_host02 == [created["id"]], "the admin lists as host02 and sees the booking"
    as_host01 = [m.id for m in webex_host.meetings.list(from_=iso(start), to=iso(end))]
    assert created["id"] not in as_host01, "host01 neither hosts nor is invited"


def refusal(call):
    with pytest.raises(ApiError) as raised:
        call()
    error = raised.value
    assert error.message and error.tracking_id, "the SDK parsed the Webex error JSON"
    return error


@uses("POST /meetings")
def test_non_admin_with_host_email_is_403(webex_host):
    start, end = slot(days=3, hour=2)
    error = refusal(
        lambda: webex_host.meetings.create(
            title="Not mine to book", start=iso(start), end=iso(end), hostEmail=OTHER_HOST
        )
    )
    assert error.status_code == 403


@uses("POST /meetings")
def test_admin_booking_for_an_unlicensed_employee_is_403(webex_admin):
    start, end = slot(days=3, hour=3)
    error = refusal(
        lambda: webex_admin.meetings.create(title="No licence", start=iso(start), end=iso(end), hostEmail=UNLICENSED)
    )
    assert error.status_code == 403
    descriptions = " ".join(e.get("description", "") for e in error.details.get("errors", []))
    assert "licen" in descriptions.lower(), f"the description names the missing licence: {error.details}"


@uses("POST /meetings")
def test_admin_without_a_licence_cannot_host_themselves(webex_admin):
    start, end = slot(days=3, hour=4)
    error = refusal(lambda: webex_admin.meetings.create(title="Admin hosts", start=iso(start), end=iso(end)))
    assert error.status_code == 403



@uses("GET /meetings")
def test_non_admin_listing_as_someone_else_is_403(webex_host):
    error = refusal(lambda: list(webex_host.meetings.list(hostEmail=OTHER_HOST)))
    assert error.status_code == 403
