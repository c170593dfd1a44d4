/* persist/aof_int.h -- state shared by aof.c (writing, loading, start)
 * and aof_rewrite.c (BGREWRITEAOF). Not for other modules. */
#ifndef KILAT_AOF_INT_H
#define KILAT_AOF_INT_H

#include "../base.h"
#include "aof_manifest.h"
#include "rdb_enc.h"

typedef enum { AOF_OFF, AOF_ON, AOF_WAIT_REWRITE } AofState;

typedef struct {
    AofState state;
    AofManifest *m;            /* never NULL once started */
    int fd;                    /* the incr file being appended (-1: none) */
    RdbBuf buf;                /* commands not yet written */
    int selected_db;           /* -1: next command writes SELECT */
    int64_t ts_written;        /* last #TS annotation (unix s) */
    uint64_t current_size;     /* aof_current_size */
    uint64_t base_size;        /* aof_base_size: size after the last rewrite */
    uint64_t incr_size;        /* bytes in the incr file */
    uint64_t incr_synced;      /* ... of which fsynced */
    int64_t last_fsync_s;
    int64_t postponed_since;   /* everysec write postponed behind an fsync */
    uint64_t delayed_fsync;
    bool write_ok;
    int write_errno;
    int64_t flush_sleep_us;
    /* rewrite */
    bool rewriting;            /* the running snapshot is ours */
    bool rewrite_rdb;          /* its format */
    bool scheduled;
    int64_t rewrite_start_s;   /* -1: none running */
    int64_t last_rewrite_secs;
    bool last_rewrite_ok;
    uint64_t rewrites, failures;
} Aof;

extern Aof aof;

/* names inside appenddirname (mem_alloc'd) */
char *aof_path(const char *name);
const char *aof_filename(void);
const char *aof_dirname(void);
/* Writes the buffer (and fsyncs as the policy says); force: even while an
 * everysec fsync is still running. */
void aof_flush(bool force);
/* Opens the next incr file (ON: a new manifest entry; WAIT_REWRITE: the
 * temp incr file) and makes it the one appended to. */
bool aof_open_new_incr(void);
/* Persists the manifest if dirty. */
bool aof_persist_manifest(AofManifest *m);
/* Removes the history files in the background (unless aof-disable-auto-gc). */
void aof_delete_history(void);
void aof_set_sink(bool on);

/* aof_rewrite.c */
bool aof_rewrite_start(const char **err);
void aof_rewrite_cron(void);
void aof_rewrite_kill(bool log_it);
void aof_rewrite_register(void);
const char *aof_temp_incr_name(void); /* static buffer */

#endif
