/* ds/bits.h -- bit arrays as Redis's bitmaps number them: bit 0 is the
 * most significant bit of byte 0, bit 8 that of byte 1, and so on (so an
 * aligned field reads as big endian). Bytes past an array's end read as
 * zeros. Loops run a 64-bit word (or a vector) at a time. */
#ifndef KILAT_BITS_H
#define KILAT_BITS_H

#include "../base.h"

/* Number of set bits in p[0..n). */
uint64_t bits_count(const uint8_t *p, size_t n);
/* Tests: makes bits_count use one kernel; false if this CPU lacks it. */
enum { BITS_COUNT_BEST, BITS_COUNT_PORTABLE, BITS_COUNT_POPCNT, BITS_COUNT_AVX2 };
bool bits_use_count_kernel(int kernel);
/* Position of the first bit equal to `bit` (0 or 1) in p[0..n). None
 * found: -1 for bit 1, n*8 for bit 0 (the first of the zeros past the
 * end), as Redis's BITPOS counts. */
int64_t bits_find(const uint8_t *p, size_t n, int bit);

typedef enum { BITS_AND, BITS_OR, BITS_XOR, BITS_NOT } BitsOp;
/* dst[0..len) = op of the n sources (src[i] has lens[i] bytes, shorter
 * ones zero-padded to len; NOT takes src[0] only). dst must not overlap
 * a source. */
void bits_op(BitsOp op, uint8_t *dst, size_t len, const uint8_t *const *src, const size_t *lens,
             size_t n);

/* The `width`-bit (1..64) unsigned field at bit offset off; p must hold
 * the bytes up to bit off+width-1. */
uint64_t bits_get(const uint8_t *p, uint64_t off, unsigned width);
/* Stores the low `width` bits of v there. */
void bits_set(uint8_t *p, uint64_t off, unsigned width, uint64_t v);

#endif
