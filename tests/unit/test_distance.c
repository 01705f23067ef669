/* distance: known values, the conventions (code points, bounds, bad UTF-8), and agreement with
 * a plain full-matrix dynamic program on random pairs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "distance.h"
#include "utf8.h"

static int64_t lev(const char *a, const char *b, int64_t max)
{
    return ctl_edit_distance_utf8(CTL_LEVENSHTEIN, a, strlen(a), b, strlen(b), max);
}

static int64_t osa(const char *a, const char *b, int64_t max)
{
    return ctl_edit_distance_utf8(CTL_OSA, a, strlen(a), b, strlen(b), max);
}

static void known_values(void **state)
{
    (void)state;
    assert_int_equal(lev("kitten", "sitting", -1), 3);
    assert_int_equal(lev("", "", -1), 0);
    assert_int_equal(lev("", "abc", -1), 3);
    assert_int_equal(lev("abc", "", -1), 3);
    assert_int_equal(lev("flaw", "lawn", -1), 2);
    assert_int_equal(lev("ab", "ba", -1), 2);
    assert_int_equal(osa("ab", "ba", -1), 1);
    assert_int_equal(osa("ca", "abc", -1), 3); /* OSA, not unrestricted Damerau (which gives 2) */
    assert_int_equal(osa("paypal", "paypla", -1), 1);
    assert_int_equal(lev("paypal", "paypla", -1), 2);
    assert_int_equal(osa("google.com", "gogole.com", -1), 1);
}

static void counts_code_points_not_bytes(void **state)
{
    (void)state;
    assert_int_equal(lev("é", "e", -1), 1);           /* 2 bytes vs 1 */
    assert_int_equal(lev("gооgle", "google", -1), 2); /* two Cyrillic о */
    assert_int_equal(lev("日本", "日本語", -1), 1);
    assert_int_equal(lev("😀a", "😁a", -1), 1);
    assert_int_equal(osa("аб", "ба", -1), 1);
}

static void bounded(void **state)
{
    (void)state;
    assert_int_equal(lev("kitten", "sitting", 5), 3);
    assert_int_equal(lev("kitten", "sitting", 3), 3);
    assert_int_equal(lev("kitten", "sitting", 2), 3);
    assert_int_equal(lev("kitten", "sitting", 0), 1);
    assert_int_equal(lev("abc", "abc", 0), 0);
    assert_int_equal(lev("a", "abcdefgh", 2), 3); /* length difference alone exceeds max */
    assert_int_equal(osa("ab", "ba", 0), 1);
    assert_int_equal(osa("ab", "ba", 1), 1);
}

static void invalid_utf8(void **state)
{
    (void)state;
    assert_int_equal(lev("\xff", "a", -1), CTL_DIST_BAD_A);
    assert_int_equal(lev("a", "\xc3", -1), CTL_DIST_BAD_B);           /* truncated */
    assert_int_equal(osa("\xc0\xaf", "a", -1), CTL_DIST_BAD_A);       /* overlong '/' */
    assert_int_equal(osa("a", "\xed\xa0\x80", -1), CTL_DIST_BAD_B);   /* surrogate */
    assert_int_equal(lev("\xf4\x90\x80\x80", "", 3), CTL_DIST_BAD_A); /* above U+10FFFF */
}

static void embedded_nul(void **state)
{
    (void)state;
    assert_int_equal(ctl_edit_distance_utf8(CTL_LEVENSHTEIN, "a\0b", 3, "ab", 2, -1), 1);
    assert_int_equal(ctl_edit_distance_utf8(CTL_LEVENSHTEIN, "a\0b", 3, "\0ab", 3, -1), 2);
    assert_int_equal(ctl_edit_distance_utf8(CTL_OSA, "a\0b", 3, "\0ab", 3, -1), 1);
    assert_int_equal(ctl_edit_distance_utf8(CTL_OSA, "a\0", 2, "\0a", 2, -1), 1);
}

/* The reference: the textbook recurrence, row by row, no shortcuts. */
static int64_t reference(int osa_, const uint32_t *a, size_t m, const uint32_t *b, size_t n)
{
    int64_t *r0 = malloc((n + 1) * sizeof *r0), *r1 = malloc((n + 1) * sizeof *r1),
            *r2 = malloc((n + 1) * sizeof *r2);
    for (size_t j = 0; j <= n; j++) r1[j] = (int64_t)j;
    for (size_t i = 1; i <= m; i++) {
        /* r0: row i-2, r1: row i-1, r2: row i */
        r2[0] = (int64_t)i;
        for (size_t j = 1; j <= n; j++) {
            int64_t v = r1[j - 1] + (a[i - 1] != b[j - 1]);
            if (r1[j] + 1 < v) v = r1[j] + 1;
            if (r2[j - 1] + 1 < v) v = r2[j - 1] + 1;
            if (osa_ && i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                r0[j - 2] + 1 < v)
                v = r0[j - 2] + 1;
            r2[j] = v;
        }
        int64_t *t = r0;
        r0 = r1, r1 = r2, r2 = t;
    }
    int64_t d = r1[n];
    free(r0), free(r1), free(r2);
    return d;
}

static uint64_t rng = 0x9E3779B97F4A7C15u;
static uint32_t next_rand(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

/* Small alphabets make equal characters, transpositions and shared affixes common; the
 * non-ASCII letters take the slow lookup path of the bit-parallel code. */
static const uint32_t alphabet[] = {'a', 'b', 'c', '.', '-', 0x0430, 0x043E, 0x00E9, 0x1F600, 0};

static size_t random_string(uint32_t *s, size_t maxlen, int alpha)
{
    size_t n = next_rand() % 10 == 0 ? 60 + next_rand() % 60 : next_rand() % 31;
    if (n > maxlen) n = maxlen;
    for (size_t i = 0; i < n; i++) s[i] = alphabet[next_rand() % (size_t)alpha];
    return n;
}

static size_t encode(const uint32_t *s, size_t n, char *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) k += (size_t)ctl_utf8_encode(s[i], (unsigned char *)out + k);
    return k;
}

static void random_pairs_agree_with_reference(void **state)
{
    (void)state;
    uint32_t a[128], b[128];
    char ua[512], ub[512];
    for (int t = 0; t < 100000; t++) {
        int alpha = 2 + (int)(next_rand() % 9);
        size_t m = random_string(a, 128, alpha), n = random_string(b, 128, alpha);
        if (next_rand() % 4 == 0) { /* a near copy: the interesting, small distances */
            memcpy(b, a, m * sizeof *a);
            n = m;
            for (int e = (int)(next_rand() % 4); e > 0 && n > 1; e--) {
                size_t i = next_rand() % (n - 1);
                uint32_t x = b[i];
                b[i] = b[i + 1], b[i + 1] = x;
            }
        }
        size_t na = encode(a, m, ua), nb = encode(b, n, ub);
        for (int kind = 0; kind < 2; kind++) {
            int64_t want = reference(kind, a, m, b, n);
            int64_t got =
                ctl_edit_distance_utf8(kind ? CTL_OSA : CTL_LEVENSHTEIN, ua, na, ub, nb, -1);
            if (got != want)
                fail_msg("pair %d kind %d: got %lld, want %lld", t, kind, (long long)got,
                         (long long)want);
            int64_t max = next_rand() % 6;
            int64_t cap = want < max + 1 ? want : max + 1;
            got = ctl_edit_distance_utf8(kind ? CTL_OSA : CTL_LEVENSHTEIN, ua, na, ub, nb, max);
            if (got != cap)
                fail_msg("pair %d kind %d max %lld: got %lld, want %lld", t, kind, (long long)max,
                         (long long)got, (long long)cap);
        }
    }
}

static void long_strings(void **state)
{
    (void)state;
    enum { N = 10000 };
    uint32_t *a = malloc(N * sizeof *a), *b = malloc(N * sizeof *b);
    char *ua = malloc(4 * N), *ub = malloc(4 * N);
    for (size_t i = 0; i < N; i++) a[i] = alphabet[next_rand() % 4];
    for (size_t i = 0; i < N; i++) b[i] = alphabet[next_rand() % 4];
    size_t na = encode(a, N, ua), nb = encode(b, N, ub);
    int64_t want = reference(0, a, N, b, N);
    assert_int_equal(ctl_edit_distance_utf8(CTL_LEVENSHTEIN, ua, na, ub, nb, -1), want);
    assert_int_equal(ctl_edit_distance_utf8(CTL_LEVENSHTEIN, ua, na, ub, nb, 10), 11);
    assert_int_equal(ctl_edit_distance_utf8(CTL_OSA, ua, na, ua, na, 0), 0);
    /* One edit in the middle of 10,000 characters: the bound keeps this to a thin band. */
    memcpy(ub, ua, na);
    ub[na / 2] = ub[na / 2] == 'a' ? 'b' : 'a';
    assert_int_equal(ctl_edit_distance_utf8(CTL_LEVENSHTEIN, ua, na, ub, na, 2), 1);
    /* A short pattern against a long text stays on the bit-parallel path. */
    assert_int_equal(ctl_edit_distance_utf8(CTL_LEVENSHTEIN, "abc", 3, ua, na, -1),
                     reference(0, (const uint32_t[]){'a', 'b', 'c'}, 3, a, N));
    free(a), free(b), free(ua), free(ub);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(known_values), cmocka_unit_test(counts_code_points_not_bytes),
        cmocka_unit_test(bounded),      cmocka_unit_test(invalid_utf8),
        cmocka_unit_test(embedded_nul), cmocka_unit_test(random_pairs_agree_with_reference),
        cmocka_unit_test(long_strings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
