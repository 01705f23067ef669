#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "regexp.h"
#include "sqlfn.h"

SQLITE_EXTENSION_INIT3

enum {
    CACHE_SIZE = 32,
    MATCH_LIMIT = 1000000, /* backtracking steps per match: far above any sane domain pattern */
    DEPTH_LIMIT = 100000,
};

struct entry {
    char *pat;
    size_t np;
    pcre2_code *code;
    pcre2_match_data *md;
    unsigned long used;
};

struct ctl_regex_cache {
    struct entry e[CACHE_SIZE];
    int last; /* the entry hit last: a constant pattern finds itself at once */
    unsigned long clock;
    pcre2_match_context *mctx;
    pcre2_jit_stack *jit;
};

ctl_regex_cache *ctl_regex_cache_new(void)
{
    ctl_regex_cache *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->mctx = pcre2_match_context_create(NULL);
    c->jit = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, NULL);
    if (!c->mctx || !c->jit) {
        ctl_regex_cache_free(c);
        return NULL;
    }
    pcre2_set_match_limit(c->mctx, MATCH_LIMIT);
    pcre2_set_depth_limit(c->mctx, DEPTH_LIMIT);
    pcre2_jit_stack_assign(c->mctx, NULL, c->jit);
    return c;
}

static void entry_clear(struct entry *e)
{
    pcre2_match_data_free(e->md);
    pcre2_code_free(e->code);
    free(e->pat);
    memset(e, 0, sizeof *e);
}

void ctl_regex_cache_free(ctl_regex_cache *c)
{
    if (!c) return;
    for (int i = 0; i < CACHE_SIZE; i++) entry_clear(&c->e[i]);
    pcre2_match_context_free(c->mctx);
    pcre2_jit_stack_free(c->jit);
    free(c);
}

static int same(const struct entry *e, const char *pat, size_t np)
{
    return e->pat && e->np == np && memcmp(e->pat, pat, np) == 0;
}

static struct entry *touch(ctl_regex_cache *c, int i)
{
    c->last = i;
    c->e[i].used = ++c->clock;
    return &c->e[i];
}

/* The cached entry for pat, compiling it into the least recently used slot on a miss. */
static struct entry *lookup(ctl_regex_cache *c, const char *pat, size_t np, char *err, size_t errsz)
{
    if (same(&c->e[c->last], pat, np)) return touch(c, c->last);
    int lru = 0;
    for (int i = 0; i < CACHE_SIZE; i++) {
        if (same(&c->e[i], pat, np)) return touch(c, i);
        if (c->e[i].used < c->e[lru].used) lru = i;
    }
    struct entry *e = &c->e[lru];
    entry_clear(e);
    int code;
    PCRE2_SIZE off;
    e->code = pcre2_compile((PCRE2_SPTR)pat, np, PCRE2_UTF | PCRE2_UCP, &code, &off, NULL);
    if (!e->code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(code, msg, sizeof msg);
        snprintf(err, errsz, "%s at offset %zu", (const char *)msg, (size_t)off);
        return NULL;
    }
    pcre2_jit_compile(e->code, PCRE2_JIT_COMPLETE); /* without JIT it still works, slower */
    e->md = pcre2_match_data_create_from_pattern(e->code, NULL);
    e->pat = malloc(np + 1);
    if (!e->md || !e->pat) {
        entry_clear(e);
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    memcpy(e->pat, pat, np);
    e->np = np;
    return touch(c, lru);
}

int ctl_regex_match(ctl_regex_cache *c, const char *pat, size_t np, const char *text, size_t nt,
                    char *err, size_t errsz)
{
    struct entry *e = lookup(c, pat, np, err, errsz);
    if (!e) return -1;
    int rc = pcre2_match(e->code, (PCRE2_SPTR)text, nt, 0, 0, e->md, c->mctx);
    if (rc >= 0) return 1;
    if (rc == PCRE2_ERROR_NOMATCH) return 0;
    if (rc <= PCRE2_ERROR_UTF8_ERR1 && rc >= PCRE2_ERROR_UTF8_ERR21) {
        snprintf(err, errsz, "text is not valid UTF-8");
    } else {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(rc, msg, sizeof msg);
        snprintf(err, errsz, "%s", (const char *)msg);
    }
    return -1;
}

/* ---- SQL binding ---- */

static void regexp_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
        return;
    const char *pat = (const char *)sqlite3_value_text(argv[0]);
    size_t np = (size_t)sqlite3_value_bytes(argv[0]);
    const char *text = (const char *)sqlite3_value_text(argv[1]);
    size_t nt = (size_t)sqlite3_value_bytes(argv[1]);
    if (!pat || !text) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    char err[300];
    int r = ctl_regex_match(ctl_fn_user(ctx), pat, np, text, nt, err, sizeof err);
    if (r >= 0) {
        sqlite3_result_int(ctx, r);
        return;
    }
    char *q = ctl_quote((const unsigned char *)pat, np);
    ctl_errorf(ctx, "regexp: pattern %s: %s", q ? q : "", err);
    sqlite3_free(q);
}

static void cache_free(void *p)
{
    ctl_regex_cache_free(p);
}

static const struct ctl_fn fns[] = {
    {"regexp", 2, CTL_PURE, regexp_fn},
};

int regexp_register(sqlite3 *db)
{
    ctl_regex_cache *c = ctl_regex_cache_new();
    if (!c) return SQLITE_NOMEM;
    return ctl_register_fns(db, fns, sizeof fns / sizeof *fns, c, cache_free);
}
