#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

/* The columns of a rule view, sorted by name: how the check compares them. A rule that reads
 * name_sighting has sighting_id too. */
static const char columns[] = "cert_id,detail,domain,key,observed_at,rule,severity";
static const char sighting_columns[] = "cert_id,detail,domain,key,observed_at,rule,severity,"
                                       "sighting_id";
/* ... and in the order the alerts view and alert_log take them. */
static const char select_list[] = "rule, severity, key, domain, cert_id, detail, observed_at";

struct rule {
    char *name;    /* the view's name */
    int sightings; /* it has a column sighting_id */
};

static void reportf(ctl_rules_report *report, void *user, const char *fmt, const char *a,
                    const char *b)
{
    char *line = sqlite3_mprintf(fmt, a, b);
    if (line && report) report(user, line);
    sqlite3_free(line);
}

static int exec(sqlite3 *db, const char *sql, char *err, size_t errsz)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) snprintf(err, errsz, "%s", msg ? msg : sqlite3_errstr(rc));
    sqlite3_free(msg);
    return rc == SQLITE_OK ? 0 : -1;
}

/* The first column of the first row of sql (with text bound to ?1, if given), as a new string
 * (sqlite3_free), or NULL for no row or NULL. *rc gets SQLITE_OK or the error. */
static char *query_text(sqlite3 *db, const char *sql, const char *arg, int *rc)
{
    sqlite3_stmt *st;
    char *out = NULL;
    *rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (*rc != SQLITE_OK) return NULL;
    if (arg) sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
    *rc = sqlite3_step(st);
    if (*rc == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(st, 0);
        if (t) out = sqlite3_mprintf("%s", t);
        *rc = SQLITE_OK;
    } else if (*rc == SQLITE_DONE) {
        *rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return out;
}

/* The views named rule_* whose columns are a rule's; the others are reported and counted in
 * pass->refused. Returns the number found, or -1 with err. */
static int find_rules(sqlite3 *db, struct rule **out, struct ctl_rules_pass *pass,
                      ctl_rules_report *report, void *user, char *err, size_t errsz)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "SELECT name FROM sqlite_schema WHERE type = 'view' AND "
                           "name GLOB 'rule_*' ORDER BY name",
                           -1, &st, NULL) != SQLITE_OK)
        return snprintf(err, errsz, "%s", sqlite3_errmsg(db)), -1;
    struct rule *rules = NULL;
    int n = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        int qrc;
        char *have = query_text(db,
                                "SELECT group_concat(name, ',') FROM "
                                "(SELECT name FROM pragma_table_info(?1) ORDER BY name)",
                                name, &qrc);
        if (qrc != SQLITE_OK) {
            reportf(report, user, "%s: cannot be read, left out: %s", name, sqlite3_errmsg(db));
            pass->refused++;
        } else if (!have || (strcmp(have, columns) != 0 && strcmp(have, sighting_columns) != 0)) {
            reportf(report, user,
                    "%s: its columns are (%s), but a rule view has exactly rule, severity, key, "
                    "domain, cert_id, detail and observed_at (and may have sighting_id): left out",
                    name, have ? have : "");
            pass->refused++;
        } else {
            struct rule *grown = realloc(rules, (n + 1) * sizeof *rules);
            char *copy = sqlite3_mprintf("%s", name);
            if (!grown || !copy) {
                free(grown ? grown : rules), sqlite3_free(copy), sqlite3_free(have);
                sqlite3_finalize(st);
                return snprintf(err, errsz, "out of memory"), -1;
            }
            rules = grown;
            rules[n].sightings = strcmp(have, sighting_columns) == 0;
            rules[n++].name = copy;
        }
        sqlite3_free(have);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        for (int i = 0; i < n; i++) sqlite3_free(rules[i].name);
        free(rules);
        return snprintf(err, errsz, "%s", sqlite3_errmsg(db)), -1;
    }
    *out = rules;
    return n;
}

/* Makes the view alerts the UNION ALL of the rules, unless it is that already. */
static int build_alerts(sqlite3 *db, const struct rule *rules, int n, char *err, size_t errsz)
{
    sqlite3_str *s = sqlite3_str_new(db);
    sqlite3_str_appendf(s, "CREATE VIEW alerts AS\n");
    for (int i = 0; i < n; i++)
        sqlite3_str_appendf(s, "%sSELECT %s FROM \"%w\"", i ? "\nUNION ALL " : "", select_list,
                            rules[i].name);
    if (!n)
        sqlite3_str_appendf(s, "SELECT NULL AS rule, NULL AS severity, NULL AS key, NULL AS "
                               "domain, NULL AS cert_id, NULL AS detail, NULL AS observed_at "
                               "WHERE 0");
    char *want = sqlite3_str_finish(s);
    if (!want) return snprintf(err, errsz, "out of memory"), -1;
    int rc;
    char *have = query_text(db, "SELECT sql FROM sqlite_schema WHERE name = 'alerts'", NULL, &rc);
    int ok = 0;
    if (rc != SQLITE_OK)
        snprintf(err, errsz, "%s", sqlite3_errmsg(db)), ok = -1;
    else if (!have || strcmp(have, want) != 0) {
        char *sql = sqlite3_mprintf("DROP VIEW IF EXISTS alerts; %s", want);
        ok = sql ? exec(db, sql, err, errsz) : -1;
        sqlite3_free(sql);
    }
    sqlite3_free(have);
    sqlite3_free(want);
    return ok;
}

/* Runs one INSERT of the rule's rows that match where (a condition on the view's columns, ?1
 * and ?2 the bounds of the new certificates or sightings) into alert_log. Adds the alerts
 * raised to *raised. SQLite pushes the condition down into the view, which is what keeps a
 * pass cheap. */
static int raise_rows(sqlite3 *db, const struct rule *rule, const char *where, sqlite3_int64 mark,
                      sqlite3_int64 top, int *raised)
{
    char *sql = sqlite3_mprintf(
        "INSERT INTO alert_log(rule, key, severity, detail, domain, cert_id, sighting_id, "
        "observed_at) "
        "SELECT rule, key, severity, iif(json_valid(detail), detail, json_quote(detail)), "
        "domain, cert_id, %s, coalesce(observed_at, unixepoch()) FROM \"%w\" WHERE %s "
        "ON CONFLICT (rule, key) DO NOTHING",
        rule->sightings ? "sighting_id" : "NULL", rule->name, where);
    sqlite3_stmt *st = NULL;
    int rc = sql ? sqlite3_prepare_v2(db, sql, -1, &st, NULL) : SQLITE_NOMEM;
    sqlite3_free(sql);
    if (rc == SQLITE_OK) {
        if (sqlite3_bind_parameter_count(st) >= 2) {
            sqlite3_bind_int64(st, 1, mark);
            sqlite3_bind_int64(st, 2, top);
        }
        rc = sqlite3_step(st);
        if (rc == SQLITE_DONE) {
            *raised += sqlite3_changes(db);
            rc = SQLITE_OK;
        }
    }
    sqlite3_finalize(st);
    return rc;
}

/* What a rule's pass covers, from its state. */
struct plan {
    int full, watched;
    sqlite3_int64 mark, sighting_mark;
};

/* Where a pass stops: the newest certificate and sighting when it began. */
struct top {
    sqlite3_int64 cert, sighting;
};

static int plan_rule(sqlite3 *db, const char *rule, enum ctl_rules_scope scope, const char *fp,
                     struct plan *p)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(
        db, "INSERT INTO rule_state(rule) VALUES (?1) ON CONFLICT DO NOTHING", -1, &st, NULL);
    if (rc != SQLITE_OK) return rc;
    sqlite3_bind_text(st, 1, rule, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return rc;
    rc = sqlite3_prepare_v2(
        db,
        "SELECT cert_mark, fingerprint IS NOT ?2, coalesce(watched_at, 0) + "
        "(SELECT coalesce(max(value), 3600) FROM setting WHERE name = 'rules_recheck_interval') "
        "<= unixepoch(), sighting_mark FROM rule_state WHERE rule = ?1",
        -1, &st, NULL);
    if (rc != SQLITE_OK) return rc;
    sqlite3_bind_text(st, 1, rule, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, fp, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) rc = SQLITE_CORRUPT; /* the row was just made */
    if (rc == SQLITE_ROW) {
        p->mark = sqlite3_column_int64(st, 0);
        p->full = scope == CTL_RULES_FULL || sqlite3_column_int(st, 1);
        p->watched = sqlite3_column_int(st, 2);
        p->sighting_mark = sqlite3_column_int64(st, 3);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc;
}

/* Evaluates one rule in a savepoint. Returns SQLITE_OK, or the rule's error, rolled back, with
 * its message in *why (sqlite3_free). */
static int eval_rule(sqlite3 *db, const struct rule *rule, const struct plan *p,
                     const struct top *top, const char *fp, int *raised, char **why)
{
    int n = 0, rc = sqlite3_exec(db, "SAVEPOINT rule", NULL, NULL, NULL);
    if (rc != SQLITE_OK) return rc;
    if (p->full)
        rc = raise_rows(db, rule, "1", 0, 0, &n);
    else {
        rc = raise_rows(db, rule, "cert_id > ?1 AND cert_id <= ?2", p->mark, top->cert, &n);
        if (rc == SQLITE_OK && rule->sightings)
            rc = raise_rows(db, rule, "sighting_id > ?1 AND sighting_id <= ?2", p->sighting_mark,
                            top->sighting, &n);
        if (rc == SQLITE_OK)
            rc = raise_rows(db, rule,
                            rule->sightings ? "cert_id IS NULL AND sighting_id IS NULL"
                                            : "cert_id IS NULL",
                            0, 0, &n);
        /* Time-driven findings (expiry) concern the watched domains' own certificates. */
        if (rc == SQLITE_OK && p->watched)
            rc = raise_rows(db, rule, "cert_id IN (SELECT cert_id FROM watched_name)", 0, 0, &n);
    }
    if (rc != SQLITE_OK) {
        /* Keep the message across the rollback. */
        char *msg = sqlite3_mprintf("%s", sqlite3_errmsg(db));
        sqlite3_exec(db, "ROLLBACK TO rule; RELEASE rule", NULL, NULL, NULL);
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(db,
                               "UPDATE rule_state SET error = ?2, error_at = unixepoch() "
                               "WHERE rule = ?1",
                               -1, &st, NULL) == SQLITE_OK) {
            sqlite3_bind_text(st, 1, rule->name, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 2, msg ? msg : "out of memory", -1, SQLITE_STATIC);
            sqlite3_step(st);
            sqlite3_finalize(st);
        }
        *why = msg;
        return rc;
    }
    sqlite3_stmt *st;
    rc = sqlite3_prepare_v2(db,
                            "UPDATE rule_state SET cert_mark = ?2, sighting_mark = ?7, "
                            "raised = raised + ?3, "
                            "full_at = iif(?4, unixepoch(), full_at), "
                            "watched_at = iif(?4 OR ?5, unixepoch(), watched_at), "
                            "fingerprint = ?6, error = NULL, error_at = NULL WHERE rule = ?1",
                            -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, rule->name, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, top->cert);
        sqlite3_bind_int(st, 3, n);
        sqlite3_bind_int(st, 4, p->full);
        sqlite3_bind_int(st, 5, p->watched);
        sqlite3_bind_text(st, 6, fp, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 7, top->sighting);
        rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db);
        sqlite3_finalize(st);
    }
    if (rc == SQLITE_OK) rc = sqlite3_exec(db, "RELEASE rule", NULL, NULL, NULL);
    if (rc == SQLITE_OK) *raised += n;
    return rc;
}

unsigned long long ctl_fnv1a(const char *s)
{
    unsigned long long h = 14695981039346656037ull;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* What the rules read besides certificates, hashed (FNV-1a): when it changes, every row is
 * evaluated again, since a new brand's look-alikes, say, may be stored already. */
static char *fingerprint(sqlite3 *db, int *rc)
{
    char *all = query_text(
        db,
        "SELECT coalesce((SELECT group_concat(id || ' ' || kind || ' ' || value || ' ' || "
        "coalesce(scope, threshold, ''), char(10)) FROM watch), '') || '/' || "
        "coalesce((SELECT group_concat(domain, char(10)) FROM allowlist), '') || '/' || "
        "coalesce((SELECT group_concat(domain || ' ' || issuer_name, char(10)) "
        "FROM authorized_ca), '')",
        NULL, rc);
    unsigned long long h = ctl_fnv1a(all ? all : "");
    sqlite3_free(all);
    return *rc == SQLITE_OK ? sqlite3_mprintf("%016llx", h) : NULL;
}

/* Brings brand_candidate in step with the watched brands, when the watch list may have changed
 * since the last pass (a rule's fingerprint differs). */
static int sync_candidates(sqlite3 *db, const char *fp, char *err, size_t errsz)
{
    sqlite3_stmt *st;
    int stale = 1;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM rule_state WHERE fingerprint IS NOT ?1", -1, &st,
                           NULL) != SQLITE_OK)
        return snprintf(err, errsz, "%s", sqlite3_errmsg(db)), -1;
    sqlite3_bind_text(st, 1, fp, -1, SQLITE_STATIC);
    int has_stale = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM rule_state", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        stale = has_stale || sqlite3_column_int(st, 0) == 0;
    sqlite3_finalize(st);
    if (!stale) return 0;
    return exec(db,
                "DELETE FROM brand_candidate WHERE brand NOT IN "
                "  (SELECT value FROM watch WHERE kind = 'brand');"
                "INSERT INTO brand_candidate SELECT t.domain, w.value, t.fuzzer "
                "  FROM watch w, typosquat_candidates(w.value) t WHERE w.kind = 'brand' "
                "   AND w.value NOT IN (SELECT brand FROM brand_candidate) "
                "   AND t.domain <> w.value;",
                err, errsz);
}

/* With the setting record_cert_domains, the registrable domains of the certificates in
 * (from, to] join the domain table. */
static int record_cert_domains(sqlite3 *db, sqlite3_int64 from, sqlite3_int64 to, char *err,
                               size_t errsz)
{
    char *sql = sqlite3_mprintf(
        "INSERT INTO domain(name, first_source) SELECT DISTINCT registrable, 'cert' "
        "  FROM cert_name WHERE cert_id > %lld AND cert_id <= %lld AND registrable IS NOT NULL "
        "   AND (SELECT coalesce(max(value), 0) FROM setting WHERE name = 'record_cert_domains') "
        "ON CONFLICT DO NOTHING",
        (long long)from, (long long)to);
    int rc = sql ? exec(db, sql, err, errsz) : (snprintf(err, errsz, "out of memory"), -1);
    sqlite3_free(sql);
    return rc;
}

int ctl_rules_record_domains(sqlite3 *db, sqlite3_int64 after, char *err, size_t errsz)
{
    static const char sql[] =
        "INSERT INTO domain(name, first_source) SELECT registrable_domain(value), 'watch' "
        "  FROM watch WHERE kind IN ('domain', 'brand') AND registrable_domain(value) IS NOT NULL "
        "ON CONFLICT DO NOTHING;"
        "INSERT INTO domain(name, first_seen, first_source, first_hit) "
        "SELECT r, min(first_seen), 'alert', min(first_seen) "
        "  FROM (SELECT coalesce(json_extract(detail, '$.registrable'), "
        "               registrable_domain(json_extract(detail, '$.name'))) AS r, first_seen "
        "          FROM alert_log WHERE id > %lld) "
        " WHERE r IS NOT NULL AND r NOT IN (SELECT name FROM domain WHERE first_source = 'watch') "
        " GROUP BY r "
        "ON CONFLICT (name) DO UPDATE SET first_hit = coalesce(first_hit, excluded.first_hit)";
    char *text = sqlite3_mprintf(sql, (long long)after);
    int rc = text ? exec(db, text, err, errsz) : (snprintf(err, errsz, "out of memory"), -1);
    sqlite3_free(text);
    return rc;
}

int ctl_rules_run(sqlite3 *db, enum ctl_rules_scope scope, struct ctl_rules_pass *pass,
                  ctl_rules_report *report, void *user, char *err, size_t errsz)
{
    memset(pass, 0, sizeof *pass);
    if (exec(db, "BEGIN IMMEDIATE", err, errsz) < 0) return -1;
    struct rule *rules = NULL;
    int n = find_rules(db, &rules, pass, report, user, err, errsz), rc = SQLITE_OK;
    char *fp = NULL, *top_text = NULL, *top_sighting = NULL, *last_alert = NULL, *last_cert = NULL;
    if (n < 0 || build_alerts(db, rules, n, err, errsz) < 0) goto fail;
    fp = fingerprint(db, &rc);
    if (rc == SQLITE_OK)
        top_text = query_text(db, "SELECT coalesce(max(id), 0) FROM cert", NULL, &rc);
    if (rc == SQLITE_OK)
        top_sighting = query_text(db, "SELECT coalesce(max(id), 0) FROM name_sighting", NULL, &rc);
    if (rc == SQLITE_OK)
        last_alert = query_text(db, "SELECT coalesce(max(id), 0) FROM alert_log", NULL, &rc);
    /* Where the previous pass stopped: the furthest mark (a failing rule's stays behind). */
    if (rc == SQLITE_OK)
        last_cert = query_text(db, "SELECT coalesce(max(cert_mark), 0) FROM rule_state", NULL, &rc);
    if (rc != SQLITE_OK) goto db_fail;
    struct top top = {top_text ? atoll(top_text) : 0, top_sighting ? atoll(top_sighting) : 0};
    if (sync_candidates(db, fp, err, errsz) < 0) goto fail;
    /* A rule view dropped leaves no state behind to hold back pruning. */
    sqlite3_str *keep = sqlite3_str_new(db);
    sqlite3_str_appendf(keep, "DELETE FROM rule_state WHERE rule NOT IN (''");
    for (int i = 0; i < n; i++) sqlite3_str_appendf(keep, ", %Q", rules[i].name);
    sqlite3_str_appendf(keep, ")");
    char *sql = sqlite3_str_finish(keep);
    if (!sql || exec(db, sql, err, errsz) < 0) {
        sqlite3_free(sql);
        goto fail;
    }
    sqlite3_free(sql);
    for (int i = 0; i < n; i++) {
        struct plan p = {0};
        rc = plan_rule(db, rules[i].name, scope, fp, &p);
        if (rc != SQLITE_OK) goto db_fail;
        pass->rules++;
        char *why = NULL;
        if (eval_rule(db, &rules[i], &p, &top, fp, &pass->raised, &why) != SQLITE_OK) {
            pass->failed++;
            reportf(report, user, "%s: failed, tried again next pass: %s", rules[i].name,
                    why ? why : "out of memory");
            sqlite3_free(why);
        }
    }
    /* Watches and hits first: the more telling source of a domain met both ways. */
    if (ctl_rules_record_domains(db, last_alert ? atoll(last_alert) : 0, err, errsz) < 0 ||
        record_cert_domains(db, last_cert ? atoll(last_cert) : 0, top.cert, err, errsz) < 0 ||
        exec(db, "COMMIT", err, errsz) < 0)
        goto fail;
    for (int i = 0; i < n; i++) sqlite3_free(rules[i].name);
    free(rules);
    sqlite3_free(fp), sqlite3_free(top_text), sqlite3_free(top_sighting);
    sqlite3_free(last_alert), sqlite3_free(last_cert);
    return 0;
db_fail:
    snprintf(err, errsz, "%s", sqlite3_errmsg(db));
fail:
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    for (int i = 0; i < n; i++) sqlite3_free(rules[i].name);
    free(rules);
    sqlite3_free(fp), sqlite3_free(top_text), sqlite3_free(top_sighting);
    sqlite3_free(last_alert), sqlite3_free(last_cert);
    return -1;
}
