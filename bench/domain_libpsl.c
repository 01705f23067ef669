/* Usage: domain_libpsl gen DB [COUNT]
 *        domain_libpsl run DB EXTENSION [REPS]
 *
 * The registrable-domain benchmark (bench/run domain). "gen" writes COUNT host names (default
 * 1,000,000) into the table names(name) of the SQLite database DB, replacing the file. "run"
 * times, best of REPS (default 3) in this one process:
 *
 *   floor      SELECT count(name) FROM names: reading the rows, no work per name;
 *   memory     a C loop over the names, read into memory first, lowercasing each into a buffer
 *              (and dropping a trailing dot) and calling libpsl's psl_registrable_domain();
 *   step       the same C loop, but fed row by row by sqlite3_step over SELECT name FROM names,
 *              so the cost of iterating SQLite rows is included as it is for the extension;
 *   ctlite     SELECT count(registrable_domain(name)) FROM names, with EXTENSION (ctlite.so)
 *              loaded into the connection.
 *
 * The ratio ctlite/step is the overhead of the SQL function over calling libpsl by hand. Both
 * use the same list file, chosen as ctlite chooses it (CTLITE_PSL_FILE, else the system's text
 * list libpsl names as psl_builtin_filename(), else its DAFSA). ctlite does more per name than
 * the loop: it checks host-name syntax, strips "*." and a trailing dot, converts Unicode names
 * with IDNA, and finds the suffix label by label with psl_is_public_suffix2().
 *
 * The names are shaped like the ones in certificates: www and apex names, deep subdomains,
 * names under multi-label and private suffixes (co.uk, com.au, github.io, s3.amazonaws.com),
 * some uppercase, some with a trailing dot, about 2% with a punycode ("xn--") label, and a few
 * bare suffixes, which have no registrable domain. A fixed-seed PRNG makes them the same on
 * every run and machine. */
#include <errno.h>
#include <idn2.h>
#include <libpsl.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { NAME_MAX_LEN = 253 };

#define COUNT_OF(a) (sizeof(a) / sizeof *(a))

#define BENCH_SEED UINT64_C(0x853C49E6748FEA9B)
#include "rand.h"

/* ---- gen ---- */

/* Public suffixes the names end in: ICANN ones, single- and multi-label, then private ones
 * (suffixes that hosting companies register for their customers). */
static const char *const icann[] = {
    "com",    "net",    "org",    "io",    "de",     "fr",     "nl",    "ru",     "pl",
    "it",     "es",     "ca",     "eu",    "ch",     "se",     "us",    "info",   "biz",
    "xyz",    "top",    "online", "app",   "dev",    "cloud",  "co.uk", "org.uk", "ac.uk",
    "com.au", "net.au", "co.jp",  "ne.jp", "com.br", "com.cn", "co.in", "co.nz",  "co.za",
};
static const char *const hosted[] = {
    "github.io",   "blogspot.com",      "s3.amazonaws.com", "herokuapp.com",
    "appspot.com", "azurewebsites.net", "cloudfront.net",   "netlify.app",
};

static const char *const words[] = {
    "example", "paypal",  "login",   "secure",   "account",   "shop",   "store",   "bank",
    "mail",    "cloud",   "portal",  "support",  "service",   "online", "media",   "news",
    "travel",  "hotel",   "crypto",  "wallet",   "verify",    "update", "office",  "team",
    "global",  "digital", "studio",  "labs",     "health",    "school", "city",    "market",
    "alpha",   "acme",    "contoso", "fabrikam", "northwind", "globex", "initech", "umbrella",
};

static const char *const subs[] = {"www",  "mail",      "api",       "cdn",     "static",
                                   "m",    "dev",       "test",      "admin",   "vpn",
                                   "shop", "blog",      "img",       "auth",    "login",
                                   "app",  "eu-west-1", "us-east-1", "staging", "internal"};

/* Unicode labels whose punycode forms the generator uses; converted once with libidn2. */
static const char *const unicode_labels[] = {"bücher",     "münchen", "пример", "яндекс",
                                             "café",       "zürich",  "españa", "москва",
                                             "παράδειγμα", "straße",  "köln",   "ελλάδα"};
static char *puny[COUNT_OF(unicode_labels)];

static int make_puny(void)
{
    for (size_t i = 0; i < COUNT_OF(unicode_labels); i++) {
        int rc = idn2_to_ascii_8z(unicode_labels[i], &puny[i], IDN2_NONTRANSITIONAL);
        if (rc != IDN2_OK) {
            fprintf(stderr, "domain_libpsl: idn2: %s: %s\n", unicode_labels[i], idn2_strerror(rc));
            return -1;
        }
    }
    return 0;
}

/* Appends label s and a dot to out[*n]. */
static void put(char *out, size_t *n, const char *s)
{
    size_t len = strlen(s);
    if (*n + len + 1 >= NAME_MAX_LEN) return;
    memcpy(out + *n, s, len);
    *n += len;
    out[(*n)++] = '.';
}

/* A label like "a3f9c1" or "web42": random letters and digits, as machine-made names have. */
static void put_random(char *out, size_t *n)
{
    static const char alnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    char label[16];
    unsigned len = 2 + below(10);
    for (unsigned i = 0; i < len; i++) label[i] = alnum[below(sizeof alnum - 1)];
    label[len] = 0;
    put(out, n, label);
}

static void put_word(char *out, size_t *n)
{
    unsigned r = below(100);
    if (r < 2) {
        put(out, n, puny[below(COUNT_OF(puny))]);
    } else if (r < 75) {
        put(out, n, words[below(COUNT_OF(words))]);
    } else if (r < 90) { /* two words joined by a hyphen, like secure-login */
        char w[64];
        snprintf(w, sizeof w, "%s-%s", words[below(COUNT_OF(words))],
                 words[below(COUNT_OF(words))]);
        put(out, n, w);
    } else {
        put_random(out, n);
    }
}

/* A third of names end in .com, the rest in any of the suffixes. */
static const char *suffix(void)
{
    if (below(3) == 0) return "com";
    unsigned i = below(COUNT_OF(icann) + COUNT_OF(hosted));
    return i < COUNT_OF(icann) ? icann[i] : hosted[i - COUNT_OF(icann)];
}

/* One name into out; returns its length. */
static size_t make_name(char *out)
{
    size_t n = 0;
    unsigned shape = below(1000);
    if (shape < 5) { /* a bare suffix: no registrable domain */
        put(out, &n, suffix());
    } else if (shape < 300) { /* www.example.com */
        put(out, &n, "www");
        put_word(out, &n);
        put(out, &n, suffix());
    } else if (shape < 550) { /* example.com */
        put_word(out, &n);
        put(out, &n, suffix());
    } else if (shape < 850) { /* deep.sub.example.co.uk */
        for (unsigned k = 1 + below(4); k > 0; k--) {
            if (below(3))
                put(out, &n, subs[below(COUNT_OF(subs))]);
            else
                put_random(out, &n);
        }
        put_word(out, &n);
        put(out, &n, suffix());
    } else { /* foo.github.io, a.b.blogspot.com */
        if (below(3) == 0) put(out, &n, subs[below(COUNT_OF(subs))]);
        put_word(out, &n);
        put(out, &n, hosted[below(COUNT_OF(hosted))]);
    }
    if (below(100) >= 2) n--; /* all but 2% lose the trailing dot */
    unsigned upper = below(100);
    if (upper < 5) { /* all uppercase */
        for (size_t i = 0; i < n; i++)
            if (out[i] >= 'a' && out[i] <= 'z') out[i] -= 'a' - 'A';
    } else if (upper < 10) { /* Capitalised labels */
        for (size_t i = 0; i < n; i++)
            if ((i == 0 || out[i - 1] == '.') && out[i] >= 'a' && out[i] <= 'z')
                out[i] -= 'a' - 'A';
    }
    out[n] = 0;
    return n;
}

static int fail(sqlite3 *db, const char *what)
{
    fprintf(stderr, "domain_libpsl: %s: %s\n", what, db ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_close(db);
    return 1;
}

static int gen(const char *path, long count)
{
    if (make_puny() != 0) return 1;
    if (unlink(path) != 0 && errno != ENOENT) {
        perror(path);
        return 1;
    }
    sqlite3 *db = NULL;
    if (sqlite3_open(path, &db) != SQLITE_OK) return fail(db, path);
    if (sqlite3_exec(db,
                     "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
                     "CREATE TABLE names(name TEXT NOT NULL); BEGIN",
                     NULL, NULL, NULL) != SQLITE_OK)
        return fail(db, "create");
    sqlite3_stmt *ins;
    if (sqlite3_prepare_v2(db, "INSERT INTO names VALUES (?1)", -1, &ins, NULL) != SQLITE_OK)
        return fail(db, "prepare");
    char name[NAME_MAX_LEN + 1];
    for (long i = 0; i < count; i++) {
        size_t n = make_name(name);
        sqlite3_bind_text(ins, 1, name, (int)n, SQLITE_STATIC);
        if (sqlite3_step(ins) != SQLITE_DONE) {
            sqlite3_finalize(ins);
            return fail(db, "insert");
        }
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    for (size_t i = 0; i < COUNT_OF(puny); i++) idn2_free(puny[i]);
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) return fail(db, "commit");
    return sqlite3_close(db) == SQLITE_OK ? 0 : fail(db, "close");
}

/* ---- run ---- */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The baseline's work for one name: lowercase into buf without a trailing dot, then libpsl.
 * Returns 1 when the name has a registrable domain. */
static inline int baseline_one(const psl_ctx_t *psl, const char *s, size_t n, char *buf)
{
    if (n > NAME_MAX_LEN) return 0;
    if (n && s[n - 1] == '.') n--;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        buf[i] = (c >= 'A' && c <= 'Z') ? (char)(c + ('a' - 'A')) : c;
    }
    buf[n] = 0;
    return psl_registrable_domain(psl, buf) != NULL;
}

struct names {
    char *text; /* the names, each followed by a NUL */
    size_t *off, *len;
    size_t count;
};

static long run_memory(const psl_ctx_t *psl, const struct names *nm)
{
    char buf[NAME_MAX_LEN + 1];
    long hits = 0;
    for (size_t i = 0; i < nm->count; i++)
        hits += baseline_one(psl, nm->text + nm->off[i], nm->len[i], buf);
    return hits;
}

static long run_step(const psl_ctx_t *psl, sqlite3_stmt *st)
{
    char buf[NAME_MAX_LEN + 1];
    long hits = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *s = (const char *)sqlite3_column_text(st, 0);
        size_t n = (size_t)sqlite3_column_bytes(st, 0);
        if (s) hits += baseline_one(psl, s, n, buf);
    }
    sqlite3_reset(st);
    return hits;
}

/* Runs a query returning one integer. */
static long run_count(sqlite3_stmt *st)
{
    long v = -1;
    if (sqlite3_step(st) == SQLITE_ROW) v = (long)sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return v;
}

static int read_names(sqlite3 *db, struct names *nm)
{
    sqlite3_stmt *st;
    size_t cap = 1 << 16, tcap = 1 << 22, used = 0;
    memset(nm, 0, sizeof *nm);
    if (sqlite3_prepare_v2(db, "SELECT name FROM names", -1, &st, NULL) != SQLITE_OK) return -1;
    nm->off = malloc(cap * sizeof *nm->off);
    nm->len = malloc(cap * sizeof *nm->len);
    nm->text = malloc(tcap);
    int rc = nm->off && nm->len && nm->text ? SQLITE_ROW : SQLITE_NOMEM;
    while (rc == SQLITE_ROW && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *s = (const char *)sqlite3_column_text(st, 0);
        size_t n = (size_t)sqlite3_column_bytes(st, 0);
        if (!s) continue;
        if (nm->count == cap) {
            cap *= 2;
            size_t *o = realloc(nm->off, cap * sizeof *o);
            if (o) nm->off = o;
            size_t *l = realloc(nm->len, cap * sizeof *l);
            if (l) nm->len = l;
            if (!o || !l) rc = SQLITE_NOMEM;
        }
        while (rc == SQLITE_ROW && used + n + 1 > tcap) {
            char *t = realloc(nm->text, tcap * 2);
            if (t)
                nm->text = t, tcap *= 2;
            else
                rc = SQLITE_NOMEM;
        }
        if (rc != SQLITE_ROW) break;
        memcpy(nm->text + used, s, n + 1);
        nm->off[nm->count] = used, nm->len[nm->count++] = n;
        used += n + 1;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* The list file ctlite opens by default (see ext/domain.c). */
static const char *ctlite_list(void)
{
    const char *env = getenv("CTLITE_PSL_FILE");
    if (env && *env) return env;
    const char *txt = psl_builtin_filename();
    if (txt && access(txt, R_OK) == 0) return txt;
    const char *dafsa = psl_dist_filename();
    if (dafsa && *dafsa && access(dafsa, R_OK) == 0) return dafsa;
    return "/usr/share/publicsuffix/public_suffix_list.dat";
}

enum { FLOOR, MEMORY, STEP, CTLITE, DAFSA, NMEASURE };

static int run(const char *path, const char *ext, int reps)
{
    sqlite3 *db = NULL;
    char *err = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) return fail(db, path);
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 1, NULL);
    if (sqlite3_load_extension(db, ext, "sqlite3_ctlite_init", &err) != SQLITE_OK) {
        fprintf(stderr, "domain_libpsl: cannot load %s: %s\n", ext, err ? err : "?");
        sqlite3_free(err);
        sqlite3_close(db);
        return 1;
    }
    const char *list = ctlite_list();
    psl_ctx_t *psl = psl_load_file(list);
    if (!psl) {
        fprintf(stderr, "domain_libpsl: libpsl cannot load %s\n", list);
        sqlite3_close(db);
        return 1;
    }
    /* The same list compiled to a DAFSA, for context: libpsl looks names up differently in it. */
    const char *dafsa_path = psl_dist_filename();
    psl_ctx_t *dafsa = NULL;
    if (dafsa_path && *dafsa_path && strcmp(dafsa_path, list) != 0 && access(dafsa_path, R_OK) == 0)
        dafsa = psl_load_file(dafsa_path);

    sqlite3_stmt *floor_st, *step_st, *ctlite_st, *info_st;
    if (sqlite3_prepare_v2(db, "SELECT count(name) FROM names", -1, &floor_st, NULL) ||
        sqlite3_prepare_v2(db, "SELECT name FROM names", -1, &step_st, NULL) ||
        sqlite3_prepare_v2(db, "SELECT count(registrable_domain(name)) FROM names", -1, &ctlite_st,
                           NULL) ||
        sqlite3_prepare_v2(db, "SELECT ctlite_psl_info()", -1, &info_st, NULL))
        return fail(db, "prepare");
    struct names nm;
    if (read_names(db, &nm) != 0) return fail(db, "reading the names");

    if (sqlite3_step(info_st) == SQLITE_ROW)
        printf("ctlite list:  %s\n", (const char *)sqlite3_column_text(info_st, 0));
    sqlite3_finalize(info_st);
    printf("libpsl list:  %s (libpsl %s)\n", list, psl_get_version());

    double best[NMEASURE];
    long result[NMEASURE];
    for (int m = 0; m < NMEASURE; m++) best[m] = 1e30, result[m] = -1;
    run_count(floor_st); /* warm the page cache */
    for (int r = 0; r < reps; r++) {
        for (int m = 0; m < NMEASURE; m++) {
            if (m == DAFSA && !dafsa) continue;
            double t0 = now();
            switch (m) {
            case FLOOR:
                result[m] = run_count(floor_st);
                break;
            case MEMORY:
                result[m] = run_memory(psl, &nm);
                break;
            case STEP:
                result[m] = run_step(psl, step_st);
                break;
            case CTLITE:
                result[m] = run_count(ctlite_st);
                break;
            default:
                result[m] = run_memory(dafsa, &nm);
                break;
            }
            double t = now() - t0;
            if (t < best[m]) best[m] = t;
        }
    }

    static const char *const label[NMEASURE] = {
        "floor: SELECT count(name)",
        "libpsl: C loop over names in memory",
        "libpsl: C loop over sqlite3_step",
        "ctlite: SELECT count(registrable_domain(name))",
        "libpsl: C loop in memory, DAFSA list (context)",
    };
    printf("%-48s %9s %9s\n", "what", "count", "seconds");
    for (int m = 0; m < NMEASURE; m++)
        if (m != DAFSA || dafsa) printf("%-48s %9ld %9.3f\n", label[m], result[m], best[m]);
    if (dafsa) printf("(DAFSA list: %s)\n", dafsa_path);
    printf("\n");
    printf("registrable_domain  %.3f s  %.2fx libpsl(sqlite3_step loop)\n", best[CTLITE],
           best[CTLITE] / best[STEP]);
    printf("registrable_domain  %.3f s  %.2fx libpsl(in-memory loop)\n", best[CTLITE],
           best[CTLITE] / best[MEMORY]);
    printf("registrable_domain  %.3f s  %.2fx floor count(name)\n", best[CTLITE],
           best[CTLITE] / best[FLOOR]);

    sqlite3_finalize(floor_st);
    sqlite3_finalize(step_st);
    sqlite3_finalize(ctlite_st);
    free(nm.text);
    free(nm.off);
    free(nm.len);
    psl_free(psl);
    psl_free(dafsa);
    sqlite3_close(db);
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: domain_libpsl gen DB [COUNT]\n"
                    "       domain_libpsl run DB EXTENSION [REPS]\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && argc <= 4 && strcmp(argv[1], "gen") == 0) {
        char *end;
        long count = argc == 4 ? strtol(argv[3], &end, 10) : 1000000;
        if (argc == 4 && (*end || count < 1)) return usage();
        return gen(argv[2], count);
    }
    if (argc >= 4 && argc <= 5 && strcmp(argv[1], "run") == 0) {
        char *end;
        long reps = argc == 5 ? strtol(argv[4], &end, 10) : 3;
        if (argc == 5 && (*end || reps < 1 || reps > 100)) return usage();
        return run(argv[2], argv[3], (int)reps);
    }
    return usage();
}
