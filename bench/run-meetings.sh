#!/usr/bin/env bash
# Scheduling benchmark (issue #3): GetMeeting beside a canned-response baseline, and CreateMeeting
# throughput on SQLite.
#
#   bash bench/setup.sh && bash bench/run-meetings.sh
#
# 1. Builds kaigi (release) and bench/canned; starts kaigi on 127.0.0.1 with --demo and a fresh
#    SQLite database; creates one meeting (CreateMeeting as host01), captures kaigi's GetMeeting
#    reply for it (checked for SUCCESS) and serves exactly those bytes from the canned server;
#    then runs wrk with bench/getmeeting.lua against both, one after the other: req/s, p99, ratio.
# 2. For each SQLite synchronous mode and each connection count: kaigi on a fresh database, a
#    warm-up, then wrk with bench/createmeeting.lua, which counts only replies that say SUCCESS
#    and carry a meeting key: creates/s, p99.
# Measurements that other processes disturbed are repeated (see bench/lib.sh, measure_once).
# Writes the summary and the raw wrk outputs to bench/results/meetings-<UTC time>.txt.
#
# Knobs (environment): THREADS (2), CONNS (50, GetMeeting), DURATION (20s), WARMUP (5s),
# CREATE_CONNS ("16 50"), CREATE_DURATION (15s), CREATE_WARMUP (3s), SYNC_MODES ("normal full"
# when kaigi supports ?synchronous=, else "default"), ATTEMPTS (3), QUIET_TIMEOUT (120 s);
# KAIGI_BIN=path to measure a kaigi binary built elsewhere (no build), KAIGI_LABEL=what it is.
set -euo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
LOG_TAG=run-meetings
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$BENCH/lib.sh"

THREADS=${THREADS:-2}
CONNS=${CONNS:-50}
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-5s}
CREATE_CONNS=${CREATE_CONNS:-16 50}
CREATE_DURATION=${CREATE_DURATION:-15s}
CREATE_WARMUP=${CREATE_WARMUP:-3s}
SYNC_MODES=${SYNC_MODES:-$(default_sync_modes)}
ATTEMPTS=${ATTEMPTS:-3}
CREATE_TARGET=3000

need_tools wrk curl ss cargo awk sed cmp
bench_init

build_kaigi
KAIGI_REV=$(kaigi_revision)
log "building the canned-response server (release)"
cargo build --release --manifest-path "$BENCH/canned/Cargo.toml" --target-dir "$ROOT/target/bench-canned"
CANNED_BIN=$ROOT/target/bench-canned/release/kaigi-bench-canned

# --- GetMeeting: kaigi ---------------------------------------------------------------------------
mkdir "$WORK/get"
log "starting kaigi (fresh SQLite database, --demo)"
start_kaigi "$(sqlite_url "$WORK/get/kaigi.db" default)" "$WORK/kaigi-get.log"
log "kaigi ready on $KAIGI_URL after ${READY_MS} ms"

lua_body "$BENCH/createmeeting.lua" >"$WORK/create-request.xml"
[[ -s $WORK/create-request.xml ]] || { log "cannot read the request body from createmeeting.lua"; exit 1; }
xml_post "$KAIGI_URL" "$WORK/create-request.xml" "$WORK/create-response.xml"
MEETING_KEY=$(sed -n 's/.*<meet:meetingkey>\([0-9]*\)<\/meet:meetingkey>.*/\1/p' "$WORK/create-response.xml")
if ! grep -q '<serv:result>SUCCESS</serv:result>' "$WORK/create-response.xml" || [[ -z $MEETING_KEY ]]; then
    log "kaigi's CreateMeeting reply is not SUCCESS with a meeting key:"
    cat "$WORK/create-response.xml" >&2
    exit 1
fi
export KAIGI_MEETING_KEY=$MEETING_KEY
log "meeting $MEETING_KEY created"

lua_body "$BENCH/getmeeting.lua" | sed "s/MEETING_KEY/$MEETING_KEY/" >"$WORK/get-request.xml"
[[ -s $WORK/get-request.xml ]] || { log "cannot read the request body from getmeeting.lua"; exit 1; }
curl -s --max-time 30 -D "$WORK/get-headers.txt" -o "$WORK/get-response.xml" \
    -H 'Content-Type: text/xml;charset=UTF-8' --data-binary "@$WORK/get-request.xml" "$KAIGI_URL/WBXService/XMLService"
if ! grep -q '<serv:result>SUCCESS</serv:result>' "$WORK/get-response.xml" \
    || ! grep -q "<meet:meetingkey>$MEETING_KEY</meet:meetingkey>" "$WORK/get-response.xml"; then
    log "kaigi's GetMeeting reply is not SUCCESS for meeting $MEETING_KEY:"
    cat "$WORK/get-headers.txt" "$WORK/get-response.xml" >&2
    exit 1
fi
RESPONSE_BYTES=$(wc -c <"$WORK/get-response.xml")
log "GetMeeting reply captured: SUCCESS, $RESPONSE_BYTES bytes"

# --- GetMeeting: canned baseline -------------------------------------------------------------------
CANNED_PORT=$(free_port)
CANNED_URL=http://127.0.0.1:$CANNED_PORT
"$CANNED_BIN" "127.0.0.1:$CANNED_PORT" "$WORK/get-response.xml" >"$WORK/canned.log" 2>&1 &
CANNED_PID=$!
PIDS+=("$CANNED_PID")
if ! wait_ready "$CANNED_URL/healthz" "$CANNED_PID" 30 "canned server"; then
    cat "$WORK/canned.log" >&2
    exit 1
fi
curl -s --max-time 10 -o "$WORK/canned-response.xml" --data-binary 'x' "$CANNED_URL/WBXService/XMLService"
if ! cmp -s "$WORK/canned-response.xml" "$WORK/get-response.xml"; then
    log "the canned server does not return kaigi's bytes"
    exit 1
fi
log "canned server on 127.0.0.1:$CANNED_PORT returns kaigi's GetMeeting reply byte for byte"

# Warm-up with every response checked for SUCCESS, then the measured run (repeated if disturbed; lib.sh).

bench_wrk get-baseline "$CANNED_URL" "$CANNED_PID" "$BENCH/getmeeting.lua"
bench_wrk get-kaigi "$KAIGI_URL" "$KAIGI_PID" "$BENCH/getmeeting.lua"
kill -0 "$KAIGI_PID" 2>/dev/null || { log "kaigi died under load"; cat "$WORK/kaigi-get.log" >&2; exit 1; }
stop_kaigi TERM
kill -TERM "$CANNED_PID" 2>/dev/null || true
wait "$CANNED_PID" 2>/dev/null || true
forget_pid "$CANNED_PID"

# --- CreateMeeting ---------------------------------------------------------------------------------
# create_run MODE CONNS: kaigi on a fresh database in MODE, a checked warm-up, the measured run;
# repeated on a new fresh database when disturbed. Output in $WORK/create-MODE-cCONNS.txt.
create_run() {
    local mode=$1 conns=$2 name="create-$1-c$2" attempt dir ok bad
    for attempt in $(seq "$ATTEMPTS"); do
        dir=$WORK/$name
        rm -rf "$dir"
        mkdir "$dir"
        start_kaigi "$(sqlite_url "$dir/kaigi.db" "$mode")" "$WORK/kaigi-$name.log"
        log "$name: kaigi ready (synchronous=$mode, fresh database); warm-up wrk -c$conns -d$CREATE_WARMUP"
        timeout 120 wrk -t"$THREADS" -c"$conns" -d"$CREATE_WARMUP" -s "$BENCH/createmeeting.lua" "$KAIGI_URL" \
            >"$WORK/$name-warmup.txt"
        read -r ok bad < <(awk '/^creates:/ {print $2, $4}' "$WORK/$name-warmup.txt")
        if [[ -z ${ok:-} || $ok -eq 0 || $bad -ne 0 ]]; then
            log "$name: warm-up check failed:"
            cat "$WORK/$name-warmup.txt" >&2
            exit 1
        fi
        log "$name: warm-up ok ($ok meetings created, every reply SUCCESS)"
        log "$name: measuring wrk -t$THREADS -c$conns -d$CREATE_DURATION --latency (attempt $attempt of $ATTEMPTS)"
        measure_once "$name" "$KAIGI_PID" timeout 180 wrk -t"$THREADS" -c"$conns" -d"$CREATE_DURATION" --latency \
            -s "$BENCH/createmeeting.lua" "$KAIGI_URL"
        kill -0 "$KAIGI_PID" 2>/dev/null || { log "kaigi died under load"; cat "$WORK/kaigi-$name.log" >&2; exit 1; }
        stop_kaigi TERM
        echo "$ok" >"$WORK/$name-warmup-count.txt"
        rm -rf "$dir"
        if [[ $(disturbed "$name") == no ]]; then
            return 0
        fi
    done
}

for mode in $SYNC_MODES; do
    for conns in $CREATE_CONNS; do
        create_run "$mode" "$conns"
    done
done

# --- summary -----------------------------------------------------------------------------------
B_RPS=$(wrk_rps "$WORK/get-baseline.txt"); B_P99=$(wrk_p99_ms "$WORK/get-baseline.txt")
K_RPS=$(wrk_rps "$WORK/get-kaigi.txt"); K_P99=$(wrk_p99_ms "$WORK/get-kaigi.txt")
RATIO=$(awk -v k="$K_RPS" -v b="$B_RPS" 'BEGIN { printf "%.2f", 100 * k / b }')
verdict_get=$(awk -v k="$K_RPS" -v b="$B_RPS" 'BEGIN { print (k >= 0.4 * b ? "MET" : "NOT MET") }')
DISTURBED=
for name in get-baseline get-kaigi; do
    if [[ $(disturbed "$name") == yes ]]; then DISTURBED+=" $name"; fi
done

create_rows() {
    local mode conns name ok bad rate p99 verdict before
    for mode in $SYNC_MODES; do
        for conns in $CREATE_CONNS; do
            name=create-$mode-c$conns
            read -r ok bad rate < <(awk '/^creates:/ { r = $9; sub(/\/s$/, "", r); print $2, $4, r }' "$WORK/$name.txt")
            p99=$(wrk_p99_ms "$WORK/$name.txt")
            before=$(cat "$WORK/$name-warmup-count.txt")
            verdict=$(awk -v r="$rate" -v t="$CREATE_TARGET" 'BEGIN { print (r >= t ? "MET" : "NOT MET") }')
            if [[ $(disturbed "$name") == yes ]]; then verdict="$verdict (disturbed)"; fi
            printf '  %-8s %5s  %10s  %8s ms  %8s  %6s  %12s   target >= %s/s: %s\n' "$mode" "$conns" "$rate" "$p99" \
                "$ok" "$bad" "$before" "$CREATE_TARGET" "$verdict"
        done
    done
}
CREATE_TABLE=$(create_rows)
create_cpu_lines() {
    local mode conns
    for mode in $SYNC_MODES; do
        for conns in $CREATE_CONNS; do
            cpu_line "create-$mode-c$conns" "$(printf 'CreateMeeting %-6s -c%-3s' "$mode" "$conns")"
            echo
        done
    done
}
for mode in $SYNC_MODES; do
    for conns in $CREATE_CONNS; do
        if [[ $(disturbed "create-$mode-c$conns") == yes ]]; then DISTURBED+=" create-$mode-c$conns"; fi
    done
done
if [[ -n $DISTURBED ]]; then
    DISTURBED_NOTE="DISTURBED (other processes used the CPU, figures not trustworthy, rerun):$DISTURBED"
else
    DISTURBED_NOTE="no measurement was disturbed by other processes"
fi

SUMMARY=$(cat <<SUM
kaigi scheduling benchmark (issue #3) — $(date -u +%Y-%m-%dT%H:%M:%SZ)
machine: $(machine_line)
kaigi: $KAIGI_REV; SQLite (fresh temp file each), --demo; wrk $(wrk --version 2>&1 | awk 'NR==1 {print $2}')
$DISTURBED_NOTE

GetMeeting: wrk -t$THREADS -c$CONNS -d$DURATION --latency -s bench/getmeeting.lua (after a $WARMUP warm-up
  each with every response checked for SUCCESS); reply $RESPONSE_BYTES bytes, served byte for byte by the baseline
                      req/s        p99
  canned baseline  $(printf '%10s  %7s ms' "$B_RPS" "$B_P99")   ($(wrk_errors "$WORK/get-baseline.txt"))
  kaigi            $(printf '%10s  %7s ms' "$K_RPS" "$K_P99")   ($(wrk_errors "$WORK/get-kaigi.txt"))
  kaigi / baseline $(printf '%9s%%' "$RATIO")              target >= 40%: $verdict_get

CreateMeeting: wrk -t$THREADS -c<conns> -d$CREATE_DURATION --latency -s bench/createmeeting.lua, kaigi on a fresh
  database each (after a $CREATE_WARMUP warm-up on it); only SUCCESS replies with a meeting key count
  mode     conns   creates/s       p99   created  failed  meetings before
$CREATE_TABLE

CPU time during the measured runs (from /proc; "other processes" should be near 0):
$(cpu_line get-baseline "GetMeeting canned baseline")
$(cpu_line get-kaigi "GetMeeting kaigi          ")
$(create_cpu_lines)
SUM
)

mkdir -p "$BENCH/results"
OUT=$BENCH/results/meetings-$(date -u +%Y%m%d-%H%M%S).txt
{
    echo "$SUMMARY"
    echo
    echo "=== wrk: GetMeeting, canned baseline ==="; cat "$WORK/get-baseline.txt"
    echo "=== wrk: GetMeeting, kaigi ==="; cat "$WORK/get-kaigi.txt"
    for mode in $SYNC_MODES; do
        for conns in $CREATE_CONNS; do
            echo "=== wrk: CreateMeeting, synchronous=$mode, $conns connections ==="
            cat "$WORK/create-$mode-c$conns.txt"
        done
    done
    echo "=== kaigi's GetMeeting reply (headers, body) ==="; cat "$WORK/get-headers.txt" "$WORK/get-response.xml"; echo
} >"$OUT"
echo "$SUMMARY"
echo
echo "written to ${OUT#"$ROOT"/}"
