/* Fuzz target for host names, IDNA and the Public Suffix List (domain.h).
 *
 * ctl_host_canon is the gate every certificate name passes before it is grouped, compared or
 * split, so its output must really be canonical: lowercase letters, digits, '-', '_' and
 * dots, labels of 1..63 bytes, at most 253 bytes, and a fixed point of itself (otherwise one
 * host could land in two groups). ctl_psl_split hands out offsets that callers use to index
 * into the host without further checks, so they must lie inside it and on label boundaries.
 * The IDNA conversions wrap libidn2, whose contract (NULL plus message, or a string) is
 * checked on arbitrary bytes, including NUL and invalid UTF-8. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "utf8.h"

/* UBSan reports are warnings by default in this build; a fuzzer must stop on them. */
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
    return "halt_on_error=1:print_stacktrace=1";
}

static const ctl_psl *psl(void)
{
    static ctl_psl *p;
    if (!p) {
        char err[600];
        p = ctl_psl_open(NULL, err, sizeof err);
        if (!p) {
            /* Without a list the split checks would silently never run. */
            fprintf(stderr, "fuzz_domain: %s\n", err);
            abort();
        }
    }
    return p;
}

static int label_start(const char *host, int off)
{
    return off == 0 || host[off - 1] == '.';
}

static void check_canonical(const char *host, int len)
{
    if (len < 1 || len > CTL_HOST_MAX || (size_t)len != strlen(host)) __builtin_trap();
    if (host[0] == '.' || host[len - 1] == '.') __builtin_trap();
    int label = 0;
    for (int i = 0; i < len; i++) {
        char c = host[i];
        if (c == '.') {
            if (label == 0) __builtin_trap();
            label = 0;
            continue;
        }
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            __builtin_trap();
        if (++label > 63) __builtin_trap();
    }

    char again[CTL_HOST_MAX + 1];
    if (ctl_host_canon(host, (size_t)len, again) != len || memcmp(again, host, (size_t)len + 1))
        __builtin_trap();

    for (int icann = 0; icann <= 1; icann++) {
        int suffix = -2;
        int reg = ctl_psl_split(psl(), host, icann, &suffix);
        if (suffix < 0 || suffix >= len || !label_start(host, suffix)) __builtin_trap();
        if (reg != -1 && (reg < 0 || reg > suffix || !label_start(host, reg))) __builtin_trap();
    }
}

/* Both results go back to SQLite as TEXT, so they must at least be UTF-8; an A-label result
 * must be plain ASCII. */
static void check_conversion(char *(*conv)(const char *, size_t, const char **), const char *name,
                             size_t n, int ascii_only)
{
    const char *err = NULL;
    char *out = conv(name, n, &err);
    if (!out) {
        if (!err || !*err) __builtin_trap();
        return;
    }
    size_t len = strlen(out); /* ASan catches a missing terminator here */
    if (!ctl_utf8_valid((const unsigned char *)out, len)) __builtin_trap();
    if (ascii_only)
        for (size_t i = 0; i < len; i++)
            if ((unsigned char)out[i] >= 0x80) __builtin_trap();
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* An exact-size copy, so that reading past n is an ASan error rather than luck. */
    char *name = malloc(size ? size : 1);
    if (!name) abort();
    memcpy(name, data, size);

    char host[CTL_HOST_MAX + 1];
    int len = ctl_host_canon(name, size, host);
    if (len < -1) __builtin_trap();
    if (len >= 0) check_canonical(host, len);

    int w = ctl_is_wildcard(name, size);
    if (w != 0 && w != 1) __builtin_trap();

    check_conversion(ctl_domain_to_ascii, name, size, 1);
    check_conversion(ctl_domain_to_unicode, name, size, 0);
    free(name);
    return 0;
}
