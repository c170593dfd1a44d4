/* ds/quicklist.h -- the list type's value: a doubly linked list of listpack
 * nodes, each filled up to `fill` (Redis's list-max-listpack-size: > 0 at
 * most that many elements and 8kb per node, -1..-5 at most 4kb..64kb per
 * node). An element that fits in no node, or is at least the packed
 * threshold long, gets a node of its own.
 *
 * A list of one node is stored as that bare listpack (a tagged pointer: no
 * list header, no node struct), so the handle changes as the list grows
 * and shrinks: every function that changes a list returns the new handle,
 * which replaces the old one (the old one is invalid). An empty list is a
 * valid handle with no allocation at all; the list type deletes its key
 * when a list becomes empty, so it is only seen while a list is built.
 *
 * Indexes are 0-based from the head; a negative index counts from the
 * tail (-1 = last). Elements are read as listpack values (LpVal): bytes
 * that point into the list, or an integer, valid until the next change. */
#ifndef KILAT_QUICKLIST_H
#define KILAT_QUICKLIST_H

#include "../base.h"
#include "listpack.h"

typedef struct Quicklist Quicklist; /* opaque handle, possibly tagged */

Quicklist *ql_new(void);                 /* empty: allocates nothing */
void ql_free(Quicklist *ql);
Quicklist *ql_dup(const Quicklist *ql);  /* deep copy */
size_t ql_count(const Quicklist *ql);    /* elements, O(1) */
size_t ql_nodes(const Quicklist *ql);    /* listpack nodes */
size_t ql_mem(const Quicklist *ql);      /* bytes held (allocator sizes) */
size_t ql_lp_bytes(const Quicklist *ql); /* sum of the nodes' listpack sizes */

/* Elements of at least `bytes` bytes get a node of their own that takes
 * no other element (Redis's "plain" nodes); 0 restores the default, 1GB.
 * Process-wide (DEBUG QUICKLIST-PACKED-THRESHOLD). */
void ql_set_packed_threshold(size_t bytes);

/* Adds s at the head (tail=false) or the tail. */
Quicklist *ql_push(Quicklist *ql, bool tail, const char *s, size_t len, int fill) WUR;

/* The element at index; false if there is none. */
bool ql_index(const Quicklist *ql, long index, LpVal *out);

/* Calls fn for the elements from index start toward the tail (toward the
 * head when reverse) until the list ends or fn returns false. Nothing is
 * visited if start is out of range. fn must not change the list. */
typedef bool (*QlVisitFn)(void *ctx, const LpVal *v);
void ql_walk(const Quicklist *ql, long start, bool reverse, QlVisitFn fn, void *ctx);

/* Calls fn for each node from the head: its listpack and whether it is a
 * plain node (one element at least the packed threshold long). fn must not
 * change the list. (RDB writes a list node by node.) */
typedef void (*QlNodeFn)(void *ctx, const unsigned char *lp, bool plain);
void ql_foreach_node(const Quicklist *ql, QlNodeFn fn, void *ctx);

/* Deletes n elements from index start toward the tail (clipped to the
 * list's end). */
Quicklist *ql_delete_range(Quicklist *ql, long start, size_t n) WUR;

/* Replaces the element at index, which must exist. */
Quicklist *ql_replace(Quicklist *ql, long index, const char *s, size_t len, int fill) WUR;

/* Inserts s before (after=false) or after the first element equal to
 * pivot, searching from the head. *found says whether the pivot exists. */
Quicklist *ql_insert(Quicklist *ql, const char *pivot, size_t plen, bool after, const char *s,
                     size_t len, int fill, bool *found) WUR;

/* Removes elements equal to s: the first `count` from the head when
 * count > 0, the last -count from the tail when count < 0, all when 0.
 * *removed receives how many went. */
Quicklist *ql_remove(Quicklist *ql, const char *s, size_t len, long count, size_t *removed) WUR;

/* Checks every invariant (links, cached counts and sizes, no empty node);
 * for tests. */
bool ql_verify(const Quicklist *ql);

#endif
