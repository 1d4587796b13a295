"""webexpythonsdk 2.0.6, unmodified: the meeting life cycle a scheduling integration runs."""

from datetime import timedelta

import pytest
from webexpythonsdk import ApiError

from conftest import assert_meeting_basics, instant, iso, slot
from served import uses


@uses("POST /meetings", "GET /meetings/{meetingId}")
def test_create_then_get_returns_what_was_scheduled(webex_host, server):
    start, end = slot(days=1, hour=1, minutes=45)
    created = webex_host.meetings.create(
        title="Quarterly planning", start=iso(start, 9), end=iso(end, 9), agenda="Budget", timezone="Asia/Tokyo"
    ).to_dict()
    assert_meeting_basics(created, server, "Quarterly planning", start, end)
    assert created["agenda"] == "Budget"
    assert created["timezone"], "the zone of the times returned"

    fetched = webex_host.meetings.get(created["id"]).to_dict()
    assert_meeting_basics(fetched, server, "Quarterly planning", start, end)
    for field in ("meetingNumber", "webLink", "password", "hostKey", "agenda"):
        assert fetched[field] == created[field], field


@uses("POST /meetings", "GET /meetings/{meetingId}")
def test_a_chosen_password_is_kept(webex_host):
    start, end = slot(days=1, hour=2)
    created = webex_host.meetings.create(title="Passworded", start=iso(start), end=iso(end), password="Kaigi2Compat")
    assert created.password == "Kaigi2Compat"
    assert webex_host.meetings.get(created.id).password == "Kaigi2Compat"


@uses("POST /meetings")
def test_times_are_cut_to_the_minute(webex_host):
    start, end = slot(days=1, hour=3)
    created = webex_host.meetings.create(
        title="Seconds dropped", start=iso(start + timedelta(seconds=30)), end=iso(end + timedelta(seconds=59))
    )
    assert instant(created.start) == start
    assert instant(created.end) == end


@uses("POST /meetings", "GET /meetings")
def test_default_list_holds_this_weeks_meeting(webex_host):
    start, end = slot(days=2, hour=4)
    created = webex_host.meetings.create(title="In the default window", start=iso(start), end=iso(end))
    listed = {m.id: m for m in webex_host.meetings.list()}
    assert created.id in listed, "default window is now to now + 7 days"
    assert listed[created.id].title == "In the default window"
    assert listed[created.id].meetingNumber == created.meetingNumber


@uses("POST /meetings", "GET /meetings/{meetingId}", "GET /meetings")
def test_a_webinar_without_a_session_type(webex_host):
    # The SDK's own upstream test creates a webinar this way: no sessionTypeId, so the server picks one.
    start, end = slot(days=2, hour=8)
    webinar = webex_host.meetings.create(title="Webinar", start=iso(start), end=iso(end), scheduledType="webinar")
    assert webinar.scheduledType == "webinar"
    fetched = webex_host.meetings.get(webinar.id)
    assert (fetched.scheduledType, fetched.title) == ("webinar", "Webinar")
    assert webinar.id in [m.id for m in webex_host.meetings.list(scheduledType="webinar")]
    assert webinar.id in [m.id for m in webex_host.meetings.list()], "unset scheduledType lists both kinds"
    assert webinar.id not in [m.id for m in webex_host.meetings.list(scheduledType="meeting")]


@uses("POST /meetings", "PUT /meetings/{meetingId} [occurrence]", "GET /meetings/{meetingId}")
def test_one_occurrence_moved_within_its_day(webex_host):
    start, end = slot(days=2, hour=9, minutes=30)
    series = webex_host.meetings.create(
        title="Daily sync", start=iso(start), end=iso(end), recurrence="FREQ=DAILY;INTERVAL=1;COUNT=3"
    )
    second = f"{series.id}_{start + timedelta(days=1):%Y%m%dT%H%M%SZ}"
    moved_start = start + timedelta(days=1, hours=2)
    moved = webex_host.meetings.update(
        second,
        title="Daily sync (moved)",
        password=series.password,
        start=iso(moved_start),
        end=iso(moved_start + timedelta(minutes=30)),
    )
    assert moved.title == "Daily sync (moved)"
    assert instant(moved.start) == moved_start
    assert moved.isModified is True, "an edited occurrence is an exceptional one"
    third = webex_host.meetings.get(f"{series.id}_{start + timedelta(days=2):%Y%m%dT%H%M%SZ}")
    assert third.title == "Daily sync", "siblings are untouched"


@uses("POST /meetings", "DELETE /meetings/{meetingId} [occurrence]", "GET /meetings/{meetingId}")
def test_one_occurrence_deleted(webex_host):
    start, end = slot(days=2, hour=10, minutes=30)
    series = webex_host.meetings.create(
        title="Daily review", start=iso(start), end=iso(end), recurrence="FREQ=DAILY;INTERVAL=1;COUNT=3"
    )
    second = f"{series.id}_{start + timedelta(days=1):%Y%m%dT%H%M%SZ}"
    webex_host.meetings.delete(second)
    with pytest.raises(ApiError) as raised:
        webex_host.meetings.get(second)
    assert raised.value.status_code == 404
    assert webex_host.meetings.get(series.id).title == "Daily review", "the series stays"


@uses("POST /meetings", "GET /meetings")
def test_find_by_meeting_number(webex_host):
    start, end = slot(days=2, hour=5)
    created = webex_host.meetings.create(title="Found by number", start=iso(start), end=iso(end))
    found = [m.id for m in webex_host.meetings.list(meetingNumber=created.meetingNumber)]
    assert found == [created.id]


@uses("POST /meetings", "GET /meetings/{meetingId}")
def test_a_daily_series_and_one_of_its_occurrences(webex_host):
    start, end = slot(days=2, hour=6, minutes=30)
    series = webex_host.meetings.create(
        title="Daily stand-up", start=iso(start), end=iso(end), recurrence="FREQ=DAILY;INTERVAL=1;COUNT=3"
    )
    assert series.recurrence == "FREQ=DAILY;INTERVAL=1;COUNT=3"
    assert (instant(series.start), instant(series.end)) == (start, end), "a series shows its first occurrence"
    second_start = start + timedelta(days=1)
    second = webex_host.meetings.get(f"{series.id}_{second_start:%Y%m%dT%H%M%SZ}")
    assert (second.meetingType, second.title) == ("scheduledMeeting", "Daily stand-up")
    assert second.meetingSeriesId == series.id
    assert instant(second.start) == second_start


@uses("POST /meetings", "GET /meetings")
def test_list_follows_link_pages_and_keeps_the_filters(webex_host, raw_host):
    # A day of its own, so that no other test's meeting falls in the window.
    day_start, _ = slot(days=5, hour=0)
    created = []
    for hour in range(1, 8):
        start, end = slot(days=5, hour=hour, minutes=30)
        created.append(webex_host.meetings.create(title=f"Paged {hour}", start=iso(start), end=iso(end)).id)
    # `from` in +09:00: on later pages the SDK re-sends it with a raw `+` (see docs/compat.md).
    window = {"from_": iso(day_start, 9), "to": iso(day_start + timedelta(days=1), 9)}

    first_page = raw_host.call(
        "GET", "/meetings", 200, params={"from": window["from_"], "to": window["to"], "max": 3}
    )
    assert len(first_page.json()["items"]) == 3, "max bounds one page"
    assert 'rel="next"' in first_page.headers.get("Link", "")

    listed = [m.id for m in webex_host.meetings.list(max=3, **window)]
    assert sorted(listed) == sorted(created), "every page reached, nothing twice, nothing outside the window"
    assert len(listed) == len(set(listed))


@uses("POST /meetings", "PUT /meetings/{meetingId}", "GET /meetings/{meetingId}")
def test_update_replaces_title_and_times(webex_host, server):
    start, end = slot(days=1, hour=5)
    created = webex_host.meetings.create(title="Before", start=iso(start), end=iso(end))
    new_start, new_end = slot(days=1, hour=6, minutes=90)
    updated = webex_host.meetings.update(
        created.id, title="After", password=created.password, start=iso(new_start, 9), end=iso(new_end, 9)
    ).to_dict()
    assert_meeting_basics(updated, server, "After", new_start, new_end)
    assert updated["id"] == created.id
    assert updated["meetingNumber"] == created.meetingNumber, "an update keeps the meeting number"
    fetched = webex_host.meetings.get(created.id)
    assert fetched.title == "After"
    assert instant(fetched.start) == new_start


@uses("POST /meetings", "DELETE /meetings/{meetingId}", "GET /meetings/{meetingId}")
def test_delete_then_get_is_404(webex_host):
    start, end = slot(days=1, hour=7)
    created = webex_host.meetings.create(title="Short-lived", start=iso(start), end=iso(end))
    webex_host.meetings.delete(created.id)
    with pytest.raises(ApiError) as raised:
        webex_host.meetings.get(created.id)
    assert raised.value.status_code == 404
    assert raised.value.tracking_id


@pytest.mark.parametrize(
    "why,shift_start,minutes",
    [
        ("end before start", timedelta(0), -30),
        ("shorter than 10 minutes", timedelta(0), 5),
        ("longer than 23 h 59 min", timedelta(0), 24 * 60),
        ("in the past", timedelta(days=-3), 60),
    ],
)
@uses("POST /meetings")
def test_refused_schedules_raise_400(webex_host, why, shift_start, minutes):
    start, _ = slot(days=1, hour=8)
    start += shift_start
    with pytest.raises(ApiError) as raised:
        webex_host.meetings.create(title=why, start=iso(start), end=iso(start + timedelta(minutes=minutes)))
    assert raised.value.status_code == 400, why
    assert raised.value.message, "the SDK found the Webex error JSON"
    assert raised.value.details.get("errors"), "errors[].description says what is wrong"
