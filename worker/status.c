/* ctlite-worker status: where the tail stands in each log, from the ct_log table. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "db.h"

static const char usage[] =
    "usage: ctlite-worker status DB\n"
    "\n"
    "One line per CT log that the tail follows (enabled, neither rejected nor retired) or has\n"
    "followed, tab-separated under a header line:\n"
    "  id, log       ct_log.id and the log's description\n"
    "  position      the next entry to fetch: the entries before it are stored\n"
    "  verified      the entries before it are checked against a signed tree head\n"
    "  tree_size     the size of the last verified tree head\n"
    "  lag           entries of that head not yet verified\n"
    "  head_age      seconds since the log signed that head\n"
    "  rate          entries stored per second in the last pass that stored any\n"
    "  checked       seconds since the tail last read the log's tree head\n"
    "  error         why the log stopped, if it did (also an alert: view rule_log_stopped)\n";

int cmd_status(int argc, char **argv)
{
    if (argc >= 2 && is_help(argv[1])) return fputs(usage, stdout), 0;
    if (argc != 2 || argv[1][0] == '-') return fputs(usage, stderr), 2;
    char err[512];
    sqlite3 *db = ctl_db_open(argv[1], NULL, NULL, err, sizeof err);
    if (!db) return fprintf(stderr, "ctlite-worker: %s\n", err), 1;
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(
        db,
        "SELECT id, coalesce(description, url), next_index, verified_size, head_size, "
        "head_size - verified_size, unixepoch() - head_timestamp / 1000, iif(rate IS NULL, NULL, "
        "printf('%.0f', rate)), "
        "unixepoch() - checked_at, error FROM ct_log WHERE (enabled AND coalesce(state, '') NOT "
        "IN ('rejected', 'retired')) OR next_index > 0 OR checked_at IS NOT NULL ORDER BY id",
        -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = ctl_put_rows(st, "id\tlog\tposition\tverified\ttree_size\tlag\thead_age\trate\t"
                              "checked\terror");
    if (rc != SQLITE_DONE) fprintf(stderr, "ctlite-worker status: %s\n", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rc == SQLITE_DONE ? 0 : 1;
}
