/* script/bridge.h -- internal to script/: the `redis` table offered to
 * scripts (redis.call, redis.pcall and helpers) and the conversions between
 * Lua values and RESP replies. Not for use outside src/script/. */
#ifndef KILAT_SCRIPT_BRIDGE_H
#define KILAT_SCRIPT_BRIDGE_H

#include <lua.h>

#include "../core/client.h"

/* The script being run: set by script.c around lua_pcall, read by the
 * bridge. NULL between scripts. */
typedef struct ScriptRun {
    Client *caller;     /* the client that sent EVAL */
    Client *fake;       /* runs redis.call commands; replies read back */
    bool read_only;     /* EVAL_RO / EVALSHA_RO */
    bool wrote;         /* a command changed the dataset */
    bool allow_oom;     /* shebang allow-oom / no-writes */
    bool oom;           /* over maxmemory with nothing to evict when it started */
    int resp;           /* redis.setresp(): 2 or 3 */
    int repl;           /* redis.set_repl(): REPL_AOF (1) | REPL_REPLICA (2) */
    bool is_function;   /* FCALL / FCALL_RO (else EVAL*) */
    const char *name;   /* the function's name, or the script's sha */
} ScriptRun;

extern ScriptRun *bridge_run;
/* DEBUG SET-DISABLE-DENY-SCRIPTS 1: scripts may call `noscript` commands. */
extern bool bridge_allow_noscript;

/* Builds the `redis` table (functions, constants) in the globals of L. */
void bridge_open(lua_State *L);
/* Replies to c with the Lua value at the top of L (popped), converted as
 * Redis 7.0 does; resp is the script's redis.setresp() setting. */
void bridge_reply(Client *c, lua_State *L, int resp);
/* Raises a Lua error carrying a Redis error table {err=msg}; msg starts
 * with its code ("ERR ..."). Never returns. */
int bridge_raise(lua_State *L, const char *msg);
/* True when the error table at idx came from redis.call/pcall, whose
 * error was counted in errorstats when it happened. */
bool bridge_error_counted(lua_State *L, int idx);
/* Pushes {err=...} built from msg as redis.error_reply() does: an optional
 * leading '-', then the first word as code when there is a space, else
 * "ERR " in front. */
void bridge_push_error(lua_State *L, const char *msg, size_t len);

#endif
