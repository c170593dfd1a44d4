/* core/propagate.h -- the one propagation point. Every change to the
 * dataset leaves through propagate_command after the command has run: it
 * will feed the AOF, replicas and keyspace notifications (later issues);
 * today it only counts. Scripts and MULTI will propagate as their effects. */
#ifndef KILAT_PROPAGATE_H
#define KILAT_PROPAGATE_H

#include "client.h"

/* c's current command changed `changes` things in database db_index. */
void propagate_command(Client *c, int db_index, uint64_t changes);
/* A key deleted by expiry (lazy or active) in database db_index. */
void propagate_expired(int db_index, const char *key, size_t klen);
uint64_t propagate_count(void);

#endif
