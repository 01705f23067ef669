/* SHA256(): no provider lookup (and its locks) per call, which EVP_Digest pays. */
#define OPENSSL_API_COMPAT 0x10101000L
#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "x509.h"

struct ctl_cert {
    X509 *x;
};

ctl_cert *ctl_cert_parse(const uint8_t *der, size_t n, char *err, size_t errsz)
{
    const unsigned char *p = der;
    X509 *x = n && n < 0x7fffffff ? d2i_X509(NULL, &p, (long)n) : NULL;
    if (!x || p != der + n) {
        X509_free(x);
        snprintf(err, errsz, x ? "bytes after the certificate" : "not a DER certificate");
        return NULL;
    }
    ctl_cert *c = malloc(sizeof *c);
    if (!c) {
        X509_free(x);
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    c->x = x;
    return c;
}

void ctl_cert_free(ctl_cert *c)
{
    if (!c) return;
    X509_free(c->x);
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
    return dn(X509_get_subject_name(c->x), out, outsz);
}

int ctl_cert_issuer(const ctl_cert *c, char *out, size_t outsz)
{
    return dn(X509_get_issuer_name(c->x), out, outsz);
}

int ctl_cert_serial(const ctl_cert *c, char *out, size_t outsz)
{
    unsigned char *der = NULL;
    int n = i2d_ASN1_INTEGER(X509_get0_serialNumber(c->x), &der);
    /* Skip the tag and the length: what is left is the INTEGER's content. */
    int skip = n > 2 ? (der[1] & 0x80 ? 2 + (der[1] & 0x7f) : 2) : n;
    int len = 2 * (n - skip);
    if (n <= 2 || (size_t)len >= outsz) {
        OPENSSL_free(der);
        return -1;
    }
    for (int i = skip; i < n; i++) snprintf(out + 2 * (i - skip), 3, "%02x", der[i]);
    OPENSSL_free(der);
    return len;
}

static int64_t unix_time(const ASN1_TIME *t, int *ok)
{
    struct tm tm;
    *ok = t && ASN1_TIME_to_tm(t, &tm) == 1;
    if (!*ok) return 0;
    int64_t y = tm.tm_year + 1900, m = tm.tm_mon + 1, d = tm.tm_mday;
    /* Days since 1970-01-01 in the proleptic Gregorian calendar (no time zone involved). */
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400, yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t days = era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
    return days * 86400 + tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
}

int64_t ctl_cert_not_before(const ctl_cert *c, int *ok)
{
    return unix_time(X509_get0_notBefore(c->x), ok);
}

int64_t ctl_cert_not_after(const ctl_cert *c, int *ok)
{
    return unix_time(X509_get0_notAfter(c->x), ok);
}

void ctl_sha256(const void *p, size_t n, uint8_t out[32])
{
    SHA256(p, n, out);
}

int ctl_cert_is_precert(const ctl_cert *c)
{
    return X509_get_ext_by_NID(c->x, NID_ct_precert_poison, -1) >= 0;
}

int ctl_cert_tbs_sha256(const ctl_cert *c, uint8_t out[32])
{
    X509 *t = X509_dup(c->x);
    if (!t) return -1;
    const int nids[] = {NID_ct_precert_poison, NID_ct_precert_scts};
    for (size_t i = 0; i < 2; i++)
        for (int k; (k = X509_get_ext_by_NID(t, nids[i], -1)) >= 0;)
            X509_EXTENSION_free(X509_delete_ext(t, k));
    unsigned char *tbs = NULL;
    int n = i2d_re_X509_tbs(t, &tbs); /* re-encoded, as extensions were removed */
    if (n > 0) ctl_sha256(tbs, (size_t)n, out);
    int ok = n > 0;
    OPENSSL_free(tbs);
    X509_free(t);
    return ok ? 0 : -1;
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
    const X509_NAME *subject = X509_get_subject_name(c->x);
    int i = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
    if (outsz) *out = 0;
    return i < 0 ? -1 : common_name(subject, i, out, outsz);
}

void ctl_cert_names(const ctl_cert *c, void (*fn)(void *user, const char *type, const char *name),
                    void *user)
{
    char buf[1024];
    const X509_NAME *subject = X509_get_subject_name(c->x);
    for (int i = -1; (i = X509_NAME_get_index_by_NID(subject, NID_commonName, i)) >= 0;)
        if (common_name(subject, i, buf, sizeof buf) >= 0) fn(user, "cn", buf);
    GENERAL_NAMES *sans = X509_get_ext_d2i(c->x, NID_subject_alt_name, NULL, NULL);
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
