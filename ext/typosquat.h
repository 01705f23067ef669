/* typosquat: look-alike domain names of a domain, as dnstwist generates them.
 *
 * The label left of the public suffix is fuzzed: every fuzzer of dnstwist's Debian 12 release
 * (20221213) and of its release 20250130 runs, each in the union of both releases' variants,
 * so the result holds every name either release prints. A name is kept once, attributed to
 * the first fuzzer in dnstwist's order that makes it, and only when it is a valid IDNA2008
 * name (labels of 1 to 63 bytes, 253 in all, no "--" in positions 3 and 4 but for xn--). */
#ifndef CTLITE_TYPOSQUAT_H
#define CTLITE_TYPOSQUAT_H

#include <stddef.h>
#include <stdint.h>

typedef struct sqlite3 sqlite3;

/* dnstwist's fuzzers, in its order of attribution. */
enum ctl_fuzzer {
    CTL_FZ_ADDITION,
    CTL_FZ_BITSQUATTING,
    CTL_FZ_CYRILLIC,
    CTL_FZ_HOMOGLYPH,
    CTL_FZ_HYPHENATION,
    CTL_FZ_INSERTION,
    CTL_FZ_OMISSION,
    CTL_FZ_PLURAL,
    CTL_FZ_REPETITION,
    CTL_FZ_REPLACEMENT,
    CTL_FZ_SUBDOMAIN,
    CTL_FZ_TRANSPOSITION,
    CTL_FZ_VOWEL_SWAP,
    CTL_FZ_DICTIONARY,
    CTL_FZ_TLD_SWAP,
    CTL_FZ_VARIOUS,
    CTL_FZ_COUNT
};

/* dnstwist's name of a fuzzer ("vowel-swap"). */
const char *ctl_fuzzer_name(enum ctl_fuzzer f);

/* Parses a comma-separated list of fuzzer names (spaces allowed) into a bit mask. Returns 0,
 * or -1 with a message in err naming the unknown fuzzer. */
int ctl_fuzzers_parse(const char *list, uint32_t *mask, char *err, size_t errsz);

/* The names made, in the order they were first made. */
struct ctl_squat {
    uint32_t name;     /* offset in text of the ASCII name */
    uint32_t fuzzers;  /* bit f set when fuzzer f makes the name */
    uint32_t form;     /* private: where ctl_squat_unicode finds the Unicode form */
    uint32_t distance; /* private: read it with ctl_squat_distance */
};
struct ctl_squat_mem;
struct ctl_squats {
    struct ctl_squat *v;
    size_t n;
    char *text;                /* NUL-terminated names */
    struct ctl_squat_mem *mem; /* memory kept for the next call */
};

/* The most names one call makes, and the most candidates it looks at (valid or not, counting
 * repeats): a label that would need more (a long run of one letter has billions of homoglyph
 * mixes) is an error rather than a stalled query. bankofamerica.com looks at about 80,000. */
#define CTL_SQUAT_MAX 1000000
#define CTL_SQUAT_TRIES 2000000

struct ctl_squat_args {
    const char *host;         /* canonical A-label host name (see ctl_host_canon) */
    size_t reg;               /* offset of its registrable domain */
    size_t suffix;            /* offset of its public suffix */
    uint32_t fuzzers;         /* bit mask; 0 means all */
    const char *const *words; /* dictionary words, for the dictionary fuzzer */
    size_t nwords;
    const char *const *tlds; /* suffixes, for tld-swap */
    size_t ntlds;
};

/* Makes the look-alikes of args->host into out, which starts zeroed and may be passed again:
 * each call replaces the names and reuses the memory (free it with ctl_squats_free). Returns 0,
 * or -1 with no names and a message in err (a label that is not IDNA2008, too many names, out
 * of memory). */
int ctl_typosquat(const struct ctl_squat_args *args, struct ctl_squats *out, char *err,
                  size_t errsz);
void ctl_squats_free(struct ctl_squats *s);

/* The row whose name is name[n] (bytes, exactly), or -1; -2 when out of memory. The first
 * call after a generation indexes the names. */
ptrdiff_t ctl_squat_find(struct ctl_squats *s, const char *name, size_t n);

/* damerau_levenshtein between row i's fuzzed label (in Unicode, with any dots a fuzzer put in)
 * and the original label, in code points; taken on first use, as most queries never ask. */
uint32_t ctl_squat_distance(struct ctl_squats *s, size_t i);

/* Row i's name in Unicode, as domain_to_unicode gives it, malloc'd; NULL when out of memory. */
char *ctl_squat_unicode(const struct ctl_squats *s, size_t i);

/* The typosquat_candidates table-valued function. */
int typosquat_register(sqlite3 *db);

#endif
