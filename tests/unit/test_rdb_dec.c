/* tests/unit/test_rdb_dec.c -- persist/rdb_dec and rdb_load: every value
 * encoding decoded from hand-made bytes (ziplist, listpack, intset, zipmap
 * built here byte by byte), the encodings picked after loading, corrupt
 * blobs refused, every truncation of every payload refused without a leak,
 * lying lengths refused before any allocation, and whole files: the suite's
 * assets (when present), a truncated copy, a flipped CRC. */
#include "persist/rdb_dec.h"

#include <lzf.h>
#include <math.h>
#include <stdio.h>
#include <unistd.h>

#include "core/config.h"
#include "core/db.h"
#include "core/t_hash.h"
#include "core/t_set.h"
#include "core/t_zset.h"
#include "ds/quicklist.h"
#include "persist/crc64.h"
#include "persist/rdb_format.h"
#include "persist/rdb_load.h"
#include "unit.h"

void list_register_type(void);

/* ---- byte builders ------------------------------------------------------ */

typedef struct {
    unsigned char b[4096];
    size_t n;
} Buf;

static void put(Buf *x, const void *p, size_t n) {
    memcpy(x->b + x->n, p, n);
    x->n += n;
}
static void put1(Buf *x, unsigned v) { x->b[x->n++] = (unsigned char)v; }
static void put32le(Buf *x, uint32_t v) {
    for (int i = 0; i < 4; i++) put1(x, (v >> (8 * i)) & 0xff);
}
static void put16le(Buf *x, unsigned v) {
    put1(x, v & 0xff);
    put1(x, (v >> 8) & 0xff);
}
/* An RDB string of < 64 bytes (6-bit length). */
static void put_str(Buf *x, const char *s) {
    put1(x, (unsigned)strlen(s));
    put(x, s, strlen(s));
}
static void put_blob(Buf *x, const Buf *blob) {
    if (blob->n < 64) {
        put1(x, (unsigned)blob->n);
    } else {
        put1(x, 0x40 | (unsigned)(blob->n >> 8));
        put1(x, blob->n & 0xff);
    }
    put(x, blob->b, blob->n);
}

/* A ziplist of items: "#n" is the small integer n (0..12), else a string. */
static void ziplist(Buf *z, const char *const *items, size_t k) {
    z->n = 10;
    size_t prev = 0, last = 10;
    for (size_t i = 0; i < k; i++) {
        last = z->n;
        size_t start = z->n;
        put1(z, (unsigned)prev);
        if (items[i][0] == '#') {
            put1(z, 0xF1 + (unsigned)atoi(items[i] + 1));
        } else {
            put1(z, (unsigned)strlen(items[i]));
            put(z, items[i], strlen(items[i]));
        }
        prev = z->n - start;
    }
    put1(z, 0xFF);
    size_t n = z->n;
    z->n = 0;
    put32le(z, (uint32_t)n);
    put32le(z, (uint32_t)last);
    put16le(z, (unsigned)k);
    z->n = n;
}

/* A listpack of items: "#n" is the 7-bit integer n, else a string. */
static void listpack(Buf *l, const char *const *items, size_t k) {
    l->n = 6;
    for (size_t i = 0; i < k; i++) {
        if (items[i][0] == '#') {
            put1(l, (unsigned)atoi(items[i] + 1));
            put1(l, 1);
        } else {
            size_t len = strlen(items[i]);
            put1(l, 0x80 | (unsigned)len);
            put(l, items[i], len);
            put1(l, (unsigned)len + 1);
        }
    }
    put1(l, 0xFF);
    size_t n = l->n;
    l->n = 0;
    put32le(l, (uint32_t)n);
    put16le(l, (unsigned)k);
    l->n = n;
}

static void intset16(Buf *s, const int *v, size_t k) {
    s->n = 0;
    put32le(s, 2);
    put32le(s, (uint32_t)k);
    for (size_t i = 0; i < k; i++) put16le(s, (unsigned)(v[i] & 0xffff));
}

static void zipmap(Buf *z, const char *const *items, size_t pairs) {
    z->n = 0;
    put1(z, (unsigned)pairs);
    for (size_t i = 0; i < pairs; i++) {
        put_str(z, items[2 * i]);
        put1(z, (unsigned)strlen(items[2 * i + 1]));
        put1(z, 0); /* free */
        put(z, items[2 * i + 1], strlen(items[2 * i + 1]));
    }
    put1(z, 0xFF);
}

/* ---- decoding helpers --------------------------------------------------- */

static bool decode(const Buf *x, int type, RdbValue *v, char *err) {
    RdbReader r;
    rdb_reader_mem(&r, x->b, x->n, RDB_VERSION);
    bool ok = rdb_read_value(&r, type, v);
    if (err) snprintf(err, 160, "%s", r.err);
    return ok;
}

/* Every strict prefix of x fails, and nothing leaks. */
static void check_truncations(const Buf *x, int type) {
    size_t before = mem_used();
    int bad = 0;
    for (size_t n = 0; n < x->n; n++) {
        RdbReader r;
        RdbValue v;
        rdb_reader_mem(&r, x->b, n, RDB_VERSION);
        if (rdb_read_value(&r, type, &v)) {
            bad++;
            rdb_value_free(&v);
        } else if (!r.err[0]) {
            bad++;
        }
    }
    CHECK(bad == 0);
    CHECK(mem_used() == before);
}

static bool hash_has(Hash *h, const char *f, const char *want) {
    HashVal v;
    if (!hash_get(h, f, strlen(f), &v)) return false;
    char buf[24];
    if (!v.s) {
        snprintf(buf, sizeof(buf), "%lld", (long long)v.v);
        return strcmp(buf, want) == 0;
    }
    return v.len == strlen(want) && memcmp(v.s, want, v.len) == 0;
}

static bool list_at(Quicklist *ql, long i, const char *want) {
    LpVal v;
    if (!ql_index(ql, i, &v)) return false;
    char buf[24];
    if (!v.s) {
        snprintf(buf, sizeof(buf), "%lld", (long long)v.v);
        return strcmp(buf, want) == 0;
    }
    return v.len == strlen(want) && memcmp(v.s, want, v.len) == 0;
}

/* ---- tests -------------------------------------------------------------- */

static void test_strings(void) {
    Buf x = {.n = 0};
    RdbValue v;
    put_str(&x, "hello");
    CHECK(decode(&x, RDB_TYPE_STRING, &v, NULL) && v.type == TYPE_STRING);
    CHECK_MEM(v.str, v.len, "hello");
    rdb_value_free(&v);
    check_truncations(&x, RDB_TYPE_STRING);

    unsigned char i8[] = {0xC0, 0x85}, i16[] = {0xC1, 0x39, 0x30}, i32[] = {0xC2, 0xff, 0xff, 0xff, 0xff};
    x.n = 0;
    put(&x, i8, 2);
    CHECK(decode(&x, RDB_TYPE_STRING, &v, NULL));
    CHECK_MEM(v.str, v.len, "-123");
    rdb_value_free(&v);
    x.n = 0;
    put(&x, i16, 3);
    CHECK(decode(&x, RDB_TYPE_STRING, &v, NULL));
    CHECK_MEM(v.str, v.len, "12345");
    rdb_value_free(&v);
    x.n = 0;
    put(&x, i32, 5);
    CHECK(decode(&x, RDB_TYPE_STRING, &v, NULL));
    CHECK_MEM(v.str, v.len, "-1");
    rdb_value_free(&v);
    check_truncations(&x, RDB_TYPE_STRING);

    /* LZF */
    char plain[200], comp[400];
    for (int i = 0; i < 200; i++) plain[i] = "abcabcab"[i % 8];
    unsigned cl = lzf_compress(plain, 200, comp, sizeof(comp));
    CHECK(cl > 0 && cl < 64);
    x.n = 0;
    put1(&x, 0xC3);
    put1(&x, cl);
    put1(&x, 0x40);
    put1(&x, 200);
    put(&x, comp, cl);
    CHECK(decode(&x, RDB_TYPE_STRING, &v, NULL) && v.len == 200 && memcmp(v.str, plain, 200) == 0);
    rdb_value_free(&v);
    check_truncations(&x, RDB_TYPE_STRING);
    /* the wrong uncompressed length is refused */
    x.b[3] = 199;
    CHECK(!decode(&x, RDB_TYPE_STRING, &v, NULL));
    /* a huge claimed length is refused before allocating */
    x.n = 0;
    put1(&x, 0xC3);
    put1(&x, cl);
    unsigned char big[] = {0x81, 0x10, 0, 0, 0, 0, 0, 0, 0};
    put(&x, big, 9);
    put(&x, comp, cl);
    size_t before = mem_used();
    CHECK(!decode(&x, RDB_TYPE_STRING, &v, NULL));
    CHECK(mem_used() == before);
    /* 2^60 raw length */
    x.n = 0;
    put(&x, big, 9);
    put_str(&x, "abc");
    CHECK(!decode(&x, RDB_TYPE_STRING, &v, NULL));
}

static void test_plain_types(void) {
    Buf x = {.n = 0};
    RdbValue v;
    char err[160];
    /* LIST */
    put1(&x, 3);
    put_str(&x, "a");
    put_str(&x, "bb");
    put_str(&x, "7");
    CHECK(decode(&x, RDB_TYPE_LIST, &v, NULL) && v.type == TYPE_LIST && ql_count(v.obj) == 3);
    CHECK(list_at(v.obj, 0, "a") && list_at(v.obj, 2, "7"));
    rdb_value_free(&v);
    check_truncations(&x, RDB_TYPE_LIST);
    /* SET: integers stay an intset, a string makes a table, dups refused */
    x.n = 0;
    put1(&x, 2);
    put_str(&x, "1");
    put_str(&x, "2");
    CHECK(decode(&x, RDB_TYPE_SET, &v, NULL) && set_is_intset(v.obj) && set_len(v.obj) == 2);
    rdb_value_free(&v);
    x.n = 0;
    put1(&x, 2);
    put_str(&x, "1");
    put_str(&x, "x");
    CHECK(decode(&x, RDB_TYPE_SET, &v, NULL) && !set_is_intset(v.obj));
    CHECK(set_contains(v.obj, "x", 1) && set_contains(v.obj, "1", 1));
    rdb_value_free(&v);
    check_truncations(&x, RDB_TYPE_SET);
    x.n = 0;
    put1(&x, 2);
    put_str(&x, "x");
    put_str(&x, "x");
    CHECK(!decode(&x, RDB_TYPE_SET, &v, err) && strstr(err, "Duplicate"));
    /* HASH */
    x.n = 0;
    put1(&x, 2);
    put_str(&x, "f1");
    put_str(&x, "v1");
    put_str(&x, "f2");
    put_str(&x, "v2");
    CHECK(decode(&x, RDB_TYPE_HASH, &v, NULL) && hash_len(v.obj) == 2);
    CHECK(strcmp(hash_encoding(v.obj), "listpack") == 0 && hash_has(v.obj, "f2", "v2"));
    rdb_value_free(&v);
    check_truncations(&x, RDB_TYPE_HASH);
    /* ZSET (text scores: "1.5", +inf) and ZSET_2 (binary) */
    x.n = 0;
    put1(&x, 2);
    put_str(&x, "a");
    put_str(&x, "1.5");
    put_str(&x, "b");
    put1(&x, 254);
    double d;
    CHECK(decode(&x, RDB_TYPE_ZSET, &v, NULL) && zset_len(v.obj) == 2);
    CHECK(zset_score(v.obj, "a", 1, &d) && d == 1.5);
    CHECK(zset_score(v.obj, "b", 1, &d) && isinf(d) && d > 0);
    rdb_value_free(&v);
    check_truncations(&x, RDB_TYPE_ZSET);
    x.b[x.n - 1] = 253; /* nan */
    CHECK(!decode(&x, RDB_TYPE_ZSET, &v, err) && strstr(err, "NAN"));
    x.n = 0;
    put1(&x, 1);
    put_str(&x, "m");
    double two = -2.25;
    put(&x, &two, 8);
    CHECK(decode(&x, RDB_TYPE_ZSET_2, &v, NULL) && zset_score(v.obj, "m", 1, &d) && d == -2.25);
    rdb_value_free(&v);
    check_truncations(&x, RDB_TYPE_ZSET_2);
    /* a repeated member is refused, and the half-built set freed */
    x.n = 0;
    put1(&x, 3);
    put_str(&x, "m");
    put(&x, &two, 8);
    put_str(&x, "n");
    put(&x, &two, 8);
    put_str(&x, "m");
    put(&x, &two, 8);
    CHECK(!decode(&x, RDB_TYPE_ZSET_2, &v, err) && strstr(err, "Duplicate"));
    /* out of order input comes out ordered; past the entries limit a skiplist */
    x.n = 0;
    put1(&x, 3);
    const char *names[] = {"c", "a", "b"};
    double sc[] = {3, 1, 2};
    for (int i = 0; i < 3; i++) {
        put_str(&x, names[i]);
        put(&x, &sc[i], 8);
    }
    CHECK(decode(&x, RDB_TYPE_ZSET_2, &v, NULL) && zset_is_listpack(v.obj) &&
          zset_rank(v.obj, "a", 1, false) == 0 && zset_rank(v.obj, "c", 1, false) == 2);
    rdb_value_free(&v);
    cfg.zset_max_listpack_entries = 2;
    CHECK(decode(&x, RDB_TYPE_ZSET_2, &v, NULL) && !zset_is_listpack(v.obj) &&
          zset_rank(v.obj, "b", 1, false) == 1);
    rdb_value_free(&v);
    cfg.zset_max_listpack_entries = 128;
    /* empty collections decode to "no object" */
    x.n = 0;
    put1(&x, 0);
    CHECK(decode(&x, RDB_TYPE_SET, &v, NULL) && v.obj == NULL);
    /* a lying count runs out of bytes instead of allocating */
    x.n = 0;
    unsigned char big[] = {0x81, 0x02, 0x5F, 0x31, 0xC0, 0x00, 0xC0, 0x02, 0x09};
    put(&x, big, 9);
    CHECK(!decode(&x, RDB_TYPE_SET, &v, NULL));
    /* a stream whose node count lies runs out of bytes too (streams are
     * tested in test_rdb_stream.c); modules are refused by name */
    CHECK(!decode(&x, RDB_TYPE_STREAM_LISTPACKS, &v, err) && !strstr(err, "not supported"));
    CHECK(!decode(&x, RDB_TYPE_MODULE_2, &v, err) && strstr(err, "module"));
    CHECK(!decode(&x, 8, &v, err) && strstr(err, "Unknown"));
}

static void test_blobs(void) {
    Buf b = {.n = 0}, x = {.n = 0};
    RdbValue v;
    char err[160];
    double d;
    /* zipmap hash */
    const char *zm[] = {"f1", "v1", "f2", "v2"};
    zipmap(&b, zm, 2);
    put_blob(&x, &b);
    CHECK(decode(&x, RDB_TYPE_HASH_ZIPMAP, &v, NULL) && hash_len(v.obj) == 2 &&
          hash_has(v.obj, "f1", "v1") && strcmp(hash_encoding(v.obj), "listpack") == 0);
    rdb_value_free(&v);
    check_truncations(&x, RDB_TYPE_HASH_ZIPMAP);
    cfg.hash_max_listpack_value = 1;
    CHECK(decode(&x, RDB_TYPE_HASH_ZIPMAP, &v, NULL) && strcmp(hash_encoding(v.obj), "hashtable") == 0);
    rdb_value_free(&v);
    cfg.hash_max_listpack_value = 64;
    /* list ziplist */
    const char *li[] = {"a", "#5", "ccc"};
    ziplist(&b, li, 3);
    x.n = 0;
    put_blob(&x, &b);
    CHECK(decode(&x, RDB_TYPE_LIST_ZIPLIST, &v, NULL) && ql_count(v.obj) == 3 &&
          list_at(v.obj, 1, "5") && list_at(v.obj, 2, "ccc"));
    rdb_value_free(&v);
    check_truncations(&x, RDB_TYPE_LIST_ZIPLIST);
    /* a wrong prevlen, a wrong count, a wrong zlbytes */
    x.b[1 + 10 + 3] = 9;
    CHECK(!decode(&x, RDB_TYPE_LIST_ZIPLIST, &v, err) && strstr(err, "integrity check failed"));
    x.n = 0;
    put_blob(&x, &b);
    x.b[1 + 8] = 4;
    CHECK(!decode(&x, RDB_TYPE_LIST_ZIPLIST, &v, NULL));
    x.n = 0;
    put_blob(&x, &b);
    x.b[1] = 0x30;
    CHECK(!decode(&x, RDB_TYPE_LIST_ZIPLIST, &v, NULL));
    /* quicklist of ziplists */
    x.n = 0;
    put1(&x, 2);
    put_blob(&x, &b);
    put_blob(&x, &b);
    CHECK(decode(&x, RDB_TYPE_LIST_QUICKLIST, &v, NULL) && ql_count(v.obj) == 6);
    rdb_value_free(&v);
    check_truncations(&x, RDB_TYPE_LIST_QUICKLIST);
    /* hash and zset ziplists; dups and odd counts refused */
    const char *hz[] = {"f", "#3", "g", "vv"};
    ziplist(&b, hz, 4);
    x.n = 0;
    put_blob(&x, &b);
    CHECK(decode(&x, RDB_TYPE_HASH_ZIPLIST, &v, NULL) && hash_has(v.obj, "f", "3") &&
          hash_has(v.obj, "g", "vv"));
    rdb_value_free(&v);
    check_truncations(&x, RDB_TYPE_HASH_ZIPLIST);
    cfg.hash_max_listpack_entries = 1;
    CHECK(decode(&x, RDB_TYPE_HASH_ZIPLIST, &v, NULL) && strcmp(hash_encoding(v.obj), "hashtable") == 0);
    rdb_value_free(&v);
    cfg.hash_max_listpack_entries = 512;
    const char *hd[] = {"f", "1", "f", "2"};
    ziplist(&b, hd, 4);
    x.n = 0;
    put_blob(&x, &b);
    CHECK(!decode(&x, RDB_TYPE_HASH_ZIPLIST, &v, err) && strstr(err, "integrity check failed"));
    ziplist(&b, hd, 3);
    x.n = 0;
    put_blob(&x, &b);
    CHECK(!decode(&x, RDB_TYPE_HASH_ZIPLIST, &v, NULL));
    const char *zz[] = {"one", "#1", "two", "2.5"};
    ziplist(&b, zz, 4);
    x.n = 0;
    put_blob(&x, &b);
    CHECK(decode(&x, RDB_TYPE_ZSET_ZIPLIST, &v, NULL) && zset_is_listpack(v.obj) &&
          zset_score(v.obj, "two", 3, &d) && d == 2.5);
    rdb_value_free(&v);
    check_truncations(&x, RDB_TYPE_ZSET_ZIPLIST);
    cfg.zset_max_listpack_entries = 1;
    CHECK(decode(&x, RDB_TYPE_ZSET_ZIPLIST, &v, NULL) && !zset_is_listpack(v.obj));
    rdb_value_free(&v);
    cfg.zset_max_listpack_entries = 128;
    /* intset; unsorted and empty refused; too many becomes a table */
    int iv[] = {-3, 7, 300};
    intset16(&b, iv, 3);
    x.n = 0;
    put_blob(&x, &b);
    CHECK(decode(&x, RDB_TYPE_SET_INTSET, &v, NULL) && set_is_intset(v.obj) && set_len(v.obj) == 3 &&
          set_contains(v.obj, "-3", 2));
    rdb_value_free(&v);
    check_truncations(&x, RDB_TYPE_SET_INTSET);
    cfg.set_max_intset_entries = 2;
    CHECK(decode(&x, RDB_TYPE_SET_INTSET, &v, NULL) && !set_is_intset(v.obj));
    rdb_value_free(&v);
    cfg.set_max_intset_entries = 512;
    int un[] = {7, 3};
    intset16(&b, un, 2);
    x.n = 0;
    put_blob(&x, &b);
    CHECK(!decode(&x, RDB_TYPE_SET_INTSET, &v, err) && strstr(err, "Intset integrity"));
    intset16(&b, un, 0);
    x.n = 0;
    put_blob(&x, &b);
    CHECK(!decode(&x, RDB_TYPE_SET_INTSET, &v, NULL));
    /* listpacks: hash, zset, quicklist 2 (packed and plain nodes) */
    const char *hl[] = {"f", "#100", "g", "val"};
    listpack(&b, hl, 4);
    x.n = 0;
    put_blob(&x, &b);
    CHECK(decode(&x, RDB_TYPE_HASH_LISTPACK, &v, NULL) && hash_has(v.obj, "f", "100"));
    rdb_value_free(&v);
    check_truncations(&x, RDB_TYPE_HASH_LISTPACK);
    x.b[1 + 6 + 2] = 0x09; /* bad backlen of the first entry */
    CHECK(!decode(&x, RDB_TYPE_HASH_LISTPACK, &v, err) && strstr(err, "integrity check failed"));
    const char *hdl[] = {"f", "1", "f", "2"};
    listpack(&b, hdl, 4);
    x.n = 0;
    put_blob(&x, &b);
    CHECK(!decode(&x, RDB_TYPE_HASH_LISTPACK, &v, err) && strstr(err, "listpack with dup elements"));
    const char *zl[] = {"a", "#7", "b", "-1.5"};
    listpack(&b, zl, 4);
    x.n = 0;
    put_blob(&x, &b);
    CHECK(decode(&x, RDB_TYPE_ZSET_LISTPACK, &v, NULL) && zset_score(v.obj, "b", 1, &d) && d == -1.5);
    rdb_value_free(&v);
    check_truncations(&x, RDB_TYPE_ZSET_LISTPACK);
    const char *ll[] = {"x", "#1"};
    listpack(&b, ll, 2);
    x.n = 0;
    put1(&x, 2);
    put1(&x, RDB_QL_PACKED);
    put_blob(&x, &b);
    put1(&x, RDB_QL_PLAIN);
    put_str(&x, "plainnode");
    CHECK(decode(&x, RDB_TYPE_LIST_QUICKLIST_2, &v, NULL) && ql_count(v.obj) == 3 &&
          list_at(v.obj, 2, "plainnode"));
    rdb_value_free(&v);
    check_truncations(&x, RDB_TYPE_LIST_QUICKLIST_2);
    x.b[1] = 3; /* bad container */
    CHECK(!decode(&x, RDB_TYPE_LIST_QUICKLIST_2, &v, NULL));
}

static void test_payload(void) {
    unsigned char p[32];
    size_t n = 0, body;
    int ver;
    p[n++] = RDB_TYPE_STRING;
    p[n++] = 1;
    p[n++] = 'x';
    p[n++] = 10;
    p[n++] = 0;
    uint64_t crc = crc64(0, p, n);
    for (int i = 0; i < 8; i++) p[n++] = (unsigned char)(crc >> (8 * i));
    CHECK(rdb_payload_verify(p, n, &body, &ver) && body == 3 && ver == 10);
    p[2] = 'y';
    CHECK(!rdb_payload_verify(p, n, &body, &ver));
    rdb_set_skip_checksum(true);
    CHECK(rdb_payload_verify(p, n, &body, &ver));
    rdb_set_skip_checksum(false);
    p[3] = 11; /* a version from the future */
    CHECK(!rdb_payload_verify(p, n, &body, &ver));
    CHECK(!rdb_payload_verify(p, 9, &body, &ver));
}

/* ---- whole files -------------------------------------------------------- */

/* relative: `make unit` runs from the repository (the suite is unpacked
 * there by `make redis-suite`; test_rdb_interop.py fetches it itself) */
#define ASSETS "build/redis-suite/redis/tests/assets/"

static size_t total_keys(void) {
    size_t k = 0;
    for (int i = 0; i < db_count_dbs(); i++) k += db_size(db_get(i));
    return k;
}
static void flush_all(void) {
    for (int i = 0; i < db_count_dbs(); i++) db_flush(db_get(i), false);
}

static void write_file(const char *path, const unsigned char *p, size_t n) {
    FILE *f = fopen(path, "wb");
    fwrite(p, 1, n, f);
    fclose(f);
}

typedef struct {
    int calls;
    uint64_t last, size;
    bool monotonic;
} Progress;

static void on_progress(void *ctx, uint64_t bytes, uint64_t size) {
    Progress *p = ctx;
    if (p->calls == 0) p->monotonic = true;
    if (bytes < p->last) p->monotonic = false;
    p->calls++;
    p->last = bytes;
    p->size = size;
}

static void test_files(void) {
    char err[512];
    RdbLoadStats st;
    CHECK(!rdb_load_file("/nonexistent/x.rdb", NULL, &st, err, sizeof(err)) && st.missing);

    /* a file made here: header, aux, db 0 with an expired and a live key, CRC */
    Buf x = {.n = 0};
    put(&x, "REDIS0010", 9);
    put1(&x, RDB_OPCODE_AUX);
    put_str(&x, "redis-ver");
    put_str(&x, "7.0.15");
    put1(&x, RDB_OPCODE_SELECTDB);
    put1(&x, 0);
    put1(&x, RDB_OPCODE_RESIZEDB);
    put1(&x, 2);
    put1(&x, 1);
    put1(&x, RDB_OPCODE_EXPIRETIME_MS);
    for (int i = 0; i < 8; i++) put1(&x, i == 0 ? 5 : 0); /* 5 ms after the epoch */
    put1(&x, RDB_TYPE_STRING);
    put_str(&x, "old");
    put_str(&x, "v");
    put1(&x, RDB_TYPE_SET);
    put_str(&x, "s");
    put1(&x, 1);
    put_str(&x, "m");
    put1(&x, RDB_OPCODE_EOF);
    uint64_t crc = crc64(0, x.b, x.n);
    for (int i = 0; i < 8; i++) put1(&x, (crc >> (8 * i)) & 0xff);
    char path[64]; /* per process: two test runs may share /tmp */
    snprintf(path, sizeof path, "/tmp/test_rdb_dec.%d.rdb", (int)getpid());
    write_file(path, x.b, x.n);
    CHECK(rdb_load_file(path, NULL, &st, err, sizeof(err)));
    CHECK(st.keys_loaded == 1 && st.keys_expired == 1 && total_keys() == 1 && st.version == 10);
    CHECK(strcmp(st.redis_ver, "7.0.15") == 0);
    /* loading again: a duplicate key */
    CHECK(!rdb_load_file(path, NULL, &st, err, sizeof(err)) && strstr(err, "Duplicated"));
    flush_all();
    /* every truncation fails, naming the file */
    int bad = 0;
    for (size_t n = 0; n < x.n; n++) {
        write_file(path, x.b, n);
        if (rdb_load_file(path, NULL, &st, err, sizeof(err)) || !strstr(err, path)) bad++;
        flush_all();
    }
    CHECK(bad == 0);
    /* a flipped CRC */
    x.b[x.n - 1] ^= 1;
    write_file(path, x.b, x.n);
    CHECK(!rdb_load_file(path, NULL, &st, err, sizeof(err)) && strstr(err, "CRC error"));
    flush_all();
    rdb_set_skip_checksum(true); /* DEBUG SET-SKIP-CHECKSUM-VALIDATION 1 */
    CHECK(rdb_load_file(path, NULL, &st, err, sizeof(err)));
    flush_all();
    rdb_set_skip_checksum(false);
    unsigned char saved[8]; /* a zero CRC: saved with rdbchecksum no */
    memcpy(saved, x.b + x.n - 8, 8);
    memset(x.b + x.n - 8, 0, 8);
    write_file(path, x.b, x.n);
    CHECK(rdb_load_file(path, NULL, &st, err, sizeof(err)));
    flush_all();
    memcpy(x.b + x.n - 8, saved, 8);
    /* a database beyond `databases`, and a bad version */
    x.b[x.n - 1] ^= 1;
    x.b[9 + 1 + 10 + 7 + 1] = 99;
    write_file(path, x.b, x.n);
    CHECK(!rdb_load_file(path, NULL, &st, err, sizeof(err)) && strstr(err, "databases"));
    flush_all();
    memcpy(x.b, "REDIS0011", 9);
    write_file(path, x.b, x.n);
    CHECK(!rdb_load_file(path, NULL, &st, err, sizeof(err)) && strstr(err, "version 11"));
    unlink(path);

    /* progress: called as the bytes go by, with the file size */
    {
        FILE *fp = fopen(path, "wb");
        uint64_t c = 0;
        unsigned char hdr[] = "REDIS0009";
        fwrite(hdr, 1, 9, fp);
        c = crc64(c, hdr, 9);
        for (int i = 0; i < 300; i++) {
            Buf k = {.n = 0};
            char name[16], val[60];
            snprintf(name, sizeof(name), "key%d", i);
            memset(val, 'a' + i % 26, sizeof(val) - 1);
            val[sizeof(val) - 1] = '\0';
            put1(&k, RDB_TYPE_STRING);
            put_str(&k, name);
            put_str(&k, val);
            fwrite(k.b, 1, k.n, fp);
            c = crc64(c, k.b, k.n);
        }
        /* one value larger than the reader's buffer */
        {
            size_t big = 300000;
            unsigned char h[] = {RDB_TYPE_STRING, 3, 'b', 'i', 'g', 0x80, 0, (big >> 16) & 0xff,
                                 (big >> 8) & 0xff, big & 0xff};
            char *v = malloc(big);
            for (size_t i = 0; i < big; i++) v[i] = (char)('a' + i % 23);
            fwrite(h, 1, sizeof(h), fp);
            fwrite(v, 1, big, fp);
            c = crc64(crc64(c, h, sizeof(h)), v, big);
            free(v);
        }
        unsigned char eof = RDB_OPCODE_EOF;
        fwrite(&eof, 1, 1, fp);
        c = crc64(c, &eof, 1);
        for (int i = 0; i < 8; i++) fputc((int)((c >> (8 * i)) & 0xff), fp);
        fclose(fp);
        const char *cerr;
        CHECK(config_set("loading-process-events-interval-bytes", "1024", &cerr));
        CHECK(config_set("key-load-delay", "-10", &cerr));
        Progress pr = {0, 0, 0};
        RdbLoadOpts opts = {.progress = on_progress, .ctx = &pr};
        CHECK(rdb_load_file(path, &opts, &st, err, sizeof(err)) && st.keys_loaded == 301);
        Entry *e = db_peek(db_get(0), "big", 3);
        char nb[24];
        size_t blen = 0;
        const char *bs = e ? entry_str(e, &blen, nb) : NULL;
        CHECK(bs && blen == 300000 && bs[299999] == (char)('a' + 299999 % 23));
        CHECK(pr.calls >= 15 && pr.last == st.bytes && pr.size == st.bytes && pr.monotonic);
        CHECK(config_set("loading-process-events-interval-bytes", "2097152", &cerr));
        CHECK(config_set("key-load-delay", "0", &cerr));
        flush_all();
        unlink(path);
    }

    /* the suite's assets, when the suite is unpacked here */
    if (access(ASSETS "encodings.rdb", R_OK) != 0) {
        printf("test_rdb_dec: Redis's asset files are not unpacked (make redis-suite): not loaded here\n");
        return;
    }
    CHECK(rdb_load_file(ASSETS "encodings.rdb", NULL, &st, err, sizeof(err)));
    CHECK(st.keys_loaded == 13 && total_keys() == 13);
    flush_all();
    CHECK(rdb_load_file(ASSETS "hash-zipmap.rdb", NULL, &st, err, sizeof(err)) && total_keys() == 1);
    flush_all();
    CHECK(rdb_load_file(ASSETS "hash-ziplist.rdb", NULL, &st, err, sizeof(err)) && total_keys() == 1);
    flush_all();
    CHECK(rdb_load_file(ASSETS "zset-ziplist.rdb", NULL, &st, err, sizeof(err)) && total_keys() == 1);
    flush_all();
    CHECK(rdb_load_file(ASSETS "list-quicklist.rdb", NULL, &st, err, sizeof(err)) && total_keys() >= 1);
    flush_all();
    CHECK(rdb_load_file(ASSETS "scriptbackup.rdb", NULL, &st, err, sizeof(err)));
    flush_all();
    CHECK(rdb_load_file(ASSETS "corrupt_empty_keys.rdb", NULL, &st, err, sizeof(err)));
    CHECK(st.empty_skipped == 9 && total_keys() == 0);
    CHECK(!rdb_load_file(ASSETS "corrupt_ziplist.rdb", NULL, &st, err, sizeof(err)) &&
          strstr(err, "integrity check failed"));
    flush_all();
}

int main(void) {
    char *argv[] = {"test", NULL};
    config_load(1, argv);
    db_init_all(16);
    hash_register_type();
    set_register_type();
    zset_register_type();
    list_register_type();
    test_strings();
    test_plain_types();
    test_blobs();
    test_payload();
    test_files();
    db_free_all();
    config_free();
    return unit_finish("test_rdb_dec");
}
