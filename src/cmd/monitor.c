/* cmd/monitor.c -- MONITOR. The feed itself is core/monitor.c; this is the
 * command that turns a connection into a monitor (until RESET or close). */
#include "../core/command.h"
#include "../core/monitor.h"
#include "../core/reply.h"

/* Redis 7.0: refused where a client expects one reply per command (inside
 * EXEC); silently ignored when already monitoring (no reply at all). */
static void cmd_monitor(Client *c) {
    if (c->flags & CLIENT_NO_BLOCK) {
        reply_error(c, "ERR MONITOR isn't allowed for DENY BLOCKING client");
        return;
    }
    if (c->flags & CLIENT_MONITOR) return;
    monitor_add(c);
    reply_ok(c);
}

Command monitor_commands[] = {
    {"monitor", cmd_monitor, 1, CMD_ADMIN | CMD_NOSCRIPT | CMD_LOADING | CMD_STALE, 0, 0, 0, "server", "Listen for all requests received by the server in real time", "1.0.0", NULL, "@admin @slow @dangerous", NULL},
    {0},
};
