#!/usr/bin/env python3
"""Times LstsummaryMeeting pages across a whole listing (issue #16).

    python3 bench/xml_list.py walk URL SITE WEBEXID PASSWORD MAX PAGES [SEED]

URL is the XML endpoint (e.g. http://127.0.0.1:8080/WBXService/XMLService). The first page tells
the total; then PAGES pages of MAX meetings are asked one after another: the first, the last and
random startFrom values in between. Prints the total and p50/p90/p99/max of the page times (ms).
Standard library only.
"""
import random
import re
import sys
import time
import urllib.request

BODY = """<?xml version="1.0" encoding="UTF-8"?>
<serv:message xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:serv="http://www.webex.com/schemas/2002/06/service">
<header><securityContext><webExID>{who}</webExID><password>{pw}</password><siteName>{site}</siteName></securityContext></header>
<body><bodyContent xsi:type="java:com.webex.service.binding.meeting.LstsummaryMeeting">
<listControl><startFrom>{start}</startFrom><maximumNum>{max}</maximumNum></listControl>
</bodyContent></body></serv:message>"""


def page(url, site, who, pw, start, max_num):
    data = BODY.format(site=site, who=who, pw=pw, start=start, max=max_num).encode()
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "text/xml"})
    began = time.perf_counter()
    with urllib.request.urlopen(req) as r:
        text = r.read().decode()
    took = (time.perf_counter() - began) * 1000
    if "<serv:result>SUCCESS</serv:result>" not in text:
        raise SystemExit(f"page at {start} failed: {text[:500]}")
    total = int(re.search(r"<(?:\w+:)?total>(\d+)<", text).group(1))
    returned = int(re.search(r"<(?:\w+:)?returned>(\d+)<", text).group(1))
    return took, total, returned


def pct(sorted_ms, p):
    return sorted_ms[min(len(sorted_ms) - 1, int(round(p / 100 * (len(sorted_ms) - 1))))]


def walk(url, site, who, pw, max_num, pages, seed=1):
    rng = random.Random(seed)
    _, total, _ = page(url, site, who, pw, 1, max_num)
    last = max(1, total - max_num + 1)
    starts = [1, last] + [rng.randint(1, last) for _ in range(max(0, pages - 2))]
    times = []
    for start in starts:
        took, t, returned = page(url, site, who, pw, start, max_num)
        if t != total or returned != min(max_num, total - start + 1):
            raise SystemExit(f"page at {start}: total {t} returned {returned}, expected total {total}")
        times.append(took)
    times.sort()
    print(f"{who} total={total} max={max_num} pages={len(times)} "
          f"p50={pct(times, 50):.1f}ms p90={pct(times, 90):.1f}ms p99={pct(times, 99):.1f}ms max={times[-1]:.1f}ms")


if __name__ == "__main__":
    if len(sys.argv) < 8 or sys.argv[1] != "walk":
        raise SystemExit(__doc__)
    url, site, who, pw, max_num, pages = sys.argv[2:8]
    seed = int(sys.argv[8]) if len(sys.argv) > 8 else 1
    walk(url, site, who, pw, int(max_num), int(pages), seed)
