/* distance: edit distances over Unicode code points.
 *
 * levenshtein counts insertions, deletions and substitutions; damerau_levenshtein is the
 * optimal string alignment distance, which also counts a swap of two adjacent characters as
 * one edit (each character moves at most once). With a bound max >= 0 the result is
 * min(distance, max + 1) and the work stops as soon as the distance must exceed max; a
 * negative max means no bound. */
#ifndef CTLITE_DISTANCE_H
#define CTLITE_DISTANCE_H

#include <stddef.h>
#include <stdint.h>

typedef struct sqlite3 sqlite3;

enum ctl_edit { CTL_LEVENSHTEIN, CTL_OSA };

/* Negative results of the UTF-8 entry points. */
#define CTL_DIST_BAD_A (-1) /* a is not valid UTF-8 */
#define CTL_DIST_BAD_B (-2) /* b is not valid UTF-8 */
#define CTL_DIST_NOMEM (-3)

/* Distance between code-point arrays a[m] and b[n]; CTL_DIST_NOMEM on allocation failure. */
int64_t ctl_edit_distance(enum ctl_edit kind, const uint32_t *a, size_t m, const uint32_t *b,
                          size_t n, int64_t max);

/* Distance between the UTF-8 strings a (na bytes) and b (nb bytes). */
int64_t ctl_edit_distance_utf8(enum ctl_edit kind, const char *a, size_t na, const char *b,
                               size_t nb, int64_t max);

/* levenshtein(a, b [, max]) and damerau_levenshtein(a, b [, max]). */
int distance_register(sqlite3 *db);

#endif
