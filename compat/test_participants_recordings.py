"""Participants and recordings of a session that really ran: the host and a guest join through
kaigi's control endpoints (docs/lifecycle.md), the host records and ends it, and the unmodified
SDKs read the participants and recordings (wxc-sdk has both APIs; webexpythonsdk has recordings,
whose `list` sends `max_recordings`/`_from` and whose `delete` issues a GET, so only `get` of it is
used). Every plain answer is checked against the vendor's contract."""


from conftest import HOST, control, iso, slot, who
from served import uses


@uses(
    "POST /meetings",
    "GET /meetingParticipants",
    "POST /meetingParticipants/query",
    "GET /meetingParticipants/{participantId}",
    "PUT /meetingParticipants/{participantId}",
    "GET /recordings",
    "GET /recordings/{recordingId}",
    "GET /admin/recordings",
    "POST /recordings/softDelete",
    "POST /recordings/restore",
    "DELETE /recordings/{recordingId}",
    "GET /recordingReport/accessSummary",
)
def test_a_recorded_session_seen_by_both_sdks(server, webex_host, wxc_host, raw_host, raw_admin):
    start, end = slot(days=1, hour=19)
    series = webex_host.meetings.create(
        title="Recorded run", start=iso(start), end=iso(end), enabledJoinBeforeHost=True
    )
    host = control(server, series.meetingNumber, "join", {"name": "Host 01", "email": HOST, "hostKey": series.hostKey})
    guest = control(
        server,
        series.meetingNumber,
        "join",
        {"name": "Guest One", "email": "guest.one@outside.example", "password": series.password},
    )

    # Participants while it runs.
    people = list(wxc_host.meetings.participants.list_participants(meeting_id=series.id))
    assert [p.email for p in people] == [HOST, "guest.one@outside.example"]
    guest_id = people[1].id
    assert people[1].state == "joined"
    raw_host.call("GET", f"/meetingParticipants?meetingId={series.id}", 200)
    queried = raw_host.call(
        "POST", f"/meetingParticipants/query?meetingId={series.id}", 200, json={"emails": ["guest.one@outside.example"]}
    ).json()
    assert [p["id"] for p in queried["items"]] == [guest_id]
    updated = wxc_host.meetings.participants.update_participant(guest_id, muted=True)
    assert updated.muted is True
    assert wxc_host.meetings.participants.participant_details(guest_id).muted is True
    raw_host.call("GET", f"/meetingParticipants/{guest_id}", 200)

    control(server, series.meetingNumber, "record", who(host))
    control(server, series.meetingNumber, "end", who(host))
    assert guest["participantId"]

    # The recording, by both SDKs and as plain JSON.
    mine = [r for r in wxc_host.meetings.recordings.list_recordings(meeting_id=series.id)]
    assert len(mine) == 1, mine
    recording_id = mine[0].id
    assert webex_host.recordings.get(recording_id).topic.startswith("Recorded run-")
    raw_host.call("GET", "/recordings", 200)
    raw_host.call("GET", f"/recordings/{recording_id}", 200)
    raw_admin.call("GET", "/admin/recordings", 200)
    raw_host.call("GET", "/recordingReport/accessSummary", 200)

    # Recycle bin and delete.
    raw_host.call("POST", "/recordings/softDelete", 204, json={"recordingIds": [recording_id]})
    assert not list(wxc_host.meetings.recordings.list_recordings(meeting_id=series.id))
    raw_host.call("POST", "/recordings/restore", 204, json={"restoreAll": True})
    wxc_host.meetings.recordings.delete_a_recording(recording_id, reason=None, comment=None)
    raw_host.call("GET", f"/recordings/{recording_id}", 404)
