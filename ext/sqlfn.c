#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlfn.h"
#include "utf8.h"

SQLITE_EXTENSION_INIT3

/* Shared user data: counted, so that replacing one of a module's functions (which makes SQLite
 * drop that registration) does not free what the others still use. */
struct shared {
    void *user;
    void (*destroy)(void *);
    int refs;
};

static void release(void *p)
{
    struct shared *s = p;
    if (--s->refs > 0) return;
    if (s->destroy) s->destroy(s->user);
    sqlite3_free(s);
}

static int register_one(sqlite3 *db, const char *name, const struct ctl_fn *f, struct shared *s)
{
    s->refs++;
    /* On failure SQLite calls release itself, which undoes the count just taken. */
    return sqlite3_create_function_v2(db, name, f->nargs, SQLITE_UTF8 | f->flags, s, f->fn, NULL,
                                      NULL, release);
}

int ctl_register_fns(sqlite3 *db, const struct ctl_fn *fns, size_t n, void *user,
                     void (*destroy)(void *))
{
    struct shared *s = sqlite3_malloc(sizeof *s);
    if (!s) {
        if (destroy) destroy(user);
        return SQLITE_NOMEM;
    }
    s->user = user, s->destroy = destroy, s->refs = 1; /* our own hold until the loop ends */
    int rc = SQLITE_OK;
    for (size_t i = 0; i < n && rc == SQLITE_OK; i++) {
        rc = register_one(db, fns[i].name, &fns[i], s);
        if (rc == SQLITE_OK && strncmp(fns[i].name, "ctlite_", 7) != 0) {
            char *alias = sqlite3_mprintf("ctlite_%s", fns[i].name);
            rc = alias ? register_one(db, alias, &fns[i], s) : SQLITE_NOMEM;
            sqlite3_free(alias);
        }
    }
    release(s);
    return rc;
}

void *ctl_fn_user(sqlite3_context *ctx)
{
    struct shared *s = sqlite3_user_data(ctx);
    return s->user;
}

void ctl_errorf(sqlite3_context *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = sqlite3_vmprintf(fmt, ap);
    va_end(ap);
    if (!msg) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    sqlite3_result_error(ctx, msg, -1);
    sqlite3_free(msg);
}

char *ctl_quote(const unsigned char *s, size_t n)
{
    enum { MAXCHARS = 64 };
    /* Worst case: every byte becomes \xNN (4 bytes), plus quotes, ellipsis and NUL. */
    size_t cap = (n < MAXCHARS * 4 ? n : MAXCHARS * 4) * 4 + 8;
    char *out = sqlite3_malloc64(cap), *p = out;
    if (!out) return NULL;
    *p++ = '\'';
    size_t i = 0, chars = 0;
    while (i < n && chars < MAXCHARS) {
        unsigned char c = s[i];
        size_t len = 1;
        if (c >= 0x80) {
            len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
            if (len > n - i || !ctl_utf8_valid(s + i, len)) len = 0;
        }
        if (len == 0 || c < 0x20 || c == 0x7F || c == '\'' || c == '\\') {
            p += sprintf(p, "\\x%02X", c);
            i++;
        } else {
            memcpy(p, s + i, len);
            p += len, i += len;
        }
        chars++;
    }
    if (i < n) p += sprintf(p, "...");
    *p++ = '\'';
    *p = 0;
    return out;
}

int ctl_tvf_best_index(sqlite3_index_info *info, int first_arg, int nargs, int *next)
{
    int given = 0, unusable = 0, slot[32];
    for (int i = 0; i < info->nConstraint; i++) {
        const struct sqlite3_index_constraint *k = &info->aConstraint[i];
        int arg = k->iColumn - first_arg;
        if (arg < 0 || arg >= nargs) continue;
        if (!k->usable) {
            unusable |= 1 << arg;
        } else if (k->op == SQLITE_INDEX_CONSTRAINT_EQ) {
            given |= 1 << arg;
            slot[arg] = i;
        }
    }
    if (unusable & ~given) return SQLITE_CONSTRAINT;
    *next = 0;
    info->idxNum = given;
    if (!(given & 1)) {
        info->estimatedCost = 1e300;
        return SQLITE_OK;
    }
    for (int arg = 0; arg < nargs; arg++) {
        if (!(given & (1 << arg))) continue;
        info->aConstraintUsage[slot[arg]].argvIndex = ++*next;
        info->aConstraintUsage[slot[arg]].omit = 1;
    }
    info->estimatedCost = 1000;
    info->estimatedRows = 1000;
    return SQLITE_OK;
}
