/* persist/aof_stream.h -- a stream as the commands that rebuild it, as
 * Redis 7.0's rewriteStreamObject writes them (an AOF rewrite's RESP base):
 *   XADD key <id> f v ... per live entry (an empty stream: XADD key
 *   MAXLEN 0 0-1 x y), XSETID key <last> ENTRIESADDED n MAXDELETEDID <id>,
 *   then per group XGROUP CREATE key g <last> ENTRIESREAD n, and per
 *   consumer in name order XCLAIM key g c 0 <id> TIME ms RETRYCOUNT n
 *   JUSTID FORCE for each pending entry, or XGROUP CREATECONSUMER key g c
 *   when it has none. Consumers' seen-times are not kept (as Redis). */
#ifndef KILAT_AOF_STREAM_H
#define KILAT_AOF_STREAM_H

#include "../ds/stream.h"
#include "rdb_enc.h"

void aof_append_stream(RdbBuf *b, const char *key, size_t klen, Stream *s);

#endif
