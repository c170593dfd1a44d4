/* core/watch.h -- WATCH: optimistic locking for MULTI/EXEC. A client
 * watches keys of its selected database; any change to one of them by
 * anyone (a command, expiry, FLUSHDB/FLUSHALL, SWAPDB) sets the client's
 * CLIENT_DIRTY_CAS, and its next EXEC fails. Every write command calls
 * watch_touch_key for each key it changes, whether or not anyone watches:
 * then it costs one test of a global counter. */
#ifndef KILAT_WATCH_H
#define KILAT_WATCH_H

#include "client.h"
#include "tracking.h"

#ifdef KILAT_CHECKS
/* Number of watch_touch_key calls so far: lets checked builds verify that a
 * command which changed the dataset signalled its keys. */
extern uint64_t watch_touches;
#endif
/* Keys watched by anyone, over all databases (0 and no client-side
 * caching (tracking_hot): touching is free). */
extern size_t watch_nkeys;
void watch_touch_slow(int db_index, const char *key, size_t klen, bool by_server);

/* A command changed key in database db_index (Redis's signalModifiedKey):
 * WATCHers and client-side caching (core/tracking) hear of it. Call it
 * after the change (expiry: after the key is deleted). */
static inline void watch_touch_key(int db_index, const char *key, size_t klen) {
#ifdef KILAT_CHECKS
    watch_touches++;
#endif
    if (LIKELY((watch_nkeys | tracking_hot) == 0)) return;
    watch_touch_slow(db_index, key, klen, false);
}
/* The same for a change no client made: expiry, eviction. */
static inline void watch_touch_key_server(int db_index, const char *key, size_t klen) {
#ifdef KILAT_CHECKS
    watch_touches++;
#endif
    if (LIKELY((watch_nkeys | tracking_hot) == 0)) return;
    watch_touch_slow(db_index, key, klen, true);
}
/* FLUSHDB/FLUSHALL is about to empty database db_index: call it while the
 * keys are still there. Watchers of a key that exists in it become dirty
 * (a key already expired when watched is no change, as Redis 7.0). */
void watch_touch_flush(int db_index);
/* SWAPDB a b (a != b) is about to swap: call it before. Watchers of a key
 * present in either database become dirty, with 7.0's expired-key rules. */
void watch_touch_swap(int a, int b);

/* WATCH: c watches key in its selected database (twice is once). */
void watch_key(Client *c, const char *key, size_t klen);
/* EXEC: true if a key c watches was live when watched and has expired
 * since, even if nobody deleted it yet. */
bool watch_any_expired(const Client *c);
/* Forgets every key c watches (EXEC, DISCARD, UNWATCH, RESET, disconnect). */
void watch_unwatch_all(Client *c);
/* Keys c watches (for CLIENT LIST and tests). */
size_t watch_count(const Client *c);
/* Bytes c's watching holds (its list and its entries in the keys' lists),
 * not the key names, which all watchers of a key share (tot-mem). */
size_t watch_mem(const Client *c);

#endif
