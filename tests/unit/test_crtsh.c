/* crtsh: URLs, parsing of crt.sh's rows and its failure shapes, and the names of a
 * name_value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crtsh.h"

static void urls(void **state)
{
    (void)state;
    char *u = ctl_crtsh_search_url("https://crt.sh/", "%.example.com", "ILIKE", 1, 1);
    assert_string_equal(u, "https://crt.sh/?identity=%25.example.com&match=ILIKE"
                           "&exclude=expired&deduplicate=Y&output=json");
    free(u);
    u = ctl_crtsh_search_url("http://127.0.0.1:8/", "a b&c=d", "=", 0, 0);
    assert_string_equal(u, "http://127.0.0.1:8/?identity=a%20b%26c%3Dd&match=%3D&output=json");
    free(u);
    u = ctl_crtsh_cert_url("https://crt.sh/", 12345678901LL);
    assert_string_equal(u, "https://crt.sh/?d=12345678901");
    free(u);
}

/* Two rows as crt.sh sends them: a null common_name, no result_count, an id above 2^32,
 * an escaped quote in the issuer, 0 and 3 fraction digits. */
static void rows(void **state)
{
    (void)state;
    const char *body =
        "[{\"issuer_ca_id\":183267,\"issuer_name\":\"C=US, O=\\\"DigiCert, Inc.\\\", CN=X\","
        "\"common_name\":null,\"name_value\":\"example.com\\nwww.example.com\","
        "\"id\":12000000005,\"entry_timestamp\":\"2024-05-01T10:00:00.123\","
        "\"not_before\":\"2024-05-01T00:00:00\",\"not_after\":\"2025-05-01T23:59:59\","
        "\"serial_number\":\"00ab\"},"
        "{\"issuer_ca_id\":-1,\"issuer_name\":\"CN=R11\",\"common_name\":\"a.example.com\","
        "\"name_value\":\"a.example.com\",\"id\":7,\"entry_timestamp\":null,"
        "\"not_before\":\"2024-05-01T00:00:00\",\"not_after\":\"2025-05-01T00:00:00\","
        "\"serial_number\":\"01\",\"result_count\":2}]";
    struct ctl_crtsh_result r;
    char err[300];
    assert_int_equal(ctl_crtsh_parse(body, strlen(body), &r, err, sizeof err), 0);
    assert_int_equal(r.n, 2);
    assert_true(r.v[0].id == 12000000005LL);
    assert_string_equal(r.v[0].issuer_name, "C=US, O=\"DigiCert, Inc.\", CN=X");
    assert_null(r.v[0].common_name);
    assert_true(r.v[0].result_count == -1);
    assert_string_equal(r.v[0].entry_timestamp, "2024-05-01T10:00:00.123");
    assert_true(r.v[1].issuer_ca_id == -1);
    assert_null(r.v[1].entry_timestamp);
    assert_true(r.v[1].result_count == 2);
    ctl_crtsh_result_free(&r);
}

static void expect_error(const char *body, size_t len, const char *want)
{
    struct ctl_crtsh_result r;
    char err[300];
    assert_int_equal(ctl_crtsh_parse(body, len, &r, err, sizeof err), -1);
    if (!strstr(err, want)) fail_msg("error '%s' lacks '%s'", err, want);
    assert_int_equal(r.n, 0);
}

static void bad_answers(void **state)
{
    (void)state;
    const char *cut = "[{\"id\":1,\"issuer_ca_id\":2,\"issuer_na";
    expect_error(cut, strlen(cut), "invalid JSON at line 1");
    expect_error("<html>oops", 10, "invalid JSON");
    expect_error("{\"id\":1}", 8, "not an array");
    const char utf8[] = "[{\"name_value\":\"\xff\xfe\"}]";
    expect_error(utf8, sizeof utf8 - 1, "invalid JSON");
    const char *no_id = "[{\"issuer_ca_id\":2}]";
    expect_error(no_id, strlen(no_id), "row 1: id is missing");
    const char *text_id = "[{\"id\":\"7\"}]";
    expect_error(text_id, strlen(text_id), "row 1: id is not an integer");
    const char *no_names =
        "[{\"id\":1,\"issuer_ca_id\":2,\"issuer_name\":\"x\",\"name_value\":null}]";
    expect_error(no_names, strlen(no_names), "row 1: name_value is null");
    struct ctl_crtsh_result r;
    char err[300];
    assert_int_equal(ctl_crtsh_parse("[]", 2, &r, err, sizeof err), 0);
    assert_int_equal(r.n, 0);
}

static void names(void **state)
{
    (void)state;
    const char *nv = "example.com\nWWW.Example.ORG.\n*.example.com\nExample Corp\n"
                     "hostmaster@example.com\n192.0.2.1\nbücher.de\n\n-bad-.com";
    /* Odd but name-like labels stay, as ctl_host_canon keeps them: nothing a certificate
     * names is dropped but what cannot be a host. */
    const char *want[] = {"example.com", "www.example.org", "*.example.com", "xn--bcher-kva.de",
                          "-bad-.com"};
    char out[256];
    size_t pos = 0, k = 0;
    int n;
    while ((n = ctl_crtsh_next_name(nv, &pos, out)) >= 0) {
        assert_true(k < 5);
        assert_string_equal(out, want[k++]);
        assert_int_equal(n, (int)strlen(out));
    }
    assert_int_equal(k, 5);
}

static void pem(void **state)
{
    (void)state;
    unsigned char *der;
    size_t len;
    char err[200];
    const char *junk = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    assert_int_equal(ctl_crtsh_pem_to_der(junk, strlen(junk), &der, &len, err, sizeof err), -1);
    assert_non_null(strstr(err, "no PEM certificate"));
    assert_int_equal(ctl_crtsh_pem_to_der("", 0, &der, &len, err, sizeof err), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(urls),  cmocka_unit_test(rows), cmocka_unit_test(bad_answers),
        cmocka_unit_test(names), cmocka_unit_test(pem),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
