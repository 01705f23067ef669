# Choosing the Public Suffix List: CTLITE_PSL_FILE and ctlite_psl_load() use another file
# instead of the system's; bad files are refused with a clear message.
set -u
. "$(dirname "$0")/../lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/list.dat" <<'LIST'
// VERSION: 2026-11-01_00-00-00_UTC
// ===BEGIN ICANN DOMAINS===
test
// ===END ICANN DOMAINS===
// ===BEGIN PRIVATE DOMAINS===
hosting.test
// ===END PRIVATE DOMAINS===
LIST
: >"$tmp/empty.dat"

q="SELECT registrable_domain('a.b.hosting.test'), registrable_domain('a.b.hosting.test', 'icann'), registrable_domain('www.example.co.uk');"
check "the system's list by default" "hosting.test|hosting.test|example.co.uk" "$(ctsql :memory: "$q" 2>&1)"
check "CTLITE_PSL_FILE picks another list" "b.hosting.test|hosting.test|co.uk" \
    "$(CTLITE_PSL_FILE="$tmp/list.dat" ctsql :memory: "$q" 2>&1)"
check "ctlite_psl_load switches lists" "$tmp/list.dat (list of 2026-11-01_00-00-00_UTC, 2 rules)
b.hosting.test|hosting.test|co.uk" \
    "$(ctsql :memory: "SELECT ctlite_psl_load('$tmp/list.dat');" "$q" 2>&1)"
# Without -bail, so the session goes on after the refused load.
out=$(host sqlite3 -batch -cmd ".load $CTLITE_SO" :memory: 2>"$tmp/err" <<SQL
SELECT ctlite_psl_load('$tmp/list.dat') IS NOT NULL;
SELECT ctlite_psl_load('$tmp/empty.dat');
$q
SQL
)
check "an empty file is refused and the list in use stays" \
    "1|b.hosting.test|hosting.test|co.uk|error: ctlite_psl_load: $tmp/empty.dat is not a public suffix list" \
    "$(echo "$out" | paste -sd'|')|$(sqlerr <"$tmp/err")"
out=$(CTLITE_PSL_FILE="$tmp/missing.dat" ctsql :memory: "SELECT registrable_domain('a.com')" 2>&1 | sqlerr)
check "a missing CTLITE_PSL_FILE is a clear error" \
    "error: registrable_domain: cannot read the public suffix list $tmp/missing.dat: No such file or directory (set CTLITE_PSL_FILE or call ctlite_psl_load)" \
    "$out"
check "ctlite_debug names the list in use" "psl_file: $tmp/list.dat (list of 2026-11-01_00-00-00_UTC, 2 rules)" \
    "$(CTLITE_PSL_FILE="$tmp/list.dat" ctsql :memory: "SELECT ctlite_debug()" | tail -1)"
