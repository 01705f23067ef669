/* resolve: batch host name resolution with c-ares. */
/* ares.h uses fd_set without declaring it. */
#include <sys/select.h>

#include <ares.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resolve.h"

static void add_addr(struct ctl_resolved *r, const struct sockaddr *sa)
{
    const void *raw = sa->sa_family == AF_INET6
                          ? (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr
                          : (const void *)&((const struct sockaddr_in *)sa)->sin_addr;
    char text[CTL_ADDR_MAX];
    if (!inet_ntop(sa->sa_family, raw, text, sizeof text)) return;
    for (size_t i = 0; i < r->naddrs; i++)
        if (!strcmp(r->addrs[i], text)) return;
    char(*addrs)[CTL_ADDR_MAX] = realloc(r->addrs, (r->naddrs + 1) * sizeof *addrs);
    int *v6 = addrs ? realloc(r->v6, (r->naddrs + 1) * sizeof *v6) : NULL;
    if (addrs) r->addrs = addrs;
    if (!v6) return;
    r->v6 = v6;
    memcpy(r->addrs[r->naddrs], text, sizeof text);
    r->v6[r->naddrs++] = sa->sa_family == AF_INET6;
}

/* Queries in flight at most: a burst of thousands overflows a resolver's socket buffers, and
 * the lost ones end as time-outs. */
enum { IN_FLIGHT = 64 };

static int in_flight;

static void done(void *arg, int status, int timeouts, struct ares_addrinfo *ai)
{
    (void)timeouts;
    struct ctl_resolved *r = arg;
    in_flight--;
    if (status != ARES_SUCCESS) {
        snprintf(r->error, sizeof r->error, "%s",
                 status == ARES_ENOTFOUND  ? "no such host"
                 : status == ARES_ENODATA  ? "no address"
                 : status == ARES_ETIMEOUT ? "timeout"
                                           : ares_strerror(status));
        return;
    }
    for (struct ares_addrinfo_cname *c = ai->cnames; c; c = c->next) {
        /* c-ares lists the final name as a cname of itself when there is no alias. */
        if (!c->alias || !c->name || !strcmp(c->alias, c->name)) continue;
        char **grown = realloc(r->cnames, (r->ncnames + 1) * sizeof *grown);
        if (!grown) break;
        r->cnames = grown;
        if ((r->cnames[r->ncnames] = strdup(c->name))) r->ncnames++;
    }
    /* A records first: the address a site is fetched at, as browsers mostly do. */
    for (int family = AF_INET; family; family = family == AF_INET ? AF_INET6 : 0)
        for (struct ares_addrinfo_node *nd = ai->nodes; nd; nd = nd->ai_next)
            if (nd->ai_family == family) add_addr(r, nd->ai_addr);
    r->ok = r->naddrs > 0;
    if (!r->ok) snprintf(r->error, sizeof r->error, "no address");
    ares_freeaddrinfo(ai);
}

int ctl_resolve(const char *server, struct ctl_resolved *r, size_t n, long timeout_ms, char *err,
                size_t errsz)
{
    static int initialised;
    if (!initialised && ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS)
        return snprintf(err, errsz, "c-ares cannot start"), -1;
    initialised = 1;
    ares_channel ch;
    struct ares_options o = {.flags = ARES_FLAG_NOSEARCH,
                             .timeout = (int)timeout_ms,
                             .tries = 2,
                             .lookups = (char *)"b"};
    int rc = ares_init_options(
        &ch, &o, ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_LOOKUPS);
    if (rc != ARES_SUCCESS) return snprintf(err, errsz, "c-ares: %s", ares_strerror(rc)), -1;
    if (server && *server && (rc = ares_set_servers_ports_csv(ch, server)) != ARES_SUCCESS) {
        ares_destroy(ch);
        return snprintf(err, errsz, "DNS server '%s': %s", server, ares_strerror(rc)), -1;
    }
    struct ares_addrinfo_hints hints = {.ai_family = AF_UNSPEC};
    size_t next = 0;
    in_flight = 0;
    for (;;) {
        for (; next < n && in_flight < IN_FLIGHT; next++) {
            r[next].ok = 0;
            snprintf(r[next].error, sizeof r[next].error, "not resolved");
            in_flight++;
            ares_getaddrinfo(ch, r[next].name, NULL, &hints, done, &r[next]);
        }
        fd_set rd, wr;
        FD_ZERO(&rd);
        FD_ZERO(&wr);
        int nfds = ares_fds(ch, &rd, &wr);
        if (!nfds && next == n) break;
        struct timeval tv, *tvp = ares_timeout(ch, NULL, &tv);
        select(nfds, &rd, &wr, NULL, tvp);
        ares_process(ch, &rd, &wr);
    }
    ares_destroy(ch);
    return 0;
}

void ctl_resolved_clear(struct ctl_resolved *r)
{
    for (size_t i = 0; i < r->ncnames; i++) free(r->cnames[i]);
    free(r->cnames), free(r->addrs), free(r->v6);
    r->cnames = NULL, r->addrs = NULL, r->v6 = NULL;
    r->ncnames = r->naddrs = 0;
}
