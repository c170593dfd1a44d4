/* core/tracking.h -- client-side caching (CLIENT TRACKING), as Redis 7.0.
 *
 * Default mode: the keys a tracking client reads are remembered in one
 * table (key name -> ids of the clients that read it, over all databases);
 * the first change to such a key sends each of them an invalidation and
 * forgets the key. BCAST mode: nothing is remembered; every key changed
 * under one of the client's prefixes is collected per prefix and sent once
 * per event-loop turn (tracking_broadcast). Messages go out as RESP3 push
 * frames (">2 invalidate [keys]") on the client's own connection, or to its
 * REDIRECT client: a push there if it speaks RESP3, else a pub/sub message
 * on __redis__:invalidate when it is subscribed. A flush sends a null in
 * place of the keys.
 *
 * The request path pays one test of tracking_nclients per command
 * (command_call) and watch_touch_key's test of tracking_hot per key it
 * changes; nothing more when nobody tracks. */
#ifndef KILAT_TRACKING_H
#define KILAT_TRACKING_H

#include "client.h"

struct Command;

/* Clients with tracking on (INFO tracking_clients). */
extern size_t tracking_nclients;
/* Keys in the table + prefixes in use: non-zero when a changed key must be
 * looked at (watch_touch_key tests it). */
extern size_t tracking_hot;
/* A BCAST prefix has keys waiting for tracking_broadcast. */
extern bool tracking_bcast_pending;

/* CLIENT TRACKING's options (tracking_enable) and TRACKINGINFO's flags. */
enum {
    TRACKING_BCAST = 1u << 0,
    TRACKING_OPTIN = 1u << 1,
    TRACKING_OPTOUT = 1u << 2,
    TRACKING_NOLOOP = 1u << 3,
    TRACKING_BROKEN_REDIR = 1u << 4, /* its redirect client went away */
};

/* CLIENT TRACKING ON: checks the options against each other and c's
 * current mode, then turns tracking on (again: the options replace the
 * old ones, prefixes add to the old ones). redir: 0 or an id that was
 * checked to exist. On a refusal returns Redis's error text (in buf when
 * it names a prefix) and changes nothing. */
const char *tracking_enable(Client *c, uint64_t redir, unsigned opts, const char *const *prefixes,
                            const size_t *plens, size_t n, char *buf, size_t buflen);
/* CLIENT TRACKING OFF, RESET, disconnect. */
void tracking_disable(Client *c);
/* c's mode (TRACKING_* bits), whether it is on, its redirect (0: none). */
bool tracking_is_on(const Client *c);
unsigned tracking_flags(const Client *c);
uint64_t tracking_redirect(const Client *c);
/* c's BCAST prefixes in byte order: fn per prefix. */
size_t tracking_prefix_count(const Client *c);
void tracking_prefixes(const Client *c, void (*fn)(void *ctx, const char *p, size_t len),
                       void *ctx);
/* A client is being freed: its tracking ends, and clients redirecting to
 * it will find it gone. */
void tracking_client_gone(Client *c);
/* Bytes c's tracking state holds (client eviction, tot-mem). */
size_t tracking_client_mem(const Client *c);

/* A client_alive id lookup for REDIRECT: the client, NULL if gone. */
Client *tracking_client_by_id(uint64_t id);

/* command_call runs cmd->fn through this while anyone tracks: it marks
 * the client whose command runs (NOLOOP, and invalidations for its own
 * keys wait until its reply is written), remembers the keys a read command
 * fetched, and at the top level sends what waited. */
void tracking_call(Client *c, struct Command *cmd);
/* command_execute, for a command about to be queued in MULTI (a
 * tracking-table-max-keys change applies before it, as in Redis). */
void tracking_before_queue(Client *c);
/* maxmemory makes room before c's command: c is the current client (a
 * NOLOOP c hears nothing of the keys evicted for it, as in Redis); the
 * previous one is returned, to be put back. */
Client *tracking_swap_current(Client *c);
/* After c's command (CACHING is set): CLIENT CACHING applies to the next
 * command only, or to the whole transaction. cmd: the command run (NULL:
 * unknown). */
void tracking_after_command(Client *c, const struct Command *cmd);

/* A key changed (watch_touch_key's slow path). by_server: expiry or
 * eviction, no client did it (BCAST NOLOOP). */
void tracking_invalidate_key(const char *key, size_t klen, bool by_server);
/* FLUSHDB/FLUSHALL (and the flush of DEBUG RELOAD): every tracking client
 * gets a null invalidation; the table is emptied. */
void tracking_invalidate_flush(void);
/* Before the loop sleeps: BCAST prefixes' collected keys go out. */
void tracking_broadcast(void);
/* The cron: keeps the table within tracking-table-max-keys. */
void tracking_cron(void);

/* INFO. */
size_t tracking_total_keys(void);
size_t tracking_total_items(void);
size_t tracking_total_prefixes(void);

#endif
