/* cmd/conn.c -- connection commands: PING ECHO QUIT SELECT AUTH HELLO RESET. */
#include "conn.h"

#include <string.h>
#include <strings.h>

#include "../core/tracking.h"
#include "../core/args.h"
#include "../core/command.h"
#include "../core/config.h"
#include "../core/db.h"
#include "../core/monitor.h"
#include "../core/multi.h"
#include "../core/pubsub.h"
#include "../core/reply.h"
#include "../core/watch.h"
#include "../ds/mem.h"
#include "../os/sock.h"

static void cmd_ping(Client *c) {
    if (c->argc > 2) {
        reply_wrong_arity(c);
        return;
    }
    if ((c->flags & CLIENT_PUBSUB) && c->resp == 2) { /* Redis: ["pong", arg or ""] */
        reply_array(c, 2);
        reply_bulk(c, "pong", 4);
        reply_bulk(c, c->argc == 2 ? c->argv[1] : "", c->argc == 2 ? c->argl[1] : 0);
    } else if (c->argc == 2) reply_bulk(c, c->argv[1], c->argl[1]);
    else reply_raw(c, "+PONG\r\n", 7);
}

static void cmd_echo(Client *c) { reply_bulk(c, c->argv[1], c->argl[1]); }

static void cmd_quit(Client *c) {
    reply_ok(c);
    c->flags |= CLIENT_CLOSE_AFTER_REPLY;
}

static void cmd_select(Client *c) {
    int index;
    Db *db = arg_db_or_reply(c, 1, &index);
    if (!db) return;
    c->db = db;
    c->db_index = index;
    reply_ok(c);
}

/* AUTH [user] pass: one path for requirepass and ACL users (acl/ checks
 * them through the hook core declares). */
static void cmd_auth(Client *c) {
    if (c->argc > 3) {
        reply_syntax_error(c);
        return;
    }
    for (int i = 1; i < c->argc; i++) monitor_redact(i);
    if (c->argc == 2 && client_default_nopass) {
        reply_error(c, "ERR AUTH <password> called without any password configured for the "
                       "default user. Are you sure your configuration is correct?");
        return;
    }
    const char *user = c->argc == 3 ? c->argv[1] : "default";
    size_t ulen = c->argc == 3 ? c->argl[1] : 7;
    int pi = c->argc - 1;
    if (client_authenticate(c, user, ulen, c->argv[pi], c->argl[pi])) reply_ok(c);
    else reply_error(c, "WRONGPASS invalid username-password pair or user is disabled.");
}

bool conn_protected_allowed(const Client *c, const char *directive) {
    const char *v = config_value(directive);
    return !v || strcasecmp(v, "yes") == 0 ||
           (strcasecmp(v, "local") == 0 && sock_peer_is_loopback(c->fd, c->flags & CLIENT_UNIX));
}

bool conn_valid_name(const char *s, size_t len) {
    for (size_t i = 0; i < len; i++)
        if (s[i] < '!' || s[i] > '~') return false;
    return true;
}

void conn_set_name(Client *c, const char *s, size_t len) {
    mem_free(c->name);
    c->name = len ? mem_strndup(s, len) : NULL;
}

static void reply_hello_map(Client *c) {
    reply_map(c, 7);
    reply_cstr(c, "server");
    reply_cstr(c, "redis");
    reply_cstr(c, "version");
    reply_cstr(c, KILAT_REDIS_VERSION);
    reply_cstr(c, "proto");
    reply_int(c, c->resp);
    reply_cstr(c, "id");
    reply_int(c, (int64_t)c->id);
    reply_cstr(c, "mode");
    reply_cstr(c, "standalone");
    reply_cstr(c, "role");
    reply_cstr(c, "master");
    reply_cstr(c, "modules");
    reply_array(c, 0);
}

static void cmd_hello(Client *c) {
    int64_t ver = 0;
    int i = 1;
    if (c->argc >= 2) {
        if (!arg_int64(c, 1, &ver)) {
            reply_error(c, "ERR Protocol version is not an integer or out of range");
            return;
        }
        i = 2;
        if (ver < 2 || ver > 3) {
            reply_error(c, "NOPROTO unsupported protocol version");
            return;
        }
    }
    const char *name = NULL;
    size_t nlen = 0;
    /* Options apply in order, as in Redis 7.0: AUTH authenticates at once
     * (and a later bad option leaves it done); only the passwords it got
     * to are hidden from MONITOR. */
    for (; i < c->argc; i++) {
        int more = c->argc - i - 1;
        if (arg_is(c, i, "auth") && more >= 2) {
            monitor_redact(i + 1);
            monitor_redact(i + 2);
            if (!client_authenticate(c, c->argv[i + 1], c->argl[i + 1], c->argv[i + 2],
                                     c->argl[i + 2])) {
                reply_error(c, "WRONGPASS invalid username-password pair or user is disabled.");
                return;
            }
            i += 2;
        } else if (arg_is(c, i, "setname") && more >= 1) {
            name = c->argv[i + 1];
            nlen = c->argl[i + 1];
            if (!conn_valid_name(name, nlen)) {
                reply_error(c, "ERR Client names cannot contain spaces, newlines or special "
                               "characters.");
                return;
            }
            i += 1;
        } else {
            reply_errorf(c, "ERR Syntax error in HELLO option '%.*s'", (int)c->argl[i],
                         c->argv[i]);
            return;
        }
    }
    if (!(c->flags & CLIENT_AUTHENTICATED)) {
        reply_error(c, "NOAUTH HELLO must be called with the client already authenticated, "
                       "otherwise the HELLO AUTH <user> <pass> option can be used to "
                       "authenticate the client and select the RESP protocol version at the "
                       "same time");
        return;
    }
    if (name) conn_set_name(c, name, nlen);
    if (ver) c->resp = (int)ver;
    reply_hello_map(c);
}

static void cmd_reset(Client *c) {
    c->db = db_get(0);
    c->db_index = 0;
    c->resp = 2;
    conn_set_name(c, NULL, 0);
    /* Redis 7.0's RESET leaves CLIENT NO-EVICT as it was. */
    c->flags &= ~(CLIENT_REPLY_OFF | CLIENT_REPLY_SKIP | CLIENT_REPLY_SKIP_NEXT | CLIENT_NO_TOUCH);
    if (c->user) { /* back to the default user (internal clients stay unchecked) */
        c->user = client_default_user;
        c->flags &= ~(CLIENT_AUTHENTICATED | CLIENT_AUTH_USER);
        if (!client_auth_required) c->flags |= CLIENT_AUTHENTICATED | CLIENT_AUTH_USER;
    }
    pubsub_client_free(c);
    multi_discard(c); /* also unwatches */
    monitor_remove(c);
    tracking_disable(c);
    reply_status(c, "RESET");
}

#define CONN "connection"
Command conn_commands[] = {
    {"ping", cmd_ping, -1, CMD_FAST | CMD_SENTINEL, 0, 0, 0, CONN, "Ping the server", "1.0.0", "O(1)", "@fast @connection", NULL},
    {"echo", cmd_echo, 2, CMD_LOADING | CMD_STALE | CMD_FAST, 0, 0, 0, CONN, "Echo the given string", "1.0.0", "O(1)", "@fast @connection", NULL},
    {"quit", cmd_quit, -1, CMD_NOSCRIPT | CMD_LOADING | CMD_STALE | CMD_FAST | CMD_NO_AUTH | CMD_ALLOW_BUSY, 0, 0, 0, CONN, "Close the connection", "1.0.0", "O(1)", "@fast @connection", NULL},
    {"select", cmd_select, 2, CMD_LOADING | CMD_STALE | CMD_FAST, 0, 0, 0, CONN, "Change the selected database for the current connection", "1.0.0", "O(1)", "@fast @connection", NULL},
    {"auth", cmd_auth, -2, CMD_NOSCRIPT | CMD_LOADING | CMD_STALE | CMD_FAST | CMD_NO_AUTH | CMD_SENTINEL | CMD_ALLOW_BUSY, 0, 0, 0, CONN, "Authenticate to the server", "1.0.0", "O(N) where N is the number of passwords defined for the user", "@fast @connection", NULL},
    {"hello", cmd_hello, -1, CMD_NOSCRIPT | CMD_LOADING | CMD_STALE | CMD_FAST | CMD_NO_AUTH | CMD_SENTINEL | CMD_ALLOW_BUSY, 0, 0, 0, CONN, "Handshake with Redis", "6.0.0", "O(1)", "@fast @connection", NULL},
    {"reset", cmd_reset, 1, CMD_NOSCRIPT | CMD_LOADING | CMD_STALE | CMD_FAST | CMD_NO_AUTH | CMD_SENTINEL | CMD_ALLOW_BUSY, 0, 0, 0, CONN, "Reset the connection", "6.2.0", "O(1)", "@fast @connection", NULL},
    {0},
};
