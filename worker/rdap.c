/* rdap: a domain's lookup URL from the bootstrap, and the outcome of a lookup in its row. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rdap.h"
#include "sqlfiles.h"

int ctl_rdap_bootstrap_load(sqlite3 *db, const char *text, size_t len, const char *src,
                            size_t *suffixes, size_t *servers, char *err, size_t errsz)
{
    json_error_t je;
    json_t *doc = json_loadb(text, len, 0, &je);
    json_t *services = json_object_get(doc, "services");
    *suffixes = 0, *servers = json_array_size(services);
    if (!json_is_array(services)) {
        snprintf(err, errsz, "%s: %s", src,
                 doc ? "no \"services\" list: not an RDAP bootstrap" : je.text);
        json_decref(doc);
        return -1;
    }
    const char *published = json_string_value(json_object_get(doc, "publication"));
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_exec(db, "BEGIN IMMEDIATE; DELETE FROM rdap_bootstrap", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db,
                                "INSERT INTO rdap_bootstrap(suffix, base_url, published) "
                                "VALUES (lower(?1), ?2 || iif(?2 LIKE '%/', '', '/'), ?3) "
                                "ON CONFLICT DO NOTHING",
                                -1, &st, NULL);
    size_t i, k;
    json_t *svc, *name;
    /* Each service: [[suffix, ...], [URL, ...]]; the first https URL is taken, else the first. */
    json_array_foreach(services, i, svc)
    {
        json_t *names = json_array_get(svc, 0), *urls = json_array_get(svc, 1), *u;
        const char *url = NULL;
        json_array_foreach(urls, k, u)
        {
            const char *s = json_string_value(u);
            if (s && (!url || (!strncmp(s, "https://", 8) && strncmp(url, "https://", 8)))) url = s;
        }
        if (!url || !json_is_array(names)) continue;
        json_array_foreach(names, k, name)
        {
            if (rc != SQLITE_OK || !json_is_string(name)) continue;
            sqlite3_bind_text(st, 1, json_string_value(name), -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 2, url, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 3, published, -1, SQLITE_STATIC);
            rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db);
            sqlite3_reset(st);
            (*suffixes)++;
        }
    }
    sqlite3_finalize(st);
    json_decref(doc);
    if (rc == SQLITE_OK) rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errsz, "%s", sqlite3_errmsg(db));
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    return 0;
}

int ctl_rdap_bootstrap_ensure(sqlite3 *db, char *err, size_t errsz)
{
    sqlite3_stmt *st;
    int empty = 0;
    if (sqlite3_prepare_v2(db, "SELECT NOT EXISTS (SELECT 1 FROM rdap_bootstrap)", -1, &st, NULL) !=
        SQLITE_OK)
        return snprintf(err, errsz, "%s", sqlite3_errmsg(db)), -1;
    if (sqlite3_step(st) == SQLITE_ROW) empty = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    size_t suffixes, servers;
    return empty ? ctl_rdap_bootstrap_load(db, ctl_rdap_dns_json, strlen(ctl_rdap_dns_json),
                                           "the built-in snapshot", &suffixes, &servers, err, errsz)
                 : 0;
}

char *ctl_rdap_url(sqlite3 *db, const char *name, size_t *base_len, int *failed, char *err,
                   size_t errsz)
{
    sqlite3_stmt *st;
    char *url = NULL;
    *failed = 1;
    if (sqlite3_prepare_v2(db,
                           "SELECT base_url || 'domain/' || ?1, length(CAST(base_url AS BLOB)) "
                           "FROM rdap_bootstrap "
                           "WHERE ?1 = suffix OR substr(?1, -length(suffix) - 1) = '.' || suffix "
                           "ORDER BY length(suffix) DESC LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK)
        return snprintf(err, errsz, "%s", sqlite3_errmsg(db)), NULL;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        if (!(url = strdup((const char *)sqlite3_column_text(st, 0))))
            snprintf(err, errsz, "out of memory");
        *base_len = (size_t)sqlite3_column_int64(st, 1);
        *failed = !url;
    } else if (rc == SQLITE_DONE)
        *failed = 0;
    else
        snprintf(err, errsz, "%s", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return url;
}

/* The date of the first event of the action, bound to st's parameter i as text (SQL turns it
 * into Unix time with unixepoch(), which takes fractional seconds and offsets), or NULL. */
static void bind_event(sqlite3_stmt *st, int i, json_t *events, const char *action)
{
    size_t k;
    json_t *ev;
    json_array_foreach(events, k, ev)
    {
        const char *a = json_string_value(json_object_get(ev, "eventAction"));
        const char *d = json_string_value(json_object_get(ev, "eventDate"));
        if (a && d && !strcmp(a, action))
            return (void)sqlite3_bind_text(st, i, d, -1, SQLITE_TRANSIENT);
    }
    sqlite3_bind_null(st, i);
}

/* The registrar entity's name (vCard fn), or NULL. */
static const char *registrar(json_t *entities)
{
    size_t k, j;
    json_t *ent, *role, *prop;
    json_array_foreach(entities, k, ent)
    {
        int is = 0;
        json_array_foreach(json_object_get(ent, "roles"), j, role) is |=
            json_is_string(role) && !strcmp(json_string_value(role), "registrar");
        if (!is) continue;
        json_array_foreach(json_array_get(json_object_get(ent, "vcardArray"), 1), j, prop)
        {
            const char *key = json_string_value(json_array_get(prop, 0));
            if (key && !strcmp(key, "fn")) return json_string_value(json_array_get(prop, 3));
        }
    }
    return NULL;
}

static const char *const outcome_names[] = {"ok", "not_found", "no_rdap", "error"};

enum ctl_rdap_outcome ctl_rdap_record(sqlite3 *db, const char *name, int url_missing, int rc,
                                      const struct ctl_http_response *r, const char *err, char *why,
                                      size_t whysz)
{
    enum ctl_rdap_outcome o;
    double wait;
    json_error_t je;
    json_t *doc = NULL;
    *why = 0;
    if (url_missing) {
        o = CTL_RDAP_NO_RDAP, wait = 7 * 86400;
        snprintf(why, whysz, "no RDAP server for this suffix");
    } else if (rc == 0) {
        doc = json_loadb(r->body, r->len, 0, &je);
        const char *cls = json_string_value(json_object_get(doc, "objectClassName"));
        if (cls && !strcmp(cls, "domain"))
            o = CTL_RDAP_OK, wait = 30 * 86400;
        else {
            o = CTL_RDAP_ERROR, wait = 86400;
            snprintf(why, whysz, "not an RDAP domain object: %s",
                     doc ? "no objectClassName" : je.text);
            json_decref(doc), doc = NULL;
        }
    } else if (r && r->status == 404) {
        o = CTL_RDAP_NOT_FOUND, wait = 7 * 86400;
        snprintf(why, whysz, "%s", err);
    } else {
        o = CTL_RDAP_ERROR, wait = r && r->retry_after > 0 ? r->retry_after : 86400;
        snprintf(why, whysz, "%s", err);
    }
    sqlite3_stmt *st;
    /* A failure keeps what an earlier lookup found. */
    if (sqlite3_prepare_v2(
            db,
            doc ? "UPDATE domain SET rdap = ?2, rdap_error = ?3, checked_at = unixepoch(), "
                  "next_check = unixepoch() + ?4, registered_at = unixepoch(?5), "
                  "expires_at = unixepoch(?6), changed_at = unixepoch(?7), registrar = ?8, "
                  "status = ?9 WHERE name = ?1"
                : "UPDATE domain SET rdap = ?2, rdap_error = ?3, checked_at = unixepoch(), "
                  "next_check = unixepoch() + ?4 WHERE name = ?1",
            -1, &st, NULL) != SQLITE_OK) {
        snprintf(why, whysz, "%s", sqlite3_errmsg(db));
        json_decref(doc);
        return CTL_RDAP_ERROR;
    }
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, outcome_names[o], -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, *why ? why : NULL, -1, SQLITE_STATIC);
    sqlite3_bind_double(st, 4, wait);
    if (doc) {
        json_t *events = json_object_get(doc, "events"), *status = json_object_get(doc, "status");
        bind_event(st, 5, events, "registration");
        bind_event(st, 6, events, "expiration");
        bind_event(st, 7, events, "last changed");
        sqlite3_bind_text(st, 8, registrar(json_object_get(doc, "entities")), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 9, json_is_array(status) ? json_dumps(status, JSON_COMPACT) : NULL,
                          -1, free);
    }
    if (sqlite3_step(st) != SQLITE_DONE) {
        snprintf(why, whysz, "%s", sqlite3_errmsg(db));
        o = CTL_RDAP_ERROR;
    }
    sqlite3_finalize(st);
    json_decref(doc);
    return o;
}
