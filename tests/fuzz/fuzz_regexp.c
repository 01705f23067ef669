/* Fuzz target for the REGEXP operator (regexp.h).
 *
 * Patterns come from users and texts from certificates, so both are hostile: any bytes must
 * give 1, 0, or -1 with a message (never a crash, a hang past the backtracking budget, or an
 * empty error). The compiled-pattern cache lives across inputs, as it does across rows in a
 * query, so lookups, misses and LRU evictions run against a long history; the same call
 * repeated at once (now a cache hit) must give the same answer as the miss before it.
 *
 * Input: pattern, a newline, text. Without a newline the pattern is matched against a
 * typical certificate name. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "regexp.h"

/* UBSan reports are warnings by default in this build; a fuzzer must stop on them. */
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
    return "halt_on_error=1:print_stacktrace=1";
}

static int match(ctl_regex_cache *c, const char *pat, size_t np, const char *text, size_t nt)
{
    char err[300];
    memset(err, 'x', sizeof err); /* no accidental terminator left from a previous call */
    int r = ctl_regex_match(c, pat, np, text, nt, err, sizeof err);
    if (r == -1) {
        size_t len = strnlen(err, sizeof err);
        if (len == 0 || len == sizeof err) __builtin_trap();
    } else if (r != 0 && r != 1) {
        __builtin_trap();
    }
    return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ctl_regex_cache *cache;
    if (!cache && !(cache = ctl_regex_cache_new())) abort();

    /* Exact-size copies, so that reading past either end is an ASan error. */
    const uint8_t *nl = memchr(data, '\n', size);
    size_t np = nl ? (size_t)(nl - data) : size;
    static const char sample[] = "*.login.xn--80ak6aa92e.example.com";
    size_t nt = nl ? size - np - 1 : sizeof sample - 1;
    char *pat = malloc(np ? np : 1), *text = malloc(nt ? nt : 1);
    if (!pat || !text) abort();
    memcpy(pat, data, np);
    memcpy(text, nl ? (const char *)nl + 1 : sample, nt);

    int first = match(cache, pat, np, text, nt);
    int second = match(cache, pat, np, text, nt);
    if (first != second) __builtin_trap();

    free(pat);
    free(text);
    return 0;
}
