SELECT registrable_domain('www.example.co.uk'), public_suffix('www.example.co.uk');
-- example.co.uk|co.uk

-- Upper case, a trailing dot, a wildcard label and Unicode labels are accepted.
SELECT registrable_domain('WWW.EXAMPLE.COM.'), registrable_domain('*.shop.example.com'),
       registrable_domain('www.bücher.de'), registrable_domain('x.y.中国');
-- example.com|example.com|xn--bcher-kva.de|y.xn--fiqs8s

-- A public suffix itself has no registrable domain.
SELECT registrable_domain('com'), registrable_domain('co.uk'), registrable_domain('github.io'),
       public_suffix('co.uk');
-- NULL|NULL|NULL|co.uk

-- Private suffixes count unless 'icann' is asked for.
SELECT registrable_domain('alice.github.io'), registrable_domain('alice.github.io', 'icann'),
       public_suffix('alice.github.io'), public_suffix('alice.github.io', 'icann'),
       registrable_domain('a.b.s3.amazonaws.com'), registrable_domain('a.b.s3.amazonaws.com', 'all');
-- alice.github.io|github.io|github.io|io|b.s3.amazonaws.com|b.s3.amazonaws.com

-- Wildcard and exception rules: *.ck with !www.ck.
SELECT registrable_domain('www.ck'), registrable_domain('shop.ck'), registrable_domain('a.shop.ck'),
       public_suffix('a.shop.ck');
-- www.ck|NULL|a.shop.ck|shop.ck

-- Not host names: IP addresses, e-mail addresses, organisation names, empty labels.
SELECT registrable_domain('192.0.2.1'), registrable_domain('2001:db8::1'),
       registrable_domain('admin@example.com'), registrable_domain('Example Org, Inc.'),
       registrable_domain('a..example.com'), registrable_domain(''), public_suffix('192.0.2.1'),
       registrable_domain(x'ff2e636f6d');
-- NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL

-- A last label that cannot be a top-level domain; '_' is fine below it (_dmarc.example.com).
SELECT public_suffix('-'), public_suffix('example.com-'), public_suffix('example.c_m'),
       public_suffix('example.4com'), registrable_domain('_dmarc.Example.com');
-- NULL|NULL|NULL|NULL|example.com

SELECT registrable_domain('a.com', 'ICANN');
-- error: registrable_domain: the second argument must be 'all' or 'icann'

SELECT is_wildcard('*.example.com'), is_wildcard('example.com'), is_wildcard('*'),
       is_wildcard('**.example.com'), is_wildcard('a.*.example.com'), is_wildcard(42);
-- 1|0|1|0|0|0

SELECT domain_to_ascii('Bücher.DE'), domain_to_ascii('*.bücher.de'), domain_to_ascii('faß.de'),
       domain_to_ascii('example.com.');
-- xn--bcher-kva.de|*.xn--bcher-kva.de|xn--fa-hia.de|example.com.

SELECT domain_to_unicode('xn--80ak6aa92e.com'), domain_to_unicode('XN--BCHER-KVA.DE'),
       domain_to_unicode('*.xn--fiqs8s'), domain_to_unicode('plain.example');
-- аррӏе.com|bücher.de|*.中国|plain.example

SELECT domain_to_ascii('ab--cd.com');
-- error: domain_to_ascii: cannot convert 'ab--cd.com': string contains forbidden two hyphens pattern

SELECT domain_to_unicode('xn--zz.com');
-- error: domain_to_unicode: cannot convert 'xn--zz.com': string contains invalid punycode data

SELECT domain_to_ascii('');
-- error: domain_to_ascii: cannot convert '': empty name

-- Attacker-made names are quoted and escaped in messages: no raw control characters.
SELECT domain_to_ascii('evil' || char(27) || '[31m.com' || char(10));
-- error: domain_to_ascii: cannot convert 'evil\x1B[31m.com\x0A': not a host name (labels of letters, digits, '-' and '_', 1 to 63 bytes each, 253 in all)

SELECT domain_to_ascii(x'ff');
-- error: domain_to_ascii: cannot convert '\xFF': not valid UTF-8

-- A newer list can be loaded; a bad path is a clear error and keeps the list in use.
SELECT ctlite_psl_load('/nonexistent/list.dat');
-- error: ctlite_psl_load: cannot read the public suffix list /nonexistent/list.dat: No such file or directory

SELECT ctlite_psl_info() LIKE '%public_suffix_list% (list of %, % rules)';
-- 1
