#!/bin/sh
# Usage: examples/tour.sh [DIR]   (DIR holds ctlite.so and ctlite-worker; default: .)
# The guided tour: the functions in the sqlite3 shell (examples/tour.sql), then the worker
# watching example.com and paypal.com and syncing them from crt.sh. The machine may be
# offline, so crt.sh is the loopback copy the tests use, serving generated certificates.
set -eu
dir=${1:-.}
here=$(dirname "$0")
sqlite3 -bail -cmd ".load $dir/ctlite" :memory: <"$here/tour.sql"

tmp=$(mktemp -d)
python3 "$here/../tests/fixtures/crtsh_server.py" --port-file "$tmp/port" >"$tmp/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$tmp"' EXIT
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
export CTLITE_CRTSH_URL="http://127.0.0.1:$(cat "$tmp/port")/" CTLITE_HTTP_MIN_INTERVAL=0
w="$dir/ctlite-worker"
db="$tmp/ct.db"

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
