/* cmd/effects.h -- what a command propagates as when its argv would not
 * replay to the same result (core/propagate.h's propagate_as), following
 * Redis 7.0.15: relative TTLs leave as absolute ones (PEXPIREAT, SET ...
 * PXAT), blocking and multi-key pops as the pop that happened, SPOP as the
 * SREMs it did, float increments as the value they stored. Handlers call
 * these only on the path that changed data, and only when
 * propagate_has_sink(): without a sink the dispatcher just counts the
 * command. Words are Redis's shared objects ("PEXPIREAT", "DEL"...). */
#ifndef KILAT_EFFECTS_H
#define KILAT_EFFECTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/client.h"
#include "../core/propagate.h"

/* c propagates as `word key`, e.g. DEL key, PERSIST key, LPOP key. */
void effects_key(Client *c, const char *word, const char *key, size_t klen);
/* c propagates as `word key arg`, e.g. SREM key member. */
void effects_key_arg(Client *c, const char *word, const char *key, size_t klen, const char *arg,
                     size_t alen);
/* c propagates as `word key n`, e.g. PEXPIREAT key ms, LPOP key count. */
void effects_key_int(Client *c, const char *word, const char *key, size_t klen, int64_t n);
/* c propagates as its own argv with argv[i] replaced by (s, len) for each
 * of the n pairs in at[]/with[]/withl[] (n <= 4). */
void effects_replace(Client *c, int n, const int *at, const char *const *with, const size_t *withl);
/* DEL key, or UNLINK key when `lazy` (the lazyfree directive that applies,
 * cfg.lazyfree_lazy_expire or cfg.lazyfree_lazy_user_del): Redis's word. */
void effects_del(Client *c, bool lazy, const char *key, size_t klen);

#endif
