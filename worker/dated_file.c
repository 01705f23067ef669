/* dated_file: ROOT/YYYY/MM/DD/NAME, atomically. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "dated_file.h"
#include "out_file.h"

/* mkdir -p of dir. */
static int make_dirs(char *dir)
{
    for (char *p = dir + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            int bad = mkdir(dir, 0755) < 0 && errno != EEXIST;
            *p = '/';
            if (bad) return -1;
        }
    return mkdir(dir, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

int ctl_dated_file_write(const char *root, time_t t, const char *name, const char *text, char *err,
                         size_t errsz)
{
    char dir[4096], path[4400];
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(dir, sizeof dir, "%s/%04d/%02d/%02d", root, tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (make_dirs(dir) < 0) return snprintf(err, errsz, "%.400s: %s", dir, strerror(errno)), -1;
    struct ctl_out_file o;
    if (ctl_out_file_open(&o, path, err, errsz) < 0) return -1;
    fprintf(o.f, "%s\n", text);
    return ctl_out_file_commit(&o, err, errsz);
}
