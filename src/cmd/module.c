/* cmd/module.c -- MODULE, as Redis 7.0 answers it with no module loaded.
 * kilat loads no modules (the `loadmodule` directive stops the start), so
 * LIST is empty, LOAD and LOADEX log why and fail, UNLOAD finds nothing.
 * LOAD, LOADEX and UNLOAD are gated by enable-module-command (default no),
 * before AUTH and ACL, as in Redis; LIST and HELP are not. */
#include "../core/args.h"
#include "../core/command.h"
#include "../core/log.h"
#include "../core/reply.h"
#include "conn.h"

/* The gate of the protected subcommands (Command.gate): refused before
 * AUTH and ACL, as Redis refuses them. */
static const char *module_gate(const Client *c) {
    if (conn_protected_allowed(c, "enable-module-command")) return NULL;
    return "ERR MODULE command not allowed. If the enable-module-command option is set to "
           "\"local\", you can run it from a local connection, otherwise you need to set this "
           "option in the configuration file, and then restart the server.";
}

static void cmd_module_list(Client *c) { reply_array(c, 0); }

static void cmd_module_load(Client *c) {
    log_msg(LOG_WARNING, "Module %.*s failed to load: kilat does not load modules", (int)c->argl[2], c->argv[2]);
    reply_error(c, "ERR Error loading the extension. Please check the server logs.");
}

static void cmd_module_unload(Client *c) {
    reply_error(c, "ERR Error unloading module: no such module with that name");
}

static const char *const module_help[] = {
    "MODULE <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "LIST",
    "    Return a list of loaded modules.",
    "LOAD <path> [<arg> ...]",
    "    Load a module library from <path>, passing to it any optional arguments.",
    "LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]",
    "    Load a module library from <path>, while passing it module configurations and optional arguments.",
    "UNLOAD <name>",
    "    Unload a module.",
    "HELP",
    "    Prints this help.",
};

static void cmd_module_help(Client *c) { reply_help(c, module_help, ARRAY_LEN(module_help)); }

#define MOD_FLAGS (CMD_ADMIN | CMD_NOSCRIPT)
#define MOD_ACL "@admin @slow @dangerous"

static Command module_subs[] = {
    {"help", cmd_module_help, 2, CMD_LOADING | CMD_STALE, 0, 0, 0, "server", "Show helpful text about the different subcommands", "5.0.0", "O(1)", "@slow", NULL},
    {"list", cmd_module_list, 2, MOD_FLAGS, 0, 0, 0, "server", "List all modules loaded by the server", "4.0.0", "O(N) where N is the number of loaded modules.", MOD_ACL, NULL},
    {"load", cmd_module_load, -3, MOD_FLAGS, 0, 0, 0, "server", "Load a module", "4.0.0", "O(1)", MOD_ACL, NULL, NULL, module_gate},
    {"loadex", cmd_module_load, -3, MOD_FLAGS, 0, 0, 0, "server", "Load a module with extended parameters", "7.0.0", "O(1)", MOD_ACL, NULL, NULL, module_gate},
    {"unload", cmd_module_unload, 3, MOD_FLAGS, 0, 0, 0, "server", "Unload a module", "4.0.0", "O(1)", MOD_ACL, NULL, NULL, module_gate},
    {0},
};

Command module_commands[] = {
    {"module", NULL, -2, 0, 0, 0, 0, "server", "A container for module commands", "4.0.0", "Depends on subcommand.", "@slow", module_subs},
    {0},
};
