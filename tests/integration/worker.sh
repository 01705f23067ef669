# ctlite-worker: --version, --help, init (idempotent, WAL, schema version) and its errors.
set -u
. "$(dirname "$0")/../lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
w=$CTLITE_WORKER
v=$(cat sql/schema.sql sql/rules.sql sql/reports.sql | grep -c "^-- version [0-9]*$") # the newest schema version

check "--version names the version" "ctlite-worker $(cat VERSION)" "$("$w" --version | cut -d' ' -f1,2)"
out=$("$w" --help) && [[ $out == *"init DB"* ]] && pass "--help lists the commands" ||
    fail "--help lists the commands" "$out"
"$w" >/dev/null 2>&1
check "no command: usage on stderr, status 2" 2 $?
out=$("$w" frobnicate 2>&1)
check "unknown command: status 2" 2 $?
check "unknown command: says so" "ctlite-worker: unknown command 'frobnicate' (try --help)" "$out"
out=$("$w" init --help) && [[ $out == "usage: ctlite-worker init DB"* ]] &&
    pass "init --help" || fail "init --help" "$out"
"$w" init >/dev/null 2>&1
check "init without DB: status 2" 2 $?

db=$tmp/ct.db
check "init creates the database" "$db: created, schema version $v" "$("$w" init "$db")"
check "init again leaves it as it is" "$db: schema version $v, up to date" "$("$w" init "$db")"
check "WAL mode and schema version" "wal|$v" \
    "$(sqlite3 "$db" 'PRAGMA journal_mode' 'PRAGMA user_version' | paste -sd'|')"
check "the setting table exists" "setting" \
    "$(sqlite3 "$db" "SELECT name FROM sqlite_schema WHERE name = 'setting'")"

out=$("$w" init "$tmp/no/such/dir/ct.db" 2>&1)
check "init in a missing directory: status 1" 1 $?
[[ $out == "ctlite-worker: cannot open $tmp/no/such/dir/ct.db: "* ]] &&
    pass "init in a missing directory: says why" || fail "init in a missing directory: says why" "$out"

printf 'this is not a database, just text that is long enough to fill a header' >"$tmp/junk.db"
out=$("$w" init "$tmp/junk.db" 2>&1)
check "init on a non-database file: status 1" 1 $?
[[ $out == *"file is not a database"* ]] && pass "init on a non-database file: says why" ||
    fail "init on a non-database file: says why" "$out"

sqlite3 "$tmp/future.db" 'PRAGMA user_version = 99'
out=$("$w" init "$tmp/future.db" 2>&1)
check "a newer schema is refused" "ctlite-worker: the database has schema version 99, newer than this ctlite-worker knows ($v); use a newer ctlite" "$out"
check "a newer schema is left untouched" 99 "$(sqlite3 "$tmp/future.db" 'PRAGMA user_version')"

# A database of an older version is upgraded in place, its data kept.
sqlite3 "$tmp/v1.db" "CREATE TABLE setting (name TEXT PRIMARY KEY, value ANY, description TEXT,
    updated_at INTEGER NOT NULL DEFAULT (unixepoch())) STRICT;
    INSERT INTO setting(name, value) VALUES ('min_interval', 2); PRAGMA user_version = 1;"
check "a version 1 database is upgraded" "$tmp/v1.db: upgraded from schema version 1 to $v" \
    "$("$w" init "$tmp/v1.db")"
check "the upgrade keeps the data and adds the tables" "min_interval|2|1" \
    "$(sqlite3 "$tmp/v1.db" "SELECT name, value, (SELECT count(*) FROM sqlite_schema
                             WHERE name = 'watch') FROM setting WHERE name = 'min_interval'")"
