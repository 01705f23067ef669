/* The SQL side of crt.sh: the crtsh search table, crtsh_cert (a certificate's DER) and
 * crtsh_names (a name_value's host names), with the connection's network settings
 * (ctlite_setting) and its cache of answers (crtsh_cache_clear). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crtsh.h"
#include "http.h"
#include "sqlfn.h"

SQLITE_EXTENSION_INIT3

/* ---- The connection's network state ---- */

/* One answer kept: a search's rows, or a certificate's DER. */
struct entry {
    struct entry *next;
    char *url;
    double fetched;
    int refs; /* the cache's and each cursor's */
    struct ctl_crtsh_result rows;
    unsigned char *der;
    size_t der_len;
};

#define CACHE_MAX 256 /* answers kept; the oldest goes first */

struct net {
    int refs; /* one per registration that holds it */
    ctl_http *http;
    char env_err[256]; /* a bad environment variable, reported on every request */
    char env_bad[32];  /* the setting it was for: setting that one here replaces it */
    char crtsh_url[512];
    double ttl;          /* seconds an answer is reused */
    struct entry *cache; /* newest first */
};

static double mono_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void entry_release(struct entry *e)
{
    if (!e || --e->refs > 0) return;
    free(e->url);
    ctl_crtsh_result_free(&e->rows);
    free(e->der);
    free(e);
}

static int cache_clear(struct net *n)
{
    int k = 0;
    for (struct entry *e = n->cache, *next; e; e = next, k++) {
        next = e->next;
        entry_release(e);
    }
    n->cache = NULL;
    return k;
}

static void net_release(void *p)
{
    struct net *n = p;
    if (--n->refs > 0) return;
    cache_clear(n);
    ctl_http_free(n->http);
    sqlite3_free(n);
}

/* Sets a setting of the connection: the HTTP client's, or crt.sh's own. */
static int net_set(struct net *n, const char *name, const char *value, char *err, size_t errsz)
{
    if (!strcmp(name, "crtsh_url")) {
        if (strncmp(value, "http://", 7) && strncmp(value, "https://", 8)) {
            snprintf(err, errsz, "crtsh_url: '%.60s' is not an http:// or https:// URL", value);
            return -1;
        }
        if (strlen(value) >= sizeof n->crtsh_url) {
            snprintf(err, errsz, "crtsh_url: longer than %zu bytes", sizeof n->crtsh_url - 1);
            return -1;
        }
        strcpy(n->crtsh_url, value);
        return 0;
    }
    if (!strcmp(name, "crtsh_cache_ttl")) {
        char *end;
        double t = strtod(value, &end);
        if (end == value || *end || !(t >= 0 && t <= 86400 * 365)) {
            snprintf(err, errsz, "crtsh_cache_ttl: '%.40s' is not seconds from 0", value);
            return -1;
        }
        n->ttl = t;
        return 0;
    }
    return ctl_http_set(ctl_http_config(n->http), name, value, err, errsz);
}

static struct net *net_new(void)
{
    struct net *n = sqlite3_malloc(sizeof *n);
    if (!n) return NULL;
    memset(n, 0, sizeof *n);
    struct ctl_http_config c;
    ctl_http_config_init(&c);
    if (!(n->http = ctl_http_new(&c))) {
        sqlite3_free(n);
        return NULL;
    }
    strcpy(n->crtsh_url, "https://crt.sh/");
    n->ttl = 600;
    char err[256] = "";
    ctl_http_config_env(ctl_http_config(n->http), err, sizeof err);
    const struct {
        const char *var, *name;
    } env[] = {{"CTLITE_CRTSH_URL", "crtsh_url"}, {"CTLITE_CRTSH_CACHE_TTL", "crtsh_cache_ttl"}};
    for (size_t i = 0; i < sizeof env / sizeof *env; i++) { /* all applied; the first error kept */
        const char *v = getenv(env[i].var);
        char why[200];
        if (v && net_set(n, env[i].name, v, why, sizeof why) < 0 && !*err)
            snprintf(err, sizeof err, "%s: %s", env[i].var, why);
    }
    snprintf(n->env_err, sizeof n->env_err, "%s", err);
    /* "CTLITE_HTTP_TIMEOUT: ..." is about timeout, "CTLITE_CRTSH_URL: ..." about crtsh_url. */
    const char *var = !strncmp(err, "CTLITE_HTTP_", 12) ? err + 12 : err + (*err ? 7 : 0);
    for (size_t i = 0; var[i] && var[i] != ':' && i + 1 < sizeof n->env_bad; i++)
        n->env_bad[i] = (char)(var[i] >= 'A' && var[i] <= 'Z' ? var[i] + 32 : var[i]);
    return n;
}

/* The answer for url, from the cache while fresh, else fetched: a search's rows, or (cert) a
 * certificate's DER. NULL with err on failure; *missing is set for a 404. The caller releases
 * the entry. */
static struct entry *fetch(struct net *n, const char *url, int cert, int *missing, char *err,
                           size_t errsz)
{
    *missing = 0;
    if (*n->env_err) {
        snprintf(err, errsz, "%s", n->env_err);
        return NULL;
    }
    double t = mono_now();
    struct entry **link = &n->cache, *e;
    int kept = 0;
    for (; (e = *link); kept++) {
        if (t - e->fetched > n->ttl || kept >= CACHE_MAX) { /* stale, or one too many */
            *link = e->next;
            entry_release(e);
            continue;
        }
        if (!strcmp(e->url, url)) {
            e->refs++;
            return e;
        }
        link = &e->next;
    }

    struct ctl_http_response r;
    if (ctl_http_get(n->http, url, cert ? NULL : "application/json", &r, err, errsz) < 0) {
        *missing = r.status == 404;
        return NULL;
    }
    char shown[256], why[400];
    ctl_http_printable(shown, sizeof shown, url, strlen(url));
    e = calloc(1, sizeof *e);
    int bad = !e || !(e->url = strdup(url));
    if (bad) {
        snprintf(why, sizeof why, "out of memory");
    } else if (cert) {
        bad = ctl_crtsh_pem_to_der(r.body, r.len, &e->der, &e->der_len, why, sizeof why) < 0;
    } else if (!strstr(r.content_type, "json")) {
        char page[160];
        ctl_http_summary(page, sizeof page, r.body, r.len);
        snprintf(why, sizeof why, "HTTP %ld: expected JSON, got %s: %s", r.status,
                 *r.content_type ? r.content_type : "no content type", page);
        bad = 1;
    } else {
        bad = ctl_crtsh_parse(r.body, r.len, &e->rows, why, sizeof why) < 0;
    }
    ctl_http_response_free(&r);
    if (bad) {
        snprintf(err, errsz, "GET %s: %s", shown, why);
        if (e) e->refs = 1, entry_release(e);
        return NULL;
    }
    e->fetched = mono_now();
    e->refs = 2;
    e->next = n->cache;
    n->cache = e;
    return e;
}

static int vtab_errorf(sqlite3_vtab *v, const char *table, const char *fmt, const char *msg)
{
    sqlite3_free(v->zErrMsg);
    v->zErrMsg = sqlite3_mprintf(fmt, table, msg);
    return SQLITE_ERROR;
}

/* ---- crtsh(query [, match [, exclude_expired [, deduplicate]]]) ---- */

enum {
    S_ID,
    S_ISSUER_CA_ID,
    S_ISSUER_NAME,
    S_COMMON_NAME,
    S_NAME_VALUE,
    S_ENTRY_TIMESTAMP,
    S_NOT_BEFORE,
    S_NOT_AFTER,
    S_SERIAL_NUMBER,
    S_RESULT_COUNT,
    S_CAPPED,
    S_ARGS
};
#define S_NARGS 4

struct net_vtab {
    sqlite3_vtab base;
    struct net *net;
};

struct search_cursor {
    sqlite3_vtab_cursor base;
    struct entry *e;
    size_t row;
    sqlite3_value *args[S_NARGS];
};

static int connect_with(sqlite3 *db, void *aux, const char *schema, sqlite3_vtab **out,
                        int directonly)
{
    int rc = sqlite3_declare_vtab(db, schema);
    if (rc != SQLITE_OK) return rc;
    struct net_vtab *v = sqlite3_malloc(sizeof *v);
    if (!v) return SQLITE_NOMEM;
    memset(v, 0, sizeof *v);
    v->net = aux;
    sqlite3_vtab_config(db, directonly ? SQLITE_VTAB_DIRECTONLY : SQLITE_VTAB_INNOCUOUS);
    *out = &v->base;
    return SQLITE_OK;
}

static int search_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
                          sqlite3_vtab **out, char **err)
{
    (void)argc, (void)argv, (void)err;
    return connect_with(db, aux,
                        "CREATE TABLE x(id INTEGER, issuer_ca_id INTEGER, issuer_name TEXT, "
                        "common_name TEXT, name_value TEXT, entry_timestamp TEXT, not_before "
                        "TEXT, not_after TEXT, serial_number TEXT, result_count INTEGER, capped "
                        "INTEGER, query HIDDEN, match HIDDEN, exclude_expired HIDDEN, deduplicate "
                        "HIDDEN)",
                        out, 1);
}

static int any_disconnect(sqlite3_vtab *v)
{
    sqlite3_free(v);
    return SQLITE_OK;
}

static int search_open(sqlite3_vtab *v, sqlite3_vtab_cursor **out)
{
    (void)v;
    struct search_cursor *c = sqlite3_malloc(sizeof *c);
    if (!c) return SQLITE_NOMEM;
    memset(c, 0, sizeof *c);
    *out = &c->base;
    return SQLITE_OK;
}

static void search_reset(struct search_cursor *c)
{
    entry_release(c->e);
    c->e = NULL;
    c->row = 0;
    for (int i = 0; i < S_NARGS; i++) {
        sqlite3_value_free(c->args[i]);
        c->args[i] = NULL;
    }
}

static int search_close(sqlite3_vtab_cursor *cur)
{
    search_reset((struct search_cursor *)cur);
    sqlite3_free(cur);
    return SQLITE_OK;
}

static int search_best_index(sqlite3_vtab *v, sqlite3_index_info *info)
{
    (void)v;
    int n;
    return ctl_tvf_best_index(info, S_ARGS, S_NARGS, &n);
}

static const char *const matches[] = {"=", "ILIKE", "LIKE", "Single", "Any", "FTS", NULL};

static int search_filter(sqlite3_vtab_cursor *cur, int idx, const char *idxstr, int argc,
                         sqlite3_value **argv)
{
    (void)idxstr;
    struct search_cursor *c = (struct search_cursor *)cur;
    struct net_vtab *v = (struct net_vtab *)cur->pVtab;
    search_reset(c);
    if (!(idx & 1)) return vtab_errorf(&v->base, "crtsh", "%s: missing the query argument", NULL);
    for (int arg = 0, k = 0; arg < S_NARGS && k < argc; arg++)
        if (idx & (1 << arg) && !(c->args[arg] = sqlite3_value_dup(argv[k++]))) return SQLITE_NOMEM;
    const char *query = (const char *)sqlite3_value_text(c->args[0]);
    if (!query) return SQLITE_OK; /* NULL: no rows */
    if (!*query) return vtab_errorf(&v->base, "crtsh", "%s: the query is empty", NULL);
    const char *match = c->args[1] ? (const char *)sqlite3_value_text(c->args[1]) : NULL;
    if (!match) match = strchr(query, '%') ? "ILIKE" : "=";
    size_t m = 0;
    while (matches[m] && strcmp(matches[m], match) != 0) m++;
    if (!matches[m]) {
        char *q = ctl_quote((const unsigned char *)match, strlen(match));
        char *msg = sqlite3_mprintf("match %s is not one of =, ILIKE, LIKE, Single, Any, FTS", q);
        vtab_errorf(&v->base, "crtsh", "%s: %s", msg);
        sqlite3_free(q);
        sqlite3_free(msg);
        return SQLITE_ERROR;
    }
    int expired = c->args[2] && sqlite3_value_int(c->args[2]);
    int dedup = c->args[3] && sqlite3_value_int(c->args[3]);
    char *url = ctl_crtsh_search_url(v->net->crtsh_url, query, match, expired, dedup);
    if (!url) return SQLITE_NOMEM;
    char err[800];
    int missing;
    c->e = fetch(v->net, url, 0, &missing, err, sizeof err);
    free(url);
    return c->e ? SQLITE_OK : vtab_errorf(&v->base, "crtsh", "%s: %s", err);
}

static int search_next(sqlite3_vtab_cursor *cur)
{
    ((struct search_cursor *)cur)->row++;
    return SQLITE_OK;
}

static int search_eof(sqlite3_vtab_cursor *cur)
{
    struct search_cursor *c = (struct search_cursor *)cur;
    return !c->e || c->row >= c->e->rows.n;
}

static void result_text(sqlite3_context *ctx, const char *s)
{
    if (s) sqlite3_result_text(ctx, s, -1, SQLITE_TRANSIENT);
}

static int search_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
    struct search_cursor *c = (struct search_cursor *)cur;
    const struct ctl_crtsh_row *r = &c->e->rows.v[c->row];
    switch (col) {
    case S_ID:
        sqlite3_result_int64(ctx, r->id);
        break;
    case S_ISSUER_CA_ID:
        sqlite3_result_int64(ctx, r->issuer_ca_id);
        break;
    case S_ISSUER_NAME:
        result_text(ctx, r->issuer_name);
        break;
    case S_COMMON_NAME:
        result_text(ctx, r->common_name);
        break;
    case S_NAME_VALUE:
        result_text(ctx, r->name_value);
        break;
    case S_ENTRY_TIMESTAMP:
        result_text(ctx, r->entry_timestamp);
        break;
    case S_NOT_BEFORE:
        result_text(ctx, r->not_before);
        break;
    case S_NOT_AFTER:
        result_text(ctx, r->not_after);
        break;
    case S_SERIAL_NUMBER:
        result_text(ctx, r->serial_number);
        break;
    case S_RESULT_COUNT:
        if (r->result_count >= 0) sqlite3_result_int64(ctx, r->result_count);
        break;
    case S_CAPPED:
        sqlite3_result_int(ctx, c->e->rows.n >= CTL_CRTSH_CAP);
        break;
    default:
        if (c->args[col - S_ARGS]) sqlite3_result_value(ctx, c->args[col - S_ARGS]);
    }
    return SQLITE_OK;
}

static int cursor_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
    *rowid = (sqlite3_int64)((struct search_cursor *)cur)->row + 1;
    return SQLITE_OK;
}

static const sqlite3_module search_module = {
    .xConnect = search_connect,
    .xBestIndex = search_best_index,
    .xDisconnect = any_disconnect,
    .xOpen = search_open,
    .xClose = search_close,
    .xFilter = search_filter,
    .xNext = search_next,
    .xEof = search_eof,
    .xColumn = search_column,
    .xRowid = cursor_rowid,
};

/* ---- crtsh_cert(id): one row with the certificate's DER, none for an unknown id ---- */

static int cert_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
                        sqlite3_vtab **out, char **err)
{
    (void)argc, (void)argv, (void)err;
    return connect_with(db, aux, "CREATE TABLE x(der BLOB, id HIDDEN)", out, 1);
}

static int cert_best_index(sqlite3_vtab *v, sqlite3_index_info *info)
{
    (void)v;
    int n;
    return ctl_tvf_best_index(info, 1, 1, &n);
}

static int cert_filter(sqlite3_vtab_cursor *cur, int idx, const char *idxstr, int argc,
                       sqlite3_value **argv)
{
    (void)idxstr, (void)argc;
    struct search_cursor *c = (struct search_cursor *)cur;
    struct net_vtab *v = (struct net_vtab *)cur->pVtab;
    search_reset(c);
    if (!(idx & 1)) return vtab_errorf(&v->base, "crtsh_cert", "%s: missing the id argument", NULL);
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return SQLITE_OK;
    if (sqlite3_value_numeric_type(argv[0]) != SQLITE_INTEGER || sqlite3_value_int64(argv[0]) < 1)
        return vtab_errorf(&v->base, "crtsh_cert", "%s: the id must be a positive integer", NULL);
    if (!(c->args[0] = sqlite3_value_dup(argv[0]))) return SQLITE_NOMEM;
    char *url = ctl_crtsh_cert_url(v->net->crtsh_url, sqlite3_value_int64(argv[0]));
    if (!url) return SQLITE_NOMEM;
    char err[800];
    int missing;
    c->e = fetch(v->net, url, 1, &missing, err, sizeof err);
    free(url);
    return c->e || missing ? SQLITE_OK : vtab_errorf(&v->base, "crtsh_cert", "%s: %s", err);
}

static int cert_eof(sqlite3_vtab_cursor *cur)
{
    struct search_cursor *c = (struct search_cursor *)cur;
    return !c->e || c->row >= 1;
}

static int cert_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
    struct search_cursor *c = (struct search_cursor *)cur;
    if (col == 0)
        sqlite3_result_blob64(ctx, c->e->der, c->e->der_len, SQLITE_TRANSIENT);
    else
        sqlite3_result_value(ctx, c->args[0]);
    return SQLITE_OK;
}

static const sqlite3_module cert_module = {
    .xConnect = cert_connect,
    .xBestIndex = cert_best_index,
    .xDisconnect = any_disconnect,
    .xOpen = search_open,
    .xClose = search_close,
    .xFilter = cert_filter,
    .xNext = search_next,
    .xEof = cert_eof,
    .xColumn = cert_column,
    .xRowid = cursor_rowid,
};

/* ---- crtsh_names(name_value): its host names, one per row ---- */

struct names_cursor {
    sqlite3_vtab_cursor base;
    char *text; /* the name_value */
    size_t pos;
    char name[256];
    int len; /* of name; -1 at the end */
    sqlite3_int64 row;
};

static int names_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
                         sqlite3_vtab **out, char **err)
{
    (void)argc, (void)argv, (void)err;
    return connect_with(db, aux, "CREATE TABLE x(name TEXT, wildcard INTEGER, name_value HIDDEN)",
                        out, 0);
}

static int names_best_index(sqlite3_vtab *v, sqlite3_index_info *info)
{
    (void)v;
    int n;
    return ctl_tvf_best_index(info, 2, 1, &n);
}

static int names_open(sqlite3_vtab *v, sqlite3_vtab_cursor **out)
{
    (void)v;
    struct names_cursor *c = sqlite3_malloc(sizeof *c);
    if (!c) return SQLITE_NOMEM;
    memset(c, 0, sizeof *c);
    c->len = -1;
    *out = &c->base;
    return SQLITE_OK;
}

static int names_close(sqlite3_vtab_cursor *cur)
{
    sqlite3_free(((struct names_cursor *)cur)->text);
    sqlite3_free(cur);
    return SQLITE_OK;
}

static int names_next(sqlite3_vtab_cursor *cur)
{
    struct names_cursor *c = (struct names_cursor *)cur;
    c->len = ctl_crtsh_next_name(c->text, &c->pos, c->name);
    c->row++;
    return SQLITE_OK;
}

static int names_filter(sqlite3_vtab_cursor *cur, int idx, const char *idxstr, int argc,
                        sqlite3_value **argv)
{
    (void)idxstr, (void)argc;
    struct names_cursor *c = (struct names_cursor *)cur;
    sqlite3_free(c->text);
    c->text = NULL, c->pos = 0, c->len = -1, c->row = 0;
    if (!(idx & 1))
        return vtab_errorf(cur->pVtab, "crtsh_names", "%s: missing the name_value argument", NULL);
    const unsigned char *s = sqlite3_value_text(argv[0]);
    if (!s) return SQLITE_OK;
    if (!(c->text = sqlite3_mprintf("%s", s))) return SQLITE_NOMEM;
    return names_next(cur);
}

static int names_eof(sqlite3_vtab_cursor *cur)
{
    return ((struct names_cursor *)cur)->len < 0;
}

static int names_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
    struct names_cursor *c = (struct names_cursor *)cur;
    if (col == 0)
        sqlite3_result_text(ctx, c->name, c->len, SQLITE_TRANSIENT);
    else if (col == 1)
        sqlite3_result_int(ctx, c->name[0] == '*');
    else
        sqlite3_result_text(ctx, c->text, -1, SQLITE_TRANSIENT);
    return SQLITE_OK;
}

static int names_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
    *rowid = ((struct names_cursor *)cur)->row;
    return SQLITE_OK;
}

static const sqlite3_module names_module = {
    .xConnect = names_connect,
    .xBestIndex = names_best_index,
    .xDisconnect = any_disconnect,
    .xOpen = names_open,
    .xClose = names_close,
    .xFilter = names_filter,
    .xNext = names_next,
    .xEof = names_eof,
    .xColumn = names_column,
    .xRowid = names_rowid,
};

/* ---- Functions ---- */

/* ctlite_setting(name [, value]): the setting's value, after setting it when value is given. */
static void setting_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    struct net *n = ctl_fn_user(ctx);
    const char *name = (const char *)sqlite3_value_text(argv[0]);
    if (!name) return;
    char err[300], out[600];
    const char *value = argc == 2 ? (const char *)sqlite3_value_text(argv[1]) : NULL;
    if (argc == 2 && !value) {
        ctl_errorf(ctx, "ctlite_setting: the value of %s is NULL", name);
    } else if (value && net_set(n, name, value, err, sizeof err) < 0) {
        ctl_errorf(ctx, "ctlite_setting: %s", err);
    } else if (!strcmp(name, "crtsh_url") || !strcmp(name, "crtsh_cache_ttl") ||
               ctl_http_get_setting(ctl_http_config(n->http), name, out, sizeof out) == 0) {
        if (value && !strcmp(name, n->env_bad)) *n->env_err = 0; /* it replaces the variable */
        if (!strcmp(name, "crtsh_url")) snprintf(out, sizeof out, "%s", n->crtsh_url);
        if (!strcmp(name, "crtsh_cache_ttl")) snprintf(out, sizeof out, "%g", n->ttl);
        sqlite3_result_text(ctx, out, -1, SQLITE_TRANSIENT);
    } else {
        ctl_errorf(ctx,
                   "ctlite_setting: unknown setting '%s' (known: crtsh_url, crtsh_cache_ttl, "
                   "timeout, max_attempts, min_interval, backoff, max_wait, max_body, "
                   "user_agent)",
                   name);
    }
}

static void cache_clear_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc, (void)argv;
    sqlite3_result_int(ctx, cache_clear(ctl_fn_user(ctx)));
}

static const struct ctl_fn fns[] = {
    {"ctlite_setting", 1, SQLITE_DIRECTONLY, setting_fn},
    {"ctlite_setting", 2, SQLITE_DIRECTONLY, setting_fn},
    {"crtsh_cache_clear", 0, SQLITE_DIRECTONLY, cache_clear_fn},
};

int crtsh_register(sqlite3 *db)
{
    struct net *n = net_new();
    if (!n) return SQLITE_NOMEM;
    const struct {
        const char *name;
        const sqlite3_module *module;
    } tables[] = {{"crtsh", &search_module}, {"crtsh_cert", &cert_module}};
    n->refs = 1;
    int rc = ctl_register_fns(db, fns, sizeof fns / sizeof *fns, n, net_release);
    for (size_t i = 0; i < sizeof tables / sizeof *tables && rc == SQLITE_OK; i++) {
        n->refs++;
        rc = sqlite3_create_module_v2(db, tables[i].name, tables[i].module, n, net_release);
    }
    if (rc == SQLITE_OK) rc = sqlite3_create_module(db, "crtsh_names", &names_module, NULL);
    return rc;
}
