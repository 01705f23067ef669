-- The exact set of functions ctlite registers, with their flags: another extension loaded
-- later can silently replace a function of the same name and arity, so the list is pinned.
-- flags: 200800 = DETERMINISTIC|INNOCUOUS (usable in views, indexes and rule_* views),
-- 80000 = DIRECTONLY (top-level statements only).

SELECT name, narg, printf('%x', flags) FROM pragma_function_list
WHERE name IN ('levenshtein', 'damerau_levenshtein', 'registrable_domain', 'public_suffix',
               'is_wildcard', 'domain_to_ascii', 'domain_to_unicode', 'domain_fold', 'regexp',
               'crtsh_cache_clear')
   OR name LIKE 'ctlite%'
ORDER BY name, narg;
-- crtsh_cache_clear|0|80000
-- ctlite_crtsh_cache_clear|0|80000
-- ctlite_damerau_levenshtein|2|200800
-- ctlite_damerau_levenshtein|3|200800
-- ctlite_debug|0|80000
-- ctlite_domain_fold|1|200800
-- ctlite_domain_to_ascii|1|200800
-- ctlite_domain_to_unicode|1|200800
-- ctlite_is_wildcard|1|200800
-- ctlite_levenshtein|2|200800
-- ctlite_levenshtein|3|200800
-- ctlite_psl_info|0|0
-- ctlite_psl_load|1|80000
-- ctlite_public_suffix|1|200800
-- ctlite_public_suffix|2|200800
-- ctlite_regexp|2|200800
-- ctlite_registrable_domain|1|200800
-- ctlite_registrable_domain|2|200800
-- ctlite_setting|1|80000
-- ctlite_setting|2|80000
-- ctlite_version|0|200800
-- ctlite_x509_is_precert|1|200800
-- ctlite_x509_issuer|1|200800
-- ctlite_x509_not_after|1|200800
-- ctlite_x509_not_before|1|200800
-- ctlite_x509_serial|1|200800
-- ctlite_x509_sha256|1|200800
-- ctlite_x509_subject|1|200800
-- ctlite_x509_tbs_sha256|1|200800
-- damerau_levenshtein|2|200800
-- damerau_levenshtein|3|200800
-- domain_fold|1|200800
-- domain_to_ascii|1|200800
-- domain_to_unicode|1|200800
-- is_wildcard|1|200800
-- levenshtein|2|200800
-- levenshtein|3|200800
-- public_suffix|1|200800
-- public_suffix|2|200800
-- regexp|2|200800
-- registrable_domain|1|200800
-- registrable_domain|2|200800

-- Every pure function returns NULL for a NULL argument.
SELECT levenshtein(NULL, 'a'), levenshtein('a', NULL), levenshtein('a', 'b', NULL),
       damerau_levenshtein(NULL, NULL), registrable_domain(NULL), registrable_domain('a.com', NULL),
       public_suffix(NULL), is_wildcard(NULL), domain_to_ascii(NULL), domain_to_unicode(NULL),
       domain_fold(NULL), regexp(NULL, 'a'), regexp('a', NULL);
-- NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL

SELECT ctlite_version() = (SELECT ctlite_version());
-- 1

SELECT ctlite_debug() LIKE 'version: %' || char(10) || 'commit: %psl_file: %rules)';
-- 1

-- Usable where SQLite allows only innocuous functions: views with trusted_schema off, and
-- expression indexes.
PRAGMA trusted_schema = OFF;
CREATE TABLE names(name TEXT);
INSERT INTO names VALUES ('www.Example.co.uk'), ('раураl.com'), ('*.github.io');
CREATE VIEW v AS SELECT registrable_domain(name) AS reg, domain_fold(name) AS f,
    is_wildcard(name) AS w, levenshtein(name, 'x') > 0 AS d, name REGEXP '^w' AS r FROM names;
CREATE INDEX names_reg ON names(registrable_domain(name));
SELECT * FROM v;
-- example.co.uk|www.exampie.co.uk|0|1|1
-- xn--l-7sba6dbr.com|paypai.com|0|1|0
-- NULL|github.io|1|1|0

-- Functions that read files cannot be hidden in a view or trigger.
CREATE VIEW sneaky AS SELECT ctlite_psl_load('/etc/passwd');
SELECT * FROM sneaky;
-- error: unsafe use of ctlite_psl_load()
