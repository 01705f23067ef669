# ctlite-worker report and export on a database filled from the loopback crt.sh, with rows
# made hostile on purpose (markup, quotes, a formula, a direction override in certificate
# fields): the report views' contents, each format's escaping, files written whole or not at
# all, and the HTML report rendered by headless Chromium: it loads and its charts are drawn
# (the screenshot is kept in build/test-artifacts/report.png).
set -u
. "$(dirname "$0")/../lib.sh"
tmp=$(mktemp -d)
trap 'kill $crtsh_pid 2>/dev/null; wait $crtsh_pid 2>/dev/null; rm -rf "$tmp"' EXIT
start_crtsh "$tmp" || exit 0
w=$CTLITE_WORKER
db=$tmp/r.db
q() { ctsql "$db" "$@"; }

"$w" init "$db" >/dev/null
"$w" watch "$db" add domain example.com >/dev/null
"$w" watch "$db" add brand paypal.com >/dev/null
"$w" crtsh "$db" --typosquats >/dev/null 2>&1
# A certificate whose subject and issuer an attacker wrote (the certificate is valid for a
# watched name), a precertificate and certificate pair issued today, a name under the watched
# domain seen without a certificate, RDAP's word and a live site for a look-alike, and a log.
q "INSERT INTO cert(serial, issuer_name, subject_cn, not_before, not_after, source)
       VALUES ('0bad', '=cmd|'' /C calc''!A0, O=\"<b>Evil</b>\"',
               '<script>alert(1)</script>' || char(0x202E) || 'moc.evil', unixepoch() - 3600,
               unixepoch() + 30 * 86400 - 60, 'test');
   INSERT INTO cert_name VALUES (last_insert_rowid(), 'hostile.example.com', 'example.com', 0);
   INSERT INTO cert(serial, issuer_name, not_before, not_after, precert, source) VALUES
       ('0a0a', 'C=US, O=Let''s Encrypt, CN=R11', unixepoch() - 7200, unixepoch() + 86400, 1,
        'test'),
       ('0a0a', 'C=US, O=Let''s Encrypt, CN=R11', unixepoch() - 7200, unixepoch() + 86400, 0,
        'test');
   INSERT INTO cert_name SELECT id, 'pair.example.com', 'example.com', 0 FROM cert
    WHERE serial = '0a0a';
   INSERT INTO name_sighting(name, registrable, wildcard, source)
       VALUES ('seen.example.com', 'example.com', 0, 'certstream');
   INSERT INTO ct_log(log_id, key, api, url, description, source, next_index, verified_size,
                      head_size, checked_at)
       VALUES (zeroblob(32), x'00', 'static-ct-api', 'https://log.example/', 'Example Log',
               'manual', 90, 80, 100, unixepoch())" >/dev/null
"$w" rules "$db" >/dev/null
q "INSERT INTO domain(name, first_source, registered_at, registrar, rdap, checked_at)
       VALUES ('paypa1.com', 'alert', unixepoch() - 10 * 86400, 'Example Registrar', 'ok',
               unixepoch())
       ON CONFLICT (name) DO UPDATE SET registered_at = excluded.registered_at,
           registrar = excluded.registrar;
   INSERT INTO host(name, kind, state, https_status) VALUES ('paypa1.com', 'hit', 'up', 200)"

check "report_certificates: one row per issuance, the precertificate folded into its certificate" \
    "1|0" "$(q "SELECT count(*), max(precert) FROM report_certificates WHERE names = 'pair.example.com'")"
check "report_certificates: days left, the hostile subject as stored" "29|1" \
    "$(q "SELECT days_left, subject_cn = '<script>alert(1)</script>' || char(0x202E) || 'moc.evil'
            FROM report_certificates WHERE names = 'hostile.example.com'")"
check "report_issuers: shares that add up to 100 for the domain" "100.0" \
    "$(q "SELECT round(sum(share_percent)) FROM report_issuers WHERE domain = 'example.com'")"
check "report_subdomains: a name from certificates (issuances) and one seen without" \
    "1 0|0 1" \
    "$(q "SELECT certificates || ' ' || sightings FROM report_subdomains
           WHERE name IN ('pair.example.com', 'seen.example.com') ORDER BY name" | paste -sd'|')"
check "report_lookalikes: technique, RDAP age and registrar, a site up" \
    "paypa1.com|paypal.com|homograph|10|NEW|Example Registrar|1|1" \
    "$(q "SELECT domain, brand, technique, age_days, category, registrar, hosts_up, hosts_checked
            FROM report_lookalikes WHERE domain = 'paypa1.com'")"
check "report_alerts_daily and report_logs" "typosquat 2|Example Log 20" \
    "$(q "SELECT rule || ' ' || alerts FROM report_alerts_daily WHERE rule = 'typosquat'")|$(q "SELECT log || ' ' || lag FROM report_logs")"

# JSON: one document, the seed agent's sections first, the hostile text intact but escaped.
"$w" report "$db" --format json --out "$tmp/r.json"
check "report --format json: the sections, the hostile subject intact, only ASCII in the file" \
    "generated_at lookalikes recent_alerts alerts_by_day certificate_inventory issuer_breakdown subdomains logs|True|0" \
    "$(/usr/bin/python3 -c 'import json, sys
doc = json.load(open(sys.argv[1]))
print(" ".join(doc))
print(any(c["subject_cn"] == "<script>alert(1)</script>\u202emoc.evil"
          for c in doc["certificate_inventory"]))' "$tmp/r.json" | paste -sd'|')|$(LC_ALL=C grep -c '[^ -~]' "$tmp/r.json")"

# CSV: a file per view; a formula is defused.
"$w" report "$db" --format csv --out "$tmp/csv"
check "report --format csv: a file per view, each with its header" "7|7" \
    "$(ls "$tmp/csv" | grep -c '^report_.*\.csv$')|$(head -qn1 "$tmp"/csv/*.csv | grep -c ,)"
check "... a text that starts like a formula is quoted with a leading '" "1" \
    "$(grep -c "^example.com,\"'=cmd|' /C calc'!A0, O=\"\"<b>Evil</b>\"\"\"," "$tmp/csv/report_issuers.csv")"
check "... several views to stdout: refused (2), saying why" "2|1" \
    "$("$w" report "$db" --format csv >/dev/null 2>"$tmp/err"; echo $?)|$(grep -c -- '--out DIR is needed' "$tmp/err")"
check "... one view to stdout" "domain,brand,technique" \
    "$("$w" report "$db" --format csv --view report_lookalikes | head -1 | cut -d, -f1-3)"

# HTML: markup escaped, the override shown as an escape.
"$w" report "$db" --out "$tmp/r.html"
check "report (HTML): no markup from a certificate, escaped instead; the override shown" \
    "0|1|1|1" \
    "$(grep -c '<script\|<b>Evil' "$tmp/r.html")|$(grep -c '&lt;script&gt;alert(1)&lt;/script&gt;\\u{202E}moc.evil' "$tmp/r.html")|$(grep -q '&quot;&lt;b&gt;Evil&lt;/b&gt;&quot;' "$tmp/r.html" && echo 1)|$(grep -c '<svg' "$tmp/r.html" | sed 's/^3$/1/')"
if command -v chromium >/dev/null; then
    mkdir -p build/test-artifacts
    shot=build/test-artifacts/report.png
    rm -f "$shot"
    # The page is opened from a file, as a user would, with no network: it holds everything.
    timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
        --no-first-run --disable-extensions --enable-logging=stderr --v=0 \
        --window-size=1280,1400 --screenshot="$shot" "file://$tmp/r.html" >"$tmp/chrome.out" 2>&1
    check "Chromium renders the report: screenshot written, no console error" "1|0" \
        "$([ -s "$shot" ] && echo 1)|$(grep -c 'CONSOLE\|Uncaught' "$tmp/chrome.out")"
    check "... and its charts are drawn: bar-coloured pixels in the picture" "1" \
        "$(/usr/bin/python3 "$(dirname "$0")/png_colour_count.py" "$shot" 0 114 178 | awk '{print ($1 > 500)}')"
    timeout 120 chromium --headless --no-sandbox --disable-gpu --dump-dom "file://$tmp/r.html" \
        2>/dev/null >"$tmp/dom.html"
    check "... the DOM holds the three charts with their bars" "3|1" \
        "$(grep -o '<svg[^>]*class="chart"' "$tmp/dom.html" | wc -l)|$(grep -c 'class="bar"' "$tmp/dom.html" | awk '{print ($1 > 0)}')"
else
    skip "Chromium renders the report" "chromium is not installed"
fi

# export: any view, each format.
check "export --format txt: the first column, one value a line, escaped" \
    "<script>alert(1)</script>\\u{202E}moc.evil" \
    "$(q "CREATE VIEW cns AS SELECT subject_cn FROM cert WHERE source = 'test' AND subject_cn IS NOT NULL"
       "$w" export "$db" cns --format txt)"
check "export --format json: recent alerts, their details as objects" "homograph homograph" \
    "$("$w" export "$db" report_recent_alerts --format json | /usr/bin/python3 -c 'import json, sys
print(*(r["detail"]["technique"] for r in json.load(sys.stdin) if r["rule"] == "typosquat"))')"
"$w" export "$db" report_subdomains --format html --out "$tmp/s.html"
check "export --format html: a page with the view's name as its title and one table" "1|1" \
    "$(grep -c '<title>report_subdomains</title>' "$tmp/s.html")|$(grep -c '<table>' "$tmp/s.html")"
echo keep >"$tmp/kept"
check "export of a view that does not exist: status 1, said, the file left as it was" \
    "1|1|keep" \
    "$("$w" export "$db" no_such_view --out "$tmp/kept" 2>"$tmp/err"; echo $?)|$(grep -c 'no such table: no_such_view' "$tmp/err")|$(cat "$tmp/kept")"
q "CREATE VIEW failing AS SELECT name FROM cert_name WHERE name REGEXP '('"
check "export of a view that fails halfway: status 1, no file, no temporary left" "1|0" \
    "$("$w" export "$db" failing --out "$tmp/f.csv" 2>/dev/null; echo $?)|$(ls -A "$tmp" | grep -c 'f.csv')"

for args in "report $db --format txt" "report $db --days 0" "report $db --bogus" \
    "export $db" "export $db alerts --format pdf"; do
    # shellcheck disable=SC2086
    check "bad usage ($args): status 2" "2" "$("$w" $args >/dev/null 2>&1; echo $?)"
done
for c in report export; do
    out=$("$w" $c --help) && [[ $out == "usage: ctlite-worker $c"* ]] && pass "$c --help" ||
        fail "$c --help" "$out"
done
