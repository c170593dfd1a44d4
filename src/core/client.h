/* core/client.h -- one connected client: its socket, query buffer and
 * parser, output buffer, selected database, protocol version and flags.
 * Command handlers read c->argv/c->argl and reply through core/reply.h.
 * Clients live in a registry (by id) owned by this module. */
#ifndef KILAT_CLIENT_H
#define KILAT_CLIENT_H

#include "../base.h"
#include "../proto/resp_parse.h"
#include "config.h"

struct Command;
struct Db;

enum {
    CLIENT_CLOSE_AFTER_REPLY = 1u << 0, /* QUIT, protocol error */
    CLIENT_CLOSE_ASAP = 1u << 1,        /* CLIENT KILL, limits: no more replies */
    CLIENT_AUTHENTICATED = 1u << 2,
    CLIENT_REPLY_OFF = 1u << 3,         /* CLIENT REPLY OFF */
    CLIENT_REPLY_SKIP_NEXT = 1u << 4,   /* CLIENT REPLY SKIP, armed */
    CLIENT_REPLY_SKIP = 1u << 5,        /* skipping the current command */
    CLIENT_PENDING_WRITE = 1u << 6,     /* on the pending-writes list */
    CLIENT_UNIX = 1u << 7,
    CLIENT_NO_EVICT = 1u << 8,
    CLIENT_NO_TOUCH = 1u << 9,
    CLIENT_EXECUTING = 1u << 10,        /* inside its read handler */
    CLIENT_BLOCKED = 1u << 11,          /* waiting in core/block.c */
    CLIENT_REEXEC = 1u << 12,           /* its blocked command is retried */
    CLIENT_BLOCK_AGAIN = 1u << 13,      /* the retry found nothing either */
    CLIENT_RESUME = 1u << 14,           /* on the resume list */
    CLIENT_NO_BLOCK = 1u << 15,         /* MULTI/script: blocking commands
                                           time out at once, as in Redis */
    CLIENT_FAKE = 1u << 16,             /* no socket (scripts' caller) */
    CLIENT_PUBSUB = 1u << 17,           /* has subscriptions (core/pubsub) */
    CLIENT_MULTI = 1u << 18,            /* queuing a transaction (core/multi) */
    CLIENT_DIRTY_EXEC = 1u << 19,       /* a queued command was rejected */
    CLIENT_DIRTY_CAS = 1u << 20,        /* a watched key changed (core/watch) */
    CLIENT_MONITOR = 1u << 21,          /* in MONITOR mode (core/monitor) */
    CLIENT_PAUSED = 1u << 22,           /* held by CLIENT PAUSE (core/pause),
                                           with CLIENT_BLOCKED */
    CLIENT_HELD = 1u << 23,             /* output held until the AOF is on
                                           disk (client_hold_pending) */
    CLIENT_TRACKING_CACHING = 1u << 25, /* CLIENT CACHING yes/no, for the next
                                           command (core/tracking) */
    CLIENT_DENIED = 1u << 28,           /* refused at accept (protected
                                           mode); told why over its
                                           transport once the handshake is
                                           done, then closed */
    CLIENT_HANDSHAKE = 1u << 29,        /* its transport (c->conn) is still
                                           in its handshake: no commands */
    CLIENT_CONN_PENDING = 1u << 30,     /* on the list of clients whose
                                           transport holds read bytes */
    CLIENT_AUTH_USER = 1u << 24,        /* authenticated (Redis's c->authenticated:
                                           by AUTH/HELLO, or created while the
                                           default user needed no password);
                                           CLIENT_AUTHENTICATED = this or no
                                           password needed now */
};

/* The user a client runs as. acl/ owns users; each of its users begins
 * with this, so core can name them (CLIENT LIST, CLIENT KILL USER). */
typedef struct UserRef {
    const char *name;
    size_t len;
    bool skip_sanitize;   /* skip-sanitize-payload: RESTORE under
                             sanitize-dump-payload clients is not deep */
} UserRef;

typedef struct Client {
    uint64_t id;
    int fd;
    /* NULL: a plain socket; else the transport (core/conn.h) and its state */
    const struct ConnType *conn;
    void *conn_ctx;
    uint32_t flags;
    int resp;               /* 2 or 3 */
    struct Db *db;
    int db_index;

    /* the command being executed */
    int argc;
    const char **argv;
    size_t *argl;
    const struct Command *cmd, *last_cmd;

    /* input */
    char *qbuf;
    size_t qlen, qcap;      /* bytes held / allocated */
    size_t qpeak;
    RespParser parser;

    /* output: one contiguous buffer; bytes [osent, olen) are unsent.
     * ostop <= ocap: core/reply appends without checks while olen stays
     * within it (the limits of client-output-buffer-limit lie beyond). */
    char *obuf;
    size_t olen, ocap, osent, ostop;
    size_t opeak;             /* most bytes held at a flush since the last peak reset */
    size_t obase;             /* the size the cron left the buffer at (0: the usual
                                 16kb): a burst's growth drains back to it, as
                                 Redis's overflow list is freed once sent */

    char *name, *lib_name, *lib_ver;
    char addr[64], laddr[64];
    int64_t ctime_ms, last_ms;
    int poll_mask;
    struct Client *next_pending;
    struct BlockState *block;  /* while CLIENT_BLOCKED */
    struct Client *next_resume;
    struct PubsubState *pubsub;   /* core/pubsub: NULL until subscribing */
    struct MultiState *multi;     /* core/multi: queued commands in MULTI */
    struct WatchState *watch;     /* core/watch: keys this client WATCHes */
    struct TrackingState *tracking; /* core/tracking: NULL while tracking is off */
    UserRef *user;                /* NULL: an internal client, never checked */
    /* output-buffer limits (core/reply): when the unsent bytes passed the
     * class's soft limit, 0 while under it */
    int64_t obuf_soft_since_ms;
    /* us its blocked command has run so far (core/command: the slow log
     * and histograms time a blocking command's runs, not its wait) */
    int64_t blocked_us;
    /* client eviction (core/client_evict): the memory last counted (0: not
     * counted), its bucket + 1 (0: in none) and the bucket's list */
    size_t evict_mem;
    int evict_bucket;
    struct Client *evict_prev, *evict_next;
} Client;

/* Authentication hooks, set by acl/ at init (core includes no acl/ header).
 * New clients run as client_default_user; they start authenticated unless
 * client_auth_required (the default user has passwords or is off).
 * client_authenticate checks user/pass (user "default" for AUTH <pass>)
 * and on success makes c that user (CLIENT_AUTHENTICATED|CLIENT_AUTH_USER);
 * on failure it logs the attempt (ACL LOG) and returns false.
 * client_default_nopass: AUTH <pass> alone is refused (no password set).
 * client_user_find: the user named so, NULL if none. */
extern UserRef *client_default_user;
extern bool client_auth_required, client_default_nopass;
extern bool (*client_authenticate)(Client *c, const char *user, size_t ulen, const char *pass,
                                   size_t plen);
extern UserRef *(*client_user_find)(const char *name, size_t len);

/* Creates a client for an accepted fd and registers it. */
Client *client_create(int fd, bool is_unix);
/* Unregisters, closes the socket and frees everything. */
void client_free(Client *c);
Client *client_by_id(uint64_t id);
/* Calls fn for every client (fn may mark clients CLOSE_ASAP, not free). */
void client_foreach(void (*fn)(Client *c, void *ctx), void *ctx);
size_t client_count(void);
/* Marks c to be freed by the event loop (CLOSE_ASAP); no more replies are
 * written to it. Always use this rather than setting the flag by hand. */
void client_close_async(Client *c);
/* Frees every client marked CLOSE_ASAP (from the event loop, never from a
 * command handler). */
void client_free_closing(void);
/* Queues c to have its output written before the loop sleeps. */
void client_queue_write(Client *c);
/* Event-loop entry points (server.c): */
Client *client_by_fd(int fd);
void client_on_readable(Client *c);   /* read, then run complete commands */
void client_on_writable(Client *c);
void client_flush_all(void);          /* write queued output, before sleeping */
/* Gives c the transport t (a TLS listener's client, just created) and
 * starts its handshake; false if it failed (c is then closing). deny:
 * NULL, or the error line (with \r\n, static) the client is sent once
 * the handshake is done before it is closed (Redis's protected mode
 * answers a TLS client over TLS). */
bool client_set_conn(Client *c, const struct ConnType *t, const char *deny);
/* A readiness event for a client in CLIENT_HANDSHAKE: the next step. */
void client_on_handshake(Client *c);
/* Clients whose transport holds bytes the poller cannot see: the loop
 * sleeps not at all while there are some, and reads them each turn. */
extern size_t client_conn_pending;
void client_read_conn_pending(void);
/* appendfsync always when the AOF write or fsync failed: the clients with
 * output queued now (served with those writes) get nothing more written
 * until client_release_held, so no write is acknowledged before it is on
 * disk. Other clients are served as usual. */
void client_hold_pending(void);
/* Set while changes wait for the AOF's write and fsync (appendfsync
 * always): output is only queued, not written, until the AOF clears it
 * before the turn's replies go out (a blocked client served by another's
 * write must not hear of it first). */
extern bool client_output_gated;
void client_release_held(void);
size_t client_held_count(void);
void client_free_all(void);           /* at shutdown */
/* c was unblocked: run its pipelined commands from the loop (not now, as
 * the caller may be in the middle of another client's command). */
void client_resume(Client *c);
void client_run_resumed(void);        /* the loop's side of client_resume */
/* One CLIENT LIST line (no trailing newline) into buf; returns length. */
size_t client_info_line(const Client *c, char *buf, size_t len);
/* Output-buffer figures for CLIENT LIST and INFO. The buffer is one
 * contiguous block, so Redis's split (16 KiB `buf` + reply list) maps as:
 * obl = unsent bytes, oll = 0, omem = the block's size while it holds
 * unsent output (0 when idle, as Redis's list is then empty). tot-mem =
 * the Client struct + query and output buffers. The class
 * (OBUF_NORMAL/OBUF_PUBSUB, config.h) picks the output-buffer limits.
 * A monitor is in the normal class, as in Redis 7.0 (which flags it as a
 * replica but classes it as normal: the replica limits do not apply). */
size_t client_obuf_len(const Client *c);
size_t client_obuf_mem(const Client *c);
size_t client_total_mem(const Client *c);
static inline int client_obuf_class(const Client *c) {
    return (c->flags & CLIENT_PUBSUB) ? OBUF_PUBSUB : OBUF_NORMAL;
}
/* The cron's pass over output-buffer limits (reply_obuf_cron_check) of
 * the clients whose output is waiting for their socket. */
void client_cron_obuf_limits(void);
/* The cron's query-buffer trimming: visits max(5, clients/hz) clients
 * per call, in turn, trimming buffers idle or far above their peak. */
void client_cron_resize_qbufs(int64_t now_ms, int hz);
/* The cron's reply-buffer resizing: an idle client's buffer shrinks toward
 * its recent peak (1kb at least). (A buffer grown past 16kb for a big
 * reply returns to 16kb as soon as it drains.) The peak restarts every
 * peak-reset period. */
void client_cron_resize_obufs(int64_t now_ms);
#define CLIENT_RBUF_PEAK_RESET_DEFAULT_MS 5000
/* DEBUG REPLYBUFFER: the peak-reset period (< 0: never) and resizing on/off. */
void client_set_rbuf_peak_reset_ms(int64_t ms);
void client_set_rbuf_resizing(bool on);
/* Totals for INFO clients. */
void client_totals(size_t *max_qbuf, size_t *max_obuf);

#endif
