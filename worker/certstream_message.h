/* certstream_message: one message of a CertStream server (certstream-server-go's JSON, a text
 * frame each), read into what ctlite stores. The server is trusted for nothing that the
 * certificate itself says: with the full stream, its DER is kept and parsed later like a log
 * entry's; the server's own fields (all_domains, sha256, ...) are only read from the lite
 * stream and from domains-only, which carry no certificate. */
#ifndef CTLITE_CERTSTREAM_MESSAGE_H
#define CTLITE_CERTSTREAM_MESSAGE_H

#include <stddef.h>
#include <stdint.h>

enum ctl_cs_kind {
    CTL_CS_CERTIFICATE, /* certificate_update */
    CTL_CS_DOMAINS,     /* dns_entries (the domains-only stream) */
    CTL_CS_HEARTBEAT,   /* heartbeat, from older servers: nothing to store */
};

struct ctl_cs_message {
    enum ctl_cs_kind kind;
    /* certificate_update */
    int precert;       /* update_type PrecertLogEntry */
    long long index;   /* cert_index, -1 when absent */
    double seen;       /* when the server saw it, Unix seconds; 0 when absent */
    char log_url[512]; /* source.url, "" when absent */
    uint8_t *der;      /* leaf_cert.as_der, decoded (full stream only), or NULL */
    size_t der_len;
    uint8_t sha256[32]; /* leaf_cert.sha256, when has_sha256 */
    int has_sha256;
    char serial[130];                /* leaf_cert.serial_number, lowercase, "" when absent */
    long long not_before, not_after; /* leaf_cert's, 0 when absent */
    /* certificate_update's all_domains, or dns_entries' data: as sent, lowercased */
    char **names;
    size_t nnames;
};

/* Reads the text frame text[len] into *m (cleared first). -1 with err for what is not a
 * CertStream message of a kind above: not JSON, another message_type, a certificate_update
 * without leaf_cert, an as_der that is not base64, names that are not strings. */
int ctl_cs_parse(const char *text, size_t len, struct ctl_cs_message *m, char *err, size_t errsz);

/* Frees what ctl_cs_parse allocated. */
void ctl_cs_message_clear(struct ctl_cs_message *m);

#endif
