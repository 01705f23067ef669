/* ctlite-worker tail: follows CT logs, static-ct-api and RFC 6962. Each pass reads the log's
 * signed tree head (checkpoint or get-sth) and checks its signature, then fetches the entries
 * from where the database stands (data tiles, each entry checked against its level-0 hash
 * tile; or get-entries pages), adds them to the log's collapsed Merkle tree, and stores each
 * tile's or page's entries with the new position and tree in one transaction. Once the tree
 * reaches the head's size its root must be the head's: only then do
 * the entries count as verified. */
#include <jansson.h>
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
    "Follows the CT logs of the ct_log table (see ctlite-worker logs), RFC 6962 and\n"
    "static-ct-api alike, that are enabled and neither rejected nor retired, or the logs\n"
    "given by id, from where the database stands. Tree heads are checked against the log's key and "
    "every entry against\n"
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
    int rfc6962;    /* else static-ct-api */
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

/* A batch of entries stored in one transaction with the log's new position and tree. */
struct batch {
    struct ctl_merkle tree; /* the log's tree with the batch's entries */
    int malformed, failed;
};

static int batch_begin(struct tail *t, struct log *l, struct batch *b, char *err, size_t errsz)
{
    memset(b, 0, sizeof *b);
    b->tree = l->tree;
    if (exec(t->db, "BEGIN IMMEDIATE") < 0)
        return snprintf(err, errsz, "%s", sqlite3_errmsg(t->db)), -1;
    return 0;
}

/* Adds the entry at the tree's size; der[n] is the certificate it carries. */
static int batch_add(struct tail *t, struct log *l, struct batch *b, const struct ctl_ct_entry *e,
                     const uint8_t *der, size_t n, char *err, size_t errsz)
{
    uint8_t leaf[CTL_HASH_LEN];
    ctl_ct_leaf_hash(e, leaf);
    uint64_t idx = b->tree.size;
    ctl_merkle_append(&b->tree, leaf);
    return ctl_ingest_entry(t->ingest, l->id, idx, e, der, n, l->name, &b->malformed, err, errsz);
}

/* Commits the batch with the log's position and tree when rc is 0, else rolls it back. */
static int batch_end(struct tail *t, struct log *l, struct batch *b, int rc, char *err,
                     size_t errsz)
{
    if (!rc) {
        uint8_t blob[64 * CTL_HASH_LEN];
        sqlite3_stmt *st;
        rc = sqlite3_prepare_v2(t->db, "UPDATE ct_log SET next_index = ?2, tree = ?3 WHERE id = ?1",
                                -1, &st, NULL) == SQLITE_OK
                 ? 0
                 : -1;
        if (!rc) {
            sqlite3_bind_int64(st, 1, l->id);
            sqlite3_bind_int64(st, 2, (sqlite3_int64)b->tree.size);
            sqlite3_bind_blob(st, 3, blob, (int)tree_blob(&b->tree, blob), SQLITE_STATIC);
            rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
        }
        sqlite3_finalize(st);
        if (!rc && exec(t->db, "COMMIT") < 0) rc = -1;
        if (rc) snprintf(err, errsz, "%s", sqlite3_errmsg(t->db));
    }
    if (rc) {
        exec(t->db, "ROLLBACK");
        return -1;
    }
    t->entries += (long)(b->tree.size - l->tree.size);
    t->malformed += b->malformed;
    l->tree = b->tree;
    return 0;
}

/* static-ct-api: stores data tile n from the tree's size on, each entry checked against the
 * level-0 hash tile. */
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
    struct batch b;
    int rc = 0;
    if (hashes.len != (size_t)width * CTL_HASH_LEN) {
        snprintf(err, errsz, "%s is %zu bytes, not %u hashes", path, hashes.len, width);
        rc = -1;
    } else {
        rc = batch_begin(t, l, &b, err, errsz);
    }
    const uint8_t *p = (const uint8_t *)data.body;
    size_t left = data.len;
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
        if (n * 256 + j < b.tree.size) continue; /* stored already */
        uint8_t leaf[CTL_HASH_LEN];
        ctl_ct_leaf_hash(&e, leaf);
        if (memcmp(leaf, hashes.body + (size_t)j * CTL_HASH_LEN, CTL_HASH_LEN) != 0) {
            snprintf(err, errsz, "entry %llu does not hash to its level-0 tile hash",
                     (unsigned long long)(n * 256 + j));
            rc = -1;
            break;
        }
        int pre = e.type == CTL_CT_PRECERT;
        rc = batch_add(t, l, &b, &e, pre ? e.precert : e.der, pre ? e.precert_len : e.der_len, err,
                       errsz);
    }
    if (!rc && left) {
        snprintf(err, errsz, "data tile %llu has bytes after its %u entries", (unsigned long long)n,
                 width);
        rc = -1;
    }
    if (hashes.len == (size_t)width * CTL_HASH_LEN) rc = batch_end(t, l, &b, rc, err, errsz);
    ctl_http_response_free(&data);
    ctl_http_response_free(&hashes);
    return rc;
}

/* A JSON answer of an RFC 6962 log; NULL with err. */
static json_t *get_json(struct tail *t, struct log *l, const char *path, char *err, size_t errsz)
{
    struct ctl_http_response r;
    if (get(t, l, path, &r, err, errsz) < 0) return NULL;
    json_error_t e;
    json_t *j = json_loadb(r.body, r.len, 0, &e);
    ctl_http_response_free(&r);
    if (!j)
        snprintf(err, errsz, "%s: invalid JSON at line %d, column %d: %s", path, e.line, e.column,
                 e.text);
    return j;
}

/* Base64 text s into a malloc'd buffer; NULL when it is not base64. */
static uint8_t *b64(const char *s, size_t *n)
{
    size_t len = s ? strlen(s) : 0;
    uint8_t *out = s ? malloc(len / 4 * 3 + 1) : NULL;
    ptrdiff_t k = out ? ctl_base64_decode(s, len, out) : -1;
    if (k < 0) {
        free(out);
        return NULL;
    }
    *n = (size_t)k;
    return out;
}

/* RFC 6962: a signed tree head from get-sth. */
static int get_sth(struct tail *t, struct log *l, struct ctl_tree_head *th, char *err, size_t errsz)
{
    memset(th, 0, sizeof *th);
    json_t *j = get_json(t, l, "ct/v1/get-sth", err, errsz);
    if (!j) return -1;
    size_t rn = 0, sn = 0;
    uint8_t *root = b64(json_string_value(json_object_get(j, "sha256_root_hash")), &rn);
    uint8_t *sig = b64(json_string_value(json_object_get(j, "tree_head_signature")), &sn);
    json_t *size = json_object_get(j, "tree_size"), *ts = json_object_get(j, "timestamp");
    int rc = -1;
    if (!root || rn != CTL_HASH_LEN || !sig || !json_is_integer(size) || !json_is_integer(ts) ||
        json_integer_value(size) < 0) {
        snprintf(err, errsz, "get-sth: not a signed tree head");
    } else {
        th->size = (uint64_t)json_integer_value(size);
        th->timestamp = (uint64_t)json_integer_value(ts);
        memcpy(th->root, root, CTL_HASH_LEN);
        char why[200];
        rc = ctl_ct_verify_sth(th, sig, sn, l->key, l->key_len, why, sizeof why);
        if (rc) snprintf(err, errsz, "get-sth: %s", why);
    }
    free(root);
    free(sig);
    json_decref(j);
    return rc;
}

/* RFC 6962: stores entries from the tree's size to at most end - 1, as one page of
 * get-entries gives them (a short page is normal). */
static int page(struct tail *t, struct log *l, uint64_t end, char *err, size_t errsz)
{
    char path[128];
    uint64_t start = l->tree.size, last = start + 255 < end ? start + 255 : end - 1;
    snprintf(path, sizeof path, "ct/v1/get-entries?start=%llu&end=%llu", (unsigned long long)start,
             (unsigned long long)last);
    json_t *j = get_json(t, l, path, err, errsz);
    if (!j) return -1;
    json_t *entries = json_object_get(j, "entries");
    size_t count = json_array_size(entries);
    struct batch b;
    int rc = 0;
    if (!json_is_array(entries) || !count || count > last - start + 1) {
        snprintf(err, errsz, "get-entries from %llu: %zu entries", (unsigned long long)start,
                 count);
        rc = -1;
    } else {
        rc = batch_begin(t, l, &b, err, errsz);
    }
    for (size_t i = 0; !rc && i < count; i++) {
        json_t *o = json_array_get(entries, i);
        size_t ln = 0, xn = 0;
        uint8_t *leaf = b64(json_string_value(json_object_get(o, "leaf_input")), &ln);
        uint8_t *extra = b64(json_string_value(json_object_get(o, "extra_data")), &xn);
        struct ctl_ct_entry e;
        const char *why = "leaf_input or extra_data is not base64";
        if (!leaf || !extra || ctl_ct_parse_leaf(leaf, ln, &e, &why) < 0) {
            snprintf(err, errsz, "entry %llu: %s", (unsigned long long)(start + i), why);
            rc = -1;
        } else {
            /* A precertificate entry's extra_data starts with the precertificate itself. */
            const uint8_t *der = e.der;
            size_t dn = e.der_len;
            if (e.type == CTL_CT_PRECERT) {
                dn = xn >= 3 ? (size_t)extra[0] << 16 | (size_t)extra[1] << 8 | extra[2] : 0;
                der = xn >= 3 && dn <= xn - 3 ? extra + 3 : NULL;
            }
            rc = batch_add(t, l, &b, &e, der, der ? dn : 0, err, errsz);
        }
        free(leaf);
        free(extra);
    }
    if (json_is_array(entries) && count && count <= last - start + 1)
        rc = batch_end(t, l, &b, rc, err, errsz);
    json_decref(j);
    return rc;
}

/* One pass over a log: up to its current signed tree head. */
static void follow(struct tail *t, struct log *l)
{
    char err[1024];
    struct ctl_tree_head th;
    int rc;
    if (l->rfc6962) {
        rc = get_sth(t, l, &th, err, sizeof err);
    } else {
        struct ctl_http_response r;
        char why[600];
        rc = get(t, l, "checkpoint", &r, err, sizeof err);
        if (!rc) {
            rc = ctl_ct_verify_checkpoint(r.body, r.len, l->key, l->key_len, &th, why, sizeof why);
            if (rc) snprintf(err, sizeof err, "checkpoint: %s", why);
            ctl_http_response_free(&r);
        }
    }
    if (!rc && th.size < l->verified) {
        snprintf(err, sizeof err, "the tree shrank from %llu to %llu entries",
                 (unsigned long long)l->verified, (unsigned long long)th.size);
        rc = -1;
    }
    while (!rc && l->tree.size < th.size && !stopping) {
        uint64_t n = l->tree.size / 256;
        uint64_t end = (n + 1) * 256 < th.size ? (n + 1) * 256 : th.size;
        rc = l->rfc6962 ? page(t, l, th.size, err, sizeof err)
                        : tile(t, l, n, (unsigned)(end - n * 256), err, sizeof err);
    }
    if (rc) {
        log_error(t, l, err);
        return;
    }
    if (l->tree.size != th.size) return; /* stopped by a signal */
    uint8_t root[CTL_HASH_LEN];
    ctl_merkle_root(&l->tree, root);
    if (memcmp(root, th.root, CTL_HASH_LEN) != 0) {
        snprintf(err, sizeof err,
                 "the entries' root does not match the signed tree head at size %llu: nothing "
                 "past entry %llu is verified",
                 (unsigned long long)th.size, (unsigned long long)l->verified);
        log_error(t, l, err);
        return;
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
        "SELECT id, coalesce(monitoring_url, url), key, next_index, tree, verified_size, "
        "coalesce(description, url), api = 'rfc6962' FROM ct_log WHERE %s%s%s ORDER BY id",
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
        l->rfc6962 = sqlite3_column_int(st, 7);
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
            while (i + 1 < argc && argv[i + 1][0] != '-') {
                char *end;
                strtoll(argv[++i], &end, 10);
                if (*end || end == argv[i])
                    return fprintf(stderr, "ctlite-worker tail: --log: '%s' is not a log id\n",
                                   argv[i]),
                           2;
                nids++;
            }
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
