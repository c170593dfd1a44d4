/* persist/persist.h -- RDB persistence as the server sees it: loading at
 * start (clients get -LOADING meanwhile), save points, SAVE/BGSAVE, the
 * save of SHUTDOWN and FLUSHALL, DEBUG RELOAD, INFO persistence and the
 * MISCONF gate after a failed save. Core reaches it only through the hooks
 * it registers (server.h's ServerHooks, db.h's snapshot hooks). */
#ifndef KILAT_PERSIST_H
#define KILAT_PERSIST_H

#include "../base.h"
#include "../core/client.h"
#include "snapshot.h"

/* Registers the server hooks and the SAVE/BGSAVE commands (before
 * command_init). */
void persist_register(void);
/* Loads dbfilename from dir if it exists, serving -LOADING meanwhile.
 * false (logged) if the file is unreadable or corrupt: the server must
 * not start. */
bool persist_load_at_start(void);

/* SHUTDOWN's preparation: stops a background save, then saves when asked
 * (save) or when save points exist (unless nosave). false if that save
 * failed and !force: the shutdown does not happen. */
bool persist_prepare_shutdown(bool save, bool nosave, bool force);
/* FLUSHALL, before emptying anything: stops a background save (its file
 * would hold the old data, and finishing it would cost the whole walk). */
void persist_before_flushall(void);
/* After FLUSHALL: saves the empty dataset when save points exist, as
 * Redis does. */
void persist_after_flushall(void);
/* DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save, empty, load. NULL on
 * success, else the error reply text. */
const char *persist_debug_reload(bool merge, bool noflush, bool nosave);

/* For the AOF (aof.c): loading state shared with the RDB loader (INFO's
 * loading fields, -LOADING for clients), the snapshot runner, and the
 * write gate (-MISCONF). */
void persist_loading_begin(uint64_t total_bytes);
void persist_loading_progress(uint64_t done_bytes); /* serves clients */
void persist_loading_end(void);                     /* the load is not a change */
bool persist_snapshot_start(const char *path, SnapFormat fmt, void (*done)(SnapState state), const char **err);
void persist_update_write_gate(void);

/* Background snapshots begun (BGSAVE, rewrites): INFO's total_forks, the
 * figure Redis counts forks with (kilat does not fork). */
uint64_t persist_background_jobs(void);

/* INFO persistence's RDB lines (and loading_* while loading), appended to
 * buf; returns the length written. */
size_t persist_info(char *buf, size_t cap);
/* The loading_* lines of INFO persistence while loading (0 otherwise). */
size_t persist_info_loading(char *buf, size_t cap);

#endif
