/* core/block.h -- clients blocked on keys (BLPOP, BLMOVE, BZPOPMIN, ...).
 *
 * A blocking command that finds nothing to serve calls block_on_keys and
 * returns without replying. A write that may serve waiters (a push, ZADD)
 * calls block_signal_key. After the running command completes, the waiters
 * of signalled keys are retried first-come first-served: their command runs
 * again from its saved arguments and either replies (the client is then
 * unblocked) or calls block_on_keys again (it stays blocked, keeping its
 * place and deadline). A blocked client runs none of its later pipelined
 * commands until it is unblocked. */
#ifndef KILAT_BLOCK_H
#define KILAT_BLOCK_H

#include "client.h"

/* What a waiter does with what it is served, which decides how far the
 * waiters of a signalled key are retried. */
typedef enum {
    /* Pops it (lists, sorted sets): once one waiter finds nothing, the
     * ones behind it would too, so serving the key stops there. */
    BLOCK_TAKES,
    /* Reads without consuming (XREAD, XREADGROUP): readers wait for
     * different IDs or groups, so each is retried. A reader's key is also
     * signalled when it is deleted, overwritten or flushed (XREADGROUP
     * then ends with an error: its group went with the key). */
    BLOCK_READS,
} BlockHow;

/* Blocks c on the keys at argv positions key_args[0..nkeys) of its current
 * command, until deadline_ms (unix ms; 0 = forever). A timeout replies with
 * a null array (*-1, or _ in RESP3): Redis 7.0 does so for every blocking
 * command, BLMOVE and BRPOPLPUSH included. */
void block_on_keys(Client *c, const int *key_args, int nkeys, int64_t deadline_ms, BlockHow how);
/* Clients blocked with BLOCK_READS: while any wait, core/db.c signals a
 * key that leaves its database or changes type (block_signal_key), and a
 * flushed database (block_signal_db). */
extern size_t block_readers;
/* WAIT on a server without replicas: blocks c on nothing until
 * deadline_ms (0 = forever) or CLIENT UNBLOCK, which reply :0 (no replica
 * acknowledged), or -UNBLOCKED for CLIENT UNBLOCK ... ERROR. */
void block_wait(Client *c, int64_t deadline_ms);
/* Parses a blocking timeout in seconds (float) into an absolute deadline;
 * 0 means forever. Replies Redis's error and returns false if invalid. */
bool block_timeout_or_reply(Client *c, int argi, int64_t *deadline_ms);
/* A key of db_index was written in a way that may serve waiters. Cheap
 * when nobody is blocked. */
void block_signal_key(int db_index, const char *key, size_t klen);
/* Signals every key of database db_index that has waiters (SWAPDB brings
 * a whole new set of keys in). */
void block_signal_db(int db_index);
/* Retries the waiters of signalled keys (called after each top-level
 * command, never inside one). */
void block_serve_ready(void);
/* While a retried command runs: the key (of the retried client's
 * database) whose signal woke it, else NULL. A blocked XREAD on several
 * streams is served from that one, as Redis serves it. */
const char *block_serving_key(size_t *klen);
/* Replies to and unblocks clients whose deadline passed. */
void block_check_timeouts(int64_t now_ms);
/* Milliseconds until the earliest deadline (-1: none). */
int64_t block_next_timeout_ms(int64_t now_ms);
/* Unblocks c without replying (disconnect). */
void block_remove(Client *c);
/* CLIENT UNBLOCK: ends c's wait with the timeout reply, or with the
 * -UNBLOCKED error when as_error. false if c was not blocked. */
bool block_unblock(Client *c, bool as_error);
size_t block_count(void);  /* blocked clients, for INFO */
size_t block_keys_count(void);

#endif
