/* core/monitor.h -- MONITOR: clients that receive a status line for every
 * command any client runs. command_call feeds them after each command (one
 * test of monitor_count when nobody monitors); EVAL feeds its own line
 * before its script's lines; AUTH and HELLO mark password arguments. */
#ifndef KILAT_MONITOR_H
#define KILAT_MONITOR_H

#include "client.h"

struct Command;

/* Number of monitoring clients; 0 keeps the command path free of work. */
extern size_t monitor_count;

/* Makes c a monitor (CLIENT_MONITOR); no-op if it is one already. */
void monitor_add(Client *c);
/* Ends monitor mode for c (RESET, client_free); no-op if not a monitor. */
void monitor_remove(Client *c);
/* Feeds c's current argv after cmd ran, unless Redis hides it: commands
 * flagged CMD_ADMIN or CMD_SKIP_MONITOR, and retries of a blocked command
 * (fed once, when it first ran). Always clears the redaction marks. Call
 * only when monitor_count != 0. */
void monitor_feed_after(Client *c, const struct Command *cmd);
/* Feeds c's current argv now, whatever its flags (EVAL's own line, which
 * comes before the lines of the commands its script runs). */
void monitor_feed_now(Client *c);
/* Argument i of the running command shows as "(redacted)" in the line fed
 * for it (AUTH/HELLO passwords). Arguments past 63 share one mark. */
void monitor_redact(int i);

#endif
