-- A guided tour of ctlite's functions in the sqlite3 shell: `make demo` runs it, and you can
-- paste any statement into your own `sqlite3` session after `.load ./ctlite`.
.mode box
.nullvalue NULL
.print
.print ctlite turns Certificate Transparency into SQL. This tour uses a small table of names
.print as they appear in certificates (SAN dNSNames), some of them look-alikes of brands.
.print
CREATE TABLE cert_name(name TEXT);
INSERT INTO cert_name VALUES
  ('www.paypal.com'), ('*.paypal.com'), ('раураl.com'), ('paypa1-login.com'),
  ('secure-paypal.com.verify-account.tk'), ('xn--pypal-4ve.com'), ('paypal.co.uk'),
  ('login.microsoft.com'), ('rnicrosoft-online.com'), ('micros0ft.com'), ('MICROSOFT.COM.'),
  ('paypall.com'), ('micorsoft.com'), ('paypal.com.secure-login.ml'),
  ('alice.github.io'), ('shop.example.co.uk'), ('www.bücher.de'), ('192.0.2.7');
CREATE TABLE brand(domain TEXT);
INSERT INTO brand VALUES ('paypal.com'), ('microsoft.com');

.print 1. Which registrable domain does each name belong to? (Public Suffix List, via libpsl)
SELECT name, registrable_domain(name) AS registrable, public_suffix(name) AS suffix,
       is_wildcard(name) AS wildcard
FROM cert_name;

.print
.print 2. Read punycode as people see it, and write Unicode as DNS needs it.
SELECT name, domain_to_unicode(name) AS shown_as, domain_fold(name) AS skeleton
FROM cert_name WHERE name LIKE '%xn--%' OR name GLOB '*[^ -~]*';

.print
.print 3. Homographs: names whose look-alike skeleton equals a brand's.
SELECT c.name, b.domain AS imitates
FROM cert_name c JOIN brand b
  ON domain_fold(registrable_domain(c.name)) = domain_fold(b.domain)
WHERE registrable_domain(c.name) <> b.domain;

.print
.print 4. Typos: a small edit distance between the labels left of the public suffix, after
.print    folding (damerau_levenshtein: a swap of two letters counts as one edit).
WITH c AS (SELECT name, domain_fold(registrable_domain(name)) AS reg,
                  domain_fold(public_suffix(name)) AS suffix FROM cert_name),
     b AS (SELECT domain, domain_fold(domain) AS reg, domain_fold(public_suffix(domain)) AS suffix
           FROM brand)
SELECT c.name, b.domain AS near,
       damerau_levenshtein(substr(c.reg, 1, length(c.reg) - length(c.suffix) - 1),
                           substr(b.reg, 1, length(b.reg) - length(b.suffix) - 1), 2) AS edits
FROM c JOIN b
WHERE edits BETWEEN 1 AND 2;

.print
.print 5. Brand embedding: the brand's skeleton inside a longer name (combosquatting).
SELECT c.name, b.domain AS embeds
FROM cert_name c JOIN brand b
  ON instr(domain_fold(c.name), domain_fold(substr(b.domain, 1, instr(b.domain, '.') - 1))) > 0
WHERE registrable_domain(c.name) <> b.domain
  AND domain_fold(registrable_domain(c.name)) <> domain_fold(b.domain);

.print
.print 6. Keyword watching with PCRE2 regular expressions, as CertStream watchers do.
SELECT name FROM cert_name
WHERE name REGEXP '(?i)(?:^|[.-])(?:login|verify|secure)[.-]' OR name REGEXP '\.(?:tk|ml|ga|cf|gq)$';

.print
.print 7. What is this build? (ctlite_debug() is the line to paste into a bug report.)
SELECT ctlite_version() AS version, ctlite_psl_info() AS public_suffix_list;
.print
.print The full reference with examples: docs/api.md. Try it yourself:
.print "    sqlite3"
.print "    sqlite> .load ./ctlite"
.print "    sqlite> SELECT registrable_domain('www.example.co.uk');"
