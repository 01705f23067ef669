/* rdap: domain lookups in RDAP (RFC 9083) and what they leave in the domain table. Shared by
 * enrich, which looks up many domains at once, and serve, which looks up one on a miss. */
#ifndef CTLITE_RDAP_H
#define CTLITE_RDAP_H

#include <sqlite3.h>
#include <stddef.h>

#include "http.h"

/* Every registry takes this: some refuse a request that accepts only application/rdap+json,
 * others answer only application/json. */
#define CTL_RDAP_ACCEPT "application/rdap+json, application/json, */*;q=0.8"

enum ctl_rdap_outcome { CTL_RDAP_OK, CTL_RDAP_NOT_FOUND, CTL_RDAP_NO_RDAP, CTL_RDAP_ERROR };

/* Replaces rdap_bootstrap with the RFC 9224 bootstrap document of len bytes at text (src
 * names it in messages), in one transaction; *suffixes and *servers get what it held. 0, or
 * -1 with err. */
int ctl_rdap_bootstrap_load(sqlite3 *db, const char *text, size_t len, const char *src,
                            size_t *suffixes, size_t *servers, char *err, size_t errsz);

/* Loads the snapshot built into the worker (sql/rdap_dns.json) when rdap_bootstrap is empty.
 * 0, or -1 with err. */
int ctl_rdap_bootstrap_ensure(sqlite3 *db, char *err, size_t errsz);

/* The lookup URL of the registrable domain name: the base URL of its longest suffix in
 * rdap_bootstrap (the server, its first *base_len bytes), then "domain/" and name, malloc'd.
 * NULL when no server serves the suffix (*failed 0) or on an error (*failed 1, said in err). */
char *ctl_rdap_url(sqlite3 *db, const char *name, size_t *base_len, int *failed, char *err,
                   size_t errsz);

/* Records in the domain row of name (which must exist) what a lookup ended with: the rc, r and
 * err that ctl_http_done got, or no server at all (url_missing). Sets when to look it up
 * again: 30 days after an answer, 7 days after a 404 or with no server, a day (or the
 * server's Retry-After) after a failure, which keeps what an earlier lookup found. why gets
 * what went wrong, for a 404 or a failure. Does not free r. */
enum ctl_rdap_outcome ctl_rdap_record(sqlite3 *db, const char *name, int url_missing, int rc,
                                      const struct ctl_http_response *r, const char *err, char *why,
                                      size_t whysz);

#endif
