/* certificate_stream_page: one answer of certificate.stream's GET /domains/list (villain.network),
 * read into records. The answer is {limit, offset, count, domains: [...]}, each domain
 * {domain_name, entry_type, issued_at, log_operator, log_source, log_index (a string),
 * extracted_at, id (a string)}, oldest first. A record that cannot be read is kept with the reason,
 * so that the caller says it rather than losing it quietly. */
#ifndef CTLITE_CERTIFICATE_STREAM_PAGE_H
#define CTLITE_CERTIFICATE_STREAM_PAGE_H

#include <stddef.h>
#include <stdint.h>

struct ctl_csp_record {
    char *name;        /* domain_name as sent */
    char *log;         /* log_source, or NULL */
    int64_t log_index; /* -1 when absent */
    int precert;       /* entry_type: 1 PrecertLogEntry, 0 X509LogEntry, -1 absent */
    int64_t issued_at; /* Unix seconds, 0 when absent */
    char *id;          /* the record's id, or NULL when it has none that can be used */
    const char *error; /* why the record cannot be stored (a static text), or NULL */
};

struct ctl_csp_page {
    long long limit, offset, count;
    struct ctl_csp_record *records;
    size_t n;
};

/* Reads the answer text[len] into *p (cleared first). -1 with err when it is not such an
 * answer: not JSON, not an object, no domains list, no whole-number count, a record that is
 * not an object. */
int ctl_csp_parse(const char *text, size_t len, struct ctl_csp_page *p, char *err, size_t errsz);

/* Frees what ctl_csp_parse allocated. */
void ctl_csp_page_clear(struct ctl_csp_page *p);

#endif
