/* persist/rdb_stream_lp.h -- the checker and reader of one stream node as
 * RDB files and DUMP payloads carry it: a listpack in Redis's byte layout
 * (rdb_lp.h) whose elements are
 *
 *   master entry: count deleted nfields field_1..field_n 0
 *   then per entry (count + deleted of them, in ID order):
 *     flags ms-delta seq-delta [nfields field_1..field_n] value_1..value_n lp-count
 *   flags: 1 deleted (a tombstone), 2 same fields as the master entry (the
 *   field names are left out); an ID is the node's key (master ID) plus the
 *   deltas, each 64-bit wrapping; lp-count is the number of elements of the
 *   entry before it (3 + values, + 1 + fields without flag 2).
 *
 * Two levels: stream_lp_check is exactly Redis 7.0's rule set (the header
 * always; with deep, the element structure above: integers where integers
 * belong, the zero after the master fields, every lp-count, nothing after
 * the last entry). stream_lp_check_node adds what a reader must know
 * before it trusts the node (kilat never asserts on loaded data): counts
 * that are not negative and that match the flags, fields >= 1, known
 * flags, IDs strictly increasing from the master ID. Nothing allocates. */
#ifndef KILAT_RDB_STREAM_LP_H
#define KILAT_RDB_STREAM_LP_H

#include "../base.h"
#include "../ds/stream_id.h"
#include "rdb_blob.h"

#define STREAM_LP_DELETED 1
#define STREAM_LP_SAMEFIELDS 2

/* Redis's streamValidateListpackIntegrity(lp, n, deep). */
bool stream_lp_check(const unsigned char *lp, size_t n, bool deep);

typedef struct {
    uint64_t live, deleted;   /* entries (the master entry's two counts) */
    StreamId first, last;     /* first entry's ID, highest ID (tombstones included) */
    StreamId first_live, last_live; /* when live > 0 */
} StreamLpInfo;

/* stream_lp_check(deep) and the reader's rules, with master the node's
 * key. false with *why (a static string) on the first broken rule. */
bool stream_lp_check_node(const unsigned char *lp, size_t n, const StreamId *master,
                          StreamLpInfo *info, const char **why);

/* One entry of a node, as stream_lp_walk hands it out. */
typedef struct {
    StreamId id;
    bool deleted;
    size_t nfields;
    const BlobElem *fields; /* nfields names (the master's when they are shared) */
    const BlobElem *values; /* nfields values */
} StreamLpEntry;

typedef bool (*StreamLpFn)(void *ctx, const StreamLpEntry *e);

/* Walks a node that passed stream_lp_check_node, tombstones included, in
 * order. false if fn stopped it. Allocates two arrays for the walk. */
bool stream_lp_walk(const unsigned char *lp, size_t n, const StreamId *master, StreamLpFn fn,
                    void *ctx);

#endif
