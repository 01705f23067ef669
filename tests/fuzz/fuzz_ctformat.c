/* Fuzz target for CT wire formats (ctformat.h).
 *
 * The input is read four ways: as a data tile (TileLeaf after TileLeaf until the bytes run
 * out or one fails), as an RFC 6962 leaf_input, and as a checkpoint checked with a fixed
 * P-256 key. Every parsed field must lie inside the input (ASan catches reads past it, as the
 * copy has exactly the input's size), a tile leaf must take at least one byte, and the
 * leaf_index must fit 40 bits. A checkpoint must verify only as what the key signed. And as a
 * get-entries answer: what the scanner reads, jansson must read the same way. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctformat.h"

const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
    return "halt_on_error=1:print_stacktrace=1";
}

static int inside(const uint8_t *p, size_t n, const uint8_t *buf, size_t size)
{
    return !p || (p >= buf && p + n <= buf + size);
}

static void check(const struct ctl_ct_entry *e, const uint8_t *buf, size_t size)
{
    if (!inside(e->der, e->der_len, buf, size) || !inside(e->ext, e->ext_len, buf, size) ||
        !inside(e->entry, e->entry_len, buf, size) ||
        !inside(e->precert, e->precert_len, buf, size) ||
        !inside(e->chain, 32 * e->chain_n, buf, size) ||
        !inside(e->issuer_key_hash, 32, buf, size) || e->leaf_index >= (int64_t)1 << 40)
        __builtin_trap();
    uint8_t h[CTL_HASH_LEN];
    ctl_ct_leaf_hash(e, h);
}

static int same(const char *span, size_t n, json_t *v)
{
    return json_is_string(v) && json_string_length(v) == n &&
           !memcmp(json_string_value(v), span, n);
}

/* Whatever ctl_ct_scan_entries accepts is JSON whose entries are the ones it gives. */
static void scan_agrees(const char *text, size_t size)
{
    struct ctl_ct_b64_entry list[64];
    size_t count;
    if (ctl_ct_scan_entries(text, size, list, 64, &count) != 0) return;
    json_t *j = json_loadb(text, size, 0, NULL), *entries = json_object_get(j, "entries");
    if (!j || json_object_size(j) != 1 || json_array_size(entries) != count) __builtin_trap();
    for (size_t i = 0; i < count; i++) {
        json_t *o = json_array_get(entries, i);
        if (json_object_size(o) != 2 ||
            !same(list[i].leaf, list[i].leaf_len, json_object_get(o, "leaf_input")) ||
            !same(list[i].extra, list[i].extra_len, json_object_get(o, "extra_data")))
            __builtin_trap();
    }
    json_decref(j);
}

/* A P-256 SubjectPublicKeyInfo (the key of a test log). */
static const char key_b64[] = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEPIcer7RB32jt4bTEbhgUKLKvOctFD"
                              "+I2hoDItFxUBlJiGFvftBuRk3fO7e1T7gC2ekyfL7XoO2oN/ObcZyc4EA==";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *buf = malloc(size ? size : 1);
    if (!buf) return 0;
    memcpy(buf, data, size);
    struct ctl_ct_entry e;
    const char *why;
    for (size_t off = 0; off < size;) {
        ptrdiff_t used = ctl_ct_parse_tile_leaf(buf + off, size - off, &e, &why);
        if (used < 0) break;
        if (used == 0) __builtin_trap();
        check(&e, buf, size);
        off += (size_t)used;
    }
    if (ctl_ct_parse_leaf(buf, size, &e, &why) == 0) check(&e, buf, size);
    static uint8_t key[128];
    static ptrdiff_t kn;
    if (!kn) kn = ctl_base64_decode(key_b64, strlen(key_b64), key);
    struct ctl_tree_head th;
    char err[200];
    /* The corpus holds a checkpoint signed with that key but for its root, which the fuzzer
     * may change back: whatever verifies must be what the key signed. */
    static const char signed_root[] = "lCkHUpkmVBEms2r2T1K6Og69+wUuuN3MIEW1/ezu2v0=";
    uint8_t root[CTL_HASH_LEN + 2];
    if (ctl_ct_verify_checkpoint((const char *)buf, size, key, (size_t)kn, &th, err, sizeof err) ==
            0 &&
        (th.size != 300 || ctl_base64_decode(signed_root, strlen(signed_root), root) != 32 ||
         memcmp(root, th.root, 32) != 0))
        __builtin_trap();
    scan_agrees((const char *)buf, size);
    free(buf);
    return 0;
}
