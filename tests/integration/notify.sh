# ctlite-worker notify against a loopback webhook and SMTP sink (tests/fixtures/alert_sink.py):
# each format as its receiver checks it, hostile names escaped everywhere, 429 with
# Retry-After and 500 retried, a failing channel that holds back no other, exactly one
# delivery per channel, and a kill -9 between a send and its record that sends again but
# loses nothing.
set -u
. "$(dirname "$0")/../lib.sh"
tmp=$(mktemp -d)
pids=""
trap 'kill $pids 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
w=$CTLITE_WORKER
db=$tmp/ct.db
sql() { ctsql "$db" "$@"; }

/usr/bin/python3 "$(dirname "$0")/../fixtures/alert_sink.py" --dir "$tmp/sink" --starttls \
    >"$tmp/sink.log" 2>&1 &
pids="$pids $!"
for _ in $(seq 100); do [ -s "$tmp/sink/smtp_port" ] && break; sleep 0.1; done
if [ ! -s "$tmp/sink/smtp_port" ]; then
    fail "the alert sink starts" "$(tail -3 "$tmp/sink.log")"
    exit 0
fi
hook="http://127.0.0.1:$(cat "$tmp/sink/http_port")"
smtp_port=$(cat "$tmp/sink/smtp_port")
get() { /usr/bin/python3 -c 'import sys, urllib.request as u; print(u.urlopen(sys.argv[1]).read().decode())' "$hook/$1"; }
# jq-like reading of the sink's logs: py EXPR, with the log as L.
py() { /usr/bin/python3 -c "import json, sys; L = json.load(sys.stdin); print($2)" <<<"$(get "$1")"; }
export CTLITE_HTTP_BACKOFF=0.05 CTLITE_HTTP_TIMEOUT=2 CTLITE_HTTP_MIN_INTERVAL=0

"$w" init "$db" >/dev/null
"$w" watch "$db" add brand paypal.com >/dev/null
# Three alerts, two of them with hostile names: a newline and HTML, Markdown and a mention, a
# right-to-left override, control characters, and 10,000 characters.
evil1="paypal-login.com"$'\n'"<b>x</b> *bold* <!channel> [a](http://x) "$'\u202e'"moc."$'\x1b'"[31m"
evil2="paypal-$(head -c 10000 /dev/zero | tr '\0' a).com"
sql "INSERT INTO cert(id, serial, issuer_name, not_before, not_after, logged_at_ms, source)
     VALUES (1, '0a', 'C=ZZ, O=Evil, CN=Evil CA', 1, 4000000000, 1000, 'test');
     INSERT INTO cert_name VALUES (1, 'paypa1.com', 'paypa1.com', 0),
       (1, '$(sed "s/'/''/g" <<<"$evil1")', 'evil-one.test', 0),
       (1, '$evil2', 'evil-two.test', 0);
     INSERT INTO alert_log(rule, key, severity, detail, cert_id)
       SELECT 'typosquat', name, 'high', json_object('name', name), 1 FROM cert_name;"

# stdout: one JSON line each, non-ASCII and controls escaped.
out=$("$w" notify "$db" --stdout 2>"$tmp/err")
check "stdout: three lines, status 0" "3 0" "$(wc -l <<<"$out") $?"
check "stdout: said on stderr" "ctlite-worker notify: 3 delivered, 0 failed" "$(cat "$tmp/err")"
check "stdout: every line JSON, ASCII only, the names intact once decoded" "True" \
    "$(/usr/bin/python3 -c 'import json, sys
lines = sys.stdin.read().splitlines()
names = {json.loads(l)["detail"]["name"] for l in lines}
print(all(l.isascii() for l in lines) and len(names) == 3 and all(n.startswith("pay") for n in names))' <<<"$out")"
check "stdout: nothing more the second time" "" "$("$w" notify "$db" --stdout 2>/dev/null)"

# JSON files.
"$w" notify "$db" --json-dir "$tmp/alerts" 2>/dev/null
day=$(date -u +%Y/%m/%d)
check "json-dir: one file per alert under YYYY/MM/DD" "1-typosquat.json 2-typosquat.json 3-typosquat.json" \
    "$(ls "$tmp/alerts/$day" | paste -sd' ')"
check "json-dir: no temporary file left" "0" "$(find "$tmp/alerts" -name '.*' | wc -l)"

# Slack, Teams and generic JSON, each checked by the sink as the service checks it.
for f in slack teams json; do
    "$w" notify "$db" --webhook "$hook/$f/x" --webhook-format $f 2>"$tmp/err"
    check "webhook $f: delivered" "0 ctlite-worker notify: 3 delivered, 0 failed" "$? $(cat "$tmp/err")"
done
check "webhook: every answer was a success" "[200, 200, 200, 202, 202, 202, 200]" \
    "$(py _log '[r["status"] for r in L]')"
check "slack: names are plain text, not markup, and no raw controls" "True" \
    "$(py _log 'all(b.get("type") != "mrkdwn" and "\u202e" not in r["body"] and "\\u001b" not in r["body"] for r in L if r["path"].startswith("/slack") for b in json.loads(r["body"])["blocks"] for b in [b] + b.get("fields", []))')"
check "slack: the override and the escape shown as escapes" "True" \
    "$(py _log 'any("\\u{202E}" in json.loads(r["body"])["text"] and "\\\\x1B" in r["body"] for r in L if r["path"].startswith("/slack"))')"
check "teams: untrusted text only in TextRuns" "True" \
    "$(py _log 'all(b["type"] == "RichTextBlock" and all(i["type"] == "TextRun" for i in b["inlines"]) for r in L if r["path"].startswith("/teams") for b in json.loads(r["body"])["attachments"][0]["content"]["body"])')"
check "json: one batch of three" "3 3" \
    "$(py _log '" ".join(str(x) for r in L if r["path"].startswith("/json") for x in (json.loads(r["body"])["count"], len(json.loads(r["body"])["alerts"])))')"
check "long names are cut in messages" "True" \
    "$(py _log 'all(len(f["text"]) <= 2000 for r in L if r["path"].startswith("/slack") for b in json.loads(r["body"])["blocks"] for f in b.get("fields", []))')"

# 429 with Retry-After and a 500 page are retried; a channel that keeps failing is reported,
# recorded and tried again later, and holds back no other channel.
get "_reset" >/dev/null
get "_control?mode=429&retry_after=1" >/dev/null
get "_control?mode=500" >/dev/null
sql "INSERT INTO alert_log(rule, key, severity, detail) VALUES ('mine', 'four', 'low', '{}')"
"$w" notify "$db" --webhook "$hook/json/y" 2>"$tmp/err"
check "429 then 500: retried until delivered" "0 ctlite-worker notify: 4 delivered, 0 failed" \
    "$? $(cat "$tmp/err")"
check "... the retry after 429 waited what Retry-After asked" "[429, 500, 200] True" \
    "$(py _log '[r["status"] for r in L], L[1]["time"] - L[0]["time"] >= 0.9')"
get "_control?mode=503&count=20" >/dev/null
sql "INSERT INTO channel(name, kind, target_env, format) VALUES ('down', 'webhook', 'DOWN_URL', 'json'),
       ('files', 'json_dir', NULL, NULL);
     UPDATE channel SET target = '$tmp/files' WHERE name = 'files'"
DOWN_URL="$hook/json/down" CTLITE_HTTP_MAX_ATTEMPTS=2 "$w" notify "$db" 2>"$tmp/err"
check "a failing channel: status 1" "1" "$?"
check "a failing channel: reported" \
    "ctlite-worker notify: channel down: 4 alerts not delivered, tried again later: POST $hook/json/down: HTTP 503" \
    "$(head -1 "$tmp/err" | sed 's/ (text\/html.*//')"
check "... and the others delivered all the same" "4" "$(ls "$tmp/files/$day" | wc -l)"
check "... its deliveries wait, with the error" "4|4|1" \
    "$(sql "SELECT count(*), sum(next_attempt > unixepoch()), min(attempts) FROM delivery d
            JOIN channel c ON c.id = d.channel_id WHERE c.name = 'down' AND delivered_at IS NULL
            AND error LIKE 'POST %'")"
out=$("$w" notify "$db" 2>&1)
check "a channel whose URL variable is missing: a clear error" \
    "ctlite-worker notify: channel down: the environment variable DOWN_URL is not set" "$out"
get "_reset" >/dev/null
sql "UPDATE delivery SET next_attempt = 0"
DOWN_URL="$hook/json/down" "$w" notify "$db" 2>/dev/null
check "once due again and up: delivered" "0|1" \
    "$(sql "SELECT count(*) FILTER (WHERE delivered_at IS NULL), count(DISTINCT delivered_at IS NULL)
            FROM delivery d JOIN channel c ON c.id = d.channel_id WHERE c.name = 'down'")"
check "alert_log.delivered_at once every channel had it" "4" \
    "$(sql "SELECT count(*) FROM alert_log WHERE delivered_at IS NOT NULL")"

# Mail: plain, STARTTLS with a login, a refused recipient, and a header that stays one line.
export CTLITE_SMTP_CA_FILE=$tmp/sink/cert.pem CTLITE_SMTP_PASSWORD=secret
get "_reset" >/dev/null
"$w" notify "$db" --smtp-url "smtp://127.0.0.1:$smtp_port" --mail-from ct@example.org \
    --mail-to soc@example.org,oncall@example.org 2>"$tmp/err"
check "mail: one message for the four alerts" "0 ctlite-worker notify: 4 delivered, 0 failed" \
    "$? $(cat "$tmp/err")"
msg=$(py _smtp_log 'L[0]["data"]')
check "mail: both recipients" "['soc@example.org', 'oncall@example.org']" \
    "$(py _smtp_log 'L[0]["rcpt_to"]')"
check "mail: the headers are the ones written, each on one line" "True" \
    "$(py _smtp_log '[h.split(":")[0] for h in L[0]["data"].split("\r\n\r\n")[0].split("\r\n") if not h.startswith(" ")] == ["Date", "From", "To", "Message-ID", "Subject", "MIME-Version", "Content-Type"]')"
check "mail: the HTML part escapes names" "True" \
    "$(py _smtp_log '__import__("quopri").decodestring(L[0]["data"].split("text/html")[1].encode()).decode().count("&lt;b&gt;x&lt;/b&gt;") == 2 and "<b>" not in __import__("quopri").decodestring(L[0]["data"].split("text/html")[1].encode()).decode()')"
"$w" notify "$db" --smtp-url "smtp+starttls://localhost:$smtp_port" --mail-from ct@example.org \
    --mail-to soc@example.org --smtp-user alice 2>"$tmp/err"
check "mail over STARTTLS with a login" "0 True alice" \
    "$? $(py _smtp_log 'L[-1]["tls"], L[-1]["auth"]' | tr -d '(),' )"
get "_control?smtp=550" >/dev/null
"$w" notify "$db" --smtp-url "smtp://127.0.0.1:$smtp_port" --mail-from ct@example.org \
    --mail-to nobody@example.org 2>"$tmp/err"
check "mail refused: status 1, reported" "1 ctlite-worker notify: channel mail smtp://127.0.0.1:$smtp_port nobody@example.org: 4 alerts not delivered, tried again later: mail to smtp://127.0.0.1:$smtp_port: RCPT failed: 550 (last reply 550)" \
    "$? $(head -1 "$tmp/err")"
out=$("$w" notify "$db" --smtp-url "smtp://127.0.0.1:$smtp_port" --mail-from ct@example.org \
    --mail-to $'a@b.c\r\nBcc: x@y.z' 2>&1)
check "a recipient that would add a header: refused" "1" "$?"
[[ $out == *"are not mail addresses separated by commas"* ]] &&
    pass "... with a message" || fail "... with a message" "$out"

# kill -9 between a send and its record: sent again, never lost.
get "_reset" >/dev/null
sql "INSERT INTO alert_log(rule, key, severity, detail) VALUES ('mine', 'five', 'low', '{}')"
get "_control?mode=slow&delay=5" >/dev/null
"$w" notify "$db" --webhook "$hook/json/k" 2>/dev/null &
victim=$!
for _ in $(seq 100); do [ "$(py _log 'len(L)')" = 1 ] && break; sleep 0.1; done
kill -9 $victim
wait $victim 2>/dev/null
"$w" notify "$db" --webhook "$hook/json/k" 2>"$tmp/err"
check "after kill -9: the next pass delivers" "0 ctlite-worker notify: 5 delivered, 0 failed" \
    "$? $(cat "$tmp/err")"
check "... what the killed one had sent, again" "2 5 5" \
    "$(py _log '" ".join(str(x) for x in [len(L)] + [json.loads(r["body"])["count"] for r in L])')"
check "... and only once more" "" "$("$w" notify "$db" --webhook "$hook/json/k" 2>&1 |
    grep -v '0 delivered, 0 failed')"

# More than a batch (100) on a channel: all of it in one run.
sql "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 250)
     INSERT INTO alert_log(rule, key, severity, detail) SELECT 'bulk', 'k' || i, 'low', '{}' FROM n"
check "250 new alerts: all delivered by one notify (with the two stdout has not had)" "252" \
    "$("$w" notify "$db" --stdout --json-dir "$tmp/bulk" 2>/dev/null | wc -l)"
check "... and all 255 on a new channel" "255" "$(find "$tmp/bulk" -name '*.json' | wc -l)"

out=$("$w" notify "$db" --webhook-format slack 2>&1)
check "--webhook-format without --webhook: status 2" "2" "$?"
out=$("$w" notify --help) && [[ $out == "usage: ctlite-worker notify"* ]] &&
    pass "notify --help" || fail "notify --help" "$out"
