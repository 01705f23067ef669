/* asn: ip_asn, loaded from iptoasn.com's TSV and looked up by address. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asn.h"
#include "commands.h"
#include "db.h"

static const char usage[] =
    "usage: ctlite-worker asn-import DB FILE|-\n"
    "\n"
    "Loads an ip-to-ASN table in iptoasn.com's TSV format (ip2asn-v4.tsv, ip2asn-v6.tsv or\n"
    "ip2asn-combined.tsv, uncompressed; - reads standard input, so: zcat ip2asn-combined.tsv.gz |\n"
    "ctlite-worker asn-import ct.db -) into the ip_asn table, replacing what was there. Each\n"
    "line: range_start, range_end, AS number (0: not routed), country code, AS description,\n"
    "separated by tabs. A malformed line stops the import, which then changes nothing. scan\n"
    "looks the address of each live site up in it.\n";

/* The 16-byte key of a printed address: IPv6, or IPv4 mapped (::ffff:a.b.c.d). */
static int key_of(const char *text, unsigned char key[16])
{
    struct in_addr v4;
    if (inet_pton(AF_INET, text, &v4) == 1) {
        memset(key, 0, 10);
        key[10] = key[11] = 0xFF;
        memcpy(key + 12, &v4, 4);
        return 0;
    }
    return inet_pton(AF_INET6, text, key) == 1 ? 0 : -1;
}

/* start..end as a CIDR prefix when it is one, else as a range. */
static void format_range(const unsigned char *start, const unsigned char *end, char *out,
                         size_t outsz)
{
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    int v4 = !memcmp(start, mapped, 12) && !memcmp(end, mapped, 12);
    char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
    inet_ntop(v4 ? AF_INET : AF_INET6, v4 ? start + 12 : start, a, sizeof a);
    inet_ntop(v4 ? AF_INET : AF_INET6, v4 ? end + 12 : end, b, sizeof b);
    /* A prefix: the bits where start and end differ are all 0 in start and all 1 in end. */
    int bits = 128;
    while (bits > 0) {
        int byte = (bits - 1) / 8, bit = 7 - (bits - 1) % 8;
        int s = start[byte] >> bit & 1, e = end[byte] >> bit & 1;
        if (s == e) break;
        if (s != 0 || e != 1) return (void)snprintf(out, outsz, "%s-%s", a, b);
        bits--;
    }
    for (int i = 0; i < bits / 8; i++)
        if (start[i] != end[i]) return (void)snprintf(out, outsz, "%s-%s", a, b);
    if (bits % 8 && (start[bits / 8] ^ end[bits / 8]) >> (8 - bits % 8))
        return (void)snprintf(out, outsz, "%s-%s", a, b);
    snprintf(out, outsz, "%s/%d", a, v4 ? bits - 96 : bits);
}

int ctl_asn_lookup(sqlite3 *db, const char *addr, struct ctl_asn *out)
{
    unsigned char key[16];
    if (key_of(addr, key) < 0) return 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "SELECT start, end, asn, country, description FROM ip_asn "
                           "WHERE start <= ?1 ORDER BY start DESC LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_blob(st, 1, key, 16, SQLITE_STATIC);
    int rc = sqlite3_step(st), found = 0;
    if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 16 &&
        sqlite3_column_bytes(st, 1) == 16 && memcmp(sqlite3_column_blob(st, 1), key, 16) >= 0) {
        const unsigned char *country = sqlite3_column_text(st, 3),
                            *desc = sqlite3_column_text(st, 4);
        out->asn = sqlite3_column_int64(st, 2);
        format_range(sqlite3_column_blob(st, 0), sqlite3_column_blob(st, 1), out->prefix,
                     sizeof out->prefix);
        snprintf(out->country, sizeof out->country, "%s", country ? (const char *)country : "");
        snprintf(out->description, sizeof out->description, "%s", desc ? (const char *)desc : "");
        found = 1;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? found : -1;
}

/* Loads the lines of f; the count into *n. 0, or -1 with err. */
static int load(sqlite3 *db, FILE *f, const char *src, long *n, char *err, size_t errsz)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO ip_asn(start, end, asn, country, description) "
                           "VALUES (?1, ?2, ?3, ?4, ?5)",
                           -1, &st, NULL) != SQLITE_OK)
        return snprintf(err, errsz, "%s", sqlite3_errmsg(db)), -1;
    char *line = NULL;
    size_t cap = 0;
    long lineno = 0;
    int rc = 0;
    while (rc == 0 && getline(&line, &cap, f) > 0) {
        lineno++;
        line[strcspn(line, "\r\n")] = 0;
        if (!*line) continue;
        char *field[5], *p = line;
        int k = 0;
        for (; k < 5 && p; k++) {
            field[k] = p;
            if ((p = strchr(p, '\t'))) *p++ = 0;
        }
        unsigned char start[16], end[16];
        char *stop;
        errno = 0;
        long long asn = k >= 3 ? strtoll(field[2], &stop, 10) : -1;
        if (k < 5 || key_of(field[0], start) < 0 || key_of(field[1], end) < 0 || errno || *stop ||
            asn < 0 || memcmp(start, end, 16) > 0) {
            snprintf(err, errsz,
                     "%s: line %ld: not an iptoasn line (start, end, AS, country, "
                     "description, separated by tabs)",
                     src, lineno);
            rc = -1;
            break;
        }
        sqlite3_bind_blob(st, 1, start, 16, SQLITE_STATIC);
        sqlite3_bind_blob(st, 2, end, 16, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, asn);
        sqlite3_bind_text(st, 4, field[3], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, field[4], -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE) {
            snprintf(err, errsz, "%s: line %ld: %s", src, lineno, sqlite3_errmsg(db));
            rc = -1;
        }
        sqlite3_reset(st);
        (*n)++;
    }
    if (rc == 0 && ferror(f)) snprintf(err, errsz, "%s: %s", src, strerror(errno)), rc = -1;
    free(line);
    sqlite3_finalize(st);
    return rc;
}

int cmd_asn_import(int argc, char **argv)
{
    if (argc >= 2 && is_help(argv[1])) return fputs(usage, stdout), 0;
    if (argc != 3 || argv[1][0] == '-') return fputs(usage, stderr), 2;
    FILE *f = strcmp(argv[2], "-") ? fopen(argv[2], "r") : stdin;
    if (!f)
        return fprintf(stderr, "ctlite-worker asn-import: %s: %s\n", argv[2], strerror(errno)), 1;
    char err[600] = "";
    long n = 0;
    sqlite3 *db = ctl_db_open(argv[1], NULL, NULL, err, sizeof err);
    int rc = db ? sqlite3_exec(db, "BEGIN IMMEDIATE; DELETE FROM ip_asn", NULL, NULL, NULL) : 1;
    if (!db)
        fprintf(stderr, "ctlite-worker: %s\n", err);
    else if (rc != SQLITE_OK)
        fprintf(stderr, "ctlite-worker asn-import: %s\n", sqlite3_errmsg(db));
    else if (load(db, f, argv[2], &n, err, sizeof err) < 0 ||
             sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "ctlite-worker asn-import: %s\n", *err ? err : sqlite3_errmsg(db));
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        rc = 1;
    } else
        printf("asn-import: %ld ranges\n", n);
    if (f != stdin) fclose(f);
    sqlite3_close(db);
    return rc == SQLITE_OK ? 0 : 1;
}
