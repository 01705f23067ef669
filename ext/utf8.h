/* utf8: strict UTF-8 (RFC 3629) decoding and encoding.
 * Strict means no overlong forms, no surrogates and nothing above U+10FFFF, so that a string
 * has exactly one decoding and attacker-made byte tricks cannot hide a character. */
#ifndef CTLITE_UTF8_H
#define CTLITE_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decodes the n bytes at s into out, which has room for n code points. Returns the number of
 * code points, or -1 if s is not valid UTF-8. NUL bytes are ordinary code points. */
ptrdiff_t ctl_utf8_decode(const unsigned char *s, size_t n, uint32_t *out);

/* Returns 1 if the n bytes at s are valid UTF-8, else 0. */
int ctl_utf8_valid(const unsigned char *s, size_t n);

/* Writes the UTF-8 form of code point c (at most 4 bytes) to out; returns the byte count. */
int ctl_utf8_encode(uint32_t c, unsigned char *out);

#endif
