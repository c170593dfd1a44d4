/* script/function_lib.c -- the libraries of functions and their Lua state:
 * parsing a library's "#!lua name=..." line, running its code in the load
 * environment where only redis.register_function (and redis.log, the
 * version) exists, and the sets of libraries that FUNCTION LOAD, DELETE,
 * FLUSH and RESTORE change. The commands are function.c's.
 *
 * Names: library names are case-sensitive, function names are not (FCALL
 * finds "F" as "f"), both as in Redis 7.0. The error texts are Redis's. */
#include "function_int.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ds/words.h"
#include "../ds/mem.h"
#include "../os/clock.h"
#include "sandbox.h"

Sandbox function_sb;
FunctionSet *function_current;
static int ref_loadenv = LUA_NOREF; /* the globals seen while a library loads */

/* ---- sets ---- */

static const char *fn_key(const void *entry, size_t *len) {
    const Function *f = entry;
    *len = f->klen;
    return f->key;
}

static const HtType fn_type = {offsetof(Function, next), fn_key, NULL, NULL};

FunctionSet *function_set_new(void) {
    FunctionSet *s = mem_calloc(sizeof(*s));
    s->fns = ht_create(&fn_type);
    return s;
}

static void fn_free(Function *f) {
    if (function_sb.L && f->ref != LUA_NOREF) luaL_unref(function_sb.L, LUA_REGISTRYINDEX, f->ref);
    mem_free(f->key);
    mem_free(f->name);
    mem_free(f->desc);
    mem_free(f);
}

void function_lib_free(Library *lib) {
    for (int i = 0; i < lib->nfns; i++) fn_free(lib->fns[i]);
    mem_free(lib->fns);
    mem_free(lib->name);
    mem_free(lib->code);
    mem_free(lib);
}

void function_set_free(FunctionSet *s) {
    if (!s) return;
    for (size_t i = 0; i < s->n; i++) function_lib_free(s->libs[i]);
    mem_free(s->libs);
    ht_destroy(s->fns);
    mem_free(s);
}

size_t function_set_index(const FunctionSet *s, const char *name, size_t len) {
    for (size_t i = 0; i < s->n; i++)
        if (s->libs[i]->nlen == len && memcmp(s->libs[i]->name, name, len) == 0) return i;
    return SIZE_MAX;
}

/* Takes lib out of s (its functions leave s's table); returns it. */
Library *function_set_unlink(FunctionSet *s, size_t i) {
    Library *lib = s->libs[i];
    for (int k = 0; k < lib->nfns; k++) ht_remove(s->fns, lib->fns[k]->key, lib->fns[k]->klen);
    memmove(s->libs + i, s->libs + i + 1, (s->n - i - 1) * sizeof(*s->libs));
    s->n--;
    s->nfns -= (size_t)lib->nfns;
    return lib;
}

/* Puts lib in s; its functions must not be in s already. */
static void set_link(FunctionSet *s, Library *lib) {
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 8;
        s->libs = mem_realloc(s->libs, s->cap * sizeof(*s->libs));
    }
    s->libs[s->n++] = lib;
    for (int k = 0; k < lib->nfns; k++) ht_add(s->fns, lib->fns[k]);
    s->nfns += (size_t)lib->nfns;
}

Function *function_find(const char *name, size_t len) {
    if (!function_current || !function_current->nfns || len == 0) return NULL;
    char small[128];
    char *low = len <= sizeof small ? small : mem_alloc(len);
    for (size_t i = 0; i < len; i++) low[i] = (char)((name[i] >= 'A' && name[i] <= 'Z') ? name[i] + 32 : name[i]);
    Function *f = ht_find(function_current->fns, low, len);
    if (low != small) mem_free(low);
    return f;
}

/* ---- the Lua state ---- */

static Library *loading;     /* the library whose code runs now (LOAD) */
static int64_t load_start_us;
static bool load_timed;      /* FUNCTION LOAD: 500 ms; RDB/AOF/RESTORE: none */

#define LOAD_TIMEOUT_MS 500

static int raise_err(lua_State *L, const char *msg) {
    char buf[512];
    snprintf(buf, sizeof buf, "ERR %s", msg);
    return bridge_raise(L, buf);
}

static bool name_ok(const char *s, size_t len) {
    if (len == 0) return false;
    for (size_t i = 0; i < len; i++) {
        char ch = s[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_'))
            return false;
    }
    return true;
}

#define NAME_RULES "Library names can only contain letters, numbers, or underscores(_) and must be at least one character long"

static const struct {
    const char *name;
    int flag;
} flag_names[] = {
    {"no-writes", FN_NO_WRITES},  {"allow-oom", FN_ALLOW_OOM},   {"allow-stale", FN_ALLOW_STALE},
    {"no-cluster", FN_NO_CLUSTER}, {"allow-cross-slot-keys", FN_ALLOW_CROSS_SLOT},
};

const char *function_flag_name(int i, int *flag) {
    if (i < 0 || (size_t)i >= ARRAY_LEN(flag_names)) return NULL;
    *flag = flag_names[i].flag;
    return flag_names[i].name;
}

/* The flags table at the top of the stack; false on an unknown flag or a
 * value that is no string. */
static bool read_flags(lua_State *L, int *flags) {
    for (int j = 1;; j++) {
        lua_pushnumber(L, j);
        lua_gettable(L, -2);
        if (lua_isnil(L, -1)) {
            lua_pop(L, 1);
            return true;
        }
        if (!lua_isstring(L, -1)) {
            lua_pop(L, 1);
            return false;
        }
        const char *s = lua_tostring(L, -1);
        bool found = false;
        for (size_t k = 0; k < ARRAY_LEN(flag_names); k++)
            if (strcasecmp(s, flag_names[k].name) == 0) {
                *flags |= flag_names[k].flag;
                found = true;
                break;
            }
        lua_pop(L, 1);
        if (!found) return false;
    }
}

static char *dup_lua_string(lua_State *L, int idx, size_t *len) {
    size_t n;
    const char *s = lua_tolstring(L, idx, &n);
    char *d = mem_alloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    if (len) *len = n;
    return d;
}

/* redis.register_function(name, callback) or
 * redis.register_function{function_name=, callback=, flags=, description=} */
static int l_register(lua_State *L) {
    if (!loading) return raise_err(L, "redis.register_function can only be called on FUNCTION LOAD command");
    int argc = lua_gettop(L);
    if (argc < 1 || argc > 2) return raise_err(L, "wrong number of arguments to redis.register_function");
    char *name = NULL, *desc = NULL;
    size_t nlen = 0;
    int flags = 0, ref = LUA_NOREF;
    const char *err = NULL;
    if (argc == 1) {
        if (!lua_istable(L, 1)) {
            err = "calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).";
            goto fail;
        }
        lua_pushnil(L);
        while (lua_next(L, 1)) {
            if (!lua_isstring(L, -2)) {
                err = "named argument key given to redis.register_function is not a string";
                goto fail;
            }
            const char *key = lua_tostring(L, -2);
            if (!strcasecmp(key, "function_name")) {
                if (!lua_isstring(L, -1)) {
                    err = "function_name argument given to redis.register_function must be a string";
                    goto fail;
                }
                mem_free(name);
                name = dup_lua_string(L, -1, &nlen);
            } else if (!strcasecmp(key, "description")) {
                if (!lua_isstring(L, -1)) {
                    err = "description argument given to redis.register_function must be a string";
                    goto fail;
                }
                mem_free(desc);
                desc = dup_lua_string(L, -1, NULL);
            } else if (!strcasecmp(key, "callback")) {
                if (!lua_isfunction(L, -1)) {
                    err = "callback argument given to redis.register_function must be a function";
                    goto fail;
                }
                if (ref != LUA_NOREF) luaL_unref(L, LUA_REGISTRYINDEX, ref);
                ref = luaL_ref(L, LUA_REGISTRYINDEX); /* pops the value */
                continue;
            } else if (!strcasecmp(key, "flags")) {
                if (!lua_istable(L, -1)) {
                    err = "flags argument to redis.register_function must be a table representing function flags";
                    goto fail;
                }
                if (!read_flags(L, &flags)) {
                    err = "unknown flag given";
                    goto fail;
                }
            } else {
                err = "unknown argument given to redis.register_function";
                goto fail;
            }
            lua_pop(L, 1);
        }
        if (!name) {
            err = "redis.register_function must get a function name argument";
            goto fail;
        }
        if (ref == LUA_NOREF) {
            err = "redis.register_function must get a callback argument";
            goto fail;
        }
    } else {
        if (!lua_isstring(L, 1)) {
            err = "first argument to redis.register_function must be a string";
            goto fail;
        }
        if (!lua_isfunction(L, 2)) {
            err = "second argument to redis.register_function must be a function";
            goto fail;
        }
        name = dup_lua_string(L, 1, &nlen);
        lua_settop(L, 2);
        ref = luaL_ref(L, LUA_REGISTRYINDEX);
    }
    if (!name_ok(name, nlen)) {
        err = NAME_RULES;
        goto fail;
    }
    /* case-sensitive here (Redis's library dict); "f" and "F" in one
     * library both load and FCALL finds the first, as there */
    for (int i = 0; i < loading->nfns; i++)
        if (strcmp(loading->fns[i]->name, name) == 0) {
            err = "Function already exists in the library";
            goto fail;
        }
    Function *f = mem_calloc(sizeof(*f));
    f->name = name;
    f->key = mem_alloc(nlen + 1);
    for (size_t i = 0; i <= nlen; i++) f->key[i] = (char)((name[i] >= 'A' && name[i] <= 'Z') ? name[i] + 32 : name[i]);
    f->klen = nlen;
    f->desc = desc;
    f->flags = flags;
    f->ref = ref;
    f->lib = loading;
    if (loading->nfns == loading->cap) {
        loading->cap = loading->cap ? loading->cap * 2 : 4;
        loading->fns = mem_realloc(loading->fns, (size_t)loading->cap * sizeof(*loading->fns));
    }
    loading->fns[loading->nfns++] = f;
    return 0;
fail:
    mem_free(name);
    mem_free(desc);
    if (ref != LUA_NOREF) luaL_unref(L, LUA_REGISTRYINDEX, ref);
    return raise_err(L, err);
}

/* FUNCTION LOAD's time limit on the library's top-level code. */
static void load_hook(lua_State *L, lua_Debug *ar) {
    UNUSED(ar);
    if (!load_timed || (clock_mono_us() - load_start_us) / 1000 <= LOAD_TIMEOUT_MS) return;
    lua_sethook(L, load_hook, LUA_MASKLINE, 0);
    raise_err(L, "FUNCTION LOAD timeout");
}

static void set_num(lua_State *L, const char *k, lua_Number v) {
    lua_pushnumber(L, v);
    lua_setfield(L, -2, k);
}

static lua_State *state(void) {
    if (function_sb.L) return function_sb.L;
    sandbox_open(&function_sb);
    lua_State *L = function_sb.L;
    /* the load environment: globals = {redis = <load API>}, where every
     * other name raises "nonexistent global variable" */
    lua_newtable(L);                        /* load globals */
    lua_newtable(L);                        /* load redis */
    lua_pushcfunction(L, l_register);
    lua_setfield(L, -2, "register_function");
    lua_getglobal(L, "redis");              /* the run-time API (a proxy) */
    lua_getfield(L, -1, "log");
    lua_setfield(L, -3, "log");
    lua_getfield(L, -1, "REDIS_VERSION");
    lua_setfield(L, -3, "REDIS_VERSION");
    lua_pop(L, 1);
    set_num(L, "REDIS_VERSION_NUM", 0x07000f);
    set_num(L, "LOG_DEBUG", 0);
    set_num(L, "LOG_VERBOSE", 1);
    set_num(L, "LOG_NOTICE", 2);
    set_num(L, "LOG_WARNING", 3);
    lua_newtable(L);
    lua_pushcfunction(L, sandbox_no_global);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);
    sandbox_make_proxy(&function_sb);
    lua_setfield(L, -2, "redis");
    lua_newtable(L);
    lua_pushcfunction(L, sandbox_no_global);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);
    ref_loadenv = luaL_ref(L, LUA_REGISTRYINDEX);
    return L;
}

lua_State *function_state(void) { return state(); }

/* Points the globals proxy's __index at the load environment or back. */
static void globals_index(lua_State *L, int ref) {
    lua_getmetatable(L, LUA_GLOBALSINDEX);
    lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
}

/* Runs the library's code (body: after its first line) so it registers
 * its functions into lib. */
static bool lib_run(Library *lib, const char *body, size_t blen, bool timed, char *err, size_t errlen) {
    lua_State *L = state();
    if (sandbox_load_text(L, body, blen, "@user_function") != 0) {
        const char *m = lua_tostring(L, -1);
        snprintf(err, errlen, "Error compiling function: %s", m ? m : "?");
        lua_pop(L, 1);
        return false;
    }
    globals_index(L, ref_loadenv);
    loading = lib;
    load_timed = timed;
    load_start_us = clock_mono_us();
    lua_sethook(L, load_hook, LUA_MASKCOUNT, 100000);
    int rc = lua_pcall(L, 0, 0, 0);
    lua_sethook(L, NULL, 0, 0);
    loading = NULL;
    globals_index(L, function_sb.ref_globals);
    if (rc == 0) return true;
    const char *m = NULL;
    if (lua_istable(L, -1)) {
        lua_getfield(L, -1, "err");
        m = lua_tostring(L, -1);
        snprintf(err, errlen, "Error registering functions: %s", m ? m : "ERR unknown error");
        lua_pop(L, 1);
    } else {
        m = lua_tostring(L, -1);
        snprintf(err, errlen, "Error registering functions: ERR %s", m ? m : "unknown error");
    }
    lua_pop(L, 1);
    if (rc == LUA_ERRMEM) lua_gc(L, LUA_GCCOLLECT, 0);
    return false;
}

/* ---- library code: "#!<engine> name=<lib>\n<code>" ---- */

/* Reads the first line; on success *name (mem_alloc'd) and *body (the
 * code from the line's '\n', so line numbers stay right). */
static bool parse_meta(const char *code, size_t len, char **name, size_t *nlen, const char **body,
                       char *err, size_t errlen) {
    if (len < 2 || code[0] != '#' || code[1] != '!') {
        snprintf(err, errlen, "Missing library metadata");
        return false;
    }
    const char *nl = memchr(code, '\n', len);
    if (!nl) {
        snprintf(err, errlen, "Invalid library metadata");
        return false;
    }
    size_t llen = (size_t)(nl - code);
    char *line = mem_alloc(llen + 1);
    memcpy(line, code, llen);
    line[llen] = '\0';
    Args a = {0};
    bool ok = split_args(line, &a);
    mem_free(line);
    if (!ok || a.argc == 0) {
        args_free(&a);
        snprintf(err, errlen, "Invalid library metadata");
        return false;
    }
    char *nm = NULL;
    for (int i = 1; i < a.argc; i++) {
        if (strncasecmp(a.argv[i], "name=", 5) == 0) {
            if (nm) {
                snprintf(err, errlen, "Invalid metadata value, name argument was given multiple times");
                goto fail;
            }
            nm = a.argv[i] + 5;
            continue;
        }
        snprintf(err, errlen, "Invalid metadata value given: %.400s", a.argv[i]);
        goto fail;
    }
    if (!nm) {
        snprintf(err, errlen, "Library name was not given");
        goto fail;
    }
    /* the engine: the first word without "#!" */
    const char *engine = a.argv[0] + 2;
    size_t n = strlen(nm);
    if (!name_ok(nm, n)) {
        snprintf(err, errlen, NAME_RULES);
        goto fail;
    }
    if (strcasecmp(engine, "lua") != 0) {
        snprintf(err, errlen, "Engine '%.200s' not found", engine);
        goto fail;
    }
    *name = mem_alloc(n + 1);
    memcpy(*name, nm, n + 1);
    *nlen = n;
    *body = nl;
    args_free(&a);
    return true;
fail:
    args_free(&a);
    return false;
}

bool function_set_add_timed(FunctionSet *s, const char *code, size_t len, bool replace, bool timed,
                            char *name_out, size_t name_cap, char *err, size_t errlen) {
    char *name;
    size_t nlen;
    const char *body;
    if (!parse_meta(code, len, &name, &nlen, &body, err, errlen)) return false;
    size_t old_i = function_set_index(s, name, nlen);
    if (old_i != SIZE_MAX && !replace) {
        snprintf(err, errlen, "Library '%s' already exists", name);
        mem_free(name);
        return false;
    }
    Library *lib = mem_calloc(sizeof(*lib));
    lib->name = name;
    lib->nlen = nlen;
    lib->code = mem_alloc(len + 1);
    memcpy(lib->code, code, len);
    lib->code[len] = '\0';
    lib->clen = len;
    if (!lib_run(lib, body, len - (size_t)(body - code), timed, err, errlen)) {
        function_lib_free(lib);
        return false;
    }
    if (lib->nfns == 0) {
        snprintf(err, errlen, "No functions registered");
        function_lib_free(lib);
        return false;
    }
    const Library *old = old_i != SIZE_MAX ? s->libs[old_i] : NULL;
    for (int k = 0; k < lib->nfns; k++) {
        Function *other = ht_find(s->fns, lib->fns[k]->key, lib->fns[k]->klen);
        if (other && other->lib != old) {
            snprintf(err, errlen, "Function %s already exists", lib->fns[k]->name);
            function_lib_free(lib);
            return false;
        }
    }
    if (old) function_lib_free(function_set_unlink(s, old_i));
    set_link(s, lib);
    if (name_out) snprintf(name_out, name_cap, "%s", lib->name);
    return true;
}

bool function_set_add(FunctionSet *s, const char *code, size_t len, bool replace, char *err,
                      size_t errlen) {
    return function_set_add_timed(s, code, len, replace, false, NULL, 0, err, errlen);
}

static FunctionSet *current(void) {
    if (!function_current) function_current = function_set_new();
    return function_current;
}

FunctionSet *function_current_set(void) { return current(); }

bool function_set_commit(FunctionSet *s, int how, char *err, size_t errlen) {
    FunctionSet *cur = current();
    if (how == FUNCTION_FLUSH) {
        function_set_free(cur);
        function_current = s;
        return true;
    }
    /* first every check, then the changes: a failure changes nothing */
    for (size_t i = 0; i < s->n; i++) {
        size_t j = function_set_index(cur, s->libs[i]->name, s->libs[i]->nlen);
        if (j != SIZE_MAX && how != FUNCTION_REPLACE) {
            snprintf(err, errlen, "Library %s already exists", s->libs[i]->name);
            return false;
        }
    }
    for (size_t i = 0; i < s->n; i++) {
        const Library *lib = s->libs[i];
        for (int k = 0; k < lib->nfns; k++) {
            Function *other = ht_find(cur->fns, lib->fns[k]->key, lib->fns[k]->klen);
            /* a function of a library the set replaces does not collide */
            if (other && function_set_index(s, other->lib->name, other->lib->nlen) == SIZE_MAX) {
                snprintf(err, errlen, "Function %s already exists", lib->fns[k]->name);
                return false;
            }
        }
    }
    while (s->n) {
        Library *lib = function_set_unlink(s, 0);
        size_t j = function_set_index(cur, lib->name, lib->nlen);
        if (j != SIZE_MAX) function_lib_free(function_set_unlink(cur, j));
        set_link(cur, lib);
    }
    function_set_free(s);
    return true;
}

bool function_load_library(const char *code, size_t len, bool replace, char *err, size_t errlen) {
    return function_set_add(current(), code, len, replace, err, errlen);
}

void function_flush_all(void) {
    function_set_free(function_current);
    function_current = function_set_new();
    if (function_sb.L) lua_gc(function_sb.L, LUA_GCCOLLECT, 0);
}

size_t function_lib_count(void) { return function_current ? function_current->n : 0; }

const char *function_lib_code(size_t i, size_t *len) {
    *len = function_current->libs[i]->clen;
    return function_current->libs[i]->code;
}

size_t function_count(void) { return function_current ? function_current->nfns : 0; }

size_t function_memory(void) { return function_sb.bytes; }
