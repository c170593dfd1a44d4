/* persist/aof.c -- the append-only file (aof.h): the propagation sink,
 * the write/fsync of each loop turn, loading at start, CONFIG SET
 * appendonly, INFO and DEBUG LOADAOF. The rewrite is in aof_rewrite.c.
 *
 * Sizes follow Redis: incr_size counts what reached the incr file,
 * incr_synced what an fsync covered, so an fsync is owed while they
 * differ (everysec catches up within a second even when writes stop). */
#include "aof.h"

#include <errno.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/tracking.h"
#include "../core/client.h"
#include "../core/config.h"
#include "../core/db.h"
#include "../core/evict.h"
#include "../core/log.h"
#include "../core/propagate.h"
#include "../core/server.h"
#include "../core/watch.h"
#include "../ds/mem.h"
#include "../os/clock.h"
#include "../os/file.h"
#include "../os/thread.h"
#include "aof_cmds.h"
#include "aof_int.h"
#include "aof_load.h"
#include "persist.h"
#include "snapshot.h"

#define WRITE_ERROR_LOG_PERIOD_S 30 /* between two logs of the same failure */
#define POSTPONE_MAX_S 2           /* everysec: wait this long behind a slow fsync */

Aof aof = {.fd = -1, .selected_db = -1, .write_ok = true, .rewrite_start_s = -1,
           .last_rewrite_secs = -1, .last_rewrite_ok = true};

static _Atomic int fsync_err; /* the worker's last fsync result (-errno or 0) */

const char *aof_filename(void) { return config_value("appendfilename"); }
const char *aof_dirname(void) { return config_value("appenddirname"); }

char *aof_path(const char *name) {
    size_t n = strlen(aof_dirname()) + strlen(name) + 2;
    char *p = mem_alloc(n);
    snprintf(p, n, "%s/%s", aof_dirname(), name);
    return p;
}

static char *manifest_path(void) {
    char name[512];
    snprintf(name, sizeof name, "%s.manifest", aof_filename());
    return aof_path(name);
}

typedef enum { FSYNC_NO, FSYNC_ALWAYS, FSYNC_EVERYSEC } FsyncPolicy;

/* The directives read on every write, cached (a config lookup is a walk
 * of the directive table): refreshed at start and by CONFIG SET's hooks. */
static struct {
    FsyncPolicy policy;
    bool timestamps;        /* aof-timestamp-enabled */
    bool no_fsync_rewrite;  /* no-appendfsync-on-rewrite */
} opt = {FSYNC_EVERYSEC, false, false};

static bool refresh_opts(const char **err) {
    UNUSED(err);
    const char *v = config_value("appendfsync");
    opt.policy = v && !strcmp(v, "always") ? FSYNC_ALWAYS : v && !strcmp(v, "no") ? FSYNC_NO : FSYNC_EVERYSEC;
    opt.timestamps = config_yes("aof-timestamp-enabled");
    opt.no_fsync_rewrite = config_yes("no-appendfsync-on-rewrite");
    return true;
}

static FsyncPolicy policy(void) { return opt.policy; }

bool aof_configured(void) { return config_yes("appendonly"); }

/* ---------------------------------------------------------------- feed */

static void append_ts_if_needed(void) {
    if (!opt.timestamps) return;
    int64_t now = clock_unix_ms() / 1000;
    if (now <= aof.ts_written) return;
    char line[48];
    int n = snprintf(line, sizeof line, "#TS:%" PRId64 "\r\n", now);
    rdb_write_raw(&aof.buf, line, (size_t)n);
    aof.ts_written = now;
}

/* The propagation sink: every change, as commands, in order. */
static void feed(void *ctx, int db, int argc, const char *const *argv, const size_t *argl) {
    UNUSED(ctx);
    /* WAIT_REWRITE: only once the first rewrite runs (its temp incr file
     * then holds what the base will not) */
    if (aof.state == AOF_OFF || (aof.state == AOF_WAIT_REWRITE && !aof.rewriting)) return;
    append_ts_if_needed();
    if (db != aof.selected_db) {
        char num[16];
        int n = snprintf(num, sizeof num, "%d", db);
        const char *sv[2] = {"SELECT", num};
        size_t sl[2] = {6, (size_t)n};
        aof_append_command(&aof.buf, 2, sv, sl);
        aof.selected_db = db;
    }
    aof_append_command(&aof.buf, argc, argv, argl);
    if (policy() == FSYNC_ALWAYS) client_output_gated = true;
}

/* Each loop turn. While the disk fails, the retries are the cron's: the
 * replies held are those of the writes that failed, and the clients served
 * since (their writes refused) must not wait behind them. */
static void note_fsync_status(void) {
    static int last_e;
    int e = atomic_load(&fsync_err);
    if (e != last_e) { /* the worker's news: arm or lift the -MISCONF gate */
        last_e = e;
        persist_update_write_gate();
    }
}

static void before_flush(void) {
    note_fsync_status();
    if (!aof.write_ok) {
        client_output_gated = false;
        return;
    }
    aof_flush(false);
}

void aof_set_sink(bool on) {
    propagate_set_sink(on ? feed : NULL, NULL);
    server_set_before_flush(on ? before_flush : NULL);
}

/* --------------------------------------------------------------- fsync */

static void fsync_job(void *arg) {
    int r = file_datasync((int)(intptr_t)arg);
    atomic_store(&fsync_err, r);
    if (r < 0) log_msg(LOG_WARNING, "Fail to fsync the AOF file: %s", strerror(-r));
}

static void fsync_close_job(void *arg) {
    int fd = (int)(intptr_t)arg;
    fsync_job(arg);
    file_close(fd);
}

static void aof_flush_io(bool force);

static bool fsync_in_progress(void) { return thread_aof_pending() != 0; }

const char *aof_write_error(void) {
    static char msg[160];
    if (aof.state == AOF_OFF) return NULL;
    int e = aof.write_ok ? -atomic_load(&fsync_err) : aof.write_errno;
    if (aof.write_ok && e <= 0) return NULL;
    snprintf(msg, sizeof msg, "MISCONF Errors writing to the AOF file: %s", strerror(e));
    return msg;
}

static void note_write_error(int err, bool can_log, size_t written, size_t wanted) {
    if (can_log) {
        if (written == 0)
            log_msg(LOG_WARNING, "Error writing to the AOF file: %s", strerror(err));
        else
            log_msg(LOG_WARNING, "Short write while writing to the AOF file: (nwritten=%zu, expected=%zu)",
                    written, wanted);
    }
    aof.write_errno = err;
    if (aof.write_ok) {
        aof.write_ok = false;
        persist_update_write_gate();
    }
}

/* appendfsync always: the replies of this turn wait for the disk. */
static void hold_replies(void) {
    if (policy() == FSYNC_ALWAYS) client_hold_pending();
    client_output_gated = false;
}

void aof_flush(bool force) {
    aof_flush_io(force);
    if (aof.buf.len == 0) client_output_gated = false; /* written (and fsynced unless no-appendfsync-on-rewrite) */
}

static void aof_flush_io(bool force) {
    if (aof.fd < 0) {
        client_output_gated = false;
        return;
    }
    FsyncPolicy pol = policy();
    int64_t now_s = clock_unix_ms() / 1000;
    bool syncing = false;
    if (aof.buf.len == 0) {
        /* nothing new, but an fsync may still be owed */
        if (pol == FSYNC_EVERYSEC && aof.incr_synced != aof.incr_size && now_s > aof.last_fsync_s &&
            !(syncing = fsync_in_progress()))
            goto try_fsync;
        if (pol == FSYNC_ALWAYS && aof.incr_synced != aof.incr_size) goto try_fsync;
        return;
    }
    if (pol == FSYNC_EVERYSEC) syncing = fsync_in_progress();
    if (pol == FSYNC_EVERYSEC && !force && syncing) {
        /* a write(2) would block behind the running fsync anyway */
        if (aof.postponed_since == 0) {
            aof.postponed_since = now_s;
            return;
        }
        if (now_s - aof.postponed_since < POSTPONE_MAX_S) return;
        aof.delayed_fsync++;
        log_msg(LOG_NOTICE, "Asynchronous AOF fsync is taking too long (disk is busy?). Writing the AOF "
                            "buffer without waiting for fsync to complete, this may slow down Redis.");
    }
    if (aof.flush_sleep_us) usleep((useconds_t)aof.flush_sleep_us);
    aof.postponed_since = 0;
    size_t written = 0, wanted = aof.buf.len;
    int r = file_write_counted(aof.fd, aof.buf.buf, wanted, &written);
    if (r < 0) {
        static int64_t last_log;
        bool can_log = now_s - last_log > WRITE_ERROR_LOG_PERIOD_S;
        if (can_log) last_log = now_s;
        if (written > 0 && file_ftruncate(aof.fd, (int64_t)aof.incr_size) == 0) {
            written = 0; /* the partial command is gone again */
        } else if (written > 0) {
            if (can_log)
                log_msg(LOG_WARNING, "Could not remove short write from the append-only file. Redis may "
                                     "refuse to load the AOF the next time it starts.");
            aof.current_size += written;
            aof.incr_size += written;
            memmove(aof.buf.buf, aof.buf.buf + written, aof.buf.len - written);
            aof.buf.len -= written;
        }
        note_write_error(-r, can_log, written, wanted);
        hold_replies();
        return;
    }
    if (!aof.write_ok && atomic_load(&fsync_err) == 0) {
        log_msg(LOG_WARNING, "AOF write error looks solved, Redis can write again.");
        aof.write_ok = true;
        persist_update_write_gate();
    }
    aof.current_size += wanted;
    aof.incr_size += wanted;
    rdbbuf_reset(&aof.buf);
    if (aof.buf.cap > 64 * 1024) { /* a burst grew it: give the memory back */
        rdbbuf_free(&aof.buf);
        rdbbuf_init(&aof.buf, false);
    }
try_fsync:
    if (opt.no_fsync_rewrite && snapshot_running()) return;
    if (pol == FSYNC_ALWAYS) {
        r = file_datasync(aof.fd);
        if (r < 0) {
            static int64_t last_log;
            if (now_s - last_log > WRITE_ERROR_LOG_PERIOD_S) {
                last_log = now_s;
                log_msg(LOG_WARNING, "Can't persist AOF for fsync error when the AOF fsync policy is "
                                     "'always': %s. Writes are refused until it succeeds.",
                        strerror(-r));
            }
            note_write_error(-r, false, 0, 0);
            hold_replies();
            return;
        }
        aof.incr_synced = aof.incr_size;
        aof.last_fsync_s = now_s;
        if (!aof.write_ok) {
            log_msg(LOG_WARNING, "AOF write error looks solved, Redis can write again.");
            aof.write_ok = true;
            persist_update_write_gate();
        }
        if (client_held_count()) client_release_held();
    } else if (pol == FSYNC_EVERYSEC && now_s > aof.last_fsync_s) {
        if (!syncing) {
            thread_aof_submit(fsync_job, (void *)(intptr_t)aof.fd);
            aof.incr_synced = aof.incr_size;
        }
        aof.last_fsync_s = now_s;
    }
    if (pol != FSYNC_ALWAYS && client_held_count()) client_release_held(); /* policy changed */
}

/* ------------------------------------------------------------ manifest */

bool aof_persist_manifest(AofManifest *m) {
    if (!m->dirty) return true;
    char *p = manifest_path();
    int r = aof_manifest_write(m, p);
    mem_free(p);
    return r == 0;
}

static void unlink_job(void *arg) {
    file_unlink(arg);
    mem_free(arg);
}

void aof_delete_history(void) {
    if (!aof.m || !aof.m->nhist || config_yes("aof-disable-auto-gc")) return;
    for (size_t i = 0; i < aof.m->nhist; i++) {
        log_msg(LOG_NOTICE, "Removing the history file %s in the background", aof.m->hist[i].name);
        thread_bg_submit(unlink_job, aof_path(aof.m->hist[i].name));
    }
    aof_manifest_clear_history(aof.m);
    aof_persist_manifest(aof.m);
}

const char *aof_temp_incr_name(void) {
    static char name[512];
    snprintf(name, sizeof name, "temp-%s.incr", aof_filename());
    return name;
}

bool aof_open_new_incr(void) {
    if (aof.state == AOF_OFF) return true;
    AofManifest *tm = NULL;
    const char *name;
    if (aof.state == AOF_WAIT_REWRITE) {
        name = aof_temp_incr_name();
    } else {
        tm = aof_manifest_dup(aof.m);
        name = aof_manifest_new_incr(tm, aof_filename());
    }
    char *path = aof_path(name);
    int fd = file_create(path);
    mem_free(path);
    if (fd < 0) {
        log_msg(LOG_WARNING, "Can't open the append-only file %s: %s", name, strerror(-fd));
        aof_manifest_free(tm);
        return false;
    }
    if (tm && !aof_persist_manifest(tm)) {
        file_close(fd);
        aof_manifest_free(tm);
        return false;
    }
    log_msg(LOG_NOTICE, "Creating AOF incr file %s on background rewrite", name);
    /* the old file: fsynced (everysec owes it) and closed off the loop */
    if (aof.fd >= 0) thread_aof_submit(fsync_close_job, (void *)(intptr_t)aof.fd);
    aof.fd = fd;
    aof.last_fsync_s = clock_unix_ms() / 1000;
    aof.incr_size = aof.incr_synced = 0;
    if (tm) {
        aof_manifest_free(aof.m);
        aof.m = tm;
    }
    return true;
}

/* ------------------------------------------------------------- loading */

typedef struct {
    uint64_t before; /* bytes of the files already loaded */
} LoadCtx;

static void load_progress(void *ctx, uint64_t done, uint64_t size) {
    UNUSED(size);
    LoadCtx *lc = ctx;
    persist_loading_progress(lc->before + done);
}

static int64_t size_of(const char *name, bool *missing) {
    char *p = aof_path(name);
    int64_t n = file_size_of(p);
    mem_free(p);
    if (n < 0) {
        log_msg(LOG_WARNING, "Unable to obtain the AOF file %s length. stat: %s", name, strerror((int)-n));
        if (missing) *missing = true;
    }
    return n;
}

/* Loads the base and incr files of aof.m. AOF_NOT_EXIST / AOF_EMPTY:
 * nothing to load; AOF_FAILED / AOF_OPEN_ERR: the server must not go on. */
static AofStatus load_all(void) {
    AofManifest *m = aof.m;
    if (!m->base && !m->nincr) return AOF_NOT_EXIST;
    uint64_t total = 0, base_size = 0;
    bool missing = false;
    if (m->base) {
        int64_t n = size_of(m->base->name, &missing);
        if (n > 0) total += (uint64_t)n, base_size = (uint64_t)n;
    }
    for (size_t i = 0; i < m->nincr && !missing; i++) {
        int64_t n = size_of(m->incr[i].name, &missing);
        if (n > 0) total += (uint64_t)n;
    }
    if (missing) return AOF_FAILED;
    if (total == 0) return AOF_EMPTY;
    /* the loader's commands are old news: they must not reach the file */
    PropagateSink none = NULL;
    propagate_set_sink(none, NULL);
    persist_loading_begin(total);
    size_t nfiles = (m->base ? 1 : 0) + m->nincr, done = 0;
    AofStatus ret = AOF_OK;
    LoadCtx lc = {0};
    for (size_t i = 0; i < nfiles; i++) {
        const AofInfo *ai = m->base ? (i == 0 ? m->base : &m->incr[i - 1]) : &m->incr[i];
        bool base = ai == m->base;
        AofLoadOpts o = {.last_file = ++done == nfiles, .progress = load_progress, .ctx = &lc};
        char *path = aof_path(ai->name);
        int64_t t0 = clock_mono_us();
        uint64_t bytes = 0;
        ret = aof_load_file(path, ai->name, &o, &bytes);
        mem_free(path);
        if (ret == AOF_OK || (ret == AOF_TRUNCATED && o.last_file))
            log_msg(LOG_NOTICE, "DB loaded from %s file %s: %.3f seconds", base ? "base" : "incr", ai->name,
                    (double)(clock_mono_us() - t0) / 1e6);
        if (!base && ret == AOF_EMPTY) ret = AOF_OK;
        if (ret == AOF_TRUNCATED && !o.last_file) {
            ret = AOF_FAILED;
            log_msg(LOG_WARNING, "Fatal error: the truncated file is not the last file");
        }
        if (ret == AOF_OPEN_ERR || ret == AOF_FAILED) break;
        lc.before += bytes;
    }
    persist_loading_end();
    if (aof.state != AOF_OFF) aof_set_sink(true);
    if (ret == AOF_OK || ret == AOF_TRUNCATED || ret == AOF_EMPTY) {
        aof.current_size = total;
        aof.base_size = base_size;
    }
    return ret;
}

/* The upgrade of a Redis 6 single-file AOF: a manifest naming it as the
 * base, then the file moves into the directory (each step can be redone
 * after a crash, as Redis's). */
static bool upgrade_old_file(void) {
    AofManifest *m = aof.m;
    const char *old = aof_filename();
    if (file_exists(old) != 1) return true;
    char *inside = aof_path(old);
    bool inside_exists = file_exists(inside) == 1;
    bool go = file_is_dir(aof_dirname()) != 1 || (!m->base && !m->nincr) ||
              (m->base && !m->nincr && !strcmp(m->base->name, old) && !inside_exists);
    if (!go) {
        mem_free(inside);
        return true;
    }
    int r = file_mkdir(aof_dirname());
    if (r < 0) {
        log_msg(LOG_WARNING, "Can't open or create append-only dir %s: %s", aof_dirname(), strerror(-r));
        mem_free(inside);
        return false;
    }
    aof_manifest_set_base(m, old, 1);
    if (!aof_persist_manifest(m)) {
        mem_free(inside);
        return false;
    }
    r = file_rename(old, inside);
    mem_free(inside);
    if (r < 0) {
        log_msg(LOG_WARNING, "Error trying to move the old AOF file %s into dir %s: %s", old, aof_dirname(),
                strerror(-r));
        return false;
    }
    log_msg(LOG_NOTICE, "Successfully migrated an old-style AOF file (%s) into the AOF directory (%s).", old,
            aof_dirname());
    return true;
}

/* Reads the manifest from disk into aof.m (a missing one: keeps aof.m). */
static bool read_manifest(void) {
    char *p = manifest_path();
    int ex = file_exists(p);
    AofManifest *m = ex == 1 ? aof_manifest_read(p) : NULL;
    mem_free(p);
    if (ex == 1 && !m) return false;
    if (m) {
        aof_manifest_free(aof.m);
        aof.m = m;
    }
    if (!aof.m) aof.m = aof_manifest_new();
    return true;
}

/* At start with appendonly yes: a base for an empty start, then the last
 * incr file opened for appending (or a new one), the manifest saved. */
static bool open_at_start(void) {
    int r = file_mkdir(aof_dirname());
    if (r < 0) {
        log_msg(LOG_WARNING, "Can't open or create append-only dir %s: %s", aof_dirname(), strerror(-r));
        return false;
    }
    size_t nincr = aof.m->nincr;
    if (!aof.m->base && !nincr) {
        bool rdb = config_yes("aof-use-rdb-preamble");
        const char *name = aof_manifest_new_base(aof.m, aof_filename(), rdb);
        char *path = aof_path(name);
        r = snapshot_save_as(path, rdb ? SNAP_AOF_RDB : SNAP_AOF_RESP);
        mem_free(path);
        if (r < 0) return false;
        log_msg(LOG_NOTICE, "Creating AOF base file %s on server start", name);
    }
    const char *name = nincr ? aof.m->incr[nincr - 1].name : aof_manifest_new_incr(aof.m, aof_filename());
    char *path = aof_path(name);
    int fd = file_open_append(path);
    mem_free(path);
    if (fd < 0) {
        log_msg(LOG_WARNING, "Can't open the append-only file %s: %s", name, strerror(-fd));
        return false;
    }
    aof.fd = fd;
    if (!aof_persist_manifest(aof.m)) return false;
    int64_t size = file_size(fd);
    aof.incr_size = aof.incr_synced = size > 0 ? (uint64_t)size : 0;
    aof.last_fsync_s = clock_unix_ms() / 1000;
    log_msg(LOG_NOTICE, "%s AOF incr file %s on server start", nincr ? "Opening" : "Creating", name);
    return true;
}

bool aof_start(void) {
    refresh_opts(NULL);
    rdbbuf_init(&aof.buf, false);
    if (!read_manifest() || !upgrade_old_file()) return false;
    int64_t t0 = clock_mono_us();
    AofStatus st = load_all();
    if (st == AOF_FAILED || st == AOF_OPEN_ERR) return false;
    if (st != AOF_NOT_EXIST)
        log_msg(LOG_NOTICE, "DB loaded from append only file: %.3f seconds", (double)(clock_mono_us() - t0) / 1e6);
    aof.state = AOF_ON;
    if (!open_at_start()) return false;
    aof_set_sink(true);
    aof_delete_history();
    return true;
}

/* ---------------------------------------------------- on/off at runtime */

static void stop_aof(void) {
    aof_flush(true);
    int r = file_datasync(aof.fd);
    if (r < 0) log_msg(LOG_WARNING, "Fail to fsync the AOF file: %s", strerror(-r));
    else aof.last_fsync_s = clock_unix_ms() / 1000;
    if (aof.fd >= 0) file_close(aof.fd);
    aof.fd = -1;
    aof.selected_db = -1;
    aof.state = AOF_OFF;
    aof.scheduled = false;
    aof.incr_size = aof.incr_synced = 0;
    aof_rewrite_kill(true);
    rdbbuf_reset(&aof.buf);
    aof_set_sink(false);
    if (client_held_count()) client_release_held();
    aof.write_ok = true;
    atomic_store(&fsync_err, 0);
    persist_update_write_gate();
}

static bool start_aof(const char **err) {
    refresh_opts(NULL);
    if (!aof.m) aof.m = aof_manifest_new();
    if (!aof.buf.buf) rdbbuf_init(&aof.buf, false);
    aof.state = AOF_WAIT_REWRITE;
    aof_set_sink(true);
    if (snapshot_running() && !aof.rewriting) {
        aof.scheduled = true;
        log_msg(LOG_WARNING, "AOF was enabled but there is already another background operation. An AOF "
                             "background was scheduled to start when possible.");
    } else if (propagate_in_unit()) {
        aof.scheduled = true;
        log_msg(LOG_WARNING, "AOF was enabled during a transaction. An AOF background was scheduled to "
                             "start when possible.");
    } else {
        if (aof.rewriting) {
            log_msg(LOG_WARNING, "AOF was enabled but there is already an AOF rewriting in background. "
                                 "Stopping background AOF and starting a rewrite now.");
            aof_rewrite_kill(true);
        }
        const char *why;
        if (!aof_rewrite_start(&why)) {
            aof.state = AOF_OFF;
            aof_set_sink(false);
            log_msg(LOG_WARNING, "Redis needs to enable the AOF but can't trigger a background AOF rewrite "
                                 "operation. Check the above logs for more info about the error.");
            *err = "Unable to turn on AOF. Check server logs.";
            return false;
        }
    }
    aof.last_fsync_s = clock_unix_ms() / 1000;
    if (atomic_load(&fsync_err) < 0) {
        log_msg(LOG_WARNING, "AOF reopen, just ignore the AOF fsync error in bio job");
        atomic_store(&fsync_err, 0);
    }
    if (!aof.write_ok) {
        log_msg(LOG_WARNING, "AOF reopen, just ignore the last error.");
        aof.write_ok = true;
    }
    persist_update_write_gate();
    return true;
}

static bool on_set_appendonly(const char **err) {
    bool want = config_yes("appendonly");
    if (!want && aof.state != AOF_OFF) stop_aof();
    else if (want && aof.state == AOF_OFF) return start_aof(err);
    return true;
}

/* --------------------------------------------------------------- hooks */

static void cron(int64_t now_ms) {
    UNUSED(now_ms);
    if (aof.state == AOF_OFF) {
        if (aof.scheduled) aof_rewrite_cron(); /* BGREWRITEAOF works with the AOF off too */
        return;
    }
    /* a postponed everysec write, a failed write to retry, fsync news */
    if (aof.postponed_since || !aof.write_ok) aof_flush(false);
    int e = atomic_load(&fsync_err);
    /* a failed background fsync is retried until it succeeds: no new
     * write may come to trigger one (they are refused meanwhile) */
    if (e < 0 && aof.fd >= 0 && !fsync_in_progress()) thread_aof_submit(fsync_job, (void *)(intptr_t)aof.fd);
    note_fsync_status();
    aof_rewrite_cron();
}

void aof_register(void) {
    aof_rewrite_register();
    config_on_set("appendonly", on_set_appendonly);
    evict_set_not_counted(aof_buffer_bytes); /* as Redis: the AOF buffer is not data */
    config_on_set("appendfsync", refresh_opts);
    config_on_set("aof-timestamp-enabled", refresh_opts);
    config_on_set("no-appendfsync-on-rewrite", refresh_opts);
    server_add_cron_hook(cron);
}

bool aof_prepare_shutdown(bool force) {
    if (aof.rewriting) {
        if (aof.state == AOF_WAIT_REWRITE) {
            if (!force) {
                log_msg(LOG_WARNING, "Writing initial AOF, can't exit.");
                return false;
            }
            log_msg(LOG_WARNING, "Writing initial AOF. Exit anyway.");
        }
        log_msg(LOG_WARNING, "There is a child rewriting the AOF. Killing it!");
        aof_rewrite_kill(false);
    }
    if (aof.state != AOF_OFF && aof.fd >= 0) {
        log_msg(LOG_NOTICE, "Calling fsync() on the AOF file.");
        aof_flush(true);
        int r = file_datasync(aof.fd);
        if (r < 0) log_msg(LOG_WARNING, "Fail to fsync the AOF file: %s.", strerror(-r));
    }
    return true;
}

/* ---------------------------------------------------------- INFO, DEBUG */

size_t aof_buffer_bytes(void) { return aof.buf.len; }

size_t aof_info(char *buf, size_t cap) {
    int64_t now = clock_unix_ms() / 1000;
    const char *werr = aof_write_error();
    int n = snprintf(buf, cap,
                     "aof_enabled:%d\r\n"
                     "aof_rewrite_in_progress:%d\r\n"
                     "aof_rewrite_scheduled:%d\r\n"
                     "aof_last_rewrite_time_sec:%" PRId64 "\r\n"
                     "aof_current_rewrite_time_sec:%" PRId64 "\r\n"
                     "aof_last_bgrewrite_status:%s\r\n"
                     "aof_rewrites:%" PRIu64 "\r\n"
                     "aof_rewrites_consecutive_failures:%" PRIu64 "\r\n"
                     "aof_last_write_status:%s\r\n"
                     "aof_last_cow_size:0\r\n"
                     "module_fork_in_progress:0\r\n"
                     "module_fork_last_cow_size:0\r\n",
                     aof.state != AOF_OFF, aof.rewriting, aof.scheduled, aof.last_rewrite_secs,
                     aof.rewrite_start_s >= 0 ? now - aof.rewrite_start_s : -1,
                     aof.last_rewrite_ok ? "ok" : "err", aof.rewrites, aof.failures, werr ? "err" : "ok");
    if (n < 0 || (size_t)n >= cap) return n < 0 ? 0 : cap - 1;
    if (aof.state != AOF_OFF) {
        int k = snprintf(buf + n, cap - (size_t)n,
                         "aof_current_size:%" PRIu64 "\r\n"
                         "aof_base_size:%" PRIu64 "\r\n"
                         "aof_pending_rewrite:%d\r\n"
                         "aof_buffer_length:%zu\r\n"
                         "aof_pending_bio_fsync:%zu\r\n"
                         "aof_delayed_fsync:%" PRIu64 "\r\n",
                         aof.current_size, aof.base_size, aof.scheduled, aof.buf.len, thread_aof_pending(),
                         aof.delayed_fsync);
        if (k > 0 && (size_t)k < cap - (size_t)n) n += k;
    }
    return (size_t)n;
}

void aof_debug_flush_sleep(int64_t us) { aof.flush_sleep_us = us; }

const char *aof_debug_loadaof(void) {
    if (aof.state == AOF_ON) aof_flush(true);
    uint64_t dirty = db_dirty();
    for (int i = 0; i < db_count_dbs(); i++) {
        watch_touch_flush(i);
        db_flush(db_get(i), false);
    }
    tracking_invalidate_flush();
    if (!aof.buf.buf) rdbbuf_init(&aof.buf, false);
    if (!read_manifest()) exit(1); /* Redis exits on a bad manifest here too */
    aof_delete_history();
    AofStatus st = load_all();
    if (st != AOF_OK && st != AOF_EMPTY && st != AOF_NOT_EXIST && st != AOF_TRUNCATED) exit(1);
    db_restore_dirty(dirty); /* load_all ended the loading state */
    log_msg(LOG_WARNING, "Append Only File loaded by DEBUG LOADAOF");
    return NULL;
}
