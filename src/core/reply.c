/* core/reply.c -- RESP encoding straight into the client's output buffer.
 * Nothing is written for a client whose replies are switched off (CLIENT
 * REPLY OFF/SKIP) or that is being closed. */
#include "reply.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../ds/mem.h"
#include "../ds/num.h"
#include "command.h"
#include "client_evict.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "stats.h"

static inline bool muted(const Client *c) {
    return c->flags & (CLIENT_REPLY_OFF | CLIENT_REPLY_SKIP | CLIENT_CLOSE_ASAP);
}

/* The output-buffer limits: see reply_obuf_rearm in reply.h. */

/* Has c's output, grown to `unsent` bytes, passed its class's limits?
 * Starts or resets the soft-limit clock as a side effect. */
static bool over_limit(Client *c, size_t unsent) {
    const ObufLimit *l = &cfg.obuf_limits[client_obuf_class(c)];
    unsent = unsent > OBUF_UNCOUNTED ? unsent - OBUF_UNCOUNTED : 0;
    unsent = (unsent + OBUF_BLOCK - 1) / OBUF_BLOCK * OBUF_BLOCK; /* as Redis counts */
    if (l->hard && unsent >= l->hard) return true;
    if (!(c->flags & CLIENT_AUTHENTICATED) && unsent > OBUF_NOAUTH_LIMIT) return true;
    if (!l->soft || unsent < l->soft) {
        c->obuf_soft_since_ms = 0;
        return false;
    }
    int64_t now = db_now();
    if (c->obuf_soft_since_ms == 0) {
        c->obuf_soft_since_ms = now; /* first seen over: the clock starts */
        return false;
    }
    return now - c->obuf_soft_since_ms > l->soft_seconds * 1000;
}

/* Logs, drops the unsent output (nobody will read it) and closes c. The
 * wording is Redis's: a reply schedules the close, the cron closes. */
static void close_over_limit(Client *c, bool from_cron) {
    char info[1024];
    client_info_line(c, info, sizeof(info));
    log_msg(LOG_WARNING, "Client %s %s for overcoming of output buffer limits.", info,
            from_cron ? "closed" : "scheduled to be closed ASAP");
    client_close_async(c);
    mem_free(c->obuf);
    c->obuf = NULL;
    c->olen = c->osent = c->ocap = c->ostop = 0;
}

void reply_obuf_cron_check(Client *c) {
    if (c->flags & (CLIENT_FAKE | CLIENT_CLOSE_ASAP)) return;
    if (c->olen == c->osent && !c->obuf_soft_since_ms) return;
    if (over_limit(c, c->olen - c->osent)) close_over_limit(c, true);
    else reply_obuf_rearm(c);
}

/* reserve's slow path: a limit check on `need` bytes, then compaction or
 * growth to make `room` (>= need) bytes. NULL: c passed its limit and is
 * being closed; write nothing. */
static char *reserve_slow(Client *c, size_t need, size_t room) {
    if (c->flags & CLIENT_CLOSE_ASAP) return NULL; /* closed mid-reply */
    if (!(c->flags & CLIENT_FAKE) && over_limit(c, c->olen - c->osent + need)) {
        close_over_limit(c, false);
        return NULL;
    }
    if (c->ocap - c->olen < room) {
        if (c->osent > 0) { /* slide the unsent bytes down first */
            memmove(c->obuf, c->obuf + c->osent, c->olen - c->osent);
            c->olen -= c->osent;
            c->osent = 0;
        }
        if (c->ocap - c->olen < room) {
            size_t cap = c->ocap ? c->ocap : 16384;
            while (cap - c->olen < room) cap *= 2;
            c->obuf = mem_realloc(c->obuf, cap);
            c->ocap = cap;
            /* another client's output (pub/sub, MONITOR) counts at once, as
             * in Redis; the running client's counts after its command */
            if (!(c->flags & CLIENT_EXECUTING)) client_evict_update(c);
        }
    }
    reply_obuf_rearm(c);
    if (!(c->flags & CLIENT_PENDING_WRITE)) client_queue_write(c);
    return c->obuf + c->olen;
}

/* Room for n more bytes at obuf+olen; NULL if c was just closed for
 * passing its output-buffer limit (the caller writes nothing). */
static inline char *reserve(Client *c, size_t n) {
    if (UNLIKELY(c->olen + n > c->ostop)) return reserve_slow(c, n, n);
    if (!(c->flags & CLIENT_PENDING_WRITE)) client_queue_write(c);
    return c->obuf + c->olen;
}

/* Bytes of "<prefix><n>\r\n". */
static size_t header_len(int64_t n) {
    char digits[24];
    return num_format_int64(digits, n) + 3;
}

/* As reserve, for a "<prefix><n>\r\n" header and `body` bytes after it:
 * room for the widest header, but the limits see the exact size. */
static inline char *reserve_header(Client *c, int64_t n, size_t body) {
    if (UNLIKELY(c->olen + body + 24 > c->ostop))
        return reserve_slow(c, header_len(n) + body, body + 24);
    if (!(c->flags & CLIENT_PENDING_WRITE)) client_queue_write(c);
    return c->obuf + c->olen;
}

static inline void put(Client *c, const char *s, size_t len) {
    char *p = reserve(c, len);
    if (!p) return;
    memcpy(p, s, len);
    c->olen += len;
}

/* Writes "<prefix><n>\r\n". */
static inline void put_len(Client *c, char prefix, int64_t n) {
    char *p = reserve_header(c, n, 0);
    if (!p) return;
    p[0] = prefix;
    size_t l = num_format_int64(p + 1, n);
    p[1 + l] = '\r';
    p[2 + l] = '\n';
    c->olen += l + 3;
}

void reply_raw(Client *c, const char *s, size_t len) {
    if (muted(c)) return;
    put(c, s, len);
}

void reply_status(Client *c, const char *s) {
    if (muted(c)) return;
    size_t len = strlen(s);
    char *p = reserve(c, len + 3);
    if (!p) return;
    p[0] = '+';
    memcpy(p + 1, s, len);
    p[len + 1] = '\r';
    p[len + 2] = '\n';
    c->olen += len + 3;
}

void reply_ok(Client *c) { reply_raw(c, "+OK\r\n", 5); }

void reply_help(Client *c, const char *const *lines, size_t n) {
    reply_array(c, (int64_t)n);
    for (size_t i = 0; i < n; i++) reply_status(c, lines[i]);
}

static void write_error(Client *c, const char *msg);

void reply_error(Client *c, const char *msg) {
    stats_count_error(msg);
    command_note_failure(c);
    write_error(c, msg);
}

void reply_error_counted(Client *c, const char *msg) {
    command_note_failure(c);
    write_error(c, msg);
}

static void write_error(Client *c, const char *msg) {
    if (muted(c)) return;
    /* Newlines would break the protocol: Redis replaces them with spaces. */
    size_t len = strlen(msg);
    char *p = reserve(c, len + 3);
    if (!p) return;
    p[0] = '-';
    for (size_t i = 0; i < len; i++) p[i + 1] = (msg[i] == '\r' || msg[i] == '\n') ? ' ' : msg[i];
    p[len + 1] = '\r';
    p[len + 2] = '\n';
    c->olen += len + 3;
}

void reply_errorf(Client *c, const char *fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    reply_error(c, buf);
}

void reply_int(Client *c, int64_t v) {
    if (muted(c)) return;
    if (v == 0) put(c, ":0\r\n", 4);
    else if (v == 1) put(c, ":1\r\n", 4);
    else put_len(c, ':', v);
}

void reply_bulk(Client *c, const char *s, size_t len) {
    if (muted(c)) return;
    char *p = reserve_header(c, (int64_t)len, len + 2);
    if (!p) return;
    p[0] = '$';
    size_t l = num_format_int64(p + 1, (int64_t)len);
    p[1 + l] = '\r';
    p[2 + l] = '\n';
    memcpy(p + 3 + l, s, len);
    p[3 + l + len] = '\r';
    p[4 + l + len] = '\n';
    c->olen += l + len + 5;
}

void reply_cstr(Client *c, const char *s) { reply_bulk(c, s, strlen(s)); }

void reply_bulk_int(Client *c, int64_t v) {
    char buf[24];
    size_t n = num_format_int64(buf, v);
    reply_bulk(c, buf, n);
}

void reply_null(Client *c) {
    if (c->resp == 3) reply_raw(c, "_\r\n", 3);
    else reply_raw(c, "$-1\r\n", 5);
}

void reply_null_array(Client *c) {
    if (c->resp == 3) reply_raw(c, "_\r\n", 3);
    else reply_raw(c, "*-1\r\n", 5);
}

void reply_array(Client *c, int64_t n) {
    if (muted(c)) return;
    put_len(c, '*', n);
}

void reply_push(Client *c, int64_t n) {
    if (muted(c)) return;
    put_len(c, c->resp == 3 ? '>' : '*', n);
}

void reply_map(Client *c, int64_t pairs) {
    if (muted(c)) return;
    if (c->resp == 3) put_len(c, '%', pairs);
    else put_len(c, '*', pairs * 2);
}

void reply_set(Client *c, int64_t n) {
    if (muted(c)) return;
    put_len(c, c->resp == 3 ? '~' : '*', n);
}

void reply_double(Client *c, double d) {
    if (muted(c)) return;
    char buf[NUM_DBL_BUF];
    size_t n = num_format_double(buf, d);
    if (c->resp == 3) {
        char *p = reserve(c, n + 3);
        if (!p) return;
        p[0] = ',';
        memcpy(p + 1, buf, n);
        p[n + 1] = '\r';
        p[n + 2] = '\n';
        c->olen += n + 3;
    } else {
        reply_bulk(c, buf, n);
    }
}

void reply_bool(Client *c, bool b) {
    if (c->resp == 3) reply_raw(c, b ? "#t\r\n" : "#f\r\n", 4);
    else reply_int(c, b ? 1 : 0);
}

void reply_verbatim(Client *c, const char *s, size_t len) {
    if (muted(c)) return;
    if (c->resp != 3) {
        reply_bulk(c, s, len);
        return;
    }
    put_len(c, '=', (int64_t)len + 4);
    put(c, "txt:", 4);
    put(c, s, len);
    put(c, "\r\n", 2);
}

/* A deferred length is a fixed 22-byte hole ("*" + 19 digits + CRLF is
 * the widest); filling it shifts the tail left over the unused bytes. */
#define DEFER_HOLE 22

size_t reply_defer_len(Client *c) {
    if (muted(c)) return SIZE_MAX;
    if (!reserve(c, DEFER_HOLE)) return SIZE_MAX;
    size_t mark = c->olen;
    c->olen += DEFER_HOLE;
    return mark;
}

static void fill_deferred(Client *c, size_t mark, char prefix, int64_t n) {
    /* closed since the mark (output limit): the buffer is gone */
    if (mark == SIZE_MAX || (c->flags & CLIENT_CLOSE_ASAP)) return;
    char hdr[DEFER_HOLE + 2];
    hdr[0] = prefix;
    size_t l = num_format_int64(hdr + 1, n);
    hdr[l + 1] = '\r';
    hdr[l + 2] = '\n';
    size_t hl = l + 3, tail = c->olen - mark - DEFER_HOLE;
    memcpy(c->obuf + mark, hdr, hl);
    memmove(c->obuf + mark + hl, c->obuf + mark + DEFER_HOLE, tail);
    c->olen -= DEFER_HOLE - hl;
}

void reply_set_deferred_array(Client *c, size_t mark, int64_t n) { fill_deferred(c, mark, '*', n); }

void reply_set_deferred_map(Client *c, size_t mark, int64_t pairs) {
    if (c->resp == 3) fill_deferred(c, mark, '%', pairs);
    else fill_deferred(c, mark, '*', pairs * 2);
}

void reply_wrong_arity(Client *c) {
    reply_errorf(c, "ERR wrong number of arguments for '%s' command",
                 c->cmd ? c->cmd->fullname : "?");
}

void reply_syntax_error(Client *c) { reply_error(c, "ERR syntax error"); }
void reply_not_int(Client *c) { reply_error(c, "ERR value is not an integer or out of range"); }
void reply_wrongtype(Client *c) {
    reply_error(c, "WRONGTYPE Operation against a key holding the wrong kind of value");
}

size_t reply_pending(const Client *c) { return c->olen - c->osent; }

bool reply_should_stop(Client *c) {
    if (muted(c)) return true;
    if (reply_pending(c) <= REPLY_HARD_LIMIT) return false;
    client_close_async(c);
    return true;
}
