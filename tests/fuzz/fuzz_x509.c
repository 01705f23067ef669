/* Fuzz target for certificates in DER (x509.h).
 *
 * Input that OpenSSL takes as one certificate must give every field without a crash: names
 * whose text is printable ASCII (escapes included) for the DNS and e-mail kinds, and no
 * control bytes in common names; serials in lowercase hex; a TBS hash. */
#include <stdint.h>
#include <string.h>

#include "x509.h"

const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
    return "halt_on_error=1:print_stacktrace=1";
}

static void name(void *user, const char *type, const char *s)
{
    (void)user;
    int ascii = strcmp(type, "cn") != 0;
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f || (ascii && (unsigned char)*s > 0x7e))
            __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[100], buf[4096];
    ctl_cert *c = ctl_cert_parse(data, size, err, sizeof err);
    if (!c) return 0;
    ctl_cert_subject(c, buf, sizeof buf);
    ctl_cert_issuer(c, buf, sizeof buf);
    int n = ctl_cert_serial(c, buf, sizeof buf);
    for (int i = 0; i < n; i++)
        if (!((buf[i] >= '0' && buf[i] <= '9') || (buf[i] >= 'a' && buf[i] <= 'f')))
            __builtin_trap();
    int ok;
    ctl_cert_not_before(c, &ok);
    ctl_cert_not_after(c, &ok);
    ctl_cert_is_precert(c);
    uint8_t h[32];
    ctl_cert_tbs_sha256(c, h);
    ctl_cert_names(c, name, NULL);
    ctl_cert_free(c);
    return 0;
}
