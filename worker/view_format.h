/* view_format: the rows of a query written as JSON, CSV, an HTML table or plain text, for
 * ctlite-worker export and report. Values may come from certificates, so from attackers: JSON
 * strings are escaped with every non-ASCII character as \uXXXX; CSV fields are quoted as RFC
 * 4180 says, and a text that a spreadsheet would take for a formula (=, +, -, @, tab, CR first)
 * gets a leading '; HTML and text show control and direction-changing characters as escapes,
 * and HTML escapes its markup characters. */
#ifndef CTLITE_VIEW_FORMAT_H
#define CTLITE_VIEW_FORMAT_H

#include <sqlite3.h>
#include <stdio.h>

enum ctl_format { CTL_FORMAT_JSON, CTL_FORMAT_CSV, CTL_FORMAT_HTML, CTL_FORMAT_TXT };

/* The format named name (json, csv, html, txt) into *f: 0, or -1 for another name. */
int ctl_format_parse(const char *name, enum ctl_format *f);

/* Steps st to the end, writing its rows to out: JSON, an array of objects, one a line (a text
 * column named detail that holds a JSON object is written as that object); CSV, a header line
 * and a line per row, CRLF-ended; HTML, a <table> with a header row; TXT, the first column's
 * value on a line of its own per row. Returns SQLITE_DONE, or the error that stopped it. */
int ctl_write_rows(sqlite3_stmt *st, enum ctl_format f, FILE *out);

/* s, shown safely (see above), with &, <, >, " and ' as entities, to out. */
void ctl_put_html(FILE *out, const char *s);

#endif
