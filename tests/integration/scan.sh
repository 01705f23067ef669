# ctlite-worker scan and asn-import against dnsmasq (Debian's dnsmasq-base) on a loopback port
# and the loopback websites of tests/fixtures/web_server.py: A, AAAA and CNAME chains, NXDOMAIN,
# HTTPS and HTTP with statuses, titles, redirects, certificates that verify or not, time-outs,
# a proxy and User-Agent lines, the ip-to-ASN table, CertStreamMonitor's JSON files, rule
# site_up, and the names of watched domains resolved with first and last seen.
set -u
. "$(dirname "$0")/../lib.sh"
tmp=$(mktemp -d)
pids=""
trap 'kill $pids 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
w=$CTLITE_WORKER
db=$tmp/ct.db
sql() { ctsql "$db" "$@"; }
dnsmasq=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)
if [ ! -x "$dnsmasq" ]; then
    fail "dnsmasq is installed (Debian package dnsmasq-base)"
    exit 0
fi

/usr/bin/python3 "$(dirname "$0")/../fixtures/web_server.py" --dir "$tmp/web" \
    --log "$tmp/web.log" >"$tmp/web.out" 2>&1 &
pids="$pids $!"
for _ in $(seq 100); do [ -s "$tmp/web/ports" ] && break; sleep 0.1; done
if [ ! -s "$tmp/web/ports" ]; then
    fail "the web server starts" "$(tail -3 "$tmp/web.out")"
    exit 0
fi
eval "$(sed 's/\([a-z]*\)=/\1_port=/g' "$tmp/web/ports")"

# dnsmasq answers for .test alone (and NXDOMAIN for unknown names there); a free UDP port.
dns_port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
records=()
for h in up-a err-a selfsigned-a hostile-a latetitle-a http-only-a slow-a redirect-a up-b up-c; do
    records+=(--host-record="$h.phish.test,127.0.0.1")
done
"$dnsmasq" --keep-in-foreground --conf-file=/dev/null --port="$dns_port" \
    --listen-address=127.0.0.1 --bind-interfaces --no-resolv --no-hosts --pid-file= \
    --user="$(id -un)" --local=/test/ "${records[@]}" \
    --host-record=v6-a.phish.test,127.0.0.1,fd00::10 \
    --host-record=down-a.phish.test,127.0.0.2 \
    --cname=www.phish.test,alias.phish.test --cname=alias.phish.test,up-a.phish.test \
    --host-record=www.example.test,127.0.0.5 --host-record=mail.example.test,127.0.0.6,fd00::6 \
    >"$tmp/dns.log" 2>&1 &
pids="$pids $!"
for _ in $(seq 50); do
    grep -q "started" "$tmp/dns.log" 2>/dev/null && break
    sleep 0.1
done

"$w" init "$db" >/dev/null
"$w" watch "$db" add domain example.test >/dev/null
# Rule hits on look-alike names, as the rules leave them; a wildcard, and a name under a
# watched domain (not a look-alike: resolved, not fetched).
for n in up-a err-a selfsigned-a hostile-a latetitle-a http-only-a slow-a redirect-a down-a \
    nx-a www v6-a '*'; do
    sql "INSERT INTO alert_log(rule, key, detail) VALUES ('typosquat', '$n.phish.test ~ x',
           json_object('name', '$n.phish.test', 'registrable', 'phish.test'))"
done
for n in www.example.test mail.example.test gone.example.test; do
    sql "INSERT INTO seen_name(name) VALUES ('$n')"
done
printf '127.0.0.0\t127.0.0.255\t64500\tZZ\tLOOPBACK-AS Test Networks\n127.0.1.0\t127.0.1.9\t64501\tZZ\tODD-RANGE\nfd00::\tfd00::ffff\t64502\tZZ\tULA-TEST\n' \
    >"$tmp/asn.tsv"
check "asn-import" "asn-import: 3 ranges" "$("$w" asn-import "$db" "$tmp/asn.tsv")"
printf 'Mozilla/5.0 (ctlite test) one\nMozilla/5.0 (ctlite test) two\n' >"$tmp/agents"

out=$("$w" scan "$db" --dns "127.0.0.1:$dns_port" --https-port "$https_port" \
    --http-port "$http_port" --cainfo "$tmp/web/ca.pem" --timeout 2 --json-dir "$tmp/json" \
    --user-agents "$tmp/agents" 2>"$tmp/err")
check "scan: what it found" \
    "scan: 12 look-alike hosts: 9 up, 3 down, 0 stopped; 3 subdomains: 2 resolved, 1 unresolved|" \
    "$out|$(cat "$tmp/err")"
hostrow() { sql "SELECT $2 FROM host WHERE name = '$1'"; }
leaf_sha=$(/usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["sha256"])' "$tmp/web/leaf.json")
# The serial as the cert table writes it: the DER INTEGER's bytes, as openssl prints them.
leaf_serial=$(openssl x509 -in "$tmp/web/leaf.pem" -noout -serial | sed 's/^serial=//' | tr A-F a-f)
check "a live site: statuses, title, certificate, address, AS" \
    "up|200|200|Fixture & Co — up-a.phish.test|$leaf_sha|$leaf_serial|127.0.0.1|64500|127.0.0.0/24|ZZ|LOOPBACK-AS Test Networks|NULL|NULL" \
    "$(hostrow up-a.phish.test "state, https_status, http_status, title, cert_sha256, cert_serial,
                             address, asn, asn_prefix, asn_country, asn_description, tls_error, error")"
check "a 503 is a live site" "up|503|Service Unavailable" \
    "$(hostrow err-a.phish.test "state, https_status, title")"
check "a certificate that does not verify: said, and the site fetched all the same" \
    "up|200|1|$(/usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["sha256"])' "$tmp/web/selfsigned.json")" \
    "$(hostrow selfsigned-a.phish.test "state, https_status, tls_error LIKE '%certificate%', cert_sha256")"
check "HTTPS refused, HTTP answering: up" "up|NULL|200|1" \
    "$(hostrow http-only-a.phish.test "state, https_status, http_status, error LIKE 'https: %'")"
check "a redirect: recorded, not followed" "up|301|https://up-a.phish.test:$https_port/" \
    "$(hostrow redirect-a.phish.test "state, https_status, location")"
check "a title past 64 KiB is not read" "up|200|NULL" \
    "$(hostrow latetitle-a.phish.test "state, https_status, title")"
check "a site too slow: down, both time-outs said" "down|NULL|1|1" \
    "$(hostrow slow-a.phish.test "state, https_status, error LIKE 'https: %timed out%',
                               error LIKE '%; http: %timed out%'")"
check "nothing listening: down" "down|1" \
    "$(hostrow down-a.phish.test "state, error LIKE '%Couldn''t connect%'")"
check "no such host: down, not fetched" "down|no such host|NULL" \
    "$(hostrow nx-a.phish.test "state, dns_error, address")"
check "a CNAME chain, followed to the site" "up|[\"alias.phish.test\",\"up-a.phish.test\"]|200" \
    "$(hostrow www.phish.test "state, cname, https_status")"
check "A and AAAA kept, the A fetched" "127.0.0.1|A fd00::10|AAAA" \
    "$(sql "SELECT address || '|' || family FROM host_address WHERE host = 'v6-a.phish.test'
            ORDER BY family" | paste -sd' ')"
check "wildcards are not hosts" "0" "$(sql "SELECT count(*) FROM host WHERE name LIKE '*%'")"
check "the hostile title stored as it came (escaped where shown)" "1|1" \
    "$(hostrow hostile-a.phish.test "instr(title, char(27)) > 0, instr(title, char(8238)) > 0")"
check "the names of watched domains: resolved, with first and last seen" \
    "gone.example.test|unresolved|no such host mail.example.test|resolved|NULL www.example.test|resolved|NULL" \
    "$(sql "SELECT name, state, dns_error FROM host WHERE kind = 'subdomain' ORDER BY name" |
        paste -sd' ')"
check "... their addresses" "mail.example.test 127.0.0.6 A mail.example.test fd00::6 AAAA www.example.test 127.0.0.5 A" \
    "$(sql "SELECT host, address, family FROM host_address WHERE host LIKE '%example.test'
            ORDER BY host, family" | tr '|' ' ' | paste -sd' ')"
check "every GET carried one of the User-Agent lines" "0" \
    "$(/usr/bin/python3 -c 'import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print(sum(1 for r in rows if "scheme" in r and not (r["user_agent"] or "").startswith("Mozilla/5.0 (ctlite test)")))' "$tmp/web.log")"

# CertStreamMonitor's file for each newly live host.
day=$(date -u +%Y/%m/%d)
check "a JSON file per live host, under the day" "9" "$(ls "$tmp/json/$day" | grep -c '\.json$')"
check "... with CertStreamMonitor's fields" \
    "up-a.phish.test|200|$leaf_serial|Fixture & Co — up-a.phish.test|127.0.0.1|64500|127.0.0.0/24|ZZ|LOOPBACK-AS Test Networks|None" \
    "$(/usr/bin/python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print("|".join(str(d[k]) for k in ("hostname", "http_code", "cert_serial_number", "webpage_title",
      "ip_addr", "asn", "asn_cidr", "asn_country_code", "asn_description", "asn_abuse_email")))' \
        "$tmp/json/$day/up-a.phish.test.json")"
check "... the hostile title escaped in the file" "0" \
    "$(grep -c "$(printf '\033')" "$tmp/json/$day/hostile-a.phish.test.json")"

# The rule raises the live look-alikes.
"$w" rules "$db" >/dev/null
check "rule site_up: each live look-alike once" \
    "err-a.phish.test hostile-a.phish.test http-only-a.phish.test latetitle-a.phish.test redirect-a.phish.test selfsigned-a.phish.test up-a.phish.test v6-a.phish.test www.phish.test" \
    "$(sql "SELECT key FROM alert_log WHERE rule = 'site_up' ORDER BY key" | paste -sd' ')"
"$w" alerts "$db" --rule site_up >"$tmp/listing"
check "... listed with its title escaped" "1|0" \
    "$(grep -c 'hostile-a.*RED\\u{202E}' "$tmp/listing")|$(grep -c "$(printf '\033')" "$tmp/listing")"

# A second scan checks nothing that is up, nor what is not due yet.
before=$(wc -l <"$tmp/web.log")
check "a second scan: nothing due" \
    "scan: 0 look-alike hosts: 0 up, 0 down, 0 stopped; 0 subdomains: 0 resolved, 0 unresolved" \
    "$("$w" scan "$db" --dns "127.0.0.1:$dns_port" --timeout 2)"
check "... and nothing fetched" "$before" "$(wc -l <"$tmp/web.log")"
# A host down past scan_stop_days is no longer checked.
sql "UPDATE host SET next_check = 0, first_seen = unixepoch() - 181 * 86400 WHERE name = 'nx-a.phish.test'"
"$w" scan "$db" --dns "127.0.0.1:$dns_port" --timeout 2 >/dev/null
check "down for 181 days: stopped" "stopped" "$(hostrow nx-a.phish.test state)"
# Through a proxy: a new look-alike.
sql "INSERT INTO alert_log(rule, key, detail) VALUES ('typosquat', 'up-c', json_object('name', 'up-c.phish.test', 'registrable', 'phish.test'))"
"$w" scan "$db" --dns "127.0.0.1:$dns_port" --timeout 2 --proxy "http://127.0.0.1:$proxy_port" \
    --cainfo "$tmp/web/ca.pem" >/dev/null
check "through a proxy: both GETs went through it" "up|2" \
    "$(hostrow up-c.phish.test state)|$(grep -c '"host": "up-c.phish.test".*"via_proxy": true' "$tmp/web.log")"

printf '127.0.0.0\t127.0.0.255\t64500\tZZ\tfine\nnot an address\t1.2.3.4\t1\tZZ\tx\n' >"$tmp/bad.tsv"
out=$("$w" asn-import "$db" "$tmp/bad.tsv" 2>&1)
check "asn-import: a bad line stops it, said, nothing replaced" \
    "1|ctlite-worker asn-import: $tmp/bad.tsv: line 2: not an iptoasn line (start, end, AS, country, description, separated by tabs)|3" \
    "$?|$out|$(sql "SELECT count(*) FROM ip_asn")"
check "asn-import from standard input" "asn-import: 3 ranges" \
    "$("$w" asn-import "$db" - <"$tmp/asn.tsv")"
out=$("$w" scan "$db" --dns "nowhere:x" 2>&1)
check "a bad DNS server: status 1, said" "1" "$?"
for c in scan asn-import; do
    out=$("$w" $c --help) && [[ $out == "usage: ctlite-worker $c"* ]] &&
        pass "$c --help" || fail "$c --help" "$out"
    "$w" $c >/dev/null 2>&1
    check "$c without arguments: status 2" 2 $?
done
