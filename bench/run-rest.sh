#!/usr/bin/env bash
# REST benchmark (issue #5): GET /v1/meetings/{id} beside a canned-response baseline, and paging
# through GET /v1/meetings over 100,000 meetings.
#
#   bash bench/setup.sh && bash bench/run-rest.sh
#
# 1. Builds kaigi (release) and bench/canned; starts kaigi on 127.0.0.1 with --demo and a fresh
#    SQLite database, stops it, raises the demo site's REST calls per minute (`kaigi site limits`;
#    the default 600 would answer 429 within a second of load) and starts it again; mints a bearer
#    token for host01 (`kaigi token create`).
# 2. GET by id: creates one meeting (POST /v1/meetings), captures kaigi's GET reply (checked: 200
#    and the meeting's id), serves exactly those bytes from the canned server, then runs wrk with
#    bench/rest-getmeeting.lua against both, one after the other: req/s, p99, ratio.
# 3. Listing: creates COUNT one-off meetings for host01 through POST /v1/meetings (one a minute,
#    30 minutes each; bench/rest_list.py seed), then walks the whole list page by page following
#    the Link header (bench/rest_list.py walk), as series and as occurrences, with 1 and with
#    WALKERS clients at once; every walk must see all COUNT meetings once, in start order. Figures:
#    latency percentiles per page request, measured by the client.
# Measurements that other processes disturbed are repeated (bench/lib.sh, measure_once).
# Writes the summary and raw outputs to bench/results/rest-<UTC time>.txt.
#
# Knobs (environment): THREADS (2), CONNS (50), DURATION (20s), WARMUP (5s), COUNT (100000),
# SEED_PROCESSES (4), PAGE (100), WALKERS (4), ATTEMPTS (3), QUIET_TIMEOUT (120 s);
# KAIGI_BIN=path to measure a kaigi binary built elsewhere (no build), KAIGI_LABEL=what it is.
set -euo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
LOG_TAG=run-rest
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$BENCH/lib.sh"

THREADS=${THREADS:-2}
CONNS=${CONNS:-50}
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-5s}
COUNT=${COUNT:-100000}
SEED_PROCESSES=${SEED_PROCESSES:-4}
PAGE=${PAGE:-100}
WALKERS=${WALKERS:-4}
ATTEMPTS=${ATTEMPTS:-3}
P99_TARGET_MS=20

need_tools wrk curl ss cargo awk sed cmp python3
bench_init

build_kaigi
KAIGI_REV=$(kaigi_revision)
log "building the canned-response server (release)"
cargo build --release --manifest-path "$BENCH/canned/Cargo.toml" --target-dir "$ROOT/target/bench-canned"
CANNED_BIN=$ROOT/target/bench-canned/release/kaigi-bench-canned

DB=$(sqlite_url "$WORK/kaigi.db" default)
log "starting kaigi once to create the demo site (fresh SQLite database)"
start_kaigi "$DB" "$WORK/kaigi.log"
stop_kaigi TERM
"$KAIGI_BIN" site limits --site demo --rest-calls-per-minute 100000000 --database "$DB" >&2
start_kaigi "$DB" "$WORK/kaigi.log"
log "kaigi ready on $KAIGI_URL"
TOKEN=$("$KAIGI_BIN" token create --site demo --user host01 --database "$DB" 2>/dev/null)
[[ -n $TOKEN ]] || { log "kaigi token create printed no token"; exit 1; }
export KAIGI_TOKEN=$TOKEN

# --- GET /v1/meetings/{id}: kaigi -------------------------------------------------------------------
START=$(date -u -d 'tomorrow 00:00' +%Y-%m-%dT%H:%M:%SZ)
curl -s --max-time 30 -o "$WORK/create.json" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' \
    --data "{\"title\":\"Bench\",\"start\":\"$START\",\"end\":\"$(date -u -d "$START + 30 minutes" +%Y-%m-%dT%H:%M:%SZ)\"}" \
    "$KAIGI_URL/v1/meetings" >"$WORK/create-status.txt"
MEETING_ID=$(grep -o "\"id\":\"[0-9a-f]\{32\}\"" "$WORK/create.json" | head -n1 | cut -d\" -f4)
if [[ $(cat "$WORK/create-status.txt") != 200 || -z $MEETING_ID ]]; then
    log "POST /v1/meetings did not create a meeting:"
    cat "$WORK/create-status.txt" "$WORK/create.json" >&2
    exit 1
fi
export KAIGI_MEETING_ID=$MEETING_ID
curl -s --max-time 30 -D "$WORK/get-headers.txt" -o "$WORK/get-response.json" -H "Authorization: Bearer $TOKEN" \
    "$KAIGI_URL/v1/meetings/$MEETING_ID"
if ! head -n1 "$WORK/get-headers.txt" | grep -q ' 200' || ! grep -q "\"id\":\"$MEETING_ID\"" "$WORK/get-response.json"; then
    log "kaigi's GET /v1/meetings/$MEETING_ID is not 200 with the meeting:"
    cat "$WORK/get-headers.txt" "$WORK/get-response.json" >&2
    exit 1
fi
RESPONSE_BYTES=$(wc -c <"$WORK/get-response.json")
log "meeting $MEETING_ID created; GET reply captured: 200, $RESPONSE_BYTES bytes"

# --- GET /v1/meetings/{id}: canned baseline -----------------------------------------------------------
CANNED_PORT=$(free_port)
CANNED_URL=http://127.0.0.1:$CANNED_PORT
"$CANNED_BIN" "127.0.0.1:$CANNED_PORT" "$WORK/get-response.json" rest >"$WORK/canned.log" 2>&1 &
CANNED_PID=$!
PIDS+=("$CANNED_PID")
if ! wait_ready "$CANNED_URL/healthz" "$CANNED_PID" 30 "canned server"; then
    cat "$WORK/canned.log" >&2
    exit 1
fi
curl -s --max-time 10 -o "$WORK/canned-response.json" "$CANNED_URL/v1/meetings/$MEETING_ID"
if ! cmp -s "$WORK/canned-response.json" "$WORK/get-response.json"; then
    log "the canned server does not return kaigi's bytes"
    exit 1
fi
log "canned server on 127.0.0.1:$CANNED_PORT returns kaigi's GET reply byte for byte"


bench_wrk get-baseline "$CANNED_URL" "$CANNED_PID" "$BENCH/rest-getmeeting.lua"
bench_wrk get-kaigi "$KAIGI_URL" "$KAIGI_PID" "$BENCH/rest-getmeeting.lua"
kill -TERM "$CANNED_PID" 2>/dev/null || true
wait "$CANNED_PID" 2>/dev/null || true
forget_pid "$CANNED_PID"

# --- listing over COUNT meetings ----------------------------------------------------------------------
# The meeting made above is in the window too: COUNT + 1 meetings are listed.
log "seeding $COUNT meetings through POST /v1/meetings ($SEED_PROCESSES clients)"
SEED_START=$(date -u -d "$START + 1 hour" +%Y-%m-%dT%H:%M:%SZ)
python3 "$BENCH/rest_list.py" seed "$KAIGI_URL" "$TOKEN" "$COUNT" "$SEED_START" "$SEED_PROCESSES" >"$WORK/seed.txt"
cat "$WORK/seed.txt" >&2
EXPECT=$((COUNT + 1))
LIST_FROM=$START
LIST_TO=$(date -u -d "$SEED_START + $COUNT minutes + 1 day" +%Y-%m-%dT%H:%M:%SZ)

list_run() {
    local type=$1 walkers=$2 name="list-$1-w$2" attempt
    for attempt in $(seq "$ATTEMPTS"); do
        log "$name: walking every page (max=$PAGE) from $LIST_FROM to $LIST_TO, $walkers client(s) (attempt $attempt of $ATTEMPTS)"
        measure_once "$name" "$KAIGI_PID" python3 "$BENCH/rest_list.py" walk "$KAIGI_URL" "$TOKEN" "$LIST_FROM" "$LIST_TO" \
            "$type" "$PAGE" "$walkers" "$EXPECT"
        cat "$WORK/$name.txt" >&2
        grep -q ', ok$' "$WORK/$name.txt" || { log "$name: the walk did not see every meeting once, in order"; exit 1; }
        if [[ $(disturbed "$name") == no ]]; then
            return 0
        fi
    done
}
LIST_RUNS=("meetingSeries 1" "meetingSeries $WALKERS" "scheduledMeeting 1" "scheduledMeeting $WALKERS")
for run in "${LIST_RUNS[@]}"; do
    # shellcheck disable=SC2086  # two words on purpose
    list_run $run
done
kill -0 "$KAIGI_PID" 2>/dev/null || { log "kaigi died under load"; cat "$WORK/kaigi.log" >&2; exit 1; }
stop_kaigi TERM

# --- summary ------------------------------------------------------------------------------------------
B_RPS=$(wrk_rps "$WORK/get-baseline.txt"); B_P99=$(wrk_p99_ms "$WORK/get-baseline.txt")
K_RPS=$(wrk_rps "$WORK/get-kaigi.txt"); K_P99=$(wrk_p99_ms "$WORK/get-kaigi.txt")
RATIO=$(awk -v k="$K_RPS" -v b="$B_RPS" 'BEGIN { printf "%.2f", 100 * k / b }')
verdict_get=$(awk -v k="$K_RPS" -v b="$B_RPS" 'BEGIN { print (k >= 0.4 * b ? "MET" : "NOT MET") }')
DISTURBED=
for name in get-baseline get-kaigi; do
    if [[ $(disturbed "$name") == yes ]]; then DISTURBED+=" $name"; fi
done
list_rows() {
    local run type walkers name p99 verdict
    for run in "${LIST_RUNS[@]}"; do
        read -r type walkers <<<"$run"
        name=list-$type-w$walkers
        p99=$(sed -n 's/.* p99 \([0-9.]*\),.*/\1/p' "$WORK/$name.txt")
        verdict=$(awk -v p="$p99" -v t="$P99_TARGET_MS" 'BEGIN { print (p <= t ? "MET" : "NOT MET") }')
        if [[ $(disturbed "$name") == yes ]]; then verdict="$verdict (disturbed)"; DISTURBED+=" $name"; fi
        printf '  %-16s %2s client(s): %s   target p99 <= %s ms: %s\n' "$type" "$walkers" \
            "$(sed 's/^walk: //' "$WORK/$name.txt")" "$P99_TARGET_MS" "$verdict"
    done
}
LIST_TABLE=$(list_rows)
if [[ -n $DISTURBED ]]; then
    DISTURBED_NOTE="DISTURBED (other processes used the CPU, figures not trustworthy, rerun):$DISTURBED"
else
    DISTURBED_NOTE="no measurement was disturbed by other processes"
fi

SUMMARY=$(cat <<SUM
kaigi REST benchmark (issue #5) — $(date -u +%Y-%m-%dT%H:%M:%SZ)
machine: $(machine_line)
kaigi: $KAIGI_REV; SQLite (fresh temp file), --demo; wrk $(wrk --version 2>&1 | awk 'NR==1 {print $2}'); $(python3 --version)
$DISTURBED_NOTE

GET /v1/meetings/{id}: wrk -t$THREADS -c$CONNS -d$DURATION --latency -s bench/rest-getmeeting.lua (after a $WARMUP
  warm-up each with every response checked); reply $RESPONSE_BYTES bytes, served byte for byte by the baseline
                      req/s        p99
  canned baseline  $(printf '%10s  %7s ms' "$B_RPS" "$B_P99")   ($(wrk_errors "$WORK/get-baseline.txt"))
  kaigi            $(printf '%10s  %7s ms' "$K_RPS" "$K_P99")   ($(wrk_errors "$WORK/get-kaigi.txt"))
  kaigi / baseline $(printf '%9s%%' "$RATIO")              target >= 40%: $verdict_get

GET /v1/meetings paged (max=$PAGE, following Link to the end) over $EXPECT meetings of one host
  ($(cat "$WORK/seed.txt")); latency per page request in ms, measured by the client:
$LIST_TABLE

CPU time during the measured runs (from /proc; "other processes" should be near 0):
$(cpu_line get-baseline "GET canned baseline")
$(cpu_line get-kaigi "GET kaigi          ")
SUM
)

mkdir -p "$BENCH/results"
OUT=$BENCH/results/rest-$(date -u +%Y%m%d-%H%M%S).txt
{
    echo "$SUMMARY"
    echo
    echo "=== wrk: GET /v1/meetings/{id}, canned baseline ==="; cat "$WORK/get-baseline.txt"
    echo "=== wrk: GET /v1/meetings/{id}, kaigi ==="; cat "$WORK/get-kaigi.txt"
    echo "=== kaigi's GET reply (headers, body) ==="; cat "$WORK/get-headers.txt" "$WORK/get-response.json"; echo
} >"$OUT"
echo "$SUMMARY"
echo
echo "written to ${OUT#"$ROOT"/}"
