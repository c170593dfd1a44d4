/* cmd/command_info.c -- COMMAND: introspection of the command tables (COUNT,
 * INFO, DOCS, LIST, GETKEYS, GETKEYSANDFLAGS). Key specs, first/last/step and
 * movablekeys come from core/keyspec (Redis 7.0's specs as data); GETKEYS also
 * answers for Redis commands kilat does not implement, as clients route by it. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/client.h"
#include "../core/command.h"
#include "../core/keyspec.h"
#include "../core/reply.h"
#include "../ds/glob.h"
#include "../ds/mem.h"

/* Flags as COMMAND INFO names them, in Redis's order (may_replicate and
 * sentinel are hidden there too). */
static const struct {
    uint32_t flag;
    const char *name;
} flag_names[] = {
    {CMD_WRITE, "write"},       {CMD_READONLY, "readonly"},        {CMD_DENYOOM, "denyoom"},
    {CMD_ADMIN, "admin"},       {CMD_PUBSUB, "pubsub"},            {CMD_NOSCRIPT, "noscript"},
    {CMD_BLOCKING, "blocking"}, {CMD_LOADING, "loading"},          {CMD_STALE, "stale"},
    {CMD_SKIP_MONITOR, "skip_monitor"}, {CMD_SKIP_SLOWLOG, "skip_slowlog"},
    {CMD_FAST, "fast"},         {CMD_NO_AUTH, "no_auth"},          {CMD_NO_MANDATORY_KEYS, "no_mandatory_keys"},
    {CMD_NO_MULTI, "no_multi"},
    {CMD_MOVABLE_KEYS, "movablekeys"}, {CMD_ALLOW_BUSY, "allow_busy"},
};

/* ACL categories in Redis's order; a command's are printed in this order. */
static const char *const acl_names[] = {
    "keyspace", "read",  "write",    "set",       "sortedset",  "list",        "hash",
    "string",   "bitmap", "hyperloglog", "geo",   "stream",     "pubsub",      "admin",
    "fast",     "slow",  "blocking", "dangerous", "connection", "transaction", "scripting",
};
enum { ACL_READ = 1, ACL_WRITE = 2, ACL_PUBSUB = 12, ACL_ADMIN = 13, ACL_FAST = 14,
       ACL_SLOW = 15, ACL_BLOCKING = 16, ACL_DANGEROUS = 17, ACL_SCRIPTING = 20 };

static int acl_index(const char *name, size_t len) {
    for (size_t i = 0; i < ARRAY_LEN(acl_names); i++)
        if (strlen(acl_names[i]) == len && strncasecmp(acl_names[i], name, len) == 0) return (int)i;
    return -1;
}

/* The table's "@a @b" plus the categories Redis implies from the flags. */
static uint32_t acl_mask(const Command *cmd) {
    uint32_t m = 0;
    for (const char *p = cmd->acl ? cmd->acl : ""; *p;) {
        while (*p == ' ' || *p == '@') p++;
        size_t len = strcspn(p, " ");
        int i = len ? acl_index(p, len) : -1;
        if (i >= 0) m |= 1u << i;
        p += len;
    }
    if (cmd->flags & CMD_WRITE) m |= 1u << ACL_WRITE;
    if ((cmd->flags & CMD_READONLY) && !(m & (1u << ACL_SCRIPTING))) m |= 1u << ACL_READ;
    if (cmd->flags & CMD_ADMIN) m |= (1u << ACL_ADMIN) | (1u << ACL_DANGEROUS);
    if (cmd->flags & CMD_PUBSUB) m |= 1u << ACL_PUBSUB;
    if (cmd->flags & CMD_FAST) m |= 1u << ACL_FAST;
    if (cmd->flags & CMD_BLOCKING) m |= 1u << ACL_BLOCKING;
    if (!(m & (1u << ACL_FAST))) m |= 1u << ACL_SLOW;
    return m;
}

static int64_t count_subs(const Command *cmd) {
    int64_t n = 0;
    for (const Command *s = cmd->subs; s && s->name; s++) n++;
    return n;
}

static Command *find_sub(Command *parent, const char *name, size_t len) {
    for (Command *s = parent->subs; s && s->name; s++)
        if (strlen(s->name) == len && strncasecmp(s->name, name, len) == 0) return s;
    return NULL;
}

/* "get" or "config|get", any case; NULL if unknown. */
static Command *lookup_fullname(const char *name, size_t len) {
    const char *bar = memchr(name, '|', len);
    if (!bar) return command_lookup(name, len);
    Command *parent = command_lookup(name, (size_t)(bar - name));
    if (!parent || !parent->subs) return NULL;
    return find_sub(parent, bar + 1, len - (size_t)(bar - name) - 1);
}

static void reply_key_flags(Client *c, uint16_t flags) {
    reply_set(c, __builtin_popcount(flags));
    for (int i = 0; i < KS_NFLAGS; i++)
        if (flags & (1u << i)) reply_status(c, keyspec_flag_name(i));
}

static void reply_begin_search(Client *c, const KeySpec *s) {
    static const char *const types[] = {"index", "keyword", "unknown"};
    reply_map(c, 2);
    reply_cstr(c, "type");
    reply_cstr(c, types[s->begin]);
    reply_cstr(c, "spec");
    if (s->begin == KB_INDEX) {
        reply_map(c, 1);
        reply_cstr(c, "index");
        reply_int(c, s->pos);
    } else if (s->begin == KB_KEYWORD) {
        reply_map(c, 2);
        reply_cstr(c, "keyword");
        reply_cstr(c, s->keyword);
        reply_cstr(c, "startfrom");
        reply_int(c, s->pos);
    } else {
        reply_map(c, 0);
    }
}

static void reply_find_keys(Client *c, const KeySpec *s) {
    static const char *const types[] = {"range", "keynum", "unknown"};
    static const char *const names[2][3] = {{"lastkey", "keystep", "limit"},
                                            {"keynumidx", "firstkey", "keystep"}};
    reply_map(c, 2);
    reply_cstr(c, "type");
    reply_cstr(c, types[s->find]);
    reply_cstr(c, "spec");
    if (s->find == KF_UNKNOWN) {
        reply_map(c, 0);
        return;
    }
    const int16_t v[3] = {s->a, s->b, s->c};
    reply_map(c, 3);
    for (int i = 0; i < 3; i++) {
        reply_cstr(c, names[s->find][i]);
        reply_int(c, v[i]);
    }
}

/* COMMAND INFO's key specs: a set of maps (notes, flags, begin_search,
 * find_keys), as Redis 7.0 prints them. */
static void reply_key_specs(Client *c, const Command *cmd) {
    const CommandKeys *ck = cmd->keys;
    reply_set(c, ck ? ck->nspecs : 0);
    for (int i = 0; ck && i < ck->nspecs; i++) {
        const KeySpec *s = &ck->spec[i];
        reply_map(c, 3 + (s->note >= 0));
        if (s->note >= 0) {
            reply_cstr(c, "notes");
            reply_cstr(c, keyspec_note(s));
        }
        reply_cstr(c, "flags");
        reply_key_flags(c, s->flags);
        reply_cstr(c, "begin_search");
        reply_begin_search(c, s);
        reply_cstr(c, "find_keys");
        reply_find_keys(c, s);
    }
}

/* COMMAND INFO's 10 fields. Redis 7.0 sends tips, key specs and an empty
 * subcommand list as sets, a non-empty subcommand list as an array. */
static void reply_command_info(Client *c, const Command *cmd) {
    reply_array(c, 10);
    reply_cstr(c, cmd->fullname);
    reply_int(c, cmd->arity);
    int64_t nflags = 0;
    for (size_t i = 0; i < ARRAY_LEN(flag_names); i++)
        if (cmd->flags & flag_names[i].flag) nflags++;
    reply_set(c, nflags);
    for (size_t i = 0; i < ARRAY_LEN(flag_names); i++)
        if (cmd->flags & flag_names[i].flag) reply_status(c, flag_names[i].name);
    reply_int(c, cmd->keys ? cmd->keys->first : 0);
    reply_int(c, cmd->keys ? cmd->keys->last : 0);
    reply_int(c, cmd->keys ? cmd->keys->step : 0);
    uint32_t acl = acl_mask(cmd);
    reply_set(c, __builtin_popcount(acl));
    for (size_t i = 0; i < ARRAY_LEN(acl_names); i++) {
        if (!(acl & (1u << i))) continue;
        char cat[24] = "@";
        strcat(cat, acl_names[i]);
        reply_status(c, cat);
    }
    reply_set(c, 0); /* tips: the tables carry none */
    reply_key_specs(c, cmd);
    if (!cmd->subs) {
        reply_set(c, 0);
        return;
    }
    reply_array(c, count_subs(cmd));
    for (const Command *s = cmd->subs; s->name; s++) reply_command_info(c, s);
}

/* The tables carry no argument lists; two shapes follow from the key
 * positions alone: "key" (arity 2) and "key [key ...]" (DEL, MGET...). */
typedef enum { ARGS_UNKNOWN, ARGS_ONE_KEY, ARGS_KEYS } ArgShape;

static ArgShape arg_shape(const Command *cmd) {
    const CommandKeys *ck = cmd->keys;
    if (!ck || ck->movable || ck->first != 1 || ck->step != 1) return ARGS_UNKNOWN;
    if (cmd->arity == 2 && ck->last == 1) return ARGS_ONE_KEY;
    if (cmd->arity == -2 && ck->last == -1) return ARGS_KEYS;
    return ARGS_UNKNOWN;
}

static void reply_arguments(Client *c, ArgShape shape) {
    reply_array(c, 1);
    reply_map(c, shape == ARGS_KEYS ? 4 : 3);
    reply_cstr(c, "name");
    reply_cstr(c, "key");
    reply_cstr(c, "type");
    reply_cstr(c, "key");
    reply_cstr(c, "key_spec_index");
    reply_int(c, 0);
    if (shape == ARGS_KEYS) {
        reply_cstr(c, "flags");
        reply_set(c, 1);
        reply_status(c, "multiple");
    }
}

/* COMMAND DOCS's map for one command (its name is sent by the caller). */
static void reply_command_docs(Client *c, const Command *cmd) {
    const char *keys[] = {"summary", "since", "group", "complexity"};
    const char *vals[] = {cmd->summary, cmd->since, cmd->group, cmd->complexity};
    ArgShape shape = arg_shape(cmd);
    int64_t n = (cmd->subs ? 1 : 0) + (shape != ARGS_UNKNOWN);
    for (size_t i = 0; i < ARRAY_LEN(vals); i++) n += vals[i] != NULL;
    reply_map(c, n);
    for (size_t i = 0; i < ARRAY_LEN(vals); i++) {
        if (!vals[i]) continue;
        reply_cstr(c, keys[i]);
        reply_cstr(c, vals[i]);
    }
    if (shape != ARGS_UNKNOWN) {
        reply_cstr(c, "arguments");
        reply_arguments(c, shape);
    }
    if (!cmd->subs) return;
    reply_cstr(c, "subcommands");
    reply_map(c, count_subs(cmd));
    for (const Command *s = cmd->subs; s->name; s++) {
        reply_cstr(c, s->fullname);
        reply_command_docs(c, s);
    }
}

static void info_each(Command *cmd, void *ctx) { reply_command_info(ctx, cmd); }

/* COMMAND with no arguments: every command's INFO. */
static void cmd_command(Client *c) {
    reply_array(c, (int64_t)command_count());
    command_foreach(info_each, c);
}

static void cmd_command_count(Client *c) { reply_int(c, (int64_t)command_count()); }

/* COMMAND INFO [name ...] -- null for an unknown name. */
static void cmd_command_info(Client *c) {
    if (c->argc == 2) {
        cmd_command(c);
        return;
    }
    reply_array(c, c->argc - 2);
    for (int i = 2; i < c->argc; i++) {
        Command *cmd = lookup_fullname(c->argv[i], c->argl[i]);
        if (cmd) reply_command_info(c, cmd);
        else reply_null(c);
    }
}

static void docs_each(Command *cmd, void *ctx) {
    reply_cstr(ctx, cmd->fullname);
    reply_command_docs(ctx, cmd);
}

/* COMMAND DOCS [name ...] -- a map name -> docs; unknown names are left out. */
static void cmd_command_docs(Client *c) {
    if (c->argc == 2) {
        reply_map(c, (int64_t)command_count());
        command_foreach(docs_each, c);
        return;
    }
    int64_t found = 0;
    for (int i = 2; i < c->argc; i++) found += lookup_fullname(c->argv[i], c->argl[i]) != NULL;
    reply_map(c, found);
    for (int i = 2; i < c->argc; i++) {
        Command *cmd = lookup_fullname(c->argv[i], c->argl[i]);
        if (cmd) docs_each(cmd, c);
    }
}

typedef struct {
    Client *c;
    int64_t n;
    enum { LIST_ALL, LIST_NONE, LIST_ACL, LIST_PATTERN } filter;
    uint32_t acl_bit;
    const char *pat;
    size_t plen;
} ListCtx;

static void list_one(ListCtx *l, const Command *cmd) {
    bool keep = l->filter == LIST_ALL ||
                (l->filter == LIST_ACL && (acl_mask(cmd) & l->acl_bit)) ||
                (l->filter == LIST_PATTERN &&
                 glob_match(l->pat, l->plen, cmd->fullname, strlen(cmd->fullname), true));
    if (!keep) return;
    reply_cstr(l->c, cmd->fullname);
    l->n++;
}

static void list_each(Command *cmd, void *ctx) {
    list_one(ctx, cmd);
    for (const Command *s = cmd->subs; s && s->name; s++) list_one(ctx, s);
}

/* COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN glob] --
 * every name, subcommands included ("config|get"). */
static void cmd_command_list(Client *c) {
    ListCtx l = {.c = c, .filter = LIST_ALL};
    if (c->argc == 5 && arg_is(c, 2, "filterby")) {
        if (arg_is(c, 3, "module")) {
            l.filter = LIST_NONE; /* no modules */
        } else if (arg_is(c, 3, "aclcat")) {
            int i = acl_index(c->argv[4], c->argl[4]);
            l.filter = i < 0 ? LIST_NONE : LIST_ACL;
            l.acl_bit = i < 0 ? 0 : 1u << i;
        } else if (arg_is(c, 3, "pattern")) {
            l.filter = LIST_PATTERN;
            l.pat = c->argv[4];
            l.plen = c->argl[4];
        } else {
            reply_syntax_error(c);
            return;
        }
    } else if (c->argc != 2) {
        reply_syntax_error(c);
        return;
    }
    size_t mark = reply_defer_len(c);
    if (l.filter != LIST_NONE) command_foreach(list_each, &l);
    reply_set_deferred_array(c, mark, l.n);
}

/* The key specs GETKEYS uses for argv (a command, maybe "container sub"):
 * kilat's own command first, else Redis's table (commands kilat lacks). Sets
 * *arity; false (having replied) if neither knows the command. */
static bool getkeys_target_or_reply(Client *c, const char **argv, const size_t *argl, int argc,
                                    const CommandKeys **ck, int *arity) {
    Command *cmd = command_lookup(argv[0], argl[0]);
    if (cmd && cmd->subs && argc > 1) cmd = find_sub(cmd, argv[1], argl[1]);
    if (cmd) {
        *ck = cmd->keys;
        *arity = cmd->arity;
        return true;
    }
    char name[96];
    *ck = NULL;
    if (argc > 1 && argl[0] + argl[1] + 1 < sizeof(name)) {
        memcpy(name, argv[0], argl[0]);
        name[argl[0]] = '|';
        memcpy(name + argl[0] + 1, argv[1], argl[1]);
        *ck = keyspec_lookup(name, argl[0] + argl[1] + 1);
    }
    if (!*ck) *ck = keyspec_lookup(argv[0], argl[0]);
    if (!*ck) {
        reply_error(c, "ERR Invalid command specified");
        return false;
    }
    *arity = (*ck)->arity;
    return true;
}

/* COMMAND GETKEYS cmd arg ... / GETKEYSANDFLAGS -- the keys the command
 * would touch, found as Redis finds them (keyspec_find). */
static void getkeys(Client *c, bool with_flags) {
    const char **argv = c->argv + 2;
    const size_t *argl = c->argl + 2;
    int argc = c->argc - 2, arity;
    const CommandKeys *ck;
    if (!getkeys_target_or_reply(c, argv, argl, argc, &ck, &arity)) return;
    if (!keyspec_has_keys(ck)) {
        reply_error(c, "ERR The command has no key arguments");
        return;
    }
    if ((arity > 0 && arity != argc) || argc < -arity) {
        reply_error(c, "ERR Invalid number of arguments specified for command");
        return;
    }
    KeyRef *keys;
    int n = keyspec_find(ck, argv, argl, argc, &keys);
    if (n == 0) {
        if (ck->opt & KS_OPTIONAL) reply_array(c, 0);
        else reply_error(c, "ERR Invalid arguments specified for command");
        return;
    }
    reply_array(c, n);
    for (int i = 0; i < n; i++) {
        if (with_flags) reply_array(c, 2);
        reply_bulk(c, argv[keys[i].pos], argl[keys[i].pos]);
        if (with_flags) reply_key_flags(c, keys[i].flags);
    }
    mem_free(keys);
}

static void cmd_command_getkeys(Client *c) { getkeys(c, false); }
static void cmd_command_getkeysandflags(Client *c) { getkeys(c, true); }

static const char *const command_help[] = {
    "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "(no subcommand)",
    "    Return details about all Redis commands.",
    "COUNT",
    "    Return the total number of commands in this Redis server.",
    "LIST",
    "    Return a list of all commands in this Redis server.",
    "INFO [<command-name> ...]",
    "    Return details about multiple Redis commands.",
    "    If no command names are given, documentation details for all",
    "    commands are returned.",
    "DOCS [<command-name> ...]",
    "    Return documentation details about multiple Redis commands.",
    "    If no command names are given, documentation details for all",
    "    commands are returned.",
    "GETKEYS <full-command>",
    "    Return the keys from a full Redis command.",
    "GETKEYSANDFLAGS <full-command>",
    "    Return the keys and the access flags from a full Redis command.",
    "HELP",
    "    Prints this help.",
};

static void cmd_command_help(Client *c) { reply_help(c, command_help, ARRAY_LEN(command_help)); }

/* ----------------------------------------------------------------- table */

#define SRV "server"
#define INTRO_FLAGS (CMD_LOADING | CMD_STALE)
#define INTRO_ACL "@slow @connection"

static Command command_subs[] = {
    {"count", cmd_command_count, 2, INTRO_FLAGS, 0, 0, 0, SRV, "Get total number of Redis commands", "2.8.13", "O(1)", INTRO_ACL, NULL},
    {"info", cmd_command_info, -2, INTRO_FLAGS, 0, 0, 0, SRV, "Get array of specific Redis command details, or all when no argument is given.", "2.8.13", "O(N) where N is the number of commands to look up", INTRO_ACL, NULL},
    {"docs", cmd_command_docs, -2, INTRO_FLAGS, 0, 0, 0, SRV, "Get array of specific Redis command documentation", "7.0.0", "O(N) where N is the number of commands to look up", INTRO_ACL, NULL},
    {"list", cmd_command_list, -2, INTRO_FLAGS, 0, 0, 0, SRV, "Get an array of Redis command names", "7.0.0", "O(N) where N is the total number of Redis commands", INTRO_ACL, NULL},
    {"getkeys", cmd_command_getkeys, -4, INTRO_FLAGS, 0, 0, 0, SRV, "Extract keys given a full Redis command", "2.8.13", "O(N) where N is the number of arguments to the command", INTRO_ACL, NULL},
    {"getkeysandflags", cmd_command_getkeysandflags, -4, INTRO_FLAGS, 0, 0, 0, SRV, "Extract keys and access flags given a full Redis command", "7.0.0", "O(N) where N is the number of arguments to the command", INTRO_ACL, NULL},
    {"help", cmd_command_help, 2, INTRO_FLAGS, 0, 0, 0, SRV, "Show helpful text about the different subcommands", "5.0.0", "O(1)", INTRO_ACL, NULL},
    {0},
};

Command command_commands[] = {
    /* COMMAND runs cmd_command when called without a subcommand. */
    {"command", cmd_command, -1, INTRO_FLAGS, 0, 0, 0, SRV, "Get array of Redis command details", "2.8.13", "O(N) where N is the total number of Redis commands", INTRO_ACL, command_subs},
    {0},
};
