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

/* Every A-label is what libidn2 makes of its own decoding, so the fast encoder is exact. */
static void alabels_match_libidn2(void **state)
{
    (void)state;
    const char *domains[] = {"example.com",  "bücher.de",     "xn--80ak6aa92e.com",
                             "münchen.info", "παράδειγμα.gr", "sub.éxample.co.uk"};
    size_t checked = 0;
    for (size_t d = 0; d < sizeof domains / sizeof *domains; d++) {
        struct ctl_squats s;
        char err[256];
        assert_int_equal(generate(domains[d], 0, &s, err), 0);
        assert_true(s.n > 50);
        for (size_t i = 0; i < s.n; i++) {
            const char *name = s.text + s.v[i].name;
            char canon[CTL_HOST_MAX + 1];
            assert_int_equal(ctl_host_canon(name, strlen(name), canon), (int)strlen(name));
            assert_true(s.v[i].fuzzers != 0);
            if (!strstr(name, "xn--")) continue;
            char *u = NULL, *a = NULL;
            assert_int_equal(idn2_to_unicode_8z8z(name, &u, 0), IDN2_OK);
            assert_int_equal(idn2_to_ascii_8z(u, &a, IDN2_NFC_INPUT | IDN2_NO_TR46), IDN2_OK);
            assert_string_equal(a, name);
            free(u);
            free(a);
            checked++;
        }
        ctl_squats_free(&s);
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
    struct ctl_squats s;
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
    struct ctl_squats s;
    char err[256];
    assert_int_equal(generate("foo_bar.com", 0, &s, err), -1);
    assert_string_equal(err, "'foo_bar' is not a valid IDNA2008 label");
    assert_int_equal(generate("xn--zz.com", 0, &s, err), -1);
    assert_int_equal(generate("a_b.example.com", 0, &s, err), -1);
    assert_string_equal(err, "'a_b' is not a valid IDNA2008 label");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(alabels_match_libidn2),
        cmocka_unit_test(names_are_unique),
        cmocka_unit_test(fuzzer_names),
        cmocka_unit_test(bad_labels),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
