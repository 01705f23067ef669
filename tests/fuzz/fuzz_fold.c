/* Fuzz target for the look-alike skeleton (fold.h).
 *
 * domain_fold is used as a comparison key: two names match when their skeletons are equal.
 * That only works if the skeleton is a fixed point (folding it again changes nothing; else a
 * stored skeleton would not match a freshly folded one) and if it is free of everything the
 * fold promises to remove: uppercase ASCII, the digits 0 and 1, the letter l and the pairs
 * rn, vv and cl. Failure is allowed only for invalid UTF-8, which ctl_utf8_valid decides
 * independently. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fold.h"
#include "utf8.h"

/* UBSan reports are warnings by default in this build; a fuzzer must stop on them. */
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
    return "halt_on_error=1:print_stacktrace=1";
}

static int contains(const char *s, size_t n, const char *pair)
{
    for (size_t i = 0; i + 1 < n; i++)
        if (s[i] == pair[0] && s[i + 1] == pair[1]) return 1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* An exact-size copy, so that reading past n is an ASan error rather than luck. */
    char *in = malloc(size ? size : 1);
    if (!in) abort();
    memcpy(in, data, size);

    const char *err = NULL;
    size_t n = (size_t)-1;
    char *out = ctl_fold(in, size, &n, &err);
    int valid = ctl_utf8_valid(data, size);
    if (!out) {
        if (!err || !*err || valid) __builtin_trap();
        free(in);
        return 0;
    }
    if (!valid || n == (size_t)-1 || out[n] != 0) __builtin_trap();
    if (!ctl_utf8_valid((const unsigned char *)out, n)) __builtin_trap();

    for (size_t i = 0; i < n; i++) {
        char c = out[i];
        if ((c >= 'A' && c <= 'Z') || c == 'l' || c == '0' || c == '1') __builtin_trap();
    }
    if (contains(out, n, "rn") || contains(out, n, "vv") || contains(out, n, "cl"))
        __builtin_trap();

    size_t n2 = (size_t)-1;
    char *again = ctl_fold(out, n, &n2, &err);
    if (!again || n2 != n || memcmp(again, out, n) != 0) __builtin_trap();
    free(again);
    free(out);
    free(in);
    return 0;
}
