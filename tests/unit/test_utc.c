/* utc: calendar arithmetic against known instants, and RFC 3339's accepted and refused forms. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "utc.h"

static void known_instants(void **state)
{
    (void)state;
    assert_int_equal(ctl_utc_seconds(1970, 1, 1, 0, 0, 0), 0);
    assert_int_equal(ctl_utc_seconds(2000, 2, 29, 12, 0, 0), 951825600);
    assert_int_equal(ctl_utc_seconds(2026, 11, 30, 10, 15, 2), 1796033702);
    assert_int_equal(ctl_utc_seconds(1969, 12, 31, 23, 59, 59), -1);
    assert_int_equal(ctl_utc_seconds(2100, 3, 1, 0, 0, 0), 4107542400);
}

static int64_t parsed(const char *s)
{
    int64_t t = -42;
    return ctl_utc_parse_rfc3339(s, &t) == 0 ? t : -42;
}

static void rfc3339_forms(void **state)
{
    (void)state;
    assert_int_equal(parsed("2026-11-30T10:15:02Z"), 1796033702);
    assert_int_equal(parsed("2026-11-30t10:15:02z"), 1796033702);
    assert_int_equal(parsed("2026-11-30T10:15:02.123456Z"), 1796033702);
    assert_int_equal(parsed("2026-11-30T11:15:02+01:00"), 1796033702);
    assert_int_equal(parsed("2026-11-30T05:45:02-04:30"), 1796033702);
    assert_int_equal(parsed("2024-02-29T00:00:00Z"), 1709164800);
}

static void rfc3339_refused(void **state)
{
    (void)state;
    const char *bad[] = {"",
                         "2026-11-30",
                         "2026-11-30T10:15:02",
                         "2026-11-30 10:15:02Z",
                         "2026-13-01T00:00:00Z",
                         "2026-02-29T00:00:00Z",
                         "2100-02-29T00:00:00Z",
                         "2026-04-31T00:00:00Z",
                         "2026-11-30T24:00:00Z",
                         "2026-11-30T10:60:00Z",
                         "2026-11-30T10:15:02.Z",
                         "2026-11-30T10:15:02+0100",
                         "2026-11-30T10:15:02Zjunk",
                         "+026-11-30T10:15:02Z",
                         "2026-11-30T10:15:02+24:00"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int64_t t;
        if (ctl_utc_parse_rfc3339(bad[i], &t) == 0) fail_msg("accepted \"%s\"", bad[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(known_instants),
        cmocka_unit_test(rfc3339_forms),
        cmocka_unit_test(rfc3339_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
