"""429 and Retry-After as both SDKs handle them.

The calls of one user are spent here (host03, whose token no other test holds), so the rest of
the suite is not throttled. webexpythonsdk raises RateLimitError with `retry_after` when told not
to wait, and otherwise sleeps Retry-After seconds and tries again, for ever; wxc-sdk does the same
with `retry_429`. Both therefore depend on Retry-After being true: a call made after it must pass.
"""

import os
import time

import pytest
import requests
from webexpythonsdk import RateLimitError, WebexAPI
from wxc_sdk.rest import RestError

from conftest import wxc_api
from served import uses

MAX_CALLS = 5000  # far above any per-minute limit kaigi would ship with


@pytest.fixture(scope="module")
def throttled_token():
    token = os.environ.get("KAIGI_COMPAT_THROTTLED_TOKEN", "").strip()
    if not token:
        pytest.skip("KAIGI_COMPAT_THROTTLED_TOKEN is not set (scripts/compat.sh sets it)")
    return token


def spend_the_minute(server, token):
    """Calls until the server says 429; returns that answer."""
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {token}"
    for _ in range(MAX_CALLS):
        response = http.get(server.v1 + "/people/me", timeout=30)
        if response.status_code == 429:
            return response
        assert response.status_code == 200, response.text[:200]
    pytest.fail(f"no 429 after {MAX_CALLS} calls in a row")


@uses("GET /people/me")
def test_429_reaches_both_sdks_with_retry_after(server, throttled_token, contract):
    # The window may roll over between two calls; then spend it again (at most twice more).
    for _ in range(3):
        limited = spend_the_minute(server, throttled_token)
        contract.check(limited)
        assert int(limited.headers["Retry-After"]) >= 1
        try:
            WebexAPI(access_token=throttled_token, base_url=server.v1 + "/", wait_on_rate_limit=False).people.me()
        except RateLimitError as error:
            assert error.status_code == 429 and error.retry_after >= 1 and error.message
        else:
            continue
        with pytest.raises(RestError) as raised:
            wxc_api(server, throttled_token).people.me()
        if raised.value.response.status_code == 429:
            assert raised.value.detail.tracking_id
            return
    pytest.fail("the limit window rolled over three times in a row")


@uses("GET /people/me")
def test_a_call_after_retry_after_passes(server, throttled_token):
    limited = spend_the_minute(server, throttled_token)
    promised = int(limited.headers["Retry-After"])
    asked = time.monotonic()
    last_refusal = asked
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {throttled_token}"
    # Polled, not slept: how long calls keep being refused is measured against the promise.
    while http.get(server.v1 + "/people/me", timeout=30).status_code == 429:
        last_refusal = time.monotonic()
        assert last_refusal - asked < 65, "still limited after a minute"
        time.sleep(0.25)
    refused_for = last_refusal - asked
    assert refused_for <= promised + 1, (
        f"Retry-After said {promised} s but calls were refused for {refused_for:.1f} s more: "
        "an SDK that obeys it retries over and over"
    )
