-- typosquat_candidates: dnstwist's look-alikes as rows. Each row names the first fuzzer (in
-- dnstwist's order) that makes the name, every fuzzer that does, and the distance of the
-- fuzzed label from the original.
SELECT domain, unicode, fuzzer, fuzzers, distance FROM typosquat_candidates('example.com')
WHERE domain IN ('examplea.com', 'exmaple.com', 'xn--exmple-cua.com', 'exampie.com',
                 'examplecom.com', 'exasmple.com', 'xn--80ajb1au1a38g.com')
ORDER BY domain;
-- exampie.com|exampie.com|homoglyph|homoglyph|1
-- examplea.com|examplea.com|addition|addition|1
-- examplecom.com|examplecom.com|various|various|3
-- exasmple.com|exasmple.com|insertion|insertion,plural|1
-- exmaple.com|exmaple.com|transposition|transposition|1
-- xn--80ajb1au1a38g.com|ехамрӏе.com|cyrillic|cyrillic|7
-- xn--exmple-cua.com|exämple.com|homoglyph|homoglyph|1

-- No duplicates, never the domain itself, only valid names.
SELECT count(*) > 2000, count(*) = count(DISTINCT domain), sum(domain = 'example.com'),
       sum(length(domain) > 253 OR (domain GLOB '??--*' AND domain NOT GLOB 'xn--*'))
FROM typosquat_candidates('example.com');
-- 1|1|0|0

-- The public suffix list splits the name: 'example' is fuzzed, 'sub.' and 'co.uk' are kept.
SELECT domain FROM typosquat_candidates('sub.example.co.uk', 'various') ORDER BY 1;
-- sub-example.co.uk
-- sub.example.uk
-- sub.exampleco.uk
-- subexample.co.uk

SELECT count(*) FROM typosquat_candidates('sub.example.co.uk', 'omission')
WHERE domain NOT GLOB 'sub.*.co.uk';
-- 0

-- Unicode and punycode input give the same rows.
SELECT count(*) > 1000, count(*) = (SELECT count(*) FROM typosquat_candidates('xn--bcher-kva.de'))
FROM typosquat_candidates('Bücher.DE') a JOIN typosquat_candidates('xn--bcher-kva.de') b
USING (domain, fuzzer);
-- 1|1

-- A subset of fuzzers, by dnstwist's names.
SELECT count(*) FROM typosquat_candidates('example.com', 'omission, transposition');
-- 13

-- Words and suffixes as lists or as tables (first column).
CREATE TEMP TABLE words(word TEXT);
INSERT INTO words VALUES ('Login'), ('secure');
SELECT domain, fuzzer FROM typosquat_candidates('example.com', 'dictionary,tld-swap', 'words',
                                                '.net, рф, com')
ORDER BY 1;
-- example-login.com|dictionary
-- example-secure.com|dictionary
-- example.net|tld-swap
-- example.xn--p1ai|tld-swap
-- examplelogin.com|dictionary
-- examplesecure.com|dictionary
-- login-example.com|dictionary
-- loginexample.com|dictionary
-- secure-example.com|dictionary
-- secureexample.com|dictionary

-- In a join: once per brand.
CREATE TEMP TABLE brands(name TEXT);
INSERT INTO brands VALUES ('example.com'), ('paypal.com');
SELECT b.name, count(*) FROM brands b, typosquat_candidates(b.name) GROUP BY 1 ORDER BY 1;
-- example.com|2065
-- paypal.com|1866

-- An equality on domain is a lookup by name, exact to the byte like '=' (any other collation
-- or a value that is not text leaves it to SQLite).
SELECT fuzzer, distance FROM typosquat_candidates('paypal.com') WHERE domain = 'paypa1.com';
-- homoglyph|1
SELECT count(*) FROM typosquat_candidates('paypal.com') WHERE domain = 'PAYPA1.com';
-- 0
SELECT domain FROM typosquat_candidates('paypal.com') WHERE domain = 'PAYPA1.com' COLLATE NOCASE;
-- paypa1.com
SELECT count(*) FROM typosquat_candidates('paypal.com') WHERE domain = 1 OR domain = x'00';
-- 0

-- Joined against names, whatever order the planner picks, each brand is generated once and
-- each name looked up: the same rows as joining a materialized list of candidates.
CREATE TEMP TABLE brands(name TEXT);
INSERT INTO brands VALUES ('example.com'), ('paypal.com'), ('google.com');
CREATE TEMP TABLE names(name TEXT);
INSERT INTO names SELECT domain FROM typosquat_candidates('paypal.com') WHERE rowid % 7 = 0;
INSERT INTO names SELECT domain FROM typosquat_candidates('google.com') WHERE rowid % 5 = 0;
INSERT INTO names VALUES ('paypal.com'), ('example.org'), (NULL), (42);
WITH c AS MATERIALIZED (SELECT b.name AS brand, t.domain FROM brands b, typosquat_candidates(b.name) t)
SELECT (SELECT count(*) FROM names n, brands b JOIN typosquat_candidates(b.name) t
        ON t.domain = n.name),
       (SELECT count(*) FROM brands b, typosquat_candidates(b.name) t JOIN names n
        ON n.name = t.domain),
       (SELECT count(*) FROM names n JOIN c ON c.domain = n.name);
-- 943|943|943

-- Bad input: a clear error, or no rows for NULL.
SELECT count(*) FROM typosquat_candidates(NULL);
-- 0
SELECT * FROM typosquat_candidates;
-- error: typosquat_candidates: missing the domain argument
SELECT * FROM typosquat_candidates('');
-- error: typosquat_candidates: '' is not a domain name
SELECT * FROM typosquat_candidates('co.uk');
-- error: typosquat_candidates: 'co.uk' is a public suffix, not a domain
SELECT * FROM typosquat_candidates('192.0.2.1');
-- error: typosquat_candidates: '192.0.2.1' is not a domain name
SELECT * FROM typosquat_candidates(printf('%.300c.com', 'a'));
-- error: typosquat_candidates: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' is not a domain name
SELECT * FROM typosquat_candidates(x'ff2e636f6d');
-- error: typosquat_candidates: '\xFF.com' is not a domain name
SELECT * FROM typosquat_candidates('foo_bar.com');
-- error: typosquat_candidates: 'foo_bar' is not a valid IDNA2008 label
SELECT * FROM typosquat_candidates('example.com', 'typo');
-- error: typosquat_candidates: unknown fuzzer 'typo' (known: addition, bitsquatting, cyrillic, homoglyph, hyphenation, insertion, omission, plural, repetition, replacement, subdomain, transposition, vowel-swap, dictionary, tld-swap, various)
SELECT * FROM typosquat_candidates('example.com', 'dictionary');
-- error: typosquat_candidates: the dictionary fuzzer needs words (the third argument)
SELECT * FROM typosquat_candidates('example.com', NULL, 'two words');
-- error: typosquat_candidates: dictionary word 'two words' is not a valid label
SELECT * FROM typosquat_candidates('example.com', NULL, NULL, 'not a suffix');
-- error: typosquat_candidates: 'not a suffix' is not a domain suffix in lowercase A-labels
SELECT count(*) FROM typosquat_candidates(printf('%.63c.com', 'a'));
-- error: typosquat_candidates: the label has too many look-alikes to enumerate (over 2000000 tried); choose fewer fuzzers
