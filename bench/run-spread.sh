#!/usr/bin/env bash
# Spread benchmark (issue #16): reads over many meetings and many users in random order, what a
# booking system does, each beside the canned-response baseline of the same run.
#
#   bash bench/setup.sh && bash bench/run-spread.sh
#
# 1. Builds kaigi (release) and bench/canned. Makes a fresh SQLite database and fills it with
#    `kaigi site generate-spread-data` (hidden command; crates/kaigi/src/spreaddata.rs): site
#    `spread`, HOSTS licensed hosts with their own passwords and one bearer token each, MEETINGS
#    meetings dealt over them through the core's use cases. It writes xml.tsv and rest.tsv (one
#    line per meeting, shuffled), which the wrk scripts read.
# 2. Starts kaigi (--demo, so /metrics needs no token), reads its idle RSS.
# 3. XML API: GetMeeting of a meeting drawn at random per request, by its host with the host's
#    password (bench/spread-xml.lua). REST: GET /v1/meetings/{id} of a meeting drawn at random,
#    with its host's token (bench/spread-rest.lua). Each: the canned baseline (bench/canned,
#    serving the reply of one of the meetings, byte for byte) and then kaigi, a warm-up with every
#    response checked, then `wrk -t$THREADS -c$CONNS -d$DURATION`. A measured run with any
#    non-2xx answer is not a result: the script stops and prints kaigi's answers by status
#    (from /metrics).
# 4. Memory: RSS idle, after each load and the peak (VmHWM); kaigi's caches and their hit rates
#    (from /metrics) over the measured runs.
# 5. PERF=1: one more kaigi run of each API under `perf record -g`, folded stacks and, when
#    `inferno-flamegraph` is installed (bench/setup.sh PERF=1 installs it), a flame graph SVG,
#    all in bench/results/spread-<time>/.
# Measurements that other processes disturbed are repeated (bench/lib.sh, measure_once).
#
# Knobs (environment): HOSTS (100), MEETINGS (10000), THREADS (2), CONNS (50), DURATION (20s),
# WARMUP (5s), ATTEMPTS (3), QUIET_TIMEOUT (120 s), PERF (0), DATABASE (a postgres:// URL of an
# EMPTY database instead of SQLite), KAIGI_BIN / KAIGI_LABEL (measure a binary built elsewhere).
set -euo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
LOG_TAG=run-spread
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$BENCH/lib.sh"

HOSTS=${HOSTS:-100}
MEETINGS=${MEETINGS:-10000}
THREADS=${THREADS:-2}
CONNS=${CONNS:-50}
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-5s}
ATTEMPTS=${ATTEMPTS:-3}
PERF=${PERF:-0}
RATIO_TARGET=0.5
CPU_TARGET_US=20

need_tools wrk curl ss cargo awk sed cmp
[[ $PERF == 1 ]] && need_tools perf
bench_init

build_kaigi
KAIGI_REV=$(kaigi_revision)
log "building the canned-response server (release)"
cargo build --release --manifest-path "$BENCH/canned/Cargo.toml" --target-dir "$ROOT/target/bench-canned"
CANNED_BIN=$ROOT/target/bench-canned/release/kaigi-bench-canned

STAMP=$(date -u +%Y%m%d-%H%M%S)
mkdir -p "$BENCH/results"
OUT_DIR=$BENCH/results/spread-$STAMP
mkdir -p "$OUT_DIR"
# kaigi's log is kept beside the results whatever happens (a failed check is explained there).
keep_log() { cp -f "$WORK/kaigi.log" "$OUT_DIR/kaigi.log" 2>/dev/null || true; bench_cleanup; }
trap keep_log EXIT

DB=${DATABASE:-$(sqlite_url "$WORK/kaigi.db" default)}
log "generating the spread site: $HOSTS hosts, $MEETINGS meetings"
GEN_T0=$(date +%s%N)
"$KAIGI_BIN" site generate-spread-data --hosts "$HOSTS" --meetings "$MEETINGS" --out "$WORK/spread" \
    --database "$DB" >"$WORK/generate.txt" 2>"$WORK/generate.log" || { cat "$WORK/generate.log" >&2; exit 1; }
GEN_S=$(awk -v t=$(($(date +%s%N) - GEN_T0)) 'BEGIN { printf "%.1f", t / 1e9 }')
log "generated in $GEN_S s: $(cat "$WORK/generate.txt")"

start_kaigi "$DB" "$WORK/kaigi.log"
log "kaigi ready on $KAIGI_URL in $READY_MS ms"
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }
IDLE_KB=$(rss_kb "$KAIGI_PID")

# kaigi's answers by API and code (HTTP status for REST, exceptionID or status for the XML API),
# summed over every operation (Prometheus text from /metrics).
status_counts() {
    curl -s --max-time 10 "$KAIGI_URL/metrics" | awk '
        /^kaigi_requests_total\{/ {
            match($0, /api="[a-z]+"/); a = substr($0, RSTART + 5, RLENGTH - 6)
            match($0, /code="[^"]*"/); c = substr($0, RSTART + 6, RLENGTH - 7); n[a " " c] += $NF
        }
        END { for (k in n) printf "%s=%d; ", k, n[k]; print "" }'
}
# The read cache lines of /metrics (entries, hits and misses per table), if kaigi exports them.
cache_lines() { curl -s --max-time 10 "$KAIGI_URL/metrics" | grep -E '^kaigi_(read_cache|render_cache|body_cache)' || true; }

# --- one API: capture a reply, baseline, kaigi ------------------------------------------------------
# api_run NAME SCRIPT TSV CANNED_MODE CAPTURE_COMMAND...
api_run() {
    local name=$1 script=$2 tsv=$3 mode=$4
    shift 4
    export KAIGI_SPREAD_FILE=$WORK/spread/$tsv
    "$@" >"$WORK/$name-reply.body" || { log "$name: capturing kaigi's reply failed"; exit 1; }
    local port url pid
    port=$(free_port)
    url=http://127.0.0.1:$port
    # shellcheck disable=SC2086  # the mode is one word or none
    "$CANNED_BIN" "127.0.0.1:$port" "$WORK/$name-reply.body" $mode >"$WORK/canned-$name.log" 2>&1 &
    pid=$!
    PIDS+=("$pid")
    wait_ready "$url/healthz" "$pid" 30 "canned server" || { cat "$WORK/canned-$name.log" >&2; exit 1; }
    bench_wrk "$name-baseline" "$url" "$pid" "$BENCH/$script"
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    forget_pid "$pid"
    local before after
    before=$(status_counts)
    cache_lines >"$WORK/$name-cache-before.txt"
    bench_wrk "$name-kaigi" "$KAIGI_URL" "$KAIGI_PID" "$BENCH/$script"
    after=$(status_counts)
    cache_lines >"$WORK/$name-cache-after.txt"
    echo "before: $before" >"$WORK/$name-statuses.txt"
    echo "after:  $after" >>"$WORK/$name-statuses.txt"
    local non2xx
    non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$WORK/$name-kaigi.txt")
    if [[ -n $non2xx && $non2xx != 0 ]]; then
        log "$name: kaigi answered $non2xx requests with a non-2xx status: not a result. kaigi's answers by status:"
        cat "$WORK/$name-statuses.txt" >&2
        tail -n 30 "$WORK/kaigi.log" >&2
        exit 1
    fi
    log "$name: kaigi $(wrk_rps "$WORK/$name-kaigi.txt") req/s, baseline $(wrk_rps "$WORK/$name-baseline.txt") req/s"
}

FIRST_XML=$(head -n1 "$WORK/spread/xml.tsv")
IFS=$'\t' read -r X_USER X_PASS X_KEY <<<"$FIRST_XML"
xml_capture() {
    printf '%s' "$(lua_body "$BENCH/spread-xml.lua")" | sed -e "s/SITE/spread/" -e "s/WEBEXID/$X_USER/" \
        -e "s/PASSWORD/$X_PASS/" -e "s/MEETING_KEY/$X_KEY/" >"$WORK/xml-request.xml"
    xml_post "$KAIGI_URL" "$WORK/xml-request.xml" /dev/stdout
}
IFS=$'\t' read -r R_TOKEN R_ID < <(head -n1 "$WORK/spread/rest.tsv")
rest_capture() {
    curl -s --max-time 30 -H "Authorization: Bearer $R_TOKEN" "$KAIGI_URL/v1/meetings/$R_ID"
}

api_run xml spread-xml.lua xml.tsv "" xml_capture
grep -q '<serv:result>SUCCESS</serv:result>' "$WORK/xml-reply.body" || { log "GetMeeting did not succeed"; cat "$WORK/xml-reply.body" >&2; exit 1; }
AFTER_XML_KB=$(rss_kb "$KAIGI_PID")
api_run rest spread-rest.lua rest.tsv rest rest_capture
AFTER_REST_KB=$(rss_kb "$KAIGI_PID")
PEAK_KB=$(hwm_kb "$KAIGI_PID")

# --- profiles --------------------------------------------------------------------------------------
profile() {
    local name=$1 script=$2 tsv=$3
    export KAIGI_SPREAD_FILE=$WORK/spread/$tsv
    log "profiling kaigi under the $name load (perf record -g, 10 s)"
    timeout 60 wrk -t"$THREADS" -c"$CONNS" -d12s -s "$BENCH/$script" "$KAIGI_URL" >"$OUT_DIR/$name-perf-wrk.txt" &
    local load=$!
    perf record -F 999 -g -p "$KAIGI_PID" -o "$WORK/$name.perf" -- sleep 10 >/dev/null 2>&1 || true
    wait "$load" || true
    perf script -i "$WORK/$name.perf" 2>/dev/null | python3 "$BENCH/fold_stacks.py" >"$OUT_DIR/$name.folded"
    perf report -i "$WORK/$name.perf" --no-children --percent-limit 1 --stdio 2>/dev/null | head -n 120 >"$OUT_DIR/$name-top.txt" || true
    if command -v inferno-flamegraph >/dev/null; then
        inferno-flamegraph --title "kaigi, $name spread reads" <"$OUT_DIR/$name.folded" >"$OUT_DIR/$name-flamegraph.svg"
    fi
}
if [[ $PERF == 1 ]]; then
    profile xml spread-xml.lua xml.tsv
    profile rest spread-rest.lua rest.tsv
fi
kill -0 "$KAIGI_PID" 2>/dev/null || { log "kaigi died under load"; cat "$WORK/kaigi.log" >&2; exit 1; }
stop_kaigi TERM

# --- summary ---------------------------------------------------------------------------------------
row() {
    local name=$1 label=$2 b k bp kp ratio us verdict
    b=$(wrk_rps "$WORK/$name-baseline.txt"); k=$(wrk_rps "$WORK/$name-kaigi.txt")
    bp=$(wrk_p99_ms "$WORK/$name-baseline.txt"); kp=$(wrk_p99_ms "$WORK/$name-kaigi.txt")
    us=$(awk '{ print $3 }' "$WORK/$name-kaigi-cpu.txt")
    ratio=$(awk -v k="$k" -v b="$b" 'BEGIN { printf "%.2f", k / b }')
    verdict=$(awk -v r="$ratio" -v u="$us" -v rt="$RATIO_TARGET" -v ut="$CPU_TARGET_US" \
        'BEGIN { print ((r >= rt && u <= ut) ? "MET" : "NOT MET") }')
    printf '  %-34s baseline %9s req/s p99 %6s ms | kaigi %9s req/s p99 %6s ms | ratio %s | kaigi CPU %5.1f us/req | %s\n' \
        "$label" "$b" "$bp" "$k" "$kp" "$ratio" "$us" "$verdict"
}
DISTURBED=
for name in xml-baseline xml-kaigi rest-baseline rest-kaigi; do
    if [[ $(disturbed "$name") == yes ]]; then DISTURBED+=" $name"; fi
done
if [[ -n $DISTURBED ]]; then
    DISTURBED_NOTE="DISTURBED (other processes used the CPU, figures not trustworthy, rerun):$DISTURBED"
else
    DISTURBED_NOTE="no measurement was disturbed by other processes"
fi
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }

SUMMARY=$(cat <<SUM
kaigi spread benchmark (issue #16) — $(date -u +%Y-%m-%dT%H:%M:%SZ)
machine: $(machine_line)
kaigi: $KAIGI_REV; database: ${DATABASE:+PostgreSQL}${DATABASE:-SQLite (fresh temp file)}; wrk $(wrk --version 2>&1 | awk 'NR==1 {print $2}')
data: site spread, $HOSTS hosts (one password and one token each), $MEETINGS meetings, generated in $GEN_S s
$DISTURBED_NOTE

wrk -t$THREADS -c$CONNS -d$DURATION, each request a meeting drawn at random (after a $WARMUP warm-up with every
response checked); targets: kaigi / baseline >= $RATIO_TARGET and kaigi CPU <= $CPU_TARGET_US us per request
$(row xml "GetMeeting (XML API), by its host")
$(row rest "GET /v1/meetings/{id}, host's token")

kaigi's answers by API and code since it started (/metrics): $(tail -n1 "$WORK/rest-statuses.txt" | sed "s/^after: *//")
wrk: xml $(wrk_errors "$WORK/xml-kaigi.txt"); rest $(wrk_errors "$WORK/rest-kaigi.txt")

memory (RSS): idle $(mib "$IDLE_KB"); after the XML load $(mib "$AFTER_XML_KB"); after the REST load $(mib "$AFTER_REST_KB"); peak $(mib "$PEAK_KB")

caches after the runs (kaigi /metrics):
$(cat "$WORK/rest-cache-after.txt")

CPU time during the measured runs (from /proc; "other processes" should be near 0):
$(cpu_line xml-baseline "XML canned baseline ")
$(cpu_line xml-kaigi "XML kaigi           ")
$(cpu_line rest-baseline "REST canned baseline")
$(cpu_line rest-kaigi "REST kaigi          ")
SUM
)

OUT=$BENCH/results/spread-$STAMP.txt
{
    echo "$SUMMARY"
    echo
    for name in xml-baseline xml-kaigi rest-baseline rest-kaigi; do
        echo "=== wrk: $name ==="; cat "$WORK/$name.txt"
    done
    echo "=== caches before/after the XML run ==="; cat "$WORK/xml-cache-before.txt" "$WORK/xml-cache-after.txt"
    echo "=== caches before/after the REST run ==="; cat "$WORK/rest-cache-before.txt" "$WORK/rest-cache-after.txt"
} >"$OUT"
echo "$SUMMARY"
echo
echo "written to ${OUT#"$ROOT"/}${PERF:+ (profiles in ${OUT_DIR#"$ROOT"/}/)}"
