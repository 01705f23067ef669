/* Fuzz target for the certificate.stream answer reader (certificate_stream_page.h): any body
 * the API sends. An answer is read or refused with a reason; each record read has a name or
 * says why not, and nothing leaks. */
#include <stdint.h>
#include <stdlib.h>

#include "certificate_stream_page.h"

const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
    return "halt_on_error=1:print_stacktrace=1";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ctl_csp_page p;
    char err[256] = "";
    if (ctl_csp_parse((const char *)data, size, &p, err, sizeof err) < 0) {
        if (!*err || p.records || p.n) abort();
        return 0;
    }
    if (p.count < 0) abort();
    for (size_t i = 0; i < p.n; i++) {
        const struct ctl_csp_record *r = &p.records[i];
        if (!r->name && !r->error) abort();
        if (r->precert < -1 || r->precert > 1 || r->log_index < -1) abort();
    }
    ctl_csp_page_clear(&p);
    return 0;
}
