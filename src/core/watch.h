/* core/watch.h -- WATCH: optimistic locking for MULTI/EXEC. A client
 * watches keys of its selected database; any change to one of them by
 * anyone (a command, expiry, FLUSHDB/FLUSHALL, SWAPDB) makes its next EXEC
 * fail. Every write command calls watch_touch_key for each key it changes,
 * whether or not anyone watches (then it costs one test). */
#ifndef KILAT_WATCH_H
#define KILAT_WATCH_H

#include "client.h"

/* A command changed key in database db_index (Redis's signalModifiedKey). */
void watch_touch_key(int db_index, const char *key, size_t klen);
/* Number of watch_touch_key calls so far: lets checked builds verify that a
 * command which changed the dataset signalled its keys. */
extern uint64_t watch_touches;
/* Forgets every key c watches (EXEC, DISCARD, UNWATCH, RESET, disconnect). */
void watch_unwatch_all(Client *c);

#endif
