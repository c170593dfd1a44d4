/* core/t_zset.h -- the sorted-set object behind ZADD and friends. Two
 * encodings, as Redis 7.0: a listpack of member, score pairs ordered by
 * (score, member) while the set has at most zset-max-listpack-entries
 * members of at most zset-max-listpack-value bytes; past either limit, a
 * skiplist (order, ranks) whose nodes are also the entries of a member ->
 * node hash table (O(1) ZSCORE). Conversion is one-way, except that results
 * built by ZUNIONSTORE & co. start small again when they fit.
 *
 * The keyspace stores a `Zset *` (entry_obj). A change may move the object,
 * so changing functions take `Zset **` and update it; the caller stores the
 * new pointer back in its entry (entry_set_obj) before any other db write.
 * Elements handed out (ZsetElem) point into the set and are valid until the
 * next change. Scores are never NaN: callers reject NaN first. */
#ifndef KILAT_T_ZSET_H
#define KILAT_T_ZSET_H

#include "../base.h"
#include "../ds/skiplist.h"

typedef struct Zset Zset; /* opaque: a listpack or a tagged skiplist+table */

/* One element read out. m points into the set (or into the iterator's
 * buffer for a listpack integer member). */
typedef struct {
    const char *m;
    size_t len;
    double score;
} ZsetElem;

/* Registers the TypeOps of TYPE_ZSET with the keyspace (once, at start). */
void zset_register_type(void);

/* A new empty set in the encoding ZADD picks for a first member of mlen
 * bytes (listpack unless the thresholds forbid it). The caller owns it
 * until it gives it to the keyspace (db_add_obj). */
Zset *zset_new_for(size_t mlen);
void zset_free(Zset *z);
size_t zset_len(const Zset *z);
bool zset_is_listpack(const Zset *z);
const char *zset_encoding(const Zset *z); /* "listpack" or "skiplist" */
/* The same set as a skiplist (SORT converts for good, as Redis's
 * zsetConvert): z itself if it is one already, else z is freed. */
Zset *zset_to_skiplist(Zset *z) WUR;

/* The member's score; false when absent. */
bool zset_score(Zset *z, const char *m, size_t len, double *score);

/* ZADD flags in, and what happened to one member. */
enum { ZADD_NX = 1, ZADD_XX = 2, ZADD_GT = 4, ZADD_LT = 8, ZADD_INCR = 16 };
typedef enum {
    ZADD_NOP,     /* refused by NX/XX/GT/LT */
    ZADD_SAME,    /* processed, score unchanged */
    ZADD_ADDED,
    ZADD_UPDATED,
    ZADD_NAN,     /* INCR made NaN: nothing changed */
} ZaddResult;
/* Adds or updates m. *newscore: the member's score after the call (when
 * processed). May convert the listpack to a skiplist. */
ZaddResult zset_add(Zset **z, double score, const char *m, size_t len, unsigned flags,
                    double *newscore);
/* Removes m; false when absent. */
bool zset_remove(Zset **z, const char *m, size_t len);
/* 0-based rank of m (from the highest score when rev), -1 when absent. */
int64_t zset_rank(Zset *z, const char *m, size_t len, bool rev);

/* Walks elements in order (or reverse). Positioning functions leave the
 * iterator on the first element to hand out; zset_iter_next returns false
 * past the end. The set must not change while an iterator is used. */
typedef struct {
    Zset *z;
    bool rev;
    ZslNode *node;              /* skiplist: next node */
    unsigned char *lp, *p;      /* listpack: member cursor of the next pair */
    char buf[24];
} ZsetIter;
/* At 0-based rank `rank` counted in the walk's direction. */
void zset_iter_rank(ZsetIter *it, Zset *z, size_t rank, bool rev);
/* At the `skip`-th element (0 = first) of the range in the walk's
 * direction (the lowest for a forward walk); false when the range holds
 * no such element. The iterator does not stop at the far end of the
 * range: the caller tests each element it takes. */
bool zset_iter_score(ZsetIter *it, Zset *z, const ZRangeScore *r, bool rev, size_t skip);
bool zset_iter_lex(ZsetIter *it, Zset *z, const ZRangeLex *r, bool rev, size_t skip);
bool zset_iter_next(ZsetIter *it, ZsetElem *e);

size_t zset_count_score(Zset *z, const ZRangeScore *r);
size_t zset_count_lex(Zset *z, const ZRangeLex *r);

/* Range deletions; return how many were removed. Ranks are 0-based,
 * inclusive, start <= end < zset_len. */
size_t zset_delete_rank(Zset **z, size_t start, size_t end);
size_t zset_delete_score(Zset **z, const ZRangeScore *r);
size_t zset_delete_lex(Zset **z, const ZRangeLex *r);

/* A uniformly chosen element (z not empty). */
void zset_random(Zset *z, ZsetElem *e);
typedef bool (*ZsetElemFn)(void *ctx, const ZsetElem *e);
/* Calls fn(ctx, e) for `count` distinct elements (count < zset_len(z))
 * picked uniformly, in random order. */
void zset_sample(Zset *z, size_t count, ZsetElemFn fn, void *ctx);
/* Calls fn(ctx, e) for `count` elements picked with repetition; fn
 * returns false to stop. */
void zset_random_picks(Zset *z, size_t count, ZsetElemFn fn, void *ctx);

/* One ZSCAN step: calls fn for the elements at one cursor position and
 * returns the next cursor (0: done). A listpack has no cursor: every
 * element, and 0. */
uint64_t zset_scan(Zset *z, uint64_t cursor, ZsetElemFn fn, void *ctx);
/* A score as ZSCAN prints it: the listpack's integer text when the
 * listpack keeps it as an integer, else as a reply would ("%.17g").
 * buf >= NUM_DBL_BUF bytes; returns the length. */
size_t zset_scan_score(const Zset *z, double score, char *buf);

/* Building a result set (ZUNIONSTORE & co.): members are gathered in a
 * table first (zset_build_slot), ordered once at the end. */
Zset *zset_build_new(void);
/* The score slot of m in a set under construction: created with `init`
 * (*isnew true) or the existing one. */
double *zset_build_slot(Zset *z, const char *m, size_t len, double init, bool *isnew);
/* Orders the gathered members; returns the finished set, a listpack when
 * it fits the listpack thresholds and `compact` (a stored result). A result
 * only replied (ZUNION) stays a skiplist, as in Redis: its scores keep the
 * sign of a zero (-0), which a listpack's integer scores drop. */
Zset *zset_build_done(Zset *z, bool compact) WUR;

#endif
