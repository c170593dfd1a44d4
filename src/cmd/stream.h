/* cmd/stream.h -- what the stream commands share with the consumer-group
 * commands (cmd/stream_group.c).
 *
 * Blocking (XREADGROUP BLOCK): use core/block.h as XREAD does. When nothing
 * can be served, call block_on_keys(c, key_args, nkeys, deadline,
 * BLOCK_READS) (deadline from block_timeout_or_reply) and return without
 * replying; the command then runs again from its saved argv (flag
 * CLIENT_REEXEC set) whenever one of its keys is signalled:
 *   - XADD signals its key (block_signal_key);
 *   - a key leaving its database or overwritten is signalled by core/db.c
 *     while readers wait (every path: DEL, UNLINK, expiry, overwrite,
 *     RENAME/MOVE away, FLUSH*);
 *   - XGROUP DESTROY must call block_signal_key itself.
 * Every reader of a signalled key is retried in order (one that cannot be
 * served does not stop the ones behind it, unlike the list pops).
 * On a rerun XREADGROUP sees the new state: a missing key is Redis's
 * "-UNBLOCKED the stream key no longer exists" (only when CLIENT_REEXEC),
 * a missing group -NOGROUP, new entries are served, else block_on_keys
 * again keeps the client's place and deadline. Arguments whose meaning
 * changes over time ("$") must be rewritten in c->argv before
 * block_on_keys saves them: stream_block_with_ids does that for XREAD's
 * IDs. Inside MULTI or a script block_on_keys replies a null array (BLOCK
 * is ignored there, as in Redis). */
#ifndef KILAT_CMD_STREAM_H
#define KILAT_CMD_STREAM_H

#include "../core/client.h"
#include "../ds/stream.h"

/* The stream at key for a read: NULL (nothing replied) when absent; NULL
 * and -WRONGTYPE replied (*wrongtype set) when the key holds another type. */
Stream *stream_lookup_read(Client *c, const char *key, size_t klen, bool *wrongtype);

/* Registers TYPE_STREAM's operations (at start, with the command table). */
void stream_register_type(void);

/* Replies one entry as [id, [field, value, ...]], reading its nf pairs
 * from it (stream_iter_next just returned it). */
void stream_reply_entry(Client *c, StreamIter *it, const StreamId *id, size_t nf);

/* XREAD / XREADGROUP's options before the stream list, parsed as Redis
 * 7.0 does ([COUNT n] [BLOCK ms] [GROUP g c] [NOACK] STREAMS ...), with
 * its errors replied (false): BLOCK from a script, bad or negative
 * timeout, bad COUNT, unbalanced streams, GROUP/NOACK on XREAD (group
 * false), no STREAMS, no GROUP on XREADGROUP (group true). */
typedef struct {
    int64_t count;        /* 0: no COUNT (negative counts read as 0) */
    int64_t deadline_ms;  /* -1: no BLOCK; 0: forever; else unix ms */
    int streams_arg;      /* argv index of the first key */
    int nstreams;         /* keys (as many IDs follow them) */
    int group_arg;        /* argv index of the group (the consumer follows); 0: none */
    bool noack;
} StreamReadArgs;
bool stream_read_args_or_reply(Client *c, bool group, StreamReadArgs *a);

/* Blocks c on nkeys stream keys (argv positions key_args[]) with the IDs in
 * argv positions id_args[] replaced by ids[] for the saved copy (XREAD's
 * "$" resolved to each stream's last ID at the time of the call). */
void stream_block_with_ids(Client *c, const int *key_args, const int *id_args,
                           const StreamId *ids, int nkeys, int64_t deadline_ms);

#endif
