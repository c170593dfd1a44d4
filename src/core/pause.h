/* core/pause.h -- CLIENT PAUSE / UNPAUSE, as Redis 7.0.
 *
 * While a pause is on, the dispatcher holds the commands it covers (every
 * command for PAUSE_ALL; for PAUSE_WRITE those that may write or
 * replicate, EXEC of a transaction holding one, scripts not declared
 * no-writes): the client stops with its command still unconsumed in its
 * query buffer (flags BLOCKED and PAUSED; INFO counts it as blocked) and
 * parses and runs it again when the pause ends, at its deadline or on
 * CLIENT UNPAUSE, clients in the order they were held. A command that runs
 * is never interrupted: a pause set inside EXEC starts after EXEC. While a
 * pause is on keys do not expire (core/db keeps expired keys, reading them
 * as absent). The idle cost is one test of pause_type per command. */
#ifndef KILAT_PAUSE_H
#define KILAT_PAUSE_H

#include "client.h"

struct Command;

typedef enum { PAUSE_OFF = 0, PAUSE_WRITE = 1, PAUSE_ALL = 2 } PauseType;

/* The pause in force (PAUSE_OFF most of the time). */
extern PauseType pause_type;

/* CLIENT PAUSE: a pause already on keeps the more restrictive type and the
 * later deadline of the two (Redis's rule). end_ms: unix ms. */
void pause_start(PauseType type, int64_t end_ms);
/* Ends the pause (CLIENT UNPAUSE, deadline): held clients are queued to
 * resume (client_resume), first held first. */
void pause_stop(void);
/* Whether the running pause holds c's command cmd (called only while
 * pause_type != PAUSE_OFF, after every other check of the dispatcher). A
 * blocked command's retry and a script's calls are never held. */
bool pause_holds(Client *c, const struct Command *cmd);
/* Holds c: it runs nothing until the pause ends. The caller leaves the
 * command's bytes in the query buffer (client.c, on CLIENT_PAUSED). */
void pause_hold(Client *c);
/* Forgets c (it is being freed). */
void pause_remove(Client *c);
/* Ends the pause if its deadline has passed (from the event loop). */
void pause_check_timeout(int64_t now_ms);
/* Milliseconds until the pause's deadline, -1 if no pause is on. */
int64_t pause_next_timeout_ms(int64_t now_ms);
/* Clients held, for INFO's blocked_clients. */
size_t pause_count(void);

#endif
