#!/bin/sh
# Usage: examples/tour.sh [DIR]   (DIR holds ctlite.so and ctlite-worker; default: .)
# The guided tour behind `make demo`: the functions in the sqlite3 shell (examples/tour.sql),
# then the worker watching example.com and paypal.com, syncing them from crt.sh, following a CT
# log that holds a day of certificates, raising alerts, delivering them to stdout and to a
# directory of JSON files, and writing the HTML report. The machine may be offline, so crt.sh
# and the log are the loopback copies the tests use, serving generated certificates. The
# database, the alerts and the report stay in build/demo/ (CTLITE_DEMO_DIR).
set -eu
dir=${1:-.}
here=$(dirname "$0")
sqlite3 -bail -cmd ".load $dir/ctlite" :memory: <"$here/tour.sql"

tmp=$(mktemp -d)
out=${CTLITE_DEMO_DIR:-build/demo}
rm -rf "$out"
mkdir -p "$out"
python3 "$here/../tests/fixtures/crtsh_server.py" --port-file "$tmp/port" >"$tmp/server.log" 2>&1 &
server=$!
log=""
trap 'kill $server $log 2>/dev/null; rm -rf "$tmp"' EXIT
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
export CTLITE_CRTSH_URL="http://127.0.0.1:$(cat "$tmp/port")/" CTLITE_HTTP_MIN_INTERVAL=0
w="$dir/ctlite-worker"
db="$out/ct.db"

echo
echo "8. The worker keeps a database filled. Watch a domain and a brand, then sync from crt.sh"
echo "   (here a loopback copy at $CTLITE_CRTSH_URL):"
echo "   \$ ctlite-worker init ct.db"
"$w" init "$db" >/dev/null
echo "   \$ ctlite-worker watch ct.db add domain example.com"
"$w" watch "$db" add domain example.com >/dev/null
echo "   \$ ctlite-worker watch ct.db add brand paypal.com"
"$w" watch "$db" add brand paypal.com >/dev/null
echo "   \$ ctlite-worker crtsh ct.db --typosquats"
"$w" crtsh "$db" --typosquats 2>/dev/null | sed 's/^/   /'
echo
echo "9. Then it is all SQL. Names under example.com, by when each was first seen:"
sqlite3 -bail -box -cmd ".load $dir/ctlite" "$db" \
    "SELECT s.name, c.issuer_name AS issuer, date(c.not_after, 'unixepoch') AS not_after
     FROM seen_name s JOIN cert c ON c.id = s.first_cert_id
     WHERE s.name = 'example.com' OR s.name LIKE '%.example.com' ORDER BY s.name"
echo
echo "10. Certificates issued to look-alikes of paypal.com (found by the typosquat hunt):"
sqlite3 -bail -box -cmd ".load $dir/ctlite" "$db" \
    "SELECT n.name, domain_to_unicode(n.name) AS shown_as, t.fuzzer, count(*) AS certs
     FROM cert_name n JOIN typosquat_candidates('paypal.com') t ON t.domain = n.registrable
     GROUP BY n.name ORDER BY n.name"
echo
echo "11. The same questions live, straight from crt.sh, in any sqlite3 session:"
sqlite3 -bail -box -cmd ".load $dir/ctlite" :memory: \
    "SELECT c.id, n.name, c.not_after FROM crtsh('%.example.com') AS c,
            crtsh_names(c.name_value) AS n WHERE n.wildcard ORDER BY c.id"

echo
echo "12. The logs themselves, in real time: a loopback static-ct-api log of 20,000 entries,"
echo "    followed and verified (every entry against the signed checkpoint):"
# 20,000 entries, one every 4.32 s of the last 24 hours: a day of a (small) log.
python3 "$here/../tests/fixtures/ctlog_server.py" --entries 20000 --port-file "$tmp/log.port" \
    --start $(($(date +%s) - 86400)) --spacing 4320 --key-file "$tmp/log.key" >"$tmp/log.log" 2>&1 &
log=$!
i=0
while [ ! -s "$tmp/log.port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
url="http://127.0.0.1:$(cat "$tmp/log.port")/static/"
echo "   \$ ctlite-worker logs ct.db add $url KEY --monitoring $url"
"$w" logs "$db" add "$url" "$(cat "$tmp/log.key")" --monitoring "$url" --description demo-log \
    >/dev/null
echo "   \$ ctlite-worker tail ct.db --once"
"$w" tail "$db" --once | sed 's/^/   /'
echo "   \$ ctlite-worker status ct.db"
"$w" status "$db" | cut -f1-6 | sed 's/^/   /'
echo
echo "13. Look-alikes of paypal.com among the log's certificates:"
sqlite3 -bail -box -cmd ".load $dir/ctlite" "$db" \
    "SELECT n.registrable, domain_to_unicode(n.registrable) AS shown_as, t.fuzzer,
            count(DISTINCT c.id) AS certs, count(DISTINCT c.issuer_name) AS issuers
     FROM cert_name n JOIN cert c ON c.id = n.cert_id
     JOIN typosquat_candidates('paypal.com') t ON t.domain = n.registrable
     WHERE c.source = 'demo-log' GROUP BY n.registrable ORDER BY certs DESC LIMIT 5"

echo
echo "14. Detection rules are SQL views (sql/rules.sql); their findings become alerts, once each:"
echo "   \$ ctlite-worker rules ct.db      (the tail has evaluated them already, before pruning)"
"$w" rules "$db" | sed 's/^/   /'
sqlite3 -bail -box "$db" \
    "SELECT rule, severity, count(*) AS alerts, min(key) AS example FROM alert_log
     GROUP BY rule ORDER BY count(*) DESC"
echo "   Each alert is delivered once per channel: here to stdout, one JSON line each, for a SIEM"
echo "   (the first three shown), and to a directory of JSON files:"
echo "   \$ ctlite-worker notify ct.db --stdout --json-dir $out/alerts > $out/alerts.jsonl"
"$w" notify "$db" --stdout --json-dir "$out/alerts" >"$out/alerts.jsonl" 2>/dev/null
head -3 "$out/alerts.jsonl" | cut -c1-150 | sed 's/^/   /; s/$/.../'
first=$(find "$out/alerts" -name '*.json' | sort | head -1)
echo "   $first:"
python3 -m json.tool "$first" | head -20 | sed 's/^/   /'

echo
echo "15. Reports are views too (sql/reports.sql), put together as one HTML page with charts:"
echo "   \$ ctlite-worker report ct.db --days 14 --out $out/report.html"
"$w" report "$db" --days 14 --out "$out/report.html"
"$w" report "$db" --format json --out "$out/report.json"
sqlite3 -bail -box -cmd ".load $dir/ctlite" "$db" \
    "SELECT domain, brand, technique, found FROM report_lookalikes ORDER BY found LIMIT 5"
echo
echo "The report is $out/report.html (open it in a browser; it works offline), with"
echo "$out/report.json beside it; the database is $out/ct.db, the alerts are in $out/alerts/."
echo "Try: sqlite3 -cmd '.load ./ctlite' $out/ct.db 'SELECT * FROM report_issuers'"
