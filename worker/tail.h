/* tail: following CT logs. tail.c runs the passes: it reads each log's signed tree head,
 * fetches the entries up to it through one libcurl multi handle, several requests per log and
 * every log at once, stores them in order, and checks the root. tail_fetch.c speaks the two
 * APIs: what to ask for, and what the answers hold. */
#ifndef CTLITE_TAIL_H
#define CTLITE_TAIL_H

#include <sqlite3.h>
#include <stdint.h>

#include "ctformat.h"
#include "http.h"
#include "ingest.h"

enum log_state {
    IDLE,    /* waiting for its next pass */
    HEAD,    /* its tree head asked for */
    START,   /* the tree where following begins (--from, --start-at-end) asked for */
    FETCH,   /* entries asked for and stored, up to the head */
    FAILED,  /* stopped for this pass, the error recorded */
    STOPPED, /* --once: its pass is over */
};

struct log;

/* A run of entries asked for (a data tile, a get-entries page) or hashes needed to verify a
 * head or start a tree, with the answers as they come. */
struct chunk {
    struct log *log;
    enum { ENTRIES, TILE_HASHES, PROOF } kind;
    uint64_t start;  /* ENTRIES: the first entry; TILE_HASHES: the tile's number; PROOF: the
                      * tree size the consistency proof starts from */
    unsigned count;  /* ENTRIES: entries asked for; TILE_HASHES: the tile's width */
    int level;       /* TILE_HASHES: the tile's level */
    int pending, rc; /* requests not yet over; -1 once one failed */
    struct ctl_http_response data, hashes;
    char err[700];
    struct chunk *next;
};

struct tail;

enum { CHAIN_SEEN = 8 };

struct log {
    struct tail *t;
    int64_t id;
    int rfc6962;    /* else static-ct-api */
    char url[1024]; /* the monitoring prefix, ending with '/' */
    uint8_t key[4096];
    size_t key_len;
    char name[256];
    struct ctl_merkle tree;    /* the entries stored, in the open transaction too */
    struct ctl_merkle saved;   /* ... as last committed */
    uint64_t verified;         /* verified_size as committed */
    uint64_t verified_new;     /* ... in the open transaction */
    uint64_t start_index;      /* where following began */
    struct ctl_tree_head head; /* the last verified head (size 0: none yet) */
    int head_pending;          /* a newly verified head to write at commit */
    struct ctl_tree_head th;   /* the head this pass catches up with */
    enum log_state state;
    double next_pass;     /* monotonic seconds */
    uint64_t fetch, end;  /* the next entry to ask for; where this pass stops asking */
    unsigned page;        /* RFC 6962: entries per get-entries, down to what the log gives */
    struct chunk *chunks; /* in flight or waiting to be stored, in order */
    int inflight;
    struct ctl_merkle start; /* START: the tree being put together from tiles */
    double partial_since;    /* static-ct-api: since when its last tile has stayed partial */
    uint64_t partial_tile;
    long stored;         /* entries stored in this pass */
    double pass_started; /* when the pass stored its first entry */
    int dirty;           /* entries or a head in the open transaction */
    struct ctl_http_pace pace;
};

struct tail_options {
    int once, concurrency;
    double interval, partial_wait;
    long min_interval_ms;
    int64_t from; /* -1: where the database stands; -2: the end */
    unsigned page;
};

/* What ctlite-worker run adds to the tail. */
struct tail_hooks {
    /* Called outside any transaction after each commit that stored entries (stored 1), and
     * about once a second (stored 0). */
    void (*after)(void *user, sqlite3 *db, int stored);
    void *user;
    const char *usage;   /* the command's --help */
    double interval;     /* its default --interval */
    double partial_wait; /* ... and --partial-wait */
};

struct tail {
    const struct tail_hooks *hooks; /* NULL for ctlite-worker tail */
    sqlite3 *db;
    ctl_http *http;
    ctl_ingest *ingest;
    struct tail_options opt;
    struct log *logs;
    int n;
    int in_tx;         /* a transaction is open */
    int closing;       /* what is still asked for is dropped */
    double tx_started; /* when */
    long tx_entries;
    uint8_t (*issuers)[32]; /* issuer certificates known to be stored or missing: a hash set */
    size_t issuers_cap, issuers_n;
    struct seen {
        uint8_t *der;
        size_t n;
    } chain[CHAIN_SEEN]; /* RFC 6962: the last chain certificates, by their bytes */
    unsigned chain_next;
    long entries, malformed, failed; /* in this pass */
};

/* tail_fetch.c */
void fetch_head(struct log *l);
void fetch_chunk(struct log *l, struct chunk *c);
/* Stores an ENTRIES chunk's entries from the tree's size on, all or none. 0; -1 with c->err
 * when the answer is wrong (nothing stored); -2 with c->err on a database error. */
int store_chunk(struct log *l, struct chunk *c);
/* The hashes of a TILE_HASHES chunk: those of tile c->start at c->level, width c->count. */
int chunk_hashes(struct chunk *c, const uint8_t **h);
int start_from_proof(struct log *l, struct chunk *c);

/* tail.c */
/* The tail command, and with hooks the run command: options, logs, the loop, the summary. */
int tail_main(int argc, char **argv, const struct tail_hooks *hooks);
/* 1 the first time an issuer's SHA-256 comes up (one stored already counts), else 0. */
int issuer_new(struct tail *t, const uint8_t sha[32]);
void issuer_store(struct tail *t, const uint8_t sha[32], const uint8_t *der, size_t n);
void head_arrived(struct log *l, int rc, const struct ctl_tree_head *th, const char *err);
void chunk_arrived(struct chunk *c);

#endif
