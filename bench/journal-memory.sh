#!/usr/bin/env bash
# The test controls' journal at its bound (issue #15): the memory of three servers that answered
# the same requests, with journals of 1, 1,000 (the default) and 100,000 (the most) entries.
#
#   bash bench/setup.sh && bash bench/journal-memory.sh
#
# Each server: `kaigi serve --demo --journal-size N` on a fresh SQLite file; wrk sends
# REQUESTS-worth of GET /v1/people/me with a bearer token (each one a journal entry naming its
# user) for DURATION, well past every bound; then the resident memory (VmRSS) is read. The
# difference to the 1-entry server is what the journal holds. Knobs: DURATION (20s), KAIGI_BIN.
set -euo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
LOG_TAG=journal-memory
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$BENCH/lib.sh"
DURATION=${DURATION:-20s}
need_tools wrk curl
bench_init
build_kaigi

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

measure() {
    local size=$1 db port url pid token
    db="sqlite://$WORK/j$size.db"
    "$KAIGI_BIN" site limits --site demo --rest-calls-per-minute 100000000 --database "$db" >/dev/null 2>&1 || true
    port=$(free_port)
    url=http://127.0.0.1:$port
    "$KAIGI_BIN" serve --demo --journal-size "$size" --listen "127.0.0.1:$port" --database "$db" >>"$WORK/j$size.log" 2>&1 &
    pid=$!
    PIDS+=("$pid")
    wait_ready "$url/healthz" "$pid" 60 kaigi
    kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; forget_pid "$pid"
    "$KAIGI_BIN" site limits --site demo --rest-calls-per-minute 100000000 --database "$db" >/dev/null 2>&1
    "$KAIGI_BIN" serve --demo --journal-size "$size" --listen "127.0.0.1:$port" --database "$db" >>"$WORK/j$size.log" 2>&1 &
    pid=$!
    PIDS+=("$pid")
    wait_ready "$url/healthz" "$pid" 60 kaigi
    token=$("$KAIGI_BIN" token create --site demo --user host01 --database "$db" 2>/dev/null)
    cat >"$WORK/me.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $token"
LUA
    wrk -t2 -c16 -d "$DURATION" -s "$WORK/me.lua" "$url/v1/people/me" >"$WORK/wrk$size.txt"
    local requests entries
    requests=$(awk '/ requests in / { print $1 }' "$WORK/wrk$size.txt")
    entries=$(curl -s "$url/_kaigi/journal" | grep -o '"seq"' | wc -l)
    echo "journal-size $size: $requests requests answered, $entries entries kept, VmRSS $(rss_kib "$pid") KiB"
    kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; forget_pid "$pid"
}

echo "kaigi $(kaigi_revision); $(machine_line); $(date -u +%Y-%m-%d); command: DURATION=$DURATION bash bench/journal-memory.sh"
for size in 1 1000 100000; do
    measure "$size"
done
