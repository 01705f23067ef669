/* Fuzz target for the look-alike generator (typosquat.h).
 *
 * Whatever domain it is given, the generator either refuses it with a message or makes
 * names that are all valid host names, never the domain itself, each from at least one
 * fuzzer. Inputs are short: the work grows fast with the label, and a long one only finds
 * the generator's own limit. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "typosquat.h"

const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
    return "halt_on_error=1:print_stacktrace=1";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ctl_psl *psl;
    char err[600];
    if (!psl && !(psl = ctl_psl_open(NULL, err, sizeof err))) abort();
    if (size > 40) return 0;
    char host[CTL_HOST_MAX + 1];
    if (ctl_host_canon((const char *)data, size, host) < 0) return 0;
    int suffix, reg = ctl_psl_split(psl, host, 0, &suffix);
    if (reg < 0) return 0;
    static const char *const words[] = {"login", "pay"}, *const tlds[] = {"net", "co.uk"};
    struct ctl_squat_args a = {.host = host,
                               .reg = (size_t)reg,
                               .suffix = (size_t)suffix,
                               .words = words,
                               .nwords = 2,
                               .tlds = tlds,
                               .ntlds = 2};
    struct ctl_squats s = {0};
    if (ctl_typosquat(&a, &s, err, sizeof err) < 0) {
        if (!err[0] || s.n) __builtin_trap();
        ctl_squats_free(&s);
        return 0;
    }
    for (size_t i = 0; i < s.n; i++) {
        const char *name = s.text + s.v[i].name;
        size_t n = strlen(name);
        char canon[CTL_HOST_MAX + 1];
        if (ctl_host_canon(name, n, canon) != (int)n || strcmp(canon, name) != 0) __builtin_trap();
        if (strcmp(name, host) == 0 || !s.v[i].fuzzers || strchr(name, '_')) __builtin_trap();
        const char *e;
        char *u = ctl_squat_unicode(&s, i), *want = ctl_domain_to_unicode(name, n, &e);
        /* want is NULL where UTS #46 refuses a name that IDNA2008 allows */
        if (!u || (want && strcmp(u, want) != 0)) __builtin_trap();
        free(u);
        free(want);
        if (ctl_squat_distance(&s, i) > 2 * CTL_HOST_MAX) __builtin_trap();
        for (const char *l = name; l; l = strchr(l, '.') ? strchr(l, '.') + 1 : NULL)
            if (l[0] == '-' ||
                (strlen(l) >= 4 && l[2] == '-' && l[3] == '-' && strncmp(l, "xn--", 4) != 0))
                __builtin_trap();
    }
    ctl_squats_free(&s);
    return 0;
}
