/* ctlite-worker run: the tail, crt.sh, the rules and delivery, in one process. After each
 * commit that stored certificates, and after each crt.sh sync, the rules are evaluated and
 * what they raise is delivered at once; every few seconds the rules without certificates (a
 * stopped log) are looked at again and failed deliveries that are due are retried. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "certificate_stream.h"
#include "certstream.h"
#include "commands.h"
#include "db.h"
#include "notify.h"
#include "rules.h"
#include "tail.h"

static const char usage[] =
    "usage: ctlite-worker run DB [tail options]\n"
    "\n"
    "Follows the CT logs as ctlite-worker tail does (same options, but --interval defaults to\n"
    "2 seconds and --partial-wait to 0 here: an alert should not wait for a tile to fill),\n"
    "syncs the watched domains from crt.sh as ctlite-worker crtsh does at start and every\n"
    "crtsh_interval seconds (a setting: 900 when absent, 0 for never; the logs wait while it\n"
    "syncs), evaluates the rules after each batch of certificates it stores, and delivers the\n"
    "alerts they raise on the enabled channels of the channel table (see ctlite-worker notify)\n"
    "at once. Every 5 seconds the rules are also evaluated without new\n"
    "certificates, and deliveries that failed are retried when due; the channel table is read\n"
    "again every minute. With the setting certstream_url (and certstream_cainfo), it also\n"
    "follows that CertStream server as ctlite-worker certstream does, in a thread of its own,\n"
    "and evaluates the rules within a second of what it stores. Likewise with the setting\n"
    "certificate_stream_url (and certificate_stream_token_url), it follows that\n"
    "certificate.stream API as ctlite-worker certificate-stream --follow does, with CLIENT_ID\n"
    "and CLIENT_SECRET from the environment.\n"
    "SIGINT or SIGTERM stops it cleanly: what was stored is committed and\n"
    "every alert raised stays in alert_log, to be delivered by the next run or notify.\n"
    "Messages go to stderr; stdout carries only a stdout channel's alerts.\n";

struct run {
    const char *db_path;
    char certstream_url[1024], certstream_cainfo[1024];
    char cstream_url[1024], cstream_token_url[1024];
    pthread_t certstream, cstream;
    int certstream_following, cstream_following;
    volatile sig_atomic_t stop_threads;
    atomic_int streams_stored; /* set by either thread after it stored something */
    struct ctl_http_config config;
    ctl_http *http;
    ctl_notify *nt;
    double rules_at, channels_at, crtsh_at; /* when last evaluated, read, synced */
};

/* The number the query sql gives, or 0 when it gives nothing or fails. */
static double query_number(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    double v = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Seconds between crt.sh syncs: the crtsh_interval setting (900 when absent, 0 for never),
 * and 0 with no watched domain. */
static const char crtsh_interval[] =
    "SELECT coalesce((SELECT value FROM setting WHERE name = 'crtsh_interval'), 900) * "
    "EXISTS (SELECT 1 FROM watch WHERE kind = 'domain')";

/* Whether a delivery is waiting: new alerts past a channel's cursor, or a failure now due. */
static const char deliveries_due[] =
    "SELECT EXISTS (SELECT 1 FROM channel WHERE enabled AND cursor < "
    "(SELECT coalesce(max(id), 0) FROM alert_log)) OR EXISTS (SELECT 1 FROM delivery "
    "WHERE delivered_at IS NULL AND next_attempt <= unixepoch())";

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void say(void *user, const char *line)
{
    (void)user;
    fprintf(stderr, "ctlite-worker run: %s\n", line);
}

static void after(void *user, sqlite3 *db, int stored)
{
    struct run *r = user;
    double now = mono();
    char err[1024];
    if (atomic_exchange(&r->streams_stored, 0)) stored = 1;
    double sync = query_number(db, crtsh_interval);
    if (sync > 0 && now - r->crtsh_at >= sync) {
        /* A sync waits for crt.sh, which can take a while: the logs wait meanwhile. */
        ctl_crtsh_round(db, stderr);
        r->crtsh_at = now, stored = 1;
    }
    if (stored || now - r->rules_at >= 5) {
        struct ctl_rules_pass p;
        if (ctl_rules_run(db, CTL_RULES_NEW, &p, say, NULL, err, sizeof err) < 0) say(NULL, err);
        r->rules_at = now;
    }
    if (now - r->channels_at >= 60) {
        ctl_notify_free(r->nt);
        if (!(r->nt = ctl_notify_new(db, r->http, NULL, NULL, 0, err, sizeof err))) say(NULL, err);
        r->channels_at = now;
    }
    if (r->nt && query_number(db, deliveries_due)) {
        struct ctl_notify_pass p;
        if (ctl_notify_run(r->nt, &p, say, NULL, err, sizeof err) < 0) say(NULL, err);
    }
}

static void *follow_certstream(void *user)
{
    struct run *r = user;
    struct ctl_certstream_options o = {
        .url = r->certstream_url, .cainfo = *r->certstream_cainfo ? r->certstream_cainfo : NULL};
    ctl_certstream_follow(r->db_path, &o, &r->stop_threads, &r->streams_stored, stderr);
    return NULL;
}

static void *follow_certificate_stream(void *user)
{
    struct run *r = user;
    struct ctl_certificate_stream_options o = {
        .url = r->cstream_url,
        .token_url = *r->cstream_token_url ? r->cstream_token_url : NULL,
        .client_id = getenv("CLIENT_ID"),
        .client_secret = getenv("CLIENT_SECRET")};
    ctl_certificate_stream_read(r->db_path, &o, &r->stop_threads, &r->streams_stored, stderr);
    return NULL;
}

/* The value of the setting name into out ("" when absent). */
static void setting(sqlite3 *db, const char *name, char *out, size_t outsz)
{
    sqlite3_stmt *st;
    *out = 0;
    if (sqlite3_prepare_v2(db, "SELECT value FROM setting WHERE name = ?1", -1, &st, NULL) ==
        SQLITE_OK) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
            snprintf(out, outsz, "%s", sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
}

/* Starts fn in a thread with SIGINT and SIGTERM blocked: the signals are the tail's to take.
 * 1, or -1 with a message. */
static int start_thread(pthread_t *t, void *(*fn)(void *), struct run *r)
{
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    int rc = pthread_create(t, NULL, fn, r);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc) return fprintf(stderr, "ctlite-worker run: %s\n", strerror(rc)), -1;
    return 1;
}

/* Reads the stream settings and starts a thread for each source set. 0, or -1 with a message. */
static int start_streams(struct run *r)
{
    char err[512];
    sqlite3 *db = ctl_db_open(r->db_path, NULL, NULL, err, sizeof err);
    if (!db) return 0; /* the tail says why */
    setting(db, "certstream_url", r->certstream_url, sizeof r->certstream_url);
    setting(db, "certstream_cainfo", r->certstream_cainfo, sizeof r->certstream_cainfo);
    setting(db, "certificate_stream_url", r->cstream_url, sizeof r->cstream_url);
    setting(db, "certificate_stream_token_url", r->cstream_token_url, sizeof r->cstream_token_url);
    sqlite3_close(db);
    if (*r->cstream_url && (!getenv("CLIENT_ID") || !*getenv("CLIENT_ID") ||
                            !getenv("CLIENT_SECRET") || !*getenv("CLIENT_SECRET")))
        return fprintf(stderr, "ctlite-worker run: the setting certificate_stream_url needs "
                               "CLIENT_ID and CLIENT_SECRET in the environment\n"),
               -1;
    if (*r->certstream_url &&
        (r->certstream_following = start_thread(&r->certstream, follow_certstream, r)) < 0)
        return -1;
    if (*r->cstream_url &&
        (r->cstream_following = start_thread(&r->cstream, follow_certificate_stream, r)) < 0)
        return -1;
    return 0;
}

int cmd_run(int argc, char **argv)
{
    struct run r = {.rules_at = -1e9, .channels_at = -1e9, .crtsh_at = -1e9};
    char err[512];
    ctl_http_config_init(&r.config);
    if (ctl_http_config_env(&r.config, err, sizeof err) < 0)
        return fprintf(stderr, "ctlite-worker run: %s\n", err), 1;
    if (!(r.http = ctl_http_new(&r.config)))
        return fputs("ctlite-worker run: out of memory\n", stderr), 1;
    struct tail_hooks hooks = {
        .after = after, .user = &r, .usage = usage, .interval = 2, .partial_wait = 0};
    int rc = 1;
    if (argc >= 2 && argv[1][0] != '-') {
        r.db_path = argv[1];
        if (start_streams(&r) < 0) goto stop;
    }
    rc = tail_main(argc, argv, &hooks);
stop:
    r.stop_threads = 1;
    if (r.certstream_following > 0) pthread_join(r.certstream, NULL);
    if (r.cstream_following > 0) pthread_join(r.cstream, NULL);
    ctl_notify_free(r.nt);
    ctl_http_free(r.http);
    return rc;
}
