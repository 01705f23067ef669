# ctlite-worker watch and crtsh against a loopback crt.sh: the watch list, a sync and its
# rerun, a failing domain among good ones, kill -9 in the middle of syncs, --continuous and
# its signals, and the typosquat hunt.
set -u
. "$(dirname "$0")/../lib.sh"
tmp=$(mktemp -d)
trap 'kill $crtsh_pid 2>/dev/null; wait $crtsh_pid 2>/dev/null; rm -rf "$tmp"' EXIT
start_crtsh "$tmp" || exit 0
base=$crtsh_base
w=$CTLITE_WORKER
get() { crtsh_get "$1" >/dev/null; }

# The watch list.
db=$tmp/ct.db
"$w" init "$db" >/dev/null
check "watch add: prints the new id" "1 2 3 4 5" "$(for a in "domain example.com" \
    "domain Example.ORG. --exact --note the-org" "domain example.net" "brand paypal.com" \
    "keywords PayPal,login --threshold 2"; do
    # shellcheck disable=SC2086
    "$w" watch "$db" add $a
done | paste -sd' ')"
check "watch ls" "1|domain|example.com|subtree| 2|domain|example.org|exact|the-org 3|domain|example.net|subtree| 4|brand|paypal.com|| 5|keywords|paypal login|2|" \
    "$("$w" watch "$db" ls | tr '\t' '|' | paste -sd' ')"
for bad in "domain com|'com' is a public suffix, not a domain" \
    "domain example.com|domain example.com is watched already" \
    "brand www.paypal.com|a brand is a registrable domain: 'paypal.com', not 'www.paypal.com'" \
    "regex (x|regexp: pattern '(x': missing closing parenthesis at offset 2" \
    "keywords a,b --threshold 3|the threshold must be 1 to 2" \
    "keywords a,b --threshold two|--threshold: 'two' is not a whole number from 1" \
    "domain a_b@c|'a_b@c' is not a host name"; do
    args=${bad%%|*}
    # shellcheck disable=SC2086
    out=$("$w" watch "$db" add $args 2>&1)
    check "watch add $args: refused" "1 ctlite-worker watch: ${bad#*|}" "$? $out"
done
sqlite3 "$db" "INSERT INTO watch(kind, value, threshold, note)
               VALUES ('keywords', 'x y', 1, 'a' || char(27) || '[31m\\red' || char(9))"
check "watch ls: control bytes in the database are shown escaped" \
    '6|keywords|x y|1|a\x1B[31m\x5Cred\x09' "$("$w" watch "$db" ls | tail -1 | tr '\t' '|')"
check "watch rm" "0 5" "$("$w" watch "$db" rm 6; echo $? "$(sqlite3 "$db" 'SELECT count(*) FROM watch')")"
out=$("$w" watch "$db" rm 42 2>&1)
check "watch rm of a missing id: status 1 and why" "1 ctlite-worker watch: no item 42" "$? $out"

# A sync, then a rerun that finds nothing new.
check "crtsh: the summary" \
    "crtsh: 3 domains synced, 23 certificates (23 new), 11 new names, 0 failed" \
    "$("$w" crtsh "$db" 2>&1)"
check "crtsh: certificates once each, names under the watched domains only" "23|0|0|6" \
    "$(sqlite3 "$db" "SELECT count(*), count(*) - count(DISTINCT crtsh_id),
        (SELECT count(*) FROM cert_name WHERE name NOT GLOB '*example.com'
         AND name NOT IN ('example.org') AND name NOT GLOB '*example.net'),
        (SELECT count(*) FROM cert_name WHERE name = 'example.org') FROM cert")"
check "crtsh: times as Unix seconds, crt.sh's timestamps in milliseconds" \
    "1741568400|1741568400500" \
    "$(sqlite3 "$db" "SELECT unixepoch('2025-03-10T01:00:00'), logged_at_ms FROM cert
                      WHERE crtsh_id = 12000001954")"
check "crtsh: a rerun finds nothing new" \
    "crtsh: 3 domains synced, 23 certificates (0 new), 0 new names, 0 failed" \
    "$("$w" crtsh "$db" 2>&1)"
check "crtsh: the state of each watched domain's sync" "1|14|0||2|6|0||3|3|0|" \
    "$(sqlite3 "$db" "SELECT watch_id, certs, new_certs, error FROM crtsh_sync ORDER BY 1" |
        paste -sd'|')"

# One failing domain: reported and recorded, the others synced, status 1.
get "_reset"
get "_control?mode=ok"
get "_control?mode=503&count=4"
out=$("$w" crtsh "$db" 2>&1)
check "crtsh: a failing domain does not stop the others" 1 $?
[[ $out == *"ctlite-worker crtsh: example.com: crtsh: GET $base/?identity=%25.example.com&match=ILIKE&output=json: HTTP 503"*"(attempt 4 of 4)"* &&
    $out == *"2 domains synced, 9 certificates (0 new), 0 new names, 1 failed"* ]] &&
    pass "crtsh: the failure is said, with the URL and the status" ||
    fail "crtsh: the failure is said, with the URL and the status" "$out"
check "crtsh: the failure is recorded" "1|HTTP 503" \
    "$(sqlite3 "$db" "SELECT watch_id, substr(error, instr(error, 'HTTP 503'), 8)
                      FROM crtsh_sync WHERE error IS NOT NULL")"

# A watched domain put in by hand that is no host name: reported, not sent anywhere.
sqlite3 "$db" "INSERT INTO watch(kind, value, scope) VALUES ('domain', 'bad' || char(27) || 'x', 'subtree')"
out=$("$w" crtsh "$db" 2>&1)
check "crtsh: a watched value that is no host name is skipped and said" \
    "1 ctlite-worker crtsh: watch item 6: not a host name in lowercase A-labels; skipped" \
    "$? $(head -1 <<<"$out")"
sqlite3 "$db" "DELETE FROM watch WHERE value GLOB 'bad*'"

# kill -9 at random moments, then a rerun: the same tables as an uninterrupted sync.
dump() {
    sqlite3 "$1" "SELECT crtsh_id, serial, issuer_name, issuer_ca_id, subject_cn, not_before,
                         not_after, logged_at_ms, source FROM cert ORDER BY crtsh_id;
                  SELECT c.crtsh_id, n.name, n.registrable, n.wildcard FROM cert_name n
                  JOIN cert c ON c.id = n.cert_id ORDER BY 1, 2;
                  SELECT s.name, c.crtsh_id FROM seen_name s JOIN cert c ON c.id = s.first_cert_id
                  ORDER BY 1;"
}
for d in full killed; do
    "$w" init "$tmp/$d.db" >/dev/null
    for x in example.com example.org example.net paypa1.com examp1e.com; do
        "$w" watch "$tmp/$d.db" add domain $x >/dev/null
    done
done
"$w" crtsh "$tmp/full.db" >/dev/null 2>&1
for delay in 0.15 0.35 0.6; do
    CTLITE_HTTP_MIN_INTERVAL=0.1 "$w" crtsh "$tmp/killed.db" >/dev/null 2>&1 &
    sleep $delay
    kill -9 $! 2>/dev/null
    wait $! 2>/dev/null
done
"$w" crtsh "$tmp/killed.db" >/dev/null 2>&1
if [ "$(dump "$tmp/full.db")" = "$(dump "$tmp/killed.db")" ] && [ -n "$(dump "$tmp/full.db")" ]; then
    pass "crtsh: killed three times with -9, then rerun: the tables of an uninterrupted sync"
else
    fail "crtsh: killed three times with -9, then rerun: the tables of an uninterrupted sync" \
        "$(diff <(dump "$tmp/full.db") <(dump "$tmp/killed.db") | head -5)"
fi
check "crtsh: after the kills the database is sound" "ok" \
    "$(sqlite3 "$tmp/killed.db" 'PRAGMA integrity_check')"

# --continuous: rounds until SIGTERM, which ends it cleanly.
"$w" crtsh "$db" --continuous --interval 1 >"$tmp/cont.out" 2>&1 &
pid=$!
for _ in $(seq 50); do [ "$(grep -c 'domains synced' "$tmp/cont.out")" -ge 2 ] && break; sleep 0.1; done
kill -TERM $pid
wait $pid
check "crtsh --continuous: rounds, then SIGTERM ends it with status 0" "0 yes" \
    "$? $([ "$(grep -c 'domains synced' "$tmp/cont.out")" -ge 2 ] && echo yes)"

# --typosquats: the look-alikes of the watched brand that have certificates.
"$w" crtsh "$db" --typosquats >"$tmp/ts.out" 2>&1
check "crtsh --typosquats: certificates of paypal.com's look-alikes" \
    "paypa1.com xn--pypal-rqa.com" \
    "$(ctsql "$db" "SELECT DISTINCT registrable FROM cert_name
                      WHERE registrable IN (SELECT domain FROM typosquat_candidates('paypal.com'))
                      ORDER BY 1" | paste -sd' ')"

check "crtsh --help" "usage: ctlite-worker crtsh DB" "$("$w" crtsh --help | head -1 | cut -c1-29)"
out=$("$w" crtsh "$db" --interval 0 2>&1)
check "crtsh --interval 0: refused" "2 ctlite-worker crtsh: --interval: seconds, at least 1" "$? $out"
