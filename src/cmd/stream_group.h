/* cmd/stream_group.h -- what the consumer-group commands (stream_group.c)
 * share with XINFO (stream_info.c). */
#ifndef KILAT_CMD_STREAM_GROUP_H
#define KILAT_CMD_STREAM_GROUP_H

#include <string.h>

#include "../core/client.h"
#include "../core/command.h"
#include "../core/db.h"
#include "../ds/stream.h"
#include "../ds/stream_cg.h"

extern Command stream_group_commands[];

/* argv[i] for a "%.*s" as Redis prints it with "%s": up to its first NUL
 * (at most max bytes). */
#define CSTR_MAX(c, i, max) (int)strnlen((c)->argv[i], (c)->argl[i] < (max) ? (c)->argl[i] : (max)), (c)->argv[i]
#define CSTR(c, i) CSTR_MAX(c, i, SIZE_MAX)
extern Command xinfo_subs[];

/* argv[i] as a stream ID ("ERR Invalid stream ID ..." on failure); strict:
 * "-" and "+" are refused. */
bool sg_id_or_reply(Client *c, int i, bool strict, uint64_t missing_seq, StreamId *id);
void sg_reply_id(Client *c, const StreamId *id);
/* Replies [id, [field, value, ...]] for the live entry id; false (nothing
 * replied) when there is none. */
bool sg_reply_entry(Client *c, Stream *s, const StreamId *id);
StreamFacts sg_facts(const Stream *s);
/* The stream at argv[i]; NULL when absent or (WRONGTYPE replied,
 * *wrongtype set) another type. read: counts a keyspace hit/miss. */
Stream *sg_lookup(Client *c, int i, bool read, bool *wrongtype);

#endif
