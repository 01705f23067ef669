# Sourced by test scripts: where the build is, and TAP helpers.
# CTLITE_OUT is the directory holding ctlite.so and ctlite-worker (build/asan for SANITIZE=1).
# CTLITE_PRELOAD holds the sanitizer runtimes that a plain program (the sqlite3 shell, python)
# needs in order to load a sanitized ctlite.so.
CTLITE_OUT=${CTLITE_OUT:-.}
CTLITE_SO="$CTLITE_OUT/ctlite"
CTLITE_WORKER="$CTLITE_OUT/ctlite-worker"
SHARED_DIR=${SHARED_DIR:-../shared}

# Runs a host program (sqlite3, python) that loads ctlite.so. Under the sanitizers its runtimes
# are preloaded; the host's own leaks at exit are not ours, so leak checks are off for it
# (they stay on for our own binaries).
host() {
    if [ -n "${CTLITE_PRELOAD:-}" ]; then
        LD_PRELOAD="$CTLITE_PRELOAD" ASAN_OPTIONS=detect_leaks=0 "$@"
    else
        "$@"
    fi
}

# sqlite3 with ctlite loaded; NULL printed as NULL.
ctsql() {
    host sqlite3 -batch -bail -cmd ".load $CTLITE_OUT/ctlite" \
        -cmd ".nullvalue NULL" "$@"
}

# Filters the shell's output so that an error reads "error: MESSAGE", wherever it happened
# (the shell prefixes errors with their place and shows the statement under parse errors).
sqlerr() {
    sed -E 's/^(Runtime error|Parse error|Error)( near line [0-9]+)?: (stepping, |in prepare, )?/error: /' |
        sed -E '/^error: /,$ { /^  /d }'
}

pass() { echo "ok - $1"; }
fail() {
    echo "not ok - $1"
    shift
    for line in "$@"; do echo "#   $line"; done
}
skip() { echo "skip - $1 ($2)"; }

# check NAME EXPECTED ACTUAL
check() {
    if [ "$2" == "$3" ]; then pass "$1"; else fail "$1" "expected: $2" "actual:   $3"; fi
}

# Starts the loopback crt.sh (tests/fixtures/crtsh_server.py), its files in the directory $1,
# and points ctlite at it with quick network settings. Sets crtsh_pid and crtsh_base (its
# URL); the caller stops it. Returns 1 after a failed check when it does not start.
start_crtsh() {
    /usr/bin/python3 "$(dirname "${BASH_SOURCE[0]}")/fixtures/crtsh_server.py" \
        --port-file "$1/port" >"$1/server.log" 2>&1 &
    crtsh_pid=$!
    for _ in $(seq 100); do [ -s "$1/port" ] && break; sleep 0.1; done
    if [ ! -s "$1/port" ]; then
        fail "the fake crt.sh starts" "$(tail -3 "$1/server.log")"
        return 1
    fi
    crtsh_base="http://127.0.0.1:$(cat "$1/port")"
    export CTLITE_CRTSH_URL="$crtsh_base/" CTLITE_HTTP_MIN_INTERVAL=0 CTLITE_HTTP_BACKOFF=0.05 \
        CTLITE_HTTP_TIMEOUT=1
}

# GET $crtsh_base/$1 (the fake crt.sh's control requests); prints the body.
crtsh_get() {
    /usr/bin/python3 -c 'import sys, urllib.request as u; print(u.urlopen(sys.argv[1]).read().decode())' \
        "$crtsh_base/$1"
}

# start_log NAME ARGS...: starts the loopback CT log (tests/fixtures/ctlog_server.py) with ARGS,
# its files in $tmp/NAME, and adds its pid to $pids (the caller kills those on exit). Sets url
# (http://127.0.0.1:PORT, below which /static/ and /rfc6962/ are served) and key (base64 DER).
start_log() {
    local dir=$tmp/$1
    shift
    mkdir -p "$dir"
    /usr/bin/python3 "$(dirname "${BASH_SOURCE[0]}")/fixtures/ctlog_server.py" \
        --port-file "$dir/port" --key-file "$dir/key" "$@" >"$dir/log" 2>&1 &
    pids="$pids $!"
    for _ in $(seq 100); do [ -s "$dir/port" ] && break; sleep 0.1; done
    url="http://127.0.0.1:$(cat "$dir/port")"
    key=$(cat "$dir/key")
}

# Starts the loopback RDAP bootstrap, registries and redirector (tests/fixtures/rdap_server.py,
# young.test registered $2 days ago), its files in the directory $1: the bootstrap document is
# $1/dns.json. Sets rdap_pid, rdap_port and rdap_base (its URL); the caller stops it. Returns 1 after a
# failed check when it does not start.
start_rdap() {
    /usr/bin/python3 "$(dirname "${BASH_SOURCE[0]}")/fixtures/rdap_server.py" \
        --port-file "$1/rdap.port" --bootstrap-file "$1/dns.json" --young-days "$2" \
        >"$1/rdap.log" 2>&1 &
    rdap_pid=$!
    for _ in $(seq 100); do [ -s "$1/rdap.port" ] && break; sleep 0.1; done
    if [ ! -s "$1/rdap.port" ]; then
        fail "the RDAP server starts" "$(tail -3 "$1/rdap.log")"
        return 1
    fi
    rdap_port=$(cat "$1/rdap.port")
    rdap_base="http://127.0.0.1:$rdap_port"
}

# run_until DB PATTERN: ctlite-worker run DB, its stdout in $tmp/run.out and stderr in
# $tmp/run.err, until PATTERN appears on its stdout (15 s at most), then SIGTERM. Returns the
# worker's status.
run_until() {
    "$CTLITE_WORKER" run "$1" >"$tmp/run.out" 2>"$tmp/run.err" &
    local rpid=$!
    for _ in $(seq 150); do grep -q "$2" "$tmp/run.out" && break; sleep 0.1; done
    kill -TERM $rpid
    wait $rpid
}
