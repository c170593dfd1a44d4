/* tests/unit/test_hll.c -- ds/hll: element patterns (index and count of
 * known elements, as redis-server 7.0 puts them), the empty value's bytes,
 * sparse edits and their opcode layout, promotion, dense packing, and a
 * randomized run checking sparse and dense agree register for register. */
#include "ds/hll.h"

#include <stdio.h>

#include "unit.h"

static uint8_t sparse[HLL_DENSE_SIZE + 64], dense[HLL_DENSE_SIZE + 64];

static void test_patterns(void) {
    /* from PFDEBUG DECODE of redis-server after PFADD x <element> */
    struct { const char *ele; long index; int count; } known[] = {
        {"a", 12711, 2}, {"hello", 9216, 1}, {"", 5938, 2},
        {"12345678", 10579, 3}, {"123456789abcdef", 1977, 3},
    };
    for (size_t i = 0; i < ARRAY_LEN(known); i++) {
        long index;
        int count = hll_pattern(known[i].ele, strlen(known[i].ele), &index);
        CHECK(index == known[i].index);
        CHECK(count == known[i].count);
    }
}

static bool text_is(const uint8_t *s, size_t len, const char *want) {
    size_t n;
    char *t = hll_sparse_text(s, len, &n);
    bool ok = n == strlen(want) && memcmp(t, want, n) == 0;
    if (!ok) fprintf(stderr, "decode: %s (want %s)\n", t, want);
    mem_free(t);
    return ok;
}

static void test_sparse_edits(void) {
    size_t len = HLL_EMPTY_SIZE;
    hll_init(sparse);
    CHECK(memcmp(sparse, "HYLL\x01\0\0\0\0\0\0\0\0\0\0\0\x7f\xff", HLL_EMPTY_SIZE) == 0);
    CHECK(hll_header_ok(sparse, len));
    CHECK(text_is(sparse, len, "Z:16384"));
    CHECK(hll_set(sparse, &len, 0, 1, 3000) == HLL_CHANGED);
    CHECK(text_is(sparse, len, "v:1,1 Z:16383"));
    CHECK(!hll_cache_valid(sparse));
    CHECK(hll_set(sparse, &len, 1, 1, 3000) == HLL_CHANGED); /* merges into v:1,2 */
    CHECK(text_is(sparse, len, "v:1,2 Z:16382"));
    CHECK(hll_set(sparse, &len, 1, 1, 3000) == HLL_SAME);
    CHECK(hll_set(sparse, &len, 100, 5, 3000) == HLL_CHANGED);
    CHECK(text_is(sparse, len, "v:1,2 Z:98 v:5,1 Z:16283"));
    CHECK(hll_set(sparse, &len, 50, 2, 3000) == HLL_CHANGED);
    CHECK(text_is(sparse, len, "v:1,2 z:48 v:2,1 z:49 v:5,1 Z:16283"));
    CHECK(hll_set(sparse, &len, 1, 7, 3000) == HLL_CHANGED); /* splits the VAL */
    CHECK(text_is(sparse, len, "v:1,1 v:7,1 z:48 v:2,1 z:49 v:5,1 Z:16283"));
    CHECK(hll_set(sparse, &len, 7, 33, 3000) == HLL_PROMOTE); /* > 32 */
    size_t before = len;
    CHECK(hll_set(sparse, &len, 9000, 3, before) == HLL_PROMOTE); /* would grow */
    CHECK(len == before);
    uint64_t card;
    CHECK(hll_count(sparse, len, &card) && card == 4);
    CHECK(hll_to_dense(sparse, &len));
    CHECK(len == HLL_DENSE_SIZE && hll_encoding(sparse) == HLL_DENSE);
    CHECK(hll_dense_get(sparse, 1) == 7 && hll_dense_get(sparse, 100) == 5);
    CHECK(hll_dense_get(sparse, 2) == 0 && hll_dense_get(sparse, 16383) == 0);
    CHECK(hll_count(sparse, len, &card) && card == 4);
}

static void test_corrupt(void) {
    size_t len = HLL_EMPTY_SIZE;
    hll_init(sparse);
    sparse[len++] = 0x00; /* one zero too many */
    uint64_t card;
    uint8_t max[HLL_REGISTERS] = {0};
    CHECK(!hll_count(sparse, len, &card));
    CHECK(!hll_merge_max(sparse, len, max));
    CHECK(!hll_to_dense(sparse, &len));
    CHECK(hll_encoding(sparse) == HLL_SPARSE);
    len = HLL_HDR_SIZE + 1;
    sparse[HLL_HDR_SIZE] = 0x3f; /* 64 registers only */
    CHECK(!hll_count(sparse, len, &card));
    CHECK(hll_set(sparse, &len, 1000, 1, 3000) == HLL_CORRUPT);
    memcpy(dense, "HYLL", 4);
    dense[4] = HLL_DENSE;
    CHECK(hll_header_ok(dense, HLL_DENSE_SIZE));
    CHECK(!hll_header_ok(dense, HLL_DENSE_SIZE - 1));
    dense[4] = 2;
    CHECK(!hll_header_ok(dense, HLL_DENSE_SIZE));
}

/* Random registers through the sparse and dense forms agree. */
static void test_random_agreement(void) {
    uint64_t x = 88172645463325252ULL;
    for (int round = 0; round < 20; round++) {
        size_t slen = HLL_EMPTY_SIZE, dlen = HLL_DENSE_SIZE;
        hll_init(sparse);
        memset(dense, 0, sizeof(dense));
        memcpy(dense, "HYLL", 4);
        uint8_t want[HLL_REGISTERS] = {0};
        int n = 1 + round * 40;
        for (int i = 0; i < n; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            long index = (long)(x % HLL_REGISTERS);
            uint8_t count = (uint8_t)(1 + (x >> 32) % 32);
            if (round % 4 == 0) index = index % 64; /* crowded: VAL runs merge */
            int rs = hll_set(sparse, &slen, index, count, HLL_DENSE_SIZE - 64);
            int rd = hll_set(dense, &dlen, index, count, 0);
            CHECK(rs == rd);
            if (count > want[index]) want[index] = count;
        }
        uint8_t got[HLL_REGISTERS] = {0};
        CHECK(hll_merge_max(sparse, slen, got));
        CHECK(memcmp(got, want, sizeof(got)) == 0);
        uint64_t a, b;
        CHECK(hll_count(sparse, slen, &a) && hll_count(dense, dlen, &b) && a == b);
        CHECK(hll_count_raw(want) == a);
    }
}

int main(void) {
    test_patterns();
    test_sparse_edits();
    test_corrupt();
    test_random_agreement();
    CHECK(hll_selftest(3000) == NULL);
    return unit_finish("test_hll");
}
