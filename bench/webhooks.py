"""Webhook delivery benchmark (issue #14): how fast changes reach a receiver, and how long each
takes from the change to its delivery.

    python3 bench/webhooks.py URL COUNT TOKEN...

Phase 1 (baseline, same run): one client per host whose token is given creates its share of COUNT
meetings through POST /v1/meetings, one after another, all hosts at once; no webhook registered.
Phase 2: every host registers a webhook (meetings, all events, with a secret) to a receiver on
127.0.0.1 started here, and the same clients create COUNT more meetings. The receiver checks every
X-Spark-Signature, counts duplicates (by X-Kaigi-Delivery) and per-webhook order, and notes when
each arrives; `created` in the body is when the change was made (kaigi's clock, ms).
Prints one line per phase and the delivery figures: events/s delivered (first to last arrival),
delay from change to arrival (p50, p99, max), duplicates, order violations, bad signatures.
"""

import hashlib
import hmac
import json
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET = b"bench-secret"


def post(url, token, body):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")
    req.add_header("Authorization", f"Bearer {token}")
    req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.status, json.loads(r.read() or b"null")


def create_meetings(url, tokens, count, label, day):
    start = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=day)

    # Each host's meetings are booked one after another by one client (so the order its webhook
    # must keep is known: the order of its titles); the hosts' clients run at once.
    def one_host(h):
        for i in range(h, count, len(tokens)):
            s = start + timedelta(minutes=i)
            body = {"title": f"{label} {i}", "start": s.isoformat(), "end": (s + timedelta(minutes=30)).isoformat()}
            status, _ = post(f"{url}/v1/meetings", tokens[h], body)
            assert status == 200, status

    t0 = time.monotonic()
    with ThreadPoolExecutor(len(tokens)) as pool:
        list(pool.map(one_host, range(len(tokens))))
    return time.monotonic() - t0


def main():
    url, count, tokens = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    seconds = create_meetings(url, tokens, count, "Baseline", 30)
    print(f"baseline: {count} meetings created by {len(tokens)} clients (one per host), no webhook: "
          f"{count / seconds:.0f}/s")

    got = []
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            arrived = time.time()
            with lock:
                got.append((arrived, self.headers.get("X-Spark-Signature"), self.headers.get("X-Kaigi-Delivery"), raw))
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    receiver = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    target = f"http://127.0.0.1:{receiver.server_address[1]}/hook"
    for i, token in enumerate(tokens):
        status, _ = post(f"{url}/v1/webhooks", token,
                         {"name": f"bench {i}", "targetUrl": target, "resource": "meetings", "event": "all",
                          "secret": SECRET.decode()})
        assert status == 200, status

    seconds = create_meetings(url, tokens, count, "Watched", 60)
    print(f"with webhooks: {count} meetings created by {len(tokens)} clients (one per host), "
          f"{len(tokens)} webhooks: {count / seconds:.0f}/s")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with lock:
            n = len({d for _, _, d, _ in got})
        if n >= count:
            break
        time.sleep(0.05)
    with lock:
        rows = list(got)
    receiver.shutdown()

    bad = dup = disorder = 0
    seen = set()
    delays = []
    last_title = {}
    for arrived, signature, delivery, raw in rows:
        if signature != hmac.new(SECRET, raw, hashlib.sha1).hexdigest():
            bad += 1
        if delivery in seen:
            dup += 1
            continue
        seen.add(delivery)
        body = json.loads(raw)
        created = datetime.fromisoformat(body["created"].replace("Z", "+00:00")).timestamp()
        delays.append(arrived - created)
        n = int(body["data"]["title"].split()[-1])
        if last_title.get(body["id"], -1) > n:
            disorder += 1
        last_title[body["id"]] = n
    delays.sort()
    pick = lambda q: delays[min(len(delays) - 1, int(q * len(delays)))] * 1000
    span = max(a for a, *_ in rows) - min(a for a, *_ in rows) if rows else 0
    print(f"delivered: {len(seen)} of {count} events, {len(seen) / span if span else 0:.0f} events/s "
          f"(first to last arrival, {span:.2f} s); delay from change to arrival: p50 {pick(0.5):.1f} ms, "
          f"p99 {pick(0.99):.1f} ms, max {delays[-1] * 1000:.1f} ms; duplicates {dup}, out of order {disorder}, "
          f"bad signatures {bad}")
    ok = len(seen) == count and bad == 0 and disorder == 0
    print("ok" if ok else "NOT OK")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
