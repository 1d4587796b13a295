"""Fixtures for driving a live kaigi (started by scripts/compat.sh) with unmodified PyPI clients.

The SDKs are configured the way their own documentation allows and nothing more: webexpythonsdk
through `base_url` and `access_token`; wxc-sdk through a RestSession subclass whose `BASE` class
attribute names the server (its documented extension point) and a token.
"""

import os
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest
import requests
from webexpythonsdk import WebexAPI
from wxc_sdk import WebexSimpleApi
from wxc_sdk.rest import RestSession
from wxc_sdk.tokens import Tokens

from contract import Contract
from served import missing

SITE_EMAIL = "@demo.example"
HOST = "host01" + SITE_EMAIL
OTHER_HOST = "host02" + SITE_EMAIL
UNLICENSED = "emp001" + SITE_EMAIL


def pytest_runtest_setup(item):
    if os.environ.get("KAIGI_COMPAT_ALL") == "1":
        return
    for mark in item.iter_markers("uses"):
        absent = missing(mark.args)
        if absent:
            pytest.skip("; ".join(f"{op}: {why}" for op, why in absent))


@dataclass(frozen=True)
class Server:
    url: str
    host_token: str
    admin_token: str

    @property
    def v1(self):
        return self.url + "/v1"


@pytest.fixture(scope="session")
def server():
    names = ("KAIGI_COMPAT_URL", "KAIGI_COMPAT_HOST_TOKEN", "KAIGI_COMPAT_ADMIN_TOKEN")
    values = [os.environ.get(n, "").strip() for n in names]
    if not all(values):
        pytest.exit(f"set {', '.join(names)} (scripts/compat.sh does)", returncode=2)
    return Server(values[0].rstrip("/"), values[1], values[2])


def webex_api(server, token):
    # The trailing slash matters: the SDK joins endpoint names onto base_url with urljoin.
    return WebexAPI(access_token=token, base_url=server.v1 + "/")


@pytest.fixture(scope="session")
def webex_host(server):
    return webex_api(server, server.host_token)


@pytest.fixture(scope="session")
def webex_admin(server):
    return webex_api(server, server.admin_token)


def wxc_api(server, token):
    session_class = type("KaigiRestSession", (RestSession,), {"BASE": server.v1})
    session = session_class(tokens=Tokens(access_token=token), concurrent_requests=1, retry_429=False)
    return WebexSimpleApi(tokens=token, session=session)


@pytest.fixture(scope="session")
def wxc_host(server):
    return wxc_api(server, server.host_token)


@pytest.fixture(scope="session")
def wxc_admin(server):
    return wxc_api(server, server.admin_token)


@pytest.fixture(scope="session")
def contract(server):
    return Contract(server.url)


class Raw:
    """Plain HTTP as one token; every answer is checked against the vendor's contract."""

    def __init__(self, server, token, contract):
        self.base = server.v1
        self.contract = contract
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {token}"

    def call(self, method, path, expect, **kwargs):
        url = path if path.startswith("http") else self.base + path
        response = self.http.request(method, url, timeout=30, **kwargs)
        assert response.status_code == expect, (
            f"{method} {path}: expected {expect}, got {response.status_code}: {response.text[:500]}"
        )
        self.contract.check(response)
        return response


@pytest.fixture(scope="session")
def raw_host(server, contract):
    return Raw(server, server.host_token, contract)


@pytest.fixture(scope="session")
def raw_admin(server, contract):
    return Raw(server, server.admin_token, contract)


# Fixed once, so that a run crossing midnight UTC keeps every test's windows where they were.
TODAY = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)


def slot(days, hour, minutes=60):
    """A whole-hour UTC slot `days` from today; each test picks its own to keep lists apart."""
    start = TODAY + timedelta(days=days, hours=hour)
    return start, start + timedelta(minutes=minutes)


def iso(moment, offset_hours=0):
    """ISO 8601 text of `moment` written in a fixed UTC offset (the offset a caller chose)."""
    return moment.astimezone(timezone(timedelta(hours=offset_hours))).isoformat()


def instant(text):
    """The instant an ISO 8601 answer names; offset-less text is refused, as an answer needs one."""
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    assert parsed.tzinfo is not None, f"time without an offset: {text!r}"
    return parsed


def assert_meeting_basics(meeting, server, title, start, end, host_email=HOST):
    """The fields a scheduling integration reads back from any meeting answer (a dict)."""
    assert meeting["title"] == title
    assert instant(meeting["start"]) == start, (meeting["start"], start)
    assert instant(meeting["end"]) == end, (meeting["end"], end)
    assert re.fullmatch(r"[0-9a-f]{32}", meeting["id"]), meeting["id"]
    assert re.fullmatch(r"\d{9,11}", meeting["meetingNumber"]), meeting["meetingNumber"]
    assert meeting["webLink"].startswith(server.url + "/"), meeting["webLink"]
    assert meeting["hostEmail"] == host_email
    assert meeting["password"], "every demo meeting has a password"
    assert re.fullmatch(r"\d{6}", meeting["hostKey"]), meeting["hostKey"]
    assert meeting["meetingType"] == "meetingSeries"
    assert meeting["state"] == "active", meeting["state"]


def control(server, key, action, body):
    """One of kaigi's JSON lifecycle endpoints (`/_kaigi/meetings/{key}/{action}`), asserted 200."""
    response = requests.post(f"{server.url}/_kaigi/meetings/{key}/{action}", json=body, timeout=30)
    assert response.status_code == 200, response.text[:300]
    return response.json()


def who(joined):
    """The participant id and pass a join answered, as the other lifecycle endpoints take them."""
    return {"participantId": joined["participantId"], "participantPass": joined["participantPass"]}
