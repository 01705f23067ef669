# Loading ctlite from Python's sqlite3 module (Debian's python3, whose sqlite3 module can load
# extensions), by the same file name the shell uses.
set -u
. "$(dirname "$0")/../lib.sh"
py=/usr/bin/python3
if ! "$py" -c 'import sqlite3; sqlite3.connect(":memory:").enable_load_extension' 2>/dev/null; then
    skip "load_extension from Python" "$py with extension loading is not installed"
    exit 0
fi
out=$(host "$py" - "$CTLITE_SO" <<'PY' 2>&1
import sqlite3, sys
con = sqlite3.connect(":memory:")
con.enable_load_extension(True)
con.load_extension(sys.argv[1])
print(con.execute("SELECT registrable_domain('www.example.co.uk'), "
                  "domain_fold('раураl.com') = domain_fold('paypal.com'), "
                  "levenshtein('kitten', 'sitting')").fetchone())
PY
)
check "load_extension from Python" "('example.co.uk', 1, 3)" "$out"
