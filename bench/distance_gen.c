/* Usage: distance_gen DB [COUNT]
 *
 * Writes the input of the edit-distance benchmark (bench/run distance): COUNT pairs (default
 * 1,000,000) of domain-like strings into the table pairs(kind, a, b) of the SQLite database DB,
 * replacing the file. The benchmark times levenshtein() and damerau_levenshtein() over the
 * table against the floor sum(length(a)+length(b)), which reads the same rows and decodes the
 * same text but computes nothing, so the ratio is the cost of the distance itself.
 *
 * Half the pairs are kind 'rand', two independent strings (the typical case of a look-alike
 * filter: most pairs are far apart), half 'mut', where b is a with 1 to 4 random edits
 * (substitution, insertion, deletion, swap of neighbours), the case bounded forms must answer
 * exactly. Strings are 8 to 30 characters of lowercase letters, digits, '-' and '.', shaped
 * like host names; about 5% hold non-ASCII letters (Cyrillic, é, ö ...) so the UTF-8 path is
 * exercised. The generator has its own fixed-seed PRNG: the same COUNT gives the same file on
 * every machine. */
#include <errno.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { MIN_LEN = 8, MAX_LEN = 30 };

#define BENCH_SEED UINT64_C(0x2545F4914F6CDD1D)
#include "rand.h"

static const char *const words[] = {
    "secure", "login",  "example", "account", "verify",  "paypal", "apple",  "update",
    "mail",   "shop",   "cdn",     "api",     "support", "bank",   "portal", "online",
    "auth",   "cloud",  "service", "my",      "app",     "web",    "id",     "signin",
    "store",  "static", "media",   "admin",   "dev",     "prod",   "host",   "www",
};
static const char *const tlds[] = {"com", "net", "org", "io", "de", "co.uk", "ru", "info", "app"};

/* Letters that look like Latin ones, and accented Latin, as code points. */
static const uint32_t non_ascii[] = {0x0430, 0x0435, 0x043E, 0x0440, 0x0441, 0x0443,
                                     0x00E9, 0x00F6, 0x00FC, 0x00E8, 0x00E4, 0x00DF};

#define COUNT_OF(a) (sizeof(a) / sizeof *(a))

static uint32_t random_char(void)
{
    static const char alnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    unsigned r = below(100);
    if (r < 3) return '-';
    if (r < 5) return '.';
    return (uint32_t)alnum[below(sizeof alnum - 1)];
}

/* Appends the ASCII string s to the code points cp[*n], up to MAX_LEN. */
static void append(uint32_t *cp, size_t *n, const char *s)
{
    while (*s && *n < MAX_LEN) cp[(*n)++] = (unsigned char)*s++;
}

/* A host-like string of MIN_LEN..MAX_LEN code points: words and random runs joined by '.'
 * or '-', ending in a top-level domain. */
static size_t make_string(uint32_t *cp)
{
    size_t len = MIN_LEN + below(MAX_LEN - MIN_LEN + 1), n = 0;
    const char *tld = tlds[below(COUNT_OF(tlds))];
    size_t body = len - 1 - strlen(tld);
    while (n < body) {
        if (n > 0) cp[n++] = below(3) ? '.' : '-';
        if (below(3)) {
            append(cp, &n, words[below(COUNT_OF(words))]);
        } else {
            for (unsigned k = 2 + below(6); k > 0 && n < MAX_LEN; k--) cp[n++] = random_char();
        }
    }
    n = body;
    if (cp[n - 1] == '.' || cp[n - 1] == '-') cp[n - 1] = 'x';
    cp[n++] = '.';
    append(cp, &n, tld);
    if (below(100) < 5) { /* 1 or 2 letters replaced by look-alikes or accented ones */
        for (unsigned k = 1 + below(2), tries = 0; k > 0 && tries < 20; tries++) {
            size_t i = below((unsigned)body);
            if (cp[i] >= 'a' && cp[i] <= 'z') cp[i] = non_ascii[below(COUNT_OF(non_ascii))], k--;
        }
    }
    return n;
}

/* Applies 1 to 4 random edits to cp[n], keeping the length within MIN_LEN..MAX_LEN. */
static size_t mutate(uint32_t *cp, size_t n)
{
    for (unsigned k = 1 + below(4); k > 0; k--) {
        unsigned op = below(4);
        if (op == 1 && n == MAX_LEN) op = 0;
        if (op == 2 && n == MIN_LEN) op = 0;
        size_t i = below((unsigned)n);
        switch (op) {
        case 0: /* substitution; rarely with a non-ASCII letter */
            cp[i] = below(50) ? random_char() : non_ascii[below(COUNT_OF(non_ascii))];
            break;
        case 1: /* insertion before i */
            memmove(cp + i + 1, cp + i, (n - i) * sizeof *cp);
            cp[i] = random_char(), n++;
            break;
        case 2: /* deletion */
            memmove(cp + i, cp + i + 1, (n - i - 1) * sizeof *cp), n--;
            break;
        default: /* swap with the next one */
            if (i + 1 == n) i--;
            uint32_t t = cp[i];
            cp[i] = cp[i + 1], cp[i + 1] = t;
        }
    }
    return n;
}

/* Encodes code points below U+0800 (all this generator makes) as UTF-8; returns the length. */
static int encode(const uint32_t *cp, size_t n, char *out)
{
    int len = 0;
    for (size_t i = 0; i < n; i++) {
        if (cp[i] < 0x80) {
            out[len++] = (char)cp[i];
        } else {
            out[len++] = (char)(0xC0 | (cp[i] >> 6));
            out[len++] = (char)(0x80 | (cp[i] & 0x3F));
        }
    }
    return len;
}

static int fail(sqlite3 *db, const char *what)
{
    fprintf(stderr, "distance_gen: %s: %s\n", what, db ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_close(db);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: distance_gen DB [COUNT]\n");
        return 2;
    }
    char *end;
    long count = argc == 3 ? strtol(argv[2], &end, 10) : 1000000;
    if (argc == 3 && (*end || count < 1)) {
        fprintf(stderr, "distance_gen: COUNT must be a positive integer\n");
        return 2;
    }
    if (unlink(argv[1]) != 0 && errno != ENOENT) {
        perror(argv[1]);
        return 1;
    }
    sqlite3 *db = NULL;
    if (sqlite3_open(argv[1], &db) != SQLITE_OK) return fail(db, argv[1]);
    if (sqlite3_exec(db,
                     "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
                     "CREATE TABLE pairs(kind TEXT NOT NULL, a TEXT NOT NULL, b TEXT NOT NULL);"
                     "BEGIN",
                     NULL, NULL, NULL) != SQLITE_OK)
        return fail(db, "create");
    sqlite3_stmt *ins;
    if (sqlite3_prepare_v2(db, "INSERT INTO pairs VALUES (?1, ?2, ?3)", -1, &ins, NULL) !=
        SQLITE_OK)
        return fail(db, "prepare");
    uint32_t a[MAX_LEN + 1], b[MAX_LEN + 1];
    char ua[2 * MAX_LEN], ub[2 * MAX_LEN];
    for (long i = 0; i < count; i++) {
        int mut = i % 2;
        size_t na = make_string(a), nb;
        if (mut) {
            memcpy(b, a, na * sizeof *a);
            nb = mutate(b, na);
        } else {
            nb = make_string(b);
        }
        sqlite3_bind_text(ins, 1, mut ? "mut" : "rand", -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 2, ua, encode(a, na, ua), SQLITE_STATIC);
        sqlite3_bind_text(ins, 3, ub, encode(b, nb, ub), SQLITE_STATIC);
        if (sqlite3_step(ins) != SQLITE_DONE) {
            sqlite3_finalize(ins);
            return fail(db, "insert");
        }
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) return fail(db, "commit");
    return sqlite3_close(db) == SQLITE_OK ? 0 : fail(db, "close");
}
