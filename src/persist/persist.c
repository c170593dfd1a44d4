/* persist/persist.c -- RDB persistence wired into the server (persist.h).
 *
 * rdb_changes_since_last_save is db_dirty() - dirty_base: a successful save
 * moves the base to the dirty count at the save's start, so writes made
 * during a BGSAVE stay counted, as Redis counts them. */
#include "persist.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/tracking.h"
#include "../core/command.h"
#include "../core/config.h"
#include "../core/db.h"
#include "../core/log.h"
#include "../core/reply.h"
#include "../core/server.h"
#include "../core/watch.h"
#include "../ds/mem.h"
#include "../os/clock.h"
#include "../os/file.h"
#include "../os/proc.h"
#include "../script/function.h"
#include "aof.h"
#include "function_rdb.h"
#include "rdb_load.h"
#include "snapshot.h"

#define BGSAVE_RETRY_DELAY_S 5 /* after a failed BGSAVE, save points wait this long */
#define STEP_BUDGET_US 2000    /* serialising per idle loop turn during BGSAVE */
#define STEP_MIN_US 200        /* ... and per busy one at least */

static struct {
    uint64_t dirty_base;      /* db_dirty() at the start of the last good save */
    uint64_t dirty_at_start;  /* db_dirty() when the running BGSAVE began */
    int64_t bgsave_start_ms;
    int64_t last_bgsave_secs; /* -1: none yet */
    int64_t last_try_s;       /* last BGSAVE attempt */
    bool last_ok;
    bool scheduled;           /* BGSAVE SCHEDULE */
    bool start_failed;        /* BGSAVE could not create its file */
    uint64_t saves;
    uint64_t bg_started;      /* background snapshots begun (INFO's total_forks) */
    /* loading */
    bool loading;
    int64_t load_start_s;
    uint64_t load_total, load_done;
    uint64_t keys_loaded, keys_expired;
} ps = {.last_bgsave_secs = -1, .last_ok = true};

static const char *dbfilename(void) {
    const char *f = config_value("dbfilename");
    return f && f[0] ? f : "dump.rdb";
}

/* The save points: pairs "seconds changes" of the `save` directive. */
static int save_points(int64_t *secs, int64_t *changes, int max) {
    const char *v = config_value("save");
    int n = 0;
    while (v && *v && n < max) {
        char *end;
        long long s = strtoll(v, &end, 10);
        if (end == v) break;
        long long c = strtoll(end, &end, 10);
        secs[n] = s;
        changes[n] = c;
        n++;
        v = end;
    }
    return n;
}

static bool has_save_points(void) {
    int64_t s[1], c[1];
    return save_points(s, c, 1) > 0;
}

/* -MISCONF while the last save failed, save points exist and the user
 * asks for it (stop-writes-on-bgsave-error): the configuration is read at
 * each write, so CONFIG SET lifts it at once. */
static const char *deny_writes(void) {
    if (!ps.last_ok && config_yes("stop-writes-on-bgsave-error") && has_save_points())
        return "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to "
               "persist to disk. Commands that may modify the data set are disabled, because this "
               "instance is configured to report errors during writes if RDB snapshotting fails "
               "(stop-writes-on-bgsave-error option). Please check the Redis logs for details "
               "about the RDB error.";
    return aof_write_error();
}

static void update_write_gate(void) {
    command_deny_writes = ps.last_ok && !aof_write_error() ? NULL : deny_writes;
}

void persist_update_write_gate(void) { update_write_gate(); }

static void save_succeeded(uint64_t dirty_at_start) {
    ps.dirty_base = dirty_at_start;
    server_note_save(clock_unix_ms() / 1000);
    ps.last_ok = true;
    ps.saves++;
    update_write_gate();
}

/* A foreground save of the whole dataset (SAVE, SHUTDOWN, FLUSHALL). */
static bool save_now(void) {
    if (aof_rewrite_running()) aof_kill_rewrite(); /* one snapshot at a time */
    uint64_t dirty = db_dirty();
    int r = snapshot_save(dbfilename());
    if (r < 0) return false; /* a foreground failure leaves the BGSAVE status, as Redis */
    log_msg(LOG_NOTICE, "DB saved on disk");
    save_succeeded(dirty);
    return true;
}

static void bgsave_done(SnapState st);
static void (*snap_done)(SnapState); /* the running snapshot's owner: BGSAVE or the AOF */

/* The slice of a loop turn: the whole STEP_BUDGET_US when clients left
 * the loop idle, else a third of the time their commands just took (at
 * least STEP_MIN_US), so under load clients keep most of the thread and
 * the save still moves on. */
static int64_t slice_budget(void) {
    static int64_t last_end;
    int64_t now = clock_mono_us(), busy = last_end ? now - last_end : 0;
    int64_t budget = busy < 100 ? STEP_BUDGET_US : busy / 3;
    if (budget < STEP_MIN_US) budget = STEP_MIN_US;
    if (budget > STEP_BUDGET_US) budget = STEP_BUDGET_US;
    last_end = now + budget;
    return budget;
}

static int hook_step(void) {
    if (ps.start_failed) { /* reported a turn later, as a failed child would */
        ps.start_failed = false;
        bgsave_done(SNAP_DONE_ERR);
        return -1;
    }
    if (!snapshot_running()) return -1;
    int wait = snapshot_step(slice_budget());
    if (wait >= 0) return wait;
    SnapState st = snapshot_poll();
    if (st == SNAP_RUNNING) return 2; /* the writer is finishing */
    if (st != SNAP_IDLE && snap_done) snap_done(st);
    return -1;
}

bool persist_snapshot_start(const char *path, SnapFormat fmt, void (*done)(SnapState state), const char **err) {
    if (!snapshot_begin_as(path, fmt, err)) return false;
    ps.bg_started++;
    snap_done = done;
    server_set_step(hook_step);
    return true;
}

static bool bgsave_start(const char **err) {
    ps.last_try_s = clock_unix_ms() / 1000;
    if (snapshot_running()) {
        *err = "ERR Background save already in progress";
        return false;
    }
    snap_done = bgsave_done;
    if (!snapshot_begin(dbfilename(), err)) {
        /* Redis replies "started" and its child then fails to open the
         * file: the failure shows in INFO and the log a moment later */
        ps.bgsave_start_ms = clock_unix_ms();
        ps.start_failed = true;
        server_set_step(hook_step);
        return true;
    }
    ps.dirty_at_start = db_dirty();
    ps.bgsave_start_ms = clock_unix_ms();
    ps.bg_started++;
    server_set_step(hook_step);
    log_msg(LOG_NOTICE, "Background saving started");
    return true;
}

static void bgsave_done(SnapState st) {
    ps.last_bgsave_secs = (clock_unix_ms() - ps.bgsave_start_ms) / 1000;
    if (st == SNAP_DONE_OK) {
        log_msg(LOG_NOTICE, "Background saving terminated with success");
        save_succeeded(ps.dirty_at_start);
    } else {
        log_msg(LOG_WARNING, "Background saving error");
        ps.last_ok = false;
        update_write_gate();
    }
}

/* Stops a running BGSAVE (its file is removed); the last status stays. */
static void bgsave_kill(void) {
    if (!snapshot_running() || snapshot_format() != SNAP_RDB) return;
    snapshot_abort();
    log_msg(LOG_WARNING, "Background saving terminated by signal 10");
}

/* ---------------------------------------------------------- server hooks */

static void hook_cron(int64_t now_ms) {
    if (snapshot_running()) return;
    const char *err;
    if (ps.scheduled) {
        ps.scheduled = false;
        bgsave_start(&err);
        return;
    }
    int64_t secs[32], changes[32];
    int n = save_points(secs, changes, 32);
    uint64_t dirty = db_dirty() - ps.dirty_base;
    int64_t now = now_ms / 1000;
    for (int i = 0; i < n; i++) {
        if (dirty >= (uint64_t)changes[i] && now - server_lastsave() > secs[i] &&
            (now - ps.last_try_s > BGSAVE_RETRY_DELAY_S || ps.last_ok)) {
            log_msg(LOG_NOTICE, "%" PRIu64 " changes in %" PRId64 " seconds. Saving...", dirty, secs[i]);
            bgsave_start(&err);
            break;
        }
    }
}

/* shutdown-on-sigterm / shutdown-on-sigint: "default" saves when save
 * points exist; the flags save / nosave / force change that. */
static bool hook_shutdown_on_signal(void) {
    const char *how = config_value(proc_shutdown_by_sigint() ? "shutdown-on-sigint" : "shutdown-on-sigterm");
    bool save = how && strstr(how, "save") && !strstr(how, "nosave");
    bool nosave = how && strstr(how, "nosave");
    bool force = how && strstr(how, "force");
    return persist_prepare_shutdown(save, nosave, force);
}

/* ------------------------------------------------------------- commands */

/* SAVE -- a foreground save. */
static void cmd_save(Client *c) {
    if (snapshot_running() && !aof_rewrite_running()) {
        reply_error(c, "ERR Background save already in progress");
        return;
    }
    if (save_now()) reply_ok(c);
    else reply_error(c, "ERR");
}

/* BGSAVE [SCHEDULE] */
static void cmd_bgsave(Client *c) {
    bool schedule = false;
    if (c->argc > 1) {
        if (c->argc == 2 && arg_is(c, 1, "schedule")) {
            schedule = true;
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    if (aof_rewrite_running()) {
        if (schedule) {
            ps.scheduled = true;
            reply_status(c, "Background saving scheduled");
        } else {
            reply_error(c, "ERR Another child process is active (AOF?): can't BGSAVE right now. Use "
                           "BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.");
        }
        return;
    }
    if (snapshot_running()) {
        reply_error(c, "ERR Background save already in progress");
        return;
    }
    if (c->multi) { /* inside EXEC: the cron starts it after, as Redis */
        ps.scheduled = true;
        reply_status(c, "Background saving scheduled");
        return;
    }
    const char *err;
    if (bgsave_start(&err)) reply_status(c, "Background saving started");
    else reply_error(c, err);
}

#define SRV "server"
static Command persist_commands[] = {
    {"save", cmd_save, 1, CMD_ADMIN | CMD_NOSCRIPT | CMD_NO_MULTI, 0, 0, 0, SRV, "Synchronously save the dataset to disk", "1.0.0", "O(N) where N is the total number of keys in all databases", "@admin @slow @dangerous", NULL},
    {"bgsave", cmd_bgsave, -1, CMD_ADMIN | CMD_NOSCRIPT, 0, 0, 0, SRV, "Asynchronously save the dataset to disk", "1.0.0", "O(1)", "@admin @slow @dangerous", NULL},
    {0},
};

void persist_register(void) {
    command_register(persist_commands);
    function_rdb_init();
    aof_register();
    ServerHooks h = {hook_shutdown_on_signal};
    server_set_hooks(&h);
    server_add_cron_hook(hook_cron);
}

/* ------------------------------------------------------- shutdown, flush */

bool persist_prepare_shutdown(bool save, bool nosave, bool force) {
    if (ps.loading) return true; /* never save a half-loaded dataset (Redis's rule too) */
    if (!aof_prepare_shutdown(force)) return false;
    if (snapshot_running()) {
        log_msg(LOG_WARNING, "There is a child saving an .rdb. Killing it!");
        snapshot_abort();
    }
    if (nosave || (!save && !has_save_points())) return true;
    log_msg(LOG_NOTICE, "Saving the final RDB snapshot before exiting.");
    if (save_now()) return true;
    if (force) {
        log_msg(LOG_WARNING, "Error trying to save the DB. Exit anyway.");
        return true;
    }
    log_msg(LOG_WARNING, "Error trying to save the DB, can't exit.");
    return false;
}

void persist_before_flushall(void) { bgsave_kill(); }

void persist_after_flushall(void) {
    if (has_save_points()) save_now();
}

/* ---------------------------------------------------------------- loading */

static void on_progress(void *ctx, uint64_t done, uint64_t total) {
    UNUSED(ctx);
    ps.load_done = done;
    ps.load_total = total;
    server_serve_while_busy();
}

/* Loads the file into the (empty) databases. *opened: the file was read
 * (a failure then is bad content, not a missing or unreadable file). */
static bool load(bool merge, char *err, size_t errcap, bool *opened) {
    RdbLoadStats st = {0};
    ps.loading = true;
    command_loading = true;
    ps.load_start_s = clock_unix_ms() / 1000;
    ps.load_done = ps.load_total = 0;
    int64_t t0 = clock_mono_us();
    /* MERGE: keys and libraries of the file replace those already there */
    RdbLoadOpts opt = {.progress = on_progress, .merge = merge};
    bool ok = rdb_load_file(dbfilename(), &opt, &st, err, errcap);
    command_loading = false;
    ps.loading = false;
    ps.keys_loaded = st.keys_loaded;
    ps.keys_expired = st.keys_expired;
    *opened = st.bytes > 0;
    if (ok) /* rdb_load_file logged "Done loading RDB, ..." */
        log_msg(LOG_NOTICE, "DB loaded from disk: %.3f seconds", (double)(clock_mono_us() - t0) / 1e6);
    return ok;
}

void persist_loading_begin(uint64_t total_bytes) {
    ps.loading = true;
    command_loading = true;
    ps.load_start_s = clock_unix_ms() / 1000;
    ps.load_done = 0;
    ps.load_total = total_bytes;
}

void persist_loading_progress(uint64_t done_bytes) { on_progress(NULL, done_bytes, ps.load_total); }

void persist_loading_end(void) {
    command_loading = false;
    ps.loading = false;
    ps.dirty_base = db_dirty();
}

bool persist_load_at_start(void) {
    if (aof_configured()) return aof_start(); /* then the AOF alone holds the data, as Redis */
    int ex = file_exists(dbfilename());
    if (ex == 0) return true;
    char err[512] = "";
    bool opened = false;
    if (ex < 0 || !load(false, err, sizeof err, &opened)) {
        if (ex < 0) snprintf(err, sizeof err, "%s: %s", dbfilename(), strerror(-ex));
        if (opened) log_msg(LOG_WARNING, "Terminating server after rdb file reading failure.");
        log_msg(LOG_WARNING, "Fatal error loading the DB: %s. Exiting.", err);
        return false;
    }
    ps.dirty_base = db_dirty();
    return true;
}

const char *persist_debug_reload(bool merge, bool noflush, bool nosave) {
    if (!nosave) {
        if (snapshot_running()) snapshot_abort();
        if (!save_now()) return "ERR Error trying to save the RDB dump, check server logs.";
    }
    uint64_t dirty = db_dirty();
    if (!noflush) {
        for (int i = 0; i < db_count_dbs(); i++) {
            watch_touch_flush(i); /* as Redis's emptyData: WATCHers fail */
            db_flush(db_get(i), false);
        }
        tracking_invalidate_flush(); /* and cached keys are invalidated */
        function_flush_all(); /* as Redis's emptyData: the functions go too */
    }
    char err[512] = "";
    bool opened;
    if (!load(merge, err, sizeof err, &opened)) {
        db_restore_dirty(dirty); /* DEBUG RELOAD is never propagated */
        log_msg(LOG_WARNING, "Error trying to load the RDB dump: %s", err);
        return "ERR Error trying to load the RDB dump, check server logs.";
    }
    db_restore_dirty(dirty);
    ps.dirty_base = dirty;
    log_msg(LOG_NOTICE, "DB reloaded by DEBUG RELOAD");
    return NULL;
}

/* ------------------------------------------------------------------ INFO */

uint64_t persist_background_jobs(void) { return ps.bg_started; }

size_t persist_info(char *buf, size_t cap) {
    bool running = snapshot_running();
    uint64_t done = snapshot_keys_done(), total = snapshot_keys_total();
    int64_t now_ms = clock_unix_ms();
    int n = snprintf(buf, cap,
                     "loading:%d\r\n"
                     "async_loading:0\r\n"
                     "current_cow_peak:0\r\n"
                     "current_cow_size:0\r\n"
                     "current_cow_size_age:0\r\n"
                     "current_fork_perc:%.2f\r\n"
                     "current_save_keys_processed:%" PRIu64 "\r\n"
                     "current_save_keys_total:%" PRIu64 "\r\n"
                     "rdb_changes_since_last_save:%" PRIu64 "\r\n"
                     "rdb_bgsave_in_progress:%d\r\n"
                     "rdb_last_save_time:%" PRId64 "\r\n"
                     "rdb_last_bgsave_status:%s\r\n"
                     "rdb_last_bgsave_time_sec:%" PRId64 "\r\n"
                     "rdb_current_bgsave_time_sec:%" PRId64 "\r\n"
                     "rdb_saves:%" PRIu64 "\r\n"
                     "rdb_last_cow_size:0\r\n"
                     "rdb_last_load_keys_expired:%" PRIu64 "\r\n"
                     "rdb_last_load_keys_loaded:%" PRIu64 "\r\n",
                     ps.loading, total ? 100.0 * (double)done / (double)total : 0.0, done, total,
                     db_dirty() - ps.dirty_base, running, server_lastsave(),
                     ps.last_ok ? "ok" : "err", ps.last_bgsave_secs,
                     running ? (now_ms - ps.bgsave_start_ms) / 1000 : -1, ps.saves, ps.keys_expired,
                     ps.keys_loaded);
    if (n < 0 || (size_t)n >= cap) return n < 0 ? 0 : cap - 1;
    return (size_t)n;
}

size_t persist_info_loading(char *buf, size_t cap) {
    if (!ps.loading) return 0;
    int64_t elapsed = clock_unix_ms() / 1000 - ps.load_start_s;
    double perc = ps.load_total ? 100.0 * (double)ps.load_done / (double)ps.load_total : 0;
    int64_t eta = ps.load_done && elapsed > 0
                      ? (int64_t)((double)(ps.load_total - ps.load_done) /
                                  ((double)ps.load_done / (double)elapsed))
                      : 1;
    int n = snprintf(buf, cap,
                     "loading_start_time:%" PRId64 "\r\n"
                     "loading_total_bytes:%" PRIu64 "\r\n"
                     "loading_rdb_used_mem:0\r\n"
                     "loading_loaded_bytes:%" PRIu64 "\r\n"
                     "loading_loaded_perc:%.2f\r\n"
                     "loading_eta_seconds:%" PRId64 "\r\n",
                     ps.load_start_s, ps.load_total, ps.load_done, perc, eta);
    if (n < 0 || (size_t)n >= cap) return n < 0 ? 0 : cap - 1;
    return (size_t)n;
}
