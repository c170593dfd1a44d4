/* script/sandbox.c -- a sandboxed Lua state, and running a script in one
 * under the time limit (moved out of script.c so that FUNCTION's state is
 * built the same way as EVAL's).
 *
 * Sandbox: only base (minus file, env and print functions), table, string,
 * math, cjson, bit, cmsgpack and struct are opened. Scripts see the
 * globals through an empty read-only proxy whose __index is the real
 * globals table; every library table is proxied the same way, so
 * assignments raise Redis 7.0's "Attempt to modify a readonly table" and
 * unknown names "Script attempted to access nonexistent global variable".
 * Bytecode is never loaded. */
#include "sandbox.h"

#include <lauxlib.h>
#include <lua-bitop.h>
#include <lua-cjson.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/command.h"
#include "../core/config.h"
#include "../core/db.h"
#include "../core/evict.h"
#include "../core/log.h"
#include "../core/propagate.h"
#include "../core/reply.h"
#include "../core/server.h"
#include "../ds/mem.h"
#include "../os/clock.h"
#include "cmsgpack.h"
#include "lstruct.h"

/* ---- deterministic math.random: POSIX lrand48 with its default state,
 * as Redis (the same sequence on every server start) ---- */

static uint64_t rand48 = 0x1234ABCD330EULL;

static int32_t lrand48_next(void) {
    rand48 = (0x5DEECE66DULL * rand48 + 0xB) & ((1ULL << 48) - 1);
    return (int32_t)(rand48 >> 17);
}

static int l_random(lua_State *Ls) {
    lua_Number r = (lua_Number)(lrand48_next() % INT32_MAX) / (lua_Number)INT32_MAX;
    switch (lua_gettop(Ls)) {
    case 0:
        lua_pushnumber(Ls, r);
        break;
    case 1: {
        int u = luaL_checkint(Ls, 1);
        luaL_argcheck(Ls, 1 <= u, 1, "interval is empty");
        lua_pushnumber(Ls, (lua_Number)((int64_t)(r * u) + 1));
        break;
    }
    case 2: {
        int l = luaL_checkint(Ls, 1), u = luaL_checkint(Ls, 2);
        luaL_argcheck(Ls, l <= u, 2, "interval is empty");
        lua_pushnumber(Ls, (lua_Number)((int64_t)(r * ((lua_Number)u - l + 1)) + l));
        break;
    }
    default:
        return luaL_error(Ls, "wrong number of arguments");
    }
    return 1;
}

static int l_randomseed(lua_State *Ls) {
    uint32_t seed = (uint32_t)luaL_checkint(Ls, 1);
    rand48 = ((uint64_t)seed << 16) | 0x330E;
    return 0;
}

/* ---- loading without bytecode ---- */

/* Compiles buf as Lua source. A chunk starting with ESC (precompiled
 * bytecode) is read as text behind a space, so it fails to parse exactly as
 * on Redis's Lua, which has no bytecode loader. */
int sandbox_load_text(lua_State *Ls, const char *buf, size_t len, const char *name) {
    if (len && buf[0] == '\033') {
        char *copy = malloc(len + 1);
        ASSERT(copy);
        copy[0] = ' ';
        memcpy(copy + 1, buf, len);
        int rc = luaL_loadbuffer(Ls, copy, len + 1, name);
        free(copy);
        return rc;
    }
    return luaL_loadbuffer(Ls, buf, len, name);
}

static int l_loadstring(lua_State *Ls) {
    size_t len;
    const char *s = luaL_checklstring(Ls, 1, &len);
    const char *name = luaL_optstring(Ls, 2, s);
    if (sandbox_load_text(Ls, s, len, name) == 0) return 1;
    lua_pushnil(Ls);
    lua_insert(Ls, -2);
    return 2;
}

static int l_load(lua_State *Ls) {
    luaL_checktype(Ls, 1, LUA_TFUNCTION);
    const char *name = luaL_optstring(Ls, 2, "=(load)");
    lua_settop(Ls, 2);
    lua_pushliteral(Ls, ""); /* 3: the text so far */
    for (;;) {
        lua_pushvalue(Ls, 1);
        lua_call(Ls, 0, 1);
        if (lua_isnil(Ls, -1) || (lua_isstring(Ls, -1) && lua_objlen(Ls, -1) == 0)) {
            lua_pop(Ls, 1);
            break;
        }
        if (!lua_isstring(Ls, -1)) return luaL_error(Ls, "reader function must return a string");
        lua_concat(Ls, 2);
    }
    size_t len;
    const char *s = lua_tolstring(Ls, 3, &len);
    if (sandbox_load_text(Ls, s, len, name) == 0) return 1;
    lua_pushnil(Ls);
    lua_insert(Ls, -2);
    return 2;
}

/* pcall as Redis 7.0 has it: an error that is a table with an `err` field
 * (what redis.call and error({err=...}) raise) reaches the caller as that
 * field, the string older Redis versions raised, so scripts that compare
 * or concatenate the message keep working. pcall() with no function
 * answers false, "attempt to call a boolean value", as there. */
static int l_pcall(lua_State *Ls) {
    int argc = lua_gettop(Ls);
    if (argc == 0) {
        lua_pushboolean(Ls, 0);
        lua_pushliteral(Ls, "attempt to call a boolean value");
        return 2;
    }
    int status = lua_pcall(Ls, argc - 1, LUA_MULTRET, 0);
    if (status != 0 && lua_istable(Ls, -1)) {
        lua_getfield(Ls, -1, "err");
        if (lua_isstring(Ls, -1)) lua_replace(Ls, -2);
        else lua_pop(Ls, 1);
    }
    lua_pushboolean(Ls, status == 0);
    lua_insert(Ls, 1);
    return lua_gettop(Ls);
}

/* ---- read-only proxies ---- */

int sandbox_readonly(lua_State *Ls) { return luaL_error(Ls, "Attempt to modify a readonly table"); }

int sandbox_no_global(lua_State *Ls) {
    const char *k = lua_tostring(Ls, 2);
    return luaL_error(Ls, "Script attempted to access nonexistent global variable '%s'", k ? k : "?");
}

/* The error Redis's read-only tables raise from C (no position). */
static int raise_readonly(lua_State *Ls) {
    lua_pushliteral(Ls, "Attempt to modify a readonly table");
    return lua_error(Ls);
}

static bool is_proxy(lua_State *Ls, int idx) {
    if (!lua_getmetatable(Ls, idx)) return false;
    lua_pushliteral(Ls, "__kilat_ro");
    lua_rawget(Ls, -2);
    bool ro = lua_toboolean(Ls, -1);
    lua_pop(Ls, 2);
    return ro;
}

static int l_rawset(lua_State *Ls) {
    luaL_checktype(Ls, 1, LUA_TTABLE);
    luaL_checkany(Ls, 2);
    luaL_checkany(Ls, 3);
    if (is_proxy(Ls, 1)) return raise_readonly(Ls);
    lua_settop(Ls, 3);
    lua_rawset(Ls, 1);
    return 1;
}

/* setmetatable as Lua's, checked here rather than by calling the original
 * from C, so its errors carry the script's position and the name
 * 'setmetatable' as on Redis (setmetatable(1, {}) on a number, CVE-2025-46818's
 * basic types); proxies refuse as Redis's read-only tables do. */
static int l_setmetatable(lua_State *Ls) {
    int t = lua_type(Ls, 2);
    luaL_checktype(Ls, 1, LUA_TTABLE);
    luaL_argcheck(Ls, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table expected");
    if (is_proxy(Ls, 1)) return raise_readonly(Ls);
    if (luaL_getmetafield(Ls, 1, "__metatable")) return luaL_error(Ls, "cannot change a protected metatable");
    lua_settop(Ls, 2);
    lua_setmetatable(Ls, 1);
    return 1;
}

/* Replaces the table at the top with an empty read-only proxy of it. */
void sandbox_make_proxy(Sandbox *sb) {
    lua_State *L = sb->L;
    lua_newtable(L);                    /* real proxy */
    lua_newtable(L);                    /* real proxy mt */
    lua_pushvalue(L, -3);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, sandbox_readonly);
    lua_setfield(L, -2, "__newindex");
    lua_rawgeti(L, LUA_REGISTRYINDEX, sb->ref_ro_empty); /* what getmetatable shows */
    lua_setfield(L, -2, "__metatable");
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, "__kilat_ro");
    lua_setmetatable(L, -2);            /* real proxy */
    lua_remove(L, -2);                  /* proxy */
    lua_rawgeti(L, LUA_REGISTRYINDEX, sb->ref_proxies);
    lua_pushvalue(L, -2);
    lua_rawseti(L, -2, (int)lua_objlen(L, -2) + 1);
    lua_pop(L, 1);
}

/* table.insert and friends write raw: whatever a script left in a proxy
 * is dropped after it, so no state passes from one script to the next. */
static void clear_proxies(Sandbox *sb) {
    lua_State *L = sb->L;
    lua_rawgeti(L, LUA_REGISTRYINDEX, sb->ref_proxies);
    int n = (int)lua_objlen(L, -1);
    for (int i = 1; i <= n; i++) {
        lua_rawgeti(L, -1, i);
        lua_pushnil(L);
        while (lua_next(L, -2)) {
            lua_pop(L, 1);
            lua_pushvalue(L, -1);
            lua_pushnil(L);
            lua_rawset(L, -4);
            lua_pop(L, 1);
            lua_pushnil(L); /* restart: the table changed under next() */
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

static void open_lib(lua_State *L, lua_CFunction fn, const char *name, bool set_global) {
    lua_pushcfunction(L, fn);
    lua_pushstring(L, name);
    lua_call(L, 1, 1);
    if (set_global) lua_setglobal(L, name);
    else lua_pop(L, 1);
}

/* The error handler: turns any error into {err=, source=, line=} where
 * source/line are the script's position (skipping a C frame, for errors
 * raised by redis.call or error()). */
static int l_errh(lua_State *Ls) {
    lua_Debug ar;
    bool have = false;
    for (int level = 1; level <= 2 && lua_getstack(Ls, level, &ar); level++) {
        lua_getinfo(Ls, "Sl", &ar);
        have = true;
        if (strcmp(ar.what, "C") != 0) break;
    }
    if (lua_istable(Ls, 1)) {
        lua_getfield(Ls, 1, "err");
        bool has_err = lua_isstring(Ls, -1);
        lua_pop(Ls, 1);
        if (!has_err) {
            lua_pushliteral(Ls, "ERR unknown error");
            lua_setfield(Ls, 1, "err");
        }
        lua_settop(Ls, 1);
    } else {
        const char *m = lua_tostring(Ls, 1);
        lua_newtable(Ls);
        lua_pushfstring(Ls, "ERR %s", m ? m : "unknown error");
        lua_setfield(Ls, -2, "err");
    }
    if (have) {
        lua_pushstring(Ls, ar.source);
        lua_setfield(Ls, -2, "source");
        lua_pushinteger(Ls, ar.currentline);
        lua_setfield(Ls, -2, "line");
    }
    return 1;
}

/* Lua's allocator: through ds/mem.h, so INFO used_memory counts scripts,
 * and bounded: past LUA_MEM_LIMIT an allocation fails, which Lua turns into
 * a "not enough memory" error that ends the script; the garbage collector
 * then gives the memory back. */
#define LUA_MEM_LIMIT ((size_t)1 << 30)
static void *lua_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    size_t *lua_bytes_p = ud;
#define lua_bytes (*lua_bytes_p)
    if (nsize == 0) {
        if (ptr) lua_bytes -= osize;
        mem_free(ptr);
        return NULL;
    }
    size_t old = ptr ? osize : 0;
    if (nsize > old && lua_bytes + (nsize - old) > LUA_MEM_LIMIT) return NULL;
    void *q = mem_realloc(ptr, nsize);
    lua_bytes = lua_bytes - old + nsize;
    return q;
}
#undef lua_bytes

/* An error outside any pcall: a bug of ours, never a script's doing. */
static int lua_panic(lua_State *Ls) {
    log_msg(LOG_WARNING, "Lua panic: %s", lua_tostring(Ls, -1));
    abort();
}

/* unpack(t [, i [, j]]) in place of Debian's, which computes j - i + 1 in
 * an int and crashes on ranges of 2^31 elements or more; this one answers
 * "too many results to unpack" as Redis's patched Lua does. */
static int l_unpack(lua_State *Ls) {
    luaL_checktype(Ls, 1, LUA_TTABLE);
    lua_Integer i = luaL_optinteger(Ls, 2, 1);
    lua_Integer e = lua_isnoneornil(Ls, 3) ? (lua_Integer)luaL_getn(Ls, 1) : luaL_checkinteger(Ls, 3);
    if (i > e) return 0;
    int64_t n = (int64_t)e - (int64_t)i + 1;
    if (n <= 0 || n >= INT32_MAX || !lua_checkstack(Ls, (int)n))
        return luaL_error(Ls, "too many results to unpack");
    for (lua_Integer k = i; k <= e; k++) lua_rawgeti(Ls, 1, (int)k);
    return (int)n;
}

/* bit.tohex(x [, n]) guarded: Debian's bitop negates n, which overflows for
 * -2147483648 and writes out of bounds (CVE-2024-31449). Redis's fix treats
 * it as -2147483647; so does this wrapper before calling the original. */
static int l_tohex(lua_State *Ls) {
    int nargs = lua_gettop(Ls);
    if (nargs >= 2 && lua_isnumber(Ls, 2) && (int32_t)lua_tointeger(Ls, 2) == INT32_MIN) {
        lua_pushinteger(Ls, -2147483647);
        lua_replace(Ls, 2);
    }
    lua_pushvalue(Ls, lua_upvalueindex(1));
    lua_insert(Ls, 1);
    lua_call(Ls, nargs, LUA_MULTRET);
    return lua_gettop(Ls);
}

void sandbox_open(Sandbox *sb) {
    sb->bytes = 0;
    lua_State *L = sb->L = lua_newstate(lua_alloc, &sb->bytes);
    ASSERT(L);
    lua_atpanic(L, lua_panic);
    lua_newtable(L);
    sb->ref_proxies = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_pushcfunction(L, l_errh);
    sb->ref_errh = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_newtable(L);
    lua_newtable(L);
    lua_pushcfunction(L, sandbox_readonly);
    lua_setfield(L, -2, "__newindex");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, "__kilat_ro");
    lua_setmetatable(L, -2);
    lua_pushvalue(L, -1);
    sb->ref_ro_empty = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_rawgeti(L, LUA_REGISTRYINDEX, sb->ref_proxies);
    lua_insert(L, -2);
    lua_rawseti(L, -2, 1);
    lua_pop(L, 1);

    open_lib(L, luaopen_base, "", false);
    open_lib(L, luaopen_table, LUA_TABLIBNAME, false);
    open_lib(L, luaopen_string, LUA_STRLIBNAME, false);
    open_lib(L, luaopen_math, LUA_MATHLIBNAME, false);
    open_lib(L, luaopen_cjson, "cjson", true);
    open_lib(L, luaopen_bit, "bit", false);
    open_lib(L, cmsgpack_open, "cmsgpack", true);
    open_lib(L, lstruct_open, "struct", true);
    bridge_open(L);
    lua_register(L, "unpack", l_unpack);
    lua_getglobal(L, "bit");
    lua_getfield(L, -1, "tohex");
    lua_pushcclosure(L, l_tohex, 1);
    lua_setfield(L, -2, "tohex");
    lua_pop(L, 1);

    /* lua-enable-deprecated-api (a directive of Debian's Redis 7.0.15)
     * keeps the deprecated ones, as there */
    static const char *removed[] = {"print", "dofile", "loadfile", "module", "require"};
    static const char *deprecated[] = {"getfenv", "setfenv", "newproxy"};
    for (size_t i = 0; i < ARRAY_LEN(removed); i++) {
        lua_pushnil(L);
        lua_setglobal(L, removed[i]);
    }
    for (size_t i = 0; i < ARRAY_LEN(deprecated) && !cfg.lua_enable_deprecated_api; i++) {
        lua_pushnil(L);
        lua_setglobal(L, deprecated[i]);
    }
    lua_register(L, "loadstring", l_loadstring);
    lua_register(L, "load", l_load);
    lua_register(L, "rawset", l_rawset);
    lua_register(L, "pcall", l_pcall);
    lua_register(L, "setmetatable", l_setmetatable);
    lua_getglobal(L, "math");
    lua_pushcfunction(L, l_random);
    lua_setfield(L, -2, "random");
    lua_pushcfunction(L, l_randomseed);
    lua_setfield(L, -2, "randomseed");
    lua_pop(L, 1);

    /* Libraries become read-only proxies (also the strings' metatable). */
    static const char *libs[] = {"redis", "string", "table", "math", "cjson", "bit", "coroutine", "cmsgpack", "struct"};
    for (size_t i = 0; i < ARRAY_LEN(libs); i++) {
        lua_getglobal(L, libs[i]);
        sandbox_make_proxy(sb);
        lua_setglobal(L, libs[i]);
    }
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_getglobal(L, "string");
    lua_setfield(L, -2, "__index");
    lua_pushvalue(L, -1);
    sandbox_make_proxy(sb);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 2);

    /* The globals: unknown names raise; scripts and every function loaded
     * later see only the proxy. */
    lua_pushvalue(L, LUA_GLOBALSINDEX);
    lua_newtable(L);
    lua_pushcfunction(L, sandbox_no_global);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);
    lua_pushvalue(L, -1);
    sb->ref_globals = luaL_ref(L, LUA_REGISTRYINDEX);
    sandbox_make_proxy(sb);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_GLOBALSINDEX, "_G");
    lua_replace(L, LUA_GLOBALSINDEX);

}

void sandbox_close(Sandbox *sb) {
    if (sb->L) lua_close(sb->L);
    sb->L = NULL;
    sb->bytes = 0;
}

static Client *fake;

Client *sandbox_fake(void) {
    if (!fake) {
        fake = client_create(-1, false);
        fake->flags |= CLIENT_NO_BLOCK | CLIENT_AUTHENTICATED;
    }
    return fake;
}

/* ---- running ---- */

/* The time limit. Every HOOK_EVERY Lua instructions the hook checks the
 * clock; past busy-reply-threshold the server is "busy": the hook serves
 * other clients (they get -BUSY unless they send SCRIPT KILL / FUNCTION
 * KILL or SHUTDOWN NOSAVE), and after a kill it raises an error that ends
 * the script (again at every line after that, should the script catch it
 * with pcall). */
#define HOOK_EVERY 100000
static int64_t run_start_us;
static uint64_t run_dirty;     /* db_dirty() when the script started */
static bool kill_requested;
static ScriptRun *running;

const ScriptRun *sandbox_running(void) { return running; }

long long sandbox_run_ms(void) { return (long long)((clock_mono_us() - run_start_us) / 1000); }

static void busy_hook(lua_State *Ls, lua_Debug *ar) {
    UNUSED(ar);
    if (!command_busy) {
        int64_t ms = (clock_mono_us() - run_start_us) / 1000;
        if (ms < cfg.busy_reply_threshold) return;
        command_busy = true;
        command_busy_function = running && running->is_function;
        log_msg(LOG_WARNING,
                "Slow script detected: still in execution after %lld milliseconds. You can try "
                "killing the script using the %s command.",
                (long long)ms, command_busy_function ? "FUNCTION KILL" : "SCRIPT KILL");
    }
    server_serve_while_busy();
    if (kill_requested) {
        /* From now on check at every line: a pcall in the script may catch
         * this error, but the next line outside it raises it again. */
        lua_sethook(Ls, busy_hook, LUA_MASKLINE, 0);
        /* an error table, as Redis raises it: coroutine.wrap adds no
         * position to it, coroutine.resume returns it as is */
        bridge_raise(Ls, "ERR Script killed by user with SCRIPT KILL...");
    }
}

void sandbox_kill(Client *c, bool is_eval) {
    if (!command_busy || !running) {
        reply_error(c, "NOTBUSY No scripts in execution right now.");
    } else if (db_dirty() != run_dirty) {
        reply_error(c, "UNKILLABLE Sorry the script already executed write commands against the "
                       "dataset. You can either wait the script termination or kill the server in "
                       "a hard way using the SHUTDOWN NOSAVE command.");
    } else if (is_eval && running->is_function) {
        reply_error(c, "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.");
    } else if (!is_eval && !running->is_function) {
        reply_error(c, "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.");
    } else {
        kill_requested = true;
        reply_ok(c);
    }
}

void sandbox_call(Sandbox *sb, ScriptRun *run, int nargs, const char *name) {
    lua_State *L = sb->L;
    Client *c = run->caller;
    int base = lua_gettop(L) - nargs - 1;
    lua_rawgeti(L, LUA_REGISTRYINDEX, sb->ref_errh);
    lua_insert(L, base + 1);
    run->fake = sandbox_fake();
    run->fake->db = c->db;
    run->fake->user = c->user; /* redis.call runs with the caller's permissions */
    run->fake->db_index = c->db_index;
    run->oom = evict_enabled && evict_out_of_memory();
    run->name = name;
    bridge_run = run;
    running = run;
    run_start_us = clock_mono_us();
    run_dirty = db_dirty();
    kill_requested = false;
    lua_sethook(L, busy_hook, LUA_MASKCOUNT, HOOK_EVERY);
    propagate_unit_begin(); /* the script propagates as its effects */
    int rc = lua_pcall(L, nargs, 1, base + 1);
    propagate_unit_end();
    lua_sethook(L, NULL, 0, 0);
    if (command_busy) {
        command_busy = false;
        command_busy_function = false;
        log_msg(LOG_WARNING, "Slow script finished after %lld milliseconds.",
                (long long)((clock_mono_us() - run_start_us) / 1000));
    }
    bridge_run = NULL;
    running = NULL;
    if (rc == 0) {
        bridge_reply(c, L, run->resp);
    } else if (lua_istable(L, -1)) {
        lua_getfield(L, -1, "err");
        lua_getfield(L, -2, "source");
        lua_getfield(L, -3, "line");
        const char *err = lua_tostring(L, -3), *src = lua_tostring(L, -2);
        char msg[1024];
        snprintf(msg, sizeof msg, "%s script: %s, on %s:%d.", err ? err : "ERR unknown error", name,
                 src ? src : "?", (int)lua_tointeger(L, -1));
        if (bridge_error_counted(L, -4)) reply_error_counted(c, msg); /* raised by redis.call */
        else reply_error(c, msg);
    } else if (run->is_function) { /* out of memory, or an error in the handler */
        const char *m = lua_tostring(L, -1);
        reply_errorf(c, "ERR Error running script %s, %.100s", name, m ? m : "execution failure");
    } else {
        const char *m = lua_tostring(L, -1);
        reply_errorf(c, "ERR Error running script (call to f_%s): %s", name, m ? m : "unknown error");
    }
    lua_settop(L, base);
    clear_proxies(sb);
    /* Give garbage back between scripts: a small incremental step each
     * time, a full collection after a script ran out of memory. */
    if (rc == LUA_ERRMEM) lua_gc(L, LUA_GCCOLLECT, 0);
    else lua_gc(L, LUA_GCSTEP, 1);
}
