-- ctlite reports: views named report_*, one question each, for people rather than for rules.
-- `ctlite-worker report` puts them together (JSON, CSV or one HTML page with charts) and
-- `ctlite-worker export` writes any one view; in the sqlite3 shell they are plain views.
-- Times are UTC text, 'YYYY-MM-DD HH:MM:SS', so that every output reads the same.
--
-- This file is applied like sql/schema.sql: each "-- version N" block once, in the order of
-- N across the files. A later version that changes a report drops and recreates it.

-- version 21
-- The certificates of each watched domain: one row per issuance (a precertificate and its
-- certificate share issuer and serial, and the certificate stands for both when it is there),
-- with the names it holds under that domain.
CREATE VIEW report_certificates AS
    SELECT domain, cert_id, names, subject_cn, issuer, serial,
           datetime(not_before, 'unixepoch') AS not_before,
           datetime(not_after, 'unixepoch') AS not_after,
           (not_after - unixepoch()) / 86400 AS days_left, precert, source,
           datetime(logged_at, 'unixepoch') AS logged_at
      FROM (SELECT w.domain, c.id AS cert_id, group_concat(DISTINCT w.name) AS names,
                   c.subject_cn, c.issuer_name AS issuer, c.serial, c.not_before, c.not_after,
                   c.precert, c.source, k.logged_at, k.key,
                   -- the bare columns come from the row with this minimum: the certificate
                   min(coalesce(c.precert, 0)) AS pick
              FROM watched_name w JOIN cert c ON c.id = w.cert_id
                   JOIN cert_key k ON k.cert_id = c.id
             GROUP BY w.domain, k.key);

-- Who issues each watched domain's certificates: issuances, their share of the domain's, the
-- first and last, and how many are valid now.
CREATE VIEW report_issuers AS
    SELECT domain, issuer, count(*) AS certificates,
           round(100.0 * count(*) / sum(count(*)) OVER (PARTITION BY domain), 1) AS share_percent,
           min(not_before) AS first_issued, max(not_before) AS last_issued,
           sum(days_left >= 0) AS valid_now
      FROM report_certificates
     GROUP BY domain, issuer;

-- Every name found under a watched domain, in certificates (issuances: a precertificate and
-- its certificate count once) or seen without one, with when it was first and last logged.
CREATE VIEW report_subdomains AS
    SELECT domain, name, datetime(min(at), 'unixepoch') AS first_seen,
           datetime(max(at), 'unixepoch') AS last_seen, count(DISTINCT key) AS certificates,
           count(*) - count(key) AS sightings
      FROM (SELECT w.domain, w.name, k.logged_at AS at, k.key
              FROM watched_name w JOIN cert_key k ON k.cert_id = w.cert_id
            UNION ALL
            SELECT w.value, s.name, coalesce(s.logged_at, s.first_seen), NULL
              FROM watch w JOIN name_sighting s ON s.registrable = registrable_domain(w.value)
             WHERE w.kind = 'domain'
               AND (s.name = w.value
                    OR (w.scope = 'subtree'
                        AND substr(s.name, -length(w.value) - 1) = '.' || w.value)))
     GROUP BY domain, name;

-- Alerts raised per day and rule, and how many of them were acknowledged.
CREATE VIEW report_alerts_daily AS
    SELECT date(first_seen, 'unixepoch') AS day, rule, count(*) AS alerts,
           sum(acknowledged_at IS NOT NULL) AS acknowledged
      FROM alert_log
     GROUP BY day, rule;

-- The latest alerts, newest first.
CREATE VIEW report_recent_alerts AS
    SELECT id, datetime(first_seen, 'unixepoch') AS raised, rule, severity, key, domain,
           detail, datetime(observed_at, 'unixepoch') AS observed,
           acknowledged_at IS NOT NULL AS acknowledged
      FROM alert_log
     ORDER BY id DESC
     LIMIT 100;

-- Look-alike registrable domains (typosquat alerts): the brand, the technique, when it was
-- found, its registration by RDAP (ctlite-worker enrich) and whether a site answers there
-- (ctlite-worker scan: hosts up of all checked).
CREATE VIEW report_lookalikes AS
    SELECT l.registrable AS domain, l.brand, l.technique, l.name AS first_name,
           datetime(l.first_seen, 'unixepoch') AS found,
           date(d.registered_at, 'unixepoch') AS registered, a.age_days, a.category,
           d.registrar,
           (SELECT count(*) FROM host h WHERE h.kind = 'hit' AND h.state = 'up'
               AND registrable_domain(h.name) = l.registrable) AS hosts_up,
           (SELECT count(*) FROM host h WHERE h.kind = 'hit'
               AND registrable_domain(h.name) = l.registrable) AS hosts_checked
      FROM (SELECT json_extract(detail, '$.registrable') AS registrable, domain AS brand,
                   json_extract(detail, '$.technique') AS technique,
                   json_extract(detail, '$.name') AS name, first_seen
              FROM alert_log WHERE rule = 'typosquat') l
           LEFT JOIN domain d ON d.name = l.registrable
           LEFT JOIN domain_age a ON a.name = l.registrable;

-- Where the tail stands in each log it follows or followed.
CREATE VIEW report_logs AS
    SELECT id, coalesce(description, url) AS log, operator, api, state, next_index AS position,
           verified_size AS verified, head_size AS tree_size, head_size - verified_size AS lag,
           datetime(head_timestamp / 1000, 'unixepoch') AS head_signed, round(rate, 1) AS rate,
           datetime(checked_at, 'unixepoch') AS checked, error
      FROM ct_log
     WHERE (enabled AND coalesce(state, '') NOT IN ('rejected', 'retired')) OR next_index > 0
        OR checked_at IS NOT NULL;
