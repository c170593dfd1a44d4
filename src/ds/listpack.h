/* ds/listpack.h -- a packed list of small strings and integers in one
 * allocation: the compact encoding of small lists (quicklist nodes), hashes
 * (field, value, field, value...) and sorted sets (member, score, ...).
 * No per-element allocation; every change may move the whole listpack, so
 * functions that change it return the new pointer (use it, drop the old).
 * Elements are addressed by a cursor `unsigned char *p` pointing into the
 * listpack; a cursor is invalid after any change unless returned by it.
 * Strings that are canonical integers are stored as integers (as Redis). */
#ifndef KILAT_LISTPACK_H
#define KILAT_LISTPACK_H

#include "../base.h"

/* One element read out: a string (s, len) or an integer (s == NULL). */
typedef struct {
    const char *s;  /* points into the listpack; NULL for an integer */
    size_t len;
    int64_t v;
} LpVal;

unsigned char *lp_new(void);
void lp_free(unsigned char *lp);
unsigned char *lp_dup(const unsigned char *lp);
size_t lp_count(const unsigned char *lp);   /* elements */
size_t lp_bytes(const unsigned char *lp);   /* total size */

/* Cursors: NULL when there is no such element. Negative index counts from
 * the tail (-1 = last). */
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
/* Inserts before (after=false) or after element p; *newp (if not NULL)
 * receives a cursor to the inserted element. */
unsigned char *lp_insert(unsigned char *lp, unsigned char *p, bool after, const char *s,
                         size_t len, unsigned char **newp) WUR;
/* Replaces element *p in place; *p is updated to the replaced element. */
unsigned char *lp_replace(unsigned char *lp, unsigned char **p, const char *s, size_t len) WUR;
/* Deletes n elements starting at *p; *p becomes the element that followed
 * (NULL at the end). */
unsigned char *lp_delete(unsigned char *lp, unsigned char **p, size_t n) WUR;
/* Deletes elements [index, index + n) (index may be negative). */
unsigned char *lp_delete_range(unsigned char *lp, long index, size_t n) WUR;

/* Finds the first element equal to s at or after p, comparing only every
 * (skip + 1)-th element (skip = 1 for the fields of a field/value pack). */
unsigned char *lp_find(unsigned char *lp, unsigned char *p, const char *s, size_t len,
                       unsigned skip);

#endif
