/* The two read APIs: RFC 6962 (get-sth, get-entries, get-sth-consistency) and static-ct-api
 * (checkpoint, data and hash tiles, issuers). Requests go out through the tail's one client;
 * answers come back to tail.c, which stores them in order. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tail.h"
#include "x509.h"

static void get(struct log *l, const char *path, ctl_http_done *done, void *user)
{
    char url[1400];
    snprintf(url, sizeof url, "%s%s", l->url, path);
    if (ctl_http_start(l->t->http, url, NULL, &l->pace, done, user) < 0) {
        struct ctl_http_response r = {0};
        done(user, -1, &r, "out of memory");
    }
}

/* A JSON answer of an RFC 6962 log; NULL with err. */
static json_t *json_of(const struct ctl_http_response *r, const char *what, char *err, size_t errsz)
{
    json_error_t e;
    json_t *j = json_loadb(r->body, r->len, 0, &e);
    if (!j)
        snprintf(err, errsz, "%s: invalid JSON at line %d, column %d: %s", what, e.line, e.column,
                 e.text);
    return j;
}

/* Base64 text s[len] into a malloc'd buffer; NULL when s is NULL or not base64. */
static uint8_t *b64(const char *s, size_t len, size_t *n)
{
    uint8_t *out = s ? malloc(len / 4 * 3 + 1) : NULL;
    ptrdiff_t k = out ? ctl_base64_decode(s, len, out) : -1;
    if (k < 0) {
        free(out);
        return NULL;
    }
    *n = (size_t)k;
    return out;
}

/* RFC 6962: a signed tree head from get-sth. */
static int parse_sth(struct log *l, const struct ctl_http_response *r, struct ctl_tree_head *th,
                     char *err, size_t errsz)
{
    json_t *j = json_of(r, "get-sth", err, errsz);
    if (!j) return -1;
    size_t rn = 0, sn = 0;
    json_t *rh = json_object_get(j, "sha256_root_hash"),
           *sg = json_object_get(j, "tree_head_signature");
    uint8_t *root = b64(json_string_value(rh), json_string_length(rh), &rn);
    uint8_t *sig = b64(json_string_value(sg), json_string_length(sg), &sn);
    json_t *size = json_object_get(j, "tree_size"), *ts = json_object_get(j, "timestamp");
    int rc = -1;
    if (!root || rn != CTL_HASH_LEN || !sig || !json_is_integer(size) || !json_is_integer(ts) ||
        json_integer_value(size) < 0) {
        snprintf(err, errsz, "get-sth: not a signed tree head");
    } else {
        th->size = (uint64_t)json_integer_value(size);
        th->timestamp = (uint64_t)json_integer_value(ts);
        memcpy(th->root, root, CTL_HASH_LEN);
        char why[200];
        rc = ctl_ct_verify_sth(th, sig, sn, l->key, l->key_len, why, sizeof why);
        if (rc) snprintf(err, errsz, "get-sth: %s", why);
    }
    free(root);
    free(sig);
    json_decref(j);
    return rc;
}

static void head_done(void *user, int rc, struct ctl_http_response *r, const char *err)
{
    struct log *l = user;
    struct ctl_tree_head th = {0};
    char why[1024];
    if (!rc && l->rfc6962) {
        rc = parse_sth(l, r, &th, why, sizeof why);
    } else if (!rc) {
        char sig[700];
        rc = ctl_ct_verify_checkpoint(r->body, r->len, l->key, l->key_len, &th, sig, sizeof sig);
        if (rc) snprintf(why, sizeof why, "checkpoint: %s", sig);
    } else {
        snprintf(why, sizeof why, "%s", err);
    }
    ctl_http_response_free(r);
    head_arrived(l, rc, &th, why);
}

void fetch_head(struct log *l)
{
    get(l, l->rfc6962 ? "ct/v1/get-sth" : "checkpoint", head_done, l);
}

static void part_done(struct chunk *c, struct ctl_http_response *slot, int rc,
                      struct ctl_http_response *r, const char *err)
{
    if (rc && c->rc == 0) {
        c->rc = -1;
        snprintf(c->err, sizeof c->err, "%s", err);
    }
    *slot = *r;
    if (--c->pending == 0) chunk_arrived(c);
}

static void data_done(void *user, int rc, struct ctl_http_response *r, const char *err)
{
    struct chunk *c = user;
    part_done(c, &c->data, rc, r, err);
}

static void hashes_done(void *user, int rc, struct ctl_http_response *r, const char *err)
{
    struct chunk *c = user;
    part_done(c, &c->hashes, rc, r, err);
}

void fetch_chunk(struct log *l, struct chunk *c)
{
    char path[160];
    c->pending = c->kind == ENTRIES && !l->rfc6962 ? 2 : 1;
    if (c->kind == PROOF) {
        snprintf(path, sizeof path, "ct/v1/get-sth-consistency?first=%llu&second=%llu",
                 (unsigned long long)c->start, (unsigned long long)l->th.size);
        get(l, path, data_done, c);
    } else if (c->kind == TILE_HASHES) {
        ctl_ct_tile_path(path, sizeof path, c->level, c->start, c->count == 256 ? 0 : c->count);
        get(l, path, hashes_done, c);
    } else if (l->rfc6962) {
        snprintf(path, sizeof path, "ct/v1/get-entries?start=%llu&end=%llu",
                 (unsigned long long)c->start, (unsigned long long)(c->start + c->count - 1));
        get(l, path, data_done, c);
    } else {
        unsigned width = c->count == 256 ? 0 : c->count;
        ctl_ct_tile_path(path, sizeof path, -1, c->start / 256, width);
        get(l, path, data_done, c);
        ctl_ct_tile_path(path, sizeof path, 0, c->start / 256, width);
        get(l, path, hashes_done, c);
    }
}

int chunk_hashes(struct chunk *c, const uint8_t **h)
{
    if (c->hashes.len != (size_t)c->count * CTL_HASH_LEN) {
        snprintf(c->err, sizeof c->err, "hash tile %d/%llu is %zu bytes, not %u hashes", c->level,
                 (unsigned long long)c->start, c->hashes.len, c->count);
        return -1;
    }
    *h = (const uint8_t *)c->hashes.body;
    return 0;
}

/* A chunk's entries, checked, before any is stored: a chunk goes in whole or not at all,
 * without a savepoint (whose journal of every page it touches costs a write each). */
struct item {
    struct ctl_ct_entry e;
    const uint8_t *der; /* the certificate, or NULL */
    size_t n;
    uint8_t leaf[CTL_HASH_LEN];
};

struct batch {
    struct item *items;
    size_t n, cap;
    uint8_t **bufs; /* RFC 6962: decoded leaf_input and extra_data */
    size_t nbufs;
};

/* The next item of a batch of at most cap. */
static struct item *batch_add(struct batch *b, size_t cap)
{
    if (!b->items && (b->cap = cap) && !(b->items = calloc(cap, sizeof *b->items))) return NULL;
    return b->n < b->cap ? &b->items[b->n++] : NULL;
}

static void batch_free(struct batch *b)
{
    for (size_t i = 0; i < b->nbufs; i++) free(b->bufs[i]);
    free(b->bufs);
    free(b->items);
}

/* Stores the checked entries from the tree's size on: 0, or -2 with c->err on a database
 * error (the transaction is then to be rolled back). */
static int batch_store(struct log *l, struct chunk *c, struct batch *b)
{
    struct tail *t = l->t;
    for (size_t i = 0; i < b->n; i++) {
        struct item *it = &b->items[i];
        int malformed = 0;
        if (ctl_ingest_entry(t->ingest, l->id, l->tree.size, &it->e, it->der, it->n, l->name,
                             &malformed, c->err, sizeof c->err) < 0)
            return -2;
        ctl_merkle_append(&l->tree, it->leaf);
        t->malformed += malformed;
    }
    return 0;
}

static void issuer_done(void *user, int rc, struct ctl_http_response *r, const char *err);

struct issuer_req {
    struct tail *t;
    uint8_t sha[32];
};

/* static-ct-api: the issuers an entry names, fetched once each. */
static void want_issuers(struct log *l, const struct ctl_ct_entry *e)
{
    for (size_t i = 0; i < e->chain_n; i++) {
        const uint8_t *sha = e->chain + 32 * i;
        struct issuer_req *q;
        if (!issuer_new(l->t, sha) || !(q = malloc(sizeof *q))) continue;
        q->t = l->t;
        memcpy(q->sha, sha, 32);
        char path[80];
        int k = snprintf(path, sizeof path, "issuer/");
        for (int j = 0; j < 32; j++) k += snprintf(path + k, sizeof path - k, "%02x", sha[j]);
        get(l, path, issuer_done, q);
    }
}

static void issuer_done(void *user, int rc, struct ctl_http_response *r, const char *err)
{
    struct issuer_req *q = user;
    uint8_t sha[32];
    if (!rc) ctl_sha256(r->body, r->len, sha);
    if (!rc && memcmp(sha, q->sha, 32) == 0)
        issuer_store(q->t, q->sha, (const uint8_t *)r->body, r->len);
    else if (r->status != 404 && !q->t->closing) /* a 404: the log does not have it */
        fprintf(stderr, "ctlite-worker tail: issuer: %s\n",
                rc ? err : "the answer's SHA-256 is not the one asked for");
    ctl_http_response_free(r);
    free(q);
}

/* static-ct-api: a data tile, each entry checked against the level-0 hash tile. */
static int check_tile(struct log *l, struct chunk *c, struct batch *b)
{
    const uint8_t *hashes;
    if (chunk_hashes(c, &hashes) < 0) return -1;
    const uint8_t *p = (const uint8_t *)c->data.body;
    size_t left = c->data.len;
    uint64_t n = c->start / 256;
    for (unsigned j = 0; j < c->count; j++) {
        struct ctl_ct_entry e;
        const char *why;
        ptrdiff_t used = ctl_ct_parse_tile_leaf(p, left, &e, &why);
        if (used < 0) {
            snprintf(c->err, sizeof c->err, "data tile %llu, entry %u: %s", (unsigned long long)n,
                     j, why);
            return -1;
        }
        p += used, left -= (size_t)used;
        if (c->start + j < l->tree.size) continue; /* stored already */
        struct item *it = batch_add(b, c->count);
        if (!it) return snprintf(c->err, sizeof c->err, "out of memory"), -1;
        it->e = e;
        ctl_ct_leaf_hash(&e, it->leaf);
        if (memcmp(it->leaf, hashes + (size_t)j * CTL_HASH_LEN, CTL_HASH_LEN) != 0) {
            snprintf(c->err, sizeof c->err, "entry %llu does not hash to its level-0 tile hash",
                     (unsigned long long)(c->start + j));
            return -1;
        }
        int pre = e.type == CTL_CT_PRECERT;
        it->der = pre ? e.precert : e.der;
        it->n = pre ? e.precert_len : e.der_len;
    }
    if (left) {
        snprintf(c->err, sizeof c->err, "data tile %llu has bytes after its %u entries",
                 (unsigned long long)n, c->count);
        return -1;
    }
    for (size_t i = 0; i < b->n; i++) want_issuers(l, &b->items[i].e);
    return 0;
}

/* Whether der[n] is one of the last chain certificates seen, which it then becomes: the same
 * few come with every entry, and comparing them costs less than hashing them. */
static int chain_seen(struct tail *t, const uint8_t *der, size_t n)
{
    for (int i = 0; i < CHAIN_SEEN; i++)
        if (t->chain[i].n == n && memcmp(t->chain[i].der, der, n) == 0) return 1;
    struct seen *s = &t->chain[t->chain_next++ % CHAIN_SEEN];
    uint8_t *copy = malloc(n ? n : 1);
    if (copy) {
        free(s->der);
        s->der = memcpy(copy, der, n), s->n = n;
    }
    return 0;
}

/* RFC 6962: the certificates of an entry's chain, after its precertificate if it has one. */
static void chain_issuers(struct tail *t, const uint8_t *p, size_t n)
{
    if (n < 3) return;
    size_t len = (size_t)p[0] << 16 | (size_t)p[1] << 8 | p[2];
    for (p += 3, n = len <= n - 3 ? len : 0; n >= 3;) {
        size_t k = (size_t)p[0] << 16 | (size_t)p[1] << 8 | p[2];
        if (k > n - 3) return;
        if (!chain_seen(t, p + 3, k)) {
            uint8_t sha[32];
            ctl_sha256(p + 3, k, sha);
            if (issuer_new(t, sha)) issuer_store(t, sha, p + 3, k);
        }
        p += 3 + k, n -= 3 + k;
    }
}

/* RFC 6962: the entries of a get-entries page into list[max]: scanned in place when the page
 * has the plain shape logs send, which is most of the cost of a page, else through jansson
 * (*j then holds the strings). Their number, or -1 with c->err. */
static ptrdiff_t page_entries(struct chunk *c, struct ctl_ct_b64_entry *list, size_t max,
                              json_t **j)
{
    size_t count;
    *j = NULL;
    if (ctl_ct_scan_entries(c->data.body, c->data.len, list, max, &count) == 0)
        return (ptrdiff_t)count;
    if (!(*j = json_of(&c->data, "get-entries", c->err, sizeof c->err))) return -1;
    json_t *entries = json_object_get(*j, "entries");
    count = json_array_size(entries);
    for (size_t i = 0; i < count && i < max; i++) {
        json_t *o = json_array_get(entries, i), *leaf = json_object_get(o, "leaf_input"),
               *extra = json_object_get(o, "extra_data");
        list[i] = (struct ctl_ct_b64_entry){json_string_value(leaf), json_string_value(extra),
                                            json_string_length(leaf), json_string_length(extra)};
    }
    return json_is_array(entries) ? (ptrdiff_t)count : 0;
}

/* RFC 6962: a get-entries page; a short one leaves the rest to another request. */
static int check_page(struct log *l, struct chunk *c, struct batch *b)
{
    struct ctl_ct_b64_entry *list = calloc(c->count, sizeof *list);
    json_t *j = NULL;
    ptrdiff_t got = list ? page_entries(c, list, c->count, &j) : -1;
    size_t count = got > 0 ? (size_t)got : 0;
    int rc = 0;
    if (got < 0) {
        if (!list) snprintf(c->err, sizeof c->err, "out of memory");
        rc = -1;
    } else if (!count || count > c->count || !(b->bufs = calloc(2 * count, sizeof *b->bufs))) {
        snprintf(c->err, sizeof c->err, "get-entries from %llu: %zu entries",
                 (unsigned long long)c->start, count);
        rc = -1;
    }
    for (size_t i = 0; !rc && i < count; i++) {
        size_t ln = 0, xn = 0;
        uint8_t *leaf = b64(list[i].leaf, list[i].leaf_len, &ln);
        uint8_t *extra = b64(list[i].extra, list[i].extra_len, &xn);
        b->bufs[b->nbufs++] = leaf, b->bufs[b->nbufs++] = extra;
        struct ctl_ct_entry e;
        const char *why = "leaf_input or extra_data is not base64";
        struct item *it;
        if (!leaf || !extra || ctl_ct_parse_leaf(leaf, ln, &e, &why) < 0) {
            snprintf(c->err, sizeof c->err, "entry %llu: %s", (unsigned long long)(c->start + i),
                     why);
            rc = -1;
        } else if (c->start + i < l->tree.size) {
            continue; /* stored already */
        } else if (!(it = batch_add(b, count))) {
            snprintf(c->err, sizeof c->err, "out of memory");
            rc = -1;
        } else {
            it->e = e;
            ctl_ct_leaf_hash(&e, it->leaf);
            /* A precertificate entry's extra_data starts with the precertificate itself. */
            it->der = e.der, it->n = e.der_len;
            if (e.type == CTL_CT_PRECERT) {
                it->n = xn >= 3 ? (size_t)extra[0] << 16 | (size_t)extra[1] << 8 | extra[2] : 0;
                it->der = xn >= 3 && it->n <= xn - 3 ? extra + 3 : NULL;
                if (it->der) chain_issuers(l->t, extra + 3 + it->n, xn - 3 - it->n);
            } else {
                chain_issuers(l->t, extra, xn);
            }
            if (!it->der) it->n = 0;
        }
    }
    json_decref(j);
    free(list);
    /* Logs cut pages at multiples of what they give at most: a short page from such a
     * multiple tells that number, one from elsewhere may only have met the next multiple. */
    if (!rc && count < c->count && c->start % count == 0) l->page = (unsigned)count;
    return rc;
}

int store_chunk(struct log *l, struct chunk *c)
{
    struct batch b = {0};
    int rc = l->rfc6962 ? check_page(l, c, &b) : check_tile(l, c, &b);
    if (!rc) rc = batch_store(l, c, &b);
    batch_free(&b);
    return rc;
}

int start_from_proof(struct log *l, struct chunk *c)
{
    json_t *j = json_of(&c->data, "get-sth-consistency", c->err, sizeof c->err);
    if (!j) return -1;
    json_t *a = json_object_get(j, "consistency");
    size_t k = json_array_size(a);
    uint8_t(*proof)[CTL_HASH_LEN] = calloc(k ? k : 1, CTL_HASH_LEN);
    int rc = proof ? 0 : -1;
    for (size_t i = 0; !rc && i < k; i++) {
        size_t n;
        json_t *v = json_array_get(a, i);
        uint8_t *h = b64(json_string_value(v), json_string_length(v), &n);
        if (h && n == CTL_HASH_LEN) memcpy(proof[i], h, CTL_HASH_LEN);
        rc = h && n == CTL_HASH_LEN ? 0 : -1;
        free(h);
    }
    if (rc || ctl_merkle_from_proof(c->start, l->th.size, (const uint8_t(*)[32])proof, k,
                                    l->th.root, &l->tree) < 0) {
        snprintf(c->err, sizeof c->err,
                 "the consistency proof from %llu to %llu does not lead to the signed root",
                 (unsigned long long)c->start, (unsigned long long)l->th.size);
        rc = -1;
    }
    free(proof);
    json_decref(j);
    return rc;
}
