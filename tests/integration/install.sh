# make install PREFIX=...: the extension, the worker, the SQL files and the docs, and they work
# from there.
set -u
. "$(dirname "$0")/../lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! out=$(make -s install PREFIX="$tmp/usr" SANITIZE="${SANITIZE:-}" 2>&1); then
    fail "make install" "$out"
    exit 0
fi
missing=""
for f in bin/ctlite-worker lib/ctlite/ctlite.so share/ctlite/sql/schema.sql \
    share/doc/ctlite/README.md share/doc/ctlite/api.md; do
    [ -f "$tmp/usr/$f" ] || missing+=" $f"
done
check "make install puts every file in place" "" "$missing"
check "the installed worker runs" "ctlite-worker $(cat VERSION)" \
    "$("$tmp/usr/bin/ctlite-worker" --version | cut -d' ' -f1,2)"
check "the installed extension loads" "example.com" \
    "$(CTLITE_OUT="$tmp/usr/lib/ctlite" ctsql :memory: "SELECT registrable_domain('a.example.com')" 2>&1)"
