/* ctlite-worker rdap-bootstrap and enrich: the age of the domains that matter, from RDAP.
 * enrich takes the registrable domains of rule hits first, then the watched ones, looks each up
 * at the RDAP server its suffix is bootstrapped to (several servers at once, each paced on its
 * own, so that one server's 429 slows only its domains) and records registration, expiration
 * and last-changed dates, registrar and status in the domain table. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "db.h"
#include "http.h"
#include "rdap.h"
#include "rules.h"
#include "sqlfiles.h"

static const char bootstrap_usage[] =
    "usage: ctlite-worker rdap-bootstrap DB [FILE|URL]\n"
    "\n"
    "Loads an RDAP bootstrap for domains (RFC 9224; IANA publishes it at\n"
    "https://data.iana.org/rdap/dns.json) into the rdap_bootstrap table, replacing what was\n"
    "there. Without FILE or URL, loads the snapshot built into ctlite-worker (IANA's of\n"
    "2026-06-26), which enrich and serve also load by themselves into an empty table. Prints\n"
    "how many suffixes and servers it holds.\n";

static const char enrich_usage[] =
    "usage: ctlite-worker enrich DB [--limit N]\n"
    "\n"
    "Looks up in RDAP the registrable domains that need it: those of alerts first (newest\n"
    "first), then the watched domains and brands. A domain is looked up again 30 days after a\n"
    "success, 7 days after a 404 or when its TLD has no RDAP server, a day after a failure,\n"
    "or when the server's Retry-After says. Results go to the domain table (and the view\n"
    "domain_age, NEW or ESTABLISHED). The servers come from rdap_bootstrap (see\n"
    "ctlite-worker rdap-bootstrap); redirects are followed.\n"
    "\n"
    "  --limit N   look up at most N domains (default 1000)\n"
    "\n"
    "Network settings as for ctlite-worker crtsh (CTLITE_HTTP_TIMEOUT, ...). Exit status 1\n"
    "when a lookup failed.\n";

static int bootstrap(sqlite3 *db, const char *src)
{
    char err[600], *text = NULL;
    size_t len, suffixes, servers;
    if (src && ctl_read_source(src, &text, &len, err, sizeof err) < 0)
        return fprintf(stderr, "ctlite-worker rdap-bootstrap: %s\n", err), 1;
    int rc = ctl_rdap_bootstrap_load(
        db, text ? text : ctl_rdap_dns_json, text ? len : strlen(ctl_rdap_dns_json),
        src ? src : "the built-in snapshot", &suffixes, &servers, err, sizeof err);
    free(text);
    if (rc < 0) return fprintf(stderr, "ctlite-worker rdap-bootstrap: %s\n", err), 1;
    printf("rdap-bootstrap: %zu suffixes, %zu servers\n", suffixes, servers);
    return 0;
}

int cmd_rdap_bootstrap(int argc, char **argv)
{
    if (argc >= 2 && is_help(argv[1])) return fputs(bootstrap_usage, stdout), 0;
    if (argc < 2 || argc > 3 || argv[1][0] == '-') return fputs(bootstrap_usage, stderr), 2;
    char err[512];
    sqlite3 *db = ctl_db_open(argv[1], NULL, NULL, err, sizeof err);
    if (!db) return fprintf(stderr, "ctlite-worker: %s\n", err), 1;
    int rc = bootstrap(db, argc == 3 ? argv[2] : NULL);
    sqlite3_close(db);
    return rc;
}

/* One RDAP server, by its base URL: its own pace, which queued requests point at (so each
 * server is allocated once and never moves). */
struct server {
    char *base;
    struct ctl_http_pace pace;
    struct server *next;
};

struct lookup {
    struct enrich *e;
    char *name;
};

struct enrich {
    sqlite3 *db;
    ctl_http *http;
    struct server *servers;
    int ok, none, failed;
};

static void looked_up(void *user, int rc, struct ctl_http_response *r, const char *err)
{
    struct lookup *l = user;
    char why[600];
    switch (ctl_rdap_record(l->e->db, l->name, 0, rc, r, err, why, sizeof why)) {
    case CTL_RDAP_OK:
    case CTL_RDAP_NOT_FOUND:
        l->e->ok++;
        break;
    case CTL_RDAP_NO_RDAP:
    case CTL_RDAP_ERROR:
        fprintf(stderr, "ctlite-worker enrich: %s: %s\n", l->name, why);
        l->e->failed++;
    }
    if (r) ctl_http_response_free(r);
    free(l->name);
    free(l);
}

/* The pace of the server at base, made on first use. */
static struct ctl_http_pace *pace_of(struct enrich *e, const char *base, size_t len)
{
    struct server *sv;
    for (sv = e->servers; sv; sv = sv->next)
        if (strlen(sv->base) == len && !memcmp(sv->base, base, len)) return &sv->pace;
    if (!(sv = calloc(1, sizeof *sv)) || !(sv->base = strndup(base, len))) return free(sv), NULL;
    /* A registry is a shared service: one request a second at most. */
    sv->pace.min_interval_ms = 1000;
    sv->next = e->servers;
    e->servers = sv;
    return &sv->pace;
}

static const char due_sql[] = "SELECT d.name FROM domain d WHERE d.next_check <= unixepoch() "
                              "ORDER BY d.first_hit IS NULL, d.first_hit DESC, d.name LIMIT ?1";

int cmd_enrich(int argc, char **argv)
{
    if (argc >= 2 && is_help(argv[1])) return fputs(enrich_usage, stdout), 0;
    if (argc < 2 || argv[1][0] == '-') return fputs(enrich_usage, stderr), 2;
    long limit = 1000;
    for (int i = 2; i < argc; i++) {
        char *end = NULL;
        if (!strcmp(argv[i], "--limit") && i + 1 < argc &&
            (limit = strtol(argv[++i], &end, 10)) > 0 && !*end)
            continue;
        return fprintf(stderr, "ctlite-worker enrich: unexpected '%s'\n%s", argv[i], enrich_usage),
               2;
    }
    char err[512];
    struct enrich e = {0};
    if (!(e.db = ctl_db_open(argv[1], NULL, NULL, err, sizeof err)))
        return fprintf(stderr, "ctlite-worker: %s\n", err), 1;
    struct ctl_http_config c;
    ctl_http_config_init(&c);
    int status = 1;
    sqlite3_stmt *st = NULL;
    if (ctl_http_config_env(&c, err, sizeof err) < 0 ||
        (!(e.http = ctl_http_new(&c)) && snprintf(err, sizeof err, "out of memory"))) {
        fprintf(stderr, "ctlite-worker enrich: %s\n", err);
        goto done;
    }
    /* The domains of alerts and watches are in the table once rules ran; and if they did not. */
    if (ctl_rdap_bootstrap_ensure(e.db, err, sizeof err) < 0 ||
        ctl_rules_record_domains(e.db, 0, err, sizeof err) < 0) {
        fprintf(stderr, "ctlite-worker enrich: %s\n", err);
        goto done;
    }
    if (sqlite3_prepare_v2(e.db, due_sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "ctlite-worker enrich: %s\n", sqlite3_errmsg(e.db));
        goto done;
    }
    sqlite3_bind_int64(st, 1, limit);
    /* The due domains first, then the requests: a lookup's result is written while others run. */
    char **names = NULL;
    size_t n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        char **grown = realloc(names, (n + 1) * sizeof *names);
        if (!grown || !(grown[n] = strdup((const char *)sqlite3_column_text(st, 0)))) {
            names = grown ? grown : names;
            break;
        }
        names = grown, n++;
    }
    sqlite3_finalize(st);
    for (size_t i = 0; i < n; i++) {
        int failed;
        size_t base_len;
        char *url = ctl_rdap_url(e.db, names[i], &base_len, &failed, err, sizeof err), why[100];
        if (!url) {
            if (failed)
                fprintf(stderr, "ctlite-worker enrich: %s: %s\n", names[i], err), e.failed++;
            else
                ctl_rdap_record(e.db, names[i], 1, 0, NULL, NULL, why, sizeof why), e.none++;
            free(names[i]);
            continue;
        }
        struct ctl_http_pace *pace = pace_of(&e, url, base_len);
        struct lookup *l = malloc(sizeof *l);
        if (!l || !pace) {
            free(l), free(url), free(names[i]);
            continue;
        }
        *l = (struct lookup){.e = &e, .name = names[i]};
        if (ctl_http_start(e.http, url, CTL_RDAP_ACCEPT, pace, looked_up, l) < 0)
            free(l->name), free(l);
        free(url);
    }
    free(names);
    while (ctl_http_run(e.http, 1000) > 0) {
    }
    printf("enrich: %zu domains looked up: %d answered, %d without RDAP, %d failed\n", n, e.ok,
           e.none, e.failed);
    status = e.failed ? 1 : 0;
done:
    ctl_http_free(e.http);
    for (struct server *sv = e.servers, *next; sv; sv = next) {
        next = sv->next;
        free(sv->base);
        free(sv);
    }
    sqlite3_close(e.db);
    return status;
}
