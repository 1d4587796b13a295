#!/usr/bin/env python3
"""Load driver for the REST listing benchmark (bench/run-rest.sh). Standard library only.

  rest_list.py seed URL TOKEN COUNT START PROCESSES
      Creates COUNT one-off meetings through POST /v1/meetings, one a minute from START
      (ISO 8601, UTC), each 30 minutes long, with PROCESSES client processes. Prints
      `seeded: <created> created, <failed> failed, <seconds> s`.

  rest_list.py walk URL TOKEN FROM TO MEETING_TYPE MAX WALKERS EXPECT
      WALKERS client processes each list GET /v1/meetings?meetingType=..&from=..&to=..&max=..
      and follow the `Link: <...>; rel="next"` header to the last page, timing every request.
      Each walk must see EXPECT distinct ids in ascending start order (otherwise the exit status
      is 1 and the first problem is printed). Prints one line with the latency figures in ms:
      `walk: <requests> requests, p50 <ms>, p90 <ms>, p99 <ms>, max <ms>; <ids> ids per walk, ok`.

Latency is measured in the client from sending the request line to having read the whole body
(and parsed it as JSON), on a kept-alive connection: what an integration paging the list sees.
"""

import http.client
import json
import multiprocessing
import re
import sys
import time
import urllib.parse
from datetime import datetime, timedelta, timezone

LINK_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="next"')


def connect(url):
    parts = urllib.parse.urlsplit(url)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)


def seed_part(args):
    url, token, first, count, start = args
    conn = connect(url)
    created = failed = 0
    first_problem = None
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    for i in range(first, first + count):
        begin = start + timedelta(minutes=i)
        body = json.dumps({
            "title": f"Bench {i}",
            "start": begin.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "end": (begin + timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        })
        conn.request("POST", "/v1/meetings", body=body, headers=headers)
        response = conn.getresponse()
        payload = response.read()
        if response.status == 200 and b'"id"' in payload:
            created += 1
        else:
            failed += 1
            first_problem = first_problem or f"{response.status} {payload[:300]!r}"
    conn.close()
    return created, failed, first_problem


def seed(url, token, count, start, processes):
    start = datetime.fromisoformat(start.replace("Z", "+00:00")).astimezone(timezone.utc)
    share = -(-count // processes)
    parts = [(url, token, p * share, min(share, count - p * share), start) for p in range(processes)]
    began = time.monotonic()
    with multiprocessing.Pool(processes) as pool:
        results = pool.map(seed_part, [p for p in parts if p[3] > 0])
    created = sum(r[0] for r in results)
    failed = sum(r[1] for r in results)
    print(f"seeded: {created} created, {failed} failed, {time.monotonic() - began:.1f} s")
    problems = [r[2] for r in results if r[2]]
    if problems:
        print(f"first failure: {problems[0]}", file=sys.stderr)
    return 0 if failed == 0 else 1


def walk_once(args):
    url, token, first_path = args
    conn = connect(url)
    headers = {"Authorization": f"Bearer {token}"}
    path = first_path
    latencies = []
    seen = set()
    last_start = ""
    problem = None
    while path:
        began = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        payload = response.read()
        try:
            items = json.loads(payload)["items"]
        except (ValueError, KeyError):
            items = None
        latencies.append((time.perf_counter() - began) * 1000)
        if response.status != 200 or items is None:
            problem = f"page {len(latencies)}: {response.status} {payload[:300]!r}"
            break
        for item in items:
            # Items come in ascending start order; ISO strings in UTC compare as times do.
            start = item["start"]
            if start < last_start and problem is None:
                problem = f"page {len(latencies)}: {item['id']} starts {start}, before {last_start}"
            last_start = start
            if item["id"] in seen and problem is None:
                problem = f"page {len(latencies)}: {item['id']} listed twice"
            seen.add(item["id"])
        link = response.getheader("Link") or ""
        match = LINK_NEXT.search(link)
        if match:
            parts = urllib.parse.urlsplit(match.group(1))
            path = parts.path + ("?" + parts.query if parts.query else "")
        else:
            path = None
    conn.close()
    return latencies, len(seen), problem


def percentile(sorted_values, p):
    if not sorted_values:
        return 0.0
    rank = max(0, min(len(sorted_values) - 1, int(round(p / 100 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[rank]


def walk(url, token, since, until, meeting_type, page, walkers, expect):
    query = urllib.parse.urlencode({"meetingType": meeting_type, "from": since, "to": until, "max": page})
    first = f"/v1/meetings?{query}"
    with multiprocessing.Pool(walkers) as pool:
        results = pool.map(walk_once, [(url, token, first)] * walkers)
    latencies = sorted(ms for r in results for ms in r[0])
    problems = [r[2] for r in results if r[2]]
    counts = sorted({r[1] for r in results})
    if not problems and counts != [expect]:
        problems.append(f"a walk saw {counts} distinct ids, expected {expect}")
    verdict = "ok" if not problems else "FAILED: " + problems[0]
    print(
        f"walk: {len(latencies)} requests, p50 {percentile(latencies, 50):.2f}, p90 {percentile(latencies, 90):.2f}, "
        f"p99 {percentile(latencies, 99):.2f}, max {latencies[-1] if latencies else 0:.2f}; "
        f"{','.join(map(str, counts))} ids per walk, {verdict}"
    )
    return 0 if not problems else 1


def main(argv):
    if len(argv) == 7 and argv[1] == "seed":
        return seed(argv[2], argv[3], int(argv[4]), argv[5], int(argv[6]))
    if len(argv) == 10 and argv[1] == "walk":
        return walk(argv[2], argv[3], argv[4], argv[5], argv[6], int(argv[7]), int(argv[8]), int(argv[9]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
