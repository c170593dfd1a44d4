/* script/script.c -- EVAL's Lua state (a sandbox.c Sandbox), the script
 * cache and the EVAL / EVALSHA / EVAL_RO / EVALSHA_RO / SCRIPT commands.
 * The cache maps sha1 -> compiled function in a registry table until
 * SCRIPT FLUSH, which replaces the whole state. */
#include "script.h"

#include <lauxlib.h>
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
#include "sandbox.h"
#include "sha1.h"

static Sandbox sb;
static lua_State *L;                 /* sb.L */
static int ref_scripts = LUA_NOREF;  /* sha -> function */
static size_t cached_count, cached_bytes; /* the cache, for INFO */

Client *script_caller_of(const Client *c) {
    return bridge_run && bridge_run->fake == c ? bridge_run->caller : NULL;
}

size_t script_memory(void) { return sb.bytes; }
size_t script_cached_count(void) { return cached_count; }
size_t script_cached_bytes(void) { return cached_bytes; }

static lua_State *state(void) {
    if (!L) {
        sandbox_open(&sb);
        L = sb.L;
        lua_newtable(L);
        ref_scripts = luaL_ref(L, LUA_REGISTRYINDEX);
    }
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
    int rc = sandbox_load_text(L, body, len, "@user_script");
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
static void run_script(Client *c, const char *sha, int64_t numkeys, bool read_only) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, sb.ref_globals);
    set_array_global("KEYS", 3, (int)numkeys, c);
    set_array_global("ARGV", 3 + (int)numkeys, c->argc - 3 - (int)numkeys, c);
    lua_pop(L, 1);
    int sflags = cache_flags(sha);
    ScriptRun run = {.caller = c, .read_only = read_only, .resp = 2, .repl = 3,
                     .allow_oom = (sflags & (SCRIPT_ALLOW_OOM | SCRIPT_NO_WRITES)) != 0};
    sandbox_call(&sb, &run, 0, sha);
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
        sandbox_close(&sb);
        L = NULL;
    }
    cached_count = cached_bytes = 0;
    reply_ok(c);
}

static void cmd_script_kill(Client *c) { sandbox_kill(c, true); }

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
