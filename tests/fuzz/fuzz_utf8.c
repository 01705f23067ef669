/* Fuzz target for the strict UTF-8 codec (utf8.h).
 *
 * Every other module trusts ctl_utf8_valid/ctl_utf8_decode to reject exactly the byte strings
 * that are not RFC 3629 UTF-8, so the checks are: decode and valid agree; a valid string has a
 * single spelling, which re-encoding its code points must reproduce byte for byte (an
 * overlong form would re-encode shorter); and no surrogate or out-of-range code point gets
 * through. The reverse direction (encode then decode) is checked on a code point taken from
 * the input, since decode alone never sees the encoder's edge cases. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

/* UBSan reports are warnings by default in this build; a fuzzer must stop on them. */
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
    return "halt_on_error=1:print_stacktrace=1";
}

static void check_roundtrip(const uint8_t *data, size_t size)
{
    uint32_t c = 0;
    for (size_t i = 0; i < size && i < 4; i++) c = (c << 8) | data[i];
    c %= 0x110000;
    if (c >= 0xD800 && c <= 0xDFFF) return;
    unsigned char buf[4];
    int len = ctl_utf8_encode(c, buf);
    if (len < 1 || len > 4) __builtin_trap();
    if (!ctl_utf8_valid(buf, (size_t)len)) __builtin_trap();
    uint32_t back[4];
    if (ctl_utf8_decode(buf, (size_t)len, back) != 1 || back[0] != c) __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_roundtrip(data, size);

    /* One extra slot so that size 0 still gets a real buffer. */
    uint32_t *cps = malloc((size + 1) * sizeof *cps);
    unsigned char *again = malloc(size + 4);
    if (!cps || !again) abort();

    ptrdiff_t n = ctl_utf8_decode(data, size, cps);
    int valid = ctl_utf8_valid(data, size);
    if (valid != 0 && valid != 1) __builtin_trap();
    if ((n == -1) != (valid == 0)) __builtin_trap();
    if (n < -1 || n > (ptrdiff_t)size) __builtin_trap();

    if (n >= 0) {
        size_t k = 0;
        for (ptrdiff_t i = 0; i < n; i++) {
            uint32_t c = cps[i];
            if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) __builtin_trap();
            /* k <= size here and again has 4 spare bytes, so one more code point fits. */
            k += (size_t)ctl_utf8_encode(c, again + k);
            if (k > size) __builtin_trap();
        }
        if (k != size || memcmp(again, data, size) != 0) __builtin_trap();
    }

    free(cps);
    free(again);
    return 0;
}
