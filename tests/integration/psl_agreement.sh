# registrable_domain and public_suffix agree with libpsl's own psl tool on names generated
# from every rule of the system's list: wildcard and exception rules, private suffixes, IDN,
# upper case, trailing dots, "*." labels and deep subdomains.
#
# ctlite reads the raw names; psl reads them canonicalised by other tools (a trailing dot and
# a leading "*." stripped, then idn2 for case and A-labels), since psl passes upper case and
# trailing dots through. IP addresses and strings that are not host names, where psl still
# answers, must give NULL.
set -u
. "$(dirname "$0")/../lib.sh"
list=/usr/share/publicsuffix/public_suffix_list.dat
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C.UTF-8

python3 "$(dirname "$0")/../fixtures/psl_names.py" "$list" >"$tmp/raw"
total=$(wc -l <"$tmp/raw")
if [ "$total" -ge 10000 ]; then pass "$total names generated"; else fail "only $total names generated"; fi

sed -e 's/\.$//' -e 's/^\*\.//' "$tmp/raw" | idn2 -N >"$tmp/canon"
psl --load-psl-file "$list" -b --print-reg-domain <"$tmp/canon" >"$tmp/psl_reg"
psl --load-psl-file "$list" -b --print-unreg-domain <"$tmp/canon" >"$tmp/psl_suffix"

# The ASCII import mode reads records as they are: no quoting rules to trip over.
tr '\n' '\036' <"$tmp/raw" >"$tmp/raw.ascii"
ctsql :memory: >"$tmp/ct" <<SQL
CREATE TABLE t(name TEXT);
.import --ascii $tmp/raw.ascii t
.mode list
.separator "\t"
SELECT ifnull(registrable_domain(name), '(null)'), ifnull(public_suffix(name), '(null)')
FROM t ORDER BY rowid;
SQL
cut -f1 "$tmp/ct" >"$tmp/ct_reg"
cut -f2 "$tmp/ct" >"$tmp/ct_suffix"

# compare WHAT PSL_FILE CTLITE_FILE: one result with the first differing names.
compare() {
    local diffs
    diffs=$(paste "$tmp/raw" "$tmp/canon" "$2" "$3" | awk -F'\t' '$3 != $4' | head -5)
    if [ -z "$diffs" ] && [ "$(wc -l <"$3")" -eq "$total" ]; then
        pass "$1 agrees with psl on $total names"
    else
        fail "$1 agrees with psl on $total names" "$(wc -l <"$3") results" \
            "raw, canonical, psl, ctlite:" "${diffs//$'\n'/ | }"
    fi
}
compare registrable_domain "$tmp/psl_reg" "$tmp/ct_reg"
compare public_suffix "$tmp/psl_suffix" "$tmp/ct_suffix"

check "the exception and wildcard rules of .ck" "www.ck|b.a.ck|(null)|www.ck" \
    "$(ctsql :memory: "SELECT ifnull(registrable_domain('x.www.ck'), '(null)'),
        registrable_domain('c.b.a.ck'), ifnull(registrable_domain('a.ck'), '(null)'),
        registrable_domain('WWW.CK.')" | paste -sd'|')"

# Not host names: psl answers for some of these ("3.4" for an IP address), ctlite gives NULL.
q=
for junk in 1.2.3.4 10.0.0.1. 2001:db8::1 '[::1]' 256.1.1.1 'a..com' '.com' 'exa mple.com' \
    'user@example.com' 'Example Corp' '-' '' "$(printf 'x%.0s' {1..64}).com" 'a.*.com' '**.com' \
    'example.com..' 'example.com-' 'example.c_m' 'a/b.com' 'example.com:443'; do
    q+="${q:+ + }(registrable_domain('$junk') IS NULL AND public_suffix('$junk') IS NULL)"
    n=$((${n:-0} + 1))
done
check "IP addresses and other non-host names give NULL" "$n" "$(ctsql :memory: "SELECT $q")"
