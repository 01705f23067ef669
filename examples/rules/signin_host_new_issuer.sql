-- rule_signin_host_new_issuer: a sign-in host of a watched domain gets a certificate from an
-- issuer it never had.
--
-- What it finds: a certificate, logged since the watch began, for a host under a watched
-- domain whose name holds a sign-in, single sign-on, VPN, remote access, webmail or
-- administration word as a label or between hyphens (login.example.com, sso.example.com,
-- vpn2-eu.example.net, *.admin.example.com), from an issuer that no earlier certificate of
-- that host had. A new host has had no issuer, so its first certificate is reported too.
--
-- Why it matters: these are the hosts where passwords and tokens are typed. A new issuer for
-- one of them is either a change nobody announced (a new load balancer, a new vendor) or a
-- certificate someone else obtained: a dangling DNS record taken over, a hijacked zone, a
-- mis-issued certificate. Either way it needs a look the day it happens. Renewals by the
-- usual issuer stay silent, unlike a rule on every certificate, and no baseline is needed,
-- unlike unauthorized_ca, which watches whole domains. One alert per host and issuer.
--
-- Install it with the sqlite3 shell; the worker evaluates it from its next pass (run, tail
-- or rules), over every stored row the first time:
--
--     sqlite3 ct.db < examples/rules/signin_host_new_issuer.sql
--
-- To change the words, drop the view (DROP VIEW rule_signin_host_new_issuer) and create it
-- again. Cost: as the built-in rules on watched domains do, it reads the names of the watched
-- registrable domains (watched_name, through the registrable domain's index) and keeps those
-- of the certificates the pass covers; for each sign-in host among them it reads the earlier
-- certificates of that one name, through the same index.
CREATE VIEW rule_signin_host_new_issuer AS
    SELECT 'signin_host_new_issuer' AS rule, 'high' AS severity,
           w.name || ' ' || coalesce(c.issuer_name, '(no issuer)') AS key, w.domain, w.cert_id,
           json_object('name', w.name, 'issuer', c.issuer_name, 'serial', c.serial,
                       'not_before', c.not_before, 'not_after', c.not_after,
                       'issuers_before',
                       (SELECT json_group_array(DISTINCT oc.issuer_name)
                          FROM cert_name o JOIN cert oc ON oc.id = o.cert_id
                               JOIN cert_key ok ON ok.cert_id = o.cert_id
                         WHERE o.registrable = w.registrable AND o.name = w.name
                           AND ok.logged_at < k.logged_at)) AS detail,
           k.logged_at AS observed_at
      FROM watched_name w JOIN cert c ON c.id = w.cert_id JOIN cert_key k ON k.cert_id = c.id
     WHERE k.logged_at >= w.watched_since
       -- The labels left of the registrable domain, '*.' included, hold a sign-in word,
       -- whole or followed by digits (vpn2), between dots or hyphens.
       AND substr(w.name, 1, length(w.name) - length(w.registrable) - 1)
           REGEXP '(?:^|[.-])(?:login|logon|signin|sso|auth|idp|adfs|oauth|vpn|remote|rdp|' ||
                  'citrix|owa|webmail|admin)[0-9]*(?:$|[.-])'
       AND NOT EXISTS (SELECT 1 FROM cert_name o JOIN cert oc ON oc.id = o.cert_id
                                     JOIN cert_key ok ON ok.cert_id = o.cert_id
                        WHERE o.registrable = w.registrable AND o.name = w.name
                          AND oc.issuer_name IS c.issuer_name AND ok.logged_at < k.logged_at);
