"""Webhooks with the unmodified SDKs: registered with webexpythonsdk's and wxc-sdk's webhook APIs,
then delivered by the running kaigi to a receiver this test starts on 127.0.0.1 (the demo site
allows loopback targets), which checks every X-Spark-Signature against the webhook's secret."""

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import slot
from served import uses

SECRET = "compat-secret"


class Receiver:
    """Keeps (headers, raw body) of every POST; answers 200."""

    def __init__(self):
        self.got = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    receiver.got.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}/hook"
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def bodies(self, name):
        """Bodies delivered for the webhook `name`, each signature checked."""
        out = []
        with self.lock:
            got = list(self.got)
        for headers, raw in got:
            body = json.loads(raw)
            if body["name"] != name:
                continue
            want = hmac.new(SECRET.encode(), raw, hashlib.sha1).hexdigest()
            assert headers.get("x-spark-signature") == want, body
            assert headers.get("x-kaigi-delivery"), "every delivery carries its id"
            out.append(body)
        return out

    def wait_for(self, name, count, timeout=30):
        """Polls until `count` deliveries of `name` arrived (kaigi delivers within a second)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.bodies(name)
            if len(got) >= count:
                return got
            time.sleep(0.05)
        pytest.fail(f"{name}: {len(self.bodies(name))} of {count} deliveries after {timeout} s")


@pytest.fixture(scope="module")
def receiver():
    r = Receiver()
    yield r
    r.http.shutdown()


@uses("POST /webhooks", "GET /webhooks", "GET /webhooks/{webhookId}", "PUT /webhooks/{webhookId}",
      "DELETE /webhooks/{webhookId}", "POST /meetings", "PUT /meetings/{meetingId}", "DELETE /meetings/{meetingId}")
def test_webexpythonsdk_registers_a_webhook_and_receives_signed_meeting_events(webex_host, receiver):
    hook = webex_host.webhooks.create(
        name="pysdk meetings", targetUrl=receiver.url, resource="meetings", event="all", secret=SECRET
    )
    assert hook.status == "active"
    assert hook.resource == "meetings" and hook.event == "all"
    assert hook.targetUrl == receiver.url
    assert hook.id in [w.id for w in webex_host.webhooks.list()]
    assert webex_host.webhooks.get(hook.id).name == "pysdk meetings"

    start, end = slot(40, 3)
    meeting = webex_host.meetings.create(title="Webhook watched", start=start.isoformat(), end=end.isoformat())
    webex_host.meetings.update(
        meeting.id, title="Webhook watched, renamed", password=meeting.password,
        start=start.isoformat(), end=end.isoformat(),
    )
    webex_host.meetings.delete(meeting.id)

    got = receiver.wait_for("pysdk meetings", 3)
    assert [b["event"] for b in got] == ["created", "updated", "deleted"]
    for body in got:
        assert body["id"] == hook.id
        assert body["resource"] == "meetings"
        assert body["data"]["meetingSeriesId"] == meeting.id
        assert body["data"]["hostEmail"] == "host01@demo.example"
        assert "secret" not in body and "targetUrl" not in body
    assert got[1]["data"]["title"] == "Webhook watched, renamed"

    renamed = webex_host.webhooks.update(hook.id, name="pysdk renamed", targetUrl=receiver.url)
    assert renamed.name == "pysdk renamed" and renamed.secret == SECRET
    webex_host.webhooks.delete(hook.id)
    assert hook.id not in [w.id for w in webex_host.webhooks.list()]


@uses("POST /webhooks", "GET /webhooks", "GET /webhooks/{webhookId}", "DELETE /webhooks/{webhookId}")
def test_wxc_sdk_registers_lists_reads_and_deletes_webhooks(wxc_host, receiver):
    from wxc_sdk.webhook import WebhookEventType, WebhookResource

    hook = wxc_host.webhook.create(
        name="wxc participants", target_url=receiver.url, resource=WebhookResource.meeting_participants,
        event=WebhookEventType.joined, secret=SECRET,
    )
    assert hook.status == "active" and hook.owned_by == "creator"
    assert hook.webhook_id in [w.webhook_id for w in wxc_host.webhook.list()]
    details = wxc_host.webhook.details(hook.webhook_id)
    assert details.target_url == receiver.url and details.secret == SECRET
    wxc_host.webhook.webhook_delete(hook.webhook_id)
    assert hook.webhook_id not in [w.webhook_id for w in wxc_host.webhook.list()]


@uses("POST /webhooks")
def test_a_target_outside_the_sites_allowed_hosts_is_refused(raw_host):
    body = {"name": "probe", "targetUrl": "http://169.254.169.254/latest/meta-data", "resource": "meetings",
            "event": "created"}
    refused = raw_host.call("POST", "/webhooks", 400, json=body)
    assert "targetUrl" in refused.json()["errors"][0]["description"]


@uses("POST /webhooks", "GET /webhooks", "DELETE /webhooks/{webhookId}")
def test_webhook_answers_match_the_contract(raw_host, receiver):
    body = {"name": "contract", "targetUrl": receiver.url, "resource": "recordings", "event": "created",
            "secret": SECRET}
    made = raw_host.call("POST", "/webhooks", 200, json=body).json()
    raw_host.call("GET", f"/webhooks/{made['id']}", 200)
    raw_host.call("GET", "/webhooks", 200)
    raw_host.call("PUT", f"/webhooks/{made['id']}", 200, json={"name": "contract 2", "targetUrl": receiver.url})
    raw_host.call("DELETE", f"/webhooks/{made['id']}", 204)
