# ctlite-worker serve: domain_stats' API over the domain table, with RDAP on a miss from the
# loopback registries (tests/fixtures/rdap_server.py): first contact once and only once, NEW and
# ESTABLISHED, RDAP errors as ERROR answers, malformed domains, /stats and /showcache, and 1,000
# requests held open at once.
set -u
. "$(dirname "$0")/../lib.sh"
tmp=$(mktemp -d)
pids=""
trap 'kill $pids 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
w=$CTLITE_WORKER
db=$tmp/ct.db
export CTLITE_HTTP_BACKOFF=0.05 CTLITE_HTTP_TIMEOUT=2 CTLITE_HTTP_MIN_INTERVAL=0
sql() { ctsql "$db" "$@"; }

start_rdap "$tmp" 3 || exit 0
pids="$pids $rdap_pid"
"$w" init "$db" >/dev/null
"$w" rdap-bootstrap "$db" "$tmp/dns.json" >/dev/null
# A domain the database met before, through a rule hit.
sql "INSERT INTO domain(name, first_seen, first_source) VALUES ('gone.example', 1600000000, 'alert')"

"$w" serve "$db" --listen 127.0.0.1:0 --threads 4 >"$tmp/serve.out" 2>"$tmp/serve.err" &
serve_pid=$!
pids="$pids $serve_pid"
for _ in $(seq 100); do grep -q listening "$tmp/serve.out" && break; sleep 0.1; done
port=$(sed -n 's|^serve: listening on http://127.0.0.1:\([0-9]*\)/$|\1|p' "$tmp/serve.out")
if [ -z "$port" ]; then
    fail "serve starts" "$(cat "$tmp/serve.out" "$tmp/serve.err")"
    exit 0
fi
pass "serve starts and says where it listens"
# GET PATH: "STATUS BODY".
get() {
    /usr/bin/python3 - "http://127.0.0.1:$port$1" <<'PY'
import sys, urllib.error, urllib.request
try:
    r = urllib.request.urlopen(sys.argv[1])
    print(r.status, r.headers["Content-Type"], r.read().decode())
except urllib.error.HTTPError as e:
    print(e.code, e.headers["Content-Type"], e.read().decode())
PY
}
# FIELDS of a JSON answer, joined by "|" (lists by ",").
field() {
    /usr/bin/python3 -c 'import json, sys
s, t, body = sys.stdin.read().split(" ", 2)
d = json.loads(body)
v = [d.get(k) for k in sys.argv[1:]]
print("|".join([s] + [",".join(x) if isinstance(x, list) else str(x) for x in v]))' "$@"
}

check "a first query: RDAP, ESTABLISHED, first contact" \
    "200|old.test|Mon, 15 Sep 1997 04:00:00 GMT|NA|ESTABLISHED|YOUR-FIRST-CONTACT" \
    "$(get /www.OLD.test | field domain seen_by_web seen_by_isc category alerts)"
check "... answered as JSON" "application/json" "$(get /old.test | cut -d' ' -f2)"
check "... seen_by_you is when the database met it" \
    "$(sql "SELECT first_seen FROM domain WHERE name = 'old.test'")" \
    "$(get /old.test | /usr/bin/python3 -c 'import email.utils, json, sys
print(int(email.utils.parsedate_to_datetime(json.loads(sys.stdin.read().split(" ", 2)[2])["seen_by_you"]).timestamp()))')"
check "the second query: no first contact, from the cache" "200|ESTABLISHED|" \
    "$(get /old.test | field category alerts)"
check "... the first contact recorded for good" "query|ok" \
    "$(sql "SELECT first_source, rdap FROM domain WHERE name = 'old.test'")"
check "a young domain (fractional seconds): NEW" "200|young.test|NEW|YOUR-FIRST-CONTACT" \
    "$(get /young.test | field domain category alerts)"
check "a domain met before through an alert: no first contact, its date" \
    "200|ERROR|Sun, 13 Sep 2020 12:26:40 GMT" \
    "$(get /gone.example | field category seen_by_you)"
check "... RDAP's 404 said as domain_stats says errors" "200|ERROR|RDAP: GET http" \
    "$(get /gone.example | field seen_by_web alerts | cut -c1-24)"
check "no registration event: ERROR, not a crash" \
    "200|ERROR|RDAP gives no registration date" "$(get /noreg.test | field seen_by_web alerts | sed 's/YOUR-FIRST-CONTACT,//')"
check "a TLD without RDAP" "200|ERROR|YOUR-FIRST-CONTACT,no RDAP server serves this domain's suffix" \
    "$(get /nowhere.zz | field category alerts)"
check "an IDN asked in Unicode, answered in A-labels" "200|xn--e1afmkfd.xn--p1ai|ESTABLISHED" \
    "$(get /%D0%BF%D1%80%D0%B8%D0%BC%D0%B5%D1%80.%D1%80%D1%84 | field domain category)"

# Malformed domains: a JSON error each, and the server stays up.
for p in "/com" "/a..b.test" "/-%0A-.test" "/%2A.old.test" "/$(printf 'a%.0s' $(seq 300)).test" \
    "/" "/%00" "/..%2F..%2Fetc%2Fpasswd" "/a/b.test" "/%3Cscript%3E.test"; do
    out=$(get "$p" | field category)
    check "malformed $(printf %.24s "$p"): 400 and ERROR" "400|ERROR" "$out"
done
check "a public suffix: no eTLD below it" "400|No valid eTLD exists for this domain." \
    "$(get /co.uk | field alerts)"
check "POST: 405" "405" "$(/usr/bin/python3 -c 'import sys, urllib.request as u, urllib.error as e
try: u.urlopen(u.Request(sys.argv[1], data=b"x"))
except e.HTTPError as x: print(x.code)' "http://127.0.0.1:$port/old.test")"

stats=$(get /stats)
check "/stats: hits, misses, RDAP" "200|4|6|0|6|5|0" \
    "$(echo "$stats" | field hit miss db_hit db_miss rdap_good rdap_fail)"
check "/showcache: the answers held" "200|6" "$(get /showcache | field size)"

before=$(get /stats | field requests | cut -d'|' -f2)
# 1,000 requests at once: 100 new domains ten times each, in a shuffled order.
paths=$(for i in $(seq 10); do for d in $(seq 100); do echo "/host$i.burst$d.test"; done; done |
    shuf --random-source=<(yes))
/usr/bin/python3 "$(dirname "$0")/http_burst.py" 127.0.0.1 "$port" $paths >"$tmp/burst" 2>&1
summary=$(/usr/bin/python3 -c 'import json, sys, collections
rows = [json.loads(l) for l in open(sys.argv[1])]
ok = [r for r in rows if r["status"] == 200]
docs = [json.loads(r["body"]) for r in ok]
first = collections.Counter(d["domain"] for d in docs if "YOUR-FIRST-CONTACT" in d["alerts"])
right = sum(d["domain"] == r["path"].split(".", 1)[1] for r, d in zip(ok, docs))
print(len(rows), len(ok), right, len(first), max(first.values(), default=0))' "$tmp/burst" 2>&1)
check "1,000 at once: every answer 200 and for its own domain; one first contact per domain" \
    "1000 1000 1000 100 1" "$summary"
check "... each domain once in the table" "100" \
    "$(sql "SELECT count(*) FROM domain WHERE name LIKE 'burst%'")"
check "... the server still answers" "200|ESTABLISHED" "$(get /old.test | field category)"
check "... /stats counts every request" "$((before + 1002))" \
    "$(get /stats | field requests | cut -d'|' -f2)"

# First contacts through queries of domains that match watched patterns.
"$w" watch "$db" add keywords 'secure login' --threshold 2 >/dev/null
"$w" watch "$db" add regex '^shop-' >/dev/null
"$w" watch "$db" add brand paypal.test >/dev/null
for d in secure-login.test shop-now.test paypa1.test ordinary.test; do get /$d >/dev/null; done
"$w" rules "$db" >/dev/null
check "rule new_domain: first contacts of watched patterns, through queries" \
    "paypa1.test first contact|medium|brand paypal.test secure-login.test first contact|medium|keywords secure login shop-now.test first contact|medium|regex ^shop-" \
    "$(sql "SELECT key, severity, json_extract(detail, '$.matched') FROM alert_log
            WHERE rule = 'new_domain' ORDER BY key" | paste -sd' ')"

kill -TERM $serve_pid
wait $serve_pid
check "SIGTERM: stops with status 0 and its figures" "0|1" \
    "$?|$(grep -c "^serve: stopped: {\"requests\":$((before + 1006))," "$tmp/serve.out")"
check "nothing on stderr but RDAP's own complaints" "" \
    "$(grep -v 'ctlite-worker serve: .*: GET http' "$tmp/serve.err")"

out=$("$w" serve "$db" --listen 127.0.0.1:$rdap_port 2>&1)
check "a port in use: status 1, said" \
    "1|ctlite-worker serve: cannot listen on 127.0.0.1:$rdap_port: Address already in use" "$?|$out"
check "a bad --listen: status 2" "2" "$("$w" serve "$db" --listen nowhere >/dev/null 2>&1; echo $?)"
out=$("$w" serve --help) && [[ $out == "usage: ctlite-worker serve"* ]] &&
    pass "serve --help" || fail "serve --help" "$out"
