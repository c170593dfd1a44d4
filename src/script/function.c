/* script/function.c -- FCALL, FCALL_RO and FUNCTION LOAD / DELETE / LIST /
 * FLUSH / STATS / KILL / HELP (DUMP and RESTORE are persist/'s, through
 * the hooks of function.h). Libraries live in function_lib.c. Replies and
 * errors are Redis 7.0's. LOAD, DELETE, FLUSH and RESTORE count as a change
 * so they propagate (AOF) as themselves; FCALL propagates as its effects. */
#include "function_int.h"

#include <lauxlib.h>
#include <stdio.h>
#include <string.h>

#include "../core/args.h"
#include "../core/db.h"
#include "../core/monitor.h"
#include "../core/reply.h"
#include "../ds/glob.h"
#include "../ds/num.h"

void (*function_dump_hook)(Client *c);
void (*function_restore_hook)(Client *c);

static void reply_sub_syntax(Client *c) {
    reply_errorf(c, "ERR unknown subcommand or wrong number of arguments for '%.*s'. Try FUNCTION HELP.",
                 (int)c->argl[1], c->argv[1]);
}

/* ---- FCALL ---- */

static void fcall_generic(Client *c, bool ro) {
    /* fed to MONITOR before the commands the function runs */
    if (UNLIKELY(monitor_count)) monitor_feed_now(c);
    Function *f = function_find(c->argv[1], c->argl[1]);
    if (!f) {
        reply_error(c, "ERR Function not found");
        return;
    }
    int64_t numkeys;
    if (!arg_int64(c, 2, &numkeys)) {
        reply_error(c, "ERR Bad number of keys provided");
        return;
    }
    if (numkeys > c->argc - 3) {
        reply_error(c, "ERR Number of keys can't be greater than number of args");
        return;
    }
    if (numkeys < 0) {
        reply_error(c, "ERR Number of keys can't be negative");
        return;
    }
    if (ro && !(f->flags & FN_NO_WRITES)) {
        reply_error(c, "ERR Can not execute a script with write flag using *_ro command.");
        return;
    }
    lua_State *L = function_state();
    lua_rawgeti(L, LUA_REGISTRYINDEX, f->ref);
    int nk = (int)numkeys, na = c->argc - 3 - nk;
    lua_createtable(L, nk, 0);
    for (int i = 0; i < nk; i++) {
        lua_pushlstring(L, c->argv[3 + i], c->argl[3 + i]);
        lua_rawseti(L, -2, i + 1);
    }
    lua_createtable(L, na, 0);
    for (int i = 0; i < na; i++) {
        lua_pushlstring(L, c->argv[3 + nk + i], c->argl[3 + nk + i]);
        lua_rawseti(L, -2, i + 1);
    }
    ScriptRun run = {.caller = c, .read_only = ro || (f->flags & FN_NO_WRITES), .resp = 2, .repl = 3,
                     .allow_oom = (f->flags & (FN_ALLOW_OOM | FN_NO_WRITES)) != 0, .is_function = true};
    sandbox_call(&function_sb, &run, 2, f->name);
}

static void cmd_fcall(Client *c) { fcall_generic(c, false); }
static void cmd_fcall_ro(Client *c) { fcall_generic(c, true); }

/* The flags of this FCALL: the function's declared flags replace the
 * command's WRITE / DENYOOM / STALE / MAY_REPLICATE, as Redis 7.0 does. */
static uint32_t fcall_flags(const Client *c, const Command *cmd) {
    if (c->argc < 2) return cmd->flags;
    Function *f = function_find(c->argv[1], c->argl[1]);
    if (!f) return cmd->flags;
    uint32_t fl = cmd->flags & ~(uint32_t)(CMD_STALE | CMD_DENYOOM | CMD_WRITE | CMD_MAY_REPLICATE);
    if (!(f->flags & (FN_ALLOW_OOM | FN_NO_WRITES))) fl |= CMD_DENYOOM;
    if (!(f->flags & FN_NO_WRITES)) fl |= CMD_WRITE;
    if (f->flags & FN_ALLOW_STALE) fl |= CMD_STALE;
    return fl;
}

/* ---- FUNCTION ---- */

static void cmd_function_load(Client *c) {
    bool replace = false;
    int i = 2;
    while (i < c->argc - 1) {
        if (arg_is(c, i, "replace")) {
            replace = true;
            i++;
            continue;
        }
        reply_errorf(c, "ERR Unknown option given: %.*s", (int)c->argl[i], c->argv[i]);
        return;
    }
    if (i >= c->argc) {
        reply_error(c, "ERR Function code is missing");
        return;
    }
    char err[1024], name[300];
    /* a client replaying (AOF) has no time limit */
    bool timed = !(c->flags & CLIENT_FAKE);
    if (!function_set_add_timed(function_current_set(), c->argv[i], c->argl[i], replace, timed, name,
                                sizeof name, err, sizeof err)) {
        reply_errorf(c, "ERR %s", err);
        return;
    }
    db_add_dirty(1);
    reply_cstr(c, name);
}

static void cmd_function_delete(Client *c) {
    FunctionSet *s = function_current_set();
    size_t i = function_set_index(s, c->argv[2], c->argl[2]);
    if (i == SIZE_MAX) {
        reply_error(c, "ERR Library not found");
        return;
    }
    function_lib_free(function_set_unlink(s, i));
    db_add_dirty(1);
    reply_ok(c);
}

static void reply_flags(Client *c, int flags) {
    int n = 0, fl;
    for (int i = 0; function_flag_name(i, &fl); i++)
        if (flags & fl) n++;
    reply_set(c, n);
    for (int i = 0; function_flag_name(i, &fl); i++)
        if (flags & fl) reply_status(c, function_flag_name(i, &fl));
}

static void cmd_function_list(Client *c) {
    bool with_code = false;
    const char *pat = NULL;
    size_t plen = 0;
    for (int i = 2; i < c->argc; i++) {
        if (!with_code && arg_is(c, i, "withcode")) {
            with_code = true;
            continue;
        }
        if (!pat && arg_is(c, i, "libraryname")) {
            if (i >= c->argc - 1) {
                reply_error(c, "ERR library name argument was not given");
                return;
            }
            i++;
            pat = c->argv[i];
            plen = c->argl[i];
            continue;
        }
        reply_errorf(c, "ERR Unknown argument %.*s", (int)c->argl[i], c->argv[i]);
        return;
    }
    FunctionSet *s = function_current_set();
    size_t n = 0;
    for (size_t i = 0; i < s->n; i++)
        if (!pat || glob_match(pat, plen, s->libs[i]->name, s->libs[i]->nlen, true)) n++;
    reply_array(c, (int64_t)n);
    for (size_t i = 0; i < s->n; i++) {
        const Library *lib = s->libs[i];
        if (pat && !glob_match(pat, plen, lib->name, lib->nlen, true)) continue;
        reply_map(c, with_code ? 4 : 3);
        reply_cstr(c, "library_name");
        reply_bulk(c, lib->name, lib->nlen);
        reply_cstr(c, "engine");
        reply_cstr(c, "LUA");
        reply_cstr(c, "functions");
        reply_array(c, lib->nfns);
        for (int k = 0; k < lib->nfns; k++) {
            const Function *f = lib->fns[k];
            reply_map(c, 3);
            reply_cstr(c, "name");
            reply_cstr(c, f->name);
            reply_cstr(c, "description");
            if (f->desc) reply_cstr(c, f->desc);
            else reply_null(c);
            reply_cstr(c, "flags");
            reply_flags(c, f->flags);
        }
        if (with_code) {
            reply_cstr(c, "library_code");
            reply_bulk(c, lib->code, lib->clen);
        }
    }
}

static void cmd_function_flush(Client *c) {
    if (c->argc > 3) {
        reply_sub_syntax(c);
        return;
    }
    if (c->argc == 3 && !arg_is(c, 2, "sync") && !arg_is(c, 2, "async")) {
        reply_error(c, "ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
        return;
    }
    function_flush_all();
    db_add_dirty(1);
    reply_ok(c);
}

static void cmd_function_stats(Client *c) {
    const ScriptRun *run = sandbox_running();
    if (run && !run->is_function) {
        reply_error(c, "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.");
        return;
    }
    reply_map(c, 2);
    reply_cstr(c, "running_script");
    if (!run) {
        reply_null(c);
    } else {
        reply_map(c, 3);
        reply_cstr(c, "name");
        reply_cstr(c, run->name);
        reply_cstr(c, "command");
        reply_array(c, run->caller->argc);
        for (int i = 0; i < run->caller->argc; i++) reply_bulk(c, run->caller->argv[i], run->caller->argl[i]);
        reply_cstr(c, "duration_ms");
        reply_int(c, sandbox_run_ms());
    }
    reply_cstr(c, "engines");
    reply_map(c, 1);
    reply_cstr(c, "LUA");
    reply_map(c, 2);
    reply_cstr(c, "libraries_count");
    reply_int(c, (int64_t)function_lib_count());
    reply_cstr(c, "functions_count");
    reply_int(c, (int64_t)function_count());
}

static void cmd_function_kill(Client *c) { sandbox_kill(c, false); }

static void cmd_function_dump(Client *c) {
    if (function_dump_hook) function_dump_hook(c);
    else reply_error(c, "ERR FUNCTION DUMP is not available");
}

static void cmd_function_restore(Client *c) {
    if (c->argc > 4) {
        reply_sub_syntax(c);
        return;
    }
    if (function_restore_hook) function_restore_hook(c);
    else reply_error(c, "ERR FUNCTION RESTORE is not available");
}

static void cmd_function_help(Client *c) {
    static const char *lines[] = {
        "FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "LOAD [REPLACE] <FUNCTION CODE>",
        "    Create a new library with the given library name and code.",
        "DELETE <LIBRARY NAME>",
        "    Delete the given library.",
        "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
        "    Return general information on all the libraries:",
        "    * Library name",
        "    * The engine used to run the Library",
        "    * Library description",
        "    * Functions list",
        "    * Library code (if WITHCODE is given)",
        "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
        "STATS",
        "    Return information about the current function running:",
        "    * Function name",
        "    * Command used to run the function",
        "    * Duration in MS that the function is running",
        "    If no function is running, return nil",
        "    In addition, returns a list of available engines.",
        "KILL",
        "    Kill the current running function.",
        "FLUSH [ASYNC|SYNC]",
        "    Delete all the libraries.",
        "    When called without the optional mode argument, the behavior is determined by the",
        "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
        "    * ASYNC: Asynchronously flush the libraries.",
        "    * SYNC: Synchronously flush the libraries.",
        "DUMP",
        "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
        "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
        "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
        "    control how to handle existing libraries (default APPEND):",
        "    * FLUSH: delete all existing libraries.",
        "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
        "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
        "      libraries with the new libraries (notice that even on this option there is a chance of failure",
        "      in case of functions name collision with another library).",
        "HELP",
        "    Prints this help.",
    };
    reply_help(c, lines, ARRAY_LEN(lines));
}

#define SCR "scripting"
#define ACL_SCR "@slow @scripting"
#define ACL_W "@write @slow @scripting"

static Command function_subs[] = {
    {"delete", cmd_function_delete, 3, CMD_NOSCRIPT | CMD_WRITE, 0, 0, 0, SCR, "Delete a function by name", "7.0.0", "O(1)", ACL_W, NULL},
    {"dump", cmd_function_dump, 2, CMD_NOSCRIPT, 0, 0, 0, SCR, "Dump all functions into a serialized binary payload", "7.0.0", "O(N) where N is the number of functions", ACL_SCR, NULL},
    {"flush", cmd_function_flush, -2, CMD_NOSCRIPT | CMD_WRITE, 0, 0, 0, SCR, "Deleting all functions", "7.0.0", "O(N) where N is the number of functions deleted", ACL_W, NULL},
    {"help", cmd_function_help, 2, CMD_LOADING | CMD_STALE, 0, 0, 0, SCR, "Show helpful text about the different subcommands", "7.0.0", "O(1)", ACL_SCR, NULL},
    {"kill", cmd_function_kill, 2, CMD_NOSCRIPT | CMD_ALLOW_BUSY, 0, 0, 0, SCR, "Kill the function currently in execution.", "7.0.0", "O(1)", ACL_SCR, NULL},
    {"list", cmd_function_list, -2, CMD_NOSCRIPT, 0, 0, 0, SCR, "List information about all the functions", "7.0.0", "O(N) where N is the number of functions", ACL_SCR, NULL},
    {"load", cmd_function_load, -3, CMD_NOSCRIPT | CMD_WRITE | CMD_DENYOOM, 0, 0, 0, SCR, "Create a function with the given arguments (name, code, description)", "7.0.0", "O(1) (considering compilation time is redundant)", ACL_W, NULL},
    {"restore", cmd_function_restore, -3, CMD_NOSCRIPT | CMD_WRITE | CMD_DENYOOM, 0, 0, 0, SCR, "Restore all the functions on the given payload", "7.0.0", "O(N) where N is the number of functions on the payload", ACL_W, NULL},
    {"stats", cmd_function_stats, 2, CMD_NOSCRIPT | CMD_ALLOW_BUSY, 0, 0, 0, SCR, "Return information about the function currently running (name, description, duration)", "7.0.0", "O(1)", ACL_SCR, NULL},
    {0},
};

#define FCALLF (CMD_NOSCRIPT | CMD_STALE | CMD_SKIP_MONITOR | CMD_MOVABLE_KEYS)
#define CX_FCALL "Depends on the function that is executed."

Command function_commands[] = {
    {"fcall", cmd_fcall, -3, FCALLF | CMD_MAY_REPLICATE, 0, 0, 0, SCR, "Invoke a function", "7.0.0", CX_FCALL, ACL_SCR, NULL, fcall_flags},
    {"fcall_ro", cmd_fcall_ro, -3, FCALLF | CMD_READONLY, 0, 0, 0, SCR, "Invoke a read-only function", "7.0.0", CX_FCALL, ACL_SCR, NULL, fcall_flags},
    {"function", NULL, -2, CMD_SIGNALS_NO_KEY, 0, 0, 0, SCR, "A container for function commands", "7.0.0", "Depends on subcommand.", "@slow", function_subs},
    {0},
};
