/* regexp: PCRE2 semantics, the cache, and the limits that keep hostile input harmless. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "regexp.h"

static ctl_regex_cache *cache;
static char err[300];

static int match(const char *pat, const char *text)
{
    err[0] = 0;
    return ctl_regex_match(cache, pat, strlen(pat), text, strlen(text), err, sizeof err);
}

static int setup(void **state)
{
    (void)state;
    return (cache = ctl_regex_cache_new()) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ctl_regex_cache_free(cache);
    return 0;
}

static void pcre_syntax(void **state)
{
    (void)state;
    assert_int_equal(match("^[a-z]+\\.com$", "example.com"), 1);
    assert_int_equal(match("^[a-z]+\\.com$", "example.net"), 0);
    assert_int_equal(match("pay.?pal", "login-pay-pal.example"), 1);
    assert_int_equal(match("(?i)PAYPAL", "paypal.com"), 1);
    assert_int_equal(match("PAYPAL", "paypal.com"), 0); /* case-sensitive unless asked */
    assert_int_equal(match("\\d{3,}", "abc12345"), 1);
    assert_int_equal(match("(?<=secure-)login", "secure-login.example"), 1);
    assert_int_equal(match("^\\w+$", "раураl"), 1); /* \w is Unicode */
    assert_int_equal(match("^.{6}$", "раураl"), 1); /* . is a code point, not a byte */
    assert_int_equal(match("", "anything"), 1);
}

static void bad_patterns(void **state)
{
    (void)state;
    assert_int_equal(match("(", "x"), -1);
    assert_string_equal(err, "missing closing parenthesis at offset 1");
    assert_int_equal(match("[z-a]", "x"), -1);
    assert_int_equal(match("\xff", "x"), -1);
    /* A bad pattern does not poison the cache for the next good one. */
    assert_int_equal(match("x", "x"), 1);
}

static void bad_text(void **state)
{
    (void)state;
    assert_int_equal(match("a", "\xff"), -1);
    assert_string_equal(err, "text is not valid UTF-8");
}

static void cache_survives_many_patterns(void **state)
{
    (void)state;
    char pat[32], text[32];
    for (int round = 0; round < 3; round++)
        for (int i = 0; i < 100; i++) {
            snprintf(pat, sizeof pat, "^n%d$", i);
            snprintf(text, sizeof text, "n%d", i);
            assert_int_equal(match(pat, text), 1);
            snprintf(text, sizeof text, "n%d", i + 1);
            assert_int_equal(match(pat, text), 0);
        }
}

static void catastrophic_backtracking_is_stopped(void **state)
{
    (void)state;
    char text[64];
    memset(text, 'a', 40);
    strcpy(text + 40, "!");
    assert_int_equal(match("^(a+)+$", text), -1);
    assert_non_null(strstr(err, "limit"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pcre_syntax),
        cmocka_unit_test(bad_patterns),
        cmocka_unit_test(bad_text),
        cmocka_unit_test(cache_survives_many_patterns),
        cmocka_unit_test(catastrophic_backtracking_is_stopped),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
