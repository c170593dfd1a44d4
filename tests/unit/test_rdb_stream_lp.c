/* tests/unit/test_rdb_stream_lp.c -- persist/rdb_stream_lp: Redis's stream
 * node rules (stream_lp_check, shallow and deep), kilat's reader rules on
 * top (stream_lp_check_node) and the entry walker. Nodes are built with
 * rdb_lp (Redis's listpack layout) and then broken one rule at a time. */
#include "persist/rdb_lp.h"
#include "persist/rdb_stream_lp.h"

#include "unit.h"

/* The elements of a node: integers as numbers, strings as "s:<text>". */
static void build(RedisLp *lp, const char *const *el, size_t n) {
    rlp_begin(lp);
    for (size_t i = 0; i < n; i++) {
        if (strncmp(el[i], "s:", 2) == 0) rlp_add_str(lp, el[i] + 2, strlen(el[i] + 2));
        else rlp_add_int(lp, strtoll(el[i], NULL, 10));
    }
    rlp_finish(lp);
}

/* master 5-0: fields a b; 5-0 {a:1v b:2v}; 5-1 {x:y} deleted; 6-max {a:3v b:4v} */
static const char *const GOOD[] = {
    "2", "1", "2", "s:a", "s:b", "0",
    "2", "0", "0", "s:1v", "s:2v", "5",               /* same fields */
    "1", "0", "1", "1", "s:x", "s:y", "6",            /* 5-1 deleted, own fields */
    "2", "1", "-1", "s:3v", "s:4v", "5",              /* 6-(2^64-1): deltas wrap */
};

static bool check(const char *const *el, size_t n, bool deep) {
    RedisLp lp;
    rlp_init(&lp);
    build(&lp, el, n);
    bool ok = stream_lp_check(lp.out.buf, lp.out.len, deep);
    rlp_free(&lp);
    return ok;
}

static bool check_node(const char *const *el, size_t n, StreamId master, StreamLpInfo *info) {
    RedisLp lp;
    rlp_init(&lp);
    build(&lp, el, n);
    const char *why;
    bool ok = stream_lp_check_node(lp.out.buf, lp.out.len, &master, info, &why);
    rlp_free(&lp);
    return ok;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

typedef struct {
    int seen;
    StreamId ids[4];
    bool deleted[4];
    char names[64];
} Walk;

static bool on_entry(void *ctx, const StreamLpEntry *e) {
    Walk *w = ctx;
    if (w->seen < 4) {
        w->ids[w->seen] = e->id;
        w->deleted[w->seen] = e->deleted;
    }
    w->seen++;
    for (size_t i = 0; i < e->nfields; i++) {
        strncat(w->names, e->fields[i].s, e->fields[i].len);
        strncat(w->names, "=", 2);
        strncat(w->names, e->values[i].s, e->values[i].len);
        strncat(w->names, ";", 2);
    }
    return true;
}

static void test_good(void) {
    CHECK(check(GOOD, N(GOOD), false));
    CHECK(check(GOOD, N(GOOD), true));
    StreamLpInfo info;
    StreamId m = {5, 0};
    CHECK(check_node(GOOD, N(GOOD), m, &info));
    CHECK(info.live == 2 && info.deleted == 1);
    CHECK(info.first.ms == 5 && info.first.seq == 0);
    CHECK(info.last.ms == 6 && info.last.seq == UINT64_MAX); /* 0 + (-1) wraps */
    CHECK(info.last_live.ms == 6 && info.first_live.ms == 5);

    RedisLp lp;
    rlp_init(&lp);
    build(&lp, GOOD, N(GOOD));
    Walk w = {0};
    CHECK(stream_lp_walk(lp.out.buf, lp.out.len, &m, on_entry, &w));
    CHECK(w.seen == 3);
    CHECK(w.ids[1].ms == 5 && w.ids[1].seq == 1 && w.deleted[1] && !w.deleted[0]);
    CHECK(strcmp(w.names, "a=1v;b=2v;x=y;a=3v;b=4v;") == 0);

    /* the header alone: total size and end byte */
    CHECK(!stream_lp_check(lp.out.buf, lp.out.len - 1, false));
    lp.out.buf[0]++;
    CHECK(!stream_lp_check(lp.out.buf, lp.out.len, false));
    lp.out.buf[0]--;
    lp.out.buf[lp.out.len - 1] = 0;
    CHECK(!stream_lp_check(lp.out.buf, lp.out.len, false));
    lp.out.buf[lp.out.len - 1] = 0xFF;
    /* a broken back-length inside: shallow passes, deep does not */
    lp.out.buf[7] ^= 0x01;
    CHECK(stream_lp_check(lp.out.buf, lp.out.len, false));
    CHECK(!stream_lp_check(lp.out.buf, lp.out.len, true));
    rlp_free(&lp);

    static const unsigned char empty[] = {7, 0, 0, 0, 0, 0, 0xFF};
    CHECK(stream_lp_check(empty, sizeof empty, false));
    CHECK(!stream_lp_check(empty, sizeof empty, true));
    CHECK(!stream_lp_check(empty, 6, false));
}

/* Broken one rule at a time: Redis's deep check refuses each. */
static void test_redis_rules(void) {
    static const char *const lpcount[] = {"1", "0", "1", "s:a", "0", "2", "0", "0", "s:v", "5"};
    CHECK(!check(lpcount, N(lpcount), true));
    CHECK(check(lpcount, N(lpcount), false));
    static const char *const zero[] = {"1", "0", "1", "s:a", "7", "2", "0", "0", "s:v", "4"};
    CHECK(!check(zero, N(zero), true));
    static const char *const good1[] = {"1", "0", "1", "s:a", "0", "2", "0", "0", "s:v", "4"};
    CHECK(check(good1, N(good1), true));
    static const char *const trailing[] = {"1", "0", "1", "s:a", "0", "2", "0", "0", "s:v", "4", "9"};
    CHECK(!check(trailing, N(trailing), true));
    static const char *const shortn[] = {"2", "0", "1", "s:a", "0", "2", "0", "0", "s:v", "4"};
    CHECK(!check(shortn, N(shortn), true));
    static const char *const strcount[] = {"s:01", "0", "1", "s:a", "0", "2", "0", "0", "s:v", "4"};
    CHECK(!check(strcount, N(strcount), true));
    static const char *const strid[] = {"1", "0", "1", "s:a", "0", "2", "s:x", "0", "s:v", "4"};
    CHECK(!check(strid, N(strid), true));
    static const char *const negtotal[] = {"-1", "0", "1", "s:a", "0"};
    CHECK(!check(negtotal, N(negtotal), true));
    static const char *const nomaster[] = {"1", "0"};
    CHECK(!check(nomaster, N(nomaster), true));
    /* own fields: lp-count = fields*2 + 4 */
    static const char *const own[] = {"1", "0", "1", "s:a", "0", "0", "0", "0", "2", "s:f", "s:g", "s:1", "s:2", "8"};
    CHECK(check(own, N(own), true));
    static const char *const ownbad[] = {"1", "0", "1", "s:a", "0", "0", "0", "0", "2", "s:f", "s:g", "s:1", "s:2", "7"};
    CHECK(!check(ownbad, N(ownbad), true));
    /* no entries at all: Redis's check passes (the loader refuses it
     * elsewhere as it must have a first element: it has, the master) */
    static const char *const none[] = {"0", "0", "1", "s:a", "0"};
    CHECK(check(none, N(none), true));
}

/* Accepted by Redis's rules, refused by the reader's. */
static void test_reader_rules(void) {
    StreamLpInfo info;
    StreamId m = {10, 5};
    static const char *const good1[] = {"1", "0", "1", "s:a", "0", "2", "0", "0", "s:v", "4"};
    CHECK(check_node(good1, N(good1), m, &info));
    static const char *const miscount[] = {"1", "1", "1", "s:a", "0", "2", "0", "0", "s:v", "4",
                                           "2", "0", "1", "s:w", "4"};
    CHECK(check(miscount, N(miscount), true));
    CHECK(!check_node(miscount, N(miscount), m, &info));
    static const char *const order[] = {"2", "0", "1", "s:a", "0", "2", "0", "1", "s:v", "4",
                                        "2", "0", "1", "s:w", "4"};
    CHECK(check(order, N(order), true));
    CHECK(!check_node(order, N(order), m, &info));
    /* a tombstone above the next live entry is Redis's data after XSETID */
    static const char *const tomb[] = {"1", "1", "1", "s:a", "0", "3", "0", "9", "s:v", "4",
                                       "2", "0", "1", "s:w", "4"};
    CHECK(check_node(tomb, N(tomb), m, &info));
    CHECK(info.last.seq == 14 && info.last_live.seq == 6 && info.first.seq == 14);
    static const char *const before[] = {"1", "0", "1", "s:a", "0", "2", "0", "-1", "s:v", "4"};
    CHECK(!check_node(before, N(before), m, &info));
    static const char *const nofields[] = {"1", "0", "1", "s:a", "0", "0", "0", "0", "0", "4"};
    CHECK(check(nofields, N(nofields), true));
    CHECK(!check_node(nofields, N(nofields), m, &info));
    static const char *const flags[] = {"1", "0", "1", "s:a", "0", "6", "0", "0", "s:v", "4"};
    CHECK(check(flags, N(flags), true));
    CHECK(!check_node(flags, N(flags), m, &info));
    static const char *const nomf[] = {"1", "0", "0", "0", "0", "0", "0", "1", "s:f", "s:v", "6"};
    CHECK(check(nomf, N(nomf), true));
    CHECK(!check_node(nomf, N(nomf), m, &info));
    static const char *const negdel[] = {"2", "-1", "1", "s:a", "0", "2", "0", "0", "s:v", "4"};
    CHECK(check(negdel, N(negdel), true));
    CHECK(!check_node(negdel, N(negdel), m, &info));
}

/* The node of Redis's suite test "corrupt payload: listpack too long
 * entry prev len": a back-length of 0x15 for a 1-byte element. The
 * header is fine, so only the deep check refuses it. */
static void test_suite_node(void) {
    static const unsigned char node[] =
        "\x55\x00\x00\x00\x0F\x00\x01\x01\x00\x15\x02\x01\x88\x31\x00\x00\x00\x00\x00\x00\x00"
        "\x09\x88\x32\x00\x00\x00\x00\x00\x00\x00\x09\x00\x01\x00\x01\x00\x01\x00\x01\x02\x02"
        "\x88\x31\x00\x00\x00\x00\x00\x00\x00\x09\x88\x61\x00\x00\x00\x00\x00\x00\x00\x09\x88"
        "\x32\x00\x00\x00\x00\x00\x00\x00\x09\x88\x62\x00\x00\x00\x00\x00\x00\x00\x09\x08\x01\xFF";
    CHECK(sizeof node - 1 == 0x55);
    CHECK(stream_lp_check(node, 0x55, false));
    CHECK(!stream_lp_check(node, 0x55, true));
    StreamLpInfo info;
    const char *why;
    StreamId m = {2, 2};
    CHECK(!stream_lp_check_node(node, 0x55, &m, &info, &why));
    CHECK(strcmp(why, "Stream listpack integrity check failed.") == 0);
}

int main(void) {
    test_good();
    test_redis_rules();
    test_reader_rules();
    test_suite_node();
    return unit_finish("test_rdb_stream_lp");
}
