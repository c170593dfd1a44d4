/* core/multi.h -- a client's transaction: the commands queued between MULTI
 * and EXEC (argv copied, one allocation each), and EXEC's run of them as
 * one unit. Flags live on the client: CLIENT_MULTI while queuing,
 * CLIENT_DIRTY_EXEC once a command was rejected at queue time (EXEC then
 * aborts), CLIENT_DIRTY_CAS once a watched key changed (core/watch). */
#ifndef KILAT_MULTI_H
#define KILAT_MULTI_H

#include "client.h"

struct Command;

/* Called by the dispatcher for a command that passed its checks while c is
 * in MULTI. Queues it and replies +QUEUED, true; false for the commands
 * that run at once inside MULTI (EXEC DISCARD MULTI WATCH QUIT RESET). */
bool multi_queue(Client *c, const struct Command *cmd);
/* A command rejected before running (arity, NOAUTH, BUSY: `why` is the
 * error). For EXEC, replies "EXECABORT Transaction discarded because of:
 * <why>", ends the transaction and returns true, as Redis 7.0; false for
 * any other command. */
bool multi_reject_exec(Client *c, const struct Command *cmd, const char *why);
/* MULTI: starts queuing (the caller checked c is not in MULTI). */
void multi_begin(Client *c);
/* EXEC, after its checks: replies with one array of the queued commands'
 * replies, running them as one propagation unit, then ends the
 * transaction (multi_discard). */
void multi_exec(Client *c);
/* Ends the transaction: frees the queue, clears CLIENT_MULTI and both
 * dirty flags, unwatches every key (DISCARD, EXEC, RESET). */
void multi_discard(Client *c);
/* The flags of the commands queued so far, OR-ed (each as
 * command_flags_of sees it): CLIENT PAUSE WRITE holds an EXEC that would
 * write. */
uint32_t multi_queued_flags(Client *c);
/* For CLIENT LIST: commands queued (-1 when not in MULTI), and bytes held
 * by the queue. */
int multi_queued_count(const Client *c);
size_t multi_mem(const Client *c);

#endif
