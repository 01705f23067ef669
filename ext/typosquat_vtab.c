/* typosquat_candidates(domain [, fuzzers [, dictionary [, tlds]]]): the generator of
 * typosquat.c as an eponymous table-valued function, in the manner of SQLite's series.c. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "sqlfn.h"
#include "typosquat.h"

SQLITE_EXTENSION_INIT3

enum { COL_DOMAIN, COL_UNICODE, COL_FUZZER, COL_FUZZERS, COL_DISTANCE, COL_ARGS };
#define NARGS 4 /* input, selected, dictionary, tlds */

static const char schema[] = "CREATE TABLE x(domain TEXT, unicode TEXT, fuzzer TEXT, "
                             "fuzzers TEXT, distance INTEGER, input HIDDEN, selected HIDDEN, "
                             "dictionary HIDDEN, tlds HIDDEN)";

struct squat_vtab {
    sqlite3_vtab base;
    sqlite3 *db;
    sqlite3_stmt *split;     /* registrable_domain and public_suffix, so ctlite_psl_load counts */
    struct ctl_squats spare; /* a closed cursor's memory, for the next query's */
};

struct squat_cursor {
    sqlite3_vtab_cursor base;
    struct ctl_squats rows;
    size_t row;
    sqlite3_value *args[NARGS];
};

static int squat_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
                         sqlite3_vtab **out, char **err)
{
    (void)aux, (void)argc, (void)argv, (void)err;
    int rc = sqlite3_declare_vtab(db, schema);
    if (rc != SQLITE_OK) return rc;
    struct squat_vtab *v = sqlite3_malloc(sizeof *v);
    if (!v) return SQLITE_NOMEM;
    memset(v, 0, sizeof *v);
    v->db = db;
    sqlite3_vtab_config(db, SQLITE_VTAB_INNOCUOUS);
    *out = &v->base;
    return SQLITE_OK;
}

static int squat_disconnect(sqlite3_vtab *base)
{
    struct squat_vtab *v = (struct squat_vtab *)base;
    sqlite3_finalize(v->split);
    ctl_squats_free(&v->spare);
    sqlite3_free(v);
    return SQLITE_OK;
}

static int squat_open(sqlite3_vtab *base, sqlite3_vtab_cursor **out)
{
    struct squat_vtab *v = (struct squat_vtab *)base;
    struct squat_cursor *c = sqlite3_malloc(sizeof *c);
    if (!c) return SQLITE_NOMEM;
    memset(c, 0, sizeof *c);
    c->rows = v->spare;
    memset(&v->spare, 0, sizeof v->spare);
    *out = &c->base;
    return SQLITE_OK;
}

/* Forgets the rows but keeps their memory: a join calls xFilter once per outer row. */
static void cursor_reset(struct squat_cursor *c)
{
    c->rows.n = 0;
    c->row = 0;
    for (int i = 0; i < NARGS; i++) {
        sqlite3_value_free(c->args[i]);
        c->args[i] = NULL;
    }
}

static int squat_close(sqlite3_vtab_cursor *cur)
{
    struct squat_cursor *c = (struct squat_cursor *)cur;
    struct squat_vtab *v = (struct squat_vtab *)cur->pVtab;
    cursor_reset(c);
    if (!v->spare.mem)
        v->spare = c->rows;
    else
        ctl_squats_free(&c->rows);
    sqlite3_free(cur);
    return SQLITE_OK;
}

/* idxNum has bit i set when argument i is given; they arrive in argv in that order. */
static int squat_best_index(sqlite3_vtab *base, sqlite3_index_info *info)
{
    int given = 0, unusable = 0, slot[NARGS];
    for (int i = 0; i < info->nConstraint; i++) {
        const struct sqlite3_index_constraint *k = &info->aConstraint[i];
        int arg = k->iColumn - COL_ARGS;
        if (arg < 0 || arg >= NARGS) continue;
        if (!k->usable) {
            unusable |= 1 << arg;
        } else if (k->op == SQLITE_INDEX_CONSTRAINT_EQ) {
            given |= 1 << arg;
            slot[arg] = i;
        }
    }
    (void)base;
    if (unusable & ~given) return SQLITE_CONSTRAINT;
    if (!(given & 1)) {
        /* A plan without the domain (the planner tries some for OR terms) is only a bad
         * plan; xFilter reports the error if it is the only one. */
        info->idxNum = 0;
        info->estimatedCost = 1e300;
        return SQLITE_OK;
    }
    for (int arg = 0, n = 0; arg < NARGS; arg++) {
        if (!(given & (1 << arg))) continue;
        info->aConstraintUsage[slot[arg]].argvIndex = ++n;
        info->aConstraintUsage[slot[arg]].omit = 1;
    }
    info->idxNum = given;
    info->estimatedCost = 1000;
    info->estimatedRows = 2000;
    return SQLITE_OK;
}

static int vtab_error(sqlite3_vtab *base, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sqlite3_free(base->zErrMsg);
    char *msg = sqlite3_vmprintf(fmt, ap);
    base->zErrMsg = sqlite3_mprintf("typosquat_candidates: %s", msg);
    sqlite3_free(msg);
    va_end(ap);
    return SQLITE_ERROR;
}

/* A growable list of strings: the words or suffixes of one call. */
struct list {
    char **v;
    size_t n, cap;
};

static void list_free(struct list *l)
{
    for (size_t i = 0; i < l->n; i++) sqlite3_free(l->v[i]);
    sqlite3_free(l->v);
    memset(l, 0, sizeof *l);
}

/* Adds s[n] trimmed of spaces, in ASCII lowercase, without a leading dot when it is a
 * suffix; an empty entry (as in "a,,b") adds nothing. */
static int list_add(struct list *l, const char *s, size_t n, int suffix)
{
    while (n && *s == ' ') s++, n--;
    while (n && s[n - 1] == ' ') n--;
    if (suffix && n && *s == '.') s++, n--;
    if (!n) return SQLITE_OK;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        char **v = sqlite3_realloc64(l->v, cap * sizeof *v);
        if (!v) return SQLITE_NOMEM;
        l->v = v, l->cap = cap;
    }
    char *t = sqlite3_malloc64(n + CTL_HOST_MAX + 1); /* room for the A-label form */
    if (!t) return SQLITE_NOMEM;
    for (size_t i = 0; i < n; i++) t[i] = (s[i] >= 'A' && s[i] <= 'Z') ? s[i] + 32 : s[i];
    t[n] = 0;
    if (suffix) { /* Unicode suffixes as A-labels, like the names they end */
        char canon[CTL_HOST_MAX + 1];
        if (ctl_host_canon(t, n, canon) >= 0) strcpy(t, canon);
    }
    l->v[l->n++] = t;
    return SQLITE_OK;
}

/* A comma-separated list, or the name of a table or view whose first column holds the
 * entries. */
static int list_load(struct squat_vtab *v, sqlite3_value *arg, int suffix, struct list *l)
{
    const char *s = (const char *)sqlite3_value_text(arg);
    if (!s) return SQLITE_OK;
    int rc = SQLITE_OK;
    if (!strchr(s, ',')) {
        sqlite3_stmt *st;
        char *sql = sqlite3_mprintf("SELECT 1 FROM sqlite_schema WHERE name = %Q AND type IN "
                                    "('table', 'view') UNION ALL SELECT 1 FROM "
                                    "sqlite_temp_schema WHERE name = %Q AND type IN ('table', "
                                    "'view')",
                                    s, s);
        if (!sql) return SQLITE_NOMEM;
        rc = sqlite3_prepare_v2(v->db, sql, -1, &st, NULL);
        sqlite3_free(sql);
        if (rc != SQLITE_OK) return rc;
        int table = sqlite3_step(st) == SQLITE_ROW;
        sqlite3_finalize(st);
        if (table) {
            sql = sqlite3_mprintf("SELECT * FROM \"%w\"", s);
            if (!sql) return SQLITE_NOMEM;
            rc = sqlite3_prepare_v2(v->db, sql, -1, &st, NULL);
            sqlite3_free(sql);
            while (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
                const char *e = (const char *)sqlite3_column_text(st, 0);
                if (e) rc = list_add(l, e, (size_t)sqlite3_column_bytes(st, 0), suffix);
            }
            if (rc == SQLITE_OK)
                rc = sqlite3_finalize(st);
            else
                sqlite3_finalize(st);
            return rc;
        }
    }
    for (const char *p = s; rc == SQLITE_OK;) {
        size_t n = strcspn(p, ",");
        rc = list_add(l, p, n, suffix);
        if (!p[n]) break;
        p += n + 1;
    }
    return rc;
}

/* Splits the input into its canonical form and the offsets of its registrable domain and
 * public suffix, through the SQL functions, so that the list chosen with ctlite_psl_load is
 * the one used. */
static int split_input(struct squat_vtab *v, sqlite3_value *arg, char host[CTL_HOST_MAX + 1],
                       size_t *reg, size_t *suffix)
{
    const unsigned char *s = sqlite3_value_text(arg);
    size_t n = (size_t)sqlite3_value_bytes(arg);
    if (!s) return SQLITE_NOMEM;
    if (ctl_host_canon((const char *)s, n, host) < 0) {
        char *q = ctl_quote(s, n);
        vtab_error(&v->base, "%s is not a domain name", q);
        sqlite3_free(q);
        return SQLITE_ERROR;
    }
    int rc = SQLITE_OK;
    if (!v->split)
        rc = sqlite3_prepare_v2(v->db, "SELECT registrable_domain(?1), public_suffix(?1)", -1,
                                &v->split, NULL);
    if (rc != SQLITE_OK) return rc;
    sqlite3_bind_text(v->split, 1, host, -1, SQLITE_STATIC);
    rc = sqlite3_step(v->split);
    const char *r = (const char *)sqlite3_column_text(v->split, 0);
    const char *p = (const char *)sqlite3_column_text(v->split, 1);
    size_t len = strlen(host);
    if (rc == SQLITE_ROW && r && p) {
        *reg = len - strlen(r), *suffix = len - strlen(p);
        rc = SQLITE_OK;
    } else if (rc == SQLITE_ROW) {
        vtab_error(&v->base, "'%s' is a public suffix, not a domain", host);
        rc = SQLITE_ERROR;
    } else {
        vtab_error(&v->base, "%s", sqlite3_errmsg(v->db));
        rc = SQLITE_ERROR;
    }
    sqlite3_reset(v->split);
    return rc;
}

static int squat_filter(sqlite3_vtab_cursor *cur, int idx, const char *idxstr, int argc,
                        sqlite3_value **argv)
{
    (void)idxstr;
    struct squat_cursor *c = (struct squat_cursor *)cur;
    struct squat_vtab *v = (struct squat_vtab *)cur->pVtab;
    cursor_reset(c);
    if (!(idx & 1)) return vtab_error(&v->base, "missing the domain argument");
    for (int arg = 0, k = 0; arg < NARGS && k < argc; arg++)
        if (idx & (1 << arg)) {
            c->args[arg] = sqlite3_value_dup(argv[k++]);
            if (!c->args[arg]) return SQLITE_NOMEM;
        }
    if (sqlite3_value_type(c->args[0]) == SQLITE_NULL) return SQLITE_OK; /* no rows */

    struct ctl_squat_args a = {0};
    char host[CTL_HOST_MAX + 1], err[256];
    int rc = split_input(v, c->args[0], host, &a.reg, &a.suffix);
    if (rc != SQLITE_OK) return rc;
    a.host = host;
    const char *sel = c->args[1] ? (const char *)sqlite3_value_text(c->args[1]) : NULL;
    if (sel && ctl_fuzzers_parse(sel, &a.fuzzers, err, sizeof err) < 0)
        return vtab_error(&v->base, "%s", err);

    struct list words = {0}, tlds = {0};
    if (c->args[2]) rc = list_load(v, c->args[2], 0, &words);
    if (rc == SQLITE_OK && c->args[3]) rc = list_load(v, c->args[3], 1, &tlds);
    if (rc == SQLITE_OK) {
        a.words = (const char *const *)words.v, a.nwords = words.n;
        a.tlds = (const char *const *)tlds.v, a.ntlds = tlds.n;
        if ((a.fuzzers >> CTL_FZ_DICTIONARY & 1) && !a.nwords)
            rc = vtab_error(&v->base, "the dictionary fuzzer needs words (the third argument)");
        else if ((a.fuzzers >> CTL_FZ_TLD_SWAP & 1) && !a.ntlds)
            rc = vtab_error(&v->base, "the tld-swap fuzzer needs suffixes (the fourth argument)");
        else if (ctl_typosquat(&a, &c->rows, err, sizeof err) < 0)
            rc = vtab_error(&v->base, "%s", err);
    } else {
        vtab_error(&v->base, "cannot read the word or suffix list: %s", sqlite3_errmsg(v->db));
    }
    list_free(&words);
    list_free(&tlds);
    return rc;
}

static int squat_next(sqlite3_vtab_cursor *cur)
{
    ((struct squat_cursor *)cur)->row++;
    return SQLITE_OK;
}

static int squat_eof(sqlite3_vtab_cursor *cur)
{
    struct squat_cursor *c = (struct squat_cursor *)cur;
    return c->row >= c->rows.n;
}

static void result_fuzzers(sqlite3_context *ctx, uint32_t mask)
{
    char buf[256];
    size_t k = 0;
    for (int f = 0; f < CTL_FZ_COUNT; f++)
        if (mask & (UINT32_C(1) << f)) {
            const char *name = ctl_fuzzer_name((enum ctl_fuzzer)f);
            if (k) buf[k++] = ',';
            memcpy(buf + k, name, strlen(name));
            k += strlen(name);
        }
    sqlite3_result_text(ctx, buf, (int)k, SQLITE_TRANSIENT);
}

static int squat_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
    struct squat_cursor *c = (struct squat_cursor *)cur;
    const struct ctl_squat *r = &c->rows.v[c->row];
    const char *name = c->rows.text + r->name;
    switch (col) {
    case COL_DOMAIN:
        sqlite3_result_text(ctx, name, -1, SQLITE_STATIC);
        break;
    case COL_UNICODE: {
        char *u = ctl_squat_unicode(&c->rows, c->row);
        if (!u) return SQLITE_NOMEM;
        sqlite3_result_text(ctx, u, -1, free);
        break;
    }
    case COL_FUZZER:
        sqlite3_result_text(ctx, ctl_fuzzer_name((enum ctl_fuzzer)__builtin_ctz(r->fuzzers)), -1,
                            SQLITE_STATIC);
        break;
    case COL_FUZZERS:
        result_fuzzers(ctx, r->fuzzers);
        break;
    case COL_DISTANCE:
        sqlite3_result_int64(ctx, ctl_squat_distance(&c->rows, c->row));
        break;
    default:
        if (c->args[col - COL_ARGS]) sqlite3_result_value(ctx, c->args[col - COL_ARGS]);
    }
    return SQLITE_OK;
}

static int squat_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
    *rowid = (sqlite3_int64)((struct squat_cursor *)cur)->row + 1;
    return SQLITE_OK;
}

static const sqlite3_module squat_module = {
    .xConnect = squat_connect,
    .xBestIndex = squat_best_index,
    .xDisconnect = squat_disconnect,
    .xOpen = squat_open,
    .xClose = squat_close,
    .xFilter = squat_filter,
    .xNext = squat_next,
    .xEof = squat_eof,
    .xColumn = squat_column,
    .xRowid = squat_rowid,
};

int typosquat_register(sqlite3 *db)
{
    return sqlite3_create_module(db, "typosquat_candidates", &squat_module, NULL);
}
