/* ingest: CT log entries into the database. A certificate is stored once, keyed by the
 * SHA-256 of its DER, with its names; each entry records which certificate it holds; an entry
 * whose certificate cannot be read becomes a malformed_entry row; a name of a watched domain
 * seen for the first time goes into seen_name. The caller holds the transaction. */
#ifndef CTLITE_INGEST_H
#define CTLITE_INGEST_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "ctformat.h"

typedef struct ctl_ingest ctl_ingest;

/* Prepares the statements on db; NULL with err. */
ctl_ingest *ctl_ingest_new(sqlite3 *db, char *err, size_t errsz);
void ctl_ingest_free(ctl_ingest *g);

/* Reloads the watched domains, whose names alone go into seen_name: the set a new name is
 * "new" in. 0, or -1 on a database error. */
int ctl_ingest_refresh(ctl_ingest *g);

/* Stores the certificate or precertificate der[n] (as submitted to a log) and its names, once
 * (keyed by its SHA-256), with logged_at_ms and source for a new cert row. 1 with *cert_id;
 * 0 with why when der cannot be read (NULL, not DER, a field unreadable); -1 with why on a
 * database error. */
int ctl_ingest_cert(ctl_ingest *g, const uint8_t *der, size_t n, int64_t logged_at_ms,
                    const char *source, int64_t *cert_id, char *why, size_t whysz);

/* Stores entry idx of log (ct_log.id): e, and der[n], the certificate or precertificate it
 * holds as submitted (NULL when the entry does not carry it). source names the log for
 * cert.source. 0, or -1 with err on a database error; an unreadable certificate is not an
 * error but a malformed_entry row, counted in *malformed. */
int ctl_ingest_entry(ctl_ingest *g, int64_t log, uint64_t idx, const struct ctl_ct_entry *e,
                     const uint8_t *der, size_t n, const char *source, int *malformed, char *err,
                     size_t errsz);

/* Where a name that comes without its certificate was seen: a name_sighting row's fields. */
struct ctl_sighting {
    const char *source; /* 'certstream', 'certificate.stream' */
    const char *log;    /* the log's URL as the source gave it, or NULL */
    int64_t log_index;  /* the entry's index in that log, or -1 */
    int precert;        /* 1 or 0 as the source says, or -1 when it does not */
    int64_t logged_at;  /* when the log recorded the entry, Unix seconds, or 0 */
};

/* Stores name (as the source sent it) as seen by s, once per log entry. 1 when stored or
 * already there; 0 with why when name is not a host name (nor a wildcard of one); -1 with why
 * on a database error. */
int ctl_ingest_sighting(ctl_ingest *g, const struct ctl_sighting *s, const char *name, char *why,
                        size_t whysz);

/* Deletes the certificates older than the retention setting that the view cert_keep does
 * not hold and every rule has evaluated (rule_state), with their names and log entries, and
 * likewise the name sightings that sighting_keep does not hold. 0, or -1 with err. Not within a
 * transaction. */
int ctl_ingest_prune(sqlite3 *db, char *err, size_t errsz);

#endif
