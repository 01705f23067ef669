/* ctlite-worker tail: follows static-ct-api logs. Each pass reads the log's checkpoint and
 * checks its signature, then fetches the data tiles from where the database stands, checks
 * every entry against its level-0 hash tile and adds it to the log's collapsed Merkle tree,
 * and stores each tile's entries together with the new position and tree in one transaction.
 * Once the tree reaches the checkpoint's size its root must be the checkpoint's: only then do
 * the entries count as verified. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "ctformat.h"
#include "db.h"
#include "http.h"
#include "ingest.h"

static const char usage[] =
    "usage: ctlite-worker tail DB [--log ID ...] [--once] [--interval SECONDS]\n"
    "\n"
    "Follows the static-ct-api logs of the ct_log table (see ctlite-worker logs) that are\n"
    "enabled and neither rejected nor retired, or the logs given by id, from where the\n"
    "database stands. Tree heads are checked against the log's key and every entry against\n"
    "the signed root; entries count as verified (log_entry.idx < ct_log.verified_size) only\n"
    "then. A bad signature, a root that does not match or a tree that shrinks stops the log\n"
    "and is recorded in ct_log.error. A certificate that cannot be read is stored in\n"
    "malformed_entry. A kill at any moment loses and duplicates nothing.\n"
    "\n"
    "  --once          one pass over the logs, then exit\n"
    "  --interval S    seconds between passes otherwise (default 60)\n"
    "\n"
    "Network settings as for ctlite-worker crtsh (CTLITE_HTTP_TIMEOUT, ...). Exit status 1\n"
    "when a log failed.\n";

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
    (void)sig;
    stopping = 1;
}

struct log {
    int64_t id;
    char url[1024]; /* the monitoring prefix, ending with '/' */
    uint8_t key[4096];
    size_t key_len;
    struct ctl_merkle tree;
    uint64_t verified;
    char name[256];
};

struct tail {
    sqlite3 *db;
    ctl_http *http;
    ctl_ingest *ingest;
    long entries, malformed, failed;
};

/* The tree as stored: a hash per bit set in its size, lowest bit first. */
static void tree_load(struct ctl_merkle *t, uint64_t size, const uint8_t *blob, size_t n)
{
    memset(t, 0, sizeof *t);
    t->size = size;
    for (int i = 0, k = 0; i < 64; i++)
        if (size >> i & 1 && (size_t)(k + 1) * CTL_HASH_LEN <= n)
            memcpy(t->hash[i], blob + CTL_HASH_LEN * k++, CTL_HASH_LEN);
}

static size_t tree_blob(const struct ctl_merkle *t, uint8_t out[64 * CTL_HASH_LEN])
{
    size_t k = 0;
    for (int i = 0; i < 64; i++)
        if (t->size >> i & 1) memcpy(out + CTL_HASH_LEN * k++, t->hash[i], CTL_HASH_LEN);
    return k * CTL_HASH_LEN;
}

static int exec(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/* Records why a log stopped. */
static void log_error(struct tail *t, struct log *l, const char *msg)
{
    fprintf(stderr, "ctlite-worker tail: %s: %s\n", l->name, msg);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(t->db,
                           "UPDATE ct_log SET error = ?2, error_at = unixepoch() WHERE id = ?1", -1,
                           &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, l->id);
        sqlite3_bind_text(st, 2, msg, -1, SQLITE_TRANSIENT);
        sqlite3_step(st);
    }
    sqlite3_finalize(st);
    t->failed++;
}

static int get(struct tail *t, struct log *l, const char *path, struct ctl_http_response *r,
               char *err, size_t errsz)
{
    char url[1400];
    snprintf(url, sizeof url, "%s%s", l->url, path);
    return ctl_http_get(t->http, url, NULL, r, err, errsz);
}

/* Stores the entries of data tile n from the tree's size on, checked against its hash tile. */
static int tile(struct tail *t, struct log *l, uint64_t n, unsigned width, char *err, size_t errsz)
{
    char path[128];
    struct ctl_http_response data, hashes;
    ctl_ct_tile_path(path, sizeof path, -1, n, width == 256 ? 0 : width);
    if (get(t, l, path, &data, err, errsz) < 0) return -1;
    ctl_ct_tile_path(path, sizeof path, 0, n, width == 256 ? 0 : width);
    if (get(t, l, path, &hashes, err, errsz) < 0) {
        ctl_http_response_free(&data);
        return -1;
    }
    int rc = 0;
    if (hashes.len != (size_t)width * CTL_HASH_LEN) {
        snprintf(err, errsz, "%s is %zu bytes, not %u hashes", path, hashes.len, width);
        rc = -1;
    }
    struct ctl_merkle tree = l->tree;
    uint64_t first = n * 256;
    const uint8_t *p = (const uint8_t *)data.body;
    size_t left = data.len;
    int malformed = 0;
    if (!rc) rc = exec(t->db, "BEGIN IMMEDIATE");
    for (unsigned j = 0; !rc && j < width; j++) {
        struct ctl_ct_entry e;
        const char *why;
        ptrdiff_t used = ctl_ct_parse_tile_leaf(p, left, &e, &why);
        if (used < 0) {
            snprintf(err, errsz, "data tile %llu, entry %u: %s", (unsigned long long)n, j, why);
            rc = -1;
            break;
        }
        p += used, left -= (size_t)used;
        if (first + j < tree.size) continue; /* stored already */
        uint8_t leaf[CTL_HASH_LEN];
        ctl_ct_leaf_hash(&e, leaf);
        if (memcmp(leaf, hashes.body + (size_t)j * CTL_HASH_LEN, CTL_HASH_LEN) != 0) {
            snprintf(err, errsz, "entry %llu does not hash to its level-0 tile hash",
                     (unsigned long long)(first + j));
            rc = -1;
            break;
        }
        ctl_merkle_append(&tree, leaf);
        const uint8_t *der = e.type == CTL_CT_PRECERT ? e.precert : e.der;
        size_t der_len = e.type == CTL_CT_PRECERT ? e.precert_len : e.der_len;
        rc = ctl_ingest_entry(t->ingest, l->id, first + j, &e, der, der_len, l->name, &malformed,
                              err, errsz);
    }
    if (!rc && left) {
        snprintf(err, errsz, "data tile %llu has bytes after its %u entries", (unsigned long long)n,
                 width);
        rc = -1;
    }
    if (!rc) {
        uint8_t blob[64 * CTL_HASH_LEN];
        sqlite3_stmt *st;
        rc = sqlite3_prepare_v2(t->db, "UPDATE ct_log SET next_index = ?2, tree = ?3 WHERE id = ?1",
                                -1, &st, NULL) == SQLITE_OK
                 ? 0
                 : -1;
        if (!rc) {
            sqlite3_bind_int64(st, 1, l->id);
            sqlite3_bind_int64(st, 2, (sqlite3_int64)tree.size);
            sqlite3_bind_blob(st, 3, blob, (int)tree_blob(&tree, blob), SQLITE_STATIC);
            rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
        }
        sqlite3_finalize(st);
        if (rc) snprintf(err, errsz, "%s", sqlite3_errmsg(t->db));
    }
    if (!rc && exec(t->db, "COMMIT") < 0)
        snprintf(err, errsz, "%s", sqlite3_errmsg(t->db)), rc = -1;
    if (rc) {
        exec(t->db, "ROLLBACK");
    } else {
        t->entries += (long)(tree.size - l->tree.size);
        t->malformed += malformed;
        l->tree = tree;
    }
    ctl_http_response_free(&data);
    ctl_http_response_free(&hashes);
    return rc;
}

/* One pass over a log: up to its current checkpoint. */
static void follow(struct tail *t, struct log *l)
{
    char err[1024];
    struct ctl_http_response r;
    if (get(t, l, "checkpoint", &r, err, sizeof err) < 0) {
        log_error(t, l, err);
        return;
    }
    struct ctl_tree_head th;
    int ok = ctl_ct_verify_checkpoint(r.body, r.len, l->key, l->key_len, &th, err, sizeof err);
    ctl_http_response_free(&r);
    if (ok < 0) {
        char msg[1100];
        snprintf(msg, sizeof msg, "checkpoint: %s", err);
        {
            log_error(t, l, msg);
            return;
        }
    }
    if (th.size < l->verified) {
        snprintf(err, sizeof err, "the tree shrank from %llu to %llu entries",
                 (unsigned long long)l->verified, (unsigned long long)th.size);
        {
            log_error(t, l, err);
            return;
        }
    }
    while (l->tree.size < th.size && !stopping) {
        uint64_t n = l->tree.size / 256;
        uint64_t end = (n + 1) * 256 < th.size ? (n + 1) * 256 : th.size;
        if (tile(t, l, n, (unsigned)(end - n * 256), err, sizeof err) < 0) {
            log_error(t, l, err);
            return;
        }
    }
    if (l->tree.size != th.size) return; /* stopped by a signal */
    uint8_t root[CTL_HASH_LEN];
    ctl_merkle_root(&l->tree, root);
    if (memcmp(root, th.root, CTL_HASH_LEN) != 0) {
        snprintf(err, sizeof err,
                 "the entries' root does not match the signed checkpoint at size %llu: nothing "
                 "past entry %llu is verified",
                 (unsigned long long)th.size, (unsigned long long)l->verified);
        {
            log_error(t, l, err);
            return;
        }
    }
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(t->db,
                           "UPDATE ct_log SET verified_size = ?2, head_size = ?2, head_root = ?3, "
                           "head_timestamp = ?4, error = NULL, error_at = NULL WHERE id = ?1",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, l->id);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)th.size);
        sqlite3_bind_blob(st, 3, th.root, CTL_HASH_LEN, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)th.timestamp);
        if (sqlite3_step(st) == SQLITE_DONE) l->verified = th.size;
    }
    sqlite3_finalize(st);
}

/* The logs to follow into *out (malloc'd). */
static int load_logs(sqlite3 *db, char **ids, int nids, struct log **out, int *n)
{
    char *list = sqlite3_mprintf("%s", "");
    for (int i = 0; i < nids && list; i++) {
        char *next = sqlite3_mprintf("%s%s%lld", list, i ? "," : "", atoll(ids[i]));
        sqlite3_free(list);
        list = next;
    }
    if (!list) return -1;
    char *sql = sqlite3_mprintf(
        "SELECT id, monitoring_url, key, next_index, tree, verified_size, "
        "coalesce(description, url) FROM ct_log WHERE api = 'static-ct-api' AND %s%s%s ORDER BY id",
        nids ? "id IN (" : "enabled AND coalesce(state, '') NOT IN ('rejected', 'retired')",
        nids ? list : "", nids ? ")" : "");
    sqlite3_free(list);
    sqlite3_stmt *st;
    *out = NULL, *n = 0;
    if (!sql || sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return sqlite3_free(sql), -1;
    sqlite3_free(sql);
    while (sqlite3_step(st) == SQLITE_ROW) {
        struct log *t = realloc(*out, (size_t)(*n + 1) * sizeof **out);
        if (!t) break;
        *out = t;
        struct log *l = &t[(*n)++];
        memset(l, 0, sizeof *l);
        l->id = sqlite3_column_int64(st, 0);
        const char *url = (const char *)sqlite3_column_text(st, 1);
        size_t ul = url ? strlen(url) : 0;
        snprintf(l->url, sizeof l->url, "%s%s", url ? url : "",
                 ul && url[ul - 1] == '/' ? "" : "/");
        l->key_len = (size_t)sqlite3_column_bytes(st, 2);
        if (l->key_len > sizeof l->key) l->key_len = 0;
        memcpy(l->key, sqlite3_column_blob(st, 2), l->key_len);
        tree_load(&l->tree, (uint64_t)sqlite3_column_int64(st, 3), sqlite3_column_blob(st, 4),
                  (size_t)sqlite3_column_bytes(st, 4));
        l->verified = (uint64_t)sqlite3_column_int64(st, 5);
        snprintf(l->name, sizeof l->name, "%s", sqlite3_column_text(st, 6));
    }
    sqlite3_finalize(st);
    return 0;
}

int cmd_tail(int argc, char **argv)
{
    if (argc >= 2 && is_help(argv[1])) return fputs(usage, stdout), 0;
    if (argc < 2 || argv[1][0] == '-') return fputs(usage, stderr), 2;
    int once = 0, nids = 0;
    double interval = 60;
    char **ids = NULL;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--log")) {
            ids = argv + i + 1;
            while (i + 1 < argc && argv[i + 1][0] != '-') i++, nids++;
            if (!nids) return fputs(usage, stderr), 2;
        } else if (!strcmp(argv[i], "--once")) {
            once = 1;
        } else if (!strcmp(argv[i], "--interval") && i + 1 < argc) {
            char *end;
            interval = strtod(argv[++i], &end);
            if (*end || !(interval >= 1))
                return fprintf(stderr, "ctlite-worker tail: --interval: seconds, at least 1\n"), 2;
        } else {
            return fprintf(stderr, "ctlite-worker tail: unexpected '%s'\n%s", argv[i], usage), 2;
        }
    }
    char err[512];
    struct tail t = {0};
    struct ctl_http_config c;
    ctl_http_config_init(&c);
    c.min_interval_ms = 0; /* logs are made to be read; pacing is per log, by the passes */
    if (ctl_http_config_env(&c, err, sizeof err) < 0)
        return fprintf(stderr, "ctlite-worker tail: %s\n", err), 1;
    if (!(t.db = ctl_db_open(argv[1], NULL, NULL, err, sizeof err)))
        return fprintf(stderr, "ctlite-worker: %s\n", err), 1;
    struct log *logs;
    int n;
    if (!(t.http = ctl_http_new(&c)) || !(t.ingest = ctl_ingest_new(t.db, err, sizeof err)) ||
        load_logs(t.db, ids, nids, &logs, &n) < 0) {
        fprintf(stderr, "ctlite-worker tail: %s\n", *err ? err : sqlite3_errmsg(t.db));
        ctl_ingest_free(t.ingest);
        ctl_http_free(t.http);
        sqlite3_close(t.db);
        return 1;
    }
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    long failed = 0;
    do {
        t.entries = t.malformed = t.failed = 0;
        for (int i = 0; i < n && !stopping; i++) follow(&t, &logs[i]);
        printf("tail: %d logs, %ld entries stored (%ld malformed), %ld failed\n", n, t.entries,
               t.malformed, t.failed);
        fflush(stdout);
        failed += t.failed;
        for (double waited = 0; !once && !stopping && waited < interval; waited += 0.2)
            nanosleep(&(struct timespec){0, 200000000L}, NULL);
    } while (!once && !stopping);
    free(logs);
    ctl_ingest_free(t.ingest);
    ctl_http_free(t.http);
    sqlite3_close(t.db);
    return failed ? 1 : 0;
}
