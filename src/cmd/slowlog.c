/* cmd/slowlog.c -- SLOWLOG GET [count] / LEN / RESET / HELP over
 * core/slowlog. */
#include "../core/command.h"
#include "../core/reply.h"
#include "../core/slowlog.h"
#include "../ds/num.h"

/* SLOWLOG GET [count] -- the newest `count` entries (10 by default, -1:
 * all), each [id, unix time, us, [args...], addr, name]. */
static void cmd_slowlog_get(Client *c) {
    int64_t count = 10;
    if (c->argc > 3) {
        reply_errorf(c, "ERR unknown subcommand or wrong number of arguments for '%.*s'. Try SLOWLOG HELP.",
                     (int)(c->argl[1] < 128 ? c->argl[1] : 128), c->argv[1]);
        return;
    }
    if (c->argc == 3 && (!num_parse_int64(c->argv[2], c->argl[2], &count) || count < -1)) {
        reply_error(c, "ERR count should be greater than or equal to -1");
        return;
    }
    slowlog_reply(c, count);
}

static void cmd_slowlog_len(Client *c) { reply_int(c, (int64_t)slowlog_len()); }

static void cmd_slowlog_reset(Client *c) {
    slowlog_reset();
    reply_ok(c);
}

static const char *const slowlog_help[] = {
    "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "GET [<count>]",
    "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
    "    Entries are made of:",
    "    id, timestamp, time in microseconds, arguments array, client IP and port,",
    "    client name",
    "LEN",
    "    Return the length of the slowlog.",
    "RESET",
    "    Reset the slowlog.",
    "HELP",
    "    Prints this help.",
};

static void cmd_slowlog_help(Client *c) { reply_help(c, slowlog_help, ARRAY_LEN(slowlog_help)); }

#define SL_FLAGS (CMD_ADMIN | CMD_LOADING | CMD_STALE)
#define SL_ACL "@admin @slow @dangerous"

static Command slowlog_subs[] = {
    {"get", cmd_slowlog_get, -2, SL_FLAGS, 0, 0, 0, "server", "Get the slow log's entries", "2.2.12", "O(N) where N is the number of entries returned", SL_ACL, NULL},
    {"reset", cmd_slowlog_reset, 2, SL_FLAGS, 0, 0, 0, "server", "Clear all entries from the slow log", "2.2.12", "O(N) where N is the number of entries in the slowlog", SL_ACL, NULL},
    {"len", cmd_slowlog_len, 2, SL_FLAGS, 0, 0, 0, "server", "Get the slow log's length", "2.2.12", "O(1)", SL_ACL, NULL},
    {"help", cmd_slowlog_help, 2, CMD_LOADING | CMD_STALE, 0, 0, 0, "server", "Show helpful text about the different subcommands", "6.2.0", "O(1)", "@slow", NULL},
    {0},
};

Command slowlog_commands[] = {
    {"slowlog", NULL, -2, 0, 0, 0, 0, "server", "A container for slow log commands", "2.2.12", "Depends on subcommand.", "@slow", slowlog_subs},
    {0},
};
