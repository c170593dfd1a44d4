/* ds/stream.h -- the stream value: entries (an ID and field/value pairs)
 * in ID order, stored as Redis 7.0 stores them: nodes that are listpacks
 * (ds/listpack.h) in Redis's node layout, indexed by each node's master ID.
 *
 * Node layout (every element a listpack element; numbers as integers):
 *   master entry: count | deleted | num-fields | field_1 .. field_N | 0
 *   each entry:   flags | ms-delta | seq-delta | [num-fields | f1 v1 .. fN vN]
 *                 or, with STREAM_FLAG_SAMEFIELDS, v1 .. vN (the master's fields)
 *                 | lp-count   (elements of the entry before lp-count)
 * count = live entries, deleted = entries flagged STREAM_FLAG_DELETED; IDs
 * are deltas from the node's master ID (the first entry appended to it).
 * A node takes entries until stream_node_max_bytes / _entries (configs
 * stream-node-max-bytes / stream-node-max-entries) would be passed; bytes
 * are counted as Redis counts them (its listpack header, lp_redis_bytes)
 * so that nodes split at the same entries.
 *
 * Ownership: the stream owns its nodes and its groups (groups are the
 * cgroups module's, ds/stream_cg.h: freed and copied through
 * stream_groups_free / stream_groups_dup). */
#ifndef KILAT_STREAM_H
#define KILAT_STREAM_H

#include "../base.h"
#include "stream_id.h"

enum { STREAM_FLAG_NONE = 0, STREAM_FLAG_DELETED = 1, STREAM_FLAG_SAMEFIELDS = 2 };

struct StreamGroups; /* ds/stream_cg.h */
typedef struct StreamNode StreamNode; /* private: master ID + listpack */

typedef struct Stream {
    uint64_t length;          /* live entries */
    StreamId last_id;         /* highest ID ever added (or set by XSETID) */
    StreamId first_id;        /* first live entry's ID; 0-0 when empty */
    StreamId max_deleted_id;  /* max-deleted-entry-id (XDEL, XSETID) */
    uint64_t entries_added;   /* entries ever added (XSETID ENTRIESADDED) */
    struct StreamGroups *groups; /* NULL while the stream has no group */
    /* private: the node index, a sorted array with a gap at its head so
     * that appending at the tail and trimming at the head are O(1). */
    StreamNode *nodes;
    size_t head, nnodes, cap; /* live nodes are nodes[head .. head+nnodes) */
} Stream;

/* Node size limits (configs; 0 = no limit of that kind, bytes capped at
 * 1 GB as Redis). */
extern int64_t stream_node_max_bytes;
extern int64_t stream_node_max_entries;

Stream *stream_new(void);
/* Frees the stream, its nodes and (through stream_groups_free) groups. */
void stream_free(Stream *s);
/* Deep copy (groups through stream_groups_dup), for COPY. */
Stream *stream_dup(const Stream *s);
/* Bytes held by the nodes and index (MEMORY USAGE; groups not counted). */
size_t stream_mem(const Stream *s);

/* --- adding --- */
typedef enum {
    STREAM_ADD_OK,
    STREAM_ADD_ID_SMALL,   /* "The ID specified in XADD is equal or smaller than
                              the target stream top item" */
    STREAM_ADD_TOO_BIG,    /* fields + values exceed what a node can hold */
    STREAM_ADD_SEQ_FULL,   /* "<ms>-*" with ms == last_id.ms and seq at its top
                              (Redis then says "Elements are too large to be stored") */
} StreamAddResult;
/* Appends one entry of nfv/2 field/value pairs (fv[i], fvl[i]; nfv even,
 * > 0). id == NULL: the next ID after last_id at time now_ms ("*"). With
 * id and seq_given false ("<ms>-*"): seq 0, or last_id.seq + 1 when
 * id->ms == last_id.ms. The new ID must be above last_id. *added gets the
 * ID used. The caller checked last_id is not the top ID (XADD's "stream
 * has exhausted" error) and that an explicit ID is not 0-0. */
StreamAddResult stream_append(Stream *s, const StreamId *id, bool seq_given, uint64_t now_ms,
                              const char *const *fv, const size_t *fvl, size_t nfv,
                              StreamId *added);

/* --- reading --- */
/* An iterator over the entries with start <= ID <= end (NULL: no bound),
 * forwards or backwards (rev). It lives on the caller's stack; it is
 * invalid after any change to the stream other than stream_iter_delete.
 * Typical use:
 *   StreamIter it; StreamId id; size_t nf;
 *   stream_iter_start(&it, s, &start, &end, false);
 *   while (stream_iter_next(&it, &id, &nf))
 *       for (size_t i = 0; i < nf; i++) {
 *           const char *f, *v; size_t fl, vl;
 *           stream_iter_field(&it, &f, &fl, &v, &vl);
 *       }
 *   stream_iter_stop(&it); */
typedef struct {
    Stream *s;
    StreamId start, end, cur;
    bool rev, started, done, fix_first;
    size_t node;            /* current node (index from the first node) */
    StreamId master;        /* its master ID */
    unsigned char *lp;      /* its listpack; NULL: not entered yet */
    unsigned char *term;    /* its master terminator */
    unsigned char *mfields; /* its first master field */
    size_t nmfields;
    unsigned char *entry;   /* flags element of the current entry */
    unsigned char *fp;      /* next field (or value) element to read */
    unsigned char *mf;      /* next master field (SAMEFIELDS entries) */
    int flags;              /* current entry's flags */
    char fbuf[24], vbuf[24];
} StreamIter;
void stream_iter_start(StreamIter *it, Stream *s, const StreamId *start, const StreamId *end,
                       bool rev);
/* The next live entry: its ID and number of field/value pairs. false at
 * the end. */
bool stream_iter_next(StreamIter *it, StreamId *id, size_t *nfields);
/* The current entry's next field/value pair; strings valid until the
 * next call on the iterator (integers are formatted into it). */
void stream_iter_field(StreamIter *it, const char **f, size_t *flen, const char **v,
                       size_t *vlen);
/* Deletes the current entry (flags it; frees its node when the node has no
 * live entry left). Updates length, first_id; NOT max_deleted_id (the
 * caller's, as XDEL does). The iteration continues after it. */
void stream_iter_delete(StreamIter *it);
void stream_iter_stop(StreamIter *it);

/* Whether a live entry with this ID exists. */
bool stream_has(Stream *s, const StreamId *id);
/* Deletes the entry with this ID: true if it was there. Updates length,
 * first_id and max_deleted_id (XDEL). */
bool stream_delete(Stream *s, const StreamId *id);

/* --- trimming (XADD/XTRIM MAXLEN|MINID [=|~] [LIMIT n]) --- */
typedef enum { STREAM_TRIM_NONE, STREAM_TRIM_MAXLEN, STREAM_TRIM_MINID } StreamTrimKind;
typedef struct {
    StreamTrimKind kind;
    bool approx;       /* "~": only whole nodes go */
    uint64_t maxlen;   /* MAXLEN */
    StreamId minid;    /* MINID: entries below it go */
    int64_t limit;     /* entries at most (0: no limit); with approx only */
} StreamTrim;
/* Trims from the head as Redis does; returns the entries removed.
 * Updates length and first_id (not max_deleted_id, as Redis). */
uint64_t stream_trim(Stream *s, const StreamTrim *t);

/* --- node level (RDB, DUMP/RESTORE, AOF rewrite, DEBUG) ---
 * Nodes in ID order; each is (master ID, listpack in the layout above,
 * possibly with deleted entries; a node may have 0 live entries only
 * when loaded so or left by an exact MINID trim, as in Redis). */
size_t stream_node_count(const Stream *s);
/* The i-th node (0 = first): its master ID and listpack (owned by s). */
const unsigned char *stream_node_get(const Stream *s, size_t i, StreamId *master);
/* Loading: appends a node built by the loader, which hands lp over (s owns
 * it from now on). Masters must increase (false, lp not taken, if not).
 * After the last node, the loader sets length, last_id, first_id,
 * max_deleted_id and entries_added itself (the RDB stores them). */
bool stream_node_load(Stream *s, const StreamId *master, unsigned char *lp);
/* Whether lp is a valid stream node with master ID `master` whose
 * entries are above prev (NULL: no bound): every count, flag, delta and
 * lp-count consistent; *last (if not NULL) gets its last entry's ID. For
 * the RDB loader's corrupt-payload checks. */
bool stream_node_valid(const StreamId *master, const unsigned char *lp, const StreamId *prev,
                       StreamId *last);

/* The nodes Redis's radix tree would have for this stream's node index
 * (XINFO STREAM radix-tree-nodes): O(nodes). */
size_t stream_rax_nodes(const Stream *s);

/* The live entry with the lowest (first) or highest ID; false when empty. */
bool stream_edge_id(Stream *s, bool first, StreamId *id);

#endif
