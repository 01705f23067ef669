/* ctlite-worker logs: the CT logs to follow, loaded from a v3 log list or added by hand. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "ctformat.h"
#include "db.h"
#include "http.h"
#include "x509.h"

#define DEFAULT_LIST "https://www.gstatic.com/ct/log_list/v3/all_logs_list.json"

static const char usage[] =
    "usage: ctlite-worker logs DB [--list FILE|URL]\n"
    "       ctlite-worker logs DB add URL KEY [--monitoring URL] [--description TEXT]\n"
    "       ctlite-worker logs DB ls\n"
    "\n"
    "Loads the CT logs of a v3 log list (RFC 6962 \"logs\" and static-ct-api \"tiled_logs\")\n"
    "into the ct_log table, then lists them. The list is a file or a URL, by default\n" DEFAULT_LIST
    ".\n"
    "Rejected and retired logs are skipped; a log already known is updated. A log whose\n"
    "log_id is not the SHA-256 of its key is refused. Without access to the internet, --list\n"
    "takes a saved copy of the list.\n"
    "\n"
    "add: a log by hand, with its URL and its public key (base64 DER, as in log lists); with\n"
    "     --monitoring it is a static-ct-api log whose tiles are read from that URL.\n"
    "ls:  one log per line: id, API, state, position (the next entry to fetch), lag (entries of\n"
    "     the last verified tree head not yet stored, - before the first), description, URL\n"
    "     (tab-separated). ctlite-worker status tells more of the tail.\n";

/* Base64 field key of o, decoded into out (room for outsz bytes): its length, or -1. */
static ptrdiff_t b64_field(json_t *o, const char *key, uint8_t *out, size_t outsz)
{
    const char *s = json_string_value(json_object_get(o, key));
    if (!s || strlen(s) / 4 * 3 > outsz) return -1;
    return ctl_base64_decode(s, strlen(s), out);
}

struct load {
    sqlite3_stmt *upsert;
    int loaded, skipped, refused;
};

/* Stores one log of the list; api is rfc6962 or static-ct-api. */
static void load_log(struct load *l, json_t *log, const char *operator, const char * api)
{
    const char *desc = json_string_value(json_object_get(log, "description"));
    uint8_t key[4096], id[64], hash[32];
    ptrdiff_t kn = b64_field(log, "key", key, sizeof key),
              idn = b64_field(log, "log_id", id, sizeof id);
    if (kn > 0) ctl_sha256(key, (size_t)kn, hash);
    if (kn <= 0 || idn != 32 || memcmp(hash, id, 32) != 0) {
        fprintf(stderr,
                "ctlite-worker logs: %s: refused: its log_id is not the SHA-256 of its key\n",
                desc ? desc : "a log without a description");
        l->refused++;
        return;
    }
    const char *state = NULL, *since = NULL;
    json_t *st = json_object_get(log, "state");
    if (json_is_object(st) && json_object_size(st)) {
        state = json_object_iter_key(json_object_iter(st));
        since = json_string_value(
            json_object_get(json_object_iter_value(json_object_iter(st)), "timestamp"));
    }
    if (state && (!strcmp(state, "rejected") || !strcmp(state, "retired"))) {
        l->skipped++;
        return;
    }
    int rfc = !strcmp(api, "rfc6962");
    const char *url = json_string_value(json_object_get(log, rfc ? "url" : "submission_url"));
    const char *mon = rfc ? NULL : json_string_value(json_object_get(log, "monitoring_url"));
    if (!url || (!rfc && !mon)) {
        fprintf(stderr, "ctlite-worker logs: %s: refused: no URL\n", desc ? desc : "?");
        l->refused++;
        return;
    }
    json_t *ti = json_object_get(log, "temporal_interval");
    sqlite3_stmt *s = l->upsert;
    sqlite3_reset(s);
    sqlite3_bind_blob(s, 1, id, 32, SQLITE_TRANSIENT);
    sqlite3_bind_blob(s, 2, key, (int)kn, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 3, api, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, url, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 5, mon, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 6, desc, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 7, operator, - 1, SQLITE_TRANSIENT);
    json_t *mmd = json_object_get(log, "mmd");
    if (json_is_integer(mmd))
        sqlite3_bind_int64(s, 8, json_integer_value(mmd));
    else
        sqlite3_bind_null(s, 8);
    sqlite3_bind_text(s, 9, state, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 10, since, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 11, json_string_value(json_object_get(ti, "start_inclusive")), -1,
                      SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 12, json_string_value(json_object_get(ti, "end_exclusive")), -1,
                      SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 13, json_string_value(json_object_get(log, "log_type")), -1,
                      SQLITE_TRANSIENT);
    if (sqlite3_step(s) == SQLITE_DONE)
        l->loaded++;
    else
        l->refused++,
            fprintf(stderr, "ctlite-worker logs: %s\n", sqlite3_errmsg(sqlite3_db_handle(s)));
}

static const char upsert_sql[] =
    "INSERT INTO ct_log(log_id, key, api, url, monitoring_url, description, operator, mmd, "
    "state, state_since, interval_start, interval_end, log_type, source) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, unixepoch(?10), unixepoch(?11), "
    "unixepoch(?12), ?13, 'list') "
    "ON CONFLICT (log_id) DO UPDATE SET key = excluded.key, api = excluded.api, "
    "url = excluded.url, monitoring_url = excluded.monitoring_url, "
    "description = excluded.description, operator = excluded.operator, mmd = excluded.mmd, "
    "state = excluded.state, state_since = excluded.state_since, "
    "interval_start = excluded.interval_start, interval_end = excluded.interval_end, "
    "log_type = excluded.log_type, updated_at = unixepoch()";

static int load(sqlite3 *db, const char *where)
{
    char err[600], *text = NULL;
    size_t len;
    if (ctl_read_source(where, &text, &len, err, sizeof err) < 0)
        return fprintf(stderr, "ctlite-worker logs: %s\n", err), 1;
    json_error_t e;
    json_t *root = json_loadb(text, len, 0, &e);
    free(text);
    json_t *ops = json_object_get(root, "operators");
    if (!json_is_array(ops)) {
        fprintf(stderr, "ctlite-worker logs: %s: not a v3 log list (%s)\n", where,
                root ? "no operators" : e.text);
        json_decref(root);
        return 1;
    }
    struct load l = {0};
    int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_prepare_v2(db, upsert_sql, -1, &l.upsert, NULL);
    size_t i, j;
    json_t *op, *log;
    json_array_foreach(ops, i, op)
    {
        const char *name = json_string_value(json_object_get(op, "name"));
        json_array_foreach(json_object_get(op, "logs"), j, log) load_log(&l, log, name, "rfc6962");
        json_array_foreach(json_object_get(op, "tiled_logs"), j, log)
            load_log(&l, log, name, "static-ct-api");
    }
    sqlite3_finalize(l.upsert);
    json_decref(root);
    if (rc != SQLITE_OK || sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "ctlite-worker logs: %s\n", sqlite3_errmsg(db));
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return 1;
    }
    printf("logs: %d loaded, %d rejected or retired skipped, %d refused\n", l.loaded, l.skipped,
           l.refused);
    return l.refused ? 1 : 0;
}

static int add(sqlite3 *db, int argc, char **argv)
{
    if (argc < 2) return fputs(usage, stderr), 2;
    const char *url = argv[0], *key_b64 = argv[1], *mon = NULL, *desc = NULL;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--monitoring") && i + 1 < argc)
            mon = argv[++i];
        else if (!strcmp(argv[i], "--description") && i + 1 < argc)
            desc = argv[++i];
        else
            return fprintf(stderr, "ctlite-worker logs: unexpected '%s'\n%s", argv[i], usage), 2;
    }
    const char *bad = NULL;
    if (strncmp(url, "https://", 8) && strncmp(url, "http://", 7)) bad = url;
    if (mon && strncmp(mon, "https://", 8) && strncmp(mon, "http://", 7)) bad = mon;
    if (bad) return fprintf(stderr, "ctlite-worker logs: '%s' is not an http(s) URL\n", bad), 1;
    uint8_t key[4096], id[32];
    ptrdiff_t kn = strlen(key_b64) / 4 * 3 <= sizeof key
                       ? ctl_base64_decode(key_b64, strlen(key_b64), key)
                       : -1;
    char err[100];
    if (kn <= 0 || ctl_ct_check_key(key, (size_t)kn, err, sizeof err) < 0)
        return fprintf(stderr, "ctlite-worker logs: the key is not a base64 public key%s%s\n",
                       kn > 0 ? ": " : "", kn > 0 ? err : ""),
               1;
    ctl_sha256(key, (size_t)kn, id);
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db,
                                "INSERT INTO ct_log(log_id, key, api, url, monitoring_url, "
                                "description, source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'manual') "
                                "RETURNING id",
                                -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_blob(st, 1, id, 32, SQLITE_STATIC);
        sqlite3_bind_blob(st, 2, key, (int)kn, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, mon ? "static-ct-api" : "rfc6962", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, url, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, mon, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, desc, -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
    }
    if (rc == SQLITE_ROW)
        printf("%lld\n", sqlite3_column_int64(st, 0));
    else if (sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_UNIQUE)
        fprintf(stderr, "ctlite-worker logs: a log with this key is known already\n");
    else
        fprintf(stderr, "ctlite-worker logs: %s\n", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : 1;
}

static int ls(sqlite3 *db)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db,
                                "SELECT id, api, coalesce(state, '-'), next_index, "
                                "iif(head_size IS NULL, '-', head_size - next_index), "
                                "coalesce(description, ''), coalesce(monitoring_url, url) "
                                "FROM ct_log ORDER BY id",
                                -1, &st, NULL);
    while (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        for (int i = 0; i < 7; i++) ctl_put_field(stdout, sqlite3_column_text(st, i), i == 6);
    sqlite3_finalize(st);
    return rc == SQLITE_OK ? 0 : 1;
}

int cmd_logs(int argc, char **argv)
{
    if (argc >= 2 && is_help(argv[1])) return fputs(usage, stdout), 0;
    if (argc < 2 || argv[1][0] == '-') return fputs(usage, stderr), 2;
    const char *op = argc > 2 ? argv[2] : "";
    const char *list = DEFAULT_LIST;
    if (!strcmp(op, "--list") && argc == 4)
        list = argv[3], op = "";
    else if (!(!*op || !strcmp(op, "add") || (!strcmp(op, "ls") && argc == 3)))
        return fputs(usage, stderr), 2;
    char err[512];
    sqlite3 *db = ctl_db_open(argv[1], NULL, NULL, err, sizeof err);
    if (!db) return fprintf(stderr, "ctlite-worker: %s\n", err), 1;
    int rc = !strcmp(op, "add") ? add(db, argc - 3, argv + 3) : !*op ? load(db, list) : 0;
    if (strcmp(op, "add") != 0 && rc == 0) rc = ls(db);
    sqlite3_close(db);
    return rc;
}
