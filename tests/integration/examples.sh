# The files of examples/: the watch list applies to a fresh database, and again without
# change; the three rules install with the sqlite3 shell, are accepted by ctlite-worker rules,
# fire on the certificates and sightings made for them and stay silent on near misses; each
# of the ten queries runs, and some show the rows expected; the systemd unit verifies; the
# crontab's jobs have five time fields and run worker commands that exist.
set -u
. "$(dirname "$0")/../lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
w=$CTLITE_WORKER
ex=$(dirname "$0")/../../examples
db=$tmp/ct.db
sql() { ctsql "$db" "$@"; }

"$w" init "$db" >/dev/null

# The watch list, through the plain shell: no extension is needed.
out=$(sqlite3 -bail "$db" <"$ex/watchlist.sql" 2>&1)
check "watchlist.sql applies without the extension" "0 " "$? $out"
counts() {
    sql "SELECT group_concat(n, ' ') FROM (SELECT kind || '=' || count(*) AS n FROM watch
           GROUP BY kind ORDER BY kind)
         UNION ALL SELECT 'allowlist=' || count(*) FROM allowlist"
}
want="brand=3 domain=3 keywords=2 regex=1
allowlist=3"
check "watchlist.sql: domains, brands, keyword sets, a pattern, the allowlist" "$want" "$(counts)"
out=$(sqlite3 -bail "$db" <"$ex/watchlist.sql" 2>&1)
check "watchlist.sql applies again, changing nothing" "0 $want" "$? $(counts)"
check "watchlist.sql: subtree and exact domains, a keyword threshold, as watch ls shows them" \
    "domain example.com subtree|domain example.net subtree|domain shop.example.org exact|keywords login secure verify account update 2|keywords bluefalcon 1" \
    "$("$w" watch "$db" ls | awk -F'\t' '$2 == "domain" || $2 == "keywords" { print $2, $3, $4 }' |
        paste -sd'|')"
check "watchlist.sql: every pattern compiles" "1" \
    "$(sql "SELECT min(regexp(value, '') IS NOT NULL) FROM watch WHERE kind = 'regex'")"
check "watchlist.sql: every value is what watch add would store" "" \
    "$(sql "SELECT value FROM watch WHERE kind = 'domain' AND value IS NOT domain_to_ascii(value)
            UNION ALL SELECT value FROM watch WHERE kind = 'brand'
             AND value IS NOT registrable_domain(value)
            UNION ALL SELECT domain FROM allowlist WHERE domain IS NOT registrable_domain(domain)")"

# The watches began 30 days ago; what was logged before is history.
now=$(date +%s)
day=86400
t0=$((now - 30 * day))
sql "UPDATE watch SET created_at = $t0"

# The issuers: "Good" has a CA certificate in issuer_cert (made here with openssl), which
# query 2 reads with the x509_* functions.
if command -v openssl >/dev/null &&
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$tmp/ca.key" \
        -subj "/C=US/O=Good CA/CN=Good R1" -days 400 -outform DER -out "$tmp/ca.der" \
        >/dev/null 2>&1; then
    sql "INSERT INTO issuer_cert(sha256, der) SELECT x509_sha256(d), d
           FROM (SELECT readfile('$tmp/ca.der') AS d)"
    good=$(sql "SELECT x509_subject(der) FROM issuer_cert")
    ca_expires=$(sql "SELECT date(x509_not_after(der), 'unixepoch') FROM issuer_cert")
else
    good='C=US, O=Good CA, CN=Good R1'
    ca_expires=NULL
fi
other='C=ZZ, O=Other CA, CN=Other R3'
acme='C=US, O=Free ACME, CN=E7'

# cert ID ISSUER NOT_BEFORE NOT_AFTER LOGGED PRECERT NAME...: a certificate with its names.
cert() {
    local id=$1 issuer=$2 nb=$3 na=$4 logged=$5 pre=$6 values="" n
    shift 6
    for n in "$@"; do
        values+="${values:+, }($id, '$n', registrable_domain('$n'), is_wildcard('$n'))"
    done
    sql "INSERT INTO cert(id, serial, issuer_name, not_before, not_after, logged_at_ms, precert,
                          source)
         VALUES ($id, printf('%x', $id), '$issuer', $nb, $na, $logged * 1000, $pre, 'test');
         INSERT INTO cert_name(cert_id, name, registrable, wildcard) VALUES $values;"
}
old=$((t0 - 100 * day)) new=$((now - 3600))
# The watched domains. Before the watch: example.com, www and login with the Good CA, expiring
# in 20 days; login was renewed since, with the same issuer.
cert 1 "$good" $((now - 70 * day)) $((now + 20 * day)) $old 0 example.com www.example.com \
    login.example.com
cert 2 "$good" $((now - day)) $((now + 89 * day)) $new 0 login.example.com
# Since: login from another issuer, a new VPN host, near misses (author, blogin, the shop),
# a wildcard, and a precertificate with its certificate.
cert 3 "$other" $((now - day)) $((now + 89 * day)) $new 0 login.example.com
cert 4 "$good" $((now - day)) $((now + 89 * day)) $new 0 vpn2-eu.example.net
cert 5 "$good" $((now - day)) $((now + 89 * day)) $new 0 author.example.com \
    blogin.example.com shop.example.org
cert 6 "$good" $((now - day)) $((now + 89 * day)) $new 0 '*.example.com' example.com
cert 7 "$good" $((now - day)) $((now + 89 * day)) $((new - 5)) 1 api.example.com
cert 8 "$good" $((now - day)) $((now + 89 * day)) $new 0 api.example.com
sql "UPDATE cert SET tbs_sha256 = x'$(printf '%062d' 0)07' WHERE id IN (7, 8);
     UPDATE cert SET serial = '7' WHERE id = 8"
# Look-alikes: fresh and short (two), then an old one, a long one, an allowlisted one and
# the brand's own, all fresh otherwise.
fresh="$((now - 2 * 3600)) $((now + 88 * day)) $new 0"
cert 20 "$acme" $fresh paypal-secure-login.com
cert 21 "$acme" $((now - 3600)) $((now + 5 * day)) $new 0 exarnple.com www.exarnple.com
cert 22 "$acme" $((now - 40 * day)) $((now + 50 * day)) $new 0 micros0ft-support.com
cert 23 "$other" $((now - day)) $((now + 365 * day)) $new 0 paypal-login.net
cert 24 "$acme" $fresh static.paypalobjects.com
cert 25 "$acme" $fresh www.paypal.com
# Our domain inside another name, for the pattern.
cert 26 "$other" $((now - 90 * day)) $((now + 300 * day)) $new 0 www-example-com.secure-check.net
# Names seen without their certificate, in the last hour: three punycode look-alikes, and
# near misses (no brand; the brand legible without decoding; a label that does not decode;
# a brand's own domain), plus a plain look-alike for query 7.
sight() {
    sql "INSERT INTO name_sighting(name, registrable, wildcard, source, log, log_index,
                                   logged_at, first_seen)
         VALUES ('$1', registrable_domain('$1'), 0, 'certificate.stream',
                 'https://ct.example.net/2026h1/', $2, $((now - 600)), $((now - 600)))"
}
i=0
for n in xn--pypal-4ve.com login.xn--mcrosoft-thh.net www.xn--exmple-4nf.com \
    xn--bcher-kva.de www.xn--bcher-kva.paypal-help.com xn--zz.com xn--bcher-kva.paypal.com \
    paypa1-verify.info; do
    i=$((i + 1))
    sight $n $i
done
# seen_name as the worker keeps it: the new VPN host this week, an old name.
sql "INSERT INTO seen_name(name, first_cert_id, first_seen) VALUES
       ('vpn2-eu.example.net', 4, $new), ('www.example.com', 1, $old)"
# A CT log: 1,000 entries behind its head, whose newest stored entry is 2 minutes old.
sql "INSERT INTO ct_log(id, log_id, key, api, url, description, source, next_index,
                        verified_size, head_size, head_timestamp, checked_at, rate)
     VALUES (1, zeroblob(32), x'00', 'static-ct-api', 'https://ct.example.net/2026h1/',
             'Example 2026h1', 'manual', 5000, 5000, 6000, ($now - 30) * 1000, $now - 5, 12.5);
     INSERT INTO log_entry(log, idx, cert_id, logged_at_ms) VALUES (1, 4999, 8, ($now - 120) * 1000)"

# The rules, through the plain shell too.
for f in "$ex"/rules/*.sql; do
    out=$(sqlite3 -bail "$db" <"$f" 2>&1)
    check "rules/$(basename "$f") installs" "0 " "$? $out"
done
check "three rule views, each named after its file" \
    "rule_fresh_lookalike rule_punycode_brand_sighting rule_signin_host_new_issuer" \
    "$(for f in "$ex"/rules/*.sql; do
           name=rule_$(basename "$f" .sql)
           sql "SELECT name FROM sqlite_schema WHERE type = 'view' AND name = '$name'"
       done | paste -sd' ')"
builtin=$(sql "SELECT count(*) FROM sqlite_schema WHERE type = 'view' AND name GLOB 'rule_*'")
builtin=$((builtin - 3))
out=$("$w" rules "$db" 2>&1)
check "rules: accepted, none left out, none failed" \
    "$((builtin + 3)) rules evaluated, N alerts raised, 0 failed, 0 left out" \
    "$(sed -E 's/ [0-9]+ alerts/ N alerts/' <<<"$out")"
check "the three rules are in the view alerts" \
    "fresh_lookalike punycode_brand_sighting signin_host_new_issuer" \
    "$(sql "SELECT DISTINCT rule FROM alerts
            WHERE rule IN ('fresh_lookalike', 'punycode_brand_sighting', 'signin_host_new_issuer')
            ORDER BY rule" | paste -sd' ')"
check "their passes left no error" "" \
    "$(sql "SELECT rule || ': ' || error FROM rule_state WHERE error IS NOT NULL")"
keys() { sql "SELECT key FROM alert_log WHERE rule = '$1' ORDER BY key" | paste -sd'|'; }
check "signin_host_new_issuer: a new issuer for login, a new VPN host; not a renewal" \
    "login.example.com $other|vpn2-eu.example.net $good" "$(keys signin_host_new_issuer)"
check "signin_host_new_issuer: detail names the issuers before" "[\"$good\"]" \
    "$(sql "SELECT json_extract(detail, '$.issuers_before') FROM alert_log
            WHERE rule = 'signin_host_new_issuer' AND key LIKE 'login.%'")"
check "fresh_lookalike: the fresh, short certificates of look-alikes, critical" \
    "exarnple.com ~ example.com|critical paypal-secure-login.com ~ paypal.com|critical" \
    "$(sql "SELECT key, severity FROM alert_log WHERE rule = 'fresh_lookalike' ORDER BY key" |
        paste -sd' ')"
check "... of which typosquat raised more (the old, the long-lived)" "1 1" \
    "$(sql "SELECT count(*) FROM alert_log WHERE rule = 'typosquat'
              AND key = 'micros0ft-support.com ~ microsoft.com'") $(sql "SELECT count(*)
            FROM alert_log WHERE rule = 'typosquat' AND key = 'paypal-login.net ~ paypal.com'")"
check "punycode_brand_sighting: each brand read only once decoded" \
    "login.xn--mcrosoft-thh.net|www.xn--exmple-4nf.com|xn--pypal-4ve.com" \
    "$(keys punycode_brand_sighting)"
check "punycode_brand_sighting: no certificate, the brand and the folded form" \
    "1|microsoft.com|iogin.microsoft.net" \
    "$(sql "SELECT cert_id IS NULL, domain, json_extract(detail, '$.folded') FROM alert_log
            WHERE key = 'login.xn--mcrosoft-thh.net'")"
check "punycode_brand_sighting: keeps the sighting's id" "1" \
    "$(sql "SELECT sighting_id = (SELECT id FROM name_sighting WHERE name = 'xn--pypal-4ve.com')
            FROM alert_log WHERE key = 'xn--pypal-4ve.com'")"
check "a second pass raises nothing" \
    "$((builtin + 3)) rules evaluated, 0 alerts raised, 0 failed, 0 left out" \
    "$("$w" rules "$db" 2>&1)"
check "nor does a full one" \
    "$((builtin + 3)) rules evaluated, 0 alerts raised, 0 failed, 0 left out" \
    "$("$w" rules "$db" --full 2>&1)"
# Incremental: a new certificate for an admin host, and a new sighting.
cert 30 "$good" $((now - 60)) $((now + 89 * day)) $now 0 '*.admin.example.com'
sight www.xn--pypal-4ve.com 99
"$w" rules "$db" >/dev/null
check "new rows: their alerts at the next pass" \
    "*.admin.example.com $good|login.example.com $other|vpn2-eu.example.net $good www.xn--pypal-4ve.com" \
    "$(keys signin_host_new_issuer) $(sql "SELECT key FROM alert_log
            WHERE rule = 'punycode_brand_sighting' ORDER BY id DESC LIMIT 1")"

# RDAP ages and liveness, as enrich and scan would record them, for query 4.
sql "UPDATE domain SET registered_at = $now - 5 * $day, rdap = 'ok', checked_at = $now
      WHERE name = 'exarnple.com';
     INSERT INTO host(name, kind, state, https_status, title)
     VALUES ('exarnple.com', 'hit', 'up', 200, 'Sign in')"
sql "UPDATE alert_log SET acknowledged_at = $now WHERE rule = 'regex'"

# The queries, each on its own: a statement ends with a line that ends with ';'.
mkdir "$tmp/q"
awk -v dir="$tmp/q" '{ print > (dir "/" n + 1 ".sql") } /;[[:space:]]*$/ { close(dir "/" n + 1 ".sql"); n++ }' \
    "$ex/queries.sql"
check "queries.sql: ten statements" "10" "$(ls "$tmp/q" | wc -l)"
for k in $(seq 10); do
    title=$(sed -n -E 's/^-- [0-9]+\. //p' "$tmp/q/$k.sql" | head -1)
    out=$(ctsql "$db" <"$tmp/q/$k.sql" 2>&1)
    rc=$?
    printf '%s\n' "$out" >"$tmp/q/$k.out"
    if [ $rc -eq 0 ]; then pass "query $k runs: $title"; else fail "query $k runs: $title" "$out"; fi
done
day_of() { date -u -d @"$1" +%F; }
check "query 1: expiring within 30 days, renewed or not" \
    "example.com|$good|1|$(day_of $((now + 20 * day)))|19|1
login.example.com|$good|1|$(day_of $((now + 20 * day)))|19|1
www.example.com|$good|1|$(day_of $((now + 20 * day)))|19|0" "$(cat "$tmp/q/1.out")"
check "query 2: the issuers of example.com, the Good CA's own expiry" \
    "example.com|$good|6|$(day_of $((now - 70 * day)))|$(day_of $((now - 60)))|0|$ca_expires
example.com|$other|1|$(day_of $((now - day)))|$(day_of $((now - day)))|0|NULL" \
    "$(grep '^example\.com|' "$tmp/q/2.out")"
check "query 3: names first seen this week" "vpn2-eu.example.net|example.net" \
    "$(cut -d'|' -f1,2 "$tmp/q/3.out")"
check "query 4: a look-alike with its technique, age and site" \
    "homograph|example.com|exarnple.com|exarnple.com|NEW|5|up|200|Sign in" \
    "$(grep '|exarnple\.com|' "$tmp/q/4.out" | cut -d'|' -f1-9)"
check "query 5: today's alerts per rule, acknowledged counted" \
    "$(sql "SELECT date(first_seen, 'unixepoch') FROM alert_log WHERE rule = 'regex'")|regex|medium|1|1" \
    "$(grep "|regex|" "$tmp/q/5.out")"
check "query 6: the noisiest look-alike first: sightings count" "xn--pypal-4ve.com|paypal.com|0|0|2" \
    "$(head -1 "$tmp/q/6.out")"
check "query 7: names without a certificate that hold a brand" \
    "login.xn--mcrosoft-thh.net|microsoft.com paypa1-verify.info|paypal.com www.xn--bcher-kva.paypal-help.com|paypal.com www.xn--exmple-4nf.com|example.com www.xn--pypal-4ve.com|paypal.com xn--pypal-4ve.com|paypal.com" \
    "$(cut -d'|' -f1,2 "$tmp/q/7.out" | LC_ALL=C sort | paste -sd' ')"
# The ages are counted from when the query runs: a minute's slack.
check "query 8: the log's backlog, its head's and newest entry's ages" "Example 2026h1|1000|ok" \
    "$(awk -F'|' '{ print $2 "|" $5 "|" ($8 >= 30 && $8 < 90 && $9 >= 120 && $9 < 180 ? "ok" : $8 " " $9) }' \
        "$tmp/q/8.out")"
check "query 9: the precertificate with its certificate" "api.example.com|7|8|5" \
    "$(cut -d'|' -f1,4,5,7 "$tmp/q/9.out")"
check "query 10: wildcard names per watched domain" \
    "example.com|*.admin.example.com|1|[\"$good\"]|1
example.com|*.example.com|1|[\"$good\"]|1" \
    "$(cut -d'|' -f1-4,6 "$tmp/q/10.out")"
out=$(ctsql -box "$db" <"$ex/queries.sql" 2>&1)
check "queries.sql runs whole, as its header says" "0" "$?"

# The systemd unit. verify wants ExecStart's program to exist: a copy names the one built.
unit=$ex/ctlite-worker.service
check "the unit runs the worker on /var/lib/ctlite/ct.db, which it may write" \
    "ExecStart=/usr/local/bin/ctlite-worker run /var/lib/ctlite/ct.db|ReadWritePaths=/var/lib/ctlite" \
    "$(grep -E '^(ExecStart|ReadWritePaths)=' "$unit" | paste -sd'|')"
check "the unit runs as a user of its own, with an environment file, restarted on failure" \
    "User=ctlite|EnvironmentFile=-/etc/ctlite/ctlite-worker.env|Restart=on-failure" \
    "$(grep -E '^(User|EnvironmentFile|Restart)=' "$unit" | paste -sd'|')"
if command -v systemd-analyze >/dev/null; then
    abs=$(cd "$(dirname "$w")" && pwd)/$(basename "$w")
    sed "s|/usr/local/bin/ctlite-worker|$abs|g" "$unit" >"$tmp/ctlite-worker.service"
    out=$(systemd-analyze verify "$tmp/ctlite-worker.service" 2>&1)
    rc=$?
    # Notes about the system are not the unit's: only lines naming the file count.
    check "systemd-analyze verify: the unit" "0 " "$rc $(grep -F 'ctlite-worker.service' <<<"$out")"
else
    skip "systemd-analyze verify: the unit" "no systemd-analyze"
fi

# The crontab: variable lines, comments, then jobs.
jobs=0
while IFS= read -r line; do
    case $line in '' | '#'* | [A-Z]*=*) continue ;; esac
    jobs=$((jobs + 1))
    read -r m h dom mon dow cmd <<<"$line"
    fields=ok
    for f in "$m" "$h" "$dom" "$mon" "$dow"; do
        [[ $f =~ ^[0-9*/,-]+$ ]] || fields="not a time field: '$f'"
    done
    sub=$(sed -n -E 's/.*ctlite-worker ([a-z-]+) .*/\1/p' <<<"$cmd")
    help=$("$w" "$sub" --help 2>&1 | head -1)
    check "crontab job $jobs ($sub): five time fields" "ok" "$fields"
    check "crontab job $jobs ($sub): a worker command on the service's database, --help works" \
        "usage: ctlite-worker $sub DB|1|0" \
        "$(cut -d' ' -f1-4 <<<"$help")|$(grep -c ' /var/lib/ctlite/ct\.db' <<<"$cmd")|$(
            sh -n -c "$cmd" 2>&1 | wc -l)"
    if [[ $cmd != *%* ]]; then
        pass "crontab job $jobs ($sub): no %, which cron would make a newline"
    else
        fail "crontab job $jobs ($sub): no %, which cron would make a newline" "$cmd"
    fi
done <"$ex/crontab"
check "crontab: the hourly certificate.stream batch, a few minutes past the hour" "1" \
    "$(grep -c -E '^[1-9][0-9]? \* \* \* \* .*ctlite-worker certificate-stream /var/lib/ctlite/ct\.db --hour previous' "$ex/crontab")"

# examples/README.md has a section for each file here.
for f in watchlist.sql rules/ queries.sql ctlite-worker.service crontab; do
    check "examples/README.md: a section on $f" "1" "$(grep -c -x "## $f" "$ex/README.md")"
done
