/* cmd/server.c -- server commands: CONFIG, COMMAND (introspection of the
 * command tables), TIME, LASTSAVE, DEBUG, SHUTDOWN. Replies have Redis
 * 7.0's shapes; COMMAND INFO's key specs are derived from the tables'
 * first/last/step, the only key metadata the tables carry. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../core/args.h"
#include "../core/client.h"
#include "../core/command.h"
#include "../core/config.h"
#include "../core/db.h"
#include "../core/reply.h"
#include "../core/server.h"
#include "../core/stats.h"
#include "../ds/glob.h"
#include "../ds/mem.h"
#include "../os/clock.h"
#include "../os/sock.h"

static bool has_glob(const char *s, size_t len) {
    for (size_t i = 0; i < len; i++)
        if (s[i] == '*' || s[i] == '?' || s[i] == '[') return true;
    return false;
}

/* ---------------------------------------------------------------- CONFIG */

typedef struct {
    char *name, *value;
} ConfigPair;

typedef struct {
    ConfigPair *v;
    size_t n, cap;
} ConfigPairs;

/* Adds name/value unless the name is there already, in any case (Redis
 * answers each name once). Copies both. */
static void pairs_put(ConfigPairs *p, const char *name, size_t nlen, const char *value) {
    for (size_t i = 0; i < p->n; i++)
        if (strlen(p->v[i].name) == nlen && strncasecmp(p->v[i].name, name, nlen) == 0) return;
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 16;
        p->v = mem_realloc(p->v, p->cap * sizeof(ConfigPair));
    }
    p->v[p->n].name = mem_strndup(name, nlen);
    p->v[p->n].value = mem_strndup(value, strlen(value));
    p->n++;
}

static void pairs_free(ConfigPairs *p) {
    for (size_t i = 0; i < p->n; i++) {
        mem_free(p->v[i].name);
        mem_free(p->v[i].value);
    }
    mem_free(p->v);
}

static void put_each(void *ctx, const char *name, const char *value) {
    pairs_put(ctx, name, strlen(name), value);
}

static void put_first(void *ctx, const char *name, const char *value) {
    ConfigPairs *p = ctx;
    if (p->n == 0) pairs_put(p, name, strlen(name), value);
}

/* The directive `name` names, as config_get reports it: true and a pair
 * (caller frees with pairs_free) if it has one. */
static bool config_lookup(const char *name, size_t len, ConfigPairs *out) {
    memset(out, 0, sizeof(*out));
    config_get(name, len, put_first, out);
    return out->n > 0;
}

/* CONFIG GET pattern [pattern ...] -- a map of name -> value. A pattern
 * without glob characters answers under the name as it was written. */
static void cmd_config_get(Client *c) {
    ConfigPairs p = {0};
    for (int i = 2; i < c->argc; i++) {
        if (has_glob(c->argv[i], c->argl[i])) {
            config_get(c->argv[i], c->argl[i], put_each, &p);
            continue;
        }
        if (memchr(c->argv[i], '\\', c->argl[i])) continue; /* no name has one */
        ConfigPairs one;
        if (config_lookup(c->argv[i], c->argl[i], &one))
            pairs_put(&p, c->argv[i], c->argl[i], one.v[0].value);
        pairs_free(&one);
    }
    reply_map(c, (int64_t)p.n);
    for (size_t i = 0; i < p.n; i++) {
        reply_cstr(c, p.v[i].name);
        reply_cstr(c, p.v[i].value);
    }
    pairs_free(&p);
}

/* CONFIG SET name value [name value ...] -- all or nothing: unknown and
 * repeated names are refused before anything changes, and when one value
 * is refused the ones already set get their old values back. */
static void cmd_config_set(Client *c) {
    if ((c->argc - 2) % 2) {
        reply_syntax_error(c);
        return;
    }
    int n = (c->argc - 2) / 2;
    char **names = mem_calloc(sizeof(char *) * (size_t)n * 4);
    char **values = names + n, **canon = names + 2 * n, **old = names + 3 * n;
    int set = 0;
    for (int i = 0; i < n; i++) {
        int a = 2 + 2 * i;
        names[i] = mem_strndup(c->argv[a], c->argl[a]);
        values[i] = mem_strndup(c->argv[a + 1], c->argl[a + 1]);
        if (memchr(c->argv[a], '\0', c->argl[a]) || !config_exists(names[i])) {
            reply_errorf(c, "ERR Unknown option or number of arguments for CONFIG SET - '%s'",
                         names[i]);
            goto out;
        }
        ConfigPairs cur;
        if (config_lookup(names[i], c->argl[a], &cur)) {
            canon[i] = mem_strndup(cur.v[0].name, strlen(cur.v[0].name));
            old[i] = mem_strndup(cur.v[0].value, strlen(cur.v[0].value));
        } else {
            canon[i] = mem_strndup(names[i], c->argl[a]);
        }
        pairs_free(&cur);
        for (int j = 0; j < i; j++) {
            if (strcasecmp(canon[j], canon[i]) == 0) {
                reply_errorf(c, "ERR CONFIG SET failed (possibly related to argument '%s') - "
                                "duplicate parameter", names[i]);
                goto out;
            }
        }
    }
    for (; set < n; set++) {
        const char *err = NULL;
        int a = 2 + 2 * set;
        if (config_set_bytes(names[set], values[set], c->argl[a + 1], &err)) continue;
        reply_errorf(c, "ERR CONFIG SET failed (possibly related to argument '%s') - %s",
                     names[set], err ? err : "invalid value");
        while (set-- > 0) { /* undo, newest first */
            const char *ignored;
            if (old[set]) config_set(names[set], old[set], &ignored);
        }
        goto out;
    }
    reply_ok(c);
out:
    for (int i = 0; i < 4 * n; i++) mem_free(names[i]);
    mem_free(names);
}

static void cmd_config_resetstat(Client *c) {
    stats_reset();
    command_reset_stats();
    db_reset_stats();
    reply_ok(c);
}

static const char *const config_help[] = {
    "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "GET <pattern>",
    "    Return parameters matching the glob-like <pattern> and their values.",
    "SET <directive> <value>",
    "    Set the configuration <directive> to <value>.",
    "RESETSTAT",
    "    Reset statistics reported by the INFO command.",
    "REWRITE",
    "    Rewrite the configuration file.",
    "HELP",
    "    Prints this help.",
};

static void cmd_config_help(Client *c) { reply_help(c, config_help, ARRAY_LEN(config_help)); }

/* ------------------------------------------------------ TIME, LASTSAVE */

static void cmd_time(Client *c) {
    int64_t us = clock_unix_us();
    reply_array(c, 2);
    reply_bulk_int(c, us / 1000000);
    reply_bulk_int(c, us % 1000000);
}

static void cmd_lastsave(Client *c) { reply_int(c, server_lastsave()); }

/* ----------------------------------------------------------------- DEBUG */

static const char *const debug_help[] = {
    "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "AOF-FLUSH-SLEEP <microsec>",
    "    Server will sleep before flushing the AOF, this is used for testing.",
    "ASSERT",
    "    Crash by assertion failed.",
    "CHANGE-REPL-ID",
    "    Change the replication IDs of the instance.",
    "    Dangerous: should be used only for testing the replication subsystem.",
    "CONFIG-REWRITE-FORCE-ALL",
    "    Like CONFIG REWRITE but writes all configuration options, including",
    "    keywords not listed in original configuration file or default values.",
    "CRASH-AND-RECOVER [<milliseconds>]",
    "    Hard crash and restart after a <milliseconds> delay (default 0).",
    "DIGEST",
    "    Output a hex signature representing the current DB content.",
    "DIGEST-VALUE <key> [<key> ...]",
    "    Output a hex signature of the values of all the specified keys.",
    "ERROR <string>",
    "    Return a Redis protocol error with <string> as message. Useful for clients",
    "    unit tests to simulate Redis errors.",
    "LEAK <string>",
    "    Create a memory leak of the input string.",
    "LOG <message>",
    "    Write <message> to the server log.",
    "HTSTATS <dbid>",
    "    Return hash table statistics of the specified Redis database.",
    "HTSTATS-KEY <key>",
    "    Like HTSTATS but for the hash table stored at <key>'s value.",
    "LOADAOF",
    "    Flush the AOF buffers on disk and reload the AOF in memory.",
    "REPLICATE <string>",
    "    Replicates the provided string to replicas, allowing data divergence.",
    "MALLCTL <key> [<val>]",
    "    Get or set a malloc tuning integer.",
    "MALLCTL-STR <key> [<val>]",
    "    Get or set a malloc tuning string.",
    "OBJECT <key>",
    "    Show low level info about `key` and associated value.",
    "DROP-CLUSTER-PACKET-FILTER <packet-type>",
    "    Drop all packets that match the filtered type. Set to -1 allow all packets.",
    "OOM",
    "    Crash the server simulating an out-of-memory error.",
    "PANIC",
    "    Crash the server simulating a panic.",
    "POPULATE <count> [<prefix>] [<size>]",
    "    Create <count> string keys named key:<num>. If <prefix> is specified then",
    "    it is used instead of the 'key' prefix. These are not propagated to",
    "    replicas. Cluster slots are not respected so keys not belonging to the",
    "    current node can be created in cluster mode.",
    "PROTOCOL <type>",
    "    Reply with a test value of the specified type. <type> can be: string,",
    "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
    "    true, false.",
    "RELOAD [option ...]",
    "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
    "    * MERGE: conflicting keys will be loaded from RDB.",
    "    * NOFLUSH: the existing database will not be removed before load, but",
    "      conflicting keys will generate an exception and kill the server.",
    "    * NOSAVE: the database will be loaded from an existing RDB file.",
    "    Examples:",
    "    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
    "      the database.",
    "    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
    "      existing RDB file.",
    "    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
    "      file to the database.",
    "RESTART [<milliseconds>]",
    "    Graceful restart: save config, db, restart after a <milliseconds> delay (default 0).",
    "SDSLEN <key>",
    "    Show low level SDS string info representing `key` and value.",
    "SEGFAULT",
    "    Crash the server with sigsegv.",
    "SET-ACTIVE-EXPIRE <0|1>",
    "    Setting it to 0 disables expiring keys in background when they are not",
    "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
    "    default.",
    "QUICKLIST-PACKED-THRESHOLD <size>",
    "    Sets the threshold for elements to be inserted as plain vs packed nodes",
    "    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.",
    "SET-SKIP-CHECKSUM-VALIDATION <0|1>",
    "    Enables or disables checksum checks for RDB files and RESTORE's payload.",
    "SLEEP <seconds>",
    "    Stop the server for <seconds>. Decimals allowed.",
    "STRINGMATCH-TEST",
    "    Run a fuzz tester against the stringmatchlen() function.",
    "STRUCTSIZE",
    "    Return the size of different Redis core C structures.",
    "LISTPACK <key>",
    "    Show low level info about the listpack encoding of <key>.",
    "QUICKLIST <key> [<0|1>]",
    "    Show low level info about the quicklist encoding of <key>.",
    "    The optional argument (0 by default) sets the level of detail",
    "CLIENT-EVICTION",
    "    Show low level client eviction pools info (maxmemory-clients).",
    "PAUSE-CRON <0|1>",
    "    Stop periodic cron job processing.",
    "REPLYBUFFER PEAK-RESET-TIME <NEVER||RESET|time>",
    "    Sets the time (in milliseconds) to wait between client reply buffer peak resets.",
    "    In case NEVER is provided the last observed peak will never be reset",
    "    In case RESET is provided the peak reset time will be restored to the default value",
    "REPLYBUFFER RESIZING <0|1>",
    "    Enable or disable the reply buffer resize cron job",
    "CLUSTERLINK KILL <to|from|all> <node-id>",
    "    Kills the link based on the direction to/from (both) with the provided node.",
    "HELP",
    "    Prints this help.",
};

/* enable-debug-command: "no" refuses DEBUG, "local" allows it from the
 * loopback and unix sockets only, "yes" (or no such directive) allows it. */
static bool debug_allowed(const Client *c) {
    static const char name[] = "enable-debug-command";
    ConfigPairs p;
    bool ok = true;
    if (config_lookup(name, sizeof(name) - 1, &p)) {
        const char *v = p.v[0].value;
        if (strcasecmp(v, "no") == 0) ok = false;
        else if (strcasecmp(v, "local") == 0) ok = sock_peer_is_loopback(c->fd, c->flags & CLIENT_UNIX);
    }
    pairs_free(&p);
    return ok;
}

/* DEBUG SLEEP <seconds> sleeps the whole server, as Redis does; the
 * argument reads like C's strtod (so "abc" sleeps 0 seconds). */
static void debug_sleep(Client *c) {
    char *arg = mem_strndup(c->argv[2], c->argl[2]);
    double secs = strtod(arg, NULL);
    mem_free(arg);
    if (secs > 0 && secs < 1e12) {
        int64_t us = (int64_t)(secs * 1e6);
        struct timespec ts = {(time_t)(us / 1000000), (long)(us % 1000000) * 1000};
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
        }
    }
    reply_ok(c);
}

static void cmd_debug(Client *c) {
    if (!debug_allowed(c)) {
        reply_error(c, "ERR DEBUG command not allowed. If the enable-debug-command option is set "
                       "to \"local\", you can run it from a local connection, otherwise you need "
                       "to set this option in the configuration file, and then restart the "
                       "server.");
        return;
    }
    if (c->argc == 2 && arg_is(c, 1, "help")) {
        reply_help(c, debug_help, ARRAY_LEN(debug_help));
    } else if (c->argc == 3 && arg_is(c, 1, "sleep")) {
        debug_sleep(c);
    } else {
        /* Redis quotes at most 128 bytes of the subcommand here */
        int len = c->argl[1] < 128 ? (int)c->argl[1] : 128;
        reply_errorf(c, "ERR unknown subcommand or wrong number of arguments for '%.*s'. Try "
                        "DEBUG HELP.", len, c->argv[1]);
    }
}

/* -------------------------------------------------------------- SHUTDOWN */

/* SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT] -- on success nothing is
 * replied: the server exits and the connection closes. There is never a
 * shutdown in progress to ABORT (no replicas to wait for). */
static void cmd_shutdown(Client *c) {
    bool nosave = false, save = false, abort_ = false, other = false;
    for (int i = 1; i < c->argc; i++) {
        if (arg_is(c, i, "nosave")) nosave = true;
        else if (arg_is(c, i, "save")) save = true;
        else if (arg_is(c, i, "now") || arg_is(c, i, "force")) other = true;
        else if (arg_is(c, i, "abort")) abort_ = true;
        else {
            reply_syntax_error(c);
            return;
        }
    }
    if ((abort_ && (nosave || save || other)) || (nosave && save)) {
        reply_syntax_error(c);
        return;
    }
    if (abort_) {
        reply_error(c, "ERR No shutdown in progress.");
        return;
    }
    if (!nosave && !save) { /* default: save when save points are set */
        static const char name[] = "save";
        ConfigPairs p;
        save = config_lookup(name, sizeof(name) - 1, &p) && p.v[0].value[0];
        pairs_free(&p);
    }
    server_request_shutdown(save);
    c->flags |= CLIENT_CLOSE_AFTER_REPLY; /* run nothing after it */
}

/* --------------------------------------------------------------- COMMAND */

/* Flags as COMMAND INFO names them, in Redis's order (may_replicate and
 * sentinel are hidden there too). */
static const struct {
    uint32_t flag;
    const char *name;
} flag_names[] = {
    {CMD_WRITE, "write"},       {CMD_READONLY, "readonly"},        {CMD_DENYOOM, "denyoom"},
    {CMD_ADMIN, "admin"},       {CMD_PUBSUB, "pubsub"},            {CMD_NOSCRIPT, "noscript"},
    {CMD_BLOCKING, "blocking"}, {CMD_LOADING, "loading"},          {CMD_STALE, "stale"},
    {CMD_SKIP_MONITOR, "skip_monitor"},
    {CMD_FAST, "fast"},         {CMD_NO_AUTH, "no_auth"},          {CMD_NO_MULTI, "no_multi"},
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

/* One key spec from first/last/step: an index search and a range. */
static void reply_key_specs(Client *c, const Command *cmd) {
    if (cmd->first_key <= 0) {
        reply_set(c, 0);
        return;
    }
    bool ro = !(cmd->flags & CMD_WRITE);
    reply_set(c, 1);
    reply_map(c, 3);
    reply_cstr(c, "flags");
    if (cmd->flags & CMD_NOT_KEY) {
        reply_set(c, 1);
        reply_status(c, "not_key");
    } else {
        reply_set(c, 2);
        reply_status(c, ro ? "RO" : "RW");
        reply_status(c, ro ? "access" : "update");
    }
    reply_cstr(c, "begin_search");
    reply_map(c, 2);
    reply_cstr(c, "type");
    reply_cstr(c, "index");
    reply_cstr(c, "spec");
    reply_map(c, 1);
    reply_cstr(c, "index");
    reply_int(c, cmd->first_key);
    reply_cstr(c, "find_keys");
    reply_map(c, 2);
    reply_cstr(c, "type");
    reply_cstr(c, "range");
    reply_cstr(c, "spec");
    reply_map(c, 3);
    reply_cstr(c, "lastkey");
    reply_int(c, cmd->last_key < 0 ? cmd->last_key : cmd->last_key - cmd->first_key);
    reply_cstr(c, "keystep");
    reply_int(c, cmd->key_step);
    reply_cstr(c, "limit");
    reply_int(c, 0);
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
    reply_int(c, cmd->first_key);
    reply_int(c, cmd->last_key);
    reply_int(c, cmd->key_step);
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
    if (cmd->first_key != 1 || cmd->key_step != 1) return ARGS_UNKNOWN;
    if (cmd->arity == 2 && cmd->last_key == 1) return ARGS_ONE_KEY;
    if (cmd->arity == -2 && cmd->last_key == -1) return ARGS_KEYS;
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

static bool arity_ok(const Command *cmd, int argc) {
    return cmd->arity > 0 ? argc == cmd->arity : argc >= -cmd->arity;
}

/* COMMAND GETKEYS cmd arg ... -- the keys at the command's key positions. */
static void cmd_command_getkeys(Client *c) {
    const char **argv = c->argv + 2;
    const size_t *argl = c->argl + 2;
    int argc = c->argc - 2;
    Command *cmd = command_lookup(argv[0], argl[0]);
    if (cmd && cmd->subs) cmd = find_sub(cmd, argv[1], argl[1]);
    if (!cmd) {
        reply_error(c, "ERR Invalid command specified");
        return;
    }
    if (cmd->first_key <= 0 || (cmd->flags & CMD_NOT_KEY)) {
        reply_error(c, "ERR The command has no key arguments");
        return;
    }
    if (!arity_ok(cmd, argc)) {
        reply_error(c, "ERR Invalid number of arguments specified for command");
        return;
    }
    int last = cmd->last_key < 0 ? argc + cmd->last_key : cmd->last_key;
    int step = cmd->key_step > 0 ? cmd->key_step : 1;
    if (last >= argc) last = argc - 1;
    if (last < cmd->first_key) {
        reply_error(c, "ERR Invalid arguments specified for command");
        return;
    }
    reply_array(c, (last - cmd->first_key) / step + 1);
    for (int i = cmd->first_key; i <= last; i += step) reply_bulk(c, argv[i], argl[i]);
}

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
#define CFG_FLAGS (CMD_ADMIN | CMD_NOSCRIPT | CMD_LOADING | CMD_STALE)
#define CFG_ACL "@admin @slow @dangerous"
#define INTRO_FLAGS (CMD_LOADING | CMD_STALE)
#define INTRO_ACL "@slow @connection"

static Command config_subs[] = {
    {"get", cmd_config_get, -3, CFG_FLAGS, 0, 0, 0, SRV, "Get the values of configuration parameters", "2.0.0", "O(N) when N is the number of configuration parameters provided", CFG_ACL, NULL},
    {"set", cmd_config_set, -4, CFG_FLAGS, 0, 0, 0, SRV, "Set configuration parameters to the given values", "2.0.0", "O(N) when N is the number of configuration parameters provided", CFG_ACL, NULL},
    {"resetstat", cmd_config_resetstat, 2, CFG_FLAGS, 0, 0, 0, SRV, "Reset the stats returned by INFO", "2.0.0", "O(1)", CFG_ACL, NULL},
    {"help", cmd_config_help, 2, CMD_LOADING | CMD_STALE, 0, 0, 0, SRV, "Show helpful text about the different subcommands", "5.0.0", "O(1)", "@slow", NULL},
    {0},
};

static Command command_subs[] = {
    {"count", cmd_command_count, 2, INTRO_FLAGS, 0, 0, 0, SRV, "Get total number of Redis commands", "2.8.13", "O(1)", INTRO_ACL, NULL},
    {"info", cmd_command_info, -2, INTRO_FLAGS, 0, 0, 0, SRV, "Get array of specific Redis command details, or all when no argument is given.", "2.8.13", "O(N) where N is the number of commands to look up", INTRO_ACL, NULL},
    {"docs", cmd_command_docs, -2, INTRO_FLAGS, 0, 0, 0, SRV, "Get array of specific Redis command documentation", "7.0.0", "O(N) where N is the number of commands to look up", INTRO_ACL, NULL},
    {"list", cmd_command_list, -2, INTRO_FLAGS, 0, 0, 0, SRV, "Get an array of Redis command names", "7.0.0", "O(N) where N is the total number of Redis commands", INTRO_ACL, NULL},
    {"getkeys", cmd_command_getkeys, -4, INTRO_FLAGS, 0, 0, 0, SRV, "Extract keys given a full Redis command", "2.8.13", "O(N) where N is the number of arguments to the command", INTRO_ACL, NULL},
    {"help", cmd_command_help, 2, INTRO_FLAGS, 0, 0, 0, SRV, "Show helpful text about the different subcommands", "5.0.0", "O(1)", INTRO_ACL, NULL},
    {0},
};

Command server_commands[] = {
    {"config", NULL, -2, 0, 0, 0, 0, SRV, "A container for server configuration commands", "2.0.0", "Depends on subcommand.", "@slow", config_subs},
    /* COMMAND runs cmd_command when called without a subcommand. */
    {"command", cmd_command, -1, INTRO_FLAGS, 0, 0, 0, SRV, "Get array of Redis command details", "2.8.13", "O(N) where N is the total number of Redis commands", INTRO_ACL, command_subs},
    {"time", cmd_time, 1, CMD_LOADING | CMD_STALE | CMD_FAST, 0, 0, 0, SRV, "Return the current server time", "2.6.0", "O(1)", "@fast", NULL},
    {"lastsave", cmd_lastsave, 1, CMD_LOADING | CMD_STALE | CMD_FAST, 0, 0, 0, SRV, "Get the UNIX time stamp of the last successful save to disk", "1.0.0", "O(1)", "@admin @fast @dangerous", NULL},
    {"debug", cmd_debug, -2, CMD_ADMIN | CMD_NOSCRIPT | CMD_LOADING | CMD_STALE, 0, 0, 0, SRV, "A container for debugging commands", "1.0.0", "Depends on subcommand.", "@admin @slow @dangerous", NULL},
    {"shutdown", cmd_shutdown, -1, CMD_ADMIN | CMD_NOSCRIPT | CMD_LOADING | CMD_STALE | CMD_NO_MULTI | CMD_ALLOW_BUSY, 0, 0, 0, SRV, "Synchronously save the dataset to disk and then shut down the server", "1.0.0", "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)", "@admin @slow @dangerous", NULL},
    {0},
};
