SELECT domain_fold('раураl.com') = domain_fold('paypal.com');
-- 1

SELECT domain_fold('раураl.com'), domain_fold('PayPal.com'), domain_fold('xn--80ak6aa92e.com');
-- paypai.com|paypai.com|appie.com

-- 0/o, 1/l/i, rn/m, vv/w, cl/d, accents, fullwidth, Greek.
SELECT domain_fold('g00gle.com'), domain_fold('rnicrosoft.com'), domain_fold('vvikipedia.org'),
       domain_fold('c1oudflare.com'), domain_fold('ǥoogle.cöm'), domain_fold('ｇｏｏｇｌｅ.com'),
       domain_fold('gοοgle.com');
-- googie.com|microsoft.com|wikipedia.org|doudfiare.com|googie.com|googie.com|googie.com

SELECT domain_fold('*.paypal.com.'), domain_fold(''), domain_fold('日本.jp');
-- paypai.com||日本.jp

SELECT domain_fold(x'ff');
-- error: domain_fold: argument is not valid UTF-8

-- Look-alikes of a watched brand, found by comparing skeletons.
CREATE TABLE seen(name TEXT);
INSERT INTO seen VALUES ('paypal.com'), ('раураl.com'), ('paypa1.com'), ('paypal.net'),
                        ('pay-pal.com'), ('xn--pypal-4ve.com');
SELECT name FROM seen WHERE domain_fold(name) = domain_fold('paypal.com') AND name <> 'paypal.com';
-- раураl.com
-- paypa1.com
-- xn--pypal-4ve.com

-- Folding a skeleton again changes nothing, even where look-alikes fold into a "*.", a
-- trailing dot or an A-label (fullwidth "ｘｎ--").
SELECT domain_fold('*.*.a..'), domain_fold('a。'), domain_fold('ｘｎ--mnchen-3ya.de'),
       domain_fold(domain_fold('ｘｎ--mnchen-3ya.de'));
-- a|a|munchen.de|munchen.de
