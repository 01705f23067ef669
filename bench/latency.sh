#!/bin/bash
# Usage: bench/latency.sh [--count N] [--peer-wait S]
# Alert latency: the time from a CT log publishing a tree head that includes a look-alike's
# certificate to the alert, for `ctlite-worker run` (its alert line on stdout) and certspotter
# (its match on stdout), both with their default settings, following one RFC 6962 log on
# 127.0.0.1 side by side. Nothing is asserted; see bench/README.md (## latency).
set -euo pipefail
cd "$(dirname "$0")/.."

count=5 peer_wait=360
while [ $# -gt 0 ]; do
    case $1 in
    --count) count=${2:?} && shift 2 ;;
    --peer-wait) peer_wait=${2:?} && shift 2 ;;
    -h | --help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//' && exit 0 ;;
    *) echo "bench/latency.sh: unknown argument '$1'" >&2 && exit 2 ;;
    esac
done
w=build/bench/latency
rm -rf "$w" && mkdir -p "$w"
cp ./ctlite-worker "$w/ctlite-worker"
certspotter=${CERTSPOTTER-$(command -v certspotter || true)}
pids=()
# The clients run in pipelines, whose subshells are what $! names: they are found by their
# command lines, which hold this run's work directory.
cleanup() {
    pkill -f "$w/ctlite-worker run" 2>/dev/null || true
    pkill -f "state_dir $w/spotter" 2>/dev/null || true
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM
fail() { echo "bench/latency.sh: $*" >&2; exit 1; }
now() { echo "${EPOCHREALTIME/,/.}"; }
get() { /usr/bin/python3 -c 'import sys, urllib.request as u; print(u.urlopen(sys.argv[1], timeout=600).read().decode())' "$1"; }
# Prefixes each line of stdin with the time it arrived.
stamp() { /usr/bin/python3 -u -c 'import sys, time
for line in sys.stdin: print("%.3f %s" % (time.time(), line), end="", flush=True)'; }

/usr/bin/python3 tests/fixtures/ctlog_server.py --port-file "$w/port" --key-file "$w/key" \
    --entries 1000 --seed latency --page 1000 --clamp >"$w/server.out" 2>"$w/server.err" &
pids+=($!)
for ((i = 0; i < 100; i++)); do [ -e "$w/port" ] && break; sleep 0.1; done
[ -e "$w/port" ] || fail "the log server did not start; see $w/server.err"
url=http://127.0.0.1:$(cat "$w/port") key=$(cat "$w/key")
get "$url/_state" >/dev/null

# ctlite: the log, the brand, and a stdout channel; run with its defaults.
db=$w/ct.db
"$w/ctlite-worker" init "$db" >/dev/null
"$w/ctlite-worker" logs "$db" add "$url/rfc6962/" "$key" --description bench >/dev/null
"$w/ctlite-worker" watch "$db" add brand paypal.com >/dev/null
sqlite3 "$db" "INSERT INTO channel(name, kind, target) VALUES ('siem', 'stdout', '-')"
("$w/ctlite-worker" run "$db" 2>"$w/ctlite.err" | stamp >"$w/ctlite.out") &
pids+=($!)

# certspotter: the same log through a v3 list, watching the names to come.
if [ -n "$certspotter" ]; then
    /usr/bin/python3 bench/loglist.py "$key" "$url/rfc6962/" >"$w/loglist.json"
    for ((i = 1; i <= count; i++)); do echo "paypal-latency-$i.com"; done >"$w/watchlist"
    mkdir -p "$w/spotter/state" "$w/spotter/config"
    (CERTSPOTTER_CONFIG_DIR=$w/spotter/config "$certspotter" -logs "$w/loglist.json" \
        -state_dir "$w/spotter/state" -watchlist "$w/watchlist" -stdout -no_save -verbose \
        2>"$w/spotter.err" | stamp >"$w/spotter.out") &
    pids+=($!)
fi

# Both caught up with the 1,000 entries first.
deadline=$((SECONDS + 120))
until [ "$(sqlite3 "$db" 'SELECT verified_size FROM ct_log' 2>/dev/null)" = 1000 ]; do
    [ $SECONDS -lt $deadline ] || fail "ctlite did not catch up; see $w/ctlite.err"
    sleep 0.1
done
if [ -n "$certspotter" ]; then
    until grep -q 'finished downloading entries' "$w/spotter.err"; do
        [ $SECONDS -lt $deadline ] || fail "certspotter did not catch up; see $w/spotter.err"
        sleep 0.1
    done
fi
sleep 3 # the alerts of the first 1,000 entries delivered

# Each look-alike: appended (the next tree head includes it), then its alert awaited. The log
# answers get-entries past its end with what it has (--clamp), as real logs do: certspotter
# asks for 1,000 entries at a time.
declare -A published
for ((i = 1; i <= count; i++)); do
    name=paypal-latency-$i.com
    published[$name]=$(now)
    get "$url/_control?append=$name" >/dev/null
    deadline=$((SECONDS + 60))
    until grep -q "$name" "$w/ctlite.out"; do
        [ $SECONDS -lt $deadline ] || fail "no alert for $name in 60 s; see $w/ctlite.err"
        sleep 0.02
    done
    # The next one at a random moment of the poll interval.
    sleep "$(/usr/bin/python3 -c 'import random; print(round(random.uniform(0.5, 2.5), 2))')"
done
if [ -n "$certspotter" ]; then
    deadline=$((SECONDS + peer_wait))
    while [ $SECONDS -lt $deadline ] && [ "$(grep -c 'paypal-latency-' "$w/spotter.out" || true)" -lt "$count" ]; do
        sleep 1
    done
fi

# latencies FILE: one line per name, seconds from its publication to its first line in FILE
# ("-" when it never came).
latencies() {
    for ((i = 1; i <= count; i++)); do
        local name=paypal-latency-$i.com t
        t=$(grep -m1 "$name" "$1" | cut -d' ' -f1 || true)
        if [ -n "$t" ]; then echo "$t - ${published[$name]}" | bc -l; else echo -; fi
    done
}
latencies "$w/ctlite.out" >"$w/ctlite.lat"
[ -z "$certspotter" ] || latencies "$w/spotter.out" >"$w/spotter.lat"

summary() { # FILE: median and max of the numbers, and how many are missing
    /usr/bin/python3 -c 'import statistics, sys
v = [float(x) for x in open(sys.argv[1]).read().split() if x != "-"]
miss = sum(1 for x in open(sys.argv[1]).read().split() if x == "-")
print("%.2f %.2f %d" % (statistics.median(v), max(v), miss) if v else "- - %d" % miss)' "$1"
}
echo "## latency: tree head published to alert, $count look-alikes, one RFC 6962 log on 127.0.0.1"
printf '%-34s %10s %10s %8s\n' "client (defaults)" "median s" "max s" "missed"
read -r cm cx cmiss < <(summary "$w/ctlite.lat")
printf '%-34s %10s %10s %8s\n' "ctlite-worker run (stdout)" "$cm" "$cx" "$cmiss"
if [ -n "$certspotter" ]; then
    read -r sm sx smiss < <(summary "$w/spotter.lat")
    printf '%-34s %10s %10s %8s\n' "certspotter -stdout" "$sm" "$sx" "$smiss"
    if [ "$sm" != - ]; then
        printf 'certspotter / ctlite, median: %.0fx\n' "$(echo "$sm / $cm" | bc -l)"
    else
        echo "certspotter reported none within $peer_wait s (it polls a log every 5 minutes):" \
            "more than $(echo "$peer_wait / $cm" | bc)x ctlite's median"
    fi
else
    echo "certspotter is not installed (apt-get install certspotter): ctlite's figures only."
fi
echo "target: ctlite under 5 s"
