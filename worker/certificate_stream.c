/* ctlite-worker certificate-stream: certificate.stream's GET /domains/list into name_sighting.
 * The API sends names without their certificates, so they are sightings (source
 * 'certificate.stream'), stored once per log entry and name: an hour read twice, or an answer
 * that overlaps the previous one, stores nothing twice. A token comes from the OAuth2 client
 * credentials grant and is fetched again when the API answers 401 or 403 (an expired token). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "certificate_stream.h"
#include "certificate_stream_page.h"
#include "commands.h"
#include "db.h"
#include "http.h"
#include "ingest.h"
#include "utc.h"

static const char usage[] =
    "usage: ctlite-worker certificate-stream DB (--hour YYYY-MM-DD-HH|previous | --follow)\n"
    "                                       [options]\n"
    "\n"
    "Reads the domain names certificate.stream (villain.network) extracts from the CT logs\n"
    "into name_sighting (source 'certificate.stream'), which the look-alike rules read: names\n"
    "come without their certificates. Each name is stored once per log entry, so reading an\n"
    "hour again stores nothing twice.\n"
    "\n"
    "  --hour H          one hour's batch, H in UTC (previous: the hour before this one), paged\n"
    "                    with offset until the API's count is reached; any past hour can be\n"
    "                    read again\n"
    "  --follow          real time: each request asks for what came after the newest id stored\n"
    "                    (start_from_id, kept in the table certificate_stream_position, so a\n"
    "                    restart resumes there); SIGINT or SIGTERM stops it after committing\n"
    "  --url URL         the API (default " CTL_CERTIFICATE_STREAM_URL ")\n"
    "  --token-url URL   the token endpoint (default " CTL_CERTIFICATE_STREAM_TOKEN_URL ")\n"
    "  --page N          domains per request, 1 to 3000 (default 1000)\n"
    "  --log-operator O  only the logs of operator O\n"
    "  --interval S      --follow: seconds between requests that bring nothing new (default 1)\n"
    "  --limit N         --follow: stop after N records\n"
    "\n"
    "The credentials come from the environment: CLIENT_ID and CLIENT_SECRET. A token is asked\n"
    "for with the client credentials grant, and again when the API answers 401 or 403.\n"
    "Requests follow the network settings of the environment (CTLITE_HTTP_TIMEOUT, ...).\n";

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

/* A request of GET /domains/list on its way. The HTTP client's callback holds its address, so
 * it stays in the reader (two: the next page of an hour is fetched while one is stored). */
struct fetch {
    char *url; /* NULL when no request is on its way */
    int done, rc;
    struct ctl_http_response res;
    char err[1024];
};

struct reader {
    const struct ctl_certificate_stream_options *o;
    volatile sig_atomic_t *stop;
    atomic_int *stored;
    sqlite3 *db;
    ctl_ingest *g;
    ctl_http *http;
    char *auth; /* "Authorization: Bearer ..." or NULL until a token is had */
    double token_until;
    struct fetch fetches[2];
    char position[128]; /* following: the newest id stored, or "" */
    /* counts */
    long requests, records, names, fresh, not_host, unreadable;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int ctl_certificate_stream_hour_valid(const char *hour)
{
    char text[32];
    int64_t t;
    if (strlen(hour) != 13 || hour[10] != '-') return 0;
    snprintf(text, sizeof text, "%.10sT%.2s:00:00Z", hour, hour + 11);
    return ctl_utc_parse_rfc3339(text, &t) == 0;
}

/* s percent-encoded for a query or a form (RFC 3986 unreserved characters kept). */
static void append_encoded(sqlite3_str *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~", *p))
            sqlite3_str_appendchar(out, 1, (char)*p);
        else
            sqlite3_str_appendf(out, "%%%02X", *p);
}

/* A token from the client credentials grant into r->auth. 0, or -1 with err. */
static int fetch_token(struct reader *r, char *err, size_t errsz)
{
    const struct ctl_certificate_stream_options *o = r->o;
    const char *url = o->token_url ? o->token_url : CTL_CERTIFICATE_STREAM_TOKEN_URL;
    sqlite3_str *form = sqlite3_str_new(NULL);
    sqlite3_str_appendall(form, "grant_type=client_credentials&client_id=");
    append_encoded(form, o->client_id);
    sqlite3_str_appendall(form, "&client_secret=");
    append_encoded(form, o->client_secret);
    char *body = sqlite3_str_finish(form);
    if (!body) return snprintf(err, errsz, "out of memory"), -1;
    const char *headers[] = {"Content-Type: application/x-www-form-urlencoded",
                             "Accept: application/json", NULL};
    struct ctl_http_response res;
    int rc =
        ctl_http_request(r->http,
                         &(struct ctl_http_request){
                             .url = url, .headers = headers, .body = body, .len = strlen(body)},
                         &res, err, errsz);
    sqlite3_free(body);
    r->requests++;
    if (rc < 0) return -1;
    json_t *doc = json_loadb(res.body, res.len, 0, NULL);
    const char *token = json_string_value(json_object_get(doc, "access_token"));
    json_t *expires = json_object_get(doc, "expires_in");
    int ok = token && *token;
    /* The token goes into a header line: a byte outside printable ASCII would end it. */
    for (const char *p = token; ok && *p; p++) ok = *p > 32 && *p < 127;
    if (ok) {
        free(r->auth);
        size_t n = strlen(token) + sizeof "Authorization: Bearer ";
        if ((r->auth = malloc(n))) snprintf(r->auth, n, "Authorization: Bearer %s", token);
        /* Renewed a little early; without expires_in, only when refused. */
        r->token_until = json_is_number(expires) ? now() + json_number_value(expires) - 30 : 1e300;
    } else
        snprintf(err, errsz, "POST %s: the answer holds no usable access_token", url);
    json_decref(doc);
    ctl_http_response_free(&res);
    if (ok && !r->auth) return snprintf(err, errsz, "out of memory"), -1;
    return ok ? 0 : -1;
}

static void fetch_done(void *user, int rc, struct ctl_http_response *res, const char *err)
{
    struct fetch *f = user;
    f->done = 1, f->rc = rc, f->res = *res;
    if (rc) snprintf(f->err, sizeof f->err, "%s", err);
}

/* (Re)sends f's request, with a token fetched first if none is had or it is due. 0, or -1 with
 * err. */
static int fetch_send(struct reader *r, struct fetch *f, char *err, size_t errsz)
{
    if ((!r->auth || now() >= r->token_until) && fetch_token(r, err, errsz) < 0) return -1;
    const char *headers[] = {"Accept: application/json", r->auth, NULL};
    f->done = 0;
    if (ctl_http_request_start(r->http,
                               &(struct ctl_http_request){.url = f->url, .headers = headers}, NULL,
                               fetch_done, f) < 0)
        return snprintf(err, errsz, "out of memory"), -1;
    r->requests++;
    /* On its way now, not at the next wait: the server works while the caller stores. */
    ctl_http_run(r->http, 0);
    return 0;
}

/* Starts GET /domains/list?query (and log_operator). 0, or -1 with err. */
static int fetch_start(struct reader *r, struct fetch *f, const char *query, char *err,
                       size_t errsz)
{
    const struct ctl_certificate_stream_options *o = r->o;
    sqlite3_str *u = sqlite3_str_new(NULL);
    sqlite3_str_appendf(u, "%s/domains/list?%s", o->url ? o->url : CTL_CERTIFICATE_STREAM_URL,
                        query);
    if (o->log_operator) {
        sqlite3_str_appendall(u, "&log_operator=");
        append_encoded(u, o->log_operator);
    }
    *f = (struct fetch){.url = sqlite3_str_finish(u)};
    if (!f->url) return snprintf(err, errsz, "out of memory"), -1;
    if (fetch_send(r, f, err, errsz) == 0) return 0;
    sqlite3_free(f->url), f->url = NULL;
    return -1;
}

/* Waits for f and reads its answer into *page. A token refused (401, 403) is fetched again
 * once; an answer that cannot be read is asked for once more. 0, or -1 with err, also when
 * *r->stop is set meanwhile (the request is then left to ctl_http_free). */
static int fetch_wait(struct reader *r, struct fetch *f, struct ctl_csp_page *page, char *err,
                      size_t errsz)
{
    int rc = -1, renewed = 0, reread = 0;
    for (;;) {
        while (!f->done && !*r->stop) ctl_http_run(r->http, 200);
        if (!f->done) return snprintf(err, errsz, "stopped"), -1;
        if (f->rc < 0) {
            snprintf(err, errsz, "%s", f->err);
            if ((f->res.status != 401 && f->res.status != 403) || renewed++) break;
            free(r->auth), r->auth = NULL;
        } else {
            char why[300], shown[300];
            rc = ctl_csp_parse(f->res.body, f->res.len, page, why, sizeof why);
            ctl_http_response_free(&f->res);
            if (rc == 0) break;
            ctl_http_printable(shown, sizeof shown, f->url, strlen(f->url));
            snprintf(err, errsz, "GET %s: the answer cannot be read: %s", shown, why);
            if (reread++) break;
        }
        if (fetch_send(r, f, err, errsz) < 0) break;
    }
    sqlite3_free(f->url), f->url = NULL;
    return rc;
}

/* Frees what is left of f once the HTTP client is gone (every request over or cancelled). */
static void fetch_clear(struct fetch *f)
{
    if (f->done && f->rc == 0) ctl_http_response_free(&f->res);
    sqlite3_free(f->url), f->url = NULL;
}

static int list(struct reader *r, const char *query, struct ctl_csp_page *page, char *err,
                size_t errsz)
{
    struct fetch *f = &r->fetches[0];
    return fetch_start(r, f, query, err, errsz) < 0 ? -1 : fetch_wait(r, f, page, err, errsz);
}

/* The page's records as sightings, and the position after them, in one transaction. 0, or -1
 * with err on a database error. */
static int store(struct reader *r, const struct ctl_csp_page *page, char *err, size_t errsz)
{
    if (sqlite3_exec(r->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return snprintf(err, errsz, "%s", sqlite3_errmsg(r->db)), -1;
    long fresh = 0;
    for (size_t i = 0; i < page->n; i++) {
        const struct ctl_csp_record *rec = &page->records[i];
        char shown[200], why[300];
        r->records++;
        if (rec->error) {
            ctl_http_printable(shown, sizeof shown, rec->id ? rec->id : "?",
                               rec->id ? strlen(rec->id) : 1);
            fprintf(stderr, "ctlite-worker certificate-stream: record %s skipped: %s\n", shown,
                    rec->error);
            r->unreadable++;
            continue;
        }
        struct ctl_sighting where = {"certificate.stream", rec->log, rec->log_index, rec->precert,
                                     rec->issued_at};
        sqlite3_int64 was = sqlite3_total_changes64(r->db);
        int rc = ctl_ingest_sighting(r->g, &where, rec->name, why, sizeof why);
        if (rc < 0) {
            snprintf(err, errsz, "%s", why);
            sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
            return -1;
        }
        if (rc == 0) {
            ctl_http_printable(shown, sizeof shown, rec->name, strlen(rec->name));
            if (!r->not_host++)
                fprintf(stderr,
                        "ctlite-worker certificate-stream: a name skipped, %s: \"%s\" (more "
                        "are counted)\n",
                        why, shown);
            continue;
        }
        r->names++;
        fresh += sqlite3_total_changes64(r->db) > was;
    }
    /* The newest record that has an id: the answer is in ascending order. */
    const char *last = NULL;
    for (size_t i = page->n; i-- > 0 && !last;) last = page->records[i].id;
    int rc = SQLITE_OK;
    if (!r->o->hour && last && strlen(last) < sizeof r->position) {
        sqlite3_stmt *st;
        rc = sqlite3_prepare_v2(r->db,
                                "INSERT INTO certificate_stream_position(api, start_from_id) "
                                "VALUES (?1, ?2) ON CONFLICT (api) DO UPDATE SET "
                                "start_from_id = excluded.start_from_id, updated_at = unixepoch()",
                                -1, &st, NULL);
        if (rc == SQLITE_OK) {
            sqlite3_bind_text(st, 1, r->o->url ? r->o->url : CTL_CERTIFICATE_STREAM_URL, -1,
                              SQLITE_STATIC);
            sqlite3_bind_text(st, 2, last, -1, SQLITE_STATIC);
            rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(r->db);
            sqlite3_finalize(st);
        }
    }
    if (rc != SQLITE_OK || sqlite3_exec(r->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        snprintf(err, errsz, "%s", sqlite3_errmsg(r->db));
        sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    if (!r->o->hour && last && strlen(last) < sizeof r->position)
        snprintf(r->position, sizeof r->position, "%s", last);
    r->fresh += fresh;
    if (fresh && r->stored) atomic_store(r->stored, 1);
    return 0;
}

/* The API pages an hour by offset, up to this one. */
enum { MAX_OFFSET = 1000000 };

/* Starts the request of the hour's page at offset. */
static int hour_page(struct reader *r, struct fetch *f, long page_size, long long offset, char *err,
                     size_t errsz)
{
    char query[128];
    snprintf(query, sizeof query, "limit=%ld&offset=%lld&date_and_hour=%s", page_size, offset,
             r->o->hour);
    return fetch_start(r, f, query, err, errsz);
}

/* Reads the hour page by page, each next page on its way while one is stored. */
static int read_hour(struct reader *r, long page_size, char *err, size_t errsz)
{
    long long offset = 0, count = 0;
    struct fetch *f = r->fetches;
    int cur = 0;
    if (hour_page(r, &f[cur], page_size, 0, err, errsz) < 0) return -1;
    for (;; cur = !cur) {
        struct ctl_csp_page page;
        if (fetch_wait(r, &f[cur], &page, err, errsz) < 0) return -1;
        count = page.count;
        offset += (long long)page.n;
        size_t n = page.n;
        int more = offset < count && n && offset <= MAX_OFFSET && !*r->stop;
        int rc = more ? hour_page(r, &f[!cur], page_size, offset, err, errsz) : 0;
        if (rc == 0) rc = store(r, &page, err, errsz);
        ctl_csp_page_clear(&page);
        if (rc < 0) return -1;
        if (more) continue;
        if (offset >= count) return 0;
        if (!n)
            return snprintf(err, errsz,
                            "the answer at offset %lld is empty, but the hour's count is %lld",
                            offset, count),
                   -1;
        if (offset > MAX_OFFSET)
            return snprintf(err, errsz,
                            "the hour holds %lld domains, and the API pages only to offset %d: "
                            "the last %lld cannot be read this way",
                            count, MAX_OFFSET, count - offset),
                   -1;
        return snprintf(err, errsz, "stopped at offset %lld of %lld", offset, count), -1;
    }
}

/* Sleeps s seconds, or less when *stop is set. */
static void nap(volatile sig_atomic_t *stop, double s)
{
    for (double until = now() + s; !*stop && now() < until;) {
        double left = until - now();
        struct timespec ts = {0, (long)((left < 0.2 ? left : 0.2) * 1e9)};
        nanosleep(&ts, NULL);
    }
}

/* Follows the API until *r->stop is set or the limit is reached. 0, or -1 after a database
 * error (said); failed requests are said and tried again. */
static int follow(struct reader *r, long page_size)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(r->db,
                           "SELECT start_from_id FROM certificate_stream_position WHERE api = ?1",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, r->o->url ? r->o->url : CTL_CERTIFICATE_STREAM_URL, -1,
                          SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            snprintf(r->position, sizeof r->position, "%s", sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
    }
    double interval = r->o->interval > 0 ? r->o->interval : 1, wait = interval;
    while (!*r->stop && !(r->o->limit && r->records >= r->o->limit)) {
        sqlite3_str *q = sqlite3_str_new(NULL);
        sqlite3_str_appendf(q, "limit=%ld", page_size);
        if (*r->position) {
            sqlite3_str_appendall(q, "&start_from_id=");
            append_encoded(q, r->position);
        }
        char *query = sqlite3_str_finish(q), err[1024] = "out of memory";
        struct ctl_csp_page page;
        int got = query ? list(r, query, &page, err, sizeof err) : -1;
        sqlite3_free(query);
        if (got < 0) {
            if (*r->stop) break;
            fprintf(stderr, "ctlite-worker certificate-stream: %s; again in %.0f s\n", err, wait);
            nap(r->stop, wait);
            wait = wait * 2 > 60 ? 60 : wait * 2;
            continue;
        }
        wait = interval;
        int rc = store(r, &page, err, sizeof err);
        int full = page.n >= (size_t)page_size;
        ctl_csp_page_clear(&page);
        if (rc < 0) return fprintf(stderr, "ctlite-worker certificate-stream: %s\n", err), -1;
        if (!full) nap(r->stop, interval);
    }
    return 0;
}

int ctl_certificate_stream_read(const char *db_path, const struct ctl_certificate_stream_options *o,
                                volatile sig_atomic_t *stop, atomic_int *stored, FILE *out)
{
    struct reader r = {.o = o, .stop = stop, .stored = stored};
    struct ctl_http_config config;
    char err[1024];
    long page_size = o->page ? o->page : 1000;
    ctl_http_config_init(&config);
    /* The pages of an hour go back to back: the API says 429 when it wants fewer. */
    config.min_interval_ms = 0;
    if (ctl_http_config_env(&config, err, sizeof err) < 0)
        return fprintf(stderr, "ctlite-worker certificate-stream: %s\n", err), 1;
    if (!(r.db = ctl_db_open(db_path, NULL, NULL, err, sizeof err)))
        return fprintf(stderr, "ctlite-worker: %s\n", err), 1;
    int status = 1;
    if (!(r.g = ctl_ingest_new(r.db, err, sizeof err)) || !(r.http = ctl_http_new(&config))) {
        fprintf(stderr, "ctlite-worker certificate-stream: %s\n", r.g ? "out of memory" : err);
        goto done;
    }
    if (o->hour) {
        if (read_hour(&r, page_size, err, sizeof err) == 0)
            status = 0;
        else
            fprintf(stderr, "ctlite-worker certificate-stream: %s: %s\n", o->hour, err);
    } else if (follow(&r, page_size) == 0)
        status = 0;
    fprintf(out,
            "certificate-stream: %s: %ld records in %ld requests; %ld names stored, %ld new; %ld "
            "not host names, %ld unreadable records\n",
            o->hour ? o->hour : "following", r.records, r.requests, r.names, r.fresh, r.not_host,
            r.unreadable);
done:
    free(r.auth);
    ctl_http_free(r.http);
    fetch_clear(&r.fetches[0]), fetch_clear(&r.fetches[1]);
    ctl_ingest_free(r.g);
    sqlite3_close(r.db);
    return status;
}

int cmd_certificate_stream(int argc, char **argv)
{
    if (argc >= 2 && is_help(argv[1])) return fputs(usage, stdout), 0;
    if (argc < 2 || argv[1][0] == '-') return fputs(usage, stderr), 2;
    struct ctl_certificate_stream_options o = {0};
    int follow_flag = 0;
    char previous[16];
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--follow")) {
            follow_flag = 1;
            continue;
        }
        const char *v = i + 1 < argc ? argv[++i] : NULL;
        char *end = NULL;
        double n = v ? strtod(v, &end) : 0;
        int number = v && end != v && !*end && n > 0;
        if (!strcmp(a, "--hour") && v)
            o.hour = v;
        else if (!strcmp(a, "--url") && v)
            o.url = v;
        else if (!strcmp(a, "--token-url") && v)
            o.token_url = v;
        else if (!strcmp(a, "--log-operator") && v)
            o.log_operator = v;
        else if (!strcmp(a, "--page") && number && n <= 3000 && n == (long)n)
            o.page = (long)n;
        else if (!strcmp(a, "--interval") && number)
            o.interval = n;
        else if (!strcmp(a, "--limit") && number && n == (long)n)
            o.limit = (long)n;
        else
            return fprintf(stderr, "ctlite-worker certificate-stream: unexpected '%s'%s%s\n%s", a,
                           v ? " " : "", v ? v : "", usage),
                   2;
    }
    if (!o.hour == !follow_flag)
        return fprintf(stderr, "ctlite-worker certificate-stream: --hour or --follow is needed, "
                               "not both\n"),
               2;
    if (o.hour && !strcmp(o.hour, "previous")) {
        time_t t = time(NULL) - 3600;
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(previous, sizeof previous, "%Y-%m-%d-%H", &tm);
        o.hour = previous;
    }
    if (o.hour && !ctl_certificate_stream_hour_valid(o.hour))
        return fprintf(stderr,
                       "ctlite-worker certificate-stream: --hour %s: not YYYY-MM-DD-HH (UTC)\n",
                       o.hour),
               2;
    o.client_id = getenv("CLIENT_ID"), o.client_secret = getenv("CLIENT_SECRET");
    if (!o.client_id || !*o.client_id || !o.client_secret || !*o.client_secret)
        return fprintf(stderr, "ctlite-worker certificate-stream: CLIENT_ID and CLIENT_SECRET "
                               "must be set in the environment\n"),
               2;
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    return ctl_certificate_stream_read(argv[1], &o, &interrupted, NULL, stdout);
}
