/* Fuzz target for the CertStream message reader (certstream_message.h): any text frame a
 * server sends. A frame is read or refused with a reason; a read one holds what its kind
 * promises, and nothing leaks. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "certstream_message.h"

const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
    return "halt_on_error=1:print_stacktrace=1";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ctl_cs_message m;
    char err[256] = "";
    if (ctl_cs_parse((const char *)data, size, &m, err, sizeof err) < 0) {
        if (!*err) abort();
        return 0;
    }
    if (m.kind != CTL_CS_CERTIFICATE && (m.der || m.has_sha256 || m.index != -1)) abort();
    if ((m.der == NULL) != (m.der_len == 0)) abort();
    for (size_t i = 0; i < m.nnames; i++)
        for (const char *p = m.names[i]; *p; p++)
            if (*p >= 'A' && *p <= 'Z') abort();
    ctl_cs_message_clear(&m);
    return 0;
}
