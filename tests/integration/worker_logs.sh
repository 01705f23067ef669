# ctlite-worker logs: a v3 log list loaded (the real one of ../shared/data when present, and
# one generated here with a log that lies about its id), a log added by hand, and errors.
set -u
. "$(dirname "$0")/../lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
w=$CTLITE_WORKER
db=$tmp/ct.db

real="$SHARED_DIR/data/loglist/all_logs_list.v3.2025-05-05.json"
if [ -f "$real" ]; then
    check "the real list: usable, pending, readonly and stateless logs of both APIs" \
        "logs: 78 loaded, 103 rejected or retired skipped, 0 refused" \
        "$("$w" logs "$db" --list "$real" | head -1)"
    check "the real list: 72 RFC 6962 logs (33 usable) and 6 static-ct-api logs" \
        "rfc6962|72|33 static-ct-api|6|0" \
        "$(sqlite3 "$db" "SELECT api, count(*), count(state = 'usable' OR NULL) FROM ct_log
                          GROUP BY api" | paste -sd' ')"
    check "the real list: a static-ct-api log with its monitoring prefix" \
        "https://twig.ct.letsencrypt.org/2025h1b/|monitoring_only|1734393600" \
        "$(sqlite3 "$db" "SELECT monitoring_url, log_type, interval_start FROM ct_log
                          WHERE description = 'Let''s Encrypt Twig2025h1b'")"
    check "loading it again changes nothing" "78" \
        "$("$w" logs "$db" --list "$real" >/dev/null; sqlite3 "$db" 'SELECT count(*) FROM ct_log')"
else
    skip "the real v3 log list" "$real is absent"
fi

# A list made here: a good log, one whose log_id is not its key's hash, one rejected.
/usr/bin/python3 - "$tmp/list.json" <<'PY'
import base64, hashlib, json, sys
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
def log(desc, state=None, lie=False):
    der = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    lid = hashlib.sha256(b"x" if lie else der).digest()
    l = {"description": desc, "log_id": base64.b64encode(lid).decode(),
         "key": base64.b64encode(der).decode(), "url": "https://" + desc + ".example/", "mmd": 86400}
    if state:
        l["state"] = {state: {"timestamp": "2025-01-01T00:00:00Z"}}
    return l
json.dump({"version": "1", "operators": [{"name": "Test", "email": [], "logs": [
    log("good", "usable"), log("liar", "usable", lie=True), log("gone", "rejected")]}]},
    open(sys.argv[1], "w"))
PY
out=$("$w" logs "$tmp/gen.db" --list "$tmp/list.json" 2>&1)
check "a log whose log_id is not its key's hash: refused, said, status 1" \
    "1 ctlite-worker logs: liar: refused: its log_id is not the SHA-256 of its key|logs: 1 loaded, 1 rejected or retired skipped, 1 refused" \
    "$? $(paste -sd'|' <<<"$out")"

key=MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEPIcer7RB32jt4bTEbhgUKLKvOctFD+I2hoDItFxUBlJiGFvftBuRk3fO7e1T7gC2ekyfL7XoO2oN/ObcZyc4EA==
check "add: a static-ct-api log by hand" "2" \
    "$("$w" logs "$tmp/gen.db" add https://log.example/2026h1/ "$key" \
        --monitoring https://mon.example/2026h1/ --description rome)"
check "ls: the logs, tab-separated" \
    "1|rfc6962|usable|0|-|good|https://good.example/ 2|static-ct-api|-|0|-|rome|https://mon.example/2026h1/" \
    "$("$w" logs "$tmp/gen.db" ls | tr '\t' '|' | paste -sd' ')"
out=$("$w" logs "$tmp/gen.db" add https://other.example/ "$key" 2>&1)
check "add: the same key again, refused" "1 ctlite-worker logs: a log with this key is known already" "$? $out"
out=$("$w" logs "$tmp/gen.db" add https://x.example/ AAAA 2>&1)
check "add: a key that is no key" "1 ctlite-worker logs: the key is not a base64 public key: not a DER public key" "$? $out"
out=$("$w" logs "$tmp/gen.db" add ftp://x.example/ "$key" 2>&1)
check "add: a URL that is not http(s)" "1 ctlite-worker logs: 'ftp://x.example/' is not an http(s) URL" "$? $out"
out=$("$w" logs "$tmp/gen.db" --list "$tmp/none.json" 2>&1)
check "a missing list file" "1 ctlite-worker logs: cannot open $tmp/none.json: No such file or directory" "$? $out"
echo '{"version": 1}' >"$tmp/bad.json"
out=$("$w" logs "$tmp/gen.db" --list "$tmp/bad.json" 2>&1)
check "a file that is no log list" "1 ctlite-worker logs: $tmp/bad.json: not a v3 log list (no operators)" "$? $out"
