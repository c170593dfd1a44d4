/* persist/aof_load.c -- replaying one append-only file (see aof_load.h).
 * The file is streamed through one buffer. A command's arguments go into
 * an arena reused from command to command (an argument of BIG_ARG bytes
 * or more gets its own allocation, filled straight from the file), then
 * run through a fake client whose replies are off. While a file loads,
 * propagation is suspended (what runs is on disk already), expiry is
 * frozen (the file's later commands saw those keys live) and the dirty
 * counter is put back at the end (a load is no change to save). */
#include "aof_load.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../core/client.h"
#include "../core/command.h"
#include "../core/config.h"
#include "../core/db.h"
#include "../core/log.h"
#include "../core/multi.h"
#include "../core/propagate.h"
#include "../ds/mem.h"
#include "../os/clock.h"
#include "../os/file.h"
#include "rdb_load.h"

#define CHUNK 65536
#define BIG_ARG (1u << 20)
#define HDR_MAX 32      /* "*<n>" and "$<n>" lines: longer is no number */
#define CMDS_PER_EVENTS 1024
/* the fake client: never blocks, no replies */
#define LOADER_FLAGS (CLIENT_NO_BLOCK | CLIENT_AUTHENTICATED | CLIENT_REPLY_OFF)

/* How reading a piece of the file went. */
typedef enum {
    RD_OK,
    RD_END,   /* clean end of file, between commands */
    RD_SHORT, /* the file ends inside a command */
    RD_BAD,   /* not the AOF format */
    RD_ERR,   /* read error (errno in Reader.err) */
} Rd;

typedef struct {
    int fd;
    char *buf;
    size_t pos, len; /* unread bytes: buf[pos..len) */
    uint64_t off;    /* file offset of buf[pos] */
    uint64_t size;   /* the file's size when opened */
    int err;
} Reader;

/* One command's arguments. Small ones live in the arena at offsets (the
 * arena may move while a command is read); big ones in own[j]. */
typedef struct {
    int argc, cap;
    size_t *off, *argl;
    char **own;
    const char **argv;
    char *arena;
    size_t alen, acap;
} Args;

typedef struct {
    const char *path, *name;
    const AofLoadOpts *opts;
    Reader r;
    Args a;
    Client *c;
    char detail[160];  /* what was wrong, for the log line before Redis's */
    uint64_t at;       /* ... and where it starts */
    uint64_t cmd_at;   /* where the last command read starts */
} Load;

/* ------------------------------------------------------------ reading */

/* Makes at least one unread byte available; false at end or on error. */
static bool fill(Reader *r) {
    if (r->pos < r->len) return true;
    long k = file_read(r->fd, r->buf, CHUNK);
    if (k < 0) {
        r->err = (int)-k;
        return false;
    }
    r->pos = 0;
    r->len = (size_t)k;
    return k > 0;
}

static void take(Reader *r, size_t n) {
    r->pos += n;
    r->off += n;
}

/* Skips an annotation line ("#TS:..."), newline included. A file may end
 * inside one: that is a clean end, as in Redis. */
static Rd skip_line(Reader *r) {
    for (;;) {
        if (!fill(r)) return r->err ? RD_ERR : RD_END;
        char *nl = memchr(r->buf + r->pos, '\n', r->len - r->pos);
        if (nl) {
            take(r, (size_t)(nl - (r->buf + r->pos)) + 1);
            return RD_OK;
        }
        take(r, r->len - r->pos);
    }
}

/* A "<kind><digits>\r\n" line (a bare "\n" ends it too) into *out.
 * RD_END only when the file ends before its first byte. */
static Rd read_number_line(Load *L, char kind, uint64_t *out) {
    Reader *r = &L->r;
    char line[HDR_MAX + 2];
    size_t n = 0;
    L->at = r->off;
    for (;;) {
        if (!fill(r)) return r->err ? RD_ERR : n ? RD_SHORT : RD_END;
        char ch = r->buf[r->pos];
        take(r, 1);
        if (ch == '\n') break;
        if (n == sizeof(line) - 1) {
            snprintf(L->detail, sizeof(L->detail), "a line longer than %d bytes where '%c' was expected",
                     HDR_MAX, kind);
            return RD_BAD;
        }
        line[n++] = ch;
    }
    if (n && line[n - 1] == '\r') n--;
    line[n] = '\0';
    uint64_t v = 0;
    bool ok = n >= 2 && line[0] == kind;
    for (size_t i = 1; ok && i < n; i++) {
        if (line[i] < '0' || line[i] > '9' || v > (UINT64_MAX - 9) / 10) ok = false;
        else v = v * 10 + (uint64_t)(line[i] - '0');
    }
    if (!ok) {
        snprintf(L->detail, sizeof(L->detail), "expected '%c<count>', got '%.40s'", kind, line);
        return RD_BAD;
    }
    *out = v;
    return RD_OK;
}

/* n bytes into dst: what the buffer holds, then big runs straight from
 * the file. */
static Rd read_bytes(Reader *r, char *dst, size_t n) {
    while (n > 0) {
        if (r->pos == r->len && n >= CHUNK) {
            long k = file_read(r->fd, dst, n);
            if (k < 0) {
                r->err = (int)-k;
                return RD_ERR;
            }
            if (k == 0) return RD_SHORT;
            dst += k;
            n -= (size_t)k;
            r->off += (uint64_t)k;
            continue;
        }
        if (!fill(r)) return r->err ? RD_ERR : RD_SHORT;
        size_t k = r->len - r->pos < n ? r->len - r->pos : n;
        memcpy(dst, r->buf + r->pos, k);
        take(r, k);
        dst += k;
        n -= k;
    }
    return RD_OK;
}

/* ---------------------------------------------------------- arguments */

static void args_clear(Args *a) {
    for (int j = 0; j < a->argc; j++) mem_free(a->own[j]);
    a->argc = 0;
    a->alen = 0;
}

static void args_free(Args *a) {
    args_clear(a);
    mem_free(a->off);
    mem_free(a->argl);
    mem_free(a->own);
    mem_free(a->argv);
    mem_free(a->arena);
}

/* Room for one more argument (arrays grow as arguments arrive, so a lying
 * count costs nothing until the file backs it). */
static void args_grow(Args *a) {
    if (a->argc < a->cap) return;
    int cap = a->cap ? a->cap * 2 : 16;
    a->off = mem_realloc(a->off, sizeof(*a->off) * (size_t)cap);
    a->argl = mem_realloc(a->argl, sizeof(*a->argl) * (size_t)cap);
    a->own = mem_realloc(a->own, sizeof(*a->own) * (size_t)cap);
    a->argv = mem_realloc(a->argv, sizeof(*a->argv) * (size_t)cap);
    a->cap = cap;
}

/* Where the next argument of len bytes goes (NUL-terminated for
 * handlers that like C strings). */
static char *arg_slot(Args *a, size_t len) {
    int j = a->argc;
    a->argl[j] = len;
    if (len >= BIG_ARG) {
        a->own[j] = mem_alloc(len + 1);
        a->own[j][len] = '\0';
        return a->own[j];
    }
    a->own[j] = NULL;
    if (a->acap - a->alen < len + 1) {
        size_t cap = a->acap ? a->acap : 4096;
        while (cap - a->alen < len + 1) cap *= 2;
        a->arena = mem_realloc(a->arena, cap);
        a->acap = cap;
    }
    a->off[j] = a->alen;
    a->alen += len + 1;
    a->arena[a->alen - 1] = '\0';
    return a->arena + a->off[j];
}

/* Reads one command into L->a (argv ready on RD_OK). */
static Rd read_command(Load *L) {
    Reader *r = &L->r;
    Args *a = &L->a;
    uint64_t argc;
    Rd rd = read_number_line(L, '*', &argc);
    if (rd != RD_OK) return rd;
    if (argc < 1 || argc > INT32_MAX) {
        snprintf(L->detail, sizeof(L->detail), "bad argument count %llu", (unsigned long long)argc);
        return RD_BAD;
    }
    for (uint64_t j = 0; j < argc; j++) {
        uint64_t len;
        rd = read_number_line(L, '$', &len);
        if (rd == RD_END) return RD_SHORT;
        if (rd != RD_OK) return rd;
        /* a length past the end of the file: a cut tail, or a lie; either
         * way nothing is allocated for it */
        if (r->off > r->size || len > r->size - r->off || r->size - r->off - len < 2) return RD_SHORT;
        args_grow(a);
        char *dst = arg_slot(a, (size_t)len);
        a->argc++;
        rd = read_bytes(r, dst, (size_t)len);
        if (rd != RD_OK) return rd;
        char crlf[2];
        L->at = r->off;
        rd = read_bytes(r, crlf, 2);
        if (rd != RD_OK) return rd;
        if (crlf[0] != '\r' || crlf[1] != '\n') {
            snprintf(L->detail, sizeof(L->detail), "argument %llu not followed by CRLF",
                     (unsigned long long)j + 1);
            return RD_BAD;
        }
    }
    for (int j = 0; j < a->argc; j++) a->argv[j] = a->own[j] ? a->own[j] : a->arena + a->off[j];
    return RD_OK;
}

/* The next command, skipping annotations. */
static Rd next_command(Load *L) {
    for (;;) {
        Reader *r = &L->r;
        if (!fill(r)) return r->err ? RD_ERR : RD_END;
        char ch = r->buf[r->pos];
        if (ch == '#') {
            Rd rd = skip_line(r);
            if (rd != RD_OK) return rd;
            continue;
        }
        L->at = L->cmd_at = r->off;
        if (ch != '*') {
            snprintf(L->detail, sizeof(L->detail), "expected '*' or '#', got byte 0x%02x",
                     (unsigned char)ch);
            return RD_BAD;
        }
        return read_command(L);
    }
}

/* ----------------------------------------------------------- running */

static bool is_named(const Command *cmd, const char *name) {
    return !cmd->parent && strcmp(cmd->name, name) == 0;
}

/* The command argv names, subcommand resolved (Redis's lookupCommand):
 * NULL if unknown. A container alone is itself (its arity fails then). */
static Command *lookup(int argc, const char **argv, const size_t *argl) {
    Command *cmd = command_lookup(argv[0], argl[0]);
    if (!cmd || !cmd->subs || argc == 1) return cmd;
    for (Command *sub = cmd->subs; sub->name; sub++)
        if (strlen(sub->name) == argl[1] && strncasecmp(sub->name, argv[1], argl[1]) == 0) return sub;
    return NULL;
}

static bool arity_ok(const Command *cmd, int argc) {
    return cmd->arity > 0 ? argc == cmd->arity : argc >= -cmd->arity;
}

/* key-load-delay: microseconds per command; negative: 1us once every -n
 * commands on average (Redis's debugDelay). */
static void load_delay(int usec) {
    if (usec < 0) usec = (rand() % -usec) == 0 ? 1 : 0;
    if (usec > 0) usleep((useconds_t)usec);
}

/* Runs the command read (Redis's loader calls the handler itself: no
 * stats, slow log or MONITOR line for a loaded command; the commands EXEC
 * and scripts run go through command_call, as Redis's call()). In MULTI
 * everything but EXEC is queued. */
static void run_command(Client *c, Command *cmd) {
    /* what RESET or HELLO in a file may have turned off */
    c->flags |= LOADER_FLAGS;
    c->cmd = c->last_cmd = cmd;
    if ((c->flags & CLIENT_MULTI) && !is_named(cmd, "exec") && multi_queue(c, cmd)) return;
    if (UNLIKELY(db_snapshot_on)) {
        command_call(c, cmd); /* saves the keys a running snapshot has not */
    } else {
        /* in a command, as command_call would be: the calls of EXEC and of
         * scripts keep this one's clock */
        db_set_now(clock_unix_ms());
        command_depth++;
        cmd->fn(c);
        command_depth--;
    }
    c->cmd = NULL;
}

/* ------------------------------------------------------------- errors */

static AofStatus fail_format(Load *L) {
    log_msg(LOG_WARNING, "AOF %s: %s at offset %llu", L->name, L->detail[0] ? L->detail : "bad format",
            (unsigned long long)L->at);
    log_msg(LOG_WARNING, "Bad file format reading the append only file %s: make a backup of your AOF "
                         "file, then use ./redis-check-aof --fix <filename.manifest>", L->name);
    return AOF_FAILED;
}

static AofStatus fail_read(Load *L) {
    log_msg(LOG_WARNING, "Unrecoverable error reading the append only file %s: %s", L->name,
            strerror(L->r.err ? L->r.err : EIO));
    return AOF_FAILED;
}

static bool truncation_allowed(void) {
    return config_yes("aof-load-truncated");
}

/* The file ends inside a command (or a MULTI without EXEC): cut it back
 * to the last whole command when allowed, as Redis does. */
static AofStatus cut_tail(Load *L, uint64_t valid_up_to, uint64_t *bytes) {
    if (truncation_allowed() && !L->opts->last_file) {
        log_msg(LOG_WARNING, "AOF %s ends inside a command at offset %llu but is not the last "
                             "file of the manifest: not truncated", L->name, (unsigned long long)valid_up_to);
    } else if (truncation_allowed()) {
        log_msg(LOG_WARNING, "!!! Warning: short read while loading the AOF file %s!!!", L->name);
        log_msg(LOG_WARNING, "!!! Truncating the AOF %s at offset %llu !!!", L->name,
                (unsigned long long)valid_up_to);
        int rc = file_truncate(L->path, valid_up_to);
        if (rc < 0) {
            log_msg(LOG_WARNING, "Error truncating the AOF file %s: %s", L->name, strerror(-rc));
        } else {
            uint64_t cut = L->r.size > valid_up_to ? L->r.size - valid_up_to : 0;
            log_msg(LOG_WARNING, "AOF %s: %llu bytes of an incomplete command dropped", L->name,
                    (unsigned long long)cut);
            log_msg(LOG_WARNING, "AOF %s loaded anyway because aof-load-truncated is enabled", L->name);
            *bytes = valid_up_to;
            return AOF_TRUNCATED;
        }
    }
    log_msg(LOG_WARNING, "Unexpected end of file reading the append only file %s. You can: "
                         "1) Make a backup of your AOF file, then use ./redis-check-aof --fix "
                         "<filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' "
                         "configuration option to yes and restart the server.", L->name);
    return AOF_FAILED;
}

/* ------------------------------------------------------------ the file */

static int config_int(const char *name, int def) {
    const char *v = config_value(name);
    return v ? atoi(v) : def;
}

/* An RDB at the start (a base file, or an old file's preamble): loaded,
 * then *end is where the commands (if any) begin. */
static bool load_rdb_part(Load *L, uint64_t *end) {
    const char *aofname = config_value("appendfilename");
    bool old_style = aofname && strcmp(L->name, aofname) == 0;
    log_msg(LOG_NOTICE, old_style ? "Reading RDB preamble from AOF file..."
                                  : "Reading RDB base file on AOF loading...");
    RdbLoadOpts ro = {.progress = L->opts->progress, .ctx = L->opts->ctx, .keep_expired = true};
    RdbLoadStats st;
    char err[256];
    if (file_seek(L->r.fd, 0) < 0 || !rdb_load_fd(L->r.fd, L->name, &ro, &st, err, sizeof err)) {
        if (old_style)
            log_msg(LOG_WARNING, "Error reading the RDB preamble of the AOF file %s, AOF loading aborted", L->name);
        else
            log_msg(LOG_WARNING, "Error reading the RDB base file %s, AOF loading aborted", L->name);
        return false;
    }
    int rc = file_seek(L->r.fd, st.bytes);
    if (rc < 0) {
        L->r.err = -rc;
        fail_read(L);
        return false;
    }
    *end = st.bytes;
    if (old_style) log_msg(LOG_NOTICE, "Reading the remaining AOF tail...");
    return true;
}

/* Commands from L->r.off to the end. */
static AofStatus replay(Load *L, uint64_t *bytes) {
    Client *c = L->c;
    uint64_t valid_up_to = L->r.off, before_multi = valid_up_to;
    uint64_t interval = (uint64_t)config_int("loading-process-events-interval-bytes", 2097152);
    uint64_t last_progress = L->r.off;
    int delay = config_int("key-load-delay", 0);
    for (uint64_t loops = 1;; loops++) {
        Rd rd = next_command(L);
        if (rd == RD_END) break;
        if (rd != RD_OK) {
            args_clear(&L->a);
            *bytes = L->r.off;
            if (rd == RD_BAD) return fail_format(L);
            if (rd == RD_ERR) return fail_read(L);
            return cut_tail(L, valid_up_to, bytes);
        }
        Args *a = &L->a;
        Command *cmd = lookup(a->argc, a->argv, a->argl);
        if (!cmd) {
            log_msg(LOG_WARNING, "Unknown command '%.*s' reading the append only file %s",
                    (int)(a->argl[0] < 128 ? a->argl[0] : 128), a->argv[0], L->name);
            args_clear(a);
            *bytes = L->r.off;
            return AOF_FAILED;
        }
        if (!cmd->fn || !arity_ok(cmd, a->argc)) {
            snprintf(L->detail, sizeof(L->detail), "wrong number of arguments (%d) for '%s'", a->argc,
                     cmd->fullname);
            L->at = L->cmd_at;
            args_clear(a);
            *bytes = L->r.off;
            return fail_format(L);
        }
        if (is_named(cmd, "multi")) before_multi = valid_up_to;
        c->argc = a->argc;
        c->argv = a->argv;
        c->argl = a->argl;
        run_command(c, cmd);
        c->argc = 0;
        c->argv = NULL;
        c->argl = NULL;
        c->olen = c->osent = 0;
        args_clear(a);
        valid_up_to = L->r.off;
        if (delay) load_delay(delay);
        if (L->opts->progress &&
            (L->r.off - last_progress >= interval || loops % CMDS_PER_EVENTS == 0)) {
            last_progress = L->r.off;
            L->opts->progress(L->opts->ctx, L->r.off, L->r.size);
        }
    }
    *bytes = L->r.off;
    if (c->flags & CLIENT_MULTI) {
        /* a MULTI whose EXEC never made it to the file: as a cut tail */
        log_msg(LOG_WARNING, "Revert incomplete MULTI/EXEC transaction in AOF file %s", L->name);
        multi_discard(c);
        return cut_tail(L, before_multi, bytes);
    }
    if (L->opts->progress) L->opts->progress(L->opts->ctx, L->r.off, L->r.size);
    return AOF_OK;
}

static AofStatus load_open(Load *L, uint64_t *bytes) {
    char sig[5];
    long k = 0;
    while (k < 5) {
        long n = file_read(L->r.fd, sig + k, (size_t)(5 - k));
        if (n < 0) {
            L->r.err = (int)-n;
            return fail_read(L);
        }
        if (n == 0) break;
        k += n;
    }
    if (k == 5 && memcmp(sig, "REDIS", 5) == 0) {
        uint64_t end;
        if (!load_rdb_part(L, &end)) return AOF_FAILED;
        L->r.off = end;
    } else if (file_seek(L->r.fd, 0) < 0) {
        L->r.err = errno;
        return fail_read(L);
    }
    return replay(L, bytes);
}

AofStatus aof_load_file(const char *path, const char *name, const AofLoadOpts *opts,
                        uint64_t *bytes) {
    uint64_t local;
    if (!bytes) bytes = &local;
    *bytes = 0;
    AofLoadOpts none = {0};
    if (!opts) opts = &none;
    int fd = file_open_read(path);
    if (fd < 0) {
        if (fd == -ENOENT) {
            log_msg(LOG_WARNING, "The append log file %s doesn't exist: %s", name, strerror(-fd));
            return AOF_NOT_EXIST;
        }
        log_msg(LOG_WARNING, "Fatal error: can't open the append log file %s for reading: %s", name,
                strerror(-fd));
        return AOF_OPEN_ERR;
    }
    int64_t size = file_size(fd);
    if (size <= 0) {
        file_close(fd);
        if (size == 0) return AOF_EMPTY;
        log_msg(LOG_WARNING, "Fatal error: can't open the append log file %s for reading: %s", name,
                strerror((int)-size));
        return AOF_OPEN_ERR;
    }

    Load L = {.path = path, .name = name, .opts = opts};
    L.r.fd = fd;
    L.r.size = (uint64_t)size;
    L.r.buf = mem_alloc(CHUNK);
    L.c = client_create(-1, false);
    L.c->flags |= LOADER_FLAGS;
    L.c->user = NULL; /* internal: no ACL checks */
    uint64_t dirty = db_dirty();
    propagate_suspend();
    db_freeze_expiry(true);

    AofStatus st = load_open(&L, bytes);

    db_freeze_expiry(false);
    propagate_resume();
    db_restore_dirty(dirty);
    client_free(L.c);
    args_free(&L.a);
    mem_free(L.r.buf);
    file_close(fd);
    return st;
}
