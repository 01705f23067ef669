-- rule_fresh_lookalike: a look-alike of a watched brand with a certificate issued in the last
-- three days and valid for 100 days or less.
--
-- What it finds: a certificate whose registrable domain looks like a watched brand's, issued
-- (not_before) less than three days ago and valid for at most 100 days: the certificates ACME
-- issuers give in seconds, for free, to whoever holds the name (Let's Encrypt, ZeroSSL and
-- Google Trust Services give 90 days or less). The look-alike tests are those of the rule
-- typosquat that need no subdomain, on the folded label: the brand's (homograph, TLD swap),
-- a typo within the brand's max_typo, the brand's label as a hyphen-separated word (4
-- characters or more) or inside the label (6 or more), or typosquat_candidates' exact
-- look-alike. The brand's own, watched and allowlisted domains are left out, as there.
--
-- Why it matters: a phishing domain is registered, given a free certificate and used within
-- hours, and dropped within days. rule_typosquat raises every look-alike as high, including
-- parked and defensive registrations that have had certificates for years; this one raises,
-- as critical, those that are being set up now, which are the ones to take down first. One
-- alert per look-alike registrable domain and brand, as for typosquat. A crt.sh sync of old
-- certificates, or a full pass over them, raises nothing, since they are not fresh.
--
-- Install it with the sqlite3 shell; the worker evaluates it from its next pass (run, tail
-- or rules), over every stored row the first time:
--
--     sqlite3 ct.db < examples/rules/fresh_lookalike.sql
--
-- Cost: it reads the names of the new certificates (cert_name, which the pass's "cert_id > ?"
-- reaches) and tests only those of fresh, short certificates, once per brand.
CREATE VIEW rule_fresh_lookalike AS
    SELECT 'fresh_lookalike' AS rule, 'critical' AS severity,
           n.registrable || ' ~ ' || n.brand AS key, n.brand AS domain, n.cert_id,
           json_object('name', n.name, 'registrable', n.registrable, 'brand', n.brand,
                       'issuer', n.issuer_name, 'not_before', n.not_before,
                       'validity_days', (n.not_after - n.not_before) / 86400) AS detail,
           n.logged_at AS observed_at
      FROM (SELECT n.cert_id, n.name, n.registrable, b.domain AS brand, b.fold, b.len,
                   b.dash_word, b.max_typo, c.issuer_name, c.not_before, c.not_after,
                   k.logged_at,
                   domain_fold(substr(n.registrable, 1, length(n.registrable) -
                                      length(public_suffix(n.registrable)) - 1)) AS flabel
              FROM cert_name n JOIN cert c ON c.id = n.cert_id
                   JOIN cert_key k ON k.cert_id = n.cert_id JOIN brand b
             WHERE c.not_before > unixepoch() - 3 * 86400
               AND c.not_after - c.not_before <= 100 * 86400
               AND n.registrable IS NOT NULL
               AND n.registrable NOT IN (SELECT domain FROM allowlist)
               AND n.registrable NOT IN (SELECT value FROM watch WHERE kind = 'brand')
               AND n.registrable NOT IN (SELECT registrable_domain(value) FROM watch
                                          WHERE kind = 'domain')) n
     WHERE n.flabel = n.fold
        OR (n.max_typo > 0 AND abs(length(n.flabel) - n.len) <= n.max_typo
            AND damerau_levenshtein(n.flabel, n.fold, n.max_typo) <= n.max_typo)
        OR (n.len >= 4 AND instr('-' || n.flabel || '-', n.dash_word))
        OR (n.len >= 6 AND instr(replace(n.flabel, '-', ''), n.fold))
        OR EXISTS (SELECT 1 FROM brand_candidate bc
                    WHERE bc.domain = n.registrable AND bc.brand = n.brand);
