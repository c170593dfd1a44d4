/* core/client_evict.h -- client eviction (maxmemory-clients), as Redis 7.0.
 * Each connection's memory (CLIENT LIST's tot-mem) is counted when it
 * changes: after a command, after a read or a write, when its output
 * buffer is reallocated, in the cron. When the sum reaches the limit
 * (bytes, or a percentage of maxmemory; 128kb at least), the clients using
 * the most are closed until it is below. Clients sit in buckets by log2 of
 * their memory, so the biggest are found at once. A client under CLIENT
 * NO-EVICT ON counts but is never closed; scripts' fake clients neither
 * count nor are closed. With maxmemory-clients 0 (the default) nothing
 * here runs: every caller tests client_evict_on or client_evict_over. */
#ifndef KILAT_CLIENT_EVICT_H
#define KILAT_CLIENT_EVICT_H

#include "client.h"

/* maxmemory-clients is not 0: figures are kept up to date. */
extern bool client_evict_on;
/* The counted total is at or over the limit: client_evict_run has work. */
extern bool client_evict_over;

/* At start: reads maxmemory-clients and maxmemory, hooks CONFIG SET of
 * both (the hook counts every client, or forgets them all when off). */
void client_evict_init(void);

/* c's memory may have changed: recounts it and moves it to its bucket. */
void client_evict_update_slow(Client *c);
static inline void client_evict_update(Client *c) {
    if (UNLIKELY(client_evict_on)) client_evict_update_slow(c);
}
/* c is going away (freed, or marked to be closed): its memory no longer
 * counts. Cheap when c was never counted. */
void client_evict_forget_slow(Client *c);
static inline void client_evict_forget(Client *c) {
    if (UNLIKELY(c->evict_mem != 0)) client_evict_forget_slow(c);
}

/* Closes the biggest evictable clients while the total is at or over the
 * limit (log line "Evicting client: ..." for each, INFO evicted_clients).
 * A client inside its own command, and `current` (the client about to run
 * a command, or NULL), is only marked to be closed; the others are freed
 * at once, so CLIENT LIST run next never shows them. Does nothing while a
 * script is busy or while loading. */
void client_evict_run(Client *current);

/* INFO stats evicted_clients, and CONFIG RESETSTAT. */
uint64_t client_evict_stat(void);
void client_evict_reset_stats(void);

#endif
