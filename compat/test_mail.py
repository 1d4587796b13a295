"""Mail reaches a real SMTP server: scripts/compat.sh starts aiosmtpd on 127.0.0.1 (its Mailbox
handler writes each message it takes to a Maildir) and kaigi with `--smtp-url` pointing at it.
The messages are read back with the standard library's MIME parser.

The XML calls are plain requests, as in test_one_model.py.
"""

import email
import email.policy
import mailbox
import os
import secrets
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import requests

# The mail worker looks for due mails every second; a debug build is slow.
DEADLINE_SECS = 30


@pytest.fixture(scope="module")
def maildir():
    path = os.environ.get("KAIGI_COMPAT_MAILDIR", "").strip()
    if not path:
        pytest.exit("set KAIGI_COMPAT_MAILDIR (scripts/compat.sh does)", returncode=2)
    return Path(path)


def xml_call(server, who, password, body_type, body):
    envelope = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<serv:message xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
        ' xmlns:serv="http://www.webex.com/schemas/2002/06/service">'
        f"<header><securityContext><siteName>demo</siteName><webExID>{who}</webExID>"
        f"<password>{password}</password></securityContext></header>"
        f'<body><bodyContent xsi:type="java:com.webex.service.binding.{body_type}">{body}</bodyContent></body>'
        "</serv:message>"
    )
    response = requests.post(server.url + "/WBXService/XMLService", data=envelope.encode(), timeout=30)
    assert response.status_code == 200, response.text[:300]
    values = {}
    for element in ET.fromstring(response.content).iter():
        values.setdefault(element.tag.rsplit("}", 1)[-1], (element.text or "").strip())
    assert values.get("result") == "SUCCESS", response.text[:500]
    return values


def mail_to(maildir, address):
    """The message the SMTP server took for `address`, waiting for the worker to send it."""
    deadline = time.monotonic() + DEADLINE_SECS
    while time.monotonic() < deadline:
        if (maildir / "new").is_dir():
            for key, raw in mailbox.Maildir(maildir, create=False).items():
                message = email.message_from_bytes(raw.as_bytes(), policy=email.policy.default)
                if message["X-RcptTo"] == address or message["To"] == address:
                    return message
        time.sleep(0.2)
    pytest.fail(f"no mail to {address} reached the SMTP server within {DEADLINE_SECS} s")


def unique():
    return secrets.token_hex(4)


def new_user(server, maildir):
    """A user created by the site administrator with a welcome mail; returns (id, password)."""
    who, password = f"mail{unique()}", "Compat-mail-pass-1"
    xml_call(
        server,
        "admin",
        "demo-admin-pass",
        "user.CreateUser",
        f"<firstName>Mia</firstName><lastName>Mail</lastName><webExId>{who}</webExId>"
        f"<password>{password}</password><email>{who}@demo.example</email><sendWelcome>TRUE</sendWelcome>",
    )
    return who, password


def test_the_welcome_mail_is_delivered(server, maildir):
    who, _ = new_user(server, maildir)
    message = mail_to(maildir, f"{who}@demo.example")
    # In the site's language (the demo site's is Japanese): an RFC 2047 subject, decoded here.
    assert message["Subject"] in ("Welcome to Webex", "Webex へようこそ")
    assert message["From"].addresses[0].addr_spec == "kaigi@localhost"  # the public URL's host is an IP
    assert who in message.get_body(preferencelist=("plain", "html")).get_content()


def test_an_email_change_confirmation_is_delivered_to_the_new_address(server, maildir):
    who, password = new_user(server, maildir)
    new_address = f"{who}@elsewhere.example"
    xml_call(server, who, password, "user.SetUser", f"<webExId>{who}</webExId><email>{new_address}</email>")
    message = mail_to(maildir, new_address)
    assert message["Subject"] == "Webex Account Change Confirmation"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "/_kaigi/confirm-email?token=" in text


def test_an_invitation_carries_the_meetings_ics(server, maildir):
    created = xml_call(
        server,
        "host01",
        "demo-pass",
        "meeting.CreateMeeting",
        "<metaData><confName>Mail compat review</confName></metaData>"
        "<schedule><startDate>06/20/2030 10:00:00</startDate><duration>45</duration></schedule>",
    )
    key, calendar_url = created["meetingkey"], created["attendee"]
    guest = f"guest{unique()}@guest.example"
    xml_call(
        server,
        "host01",
        "demo-pass",
        "attendee.CreateMeetingAttendee",
        f"<person><name>Gus Guest</name><email>{guest}</email><type>VISITOR</type></person>"
        f"<role>ATTENDEE</role><sessionKey>{key}</sessionKey><emailInvitations>TRUE</emailInvitations>",
    )
    message = mail_to(maildir, guest)
    assert message["Subject"] == "Invitation: Mail compat review"
    assert message.get_content_type() == "multipart/mixed"
    assert "Mail compat review" in message.get_body(preferencelist=("plain",)).get_content()
    attachments = list(message.iter_attachments())
    assert len(attachments) == 1
    ics = attachments[0]
    assert ics.get_content_type() == "text/calendar"
    assert ics.get_param("method") == "REQUEST"
    assert ics.get_filename() == f"{key}.ics"
    # Line ends compared as LF: the Maildir aiosmtpd writes keeps lines in the local convention
    # (the Rust e2e test checks the CRLF of the file as sent).
    text = ics.get_content().replace("\r\n", "\n")

    # The same file the meeting's iCalendarURL serves: its UID and start included.
    served = requests.get(calendar_url, timeout=30)
    assert served.status_code == 200
    assert text == served.text.replace("\r\n", "\n")
    lines = text.split("\n")
    uid = next(line for line in lines if line.startswith("UID:"))
    assert uid.endswith("@kaigi") and len(uid) > len("UID:@kaigi")
    assert any(line.startswith("DTSTART:2030062") for line in lines), text
    assert "SUMMARY:Mail compat review" in lines
