#!/usr/bin/env bash
# Installs what the browser test needs: Debian's Chromium (only when it is missing) and the small
# node package in tests/browser (playwright-core, pinned by its package-lock.json). Playwright's
# own browser downloads are never used: the test drives /usr/bin/chromium.
# Idempotent, and quick when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  echo "installing Debian's chromium"
  export DEBIAN_FRONTEND=noninteractive
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -q
  $sudo_cmd apt-get install -y -q chromium chromium-driver
fi

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "FATAL: node and npm are needed for the browser test (Node 20 or newer)" >&2
  exit 1
fi

# Skip npm when node_modules already matches the lock file.
lock=tests/browser/package-lock.json
stamp=tests/browser/node_modules/.kaigi-lock.sha256
want="$(sha256sum "$lock" | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "installing the browser test's node packages"
  (cd tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" >"$stamp"
fi
