/* ctlite-worker certstream: certificates from a CertStream server (certstream-server-go's
 * websocket API, through libwebsockets: Debian's libcurl has no websockets) into the database,
 * as the log tail stores them. The full stream carries each certificate's DER, which is parsed
 * here like a log entry's; the lite and domains-only streams carry names alone, which become
 * name sightings. A message that cannot be read is counted and said, never stored half. The
 * connection is made again after a failure, with a backoff. */
#include <libwebsockets.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "certstream.h"
#include "certstream_message.h"
#include "commands.h"
#include "db.h"
#include "http.h"
#include "ingest.h"

static const char usage[] =
    "usage: ctlite-worker certstream DB --url ws[s]://HOST[:PORT]/PATH [options]\n"
    "\n"
    "Follows a CertStream server (certstream-server-go, or a compatible one). The certificates\n"
    "of its full stream (/full-stream) are stored with their names as the log tail stores\n"
    "them (cert.source 'certstream'), read from their DER, not from the server's fields. The\n"
    "lite stream (/) and /domains-only carry no certificate: their names are stored in\n"
    "name_sighting (source 'certstream'), which the look-alike rules read too.\n"
    "Messages that cannot be read (not JSON, bad base64 or DER, binary frames, frames over\n"
    "--max-message) are counted and said on stderr. The server's pings are answered; a lost\n"
    "connection is made again after 1 s, doubling to 60 s. SIGINT or SIGTERM stops it after\n"
    "committing what it has. Through a proxy: set http_proxy=HOST:PORT (CONNECT).\n"
    "\n"
    "  --url URL            the stream: ws:// or wss://, path /full-stream, / or /domains-only\n"
    "  --cainfo FILE        CA certificates for wss:// (default: the system's)\n"
    "  --max-message BYTES  a longer frame is skipped (default 1048576)\n"
    "  --limit N            stop after N messages with a certificate or names\n";

/* The stream of the command (not of run's thread), for its signal handler. */
static volatile sig_atomic_t interrupted;
static struct lws_context *command_context;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
    if (command_context) lws_cancel_service(command_context);
}

struct stream {
    struct lws_context *context;
    lws_sorted_usec_list_t tick;
    volatile sig_atomic_t *stop; /* set from outside: end */
    int done;                    /* --limit reached */
    atomic_int *stored;          /* set after a commit that stored certificates, if not NULL */
    sqlite3 *db;
    ctl_ingest *g;
    const char *url;
    char host[256], path[512];
    int port, tls;
    size_t max_message;
    long limit;
    struct lws *wsi;
    int connected, in_tx, failed, closing;
    double next_connect, backoff;
    char *buf; /* the frame being received */
    size_t len;
    int skip; /* the rest of this frame is dropped: binary, or too long */
    /* counts */
    long certs, pending, unreadable, binary, oversized, no_der, domains, heartbeats, names,
        not_host;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* lws_service waits for the next event or timer: this timer makes the loop come round (for
 * commits, reconnections and the stop flag) five times a second. */
static void on_tick(lws_sorted_usec_list_t *sul)
{
    struct stream *s = lws_container_of(sul, struct stream, tick);
    lws_sul_schedule(s->context, 0, sul, on_tick, 200 * LWS_US_PER_MS);
}

static long count_certs(sqlite3 *db)
{
    sqlite3_stmt *st;
    long n = 0;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM cert WHERE source = 'certstream'", -1, &st,
                           NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static int commit(struct stream *s)
{
    if (!s->in_tx) return 0;
    int stored = s->pending > 0;
    s->in_tx = 0, s->pending = 0;
    if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK) {
        if (stored && s->stored) atomic_store(s->stored, 1);
        return 0;
    }
    fprintf(stderr, "ctlite-worker certstream: %s\n", sqlite3_errmsg(s->db));
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return -1;
}

static void begin(struct stream *s)
{
    if (!s->in_tx && sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK)
        s->in_tx = 1;
}

/* The names of a message that carries no certificate (the lite stream, domains-only) become
 * sightings: the server's word is all there is of them. */
static void store_sightings(struct stream *s, const struct ctl_cs_message *m)
{
    struct ctl_sighting where = {
        .source = "certstream",
        .log = m->kind == CTL_CS_CERTIFICATE && *m->log_url ? m->log_url : NULL,
        .log_index = m->kind == CTL_CS_CERTIFICATE ? m->index : -1,
        .precert = m->kind == CTL_CS_CERTIFICATE ? m->precert : -1,
        .logged_at = (int64_t)m->seen,
    };
    begin(s);
    for (size_t i = 0; i < m->nnames && !s->failed; i++) {
        char why[300];
        int rc = ctl_ingest_sighting(s->g, &where, m->names[i], why, sizeof why);
        if (rc < 0) {
            fprintf(stderr, "ctlite-worker certstream: %s\n", why);
            s->failed = 1;
        } else if (rc == 0) {
            char shown[200];
            ctl_http_printable(shown, sizeof shown, m->names[i], strlen(m->names[i]));
            if (!s->not_host++)
                fprintf(stderr,
                        "ctlite-worker certstream: a name skipped, %s: \"%s\" (more are "
                        "counted)\n",
                        why, shown);
        } else
            s->names++, s->pending++;
    }
}

static void handle(struct stream *s)
{
    struct ctl_cs_message m;
    char err[300];
    if (ctl_cs_parse(s->buf, s->len, &m, err, sizeof err) < 0) {
        s->unreadable++;
        fprintf(stderr, "ctlite-worker certstream: a message skipped: %s\n", err);
        return;
    }
    if (m.kind == CTL_CS_HEARTBEAT) s->heartbeats++;
    if (m.kind == CTL_CS_DOMAINS || (m.kind == CTL_CS_CERTIFICATE && !m.der)) {
        if (m.kind == CTL_CS_DOMAINS)
            s->domains++;
        else
            s->no_der++;
        store_sightings(s, &m);
        if (s->limit && s->certs + s->unreadable + s->domains + s->no_der >= s->limit) s->done = 1;
    } else if (m.kind == CTL_CS_CERTIFICATE) {
        begin(s);
        int64_t id;
        int rc = ctl_ingest_cert(s->g, m.der, m.der_len, (int64_t)(m.seen * 1000), "certstream",
                                 &id, err, sizeof err);
        if (rc < 0) {
            fprintf(stderr, "ctlite-worker certstream: %s\n", err);
            s->failed = 1;
        } else if (rc == 0) {
            s->unreadable++;
            fprintf(stderr, "ctlite-worker certstream: certificate %lld of %s skipped: %s\n",
                    m.index, *m.log_url ? m.log_url : "an unnamed log", err);
        } else
            s->certs++, s->pending++;
        if (s->limit && s->certs + s->unreadable + s->domains + s->no_der >= s->limit) s->done = 1;
    }
    ctl_cs_message_clear(&m);
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                    size_t len)
{
    (void)user;
    struct stream *s = lws_context_user(lws_get_context(wsi));
    switch (reason) {
    case LWS_CALLBACK_CLIENT_ESTABLISHED:
        s->connected = 1;
        fprintf(stderr, "ctlite-worker certstream: connected to %s\n", s->url);
        break;
    case LWS_CALLBACK_CLIENT_RECEIVE:
        if (lws_is_first_fragment(wsi)) s->len = 0, s->skip = lws_frame_is_binary(wsi);
        if (s->skip == 1 && lws_frame_is_binary(wsi) && lws_is_final_fragment(wsi)) {
            s->binary++;
            fprintf(stderr, "ctlite-worker certstream: a binary frame skipped\n");
        }
        if (!s->skip && s->len + len > s->max_message) {
            s->skip = 2, s->oversized++;
            fprintf(stderr, "ctlite-worker certstream: a frame over %zu bytes skipped\n",
                    s->max_message);
        }
        if (s->skip) break;
        memcpy(s->buf + s->len, in, len);
        s->len += len;
        if (lws_is_final_fragment(wsi)) handle(s);
        break;
    case LWS_CALLBACK_CLIENT_WRITEABLE:
        if (s->closing) {
            lws_close_reason(wsi, LWS_CLOSE_STATUS_NORMAL, NULL, 0);
            return -1;
        }
        break;
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
    case LWS_CALLBACK_CLIENT_CLOSED:
        /* A connection that was made starts the backoff over. */
        if (s->connected) s->backoff = 1;
        if (!*s->stop && !s->done &&
            (reason == LWS_CALLBACK_CLIENT_CONNECTION_ERROR || s->connected))
            fprintf(stderr, "ctlite-worker certstream: %s: %s; again in %.0f s\n", s->url,
                    reason == LWS_CALLBACK_CLIENT_CLOSED ? "connection lost"
                    : in                                 ? (const char *)in
                                                         : "cannot connect",
                    s->backoff);
        s->next_connect = now() + s->backoff;
        s->backoff = s->backoff * 2 > 60 ? 60 : s->backoff * 2;
        s->wsi = NULL, s->connected = 0;
        break;
    default:
        break;
    }
    return 0;
}

static void connect_to(struct stream *s)
{
    struct lws_client_connect_info ci = {
        .context = s->context,
        .address = s->host,
        .port = s->port,
        .path = s->path,
        .host = s->host,
        .origin = s->host,
        .ssl_connection = s->tls ? LCCSCF_USE_SSL : 0,
        .pwsi = &s->wsi,
    };
    s->next_connect = now() + 3600; /* until the callback says how it went */
    if (!lws_client_connect_via_info(&ci)) {
        s->next_connect = now() + s->backoff;
        s->backoff = s->backoff * 2 > 60 ? 60 : s->backoff * 2;
    }
}

/* ws://HOST[:PORT]/PATH or wss://... into s. */
static int parse_url(struct stream *s, const char *url)
{
    char copy[1024];
    const char *prot, *host, *path;
    int port;
    snprintf(copy, sizeof copy, "%s", url);
    if (lws_parse_uri(copy, &prot, &host, &port, &path) ||
        (strcmp(prot, "ws") && strcmp(prot, "wss")) || !*host)
        return -1;
    s->tls = !strcmp(prot, "wss");
    if (!strchr(url + strlen(prot) + 3, ':')) port = s->tls ? 443 : 80;
    s->port = port;
    snprintf(s->host, sizeof s->host, "%s", host);
    snprintf(s->path, sizeof s->path, "/%s", path);
    return 0;
}

int ctl_certstream_follow(const char *db_path, const struct ctl_certstream_options *o,
                          volatile sig_atomic_t *stop, atomic_int *stored, FILE *out)
{
    struct stream s = {.stop = stop,
                       .stored = stored,
                       .url = o->url,
                       .max_message = o->max_message ? o->max_message : 1 << 20,
                       .limit = o->limit,
                       .backoff = 1};
    char err[512];
    if (!o->url || parse_url(&s, o->url) < 0)
        return fprintf(stderr, "ctlite-worker certstream: %s: not a ws:// or wss:// URL\n",
                       o->url ? o->url : "no URL"),
               1;
    if (!(s.db = ctl_db_open(db_path, NULL, NULL, err, sizeof err)))
        return fprintf(stderr, "ctlite-worker: %s\n", err), 1;
    int status = 1;
    if (!(s.g = ctl_ingest_new(s.db, err, sizeof err)) || ctl_ingest_refresh(s.g) < 0 ||
        !(s.buf = malloc(s.max_message))) {
        fprintf(stderr, "ctlite-worker certstream: %s\n", s.g ? "out of memory" : err);
        goto done;
    }
    lws_set_log_level(LLL_ERR, NULL);
    static const struct lws_protocols protocols[] = {{"certstream", callback, 0, 65536, 0, NULL, 0},
                                                     {NULL, NULL, 0, 0, 0, NULL, 0}};
    struct lws_context_creation_info info = {
        .port = CONTEXT_PORT_NO_LISTEN,
        .protocols = protocols,
        .options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT,
        .client_ssl_ca_filepath = o->cainfo,
        .user = &s,
        .gid = -1,
        .uid = -1,
    };
    if (!(s.context = lws_create_context(&info))) {
        fprintf(stderr, "ctlite-worker certstream: libwebsockets cannot start\n");
        goto done;
    }
    if (!stored) command_context = s.context;
    on_tick(&s.tick);
    long before = count_certs(s.db);
    double last_commit = now();
    while (!*stop && !s.done && !s.failed) {
        if (!s.wsi && now() >= s.next_connect) connect_to(&s);
        lws_service(s.context, 250);
        /* Stored certificates become visible about once a second, as the tail's do. */
        if (s.in_tx && (s.pending >= 1000 || now() - last_commit >= 1)) {
            if (commit(&s) < 0) s.failed = 1;
            last_commit = now();
        }
    }
    if (commit(&s) == 0 && !s.failed) status = 0;
    /* Leave with a close frame (1000), for a second at most, rather than a dropped socket. */
    if (s.connected) {
        s.closing = 1;
        lws_callback_on_writable(s.wsi);
        for (double until = now() + 1; s.connected && now() < until;) lws_service(s.context, 100);
    }
    fprintf(out,
            "certstream: %ld certificates read, %ld new; %ld names without their certificate "
            "(%ld lite messages, %ld domain lists), %ld not host names; %ld unreadable, %ld "
            "binary, %ld oversized, %ld heartbeats\n",
            s.certs, count_certs(s.db) - before, s.names, s.no_der, s.domains, s.not_host,
            s.unreadable, s.binary, s.oversized, s.heartbeats);
done:
    if (!stored) command_context = NULL;
    if (s.context) lws_context_destroy(s.context);
    ctl_ingest_free(s.g);
    free(s.buf);
    sqlite3_close(s.db);
    return status;
}

int cmd_certstream(int argc, char **argv)
{
    if (argc >= 2 && is_help(argv[1])) return fputs(usage, stdout), 0;
    if (argc < 2 || argv[1][0] == '-') return fputs(usage, stderr), 2;
    struct ctl_certstream_options o = {0};
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[++i] : NULL;
        char *end = NULL;
        long n = v ? strtol(v, &end, 10) : 0;
        int number = v && end != v && !*end && n > 0;
        if (!strcmp(a, "--url") && v)
            o.url = v;
        else if (!strcmp(a, "--cainfo") && v)
            o.cainfo = v;
        else if (!strcmp(a, "--max-message") && number)
            o.max_message = (size_t)n;
        else if (!strcmp(a, "--limit") && number)
            o.limit = n;
        else
            return fprintf(stderr, "ctlite-worker certstream: unexpected '%s'\n%s", a, usage), 2;
    }
    struct stream check = {0};
    if (!o.url || parse_url(&check, o.url) < 0)
        return fprintf(stderr, "ctlite-worker certstream: --url ws[s]://HOST[:PORT]/PATH is "
                               "needed\n"),
               2;
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    return ctl_certstream_follow(argv[1], &o, &interrupted, NULL, stdout);
}
