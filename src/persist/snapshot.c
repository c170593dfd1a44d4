/* persist/snapshot.c -- point-in-time RDB files without fork (snapshot.h).
 *
 * The walk visits database 0..n-1 with db_snapshot_scan; each entry still
 * pending is taken (entry_snapshot_take) and written. Core calls save_entry
 * for a pending entry a write is about to change, and whole_db before
 * FLUSHDB/SWAPDB; both write out of the walk's order, so every record is
 * preceded by SELECTDB when its database differs from the last one written
 * (the RDB loader accepts SELECTDB anywhere).
 *
 * Bytes collect in `out` and leave in chunks of CHUNK bytes for the
 * background thread (os/thread.h runs jobs in order), which owns the file:
 * CRC-64, write, and at the end the checksum, fsync, close, rename and a
 * directory fsync. The main thread only reads the writer's atomics. */
#include "snapshot.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/config.h"
#include "../core/db.h"
#include "../core/log.h"
#include "../ds/mem.h"
#include "../os/clock.h"
#include "../os/file.h"
#include "../os/proc.h"
#include "../os/thread.h"
#include "aof_cmds.h"
#include "crc64.h"
#include "function_rdb.h"
#include "../script/function.h"
#include "rdb_enc.h"
#include "rdb_format.h"

#define CHUNK (256 * 1024)
#define MAX_BACKLOG (16 * 1024 * 1024) /* bytes queued for the writer */
#define AUTOSYNC_BYTES (4 * 1024 * 1024) /* Redis's REDIS_AUTOSYNC_BYTES */

/* ------------------------------------------------------------ writer */

typedef struct {
    int fd;
    bool rdb;                 /* RDB: CRC-64 and its 8 bytes at the end */
    bool checksum;
    uint64_t crc;
    uint64_t autosync;        /* fsync every this many bytes (0: at the end only) */
    uint64_t unsynced;
    char *tmp, *final;
    _Atomic int err;          /* first -errno seen by the writer */
    _Atomic size_t backlog;   /* bytes submitted, not yet written */
    _Atomic int finished;     /* 1 ok / -1 failed or aborted; 0 running */
} Writer;

typedef enum { JOB_DATA, JOB_FINISH, JOB_ABORT } JobKind;

typedef struct {
    Writer *w;
    JobKind kind;
    unsigned char *buf;
    size_t len;
} Job;

static void note_err(Writer *w, int err) {
    int zero = 0;
    atomic_compare_exchange_strong(&w->err, &zero, err);
}

static void job_data(Writer *w, Job *j) {
    if (!atomic_load(&w->err)) {
        if (w->rdb && w->checksum) w->crc = crc64(w->crc, j->buf, j->len);
        int r = file_write_all(w->fd, j->buf, j->len);
        /* rdb-save- / aof-rewrite-incremental-fsync: the kernel never
         * holds much of the file, so the final fsync does not stall */
        w->unsynced += j->len;
        if (r == 0 && w->autosync && w->unsynced >= w->autosync) {
            r = file_fsync(w->fd);
            w->unsynced = 0;
        }
        if (r < 0) note_err(w, r);
    }
    atomic_fetch_sub(&w->backlog, j->len);
}

static void job_finish(Writer *w) {
    if (!atomic_load(&w->err)) {
        unsigned char tail[8];
        uint64_t crc = w->checksum ? w->crc : 0;
        for (int i = 0; i < 8; i++) tail[i] = (unsigned char)(crc >> (8 * i));
        int r = w->rdb ? file_write_all(w->fd, tail, 8) : 0;
        if (r == 0) r = file_fsync(w->fd);
        if (r < 0) note_err(w, r);
    }
    int r = file_close(w->fd);
    if (r < 0) note_err(w, r);
    w->fd = -1;
    if (!atomic_load(&w->err)) {
        r = file_rename(w->tmp, w->final);
        if (r == 0) r = file_fsync_dir_of(w->final);
        if (r < 0) note_err(w, r);
    }
    if (atomic_load(&w->err)) file_unlink(w->tmp);
    atomic_store(&w->finished, atomic_load(&w->err) ? -1 : 1);
}

static void job_run(void *arg) {
    Job *j = arg;
    Writer *w = j->w;
    if (j->kind == JOB_DATA) {
        job_data(w, j);
    } else if (j->kind == JOB_FINISH) {
        job_finish(w);
    } else { /* JOB_ABORT */
        if (w->fd >= 0) file_close(w->fd);
        w->fd = -1;
        file_unlink(w->tmp);
        note_err(w, -ECANCELED);
        atomic_store(&w->finished, -1);
    }
    mem_free(j->buf);
    mem_free(j);
}

/* ------------------------------------------------------------ state */

typedef struct {
    Writer *w;
    bool foreground;          /* SAVE: jobs run inline */
    SnapFormat fmt;
    RdbBuf out;
    int scan_db;              /* the walk's database; ndbs when done */
    uint64_t cursor;
    int last_db;              /* database of the last record; -1: none */
    int resized_dbs;          /* RESIZEDB written for databases below this */
    uint64_t keys_done, keys_total;
    int64_t start_us;
    bool save_lru, save_lfu;
    bool failed;              /* a record could not be queued */
} Snap;

static Snap *snap;            /* the running snapshot, or NULL */
static Writer *finished_writer; /* background: waiting to be polled */
static SnapFormat running_fmt;

static void submit(Snap *s, JobKind kind) {
    Job *j = mem_alloc(sizeof(*j));
    j->w = s->w;
    j->kind = kind;
    j->buf = NULL;
    j->len = 0;
    if (kind == JOB_DATA) {
        j->len = s->out.len;
        j->buf = mem_alloc(s->out.len ? s->out.len : 1);
        if (s->out.len) memcpy(j->buf, s->out.buf, s->out.len);
        rdbbuf_reset(&s->out);
        atomic_fetch_add(&s->w->backlog, j->len);
    }
    if (s->foreground) job_run(j);
    else thread_bg_submit(job_run, j);
}

static void flush_if_full(Snap *s) {
    if (s->out.len >= CHUNK) submit(s, JOB_DATA);
}

static void write_aux(RdbBuf *b, const char *k, const char *v) {
    rdb_write_byte(b, RDB_OPCODE_AUX);
    rdb_write_string(b, k, strlen(k));
    rdb_write_string(b, v, strlen(v));
}

static void write_aux_int(RdbBuf *b, const char *k, int64_t v) {
    rdb_write_byte(b, RDB_OPCODE_AUX);
    rdb_write_string(b, k, strlen(k));
    rdb_write_int_string(b, v);
}

/* "REDIS0010" and the aux fields Redis 7.0 writes for a primary without
 * replicas: redis-ver, redis-bits, ctime, used-mem, aof-base. */
static void write_header(RdbBuf *b) {
    char magic[16];
    snprintf(magic, sizeof magic, "REDIS%04d", RDB_VERSION);
    rdb_write_raw(b, magic, 9);
    write_aux(b, "redis-ver", "7.0.15");
    write_aux_int(b, "redis-bits", (int64_t)(sizeof(void *) * 8));
    write_aux_int(b, "ctime", clock_unix_ms() / 1000);
    write_aux_int(b, "used-mem", (int64_t)mem_used());
}

/* The start of the file: the RDB header (aof-base 1 for an AOF base, as
 * Redis), or for a RESP base the timestamp annotation when
 * aof-timestamp-enabled is yes. */
static void write_start(Snap *s) {
    if (s->fmt == SNAP_AOF_RESP) {
        if (config_yes("aof-timestamp-enabled")) {
            char line[48];
            int n = snprintf(line, sizeof line, "#TS:%lld\r\n", (long long)(clock_unix_ms() / 1000));
            rdb_write_raw(&s->out, line, (size_t)n);
        }
        /* the libraries first, as Redis's rewriteFunctions */
        for (size_t i = 0; i < function_lib_count(); i++) {
            const char *argv[3] = {"FUNCTION", "LOAD", NULL};
            size_t argl[3] = {8, 4, 0};
            argv[2] = function_lib_code(i, &argl[2]);
            aof_append_command(&s->out, 3, argv, argl);
        }
        return;
    }
    write_header(&s->out);
    write_aux_int(&s->out, "aof-base", s->fmt == SNAP_AOF_RDB);
    function_rdb_write(&s->out); /* before the keys, as Redis 7.0 */
}

/* A RESP base: SELECT when the database changes, then the key's commands.
 * Keys already expired are left out, as Redis's rewrite does. */
static void write_entry_resp(Snap *s, Db *db, Entry *e) {
    int idx = db_index(db);
    int64_t expire = entry_expire(e);
    if (expire >= 0 && expire < clock_unix_ms()) return;
    if (idx != s->last_db) {
        char num[16];
        int n = snprintf(num, sizeof num, "%d", idx);
        const char *argv[2] = {"SELECT", num};
        size_t argl[2] = {6, (size_t)n};
        aof_append_command(&s->out, 2, argv, argl);
        s->last_db = idx;
    }
    aof_append_entry(&s->out, e);
}

/* One key: [SELECTDB] [EXPIRETIME_MS] [IDLE|FREQ] type key value. */
static void write_entry(Snap *s, Db *db, Entry *e) {
    if (s->fmt == SNAP_AOF_RESP) {
        write_entry_resp(s, db, e);
        s->keys_done++;
        flush_if_full(s);
        return;
    }
    int64_t expire = entry_expire(e); /* expired keys too: the loader counts them, as Redis's */
    int idx = db_index(db);
    if (idx != s->last_db) {
        rdb_write_byte(&s->out, RDB_OPCODE_SELECTDB);
        rdb_write_len(&s->out, (uint64_t)idx);
        s->last_db = idx;
        if (idx >= s->resized_dbs) { /* the loader's sizing hint, once per db, as Redis */
            rdb_write_byte(&s->out, RDB_OPCODE_RESIZEDB);
            rdb_write_len(&s->out, db_size(db));
            rdb_write_len(&s->out, db_expires(db));
            s->resized_dbs = idx + 1;
        }
    }
    if (expire >= 0) {
        rdb_write_byte(&s->out, RDB_OPCODE_EXPIRETIME_MS);
        rdb_write_u64le(&s->out, (uint64_t)expire);
    }
    if (s->save_lru) {
        rdb_write_byte(&s->out, RDB_OPCODE_IDLE);
        rdb_write_len(&s->out, entry_idle_seconds(e));
    } else if (s->save_lfu) {
        rdb_write_byte(&s->out, RDB_OPCODE_FREQ);
        rdb_write_byte(&s->out, entry_lfu_freq(e));
    }
    size_t klen;
    const char *key = entry_key(e, &klen);
    rdb_write_byte(&s->out, rdb_object_type(e));
    rdb_write_string(&s->out, key, klen);
    rdb_write_value(&s->out, e);
    s->keys_done++;
    flush_if_full(s);
}

/* Core's hook: e is about to change and was pending (already marked). */
static void hook_save_entry(void *ctx, Db *db, Entry *e) { write_entry(ctx, db, e); }

typedef struct {
    Snap *s;
    Db *db;
} Visit;

static void visit_take(void *ctx, Entry *e) {
    Visit *v = ctx;
    if (entry_snapshot_take(e)) write_entry(v->s, v->db, e);
}

static void visit_mark(void *ctx, Entry *e) {
    UNUSED(ctx);
    entry_snapshot_take(e);
}

/* Takes every pending entry of db at once (FLUSHDB/SWAPDB are about to
 * change the whole database). */
static void hook_whole_db(void *ctx, Db *db) {
    Snap *s = ctx;
    Visit v = {s, db};
    uint64_t cur = 0;
    do cur = db_snapshot_scan(db, cur, visit_take, &v);
    while (cur != 0);
}

static void policy_flags(Snap *s) {
    const char *p = config_value("maxmemory-policy");
    s->save_lru = p && strstr(p, "lru");
    s->save_lfu = p && strstr(p, "lfu");
}

/* The temporary file's name, Redis's for each kind of save. */
static void temp_name(char *tmp, size_t cap, SnapFormat fmt, bool foreground) {
    if (fmt == SNAP_RDB) snprintf(tmp, cap, "temp-%d.rdb", (int)getpid());
    else if (foreground) snprintf(tmp, cap, "temp-rewriteaof-%d.aof", (int)getpid());
    else snprintf(tmp, cap, "temp-rewriteaof-bg-%d.aof", (int)getpid());
}

static Snap *snap_new(const char *path, SnapFormat fmt, bool foreground, int *err) {
    char tmp[64];
    temp_name(tmp, sizeof tmp, fmt, foreground);
    /* Absolute names: CONFIG SET dir during a BGSAVE must not move the
     * writer's rename to another directory. */
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd)) snprintf(cwd, sizeof cwd, ".");
    char *abs_tmp = mem_alloc(strlen(cwd) + strlen(tmp) + 2);
    char *abs_final = mem_alloc(strlen(cwd) + strlen(path) + 2);
    sprintf(abs_tmp, "%s/%s", cwd, tmp);
    if (path[0] == '/') strcpy(abs_final, path);
    else sprintf(abs_final, "%s/%s", cwd, path);
    int fd = file_create(abs_tmp);
    if (fd < 0) {
        *err = fd;
        mem_free(abs_tmp);
        mem_free(abs_final);
        return NULL;
    }
    Snap *s = mem_calloc(sizeof(*s));
    s->w = mem_calloc(sizeof(Writer));
    s->w->fd = fd;
    s->w->rdb = fmt != SNAP_AOF_RESP;
    bool inc = config_yes(fmt == SNAP_RDB ? "rdb-save-incremental-fsync" : "aof-rewrite-incremental-fsync");
    s->w->autosync = inc && !foreground ? AUTOSYNC_BYTES : 0;
    s->w->checksum = config_yes("rdbchecksum");
    s->w->tmp = abs_tmp;
    s->w->final = abs_final;
    s->foreground = foreground;
    s->fmt = fmt;
    running_fmt = fmt;
    rdbbuf_init(&s->out, config_yes("rdbcompression"));
    s->last_db = -1;
    s->start_us = clock_mono_us();
    for (int i = 0; i < db_count_dbs(); i++) s->keys_total += db_size(db_get(i));
    policy_flags(s);
    write_start(s);
    DbSnapshotHooks hooks = {hook_save_entry, hook_whole_db, s};
    db_snapshot_begin(&hooks);
    return s;
}

static void writer_free(Writer *w) {
    mem_free(w->tmp);
    mem_free(w->final);
    mem_free(w);
}

/* The walk is over (or abandoned): core's hooks are off. */
static void snap_release(Snap *s) {
    db_snapshot_end();
    rdbbuf_free(&s->out);
    mem_free(s);
}

/* Walks up to `budget_us` (< 0: to the end). rdb-key-save-delay slows a
 * background walk to one key per delay without blocking the loop. Returns
 * -1 when the walk is over, else the ms until the next slice is due. */
static int walk(Snap *s, int64_t budget_us) {
    int64_t t0 = clock_mono_us();
    int64_t delay = 0;
    const char *d = config_value("rdb-key-save-delay");
    if (d) delay = strtoll(d, NULL, 10);
    int n = db_count_dbs();
    while (s->scan_db < n) {
        if (budget_us >= 0) {
            int64_t now = clock_mono_us();
            if (now - t0 >= budget_us) return 0;
            if (atomic_load(&s->w->backlog) > MAX_BACKLOG) return 1;
            int64_t due = s->start_us + (int64_t)s->keys_done * delay;
            if (delay > 0 && now < due) return (int)((due - now) / 1000);
        } else if (delay > 0) {
            usleep((useconds_t)delay);
        } else if (s->cursor == 0) { /* foreground, no delay: table order */
            Visit v = {s, db_get(s->scan_db)};
            db_snapshot_foreach(v.db, visit_take, &v);
            s->scan_db++;
            continue;
        }
        Db *db = db_get(s->scan_db);
        Visit v = {s, db};
        s->cursor = db_snapshot_scan(db, s->cursor, visit_take, &v);
        if (s->cursor == 0) s->scan_db++;
    }
    return -1;
}

static void finish(Snap *s) {
    if (s->fmt != SNAP_AOF_RESP) rdb_write_byte(&s->out, RDB_OPCODE_EOF);
    submit(s, JOB_DATA);
    submit(s, JOB_FINISH);
}

/* ------------------------------------------------------------ public */

int snapshot_save(const char *path) { return snapshot_save_as(path, SNAP_RDB); }

int snapshot_save_as(const char *path, SnapFormat fmt) {
    if (snap) snapshot_abort(); /* a foreground save replaces a background one */
    int err = 0;
    Snap *s = snap_new(path, fmt, true, &err);
    if (!s) {
        char tmp[64];
        temp_name(tmp, sizeof tmp, fmt, true);
        if (fmt == SNAP_RDB)
            log_msg(LOG_WARNING, "Failed opening the temp RDB file %s (in server root dir %s) for saving: %s",
                    tmp, cfg.dir ? cfg.dir : ".", strerror(-err));
        else
            log_msg(LOG_WARNING, "Opening the temp file for AOF rewrite in rewriteAppendOnlyFile(): %s",
                    strerror(-err));
        return err;
    }
    snap = s;
    proc_set_insist_unlink(s->w->tmp); /* a second SIGINT removes the half file */
    walk(s, -1);
    finish(s);
    proc_set_insist_unlink(NULL);
    Writer *w = s->w;
    snap = NULL;
    snap_release(s);
    int r = atomic_load(&w->err);
    if (r < 0)
        log_msg(LOG_WARNING, fmt == SNAP_RDB ? "Write error saving DB on disk: %s"
                                             : "Write error writing append only file on disk: %s",
                strerror(-r));
    writer_free(w);
    return r;
}

bool snapshot_begin(const char *path, const char **err) { return snapshot_begin_as(path, SNAP_RDB, err); }

SnapFormat snapshot_format(void) { return running_fmt; }

bool snapshot_begin_as(const char *path, SnapFormat fmt, const char **err) {
    if (snap || finished_writer) {
        *err = "ERR Background save already in progress";
        return false;
    }
    int e = 0;
    snap = snap_new(path, fmt, false, &e);
    if (!snap) {
        char tmp[64];
        temp_name(tmp, sizeof tmp, fmt, false);
        log_msg(LOG_WARNING, "Failed opening the temp file %s for saving: %s", tmp, strerror(-e));
        *err = "ERR Background save failed";
        return false;
    }
    return true;
}

bool snapshot_running(void) { return snap != NULL || finished_writer != NULL; }

int snapshot_step(int64_t budget_us) {
    Snap *s = snap;
    if (!s) return -1;
    int wait = walk(s, budget_us);
    if (wait >= 0) return wait;
    /* the walk is complete: hand the end to the writer */
    finish(s);
    finished_writer = s->w;
    snap = NULL;
    snap_release(s);
    return -1;
}

SnapState snapshot_poll(void) {
    if (snap) return SNAP_RUNNING;
    if (!finished_writer) return SNAP_IDLE;
    int f = atomic_load(&finished_writer->finished);
    if (f == 0) return SNAP_RUNNING;
    int err = atomic_load(&finished_writer->err);
    if (err < 0 && err != -ECANCELED)
        log_msg(LOG_WARNING, "Write error saving DB on disk: %s", strerror(-err));
    writer_free(finished_writer);
    finished_writer = NULL;
    return f > 0 ? SNAP_DONE_OK : SNAP_DONE_ERR;
}

void snapshot_abort(void) {
    if (snap) {
        Snap *s = snap;
        for (int i = s->scan_db; i < db_count_dbs(); i++) { /* nothing stays pending */
            uint64_t cur = i == s->scan_db ? s->cursor : 0;
            do cur = db_snapshot_scan(db_get(i), cur, visit_mark, NULL);
            while (cur != 0);
        }
        rdbbuf_reset(&s->out);
        submit(s, JOB_ABORT);
        finished_writer = s->w;
        snap = NULL;
        snap_release(s);
    }
    if (finished_writer) {
        thread_bg_drain();
        writer_free(finished_writer);
        finished_writer = NULL;
    }
}

uint64_t snapshot_keys_done(void) { return snap ? snap->keys_done : 0; }
uint64_t snapshot_keys_total(void) { return snap ? snap->keys_total : 0; }
const char *snapshot_temp_path(void) {
    if (snap) return snap->w->tmp;
    return finished_writer ? finished_writer->tmp : NULL;
}
