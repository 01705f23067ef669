SELECT levenshtein('kitten', 'sitting'), damerau_levenshtein('kitten', 'sitting');
-- 3|3

SELECT levenshtein('paypal', 'paypla'), damerau_levenshtein('paypal', 'paypla');
-- 2|1

-- Code points, not bytes: é is two bytes, о (Cyrillic) is two bytes.
SELECT levenshtein('é', 'e'), levenshtein('gооgle', 'google'), damerau_levenshtein('日本語', '本日語');
-- 1|2|1

SELECT levenshtein('', ''), levenshtein('', 'abc'), damerau_levenshtein('abc', '');
-- 0|3|3

-- Bounded: min(distance, max + 1).
SELECT levenshtein('kitten', 'sitting', 2), levenshtein('kitten', 'sitting', 3),
       damerau_levenshtein('ab', 'ba', 0), levenshtein('a', 'abcdefghij', 1);
-- 3|3|1|2

-- Numbers are compared as their text, as everywhere in SQLite.
SELECT levenshtein(1234, 1243), damerau_levenshtein(1234, 1243);
-- 2|1

SELECT levenshtein(x'ff', 'a');
-- error: levenshtein: first argument is not valid UTF-8

SELECT damerau_levenshtein('a', x'c0af');
-- error: damerau_levenshtein: second argument is not valid UTF-8

SELECT levenshtein('a', 'b', -1);
-- error: levenshtein: max must be a non-negative integer

SELECT damerau_levenshtein('a', 'b', 'two');
-- error: damerau_levenshtein: max must be a non-negative integer

SELECT levenshtein('a', 'b', 1.5);
-- error: levenshtein: max must be a non-negative integer

SELECT levenshtein('a');
-- error: wrong number of arguments to function levenshtein()

-- Embedded NUL bytes are characters like any other.
SELECT levenshtein(CAST(x'610062' AS TEXT), 'ab');
-- 1

-- 10,000 characters each.
SELECT levenshtein(printf('%.*c', 10000, 'a'), printf('%.*c', 10000, 'b')),
       levenshtein(printf('%.*c', 10000, 'a'), printf('%.*c', 10000, 'b'), 5),
       damerau_levenshtein(printf('%.*c', 10000, 'a') || 'xy', printf('%.*c', 10000, 'a') || 'yx');
-- 10000|6|1

-- The prefixed names are the same functions, for when another extension takes the plain ones.
SELECT ctlite_levenshtein('kitten', 'sitting'), ctlite_damerau_levenshtein('ab', 'ba', 3);
-- 3|1
