"""GET /metrics of the demo server, parsed with the Prometheus project's own parsers (OpenMetrics).

`kaigi serve --demo` serves /metrics on its (loopback) listener without a token. The test makes
one XML API call and one REST call, scrapes, and checks the families, their label sets and that
the request counters rose.
"""

import requests
from prometheus_client import parser
from prometheus_client.openmetrics.parser import text_string_to_metric_families

GETSITE = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<serv:message xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<header><securityContext><webExID>admin</webExID><password>demo-admin-pass</password>"
    "<siteName>demo</siteName></securityContext></header>"
    '<body><bodyContent xsi:type="java:com.webex.service.binding.site.GetSite"/></body></serv:message>'
)


def scrape(server):
    answer = requests.get(server.url + "/metrics", timeout=30)
    assert answer.status_code == 200, answer.text[:200]
    assert answer.headers["Content-Type"].startswith("application/openmetrics-text; version=1.0.0")
    # The classic Prometheus text parser reads it too (counters then come out untyped).
    assert any(f.name.startswith("kaigi_request") for f in parser.text_string_to_metric_families(answer.text))
    return {f.name: f for f in text_string_to_metric_families(answer.text)}


def requests_counted(families, **labels):
    return sum(
        s.value
        for s in families["kaigi_requests"].samples
        if s.name == "kaigi_requests_total" and all(s.labels.get(k) == v for k, v in labels.items())
    )


def test_metrics_parse_and_count_calls(server):
    before = scrape(server)
    xml = requests.post(server.url + "/WBXService/XMLService", data=GETSITE, timeout=30)
    assert xml.status_code == 200 and "SUCCESS" in xml.text
    assert xml.headers["trackingid"]
    rest = requests.get(
        server.v1 + "/people/me", headers={"Authorization": f"Bearer {server.host_token}"}, timeout=30
    )
    assert rest.status_code == 200
    after = scrape(server)

    expected = {
        "kaigi_requests": "counter",
        "kaigi_request_duration_seconds": "histogram",
        "kaigi_webhook_changes": "counter",
        "kaigi_webhook_deliveries": "counter",
        "kaigi_webhook_round_failures": "counter",
        "kaigi_db_connections": "gauge",
        "kaigi_db_write_queue": "gauge",
        "kaigi_license_decisions": "gauge",
    }
    for name, kind in expected.items():
        assert name in after, f"{name} missing; families: {sorted(after)}"
        assert after[name].type == kind, (name, after[name].type)

    xml_ok = dict(api="xml", operation="GetSite", outcome="SUCCESS", code="200")
    rest_ok = dict(api="rest", operation="GET /v1/people/me", outcome="SUCCESS", code="200")
    assert requests_counted(after, **xml_ok) == requests_counted(before, **xml_ok) + 1
    assert requests_counted(after, **rest_ok) == requests_counted(before, **rest_ok) + 1

    for sample in after["kaigi_requests"].samples:
        if sample.name == "kaigi_requests_total":
            assert set(sample.labels) == {"api", "operation", "outcome", "code"}, sample
            assert sample.labels["api"] in {"xml", "rest", "web", "internal"}
            assert sample.labels["outcome"] in {"SUCCESS", "FAILURE"}
    buckets = [s for s in after["kaigi_request_duration_seconds"].samples if s.name.endswith("_bucket")]
    assert any(s.labels.get("le") == "+Inf" for s in buckets)
    # The demo runs on SQLite: the read pool has connections open.
    pools = {(s.labels["pool"], s.labels["state"]) for s in after["kaigi_db_connections"].samples}
    assert ("read", "idle") in pools and ("write", "in_use") in pools
    outcomes = {s.labels["outcome"] for s in after["kaigi_license_decisions"].samples}
    assert outcomes == {"allowed", "allowed_counted", "auto_assigned", "refused", "violation"}
