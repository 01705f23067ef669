-- rule_punycode_brand_sighting: a punycode name, seen without its certificate, that reads as
-- a watched brand only once decoded.
--
-- What it finds: a name from name_sighting (CertStream's lite and domains-only streams,
-- certificate.stream) with an xn-- label, whose folded form (domain_fold: xn-- labels
-- decoded, look-alike letters made plain), run together without dots and hyphens, holds a
-- watched brand's folded label of 4 characters or more, while the name as written does not
-- hold the brand's label: xn--pypal-4ve.com (pаypal.com, with a Cyrillic а),
-- login.xn--mcrosoft-thh.net (mіcrosoft, with a Ukrainian і), www.xn--exmple-4nf.com. The
-- brand's own, watched and allowlisted domains are left out.
--
-- Why it matters: such a name exists to be read, in an address bar or a mail, as the brand,
-- and little else explains a Cyrillic or Greek letter inside a brand's name. The sources of
-- name_sighting bring a certificate's names within seconds of its logging, so this is often
-- the earliest word of an attack. rule_typosquat compares
-- registrable domains and raises one alert per look-alike domain; this one looks at every
-- label of the name, and raises each host name once, with the folded form beside it
-- (domain_to_unicode, which the analyst may call, stops on an xn-- label that does not
-- decode, so a rule does not use it).
--
-- Install it with the sqlite3 shell; the worker evaluates it from its next pass (run, tail
-- or rules), over every stored row the first time:
--
--     sqlite3 ct.db < examples/rules/punycode_brand_sighting.sql
--
-- Cost: it reads the new sightings (the pass's "sighting_id > ?" reaches name_sighting's key)
-- and folds only the names that hold "xn--", once each, then compares them with each brand.
CREATE VIEW rule_punycode_brand_sighting AS
    SELECT 'punycode_brand_sighting' AS rule, 'medium' AS severity, s.name AS key,
           b.domain, NULL AS cert_id, s.id AS sighting_id,
           json_object('name', s.name, 'folded', s.folded, 'registrable', s.registrable,
                       'brand', b.domain, 'source', s.source, 'log', s.log,
                       'log_index', s.log_index) AS detail,
           coalesce(s.logged_at, s.first_seen) AS observed_at
      FROM (SELECT id, name, registrable, source, log, log_index, logged_at, first_seen,
                   folded, replace(replace(folded, '.', ''), '-', '') AS folded_strip,
                   replace(replace(name, '.', ''), '-', '') AS name_strip
              FROM (SELECT *, domain_fold(name) AS folded FROM name_sighting
                     WHERE instr(name, 'xn--') AND registrable IS NOT NULL
                       AND registrable NOT IN (SELECT domain FROM allowlist)
                       AND registrable NOT IN (SELECT value FROM watch WHERE kind = 'brand')
                       AND registrable NOT IN (SELECT registrable_domain(value) FROM watch
                                                WHERE kind = 'domain'))
             -- Grouped, so that each name is folded once rather than once per brand.
             GROUP BY id) s
           JOIN brand b
     WHERE b.len >= 4 AND instr(s.folded_strip, b.fold) AND NOT instr(s.name_strip, b.label);
