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
#define NARGS 4              /* input, selected, dictionary, tlds */
#define BY_NAME (1 << NARGS) /* idxNum: an equality on domain comes after the arguments */

static const char schema[] = "CREATE TABLE x(domain TEXT, unicode TEXT, fuzzer TEXT, "
                             "fuzzers TEXT, distance INTEGER, input HIDDEN, selected HIDDEN, "
                             "dictionary HIDDEN, tlds HIDDEN)";

struct squat_vtab {
    sqlite3_vtab base;
    sqlite3 *db;
    sqlite3_stmt *split;     /* registrable_domain and public_suffix, so ctlite_psl_load counts */
    struct ctl_squats spare; /* a closed cursor's memory, for the next query's */
};

/* One call's arguments and the rows they make. */
struct made {
    sqlite3_value *args[NARGS];
    struct ctl_squats rows;
    uint64_t used; /* the cursor's clock when last used */
    int ok;        /* rows holds what args make */
};

/* A join calls xFilter once per outer row, and the planner may put the table of names
 * outside the table of brands, so that the arguments cycle through the brands: a cursor keeps
 * the last KEEP generations, while they hold fewer than KEEP_ROWS rows. */
#define KEEP 32
#define KEEP_ROWS 1000000

struct squat_cursor {
    sqlite3_vtab_cursor base;
    struct made made[KEEP];
    struct made *cur; /* the rows being returned */
    size_t row, end;  /* from row to end */
    uint64_t clock;
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
    c->made[0].rows = v->spare;
    memset(&v->spare, 0, sizeof v->spare);
    c->cur = &c->made[0];
    *out = &c->base;
    return SQLITE_OK;
}

/* Forgets a generation but keeps its memory for the next. */
static void made_reset(struct made *m)
{
    m->rows.n = 0;
    m->ok = 0;
    for (int i = 0; i < NARGS; i++) {
        sqlite3_value_free(m->args[i]);
        m->args[i] = NULL;
    }
}

static int squat_close(sqlite3_vtab_cursor *cur)
{
    struct squat_cursor *c = (struct squat_cursor *)cur;
    struct squat_vtab *v = (struct squat_vtab *)cur->pVtab;
    for (int i = 0; i < KEEP; i++) {
        made_reset(&c->made[i]);
        if (!v->spare.mem)
            v->spare = c->made[i].rows;
        else
            ctl_squats_free(&c->made[i].rows);
    }
    sqlite3_free(cur);
    return SQLITE_OK;
}

/* idxNum has bit i set when argument i is given; they arrive in argv in that order. BY_NAME
 * is set when a binary equality on domain comes last: the rows are then looked up by name, so
 * that joining the candidates against a table of names costs one lookup per name. */
static int squat_best_index(sqlite3_vtab *base, sqlite3_index_info *info)
{
    (void)base;
    int n, rc = ctl_tvf_best_index(info, COL_ARGS, NARGS, &n);
    if (rc != SQLITE_OK || !(info->idxNum & 1)) return rc;
    info->estimatedRows = 2000;
    for (int i = 0; i < info->nConstraint; i++) {
        const struct sqlite3_index_constraint *k = &info->aConstraint[i];
        if (k->iColumn == COL_DOMAIN && k->usable && k->op == SQLITE_INDEX_CONSTRAINT_EQ &&
            sqlite3_stricmp(sqlite3_vtab_collation(info, i), "BINARY") == 0) {
            /* SQLite checks the equality again: only text values are looked up */
            info->aConstraintUsage[i].argvIndex = ++n;
            info->idxNum |= BY_NAME;
            info->estimatedCost = 10;
            info->estimatedRows = 1;
            break;
        }
    }
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

/* Makes the rows of the arguments given (NULL for those not given) into c. */
static int generate(struct made *c, struct squat_vtab *v, sqlite3_value **given)
{
    made_reset(c);
    for (int arg = 0; arg < NARGS; arg++)
        if (given[arg] && !(c->args[arg] = sqlite3_value_dup(given[arg]))) return SQLITE_NOMEM;
    if (sqlite3_value_type(c->args[0]) == SQLITE_NULL) return c->ok = 1, SQLITE_OK; /* no rows */

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
    c->ok = rc == SQLITE_OK;
    return rc;
}

/* Whether two argument values are the same (NULL is the same as NULL, and as no value). */
static int same_value(sqlite3_value *a, sqlite3_value *b)
{
    int ta = a ? sqlite3_value_type(a) : SQLITE_NULL, tb = b ? sqlite3_value_type(b) : SQLITE_NULL;
    if (ta != tb) return 0;
    switch (ta) {
    case SQLITE_NULL:
        return 1;
    case SQLITE_INTEGER:
        return sqlite3_value_int64(a) == sqlite3_value_int64(b);
    case SQLITE_FLOAT:
        return sqlite3_value_double(a) == sqlite3_value_double(b);
    default: {
        const void *pa = sqlite3_value_blob(a), *pb = sqlite3_value_blob(b);
        int n = sqlite3_value_bytes(a);
        return n == sqlite3_value_bytes(b) && (n == 0 || memcmp(pa, pb, (size_t)n) == 0);
    }
    }
}

static int squat_filter(sqlite3_vtab_cursor *cur, int idx, const char *idxstr, int argc,
                        sqlite3_value **argv)
{
    (void)idxstr;
    struct squat_cursor *c = (struct squat_cursor *)cur;
    struct squat_vtab *v = (struct squat_vtab *)cur->pVtab;
    if (!(idx & 1)) return vtab_error(&v->base, "missing the domain argument");
    sqlite3_value *given[NARGS] = {0}, *name = idx & BY_NAME ? argv[argc - 1] : NULL;
    for (int arg = 0, k = 0; arg < NARGS && k < argc; arg++)
        if (idx & (1 << arg)) given[arg] = argv[k++];
    /* The generation of these arguments if kept; else the least recently used one's memory,
     * once those over the row budget are freed. */
    struct made *m = NULL, *lru = &c->made[0];
    size_t kept = 0;
    for (int i = 0; i < KEEP && !m; i++) {
        struct made *e = &c->made[i];
        int same = e->ok;
        for (int arg = 0; arg < NARGS && same; arg++) same = same_value(given[arg], e->args[arg]);
        if (same) m = e;
        if (e->used < lru->used) lru = e;
        kept += e->rows.n;
    }
    int rc = SQLITE_OK;
    if (!m) {
        for (int i = 0; i < KEEP && kept > KEEP_ROWS; i++)
            if (&c->made[i] != lru && c->made[i].ok) {
                kept -= c->made[i].rows.n;
                made_reset(&c->made[i]);
                ctl_squats_free(&c->made[i].rows);
            }
        rc = generate(m = lru, v, given);
    }
    m->used = ++c->clock;
    c->cur = m;
    c->row = 0, c->end = m->rows.n;
    if (rc != SQLITE_OK || !name || sqlite3_value_type(name) != SQLITE_TEXT) return rc;
    ptrdiff_t r = ctl_squat_find(&m->rows, (const char *)sqlite3_value_text(name),
                                 (size_t)sqlite3_value_bytes(name));
    if (r == -2) return SQLITE_NOMEM;
    c->row = r < 0 ? 0 : (size_t)r;
    c->end = r < 0 ? 0 : (size_t)r + 1;
    return SQLITE_OK;
}

static int squat_next(sqlite3_vtab_cursor *cur)
{
    ((struct squat_cursor *)cur)->row++;
    return SQLITE_OK;
}

static int squat_eof(sqlite3_vtab_cursor *cur)
{
    struct squat_cursor *c = (struct squat_cursor *)cur;
    return c->row >= c->end;
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
    struct made *m = c->cur;
    const struct ctl_squat *r = &m->rows.v[c->row];
    const char *name = m->rows.text + r->name;
    switch (col) {
    case COL_DOMAIN:
        sqlite3_result_text(ctx, name, -1, SQLITE_STATIC);
        break;
    case COL_UNICODE: {
        char *u = ctl_squat_unicode(&m->rows, c->row);
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
        sqlite3_result_int64(ctx, ctl_squat_distance(&m->rows, c->row));
        break;
    default:
        if (m->args[col - COL_ARGS]) sqlite3_result_value(ctx, m->args[col - COL_ARGS]);
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
