/* regexp: regular expressions with PCRE2 syntax, for SQLite's REGEXP operator.
 *
 * Patterns and texts are UTF-8; \w, \d and friends follow Unicode (as in Python's re, which
 * CertStream-style watchers use). Compiled patterns are kept in a small cache, so a pattern
 * that changes from row to row (a join against a table of patterns) is compiled once, not
 * once per row. A match that backtracks past a fixed budget is an error, so that a hostile
 * text cannot stall a query. */
#ifndef CTLITE_REGEXP_H
#define CTLITE_REGEXP_H

#include <stddef.h>

typedef struct sqlite3 sqlite3;
typedef struct ctl_regex_cache ctl_regex_cache;

ctl_regex_cache *ctl_regex_cache_new(void);
void ctl_regex_cache_free(ctl_regex_cache *cache);

/* Returns 1 when pattern pat[np] matches somewhere in text[nt], 0 when not, and -1 with a
 * message in err (errsz bytes) for a bad pattern, a text that is not UTF-8 or a match past
 * the budget. */
int ctl_regex_match(ctl_regex_cache *cache, const char *pat, size_t np, const char *text, size_t nt,
                    char *err, size_t errsz);

/* regexp(pattern, text), which makes `text REGEXP pattern` work. */
int regexp_register(sqlite3 *db);

#endif
