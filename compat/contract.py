"""The vendor's OpenAPI descriptions as a test oracle for live kaigi responses.

The two files in openapi/ are used as published, with four normalisations done here in memory
(the files on disk stay byte-for-byte the vendor's):

* boolean parameters whose default is the string "true"/"false" get a real boolean default, or
  no validator accepts the document;
* the media type key `application/json;charset=UTF-8` becomes `application/json`: JSON is UTF-8
  by definition (RFC 8259), so the parameter carries no contract, and openapi-core would
  otherwise refuse a plain `application/json` answer;
* an empty `content` map (the vendor writes one on some 204 answers) is dropped: it means "no
  body", which is how openapi-core reads a missing `content`;
* a `servers` entry pointing at the live server's `/v1` is added: the paths in the files are
  relative to `/v1` and the files have no `servers` block;
* strict answers: every object schema that lists its properties and says nothing of others gets
  `additionalProperties: false`, so an answer with a field the spec does not define fails (only
  answers are checked here; requests are not validated against these documents).

Whole-document validation is switched off because unrelated parts of the vendor files do not
pass it (duplicate operation ids, an unresolved path parameter, a prose default in an enum);
every schema that a response is checked against is still applied in full.
"""

import json
import re
from pathlib import Path

from openapi_core import Config, OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse
from openapi_core.exceptions import OpenAPIError

OPENAPI_DIR = Path(__file__).parent / "openapi"

# Which vendor file describes a path; people and licenses are the admin document's.
ADMIN_PREFIXES = ("/people", "/licenses")

# The vendor's Meetings overview says these attributes of an *ended instance* (meetingType
# `meeting`, state `ended`) are gone once it ends, while the schema still lists some as required;
# the prose describes the real service, so a missing one of these is not held against kaigi.
ABSENT_WHEN_ENDED = {
    "meetingNumber",
    "password",
    "phoneAndVideoSystemPassword",
    "hostKey",
    "sipAddress",
    "dialInIpAddress",
    "telephony",
    "meetingOptions",
}

# Fields the service answers beyond a schema that the same document defines for the same object
# elsewhere: an occurrence or instance read alone names its series and whether it was changed, as
# the list items do (docs/rest.md). The only exceptions to the strict answers.
EXTRA_ALLOWED = {"meetingSeriesId", "isModified"}

# The shape every error answer must have, from the 400/409 bodies the meeting document spells out.
# `errors` stays optional: the vendor's own 409 examples leave it out sometimes.
ERROR_SCHEMA_REQUIRED = ("message", "trackingId")


def _normalise(node):
    if isinstance(node, dict):
        if node.get("type") == "object" and "properties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False
        if node.get("type") == "boolean" and isinstance(node.get("default"), str):
            node["default"] = node["default"].strip().lower() == "true"
        content = node.get("content")
        if content == {}:
            del node["content"]
        elif isinstance(content, dict):
            node["content"] = {key.split(";")[0].strip(): value for key, value in content.items()}
        for value in node.values():
            _normalise(value)
    elif isinstance(node, list):
        for value in node:
            _normalise(value)


def load_document(name, base_url):
    document = json.loads((OPENAPI_DIR / name).read_text(encoding="utf-8"))
    _normalise(document)
    document["servers"] = [{"url": base_url.rstrip("/") + "/v1"}]
    return document


class Contract:
    """Checks one live response against the operation the vendor describes for its request."""

    def __init__(self, base_url):
        config = Config(spec_validator_cls=None)
        self.meeting = OpenAPI.from_dict(load_document("webex-meeting.json", base_url), config=config)
        self.admin = OpenAPI.from_dict(load_document("webex-admin.json", base_url), config=config)

    def document_for(self, path):
        relative = path.split("/v1", 1)[-1]
        return self.admin if relative.startswith(ADMIN_PREFIXES) else self.meeting

    def check(self, response):
        """Fails with a short list of every way the answer breaks the contract."""
        request = RequestsOpenAPIRequest(response.request)
        try:
            self.document_for(request.path).validate_response(request, RequestsOpenAPIResponse(response))
        except OpenAPIError as error:
            if not only_documented_absences(response, error):
                raise AssertionError(describe(request, response, error)) from None
        assert response.headers.get("trackingid"), f"{request.method} {request.path}: no trackingid header"
        if response.status_code >= 400:
            check_error_body(response)


def schema_errors(error):
    return list(getattr(error.__cause__, "schema_errors", ()) or ())


def excused(schema_error, body):
    extra = re.fullmatch(r"Additional properties are not allowed \((.+) (?:was|were) unexpected\)", schema_error.message)
    if extra is not None and not list(schema_error.absolute_path):
        names = set(re.findall(r"'([^']+)'", extra.group(1)))
        return names <= EXTRA_ALLOWED and body.get("meetingType") in ("scheduledMeeting", "meeting")
    missing = re.fullmatch(r"'(.+)' is a required property", schema_error.message)
    return (
        missing is not None
        and not list(schema_error.absolute_path)
        and body.get("meetingType") == "meeting"
        and body.get("state") == "ended"
        and missing.group(1) in ABSENT_WHEN_ENDED
    )


def only_documented_absences(response, error):
    errors = schema_errors(error)
    if not errors:
        return False
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and all(excused(e, body) for e in errors)


def describe(request, response, error):
    lines = [f"{request.method.upper()} {request.path} -> {response.status_code}: {type(error).__name__}: {error}"]
    try:
        body = response.json()
    except ValueError:
        body = None
    for schema_error in schema_errors(error):
        if isinstance(body, dict) and excused(schema_error, body):
            continue
        where = "/".join(str(p) for p in schema_error.absolute_path) or "(body)"
        lines.append(f"  at {where}: {schema_error.message}")
    if len(lines) > 1:
        lines[0] = f"{request.method.upper()} {request.path} -> {response.status_code}: the body breaks the schema"
    return "\n".join(lines)


def check_error_body(response):
    """Webex error JSON: what both SDKs parse (message and trackingId; errors[].description)."""
    content_type = response.headers.get("Content-Type", "")
    assert content_type.startswith("application/json"), (
        f"error answer {response.status_code} is {content_type!r}, not JSON: {response.text[:200]!r}"
    )
    body = response.json()
    for field in ERROR_SCHEMA_REQUIRED:
        assert isinstance(body.get(field), str) and body[field], f"error body lacks {field}: {body}"
    errors = body.get("errors", [])
    assert isinstance(errors, list), body
    for item in errors:
        assert isinstance(item.get("description"), str), body
