/* commands: the worker's subcommands. Each takes the arguments after the command's name
 * (argv[0] is the name), prints its own --help, and returns the process's exit status:
 * 0 done, 1 failed, 2 bad usage. */
#ifndef CTLITE_COMMANDS_H
#define CTLITE_COMMANDS_H

#include <sqlite3.h>
#include <stdio.h>

int cmd_watch(int argc, char **argv);
int cmd_crtsh(int argc, char **argv);
int cmd_logs(int argc, char **argv);
int cmd_tail(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_alerts(int argc, char **argv);
int cmd_ack(int argc, char **argv);
int cmd_baseline(int argc, char **argv);
int cmd_ca(int argc, char **argv);
int cmd_notify(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_rdap_bootstrap(int argc, char **argv);
int cmd_enrich(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_asn_import(int argc, char **argv);
int cmd_certstream(int argc, char **argv);
int cmd_certificate_stream(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_report(int argc, char **argv);

/* One crt.sh sync of every watched domain into db (crtsh_sync.c), as ctlite-worker crtsh does,
 * its summary line written to out. Returns the number of domains that failed. */
long ctl_crtsh_round(sqlite3 *db, FILE *out);

/* The text of a file, or of a URL (http:// or https://, fetched with the network settings of
 * the environment), malloc'd and NUL-terminated into *out, *len bytes. -1 with err. */
int ctl_read_source(const char *where, char **out, size_t *len, char *err, size_t errsz);

/* Whether arg asks for help (--help or -h). */
int is_help(const char *arg);

/* Writes a field of a tab-separated listing, then a tab (a newline after the last). Control
 * bytes, which could move a terminal's cursor or recolour it (and a database may hold
 * anything), and backslashes are written as \xNN; invisible and direction-changing characters,
 * which make a name read as another, as \u{NNNN}. */
void ctl_put_field(FILE *f, const unsigned char *s, int last);

/* Steps st to the end, printing header (unless NULL) and then each row as a line of fields
 * on stdout. Returns SQLITE_DONE, or the error that stopped it. */
int ctl_put_rows(sqlite3_stmt *st, const char *header);

#endif
