/* persist/aof_rewrite.c -- BGREWRITEAOF without fork.
 *
 * The start rotates the AOF to a new incr file (recorded in the manifest
 * at once), then a snapshot of that same moment writes the new base into
 * temp-rewriteaof-bg-<pid>.aof: base + new incr = the whole dataset, while
 * the older base and incr files still hold it too. When the base is
 * complete it moves into the directory and the manifest switches to it in
 * one rename; the files it replaces become history and are removed in the
 * background. A failure leaves the manifest as it was, plus the new incr
 * file, and counts toward the retry limit (1, 2, 4 ... 60 minutes after
 * three failures in a row, as Redis). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/command.h"
#include "../core/config.h"
#include "../core/log.h"
#include "../core/reply.h"
#include "../ds/mem.h"
#include "../os/clock.h"
#include "../os/file.h"
#include "aof.h"
#include "aof_int.h"
#include "persist.h"
#include "snapshot.h"

#define LIMIT_THRESHOLD 3   /* failures in a row before retries are spaced */
#define LIMIT_MAX_MINUTES 60

static char temp_base[64];  /* temp-rewriteaof-bg-<pid>.aof */

bool aof_rewrite_running(void) { return aof.rewriting; }

static void rewrite_done(SnapState state);

bool aof_rewrite_start(const char **err) {
    *err = "ERR Can't execute an AOF background rewriting. Please check the server logs for more information.";
    if (snapshot_running()) return false;
    int r = file_mkdir(aof_dirname());
    if (r < 0) {
        log_msg(LOG_WARNING, "Can't open or create append-only dir %s: %s", aof_dirname(), strerror(-r));
        aof.last_rewrite_ok = false;
        return false;
    }
    if (!aof.m) aof.m = aof_manifest_new();
    aof.selected_db = -1; /* the new incr file starts with a SELECT */
    aof_flush(true);
    if (!aof_open_new_incr()) {
        aof.last_rewrite_ok = false;
        return false;
    }
    aof.rewrites++;
    bool rdb = config_yes("aof-use-rdb-preamble");
    snprintf(temp_base, sizeof temp_base, "temp-rewriteaof-bg-%d.aof", (int)getpid());
    const char *why;
    aof.rewriting = true; /* before the start: the feed must see it */
    if (!persist_snapshot_start(temp_base, rdb ? SNAP_AOF_RDB : SNAP_AOF_RESP, rewrite_done, &why)) {
        aof.rewriting = false;
        aof.last_rewrite_ok = false;
        aof.failures++;
        log_msg(LOG_WARNING, "Can't rewrite append only file in background: %s", why);
        return false;
    }
    aof.rewrite_rdb = rdb;
    aof.scheduled = false;
    aof.rewrite_start_s = clock_unix_ms() / 1000;
    log_msg(LOG_NOTICE, "Background append only file rewriting started");
    return true;
}

/* The end of a rewrite that did not finish: temp files go; while the AOF
 * waits for its first base, the temp incr file goes too and a new try is
 * scheduled. */
static void cleanup(void) {
    file_unlink(temp_base);
    if (aof.state == AOF_WAIT_REWRITE) {
        rdbbuf_reset(&aof.buf);
        char *p = aof_path(aof_temp_incr_name());
        log_msg(LOG_NOTICE, "Removing the temp incr aof file %s in the background", aof_temp_incr_name());
        file_unlink(p);
        mem_free(p);
        aof.scheduled = true;
    }
    aof.last_rewrite_secs = aof.rewrite_start_s >= 0 ? clock_unix_ms() / 1000 - aof.rewrite_start_s : -1;
    aof.rewrite_start_s = -1;
    aof.rewriting = false;
}

static void failed(void) {
    aof.last_rewrite_ok = false;
    aof.failures++;
}

/* The snapshot finished: install the base (Redis's done handler). */
static void rewrite_done(SnapState state) {
    if (state != SNAP_DONE_OK) {
        failed();
        log_msg(LOG_WARNING, "Background AOF rewrite terminated with error");
        cleanup();
        return;
    }
    log_msg(LOG_NOTICE, "Background AOF rewrite terminated with success");
    AofManifest *tm = aof_manifest_dup(aof.m);
    const char *base = aof_manifest_new_base(tm, aof_filename(), aof.rewrite_rdb);
    char *base_path = aof_path(base), *incr_path = NULL;
    int r = file_rename(temp_base, base_path);
    if (r < 0) {
        log_msg(LOG_WARNING, "Error trying to rename the temporary AOF base file %s into %s: %s", temp_base,
                base_path, strerror(-r));
        goto fail;
    }
    log_msg(LOG_NOTICE, "Successfully renamed the temporary AOF base file %s into %s", temp_base, base);
    if (aof.state == AOF_WAIT_REWRITE) { /* the temp incr file becomes a real one */
        char *tmp = aof_path(aof_temp_incr_name());
        const char *incr = aof_manifest_new_incr(tm, aof_filename());
        incr_path = aof_path(incr);
        r = file_rename(tmp, incr_path);
        mem_free(tmp);
        if (r < 0) {
            log_msg(LOG_WARNING, "Error trying to rename the temporary AOF incr file %s into %s: %s",
                    aof_temp_incr_name(), incr, strerror(-r));
            file_unlink(base_path);
            mem_free(incr_path);
            incr_path = NULL;
            goto fail;
        }
        log_msg(LOG_NOTICE, "Successfully renamed the temporary AOF incr file %s into %s", aof_temp_incr_name(),
                incr);
    }
    aof_manifest_incr_to_history(tm, aof.fd >= 0);
    if (!aof_persist_manifest(tm)) {
        file_unlink(base_path);
        if (incr_path) file_unlink(incr_path);
        goto fail;
    }
    aof_manifest_free(aof.m);
    aof.m = tm;
    if (aof.state != AOF_OFF) {
        int64_t bs = file_size_of(base_path);
        aof.current_size = (bs > 0 ? (uint64_t)bs : 0) + aof.incr_size;
        aof.base_size = aof.current_size;
    }
    mem_free(base_path);
    mem_free(incr_path);
    aof_delete_history();
    aof.last_rewrite_ok = true;
    aof.failures = 0;
    log_msg(LOG_NOTICE, "Background AOF rewrite finished successfully");
    if (aof.state == AOF_WAIT_REWRITE) aof.state = AOF_ON;
    aof.last_rewrite_secs = clock_unix_ms() / 1000 - aof.rewrite_start_s;
    aof.rewrite_start_s = -1;
    aof.rewriting = false;
    return;
fail:
    aof_manifest_free(tm);
    mem_free(base_path);
    mem_free(incr_path);
    failed();
    cleanup();
}

void aof_rewrite_kill(bool log_it) {
    if (!aof.rewriting) return;
    if (log_it) log_msg(LOG_NOTICE, "Killing running AOF rewrite child: %d", (int)getpid());
    snapshot_abort();
    cleanup();
}

void aof_kill_rewrite(void) { aof_rewrite_kill(true); }

/* Redis's aofRewriteLimited: after three failures in a row, automatic
 * rewrites wait 1, 2, 4 ... 60 minutes. BGREWRITEAOF is never limited. */
static bool limited(void) {
    static int next_delay_min;
    static int64_t next_time;
    if (aof.failures < LIMIT_THRESHOLD) {
        next_delay_min = 0;
        next_time = 0;
        return false;
    }
    int64_t now = clock_unix_ms() / 1000;
    if (next_time) {
        if (now < next_time) return true;
        next_time = 0;
        return false;
    }
    next_delay_min = next_delay_min ? next_delay_min * 2 : 1;
    if (next_delay_min > LIMIT_MAX_MINUTES) next_delay_min = LIMIT_MAX_MINUTES;
    next_time = now + next_delay_min * 60;
    log_msg(LOG_WARNING, "Background AOF rewrite has repeatedly failed and triggered the limit, will retry in %d minutes",
            next_delay_min);
    return true;
}

void aof_rewrite_cron(void) {
    if (snapshot_running()) return;
    const char *err;
    if (aof.scheduled && !limited()) {
        aof_rewrite_start(&err);
        return;
    }
    const char *perc_s = config_value("auto-aof-rewrite-percentage");
    const char *min_s = config_value("auto-aof-rewrite-min-size");
    int64_t perc = perc_s ? strtoll(perc_s, NULL, 10) : 0;
    uint64_t min = 0;
    if (min_s) config_parse_memory(min_s, &min);
    if (aof.state == AOF_ON && perc && aof.current_size > min) {
        uint64_t base = aof.base_size ? aof.base_size : 1;
        int64_t growth = (int64_t)(aof.current_size * 100 / base) - 100;
        if (growth >= perc && !limited()) {
            log_msg(LOG_NOTICE, "Starting automatic rewriting of AOF on %" PRId64 "%% growth", growth);
            aof_rewrite_start(&err);
        }
    }
}

/* BGREWRITEAOF */
static void cmd_bgrewriteaof(Client *c) {
    const char *err;
    if (aof.rewriting) {
        reply_error(c, "ERR Background append only file rewriting already in progress");
    } else if (snapshot_running() || c->multi) {
        aof.scheduled = true;
        aof.failures = 0; /* asked for: not limited */
        reply_status(c, "Background append only file rewriting scheduled");
    } else if (aof_rewrite_start(&err)) {
        reply_status(c, "Background append only file rewriting started");
    } else {
        reply_error(c, err);
    }
}

static Command aof_commands[] = {
    {"bgrewriteaof", cmd_bgrewriteaof, 1, CMD_ADMIN | CMD_NOSCRIPT, 0, 0, 0, "server", "Asynchronously rewrite the append-only file", "1.0.0", "O(1)", "@admin @slow @dangerous", NULL},
    {0},
};

void aof_rewrite_register(void) { command_register(aof_commands); }
