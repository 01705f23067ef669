/* ctlite-worker: keeps a ctlite database filled. One binary, one subcommand per job. */
#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "ctlite.h"
#include "db.h"
#include "http.h"

static const char usage[] =
    "usage: ctlite-worker [--help] [--version] COMMAND [ARGS]\n"
    "\n"
    "Keeps a ctlite database (SQLite) filled from Certificate Transparency sources.\n"
    "\n"
    "commands:\n"
    "  init DB     create DB, or bring its schema up to date (WAL mode)\n"
    "  watch DB    add, remove and list watched domains, brands, keywords and patterns\n"
    "  crtsh DB    sync the certificates of the watched domains from crt.sh\n"
    "  logs DB     load the CT logs of a v3 log list, add one by hand, list them\n"
    "  tail DB     follow the CT logs (RFC 6962 and static-ct-api), verified, into the database\n"
    "  certstream DB  follow a CertStream server (full, lite or domains-only) into the database\n"
    "  certificate-stream DB  read certificate.stream's domain names, an hour or in real time\n"
    "  status DB   where the tail stands in each log: position, lag, rate, last error\n"
    "  baseline DB record the current issuers of the watched domains as authorized\n"
    "  ca DB       add, remove and list the issuers authorized for a watched domain\n"
    "  rules DB    evaluate the rule views and raise their findings as alerts\n"
    "  alerts DB   list the alerts raised\n"
    "  ack DB      acknowledge an alert, or forget it so that it is raised again\n"
    "  notify DB   deliver the alerts: stdout, JSON files, Slack, Teams, webhooks, mail\n"
    "  run DB      follow the logs, evaluate the rules and deliver the alerts, continuously\n"
    "  enrich DB   look up the age of the domains of alerts and watches in RDAP\n"
    "  rdap-bootstrap DB FILE|URL  load the RDAP servers of each top-level domain\n"
    "  serve DB    answer domain age and first-contact queries over HTTP (domain_stats)\n"
    "  scan DB     check whether look-alike sites are up; resolve the watched domains' names\n"
    "  asn-import DB FILE  load an ip-to-ASN table (iptoasn.com TSV) for scan\n"
    "  report DB   the report_* views as JSON, CSV or one HTML page with charts\n"
    "  export DB VIEW  any view or table as JSON, CSV, HTML or text\n"
    "\n"
    "`ctlite-worker COMMAND --help` describes a command.\n";

static const char init_usage[] =
    "usage: ctlite-worker init DB\n"
    "\n"
    "Creates the SQLite database DB with ctlite's schema, or upgrades an existing one to the\n"
    "schema of this version. Safe to run again: a database already up to date is left as it is.\n"
    "The database is put in WAL mode, so analysts can query it while the worker writes.\n";

/* The code point of a C1 control or an invisible or direction-changing character encoded at
 * s (U+0080..U+009F, U+200B..U+200F, U+202A..U+202E, U+2060..U+2069, U+FEFF), with its length
 * in *n; else 0. */
static unsigned sneaky(const unsigned char *s, int *n)
{
    unsigned c = 0;
    if (s[0] == 0xC2 && s[1] >= 0x80 && s[1] <= 0x9F)
        c = s[1], *n = 2;
    else if (s[0] == 0xE2 && s[1] && s[2]) {
        c = 0x2000 | (s[1] & 0x3F) << 6 | (s[2] & 0x3F);
        *n = 3;
        if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
            !((c >= 0x200B && c <= 0x200F) || (c >= 0x202A && c <= 0x202E) ||
              (c >= 0x2060 && c <= 0x2069)))
            c = 0;
    } else if (s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
        c = 0xFEFF, *n = 3;
    return c;
}

void ctl_put_field(FILE *f, const unsigned char *s, int last)
{
    for (; s && *s; s++) {
        int n;
        unsigned c = sneaky(s, &n);
        if (c)
            fprintf(f, "\\u{%04X}", c), s += n - 1;
        else if (*s < 0x20 || *s == 0x7f || *s == '\\')
            fprintf(f, "\\x%02X", *s);
        else
            fputc(*s, f);
    }
    fputc(last ? '\n' : '\t', f);
}

int ctl_put_rows(sqlite3_stmt *st, const char *header)
{
    int rc, n = sqlite3_column_count(st);
    if (header) puts(header);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        for (int i = 0; i < n; i++) ctl_put_field(stdout, sqlite3_column_text(st, i), i == n - 1);
    return rc;
}

int ctl_read_source(const char *where, char **out, size_t *len, char *err, size_t errsz)
{
    if (!strncmp(where, "http://", 7) || !strncmp(where, "https://", 8)) {
        struct ctl_http_config c;
        ctl_http_config_init(&c);
        if (ctl_http_config_env(&c, err, errsz) < 0) return -1;
        ctl_http *h = ctl_http_new(&c);
        struct ctl_http_response r;
        int rc = h ? ctl_http_get(h, where, "application/json", &r, err, errsz) : -1;
        ctl_http_free(h);
        if (rc < 0) return -1;
        *out = r.body, *len = r.len;
        return 0;
    }
    FILE *f = fopen(where, "rb");
    if (!f) return snprintf(err, errsz, "cannot open %s: %s", where, strerror(errno)), -1;
    size_t cap = 1 << 16, n = 0, k;
    char *buf = malloc(cap);
    while (buf && (k = fread(buf + n, 1, cap - n - 1, f)) > 0)
        if ((n += k) + 1 == cap) {
            char *grown = realloc(buf, cap *= 2);
            if (!grown) free(buf);
            buf = grown;
        }
    fclose(f);
    if (!buf) return snprintf(err, errsz, "out of memory"), -1;
    buf[n] = 0;
    *out = buf, *len = n;
    return 0;
}

int is_help(const char *arg)
{
    return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

static int cmd_init(int argc, char **argv)
{
    if (argc == 2 && is_help(argv[1])) {
        fputs(init_usage, stdout);
        return 0;
    }
    if (argc != 2 || argv[1][0] == '-') {
        fputs(init_usage, stderr);
        return 2;
    }
    char err[512];
    int from, to;
    sqlite3 *db = ctl_db_open(argv[1], &from, &to, err, sizeof err);
    if (!db) {
        fprintf(stderr, "ctlite-worker: %s\n", err);
        return 1;
    }
    if (from == to)
        printf("%s: schema version %d, up to date\n", argv[1], to);
    else if (from == 0)
        printf("%s: created, schema version %d\n", argv[1], to);
    else
        printf("%s: upgraded from schema version %d to %d\n", argv[1], from, to);
    return sqlite3_close(db) == SQLITE_OK ? 0 : 1;
}

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
} commands[] = {
    {"init", cmd_init},
    {"watch", cmd_watch},
    {"crtsh", cmd_crtsh},
    {"logs", cmd_logs},
    {"tail", cmd_tail},
    {"status", cmd_status},
    {"baseline", cmd_baseline},
    {"ca", cmd_ca},
    {"rules", cmd_rules},
    {"alerts", cmd_alerts},
    {"ack", cmd_ack},
    {"notify", cmd_notify},
    {"run", cmd_run},
    {"enrich", cmd_enrich},
    {"rdap-bootstrap", cmd_rdap_bootstrap},
    {"serve", cmd_serve},
    {"scan", cmd_scan},
    {"asn-import", cmd_asn_import},
    {"certstream", cmd_certstream},
    {"certificate-stream", cmd_certificate_stream},
    {"export", cmd_export},
    {"report", cmd_report},
};

int main(int argc, char **argv)
{
#ifdef __GLIBC__
    /* Ingestion allocates and frees a page of JSON or a batch of certificates at a time: with
     * the default top pad glibc hands the heap back and faults it in again for each one,
     * a quarter of certificate-stream's CPU time. Keeping 16 MiB at the top stops that. */
    mallopt(M_TOP_PAD, 16 << 20);
#endif
    if (argc < 2) {
        fputs(usage, stderr);
        return 2;
    }
    if (is_help(argv[1])) {
        fputs(usage, stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("ctlite-worker %s (commit %s, SQLite %s)\n", CTLITE_VERSION, CTLITE_COMMIT,
               sqlite3_libversion());
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (strcmp(argv[1], commands[i].name) == 0) return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "ctlite-worker: unknown command '%s' (try --help)\n", argv[1]);
    return 2;
}
