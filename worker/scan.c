/* ctlite-worker scan: are the look-alike sites up, and where do the watched domains' names
 * point? Hosts come from rule hits (resolved and fetched until they are up, or for
 * scan_stop_days) and from the names seen under watched domains (resolved again every
 * resolve_interval). What is found goes to host and host_address; rule_site_up raises the
 * live look-alikes, and each newly live one can also be written as a JSON file with
 * CertStreamMonitor's fields. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "asn.h"
#include "commands.h"
#include "dated_file.h"
#include "db.h"
#include "probe.h"
#include "resolve.h"
#include "rules.h"

static const char usage[] =
    "usage: ctlite-worker scan DB [options]\n"
    "\n"
    "Checks the hosts that need it:\n"
    "  - the names of rule hits (look-alikes; wildcards skipped) until they are found up, or\n"
    "    for scan_stop_days (180) while they stay down, every scan_interval (3600 s): DNS (A,\n"
    "    AAAA, CNAME), then GET https://NAME/ and GET http://NAME/. Up means either answered\n"
    "    with any HTTP status. Recorded: the statuses, the page title, a redirect's target,\n"
    "    the served certificate's SHA-256 and serial, a certificate that did not verify, the\n"
    "    address and its AS (from ip_asn, see asn-import);\n"
    "  - the names seen under watched domains, resolved every resolve_interval (86400 s).\n"
    "Results go to the tables host and host_address; the rule site_up raises live look-alikes.\n"
    "\n"
    "  --limit N            hosts checked in this run, rule hits first (default 500)\n"
    "  --dns HOST[:PORT]    the DNS server to ask (default: setting dns_server, else the\n"
    "                       system's)\n"
    "  --timeout S          seconds for each DNS try and each GET (default 5)\n"
    "  --parallel N         GETs at once (default 16)\n"
    "  --proxy URL          fetch through this proxy (http://, socks5h://, ...)\n"
    "  --user-agents FILE   a User-Agent line from FILE, chosen at random for each GET\n"
    "  --cainfo FILE        CA certificates to verify sites with (default: the system's)\n"
    "  --json-dir DIR       write each newly live look-alike to DIR/YYYY/MM/DD/NAME.json\n"
    "                       (CertStreamMonitor's fields)\n"
    "  --https-port N, --http-port N   ports to fetch (default 443 and 80)\n";

struct target {
    char *name;
    int hit, was_up;
    struct ctl_resolved dns;
    struct ctl_probe *https, *http; /* hits only */
};

struct options {
    long limit;
    const char *dns, *json_dir, *agents_file;
    struct ctl_probe_config probe;
};

/* The lines of path, for User-Agent headers. -1 with err. */
static int read_lines(const char *path, char ***lines, size_t *n, char *err, size_t errsz)
{
    char *text;
    size_t len;
    if (ctl_read_source(path, &text, &len, err, errsz) < 0) return -1;
    *lines = NULL, *n = 0;
    for (char *s = strtok(text, "\r\n"); s; s = strtok(NULL, "\r\n")) {
        if (!*s) continue;
        char **grown = realloc(*lines, (*n + 1) * sizeof *grown);
        if (!grown || !(grown[*n] = strdup(s))) {
            free(grown ? grown : *lines), free(text);
            return snprintf(err, errsz, "out of memory"), -1;
        }
        *lines = grown, (*n)++;
    }
    free(text);
    if (!*n) return snprintf(err, errsz, "%s: no User-Agent line", path), -1;
    return 0;
}

static int parse(int argc, char **argv, struct options *o)
{
    *o = (struct options){
        .limit = 500,
        .probe = {.timeout_ms = 5000, .https_port = 443, .http_port = 80, .parallel = 16}};
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        char *end = NULL;
        long num = v ? strtol(v, &end, 10) : 0;
        int number = v && end != v && !*end && num > 0;
        if (!v) return fprintf(stderr, "ctlite-worker scan: '%s' without a value\n", a), -1;
        i++;
        if (!strcmp(a, "--limit") && number)
            o->limit = num;
        else if (!strcmp(a, "--timeout") && number)
            o->probe.timeout_ms = num * 1000;
        else if (!strcmp(a, "--parallel") && number && num <= 1024)
            o->probe.parallel = (int)num;
        else if (!strcmp(a, "--https-port") && number && num < 65536)
            o->probe.https_port = (int)num;
        else if (!strcmp(a, "--http-port") && number && num < 65536)
            o->probe.http_port = (int)num;
        else if (!strcmp(a, "--dns"))
            o->dns = v;
        else if (!strcmp(a, "--proxy"))
            o->probe.proxy = v;
        else if (!strcmp(a, "--cainfo"))
            o->probe.cainfo = v;
        else if (!strcmp(a, "--json-dir"))
            o->json_dir = v;
        else if (!strcmp(a, "--user-agents"))
            o->agents_file = v;
        else
            return fprintf(stderr, "ctlite-worker scan: unexpected '%s %s'\n%s", a, v, usage), -1;
    }
    return 0;
}

/* The hosts to check: rule hits' names and watched domains' names join the host table, then
 * those due are read, hits first. */
static const char collect_sql[] =
    "INSERT INTO host(name, kind) SELECT DISTINCT n, 'hit' "
    "  FROM (SELECT lower(json_extract(detail, '$.name')) AS n FROM alert_log) "
    " WHERE n NOT GLOB '*[^a-z0-9._-]*' AND n GLOB '[a-z0-9]*' "
    "   AND registrable_domain(n) IN (SELECT name FROM domain WHERE first_hit IS NOT NULL) "
    "ON CONFLICT DO NOTHING;"
    "INSERT INTO host(name, kind) SELECT s.name, 'subdomain' FROM seen_name s "
    " WHERE s.name NOT LIKE '*%' AND EXISTS (SELECT 1 FROM watch w WHERE w.kind = 'domain' "
    "   AND (s.name = w.value OR (w.scope = 'subtree' AND s.name LIKE '%.' || w.value))) "
    "ON CONFLICT DO NOTHING;";

static const char due_sql[] = "SELECT name, kind = 'hit', state IS 'up' FROM host "
                              " WHERE next_check <= unixepoch() AND state IS NOT 'stopped' "
                              "   AND NOT (kind = 'hit' AND state IS 'up') "
                              " ORDER BY kind <> 'hit', next_check, name LIMIT ?1";

static const char record_sql[] =
    "UPDATE host SET "
    "  state = CASE WHEN kind = 'subdomain' THEN iif(?2, 'resolved', 'unresolved') "
    "               WHEN ?4 OR ?5 THEN 'up' "
    "               WHEN first_seen < unixepoch() - 86400 * (SELECT coalesce(max(value), 180) "
    "                    FROM setting WHERE name = 'scan_stop_days') THEN 'stopped' "
    "               ELSE 'down' END, "
    "  up_since = iif(kind = 'hit' AND (?4 OR ?5), coalesce(up_since, unixepoch()), up_since), "
    "  checked_at = unixepoch(), checks = checks + 1, "
    "  next_check = unixepoch() + (SELECT coalesce(max(value), iif(kind = 'hit', 3600, 86400)) "
    "    FROM setting WHERE name = iif(kind = 'hit', 'scan_interval', 'resolve_interval')), "
    "  cname = ?3, dns_error = iif(?2, NULL, ?6), https_status = nullif(?4, 0), "
    "  http_status = nullif(?5, 0), error = ?7, tls_error = ?8, location = ?9, title = ?10, "
    "  cert_sha256 = ?11, cert_serial = ?12, address = ?13, asn = ?14, asn_prefix = ?15, "
    "  asn_country = ?16, asn_description = ?17 "
    "WHERE name = ?1 RETURNING state, up_since";

static const char address_sql[] =
    "INSERT INTO host_address(host, address, family) VALUES (?1, ?2, ?3) "
    "ON CONFLICT DO UPDATE SET last_seen = unixepoch()";

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    sqlite3_bind_text(st, i, s && *s ? s : NULL, -1, SQLITE_TRANSIENT);
}

/* CertStreamMonitor's alert file for a newly live host. */
static void write_json(const struct options *o, const struct target *t, time_t up_since,
                       const struct ctl_asn *asn, int have_asn)
{
    const struct ctl_probe *p = t->https->status ? t->https : t->http;
    json_t *doc = json_pack(
        "{s:s, s:I, s:s?, s:s?, s:s?, s:s?, s:o, s:s?, s:s?, s:s?, s:n, s:n}", "hostname", t->name,
        "http_code", (json_int_t)p->status, "cert_serial_number",
        *t->https->cert_serial ? t->https->cert_serial : NULL, "cert_sha256",
        *t->https->cert_sha256 ? t->https->cert_sha256 : NULL, "webpage_title",
        *p->title ? p->title : NULL, "ip_addr", t->dns.naddrs ? t->dns.addrs[0] : NULL, "asn",
        have_asn ? json_integer(asn->asn) : json_null(), "asn_cidr", have_asn ? asn->prefix : NULL,
        "asn_country_code", have_asn ? asn->country : NULL, "asn_description",
        have_asn ? asn->description : NULL, "asn_abuse_email", "safe_browsing_status");
    char *text = doc ? json_dumps(doc, JSON_INDENT(4) | JSON_ENSURE_ASCII) : NULL;
    char name[300], err[600];
    snprintf(name, sizeof name, "%s.json", t->name);
    if (!text || ctl_dated_file_write(o->json_dir, up_since, name, text, err, sizeof err) < 0)
        fprintf(stderr, "ctlite-worker scan: %s: %s\n", t->name, text ? err : "out of memory");
    free(text);
    json_decref(doc);
}

/* Records what was found of t; counts it into n (up, down, stopped, resolved, unresolved). */
static int record(sqlite3 *db, const struct options *o, struct target *t, long n[5])
{
    sqlite3_stmt *st = NULL, *ad = NULL;
    struct ctl_asn asn = {0};
    int have_asn = 0, rc;
    const char *address = t->dns.naddrs ? t->dns.addrs[0] : NULL;
    if (t->hit && address && (have_asn = ctl_asn_lookup(db, address, &asn)) < 0) return -1;
    json_t *chain = json_array();
    for (size_t i = 0; i < t->dns.ncnames; i++)
        json_array_append_new(chain, json_string(t->dns.cnames[i]));
    char *cname = t->dns.ncnames ? json_dumps(chain, JSON_COMPACT) : NULL, errors[600] = "";
    json_decref(chain);
    const struct ctl_probe *hs = t->https, *h = t->http, *page = NULL;
    if (t->hit) {
        page = hs->status ? hs : h;
        if (!hs->status || !h->status)
            snprintf(errors, sizeof errors, "%s%s%s%s%s",
                     hs->status ? "" : "https: ", hs->status ? "" : hs->error,
                     !hs->status && !h->status ? "; " : "",
                     h->status ? "" : "http: ", h->status ? "" : h->error);
    }
    rc = sqlite3_prepare_v2(db, record_sql, -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, t->dns.ok);
        sqlite3_bind_text(st, 3, cname, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, hs ? hs->status : 0);
        sqlite3_bind_int64(st, 5, h ? h->status : 0);
        bind_text(st, 6, t->dns.error);
        bind_text(st, 7, errors);
        if (page) {
            bind_text(st, 8, hs->tls_error);
            bind_text(st, 9, page->location);
            bind_text(st, 10, page->title);
            bind_text(st, 11, hs->cert_sha256);
            bind_text(st, 12, hs->cert_serial);
        }
        bind_text(st, 13, t->hit ? address : NULL);
        if (have_asn) {
            sqlite3_bind_int64(st, 14, asn.asn);
            bind_text(st, 15, asn.prefix);
            bind_text(st, 16, asn.country);
            bind_text(st, 17, asn.description);
        }
        rc = sqlite3_step(st);
    }
    free(cname);
    if (rc != SQLITE_ROW) return sqlite3_finalize(st), -1;
    const char *state = (const char *)sqlite3_column_text(st, 0);
    static const char *const states[5] = {"up", "down", "stopped", "resolved", "unresolved"};
    for (int i = 0; i < 5; i++) n[i] += !strcmp(state, states[i]);
    if (!strcmp(state, "up") && !t->was_up && o->json_dir)
        write_json(o, t, (time_t)sqlite3_column_int64(st, 1), &asn, have_asn);
    sqlite3_finalize(st);
    rc = sqlite3_prepare_v2(db, address_sql, -1, &ad, NULL);
    for (size_t i = 0; rc == SQLITE_OK && i < t->dns.naddrs; i++) {
        sqlite3_bind_text(ad, 1, t->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(ad, 2, t->dns.addrs[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(ad, 3, t->dns.v6[i] ? "AAAA" : "A", -1, SQLITE_STATIC);
        rc = sqlite3_step(ad) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
        sqlite3_reset(ad);
    }
    sqlite3_finalize(ad);
    return rc == SQLITE_OK ? 0 : -1;
}

/* The due targets, from the database. */
static struct target *due(sqlite3 *db, long limit, size_t *n)
{
    sqlite3_stmt *st;
    struct target *t = NULL;
    *n = 0;
    char err[200];
    if (ctl_rules_record_domains(db, 0, err, sizeof err) < 0 ||
        sqlite3_exec(db, collect_sql, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, due_sql, -1, &st, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_int64(st, 1, limit);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct target *grown = realloc(t, (*n + 1) * sizeof *t);
        if (!grown) break;
        t = grown;
        t[*n] = (struct target){.name = strdup((const char *)sqlite3_column_text(st, 0)),
                                .hit = sqlite3_column_int(st, 1),
                                .was_up = sqlite3_column_int(st, 2)};
        if (!t[*n].name) break;
        t[*n].dns.name = t[*n].name;
        (*n)++;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        for (size_t i = 0; i < *n; i++) free(t[i].name);
        free(t);
        return NULL;
    }
    return t ? t : calloc(1, sizeof *t);
}

int cmd_scan(int argc, char **argv)
{
    if (argc >= 2 && is_help(argv[1])) return fputs(usage, stdout), 0;
    if (argc < 2 || argv[1][0] == '-') return fputs(usage, stderr), 2;
    struct options o;
    if (parse(argc, argv, &o) < 0) return 2;
    char err[600];
    if (o.agents_file &&
        read_lines(o.agents_file, &o.probe.agents, &o.probe.nagents, err, sizeof err) < 0)
        return fprintf(stderr, "ctlite-worker scan: %s\n", err), 1;
    sqlite3 *db = ctl_db_open(argv[1], NULL, NULL, err, sizeof err);
    if (!db) return fprintf(stderr, "ctlite-worker: %s\n", err), 1;
    int status = 1;
    size_t n = 0, nprobes = 0;
    struct target *t = due(db, o.limit, &n);
    struct ctl_resolved *dns = calloc(n ? n : 1, sizeof *dns);
    struct ctl_probe *probes = calloc(n ? 2 * n : 1, sizeof *probes);
    char *server = NULL;
    if (!t || !dns || !probes) {
        fprintf(stderr, "ctlite-worker scan: %s\n", t ? "out of memory" : sqlite3_errmsg(db));
        goto done;
    }
    if (!o.dns) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(db, "SELECT value FROM setting WHERE name = 'dns_server'", -1, &st,
                               NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
            server = strdup((const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
    }
    for (size_t i = 0; i < n; i++) dns[i] = t[i].dns;
    if (ctl_resolve(o.dns ? o.dns : server, dns, n, o.probe.timeout_ms, err, sizeof err) < 0) {
        fprintf(stderr, "ctlite-worker scan: %s\n", err);
        goto done;
    }
    /* A host that does not resolve is not fetched (a proxy would find no more). */
    for (size_t i = 0; i < n; i++) {
        t[i].dns = dns[i];
        if (!t[i].hit) continue;
        t[i].https = &probes[nprobes], t[i].http = &probes[nprobes + 1];
        for (int k = 0; k < 2; k++) {
            struct ctl_probe *p = &probes[nprobes++];
            p->host = t[i].name, p->https = k == 0;
            p->address = dns[i].naddrs ? dns[i].addrs[0] : NULL;
            if (!dns[i].ok) snprintf(p->error, sizeof p->error, "not resolved: %s", dns[i].error);
        }
    }
    /* The ones that did not resolve keep their error and are not fetched. */
    if (ctl_probe_run(&o.probe, probes, nprobes, err, sizeof err) < 0) {
        fprintf(stderr, "ctlite-worker scan: %s\n", err);
        goto done;
    }
    long count[5] = {0};
    int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    for (size_t i = 0; rc == SQLITE_OK && i < n; i++)
        if (record(db, &o, &t[i], count) < 0) rc = SQLITE_ERROR;
    if (rc == SQLITE_OK) rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        fprintf(stderr, "ctlite-worker scan: %s\n", sqlite3_errmsg(db));
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        goto done;
    }
    printf("scan: %ld look-alike hosts: %ld up, %ld down, %ld stopped; %ld subdomains: %ld "
           "resolved, %ld unresolved\n",
           count[0] + count[1] + count[2], count[0], count[1], count[2], count[3] + count[4],
           count[3], count[4]);
    status = 0;
done:
    for (size_t i = 0; t && i < n; i++) {
        ctl_resolved_clear(&t[i].dns);
        free(t[i].name);
    }
    for (size_t i = 0; i < o.probe.nagents; i++) free(o.probe.agents[i]);
    free(o.probe.agents);
    free(t), free(dns), free(probes), free(server);
    sqlite3_close(db);
    return status;
}
