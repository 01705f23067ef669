# Crash safety of ctlite-worker tail: killed with -9 at 20 moments while it catches up with a
# fake static-ct-api log of 50,000 entries (tests/fixtures/ctlog_server.py), restarted after each
# kill, then let run to the end. The database must then hold every entry exactly once, and the
# same certificates, names and first sightings as an uninterrupted run into another database.
#
# The moments come from a seeded sequence: CTLITE_CRASH_SEED (default 1; printed as "# seed N")
# replays the same draws. Three kills fall early in a run (within 1.5 times a pass that has
# nothing to do). Each of the others falls at a random point of the first 70% of the time the
# rest of the log would take, as the uninterrupted run took it, so that kills land anywhere in
# a commit's cycle (in a transaction, in a commit, in a download) while the run is still at
# work, on fast and slow (sanitizer) builds alike. The killed runs are not watched (polling the
# database slows the worker down), and nothing here is a time limit.
set -u
. "$(dirname "$0")/../lib.sh"
tmp=$(mktemp -d)
pids="" worker=""
trap 'kill $pids $worker 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
w=$CTLITE_WORKER
export CTLITE_HTTP_BACKOFF=0.05 CTLITE_HTTP_TIMEOUT=5
N=50000 KILLS=20 EARLY_KILLS=3

seed=${CTLITE_CRASH_SEED:-1}
if ! [[ $seed =~ ^[0-9]{1,9}$ ]]; then
    fail "CTLITE_CRASH_SEED is a number" "it is '$seed'"
    exit 1
fi
echo "# seed $seed (CTLITE_CRASH_SEED=$seed replays these kills)"

# The draws, all here in this shell (a subshell's $RANDOM is seeded afresh). kind[k]: early or
# later; frac[k]: thousandths of the early window or of 70% of the time left.
RANDOM=$seed
kind=() frac=()
for ((k = 0; k < KILLS; k++)); do kind[k]=later; done
for ((k = 0; k < EARLY_KILLS; k++)); do
    j=$((RANDOM % KILLS))
    while [ "${kind[j]}" = early ]; do j=$(((j + 1) % KILLS)); done
    kind[j]=early
done
for ((k = 0; k < KILLS; k++)); do frac[k]=$((RANDOM % 1000)); done

now() { local t=${EPOCHREALTIME/[.,]/}; now=$((10#$t / 1000)); } # milliseconds
secs() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }
# The worker's position in DB, read-only: no checkpoint, so that a killed worker's WAL is left
# for the next run to recover. "?" when it cannot be read.
position() {
    local v
    for _ in 1 2 3 4 5; do
        v=$(sqlite3 -readonly -cmd ".timeout 2000" "$1" "SELECT next_index FROM ct_log" 2>/dev/null)
        [[ $v =~ ^[0-9]+$ ]] && break
        v="?"
        sleep 0.1
    done
    echo "$v"
}
# new_db DB: a database following the fake log and watching two domains, whose names then go
# to seen_name (the tail records there only the names of watched domains).
new_db() {
    "$w" init "$1" >/dev/null
    "$w" logs "$1" add "$url/static/" "$key" --monitoring "$url/static/" --description fixture >/dev/null
    "$w" watch "$1" add domain example.com >/dev/null
    "$w" watch "$1" add domain example.org >/dev/null
}

now
t_begin=$now
start_log a --entries $N
# /_state answers once every entry is made and hashed, so the runs below do not wait for that.
check "the fake log holds $N entries, all made" "$N" \
    "$(/usr/bin/python3 -c 'import json, sys, urllib.request as u
print(json.load(u.urlopen(sys.argv[1]))["tree_size"])' "$url/_state" 2>&1)"
now
t_fixture=$((now - t_begin))

# The reference: one uninterrupted run.
ref=$tmp/ref.db
new_db "$ref"
now
t0=$now
"$w" tail "$ref" --once >"$tmp/ref.out" 2>&1
rc=$?
now
t_ref=$((now - t0))
check "an uninterrupted run stores and verifies every entry" \
    "0 tail: 1 logs, $N entries stored (0 malformed), 0 failed|$N|$N|" \
    "$rc $(cat "$tmp/ref.out")|$(sqlite3 "$ref" "SELECT next_index, verified_size, coalesce(error, '') FROM ct_log")"
now
t0=$now
out=$("$w" tail "$ref" --once 2>&1)
now
t_idle=$((now - t0))
check "a rerun stores nothing" "tail: 1 logs, 0 entries stored (0 malformed), 0 failed" "$out"
echo "# uninterrupted run $(secs $t_ref) s, a pass with nothing to do $(secs $t_idle) s"

# The kills. Each run starts where the killed one left the database.
db=$tmp/crash.db
new_db "$db"
now
t_kills=$now
hits=0 bad="" report=() next=0
for ((k = 0; k < KILLS; k++)); do
    before=$next
    if [ "${kind[k]}" = early ]; then
        wait_ms=$((frac[k] * t_idle * 3 / 2000))
        how="early: $wait_ms ms"
    else
        work=$((t_ref > t_idle ? t_ref - t_idle : 0))
        left=$((t_idle + work * (N - before) / N))
        wait_ms=$((frac[k] * left * 70 / 100000))
        how="$wait_ms ms of about $left left"
    fi
    now
    started=$now
    "$w" tail "$db" --once >"$tmp/out.$k" 2>"$tmp/err.$k" &
    worker=$!
    sleep "$(secs $wait_ms)"
    kill -9 $worker 2>/dev/null
    wait $worker 2>/dev/null
    rc=$?
    now
    worker=""
    next=$(position "$db")
    if [ "$next" = "?" ]; then
        bad+=" after run $((k + 1)): next_index cannot be read;"
        next=$before
    elif [ "$next" -lt "$before" ]; then
        bad+=" run $((k + 1)): next_index went back from $before to $next;"
    fi
    line="kill $((k + 1)) ($how): after $(secs $((now - started))) s, status $rc, next_index $before -> $next"
    report+=("$line")
    echo "# $line"
    [ $rc = 137 ] && hits=$((hits + 1))
    if [ $rc != 137 ] && [ $rc != 0 ] || [ -s "$tmp/err.$k" ]; then
        bad+=" run $((k + 1)): status $rc, $(head -3 "$tmp/err.$k" | paste -sd' ');"
    fi
done
now
t_kills=$((now - t_kills))
check "$KILLS kills with -9: every run killed or done with status 0, silent" "" "$bad"
if [ $hits -ge $((KILLS * 3 / 4)) ]; then
    pass "at least $((KILLS * 3 / 4)) of the $KILLS kills hit a running worker ($hits did)"
else
    fail "at least $((KILLS * 3 / 4)) of the $KILLS kills hit a running worker ($hits did)" \
        "${report[@]}"
fi
positions=$(printf '%s\n' "${report[@]}" | sed 's/.*-> //' | sort -un | wc -l)
echo "# the kills left the database at $positions positions, the last $next"
if [ "$next" -gt 0 ]; then
    pass "the killed runs kept what they had committed"
else
    fail "the killed runs kept what they had committed" "next_index is still 0" "${report[@]}"
fi

# The last run goes to the end.
now
t0=$now
out=$("$w" tail "$db" --once 2>&1)
rc=$?
now
t_last=$((now - t0))
check "then a run to the end stores the rest and verifies the log" \
    "0 tail: 1 logs, $((N - next)) entries stored (0 malformed), 0 failed|$N|$N|" \
    "$rc $out|$(sqlite3 "$db" "SELECT next_index, verified_size, coalesce(error, '') FROM ct_log")"
check "every entry exactly once" "$N|$N|0|$((N - 1))|0" \
    "$(sqlite3 "$db" "SELECT count(*), count(DISTINCT idx), min(idx), max(idx),
                             (SELECT count(*) FROM malformed_entry) FROM log_entry")"
check "the database is sound" "ok|" \
    "$(sqlite3 "$db" 'PRAGMA integrity_check' | paste -sd' ')|$(sqlite3 "$db" 'PRAGMA foreign_key_check')"

# same NAME QUERY: QUERY gives the same rows, in order, here as in the reference (ids differ
# between the two databases, so rows name certificates by their SHA-256).
same() {
    local rows diffs
    sqlite3 "$ref" "PRAGMA temp_store = MEMORY" "$2" >"$tmp/ref.rows"
    sqlite3 "$db" "PRAGMA temp_store = MEMORY" "$2" >"$tmp/crash.rows"
    rows=$(wc -l <"$tmp/ref.rows")
    if [ "$rows" -gt 0 ] && cmp -s "$tmp/ref.rows" "$tmp/crash.rows"; then
        pass "$1"
        echo "#   $rows rows"
    else
        mapfile -t diffs < <(diff "$tmp/ref.rows" "$tmp/crash.rows" | head -6)
        fail "$1" "reference: $rows rows, here: $(wc -l <"$tmp/crash.rows"); the first differences:" \
            "${diffs[@]}"
    fi
}
same "the same entries as the uninterrupted run" \
    "SELECT e.idx, hex(c.sha256), e.logged_at_ms FROM log_entry e JOIN cert c ON c.id = e.cert_id
     ORDER BY e.idx"
same "the same certificates" \
    "SELECT hex(sha256), hex(tbs_sha256), serial, issuer_name, subject_cn, not_before, not_after,
            precert, logged_at_ms, source, crtsh_id, issuer_ca_id FROM cert ORDER BY sha256"
same "the same certificate names" \
    "SELECT hex(c.sha256), n.name, n.registrable, n.wildcard FROM cert c
     JOIN cert_name n ON n.cert_id = c.id ORDER BY c.sha256, n.name"
same "the same names seen, each with the same first certificate" \
    "SELECT s.name, hex(c.sha256) FROM seen_name s LEFT JOIN cert c ON c.id = s.first_cert_id
     ORDER BY s.name"
if [ -n "$(sqlite3 "$ref" "SELECT name FROM sqlite_schema WHERE name = 'issuer_cert'")" ]; then
    same "the same issuer certificates" "SELECT hex(sha256), hex(der) FROM issuer_cert ORDER BY sha256"
fi
same "the same position, tree and signed head" \
    "SELECT next_index, verified_size, hex(tree), head_size, hex(head_root), error FROM ct_log"
now
echo "# seconds: fixture $(secs $t_fixture), uninterrupted run $(secs $t_ref), $KILLS kills $(secs $t_kills)," \
    "last run $(secs $t_last), in all $(secs $((now - t_begin)))"
