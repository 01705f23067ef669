# ctlite-worker run: a loopback CT log followed, the rules evaluated after each batch and their
# alerts delivered on the channel table's channels at once; SIGTERM and SIGINT stop it cleanly,
# and a second run delivers nothing twice.
set -u
. "$(dirname "$0")/../lib.sh"
tmp=$(mktemp -d)
pids=""
trap 'kill $pids 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
w=$CTLITE_WORKER
export CTLITE_HTTP_BACKOFF=0.05 CTLITE_HTTP_TIMEOUT=5

start_log a --entries 3000
mkdir "$tmp/crtsh" && start_crtsh "$tmp/crtsh" || exit 0
pids="$pids $crtsh_pid"
db=$tmp/a.db
"$w" init "$db" >/dev/null
"$w" watch "$db" add domain example.com >/dev/null
"$w" logs "$db" add "$url/static/" "$key" --monitoring "$url/static/" --description fixture >/dev/null
"$w" watch "$db" add brand paypal.com >/dev/null
sqlite3 "$db" "INSERT INTO channel(name, kind, target) VALUES ('siem', 'stdout', '-'),
                 ('files', 'json_dir', '$tmp/alerts'), ('off', 'json_dir', '$tmp/off');
               UPDATE channel SET enabled = 0 WHERE name = 'off'"

# runs SIGNAL: starts run, waits until the log is caught up and every alert delivered, then
# stops it with SIGNAL. Sets out, err and status.
runs() {
    local _
    "$w" run "$db" --interval 1 >"$tmp/out" 2>"$tmp/err" &
    local pid=$!
    # Until its crt.sh sync has said its line (so its signal handlers are in place: before
    # that, a background job of a script ignores SIGINT) and everything is delivered.
    for _ in $(seq 300); do
        grep -q '^crtsh:' "$tmp/err" && [ "$(sqlite3 "$db" "SELECT next_index = 3000
              AND (SELECT count(*) FROM alert_log) > 0
              AND NOT EXISTS (SELECT 1 FROM delivery WHERE delivered_at IS NULL)
              AND (SELECT min(cursor) FROM channel WHERE enabled) =
                  (SELECT max(id) FROM alert_log) FROM ct_log" 2>/dev/null)" = 1 ] && break
        sleep 0.1
    done
    kill -"$1" $pid
    # A stop that does not come in 30 s is a failure (status 137 below), not a hang.
    for _ in $(seq 300); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
    kill -9 $pid 2>/dev/null
    wait $pid
    status=$?
    out=$(cat "$tmp/out") err=$(cat "$tmp/err")
}

runs TERM
check "SIGTERM: a clean stop, status 0" "0" "$status"
check "the log followed, verified" "3000|3000|" \
    "$(sqlite3 "$db" "SELECT next_index, verified_size, coalesce(error, '') FROM ct_log")"
alerts=$(sqlite3 "$db" "SELECT count(*) FROM alert_log")
check "look-alikes of the brand raised" "1" \
    "$(sqlite3 "$db" "SELECT count(*) > 0 FROM alert_log WHERE key = 'paypa1.com ~ paypal.com'")"
check "stdout: one JSON line per alert, nothing else" "$alerts" \
    "$(/usr/bin/python3 -c 'import json, sys
print(sum(json.loads(l)["event"] == "alert" for l in sys.stdin))' <<<"$out")"
check "the JSON directory: one file per alert" "$alerts" "$(find "$tmp/alerts" -name '*.json' | wc -l)"
check "a disabled channel gets nothing" "0" "$(find "$tmp" -path "*off*" -name '*.json' | wc -l)"
check "the summary goes to stderr" "run: 1 logs, 3000 entries stored (0 malformed), 0 failed" \
    "$(tail -1 <<<"$err")"
check "crt.sh synced at start, its summary on stderr" \
    "crtsh: 1 domains synced, 14 certificates (14 new), 8 new names, 0 failed" \
    "$(grep '^crtsh:' <<<"$err")"
check "... its certificates through the rules too" "1" \
    "$(sqlite3 "$db" "SELECT min(cert_mark) >= (SELECT max(id) FROM cert WHERE source = 'crtsh')
                      FROM rule_state")"
check "every alert delivered on both channels, recorded" "$alerts|$((alerts * 2))" \
    "$(sqlite3 "$db" "SELECT count(*) FILTER (WHERE delivered_at IS NOT NULL),
                      (SELECT count(*) FROM delivery WHERE delivered_at IS NOT NULL) FROM alert_log")"

runs INT
check "SIGINT: a clean stop, status 0" "0" "$status"
check "a second run delivers nothing again" "" "$out"
check "... and stores nothing again" "run: 1 logs, 0 entries stored (0 malformed), 0 failed" \
    "$(tail -1 <<<"$err")"

out=$("$w" run --help) && [[ $out == "usage: ctlite-worker run DB"* ]] &&
    pass "run --help" || fail "run --help" "$out"
"$w" run >/dev/null 2>&1
check "run without DB: status 2" "2" "$?"
