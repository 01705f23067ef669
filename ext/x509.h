/* x509: what a certificate or precertificate in DER says, read with OpenSSL: names, subject
 * and issuer, serial, validity, the CT poison, and the hashes that identify it and pair a
 * precertificate with its certificate. */
#ifndef CTLITE_X509_H
#define CTLITE_X509_H

#include <stddef.h>
#include <stdint.h>

typedef struct sqlite3 sqlite3;
typedef struct ctl_cert ctl_cert;

/* Parses der[n], which must be one whole certificate. NULL with err when it is not. */
ctl_cert *ctl_cert_parse(const uint8_t *der, size_t n, char *err, size_t errsz);
void ctl_cert_free(ctl_cert *c);

/* The subject's or the issuer's distinguished name on one line, as crt.sh shows it:
 * "C=US, O=\"DigiCert, Inc.\", CN=...". Returns the length, or -1 when out is too small (or
 * the issuer's Name, decoded only here, cannot be read). */
int ctl_cert_subject(const ctl_cert *c, char *out, size_t outsz);
int ctl_cert_issuer(const ctl_cert *c, char *out, size_t outsz);

/* The issuer's Name as it is encoded: the same bytes print the same. *n is its length. */
const uint8_t *ctl_cert_issuer_der(const ctl_cert *c, size_t *n);

/* The subject's first common name, UTF-8 with control bytes as \xNN; -1 (and "") when it
 * has none. */
int ctl_cert_common_name(const ctl_cert *c, char *out, size_t outsz);

/* The serial number as lowercase hex of the DER INTEGER's content ("00..." when its high bit
 * is set), as crt.sh shows it. */
int ctl_cert_serial(const ctl_cert *c, char *out, size_t outsz);

/* Validity in Unix seconds; 0 with *ok cleared when the time cannot be read. */
int64_t ctl_cert_not_before(const ctl_cert *c, int *ok);
int64_t ctl_cert_not_after(const ctl_cert *c, int *ok);

/* SHA-256 of n bytes. */
void ctl_sha256(const void *p, size_t n, uint8_t out[32]);

/* 1 for a precertificate (it carries the CT poison extension), else 0. */
int ctl_cert_is_precert(const ctl_cert *c);

/* SHA-256 of the TBSCertificate without the CT poison and SCT list extensions: the same for
 * a precertificate and the certificate issued from it. 0, or -1 when out of memory. */
int ctl_cert_tbs_sha256(const ctl_cert *c, uint8_t out[32]);

/* Calls fn for the subject's common names ("cn"), and the subjectAltName's DNS names
 * ("dns"), IP addresses ("ip", in text form) and e-mail addresses ("email"), in that order.
 * Bytes outside printable ASCII are given as \xNN, since names are the certificate
 * requester's choice. */
void ctl_cert_names(const ctl_cert *c, void (*fn)(void *user, const char *type, const char *name),
                    void *user);

/* x509_names, x509_subject, x509_issuer, x509_serial, x509_not_before, x509_not_after,
 * x509_is_precert, x509_sha256, x509_tbs_sha256. */
int x509_register(sqlite3 *db);

#endif
