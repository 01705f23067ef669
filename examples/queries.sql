-- Ten questions an analyst asks of a ctlite database, each a SELECT under a comment that says
-- what it answers. Run them in the sqlite3 shell with the extension loaded, one at a time or
-- all at once:
--
--     sqlite3 -box -cmd '.load ./ctlite' ct.db < examples/queries.sql
--
-- They read what the worker stores and never change it, so they can run while it writes.
-- Certificates that match no watched item are pruned after the retention setting (a day by
-- default), so counts of look-alike certificates cover that window, and the certificates of
-- alerts, which are kept.

-- 1. Certificates of the watched domains that expire within 30 days, soonest first, each with
--    whether a certificate for the same name expires later (renewed: nothing to do).
SELECT DISTINCT w.name, c.issuer_name, c.serial, date(c.not_after, 'unixepoch') AS expires,
       (c.not_after - unixepoch()) / 86400 AS days_left,
       EXISTS (SELECT 1 FROM cert_name o JOIN cert oc ON oc.id = o.cert_id
                WHERE o.registrable = w.registrable AND o.name = w.name
                  AND oc.not_after > c.not_after) AS renewed
  FROM watched_name w JOIN cert c ON c.id = w.cert_id
 WHERE c.not_after BETWEEN unixepoch() AND unixepoch('now', '+30 days')
 ORDER BY c.not_after, w.name;

-- 2. The issuers of each watched domain: how many certificates each gave, the first and last
--    issued, whether it is an authorized CA, and when its own certificate expires when the
--    database holds it (issuer_cert, read with x509_subject and x509_not_after).
SELECT w.domain, c.issuer_name, count(DISTINCT c.serial) AS certificates,
       date(min(c.not_before), 'unixepoch') AS first_issued,
       date(max(c.not_before), 'unixepoch') AS last_issued,
       EXISTS (SELECT 1 FROM authorized_ca a
                WHERE a.domain = w.domain AND a.issuer_name = c.issuer_name) AS authorized,
       (SELECT date(max(x509_not_after(i.der)), 'unixepoch') FROM issuer_cert i
         WHERE x509_subject(i.der) = c.issuer_name) AS issuer_expires
  FROM watched_name w JOIN cert c ON c.id = w.cert_id
 GROUP BY w.domain, c.issuer_name
 ORDER BY w.domain, certificates DESC;

-- 3. Names under the watched domains first seen in the last seven days, newest first, with
--    the certificate that brought each.
SELECT s.name, w.value AS watched, datetime(s.first_seen, 'unixepoch') AS first_seen,
       c.issuer_name, c.source
  FROM seen_name s
       JOIN watch w ON w.kind = 'domain' AND w.scope = 'subtree'
                   AND substr(s.name, -length(w.value) - 1) = '.' || w.value
       LEFT JOIN cert c ON c.id = s.first_cert_id
 WHERE s.first_seen >= unixepoch('now', '-7 days')
 ORDER BY s.first_seen DESC, s.name;

-- 4. The look-alikes of the watched brands, by technique, with their age by RDAP (domain_age,
--    after ctlite-worker enrich) and whether a site answers (host, after ctlite-worker scan),
--    youngest first. domain_to_unicode shows how a reader sees the name; it stops the query on
--    an xn-- label that does not decode, which domain_fold never does.
SELECT json_extract(a.detail, '$.technique') AS technique, a.domain AS brand,
       json_extract(a.detail, '$.registrable') AS lookalike,
       domain_to_unicode(json_extract(a.detail, '$.registrable')) AS shown_as,
       d.category, d.age_days, h.state AS site, h.https_status, h.title,
       datetime(a.first_seen, 'unixepoch') AS raised
  FROM alert_log a
       LEFT JOIN domain_age d ON d.name = json_extract(a.detail, '$.registrable')
       LEFT JOIN host h ON h.name = json_extract(a.detail, '$.name')
 WHERE a.rule = 'typosquat'
 ORDER BY technique, d.age_days IS NULL, d.age_days, lookalike;

-- 5. Alerts raised per day and rule over the last two weeks, with how many are acknowledged:
--    a rule whose count jumps needs a look, or a narrower watch list.
SELECT date(first_seen, 'unixepoch') AS day, rule, severity, count(*) AS alerts,
       sum(acknowledged_at IS NOT NULL) AS acknowledged
  FROM alert_log
 WHERE first_seen >= unixepoch('now', 'start of day', '-13 days')
 GROUP BY day, rule, severity
 ORDER BY day DESC, alerts DESC, rule;

-- 6. The noisiest look-alike registrable domains: certificates, names and sightings stored for
--    each domain a look-alike rule raised, most first. A domain with many names or
--    certificates is infrastructure in use, not a parked registration.
SELECT l.registrable, l.brand,
       (SELECT count(DISTINCT n.cert_id) FROM cert_name n
         WHERE n.registrable = l.registrable) AS certificates,
       (SELECT count(DISTINCT n.name) FROM cert_name n
         WHERE n.registrable = l.registrable) AS names,
       (SELECT count(*) FROM name_sighting s WHERE s.registrable = l.registrable) AS sightings
  FROM (SELECT DISTINCT json_extract(detail, '$.registrable') AS registrable,
               domain AS brand
          FROM alert_log WHERE rule IN ('typosquat', 'fresh_lookalike')) l
 ORDER BY certificates + sightings DESC, names DESC, l.registrable
 LIMIT 20;

-- 7. Names seen without their certificate in the last day (CertStream's lite stream,
--    certificate.stream) that hold a watched brand's label once folded (so pаypal and paypa1
--    count), other than the brands' own and allowlisted domains.
SELECT s.name, b.domain AS brand, domain_fold(s.name) AS folded, s.source,
       datetime(coalesce(s.logged_at, s.first_seen), 'unixepoch') AS logged
  FROM name_sighting s JOIN brand b
 WHERE s.first_seen >= unixepoch('now', '-1 day')
   AND s.registrable NOT IN (SELECT value FROM watch WHERE kind = 'brand')
   AND s.registrable NOT IN (SELECT domain FROM allowlist)
   AND instr(replace(replace(domain_fold(s.name), '.', ''), '-', ''), b.fold)
 ORDER BY logged DESC, s.name;

-- 8. How far behind each CT log the database is: entries not yet fetched, the age of the last
--    verified tree head, the age of the newest entry stored (NULL once pruned), when the log
--    was last asked, the rate of the last pass and the error that stopped it, if one did.
SELECT l.id, coalesce(l.description, l.url) AS log, l.state, l.enabled,
       l.head_size - l.next_index AS backlog, l.next_index, l.verified_size,
       unixepoch() - l.head_timestamp / 1000 AS head_age_s,
       unixepoch() - (SELECT e.logged_at_ms / 1000 FROM log_entry e
                       WHERE e.log = l.id AND e.idx = l.next_index - 1) AS newest_entry_age_s,
       unixepoch() - l.checked_at AS checked_s_ago, round(l.rate, 1) AS rate, l.error
  FROM ct_log l
 ORDER BY l.error IS NULL, backlog DESC, l.id;

-- 9. Certificates of the watched domains logged both as a precertificate and as the
--    certificate issued from it (they share tbs_sha256), with the seconds between the two.
--    A precertificate alone is usual: a CA need not log the final certificate.
SELECT DISTINCT w.name, p.issuer_name, p.serial, p.id AS precert_id, c.id AS cert_id,
       datetime(p.logged_at_ms / 1000, 'unixepoch') AS precert_logged,
       (c.logged_at_ms - p.logged_at_ms) / 1000 AS seconds_between
  FROM watched_name w JOIN cert p ON p.id = w.cert_id AND p.precert = 1
       JOIN cert c ON c.tbs_sha256 = p.tbs_sha256 AND c.precert = 0
 ORDER BY p.logged_at_ms DESC, w.name;

-- 10. Wildcard certificates per watched domain: each wildcard name, how many certificates had
--     it and from which issuers, the latest expiry and whether one is valid now. A wildcard's
--     key serves every host under it, so each one is worth knowing about.
SELECT w.domain, w.name, count(DISTINCT c.serial) AS certificates,
       json_group_array(DISTINCT c.issuer_name) AS issuers,
       date(max(c.not_after), 'unixepoch') AS latest_expiry,
       max(c.not_after) > unixepoch() AS valid_now
  FROM watched_name w JOIN cert c ON c.id = w.cert_id
 WHERE w.wildcard
 GROUP BY w.domain, w.name
 ORDER BY w.domain, w.name;
