#!/usr/bin/env bash
# Webhook delivery benchmark (issue #14): events/s delivered to a receiver on 127.0.0.1 and the
# delay from each change to its delivery, beside the same bookings made with no webhook.
#
#   bash bench/setup.sh && bash bench/run-webhooks.sh
#
# Builds kaigi (release), starts it with --demo on a fresh SQLite database (or DATABASE=url),
# raises the demo site's REST call limit, mints tokens for host01..host10, then runs
# bench/webhooks.py: COUNT meetings booked by ten clients (one per host, each booking its host's
# meetings one after another) without webhooks (baseline), then each host registers a webhook
# and COUNT more are booked; the receiver checks every signature, duplicates and each webhook's
# order. Writes bench/results/webhooks-<UTC time>.txt.
#
# Knobs: COUNT (5000), DATABASE (a fresh SQLite file), KAIGI_BIN, KAIGI_LABEL.
set -euo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
LOG_TAG=run-webhooks
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$BENCH/lib.sh"

COUNT=${COUNT:-5000}

need_tools curl python3
bench_init
build_kaigi
KAIGI_REV=$(kaigi_revision)
DB=${DATABASE:-$(sqlite_url "$WORK/kaigi.db" default)}
start_kaigi "$DB" "$WORK/kaigi.log"
stop_kaigi TERM
"$KAIGI_BIN" site limits --site demo --rest-calls-per-minute 100000000 --database "$DB" >&2
start_kaigi "$DB" "$WORK/kaigi.log"
TOKENS=()
for i in $(seq -w 1 10); do
    TOKENS+=("$("$KAIGI_BIN" token create --site demo --user "host$i" --database "$DB" 2>/dev/null)")
done
OUT=$ROOT/bench/results/webhooks-$(date -u +%Y%m%dT%H%M%SZ).txt
mkdir -p "$ROOT/bench/results"
{
    echo "kaigi $KAIGI_REV; $(machine_line); $(date -u +%Y-%m-%d); database ${DB%%\?*}"
    echo "command: COUNT=$COUNT bash bench/run-webhooks.sh"
    python3 "$BENCH/webhooks.py" "$KAIGI_URL" "$COUNT" "${TOKENS[@]}"
} | tee "$OUT"
stop_kaigi TERM
log "results in $OUT"
