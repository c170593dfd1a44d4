/* script/debug.h -- DEBUG SET-DISABLE-DENY-SCRIPTS <0|1>, for testing
 * scripts (cmd/debug.c hands it over). */
#ifndef KILAT_SCRIPT_DEBUG_H
#define KILAT_SCRIPT_DEBUG_H

#include "../core/client.h"

/* Runs and replies to DEBUG c->argv[1] if it is that subcommand; returns
 * false, having replied nothing, for any other subcommand. */
bool script_debug_command(Client *c);

#endif
