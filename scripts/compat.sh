#!/usr/bin/env bash
# Runs the real, unmodified Webex Python SDKs from PyPI (and the OpenAPI contract checks) against
# a live kaigi: builds the binary, starts `kaigi serve --demo` on a free loopback port with a
# throw-away SQLite file, mints bearer tokens with `kaigi token create`, registers an OAuth
# integration and a Service App with `kaigi integration create`, starts aiosmtpd for its mail
# (`--smtp-url`), runs pytest in compat/, stops both. Exits non-zero when anything fails.
#
#   bash scripts/compat.sh                 # everything
#   bash scripts/compat.sh -k wxc          # extra arguments go to pytest
#   KAIGI_BIN=/path/to/kaigi bash scripts/compat.sh   # use that binary, build nothing
#   KAIGI_COMPAT_ALL=1 bash scripts/compat.sh         # also run tests of operations listed as not served
#   KAIGI_COMPAT_LOG=/tmp/kaigi.log bash scripts/compat.sh  # keep the server's log there
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1
cd "$(dirname "$0")/.."
root=$PWD

venv=compat/.venv
stamp=$venv/.requirements.sha256
want=$(sha256sum compat/requirements.txt | cut -d' ' -f1)
if [[ ! -x $venv/bin/python || ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
  echo "compat: preparing $venv"
  rm -rf "$venv"
  python3 -m venv "$venv" || { echo "compat: python3 -m venv failed (Debian: apt-get install python3-venv)" >&2; exit 1; }
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r compat/requirements.txt
  echo "$want" >"$stamp"
fi

if [[ -z ${KAIGI_BIN:-} ]]; then
  cargo build --locked -p kaigi
  KAIGI_BIN=$root/target/debug/kaigi
fi
[[ -x $KAIGI_BIN ]] || { echo "compat: no kaigi binary at $KAIGI_BIN" >&2; exit 1; }

work=$(mktemp -d)
server_pid=
smtp_pid=
stop() {
  [[ -n ${KAIGI_COMPAT_LOG:-} && -f $work/server.log ]] && cp "$work/server.log" "$KAIGI_COMPAT_LOG"
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [[ -n $smtp_pid ]] && kill -0 "$smtp_pid" 2>/dev/null; then
    kill "$smtp_pid" 2>/dev/null || true
    wait "$smtp_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap stop EXIT

# A port the kernel just handed out and released; kaigi binds it a moment later.
port=$("$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port
db=$work/kaigi.db

# A real SMTP server for kaigi's mail (test_mail.py): aiosmtpd on another free port, writing each
# message it takes to a Maildir the tests read.
smtp_port=$("$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export KAIGI_COMPAT_MAILDIR=$work/maildir
"$venv/bin/python" -m aiosmtpd -n -l "127.0.0.1:$smtp_port" -c aiosmtpd.handlers.Mailbox "$KAIGI_COMPAT_MAILDIR" \
  >"$work/smtp.log" 2>&1 &
smtp_pid=$!
"$venv/bin/python" - "$smtp_port" <<'PY' || { echo "compat: aiosmtpd did not listen; its log:" >&2; cat "$work/smtp.log" >&2; exit 1; }
import socket, sys, time
deadline = time.monotonic() + 30
while time.monotonic() < deadline:
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
PY

KAIGI_LOG=${KAIGI_LOG:-warn} "$KAIGI_BIN" serve --demo --listen "127.0.0.1:$port" --public-url "$url" \
  --database "$db" --smtp-url "smtp://127.0.0.1:$smtp_port" >"$work/server.log" 2>&1 &
server_pid=$!

# Poll /healthz until it answers 200, the server exits, or 120 s pass (a debug build seeds the
# demo site's 101 password hashes slowly).
ready=
if "$venv/bin/python" - "$url/healthz" "$server_pid" <<'PY'
import sys, time, urllib.request
url, pid = sys.argv[1], int(sys.argv[2])
deadline = time.monotonic() + 120
while time.monotonic() < deadline:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            if answer.status == 200:
                sys.exit(0)
    except OSError:
        pass
    try:  # gone, or a zombie waiting for this script to reap it
        if open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] == "Z":
            sys.exit(1)
    except FileNotFoundError:
        sys.exit(1)
    time.sleep(0.1)
sys.exit(1)
PY
then ready=1; fi
if [[ -z $ready ]]; then
  echo "compat: kaigi did not answer $url/healthz; its log:" >&2
  cat "$work/server.log" >&2
  exit 1
fi

token() {
  local out
  out=$("$KAIGI_BIN" token create --site demo --user "$1" --database "$db") || {
    echo "compat: \`kaigi token create --site demo --user $1\` failed" >&2
    return 1
  }
  tail -n 1 <<<"$out"
}
KAIGI_COMPAT_HOST_TOKEN=$(token host01)
KAIGI_COMPAT_ADMIN_TOKEN=$(token admin)
# host03 is used only by the rate-limit test: it spends that user's calls for the minute.
KAIGI_COMPAT_THROTTLED_TOKEN=$(token host03)
export KAIGI_COMPAT_URL=$url KAIGI_COMPAT_HOST_TOKEN KAIGI_COMPAT_ADMIN_TOKEN KAIGI_COMPAT_THROTTLED_TOKEN

# An OAuth integration and a (not yet authorized) Service App, registered as an operator would;
# `kaigi integration create` prints `client_id ...` and `client_secret ...`.
integration() {
  local out
  out=$("$KAIGI_BIN" integration create --site demo --database "$db" "$@") || {
    echo "compat: \`kaigi integration create --site demo $*\` failed" >&2
    return 1
  }
  awk '$1 == "client_id" { id = $2 } $1 == "client_secret" { secret = $2 } END { print id, secret }' <<<"$out"
}
KAIGI_COMPAT_REDIRECT_URI=http://127.0.0.1:9/kaigi-compat/callback
read -r KAIGI_COMPAT_CLIENT_ID KAIGI_COMPAT_CLIENT_SECRET < <(integration --name "compat booker" \
  --redirect-uri "$KAIGI_COMPAT_REDIRECT_URI" \
  --scope "meeting:admin_schedule_write meeting:admin_schedule_read spark:people_read" \
  --scope "meeting:schedules_read meeting:schedules_write spark:applications_token")
read -r KAIGI_COMPAT_APP_ID KAIGI_COMPAT_APP_SECRET < <(integration --name "compat front desk" --service-app \
  --scope "meeting:admin_schedule_write meeting:admin_schedule_read spark:people_read")
[[ -n $KAIGI_COMPAT_CLIENT_SECRET && -n $KAIGI_COMPAT_APP_SECRET ]] || exit 1
export KAIGI_COMPAT_REDIRECT_URI KAIGI_COMPAT_CLIENT_ID KAIGI_COMPAT_CLIENT_SECRET KAIGI_COMPAT_APP_ID KAIGI_COMPAT_APP_SECRET

set +e
(cd compat && ../"$venv"/bin/python -m pytest "$@")
status=$?
set -e
if [[ $status -eq 5 ]]; then
  echo "compat: pytest collected no test" >&2
fi
if [[ $status -ne 0 ]]; then
  echo "compat: failed (pytest exit $status); the server's panics and last log lines:" >&2
  grep -A2 "panicked" "$work/server.log" | head -n 30 >&2 || true
  grep -v '^ ' "$work/server.log" | tail -n 20 >&2 || true
fi
exit "$status"
