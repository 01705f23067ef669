#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "alert_format.h"
#include "view_format.h"

int ctl_format_parse(const char *name, enum ctl_format *f)
{
    static const char *const names[] = {[CTL_FORMAT_JSON] = "json",
                                        [CTL_FORMAT_CSV] = "csv",
                                        [CTL_FORMAT_HTML] = "html",
                                        [CTL_FORMAT_TXT] = "txt"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (!strcmp(name, names[i])) return *f = (enum ctl_format)i, 0;
    return -1;
}

void ctl_put_html(FILE *out, const char *s)
{
    char *safe = ctl_alert_safe_text(s, (size_t)-1 / 16);
    for (const char *p = safe ? safe : ""; *p; p++) switch (*p) {
        case '&':
            fputs("&amp;", out);
            break;
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        case '\'':
            fputs("&#39;", out);
            break;
        default:
            fputc(*p, out);
        }
    free(safe);
}

/* Column i of the current row as a JSON value (new reference; NULL when out of memory). */
static json_t *json_value(sqlite3_stmt *st, int i)
{
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER:
        return json_integer(sqlite3_column_int64(st, i));
    case SQLITE_FLOAT:
        return json_real(sqlite3_column_double(st, i));
    case SQLITE_NULL:
        return json_null();
    case SQLITE_BLOB: {
        /* Hex, as SQLite's hex() gives it. */
        const unsigned char *b = sqlite3_column_blob(st, i);
        int n = sqlite3_column_bytes(st, i);
        char *hex = malloc(2 * (size_t)n + 1);
        if (!hex) return NULL;
        for (int k = 0; k < n; k++) snprintf(hex + 2 * k, 3, "%02X", b[k]);
        hex[2 * n] = 0;
        json_t *v = json_string(hex);
        free(hex);
        return v;
    }
    default: {
        const char *t = (const char *)sqlite3_column_text(st, i);
        size_t n = (size_t)sqlite3_column_bytes(st, i);
        if (!strcmp(sqlite3_column_name(st, i), "detail") && n && *t == '{') {
            json_t *o = json_loadb(t, n, 0, NULL);
            if (json_is_object(o)) return o;
            json_decref(o);
        }
        /* Text that is not UTF-8 is kept readable rather than refused. */
        json_t *v = json_stringn(t, n);
        if (v) return v;
        char *safe = ctl_alert_safe_text(t, (size_t)-1 / 16);
        v = safe ? json_string(safe) : NULL;
        free(safe);
        return v;
    }
    }
}

static int write_json(sqlite3_stmt *st, FILE *out)
{
    int rc, n = sqlite3_column_count(st), rows = 0;
    fputc('[', out);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *row = json_object();
        for (int i = 0; i < n && row; i++) {
            json_t *v = json_value(st, i);
            if (!v || json_object_set_new(row, sqlite3_column_name(st, i), v) < 0)
                json_decref(row), row = NULL;
        }
        if (!row) return SQLITE_NOMEM;
        fputs(rows++ ? ",\n" : "\n", out);
        json_dumpf(row, out, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER);
        json_decref(row);
    }
    fputs(rows ? "\n]\n" : "]\n", out);
    return rc;
}

/* A CSV field: quoted when it holds a comma, a quote, a line end or an edge space, and with a
 * leading ' when a spreadsheet would read it as a formula. */
static void put_csv(FILE *out, const char *s, int text)
{
    int formula = text && *s && strchr("=+-@\t\r", *s);
    int quote =
        formula || (*s == ' ') || (*s && s[strlen(s) - 1] == ' ') || strpbrk(s, ",\"\r\n") != NULL;
    if (!quote) return (void)fputs(s, out);
    fputc('"', out);
    if (formula) fputc('\'', out);
    for (; *s; s++) {
        if (*s == '"') fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static int write_csv(sqlite3_stmt *st, FILE *out)
{
    int rc, n = sqlite3_column_count(st);
    for (int i = 0; i < n; i++) {
        put_csv(out, sqlite3_column_name(st, i), 1);
        fputs(i == n - 1 ? "\r\n" : ",", out);
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        for (int i = 0; i < n; i++) {
            const char *t = (const char *)sqlite3_column_text(st, i);
            put_csv(out, t ? t : "", sqlite3_column_type(st, i) == SQLITE_TEXT);
            fputs(i == n - 1 ? "\r\n" : ",", out);
        }
    return rc;
}

static int write_html(sqlite3_stmt *st, FILE *out)
{
    int rc, n = sqlite3_column_count(st);
    fputs("<table>\n<thead><tr>", out);
    for (int i = 0; i < n; i++) {
        fputs("<th>", out);
        ctl_put_html(out, sqlite3_column_name(st, i));
        fputs("</th>", out);
    }
    fputs("</tr></thead>\n<tbody>\n", out);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        fputs("<tr>", out);
        for (int i = 0; i < n; i++) {
            int type = sqlite3_column_type(st, i);
            fputs(type == SQLITE_INTEGER || type == SQLITE_FLOAT ? "<td class=\"n\">" : "<td>",
                  out);
            const char *t = (const char *)sqlite3_column_text(st, i);
            if (t) ctl_put_html(out, t);
            fputs("</td>", out);
        }
        fputs("</tr>\n", out);
    }
    fputs("</tbody>\n</table>\n", out);
    return rc;
}

static int write_txt(sqlite3_stmt *st, FILE *out)
{
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        char *safe = ctl_alert_safe_text((const char *)sqlite3_column_text(st, 0), (size_t)-1 / 16);
        if (!safe) return SQLITE_NOMEM;
        fprintf(out, "%s\n", safe);
        free(safe);
    }
    return rc;
}

int ctl_write_rows(sqlite3_stmt *st, enum ctl_format f, FILE *out)
{
    switch (f) {
    case CTL_FORMAT_JSON:
        return write_json(st, out);
    case CTL_FORMAT_CSV:
        return write_csv(st, out);
    case CTL_FORMAT_HTML:
        return write_html(st, out);
    case CTL_FORMAT_TXT:
        return write_txt(st, out);
    }
    return SQLITE_MISUSE;
}
