"""The operation names in served.py and in every `@uses(...)` exist in the vendor description,
so a typo cannot silently skip a test or leave a stale line in the not-served list."""

import json

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
    unknown = sorted(named - known)
    assert not unknown, f"not in the OpenAPI description: {unknown}"
