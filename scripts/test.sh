#!/usr/bin/env bash
# Runs every test of the workspace. Set KAIGI_TEST_DATABASE_URL=postgres://... to run the store
# suite on PostgreSQL too (.ci/run does).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --workspace --locked "$@"
