#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <curl/curl.h>
#include <idn2.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <libpsl.h>
#include <unistring/version.h>

#include "crtsh.h"
#include "ctlite.h"
#include "distance.h"
#include "domain.h"
#include "fold.h"
#include "regexp.h"
#include "sqlfn.h"
#include "typosquat.h"
#include "x509.h"

SQLITE_EXTENSION_INIT1

static void version_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc, (void)argv;
    sqlite3_result_text(ctx, CTLITE_VERSION, -1, SQLITE_STATIC);
}

/* One line per fact, "key: value", so that it reads well in the shell and greps well in a
 * bug report. The PSL line comes from this connection's domain module. */
static void debug_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc, (void)argv;
    char pcre[64] = "?";
    pcre2_config(PCRE2_CONFIG_VERSION, pcre);
    char *psl = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(sqlite3_context_db_handle(ctx), "SELECT ctlite_psl_info()", -1, &st,
                           NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        psl = sqlite3_mprintf("%s", sqlite3_column_text(st, 0));
    else
        psl = sqlite3_mprintf("unavailable (%s)", sqlite3_errmsg(sqlite3_context_db_handle(ctx)));
    sqlite3_finalize(st);
    char *out = sqlite3_mprintf(
        "version: %s\n"
        "commit: %s\n"
        "sqlite: %s (built against %s)\n"
        "libpsl: %s\n"
        "libidn2: %s\n"
        "libunistring: %d.%d.%d\n"
        "pcre2: %s\n"
        "libcurl: %s\n"
        "jansson: %s\n"
        "openssl: %s\n"
        "psl_file: %s",
        CTLITE_VERSION, CTLITE_COMMIT, sqlite3_libversion(), SQLITE_VERSION, psl_get_version(),
        idn2_check_version(NULL), _libunistring_version >> 16, (_libunistring_version >> 8) & 0xff,
        _libunistring_version & 0xff, pcre, curl_version_info(CURLVERSION_NOW)->version,
        jansson_version_str(), OpenSSL_version(OPENSSL_VERSION_STRING), psl ? psl : "?");
    sqlite3_free(psl);
    if (out)
        sqlite3_result_text(ctx, out, -1, sqlite3_free);
    else
        sqlite3_result_error_nomem(ctx);
}

static const struct ctl_fn version_fns[] = {
    {"ctlite_version", 0, CTL_PURE, version_fn},
    {"ctlite_debug", 0, SQLITE_DIRECTONLY, debug_fn},
};

static int version_register(sqlite3 *db)
{
    return ctl_register_fns(db, version_fns, sizeof version_fns / sizeof *version_fns, NULL, NULL);
}

/* Every module, in the order it is registered. */
static const struct {
    const char *name;
    int (*reg)(sqlite3 *);
} modules[] = {
    {"version", version_register}, {"distance", distance_register},
    {"domain", domain_register},   {"fold", fold_register},
    {"regexp", regexp_register},   {"typosquat", typosquat_register},
    {"crtsh", crtsh_register},     {"x509", x509_register},
};

int sqlite3_ctlite_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi)
{
    SQLITE_EXTENSION_INIT2(pApi);
    for (size_t i = 0; i < sizeof modules / sizeof *modules; i++) {
        int rc = modules[i].reg(db);
        if (rc != SQLITE_OK) {
            if (pzErrMsg)
                *pzErrMsg = sqlite3_mprintf("ctlite: cannot register %s: %s", modules[i].name,
                                            sqlite3_errmsg(db));
            return rc;
        }
    }
    return SQLITE_OK;
}
