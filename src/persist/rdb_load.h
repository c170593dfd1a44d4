/* persist/rdb_load.h -- loading a whole RDB file (versions 1..10) into the
 * databases, streamed through a small buffer (the file is never read into
 * memory whole). Keys go straight into db_get(n): the caller empties the
 * databases first (startup: they are empty; DEBUG RELOAD: flush first).
 *
 * On failure the load stops at the first bad byte: the value being read is
 * freed (no half-built value), the keys loaded before it stay (the caller
 * exits or flushes), the reason is logged at WARNING as Redis does
 * ("Internal error in RDB reading offset N ... -> reason") and returned in
 * err as "<path>: offset N: reason". */
#ifndef KILAT_RDB_LOAD_H
#define KILAT_RDB_LOAD_H

#include "../base.h"

typedef struct {
    /* Called about every loading-process-events-interval-bytes bytes
     * (and once at the end) so the server can serve -LOADING replies and
     * update INFO's loading_* fields. May be NULL. */
    void (*progress)(void *ctx, uint64_t bytes_read, uint64_t file_size);
    void *ctx;
    /* Keys whose TTL has passed are loaded too (an AOF's RDB part: the
     * commands after it may still touch them, as Redis loads preambles),
     * instead of being skipped and counted in keys_expired. */
    bool keep_expired;
    /* DEBUG RELOAD MERGE: a key or library that exists already is
     * replaced instead of failing the load, as Redis's RDBFLAGS_ALLOW_DUP. */
    bool merge;
} RdbLoadOpts;

typedef struct {
    int version;               /* RDB version of the file */
    uint64_t keys_loaded;
    uint64_t keys_expired;     /* skipped: already expired at load time */
    uint64_t empty_skipped;    /* skipped: empty collections (old files) */
    uint64_t bytes;            /* bytes read */
    bool missing;              /* false return because the file does not exist */
    int64_t ctime;             /* aux "ctime" (unix s), -1 if absent */
    uint64_t used_mem;         /* aux "used-mem", 0 if absent */
    char redis_ver[32];        /* aux "redis-ver", "" if absent */
} RdbLoadStats;

/* Loads path. opts and stats may be NULL. Returns false with err (NUL
 * terminated, truncated to errlen) on any failure; stats->missing tells
 * "no such file" (Redis starts empty then) from a real error. Honours
 * key-load-delay, rdbchecksum and DEBUG SET-SKIP-CHECKSUM-VALIDATION. */
bool rdb_load_file(const char *path, const RdbLoadOpts *opts, RdbLoadStats *stats, char *err,
                   size_t errlen);
/* As rdb_load_file, for an RDB starting at fd's current position (an
 * AOF's base file or RDB preamble). The fd stays open; name is the file as
 * messages show it. The loader reads ahead: stats->bytes (on success) is
 * where the RDB ended, relative to the starting position; the fd's own
 * position is past it, anywhere. */
bool rdb_load_fd(int fd, const char *name, const RdbLoadOpts *opts, RdbLoadStats *stats,
                 char *err, size_t errlen);

#endif
