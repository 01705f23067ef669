/* dated_file: ROOT/YYYY/MM/DD/NAME, atomically. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dated_file.h"

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
    char dir[4096], path[4400], tmp[4400];
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(dir, sizeof dir, "%s/%04d/%02d/%02d", root, tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    snprintf(tmp, sizeof tmp, "%s/.%s.tmp", dir, name);
    size_t len = strlen(text);
    int fd = -1,
        ok = make_dirs(dir) == 0 && (fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644)) >= 0;
    ok = ok && write(fd, text, len) == (ssize_t)len && write(fd, "\n", 1) == 1 && fsync(fd) == 0;
    if (fd >= 0 && close(fd) < 0) ok = 0;
    ok = ok && rename(tmp, path) == 0;
    if (!ok) {
        snprintf(err, errsz, "%.400s: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}
