#!/bin/bash
# Usage: bench/scan.sh [--hosts N] [--timeout S]
# Site checks: `ctlite-worker scan` on N look-alike hosts served on 127.0.0.1 (tests/fixtures/
# web_server.py, names resolved by dnsmasq), 90% live, 5% without DNS and 5% that never finish
# their answer, with its 16 GETs at once against one at a time (--parallel 1), the way
# CertStreamMonitor's scanhost checks one host after the other. Prints hosts checked per second
# and the ratio. Nothing is asserted; see bench/README.md (## scan).
set -euo pipefail
cd "$(dirname "$0")/.."

hosts=200 timeout=5
while [ $# -gt 0 ]; do
    case $1 in
    --hosts) hosts=${2:?} && shift 2 ;;
    --timeout) timeout=${2:?} && shift 2 ;;
    -h | --help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//' && exit 0 ;;
    *) echo "bench/scan.sh: unknown argument '$1'" >&2 && exit 2 ;;
    esac
done
w=build/bench/scan
rm -rf "$w" && mkdir -p "$w"
dnsmasq=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

/usr/bin/python3 tests/fixtures/web_server.py --dir "$w/web" >"$w/web.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -s "$w/web/ports" ] && break; sleep 0.1; done
eval "$(sed 's/\([a-z]*\)=/\1_port=/g' "$w/web/ports")"
dns_port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$dnsmasq" --keep-in-foreground --conf-file=/dev/null --port="$dns_port" \
    --listen-address=127.0.0.1 --bind-interfaces --no-resolv --no-hosts --pid-file= \
    --user="$(id -un)" --local=/test/ --address=/phish.test/127.0.0.1 >"$w/dns.log" 2>&1 &
pids+=($!)
sleep 0.5

./ctlite-worker init "$w/base.db" >/dev/null
# Host i: a live site, or (one in 20 each) a name without DNS or a site that never finishes.
sqlite3 "$w/base.db" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $hosts)
    INSERT INTO alert_log(rule, key, detail)
    SELECT 'typosquat', 'bench-' || i,
           json_object('name', CASE i % 20 WHEN 0 THEN 'nx-' || i || '.nx.test'
                                            WHEN 1 THEN 'slow-' || i || '.phish.test'
                                            ELSE 'up-' || i || '.phish.test' END) FROM n"

declare -A took result
for parallel in 16 1; do
    cp "$w/base.db" "$w/p$parallel.db"
    start=${EPOCHREALTIME/,/.}
    result[$parallel]=$(./ctlite-worker scan "$w/p$parallel.db" --dns "127.0.0.1:$dns_port" \
        --https-port "$https_port" --http-port "$http_port" --cainfo "$w/web/ca.pem" \
        --timeout "$timeout" --parallel "$parallel" --limit "$hosts")
    took[$parallel]=$(echo "${EPOCHREALTIME/,/.} - $start" | bc -l)
done

echo
echo "== scan: $hosts look-alike hosts on 127.0.0.1 (90% live, 5% no DNS, 5% never answering), timeout ${timeout} s"
for parallel in 16 1; do
    printf '   --parallel %-2s %s\n' "$parallel" "${result[$parallel]}"
done
printf '%-24s %10s %12s\n' "client" "seconds" "hosts/s"
for parallel in 16 1; do
    printf '%-24s %10.2f %12.1f\n' "ctlite --parallel $parallel" "${took[$parallel]}" \
        "$(echo "$hosts / ${took[$parallel]}" | bc -l)"
done
printf 'ratio: %.1fx (16 GETs at once over one at a time)\n' \
    "$(echo "${took[1]} / ${took[16]}" | bc -l)"
