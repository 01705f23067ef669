/* utf8: strictness (RFC 3629) and round trips; sqlfn's quoting of untrusted text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sqlfn.h"
#include "utf8.h"

static int valid(const char *s, size_t n)
{
    uint32_t out[16];
    int v = ctl_utf8_valid((const unsigned char *)s, n);
    assert_int_equal(v, ctl_utf8_decode((const unsigned char *)s, n, out) >= 0);
    return v;
}

static void accepts_well_formed(void **state)
{
    (void)state;
    assert_true(valid("", 0));
    assert_true(valid("abc", 3));
    assert_true(valid("\0", 1));
    assert_true(valid("\xc2\x80", 2));         /* U+0080 */
    assert_true(valid("\xdf\xbf", 2));         /* U+07FF */
    assert_true(valid("\xe0\xa0\x80", 3));     /* U+0800 */
    assert_true(valid("\xef\xbf\xbf", 3));     /* U+FFFF */
    assert_true(valid("\xf0\x90\x80\x80", 4)); /* U+10000 */
    assert_true(valid("\xf4\x8f\xbf\xbf", 4)); /* U+10FFFF */
}

static void rejects_malformed(void **state)
{
    (void)state;
    assert_false(valid("\x80", 1));             /* lone continuation */
    assert_false(valid("\xc3", 1));             /* truncated */
    assert_false(valid("\xe2\x82", 2));         /* truncated */
    assert_false(valid("\xc0\x80", 2));         /* overlong NUL */
    assert_false(valid("\xc1\xbf", 2));         /* overlong */
    assert_false(valid("\xe0\x9f\xbf", 3));     /* overlong */
    assert_false(valid("\xf0\x8f\xbf\xbf", 4)); /* overlong */
    assert_false(valid("\xed\xa0\x80", 3));     /* surrogate U+D800 */
    assert_false(valid("\xed\xbf\xbf", 3));     /* surrogate U+DFFF */
    assert_false(valid("\xf4\x90\x80\x80", 4)); /* U+110000 */
    assert_false(valid("\xf5\x80\x80\x80", 4));
    assert_false(valid("\xff", 1));
    assert_false(valid("a\xc3(", 3)); /* bad continuation */
}

static void round_trip(void **state)
{
    (void)state;
    const uint32_t cps[] = {0,      'a',    0x7F,   0x80,    0x7FF,   0x800,
                            0xD7FF, 0xE000, 0xFFFF, 0x10000, 0x10FFFF};
    for (size_t i = 0; i < sizeof cps / sizeof *cps; i++) {
        unsigned char buf[4];
        uint32_t back;
        int n = ctl_utf8_encode(cps[i], buf);
        assert_int_equal(ctl_utf8_decode(buf, (size_t)n, &back), 1);
        assert_int_equal(back, cps[i]);
    }
}

static void quote_escapes(void **state)
{
    (void)state;
    char *q = ctl_quote((const unsigned char *)"a'b\\c\n\x1b[31m\xff"
                                               "é",
                        14);
    assert_string_equal(q, "'a\\x27b\\x5Cc\\x0A\\x1B[31m\\xFFé'");
    sqlite3_free(q);
    char long_name[300];
    memset(long_name, 'x', sizeof long_name);
    q = ctl_quote((const unsigned char *)long_name, sizeof long_name);
    assert_int_equal(strlen(q), 64 + 2 + 3);
    sqlite3_free(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(accepts_well_formed),
        cmocka_unit_test(rejects_malformed),
        cmocka_unit_test(round_trip),
        cmocka_unit_test(quote_escapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
