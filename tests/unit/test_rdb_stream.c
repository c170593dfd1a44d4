/* tests/unit/test_rdb_stream.c -- persist/rdb_stream: DUMP payloads made by
 * redis-server 7.0.15 load and write back byte for byte; streams built
 * here survive write/read/write unchanged; every truncation and every
 * single-byte change of a payload is refused or loaded without a crash or
 * a leak; the consumer-group rules (CVE-2026-66373 among them). */
#include "ds/stream.h"
#include "ds/stream_cg.h"
#include "persist/rdb_format.h"
#include "persist/rdb_stream.h"

#include "unit.h"

/* XADD s 1-1 a 1 b hello; 1-2 a 2 b x; 2-0 c 3; 3-0 a 300000 b yy;
 * XDEL s 1-2; XGROUP CREATE s g1 0; XGROUP CREATE s 123 $; XREADGROUP
 * g1 alice COUNT 2, bob COUNT 1; XGROUP CREATECONSUMER s g1 carol. The
 * node is LZF-compressed (rdbcompression yes). */
static const unsigned char BIG[] =
    "\x13\x01\x10\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x01\xc3\x40\x50\x40\x55"
    "\x12\x55\x00\x00\x00\x1f\x00\x03\x01\x01\x01\x02\x01\x81\x61\x02\x81\x62\x02\x00\x20\x09\x00\x00"
    "\x20\x01\x0b\x01\x01\x85\x68\x65\x6c\x6c\x6f\x06\x05\x01\x03\x60\x0e\x20\x20\x02\x78\x02\x05\x60"
    "\x0a\x0a\xdf\xff\x02\x01\x01\x81\x63\x02\x03\x01\x06\x20\x16\x00\x02\x40\x0f\x0b\xf2\xe0\x93\x04"
    "\x04\x82\x79\x79\x03\x05\x01\xff\x03\x03\x00\x01\x01\x01\x02\x04\x02\xc0\x7b\x03\x00\x81\xff\xff"
    "\xff\xff\xff\xff\xff\xff\x00\x00\x02\x67\x31\x03\x00\x04\x03\x00\x00\x00\x00\x00\x00\x00\x01\x00"
    "\x00\x00\x00\x00\x00\x00\x01\xf9\xe6\xe6\x4c\xa2\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x02"
    "\x00\x00\x00\x00\x00\x00\x00\x00\xf9\xe6\xe6\x4c\xa2\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00"
    "\x03\x00\x00\x00\x00\x00\x00\x00\x00\x01\xe7\xe6\x4c\xa2\x01\x00\x00\x01\x03\x05\x61\x6c\x69\x63"
    "\x65\xf9\xe6\xe6\x4c\xa2\x01\x00\x00\x02\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00"
    "\x00\x01\x00\x00\x00\x00\x00\x00\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00\x03\x62\x6f\x62\x01\xe7"
    "\xe6\x4c\xa2\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x03\x00\x00\x00\x00\x00\x00\x00\x00\x05"
    "\x63\x61\x72\x6f\x6c\x09\xe7\xe6\x4c\xa2\x01\x00\x00\x00\x0a\x00\x49\x3c\xd6\x36\x8b\x31\x3a\xb9";

/* XADD c 1-0 f v; XGROUP CREATE c g 0; XREADGROUP g a; XGROUP
 * CREATECONSUMER c g b. Offsets: 49 length, 100 consumer a's PEL count
 * (1, its ID at 101), 118 b's name, 127 b's PEL count (0). */
static const unsigned char SMALL[] =
    "\x13\x01\x10\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x1d\x1d\x00\x00\x00"
    "\x0a\x00\x01\x01\x00\x01\x01\x01\x81\x66\x02\x00\x01\x02\x01\x00\x01\x00\x01\x81\x76\x02\x04\x01"
    "\xff\x01\x01\x00\x01\x00\x00\x00\x01\x01\x01\x67\x01\x00\x01\x01\x00\x00\x00\x00\x00\x00\x00\x01"
    "\x00\x00\x00\x00\x00\x00\x00\x00\xa7\x0b\xe7\x4c\xa2\x01\x00\x00\x01\x02\x01\x61\xa7\x0b\xe7\x4c"
    "\xa2\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x01\x62\xaf"
    "\x0b\xe7\x4c\xa2\x01\x00\x00\x00\x0a\x00\x9a\x5a\x9c\xb9\x90\x94\x96\x19";

/* Reads the value of a payload (type byte first, 10-byte footer last). */
static Stream *load(const unsigned char *p, size_t n, char *err, size_t errlen) {
    RdbReader r;
    rdb_reader_mem(&r, p + 1, n - 11, 10);
    r.deep_sanitize = true;
    Stream *s = NULL;
    bool ok = rdb_stream_read(&r, p[0], &s);
    if (err) snprintf(err, errlen, "%s", r.err);
    if (ok && r.p != r.end) { /* trailing bytes: not a whole value */
        stream_free(s);
        return NULL;
    }
    return ok ? s : NULL;
}

static void test_redis_payload(void) {
    char err[160];
    Stream *s = load(BIG, sizeof BIG - 1, err, sizeof err);
    CHECK(s != NULL);
    if (!s) {
        fprintf(stderr, "load: %s\n", err);
        return;
    }
    CHECK(s->length == 3);
    CHECK(s->last_id.ms == 3 && s->last_id.seq == 0);
    CHECK(s->first_id.ms == 1 && s->first_id.seq == 1);
    CHECK(s->max_deleted_id.ms == 1 && s->max_deleted_id.seq == 2);
    CHECK(s->entries_added == 4);
    CHECK(stream_groups_count(s->groups) == 2);
    StreamGroup *g = stream_groups_find(s->groups, "g1", 2);
    CHECK(g && g->nconsumers == 3 && idmap_len(g->pel) == 3);
    StreamGroup *g2 = stream_groups_find(s->groups, "123", 3);
    CHECK(g2 && g2->entries_read == -1 && g2->last_id.ms == 3);

    RdbBuf b;
    rdbbuf_init(&b, true);
    rdb_write_byte(&b, RDB_TYPE_STREAM_LISTPACKS_2);
    rdb_stream_write(&b, s);
    CHECK(b.len == sizeof BIG - 1 - 10);
    CHECK(memcmp(b.buf, BIG, b.len) == 0);
    rdbbuf_free(&b);
    stream_free(s);

    s = load(SMALL, sizeof SMALL - 1, NULL, 0);
    CHECK(s != NULL);
    rdbbuf_init(&b, true);
    rdb_write_byte(&b, RDB_TYPE_STREAM_LISTPACKS_2);
    if (s) rdb_stream_write(&b, s);
    CHECK(b.len == sizeof SMALL - 1 - 10 && memcmp(b.buf, SMALL, b.len) == 0);
    rdbbuf_free(&b);
    stream_free(s);
}

/* A stream built here: write, read, write gives the same bytes. */
static void test_roundtrip(void) {
    Stream *s = stream_new();
    char f[32], v[32];
    for (int i = 0; i < 300; i++) {
        int fl = snprintf(f, sizeof f, "%s", i % 7 ? "field" : "other");
        int vl = snprintf(v, sizeof v, "%d", i * 13);
        const char *fv[2] = {f, v};
        size_t fvl[2] = {(size_t)fl, (size_t)vl};
        StreamId id = {1000 + (uint64_t)i / 3, (uint64_t)i % 3}, added;
        CHECK(stream_append(s, &id, true, 0, fv, fvl, 2, &added) == STREAM_ADD_OK);
    }
    StreamId del = {1010, 1};
    CHECK(stream_delete(s, &del));
    s->groups = stream_groups_new();
    StreamId last = {1050, 0};
    StreamGroup *g = stream_groups_add(s->groups, "grp", 3, &last, 150);
    StreamConsumer *c = stream_group_consumer_add(g, "worker", 6, 12345);
    StreamId p1 = {1001, 0}, p2 = {1002, 2};
    CHECK(stream_group_nack_add(g, c, &p1, 111, 2) != NULL);
    CHECK(stream_group_nack_add(g, c, &p2, 222, 1) != NULL);
    stream_group_consumer_add(g, "idle", 4, 99);

    RdbBuf a, b;
    rdbbuf_init(&a, false);
    rdbbuf_init(&b, false);
    rdb_stream_write(&a, s);
    RdbReader r;
    rdb_reader_mem(&r, a.buf, a.len, 10);
    r.deep_sanitize = true;
    Stream *t = NULL;
    CHECK(rdb_stream_read(&r, RDB_TYPE_STREAM_LISTPACKS_2, &t));
    CHECK(r.p == r.end);
    if (t) {
        rdb_stream_write(&b, t);
        CHECK(a.len == b.len && memcmp(a.buf, b.buf, a.len) == 0);
        CHECK(t->length == 299 && stream_node_count(t) == stream_node_count(s));
        StreamGroup *tg = stream_groups_find(t->groups, "grp", 3);
        CHECK(tg && tg->entries_read == 150 && tg->nconsumers == 2);
        StreamNack *n = tg ? stream_group_nack_find(tg, &p2) : NULL;
        CHECK(n && n->delivery_time == 222 && n->consumer && strcmp(n->consumer->name, "worker") == 0);
        stream_free(t);
    }
    rdbbuf_free(&a);
    rdbbuf_free(&b);
    stream_free(s);
}

/* Every prefix fails cleanly; every byte changed loads or fails cleanly. */
static void test_damage(void) {
    size_t n = sizeof BIG - 1;
    unsigned char *p = mem_alloc(n);
    for (size_t k = 1; k < n - 10; k++) {
        memcpy(p, BIG, k);
        RdbReader r;
        rdb_reader_mem(&r, p + 1, k - 1, 10);
        Stream *s = NULL;
        bool ok = rdb_stream_read(&r, RDB_TYPE_STREAM_LISTPACKS_2, &s);
        if (ok) stream_free(s);
        CHECK(!ok);
    }
    for (size_t i = 1; i < n - 10; i++) {
        for (int bit = 0; bit < 8; bit++) {
            memcpy(p, BIG, n);
            p[i] ^= (unsigned char)(1 << bit);
            Stream *s = load(p, n, NULL, 0);
            if (s) {
                RdbBuf b; /* whatever loaded must write out without trouble */
                rdbbuf_init(&b, false);
                rdb_stream_write(&b, s);
                rdbbuf_free(&b);
                stream_free(s);
            }
        }
    }
    mem_free(p);
}

static const char *load_err(const unsigned char *p, size_t n) {
    static char err[160];
    Stream *s = load(p, n, err, sizeof err);
    if (s) {
        stream_free(s);
        return "";
    }
    return err;
}

/* Group rules, each with Redis's message. */
static void test_group_rules(void) {
    size_t n = sizeof SMALL - 1;
    unsigned char p[256];
    /* consumer b claims 1-0 too (CVE-2026-66373) */
    memcpy(p, SMALL, 127);
    p[127] = 1;
    static const unsigned char id10[16] = {0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0};
    memcpy(p + 128, id10, 16);
    memcpy(p + 144, SMALL + 128, n - 128);
    CHECK(strcmp(load_err(p, n + 16), "Stream consumer PEL entry already has a consumer assigned") == 0);
    /* an ID in b's PEL the group does not have */
    p[128 + 15] = 9;
    CHECK(strcmp(load_err(p, n + 16), "Consumer entry not found in group global PEL") == 0);
    /* consumer b renamed a: a duplicate */
    memcpy(p, SMALL, n);
    p[118] = 'a';
    CHECK(strcmp(load_err(p, n), "Duplicate stream consumer detected.") == 0);
    /* a's PEL emptied: the group's record has no owner */
    memcpy(p, SMALL, n);
    p[100] = 0;
    memmove(p + 101, p + 117, n - 117);
    CHECK(strcmp(load_err(p, n - 16), "Stream CG PEL entry without consumer") == 0);
    /* a node key of 15 bytes */
    memcpy(p, SMALL, n);
    p[2] = 15;
    CHECK(strcmp(load_err(p, n), "Stream node key entry is not the size of a stream ID") == 0);
    /* length 2 with one entry */
    memcpy(p, SMALL, n);
    p[49] = 2;
    CHECK(strcmp(load_err(p, n), "Stream length inconsistent with its nodes") == 0);
}

/* RDB_TYPE_STREAM_LISTPACKS (Redis 5 to 6.2): no first ID, max-deleted ID,
 * entries-added or entries-read; they are derived as Redis derives them. */
static void test_type_15(void) {
    size_t n = sizeof SMALL - 1;
    unsigned char p[256];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if ((i >= 52 && i <= 56) || i == 62) continue;
        p[k++] = SMALL[i];
    }
    p[0] = RDB_TYPE_STREAM_LISTPACKS;
    char err[160];
    Stream *s = load(p, k, err, sizeof err);
    CHECK(s != NULL);
    if (!s) {
        fprintf(stderr, "type 15: %s\n", err);
        return;
    }
    CHECK(s->length == 1 && s->entries_added == 1);
    CHECK(s->first_id.ms == 1 && s->first_id.seq == 0);
    CHECK(s->max_deleted_id.ms == 0 && s->max_deleted_id.seq == 0);
    StreamGroup *g = stream_groups_find(s->groups, "g", 1);
    CHECK(g && g->entries_read == 1 && g->nconsumers == 2);
    /* written back as type 19: Redis 7.0's bytes for the same stream */
    RdbBuf b;
    rdbbuf_init(&b, true);
    rdb_write_byte(&b, RDB_TYPE_STREAM_LISTPACKS_2);
    rdb_stream_write(&b, s);
    CHECK(b.len == n - 10 && memcmp(b.buf, SMALL, b.len) == 0);
    rdbbuf_free(&b);
    stream_free(s);
}

int main(void) {
    test_type_15();
    test_redis_payload();
    test_roundtrip();
    test_damage();
    test_group_rules();
    return unit_finish("test_rdb_stream");
}
