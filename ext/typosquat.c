#include <idn2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unictype.h>

#include "distance.h"
#include "domain.h"
#include "typosquat.h"
#include "utf8.h"

#include "typosquat_table.h"

static const char *const fuzzer_names[CTL_FZ_COUNT] = {
    "addition",   "bitsquatting", "cyrillic",   "homoglyph",   "hyphenation", "insertion",
    "omission",   "plural",       "repetition", "replacement", "subdomain",   "transposition",
    "vowel-swap", "dictionary",   "tld-swap",   "various",
};

const char *ctl_fuzzer_name(enum ctl_fuzzer f)
{
    return f < CTL_FZ_COUNT ? fuzzer_names[f] : NULL;
}

int ctl_fuzzers_parse(const char *list, uint32_t *mask, char *err, size_t errsz)
{
    *mask = 0;
    for (const char *p = list;;) {
        p += strspn(p, " ");
        size_t n = strcspn(p, ",");
        size_t len = n;
        while (len > 0 && p[len - 1] == ' ') len--;
        int f = 0;
        while (f < CTL_FZ_COUNT &&
               !(strlen(fuzzer_names[f]) == len && memcmp(fuzzer_names[f], p, len) == 0))
            f++;
        if (f == CTL_FZ_COUNT) {
            snprintf(err, errsz,
                     "unknown fuzzer '%.*s' (known: addition, bitsquatting, "
                     "cyrillic, homoglyph, hyphenation, insertion, omission, plural, "
                     "repetition, replacement, subdomain, transposition, vowel-swap, "
                     "dictionary, tld-swap, various)",
                     (int)(len > 40 ? 40 : len), p);
            return -1;
        }
        *mask |= UINT32_C(1) << f;
        if (!p[n]) return 0;
        p += n + 1;
    }
}

#define LABEL_MAX 63

/* Every Latin, Greek and Cyrillic block that IDNA2008 allows letters from ends below U+AB70
 * (Latin Extended-E); a code point above takes the general path, which is exact anyway. */
#define SIMPLE_MAX 0xAB70

/* ---- A set of byte strings, for removing duplicates ---- */

struct slot {
    uint32_t off, len, hash, val; /* len 0: empty slot (keys are never empty) */
};
struct strset {
    struct slot *slot;
    size_t cap, n;
    char *keys; /* in the order added, each after its length (4 bytes) and before a NUL */
    size_t klen, kcap;
};

static uint32_t hash_bytes(const void *k, size_t n)
{
    /* Eight bytes per multiply: the keys are short and hashed once per candidate made. */
    const unsigned char *p = k;
    uint64_t h = 0x9E3779B97F4A7C15u ^ n, w;
    for (; n >= 8; p += 8, n -= 8) {
        memcpy(&w, p, 8);
        h = (h ^ w) * 0xBF58476D1CE4E5B9u;
        h ^= h >> 31;
    }
    w = 0;
    memcpy(&w, p, n);
    h = (h ^ w) * 0x94D049BB133111EBu;
    return (uint32_t)(h ^ h >> 32);
}

static int set_grow(struct strset *s)
{
    size_t cap = s->cap ? 2 * s->cap : 256;
    struct slot *t = calloc(cap, sizeof *t);
    if (!t) return -1;
    for (size_t i = 0; i < s->cap; i++) {
        if (!s->slot[i].len) continue;
        size_t j = s->slot[i].hash & (cap - 1);
        while (t[j].len) j = (j + 1) & (cap - 1);
        t[j] = s->slot[i];
    }
    free(s->slot);
    s->slot = t, s->cap = cap;
    return 0;
}

/* The slot of key k[n], or NULL when the set does not hold it. */
static struct slot *set_get(const struct strset *s, const void *k, size_t n)
{
    if (!s->cap) return NULL;
    uint32_t h = hash_bytes(k, n);
    for (size_t j = h & (s->cap - 1); s->slot[j].len; j = (j + 1) & (s->cap - 1)) {
        struct slot *e = &s->slot[j];
        if (e->hash == h && e->len == n && memcmp(s->keys + e->off, k, n) == 0) return e;
    }
    return NULL;
}

/* Makes room for k more keys, so that the next k calls of set_find move no slot. */
static int set_reserve(struct strset *s, size_t k)
{
    while (2 * (s->n + k) > s->cap)
        if (set_grow(s) < 0) return -1;
    return 0;
}

/* The slot of key k[n], added (with val 0) when absent; *found tells which. NULL when memory
 * runs out. The pointer is good until the next call. */
static struct slot *set_find(struct strset *s, const void *k, size_t n, int *found)
{
    if (2 * (s->n + 1) > s->cap && set_grow(s) < 0) return NULL;
    uint32_t h = hash_bytes(k, n);
    size_t j = h & (s->cap - 1);
    for (; s->slot[j].len; j = (j + 1) & (s->cap - 1)) {
        struct slot *e = &s->slot[j];
        if (e->hash == h && e->len == n && memcmp(s->keys + e->off, k, n) == 0) {
            *found = 1;
            return e;
        }
    }
    size_t need = s->klen + sizeof(uint32_t) + n + 1;
    if (need > s->kcap) {
        size_t cap = s->kcap ? 2 * s->kcap : 4096;
        while (cap < need) cap *= 2;
        char *t = realloc(s->keys, cap);
        if (!t) return NULL;
        s->keys = t, s->kcap = cap;
    }
    uint32_t len = (uint32_t)n;
    memcpy(s->keys + s->klen, &len, sizeof len);
    s->klen += sizeof len;
    memcpy(s->keys + s->klen, k, n);
    s->keys[s->klen + n] = 0;
    s->slot[j] = (struct slot){(uint32_t)s->klen, len, h, 0};
    s->klen += n + 1;
    s->n++;
    *found = 0;
    return &s->slot[j];
}

/* The key after position *pos in the order added (start with *pos = 0): its offset in keys,
 * and its length in *n; -1 after the last. */
static ptrdiff_t set_next(const struct strset *s, size_t *pos, size_t *n)
{
    if (*pos >= s->klen) return -1;
    uint32_t len;
    memcpy(&len, s->keys + *pos, sizeof len);
    size_t off = *pos + sizeof len;
    *pos = off + len + 1, *n = len;
    return (ptrdiff_t)off;
}

static void set_free(struct strset *s)
{
    free(s->slot);
    free(s->keys);
    memset(s, 0, sizeof *s);
}

/* Empties the set for another call, keeping its memory unless the last call used a small
 * part of it: clearing a table costs its size, so a large one would slow every later call. */
static void set_reset(struct strset *s)
{
    if (s->cap > 256 && 8 * s->n < s->cap) {
        free(s->slot);
        s->slot = NULL, s->cap = 0;
    }
    if (s->kcap > (1u << 22)) {
        free(s->keys);
        s->keys = NULL, s->kcap = 0;
    }
    if (s->slot) memset(s->slot, 0, s->cap * sizeof *s->slot);
    s->n = s->klen = 0;
}

/* What a struct ctl_squats keeps between calls, so that generating for many domains (a join)
 * allocates once: the sets of one call and the capacity of the output. */
struct ctl_squat_mem {
    struct strset unicode;  /* names' forms and keys met: value is a row, INVALID or ORIGINAL */
    struct strset first[2]; /* each homoglyph algorithm's first-pass results */
    char *text;             /* the rows' names */
    size_t tlen, tcap;
    size_t cap;                /* of the rows */
    uint32_t label[LABEL_MAX]; /* the fuzzed label, for the distances */
    size_t n;
    char prefix[4 * CTL_HOST_MAX + 1], suffix[4 * CTL_HOST_MAX + 1]; /* in Unicode */
    uint32_t *byname; /* rows by name (row + 1, 0 for none), made by the first ctl_squat_find */
    size_t byname_cap, byname_n; /* its size, and the rows it holds */
    uint8_t simple[SIMPLE_MAX];  /* code points known to be simple (see cp_simple), 1, or not, 2 */
};

/* ---- Glyph tables, indexed by key ---- */

struct glyphs {
    const struct ctl_glyph *t;
    size_t n;
    uint16_t first[128], count[128]; /* the entries whose key starts with an ASCII c */
};

static void glyphs_index(struct glyphs *g, const struct ctl_glyph *t, size_t n)
{
    memset(g, 0, sizeof *g);
    g->t = t, g->n = n;
    for (size_t i = 0; i < n; i++) {
        uint32_t k = t[i].key[0];
        if (k >= 128) continue;                      /* no such key in dnstwist's tables */
        if (!g->count[k]) g->first[k] = (uint16_t)i; /* the table is sorted by key */
        g->count[k]++;
    }
}

/* ---- The generator ---- */

/* Code points of a fuzzed label with the dots a fuzzer put in: a longer one cannot fit. */
#define WORK_MAX CTL_HOST_MAX
#define INVALID UINT32_MAX
#define ORIGINAL (UINT32_MAX - 1)
#define LAZY UINT32_MAX /* a distance not computed yet */
#define SPLIT '\x01'    /* in forms and keys: a byte no label holds */

struct gen {
    const struct ctl_squat_args *a;
    uint32_t label[LABEL_MAX + 1]; /* the original label, in code points */
    size_t n;
    const char *prefix, *suffix; /* the subdomain with its dot, or ""; the public suffix */
    size_t np;
    struct glyphs debian, ascii, idn; /* dnstwist's two homoglyph tables (the second in two) */
    struct ctl_squat_mem *mem;
    struct ctl_squats *out;
    enum ctl_fuzzer fuzzer;
    size_t budget; /* candidates still allowed to be looked at */
    char *err;
    size_t errsz;
    int failed;
};

static void fail(struct gen *g, const char *msg)
{
    if (!g->failed) snprintf(g->err, g->errsz, "%s", msg);
    g->failed = 1;
}

static int is_ldh(uint32_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

#define IDNA_FLAGS (IDN2_NFC_INPUT | IDN2_NO_TR46)

/* A letter that needs none of IDNA2008's context, bidi or normalisation rules: a lowercase
 * Latin, Greek or Cyrillic letter with no combining class, which libidn2 accepts between two
 * ASCII letters and gives back unchanged. Such a letter next to any other (they never
 * compose), in any label, is encoded the same way on its own. */
static int cp_simple(struct gen *g, uint32_t c)
{
    if (c >= SIMPLE_MAX) return 0;
    if (g->mem->simple[c]) return g->mem->simple[c] == 1;
    const uc_script_t *sc = uc_script(c);
    int ok =
        sc && uc_is_general_category(c, UC_CATEGORY_L) && uc_combining_class(c) == 0 &&
        uc_bidi_category(c) == UC_BIDI_L &&
        (!strcmp(sc->name, "Latin") || !strcmp(sc->name, "Greek") || !strcmp(sc->name, "Cyrillic"));
    if (ok) {
        char in[8] = "a", *a = NULL, *back = NULL;
        int k = 1 + ctl_utf8_encode(c, (unsigned char *)in + 1);
        in[k] = 'a', in[k + 1] = 0;
        ok = idn2_to_ascii_8z(in, &a, IDNA_FLAGS) == IDN2_OK &&
             idn2_to_unicode_8z8z(a, &back, 0) == IDN2_OK && strcmp(back, in) == 0;
        free(a);
        free(back);
    }
    g->mem->simple[c] = ok ? 1 : 2;
    return ok;
}

/* The divisors of Punycode's digit loop are 36 - t for t in 1..26. With q < 2^27 (see
 * punycode), q / d is (q * recip[d]) >> 33, which spares a hardware division per digit. */
#define R(d) ((UINT64_C(1) << 33) / (d) + 1)
static const uint64_t recip[36] = {
    [10] = R(10), R(11), R(12), R(13), R(14), R(15), R(16), R(17), R(18),
    R(19),        R(20), R(21), R(22), R(23), R(24), R(25), R(26), R(27),
    R(28),        R(29), R(30), R(31), R(32), R(33), R(34), R(35),
};
#undef R

static char puny_digit(uint32_t d)
{
    return (char)(d < 26 ? 'a' + d : '0' + d - 26);
}

static uint32_t puny_adapt(uint32_t delta, uint32_t points, int first)
{
    delta = first ? delta / 700 : delta / 2;
    delta += delta / points;
    uint32_t k = 0;
    for (; delta > 35 * 26 / 2; k += 36) delta /= 35;
    return k + 36 * delta / (delta + 38);
}

/* "xn--" and the Punycode (RFC 3492) of s[m] into out; -1 when longer than a label. */
static int punycode(const uint32_t *s, size_t m, char out[LABEL_MAX + 1])
{
    size_t k = 4, b = 0;
    memcpy(out, "xn--", 4);
    for (size_t i = 0; i < m; i++)
        if (s[i] < 128) {
            if (k >= LABEL_MAX) return -1;
            out[k++] = (char)s[i], b++;
        }
    if (b) out[k++] = '-';
    /* With at most 63 code points below 0x110000, delta stays under 2^27: 32 bits suffice. */
    uint32_t n = 128, delta = 0, bias = 72;
    for (size_t h = b; h < m; delta++, n++) {
        uint32_t next = UINT32_MAX;
        for (size_t i = 0; i < m; i++)
            if (s[i] >= n && s[i] < next) next = s[i];
        delta += (next - n) * (h + 1);
        n = next;
        for (size_t i = 0; i < m; i++) {
            if (s[i] < n) delta++;
            if (s[i] != n) continue;
            uint32_t q = delta;
            for (uint32_t j = 36;; j += 36) {
                uint32_t t = j <= bias ? 1 : j >= bias + 26 ? 26 : j - bias;
                if (q < t) break;
                if (k >= LABEL_MAX) return -1;
                uint32_t div = (uint32_t)((uint64_t)(q - t) * recip[36 - t] >> 33);
                out[k++] = puny_digit(t + (q - t) - div * (36 - t));
                q = div;
            }
            if (k >= LABEL_MAX) return -1;
            out[k++] = puny_digit(q);
            bias = puny_adapt(delta, h + 1, h == b);
            delta = 0, h++;
        }
    }
    out[k] = 0;
    return (int)k;
}

/* Writes the A-label of the label s[m] (code points) to out; returns its length or -1 when
 * it is not a valid IDNA2008 label. *exact is cleared when the A-label may not decode to s
 * itself (libidn2 normalised it, or s is an ASCII "xn--" label). */
static int encode_label(struct gen *g, const uint32_t *s, size_t m, char out[LABEL_MAX + 1],
                        int *exact)
{
    if (m == 0 || m > LABEL_MAX || s[0] == '-' || s[m - 1] == '-') return -1;
    int ascii = 1, simple = 1;
    for (size_t i = 0; i < m; i++) {
        if (s[i] < 128) {
            if (!is_ldh(s[i])) return -1;
        } else {
            ascii = 0;
            simple = simple && cp_simple(g, s[i]);
        }
    }
    int reserved = m >= 4 && s[2] == '-' && s[3] == '-';
    if (ascii) {
        for (size_t i = 0; i < m; i++) out[i] = (char)s[i];
        out[m] = 0;
        if (!reserved) return (int)m;
        /* Reserved "??--" labels: only a valid A-label passes. */
        *exact = 0;
        char *u = NULL;
        if (memcmp(out, "xn--", 4) != 0 || idn2_to_unicode_8z8z(out, &u, 0) != IDN2_OK) return -1;
        free(u);
        return (int)m;
    }
    if (reserved) return -1;
    if (simple) return punycode(s, m, out);
    *exact = 0;
    char utf8[4 * LABEL_MAX + 1], *res = NULL;
    size_t k = 0;
    for (size_t i = 0; i < m; i++) k += (size_t)ctl_utf8_encode(s[i], (unsigned char *)utf8 + k);
    utf8[k] = 0;
    if (idn2_to_ascii_8z(utf8, &res, IDNA_FLAGS) != IDN2_OK) return -1;
    size_t len = strlen(res);
    int ok = len <= LABEL_MAX && !memchr(res, '.', len);
    if (ok) memcpy(out, res, len + 1);
    free(res);
    return ok ? (int)len : -1;
}

static int grow_out(struct gen *g)
{
    size_t cap = g->mem->cap ? 2 * g->mem->cap : 256;
    struct ctl_squat *v = realloc(g->out->v, cap * sizeof *v);
    if (!v) return -1;
    g->out->v = v, g->mem->cap = cap;
    return 0;
}

/* Appends a row for name[len]; form is the offset of its key in the set of forms. */
static int add_row(struct gen *g, const char *name, size_t len, uint32_t form, uint32_t distance)
{
    struct ctl_squat_mem *mem = g->mem;
    if (g->out->n == CTL_SQUAT_MAX) {
        snprintf(g->err, g->errsz, "more than %d look-alikes; choose fewer fuzzers", CTL_SQUAT_MAX);
        g->failed = 1;
        return -1;
    }
    if (g->out->n == mem->cap && grow_out(g) < 0) return fail(g, "out of memory"), -1;
    if (mem->tlen + len + 1 > mem->tcap) {
        size_t cap = mem->tcap ? 2 * mem->tcap : 65536;
        char *t = realloc(mem->text, cap);
        if (!t) return fail(g, "out of memory"), -1;
        mem->text = t, mem->tcap = cap;
    }
    memcpy(mem->text + mem->tlen, name, len + 1);
    g->out->v[g->out->n++] = (struct ctl_squat){(uint32_t)mem->tlen, 0, form, distance};
    mem->tlen += len + 1;
    return 0;
}

/* The most bytes of a form: a name's UTF-8, or SPLIT and the name. */
#define FORM_MAX (4 * CTL_HOST_MAX + 1)

/* The form of a name that may not decode to the key it was made from: the Unicode of the part
 * between the domain's subdomain and suffix when it has them, else SPLIT and the name. */
static size_t canonical_form(const struct gen *g, const char *name, size_t len, char out[FORM_MAX])
{
    size_t ns = strlen(g->suffix);
    if (len > g->np + ns + 1 && memcmp(name, g->prefix, g->np) == 0 && name[len - ns - 1] == '.' &&
        memcmp(name + len - ns, g->suffix, ns) == 0) {
        char mid[CTL_HOST_MAX + 1], *u = NULL;
        size_t k = len - ns - 1 - g->np;
        memcpy(mid, name + g->np, k);
        mid[k] = 0;
        if (idn2_to_unicode_8z8z(mid, &u, 0) == IDN2_OK && strlen(u) <= FORM_MAX) {
            k = strlen(u);
            memcpy(out, u, k);
            free(u);
            return k;
        }
        free(u);
    }
    out[0] = SPLIT;
    memcpy(out + 1, name, len);
    return len + 1;
}

/* Adds the name prefix + s[m] + "." + suffix, where s is the fuzzed label (code points, with
 * dots where a fuzzer split it) and prefix ends with a dot or is empty.
 *
 * One set holds every name's form (see ctl_squat_unicode) and also the keys met on the way.
 * The key is the fuzzed label, and where they differ from the domain's, the subdomain and the
 * suffix after SPLIT. A key whose every label is ASCII or encoded by our own Punycode is its
 * name's form, so a name is made and looked up once; the rare others are also looked up by
 * their form, so that two keys of one name make one row. */
static void emit_in(struct gen *g, const char *prefix, size_t np, const uint32_t *s, size_t m,
                    const char *suffix)
{
    if (g->failed || m == 0 || m > WORK_MAX) return;
    if (!g->budget--) {
        snprintf(g->err, g->errsz,
                 "the label has too many look-alikes to enumerate (over %d tried); choose "
                 "fewer fuzzers",
                 CTL_SQUAT_TRIES);
        g->failed = 1;
        return;
    }
    for (size_t i = 0, seg = 0; i < m; i++) /* a label over 63 code points cannot be valid */
        if ((seg = s[i] == '.' ? 0 : seg + 1) > LABEL_MAX) return;
    size_t ns = strlen(suffix);
    int split = prefix != g->prefix || suffix != g->suffix;
    char key[4 * WORK_MAX + 2 * CTL_HOST_MAX + 3];
    size_t k = 0;
    for (size_t i = 0; i < m; i++)
        if (s[i] < 128)
            key[k++] = (char)s[i];
        else
            k += (size_t)ctl_utf8_encode(s[i], (unsigned char *)key + k);
    if (split) {
        key[k++] = SPLIT;
        memcpy(key + k, prefix, np);
        k += np;
        key[k++] = SPLIT;
        memcpy(key + k, suffix, ns);
        k += ns;
    }
    struct strset *set = &g->mem->unicode;
    int found;
    struct slot *u = set_reserve(set, 2) < 0 ? NULL : set_find(set, key, k, &found);
    if (!u) return fail(g, "out of memory");
    uint32_t bit = UINT32_C(1) << g->fuzzer;
    if (found) {
        if (u->val < ORIGINAL) g->out->v[u->val].fuzzers |= bit;
        return;
    }
    u->val = INVALID;

    char name[CTL_HOST_MAX + 1];
    size_t len = np;
    int exact = !split;
    memcpy(name, prefix, np);
    for (size_t i = 0, j; i < m; i = j + 1) {
        for (j = i; j < m && s[j] != '.';) j++;
        char a[LABEL_MAX + 1];
        int al = encode_label(g, s + i, j - i, a, &exact);
        if (al < 0 || len + (size_t)al + 1 + ns > CTL_HOST_MAX) return;
        memcpy(name + len, a, (size_t)al);
        len += (size_t)al;
        name[len++] = '.';
        if (j == m) break;
    }
    memcpy(name + len, suffix, ns);
    len += ns;
    name[len] = 0;

    struct slot *form = u;
    if (!exact) {
        char c[FORM_MAX];
        size_t cn = canonical_form(g, name, len, c);
        form = set_find(set, c, cn, &found); /* reserved above: u stays good */
        if (found && form != u && form->val != INVALID) {
            u->val = form->val;
            if (form->val < ORIGINAL) g->out->v[form->val].fuzzers |= bit;
            return;
        }
    }
    /* A name split elsewhere has no fuzzed label in its form: its distance is taken now. */
    uint32_t d = LAZY;
    if (set->keys[form->off] == SPLIT) {
        int64_t e = ctl_edit_distance(CTL_OSA, s, m, g->label, g->n, -1);
        if (e < 0) return fail(g, "out of memory");
        d = (uint32_t)e;
    }
    if (add_row(g, name, len, form->off, d) < 0) return;
    form->val = u->val = (uint32_t)(g->out->n - 1);
    g->out->v[g->out->n - 1].fuzzers |= bit;
}

/* The fuzzed label on the original subdomain and suffix. */
static void emit(struct gen *g, const uint32_t *s, size_t m)
{
    emit_in(g, g->prefix, g->np, s, m, g->suffix);
}

/* A sink for homoglyph mixes. The first pass keeps its results for the second, each with the
 * leftmost start of the windows that made it. The second pass skips a change whose window ends
 * before that start: the same name comes from making the two changes in the other order, as
 * each reads only its own window. That halves the second pass. */
struct mixes {
    struct strset *keep; /* NULL in the second pass */
    size_t limit;        /* second pass: changes in windows ending at or before it are skipped */
    int debian_made;     /* 20250130's second pass: Debian's mixed this string already */
};

/* s[m], made by a change that read s's window [start, end), to the sink. */
static void mixed(struct gen *g, struct mixes *mx, const uint32_t *s, size_t m, size_t start)
{
    if (mx->keep) {
        int found;
        struct slot *e = set_find(mx->keep, s, m * sizeof *s, &found);
        if (!e) return fail(g, "out of memory");
        if (found) {
            if (start < e->val) e->val = (uint32_t)start;
            return;
        }
        e->val = (uint32_t)start;
    }
    emit(g, s, m);
}

/* s[m] with the code points r[k] in place of s[i..i+w), to the sink (or emitted). */
static void splice(struct gen *g, struct mixes *mx, const uint32_t *s, size_t m, size_t i, size_t w,
                   const uint32_t *r, size_t k)
{
    uint32_t t[WORK_MAX];
    if (m - w + k > WORK_MAX || (mx && i + w <= mx->limit)) return;
    memcpy(t, s, i * sizeof *s);
    if (k) memcpy(t + i, r, k * sizeof *r); /* r is NULL for a deletion */
    memcpy(t + i + k, s + i + w, (m - i - w) * sizeof *s);
    if (mx)
        mixed(g, mx, t, m - w + k, i);
    else
        emit(g, t, m - w + k);
}

/* The label with r[k] in place of label[i..i+w). */
static void edit(struct gen *g, size_t i, size_t w, const uint32_t *r, size_t k)
{
    splice(g, NULL, g->label, g->n, i, w, r, k);
}

static const char alnum[] = "0123456789abcdefghijklmnopqrstuvwxyz";

static void addition(struct gen *g)
{
    for (const char *c = alnum; *c; c++) {
        uint32_t r = (uint32_t)*c;
        edit(g, g->n, 0, &r, 1);
        /* 20250130 also adds before each hyphen */
        for (size_t i = 1; i < g->n; i++)
            if (g->label[i] == '-') edit(g, i, 0, &r, 1);
    }
}

static void bitsquatting(struct gen *g)
{
    for (size_t i = 0; i < g->n; i++)
        for (uint32_t mask = 1; mask < 256; mask <<= 1) {
            uint32_t b = g->label[i] ^ mask;
            if (is_ldh(b)) edit(g, i, 1, &b, 1);
        }
}

/* Only a label whose every character has a Cyrillic twin: a whole-script homograph. */
static void cyrillic(struct gen *g)
{
    uint32_t t[LABEL_MAX];
    for (size_t i = 0; i < g->n; i++) {
        uint32_t c = g->label[i];
        if (c < 'a' || c > 'z' || !latin_to_cyrillic[c - 'a']) return;
        t[i] = latin_to_cyrillic[c - 'a'];
    }
    emit(g, t, g->n);
}

static int has_u32(const uint32_t *s, uint32_t c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == c) return 1;
    return 0;
}

static size_t glyph_len(const uint32_t *gl)
{
    return gl[1] ? 2 : 1;
}

/* Debian's mix: inside every window shorter than s, every occurrence of one character replaced
 * by one of its glyphs. The distinct results are the runs of consecutive occurrences of a
 * character, each replaced: a run fits a window unless it spans all of s. */
static void mix_debian(struct gen *g, struct mixes *mx, const uint32_t *s, size_t m)
{
    uint32_t t[WORK_MAX];
    size_t pos[WORK_MAX];
    for (size_t i = 0; i < m && !g->failed; i++) {
        uint32_t c = s[i];
        if (c >= 128 || !g->debian.count[c] || has_u32(s, c, i)) continue;
        size_t k = 0;
        for (size_t j = i; j < m; j++)
            if (s[j] == c) pos[k++] = j;
        const struct ctl_glyph *gl = g->debian.t + g->debian.first[c];
        for (size_t x = 0; x < k; x++)
            for (size_t y = x; y < k; y++) {
                if ((pos[x] == 0 && pos[y] == m - 1) || pos[y] + 1 <= mx->limit) continue;
                for (size_t e = 0; e < g->debian.count[c]; e++) {
                    if (gl[e].key[1]) continue;
                    size_t gn = glyph_len(gl[e].glyph), len = 0;
                    if (m + (y - x + 1) * (gn - 1) > WORK_MAX) continue;
                    for (size_t j = 0; j < m; j++) {
                        if (j >= pos[x] && j <= pos[y] && s[j] == c) {
                            memcpy(t + len, gl[e].glyph, gn * sizeof *t);
                            len += gn;
                        } else {
                            t[len++] = s[j];
                        }
                    }
                    mixed(g, mx, t, len, pos[x]);
                }
            }
    }
}

/* Whether Debian's table has glyph for the character c. */
static int debian_has(const struct gen *g, uint32_t c, const uint32_t glyph[2])
{
    const struct ctl_glyph *gl = g->debian.t + g->debian.first[c];
    for (size_t e = 0; e < g->debian.count[c]; e++)
        if (!gl[e].key[1] && gl[e].glyph[0] == glyph[0] && gl[e].glyph[1] == glyph[1]) return 1;
    return 0;
}

/* 20250130's mix: one character replaced by one of its glyphs; a doubled character replaced
 * together; a two-character key ("rn", "cl") replaced as one. In the second pass, on a string
 * that Debian's algorithm mixed too, the first two are skipped when Debian's table has the
 * glyph: Debian's mix replaced that one occurrence, or those two, already (but never the whole
 * string). */
static void mix_upstream(struct gen *g, struct mixes *mx, const uint32_t *s, size_t m)
{
    const struct glyphs *tables[] = {&g->ascii, &g->idn};
    for (size_t ti = 0; ti < 2; ti++) {
        const struct glyphs *gs = tables[ti];
        for (size_t i = 0; i < m && !g->failed; i++) {
            uint32_t c = s[i], next = i + 1 < m ? s[i + 1] : 0;
            if (c >= 128 || !gs->count[c]) continue;
            const struct ctl_glyph *gl = gs->t + gs->first[c];
            for (size_t e = 0; e < gs->count[c]; e++) {
                size_t gn = glyph_len(gl[e].glyph);
                if (gl[e].key[1]) {
                    if (gl[e].key[1] == next) splice(g, mx, s, m, i, 2, gl[e].glyph, gn);
                    continue;
                }
                int made = mx && mx->debian_made && c < 128 && g->debian.count[c] &&
                           debian_has(g, c, gl[e].glyph);
                if (!(made && m > 1)) splice(g, mx, s, m, i, 1, gl[e].glyph, gn);
                if (next == c && !(made && m > 2)) {
                    uint32_t r[4] = {gl[e].glyph[0], gl[e].glyph[1]};
                    memcpy(r + gn, gl[e].glyph, gn * sizeof *r);
                    splice(g, mx, s, m, i, 2, r, 2 * gn);
                }
            }
        }
    }
}

/* Both releases' homoglyph fuzzers: each mixes the label, then mixes every result again. */
static void homoglyph(struct gen *g)
{
    void (*mix[])(struct gen *, struct mixes *, const uint32_t *, size_t) = {mix_debian,
                                                                             mix_upstream};
    for (size_t v = 0; v < 2 && !g->failed; v++) {
        struct strset *first = &g->mem->first[v];
        struct mixes one = {first, 0, 0};
        set_reset(first);
        mix[v](g, &one, g->label, g->n);
        /* In the order made, so that the rows' order does not depend on the set's size. */
        ptrdiff_t off;
        for (size_t pos = 0, len; !g->failed && (off = set_next(first, &pos, &len)) >= 0;) {
            uint32_t t[WORK_MAX];
            size_t m = len / sizeof *t;
            memcpy(t, first->keys + off, len);
            struct mixes two = {NULL, set_get(first, t, len)->val, 0};
            if (v == 1) two.debian_made = set_get(&g->mem->first[0], t, len) != NULL;
            mix[v](g, &two, t, m);
        }
    }
}

static void hyphenation(struct gen *g)
{
    const uint32_t h = '-';
    for (size_t i = 1; i < g->n; i++) edit(g, i, 0, &h, 1);
}

/* A neighbouring key typed before or after a character (Debian skips the first character,
 * 20250130 does not; neither the last). */
static void insertion(struct gen *g)
{
    for (size_t i = 0; i + 1 < g->n; i++) {
        uint32_t c = g->label[i];
        for (const char *k = c < 128 ? keyboard_neighbours[c] : NULL; k && *k; k++) {
            uint32_t r[2] = {(uint32_t)*k, c};
            edit(g, i, 1, r, 2);
            r[0] = c, r[1] = (uint32_t)*k;
            edit(g, i, 1, r, 2);
        }
    }
}

static void omission(struct gen *g)
{
    for (size_t i = 0; i < g->n; i++) edit(g, i, 1, NULL, 0);
}

/* 20250130: an inner "s" (or "es" after s, x and z), never at the end. */
static void plural(struct gen *g)
{
    static const uint32_t es[] = {'e', 's'};
    for (size_t i = 2; i + 2 < g->n; i++) {
        uint32_t c = g->label[i];
        int e = c == 's' || c == 'x' || c == 'z';
        edit(g, i + 1, 0, es + !e, e ? 2 : 1);
    }
}

static void repetition(struct gen *g)
{
    for (size_t i = 0; i < g->n; i++) edit(g, i, 0, &g->label[i], 1);
}

static void replacement(struct gen *g)
{
    for (size_t i = 0; i < g->n; i++) {
        uint32_t c = g->label[i];
        for (const char *k = c < 128 ? keyboard_neighbours[c] : NULL; k && *k; k++) {
            uint32_t r = (uint32_t)*k;
            edit(g, i, 1, &r, 1);
        }
    }
}

static void subdomain(struct gen *g)
{
    const uint32_t dot = '.';
    for (size_t i = 1; i + 1 < g->n; i++) {
        uint32_t a = g->label[i - 1], b = g->label[i];
        if (a != '-' && a != '.' && b != '-' && b != '.') edit(g, i, 0, &dot, 1);
    }
}

static void transposition(struct gen *g)
{
    for (size_t i = 0; i + 1 < g->n; i++) {
        uint32_t r[2] = {g->label[i + 1], g->label[i]};
        edit(g, i, 2, r, 2);
    }
}

static void vowel_swap(struct gen *g)
{
    static const char vowels[] = "aeiou";
    for (size_t i = 0; i < g->n; i++)
        if (g->label[i] < 128 && strchr(vowels, (int)g->label[i]))
            for (const char *v = vowels; *v; v++) {
                uint32_t r = (uint32_t)*v;
                edit(g, i, 1, &r, 1);
            }
}

/* Code points of the concatenation of up to three parts; the ASCII part b may be NULL. */
static size_t concat(uint32_t *t, const uint32_t *a, size_t na, const char *b, const uint32_t *c,
                     size_t nc)
{
    size_t k = 0;
    for (size_t i = 0; i < na; i++) t[k++] = a[i];
    for (size_t i = 0; b && b[i]; i++) t[k++] = (uint32_t)(unsigned char)b[i];
    for (size_t i = 0; i < nc; i++) t[k++] = c[i];
    return k;
}

static void dictionary(struct gen *g)
{
    const uint32_t *L = g->label;
    size_t n = g->n, first = n, last = n;
    for (size_t i = 0; i < n; i++)
        if (L[i] == '-') last = i, first = first < n ? first : i;
    for (size_t w = 0; w < g->a->nwords && !g->failed; w++) {
        uint32_t word[4 * LABEL_MAX], t[2 * 4 * LABEL_MAX + 2];
        const char *ws = g->a->words[w];
        ptrdiff_t k = ctl_utf8_decode((const unsigned char *)ws, strlen(ws), word);
        size_t wn = (size_t)k;
        int framed = wn <= n && memcmp(L, word, wn * sizeof *L) == 0 &&
                     memcmp(L + n - wn, word, wn * sizeof *L) == 0;
        if (!framed) {
            emit(g, t, concat(t, L, n, "-", word, wn));
            emit(g, t, concat(t, L, n, NULL, word, wn));
            emit(g, t, concat(t, word, wn, "-", L, n));
            emit(g, t, concat(t, word, wn, NULL, L, n));
        }
        if (first < n) { /* a new last or first part */
            emit(g, t, concat(t, L, last + 1, NULL, word, wn));
            emit(g, t, concat(t, word, wn, NULL, L + first, n - first));
        }
    }
}

static void tld_swap(struct gen *g)
{
    for (size_t i = 0; i < g->a->ntlds; i++)
        if (strcmp(g->a->tlds[i], g->suffix) != 0)
            emit_in(g, g->prefix, g->np, g->label, g->n, g->a->tlds[i]);
}

/* dnstwist's extras: the suffix's last label alone, the suffix glued to the label, a ".com"
 * after it, and the subdomain merged into the label. */
static void various(struct gen *g)
{
    uint32_t t[WORK_MAX];
    const char *dot = strchr(g->suffix, '.');
    char head[CTL_HOST_MAX + 1];
    if (dot) {
        snprintf(head, sizeof head, "%.*s", (int)(dot - g->suffix), g->suffix);
        emit_in(g, g->prefix, g->np, g->label, g->n, strrchr(g->suffix, '.') + 1);
        emit_in(g, g->prefix, g->np, t, concat(t, g->label, g->n, head, NULL, 0), dot + 1);
    } else {
        emit_in(g, g->prefix, g->np, t, concat(t, g->label, g->n, g->suffix, NULL, 0), g->suffix);
        if (strcmp(g->suffix, "com") != 0) {
            snprintf(head, sizeof head, "-%s", g->suffix);
            emit_in(g, g->prefix, g->np, t, concat(t, g->label, g->n, head, NULL, 0), "com");
            emit_in(g, g->prefix, g->np, t, concat(t, g->label, g->n, head + 1, NULL, 0), "com");
        }
    }
    if (g->np) {
        char sub[CTL_HOST_MAX + 1], flat[CTL_HOST_MAX + 1], dashed[CTL_HOST_MAX + 1];
        size_t k = 0;
        snprintf(sub, sizeof sub, "%.*s", (int)g->np - 1, g->prefix);
        for (size_t i = 0; sub[i]; i++)
            if (sub[i] != '.') flat[k++] = sub[i];
        flat[k] = 0;
        for (size_t i = 0; sub[i]; i++) dashed[i] = sub[i] == '.' ? '-' : sub[i];
        dashed[g->np - 1] = '-', dashed[g->np] = 0;
        const char *forms[] = {sub, flat};
        for (size_t f = 0; f < 2; f++) {
            emit_in(g, "", 0, t, concat(t, NULL, 0, forms[f], g->label, g->n), g->suffix);
        }
        strcat(sub, "-");
        emit_in(g, "", 0, t, concat(t, NULL, 0, sub, g->label, g->n), g->suffix);
        emit_in(g, "", 0, t, concat(t, NULL, 0, dashed, g->label, g->n), g->suffix);
    }
}

static void (*const fuzzers[CTL_FZ_COUNT])(struct gen *) = {
    addition,   bitsquatting, cyrillic,  homoglyph,     hyphenation, insertion,  omission, plural,
    repetition, replacement,  subdomain, transposition, vowel_swap,  dictionary, tld_swap, various,
};

/* The suffix's own homoglyph table in 20250130, when it has one (an empty one means ASCII
 * look-alikes only), else the general Unicode table. */
static void idn_table(struct glyphs *gs, const char *suffix)
{
    size_t n = strlen(suffix);
    for (size_t i = 0; i < sizeof glyphs_by_suffix / sizeof *glyphs_by_suffix; i++)
        for (const char *p = glyphs_by_suffix[i].suffixes; *p;) {
            size_t k = strcspn(p, " ");
            if (k == n && memcmp(p, suffix, n) == 0)
                return glyphs_index(gs, glyphs_by_suffix[i].glyphs, glyphs_by_suffix[i].n);
            p += k + (p[k] == ' ');
        }
    glyphs_index(gs, glyphs_unicode, sizeof glyphs_unicode / sizeof *glyphs_unicode);
}

/* The Unicode form of the A-label name a[n] ("" or ending with a dot, or a suffix) into out. */
static void to_unicode(char out[4 * CTL_HOST_MAX + 1], const char *a, size_t n)
{
    char *u = NULL, buf[CTL_HOST_MAX + 1];
    memcpy(buf, a, n);
    buf[n] = 0;
    if (n && idn2_to_unicode_8z8z(buf, &u, 0) == IDN2_OK && strlen(u) <= 4 * CTL_HOST_MAX)
        strcpy(out, u);
    else
        strcpy(out, buf); /* the labels were checked: only "" comes here */
    free(u);
}

/* Decodes the label to code points and checks that it is a valid IDNA2008 label as given. */
static int load_label(struct gen *g, const char *label, size_t n)
{
    char a[LABEL_MAX + 1], *u = NULL;
    if (n == 0 || n > LABEL_MAX) return -1;
    memcpy(a, label, n);
    a[n] = 0;
    const char *text = a;
    if (n >= 4 && memcmp(a, "xn--", 4) == 0) {
        if (idn2_to_unicode_8z8z(a, &u, 0) != IDN2_OK) return -1;
        text = u;
    }
    uint32_t cp[4 * LABEL_MAX];
    size_t tn = strlen(text);
    ptrdiff_t k = tn <= 4 * LABEL_MAX ? ctl_utf8_decode((const unsigned char *)text, tn, cp) : -1;
    free(u);
    if (k <= 0 || k > LABEL_MAX) return -1;
    memcpy(g->label, cp, (size_t)k * sizeof *cp);
    g->n = (size_t)k;
    char back[LABEL_MAX + 1];
    int exact = 1;
    return encode_label(g, g->label, g->n, back, &exact) == (int)n && memcmp(back, a, n) == 0 ? 0
                                                                                              : -1;
}

int ctl_typosquat(const struct ctl_squat_args *args, struct ctl_squats *out, char *err,
                  size_t errsz)
{
    out->n = 0;
    if (!out->mem && !(out->mem = calloc(1, sizeof *out->mem))) {
        snprintf(err, errsz, "out of memory");
        return -1;
    }
    struct gen g = {.a = args,
                    .mem = out->mem,
                    .out = out,
                    .err = err,
                    .errsz = errsz,
                    .budget = CTL_SQUAT_TRIES};
    set_reset(&g.mem->unicode);
    g.mem->tlen = 0;
    g.mem->byname_n = 0;
    const char *host = args->host;
    size_t len = strlen(host);
    if (args->reg >= args->suffix || args->suffix >= len || host[args->suffix - 1] != '.') {
        snprintf(err, errsz, "not a domain below a public suffix");
        return -1;
    }
    /* Every label kept from the input must itself be valid, or no output would be. */
    for (size_t i = 0, j; i < len; i = j + 1) {
        j = i + strcspn(host + i, ".");
        if (load_label(&g, host + i, j - i) < 0) {
            snprintf(err, errsz, "'%.*s' is not a valid IDNA2008 label", (int)(j - i), host + i);
            return -1;
        }
    }
    load_label(&g, host + args->reg, args->suffix - 1 - args->reg); /* the one fuzzed */
    for (size_t i = 0; i < args->nwords; i++) {
        const char *w = args->words[i];
        size_t wn = strlen(w);
        uint32_t cp[4 * LABEL_MAX];
        ptrdiff_t k = wn <= 4 * LABEL_MAX ? ctl_utf8_decode((const unsigned char *)w, wn, cp) : -1;
        char a[LABEL_MAX + 1];
        int exact = 1;
        if (k <= 0 || k > LABEL_MAX || encode_label(&g, cp, (size_t)k, a, &exact) < 0) {
            snprintf(err, errsz, "dictionary word '%.40s' is not a valid label", w);
            return -1;
        }
    }
    for (size_t i = 0; i < args->ntlds; i++) {
        char canon[CTL_HOST_MAX + 1];
        const char *t = args->tlds[i];
        if (ctl_host_canon(t, strlen(t), canon) < 0 || strcmp(canon, t) != 0) {
            snprintf(err, errsz, "'%.40s' is not a domain suffix in lowercase A-labels", t);
            return -1;
        }
    }
    g.prefix = host, g.np = args->reg, g.suffix = host + args->suffix;
    glyphs_index(&g.debian, glyphs_debian, sizeof glyphs_debian / sizeof *glyphs_debian);
    glyphs_index(&g.ascii, glyphs_ascii, sizeof glyphs_ascii / sizeof *glyphs_ascii);
    idn_table(&g.idn, g.suffix);
    memcpy(g.mem->label, g.label, g.n * sizeof *g.label);
    g.mem->n = g.n;
    to_unicode(g.mem->prefix, g.prefix, g.np);
    to_unicode(g.mem->suffix, g.suffix, strlen(g.suffix));

    /* The domain's own form: it is never a row. */
    char own[4 * LABEL_MAX + 1];
    size_t k = 0;
    for (size_t i = 0; i < g.n; i++)
        k += (size_t)ctl_utf8_encode(g.label[i], (unsigned char *)own + k);
    int found;
    struct slot *e = set_find(&g.mem->unicode, own, k, &found);
    if (e) e->val = ORIGINAL;
    uint32_t mask = args->fuzzers ? args->fuzzers : (UINT32_C(1) << CTL_FZ_COUNT) - 1;
    for (int f = 0; f < CTL_FZ_COUNT && e && !g.failed; f++) {
        if (!(mask & (UINT32_C(1) << f))) continue;
        g.fuzzer = (enum ctl_fuzzer)f;
        fuzzers[f](&g);
    }
    if (!e) fail(&g, "out of memory");
    out->text = g.mem->text;
    if (g.failed) out->n = 0;
    return g.failed ? -1 : 0;
}

ptrdiff_t ctl_squat_find(struct ctl_squats *s, const char *name, size_t n)
{
    struct ctl_squat_mem *mem = s->mem;
    if (!mem || !s->n) return -1;
    if (mem->byname_n != s->n) {
        size_t cap = 64;
        while (cap < 2 * s->n) cap *= 2;
        if (cap != mem->byname_cap) {
            uint32_t *t = realloc(mem->byname, cap * sizeof *t);
            if (!t) return -2;
            mem->byname = t, mem->byname_cap = cap;
        }
        memset(mem->byname, 0, cap * sizeof *mem->byname);
        for (size_t i = 0; i < s->n; i++) {
            const char *r = s->text + s->v[i].name;
            size_t j = hash_bytes(r, strlen(r)) & (cap - 1);
            while (mem->byname[j]) j = (j + 1) & (cap - 1);
            mem->byname[j] = (uint32_t)i + 1;
        }
        mem->byname_n = s->n;
    }
    size_t cap = mem->byname_cap;
    for (size_t j = hash_bytes(name, n) & (cap - 1); mem->byname[j]; j = (j + 1) & (cap - 1)) {
        const char *r = s->text + s->v[mem->byname[j] - 1].name;
        if (strlen(r) == n && memcmp(r, name, n) == 0) return (ptrdiff_t)mem->byname[j] - 1;
    }
    return -1;
}

uint32_t ctl_squat_distance(struct ctl_squats *s, size_t i)
{
    struct ctl_squat *r = &s->v[i];
    if (r->distance == LAZY) {
        const char *form = s->mem->unicode.keys + r->form;
        uint32_t cp[WORK_MAX];
        ptrdiff_t m = ctl_utf8_decode((const unsigned char *)form, strlen(form), cp);
        int64_t d = ctl_edit_distance(CTL_OSA, cp, (size_t)m, s->mem->label, s->mem->n, -1);
        if (d < 0) return LAZY; /* out of memory: tried again next time */
        r->distance = (uint32_t)d;
    }
    return r->distance;
}

char *ctl_squat_unicode(const struct ctl_squats *s, size_t i)
{
    const struct ctl_squat_mem *mem = s->mem;
    const char *form = mem->unicode.keys + s->v[i].form, *name = s->text + s->v[i].name;
    if (form[0] == SPLIT) {
        const char *err;
        char *u = ctl_domain_to_unicode(name, strlen(name), &err);
        return u ? u : strdup(name);
    }
    size_t np = strlen(mem->prefix), nf = strlen(form), ns = strlen(mem->suffix);
    char *u = malloc(np + nf + 1 + ns + 1);
    if (!u) return NULL;
    memcpy(u, mem->prefix, np);
    memcpy(u + np, form, nf);
    u[np + nf] = '.';
    memcpy(u + np + nf + 1, mem->suffix, ns + 1);
    return u;
}

void ctl_squats_free(struct ctl_squats *s)
{
    if (s->mem) {
        set_free(&s->mem->unicode);
        set_free(&s->mem->first[0]);
        set_free(&s->mem->first[1]);
        free(s->mem->text);
        free(s->mem->byname);
        free(s->mem);
    }
    free(s->v);
    memset(s, 0, sizeof *s);
}
