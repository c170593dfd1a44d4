/* script/sandbox.h -- internal to script/: one sandboxed Lua state (the
 * libraries Redis 7.0 offers, read-only proxies, no bytecode) and running a
 * script in it under the time limit. EVAL (script.c) and FUNCTION
 * (function.c) each own one Sandbox, so their globals are never shared, as
 * in Redis. Only one script runs at a time in the whole server. */
#ifndef KILAT_SCRIPT_SANDBOX_H
#define KILAT_SCRIPT_SANDBOX_H

#include <lua.h>

#include "../core/client.h"
#include "bridge.h"

typedef struct Sandbox {
    lua_State *L;        /* NULL until sandbox_open */
    int ref_globals;     /* the real globals table (scripts see a proxy) */
    int ref_proxies;     /* array of the read-only proxies */
    int ref_errh;        /* the error handler */
    int ref_ro_empty;    /* empty read-only table */
    size_t bytes;        /* what the state allocated */
} Sandbox;

/* Creates sb->L with the sandbox; the `redis` table is bridge_open's. */
void sandbox_open(Sandbox *sb);
void sandbox_close(Sandbox *sb);
/* Replaces the table at the top of sb->L with an empty read-only proxy. */
void sandbox_make_proxy(Sandbox *sb);
/* Compiles Lua text (never bytecode), pushing the chunk or the error. */
int sandbox_load_text(lua_State *L, const char *buf, size_t len, const char *name);
/* __index that raises "Script attempted to access nonexistent global
 * variable" and __newindex that raises "Attempt to modify a readonly table". */
int sandbox_no_global(lua_State *L);
int sandbox_readonly(lua_State *L);

/* The fake client redis.call runs commands on (shared by both states). */
Client *sandbox_fake(void);

/* Runs the function on the stack of sb->L below its nargs arguments
 * (all popped) as run describes (caller, flags; fake is filled in) and
 * replies to run->caller. name is what errors cite ("script: <name>"). */
void sandbox_call(Sandbox *sb, ScriptRun *run, int nargs, const char *name);

/* The script running now (NULL when none). */
const ScriptRun *sandbox_running(void);
/* Milliseconds the running script has run. */
long long sandbox_run_ms(void);
/* SCRIPT KILL (is_eval) or FUNCTION KILL: replies as Redis 7.0. */
void sandbox_kill(Client *c, bool is_eval);

#endif
