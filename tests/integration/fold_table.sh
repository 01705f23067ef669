# domain_fold's table: docs/fold.md lists exactly what ext/fold_table.h holds, and every glyph
# of dnstwist's homoglyph tables folds as the letter it stands for (checked against the
# reference copy of those tables beside the project, when it is there).
set -u
. "$(dirname "$0")/../lib.sh"

table=$(sed -n 's/^ *{0x\([0-9A-F]*\), "\([^"]*\)"},.*/U+\1 \2/p' ext/fold_table.h | sort)
doc=$(sed -n 's/^| \(U+[0-9A-F]*\) | [^|]* | `\([^`]*\)` |.*/\1 \2/p' docs/fold.md | sort)
if [ "$table" == "$doc" ]; then
    pass "docs/fold.md lists the $(wc -l <<<"$table") entries of ext/fold_table.h"
else
    fail "docs/fold.md lists the entries of ext/fold_table.h" \
        "$(diff <(echo "$table") <(echo "$doc") | head -10 | tr '\n' ' ')"
fi

ref=$SHARED_DIR/reference/typosquat-tables.json
if [ ! -f "$ref" ]; then
    skip "dnstwist glyph coverage" "$ref not found"
    exit 0
fi
# One row per (key, glyph) of both releases: every Unicode glyph, the Latin-to-Cyrillic map,
# and the ASCII look-alikes that the fold merges by design (docs/fold.md says which not).
pairs=$(python3 - "$ref" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
rows = set()
for v in ("debian_20221213", "upstream_20250130"):
    t = d[v]
    tables = [t.get("glyphs", {}), t.get("glyphs_unicode", {}), t.get("glyphs_ascii", {})]
    tables += [e["glyphs"] for e in t.get("glyphs_idn_by_tld", [])]
    for table in tables:
        for key, glyphs in table.items():
            for g in glyphs:
                rows.add((key, g))
    for key, g in t["latin_to_cyrillic"].items():
        rows.add((key, g))
folded_ascii = {("0", "o"), ("o", "0"), ("1", "l"), ("1", "i"), ("l", "1"), ("l", "i"),
                ("i", "1"), ("i", "l"), ("m", "rn"), ("rn", "m"), ("w", "vv"), ("d", "cl"),
                ("cl", "d")}
for key, g in sorted(rows):
    if g.isascii() and (key, g) not in folded_ascii:
        continue
    print(f"('{key}','{g}'),")
PY
)
n=$(grep -c . <<<"$pairs")
bad=$(ctsql :memory: "WITH g(k, v) AS (VALUES ${pairs%,})
    SELECT k || '->' || v FROM g WHERE domain_fold('x' || k || 'x') <> domain_fold('x' || v || 'x')" 2>&1)
check "all $n look-alike glyphs of dnstwist's tables fold as their letter" "" "$bad"
