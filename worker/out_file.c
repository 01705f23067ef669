#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "out_file.h"

int ctl_out_file_open(struct ctl_out_file *o, const char *path, char *err, size_t errsz)
{
    memset(o, 0, sizeof *o);
    if (!strcmp(path, "-")) return o->f = stdout, 0;
    if (snprintf(o->path, sizeof o->path, "%s", path) >= (int)sizeof o->path)
        return snprintf(err, errsz, "%.100s...: path too long", path), -1;
    /* Beside the path, so that the rename stays within one file system; a dot file, so that
     * a directory listing or glob does not take it for the real one. */
    const char *slash = strrchr(o->path, '/');
    int dir = slash ? (int)(slash - o->path + 1) : 0;
    snprintf(o->tmp, sizeof o->tmp, "%.*s.%s.tmp", dir, o->path, o->path + dir);
    if (!(o->f = fopen(o->tmp, "w")))
        return snprintf(err, errsz, "%.400s: %s", o->tmp, strerror(errno)), -1;
    return 0;
}

int ctl_out_file_commit(struct ctl_out_file *o, char *err, size_t errsz)
{
    if (o->f == stdout)
        return fflush(stdout) == 0 && !ferror(stdout)
                   ? 0
                   : (snprintf(err, errsz, "stdout: %s", strerror(errno)), -1);
    int ok = fflush(o->f) == 0 && !ferror(o->f) && fsync(fileno(o->f)) == 0;
    int saved = errno;
    if (fclose(o->f) != 0 && ok) ok = 0, saved = errno;
    o->f = NULL;
    if (ok && rename(o->tmp, o->path) < 0) ok = 0, saved = errno;
    if (ok) return 0;
    unlink(o->tmp);
    snprintf(err, errsz, "%.400s: %s", o->path, strerror(saved));
    return -1;
}

void ctl_out_file_abort(struct ctl_out_file *o)
{
    if (!o->f || o->f == stdout) return;
    fclose(o->f);
    o->f = NULL;
    unlink(o->tmp);
}
