"""A small client for kaigi's test-double controls (/_kaigi/…, see docs/testing-with-kaigi.md),
and pytest fixtures over it. Each fixture puts back what it changed when the test ends."""

from datetime import datetime, timezone

import pytest
import requests


class KaigiControls:
    def __init__(self, url):
        self.url = url.rstrip("/") + "/_kaigi"
        self.http = requests.Session()

    def _call(self, method, path, expect=200, **kwargs):
        r = self.http.request(method, self.url + path, timeout=30, **kwargs)
        assert r.status_code == expect, f"{method} {path}: {r.status_code} {r.text[:300]}"
        return r.json() if r.content else None

    # clock
    def clock(self):
        return self._call("GET", "/clock")

    def set_clock(self, now=None, frozen=None, advance=None):
        body = {k: v for k, v in (("now", now), ("frozen", frozen), ("advance", advance)) if v is not None}
        return self._call("PUT", "/clock", json=body)

    # faults
    def faults(self):
        return self._call("GET", "/faults")["rules"]

    def set_faults(self, *rules):
        return self._call("PUT", "/faults", json={"rules": list(rules)})["rules"]

    def clear_faults(self):
        self._call("DELETE", "/faults", expect=204)

    # journal
    def journal(self, **filters):
        return self._call("GET", "/journal", params=filters)["items"]

    def clear_journal(self):
        self._call("DELETE", "/journal", expect=204)

    # outbox
    def outbox(self):
        return self._call("GET", "/outbox")["items"]

    def mail(self, mail_id):
        return self._call("GET", f"/outbox/{mail_id}")

    def clear_outbox(self):
        return self._call("DELETE", "/outbox")["deleted"]

    # state
    def reset(self):
        return self._call("POST", "/reset")

    def load_fixture(self, fixture):
        """Replaces the fixture's world with `fixture` (a dict, as docs/examples/fixture.json);
        reset returns to it from then on. Answers {"sites": n, "users": n, "meetings": n}."""
        return self._call("POST", "/fixture", json=fixture)

    def snapshot(self, name):
        return self._call("POST", "/snapshots", expect=201, json={"name": name})

    def restore(self, name):
        return self._call("POST", f"/snapshots/{name}/restore")


@pytest.fixture(scope="session")
def kaigi_controls(server):
    return KaigiControls(server.url)


@pytest.fixture
def kaigi_clock(kaigi_controls):
    """The clock; running on the wall clock again after the test."""
    yield kaigi_controls
    kaigi_controls.set_clock(now=datetime.now(timezone.utc).isoformat(), frozen=False)


@pytest.fixture
def kaigi_faults(kaigi_controls):
    """Fault rules; all cleared after the test."""
    kaigi_controls.clear_faults()
    yield kaigi_controls
    kaigi_controls.clear_faults()


@pytest.fixture
def kaigi_journal(kaigi_controls):
    """The journal, emptied before the test so it holds the test's requests only."""
    kaigi_controls.clear_journal()
    return kaigi_controls


@pytest.fixture
def kaigi_outbox(kaigi_controls):
    """The outbox, emptied before the test."""
    kaigi_controls.clear_outbox()
    return kaigi_controls


@pytest.fixture
def kaigi_reset(kaigi_controls):
    """Whatever the test writes is undone after it: a snapshot before, restored after. (Calling
    `reset()` goes back to the server's start state instead.)"""
    kaigi_controls.snapshot("pytest_before")
    yield kaigi_controls
    kaigi_controls.restore("pytest_before")
