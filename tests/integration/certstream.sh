# ctlite-worker certstream against a loopback CertStream server (tests/fixtures/
# certstream_server.py, certstream-server-go's messages): certificates stored from their DER
# with their names, deduplicated across reconnections; garbage frames (not JSON, a JSON array,
# bad base64, bad DER, binary), an oversized frame, heartbeats, pings answered, dropped
# connections made again, wss:// (also through a CONNECT proxy), the lite and domains-only
# streams' names as sightings that the rules read, and SIGTERM.
set -u
. "$(dirname "$0")/../lib.sh"
tmp=$(mktemp -d)
pids=""
trap 'kill $pids 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
w=$CTLITE_WORKER
n=0
# start NAME OPTIONS...: a server in $tmp/NAME; sets port.
start() {
    local d=$tmp/$1
    shift
    mkdir -p "$d"
    /usr/bin/python3 "$(dirname "$0")/../fixtures/certstream_server.py" --port-file "$d/port" \
        --names-out "$d/expected" --log "$d/log" "$@" >"$d/out" 2>&1 &
    pids="$pids $!"
    for _ in $(seq 100); do [ -s "$d/port" ] && break; sleep 0.1; done
    port=$(cat "$d/port" 2>/dev/null)
}
# stored DB EXPECTED: how many of the expected certificates are in DB, with their precert flag
# and every name.
stored() {
    /usr/bin/python3 - "$1" "$2" <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = [json.loads(l) for l in open(sys.argv[2])]
certs = {sha.hex(): (pre, cid) for sha, pre, cid in db.execute("SELECT sha256, precert, id FROM cert")}
ok = 0
for r in rows:
    if r["sha256"] not in certs:
        continue
    pre, cid = certs[r["sha256"]]
    names = {n for (n,) in db.execute("SELECT name FROM cert_name WHERE cert_id = ?", (cid,))}
    ok += pre == int(r["precert"]) and {x.lower() for x in r["names"]} <= names
print(ok, len(certs))
PY
}

start plain --ping-interval 1 --rate 8
"$w" init "$tmp/a.db" >/dev/null
out=$("$w" certstream "$tmp/a.db" --url "ws://127.0.0.1:$port/full-stream" --limit 20 2>"$tmp/err")
check "the full stream: 20 certificates read and stored" \
    "0|certstream: 20 certificates read, 20 new; 0 names without their certificate (0 lite messages, 0 domain lists), 0 not host names; 0 unreadable, 0 binary, 0 oversized, 0 heartbeats" \
    "$?|$out"
check "... each with its precertificate flag and every name, from its DER" "20 20" \
    "$(stored "$tmp/a.db" "$tmp/plain/expected")"
check "... marked as from certstream" "20" \
    "$(sqlite3 "$tmp/a.db" "SELECT count(*) FROM cert WHERE source = 'certstream'")"
check "... the server's pings answered" "1" \
    "$(grep -q '"event": "pong"' "$tmp/plain/log" && echo 1)"
# The server logs the end of the connection once it has seen it.
for _ in $(seq 50); do grep -q '"event": "disconnect"' "$tmp/plain/log" && break; sleep 0.1; done
check "... and a close frame at the end (1000)" "1000" \
    "$(grep '"event": "disconnect"' "$tmp/plain/log" | sed 's/.*"code": \([0-9]*\).*/\1/')"

start garbage --garbage --count 25 --heartbeat --rate 10
"$w" init "$tmp/b.db" >/dev/null
# 25 certificates and, before each 5th, a bad frame: four unreadable texts and a binary one.
out=$("$w" certstream "$tmp/b.db" --url "ws://127.0.0.1:$port/full-stream" --limit 29 2>"$tmp/err")
check "garbage: counted, said, skipped; the rest stored" \
    "certstream: 25 certificates read, 25 new; 0 names without their certificate (0 lite messages, 0 domain lists), 0 not host names; 4 unreadable, 1 binary, 0 oversized, 2 heartbeats" \
    "$(echo "$out" | sed 's/[0-9]* heartbeats/2 heartbeats/')"
check "... each said" "1 1 1 1 1" \
    "$(for p in "not JSON" "no message_type" "as_der is not base64" "not a DER certificate" "a binary frame"; do grep -c "$p" "$tmp/err"; done | paste -sd' ')"
check "... nothing stored of them" "25 25" "$(stored "$tmp/b.db" "$tmp/garbage/expected")"

start drop --drop-after 7 --oversize 2000000
"$w" init "$tmp/c.db" >/dev/null
out=$("$w" certstream "$tmp/c.db" --url "ws://127.0.0.1:$port/full-stream" --limit 21 2>"$tmp/err")
check "dropped connections made again; what came twice stored once" \
    "certstream: 21 certificates read, 7 new; 0 names without their certificate (0 lite messages, 0 domain lists), 0 not host names; 0 unreadable, 0 binary, 3 oversized, 0 heartbeats|3" \
    "$out|$(grep -c 'connected to' "$tmp/err")"
check "... the loss said, with the wait" "1" \
    "$(grep -c 'connection lost; again in 1 s' "$tmp/err" | sed 's/^[1-9][0-9]*$/1/')"
check "... the oversized frame said" "3" "$(grep -c 'a frame over 1048576 bytes skipped' "$tmp/err")"

start tls --tls-dir "$tmp/tlsd"
"$w" init "$tmp/d.db" >/dev/null
out=$("$w" certstream "$tmp/d.db" --url "wss://localhost:$port/full-stream" --cainfo "$tmp/tlsd/ca.pem" \
    --limit 20 2>"$tmp/err")
check "wss:// with the server's CA" "20" "$(echo "$out" | sed 's/.* read, \([0-9]*\) new.*/\1/')"
/usr/bin/python3 "$(dirname "$0")/../fixtures/connect_proxy.py" --port-file "$tmp/proxy.port" \
    --log "$tmp/proxy.log" >/dev/null 2>&1 &
pids="$pids $!"
for _ in $(seq 100); do [ -s "$tmp/proxy.port" ] && break; sleep 0.1; done
out=$(http_proxy="127.0.0.1:$(cat "$tmp/proxy.port")" "$w" certstream "$tmp/d.db" \
    --url "wss://localhost:$port/full-stream" --cainfo "$tmp/tlsd/ca.pem" --limit 20 2>"$tmp/err")
check "wss:// through the proxy of http_proxy (CONNECT)" "1|CONNECT localhost:$port 200" \
    "$(echo "$out" | grep -c '^certstream: 20 certificates read')|$(cat "$tmp/proxy.log")"
"$w" certstream "$tmp/d.db" --url "wss://localhost:$port/full-stream" >"$tmp/out" 2>"$tmp/err" &
spid=$!
for _ in $(seq 50); do grep -q "again in" "$tmp/err" && break; sleep 0.1; done
kill -TERM $spid
wait $spid
check "wss:// with a certificate that does not verify: said, nothing read, SIGTERM ends it (0)" \
    "0|1|certstream: 0 certificates read, 0 new; 0 names without their certificate (0 lite messages, 0 domain lists), 0 not host names; 0 unreadable, 0 binary, 0 oversized, 0 heartbeats" \
    "$?|$(grep -c 'again in' "$tmp/err" | sed 's/^[1-9][0-9]*$/1/')|$(cat "$tmp/out")"

printf '%s\n' "www.paypa1.com paypa1.com" "cn=not_a_host! www.fine.example" >"$tmp/lite-names"
start lite --names "$tmp/lite-names" --count 4
"$w" init "$tmp/e.db" >/dev/null
"$w" watch "$tmp/e.db" add brand paypal.com >/dev/null
"$w" watch "$tmp/e.db" add domain fine.example >/dev/null
sqlite3 "$tmp/e.db" "UPDATE watch SET created_at = created_at - 60"
out=$("$w" certstream "$tmp/e.db" --url "ws://127.0.0.1:$port/" --limit 4 2>"$tmp/err")
check "the lite stream: the names stored as sightings, a CN that is no host name counted and said" \
    "certstream: 0 certificates read, 0 new; 6 names without their certificate (4 lite messages, 0 domain lists), 2 not host names; 0 unreadable, 0 binary, 0 oversized, 0 heartbeats|1|0" \
    "$out|$(grep -c 'a name skipped, not a host name: "not_a_host!"' "$tmp/err")|$(sqlite3 "$tmp/e.db" "SELECT count(*) FROM cert")"
check "... with the log, the entry and the precertificate flag" \
    "certstream|https://ct.example.test/log/|0 1 2 3|3|2" \
    "$(sqlite3 "$tmp/e.db" "SELECT DISTINCT source || '|' || log FROM name_sighting")|$(sqlite3 "$tmp/e.db" "SELECT group_concat(i, ' ') FROM (SELECT DISTINCT log_index i FROM name_sighting ORDER BY 1)")|$(sqlite3 "$tmp/e.db" "SELECT count(DISTINCT name) FROM name_sighting")|$(sqlite3 "$tmp/e.db" "SELECT count(DISTINCT precert) FROM name_sighting")"
check "... the same entries again are stored once" "6" \
    "$("$w" certstream "$tmp/e.db" --url "ws://127.0.0.1:$port/" --limit 4 >/dev/null 2>&1; sqlite3 "$tmp/e.db" "SELECT count(*) FROM name_sighting")"
check "... and the look-alike rules read them: typosquat, from a sighting" \
    "paypa1.com ~ paypal.com|0|1" \
    "$("$w" rules "$tmp/e.db" >/dev/null; sqlite3 "$tmp/e.db" "SELECT key, cert_id IS NOT NULL, sighting_id IS NOT NULL FROM alert_log WHERE rule = 'typosquat'")"
check "... and new_subdomain, for a name under a watched domain" "www.fine.example|fine.example|1" \
    "$(sqlite3 "$tmp/e.db" "SELECT key, domain, sighting_id IS NOT NULL FROM alert_log WHERE rule = 'new_subdomain'")"
check "... and each rule marks the sightings it has evaluated" "1" \
    "$(sqlite3 "$tmp/e.db" "SELECT min(sighting_mark) = (SELECT max(id) FROM name_sighting) FROM rule_state")"
out=$("$w" certstream "$tmp/e.db" --url "ws://127.0.0.1:$port/domains-only" --limit 4 2>"$tmp/err")
check "the domains-only stream: its names stored as sightings without a log, each time they come" \
    "certstream: 0 certificates read, 0 new; 6 names without their certificate (0 lite messages, 4 domain lists), 2 not host names; 0 unreadable, 0 binary, 0 oversized, 0 heartbeats|6" \
    "$out|$(sqlite3 "$tmp/e.db" "SELECT count(*) FROM name_sighting WHERE log IS NULL")"

# run follows the stream too, with the setting, and the rules see what it stores.
start run --rate 5
"$w" init "$tmp/f.db" >/dev/null
"$w" watch "$tmp/f.db" add brand paypal.com >/dev/null
sqlite3 "$tmp/f.db" "INSERT INTO channel(name, kind, target) VALUES ('out', 'stdout', '-');
    UPDATE setting SET value = 'ws://127.0.0.1:$port/full-stream' WHERE name = 'certstream_url'"
run_until "$tmp/f.db" paypa1.com
check "run with certstream_url: a look-alike from the stream alerted on stdout; SIGTERM: 0" \
    "0|1" "$?|$(grep -c '"key":"paypa1.com ~ paypal.com"' "$tmp/run.out")"
check "... the stream's summary on stderr" "1" \
    "$(grep -c '^certstream: [0-9]* certificates read' "$tmp/run.err")"

check "no URL: status 2" "2" "$("$w" certstream "$tmp/a.db" >/dev/null 2>&1; echo $?)"
check "an http:// URL: status 2" "2" \
    "$("$w" certstream "$tmp/a.db" --url http://127.0.0.1:1/ >/dev/null 2>&1; echo $?)"
out=$("$w" certstream --help) && [[ $out == "usage: ctlite-worker certstream"* ]] &&
    pass "certstream --help" || fail "certstream --help" "$out"
