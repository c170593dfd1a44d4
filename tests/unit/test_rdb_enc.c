/* tests/unit/test_rdb_enc.c -- persist/rdb_enc and persist/rdb_lp: length
 * encodings at every boundary, int/LZF/raw strings, Redis-layout listpack
 * entries at every integer and string boundary (bytes as Redis's listpack
 * spec gives them), the header, and the CRC-64 check value. Whole values
 * are compared with redis-server's DUMP by tests/integration/test_dump.py. */
#include "persist/rdb_enc.h"

#include <lzf.h>

#include "persist/crc64.h"
#include "persist/rdb_lp.h"
#include "unit.h"

#ifndef ARRAY_LEN
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#endif

static bool bytes_are(const RdbBuf *b, const void *want, size_t n) {
    return b->len == n && memcmp(b->buf, want, n) == 0;
}

#define EXPECT(b, lit) CHECK(bytes_are((b), lit, sizeof(lit) - 1))

static void test_len(void) {
    RdbBuf b;
    rdbbuf_init(&b, false);
    rdb_write_len(&b, 0);
    EXPECT(&b, "\x00");
    rdbbuf_reset(&b);
    rdb_write_len(&b, 63);
    EXPECT(&b, "\x3f");
    rdbbuf_reset(&b);
    rdb_write_len(&b, 64);
    EXPECT(&b, "\x40\x40");
    rdbbuf_reset(&b);
    rdb_write_len(&b, 16383);
    EXPECT(&b, "\x7f\xff");
    rdbbuf_reset(&b);
    rdb_write_len(&b, 16384);
    EXPECT(&b, "\x80\x00\x00\x40\x00");
    rdbbuf_reset(&b);
    rdb_write_len(&b, UINT32_MAX);
    EXPECT(&b, "\x80\xff\xff\xff\xff");
    rdbbuf_reset(&b);
    rdb_write_len(&b, (uint64_t)UINT32_MAX + 1);
    EXPECT(&b, "\x81\x00\x00\x00\x01\x00\x00\x00\x00");
    rdbbuf_reset(&b);
    rdb_write_u64le(&b, 0x0102030405060708ULL);
    EXPECT(&b, "\x08\x07\x06\x05\x04\x03\x02\x01");
    rdbbuf_reset(&b);
    rdb_write_binary_double(&b, 1.5);
    EXPECT(&b, "\x00\x00\x00\x00\x00\x00\xf8\x3f");
    rdbbuf_free(&b);
}

static void str_is(bool compress, const char *s, size_t len, const void *want, size_t wn) {
    RdbBuf b;
    rdbbuf_init(&b, compress);
    rdb_write_string(&b, s, len);
    CHECK(bytes_are(&b, want, wn));
    rdbbuf_free(&b);
}

#define STR(compress, s, lit) str_is(compress, s, strlen(s), lit, sizeof(lit) - 1)

static void test_strings(void) {
    STR(true, "", "\x00");
    STR(true, "a", "\x01" "a");
    STR(true, "0", "\xc0\x00");
    STR(true, "-1", "\xc0\xff");
    STR(true, "127", "\xc0\x7f");
    STR(true, "-128", "\xc0\x80");
    STR(true, "128", "\xc1\x80\x00");
    STR(true, "-129", "\xc1\x7f\xff");
    STR(true, "32767", "\xc1\xff\x7f");
    STR(true, "32768", "\xc2\x00\x80\x00\x00");
    STR(true, "-32769", "\xc2\xff\x7f\xff\xff");
    STR(true, "2147483647", "\xc2\xff\xff\xff\x7f");
    STR(true, "-2147483648", "\xc2\x00\x00\x00\x80");
    STR(true, "2147483648", "\x0a" "2147483648");        /* past int32: text */
    STR(true, "12345678901", "\x0b" "12345678901");
    STR(true, "007", "\x03" "007");                      /* not canonical */
    STR(true, "+1", "\x02" "+1");
    STR(true, "-0", "\x02" "-0");
    STR(true, "1.5", "\x03" "1.5");
    STR(true, "xxxxxxxxxxxxxxxxxxxx", "\x14xxxxxxxxxxxxxxxxxxxx"); /* 20: never LZF */
    STR(false, "xxxxxxxxxxxxxxxxxxxxx", "\x15xxxxxxxxxxxxxxxxxxxxx");

    /* 21 x's compress: 0xC3, len(compressed), len(original), LZF bytes
     * that decompress to the original */
    char src[1000];
    memset(src, 'x', sizeof(src));
    RdbBuf b;
    rdbbuf_init(&b, true);
    rdb_write_string(&b, src, 21);
    CHECK(b.len > 3 && b.buf[0] == 0xC3 && b.buf[2] == 21 && b.buf[1] == b.len - 3);
    char out[64];
    CHECK(lzf_decompress(b.buf + 3, b.buf[1], out, sizeof(out)) == 21 &&
          memcmp(out, src, 21) == 0);
    rdbbuf_reset(&b);
    rdb_write_string(&b, src, sizeof(src)); /* 1000: 14-bit lengths */
    CHECK(b.buf[0] == 0xC3 && b.buf[b.buf[1] & 0x40 ? 3 : 2] == 0x43);
    /* incompressible: raw */
    unsigned char rnd[200];
    uint64_t x = 88172645463325252ULL;
    for (size_t i = 0; i < sizeof(rnd); i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        rnd[i] = (unsigned char)x;
    }
    rdbbuf_reset(&b);
    rdb_write_string(&b, (const char *)rnd, sizeof(rnd));
    CHECK(b.len == 2 + sizeof(rnd) && b.buf[0] == 0x40 && b.buf[1] == 200 &&
          memcmp(b.buf + 2, rnd, sizeof(rnd)) == 0);
    rdbbuf_free(&b);

    rdbbuf_init(&b, true);
    rdb_write_int_string(&b, 5);
    EXPECT(&b, "\xc0\x05");
    rdbbuf_reset(&b);
    rdb_write_int_string(&b, INT64_MIN);
    EXPECT(&b, "\x14-9223372036854775808");
    rdbbuf_free(&b);
}

/* One element in a Redis listpack: the entry's bytes after the header. */
static bool entry_is(const char *s, size_t len, bool as_int, int64_t v, const void *want,
                     size_t wn) {
    RedisLp lp;
    rlp_init(&lp);
    rlp_begin(&lp);
    if (as_int) rlp_add_int(&lp, v);
    else rlp_add_str(&lp, s, len);
    rlp_finish(&lp);
    bool ok = lp.out.len == 6 + wn + 1 && memcmp(lp.out.buf + 6, want, wn) == 0 &&
              lp.out.buf[lp.out.len - 1] == 0xFF && lp.out.buf[4] == 1 && lp.out.buf[5] == 0 &&
              (size_t)(lp.out.buf[0] | lp.out.buf[1] << 8 | lp.out.buf[2] << 16) == lp.out.len;
    rlp_free(&lp);
    return ok;
}

#define INT_ENTRY(v, lit) CHECK(entry_is(NULL, 0, true, (v), lit, sizeof(lit) - 1))
#define STR_ENTRY(s, lit) CHECK(entry_is((s), strlen(s), false, 0, lit, sizeof(lit) - 1))

static void test_lp_ints(void) {
    INT_ENTRY(0, "\x00\x01");
    INT_ENTRY(127, "\x7f\x01");
    INT_ENTRY(128, "\xc0\x80\x02");
    INT_ENTRY(-1, "\xdf\xff\x02");
    INT_ENTRY(4095, "\xcf\xff\x02");
    INT_ENTRY(-4096, "\xd0\x00\x02");
    INT_ENTRY(4096, "\xf1\x00\x10\x03");
    INT_ENTRY(-4097, "\xf1\xff\xef\x03");
    INT_ENTRY(32767, "\xf1\xff\x7f\x03");
    INT_ENTRY(-32768, "\xf1\x00\x80\x03");
    INT_ENTRY(32768, "\xf2\x00\x80\x00\x04");
    INT_ENTRY(-32769, "\xf2\xff\x7f\xff\x04");
    INT_ENTRY(8388607, "\xf2\xff\xff\x7f\x04");
    INT_ENTRY(-8388608, "\xf2\x00\x00\x80\x04");
    INT_ENTRY(8388608, "\xf3\x00\x00\x80\x00\x05");
    INT_ENTRY(INT32_MAX, "\xf3\xff\xff\xff\x7f\x05");
    INT_ENTRY(INT32_MIN, "\xf3\x00\x00\x00\x80\x05");
    INT_ENTRY((int64_t)INT32_MAX + 1, "\xf4\x00\x00\x00\x80\x00\x00\x00\x00\x09");
    INT_ENTRY(INT64_MIN, "\xf4\x00\x00\x00\x00\x00\x00\x00\x80\x09");
    /* canonical integer strings become integers; others stay strings */
    STR_ENTRY("4095", "\xcf\xff\x02");
    STR_ENTRY("-9223372036854775808", "\xf4\x00\x00\x00\x00\x00\x00\x00\x80\x09");
    STR_ENTRY("9223372036854775808", "\x93" "9223372036854775808" "\x14");
    STR_ENTRY("01", "\x82" "01" "\x03");
    STR_ENTRY("-0", "\x82" "-0" "\x03");
    STR_ENTRY("", "\x80\x01");
}

/* A string entry of n bytes: encoding bytes and backlen around the data. */
static void str_entry_of(size_t n, const void *enc, size_t en, const void *back, size_t bn) {
    char *s = mem_alloc(n);
    memset(s, 'q', n);
    RedisLp lp;
    rlp_init(&lp);
    rlp_begin(&lp);
    rlp_add_str(&lp, s, n);
    rlp_finish(&lp);
    CHECK(lp.out.len == 6 + en + n + bn + 1);
    CHECK(memcmp(lp.out.buf + 6, enc, en) == 0);
    CHECK(memcmp(lp.out.buf + 6 + en + n, back, bn) == 0);
    rlp_free(&lp);
    mem_free(s);
}

#define SE(n, enc, back) str_entry_of((n), enc, sizeof(enc) - 1, back, sizeof(back) - 1)

static void test_lp_strings(void) {
    SE(1, "\x81", "\x02");
    SE(63, "\xbf", "\x40");
    SE(64, "\xe0\x40", "\x42");             /* 12-bit length */
    SE(125, "\xe0\x7d", "\x7f");            /* entry of 127 bytes: 1-byte backlen */
    SE(126, "\xe0\x7e", "\x01\x80");        /* 128: two bytes, low 7 bits last */
    SE(4095, "\xef\xff", "\x20\x81");       /* 4097 = 32 * 128 + 1 */
    SE(4096, "\xf0\x00\x10\x00\x00", "\x20\x85"); /* 32-bit length, 4101 */
    SE(16377, "\xf0\xf9\x3f\x00\x00", "\x7f\xfe"); /* 16382: still 2 bytes */
    SE(16378, "\xf0\xfa\x3f\x00\x00", "\x00\xff\xff"); /* 16383: 3 bytes */
    SE(2097145, "\xf0\xf9\xff\x1f\x00", "\x7f\xff\xfe"); /* 2097150: 3 bytes */
    SE(2097146, "\xf0\xfa\xff\x1f\x00", "\x00\xff\xff\xff"); /* 2097151: 4 bytes */
}

static void test_lp_header(void) {
    RedisLp lp;
    rlp_init(&lp);
    rlp_begin(&lp);
    rlp_finish(&lp);
    CHECK(lp.out.len == 7 && memcmp(lp.out.buf, "\x07\x00\x00\x00\x00\x00\xff", 7) == 0);
    for (int pass = 0; pass < 2; pass++) {
        size_t n = pass ? 65535 : 65534;
        rlp_begin(&lp);
        for (size_t i = 0; i < n; i++) rlp_add_int(&lp, 1);
        rlp_finish(&lp);
        CHECK(lp.out.len == 6 + 2 * n + 1);
        /* 65535 and more: "unknown", the reader counts */
        CHECK((lp.out.buf[4] | lp.out.buf[5] << 8) == (pass ? 65535 : 65534));
    }
    rlp_begin(&lp);
    for (size_t i = 0; i < 70000; i++) rlp_add_int(&lp, 1);
    rlp_finish(&lp);
    CHECK((lp.out.buf[4] | lp.out.buf[5] << 8) == 65535);
    LpVal v = {NULL, 0, -4096};
    rlp_begin(&lp);
    rlp_add_val(&lp, &v);
    v.s = "ab";
    v.len = 2;
    rlp_add_val(&lp, &v);
    rlp_finish(&lp);
    CHECK(lp.out.len == 14 && memcmp(lp.out.buf, "\x0e\x00\x00\x00\x02\x00\xd0\x00\x02\x82" "ab\x03\xff",
                                     14) == 0);
    rlp_free(&lp);
}

/* lp_to_redis (a tag-rewriting copy) equals the element-by-element
 * re-encoding for every kind of element kilat's listpack holds. */
static void test_lp_to_redis(void) {
    static const int64_t ints[] = {0, 1, 127, 128, -1, -2048, 2047, 2048, -2049, 4095, 4096,
                                   -4096, -4097, 32767, -32768, 32768, -32769, 8388607,
                                   -8388608, 8388608, -8388609, INT32_MAX, INT32_MIN,
                                   (int64_t)INT32_MAX + 1, INT64_MAX, INT64_MIN};
    static const size_t lens[] = {0, 1, 63, 64, 125, 126, 4095, 4096, 16377, 16378, 70000};
    char *big = mem_alloc(70000);
    memset(big, 's', 70000);
    unsigned char *klp = lp_new();
    RedisLp ref;
    rlp_init(&ref);
    uint64_t x = 12345;
    for (int round = 0; round < 3; round++) {
        for (size_t i = 0; i < 400; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            if (x % 3) {
                klp = lp_append_int(klp, ints[x % ARRAY_LEN(ints)]);
            } else {
                size_t n = lens[(x >> 8) % ARRAY_LEN(lens)];
                klp = lp_append(klp, big, n > 100 && round == 0 ? 100 : n);
            }
        }
        rlp_begin(&ref);
        LpVal v;
        for (unsigned char *p = lp_first(klp); p; p = lp_next(klp, p)) {
            lp_get(p, &v);
            rlp_add_val(&ref, &v);
        }
        rlp_finish(&ref);
        size_t n = lp_redis_bytes(klp);
        unsigned char *out = mem_alloc(n);
        lp_to_redis(klp, out);
        CHECK(n == ref.out.len && memcmp(out, ref.out.buf, n) == 0);
        mem_free(out);
    }
    rlp_free(&ref);
    lp_free(klp);
    mem_free(big);
}

static void test_crc64(void) {
    CHECK(crc64(0, "123456789", 9) == 0xe9c6d914c4b8d9caULL);
    /* continuing a crc over pieces equals one pass */
    uint64_t a = crc64(0, "12345", 5);
    CHECK(crc64(a, "6789", 4) == 0xe9c6d914c4b8d9caULL);
}

int main(void) {
    test_len();
    test_strings();
    test_lp_ints();
    test_lp_strings();
    test_lp_header();
    test_lp_to_redis();
    test_crc64();
    return unit_finish("test_rdb_enc");
}
