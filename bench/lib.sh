# shellcheck shell=bash
# Shell functions shared by bench/run-meetings.sh, bench/run-rest.sh and bench/durability.sh (sourced, not run).
# bench/run.sh predates this file and keeps its own copies of the same functions, unchanged.
#
# The sourcing script sets BENCH and ROOT and, optionally, LOG_TAG (the prefix of log lines),
# then calls bench_init, which creates $WORK (a temporary directory) and the exit trap that stops
# every process in PIDS and removes $WORK.

LOG_TAG=${LOG_TAG:-bench}
QUIET_TIMEOUT=${QUIET_TIMEOUT:-120}  # seconds to wait for other processes to calm down before a measurement
READY_TIMEOUT=${READY_TIMEOUT:-180}  # seconds to wait for kaigi's /healthz (demo seeding hashes passwords)
HZ=$(getconf CLK_TCK)
PIDS=()
WORK=

log() { printf '%s: %s\n' "$LOG_TAG" "$*" >&2; }

need_tools() {
    local tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null 2>&1 || { log "$tool is missing; run bash bench/setup.sh first"; exit 1; }
    done
}

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

bench_cleanup() {
    stop_all
    [[ -z $WORK ]] || rm -rf "$WORK"
}

bench_init() {
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/kaigi-bench.XXXXXX")
    trap bench_cleanup EXIT
    trap 'exit 130' INT TERM
}

# Removes PID from PIDS (it has been stopped or waited for).
forget_pid() {
    local keep=() pid
    for pid in "${PIDS[@]}"; do
        [[ $pid == "$1" ]] || keep+=("$pid")
    done
    PIDS=("${keep[@]}")
}

# A TCP port on 127.0.0.1 that no socket uses now, below the kernel's ephemeral range: polling
# /healthz on an ephemeral port before the server listens can make curl connect to itself (TCP
# simultaneous open on loopback), which then holds the port and the server cannot bind it.
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
    log "no free port found"
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

# Builds kaigi (release) unless KAIGI_BIN names a binary built elsewhere; sets KAIGI_BIN.
build_kaigi() {
    if [[ -n ${KAIGI_BIN:-} ]]; then
        log "using the kaigi binary $KAIGI_BIN (not building)"
        [[ -x $KAIGI_BIN ]] || { log "$KAIGI_BIN is not an executable"; exit 1; }
    else
        log "building kaigi (release)"
        (cd "$ROOT" && cargo build --release -p kaigi)
        KAIGI_BIN=$ROOT/target/release/kaigi
    fi
}

# What kaigi is: KAIGI_LABEL, the binary's path, or the commit (+ whether the sources differ).
kaigi_revision() {
    if [[ -n ${KAIGI_LABEL:-} ]]; then
        echo "$KAIGI_LABEL"
    elif [[ $KAIGI_BIN != "$ROOT/target/release/kaigi" ]]; then
        echo "binary $KAIGI_BIN"
    else
        local rev
        rev=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
        if [[ -n $(git -C "$ROOT" status --porcelain -- crates Cargo.toml Cargo.lock 2>/dev/null) ]]; then
            rev="$rev (with uncommitted changes)"
        fi
        echo "$rev"
    fi
}

machine_line() {
    local cpu mem
    cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
    mem=$(awk '/^MemTotal:/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
    echo "$(nproc) cores, $cpu, $mem; $(uname -sr)"
}

# Starts kaigi --demo on a free port of 127.0.0.1 with the database URL $1, logging to $2 (appended).
# Sets KAIGI_PID, KAIGI_URL and READY_MS (start to /healthz answering 200).
start_kaigi() {
    local database=$1 logfile=$2 port start_ns
    port=$(free_port)
    KAIGI_URL=http://127.0.0.1:$port
    start_ns=$(date +%s%N)
    "$KAIGI_BIN" serve --demo --listen "127.0.0.1:$port" --database "$database" >>"$logfile" 2>&1 &
    KAIGI_PID=$!
    PIDS+=("$KAIGI_PID")
    if ! wait_ready "$KAIGI_URL/healthz" "$KAIGI_PID" "$READY_TIMEOUT" kaigi; then
        tail -n 50 "$logfile" >&2
        exit 1
    fi
    # shellcheck disable=SC2034  # read by the sourcing script
    READY_MS=$((($(date +%s%N) - start_ns) / 1000000))
}

# Stops the kaigi started last: `stop_kaigi TERM` (graceful shutdown, at most 10 s) or
# `stop_kaigi KILL` (at once).
stop_kaigi() {
    local signal=$1
    kill "-$signal" "$KAIGI_PID" 2>/dev/null || true
    if [[ $signal != KILL ]]; then
        for _ in $(seq 100); do
            kill -0 "$KAIGI_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$KAIGI_PID" 2>/dev/null || true
    fi
    wait "$KAIGI_PID" 2>/dev/null || true
    forget_pid "$KAIGI_PID"
}

# POSTs the XML file $2 to the XML API at base URL $1; the reply body goes to $3.
xml_post() {
    curl -s --max-time 60 -H 'Content-Type: text/xml;charset=UTF-8' --data-binary "@$2" -o "$3" \
        "$1/WBXService/XMLService"
}

# --- wrk output ------------------------------------------------------------------------------
wrk_rps() { awk '/^Requests\/sec:/ {print $2}' "$1"; }
wrk_requests() { awk '/ requests in / { print $1 }' "$1"; }
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

# --- a shared machine --------------------------------------------------------------------------
# CPU ticks (user + system, all threads) a process has used.
proc_cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# CPU ticks (own + waited-for children) of every process but this script, our servers and $1:
# other work on the machine that competes with the measurement (e.g. a build running alongside).
others_cpu_ticks() {
    local skip=" $$ ${PIDS[*]} $1 "
    # (cat fails when a process exits between the glob and the read: not an error here)
    { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v skip="$skip" '{
        pid = $1; sub(/^.*\) /, "")   # drop "pid (comm) ": comm may hold spaces
        if (index(skip, " " pid " ") == 0) t += $12 + $13 + $14 + $15
    } END { print t + 0 }'
}

# User + system CPU seconds of this shell's finished children, from the output of `times` saved
# to a file (it must run in this shell, not in a $(...) subshell).
children_cpu_s() {
    awk 'NR == 2 {
        t = 0
        for (i = 1; i <= 2; i++) { split($i, p, "m"); sub(/s$/, "", p[2]); t += p[1] * 60 + p[2] }
        printf "%.3f", t
    }' "$1"
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

# measure_once NAME PID COMMAND...: waits for a quiet machine, runs COMMAND (wrk) with its output
# in $WORK/NAME.txt, and writes $WORK/NAME-cpu.txt: server PID's CPU s, wall s, server CPU us per
# request, the command's CPU s, other processes' CPU s, disturbed (yes/no: other processes used
# more than 10% of the machine; see `disturbed`). Not to be called in a condition (which would
# turn off `set -e` inside it).
measure_once() {
    local name=$1 pid=$2 cpu0 other0 t0 cpu1 other1 t1
    shift 2
    wait_quiet
    cpu0=$(proc_cpu_ticks "$pid"); other0=$(others_cpu_ticks "$pid"); times >"$WORK/times0.txt"; t0=$(date +%s%N)
    "$@" >"$WORK/$name.txt"
    cpu1=$(proc_cpu_ticks "$pid"); other1=$(others_cpu_ticks "$pid"); times >"$WORK/times1.txt"; t1=$(date +%s%N)
    awk -v c=$((cpu1 - cpu0)) -v o=$((other1 - other0)) -v w=$((t1 - t0)) -v hz="$HZ" -v cores="$(nproc)" \
        -v k0="$(children_cpu_s "$WORK/times0.txt")" -v k1="$(children_cpu_s "$WORK/times1.txt")" \
        -v n="$(wrk_requests "$WORK/$name.txt")" 'BEGIN {
            c /= hz; o /= hz; k = k1 - k0
            printf "%.1f %.1f %.1f %.1f %.1f %s\n", c, w / 1e9, (n > 0 ? 1e6 * c / n : 0), k, o, \
                (o > 0.1 * cores * w / 1e9 ? "yes" : "no")
        }' >"$WORK/$name-cpu.txt"
    if [[ $(disturbed "$name") == yes ]]; then
        log "$name: other processes used $(awk '{ print $5 }' "$WORK/$name-cpu.txt") s of CPU during the measurement"
    fi
}

# bench_wrk NAME URL PID SCRIPT: a warm-up of $WARMUP with every response checked (the wrk
# SCRIPT, run with KAIGI_BENCH_CHECK=1, prints "check: <n> responses checked, <bad> ..."; any bad
# response stops the run), then the measured run `wrk -t$THREADS -c$CONNS -d$DURATION --latency`,
# repeated (at most $ATTEMPTS times) while other processes disturb it. Output in $WORK/NAME.txt.
bench_wrk() {
    local name=$1 url=$2 pid=$3 script=$4 checked bad attempt
    log "$name: warm-up $WARMUP (responses checked)"
    KAIGI_BENCH_CHECK=1 timeout 120 wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" -s "$script" "$url" >"$WORK/$name-warmup.txt"
    read -r checked bad < <(awk '/^check:/ {print $2, $5}' "$WORK/$name-warmup.txt")
    if [[ -z ${checked:-} || $checked -eq 0 || $bad -ne 0 ]]; then
        log "$name: warm-up check failed:"
        cat "$WORK/$name-warmup.txt" >&2
        exit 1
    fi
    log "$name: warm-up ok ($checked responses, all as expected)"
    for attempt in $(seq "$ATTEMPTS"); do
        log "$name: measuring wrk -t$THREADS -c$CONNS -d$DURATION --latency (attempt $attempt of $ATTEMPTS)"
        measure_once "$name" "$pid" timeout 180 wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s "$script" "$url"
        if [[ $(disturbed "$name") == no ]]; then
            return 0
        fi
    done
}

# disturbed NAME: "yes" or "no", from the last measure_once NAME.
disturbed() { awk '{ print $6 }' "$WORK/$1-cpu.txt"; }

# cpu_line NAME LABEL: the CPU time line of a measured run.
cpu_line() {
    local c w us k o d
    read -r c w us k o d <"$WORK/$1-cpu.txt"
    printf '  %s  server %4.1f s (%5.1f us per request); wrk %4.1f s; other processes %4.1f s; in %4.1f s x %d cores%s' \
        "$2" "$c" "$us" "$k" "$o" "$w" "$(nproc)" "$([[ $d == yes ]] && echo '  DISTURBED')"
}

# --- SQLite durability modes -------------------------------------------------------------------
# The modes to measure when SYNC_MODES is not set: `normal full` when kaigi reads
# `?synchronous=` from an SQLite URL (crates/kaigi-store/src/connect.rs), else `default`.
default_sync_modes() {
    if grep -q 'synchronous=normal|full' "$ROOT/crates/kaigi-store/src/connect.rs" 2>/dev/null; then
        echo "normal full"
    else
        echo "default"
    fi
}

# sqlite_url FILE MODE: the --database URL of FILE with `?synchronous=MODE` (none for `default`).
sqlite_url() {
    case $2 in
        default) echo "sqlite://$1" ;;
        normal | full) echo "sqlite://$1?synchronous=$2" ;;
        *) log "unknown synchronous mode $2 (normal, full or default)"; exit 2 ;;
    esac
}

# The one line `wrk.body = [[...]]` (or `local template = [[...]]`) of a wrk script: the request
# body, so that curl sends the same bytes as wrk.
lua_body() {
    sed -n 's/^\(wrk\.body\|local template\) = \[\[\(.*\)\]\]$/\2/p' "$1" | tr -d '\n'
}
