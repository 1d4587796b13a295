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
  relative to `/v1` and the files have no `servers` block.

Whole-document validation is switched off because unrelated parts of the vendor files do not
pass it (duplicate operation ids, an unresolved path parameter, a prose default in an enum);
every schema that a response is checked against is still applied in full.
"""

import json
from pathlib import Path

from openapi_core import Config, OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse
from openapi_core.exceptions import OpenAPIError

OPENAPI_DIR = Path(__file__).parent / "openapi"

# Which vendor file describes a path; people and licenses are the admin document's.
ADMIN_PREFIXES = ("/people", "/licenses")

# The shape every error answer must have, from the 400/409 bodies the meeting document spells out.
# `errors` stays optional: the vendor's own 409 examples leave it out sometimes.
ERROR_SCHEMA_REQUIRED = ("message", "trackingId")


def _normalise(node):
    if isinstance(node, dict):
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
            raise AssertionError(describe(request, response, error)) from None
        assert response.headers.get("trackingid"), f"{request.method} {request.path}: no trackingid header"
        if response.status_code >= 400:
            check_error_body(response)


def describe(request, response, error):
    lines = [f"{request.method.upper()} {request.path} -> {response.status_code}: {type(error).__name__}: {error}"]
    cause = error.__cause__
    for schema_error in getattr(cause, "schema_errors", ()) or ():
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
