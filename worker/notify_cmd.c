/* ctlite-worker notify: one delivery pass, on the channels of the command line or of the
 * channel table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "db.h"
#include "notify.h"
#include "rules.h"

static const char usage[] =
    "usage: ctlite-worker notify DB [--stdout] [--json-dir DIR]\n"
    "                               [--webhook URL [--webhook-format slack|teams|json]]\n"
    "                               [--smtp-url URL --mail-from ADDR --mail-to ADDR[,ADDR...]\n"
    "                                [--smtp-user USER]]\n"
    "\n"
    "Delivers every alert of alert_log that a channel has not had yet, on each channel at once,\n"
    "and records each delivery in the transaction that follows its success: a kill between a\n"
    "send and its record may send an alert once more, never lose one. A failure is reported\n"
    "and tried again by a later pass (after the server's Retry-After, or a backoff that\n"
    "doubles up to an hour); it never holds back the other channels. Acknowledged alerts are\n"
    "not sent. A channel new to the database gets every alert not acknowledged.\n"
    "\n"
    "  --stdout          one JSON object per alert and line (non-ASCII escaped), for a SIEM\n"
    "  --json-dir DIR    one JSON file per alert, DIR/YYYY/MM/DD/ID-RULE.json, written whole\n"
    "  --webhook URL     POST to URL: --webhook-format slack (an incoming-webhook message per\n"
    "                    alert, one a second), teams (a Workflows Adaptive Card per alert) or\n"
    "                    json (the default: {\"source\", \"count\", \"alerts\": [...]} per pass)\n"
    "  --smtp-url URL    one mail per pass, text and HTML, through smtp://HOST:PORT,\n"
    "                    smtp+starttls://HOST:PORT (STARTTLS required) or smtps://HOST:PORT;\n"
    "                    --smtp-user logs in with the password in CTLITE_SMTP_PASSWORD;\n"
    "                    CTLITE_SMTP_CA_FILE names the CA certificates to trust\n"
    "\n"
    "Without options, the enabled rows of the channel table are the channels (a webhook URL\n"
    "there comes from the environment variable its target_env names). Messages go to stderr.\n"
    "Network settings as for ctlite-worker crtsh (CTLITE_HTTP_TIMEOUT, ...). Exit status 1\n"
    "when a delivery failed.\n";

/* The id of the channel row for a command-line channel, made if missing. Such rows are not
 * enabled, so that `notify` without options and `run` leave them alone; a webhook's URL is
 * not stored (it is a secret), only a hash of it in the name. */
static long long cli_channel(sqlite3 *db, const char *name, const char *kind, const char *target,
                             const char *format, const char *from, const char *to, const char *user)
{
    sqlite3_stmt *st;
    long long id = -1;
    if (sqlite3_prepare_v2(
            db,
            "INSERT INTO channel(name, kind, target, format, mail_from, mail_to, username, "
            "password_env, enabled) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
            "iif(?7 IS NULL, NULL, 'CTLITE_SMTP_PASSWORD'), 0) ON CONFLICT (name) DO UPDATE SET "
            "target = excluded.target, username = excluded.username, "
            "password_env = excluded.password_env RETURNING id",
            -1, &st, NULL) != SQLITE_OK)
        return -1;
    const char *v[] = {name, kind, target, format, from, to, user};
    for (int i = 0; i < 7; i++) sqlite3_bind_text(st, i + 1, v[i], -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return id;
}

static void to_stderr(void *user, const char *line)
{
    (void)user;
    fprintf(stderr, "ctlite-worker notify: %s\n", line);
}

int cmd_notify(int argc, char **argv)
{
    if (argc >= 2 && is_help(argv[1])) return fputs(usage, stdout), 0;
    if (argc < 2 || argv[1][0] == '-') return fputs(usage, stderr), 2;
    const char *dir = NULL, *webhook = NULL, *format = NULL, *smtp = NULL, *from = NULL, *to = NULL,
               *user = NULL;
    int out = 0;
    for (int i = 2; i < argc; i++) {
        const char **opt = !strcmp(argv[i], "--json-dir")         ? &dir
                           : !strcmp(argv[i], "--webhook")        ? &webhook
                           : !strcmp(argv[i], "--webhook-format") ? &format
                           : !strcmp(argv[i], "--smtp-url")       ? &smtp
                           : !strcmp(argv[i], "--mail-from")      ? &from
                           : !strcmp(argv[i], "--mail-to")        ? &to
                           : !strcmp(argv[i], "--smtp-user")      ? &user
                                                                  : NULL;
        if (!strcmp(argv[i], "--stdout"))
            out = 1;
        else if (opt && i + 1 < argc)
            *opt = argv[++i];
        else
            return fprintf(stderr, "ctlite-worker notify: unexpected '%s'\n%s", argv[i], usage), 2;
    }
    if (format && (!webhook ||
                   (strcmp(format, "slack") && strcmp(format, "teams") && strcmp(format, "json"))))
        return fprintf(stderr, "ctlite-worker notify: --webhook-format is slack, teams or json, "
                               "with --webhook\n"),
               2;
    if ((from || to || user) && !smtp)
        return fprintf(stderr, "ctlite-worker notify: --mail-from, --mail-to and --smtp-user go "
                               "with --smtp-url\n"),
               2;
    char err[1024];
    sqlite3 *db = ctl_db_open(argv[1], NULL, NULL, err, sizeof err);
    if (!db) return fprintf(stderr, "ctlite-worker: %s\n", err), 1;
    long long ids[4];
    const char *urls[4] = {0};
    size_t n = 0;
    int status = 1;
    char name[300];
    if (out) ids[n++] = cli_channel(db, "stdout", "stdout", "-", NULL, NULL, NULL, NULL);
    if (dir) {
        snprintf(name, sizeof name, "json-dir %.250s", dir);
        ids[n++] = cli_channel(db, name, "json_dir", dir, NULL, NULL, NULL, NULL);
    }
    if (webhook) {
        snprintf(name, sizeof name, "webhook %s %016llx", format ? format : "json",
                 ctl_fnv1a(webhook));
        urls[n] = webhook;
        ids[n++] =
            cli_channel(db, name, "webhook", NULL, format ? format : "json", NULL, NULL, NULL);
    }
    if (smtp) {
        snprintf(name, sizeof name, "mail %.120s %.120s", smtp, to ? to : "");
        ids[n++] = cli_channel(db, name, "smtp", smtp, NULL, from, to, user);
    }
    for (size_t i = 0; i < n; i++)
        if (ids[i] < 0) {
            fprintf(stderr, "ctlite-worker notify: %s\n", sqlite3_errmsg(db));
            goto done;
        }
    struct ctl_http_config c;
    ctl_http_config_init(&c);
    ctl_http *http = NULL;
    ctl_notify *nt = NULL;
    if (ctl_http_config_env(&c, err, sizeof err) < 0 ||
        (!(http = ctl_http_new(&c)) && snprintf(err, sizeof err, "out of memory")) ||
        !(nt = ctl_notify_new(db, http, n ? ids : NULL, urls, n, err, sizeof err))) {
        fprintf(stderr, "ctlite-worker notify: %s\n", err);
    } else {
        struct ctl_notify_pass p;
        if (ctl_notify_run(nt, &p, to_stderr, NULL, err, sizeof err) < 0)
            fprintf(stderr, "ctlite-worker notify: %s\n", err);
        else {
            fprintf(stderr, "ctlite-worker notify: %d delivered, %d failed\n", p.delivered,
                    p.failed);
            status = p.failed ? 1 : 0;
        }
    }
    ctl_notify_free(nt);
    ctl_http_free(http);
done:
    sqlite3_close(db);
    return status;
}
