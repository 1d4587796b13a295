#!/usr/bin/env bash
# Installs what bench/run.sh needs: wrk (Debian package), curl, and a Rust toolchain check.
# Idempotent: does nothing when everything is already there.
set -euo pipefail

need_apt=()
command -v wrk >/dev/null 2>&1 || need_apt+=(wrk)
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
command -v ss >/dev/null 2>&1 || need_apt+=(iproute2)
# PERF=1 (profiles in bench/run-spread.sh): perf from Debian, inferno-flamegraph from crates.io.
if [[ ${PERF:-0} == 1 ]]; then
    command -v perf >/dev/null 2>&1 || need_apt+=(linux-perf)
fi

if ((${#need_apt[@]})); then
    if [[ $(id -u) -ne 0 ]]; then
        SUDO=sudo
    else
        SUDO=
    fi
    echo "setup: installing ${need_apt[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
    echo "setup: cargo not found; install a Rust toolchain (rust-version 1.85 or newer)" >&2
    exit 1
fi

if [[ ${PERF:-0} == 1 ]] && ! command -v inferno-flamegraph >/dev/null 2>&1; then
    echo "setup: installing inferno (flame graphs)"
    cargo install --locked inferno --version '^0.12' --root "${CARGO_HOME:-$HOME/.cargo}" >/dev/null
fi

echo "setup: ok ($(wrk --version 2>&1 | head -n1 | awk '{print $1, $2}'), $(cargo --version))"
