"""wxc-sdk 1.41.0, unmodified: the same meeting life cycle through a second, independent client.

wxc-sdk serialises with pydantic (camelCase, nulls left out), sends PATCH as application/json,
sends only the `Link` URL on later pages (so the server must repeat every filter in it), and
needs `message` and `trackingId` in error bodies to build its error detail.
"""

from datetime import timedelta

import pytest
from wxc_sdk.rest import RestError

from conftest import HOST, OTHER_HOST, instant, iso, slot
from served import uses


def create(wxc, days, hour, title, minutes=60, **extra):
    start, end = slot(days=days, hour=hour, minutes=minutes)
    return wxc.meetings.create(title=title, start=iso(start, 9), end=iso(end, 9), **extra), start, end


@uses("POST /meetings", "GET /meetings/{meetingId}")
def test_create_then_get(wxc_host, server):
    created, start, end = create(wxc_host, 1, 10, "wxc create", agenda="Plan")
    assert created.title == "wxc create"
    assert (instant(created.start), instant(created.end)) == (start, end)
    assert created.meeting_number and created.meeting_number.isdigit()
    assert created.web_link.startswith(server.url + "/")
    assert created.host_email == HOST
    assert created.password

    fetched = wxc_host.meetings.get(created.id)
    assert (fetched.id, fetched.title, fetched.agenda) == (created.id, "wxc create", "Plan")
    assert (fetched.meeting_number, fetched.web_link, fetched.password) == (
        created.meeting_number,
        created.web_link,
        created.password,
    )
    assert (instant(fetched.start), instant(fetched.end)) == (start, end)


@uses("POST /meetings", "GET /meetings")
def test_list_pages_by_link_alone(wxc_host):
    # wxc-sdk sends only the next URL from `Link`: the filters must be in it, or the window is lost.
    day_start, _ = slot(days=6, hour=0)
    ids = {create(wxc_host, 6, hour, f"wxc paged {hour}", minutes=30)[0].id for hour in range(1, 6)}
    listed = [
        m.id
        for m in wxc_host.meetings.list(from_=iso(day_start, 9), to_=iso(day_start + timedelta(days=1), 9), max=2)
    ]
    assert sorted(listed) == sorted(ids)


@uses("POST /meetings", "GET /meetings")
def test_occurrences_of_a_series(wxc_host):
    rule = "FREQ=DAILY;INTERVAL=2;COUNT=3"
    created, start, _ = create(wxc_host, 2, 7, "wxc every other day", minutes=30, recurrence=rule)
    # list_of_series sends meetingSeriesId; extra arguments such as max pass through unchanged.
    occurrences = list(wxc_host.meetings.list_of_series(created.id, meeting_type="scheduledMeeting", max=2))
    starts = [start + timedelta(days=2 * n) for n in range(3)]
    assert [o.id for o in occurrences] == [f"{created.id}_{s:%Y%m%dT%H%M%SZ}" for s in starts]
    assert [instant(o.start) for o in occurrences] == starts
    assert {o.meeting_series_id for o in occurrences} == {created.id}
    assert {o.meeting_type for o in occurrences} == {"scheduledMeeting"}


@uses("POST /meetings", "PUT /meetings/{meetingId}", "GET /meetings/{meetingId}")
def test_update_with_put(wxc_host):
    created, _, _ = create(wxc_host, 1, 11, "wxc before")
    new_start, new_end = slot(days=1, hour=12, minutes=30)
    updated = wxc_host.meetings.update(
        created.id, title="wxc after", password=created.password, start=iso(new_start), end=iso(new_end)
    )
    assert updated.title == "wxc after"
    assert (instant(updated.start), instant(updated.end)) == (new_start, new_end)
    assert wxc_host.meetings.get(created.id).title == "wxc after"


@uses("POST /meetings", "PATCH /meetings/{meetingId}", "GET /meetings/{meetingId}")
def test_patch_changes_only_what_is_sent(wxc_host):
    created, start, end = create(wxc_host, 1, 13, "wxc patch", agenda="Keep me")
    patched = wxc_host.meetings.patch(created.id, title="wxc patched")
    assert patched.title == "wxc patched"
    fetched = wxc_host.meetings.get(created.id)
    assert (fetched.title, fetched.agenda, fetched.password) == ("wxc patched", "Keep me", created.password)
    assert (instant(fetched.start), instant(fetched.end)) == (start, end)


@uses("POST /meetings", "DELETE /meetings/{meetingId}", "GET /meetings/{meetingId}")
def test_delete_then_get_is_404(wxc_host):
    created, _, _ = create(wxc_host, 1, 14, "wxc delete")
    wxc_host.meetings.delete(created.id)
    with pytest.raises(RestError) as raised:
        wxc_host.meetings.get(created.id)
    assert raised.value.response.status_code == 404
    # wxc-sdk builds this detail only from a body with message and trackingId.
    assert raised.value.detail.message and raised.value.detail.tracking_id


@uses("POST /meetings", "GET /meetings/{meetingId}", "PATCH /meetings/{meetingId}", "DELETE /meetings/{meetingId}")
def test_admin_manages_a_hosts_meeting_with_host_email(wxc_admin):
    # webexpythonsdk's get and delete take no hostEmail; wxc-sdk's do.
    created, start, end = create(wxc_admin, 3, 6, "wxc admin booking", host_email=OTHER_HOST)
    assert created.host_email == OTHER_HOST
    fetched = wxc_admin.meetings.get(created.id, host_email=OTHER_HOST)
    assert (fetched.title, fetched.host_email) == ("wxc admin booking", OTHER_HOST)
    patched = wxc_admin.meetings.patch(created.id, title="wxc admin renamed", host_email=OTHER_HOST)
    assert (patched.title, patched.host_email) == ("wxc admin renamed", OTHER_HOST), "hostEmail names, never moves"
    wxc_admin.meetings.delete(created.id, host_email=OTHER_HOST, send_email=False)
    with pytest.raises(RestError) as raised:
        wxc_admin.meetings.get(created.id, host_email=OTHER_HOST)
    assert raised.value.response.status_code == 404


@uses(
    "POST /meetings",
    "PATCH /meetings/{meetingId} [occurrence]",
    "DELETE /meetings/{meetingId} [occurrence]",
    "GET /meetings",
)
def test_one_occurrence_patched_and_another_deleted(wxc_host):
    rule = "FREQ=DAILY;INTERVAL=1;COUNT=3"
    created, start, _ = create(wxc_host, 3, 15, "wxc daily", minutes=30, recurrence=rule)
    ids = [f"{created.id}_{start + timedelta(days=n):%Y%m%dT%H%M%SZ}" for n in range(3)]
    moved_start = start + timedelta(days=1, hours=2)
    patched = wxc_host.meetings.patch(
        ids[1], title="wxc daily (moved)", start=iso(moved_start, 9), end=iso(moved_start + timedelta(minutes=45), 9)
    )
    assert (patched.title, instant(patched.start)) == ("wxc daily (moved)", moved_start)
    # wxc-sdk sends sendEmail=False as the query text "False".
    wxc_host.meetings.delete(ids[2], send_email=False)

    listed = list(wxc_host.meetings.list_of_series(created.id, meeting_type="scheduledMeeting"))
    assert [o.id for o in listed] == ids[:2], "the deleted occurrence is gone"
    assert [o.is_modified for o in listed] == [False, True]
    modified = list(wxc_host.meetings.list_of_series(created.id, meeting_type="scheduledMeeting", is_modified=True))
    assert [(o.id, o.title, instant(o.end)) for o in modified] == [
        (ids[1], "wxc daily (moved)", moved_start + timedelta(minutes=45))
    ]
    assert wxc_host.meetings.get(created.id).title == "wxc daily", "the series keeps its title"
