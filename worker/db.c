#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctlite.h"
#include "db.h"
#include "sqlfiles.h"

/* The files that hold migrations: their "-- version N" blocks form one sequence, each N in
 * exactly one file, so tables and the rules that read them can live apart. */
static const char *const files[] = {ctl_schema_sql, ctl_rules_sql, ctl_reports_sql};
enum { NFILES = sizeof files / sizeof *files };

/* Finds the next "-- version N" line at or after s in text. Returns N, with *head at that line
 * and *body just after it; or returns 0 with *head at the end of the text. */
static int next_block(const char *text, const char *s, const char **head, const char **body)
{
    for (const char *p = s; (p = strstr(p, "-- version ")); p++) {
        if (p != text && p[-1] != '\n') continue;
        char *end;
        long v = strtol(p + 11, &end, 10);
        if (v <= 0 || *end != '\n') continue;
        *head = p, *body = end + 1;
        return (int)v;
    }
    *head = s + strlen(s);
    return 0;
}

/* Block v: its text in *body, *len bytes long. 0 when no file has it. */
static int find_block(int v, const char **body, int *len)
{
    for (int f = 0; f < NFILES; f++) {
        const char *head, *b, *p = files[f];
        int n = next_block(files[f], p, &head, &b);
        while (n) {
            const char *next_head, *next_body;
            int next = next_block(files[f], b, &next_head, &next_body);
            if (n == v) return *body = b, *len = (int)(next_head - b), 1;
            n = next, b = next_body;
        }
    }
    return 0;
}

int ctl_db_schema_version(void)
{
    int last = 0, v;
    for (int f = 0; f < NFILES; f++) {
        const char *head, *p = files[f];
        while ((v = next_block(files[f], p, &head, &p)))
            if (v > last) last = v;
    }
    return last;
}

static int user_version(sqlite3 *db)
{
    sqlite3_stmt *st;
    int v = -1;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Runs each migration newer than the database, one transaction each, so that a failure
 * leaves the database at the last version that applied completely. */
static int migrate(sqlite3 *db, int *from, int *to, char *err, size_t errsz)
{
    int cur = user_version(db), newest = ctl_db_schema_version();
    if (from) *from = cur;
    if (cur < 0) return snprintf(err, errsz, "%s", sqlite3_errmsg(db)), -1;
    if (cur > newest)
        return snprintf(err, errsz,
                        "the database has schema version %d, newer than this ctlite-worker "
                        "knows (%d); use a newer ctlite",
                        cur, newest),
               -1;
    for (int v = cur + 1; v <= newest; v++) {
        const char *body;
        int len;
        if (!find_block(v, &body, &len))
            return snprintf(err, errsz, "schema version %d: missing from sql/", v), -1;
        char *sql = sqlite3_mprintf("BEGIN IMMEDIATE;\n%.*s\nPRAGMA user_version = %d;\nCOMMIT;",
                                    len, body, v);
        char *msg = NULL;
        int rc = sql ? sqlite3_exec(db, sql, NULL, NULL, &msg) : SQLITE_NOMEM;
        sqlite3_free(sql);
        if (rc != SQLITE_OK) {
            snprintf(err, errsz, "schema version %d: %s", v, msg ? msg : sqlite3_errstr(rc));
            sqlite3_free(msg);
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            return -1;
        }
        cur = v;
    }
    if (to) *to = cur;
    return 0;
}

sqlite3 *ctl_db_open(const char *path, int *from, int *to, char *err, size_t errsz)
{
    /* Every connection of this process gets the ctlite functions, so rules that call them
     * run inside the worker too. */
    sqlite3_auto_extension((void (*)(void))sqlite3_ctlite_init);
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errsz, "cannot open %s: %s", path,
                 db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 10000);
    sqlite3_stmt *st = NULL;
    const char *mode = NULL;
    if (sqlite3_prepare_v2(db, "PRAGMA journal_mode=WAL", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        mode = (const char *)sqlite3_column_text(st, 0);
    int wal = mode && strcmp(mode, "wal") == 0;
    sqlite3_finalize(st);
    if (!wal) {
        snprintf(err, errsz, "%s: cannot use WAL mode: %s", path, sqlite3_errmsg(db));
        sqlite3_close(db);
        return NULL;
    }
    /* Rules call ctlite's functions: a connection without them must not go further. */
    const char *registered = NULL;
    if (sqlite3_prepare_v2(db, "SELECT ctlite_version()", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        registered = (const char *)sqlite3_column_text(st, 0);
    int ok = registered && strcmp(registered, CTLITE_VERSION) == 0;
    sqlite3_finalize(st);
    if (!ok) {
        snprintf(err, errsz, "%s: the ctlite functions are not registered: %s", path,
                 sqlite3_errmsg(db));
        sqlite3_close(db);
        return NULL;
    }
    char *msg = NULL;
    /* In WAL mode NORMAL keeps every committed transaction through a crash of the process;
     * only a power cut may take back the last ones, and never leaves a torn database. The
     * page cache, 8 MiB, is four times SQLite's default. */
    if (sqlite3_exec(db,
                     "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-8192",
                     NULL, NULL, &msg) != SQLITE_OK ||
        migrate(db, from, to, err, errsz) != 0) {
        if (msg) snprintf(err, errsz, "%s: %s", path, msg);
        sqlite3_free(msg);
        sqlite3_close(db);
        return NULL;
    }
    return db;
}
