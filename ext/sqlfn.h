/* sqlfn: what every module's SQL binding shares. Each module describes its SQL functions in one
 * table of struct ctl_fn and hands it to ctl_register_fns; error messages go through
 * ctl_errorf so they all look alike, and untrusted text is quoted with ctl_quote. */
#ifndef CTLITE_SQLFN_H
#define CTLITE_SQLFN_H

#include <stddef.h>
#include "sqlite3ext.h"

/* Deterministic, side-effect-free functions: usable in views, indexes and rule_* views. */
#define CTL_PURE (SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS)

struct ctl_fn {
    const char *name;
    int nargs; /* -1: any number, checked by the function */
    int flags; /* CTL_PURE, SQLITE_DIRECTONLY, ... (SQLITE_UTF8 is added) */
    void (*fn)(sqlite3_context *, int, sqlite3_value **);
};

/* Registers every function under its own name and, unless it already starts with "ctlite_",
 * under "ctlite_" + name as well, so that another extension that takes a plain name (sqlean's
 * two-argument levenshtein, say) cannot hide ctlite's. All registrations share user (see
 * ctl_fn_user); destroy(user) runs once, when the last of them is dropped. */
int ctl_register_fns(sqlite3 *db, const struct ctl_fn *fns, size_t n, void *user,
                     void (*destroy)(void *));

/* The user pointer given to ctl_register_fns. */
void *ctl_fn_user(sqlite3_context *ctx);

/* Sets the function's error to the printf-style message (sqlite3_mprintf formats). */
void ctl_errorf(sqlite3_context *ctx, const char *fmt, ...);

/* A quoted, printable copy of untrusted text for messages: at most 64 characters, control
 * bytes, quotes, backslashes and invalid UTF-8 shown as \xNN. Free with sqlite3_free. */
char *ctl_quote(const unsigned char *s, size_t n);

/* xBestIndex of a table-valued function whose hidden argument columns are first_arg ..
 * first_arg + nargs - 1: each equality on one becomes an xFilter argument, in column order, and
 * idxNum gets bit i for argument i. A plan without argument 0 gets an enormous cost (the
 * planner tries some for OR terms); xFilter says the argument is missing if it is the only one.
 * Returns SQLITE_CONSTRAINT for a plan that would leave an argument unusable. *next is the
 * next free argvIndex. */
int ctl_tvf_best_index(sqlite3_index_info *info, int first_arg, int nargs, int *next);

#endif
