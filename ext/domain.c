#include <errno.h>
#include <idn2.h>
#include <libpsl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "domain.h"
#include "sqlfn.h"
#include "utf8.h"

SQLITE_EXTENSION_INIT3

/* UTS#46 non-transitional processing (ß stays ß) after NFC, as browsers do. */
#define IDNA_FLAGS (IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT)

/* A Unicode host name whose A-label form fits in 253 bytes takes at most 4 bytes per byte. */
#define UNICODE_MAX (4 * CTL_HOST_MAX)

struct ctl_psl {
    psl_ctx_t *ctx;
    char desc[512];
};

/* The list's own "// VERSION: " header when it has one (lists from 2023 on), else the file's
 * modification date. */
static void list_date(const char *path, char *out, size_t outsz)
{
    snprintf(out, outsz, "unknown date");
    FILE *f = fopen(path, "r");
    if (f) {
        char line[256];
        for (int i = 0; i < 40 && fgets(line, sizeof line, f); i++) {
            const char *v = strstr(line, "// VERSION: ");
            if (v) {
                snprintf(out, outsz, "%.*s", (int)strcspn(v + 12, "\r\n"), v + 12);
                fclose(f);
                return;
            }
        }
        fclose(f);
    }
    struct stat sb;
    struct tm tm;
    if (stat(path, &sb) == 0 && gmtime_r(&sb.st_mtime, &tm)) strftime(out, outsz, "%Y-%m-%d", &tm);
}

static const char *default_list(void)
{
    /* The text list that libpsl's builtin copy was made from is the system's list (on Debian
     * the publicsuffix package); the DAFSA beside it is the same list, compiled. */
    const char *txt = psl_builtin_filename();
    if (txt && access(txt, R_OK) == 0) return txt;
    const char *dafsa = psl_dist_filename();
    if (dafsa && *dafsa && access(dafsa, R_OK) == 0) return dafsa;
    return txt ? txt : "/usr/share/publicsuffix/public_suffix_list.dat";
}

ctl_psl *ctl_psl_open(const char *path, char *err, size_t errsz)
{
    if (!path) path = getenv("CTLITE_PSL_FILE");
    if (!path || !*path) path = default_list();
    if (access(path, R_OK) != 0) {
        snprintf(err, errsz, "cannot read the public suffix list %s: %s", path, strerror(errno));
        return NULL;
    }
    psl_ctx_t *ctx = psl_load_file(path);
    int rules = ctx ? psl_suffix_count(ctx) : 0;
    if (!ctx || rules == 0) {
        snprintf(err, errsz, "%s is not a public suffix list", path);
        psl_free(ctx);
        return NULL;
    }
    ctl_psl *p = malloc(sizeof *p);
    if (!p) {
        snprintf(err, errsz, "out of memory");
        psl_free(ctx);
        return NULL;
    }
    p->ctx = ctx;
    char date[64];
    list_date(path, date, sizeof date);
    if (rules > 0)
        snprintf(p->desc, sizeof p->desc, "%s (list of %s, %d rules)", path, date, rules);
    else /* a DAFSA file does not tell its size */
        snprintf(p->desc, sizeof p->desc, "%s (list of %s)", path, date);
    return p;
}

void ctl_psl_close(ctl_psl *p)
{
    if (!p) return;
    psl_free(p->ctx);
    free(p);
}

const char *ctl_psl_describe(const ctl_psl *p)
{
    return p->desc;
}

/* Lowercases the ASCII name s[n] into out and checks that it is made of labels of 1..63
 * letters, digits, '-' or '_', at most 253 bytes in all. Unless any_tld, the last label must
 * look like a top-level domain: starting with a letter, without '_' and not ending with '-',
 * which also keeps out IPv4 addresses. Returns n, or -1. */
static int check_labels(const char *s, size_t n, char *out, int any_tld)
{
    if (n == 0 || n > CTL_HOST_MAX) return -1;
    size_t label = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '.') {
            if (label == 0) return -1;
            label = 0;
            out[i] = '.';
            continue;
        }
        if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
        int digit = c >= '0' && c <= '9';
        if (!digit && !(c >= 'a' && c <= 'z') && c != '-' && c != '_') return -1;
        if (++label > 63) return -1;
        out[i] = (char)c;
    }
    if (label == 0) return -1;
    const char *tld = out + n - label;
    if (!any_tld && (tld[0] < 'a' || tld[0] > 'z' || out[n - 1] == '-' || memchr(tld, '_', label)))
        return -1;
    out[n] = 0;
    return (int)n;
}

/* The part of name[n] between an optional leading "*." and an optional trailing dot. */
static void strip_decorations(const char **name, size_t *n, size_t *pre, size_t *post)
{
    *pre = (*n >= 2 && (*name)[0] == '*' && (*name)[1] == '.') ? 2 : 0;
    *post = (*n > *pre && (*name)[*n - 1] == '.') ? 1 : 0;
    *name += *pre;
    *n -= *pre + *post;
}

/* IDNA ToASCII of a bare name (no "*.", no trailing dot) into a malloc'd string. */
static char *idna_ascii(const char *name, size_t n, const char **err)
{
    if (n == 0) return *err = "empty name", NULL;
    if (memchr(name, 0, n)) return *err = "name contains a NUL byte", NULL;
    if (!ctl_utf8_valid((const unsigned char *)name, n)) return *err = "not valid UTF-8", NULL;
    if (n > UNICODE_MAX) return *err = "name longer than 253 bytes", NULL;
    char in[UNICODE_MAX + 1], *out = NULL;
    memcpy(in, name, n);
    in[n] = 0;
    int rc = idn2_to_ascii_8z(in, &out, IDNA_FLAGS);
    if (rc != IDN2_OK) return *err = idn2_strerror(rc), NULL;
    if (check_labels(out, strlen(out), out, 1) < 0) {
        free(out);
        return *err = "not a host name (labels of letters, digits, '-' and '_', 1 to 63 bytes "
                      "each, 253 in all)",
               NULL;
    }
    return out;
}

int ctl_host_canon(const char *name, size_t n, char out[CTL_HOST_MAX + 1])
{
    size_t pre, post;
    strip_decorations(&name, &n, &pre, &post);
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)name[i] < 0x80) continue;
        const char *err;
        char *a = idna_ascii(name, n, &err);
        if (!a) return -1;
        int r = check_labels(a, strlen(a), out, 0);
        free(a);
        return r;
    }
    return check_labels(name, n, out, 0);
}

int ctl_psl_split(const ctl_psl *p, const char *host, int icann_only, int *suffix)
{
    /* The registrable domain is the public suffix plus one label: walk from the left until
     * the rest is a public suffix. The list's "*" default rule makes every last label one. */
    int type = icann_only ? PSL_TYPE_ICANN : PSL_TYPE_ANY;
    const char *s = host, *prev = NULL;
    while (!psl_is_public_suffix2(p->ctx, s, type)) {
        const char *dot = strchr(s, '.');
        if (!dot) break;
        prev = s, s = dot + 1;
    }
    *suffix = (int)(s - host);
    return prev ? (int)(prev - host) : -1;
}

int ctl_is_wildcard(const char *name, size_t n)
{
    return n >= 1 && name[0] == '*' && (n == 1 || name[1] == '.');
}

static char *convert(const char *name, size_t n, int to_unicode, const char **err)
{
    size_t pre, post;
    strip_decorations(&name, &n, &pre, &post);
    char *a = idna_ascii(name, n, err), *core = a;
    if (!a) return NULL;
    if (to_unicode) {
        int rc = idn2_to_unicode_8z8z(a, &core, 0);
        free(a);
        if (rc != IDN2_OK) return *err = idn2_strerror(rc), NULL;
    }
    size_t len = strlen(core);
    char *out = malloc(pre + len + post + 1);
    if (out) {
        memcpy(out, "*.", pre);
        memcpy(out + pre, core, len);
        memcpy(out + pre + len, ".", post);
        out[pre + len + post] = 0;
    } else {
        *err = "out of memory";
    }
    free(core);
    return out;
}

char *ctl_domain_to_ascii(const char *name, size_t n, const char **err)
{
    return convert(name, n, 0, err);
}

char *ctl_domain_to_unicode(const char *name, size_t n, const char **err)
{
    return convert(name, n, 1, err);
}

/* ---- SQL binding ---- */

/* Per connection: the list in use, loaded on first use and replaced by ctlite_psl_load. */
struct domain_state {
    ctl_psl *psl;
    int tried;
    char err[600];
};

static void state_free(void *p)
{
    struct domain_state *st = p;
    ctl_psl_close(st->psl);
    sqlite3_free(st);
}

static const ctl_psl *state_psl(sqlite3_context *ctx, const char *fname)
{
    struct domain_state *st = ctl_fn_user(ctx);
    if (!st->psl && !st->tried) {
        st->tried = 1; /* a missing list is reported on every call, not searched for again */
        st->psl = ctl_psl_open(NULL, st->err, sizeof st->err);
    }
    if (!st->psl)
        ctl_errorf(ctx, "%s: %s (set CTLITE_PSL_FILE or call ctlite_psl_load)", fname, st->err);
    return st->psl;
}

static void split_sql(sqlite3_context *ctx, int argc, sqlite3_value **argv, int want_suffix,
                      const char *fname)
{
    for (int i = 0; i < argc; i++)
        if (sqlite3_value_type(argv[i]) == SQLITE_NULL) return;
    int icann = 0;
    if (argc == 2) {
        const char *mode = (const char *)sqlite3_value_text(argv[1]);
        if (mode && strcmp(mode, "icann") == 0)
            icann = 1;
        else if (!mode || strcmp(mode, "all") != 0) {
            ctl_errorf(ctx, "%s: the second argument must be 'all' or 'icann'", fname);
            return;
        }
    }
    const ctl_psl *psl = state_psl(ctx, fname);
    if (!psl) return;
    const char *name = (const char *)sqlite3_value_text(argv[0]);
    char host[CTL_HOST_MAX + 1];
    if (!name || ctl_host_canon(name, (size_t)sqlite3_value_bytes(argv[0]), host) < 0) return;
    int suffix, reg = ctl_psl_split(psl, host, icann, &suffix);
    int off = want_suffix ? suffix : reg;
    if (off >= 0) sqlite3_result_text(ctx, host + off, -1, SQLITE_TRANSIENT);
}

static void registrable_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    split_sql(ctx, argc, argv, 0, "registrable_domain");
}

static void suffix_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    split_sql(ctx, argc, argv, 1, "public_suffix");
}

static void wildcard_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
    const char *name = (const char *)sqlite3_value_text(argv[0]);
    sqlite3_result_int(ctx, name && ctl_is_wildcard(name, (size_t)sqlite3_value_bytes(argv[0])));
}

static void convert_sql(sqlite3_context *ctx, sqlite3_value **argv, int to_unicode,
                        const char *fname)
{
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
    const char *name = (const char *)sqlite3_value_text(argv[0]);
    size_t n = (size_t)sqlite3_value_bytes(argv[0]);
    const char *err = "out of memory";
    char *out = name ? convert(name, n, to_unicode, &err) : NULL;
    if (out) {
        sqlite3_result_text(ctx, out, -1, free);
        return;
    }
    char *q = ctl_quote((const unsigned char *)name, name ? n : 0);
    ctl_errorf(ctx, "%s: cannot convert %s: %s", fname, q ? q : "name", err);
    sqlite3_free(q);
}

static void to_ascii_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    convert_sql(ctx, argv, 0, "domain_to_ascii");
}

static void to_unicode_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    convert_sql(ctx, argv, 1, "domain_to_unicode");
}

static void psl_load_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    struct domain_state *st = ctl_fn_user(ctx);
    const char *path = (const char *)sqlite3_value_text(argv[0]);
    if (!path || !*path) {
        ctl_errorf(ctx, "ctlite_psl_load: the argument must be the path of a list file");
        return;
    }
    char err[sizeof st->err];
    ctl_psl *p = ctl_psl_open(path, err, sizeof err);
    if (!p) {
        ctl_errorf(ctx, "ctlite_psl_load: %s", err);
        return;
    }
    ctl_psl_close(st->psl);
    st->psl = p, st->tried = 1;
    sqlite3_result_text(ctx, ctl_psl_describe(p), -1, SQLITE_TRANSIENT);
}

static void psl_info_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc, (void)argv;
    const ctl_psl *p = state_psl(ctx, "ctlite_psl_info");
    if (p) sqlite3_result_text(ctx, ctl_psl_describe(p), -1, SQLITE_TRANSIENT);
}

static const struct ctl_fn fns[] = {
    {"registrable_domain", 1, CTL_PURE, registrable_fn},
    {"registrable_domain", 2, CTL_PURE, registrable_fn},
    {"public_suffix", 1, CTL_PURE, suffix_fn},
    {"public_suffix", 2, CTL_PURE, suffix_fn},
    {"is_wildcard", 1, CTL_PURE, wildcard_fn},
    {"domain_to_ascii", 1, CTL_PURE, to_ascii_fn},
    {"domain_to_unicode", 1, CTL_PURE, to_unicode_fn},
    {"ctlite_psl_load", 1, SQLITE_DIRECTONLY, psl_load_fn},
    {"ctlite_psl_info", 0, 0, psl_info_fn},
};

int domain_register(sqlite3 *db)
{
    struct domain_state *st = sqlite3_malloc(sizeof *st);
    if (!st) return SQLITE_NOMEM;
    memset(st, 0, sizeof *st);
    return ctl_register_fns(db, fns, sizeof fns / sizeof *fns, st, state_free);
}
