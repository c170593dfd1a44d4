/* script/debug.h -- DEBUG SET-DISABLE-DENY-SCRIPTS <0|1> and DEBUG PROTOCOL
 * <type>, for testing scripts (cmd/server.c's DEBUG hands them over). */
#ifndef KILAT_SCRIPT_DEBUG_H
#define KILAT_SCRIPT_DEBUG_H

#include "../core/client.h"

/* Runs and replies to DEBUG c->argv[1] if it is one of the two; returns
 * false, having replied nothing, for any other subcommand. */
bool script_debug_command(Client *c);

#endif
