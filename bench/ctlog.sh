#!/bin/bash
# Usage: bench/ctlog.sh [--entries N] [--reps N]
# Catch-up of one CT log served on 127.0.0.1 by tests/fixtures/ctlog_server.py: `ctlite-worker
# tail --once` (static-ct-api and RFC 6962) against certspotter (RFC 6962), each from index 0 to
# the tree head, verified. Prints wall time, CPU seconds per 1,000 entries, entries per
# CPU-second and peak RSS, then ctlite's ratios to certspotter. Nothing is asserted; see
# bench/README.md (## ctlog). Work files go to build/bench/ctlog/, left there for reading.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
    cat <<'EOF'
Usage: bench/ctlog.sh [--entries N] [--reps N]

Serves one generated CT log of N entries on 127.0.0.1 (tests/fixtures/ctlog_server.py,
generated in full before any timing) and times, from a fresh start each run:

  ctlite static-ct-api  ctlite-worker tail DB --once, the log added with its /static/ tiles
  ctlite rfc6962        the same, the log added as RFC 6962 (get-sth, get-entries)
  certspotter rfc6962   certspotter from index 0 with a one-name watchlist that matches
                        nothing, stopped (SIGTERM) once it has verified the whole tree

  --entries N  log size (default 50000), rounded up to a multiple of 1000: certspotter 0.16
               always asks get-entries for 1000 entries, and the fixture serves 1000-entry
               pages but refuses a range past the tree
  --reps N     runs of each; every figure is the lowest of its runs (default 3)

Needs ./ctlite-worker, sqlite3, GNU time (/usr/bin/time) and python3-cryptography. CERTSPOTTER
names another certspotter binary; without one (Debian package certspotter, or CERTSPOTTER set
empty) prints ctlite's figures only. Takes about 45 s a run at 50000 entries.
EOF
}

entries=50000 reps=3
while [ $# -gt 0 ]; do
    case $1 in
    -h | --help) usage && exit 0 ;;
    --entries) entries=${2:?--entries needs a number} && shift 2 ;;
    --reps) reps=${2:?--reps needs a number} && shift 2 ;;
    *) usage >&2 && exit 2 ;;
    esac
done
[[ $entries =~ ^[1-9][0-9]*$ ]] || { echo "bench/ctlog.sh: --entries must be a positive integer" >&2; exit 2; }
[[ $reps =~ ^[1-9][0-9]*$ ]] || { echo "bench/ctlog.sh: --reps must be a positive integer" >&2; exit 2; }
page=1000
n=$(((entries + page - 1) / page * page))

for f in ./ctlite-worker /usr/bin/time /usr/bin/python3; do
    [ -x "$f" ] || { echo "bench/ctlog.sh: $f is missing (make; apt-get install time python3)" >&2; exit 1; }
done
command -v sqlite3 >/dev/null || { echo "bench/ctlog.sh: sqlite3 is missing (apt-get install sqlite3)" >&2; exit 1; }
certspotter=${CERTSPOTTER-$(command -v certspotter || true)}

# Work directory: a copy of the worker (another build may replace ./ctlite-worker meanwhile),
# the server's port and key files, the log list, databases, certspotter's state and outputs.
w=build/bench/ctlog
rm -rf "$w" && mkdir -p "$w"
cp ./ctlite-worker "$w/ctlite-worker"
server='' spotter='' # the log server's process id, and GNU time's while it runs certspotter
# stop_spotter: SIGTERM to certspotter, the child of $spotter; GNU time reports once it exits.
stop_spotter() {
    local pid=''
    read -r pid _ <"/proc/$spotter/task/$spotter/children" 2>/dev/null || true
    [ -z "$pid" ] || kill -TERM "$pid" 2>/dev/null || true
    wait "$spotter" || true
    spotter=''
}
cleanup() {
    [ -z "$spotter" ] || stop_spotter
    if [ -n "$server" ] && kill "$server" 2>/dev/null; then wait "$server" 2>/dev/null || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() { echo "bench/ctlog.sh: $*" >&2; exit 1; }
py() { /usr/bin/python3 -c "$@"; }
now() { echo "${EPOCHREALTIME/,/.}"; }
# The log server's CPU seconds so far (user + sys), to show how much of a wall time is its.
tck=$(getconf CLK_TCK)
server_cpu() { awk -v t="$tck" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$server/stat"; }

/usr/bin/python3 tests/fixtures/ctlog_server.py --port-file "$w/port" --key-file "$w/key" \
    --entries "$n" --seed ctlog-bench --page "$page" >"$w/server.out" 2>"$w/server.err" &
server=$!
for ((i = 0; i < 100; i++)); do [ -e "$w/port" ] && break; sleep 0.1; done
[ -e "$w/port" ] || fail "the log server did not start; see $w/server.err"
url=http://127.0.0.1:$(cat "$w/port") key=$(cat "$w/key")

# The fixture makes its entries lazily; /_state answers once all of them are made and hashed,
# and they stay in memory, so no timed run pays for generating them. Responses (base64 JSON,
# gzip tiles) are still encoded per request, by the server, on every run.
t0=$(now)
py 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=3600).read()' "$url/_state"
gen=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')

# A v3 log list with the one log (log_id: SHA-256 of the DER key), for certspotter.
/usr/bin/python3 bench/loglist.py "$key" "$url/rfc6962/" >"$w/loglist.json"
echo ".nothing-matches.invalid" >"$w/watchlist"

# One result line per run: "NAME wall user sys maxrss_kb server_cpu" in $w/results.
: >"$w/results"

# run_ctlite NAME RUN URL [--monitoring URL]: a fresh database, the log added, one tail pass.
run_ctlite() {
    local name=$1 run=$2 add=$3 db=$w/$1-$2.db s0
    shift 3
    "$w/ctlite-worker" init "$db" >/dev/null
    "$w/ctlite-worker" logs "$db" add "$add" "$key" "$@" >/dev/null
    s0=$(server_cpu)
    /usr/bin/time -f '%e %U %S %M' -o "$w/$name-$run.time" \
        "$w/ctlite-worker" tail "$db" --once >"$w/$name-$run.out" 2>&1 ||
        fail "ctlite-worker tail failed; see $w/$name-$run.out"
    local got
    got=$(sqlite3 "$db" 'SELECT verified_size FROM ct_log')
    [ "$got" = "$n" ] || fail "$name: $got of $n entries verified; see $w/$name-$run.out"
    echo "$name $(tail -1 "$w/$name-$run.time") $(awk -v a="$s0" -v b="$(server_cpu)" \
        'BEGIN { print b - a }')" >>"$w/results"
}

# run_certspotter RUN: certspotter from index 0 under GNU time, watched until its stderr says
# "finished downloading entries" (-verbose prints it after the last entry is processed and the
# tree head verified), then stopped with SIGTERM. Wall time is start to that line, polled every
# 20 ms; CPU and peak RSS are GNU time's for the whole process, stop included. Its own config
# directory keeps ~/.certspotter's hooks and email recipients out; -stdout is the one
# notification method it insists on.
run_certspotter() {
    local run=$1 d=$w/certspotter-$1
    mkdir -p "$d/state" "$d/config"
    local t0 t1='' s0 s1 deadline=$((SECONDS + 60 + n / 100))
    s0=$(server_cpu) t0=$(now)
    CERTSPOTTER_CONFIG_DIR=$d/config /usr/bin/time -f '%e %U %S %M' -o "$d/time" \
        "$certspotter" -logs "$w/loglist.json" -state_dir "$d/state" -watchlist "$w/watchlist" \
        -stdout -no_save -verbose >"$d/out" 2>"$d/err" &
    spotter=$!
    while kill -0 "$spotter" 2>/dev/null && [ $SECONDS -lt $deadline ]; do
        if grep -q 'finished downloading entries' "$d/err"; then
            t1=$(now) s1=$(server_cpu)
            break
        fi
        if grep -q 'error' "$d/err"; then break; fi # it would retry in 5 minutes
        sleep 0.02
    done
    stop_spotter
    [ -n "$t1" ] || fail "certspotter did not catch up; see $d/err"
    local got
    got=$(py 'import glob, json, sys
print(json.load(open(glob.glob(sys.argv[1] + "/logs/*/state.json")[0]))["verified_position"]["size"])' "$d/state")
    [ "$got" = "$n" ] || fail "certspotter: $got of $n entries verified; see $d/err"
    read -r _ user sys rss < <(tail -1 "$d/time")
    echo "certspotter $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') $user $sys $rss" \
        "$(awk -v a="$s0" -v b="$s1" 'BEGIN { print b - a }')" >>"$w/results"
}

echo
echo "== ctlog: catch-up of $n entries from index 0, verified, on 127.0.0.1, best of $reps"
[ "$n" = "$entries" ] || echo "   ($entries rounded up to $n, a multiple of certspotter's 1000-entry requests)"
echo "   Log generated and hashed by the server in $gen s before timing; get-entries pages of $page."
for ((r = 1; r <= reps; r++)); do
    run_ctlite ctlite-static "$r" "$url/static/" --monitoring "$url/static/"
    run_ctlite ctlite-rfc6962 "$r" "$url/rfc6962/"
    [ -z "$certspotter" ] || run_certspotter "$r"
done
if [ -z "$certspotter" ]; then
    echo "   certspotter is not installed (apt-get install certspotter): ctlite's figures only."
else
    echo "   $($certspotter -version 2>&1 | head -1 | tr -d '?'); $("$w/ctlite-worker" --version)"
fi

awk -v n="$n" '
    { if (!($1 in wall)) { order[++k] = $1; wall[$1] = $2; cpu[$1] = $3 + $4; usr[$1] = $3
                           sys[$1] = $4; rss[$1] = $5; srv[$1] = $6 }
      if ($2 < wall[$1]) { wall[$1] = $2; srv[$1] = $6 }
      if ($3 + $4 < cpu[$1]) { cpu[$1] = $3 + $4; usr[$1] = $3; sys[$1] = $4 }
      if ($5 < rss[$1]) rss[$1] = $5 }
    END {
        label["ctlite-static"] = "ctlite static-ct-api"; label["ctlite-rfc6962"] = "ctlite rfc6962"
        label["certspotter"] = "certspotter rfc6962"
        printf "%-22s %8s %8s %7s %11s %13s %9s %9s\n", "", "wall s", "user s", "sys s",
               "cpu s/1000", "entries/cpu-s", "peak RSS", "server s"
        for (i = 1; i <= k; i++) {
            t = order[i]; c = cpu[t] > 0 ? cpu[t] : 0.01
            printf "%-22s %8.2f %8.2f %7.2f %11.4f %13.0f %5.1f MiB %9.2f\n", label[t], wall[t],
                   usr[t], sys[t], c / n * 1000, n / c, rss[t] / 1024, srv[t]
        }
        if (!("certspotter" in wall)) exit
        cs = cpu["certspotter"] > 0 ? cpu["certspotter"] : 0.01
        print ""
        printf "%-22s %11s %13s %8s %9s  %s\n", "ctlite / certspotter", "cpu s/1000",
               "entries/cpu-s", "wall", "peak RSS", "target: 3x entries/cpu-s, RSS <= 1x"
        for (i = 1; i <= k; i++) {
            t = order[i]; if (t == "certspotter") continue; c = cpu[t] > 0 ? cpu[t] : 0.01
            printf "%-22s %10.2fx %12.2fx %7.2fx %8.2fx  %s, %s\n", label[t], c / cs, cs / c,
                   wall[t] / wall["certspotter"], rss[t] / rss["certspotter"],
                   (cs / c >= 3 ? "met" : "not met"), (rss[t] <= rss["certspotter"] ? "met" : "not met")
        }
    }' "$w/results"
