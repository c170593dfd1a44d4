/* cmd/server.c -- server commands: CONFIG, TIME, LASTSAVE, SHUTDOWN.
 * Replies have Redis 7.0's shapes. (COMMAND is cmd/command_info.c, DEBUG
 * is cmd/debug.c.) */
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
#include "../core/client_evict.h"
#include "../core/evict.h"
#include "../core/log.h"
#include "../core/reply.h"
#include "../core/server.h"
#include "../core/stats.h"
#include "../ds/mem.h"
#include "../os/clock.h"
#include "../os/proc.h"
#include "../os/sock.h"
#include "../persist/persist.h"

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

/* Gives the first `count` directives their old values back, newest first. */
static void undo_config_set(char **names, char **old, int count) {
    while (count-- > 0) {
        const char *ignored;
        if (old[count]) config_set_from(names[count], old[count], true, &ignored);
    }
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
        /* Redis's deny-loading directives: they would change the load's
         * own file or directory under it */
        if (command_loading && (!strcasecmp(canon[i], "dir") || !strcasecmp(canon[i], "appendonly"))) {
            reply_error(c, "LOADING Redis is loading the dataset in memory");
            goto out;
        }
        for (int j = 0; j < i; j++) {
            if (strcasecmp(canon[j], canon[i]) == 0) {
                reply_errorf(c, "ERR CONFIG SET failed (possibly related to argument '%s') - "
                                "duplicate parameter", names[i]);
                goto out;
            }
        }
    }
    int listen_arg = -1; /* the first of port/bind that changed */
    bool local = sock_peer_is_loopback(c->fd, c->flags & CLIENT_UNIX);
    for (; set < n; set++) {
        const char *err = NULL;
        int a = 2 + 2 * set;
        if (config_set_bytes(names[set], values[set], c->argl[a + 1], local, &err)) {
            bool moves = !strcasecmp(canon[set], "port") || !strcasecmp(canon[set], "bind");
            if (moves && listen_arg < 0 && strcmp(config_value(canon[set]), old[set]))
                listen_arg = set;
            continue;
        }
        reply_errorf(c, "ERR CONFIG SET failed (possibly related to argument '%s') - %s",
                     names[set], err ? err : "invalid value");
        undo_config_set(names, old, set);
        goto out;
    }
    if (listen_arg >= 0) { /* the apply step: listen where the config says */
        int e = server_relisten_tcp();
        if (e < 0) {
            bool is_port = !strcasecmp(canon[listen_arg], "port");
            reply_errorf(c, "ERR CONFIG SET failed (possibly related to argument '%s') - %s%s",
                         names[listen_arg],
                         is_port ? "Unable to listen on this port: "
                                 : "Failed to bind to specified addresses.",
                         is_port ? strerror(-e) : "");
            undo_config_set(names, old, set);
            if (server_relisten_tcp() < 0)
                log_msg(LOG_WARNING, "Failed to restore the old listening sockets");
            goto out;
        }
    }
    for (int i = 0; i < n; i++) { /* tls-port: configure TLS if needed, listen there */
        const char *err = NULL;
        if (strcasecmp(canon[i], "tls-port") || !strcmp(config_value(canon[i]), old[i] ? old[i] : ""))
            continue;
        if (server_relisten_tls(&err) < 0) {
            reply_errorf(c, "ERR CONFIG SET failed (possibly related to argument '%s') - %s", names[i],
                         err);
            undo_config_set(names, old, set);
            if (server_relisten_tls(&err) < 0)
                log_msg(LOG_WARNING, "Failed to restore the old TLS listening sockets");
            goto out;
        }
    }
    for (int i = 0; i < n; i++) { /* the hooks of layers above core (appendonly) */
        const char *err = NULL;
        /* tls-*: the files behind a name may have changed (a renewed
         * certificate), so setting the same value reloads, as Redis's
         * VOLATILE_CONFIG does */
        if (strcmp(config_value(canon[i]), old[i] ? old[i] : "") == 0 &&
            strncasecmp(canon[i], "tls-", 4) != 0)
            continue;
        if (!config_run_hook(canon[i], &err)) {
            log_msg(LOG_WARNING, "Failed applying new configuration. Possibly related to new %s setting. "
                                 "Restoring previous settings.", canon[i]);
            reply_errorf(c, "ERR CONFIG SET failed (possibly related to argument '%s') - %s", names[i],
                         err ? err : "invalid value");
            undo_config_set(names, old, set);
            goto out;
        }
    }
    for (int i = 0; i < n; i++)
        if (strcasecmp(canon[i], "proc-title-template") == 0) server_update_proc_title();
    reply_ok(c);
out:
    for (int i = 0; i < 4 * n; i++) mem_free(names[i]);
    mem_free(names);
}

static void cmd_config_resetstat(Client *c) {
    stats_reset();
    evict_reset_stats();
    client_evict_reset_stats();
    command_reset_stats();
    db_reset_stats();
    reply_ok(c);
}

/* CONFIG REWRITE -- the config file rewritten with the values in force. */
static void cmd_config_rewrite(Client *c) {
    const char *err;
    if (config_rewrite(false, &err)) reply_ok(c);
    else reply_errorf(c, "ERR %s", err);
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

/* -------------------------------------------------------------- SHUTDOWN */

/* SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT] -- on success nothing is
 * replied: the server exits and the connection closes. The only shutdown
 * in progress to ABORT is one a signal asked for (the cron has not acted
 * on it yet): there are no replicas to wait for. */
static void cmd_shutdown(Client *c) {
    bool nosave = false, save = false, abort_ = false, other = false, force = false;
    for (int i = 1; i < c->argc; i++) {
        if (arg_is(c, i, "nosave")) nosave = true;
        else if (arg_is(c, i, "save")) save = true;
        else if (arg_is(c, i, "now")) other = true;
        else if (arg_is(c, i, "force")) other = force = true;
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
        if (!proc_shutdown_requested()) {
            reply_error(c, "ERR No shutdown in progress.");
            return;
        }
        proc_clear_shutdown_request();
        log_msg(LOG_WARNING, "Shutdown manually aborted.");
        reply_ok(c);
        return;
    }
    if (!persist_prepare_shutdown(save, nosave, force)) {
        reply_error(c, "ERR Errors trying to SHUTDOWN. Check logs.");
        return;
    }
    server_request_shutdown(save);
    c->flags |= CLIENT_CLOSE_AFTER_REPLY; /* run nothing after it */
}

/* ----------------------------------------------------------------- table */

#define SRV "server"
#define CFG_FLAGS (CMD_ADMIN | CMD_NOSCRIPT | CMD_LOADING | CMD_STALE)
#define CFG_ACL "@admin @slow @dangerous"

static Command config_subs[] = {
    {"get", cmd_config_get, -3, CFG_FLAGS, 0, 0, 0, SRV, "Get the values of configuration parameters", "2.0.0", "O(N) when N is the number of configuration parameters provided", CFG_ACL, NULL},
    {"set", cmd_config_set, -4, CFG_FLAGS, 0, 0, 0, SRV, "Set configuration parameters to the given values", "2.0.0", "O(N) when N is the number of configuration parameters provided", CFG_ACL, NULL},
    {"resetstat", cmd_config_resetstat, 2, CFG_FLAGS, 0, 0, 0, SRV, "Reset the stats returned by INFO", "2.0.0", "O(1)", CFG_ACL, NULL},
    {"rewrite", cmd_config_rewrite, 2, CFG_FLAGS, 0, 0, 0, SRV, "Overwrite the configuration file", "2.8.0", "O(1)", CFG_ACL, NULL},
    {"help", cmd_config_help, 2, CMD_LOADING | CMD_STALE, 0, 0, 0, SRV, "Show helpful text about the different subcommands", "5.0.0", "O(1)", "@slow", NULL},
    {0},
};

Command server_commands[] = {
    {"config", NULL, -2, 0, 0, 0, 0, SRV, "A container for server configuration commands", "2.0.0", "Depends on subcommand.", "@slow", config_subs},
    {"time", cmd_time, 1, CMD_LOADING | CMD_STALE | CMD_FAST, 0, 0, 0, SRV, "Return the current server time", "2.6.0", "O(1)", "@fast", NULL},
    {"lastsave", cmd_lastsave, 1, CMD_LOADING | CMD_STALE | CMD_FAST, 0, 0, 0, SRV, "Get the UNIX time stamp of the last successful save to disk", "1.0.0", "O(1)", "@admin @fast @dangerous", NULL},
    {"shutdown", cmd_shutdown, -1, CMD_ADMIN | CMD_NOSCRIPT | CMD_LOADING | CMD_STALE | CMD_NO_MULTI | CMD_ALLOW_BUSY, 0, 0, 0, SRV, "Synchronously save the dataset to disk and then shut down the server", "1.0.0", "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)", "@admin @slow @dangerous", NULL},
    {0},
};
