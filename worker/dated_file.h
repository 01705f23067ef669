/* dated_file: files under a directory of days, ROOT/YYYY/MM/DD/NAME, written whole or not at
 * all: the JSON files of notify's json_dir channel and of scan's live sites. */
#ifndef CTLITE_DATED_FILE_H
#define CTLITE_DATED_FILE_H

#include <stddef.h>
#include <time.h>

/* Writes text and a newline to ROOT/YYYY/MM/DD/name, the day of t in UTC, making the
 * directories as needed: through a temporary name, synced and renamed, so that a reader sees
 * the whole file or none. name must be a plain file name. 0, or -1 with err. */
int ctl_dated_file_write(const char *root, time_t t, const char *name, const char *text, char *err,
                         size_t errsz);

#endif
