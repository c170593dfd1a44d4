/* persist/rdb_stream.h -- a stream value in RDB (files, DUMP payloads), as
 * Redis 7.0 writes it (RDB_TYPE_STREAM_LISTPACKS_2) and loads it (types 15
 * and 19):
 *
 *   len(nodes) { string(master ID, 16 bytes BE) string(listpack) }
 *   len(length) len(last.ms) len(last.seq)
 *   [19: len(first.ms) len(first.seq) len(maxdel.ms) len(maxdel.seq) len(entries_added)]
 *   len(groups) { string(name) len(last.ms) len(last.seq) [19: len(entries_read)]
 *                 len(pel) { id(16 raw) ms(8 LE) len(delivery_count) }
 *                 len(consumers) { string(name) ms(8 LE, seen) len(pel) { id(16 raw) } } }
 *
 * Nodes go out as kilat holds them (ds/stream.h: Redis's node layout,
 * re-encoded to Redis's listpack bytes), so a stream built the way Redis
 * builds it gives the same bytes. Loading checks every node in full
 * (rdb_stream_lp: Redis's deep rules and the reader's) whatever
 * sanitize-dump-payload says, and every group rule Redis checks, the
 * deep-only ones included: a corrupt payload is refused, never kept. */
#ifndef KILAT_RDB_STREAM_H
#define KILAT_RDB_STREAM_H

#include "../ds/stream.h"
#include "rdb_dec.h"
#include "rdb_enc.h"

void rdb_stream_write(RdbBuf *b, const Stream *s);

/* Reads the value of RDB type 15 or 19 (the type byte read already).
 * false with r->err set (Redis's words for the rule broken); nothing is
 * left allocated then. */
bool rdb_stream_read(RdbReader *r, int type, Stream **out);

#endif
