#include <curl/curl.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http.h"

const char *const ctl_http_setting_names[] = {
    "timeout",  "max_attempts", "min_interval", "backoff",
    "max_wait", "max_body",     "user_agent",   NULL,
};

void ctl_http_config_init(struct ctl_http_config *c)
{
    memset(c, 0, sizeof *c);
    c->timeout_ms = 60000; /* crt.sh gives up on a query after 30 s of database time */
    c->max_attempts = 4;
    c->min_interval_ms = 1000; /* crt.sh publishes no limit and asks for restraint */
    c->backoff_ms = 1000;
    c->max_wait_ms = 120000;
    c->max_body = (size_t)256 << 20;
    snprintf(c->user_agent, sizeof c->user_agent, "ctlite/%s", CTLITE_VERSION);
}

int ctl_http_config_env(struct ctl_http_config *c, char *err, size_t errsz)
{
    int rc = 0;
    for (const char *const *name = ctl_http_setting_names; *name; name++) {
        char var[64];
        size_t k = (size_t)snprintf(var, sizeof var, "CTLITE_HTTP_");
        for (const char *p = *name; *p && k + 1 < sizeof var; p++)
            var[k++] = (char)toupper((unsigned char)*p);
        var[k] = 0;
        const char *v = getenv(var);
        char why[200];
        if (v && ctl_http_set(c, *name, v, why, sizeof why) < 0 && !rc) {
            snprintf(err, errsz, "%s: %s", var, why);
            rc = -1; /* the others still apply */
        }
    }
    return rc;
}

/* Seconds as a decimal number into milliseconds, within [lo, hi]. */
static int parse_seconds(const char *v, double lo, double hi, long *ms)
{
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (errno || end == v || *end || !isfinite(d) || d < lo || d > hi) return -1;
    *ms = lround(d * 1000);
    return 0;
}

static int parse_count(const char *v, long long lo, long long hi, long long *n)
{
    char *end;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    if (errno || end == v || *end || x < lo || x > hi) return -1;
    *n = x;
    return 0;
}

int ctl_http_set(struct ctl_http_config *c, const char *name, const char *value, char *err,
                 size_t errsz)
{
    long ms;
    long long n;
    const char *want = NULL;
    if (!strcmp(name, "timeout")) {
        if (parse_seconds(value, 0.001, 86400, &ms) == 0) return c->timeout_ms = ms, 0;
        want = "seconds, more than 0 and at most 86400";
    } else if (!strcmp(name, "min_interval")) {
        if (parse_seconds(value, 0, 3600, &ms) == 0) return c->min_interval_ms = ms, 0;
        want = "seconds, from 0 to 3600";
    } else if (!strcmp(name, "backoff")) {
        if (parse_seconds(value, 0, 3600, &ms) == 0) return c->backoff_ms = ms, 0;
        want = "seconds, from 0 to 3600";
    } else if (!strcmp(name, "max_wait")) {
        if (parse_seconds(value, 0, 86400, &ms) == 0) return c->max_wait_ms = ms, 0;
        want = "seconds, from 0 to 86400";
    } else if (!strcmp(name, "max_attempts")) {
        if (parse_count(value, 1, 100, &n) == 0) return c->max_attempts = (int)n, 0;
        want = "a whole number from 1 to 100";
    } else if (!strcmp(name, "max_body")) {
        if (parse_count(value, 1024, (long long)1 << 40, &n) == 0)
            return c->max_body = (size_t)n, 0;
        want = "bytes, from 1024";
    } else if (!strcmp(name, "user_agent")) {
        size_t len = strlen(value);
        int ok = len > 0 && len < sizeof c->user_agent;
        for (size_t i = 0; ok && i < len; i++) ok = value[i] >= 0x20 && value[i] < 0x7f;
        if (ok) return memcpy(c->user_agent, value, len + 1), 0;
        want = "printable ASCII, 1 to 127 characters";
    } else {
        snprintf(err, errsz,
                 "unknown HTTP setting '%.40s' (known: timeout, max_attempts, min_interval, "
                 "backoff, max_wait, max_body, user_agent)",
                 name);
        return -1;
    }
    snprintf(err, errsz, "HTTP setting %s: '%.40s' is not %s", name, value, want);
    return -1;
}

int ctl_http_get_setting(const struct ctl_http_config *c, const char *name, char *out, size_t outsz)
{
    if (!strcmp(name, "timeout")) return snprintf(out, outsz, "%g", c->timeout_ms / 1000.0), 0;
    if (!strcmp(name, "min_interval"))
        return snprintf(out, outsz, "%g", c->min_interval_ms / 1000.0), 0;
    if (!strcmp(name, "backoff")) return snprintf(out, outsz, "%g", c->backoff_ms / 1000.0), 0;
    if (!strcmp(name, "max_wait")) return snprintf(out, outsz, "%g", c->max_wait_ms / 1000.0), 0;
    if (!strcmp(name, "max_attempts")) return snprintf(out, outsz, "%d", c->max_attempts), 0;
    if (!strcmp(name, "max_body")) return snprintf(out, outsz, "%zu", c->max_body), 0;
    if (!strcmp(name, "user_agent")) return snprintf(out, outsz, "%s", c->user_agent), 0;
    return -1;
}

struct sink {
    char *buf;
    size_t len, cap, max;
    int too_big;
};

/* A request: waiting for its start (or its next attempt), or running in the multi handle. */
struct req {
    ctl_http *h;
    CURL *curl; /* while running */
    char *url;
    char *post; /* the body of a POST, or NULL for a GET */
    size_t post_len;
    struct curl_slist *headers;
    struct ctl_http_pace *pace;
    struct sink *body;
    char curl_err[CURL_ERROR_SIZE];
    int attempt;
    double start_at; /* no attempt before, on the monotonic clock */
    ctl_http_done *done;
    void *user;
    struct req *next; /* in the client's waiting or running list */
};

enum { POOL = 16 };

struct ctl_http {
    struct ctl_http_config config;
    CURLM *multi;
    CURL *pool[POOL]; /* easy handles kept for reuse */
    int pooled;
    struct req *waiting, *running;
    struct ctl_http_pace pace; /* for requests started without one */
    uint64_t rng;              /* for the jitter of backoffs */
};

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

ctl_http *ctl_http_new(const struct ctl_http_config *c)
{
    /* Thread-safe since libcurl 7.84, and counted: every client may call it. */
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) return NULL;
    ctl_http *h = calloc(1, sizeof *h);
    if (!h || !(h->multi = curl_multi_init())) {
        free(h);
        curl_global_cleanup();
        return NULL;
    }
    h->config = *c;
    h->rng = (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)h ^ UINT64_C(0x9E3779B97F4A7C15);
    return h;
}

/* Takes r's easy handle out of the multi handle, back to the pool. */
static void req_stop(struct req *r)
{
    if (!r->curl) return;
    curl_multi_remove_handle(r->h->multi, r->curl);
    if (r->h->pooled < POOL)
        r->h->pool[r->h->pooled++] = r->curl;
    else
        curl_easy_cleanup(r->curl);
    r->curl = NULL;
}

static void req_free(struct req *r)
{
    req_stop(r);
    if (r->body) free(r->body->buf);
    free(r->body);
    curl_slist_free_all(r->headers);
    free(r->url);
    free(r->post);
    free(r);
}

void ctl_http_free(ctl_http *h)
{
    if (!h) return;
    /* Every request's done is called once: those not over are cancelled. */
    struct ctl_http_response none = {0};
    for (struct req *r; (r = h->waiting) || (r = h->running);) {
        if (r == h->waiting)
            h->waiting = r->next;
        else
            h->running = r->next;
        r->done(r->user, -1, &none, "cancelled");
        req_free(r);
    }
    for (int i = 0; i < h->pooled; i++) curl_easy_cleanup(h->pool[i]);
    curl_multi_cleanup(h->multi);
    free(h);
    curl_global_cleanup();
}

struct ctl_http_config *ctl_http_config(ctl_http *h)
{
    return &h->config;
}

void ctl_http_response_free(struct ctl_http_response *r)
{
    free(r->body);
    memset(r, 0, sizeof *r);
}

/* A factor in [0.5, 1.5), so that clients that failed together do not retry together. */
static double jitter(ctl_http *h)
{
    h->rng ^= h->rng << 13, h->rng ^= h->rng >> 7, h->rng ^= h->rng << 17;
    return 0.5 + (double)(h->rng >> 11) / 9007199254740992.0;
}

static size_t on_body(char *data, size_t size, size_t n, void *user)
{
    struct sink *s = user;
    size_t k = size * n;
    if (s->len + k > s->max) {
        s->too_big = 1;
        return 0; /* makes libcurl stop with CURLE_WRITE_ERROR */
    }
    if (s->len + k + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 65536;
        while (cap < s->len + k + 1) cap *= 2;
        char *t = realloc(s->buf, cap);
        if (!t) return 0;
        s->buf = t, s->cap = cap;
    }
    memcpy(s->buf + s->len, data, k);
    s->len += k;
    s->buf[s->len] = 0;
    return k;
}

void ctl_http_printable(char *out, size_t outsz, const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < outsz; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f)
            out[k++] = (char)c;
        else if (k && out[k - 1] != ' ')
            out[k++] = ' ';
    }
    while (k && out[k - 1] == ' ') k--;
    out[k] = 0;
}

void ctl_http_summary(char *out, size_t outsz, const char *body, size_t len)
{
    const char *t = body ? strstr(body, "<title>") : NULL;
    const char *e = t ? strstr(t, "</title>") : NULL;
    if (t && e)
        ctl_http_printable(out, outsz, t + 7, (size_t)(e - t - 7));
    else
        ctl_http_printable(out, outsz, body ? body : "", len < 120 ? len : 120);
    if (!*out) snprintf(out, outsz, "(empty body)");
}

/* Seconds a Retry-After header asks for (a number or an HTTP date), or -1. */
static double retry_after(CURL *curl)
{
    struct curl_header *hdr;
    if (curl_easy_header(curl, "Retry-After", 0, CURLH_HEADER, -1, &hdr) != CURLHE_OK) return -1;
    char *end;
    double s = strtod(hdr->value, &end);
    if (end != hdr->value && *end == 0 && s >= 0) return s;
    time_t when = curl_getdate(hdr->value, NULL);
    return when < 0 ? -1 : difftime(when, time(NULL)) > 0 ? difftime(when, time(NULL)) : 0;
}

static int retryable(CURLcode rc)
{
    return rc != CURLE_UNSUPPORTED_PROTOCOL && rc != CURLE_URL_MALFORMAT &&
           rc != CURLE_WRITE_ERROR && rc != CURLE_FILESIZE_EXCEEDED && rc != CURLE_OUT_OF_MEMORY &&
           rc != CURLE_BAD_FUNCTION_ARGUMENT;
}

/* Last in the waiting list, so that requests start in the order they were made. */
static void req_queue(ctl_http *h, struct req *r)
{
    struct req **tail = &h->waiting;
    while (*tail) tail = &(*tail)->next;
    *tail = r;
}

int ctl_http_request_start(ctl_http *h, const struct ctl_http_request *rq,
                           struct ctl_http_pace *pace, ctl_http_done *done, void *user)
{
    struct req *r = calloc(1, sizeof *r);
    if (!r) return -1;
    *r = (struct req){.h = h, .pace = pace ? pace : &h->pace, .done = done, .user = user};
    if (!(r->url = strdup(rq->url))) return req_free(r), -1;
    for (const char *const *line = rq->headers; line && *line; line++) {
        struct curl_slist *more = curl_slist_append(r->headers, *line);
        if (!more) return req_free(r), -1;
        r->headers = more;
    }
    if (rq->body) {
        /* No "Expect: 100-continue": a webhook answers at once, and some refuse the header. */
        struct curl_slist *more = curl_slist_append(r->headers, "Expect:");
        if (!more) return req_free(r), -1;
        r->headers = more;
        if (!(r->post = malloc(rq->len ? rq->len : 1))) return req_free(r), -1;
        memcpy(r->post, rq->body, rq->len);
        r->post_len = rq->len;
    }
    req_queue(h, r);
    return 0;
}

int ctl_http_start(ctl_http *h, const char *url, const char *accept, struct ctl_http_pace *pace,
                   ctl_http_done *done, void *user)
{
    char line[160];
    snprintf(line, sizeof line, "Accept: %s", accept ? accept : "");
    const char *headers[] = {accept ? line : NULL, NULL};
    return ctl_http_request_start(h, &(struct ctl_http_request){.url = url, .headers = headers},
                                  pace, done, user);
}

int ctl_http_post_start(ctl_http *h, const char *url, const char *content_type, const char *body,
                        size_t len, struct ctl_http_pace *pace, ctl_http_done *done, void *user)
{
    char line[160];
    snprintf(line, sizeof line, "Content-Type: %s", content_type ? content_type : "");
    const char *headers[] = {content_type ? line : NULL, NULL};
    return ctl_http_request_start(
        h, &(struct ctl_http_request){.url = url, .headers = headers, .body = body, .len = len},
        pace, done, user);
}

/* Hands r to libcurl for its next attempt. */
static int req_begin(struct req *r, double t)
{
    ctl_http *h = r->h;
    const struct ctl_http_config *c = &h->config;
    CURL *curl = h->pooled ? h->pool[--h->pooled] : curl_easy_init();
    if (!curl || !(r->body = calloc(1, sizeof *r->body))) {
        if (curl) curl_easy_cleanup(curl);
        return -1;
    }
    r->curl = curl;
    r->attempt++;
    r->curl_err[0] = 0;
    r->body->max = c->max_body;
    curl_easy_reset(curl);
    curl_easy_setopt(curl, CURLOPT_URL, r->url);
    curl_easy_setopt(curl, CURLOPT_PRIVATE, r);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, c->timeout_ms);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, c->user_agent);
    curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)c->max_body);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, r->headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, r->body);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, r->curl_err);
    if (r->post) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, r->post);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->post_len);
        curl_easy_setopt(curl, CURLOPT_POSTREDIR, (long)CURL_REDIR_POST_ALL);
    }
    if (curl_multi_add_handle(h->multi, curl) != CURLM_OK) {
        r->curl = NULL;
        curl_easy_cleanup(curl);
        return -1;
    }
    long interval = r->pace == &h->pace ? c->min_interval_ms : r->pace->min_interval_ms;
    r->pace->next_start = t + (double)interval / 1000;
    r->next = h->running;
    h->running = r;
    return 0;
}

/* An attempt of r ended with rc: r is done (its callback called, r freed), or waits for its
 * next attempt. */
static void req_end(struct req *r, CURLcode rc)
{
    ctl_http *h = r->h;
    const struct ctl_http_config *c = &h->config;
    struct ctl_http_response out = {0};
    char shown[256], what[256], err[700];
    long status = 0;
    char *ct = NULL;
    curl_easy_getinfo(r->curl, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(r->curl, CURLINFO_CONTENT_TYPE, &ct);
    out.status = status;
    out.attempts = r->attempt;
    out.retry_after = -1;
    const char *method = r->post ? "POST" : "GET";
    snprintf(out.content_type, sizeof out.content_type, "%s", ct ? ct : "");
    ctl_http_printable(shown, sizeof shown, r->url, strlen(r->url));
    int again;
    double after = -1;
    if (rc == CURLE_OK && status >= 200 && status < 300) {
        out.body = r->body->buf ? r->body->buf : calloc(1, 1);
        out.len = r->body->len;
        r->body->buf = NULL;
        if (!out.body) {
            snprintf(err, sizeof err, "%s %s: out of memory", method, shown);
            r->done(r->user, -1, &out, err);
        } else {
            r->done(r->user, 0, &out, NULL);
        }
        return req_free(r);
    } else if (rc != CURLE_OK) {
        again = retryable(rc);
        if (r->body->too_big || rc == CURLE_FILESIZE_EXCEEDED)
            snprintf(what, sizeof what, "the body is larger than max_body (%zu bytes)",
                     c->max_body);
        else
            snprintf(what, sizeof what, "%s", *r->curl_err ? r->curl_err : curl_easy_strerror(rc));
    } else {
        char page[160];
        ctl_http_summary(page, sizeof page, r->body->buf, r->body->len);
        snprintf(what, sizeof what, "HTTP %ld (%s): %s", status, ct ? ct : "no content type", page);
        again = status == 429 || status >= 500;
        after = retry_after(r->curl);
        out.retry_after = after;
    }
    if (!again || r->attempt >= c->max_attempts) {
        if (r->attempt > 1)
            snprintf(err, sizeof err, "%s %s: %s (attempt %d of %d)", method, shown, what,
                     r->attempt, c->max_attempts);
        else
            snprintf(err, sizeof err, "%s %s: %s", method, shown, what);
        r->done(r->user, -1, &out, err);
        return req_free(r);
    }
    if (after * 1000 > (double)c->max_wait_ms) {
        snprintf(err, sizeof err,
                 "%s %s: %s; the server asks to retry after %.0f s, more than max_wait (%g s)",
                 method, shown, what, after, c->max_wait_ms / 1000.0);
        r->done(r->user, -1, &out, err);
        return req_free(r);
    }
    double backoff = ldexp((double)c->backoff_ms / 1000, r->attempt > 31 ? 30 : r->attempt - 1);
    backoff = fmin(backoff, (double)c->max_wait_ms / 1000) * jitter(h);
    r->start_at = now() + (after >= 0 ? after : backoff);
    /* A server that says it is overloaded gets a rest from every request of the pace. */
    if ((after >= 0 || status == 429) && r->pace->next_start < r->start_at)
        r->pace->next_start = r->start_at;
    req_stop(r);
    free(r->body->buf);
    free(r->body);
    r->body = NULL;
    r->next = h->waiting;
    h->waiting = r;
}

int ctl_http_run(ctl_http *h, long timeout_ms)
{
    double t = now(), wake = t + (double)timeout_ms / 1000;
    for (struct req **p = &h->waiting, *r; (r = *p);) {
        double at = fmax(r->start_at, r->pace->next_start);
        if (at > t) {
            wake = fmin(wake, at);
            p = &r->next;
            continue;
        }
        *p = r->next;
        if (req_begin(r, t) < 0) {
            struct ctl_http_response out = {.attempts = r->attempt};
            r->done(r->user, -1, &out, "GET: out of memory");
            req_free(r);
        }
    }
    int still = 0, ms = (int)fmax(0, ceil((wake - now()) * 1000));
    curl_multi_poll(h->multi, NULL, 0, ms, NULL);
    curl_multi_perform(h->multi, &still);
    struct CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(h->multi, &left))) {
        if (m->msg != CURLMSG_DONE) continue;
        struct req *r = NULL;
        CURLcode rc = m->data.result;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&r);
        for (struct req **p = &h->running; *p; p = &(*p)->next)
            if (*p == r) {
                *p = r->next;
                break;
            }
        req_end(r, rc);
    }
    int pending = 0;
    for (struct req *r = h->waiting; r; r = r->next) pending++;
    for (struct req *r = h->running; r; r = r->next) pending++;
    return pending;
}

struct sync {
    int done, rc;
    struct ctl_http_response *out;
    char *err;
    size_t errsz;
};

static void sync_done(void *user, int rc, struct ctl_http_response *r, const char *err)
{
    struct sync *s = user;
    s->done = 1;
    s->rc = rc;
    *s->out = *r;
    if (rc) snprintf(s->err, s->errsz, "%s", err);
}

int ctl_http_request(ctl_http *h, const struct ctl_http_request *rq, struct ctl_http_response *out,
                     char *err, size_t errsz)
{
    struct sync s = {0, -1, out, err, errsz};
    memset(out, 0, sizeof *out);
    if (ctl_http_request_start(h, rq, NULL, sync_done, &s) < 0)
        return snprintf(err, errsz, "%s %s: out of memory", rq->body ? "POST" : "GET", rq->url), -1;
    while (!s.done) ctl_http_run(h, 1000);
    return s.rc;
}

int ctl_http_get(ctl_http *h, const char *url, const char *accept, struct ctl_http_response *out,
                 char *err, size_t errsz)
{
    char line[160];
    snprintf(line, sizeof line, "Accept: %s", accept ? accept : "");
    const char *headers[] = {accept ? line : NULL, NULL};
    return ctl_http_request(h, &(struct ctl_http_request){.url = url, .headers = headers}, out, err,
                            errsz);
}
