/* ds/hll.h -- HyperLogLog in Redis 7.0's byte format, so a value's bytes,
 * and every count, equal redis-server's for the same commands.
 *
 *   +------+-----+--------+-----------------+-----------------------------+
 *   | HYLL | enc | 3 zero | card 8 (LE)     | registers                   |
 *   +------+-----+--------+-----------------+-----------------------------+
 *     0      4     5        8 (bit 7 of byte 15: cache invalid)  16
 *
 * enc 0 dense: 16384 registers of 6 bits, packed little-endian (12288 B).
 * enc 1 sparse: opcodes ZERO 00llllll (1-64 zero registers), XZERO
 * 01llllll llllllll (1-16384), VAL 1vvvvvll (value 1-32, run 1-4).
 * Functions work on a caller's buffer s[0..*len) with s[*len] == 0 kept;
 * only hll_sparse_text and hll_selftest allocate. Element hashing is
 * MurmurHash64A (seed 0xadc83b19): register = low 14 bits, count =
 * position of the first 1 bit in the remaining 50 (1..51). */
#ifndef KILAT_HLL_H
#define KILAT_HLL_H

#include "../base.h"

#define HLL_REGISTERS 16384
#define HLL_HDR_SIZE 16
#define HLL_DENSE_SIZE (HLL_HDR_SIZE + HLL_REGISTERS * 6 / 8)
#define HLL_EMPTY_SIZE (HLL_HDR_SIZE + 2) /* one XZERO of 16384 */
/* A sparse set may write a few bytes past the value before it decides. */
#define HLL_SPARSE_SLACK 8

enum { HLL_DENSE = 0, HLL_SPARSE = 1 };
/* hll_set outcomes */
enum { HLL_CORRUPT = -1, HLL_SAME = 0, HLL_CHANGED = 1, HLL_PROMOTE = 2 };

/* MurmurHash2, 64-bit (MurmurHash64A), blocks read little-endian. */
uint64_t hll_hash(const void *key, size_t len, uint64_t seed);
/* The register of an element and its count (1..51). */
int hll_pattern(const void *ele, size_t len, long *index);

/* Redis's isHLLObject: magic, known encoding, dense of the exact size. */
bool hll_header_ok(const uint8_t *s, size_t len);
static inline int hll_encoding(const uint8_t *s) { return s[4]; }
/* Writes an empty sparse HLL (HLL_EMPTY_SIZE bytes, cache valid at 0). */
void hll_init(uint8_t *s);

/* The cached cardinality (header bytes 8..15). */
bool hll_cache_valid(const uint8_t *s);
uint64_t hll_cache_get(const uint8_t *s);
void hll_cache_set(uint8_t *s, uint64_t card);
void hll_cache_invalidate(uint8_t *s);

/* Raises register index to count if lower. Dense: in place. Sparse: the
 * buffer needs room for max(*len, sparse_max) + HLL_SPARSE_SLACK bytes;
 * HLL_PROMOTE means the value must become dense first (count > 32 or the
 * sparse form would pass sparse_max): hll_to_dense, then call again.
 * A sparse change invalidates the cache; a dense one does not. */
int hll_set(uint8_t *s, size_t *len, long index, uint8_t count, int64_t sparse_max);
/* Adds an element: hll_set of its pattern. */
int hll_add(uint8_t *s, size_t *len, const void *ele, size_t elen, int64_t sparse_max);
/* Sparse -> dense in place (room for HLL_DENSE_SIZE + 1 bytes); the header
 * (cache included) is kept. false, s untouched, if the sparse form is
 * corrupt (runs past 16384 registers or short of them). */
bool hll_to_dense(uint8_t *s, size_t *len);
/* max[i] = MAX(max[i], register i); false if a sparse form is corrupt. */
bool hll_merge_max(const uint8_t *s, size_t len, uint8_t *max);
/* Writes all 16384 registers of a dense value from regs (one byte each,
 * <= 63), replacing what was there (PFMERGE into a dense value). */
void hll_dense_store(uint8_t *s, const uint8_t *regs);
/* Register i of a dense value. */
uint8_t hll_dense_get(const uint8_t *s, long i);
/* The estimate (Ertl's improved estimator, as Redis 7.0); false if a
 * sparse form is corrupt. */
bool hll_count(const uint8_t *s, size_t len, uint64_t *card);
/* The estimate of HLL_REGISTERS one-byte registers (PFCOUNT's union). */
uint64_t hll_count_raw(const uint8_t *regs);
/* PFDEBUG DECODE's text ("z:3 Z:100 v:2,1"), mem_alloc'd. */
char *hll_sparse_text(const uint8_t *s, size_t len, size_t *outlen);
/* Checks register packing and dense/sparse agreement; NULL if fine, else
 * the error ("TESTFAILED ..."), in a static buffer. */
const char *hll_selftest(int64_t sparse_max);

#endif
