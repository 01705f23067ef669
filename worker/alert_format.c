#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alert_format.h"
#include "utf8.h"

/* Code points that are invisible or turn text around: a name holding them reads differently
 * from what it is. */
static int sneaky(uint32_t c)
{
    return (c >= 0x200B && c <= 0x200F) || (c >= 0x202A && c <= 0x202E) ||
           (c >= 0x2060 && c <= 0x2069) || c == 0xFEFF || (c >= 0x80 && c < 0xA0);
}

char *ctl_alert_safe_text(const char *s, size_t max)
{
    if (!s) s = "";
    if (max < 3) max = 3;
    size_t n = strlen(s), cap = (n < max ? n : max) * 4 + 16;
    char *out = malloc(cap), *p = out;
    if (!out) return NULL;
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, chars = 0;
    while (i < n) {
        unsigned char c = u[i];
        size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        uint32_t cp = c;
        if (c >= 0x80 &&
            (len > n - i || !ctl_utf8_valid(u + i, len) || ctl_utf8_decode(u + i, len, &cp) != 1))
            len = 0;
        char esc[16];
        int k = 0; /* characters of an escape; 0 for the character itself */
        if (len == 0 || c < 0x20 || c == 0x7F)
            k = snprintf(esc, sizeof esc, "\\x%02X", c), len = 1;
        else if (sneaky(cp))
            k = snprintf(esc, sizeof esc, "\\u{%04X}", (unsigned)cp);
        /* Room for this and, unless it is the last, "...". */
        size_t cost = k ? (size_t)k : 1;
        if (chars + cost + (i + len < n ? 3 : 0) > max) {
            memcpy(p, "...", 3), p += 3;
            break;
        }
        if (k)
            memcpy(p, esc, k), p += k;
        else
            memcpy(p, u + i, len), p += len;
        i += len, chars += cost;
    }
    *p = 0;
    return out;
}

/* "[severity] rule: key", safe, at most max characters. */
static char *summary_of(const struct ctl_alert *a, size_t max)
{
    const char *sev = a->severity ? a->severity : "";
    size_t n = strlen(sev) + strlen(a->rule) + strlen(a->key) + 8;
    char *raw = malloc(n);
    if (!raw) return NULL;
    snprintf(raw, n, "[%s] %s: %s", sev, a->rule, a->key);
    char *out = ctl_alert_safe_text(raw, max);
    free(raw);
    return out;
}

char *ctl_alert_summary(const struct ctl_alert *a)
{
    return summary_of(a, 200);
}

static void rfc3339(long long t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* jansson keeps only valid UTF-8; a string that is not becomes its safe text. */
static json_t *jstr(const char *s)
{
    if (!s) return json_null();
    json_t *j = json_string(s);
    if (j) return j;
    char *safe = ctl_alert_safe_text(s, (size_t)-1 / 16);
    j = json_string(safe ? safe : "");
    free(safe);
    return j;
}

static json_t *event(const struct ctl_alert *a)
{
    char obs[32], raised[32], *summary = ctl_alert_summary(a);
    rfc3339(a->observed_at, obs);
    rfc3339(a->raised_at, raised);
    json_t *detail = a->detail ? json_loads(a->detail, JSON_DECODE_ANY, NULL) : NULL;
    json_t *o =
        json_pack("{s:s, s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:s}", "event", "alert", "id",
                  (json_int_t)a->id, "rule", jstr(a->rule), "severity", jstr(a->severity), "key",
                  jstr(a->key), "domain", jstr(a->domain), "summary", jstr(summary), "detail",
                  detail ? detail : json_null(), "observed_at", obs, "raised_at", raised);
    free(summary);
    if (o && a->cert_id) {
        char nb[32], na[32];
        rfc3339(a->not_before, nb);
        rfc3339(a->not_after, na);
        json_object_set_new(o, "cert",
                            json_pack("{s:I, s:o, s:o, s:o, s:s, s:s}", "id",
                                      (json_int_t)a->cert_id, "sha256", jstr(a->sha256), "serial",
                                      jstr(a->serial), "issuer", jstr(a->issuer), "not_before", nb,
                                      "not_after", na));
    }
    return o;
}

static char *dump(json_t *j)
{
    char *s = j ? json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
    json_decref(j);
    return s;
}

char *ctl_alert_json(const struct ctl_alert *a)
{
    return dump(event(a));
}

char *ctl_alert_json_batch(const struct ctl_alert *a, size_t n)
{
    json_t *list = json_array();
    for (size_t i = 0; list && i < n; i++) json_array_append_new(list, event(&a[i]));
    return dump(
        json_pack("{s:s, s:I, s:o}", "source", "ctlite", "count", (json_int_t)n, "alerts", list));
}

/* Lines of "label: value" for people: the domain, the certificate, then each field of the
 * detail object, every value safe text of at most max characters. */
static json_t *facts(const struct ctl_alert *a, size_t max)
{
    json_t *list = json_array();
    char buf[64];
#define FACT(label, value)                                                                         \
    do {                                                                                           \
        char *v_ = ctl_alert_safe_text(value, max);                                                \
        json_array_append_new(list, json_pack("[s, s]", label, v_ ? v_ : ""));                     \
        free(v_);                                                                                  \
    } while (0)
    if (a->domain) FACT("domain", a->domain);
    json_t *detail = a->detail ? json_loads(a->detail, JSON_DECODE_ANY, NULL) : NULL;
    const char *k;
    json_t *v;
    if (json_is_object(detail)) json_object_foreach(detail, k, v)
        {
            char *text = json_is_string(v) ? NULL : json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
            FACT(k, json_is_string(v) ? json_string_value(v) : text ? text : "");
            free(text);
        }
    json_decref(detail);
    if (a->cert_id) {
        FACT("issuer", a->issuer);
        FACT("serial", a->serial);
        rfc3339(a->not_after, buf);
        FACT("not after", buf);
    }
    rfc3339(a->observed_at, buf);
    FACT("observed", buf);
#undef FACT
    return list;
}

char *ctl_alert_slack(const struct ctl_alert *a)
{
    char *summary = ctl_alert_summary(a);
    json_t *f = facts(a, 300), *fields = json_array(), *pair;
    size_t i;
    /* Section fields: at most 10, each at most 2,000 characters. */
    json_array_foreach(f, i, pair)
    {
        if (i == 10) break;
        char text[1024];
        snprintf(text, sizeof text, "%s: %s", json_string_value(json_array_get(pair, 0)),
                 json_string_value(json_array_get(pair, 1)));
        json_array_append_new(fields, json_pack("{s:s, s:s}", "type", "plain_text", "text", text));
    }
    json_decref(f);
    /* A header holds at most 150 characters. */
    char *header = summary_of(a, 150);
    json_t *blocks = json_pack("[{s:s, s:{s:s, s:s}}]", "type", "header", "text", "type",
                               "plain_text", "text", header && *header ? header : "ctlite alert");
    free(header);
    if (json_array_size(fields))
        json_array_append_new(blocks, json_pack("{s:s, s:o}", "type", "section", "fields", fields));
    else
        json_decref(fields);
    char *out =
        dump(json_pack("{s:s, s:o}", "text", summary ? summary : "ctlite alert", "blocks", blocks));
    free(summary);
    return out;
}

char *ctl_alert_teams(const struct ctl_alert *a)
{
    char *summary = ctl_alert_summary(a);
    json_t *f = facts(a, 300), *body = json_array(), *pair;
    size_t i;
    json_array_append_new(body,
                          json_pack("{s:s, s:[{s:s, s:s, s:s, s:s}]}", "type", "RichTextBlock",
                                    "inlines", "type", "TextRun", "text", summary ? summary : "",
                                    "weight", "Bolder", "size", "Medium"));
    json_array_foreach(f, i, pair)
    {
        json_array_append_new(body, json_pack("{s:s, s:[{s:s, s:s, s:s}, {s:s, s:s}]}", "type",
                                              "RichTextBlock", "inlines", "type", "TextRun", "text",
                                              json_string_value(json_array_get(pair, 0)), "weight",
                                              "Bolder", "type", "TextRun", "text",
                                              json_string_value(json_array_get(pair, 1))));
    }
    json_decref(f);
    /* TextRun texts are separate runs: put ": " at the end of each label. */
    json_t *block;
    json_array_foreach(body, i, block)
    {
        json_t *inl = json_object_get(block, "inlines");
        if (i && json_array_size(inl) == 2) {
            json_t *label = json_object_get(json_array_get(inl, 0), "text");
            char text[128];
            snprintf(text, sizeof text, "%s: ", json_string_value(label));
            json_string_set(label, text);
        }
    }
    free(summary);
    return dump(json_pack("{s:s, s:[{s:s, s:n, s:{s:s, s:s, s:s, s:o}}]}", "type", "message",
                          "attachments", "contentType", "application/vnd.microsoft.card.adaptive",
                          "contentUrl", "content", "$schema",
                          "http://adaptivecards.io/schemas/adaptive-card.json", "type",
                          "AdaptiveCard", "version", "1.4", "body", body));
}

/* A growing text; after a failed allocation it is empty and failed, and appends do nothing. */
struct buf {
    char *s;
    size_t len, cap;
    int failed;
};

static void put(struct buf *b, const char *s, size_t n)
{
    if (b->failed) return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->len + n + 1) * 2;
        char *grown = realloc(b->s, cap);
        if (!grown) {
            free(b->s), *b = (struct buf){.failed = 1};
            return;
        }
        b->s = grown, b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = 0;
}

static void puts_(struct buf *b, const char *s)
{
    put(b, s, strlen(s));
}

/* s as quoted-printable (RFC 2045): lines of at most 76 characters, "\n" as CRLF. */
static void put_qp(struct buf *b, const char *s)
{
    size_t col = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char enc[4];
        int k;
        if (*p == '\n') {
            put(b, "\r\n", 2), col = 0;
            continue;
        }
        if ((*p >= 33 && *p <= 126 && *p != '=') || (*p == ' ' && p[1] && p[1] != '\n'))
            enc[0] = (char)*p, k = 1;
        else
            k = snprintf(enc, sizeof enc, "=%02X", *p);
        if (col + k > 75) put(b, "=\r\n", 3), col = 0;
        put(b, enc, k), col += k;
    }
}

/* s with &, <, >, " and ' as HTML entities. */
static void put_html(struct buf *b, const char *s)
{
    for (; *s; s++) switch (*s) {
        case '&':
            puts_(b, "&amp;");
            break;
        case '<':
            puts_(b, "&lt;");
            break;
        case '>':
            puts_(b, "&gt;");
            break;
        case '"':
            puts_(b, "&quot;");
            break;
        case '\'':
            puts_(b, "&#39;");
            break;
        default:
            put(b, s, 1);
        }
}

/* An RFC 2047 encoded word (base64) for a header value with anything but printable ASCII. */
static void put_header_text(struct buf *b, const char *s)
{
    int plain = 1;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p > 0x7E) plain = 0;
    if (plain) return puts_(b, s);
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    /* Encoded words of at most 45 bytes of text each, cut between characters. */
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    int first = 1;
    while (n) {
        size_t take = n < 45 ? n : 45;
        while (take < n && (p[take] & 0xC0) == 0x80) take--;
        puts_(b, first ? "=?UTF-8?B?" : "\r\n =?UTF-8?B?");
        for (size_t i = 0; i < take; i += 3) {
            unsigned v =
                p[i] << 16 | (i + 1 < take ? p[i + 1] << 8 : 0) | (i + 2 < take ? p[i + 2] : 0);
            char q[4] = {b64[v >> 18 & 63], b64[v >> 12 & 63],
                         i + 1 < take ? b64[v >> 6 & 63] : '=', i + 2 < take ? b64[v & 63] : '='};
            put(b, q, 4);
        }
        puts_(b, "?=");
        p += take, n -= take, first = 0;
    }
}

char *ctl_alert_mail(const struct ctl_alert *a, size_t n, const char *from, const char *to,
                     const char *date, const char *msgid)
{
    struct buf m = {0}, text = {0}, html = {0};
    char *first = n ? ctl_alert_summary(&a[0]) : NULL, subject[300];
    if (n > 1)
        snprintf(subject, sizeof subject, "[ctlite] %s (and %zu more)", first ? first : "", n - 1);
    else
        snprintf(subject, sizeof subject, "[ctlite] %s", first ? first : "no alerts");
    free(first);
    puts_(&html, "<!DOCTYPE html><html><body style=\"font-family:sans-serif\">\n");
    for (size_t i = 0; i < n; i++) {
        char *summary = ctl_alert_summary(&a[i]);
        json_t *f = facts(&a[i], 500), *pair;
        size_t k;
        puts_(&text, summary ? summary : ""), puts_(&text, "\n");
        puts_(&html, "<h3>"), put_html(&html, summary ? summary : ""), puts_(&html, "</h3>\n");
        puts_(&html, "<table>\n");
        json_array_foreach(f, k, pair)
        {
            const char *label = json_string_value(json_array_get(pair, 0)),
                       *value = json_string_value(json_array_get(pair, 1));
            puts_(&text, "  "), puts_(&text, label), puts_(&text, ": "), puts_(&text, value);
            puts_(&text, "\n");
            puts_(&html, "<tr><th align=\"left\">"), put_html(&html, label);
            puts_(&html, "</th><td>"), put_html(&html, value), puts_(&html, "</td></tr>\n");
        }
        puts_(&html, "</table>\n");
        puts_(&text, "\n");
        json_decref(f);
        free(summary);
    }
    puts_(&html, "</body></html>\n");
    char boundary[80];
    snprintf(boundary, sizeof boundary, "ctlite-%s", msgid);
    for (char *c = boundary; *c; c++)
        if (*c == '@' || *c == '<' || *c == '>') *c = '.';
    puts_(&m, "Date: "), puts_(&m, date), puts_(&m, "\r\nFrom: "), puts_(&m, from);
    puts_(&m, "\r\nTo: "), puts_(&m, to), puts_(&m, "\r\nMessage-ID: <"), puts_(&m, msgid);
    puts_(&m, ">\r\nSubject: "), put_header_text(&m, subject);
    puts_(&m, "\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"");
    puts_(&m, boundary), puts_(&m, "\"\r\n\r\n--"), puts_(&m, boundary);
    puts_(&m, "\r\nContent-Type: text/plain; charset=UTF-8\r\n"
              "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
    put_qp(&m, text.s ? text.s : "");
    puts_(&m, "\r\n--"), puts_(&m, boundary);
    puts_(&m, "\r\nContent-Type: text/html; charset=UTF-8\r\n"
              "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
    put_qp(&m, html.s ? html.s : "");
    puts_(&m, "\r\n--"), puts_(&m, boundary), puts_(&m, "--\r\n");
    int failed = text.failed || html.failed || m.failed;
    free(text.s), free(html.s);
    if (failed) free(m.s), m.s = NULL;
    return m.s;
}
