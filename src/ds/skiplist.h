/* ds/skiplist.h -- the ordered index of a big sorted set: nodes ordered by
 * (score, member bytes), with per-level spans so that rank <-> node is
 * O(log n), and backward links for reverse walks.
 *
 * A node is one allocation: header, levels, then the member's bytes. It
 * starts with a spare link (`hnext`) so that the same node can also be an
 * entry of the member -> node hash table (ds/ht.h, next_offset =
 * offsetof(ZslNode, hnext)): one allocation per member serves both. The
 * skiplist owns its nodes; whoever also indexes them in a table must unlink
 * them there before the skiplist frees them (see ZslDelFn).
 * Scores are never NaN (the caller checks). */
#ifndef KILAT_SKIPLIST_H
#define KILAT_SKIPLIST_H

#include "../base.h"

#define ZSL_MAXLEVEL 32

typedef struct ZslNode ZslNode;
typedef struct {
    ZslNode *forward;
    size_t span;            /* rank distance to forward (0 when NULL) */
} ZslLevel;

struct ZslNode {
    ZslNode *hnext;         /* free for a hash table's chain */
    ZslNode *backward;      /* NULL for the first node */
    double score;
    uint32_t mlen;          /* member length, low 32 bits */
    uint8_t mlen_hi;        /* bits 32..39 */
    uint8_t height;         /* levels in lv[] */
    ZslLevel lv[];          /* then the member bytes */
};

static inline const char *zsl_member(const ZslNode *n) { return (const char *)(n->lv + n->height); }
static inline size_t zsl_mlen(const ZslNode *n) { return n->mlen | ((size_t)n->mlen_hi << 32); }

typedef struct {
    ZslNode *header;        /* ZSL_MAXLEVEL levels, no member */
    ZslNode *tail;
    size_t length;
    int level;              /* levels in use, >= 1 */
} Zsl;

/* Score interval; an exclusive end ("(1") excludes its value. */
typedef struct {
    double min, max;
    bool minex, maxex;
} ZRangeScore;

/* Lex interval: each end is a string (inclusive '[' or exclusive '('), or
 * the smallest ("-") or greatest ("+") possible string. */
enum { ZLEX_INCL, ZLEX_EXCL, ZLEX_MIN, ZLEX_MAX };
typedef struct {
    const char *min, *max;
    size_t minlen, maxlen;
    uint8_t minkind, maxkind;
} ZRangeLex;

/* memcmp order, a prefix before the longer string. <0, 0, >0. */
int zsl_cmp_member(const char *a, size_t alen, const char *b, size_t blen);

bool zrange_score_gte_min(double v, const ZRangeScore *r);
bool zrange_score_lte_max(double v, const ZRangeScore *r);
bool zrange_score_empty(const ZRangeScore *r);   /* no double fits */
bool zrange_lex_gte_min(const char *s, size_t len, const ZRangeLex *r);
bool zrange_lex_lte_max(const char *s, size_t len, const ZRangeLex *r);
bool zrange_lex_empty(const ZRangeLex *r);       /* no string fits */

void zsl_init(Zsl *zsl);
/* Frees every node and the header (zsl must be re-initialised to reuse). */
void zsl_destroy(Zsl *zsl);

/* A new unlinked node with a random height (insert it with
 * zsl_insert_node, or free it with zsl_node_free). */
ZslNode *zsl_node_new(double score, const char *m, size_t len);
void zsl_node_free(ZslNode *n);
/* Links a node whose member is not in the list yet. */
void zsl_insert_node(Zsl *zsl, ZslNode *n);
/* zsl_node_new + zsl_insert_node. Returns the node. */
ZslNode *zsl_insert(Zsl *zsl, double score, const char *m, size_t len);
/* Unlinks n and frees it. */
void zsl_delete(Zsl *zsl, ZslNode *n);
/* Gives n a new score and moves it to its place; the node stays the same
 * allocation (a hash table entry pointing at it stays valid). */
void zsl_update_score(Zsl *zsl, ZslNode *n, double score);

static inline ZslNode *zsl_first(const Zsl *zsl) { return zsl->header->lv[0].forward; }
static inline ZslNode *zsl_last(const Zsl *zsl) { return zsl->tail; }
static inline ZslNode *zsl_next(const ZslNode *n) { return n->lv[0].forward; }
static inline ZslNode *zsl_prev(const ZslNode *n) { return n->backward; }

/* 1-based rank of a node of the list. */
size_t zsl_rank(const Zsl *zsl, const ZslNode *n);
/* The node of 1-based rank, NULL if out of 1..length. */
ZslNode *zsl_at(const Zsl *zsl, size_t rank);

/* First / last node inside the interval, NULL if none. The lex variants
 * compare members only (meaningful when all scores are equal). */
ZslNode *zsl_first_in_score(const Zsl *zsl, const ZRangeScore *r);
ZslNode *zsl_last_in_score(const Zsl *zsl, const ZRangeScore *r);
ZslNode *zsl_first_in_lex(const Zsl *zsl, const ZRangeLex *r);
ZslNode *zsl_last_in_lex(const Zsl *zsl, const ZRangeLex *r);

/* Range deletions: del(ctx, node) runs for each node just before it is
 * freed (to unlink it from a hash table). Return the number deleted. */
typedef void (*ZslDelFn)(void *ctx, ZslNode *n);
size_t zsl_delete_score(Zsl *zsl, const ZRangeScore *r, ZslDelFn del, void *ctx);
size_t zsl_delete_lex(Zsl *zsl, const ZRangeLex *r, ZslDelFn del, void *ctx);
/* Ranks start..end, 1-based, inclusive, end <= length. */
size_t zsl_delete_rank(Zsl *zsl, size_t start, size_t end, ZslDelFn del, void *ctx);

/* Bytes held by the list (nodes and header), for MEMORY-like figures. */
size_t zsl_mem(const Zsl *zsl);

#endif
