# typosquat_candidates is a strict superset of dnstwist (Debian's package): every name that
# `dnstwist --format list` prints for a domain, but the domain itself, is a row, and every
# fuzzer run alone makes only names whose row lists that fuzzer.
set -u
. "$(dirname "$0")/../lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! command -v dnstwist >/dev/null && [ "$(id -u)" = 0 ]; then
    "$(dirname "$0")/../../tools/deps" dnstwist >"$tmp/deps.log" 2>&1
fi
if ! command -v dnstwist >/dev/null; then
    skip "typosquat_candidates against dnstwist" \
        "dnstwist is not installed and could not be (apt-get install dnstwist)"
    exit 0
fi

# superset NAME DOMAIN [DNSTWIST OPTIONS] -- [SQL ARGUMENTS AFTER THE DOMAIN]
superset() {
    local name=$1 domain=$2 opts=() args=""
    shift 2
    while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1") && shift; done
    [ $# -gt 0 ] && shift && args=$*
    dnstwist --format list "${opts[@]}" "$domain" 2>"$tmp/err" | sort -u >"$tmp/dnstwist"
    ctsql :memory: "SELECT domain_to_ascii('$domain') UNION ALL
                    SELECT domain FROM typosquat_candidates('$domain'$args)" | sort -u >"$tmp/ours"
    local n missing
    n=$(wc -l <"$tmp/dnstwist")
    missing=$(comm -23 "$tmp/dnstwist" "$tmp/ours")
    if [ "$n" -gt 1 ] && [ -z "$missing" ]; then
        pass "$name: all $((n - 1)) names of dnstwist are among $(($(wc -l <"$tmp/ours") - 1))"
    else
        fail "$name: all names of dnstwist are rows" "dnstwist printed $n lines" \
            "missing: $(head -5 <<<"$missing" | paste -sd' ')" "$(head -2 "$tmp/err")"
    fi
}

# Short, long, hyphenated, with digits, multi-label and private suffixes, a subdomain, IDNs
# in both forms, a label of Cyrillic letters.
for d in example.com paypal.com a.co bankofamerica.com my-bank.de 1password.com \
    sub.example.co.uk paypal.com.au foo.github.io bücher.de xn--80ak6aa92e.com \
    login.secure-bank.net; do
    superset "$d" "$d"
done

# dnstwist's own word and suffix lists, given as comma-separated lists.
dicts=/usr/share/dnstwist/dictionaries
list() { grep -v -e '^//' -e '^$' "$1" | paste -sd,; }
superset "example.co.uk with dnstwist's dictionary and TLD list" example.co.uk \
    --dictionary "$dicts/english.dict" --tld "$dicts/common_tlds.dict" -- \
    ", NULL, '$(list "$dicts/english.dict")', '$(list "$dicts/common_tlds.dict")'"

# Attribution: each fuzzer alone, on a plain domain and on one with a subdomain and a
# two-label suffix.
for d in example.com sub.example.co.uk; do
    bad=""
    for f in addition bitsquatting cyrillic homoglyph hyphenation insertion omission \
        repetition replacement subdomain transposition vowel-swap various; do
        # Alone, a fuzzer's output may hold the domain itself; it is never a candidate.
        dnstwist --format list --fuzzers "$f" "$d" 2>/dev/null | grep -vx "$d" | sort -u >"$tmp/f"
        ctsql :memory: "SELECT domain FROM typosquat_candidates('$d')
                        WHERE ',' || fuzzers || ',' LIKE '%,$f,%'" | sort -u >"$tmp/ours"
        missing=$(comm -23 "$tmp/f" "$tmp/ours" | head -3 | paste -sd' ')
        [ -n "$missing" ] && bad+="$f: $missing; "
    done
    check "$d: every name of each dnstwist fuzzer lists that fuzzer" "" "$bad"
done
