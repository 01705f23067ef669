/* ctlite-worker serve: domain_stats' HTTP API over the domain table, for SIEMs that ask "how
 * old is this domain, and have we met it before?" of every domain in their traffic.
 *
 * GET /<domain> answers from a small in-memory cache, else from the database, else from RDAP
 * (and the answer is stored). The first time the database meets a domain, the answer carries
 * YOUR-FIRST-CONTACT; the first contact stays recorded, unlike domain_stats' cache entry,
 * which forgets it when it expires. libmicrohttpd runs the requests on a pool of threads, each
 * with its own database connection and HTTP client. */
#include <jansson.h>
#include <microhttpd.h>
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "db.h"
#include "domain.h"
#include "rdap.h"
#include "rules.h"

static const char usage[] =
    "usage: ctlite-worker serve DB [--listen ADDRESS:PORT] [--threads N]\n"
    "\n"
    "Answers domain_stats' questions over HTTP (JSON):\n"
    "  GET /<domain>   the age and first contact of the domain's registrable domain:\n"
    "                  {\"seen_by_web\": registration date, \"seen_by_you\": when this database\n"
    "                  first met it, \"seen_by_isc\": \"NA\", \"category\": \"NEW\" or\n"
    "                  \"ESTABLISHED\" (setting established_days) or \"ERROR\", \"alerts\": "
    "[...]}\n"
    "                  with the alert YOUR-FIRST-CONTACT the first time. A domain the database\n"
    "                  has not looked up is looked up in RDAP at once (see enrich).\n"
    "  GET /stats      requests, cache and database hits and misses, RDAP lookups\n"
    "  GET /showcache  the answers held in memory (for 10 minutes each)\n"
    "A malformed domain gets status 400 and the same document with category ERROR.\n"
    "\n"
    "  --listen A:P   the address to listen on (default 127.0.0.1:8000; [::1]:8000 for IPv6,\n"
    "                 port 0 lets the system choose; the address in use is printed)\n"
    "  --threads N    requests served at once (default 8)\n"
    "\n"
    "RDAP lookups take the network settings of the environment (CTLITE_HTTP_TIMEOUT, ...),\n"
    "with a timeout of 5 s, 2 attempts and no pause between requests unless set. SIGINT or\n"
    "SIGTERM stops the server.\n";

enum { CACHE_SLOTS = 16384, CACHE_TTL = 600 };

/* An answer as the cache holds it: all of it but the first-contact alert. */
struct answer {
    char domain[CTL_HOST_MAX + 1];
    long long first_seen, registered_at; /* Unix time; registered_at 0 when unknown */
    char category[12];                   /* NEW, ESTABLISHED or ERROR */
    char error[200];                     /* for ERROR: why, as an alert */
    time_t until;                        /* the cache's: valid before this time */
};

static struct {
    const char *path;
    struct ctl_http_config http;
    pthread_key_t thread;
    pthread_mutex_t lock; /* the cache */
    struct answer *cache;
    atomic_long requests, bad, cache_hit, cache_miss, db_hit, db_miss, rdap_good, rdap_fail;
} S;

/* What a pool thread holds: its own connection and client. */
struct thread {
    sqlite3 *db;
    ctl_http *http;
};

static void thread_free(void *p)
{
    struct thread *t = p;
    sqlite3_close(t->db);
    ctl_http_free(t->http);
    free(t);
}

static struct thread *thread_get(char *err, size_t errsz)
{
    struct thread *t = pthread_getspecific(S.thread);
    if (t) return t;
    if (!(t = calloc(1, sizeof *t))) return snprintf(err, errsz, "out of memory"), NULL;
    if (!(t->db = ctl_db_open(S.path, NULL, NULL, err, errsz)) ||
        (!(t->http = ctl_http_new(&S.http)) && snprintf(err, errsz, "out of memory")) ||
        pthread_setspecific(S.thread, t)) {
        thread_free(t);
        return NULL;
    }
    return t;
}

static size_t slot_of(const char *domain)
{
    return ctl_fnv1a(domain) % CACHE_SLOTS;
}

static int cache_get(const char *domain, struct answer *a)
{
    struct answer *slot = &S.cache[slot_of(domain)];
    pthread_mutex_lock(&S.lock);
    int hit = !strcmp(slot->domain, domain) && slot->until > time(NULL);
    if (hit) *a = *slot;
    pthread_mutex_unlock(&S.lock);
    return hit;
}

static void cache_put(const struct answer *a)
{
    struct answer *slot = &S.cache[slot_of(a->domain)];
    pthread_mutex_lock(&S.lock);
    *slot = *a;
    slot->until = time(NULL) + CACHE_TTL;
    pthread_mutex_unlock(&S.lock);
}

/* A date as domain_stats writes it: "Fri, 04 Aug 1995 04:00:00 GMT". */
static json_t *http_date(long long t)
{
    char buf[40];
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || !strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm))
        return json_string("ERROR");
    return json_string(buf);
}

static json_t *render(const struct answer *a, int first_contact)
{
    int ok = strcmp(a->category, "ERROR") != 0;
    json_t *alerts = json_array();
    if (first_contact) json_array_append_new(alerts, json_string("YOUR-FIRST-CONTACT"));
    if (!ok) json_array_append_new(alerts, json_string(a->error));
    return json_pack("{s:s, s:o, s:o, s:s, s:s, s:o}", "domain", a->domain, "seen_by_web",
                     ok ? http_date(a->registered_at) : json_string("ERROR"), "seen_by_you",
                     a->first_seen ? http_date(a->first_seen) : json_string("ERROR"), "seen_by_isc",
                     "NA", "category", a->category, "alerts", alerts);
}

/* The domain's row into a; 0 when it has no usable outcome yet (never looked up, or a failed
 * lookup that is due again), 1 when it has, -1 on an error. */
static int row(sqlite3 *db, struct answer *a, char *err, size_t errsz)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "SELECT d.first_seen, d.registered_at, a.category, d.rdap, "
                           "d.rdap_error, d.rdap IS NULL OR (d.rdap = 'error' AND "
                           "d.next_check <= unixepoch()) FROM domain d JOIN domain_age a "
                           "USING (name) WHERE name = ?1",
                           -1, &st, NULL) != SQLITE_OK)
        return snprintf(err, errsz, "%s", sqlite3_errmsg(db)), -1;
    sqlite3_bind_text(st, 1, a->domain, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st), usable = 0;
    if (rc == SQLITE_ROW) {
        const char *cat = (const char *)sqlite3_column_text(st, 2);
        const char *rdap = (const char *)sqlite3_column_text(st, 3);
        const char *why = (const char *)sqlite3_column_text(st, 4);
        a->first_seen = sqlite3_column_int64(st, 0);
        a->registered_at = sqlite3_column_int64(st, 1);
        snprintf(a->category, sizeof a->category, "%s", cat ? cat : "ERROR");
        if (!cat && rdap && !strcmp(rdap, "ok"))
            snprintf(a->error, sizeof a->error, "RDAP gives no registration date");
        else if (!cat && rdap && !strcmp(rdap, "no_rdap"))
            snprintf(a->error, sizeof a->error, "no RDAP server serves this domain's suffix");
        else if (!cat)
            snprintf(a->error, sizeof a->error, "RDAP: %s", why ? why : "no answer");
        usable = !sqlite3_column_int(st, 5);
    } else
        snprintf(err, errsz, "%s", rc == SQLITE_DONE ? "no such domain" : sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? usable : -1;
}

/* Looks the domain up in RDAP and records the outcome in its row. */
static void lookup(struct thread *t, const char *domain)
{
    char err[600], why[600];
    size_t base_len;
    int failed;
    char *url = ctl_rdap_url(t->db, domain, &base_len, &failed, err, sizeof err);
    if (!url && failed) {
        fprintf(stderr, "ctlite-worker serve: %s: %s\n", domain, err);
        atomic_fetch_add(&S.rdap_fail, 1);
        return;
    }
    struct ctl_http_response r = {0};
    int rc = url ? ctl_http_get(t->http, url, CTL_RDAP_ACCEPT, &r, err, sizeof err) : 0;
    enum ctl_rdap_outcome o = ctl_rdap_record(
        t->db, domain, !url, rc, rc == 0 || r.status ? &r : NULL, err, why, sizeof why);
    if (url) atomic_fetch_add(o == CTL_RDAP_ERROR ? &S.rdap_fail : &S.rdap_good, 1);
    if (rc == 0) ctl_http_response_free(&r);
    free(url);
}

/* The answer for the name (as asked) into *doc; returns the HTTP status. */
static unsigned answer(const char *name, json_t **doc)
{
    struct answer a = {.category = "ERROR"};
    char err[600], host[CTL_HOST_MAX + 1];
    const char *why = NULL;
    char *ascii = ctl_domain_to_ascii(name, strlen(name), &why);
    int n = ascii ? ctl_host_canon(ascii, strlen(ascii), host) : -1;
    free(ascii);
    struct thread *t = n > 0 ? thread_get(err, sizeof err) : NULL;
    if (n <= 0 || ctl_is_wildcard(name, strlen(name))) {
        snprintf(a.error, sizeof a.error, "not a domain name: ask GET /<domain>");
        snprintf(a.domain, sizeof a.domain, "%s", n > 0 ? host : "");
        atomic_fetch_add(&S.bad, 1);
        return *doc = render(&a, 0), 400;
    }
    if (!t) {
        fprintf(stderr, "ctlite-worker serve: %s\n", err);
        snprintf(a.error, sizeof a.error, "the database cannot be opened");
        return *doc = render(&a, 0), 503;
    }
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(t->db, "SELECT registrable_domain(?1)", -1, &st, NULL);
    const unsigned char *reg = NULL;
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, host, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) reg = sqlite3_column_text(st, 0);
        snprintf(a.domain, sizeof a.domain, "%s", reg ? (const char *)reg : "");
    }
    sqlite3_finalize(st);
    if (!*a.domain) {
        snprintf(a.error, sizeof a.error, "No valid eTLD exists for this domain.");
        snprintf(a.domain, sizeof a.domain, "%s", host);
        atomic_fetch_add(&S.bad, 1);
        return *doc = render(&a, 0), 400;
    }
    if (cache_get(a.domain, &a)) {
        atomic_fetch_add(&S.cache_hit, 1);
        return *doc = render(&a, 0), 200;
    }
    atomic_fetch_add(&S.cache_miss, 1);
    int first = 0, usable = -1;
    if (sqlite3_prepare_v2(t->db,
                           "INSERT INTO domain(name, first_source) VALUES (?1, 'query') "
                           "ON CONFLICT DO NOTHING",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, a.domain, -1, SQLITE_STATIC);
        /* Of two first queries at once, one inserts: the other is not a first contact. */
        first = sqlite3_step(st) == SQLITE_DONE && sqlite3_changes(t->db) == 1;
        sqlite3_finalize(st);
        usable = row(t->db, &a, err, sizeof err);
    }
    atomic_fetch_add(usable == 1 ? &S.db_hit : &S.db_miss, 1);
    if (usable == 0) {
        lookup(t, a.domain);
        usable = row(t->db, &a, err, sizeof err);
    }
    if (usable < 0) {
        fprintf(stderr, "ctlite-worker serve: %s: %s\n", a.domain, err);
        snprintf(a.category, sizeof a.category, "ERROR");
        snprintf(a.error, sizeof a.error, "database error");
        return *doc = render(&a, first), 503;
    }
    /* A failed lookup is not kept: the next query tries again when it is due. */
    if (usable == 1) cache_put(&a);
    return *doc = render(&a, first), 200;
}

static json_t *stats(void)
{
    return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "requests", (json_int_t)S.requests,
                     "bad_requests", (json_int_t)S.bad, "hit", (json_int_t)S.cache_hit, "miss",
                     (json_int_t)S.cache_miss, "db_hit", (json_int_t)S.db_hit, "db_miss",
                     (json_int_t)S.db_miss, "rdap_good", (json_int_t)S.rdap_good, "rdap_fail",
                     (json_int_t)S.rdap_fail);
}

static json_t *showcache(void)
{
    json_t *list = json_array();
    time_t now = time(NULL);
    pthread_mutex_lock(&S.lock);
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
        struct answer *a = &S.cache[i];
        if (!*a->domain || a->until <= now) continue;
        json_t *e = render(a, 0);
        json_object_set_new(e, "cache_expires", http_date(a->until));
        json_array_append_new(list, e);
    }
    pthread_mutex_unlock(&S.lock);
    return json_pack("{s:I, s:o}", "size", (json_int_t)json_array_size(list), "entries", list);
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, json_t *doc)
{
    char *text = json_dumps(doc, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(doc);
    if (!text) return MHD_NO;
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
    if (!r) return free(text), MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    enum MHD_Result ok = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **state)
{
    (void)cls, (void)version, (void)upload;
    /* The first call only announces the request; its body, if any, follows. */
    if (!*state) return *state = (void *)1, MHD_YES;
    if (*upload_size) return *upload_size = 0, MHD_YES;
    atomic_fetch_add(&S.requests, 1);
    if (strcmp(method, "GET") && strcmp(method, "HEAD"))
        return reply(c, 405, json_pack("{s:s}", "error", "only GET is served"));
    if (!strcmp(url, "/stats")) return reply(c, 200, stats());
    if (!strcmp(url, "/showcache")) return reply(c, 200, showcache());
    json_t *doc;
    unsigned status = answer(url + 1, &doc);
    return reply(c, status, doc);
}

/* A socket listening on "HOST:PORT" or "[HOST]:PORT" (numeric); -2 with err when arg is not
 * that, -1 when it cannot listen there. */
static int listen_on(const char *arg, char *err, size_t errsz)
{
    char host[128];
    const char *colon = strrchr(arg, ':'), *h = arg;
    size_t n = colon ? (size_t)(colon - arg) : 0;
    if (n >= 2 && arg[0] == '[' && arg[n - 1] == ']') h++, n -= 2;
    if (!colon || !n || n >= sizeof host || !colon[1])
        return snprintf(err, errsz, "--listen %s: expected ADDRESS:PORT", arg), -2;
    memcpy(host, h, n);
    host[n] = 0;
    struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE,
                             .ai_socktype = SOCK_STREAM},
                    *res;
    int rc = getaddrinfo(host, colon + 1, &hints, &res), one = 1, fd = -1;
    if (rc) return snprintf(err, errsz, "--listen %s: %s", arg, gai_strerror(rc)), -2;
    /* A backlog as deep as the system allows: a burst of clients waits rather than fails. */
    if ((fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        bind(fd, res->ai_addr, res->ai_addrlen) < 0 || listen(fd, 4096) < 0) {
        snprintf(err, errsz, "cannot listen on %s: %s", arg, strerror(errno));
        if (fd >= 0) close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    fputs("ctlite-worker serve: ", stderr);
    vfprintf(stderr, fmt, ap);
}

int cmd_serve(int argc, char **argv)
{
    if (argc >= 2 && is_help(argv[1])) return fputs(usage, stdout), 0;
    if (argc < 2 || argv[1][0] == '-') return fputs(usage, stderr), 2;
    const char *listen = "127.0.0.1:8000";
    long threads = 8;
    for (int i = 2; i < argc; i++) {
        char *end = NULL;
        if (!strcmp(argv[i], "--listen") && i + 1 < argc)
            listen = argv[++i];
        else if (!(!strcmp(argv[i], "--threads") && i + 1 < argc &&
                   (threads = strtol(argv[++i], &end, 10)) > 0 && threads <= 256 && !*end))
            return fprintf(stderr, "ctlite-worker serve: unexpected '%s'\n%s", argv[i], usage), 2;
    }
    char err[600];
    int fd = listen_on(listen, err, sizeof err);
    if (fd < 0) return fprintf(stderr, "ctlite-worker serve: %s\n", err), fd == -2 ? 2 : 1;
    S.path = argv[1];
    ctl_http_config_init(&S.http);
    /* A client waits for the answer: no pacing (a registry's 429 is still waited out). */
    S.http.timeout_ms = 5000, S.http.max_attempts = 2, S.http.min_interval_ms = 0;
    sqlite3 *db = ctl_db_open(S.path, NULL, NULL, err, sizeof err);
    ctl_http *http = db ? ctl_http_new(&S.http) : NULL; /* libcurl's global set-up, once */
    if (!db || ctl_http_config_env(&S.http, err, sizeof err) < 0 ||
        ctl_rdap_bootstrap_ensure(db, err, sizeof err) < 0 || !http ||
        !(S.cache = calloc(CACHE_SLOTS, sizeof *S.cache))) {
        fprintf(stderr, "ctlite-worker serve: %s\n", !db || http ? err : "out of memory");
        sqlite3_close(db), ctl_http_free(http), close(fd);
        return 1;
    }
    /* Each connection is a file descriptor: take all the system allows. */
    struct rlimit rl;
    if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    pthread_key_create(&S.thread, thread_free);
    pthread_mutex_init(&S.lock, NULL);
    /* The server's threads inherit the mask: only this thread takes the signals. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL, handle, NULL,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_LISTEN_SOCKET, fd,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads, MHD_OPTION_CONNECTION_LIMIT, 16384u,
        MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_END);
    int status = 1;
    if (!d) {
        fprintf(stderr, "ctlite-worker serve: the server did not start\n");
        close(fd);
        goto done;
    }
    struct sockaddr_storage sa;
    socklen_t salen = sizeof sa;
    char host[INET6_ADDRSTRLEN + 2] = "?", port[8] = "?";
    if (!getsockname(fd, (struct sockaddr *)&sa, &salen))
        getnameinfo((struct sockaddr *)&sa, salen, host + 1, sizeof host - 2, port, sizeof port,
                    NI_NUMERICHOST | NI_NUMERICSERV);
    if (sa.ss_family == AF_INET6) host[0] = '[', strcat(host, "]");
    printf("serve: listening on http://%s:%s/\n", host + (sa.ss_family != AF_INET6), port);
    fflush(stdout);
    int sig;
    sigwait(&stop, &sig);
    MHD_stop_daemon(d);
    json_t *s = stats();
    char *text = json_dumps(s, JSON_COMPACT);
    printf("serve: stopped: %s\n", text ? text : "");
    free(text), json_decref(s);
    status = 0;
done:
    free(S.cache);
    sqlite3_close(db);
    ctl_http_free(http);
    return status;
}
