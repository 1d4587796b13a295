#!/usr/bin/env bash
# Runs every test of the workspace, then the browser tests (scripts/browser-test.sh: Debian's
# headless Chromium against a real kaigi; it installs what it needs first). Set
# KAIGI_TEST_DATABASE_URL=postgres://... to run the store suite on PostgreSQL too (.ci/run does).
# KAIGI_SKIP_BROWSER=1 skips the browser tests, and says so. Then compat/ (below).
set -euo pipefail
cd "$(dirname "$0")/.."
# Every XML API answer the end-to-end tests receive is kept here; compat/test_xml_schema.py then
# validates them all against the vendor's 2011 schema (docs/xmlapi.md).
export KAIGI_XML_CAPTURE_DIR="$PWD/target/xml-answers"
rm -rf "$KAIGI_XML_CAPTURE_DIR" && mkdir -p "$KAIGI_XML_CAPTURE_DIR"
cargo test --workspace --locked "$@"
if [ "${KAIGI_SKIP_BROWSER:-}" = "1" ]; then
  echo "SKIPPED: the browser tests (KAIGI_SKIP_BROWSER=1)" >&2
else
  bash scripts/browser-test.sh
fi
# The real Webex Python SDKs from PyPI against a live kaigi, with the OpenAPI contract checks
# (scripts/compat.sh makes its own venv). KAIGI_SKIP_COMPAT=1 skips them, and says so.
if [ "${KAIGI_SKIP_COMPAT:-}" = "1" ]; then
  echo "SKIPPED: the client compatibility suite (KAIGI_SKIP_COMPAT=1)" >&2
else
  bash scripts/compat.sh
fi
