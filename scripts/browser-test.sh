#!/usr/bin/env bash
# The browser tests (tests/browser): Debian's headless Chromium, driven by playwright-core, against
# a kaigi binary built here and started by each test on a free 127.0.0.1 port with its own
# database. Screenshots go to target/browser-artifacts (KAIGI_BROWSER_ARTIFACTS to change).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-browser-deps.sh
cargo build -p kaigi --locked
export KAIGI_BIN="$PWD/target/debug/kaigi"
rm -rf "${KAIGI_BROWSER_ARTIFACTS:-target/browser-artifacts}"
# One test file at a time: each starts its own server and browser, and the machine has 2 cores.
node --test --test-concurrency=1 tests/browser/
