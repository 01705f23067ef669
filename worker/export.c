/* ctlite-worker export: every row of one view or table, as JSON, CSV, HTML or text. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "db.h"
#include "out_file.h"
#include "view_format.h"

static const char usage[] =
    "usage: ctlite-worker export DB VIEW [--format json|csv|html|txt] [--out FILE]\n"
    "\n"
    "Writes every row of VIEW, any view or table of DB (a report_* view, alerts, a rule, one of\n"
    "your own), to stdout or FILE:\n"
    "  json  an array of objects, one a line, non-ASCII escaped (default)\n"
    "  csv   a header line, then a line per row (RFC 4180); a text a spreadsheet would take\n"
    "        for a formula gets a leading '\n"
    "  html  a page holding one table, viewable offline\n"
    "  txt   the first column's values, one a line (a list of names, say)\n"
    "Names come from certificates, so from anyone: HTML and text show control and\n"
    "direction-changing characters as escapes. FILE is written whole or not at all.\n";

/* An HTML page around the table, with the view's name as its title. */
static int write_page(sqlite3_stmt *st, const char *view, FILE *out)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>", out);
    ctl_put_html(out, view);
    fputs("</title>\n<style>body{font:14px system-ui,sans-serif;margin:2em}"
          "table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:2px 6px;"
          "text-align:left;vertical-align:top}td.n{text-align:right}</style>\n</head>\n<body>\n"
          "<h1>",
          out);
    ctl_put_html(out, view);
    fputs("</h1>\n", out);
    int rc = ctl_write_rows(st, CTL_FORMAT_HTML, out);
    fputs("</body>\n</html>\n", out);
    return rc;
}

int cmd_export(int argc, char **argv)
{
    if (argc >= 2 && is_help(argv[1])) return fputs(usage, stdout), 0;
    if (argc < 3 || argv[1][0] == '-' || argv[2][0] == '-') return fputs(usage, stderr), 2;
    enum ctl_format format = CTL_FORMAT_JSON;
    const char *path = "-";
    for (int i = 3; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[++i] : NULL;
        if (!strcmp(a, "--format") && v && ctl_format_parse(v, &format) == 0)
            continue;
        else if (!strcmp(a, "--out") && v)
            path = v;
        else
            return fprintf(stderr, "ctlite-worker export: unexpected '%s'%s%s\n%s", a, v ? " " : "",
                           v ? v : "", usage),
                   2;
    }
    char err[600];
    sqlite3 *db = ctl_db_open(argv[1], NULL, NULL, err, sizeof err);
    if (!db) return fprintf(stderr, "ctlite-worker: %s\n", err), 1;
    const char *view = argv[2];
    sqlite3_stmt *st = NULL;
    char *sql = sqlite3_mprintf("SELECT * FROM \"%w\"", view);
    int rc = sql ? sqlite3_prepare_v2(db, sql, -1, &st, NULL) : SQLITE_NOMEM;
    sqlite3_free(sql);
    int status = 1;
    struct ctl_out_file o;
    if (rc != SQLITE_OK)
        fprintf(stderr, "ctlite-worker export: %s: %s\n", view, sqlite3_errmsg(db));
    else if (ctl_out_file_open(&o, path, err, sizeof err) < 0)
        fprintf(stderr, "ctlite-worker export: %s\n", err);
    else {
        rc =
            format == CTL_FORMAT_HTML ? write_page(st, view, o.f) : ctl_write_rows(st, format, o.f);
        if (rc != SQLITE_DONE) {
            fprintf(stderr, "ctlite-worker export: %s: %s\n", view, sqlite3_errmsg(db));
            ctl_out_file_abort(&o);
        } else if (ctl_out_file_commit(&o, err, sizeof err) < 0)
            fprintf(stderr, "ctlite-worker export: %s\n", err);
        else
            status = 0;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return status;
}
