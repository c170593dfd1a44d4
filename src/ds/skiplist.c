/* ds/skiplist.c -- skiplist with spans (see skiplist.h).
 * Invariant: for every level i of a node x (the header included),
 * x->lv[i].span is the number of level-0 steps from x to x->lv[i].forward,
 * and the list is strictly increasing in (score, member). A node's rank is
 * the sum of the spans walked from the header to reach it. Heights are
 * geometric with p = 1/4, capped at ZSL_MAXLEVEL. */
#include "skiplist.h"

#include <string.h>

#include "mem.h"

int zsl_cmp_member(const char *a, size_t alen, const char *b, size_t blen) {
    size_t n = alen < blen ? alen : blen;
    int c = n ? memcmp(a, b, n) : 0;
    if (c) return c;
    return alen < blen ? -1 : alen > blen;
}

/* (score, member) of x is before (score, m). */
static inline bool node_before(const ZslNode *x, double score, const char *m, size_t len) {
    if (x->score != score) return x->score < score;
    return zsl_cmp_member(zsl_member(x), zsl_mlen(x), m, len) < 0;
}

/* ---------- intervals ---------- */

bool zrange_score_gte_min(double v, const ZRangeScore *r) { return r->minex ? v > r->min : v >= r->min; }
bool zrange_score_lte_max(double v, const ZRangeScore *r) { return r->maxex ? v < r->max : v <= r->max; }

bool zrange_score_empty(const ZRangeScore *r) {
    return r->min > r->max || (r->min == r->max && (r->minex || r->maxex));
}

bool zrange_lex_gte_min(const char *s, size_t len, const ZRangeLex *r) {
    switch (r->minkind) {
    case ZLEX_MIN: return true;
    case ZLEX_MAX: return false;
    case ZLEX_INCL: return zsl_cmp_member(s, len, r->min, r->minlen) >= 0;
    default: return zsl_cmp_member(s, len, r->min, r->minlen) > 0;
    }
}

bool zrange_lex_lte_max(const char *s, size_t len, const ZRangeLex *r) {
    switch (r->maxkind) {
    case ZLEX_MAX: return true;
    case ZLEX_MIN: return false;
    case ZLEX_INCL: return zsl_cmp_member(s, len, r->max, r->maxlen) <= 0;
    default: return zsl_cmp_member(s, len, r->max, r->maxlen) < 0;
    }
}

bool zrange_lex_empty(const ZRangeLex *r) {
    if (r->minkind == ZLEX_MAX || r->maxkind == ZLEX_MIN) return true;
    if (r->minkind == ZLEX_MIN || r->maxkind == ZLEX_MAX) return false;
    int c = zsl_cmp_member(r->min, r->minlen, r->max, r->maxlen);
    return c > 0 || (c == 0 && (r->minkind == ZLEX_EXCL || r->maxkind == ZLEX_EXCL));
}

/* ---------- nodes ---------- */

static uint64_t rng_state;

/* xorshift64*: heights need speed, not quality. Seeded lazily from an
 * address (ASLR) so two processes do not build identical towers. */
static inline uint64_t rng_next(void) {
    if (UNLIKELY(rng_state == 0)) rng_state = (uint64_t)(uintptr_t)&rng_state ^ 0x9e3779b97f4a7c15ull;
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static int random_height(void) {
    /* Each pair of random bits is 00 with p = 1/4: count such pairs. */
    uint64_t r = rng_next();
    int h = 1;
    while (h < ZSL_MAXLEVEL && (r & 3) == 0) {
        h++;
        r >>= 2; /* 32 pairs cover the 31 possible promotions */
    }
    return h;
}

static ZslNode *node_alloc(int height, double score, const char *m, size_t len) {
    ZslNode *n = mem_alloc(sizeof(ZslNode) + (size_t)height * sizeof(ZslLevel) + len);
    n->hnext = NULL;
    n->backward = NULL;
    n->score = score;
    n->mlen = (uint32_t)len;
    n->mlen_hi = (uint8_t)((uint64_t)len >> 32);
    n->height = (uint8_t)height;
    for (int i = 0; i < height; i++) {
        n->lv[i].forward = NULL;
        n->lv[i].span = 0;
    }
    if (len) memcpy(n->lv + height, m, len);
    return n;
}

ZslNode *zsl_node_new(double score, const char *m, size_t len) {
    ASSERT((uint64_t)len < (1ull << 40));
    return node_alloc(random_height(), score, m, len);
}

void zsl_node_free(ZslNode *n) { mem_free(n); }

void zsl_init(Zsl *zsl) {
    zsl->header = node_alloc(ZSL_MAXLEVEL, 0, NULL, 0);
    zsl->tail = NULL;
    zsl->length = 0;
    zsl->level = 1;
}

void zsl_destroy(Zsl *zsl) {
    ZslNode *x = zsl->header->lv[0].forward;
    while (x) {
        ZslNode *next = x->lv[0].forward;
        mem_free(x);
        x = next;
    }
    mem_free(zsl->header);
    zsl->header = zsl->tail = NULL;
    zsl->length = 0;
}

/* ---------- linking ---------- */

/* Fills update[i] with the last node at level i before (score, m), and
 * rank[i] with that node's rank. */
static void find_path(const Zsl *zsl, double score, const char *m, size_t len,
                      ZslNode **update, size_t *rank) {
    ZslNode *x = zsl->header;
    for (int i = zsl->level - 1; i >= 0; i--) {
        size_t r = i == zsl->level - 1 ? 0 : rank[i + 1];
        while (x->lv[i].forward && node_before(x->lv[i].forward, score, m, len)) {
            r += x->lv[i].span;
            x = x->lv[i].forward;
        }
        update[i] = x;
        rank[i] = r;
    }
}

static void link_at(Zsl *zsl, ZslNode *n, ZslNode **update, size_t *rank) {
    int h = n->height;
    if (h > zsl->level) {
        for (int i = zsl->level; i < h; i++) {
            rank[i] = 0;
            update[i] = zsl->header;
            update[i]->lv[i].span = zsl->length;
        }
        zsl->level = h;
    }
    for (int i = 0; i < h; i++) {
        n->lv[i].forward = update[i]->lv[i].forward;
        update[i]->lv[i].forward = n;
        n->lv[i].span = update[i]->lv[i].span - (rank[0] - rank[i]);
        update[i]->lv[i].span = (rank[0] - rank[i]) + 1;
    }
    for (int i = h; i < zsl->level; i++) update[i]->lv[i].span++;
    n->backward = update[0] == zsl->header ? NULL : update[0];
    if (n->lv[0].forward) n->lv[0].forward->backward = n;
    else zsl->tail = n;
    zsl->length++;
}

/* Removes x, given update[i] = last node before x at level i. */
static void unlink_at(Zsl *zsl, ZslNode *x, ZslNode **update) {
    for (int i = 0; i < zsl->level; i++) {
        if (update[i]->lv[i].forward == x) {
            update[i]->lv[i].span += x->lv[i].span - 1;
            update[i]->lv[i].forward = x->lv[i].forward;
        } else {
            update[i]->lv[i].span -= 1;
        }
    }
    if (x->lv[0].forward) x->lv[0].forward->backward = x->backward;
    else zsl->tail = x->backward;
    while (zsl->level > 1 && zsl->header->lv[zsl->level - 1].forward == NULL) zsl->level--;
    zsl->length--;
}

void zsl_insert_node(Zsl *zsl, ZslNode *n) {
    ZslNode *update[ZSL_MAXLEVEL];
    size_t rank[ZSL_MAXLEVEL];
    find_path(zsl, n->score, zsl_member(n), zsl_mlen(n), update, rank);
    link_at(zsl, n, update, rank);
}

ZslNode *zsl_insert(Zsl *zsl, double score, const char *m, size_t len) {
    ZslNode *n = zsl_node_new(score, m, len);
    zsl_insert_node(zsl, n);
    return n;
}

static void unlink_node(Zsl *zsl, ZslNode *n) {
    ZslNode *update[ZSL_MAXLEVEL];
    size_t rank[ZSL_MAXLEVEL];
    find_path(zsl, n->score, zsl_member(n), zsl_mlen(n), update, rank);
    ASSERT(update[0]->lv[0].forward == n);
    unlink_at(zsl, n, update);
}

void zsl_delete(Zsl *zsl, ZslNode *n) {
    unlink_node(zsl, n);
    mem_free(n);
}

void zsl_update_score(Zsl *zsl, ZslNode *n, double score) {
    const char *m = zsl_member(n);
    size_t len = zsl_mlen(n);
    ZslNode *prev = n->backward, *next = n->lv[0].forward;
    /* Still between its neighbours: change in place. */
    if ((!prev || node_before(prev, score, m, len)) &&
        (!next || !node_before(next, score, m, len))) {
        n->score = score;
        return;
    }
    unlink_node(zsl, n);
    n->score = score;
    n->backward = NULL;
    zsl_insert_node(zsl, n);
}

/* ---------- ranks ---------- */

size_t zsl_rank(const Zsl *zsl, const ZslNode *n) {
    const char *m = zsl_member(n);
    size_t len = zsl_mlen(n), rank = 0;
    const ZslNode *x = zsl->header;
    for (int i = zsl->level - 1; i >= 0; i--) {
        while (x->lv[i].forward &&
               (x->lv[i].forward == n || node_before(x->lv[i].forward, n->score, m, len))) {
            rank += x->lv[i].span;
            x = x->lv[i].forward;
        }
        if (x == n) return rank;
    }
    ASSERT(!"node not in skiplist");
    return 0;
}

ZslNode *zsl_at(const Zsl *zsl, size_t rank) {
    if (rank == 0 || rank > zsl->length) return NULL;
    size_t walked = 0;
    ZslNode *x = zsl->header;
    for (int i = zsl->level - 1; i >= 0; i--) {
        while (x->lv[i].forward && walked + x->lv[i].span <= rank) {
            walked += x->lv[i].span;
            x = x->lv[i].forward;
        }
        if (walked == rank) return x;
    }
    return NULL;
}

/* ---------- intervals ---------- */

ZslNode *zsl_first_in_score(const Zsl *zsl, const ZRangeScore *r) {
    if (zrange_score_empty(r) || !zsl->tail || !zrange_score_gte_min(zsl->tail->score, r))
        return NULL;
    ZslNode *x = zsl->header;
    for (int i = zsl->level - 1; i >= 0; i--)
        while (x->lv[i].forward && !zrange_score_gte_min(x->lv[i].forward->score, r))
            x = x->lv[i].forward;
    x = x->lv[0].forward;
    return x && zrange_score_lte_max(x->score, r) ? x : NULL;
}

ZslNode *zsl_last_in_score(const Zsl *zsl, const ZRangeScore *r) {
    ZslNode *first = zsl_first(zsl);
    if (zrange_score_empty(r) || !first || !zrange_score_lte_max(first->score, r)) return NULL;
    ZslNode *x = zsl->header;
    for (int i = zsl->level - 1; i >= 0; i--)
        while (x->lv[i].forward && zrange_score_lte_max(x->lv[i].forward->score, r))
            x = x->lv[i].forward;
    return x != zsl->header && zrange_score_gte_min(x->score, r) ? x : NULL;
}

static inline bool lex_gte_min(const ZslNode *x, const ZRangeLex *r) {
    return zrange_lex_gte_min(zsl_member(x), zsl_mlen(x), r);
}
static inline bool lex_lte_max(const ZslNode *x, const ZRangeLex *r) {
    return zrange_lex_lte_max(zsl_member(x), zsl_mlen(x), r);
}

ZslNode *zsl_first_in_lex(const Zsl *zsl, const ZRangeLex *r) {
    if (zrange_lex_empty(r) || !zsl->tail || !lex_gte_min(zsl->tail, r)) return NULL;
    ZslNode *x = zsl->header;
    for (int i = zsl->level - 1; i >= 0; i--)
        while (x->lv[i].forward && !lex_gte_min(x->lv[i].forward, r)) x = x->lv[i].forward;
    x = x->lv[0].forward;
    return x && lex_lte_max(x, r) ? x : NULL;
}

ZslNode *zsl_last_in_lex(const Zsl *zsl, const ZRangeLex *r) {
    ZslNode *first = zsl_first(zsl);
    if (zrange_lex_empty(r) || !first || !lex_lte_max(first, r)) return NULL;
    ZslNode *x = zsl->header;
    for (int i = zsl->level - 1; i >= 0; i--)
        while (x->lv[i].forward && lex_lte_max(x->lv[i].forward, r)) x = x->lv[i].forward;
    return x != zsl->header && lex_gte_min(x, r) ? x : NULL;
}

/* ---------- range deletions ---------- */

/* Deletes forward from update[0]'s successor while keep(x) holds. */
static size_t delete_run(Zsl *zsl, ZslNode **update, bool (*in)(const ZslNode *, const void *),
                         const void *arg, size_t limit, ZslDelFn del, void *ctx) {
    size_t n = 0;
    ZslNode *x = update[0]->lv[0].forward;
    while (x && n < limit && in(x, arg)) {
        ZslNode *next = x->lv[0].forward;
        unlink_at(zsl, x, update);
        if (del) del(ctx, x);
        mem_free(x);
        n++;
        x = next;
    }
    return n;
}

static bool in_score_max(const ZslNode *x, const void *r) { return zrange_score_lte_max(x->score, r); }
static bool in_lex_max(const ZslNode *x, const void *r) { return lex_lte_max(x, r); }
static bool always(const ZslNode *x, const void *r) { UNUSED(x); UNUSED(r); return true; }

size_t zsl_delete_score(Zsl *zsl, const ZRangeScore *r, ZslDelFn del, void *ctx) {
    if (zrange_score_empty(r)) return 0;
    ZslNode *update[ZSL_MAXLEVEL];
    ZslNode *x = zsl->header;
    for (int i = zsl->level - 1; i >= 0; i--) {
        while (x->lv[i].forward && !zrange_score_gte_min(x->lv[i].forward->score, r))
            x = x->lv[i].forward;
        update[i] = x;
    }
    return delete_run(zsl, update, in_score_max, r, SIZE_MAX, del, ctx);
}

size_t zsl_delete_lex(Zsl *zsl, const ZRangeLex *r, ZslDelFn del, void *ctx) {
    if (zrange_lex_empty(r)) return 0;
    ZslNode *update[ZSL_MAXLEVEL];
    ZslNode *x = zsl->header;
    for (int i = zsl->level - 1; i >= 0; i--) {
        while (x->lv[i].forward && !lex_gte_min(x->lv[i].forward, r)) x = x->lv[i].forward;
        update[i] = x;
    }
    return delete_run(zsl, update, in_lex_max, r, SIZE_MAX, del, ctx);
}

size_t zsl_delete_rank(Zsl *zsl, size_t start, size_t end, ZslDelFn del, void *ctx) {
    if (start == 0 || start > end || start > zsl->length) return 0;
    ZslNode *update[ZSL_MAXLEVEL];
    ZslNode *x = zsl->header;
    size_t walked = 0;
    for (int i = zsl->level - 1; i >= 0; i--) {
        while (x->lv[i].forward && walked + x->lv[i].span < start) {
            walked += x->lv[i].span;
            x = x->lv[i].forward;
        }
        update[i] = x;
    }
    return delete_run(zsl, update, always, NULL, end - start + 1, del, ctx);
}

size_t zsl_mem(const Zsl *zsl) {
    size_t n = mem_usable(zsl->header);
    for (ZslNode *x = zsl_first(zsl); x; x = x->lv[0].forward) n += mem_usable(x);
    return n;
}
