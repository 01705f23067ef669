/* ctlite-worker watch: what the worker watches, kept in the watch table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "db.h"
#include "domain.h"

static const char usage[] =
    "usage: ctlite-worker watch DB add domain NAME [--exact] [--note TEXT]\n"
    "       ctlite-worker watch DB add brand DOMAIN [--note TEXT]\n"
    "       ctlite-worker watch DB add keywords 'WORD ...' [--threshold N] [--note TEXT]\n"
    "       ctlite-worker watch DB add regex PATTERN [--note TEXT]\n"
    "       ctlite-worker watch DB rm ID\n"
    "       ctlite-worker watch DB ls\n"
    "\n"
    "Edits the watch table of DB (plain SQL on the table works as well):\n"
    "  domain    certificates for NAME and every name under it (--exact: NAME alone)\n"
    "  brand     look-alikes of DOMAIN, a registrable domain such as paypal.com\n"
    "  keywords  names holding at least N of the words (--threshold, default 1)\n"
    "  regex     names matching the PCRE PATTERN\n"
    "ls prints one item per line: id, kind, value, scope or threshold, note (tab-separated).\n";

/* The canonical form of a host name given by the user into out, or a message in err. */
static int host_arg(sqlite3 *db, const char *arg, int registrable, char out[CTL_HOST_MAX + 1],
                    char *err, size_t errsz)
{
    if (ctl_host_canon(arg, strlen(arg), out) < 0 || ctl_is_wildcard(arg, strlen(arg))) {
        snprintf(err, errsz, "'%.80s' is not a host name", arg);
        return -1;
    }
    sqlite3_stmt *st;
    char reg[CTL_HOST_MAX + 1] = "";
    if (sqlite3_prepare_v2(db, "SELECT registrable_domain(?1)", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, out, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
            snprintf(reg, sizeof reg, "%s", sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    if (!*reg) {
        snprintf(err, errsz, "'%s' is a public suffix, not a domain", out);
        return -1;
    }
    if (registrable && strcmp(reg, out) != 0) {
        snprintf(err, errsz, "a brand is a registrable domain: '%s', not '%s'", reg, out);
        return -1;
    }
    return 0;
}

/* The words of a keyword list, lowercase, one space apart, into out. */
static int words_arg(const char *arg, char *out, size_t outsz, int *n)
{
    size_t k = 0;
    *n = 0;
    for (const char *p = arg; *p;) {
        p += strspn(p, " ,\t");
        size_t len = strcspn(p, " ,\t");
        if (!len) break;
        if (k + len + 2 > outsz) return -1;
        if (k) out[k++] = ' ';
        for (size_t i = 0; i < len; i++)
            out[k++] = (char)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] + 32 : p[i]);
        p += len, (*n)++;
    }
    out[k] = 0;
    return *n ? 0 : -1;
}

static int add(sqlite3 *db, int argc, char **argv)
{
    if (argc < 2) return fputs(usage, stderr), 2;
    const char *kind = argv[0], *value = argv[1], *note = NULL, *scope = NULL;
    long threshold = 0;
    int exact = 0;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--exact") && !strcmp(kind, "domain"))
            exact = 1;
        else if (!strcmp(argv[i], "--note") && i + 1 < argc)
            note = argv[++i];
        else if (!strcmp(argv[i], "--threshold") && i + 1 < argc && !strcmp(kind, "keywords")) {
            char *end;
            threshold = strtol(argv[++i], &end, 10);
            if (*end || end == argv[i] || threshold < 1)
                return fprintf(stderr,
                               "ctlite-worker watch: --threshold: '%s' is not a whole "
                               "number from 1\n",
                               argv[i]),
                       1;
        } else
            return fprintf(stderr, "ctlite-worker watch: unexpected '%s'\n%s", argv[i], usage), 2;
    }
    char canon[CTL_HOST_MAX + 1], words[1024], err[300];
    if (!strcmp(kind, "domain") || !strcmp(kind, "brand")) {
        int brand = kind[0] == 'b';
        if (host_arg(db, value, brand, canon, err, sizeof err) < 0)
            return fprintf(stderr, "ctlite-worker watch: %s\n", err), 1;
        value = canon;
        if (!brand) scope = exact ? "exact" : "subtree";
    } else if (!strcmp(kind, "keywords")) {
        int n;
        if (words_arg(value, words, sizeof words, &n) < 0)
            return fprintf(stderr, "ctlite-worker watch: no keywords in '%.80s'\n", value), 1;
        if (!threshold) threshold = 1;
        if (threshold < 1 || threshold > n)
            return fprintf(stderr, "ctlite-worker watch: the threshold must be 1 to %d\n", n), 1;
        value = words;
    } else if (strcmp(kind, "regex") != 0) {
        return fprintf(stderr, "ctlite-worker watch: unknown kind '%s'\n%s", kind, usage), 2;
    }
    sqlite3_stmt *st;
    const char *sql = "INSERT INTO watch(kind, value, scope, threshold, note) "
                      "SELECT ?1, ?2, ?3, ?4, ?5 WHERE ?1 <> 'regex' OR regexp(?2, '') IS NOT NULL "
                      "RETURNING id";
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, scope, -1, SQLITE_STATIC);
        if (threshold) sqlite3_bind_int64(st, 4, threshold);
        sqlite3_bind_text(st, 5, note, -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
    }
    if (rc == SQLITE_ROW) {
        printf("%lld\n", sqlite3_column_int64(st, 0));
        rc = SQLITE_OK;
    } else if (sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_UNIQUE) {
        fprintf(stderr, "ctlite-worker watch: %s %s is watched already\n", kind, value);
    } else {
        fprintf(stderr, "ctlite-worker watch: %s\n", sqlite3_errmsg(db));
    }
    sqlite3_finalize(st);
    return rc == SQLITE_OK ? 0 : 1;
}

static int rm(sqlite3 *db, const char *id)
{
    char *end;
    long long n = strtoll(id, &end, 10);
    if (*end || end == id)
        return fprintf(stderr, "ctlite-worker watch: '%s' is not an id\n", id), 2;
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db, "DELETE FROM watch WHERE id = ?1", -1, &st, NULL);
    if (rc == SQLITE_OK) sqlite3_bind_int64(st, 1, n), rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return fprintf(stderr, "ctlite-worker watch: %s\n", sqlite3_errmsg(db)), 1;
    if (!sqlite3_changes(db)) return fprintf(stderr, "ctlite-worker watch: no item %lld\n", n), 1;
    return 0;
}

static int ls(sqlite3 *db)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db,
                                "SELECT id, kind, value, coalesce(scope, threshold, ''), "
                                "coalesce(note, '') FROM watch ORDER BY id",
                                -1, &st, NULL);
    if (rc == SQLITE_OK) rc = ctl_put_rows(st, NULL);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : 1;
}

int cmd_watch(int argc, char **argv)
{
    if (argc >= 2 && is_help(argv[1])) return fputs(usage, stdout), 0;
    if (argc < 3) return fputs(usage, stderr), 2;
    const char *op = argv[2];
    if (!(!strcmp(op, "add") || (!strcmp(op, "rm") && argc == 4) ||
          (!strcmp(op, "ls") && argc == 3)))
        return fputs(usage, stderr), 2;
    char err[512];
    sqlite3 *db = ctl_db_open(argv[1], NULL, NULL, err, sizeof err);
    if (!db) return fprintf(stderr, "ctlite-worker: %s\n", err), 1;
    int rc = !strcmp(op, "add")  ? add(db, argc - 3, argv + 3)
             : !strcmp(op, "rm") ? rm(db, argv[3])
                                 : ls(db);
    sqlite3_close(db);
    return rc;
}
