#!/bin/bash
# Usage: bench/detection.sh
# How well rule_typosquat separates look-alikes from real domains. Five brands are watched;
# their look-alikes are every name typosquat_candidates() makes of them (dnstwist's fuzzers),
# and the real domains are 100 popular brands' registrable domains and their www names.
# Prints the recall of the rule's techniques alone (without its candidate lookup, which finds
# these by construction), per technique, and the false alarms on the real domains. Nothing
# is asserted; see bench/README.md (## detection).
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${1:-}" != --help ] && [ "${1:-}" != -h ] || { sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0; }
w=build/bench/detection
rm -rf "$w" && mkdir -p "$w"
db=$w/detection.db
sq() { sqlite3 -batch -bail -cmd ".load ./ctlite" "$db" "$@"; }
watched="paypal.com google.com netflix.com bankofamerica.com microsoft.com"
# The popular domains: the 100 brands of bench/rules.sh.
popular=$(sed -n '/^brands="/,/"$/p' bench/rules.sh | tr -d '"' | sed 's/^brands=//')

./ctlite-worker init "$db" >/dev/null
for b in $watched; do ./ctlite-worker watch "$db" add brand "$b" >/dev/null; done
sq "CREATE TABLE lookalike AS SELECT w.value AS brand, t.domain, t.fuzzer
      FROM watch w, typosquat_candidates(w.value) t WHERE t.domain <> w.value;
    INSERT INTO cert(id, serial, issuer_name, not_before, not_after, logged_at_ms, source)
      SELECT rowid, printf('%x', rowid), 'CN=bench', 1, 4000000000, 1000, 'lookalike'
        FROM lookalike;
    INSERT INTO cert_name(cert_id, name, registrable, wildcard)
      SELECT rowid, domain, registrable_domain(domain), 0 FROM lookalike
       WHERE registrable_domain(domain) IS NOT NULL;"
i=1000000
for d in $popular; do
    sq "INSERT INTO cert(id, serial, issuer_name, not_before, not_after, logged_at_ms, source)
          VALUES ($i, 'p$i', 'CN=bench', 1, 4000000000, 1000, 'popular');
        INSERT INTO cert_name VALUES ($i, '$d', registrable_domain('$d'), 0),
          ($i, 'www.$d', registrable_domain('$d'), 0);"
    i=$((i + 1))
done
t0=${EPOCHREALTIME/,/.}
./ctlite-worker rules "$db" >/dev/null
t1=${EPOCHREALTIME/,/.}

echo "## detection: rule_typosquat, 5 brands watched ($watched)"
sq "CREATE TEMP TABLE found AS SELECT DISTINCT json_extract(detail, '\$.registrable') AS domain,
      json_extract(detail, '\$.technique') AS technique FROM rule_typosquat
     WHERE json_extract(detail, '\$.technique') <> 'candidate';
    SELECT printf('look-alikes (registrable domains): %d; found by the techniques alone: %d (%.2f%%)',
      (SELECT count(DISTINCT registrable) FROM cert_name WHERE cert_id < 1000000),
      (SELECT count(DISTINCT domain) FROM found f JOIN cert_name n ON n.registrable = f.domain
        WHERE n.cert_id < 1000000),
      100.0 * (SELECT count(DISTINCT domain) FROM found f JOIN cert_name n ON
        n.registrable = f.domain WHERE n.cert_id < 1000000) /
      (SELECT count(DISTINCT registrable) FROM cert_name WHERE cert_id < 1000000));"
echo "by fuzzer (share of its look-alikes found by the techniques):"
sq -column "SELECT l.fuzzer, count(DISTINCT n.registrable) AS lookalikes,
      printf('%.1f%%', 100.0 * count(DISTINCT f.domain) / count(DISTINCT n.registrable)) AS found
    FROM lookalike l JOIN cert_name n ON n.cert_id = l.rowid
    LEFT JOIN (SELECT DISTINCT json_extract(detail, '\$.registrable') AS domain FROM rule_typosquat
               WHERE json_extract(detail, '\$.technique') <> 'candidate') f
      ON f.domain = n.registrable
    GROUP BY l.fuzzer ORDER BY lookalikes DESC"
echo "by technique (the first that shows each; candidate: found by the lookup alone):"
sq -column "SELECT technique, count(*) AS domains FROM (SELECT registrable,
      coalesce(max(iif(technique <> 'candidate', technique, NULL)), 'candidate') AS technique
      FROM (SELECT json_extract(detail, '\$.registrable') AS registrable,
                   json_extract(detail, '\$.technique') AS technique FROM rule_typosquat)
      GROUP BY registrable) GROUP BY technique ORDER BY domains DESC"
sq "SELECT printf('false alarms on %d popular names (other brands, www): %d', count(*),
      (SELECT count(*) FROM alert_log WHERE cert_id >= 1000000)) FROM cert_name
     WHERE cert_id >= 1000000"
printf 'evaluation of all %s names: %.2f s\n' "$(sq "SELECT count(*) FROM cert_name")" \
    "$(echo "$t1 - $t0" | bc -l)"
