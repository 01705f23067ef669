/* crtsh: crt.sh's JSON search API. The pure part (URLs, parsing, names) is here; crtsh_vtab.c
 * puts it behind the crtsh, crtsh_cert and crtsh_names tables with a per-connection cache. */
#ifndef CTLITE_CRTSH_H
#define CTLITE_CRTSH_H

#include <stddef.h>
#include <stdint.h>

typedef struct sqlite3 sqlite3;

/* crt.sh answers at most this many rows, silently: a result this long may be incomplete. */
#define CTL_CRTSH_CAP 10000

/* One row of a search, as crt.sh sends it. Times are "YYYY-MM-DDTHH:MM:SS[.fff]", UTC. */
struct ctl_crtsh_row {
    int64_t id, issuer_ca_id; /* issuer_ca_id -1: issuer unknown */
    int64_t result_count;     /* -1 when crt.sh did not send it */
    char *issuer_name;
    char *common_name;     /* NULL when null or absent */
    char *name_value;      /* the matching names, one per line */
    char *entry_timestamp; /* NULL when null */
    char *not_before, *not_after;
    char *serial_number; /* lowercase hex */
};

struct ctl_crtsh_result {
    struct ctl_crtsh_row *v;
    size_t n;
};

/* The URL of an identity search on base (such as "https://crt.sh/"), malloc'd; NULL when out
 * of memory. match is crt.sh's (=, ILIKE, LIKE, ...), never left to crt.sh's default. */
char *ctl_crtsh_search_url(const char *base, const char *query, const char *match,
                           int exclude_expired, int deduplicate);

/* The URL of a certificate's download (?d=ID), malloc'd. */
char *ctl_crtsh_cert_url(const char *base, int64_t id);

/* Parses a JSON search answer. Returns 0, or -1 with a message in err saying what is wrong
 * and where (truncated JSON, invalid UTF-8, a row without an id, ...). */
int ctl_crtsh_parse(const char *body, size_t len, struct ctl_crtsh_result *out, char *err,
                    size_t errsz);
void ctl_crtsh_result_free(struct ctl_crtsh_result *r);

/* The host names of a name_value, one per call: *pos starts at 0. Each is lowercase A-labels
 * without a trailing dot, "*." kept for a wildcard; lines that are not host names (an
 * organisation, an e-mail address, an IP address) are skipped. Returns the length written to
 * out, or -1 after the last. */
int ctl_crtsh_next_name(const char *name_value, size_t *pos, char out[256]);

/* The DER of the PEM certificate in pem[len], malloc'd into *der; -1 with err when it holds
 * no certificate that OpenSSL can read. */
int ctl_crtsh_pem_to_der(const char *pem, size_t len, unsigned char **der, size_t *der_len,
                         char *err, size_t errsz);

/* The crtsh, crtsh_cert and crtsh_names tables, ctlite_setting and crtsh_cache_clear. */
int crtsh_register(sqlite3 *db);

#endif
