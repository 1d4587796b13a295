#!/usr/bin/env bash
# CreateMeeting on PostgreSQL (issue #16): one instance, then two instances on the same database
# behind no balancer (each wrk drives one instance; the creates add up).
#
#   bash bench/setup.sh && bash bench/run-create-pg.sh
#
# 1. Builds kaigi (release). Creates a fresh PostgreSQL database (PGURL's server, name
#    kaigi_bench_<pid>; dropped on exit) and starts `kaigi serve --demo` on it.
# 2. One instance: for each total connection count of CONNS_LIST, a warm-up, then wrk with
#    bench/createmeeting.lua (which counts only replies with SUCCESS and a meeting key).
# 3. Starts a second instance on the same database and runs two wrk at once, half the connections
#    each, one per instance; the creates/s of both are added.
# 4. Checks in the database that every meeting key is unique (the instances share one key space).
# PostgreSQL's own server processes do the database's share of the work, so lib.sh's "other
# processes" count includes them: runs are marked DISTURBED by design here; keep the machine free
# of anything else while it runs.
#
# Knobs (environment): PGURL (postgres://postgres@127.0.0.1:5432), CONNS_LIST ("16 50"),
# DURATION (15s), WARMUP (3s), ATTEMPTS (2), QUIET_TIMEOUT (120 s), KAIGI_BIN / KAIGI_LABEL.
set -euo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
LOG_TAG=run-create-pg
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$BENCH/lib.sh"

PGURL=${PGURL:-postgres://postgres@127.0.0.1:5432}
CONNS_LIST=${CONNS_LIST:-16 50}
DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-3s}
ATTEMPTS=${ATTEMPTS:-2}

need_tools wrk curl ss cargo awk psql
bench_init
build_kaigi
KAIGI_REV=$(kaigi_revision)

DBNAME=kaigi_bench_$$
psql "$PGURL/postgres" -qc "CREATE DATABASE $DBNAME" >/dev/null
drop_db() {
    bench_cleanup
    psql "$PGURL/postgres" -qc "DROP DATABASE IF EXISTS $DBNAME WITH (FORCE)" >/dev/null 2>&1 || true
}
trap drop_db EXIT
DB=$PGURL/$DBNAME

start_kaigi "$DB" "$WORK/kaigi1.log"
URL1=$KAIGI_URL PID1=$KAIGI_PID
log "instance 1 ready on $URL1"

creates_per_s() { awk '/^creates:/ { sub(/\/s$/, "", $NF); print $NF }' "$1"; }

# one NAME CONNS: wrk against instance 1 alone.
one() {
    local name=$1 conns=$2 attempt
    timeout 60 wrk -t2 -c"$conns" -d"$WARMUP" -s "$BENCH/createmeeting.lua" "$URL1" >/dev/null
    for attempt in $(seq "$ATTEMPTS"); do
        log "$name: one instance, $conns connections (attempt $attempt of $ATTEMPTS)"
        measure_once "$name" "$PID1" timeout 120 wrk -t2 -c"$conns" -d"$DURATION" -s "$BENCH/createmeeting.lua" "$URL1"
        [[ $(disturbed "$name") == yes ]] || break
    done
}

# two NAME CONNS: two wrk at once, CONNS/2 connections each, one per instance.
two() {
    local name=$1 conns=$2 half attempt
    half=$((conns / 2))
    for attempt in $(seq "$ATTEMPTS"); do
        log "$name: two instances, $half + $half connections (attempt $attempt of $ATTEMPTS)"
        timeout 120 wrk -t1 -c"$half" -d"$DURATION" -s "$BENCH/createmeeting.lua" "$URL2" >"$WORK/$name-2.txt" &
        local other=$!
        measure_once "$name" "$PID1" timeout 120 wrk -t1 -c"$half" -d"$DURATION" -s "$BENCH/createmeeting.lua" "$URL1"
        wait "$other"
        [[ $(disturbed "$name") == yes ]] || break
    done
}

for c in $CONNS_LIST; do one "one-c$c" "$c"; done

: >"$WORK/kaigi2.log"
"$KAIGI_BIN" serve --listen "127.0.0.1:$(free_port)" --database "$DB" >>"$WORK/kaigi2.log" 2>&1 &
PID2=$!
PIDS+=("$PID2")
for _ in $(seq 300); do
    URL2=$(sed -n 's/^kaigi listening on \(http:[^ ]*\).*/\1/p' "$WORK/kaigi2.log" | head -n1)
    [[ -n $URL2 ]] && curl -sf "$URL2/healthz" >/dev/null && break
    kill -0 "$PID2" 2>/dev/null || { cat "$WORK/kaigi2.log" >&2; exit 1; }
    sleep 0.1
done
log "instance 2 ready on $URL2"
timeout 60 wrk -t1 -c8 -d"$WARMUP" -s "$BENCH/createmeeting.lua" "$URL2" >/dev/null
for c in $CONNS_LIST; do two "two-c$c" "$c"; done

DUPLICATES=$(psql "$DB" -Atc "SELECT count(*) - count(DISTINCT meeting_key) FROM meetings")
MEETINGS=$(psql "$DB" -Atc "SELECT count(*) FROM meetings")

rows() {
    local c one a b
    for c in $CONNS_LIST; do
        one=$(creates_per_s "$WORK/one-c$c.txt")
        a=$(creates_per_s "$WORK/two-c$c.txt"); b=$(creates_per_s "$WORK/two-c$c-2.txt")
        printf '  %3s connections: one instance %8s creates/s | two instances %8s + %8s = %8s creates/s%s\n' \
            "$c" "$one" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.0f", a + b }')" \
            "$([[ $(disturbed "one-c$c") == yes || $(disturbed "two-c$c") == yes ]] && echo '  DISTURBED')"
    done
}

SUMMARY=$(cat <<SUM
kaigi CreateMeeting on PostgreSQL (issue #16) — $(date -u +%Y-%m-%dT%H:%M:%SZ)
machine: $(machine_line)
kaigi: $KAIGI_REV; PostgreSQL $(psql "$DB" -Atc 'SHOW server_version') on the same machine; wrk -d$DURATION, bench/createmeeting.lua
$(rows)
meetings in the database: $MEETINGS, duplicate keys: $DUPLICATES
SUM
)
mkdir -p "$BENCH/results"
OUT=$BENCH/results/create-pg-$(date -u +%Y%m%d-%H%M%S).txt
{
    echo "$SUMMARY"
    for f in "$WORK"/one-c*.txt "$WORK"/two-c*.txt; do echo "=== $(basename "$f") ==="; cat "$f"; done
} >"$OUT"
echo "$SUMMARY"
echo "written to ${OUT#"$ROOT"/}"
[[ $DUPLICATES == 0 ]]
