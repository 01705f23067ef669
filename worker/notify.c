#include <curl/curl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alert_format.h"
#include "dated_file.h"
#include "notify.h"

enum kind { STDOUT, JSON_DIR, WEBHOOK, SMTP };
enum { BATCH = 100 }; /* alerts a channel takes per pass */

struct chan {
    long long id;
    enum kind kind;
    char *name, *target, *format, *from, *to, *user, *password;
    struct ctl_http_pace pace;
};

struct ctl_notify {
    sqlite3 *db;
    ctl_http *http;
    struct chan *ch;
    size_t n;
    struct ctl_notify_pass *pass;
    void (*report)(void *, const char *);
    void *user;
};

static char *text_dup(const unsigned char *s)
{
    return s ? strdup((const char *)s) : NULL;
}

void ctl_notify_free(ctl_notify *nt)
{
    if (!nt) return;
    for (size_t i = 0; i < nt->n; i++) {
        struct chan *c = &nt->ch[i];
        free(c->name), free(c->target), free(c->format), free(c->from), free(c->to);
        free(c->user), free(c->password);
    }
    free(nt->ch);
    free(nt);
}

/* A mail address as headers and SMTP take it, nothing that could start a new line or field. */
static int address_ok(const char *a)
{
    const char *at = strchr(a, '@');
    if (!at || at == a || !at[1] || strlen(a) > 254) return 0;
    for (const char *p = a; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              strchr(".!#$%&'*+/=?^_`{|}~-@", *p)) ||
            (*p == '@' && p != at))
            return 0;
    return 1;
}

/* Checks a channel and fills in its secrets. */
static int chan_ready(struct chan *c, const char *env, const char *pw_env, char *err, size_t errsz)
{
    if (env) {
        const char *v = getenv(env);
        if (!v || !*v)
            return snprintf(err, errsz, "channel %s: the environment variable %s is not set",
                            c->name, env),
                   -1;
        free(c->target);
        if (!(c->target = strdup(v))) return snprintf(err, errsz, "out of memory"), -1;
    }
    if (!c->target || !*c->target)
        return snprintf(err, errsz, "channel %s has no target", c->name), -1;
    if (c->kind == WEBHOOK && strncmp(c->target, "http://", 7) && strncmp(c->target, "https://", 8))
        return snprintf(err, errsz, "channel %s: a webhook URL starts with https://", c->name), -1;
    if (c->kind == SMTP) {
        if (strncmp(c->target, "smtp://", 7) && strncmp(c->target, "smtps://", 8) &&
            strncmp(c->target, "smtp+starttls://", 16))
            return snprintf(err, errsz,
                            "channel %s: a mail server URL starts with smtp://, smtp+starttls:// "
                            "or smtps://",
                            c->name),
                   -1;
        if (!c->from || !address_ok(c->from))
            return snprintf(err, errsz, "channel %s: the sender '%.80s' is not a mail address",
                            c->name, c->from ? c->from : ""),
                   -1;
        char *to = c->to ? strdup(c->to) : NULL, *save = NULL;
        int n = 0, ok = 1;
        for (char *t = to ? strtok_r(to, ",", &save) : NULL; t; t = strtok_r(NULL, ",", &save))
            ok &= address_ok(t), n++;
        free(to);
        if (!ok || !n)
            return snprintf(err, errsz,
                            "channel %s: the recipients '%.80s' are not mail addresses separated "
                            "by commas",
                            c->name, c->to ? c->to : ""),
                   -1;
        if (pw_env) {
            const char *v = getenv(pw_env);
            if (!v)
                return snprintf(err, errsz, "channel %s: the environment variable %s is not set",
                                c->name, pw_env),
                       -1;
            if (!(c->password = strdup(v))) return snprintf(err, errsz, "out of memory"), -1;
        }
    }
    /* Slack takes about one message a second per webhook. */
    c->pace.min_interval_ms = c->kind == WEBHOOK && !strcmp(c->format, "slack") ? 1000 : 0;
    return 0;
}

ctl_notify *ctl_notify_new(sqlite3 *db, ctl_http *http, const long long *ids,
                           const char *const *urls, size_t n, char *err, size_t errsz)
{
    ctl_notify *nt = calloc(1, sizeof *nt);
    sqlite3_stmt *st;
    if (!nt) return snprintf(err, errsz, "out of memory"), NULL;
    nt->db = db, nt->http = http;
    if (sqlite3_prepare_v2(db,
                           "SELECT id, name, kind, target, target_env, coalesce(format, 'json'), "
                           "mail_from, mail_to, username, password_env FROM channel "
                           "WHERE iif(?1 IS NULL, enabled, id = ?1) ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errsz, "%s", sqlite3_errmsg(db));
        return ctl_notify_free(nt), NULL;
    }
    for (size_t k = 0; k < (ids ? n : 1); k++) {
        if (ids) sqlite3_bind_int64(st, 1, ids[k]);
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            struct chan *grown = realloc(nt->ch, (nt->n + 1) * sizeof *nt->ch);
            if (!grown) {
                rc = SQLITE_NOMEM;
                break;
            }
            nt->ch = grown;
            struct chan *c = &nt->ch[nt->n++];
            const char *kind = (const char *)sqlite3_column_text(st, 2);
            *c = (struct chan){
                .id = sqlite3_column_int64(st, 0),
                .kind = !strcmp(kind, "stdout")     ? STDOUT
                        : !strcmp(kind, "json_dir") ? JSON_DIR
                        : !strcmp(kind, "webhook")  ? WEBHOOK
                                                    : SMTP,
                .name = text_dup(sqlite3_column_text(st, 1)),
                .target =
                    ids && urls && urls[k] ? strdup(urls[k]) : text_dup(sqlite3_column_text(st, 3)),
                .format = text_dup(sqlite3_column_text(st, 5)),
                .from = text_dup(sqlite3_column_text(st, 6)),
                .to = text_dup(sqlite3_column_text(st, 7)),
                .user = text_dup(sqlite3_column_text(st, 8)),
            };
            const char *env =
                ids && urls && urls[k] ? NULL : (const char *)sqlite3_column_text(st, 4);
            if (!c->name || !c->format ||
                chan_ready(c, env, (const char *)sqlite3_column_text(st, 9), err, errsz) < 0) {
                if (!c->name) snprintf(err, errsz, "out of memory");
                sqlite3_finalize(st);
                return ctl_notify_free(nt), NULL;
            }
        }
        if (rc != SQLITE_DONE) {
            snprintf(err, errsz, "%s", sqlite3_errmsg(db));
            sqlite3_finalize(st);
            return ctl_notify_free(nt), NULL;
        }
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return nt;
}

/* The alerts of one delivery attempt, and the strings they point into. */
struct batch {
    ctl_notify *nt;
    struct chan *ch;
    struct ctl_alert a[BATCH];
    char *strings[BATCH][8];
    size_t n;
};

static void batch_free(struct batch *b)
{
    for (size_t i = 0; i < b->n; i++)
        for (int k = 0; k < 8; k++) free(b->strings[i][k]);
    free(b);
}

static void reportf(ctl_notify *nt, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void reportf(ctl_notify *nt, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (nt->report) nt->report(nt->user, line);
}

/* Records the outcome of alerts [from, to) of b: delivered (err NULL), or failed, to be tried
 * again after retry_after seconds or the backoff. One transaction. */
static void settle(struct batch *b, size_t from, size_t to, const char *err, double retry_after)
{
    ctl_notify *nt = b->nt;
    sqlite3_stmt *st;
    const char *sql =
        err ? "UPDATE delivery SET attempts = attempts + 1, error = ?3, next_attempt = unixepoch()"
              " + max(?4, min(3600, 30 << min(attempts, 7))) WHERE channel_id = ?1 AND alert_id = "
              "?2"
            : "UPDATE delivery SET delivered_at = unixepoch(), error = NULL "
              "WHERE channel_id = ?1 AND alert_id = ?2";
    int rc = sqlite3_exec(nt->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_prepare_v2(nt->db, sql, -1, &st, NULL);
    for (size_t i = from; rc == SQLITE_OK && i < to; i++) {
        sqlite3_bind_int64(st, 1, b->ch->id);
        sqlite3_bind_int64(st, 2, b->a[i].id);
        if (err) {
            sqlite3_bind_text(st, 3, err, -1, SQLITE_STATIC);
            sqlite3_bind_double(st, 4, retry_after > 0 ? retry_after : 0);
        }
        rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(nt->db);
        sqlite3_reset(st);
    }
    if (rc == SQLITE_OK)
        sqlite3_finalize(st), rc = sqlite3_exec(nt->db, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        /* Not recorded: the next pass sends these again, which loses nothing. */
        reportf(nt, "channel %s: cannot record a delivery: %s", b->ch->name,
                sqlite3_errmsg(nt->db));
        sqlite3_exec(nt->db, "ROLLBACK", NULL, NULL, NULL);
    }
    if (err) {
        nt->pass->failed += (int)(to - from);
        reportf(nt, "channel %s: %zu alert%s not delivered, tried again later: %s", b->ch->name,
                to - from, to - from == 1 ? "" : "s", err);
    } else {
        nt->pass->delivered += (int)(to - from);
    }
}

/* The pending deliveries of c that are due, oldest first, at most BATCH. */
static struct batch *due(ctl_notify *nt, struct chan *c, int *rc)
{
    struct batch *b = calloc(1, sizeof *b);
    sqlite3_stmt *st;
    if (!b) return *rc = SQLITE_NOMEM, NULL;
    b->nt = nt, b->ch = c;
    *rc = sqlite3_prepare_v2(
        nt->db,
        "SELECT a.id, a.rule, a.severity, a.key, a.domain, a.detail, a.first_seen, "
        "coalesce(a.observed_at, a.first_seen), coalesce(c.id, 0), "
        "iif(c.sha256 IS NULL, NULL, lower(hex(c.sha256))), "
        "c.serial, c.issuer_name, c.not_before, c.not_after "
        "FROM delivery d JOIN alert_log a ON a.id = d.alert_id LEFT JOIN cert c ON c.id = "
        "a.cert_id "
        "WHERE d.channel_id = ?1 AND d.delivered_at IS NULL AND d.next_attempt <= unixepoch() "
        "AND a.acknowledged_at IS NULL ORDER BY a.id LIMIT ?2",
        -1, &st, NULL);
    if (*rc != SQLITE_OK) return free(b), NULL;
    sqlite3_bind_int64(st, 1, c->id);
    sqlite3_bind_int(st, 2, BATCH);
    while ((*rc = sqlite3_step(st)) == SQLITE_ROW) {
        char **s = b->strings[b->n];
        static const int text_cols[8] = {1, 2, 3, 4, 5, 9, 10, 11};
        for (int k = 0; k < 8; k++) s[k] = text_dup(sqlite3_column_text(st, text_cols[k]));
        b->a[b->n++] = (struct ctl_alert){
            .id = sqlite3_column_int64(st, 0),
            .rule = s[0] ? s[0] : "",
            .severity = s[1],
            .key = s[2] ? s[2] : "",
            .domain = s[3],
            .detail = s[4],
            .raised_at = sqlite3_column_int64(st, 6),
            .observed_at = sqlite3_column_int64(st, 7),
            .cert_id = sqlite3_column_int64(st, 8),
            .sha256 = s[5],
            .serial = s[6],
            .issuer = s[7],
            .not_before = sqlite3_column_int64(st, 12),
            .not_after = sqlite3_column_int64(st, 13),
        };
    }
    sqlite3_finalize(st);
    if (*rc != SQLITE_DONE) return batch_free(b), NULL;
    *rc = SQLITE_OK;
    return b;
}

static void to_stdout(struct batch *b)
{
    for (size_t i = 0; i < b->n; i++) {
        char *line = ctl_alert_json(&b->a[i]);
        int ok =
            line && fputs(line, stdout) >= 0 && fputc('\n', stdout) != EOF && fflush(stdout) == 0;
        free(line);
        if (!ok) return settle(b, i, b->n, "cannot write to standard output", 0);
        settle(b, i, i + 1, NULL, 0);
    }
}

/* <id>-<rule>.json, under the day the alert was raised. */
static int write_file(const struct chan *c, const struct ctl_alert *a, char *err, size_t errsz)
{
    char name[100], rule[64];
    size_t k = 0;
    for (const char *r = a->rule; *r && k < sizeof rule - 1; r++)
        rule[k++] = (*r >= 'a' && *r <= 'z') || (*r >= '0' && *r <= '9') || *r == '_' ? *r : '_';
    rule[k] = 0;
    snprintf(name, sizeof name, "%lld-%s.json", a->id, rule);
    char *json = ctl_alert_json(a);
    if (!json) return snprintf(err, errsz, "out of memory"), -1;
    int rc = ctl_dated_file_write(c->target, (time_t)a->raised_at, name, json, err, errsz);
    free(json);
    return rc;
}

static void to_files(struct batch *b)
{
    char err[512];
    for (size_t i = 0; i < b->n; i++) {
        if (write_file(b->ch, &b->a[i], err, sizeof err) < 0) return settle(b, i, b->n, err, 0);
        settle(b, i, i + 1, NULL, 0);
    }
}

/* A webhook request for alerts [from, to) of a batch, which it keeps alive. */
struct post {
    struct batch *b;
    size_t from, to;
    int *open; /* requests of the batch not over yet; the last one frees it */
};

static void posted(void *user, int rc, struct ctl_http_response *r, const char *err)
{
    struct post *p = user;
    settle(p->b, p->from, p->to, rc == 0 ? NULL : err, r ? r->retry_after : -1);
    ctl_http_response_free(r);
    if (--*p->open == 0) {
        free(p->open);
        batch_free(p->b);
    }
    free(p);
}

static void to_webhook(struct batch *b)
{
    int json = !strcmp(b->ch->format, "json");
    size_t n = json ? 1 : b->n;
    int *open = malloc(sizeof *open);
    if (!open) return settle(b, 0, b->n, "out of memory", 0), batch_free(b);
    *open = (int)n;
    for (size_t i = 0; i < n; i++) {
        struct post *p = malloc(sizeof *p);
        size_t from = json ? 0 : i, to = json ? b->n : i + 1;
        char *body = json                              ? ctl_alert_json_batch(b->a, b->n)
                     : !strcmp(b->ch->format, "slack") ? ctl_alert_slack(&b->a[i])
                                                       : ctl_alert_teams(&b->a[i]);
        if (!p || !body ||
            ctl_http_post_start(b->nt->http, b->ch->target, "application/json", body, strlen(body),
                                &b->ch->pace, posted, p) < 0) {
            settle(b, from, to, "out of memory", 0);
            free(p);
            if (--*open == 0) free(open), batch_free(b);
        } else {
            *p = (struct post){.b = b, .from = from, .to = to, .open = open};
        }
        free(body);
    }
}

struct upload {
    const char *s;
    size_t left;
};

static size_t read_mail(char *buf, size_t size, size_t n, void *user)
{
    struct upload *u = user;
    size_t k = size * n < u->left ? size * n : u->left;
    memcpy(buf, u->s, k);
    u->s += k, u->left -= k;
    return k;
}

/* Sends one message of the batch's alerts through the channel's mail server. */
static void to_mail(struct batch *b)
{
    const struct chan *c = b->ch;
    char date[64], msgid[128], err[700], errbuf[CURL_ERROR_SIZE] = "";
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    snprintf(msgid, sizeof msgid, "ctlite.%lld.%zu.%lld%s", b->a[0].id, b->n, (long long)now,
             strchr(c->from, '@'));
    char *msg = ctl_alert_mail(b->a, b->n, c->from, c->to, date, msgid);
    CURL *curl = curl_easy_init();
    struct curl_slist *rcpt = NULL;
    char *to = strdup(c->to), *save = NULL, url[2048], line[300];
    int starttls = !strncmp(c->target, "smtp+starttls://", 16);
    snprintf(url, sizeof url, "smtp://%s", c->target + (starttls ? 16 : 0));
    if (!starttls) snprintf(url, sizeof url, "%s", c->target);
    CURLcode rc = CURLE_OUT_OF_MEMORY;
    if (msg && curl && to) {
        for (char *t = strtok_r(to, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            snprintf(line, sizeof line, "<%s>", t);
            rcpt = curl_slist_append(rcpt, line);
        }
        snprintf(line, sizeof line, "<%s>", c->from);
        struct upload u = {msg, strlen(msg)};
        const char *ca = getenv("CTLITE_SMTP_CA_FILE");
        curl_easy_setopt(curl, CURLOPT_URL, url);
        curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
        curl_easy_setopt(curl, CURLOPT_MAIL_FROM, line);
        curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
        curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_mail);
        curl_easy_setopt(curl, CURLOPT_READDATA, &u);
        curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)u.left);
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
        curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
        curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
        if (starttls) curl_easy_setopt(curl, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
        if (ca) curl_easy_setopt(curl, CURLOPT_CAINFO, ca);
        if (c->user) {
            curl_easy_setopt(curl, CURLOPT_USERNAME, c->user);
            curl_easy_setopt(curl, CURLOPT_PASSWORD, c->password ? c->password : "");
        }
        rc = curl_easy_perform(curl);
    }
    long code = 0;
    if (curl) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
    if (rc == CURLE_OK) {
        settle(b, 0, b->n, NULL, 0);
    } else {
        snprintf(err, sizeof err, "mail to %.300s: %.300s (last reply %ld)", url,
                 *errbuf ? errbuf : curl_easy_strerror(rc), code);
        settle(b, 0, b->n, err, 0);
    }
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(curl);
    free(to), free(msg);
}

int ctl_notify_run(ctl_notify *nt, struct ctl_notify_pass *pass,
                   void (*report)(void *user, const char *line), void *user, char *err,
                   size_t errsz)
{
    memset(pass, 0, sizeof *pass);
    nt->pass = pass, nt->report = report, nt->user = user;
    sqlite3_stmt *st;
    /* Every channel gets a delivery row for each alert raised since its cursor. */
    static const char *const queue[2] = {
        "INSERT INTO delivery(channel_id, alert_id) SELECT ?1, id FROM alert_log "
        "WHERE id > (SELECT cursor FROM channel WHERE id = ?1) AND acknowledged_at IS NULL "
        "ON CONFLICT DO NOTHING",
        "UPDATE channel SET cursor = (SELECT coalesce(max(id), 0) FROM alert_log) WHERE id = ?1",
    };
    int rc = sqlite3_exec(nt->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    for (int q = 0; q < 2 && rc == SQLITE_OK; q++) {
        rc = sqlite3_prepare_v2(nt->db, queue[q], -1, &st, NULL);
        for (size_t i = 0; rc == SQLITE_OK && i < nt->n; i++) {
            sqlite3_bind_int64(st, 1, nt->ch[i].id);
            rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(nt->db);
            sqlite3_reset(st);
        }
        sqlite3_finalize(st);
    }
    if (rc == SQLITE_OK) rc = sqlite3_exec(nt->db, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errsz, "%s", sqlite3_errmsg(nt->db));
        sqlite3_exec(nt->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    /* Batches until every channel has had all that is due: a delivery that fails is due again
     * only later, so this ends. */
    for (int more = 1; more;) {
        more = 0;
        for (size_t i = 0; i < nt->n; i++) {
            struct batch *b = due(nt, &nt->ch[i], &rc);
            if (!b) return snprintf(err, errsz, "%s", sqlite3_errmsg(nt->db)), -1;
            more |= b->n == BATCH;
            if (!b->n) {
                batch_free(b);
                continue;
            }
            switch (nt->ch[i].kind) {
            case STDOUT:
                to_stdout(b), batch_free(b);
                break;
            case JSON_DIR:
                to_files(b), batch_free(b);
                break;
            case SMTP:
                to_mail(b), batch_free(b);
                break;
            case WEBHOOK:
                to_webhook(b);
                break; /* freed when its requests are over */
            }
        }
        while (ctl_http_run(nt->http, 1000) > 0) {
        }
    }
    /* An alert every channel has had is delivered. */
    if (sqlite3_exec(nt->db,
                     "UPDATE alert_log SET delivered_at = unixepoch() WHERE delivered_at IS NULL "
                     "AND id IN (SELECT alert_id FROM delivery WHERE delivered_at IS NOT NULL) "
                     "AND NOT EXISTS (SELECT 1 FROM delivery d WHERE d.alert_id = alert_log.id "
                     "AND d.delivered_at IS NULL)",
                     NULL, NULL, NULL) != SQLITE_OK)
        return snprintf(err, errsz, "%s", sqlite3_errmsg(nt->db)), -1;
    return 0;
}
