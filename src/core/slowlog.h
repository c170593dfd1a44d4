/* core/slowlog.h -- the slow log (SLOWLOG GET/LEN/RESET): the commands that
 * took at least slowlog-log-slower-than us, newest first, at most
 * slowlog-max-len of them. An entry keeps a trimmed copy of the arguments
 * as Redis 7.0 does (32 arguments, 128 bytes each), with secrets redacted
 * (AUTH, HELLO AUTH, MIGRATE AUTH/AUTH2, CONFIG SET of a password, ACL
 * SETUSER). */
#ifndef KILAT_SLOWLOG_H
#define KILAT_SLOWLOG_H

#include "client.h"

struct Command;

/* Logs c's current command (c->argv) that took `us` microseconds, unless
 * cmd is CMD_SKIP_SLOWLOG; trims the log to slowlog-max-len. The caller
 * checked the threshold. */
void slowlog_push(const Client *c, const struct Command *cmd, int64_t us);
size_t slowlog_len(void);
void slowlog_reset(void);
/* SLOWLOG GET's reply for the newest `count` entries (-1: all). */
void slowlog_reply(Client *c, int64_t count);
void slowlog_free(void);

#endif
