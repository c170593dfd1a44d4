/* persist/snapshot.h -- writing an RDB file of every database as it was at
 * one moment, without fork.
 *
 * A snapshot walks the keyspace from the event loop in small slices while
 * commands keep running; a key that a write is about to change is written
 * first (core's snapshot hooks, db.h), so the file holds the dataset of the
 * moment the snapshot began. Bytes go to the background thread, which
 * computes the CRC-64, writes, fsyncs and renames the temporary file into
 * place. Memory stays flat: nothing is copied but the bytes waiting to be
 * written, and the writer is given a bounded backlog.
 *
 * One snapshot at a time. A foreground snapshot (SAVE, SHUTDOWN, DEBUG
 * RELOAD) runs to the end inside snapshot_save. */
#ifndef KILAT_SNAPSHOT_H
#define KILAT_SNAPSHOT_H

#include "../base.h"

typedef enum { SNAP_IDLE, SNAP_RUNNING, SNAP_DONE_OK, SNAP_DONE_ERR } SnapState;

/* What the file holds: an RDB (dump.rdb), the RDB base of an AOF rewrite
 * (aux aof-base 1), or an AOF base in RESP commands (SELECT + the
 * commands that rebuild each key; aof-use-rdb-preamble no). */
typedef enum { SNAP_RDB, SNAP_AOF_RDB, SNAP_AOF_RESP } SnapFormat;

/* Writes the whole dataset to path now (temp file, fsync, rename).
 * 0 on success or a negative errno (the reason is logged). */
int snapshot_save(const char *path);
int snapshot_save_as(const char *path, SnapFormat fmt);

/* Begins a background snapshot to path. false (err set to Redis's
 * wording) if one already runs or the file cannot be created. */
bool snapshot_begin(const char *path, const char **err);
bool snapshot_begin_as(const char *path, SnapFormat fmt, const char **err);
bool snapshot_running(void);
/* The format of the running (or finishing) snapshot. */
SnapFormat snapshot_format(void);
/* One slice of work from the event loop: at most budget_us of
 * serialising. Returns -1 once the walk is over (the writer may still be
 * finishing: see snapshot_poll), else the ms the loop may wait before the
 * next slice (0: now). */
int snapshot_step(int64_t budget_us);
/* The state once the writer has finished (SNAP_DONE_*: reported once,
 * then SNAP_IDLE again) or SNAP_RUNNING / SNAP_IDLE. */
SnapState snapshot_poll(void);
/* Stops a running snapshot and removes its temporary file (FLUSHALL,
 * SHUTDOWN). Waits for the writer to let go of the file. */
void snapshot_abort(void);
/* Progress for INFO: keys written so far and the keys at the start. */
uint64_t snapshot_keys_done(void);
uint64_t snapshot_keys_total(void);
/* The temporary file of the running snapshot (NULL when idle). */
const char *snapshot_temp_path(void);

#endif
