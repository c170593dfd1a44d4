/* script/script.c -- the Lua state, its sandbox, the script cache and the
 * EVAL / EVALSHA / EVAL_RO / EVALSHA_RO / SCRIPT commands.
 *
 * Sandbox: only base (minus file, env and print functions), table, string,
 * math, cjson, bit, cmsgpack and struct are opened. Scripts see the
 * globals through an empty read-only proxy whose __index is the real
 * globals table; every library table is proxied the same way, so
 * assignments raise Redis 7.0's "Attempt to modify a readonly table" and
 * unknown names "Script attempted to access nonexistent global variable". Bytecode is never loaded. The cache maps
 * sha1 -> compiled function in a registry table until SCRIPT FLUSH, which
 * replaces the whole state. */
#include "script.h"

#include <lauxlib.h>
#include <lua-bitop.h>
#include <lua-cjson.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/args.h"
#include "../core/command.h"
#include "../core/config.h"
#include "../core/db.h"
#include "../core/evict.h"
#include "../core/log.h"
#include "../core/monitor.h"
#include "../core/propagate.h"
#include "../core/reply.h"
#include "../core/server.h"
#include "../ds/mem.h"
#include "../os/clock.h"
#include "bridge.h"
#include "cmsgpack.h"
#include "lstruct.h"
#include "sha1.h"

static lua_State *L;
static Client *fake;
static int ref_globals = LUA_NOREF;  /* the real globals table */
static int ref_scripts = LUA_NOREF;  /* sha -> function */
static int ref_proxies = LUA_NOREF;  /* array of read-only proxies */
static int ref_errh = LUA_NOREF;     /* the error handler */
static int ref_ro_empty = LUA_NOREF; /* empty read-only table */
static size_t cached_count, cached_bytes; /* the cache, for INFO */

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
static int load_text(lua_State *Ls, const char *buf, size_t len, const char *name) {
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
    if (load_text(Ls, s, len, name) == 0) return 1;
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
    if (load_text(Ls, s, len, name) == 0) return 1;
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

static int l_readonly(lua_State *Ls) { return luaL_error(Ls, "Attempt to modify a readonly table"); }

static int l_no_global(lua_State *Ls) {
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
static void make_proxy(void) {
    lua_newtable(L);                    /* real proxy */
    lua_newtable(L);                    /* real proxy mt */
    lua_pushvalue(L, -3);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, l_readonly);
    lua_setfield(L, -2, "__newindex");
    lua_rawgeti(L, LUA_REGISTRYINDEX, ref_ro_empty); /* what getmetatable shows */
    lua_setfield(L, -2, "__metatable");
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, "__kilat_ro");
    lua_setmetatable(L, -2);            /* real proxy */
    lua_remove(L, -2);                  /* proxy */
    lua_rawgeti(L, LUA_REGISTRYINDEX, ref_proxies);
    lua_pushvalue(L, -2);
    lua_rawseti(L, -2, (int)lua_objlen(L, -2) + 1);
    lua_pop(L, 1);
}

/* table.insert and friends write raw: whatever a script left in a proxy
 * is dropped after it, so no state passes from one script to the next. */
static void clear_proxies(void) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, ref_proxies);
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

static void open_lib(lua_CFunction fn, const char *name, bool set_global) {
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
static size_t lua_bytes;

static void *lua_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    UNUSED(ud);
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

Client *script_caller_of(const Client *c) {
    return bridge_run && bridge_run->fake == c ? bridge_run->caller : NULL;
}

size_t script_memory(void) { return lua_bytes; }
size_t script_cached_count(void) { return cached_count; }
size_t script_cached_bytes(void) { return cached_bytes; }

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

static void state_create(void) {
    L = lua_newstate(lua_alloc, NULL);
    ASSERT(L);
    lua_atpanic(L, lua_panic);
    lua_newtable(L);
    ref_proxies = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_newtable(L);
    ref_scripts = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_pushcfunction(L, l_errh);
    ref_errh = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_newtable(L);
    lua_newtable(L);
    lua_pushcfunction(L, l_readonly);
    lua_setfield(L, -2, "__newindex");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, "__kilat_ro");
    lua_setmetatable(L, -2);
    lua_pushvalue(L, -1);
    ref_ro_empty = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_rawgeti(L, LUA_REGISTRYINDEX, ref_proxies);
    lua_insert(L, -2);
    lua_rawseti(L, -2, 1);
    lua_pop(L, 1);

    open_lib(luaopen_base, "", false);
    open_lib(luaopen_table, LUA_TABLIBNAME, false);
    open_lib(luaopen_string, LUA_STRLIBNAME, false);
    open_lib(luaopen_math, LUA_MATHLIBNAME, false);
    open_lib(luaopen_cjson, "cjson", true);
    open_lib(luaopen_bit, "bit", false);
    open_lib(cmsgpack_open, "cmsgpack", true);
    open_lib(lstruct_open, "struct", true);
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
        make_proxy();
        lua_setglobal(L, libs[i]);
    }
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_getglobal(L, "string");
    lua_setfield(L, -2, "__index");
    lua_pushvalue(L, -1);
    make_proxy();
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 2);

    /* The globals: unknown names raise; scripts and every function loaded
     * later see only the proxy. */
    lua_pushvalue(L, LUA_GLOBALSINDEX);
    lua_newtable(L);
    lua_pushcfunction(L, l_no_global);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);
    lua_pushvalue(L, -1);
    ref_globals = luaL_ref(L, LUA_REGISTRYINDEX);
    make_proxy();
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_GLOBALSINDEX, "_G");
    lua_replace(L, LUA_GLOBALSINDEX);

    if (!fake) {
        fake = client_create(-1, false);
        fake->flags |= CLIENT_NO_BLOCK | CLIENT_AUTHENTICATED;
    }
}

static lua_State *state(void) {
    if (!L) state_create();
    return L;
}

/* ---- the cache ---- */

/* What a script's shebang declared, kept in the cache beside it. */
enum { SCRIPT_SHEBANG = 1, SCRIPT_NO_WRITES = 2, SCRIPT_ALLOW_OOM = 4 };

/* The cache table's key for a script's SCRIPT_* flags ("ro:<sha>"). */
static const char *flag_key(const char *sha) {
    static char key[48];
    snprintf(key, sizeof key, "ro:%s", sha);
    return key;
}

/* Pushes the cached function for sha (40 hex chars, any case), or returns
 * false with nothing pushed. */
static bool cache_get(const char *sha, size_t len) {
    if (len != 40) return false;
    char low[41];
    for (int i = 0; i < 40; i++) low[i] = (char)((sha[i] >= 'A' && sha[i] <= 'Z') ? sha[i] + 32 : sha[i]);
    low[40] = '\0';
    lua_rawgeti(L, LUA_REGISTRYINDEX, ref_scripts);
    lua_getfield(L, -1, low);
    lua_remove(L, -2);
    if (lua_isfunction(L, -1)) return true;
    lua_pop(L, 1);
    return false;
}

/* Reads a "#!lua [flags=a,b]" first line: *no_writes for flags=no-writes.
 * Returns NULL, or the error Redis 7.0 gives for the line (in errbuf when
 * it names a word of the line). */
static const char *shebang_parse(const char *body, size_t len, int *flags, char *errbuf,
                                 size_t errlen) {
    const char *nl = memchr(body, '\n', len);
    if (!nl) return "ERR Invalid script shebang";
    size_t llen = (size_t)(nl - body);
    char line[512];
    if (llen >= sizeof line) llen = sizeof line - 1;
    memcpy(line, body, llen);
    line[llen] = '\0';
    char *save = NULL, *tok = strtok_r(line, " ", &save);
    if (!tok || strcmp(tok, "#!lua") != 0) {
        snprintf(errbuf, errlen, "ERR Unexpected engine in script shebang: %s", tok ? tok : "");
        return errbuf;
    }
    while ((tok = strtok_r(NULL, " ", &save))) {
        if (strncmp(tok, "flags=", 6) != 0) {
            snprintf(errbuf, errlen, "ERR Unknown lua shebang option: %s", tok);
            return errbuf;
        }
        char *fsave = NULL;
        for (char *f = strtok_r(tok + 6, ",", &fsave); f; f = strtok_r(NULL, ",", &fsave)) {
            if (strcmp(f, "no-writes") == 0) *flags |= SCRIPT_NO_WRITES;
            else if (strcmp(f, "allow-oom") == 0) *flags |= SCRIPT_ALLOW_OOM;
            else if (strcmp(f, "allow-stale") && strcmp(f, "no-cluster") &&
                     strcmp(f, "allow-cross-slot-keys")) {
                snprintf(errbuf, errlen, "ERR Unexpected flag in script shebang: %s", f);
                return errbuf;
            }
        }
    }
    return NULL;
}

static bool shebang_or_reply(Client *c, const char *body, size_t len, int *flags) {
    char errbuf[600];
    const char *err = shebang_parse(body, len, flags, errbuf, sizeof errbuf);
    if (err) reply_error(c, err);
    return !err;
}

static bool has_shebang(const char *body, size_t len) {
    return len >= 2 && body[0] == '#' && body[1] == '!';
}

/* Compiles body and caches it under its sha1 (written to sha); pushes the
 * function. A "#!lua" first line is read for its flags (no-writes is kept
 * as flags[sha] in the cache) and compiled as a comment, so line numbers
 * stay right. On a compile error replies and returns false. */
static bool cache_add_or_reply(Client *c, const char *body, size_t len, char sha[41]) {
    sha1_hex(body, len, sha);
    if (cache_get(sha, 40)) return true;
    int sheb = 0;
    char *copy = NULL;
    bool shebang = has_shebang(body, len);
    if (shebang) {
        if (!shebang_or_reply(c, body, len, &sheb)) return false;
        copy = malloc(len);
        ASSERT(copy);
        memcpy(copy, body, len);
        copy[0] = copy[1] = '-';
        body = copy;
    }
    int rc = load_text(L, body, len, "@user_script");
    free(copy);
    if (rc != 0) {
        const char *msg = lua_tostring(L, -1);
        reply_errorf(c, "ERR Error compiling script (new function): %s", msg ? msg : "?");
        lua_pop(L, 1);
        return false;
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, ref_scripts);
    lua_pushvalue(L, -2);
    lua_setfield(L, -2, sha);
    cached_count++;
    cached_bytes += len;
    if (shebang) { /* its flags: SCRIPT_SHEBANG, SCRIPT_NO_WRITES */
        lua_pushinteger(L, SCRIPT_SHEBANG | sheb);
        lua_setfield(L, -2, flag_key(sha));
    }
    lua_pop(L, 1);
    return true;
}

/* The SCRIPT_* flags of the cached script sha (lower case). */
static int cache_flags(const char *sha) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, ref_scripts);
    lua_getfield(L, -1, flag_key(sha));
    int v = (int)lua_tointeger(L, -1);
    lua_pop(L, 2);
    return v;
}


/* ---- running ---- */

static void set_array_global(const char *name, int from, int n, const Client *c) {
    lua_createtable(L, n, 0);
    for (int i = 0; i < n; i++) {
        lua_pushlstring(L, c->argv[from + i], c->argl[from + i]);
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, name);
}

/* Runs the function at the top of the stack (popped) with KEYS/ARGV from
 * c->argv[3..] and replies. */
/* The time limit. Every HOOK_EVERY Lua instructions the hook checks the
 * clock; past busy-reply-threshold the server is "busy": the hook serves
 * other clients (they get -BUSY unless they send SCRIPT KILL or SHUTDOWN
 * NOSAVE), and after SCRIPT KILL it raises an error that ends the script
 * (again at every line after that, should the script catch it with pcall). */
#define HOOK_EVERY 100000
static int64_t run_start_us;
static uint64_t run_dirty;     /* db_dirty() when the script started */
static bool kill_requested;

static void busy_hook(lua_State *Ls, lua_Debug *ar) {
    UNUSED(ar);
    if (!command_busy) {
        int64_t ms = (clock_mono_us() - run_start_us) / 1000;
        if (ms < cfg.busy_reply_threshold) return;
        command_busy = true;
        log_msg(LOG_WARNING,
                "Slow script detected: still in execution after %lld milliseconds. You can try "
                "killing the script using the SCRIPT KILL command.",
                (long long)ms);
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

static void run_script(Client *c, const char *sha, int64_t numkeys, bool read_only) {
    int base = lua_gettop(L) - 1;
    lua_rawgeti(L, LUA_REGISTRYINDEX, ref_globals);
    set_array_global("KEYS", 3, (int)numkeys, c);
    set_array_global("ARGV", 3 + (int)numkeys, c->argc - 3 - (int)numkeys, c);
    lua_pop(L, 1);

    lua_rawgeti(L, LUA_REGISTRYINDEX, ref_errh);
    lua_insert(L, -2);
    int sflags = cache_flags(sha);
    ScriptRun run = {.caller = c, .fake = fake, .read_only = read_only, .resp = 2, .repl = 3,
                     .allow_oom = (sflags & (SCRIPT_ALLOW_OOM | SCRIPT_NO_WRITES)) != 0,
                     .oom = evict_enabled && evict_out_of_memory()};
    fake->db = c->db;
    fake->user = c->user; /* redis.call runs with the caller's permissions */
    fake->db_index = c->db_index;
    bridge_run = &run;
    run_start_us = clock_mono_us();
    run_dirty = db_dirty();
    kill_requested = false;
    lua_sethook(L, busy_hook, LUA_MASKCOUNT, HOOK_EVERY);
    propagate_unit_begin(); /* the script propagates as its effects */
    int rc = lua_pcall(L, 0, 1, base + 1);
    propagate_unit_end();
    lua_sethook(L, NULL, 0, 0);
    if (command_busy) {
        command_busy = false;
        log_msg(LOG_WARNING, "Slow script finished after %lld milliseconds.",
                (long long)((clock_mono_us() - run_start_us) / 1000));
    }
    bridge_run = NULL;
    if (rc == 0) {
        bridge_reply(c, L, run.resp);
    } else if (lua_istable(L, -1)) {
        lua_getfield(L, -1, "err");
        lua_getfield(L, -2, "source");
        lua_getfield(L, -3, "line");
        const char *err = lua_tostring(L, -3), *src = lua_tostring(L, -2);
        char msg[1024];
        snprintf(msg, sizeof msg, "%s script: %s, on %s:%d.", err ? err : "ERR unknown error", sha,
                 src ? src : "?", (int)lua_tointeger(L, -1));
        if (bridge_error_counted(L, -4)) reply_error_counted(c, msg); /* raised by redis.call */
        else reply_error(c, msg);
    } else { /* out of memory, or an error in the handler */
        const char *m = lua_tostring(L, -1);
        reply_errorf(c, "ERR Error running script (call to f_%s): %s", sha, m ? m : "unknown error");
    }
    lua_settop(L, base);
    clear_proxies();
    /* Give garbage back between scripts: a small incremental step each
     * time, a full collection after a script ran out of memory. */
    if (rc == LUA_ERRMEM) lua_gc(L, LUA_GCCOLLECT, 0);
    else lua_gc(L, LUA_GCSTEP, 1);
}

static bool numkeys_or_reply(Client *c, int64_t *numkeys) {
    if (!arg_int64_or_reply(c, 2, numkeys)) return false;
    if (*numkeys > c->argc - 3) {
        reply_error(c, "ERR Number of keys can't be greater than number of args");
        return false;
    }
    if (*numkeys < 0) {
        reply_error(c, "ERR Number of keys can't be negative");
        return false;
    }
    return true;
}

static void eval_generic(Client *c, bool by_sha, bool read_only) {
    int64_t numkeys;
    /* Redis shows EVAL before its script's commands, even when it fails */
    if (UNLIKELY(monitor_count)) monitor_feed_now(c);
    if (!numkeys_or_reply(c, &numkeys)) return;
    state();
    char sha[41];
    if (by_sha) {
        if (!cache_get(c->argv[1], c->argl[1])) {
            reply_error(c, "NOSCRIPT No matching script. Please use EVAL.");
            return;
        }
        for (int i = 0; i < 40; i++) sha[i] = (char)((c->argv[1][i] >= 'A' && c->argv[1][i] <= 'Z') ? c->argv[1][i] + 32 : c->argv[1][i]);
        sha[40] = '\0';
    } else if (!cache_add_or_reply(c, c->argv[1], c->argl[1], sha)) {
        return;
    }
    int sflags = cache_flags(sha);
    if (read_only && (sflags & SCRIPT_SHEBANG) && !(sflags & SCRIPT_NO_WRITES)) {
        lua_pop(L, 1); /* the function cache_get/cache_add pushed */
        reply_error(c, "ERR Can not execute a script with write flag using *_ro command.");
        return;
    }
    run_script(c, sha, numkeys, read_only || (sflags & SCRIPT_NO_WRITES));
}

/* EVAL's flags for this call, as Redis 7.0 derives them: a script with a
 * shebang declares whether it writes (WRITE unless no-writes, never
 * MAY_REPLICATE); one without keeps the command's own (EVAL may
 * replicate, EVAL_RO reads). A script not cached (EVALSHA) or a shebang
 * in error keeps them too: the call fails anyway. */
static uint32_t eval_flags(const Client *c, const Command *cmd) {
    const char *body = c->argv[1];
    size_t len = c->argl[1];
    int sflags = 0;
    bool by_sha = cmd->name[4] == 's'; /* "evalsha", "evalsha_ro" */
    if (by_sha) {
        char sha[41];
        if (!L || len != 40) return cmd->flags;
        for (int i = 0; i < 40; i++) sha[i] = (char)((body[i] >= 'A' && body[i] <= 'Z') ? body[i] + 32 : body[i]);
        sha[40] = '\0';
        sflags = cache_flags(sha);
    } else if (has_shebang(body, len)) {
        int sheb = 0;
        char errbuf[600];
        if (shebang_parse(body, len, &sheb, errbuf, sizeof errbuf)) return cmd->flags;
        sflags = SCRIPT_SHEBANG | sheb;
    }
    if (!(sflags & SCRIPT_SHEBANG)) return cmd->flags;
    uint32_t f = cmd->flags & ~(uint32_t)(CMD_WRITE | CMD_MAY_REPLICATE | CMD_DENYOOM);
    /* allow-oom (and no-writes, which implies it) keep the script out of
     * the -OOM refusal */
    if (sflags & SCRIPT_NO_WRITES) return f;
    return f | CMD_WRITE | ((sflags & SCRIPT_ALLOW_OOM) ? 0 : CMD_DENYOOM);
}

static void cmd_eval(Client *c) { eval_generic(c, false, false); }
static void cmd_evalsha(Client *c) { eval_generic(c, true, false); }
static void cmd_eval_ro(Client *c) { eval_generic(c, false, true); }
static void cmd_evalsha_ro(Client *c) { eval_generic(c, true, true); }

/* ---- SCRIPT ---- */

static void cmd_script_load(Client *c) {
    state();
    char sha[41];
    if (!cache_add_or_reply(c, c->argv[2], c->argl[2], sha)) return;
    lua_pop(L, 1);
    reply_bulk(c, sha, 40);
}

static void cmd_script_exists(Client *c) {
    state();
    reply_array(c, c->argc - 2);
    for (int i = 2; i < c->argc; i++) {
        bool found = cache_get(c->argv[i], c->argl[i]);
        if (found) lua_pop(L, 1);
        reply_int(c, found);
    }
}

static void cmd_script_flush(Client *c) {
    if (c->argc > 3 || (c->argc == 3 && !arg_is(c, 2, "sync") && !arg_is(c, 2, "async"))) {
        reply_error(c, "ERR SCRIPT FLUSH only support SYNC|ASYNC option");
        return;
    }
    if (L) {
        lua_close(L);
        L = NULL;
    }
    cached_count = cached_bytes = 0;
    reply_ok(c);
}

static void cmd_script_kill(Client *c) {
    if (!command_busy) {
        reply_error(c, "NOTBUSY No scripts in execution right now.");
    } else if (db_dirty() != run_dirty) {
        reply_error(c, "UNKILLABLE Sorry the script already executed write commands against the "
                       "dataset. You can either wait the script termination or kill the server in "
                       "a hard way using the SHUTDOWN NOSAVE command.");
    } else {
        kill_requested = true;
        reply_ok(c);
    }
}

static void cmd_script_help(Client *c) {
    static const char *lines[] = {
        "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "DEBUG (YES|SYNC|NO)",
        "    Set the debug mode for subsequent scripts executed.",
        "EXISTS <sha1> [<sha1> ...]",
        "    Return information about the existence of the scripts in the script cache.",
        "FLUSH [ASYNC|SYNC]",
        "    Flush the Lua scripts cache. Very dangerous on replicas.",
        "    When called without the optional mode argument, the behavior is determined by the",
        "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
        "    * ASYNC: Asynchronously flush the scripts cache.",
        "    * SYNC: Synchronously flush the scripts cache.",
        "KILL",
        "    Kill the currently executing Lua script.",
        "LOAD <script>",
        "    Load a script into the scripts cache without executing it.",
        "HELP",
        "    Prints this help.",
    };
    reply_help(c, lines, ARRAY_LEN(lines));
}

/* SCRIPT DEBUG YES|SYNC|NO -- kilat has no Lua debugger: the modes are
 * accepted (so that tools and the test suite that switch them go on) and
 * scripts keep running normally, without a debugging session. */
static void cmd_script_debug(Client *c) {
    if (!arg_is(c, 2, "yes") && !arg_is(c, 2, "sync") && !arg_is(c, 2, "no")) {
        reply_error(c, "ERR Use SCRIPT DEBUG YES/SYNC/NO");
        return;
    }
    reply_ok(c);
}

#define SCR "scripting"
#define ACL_SCR "@slow @scripting"
#define CX_EVAL "Depends on the script that is executed."
#define SUBF (CMD_NOSCRIPT | CMD_STALE)

static Command script_subs[] = {
    {"debug", cmd_script_debug, 3, CMD_NOSCRIPT, 0, 0, 0, SCR, "Set the debug mode for executed scripts.", "3.2.0", "O(1)", ACL_SCR, NULL},
    {"exists", cmd_script_exists, -3, SUBF, 0, 0, 0, SCR, "Check existence of scripts in the script cache.", "2.6.0", "O(N) with N being the number of scripts to check (so checking a single script is an O(1) operation).", ACL_SCR, NULL},
    {"flush", cmd_script_flush, -2, SUBF, 0, 0, 0, SCR, "Remove all the scripts from the script cache.", "2.6.0", "O(N) with N being the number of scripts in cache", ACL_SCR, NULL},
    {"help", cmd_script_help, 2, CMD_LOADING | CMD_STALE, 0, 0, 0, SCR, "Show helpful text about the different subcommands", "5.0.0", "O(1)", ACL_SCR, NULL},
    {"kill", cmd_script_kill, 2, CMD_NOSCRIPT | CMD_ALLOW_BUSY, 0, 0, 0, SCR, "Kill the script currently in execution.", "2.6.0", "O(1)", ACL_SCR, NULL},
    {"load", cmd_script_load, 3, SUBF, 0, 0, 0, SCR, "Load the specified Lua script into the script cache.", "2.6.0", "O(N) with N being the length in bytes of the script body.", ACL_SCR, NULL},
    {0},
};

#define EVALF (CMD_NOSCRIPT | CMD_STALE | CMD_SKIP_MONITOR | CMD_MOVABLE_KEYS)

Command script_commands[] = {
    {"eval", cmd_eval, -3, EVALF | CMD_MAY_REPLICATE, 0, 0, 0, SCR, "Execute a Lua script server side", "2.6.0", CX_EVAL, ACL_SCR, NULL, eval_flags},
    {"evalsha", cmd_evalsha, -3, EVALF | CMD_MAY_REPLICATE, 0, 0, 0, SCR, "Execute a Lua script server side", "2.6.0", CX_EVAL, ACL_SCR, NULL, eval_flags},
    {"eval_ro", cmd_eval_ro, -3, EVALF | CMD_READONLY, 0, 0, 0, SCR, "Execute a read-only Lua script server side", "7.0.0", CX_EVAL, ACL_SCR, NULL, eval_flags},
    {"evalsha_ro", cmd_evalsha_ro, -3, EVALF | CMD_READONLY, 0, 0, 0, SCR, "Execute a read-only Lua script server side", "7.0.0", CX_EVAL, ACL_SCR, NULL, eval_flags},
    {"script", NULL, -2, 0, 0, 0, 0, SCR, "A container for Lua scripts management commands", "2.6.0", "Depends on subcommand.", "@slow", script_subs},
    {0},
};
