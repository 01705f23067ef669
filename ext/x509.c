/* SHA256() and SHA256_Init(): no provider lookup (and its locks) per call, which EVP pays. */
#define OPENSSL_API_COMPAT 0x10101000L
#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "utc.h"
#include "x509.h"

/* A DER TLV: its identifier octet, where it starts, and its content. */
struct tlv {
    int tag;
    const uint8_t *start, *p;
    size_t n;
};

/* Reads the TLV at *p, which must end by end, and moves *p past it. -1 when there is none:
 * a multi-octet tag, an indefinite length or one past end. */
static int next(const uint8_t **p, const uint8_t *end, struct tlv *t)
{
    const uint8_t *s = *p;
    if (end - s < 2 || (s[0] & 0x1f) == 0x1f) return -1;
    size_t len = s[1], k = 2;
    if (len & 0x80) {
        size_t m = len & 0x7f;
        if (m == 0 || m > 4 || (size_t)(end - s) < 2 + m) return -1;
        len = 0;
        for (size_t i = 0; i < m; i++) len = len << 8 | s[2 + i];
        k += m;
    }
    if (len > (size_t)(end - s) - k) return -1;
    *t = (struct tlv){s[0], s, s + k, len};
    *p = s + k + len;
    return 0;
}

/* Reads the next TLV, which must have the given tag. */
static int expect(const uint8_t **p, const uint8_t *end, int tag, struct tlv *t)
{
    return next(p, end, t) == 0 && t->tag == tag ? 0 : -1;
}

static size_t whole(const struct tlv *t)
{
    return (size_t)(t->p - t->start) + t->n;
}

/* The OIDs' content octets: the CT poison, the SCT list, subjectAltName. */
static const uint8_t poison_oid[] = {0x2b, 6, 1, 4, 1, 0xd6, 0x79, 2, 4, 3};
static const uint8_t scts_oid[] = {0x2b, 6, 1, 4, 1, 0xd6, 0x79, 2, 4, 2};
static const uint8_t san_oid[] = {0x55, 0x1d, 0x11};

static int oid_is(const struct tlv *oid, const uint8_t *want, size_t n)
{
    return oid->n == n && memcmp(oid->p, want, n) == 0;
}

/* Whether an Extension is the poison or the SCT list, which a precertificate and its
 * certificate differ by. */
static int ct_only(const struct tlv *ext)
{
    const uint8_t *q = ext->p;
    struct tlv oid;
    return next(&q, ext->p + ext->n, &oid) == 0 &&
           (oid_is(&oid, poison_oid, sizeof poison_oid) || oid_is(&oid, scts_oid, sizeof scts_oid));
}

/* The certificate is walked by hand so that only what is asked for is decoded: d2i_X509
 * decodes the public key and caches every extension through OpenSSL's providers, which
 * costs several times the rest of the work and takes a lock per lookup. The names, times
 * and subjectAltName are decoded with OpenSSL. */
struct ctl_cert {
    struct tlv tbs, serial, not_before, not_after;
    struct tlv exts;    /* the [3] extensions field, or n = 0 without one */
    struct tlv ext_seq; /* the SEQUENCE inside it */
    struct tlv san;     /* the subjectAltName's extnValue content, or n = 0 */
    struct tlv issuer;  /* decoded when printed: callers can tell issuers apart by its bytes */
    int precert;
    X509_NAME *subject;
    uint8_t der[];
};

/* Checks an Extensions SEQUENCE, noting the CT poison and the subjectAltName. */
static int extensions(ctl_cert *c)
{
    const uint8_t *p = c->ext_seq.p, *end = p + c->ext_seq.n;
    while (p < end) {
        struct tlv ext, oid, f;
        if (expect(&p, end, 0x30, &ext) < 0) return -1;
        const uint8_t *q = ext.p, *qe = ext.p + ext.n;
        if (expect(&q, qe, 0x06, &oid) < 0 || next(&q, qe, &f) < 0) return -1;
        if (f.tag == 0x01 && next(&q, qe, &f) < 0) return -1; /* critical */
        if (f.tag != 0x04 || q != qe) return -1;
        if (oid_is(&oid, poison_oid, sizeof poison_oid)) c->precert = 1;
        if (oid_is(&oid, san_oid, sizeof san_oid) && !c->san.start) c->san = f;
    }
    return 0;
}

static X509_NAME *name(const struct tlv *t)
{
    const unsigned char *p = t->start;
    X509_NAME *x = d2i_X509_NAME(NULL, &p, (long)whole(t));
    if (x && p != t->start + whole(t)) X509_NAME_free(x), x = NULL;
    return x;
}

/* Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue } in der[n],
 * the whole input; 1 when bytes follow it, -1 when it is not one. TBSCertificate ::= SEQUENCE { [0]
 * version OPTIONAL, serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo, [1]
 * and [2] unique ids OPTIONAL, [3] extensions OPTIONAL } (RFC 5280). */
static int walk(ctl_cert *c, size_t n)
{
    const uint8_t *p = c->der, *end = c->der + n;
    struct tlv cert, alg, sig, validity, subject, spki, f;
    if (expect(&p, end, 0x30, &cert) < 0) return -1;
    if (p != end) return 1;
    p = cert.p, end = cert.p + cert.n;
    if (expect(&p, end, 0x30, &c->tbs) < 0 || expect(&p, end, 0x30, &alg) < 0 ||
        expect(&p, end, 0x03, &sig) < 0 || p != end)
        return -1;
    p = c->tbs.p, end = c->tbs.p + c->tbs.n;
    if (next(&p, end, &f) < 0) return -1;
    if (f.tag == 0xa0 && next(&p, end, &f) < 0) return -1;
    c->serial = f;
    if (f.tag != 0x02 || !f.n || expect(&p, end, 0x30, &alg) < 0 ||
        expect(&p, end, 0x30, &c->issuer) < 0 || expect(&p, end, 0x30, &validity) < 0 ||
        expect(&p, end, 0x30, &subject) < 0 || expect(&p, end, 0x30, &spki) < 0)
        return -1;
    while (p < end) {
        if (next(&p, end, &f) < 0) return -1;
        if (f.tag == 0xa3) {
            const uint8_t *q = f.p;
            c->exts = f;
            if (expect(&q, f.p + f.n, 0x30, &c->ext_seq) < 0 || q != f.p + f.n || extensions(c) < 0)
                return -1;
        } else if (f.tag != 0x81 && f.tag != 0x82 && f.tag != 0xa1 && f.tag != 0xa2) {
            return -1;
        }
    }
    const uint8_t *q = validity.p, *qe = validity.p + validity.n;
    if (next(&q, qe, &c->not_before) < 0 || next(&q, qe, &c->not_after) < 0 || q != qe) return -1;
    c->subject = name(&subject);
    return c->subject ? 0 : -1;
}

ctl_cert *ctl_cert_parse(const uint8_t *der, size_t n, char *err, size_t errsz)
{
    ctl_cert *c = n < 0x7fffffff ? calloc(1, sizeof *c + n) : NULL;
    if (!c) {
        snprintf(err, errsz, n < 0x7fffffff ? "out of memory" : "not a DER certificate");
        return NULL;
    }
    memcpy(c->der, der, n);
    int rc = walk(c, n);
    if (rc) {
        ERR_clear_error();
        ctl_cert_free(c);
        snprintf(err, errsz, rc > 0 ? "bytes after the certificate" : "not a DER certificate");
        return NULL;
    }
    return c;
}

void ctl_cert_free(ctl_cert *c)
{
    if (!c) return;
    X509_NAME_free(c->subject);
    free(c);
}

/* The DN on one line, "C=US, O=..." with quotes around values that need them. */
static int dn(const X509_NAME *name, char *out, size_t outsz)
{
    BIO *b = BIO_new(BIO_s_mem());
    if (!b) return -1;
    int n = X509_NAME_print_ex(b, name, 0, XN_FLAG_ONELINE & ~XN_FLAG_SPC_EQ);
    char *data;
    long len = BIO_get_mem_data(b, &data);
    int ok = n >= 0 && len >= 0 && (size_t)len < outsz;
    if (ok) memcpy(out, data, (size_t)len), out[len] = 0;
    BIO_free(b);
    return ok ? (int)len : -1;
}

int ctl_cert_subject(const ctl_cert *c, char *out, size_t outsz)
{
    return dn(c->subject, out, outsz);
}

int ctl_cert_issuer(const ctl_cert *c, char *out, size_t outsz)
{
    X509_NAME *issuer = name(&c->issuer);
    int n = issuer ? dn(issuer, out, outsz) : -1;
    X509_NAME_free(issuer);
    if (!issuer) ERR_clear_error();
    return n;
}

const uint8_t *ctl_cert_issuer_der(const ctl_cert *c, size_t *n)
{
    *n = whole(&c->issuer);
    return c->issuer.start;
}

int ctl_cert_serial(const ctl_cert *c, char *out, size_t outsz)
{
    static const char hex[] = "0123456789abcdef";
    if (2 * c->serial.n >= outsz) return -1;
    for (size_t i = 0; i < c->serial.n; i++) {
        out[2 * i] = hex[c->serial.p[i] >> 4];
        out[2 * i + 1] = hex[c->serial.p[i] & 15];
    }
    out[2 * c->serial.n] = 0;
    return (int)(2 * c->serial.n);
}

/* UTCTime or GeneralizedTime as Unix seconds. */
static int64_t unix_time(const struct tlv *t, int *ok)
{
    ASN1_TIME at = {(int)t->n, t->tag == 0x17 ? V_ASN1_UTCTIME : V_ASN1_GENERALIZEDTIME,
                    (unsigned char *)t->p, 0};
    struct tm tm;
    *ok = (t->tag == 0x17 || t->tag == 0x18) && ASN1_TIME_to_tm(&at, &tm) == 1;
    if (!*ok) return 0;
    return ctl_utc_seconds(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                           tm.tm_sec);
}

int64_t ctl_cert_not_before(const ctl_cert *c, int *ok)
{
    return unix_time(&c->not_before, ok);
}

int64_t ctl_cert_not_after(const ctl_cert *c, int *ok)
{
    return unix_time(&c->not_after, ok);
}

void ctl_sha256(const void *p, size_t n, uint8_t out[32])
{
    SHA256(p, n, out);
}

int ctl_cert_is_precert(const ctl_cert *c)
{
    return c->precert;
}

/* A DER identifier and length octets into out; their count. */
static size_t header(uint8_t out[6], int tag, size_t len)
{
    size_t k = 0, m = 0;
    out[k++] = (uint8_t)tag;
    if (len < 0x80) {
        out[k++] = (uint8_t)len;
        return k;
    }
    for (size_t l = len; l; l >>= 8) m++;
    out[k++] = (uint8_t)(0x80 | m);
    while (m--) out[k++] = (uint8_t)(len >> 8 * m);
    return k;
}

/* The TBSCertificate as it reads with the two extensions taken out, hashed piece by piece:
 * the lengths of the extensions, the [3] field and the TBS shrink accordingly. With none
 * left, the field holds an empty SEQUENCE, as OpenSSL encodes it. */
int ctl_cert_tbs_sha256(const ctl_cert *c, uint8_t out[32])
{
    size_t kept = 0, dropped = 0;
    const uint8_t *p = c->ext_seq.p, *end = p ? p + c->ext_seq.n : p;
    struct tlv ext;
    while (p < end && expect(&p, end, 0x30, &ext) == 0) {
        if (ct_only(&ext))
            dropped++;
        else
            kept += whole(&ext);
    }
    if (!dropped) {
        SHA256(c->tbs.start, whole(&c->tbs), out);
        return 0;
    }
    uint8_t seq[6], field[6], tbs[6];
    size_t sn = header(seq, 0x30, kept), fn = header(field, 0xa3, sn + kept);
    const uint8_t *after = c->exts.p + c->exts.n, *tbs_end = c->tbs.p + c->tbs.n;
    size_t before = (size_t)(c->exts.start - c->tbs.p);
    size_t tn = header(tbs, 0x30, before + fn + sn + kept + (size_t)(tbs_end - after));
    SHA256_CTX h;
    SHA256_Init(&h);
    SHA256_Update(&h, tbs, tn);
    SHA256_Update(&h, c->tbs.p, before);
    SHA256_Update(&h, field, fn);
    SHA256_Update(&h, seq, sn);
    for (p = c->ext_seq.p; p < end && expect(&p, end, 0x30, &ext) == 0;)
        if (!ct_only(&ext)) SHA256_Update(&h, ext.start, whole(&ext));
    SHA256_Update(&h, after, (size_t)(tbs_end - after));
    SHA256_Final(out, &h);
    return 0;
}

/* Bytes as text, with anything outside printable ASCII as \xNN (and '\' itself). */
static void escaped(const unsigned char *s, size_t n, char *out, size_t outsz)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 5 < outsz; i++) {
        if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\')
            out[k++] = (char)s[i];
        else
            k += (size_t)snprintf(out + k, outsz - k, "\\x%02X", s[i]);
    }
    out[k] = 0;
}

/* The subject's common name number i (an index of the name's entries) as UTF-8 text, control
 * bytes escaped, since a common name may be any Unicode. -1 when it cannot be read. */
static int common_name(const X509_NAME *subject, int i, char *out, size_t outsz)
{
    const ASN1_STRING *s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i));
    unsigned char *utf8 = NULL;
    int n = ASN1_STRING_to_UTF8(&utf8, s);
    size_t k = 0;
    for (int j = 0; j < n && k + 5 < outsz; j++)
        if (utf8[j] < 0x20 || utf8[j] == 0x7f || utf8[j] == '\\')
            k += (size_t)snprintf(out + k, outsz - k, "\\x%02X", utf8[j]);
        else
            out[k++] = (char)utf8[j];
    if (outsz) out[k] = 0;
    OPENSSL_free(utf8);
    return n < 0 ? -1 : (int)k;
}

int ctl_cert_common_name(const ctl_cert *c, char *out, size_t outsz)
{
    int i = X509_NAME_get_index_by_NID(c->subject, NID_commonName, -1);
    if (outsz) *out = 0;
    return i < 0 ? -1 : common_name(c->subject, i, out, outsz);
}

void ctl_cert_names(const ctl_cert *c, void (*fn)(void *user, const char *type, const char *name),
                    void *user)
{
    char buf[1024];
    for (int i = -1; (i = X509_NAME_get_index_by_NID(c->subject, NID_commonName, i)) >= 0;)
        if (common_name(c->subject, i, buf, sizeof buf) >= 0) fn(user, "cn", buf);
    const unsigned char *p = c->san.p;
    GENERAL_NAMES *sans = c->san.n ? d2i_GENERAL_NAMES(NULL, &p, (long)c->san.n) : NULL;
    static const struct {
        int gen;
        const char *type;
    } kinds[] = {{GEN_DNS, "dns"}, {GEN_IPADD, "ip"}, {GEN_EMAIL, "email"}};
    for (size_t k = 0; k < 3; k++)
        for (int i = 0; i < sk_GENERAL_NAME_num(sans); i++) {
            const GENERAL_NAME *g = sk_GENERAL_NAME_value(sans, i);
            if (g->type != kinds[k].gen) continue;
            const ASN1_STRING *s = g->d.ia5; /* the same for the three kinds */
            const unsigned char *d = ASN1_STRING_get0_data(s);
            int len = ASN1_STRING_length(s);
            if (g->type == GEN_IPADD && (len == 4 || len == 16)) {
                inet_ntop(len == 4 ? AF_INET : AF_INET6, d, buf, sizeof buf);
            } else {
                escaped(d, (size_t)len, buf, sizeof buf);
            }
            fn(user, kinds[k].type, buf);
        }
    GENERAL_NAMES_free(sans);
}
