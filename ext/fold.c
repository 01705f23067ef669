#include <idn2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>

#include "fold.h"
#include "fold_table.h"
#include "sqlfn.h"
#include "utf8.h"

SQLITE_EXTENSION_INIT3

struct out {
    char *p;
    size_t n, cap;
    int oom;
};

static void push(struct out *o, const char *s, size_t n)
{
    if (o->oom) return;
    if (o->n + n + 1 > o->cap) {
        size_t cap = (o->cap + n + 1) * 2;
        char *p = realloc(o->p, cap);
        if (!p) {
            o->oom = 1;
            return;
        }
        o->p = p, o->cap = cap;
    }
    memcpy(o->p + o->n, s, n);
    o->n += n;
}

/* The letter imitated by the pair a b, or 0. */
static char pair(char a, char b)
{
    if (a == 'r' && b == 'n') return 'm';
    if (a == 'v' && b == 'v') return 'w';
    if (a == 'c' && b == 'l') return 'd';
    return 0;
}

/* Appends one ASCII character; 1 joins l here, and l joins i at the very end (ctl_fold),
 * after the pairs have been merged, so that a "ci" never reads as the "cl" of d. Merging right
 * after each append leaves no pair in the output, so folding a folded name changes nothing. */
static void put_ascii(struct out *o, char c)
{
    if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
    if (c == '0') c = 'o';
    if (c == '1') c = 'l';
    push(o, &c, 1);
    while (!o->oom && o->n >= 2) {
        char m = pair(o->p[o->n - 2], o->p[o->n - 1]);
        if (!m) break;
        o->p[--o->n - 1] = m;
    }
}

static int entry_cmp(const void *key, const void *elem)
{
    uint32_t c = *(const uint32_t *)key, e = ((const struct fold_entry *)elem)->cp;
    return c < e ? -1 : c > e;
}

static void put_cp(struct out *o, uint32_t c, int depth)
{
    if (c >= 0x80) c = uc_tolower(c);
    if (c < 0x80) {
        put_ascii(o, (char)c);
        return;
    }
    const struct fold_entry *e = bsearch(&c, fold_table, sizeof fold_table / sizeof *fold_table,
                                         sizeof *fold_table, entry_cmp);
    if (e) {
        for (const char *k = e->ascii; *k; k++) put_ascii(o, *k);
        return;
    }
    /* Marks and zero-width characters change nothing a reader sees. */
    if (uc_is_general_category(c, UC_CATEGORY_Mn) || uc_is_general_category(c, UC_CATEGORY_Me) ||
        uc_is_general_category(c, UC_CATEGORY_Cf))
        return;
    ucs4_t dec[UC_DECOMPOSITION_MAX_LENGTH];
    int tag, nd = depth < 8 ? uc_decomposition(c, &tag, dec) : -1;
    if (nd > 0) {
        for (int i = 0; i < nd; i++) put_cp(o, dec[i], depth + 1);
        return;
    }
    unsigned char u[4];
    push(o, (const char *)u, (size_t)ctl_utf8_encode(c, u));
}

/* Folds a valid A-label as the Unicode a browser would show; returns 0 when label is not one
 * (browsers show those as they are, and so do we). */
static int put_alabel(struct out *o, const char *label, size_t n)
{
    char buf[64], *check = NULL;
    uint32_t *u = NULL;
    if (n < 5 || n > 63 || strncasecmp(label, "xn--", 4) != 0) return 0;
    memcpy(buf, label, n);
    buf[n] = 0;
    int ok = idn2_to_ascii_8z(buf, &check, IDN2_NONTRANSITIONAL) == IDN2_OK &&
             idn2_to_unicode_8z4z(buf, &u, 0) == IDN2_OK;
    if (ok)
        for (uint32_t *p = u; *p; p++) put_cp(o, *p, 0);
    free(check);
    free(u);
    return ok;
}

/* Drops every leading "*." and every trailing dot of s[*n]; returns the new start. */
static const unsigned char *strip(const unsigned char *p, size_t *n)
{
    while (*n >= 2 && p[0] == '*' && p[1] == '.') p += 2, *n -= 2;
    while (*n > 0 && p[*n - 1] == '.') (*n)--;
    return p;
}

/* One pass over valid UTF-8. */
static char *fold_once(const unsigned char *p, size_t n, size_t *outlen, const char **err)
{
    p = strip(p, &n);
    struct out o = {0};
    push(&o, "", 0); /* room for the terminator even when the result is empty */
    size_t i = 0;
    while (i <= n && !o.oom) {
        const unsigned char *dot = memchr(p + i, '.', n - i);
        size_t end = dot ? (size_t)(dot - p) : n;
        if (!put_alabel(&o, (const char *)p + i, end - i)) {
            while (i < end) {
                uint32_t c;
                size_t len = p[i] < 0x80 ? 1 : p[i] >= 0xF0 ? 4 : p[i] >= 0xE0 ? 3 : 2;
                ctl_utf8_decode(p + i, len, &c);
                put_cp(&o, c, 0);
                i += len;
            }
        }
        if (dot) put_ascii(&o, '.');
        i = end + 1;
    }
    if (o.oom) {
        free(o.p);
        return *err = "out of memory", NULL;
    }
    for (size_t k = 0; k < o.n; k++)
        if (o.p[k] == 'l') o.p[k] = 'i';
    /* Look-alike characters can fold into a "*." or a dot at either end... */
    size_t len = o.n;
    const unsigned char *q = strip((const unsigned char *)o.p, &len);
    memmove(o.p, q, len);
    o.p[len] = 0;
    *outlen = len;
    return o.p;
}

static int has_xn(const char *s, size_t n)
{
    for (size_t i = 0; i + 4 <= n; i++)
        if (memcmp(s + i, "xn--", 4) == 0) return 1;
    return 0;
}

char *ctl_fold(const char *s, size_t n, size_t *outlen, const char **err)
{
    if (!ctl_utf8_valid((const unsigned char *)s, n))
        return *err = "argument is not valid UTF-8", NULL;
    char *r = fold_once((const unsigned char *)s, n, outlen, err);
    /* ...or into an A-label (a fullwidth "ｘｎ--"), which folding again would decode. Each
     * round decodes a shorter label, so this ends. */
    while (r && has_xn(r, *outlen)) {
        size_t n2;
        char *r2 = fold_once((const unsigned char *)r, *outlen, &n2, err);
        int same = r2 && n2 == *outlen && memcmp(r, r2, n2) == 0;
        free(r);
        r = r2, *outlen = n2;
        if (same) break;
    }
    return r;
}

/* ---- SQL binding ---- */

static void fold_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
    const char *s = (const char *)sqlite3_value_text(argv[0]);
    const char *err = "out of memory";
    size_t n;
    char *r = s ? ctl_fold(s, (size_t)sqlite3_value_bytes(argv[0]), &n, &err) : NULL;
    if (r)
        sqlite3_result_text64(ctx, r, n, free, SQLITE_UTF8);
    else
        ctl_errorf(ctx, "domain_fold: %s", err);
}

static const struct ctl_fn fns[] = {
    {"domain_fold", 1, CTL_PURE, fold_fn},
};

int fold_register(sqlite3 *db)
{
    return ctl_register_fns(db, fns, sizeof fns / sizeof *fns, NULL, NULL);
}
