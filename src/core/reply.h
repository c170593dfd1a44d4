/* core/reply.h -- writes RESP2/RESP3 replies into a client's output buffer.
 * Every command replies exactly once per call through these; the RESP3-only
 * shapes (map, set, double, bool, null) degrade to their RESP2 forms. */
#ifndef KILAT_REPLY_H
#define KILAT_REPLY_H

#include "client.h"

void reply_status(Client *c, const char *s);          /* +s */
/* -msg. msg starts with its code ("ERR ...", "WRONGTYPE ..."); counts in
 * errorstats and fails the current command in commandstats. */
void reply_error(Client *c, const char *msg);
void reply_errorf(Client *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* An error errorstats already counted where it arose (a script returning
 * what redis.call gave it): fails the current command only. */
void reply_error_counted(Client *c, const char *msg);
void reply_int(Client *c, int64_t v);                 /* :v */
void reply_bulk(Client *c, const char *s, size_t len);/* $len */
void reply_cstr(Client *c, const char *s);            /* bulk of a C string */
void reply_bulk_int(Client *c, int64_t v);            /* bulk "123" */
void reply_null(Client *c);                           /* $-1 / _ */
void reply_null_array(Client *c);                     /* *-1 / _ */
void reply_array(Client *c, int64_t n);               /* *n */
void reply_map(Client *c, int64_t pairs);             /* %n / *2n */
void reply_set(Client *c, int64_t n);                 /* ~n / *n */
void reply_push(Client *c, int64_t n);                /* >n / *n (pub/sub) */
void reply_double(Client *c, double d);               /* ,d / bulk */
void reply_bool(Client *c, bool b);                   /* #t / :1 */
void reply_verbatim(Client *c, const char *s, size_t len); /* =txt / bulk */
void reply_ok(Client *c);
/* A HELP subcommand's text: an array of status lines. */
void reply_help(Client *c, const char *const *lines, size_t n);
/* Raw protocol bytes, for replies prepared elsewhere. */
void reply_raw(Client *c, const char *s, size_t len);

/* Deferred array length: reserve now, fill when the count is known. */
size_t reply_defer_len(Client *c);
void reply_set_deferred_array(Client *c, size_t mark, int64_t n);
void reply_set_deferred_map(Client *c, size_t mark, int64_t pairs);

/* Common errors. */
void reply_wrong_arity(Client *c);
void reply_syntax_error(Client *c);
void reply_not_int(Client *c);
void reply_wrongtype(Client *c);

/* For loops that emit huge replies (HRANDFIELD/SRANDMEMBER with a huge
 * negative count): true when the reply should stop -- nobody reads it
 * (CLIENT REPLY OFF/SKIP, closing) or it passed REPLY_HARD_LIMIT, in which
 * case the client is closed. Redis would grow until the OOM killer came:
 * this is a backstop for the normal class when client-output-buffer-limit
 * sets none; a class limit, when set, closes the client first. */
#define REPLY_HARD_LIMIT ((size_t)1 << 30)
bool reply_should_stop(Client *c);

/* Output-buffer limits (client-output-buffer-limit) are checked where the
 * buffer is about to pass c->ostop: a per-client bound, never above ocap,
 * kept just under the next limit of c's class (hard, or soft while under
 * it), and at 0 while over the soft limit so that every reply looks at the
 * clock, as Redis checks on each reply it adds. Redis counts only its
 * reply list, not the 16 KiB buffer each client has before it: the first
 * OBUF_UNCOUNTED unsent bytes are likewise free, so a tiny limit never
 * drops a client for a small reply. */
#define OBUF_UNCOUNTED 16384
/* Redis's list grows by 16 KiB blocks that jemalloc serves from its 20 KiB
 * size class, and it counts the blocks' whole size: past the free bytes,
 * output is counted in OBUF_BLOCK steps, so a limit trips where Redis's
 * does (a 100000-byte limit at 81921 counted bytes, the fifth block). */
#define OBUF_BLOCK 20480
/* The most counted bytes that stay under `lim` (> 0). */
static inline uint64_t reply_obuf_allowance(uint64_t lim) {
    return (lim + OBUF_BLOCK - 1) / OBUF_BLOCK * OBUF_BLOCK - OBUF_BLOCK;
}
/* A client that has not authenticated (requirepass) may hold no more than
 * this beyond OBUF_UNCOUNTED, whatever its class's limits: Redis's guard
 * against unauthenticated clients that never read their replies. */
#define OBUF_NOAUTH_LIMIT 1024

/* Re-derives c->ostop from c's buffer, class and limits; call after
 * moving or emptying c's output buffer. Inline: it runs after every
 * write to the socket. */
static inline void reply_obuf_rearm(Client *c) {
    size_t stop = c->ocap;
    /* room for at most OBUF_UNCOUNTED more bytes: no limit is in reach */
    if ((c->ocap - c->osent > OBUF_UNCOUNTED || c->obuf_soft_since_ms) &&
        !(c->flags & CLIENT_FAKE)) {
        const ObufLimit *l = &cfg.obuf_limits[client_obuf_class(c)];
        uint64_t lim = l->hard;
        if (l->soft && (!lim || l->soft < lim)) lim = l->soft;
        if (!(c->flags & CLIENT_AUTHENTICATED) && (!lim || lim > OBUF_NOAUTH_LIMIT + 1))
            lim = OBUF_NOAUTH_LIMIT + 1;
        if (c->obuf_soft_since_ms) stop = 0;
        /* unsent + n past the allowance (+ the free bytes) takes the slow path */
        else if (lim && reply_obuf_allowance(lim) + OBUF_UNCOUNTED < stop - c->osent)
            stop = c->osent + (size_t)reply_obuf_allowance(lim) + OBUF_UNCOUNTED;
    }
    c->ostop = stop;
}

/* For the cron: closes c if its pending output is over its class's hard
 * limit (lowered by CONFIG SET) or has stayed over the soft one too long
 * with no reply added meanwhile, as Redis 7.0's clients cron does. */
void reply_obuf_cron_check(Client *c);

/* Bytes in c's output buffer not yet sent. */
size_t reply_pending(const Client *c);

#endif
