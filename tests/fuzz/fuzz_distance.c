/* Fuzz target for the edit distances (distance.h).
 *
 * The implementation is fast rather than obvious: common prefix and suffix stripping, a
 * bit-parallel algorithm for patterns up to 64 code points, a banded dynamic program above
 * that, and early exits under a bound. Each of those can be wrong in ways unit tests miss, so
 * every result is compared with the textbook full-matrix dynamic program below, for both
 * Levenshtein and optimal string alignment, unbounded and bounded (result must be
 * min(d, max + 1)), in both argument orders (both distances are symmetric). Short inputs are
 * also stretched past 64 code points so the banded path sees the same differences.
 *
 * Input: byte 0 picks the bound; the rest is a, 0xFF, b (0xFF never occurs in UTF-8, so a
 * valid a cannot swallow the separator). Without 0xFF the rest is split in half. Inputs over
 * MAX_INPUT bytes are skipped: the quadratic checks would drag the exec rate down for little
 * gain, since every path is reached by far shorter strings. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "distance.h"
#include "utf8.h"

/* UBSan reports are warnings by default in this build; a fuzzer must stop on them. */
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
    return "halt_on_error=1:print_stacktrace=1";
}

enum { MAX_INPUT = 300, LONG_MIN_CPS = 65, MID_CPS = 66 };

/* Uninstrumented: tracing the oracle's comparisons costs time on every input and guides the
 * fuzzer towards nothing in ext/. */
__attribute__((no_sanitize("coverage"), noinline)) static int64_t
reference(int osa, const uint32_t *a, size_t m, const uint32_t *b, size_t n)
{
    const size_t w = n + 1;
    int32_t *d = malloc((m + 1) * w * sizeof *d);
    if (!d) abort();
    for (size_t i = 0; i <= m; i++) d[i * w] = (int32_t)i;
    for (size_t j = 0; j <= n; j++) d[j] = (int32_t)j;
    for (size_t i = 1; i <= m; i++) {
        for (size_t j = 1; j <= n; j++) {
            int32_t v = d[(i - 1) * w + j - 1] + (a[i - 1] != b[j - 1]);
            if (d[(i - 1) * w + j] + 1 < v) v = d[(i - 1) * w + j] + 1;
            if (d[i * w + j - 1] + 1 < v) v = d[i * w + j - 1] + 1;
            if (osa && i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[(i - 2) * w + j - 2] + 1 < v)
                v = d[(i - 2) * w + j - 2] + 1;
            d[i * w + j] = v;
        }
    }
    int64_t r = d[m * w + n];
    free(d);
    return r;
}

static uint32_t *decode(const char *s, size_t n, size_t *count)
{
    uint32_t *cps = malloc((n + 1) * sizeof *cps);
    if (!cps) abort();
    ptrdiff_t k = ctl_utf8_decode((const unsigned char *)s, n, cps);
    if (k < 0) __builtin_trap(); /* callers pass only validated strings */
    *count = (size_t)k;
    return cps;
}

/* Compares every entry point variant on valid strings a and b against the reference. */
static void check_pair(const char *a, size_t na, const char *b, size_t nb, int64_t max)
{
    size_t m, n;
    uint32_t *ca = decode(a, na, &m), *cb = decode(b, nb, &n);
    for (int osa = 0; osa <= 1; osa++) {
        enum ctl_edit kind = osa ? CTL_OSA : CTL_LEVENSHTEIN;
        int64_t d = reference(osa, ca, m, cb, n);
        int64_t bounded = d > max ? max + 1 : d;
        if (ctl_edit_distance_utf8(kind, a, na, b, nb, -1) != d) __builtin_trap();
        if (ctl_edit_distance_utf8(kind, b, nb, a, na, -1) != d) __builtin_trap();
        if (ctl_edit_distance_utf8(kind, a, na, b, nb, max) != bounded) __builtin_trap();
        if (ctl_edit_distance_utf8(kind, b, nb, a, na, max) != bounded) __builtin_trap();
        /* The code-point entry point is what the UTF-8 one wraps; it must agree too. */
        if (ctl_edit_distance(kind, ca, m, cb, n, max) != bounded) __builtin_trap();
    }
    free(ca);
    free(cb);
}

struct buf {
    char *p;
    size_t n, cap;
};

static void append(struct buf *o, const char *s, size_t n)
{
    if (o->n + n > o->cap) {
        o->cap = (o->n + n) * 2 + 16;
        o->p = realloc(o->p, o->cap);
        if (!o->p) abort();
    }
    memcpy(o->p + o->n, s, n);
    o->n += n;
}

/* Appends s (k code points, k > 0) until o holds at least want code points. */
static void repeat(struct buf *o, size_t *have, const char *s, size_t ns, size_t k, size_t want)
{
    while (*have < want) append(o, s, ns), *have += k;
}

/* Stretches short a and b past 64 code points in two ways: each repeated on its own (large
 * distances, mostly decided by the bound shortcuts), and both wrapped around one long common
 * middle (small distances over long strings: the band itself has to be right). */
static void check_long(const char *a, size_t na, size_t m, const char *b, size_t nb, size_t n,
                       int64_t max)
{
    if (m == 0 || n == 0) return;
    struct buf x = {0}, y = {0}, mid = {0};
    size_t hx = 0, hy = 0, hm = 0;
    repeat(&x, &hx, a, na, m, LONG_MIN_CPS);
    repeat(&y, &hy, b, nb, n, LONG_MIN_CPS);
    check_pair(x.p, x.n, y.p, y.n, max);

    /* a.mid.b and b.mid.a differ only at their ends, so the common middle survives prefix and
     * suffix stripping and the band has to carry the alignment across it. */
    while (hm < MID_CPS) {
        append(&mid, b, nb), hm += n;
        append(&mid, "-", 1), hm++;
        append(&mid, a, na), hm += m;
    }
    x.n = y.n = 0;
    append(&x, a, na), append(&x, mid.p, mid.n), append(&x, b, nb);
    append(&y, b, nb), append(&y, mid.p, mid.n), append(&y, a, na);
    check_pair(x.p, x.n, y.p, y.n, max);
    free(x.p);
    free(y.p);
    free(mid.p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > MAX_INPUT) return 0;
    const int64_t max = data[0] % 6;
    const char *rest = (const char *)data + 1;
    size_t nrest = size - 1;
    const char *sep = memchr(rest, 0xFF, nrest);
    size_t na = sep ? (size_t)(sep - rest) : nrest / 2;
    size_t nb = nrest - na - (sep ? 1 : 0);
    /* Exact-size copies, so that reading past either string is an ASan error. */
    char *a = malloc(na ? na : 1), *b = malloc(nb ? nb : 1);
    if (!a || !b) abort();
    memcpy(a, rest, na);
    memcpy(b, rest + nrest - nb, nb);

    int va = ctl_utf8_valid((const unsigned char *)a, na);
    int vb = ctl_utf8_valid((const unsigned char *)b, nb);
    for (int osa = 0; osa <= 1; osa++) {
        enum ctl_edit kind = osa ? CTL_OSA : CTL_LEVENSHTEIN;
        int64_t want = !va ? CTL_DIST_BAD_A : !vb ? CTL_DIST_BAD_B : 0;
        int64_t got = ctl_edit_distance_utf8(kind, a, na, b, nb, max);
        if (want < 0 ? got != want : got < 0) __builtin_trap();
    }
    if (va && vb) {
        check_pair(a, na, b, nb, max);
        size_t m, n;
        free(decode(a, na, &m));
        free(decode(b, nb, &n));
        if (m <= 32 && n <= 32) check_long(a, na, m, b, nb, n, max);
    }
    free(a);
    free(b);
    return 0;
}
