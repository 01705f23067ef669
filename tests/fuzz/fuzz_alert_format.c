/* Fuzz target for the alert formats (alert_format.h).
 *
 * Everything in an alert may come from a certificate. The input is split at NUL bytes into a
 * rule, a key, a domain, a detail and an issuer; every format must then come out as valid
 * JSON (or, for mail, a message whose header lines are the seven written, with no CR or LF
 * from the input in them), and the text meant for people must hold no control character and
 * no direction-changing or invisible character. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alert_format.h"

const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
    return "halt_on_error=1:print_stacktrace=1";
}

/* Whether s, UTF-8 or not, holds a C0 control, DEL or U+200B..U+200F, U+202A..U+202E,
 * U+2060..U+2069, U+FEFF as raw bytes. */
static int raw_sneaky(const char *s)
{
    static const char *const seq[] = {
        "\xE2\x80\x8B", "\xE2\x80\x8C", "\xE2\x80\x8D", "\xE2\x80\x8E", "\xE2\x80\x8F",
        "\xE2\x80\xAA", "\xE2\x80\xAB", "\xE2\x80\xAC", "\xE2\x80\xAD", "\xE2\x80\xAE",
        "\xE2\x81\xA6", "\xE2\x81\xA9", "\xEF\xBB\xBF"};
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7F) return 1;
    for (size_t i = 0; i < sizeof seq / sizeof *seq; i++)
        if (strstr(s, seq[i])) return 1;
    return 0;
}

static void must_be_json(char *s)
{
    if (!s) __builtin_trap();
    json_t *j = json_loads(s, 0, NULL);
    if (!j) __builtin_trap();
    json_decref(j);
    free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 6);
    if (!buf) return 0;
    memcpy(buf, data, size);
    memset(buf + size, 0, 6);
    const char *part[5];
    char *p = buf;
    for (int i = 0; i < 5; i++) {
        part[i] = p;
        p += strlen(p);
        if (p < buf + size) p++;
    }
    struct ctl_alert a = {.id = 7,
                          .rule = part[0],
                          .severity = "high",
                          .key = part[1],
                          .domain = part[2],
                          .detail = part[3],
                          .raised_at = 1796000000,
                          .observed_at = (long long)size * 1000003,
                          .cert_id = size & 1,
                          .sha256 = "00",
                          .serial = "0a",
                          .issuer = part[4]};
    char *summary = ctl_alert_summary(&a);
    if (!summary || raw_sneaky(summary)) __builtin_trap();
    free(summary);
    must_be_json(ctl_alert_json(&a));
    must_be_json(ctl_alert_json_batch(&a, 1));
    must_be_json(ctl_alert_slack(&a));
    must_be_json(ctl_alert_teams(&a));
    char *mail = ctl_alert_mail(&a, 1, "a@example.org", "b@example.org", "date", "id@example.org");
    if (!mail) __builtin_trap();
    char *end = strstr(mail, "\r\n\r\n");
    if (!end) __builtin_trap();
    int lines = 0;
    for (char *l = mail; l < end; l = strstr(l, "\r\n") + 2) {
        if (*l != ' ') lines++;
        char *eol = strstr(l, "\r\n");
        for (char *c = l; c < eol; c++)
            if (*c == '\r' || *c == '\n' || (unsigned char)*c < 0x20) __builtin_trap();
        if (eol == end) break;
    }
    if (lines != 7) __builtin_trap();
    free(mail);
    free(buf);
    return 0;
}
