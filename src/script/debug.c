/* script/debug.c -- the DEBUG subcommand that exists for testing scripts:
 * SET-DISABLE-DENY-SCRIPTS lets scripts call `noscript` commands. (DEBUG
 * PROTOCOL, which scripts read through redis.call, is in cmd/debug.c.) */
#include "debug.h"

#include <stdlib.h>
#include <string.h>

#include "../core/command.h"
#include "../core/reply.h"
#include "bridge.h"

bool script_debug_command(Client *c) {
    if (c->argc == 3 && arg_is(c, 1, "set-disable-deny-scripts")) {
        char buf[32];
        size_t n = c->argl[2] < sizeof buf - 1 ? c->argl[2] : sizeof buf - 1;
        memcpy(buf, c->argv[2], n);
        buf[n] = '\0';
        bridge_allow_noscript = atoi(buf) != 0; /* atoi, as Redis: "x" is 0 */
        reply_ok(c);
        return true;
    }
    return false;
}
