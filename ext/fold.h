/* fold: a look-alike skeleton of a domain name, for comparing names as a reader sees them.
 *
 * Two names that look alike fold to the same string: domain_fold('раураl.com') =
 * domain_fold('paypal.com') = 'paypal.com'. Steps, per character: decode valid xn-- labels to
 * Unicode, lowercase, map look-alikes through fold_table.h, otherwise decompose (NFKD) and drop
 * marks and invisible formatting characters; then on the ASCII result map 0 to o and 1 to l,
 * merge the letter pairs that imitate one letter (rn to m, vv to w, cl to d) until none is
 * left, and last write the class of 1, l and i as i. A leading "*." and a trailing dot are
 * dropped. The result is a comparison key, not a name to resolve; folding it again changes
 * nothing. */
#ifndef CTLITE_FOLD_H
#define CTLITE_FOLD_H

#include <stddef.h>

typedef struct sqlite3 sqlite3;

/* Folds the UTF-8 name s[n]. Returns a malloc'd, NUL-terminated skeleton (length in *outlen),
 * or NULL with *err set when s is not valid UTF-8 or memory runs out. */
char *ctl_fold(const char *s, size_t n, size_t *outlen, const char **err);

/* domain_fold(name). */
int fold_register(sqlite3 *db);

#endif
