/* ds/stream_cg.h -- a stream's consumer groups: each group has its last
 * delivered ID, entries_read, its PEL (pending entries by ID) and its
 * consumers, each with its own PEL that shares the group's pending records.
 *
 * Invariants (kept by every function below; the loading functions refuse
 * input that would break them, since a corrupt RDB/RESTORE payload could):
 *   - groups are unique by name and listed in name order (bytes compared
 *     as Redis's rax orders them: memcmp, then the shorter first); the same
 *     for the consumers of a group;
 *   - every pending record (StreamNack) is in the group PEL exactly once
 *     and owned by exactly one consumer, in whose PEL it is under the same
 *     ID; a consumer PEL holds nothing else.
 * Times are milliseconds (unix). The structs are readable by callers;
 * change them only through these functions. */
#ifndef KILAT_STREAM_CG_H
#define KILAT_STREAM_CG_H

#include "../base.h"
#include "idmap.h"
#include "stream_id.h"

typedef struct StreamGroups StreamGroups;
typedef struct StreamConsumer StreamConsumer;

#define STREAM_CG_INVALID_ENTRIES_READ (-1)

/* now - t in ms, wrapping as two's complement: a RESTORE payload may
 * carry any 64-bit delivery or seen time, and Redis's subtraction wraps
 * (its idle times for such records are what this returns). */
static inline int64_t stream_cg_ms_since(int64_t now, int64_t t) {
    return (int64_t)((uint64_t)now - (uint64_t)t);
}

/* A pending entry: delivered, not yet acknowledged. */
typedef struct {
    int64_t delivery_time;   /* last delivery (ms) */
    uint64_t delivery_count;
    StreamConsumer *consumer; /* its owner (NULL only mid-load, see below) */
} StreamNack;

struct StreamConsumer {
    char *name;               /* NUL-terminated copy; name_len bytes */
    size_t name_len;
    int64_t seen_time;        /* last activity (ms) */
    IdMap *pel;               /* StreamId -> StreamNack* (the group's) */
};

typedef struct {
    char *name;
    size_t name_len;
    StreamId last_id;         /* last delivered ID */
    int64_t entries_read;     /* or STREAM_CG_INVALID_ENTRIES_READ */
    IdMap *pel;               /* StreamId -> StreamNack* (owned here) */
    StreamConsumer **consumers; /* by name */
    size_t nconsumers, cap;
} StreamGroup;

/* ---- the set of groups (a Stream's `groups` field; NULL = none yet) */
StreamGroups *stream_groups_new(void);
void stream_groups_free(StreamGroups *gs);                 /* gs may be NULL */
/* A deep copy (COPY): same groups, consumers and PELs. NULL -> NULL. */
StreamGroups *stream_groups_dup(const StreamGroups *gs);
/* Bytes held (MEMORY USAGE); 0 for NULL. */
size_t stream_groups_mem(const StreamGroups *gs);
size_t stream_groups_count(const StreamGroups *gs);        /* 0 for NULL */
/* The i-th group in name order (i < count). */
StreamGroup *stream_groups_at(const StreamGroups *gs, size_t i);
StreamGroup *stream_groups_find(const StreamGroups *gs, const char *name, size_t len);
/* Adds an empty group; NULL when the name exists (BUSYGROUP / corrupt). */
StreamGroup *stream_groups_add(StreamGroups *gs, const char *name, size_t len,
                               const StreamId *last_id, int64_t entries_read);
/* Removes and frees the group; false when absent. */
bool stream_groups_remove(StreamGroups *gs, const char *name, size_t len);

/* ---- consumers of a group */
StreamConsumer *stream_group_consumer_find(const StreamGroup *g, const char *name, size_t len);
/* Adds a consumer with an empty PEL; NULL when the name exists. */
StreamConsumer *stream_group_consumer_add(StreamGroup *g, const char *name, size_t len,
                                          int64_t seen_time);
/* Deletes the consumer and its pending entries from the group PEL;
 * returns how many were pending. */
size_t stream_group_consumer_delete(StreamGroup *g, StreamConsumer *c);

/* ---- pending entries */
StreamNack *stream_group_nack_find(const StreamGroup *g, const StreamId *id);
/* Records id as delivered to c (not yet pending): NULL when id is already
 * in the group PEL. */
StreamNack *stream_group_nack_add(StreamGroup *g, StreamConsumer *c, const StreamId *id,
                                  int64_t delivery_time, uint64_t delivery_count);
/* Gives a pending entry to consumer c (same record, other owner). */
void stream_group_nack_move(StreamGroup *g, StreamNack *n, const StreamId *id, StreamConsumer *c);
/* Acknowledges id: removes it from the group's and its owner's PEL.
 * false: not pending. */
bool stream_group_ack(StreamGroup *g, const StreamId *id);

/* ---- loading (RDB, RESTORE): build a group in this order, then check.
 * 1. stream_groups_add(); 2. stream_group_load_nack() for each group PEL
 * record (owner unset): false = duplicate ID; 3. for each consumer,
 * stream_group_consumer_add() (NULL = duplicate consumer name) then
 * stream_group_load_claim() for each ID of its PEL: false when the ID is
 * not in the group PEL or another consumer already claimed it
 * (CVE-2026-66373: the same record in two consumer PELs would be freed
 * twice); 4. stream_group_load_check(): false while some group PEL record
 * has no owner. On any false, refuse the payload and free the groups. */
bool stream_group_load_nack(StreamGroup *g, const StreamId *id, int64_t delivery_time,
                            uint64_t delivery_count);
bool stream_group_load_claim(StreamGroup *g, StreamConsumer *c, const StreamId *id);
bool stream_group_load_check(const StreamGroup *g);

/* Walking PELs for writers (RDB save, XPENDING...): use ds/idmap.h on
 * g->pel and c->pel; values are StreamNack*. */

/* ---- lag (XINFO): what the group still has to read, if it can be known. */
typedef struct {
    uint64_t length;          /* entries in the stream */
    StreamId last_id;         /* of the stream (top ID ever given) */
    StreamId first_id;        /* first entry now (0-0 when empty) */
    StreamId max_deleted_id;  /* highest ID ever deleted */
    uint64_t entries_added;   /* ever */
} StreamFacts;

/* The logical read counter of id (how many entries from the first ever
 * up to id), or STREAM_CG_INVALID_ENTRIES_READ when it cannot be known
 * (id in the middle of the stream, in the future, or deletions ahead). */
int64_t stream_facts_distance(const StreamFacts *s, const StreamId *id);
/* lag: true with *lag set when known, false for a null reply. */
bool stream_group_lag(const StreamGroup *g, const StreamFacts *s, uint64_t *lag);
/* Whether the highest deleted ID lies in [start, end] while the stream
 * is not empty and it is not before the first entry (start/end NULL: the
 * whole range). */
bool stream_facts_range_has_tombstones(const StreamFacts *s, const StreamId *start,
                                       const StreamId *end);

#endif
