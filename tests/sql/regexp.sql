SELECT 'login-paypal.example.com' REGEXP '(?:^|[.-])paypal[.-]', 'example.com' REGEXP '^\d';
-- 1|0

SELECT regexp('^[a-z0-9-]+\.(?:tk|ml|ga|cf|gq)$', 'free-prize.tk');
-- 1

-- Case-sensitive unless the pattern says otherwise; \w is Unicode.
SELECT 'PayPal.com' REGEXP 'paypal', 'PayPal.com' REGEXP '(?i)paypal', 'раураl' REGEXP '^\w+$';
-- 0|1|1

-- A pattern per row: the cache compiles each pattern once.
CREATE TABLE patterns(p TEXT);
INSERT INTO patterns VALUES ('^secure-'), ('paypal'), ('\.tk$');
CREATE TABLE names(n TEXT);
INSERT INTO names VALUES ('secure-login.example'), ('my-paypal.tk'), ('example.org');
SELECT n, count(*) FROM names JOIN patterns ON n REGEXP p GROUP BY n ORDER BY n;
-- my-paypal.tk|2
-- secure-login.example|1

SELECT 'x' REGEXP '(';
-- error: regexp: pattern '(': missing closing parenthesis at offset 1

SELECT x'ff' REGEXP 'a';
-- error: regexp: pattern 'a': text is not valid UTF-8

SELECT printf('%.*c', 40, 'a') || '!' REGEXP '^(a+)+$';
-- error: regexp: pattern '^(a+)+$': match limit exceeded
