#!/bin/bash
# Usage: bench/certstream.sh [--count N] [--reps N]
# One CertStream full stream of N certificates (default 20000) from a loopback stand-in of
# certstream-server-go (tests/fixtures/certstream_server.py, names from a generated --names
# file: one certificate in 100 a look-alike of examplecompany, one in 100 with two of the
# keywords paypal apple account secure login, one in 100 with one of them), read by
# `ctlite-worker certstream` then `ctlite-worker rules` (each timed, and both together) with a
# regex and a keyword watch, and by the two peers rebuilt in bench/certstream_peer.py on the
# calidog certstream library's model: the "CertStream" domain catcher (capture regex) and
# CertStreamMonitor (keywords, threshold 2); and, for the server's share, a client that only
# receives the frames. Best of --reps runs (default 3). Prints seconds, certificates per
# second, CPU seconds of client and server, matches or alerts, and the ratios. Nothing is
# asserted; see bench/README.md (## certstream).
set -euo pipefail
cd "$(dirname "$0")/.."

count=20000 reps=3
while [ $# -gt 0 ]; do
    case $1 in
    --count) count=${2:?--count needs a number} && shift 2 ;;
    --reps) reps=${2:?--reps needs a number} && shift 2 ;;
    -h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' && exit 0 ;;
    *) echo "bench/certstream.sh: unknown argument '$1'" >&2 && exit 2 ;;
    esac
done
# The fixture makes every certificate before it listens (about 1 ms each) and keeps them all.
if ! [[ $count =~ ^[1-9][0-9]*$ ]] || [ "$count" -gt 100000 ]; then
    echo "bench/certstream.sh: --count must be 1 to 100000" >&2
    exit 2
fi
[[ $reps =~ ^[1-9][0-9]*$ ]] || { echo "bench/certstream.sh: --reps must be a positive integer" >&2; exit 2; }
for f in ./ctlite-worker /usr/bin/python3; do
    [ -x "$f" ] || { echo "bench/certstream.sh: $f is missing (make; apt-get install python3)" >&2; exit 1; }
done
command -v sqlite3 >/dev/null || { echo "bench/certstream.sh: sqlite3 is missing (apt-get install sqlite3)" >&2; exit 1; }
for m in websocket:python3-websocket websockets:python3-websockets \
    cryptography:python3-cryptography; do
    /usr/bin/python3 -c "import ${m%%:*}" 2>/dev/null ||
        { echo "bench/certstream.sh: Python's ${m%%:*} is missing (apt-get install ${m#*:})" >&2; exit 1; }
done

# Work files: a copy of the worker (a build may replace ./ctlite-worker meanwhile), the names
# and their expected matches, the fixture's port and output, each run's databases and outputs.
w=build/bench/certstream
rm -rf "$w" && mkdir -p "$w"
cp ./ctlite-worker "$w/ctlite-worker"
worker=$w/ctlite-worker
server=''
cleanup() {
    if [ -n "$server" ] && kill -TERM "$server" 2>/dev/null; then wait "$server" 2>/dev/null || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
fail() { echo "bench/certstream.sh: $*" >&2; exit 1; }

# The watches, the same for ctlite and the peers: the catcher's capture regex, and
# CertStreamMonitor's example SearchKeywords with its default DetectionThreshold.
regex='examp[l1]e-?c[o0]mp[a4]ny' keywords='paypal apple account secure login' threshold=2

# One line of names per certificate, every name unique: look-alikes (regex), two keywords
# (keyword), one keyword (near: logged by CertStreamMonitor, stored by neither), and names
# that match nothing, checked against both watches as they are made.
/usr/bin/python3 - "$count" "$regex" "$keywords" "$threshold" "$w/names" "$w/expected" <<'PY'
import random
import re
import sys

count, regex, keywords, threshold, names_path, expected_path = sys.argv[1:]
count, threshold = int(count), int(threshold)
pattern, words = re.compile(regex), keywords.split()
rng = random.Random("ctlite-certstream-bench")
syllables = "ka mo ri tu ne zo ba fi gu ha je wo xy qu dy vo su te ni da ro".split()
tlds = "com net org io de co.uk fr shop".split()
lookalikes = "examp1ecompany example-company examplec0mpany examplecomp4ny examplecompany".split()
used = set()


def hits(name):
    return sum(w in name for w in words)


def label():
    while True:
        text = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
        if text not in used and not hits(text) and not pattern.search(text):
            used.add(text)
            return text


expected = {"regex": 0, "keyword": 0, "near": 0}
with open(names_path, "w") as out:
    for i in range(count):
        tld = rng.choice(tlds)
        if i % 100 == 17:
            look = rng.choice(lookalikes)
            name = rng.choice([f"{look}-{label()}.{tld}", f"{label()}-{look}.{tld}",
                               f"{look}.{label()}.{tld}"])
            kind = "regex"
        elif i % 100 in (42, 67):
            picked = rng.sample(words, 2 if i % 100 == 67 else 1)
            name = "-".join(picked + [label()]) + "." + tld
            kind = "keyword" if i % 100 == 67 else "near"
        else:
            base = f"{label()}.{tld}"
            shape = rng.random()
            line = (f"www.{base} {base}" if shape < 0.5 else base if shape < 0.7 else
                    f"*.{base} {base}" if shape < 0.85 else f"mail.{base} www.{base} {base}")
            out.write(line + "\n")
            continue
        line = [f"www.{name}", name]
        assert all((hits(n) >= threshold) == (kind == "keyword") for n in line)
        assert all(bool(pattern.search(n)) == (kind == "regex") for n in line)
        expected[kind] += len(line)
        out.write(" ".join(line) + "\n")
with open(expected_path, "w") as f:
    f.write(" ".join(f"{k} {v}" for k, v in expected.items()) + "\n")
PY

/usr/bin/python3 tests/fixtures/certstream_server.py --port-file "$w/port" --count "$count" \
    --names "$w/names" >"$w/server.out" 2>&1 &
server=$!
t0=$SECONDS
while ! [ -s "$w/port" ]; do
    kill -0 "$server" 2>/dev/null || fail "the fixture did not start; see $w/server.out"
    sleep 0.2
done
url=ws://127.0.0.1:$(cat "$w/port")/full-stream
made=$((SECONDS - t0))

# CPU seconds (user + sys): of the fixture, and of this shell's children that have ended.
tck=$(getconf CLK_TCK)
cpu_of() { sed 's/.*) //' "/proc/$1/stat" | awk -v t="$tck" '{ printf "%.2f", ($12 + $13) / t }'; }
cpu_children() { sed 's/.*) //' "/proc/$$/stat" | awk -v t="$tck" '{ printf "%.2f", ($14 + $15) / t }'; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'; }

# timed REP LABEL COMMAND...: one run, as "rep label wall client-cpu server-cpu" in $w/times.
: >"$w/times"
timed() {
    local rep=$1 label=$2 t0 c0 s0
    shift 2
    s0=$(cpu_of "$server") c0=$(cpu_children) t0=${EPOCHREALTIME/,/.}
    "$@"
    local t1=${EPOCHREALTIME/,/.}
    echo "$rep $label $(minus "$t1" "$t0") $(minus "$(cpu_children)" "$c0")" \
        "$(minus "$(cpu_of "$server")" "$s0")" >>"$w/times"
}
peer() { /usr/bin/python3 bench/certstream_peer.py --url "$url" --limit "$count" "$@"; }

for ((rep = 1; rep <= reps; rep++)); do
    timed "$rep" receive peer --mode receive >"$w/receive-$rep.out"

    db=$w/ctlite-$rep.db
    "$worker" init "$db" >/dev/null
    "$worker" watch "$db" add regex "$regex" >/dev/null
    "$worker" watch "$db" add keywords "$keywords" --threshold "$threshold" >/dev/null
    timed "$rep" stream "$worker" certstream "$db" --url "$url" --limit "$count" \
        >"$w/ctlite-$rep.out" 2>"$w/ctlite-$rep.err"
    timed "$rep" rules "$worker" rules "$db" >>"$w/ctlite-$rep.out" 2>>"$w/ctlite-$rep.err"

    timed "$rep" regex peer --mode regex --db "$w/catcher-$rep.db" --regex "$regex" \
        --output "$w/catcher-$rep.txt" --log "$w/catcher-$rep.log" >"$w/catcher-$rep.out"
    timed "$rep" keywords peer --mode keywords --db "$w/monitor-$rep.db" \
        --keywords "${keywords// /|}" --threshold "$threshold" --log "$w/monitor-$rep.log" \
        >"$w/monitor-$rep.out"
    timed "$rep" regex-skip peer --mode regex --db "$w/catcher-skip-$rep.db" --regex "$regex" \
        --output "$w/catcher-skip-$rep.txt" --log "$w/catcher-skip-$rep.log" \
        --skip-utf8-validation >"$w/catcher-skip-$rep.out"
done

# The matches of the last run: ctlite's alerts by rule, the peers' stored rows.
sqlite3 "$db" "SELECT rule, count(*) FROM alert_log GROUP BY rule" >"$w/ctlite.alerts"
echo
echo "== certstream: $count certificates on $url (made in ${made} s, before any timing);" \
    "best of $reps"
echo "   watches: regex '$regex'; keywords '$keywords', threshold $threshold"
echo "   ctlite: $(head -1 "$w/ctlite-$reps.out")"
echo "           $(tail -1 "$w/ctlite-$reps.out")"
echo "   peers:  $(tail -1 "$w/catcher-$reps.out"); $(tail -1 "$w/monitor-$reps.out")" \
    "(websocket-client $(/usr/bin/python3 -c 'import websocket; print(websocket.__version__)')," \
    "$(/usr/bin/python3 -c 'import wsaccel' 2>/dev/null && echo 'with' || echo 'without') wsaccel)"
/usr/bin/python3 - "$w/times" "$count" "$w/ctlite.alerts" "$w/expected" \
    "$(grep -c . "$w/catcher-$reps.txt" || true)" \
    "$(sqlite3 "$w/monitor-$reps.db" 'SELECT count(*) FROM CertStreamMonitor')" \
    "$(grep -c . "$w/catcher-skip-$reps.txt" || true)" \
    "$(grep -c 'under the threshold' "$w/monitor-$reps.log" || true)" <<'PY'
import sys

times, count, alerts_path, expected_path, catcher, monitor, catcher_skip, logged = sys.argv[1:]
count = int(count)
runs = {}
for line in open(times):
    rep, label, wall, client, server = line.split()
    runs.setdefault(rep, {})[label] = (float(wall), float(client), float(server))
for r in runs.values():  # ctlite's whole job: both steps of the same run
    r["ctlite"] = tuple(a + b for a, b in zip(r["stream"], r["rules"]))
labels = {"receive": "fixture alone (receive only)", "stream": "ctlite certstream",
          "rules": "ctlite rules", "ctlite": "ctlite, both steps",
          "regex": "peer: domain catcher (regex)", "keywords": "peer: CertStreamMonitor",
          "regex-skip": "catcher, UTF-8 check off"}
best = {label: min((r[label] for r in runs.values()), key=lambda t: t[0]) for label in labels}
rules = dict(line.strip().split("|") for line in open(alerts_path) if line.strip())
expected = dict(zip(*[iter(open(expected_path).read().split())] * 2))
ctlite_alerts = int(rules.get("regex", 0)) + int(rules.get("keyword", 0))
matches = {"rules": ctlite_alerts, "ctlite": ctlite_alerts, "regex": catcher,
           "keywords": monitor, "regex-skip": catcher_skip}

print()
print(f"{'client':<32}{'seconds':>9}{'certs/s':>9}{'client CPU s':>14}{'server CPU s':>14}"
      f"{'matches':>9}")
for label, name in labels.items():
    wall, client, server = best[label]
    print(f"{name:<32}{wall:>9.2f}{count / wall:>9.0f}{client:>14.2f}{server:>14.2f}"
          f"{matches.get(label, '-'):>9}")
c = best["ctlite"]
print("ratios peer/ctlite (both steps; above 1x ctlite is faster; ctlite does both watches, "
      "each peer one):")
for label, name in (("regex", "domain catcher"), ("keywords", "CertStreamMonitor"),
                    ("regex-skip", "catcher, UTF-8 check off")):
    p = best[label]
    print(f"  {name:<26}{p[0] / c[0]:>6.1f}x wall{p[1] / c[1]:>6.1f}x client CPU")
f = best["receive"]
print(f"the fixture alone: {f[0]:.2f} s, {f[2]:.2f} s of server CPU; that is "
      f"{100 * f[0] / c[0]:.0f}%"
      f" of ctlite's two steps ({100 * f[0] / best['stream'][0]:.0f}% of its certstream step),"
      f" {100 * f[0] / best['regex'][0]:.0f}% of the catcher's and"
      f" {100 * f[0] / best['keywords'][0]:.0f}% of CertStreamMonitor's time")
print()
print(f"{'watch':<34}{'expected':>9}{'ctlite':>8}{'peer':>7}")
print(f"{'regex (names matching)':<34}{expected['regex']:>9}{rules.get('regex', 0):>8}{catcher:>7}")
print(f"{'keywords (names with >= 2)':<34}{expected['keyword']:>9}{rules.get('keyword', 0):>8}"
      f"{monitor:>7}")
print(f"{'one keyword (peer: logged only)':<34}{expected['near']:>9}{'-':>8}{logged:>7}")
others = {k: v for k, v in rules.items() if k not in ("regex", "keyword")}
if others:
    print("other ctlite alerts: " + ", ".join(f"{k} {v}" for k, v in sorted(others.items())))
PY
