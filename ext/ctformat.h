/* ctformat: the wire formats of Certificate Transparency logs, RFC 6962 and static-ct-api,
 * and their Merkle hashing and signatures. Pure functions over bytes: no I/O. Parsed entries
 * point into the bytes they were parsed from. */
#ifndef CTLITE_CTFORMAT_H
#define CTLITE_CTFORMAT_H

#include <stddef.h>
#include <stdint.h>

#define CTL_HASH_LEN 32

enum ctl_ct_type { CTL_CT_X509 = 0, CTL_CT_PRECERT = 1 };

/* One log entry: a TimestampedEntry, and for a static-ct-api TileLeaf what follows it. */
struct ctl_ct_entry {
    uint64_t timestamp; /* milliseconds since 1970 */
    enum ctl_ct_type type;
    const uint8_t *der; /* x509: the certificate; precert: its TBSCertificate, poison removed */
    size_t der_len;
    const uint8_t *issuer_key_hash; /* precert: SHA-256 of the issuer's public key; else NULL */
    const uint8_t *ext;             /* CtExtensions */
    size_t ext_len;
    int64_t leaf_index;   /* from the leaf_index extension, or -1 */
    const uint8_t *entry; /* the TimestampedEntry itself: what the leaf hash covers */
    size_t entry_len;
    const uint8_t *precert; /* TileLeaf, precert: the precertificate as submitted */
    size_t precert_len;
    const uint8_t *chain; /* TileLeaf: SHA-256 fingerprints of the issuers, 32 bytes each */
    size_t chain_n;
};

/* An RFC 6962 leaf_input (MerkleTreeLeaf), which must fill p[n] exactly. Returns 0, or -1
 * with *why. */
int ctl_ct_parse_leaf(const uint8_t *p, size_t n, struct ctl_ct_entry *e, const char **why);

/* The TileLeaf at the start of p[n] (the rest of a data tile): the bytes it takes, or -1 with
 * *why. */
ptrdiff_t ctl_ct_parse_tile_leaf(const uint8_t *p, size_t n, struct ctl_ct_entry *e,
                                 const char **why);

/* An entry of an RFC 6962 get-entries answer: its leaf_input and extra_data, still base64. */
struct ctl_ct_b64_entry {
    const char *leaf, *extra;
    size_t leaf_len, extra_len;
};

/* Reads a get-entries answer of the plain shape logs send: {"entries": [{"leaf_input": "...",
 * "extra_data": "..."}, ...]}, whitespace anywhere JSON allows it, the two members in either
 * order, each string base64 characters only. 0 with *count entries (at most max) pointing
 * into p; 1 when the text is not of that shape (a JSON parser must then read it, and may
 * find it valid: escapes, other members, more than max entries). */
int ctl_ct_scan_entries(const char *p, size_t n, struct ctl_ct_b64_entry *out, size_t max,
                        size_t *count);

/* The leaf hash of an entry, SHA-256(0x00 || MerkleTreeLeaf), and the hash of an inner node,
 * SHA-256(0x01 || left || right). */
void ctl_ct_leaf_hash(const struct ctl_ct_entry *e, uint8_t out[CTL_HASH_LEN]);
void ctl_ct_node_hash(const uint8_t left[CTL_HASH_LEN], const uint8_t right[CTL_HASH_LEN],
                      uint8_t out[CTL_HASH_LEN]);

/* A collapsed Merkle tree: for each bit i set in size, the root of a perfect subtree of 2^i
 * leaves. That is all it takes to append leaves and to compute the root, so a log's position
 * and tree state persist in at most 2 KiB. */
struct ctl_merkle {
    uint64_t size;
    uint8_t hash[64][CTL_HASH_LEN];
};
void ctl_merkle_append(struct ctl_merkle *t, const uint8_t leaf[CTL_HASH_LEN]);
void ctl_merkle_root(const struct ctl_merkle *t, uint8_t out[CTL_HASH_LEN]);

/* Starting to follow a log at entry m > 0 takes the collapsed tree at size m, which the log
 * does not sign. An RFC 6962 consistency proof from m to a signed size n holds it when m is
 * not a power of two: ctl_merkle_from_proof takes it from proof[k] into *out, and checks that
 * the proof leads to root, the signed root at n. 0, or -1 when it does not. Entries m.. n-1
 * appended to *out must then give root again, which verifies the whole. */
int ctl_merkle_from_proof(uint64_t m, uint64_t n, const uint8_t (*proof)[CTL_HASH_LEN], size_t k,
                          const uint8_t root[CTL_HASH_LEN], struct ctl_merkle *out);

/* For static-ct-api the same subtrees come from hash tiles: the subtree of bit i of m is the
 * root of count = 2^(i % 8) consecutive hashes, from first on, of the tile at level i / 8
 * numbered tile. ctl_merkle_subtree hashes such a run of hashes into out. */
void ctl_merkle_tile_span(uint64_t m, int i, int *level, uint64_t *tile, unsigned *first,
                          unsigned *count);
void ctl_merkle_subtree(const uint8_t *hashes, unsigned count, uint8_t out[CTL_HASH_LEN]);

/* The path of a static-ct-api tile below the monitoring prefix: level 0..5 for hash tiles,
 * -1 for data tiles; width 0 for a full tile, 1..255 for a partial one. "tile/0/x001/234.p/17".
 * Returns the length, or -1 when out is too small or an argument is out of range. */
int ctl_ct_tile_path(char *out, size_t outsz, int level, uint64_t index, unsigned width);

/* A signed tree head: what a checkpoint or an RFC 6962 get-sth says. */
struct ctl_tree_head {
    char origin[256]; /* the checkpoint's first line ("" for get-sth) */
    uint64_t size, timestamp;
    uint8_t root[CTL_HASH_LEN];
};

/* Checks an RFC 6962 tree_head_signature (a DigitallySigned, ECDSA or RSA with SHA-256) of th
 * with the log's public key (DER SubjectPublicKeyInfo). 0 when it verifies, else -1 with a
 * message in err. */
int ctl_ct_verify_sth(const struct ctl_tree_head *th, const uint8_t *sig, size_t sig_len,
                      const uint8_t *spki, size_t spki_len, char *err, size_t errsz);

/* Parses a static-ct-api checkpoint and checks its log signature: the signature line whose
 * key name is the origin and whose key ID is the key's (other lines, from witnesses, are
 * ignored). 0 with *th filled in (timestamp from the signature), or -1 with err. */
int ctl_ct_verify_checkpoint(const char *text, size_t len, const uint8_t *spki, size_t spki_len,
                             struct ctl_tree_head *th, char *err, size_t errsz);

/* 0 when spki[n] is a DER SubjectPublicKeyInfo of an EC or RSA key, else -1 with err. */
int ctl_ct_check_key(const uint8_t *spki, size_t n, char *err, size_t errsz);

/* Base64 (standard alphabet, padding required) of in[n] into out (room for 3 * n / 4 bytes).
 * The length, or -1 when in is not base64. */
ptrdiff_t ctl_base64_decode(const char *in, size_t n, uint8_t *out);

#endif
