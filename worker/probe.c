/* probe: site checks through one libcurl multi handle. */
#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "probe.h"
#include "utf8.h"
#include "x509.h"

enum { PAGE_MAX = 64 * 1024 };

struct req {
    struct ctl_probe *p;
    const struct ctl_probe_config *c;
    CURL *curl;
    struct curl_slist *resolve;
    char errbuf[CURL_ERROR_SIZE];
    char *page;
    size_t len;
    int verify, capped;
};

static size_t on_body(char *data, size_t size, size_t n, void *user)
{
    struct req *r = user;
    size_t room = PAGE_MAX - r->len, take = size * n < room ? size * n : room;
    memcpy(r->page + r->len, data, take);
    r->len += take;
    /* Enough for a title: stop reading, and end the transfer (an error that is not one). */
    if (take < size * n) return r->capped = 1, 0;
    return take;
}

static size_t on_header(char *line, size_t size, size_t n, void *user)
{
    struct req *r = user;
    size_t len = size * n;
    if (len > 9 && !strncasecmp(line, "location:", 9)) {
        const char *v = line + 9;
        while (v < line + len && (*v == ' ' || *v == '\t')) v++;
        size_t k = line + len - v;
        while (k && (v[k - 1] == '\r' || v[k - 1] == '\n')) k--;
        snprintf(r->p->location, sizeof r->p->location, "%.*s", (int)k, v);
    }
    return len;
}

static int start(CURLM *m, struct req *r)
{
    struct ctl_probe *p = r->p;
    const struct ctl_probe_config *c = r->c;
    char url[600], pin[600];
    int port = p->https ? c->https_port : c->http_port;
    snprintf(url, sizeof url, "%s://%s:%d/", p->https ? "https" : "http", p->host, port);
    r->len = 0, r->capped = 0;
    *p->location = 0;
    if (!r->curl && !(r->curl = curl_easy_init())) return -1;
    CURL *e = r->curl;
    curl_easy_reset(e);
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_PRIVATE, r);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, c->timeout_ms);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_CERTINFO, 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, (long)r->verify);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, r->verify ? 2L : 0L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    if (c->cainfo) curl_easy_setopt(e, CURLOPT_CAINFO, c->cainfo);
    if (c->proxy) curl_easy_setopt(e, CURLOPT_PROXY, c->proxy);
    /* The address found by the scan's own resolver, which may not be the system's. */
    if (p->address && !c->proxy) {
        snprintf(pin, sizeof pin, strchr(p->address, ':') ? "%s:%d:[%s]" : "%s:%d:%s", p->host,
                 port, p->address);
        curl_slist_free_all(r->resolve);
        r->resolve = curl_slist_append(NULL, pin);
        curl_easy_setopt(e, CURLOPT_RESOLVE, r->resolve);
    }
    char ua[300] = "ctlite/" CTLITE_VERSION;
    if (c->nagents) snprintf(ua, sizeof ua, "%s", c->agents[rand() % c->nagents]);
    curl_easy_setopt(e, CURLOPT_USERAGENT, ua);
    *r->errbuf = 0;
    return curl_multi_add_handle(m, e) == CURLM_OK ? 0 : -1;
}

/* The leaf certificate's SHA-256 and serial, from libcurl's PEM of it. */
static void cert_of(struct req *r)
{
    struct curl_certinfo *ci = NULL;
    if (curl_easy_getinfo(r->curl, CURLINFO_CERTINFO, &ci) != CURLE_OK || !ci ||
        ci->num_of_certs < 1)
        return;
    for (struct curl_slist *f = ci->certinfo[0]; f; f = f->next) {
        if (strncmp(f->data, "Cert:", 5)) continue;
        BIO *b = BIO_new_mem_buf(f->data + 5, -1);
        X509 *x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
        unsigned char md[32];
        unsigned mdlen = 0;
        if (x && X509_digest(x, EVP_sha256(), md, &mdlen) && mdlen == 32)
            for (int i = 0; i < 32; i++) sprintf(r->p->cert_sha256 + 2 * i, "%02x", md[i]);
        /* The serial as the cert table writes it, so the two can be joined. */
        unsigned char *der = NULL;
        int n = x ? i2d_X509(x, &der) : -1;
        ctl_cert *c = n > 0 ? ctl_cert_parse(der, (size_t)n, NULL, 0) : NULL;
        if (c && ctl_cert_serial(c, r->p->cert_serial, sizeof r->p->cert_serial) < 0)
            *r->p->cert_serial = 0;
        ctl_cert_free(c);
        OPENSSL_free(der);
        X509_free(x);
        BIO_free(b);
        return;
    }
}

/* Ends r's transfer: records it, or starts it again without verification. 1 when restarted. */
static int finish(CURLM *m, struct req *r, CURLcode rc)
{
    struct ctl_probe *p = r->p;
    curl_multi_remove_handle(m, r->curl);
    if (rc == CURLE_PEER_FAILED_VERIFICATION && r->verify) {
        snprintf(p->tls_error, sizeof p->tls_error, "%s",
                 *r->errbuf ? r->errbuf : curl_easy_strerror(rc));
        r->verify = 0;
        return start(m, r) == 0;
    }
    curl_easy_getinfo(r->curl, CURLINFO_RESPONSE_CODE, &p->status);
    if (p->status && (rc == CURLE_OK || (rc == CURLE_WRITE_ERROR && r->capped))) {
        ctl_html_title(r->page, r->len, p->title, sizeof p->title);
        if (p->https) cert_of(r);
    } else if (rc != CURLE_OK || !p->status) {
        p->status = 0;
        snprintf(p->error, sizeof p->error, "%s", *r->errbuf ? r->errbuf : curl_easy_strerror(rc));
    }
    return 0;
}

int ctl_probe_run(const struct ctl_probe_config *c, struct ctl_probe *p, size_t n, char *err,
                  size_t errsz)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return snprintf(err, errsz, "libcurl cannot start"), -1;
    CURLM *m = curl_multi_init();
    struct req *reqs = calloc(n ? n : 1, sizeof *reqs);
    char *pages = malloc((size_t)(c->parallel > 0 ? c->parallel : 1) * PAGE_MAX);
    if (!m || !reqs || !pages) {
        curl_multi_cleanup(m), free(reqs), free(pages);
        curl_global_cleanup();
        return snprintf(err, errsz, "out of memory"), -1;
    }
    /* Each running request has a page buffer of its own, handed on when it ends. */
    char **free_pages = malloc((size_t)(c->parallel > 0 ? c->parallel : 1) * sizeof *free_pages);
    int nfree = 0, running = 0;
    for (int i = 0; free_pages && i < (c->parallel > 0 ? c->parallel : 1); i++)
        free_pages[nfree++] = pages + (size_t)i * PAGE_MAX;
    size_t next = 0;
    int status = free_pages ? 0 : -1;
    while (status == 0 && (next < n || running)) {
        while (next < n && nfree) {
            if (*p[next].error) { /* failed before it started */
                next++;
                continue;
            }
            struct req *r = &reqs[next];
            *r = (struct req){.p = &p[next], .c = c, .verify = 1, .page = free_pages[--nfree]};
            next++;
            if (start(m, r) < 0)
                snprintf(r->p->error, sizeof r->p->error, "out of memory"),
                    free_pages[nfree++] = r->page;
            else
                running++;
        }
        int still;
        curl_multi_perform(m, &still);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(m, &left)))
            if (msg->msg == CURLMSG_DONE) {
                struct req *r;
                curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&r);
                if (finish(m, r, msg->data.result)) continue;
                free_pages[nfree++] = r->page;
                running--;
            }
        if (running) curl_multi_poll(m, NULL, 0, 200, NULL);
    }
    for (size_t i = 0; i < n; i++) {
        curl_easy_cleanup(reqs[i].curl);
        curl_slist_free_all(reqs[i].resolve);
    }
    curl_multi_cleanup(m);
    curl_global_cleanup();
    free(reqs), free(pages), free(free_pages);
    if (status < 0) snprintf(err, errsz, "out of memory");
    return status;
}

/* The code point of a named or numeric character reference at s (after '&'), its length up
 * to and with ';' in *n; 0 when there is none. */
static unsigned long entity(const char *s, const char *end, size_t *n)
{
    static const struct {
        const char *name;
        unsigned long c;
    } names[] = {{"amp;", '&'},  {"lt;", '<'},    {"gt;", '>'},
                 {"quot;", '"'}, {"apos;", '\''}, {"nbsp;", ' '}};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        size_t k = strlen(names[i].name);
        if ((size_t)(end - s) >= k && !strncasecmp(s, names[i].name, k)) return *n = k, names[i].c;
    }
    if (s < end && *s == '#') {
        char *stop;
        int hex = s + 1 < end && (s[1] == 'x' || s[1] == 'X');
        unsigned long c = strtoul(s + 1 + hex, &stop, hex ? 16 : 10);
        if (stop < end && *stop == ';' && stop > s + 1 + hex && c && c <= 0x10FFFF &&
            !(c >= 0xD800 && c <= 0xDFFF))
            return *n = (size_t)(stop + 1 - s), c;
    }
    return 0;
}

void ctl_html_title(const char *page, size_t len, char *out, size_t outsz)
{
    const char *end = page + len, *t = NULL;
    *out = 0;
    for (const char *s = page; s + 7 <= end; s++)
        if (*s == '<' && !strncasecmp(s + 1, "title", 5) && (s[6] == '>' || s[6] == ' ')) {
            t = memchr(s, '>', (size_t)(end - s));
            break;
        }
    if (!t) return;
    t++;
    const char *close = t;
    while (close + 8 <= end && !(close[0] == '<' && !strncasecmp(close + 1, "/title", 6))) close++;
    if (close + 8 > end) return; /* cut before its end: not a title to trust */
    size_t k = 0;
    int space = 1;
    for (const char *s = t; s < close && k + 5 < outsz;) {
        unsigned long c;
        size_t n = 1;
        unsigned char b = (unsigned char)*s;
        if (b == '&' && (c = entity(s + 1, close, &n)))
            n++;
        else if (b < 0x80)
            c = b;
        else {
            /* The length its first byte announces, if those bytes are UTF-8; else U+FFFD. */
            n = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            if (n == 1 || s + n > close || !ctl_utf8_valid((const unsigned char *)s, n)) {
                c = 0xFFFD, n = 1;
            } else {
                memcpy(out + k, s, n);
                k += n, s += n, space = 0;
                continue;
            }
        }
        if (!c) c = 0xFFFD; /* a NUL would end the text */
        s += n;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
            if (!space) out[k++] = ' ';
            space = 1;
            continue;
        }
        k += (size_t)ctl_utf8_encode((uint32_t)c, (unsigned char *)out + k);
        space = 0;
    }
    while (k && out[k - 1] == ' ') k--;
    out[k] = 0;
}
