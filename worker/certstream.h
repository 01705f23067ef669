/* certstream: following a CertStream server's full stream into the database, for the command
 * ctlite-worker certstream and for run, which follows it in a thread of its own. */
#ifndef CTLITE_CERTSTREAM_H
#define CTLITE_CERTSTREAM_H

#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>

struct ctl_certstream_options {
    const char *url;    /* ws:// or wss:// */
    const char *cainfo; /* CA certificates for wss://, or NULL: the system's */
    size_t max_message; /* longer frames are skipped; 0: 1 MiB */
    long limit;         /* stop after so many certificate messages; 0: never */
};

/* Follows o->url into the database at db_path (a connection of its own) until *stop is set
 * (checked five times a second) or o->limit is reached, then commits and writes its summary
 * line to out. After each commit that stored certificates, sets *stored (unless NULL; with
 * NULL, SIGINT and SIGTERM handlers may wake it). 0, or 1 after a database error. */
int ctl_certstream_follow(const char *db_path, const struct ctl_certstream_options *o,
                          volatile sig_atomic_t *stop, atomic_int *stored, FILE *out);

#endif
