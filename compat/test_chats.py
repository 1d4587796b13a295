"""Post-meeting chats of a session that really ran: the host and a guest join through kaigi's
control endpoints, say lines on the room page's WebSocket (the messages meeting.js sends), the
host ends it, and the chats of the ended instance are listed page by page and deleted. Every
listing is checked against the vendor's contract; the DELETE answer is checked by hand, as the
vendor's description names no success status for it (kaigi answers 204, docs/rest.md)."""

import base64
import json
import os
import socket
import struct
from urllib.parse import urlsplit

import requests

from conftest import HOST, control, iso, slot, who
from served import uses

SITE = "demo"


class RoomSocket:
    """The room page's WebSocket (RFC 6455, text frames only), opened with the pass cookie."""

    def __init__(self, server, key, participant_pass):
        url = urlsplit(server.url)
        self.sock = socket.create_connection((url.hostname, url.port), timeout=30)
        nonce = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            (
                f"GET /{SITE}/room/{key}/live HTTP/1.1\r\nHost: {url.netloc}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {nonce}\r\nSec-WebSocket-Version: 13\r\n"
                f"Cookie: kaigi_p={participant_pass}\r\n\r\n"
            ).encode()
        )
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            assert chunk, f"the socket closed during the handshake: {head!r}"
            head += chunk
        assert head.startswith(b"HTTP/1.1 101"), head.decode(errors="replace")

    def _exactly(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            assert chunk, "the socket closed"
            data += chunk
        return data

    def send(self, message):
        payload = json.dumps(message).encode()
        mask = os.urandom(4)
        if len(payload) < 126:
            header = struct.pack("!BB", 0x81, 0x80 | len(payload))
        else:
            header = struct.pack("!BBH", 0x81, 0x80 | 126, len(payload))
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def receive(self):
        """The next text message, as JSON."""
        while True:
            first, second = self._exactly(2)
            length = second & 0x7F
            if length == 126:
                (length,) = struct.unpack("!H", self._exactly(2))
            elif length == 127:
                (length,) = struct.unpack("!Q", self._exactly(8))
            payload = self._exactly(length)
            if first & 0x0F == 0x1:
                return json.loads(payload)
            assert first & 0x0F != 0x8, "the room closed the socket"

    def say(self, text):
        """Says `text` and waits until the room broadcasts it back."""
        self.send({"type": "chat", "text": text})
        while True:
            message = self.receive()
            assert message.get("type") != "error", message
            if message.get("type") == "chat" and message["line"]["text"] == text:
                return message["line"]

    def close(self):
        self.sock.close()


@uses(
    "POST /meetings",
    "GET /meetingParticipants",
    "GET /meetings/postMeetingChats",
    "DELETE /meetings/postMeetingChats",
)
def test_the_room_chat_is_served_as_the_instances_post_meeting_chats(server, webex_host, raw_host, raw_admin):
    start, end = slot(days=1, hour=20)
    series = webex_host.meetings.create(
        title="Chatty run", start=iso(start), end=iso(end), enabledJoinBeforeHost=True
    )
    key = series.meetingNumber
    host = control(server, key, "join", {"name": "Host 01", "email": HOST, "hostKey": series.hostKey})
    guest = control(
        server, key, "join", {"name": "Guest Two", "email": "guest.two@outside.example", "password": series.password}
    )
    host_room = RoomSocket(server, key, host["participantPass"])
    guest_room = RoomSocket(server, key, guest["participantPass"])
    try:
        host_room.say("Welcome, everyone")
        guest_room.say("Thanks, glad to be here")
        host_room.say("Let us begin")
        # Who enters the room now gets what was said.
        late_room = RoomSocket(server, key, guest["participantPass"])
        welcome = late_room.receive()
        late_room.close()
        assert welcome["type"] == "welcome", welcome
        assert [line["text"] for line in welcome["chat"]] == ["Welcome, everyone", "Thanks, glad to be here", "Let us begin"]
        # Running, the meeting is named by its series id: not an ended instance.
        raw_host.call("GET", f"/meetings/postMeetingChats?meetingId={series.id}", 400)
        # Ended while the sockets are open (closed, they would leave the room after its grace).
        control(server, key, "end", who(host))
    finally:
        host_room.close()
        guest_room.close()

    people = raw_host.call("GET", f"/meetingParticipants?meetingId={series.id}", 200).json()
    instance = people["items"][0]["meetingId"]
    assert instance.startswith(series.id + "_I_"), instance

    first = raw_host.call("GET", f"/meetings/postMeetingChats?meetingId={instance}&max=2", 200)
    lines = first.json()["items"]
    assert [line["text"] for line in lines] == ["Welcome, everyone", "Thanks, glad to be here"]
    assert lines[0]["sender"]["email"] == HOST and lines[0]["type"] == "public"
    assert lines[1]["sender"] == {"email": "guest.two@outside.example", "displayName": "Guest Two"}
    following = first.links["next"]["url"]
    rest = raw_host.call("GET", following, 200).json()["items"]
    assert [line["text"] for line in rest] == ["Let us begin"]
    assert len(raw_admin.call("GET", f"/meetings/postMeetingChats?meetingId={instance}", 200).json()["items"]) == 3

    deleted = requests.delete(
        f"{server.v1}/meetings/postMeetingChats",
        params={"meetingId": instance},
        headers={"Authorization": f"Bearer {server.host_token}"},
        timeout=30,
    )
    assert deleted.status_code == 204, deleted.text[:300]
    assert raw_host.call("GET", f"/meetings/postMeetingChats?meetingId={instance}", 200).json() == {"items": []}
