# The crtsh tables against a loopback crt.sh (tests/fixtures/crtsh_server.py): the rows as
# crt.sh shapes them, the cache, and every failure crt.sh is known for, each a clear error.
set -u
. "$(dirname "$0")/../lib.sh"
tmp=$(mktemp -d)
trap 'kill $crtsh_pid 2>/dev/null; wait $crtsh_pid 2>/dev/null; rm -rf "$tmp"' EXIT
start_crtsh "$tmp" || exit 0
base=$crtsh_base

control() { crtsh_get "_control?$1" >/dev/null; }
reset() { crtsh_get _reset >/dev/null; }
fetches() { crtsh_get _log | /usr/bin/python3 -c 'import json, sys; print(len(json.load(sys.stdin)))'; }
q() { ctsql :memory: "$@" 2>&1 | sqlerr; }

# Rows as crt.sh sends them.
check "rows: 64-bit ids, a null common name, fraction digits kept, the count" \
    "integer|1|12000001957|2025-03-10T01:00:00.5|14|0" \
    "$(q "SELECT typeof(id), sum(common_name IS NULL), max(id),
                 (SELECT entry_timestamp FROM crtsh('%.example.com') WHERE id = 12000001954),
                 max(result_count), max(capped) FROM crtsh('%.example.com')")"
check "an entry timestamp may be null" "NULL" \
    "$(q "SELECT entry_timestamp FROM crtsh('example.com') WHERE id = 1987654321")"
check "the issuer keeps its quotes" 'C=US, O="DigiCert, Inc.", CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1' \
    "$(q "SELECT DISTINCT issuer_name FROM crtsh('example.com') WHERE issuer_ca_id = 185752")"
check "exclude_expired and deduplicate reach crt.sh" "7|6|3" \
    "$(q "SELECT (SELECT count(*) FROM crtsh('example.com')),
                 (SELECT count(*) FROM crtsh('example.com', '=', 1)),
                 (SELECT count(*) FROM crtsh('example.com', '=', 1, 1))")"

# crtsh_names: one host name per row; organisations and e-mail addresses dropped.
check "crtsh_names: host names only, lowercase, no trailing dot" \
    "*.api.example.com|1 *.example.com|1 api.example.com|0 dev.internal.example.com|0 example.com|0 mail.example.com|0 smtp.example.com|0 www.example.com|0" \
    "$(q "SELECT DISTINCT n.name, n.wildcard FROM crtsh('%example.com') c,
                 crtsh_names(c.name_value) n WHERE n.name GLOB '*example.com' ORDER BY 1" |
        paste -sd' ')"
check "crtsh_names: Example Corp and hostmaster@ are in name_value but are no names" "1|0" \
    "$(q "SELECT max(c.name_value LIKE '%Example Corp%' AND c.name_value LIKE '%hostmaster@%'),
                 (SELECT count(*) FROM crtsh('%example%') c2, crtsh_names(c2.name_value) n
                  WHERE n.name GLOB '*@*' OR n.name GLOB '* *' OR n.name GLOB '*corp*')
          FROM crtsh('%example%') c")"

# The match crt.sh is asked for: '=' without '%', ILIKE with it, never its substring default.
reset
q "SELECT count(*) FROM crtsh('example.com'); SELECT count(*) FROM crtsh('%.example.com');" >/dev/null
check "match: = without %, ILIKE with it" "match=%3D match=ILIKE" \
    "$(crtsh_get _log | /usr/bin/python3 -c 'import json, re, sys
print(" ".join(re.search(r"match=[^&]*", e["path"]).group(0) for e in json.load(sys.stdin)))')"

# The cache: a join that repeats a query and an IN list fetch each query once.
reset
q "SELECT count(*) FROM (VALUES (1), (2), (3)) v, crtsh('example.com');
   SELECT count(*) FROM crtsh WHERE query IN ('example.com', 'example.org', 'example.org');
   SELECT count(*) FROM crtsh('example.com');" >/dev/null
check "cache: a repeated query and an IN list fetch each value once" 2 "$(fetches)"
reset
q "SELECT count(*) FROM crtsh('example.com'); SELECT crtsh_cache_clear();
   SELECT count(*) FROM crtsh('example.com');" >/dev/null
check "cache: crtsh_cache_clear() forgets" 2 "$(fetches)"
reset
q "SELECT ctlite_setting('crtsh_cache_ttl', '0'); SELECT count(*) FROM crtsh('example.com');
   SELECT count(*) FROM crtsh('example.com');" >/dev/null
check "cache: a TTL of 0 fetches every time" 2 "$(fetches)"

# Failures: retried where a retry can help, else an error naming the URL and the cause.
reset
control "mode=429&retry_after=1"
start=$(date +%s.%N)
out=$(q "SELECT count(*) FROM crtsh('example.com')")
took=$(echo "$(date +%s.%N) - $start" | bc)
check "429 with Retry-After: waited, then answered" "7 1" "$out $(echo "$took >= 1" | bc)"
reset
control "mode=502"
control "mode=503"
check "502 and 503 pages are retried" 7 "$(q "SELECT count(*) FROM crtsh('example.com')")"
expect_error() { # NAME MODE WANT [SQL]
    reset
    control "$2"
    local out
    out=$(q "${4:-SELECT count(*) FROM crtsh('example.com')}")
    if [[ $out == *"$3"* && $out == error:* ]]; then
        pass "$1"
    else
        fail "$1" "want an error with: $3" "got: $out"
    fi
}
expect_error "503 on every attempt: the status, the page's title, the attempts" \
    "mode=503&count=4" "crtsh: GET $base/?identity=example.com&match=%3D&output=json: HTTP 503 (text/html; charset=utf-8): crt.sh | ERROR! (attempt 4 of 4)"
expect_error "a body slower than the timeout, on every attempt" "mode=slow&delay=2&count=4" \
    "Operation timed out after 1"
expect_error "a body that stalls past the timeout, on every attempt" \
    "mode=slow_body&delay=2&count=4" "Operation timed out after 1"
expect_error "truncated JSON" "mode=truncated" "invalid JSON at line 1, column"
expect_error "invalid UTF-8" "mode=invalid_utf8" "unable to decode byte 0xff"
expect_error "an HTML page with status 200" "mode=html200" "HTTP 200: expected JSON, got text/html"
expect_error "a body that is not JSON" "mode=not_json" "invalid JSON at line 1, column 1"
expect_error "a Retry-After longer than max_wait" "mode=429&retry_after=900" \
    "the server asks to retry after 900 s, more than max_wait (120 s)"
reset
control "mode=cut_connection"
check "a connection cut mid-body is retried" 7 "$(q "SELECT count(*) FROM crtsh('example.com')")"
check "older crt.sh without result_count" "NULL" \
    "$(control mode=no_result_count && q "SELECT max(result_count) FROM crtsh('example.com')")"
check "rows without a common_name key" "NULL" \
    "$(control mode=cn_absent && q "SELECT max(common_name) FROM crtsh('example.com')")"
check "an empty answer is no rows" 0 "$(q "SELECT count(*) FROM crtsh('empty.test')")"
check "10,000 rows: flagged as possibly incomplete" "10000|1" \
    "$(q "SELECT count(*), min(capped) FROM crtsh('cap.test')")"

# crtsh_cert: the DER of the certificate, which OpenSSL reads back with the row's names.
id=12000001957
q "SELECT writefile('$tmp/cert.der', der) FROM crtsh_cert($id)" >/dev/null
check "crtsh_cert: a certificate whose names are the row's" \
    "DNS:example.com, DNS:mail.example.com, DNS:www.example.com, email:hostmaster@example.com" \
    "$(openssl x509 -inform DER -in "$tmp/cert.der" -noout -ext subjectAltName 2>&1 | tail -1 |
        sed 's/^ *//')"
check "crtsh_cert: an unknown id is no row" 0 "$(q "SELECT count(*) FROM crtsh_cert(5)")"

# Arguments and safety.
check "a missing query" "error: crtsh: missing the query argument" "$(q "SELECT * FROM crtsh")"
check "an unknown match" \
    "error: crtsh: match 'CONTAINS' is not one of =, ILIKE, LIKE, Single, Any, FTS" \
    "$(q "SELECT * FROM crtsh('example.com', 'CONTAINS')")"
check "DIRECTONLY: not from a view" "error: unsafe use of virtual table \"crtsh\"" \
    "$(q "CREATE VIEW v AS SELECT * FROM crtsh('example.com'); SELECT count(*) FROM v")"
check "a bad environment variable is reported" \
    "error: crtsh: CTLITE_HTTP_TIMEOUT: HTTP setting timeout: 'soon' is not seconds, more than 0 and at most 86400" \
    "$(CTLITE_HTTP_TIMEOUT=soon q "SELECT count(*) FROM crtsh('example.com')")"
check "a bad variable stays reported until its own setting is made here" "1|7" \
    "$(CTLITE_HTTP_TIMEOUT=soon q "SELECT ctlite_setting('max_attempts', 3);
        SELECT count(*) FROM crtsh('example.com')" | grep -c '^error: crtsh: CTLITE_HTTP_TIMEOUT')|$(
        CTLITE_HTTP_TIMEOUT=soon q "SELECT ctlite_setting('timeout', 5);
        SELECT count(*) FROM crtsh('example.com')" | grep -x 7)"
check "settings: set and read back" "3|0.5|https://crt.sh/" \
    "$(q "SELECT ctlite_setting('max_attempts', 3), ctlite_setting('min_interval', '0.5'),
                 ctlite_setting('crtsh_url', 'https://crt.sh/')")"
