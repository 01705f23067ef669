/* fold: look-alikes meet, different names stay apart, and the table is sound. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fold.h"
#include "fold_table.h"
#include "utf8.h"

static char *fold(const char *s)
{
    static char *last;
    const char *err;
    size_t n;
    free(last);
    last = ctl_fold(s, strlen(s), &n, &err);
    if (!last) fail_msg("fold(%s): %s", s, err);
    assert_int_equal(strlen(last), n);
    return last;
}

static void same(const char *a, const char *b)
{
    char *fa = strdup(fold(a));
    if (strcmp(fa, fold(b)) != 0) fail_msg("fold(%s) = %s but fold(%s) = %s", a, fa, b, fold(b));
    free(fa);
}

static void differ(const char *a, const char *b)
{
    char *fa = strdup(fold(a));
    if (strcmp(fa, fold(b)) == 0) fail_msg("fold(%s) = fold(%s) = %s", a, b, fa);
    free(fa);
}

static void look_alikes_meet(void **state)
{
    (void)state;
    same("раураl.com", "paypal.com");        /* Cyrillic */
    same("аррӏе.com", "apple.com");          /* the classic whole-script homograph */
    same("xn--80ak6aa92e.com", "apple.com"); /* the same as its A-label */
    same("gοοgle.com", "google.com");        /* Greek omicron */
    same("ＰａｙＰａｌ.com", "paypal.com");  /* fullwidth */
    same("pаypal。com", "paypal.com");       /* ideographic full stop */
    same("páypäl.com", "paypal.com");        /* accents */
    same("ǥoogle.com", "google.com");        /* stroke, from dnstwist's table */
    same("g00gle.com", "google.com");        /* 0/o */
    same("paypa1.com", "paypal.com");        /* 1/l */
    same("paypai.com", "paypal.com");        /* i/l */
    same("rnicrosoft.com", "microsoft.com"); /* rn/m */
    same("vvikipedia.org", "wikipedia.org"); /* vv/w */
    same("cloud.com", "doud.com");           /* cl/d */
    same("c1oud.com", "cloud.com");
    same("PayPal.COM", "paypal.com");
    same("*.paypal.com.", "paypal.com");
    same("pay\xe2\x80\x8bpal.com", "paypal.com"); /* zero-width space */
    same("𝐩𝐚𝐲𝐩𝐚𝐥.com", "paypal.com");             /* mathematical bold */
    same("æon.com", "aeon.com");
    same("straße.de", "strasse.de");
}

static void different_names_stay_apart(void **state)
{
    (void)state;
    differ("paypal.com", "paypal.net");
    differ("google.com", "gogle.com");
    differ("cisco.com", "dsco.com"); /* ci is not cl */
    differ("bank.com", "dank.com");  /* mirror images are typos, not look-alikes */
    differ("amazon.com", "arnazon.co");
    differ("日本.jp", "中国.jp");
}

static void keeps_what_it_cannot_map(void **state)
{
    (void)state;
    assert_string_equal(fold("日本.jp"), "日本.jp");
    assert_string_equal(fold(""), "");
    assert_string_equal(fold("*."), "");
    assert_string_equal(fold("a..b"), "a..b");
    assert_string_equal(fold("xn--zz.com"), "xn--zz.com"); /* not a valid A-label: shown as is */
    assert_string_equal(fold("paypal.com"), "paypai.com");
}

static void idempotent(void **state)
{
    (void)state;
    const char *names[] = {"раураl.com",   "rnicrosoft.com", "cloud.c1ick.com",
                           "rrnn.vvv.com", "cisco.com",      "ǉubljana.si",
                           "日本.jp",      "clclcl",         "rnrn"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char *once = strdup(fold(names[i]));
        assert_string_equal(fold(once), once);
        free(once);
    }
}

static void bad_input(void **state)
{
    (void)state;
    const char *err = NULL;
    size_t n;
    assert_null(ctl_fold("\xff", 1, &n, &err));
    assert_non_null(err);
    char *r = ctl_fold("a\0b", 3, &n, &err);
    assert_int_equal(n, 3);
    assert_memory_equal(r, "a\0b", 3);
    free(r);
    /* 10,000 characters, some of which expand (ß to ss) and some of which merge (rn to m). */
    size_t len = 0;
    char *big = malloc(40000);
    for (int i = 0; i < 2500; i++) memcpy(big + len, "rnß.", 5), len += 5;
    r = ctl_fold(big, len, &n, &err);
    assert_non_null(r);
    assert_int_equal(n, 2500 * 4 - 1); /* "mss." each; the last dot is a trailing dot */
    free(r);
    free(big);
}

static void table_is_sound(void **state)
{
    (void)state;
    size_t n = sizeof fold_table / sizeof *fold_table;
    assert_true(n >= 245 + 45);
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && fold_table[i - 1].cp >= fold_table[i].cp)
            fail_msg("fold_table not sorted or duplicated at U+%04X", fold_table[i].cp);
        for (const char *k = fold_table[i].ascii; *k; k++)
            if (!((*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9') || *k == '.'))
                fail_msg("U+%04X maps to a non-ASCII letter", fold_table[i].cp);
        /* Each glyph folds exactly as the ASCII it stands for ('x' around it, because x
         * joins no pair and a lone dot would be a trailing dot). */
        unsigned char g[8] = "x";
        int len = ctl_utf8_encode(fold_table[i].cp, g + 1);
        memcpy(g + 1 + len, "x", 2);
        char ascii[8];
        snprintf(ascii, sizeof ascii, "x%sx", fold_table[i].ascii);
        char *want = strdup(fold(ascii));
        if (strcmp(fold((char *)g), want) != 0)
            fail_msg("U+%04X folds to %s, not %s", fold_table[i].cp, fold((char *)g), want);
        free(want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(look_alikes_meet),
        cmocka_unit_test(different_names_stay_apart),
        cmocka_unit_test(keeps_what_it_cannot_map),
        cmocka_unit_test(idempotent),
        cmocka_unit_test(bad_input),
        cmocka_unit_test(table_is_sound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
