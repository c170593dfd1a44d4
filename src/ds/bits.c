/* ds/bits.c -- counting, searching and combining bit arrays a word at a
 * time. On x86-64 the count picks, once, an AVX2 nibble-table kernel or
 * the popcnt instruction when the CPU has them (the build targets plain
 * x86-64, which has neither); elsewhere a portable SWAR count. */
#include "bits.h"

#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define BITS_X86 1
#include <immintrin.h>
#endif

static inline uint64_t load64(const uint8_t *p) {
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}

static inline void store64(uint8_t *p, uint64_t w) { memcpy(p, &w, 8); }

/* The word's bytes in string order, first byte in the top bits. */
static inline uint64_t load_be64(const uint8_t *p) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return __builtin_bswap64(load64(p));
#else
    return load64(p);
#endif
}

/* ---------- counting ---------- */

static inline uint64_t swar_count(uint64_t x) {
    x = x - ((x >> 1) & 0x5555555555555555ull);
    x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
    return (x * 0x0101010101010101ull) >> 56;
}

static uint64_t count_tail(const uint8_t *p, size_t n, uint64_t (*word)(uint64_t)) {
    uint64_t total = 0;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) total += word(load64(p + i));
    if (i < n) {
        uint8_t last[8] = {0};
        memcpy(last, p + i, n - i);
        total += word(load64(last));
    }
    return total;
}

static uint64_t count_swar(const uint8_t *p, size_t n) {
    uint64_t a = 0, b = 0, c = 0, d = 0;
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        a += swar_count(load64(p + i));
        b += swar_count(load64(p + i + 8));
        c += swar_count(load64(p + i + 16));
        d += swar_count(load64(p + i + 24));
    }
    return a + b + c + d + count_tail(p + i, n - i, swar_count);
}

#ifdef BITS_X86
__attribute__((target("popcnt"))) static uint64_t popcnt_word(uint64_t x) {
    return (uint64_t)__builtin_popcountll(x);
}

__attribute__((target("popcnt"))) static uint64_t count_popcnt(const uint8_t *p, size_t n) {
    uint64_t a = 0, b = 0, c = 0, d = 0;
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        a += (uint64_t)__builtin_popcountll(load64(p + i));
        b += (uint64_t)__builtin_popcountll(load64(p + i + 8));
        c += (uint64_t)__builtin_popcountll(load64(p + i + 16));
        d += (uint64_t)__builtin_popcountll(load64(p + i + 24));
    }
    return a + b + c + d + count_tail(p + i, n - i, popcnt_word);
}

/* 32 bytes at a time: each nibble's count from a 16-entry table
 * (vpshufb), byte sums gathered into 64-bit lanes (vpsadbw) every 16
 * vectors, before a byte lane (at most 8 per vector) could overflow. */
__attribute__((target("avx2,popcnt"))) static uint64_t count_avx2(const uint8_t *p, size_t n) {
    const __m256i lut = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2,
                                         1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
    const __m256i low = _mm256_set1_epi8(0x0f);
    const __m256i zero = _mm256_setzero_si256();
    __m256i acc = zero;
    size_t i = 0;
    while (i + 32 * 16 <= n) {
        __m256i local = zero;
        for (int k = 0; k < 16; k++, i += 32) {
            __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(p + i));
            __m256i lo = _mm256_and_si256(v, low);
            __m256i hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), low);
            local = _mm256_add_epi8(local, _mm256_shuffle_epi8(lut, lo));
            local = _mm256_add_epi8(local, _mm256_shuffle_epi8(lut, hi));
        }
        acc = _mm256_add_epi64(acc, _mm256_sad_epu8(local, zero));
    }
    uint64_t lanes[4];
    _mm256_storeu_si256((__m256i *)(void *)lanes, acc);
    return lanes[0] + lanes[1] + lanes[2] + lanes[3] + count_popcnt(p + i, n - i);
}
#endif

static uint64_t (*count_impl)(const uint8_t *p, size_t n);

static void count_pick(void) {
    count_impl = count_swar;
#ifdef BITS_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("popcnt")) count_impl = count_popcnt;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt")) count_impl = count_avx2;
#endif
}

bool bits_use_count_kernel(int kernel) {
    count_pick();
    switch (kernel) {
    case BITS_COUNT_BEST: return true;
    case BITS_COUNT_PORTABLE: count_impl = count_swar; return true;
#ifdef BITS_X86
    case BITS_COUNT_POPCNT:
        if (!__builtin_cpu_supports("popcnt")) return false;
        count_impl = count_popcnt;
        return true;
    case BITS_COUNT_AVX2:
        if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("popcnt")) return false;
        count_impl = count_avx2;
        return true;
#endif
    }
    return false;
}

uint64_t bits_count(const uint8_t *p, size_t n) {
    if (UNLIKELY(!count_impl)) count_pick();
    return count_impl(p, n);
}

/* ---------- searching ---------- */

int64_t bits_find(const uint8_t *p, size_t n, int bit) {
    uint64_t skip = bit ? 0 : ~(uint64_t)0;
    size_t i = 0;
    /* whole blocks of the skipped value first */
    while (i + 32 <= n && load64(p + i) == skip && load64(p + i + 8) == skip &&
           load64(p + i + 16) == skip && load64(p + i + 24) == skip)
        i += 32;
    for (; i + 8 <= n; i += 8) {
        uint64_t w = load_be64(p + i);
        if (w != skip) return (int64_t)(i * 8) + __builtin_clzll(bit ? w : ~w);
    }
    for (; i < n; i++) {
        unsigned b = bit ? p[i] : (uint8_t)~p[i];
        if (b) return (int64_t)(i * 8) + __builtin_clz(b) - 24;
    }
    return bit ? -1 : (int64_t)n * 8;
}

/* ---------- combining ---------- */

#define OP_LOOP(expr)                                                                          \
    do {                                                                                       \
        for (; i + 32 <= m; i += 32) {                                                         \
            for (int k = 0; k < 32; k += 8) {                                                  \
                uint64_t x = load64(a + i + k), y = load64(b + i + k);                         \
                store64(d + i + k, expr);                                                      \
            }                                                                                  \
        }                                                                                      \
        for (; i + 8 <= m; i += 8) {                                                           \
            uint64_t x = load64(a + i), y = load64(b + i);                                     \
            store64(d + i, expr);                                                              \
        }                                                                                      \
        for (; i < m; i++) {                                                                   \
            uint64_t x = a[i], y = b[i];                                                       \
            d[i] = (uint8_t)(expr);                                                            \
        }                                                                                      \
    } while (0)

/* d[0..m) = a op b (d may be a). */
static void combine(BitsOp op, uint8_t *d, const uint8_t *a, const uint8_t *b, size_t m) {
    size_t i = 0;
    switch (op) {
    case BITS_AND: OP_LOOP(x & y); break;
    case BITS_OR: OP_LOOP(x | y); break;
    case BITS_XOR: OP_LOOP(x ^ y); break;
    case BITS_NOT: OP_LOOP(~x + 0 * y); break;
    }
}

static inline size_t min_size(size_t a, size_t b) { return a < b ? a : b; }

void bits_op(BitsOp op, uint8_t *dst, size_t len, const uint8_t *const *src, const size_t *lens,
             size_t n) {
    size_t l0 = min_size(lens[0], len);
    if (op == BITS_NOT || n == 1) {
        if (op == BITS_NOT) combine(BITS_NOT, dst, src[0], src[0], l0);
        else memcpy(dst, src[0], l0);
        memset(dst + l0, op == BITS_NOT ? 0xff : 0, len - l0);
        return;
    }
    /* the first two sources in one pass, then the others in place */
    size_t l1 = min_size(lens[1], len), m = min_size(l0, l1);
    combine(op, dst, src[0], src[1], m);
    if (op == BITS_AND) {
        memset(dst + m, 0, len - m);
    } else { /* x op 0 == x: the longer source's bytes, then zeros */
        const uint8_t *longer = l0 > l1 ? src[0] : src[1];
        size_t ll = l0 > l1 ? l0 : l1;
        memcpy(dst + m, longer + m, ll - m);
        memset(dst + ll, 0, len - ll);
    }
    for (size_t k = 2; k < n; k++) {
        size_t lk = min_size(lens[k], len);
        combine(op, dst, dst, src[k], lk);
        if (op == BITS_AND && lk < len) memset(dst + lk, 0, len - lk);
    }
}

/* ---------- fields ---------- */

/* A field of up to 64 bits at any bit offset spans at most 9 bytes: they
 * are read into a 128-bit accumulator, first byte highest. */
uint64_t bits_get(const uint8_t *p, uint64_t off, unsigned width) {
    const uint8_t *q = p + (off >> 3);
    unsigned shift = (unsigned)(off & 7), nbytes = (shift + width + 7) / 8;
    unsigned __int128 acc = 0;
    for (unsigned i = 0; i < nbytes; i++) acc = (acc << 8) | q[i];
    uint64_t v = (uint64_t)(acc >> (nbytes * 8 - shift - width));
    return width == 64 ? v : v & ((UINT64_C(1) << width) - 1);
}

void bits_set(uint8_t *p, uint64_t off, unsigned width, uint64_t v) {
    uint8_t *q = p + (off >> 3);
    unsigned shift = (unsigned)(off & 7), nbytes = (shift + width + 7) / 8;
    unsigned __int128 acc = 0;
    for (unsigned i = 0; i < nbytes; i++) acc = (acc << 8) | q[i];
    unsigned low = nbytes * 8 - shift - width;
    unsigned __int128 mask = (unsigned __int128)(width == 64 ? ~(uint64_t)0
                                                             : (UINT64_C(1) << width) - 1);
    acc = (acc & ~(mask << low)) | (((unsigned __int128)v & mask) << low);
    for (unsigned i = nbytes; i-- > 0;) {
        q[i] = (uint8_t)acc;
        acc >>= 8;
    }
}
