#include <stdlib.h>
#include <string.h>

#include "distance.h"
#include "sqlfn.h"
#include "utf8.h"

SQLITE_EXTENSION_INIT3

static int64_t clamp(int64_t d, int64_t max)
{
    return (max >= 0 && d > max) ? max + 1 : d;
}

/* Pattern bitmasks for the bit-parallel algorithm: bit i of peq(c) is set when a[i] == c.
 * ASCII gets a direct table, but for the patterns of a few code points that trimming the common
 * prefix and suffix usually leaves, where clearing the table would cost more than the search;
 * other code points get a list. */
#define PEQ_LIST 8
struct peq {
    uint64_t ascii[128];
    uint32_t cp[64];
    uint64_t mask[64];
    int ncp, table;
};

static void peq_build(struct peq *p, const uint32_t *a, size_t m)
{
    p->table = m > PEQ_LIST;
    if (p->table) memset(p->ascii, 0, sizeof p->ascii);
    p->ncp = 0;
    for (size_t i = 0; i < m; i++) {
        uint64_t bit = UINT64_C(1) << i;
        if (a[i] < 128 && p->table) {
            p->ascii[a[i]] |= bit;
            continue;
        }
        int k = 0;
        while (k < p->ncp && p->cp[k] != a[i]) k++;
        if (k == p->ncp) p->cp[p->ncp++] = a[i], p->mask[k] = 0;
        p->mask[k] |= bit;
    }
}

static inline uint64_t peq_get(const struct peq *p, uint32_t c)
{
    if (c < 128 && p->table) return p->ascii[c];
    for (int k = 0; k < p->ncp; k++)
        if (p->cp[k] == c) return p->mask[k];
    return 0;
}

/* Hyyrö's bit-vector formulation of Myers' algorithm, with his transposition term for the
 * optimal string alignment distance. The pattern a has 1..64 code points; the text b any
 * number. One machine word holds a whole column of the dynamic-programming matrix as
 * vertical deltas, so each text character costs a handful of word operations. Bits above m
 * carry garbage, but carries and left shifts only move upwards, so bit m-1 stays exact. */
static inline int64_t bitparallel(int osa, const uint32_t *a, size_t m, const uint32_t *b, size_t n,
                                  int64_t max)
{
    struct peq p;
    peq_build(&p, a, m);
    uint64_t vp = ~UINT64_C(0), vn = 0, d0 = 0, eq_prev = 0;
    const uint64_t last = UINT64_C(1) << (m - 1);
    int64_t score = (int64_t)m;
    for (size_t j = 0; j < n; j++) {
        uint64_t eq = peq_get(&p, b[j]);
        uint64_t tr = osa ? (((~d0) & eq) << 1) & eq_prev : 0;
        d0 = (((eq & vp) + vp) ^ vp) | eq | vn | tr;
        uint64_t hp = vn | ~(d0 | vp);
        uint64_t hn = d0 & vp;
        score += (hp & last) != 0;
        score -= (hn & last) != 0;
        hp = (hp << 1) | 1;
        hn <<= 1;
        vp = hn | ~(d0 | hp);
        vn = hp & d0;
        eq_prev = eq;
        /* Each remaining text character lowers the last row by at most one. */
        if (max >= 0 && score - (int64_t)(n - 1 - j) > max) return max + 1;
    }
    return clamp(score, max);
}

/* Row-by-row dynamic program for patterns longer than a word. With a bound only the diagonal
 * band |i - j| <= max is computed (cells outside it exceed max anyway), so the cost is
 * O(n * max) rather than O(n * m). Cells hold at most max + 1. */
static int64_t banded(int osa, const uint32_t *a, size_t m, const uint32_t *b, size_t n,
                      int64_t max)
{
    const size_t band = max >= 0 ? (size_t)max : n;
    const int64_t inf = max >= 0 ? max + 1 : INT64_MAX / 2;
    int64_t *buf = malloc(3 * (n + 2) * sizeof *buf);
    if (!buf) return CTL_DIST_NOMEM;
    int64_t *prev2 = buf, *prev = buf + (n + 2), *cur = buf + 2 * (n + 2);
    for (size_t j = 0; j <= n + 1; j++) prev[j] = j <= band ? (int64_t)j : inf;
    int64_t prev_min = 0;
    for (size_t i = 1; i <= m; i++) {
        size_t lo = i > band ? i - band : 1;
        size_t hi = i + band < n ? i + band : n;
        cur[lo - 1] = lo == 1 ? (i <= band ? (int64_t)i : inf) : inf;
        int64_t row_min = cur[lo - 1];
        for (size_t j = lo; j <= hi; j++) {
            int64_t v = prev[j - 1] + (a[i - 1] != b[j - 1]);
            if (prev[j] + 1 < v) v = prev[j] + 1;
            if (cur[j - 1] + 1 < v) v = cur[j - 1] + 1;
            if (osa && i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                prev2[j - 2] + 1 < v)
                v = prev2[j - 2] + 1;
            cur[j] = v < inf ? v : inf;
            if (cur[j] < row_min) row_min = cur[j];
        }
        cur[hi + 1] = inf;
        /* Two rows entirely above max: no later cell can come back under it (a
         * transposition reaches back two rows, an ordinary edit one). */
        if (max >= 0 && row_min > max && prev_min > max) {
            free(buf);
            return max + 1;
        }
        prev_min = row_min;
        int64_t *t = prev2;
        prev2 = prev, prev = cur, cur = t;
    }
    int64_t d = prev[n];
    free(buf);
    return clamp(d, max);
}

int64_t ctl_edit_distance(enum ctl_edit kind, const uint32_t *a, size_t m, const uint32_t *b,
                          size_t n, int64_t max)
{
    /* A common prefix or suffix never takes part in an optimal alignment's edits. */
    while (m && n && *a == *b) a++, b++, m--, n--;
    while (m && n && a[m - 1] == b[n - 1]) m--, n--;
    if (m > n) {
        const uint32_t *t = a;
        a = b, b = t;
        size_t tn = m;
        m = n, n = tn;
    }
    if (max >= 0 && (int64_t)(n - m) > max) return max + 1;
    if (m == 0) return clamp((int64_t)n, max);
    int osa = kind == CTL_OSA;
    if (m <= 64) return osa ? bitparallel(1, a, m, b, n, max) : bitparallel(0, a, m, b, n, max);
    return banded(osa, a, m, b, n, max);
}

int64_t ctl_edit_distance_utf8(enum ctl_edit kind, const char *a, size_t na, const char *b,
                               size_t nb, int64_t max)
{
    enum { STACK = 256 };
    uint32_t sa[STACK], sb[STACK], *ca = sa, *cb = sb;
    int64_t r = CTL_DIST_NOMEM;
    if (na > STACK && !(ca = malloc(na * sizeof *ca))) goto out;
    if (nb > STACK && !(cb = malloc(nb * sizeof *cb))) goto out;
    ptrdiff_t m = ctl_utf8_decode((const unsigned char *)a, na, ca);
    ptrdiff_t n = ctl_utf8_decode((const unsigned char *)b, nb, cb);
    if (m < 0)
        r = CTL_DIST_BAD_A;
    else if (n < 0)
        r = CTL_DIST_BAD_B;
    else
        r = ctl_edit_distance(kind, ca, (size_t)m, cb, (size_t)n, max);
out:
    if (ca != sa) free(ca);
    if (cb != sb) free(cb);
    return r;
}

/* ---- SQL binding ---- */

static void distance_sql(sqlite3_context *ctx, int argc, sqlite3_value **argv, enum ctl_edit kind,
                         const char *fname)
{
    for (int i = 0; i < argc; i++)
        if (sqlite3_value_type(argv[i]) == SQLITE_NULL) return;
    int64_t max = -1;
    if (argc == 3) {
        if (sqlite3_value_type(argv[2]) != SQLITE_INTEGER || sqlite3_value_int64(argv[2]) < 0) {
            ctl_errorf(ctx, "%s: max must be a non-negative integer", fname);
            return;
        }
        max = sqlite3_value_int64(argv[2]);
    }
    const char *a = (const char *)sqlite3_value_text(argv[0]);
    size_t na = (size_t)sqlite3_value_bytes(argv[0]);
    const char *b = (const char *)sqlite3_value_text(argv[1]);
    size_t nb = (size_t)sqlite3_value_bytes(argv[1]);
    if (!a || !b) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    int64_t d = ctl_edit_distance_utf8(kind, a, na, b, nb, max);
    if (d == CTL_DIST_BAD_A || d == CTL_DIST_BAD_B)
        ctl_errorf(ctx, "%s: %s argument is not valid UTF-8", fname,
                   d == CTL_DIST_BAD_A ? "first" : "second");
    else if (d < 0)
        sqlite3_result_error_nomem(ctx);
    else
        sqlite3_result_int64(ctx, d);
}

static void levenshtein_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    distance_sql(ctx, argc, argv, CTL_LEVENSHTEIN, "levenshtein");
}

static void damerau_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    distance_sql(ctx, argc, argv, CTL_OSA, "damerau_levenshtein");
}

static const struct ctl_fn fns[] = {
    {"levenshtein", 2, CTL_PURE, levenshtein_fn},
    {"levenshtein", 3, CTL_PURE, levenshtein_fn},
    {"damerau_levenshtein", 2, CTL_PURE, damerau_fn},
    {"damerau_levenshtein", 3, CTL_PURE, damerau_fn},
};

int distance_register(sqlite3 *db)
{
    return ctl_register_fns(db, fns, sizeof fns / sizeof *fns, NULL, NULL);
}
