/* typosquat: the generator's own encoder agrees with libidn2, names are valid and unique, and
 * bad labels are refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <idn2.h>

#include "distance.h"
#include "domain.h"
#include "typosquat.h"

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

/* Generates the look-alikes of name; returns -1 with err on refusal. */
static int generate(const char *name, uint32_t fuzzers, struct ctl_squats *out, char *err)
{
    static char host[CTL_HOST_MAX + 1];
    assert_true(ctl_host_canon(name, strlen(name), host) >= 0);
    int suffix, reg = ctl_psl_split(psl, host, 0, &suffix);
    assert_true(reg >= 0);
    struct ctl_squat_args a = {
        .host = host, .reg = (size_t)reg, .suffix = (size_t)suffix, .fuzzers = fuzzers};
    return ctl_typosquat(&a, out, err, 256);
}

/* The distance of a row whose name keeps the domain's subdomain and suffix, from its Unicode
 * form: the part between them against the original label. -1 for other names. */
static int64_t distance_of(const char *unicode, const char *domain_u, size_t reg, size_t suffix)
{
    size_t n = strlen(unicode), nd = strlen(domain_u), ns = nd - suffix;
    if (n <= reg + ns + 1 || memcmp(unicode, domain_u, reg) != 0 ||
        strcmp(unicode + n - ns, domain_u + suffix) != 0 || unicode[n - ns - 1] != '.')
        return -1;
    return ctl_edit_distance_utf8(CTL_OSA, unicode + reg, n - ns - 1 - reg, domain_u + reg,
                                  suffix - 1 - reg, -1);
}

/* Every A-label is what libidn2 makes of its own decoding, so the fast encoder is exact; the
 * Unicode forms and distances the rows keep agree with libidn2's decoding of the names. */
static void alabels_match_libidn2(void **state)
{
    (void)state;
    const char *domains[] = {"example.com", "bücher.de", "xn--80ak6aa92e.com", "münchen.info",
                             "παράδειγμα.gr", "sub.éxample.co.uk", "xn--d1acufc.xn--p1ai",
                             /* 55 times U+20000: the longest Unicode forms, through libidn2 */
                             "xn--j50iaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com"};
    size_t checked = 0;
    for (size_t d = 0; d < sizeof domains / sizeof *domains; d++) {
        struct ctl_squats s = {0};
        char err[256];
        const char *e;
        assert_int_equal(generate(domains[d], 0, &s, err), 0);
        assert_true(s.n > 50);
        /* The domain in Unicode, with the offsets of its label and suffix there. */
        char *domain_u = ctl_domain_to_unicode(domains[d], strlen(domains[d]), &e);
        char host[CTL_HOST_MAX + 1];
        ctl_host_canon(domain_u, strlen(domain_u), host);
        int suffix, reg = ctl_psl_split(psl, host, 0, &suffix);
        char *pre = reg ? ctl_domain_to_unicode(host, (size_t)reg, &e) : strdup("");
        char *suf = ctl_domain_to_unicode(host + suffix, strlen(host + suffix), &e);
        size_t reg_u = strlen(pre), suffix_u = strlen(domain_u) - strlen(suf);
        for (size_t i = 0; i < s.n; i++) {
            const char *name = s.text + s.v[i].name;
            char canon[CTL_HOST_MAX + 1];
            assert_int_equal(ctl_host_canon(name, strlen(name), canon), (int)strlen(name));
            assert_true(s.v[i].fuzzers != 0);
            char *u = ctl_squat_unicode(&s, i),
                 *want = ctl_domain_to_unicode(name, strlen(name), &e);
            assert_string_equal(u, want);
            int64_t dist = distance_of(u, domain_u, reg_u, suffix_u);
            if (dist >= 0) assert_int_equal(ctl_squat_distance(&s, i), dist);
            free(u);
            free(want);
            if (!strstr(name, "xn--")) continue;
            char *dec = NULL, *a = NULL;
            assert_int_equal(idn2_to_unicode_8z8z(name, &dec, 0), IDN2_OK);
            assert_int_equal(idn2_to_ascii_8z(dec, &a, IDN2_NFC_INPUT | IDN2_NO_TR46), IDN2_OK);
            assert_string_equal(a, name);
            free(dec);
            free(a);
            checked++;
        }
        ctl_squats_free(&s);
        free(domain_u);
        free(pre);
        free(suf);
    }
    assert_true(checked > 5000);
}

static int strcmp_ptr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void names_are_unique(void **state)
{
    (void)state;
    struct ctl_squats s = {0};
    char err[256];
    assert_int_equal(generate("bankofamerica.com", 0, &s, err), 0);
    assert_true(s.n > 13383); /* dnstwist's Debian release makes 13,383 */
    for (size_t i = 1; i < s.n; i++) assert_true(s.v[i].name > s.v[i - 1].name);
    /* Sorted copies of the names hold no two equal. */
    const char **names = malloc(s.n * sizeof *names);
    for (size_t i = 0; i < s.n; i++) names[i] = s.text + s.v[i].name;
    qsort(names, s.n, sizeof *names, strcmp_ptr);
    for (size_t i = 1; i < s.n; i++) assert_true(strcmp(names[i - 1], names[i]) != 0);
    free(names);
    ctl_squats_free(&s);
}

static void fuzzer_names(void **state)
{
    (void)state;
    uint32_t mask;
    char err[256];
    assert_int_equal(ctl_fuzzers_parse("addition, vowel-swap,various", &mask, err, sizeof err), 0);
    assert_int_equal(mask,
                     (1u << CTL_FZ_ADDITION) | (1u << CTL_FZ_VOWEL_SWAP) | (1u << CTL_FZ_VARIOUS));
    assert_int_equal(ctl_fuzzers_parse("addition,,omission", &mask, err, sizeof err), -1);
    assert_non_null(strstr(err, "unknown fuzzer ''"));
    for (int f = 0; f < CTL_FZ_COUNT; f++) {
        assert_int_equal(ctl_fuzzers_parse(ctl_fuzzer_name(f), &mask, err, sizeof err), 0);
        assert_int_equal(mask, 1u << f);
    }
}

static void bad_labels(void **state)
{
    (void)state;
    struct ctl_squats s = {0};
    char err[256];
    assert_int_equal(generate("foo_bar.com", 0, &s, err), -1);
    assert_string_equal(err, "'foo_bar' is not a valid IDNA2008 label");
    assert_int_equal(generate("xn--zz.com", 0, &s, err), -1);
    assert_int_equal(generate("a_b.example.com", 0, &s, err), -1);
    assert_string_equal(err, "'a_b' is not a valid IDNA2008 label");
    ctl_squats_free(&s);
}

/* A struct passed again gives what a fresh one gives, after a refusal too. */
static void reuse(void **state)
{
    (void)state;
    struct ctl_squats fresh = {0}, s = {0};
    char err[256];
    assert_int_equal(generate("bankofamerica.com", 0, &s, err), 0);
    assert_int_equal(generate("foo_bar.com", 0, &s, err), -1);
    assert_int_equal(s.n, 0);
    assert_int_equal(generate("paypal.co.uk", 0, &s, err), 0);
    assert_int_equal(generate("paypal.co.uk", 0, &fresh, err), 0);
    assert_int_equal(s.n, fresh.n);
    for (size_t i = 0; i < s.n; i++) {
        assert_string_equal(s.text + s.v[i].name, fresh.text + fresh.v[i].name);
        assert_int_equal(s.v[i].fuzzers, fresh.v[i].fuzzers);
        assert_int_equal(ctl_squat_distance(&s, i), ctl_squat_distance(&fresh, i));
    }
    ctl_squats_free(&s);
    ctl_squats_free(&fresh);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(alabels_match_libidn2),
        cmocka_unit_test(names_are_unique),
        cmocka_unit_test(fuzzer_names),
        cmocka_unit_test(bad_labels),
        cmocka_unit_test(reuse),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
