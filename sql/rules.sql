-- ctlite detection rules.
--
-- A rule is a view named rule_<name> with these columns, in any order:
--   rule         the rule's name (by convention the view's name without 'rule_')
--   severity     'info', 'low', 'medium', 'high' or 'critical'
--   key          the finding's stable identity: the same finding gives the same key on every
--                evaluation, so it is raised and delivered once
--   domain       the watched domain or brand it concerns, or NULL
--   cert_id      the certificate that shows it (cert.id), or NULL
--   detail       a JSON object with whatever explains the finding
--   observed_at  when it happened, Unix seconds
-- and, for a rule that reads names without a certificate (name_sighting, or observed_name):
--   sighting_id  the sighting that shows it (name_sighting.id), or NULL
-- The view `alerts` is the UNION ALL of every rule view; ctlite-worker rebuilds it when a rule
-- view is added or dropped, and leaves out (with a message) a view whose columns are not
-- these. A rule may return the same key many times (once per certificate that shows it): the
-- alert is raised with the first.
--
-- How rules are evaluated (ctlite-worker rules, and the tail before it prunes): each rule view
-- on its own, from the rows with cert_id above the last certificate it evaluated and the rows
-- whose cert_id is NULL (and sighting_id, for a rule that has it, is above the last sighting
-- evaluated, or NULL too). SQLite pushes "cert_id > ?" down into the view, so a rule driven by
-- cert_name or cert costs what the new certificates hold, not what the database holds. Every
-- rules_recheck_interval seconds the rows of the watched domains' certificates are evaluated
-- again, which is when time-driven findings (expiry) appear; when the watch list, allowlist
-- or authorized CAs change, and for a new rule, every row is. rule_state shows where each
-- rule stands, and why its last pass failed if it did.
--
-- This file is applied like sql/schema.sql: each "-- version N" block once, in the order of
-- N across both files. A later version that changes a built-in rule drops and recreates it,
-- so to change one for good, drop it and create your own under another name.

-- version 8
INSERT INTO setting(name, value, description) VALUES
    ('short_lived', 86400,
     'seconds: a certificate of a watched domain valid for less is short-lived'),
    ('expiring_days', '30 14 7',
     'days before expiry at which a watched name without a successor certificate is ' ||
     'reported, largest first; the smallest is high severity, the others medium'),
    ('rules_recheck_interval', 3600,
     'seconds between evaluations of the watched domains'' certificates again, which ' ||
     'is when expiry is found')
    ON CONFLICT DO NOTHING;

-- The identity of a certificate for alerts: a precertificate and its certificate share
-- issuer and serial, so they raise one alert.
CREATE VIEW cert_key AS
    SELECT id AS cert_id, issuer_name || ' #' || serial AS key,
           coalesce(logged_at_ms / 1000, first_seen) AS logged_at
      FROM cert;

-- Each watched brand, split once: its label (the registrable domain without the public
-- suffix), that label folded (fold, len characters long, also between hyphens and between
-- dots for word searches), and the typo distance its length allows: 1 up to 8 characters, 2
-- up to 14, 3 beyond; labels under 5 characters get no typo test (one edit turns them into
-- too many real names). The GROUP BY here and in lookalike_name keeps SQLite from flattening
-- these views into the rule's join, so that their expressions run once per brand and once
-- per name rather than once per pair; a filter on cert_id still reaches cert_name.
CREATE VIEW brand AS
    SELECT domain, label, length(label) AS label_len, fold, length(fold) AS len,
           '-' || fold || '-' AS dash_word,
           '.' || fold || '.' AS dot_word,
           CASE WHEN length(label) < 5 THEN 0 WHEN length(label) <= 8 THEN 1
                WHEN length(label) <= 14 THEN 2 ELSE 3 END AS max_typo
      FROM (SELECT value AS domain, label, domain_fold(label) AS fold
              FROM (SELECT value, substr(value, 1, length(value) -
                                         length(public_suffix(value)) - 1) AS label
                      FROM watch WHERE kind = 'brand'))
     GROUP BY domain;

-- Certificate names as the look-alike rule compares them, for names whose registrable domain
-- is nobody's own: not a brand, not a watched domain's, not allowlisted.
--   label       the registrable domain without its suffix; flabel, folded
--   fsub        the labels left of the registrable domain, without '*.', folded ('' for none)
--   strip       fsub and flabel run together, without dots and hyphens (pay-pal, pay.pal)
--   label_words flabel between hyphens, label_strip without them; sub_words fsub with every
--               hyphen a dot, between dots, sub_strip without dots and hyphens
CREATE VIEW lookalike_name AS
    SELECT cert_id, name, registrable, label, length(label) AS label_len, flabel,
           length(flabel) AS flabel_len, sub_strip || label_strip AS strip,
           length(sub_strip || label_strip) AS strip_len, '-' || flabel || '-' AS label_words,
           label_strip, '.' || replace(fsub, '-', '.') || '.' AS sub_words, sub_strip,
           length(sub_strip) AS sub_len
      FROM (SELECT *, replace(flabel, '-', '') AS label_strip,
                   replace(replace(fsub, '.', ''), '-', '') AS sub_strip
              FROM (SELECT n.cert_id, n.name, n.registrable, n.label,
                           domain_fold(n.label) AS flabel,
                           domain_fold(substr(n.name, 1 + 2 * n.wildcard, length(n.name) -
                                              2 * n.wildcard - length(n.registrable) - 1))
                               AS fsub
                      FROM (SELECT cert_id, name, registrable, wildcard,
                                   substr(registrable, 1, length(registrable) -
                                          length(public_suffix(registrable)) - 1) AS label
                              FROM cert_name
                             WHERE registrable IS NOT NULL
                               -- Nothing to compare with: no name is worth folding.
                               AND EXISTS (SELECT 1 FROM watch WHERE kind = 'brand')
                               AND registrable NOT IN (SELECT domain FROM allowlist)
                               AND registrable NOT IN (SELECT value FROM watch
                                                        WHERE kind = 'brand')
                               AND registrable NOT IN (SELECT registrable_domain(value)
                                                         FROM watch WHERE kind = 'domain')) n))
     GROUP BY cert_id, name;

-- A certificate of a watched domain from an issuer that is not among the domain's authorized
-- CAs, while it is valid. A domain with no authorized CA yet is skipped: run
-- `ctlite-worker baseline` (or `ca add`) first, or every certificate would be critical.
CREATE VIEW rule_unauthorized_ca AS
    SELECT 'unauthorized_ca' AS rule, 'critical' AS severity, k.key, w.domain, w.cert_id,
           json_object('name', w.name, 'issuer', c.issuer_name, 'serial', c.serial,
                       'not_before', c.not_before, 'not_after', c.not_after) AS detail,
           k.logged_at AS observed_at
      FROM watched_name w JOIN cert c ON c.id = w.cert_id JOIN cert_key k ON k.cert_id = c.id
     WHERE c.not_after > unixepoch()
       AND EXISTS (SELECT 1 FROM authorized_ca a WHERE a.domain = w.domain)
       AND NOT EXISTS (SELECT 1 FROM authorized_ca a
                        WHERE a.domain = w.domain AND a.issuer_name = c.issuer_name);

-- A name under a watched domain that no certificate logged before the watch began had.
CREATE VIEW rule_new_subdomain AS
    SELECT 'new_subdomain' AS rule, 'medium' AS severity, w.name AS key, w.domain, w.cert_id,
           json_object('name', w.name, 'issuer', c.issuer_name, 'serial', c.serial) AS detail,
           k.logged_at AS observed_at
      FROM watched_name w JOIN cert c ON c.id = w.cert_id JOIN cert_key k ON k.cert_id = c.id
     WHERE w.name <> w.domain AND k.logged_at >= w.watched_since
       AND NOT EXISTS (SELECT 1 FROM cert_name o JOIN cert_key ok ON ok.cert_id = o.cert_id
                        WHERE o.registrable = w.registrable AND o.name = w.name
                          AND ok.logged_at < w.watched_since);

-- A wildcard certificate for a watched domain, logged since the watch began.
CREATE VIEW rule_wildcard_certificate AS
    SELECT 'wildcard_certificate' AS rule, 'high' AS severity, k.key, w.domain, w.cert_id,
           json_object('name', w.name, 'issuer', c.issuer_name, 'serial', c.serial,
                       'not_after', c.not_after) AS detail,
           k.logged_at AS observed_at
      FROM watched_name w JOIN cert c ON c.id = w.cert_id JOIN cert_key k ON k.cert_id = c.id
     WHERE w.wildcard AND k.logged_at >= w.watched_since;

-- A certificate of a watched domain, logged since the watch began, valid for less than the
-- short_lived setting.
CREATE VIEW rule_short_lived_certificate AS
    SELECT 'short_lived_certificate' AS rule, 'high' AS severity, k.key, w.domain, w.cert_id,
           json_object('name', w.name, 'issuer', c.issuer_name, 'serial', c.serial,
                       'validity_seconds', c.not_after - c.not_before) AS detail,
           k.logged_at AS observed_at
      FROM watched_name w JOIN cert c ON c.id = w.cert_id JOIN cert_key k ON k.cert_id = c.id
     WHERE k.logged_at >= w.watched_since
       AND c.not_after - c.not_before <
           (SELECT coalesce(max(value), 86400) FROM setting WHERE name = 'short_lived');

-- A watched name whose latest certificate expires within one of the expiring_days: reported
-- once per threshold crossed (the smallest crossed), so 30, 14 and 7 days give three alerts.
CREATE VIEW rule_certificate_expiring AS
    WITH threshold(days) AS (
        SELECT CAST(j.value AS INTEGER) FROM setting s,
               json_each('[' || replace(trim(s.value), ' ', ',') || ']') j
         WHERE s.name = 'expiring_days'),
    latest AS (
        SELECT w.name, w.domain, c.id AS cert_id, max(c.not_after) AS not_after
          FROM watched_name w JOIN cert c ON c.id = w.cert_id
         WHERE c.not_before <= unixepoch()
         GROUP BY w.name)
    SELECT 'certificate_expiring' AS rule,
           CASE WHEN t.days = (SELECT min(days) FROM threshold) THEN 'high' ELSE 'medium' END
               AS severity,
           l.name || ' ' || t.days || 'd ' || date(l.not_after, 'unixepoch') AS key, l.domain,
           l.cert_id,
           json_object('name', l.name, 'not_after', l.not_after, 'days_left',
                       (l.not_after - unixepoch()) / 86400, 'threshold_days', t.days) AS detail,
           l.not_after - t.days * 86400 AS observed_at
      FROM latest l JOIN threshold t
        ON t.days = (SELECT min(days) FROM threshold
                      WHERE l.not_after - unixepoch() <= days * 86400)
     WHERE l.not_after > unixepoch();

-- A name whose registrable domain looks like a watched brand's, by the first technique that
-- shows it (all comparisons on folded text):
--   homograph         the labels differ but fold alike (Cyrillic letters, digits, rn for m)
--   tld_swap          the same label under another suffix
--   typo              a damerau_levenshtein distance within the brand's max_typo, between the
--                     labels as they are, folded, or as strip (pay-pal, pay.pal)
--   combosquatting    the brand's label is a hyphen-separated word of the label (paypal-login;
--                     4 characters or more), or part of it (paypalsecure; 6 or more)
--   target_embedding  the brand's label is a word of the labels left of the registrable
--                     domain (paypal.com.example.net, paypal.secure-login.com; 5 or more), or
--                     part of them (6 or more)
-- or else, by the second part of the view:
--   candidate         typosquat_candidates(brand) makes exactly this registrable domain
--                     (kept in brand_candidate), with the fuzzer that makes it
-- The key is the look-alike registrable domain and the brand: one alert each, whatever the
-- names and certificates. distance is the smallest of the three typo distances.
CREATE VIEW rule_typosquat AS
    SELECT 'typosquat' AS rule, 'high' AS severity, registrable || ' ~ ' || brand AS key,
           brand AS domain, cert_id,
           json_object('name', name, 'registrable', registrable, 'brand', brand,
                       'technique', technique, 'distance', distance) AS detail,
           (SELECT logged_at FROM cert_key k WHERE k.cert_id = h.cert_id) AS observed_at
      FROM (SELECT n.cert_id, n.name, n.registrable, b.domain AS brand,
                   CASE WHEN n.flabel = b.fold AND n.label <> b.label THEN 'homograph'
                        WHEN n.label = b.label THEN 'tld_swap'
                        -- The length tests spare most pairs a function call.
                        WHEN b.max_typo > 0 AND (
                             (abs(n.label_len - b.label_len) <= b.max_typo AND
                              damerau_levenshtein(n.label, b.label, b.max_typo) <= b.max_typo)
                          OR (abs(n.flabel_len - b.len) <= b.max_typo AND
                              damerau_levenshtein(n.flabel, b.fold, b.max_typo) <= b.max_typo)
                          OR (abs(n.strip_len - b.len) <= b.max_typo AND
                              damerau_levenshtein(n.strip, b.fold, b.max_typo) <= b.max_typo))
                            THEN 'typo'
                        WHEN n.flabel_len >= b.len AND (
                             (b.len >= 4 AND instr(n.label_words, b.dash_word))
                          OR (b.len >= 6 AND instr(n.label_strip, b.fold))) THEN 'combosquatting'
                        WHEN n.sub_len >= b.len AND (
                             (b.len >= 5 AND instr(n.sub_words, b.dot_word))
                          OR (b.len >= 6 AND instr(n.sub_strip, b.fold))) THEN 'target_embedding'
                   END AS technique,
                   min(damerau_levenshtein(n.label, b.label),
                       damerau_levenshtein(n.flabel, b.fold),
                       damerau_levenshtein(n.strip, b.fold)) AS distance
              FROM lookalike_name n JOIN brand b) h
     WHERE technique IS NOT NULL
    UNION ALL
    SELECT 'typosquat', 'high', n.registrable || ' ~ ' || c.brand, c.brand, n.cert_id,
           json_object('name', n.name, 'registrable', n.registrable, 'brand', c.brand,
                       'technique', 'candidate', 'fuzzer', c.fuzzer),
           (SELECT logged_at FROM cert_key k WHERE k.cert_id = n.cert_id)
      FROM cert_name n JOIN brand_candidate c ON c.domain = n.registrable
     WHERE n.registrable NOT IN (SELECT domain FROM allowlist)
       AND n.registrable NOT IN (SELECT registrable_domain(value) FROM watch
                                  WHERE kind = 'domain');

-- A name holding at least `threshold` of a watched keyword set's words (CertStreamMonitor's
-- DetectionThreshold).
CREATE VIEW keyword AS
    WITH RECURSIVE split(watch_id, threshold, word, rest) AS (
        SELECT id, threshold, NULL, value || ' ' FROM watch WHERE kind = 'keywords'
        UNION ALL
        SELECT watch_id, threshold, substr(rest, 1, instr(rest, ' ') - 1),
               substr(rest, instr(rest, ' ') + 1)
          FROM split WHERE rest <> '')
    SELECT watch_id, threshold, word FROM split WHERE word <> '';

CREATE VIEW rule_keyword AS
    SELECT 'keyword' AS rule, 'medium' AS severity, name AS key, NULL AS domain, cert_id,
           json_object('name', name, 'keywords', json(words), 'threshold', threshold) AS detail,
           (SELECT logged_at FROM cert_key k WHERE k.cert_id = m.cert_id) AS observed_at
      FROM (SELECT n.cert_id, n.name, k.watch_id, k.threshold, json_group_array(k.word) AS words
              FROM cert_name n JOIN keyword k ON instr(n.name, k.word)
             GROUP BY n.cert_id, n.name, k.watch_id
            HAVING count(*) >= k.threshold) m;

-- A name matching a watched PCRE pattern.
CREATE VIEW rule_regex AS
    SELECT 'regex' AS rule, 'medium' AS severity, n.name AS key, NULL AS domain, n.cert_id,
           json_object('name', n.name, 'pattern', w.value) AS detail,
           (SELECT logged_at FROM cert_key k WHERE k.cert_id = n.cert_id) AS observed_at
      FROM cert_name n JOIN watch w ON w.kind = 'regex' AND n.name REGEXP w.value;

-- Until the worker first rebuilds it: the built-in rules, whose columns come in one order.
CREATE VIEW alerts AS
              SELECT * FROM rule_certificate_expiring
    UNION ALL SELECT * FROM rule_keyword
    UNION ALL SELECT * FROM rule_log_stopped
    UNION ALL SELECT * FROM rule_new_subdomain
    UNION ALL SELECT * FROM rule_regex
    UNION ALL SELECT * FROM rule_short_lived_certificate
    UNION ALL SELECT * FROM rule_typosquat
    UNION ALL SELECT * FROM rule_unauthorized_ca
    UNION ALL SELECT * FROM rule_wildcard_certificate;

-- version 10
-- A domain of a rule hit that RDAP says was registered less than established_days ago
-- (ctlite-worker enrich looks them up): a look-alike registered last week is a live threat.
CREATE VIEW rule_new_domain AS
    SELECT 'new_domain' AS rule, 'high' AS severity, a.name AS key, NULL AS domain,
           NULL AS cert_id,
           json_object('name', a.name, 'registered', date(a.registered_at, 'unixepoch'),
                       'age_days', a.age_days, 'registrar', d.registrar) AS detail,
           d.checked_at AS observed_at
      FROM domain_age a JOIN domain d ON d.name = a.name
     WHERE a.category = 'NEW' AND d.first_source = 'alert';

-- version 12
-- Two kinds of new domain:
--  - young (high): a domain a rule hit, registered less than established_days ago by RDAP
--    (ctlite-worker enrich looks them up): a look-alike registered last week is a live threat;
--  - first contact (medium): a domain first met through a query (ctlite-worker serve: a SIEM
--    asking about the traffic it sees) that matches a watched pattern: a keyword set, a regex
--    or a brand's candidate look-alikes. Those met in the last 7 days are looked at.
DROP VIEW rule_new_domain;
CREATE VIEW rule_new_domain AS
    SELECT 'new_domain' AS rule, 'high' AS severity, a.name AS key, NULL AS domain,
           NULL AS cert_id,
           json_object('name', a.name, 'registrable', a.name, 'reason', 'young',
                       'registered', date(a.registered_at, 'unixepoch'), 'age_days', a.age_days,
                       'registrar', d.registrar) AS detail,
           d.checked_at AS observed_at
      FROM domain_age a JOIN domain d ON d.name = a.name
     WHERE a.category = 'NEW' AND d.first_hit IS NOT NULL
    UNION ALL
    SELECT 'new_domain', 'medium', d.name || ' first contact', NULL, NULL,
           json_object('name', d.name, 'registrable', d.name, 'reason', 'first_contact',
                       'matched', m.matched),
           d.first_seen
      FROM domain d JOIN (
               SELECT d.name, 'keywords ' || w.value AS matched
                 FROM domain d JOIN keyword k JOIN watch w ON w.id = k.watch_id
                WHERE d.first_source = 'query' AND d.first_seen > unixepoch() - 7 * 86400
                  AND instr(d.name, k.word)
                GROUP BY d.name, k.watch_id HAVING count(*) >= k.threshold
               UNION ALL
               SELECT d.name, 'regex ' || w.value
                 FROM domain d JOIN watch w ON w.kind = 'regex' AND d.name REGEXP w.value
                WHERE d.first_source = 'query' AND d.first_seen > unixepoch() - 7 * 86400
               UNION ALL
               SELECT d.name, 'brand ' || c.brand
                 FROM domain d JOIN brand_candidate c ON c.domain = d.name
                WHERE d.first_source = 'query' AND d.first_seen > unixepoch() - 7 * 86400
           ) m ON m.name = d.name
     GROUP BY d.name;

-- version 14
-- A look-alike host a rule hit that serves a site: ctlite-worker scan found it answering
-- HTTPS or HTTP (any status, as a phishing kit's 503 is still a site).
CREATE VIEW rule_site_up AS
    SELECT 'site_up' AS rule, 'high' AS severity, name AS key, NULL AS domain, NULL AS cert_id,
           json_object('name', name, 'registrable', registrable_domain(name),
                       'https_status', https_status, 'http_status', http_status,
                       'title', title, 'address', address, 'asn', asn,
                       'asn_description', asn_description, 'cert_sha256', cert_sha256)
               AS detail,
           up_since AS observed_at
      FROM host WHERE kind = 'hit' AND state = 'up';

-- version 18
-- The look-alike rules (typosquat, keyword, regex) also read the names that come without a
-- certificate (name_sighting), through observed_name; their alerts carry the sighting's id.
-- observed_name is a UNION ALL, and SQLite pushes the pass's filter ("cert_id > ?") into it
-- through a join or a DISTINCT, but not through an aggregate: so lookalike_name is made
-- DISTINCT rather than grouped (either keeps it from being flattened into the join with brand,
-- and its rows are distinct anyway), and a keyword set's words are counted in subqueries.
DROP VIEW rule_typosquat;
DROP VIEW rule_keyword;
DROP VIEW rule_regex;
DROP VIEW lookalike_name;
CREATE VIEW lookalike_name AS
    SELECT DISTINCT cert_id, sighting_id, name, registrable, label, length(label) AS label_len,
           flabel,
           length(flabel) AS flabel_len, sub_strip || label_strip AS strip,
           length(sub_strip || label_strip) AS strip_len, '-' || flabel || '-' AS label_words,
           label_strip, '.' || replace(fsub, '-', '.') || '.' AS sub_words, sub_strip,
           length(sub_strip) AS sub_len
      FROM (SELECT *, replace(flabel, '-', '') AS label_strip,
                   replace(replace(fsub, '.', ''), '-', '') AS sub_strip
              FROM (SELECT n.cert_id, n.sighting_id, n.name, n.registrable, n.label,
                           domain_fold(n.label) AS flabel,
                           domain_fold(substr(n.name, 1 + 2 * n.wildcard, length(n.name) -
                                              2 * n.wildcard - length(n.registrable) - 1))
                               AS fsub
                      FROM (SELECT cert_id, sighting_id, name, registrable, wildcard,
                                   substr(registrable, 1, length(registrable) -
                                          length(public_suffix(registrable)) - 1) AS label
                              FROM observed_name
                             WHERE registrable IS NOT NULL
                               -- Nothing to compare with: no name is worth folding.
                               AND EXISTS (SELECT 1 FROM watch WHERE kind = 'brand')
                               AND registrable NOT IN (SELECT domain FROM allowlist)
                               AND registrable NOT IN (SELECT value FROM watch
                                                        WHERE kind = 'brand')
                               AND registrable NOT IN (SELECT registrable_domain(value)
                                                         FROM watch WHERE kind = 'domain')) n));

CREATE VIEW rule_typosquat AS
    SELECT 'typosquat' AS rule, 'high' AS severity, registrable || ' ~ ' || brand AS key,
           brand AS domain, cert_id, sighting_id,
           json_object('name', name, 'registrable', registrable, 'brand', brand,
                       'technique', technique, 'distance', distance) AS detail,
           coalesce((SELECT logged_at FROM cert_key k WHERE k.cert_id = h.cert_id),
                    (SELECT coalesce(logged_at, first_seen) FROM name_sighting s
                      WHERE s.id = h.sighting_id)) AS observed_at
      FROM (SELECT n.cert_id, n.sighting_id, n.name, n.registrable, b.domain AS brand,
                   CASE WHEN n.flabel = b.fold AND n.label <> b.label THEN 'homograph'
                        WHEN n.label = b.label THEN 'tld_swap'
                        -- The length tests spare most pairs a function call.
                        WHEN b.max_typo > 0 AND (
                             (abs(n.label_len - b.label_len) <= b.max_typo AND
                              damerau_levenshtein(n.label, b.label, b.max_typo) <= b.max_typo)
                          OR (abs(n.flabel_len - b.len) <= b.max_typo AND
                              damerau_levenshtein(n.flabel, b.fold, b.max_typo) <= b.max_typo)
                          OR (abs(n.strip_len - b.len) <= b.max_typo AND
                              damerau_levenshtein(n.strip, b.fold, b.max_typo) <= b.max_typo))
                            THEN 'typo'
                        WHEN n.flabel_len >= b.len AND (
                             (b.len >= 4 AND instr(n.label_words, b.dash_word))
                          OR (b.len >= 6 AND instr(n.label_strip, b.fold))) THEN 'combosquatting'
                        WHEN n.sub_len >= b.len AND (
                             (b.len >= 5 AND instr(n.sub_words, b.dot_word))
                          OR (b.len >= 6 AND instr(n.sub_strip, b.fold))) THEN 'target_embedding'
                   END AS technique,
                   min(damerau_levenshtein(n.label, b.label),
                       damerau_levenshtein(n.flabel, b.fold),
                       damerau_levenshtein(n.strip, b.fold)) AS distance
              FROM lookalike_name n JOIN brand b) h
     WHERE technique IS NOT NULL
    UNION ALL
    SELECT 'typosquat', 'high', n.registrable || ' ~ ' || c.brand, c.brand, n.cert_id,
           n.sighting_id,
           json_object('name', n.name, 'registrable', n.registrable, 'brand', c.brand,
                       'technique', 'candidate', 'fuzzer', c.fuzzer),
           coalesce((SELECT logged_at FROM cert_key k WHERE k.cert_id = n.cert_id),
                    (SELECT coalesce(logged_at, first_seen) FROM name_sighting s
                      WHERE s.id = n.sighting_id))
      FROM observed_name n JOIN brand_candidate c ON c.domain = n.registrable
     WHERE n.registrable NOT IN (SELECT domain FROM allowlist)
       AND n.registrable NOT IN (SELECT registrable_domain(value) FROM watch
                                  WHERE kind = 'domain');

CREATE VIEW rule_keyword AS
    SELECT 'keyword' AS rule, 'medium' AS severity, name AS key, NULL AS domain, cert_id,
           sighting_id,
           json_object('name', name, 'keywords', json(words), 'threshold', threshold) AS detail,
           coalesce((SELECT logged_at FROM cert_key k WHERE k.cert_id = m.cert_id),
                    (SELECT coalesce(logged_at, first_seen) FROM name_sighting s
                      WHERE s.id = m.sighting_id)) AS observed_at
      FROM (SELECT n.cert_id, n.sighting_id, n.name, w.threshold,
                   (SELECT json_group_array(word) FROM keyword k
                     WHERE k.watch_id = w.id AND instr(n.name, k.word)) AS words
              FROM observed_name n JOIN watch w ON w.kind = 'keywords') m
     WHERE json_array_length(words) >= threshold;

CREATE VIEW rule_regex AS
    SELECT 'regex' AS rule, 'medium' AS severity, n.name AS key, NULL AS domain, n.cert_id,
           n.sighting_id,
           json_object('name', n.name, 'pattern', w.value) AS detail,
           coalesce((SELECT logged_at FROM cert_key k WHERE k.cert_id = n.cert_id),
                    (SELECT coalesce(logged_at, first_seen) FROM name_sighting s
                      WHERE s.id = n.sighting_id)) AS observed_at
      FROM observed_name n JOIN watch w ON w.kind = 'regex' AND n.name REGEXP w.value;

-- version 20
-- new_subdomain also reads the names seen without their certificate: a name under a watched
-- domain that the domains-only stream or certificate.stream brings first is as new. The key is
-- the name, as for certificates, so whichever source brings it first raises the one alert;
-- "before the watch began" looks at both sources.
DROP VIEW rule_new_subdomain;
CREATE VIEW rule_new_subdomain AS
    SELECT 'new_subdomain' AS rule, 'medium' AS severity, w.name AS key, w.domain, w.cert_id,
           NULL AS sighting_id,
           json_object('name', w.name, 'issuer', c.issuer_name, 'serial', c.serial) AS detail,
           k.logged_at AS observed_at
      FROM watched_name w JOIN cert c ON c.id = w.cert_id JOIN cert_key k ON k.cert_id = c.id
     WHERE w.name <> w.domain AND k.logged_at >= w.watched_since
       AND NOT EXISTS (SELECT 1 FROM cert_name o JOIN cert_key ok ON ok.cert_id = o.cert_id
                        WHERE o.registrable = w.registrable AND o.name = w.name
                          AND ok.logged_at < w.watched_since)
       AND NOT EXISTS (SELECT 1 FROM name_sighting o
                        WHERE o.registrable = w.registrable AND o.name = w.name
                          AND coalesce(o.logged_at, o.first_seen) < w.watched_since)
    UNION ALL
    SELECT 'new_subdomain', 'medium', s.name, w.value, NULL, s.id,
           json_object('name', s.name, 'source', s.source, 'log', s.log, 'log_index',
                       s.log_index),
           coalesce(s.logged_at, s.first_seen)
      FROM watch w JOIN name_sighting s ON s.registrable = registrable_domain(w.value)
     WHERE w.kind = 'domain' AND s.name <> w.value
       AND (w.scope = 'subtree' AND substr(s.name, -length(w.value) - 1) = '.' || w.value
            OR s.name = '*.' || substr(w.value, instr(w.value, '.') + 1))
       AND coalesce(s.logged_at, s.first_seen) >= w.created_at
       AND NOT EXISTS (SELECT 1 FROM cert_name o JOIN cert_key ok ON ok.cert_id = o.cert_id
                        WHERE o.registrable = s.registrable AND o.name = s.name
                          AND ok.logged_at < w.created_at)
       AND NOT EXISTS (SELECT 1 FROM name_sighting o
                        WHERE o.registrable = s.registrable AND o.name = s.name
                          AND coalesce(o.logged_at, o.first_seen) < w.created_at);

-- version 22
-- The view alerts of a database that no rules pass has rebuilt yet: every built-in rule, its
-- columns named, since those that read sightings have one more (sighting_id) than alerts.
DROP VIEW alerts;
CREATE VIEW alerts AS
              SELECT rule, severity, key, domain, cert_id, detail, observed_at
                FROM rule_certificate_expiring
    UNION ALL SELECT rule, severity, key, domain, cert_id, detail, observed_at
                FROM rule_keyword
    UNION ALL SELECT rule, severity, key, domain, cert_id, detail, observed_at
                FROM rule_log_stopped
    UNION ALL SELECT rule, severity, key, domain, cert_id, detail, observed_at
                FROM rule_new_domain
    UNION ALL SELECT rule, severity, key, domain, cert_id, detail, observed_at
                FROM rule_new_subdomain
    UNION ALL SELECT rule, severity, key, domain, cert_id, detail, observed_at
                FROM rule_regex
    UNION ALL SELECT rule, severity, key, domain, cert_id, detail, observed_at
                FROM rule_short_lived_certificate
    UNION ALL SELECT rule, severity, key, domain, cert_id, detail, observed_at
                FROM rule_site_up
    UNION ALL SELECT rule, severity, key, domain, cert_id, detail, observed_at
                FROM rule_typosquat
    UNION ALL SELECT rule, severity, key, domain, cert_id, detail, observed_at
                FROM rule_unauthorized_ca
    UNION ALL SELECT rule, severity, key, domain, cert_id, detail, observed_at
                FROM rule_wildcard_certificate;

-- A certificate whose issuer is not known (a source that did not say) still has a key: a NULL
-- one made the rules that raise by it fail on every pass.
DROP VIEW cert_key;
CREATE VIEW cert_key AS
    SELECT id AS cert_id, coalesce(issuer_name, '(issuer unknown)') || ' #' || serial AS key,
           coalesce(logged_at_ms / 1000, first_seen) AS logged_at
      FROM cert;
