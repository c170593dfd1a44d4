/* script/bridge.c -- what a script sees of the server: redis.call/pcall run
 * real commands through a fake client (no socket) whose reply bytes are
 * parsed back into Lua values, and the Lua value a script returns becomes
 * the caller's reply. Both conversions follow Redis 7.0 (RESP2 and, after
 * redis.setresp(3), RESP3). */
#include "bridge.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/command.h"
#include "../core/db.h"
#include "../core/log.h"
#include "../core/propagate.h"
#include "../core/reply.h"
#include "../core/stats.h"
#include "sha1.h"

ScriptRun *bridge_run;
bool bridge_allow_noscript;

#define COUNTED_FIELD "ignore_error_stats_update"

#define MAX_DEPTH 1000 /* nesting of replies/tables converted */

/* ---- errors ---- */

void bridge_push_error(lua_State *L, const char *msg, size_t len) {
    if (len && msg[0] == '-') {
        const char *sp = memchr(msg, ' ', len);
        if (sp) {
            msg++, len--; /* "-CODE text": keep the code */
        } else {
            msg++, len--;
            lua_newtable(L);
            lua_pushliteral(L, "err");
            lua_pushliteral(L, "ERR ");
            lua_pushlstring(L, msg, len);
            lua_concat(L, 2);
            lua_rawset(L, -3);
            return;
        }
    }
    lua_newtable(L);
    lua_pushliteral(L, "err");
    lua_pushlstring(L, msg, len);
    lua_rawset(L, -3);
}

int bridge_raise(lua_State *L, const char *msg) {
    lua_newtable(L);
    lua_pushliteral(L, "err");
    lua_pushstring(L, msg);
    lua_rawset(L, -3);
    return lua_error(L);
}

/* ---- RESP bytes -> Lua ---- */

static const char *line_end(const char *p, const char *end) {
    const char *q = memchr(p, '\r', (size_t)(end - p));
    return q ? q : end;
}

static long long num_at(const char *p) { return strtoll(p, NULL, 10); }

static void set_field(lua_State *L, const char *name) { /* t[name] = top */
    lua_pushstring(L, name);
    lua_insert(L, -2);
    lua_rawset(L, -3);
}

/* Pushes the reply at p as a Lua value; returns the byte after it. resp3
 * selects Redis's RESP3 mapping (maps, sets, doubles, booleans, null). */
static const char *push_reply(lua_State *L, const char *p, const char *end, int depth) {
    if (p >= end) {
        lua_pushnil(L);
        return end;
    }
    if (depth > MAX_DEPTH || !lua_checkstack(L, 8)) luaL_error(L, "reached lua stack limit");
    char type = *p++;
    const char *le = line_end(p, end);
    const char *next = le + 2 <= end ? le + 2 : end;
    switch (type) {
    case '+':
        lua_newtable(L);
        lua_pushlstring(L, p, (size_t)(le - p));
        set_field(L, "ok");
        return next;
    case '-':
        lua_newtable(L);
        lua_pushlstring(L, p, (size_t)(le - p));
        set_field(L, "err");
        return next;
    case ':':
        lua_pushnumber(L, (lua_Number)num_at(p));
        return next;
    case '$':
    case '=': {
        long long n = num_at(p);
        if (n < 0) {
            lua_pushboolean(L, 0);
            return next;
        }
        if (type == '=' && n >= 4) { /* verbatim: "txt:" then the text */
            lua_newtable(L);
            lua_pushlstring(L, next + 4, (size_t)n - 4);
            set_field(L, "string");
            lua_pushlstring(L, next, 3);
            set_field(L, "format");
            lua_newtable(L);
            lua_insert(L, -2);
            set_field(L, "verbatim_string");
        } else {
            lua_pushlstring(L, next, (size_t)n);
        }
        return next + n + 2;
    }
    case '*':
    case '~':
    case '%':
    case '>': {
        long long n = num_at(p);
        if (n < 0) {
            lua_pushboolean(L, 0);
            return next;
        }
        p = next;
        lua_newtable(L);
        if (type == '*' || type == '>') {
            for (long long i = 1; i <= n; i++) {
                p = push_reply(L, p, end, depth + 1);
                lua_rawseti(L, -2, (int)i);
            }
            return p;
        }
        for (long long i = 0; i < n; i++) {
            p = push_reply(L, p, end, depth + 1);
            if (type == '%') p = push_reply(L, p, end, depth + 1);
            else lua_pushboolean(L, 1);
            lua_rawset(L, -3);
        }
        lua_newtable(L);
        lua_insert(L, -2);
        set_field(L, type == '%' ? "map" : "set");
        return p;
    }
    case '_':
        lua_pushnil(L);
        return next;
    case ',':
        lua_newtable(L);
        lua_pushnumber(L, strtod(p, NULL));
        set_field(L, "double");
        return next;
    case '#':
        lua_pushboolean(L, *p == 't');
        return next;
    case '(':
        lua_newtable(L);
        lua_pushlstring(L, p, (size_t)(le - p));
        set_field(L, "big_number");
        return next;
    case '|': { /* attributes: skipped, the value follows */
        long long n = num_at(p);
        p = next;
        for (long long i = 0; i < 2 * n; i++) {
            p = push_reply(L, p, end, depth + 1);
            lua_pop(L, 1);
        }
        return push_reply(L, p, end, depth);
    }
    default:
        lua_pushnil(L);
        return end;
    }
}

/* ---- redis.call / redis.pcall ---- */

/* The error table on top of the stack was counted in errorstats: the
 * script returning or raising it must not count it again (the field
 * name is Redis's, visible to scripts as there). */
static void mark_counted(lua_State *L) {
    lua_pushliteral(L, COUNTED_FIELD);
    lua_pushboolean(L, 1);
    lua_rawset(L, -3);
}

bool bridge_error_counted(lua_State *L, int idx) {
    lua_pushliteral(L, COUNTED_FIELD);
    lua_rawget(L, idx < 0 ? idx - 1 : idx);
    bool counted = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return counted;
}

static bool arity_ok(const Command *cmd, int argc) {
    return cmd->arity > 0 ? argc == cmd->arity : argc >= -cmd->arity;
}

/* The command that will run: a container's subcommand when it has one. */
static const Command *resolve(const Command *cmd, int argc, const char **argv, const size_t *argl) {
    if (!cmd->subs || argc < 2) return cmd;
    for (const Command *s = cmd->subs; s->name; s++)
        if (strlen(s->name) == argl[1] && strncasecmp(s->name, argv[1], argl[1]) == 0) return s;
    return cmd;
}

/* Checks a call before it runs; NULL if it may run, else the error. */
static const char *call_refusal(const Command *cmd, int argc, const char **argv, const size_t *argl) {
    if (!cmd) return "ERR Unknown Redis command called from script";
    if (!arity_ok(cmd, argc)) return "ERR Wrong number of args calling Redis command from script";
    const Command *run = resolve(cmd, argc, argv, argl);
    if (((cmd->flags | run->flags) & CMD_NOSCRIPT) && !bridge_allow_noscript)
        return "ERR This Redis command is not allowed from script";
    /* may-replicate counts as a write: CLIENT PAUSE WRITE lets read-only
     * scripts run (Redis 7.0's rule) */
    if ((run->flags & (CMD_WRITE | CMD_MAY_REPLICATE)) && bridge_run->read_only)
        return "ERR Write commands are not allowed from read-only scripts.";
    /* Redis 7.0's scriptVerifyOOM: a script that started over maxmemory may
     * not begin writing with a deny-oom command (once it wrote, it runs to
     * its end: a script is never stopped halfway) */
    if (bridge_run->oom && !bridge_run->allow_oom && !bridge_run->wrote && (run->flags & CMD_DENYOOM) &&
        !command_loading)
        return "OOM command not allowed when used memory > 'maxmemory'.";
    return NULL;
}

/* redis.call raises msg; redis.pcall returns it as {err=msg}. */
static int call_error(lua_State *L, bool raise, const char *msg) {
    if (raise) return bridge_raise(L, msg);
    bridge_push_error(L, msg, strlen(msg));
    return 1;
}

static int redis_call(lua_State *L, bool raise) {
    ScriptRun *run = bridge_run;
    int argc = lua_gettop(L);
    if (argc == 0) return call_error(L, raise, "ERR Please specify at least one argument for this redis lib call");
    if (!run) return call_error(L, raise, "ERR redis.call is only available inside a script");
    for (int i = 1; i <= argc; i++) {
        int t = lua_type(L, i);
        if (t == LUA_TNUMBER) { /* %.17g, as Redis: 0.1 -> "0.10000000000000001" */
            char buf[64];
            int n = snprintf(buf, sizeof buf, "%.17g", (double)lua_tonumber(L, i));
            lua_pushlstring(L, buf, (size_t)n);
            lua_replace(L, i);
        } else if (t != LUA_TSTRING) {
            return call_error(L, raise, "ERR Lua redis lib command arguments must be strings or integers");
        }
    }
    size_t n = (size_t)(unsigned)argc;
    const char **argv = malloc(sizeof(*argv) * n);
    size_t *argl = malloc(sizeof(*argl) * n);
    ASSERT(argv && argl);
    for (int i = 0; i < argc; i++) argv[i] = lua_tolstring(L, i + 1, &argl[i]);

    Command *known = command_lookup(argv[0], argl[0]);
    const char *refusal = call_refusal(known, argc, argv, argl);
    if (refusal) {
        /* counted now, as a rejected call of the command (Redis does) */
        stats_count_error(refusal);
        if (known) ((Command *)resolve(known, argc, argv, argl))->rejected++;
        free(argv);
        free(argl);
        bridge_push_error(L, refusal, strlen(refusal));
        mark_counted(L);
        if (raise) return lua_error(L);
        return 1;
    }
    Client *f = run->fake;
    f->resp = run->resp;
    f->argc = argc;
    f->argv = argv;
    f->argl = argl;
    f->olen = f->osent = 0;
    uint64_t dirty = db_dirty();
    /* redis.set_repl() without REPL_AOF: the effects stay out of the AOF
     * (the one sink there is; replicas will need a target per effect) */
    bool hold = !(run->repl & 1);
    if (hold) propagate_suspend();
    command_execute(f);
    if (hold) propagate_resume();
    if (db_dirty() != dirty) run->wrote = true;
    f->argc = 0;
    f->argv = NULL;
    f->argl = NULL;
    free(argv);
    free(argl);
    lua_settop(L, 0); /* the arguments: room for the reply (7999 args fit) */

    const char *p = f->obuf + f->osent, *end = f->obuf + f->olen;
    bool is_error = p < end && *p == '-';
    push_reply(L, p, end, 0);
    f->olen = f->osent = 0;
    if (is_error) mark_counted(L); /* reply_error counted it */
    if (is_error && raise) return lua_error(L); /* the {err=...} table */
    return 1;
}

/* redis.acl_check_cmd(cmd, args...): may the script's caller run it
 * (its user's rules; nothing logged)? */
static int l_acl_check_cmd(lua_State *L) {
    ScriptRun *run = bridge_run;
    int argc = lua_gettop(L);
    if (!run) return bridge_raise(L, "ERR redis.acl_check_cmd can only be called inside a script invocation");
    if (argc == 0) return bridge_raise(L, "ERR Please specify at least one argument for this redis lib call");
    const char *argv[64];
    size_t argl[64];
    if (argc > 64) argc = 64; /* enough for any command's keys to be seen */
    for (int i = 1; i <= argc; i++) {
        int t = lua_type(L, i);
        if (t == LUA_TNUMBER) {
            char buf[64];
            int n = snprintf(buf, sizeof buf, "%.17g", (double)lua_tonumber(L, i));
            lua_pushlstring(L, buf, (size_t)n);
            lua_replace(L, i);
        } else if (t != LUA_TSTRING) {
            return bridge_raise(L, "ERR Lua redis lib command arguments must be strings or integers");
        }
        argv[i - 1] = lua_tolstring(L, i, &argl[i - 1]);
    }
    const Command *cmd = command_lookup(argv[0], argl[0]);
    if (cmd && cmd->subs && argc >= 2) {
        const Command *sub = resolve(cmd, argc, argv, argl);
        cmd = sub != cmd ? sub : NULL;
    }
    if (!cmd) return bridge_raise(L, "ERR Invalid command passed to redis.acl_check_cmd()");
    bool ok = !command_acl_permits ||
              command_acl_permits(run->caller->user, cmd, argv, argl, argc);
    lua_pushboolean(L, ok);
    return 1;
}

static int l_call(lua_State *L) { return redis_call(L, true); }
static int l_pcall(lua_State *L) { return redis_call(L, false); }

/* ---- the other redis.* functions ---- */

static int l_error_reply(lua_State *L) {
    if (lua_gettop(L) != 1 || lua_type(L, 1) != LUA_TSTRING) /* returned, not raised */
        return call_error(L, false, "ERR wrong number or type of arguments");
    size_t len;
    const char *msg = lua_tolstring(L, 1, &len);
    if (len && msg[0] == '-') {
        bridge_push_error(L, msg, len);
    } else {
        lua_pushliteral(L, "-");
        lua_pushvalue(L, 1);
        lua_concat(L, 2);
        msg = lua_tolstring(L, -1, &len);
        bridge_push_error(L, msg, len);
    }
    return 1;
}

static int l_status_reply(lua_State *L) {
    if (lua_gettop(L) != 1 || lua_type(L, 1) != LUA_TSTRING) /* returned, not raised */
        return call_error(L, false, "ERR wrong number or type of arguments");
    lua_newtable(L);
    lua_pushvalue(L, 1);
    set_field(L, "ok");
    return 1;
}

static int l_sha1hex(lua_State *L) {
    if (lua_gettop(L) != 1) return bridge_raise(L, "ERR wrong number of arguments");
    size_t len;
    const char *s = lua_tolstring(L, 1, &len);
    if (!s) { /* nil, tables, booleans: Redis hashes the empty string */
        s = "";
        len = 0;
    }
    char hex[41];
    sha1_hex(s, len, hex);
    lua_pushstring(L, hex);
    return 1;
}

static int l_log(lua_State *L) {
    int argc = lua_gettop(L);
    if (argc < 2) return bridge_raise(L, "ERR redis.log() requires two arguments or more.");
    if (!lua_isnumber(L, 1)) return bridge_raise(L, "ERR First argument must be a number (log level).");
    lua_Integer level = lua_tointeger(L, 1);
    if (level < LOG_DEBUG || level > LOG_WARNING) return bridge_raise(L, "ERR Invalid debug level.");
    if (level < cfg.loglevel) return 0;
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int i = 2; i <= argc; i++) {
        size_t len;
        const char *s = lua_tolstring(L, i, &len);
        if (!s) continue;
        if (i > 2) luaL_addchar(&b, ' ');
        luaL_addlstring(&b, s, len);
    }
    luaL_pushresult(&b);
    log_msg(level, "%s", lua_tostring(L, -1));
    return 0;
}

static int l_setresp(lua_State *L) {
    if (lua_gettop(L) != 1) return bridge_raise(L, "ERR redis.setresp() requires one argument.");
    lua_Integer v = lua_tointeger(L, 1);
    if (v != 2 && v != 3) return bridge_raise(L, "ERR RESP version must be 2 or 3.");
    if (bridge_run) bridge_run->resp = (int)v;
    return 0;
}

static int l_set_repl(lua_State *L) {
    /* "two arguments": Redis's own text, though it takes one */
    if (lua_gettop(L) != 1) return bridge_raise(L, "ERR redis.set_repl() requires two arguments.");
    lua_Integer v = lua_tointeger(L, 1);
    if (v < 0 || v > 3)
        return bridge_raise(L, "ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
    if (bridge_run) bridge_run->repl = (int)v;
    return 0;
}

static int l_true(lua_State *L) {
    lua_pushboolean(L, 1);
    return 1;
}

static int l_false(lua_State *L) {
    lua_pushboolean(L, 0);
    return 1;
}

static int l_nothing(lua_State *L) {
    UNUSED(L);
    return 0;
}

static void set_int(lua_State *L, const char *name, lua_Number v) {
    lua_pushnumber(L, v);
    set_field(L, name);
}

void bridge_open(lua_State *L) {
    static const luaL_Reg fns[] = {
        {"call", l_call},
        {"pcall", l_pcall},
        {"acl_check_cmd", l_acl_check_cmd},
        {"error_reply", l_error_reply},
        {"status_reply", l_status_reply},
        {"sha1hex", l_sha1hex},
        {"log", l_log},
        {"setresp", l_setresp},
        {"set_repl", l_set_repl},
        {"replicate_commands", l_true},
        {"breakpoint", l_false}, /* false: no debugging session */
        {"debug", l_nothing},
        {NULL, NULL},
    };
    lua_newtable(L);
    for (const luaL_Reg *r = fns; r->name; r++) {
        lua_pushcfunction(L, r->func);
        set_field(L, r->name);
    }
    set_int(L, "LOG_DEBUG", LOG_DEBUG);
    set_int(L, "LOG_VERBOSE", LOG_VERBOSE);
    set_int(L, "LOG_NOTICE", LOG_NOTICE);
    set_int(L, "LOG_WARNING", LOG_WARNING);
    set_int(L, "REPL_NONE", 0);
    set_int(L, "REPL_AOF", 1);
    set_int(L, "REPL_SLAVE", 2);
    set_int(L, "REPL_REPLICA", 2);
    set_int(L, "REPL_ALL", 3);
    lua_pushliteral(L, "7.0.15");
    set_field(L, "REDIS_VERSION");
    set_int(L, "REDIS_VERSION_NUM", 0x07000f);
    lua_setglobal(L, "redis");
}

/* ---- Lua -> reply ---- */

/* t[name] of the table at idx, pushed; true if it has type `type`. */
static bool field_is(lua_State *L, int idx, const char *name, int type) {
    lua_pushstring(L, name);
    lua_rawget(L, idx);
    if (lua_type(L, -1) == type) return true;
    lua_pop(L, 1);
    return false;
}

/* Status and error text: CR and LF become spaces, as Redis does. */
static void reply_line(Client *c, int error, const char *s, size_t len) {
    char *copy = malloc(len + 1);
    ASSERT(copy);
    for (size_t i = 0; i < len; i++) copy[i] = (s[i] == '\r' || s[i] == '\n') ? ' ' : s[i];
    copy[len] = '\0';
    if (error == 2) reply_error_counted(c, copy); /* from redis.call: failed_calls only */
    else if (error) reply_error(c, copy); /* errorstats, failed_calls */
    else reply_status(c, copy);
    free(copy);
}

/* RESP3 big number (a bulk string for RESP2), CR and LF as spaces. */
static void reply_big_number(Client *c, const char *s, size_t len) {
    char *line = malloc(len + 3);
    ASSERT(line);
    line[0] = '(';
    for (size_t i = 0; i < len; i++) line[1 + i] = (s[i] == '\r' || s[i] == '\n') ? ' ' : s[i];
    memcpy(line + 1 + len, "\r\n", 2);
    if (c->resp == 3) reply_raw(c, line, len + 3);
    else reply_bulk(c, line + 1, len);
    free(line);
}

/* {format=, string=} at the top (left there): a verbatim string whose
 * format is the first 3 bytes of `format` (a bulk string for RESP2).
 * False, having replied nothing, when either field is not a string. */
static bool reply_verbatim_table(Client *c, lua_State *L) {
    int v = lua_gettop(L);
    lua_getfield(L, v, "format");
    lua_getfield(L, v, "string");
    if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING) {
        lua_settop(L, v - 1); /* and the verbatim_string table */
        return false;
    }
    size_t flen, len;
    const char *fmt = lua_tolstring(L, -2, &flen), *s = lua_tolstring(L, -1, &len);
    if (c->resp != 3) {
        reply_bulk(c, s, len);
    } else {
        char head[48];
        int n = snprintf(head, sizeof head, "=%zu\r\n", len + 4);
        reply_raw(c, head, (size_t)n);
        char ext[4] = {0, 0, 0, ':'};
        memcpy(ext, fmt, flen < 3 ? flen : 3);
        reply_raw(c, ext, 4);
        reply_raw(c, s, len);
        reply_raw(c, "\r\n", 2);
    }
    lua_settop(L, v);
    return true;
}

static void reply_value(Client *c, lua_State *L, int resp, int depth);

static void reply_table(Client *c, lua_State *L, int resp, int depth) {
    int t = lua_gettop(L);
    size_t len;
    if (field_is(L, t, "err", LUA_TSTRING)) {
        const char *s = lua_tolstring(L, -1, &len);
        reply_line(c, bridge_error_counted(L, t) ? 2 : 1, s, len);
    } else if (field_is(L, t, "ok", LUA_TSTRING)) {
        const char *s = lua_tolstring(L, -1, &len);
        reply_line(c, false, s, len);
    } else if (field_is(L, t, "double", LUA_TNUMBER)) {
        reply_double(c, lua_tonumber(L, -1));
    } else if (field_is(L, t, "big_number", LUA_TSTRING)) {
        const char *s = lua_tolstring(L, -1, &len);
        reply_big_number(c, s, len);
    } else if (field_is(L, t, "verbatim_string", LUA_TTABLE) && reply_verbatim_table(c, L)) {
    } else if (field_is(L, t, "map", LUA_TTABLE)) {
        int m = lua_gettop(L);
        size_t mark = reply_defer_len(c);
        int64_t n = 0;
        lua_pushnil(L);
        while (lua_next(L, m)) {
            lua_pushvalue(L, -2);
            reply_value(c, L, resp, depth + 1); /* key */
            reply_value(c, L, resp, depth + 1); /* value (pops it) */
            n++;
        }
        reply_set_deferred_map(c, mark, n);
    } else if (field_is(L, t, "set", LUA_TTABLE)) {
        int m = lua_gettop(L);
        int64_t n = 0;
        lua_pushnil(L);
        while (lua_next(L, m)) n++, lua_pop(L, 1);
        reply_set(c, n);
        lua_pushnil(L);
        while (lua_next(L, m)) {
            lua_pop(L, 1);
            lua_pushvalue(L, -1);
            reply_value(c, L, resp, depth + 1);
        }
    } else {
        size_t mark = reply_defer_len(c);
        int64_t n = 0;
        for (;;) {
            lua_rawgeti(L, t, (int)n + 1);
            if (lua_isnil(L, -1)) break;
            reply_value(c, L, resp, depth + 1);
            n++;
        }
        reply_set_deferred_array(c, mark, n);
    }
    lua_settop(L, t - 1);
}

static void reply_value(Client *c, lua_State *L, int resp, int depth) {
    /* Only the Lua stack bounds the nesting, as on Redis: a recursive table
     * nests ~8000 levels deep before this error (CVE-2021-32626). */
    (void)depth;
    if (!lua_checkstack(L, 4)) {
        reply_error(c, "ERR reached lua stack limit");
        lua_pop(L, 1);
        return;
    }
    switch (lua_type(L, -1)) {
    case LUA_TSTRING: {
        size_t len;
        const char *s = lua_tolstring(L, -1, &len);
        reply_bulk(c, s, len);
        break;
    }
    case LUA_TBOOLEAN:
        if (resp == 2) {
            if (lua_toboolean(L, -1)) reply_int(c, 1);
            else reply_null(c);
        } else {
            reply_bool(c, lua_toboolean(L, -1));
        }
        break;
    case LUA_TNUMBER: { /* truncated; out of range gives INT64_MIN as x86 casts do */
        lua_Number v = lua_tonumber(L, -1);
        reply_int(c, (v >= -9223372036854775808.0 && v < 9223372036854775808.0) ? (int64_t)v : INT64_MIN);
        break;
    }
    case LUA_TTABLE:
        reply_table(c, L, resp, depth);
        return; /* popped the table */
    default:
        reply_null(c);
        break;
    }
    lua_pop(L, 1);
}

void bridge_reply(Client *c, lua_State *L, int resp) { reply_value(c, L, resp, 0); }
