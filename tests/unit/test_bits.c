/* tests/unit/test_bits.c -- ds/bits against bit-by-bit reference versions,
 * on random buffers at every start alignment and length around the
 * kernels' block sizes (8, 32 and 512 bytes). */
#include "ds/bits.h"

#include "unit.h"

static uint64_t rnd_state = 88172645463325252ull;
static uint64_t rnd(void) { /* xorshift64 */
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 7;
    rnd_state ^= rnd_state << 17;
    return rnd_state;
}

static int bit_at(const uint8_t *p, uint64_t i) { return (p[i >> 3] >> (7 - (i & 7))) & 1; }

static uint64_t ref_count(const uint8_t *p, size_t n) {
    uint64_t c = 0;
    for (size_t i = 0; i < n * 8; i++) c += (uint64_t)bit_at(p, i);
    return c;
}

static int64_t ref_find(const uint8_t *p, size_t n, int bit) {
    for (size_t i = 0; i < n * 8; i++)
        if (bit_at(p, i) == bit) return (int64_t)i;
    return bit ? -1 : (int64_t)n * 8;
}

static uint64_t ref_get(const uint8_t *p, uint64_t off, unsigned w) {
    uint64_t v = 0;
    for (unsigned i = 0; i < w; i++) v = (v << 1) | (uint64_t)bit_at(p, off + i);
    return v;
}

static void test_count_and_find(void) {
    static uint8_t buf[1200];
    for (size_t i = 0; i < sizeof(buf); i++) buf[i] = (uint8_t)rnd();
    size_t lens[] = {0, 1, 7, 8, 9, 31, 32, 33, 100, 511, 512, 513, 1025, 1100};
    for (size_t a = 0; a < 9; a++) {
        for (size_t k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
            CHECK(bits_count(buf + a, lens[k]) == ref_count(buf + a, lens[k]));
        }
    }
    /* runs of zeros or ones with one odd bit at every kind of position */
    static uint8_t z[700], o[700];
    for (size_t at = 0; at < 700 * 8; at += 37) {
        memset(z, 0, sizeof(z));
        memset(o, 0xff, sizeof(o));
        z[at >> 3] |= (uint8_t)(0x80 >> (at & 7));
        o[at >> 3] &= (uint8_t) ~(0x80 >> (at & 7));
        for (size_t a = 0; a < 3; a++) {
            CHECK(bits_find(z + a, sizeof(z) - a, 1) == ref_find(z + a, sizeof(z) - a, 1));
            CHECK(bits_find(o + a, sizeof(o) - a, 0) == ref_find(o + a, sizeof(o) - a, 0));
            CHECK(bits_find(z + a, sizeof(z) - a, 0) == ref_find(z + a, sizeof(z) - a, 0));
        }
    }
    memset(z, 0, sizeof(z));
    memset(o, 0xff, sizeof(o));
    CHECK(bits_find(z, sizeof(z), 1) == -1);
    CHECK(bits_find(o, sizeof(o), 0) == (int64_t)sizeof(o) * 8);
    CHECK(bits_find(z, 0, 0) == 0);
}

static void test_op(void) {
    uint8_t a[300], b[200], c[77], out[300];
    for (size_t i = 0; i < sizeof(a); i++) a[i] = (uint8_t)rnd();
    for (size_t i = 0; i < sizeof(b); i++) b[i] = (uint8_t)rnd();
    for (size_t i = 0; i < sizeof(c); i++) c[i] = (uint8_t)rnd();
    const uint8_t *src[3] = {c, a, b};
    size_t lens[3] = {sizeof(c), sizeof(a), sizeof(b)};
    for (int op = BITS_AND; op <= BITS_XOR; op++) {
        for (size_t n = 1; n <= 3; n++) {
            bits_op((BitsOp)op, out, sizeof(a), src, lens, n);
            bool same = true;
            for (size_t i = 0; i < sizeof(a); i++) {
                unsigned v = i < lens[0] ? src[0][i] : 0;
                for (size_t k = 1; k < n; k++) {
                    unsigned x = i < lens[k] ? src[k][i] : 0;
                    v = op == BITS_AND ? v & x : op == BITS_OR ? v | x : v ^ x;
                }
                same &= out[i] == (uint8_t)v;
            }
            CHECK(same);
        }
    }
    bits_op(BITS_NOT, out, sizeof(b), src + 2, lens + 2, 1);
    bool same = true;
    for (size_t i = 0; i < sizeof(b); i++) same &= (out[i] ^ b[i]) == 0xff;
    CHECK(same);
}

static void test_fields(void) {
    uint8_t buf[40], copy[40];
    for (size_t i = 0; i < sizeof(buf); i++) buf[i] = (uint8_t)rnd();
    for (unsigned w = 1; w <= 64; w++) {
        for (uint64_t off = 0; off < 80; off += 3) {
            CHECK(bits_get(buf, off, w) == ref_get(buf, off, w));
            uint64_t v = rnd();
            memcpy(copy, buf, sizeof(buf));
            bits_set(copy, off, w, v);
            uint64_t mask = w == 64 ? ~(uint64_t)0 : (UINT64_C(1) << w) - 1;
            CHECK(ref_get(copy, off, w) == (v & mask));
            /* the bits around the field are untouched */
            bool kept = true;
            for (uint64_t i = 0; i < sizeof(buf) * 8; i++)
                if (i < off || i >= off + w) kept &= bit_at(copy, i) == bit_at(buf, i);
            CHECK(kept);
        }
    }
}

int main(void) {
    for (int k = BITS_COUNT_PORTABLE; k <= BITS_COUNT_AVX2; k++)
        if (bits_use_count_kernel(k)) test_count_and_find(); /* each kernel the CPU has */
    bits_use_count_kernel(BITS_COUNT_BEST);
    test_count_and_find();
    test_op();
    test_fields();
    return unit_finish("bits");
}
