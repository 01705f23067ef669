/* ctlite-worker report: the report_* views of sql/reports.sql put together, as one JSON
 * document, CSV files, or one self-contained HTML page with tables and SVG charts. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "commands.h"
#include "db.h"
#include "out_file.h"
#include "svg_chart.h"
#include "view_format.h"

static const char usage[] =
    "usage: ctlite-worker report DB [--format html|json|csv] [--out PATH] [--view NAME ...]\n"
    "                               [--days N]\n"
    "\n"
    "Puts the report views together (sql/reports.sql): look-alike domains with their technique,\n"
    "age and liveness, recent alerts, alerts per rule and day, the watched domains'\n"
    "certificates, their issuers, the names found under them, and the CT logs' ingestion.\n"
    "\n"
    "  --format F  html (default): one page, viewable offline, with the tables and charts of\n"
    "              the certificates issued per day, the issuers' shares and the alerts per\n"
    "              rule over time; json: one object, a key per view (certificate_inventory,\n"
    "              issuer_breakdown, subdomains, recent_alerts, ...) holding its rows; csv: a\n"
    "              file per view, VIEW.csv in the directory --out (made if missing)\n"
    "  --out PATH  the file (a directory for csv); default: stdout (csv: one view only)\n"
    "  --view V    this view (or table) instead of the report's own; repeat for more\n"
    "  --days N    the charts cover the last N days (default 90)\n"
    "\n"
    "Every certificate-derived text is escaped for its format. Files are written whole or not at\n"
    "all. `ctlite-worker export` writes any single view.\n";

/* The report's sections, in the order a reader wants them. */
static const struct section {
    const char *view, *key, *title;
} sections[] = {
    {"report_lookalikes", "lookalikes", "Look-alike domains"},
    {"report_recent_alerts", "recent_alerts", "Recent alerts"},
    {"report_alerts_daily", "alerts_by_day", "Alerts per rule and day"},
    {"report_certificates", "certificate_inventory", "Certificates of the watched domains"},
    {"report_issuers", "issuer_breakdown", "Issuers"},
    {"report_subdomains", "subdomains", "Names under the watched domains"},
    {"report_logs", "logs", "CT logs"},
};
enum { NSECTIONS = sizeof sections / sizeof *sections };

/* The rows an HTML table shows at most: the whole view is for export. */
enum { HTML_ROWS = 1000 };

struct report {
    sqlite3 *db;
    const char *db_path;
    struct section *chosen;
    size_t n;
    int days;
};

/* Prepares "SELECT * FROM view" (with limit when > 0). NULL with a message said. */
static sqlite3_stmt *select_all(sqlite3 *db, const char *view, int limit)
{
    char *sql = sqlite3_mprintf("SELECT * FROM \"%w\"%s", view, limit > 0 ? " LIMIT ?1" : "");
    sqlite3_stmt *st = NULL;
    if (!sql || sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fprintf(stderr, "ctlite-worker report: %s: %s\n", view,
                sql ? sqlite3_errmsg(db) : "out of memory");
    else if (limit > 0)
        sqlite3_bind_int(st, 1, limit);
    sqlite3_free(sql);
    return st;
}

/* Runs st (finalized after; NULL: its preparation failed, already said) to out in format f.
 * 0, or -1 with the error said. */
static int write_view(sqlite3 *db, const char *view, sqlite3_stmt *st, enum ctl_format f, FILE *out)
{
    if (!st) return -1;
    int rc = ctl_write_rows(st, f, out);
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE) return 0;
    fprintf(stderr, "ctlite-worker report: %s: %s\n", view, sqlite3_errmsg(db));
    return -1;
}

static void utc_now(char *out, size_t n, const char *fmt)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, n, fmt, &tm);
}

/* "key": with key as a JSON string. */
static void json_key(FILE *out, const char *key)
{
    json_t *k = json_string(key);
    if (k) json_dumpf(k, out, JSON_ENCODE_ANY | JSON_ENSURE_ASCII);
    json_decref(k);
    fputs(": ", out);
}

static int write_json(struct report *r, FILE *out)
{
    char now[32];
    utc_now(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ");
    fprintf(out, "{\"generated_at\": \"%s\"", now);
    for (size_t i = 0; i < r->n; i++) {
        sqlite3_stmt *st = select_all(r->db, r->chosen[i].view, 0);
        if (!st) return -1;
        /* Keys are the sections' own or a view name, which SQLite allows to hold anything. */
        fputs(",\n", out);
        json_key(out, r->chosen[i].key);
        if (write_view(r->db, r->chosen[i].view, st, CTL_FORMAT_JSON, out) < 0) return -1;
    }
    fputs("}\n", out);
    return 0;
}

/* One VIEW.csv a view into the directory dir. */
static int write_csv(struct report *r, const char *dir)
{
    if (mkdir(dir, 0755) < 0 && errno != EEXIST)
        return fprintf(stderr, "ctlite-worker report: %s: %s\n", dir, strerror(errno)), -1;
    for (size_t i = 0; i < r->n; i++) {
        const char *view = r->chosen[i].view;
        /* A view's name becomes a file name: only a plain one will do. */
        if (strchr(view, '/') || view[0] == '.')
            return fprintf(stderr, "ctlite-worker report: %s: not a file name\n", view), -1;
        char path[4200], err[600];
        snprintf(path, sizeof path, "%s/%s.csv", dir, view);
        sqlite3_stmt *st = select_all(r->db, view, 0);
        struct ctl_out_file o;
        if (!st) return -1;
        if (ctl_out_file_open(&o, path, err, sizeof err) < 0) {
            sqlite3_finalize(st);
            return fprintf(stderr, "ctlite-worker report: %s\n", err), -1;
        }
        if (write_view(r->db, view, st, CTL_FORMAT_CSV, o.f) < 0) return ctl_out_file_abort(&o), -1;
        if (ctl_out_file_commit(&o, err, sizeof err) < 0)
            return fprintf(stderr, "ctlite-worker report: %s\n", err), -1;
    }
    return 0;
}

/* The first column of each row of sql as labels (copied) and the next k columns as values,
 * into a chart's arrays. 0, or -1 with the error said. */
static int chart_data(sqlite3 *db, const char *sql, int days, size_t k, char ***labels,
                      double **values, size_t *n)
{
    sqlite3_stmt *st;
    *labels = NULL, *values = NULL, *n = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return fprintf(stderr, "ctlite-worker report: %s\n", sqlite3_errmsg(db)), -1;
    if (sqlite3_bind_parameter_count(st)) sqlite3_bind_int(st, 1, days);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        char **l = realloc(*labels, (*n + 1) * sizeof *l);
        double *v = l ? realloc(*values, (*n + 1) * k * sizeof *v) : NULL;
        if (l) *labels = l;
        if (v) *values = v;
        const unsigned char *t = sqlite3_column_text(st, 0);
        if (!l || !v || !(l[*n] = strdup(t ? (const char *)t : ""))) {
            rc = SQLITE_NOMEM;
            break;
        }
        for (size_t j = 0; j < k; j++) v[*n * k + j] = sqlite3_column_double(st, 1 + (int)j);
        (*n)++;
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE) return 0;
    fprintf(stderr, "ctlite-worker report: %s\n",
            rc == SQLITE_NOMEM ? "out of memory" : sqlite3_errmsg(db));
    return -1;
}

static void free_labels(char **labels, size_t n)
{
    for (size_t i = 0; i < n; i++) free(labels[i]);
    free(labels);
}

/* The days of the window, oldest first, as the first column; the charts over time join it. */
#define DAYS                                                                                       \
    "WITH RECURSIVE day(d) AS (SELECT date('now', '-' || (?1 - 1) || ' days') UNION ALL "          \
    "SELECT date(d, '+1 day') FROM day WHERE d < date('now')) "

/* A chart of one series: sql's first column as the labels, its second as the values. */
static int one_series(struct report *r, FILE *out, const char *title, const char *sql,
                      int horizontal)
{
    char **labels;
    double *values;
    size_t n;
    if (chart_data(r->db, sql, r->days, 1, &labels, &values, &n) < 0) return -1;
    const char *series[] = {"certificates"};
    ctl_svg_chart(out, &(struct ctl_chart){title, (const char *const *)labels, n, series, 1, values,
                                           horizontal});
    free_labels(labels, n), free(values);
    return 0;
}

static int chart_issued(struct report *r, FILE *out)
{
    return one_series(r, out, "Certificates issued per day",
                      DAYS "SELECT d, coalesce(c.n, 0) FROM day LEFT JOIN "
                           "(SELECT substr(not_before, 1, 10) AS d, count(*) AS n "
                           "FROM report_certificates GROUP BY 1) c USING (d) ORDER BY d",
                      0);
}

/* The issuers by their issuances over every watched domain: the eight largest, then the rest. */
static int chart_issuers(struct report *r, FILE *out)
{
    return one_series(r, out, "Issuers of the watched domains' certificates",
                      "WITH i AS (SELECT issuer, sum(certificates) AS n, row_number() OVER "
                      "(ORDER BY sum(certificates) DESC, issuer) AS rank FROM report_issuers "
                      "GROUP BY issuer) "
                      "SELECT issuer, n, rank FROM i WHERE rank <= 8 UNION ALL "
                      "SELECT 'all others', sum(n), 9 FROM i WHERE rank > 8 HAVING count(*) > 0 "
                      "ORDER BY 3",
                      1);
}

/* Alerts per day in the window, a series per rule raised in it. */
static int chart_alerts(struct report *r, FILE *out)
{
    char **rules, **labels;
    double *unused, *values;
    size_t k, n;
    if (chart_data(r->db,
                   "SELECT DISTINCT rule, 0 FROM report_alerts_daily "
                   "WHERE day >= date('now', '-' || (?1 - 1) || ' days') ORDER BY rule",
                   r->days, 1, &rules, &unused, &k) < 0)
        return -1;
    free(unused);
    sqlite3_str *sql = sqlite3_str_new(r->db);
    sqlite3_str_appendall(sql, DAYS "SELECT d");
    for (size_t j = 0; j < k; j++)
        sqlite3_str_appendf(sql,
                            ", (SELECT alerts FROM report_alerts_daily a "
                            "WHERE a.day = d AND a.rule = %Q)",
                            rules[j]);
    sqlite3_str_appendall(sql, " FROM day ORDER BY d");
    char *text = sqlite3_str_finish(sql);
    int rc = text ? chart_data(r->db, text, r->days, k ? k : 1, &labels, &values, &n) : -1;
    sqlite3_free(text);
    if (rc == 0) {
        ctl_svg_chart(out,
                      &(struct ctl_chart){"Alerts per rule and day", (const char *const *)labels, n,
                                          (const char *const *)rules, k, values, 0});
        free_labels(labels, n), free(values);
    }
    free_labels(rules, k);
    return rc;
}

/* A number for the summary line, or -1 when the query fails. */
static long long count_of(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    long long n = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static const char style[] =
    "body{font:14px/1.4 system-ui,sans-serif;margin:2em auto;max-width:1200px;padding:0 1em;"
    "color:#222}h1{margin-bottom:0}h2{margin-top:2em;border-bottom:1px solid #ccc}"
    ".facts{display:flex;flex-wrap:wrap;gap:1em;padding:0;list-style:none}"
    ".facts li{border:1px solid #ccc;border-radius:4px;padding:.5em 1em}"
    ".facts b{display:block;font-size:1.6em}"
    "table{border-collapse:collapse;font-size:13px}th,td{border:1px solid #ddd;padding:2px 6px;"
    "text-align:left;vertical-align:top;word-break:break-word}th{background:#f4f4f4;"
    "word-break:normal;white-space:nowrap}"
    "td.n{text-align:right}.chart{max-width:100%;height:auto}.note{color:#666}"
    "figure{margin:1em 0}figcaption{font-weight:600;margin-bottom:.3em}";

static int write_html(struct report *r, FILE *out)
{
    char now[32];
    utc_now(now, sizeof now, "%Y-%m-%d %H:%M UTC");
    const char *base = strrchr(r->db_path, '/');
    fprintf(out,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<title>ctlite report</title>\n<style>%s</style>\n</head>\n<body>\n"
            "<h1>ctlite report</h1>\n<p class=\"note\">",
            style);
    ctl_put_html(out, base ? base + 1 : r->db_path);
    fprintf(out, ", %s</p>\n<ul class=\"facts\">\n", now);
    static const struct {
        const char *what, *sql;
    } facts[] = {
        {"watched domains", "SELECT count(*) FROM watch WHERE kind = 'domain'"},
        {"brands", "SELECT count(*) FROM watch WHERE kind = 'brand'"},
        {"certificates of watched domains", "SELECT count(*) FROM report_certificates"},
        {"look-alike domains", "SELECT count(*) FROM report_lookalikes"},
        {"alerts", "SELECT count(*) FROM alert_log"},
        {"not acknowledged", "SELECT count(*) FROM alert_log WHERE acknowledged_at IS NULL"},
    };
    for (size_t i = 0; i < sizeof facts / sizeof *facts; i++)
        fprintf(out, "<li><b>%lld</b>%s</li>\n", count_of(r->db, facts[i].sql), facts[i].what);
    fputs("</ul>\n<h2 id=\"charts\">Over the last days</h2>\n", out);
    if (chart_issued(r, out) < 0 || chart_alerts(r, out) < 0) return -1;
    fputs("<h2 id=\"issuers\">Issuers</h2>\n", out);
    if (chart_issuers(r, out) < 0) return -1;
    for (size_t i = 0; i < r->n; i++) {
        const struct section *s = &r->chosen[i];
        fputs("<h2 id=\"", out);
        ctl_put_html(out, s->key);
        fputs("\">", out);
        ctl_put_html(out, s->title);
        fputs("</h2>\n", out);
        sqlite3_stmt *st = select_all(r->db, s->view, HTML_ROWS);
        if (!st || write_view(r->db, s->view, st, CTL_FORMAT_HTML, out) < 0) return -1;
        char *sql = sqlite3_mprintf("SELECT count(*) FROM \"%w\"", s->view);
        long long all = sql ? count_of(r->db, sql) : -1;
        sqlite3_free(sql);
        if (all > HTML_ROWS) {
            fprintf(out,
                    "<p class=\"note\">The first %d rows of %lld: <code>ctlite-worker export "
                    "DB ",
                    HTML_ROWS, all);
            ctl_put_html(out, s->view);
            fputs("</code> writes them all.</p>\n", out);
        }
    }
    fputs("</body>\n</html>\n", out);
    return 0;
}

int cmd_report(int argc, char **argv)
{
    if (argc >= 2 && is_help(argv[1])) return fputs(usage, stdout), 0;
    if (argc < 2 || argv[1][0] == '-') return fputs(usage, stderr), 2;
    enum ctl_format format = CTL_FORMAT_HTML;
    const char *path = NULL;
    struct report r = {.db_path = argv[1], .days = 90};
    struct section *views = calloc((size_t)argc, sizeof *views);
    size_t nviews = 0;
    if (!views) return fputs("ctlite-worker report: out of memory\n", stderr), 1;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[++i] : NULL;
        char *end = NULL;
        long days = v ? strtol(v, &end, 10) : 0;
        if (!strcmp(a, "--format") && v && ctl_format_parse(v, &format) == 0 &&
            format != CTL_FORMAT_TXT)
            continue;
        else if (!strcmp(a, "--out") && v)
            path = v;
        else if (!strcmp(a, "--view") && v)
            views[nviews++] = (struct section){v, v, v};
        else if (!strcmp(a, "--days") && v && end != v && !*end && days >= 1 && days <= 3650)
            r.days = (int)days;
        else {
            free(views);
            return fprintf(stderr, "ctlite-worker report: unexpected '%s'%s%s\n%s", a, v ? " " : "",
                           v ? v : "", usage),
                   2;
        }
    }
    /* A view asked for by a section's name is shown under the section's title. */
    for (size_t i = 0; i < nviews; i++)
        for (size_t j = 0; j < NSECTIONS; j++)
            if (!strcmp(views[i].view, sections[j].view)) views[i] = sections[j];
    r.chosen = nviews ? views : (struct section *)sections;
    r.n = nviews ? nviews : NSECTIONS;
    if (format == CTL_FORMAT_CSV && !path && r.n > 1) {
        free(views);
        return fputs("ctlite-worker report: --format csv writes a file per view: --out DIR is "
                     "needed (or one --view, to stdout)\n",
                     stderr),
               2;
    }
    char err[600];
    int status = 1;
    if (!(r.db = ctl_db_open(r.db_path, NULL, NULL, err, sizeof err))) {
        fprintf(stderr, "ctlite-worker: %s\n", err);
    } else if (format == CTL_FORMAT_CSV && path) {
        status = write_csv(&r, path) == 0 ? 0 : 1;
    } else {
        struct ctl_out_file o;
        if (ctl_out_file_open(&o, path ? path : "-", err, sizeof err) < 0)
            fprintf(stderr, "ctlite-worker report: %s\n", err);
        else if ((format == CTL_FORMAT_JSON ? write_json(&r, o.f)
                  : format == CTL_FORMAT_HTML
                      ? write_html(&r, o.f)
                      : write_view(r.db, r.chosen[0].view, select_all(r.db, r.chosen[0].view, 0),
                                   CTL_FORMAT_CSV, o.f)) < 0)
            ctl_out_file_abort(&o);
        else if (ctl_out_file_commit(&o, err, sizeof err) < 0)
            fprintf(stderr, "ctlite-worker report: %s\n", err);
        else
            status = 0;
    }
    sqlite3_close(r.db);
    free(views);
    return status;
}
