#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "ingest.h"
#include "x509.h"

enum { CERT, CERT_ID, NAME, SEEN, ENTRY, MALFORMED, WATCHED, SIGHTING, NSTMT };

static const char *const sql[NSTMT] = {
    [CERT] = "INSERT INTO cert(sha256, tbs_sha256, serial, issuer_name, subject_cn, not_before, "
             "not_after, precert, logged_at_ms, source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
             "?9, ?10) ON CONFLICT (sha256) DO NOTHING",
    [CERT_ID] = "SELECT id FROM cert WHERE sha256 = ?1",
    [NAME] = "INSERT INTO cert_name(cert_id, name, registrable, wildcard) "
             "VALUES (?1, ?2, registrable_domain(?2), ?3) ON CONFLICT DO NOTHING",
    [SEEN] = "INSERT INTO seen_name(name, first_cert_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
    [ENTRY] = "INSERT INTO log_entry(log, idx, cert_id, logged_at_ms) VALUES (?1, ?2, ?3, ?4) "
              "ON CONFLICT DO NOTHING",
    [MALFORMED] = "INSERT INTO malformed_entry(log, idx, error, leaf) VALUES (?1, ?2, ?3, ?4) "
                  "ON CONFLICT DO NOTHING",
    [WATCHED] = "SELECT value, scope = 'subtree' FROM watch WHERE kind = 'domain' ORDER BY value",
    [SIGHTING] = "INSERT INTO name_sighting(name, registrable, wildcard, source, log, log_index, "
                 "precert, logged_at) VALUES (?1, registrable_domain(?1), ?2, ?3, ?4, ?5, ?6, ?7) "
                 "ON CONFLICT DO NOTHING",
};

/* A watched domain, for seen_name: names under no watched domain are not recorded there,
 * since a log's whole stream would make it grow without end. */
struct watched {
    char *value;
    int subtree;
};

/* Issuers as printed, by their encoded Name: a log's entries come from a few CAs, and printing
 * a Name takes longer than the rest of a certificate's fields. */
enum { ISSUERS = 32 };
struct issuer {
    uint8_t *der;
    size_t n;
    char *text;
};

struct ctl_ingest {
    sqlite3 *db;
    sqlite3_stmt *st[NSTMT];
    struct watched *watched; /* sorted by value */
    size_t nwatched;
    struct issuer issuers[ISSUERS];
    unsigned next_issuer; /* the slot to replace next */
};

/* The certificate's issuer, printed: from the memo, or printed into it. NULL when it cannot be
 * read. */
static const char *issuer_text(ctl_ingest *g, const ctl_cert *c)
{
    size_t n;
    const uint8_t *der = ctl_cert_issuer_der(c, &n);
    for (int i = 0; i < ISSUERS; i++)
        if (g->issuers[i].n == n && memcmp(g->issuers[i].der, der, n) == 0)
            return g->issuers[i].text;
    char text[2048];
    struct issuer *m = &g->issuers[g->next_issuer++ % ISSUERS];
    if (ctl_cert_issuer(c, text, sizeof text) < 0) return NULL;
    free(m->der);
    free(m->text);
    m->der = malloc(n);
    m->text = strdup(text);
    if (!m->der || !m->text) {
        free(m->der), free(m->text);
        *m = (struct issuer){0};
        return NULL;
    }
    memcpy(m->der, der, n);
    m->n = n;
    return m->text;
}

static void watched_free(ctl_ingest *g)
{
    for (size_t i = 0; i < g->nwatched; i++) free(g->watched[i].value);
    free(g->watched);
    g->watched = NULL;
    g->nwatched = 0;
}

int ctl_ingest_refresh(ctl_ingest *g)
{
    sqlite3_stmt *q = g->st[WATCHED];
    watched_free(g);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        struct watched *w = realloc(g->watched, (g->nwatched + 1) * sizeof *w);
        if (!w) break;
        g->watched = w;
        w += g->nwatched;
        if (!(w->value = strdup((const char *)sqlite3_column_text(q, 0)))) break;
        w->subtree = sqlite3_column_int(q, 1);
        g->nwatched++;
    }
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int by_value(const void *key, const void *elem)
{
    return strcmp(key, ((const struct watched *)elem)->value);
}

/* Whether name is a watched domain, or under one watched with its subtree. */
static int is_watched(const ctl_ingest *g, const char *name)
{
    for (const char *p = name; p; p = strchr(p, '.'), p = p ? p + 1 : NULL) {
        const struct watched *w =
            g->nwatched ? bsearch(p, g->watched, g->nwatched, sizeof *w, by_value) : NULL;
        if (w && (p == name || w->subtree)) return 1;
    }
    return 0;
}

ctl_ingest *ctl_ingest_new(sqlite3 *db, char *err, size_t errsz)
{
    ctl_ingest *g = calloc(1, sizeof *g);
    if (!g) return snprintf(err, errsz, "out of memory"), NULL;
    g->db = db;
    for (int i = 0; i < NSTMT; i++)
        if (sqlite3_prepare_v3(db, sql[i], -1, SQLITE_PREPARE_PERSISTENT, &g->st[i], NULL) !=
            SQLITE_OK) {
            snprintf(err, errsz, "%s", sqlite3_errmsg(db));
            ctl_ingest_free(g);
            return NULL;
        }
    if (ctl_ingest_refresh(g) < 0) {
        snprintf(err, errsz, "%s", sqlite3_errmsg(db));
        ctl_ingest_free(g);
        return NULL;
    }
    return g;
}

void ctl_ingest_free(ctl_ingest *g)
{
    if (!g) return;
    for (int i = 0; i < NSTMT; i++) sqlite3_finalize(g->st[i]);
    for (int i = 0; i < ISSUERS; i++) free(g->issuers[i].der), free(g->issuers[i].text);
    watched_free(g);
    free(g);
}

/* Steps a statement through and resets it; SQLITE_DONE or SQLITE_ROW is fine. */
static int run(sqlite3_stmt *s)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

struct names {
    ctl_ingest *g;
    int64_t cert_id;
    int failed;
    char last[CTL_HOST_MAX + 3]; /* the subject's CN is most often the first DNS name too */
};

/* name in cert_name's form into canon: lowercase A-labels, '*.' kept. 1 for a wildcard, 0 for
 * another host name, -1 for what is not a host name. */
static int canon_name(const char *name, char canon[CTL_HOST_MAX + 3])
{
    size_t len = strlen(name);
    int wild = ctl_is_wildcard(name, len);
    int k = ctl_host_canon(name, len, canon + (wild ? 2 : 0));
    if (k < 0 || (wild && k + 2 > CTL_HOST_MAX)) return -1;
    if (wild) memcpy(canon, "*.", 2);
    return wild;
}

/* Stores a DNS name, and a common name that is a host name: lowercase, '*.' kept. */
static void add_name(void *user, const char *type, const char *name)
{
    struct names *n = user;
    if (n->failed || (strcmp(type, "dns") != 0 && strcmp(type, "cn") != 0)) return;
    char canon[CTL_HOST_MAX + 3];
    int wild = canon_name(name, canon);
    if (wild < 0) return; /* an organisation, say */
    if (!strcmp(canon, n->last)) return;
    memcpy(n->last, canon, sizeof canon);
    sqlite3_stmt *s = n->g->st[NAME];
    sqlite3_bind_int64(s, 1, n->cert_id);
    sqlite3_bind_text(s, 2, canon, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 3, wild);
    if (run(s) < 0) n->failed = 1;
    if (n->failed || !is_watched(n->g, canon + (wild ? 2 : 0))) return;
    sqlite3_stmt *seen = n->g->st[SEEN];
    sqlite3_bind_text(seen, 1, canon, -1, SQLITE_STATIC);
    sqlite3_bind_int64(seen, 2, n->cert_id);
    if (run(seen) < 0) n->failed = 1;
}

static int malformed_row(ctl_ingest *g, int64_t log, uint64_t idx, const char *why,
                         const struct ctl_ct_entry *e)
{
    sqlite3_stmt *s = g->st[MALFORMED];
    sqlite3_bind_int64(s, 1, log);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)idx);
    sqlite3_bind_text(s, 3, why, -1, SQLITE_TRANSIENT);
    sqlite3_bind_blob(s, 4, e->entry, (int)e->entry_len, SQLITE_STATIC);
    return run(s);
}

int ctl_ingest_cert(ctl_ingest *g, const uint8_t *der, size_t n, int64_t logged_at_ms,
                    const char *source, int64_t *cert_id, char *why, size_t whysz)
{
    ctl_cert *c = der ? ctl_cert_parse(der, n, why, whysz) : NULL;
    if (!c) {
        if (!der) snprintf(why, whysz, "the entry carries no certificate");
        return 0;
    }
    uint8_t sha[32], tbs[32];
    ctl_sha256(der, n, sha);
    char serial[256], cn[1024] = "";
    int ok_nb, ok_na, has_tbs = ctl_cert_tbs_sha256(c, tbs) == 0;
    int64_t nb = ctl_cert_not_before(c, &ok_nb), na = ctl_cert_not_after(c, &ok_na);
    int sn = ctl_cert_serial(c, serial, sizeof serial);
    const char *issuer = issuer_text(g, c);
    if (sn < 0 || !issuer || !ok_nb || !ok_na) {
        ctl_cert_free(c);
        snprintf(why, whysz, "a field of the certificate cannot be read");
        return 0;
    }
    ctl_cert_common_name(c, cn, sizeof cn);
    sqlite3_stmt *s = g->st[CERT];
    sqlite3_bind_blob(s, 1, sha, 32, SQLITE_STATIC);
    if (has_tbs)
        sqlite3_bind_blob(s, 2, tbs, 32, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, 2);
    sqlite3_bind_text(s, 3, serial, sn, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, issuer, -1, SQLITE_STATIC);
    if (*cn)
        sqlite3_bind_text(s, 5, cn, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, 5);
    sqlite3_bind_int64(s, 6, nb);
    sqlite3_bind_int64(s, 7, na);
    sqlite3_bind_int(s, 8, ctl_cert_is_precert(c));
    sqlite3_bind_int64(s, 9, logged_at_ms);
    sqlite3_bind_text(s, 10, source, -1, SQLITE_STATIC);
    int fresh = 0;
    int64_t id = -1;
    if (run(s) == 0 && (fresh = sqlite3_changes(g->db) > 0)) {
        id = sqlite3_last_insert_rowid(g->db);
    } else {
        sqlite3_stmt *q = g->st[CERT_ID];
        sqlite3_bind_blob(q, 1, sha, 32, SQLITE_STATIC);
        id = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : -1;
        sqlite3_reset(q);
    }
    struct names nm = {.g = g, .cert_id = id};
    if (id >= 0 && fresh) ctl_cert_names(c, add_name, &nm);
    ctl_cert_free(c);
    if (id < 0 || nm.failed) return snprintf(why, whysz, "%s", sqlite3_errmsg(g->db)), -1;
    *cert_id = id;
    return 1;
}

int ctl_ingest_entry(ctl_ingest *g, int64_t log, uint64_t idx, const struct ctl_ct_entry *e,
                     const uint8_t *der, size_t n, const char *source, int *malformed, char *err,
                     size_t errsz)
{
    char why[300];
    int64_t id;
    int rc = ctl_ingest_cert(g, der, n, (int64_t)e->timestamp, source, &id, why, sizeof why);
    if (rc < 0) return snprintf(err, errsz, "%s", why), -1;
    if (rc == 0) {
        (*malformed)++;
        if (malformed_row(g, log, idx, why, e) < 0)
            return snprintf(err, errsz, "%s", sqlite3_errmsg(g->db)), -1;
        return 0;
    }
    sqlite3_stmt *en = g->st[ENTRY];
    sqlite3_bind_int64(en, 1, log);
    sqlite3_bind_int64(en, 2, (sqlite3_int64)idx);
    sqlite3_bind_int64(en, 3, id);
    sqlite3_bind_int64(en, 4, (sqlite3_int64)e->timestamp);
    if (run(en) < 0) return snprintf(err, errsz, "%s", sqlite3_errmsg(g->db)), -1;
    return 0;
}

int ctl_ingest_sighting(ctl_ingest *g, const struct ctl_sighting *s, const char *name, char *why,
                        size_t whysz)
{
    char canon[CTL_HOST_MAX + 3];
    int wild = canon_name(name, canon);
    if (wild < 0) return snprintf(why, whysz, "not a host name"), 0;
    sqlite3_stmt *st = g->st[SIGHTING];
    sqlite3_bind_text(st, 1, canon, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, wild);
    sqlite3_bind_text(st, 3, s->source, -1, SQLITE_STATIC);
    if (s->log)
        sqlite3_bind_text(st, 4, s->log, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 4);
    if (s->log_index >= 0)
        sqlite3_bind_int64(st, 5, s->log_index);
    else
        sqlite3_bind_null(st, 5);
    if (s->precert >= 0)
        sqlite3_bind_int(st, 6, s->precert);
    else
        sqlite3_bind_null(st, 6);
    if (s->logged_at > 0)
        sqlite3_bind_int64(st, 7, s->logged_at);
    else
        sqlite3_bind_null(st, 7);
    if (run(st) < 0) return snprintf(why, whysz, "%s", sqlite3_errmsg(g->db)), -1;
    return 1;
}

int ctl_ingest_prune(sqlite3 *db, char *err, size_t errsz)
{
    /* Set by set: with foreign keys on, each certificate deleted would scan log_entry and
     * seen_name, which have no index on it (one would cost every insert). */
    static const char prune[] =
        "PRAGMA foreign_keys = OFF;"
        "BEGIN IMMEDIATE;"
        "CREATE TEMP TABLE doomed AS SELECT id FROM cert c WHERE first_seen < unixepoch() - "
        "  (SELECT coalesce(max(value), 86400) FROM setting WHERE name = 'retention')"
        "  AND id <= (SELECT coalesce(min(cert_mark), 0) FROM rule_state)"
        "  AND NOT EXISTS (SELECT 1 FROM cert_keep k WHERE k.cert_id = c.id);"
        "DELETE FROM cert_name WHERE cert_id IN doomed;"
        "DELETE FROM log_entry WHERE cert_id IN doomed;"
        "UPDATE seen_name SET first_cert_id = NULL WHERE first_cert_id IN doomed;"
        "DELETE FROM cert WHERE id IN doomed;"
        "DROP TABLE doomed;"
        "DELETE FROM name_sighting WHERE first_seen < unixepoch() - "
        "  (SELECT coalesce(max(value), 86400) FROM setting WHERE name = 'retention')"
        "  AND id <= (SELECT coalesce(min(sighting_mark), 0) FROM rule_state)"
        "  AND id NOT IN (SELECT sighting_id FROM sighting_keep);"
        "COMMIT;";
    char *msg = NULL;
    int rc = sqlite3_exec(db, prune, NULL, NULL, &msg) == SQLITE_OK ? 0 : -1;
    if (rc) {
        snprintf(err, errsz, "%s", msg ? msg : sqlite3_errmsg(db));
        sqlite3_exec(db, "ROLLBACK; DROP TABLE IF EXISTS temp.doomed", NULL, NULL, NULL);
    }
    sqlite3_free(msg);
    sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
    return rc;
}
