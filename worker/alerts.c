/* ctlite-worker rules, alerts and ack: evaluate the rule views, list what they raised, and
 * mark an alert handled (or raise it again). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "db.h"
#include "rules.h"

static const char rules_usage[] =
    "usage: ctlite-worker rules DB [--full]\n"
    "\n"
    "Evaluates the rule views (every view named rule_*, see sql/rules.sql) and raises what\n"
    "they return into alert_log, once per rule and key. Rebuilds the view alerts first when a\n"
    "rule view was added or dropped; a view whose columns are not a rule's is left out with a\n"
    "message. Each rule sees the certificates stored since its last pass, the rows that have\n"
    "no certificate, and, every rules_recheck_interval seconds, the watched domains' "
    "certificates;\n"
    "all of its rows after the watch list, allowlist or authorized CAs change.\n"
    "\n"
    "  --full   evaluate every row of every rule\n"
    "\n"
    "Prints a summary line. Exit status 1 when a rule failed (it is tried again next time and\n"
    "holds back pruning of what it has not seen; rule_state.error says why).\n";

static void to_stderr(void *user, const char *line)
{
    fprintf(stderr, "%s: %s\n", (const char *)user, line);
}

int cmd_rules(int argc, char **argv)
{
    if (argc >= 2 && is_help(argv[1])) return fputs(rules_usage, stdout), 0;
    int full = argc == 3 && !strcmp(argv[2], "--full");
    if (argc < 2 || argv[1][0] == '-' || argc > 3 || (argc == 3 && !full))
        return fputs(rules_usage, stderr), 2;
    char err[512];
    sqlite3 *db = ctl_db_open(argv[1], NULL, NULL, err, sizeof err);
    if (!db) return fprintf(stderr, "ctlite-worker: %s\n", err), 1;
    struct ctl_rules_pass p;
    int rc = ctl_rules_run(db, full ? CTL_RULES_FULL : CTL_RULES_NEW, &p, to_stderr,
                           "ctlite-worker rules", err, sizeof err);
    if (rc < 0)
        fprintf(stderr, "ctlite-worker rules: %s\n", err);
    else
        printf("%d rules evaluated, %d alerts raised, %d failed, %d left out\n", p.rules, p.raised,
               p.failed, p.refused);
    sqlite3_close(db);
    return rc < 0 || p.failed ? 1 : 0;
}

static const char alerts_usage[] =
    "usage: ctlite-worker alerts DB [--since TIME] [--rule RULE] [--open]\n"
    "\n"
    "Lists the alerts raised (alert_log), oldest first, tab-separated under a header line: id,\n"
    "raised (UTC), rule, severity, key, domain, acknowledged (UTC), delivered (channels that\n"
    "have it / channels), detail (JSON). Control characters are shown as \\xNN.\n"
    "\n"
    "  --since TIME  raised at or after TIME: Unix seconds, an ISO-8601 UTC date or time\n"
    "                (2026-11-30, 2026-11-30T08:00:00), or an age such as 90m, 24h or 7d\n"
    "  --rule RULE   of this rule only\n"
    "  --open        not acknowledged only\n";

/* TIME of --since as Unix seconds, through SQLite's date functions. */
static int since_arg(sqlite3 *db, const char *arg, long long *out)
{
    sqlite3_stmt *st;
    int ok = 0;
    if (sqlite3_prepare_v2(
            db,
            "SELECT CASE WHEN ?1 GLOB '[0-9]*[mhd]' AND substr(?1, 1, length(?1) - 1) "
            "NOT GLOB '*[^0-9]*' THEN unixepoch() - substr(?1, 1, length(?1) - 1) * "
            "(CASE substr(?1, -1) WHEN 'm' THEN 60 WHEN 'h' THEN 3600 ELSE 86400 END) "
            "WHEN ?1 NOT GLOB '*[^0-9]*' THEN CAST(?1 AS INTEGER) ELSE unixepoch(?1) END",
            -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
            *out = sqlite3_column_int64(st, 0), ok = 1;
    }
    sqlite3_finalize(st);
    return ok ? 0 : -1;
}

int cmd_alerts(int argc, char **argv)
{
    if (argc >= 2 && is_help(argv[1])) return fputs(alerts_usage, stdout), 0;
    if (argc < 2 || argv[1][0] == '-') return fputs(alerts_usage, stderr), 2;
    const char *since = NULL, *rule = NULL;
    int open = 0;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--since") && i + 1 < argc)
            since = argv[++i];
        else if (!strcmp(argv[i], "--rule") && i + 1 < argc)
            rule = argv[++i];
        else if (!strcmp(argv[i], "--open"))
            open = 1;
        else
            return fprintf(stderr, "ctlite-worker alerts: unexpected '%s'\n%s", argv[i],
                           alerts_usage),
                   2;
    }
    char err[512];
    sqlite3 *db = ctl_db_open(argv[1], NULL, NULL, err, sizeof err);
    if (!db) return fprintf(stderr, "ctlite-worker: %s\n", err), 1;
    long long from = 0;
    if (since && since_arg(db, since, &from) < 0) {
        fprintf(stderr, "ctlite-worker alerts: --since: '%s' is not a time\n", since);
        sqlite3_close(db);
        return 2;
    }
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(
        db,
        "SELECT a.id, datetime(a.first_seen, 'unixepoch'), a.rule, a.severity, a.key, a.domain, "
        "datetime(a.acknowledged_at, 'unixepoch'), "
        "(SELECT count(d.delivered_at) || '/' || count(*) FROM delivery d "
        "  WHERE d.alert_id = a.id), a.detail "
        "FROM alert_log a WHERE a.first_seen >= ?1 AND (?2 IS NULL OR a.rule = ?2) "
        "AND NOT (?3 AND a.acknowledged_at IS NOT NULL) ORDER BY a.id",
        -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, from);
        sqlite3_bind_text(st, 2, rule, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 3, open);
        rc = ctl_put_rows(st, "id\traised\trule\tseverity\tkey\tdomain\tacknowledged\t"
                              "delivered\tdetail");
    }
    if (rc != SQLITE_DONE) fprintf(stderr, "ctlite-worker alerts: %s\n", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rc == SQLITE_DONE ? 0 : 1;
}

static const char ack_usage[] =
    "usage: ctlite-worker ack DB RULE KEY [--rearm]\n"
    "\n"
    "Marks the alert of RULE with KEY (as `ctlite-worker alerts` shows them) acknowledged: it\n"
    "is no longer sent on channels that have not had it yet.\n"
    "\n"
    "  --rearm  forget the alert instead, with its deliveries: if the rule still returns the\n"
    "           key, it is raised and delivered again at the rule's next full evaluation\n"
    "           (`ctlite-worker rules DB --full` does one now)\n";

int cmd_ack(int argc, char **argv)
{
    if (argc >= 2 && is_help(argv[1])) return fputs(ack_usage, stdout), 0;
    int rearm = argc == 5 && !strcmp(argv[4], "--rearm");
    if ((argc != 4 && !rearm) || argv[1][0] == '-') return fputs(ack_usage, stderr), 2;
    char err[512];
    sqlite3 *db = ctl_db_open(argv[1], NULL, NULL, err, sizeof err);
    if (!db) return fprintf(stderr, "ctlite-worker: %s\n", err), 1;
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(
        db,
        rearm ? "DELETE FROM alert_log WHERE rule = ?1 AND key = ?2"
              : "UPDATE alert_log SET acknowledged_at = coalesce(acknowledged_at, unixepoch()) "
                "WHERE rule = ?1 AND key = ?2",
        -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, argv[2], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, argv[3], -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
    }
    sqlite3_finalize(st);
    int status = 0;
    if (rc != SQLITE_DONE)
        fprintf(stderr, "ctlite-worker ack: %s\n", sqlite3_errmsg(db)), status = 1;
    else if (!sqlite3_changes(db)) {
        fputs("ctlite-worker ack: no alert of that rule has that key\n", stderr);
        status = 1;
    } else if (rearm) {
        /* The rule must look at all of its rows again to find the key. */
        if (sqlite3_prepare_v2(db, "UPDATE rule_state SET fingerprint = NULL WHERE rule = ?1", -1,
                               &st, NULL) == SQLITE_OK) {
            char *view = sqlite3_mprintf("rule_%s", argv[2]);
            sqlite3_bind_text(st, 1, view, -1, sqlite3_free);
            sqlite3_step(st);
        }
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return status;
}
