"""A meeting that runs: the host joins and ends it through kaigi's control endpoints
(`/_kaigi/meetings/{key}/join|end`, docs/lifecycle.md), and the REST clients see the states,
the refusal to edit a running meeting, and the ended instance."""

import re

import pytest
import requests
from wxc_sdk.rest import RestError

from conftest import HOST, iso, slot
from served import uses


def control(server, key, action, body):
    response = requests.post(f"{server.url}/_kaigi/meetings/{key}/{action}", json=body, timeout=30)
    assert response.status_code == 200, response.text[:300]
    return response.json()


@uses("POST /meetings", "GET /meetings/{meetingId}", "PATCH /meetings/{meetingId}", "GET /meetings")
def test_running_then_ended_meeting_seen_by_both_sdks(server, webex_host, wxc_host, raw_host):
    start, end = slot(days=1, hour=18)
    series = webex_host.meetings.create(title="Runs now", start=iso(start), end=iso(end))
    joined = control(
        server, series.meetingNumber, "join", {"name": "Host 01", "email": HOST, "hostKey": series.hostKey}
    )
    assert joined["role"] == "HOST"

    assert webex_host.meetings.get(series.id).state == "inProgress"
    running = raw_host.call("GET", f"/meetings/{series.id}", 200).json()
    assert running["hostDidJoin"] is True
    with pytest.raises(RestError) as raised:
        wxc_host.meetings.patch(series.id, title="Edited while running")
    assert raised.value.response.status_code in (409, 423), raised.value.response.text[:200]
    assert "in progress" in raised.value.detail.description.lower()

    control(server, series.meetingNumber, "end", {"participantId": joined["participantId"], "participantPass": joined["participantPass"]})
    instances = [m for m in webex_host.meetings.list(meetingType="meeting") if m.meetingSeriesId == series.id]
    assert len(instances) == 1, "one ended instance"
    instance = instances[0]
    assert re.fullmatch(rf"{series.id}_I_\d+", instance.id), instance.id
    assert (instance.meetingType, instance.state, instance.title) == ("meeting", "ended", "Runs now")
    # The instance as plain JSON, checked against the description.
    assert raw_host.call("GET", f"/meetings/{instance.id}", 200).json()["id"] == instance.id
