/* The SQL side of x509: scalar functions over a certificate's DER, and x509_names. */
#include <stdio.h>
#include <string.h>

#include "sqlfn.h"
#include "x509.h"

SQLITE_EXTENSION_INIT3

/* The certificate in argv[0], or NULL: with an error set when it is not one, with nothing
 * set for NULL. */
static ctl_cert *arg_cert(sqlite3_context *ctx, sqlite3_value *v, const char *fname)
{
    if (sqlite3_value_type(v) == SQLITE_NULL) return NULL;
    const void *der = sqlite3_value_blob(v);
    int n = sqlite3_value_bytes(v);
    char err[100];
    ctl_cert *c = der ? ctl_cert_parse(der, (size_t)n, err, sizeof err) : NULL;
    if (!c) ctl_errorf(ctx, "%s: %s", fname, der ? err : "not a DER certificate");
    return c;
}

enum what { SUBJECT, ISSUER, SERIAL, NOT_BEFORE, NOT_AFTER, IS_PRECERT, SHA256, TBS_SHA256 };
static const char *const fnames[] = {"x509_subject",    "x509_issuer",    "x509_serial",
                                     "x509_not_before", "x509_not_after", "x509_is_precert",
                                     "x509_sha256",     "x509_tbs_sha256"};

static void x509_fn(sqlite3_context *ctx, sqlite3_value *v, enum what w)
{
    if (w == SHA256) { /* the hash of the bytes as given, once they are a certificate */
        ctl_cert *c = arg_cert(ctx, v, fnames[w]);
        if (!c) return;
        ctl_cert_free(c);
        uint8_t h[32];
        ctl_sha256(sqlite3_value_blob(v), (size_t)sqlite3_value_bytes(v), h);
        sqlite3_result_blob(ctx, h, 32, SQLITE_TRANSIENT);
        return;
    }
    ctl_cert *c = arg_cert(ctx, v, fnames[w]);
    if (!c) return;
    char buf[4096];
    int n = -1, ok = 1;
    uint8_t h[32];
    switch (w) {
    case SUBJECT:
        n = ctl_cert_subject(c, buf, sizeof buf);
        break;
    case ISSUER:
        n = ctl_cert_issuer(c, buf, sizeof buf);
        break;
    case SERIAL:
        n = ctl_cert_serial(c, buf, sizeof buf);
        break;
    case NOT_BEFORE:
    case NOT_AFTER: {
        int64_t t = w == NOT_BEFORE ? ctl_cert_not_before(c, &ok) : ctl_cert_not_after(c, &ok);
        if (ok) sqlite3_result_int64(ctx, t);
        break;
    }
    case IS_PRECERT:
        sqlite3_result_int(ctx, ctl_cert_is_precert(c));
        break;
    case TBS_SHA256:
        if ((ok = ctl_cert_tbs_sha256(c, h) == 0))
            sqlite3_result_blob(ctx, h, 32, SQLITE_TRANSIENT);
        break;
    case SHA256:
        break;
    }
    if (w <= SERIAL && (ok = n >= 0)) sqlite3_result_text(ctx, buf, n, SQLITE_TRANSIENT);
    if (!ok) ctl_errorf(ctx, "%s: the certificate's field cannot be read", fnames[w]);
    ctl_cert_free(c);
}

#define FN(name, w)                                                                                \
    static void name##_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)                    \
    {                                                                                              \
        (void)argc;                                                                                \
        x509_fn(ctx, argv[0], w);                                                                  \
    }
FN(subject, SUBJECT)
FN(issuer, ISSUER)
FN(serial, SERIAL)
FN(not_before, NOT_BEFORE)
FN(not_after, NOT_AFTER)
FN(is_precert, IS_PRECERT)
FN(sha256, SHA256)
FN(tbs_sha256, TBS_SHA256)
#undef FN

static const struct ctl_fn fns[] = {
    {"x509_subject", 1, CTL_PURE, subject_fn},     {"x509_issuer", 1, CTL_PURE, issuer_fn},
    {"x509_serial", 1, CTL_PURE, serial_fn},       {"x509_not_before", 1, CTL_PURE, not_before_fn},
    {"x509_not_after", 1, CTL_PURE, not_after_fn}, {"x509_is_precert", 1, CTL_PURE, is_precert_fn},
    {"x509_sha256", 1, CTL_PURE, sha256_fn},       {"x509_tbs_sha256", 1, CTL_PURE, tbs_sha256_fn},
};

/* ---- x509_names(der): type and name, one row each ---- */

struct name_row {
    char type[8];
    char *name;
};

struct names_cursor {
    sqlite3_vtab_cursor base;
    struct name_row *rows;
    size_t n, cap, row;
    int oom;
};

static int names_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
                         sqlite3_vtab **out, char **err)
{
    (void)aux, (void)argc, (void)argv, (void)err;
    int rc = sqlite3_declare_vtab(db, "CREATE TABLE x(type TEXT, name TEXT, der HIDDEN)");
    if (rc != SQLITE_OK) return rc;
    sqlite3_vtab *v = sqlite3_malloc(sizeof *v);
    if (!v) return SQLITE_NOMEM;
    memset(v, 0, sizeof *v);
    sqlite3_vtab_config(db, SQLITE_VTAB_INNOCUOUS);
    *out = v;
    return SQLITE_OK;
}

static int names_disconnect(sqlite3_vtab *v)
{
    sqlite3_free(v);
    return SQLITE_OK;
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
    *out = &c->base;
    return SQLITE_OK;
}

static void names_reset(struct names_cursor *c)
{
    for (size_t i = 0; i < c->n; i++) sqlite3_free(c->rows[i].name);
    c->n = c->row = 0;
    c->oom = 0;
}

static int names_close(sqlite3_vtab_cursor *cur)
{
    struct names_cursor *c = (struct names_cursor *)cur;
    names_reset(c);
    sqlite3_free(c->rows);
    sqlite3_free(c);
    return SQLITE_OK;
}

static void add_name(void *user, const char *type, const char *name)
{
    struct names_cursor *c = user;
    if (c->oom) return;
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 16;
        struct name_row *r = sqlite3_realloc64(c->rows, cap * sizeof *r);
        if (!r) return (void)(c->oom = 1);
        c->rows = r, c->cap = cap;
    }
    struct name_row *r = &c->rows[c->n];
    snprintf(r->type, sizeof r->type, "%s", type);
    if (!(r->name = sqlite3_mprintf("%s", name))) return (void)(c->oom = 1);
    c->n++;
}

static int names_filter(sqlite3_vtab_cursor *cur, int idx, const char *idxstr, int argc,
                        sqlite3_value **argv)
{
    (void)idxstr, (void)argc;
    struct names_cursor *c = (struct names_cursor *)cur;
    names_reset(c);
    if (!(idx & 1)) {
        sqlite3_free(cur->pVtab->zErrMsg);
        cur->pVtab->zErrMsg = sqlite3_mprintf("x509_names: missing the der argument");
        return SQLITE_ERROR;
    }
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return SQLITE_OK;
    const void *der = sqlite3_value_blob(argv[0]);
    char err[100];
    ctl_cert *x =
        der ? ctl_cert_parse(der, (size_t)sqlite3_value_bytes(argv[0]), err, sizeof err) : NULL;
    if (!x) {
        sqlite3_free(cur->pVtab->zErrMsg);
        cur->pVtab->zErrMsg =
            sqlite3_mprintf("x509_names: %s", der ? err : "not a DER certificate");
        return SQLITE_ERROR;
    }
    ctl_cert_names(x, add_name, c);
    ctl_cert_free(x);
    return c->oom ? SQLITE_NOMEM : SQLITE_OK;
}

static int names_next(sqlite3_vtab_cursor *cur)
{
    ((struct names_cursor *)cur)->row++;
    return SQLITE_OK;
}

static int names_eof(sqlite3_vtab_cursor *cur)
{
    struct names_cursor *c = (struct names_cursor *)cur;
    return c->row >= c->n;
}

static int names_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
    struct names_cursor *c = (struct names_cursor *)cur;
    if (col < 2)
        sqlite3_result_text(ctx, col ? c->rows[c->row].name : c->rows[c->row].type, -1,
                            SQLITE_TRANSIENT);
    return SQLITE_OK;
}

static int names_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
    *rowid = (sqlite3_int64)((struct names_cursor *)cur)->row + 1;
    return SQLITE_OK;
}

static const sqlite3_module names_module = {
    .xConnect = names_connect,
    .xBestIndex = names_best_index,
    .xDisconnect = names_disconnect,
    .xOpen = names_open,
    .xClose = names_close,
    .xFilter = names_filter,
    .xNext = names_next,
    .xEof = names_eof,
    .xColumn = names_column,
    .xRowid = names_rowid,
};

int x509_register(sqlite3 *db)
{
    int rc = ctl_register_fns(db, fns, sizeof fns / sizeof *fns, NULL, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_create_module(db, "x509_names", &names_module, NULL);
    return rc;
}
