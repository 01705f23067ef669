#include <curl/curl.h>
#include <jansson.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crtsh.h"
#include "domain.h"

char *ctl_crtsh_search_url(const char *base, const char *query, const char *match,
                           int exclude_expired, int deduplicate)
{
    /* Since libcurl 7.82 the handle of curl_easy_escape may be NULL. */
    char *q = curl_easy_escape(NULL, query, 0), *m = curl_easy_escape(NULL, match, 0);
    char *url = NULL;
    if (q && m) {
        size_t n = strlen(base) + strlen(q) + strlen(m) + 80;
        if ((url = malloc(n)))
            snprintf(url, n, "%s?identity=%s&match=%s%s%s&output=json", base, q, m,
                     exclude_expired ? "&exclude=expired" : "",
                     deduplicate ? "&deduplicate=Y" : "");
    }
    curl_free(q);
    curl_free(m);
    return url;
}

char *ctl_crtsh_cert_url(const char *base, int64_t id)
{
    size_t n = strlen(base) + 32;
    char *url = malloc(n);
    if (url) snprintf(url, n, "%s?d=%lld", base, (long long)id);
    return url;
}

void ctl_crtsh_result_free(struct ctl_crtsh_result *r)
{
    for (size_t i = 0; i < r->n; i++) {
        struct ctl_crtsh_row *w = &r->v[i];
        free(w->issuer_name), free(w->common_name), free(w->name_value);
        free(w->entry_timestamp), free(w->not_before), free(w->not_after);
        free(w->serial_number);
    }
    free(r->v);
    memset(r, 0, sizeof *r);
}

/* The string field key of row o into *out (NULL where null_ok allows null or absence). */
static int text_field(json_t *o, const char *key, int null_ok, char **out, const char **why)
{
    json_t *v = json_object_get(o, key);
    *out = NULL;
    if (!v || json_is_null(v)) {
        if (null_ok) return 0;
        *why = v ? "is null" : "is missing";
        return -1;
    }
    if (!json_is_string(v)) return *why = "is not a string", -1;
    if (!(*out = strdup(json_string_value(v)))) return *why = "out of memory", -1;
    return 0;
}

static int int_field(json_t *o, const char *key, int absent_ok, int64_t *out, const char **why)
{
    json_t *v = json_object_get(o, key);
    *out = -1;
    if (!v && absent_ok) return 0;
    if (!v) return *why = "is missing", -1;
    if (!json_is_integer(v)) return *why = "is not an integer", -1;
    *out = (int64_t)json_integer_value(v);
    return 0;
}

int ctl_crtsh_parse(const char *body, size_t len, struct ctl_crtsh_result *out, char *err,
                    size_t errsz)
{
    memset(out, 0, sizeof *out);
    json_error_t e;
    json_t *root = json_loadb(body, len, 0, &e);
    if (!root) {
        snprintf(err, errsz, "invalid JSON at line %d, column %d: %s", e.line, e.column, e.text);
        return -1;
    }
    if (!json_is_array(root)) {
        json_decref(root);
        snprintf(err, errsz, "the JSON is not an array of rows");
        return -1;
    }
    size_t n = json_array_size(root);
    if (n && !(out->v = calloc(n, sizeof *out->v))) {
        json_decref(root);
        snprintf(err, errsz, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_array_get(root, i);
        struct ctl_crtsh_row *r = &out->v[out->n++];
        const char *why = NULL, *field = "row";
        if (!json_is_object(o)) why = "is not an object";
#define INT(k, absent_ok) (why || (field = #k, int_field(o, #k, absent_ok, &r->k, &why) == 0))
#define TEXT(k, null_ok) (why || (field = #k, text_field(o, #k, null_ok, &r->k, &why) == 0))
        if (INT(id, 0) && INT(issuer_ca_id, 0) && INT(result_count, 1) && TEXT(issuer_name, 0) &&
            TEXT(common_name, 1) && TEXT(name_value, 0) && TEXT(entry_timestamp, 1) &&
            TEXT(not_before, 0) && TEXT(not_after, 0) && TEXT(serial_number, 0) && !why)
            continue;
#undef INT
#undef TEXT
        snprintf(err, errsz, "row %zu: %s %s", i + 1, field, why);
        json_decref(root);
        ctl_crtsh_result_free(out);
        return -1;
    }
    json_decref(root);
    return 0;
}

int ctl_crtsh_next_name(const char *name_value, size_t *pos, char out[256])
{
    while (name_value[*pos]) {
        const char *line = name_value + *pos;
        size_t n = strcspn(line, "\n");
        *pos += n + (line[n] == '\n');
        char canon[CTL_HOST_MAX + 1];
        int wild = ctl_is_wildcard(line, n);
        /* An e-mail address would pass as a host name once its '@' is gone: it never gets so
         * far, as ctl_host_canon refuses '@', spaces and IP addresses. */
        int k = ctl_host_canon(line, n, canon);
        if (k < 0 || (wild && (size_t)k + 2 > CTL_HOST_MAX)) continue;
        if (wild) memcpy(out, "*.", 2);
        memcpy(out + (wild ? 2 : 0), canon, (size_t)k + 1);
        return k + (wild ? 2 : 0);
    }
    return -1;
}

int ctl_crtsh_pem_to_der(const char *pem, size_t len, unsigned char **der, size_t *der_len,
                         char *err, size_t errsz)
{
    *der = NULL;
    BIO *bio = len <= 0x7fffffff ? BIO_new_mem_buf(pem, (int)len) : NULL;
    X509 *x = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
    BIO_free(bio);
    unsigned char *d = NULL;
    int n = x ? i2d_X509(x, &d) : -1;
    X509_free(x);
    if (n <= 0) {
        snprintf(err, errsz, "the answer holds no PEM certificate that OpenSSL can read");
        return -1;
    }
    if ((*der = malloc((size_t)n))) memcpy(*der, d, (size_t)n);
    OPENSSL_free(d);
    if (!*der) return snprintf(err, errsz, "out of memory"), -1;
    *der_len = (size_t)n;
    return 0;
}
