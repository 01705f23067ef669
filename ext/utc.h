/* utc: calendar times in UTC as Unix seconds, without the C library's time zone machinery
 * (timegm is not POSIX, and mktime reads the local zone). */
#ifndef CTLITE_UTC_H
#define CTLITE_UTC_H

#include <stdint.h>

/* Unix seconds of the UTC time y-mon-d h:mi:s, proleptic Gregorian; fields are not checked. */
int64_t ctl_utc_seconds(int64_t y, int mon, int d, int h, int mi, int s);

/* An RFC 3339 date-time, "2026-11-30T10:15:02Z", with optional fractional seconds (dropped)
 * and a "Z" or "+hh:mm"/"-hh:mm" offset, as Unix seconds into *out. 0, or -1 for anything
 * else (an impossible date included). */
int ctl_utc_parse_rfc3339(const char *s, int64_t *out);

#endif
