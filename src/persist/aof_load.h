/* persist/aof_load.h -- loading one append-only file into the databases:
 * a base file (an RDB, or RESP commands, or an old-style file: an RDB
 * preamble followed by commands) or an incremental file (RESP commands,
 * with "#TS:<unix>" annotation lines). Commands run through a fake client
 * with no reply, as Redis's loader does; MULTI ... EXEC blocks apply whole.
 *
 * Errors are logged with Redis 7.0's wording (the suite greps for "Bad file
 * format reading the append only file", "Unexpected end of file reading the
 * append only file", "Unknown command '<name>' reading the append only
 * file") naming the file and the byte offset. */
#ifndef KILAT_AOF_LOAD_H
#define KILAT_AOF_LOAD_H

#include "../base.h"

/* Redis's AOF_* load results. */
typedef enum {
    AOF_OK = 0,
    AOF_NOT_EXIST,  /* no such file */
    AOF_EMPTY,      /* zero bytes */
    AOF_OPEN_ERR,   /* exists but cannot be opened/read */
    AOF_FAILED,     /* bad format, unknown command, short read not allowed */
    AOF_TRUNCATED   /* a cut tail was dropped (aof-load-truncated yes) */
} AofStatus;

typedef struct {
    /* The last file of the manifest: only there may a cut tail be
     * dropped (when aof-load-truncated is yes), and the file on disk is
     * truncated to the last whole command, as Redis does. */
    bool last_file;
    /* Called every loading-process-events-interval-bytes or so, to serve
     * -LOADING replies and INFO's loading fields. May be NULL. */
    void (*progress)(void *ctx, uint64_t bytes_read, uint64_t file_size);
    void *ctx;
} AofLoadOpts;

/* Loads path (name: the file's name as logged). *bytes gets the bytes
 * consumed (may be NULL). */
AofStatus aof_load_file(const char *path, const char *name, const AofLoadOpts *opts,
                        uint64_t *bytes);

#endif
