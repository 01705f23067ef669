/* asn: which autonomous system announces an address, from the ip_asn table, and the command
 * that loads it from an iptoasn.com TSV (ctlite-worker asn-import). */
#ifndef CTLITE_ASN_H
#define CTLITE_ASN_H

#include <sqlite3.h>
#include <stddef.h>

struct ctl_asn {
    long long asn;    /* 0: not routed */
    char prefix[100]; /* "192.0.2.0/24", or "192.0.2.3-192.0.2.9" when the range is no prefix */
    char country[8];
    char description[200];
};

/* The range holding the printed address addr. 1 when found, 0 when not (or addr is not an
 * address), -1 on a database error. */
int ctl_asn_lookup(sqlite3 *db, const char *addr, struct ctl_asn *out);

#endif
