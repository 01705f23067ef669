#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certificate_stream_page.h"
#include "utc.h"

void ctl_csp_page_clear(struct ctl_csp_page *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->records[i].name), free(p->records[i].log), free(p->records[i].id);
    free(p->records);
    memset(p, 0, sizeof *p);
}

/* A copy of the string member key of o, or NULL when it is absent or not a string. *bad is set
 * when it is there but not a string, holds a NUL byte (the answer is read with them allowed,
 * so that one such record does not make the whole answer unreadable), or on a failed
 * allocation. */
static char *copy_string(json_t *o, const char *key, int *bad)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) return NULL;
    const char *s = json_string_value(v);
    char *out = s && strlen(s) == json_string_length(v) ? strdup(s) : NULL;
    if (!out) *bad = 1;
    return out;
}

/* A log index written as a string of digits (or, leniently, as a number). */
static int64_t log_index(json_t *v, int *bad)
{
    if (!v || json_is_null(v)) return -1;
    if (json_is_integer(v) && json_integer_value(v) >= 0) return json_integer_value(v);
    const char *s = json_string_value(v);
    char *end = NULL;
    int whole = s && *s >= '0' && *s <= '9' && strlen(s) == json_string_length(v);
    long long n = whole ? strtoll(s, &end, 10) : -1;
    if (n < 0 || !end || *end) return *bad = 1, -1;
    return n;
}

static void read_record(json_t *o, struct ctl_csp_record *r)
{
    int bad_name = 0, bad_log = 0, bad_index = 0, bad_id = 0;
    r->name = copy_string(o, "domain_name", &bad_name);
    r->log = copy_string(o, "log_source", &bad_log);
    r->id = copy_string(o, "id", &bad_id);
    r->log_index = log_index(json_object_get(o, "log_index"), &bad_index);
    const char *type = json_string_value(json_object_get(o, "entry_type"));
    r->precert = !type                              ? -1
                 : !strcmp(type, "PrecertLogEntry") ? 1
                 : !strcmp(type, "X509LogEntry")    ? 0
                                                    : -1;
    const char *issued = json_string_value(json_object_get(o, "issued_at"));
    int bad_time = issued && ctl_utc_parse_rfc3339(issued, &r->issued_at) < 0;
    if (!r->name)
        r->error = bad_name ? "domain_name is not a string without NUL bytes" : "no domain_name";
    else if (bad_log)
        r->error = "log_source is not a string without NUL bytes";
    else if (bad_index)
        r->error = "log_index is not a whole number";
    else if (bad_id)
        r->error = "id is not a string without NUL bytes";
    else if (bad_time)
        r->error = "issued_at is not an RFC 3339 time";
}

static int fail(json_t *doc, struct ctl_csp_page *p, char *err, size_t errsz, const char *why)
{
    json_decref(doc);
    ctl_csp_page_clear(p);
    snprintf(err, errsz, "%s", why);
    return -1;
}

int ctl_csp_parse(const char *text, size_t len, struct ctl_csp_page *p, char *err, size_t errsz)
{
    memset(p, 0, sizeof *p);
    json_error_t je;
    json_t *doc = json_loadb(text, len, JSON_ALLOW_NUL, &je);
    if (!doc) {
        snprintf(err, errsz, "not JSON: %s at line %d, column %d", je.text, je.line, je.column);
        return -1;
    }
    json_t *domains = json_object_get(doc, "domains"), *count = json_object_get(doc, "count");
    if (!json_is_object(doc) || !json_is_array(domains))
        return fail(doc, p, err, errsz, "no list of domains");
    if (!json_is_integer(count) || json_integer_value(count) < 0)
        return fail(doc, p, err, errsz, "no count of domains");
    p->count = json_integer_value(count);
    p->limit = json_integer_value(json_object_get(doc, "limit"));
    p->offset = json_integer_value(json_object_get(doc, "offset"));
    size_t n = json_array_size(domains);
    if (n && !(p->records = calloc(n, sizeof *p->records)))
        return fail(doc, p, err, errsz, "out of memory");
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_array_get(domains, i);
        if (!json_is_object(o)) return fail(doc, p, err, errsz, "a domain is not an object");
        read_record(o, &p->records[p->n++]);
    }
    json_decref(doc);
    return 0;
}
