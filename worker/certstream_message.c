/* certstream_message: CertStream JSON, read with jansson. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certstream_message.h"
#include "ctformat.h"

void ctl_cs_message_clear(struct ctl_cs_message *m)
{
    for (size_t i = 0; i < m->nnames; i++) free(m->names[i]);
    free(m->names);
    free(m->der);
    memset(m, 0, sizeof *m);
    m->index = -1;
}

/* The strings of list, lowercased, into m->names. -1 when one is not a string. */
static int read_names(json_t *list, struct ctl_cs_message *m)
{
    size_t i, n = json_array_size(list);
    json_t *v;
    if (n && !(m->names = calloc(n, sizeof *m->names))) return -1;
    json_array_foreach(list, i, v)
    {
        const char *s = json_string_value(v);
        if (!s || !(m->names[i] = strdup(s))) return -1;
        for (char *p = m->names[i]; *p; p++)
            if (*p >= 'A' && *p <= 'Z') *p += 32;
        m->nnames++;
    }
    return 0;
}

/* Hex text into out[32]; -1 unless it is 64 hex digits (colons allowed between bytes). */
static int read_sha256(const char *s, uint8_t out[32])
{
    int k = 0;
    for (; s && *s && k < 64; s++) {
        int d = *s >= '0' && *s <= '9'   ? *s - '0'
                : *s >= 'a' && *s <= 'f' ? *s - 'a' + 10
                : *s >= 'A' && *s <= 'F' ? *s - 'A' + 10
                                         : -1;
        if (d < 0) {
            if (*s == ':' && k % 2 == 0) continue;
            return -1;
        }
        out[k / 2] = (uint8_t)(k % 2 ? out[k / 2] | d : d << 4);
        k++;
    }
    return k == 64 && !*s ? 0 : -1;
}

/* A JSON number as Unix seconds: 0 unless it is one within a sane range. */
static long long seconds(json_t *v)
{
    double d = json_number_value(v);
    return d > -1e12 && d < 1e12 ? (long long)d : 0;
}

static int fail(json_t *doc, struct ctl_cs_message *m, char *err, size_t errsz, const char *why)
{
    snprintf(err, errsz, "%s", why);
    json_decref(doc);
    ctl_cs_message_clear(m);
    return -1;
}

int ctl_cs_parse(const char *text, size_t len, struct ctl_cs_message *m, char *err, size_t errsz)
{
    memset(m, 0, sizeof *m);
    m->index = -1;
    json_error_t je;
    json_t *doc = json_loadb(text, len, 0, &je);
    if (!doc) {
        char why[200];
        snprintf(why, sizeof why, "not JSON: %s", je.text);
        return fail(NULL, m, err, errsz, why);
    }
    const char *type = json_string_value(json_object_get(doc, "message_type"));
    json_t *data = json_object_get(doc, "data");
    if (!type) return fail(doc, m, err, errsz, "no message_type");
    if (!strcmp(type, "heartbeat")) {
        m->kind = CTL_CS_HEARTBEAT;
        json_decref(doc);
        return 0;
    }
    if (!strcmp(type, "dns_entries")) {
        m->kind = CTL_CS_DOMAINS;
        if (!json_is_array(data) || read_names(data, m) < 0)
            return fail(doc, m, err, errsz, "dns_entries: data is not a list of names");
        json_decref(doc);
        return 0;
    }
    if (strcmp(type, "certificate_update")) return fail(doc, m, err, errsz, "unknown message_type");
    m->kind = CTL_CS_CERTIFICATE;
    json_t *leaf = json_object_get(data, "leaf_cert");
    if (!json_is_object(leaf)) return fail(doc, m, err, errsz, "certificate_update: no leaf_cert");
    const char *update = json_string_value(json_object_get(data, "update_type"));
    m->precert = update && !strcmp(update, "PrecertLogEntry");
    json_t *index = json_object_get(data, "cert_index");
    if (json_is_integer(index)) m->index = json_integer_value(index);
    m->seen = json_number_value(json_object_get(data, "seen"));
    const char *url = json_string_value(json_object_get(json_object_get(data, "source"), "url"));
    snprintf(m->log_url, sizeof m->log_url, "%s", url ? url : "");
    json_t *names = json_object_get(leaf, "all_domains");
    if (names && (!json_is_array(names) || read_names(names, m) < 0))
        return fail(doc, m, err, errsz, "certificate_update: all_domains is not a list of names");
    const char *der = json_string_value(json_object_get(leaf, "as_der"));
    if (der && *der) {
        size_t n = strlen(der);
        ptrdiff_t got = (m->der = malloc(n / 4 * 3 + 3)) ? ctl_base64_decode(der, n, m->der) : -1;
        if (got <= 0) return fail(doc, m, err, errsz, "certificate_update: as_der is not base64");
        m->der_len = (size_t)got;
    }
    m->has_sha256 = read_sha256(json_string_value(json_object_get(leaf, "sha256")), m->sha256) == 0;
    const char *serial = json_string_value(json_object_get(leaf, "serial_number"));
    for (size_t i = 0; serial && serial[i] && i < sizeof m->serial - 1; i++)
        m->serial[i] = (char)(serial[i] >= 'A' && serial[i] <= 'Z' ? serial[i] + 32 : serial[i]);
    m->not_before = seconds(json_object_get(leaf, "not_before"));
    m->not_after = seconds(json_object_get(leaf, "not_after"));
    json_decref(doc);
    return 0;
}
