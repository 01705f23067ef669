-- ctlite database schema.
--
-- ctlite-worker applies this file on `init` and on every start. It is a list of migrations:
-- each block that starts with a line "-- version N" runs once, in its own transaction, on a
-- database whose PRAGMA user_version is below N, and then sets user_version to N. Blocks are
-- only ever appended; an existing block never changes.
--
-- Conventions: names are lowercase with underscores; times are Unix seconds (INTEGER) unless a
-- column says otherwise.

-- version 1
-- Settings the worker and the rules read: thresholds, intervals, endpoints. Secrets never go
-- here; they come from the environment.
CREATE TABLE setting (
    name        TEXT PRIMARY KEY,   -- e.g. 'http.timeout_ms'
    value       ANY,                -- the setting's value
    description TEXT,               -- what it does, for `SELECT * FROM setting`
    updated_at  INTEGER NOT NULL DEFAULT (unixepoch())  -- when it was last changed
) STRICT;

-- version 2
-- What to watch. Rules and syncs read this table; `ctlite-worker watch` edits it, and so may
-- plain INSERTs.
CREATE TABLE watch (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('domain', 'brand', 'keywords', 'regex')),
    -- domain: a host name in lowercase A-labels (example.com); brand: a registrable domain
    -- whose look-alikes are hunted (paypal.com); keywords: words separated by spaces, in
    -- lowercase; regex: a PCRE pattern matched against certificate names
    value      TEXT NOT NULL,
    -- domain only: 'subtree' (the name and every name under it) or 'exact' (the name alone)
    scope      TEXT CHECK ((kind = 'domain') = (scope IN ('subtree', 'exact'))),
    -- keywords only: how many of the words a name must contain to match (at least 1)
    threshold  INTEGER CHECK ((kind = 'keywords') = (threshold >= 1)),
    note       TEXT,                                -- free text, for the analyst
    created_at INTEGER NOT NULL DEFAULT (unixepoch()),  -- when it was added
    UNIQUE (kind, value)
) STRICT;

-- Certificates and precertificates, from any source, one row each.
CREATE TABLE cert (
    id           INTEGER PRIMARY KEY,
    sha256       BLOB UNIQUE CHECK (length(sha256) = 32), -- of the DER; NULL until known
    crtsh_id     INTEGER UNIQUE,         -- crt.sh's id; NULL for a certificate crt.sh did not give
    serial       TEXT NOT NULL,          -- the serial number, lowercase hex
    issuer_name  TEXT,                   -- the issuer's distinguished name, one line
    issuer_ca_id INTEGER,                -- crt.sh's id of the issuer (-1: unknown to crt.sh)
    subject_cn   TEXT,                   -- the subject's common name, if any
    not_before   INTEGER NOT NULL,       -- validity start, Unix seconds
    not_after    INTEGER NOT NULL,       -- validity end, Unix seconds
    precert      INTEGER CHECK (precert IN (0, 1)), -- 1 for a precertificate; NULL when the
                                         -- source does not say (crt.sh does not)
    logged_at_ms INTEGER,                -- when the log or crt.sh recorded it, Unix milliseconds
    source       TEXT NOT NULL,          -- where it was first seen: 'crtsh', a log's id, ...
    first_seen   INTEGER NOT NULL DEFAULT (unixepoch()) -- when this database first had it
) STRICT;
CREATE INDEX cert_not_after ON cert(not_after);

-- The names of each certificate (from crt.sh: the names that matched the search).
CREATE TABLE cert_name (
    cert_id     INTEGER NOT NULL REFERENCES cert(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,   -- lowercase A-labels, no trailing dot, '*.' kept
    registrable TEXT,            -- registrable_domain(name); NULL for a public suffix
    wildcard    INTEGER NOT NULL CHECK (wildcard IN (0, 1)), -- 1 for a '*.' name
    PRIMARY KEY (cert_id, name)
) STRICT, WITHOUT ROWID;
-- Exact name; registrable domain, which also serves subtree searches (name = d OR name
-- LIKE '%.' || d within registrable_domain(d)).
CREATE INDEX cert_name_name ON cert_name(name);
CREATE INDEX cert_name_registrable ON cert_name(registrable, name);

-- Every name ever seen, with the first certificate that had it: what makes a name "new".
CREATE TABLE seen_name (
    name          TEXT PRIMARY KEY,  -- as in cert_name
    first_cert_id INTEGER REFERENCES cert(id) ON DELETE SET NULL, -- the certificate it came in
    first_seen    INTEGER NOT NULL DEFAULT (unixepoch()) -- when this database first had it
) STRICT;

-- Issuers allowed for a watched domain and the names under it.
CREATE TABLE authorized_ca (
    domain      TEXT NOT NULL,  -- a host name in lowercase A-labels
    issuer_name TEXT NOT NULL,  -- the issuer's distinguished name, as in cert.issuer_name
    source      TEXT NOT NULL CHECK (source IN ('baseline', 'manual')), -- who added it
    added_at    INTEGER NOT NULL DEFAULT (unixepoch()),
    PRIMARY KEY (domain, issuer_name)
) STRICT;

-- Domains the look-alike rules must never report (a brand's own, a partner's).
CREATE TABLE allowlist (
    domain   TEXT PRIMARY KEY, -- a registrable domain in lowercase A-labels
    note     TEXT,             -- why
    added_at INTEGER NOT NULL DEFAULT (unixepoch())
) STRICT;

-- Every alert, once: the rule and the finding's stable key identify it.
CREATE TABLE alert_log (
    id              INTEGER PRIMARY KEY,
    rule            TEXT NOT NULL,    -- the rule view's name without 'rule_'
    key             TEXT NOT NULL,    -- the finding's stable identity, from the rule
    severity        TEXT,             -- as the rule gave it
    detail          TEXT,             -- JSON text, as the rule gave it
    first_seen      INTEGER NOT NULL DEFAULT (unixepoch()), -- when the rule first returned it
    delivered_at    INTEGER,          -- when every channel had it; NULL until then
    acknowledged_at INTEGER,          -- when an analyst marked it handled
    UNIQUE (rule, key)
) STRICT;

-- Where each crt.sh sync of a watched item stands.
CREATE TABLE crtsh_sync (
    watch_id   INTEGER PRIMARY KEY REFERENCES watch(id) ON DELETE CASCADE,
    synced_at  INTEGER,  -- when the last sync committed
    certs      INTEGER,  -- certificates crt.sh returned then
    new_certs  INTEGER,  -- of which new to this database
    new_names  INTEGER,  -- names new to this database
    capped     INTEGER,  -- 1 when crt.sh's answer had 10,000 rows and may be incomplete
    error      TEXT,     -- the last failure, NULL after a success
    error_at   INTEGER   -- when it failed
) STRICT;

-- version 3
-- The CT logs known to the worker: from a v3 log list (`ctlite-worker logs`) or added by hand.
CREATE TABLE ct_log (
    id             INTEGER PRIMARY KEY,
    log_id         BLOB NOT NULL UNIQUE CHECK (length(log_id) = 32), -- SHA-256 of key
    key            BLOB NOT NULL,   -- the log's public key, DER SubjectPublicKeyInfo
    api            TEXT NOT NULL CHECK (api IN ('rfc6962', 'static-ct-api')),
    url            TEXT NOT NULL,   -- rfc6962: the log's URL; static-ct-api: submission prefix
    monitoring_url TEXT,            -- static-ct-api: where checkpoints and tiles are read
    description    TEXT,            -- as the list gives it
    operator       TEXT,            -- the operator's name, from the list
    mmd            INTEGER,         -- maximum merge delay, seconds
    state          TEXT,            -- pending, qualified, usable, readonly, retired, rejected;
                                    -- NULL when the list gives none
    state_since    INTEGER,         -- when the log entered that state, Unix seconds
    interval_start INTEGER,         -- the certificates it takes expire at or after this
    interval_end   INTEGER,         -- ... and before this (Unix seconds)
    log_type       TEXT,            -- prod, test or monitoring_only, when the list says
    source         TEXT NOT NULL CHECK (source IN ('list', 'manual')), -- where it came from
    enabled        INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)), -- 0: not followed
    updated_at     INTEGER NOT NULL DEFAULT (unixepoch()) -- when the row last changed
) STRICT;

-- version 4
-- Where the worker stands in each log: the entries before next_index are stored, those before
-- verified_size were checked against a tree head signed by the log.
ALTER TABLE ct_log ADD COLUMN next_index INTEGER NOT NULL DEFAULT 0; -- the next entry to fetch
-- The collapsed Merkle tree of entries 0 .. next_index - 1: 32-byte hashes, one per bit set
-- in next_index, lowest bit first. NULL while next_index is 0.
ALTER TABLE ct_log ADD COLUMN tree BLOB;
ALTER TABLE ct_log ADD COLUMN verified_size INTEGER NOT NULL DEFAULT 0; -- entries verified
ALTER TABLE ct_log ADD COLUMN head_size INTEGER;      -- the last verified tree head: its size,
ALTER TABLE ct_log ADD COLUMN head_root BLOB;         -- root hash,
ALTER TABLE ct_log ADD COLUMN head_timestamp INTEGER; -- and timestamp (Unix milliseconds)
ALTER TABLE ct_log ADD COLUMN error TEXT;             -- why the log stopped; NULL when fine
ALTER TABLE ct_log ADD COLUMN error_at INTEGER;       -- when

-- SHA-256 of the TBSCertificate without the CT poison and SCT list: a precertificate and its
-- certificate share it.
ALTER TABLE cert ADD COLUMN tbs_sha256 BLOB CHECK (length(tbs_sha256) = 32);
CREATE INDEX cert_tbs_sha256 ON cert(tbs_sha256);

-- Each log entry stored, once: which certificate it holds. An entry is verified when its
-- index is below its log's verified_size.
CREATE TABLE log_entry (
    log          INTEGER NOT NULL REFERENCES ct_log(id) ON DELETE CASCADE,
    idx          INTEGER NOT NULL,  -- the entry's index in the log
    cert_id      INTEGER NOT NULL REFERENCES cert(id) ON DELETE CASCADE,
    logged_at_ms INTEGER NOT NULL,  -- the entry's timestamp, Unix milliseconds
    PRIMARY KEY (log, idx)
) STRICT, WITHOUT ROWID;

-- Entries that do not hold a readable certificate: kept with the reason, never skipped.
CREATE TABLE malformed_entry (
    log        INTEGER NOT NULL REFERENCES ct_log(id) ON DELETE CASCADE,
    idx        INTEGER NOT NULL,  -- the entry's index in the log
    error      TEXT NOT NULL,     -- what is wrong with it
    leaf       BLOB,              -- the entry's bytes, for a closer look
    first_seen INTEGER NOT NULL DEFAULT (unixepoch()),
    PRIMARY KEY (log, idx)
) STRICT;

-- version 5
-- Issuer certificates, by the SHA-256 of their DER: fetched once from a static-ct-api log's
-- issuer/ endpoint, or taken from an RFC 6962 entry's chain.
CREATE TABLE issuer_cert (
    sha256     BLOB PRIMARY KEY CHECK (length(sha256) = 32),
    der        BLOB NOT NULL,
    first_seen INTEGER NOT NULL DEFAULT (unixepoch())
) STRICT;

ALTER TABLE ct_log ADD COLUMN start_index INTEGER NOT NULL DEFAULT 0; -- where following began:
                                                  -- entries before it are not stored
ALTER TABLE ct_log ADD COLUMN checked_at INTEGER; -- when its tree head was last read
ALTER TABLE ct_log ADD COLUMN rate REAL;          -- entries stored per second in the last pass
                                                  -- that stored any

-- From this version on, the tail records in seen_name only the names of watched domains (and
-- under them): the firehose of every log would make it grow without end.

-- How long a certificate that nothing keeps stays in the database (seconds): the tail prunes
-- older ones, so that following whole logs does not fill the disk.
INSERT INTO setting(name, value, description) VALUES ('retention', 86400,
    'seconds a certificate stays when it matches no watched item; older ones are pruned')
    ON CONFLICT DO NOTHING;

-- The certificates that retention never prunes: those with a name of a watched domain (or
-- under it, for a subtree) or of a watched brand's registrable domain. Rules add theirs.
CREATE VIEW cert_keep(cert_id) AS
    SELECT n.cert_id FROM cert_name n JOIN watch w
     WHERE (w.kind = 'domain' AND (n.name = w.value OR
                                   (w.scope = 'subtree' AND n.name LIKE '%.' || w.value)))
        OR (w.kind = 'brand' AND n.registrable = w.value);

-- A log that stopped on an error is an alert (a bad signature or a root that does not match
-- is evidence against the log; anything else needs a look too). One per log and error text.
CREATE VIEW rule_log_stopped AS
    SELECT 'log_stopped' AS rule, 'high' AS severity,
           'log ' || id || ': ' || error AS key, NULL AS domain, NULL AS cert_id,
           json_object('log', coalesce(description, url), 'log_id', id, 'error', error)
               AS detail,
           error_at AS observed_at
      FROM ct_log WHERE error IS NOT NULL;

-- version 6
-- Indexes cost every certificate a log brings, and following whole logs brings millions a day:
-- nothing looks certificates up by expiry alone (expiry is asked of a watched domain's
-- certificates, found through their names), and an exact name is found through its
-- registrable domain, whose index holds the name too:
--   SELECT cert_id FROM cert_name
--    WHERE registrable = registrable_domain('www.example.com') AND name = 'www.example.com';
-- A name of a watched domain is also in seen_name, by name.
DROP INDEX cert_not_after;
DROP INDEX cert_name_name;

-- version 7
-- Alerts: what the rule_* views of sql/rules.sql return, raised once per (rule, key) into
-- alert_log, then delivered once per channel.
ALTER TABLE alert_log ADD COLUMN domain TEXT;         -- the watched domain or brand concerned
ALTER TABLE alert_log ADD COLUMN cert_id INTEGER;     -- the certificate that raised it, if any
                                                      -- (kept from pruning while it is here)
ALTER TABLE alert_log ADD COLUMN observed_at INTEGER; -- when the rule says it happened
CREATE INDEX alert_log_first_seen ON alert_log(first_seen);
CREATE INDEX alert_log_cert ON alert_log(cert_id) WHERE cert_id IS NOT NULL;

-- Where alerts go. `ctlite-worker notify` adds a row for each channel given on its command
-- line; rows added by hand are used by `notify` without options and by `run`. Secrets are
-- never stored: a URL or password that is one comes from the environment variable named in
-- the *_env column.
CREATE TABLE channel (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE, -- how messages and `notify` refer to it
    kind       TEXT NOT NULL CHECK (kind IN ('stdout', 'json_dir', 'webhook', 'smtp')),
    target     TEXT,     -- json_dir: the directory; webhook: the URL; smtp: smtp[s]://host:port
    target_env TEXT,     -- or the environment variable holding target (a webhook URL is a secret)
    format     TEXT CHECK (format IN ('slack', 'teams', 'json')), -- webhook only
    mail_from  TEXT,     -- smtp only: the sender address
    mail_to    TEXT,     -- smtp only: recipients, separated by commas
    username   TEXT,     -- smtp only: the login, if the server wants one
    password_env TEXT,   -- smtp only: the environment variable holding the password
    enabled    INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    cursor     INTEGER NOT NULL DEFAULT 0, -- alert_log ids up to this one have a delivery row
    created_at INTEGER NOT NULL DEFAULT (unixepoch())
) STRICT;

-- Each alert on each channel: pending until delivered_at is set, in the transaction that
-- follows the channel's success.
CREATE TABLE delivery (
    channel_id   INTEGER NOT NULL REFERENCES channel(id) ON DELETE CASCADE,
    alert_id     INTEGER NOT NULL REFERENCES alert_log(id) ON DELETE CASCADE,
    delivered_at INTEGER,           -- NULL while pending
    attempts     INTEGER NOT NULL DEFAULT 0, -- failed attempts so far
    next_attempt INTEGER NOT NULL DEFAULT 0, -- not tried again before this time
    error        TEXT,              -- the last failure
    PRIMARY KEY (channel_id, alert_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX delivery_pending ON delivery(channel_id, next_attempt) WHERE delivered_at IS NULL;
CREATE INDEX delivery_alert ON delivery(alert_id);

-- Where the evaluation of each rule view stands. A rule whose last pass failed keeps its mark
-- and its error, and is tried again on the next pass; certificates above the lowest mark are
-- not pruned.
CREATE TABLE rule_state (
    rule        TEXT PRIMARY KEY,           -- the view's name, rule_...
    cert_mark   INTEGER NOT NULL DEFAULT 0, -- certificates up to this cert.id were evaluated
    full_at     INTEGER,                    -- when every row of the view was last evaluated
    watched_at  INTEGER,                    -- ... and the rows of watched domains' certificates
    fingerprint TEXT,                       -- of the watch list, allowlist and authorized CAs
                                            -- at full_at: a change calls for another
    raised      INTEGER NOT NULL DEFAULT 0, -- alerts it raised, in all
    error       TEXT,                       -- why its last pass failed; NULL after a success
    error_at    INTEGER
) STRICT;

-- Every look-alike typosquat_candidates() makes of each watched brand, kept so that a rule
-- finds a certificate's name among them with one index lookup. The worker brings it in step
-- with the watch list before it evaluates the rules.
CREATE TABLE brand_candidate (
    domain TEXT NOT NULL,   -- the look-alike, lowercase A-labels
    brand  TEXT NOT NULL,   -- the watched brand (watch.value)
    fuzzer TEXT NOT NULL,   -- how it was made, as typosquat_candidates says
    PRIMARY KEY (domain, brand)
) STRICT, WITHOUT ROWID;
CREATE INDEX brand_candidate_brand ON brand_candidate(brand);

-- Names of certificates that fall under a watched domain: the name itself, a name under it
-- (subtree), or a wildcard that covers it (exact). The lookup goes through the registrable
-- domain's index.
CREATE VIEW watched_name AS
    SELECT n.cert_id, n.name, n.registrable, n.wildcard, w.value AS domain, w.id AS watch_id,
           w.created_at AS watched_since
      FROM watch w JOIN cert_name n ON n.registrable = registrable_domain(w.value)
     WHERE w.kind = 'domain'
       AND (n.name = w.value
            OR (w.scope = 'subtree' AND substr(n.name, -length(w.value) - 1) = '.' || w.value)
            OR n.name = '*.' || substr(w.value, instr(w.value, '.') + 1));

-- Retention also keeps the certificates of alerts, and reuses watched_name.
DROP VIEW cert_keep;
CREATE VIEW cert_keep(cert_id) AS
    SELECT cert_id FROM watched_name
    UNION ALL
    SELECT n.cert_id FROM cert_name n JOIN watch w ON w.kind = 'brand' AND n.registrable = w.value
    UNION ALL
    SELECT cert_id FROM alert_log WHERE cert_id IS NOT NULL;

-- version 9
-- RDAP base URLs by DNS suffix (an RFC 9224 bootstrap, IANA's dns.json), loaded by
-- `ctlite-worker rdap-bootstrap`. A name goes to the base of its longest matching suffix.
CREATE TABLE rdap_bootstrap (
    suffix    TEXT PRIMARY KEY, -- labels in lowercase A-labels: 'com', 'xn--p1ai', 'co.uk'
    base_url  TEXT NOT NULL,    -- ends with '/': a lookup asks base_url || 'domain/' || name
    published TEXT,             -- the bootstrap's publication date, as it says
    loaded_at INTEGER NOT NULL DEFAULT (unixepoch())
) STRICT;

-- Registrable domains the worker has met, when it first did, and what RDAP says of them.
CREATE TABLE domain (
    name          TEXT PRIMARY KEY, -- a registrable domain in lowercase A-labels
    first_seen    INTEGER NOT NULL DEFAULT (unixepoch()), -- when this database first met it
    first_source  TEXT NOT NULL,    -- how: 'alert' (a rule hit), 'watch', 'query'
    registered_at INTEGER,          -- RDAP: the registration event, Unix seconds
    expires_at    INTEGER,          -- ... the expiration event
    changed_at    INTEGER,          -- ... the last changed event
    registrar     TEXT,             -- ... the registrar entity's name
    status        TEXT,             -- ... its status values, a JSON array
    rdap          TEXT CHECK (rdap IN ('ok', 'not_found', 'no_rdap', 'error')), -- the last
                                    -- lookup: done, 404, no RDAP server for the TLD, failed
    rdap_error    TEXT,             -- what went wrong, for not_found and error
    checked_at    INTEGER,          -- when it was last looked up
    next_check    INTEGER NOT NULL DEFAULT 0 -- not looked up again before this time
) STRICT;
CREATE INDEX domain_next_check ON domain(next_check);

INSERT INTO setting(name, value, description) VALUES
    ('established_days', 730,
     'days since registration after which a domain is ESTABLISHED rather than NEW');

-- Each domain's category, as domain_stats gives it: NEW when registered less than
-- established_days ago, ESTABLISHED before that, NULL while its age is unknown.
CREATE VIEW domain_age AS
    SELECT name, registered_at, (unixepoch() - registered_at) / 86400 AS age_days,
           CASE WHEN registered_at IS NULL THEN NULL
                WHEN unixepoch() - registered_at <
                     (SELECT coalesce(max(value), 730) FROM setting
                       WHERE name = 'established_days') * 86400 THEN 'NEW'
                ELSE 'ESTABLISHED' END AS category
      FROM domain;

-- version 11
-- When a rule first hit the domain (a look-alike, a keyword or pattern match): the worker sets
-- it as rules raise alerts. The domains of the watch list itself are not hits.
ALTER TABLE domain ADD COLUMN first_hit INTEGER;
INSERT INTO domain(name, first_seen, first_source, first_hit)
    SELECT r, min(first_seen), 'alert', min(first_seen)
      FROM (SELECT coalesce(json_extract(detail, '$.registrable'),
                            registrable_domain(json_extract(detail, '$.name'))) AS r, first_seen
              FROM alert_log)
     WHERE r IS NOT NULL
       AND r NOT IN (SELECT registrable_domain(value) FROM watch WHERE kind IN ('domain', 'brand'))
     GROUP BY r
    ON CONFLICT (name) DO UPDATE SET first_hit = coalesce(first_hit, excluded.first_hit);
CREATE INDEX domain_first_seen ON domain(first_seen);

-- version 13
-- Liveness. Hosts that `ctlite-worker scan` checks: the names of rule hits (is the look-alike
-- site up?) and the names found under watched domains (where do they point?).
CREATE TABLE host (
    name         TEXT PRIMARY KEY, -- a host name in lowercase A-labels, never a wildcard
    kind         TEXT NOT NULL CHECK (kind IN ('hit', 'subdomain')), -- hit: from an alert,
                                   -- resolved and fetched; subdomain: under a watched domain,
                                   -- resolved only
    first_seen   INTEGER NOT NULL DEFAULT (unixepoch()),
    state        TEXT CHECK (state IN ('up', 'down', 'resolved', 'unresolved', 'stopped')),
                                   -- up: a site answered HTTP(S); down: none did; resolved,
                                   -- unresolved: a subdomain's DNS; stopped: still down after
                                   -- scan_stop_days, no longer checked
    up_since     INTEGER,          -- when it was first found up
    checked_at   INTEGER,          -- the last check
    next_check   INTEGER NOT NULL DEFAULT 0,
    checks       INTEGER NOT NULL DEFAULT 0,
    cname        TEXT,             -- the CNAME chain, a JSON array, from the name asked to the
                                   -- last alias
    dns_error    TEXT,             -- why it did not resolve
    https_status INTEGER,          -- the status of GET https://name/, NULL when none came
    http_status  INTEGER,          -- ... of GET http://name/
    error        TEXT,             -- why each GET got no status, 'https: ...; http: ...'
    tls_error    TEXT,             -- the certificate did not verify: why (the site was then
                                   -- fetched without verification)
    location     TEXT,             -- a redirect's target, which is not followed
    title        TEXT,             -- the page's <title>, from the first 64 KiB
    cert_sha256  TEXT,             -- the served certificate, lowercase hex
    cert_serial  TEXT,             -- ... its serial number, lowercase hex
    address      TEXT,             -- the address fetched (the first A, else AAAA)
    asn          INTEGER,          -- its autonomous system, from ip_asn
    asn_prefix   TEXT,             -- ... the range holding it, as a CIDR prefix when it is one
    asn_country  TEXT,
    asn_description TEXT
) STRICT;
CREATE INDEX host_next_check ON host(next_check);

-- Every address each host resolved to, with when it was first and last seen.
CREATE TABLE host_address (
    host       TEXT NOT NULL REFERENCES host(name) ON DELETE CASCADE,
    address    TEXT NOT NULL,    -- printed: 192.0.2.1, 2001:db8::1
    family     TEXT NOT NULL CHECK (family IN ('A', 'AAAA')),
    first_seen INTEGER NOT NULL DEFAULT (unixepoch()),
    last_seen  INTEGER NOT NULL DEFAULT (unixepoch()),
    PRIMARY KEY (host, address)
) STRICT, WITHOUT ROWID;

-- Autonomous systems by address range, from an iptoasn.com TSV (`ctlite-worker asn-import`).
-- Addresses are 16 bytes, big-endian, IPv4 as IPv4-mapped IPv6 (::ffff:a.b.c.d), so one
-- ordering holds both families.
CREATE TABLE ip_asn (
    start       BLOB PRIMARY KEY,
    end         BLOB NOT NULL,
    asn         INTEGER NOT NULL, -- 0: not routed
    country     TEXT,
    description TEXT
) STRICT, WITHOUT ROWID;

INSERT INTO setting(name, value, description) VALUES
    ('scan_interval', 3600, 'seconds between two checks of a host that is down'),
    ('scan_stop_days', 180, 'days after which a host still down is no longer checked'),
    ('resolve_interval', 86400, 'seconds between two resolutions of a subdomain'),
    ('dns_server', '', 'the DNS server scan asks, HOST or HOST:PORT; empty: the system''s');

-- version 15
-- The domain table's sources may include every certificate (first_source 'cert'): off by
-- default, since following whole logs then adds most of the registered domains of the web.
INSERT INTO setting(name, value, description) VALUES
    ('record_cert_domains', 0,
     '1: the domain table records the registrable domain of every certificate stored, not only those of rule hits, watches and queries; it then grows with every domain the logs carry');

-- version 16
INSERT INTO setting(name, value, description) VALUES
    ('certstream_url', '',
     'a CertStream full stream (ws:// or wss://) that ctlite-worker run follows too; empty: none'),
    ('certstream_cainfo', '', 'CA certificates for a wss:// certstream_url; empty: the system''s');

-- version 17
-- Names that come without their certificate: CertStream's lite and domains-only streams and
-- certificate.stream's domain lists. Nothing of such a certificate can be checked, and its
-- serial, validity and issuer are unknown or only claimed, so the names are not made into cert
-- rows: they have this table, which the look-alike rules read beside cert_name (through
-- observed_name). A name the source places in a log entry is stored once per entry; one it
-- gives without (domains-only) once each time it comes.
CREATE TABLE name_sighting (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,  -- as in cert_name
    registrable TEXT,           -- as in cert_name
    wildcard    INTEGER NOT NULL CHECK (wildcard IN (0, 1)),
    source      TEXT NOT NULL,  -- 'certstream', 'certificate.stream'
    log         TEXT,           -- the log's URL as the source gave it; NULL if it gave none
    log_index   INTEGER,        -- the entry's index in that log
    precert     INTEGER CHECK (precert IN (0, 1)), -- as the source says; NULL if it does not
    logged_at   INTEGER,        -- when the log recorded the entry, Unix seconds, as said
    first_seen  INTEGER NOT NULL DEFAULT (unixepoch()), -- when this database first had it
    UNIQUE (log, log_index, name)
) STRICT;
CREATE INDEX name_sighting_registrable ON name_sighting(registrable);

-- Every name the rules compare, with where it comes from: a certificate (cert_id) or a
-- sighting (sighting_id). A filter on either column reaches its own table's key.
CREATE VIEW observed_name AS
    SELECT cert_id, NULL AS sighting_id, name, registrable, wildcard FROM cert_name
    UNION ALL
    SELECT NULL, id, name, registrable, wildcard FROM name_sighting;

-- A rule view may have a column sighting_id: the sighting that shows a finding. Its alerts
-- keep it, and each rule's pass marks the sightings it evaluated, as for certificates.
ALTER TABLE alert_log ADD COLUMN sighting_id INTEGER; -- the sighting that raised it, if any
CREATE INDEX alert_log_sighting ON alert_log(sighting_id) WHERE sighting_id IS NOT NULL;
ALTER TABLE rule_state ADD COLUMN sighting_mark INTEGER NOT NULL DEFAULT 0;

-- The sightings that retention never prunes: those of a watched domain's or brand's
-- registrable domain, and those of alerts.
CREATE VIEW sighting_keep(sighting_id) AS
    SELECT s.id FROM watch w JOIN name_sighting s ON s.registrable = registrable_domain(w.value)
     WHERE w.kind IN ('domain', 'brand')
    UNION ALL
    SELECT sighting_id FROM alert_log WHERE sighting_id IS NOT NULL;

-- version 19
-- Where `ctlite-worker certificate-stream --follow` stands in each certificate.stream API: the
-- id of the newest domain stored, sent back as start_from_id, so that a restart resumes there.
CREATE TABLE certificate_stream_position (
    api           TEXT PRIMARY KEY, -- the API's base URL
    start_from_id TEXT NOT NULL,    -- the newest id stored, as the API wrote it
    updated_at    INTEGER NOT NULL DEFAULT (unixepoch())
) STRICT;

INSERT INTO setting(name, value, description) VALUES
    ('certificate_stream_url', '',
     'a certificate.stream API (https://certificate.stream/v1) that ctlite-worker run follows in real time too, with CLIENT_ID and CLIENT_SECRET from its environment; empty: none'),
    ('certificate_stream_token_url', 'https://api.villain.network/oauth2/token',
     'the token endpoint of certificate_stream_url');
