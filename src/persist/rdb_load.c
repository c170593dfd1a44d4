/* persist/rdb_load.c -- the whole-file loader: header, aux fields, database
 * sections, per-key metadata (expire, idle, freq), values (rdb_dec), EOF
 * and the CRC-64 of everything before it. The file is streamed through one
 * growable buffer; the CRC is folded in as bytes leave the buffer. All
 * reading goes through os/file (file_open_read, file_read, file_size). */
#include "rdb_load.h"

#include <errno.h>
#include <stdarg.h>
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
#include "crc64.h"
#include "rdb_dec.h"
#include "function_rdb.h"
#include "rdb_format.h"

#define CHUNK 65536

typedef struct {
    int fd;
    unsigned char *buf;
    size_t cap;
    const unsigned char *crc_mark; /* bytes from here to r->p are not in crc yet */
    uint64_t crc;
    bool crc_on;
    int read_errno;
} FileCtx;

/* Reads until n bytes or end of file; -errno on an error. */
static long read_full(int fd, void *buf, size_t n) {
    size_t got = 0;
    while (got < n) {
        long k = file_read(fd, (char *)buf + got, n - got);
        if (k < 0) return k;
        if (k == 0) break;
        got += (size_t)k;
    }
    return (long)got;
}

static void fold_crc(RdbReader *r) {
    FileCtx *f = r->ctx;
    if (f->crc_on && r->p > f->crc_mark) f->crc = crc64(f->crc, f->crc_mark, (size_t)(r->p - f->crc_mark));
    f->crc_mark = r->p;
}

static bool file_refill(RdbReader *r, size_t need) {
    FileCtx *f = r->ctx;
    fold_crc(r);
    size_t have = (size_t)(r->end - r->p);
    if (need > f->cap) {
        size_t cap = need > CHUNK ? need : CHUNK;
        unsigned char *nb = mem_alloc(cap);
        memcpy(nb, r->p, have);
        mem_free(f->buf);
        f->buf = nb;
        f->cap = cap;
    } else {
        memmove(f->buf, r->p, have);
    }
    long k = read_full(f->fd, f->buf + have, f->cap - have);
    if (k < 0) {
        f->read_errno = (int)-k;
        k = 0;
    }
    r->p = f->buf;
    r->end = f->buf + have + (size_t)k;
    f->crc_mark = f->buf;
    return have + (size_t)k >= need;
}

static int config_int(const char *name, int def) {
    const char *v = config_value(name);
    return v ? atoi(v) : def;
}

/* key-load-delay: microseconds per key; negative: sleep 1us once every
 * -n keys on average (Redis's debugDelay). */
static void key_delay(int usec) {
    if (usec < 0) usec = (rand() % -usec) == 0 ? 1 : 0;
    if (usec > 0) usleep((useconds_t)usec);
}

typedef struct {
    const char *path;
    RdbReader r;
    RdbLoadStats *st;
    char *err;
    size_t errlen;
    bool lfu;       /* maxmemory-policy is LFU: FREQ fields apply, else IDLE */
    bool keep_expired;
    bool merge;     /* DEBUG RELOAD MERGE: a key already there is replaced */
} Load;

static bool load_fail(Load *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool load_fail(Load *L, const char *fmt, ...) {
    if (!L->r.err[0]) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(L->r.err, sizeof(L->r.err), fmt, ap);
        va_end(ap);
    }
    return false;
}

static bool read_aux(Load *L) {
    char *k = NULL, *v = NULL;
    size_t kl, vl;
    if (!rdb_read_string(&L->r, &k, &kl)) return false;
    if (!rdb_read_string(&L->r, &v, &vl)) {
        mem_free(k);
        return false;
    }
    if (strcmp(k, "redis-ver") == 0) {
        snprintf(L->st->redis_ver, sizeof(L->st->redis_ver), "%s", v);
        log_msg(LOG_NOTICE, "Loading RDB produced by version %s", v);
    } else if (strcmp(k, "ctime") == 0) {
        L->st->ctime = strtoll(v, NULL, 10);
        int64_t age = clock_unix_ms() / 1000 - L->st->ctime;
        log_msg(LOG_NOTICE, "RDB age %lld seconds", (long long)(age < 0 ? 0 : age));
    } else if (strcmp(k, "used-mem") == 0) {
        L->st->used_mem = strtoull(v, NULL, 10);
        log_msg(LOG_NOTICE, "RDB memory usage when created %.2f Mb",
                (double)L->st->used_mem / (1024 * 1024));
    } else if (strcmp(k, "lua") == 0) {
        /* scripts of old files: not loaded (as Redis 7.0) */
    } else {
        log_msg(LOG_DEBUG, "Unrecognized RDB AUX field: '%s'", k);
    }
    mem_free(k);
    mem_free(v);
    return true;
}

static bool lfu_policy(void) {
    const char *v = config_value("maxmemory-policy");
    return v && strstr(v, "lfu") != NULL;
}

/* One key after its type byte: key name, value, then into db (or not). */
static bool load_key(Load *L, Db *db, int dbid, int type, int64_t expire, int64_t idle,
                     int freq, int64_t now) {
    char *key;
    size_t klen;
    if (!rdb_read_string(&L->r, &key, &klen)) return false;
    RdbValue v;
    if (!rdb_read_value(&L->r, type, &v)) {
        mem_free(key);
        return false;
    }
    if (v.type != TYPE_STRING && !v.obj) {
        log_msg(LOG_VERBOSE, "rdbLoadObject skipping empty key: %s", key);
        L->st->empty_skipped++;
    } else if (expire != -1 && expire < now && !L->keep_expired) {
        rdb_value_free(&v);
        L->st->keys_expired++;
    } else {
        /* A key already there is replaced, and the size does not grow: the
         * load stops, so what it replaced does not matter (one lookup per
         * key instead of two). */
        size_t before = db_size(db);
        rdb_value_install(db, key, klen, &v, expire == -1 ? DB_NO_TTL : (expire > 0 ? expire : 1));
        if (db_size(db) == before && !L->merge) {
            log_msg(LOG_WARNING, "RDB has duplicated key '%s' in DB %d", key, dbid);
            mem_free(key);
            return load_fail(L, "Duplicated key found in RDB file");
        }
        if (idle >= 0 || freq >= 0) {
            Entry *e = db_peek(db, key, klen);
            if (e && L->lfu) {
                if (freq >= 0) entry_set_lfu_freq(e, (uint8_t)freq);
            } else if (e && idle >= 0) {
                entry_set_idle_seconds(e, (uint64_t)idle);
            }
        }
        L->st->keys_loaded++;
    }
    mem_free(key);
    return true;
}

/* "REDIS" and four digits of version. */
static bool read_header(Load *L) {
    unsigned char hdr[9];
    if (!rdb_read_raw(&L->r, hdr, 9)) return false;
    if (memcmp(hdr, "REDIS", 5) != 0) return load_fail(L, "Wrong signature trying to load DB from file");
    int ver = 0;
    for (int i = 5; i < 9; i++) {
        if (hdr[i] < '0' || hdr[i] > '9') return load_fail(L, "Wrong signature trying to load DB from file");
        ver = ver * 10 + (hdr[i] - '0');
    }
    if (ver < RDB_VERSION_MIN || ver > RDB_VERSION) return load_fail(L, "Can't handle RDB format version %d", ver);
    L->r.version = L->st->version = ver;
    return true;
}

/* EOF seen: the CRC-64 of everything before the 8 stored bytes (files of
 * version 5 and later), unless rdbchecksum no or the check is skipped. */
static bool check_crc(Load *L) {
    RdbReader *r = &L->r;
    FileCtx *f = r->ctx;
    fold_crc(r);
    f->crc_on = false;
    if (r->version < 5) return true;
    uint64_t want;
    if (!rdb_read_u64le(r, &want)) return false;
    const char *ck = config_value("rdbchecksum");
    if ((ck && strcmp(ck, "no") == 0) || rdb_skip_checksum()) return true;
    if (want == 0) {
        log_msg(LOG_WARNING, "RDB file was saved with checksum disabled: no check performed.");
    } else if (want != f->crc) {
        log_msg(LOG_WARNING, "Wrong RDB checksum expected: (%016llx) got (%016llx). Aborting now.",
                (unsigned long long)want, (unsigned long long)f->crc);
        return load_fail(L, "RDB CRC error");
    }
    return true;
}

static bool load_body(Load *L, const RdbLoadOpts *opts, uint64_t size) {
    RdbReader *r = &L->r;
    if (!read_header(L)) return false;

    int dbid = 0, ndb = db_count_dbs(), delay = config_int("key-load-delay", 0);
    uint64_t interval = (uint64_t)config_int("loading-process-events-interval-bytes", 2097152);
    uint64_t last_progress = 0;
    Db *db = db_get(0);
    int64_t expire = -1, idle = -1, now = clock_unix_ms();
    int freq = -1;
    for (;;) {
        uint8_t type;
        uint64_t a, b;
        if (!rdb_read_byte(r, &type)) return false;
        switch (type) {
        case RDB_OPCODE_EXPIRETIME: {
            uint32_t s;
            if (!rdb_read_u32le(r, &s)) return false;
            expire = (int64_t)(int32_t)s * 1000;
            continue;
        }
        case RDB_OPCODE_EXPIRETIME_MS:
            if (!rdb_read_u64le(r, &a)) return false;
            expire = (int64_t)a;
            continue;
        case RDB_OPCODE_FREQ: {
            uint8_t fr;
            if (!rdb_read_byte(r, &fr)) return false;
            freq = fr;
            continue;
        }
        case RDB_OPCODE_IDLE:
            if (!rdb_read_len(r, &a, NULL)) return false;
            idle = a > INT64_MAX ? INT64_MAX : (int64_t)a;
            continue;
        case RDB_OPCODE_SELECTDB:
            if (!rdb_read_len(r, &a, NULL)) return false;
            if (a >= (uint64_t)ndb)
                return load_fail(L, "FATAL: Data file was created with a Redis server configured "
                                    "to handle more than %d databases. Exiting", ndb);
            dbid = (int)a;
            db = db_get(dbid);
            continue;
        case RDB_OPCODE_RESIZEDB:
            if (!rdb_read_len(r, &a, NULL) || !rdb_read_len(r, &b, NULL)) return false;
            /* a hint only: a key takes 3 bytes at least, so a lying count
             * cannot size the table past what the file could hold */
            db_reserve(db, (size_t)(a < size / 3 ? a : size / 3));
            continue;
        case RDB_OPCODE_AUX:
            if (!read_aux(L)) return false;
            continue;
        case RDB_OPCODE_MODULE_AUX:
            return load_fail(L, "The RDB file contains AUX module data (modules are not supported by kilat)");
        case RDB_OPCODE_FUNCTION2:
        case RDB_OPCODE_FUNCTION_PRE_GA: {
            char ferr[512];
            if (!function_rdb_read(r, type, opts && opts->merge, ferr, sizeof ferr)) {
                log_msg(LOG_WARNING, "Failed loading library, %s", ferr);
                return load_fail(L, "Failed loading library, %.120s", ferr);
            }
            continue;
        }
        case RDB_OPCODE_EOF: goto eof;
        default: break;
        }
        if (!load_key(L, db, dbid, type, expire, idle, freq, now)) return false;
        expire = idle = -1;
        freq = -1;
        if (delay) key_delay(delay);
        if (opts && opts->progress && rdb_reader_offset(r) - last_progress >= interval) {
            last_progress = rdb_reader_offset(r);
            opts->progress(opts->ctx, last_progress, size);
        }
    }
eof:
    if (!check_crc(L)) return false;
    if (opts && opts->progress) opts->progress(opts->ctx, rdb_reader_offset(r), size);
    return true;
}

/* The load itself, from fd's current position to the RDB's EOF opcode and
 * checksum (anything after is the caller's: an AOF's commands). name is
 * the file as messages show it. */
static bool load_fd(int fd, const char *name, const RdbLoadOpts *opts, RdbLoadStats *st,
                    char *err, size_t errlen) {
    Load L = {.path = name, .st = st, .err = err, .errlen = errlen,
              .lfu = lfu_policy(), /* once: a config lookup per key cost a third of a load */
              .keep_expired = opts && opts->keep_expired, .merge = opts && opts->merge};
    int64_t fsz = file_size(fd);
    uint64_t size = fsz > 0 ? (uint64_t)fsz : 0;
    FileCtx f = {.fd = fd, .crc_on = true};
    f.cap = CHUNK;
    f.buf = mem_alloc(f.cap);
    memset(&L.r, 0, sizeof(L.r));
    L.r.p = L.r.end = f.buf;
    f.crc_mark = f.buf;
    L.r.refill = file_refill;
    L.r.ctx = &f;
    L.r.deep_sanitize = true;
    { /* Redis checks a loaded file deeply only under "yes" */
        const char *v = config_value("sanitize-dump-payload");
        L.r.counts_sanitizations = v && strcmp(v, "yes") == 0;
    }

    bool ok = load_body(&L, opts, size);
    L.st->bytes = rdb_reader_offset(&L.r);
    if (!ok) {
        if (f.read_errno) snprintf(L.r.err, sizeof(L.r.err), "Read error: %s", strerror(f.read_errno));
        if (!L.r.err[0]) snprintf(L.r.err, sizeof(L.r.err), "Unknown error");
        unsigned long long off = (unsigned long long)rdb_reader_offset(&L.r);
        if (strncmp(L.r.err, "Short read", 10) == 0)
            log_msg(LOG_WARNING, "Short read or OOM loading DB. Unrecoverable error, aborting now.");
        log_msg(LOG_WARNING, "Internal error in RDB reading offset %llu, file %s -> %s", off, name, L.r.err);
        log_msg(LOG_WARNING, "[offset %llu] %s", off, L.r.err);
        snprintf(err, errlen, "%s: offset %llu: %s", name, off, L.r.err);
    } else if (L.st->empty_skipped) {
        log_msg(LOG_NOTICE, "Done loading RDB, keys loaded: %llu, keys expired: %llu, empty keys skipped: %llu.",
                (unsigned long long)L.st->keys_loaded, (unsigned long long)L.st->keys_expired,
                (unsigned long long)L.st->empty_skipped);
    } else {
        log_msg(LOG_NOTICE, "Done loading RDB, keys loaded: %llu, keys expired: %llu.",
                (unsigned long long)L.st->keys_loaded, (unsigned long long)L.st->keys_expired);
    }
    mem_free(f.buf);
    return ok;
}

static void stats_init(RdbLoadStats *st, char *err, size_t errlen) {
    memset(st, 0, sizeof(*st));
    st->ctime = -1;
    if (errlen) err[0] = '\0';
}

bool rdb_load_file(const char *path, const RdbLoadOpts *opts, RdbLoadStats *stats, char *err,
                   size_t errlen) {
    RdbLoadStats local;
    RdbLoadStats *st = stats ? stats : &local;
    stats_init(st, err, errlen);
    int fd = file_open_read(path);
    if (fd < 0) {
        st->missing = fd == -ENOENT;
        snprintf(err, errlen, "%s: %s", path, strerror(-fd));
        return false;
    }
    bool ok = load_fd(fd, path, opts, st, err, errlen);
    file_close(fd);
    return ok;
}

bool rdb_load_fd(int fd, const char *name, const RdbLoadOpts *opts, RdbLoadStats *stats,
                 char *err, size_t errlen) {
    RdbLoadStats local;
    RdbLoadStats *st = stats ? stats : &local;
    stats_init(st, err, errlen);
    return load_fd(fd, name, opts, st, err, errlen);
}
