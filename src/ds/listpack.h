/* ds/listpack.h -- a packed list of small strings and integers in one
 * allocation: the compact encoding of small lists (quicklist nodes), hashes
 * (field, value, field, value...) and sorted sets (member, score, ...).
 * No per-element allocation; every change may move the whole listpack, so
 * functions that change it return the new pointer (use it, drop the old).
 * Elements are addressed by a cursor `unsigned char *p` pointing into the
 * listpack; a cursor is invalid after any change unless returned by it.
 * Strings that are canonical integers are stored as integers (as Redis).
 * A listpack holds less than 4 GB (asserted): callers keep big elements
 * elsewhere. Costs: 9 bytes empty; a string element its bytes plus 2
 * (up to 63 bytes), 3 (up to 125), 4 (up to 4095); an integer 2 (0..127),
 * 3 (-4096..4095), 4-6 (up to 32 bits) or 10 bytes. */
#ifndef KILAT_LISTPACK_H
#define KILAT_LISTPACK_H

#include "../base.h"

/* One element read out: a string (s, len) or an integer (s == NULL). */
typedef struct {
    const char *s;  /* points into the listpack; NULL for an integer */
    size_t len;     /* 0 for an integer */
    int64_t v;      /* 0 for a string */
} LpVal;

unsigned char *lp_new(void);
void lp_free(unsigned char *lp);
unsigned char *lp_dup(const unsigned char *lp);
size_t lp_count(const unsigned char *lp);   /* elements */
size_t lp_bytes(const unsigned char *lp);   /* total size */

/* Cursors: NULL when there is no such element (a cursor never points at
 * the end marker). Negative index counts from the tail (-1 = last); lp_seek
 * walks from the nearer end. lp_next/lp_prev are O(1). */
unsigned char *lp_first(unsigned char *lp);
unsigned char *lp_last(unsigned char *lp);
unsigned char *lp_next(unsigned char *lp, unsigned char *p);
unsigned char *lp_prev(unsigned char *lp, unsigned char *p);
unsigned char *lp_seek(unsigned char *lp, long index);

void lp_get(const unsigned char *p, LpVal *out);
/* The element as bytes: integers are formatted into buf (>= 24 bytes). */
const char *lp_get_str(const unsigned char *p, size_t *len, char *buf);
/* Byte-wise equality of the element (as its string form) with s. */
bool lp_eq(const unsigned char *p, const char *s, size_t len);

unsigned char *lp_append(unsigned char *lp, const char *s, size_t len) WUR;
unsigned char *lp_prepend(unsigned char *lp, const char *s, size_t len) WUR;
/* Inserts before (after=false) or after element p; p == NULL appends.
 * *newp (if not NULL) receives a cursor to the inserted element.
 * For every insert/replace, s may point into this same listpack. */
unsigned char *lp_insert(unsigned char *lp, unsigned char *p, bool after, const char *s,
                         size_t len, unsigned char **newp) WUR;
/* Replaces element *p in place; *p is updated to the replaced element. */
unsigned char *lp_replace(unsigned char *lp, unsigned char **p, const char *s, size_t len) WUR;
/* Deletes n elements starting at *p; *p becomes the element that followed
 * (NULL at the end). */
unsigned char *lp_delete(unsigned char *lp, unsigned char **p, size_t n) WUR;
/* Deletes elements [index, index + n) (index may be negative; n is cut at
 * the end; an index out of range deletes nothing). */
unsigned char *lp_delete_range(unsigned char *lp, long index, size_t n) WUR;

/* Finds the first element equal to s at or after p (NULL: none; p == NULL
 * finds nothing), comparing only every (skip + 1)-th element (skip = 1 for
 * the fields of a field/value pack). s is parsed once, so a search costs
 * a length/memcmp or integer compare per candidate. */
unsigned char *lp_find(unsigned char *lp, unsigned char *p, const char *s, size_t len,
                       unsigned skip);

/* Appends all of b's elements to a (b is unchanged): one copy. */
unsigned char *lp_concat(unsigned char *a, const unsigned char *b) WUR;

/* The listpack in Redis's byte layout (what RDB files and DUMP carry): a
 * 6-byte header (total, then the count or 65535), Redis's tags. out must
 * hold lp_redis_bytes(lp) bytes. */
size_t lp_redis_bytes(const unsigned char *lp);
void lp_to_redis(const unsigned char *lp, unsigned char *out);

/* Integer forms of append/replace (HINCRBY, counters): the same element as
 * the decimal text of v, without formatting and parsing it. */
unsigned char *lp_append_int(unsigned char *lp, int64_t v) WUR;
unsigned char *lp_replace_int(unsigned char *lp, unsigned char **p, int64_t v) WUR;

#endif
