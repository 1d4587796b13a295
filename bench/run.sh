#!/usr/bin/env bash
# GetUser throughput benchmark: kaigi against a canned-response baseline on the same HTTP stack.
#
#   bash bench/setup.sh && bash bench/run.sh
#
# Builds kaigi (release) and bench/canned, starts kaigi on 127.0.0.1 with a fresh SQLite database
# and --demo, captures kaigi's GetUser reply, serves exactly those bytes from the canned server,
# then runs wrk with the same script against both, one after the other, in this one run.
# Records kaigi's RSS when idle after start + demo seeding, after the load, and again after a
# restart on the seeded database followed by a short burst against a cold password cache.
# Writes the summary to bench/results/getuser-<date>.txt.
#
# Knobs (environment): THREADS (2), CONNS (50), DURATION (20s), WARMUP (5s), BURST (3s),
# QUIET_TIMEOUT (120 s to wait for other busy processes before each measurement), ATTEMPTS (3);
# KAIGI_BIN=path to measure a kaigi binary built elsewhere (no build), KAIGI_LABEL=what it is.
set -euo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
THREADS=${THREADS:-2}
CONNS=${CONNS:-50}
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-5s}
BURST=${BURST:-3s}                    # the cold-start burst after the restart (memory only)
ATTEMPTS=${ATTEMPTS:-3}              # measurements disturbed by other processes are repeated up to this often
QUIET_TIMEOUT=${QUIET_TIMEOUT:-120}  # seconds to wait for other processes to calm down before each measurement
READY_TIMEOUT=${READY_TIMEOUT:-180}   # seconds to wait for kaigi's /healthz (demo seeding hashes passwords)

for tool in wrk curl ss cargo awk; do
    command -v "$tool" >/dev/null 2>&1 || { echo "run: $tool is missing; run bash bench/setup.sh first" >&2; exit 1; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/kaigi-bench.XXXXXX")
PIDS=()

stop_all() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    PIDS=()
}
cleanup() {
    stop_all
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf 'run: %s\n' "$*" >&2; }

# A TCP port on 127.0.0.1 that no socket uses now, below the kernel's ephemeral range (see the
# same function in lib.sh: polling an ephemeral port can make curl connect to itself).
free_port() {
    local port low
    low=$(awk '{ print $1 }' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
    ((low > 21000)) || low=61000
    for _ in $(seq 200); do
        port=$((20000 + RANDOM % (low - 20000)))
        if [[ -z $(ss -Htan "sport = :$port" 2>/dev/null) ]]; then
            echo "$port"
            return 0
        fi
    done
    echo "run: no free port found" >&2
    return 1
}

# Polls URL until it answers 200, while PID is alive; at most TIMEOUT seconds.
wait_ready() {
    local url=$1 pid=$2 timeout=$3 what=$4
    local deadline=$((SECONDS + timeout))
    while ((SECONDS < deadline)); do
        if ! kill -0 "$pid" 2>/dev/null; then
            log "$what exited before it was ready"
            return 1
        fi
        if [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true) == 200 ]]; then
            return 0
        fi
        sleep 0.1
    done
    log "$what not ready after ${timeout}s"
    return 1
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }

# VmRSS once it has stopped moving (two equal readings 0.5 s apart), at most MAX seconds.
settled_rss_kb() {
    local pid=$1 max=$2 prev cur
    local deadline=$((SECONDS + max))
    prev=$(rss_kb "$pid")
    while ((SECONDS < deadline)); do
        sleep 0.5
        cur=$(rss_kb "$pid")
        [[ $cur == "$prev" ]] && break
        prev=$cur
    done
    rss_kb "$pid"
}

mib() { awk -v kb="$1" 'BEGIN { printf "%.1f MiB (%.1f MB)", kb / 1024, kb * 1024 / 1e6 }'; }

# wrk output -> requests per second.
wrk_rps() { awk '/^Requests\/sec:/ {print $2}' "$1"; }
# wrk --latency output -> p99 in milliseconds.
wrk_p99_ms() {
    awk '$1 == "99%" {
        v = $2; unit = v; sub(/^[0-9.]+/, "", unit); n = v + 0
        if (unit == "us") n /= 1000; else if (unit == "s") n *= 1000; else if (unit == "m") n *= 60000
        printf "%.2f", n
    }' "$1"
}
wrk_errors() {
    local non2xx sock
    non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$1")
    sock=$(awk -F': ' '/Socket errors:/ {print $2}' "$1")
    echo "non-2xx ${non2xx:-0}; socket errors: ${sock:-none}"
}

# Warm-up with every response checked for SUCCESS, then the measured run.
bench_target() {
    local name=$1 url=$2 pid=$3
    log "$name: warm-up $WARMUP (responses checked)"
    KAIGI_BENCH_CHECK=1 timeout 120 wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" -s "$BENCH/getuser.lua" "$url" >"$WORK/$name-warmup.txt"
    local checked bad
    read -r checked bad < <(awk '/^check:/ {print $2, $5}' "$WORK/$name-warmup.txt")
    if [[ -z ${checked:-} || $checked -eq 0 || $bad -ne 0 ]]; then
        log "$name: warm-up check failed:"
        cat "$WORK/$name-warmup.txt" >&2
        exit 1
    fi
    log "$name: warm-up ok ($checked responses, all SUCCESS)"
    local attempt cpu0 other0 t0 cpu1 other1 t1
    for attempt in $(seq "$ATTEMPTS"); do
        wait_quiet
        log "$name: measuring wrk -t$THREADS -c$CONNS -d$DURATION --latency (attempt $attempt of $ATTEMPTS)"
        cpu0=$(proc_cpu_ticks "$pid"); other0=$(others_cpu_ticks "$pid"); times >"$WORK/times0.txt"; t0=$(date +%s%N)
        timeout 180 wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s "$BENCH/getuser.lua" "$url" >"$WORK/$name.txt"
        cpu1=$(proc_cpu_ticks "$pid"); other1=$(others_cpu_ticks "$pid"); times >"$WORK/times1.txt"; t1=$(date +%s%N)
        # server CPU s, wall s, server CPU us per request, wrk CPU s, other processes' CPU s, disturbed
        awk -v c=$((cpu1 - cpu0)) -v o=$((other1 - other0)) -v w=$((t1 - t0)) -v hz="$HZ" -v cores="$(nproc)" \
            -v k0="$(children_cpu_s "$WORK/times0.txt")" -v k1="$(children_cpu_s "$WORK/times1.txt")" \
            -v n="$(wrk_requests "$WORK/$name.txt")" 'BEGIN {
                c /= hz; o /= hz; k = k1 - k0
                printf "%.1f %.1f %.1f %.1f %.1f %s\n", c, w / 1e9, (n > 0 ? 1e6 * c / n : 0), k, o, \
                    (o > 0.1 * cores * w / 1e9 ? "yes" : "no")
            }' >"$WORK/$name-cpu.txt"
        [[ $(awk '{ print $6 }' "$WORK/$name-cpu.txt") == yes ]] || return 0
        log "$name: other processes used $(awk '{ print $5 }' "$WORK/$name-cpu.txt") s of CPU during the measurement"
    done
}

# Waits (polling, at most QUIET_TIMEOUT s) until other processes use under 10% of one core.
wait_quiet() {
    local deadline=$((SECONDS + QUIET_TIMEOUT)) a b said=
    while ((SECONDS < deadline)); do
        a=$(others_cpu_ticks 0)
        sleep 1
        b=$(others_cpu_ticks 0)
        if (((b - a) * 10 <= HZ)); then
            return 0
        fi
        [[ -n $said ]] || log "other processes are busy on this machine; waiting up to ${QUIET_TIMEOUT}s for them"
        said=1
    done
    log "still busy after ${QUIET_TIMEOUT}s; measuring anyway (the run will be marked disturbed)"
}

# User + system CPU seconds of this shell's finished children (wrk, once it has exited), from the
# output of `times` saved to a file (it must run in this shell, not in a $(...) subshell).
children_cpu_s() {
    awk 'NR == 2 {
        t = 0
        for (i = 1; i <= 2; i++) { split($i, p, "m"); sub(/s$/, "", p[2]); t += p[1] * 60 + p[2] }
        printf "%.3f", t
    }' "$1"
}

# CPU ticks (user + system, all threads) a process has used.
proc_cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# CPU ticks (own + waited-for children) of every process but this script and our servers: other
# work on the machine that competes with the measurement (e.g. a build running alongside).
others_cpu_ticks() {
    local skip=" $$ ${PIDS[*]} $1 "
    # (cat fails when a process exits between the glob and the read: not an error here)
    { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v skip="$skip" '{
        pid = $1; sub(/^.*\) /, "")   # drop "pid (comm) ": comm may hold spaces
        if (index(skip, " " pid " ") == 0) t += $12 + $13 + $14 + $15
    } END { print t + 0 }'
}
HZ=$(getconf CLK_TCK)
# wrk output -> number of requests completed.
wrk_requests() { awk '/ requests in / { print $1 }' "$1"; }

# ---------------------------------------------------------------------------------------------
if [[ -n ${KAIGI_BIN:-} ]]; then
    log "using the kaigi binary $KAIGI_BIN (not building)"
    [[ -x $KAIGI_BIN ]] || { log "$KAIGI_BIN is not an executable"; exit 1; }
else
    log "building kaigi (release)"
    (cd "$ROOT" && cargo build --release -p kaigi)
    KAIGI_BIN=$ROOT/target/release/kaigi
fi
log "building the canned-response server (release)"
cargo build --release --manifest-path "$BENCH/canned/Cargo.toml" --target-dir "$ROOT/target/bench-canned"
CANNED_BIN=$ROOT/target/bench-canned/release/kaigi-bench-canned

# Starts kaigi on a free port with --demo on $WORK/kaigi.db; sets KAIGI_PID, KAIGI_URL, READY_MS.
start_kaigi() {
    local port
    port=$(free_port)
    KAIGI_URL=http://127.0.0.1:$port
    local start_ns
    start_ns=$(date +%s%N)
    "$KAIGI_BIN" serve --demo --listen "127.0.0.1:$port" --database "sqlite://$WORK/kaigi.db" \
        >>"$WORK/kaigi.log" 2>&1 &
    KAIGI_PID=$!
    PIDS+=("$KAIGI_PID")
    if ! wait_ready "$KAIGI_URL/healthz" "$KAIGI_PID" "$READY_TIMEOUT" kaigi; then
        cat "$WORK/kaigi.log" >&2
        exit 1
    fi
    READY_MS=$(( ($(date +%s%N) - start_ns) / 1000000 ))
}

# Stops the kaigi started last (SIGTERM: graceful shutdown), at most 10 s.
stop_kaigi() {
    kill -TERM "$KAIGI_PID" 2>/dev/null || true
    for _ in $(seq 100); do
        kill -0 "$KAIGI_PID" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$KAIGI_PID" 2>/dev/null || true
    wait "$KAIGI_PID" 2>/dev/null || true
    local keep=() pid
    for pid in "${PIDS[@]}"; do
        [[ $pid == "$KAIGI_PID" ]] || keep+=("$pid")
    done
    PIDS=("${keep[@]}")
}

# --- kaigi -----------------------------------------------------------------------------------
log "starting kaigi (fresh SQLite database, --demo)"
start_kaigi
FIRST_READY_MS=$READY_MS
RSS_IDLE=$(settled_rss_kb "$KAIGI_PID" 5)
log "kaigi ready on $KAIGI_URL after ${READY_MS} ms; idle RSS $(mib "$RSS_IDLE")"

# The request body is the one line `wrk.body = [[...]]` of getuser.lua, so both use the same bytes.
sed -n 's/^wrk\.body = \[\[\(.*\)\]\]$/\1/p' "$BENCH/getuser.lua" | tr -d '\n' >"$WORK/getuser-request.xml"
[[ -s $WORK/getuser-request.xml ]] || { log "cannot read the request body from getuser.lua"; exit 1; }
curl -s --max-time 30 -D "$WORK/getuser-headers.txt" -o "$WORK/getuser-response.xml" \
    -H 'Content-Type: text/xml;charset=UTF-8' --data-binary "@$WORK/getuser-request.xml" "$KAIGI_URL/WBXService/XMLService"
if ! grep -q '<serv:result>SUCCESS</serv:result>' "$WORK/getuser-response.xml"; then
    log "kaigi's GetUser reply is not SUCCESS:"
    cat "$WORK/getuser-headers.txt" "$WORK/getuser-response.xml" >&2
    exit 1
fi
RESPONSE_BYTES=$(wc -c <"$WORK/getuser-response.xml")
RSS_FIRST=$(settled_rss_kb "$KAIGI_PID" 5)
log "GetUser reply captured: SUCCESS, $RESPONSE_BYTES bytes; RSS after it $(mib "$RSS_FIRST")"

# --- canned baseline -------------------------------------------------------------------------
CANNED_PORT=$(free_port)
CANNED_URL=http://127.0.0.1:$CANNED_PORT
"$CANNED_BIN" "127.0.0.1:$CANNED_PORT" "$WORK/getuser-response.xml" >"$WORK/canned.log" 2>&1 &
CANNED_PID=$!
PIDS+=("$CANNED_PID")
if ! wait_ready "$CANNED_URL/healthz" "$CANNED_PID" 30 "canned server"; then
    cat "$WORK/canned.log" >&2
    exit 1
fi
curl -s --max-time 10 -o "$WORK/canned-response.xml" --data-binary 'x' "$CANNED_URL/WBXService/XMLService"
if ! cmp -s "$WORK/canned-response.xml" "$WORK/getuser-response.xml"; then
    log "the canned server does not return kaigi's bytes"
    exit 1
fi
log "canned server on 127.0.0.1:$CANNED_PORT returns kaigi's reply byte for byte"

# --- load ------------------------------------------------------------------------------------
bench_target baseline "$CANNED_URL" "$CANNED_PID"
bench_target kaigi "$KAIGI_URL" "$KAIGI_PID"
KAIGI_HWM=$(hwm_kb "$KAIGI_PID")
RSS_AFTER=$(settled_rss_kb "$KAIGI_PID" 15)
kill -0 "$KAIGI_PID" 2>/dev/null || { log "kaigi died under load"; cat "$WORK/kaigi.log" >&2; exit 1; }

# --- memory on a restart ----------------------------------------------------------------------
# The same database, already seeded: no password is hashed at start. Then a burst of $CONNS
# connections with the in-memory password cache still empty (every client reconnecting at once).
stop_kaigi
log "restarting kaigi on the seeded database"
start_kaigi
RESTART_MS=$READY_MS
RSS_RESTART=$(settled_rss_kb "$KAIGI_PID" 5)
log "kaigi ready after ${RESTART_MS} ms; idle RSS $(mib "$RSS_RESTART")"
log "cold burst: wrk -t$THREADS -c$CONNS -d$BURST against a cold password cache"
timeout 60 wrk -t"$THREADS" -c"$CONNS" -d"$BURST" --latency -s "$BENCH/getuser.lua" "$KAIGI_URL" >"$WORK/burst.txt"
BURST_HWM=$(hwm_kb "$KAIGI_PID")
RSS_BURST_AFTER=$(settled_rss_kb "$KAIGI_PID" 15)
BURST_RPS=$(wrk_rps "$WORK/burst.txt"); BURST_P99=$(wrk_p99_ms "$WORK/burst.txt")
kill -0 "$KAIGI_PID" 2>/dev/null || { log "kaigi died in the cold burst"; cat "$WORK/kaigi.log" >&2; exit 1; }

mem_row() { printf '  %-64s %s' "$1" "$2"; }

cpu_line() {
    local c w us k o _d
    read -r c w us k o _d <"$WORK/$1-cpu.txt"
    printf '  %s  server %4.1f s (%4.1f us per request); wrk %4.1f s; other processes %4.1f s; in %4.1f s x %d cores' \
        "$2" "$c" "$us" "$k" "$o" "$w" "$(nproc)"
}

# --- summary ---------------------------------------------------------------------------------
B_RPS=$(wrk_rps "$WORK/baseline.txt"); B_P99=$(wrk_p99_ms "$WORK/baseline.txt")
K_RPS=$(wrk_rps "$WORK/kaigi.txt"); K_P99=$(wrk_p99_ms "$WORK/kaigi.txt")
RATIO=$(awk -v k="$K_RPS" -v b="$B_RPS" 'BEGIN { printf "%.1f", 100 * k / b }')
verdict_tp=$(awk -v r="$RATIO" 'BEGIN { print (r >= 40 ? "MET" : "NOT MET") }')
DISTURBED=
for name in baseline kaigi; do
    [[ $(awk '{ print $6 }' "$WORK/$name-cpu.txt") == yes ]] && DISTURBED+=" $name"
done
if [[ -n $DISTURBED ]]; then
    verdict_tp="$verdict_tp — but other processes used the CPU during:$DISTURBED; the ratio is not trustworthy, rerun"
fi
verdict_rss=$(awk -v kb="$RSS_IDLE" 'BEGIN { print (kb * 1024 <= 30e6 ? "MET" : "NOT MET") }')
DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ)
CPU=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
MEM=$(awk '/^MemTotal:/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
if [[ -n ${KAIGI_LABEL:-} ]]; then
    KAIGI_REV=$KAIGI_LABEL
elif [[ $KAIGI_BIN != "$ROOT/target/release/kaigi" ]]; then
    KAIGI_REV="binary $KAIGI_BIN"
else
    KAIGI_REV=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
    if [[ -n $(git -C "$ROOT" status --porcelain -- crates Cargo.toml Cargo.lock 2>/dev/null) ]]; then
        KAIGI_REV="$KAIGI_REV (with uncommitted changes)"
    fi
fi

SUMMARY=$(cat <<SUM
kaigi GetUser benchmark — $DATE
machine: $(nproc) cores, $CPU, $MEM; $(uname -sr)
kaigi: $KAIGI_REV; SQLite (fresh temp file), --demo; wrk $(wrk --version 2>&1 | awk 'NR==1 {print $2}')
load: wrk -t$THREADS -c$CONNS -d$DURATION --latency -s bench/getuser.lua (after a $WARMUP warm-up each, every
      warm-up response checked for SUCCESS); wrk, the server and the idle other server share the machine
reply: $RESPONSE_BYTES bytes, served byte for byte by the canned baseline

                      req/s        p99
  canned baseline  $(printf '%10s  %7s ms' "$B_RPS" "$B_P99")   ($(wrk_errors "$WORK/baseline.txt"))
  kaigi            $(printf '%10s  %7s ms' "$K_RPS" "$K_P99")   ($(wrk_errors "$WORK/kaigi.txt"))
  kaigi / baseline $(printf '%9s%%' "$RATIO")              target >= 40%: $verdict_tp

kaigi memory (VmRSS), fresh database:
$(mem_row "idle: after start + demo seeding (ready in ${FIRST_READY_MS} ms)" "$(mib "$RSS_IDLE")   target <= 30 MB: $verdict_rss")
$(mem_row "after the first GetUser (password checked once)" "$(mib "$RSS_FIRST")")
$(mem_row "after the load, settled" "$(mib "$RSS_AFTER")")
$(mem_row "peak so far (VmHWM)" "$(mib "$KAIGI_HWM")")
kaigi memory (VmRSS), restarted on the seeded database (no password hashed at start):
$(mem_row "idle: after start (ready in ${RESTART_MS} ms)" "$(mib "$RSS_RESTART")")
$(mem_row "cold burst: -c$CONNS for $BURST, password cache empty; peak" "$(mib "$BURST_HWM")   ($BURST_RPS req/s, p99 $BURST_P99 ms)")
$(mem_row "after the cold burst, settled" "$(mib "$RSS_BURST_AFTER")")
CPU time during the measured runs (from /proc; "other processes" should be near 0, else the run was disturbed):
$(cpu_line baseline "canned baseline")
$(cpu_line kaigi "kaigi          ")
SUM
)

mkdir -p "$BENCH/results"
OUT=$BENCH/results/getuser-$(date -u +%Y%m%d-%H%M%S).txt
{
    echo "$SUMMARY"
    echo
    echo "=== wrk: canned baseline ==="; cat "$WORK/baseline.txt"
    echo "=== wrk: kaigi ==="; cat "$WORK/kaigi.txt"
    echo "=== wrk: cold burst after the restart ==="; cat "$WORK/burst.txt"
    echo "=== kaigi's GetUser reply (headers, body) ==="; cat "$WORK/getuser-headers.txt" "$WORK/getuser-response.xml"; echo
} >"$OUT"
echo "$SUMMARY"
echo
echo "written to ${OUT#"$ROOT"/}"
