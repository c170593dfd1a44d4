/* core/propagate.h -- the one propagation point. Every change to the
 * dataset leaves through here after the command has run, as commands (argv)
 * for a sink: the AOF and replicas when they come. Without a sink nothing
 * is copied, changes are only counted, so the hot path stays cheap.
 *
 * A unit (EXEC, a script) propagates as its effects: the write commands it
 * ran, wrapped in MULTI ... EXEC when there are two or more, bare when there
 * is one, nothing when there is none (Redis 7.0's rule). Units nest; the
 * outermost one decides. A command that propagated nested commands (EXEC,
 * EVAL) is not propagated itself: command.c compares propagate_cmds. */
#ifndef KILAT_PROPAGATE_H
#define KILAT_PROPAGATE_H

#include "client.h"

/* Receives each propagated command: the database it applies to, and argv.
 * MULTI and EXEC are passed like any command (with the db of the unit's
 * first and last command). The sink emits SELECT itself when db_index
 * differs from the last one it wrote: each consumer (AOF, every replica)
 * tracks its own selected database. The argv is only valid during the
 * call. */
typedef void (*PropagateSink)(void *ctx, int db_index, int argc, const char *const *argv,
                              const size_t *argl);
/* Registers the one sink (NULL: none, the default). */
void propagate_set_sink(PropagateSink fn, void *ctx);
/* Whether a sink is registered and propagation not suspended. When false a
 * command may skip building the argv of its effects (propagate_as): the
 * dispatcher then counts the command's own argv; nothing leaves either way. */
bool propagate_has_sink(void);

/* While suspended (the AOF loader replays a file: what it runs is on disk
 * already) nothing reaches the sink; changes are still counted. Nests. */
void propagate_suspend(void);
void propagate_resume(void);

/* Opens/closes a unit; the outermost end emits what the unit collected. */
void propagate_unit_begin(void);
void propagate_unit_end(void);

/* Inside EXEC or a script (a unit is open). */
bool propagate_in_unit(void);

/* c's current command (c->argv) changed `changes` things in database
 * db_index. Inside a unit it is collected (argv copied only if a sink is
 * registered), otherwise emitted at once. */
void propagate_command(Client *c, int db_index, uint64_t changes);
/* c's command propagates as this argv instead of its own (its effects:
 * EXPIRE as PEXPIREAT, BLPOP as the LPOP that happened, SPOP as SREM...),
 * in c's current database. Call it once per command to emit; the
 * dispatcher then emits nothing more for this call. Several calls emit
 * several commands: wrap them in propagate_unit_begin/end so they leave
 * as one MULTI/EXEC, as Redis 7.0's alsoPropagate does. argv is copied
 * when needed. */
void propagate_as(Client *c, int argc, const char *const *argv, const size_t *argl);
/* A key deleted by expiry (lazy or active) in database db_index: WATCH and
 * keyspace notifications hear of it; propagates as DEL (UNLINK with
 * lazyfree-lazy-expire). Inside a command, outside any unit, it opens a
 * unit (propagate_held) so that, as in Redis 7.0, the command's expiry DELs
 * and its own effects leave together, in MULTI/EXEC when there are two or
 * more; outside commands (active expiry) each DEL leaves bare. */
void propagate_expired(int db_index, const char *key, size_t klen);
/* A unit opened by propagate_expired is waiting for the command to end. */
extern bool propagate_held;
/* command_call, once the outermost command propagated: ends that unit,
 * without MULTI/EXEC when !wrap (SCAN, RANDOMKEY: Redis's
 * touches-arbitrary-keys commands). */
void propagate_command_end(bool wrap);

/* A key evicted under maxmemory (before the command that needed the room
 * runs, outside any unit): WATCH and the "evicted" event hear of it; it
 * propagates as DEL, or UNLINK with lazyfree-lazy-eviction. */
void propagate_evicted(int db_index, const char *key, size_t klen, bool lazy);

/* The running command leaves only as the effects it propagated itself
 * (maybe none), never as itself: Redis's preventCommandPropagation (what
 * XREADGROUP, XCLAIM and XAUTOCLAIM need when they changed nothing to
 * propagate). */
void propagate_prevent_command(void);

/* propagate_command calls so far (never expiry): see the header comment. */
extern uint64_t propagate_cmds;
/* Commands propagated so far, including expiry DELs, excluding the
 * MULTI/EXEC around units. */
uint64_t propagate_count(void);

#endif
