/* core/command.h -- the command table and dispatch. Each family (a file in cmd/)
 * exports a table; command.c indexes them at start and runs a client's
 * argv: lookup, arity, auth, then the handler, then stats and propagation.
 * A container command (CONFIG, CLIENT, ...) has a table of subcommands. */
#ifndef KILAT_COMMAND_H
#define KILAT_COMMAND_H

#include "client.h"

typedef void (*CommandFn)(Client *c);

enum {
    CMD_WRITE = 1u << 0,
    CMD_READONLY = 1u << 1,
    CMD_DENYOOM = 1u << 2,
    CMD_ADMIN = 1u << 3,
    CMD_PUBSUB = 1u << 4,
    CMD_NOSCRIPT = 1u << 5,
    CMD_BLOCKING = 1u << 6,
    CMD_LOADING = 1u << 7,
    CMD_STALE = 1u << 8,
    CMD_FAST = 1u << 9,
    CMD_NO_AUTH = 1u << 10,   /* allowed before AUTH (AUTH, HELLO, QUIT...) */
    CMD_MAY_REPLICATE = 1u << 11,
    CMD_SENTINEL = 1u << 12,
    CMD_NO_MULTI = 1u << 13,
    CMD_ALLOW_BUSY = 1u << 14,
    CMD_MOVABLE_KEYS = 1u << 15,
    CMD_NOT_KEY = 1u << 16,   /* first/last/step name channels, not keys (SPUBLISH) */
    CMD_SKIP_MONITOR = 1u << 17, /* command_call feeds no MONITOR line (EVAL feeds its own) */
    CMD_NO_MANDATORY_KEYS = 1u << 18, /* from the key specs: zero keys is valid (EVAL) */
    CMD_SKIP_SLOWLOG = 1u << 19, /* never in the slow log (EXEC: its commands are) */
    CMD_TOUCHES_ARBITRARY_KEYS = 1u << 20, /* SCAN, RANDOMKEY: their expiry DELs leave bare */
    /* Changes data without signalling one key (watch_touch_key): database-
     * wide commands, FUNCTION, DEBUG, and XGROUP/XACK, for which Redis
     * signals none. Exempts them from the checked build's assertion. */
    CMD_SIGNALS_NO_KEY = 1u << 21,
};

typedef struct Command {
    const char *name;        /* lower case; "get", or "get" under "config" */
    CommandFn fn;            /* NULL for a container */
    int arity;               /* >0 exact, <0 at least -arity */
    uint32_t flags;
    int first_key, last_key, key_step; /* for a command Redis lacks; else the key specs' */
    const char *group;       /* COMMAND DOCS group: "string", "generic", ... */
    const char *summary;
    const char *since;
    const char *complexity;
    const char *acl;         /* ACL categories, space-separated: "@read @string @fast" */
    struct Command *subs;    /* container: subcommands, NULL-name terminated */
    /* optional: the flags of this call when they depend on its arguments
     * (EVAL: a script's shebang flags replace WRITE/MAY_REPLICATE) */
    uint32_t (*flags_fn)(const Client *c, const struct Command *cmd);
    /* optional: a protected command's gate (DEBUG's enable-debug-command),
     * asked right after the arity check, before AUTH and ACL as in Redis:
     * NULL if c may run it, else the error to reply */
    const char *(*gate)(const Client *c);

    /* runtime, filled by command.c */
    const struct Command *parent;
    const struct CommandKeys *keys; /* key specs (core/keyspec.h); NULL: no keys */
    char fullname[48];       /* "config|get" */
    uint64_t calls, usec, rejected, failed;
    struct Histogram *hist;  /* latency-tracking; NULL until first timed */
    /* filled by acl/ at its init: the @categories (with the implicit ones
     * Redis adds from the flags) as bits, and the command's ACL bit */
    uint32_t acl_cats;
    uint16_t acl_id;
} Command;

/* The flags of c's call of cmd (its arguments in c->argv). */
static inline uint32_t command_flags_of(const Client *c, const Command *cmd) {
    return cmd->flags_fn ? cmd->flags_fn(c, cmd) : cmd->flags;
}

/* Families register their tables before command_init (NULL-name ended). */
void command_register(Command *table);
void command_init(void);
/* Looks up a top-level command by name (any case); NULL if unknown. */
Command *command_lookup(const char *name, size_t len);
/* rename-command: files the command `from` under `to` ("" removes it).
 * false with *err (Redis's text) if `from` is unknown or `to` names
 * another command. Startup only. */
bool command_rename(const char *from, const char *to, const char **err);
/* Runs one parsed command for c (argv already set): checks, then queues it
 * (in MULTI) or runs it through command_call. */
void command_execute(Client *c);
/* Runs a command that passed its checks: handler, stats, propagation. EXEC
 * calls it for each queued command. */
void command_call(Client *c, Command *cmd);
/* Iterates every top-level command. */
void command_foreach(void (*fn)(Command *cmd, void *ctx), void *ctx);
size_t command_count(void);
/* Called by reply_error for the running command's failed_calls. */
void command_note_failure(Client *c);
/* CONFIG RESETSTAT: calls, usec, rejections, failures and histograms. */
void command_reset_stats(void);
/* CLIENT UNBLOCK ended a blocked client's command: counts it as Redis
 * 7.0 does then, failed or not, in its histogram, the slow log and the
 * latency monitor (a timeout counts in none). c->argv holds its args. */
void command_unblocked(Client *c, bool failed);
/* Set by the scripting module while a script has run past
 * busy-reply-threshold. Other clients then get -BUSY except for commands
 * flagged CMD_ALLOW_BUSY (SCRIPT KILL, SHUTDOWN NOSAVE, AUTH, ...). */
extern bool command_busy;
/* The busy script is a function (FCALL): -BUSY names FUNCTION KILL. */
extern bool command_busy_function;
/* command_call's nesting: 0 between commands, 1 in a client's command, more
 * in the commands EXEC or a script runs. */
extern int command_depth;
/* Set by persistence. While loading, commands without CMD_LOADING get
 * -LOADING. While command_deny_writes is set (after a failed save or AOF
 * write) and returns an error text (-MISCONF ...), write commands and PING
 * get it. */
extern bool command_loading;
extern const char *(*command_deny_writes)(void);
/* ACL permission check, set by acl/ (core includes none of its headers).
 * NULL while every user may run everything (the default: one pointer test
 * per command). Else: NULL if c's user may run cmd with c's argv, or the
 * error to reply (-NOPERM ..., in a buffer of acl/'s) after logging the
 * denial in ACL LOG. ctx says where the call comes from. */
enum { ACL_CTX_TOPLEVEL, ACL_CTX_MULTI, ACL_CTX_LUA, ACL_CTX_EXEC };
extern const char *(*command_acl_check)(Client *c, const Command *cmd, int ctx);
/* The same check for user `user` (a Client's), logging nothing (Lua's
 * redis.acl_check_cmd); NULL or user NULL: allowed. */
extern bool (*command_acl_permits)(const UserRef *user, const Command *cmd, const char *const *argv,
                                   const size_t *argl, int argc);
/* Whether `user` may run cmd with argv through a selector that reads
 * every key (Redis's ACLUserCheckCmdWithUnrestrictedKeyAccess): SORT's
 * BY and GET patterns need it. Set by acl/; NULL before its init. */
extern bool (*command_acl_all_keys)(const UserRef *user, const Command *cmd,
                                    const char *const *argv, const size_t *argl, int argc);
/* True if argv[i] equals the lower-case word (case-insensitive). */
bool arg_is(const Client *c, int i, const char *word);

#endif
