#!/bin/bash
# Usage: bench/rules.sh [--names N] [--reps N]
# Rule evaluation on a database of N certificate names (default 1,000,000) with 100 watched
# brands: the time `ctlite-worker rules` takes for a new batch of 1,000 names (target: under
# 100 ms), and for a full evaluation of every name (--full). Nothing is asserted; see
# bench/README.md (## rules). Work files go to build/bench/rules/.
set -euo pipefail
cd "$(dirname "$0")/.."

names=1000000 reps=3
while [ $# -gt 0 ]; do
    case $1 in
    --names) names=$2 && shift 2 ;;
    --reps) reps=$2 && shift 2 ;;
    -h | --help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//' && exit 0 ;;
    *) echo "bench/rules.sh: unknown argument '$1'" >&2 && exit 2 ;;
    esac
done
dir=build/bench/rules
mkdir -p "$dir"
db=$dir/rules.db
certs=$((names * 2 / 5)) # 2.5 names a certificate, as logs give them

# 100 brands: well-known registrable domains of the sectors phishing aims at.
brands="paypal.com google.com microsoft.com apple.com amazon.com netflix.com facebook.com
instagram.com linkedin.com twitter.com bankofamerica.com chase.com wellsfargo.com citibank.com
hsbc.com barclays.co.uk santander.com ing.com bnpparibas.com societegenerale.com dropbox.com
adobe.com salesforce.com oracle.com ibm.com intel.com cisco.com dell.com hp.com lenovo.com
ebay.com alibaba.com aliexpress.com walmart.com target.com bestbuy.com ikea.com zalando.de otto.de
booking.com airbnb.com expedia.com uber.com lyft.com spotify.com steampowered.com epicgames.com
roblox.com twitch.tv discord.com github.com gitlab.com bitbucket.org atlassian.com slack.com
zoom.us webex.com docusign.com okta.com cloudflare.com coinbase.com binance.com kraken.com
blockchain.com metamask.io ledger.com trezor.io kucoin.com bitfinex.com gemini.com dhl.com
fedex.com ups.com usps.com royalmail.com laposte.fr deutschepost.de postnl.nl correos.es
poste.it yahoo.com outlook.com office.com live.com protonmail.com gmail.com icloud.com aol.com
yandex.ru mail.ru americanexpress.com mastercard.com visa.com discover.com capitalone.com
usbank.com pnc.com tdbank.com revolut.com n26.com"

sq() { sqlite3 -batch -bail -cmd ".load ./ctlite" "$db" "$@"; }

# Names of three or four syllables under eight suffixes, a www. and (every other certificate)
# a mail. name each; every 997th certificate is a look-alike of a brand instead, taken from
# typosquat_candidates. random() is seeded by nothing, so the names differ between runs, but
# their shape does not.
generate() {
    rm -f "$db" "$db"-*
    ./ctlite-worker init "$db" >/dev/null
    sq "PRAGMA synchronous=OFF;
    BEGIN;
    CREATE TEMP TABLE syl(i INTEGER PRIMARY KEY, s TEXT);
    INSERT INTO syl(s) VALUES ('ka'),('lo'),('mi'),('ne'),('pu'),('ra'),('si'),('to'),('va'),
      ('ze'),('bri'),('cor'),('dan'),('fel'),('gon'),('har'),('jus'),('kel'),('mor'),('nit'),
      ('an'),('ex'),('in'),('or'),('us');
    CREATE TEMP TABLE tld(i INTEGER PRIMARY KEY, s TEXT);
    INSERT INTO tld(s) VALUES ('com'),('net'),('org'),('de'),('co.uk'),('io'),('xyz'),('fr');
    CREATE TEMP TABLE fake(i INTEGER PRIMARY KEY, domain TEXT);
    INSERT INTO fake(domain) SELECT t.domain FROM (SELECT 'paypal.com' AS b UNION ALL
      SELECT 'netflix.com' UNION ALL SELECT 'coinbase.com') b, typosquat_candidates(b.b) t;
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $certs)
    INSERT INTO cert(id, serial, issuer_name, not_before, not_after, precert, logged_at_ms,
                     source)
    SELECT i, printf('%x', i), 'C=US, O=Example CA, CN=R' || (i % 4 + 10), 1700000000,
           1700000000 + 7776000, 0, 1700000000000 + i, 'bench' FROM n;
    CREATE TEMP TABLE reg AS SELECT id, CASE WHEN id % 997 = 0 THEN
        (SELECT domain FROM fake WHERE i = 1 + id % (SELECT count(*) FROM fake))
      ELSE (SELECT s FROM syl WHERE i = 1 + abs(random()) % 25) ||
           (SELECT s FROM syl WHERE i = 1 + abs(random()) % 25) ||
           (SELECT s FROM syl WHERE i = 1 + abs(random()) % 25) ||
           iif(id % 3 = 0, (SELECT s FROM syl WHERE i = 1 + abs(random()) % 25), '') || '.' ||
           (SELECT s FROM tld WHERE i = 1 + abs(random()) % 8) END AS r FROM cert;
    INSERT INTO cert_name(cert_id, name, registrable, wildcard)
      SELECT id, r, registrable_domain(r), 0 FROM reg
      UNION ALL SELECT id, 'www.' || r, registrable_domain(r), 0 FROM reg
      UNION ALL SELECT id, 'mail.' || r, registrable_domain(r), 0 FROM reg WHERE id % 2 = 0
      ON CONFLICT DO NOTHING;
    COMMIT;" >/dev/null
    for b in $brands; do echo "INSERT INTO watch(kind, value) VALUES ('brand', '$b');"; done |
        sq >/dev/null
    # The rules' first pass, so that each rule's mark is at the newest certificate.
    ./ctlite-worker rules "$db" >/dev/null
    sq "VACUUM" >/dev/null
    echo "$names $certs" >"$dir/generated"
}
[ "$(cat "$dir/generated" 2>/dev/null)" = "$names $certs" ] && [ -f "$db" ] &&
    [ "$dir/generated" -nt ctlite-worker ] || generate

# A batch: 400 certificates with 1,000 names, of them 2 look-alikes.
batch() {
    sq "BEGIN;
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400)
    INSERT INTO cert(serial, issuer_name, not_before, not_after, precert, logged_at_ms, source)
      SELECT 'b' || i || '-' || random(), 'C=US, O=Example CA, CN=R10', 1700000000,
             1707776000, 0, unixepoch() * 1000, 'batch' FROM n;
    INSERT INTO cert_name(cert_id, name, registrable, wildcard)
      SELECT id, x.n || id || '.com', registrable_domain(x.n || id || '.com'), 0
        FROM cert, (SELECT 'shop' AS n UNION ALL SELECT 'www.shop') x
       WHERE id > (SELECT max(id) - 400 FROM cert)
      UNION ALL
      SELECT id, 'mail.shop' || id || '.com', registrable_domain('shop' || id || '.com'), 0
        FROM cert WHERE id > (SELECT max(id) - 200 FROM cert)
      UNION ALL
      SELECT max(id), 'paypa1-login' || max(id) || '.com',
             registrable_domain('paypa1-login' || max(id) || '.com'), 0 FROM cert
      UNION ALL
      SELECT max(id) - 1, 'xn--80aa0cbo65f.com', 'xn--80aa0cbo65f.com', 0 FROM cert WHERE 1
      ON CONFLICT DO NOTHING;
    COMMIT;" >/dev/null
}

# seconds COMMAND...: wall-clock seconds the command takes.
seconds() {
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >/dev/null
    t1=$(date +%s.%N)
    echo "$t1 - $t0" | bc -l
}

best_batch= best_noop= best_full=
for _ in $(seq "$reps"); do
    batch
    t=$(seconds ./ctlite-worker rules "$db")
    [ -z "$best_batch" ] || [ "$(echo "$t < $best_batch" | bc)" = 1 ] && best_batch=$t
    t=$(seconds ./ctlite-worker rules "$db")
    [ -z "$best_noop" ] || [ "$(echo "$t < $best_noop" | bc)" = 1 ] && best_noop=$t
done
t=$(seconds ./ctlite-worker rules "$db" --full)
best_full=$t
stored=$(sq "SELECT count(*) FROM cert_name")
raised=$(sq "SELECT count(*) FROM alert_log WHERE rule = 'typosquat'")

echo "## rules: $stored names stored, 100 brands, best of $reps (full: 1 run)"
printf '%-44s %10s\n' "evaluation" "seconds"
printf '%-44s %10.3f\n' "ctlite-worker rules, nothing new" "$best_noop"
printf '%-44s %10.3f\n' "ctlite-worker rules, 1,000 new names" "$best_batch"
printf '%-44s %10.3f\n' "ctlite-worker rules --full, every name" "$best_full"
# The batch's own cost is what it adds to a pass with nothing new (process start, database
# open, every rule's empty queries): what the continuous worker pays per batch.
printf 'batch of 1,000 names: %.0f ms of evaluation, %.2fx the 100 ms target (%.0f ms with the process)\n' \
    "$(echo "($best_batch - $best_noop) * 1000" | bc -l)" \
    "$(echo "($best_batch - $best_noop) / 0.1" | bc -l)" "$(echo "$best_batch * 1000" | bc -l)"
printf 'full evaluation: %.1f us per stored name; typosquat alerts raised in all: %s\n' \
    "$(echo "$best_full * 1000000 / $stored" | bc -l)" "$raised"
