/* ds/hll.c -- HyperLogLog registers, encodings and estimator (see hll.h).
 * Invariant of the sparse form: its opcodes cover exactly 16384 registers;
 * readers check it (a corrupt value is reported, never walked past). A
 * truncated XZERO reads the NUL after the value as its second byte, which
 * is what Redis reads there too. */
#include "hll.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mem.h"

#define P_BITS 14
#define Q_BITS (64 - P_BITS)
#define REG_MAX 63
#define VAL_MAX_VALUE 32
#define VAL_MAX_RUN 4
#define ZERO_MAX_RUN 64
#define XZERO_MAX_RUN 16384
#define ALPHA_INF 0.721347520444481703680 /* 0.5 / ln 2 */

/* ---------- hashing ---------- */

static inline uint64_t load_le64(const uint8_t *p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = (v << 8) | p[i];
    return v;
}

uint64_t hll_hash(const void *key, size_t len, uint64_t seed) {
    const uint64_t m = 0xc6a4a7935bd1e995ULL;
    const uint8_t *d = key;
    uint64_t h = seed ^ ((uint64_t)len * m);
    size_t blocks = len / 8;
    for (size_t i = 0; i < blocks; i++, d += 8) {
        uint64_t k = load_le64(d) * m;
        k ^= k >> 47;
        h = (h ^ (k * m)) * m;
    }
    size_t rest = len & 7;
    if (rest) {
        uint64_t t = 0;
        for (size_t i = rest; i > 0; i--) t = (t << 8) | d[i - 1];
        h = (h ^ t) * m;
    }
    h ^= h >> 47;
    h *= m;
    return h ^ (h >> 47);
}

int hll_pattern(const void *ele, size_t len, long *index) {
    uint64_t h = hll_hash(ele, len, 0xadc83b19ULL);
    *index = (long)(h & (HLL_REGISTERS - 1));
    h = (h >> P_BITS) | (1ULL << Q_BITS); /* the sentinel stops at Q+1 */
    int count = 1;
    while (!(h & 1)) {
        count++;
        h >>= 1;
    }
    return count;
}

/* ---------- header ---------- */

bool hll_header_ok(const uint8_t *s, size_t len) {
    if (len < HLL_HDR_SIZE || memcmp(s, "HYLL", 4) != 0) return false;
    if (s[4] > HLL_SPARSE) return false;
    return s[4] != HLL_DENSE || len == HLL_DENSE_SIZE;
}

void hll_init(uint8_t *s) {
    memset(s, 0, HLL_EMPTY_SIZE);
    memcpy(s, "HYLL", 4);
    s[4] = HLL_SPARSE;
    s[HLL_HDR_SIZE] = 0x40 | ((XZERO_MAX_RUN - 1) >> 8);
    s[HLL_HDR_SIZE + 1] = (XZERO_MAX_RUN - 1) & 0xff;
}

bool hll_cache_valid(const uint8_t *s) { return !(s[15] & 0x80); }

uint64_t hll_cache_get(const uint8_t *s) { return load_le64(s + 8); }

void hll_cache_set(uint8_t *s, uint64_t card) {
    for (int i = 0; i < 8; i++) s[8 + i] = (uint8_t)(card >> (8 * i));
}

void hll_cache_invalidate(uint8_t *s) { s[15] |= 0x80; }

/* ---------- dense registers ---------- */

uint8_t hll_dense_get(const uint8_t *s, long i) {
    const uint8_t *r = s + HLL_HDR_SIZE;
    size_t bit = (size_t)i * 6, byte = bit / 8;
    unsigned shift = bit & 7;
    unsigned v = r[byte] >> shift;
    if (shift > 2) v |= (unsigned)r[byte + 1] << (8 - shift);
    return v & REG_MAX;
}

static void dense_put(uint8_t *s, long i, uint8_t v) {
    uint8_t *r = s + HLL_HDR_SIZE;
    size_t bit = (size_t)i * 6, byte = bit / 8;
    unsigned shift = bit & 7;
    r[byte] = (uint8_t)((r[byte] & ~(REG_MAX << shift)) | (v << shift));
    if (shift > 2) {
        unsigned hi = 8 - shift;
        r[byte + 1] = (uint8_t)((r[byte + 1] & ~(REG_MAX >> hi)) | (v >> hi));
    }
}

/* ---------- sparse opcodes ---------- */

enum { OP_ZERO, OP_XZERO, OP_VAL };

typedef struct {
    int kind;
    long run;   /* registers covered */
    int value;  /* VAL only */
    int size;   /* bytes */
} Op;

/* Decodes the opcode at p (end: the value's end, whose byte reads 0). */
static inline Op op_at(const uint8_t *p, const uint8_t *end) {
    uint8_t b = *p;
    if (b & 0x80) return (Op){OP_VAL, (b & 3) + 1, ((b >> 2) & 31) + 1, 1};
    if (!(b & 0x40)) return (Op){OP_ZERO, (b & 63) + 1, 0, 1};
    uint8_t lo = p + 1 < end ? p[1] : 0;
    return (Op){OP_XZERO, (((long)(b & 63) << 8) | lo) + 1, 0, 2};
}

static inline uint8_t val_byte(int value, long run) {
    return (uint8_t)(0x80 | ((value - 1) << 2) | (run - 1));
}

/* Writes a run of zeros as ZERO or XZERO; returns the bytes written. */
static int put_zeros(uint8_t *p, long run) {
    if (run <= ZERO_MAX_RUN) {
        p[0] = (uint8_t)(run - 1);
        return 1;
    }
    p[0] = (uint8_t)(0x40 | ((run - 1) >> 8));
    p[1] = (uint8_t)((run - 1) & 0xff);
    return 2;
}

/* Calls fn(ctx, first, run, value) for each opcode; false if the opcodes
 * pass register 16384 or stop short of it. */
typedef void (*RunFn)(void *ctx, long first, long run, int value);
static bool sparse_walk(const uint8_t *s, size_t len, RunFn fn, void *ctx) {
    const uint8_t *p = s + HLL_HDR_SIZE, *end = s + len;
    long idx = 0;
    while (p < end) {
        Op op = op_at(p, end);
        if (idx + op.run > HLL_REGISTERS) return false;
        fn(ctx, idx, op.run, op.value);
        idx += op.run;
        p += op.size;
    }
    return idx == HLL_REGISTERS;
}

/* Merges adjacent VAL opcodes of equal value that fit one, looking at up to
 * five opcodes from p (the opcode before the change), as Redis does. */
static void sparse_coalesce(uint8_t *s, size_t *len, uint8_t *p) {
    uint8_t *end = s + *len;
    int budget = 5;
    while (p < end && budget-- > 0) {
        Op a = op_at(p, end);
        if (a.kind != OP_VAL) {
            p += a.size;
            continue;
        }
        if (p + 1 < end && (p[1] & 0x80)) {
            Op b = op_at(p + 1, end);
            if (a.value == b.value && a.run + b.run <= VAL_MAX_RUN) {
                p[1] = val_byte(a.value, a.run + b.run);
                memmove(p, p + 1, (size_t)(end - p - 1));
                end--;
                (*len)--;
                s[*len] = 0;
                continue; /* the merged opcode may merge again */
            }
        }
        p++;
    }
}

static int sparse_set(uint8_t *s, size_t *len, long index, uint8_t count, int64_t sparse_max) {
    if (count > VAL_MAX_VALUE) return HLL_PROMOTE;
    uint8_t *start = s + HLL_HDR_SIZE, *end = s + *len, *p = start, *prev = NULL;
    long first = 0;
    Op op = {0};
    while (p < end) { /* find the opcode covering index */
        op = op_at(p, end);
        if (index < first + op.run) break;
        prev = p;
        p += op.size;
        first += op.run;
    }
    if (p >= end) return HLL_CORRUPT;
    if (op.kind == OP_VAL && op.value >= count) return HLL_SAME;
    if (op.run == 1 && op.kind != OP_XZERO) { /* one register: rewrite it */
        *p = val_byte(count, 1);
    } else {
        /* split into [before] VAL(count) [after] */
        uint8_t seq[5];
        int n = 0;
        long before = index - first, after = first + op.run - 1 - index;
        if (op.kind == OP_VAL) {
            if (before) seq[n++] = val_byte(op.value, before);
            seq[n++] = val_byte(count, 1);
            if (after) seq[n++] = val_byte(op.value, after);
        } else {
            if (before) n += put_zeros(seq + n, before);
            seq[n++] = val_byte(count, 1);
            if (after) n += put_zeros(seq + n, after);
        }
        long delta = n - op.size;
        if (delta > 0 && (int64_t)(*len + (size_t)delta) > sparse_max) return HLL_PROMOTE;
        uint8_t *next = p + op.size;
        if (delta && next < end) memmove(next + delta, next, (size_t)(end - next));
        memcpy(p, seq, (size_t)n);
        *len = (size_t)((long)*len + delta);
        s[*len] = 0;
    }
    sparse_coalesce(s, len, prev ? prev : start);
    hll_cache_invalidate(s);
    return HLL_CHANGED;
}

int hll_set(uint8_t *s, size_t *len, long index, uint8_t count, int64_t sparse_max) {
    if (hll_encoding(s) == HLL_SPARSE) return sparse_set(s, len, index, count, sparse_max);
    if (hll_encoding(s) != HLL_DENSE) return HLL_CORRUPT;
    if (hll_dense_get(s, index) >= count) return HLL_SAME;
    dense_put(s, index, count);
    return HLL_CHANGED;
}

int hll_add(uint8_t *s, size_t *len, const void *ele, size_t elen, int64_t sparse_max) {
    long index;
    int count = hll_pattern(ele, elen, &index);
    return hll_set(s, len, index, (uint8_t)count, sparse_max);
}

/* ---------- whole-value walks ---------- */

static void fill_max(void *ctx, long first, long run, int value) {
    uint8_t *max = ctx;
    for (long i = first; i < first + run; i++)
        if (value > max[i]) max[i] = (uint8_t)value;
}

bool hll_to_dense(uint8_t *s, size_t *len) {
    if (hll_encoding(s) == HLL_DENSE) return true;
    uint8_t regs[HLL_REGISTERS] = {0};
    if (!sparse_walk(s, *len, fill_max, regs)) return false;
    s[4] = HLL_DENSE;
    hll_dense_store(s, regs);
    *len = HLL_DENSE_SIZE;
    s[*len] = 0;
    return true;
}

/* Every register of a dense value into regs[16384]: four 6-bit registers
 * in each 3 bytes (register 4g+k at bit 6k of bytes 3g..3g+2, little
 * endian), so a whole value decodes without per-register shifts. */
static void dense_unpack(const uint8_t *s, uint8_t *regs) {
    const uint8_t *r = s + HLL_HDR_SIZE;
    for (long g = 0; g < HLL_REGISTERS / 4; g++, r += 3, regs += 4) {
        unsigned w = r[0] | (unsigned)r[1] << 8 | (unsigned)r[2] << 16;
        regs[0] = w & REG_MAX;
        regs[1] = (w >> 6) & REG_MAX;
        regs[2] = (w >> 12) & REG_MAX;
        regs[3] = (w >> 18) & REG_MAX;
    }
}

void hll_dense_store(uint8_t *s, const uint8_t *regs) {
    uint8_t *r = s + HLL_HDR_SIZE;
    for (long g = 0; g < HLL_REGISTERS / 4; g++, r += 3, regs += 4) {
        unsigned w = (unsigned)(regs[0] & REG_MAX) | (unsigned)(regs[1] & REG_MAX) << 6 |
                     (unsigned)(regs[2] & REG_MAX) << 12 | (unsigned)(regs[3] & REG_MAX) << 18;
        r[0] = (uint8_t)w;
        r[1] = (uint8_t)(w >> 8);
        r[2] = (uint8_t)(w >> 16);
    }
}

bool hll_merge_max(const uint8_t *s, size_t len, uint8_t *max) {
    if (hll_encoding(s) == HLL_SPARSE) return sparse_walk(s, len, fill_max, max);
    uint8_t regs[HLL_REGISTERS];
    dense_unpack(s, regs);
    for (long i = 0; i < HLL_REGISTERS; i++)
        if (regs[i] > max[i]) max[i] = regs[i];
    return true;
}

/* ---------- estimator (Ertl, "New cardinality estimation algorithms for
 * HyperLogLog sketches", arXiv:1702.01284) ---------- */

static double sigma(double x) {
    if (x == 1.0) return INFINITY;
    double y = 1, z = x, prev;
    do {
        x *= x;
        prev = z;
        z += x * y;
        y += y;
    } while (prev != z);
    return z;
}

static double tau(double x) {
    if (x == 0.0 || x == 1.0) return 0.0;
    double y = 1.0, z = 1 - x, prev;
    do {
        x = sqrt(x);
        prev = z;
        y *= 0.5;
        z -= pow(1 - x, 2) * y;
    } while (prev != z);
    return z / 3;
}

/* hist[v]: how many registers hold v (a dense register may hold up to 63;
 * values above Q+1 cannot come from a hash and are left out). */
static uint64_t estimate(const int *hist) {
    double m = HLL_REGISTERS;
    double z = m * tau((m - hist[Q_BITS + 1]) / m);
    for (int j = Q_BITS; j >= 1; j--) {
        z += hist[j];
        z *= 0.5;
    }
    z += m * sigma(hist[0] / m);
    return (uint64_t)llround(ALPHA_INF * m * m / z);
}

static void fill_hist(void *ctx, long first, long run, int value) {
    (void)first;
    ((int *)ctx)[value] += (int)run;
}

bool hll_count(const uint8_t *s, size_t len, uint64_t *card) {
    int hist[64] = {0};
    if (hll_encoding(s) == HLL_SPARSE) {
        if (!sparse_walk(s, len, fill_hist, hist)) return false;
    } else {
        uint8_t regs[HLL_REGISTERS];
        dense_unpack(s, regs);
        for (long i = 0; i < HLL_REGISTERS; i++) hist[regs[i]]++;
    }
    *card = estimate(hist);
    return true;
}

uint64_t hll_count_raw(const uint8_t *regs) {
    int hist[256] = {0};
    for (long i = 0; i < HLL_REGISTERS; i++) hist[regs[i]]++;
    return estimate(hist);
}

/* ---------- debugging ---------- */

char *hll_sparse_text(const uint8_t *s, size_t len, size_t *outlen) {
    const uint8_t *p = s + HLL_HDR_SIZE, *end = s + len;
    size_t cap = (len - HLL_HDR_SIZE) * 12 + 1, n = 0;
    char *out = mem_alloc(cap);
    while (p < end) {
        Op op = op_at(p, end);
        const char *tag = op.kind == OP_ZERO ? "z" : "Z";
        if (op.kind == OP_VAL)
            n += (size_t)snprintf(out + n, cap - n, "v:%d,%ld ", op.value, op.run);
        else n += (size_t)snprintf(out + n, cap - n, "%s:%ld ", tag, op.run);
        p += op.size;
    }
    if (n) n--; /* the last space */
    out[n] = 0;
    *outlen = n;
    return out;
}

static uint64_t xorshift(uint64_t *st) {
    uint64_t x = *st;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *st = x;
}

/* Register packing: random values read back, neighbours untouched. */
static const char *selftest_registers(uint8_t *dense, uint64_t *rng) {
    static char err[96];
    uint8_t want[HLL_REGISTERS];
    for (int round = 0; round < 100; round++) {
        for (long i = 0; i < HLL_REGISTERS; i++) {
            want[i] = (uint8_t)(xorshift(rng) & REG_MAX);
            dense_put(dense, i, want[i]);
        }
        for (long i = 0; i < HLL_REGISTERS; i++) {
            if (hll_dense_get(dense, i) == want[i]) continue;
            snprintf(err, sizeof(err), "TESTFAILED Register %ld should be %d but is %d", i,
                     want[i], hll_dense_get(dense, i));
            return err;
        }
    }
    return NULL;
}

/* The same elements into a dense and a sparse value: equal estimates, the
 * sparse form kept while small, errors within 6 standard errors. */
static const char *selftest_estimates(uint8_t *dense, uint8_t *sparse, int64_t sparse_max,
                                      uint64_t *rng) {
    static char err[96];
    size_t dlen = HLL_DENSE_SIZE, slen = HLL_EMPTY_SIZE;
    memset(dense + HLL_HDR_SIZE, 0, HLL_DENSE_SIZE - HLL_HDR_SIZE);
    dense[4] = HLL_DENSE;
    hll_init(sparse);
    double relerr = 1.04 / sqrt(HLL_REGISTERS);
    uint64_t seed = xorshift(rng), checkpoint = 1;
    for (uint64_t j = 1; j <= 1000000; j++) {
        uint64_t ele = j ^ seed;
        hll_add(dense, &dlen, &ele, sizeof(ele), sparse_max);
        if (hll_add(sparse, &slen, &ele, sizeof(ele), sparse_max) == HLL_PROMOTE) {
            hll_to_dense(sparse, &slen);
            hll_add(sparse, &slen, &ele, sizeof(ele), sparse_max);
        }
        if (j != checkpoint) continue;
        if ((int64_t)j < sparse_max / 2 && hll_encoding(sparse) != HLL_SPARSE)
            return "TESTFAILED sparse encoding not used";
        uint64_t a = 0, b = 0;
        hll_count(dense, dlen, &a);
        hll_count(sparse, slen, &b);
        if (a != b) return "TESTFAILED dense/sparse disagree";
        int64_t abserr = (int64_t)checkpoint - (int64_t)a;
        if (abserr < 0) abserr = -abserr;
        uint64_t maxerr = j == 10 ? 1 : (uint64_t)ceil(relerr * 6 * (double)checkpoint);
        if ((uint64_t)abserr > maxerr) {
            snprintf(err, sizeof(err), "TESTFAILED Too big error. card:%llu abserr:%llu",
                     (unsigned long long)checkpoint, (unsigned long long)abserr);
            return err;
        }
        checkpoint *= 10;
    }
    return NULL;
}

const char *hll_selftest(int64_t sparse_max) {
    uint8_t *dense = mem_alloc(HLL_DENSE_SIZE + 1);
    uint8_t *sparse = mem_alloc(HLL_DENSE_SIZE + 1);
    memset(dense, 0, HLL_DENSE_SIZE + 1);
    memcpy(dense, "HYLL", 4);
    uint64_t rng = 0x9e3779b97f4a7c15ULL ^ (uint64_t)(uintptr_t)dense;
    /* the sparse value grows no further than its buffer */
    int64_t smax = sparse_max > HLL_DENSE_SIZE - 8 ? HLL_DENSE_SIZE - 8 : sparse_max;
    const char *err = selftest_registers(dense, &rng);
    if (!err) err = selftest_estimates(dense, sparse, smax, &rng);
    mem_free(dense);
    mem_free(sparse);
    return err;
}
