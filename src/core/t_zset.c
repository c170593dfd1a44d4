/* core/t_zset.c -- the sorted-set object: a listpack of member, score
 * pairs in (score, member) order, or a skiplist + member table once it
 * outgrows the listpack limits (one-way).
 *
 * The object pointer is tagged: a listpack pointer is stored as is, a Big
 * pointer with its low bit set (allocations are 8-aligned), so a small set
 * costs no wrapper allocation. In a Big, each skiplist node is also the
 * member table's entry (the node's hnext link), so a member costs one
 * allocation.
 *
 * Listpack scores: a double that Redis would keep as an integer (integral,
 * within +-2^62) is stored as that integer -- so -0 reads back as 0, and
 * ZSCAN prints 1e17 as "100000000000000000", both as Redis 7.0 does; any
 * other score is stored as a tag byte and its raw bytes: 4 when a float
 * holds it exactly (1.5), else 8 (0.1). Exact, never a canonical integer,
 * and no strtod to read it back. */
#include "t_zset.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "../ds/ht.h"
#include "../ds/listpack.h"
#include "../ds/mem.h"
#include "../ds/num.h"
#include "config.h"
#include "db.h"

/* Past this many bytes a listpack converts whatever the thresholds say
 * (as Redis stops a listpack at 1GB). */
#define LP_SAFETY_BYTES ((size_t)1 << 30)
#define DOUBLE_TAG '\x01' /* not a digit or '-': never a canonical integer */
#define FLOAT_TAG '\x02'

typedef struct {
    HashTable *ht; /* member -> node (the nodes themselves) */
    Zsl zsl;
} Big;

/* ---------- tagged pointer ---------- */

static inline bool is_big(const Zset *z) { return (uintptr_t)z & 1; }
static inline Big *big_of(const Zset *z) { return (Big *)((uintptr_t)z - 1); }
static inline unsigned char *lp_of(const Zset *z) { return (unsigned char *)z; }
static inline Zset *from_big(Big *b) { return (Zset *)((uintptr_t)b | 1); }
static inline Zset *from_lp(unsigned char *lp) {
    ASSERT(((uintptr_t)lp & 1) == 0);
    return (Zset *)lp;
}

static const char *node_key(const void *entry, size_t *len) {
    const ZslNode *n = entry;
    *len = zsl_mlen(n);
    return zsl_member(n);
}

/* The skiplist frees the nodes; the table only links them. */
static const HtType node_type = {offsetof(ZslNode, hnext), node_key, NULL};

static Big *big_new(void) {
    Big *b = mem_alloc(sizeof(*b));
    b->ht = ht_create(&node_type);
    zsl_init(&b->zsl);
    return b;
}

static void big_free(Big *b) {
    ht_destroy(b->ht);
    zsl_destroy(&b->zsl);
    mem_free(b);
}

/* Adds a member the caller knows is absent. */
static inline void big_insert(Big *b, double score, const char *m, size_t len) {
    ZslNode *n = zsl_insert(&b->zsl, score, m, len);
    ht_add_absent(b->ht, n);
}

/* ---------- listpack scores ---------- */

/* Redis's double2ll: the integer a listpack keeps for d, if any. */
static inline bool score_as_int(double d, int64_t *out) {
    if (!(d >= -0x1p62 && d <= 0x1p62)) return false;
    int64_t v = (int64_t)d;
    if ((double)v != d) return false;
    *out = v;
    return true;
}

/* The listpack text of a score: decimal, FLOAT_TAG + the 4 bytes of a
 * float that holds it exactly (1.5, 0.25, inf), or DOUBLE_TAG + 8 bytes. */
static size_t score_pack(double d, char *buf) {
    int64_t v;
    if (score_as_int(d, &v)) return num_format_int64(buf, v);
    float f = isinf(d) || (d >= -FLT_MAX && d <= FLT_MAX) ? (float)d : 0; /* no UB cast */
    if ((double)f == d) {
        buf[0] = FLOAT_TAG;
        memcpy(buf + 1, &f, sizeof(f));
        return 1 + sizeof(f);
    }
    buf[0] = DOUBLE_TAG;
    memcpy(buf + 1, &d, sizeof(d));
    return 1 + sizeof(d);
}

static inline double score_at(const unsigned char *p) {
    LpVal v;
    lp_get(p, &v);
    if (!v.s) return (double)v.v;
    if (v.len == 1 + sizeof(float)) {
        float f;
        ASSERT(v.s[0] == FLOAT_TAG);
        memcpy(&f, v.s + 1, sizeof(f));
        return f;
    }
    double d;
    ASSERT(v.len == 1 + sizeof(d) && v.s[0] == DOUBLE_TAG);
    memcpy(&d, v.s + 1, sizeof(d));
    return d;
}

static unsigned char *lp_append_score(unsigned char *lp, double d) {
    int64_t v;
    if (score_as_int(d, &v)) return lp_append_int(lp, v);
    char buf[24];
    size_t n = score_pack(d, buf);
    return lp_append(lp, buf, n);
}

static inline unsigned char *lp_next_pair(unsigned char *lp, unsigned char *p) {
    return lp_next(lp, lp_next(lp, p));
}

static inline unsigned char *lp_prev_pair(unsigned char *lp, unsigned char *p) {
    unsigned char *sp = lp_prev(lp, p);
    return sp ? lp_prev(lp, sp) : NULL;
}

/* Inserts (score, m) at its place. m must not point into lp. */
static unsigned char *lp_insert_sorted(unsigned char *lp, double score, const char *m, size_t len) {
    char mbuf[24];
    unsigned char *p = lp_first(lp);
    while (p) {
        unsigned char *sp = lp_next(lp, p);
        double s = score_at(sp);
        if (s > score) break;
        if (s == score) {
            size_t ml;
            const char *ms = lp_get_str(p, &ml, mbuf);
            if (zsl_cmp_member(ms, ml, m, len) > 0) break;
        }
        p = lp_next(lp, sp);
    }
    if (!p) {
        lp = lp_append(lp, m, len);
        return lp_append_score(lp, score);
    }
    char sbuf[24];
    size_t slen = score_pack(score, sbuf);
    unsigned char *np;
    lp = lp_insert(lp, p, false, m, len, &np);
    return lp_insert(lp, np, true, sbuf, slen, NULL);
}

static Big *lp_to_big(unsigned char *lp) {
    Big *b = big_new();
    char buf[24];
    for (unsigned char *p = lp_first(lp); p;) {
        unsigned char *sp = lp_next(lp, p);
        size_t len;
        const char *m = lp_get_str(p, &len, buf);
        big_insert(b, score_at(sp), m, len);
        p = lp_next(lp, sp);
    }
    lp_free(lp);
    return b;
}

static unsigned char *big_to_lp(Big *b) {
    unsigned char *lp = lp_new();
    for (ZslNode *n = zsl_first(&b->zsl); n; n = zsl_next(n)) {
        lp = lp_append(lp, zsl_member(n), zsl_mlen(n));
        lp = lp_append_score(lp, n->score);
    }
    big_free(b);
    return lp;
}

/* ---------- random numbers (ZRANDMEMBER) ---------- */


static inline uint64_t rng_below(uint64_t n) { return ht_rand64() % n; }

/* ---------- object basics ---------- */

Zset *zset_new_for(size_t mlen) {
    if (cfg.zset_max_listpack_entries <= 0 || mlen > (uint64_t)cfg.zset_max_listpack_value)
        return from_big(big_new());
    return from_lp(lp_new());
}

void zset_free(Zset *z) {
    if (is_big(z)) big_free(big_of(z));
    else lp_free(lp_of(z));
}

size_t zset_len(const Zset *z) {
    return is_big(z) ? big_of(z)->zsl.length : lp_count(lp_of(z)) / 2;
}

bool zset_is_listpack(const Zset *z) { return !is_big(z); }

const char *zset_encoding(const Zset *z) { return is_big(z) ? "skiplist" : "listpack"; }

Zset *zset_to_skiplist(Zset *z) { return is_big(z) ? z : from_big(lp_to_big(lp_of(z))); }

static void *ops_dup(const void *obj) {
    const Zset *z = obj;
    if (!is_big(z)) return from_lp(lp_dup(lp_of(z)));
    Big *src = big_of(z), *b = big_new();
    for (ZslNode *n = zsl_first(&src->zsl); n; n = zsl_next(n))
        big_insert(b, n->score, zsl_member(n), zsl_mlen(n));
    return from_big(b);
}

static void ops_free(void *obj) { zset_free(obj); }
static const char *ops_encoding(const void *obj) { return zset_encoding(obj); }
static size_t ops_length(const void *obj) { return zset_len(obj); }

static size_t ops_mem(const void *obj) {
    const Zset *z = obj;
    if (!is_big(z)) return mem_usable(lp_of(z));
    Big *b = big_of(z);
    return sizeof(Big) + ht_buckets(b->ht) * sizeof(void *) + zsl_mem(&b->zsl);
}

static const TypeOps zset_ops = {
    .free = ops_free,
    .dup = ops_dup,
    .encoding = ops_encoding,
    .length = ops_length,
    .mem = ops_mem,
};

void zset_register_type(void) { db_register_type(TYPE_ZSET, &zset_ops); }

/* ---------- members ---------- */

bool zset_score(Zset *z, const char *m, size_t len, double *score) {
    if (is_big(z)) {
        ZslNode *n = ht_find(big_of(z)->ht, m, len);
        if (!n) return false;
        *score = n->score;
        return true;
    }
    unsigned char *lp = lp_of(z);
    unsigned char *p = lp_find(lp, lp_first(lp), m, len, 1);
    if (!p) return false;
    *score = score_at(lp_next(lp, p));
    return true;
}

/* What ZADD does to a member that exists with score `cur`; *score becomes
 * the score to keep. */
static ZaddResult decide(double cur, double *score, unsigned flags) {
    if (flags & ZADD_NX) return ZADD_NOP;
    if (flags & ZADD_INCR) {
        *score += cur;
        if (isnan(*score)) return ZADD_NAN;
    }
    if (((flags & ZADD_LT) && *score >= cur) || ((flags & ZADD_GT) && *score <= cur))
        return ZADD_NOP;
    return *score == cur ? ZADD_SAME : ZADD_UPDATED;
}

static bool lp_must_convert(unsigned char *lp, size_t len) {
    return lp_count(lp) / 2 + 1 > (uint64_t)cfg.zset_max_listpack_entries ||
           len > (uint64_t)cfg.zset_max_listpack_value || lp_bytes(lp) + len > LP_SAFETY_BYTES;
}

ZaddResult zset_add(Zset **zp, double score, const char *m, size_t len, unsigned flags,
                    double *newscore) {
    Zset *z = *zp;
    if (!is_big(z)) {
        unsigned char *lp = lp_of(z);
        unsigned char *p = lp_find(lp, lp_first(lp), m, len, 1);
        if (p) {
            ZaddResult r = decide(score_at(lp_next(lp, p)), &score, flags);
            if (r == ZADD_NOP || r == ZADD_NAN) return r;
            *newscore = score;
            if (r == ZADD_UPDATED) {
                lp = lp_delete(lp, &p, 2);
                *zp = from_lp(lp_insert_sorted(lp, score, m, len));
            }
            return r;
        }
        if (flags & ZADD_XX) return ZADD_NOP;
        *newscore = score;
        if (!lp_must_convert(lp, len)) {
            *zp = from_lp(lp_insert_sorted(lp, score, m, len));
            return ZADD_ADDED;
        }
        Big *b = lp_to_big(lp);
        big_insert(b, score, m, len);
        *zp = from_big(b);
        return ZADD_ADDED;
    }
    Big *b = big_of(z);
    ZslNode *n = ht_find(b->ht, m, len);
    if (n) {
        ZaddResult r = decide(n->score, &score, flags);
        if (r == ZADD_NOP || r == ZADD_NAN) return r;
        *newscore = score;
        if (r == ZADD_UPDATED) zsl_update_score(&b->zsl, n, score);
        return r;
    }
    if (flags & ZADD_XX) return ZADD_NOP;
    *newscore = score;
    big_insert(b, score, m, len);
    return ZADD_ADDED;
}

bool zset_remove(Zset **zp, const char *m, size_t len) {
    Zset *z = *zp;
    if (is_big(z)) {
        Big *b = big_of(z);
        ZslNode *n = ht_remove(b->ht, m, len);
        if (!n) return false;
        zsl_delete(&b->zsl, n);
        return true;
    }
    unsigned char *lp = lp_of(z);
    unsigned char *p = lp_find(lp, lp_first(lp), m, len, 1);
    if (!p) return false;
    *zp = from_lp(lp_delete(lp, &p, 2));
    return true;
}

int64_t zset_rank(Zset *z, const char *m, size_t len, bool rev) {
    size_t count = zset_len(z), r;
    if (is_big(z)) {
        Big *b = big_of(z);
        ZslNode *n = ht_find(b->ht, m, len);
        if (!n) return -1;
        r = zsl_rank(&b->zsl, n) - 1;
    } else {
        unsigned char *lp = lp_of(z), *p = lp_first(lp);
        for (r = 0; p; r++, p = lp_next_pair(lp, p))
            if (lp_eq(p, m, len)) break;
        if (!p) return -1;
    }
    return (int64_t)(rev ? count - 1 - r : r);
}

/* ---------- iteration ---------- */

static void iter_init(ZsetIter *it, Zset *z, bool rev) {
    it->z = z;
    it->rev = rev;
    it->node = NULL;
    it->lp = is_big(z) ? NULL : lp_of(z);
    it->p = NULL;
}

void zset_iter_rank(ZsetIter *it, Zset *z, size_t rank, bool rev) {
    size_t n = zset_len(z);
    iter_init(it, z, rev);
    if (rank >= n) return;
    size_t fwd = rev ? n - 1 - rank : rank;
    if (is_big(z)) it->node = zsl_at(&big_of(z)->zsl, fwd + 1);
    else it->p = lp_seek(it->lp, (long)(2 * fwd));
}

bool zset_iter_next(ZsetIter *it, ZsetElem *e) {
    if (is_big(it->z)) {
        ZslNode *n = it->node;
        if (!n) return false;
        e->m = zsl_member(n);
        e->len = zsl_mlen(n);
        e->score = n->score;
        it->node = it->rev ? n->backward : n->lv[0].forward;
        return true;
    }
    unsigned char *p = it->p;
    if (!p) return false;
    unsigned char *sp = lp_next(it->lp, p);
    e->m = lp_get_str(p, &e->len, it->buf);
    e->score = score_at(sp);
    it->p = it->rev ? lp_prev_pair(it->lp, p) : lp_next(it->lp, sp);
    return true;
}

/* Moves a skiplist start node `skip` places in the walk's direction. */
static ZslNode *skip_nodes(const Zsl *zsl, ZslNode *n, bool rev, size_t skip) {
    if (!n || skip == 0) return n;
    size_t rank = zsl_rank(zsl, n);
    if (rev) return skip >= rank ? NULL : zsl_at(zsl, rank - skip);
    return skip > zsl->length - rank ? NULL : zsl_at(zsl, rank + skip);
}

/* Moves a listpack pair cursor `skip` pairs in the walk's direction. */
static unsigned char *skip_pairs(unsigned char *lp, unsigned char *p, bool rev, size_t skip) {
    while (p && skip--) p = rev ? lp_prev_pair(lp, p) : lp_next_pair(lp, p);
    return p;
}

/* The listpack pair where a walk over a range starts: the first pair
 * past the near end (`beyond` says a pair lies before the range in the
 * walk's direction), provided it is inside the far end (`within`). */
typedef bool (*PairTest)(unsigned char *p, unsigned char *sp, const void *r);

static unsigned char *lp_range_start(unsigned char *lp, bool rev, PairTest beyond,
                                     PairTest within, const void *r) {
    unsigned char *p = rev ? lp_seek(lp, -2) : lp_first(lp);
    while (p) {
        unsigned char *sp = lp_next(lp, p);
        if (!beyond(p, sp, r)) return within(p, sp, r) ? p : NULL;
        p = rev ? lp_prev_pair(lp, p) : lp_next(lp, sp);
    }
    return NULL;
}

static bool below_min_score(unsigned char *p, unsigned char *sp, const void *r) {
    UNUSED(p);
    return !zrange_score_gte_min(score_at(sp), r);
}
static bool above_max_score(unsigned char *p, unsigned char *sp, const void *r) {
    UNUSED(p);
    return !zrange_score_lte_max(score_at(sp), r);
}
static bool in_max_score(unsigned char *p, unsigned char *sp, const void *r) {
    return !above_max_score(p, sp, r);
}
static bool in_min_score(unsigned char *p, unsigned char *sp, const void *r) {
    return !below_min_score(p, sp, r);
}

static bool below_min_lex(unsigned char *p, unsigned char *sp, const void *r) {
    UNUSED(sp);
    char buf[24];
    size_t len;
    const char *m = lp_get_str(p, &len, buf);
    return !zrange_lex_gte_min(m, len, r);
}
static bool above_max_lex(unsigned char *p, unsigned char *sp, const void *r) {
    UNUSED(sp);
    char buf[24];
    size_t len;
    const char *m = lp_get_str(p, &len, buf);
    return !zrange_lex_lte_max(m, len, r);
}
static bool in_max_lex(unsigned char *p, unsigned char *sp, const void *r) {
    return !above_max_lex(p, sp, r);
}
static bool in_min_lex(unsigned char *p, unsigned char *sp, const void *r) {
    return !below_min_lex(p, sp, r);
}

bool zset_iter_score(ZsetIter *it, Zset *z, const ZRangeScore *r, bool rev, size_t skip) {
    iter_init(it, z, rev);
    if (zrange_score_empty(r)) return false;
    if (is_big(z)) {
        Zsl *zsl = &big_of(z)->zsl;
        ZslNode *n = rev ? zsl_last_in_score(zsl, r) : zsl_first_in_score(zsl, r);
        n = skip_nodes(zsl, n, rev, skip);
        if (n && !(rev ? zrange_score_gte_min(n->score, r) : zrange_score_lte_max(n->score, r)))
            n = NULL;
        it->node = n;
        return n != NULL;
    }
    PairTest far = rev ? in_min_score : in_max_score;
    unsigned char *p = rev ? lp_range_start(it->lp, true, above_max_score, far, r)
                           : lp_range_start(it->lp, false, below_min_score, far, r);
    p = skip_pairs(it->lp, p, rev, skip);
    if (p && !far(p, lp_next(it->lp, p), r)) p = NULL;
    it->p = p;
    return p != NULL;
}

bool zset_iter_lex(ZsetIter *it, Zset *z, const ZRangeLex *r, bool rev, size_t skip) {
    iter_init(it, z, rev);
    if (zrange_lex_empty(r)) return false;
    if (is_big(z)) {
        Zsl *zsl = &big_of(z)->zsl;
        ZslNode *n = rev ? zsl_last_in_lex(zsl, r) : zsl_first_in_lex(zsl, r);
        n = skip_nodes(zsl, n, rev, skip);
        if (n && !(rev ? zrange_lex_gte_min(zsl_member(n), zsl_mlen(n), r)
                       : zrange_lex_lte_max(zsl_member(n), zsl_mlen(n), r)))
            n = NULL;
        it->node = n;
        return n != NULL;
    }
    PairTest far = rev ? in_min_lex : in_max_lex;
    unsigned char *p = rev ? lp_range_start(it->lp, true, above_max_lex, far, r)
                           : lp_range_start(it->lp, false, below_min_lex, far, r);
    p = skip_pairs(it->lp, p, rev, skip);
    if (p && !far(p, lp_next(it->lp, p), r)) p = NULL;
    it->p = p;
    return p != NULL;
}

/* Counts the listpack pairs from p on (forward) while within(). */
static size_t lp_count_run(unsigned char *lp, unsigned char *p, PairTest within, const void *r) {
    size_t n = 0;
    while (p) {
        unsigned char *sp = lp_next(lp, p);
        if (!within(p, sp, r)) break;
        n++;
        p = lp_next(lp, sp);
    }
    return n;
}

size_t zset_count_score(Zset *z, const ZRangeScore *r) {
    if (zrange_score_empty(r)) return 0;
    if (is_big(z)) {
        Zsl *zsl = &big_of(z)->zsl;
        ZslNode *first = zsl_first_in_score(zsl, r);
        if (!first) return 0;
        ZslNode *last = zsl_last_in_score(zsl, r);
        return zsl_rank(zsl, last) - zsl_rank(zsl, first) + 1;
    }
    unsigned char *lp = lp_of(z);
    unsigned char *p = lp_range_start(lp, false, below_min_score, in_max_score, r);
    return lp_count_run(lp, p, in_max_score, r);
}

size_t zset_count_lex(Zset *z, const ZRangeLex *r) {
    if (zrange_lex_empty(r)) return 0;
    if (is_big(z)) {
        Zsl *zsl = &big_of(z)->zsl;
        ZslNode *first = zsl_first_in_lex(zsl, r);
        if (!first) return 0;
        ZslNode *last = zsl_last_in_lex(zsl, r);
        return zsl_rank(zsl, last) - zsl_rank(zsl, first) + 1;
    }
    unsigned char *lp = lp_of(z);
    unsigned char *p = lp_range_start(lp, false, below_min_lex, in_max_lex, r);
    return lp_count_run(lp, p, in_max_lex, r);
}

/* ---------- range deletions ---------- */

static void unlink_member(void *ctx, ZslNode *n) {
    ZslNode *got = ht_remove(ctx, zsl_member(n), zsl_mlen(n));
    ASSERT(got == n);
}

/* Deletes the listpack run of pairs that starts at p and satisfies within. */
static size_t lp_delete_run(Zset **zp, unsigned char *p, PairTest within, const void *r) {
    unsigned char *lp = lp_of(*zp);
    size_t n = lp_count_run(lp, p, within, r);
    if (n) *zp = from_lp(lp_delete(lp, &p, 2 * n));
    return n;
}

size_t zset_delete_rank(Zset **zp, size_t start, size_t end) {
    ASSERT(start <= end && end < zset_len(*zp));
    if (is_big(*zp)) {
        Big *b = big_of(*zp);
        return zsl_delete_rank(&b->zsl, start + 1, end + 1, unlink_member, b->ht);
    }
    size_t n = end - start + 1;
    *zp = from_lp(lp_delete_range(lp_of(*zp), (long)(2 * start), 2 * n));
    return n;
}

size_t zset_delete_score(Zset **zp, const ZRangeScore *r) {
    if (is_big(*zp)) {
        Big *b = big_of(*zp);
        return zsl_delete_score(&b->zsl, r, unlink_member, b->ht);
    }
    if (zrange_score_empty(r)) return 0;
    unsigned char *p = lp_range_start(lp_of(*zp), false, below_min_score, in_max_score, r);
    return lp_delete_run(zp, p, in_max_score, r);
}

size_t zset_delete_lex(Zset **zp, const ZRangeLex *r) {
    if (is_big(*zp)) {
        Big *b = big_of(*zp);
        return zsl_delete_lex(&b->zsl, r, unlink_member, b->ht);
    }
    if (zrange_lex_empty(r)) return 0;
    unsigned char *p = lp_range_start(lp_of(*zp), false, below_min_lex, in_max_lex, r);
    return lp_delete_run(zp, p, in_max_lex, r);
}

/* ---------- random picks ---------- */

static void node_elem(const ZslNode *n, ZsetElem *e) {
    e->m = zsl_member(n);
    e->len = zsl_mlen(n);
    e->score = n->score;
}

/* buf: >= 24 bytes for an integer member. */
static void pair_elem(unsigned char *lp, unsigned char *p, ZsetElem *e, char *buf) {
    e->m = lp_get_str(p, &e->len, buf);
    e->score = score_at(lp_next(lp, p));
}

static char rand_buf[24]; /* zset_random's integer member text */

void zset_random(Zset *z, ZsetElem *e) {
    size_t n = zset_len(z);
    ASSERT(n > 0);
    if (is_big(z)) {
        node_elem(ht_random_fair(big_of(z)->ht), e);
        return;
    }
    unsigned char *lp = lp_of(z);
    pair_elem(lp, lp_seek(lp, (long)(2 * rng_below(n))), e, rand_buf);
}

typedef struct {
    ZslNode **v;
    size_t n;
} NodeArray;

static void collect_node(void *ctx, void *entry) {
    NodeArray *a = ctx;
    a->v[a->n++] = entry;
}

/* A small open-addressing set of pointers (distinct picks from a table). */
typedef struct {
    const void **slots;
    size_t mask;
} PtrSet;

static bool ptrset_add(PtrSet *s, const void *p) {
    size_t i = (size_t)(((uintptr_t)p >> 3) * 0x9e3779b97f4a7c15ULL) & s->mask;
    while (s->slots[i]) {
        if (s->slots[i] == p) return false;
        i = (i + 1) & s->mask;
    }
    s->slots[i] = p;
    return true;
}

static void big_sample(Big *b, size_t count, ZsetElemFn fn, void *ctx) {
    size_t size = ht_count(b->ht);
    ZsetElem e;
    if (count * 3 > size) { /* most of it: shuffle the first `count` */
        NodeArray a = {mem_alloc(size * sizeof(ZslNode *)), 0};
        uint64_t cur = 0;
        do cur = ht_scan(b->ht, cur, collect_node, &a);
        while (cur);
        for (size_t i = 0; i < count; i++) {
            size_t j = i + (size_t)rng_below(size - i);
            ZslNode *t = a.v[i];
            a.v[i] = a.v[j];
            a.v[j] = t;
            node_elem(a.v[i], &e);
            if (!fn(ctx, &e)) break;
        }
        mem_free(a.v);
        return;
    }
    size_t cap = 16;
    while (cap < count * 2) cap *= 2;
    PtrSet s = {mem_calloc(cap * sizeof(void *)), cap - 1};
    for (size_t got = 0; got < count;) {
        ZslNode *n = ht_random_fair(b->ht);
        if (!ptrset_add(&s, n)) continue;
        got++;
        node_elem(n, &e);
        if (!fn(ctx, &e)) break;
    }
    mem_free(s.slots);
}

void zset_sample(Zset *z, size_t count, ZsetElemFn fn, void *ctx) {
    ASSERT(count < zset_len(z));
    if (count == 0) return;
    if (is_big(z)) {
        big_sample(big_of(z), count, fn, ctx);
        return;
    }
    /* Selection sampling: each pair is taken with probability
     * needed/remaining; one pass, in listpack order. */
    unsigned char *lp = lp_of(z);
    uint64_t left = zset_len(z), need = count;
    char buf[24];
    for (unsigned char *p = lp_first(lp); p && need; left--, p = lp_next_pair(lp, p)) {
        if (rng_below(left) >= need) continue;
        need--;
        ZsetElem e;
        pair_elem(lp, p, &e, buf);
        if (!fn(ctx, &e)) return;
    }
}

void zset_random_picks(Zset *z, size_t count, ZsetElemFn fn, void *ctx) {
    size_t n = zset_len(z);
    if (n == 0) return;
    ZsetElem e;
    if (is_big(z)) {
        while (count--) {
            node_elem(ht_random_fair(big_of(z)->ht), &e);
            if (!fn(ctx, &e)) break;
        }
        return;
    }
    unsigned char *lp = lp_of(z);
    unsigned char **idx = mem_alloc(n * sizeof(*idx));
    size_t i = 0;
    for (unsigned char *p = lp_first(lp); p; p = lp_next_pair(lp, p)) idx[i++] = p;
    char buf[24];
    while (count--) {
        pair_elem(lp, idx[rng_below(n)], &e, buf);
        if (!fn(ctx, &e)) break;
    }
    mem_free(idx);
}

/* ---------- scan ---------- */

size_t zset_scan_score(const Zset *z, double score, char *buf) {
    int64_t v;
    if (!is_big(z) && score_as_int(score, &v)) return num_format_int64(buf, v);
    return num_format_double(buf, score);
}

typedef struct {
    ZsetElemFn fn;
    void *ctx;
} ScanCtx;

static void scan_node(void *ctx, void *entry) {
    ScanCtx *s = ctx;
    ZsetElem e;
    node_elem(entry, &e);
    s->fn(s->ctx, &e);
}

uint64_t zset_scan(Zset *z, uint64_t cursor, ZsetElemFn fn, void *ctx) {
    if (is_big(z)) {
        ScanCtx s = {fn, ctx};
        return ht_scan(big_of(z)->ht, cursor, scan_node, &s);
    }
    unsigned char *lp = lp_of(z);
    char buf[24];
    for (unsigned char *p = lp_first(lp); p; p = lp_next_pair(lp, p)) {
        ZsetElem e;
        pair_elem(lp, p, &e, buf);
        fn(ctx, &e);
    }
    return 0;
}

/* ---------- building results ---------- */

Zset *zset_build_new(void) { return from_big(big_new()); }

double *zset_build_slot(Zset *z, const char *m, size_t len, double init, bool *isnew) {
    Big *b = big_of(z);
    ZslNode *n = ht_find(b->ht, m, len);
    *isnew = n == NULL;
    if (!n) {
        n = zsl_node_new(init, m, len);
        ht_add_absent(b->ht, n);
    }
    return &n->score;
}

Zset *zset_build_done(Zset *z, bool compact) {
    Big *b = big_of(z);
    size_t count = ht_count(b->ht), maxlen = 0;
    if (count) {
        NodeArray a = {mem_alloc(count * sizeof(ZslNode *)), 0};
        uint64_t cur = 0;
        do cur = ht_scan(b->ht, cur, collect_node, &a);
        while (cur);
        ASSERT(a.n == count);
        for (size_t i = 0; i < a.n; i++) {
            size_t len = zsl_mlen(a.v[i]);
            if (len > maxlen) maxlen = len;
            zsl_insert_node(&b->zsl, a.v[i]);
        }
        mem_free(a.v);
    }
    if (compact && count <= (uint64_t)cfg.zset_max_listpack_entries &&
        maxlen <= (uint64_t)cfg.zset_max_listpack_value)
        return from_lp(big_to_lp(b));
    return z;
}
