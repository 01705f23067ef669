/* alert_format: an alert as each channel wants it: a JSON event (stdout, files, generic
 * webhooks), a Slack incoming-webhook message, a Teams Workflows Adaptive Card, and an e-mail.
 * Everything an alert holds may come from a certificate, so from an attacker: text meant for
 * people is made safe (control and bidirectional-override characters shown as escapes, length
 * capped), and each format's own markup is escaped or avoided. Pure: no I/O. */
#ifndef CTLITE_ALERT_FORMAT_H
#define CTLITE_ALERT_FORMAT_H

#include <stddef.h>

struct ctl_alert {
    long long id;                         /* alert_log.id */
    const char *rule, *severity, *key;    /* as raised */
    const char *domain;                   /* or NULL */
    const char *detail;                   /* JSON text, or NULL */
    long long raised_at, observed_at;     /* Unix seconds */
    long long cert_id;                    /* 0: none */
    const char *sha256, *serial, *issuer; /* the certificate's, when cert_id (hex, hex, DN) */
    long long not_before, not_after;
};

/* Text safe to show: UTF-8 kept, but control characters, invalid bytes, and the invisible or
 * direction-changing characters (U+200B..U+200F, U+202A..U+202E, U+2060..U+2069, U+FEFF) shown
 * as \xNN or \u{NNNN}; at most max characters, then "...". malloc'd; NULL when out of memory. */
char *ctl_alert_safe_text(const char *s, size_t max);

/* "[severity] rule: key", safe, at most 200 characters. malloc'd. */
char *ctl_alert_summary(const struct ctl_alert *a);

/* The alert as one JSON object on one line, all non-ASCII escaped: event, id, rule, severity,
 * key, domain, summary, detail (the rule's object), observed_at and raised_at (RFC 3339), and
 * cert {id, sha256, serial, issuer, not_before, not_after} when there is one. */
char *ctl_alert_json(const struct ctl_alert *a);

/* A batch for a generic JSON webhook: {"source": "ctlite", "count": n, "alerts": [...]}. */
char *ctl_alert_json_batch(const struct ctl_alert *a, size_t n);

/* A Slack incoming-webhook message: text (the fallback) and blocks, all plain_text, so that
 * nothing in a name is read as markup or a mention. */
char *ctl_alert_slack(const struct ctl_alert *a);

/* A Teams Workflows message: one Adaptive Card 1.4 whose certificate-derived text is in
 * TextRuns, which Teams does not read as Markdown. */
char *ctl_alert_teams(const struct ctl_alert *a);

/* An RFC 5322 message, CRLF line ends, for n alerts: a Subject of the first summary (and how
 * many more), with no CR or LF from any alert and non-ASCII as an RFC 2047 encoded word; a
 * multipart/alternative body of text/plain and text/html (escaped), both UTF-8 quoted-
 * printable. date is the Date header's value, msgid the Message-ID's (without <>); from and
 * to go into the headers as given (the caller checks them). */
char *ctl_alert_mail(const struct ctl_alert *a, size_t n, const char *from, const char *to,
                     const char *date, const char *msgid);

#endif
