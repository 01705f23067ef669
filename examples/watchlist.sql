-- A watch list: what ctlite watches for an organisation that runs example.com, example.net
-- and one host of example.org, takes payments through PayPal and signs its staff in with
-- Microsoft 365. Apply it to a database made by `ctlite-worker init`:
--
--     sqlite3 ct.db < examples/watchlist.sql
--
-- It is plain SQL (the extension need not be loaded) and can be applied again: a row already
-- there is left as it is. Values are lowercase A-labels, as the watch and allowlist tables
-- want them; `ctlite-worker watch DB add ...` makes the same rows and checks each value. The
-- worker reads the list at its next pass, and a change to it makes every rule evaluate all of
-- its rows again.

-- Domains: every certificate for the name, and for every name under it (subtree), or for the
-- name alone and the wildcard that covers it (exact). They feed unauthorized_ca,
-- new_subdomain, wildcard_certificate, short_lived_certificate and certificate_expiring, and
-- their certificates are never pruned.
INSERT INTO watch(kind, value, scope, note) VALUES
    -- The main domain. Any host under it may serve customers, so every new name matters.
    ('domain', 'example.com', 'subtree', 'main domain: web, API, customer sign-in'),
    -- The mail and staff domain: a certificate for a host here that nobody asked for is a
    -- mail or VPN endpoint someone else controls.
    ('domain', 'example.net', 'subtree', 'mail and staff services'),
    -- The one host of example.org that is ours; the rest of that zone belongs to a partner,
    -- whose own certificates are none of our business.
    ('domain', 'shop.example.org', 'exact', 'shop, hosted by a partner in their zone')
ON CONFLICT (kind, value) DO NOTHING;

-- Brands: registrable domains whose look-alikes are hunted (rule typosquat). A brand's own
-- registrable domain is never reported.
INSERT INTO watch(kind, value, note) VALUES
    -- Our own name: example-login.com, examp1e.com, exarnple.net and the like.
    ('brand', 'example.com', 'our name, as customers type it'),
    -- Our checkout hands customers to PayPal: a page that imitates it takes their card.
    ('brand', 'paypal.com', 'payment provider of our checkout'),
    -- Staff sign in through Microsoft 365, the page credential phishing most often copies.
    ('brand', 'microsoft.com', 'staff single sign-on')
ON CONFLICT (kind, value) DO NOTHING;

-- Keyword sets: a name holding at least `threshold` of the words, anywhere in it, raises the
-- rule keyword.
INSERT INTO watch(kind, value, threshold, note) VALUES
    -- Two of these words together are the vocabulary of phishing host names
    -- (secure-login-verify.example.info); one alone is too common to be worth a look.
    ('keywords', 'login secure verify account update', 2, 'phishing vocabulary, two words'),
    -- The code name of an internal project: no public certificate should ever hold it, so one
    -- word is enough.
    ('keywords', 'bluefalcon', 1, 'internal code name, never public')
ON CONFLICT (kind, value) DO NOTHING;

-- Patterns: a PCRE pattern matched against each name (rule regex). This one finds our full
-- domain name inside someone else's, its dot kept or made a hyphen: example.com.verify.info,
-- www-example-com.secure-check.net. Our own names end with "example.com" and do not match.
INSERT INTO watch(kind, value, note) VALUES
    ('regex', '(?:^|[.-])example[.-]com[.-]', 'our domain embedded in another')
ON CONFLICT (kind, value) DO NOTHING;

-- The allowlist: registrable domains the look-alike rules never report, because they belong
-- to the brand or to us.
INSERT INTO allowlist(domain, note) VALUES
    -- Our status page, on a domain registered apart so that it stays up when we do not.
    ('example-status.com', 'our status page'),
    -- PayPal's own domain for its images and scripts: it holds the brand's name.
    ('paypalobjects.com', 'PayPal static content'),
    -- Microsoft's sign-in domain (login.microsoftonline.com), which staff use every day.
    ('microsoftonline.com', 'Microsoft 365 sign-in')
ON CONFLICT (domain) DO NOTHING;
