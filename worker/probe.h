/* probe: is a site up? GET https://HOST/ or http://HOST/ for many hosts at once (libcurl),
 * recording what a look-alike site shows: its status, title, redirect and certificate.
 *
 * A certificate that does not verify is recorded as a TLS error, and the site is fetched
 * again without verification: a phishing site behind a bad certificate is still up. Redirects
 * are recorded, not followed. At most 64 KiB of a page are read. */
#ifndef CTLITE_PROBE_H
#define CTLITE_PROBE_H

#include <stddef.h>

/* As long as libcurl's error buffer (CURL_ERROR_SIZE). */
enum { CTL_PROBE_ERROR_MAX = 256 };

struct ctl_probe_config {
    long timeout_ms;    /* each request, connection included */
    const char *proxy;  /* a proxy URL (CURLOPT_PROXY), or NULL */
    const char *cainfo; /* CA certificates to verify with, or NULL: the system's */
    char **agents;      /* User-Agent headers, one chosen at random per request */
    size_t nagents;     /* 0: ctlite's own */
    int https_port;     /* 443 */
    int http_port;      /* 80 */
    int parallel;       /* requests at once */
};

struct ctl_probe {
    /* in */
    const char *host;
    const char *address; /* connect there rather than resolve host, or NULL */
    int https;
    /* out */
    long status;                         /* the HTTP status, 0 when none came */
    char error[CTL_PROBE_ERROR_MAX];     /* when none came: why */
    char tls_error[CTL_PROBE_ERROR_MAX]; /* the certificate did not verify: why */
    char location[512];                  /* a redirect's Location */
    char title[400];                     /* the page's <title>, valid UTF-8, or "" */
    char cert_sha256[65];
    char cert_serial[130];
};

/* Runs every probe of p[0..n) but those whose error is already set (a host that did not
 * resolve, say), which are left as they are. -1 with err when libcurl cannot start. */
int ctl_probe_run(const struct ctl_probe_config *c, struct ctl_probe *p, size_t n, char *err,
                  size_t errsz);

/* The <title> of the len bytes of HTML at page into out: entities decoded, white space folded,
 * bytes that are not UTF-8 replaced. "" when there is none. */
void ctl_html_title(const char *page, size_t len, char *out, size_t outsz);

#endif
