#!/usr/bin/env bash
# Durability of acknowledged CreateMeeting calls across `kill -9` (issue #3).
#
#   bash bench/durability.sh
#
# For each SQLite synchronous mode, ROUNDS times: starts kaigi (release, --demo) on a fresh SQLite
# file, runs a CreateMeeting load (wrk with bench/createmeeting.lua, which appends the key of every
# meeting whose reply said SUCCESS to a file per wrk thread), kills kaigi with SIGKILL after
# KILL_AFTER seconds of load, restarts it on the same file and looks every acknowledged key up:
# LstsummaryMeeting as the site admin, page by page (500 a page), then GetMeeting (10 bodyContents
# a request) for any key the listing did not show (the listing scans at most 20,000 meetings).
# Prints acknowledged / found / missing per round; exits non-zero if any acknowledged meeting is
# missing (or if a round acknowledged none, which would prove nothing).
# Writes the summary to bench/results/durability-<UTC time>.txt.
#
# Knobs (environment): SYNC_MODES ("normal full" when kaigi supports ?synchronous=, else
# "default"), ROUNDS (2), THREADS (2), CONNS (50), KILL_AFTER (3, seconds);
# KAIGI_BIN=path to test a kaigi binary built elsewhere (no build), KAIGI_LABEL=what it is.
set -euo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
LOG_TAG=durability
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$BENCH/lib.sh"

SYNC_MODES=${SYNC_MODES:-$(default_sync_modes)}
ROUNDS=${ROUNDS:-2}
THREADS=${THREADS:-2}
CONNS=${CONNS:-50}
KILL_AFTER=${KILL_AFTER:-3}
PAGE=500

need_tools wrk curl ss cargo awk sed sort comm
bench_init
build_kaigi
KAIGI_REV=$(kaigi_revision)

HEAD='<?xml version="1.0" encoding="UTF-8"?><serv:message xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><header><securityContext><siteName>demo</siteName><webExID>admin</webExID><password>demo-admin-pass</password></securityContext></header><body>'
TAIL='</body></serv:message>'

# list_keys URL OUT: every meeting key LstsummaryMeeting shows the admin, one per line, into OUT;
# sets LISTED_TOTAL (meet:matchingRecords/serv:total of the first page).
list_keys() {
    local url=$1 out=$2 start=1 total page=0
    : >"$out"
    LISTED_TOTAL=0
    while :; do
        page=$((page + 1))
        ((page <= 1000)) || { log "more than 1000 pages: giving up"; exit 1; }
        printf '%s<bodyContent xsi:type="java:com.webex.service.binding.meeting.LstsummaryMeeting"><listControl><startFrom>%d</startFrom><maximumNum>%d</maximumNum></listControl></bodyContent>%s' \
            "$HEAD" "$start" "$PAGE" "$TAIL" >"$WORK/list-request.xml"
        xml_post "$url" "$WORK/list-request.xml" "$WORK/list-response.xml"
        if ! grep -q '<serv:result>SUCCESS</serv:result>' "$WORK/list-response.xml"; then
            # An empty site answers "no records": only acceptable on the first page.
            if ((start == 1)) && grep -q '<serv:exceptionID>000015</serv:exceptionID>' "$WORK/list-response.xml"; then
                return 0
            fi
            log "LstsummaryMeeting (startFrom $start) failed:"
            head -c 2000 "$WORK/list-response.xml" >&2
            exit 1
        fi
        total=$(sed -n 's/.*<serv:total>\([0-9]*\)<\/serv:total>.*/\1/p' "$WORK/list-response.xml")
        ((start == 1)) && LISTED_TOTAL=${total:-0}
        grep -o '<meet:meetingKey>[0-9]*</meet:meetingKey>' "$WORK/list-response.xml" \
            | sed 's/<[^>]*>//g' >>"$out" || true
        start=$((start + PAGE))
        ((start <= ${total:-0})) || break
    done
}

# get_keys URL IN OUT: of the keys in IN, those GetMeeting finds (as the admin), into OUT.
get_keys() {
    local url=$1 in=$2 out=$3
    : >"$out"
    split -l 10 "$in" "$WORK/batch."
    local batch
    for batch in "$WORK"/batch.*; do
        [[ -e $batch ]] || continue
        {
            printf '%s' "$HEAD"
            awk '{ printf "<bodyContent xsi:type=\"java:com.webex.service.binding.meeting.GetMeeting\"><meetingKey>%s</meetingKey></bodyContent>", $1 }' "$batch"
            printf '%s' "$TAIL"
        } >"$WORK/get-request.xml"
        xml_post "$url" "$WORK/get-request.xml" "$WORK/get-response.xml"
        grep -o '<meet:meetingkey>[0-9]*</meet:meetingkey>' "$WORK/get-response.xml" \
            | sed 's/<[^>]*>//g' >>"$out" || true
        rm -f "$batch"
    done
}

# round MODE N: one load / kill -9 / restart / check cycle; appends a result row to $WORK/rows.txt.
FAILED=0
round() {
    local mode=$1 n=$2 dir="$WORK/$1-$2" url wrk_pid status
    mkdir -p "$dir/keys"
    url=$(sqlite_url "$dir/kaigi.db" "$mode")
    start_kaigi "$url" "$dir/kaigi.log"
    log "synchronous=$mode, round $n: kaigi ready; CreateMeeting load wrk -t$THREADS -c$CONNS, kill -9 after ${KILL_AFTER}s"

    KAIGI_BENCH_KEYS=$dir/keys timeout 60 wrk -t"$THREADS" -c"$CONNS" -d"$((KILL_AFTER + 2))s" \
        -s "$BENCH/createmeeting.lua" "$KAIGI_URL" >"$dir/wrk.txt" 2>&1 &
    wrk_pid=$!
    PIDS+=("$wrk_pid")
    sleep "$KILL_AFTER"
    kill -0 "$KAIGI_PID" 2>/dev/null || { log "kaigi died before the kill"; tail -n 50 "$dir/kaigi.log" >&2; exit 1; }
    stop_kaigi KILL
    log "kaigi killed (SIGKILL) under load; waiting for wrk"
    status=0
    wait "$wrk_pid" || status=$?
    forget_pid "$wrk_pid"
    ((status == 0)) || { log "wrk failed (status $status):"; cat "$dir/wrk.txt" >&2; exit 1; }

    local wrk_ok acked dups
    wrk_ok=$(awk '/^creates:/ { print $2 }' "$dir/wrk.txt")
    cat "$dir"/keys/keys-*.txt 2>/dev/null | sort >"$dir/acked-all.txt" || true
    sort -u "$dir/acked-all.txt" >"$dir/acked.txt"
    acked=$(wc -l <"$dir/acked.txt")
    dups=$(($(wc -l <"$dir/acked-all.txt") - acked))
    if [[ ${wrk_ok:-x} != "$(wc -l <"$dir/acked-all.txt")" ]]; then
        log "wrk counted ${wrk_ok:-no} acknowledged creates but the key files hold $(wc -l <"$dir/acked-all.txt")"
        exit 1
    fi

    log "restarting kaigi on the same database"
    start_kaigi "$url" "$dir/kaigi.log"
    local restart_ms=$READY_MS listed found missing
    list_keys "$KAIGI_URL" "$dir/listed-all.txt"
    sort -u "$dir/listed-all.txt" >"$dir/listed.txt"
    comm -23 "$dir/acked.txt" "$dir/listed.txt" >"$dir/not-listed.txt"
    listed=$(comm -12 "$dir/acked.txt" "$dir/listed.txt" | wc -l)
    get_keys "$KAIGI_URL" "$dir/not-listed.txt" "$dir/got-all.txt"
    sort -u "$dir/got-all.txt" >"$dir/got.txt"
    comm -23 "$dir/not-listed.txt" "$dir/got.txt" >"$dir/missing.txt"
    missing=$(wc -l <"$dir/missing.txt")
    found=$((acked - missing))
    stop_kaigi TERM

    local verdict=ok
    if ((missing > 0 || acked == 0 || dups > 0)); then
        verdict=FAIL
        FAILED=1
        ((missing == 0)) || log "missing after the restart: $(head -n 20 "$dir/missing.txt" | tr '\n' ' ')"
        ((acked > 0)) || log "no meeting was acknowledged: the round proves nothing"
        ((dups == 0)) || log "$dups keys were acknowledged twice"
    fi
    printf '  %-8s %5s  %12s  %8s  %8s  %7s  %18s  %10s  %13s  %s\n' "$mode" "$n" "$acked" "$found" "$missing" \
        "$((found - listed))" "$LISTED_TOTAL" "$restart_ms" "$(awk -v a="$acked" -v s="$KILL_AFTER" 'BEGIN { printf "%.0f", a / s }')" \
        "$verdict" >>"$WORK/rows.txt"
    log "synchronous=$mode, round $n: acknowledged $acked, found $found, missing $missing ($verdict)"
    rm -rf "$dir"
}

: >"$WORK/rows.txt"
for mode in $SYNC_MODES; do
    for n in $(seq "$ROUNDS"); do
        round "$mode" "$n"
    done
done

SUMMARY=$(cat <<SUM
kaigi CreateMeeting durability across kill -9 (issue #3) — $(date -u +%Y-%m-%dT%H:%M:%SZ)
machine: $(machine_line)
kaigi: $KAIGI_REV; SQLite (fresh temp file per round), --demo
load: wrk -t$THREADS -c$CONNS -s bench/createmeeting.lua; kaigi killed with SIGKILL ${KILL_AFTER}s into it, then
      restarted on the same file; acknowledged = replies with SUCCESS and a meeting key, as wrk read them;
      found = listed by LstsummaryMeeting (admin) or, failing that, returned by GetMeeting

  mode     round  acknowledged     found   missing  by Get  listed total (cap 20000)  restart ms  ≈ acked per s  verdict
$(cat "$WORK/rows.txt")
result: $( ((FAILED == 0)) && echo "every acknowledged meeting was there after kill -9 and a restart" || echo "FAILED: see the rows marked FAIL")
SUM
)
mkdir -p "$BENCH/results"
OUT=$BENCH/results/durability-$(date -u +%Y%m%d-%H%M%S).txt
echo "$SUMMARY" >"$OUT"
echo "$SUMMARY"
echo
echo "written to ${OUT#"$ROOT"/}"
exit "$FAILED"
