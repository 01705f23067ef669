/* ctlite-worker crtsh: brings the certificates crt.sh knows for the watched domains into the
 * database. Each domain's answer is fetched first (through the crtsh table, so the HTTP
 * module's retries and pacing apply), then written in one transaction: a kill at any moment
 * leaves each domain either fully synced or untouched, and a rerun adds exactly the rest. */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "db.h"
#include "domain.h"

static const char usage[] =
    "usage: ctlite-worker crtsh DB [--domains NAME ...] [--typosquats] [--continuous]\n"
    "                              [--interval SECONDS] [-v]\n"
    "\n"
    "Syncs from crt.sh the certificates of every watched domain (ctlite-worker watch), or of\n"
    "the NAMEs given: a domain watched with the subtree scope brings its names and every name\n"
    "under it. Certificates are kept once (by crt.sh id) with their names; names never seen\n"
    "before are counted as new. One transaction per domain: a domain that fails is reported\n"
    "and the others go on.\n"
    "\n"
    "  --typosquats      also ask crt.sh, one request each, for every look-alike of each\n"
    "                    watched brand (typosquat_candidates): slow, paced by min_interval\n"
    "  --continuous      repeat until SIGINT or SIGTERM, which finish the current domain\n"
    "  --interval S      seconds between the starts of two rounds (default 900)\n"
    "  -v                say what is asked of crt.sh\n"
    "\n"
    "Network settings (see ctlite_setting in docs/api.md) come from the setting table, then\n"
    "from the environment (CTLITE_CRTSH_URL, CTLITE_HTTP_TIMEOUT, ...). On a terminal, progress\n"
    "goes to stderr; the summary of each round goes to stdout. Exit status 1 when a domain\n"
    "failed.\n";

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
    (void)sig;
    stopping = 1;
}

struct run {
    sqlite3 *db;
    FILE *out; /* where the summary of a round goes */
    int verbose, tty;
    long certs, new_certs, new_names, failed, done;
};

static void progress(const struct run *r, const char *fmt, ...)
{
    if (!r->tty) return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}

static int exec(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

/* Runs sql with ?1 = text and ?2 = n, stepping it through; the number of rows changed, or -1. */
static long run_sql(sqlite3 *db, const char *sql, const char *text, long long n)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return -1;
    sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, n);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? sqlite3_changes(db) : -1;
}

/* The answers crt.sh gives for the domain, fetched into temp.batch: the name itself and, in
 * subtree scope, every name under it. Nothing of the main database is locked meanwhile. */
static const char fetch_sql[] = "CREATE TEMP TABLE batch AS "
                                "SELECT * FROM crtsh(?1, '=') UNION ALL "
                                "SELECT * FROM crtsh('%.' || ?1, 'ILIKE') WHERE ?2";

/* Then, in one transaction: the certificates, their names under the domain, the names never
 * seen, and the sync's state. */
static const char *const write_sql[] = {
    "INSERT INTO cert(crtsh_id, serial, issuer_name, issuer_ca_id, subject_cn, not_before, "
    "not_after, logged_at_ms, source) "
    "SELECT id, serial_number, issuer_name, issuer_ca_id, common_name, unixepoch(not_before), "
    "unixepoch(not_after), CAST(round((julianday(entry_timestamp) - 2440587.5) * 86400000) AS "
    "INTEGER), 'crtsh' FROM batch WHERE true GROUP BY id ON CONFLICT (crtsh_id) DO NOTHING",
    "CREATE TEMP TABLE batch_name AS "
    "SELECT DISTINCT c.id AS cert_id, n.name, n.wildcard FROM batch b "
    "JOIN cert c ON c.crtsh_id = b.id, crtsh_names(b.name_value) n "
    "WHERE n.name = ?1 OR n.name LIKE '%.' || ?1",
    "INSERT INTO cert_name(cert_id, name, registrable, wildcard) "
    "SELECT cert_id, name, registrable_domain(name), wildcard FROM batch_name WHERE true "
    "ON CONFLICT DO NOTHING",
    "INSERT INTO seen_name(name, first_cert_id) SELECT name, min(cert_id) FROM batch_name "
    "WHERE true GROUP BY name ON CONFLICT DO NOTHING",
};

/* Records a sync's outcome for a watched item (watch_id 0: not watched, nothing kept). */
static void record(sqlite3 *db, long long watch_id, const char *error, long certs, long new_certs,
                   long new_names, int capped)
{
    if (!watch_id) return;
    sqlite3_stmt *st;
    const char *sql =
        error ? "INSERT INTO crtsh_sync(watch_id, error, error_at) VALUES (?1, ?2, unixepoch()) "
                "ON CONFLICT (watch_id) DO UPDATE SET error = excluded.error, "
                "error_at = excluded.error_at"
              : "INSERT INTO crtsh_sync(watch_id, synced_at, certs, new_certs, new_names, capped) "
                "VALUES (?1, unixepoch(), ?3, ?4, ?5, ?6) ON CONFLICT (watch_id) DO UPDATE SET "
                "synced_at = excluded.synced_at, certs = excluded.certs, new_certs = "
                "excluded.new_certs, new_names = excluded.new_names, capped = excluded.capped, "
                "error = NULL, error_at = NULL";
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return;
    sqlite3_bind_int64(st, 1, watch_id);
    sqlite3_bind_text(st, 2, error, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, certs);
    sqlite3_bind_int64(st, 4, new_certs);
    sqlite3_bind_int64(st, 5, new_names);
    sqlite3_bind_int(st, 6, capped);
    sqlite3_step(st);
    sqlite3_finalize(st);
}

/* Syncs one domain; 0 when it committed. */
static int sync_one(struct run *r, const char *domain, int subtree, long long watch_id)
{
    sqlite3 *db = r->db;
    if (r->verbose) fprintf(stderr, "crtsh: asking crt.sh for %s%s\n", subtree ? "*." : "", domain);
    exec(db, "DROP TABLE IF EXISTS temp.batch; DROP TABLE IF EXISTS temp.batch_name");
    long certs = -1, new_certs = -1, new_names = -1;
    int capped = 0;
    char err[1024] = "";
    if (run_sql(db, fetch_sql, domain, subtree) < 0) {
        snprintf(err, sizeof err, "%s", sqlite3_errmsg(db));
    } else if (exec(db, "BEGIN IMMEDIATE") != SQLITE_OK) {
        snprintf(err, sizeof err, "%s", sqlite3_errmsg(db));
    } else {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(db, "SELECT count(DISTINCT id), max(capped) FROM batch", -1, &st,
                               NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            certs = sqlite3_column_int(st, 0), capped = sqlite3_column_int(st, 1);
        sqlite3_finalize(st);
        if ((new_certs = run_sql(db, write_sql[0], domain, 0)) < 0 ||
            run_sql(db, write_sql[1], domain, 0) < 0 || run_sql(db, write_sql[2], domain, 0) < 0 ||
            (new_names = run_sql(db, write_sql[3], domain, 0)) < 0)
            snprintf(err, sizeof err, "%s", sqlite3_errmsg(db));
        if (!*err) record(db, watch_id, NULL, certs, new_certs, new_names, capped);
        if (*err || exec(db, "COMMIT") != SQLITE_OK) {
            if (!*err) snprintf(err, sizeof err, "%s", sqlite3_errmsg(db));
            exec(db, "ROLLBACK");
        }
    }
    if (*err) {
        fprintf(stderr, "ctlite-worker crtsh: %s: %s\n", domain, err);
        record(db, watch_id, err, 0, 0, 0, 0);
        r->failed++;
        return -1;
    }
    r->done++, r->certs += certs, r->new_certs += new_certs, r->new_names += new_names;
    progress(r, "crtsh: %s: %ld certificates, %ld new, %ld new names%s\n", domain, certs, new_certs,
             new_names, capped ? " (crt.sh's 10,000-row limit: may be incomplete)" : "");
    return 0;
}

/* Calls fn for each row of sql: (text, integer, integer). */
static int each_row(struct run *r, const char *sql, const char *arg,
                    int (*fn)(struct run *, const char *, long long, long long, void *), void *user)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "ctlite-worker crtsh: %s\n", sqlite3_errmsg(r->db));
        return -1;
    }
    if (arg) sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
    /* Rows are read into memory first: the syncs write to the tables being read. */
    size_t n = 0, cap = 0;
    struct item {
        char *text;
        long long a, b;
    } *items = NULL;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            struct item *t = realloc(items, cap * sizeof *t);
            if (!t) break;
            items = t;
        }
        items[n].text = strdup((const char *)sqlite3_column_text(st, 0));
        items[n].a = sqlite3_column_int64(st, 1), items[n].b = sqlite3_column_int64(st, 2);
        n++;
    }
    sqlite3_finalize(st);
    for (size_t i = 0; i < n; i++) {
        if (!stopping && items[i].text) fn(r, items[i].text, items[i].a, items[i].b, user);
        free(items[i].text);
    }
    free(items);
    return 0;
}

static int sync_watched(struct run *r, const char *domain, long long subtree, long long id,
                        void *user)
{
    (void)user;
    /* The table may have been filled by hand: only a canonical host name goes to crt.sh, or
     * to the terminal. */
    char canon[CTL_HOST_MAX + 1];
    if (ctl_host_canon(domain, strlen(domain), canon) < 0 || strcmp(canon, domain) != 0) {
        fprintf(stderr,
                "ctlite-worker crtsh: watch item %lld: not a host name in lowercase "
                "A-labels; skipped\n",
                id);
        record(r->db, id, "not a host name in lowercase A-labels", 0, 0, 0, 0);
        r->failed++;
        return -1;
    }
    return sync_one(r, domain, (int)subtree, id);
}

struct hunt {
    const char *brand;
    long k, n, found;
};

static int sync_candidate(struct run *r, const char *domain, long long k, long long n, void *user)
{
    struct hunt *h = user;
    long before = r->new_certs;
    int rc = sync_one(r, domain, 0, 0);
    h->found += r->new_certs > before;
    progress(r, "\rcrtsh: look-alikes of %s: %lld of %lld asked", h->brand, k, n);
    return rc;
}

static int hunt_brand(struct run *r, const char *brand, long long a, long long b, void *user)
{
    (void)a, (void)b, (void)user;
    struct hunt h = {.brand = brand};
    each_row(r,
             "SELECT domain, row_number() OVER (), count(*) OVER () "
             "FROM typosquat_candidates(?1)",
             brand, sync_candidate, &h);
    progress(r, "\n");
    return 0;
}

/* The database's network settings, over the environment's (read when ctlite was
 * registered). */
static void apply_settings(sqlite3 *db)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "SELECT name, ctlite_setting(name, value) FROM setting WHERE name IN "
                           "('crtsh_url', 'crtsh_cache_ttl', 'timeout', 'max_attempts', "
                           "'min_interval', 'backoff', 'max_wait', 'max_body', 'user_agent')",
                           -1, &st, NULL) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
        }
        if (sqlite3_errcode(db) != SQLITE_DONE && sqlite3_errcode(db) != SQLITE_OK)
            fprintf(stderr, "ctlite-worker crtsh: setting table: %s\n", sqlite3_errmsg(db));
    }
    sqlite3_finalize(st);
}

static void round_once(struct run *r, int argc, char **domains, int typosquats)
{
    exec(r->db, "SELECT crtsh_cache_clear()"); /* each round asks afresh */
    if (argc)
        for (int i = 0; i < argc && !stopping; i++) sync_one(r, domains[i], 1, 0);
    else
        each_row(r,
                 "SELECT value, scope = 'subtree', id FROM watch WHERE kind = 'domain' "
                 "ORDER BY id",
                 NULL, sync_watched, NULL);
    if (typosquats && !stopping)
        each_row(r, "SELECT value, 0, id FROM watch WHERE kind = 'brand' ORDER BY id", NULL,
                 hunt_brand, NULL);
    fprintf(r->out,
            "crtsh: %ld domains synced, %ld certificates (%ld new), %ld new names, %ld failed\n",
            r->done, r->certs, r->new_certs, r->new_names, r->failed);
    fflush(r->out);
}

long ctl_crtsh_round(sqlite3 *db, FILE *out)
{
    struct run r = {.db = db, .out = out};
    apply_settings(db);
    round_once(&r, 0, NULL, 0);
    return r.failed;
}

int cmd_crtsh(int argc, char **argv)
{
    if (argc >= 2 && is_help(argv[1])) return fputs(usage, stdout), 0;
    if (argc < 2 || argv[1][0] == '-') return fputs(usage, stderr), 2;
    struct run r = {.tty = isatty(2), .out = stdout};
    int continuous = 0, typosquats = 0, ndomains = 0;
    double interval = 900;
    char **domains = NULL;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--domains")) {
            domains = argv + i + 1;
            while (i + 1 < argc && argv[i + 1][0] != '-') i++, ndomains++;
            if (!ndomains) return fputs(usage, stderr), 2;
        } else if (!strcmp(argv[i], "--typosquats")) {
            typosquats = 1;
        } else if (!strcmp(argv[i], "--continuous")) {
            continuous = 1;
        } else if (!strcmp(argv[i], "--interval") && i + 1 < argc) {
            char *end;
            interval = strtod(argv[++i], &end);
            if (*end || !(interval >= 1))
                return fprintf(stderr, "ctlite-worker crtsh: --interval: seconds, at least 1\n"), 2;
        } else if (!strcmp(argv[i], "-v")) {
            r.verbose = 1;
        } else {
            return fprintf(stderr, "ctlite-worker crtsh: unexpected '%s'\n%s", argv[i], usage), 2;
        }
    }
    char err[512];
    if (!(r.db = ctl_db_open(argv[1], NULL, NULL, err, sizeof err)))
        return fprintf(stderr, "ctlite-worker: %s\n", err), 1;
    apply_settings(r.db);
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    long failed = 0;
    do {
        struct timespec start;
        clock_gettime(CLOCK_MONOTONIC, &start);
        r.certs = r.new_certs = r.new_names = r.failed = r.done = 0;
        round_once(&r, ndomains, domains, typosquats);
        failed += r.failed;
        for (;;) { /* sleep in steps, so that a signal ends the wait */
            struct timespec t;
            clock_gettime(CLOCK_MONOTONIC, &t);
            double left = interval - (double)(t.tv_sec - start.tv_sec) -
                          (double)(t.tv_nsec - start.tv_nsec) / 1e9;
            if (!continuous || stopping || left <= 0) break;
            struct timespec step = {0, left < 0.2 ? (long)(left * 1e9) : 200000000L};
            nanosleep(&step, NULL);
        }
    } while (continuous && !stopping);
    sqlite3_close(r.db);
    return failed ? 1 : 0;
}
