# The rule views and ctlite-worker rules, baseline, ca, alerts and ack: each built-in rule
# fires on its fixtures and stays silent on near misses (the brand's own and allowlisted
# domains among them); evaluation is incremental and raises each (rule, key) once; a user's
# rule joins alerts, a malformed one is refused and a failing one is retried.
set -u
. "$(dirname "$0")/../lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
w=$CTLITE_WORKER
db=$tmp/ct.db
sql() { ctsql "$db" "$@"; }

"$w" init "$db" >/dev/null
check "a fresh database's alerts view can be read before any pass rebuilds it" "0" \
    "$(sql "SELECT count(*) FROM alerts")"
now=$(date +%s)
day=86400
t0=$((now - 30 * day)) # when the watches began
"$w" watch "$db" add domain example.com >/dev/null
"$w" watch "$db" add domain example.net >/dev/null
"$w" watch "$db" add brand paypal.com >/dev/null
"$w" watch "$db" add brand ing.com >/dev/null
"$w" watch "$db" add keywords 'login secure verify' --threshold 2 >/dev/null
"$w" watch "$db" add regex '^admin\.' >/dev/null
sql "UPDATE watch SET created_at = $t0;
     INSERT INTO allowlist(domain) VALUES ('paypal-community.com');"

# cert ID ISSUER NOT_BEFORE NOT_AFTER LOGGED NAME...: a certificate with its names.
cert() {
    local id=$1 issuer=$2 nb=$3 na=$4 logged=$5 values="" n
    shift 5
    for n in "$@"; do
        values+="${values:+, }($id, '$n', registrable_domain('$n'), is_wildcard('$n'))"
    done
    sql "INSERT INTO cert(id, serial, issuer_name, not_before, not_after, logged_at_ms, source)
         VALUES ($id, printf('%x', $id), '$issuer', $nb, $na, $logged * 1000, 'test');
         INSERT INTO cert_name(cert_id, name, registrable, wildcard) VALUES $values;"
}
good='C=US, O=Good, CN=Good CA'
evil='C=ZZ, O=Evil, CN=Evil CA'
valid="$((now - day)) $((now + 80 * day))"
old=$((t0 - 100 * day)) new=$((now - 3600))

# Our own domains.
cert 1 "$good" $valid $old example.com www.example.com old.example.com
cert 2 "$good" $valid $new old.example.com new.example.com
cert 3 "$evil" $valid $new shop.example.com
cert 4 "$evil" $((now - 90 * day)) $((now - day)) $new gone.example.com
cert 5 "$evil" $valid $new other.org
cert 6 "$evil" $valid $new api.example.net
cert 7 "$good" $valid $new '*.example.com'
cert 8 "$good" $valid $old '*.old.example.com'
cert 9 "$good" $((now - 600)) $((now + 3000)) $new brief.example.com
cert 10 "$good" $((now - 20 * day)) $((now + 10 * day)) $old ten.example.com
cert 11 "$good" $((now - 20 * day)) $((now + 5 * day)) $old five.example.com
cert 12 "$good" $valid $old five.example.com
cert 13 "$good" $((now - 20 * day)) $((now + 3 * day)) $old three.example.com
cert 14 "$good" $((now - 90 * day)) $((now - 2 * day)) $old expired.example.com
# Look-alikes of paypal.com and ing.com, and near misses.
lookalikes="paypa1.com xn--l-7sba6dbr.com paypal.net paypall.com pay-pal.com paypal-login.com
  paypal.com.evil.test paypal.account-verify.com paypalsupport.org img.com"
misses="paypal.com www.paypal.com paypal-community.com palpay.com example.org thing.com
  ingredients.com mail.evil.test"
id=100
for n in $lookalikes $misses; do
    cert $id "$evil" $valid $new "$n"
    id=$((id + 1))
done
# Keywords and patterns.
cert 200 "$evil" $valid $new secure-login.example.org login.example.org admin.foo.test \
    myadmin.foo.test
sql "INSERT INTO ct_log(log_id, key, api, url, source, error, error_at)
     VALUES (zeroblob(32), x'00', 'rfc6962', 'http://127.0.0.1:1/', 'manual',
             'bad signature', $now)"

out=$("$w" ca "$db" add example.com "$good" 2>&1)
check "ca add: for a watched domain" "" "$out"
out=$("$w" ca "$db" add nope.example "$good" 2>&1)
check "ca add: not a watched domain, status 1" "1" "$?"
check "ca add: not a watched domain, says so" \
    "ctlite-worker ca: 'nope.example' is not a watched domain (ctlite-worker watch DB ls)" "$out"

out=$("$w" rules "$db" 2>&1)
check "rules: first pass" "11 rules evaluated, 25 alerts raised, 0 failed, 0 left out" "$out"
alerts() { sql "SELECT rule, key FROM alert_log WHERE $1 ORDER BY rule, key" | paste -sd' '; }
check "unauthorized_ca: the valid certificate of an unlisted issuer" \
    "unauthorized_ca|$evil #3" "$(alerts "rule = 'unauthorized_ca'")"
check "unauthorized_ca is critical" "critical" \
    "$(sql "SELECT severity FROM alert_log WHERE rule = 'unauthorized_ca'")"
check "new_subdomain: names first logged since the watch began" \
    "new_subdomain|*.example.com new_subdomain|api.example.net new_subdomain|brief.example.com new_subdomain|gone.example.com new_subdomain|new.example.com new_subdomain|shop.example.com" \
    "$(alerts "rule = 'new_subdomain'")"
check "wildcard_certificate: a new one only" "wildcard_certificate|$good #7" \
    "$(alerts "rule = 'wildcard_certificate'")"
check "short_lived_certificate: under a day" "short_lived_certificate|$good #9" \
    "$(alerts "rule = 'short_lived_certificate'")"
d10=$(date -u -d @$((now + 10 * day)) +%F) d3=$(date -u -d @$((now + 3 * day)) +%F)
d0=$(date -u -d @$((now + 3000)) +%F)
check "certificate_expiring: the smallest threshold crossed, not with a successor (the short-lived one too)" \
    "certificate_expiring|brief.example.com 7d $d0|high certificate_expiring|ten.example.com 14d $d10|medium certificate_expiring|three.example.com 7d $d3|high" \
    "$(sql "SELECT rule, key, severity FROM alert_log WHERE rule = 'certificate_expiring'
            ORDER BY key" | paste -sd' ')"
check "typosquat: one per look-alike registrable domain, by technique" \
    "homograph paypa1.com
homograph xn--l-7sba6dbr.com
tld_swap paypal.net
typo paypall.com
typo pay-pal.com
combosquatting paypal-login.com
target_embedding evil.test
target_embedding account-verify.com
combosquatting paypalsupport.org
candidate img.com" \
    "$(sql "SELECT json_extract(detail, '$.technique'), json_extract(detail, '$.registrable')
            FROM alert_log WHERE rule = 'typosquat' ORDER BY cert_id" | tr '|' ' ')"
check "typosquat: detail names the brand, the distance and the fuzzer" \
    '{"name":"paypall.com","registrable":"paypall.com","brand":"paypal.com","technique":"typo","distance":1}|{"name":"img.com","registrable":"img.com","brand":"ing.com","technique":"candidate","fuzzer":"homoglyph"}' \
    "$(sql "SELECT detail FROM alert_log WHERE key IN ('paypall.com ~ paypal.com', 'img.com ~ ing.com')
            ORDER BY cert_id" | paste -sd'|')"
check "keyword: two of the words" "keyword|secure-login.example.org" "$(alerts "rule = 'keyword'")"
check "regex: the pattern" "regex|admin.foo.test" "$(alerts "rule = 'regex'")"
check "log_stopped" "log_stopped|log 1: bad signature" "$(alerts "rule = 'log_stopped'")"
check "the domains hit go to the domain table, the watched ones are not hits" \
    "example.com|watch|0 foo.test|alert|1 img.com|alert|1 paypal-login.com|alert|1 paypal.com|watch|0" \
    "$(sql "SELECT name, first_source, first_hit IS NOT NULL FROM domain
            WHERE name IN ('example.com', 'paypal.com', 'img.com', 'paypal-login.com', 'foo.test')
            ORDER BY name" | paste -sd' ')"

check "a second pass raises nothing" "11 rules evaluated, 0 alerts raised, 0 failed, 0 left out" \
    "$("$w" rules "$db" 2>&1)"
check "so does a full one" "11 rules evaluated, 0 alerts raised, 0 failed, 0 left out" \
    "$("$w" rules "$db" --full 2>&1)"

# Incremental: new certificates, and only those, are looked at.
cert 300 "$evil" $valid $now paypa1-secure.com
check "a new certificate: its alert" "11 rules evaluated, 1 alerts raised, 0 failed, 0 left out" \
    "$("$w" rules "$db" 2>&1)"
check "every rule's mark is the newest certificate" "300" \
    "$(sql "SELECT group_concat(DISTINCT cert_mark) FROM rule_state")"
# A certificate already evaluated is not evaluated again until a full pass.
sql "INSERT INTO cert_name VALUES (5, 'paypal-verify.com', 'paypal-verify.com', 0)"
check "an old certificate is not looked at again" \
    "11 rules evaluated, 0 alerts raised, 0 failed, 0 left out" "$("$w" rules "$db" 2>&1)"
"$w" watch "$db" add brand example.org >/dev/null
check "a new brand: everything is evaluated again" \
    "11 rules evaluated, 1 alerts raised, 0 failed, 0 left out" "$("$w" rules "$db" 2>&1)"
check "... which finds the old certificate's new name" "1" \
    "$(sql "SELECT count(*) FROM alert_log WHERE key = 'paypal-verify.com ~ paypal.com'")"

# A user's rule, a malformed one and a failing one.
sql "CREATE VIEW rule_mine AS SELECT 'mine' AS rule, 'low' AS severity, name AS key,
       NULL AS domain, cert_id, 'plain text' AS detail, NULL AS observed_at
       FROM cert_name WHERE name LIKE 'login.%';
     CREATE VIEW rule_bad AS SELECT 1 AS rule, 2 AS key;
     CREATE VIEW rule_broken AS SELECT 'broken' AS rule, 'low' AS severity, name AS key,
       NULL AS domain, cert_id, NULL AS detail, NULL AS observed_at
       FROM cert_name WHERE name REGEXP substr('(', 1, cert_id)"
out=$("$w" rules "$db" 2>&1)
check "rules: a user's rule, a malformed one and a failing one, status 1" 1 $?
check "rules: what each did" "ctlite-worker rules: rule_bad: its columns are (key,rule), but a rule view has exactly rule, severity, key, domain, cert_id, detail and observed_at (and may have sighting_id): left out
ctlite-worker rules: rule_broken: failed, tried again next pass: regexp: pattern '(': missing closing parenthesis at offset 1
13 rules evaluated, 1 alerts raised, 1 failed, 1 left out" "$out"
check "the user's rule is in alerts, the malformed one is not" "mine|login.example.org" \
    "$(sql "SELECT rule, key FROM alerts WHERE rule IN ('mine', 1)")"
check "a detail that is not JSON is stored as a JSON string" '"plain text"' \
    "$(sql "SELECT detail FROM alert_log WHERE rule = 'mine'")"
check "the failing rule's error is kept, its mark is not moved" "0|1" \
    "$(sql "SELECT cert_mark, error LIKE 'regexp: pattern%' FROM rule_state
            WHERE rule = 'rule_broken'")"
sql "DROP VIEW rule_broken; DROP VIEW rule_bad"
check "rule views dropped: alerts rebuilt, state forgotten" \
    "12 rules evaluated, 0 alerts raised, 0 failed, 0 left out|0" \
    "$("$w" rules "$db" 2>&1)|$(sql "SELECT count(*) FROM rule_state WHERE rule = 'rule_broken'")"
check "alerts no longer reads the dropped views" "0" \
    "$(sql "SELECT count(*) FROM alerts WHERE rule = 'broken'")"

# Listing, acknowledging, re-arming.
out=$("$w" alerts "$db" --rule regex)
check "alerts --rule" "regex|admin.foo.test||0/0" "$(tail -n +2 <<<"$out" | cut -f3,5,7,8 | tr '\t' '|')"
check "alerts: header" "id	raised	rule	severity	key	domain	acknowledged	delivered	detail" \
    "$(head -1 <<<"$out")"
"$w" ack "$db" regex admin.foo.test
check "ack sets acknowledged_at" "1" \
    "$(sql "SELECT acknowledged_at >= $now FROM alert_log WHERE rule = 'regex'")"
check "alerts --open leaves it out" "1" "$("$w" alerts "$db" --open --rule regex | wc -l)"
out=$("$w" ack "$db" regex nothing.test 2>&1)
check "ack of an unknown key: status 1 and a message" \
    "1 ctlite-worker ack: no alert of that rule has that key" "$? $out"
"$w" ack "$db" regex admin.foo.test --rearm
check "ack --rearm: forgotten" "0" "$(sql "SELECT count(*) FROM alert_log WHERE rule = 'regex'")"
"$w" rules "$db" >/dev/null
check "... and raised again by the next pass" "1" \
    "$(sql "SELECT count(*) FROM alert_log WHERE rule = 'regex' AND acknowledged_at IS NULL")"
check "alerts --since 1d: today's" "$(sql "SELECT count(*) + 1 FROM alert_log")" \
    "$("$w" alerts "$db" --since 1d | wc -l)"
check "alerts --since a later date: none" "1" "$("$w" alerts "$db" --since 2099-01-01 | wc -l)"
out=$("$w" alerts "$db" --since yesterday 2>&1)
check "alerts --since that is no time: status 2" "2" "$?"
sql "INSERT INTO alert_log(rule, key, detail) VALUES ('x', 'line1' || char(10) || 'line2' ||
       char(27) || '[31m' || char(8238) || 'moc', '{}')"
check "alerts: control and direction-changing characters escaped" \
    'line1\x0Aline2\x1B[31m\u{202E}moc' \
    "$("$w" alerts "$db" --rule x | tail -1 | cut -f5)"

# Baseline and ca.
"$w" init "$tmp/b.db" >/dev/null
db=$tmp/b.db
"$w" watch "$db" add domain example.com >/dev/null
cert 1 "$good" $valid $old www.example.com
cert 2 "$evil" $((now - 90 * day)) $((now - day)) $old old.example.com
cert 3 "$good" $valid $old other.org
check "baseline: the issuers of valid certificates" "example.com	$good" "$("$w" baseline "$db")"
check "baseline again adds nothing" "" "$("$w" baseline "$db")"
"$w" ca "$db" add example.com "$evil"
check "ca ls" "example.com|$good|baseline example.com|$evil|manual" \
    "$("$w" ca "$db" ls | cut -f1-3 | tr '\t' '|' | paste -sd' ')"
"$w" ca "$db" rm example.com "$evil"
check "ca rm" "1" "$("$w" ca "$db" ls example.com | wc -l)"
out=$("$w" ca "$db" rm example.com "$evil" 2>&1)
check "ca rm of what is not there: status 1" "1 ctlite-worker ca: no such issuer for example.com" \
    "$? $out"
# With record_cert_domains, every new certificate's registrable domain joins the domain table.
sql "UPDATE setting SET value = 1 WHERE name = 'record_cert_domains'"
cert 900 "$good" $valid $now www.innocent-shop.org innocent-shop.org
"$w" rules "$db" >/dev/null
check "record_cert_domains: the certificates' registrable domains, once, watched ones as such" \
    "example.com|watch innocent-shop.org|cert other.org|cert" \
    "$(sql "SELECT name, first_source FROM domain ORDER BY name" | paste -sd' ')"
for c in rules alerts ack baseline ca; do
    out=$("$w" $c --help) && [[ $out == "usage: ctlite-worker $c"* ]] &&
        pass "$c --help" || fail "$c --help" "$out"
    "$w" $c >/dev/null 2>&1
    check "$c without arguments: status 2" 2 $?
done

# A certificate whose issuer no source gave still has an alert key.
db=$tmp/noissuer.db
"$w" init "$db" >/dev/null
"$w" watch "$db" add domain example.com >/dev/null
sql "UPDATE watch SET created_at = $t0;
     INSERT INTO cert(id, serial, not_before, not_after, logged_at_ms, source)
         VALUES (1, '0f', $((now - 600)), $((now + 3000)), $new * 1000, 'test');
     INSERT INTO cert_name VALUES (1, '*.example.com', 'example.com', 1)"
check "a certificate without an issuer: the rules raise by it, none fails" \
    "11 rules evaluated, 4 alerts raised, 0 failed, 0 left out|(issuer unknown) #0f" \
    "$("$w" rules "$db" 2>&1)|$(sql "SELECT key FROM alert_log WHERE rule = 'wildcard_certificate'")"
