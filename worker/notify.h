/* notify: delivery of alert_log to channels (table channel): stdout, JSON files, webhooks
 * (Slack, Teams, generic JSON) and mail. Each alert gets a delivery row per channel; a
 * delivery is marked done in the transaction that follows the channel's success, so a crash
 * between the two may send an alert once more but never loses one. A failure is recorded
 * with a time to try again (Retry-After, or a backoff that doubles up to an hour) and never
 * holds back the other channels. */
#ifndef CTLITE_NOTIFY_H
#define CTLITE_NOTIFY_H

#include <sqlite3.h>
#include <stddef.h>

#include "http.h"

typedef struct ctl_notify ctl_notify;

/* Channels to deliver on: the enabled rows of the channel table (ids NULL), or the rows whose
 * ids are given (n of them). Webhook URLs and passwords are read from the environment
 * variables the rows name, or from urls[i] / the environment for command-line channels.
 * NULL with err when a channel cannot be used (a missing variable, a bad address). */
ctl_notify *ctl_notify_new(sqlite3 *db, ctl_http *http, const long long *ids,
                           const char *const *urls, size_t n, char *err, size_t errsz);
void ctl_notify_free(ctl_notify *nt);

/* The outcome of a pass. */
struct ctl_notify_pass {
    int delivered; /* alert deliveries done */
    int failed;    /* deliveries that failed (each will be tried again) */
};

/* One pass: queues the alerts raised since the last pass on every channel, then tries each
 * pending delivery that is due, all channels at once. Failures are reported through report
 * (one line each) and recorded. 0, or -1 with err on a database error. */
int ctl_notify_run(ctl_notify *nt, struct ctl_notify_pass *pass,
                   void (*report)(void *user, const char *line), void *user, char *err,
                   size_t errsz);

#endif
