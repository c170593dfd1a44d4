/* persist/aof.h -- the append-only file, Redis 7.0's multi-part layout:
 * appendonlydir/ holds a manifest, one base file (an RDB, or RESP commands
 * with aof-use-rdb-preamble no) and incremental files of RESP commands.
 *
 * Every change reaches the file through core's propagation sink (effects,
 * SELECT when the database changes). The buffer is written once per event
 * loop turn, before the replies of that turn go out (server.h's
 * before-flush hook): with appendfsync always the turn's writes share one
 * write and one fsync, and no reply leaves before both succeeded; with
 * everysec a worker thread fsyncs once a second; with no the kernel
 * decides. A write or fsync that fails keeps the data buffered, turns
 * write commands away with -MISCONF and is retried until the disk
 * recovers (under always the replies of the failed turn wait too).
 *
 * BGREWRITEAOF writes a new base from a point-in-time snapshot (the same
 * walk as BGSAVE, no fork) while writes go on into a new incremental file;
 * the manifest switches atomically when the base is complete. */
#ifndef KILAT_AOF_H
#define KILAT_AOF_H

#include "../base.h"

/* Registers BGREWRITEAOF, the cron and CONFIG SET hooks (persist_register
 * calls it). */
void aof_register(void);
/* appendonly yes: loads the AOF named by the manifest (upgrading an old
 * single appendonly.aof first), then opens it for appending, creating
 * the base when starting empty. false (logged): the server must exit. */
bool aof_start(void);
/* true when appendonly is on at start (then only the AOF is loaded). */
bool aof_configured(void);

/* The -MISCONF text while the AOF cannot be written, else NULL. */
const char *aof_write_error(void);
/* SHUTDOWN: stops a rewrite, writes and fsyncs the buffer. false when the
 * first base is still being written and !force (the data would be lost). */
bool aof_prepare_shutdown(bool force);
/* A rewrite (the snapshot is the AOF's) is running. */
bool aof_rewrite_running(void);
/* Stops it (a foreground save needs the snapshot machinery). */
void aof_kill_rewrite(void);
/* INFO persistence's aof_* lines. */
size_t aof_info(char *buf, size_t cap);
/* INFO memory's mem_aof_buffer. */
size_t aof_buffer_bytes(void);
/* DEBUG LOADAOF: flush, empty, reload the manifest and its files. NULL or
 * the error text. */
const char *aof_debug_loadaof(void);
/* DEBUG AOF-FLUSH-SLEEP <us>: sleep before each write (tests). */
void aof_debug_flush_sleep(int64_t us);

#endif
