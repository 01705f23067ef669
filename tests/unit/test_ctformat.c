/* ctformat: Merkle hashing against the recursive definition, tile paths, and, where
 * ../shared/data is present, real static-ct-api tiles (each precertificate read, its TBS hash
 * equal to the leaf's), a real get-entries answer and a real signed checkpoint. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <openssl/sha.h>

#include "ctformat.h"
#include "x509.h"

/* The data directory, or NULL (the tests that need it are then skipped). */
static const char *data_dir(void)
{
    static char dir[512];
    const char *shared = getenv("SHARED_DIR") ? getenv("SHARED_DIR") : "../shared";
    snprintf(dir, sizeof dir, "%s/data/ctlog", shared);
    FILE *f = fopen(dir, "r");
    if (!f) return NULL;
    fclose(f);
    return dir;
}

static uint8_t *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    uint8_t *buf = NULL;
    size_t cap = 0;
    *n = 0;
    for (;;) {
        if (*n == cap && !(buf = realloc(buf, cap = cap ? 2 * cap : 65536))) break;
        size_t k = fread(buf + *n, 1, cap - *n, f);
        if (!k) break;
        *n += k;
    }
    fclose(f);
    return buf;
}

/* RFC 6962's MTH, as written there: the reference for the collapsed tree. */
static void mth(const uint8_t (*leaves)[32], size_t n, uint8_t out[32])
{
    if (n == 1) {
        memcpy(out, leaves[0], 32);
        return;
    }
    size_t k = 1;
    while (k * 2 < n) k *= 2;
    uint8_t l[32], r[32];
    mth(leaves, k, l);
    mth(leaves + k, n - k, r);
    ctl_ct_node_hash(l, r, out);
}

static void merkle_matches_the_definition(void **state)
{
    (void)state;
    static uint8_t leaves[300][32];
    struct ctl_merkle t = {0};
    uint8_t root[32], want[32];
    ctl_merkle_root(&t, root);
    SHA256((const uint8_t *)"", 0, want);
    assert_memory_equal(root, want, 32);
    for (size_t n = 0; n < 300; n++) {
        SHA256((const uint8_t *)&n, sizeof n, leaves[n]);
        ctl_merkle_append(&t, leaves[n]);
        ctl_merkle_root(&t, root);
        mth(leaves, n + 1, want);
        assert_memory_equal(root, want, 32);
    }
    assert_int_equal(t.size, 300);
}

/* RFC 6962's SUBPROOF, as written there: the reference for consistency proofs. */
static size_t subproof(size_t m, const uint8_t (*leaves)[32], size_t n, int b, uint8_t (*out)[32])
{
    if (m == n) {
        if (b) return 0;
        mth(leaves, n, out[0]);
        return 1;
    }
    size_t k = 1, c;
    while (k * 2 < n) k *= 2;
    if (m <= k) {
        c = subproof(m, leaves, k, b, out);
        mth(leaves + k, n - k, out[c]);
    } else {
        c = subproof(m - k, leaves + k, n - k, 0, out);
        mth(leaves, k, out[c]);
    }
    return c + 1;
}

static void tree_from_a_consistency_proof(void **state)
{
    (void)state;
    static uint8_t leaves[80][32];
    uint8_t proof[64][32], root[32];
    struct ctl_merkle want = {0}, got;
    for (size_t i = 0; i < 80; i++) SHA256((const uint8_t *)&i, sizeof i, leaves[i]);
    for (uint64_t m = 1; m < 80; m++) {
        ctl_merkle_append(&want, leaves[m - 1]);
        for (uint64_t n = m + 1; n <= 80; n++) {
            size_t k = subproof(m, leaves, n, 1, proof);
            mth(leaves, n, root);
            int rc = ctl_merkle_from_proof(m, n, (const uint8_t(*)[32])proof, k, root, &got);
            if (!(m & (m - 1))) { /* a power of two: the proof leaves the old root out */
                assert_int_equal(rc, -1);
                continue;
            }
            assert_int_equal(rc, 0);
            assert_int_equal(got.size, m);
            for (int i = 0; i < 64; i++)
                if (m >> i & 1) assert_memory_equal(got.hash[i], want.hash[i], 32);
            root[0] ^= 1;
            assert_int_equal(
                ctl_merkle_from_proof(m, n, (const uint8_t(*)[32])proof, k, root, &got), -1);
            if (k > 1)
                assert_int_equal(
                    ctl_merkle_from_proof(m, n, (const uint8_t(*)[32])proof, k - 1, root, &got),
                    -1);
        }
    }
}

static void tree_from_tiles(void **state)
{
    (void)state;
    static uint8_t leaves[1500][32], level1[5][32];
    struct ctl_merkle want = {0};
    for (size_t i = 0; i < 1500; i++) SHA256((const uint8_t *)&i, sizeof i, leaves[i]);
    for (size_t t = 0; t < 5; t++) mth(leaves + 256 * t, 256, level1[t]);
    for (uint64_t m = 1; m <= 1500; m++) {
        ctl_merkle_append(&want, leaves[m - 1]);
        for (int i = 0; i < 64; i++) {
            if (!(m >> i & 1)) continue;
            int level;
            uint64_t tile;
            unsigned first, count;
            ctl_merkle_tile_span(m, i, &level, &tile, &first, &count);
            assert_true(level <= 1 && first + count <= 256);
            uint8_t got[32];
            const uint8_t *tile_hashes = level ? level1[256 * tile] : leaves[256 * tile];
            ctl_merkle_subtree(tile_hashes + 32 * first, count, got);
            assert_memory_equal(got, want.hash[i], 32);
        }
    }
}

static void get_entries_scan(void **state)
{
    (void)state;
    struct ctl_ct_b64_entry e[2];
    size_t n;
    const char *plain = " {\"entries\": [{\"leaf_input\": \"AAAA\", \"extra_data\": \"AA==\"},\n"
                        "{\"extra_data\":\"\",\"leaf_input\":\"QUJD\"}]}\n";
    assert_int_equal(ctl_ct_scan_entries(plain, strlen(plain), e, 2, &n), 0);
    assert_int_equal(n, 2);
    assert_true(e[0].leaf_len == 4 && !memcmp(e[0].leaf, "AAAA", 4) && e[0].extra_len == 4);
    assert_true(e[1].leaf_len == 4 && !memcmp(e[1].leaf, "QUJD", 4) && e[1].extra_len == 0);
    /* Valid JSON of other shapes is left to a JSON parser. */
    const char *other[] = {
        "{\"entries\":[{\"leaf_input\":\"AA\\/A\",\"extra_data\":\"\"}]}", /* an escape */
        "{\"entries\":[{\"leaf_input\":\"AAAA\",\"extra_data\":\"\",\"x\":1}]}",
        "{\"entries\":[{\"leaf_input\":\"AAAA\"}]}",
        "{\"entries\":[],\"x\":null}",
        "{\"entries\":[{\"leaf_input\":\"A\",\"extra_data\":\"\"},{\"leaf_input\":\"B\",\"extra_"
        "data\":\"\"},{\"leaf_input\":\"C\",\"extra_data\":\"\"}]}", /* more than max */
    };
    for (size_t i = 0; i < sizeof other / sizeof *other; i++)
        assert_int_equal(ctl_ct_scan_entries(other[i], strlen(other[i]), e, 2, &n), 1);
    /* And what is not JSON at all. */
    const char *bad[] = {"", "{\"entries\":[{}]}", "{\"entries\":[,]}", "{\"entries\":[]} x",
                         "{\"entries\":[{\"leaf_input\":\"A\",\"extra_data\":\"\"},]}"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(ctl_ct_scan_entries(bad[i], strlen(bad[i]), e, 2, &n), 1);
}

static void tile_paths(void **state)
{
    (void)state;
    char p[64];
    ctl_ct_tile_path(p, sizeof p, 0, 67, 0);
    assert_string_equal(p, "tile/0/067");
    ctl_ct_tile_path(p, sizeof p, 0, 1234, 0);
    assert_string_equal(p, "tile/0/x001/234");
    ctl_ct_tile_path(p, sizeof p, 2, 1234067, 0);
    assert_string_equal(p, "tile/2/x001/x234/067");
    ctl_ct_tile_path(p, sizeof p, -1, 1234, 17);
    assert_string_equal(p, "tile/data/x001/234.p/17");
    ctl_ct_tile_path(p, sizeof p, 0, 0, 0);
    assert_string_equal(p, "tile/0/000");
    assert_int_equal(ctl_ct_tile_path(p, sizeof p, 6, 0, 0), -1);
    assert_int_equal(ctl_ct_tile_path(p, 8, 0, 1234, 0), -1);
}

static void bad_leaves(void **state)
{
    (void)state;
    struct ctl_ct_entry e;
    const char *why;
    /* version 0, leaf type 0, timestamp, x509, a 2-byte certificate, no extensions */
    uint8_t leaf[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 2, 0x30, 0x00, 0, 0};
    assert_int_equal(ctl_ct_parse_leaf(leaf, sizeof leaf, &e, &why), 0);
    assert_int_equal(e.timestamp, 1);
    assert_int_equal(e.der_len, 2);
    assert_int_equal(e.leaf_index, -1);
    assert_int_equal(ctl_ct_parse_leaf(leaf, sizeof leaf - 1, &e, &why), -1);
    assert_string_equal(why, "the entry is cut short");
    uint8_t longer[sizeof leaf + 1];
    memcpy(longer, leaf, sizeof leaf), longer[sizeof leaf] = 7;
    assert_int_equal(ctl_ct_parse_leaf(longer, sizeof longer, &e, &why), -1);
    assert_string_equal(why, "bytes after the leaf");
    leaf[11] = 2; /* entry type */
    assert_int_equal(ctl_ct_parse_leaf(leaf, sizeof leaf, &e, &why), -1);
    assert_string_equal(why, "unknown entry type");
    leaf[0] = 1;
    assert_int_equal(ctl_ct_parse_leaf(leaf, sizeof leaf, &e, &why), -1);
    assert_string_equal(why, "unknown leaf version");
}

static void base64(void **state)
{
    (void)state;
    uint8_t out[16];
    assert_int_equal(ctl_base64_decode("aGk=", 4, out), 2);
    assert_memory_equal(out, "hi", 2);
    assert_int_equal(ctl_base64_decode("aGkh", 4, out), 3);
    assert_int_equal(ctl_base64_decode("aG==", 4, out), 1);
    assert_int_equal(ctl_base64_decode("", 0, out), 0);
    assert_int_equal(ctl_base64_decode("aGk", 3, out), -1);
    assert_int_equal(ctl_base64_decode("a=k=", 4, out), -1);
    assert_int_equal(ctl_base64_decode("aG k", 4, out), -1);
}

/* Every entry of the real tiles parses; its leaf hash is its level-0 tile hash and its
 * leaf_index its position; the partial tile is a prefix of its full tile. */
static void real_tiles(void **state)
{
    (void)state;
    const char *dir = data_dir();
    if (!dir) skip();
    const char *names[] = {"000", "001", "002", "003", "003.p/10"};
    uint8_t first10[10][32];
    struct ctl_merkle t = {0};
    for (int k = 0; k < 5; k++) {
        char path[700];
        size_t dn, hn;
        snprintf(path, sizeof path, "%s/navigli2025h2/tile/data/%s", dir, names[k]);
        uint8_t *data = slurp(path, &dn);
        snprintf(path, sizeof path, "%s/navigli2025h2/tile/0/%s", dir, names[k]);
        uint8_t *hashes = slurp(path, &hn);
        assert_non_null(data);
        assert_non_null(hashes);
        size_t want = k < 4 ? 256 : 10, i = 0;
        assert_int_equal(hn, want * 32);
        for (size_t off = 0; off < dn; i++) {
            struct ctl_ct_entry e;
            const char *why = NULL;
            ptrdiff_t used = ctl_ct_parse_tile_leaf(data + off, dn - off, &e, &why);
            if (used < 0) fail_msg("tile %s entry %zu: %s", names[k], i, why);
            assert_true(i < want);
            uint8_t leaf[32];
            ctl_ct_leaf_hash(&e, leaf);
            assert_memory_equal(leaf, hashes + 32 * i, 32);
            assert_int_equal(e.leaf_index, (k < 4 ? k : 3) * 256 + (int64_t)i);
            assert_int_equal(e.type, CTL_CT_PRECERT);
            assert_non_null(e.issuer_key_hash);
            assert_true(e.precert_len > e.der_len && e.chain_n >= 1);
            /* The precertificate parses, and its TBS without the poison is the one the log
             * hashed into the leaf. */
            char err[100];
            ctl_cert *c = ctl_cert_parse(e.precert, e.precert_len, err, sizeof err);
            if (!c) fail_msg("tile %s entry %zu: %s", names[k], i, err);
            uint8_t tbs[32], want_tbs[32];
            assert_true(ctl_cert_is_precert(c));
            assert_int_equal(ctl_cert_tbs_sha256(c, tbs), 0);
            SHA256(e.der, e.der_len, want_tbs);
            assert_memory_equal(tbs, want_tbs, 32);
            ctl_cert_free(c);
            if (k == 3 && i < 10) memcpy(first10[i], leaf, 32);
            if (k == 4) assert_memory_equal(leaf, first10[i], 32);
            if (k < 4) ctl_merkle_append(&t, leaf);
            off += (size_t)used;
        }
        assert_int_equal(i, want);
        free(data);
        free(hashes);
    }
    assert_int_equal(t.size, 1024);
}

/* A real get-entries answer: scanned in place, each leaf and certificate read. */
static void real_get_entries(void **state)
{
    (void)state;
    const char *dir = data_dir();
    if (!dir) skip();
    char path[700];
    size_t n;
    snprintf(path, sizeof path, "%s/ctgo-four-entries.get-entries.json", dir);
    char *text = (char *)slurp(path, &n);
    assert_non_null(text);
    struct ctl_ct_b64_entry list[8];
    size_t count;
    assert_int_equal(ctl_ct_scan_entries(text, n, list, 8, &count), 0);
    assert_int_equal(count, 4);
    for (size_t i = 0; i < count; i++) {
        uint8_t *leaf = malloc(list[i].leaf_len), *extra = malloc(list[i].extra_len + 1);
        ptrdiff_t ln = ctl_base64_decode(list[i].leaf, list[i].leaf_len, leaf);
        ptrdiff_t xn = ctl_base64_decode(list[i].extra, list[i].extra_len, extra);
        assert_true(ln > 0 && xn > 0);
        struct ctl_ct_entry e;
        const char *why = NULL;
        if (ctl_ct_parse_leaf(leaf, (size_t)ln, &e, &why) < 0) fail_msg("entry %zu: %s", i, why);
        assert_int_equal(e.type, CTL_CT_X509);
        char err[100];
        ctl_cert *c = ctl_cert_parse(e.der, e.der_len, err, sizeof err);
        if (!c) fail_msg("entry %zu: %s", i, err);
        assert_false(ctl_cert_is_precert(c));
        ctl_cert_free(c);
        free(leaf);
        free(extra);
    }
    free(text);
}

/* The log's key from its v3 log-list entry, DER into key. */
static size_t log_key(const char *dir, uint8_t *key)
{
    char path[700];
    snprintf(path, sizeof path, "%s/skylight-synthetic/log.v3.json", dir);
    json_t *j = json_load_file(path, 0, NULL);
    assert_non_null(j);
    const char *b64 = json_string_value(json_object_get(j, "key"));
    assert_non_null(b64);
    ptrdiff_t n = ctl_base64_decode(b64, strlen(b64), key);
    json_decref(j);
    assert_true(n > 0);
    return (size_t)n;
}

static void real_checkpoint(void **state)
{
    (void)state;
    const char *dir = data_dir();
    if (!dir) skip();
    uint8_t key[512];
    size_t kn = log_key(dir, key);
    char path[700];
    snprintf(path, sizeof path, "%s/skylight-synthetic/checkpoint", dir);
    size_t n;
    char *text = (char *)slurp(path, &n);
    assert_non_null(text);
    struct ctl_tree_head th;
    char err[200];
    if (ctl_ct_verify_checkpoint(text, n, key, kn, &th, err, sizeof err) < 0) fail_msg("%s", err);
    assert_string_equal(th.origin, "rome2026h1.example.org");
    assert_int_equal(th.size, 300);
    assert_true(th.timestamp > 1700000000000ULL);

    /* A witness's line is ignored; a changed size no longer verifies. */
    char *more = malloc(n + 200);
    size_t cut = (size_t)(strstr(text, "\n\n") - text) + 2;
    int k = snprintf(more, n + 200, "%.*s\xE2\x80\x94 witness.example AAAAAAAAAAAA\n%s", (int)cut,
                     text, text + cut);
    assert_int_equal(ctl_ct_verify_checkpoint(more, (size_t)k, key, kn, &th, err, sizeof err), 0);
    char *changed = strdup(text);
    changed[strlen("rome2026h1.example.org\n") + 2] = '1'; /* 300 -> 301 */
    assert_int_equal(ctl_ct_verify_checkpoint(changed, n, key, kn, &th, err, sizeof err), -1);
    assert_string_equal(err, "the signature does not verify");
    /* Another log's key: its key ID matches no line. */
    key[kn - 1] ^= 1;
    assert_int_equal(ctl_ct_verify_checkpoint(text, n, key, kn, &th, err, sizeof err), -1);
    free(more);
    free(changed);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(merkle_matches_the_definition),
        cmocka_unit_test(tree_from_a_consistency_proof),
        cmocka_unit_test(tree_from_tiles),
        cmocka_unit_test(get_entries_scan),
        cmocka_unit_test(tile_paths),
        cmocka_unit_test(bad_leaves),
        cmocka_unit_test(base64),
        cmocka_unit_test(real_tiles),
        cmocka_unit_test(real_get_entries),
        cmocka_unit_test(real_checkpoint),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
