/* rules: evaluation of the rule_* views into alert_log. Each rule view is evaluated on its
 * own, in a savepoint of one transaction, so that a rule that fails is reported and tried again
 * later without holding the others back; rule_state keeps each one's place. The view alerts
 * is rebuilt as the UNION ALL of the rule views whose columns are right. */
#ifndef CTLITE_RULES_H
#define CTLITE_RULES_H

#include <sqlite3.h>
#include <stddef.h>

/* What one pass did. */
struct ctl_rules_pass {
    int rules;   /* rule views evaluated */
    int failed;  /* of which failed (the message went to the report callback) */
    int refused; /* views named rule_* left out for their columns */
    int raised;  /* new alerts */
};

/* How a pass reports a rule it refused or that failed: one line of text, no newline. */
typedef void ctl_rules_report(void *user, const char *line);

enum ctl_rules_scope {
    CTL_RULES_NEW,  /* certificates not yet evaluated, rows without a certificate, and, when
                     * rules_recheck_interval has passed, watched domains' certificates; all rows
                     * when the watch list, allowlist or authorized CAs changed */
    CTL_RULES_FULL, /* every row of every rule */
};

/* FNV-1a of the text s: a short fingerprint of a text, or a name for a secret. */
unsigned long long ctl_fnv1a(const char *s);

/* Rebuilds the view alerts if the set of valid rule views changed, then evaluates each rule
 * view and raises what it returns into alert_log, once per (rule, key), and records the
 * domains they hit (ctl_rules_record_domains). Not within a transaction. 0, or -1 with err on
 * a database error outside the rules themselves. */
int ctl_rules_run(sqlite3 *db, enum ctl_rules_scope scope, struct ctl_rules_pass *pass,
                  ctl_rules_report *report, void *user, char *err, size_t errsz);

/* Adds to the domain table the registrable domains of the watch list and of the alerts after
 * the alert id after (the detail's "registrable", else its "name"), setting first_hit for the
 * latter. 0, or -1 with err. */
int ctl_rules_record_domains(sqlite3 *db, sqlite3_int64 after, char *err, size_t errsz);

#endif
