"""The operation names in served.py and in every `@uses(...)` exist in the vendor description,
and served.py lists nothing kaigi already serves, so no test is skipped silently or for nothing."""

import json
import re
from pathlib import Path

import pytest

from contract import OPENAPI_DIR
from served import NOT_SERVED


def described_operations():
    operations = set()
    for name in ("webex-meeting.json", "webex-admin.json"):
        paths = json.loads((OPENAPI_DIR / name).read_text(encoding="utf-8"))["paths"]
        for path, item in paths.items():
            operations.update(f"{method.upper()} {path}" for method in item if method != "parameters")
    return operations


# The SDK's bulk insert verb, which the description does not list (it names POST).
SDK_ONLY = {"PUT /meetingInvitees/bulkInsert"}


def test_every_named_operation_is_described(request):
    known = described_operations() | SDK_ONLY
    named = set(NOT_SERVED)
    for item in request.session.items:
        for mark in item.iter_markers("uses"):
            named.update(mark.args)
    unknown = sorted(name for name in named if name.split(" [", 1)[0] not in known)
    assert not unknown, f"not in the OpenAPI description: {unknown}"


def test_not_served_list_agrees_with_the_coverage_doc():
    # docs/rest-coverage.md is generated from kaigi's own route table; an operation it calls
    # served must not stay in served.py, or its tests would keep being skipped for nothing.
    coverage = Path(__file__).resolve().parent.parent / "docs" / "rest-coverage.md"
    if not coverage.exists():
        pytest.skip("docs/rest-coverage.md is not in this tree")
    served = set()
    for line in coverage.read_text(encoding="utf-8").splitlines():
        table_row = re.fullmatch(r"\|[^|]*\|\s*([A-Z]+)\s*\|\s*`([^`]+)`\s*\|\s*served\s*\|", line.strip())
        listed = re.fullmatch(r"- ([A-Z]+) `([^`]+)`", line.strip())
        for match in (table_row, listed):
            if match:
                served.add(f"{match.group(1)} {match.group(2)}")
    assert served, "no served operation found: has the coverage doc's format changed?"
    stale = sorted(op for op in NOT_SERVED if op in served)
    assert not stale, f"served according to docs/rest-coverage.md; remove from served.py: {stale}"
