/* ds/intset.h -- a set of int64 values kept as one sorted array of
 * fixed-width integers: 16 bits while every value fits, upgraded to 32 and
 * then 64 bits when a wider value is added (never downgraded). Lookups are
 * binary searches; adds and removes move the tail (O(n)), which is fine for
 * the small sets this encoding is for. One allocation, header included.
 * Functions that may reallocate return the new pointer (WUR). */
#ifndef KILAT_INTSET_H
#define KILAT_INTSET_H

#include "../base.h"

typedef struct IntSet IntSet; /* opaque */

/* A new empty set (16-bit). Never NULL (out of memory aborts). */
IntSet *intset_new(void);
void intset_free(IntSet *is);
/* A deep copy. */
IntSet *intset_dup(const IntSet *is);

/* Adds v; *added (may be NULL) says whether it was absent. */
IntSet *intset_add(IntSet *is, int64_t v, bool *added) WUR;
/* Removes v; *removed (may be NULL) says whether it was present. */
IntSet *intset_remove(IntSet *is, int64_t v, bool *removed) WUR;
/* Removes every value of vals[0..n) that is present (vals is sorted in
 * place; duplicates are fine), in one pass over the set. */
IntSet *intset_remove_many(IntSet *is, int64_t *vals, size_t n) WUR;

bool intset_contains(const IntSet *is, int64_t v);
size_t intset_len(const IntSet *is);
/* The value at position i (0 <= i < len), in ascending order. */
int64_t intset_get(const IntSet *is, size_t i);
/* Bytes per value: 2, 4 or 8. */
unsigned intset_width(const IntSet *is);
/* Bytes allocated (header included). */
size_t intset_mem(const IntSet *is);

#endif
