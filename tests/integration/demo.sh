# make demo's tour (examples/tour.sh) end to end, its outputs in a directory of the test's
# own: it succeeds, delivers every alert to stdout and to the JSON directory, and leaves the
# HTML report with its charts and the JSON report with its sections.
set -u
. "$(dirname "$0")/../lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$tmp/demo

CTLITE_DEMO_DIR=$out host sh "$(dirname "$0")/../../examples/tour.sh" "$CTLITE_OUT" \
    >"$tmp/tour.out" 2>"$tmp/tour.err"
check "the tour runs to its end" "0|1" \
    "$?|$(grep -c "^The report is $out/report.html" "$tmp/tour.out")"
alerts=$(sqlite3 "$out/ct.db" "SELECT count(*) FROM alert_log")
check "every alert delivered to stdout and to the JSON directory, once" \
    "1|$alerts|$alerts" \
    "$([ "$alerts" -gt 0 ] && echo 1)|$(wc -l <"$out/alerts.jsonl")|$(find "$out/alerts" -name '*.json' | wc -l)"
check "the HTML report, with its three charts and their bars" "3|1" \
    "$(grep -c '<svg' "$out/report.html")|$(grep -q 'class="bar"' "$out/report.html" && echo 1)"
check "the JSON report, with the look-alikes of paypal.com" "1" \
    "$(/usr/bin/python3 -c 'import json, sys
doc = json.load(open(sys.argv[1]))
print(int(any(l["brand"] == "paypal.com" for l in doc["lookalikes"]) and "certificate_inventory" in doc))' "$out/report.json")"
