/* domain: host-name syntax, the split by the system's Public Suffix List, IDNA conversions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain.h"

static ctl_psl *psl;

static int setup(void **state)
{
    (void)state;
    char err[600];
    psl = ctl_psl_open(NULL, err, sizeof err);
    if (!psl) fprintf(stderr, "%s\n", err);
    return psl ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ctl_psl_close(psl);
    return 0;
}

static const char *canon(const char *name)
{
    static char out[CTL_HOST_MAX + 1];
    return ctl_host_canon(name, strlen(name), out) < 0 ? NULL : out;
}

static void host_names(void **state)
{
    (void)state;
    assert_string_equal(canon("WWW.Example.COM"), "www.example.com");
    assert_string_equal(canon("example.com."), "example.com");
    assert_string_equal(canon("*.example.com"), "example.com");
    assert_string_equal(canon("_dmarc.example.com"), "_dmarc.example.com");
    assert_string_equal(canon("bücher.de"), "xn--bcher-kva.de");
    assert_string_equal(canon("*.BÜCHER.de."), "xn--bcher-kva.de");
    assert_string_equal(canon("x.中国"), "x.xn--fiqs8s");
    assert_string_equal(canon("localhost"), "localhost");
    assert_null(canon(""));
    assert_null(canon("."));
    assert_null(canon("*."));
    assert_null(canon("*"));
    assert_null(canon("a..b.com"));
    assert_null(canon(".a.com"));
    assert_null(canon("example.com.."));
    assert_null(canon("a b.com"));
    assert_null(canon("a.*.com"));
    assert_null(canon("1.2.3.4"));
    assert_null(canon("10.0.0.1."));
    assert_null(canon("::1"));
    assert_null(canon("2001:db8::1"));
    assert_null(canon("user@example.com"));
    assert_null(canon("Example Org, Inc."));
    assert_null(canon("\xff.com"));
    assert_null(ctl_host_canon("a\0b.com", 7, (char[CTL_HOST_MAX + 1]){0}) < 0 ? NULL : "x");
}

static void host_name_limits(void **state)
{
    (void)state;
    char name[400], out[CTL_HOST_MAX + 1];
    memset(name, 'a', 63);
    strcpy(name + 63, ".com");
    assert_int_equal(ctl_host_canon(name, strlen(name), out), 67);
    memset(name, 'a', 64);
    strcpy(name + 64, ".com");
    assert_int_equal(ctl_host_canon(name, strlen(name), out), -1);
    /* 253 bytes is the most a name may have; 254 is too many. */
    for (int i = 0; i < 63 * 4; i += 2) name[i] = 'a', name[i + 1] = '.';
    memcpy(name + 249, "com", 4);
    assert_int_equal(ctl_host_canon(name, 252, out), 252);
    memcpy(name + 249, "comx", 5);
    assert_int_equal(ctl_host_canon(name, 253, out), 253);
    memcpy(name + 249, "comxy", 6);
    assert_int_equal(ctl_host_canon(name, 254, out), -1);
    /* A long Unicode name must not overflow anything on its way to IDNA. */
    char big[4000];
    size_t k = 0;
    while (k + 2 < sizeof big - 8) big[k++] = (char)0xc3, big[k++] = (char)0xa9;
    strcpy(big + k, ".com");
    assert_int_equal(ctl_host_canon(big, strlen(big), out), -1);
}

static const char *reg(const char *name, int icann)
{
    static char host[CTL_HOST_MAX + 1];
    if (ctl_host_canon(name, strlen(name), host) < 0) return NULL;
    int suffix, r = ctl_psl_split(psl, host, icann, &suffix);
    return r < 0 ? NULL : host + r;
}

static const char *suffix_of(const char *name, int icann)
{
    static char host[CTL_HOST_MAX + 1];
    if (ctl_host_canon(name, strlen(name), host) < 0) return NULL;
    int suffix;
    ctl_psl_split(psl, host, icann, &suffix);
    return host + suffix;
}

static void registrable_domains(void **state)
{
    (void)state;
    assert_string_equal(reg("www.example.com", 0), "example.com");
    assert_string_equal(reg("a.b.c.example.co.uk", 0), "example.co.uk");
    assert_null(reg("co.uk", 0));
    assert_null(reg("com", 0));
    assert_string_equal(reg("foo.github.io", 0), "foo.github.io");
    assert_null(reg("github.io", 0));
    assert_string_equal(reg("foo.github.io", 1), "github.io");
    assert_string_equal(reg("x.y.s3.amazonaws.com", 0), "y.s3.amazonaws.com");
    assert_string_equal(reg("x.y.s3.amazonaws.com", 1), "amazonaws.com");
    /* *.ck with the exception !www.ck */
    assert_string_equal(reg("www.ck", 0), "www.ck");
    assert_string_equal(reg("a.www.ck", 0), "www.ck");
    assert_null(reg("foo.ck", 0));
    assert_string_equal(reg("a.foo.ck", 0), "a.foo.ck");
    /* Unknown top-level domains follow the "*" default rule. */
    assert_string_equal(reg("a.b.zzzz", 0), "b.zzzz");
    assert_string_equal(reg("*.Bücher.DE.", 0), "xn--bcher-kva.de");
    assert_string_equal(reg("sub.example.xn--fiqs8s", 0), "example.xn--fiqs8s");
    assert_string_equal(reg("sub.example.中国", 0), "example.xn--fiqs8s");
}

static void public_suffixes(void **state)
{
    (void)state;
    assert_string_equal(suffix_of("www.example.com", 0), "com");
    assert_string_equal(suffix_of("com", 0), "com");
    assert_string_equal(suffix_of("a.example.co.uk", 0), "co.uk");
    assert_string_equal(suffix_of("foo.github.io", 0), "github.io");
    assert_string_equal(suffix_of("foo.github.io", 1), "io");
    assert_string_equal(suffix_of("a.foo.ck", 0), "foo.ck");
    assert_string_equal(suffix_of("www.ck", 0), "ck");
    assert_string_equal(suffix_of("x.zzzz", 0), "zzzz");
}

static void wildcards(void **state)
{
    (void)state;
    assert_true(ctl_is_wildcard("*.example.com", 13));
    assert_true(ctl_is_wildcard("*", 1));
    assert_false(ctl_is_wildcard("example.com", 11));
    assert_false(ctl_is_wildcard("**.example.com", 14));
    assert_false(ctl_is_wildcard("*example.com", 12));
    assert_false(ctl_is_wildcard("a.*.example.com", 15));
    assert_false(ctl_is_wildcard("", 0));
}

static void expect_convert(int uni, const char *in, const char *want)
{
    const char *err = NULL;
    char *out = uni ? ctl_domain_to_unicode(in, strlen(in), &err)
                    : ctl_domain_to_ascii(in, strlen(in), &err);
    if (!want) {
        assert_null(out);
        assert_non_null(err);
        return;
    }
    if (!out) fail_msg("%s: %s", in, err);
    assert_string_equal(out, want);
    free(out);
}

static void idna(void **state)
{
    (void)state;
    expect_convert(0, "bücher.de", "xn--bcher-kva.de");
    expect_convert(0, "BÜCHER.DE", "xn--bcher-kva.de");
    expect_convert(0, "EXAMPLE.com", "example.com");
    expect_convert(0, "faß.de", "xn--fa-hia.de"); /* non-transitional: ß is kept */
    expect_convert(0, "*.bücher.de.", "*.xn--bcher-kva.de.");
    expect_convert(0, "ｅｘａｍｐｌｅ。com", "example.com");
    expect_convert(0, "xn--bcher-kva.de", "xn--bcher-kva.de");
    expect_convert(1, "xn--80ak6aa92e.com", "аррӏе.com");
    expect_convert(1, "XN--80AK6AA92E.COM", "аррӏе.com");
    expect_convert(1, "*.xn--bcher-kva.de.", "*.bücher.de.");
    expect_convert(1, "example.com", "example.com");
    expect_convert(0, "", NULL);
    expect_convert(0, "*.", NULL);
    expect_convert(0, "ab--cd.com", NULL); /* reserved hyphens in positions 3-4 */
    expect_convert(0, "xn--zz.com", NULL); /* invalid Punycode */
    expect_convert(1, "xn--a.com", NULL);  /* decodes to a non-character */
    expect_convert(0, "-a.com", NULL);     /* leading hyphen */
    expect_convert(0, "a b.com", NULL);    /* not a host name */
    expect_convert(0, "\xff.com", NULL);   /* not UTF-8 */
    expect_convert(0, "a..b.com", NULL);   /* empty label */
    const char *err;
    assert_null(ctl_domain_to_ascii("a\0b.com", 7, &err));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(host_names),          cmocka_unit_test(host_name_limits),
        cmocka_unit_test(registrable_domains), cmocka_unit_test(public_suffixes),
        cmocka_unit_test(wildcards),           cmocka_unit_test(idna),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
