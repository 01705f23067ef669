/* Fuzz target for the page title reader of scan (probe.h), which reads what any web server
 * sends. The title must fit the buffer, whatever its size, and be valid UTF-8 with no NUL and
 * no white space at its ends. The first byte of the input chooses the buffer's size. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"
#include "utf8.h"

const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
    return "halt_on_error=1:print_stacktrace=1";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size) return 0;
    size_t outsz = 6 + data[0] % 64;
    char *out = malloc(outsz + 1);
    out[outsz] = 0x5A; /* a guard byte past the buffer */
    ctl_html_title((const char *)data + 1, size - 1, out, outsz);
    size_t n = strlen(out);
    if (n >= outsz || out[outsz] != 0x5A) abort();
    if (!ctl_utf8_valid((const unsigned char *)out, n)) abort();
    if (n && (out[0] == ' ' || out[n - 1] == ' ')) abort();
    free(out);
    return 0;
}
