# ctlite-worker certificate-stream against a loopback certificate.stream API (tests/fixtures/
# certificate_stream_server.py): an hour paged by offset, read again without duplicates; the
# token fetched again when the API refuses it; real time from start_from_id, resumed after a
# restart; 429, 502, truncated and malformed answers, unreadable records and hostile names;
# bad credentials; run following the API and alerting on what it brings.
set -u
. "$(dirname "$0")/../lib.sh"
tmp=$(mktemp -d)
pids=""
trap 'kill $pids 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
w=$CTLITE_WORKER
export CLIENT_ID=test-id CLIENT_SECRET=test-secret CTLITE_HTTP_BACKOFF=0.05 CTLITE_HTTP_TIMEOUT=2
# start NAME OPTIONS...: a server in $tmp/NAME; sets api (its /v1) and token (its token URL).
start() {
    local d=$tmp/$1
    shift
    mkdir -p "$d"
    /usr/bin/python3 "$(dirname "$0")/../fixtures/certificate_stream_server.py" \
        --port-file "$d/port" --log "$d/log" "$@" >"$d/out" 2>&1 &
    pids="$pids $!"
    for _ in $(seq 100); do [ -s "$d/port" ] && break; sleep 0.1; done
    api="http://127.0.0.1:$(cat "$d/port")/v1"
    token="http://127.0.0.1:$(cat "$d/port")/oauth2/token"
}
q() { sqlite3 "$1" "$2"; }

printf '%s\n' "2026-11-30-09 paypa1-login.com" "live secure-paypal.com.evil.test" >"$tmp/inject"
start hour --inject "$tmp/inject" --token-uses 2
"$w" init "$tmp/a.db" >/dev/null
"$w" watch "$tmp/a.db" add brand paypal.com >/dev/null
out=$("$w" certificate-stream "$tmp/a.db" --hour 2026-11-30-09 --url "$api" --token-url "$token" 2>"$tmp/err")
check "an hour: every record of its three pages stored" \
    "0|certificate-stream: 2026-11-30-09: 2501 records in 6 requests; 2501 names stored, 2501 new; 0 not host names, 0 unreadable records" \
    "$?|$out"
check "... paged by offset, the token fetched again when the API refused it (403)" \
    "POST /oauth2/token 200 token=t1
GET /v1/domains/list?limit=1000&offset=0&date_and_hour=2026-11-30-09 200 token=t1
GET /v1/domains/list?limit=1000&offset=1000&date_and_hour=2026-11-30-09 200 token=t1
GET /v1/domains/list?limit=1000&offset=2000&date_and_hour=2026-11-30-09 403 token=t1
POST /oauth2/token 200 token=t2
GET /v1/domains/list?limit=1000&offset=2000&date_and_hour=2026-11-30-09 200 token=t2" \
    "$(cat "$tmp/hour/log")"
check "... as sightings with their log, entry, precertificate flag and time within the hour" \
    "2501|certificate.stream|1|1|2|1" \
    "$(q "$tmp/a.db" "SELECT count(*), min(source), min(log LIKE 'https://%'), min(log_index >= 0), count(DISTINCT precert), min(logged_at BETWEEN unixepoch('2026-11-30 09:00') AND unixepoch('2026-11-30 09:59:59')) FROM name_sighting" | tr -d '\n')"
check "... every name as the API sent it" "1" \
    "$(q "$tmp/a.db" "SELECT count(*) = 1 FROM name_sighting WHERE name = 'paypa1-login.com' AND registrable = 'paypa1-login.com'")"
out=$("$w" certificate-stream "$tmp/a.db" --hour 2026-11-30-09 --url "$api" --token-url "$token" 2>&1)
check "the same hour again: nothing stored twice" \
    "certificate-stream: 2026-11-30-09: 2501 records in 6 requests; 2501 names stored, 0 new; 0 not host names, 0 unreadable records|2501" \
    "$out|$(q "$tmp/a.db" "SELECT count(*) FROM name_sighting")"
check "the look-alike in the hour raises typosquat, from its sighting" \
    "paypa1-login.com ~ paypal.com|1" \
    "$("$w" rules "$tmp/a.db" >/dev/null; q "$tmp/a.db" "SELECT key, sighting_id = (SELECT id FROM name_sighting WHERE name = 'paypa1-login.com') FROM alert_log WHERE rule = 'typosquat'")"

: >"$tmp/hour/log"
out=$("$w" certificate-stream "$tmp/a.db" --follow --limit 1100 --url "$api" --token-url "$token" 2>"$tmp/err")
pos=$(q "$tmp/a.db" "SELECT start_from_id FROM certificate_stream_position WHERE api = '$api'")
check "--follow: the latest records first, then each request from the newest id stored" \
    "0|1|GET /v1/domains/list?limit=1000 200|GET /v1/domains/list?limit=1000&start_from_id=900000001051 200" \
    "$?|$(echo "$out" | grep -c '^certificate-stream: following: 1100 records')|$(grep -m1 'list?limit=1000 ' "$tmp/hour/log" | cut -d' ' -f1-3)|$(grep -m1 'start_from_id' "$tmp/hour/log" | cut -d' ' -f1-3)"
: >"$tmp/hour/log"
"$w" certificate-stream "$tmp/a.db" --follow --limit 50 --url "$api" --token-url "$token" >/dev/null 2>&1
check "... a restart resumes from the id kept in the database" \
    "GET /v1/domains/list?limit=1000&start_from_id=$pos 200" \
    "$(grep -m1 'start_from_id' "$tmp/hour/log" | cut -d' ' -f1-3)"
check "... nothing stored twice, the live look-alike among them" "0|1" \
    "$(q "$tmp/a.db" "SELECT count(*) FROM (SELECT 1 FROM name_sighting GROUP BY log, log_index, name HAVING count(*) > 1)")|$(q "$tmp/a.db" "SELECT count(*) FROM name_sighting WHERE name = 'secure-paypal.com.evil.test'")"
"$w" certificate-stream "$tmp/a.db" --follow --interval 0.2 --url "$api" --token-url "$token" >"$tmp/out" 2>"$tmp/err" &
fpid=$!
for _ in $(seq 50); do [ "$(grep -c start_from_id "$tmp/hour/log")" -ge 4 ] && break; sleep 0.1; done
kill -TERM $fpid
wait $fpid
check "... SIGTERM: committed, its summary, status 0" "0|1" \
    "$?|$(grep -c '^certificate-stream: following: [1-9][0-9]* records' "$tmp/out")"

# An API that accepts the connection and never answers: SIGTERM still ends a follower (whose
# request would otherwise wait out CTLITE_HTTP_TIMEOUT, attempt after attempt).
/usr/bin/python3 -c 'import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(8)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
held = [s.accept()[0] for _ in range(8)]
time.sleep(60)' "$tmp/hang.port" &
pids="$pids $!"
for _ in $(seq 50); do [ -s "$tmp/hang.port" ] && break; sleep 0.1; done
"$w" certificate-stream "$tmp/a.db" --follow --url "http://127.0.0.1:$(cat "$tmp/hang.port")/v1" \
    --token-url "$token" >"$tmp/out" 2>"$tmp/err" &
fpid=$!
sleep 1
kill -TERM $fpid
wait $fpid
check "an API that never answers: SIGTERM ends --follow without waiting for it, status 0" \
    "0|certificate-stream: following: 0 records in 2 requests; 0 names stored, 0 new; 0 not host names, 0 unreadable records|0" \
    "$?|$(cat "$tmp/out")|$(wc -l <"$tmp/err")"

start faults --per-hour 1500 --fail-once-429 1 --fail-5xx 2 --truncate 3 --malformed 4 --bad-record 5
"$w" init "$tmp/b.db" >/dev/null
out=$("$w" certificate-stream "$tmp/b.db" --hour 2026-11-30-10 --page 500 --url "$api" --token-url "$token" 2>"$tmp/err")
check "429, 502, a truncated and a malformed answer: the page asked again; a record without a name said" \
    "0|certificate-stream: 2026-11-30-10: 1500 records in 5 requests; 1499 names stored, 1499 new; 0 not host names, 1 unreadable records" \
    "$?|$out"
check "... the first page asked for until it could be read, then the others" \
    "offset=0 429 fault=429|offset=0 502 fault=5xx|offset=0 200 fault=truncate|offset=0 200 fault=malformed|offset=0 200 fault=bad-record|offset=500 200|offset=1000 200" \
    "$(grep 'list?' "$tmp/faults/log" | sed 's/.*\(offset=[0-9]*\)[^ ]* /\1 /; s/ token=[^ ]*//' | paste -sd'|')"
check "... the record named with its id and why; the one with a numeric log_index taken" "1|1" \
    "$(grep -c 'record [0-9]* skipped: no domain_name' "$tmp/err")|$(grep -c 'skipped' "$tmp/err")"

start broken --fail-5xx 1,2
"$w" init "$tmp/c.db" >/dev/null
out=$(CTLITE_HTTP_MAX_ATTEMPTS=2 "$w" certificate-stream "$tmp/c.db" --hour 2026-11-30-10 --url "$api" --token-url "$token" 2>&1)
check "an API that keeps failing: the hour fails (1), with the status and the page's title" \
    "1|1" "$?|$(echo "$out" | grep -c '2026-11-30-10: GET http://127.0.0.1:[0-9]*/v1/domains/list?limit=1000&offset=0&date_and_hour=2026-11-30-10: HTTP 502 (text/html.*attempt 2 of 2')"
out=$(CLIENT_SECRET=wrong "$w" certificate-stream "$tmp/c.db" --hour 2026-11-30-10 --url "$api" --token-url "$token" 2>&1)
check "a wrong secret: the token endpoint's answer said, status 1" "1|1|0" \
    "$?|$(echo "$out" | grep -c 'POST http://127.0.0.1:[0-9]*/oauth2/token: HTTP 401 (application/json): {"error":"invalid_client"}')|$(echo "$out" | grep -c wrong)"

start hostile --hostile --per-hour 10
"$w" init "$tmp/d.db" >/dev/null
out=$("$w" certificate-stream "$tmp/d.db" --hour 2026-11-30-10 --url "$api" --token-url "$token" 2>"$tmp/err")
check "hostile names: those that are host names stored canonical, the others counted, one said" \
    "certificate-stream: 2026-11-30-10: 27 records in 2 requests; 14 names stored, 14 new; 12 not host names, 1 unreadable records|1" \
    "$out|$(grep -c 'a name skipped, not a host name' "$tmp/err")"
check "... nothing raw reaches the terminal" "0" "$(grep -c $'[\x01-\x08\x0b-\x1f\x7f]' "$tmp/err")"
check "... stored names are lowercase A-labels" "0|1|1" \
    "$(q "$tmp/d.db" "SELECT count(*) FROM name_sighting WHERE name GLOB '*[^a-z0-9.*-]*'")|$(q "$tmp/d.db" "SELECT count(*) FROM name_sighting WHERE name = 'upper.example.com'")|$(q "$tmp/d.db" "SELECT count(*) FROM name_sighting WHERE name = 'xn--bcher-kva.example.com'")"

# run follows the API with the setting, and the rules see what it stores.
printf '%s\n' "live www.paypal-secure-login.com" >"$tmp/inject-run"
start run --inject "$tmp/inject-run"
"$w" init "$tmp/e.db" >/dev/null
"$w" watch "$tmp/e.db" add brand paypal.com >/dev/null
q "$tmp/e.db" "INSERT INTO channel(name, kind, target) VALUES ('out', 'stdout', '-');
    UPDATE setting SET value = '$api' WHERE name = 'certificate_stream_url';
    UPDATE setting SET value = '$token' WHERE name = 'certificate_stream_token_url'"
run_until "$tmp/e.db" paypal-secure-login.com
check "run with certificate_stream_url: a look-alike from the API alerted on stdout; SIGTERM: 0" \
    "0|1" "$?|$(grep -c '"key":"paypal-secure-login.com ~ paypal.com"' "$tmp/run.out")"
check "... its summary on stderr" "1" \
    "$(grep -c '^certificate-stream: following: [0-9]* records' "$tmp/run.err")"
check "... and without CLIENT_ID it refuses to start (1), saying why" "1|1" \
    "$(env -u CLIENT_ID "$w" run "$tmp/e.db" >/dev/null 2>"$tmp/err"; echo $?)|$(grep -c 'needs CLIENT_ID and CLIENT_SECRET' "$tmp/err")"

for args in "" "--hour 2026-11-30-10 --follow" "--hour 2026-02-30-10" "--hour 2026-11-30T10" \
    "--follow --page 3001" "--follow --page 0" "--follow --bogus"; do
    # shellcheck disable=SC2086
    check "bad usage ($args): status 2" "2" \
        "$("$w" certificate-stream "$tmp/a.db" $args >/dev/null 2>&1; echo $?)"
done
check "no CLIENT_ID: status 2, said" "2|1" \
    "$(env -u CLIENT_ID "$w" certificate-stream "$tmp/a.db" --follow >/dev/null 2>"$tmp/err"; echo $?)|$(grep -c 'CLIENT_ID and CLIENT_SECRET must be set' "$tmp/err")"
out=$("$w" certificate-stream --help) && [[ $out == "usage: ctlite-worker certificate-stream"* ]] &&
    pass "certificate-stream --help" || fail "certificate-stream --help" "$out"
