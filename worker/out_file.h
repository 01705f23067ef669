/* out_file: an output file written whole or not at all. It is written as a temporary file
 * beside its path and, once complete and synced, renamed over it; a failure leaves the path
 * as it was. "-" stands for stdout, written as it goes. */
#ifndef CTLITE_OUT_FILE_H
#define CTLITE_OUT_FILE_H

#include <stddef.h>
#include <stdio.h>

struct ctl_out_file {
    FILE *f; /* where to write */
    char path[4096], tmp[4200];
};

/* Opens path ("-": stdout) for writing into o->f. 0, or -1 with err. */
int ctl_out_file_open(struct ctl_out_file *o, const char *path, char *err, size_t errsz);

/* Ends the writing: flushed, synced and renamed into place. 0, or -1 with err (a write that
 * failed on the way, a full disk, ...), the path then left as it was. */
int ctl_out_file_commit(struct ctl_out_file *o, char *err, size_t errsz);

/* Gives up the writing: the temporary file is removed and the path left as it was. */
void ctl_out_file_abort(struct ctl_out_file *o);

#endif
