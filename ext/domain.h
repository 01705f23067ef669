/* domain: host names and the Public Suffix List (libpsl), IDNA (libidn2).
 *
 * A host name here is what may appear as a DNS name in a certificate: labels of letters,
 * digits, '-' and '_' (1 to 63 bytes each, 253 in all) once converted to A-labels, optionally
 * with a leading "*." wildcard label and a trailing dot. IP addresses are not host names. */
#ifndef CTLITE_DOMAIN_H
#define CTLITE_DOMAIN_H

#include <stddef.h>

typedef struct sqlite3 sqlite3;
typedef struct ctl_psl ctl_psl;

#define CTL_HOST_MAX 253

/* Loads a Public Suffix List file (the text format or libpsl's DAFSA). With path NULL:
 * $CTLITE_PSL_FILE if set, else the system's list. On failure returns NULL with a message in
 * err (errsz bytes). */
ctl_psl *ctl_psl_open(const char *path, char *err, size_t errsz);
void ctl_psl_close(ctl_psl *psl);

/* "PATH (list of DATE, N rules)": which list is in use, for ctlite_debug(). */
const char *ctl_psl_describe(const ctl_psl *psl);

/* Writes the canonical form of a host name to out: lowercase A-labels without the wildcard
 * label and the trailing dot. Returns its length, or -1 when name is not a host name. */
int ctl_host_canon(const char *name, size_t n, char out[CTL_HOST_MAX + 1]);

/* Splits a canonical host name by the list (icann_only: ignore the private section). Returns
 * the offset of its registrable domain, or -1 when host is itself a public suffix; *suffix
 * gets the offset of the public suffix. */
int ctl_psl_split(const ctl_psl *psl, const char *host, int icann_only, int *suffix);

/* 1 when the left-most label of name is exactly "*", else 0. */
int ctl_is_wildcard(const char *name, size_t n);

/* IDNA2008 with UTS#46 mapping. Return a malloc'd string, or NULL with *err set to a static
 * message. A leading "*." and a trailing dot are kept as they are. */
char *ctl_domain_to_ascii(const char *name, size_t n, const char **err);
char *ctl_domain_to_unicode(const char *name, size_t n, const char **err);

/* registrable_domain, public_suffix, is_wildcard, domain_to_ascii, domain_to_unicode,
 * ctlite_psl_load, ctlite_psl_info. */
int domain_register(sqlite3 *db);

#endif
