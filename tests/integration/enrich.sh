# ctlite-worker rdap-bootstrap and enrich against a loopback RDAP bootstrap, registries and
# redirector (tests/fixtures/rdap_server.py): longest-suffix match, redirects and a redirect
# loop, 404 with and without a body, no RDAP server, 429 with Retry-After, a missing
# registration event, dates with fractional seconds and offsets, NEW and ESTABLISHED, and the
# rule new_domain.
set -u
. "$(dirname "$0")/../lib.sh"
tmp=$(mktemp -d)
pids=""
trap 'kill $pids 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
w=$CTLITE_WORKER
db=$tmp/ct.db
export CTLITE_HTTP_BACKOFF=0.05 CTLITE_HTTP_TIMEOUT=2 CTLITE_HTTP_MIN_INTERVAL=0

start_rdap "$tmp" 3 || exit 0
pids="$pids $rdap_pid"
base=$rdap_base
get() { /usr/bin/python3 -c 'import sys, urllib.request as u; print(u.urlopen(sys.argv[1]).read().decode())' "$base/$1"; }
sql() { ctsql "$db" "$@"; }

"$w" init "$db" >/dev/null
"$w" enrich "$db" >/dev/null
check "enrich loads the built-in IANA snapshot into an empty table" "1199|https://rdap.verisign.com/com/v1/" \
    "$(sql "SELECT count(*), (SELECT base_url FROM rdap_bootstrap WHERE suffix = 'com')
            FROM rdap_bootstrap")"
check "rdap-bootstrap from a file" "rdap-bootstrap: 5 suffixes, 4 servers" \
    "$("$w" rdap-bootstrap "$db" "$tmp/dns.json")"
check "rdap-bootstrap from a URL, replacing it" "rdap-bootstrap: 5 suffixes, 4 servers|5" \
    "$("$w" rdap-bootstrap "$db" "$base/bootstrap/dns.json")|$(sql "SELECT count(*) FROM rdap_bootstrap")"
check "rdap-bootstrap without a source: the built-in snapshot" \
    "rdap-bootstrap: 1199 suffixes, 593 servers" "$("$w" rdap-bootstrap "$tmp/other.db")"
echo '{"services": 3}' >"$tmp/bad.json"
out=$("$w" rdap-bootstrap "$db" "$tmp/bad.json" 2>&1)
check "a file that is no bootstrap: status 1, said, nothing replaced" \
    "1|ctlite-worker rdap-bootstrap: $tmp/bad.json: no \"services\" list: not an RDAP bootstrap|5" \
    "$?|$out|$(sql "SELECT count(*) FROM rdap_bootstrap")"

# Domains of alerts and watches; one of each kind of answer.
for n in old.test young.test noreg.test shop.co.test xn--e1afmkfd.xn--p1ai nobody-x.test \
    gone.example moved.redirect loop-x.redirect nowhere.zz; do
    sql "INSERT INTO alert_log(rule, key, detail) VALUES ('typosquat', '$n',
           json_object('registrable', '$n'))"
done
"$w" watch "$db" add brand paypal.test >/dev/null
get "_control?mode=429&retry_after=1&path=/registry-c/" >/dev/null
out=$("$w" enrich "$db" 2>"$tmp/err")
check "enrich: status 1 (the redirect loop failed)" "1" "$?"
check "enrich: what it did" \
    "enrich: 11 domains looked up: 9 answered, 1 without RDAP, 1 failed" "$out"
check "... the failure said" "1" "$(grep -c 'loop-x.redirect.*redirect' "$tmp/err")"
row() { sql "SELECT rdap, datetime(registered_at, 'unixepoch'), datetime(expires_at, 'unixepoch'),
               registrar FROM domain WHERE name = '$1'"; }
check "an old domain: its dates and registrar" \
    "ok|1997-09-15 04:00:00|2031-09-14 04:00:00|Fixture Registrar, Inc." "$(row old.test)"
check "the longest suffix wins (co.test, not test), after a 429 was waited out" \
    "ok|2015-01-01 00:00:00|2030-01-01 00:00:00|Co Test Registrar Ltd" "$(row shop.co.test)"
check "... the 429 then the answer" "2" \
    "$(get _log | /usr/bin/python3 -c 'import json, sys; print(sum("/registry-c/" in r["path"] for r in json.load(sys.stdin)))')"
check "an offset date, an IDN TLD, a registrar in Cyrillic" \
    "ok|2010-05-05 09:00:00|2027-05-05 09:00:00|ООО «Регистратор Тест»" "$(row xn--e1afmkfd.xn--p1ai)"
check "no registration event: no date, no crash" "ok|NULL|2030-03-03 03:03:03|Fixture Registrar, Inc." \
    "$(row noreg.test)"
check "through the redirector" "ok|2001-02-03 04:05:06" "$(row moved.redirect | cut -d'|' -f1,2)"
check "404 with a body, 404 without, no server, a redirect loop" \
    "loop-x.redirect|error nowhere.zz|no_rdap gone.example|not_found nobody-x.test|not_found paypal.test|not_found" \
    "$(sql "SELECT name || '|' || rdap FROM domain WHERE rdap <> 'ok' ORDER BY rdap, name" |
        paste -sd' ')"
check "a watched brand is looked up too" "watch|not_found" \
    "$(sql "SELECT first_source, rdap FROM domain WHERE name = 'paypal.test'")"
check "NEW and ESTABLISHED" "old.test|ESTABLISHED young.test|NEW" \
    "$(sql "SELECT name || '|' || category FROM domain_age WHERE name IN ('old.test', 'young.test')
            ORDER BY name" | paste -sd' ')"
check "young.test's fractional-second date read" "3" \
    "$(sql "SELECT age_days FROM domain_age WHERE name = 'young.test'")"
check "nothing is due again at once" "enrich: 0 domains looked up: 0 answered, 0 without RDAP, 0 failed" \
    "$("$w" enrich "$db" 2>&1)"
"$w" rules "$db" >/dev/null
check "rule new_domain: the young one" "new_domain|young.test|3" \
    "$(sql "SELECT rule, key, json_extract(detail, '$.age_days') FROM alert_log
            WHERE rule = 'new_domain'")"
# A failed lookup keeps what an earlier one found.
sql "UPDATE domain SET next_check = 0 WHERE name = 'old.test'"
get "_control?mode=503&path=/registry-a/&count=10" >/dev/null
CTLITE_HTTP_MAX_ATTEMPTS=1 "$w" enrich "$db" >/dev/null 2>&1
check "a failure keeps the dates found before" "error|1997-09-15 04:00:00" \
    "$(row old.test | cut -d'|' -f1,2)"
for c in enrich rdap-bootstrap; do
    out=$("$w" $c --help) && [[ $out == "usage: ctlite-worker $c"* ]] &&
        pass "$c --help" || fail "$c --help" "$out"
    "$w" $c >/dev/null 2>&1
    check "$c without arguments: status 2" 2 $?
done
