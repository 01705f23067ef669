/* certificate_stream: the domain names that certificate.stream (villain.network) extracts from
 * the CT logs, read from its API into name_sighting: an hour's batch, paged by offset, or in
 * real time from the newest id stored. For the command ctlite-worker certificate-stream and for
 * run, which follows it in a thread of its own. */
#ifndef CTLITE_CERTIFICATE_STREAM_H
#define CTLITE_CERTIFICATE_STREAM_H

#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>

#define CTL_CERTIFICATE_STREAM_URL "https://certificate.stream/v1"
#define CTL_CERTIFICATE_STREAM_TOKEN_URL "https://api.villain.network/oauth2/token"

struct ctl_certificate_stream_options {
    const char *url;       /* the API's base; NULL: CTL_CERTIFICATE_STREAM_URL */
    const char *token_url; /* NULL: CTL_CERTIFICATE_STREAM_TOKEN_URL */
    const char *client_id, *client_secret;
    const char *hour;         /* YYYY-MM-DD-HH (UTC): read that hour; NULL: follow */
    const char *log_operator; /* only this operator's logs, or NULL */
    long page;                /* domains per request, 1..3000; 0: 1000 */
    double interval;          /* following: seconds between requests that bring nothing new */
    long limit;               /* following: stop after so many records; 0: never */
};

/* Whether hour is YYYY-MM-DD-HH with a real date and hour. */
int ctl_certificate_stream_hour_valid(const char *hour);

/* Reads o->hour, or follows the API until *stop is set, into the database at db_path (a
 * connection of its own), committing each answer with the position it leaves, and writes a
 * summary line to out. After each commit that stored new names, sets *stored (unless NULL).
 * 0; 1 when the hour could not be read whole, or on a database error. Following, a failed
 * request is said and tried again after a wait. */
int ctl_certificate_stream_read(const char *db_path, const struct ctl_certificate_stream_options *o,
                                volatile sig_atomic_t *stop, atomic_int *stored, FILE *out);

#endif
