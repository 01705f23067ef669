# ctlite-worker tail against a loopback static-ct-api log (tests/fixtures/ctlog_server.py):
# entries stored and verified against the signed checkpoint, a rerun that adds nothing, a bad
# signature, a wrong root, a malformed entry, a truncated tile, and kill -9 during a catch-up.
set -u
. "$(dirname "$0")/../lib.sh"
tmp=$(mktemp -d)
pids=""
trap 'kill $pids 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
w=$CTLITE_WORKER
export CTLITE_HTTP_BACKOFF=0.05 CTLITE_HTTP_TIMEOUT=5

control() { /usr/bin/python3 -c 'import sys, urllib.request as u; u.urlopen(sys.argv[1]).read()' "$url/_control?$1"; }
state() { sqlite3 "$1" "SELECT next_index, verified_size, coalesce(error, '') FROM ct_log"; }

start_log a --entries 700
db=$tmp/a.db
"$w" init "$db" >/dev/null
"$w" logs "$db" add "$url/static/" "$key" --monitoring "$url/static/" --description fixture >/dev/null
check "tail --once: every entry stored and verified" \
    "tail: 1 logs, 700 entries stored (0 malformed), 0 failed|700|700|" \
    "$("$w" tail "$db" --once)|$(state "$db")"
check "entries once each, certificates with their names" "700|700|1" \
    "$(sqlite3 "$db" "SELECT count(*), count(DISTINCT idx), (SELECT count(*) > 0 FROM cert_name
                      WHERE registrable IN ('paypa1.com', 'xn--pypal-rqa.com')) FROM log_entry")"
check "a precertificate and its certificate share tbs_sha256" 1 \
    "$(sqlite3 "$db" "SELECT count(*) > 0 FROM (SELECT tbs_sha256 FROM cert GROUP BY tbs_sha256
                      HAVING sum(precert) = 1 AND sum(NOT precert) = 1)")"
check "a rerun stores nothing" "tail: 1 logs, 0 entries stored (0 malformed), 0 failed" \
    "$("$w" tail "$db" --once)"

control "fault=bad_signature"
out=$("$w" tail "$db" --once 2>&1)
check "a bad checkpoint signature: the log stops, said and recorded" \
    "1|ctlite-worker tail: fixture: checkpoint: the signature does not verify|700|700|checkpoint: the signature does not verify" \
    "$?|$(head -1 <<<"$out")|$(state "$db")"
control "fault=bad_root"
out=$("$w" tail "$db" --once 2>&1)
check "a second signed root for the same size: the log stops as inconsistent" \
    "1|700|two different signed roots for tree size 700: the log is inconsistent" \
    "$?|$(state "$db" | cut -d'|' -f2-)"
check "a stopped log is an alert" "log_stopped|high|log 1: two different signed roots for tree size 700: the log is inconsistent" \
    "$(sqlite3 "$db" 'SELECT rule, severity, key FROM rule_log_stopped')"
control "fault=malformed_entry"
check "a malformed entry: kept with the reason, the log goes on" \
    "tail: 1 logs, 1 entries stored (1 malformed), 0 failed|701|701||700|not a DER certificate" \
    "$("$w" tail "$db" --once)|$(state "$db")|$(sqlite3 "$db" 'SELECT idx, error FROM malformed_entry')"

# A growing log: a truncated data tile, then kill -9 during a catch-up.
start_log b --entries 3000 --grow 2500
db=$tmp/b.db
"$w" init "$db" >/dev/null
"$w" logs "$db" add "$url/static/" "$key" --monitoring "$url/static/" --description growing >/dev/null
control "fault=truncated&path=tile/data/000"
out=$("$w" tail "$db" --once 2>&1)
check "a truncated data tile: the log stops with the reason" "1 data tile 0, entry" \
    "$? $(grep -o 'data tile 0, entry' <<<"$out")"
for delay in 0.3 0.6 0.9 1.2 1.5; do
    "$w" tail "$db" --once >/dev/null 2>&1 &
    sleep $delay
    kill -9 $! 2>/dev/null
    wait $! 2>/dev/null
done
"$w" tail "$db" --once >/dev/null 2>&1
check "killed five times with -9, then a pass: every entry exactly once, all verified" "1|1|1" \
    "$(sqlite3 "$db" "SELECT (SELECT count(*) + (SELECT count(*) FROM malformed_entry)
                              FROM log_entry) = verified_size,
                             (SELECT count(DISTINCT idx) = count(*) FROM log_entry),
                             next_index = verified_size AND verified_size >= 5500 FROM ct_log")"
check "after the kills the database is sound" ok "$(sqlite3 "$db" 'PRAGMA integrity_check')"
control "fault=bad_root"
out=$("$w" tail "$db" --once 2>&1)
check "a larger signed root the entries do not match: nothing more is verified" \
    "1 the entries' root does not match the signed tree head" \
    "$? $(sqlite3 "$db" "SELECT substr(error, 1, 53) FROM ct_log WHERE verified_size < next_index")"

# The same kind of log through RFC 6962: get-sth and get-entries, short pages included.
start_log c --entries 1500 --page 100
db=$tmp/c.db
"$w" init "$db" >/dev/null
"$w" logs "$db" add "$url/rfc6962/" "$key" --description rfc >/dev/null
check "RFC 6962: every entry stored and verified, through short pages" \
    "tail: 1 logs, 1500 entries stored (0 malformed), 0 failed|1500|1500|" \
    "$("$w" tail "$db" --once)|$(state "$db")"
check "RFC 6962: the same certificates as through static-ct-api" "1" \
    "$(sqlite3 "$db" "ATTACH '$tmp/a.db' AS a; SELECT count(*) = 0 FROM (SELECT sha256 FROM cert
                      WHERE id IN (SELECT cert_id FROM log_entry WHERE idx < 700)
                      EXCEPT SELECT sha256 FROM a.cert)")"
control "fault=bad_signature"
out=$("$w" tail "$db" --once 2>&1)
check "RFC 6962: a bad tree head signature stops the log" \
    "1 ctlite-worker tail: rfc: get-sth: the signature does not verify" "$? $(head -1 <<<"$out")"
control "fault=short_page&count=3"
control "fault=malformed_entry"
check "RFC 6962: pages of one entry and a malformed entry" \
    "tail: 1 logs, 1 entries stored (1 malformed), 0 failed|1501|1501|" \
    "$("$w" tail "$db" --once)|$(state "$db")"

# Starting late: the tree before the start comes from hash tiles or a consistency proof.
db=$tmp/end.db
"$w" init "$db" >/dev/null
"$w" logs "$db" add "$url/static/" "$key" --monitoring "$url/static/" >/dev/null
check "--start-at-end (static-ct-api): the last entry (malformed) stored, the head verified" \
    "1|1501|1500|1501" \
    "$("$w" tail "$db" --once --start-at-end >/dev/null; sqlite3 "$db" "SELECT (SELECT count(*)
       FROM malformed_entry WHERE idx = 1500), next_index, start_index, verified_size FROM ct_log")"
db=$tmp/from.db
"$w" init "$db" >/dev/null
"$w" logs "$db" add "$url/rfc6962/" "$key" >/dev/null
check "--from 300 (RFC 6962): entries from 300 on, verified with the proof's tree" \
    "1200|1501|300|1501|300" \
    "$("$w" tail "$db" --once --from 300 >/dev/null; sqlite3 "$db" "SELECT (SELECT count(*)
       FROM log_entry), next_index, start_index, verified_size, (SELECT min(idx) FROM log_entry)
       FROM ct_log")"
db=$tmp/from2.db
"$w" init "$db" >/dev/null
"$w" logs "$db" add "$url/static/" "$key" --monitoring "$url/static/" >/dev/null
check "--from 1024 (static-ct-api), a power of two: one entry earlier" "1023|1501|" \
    "$("$w" tail "$db" --once --from 1024 >/dev/null; sqlite3 "$db" "SELECT start_index,
       verified_size, coalesce(error, '') FROM ct_log")"

# Two logs at once, issuers, a 429 with Retry-After, retention and status.
start_log d --entries 900 --seed 2
db=$tmp/two.db
"$w" init "$db" >/dev/null
"$w" logs "$db" add "$url/static/" "$key" --monitoring "$url/static/" --description d >/dev/null
"$w" logs "$db" add "http://127.0.0.1:$(cat "$tmp/c/port")/rfc6962/" \
    "$(cat "$tmp/c/key")" --description c >/dev/null
"$w" watch "$db" add domain paypa1.com >/dev/null
"$w" watch "$db" add keywords zzsighting >/dev/null
sqlite3 "$db" "UPDATE setting SET value = -10 WHERE name = 'retention';
    INSERT INTO name_sighting(name, registrable, wildcard, source) VALUES
        ('www.paypa1.com', 'paypa1.com', 0, 'certstream'),
        ('zzsighting-login.example.net', 'example.net', 0, 'certstream'),
        ('plain.example.org', 'example.org', 0, 'certstream')"
control "fault=429&retry_after=1&path=tile/data"
check "two logs at once, one of them answering 429 first: both stored and verified" \
    "tail: 2 logs, 2401 entries stored (1 malformed), 0 failed|d 900 900|c 1501 1501" \
    "$("$w" tail "$db" --once)|$(sqlite3 "$db" "SELECT group_concat(description || ' ' ||
       next_index || ' ' || verified_size, '|') FROM ct_log")"
check "the data tile answered with 429 was asked for again, a second later" "1 True" \
    "$(curl -s "$url/_log" | /usr/bin/python3 -c 'import json, sys
times = {}
for r in json.load(sys.stdin):
    if "/tile/data/" in r["path"]: times.setdefault(r["path"], []).append(r["time"])
again = [t for t in times.values() if len(t) > 1]
print(len(again), all(t[1] - t[0] >= 0.9 for t in again))')"
check "issuer certificates: the four each log serves (a root, three intermediates), once" "8|4" \
    "$(ctsql "$db" "SELECT count(*), count(DISTINCT x509_subject(der)) FROM issuer_cert")"
check "retention: only the certificates of the watched domain are left, with their entries" \
    "1|1" \
    "$(ctsql "$db" "SELECT count(*) > 0 AND count(*) = (SELECT count(DISTINCT cert_id)
       FROM cert_keep), (SELECT count(*) FROM log_entry) = (SELECT count(*) FROM log_entry
       WHERE cert_id IN (SELECT cert_id FROM cert_keep)) FROM cert")"
check "retention: of the names seen without a certificate, those of the watched domain and of alerts are left" \
    "www.paypa1.com|zzsighting-login.example.net" \
    "$(sqlite3 "$db" "SELECT name FROM name_sighting ORDER BY name" | paste -sd'|')"
check "status: a line per log with its position and lag" \
    "id log position verified tree_size lag|1 d 900 900 900 0|2 c 1501 1501 1501 0" \
    "$("$w" status "$db" | cut -f1-6 | tr '\t' ' ' | paste -sd'|')"

# A young partial tile waits; its level-0 hash tile verifies the head meanwhile.
db=$tmp/partial.db
"$w" init "$db" >/dev/null
"$w" logs "$db" add "$url/static/" "$key" --monitoring "$url/static/" >/dev/null
"$w" tail "$db" --partial-wait 600 >/dev/null 2>&1 &
for _ in $(seq 100); do
    [ "$(sqlite3 "$db" 'SELECT head_size FROM ct_log' 2>/dev/null)" = 900 ] && break
    sleep 0.1
done
kill -TERM $!
wait $!
check "a young partial tile: full tiles stored, the head verified through its hashes" \
    "0|768|768|900" "$?|$(sqlite3 "$db" 'SELECT next_index, verified_size, head_size FROM ct_log')"

# Servers that fail for a while: 503 pages, a body too slow for the timeout, a cut connection.
db=$tmp/flaky.db
"$w" init "$db" >/dev/null
"$w" logs "$db" add "$url/rfc6962/" "$key" >/dev/null
control "fault=503&count=2&path=get-entries"
control "fault=slow&delay=3&path=get-entries"
control "fault=cut&path=get-entries"
check "503 pages, a slow answer and a cut connection: retried, every entry stored and verified" \
    "tail: 1 logs, 900 entries stored (0 malformed), 0 failed|900|900|" \
    "$(CTLITE_HTTP_TIMEOUT=1 "$w" tail "$db" --once 2>&1)|$(state "$db")"
control "fault=503&count=9&path=get-sth"
out=$(CTLITE_HTTP_MAX_ATTEMPTS=2 "$w" tail "$db" --once 2>&1)
check "a log that keeps failing: the error names the URL, the status and the page, and is kept" \
    "1 HTTP 503 (text/html" "$? $(sqlite3 "$db" 'SELECT error FROM ct_log' | grep -o 'HTTP 503 (text/html')"
/usr/bin/python3 -c 'import sys, urllib.request as u; u.urlopen(sys.argv[1]).read()' "$url/_reset"

out=$("$w" tail "$tmp/a.db" --once --log one 2>&1)
check "tail --log with something that is no id" "2 ctlite-worker tail: --log: 'one' is not a log id" "$? $out"
check "tail --help" "usage: ctlite-worker tail DB" "$("$w" tail --help | head -1 | cut -c1-28)"
out=$("$w" tail "$tmp/a.db" --once --concurrency 0 2>&1)
check "tail --concurrency 0" "2 ctlite-worker tail: --concurrency: a whole number from 1 to 64" "$? $out"
out=$("$w" tail "$tmp/a.db" --once --from 2.5 2>&1)
check "tail --from with a fraction" "2 ctlite-worker tail: --from: a whole number from 0 to 1e+15" "$? $out"
sqlite3 "$tmp/a.db" "UPDATE ct_log SET description = 'evil' || char(27) || '[2Jlog'"
url="http://127.0.0.1:$(cat "$tmp/a/port")" control "fault=bad_signature"
out=$("$w" tail "$tmp/a.db" --once 2>&1)
check "a log's description is printed without its control bytes" \
    "ctlite-worker tail: evil [2Jlog: checkpoint: the signature does not verify" "$(head -1 <<<"$out")"
check "status --help, and status without a database" "usage: ctlite-worker status DB|2" \
    "$("$w" status --help | head -1)|$("$w" status >/dev/null 2>&1; echo $?)"
