#!/bin/bash
# Usage: bench/certificate_stream.sh [--domains N] [--reps N]
# An hour of certificate.stream's domain names, from a loopback fake of its API (tests/fixtures/
# certificate_stream_server.py, N names in the hour, default 100000, plus a few look-alikes of
# examplecompany.com), checked against that one brand by `ctlite-worker certificate-stream`
# then `ctlite-worker rules` (each timed, and both together), and by the vendor tutorial's
# "hourly batch job" rebuilt in bench/certificate_stream_seed.py (pages of 1000 by offset,
# Levenshtein distance under 3 to the brand); and, for the server's share, every page fetched
# with curl and nothing done with it. Best of --reps runs (default 3). Prints seconds, domains
# per second, CPU seconds of client and server, requests and alerts, and the ratio. Nothing
# is asserted; see bench/README.md (## certificate_stream).
set -euo pipefail
cd "$(dirname "$0")/.."

domains=100000 reps=3
while [ $# -gt 0 ]; do
    case $1 in
    --domains) domains=${2:?--domains needs a number} && shift 2 ;;
    --reps) reps=${2:?--reps needs a number} && shift 2 ;;
    -h | --help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' && exit 0 ;;
    *) echo "bench/certificate_stream.sh: unknown argument '$1'" >&2 && exit 2 ;;
    esac
done
# The fixture makes at most 900000 records an hour (and takes offsets up to 1000000).
if ! [[ $domains =~ ^[1-9][0-9]*$ ]] || [ "$domains" -gt 900000 ]; then
    echo "bench/certificate_stream.sh: --domains must be 1 to 900000" >&2
    exit 2
fi
[[ $reps =~ ^[1-9][0-9]*$ ]] || { echo "bench/certificate_stream.sh: --reps must be a positive integer" >&2; exit 2; }
for f in ./ctlite-worker /usr/bin/python3 /usr/bin/sqlite3; do
    [ -x "$f" ] || { echo "bench/certificate_stream.sh: $f is missing (make; apt-get install python3 sqlite3)" >&2; exit 1; }
done
command -v curl >/dev/null || { echo "bench/certificate_stream.sh: curl is missing (apt-get install curl)" >&2; exit 1; }

w=build/bench/certificate_stream
rm -rf "$w" && mkdir -p "$w"
server=''
cleanup() {
    if [ -n "$server" ] && kill -TERM "$server" 2>/dev/null; then wait "$server" 2>/dev/null || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
fail() { echo "bench/certificate_stream.sh: $*" >&2; exit 1; }

hour=2026-11-30-09 brand=examplecompany.com
export CLIENT_ID=test-id CLIENT_SECRET=test-secret
# Look-alikes of the brand, and two of its own names, added to the end of the hour.
looks=(examp1ecompany.com examplecompamy.com exampelcompany.com examplecornpany.com
    www.examp1e-company.com examplecompany-login.com examplecompany.net
    secure-examplecompany.com.evil.test examplecompany.com mail.examplecompany.com)
for n in "${looks[@]}"; do echo "$hour $n"; done >"$w/inject"

/usr/bin/python3 tests/fixtures/certificate_stream_server.py --port-file "$w/port" \
    --log "$w/server.log" --per-hour "$domains" --inject "$w/inject" >"$w/server.out" 2>&1 &
server=$!
for _ in $(seq 100); do [ -s "$w/port" ] && break; sleep 0.1; done
[ -s "$w/port" ] || fail "the fixture did not start; see $w/server.out"
base=http://127.0.0.1:$(cat "$w/port")
api=$base/v1 token_url=$base/oauth2/token

# CPU seconds (user + sys): of the fixture, and of this shell's children that have ended.
tck=$(getconf CLK_TCK)
cpu_of() { sed 's/.*) //' "/proc/$1/stat" | awk -v t="$tck" '{ printf "%.2f", ($12 + $13) / t }'; }
cpu_children() { sed 's/.*) //' "/proc/$$/stat" | awk -v t="$tck" '{ printf "%.2f", ($14 + $15) / t }'; }

# The minimal client: a token, then every page of the hour in one curl, on one connection,
# into /dev/null.
get_token() {
    curl -sS --fail -d "client_id=$CLIENT_ID" -d "client_secret=$CLIENT_SECRET" \
        -d grant_type=client_credentials "$token_url" |
        sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p'
}
fetch_only() {
    curl -sS --fail -H "Authorization: Bearer $(get_token)" -K "$w/pages.curl"
}

# The hour is made on its first request and then kept by the fixture: made here, untimed,
# which also gives its count.
count=$(curl -sS --fail -H "Authorization: Bearer $(get_token)" \
    "$api/domains/list?limit=1&date_and_hour=$hour" | sed -n 's/.*"count":\([0-9]*\).*/\1/p')
[ -n "$count" ] || fail "no count from the fixture; see $w/server.log"
for ((o = 0; o < count; o += 1000)); do
    printf 'url = "%s"\noutput = "/dev/null"\n' "$api/domains/list?limit=1000&offset=$o&date_and_hour=$hour"
done >"$w/pages.curl"

# timed REP LABEL COMMAND...: one run, as "rep label wall client-cpu server-cpu requests" in
# $w/times.
: >"$w/times"
timed() {
    local rep=$1 label=$2 t0 c0 s0 r0
    shift 2
    r0=$(wc -l <"$w/server.log") s0=$(cpu_of "$server") c0=$(cpu_children) t0=${EPOCHREALTIME/,/.}
    "$@"
    local t1=${EPOCHREALTIME/,/.}
    echo "$rep $label $(echo "$t1 - $t0" | bc -l) $(echo "$(cpu_children) - $c0" | bc -l)" \
        "$(echo "$(cpu_of "$server") - $s0" | bc -l) $(($(wc -l <"$w/server.log") - r0))" >>"$w/times"
}

for ((rep = 1; rep <= reps; rep++)); do
    timed "$rep" fetch fetch_only

    db=$w/ctlite-$rep.db
    ./ctlite-worker init "$db" >/dev/null
    ./ctlite-worker watch "$db" add brand "$brand" >/dev/null
    timed "$rep" stream ./ctlite-worker certificate-stream "$db" --hour "$hour" --url "$api" \
        --token-url "$token_url" >"$w/ctlite-$rep.out" 2>"$w/ctlite-$rep.err"
    timed "$rep" rules ./ctlite-worker rules "$db" >>"$w/ctlite-$rep.out" 2>>"$w/ctlite-$rep.err"

    timed "$rep" peer /usr/bin/python3 bench/certificate_stream_seed.py --url "$api" \
        --token-url "$token_url" --hour "$hour" --domain "$brand" >"$w/peer-$rep.out" 2>"$w/peer-$rep.log"
done

# The alerts of the last run: ctlite's alert_log, the peer's "ALERT! NAME is similar" lines.
sqlite3 "$db" "SELECT json_extract(detail, '$.name'), json_extract(detail, '$.technique')
    FROM alert_log" >"$w/ctlite.alerts"
sed -n 's/.* ALERT! \(.*\) is similar to .*/\1/p' "$w/peer-$reps.log" >"$w/peer.alerts"

echo
echo "== certificate_stream: the hour $hour on 127.0.0.1: $count names ($domains generated +" \
    "${#looks[@]} injected), pages of 1000, $brand watched; best of $reps"
echo "   ctlite: $(head -1 "$w/ctlite-$reps.out")"
echo "           $(tail -1 "$w/ctlite-$reps.out")"
echo "   peer:   $(tail -1 "$w/peer-$reps.out") (requests $(/usr/bin/python3 -c 'import requests
print(requests.__version__)' 2>/dev/null || echo 'not installed: urllib'))"
/usr/bin/python3 - "$w/times" "$count" "$w/ctlite.alerts" "$w/peer.alerts" "$brand" "${looks[@]}" <<'PY'
import sys
sys.path.insert(0, "bench")
from certificate_stream_seed import metric, MINIMUM_THRESHOLD

times, count, ctlite_alerts, peer_alerts, brand, *looks = sys.argv[1:]
count = int(count)
runs = {}
for line in open(times):
    rep, label, wall, client, server, requests = line.split()
    runs.setdefault(rep, {})[label] = (float(wall), float(client), float(server), int(requests))
for r in runs.values():  # ctlite's whole job: both steps of the same run
    r["ctlite"] = tuple(a + b for a, b in zip(r["stream"], r["rules"]))
best = {label: min((r[label] for r in runs.values()), key=lambda t: t[0])
        for label in ("fetch", "stream", "rules", "ctlite", "peer")}
ctlite = dict(line.rstrip("\n").split("|") for line in open(ctlite_alerts) if line.strip())
peer = [line.strip() for line in open(peer_alerts) if line.strip()]
alerts = {"ctlite": len(ctlite), "rules": len(ctlite), "peer": len(peer)}

print()
print(f"{'client':<36}{'seconds':>9}{'domains/s':>11}{'client CPU s':>14}{'server CPU s':>14}"
      f"{'requests':>10}{'alerts':>8}")
names = {"fetch": "fixture alone (curl, no processing)", "stream": "ctlite certificate-stream",
         "rules": "ctlite rules", "ctlite": "ctlite, both steps",
         "peer": "peer (tutorial's hourly batch job)"}
for label, name in names.items():
    wall, client, server, requests = best[label]
    print(f"{name:<36}{wall:>9.2f}{count / wall:>11.0f}{client:>14.2f}{server:>14.2f}"
          f"{requests:>10}{alerts.get(label, '-'):>8}")
c, p, f = best["ctlite"][0], best["peer"][0], best["fetch"][0]
print(f"ratio peer/ctlite: {p / c:.1f}x (whole job, wall seconds; above 1x ctlite is faster), "
      f"{best['peer'][1] / best['ctlite'][1]:.1f}x client CPU")
print(f"the fixture's serving (fetch alone, {f:.2f} s, {best['fetch'][2]:.2f} s of server CPU) is "
      f"{100 * f / c:.0f}% of ctlite's time "
      f"({100 * f / best['stream'][0]:.0f}% of its certificate-stream step) and "
      f"{100 * f / p:.0f}% of the peer's")

print()
print(f"{'injected name':<38}{'Levenshtein':>12}  {'peer':<7}ctlite")
for name in looks:
    d = metric(brand, name)
    print(f"{name:<38}{d:>12}  {'alert' if name in peer else '-':<7}{ctlite.get(name, '-')}")
others = [n for n in peer if n not in looks] + [n for n in ctlite if n not in looks]
print(f"alerts on generated names: {len(others)}"
      f"{' (' + ', '.join(others[:5]) + ')' if others else ''}; peer: distance < "
      f"{MINIMUM_THRESHOLD}, one alert per name; ctlite: rule_typosquat, one alert per registrable"
      " domain")
PY
