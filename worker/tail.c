/* ctlite-worker tail: follows CT logs, static-ct-api and RFC 6962, all at once. Each log's
 * pass reads its signed tree head (checkpoint or get-sth) and checks the signature, asks for
 * the entries from where the database stands (data tiles, each entry checked against its
 * level-0 hash tile; or get-entries pages), several requests at a time, and stores them in
 * order into the log's collapsed Merkle tree and the database. Entries, positions and trees
 * commit together, about once a second. Once the tree reaches the head's size its root must be
 * the head's: only then do the entries count as verified. */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "db.h"
#include "rules.h"
#include "tail.h"

static const char usage[] =
    "usage: ctlite-worker tail DB [--log ID ...] [--once] [--interval S]\n"
    "                             [--start-at-end | --from INDEX] [--concurrency N]\n"
    "                             [--min-interval S] [--page N] [--partial-wait S]\n"
    "\n"
    "Follows the CT logs of the ct_log table (see ctlite-worker logs), RFC 6962 and\n"
    "static-ct-api alike, that are enabled and neither rejected nor retired, or the logs given\n"
    "by id, all at once, from where the database stands. Tree heads are checked against the\n"
    "log's key and every entry against the signed root; entries count as verified\n"
    "(log_entry.idx < ct_log.verified_size) only then. A bad signature, a root that does not\n"
    "match, a tree that shrinks or a second root for the same size stops the log, is recorded\n"
    "in ct_log.error and is an alert (view rule_log_stopped). A certificate that cannot be\n"
    "read is stored in malformed_entry. A kill at any moment loses and duplicates nothing.\n"
    "Every 5 minutes (and at the end of --once) the rules are evaluated (see ctlite-worker\n"
    "rules); then the certificates older than the retention setting that nothing keeps and\n"
    "that every rule has seen are pruned.\n"
    "\n"
    "  --once            one pass over each log, up to its current tree head, then exit\n"
    "  --interval S      seconds between a log's passes otherwise (default 60)\n"
    "  --start-at-end    a log followed for the first time starts at its current end\n"
    "  --from INDEX      ... or at entry INDEX (the tree before it is taken from the log's\n"
    "                    hash tiles or a consistency proof, and verified with the rest)\n"
    "  --concurrency N   requests in flight per log (default 4)\n"
    "  --min-interval S  seconds between the starts of two requests to a log (default 0)\n"
    "  --page N          RFC 6962: entries asked for per get-entries (default 256); a log\n"
    "                    that gives fewer from a multiple of that number is then asked for\n"
    "                    that many, from multiples of it\n"
    "  --partial-wait S  static-ct-api: a last, partial data tile is fetched once it has stayed\n"
    "                    partial S seconds (default 60; --once fetches it at once); until then\n"
    "                    the head is verified through the partial level-0 hash tile\n"
    "\n"
    "Network settings as for ctlite-worker crtsh (CTLITE_HTTP_TIMEOUT, ...). Exit status 1\n"
    "when a log failed.\n";

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
    (void)sig;
    stopping = 1;
}

static double tail_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

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

/* Issuers: an open-addressing set of SHA-256s, loaded from issuer_cert. */
int issuer_new(struct tail *t, const uint8_t sha[32])
{
    if (2 * (t->issuers_n + 1) > t->issuers_cap) {
        size_t cap = t->issuers_cap ? 2 * t->issuers_cap : 256, was = t->issuers_cap;
        uint8_t(*set)[32] = calloc(cap, 32), (*old)[32] = t->issuers;
        if (!set) return 0;
        t->issuers = set, t->issuers_cap = cap, t->issuers_n = 0;
        for (size_t i = 0; i < was; i++)
            if (old[i][0] | old[i][1] | old[i][31]) issuer_new(t, old[i]);
        free(old);
    }
    uint64_t h;
    memcpy(&h, sha, sizeof h);
    for (size_t i = h & (t->issuers_cap - 1);; i = (i + 1) & (t->issuers_cap - 1)) {
        if (memcmp(t->issuers[i], sha, 32) == 0) return 0;
        if (!(t->issuers[i][0] | t->issuers[i][1] | t->issuers[i][31])) {
            memcpy(t->issuers[i], sha, 32);
            t->issuers_n++;
            return 1;
        }
    }
}

void issuer_store(struct tail *t, const uint8_t sha[32], const uint8_t *der, size_t n)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(t->db,
                           "INSERT INTO issuer_cert(sha256, der) VALUES (?1, ?2) "
                           "ON CONFLICT DO NOTHING",
                           -1, &st, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_blob(st, 1, sha, 32, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, der, (int)n, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        fprintf(stderr, "ctlite-worker tail: issuer_cert: %s\n", sqlite3_errmsg(t->db));
    sqlite3_finalize(st);
}

static void set_error(struct log *l, const char *msg)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(l->t->db,
                           "UPDATE ct_log SET error = ?2, error_at = unixepoch() WHERE id = ?1", -1,
                           &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, l->id);
        if (msg)
            sqlite3_bind_text(st, 2, msg, -1, SQLITE_TRANSIENT);
        else
            sqlite3_bind_null(st, 2);
        sqlite3_step(st);
    }
    sqlite3_finalize(st);
}

/* The end of a pass: the next one after the interval, or none with --once. */
static void pass_over(struct log *l, enum log_state state)
{
    l->state = state == FAILED || !l->t->opt.once ? state : STOPPED;
    l->next_pass = tail_now() + l->t->opt.interval;
}

static void log_fail(struct log *l, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "ctlite-worker tail: %s: %s\n", l->name, msg);
    set_error(l, msg);
    l->t->failed++;
    pass_over(l, FAILED);
}

static struct chunk *chunk_new(struct log *l, int kind, int level, uint64_t start, unsigned count)
{
    struct chunk *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->log = l, c->kind = kind, c->level = level, c->start = start, c->count = count;
    struct chunk **p = &l->chunks;
    while (*p) p = &(*p)->next;
    *p = c;
    l->inflight++;
    fetch_chunk(l, c);
    return c;
}

static void chunk_free(struct log *l, struct chunk *c)
{
    ctl_http_response_free(&c->data);
    ctl_http_response_free(&c->hashes);
    l->chunks = c->next;
    l->inflight--;
    free(c);
}

static int tx_begin(struct tail *t)
{
    if (t->in_tx) return 0;
    if (exec(t->db, "BEGIN IMMEDIATE") < 0 || ctl_ingest_refresh(t->ingest) < 0) return -1;
    t->in_tx = 1;
    t->tx_started = tail_now();
    t->tx_entries = 0;
    return 0;
}

/* A database error: the open transaction is rolled back, and every log with something in it
 * goes back to where it stood, stopped with the error. */
static void rollback(struct tail *t, const char *why)
{
    char err[512];
    snprintf(err, sizeof err, "%s", why);
    exec(t->db, "ROLLBACK");
    t->in_tx = 0;
    for (int i = 0; i < t->n; i++) {
        struct log *l = &t->logs[i];
        if (!l->dirty) continue;
        l->dirty = l->head_pending = 0;
        l->tree = l->saved;
        l->verified_new = l->verified;
        log_fail(l, "database: %s", err);
    }
}

/* Commits the open transaction with each log's new position, tree and verified head. */
static int commit(struct tail *t)
{
    if (!t->in_tx) return 0;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(t->db,
                                "UPDATE ct_log SET next_index = ?2, tree = ?3, start_index = "
                                "?4, verified_size = ?5, head_size = ?6, head_root = ?7, "
                                "head_timestamp = ?8, rate = coalesce(?9, rate), error = iif(?10, "
                                "NULL, error), error_at = iif(?10, NULL, error_at) WHERE id = ?1",
                                -1, &st, NULL) == SQLITE_OK
                 ? 0
                 : -1;
    for (int i = 0; !rc && i < t->n; i++) {
        struct log *l = &t->logs[i];
        if (!l->dirty) continue;
        uint8_t blob[64 * CTL_HASH_LEN];
        double took = tail_now() - l->pass_started;
        sqlite3_bind_int64(st, 1, l->id);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)l->tree.size);
        sqlite3_bind_blob(st, 3, blob, (int)tree_blob(&l->tree, blob), SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)l->start_index);
        sqlite3_bind_int64(st, 5, (sqlite3_int64)l->verified_new);
        if (l->head.size || l->head.timestamp) {
            sqlite3_bind_int64(st, 6, (sqlite3_int64)l->head.size);
            sqlite3_bind_blob(st, 7, l->head.root, CTL_HASH_LEN, SQLITE_STATIC);
            sqlite3_bind_int64(st, 8, (sqlite3_int64)l->head.timestamp);
        } else {
            for (int k = 6; k <= 8; k++) sqlite3_bind_null(st, k);
        }
        if (l->stored && took > 0.001)
            sqlite3_bind_double(st, 9, (double)l->stored / took);
        else
            sqlite3_bind_null(st, 9);
        sqlite3_bind_int(st, 10, l->head_pending);
        rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    if (!rc && exec(t->db, "COMMIT") < 0) rc = -1;
    if (rc) return rollback(t, sqlite3_errmsg(t->db)), -1;
    t->in_tx = 0;
    for (int i = 0; i < t->n; i++) {
        struct log *l = &t->logs[i];
        if (!l->dirty) continue;
        l->dirty = l->head_pending = 0;
        l->saved = l->tree;
        l->verified = l->verified_new;
    }
    t->entries += t->tx_entries;
    return 0;
}

/* Whether the static-ct-api log's last tile, partial at the head, may be fetched now. */
static int partial_ripe(struct log *l)
{
    uint64_t tile = l->th.size / 256;
    if (l->t->opt.once || l->rfc6962 || l->th.size % 256 == 0) return 1;
    if (l->partial_tile != tile || !l->partial_since) {
        l->partial_tile = tile;
        l->partial_since = tail_now();
    }
    return tail_now() - l->partial_since >= l->t->opt.partial_wait;
}

static void verified(struct log *l, uint64_t upto)
{
    if (tx_begin(l->t) < 0) {
        log_fail(l, "database: %s", sqlite3_errmsg(l->t->db));
        return;
    }
    l->head = l->th;
    l->verified_new = upto;
    l->dirty = l->head_pending = 1;
    pass_over(l, IDLE);
}

/* The entries of the pass are in: the tree's root must be the head's. Short of a partial
 * last tile, the level-0 hash tile of its entries stands in for them. */
static void check_root(struct log *l, const uint8_t *tail_hashes, unsigned n)
{
    struct ctl_merkle t = l->tree;
    for (unsigned i = 0; i < n; i++) ctl_merkle_append(&t, tail_hashes + (size_t)i * CTL_HASH_LEN);
    uint8_t root[CTL_HASH_LEN];
    ctl_merkle_root(&t, root);
    if (t.size != l->th.size || memcmp(root, l->th.root, CTL_HASH_LEN) != 0) {
        log_fail(l,
                 "the entries' root does not match the signed tree head at size %llu: nothing "
                 "past entry %llu is verified",
                 (unsigned long long)l->th.size, (unsigned long long)l->verified);
        return;
    }
    verified(l, l->tree.size);
}

/* Asks for more entries while the log has room, and ends the pass when all are stored. */
static void schedule(struct log *l)
{
    struct tail *t = l->t;
    if (l->state != FETCH) return;
    while (l->inflight < t->opt.concurrency && l->fetch < l->end && !stopping) {
        uint64_t start = l->fetch;
        unsigned count;
        if (l->rfc6962) {
            uint64_t room = l->page - start % l->page;
            count = (unsigned)(room < l->end - start ? room : l->end - start);
        } else {
            start = start / 256 * 256;
            count = (unsigned)(l->end - start < 256 ? l->end - start : 256);
        }
        if (!chunk_new(l, ENTRIES, 0, start, count)) return log_fail(l, "out of memory");
        l->fetch = start + count;
    }
    if (l->inflight || l->fetch < l->end || l->tree.size < l->end) return;
    if (l->end == l->th.size) return check_root(l, NULL, 0);
    /* A partial tile to wait for: its level-0 hashes verify the head meanwhile. */
    if (!chunk_new(l, TILE_HASHES, 0, l->th.size / 256, (unsigned)(l->th.size % 256)))
        log_fail(l, "out of memory");
}

/* The tree at the start (--from, --start-at-end): which tiles or proof it takes. */
static void ask_start(struct log *l, uint64_t m)
{
    l->state = START;
    memset(&l->start, 0, sizeof l->start);
    l->start.size = m;
    if (l->rfc6962) {
        if (!chunk_new(l, PROOF, 0, m, 0)) log_fail(l, "out of memory");
        return;
    }
    for (int i = 63; i >= 0; i--) {
        if (!(m >> i & 1)) continue;
        int level;
        uint64_t tile;
        unsigned first, count;
        ctl_merkle_tile_span(m, i, &level, &tile, &first, &count);
        int asked = 0; /* once per tile */
        for (struct chunk *c = l->chunks; c; c = c->next)
            asked |= c->level == level && c->start == tile;
        uint64_t have = l->th.size >> (8 * level); /* hashes at that level */
        unsigned width = (unsigned)(have - tile * 256 < 256 ? have - tile * 256 : 256);
        if (!asked && !chunk_new(l, TILE_HASHES, level, tile, width))
            return log_fail(l, "out of memory");
    }
}

static void fetch_from(struct log *l, uint64_t from)
{
    l->state = FETCH;
    l->fetch = from;
    l->end = partial_ripe(l) ? l->th.size : l->th.size / 256 * 256;
    if (l->end < from) l->end = from;
    schedule(l);
}

void head_arrived(struct log *l, int rc, const struct ctl_tree_head *th, const char *err)
{
    struct tail *t = l->t;
    if (l->state != HEAD) return;
    char *sql = sqlite3_mprintf("UPDATE ct_log SET checked_at = unixepoch() WHERE id = %lld",
                                (long long)l->id);
    if (sql) exec(t->db, sql);
    sqlite3_free(sql);
    if (rc) return log_fail(l, "%s", err);
    if (th->size < l->head.size || th->size < l->tree.size) {
        /* An older head, as a log's frontends may serve for a while, is no news. */
        if (th->timestamp <= l->head.timestamp || th->size >= l->verified)
            return pass_over(l, IDLE);
        return log_fail(l, "the tree shrank from %llu to %llu entries",
                        (unsigned long long)l->head.size, (unsigned long long)th->size);
    }
    if (th->size == l->head.size && l->head.size &&
        memcmp(th->root, l->head.root, CTL_HASH_LEN) != 0)
        return log_fail(l, "two different signed roots for tree size %llu: the log is inconsistent",
                        (unsigned long long)th->size);
    l->th = *th;
    l->stored = 0;
    l->pass_started = tail_now();
    if (l->tree.size == 0 && t->opt.from != -1 && th->size > 0) {
        uint64_t m = t->opt.from == -2 || (uint64_t)t->opt.from >= th->size ? th->size - 1
                                                                            : (uint64_t)t->opt.from;
        /* A power of two is a tree that no proof spells out: start one entry earlier. */
        while (m && !(m & (m - 1))) m--;
        if (m) return ask_start(l, m);
    }
    fetch_from(l, l->tree.size);
}

/* A START chunk: the hashes of one tile, or the consistency proof. */
static int take_start(struct log *l, struct chunk *c)
{
    if (c->kind == PROOF) return start_from_proof(l, c);
    const uint8_t *h;
    if (chunk_hashes(c, &h) < 0) return -1;
    for (int i = 0; i < 64; i++) {
        int level;
        uint64_t tile;
        unsigned first, count;
        if (!(l->start.size >> i & 1)) continue;
        ctl_merkle_tile_span(l->start.size, i, &level, &tile, &first, &count);
        if (level == c->level && tile == c->start)
            ctl_merkle_subtree(h + (size_t)first * CTL_HASH_LEN, count, l->start.hash[i]);
    }
    if (l->inflight == 1) l->tree = l->start; /* the last tile */
    return 0;
}

/* Stores the chunks at the front of the log's list that are complete, in order. */
static void drain(struct log *l)
{
    struct tail *t = l->t;
    for (struct chunk *c; (c = l->chunks) && !c->pending;) {
        int live = l->state == FETCH || l->state == START;
        if (live && c->rc) {
            log_fail(l, "%s", c->err);
        } else if (live && l->state == START) {
            if (take_start(l, c) < 0) {
                log_fail(l, "%s", c->err);
            } else if (l->inflight == 1) {
                l->start_index = l->tree.size;
                if (tx_begin(t) < 0) log_fail(l, "database: %s", sqlite3_errmsg(t->db));
                l->dirty = 1;
                chunk_free(l, c);
                if (l->state == START) fetch_from(l, l->tree.size);
                continue;
            }
        } else if (live && c->kind == TILE_HASHES) {
            const uint8_t *h;
            if (chunk_hashes(c, &h) < 0)
                log_fail(l, "%s", c->err);
            else
                check_root(l, h + (l->tree.size - c->start * 256) * CTL_HASH_LEN,
                           (unsigned)(l->th.size - l->tree.size));
        } else if (live) {
            uint64_t before = l->tree.size;
            int rc = tx_begin(t) < 0 ? -3 : store_chunk(l, c);
            l->dirty = 1;
            if (rc == -1) {
                log_fail(l, "%s", c->err);
            } else if (rc < 0) {
                rollback(t, rc == -2 ? c->err : sqlite3_errmsg(t->db));
            } else {
                long n = (long)(l->tree.size - before);
                t->tx_entries += n;
                l->stored += n;
                /* A short page: the rest of it next, before anything later. */
                if (l->tree.size < c->start + c->count) {
                    struct chunk *rest = calloc(1, sizeof *rest);
                    if (!rest) {
                        log_fail(l, "out of memory");
                    } else {
                        *rest =
                            (struct chunk){.log = l,
                                           .kind = ENTRIES,
                                           .start = l->tree.size,
                                           .count = (unsigned)(c->start + c->count - l->tree.size),
                                           .next = c->next};
                        c->next = rest;
                        l->inflight++;
                        fetch_chunk(l, rest);
                    }
                }
            }
        }
        chunk_free(l, c);
    }
    schedule(l);
}

void chunk_arrived(struct chunk *c)
{
    drain(c->log);
}

/* The logs to follow into t->logs. */
static int load_logs(struct tail *t, char **ids, int nids)
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
        "coalesce(description, url), api = 'rfc6962', start_index, coalesce(head_size, 0), "
        "head_root, coalesce(head_timestamp, 0) FROM ct_log WHERE %s%s%s ORDER BY id",
        nids ? "id IN (" : "enabled AND coalesce(state, '') NOT IN ('rejected', 'retired')",
        nids ? list : "", nids ? ")" : "");
    sqlite3_free(list);
    sqlite3_stmt *st;
    if (!sql || sqlite3_prepare_v2(t->db, sql, -1, &st, NULL) != SQLITE_OK)
        return sqlite3_free(sql), -1;
    sqlite3_free(sql);
    while (sqlite3_step(st) == SQLITE_ROW) {
        struct log *logs = realloc(t->logs, (size_t)(t->n + 1) * sizeof *logs);
        if (!logs) break;
        t->logs = logs;
        struct log *l = &logs[t->n++];
        memset(l, 0, sizeof *l);
        l->t = t;
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
        l->saved = l->tree;
        l->verified = l->verified_new = (uint64_t)sqlite3_column_int64(st, 5);
        /* A log list's description is printed in messages: control bytes go. */
        ctl_http_printable(l->name, sizeof l->name, (const char *)sqlite3_column_text(st, 6),
                           (size_t)sqlite3_column_bytes(st, 6));
        l->rfc6962 = sqlite3_column_int(st, 7);
        l->start_index = (uint64_t)sqlite3_column_int64(st, 8);
        l->head.size = (uint64_t)sqlite3_column_int64(st, 9);
        if (sqlite3_column_bytes(st, 10) == CTL_HASH_LEN)
            memcpy(l->head.root, sqlite3_column_blob(st, 10), CTL_HASH_LEN);
        l->head.timestamp = (uint64_t)sqlite3_column_int64(st, 11);
        l->page = t->opt.page;
        l->pace.min_interval_ms = t->opt.min_interval_ms;
    }
    sqlite3_finalize(st);
    /* The program's first read also loads the issuers stored. */
    if (sqlite3_prepare_v2(t->db, "SELECT sha256 FROM issuer_cert", -1, &st, NULL) != SQLITE_OK)
        return -1;
    while (sqlite3_step(st) == SQLITE_ROW)
        if (sqlite3_column_bytes(st, 0) == 32) issuer_new(t, sqlite3_column_blob(st, 0));
    sqlite3_finalize(st);
    return 0;
}

/* A number option's value: a whole number or seconds within [lo, hi]. */
static int number(const char *opt, const char *v, double lo, double hi, int whole, double *out)
{
    char *end;
    double d = v ? strtod(v, &end) : 0;
    if (!v || end == v || *end || !(d >= lo && d <= hi) || (whole && d != (double)(long long)d)) {
        fprintf(stderr, "ctlite-worker tail: %s: %s from %g to %g\n", opt,
                whole ? "a whole number" : "seconds", lo, hi);
        return -1;
    }
    *out = d;
    return 0;
}

static int options(int argc, char **argv, struct tail_options *o, char ***ids, int *nids,
                   double interval, double partial_wait)
{
    double min_interval = 0, from = -1, page = 256, concurrency = 4;
    const struct {
        const char *name;
        double lo, hi;
        int whole;
        double *value;
    } nums[] = {
        {"--interval", 1, 86400, 0, &interval},
        {"--partial-wait", 0, 86400, 0, &partial_wait},
        {"--min-interval", 0, 3600, 0, &min_interval},
        {"--from", 0, 1e15, 1, &from},
        {"--concurrency", 1, 64, 1, &concurrency},
        {"--page", 1, 10000, 1, &page},
    };
    *o = (struct tail_options){0};
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        size_t k = 0;
        while (k < sizeof nums / sizeof *nums && strcmp(a, nums[k].name)) k++;
        if (k < sizeof nums / sizeof *nums) {
            if (number(a, i + 1 < argc ? argv[++i] : NULL, nums[k].lo, nums[k].hi, nums[k].whole,
                       nums[k].value) < 0)
                return -1;
        } else if (!strcmp(a, "--once")) {
            o->once = 1;
        } else if (!strcmp(a, "--start-at-end")) {
            from = -2;
        } else if (!strcmp(a, "--log")) {
            *ids = argv + i + 1;
            while (i + 1 < argc && argv[i + 1][0] != '-') {
                char *end;
                strtoll(argv[++i], &end, 10);
                if (*end || end == argv[i])
                    return fprintf(stderr, "ctlite-worker tail: --log: '%s' is not a log id\n",
                                   argv[i]),
                           -1;
                (*nids)++;
            }
            if (!*nids) return fputs(usage, stderr), -1;
        } else {
            return fprintf(stderr, "ctlite-worker tail: unexpected '%s'\n%s", a, usage), -1;
        }
    }
    o->interval = interval, o->partial_wait = partial_wait;
    o->min_interval_ms = (long)(min_interval * 1000);
    o->from = (int64_t)from, o->page = (unsigned)page, o->concurrency = (int)concurrency;
    return 0;
}

/* Whether every log's pass is over (--once). */
static int all_over(const struct tail *t)
{
    for (int i = 0; i < t->n; i++)
        if (t->logs[i].state != STOPPED && t->logs[i].state != FAILED) return 0;
    return 1;
}

static void rule_report(void *user, const char *line)
{
    (void)user;
    fprintf(stderr, "ctlite-worker tail: %s\n", line);
}

/* The rules see each certificate before pruning may take it: pruning spares what a rule has
 * not evaluated yet. */
static void rules_then_prune(sqlite3 *db)
{
    char err[256];
    struct ctl_rules_pass p;
    if (ctl_rules_run(db, CTL_RULES_NEW, &p, rule_report, NULL, err, sizeof err) < 0)
        fprintf(stderr, "ctlite-worker tail: rules: %s\n", err);
    if (ctl_ingest_prune(db, err, sizeof err) < 0)
        fprintf(stderr, "ctlite-worker tail: pruning: %s\n", err);
}

static void run(struct tail *t)
{
    double pruned = -1e9, ticked = 0;
    for (;;) {
        double now = tail_now();
        int busy = 0;
        for (int i = 0; i < t->n; i++) {
            struct log *l = &t->logs[i];
            if (l->state == FAILED && !t->opt.once && !l->inflight && now >= l->next_pass)
                l->state = IDLE;
            if (l->state == IDLE && now >= l->next_pass && !stopping) {
                l->state = HEAD;
                fetch_head(l);
            }
            busy |= l->state == HEAD || l->state == START || l->state == FETCH;
        }
        if (t->in_tx && (t->tx_entries >= 8192 || now - t->tx_started >= 1 || !busy || stopping)) {
            long stored = t->tx_entries;
            commit(t);
            if (t->hooks && stored && !stopping) t->hooks->after(t->hooks->user, t->db, 1);
        }
        if (t->hooks && !t->in_tx && now - ticked >= 1 && !stopping) {
            t->hooks->after(t->hooks->user, t->db, 0);
            ticked = now;
        }
        if (!busy && now - pruned >= 300) {
            rules_then_prune(t->db);
            pruned = now;
        }
        int pending = ctl_http_run(t->http, 200);
        if (stopping || (t->opt.once && all_over(t) && !pending && !t->in_tx)) break;
    }
    commit(t);
}

int cmd_tail(int argc, char **argv)
{
    return tail_main(argc, argv, NULL);
}

int tail_main(int argc, char **argv, const struct tail_hooks *hooks)
{
    const char *help = hooks ? hooks->usage : usage;
    if (argc >= 2 && is_help(argv[1])) return fputs(help, stdout), 0;
    if (argc < 2 || argv[1][0] == '-') return fputs(help, stderr), 2;
    struct tail t = {.hooks = hooks};
    char **ids = NULL;
    int nids = 0;
    if (options(argc, argv, &t.opt, &ids, &nids, hooks ? hooks->interval : 60,
                hooks ? hooks->partial_wait : 60) < 0)
        return 2;
    char err[512] = "";
    struct ctl_http_config c;
    ctl_http_config_init(&c);
    c.min_interval_ms = 0; /* logs are made to be read; pacing is per log */
    if (ctl_http_config_env(&c, err, sizeof err) < 0)
        return fprintf(stderr, "ctlite-worker tail: %s\n", err), 1;
    if (!(t.db = ctl_db_open(argv[1], NULL, NULL, err, sizeof err)))
        return fprintf(stderr, "ctlite-worker: %s\n", err), 1;
    int rc = 1;
    /* Rows go in parents first and pruning handles its own deletes: the checks would only cost
     * a lookup per row. */
    exec(t.db, "PRAGMA foreign_keys = OFF");
    if (!(t.http = ctl_http_new(&c)) || !(t.ingest = ctl_ingest_new(t.db, err, sizeof err)) ||
        load_logs(&t, ids, nids) < 0) {
        fprintf(stderr, "ctlite-worker tail: %s\n", *err ? err : sqlite3_errmsg(t.db));
    } else {
        struct sigaction sa = {.sa_handler = on_signal};
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        run(&t);
        /* run may deliver alerts on stdout: its summary goes to stderr. */
        fprintf(hooks ? stderr : stdout,
                "%s: %d logs, %ld entries stored (%ld malformed), %ld failed\n",
                hooks ? "run" : "tail", t.n, t.entries, t.malformed, t.failed);
        rc = t.failed ? 1 : 0;
    }
    t.closing = 1;
    for (int i = 0; i < t.n; i++) t.logs[i].state = STOPPED;
    ctl_http_free(t.http); /* before the logs: its requests point at them */
    ctl_ingest_free(t.ingest);
    free(t.logs);
    free(t.issuers);
    for (int i = 0; i < CHAIN_SEEN; i++) free(t.chain[i].der);
    sqlite3_close(t.db);
    return rc;
}
