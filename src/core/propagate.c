/* core/propagate.c -- no consumers yet (AOF, replicas and notifications
 * arrive with their issues); the counter proves the hook is reached. */
#include "propagate.h"

static uint64_t propagated;

void propagate_command(Client *c, int db_index, uint64_t changes) {
    UNUSED(c);
    UNUSED(db_index);
    UNUSED(changes);
    propagated++;
}

void propagate_expired(int db_index, const char *key, size_t klen) {
    UNUSED(db_index);
    UNUSED(key);
    UNUSED(klen);
    propagated++;
}

uint64_t propagate_count(void) { return propagated; }
