/* ctlite-worker baseline and ca: the issuers authorized for each watched domain, which the rule
 * unauthorized_ca checks certificates against. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "db.h"

static const char baseline_usage[] =
    "usage: ctlite-worker baseline DB [DOMAIN]\n"
    "\n"
    "Records the issuers of the valid certificates stored for each watched domain (or for\n"
    "DOMAIN alone) as authorized for it: from then on, the rule unauthorized_ca raises a\n"
    "critical alert for a certificate of that domain from any other issuer. Sync or tail first,\n"
    "so that the database holds the current certificates. Prints each issuer added: domain and\n"
    "issuer, tab-separated.\n";

static const char ca_usage[] =
    "usage: ctlite-worker ca DB add DOMAIN ISSUER\n"
    "       ctlite-worker ca DB rm DOMAIN ISSUER\n"
    "       ctlite-worker ca DB ls [DOMAIN]\n"
    "\n"
    "Edits the issuers authorized for a watched domain (table authorized_ca). ISSUER is the\n"
    "issuer's distinguished name as cert.issuer_name shows it, for example\n"
    "'C=US, O=Let's Encrypt, CN=R11'. ls prints domain, issuer, source (baseline or manual)\n"
    "and when it was added (UTC), tab-separated.\n";

static sqlite3 *open_db(const char *path)
{
    char err[512];
    sqlite3 *db = ctl_db_open(path, NULL, NULL, err, sizeof err);
    if (!db) fprintf(stderr, "ctlite-worker: %s\n", err);
    return db;
}

/* Runs sql with the given text parameters, printing each row tab-separated. Returns 0, or -1
 * after a message. */
static int run(sqlite3 *db, const char *who, const char *sql, int nargs, char **args)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    for (int i = 0; rc == SQLITE_OK && i < nargs; i++)
        sqlite3_bind_text(st, i + 1, args[i], -1, SQLITE_STATIC);
    if (rc == SQLITE_OK) rc = ctl_put_rows(st, NULL);
    if (rc != SQLITE_DONE) fprintf(stderr, "ctlite-worker %s: %s\n", who, sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Whether domain is a watched domain; says so when it is not. */
static int watched(sqlite3 *db, const char *who, const char *domain)
{
    sqlite3_stmt *st;
    int found = 0;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM watch WHERE kind = 'domain' AND value = ?1", -1, &st,
                           NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, domain, -1, SQLITE_STATIC);
        found = sqlite3_step(st) == SQLITE_ROW;
    }
    sqlite3_finalize(st);
    if (!found)
        fprintf(stderr,
                "ctlite-worker %s: '%.80s' is not a watched domain (ctlite-worker watch DB ls)\n",
                who, domain);
    return found;
}

int cmd_baseline(int argc, char **argv)
{
    if (argc >= 2 && is_help(argv[1])) return fputs(baseline_usage, stdout), 0;
    if (argc < 2 || argc > 3 || argv[1][0] == '-' || (argc == 3 && argv[2][0] == '-'))
        return fputs(baseline_usage, stderr), 2;
    sqlite3 *db = open_db(argv[1]);
    if (!db) return 1;
    int n = -1;
    if (argc == 2 || watched(db, "baseline", argv[2]))
        n = run(db, "baseline",
                "INSERT INTO authorized_ca(domain, issuer_name, source) "
                "SELECT DISTINCT w.domain, c.issuer_name, 'baseline' "
                "FROM watched_name w JOIN cert c ON c.id = w.cert_id "
                "WHERE c.not_after > unixepoch() AND c.issuer_name IS NOT NULL "
                "AND (?1 IS NULL OR w.domain = ?1) ORDER BY 1, 2 "
                "ON CONFLICT DO NOTHING RETURNING domain, issuer_name",
                argc - 2, argv + 2);
    sqlite3_close(db);
    return n < 0 ? 1 : 0;
}

int cmd_ca(int argc, char **argv)
{
    if (argc >= 2 && is_help(argv[1])) return fputs(ca_usage, stdout), 0;
    const char *op = argc >= 3 ? argv[2] : "";
    int add = !strcmp(op, "add"), rm = !strcmp(op, "rm"), ls = !strcmp(op, "ls");
    if (argc < 3 || argv[1][0] == '-' || ((add || rm) && argc != 5) || (ls && argc > 4) ||
        !(add || rm || ls))
        return fputs(ca_usage, stderr), 2;
    sqlite3 *db = open_db(argv[1]);
    if (!db) return 1;
    int n = -1;
    if (ls)
        n = run(db, "ca",
                "SELECT domain, issuer_name, source, datetime(added_at, 'unixepoch') "
                "FROM authorized_ca WHERE ?1 IS NULL OR domain = ?1 ORDER BY 1, 2",
                argc - 3, argv + 3);
    else if (rm) {
        n = run(db, "ca", "DELETE FROM authorized_ca WHERE domain = ?1 AND issuer_name = ?2", 2,
                argv + 3);
        if (n == 0 && !sqlite3_changes(db)) {
            fprintf(stderr, "ctlite-worker ca: no such issuer for %.80s\n", argv[3]);
            n = -1;
        }
    } else if (watched(db, "ca", argv[3]))
        n = run(db, "ca",
                "INSERT INTO authorized_ca(domain, issuer_name, source) VALUES (?1, ?2, 'manual') "
                "ON CONFLICT DO UPDATE SET source = 'manual'",
                2, argv + 3);
    sqlite3_close(db);
    return n < 0 ? 1 : 0;
}
