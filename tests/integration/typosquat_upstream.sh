# typosquat_candidates covers dnstwist 20250130, the release Debian does not ship, through a
# model of it (tests/fixtures/dnstwist_upstream.py: Debian's dnstwist module with 20250130's
# changes). The model is checked first: on the seven domains of the reference notes it must
# make exactly the counts measured with the real 20250130, fuzzer by fuzzer. Then every name
# it makes is a row whose fuzzers include the model's.
set -u
. "$(dirname "$0")/../lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tables="$SHARED_DIR/reference/typosquat-tables.json"

if ! /usr/bin/python3 -c 'import dnstwist' 2>/dev/null && [ "$(id -u)" = 0 ]; then
    "$(dirname "$0")/../../tools/deps" dnstwist >"$tmp/deps.log" 2>&1
fi
if ! /usr/bin/python3 -c 'import dnstwist' 2>/dev/null; then
    skip "typosquat_candidates against dnstwist 20250130" \
        "the python3 module dnstwist is not installed and could not be (apt-get install dnstwist)"
    exit 0
fi
if [ ! -f "$tables" ]; then
    skip "typosquat_candidates against dnstwist 20250130" "$tables is missing"
    exit 0
fi

# Names per fuzzer in dnstwist's order, then the total with the original: typosquat.md §7.
expected="example.com 36 33 1 1787 6 51 7 2 3 31 5 6 6 1 1976
paypal.com 36 26 1 1187 5 61 6 0 3 29 4 5 4 1 1369
google.com 36 27 1 2784 5 54 5 2 4 29 4 4 8 1 2965
bankofamerica.com 36 59 0 10303 12 126 13 5 6 57 11 12 12 1 10654
xn--80ak6aa92e.com 36 0 0 0 4 0 4 1 4 0 3 3 0 1 57
a.co 36 4 1 14 0 0 0 0 0 6 0 0 2 3 67
sub.example.co.uk 36 33 1 31 6 51 7 2 3 31 5 6 6 4 223"
domains="$(cut -d' ' -f1 <<<"$expected" | paste -sd' ') my-bank.de 1password.com paypal.com.au
    foo.github.io bücher.de login.secure-bank.net example.fr münchen.info"

# shellcheck disable=SC2086
/usr/bin/python3 "$(dirname "$0")/../fixtures/dnstwist_upstream.py" "$tables" $domains \
    >"$tmp/model" 2>"$tmp/err" || fail "the model runs" "$(tail -3 "$tmp/err")"
counts=$(awk '{ n[$1 " " $2]++; t[$1]++ } END {
    split("addition bitsquatting cyrillic homoglyph hyphenation insertion omission plural " \
          "repetition replacement subdomain transposition vowel-swap various", f, " ")
    for (d in t) { line = d; for (i = 1; i <= 14; i++) line = line " " (n[d " " f[i]] + 0)
                   print line " " t[d] } }' "$tmp/model" | grep -F -f <(cut -d' ' -f1 <<<"$expected" |
    sed 's/$/ /') | sort)
check "the model makes 20250130's measured counts, fuzzer by fuzzer" "$(sort <<<"$expected")" \
    "$counts"

for d in $domains; do
    ctsql :memory: "SELECT '$d', domain, fuzzers FROM typosquat_candidates('$d')" |
        tr '|' ' ' >>"$tmp/ours"
done
# Each model name but the original: its row, and that row's fuzzers hold the model's fuzzer.
/usr/bin/python3 - "$tmp/model" "$tmp/ours" <<'EOF' >"$tmp/report"
import collections, sys
rows = {}
for line in open(sys.argv[2]):
    d, name, fuzzers = line.split()
    rows[d, name] = set(fuzzers.split(","))
missing, misattributed, n = collections.defaultdict(list), collections.defaultdict(list), collections.Counter()
for line in open(sys.argv[1]):
    d, fuzzer, name = line.split()
    if fuzzer == "*original":
        continue
    n[d] += 1
    if (d, name) not in rows:
        missing[d].append(name)
    elif fuzzer not in rows[d, name]:
        misattributed[d].append(f"{name} ({fuzzer})")
for d in n:
    print(d, n[d], len(missing[d]), " ".join(missing[d][:5]), "|", " ".join(misattributed[d][:5]))
EOF
while read -r d n rest; do
    read -r nmiss detail <<<"$rest"
    if [ "$nmiss" = 0 ] && [ "$detail" = "|" ]; then
        pass "$d: the $n names of 20250130 are rows, each made by the same fuzzer"
    else
        fail "$d: the names of 20250130 are rows made by the same fuzzer" \
            "$nmiss missing of $n; missing | misattributed: $detail"
    fi
done <"$tmp/report"
