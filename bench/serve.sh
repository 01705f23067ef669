#!/bin/bash
# Usage: bench/serve.sh [--concurrency C] [--hit-requests N] [--new-requests N]
# domain_stats' API (GET /<domain>) under load: `ctlite-worker serve` against MarkBaggett's
# domain_stats (Flask under gunicorn), side by side on 127.0.0.1, both asking the loopback RDAP
# fixture (tests/fixtures/rdap_server.py). Two workloads: "hit", a few known names asked over
# and over (answered from cache), and "new", distinct names never seen (a first contact and an
# RDAP lookup each, which the fixture answers 404). Prints requests per second, median and p99
# latency, and ctlite's ratio to domain_stats. Nothing is asserted; see bench/README.md
# (## serve). domain_stats comes from DOMAIN_STATS_DIR, a checkout of
# https://github.com/MarkBaggett/domain_stats; without one, ctlite's figures only.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
    cat <<'EOF'
Usage: bench/serve.sh [--concurrency C] [--hit-requests N] [--new-requests N]

Serves domain_stats' API on 127.0.0.1 twice, with each server's default settings, and loads
each with bench/http_load.py (C clients at once, one connection per request):

  hit  N requests (default 20000) over old.test, young.test, www.old.test and
       mail.young.test, each asked once before the timing, so every answer is a cache hit
  new  N requests (default 2000) for new-1.test ... new-N.test: each a first contact and an
       RDAP lookup, answered 404 by the fixture (ctlite records it as not found,
       domain_stats caches the error)

  --concurrency C  clients at once (default 50)

ctlite: ctlite-worker serve on a fresh database holding the fixture's RDAP bootstrap.
domain_stats: set DOMAIN_STATS_DIR to a checkout of it (git clone
https://github.com/MarkBaggett/domain_stats); its package is copied to the work directory and
run there under gunicorn, with Debian's python3-flask, gunicorn, python3-diskcache,
python3-dateutil, python3-yaml and python3-requests, and stand-ins for publicsuffixlist and rdap
(see bench/README.md). Without it, ctlite's figures only. Work files stay in build/bench/serve/.
EOF
}

concurrency=50 hit_n=20000 new_n=2000
while [ $# -gt 0 ]; do
    case $1 in
    -h | --help) usage && exit 0 ;;
    --concurrency) concurrency=${2:?--concurrency needs a number} && shift 2 ;;
    --hit-requests) hit_n=${2:?--hit-requests needs a number} && shift 2 ;;
    --new-requests) new_n=${2:?--new-requests needs a number} && shift 2 ;;
    *) usage >&2 && exit 2 ;;
    esac
done
for v in "$concurrency" "$hit_n" "$new_n"; do
    [[ $v =~ ^[1-9][0-9]*$ ]] || { echo "bench/serve.sh: counts must be positive integers" >&2; exit 2; }
done
for f in ./ctlite-worker /usr/bin/python3; do
    [ -x "$f" ] || { echo "bench/serve.sh: $f is missing (make; apt-get install python3)" >&2; exit 1; }
done

# Work directory (absolute: domain_stats runs from its own data directory): a copy of the
# worker, the fixture's port and bootstrap files, ctlite's database, the copy of domain_stats
# with its data directory and the stand-in modules, the request lists and every server's output.
w=$PWD/build/bench/serve
rm -rf "$w" && mkdir -p "$w"
cp ./ctlite-worker "$w/ctlite-worker"
rdap='' ctlite='' peer='' # process ids: the RDAP fixture, ctlite-worker serve, gunicorn's master
cleanup() {
    local p
    for p in "$peer" "$ctlite" "$rdap"; do
        if [ -n "$p" ] && kill -TERM "$p" 2>/dev/null; then wait "$p" 2>/dev/null || true; fi
    done
}
trap cleanup EXIT
trap 'exit 130' INT TERM
fail() { echo "bench/serve.sh: $*" >&2; exit 1; }
py() { /usr/bin/python3 -c "$@"; }

# CPU seconds (user + sys) of the processes given and of their children, e.g. gunicorn's workers.
tck=$(getconf CLK_TCK)
cpu_of() {
    local p kids all=()
    for p in "$@"; do
        read -ra kids < <(cat /proc/"$p"/task/*/children 2>/dev/null; echo)
        all+=("$p" "${kids[@]}")
    done
    for p in "${all[@]}"; do sed 's/.*) //' "/proc/$p/stat" 2>/dev/null || true; done |
        awk -v t="$tck" '{ s += $12 + $13 } END { printf "%.2f", s / t }'
}

# The RDAP fixture: registry-a holds old.test and young.test, /redirector/ sends there, every
# other name is 404.
/usr/bin/python3 tests/fixtures/rdap_server.py --port-file "$w/rdap.port" \
    --bootstrap-file "$w/dns.json" >"$w/rdap.log" 2>&1 &
rdap=$!
for ((i = 0; i < 100; i++)); do [ -s "$w/rdap.port" ] && break; sleep 0.1; done
[ -s "$w/rdap.port" ] || fail "the RDAP fixture did not start; see $w/rdap.log"
rdap_port=$(cat "$w/rdap.port")

# ctlite: a fresh database with the fixture's bootstrap, served with the default settings.
db=$w/ct.db
"$w/ctlite-worker" init "$db" >/dev/null
"$w/ctlite-worker" rdap-bootstrap "$db" "$w/dns.json" >/dev/null
"$w/ctlite-worker" serve "$db" --listen 127.0.0.1:0 >"$w/ctlite.out" 2>"$w/ctlite.err" &
ctlite=$!
for ((i = 0; i < 100; i++)); do grep -q listening "$w/ctlite.out" && break; sleep 0.1; done
ctlite_port=$(sed -n 's|^serve: listening on http://127\.0\.0\.1:\([0-9]*\)/$|\1|p' "$w/ctlite.out")
[ -n "$ctlite_port" ] || fail "ctlite-worker serve did not start; see $w/ctlite.err"

# domain_stats, when there is a checkout of it and Debian's packages for it.
ds=${DOMAIN_STATS_DIR:-} peer_port='' peer_note=''
get_it="git clone https://github.com/MarkBaggett/domain_stats and set DOMAIN_STATS_DIR to the checkout"
if [ -z "$ds" ]; then
    peer_note="DOMAIN_STATS_DIR is not set; to compare, $get_it."
elif [ ! -f "$ds/domain_stats/server.py" ]; then
    peer_note="DOMAIN_STATS_DIR ($ds) holds no domain_stats/server.py; $get_it."
elif ! py 'import flask, gunicorn, diskcache, dateutil, yaml, requests' 2>/dev/null; then
    peer_note="domain_stats needs apt-get install python3-flask gunicorn python3-diskcache"
    peer_note+=" python3-dateutil python3-yaml python3-requests."
elif [ ! -f /usr/share/publicsuffix/public_suffix_list.dat ]; then
    peer_note="domain_stats' stand-in for publicsuffixlist needs apt-get install publicsuffix."
fi
if [ -z "$peer_note" ]; then
    # Its package, copied: the RDAP base URL it hard-codes (https://www.rdap.net) pointed at the
    # fixture's redirector, which sends every name to registry-a, as rdap.net sends a name to its
    # registry; and the data directory that one version hard-codes (/home/student/mydata)
    # pointed at ours.
    data=$w/peer-data shim=$w/shim
    mkdir -p "$w/peer" "$data" "$shim/publicsuffixlist" "$shim/rdap"
    cp -R "$ds/domain_stats" "$w/peer/"
    peer_commit=$(git -C "$ds" log -1 --format='commit %h of %cs' 2>/dev/null || echo "not a git checkout")
    grep -rq 'https://www\.rdap\.net' "$w/peer/domain_stats" --include='*.py' ||
        fail "no https://www.rdap.net in $ds/domain_stats to point at the fixture"
    grep -rl 'https://www\.rdap\.net' "$w/peer/domain_stats" --include='*.py' |
        xargs sed -i "s|https://www\.rdap\.net|http://127.0.0.1:$rdap_port/redirector|g"
    sed -i "s|/home/student/mydata|$data|g" "$w/peer/domain_stats/server.py"

    # Stand-ins for two dependencies Debian does not package, written here for this benchmark:
    # publicsuffixlist (PublicSuffixList().publicsuffix() and .privatesuffix(), over Debian's
    # list plus the fixture's TLD "test", which the real list lacks, reread on every
    # PublicSuffixList() as the library does) and rdap (20c's RdapClient().get_domain(): one GET
    # of URL/domain/NAME through a requests session, redirects followed, an exception
    # "RDAP lookup to URL returned STATUS" for anything but 200).
    printf '%s\n' "// bench/serve.sh: the loopback RDAP fixture's TLD" test >"$shim/extra.dat"
    cat >"$shim/publicsuffixlist/__init__.py" <<'PY'
"""bench/serve.sh's stand-in for the publicsuffixlist package: the two methods domain_stats
calls, over the rule files in PSL_SHIM_FILES (colon-separated)."""
import os


def _ascii(name):
    try:
        return name.encode("idna").decode("ascii")
    except UnicodeError:
        return name


class PublicSuffixList:
    def __init__(self, accept_unknown=True):
        self.accept_unknown = accept_unknown
        self.rules = set()
        for path in os.environ.get("PSL_SHIM_FILES", "").split(":"):
            with open(path, encoding="utf-8") as f:
                for line in f:
                    words = line.split()
                    if not words or words[0].startswith("//"):
                        continue
                    rule = words[0].lower()
                    bang = "!" if rule.startswith("!") else ""
                    self.rules.add(rule)
                    self.rules.add(bang + _ascii(rule.lstrip("!")))

    def _labels(self, domain):
        labels = domain.lower().split(".")
        return None if "\0" in domain or "" in labels else labels

    def _suffix_size(self, labels):
        """Labels in the public suffix by the longest matching rule; 0 when none matches."""
        for i in range(len(labels)):
            tail = ".".join(labels[i:])
            if "!" + tail in self.rules:
                return len(labels) - i - 1
            if tail in self.rules or "*." + ".".join(labels[i + 1:]) in self.rules:
                return len(labels) - i
        return 0

    def publicsuffix(self, domain, accept_unknown=None):
        labels = self._labels(domain)
        if labels is None:
            return None
        size = self._suffix_size(labels)
        if size == 0:
            unknown = self.accept_unknown if accept_unknown is None else accept_unknown
            return labels[-1] if unknown else None
        return ".".join(labels[-size:])

    def privatesuffix(self, domain, accept_unknown=None):
        labels = self._labels(domain)
        if labels is None or len(labels) < 2:
            return None
        size = self._suffix_size(labels)
        if size == 0:
            unknown = self.accept_unknown if accept_unknown is None else accept_unknown
            return ".".join(labels[-2:]) if unknown else None
        return ".".join(labels[-size - 1:]) if len(labels) > size else None
PY
    cat >"$shim/rdap/__init__.py" <<'PY'
"""bench/serve.sh's stand-in for the rdap package (20c/rdap): rdap.client.RdapClient only."""
from . import client  # noqa: F401
PY
    cat >"$shim/rdap/client.py" <<'PY'
"""RdapClient as domain_stats uses it: set .url and .timeout, call .get_domain(name).data."""
import requests


class RdapError(Exception):
    pass


class RdapObject:
    def __init__(self, data):
        self.data = data


class RdapClient:
    def __init__(self, config=None):
        self.url = "https://rdap.org"
        self.timeout = None
        self.http = requests.Session()

    def get_domain(self, name):
        answer = self.http.get(f"{self.url}/domain/{name}", timeout=self.timeout)
        if answer.status_code != 200:
            raise RdapError(f"RDAP lookup to {answer.url} returned {answer.status_code}")
        return RdapObject(answer.json())
PY
    export PYTHONPATH="$shim:$w/peer"
    export PSL_SHIM_FILES="/usr/share/publicsuffix/public_suffix_list.dat:$shim/extra.dat"

    # Its own set-up (domain_stats.settings.setup_directory), every question answered with its
    # default but the port: domain_stats.yaml, gunicorn_config.py (bind, workers, threads) and
    # the frequency table in the data directory.
    peer_port=$(py 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    py 'import builtins, pathlib, sys
def answer(prompt=""):
    if prompt.startswith("Set value for local_port."): return sys.argv[2]
    return "y" if prompt.startswith("Commit") else ""
builtins.input = answer
from domain_stats.settings import setup_directory
setup_directory(pathlib.Path(sys.argv[1]))' "$data" "$peer_port" >"$w/peer-setup.out"
    read -r peer_workers peer_threads < <(py 'import runpy, sys
c = runpy.run_path(sys.argv[1]); print(c["workers"], c["threads"])' "$data/gunicorn_config.py") ||
        fail "domain_stats' set-up wrote no gunicorn_config.py; see $w/peer-setup.out"

    # As its launcher (domain_stats.launch) runs it: gunicorn from the data directory.
    (cd "$data" && exec /usr/bin/python3 -m gunicorn.app.wsgiapp \
        "domain_stats.server:config_app(\"$data\")" -c "$data/gunicorn_config.py") \
        >"$w/peer.out" 2>"$w/peer.err" &
    peer=$!
    for ((i = 0; i < 300; i++)); do
        kill -0 "$peer" 2>/dev/null || fail "domain_stats did not start; see $w/peer.err"
        [ "$(grep -c 'Booting worker' "$w/peer.err" || true)" -ge "$peer_workers" ] && break
        sleep 0.1
    done
fi

# GET URL: the answer's status and body, after up to 30 s.
get() {
    py 'import sys, urllib.error, urllib.request
try:
    r = urllib.request.urlopen(sys.argv[1], timeout=30)
    print(r.status, r.read().decode())
except urllib.error.HTTPError as e:
    print(e.code, e.read().decode())' "$1"
}

echo
echo "== serve: GET /<domain> on 127.0.0.1, $concurrency clients at once, one connection per request"
echo "   ctlite: $("$w/ctlite-worker" --version), serve with its defaults (8 threads; RDAP" \
    "requests without pause, CTLITE_HTTP_MIN_INTERVAL: ${CTLITE_HTTP_MIN_INTERVAL:-not set})"
if [ -n "$peer_port" ]; then
    echo "   domain_stats: $ds ($peer_commit), gunicorn" \
        "$(py 'import gunicorn; print(gunicorn.__version__)') with its defaults here" \
        "($peer_workers workers x $peer_threads threads), Flask $(py 'import flask; print(flask.__version__)')"
fi
echo "   The same first question of each (status, body):"
echo "     ctlite:       $(get "http://127.0.0.1:$ctlite_port/old.test")"
[ -z "$peer_port" ] || echo "     domain_stats: $(get "http://127.0.0.1:$peer_port/old.test")"

# The request lists; the known names asked once before the timing.
printf '/%s\n' old.test young.test www.old.test mail.young.test >"$w/hit.paths"
for ((i = 1; i <= new_n; i++)); do echo "/new-$i.test"; done >"$w/new.paths"
while read -r p; do
    get "http://127.0.0.1:$ctlite_port$p" >/dev/null
    [ -z "$peer_port" ] || get "http://127.0.0.1:$peer_port$p" >/dev/null
done <"$w/hit.paths"

# run WORKLOAD SIDE PORT N PID: one load, its figures appended to $w/results as JSON, with the
# server's and the fixture's CPU seconds during it.
: >"$w/results"
run() {
    local s0 r0 out
    s0=$(cpu_of "$5") r0=$(cpu_of "$rdap")
    out=$(/usr/bin/python3 bench/http_load.py 127.0.0.1 "$3" "$w/$1.paths" --requests "$4" \
        --concurrency "$concurrency")
    py 'import json, sys
d = json.loads(sys.argv[3])
d.update(workload=sys.argv[1], side=sys.argv[2], server_cpu_s=float(sys.argv[4]),
         rdap_cpu_s=float(sys.argv[5]))
print(json.dumps(d))' "$1" "$2" "$out" "$(awk -v a="$s0" -v b="$(cpu_of "$5")" 'BEGIN { print b - a }')" \
        "$(awk -v a="$r0" -v b="$(cpu_of "$rdap")" 'BEGIN { print b - a }')" >>"$w/results"
}
run hit ctlite "$ctlite_port" "$hit_n" "$ctlite"
[ -z "$peer_port" ] || run hit domain_stats "$peer_port" "$hit_n" "$peer"
run new ctlite "$ctlite_port" "$new_n" "$ctlite"
[ -z "$peer_port" ] || run new domain_stats "$peer_port" "$new_n" "$peer"

/usr/bin/python3 - "$w/results" <<'PY'
import json, sys
runs = {(d["workload"], d["side"]): d for d in map(json.loads, open(sys.argv[1]))}
print()
for d in runs.values():
    other = {k: v for k, v in d["statuses"].items() if k != "200"}
    print(f"   {d['workload']} {d['side']}: {d['answered']} of {d['requests']} answered"
          f"{', not 200: ' + json.dumps(other) if other else ''}"
          f"{', failed: ' + json.dumps(d['errors']) if d['errors'] else ''} in {d['seconds']} s;"
          f" CPU s: server {d['server_cpu_s']:.2f}"
          f" ({d['server_cpu_s'] * 1000 / max(d['answered'], 1):.2f} ms a request),"
          f" RDAP fixture {d['rdap_cpu_s']:.2f}, load generator {d['client_cpu_s']:.2f}")
print()
def f(v, fmt):
    return "-" if v is None else format(v, fmt)
print(f"{'workload':<9}{'requests':>9}{'ctlite req/s':>14}{'peer req/s':>12}{'ratio':>9}"
      f"{'ctlite p50 ms':>15}{'p99 ms':>9}{'peer p50 ms':>13}{'p99 ms':>9}")
for w in ("hit", "new"):
    c, p = runs.get((w, "ctlite")), runs.get((w, "domain_stats"), {})
    ratio = c["rps"] / p["rps"] if p.get("rps") and c.get("rps") else None
    print(f"{w:<9}{c['requests']:>9}{f(c['rps'], '.1f'):>14}{f(p.get('rps'), '.1f'):>12}"
          f"{f(ratio, '.2f') + ('x' if ratio else ''):>9}{f(c['p50_ms'], '.1f'):>15}"
          f"{f(c['p99_ms'], '.1f'):>9}{f(p.get('p50_ms'), '.1f'):>13}{f(p.get('p99_ms'), '.1f'):>9}")
PY
[ -n "$peer_port" ] || echo "domain_stats not run: $peer_note"
echo "ratio: ctlite's requests per second over domain_stats'; peer: domain_stats"
