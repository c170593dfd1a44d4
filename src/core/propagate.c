/* core/propagate.c -- the one propagation point. No AOF or replicas yet
 * (their issues come later); changes are counted, and expiry feeds the
 * consumers that exist: keyspace notifications and WATCH. */
#include "propagate.h"

#include "notify.h"
#include "watch.h"

static uint64_t propagated;

void propagate_command(Client *c, int db_index, uint64_t changes) {
    UNUSED(c);
    UNUSED(db_index);
    UNUSED(changes);
    propagated++;
}

void propagate_expired(int db_index, const char *key, size_t klen) {
    watch_touch_key(db_index, key, klen);
    notify_key(NOTIFY_EXPIRED, "expired", db_index, key, klen);
    propagated++;
}

uint64_t propagate_count(void) { return propagated; }
