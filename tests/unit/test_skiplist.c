/* tests/unit/test_skiplist.c -- ds/skiplist: order, spans (checked
 * level by level), ranks, score and lex intervals, range deletions and
 * in-place score updates, against a sorted reference array under random
 * operations. Then the sorted-set object on top of it (core/t_zset): ZADD
 * semantics, the listpack -> skiplist conversions and their thresholds,
 * listpack score storage (-0, big integers, fractions), iteration,
 * ranges, range deletions, random picks and result building, with both
 * encodings held to the same reference. */
#include "ds/skiplist.h"

#include <math.h>
#include <stdio.h>

#include "core/config.h"
#include "core/t_zset.h"
#include "ds/num.h"
#include "unit.h"

/* ---------- reference model: sorted (score, member) array ---------- */

typedef struct {
    double score;
    char m[16];
    size_t len;
} Item;

typedef struct {
    Item v[4096];
    size_t n;
} Model;

static int item_cmp(double s, const char *m, size_t len, const Item *it) {
    if (s != it->score) return s < it->score ? -1 : 1;
    return zsl_cmp_member(m, len, it->m, it->len);
}

static long model_find(const Model *md, const char *m, size_t len) {
    for (size_t i = 0; i < md->n; i++)
        if (md->v[i].len == len && memcmp(md->v[i].m, m, len) == 0) return (long)i;
    return -1;
}

static void model_del_at(Model *md, size_t i) {
    memmove(&md->v[i], &md->v[i + 1], (md->n - i - 1) * sizeof(Item));
    md->n--;
}

static void model_insert(Model *md, double s, const char *m, size_t len) {
    size_t i = 0;
    while (i < md->n && item_cmp(s, m, len, &md->v[i]) > 0) i++;
    memmove(&md->v[i + 1], &md->v[i], (md->n - i) * sizeof(Item));
    md->v[i].score = s;
    memcpy(md->v[i].m, m, len);
    md->v[i].len = len;
    md->n++;
}

static uint64_t rs = 88172645463325252ull;
static uint64_t rnd(void) {
    rs ^= rs << 13;
    rs ^= rs >> 7;
    rs ^= rs << 17;
    return rs;
}

static size_t rand_member(char *buf) {
    return (size_t)snprintf(buf, 16, "m%u", (unsigned)(rnd() % 600));
}

/* ---------- skiplist invariants ---------- */

/* Order, backward links, tail, length, and every span at every level. */
static bool zsl_valid(const Zsl *zsl) {
    size_t n = 0;
    const ZslNode *prev = NULL;
    for (const ZslNode *x = zsl_first(zsl); x; x = zsl_next(x)) {
        if (x->backward != prev) return false;
        if (prev && prev->score > x->score) return false;
        if (prev && prev->score == x->score &&
            zsl_cmp_member(zsl_member(prev), zsl_mlen(prev), zsl_member(x), zsl_mlen(x)) >= 0)
            return false;
        prev = x;
        n++;
    }
    if (n != zsl->length || zsl->tail != prev) return false;
    for (int i = 0; i < zsl->level; i++) {
        size_t rank = 0;
        const ZslNode *x = zsl->header;
        while (x->lv[i].forward) {
            rank += x->lv[i].span;
            x = x->lv[i].forward;
            if (zsl_rank(zsl, x) != rank) return false;
        }
    }
    for (int i = zsl->level; i < ZSL_MAXLEVEL; i++)
        if (zsl->header->lv[i].forward) return false;
    return true;
}

static bool zsl_matches(const Zsl *zsl, const Model *md) {
    if (zsl->length != md->n) return false;
    size_t i = 0;
    for (const ZslNode *x = zsl_first(zsl); x; x = zsl_next(x), i++) {
        const Item *it = &md->v[i];
        if (x->score != it->score || zsl_mlen(x) != it->len ||
            memcmp(zsl_member(x), it->m, it->len) != 0)
            return false;
    }
    return true;
}

static ZslNode *zsl_find(const Zsl *zsl, const char *m, size_t len) {
    for (ZslNode *x = zsl_first(zsl); x; x = zsl_next(x))
        if (zsl_mlen(x) == len && memcmp(zsl_member(x), m, len) == 0) return x;
    return NULL;
}

static void test_zsl_basic(void) {
    Zsl zsl;
    zsl_init(&zsl);
    CHECK(zsl.length == 0 && zsl_first(&zsl) == NULL && zsl_last(&zsl) == NULL);
    CHECK(zsl_at(&zsl, 1) == NULL);
    zsl_insert(&zsl, 2, "b", 1);
    zsl_insert(&zsl, 1, "z", 1);
    zsl_insert(&zsl, 2, "a", 1);
    ZslNode *c = zsl_insert(&zsl, 3, "", 0);
    CHECK(zsl_valid(&zsl));
    CHECK(zsl.length == 4);
    CHECK(zsl_mlen(zsl_first(&zsl)) == 1 && zsl_member(zsl_first(&zsl))[0] == 'z');
    CHECK(zsl_last(&zsl) == c && zsl_mlen(c) == 0);
    CHECK(zsl_member(zsl_at(&zsl, 2))[0] == 'a');
    CHECK(zsl_member(zsl_at(&zsl, 3))[0] == 'b');
    CHECK(zsl_rank(&zsl, c) == 4);
    CHECK(zsl_at(&zsl, 5) == NULL && zsl_at(&zsl, 0) == NULL);

    /* in-place and moving updates keep the node */
    ZslNode *a = zsl_at(&zsl, 2);
    zsl_update_score(&zsl, a, 1.5);
    CHECK(zsl_at(&zsl, 2) == a && a->score == 1.5);
    zsl_update_score(&zsl, a, 10);
    CHECK(zsl_last(&zsl) == a && zsl_rank(&zsl, a) == 4);
    zsl_update_score(&zsl, a, -10);
    CHECK(zsl_first(&zsl) == a && a->backward == NULL);
    CHECK(zsl_valid(&zsl));

    /* prefix ordering: "ab" after "a" at equal scores */
    zsl_insert(&zsl, 5, "ab", 2);
    zsl_insert(&zsl, 5, "a", 1);
    CHECK(zsl_mlen(zsl_at(&zsl, 5)) == 1 && zsl_mlen(zsl_at(&zsl, 6)) == 2);
    zsl_delete(&zsl, zsl_at(&zsl, 5));
    CHECK(zsl_valid(&zsl) && zsl.length == 5);
    zsl_destroy(&zsl);
}

static void test_zsl_infinities(void) {
    Zsl zsl;
    zsl_init(&zsl);
    zsl_insert(&zsl, -INFINITY, "lo", 2);
    zsl_insert(&zsl, INFINITY, "hi", 2);
    zsl_insert(&zsl, 0.0, "zero", 4);
    ZRangeScore all = {-INFINITY, INFINITY, false, false};
    CHECK(zsl_first_in_score(&zsl, &all) == zsl_first(&zsl));
    CHECK(zsl_last_in_score(&zsl, &all) == zsl_last(&zsl));
    ZRangeScore ex = {-INFINITY, INFINITY, true, true};
    CHECK(zsl_first_in_score(&zsl, &ex) == zsl_at(&zsl, 2));
    CHECK(zsl_last_in_score(&zsl, &ex) == zsl_at(&zsl, 2));
    ZRangeScore none = {1, 1, true, false};
    CHECK(zrange_score_empty(&none));
    CHECK(zsl_first_in_score(&zsl, &none) == NULL);
    ZRangeScore inv = {2, 1, false, false};
    CHECK(zsl_first_in_score(&zsl, &inv) == NULL && zsl_last_in_score(&zsl, &inv) == NULL);
    CHECK(zsl_delete_score(&zsl, &ex, NULL, NULL) == 1);
    CHECK(zsl.length == 2 && zsl_valid(&zsl));
    zsl_destroy(&zsl);
}

/* Reference answers for an interval. */
static long model_first_score(const Model *md, const ZRangeScore *r) {
    for (size_t i = 0; i < md->n; i++)
        if (zrange_score_gte_min(md->v[i].score, r))
            return zrange_score_lte_max(md->v[i].score, r) ? (long)i : -1;
    return -1;
}

static long model_last_score(const Model *md, const ZRangeScore *r) {
    for (size_t i = md->n; i-- > 0;)
        if (zrange_score_lte_max(md->v[i].score, r))
            return zrange_score_gte_min(md->v[i].score, r) ? (long)i : -1;
    return -1;
}

static long model_first_lex(const Model *md, const ZRangeLex *r) {
    for (size_t i = 0; i < md->n; i++)
        if (zrange_lex_gte_min(md->v[i].m, md->v[i].len, r))
            return zrange_lex_lte_max(md->v[i].m, md->v[i].len, r) ? (long)i : -1;
    return -1;
}

static long model_last_lex(const Model *md, const ZRangeLex *r) {
    for (size_t i = md->n; i-- > 0;)
        if (zrange_lex_lte_max(md->v[i].m, md->v[i].len, r))
            return zrange_lex_gte_min(md->v[i].m, md->v[i].len, r) ? (long)i : -1;
    return -1;
}

static long node_index(const Zsl *zsl, const ZslNode *n) {
    return n ? (long)zsl_rank(zsl, n) - 1 : -1;
}

static ZRangeScore rand_score_range(void) {
    ZRangeScore r;
    r.min = (double)(rnd() % 60) - 5;
    r.max = r.min + (double)(rnd() % 30) - 3;
    r.minex = rnd() & 1;
    r.maxex = rnd() & 1;
    if (rnd() % 10 == 0) r.min = -INFINITY;
    if (rnd() % 10 == 0) r.max = INFINITY;
    return r;
}

static ZRangeLex rand_lex_range(char *a, char *b) {
    ZRangeLex r;
    r.minlen = rand_member(a);
    r.maxlen = rand_member(b);
    r.min = a;
    r.max = b;
    r.minkind = rnd() % 8 == 0 ? ZLEX_MIN : (uint8_t)(rnd() & 1 ? ZLEX_INCL : ZLEX_EXCL);
    r.maxkind = rnd() % 8 == 0 ? ZLEX_MAX : (uint8_t)(rnd() & 1 ? ZLEX_INCL : ZLEX_EXCL);
    if (rnd() % 40 == 0) r.minkind = ZLEX_MAX;
    if (rnd() % 40 == 0) r.maxkind = ZLEX_MIN;
    return r;
}

static void test_zsl_random(void) {
    static Model md;
    md.n = 0;
    Zsl zsl;
    zsl_init(&zsl);
    Zsl lex; /* all scores equal, for the lex intervals */
    zsl_init(&lex);
    static Model lmd;
    lmd.n = 0;
    int bad = 0;
    for (int step = 0; step < 20000; step++) {
        char m[16];
        size_t len = rand_member(m);
        double s = (double)(rnd() % 50);
        long at = model_find(&md, m, len);
        unsigned op = (unsigned)(rnd() % 10);
        if (op < 5) {
            if (at < 0) {
                zsl_insert(&zsl, s, m, len);
                model_insert(&md, s, m, len);
            } else {
                zsl_update_score(&zsl, zsl_find(&zsl, m, len), s);
                model_del_at(&md, (size_t)at);
                model_insert(&md, s, m, len);
            }
            if (model_find(&lmd, m, len) < 0) {
                zsl_insert(&lex, 0, m, len);
                model_insert(&lmd, 0, m, len);
            }
        } else if (op < 7) {
            if (at >= 0) {
                zsl_delete(&zsl, zsl_find(&zsl, m, len));
                model_del_at(&md, (size_t)at);
            }
        } else if (op < 8 && md.n) {
            size_t rank = 1 + (size_t)(rnd() % md.n);
            const Item *it = &md.v[rank - 1];
            ZslNode *x = zsl_at(&zsl, rank);
            if (!x || x->score != it->score || zsl_rank(&zsl, x) != rank) bad++;
        } else if (op < 9) {
            ZRangeScore r = rand_score_range();
            if (node_index(&zsl, zsl_first_in_score(&zsl, &r)) != model_first_score(&md, &r)) bad++;
            if (node_index(&zsl, zsl_last_in_score(&zsl, &r)) != model_last_score(&md, &r)) bad++;
            char a[16], b[16];
            ZRangeLex lr = rand_lex_range(a, b);
            if (node_index(&lex, zsl_first_in_lex(&lex, &lr)) != model_first_lex(&lmd, &lr)) bad++;
            if (node_index(&lex, zsl_last_in_lex(&lex, &lr)) != model_last_lex(&lmd, &lr)) bad++;
        } else if (step % 7 == 0) {
            /* occasional range deletions */
            unsigned kind = (unsigned)(rnd() % 3);
            size_t del = 0, want = 0;
            if (kind == 0 && md.n) {
                size_t a = 1 + (size_t)(rnd() % md.n), b = a + (size_t)(rnd() % 5);
                if (b > md.n) b = md.n;
                del = zsl_delete_rank(&zsl, a, b, NULL, NULL);
                want = b - a + 1;
                for (size_t k = 0; k < want; k++) model_del_at(&md, a - 1);
            } else if (kind == 1) {
                ZRangeScore r = rand_score_range();
                r.max = r.min + 1;
                del = zsl_delete_score(&zsl, &r, NULL, NULL);
                for (size_t i = md.n; i-- > 0;)
                    if (zrange_score_gte_min(md.v[i].score, &r) &&
                        zrange_score_lte_max(md.v[i].score, &r)) {
                        model_del_at(&md, i);
                        want++;
                    }
            } else {
                char a[16], b[16];
                ZRangeLex lr = rand_lex_range(a, b);
                del = zsl_delete_lex(&lex, &lr, NULL, NULL);
                for (size_t i = lmd.n; i-- > 0;)
                    if (zrange_lex_gte_min(lmd.v[i].m, lmd.v[i].len, &lr) &&
                        zrange_lex_lte_max(lmd.v[i].m, lmd.v[i].len, &lr)) {
                        model_del_at(&lmd, i);
                        want++;
                    }
            }
            if (del != want) bad++;
        }
        if (step % 997 == 0) {
            CHECK(zsl_valid(&zsl) && zsl_valid(&lex));
            CHECK(zsl_matches(&zsl, &md) && zsl_matches(&lex, &lmd));
        }
    }
    CHECK(bad == 0);
    CHECK(zsl_valid(&zsl) && zsl_matches(&zsl, &md));
    CHECK(zsl_mem(&zsl) > 0);
    zsl_destroy(&zsl);
    zsl_destroy(&lex);
}

/* Heights: about 3/4 of the nodes have one level, and the list of 100k
 * nodes stays shallow. */
static void test_zsl_heights(void) {
    Zsl zsl;
    zsl_init(&zsl);
    size_t ones = 0, n = 100000;
    for (size_t i = 0; i < n; i++) {
        char m[24];
        size_t len = (size_t)snprintf(m, sizeof(m), "%zu", i);
        ZslNode *x = zsl_insert(&zsl, (double)(i * 7919 % n), m, len);
        ones += x->height == 1;
    }
    CHECK(ones > n * 70 / 100 && ones < n * 80 / 100);
    CHECK(zsl.level >= 6 && zsl.level <= 16);
    CHECK(zsl_rank(&zsl, zsl_last(&zsl)) == n);
    CHECK(zsl_delete_rank(&zsl, 1, n / 2, NULL, NULL) == n / 2);
    CHECK(zsl.length == n / 2 && zsl_valid(&zsl));
    zsl_destroy(&zsl);
}

/* ---------- the zset object ---------- */

typedef struct {
    Model *md;
    size_t i;
    bool ok;
} WalkCtx;

/* Both walks (rank iterator forward and reverse) equal the model. */
static bool zset_matches(Zset *z, const Model *md) {
    if (zset_len(z) != md->n) return false;
    ZsetIter it;
    ZsetElem e;
    zset_iter_rank(&it, z, 0, false);
    for (size_t i = 0; i < md->n; i++) {
        if (!zset_iter_next(&it, &e)) return false;
        if (e.score != md->v[i].score || signbit(e.score) != signbit(md->v[i].score) ||
            e.len != md->v[i].len || memcmp(e.m, md->v[i].m, e.len) != 0)
            return false;
    }
    if (zset_iter_next(&it, &e)) return false;
    zset_iter_rank(&it, z, 0, true);
    for (size_t i = md->n; i-- > 0;) {
        if (!zset_iter_next(&it, &e)) return false;
        if (e.score != md->v[i].score || e.len != md->v[i].len) return false;
    }
    return !zset_iter_next(&it, &e);
}

static void test_zset_add_semantics(void) {
    cfg.zset_max_listpack_entries = 128;
    cfg.zset_max_listpack_value = 64;
    for (int big = 0; big < 2; big++) {
        cfg.zset_max_listpack_entries = big ? 0 : 128;
        Zset *z = zset_new_for(1);
        CHECK(zset_is_listpack(z) == !big);
        double ns = 0;
        CHECK(zset_add(&z, 1, "a", 1, 0, &ns) == ZADD_ADDED && ns == 1);
        CHECK(zset_add(&z, 1, "a", 1, 0, &ns) == ZADD_SAME);
        CHECK(zset_add(&z, 2, "a", 1, ZADD_NX, &ns) == ZADD_NOP);
        CHECK(zset_add(&z, 2, "b", 1, ZADD_XX, &ns) == ZADD_NOP);
        CHECK(zset_add(&z, 0, "a", 1, ZADD_GT, &ns) == ZADD_NOP);
        CHECK(zset_add(&z, 5, "a", 1, ZADD_GT, &ns) == ZADD_UPDATED && ns == 5);
        CHECK(zset_add(&z, 7, "a", 1, ZADD_LT, &ns) == ZADD_NOP);
        CHECK(zset_add(&z, 2, "a", 1, ZADD_INCR, &ns) == ZADD_UPDATED && ns == 7);
        CHECK(zset_add(&z, INFINITY, "a", 1, ZADD_INCR, &ns) == ZADD_UPDATED);
        CHECK(zset_add(&z, -INFINITY, "a", 1, ZADD_INCR, &ns) == ZADD_NAN);
        double s;
        CHECK(zset_score(z, "a", 1, &s) && s == INFINITY);
        CHECK(zset_add(&z, 3, "new", 3, ZADD_INCR, &ns) == ZADD_ADDED && ns == 3);
        CHECK(zset_rank(z, "new", 3, false) == 0 && zset_rank(z, "a", 1, false) == 1);
        CHECK(zset_rank(z, "a", 1, true) == 0 && zset_rank(z, "zz", 2, false) == -1);
        CHECK(zset_remove(&z, "a", 1) && !zset_remove(&z, "a", 1));
        CHECK(zset_len(z) == 1);
        zset_free(z);
    }
    cfg.zset_max_listpack_entries = 128;
}

/* Scores a listpack keeps as integers, and the others, read back exactly. */
static void test_zset_listpack_scores(void) {
    cfg.zset_max_listpack_entries = 128;
    cfg.zset_max_listpack_value = 64;
    double vals[] = {-0.0, 0.0, 1e17, 1e18, 0x1p62, -0x1p62, 9.2e18, 1e19, 1.5, 0.1,
                     -INFINITY, INFINITY, 9007199254740993.0, -1e-300, 4503599627370497.0,
                     0.25, -2.5, 1e39, -1e39, 3.4028234663852886e38, 1e-45, 0x1p-149};
    Zset *z = zset_new_for(2);
    for (size_t i = 0; i < ARRAY_LEN(vals); i++) {
        char m[8];
        size_t len = (size_t)snprintf(m, sizeof(m), "m%zu", i);
        double ns;
        CHECK(zset_add(&z, vals[i], m, len, 0, &ns) == ZADD_ADDED);
    }
    CHECK(zset_is_listpack(z));
    char buf[NUM_DBL_BUF];
    for (size_t i = 0; i < ARRAY_LEN(vals); i++) {
        char m[8];
        size_t len = (size_t)snprintf(m, sizeof(m), "m%zu", i);
        double s;
        CHECK(zset_score(z, m, len, &s) && s == vals[i]);
        if (i == 0) CHECK(!signbit(s)); /* -0 is kept as the integer 0, as Redis */
    }
    size_t n = zset_scan_score(z, 1e17, buf);
    CHECK_MEM(buf, n, "100000000000000000");
    n = zset_scan_score(z, 9.2e18, buf);
    CHECK_MEM(buf, n, "9.2e+18");
    n = zset_scan_score(z, 0.1, buf);
    CHECK_MEM(buf, n, "0.10000000000000001");
    zset_free(z);

    /* the skiplist keeps -0 */
    cfg.zset_max_listpack_entries = 0;
    z = zset_new_for(1);
    double ns, s;
    zset_add(&z, -0.0, "a", 1, 0, &ns);
    CHECK(zset_score(z, "a", 1, &s) && signbit(s));
    n = zset_scan_score(z, 1e17, buf);
    CHECK_MEM(buf, n, "1e+17");
    zset_free(z);
    cfg.zset_max_listpack_entries = 128;
}

static void test_zset_conversions(void) {
    cfg.zset_max_listpack_entries = 4;
    cfg.zset_max_listpack_value = 8;
    double ns;
    Zset *z = zset_new_for(1);
    for (int i = 0; i < 4; i++) {
        char m[4] = {'a', (char)('0' + i)};
        zset_add(&z, i, m, 2, 0, &ns);
    }
    CHECK(zset_is_listpack(z));
    CHECK(strcmp(zset_encoding(z), "listpack") == 0);
    zset_add(&z, 1, "a1", 2, 0, &ns); /* an update is no growth */
    CHECK(zset_is_listpack(z));
    zset_add(&z, 9, "a9", 2, 0, &ns); /* 5th member */
    CHECK(!zset_is_listpack(z) && strcmp(zset_encoding(z), "skiplist") == 0);
    zset_remove(&z, "a9", 2);
    CHECK(!zset_is_listpack(z)); /* one-way */
    zset_free(z);

    z = zset_new_for(1);
    zset_add(&z, 1, "short", 5, 0, &ns);
    zset_add(&z, 2, "longer than 8", 13, 0, &ns);
    CHECK(!zset_is_listpack(z) && zset_len(z) == 2);
    zset_free(z);
    z = zset_new_for(9);
    CHECK(!zset_is_listpack(z));
    zset_free(z);
    cfg.zset_max_listpack_entries = 0;
    z = zset_new_for(1);
    CHECK(!zset_is_listpack(z));
    zset_free(z);

    /* results start small again when they fit */
    cfg.zset_max_listpack_entries = 4;
    z = zset_build_new();
    bool isnew;
    *zset_build_slot(z, "b", 1, 2, &isnew) += 0;
    CHECK(isnew);
    *zset_build_slot(z, "b", 1, 9, &isnew) += 3;
    CHECK(!isnew);
    zset_build_slot(z, "a", 1, 7, &isnew);
    z = zset_build_done(z, true);
    CHECK(zset_is_listpack(z) && zset_len(z) == 2);
    CHECK(zset_rank(z, "b", 1, false) == 0); /* 5 < 7 */
    zset_free(z);
    /* a result only replied stays a skiplist: -0 keeps its sign */
    z = zset_build_new();
    zset_build_slot(z, "a", 1, -0.0, &isnew);
    z = zset_build_done(z, false);
    double sc = 1;
    CHECK(!zset_is_listpack(z) && zset_score(z, "a", 1, &sc) && sc == 0 && signbit(sc));
    zset_free(z);
    z = zset_build_new();
    for (int i = 0; i < 5; i++) {
        char m[2] = {(char)('a' + i)};
        zset_build_slot(z, m, 1, -i, &isnew);
    }
    z = zset_build_done(z, true);
    CHECK(!zset_is_listpack(z) && zset_rank(z, "e", 1, false) == 0);
    zset_free(z);
    cfg.zset_max_listpack_entries = 128;
    cfg.zset_max_listpack_value = 64;
}

static size_t count_cb;
static bool count_elem(void *ctx, const ZsetElem *e) {
    UNUSED(ctx);
    UNUSED(e);
    count_cb++;
    return true;
}

/* Random operations on both encodings against one model. */
static void test_zset_random(void) {
    static Model md;
    md.n = 0;
    cfg.zset_max_listpack_value = 64;
    cfg.zset_max_listpack_entries = 1000000;
    Zset *lp = zset_new_for(1);
    cfg.zset_max_listpack_entries = 0;
    Zset *sk = zset_new_for(1);
    cfg.zset_max_listpack_entries = 1000000;
    int bad = 0;
    for (int step = 0; step < 6000; step++) {
        char m[16];
        size_t len = rand_member(m);
        double s = (double)(rnd() % 40) + ((rnd() & 3) == 0 ? 0.25 : 0);
        unsigned op = (unsigned)(rnd() % 12);
        double ns1, ns2;
        if (op < 6) {
            ZaddResult r1 = zset_add(&lp, s, m, len, 0, &ns1);
            ZaddResult r2 = zset_add(&sk, s, m, len, 0, &ns2);
            if (r1 != r2) bad++;
            long at = model_find(&md, m, len);
            if (at >= 0) model_del_at(&md, (size_t)at);
            model_insert(&md, s, m, len);
        } else if (op < 8) {
            bool a = zset_remove(&lp, m, len), b = zset_remove(&sk, m, len);
            long at = model_find(&md, m, len);
            if (a != b || a != (at >= 0)) bad++;
            if (at >= 0) model_del_at(&md, (size_t)at);
        } else if (op == 8) {
            ZRangeScore r = rand_score_range();
            size_t want = 0;
            for (size_t i = 0; i < md.n; i++)
                want += zrange_score_gte_min(md.v[i].score, &r) &&
                        zrange_score_lte_max(md.v[i].score, &r);
            if (zset_count_score(lp, &r) != want || zset_count_score(sk, &r) != want) bad++;
            bool rev = rnd() & 1;
            size_t skip = (size_t)(rnd() % 4);
            ZsetIter i1, i2;
            bool h1 = zset_iter_score(&i1, lp, &r, rev, skip);
            bool h2 = zset_iter_score(&i2, sk, &r, rev, skip);
            if (h1 != h2) bad++;
            ZsetElem e1, e2;
            while (h1 && h2) {
                h1 = zset_iter_next(&i1, &e1);
                h2 = zset_iter_next(&i2, &e2);
                if (h1 != h2 || (h1 && (e1.score != e2.score || e1.len != e2.len))) bad++;
            }
        } else if (op == 9 && md.n) {
            long at = (long)(rnd() % md.n);
            const Item *it = &md.v[at];
            if (zset_rank(lp, it->m, it->len, false) != at ||
                zset_rank(sk, it->m, it->len, true) != (long)md.n - 1 - at)
                bad++;
        } else if (op == 10 && step % 5 == 0 && md.n > 3) {
            size_t a = (size_t)(rnd() % md.n), b = a + (size_t)(rnd() % 3);
            if (b >= md.n) b = md.n - 1;
            if (zset_delete_rank(&lp, a, b) != b - a + 1 || zset_delete_rank(&sk, a, b) != b - a + 1)
                bad++;
            for (size_t k = a; k <= b; k++) model_del_at(&md, a);
        } else if (op == 11 && step % 5 == 0) {
            ZRangeScore r = rand_score_range();
            r.max = r.min + 2;
            size_t d1 = zset_delete_score(&lp, &r), d2 = zset_delete_score(&sk, &r), want = 0;
            for (size_t i = md.n; i-- > 0;)
                if (zrange_score_gte_min(md.v[i].score, &r) &&
                    zrange_score_lte_max(md.v[i].score, &r)) {
                    model_del_at(&md, i);
                    want++;
                }
            if (d1 != want || d2 != want) bad++;
        }
    }
    CHECK(bad == 0);
    CHECK(zset_is_listpack(lp) && !zset_is_listpack(sk));
    CHECK(zset_matches(lp, &md) && zset_matches(sk, &md));

    /* random picks and scans see every element / the right counts */
    size_t n = zset_len(lp);
    if (n > 3) {
        count_cb = 0;
        zset_sample(lp, n - 1, count_elem, NULL);
        zset_sample(sk, n - 1, count_elem, NULL);
        zset_sample(sk, 2, count_elem, NULL);
        CHECK(count_cb == 2 * (n - 1) + 2);
    }
    count_cb = 0;
    zset_random_picks(lp, 50, count_elem, NULL);
    zset_random_picks(sk, 50, count_elem, NULL);
    CHECK(count_cb == 100);
    count_cb = 0;
    uint64_t cur = 0;
    do cur = zset_scan(sk, cur, count_elem, NULL);
    while (cur);
    CHECK(count_cb == n);
    count_cb = 0;
    CHECK(zset_scan(lp, 0, count_elem, NULL) == 0 && count_cb == n);

    /* lex on equal scores */
    zset_delete_rank(&lp, 0, zset_len(lp) - 1);
    zset_delete_rank(&sk, 0, zset_len(sk) - 1);
    CHECK(zset_len(lp) == 0 && zset_len(sk) == 0);
    const char *words[] = {"b", "a", "c", "ab", "", "ba"};
    for (size_t i = 0; i < ARRAY_LEN(words); i++) {
        double ns;
        zset_add(&lp, 0, words[i], strlen(words[i]), 0, &ns);
        zset_add(&sk, 0, words[i], strlen(words[i]), 0, &ns);
    }
    ZRangeLex r = {"a", "b", 1, 1, ZLEX_INCL, ZLEX_EXCL};
    CHECK(zset_count_lex(lp, &r) == 2 && zset_count_lex(sk, &r) == 2); /* a, ab */
    ZRangeLex all = {"", "", 0, 0, ZLEX_MIN, ZLEX_MAX};
    CHECK(zset_count_lex(lp, &all) == 6 && zset_count_lex(sk, &all) == 6);
    ZsetIter it;
    ZsetElem e;
    CHECK(zset_iter_lex(&it, sk, &r, true, 0) && zset_iter_next(&it, &e) && e.len == 2);
    CHECK(zset_iter_lex(&it, lp, &r, true, 0) && zset_iter_next(&it, &e) && e.len == 2);
    CHECK(!zset_iter_lex(&it, lp, &r, false, 2));
    CHECK(zset_delete_lex(&lp, &r) == 2 && zset_delete_lex(&sk, &r) == 2);
    CHECK(zset_len(lp) == 4 && zset_len(sk) == 4);
    zset_free(lp);
    zset_free(sk);
    cfg.zset_max_listpack_entries = 128;
}

int main(void) {
    test_zsl_basic();
    test_zsl_infinities();
    test_zsl_random();
    test_zsl_heights();
    test_zset_add_semantics();
    test_zset_listpack_scores();
    test_zset_conversions();
    test_zset_random();
    return unit_finish("test_skiplist");
}
