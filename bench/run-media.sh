#!/usr/bin/env bash
# Media forwarding benchmark: synthetic WebRTC clients through kaigi-media's SFU, beside a plain
# UDP relay carrying the same packets (no browser, everything on 127.0.0.1).
#
#   bash bench/run-media.sh
#
# 1. Builds the load generator, crates/kaigi-media/examples/load.rs
#    (`cargo build --release -p kaigi-media --example load`; CARGO_TARGET_DIR is honoured).
# 2. For each setup of SETUPS (meetings x participants), runs it once: in one process, first the
#    baseline (the clients' packet pattern through a plain UDP relay), then the SFU (str0m clients,
#    full ICE + DTLS-SRTP, each sending Opus 50 packets/s and VP8 30 frames/s at 600 kbit/s and
#    receiving everyone else's); each phase waits for a quiet machine, lets everyone join, warms
#    up WARMUP s and measures DURATION s. The example's doc comment says what is measured and how.
# 3. A run that other processes disturbed (more than 10% of the machine during a measured window)
#    is repeated, at most ATTEMPTS times; the summary says when the last attempt still was.
# Writes bench/results/media-<UTC time>/ (git-ignored): summary.txt (machine, date, commit, the
# commands and each setup's table), <setup>.txt (a run's whole output, every attempt) and
# <setup>.json (the last attempt's JSON line).
#
# Knobs (environment): SETUPS ("10x4 20x5"), DURATION (20, seconds), WARMUP (3), ATTEMPTS (2),
# QUIET_TIMEOUT (120, seconds to wait for other processes to calm down), SFU_PORTS (40000-40001),
# RELAY_PORTS (40010-40011), LOAD_BIN (a load binary built elsewhere: no build).
set -euo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
LOG_TAG=run-media
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$BENCH/lib.sh"

SETUPS=${SETUPS:-10x4 20x5}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-3}
ATTEMPTS=${ATTEMPTS:-2}
SFU_PORTS=${SFU_PORTS:-40000-40001}
RELAY_PORTS=${RELAY_PORTS:-40010-40011}

need_tools cargo awk sed
if [[ -n ${LOAD_BIN:-} ]]; then
    log "using the load binary $LOAD_BIN (not building)"
else
    log "building the load generator (release)"
    (cd "$ROOT" && cargo build --release -p kaigi-media --example load)
    LOAD_BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/examples/load
fi
[[ -x $LOAD_BIN ]] || { log "$LOAD_BIN is not an executable"; exit 1; }

REV=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n $(git -C "$ROOT" status --porcelain -- crates Cargo.toml Cargo.lock 2>/dev/null) ]]; then
    REV="$REV (with uncommitted changes)"
fi
OUT_DIR=$BENCH/results/media-$(date -u +%Y%m%d-%H%M%S)
mkdir -p "$OUT_DIR"
SUMMARY=$OUT_DIR/summary.txt
{
    echo "kaigi-media forwarding benchmark; kaigi $REV"
    echo "machine: $(machine_line); $(lscpu | awk -F': *' '/^Model name/ {print $2; exit}'), nproc $(nproc)"
    echo "date: $(date -u)"
    echo "setups: $SETUPS; $DURATION s measured after $WARMUP s of warm-up, per phase"
} >"$SUMMARY"

for setup in $SETUPS; do
    meetings=${setup%x*}
    participants=${setup#*x}
    args=(--meetings "$meetings" --participants "$participants" --duration "$DURATION" --warmup "$WARMUP"
        --sfu-ports "$SFU_PORTS" --relay-ports "$RELAY_PORTS" --quiet-timeout "$QUIET_TIMEOUT")
    out=$OUT_DIR/$setup.txt
    : >"$out"
    for attempt in $(seq "$ATTEMPTS"); do
        log "$setup: $meetings meetings x $participants participants (attempt $attempt of $ATTEMPTS)"
        echo "=== attempt $attempt: $LOAD_BIN ${args[*]}" >>"$out"
        "$LOAD_BIN" "${args[@]}" >"$WORK/run.txt" 2>"$WORK/run.err"
        cat "$WORK/run.txt" "$WORK/run.err" >>"$out"
        grep '^{' "$WORK/run.txt" | tail -n1 >"$OUT_DIR/$setup.json"
        grep -q '"disturbed":true' "$OUT_DIR/$setup.json" || break
        log "$setup: other processes used more than 10% of the machine during a measured window"
    done
    {
        echo
        echo "== $setup: cargo run --release -p kaigi-media --example load -- ${args[*]}"
        if grep -q '"disturbed":true' "$OUT_DIR/$setup.json"; then
            echo "DISTURBED: other processes used more than 10% of the machine during a measured window (see the table)"
        fi
        grep -v '^{' "$WORK/run.txt"
    } >>"$SUMMARY"
done
cat "$SUMMARY"
log "results in $OUT_DIR"
