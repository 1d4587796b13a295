#!/usr/bin/env bash
# Runs every test of the workspace, then the browser tests (scripts/browser-test.sh: Debian's
# headless Chromium against a real kaigi; it installs what it needs first). Set
# KAIGI_TEST_DATABASE_URL=postgres://... to run the store suite on PostgreSQL too (.ci/run does).
# KAIGI_SKIP_BROWSER=1 skips the browser tests, and says so.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --workspace --locked "$@"
if [ "${KAIGI_SKIP_BROWSER:-}" = "1" ]; then
  echo "SKIPPED: the browser tests (KAIGI_SKIP_BROWSER=1)" >&2
else
  bash scripts/browser-test.sh
fi
