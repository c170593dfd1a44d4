/* core/evict.h -- maxmemory: before a command runs, keys are evicted while
 * the memory used is above maxmemory, by Redis 7.0's policies (sampled
 * candidates and a pool of the best ones for the LRU, LFU and TTL
 * policies, random picks for the random ones), and by kilat's per-database
 * policy (maxmemory-policy-db "<db> <policy> ..."): a database takes its
 * own policy or maxmemory-policy, and only databases whose policy evicts
 * give candidates. With maxmemory 0 (the default) nothing here runs: the
 * dispatcher tests one flag. */
#ifndef KILAT_EVICT_H
#define KILAT_EVICT_H

#include "../base.h"

/* maxmemory > 0: the dispatcher calls evict_make_room before commands. */
extern bool evict_enabled;

/* At start, after the databases exist: reads the directives and hooks
 * CONFIG SET of them. false (logged) when maxmemory-policy-db is bad. */
bool evict_init(void);
/* Reads the directives (at start and on CONFIG SET of any of them).
 * false with *err when maxmemory-policy-db does not parse. */
bool evict_configure(const char **err);
/* Frees memory down to maxmemory, within the tenacity's time budget.
 * false when memory is still over the limit and nothing more can be
 * evicted (deny-oom commands then get -OOM); true otherwise (also when the
 * time budget ran out: the next command or the cron goes on). */
bool evict_make_room(void);
/* The result of the last evict_make_room: true when memory stayed over
 * the limit (a script that starts then may not begin writing). */
bool evict_out_of_memory(void);
/* Memory that does not count toward the limit (the AOF buffer): set by the
 * layer that owns it. */
void evict_set_not_counted(size_t (*fn)(void));
/* Whether a key table may double, taking more_bytes (HtType.may_grow):
 * as Redis 7.0's dictExpandAllowed, not when that would take memory past
 * maxmemory, unless the table is already loaded past 1.618 entries per
 * bucket. Growing would only make room by evicting keys. */
bool evict_table_may_grow(size_t more_bytes, double load);
/* The figure compared with maxmemory, and what is left out of it. */
size_t evict_used_memory(void);
size_t evict_not_counted(void);
uint64_t evict_stat_keys(void);
uint64_t evict_stat_exceeded_ms(void);   /* total_eviction_exceeded_time */
uint64_t evict_current_exceeded_ms(void);
void evict_reset_stats(void);
/* INFO eviction: a database's policy (its maxmemory-policy-db entry or
 * maxmemory-policy) and the keys evicted from it since the last reset. */
const char *evict_db_policy(int db);
uint64_t evict_db_evicted(int db);
/* The event loop's step after each turn: evicts (one bounded step) when
 * over the limit without a command to do it (maxmemory lowered at run
 * time, memory that grew otherwise). false: still over, call again at
 * once. */
bool evict_step(void);

#endif
