/* resolve: the A and AAAA addresses and the CNAME chain of many host names at once, through
 * c-ares (DNS only: no hosts file, no search domains), at the system's servers or given ones. */
#ifndef CTLITE_RESOLVE_H
#define CTLITE_RESOLVE_H

#include <stddef.h>

enum { CTL_ADDR_MAX = 46 }; /* INET6_ADDRSTRLEN */

struct ctl_resolved {
    char *name;                  /* in: the host name */
    int ok;                      /* out: 1 when it has an address */
    char error[96];              /* ... else why: "no such host", "timeout", ... */
    char (*addrs)[CTL_ADDR_MAX]; /* printed, the A records first, then AAAA */
    int *v6;                     /* addrs[i] is an AAAA record */
    size_t naddrs;
    char **cnames; /* each alias's target, from name on: the chain */
    size_t ncnames;
};

/* Resolves r[0..n). server: "HOST" or "HOST:PORT", several separated by commas, or NULL or ""
 * for the system's (resolv.conf); timeout_ms: per try, two tries. 0, or -1 with err when the
 * resolver cannot be set up (each name's own failure is in its error). */
int ctl_resolve(const char *server, struct ctl_resolved *r, size_t n, long timeout_ms, char *err,
                size_t errsz);

/* Frees what ctl_resolve filled in (not name). */
void ctl_resolved_clear(struct ctl_resolved *r);

#endif
