/* SHA256_Init and friends: the streaming interface without EVP's per-call allocation, which
 * a log's millions of leaf hashes would pay for. */
#define OPENSSL_API_COMPAT 0x10101000L
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctformat.h"

/* ---- Reading big-endian fields ---- */

struct reader {
    const uint8_t *p;
    size_t n;
    int bad;
};

static uint64_t get(struct reader *r, size_t bytes)
{
    uint64_t v = 0;
    if (r->bad || r->n < bytes) {
        r->bad = 1;
        return 0;
    }
    for (size_t i = 0; i < bytes; i++) v = v << 8 | r->p[i];
    r->p += bytes, r->n -= bytes;
    return v;
}

/* A vector of len bytes (len read from a prefix of lbytes bytes), or NULL. */
static const uint8_t *take(struct reader *r, size_t lbytes, size_t *len)
{
    *len = (size_t)get(r, lbytes);
    if (r->bad || r->n < *len) {
        r->bad = 1;
        return NULL;
    }
    const uint8_t *v = r->p;
    r->p += *len, r->n -= *len;
    return v;
}

/* The leaf_index extension, static-ct-api's: type 0, five bytes. */
static int64_t leaf_index(const uint8_t *ext, size_t n)
{
    struct reader r = {ext, n, 0};
    while (r.n && !r.bad) {
        uint64_t type = get(&r, 1);
        size_t len;
        const uint8_t *data = take(&r, 2, &len);
        if (!r.bad && type == 0 && len == 5) {
            struct reader d = {data, 5, 0};
            return (int64_t)get(&d, 5);
        }
    }
    return -1;
}

static int parse_entry(struct reader *r, struct ctl_ct_entry *e, const char **why)
{
    memset(e, 0, sizeof *e);
    e->entry = r->p;
    e->timestamp = get(r, 8);
    uint64_t type = get(r, 2);
    if (r->bad) return *why = "the entry is cut short", -1;
    if (type == CTL_CT_PRECERT) {
        e->issuer_key_hash = r->p;
        get(r, CTL_HASH_LEN);
    } else if (type != CTL_CT_X509) {
        return *why = "unknown entry type", -1;
    }
    e->type = (enum ctl_ct_type)type;
    e->der = take(r, 3, &e->der_len);
    e->ext = take(r, 2, &e->ext_len);
    if (r->bad) return *why = "the entry is cut short", -1;
    if (!e->der_len) return *why = "the entry holds no certificate", -1;
    e->entry_len = (size_t)(r->p - e->entry);
    e->leaf_index = leaf_index(e->ext, e->ext_len);
    return 0;
}

int ctl_ct_parse_leaf(const uint8_t *p, size_t n, struct ctl_ct_entry *e, const char **why)
{
    struct reader r = {p, n, 0};
    uint64_t version = get(&r, 1), leaf_type = get(&r, 1);
    if (r.bad) return *why = "the leaf is cut short", -1;
    if (version != 0) return *why = "unknown leaf version", -1;
    if (leaf_type != 0) return *why = "unknown leaf type", -1;
    if (parse_entry(&r, e, why) < 0) return -1;
    if (r.n) return *why = "bytes after the leaf", -1;
    return 0;
}

ptrdiff_t ctl_ct_parse_tile_leaf(const uint8_t *p, size_t n, struct ctl_ct_entry *e,
                                 const char **why)
{
    struct reader r = {p, n, 0};
    if (parse_entry(&r, e, why) < 0) return -1;
    if (e->type == CTL_CT_PRECERT) e->precert = take(&r, 3, &e->precert_len);
    size_t len;
    e->chain = take(&r, 2, &len);
    if (r.bad) return *why = "the tile leaf is cut short", -1;
    if (len % CTL_HASH_LEN) return *why = "the issuer fingerprints are not 32 bytes each", -1;
    if (e->type == CTL_CT_PRECERT && !e->precert_len)
        return *why = "the tile leaf holds no precertificate", -1;
    e->chain_n = len / CTL_HASH_LEN;
    return r.p - p;
}

void ctl_ct_leaf_hash(const struct ctl_ct_entry *e, uint8_t out[CTL_HASH_LEN])
{
    static const uint8_t prefix[3] = {0, 0, 0}; /* leaf node, version 0, timestamped_entry */
    SHA256_CTX c;
    SHA256_Init(&c);
    SHA256_Update(&c, prefix, sizeof prefix);
    SHA256_Update(&c, e->entry, e->entry_len);
    SHA256_Final(out, &c);
}

void ctl_ct_node_hash(const uint8_t left[CTL_HASH_LEN], const uint8_t right[CTL_HASH_LEN],
                      uint8_t out[CTL_HASH_LEN])
{
    uint8_t buf[1 + 2 * CTL_HASH_LEN] = {1};
    memcpy(buf + 1, left, CTL_HASH_LEN);
    memcpy(buf + 1 + CTL_HASH_LEN, right, CTL_HASH_LEN);
    SHA256(buf, sizeof buf, out);
}

void ctl_merkle_append(struct ctl_merkle *t, const uint8_t leaf[CTL_HASH_LEN])
{
    uint8_t carry[CTL_HASH_LEN];
    memcpy(carry, leaf, CTL_HASH_LEN);
    int i = 0;
    for (; t->size >> i & 1; i++) ctl_ct_node_hash(t->hash[i], carry, carry);
    memcpy(t->hash[i], carry, CTL_HASH_LEN);
    t->size++;
}

void ctl_merkle_root(const struct ctl_merkle *t, uint8_t out[CTL_HASH_LEN])
{
    if (!t->size) {
        SHA256((const uint8_t *)"", 0, out);
        return;
    }
    /* The smallest subtree is the rightmost; each larger one is to the left of the rest. */
    int i = __builtin_ctzll(t->size);
    memcpy(out, t->hash[i], CTL_HASH_LEN);
    for (i++; i < 64; i++)
        if (t->size >> i & 1) ctl_ct_node_hash(t->hash[i], out, out);
}

int ctl_merkle_from_proof(uint64_t m, uint64_t n, const uint8_t (*proof)[CTL_HASH_LEN], size_t k,
                          const uint8_t root[CTL_HASH_LEN], struct ctl_merkle *out)
{
    /* RFC 9162 section 2.1.4.2: the hashes folded into the old root from the left are the
     * subtrees of m's set bits above the lowest, which proof[0] is. */
    if (!m || m >= n || !(m & (m - 1)) || !k) return -1;
    memset(out, 0, sizeof *out);
    out->size = m;
    int bit = __builtin_ctzll(m);
    memcpy(out->hash[bit], proof[0], CTL_HASH_LEN);
    uint64_t fn = m - 1, sn = n - 1;
    while (fn & 1) fn >>= 1, sn >>= 1;
    uint8_t fr[CTL_HASH_LEN], sr[CTL_HASH_LEN];
    memcpy(fr, proof[0], CTL_HASH_LEN);
    memcpy(sr, proof[0], CTL_HASH_LEN);
    for (size_t i = 1; i < k; i++) {
        if (!sn) return -1;
        if (fn & 1 || fn == sn) {
            ctl_ct_node_hash(proof[i], fr, fr);
            ctl_ct_node_hash(proof[i], sr, sr);
            do bit++;
            while (bit < 64 && !(m >> bit & 1));
            if (bit >= 64) return -1;
            memcpy(out->hash[bit], proof[i], CTL_HASH_LEN);
            if (!(fn & 1))
                while (!(fn & 1) && fn) fn >>= 1, sn >>= 1;
        } else {
            ctl_ct_node_hash(sr, proof[i], sr);
        }
        fn >>= 1, sn >>= 1;
    }
    uint8_t old[CTL_HASH_LEN];
    ctl_merkle_root(out, old);
    return sn == 0 && memcmp(sr, root, CTL_HASH_LEN) == 0 && memcmp(old, fr, CTL_HASH_LEN) == 0 &&
                   m >> (bit + 1) == 0
               ? 0
               : -1;
}

void ctl_merkle_tile_span(uint64_t m, int i, int *level, uint64_t *tile, unsigned *first,
                          unsigned *count)
{
    /* The subtree of bit i starts after the larger ones: at m with bits 0..i cleared. */
    uint64_t start = i >= 63 ? 0 : m >> (i + 1) << (i + 1);
    *level = i / 8;
    *count = 1u << (i % 8);
    uint64_t at = start >> (8 * *level); /* its first hash at that level */
    *tile = at / 256;
    *first = (unsigned)(at % 256);
}

void ctl_merkle_subtree(const uint8_t *hashes, unsigned count, uint8_t out[CTL_HASH_LEN])
{
    if (count == 1) {
        memcpy(out, hashes, CTL_HASH_LEN);
        return;
    }
    uint8_t l[CTL_HASH_LEN], r[CTL_HASH_LEN];
    ctl_merkle_subtree(hashes, count / 2, l);
    ctl_merkle_subtree(hashes + (size_t)count / 2 * CTL_HASH_LEN, count / 2, r);
    ctl_ct_node_hash(l, r, out);
}

int ctl_ct_tile_path(char *out, size_t outsz, int level, uint64_t index, unsigned width)
{
    if (level < -1 || level > 5 || width > 255) return -1;
    char digits[32];
    int nd = snprintf(digits, sizeof digits, "%llu", (unsigned long long)index);
    int pad = (3 - nd % 3) % 3;
    char n[64];
    size_t k = 0;
    for (int i = 0; i < pad + nd; i++) {
        if (i && i % 3 == 0) n[k++] = '/';
        if (i % 3 == 0 && i + 3 < pad + nd) n[k++] = 'x';
        n[k++] = i < pad ? '0' : digits[i - pad];
    }
    n[k] = 0;
    char lv[8];
    snprintf(lv, sizeof lv, "%d", level);
    int len = width ? snprintf(out, outsz, "tile/%s/%s.p/%u", level < 0 ? "data" : lv, n, width)
                    : snprintf(out, outsz, "tile/%s/%s", level < 0 ? "data" : lv, n);
    return len < 0 || (size_t)len >= outsz ? -1 : len;
}

/* Base64 digits' values plus one: 0 is not a digit. */
static const uint8_t b64_digit[256] = {
    ['A'] = 1,  ['B'] = 2,  ['C'] = 3,  ['D'] = 4,  ['E'] = 5,  ['F'] = 6,  ['G'] = 7,  ['H'] = 8,
    ['I'] = 9,  ['J'] = 10, ['K'] = 11, ['L'] = 12, ['M'] = 13, ['N'] = 14, ['O'] = 15, ['P'] = 16,
    ['Q'] = 17, ['R'] = 18, ['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22, ['W'] = 23, ['X'] = 24,
    ['Y'] = 25, ['Z'] = 26, ['a'] = 27, ['b'] = 28, ['c'] = 29, ['d'] = 30, ['e'] = 31, ['f'] = 32,
    ['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36, ['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40,
    ['o'] = 41, ['p'] = 42, ['q'] = 43, ['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48,
    ['w'] = 49, ['x'] = 50, ['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54, ['2'] = 55, ['3'] = 56,
    ['4'] = 57, ['5'] = 58, ['6'] = 59, ['7'] = 60, ['8'] = 61, ['9'] = 62, ['+'] = 63, ['/'] = 64,
};

/* A scanner over JSON text: moves past whitespace, and matches what is expected next. */
struct scan {
    const char *p, *end;
};

static void ws(struct scan *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
        s->p++;
}

static int lit(struct scan *s, const char *want)
{
    size_t k = strlen(want);
    ws(s);
    if ((size_t)(s->end - s->p) < k || memcmp(s->p, want, k) != 0) return 0;
    s->p += k;
    return 1;
}

/* A string of base64 characters only, its content into *v and *n. */
static int b64_string(struct scan *s, const char **v, size_t *n)
{
    if (!lit(s, "\"")) return 0;
    const char *start = s->p;
    while (s->p < s->end && (b64_digit[(uint8_t)*s->p] || *s->p == '=')) s->p++;
    if (s->p == s->end || *s->p != '"') return 0;
    *v = start, *n = (size_t)(s->p++ - start);
    return 1;
}

int ctl_ct_scan_entries(const char *p, size_t n, struct ctl_ct_b64_entry *out, size_t max,
                        size_t *count)
{
    struct scan s = {p, p + n};
    *count = 0;
    if (!lit(&s, "{") || !lit(&s, "\"entries\"") || !lit(&s, ":") || !lit(&s, "[")) return 1;
    if (!lit(&s, "]")) {
        do {
            struct ctl_ct_b64_entry e = {0};
            int have_leaf = 0, have_extra = 0;
            if (*count == max || !lit(&s, "{")) return 1;
            do {
                int leaf = lit(&s, "\"leaf_input\"");
                if ((!leaf && !lit(&s, "\"extra_data\"")) || (leaf ? have_leaf : have_extra) ||
                    !lit(&s, ":"))
                    return 1;
                if (leaf ? !b64_string(&s, &e.leaf, &e.leaf_len)
                         : !b64_string(&s, &e.extra, &e.extra_len))
                    return 1;
                *(leaf ? &have_leaf : &have_extra) = 1;
            } while (lit(&s, ","));
            if (!have_leaf || !have_extra || !lit(&s, "}")) return 1;
            out[(*count)++] = e;
        } while (lit(&s, ","));
        if (!lit(&s, "]")) return 1;
    }
    if (!lit(&s, "}")) return 1;
    ws(&s);
    return s.p == s.end ? 0 : 1;
}

ptrdiff_t ctl_base64_decode(const char *in, size_t n, uint8_t *out)
{
    if (n % 4 || n > 0x7ffffff0) return -1;
    size_t k = 0;
    for (size_t i = 0; i < n; i += 4) {
        int a = b64_digit[(uint8_t)in[i]] - 1, b = b64_digit[(uint8_t)in[i + 1]] - 1,
            c = b64_digit[(uint8_t)in[i + 2]] - 1, d = b64_digit[(uint8_t)in[i + 3]] - 1;
        /* Padding: "xx==" or "xxx=", in the last group only. */
        int pad_ok = i + 4 == n && in[i + 3] == '=' && (c >= 0 || in[i + 2] == '=');
        if (a < 0 || b < 0 || ((c < 0 || d < 0) && !pad_ok)) return -1;
        out[k++] = (uint8_t)(a << 2 | b >> 4);
        if (c >= 0) out[k++] = (uint8_t)((b & 15) << 4 | c >> 2);
        if (d >= 0) out[k++] = (uint8_t)((c & 3) << 6 | d);
    }
    return (ptrdiff_t)k;
}

int ctl_ct_check_key(const uint8_t *spki, size_t n, char *err, size_t errsz)
{
    const uint8_t *k = spki;
    EVP_PKEY *key = n < 0x7fffffff ? d2i_PUBKEY(NULL, &k, (long)n) : NULL;
    int type = key ? EVP_PKEY_get_base_id(key) : 0;
    EVP_PKEY_free(key);
    if (!key || k != spki + n) return snprintf(err, errsz, "not a DER public key"), -1;
    if (type != EVP_PKEY_EC && type != EVP_PKEY_RSA)
        return snprintf(err, errsz, "neither an EC nor an RSA key"), -1;
    return 0;
}

/* Checks a DigitallySigned (hash SHA-256; ECDSA or RSA) over msg with the key. */
static int verify(const uint8_t *ds, size_t ds_len, const uint8_t *msg, size_t msg_len,
                  const uint8_t *spki, size_t spki_len, char *err, size_t errsz)
{
    struct reader r = {ds, ds_len, 0};
    uint64_t hash = get(&r, 1), alg = get(&r, 1);
    size_t sig_len;
    const uint8_t *sig = take(&r, 2, &sig_len);
    if (r.bad || r.n) return snprintf(err, errsz, "the signature is malformed"), -1;
    if (hash != 4 || (alg != 1 && alg != 3))
        return snprintf(err, errsz, "unsupported signature algorithm %u/%u", (unsigned)hash,
                        (unsigned)alg),
               -1;
    const uint8_t *k = spki;
    EVP_PKEY *key = d2i_PUBKEY(NULL, &k, (long)spki_len);
    if (!key) return snprintf(err, errsz, "the log's public key is not a valid key"), -1;
    int type = EVP_PKEY_get_base_id(key);
    int ok = (alg == 3 && type == EVP_PKEY_EC) || (alg == 1 && type == EVP_PKEY_RSA);
    EVP_MD_CTX *ctx = ok ? EVP_MD_CTX_new() : NULL;
    int good = ctx && EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
               EVP_DigestVerify(ctx, sig, sig_len, msg, msg_len) == 1;
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(key);
    if (!ok) return snprintf(err, errsz, "the signature's algorithm is not the key's"), -1;
    if (!good) return snprintf(err, errsz, "the signature does not verify"), -1;
    return 0;
}

/* RFC 6962's signed tree head: version, signature type tree_hash, timestamp, size, root. */
static void sth_input(const struct ctl_tree_head *th, uint8_t out[50])
{
    out[0] = 0, out[1] = 1;
    for (int i = 0; i < 8; i++) {
        out[2 + i] = (uint8_t)(th->timestamp >> (56 - 8 * i));
        out[10 + i] = (uint8_t)(th->size >> (56 - 8 * i));
    }
    memcpy(out + 18, th->root, CTL_HASH_LEN);
}

int ctl_ct_verify_sth(const struct ctl_tree_head *th, const uint8_t *sig, size_t sig_len,
                      const uint8_t *spki, size_t spki_len, char *err, size_t errsz)
{
    uint8_t msg[50];
    sth_input(th, msg);
    return verify(sig, sig_len, msg, sizeof msg, spki, spki_len, err, errsz);
}

/* The next line of text[len] from *pos, without its newline; NULL at the end. */
static const char *next_line(const char *text, size_t len, size_t *pos, size_t *n)
{
    if (*pos >= len) return NULL;
    const char *s = text + *pos, *nl = memchr(s, '\n', len - *pos);
    *n = nl ? (size_t)(nl - s) : len - *pos;
    *pos += *n + (nl != NULL);
    return s;
}

int ctl_ct_verify_checkpoint(const char *text, size_t len, const uint8_t *spki, size_t spki_len,
                             struct ctl_tree_head *th, char *err, size_t errsz)
{
    memset(th, 0, sizeof *th);
    size_t pos = 0, n;
    const char *line = next_line(text, len, &pos, &n);
    if (!line || !n || n >= sizeof th->origin)
        return snprintf(err, errsz, "the checkpoint has no origin line"), -1;
    memcpy(th->origin, line, n);
    char buf[64];
    line = next_line(text, len, &pos, &n);
    char *end;
    if (!line || !n || n >= sizeof buf || line[0] < '0' || line[0] > '9')
        return snprintf(err, errsz, "the checkpoint's tree size is missing"), -1;
    memcpy(buf, line, n), buf[n] = 0;
    th->size = strtoull(buf, &end, 10);
    if (*end) return snprintf(err, errsz, "the checkpoint's tree size is not a number"), -1;
    line = next_line(text, len, &pos, &n);
    uint8_t root[48];
    if (!line || n != 44 || ctl_base64_decode(line, n, root) != CTL_HASH_LEN)
        return snprintf(err, errsz, "the checkpoint's root hash is not 32 bytes of base64"), -1;
    memcpy(th->root, root, CTL_HASH_LEN);
    /* Extension lines, if any, run to the blank line; the signatures follow it. */
    while ((line = next_line(text, len, &pos, &n)) && n) {
    }
    if (!line) return snprintf(err, errsz, "the checkpoint has no signature"), -1;

    uint8_t log_id[CTL_HASH_LEN], kid[CTL_HASH_LEN];
    SHA256(spki, spki_len, log_id);
    SHA256_CTX c;
    SHA256_Init(&c);
    SHA256_Update(&c, th->origin, strlen(th->origin));
    SHA256_Update(&c, "\n\x05", 2);
    SHA256_Update(&c, log_id, sizeof log_id);
    SHA256_Final(kid, &c);
    size_t origin_len = strlen(th->origin);
    static const char dash[] = "\xE2\x80\x94 "; /* U+2014 EM DASH and a space */
    const char *why = "no signature line by the log's key";
    while ((line = next_line(text, len, &pos, &n))) {
        if (n < 4 + origin_len + 1 || memcmp(line, dash, 4) != 0 ||
            memcmp(line + 4, th->origin, origin_len) != 0 || line[4 + origin_len] != ' ')
            continue; /* a witness's or another key's */
        const char *b64 = line + 5 + origin_len;
        size_t bn = n - 5 - origin_len;
        uint8_t sig[512];
        ptrdiff_t sn = bn <= 4 * sizeof sig / 3 ? ctl_base64_decode(b64, bn, sig) : -1;
        if (sn < 12 || memcmp(sig, kid, 4) != 0) continue; /* another key of the same name */
        for (int i = 0; i < 8; i++) th->timestamp = th->timestamp << 8 | sig[4 + i];
        return ctl_ct_verify_sth(th, sig + 12, (size_t)sn - 12, spki, spki_len, err, errsz);
    }
    snprintf(err, errsz, "%s", why);
    return -1;
}
