/* http: the one libcurl wrapper. Every request ctlite makes goes through a ctl_http client, so
 * that timeouts, retries, pacing, the user agent and the wording of errors are the same for
 * every source.
 *
 * A client retries 429 and 5xx answers, time-outs and connection failures, up to max_attempts
 * in all: it waits what Retry-After asks for, or else an exponential backoff with jitter. It
 * never starts two requests less than min_interval_ms apart. A failure is reported as one
 * line naming the URL, the status and what went wrong. */
#ifndef CTLITE_HTTP_H
#define CTLITE_HTTP_H

#include <stddef.h>

struct ctl_http_config {
    long timeout_ms;      /* the whole of one attempt */
    int max_attempts;     /* attempts in all, at least 1 */
    long min_interval_ms; /* between the starts of two requests */
    long backoff_ms;      /* the first wait before a retry; each next one doubles */
    long max_wait_ms;     /* a longer Retry-After fails the request instead of waiting */
    size_t max_body;      /* a longer body is an error */
    char user_agent[128];
};

/* The defaults. */
void ctl_http_config_init(struct ctl_http_config *c);

/* Applies the environment variables CTLITE_HTTP_TIMEOUT, CTLITE_HTTP_MAX_ATTEMPTS, ... (one
 * per setting of ctl_http_set, in upper case). Returns 0, or -1 with a message in err naming
 * the first bad variable; the good ones apply all the same. */
int ctl_http_config_env(struct ctl_http_config *c, char *err, size_t errsz);

/* Sets one setting by name: timeout (seconds), max_attempts, min_interval (seconds),
 * backoff (seconds), max_wait (seconds), max_body (bytes), user_agent. Returns 0, or -1 with
 * a message in err. */
int ctl_http_set(struct ctl_http_config *c, const char *name, const char *value, char *err,
                 size_t errsz);

/* The value of one setting as text into out, or -1 for an unknown name. */
int ctl_http_get_setting(const struct ctl_http_config *c, const char *name, char *out,
                         size_t outsz);

/* The names of the settings, for listings and messages. */
extern const char *const ctl_http_setting_names[];

typedef struct ctl_http ctl_http;

/* A client with a copy of the configuration; NULL when out of memory. */
ctl_http *ctl_http_new(const struct ctl_http_config *c);
/* Frees the client; requests not over end with "cancelled". */
void ctl_http_free(ctl_http *h);

/* The client's configuration, which may be changed between requests. */
struct ctl_http_config *ctl_http_config(ctl_http *h);

struct ctl_http_response {
    long status;
    char content_type[128]; /* as sent, or "" */
    char *body;             /* NUL-terminated (the body itself may hold NUL bytes) */
    size_t len;
    int attempts;
    double retry_after; /* of a failed request: seconds its last answer's Retry-After asked
                         * for, or -1 */
};

/* Requests of a pace start at least min_interval_ms apart, and all of them wait when the
 * server answers one with 429 or a Retry-After: one pace per server, say. */
struct ctl_http_pace {
    long min_interval_ms;
    double next_start; /* internal: no request starts before, monotonic seconds */
};

/* Called once a request is over: rc 0 with a 2xx response, which the callee owns (free it
 * with ctl_http_response_free); or -1 after the retries, with err and the last status. */
typedef void ctl_http_done(void *user, int rc, struct ctl_http_response *r, const char *err);

/* Queues GET url (Accept header accept, or none) in pace (NULL: the client's own, which uses
 * the configuration's min_interval_ms). done is called from ctl_http_run. -1 when out of
 * memory. */
int ctl_http_start(ctl_http *h, const char *url, const char *accept, struct ctl_http_pace *pace,
                   ctl_http_done *done, void *user);

/* Queues POST url with the len bytes at body (copied) as its Content-Type content_type, the
 * way ctl_http_start queues a GET; a redirect is followed with a POST. -1 when out of memory. */
int ctl_http_post_start(ctl_http *h, const char *url, const char *content_type, const char *body,
                        size_t len, struct ctl_http_pace *pace, ctl_http_done *done, void *user);

/* Any request: POST body[len] when body is not NULL, else GET; headers, a NULL-terminated list
 * of lines "Name: value" (or NULL), sent as given. */
struct ctl_http_request {
    const char *url;
    const char *const *headers;
    const char *body;
    size_t len;
};

/* Queues the request rq (copied) the way ctl_http_start queues a GET. -1 when out of memory. */
int ctl_http_request_start(ctl_http *h, const struct ctl_http_request *rq,
                           struct ctl_http_pace *pace, ctl_http_done *done, void *user);

/* Runs the queued requests concurrently for at most timeout_ms, or less when one ends, and
 * calls the done functions of those that ended, which may start more. Returns how many
 * requests are still queued or running. */
int ctl_http_run(ctl_http *h, long timeout_ms);

/* GET url with the Accept header accept (or none), waiting for it. A 2xx answer returns 0 with the
 * response (free with ctl_http_response_free); anything else, after the retries, returns -1 with
 * err set, e.g. "GET https://crt.sh/?q=x: HTTP 503 (text/html) after 4 attempts: Service
 * Unavailable". A 404 is not retried and returns -1 with out->status 404. */
int ctl_http_get(ctl_http *h, const char *url, const char *accept, struct ctl_http_response *out,
                 char *err, size_t errsz);
/* The request rq, waiting for it, as ctl_http_get does. */
int ctl_http_request(ctl_http *h, const struct ctl_http_request *rq, struct ctl_http_response *out,
                     char *err, size_t errsz);
void ctl_http_response_free(struct ctl_http_response *r);

/* A printable copy of untrusted bytes for a message: runs of other bytes become one space. */
void ctl_http_printable(char *out, size_t outsz, const char *s, size_t n);

/* What a page says, for a message: its <title>, or else the start of the body, printable. */
void ctl_http_summary(char *out, size_t outsz, const char *body, size_t len);

#endif
