/* cmd/client.c -- CLIENT and its subcommands, with Redis 7.0's replies.
 * Clients being closed (CLOSE_ASAP) count as gone: Redis frees a killed
 * client at once, so LIST and KILL skip them to answer what Redis would.
 * SETINFO and NO-TOUCH are Redis 7.2 additions, kept because clients
 * (redis-py 5, phpredis 6) send SETINFO on connect. */
#include <stdlib.h>
#include <string.h>

#include "../core/args.h"
#include "../core/block.h"
#include "../core/client.h"
#include "../core/client_evict.h"
#include "../core/command.h"
#include "../core/pause.h"
#include "../core/reply.h"
#include "../core/tracking.h"
#include "../os/clock.h"
#include "../ds/mem.h"
#include "conn.h"

/* Client types of LIST/KILL TYPE. There are no replicas or masters yet;
 * a client with any subscription is PUBSUB (RESP3 ones too, as in Redis). */
typedef enum { TYPE_NONE = -1, TYPE_NORMAL, TYPE_REPLICA, TYPE_PUBSUB, TYPE_MASTER } ClientType;

static ClientType type_by_name(const Client *c, int i) {
    if (arg_is(c, i, "normal")) return TYPE_NORMAL;
    if (arg_is(c, i, "replica") || arg_is(c, i, "slave")) return TYPE_REPLICA;
    if (arg_is(c, i, "pubsub")) return TYPE_PUBSUB;
    if (arg_is(c, i, "master")) return TYPE_MASTER;
    return TYPE_NONE;
}

static ClientType type_of(const Client *c) {
    return (c->flags & CLIENT_PUBSUB) ? TYPE_PUBSUB : TYPE_NORMAL;
}

static bool type_or_reply(Client *c, int i, ClientType *out) {
    *out = type_by_name(c, i);
    if (*out != TYPE_NONE) return true;
    reply_errorf(c, "ERR Unknown client type '%.*s'", (int)c->argl[i], c->argv[i]);
    return false;
}

static bool alive(const Client *c) { return !(c->flags & CLIENT_CLOSE_ASAP); }

/* Appends c's CLIENT LIST line and a newline to the growing buffer. */
static void append_line(char **buf, size_t *len, size_t *cap, const Client *c) {
    size_t need = 1024 + (c->name ? strlen(c->name) : 0) + (c->lib_name ? strlen(c->lib_name) : 0) +
                  (c->lib_ver ? strlen(c->lib_ver) : 0);
    if (*cap - *len < need) {
        *cap = (*len + need) * 2;
        *buf = mem_realloc(*buf, *cap);
    }
    *len += client_info_line(c, *buf + *len, *cap - *len);
    (*buf)[(*len)++] = '\n';
}

typedef struct {
    Client **v;
    size_t n, cap;
} ClientVec;

static void collect(Client *c, void *ctx) {
    ClientVec *vec = ctx;
    if (!alive(c)) return;
    if (vec->n == vec->cap) {
        vec->cap = vec->cap ? vec->cap * 2 : 16;
        vec->v = mem_realloc(vec->v, vec->cap * sizeof(Client *));
    }
    vec->v[vec->n++] = c;
}

static int by_id(const void *a, const void *b) {
    uint64_t x = (*(Client *const *)a)->id, y = (*(Client *const *)b)->id;
    return x < y ? -1 : x > y;
}

/* Every live client, oldest first (Redis lists them in connection order). */
static ClientVec all_clients(void) {
    ClientVec vec = {0};
    client_foreach(collect, &vec);
    if (vec.n > 1) qsort(vec.v, vec.n, sizeof(Client *), by_id);
    return vec;
}

/* CLIENT LIST [TYPE type] | [ID id ...] */
static void cmd_client_list(Client *c) {
    ClientType type = TYPE_NONE;
    char *buf = NULL;
    size_t len = 0, cap = 0;
    if (c->argc == 4 && arg_is(c, 2, "type")) {
        if (!type_or_reply(c, 3, &type)) return;
    } else if (c->argc > 3 && arg_is(c, 2, "id")) {
        for (int i = 3; i < c->argc; i++) {
            int64_t id;
            if (!arg_int64(c, i, &id)) {
                mem_free(buf);
                reply_error(c, "ERR Invalid client ID");
                return;
            }
            Client *t = id > 0 ? client_by_id((uint64_t)id) : NULL;
            if (t && alive(t)) append_line(&buf, &len, &cap, t);
        }
        reply_verbatim(c, buf ? buf : "", len);
        mem_free(buf);
        return;
    } else if (c->argc != 2) {
        reply_syntax_error(c);
        return;
    }
    ClientVec vec = all_clients();
    for (size_t i = 0; i < vec.n; i++)
        if (type == TYPE_NONE || type_of(vec.v[i]) == type) append_line(&buf, &len, &cap, vec.v[i]);
    mem_free(vec.v);
    reply_verbatim(c, buf ? buf : "", len);
    mem_free(buf);
}

static void cmd_client_info(Client *c) {
    char *buf = NULL;
    size_t len = 0, cap = 0;
    append_line(&buf, &len, &cap, c);
    reply_verbatim(c, buf, len);
    mem_free(buf);
}

static void cmd_client_id(Client *c) { reply_int(c, (int64_t)c->id); }

static void cmd_client_setname(Client *c) {
    if (!conn_valid_name(c->argv[2], c->argl[2])) {
        reply_error(c, "ERR Client names cannot contain spaces, newlines or special characters.");
        return;
    }
    conn_set_name(c, c->argv[2], c->argl[2]);
    reply_ok(c);
}

static void cmd_client_getname(Client *c) {
    if (c->name) reply_cstr(c, c->name);
    else reply_null(c);
}

/* CLIENT SETINFO LIB-NAME|LIB-VER value (Redis 7.2). */
static void cmd_client_setinfo(Client *c) {
    char **dest;
    if (arg_is(c, 2, "lib-name")) dest = &c->lib_name;
    else if (arg_is(c, 2, "lib-ver")) dest = &c->lib_ver;
    else {
        reply_errorf(c, "ERR Unrecognized option '%.*s'", (int)c->argl[2], c->argv[2]);
        return;
    }
    if (!conn_valid_name(c->argv[3], c->argl[3])) {
        reply_errorf(c, "ERR %.*s cannot contain spaces, newlines or special characters.",
                     (int)c->argl[2], c->argv[2]);
        return;
    }
    mem_free(*dest);
    *dest = c->argl[3] ? mem_strndup(c->argv[3], c->argl[3]) : NULL;
    reply_ok(c);
}

/* ON/OFF switch of one client flag (NO-EVICT, NO-TOUCH). */
static void switch_flag(Client *c, uint32_t flag) {
    if (arg_is(c, 2, "on")) c->flags |= flag;
    else if (arg_is(c, 2, "off")) c->flags &= ~flag;
    else {
        reply_syntax_error(c);
        return;
    }
    reply_ok(c);
}

static void cmd_client_no_evict(Client *c) {
    switch_flag(c, CLIENT_NO_EVICT);
    client_evict_update(c); /* out of, or back into, the eviction buckets */
}
static void cmd_client_no_touch(Client *c) { switch_flag(c, CLIENT_NO_TOUCH); }

/* CLIENT REPLY ON|OFF|SKIP. OFF and SKIP get no reply: OFF mutes this
 * command's reply already, SKIP_NEXT is turned into SKIP by the
 * dispatcher for the next command. */
static void cmd_client_reply(Client *c) {
    if (arg_is(c, 2, "on")) {
        c->flags &= ~(CLIENT_REPLY_OFF | CLIENT_REPLY_SKIP | CLIENT_REPLY_SKIP_NEXT);
        reply_ok(c);
    } else if (arg_is(c, 2, "off")) {
        c->flags |= CLIENT_REPLY_OFF;
    } else if (arg_is(c, 2, "skip")) {
        if (!(c->flags & CLIENT_REPLY_OFF)) c->flags |= CLIENT_REPLY_SKIP_NEXT;
    } else {
        reply_syntax_error(c);
    }
}

typedef struct {
    const char *addr, *laddr;
    size_t addr_len, laddr_len;
    ClientType type;
    uint64_t id;
    const UserRef *user;
    bool skipme;
} KillFilter;

static bool str_eq(const char *s, const char *arg, size_t len) {
    return strlen(s) == len && memcmp(s, arg, len) == 0;
}

/* Parses CLIENT KILL's filters (the old form is `CLIENT KILL addr`). */
static bool kill_filter_or_reply(Client *c, KillFilter *f) {
    memset(f, 0, sizeof(*f));
    f->type = TYPE_NONE;
    if (c->argc == 3) {
        f->addr = c->argv[2];
        f->addr_len = c->argl[2];
        return true; /* the old form may kill the caller itself */
    }
    f->skipme = true;
    for (int i = 2; i < c->argc; i += 2) {
        bool more = i + 1 < c->argc;
        int v = i + 1;
        if (arg_is(c, i, "id") && more) {
            int64_t id;
            if (!arg_int64(c, v, &id) || id < 1) {
                reply_error(c, "ERR client-id should be greater than 0");
                return false;
            }
            f->id = (uint64_t)id;
        } else if (arg_is(c, i, "type") && more) {
            if (!type_or_reply(c, v, &f->type)) return false;
        } else if (arg_is(c, i, "addr") && more) {
            f->addr = c->argv[v];
            f->addr_len = c->argl[v];
        } else if (arg_is(c, i, "laddr") && more) {
            f->laddr = c->argv[v];
            f->laddr_len = c->argl[v];
        } else if (arg_is(c, i, "user") && more) {
            f->user = client_user_find ? client_user_find(c->argv[v], c->argl[v]) : NULL;
            if (!f->user) {
                reply_errorf(c, "ERR No such user '%.*s'", (int)c->argl[v], c->argv[v]);
                return false;
            }
        } else if (arg_is(c, i, "skipme") && more) {
            if (arg_is(c, v, "yes")) f->skipme = true;
            else if (arg_is(c, v, "no")) f->skipme = false;
            else {
                reply_syntax_error(c);
                return false;
            }
        } else {
            reply_syntax_error(c);
            return false;
        }
    }
    return true;
}

static bool kill_matches(const KillFilter *f, const Client *t, const Client *self) {
    if (f->addr && !str_eq(t->addr, f->addr, f->addr_len)) return false;
    if (f->laddr && !str_eq(t->laddr, f->laddr, f->laddr_len)) return false;
    if (f->type != TYPE_NONE && type_of(t) != f->type) return false;
    if (f->id && t->id != f->id) return false;
    if (f->user && t->user != f->user) return false;
    if (t == self && f->skipme) return false;
    return true;
}

/* CLIENT KILL addr  -> OK / "No such client"
 * CLIENT KILL <filter> <value> ...  -> number killed. The caller itself is
 * closed after its reply; others are closed by the event loop. */
static void cmd_client_kill(Client *c) {
    KillFilter f;
    if (!kill_filter_or_reply(c, &f)) return;
    ClientVec vec = all_clients();
    int64_t killed = 0;
    bool close_self = false;
    for (size_t i = 0; i < vec.n; i++) {
        Client *t = vec.v[i];
        if (!kill_matches(&f, t, c)) continue;
        if (t == c) close_self = true;
        else client_close_async(t);
        killed++;
    }
    mem_free(vec.v);
    if (c->argc == 3) {
        if (killed) reply_ok(c);
        else reply_error(c, "ERR No such client");
    } else {
        reply_int(c, killed);
    }
    if (close_self) c->flags |= CLIENT_CLOSE_AFTER_REPLY;
}

/* For "CLIENT <sub> <arg> [A|B]": replies the arity error past 4 args, or
 * `bad` when the last word is neither a nor b (the word is checked before
 * <arg>, as Redis does); *is_b is true only when b was given. */
static bool last_word_or_reply(Client *c, const char *a, const char *b, const char *bad,
                               bool *is_b) {
    *is_b = false;
    if (c->argc > 4) {
        reply_errorf(c,
                     "ERR unknown subcommand or wrong number of arguments for '%.*s'. "
                     "Try CLIENT HELP.",
                     (int)(c->argl[1] > 128 ? 128 : c->argl[1]), c->argv[1]);
        return false;
    }
    if (c->argc < 4) return true;
    if (arg_is(c, 3, b)) *is_b = true;
    else if (!arg_is(c, 3, a)) {
        reply_error(c, bad);
        return false;
    }
    return true;
}

/* CLIENT UNBLOCK id [TIMEOUT|ERROR] -- 1 if the client was blocked (it
 * gets its timeout reply, or the -UNBLOCKED error), else 0. The reason is
 * checked before the id, as Redis does. */
static void cmd_client_unblock(Client *c) {
    bool as_error;
    if (!last_word_or_reply(c, "timeout", "error",
                            "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR", &as_error))
        return;
    int64_t id;
    if (!arg_int64_or_reply(c, 2, &id)) return;
    Client *t = id > 0 ? client_by_id((uint64_t)id) : NULL;
    reply_int(c, t && alive(t) && block_unblock(t, as_error) ? 1 : 0);
}

/* CLIENT PAUSE timeout [WRITE|ALL] -- the mode is read before the
 * timeout, as Redis does; the timeout is in milliseconds from now. */
static void cmd_client_pause(Client *c) {
    bool write_only;
    if (!last_word_or_reply(c, "all", "write", "ERR CLIENT PAUSE mode must be WRITE or ALL",
                            &write_only))
        return;
    PauseType type = write_only ? PAUSE_WRITE : PAUSE_ALL;
    int64_t ms;
    if (!arg_int64_msg_or_reply(c, 2, &ms, "ERR timeout is not an integer or out of range"))
        return;
    if (ms < 0) {
        reply_error(c, "ERR timeout is negative");
        return;
    }
    int64_t now = clock_unix_ms();
    /* past int64 the deadline wraps negative and the pause ends at once, as in Redis */
    pause_start(type, (int64_t)((uint64_t)now + (uint64_t)ms));
    reply_ok(c);
}

static void cmd_client_unpause(Client *c) {
    pause_stop();
    reply_ok(c);
}

/* ---------- client-side caching (core/tracking) ---------- */

/* CLIENT TRACKING ON|OFF [REDIRECT id] [BCAST] [PREFIX p]... [OPTIN]
 * [OPTOUT] [NOLOOP] -- the options are parsed (and REDIRECT's client
 * looked up) before ON/OFF is, as in Redis; OFF ignores them. */
static void cmd_client_tracking(Client *c) {
    uint64_t redir = 0;
    unsigned opts = 0;
    const char **p = mem_alloc(sizeof(char *) * (size_t)c->argc);
    size_t *pl = mem_alloc(sizeof(size_t) * (size_t)c->argc), n = 0;
    for (int j = 3; j < c->argc; j++) {
        bool more = j < c->argc - 1;
        if (arg_is(c, j, "redirect") && more) {
            j++;
            if (redir) {
                reply_error(c, "ERR A client can only redirect to a single other client");
                goto out;
            }
            int64_t id;
            if (!arg_int64_or_reply(c, j, &id)) goto out;
            if (id <= 0 || !tracking_client_by_id((uint64_t)id)) {
                reply_error(c, "ERR The client ID you want redirect to does not exist");
                goto out;
            }
            redir = (uint64_t)id;
        } else if (arg_is(c, j, "bcast")) {
            opts |= TRACKING_BCAST;
        } else if (arg_is(c, j, "optin")) {
            opts |= TRACKING_OPTIN;
        } else if (arg_is(c, j, "optout")) {
            opts |= TRACKING_OPTOUT;
        } else if (arg_is(c, j, "noloop")) {
            opts |= TRACKING_NOLOOP;
        } else if (arg_is(c, j, "prefix") && more) {
            j++;
            p[n] = c->argv[j];
            pl[n++] = c->argl[j];
        } else {
            reply_syntax_error(c);
            goto out;
        }
    }
    if (arg_is(c, 2, "on")) {
        char buf[512];
        const char *err = tracking_enable(c, redir, opts, p, pl, n, buf, sizeof buf);
        if (err) reply_error(c, err);
        else reply_ok(c);
    } else if (arg_is(c, 2, "off")) {
        tracking_disable(c);
        reply_ok(c);
    } else {
        reply_syntax_error(c);
    }
out:
    mem_free(p);
    mem_free(pl);
}

/* CLIENT CACHING YES|NO -- for the next command (or transaction) only. */
static void cmd_client_caching(Client *c) {
    unsigned f = tracking_flags(c);
    if (!tracking_is_on(c)) {
        reply_error(c, "ERR CLIENT CACHING can be called only when the client is in tracking "
                       "mode with OPTIN or OPTOUT mode enabled");
    } else if (arg_is(c, 2, "yes")) {
        if (!(f & TRACKING_OPTIN)) {
            reply_error(c, "ERR CLIENT CACHING YES is only valid when tracking is enabled in "
                           "OPTIN mode.");
            return;
        }
        c->flags |= CLIENT_TRACKING_CACHING;
        reply_ok(c);
    } else if (arg_is(c, 2, "no")) {
        if (!(f & TRACKING_OPTOUT)) {
            reply_error(c, "ERR CLIENT CACHING NO is only valid when tracking is enabled in "
                           "OPTOUT mode.");
            return;
        }
        c->flags |= CLIENT_TRACKING_CACHING;
        reply_ok(c);
    } else {
        reply_syntax_error(c);
    }
}

static void cmd_client_getredir(Client *c) {
    reply_int(c, tracking_is_on(c) ? (int64_t)tracking_redirect(c) : -1);
}

static void reply_prefix(void *ctx, const char *p, size_t len) { reply_bulk(ctx, p, len); }

static void cmd_client_trackinginfo(Client *c) {
    static const struct {
        unsigned flag;
        const char *name;
    } names[] = {{TRACKING_BCAST, "bcast"}, {TRACKING_OPTIN, "optin"}, {0, "caching-yes"},
                 {TRACKING_OPTOUT, "optout"}, {0, "caching-no"}, {TRACKING_NOLOOP, "noloop"},
                 {TRACKING_BROKEN_REDIR, "broken_redirect"}};
    unsigned f = tracking_flags(c);
    bool caching = c->flags & CLIENT_TRACKING_CACHING;
    const char *shown[8];
    int n = 0;
    shown[n++] = tracking_is_on(c) ? "on" : "off";
    for (size_t i = 0; i < ARRAY_LEN(names); i++) {
        bool on = names[i].flag ? (f & names[i].flag) != 0
                : !strcmp(names[i].name, "caching-yes") ? caching && (f & TRACKING_OPTIN)
                                                        : caching && (f & TRACKING_OPTOUT);
        if (on) shown[n++] = names[i].name;
    }
    reply_map(c, 3);
    reply_cstr(c, "flags");
    reply_set(c, n);
    for (int i = 0; i < n; i++) reply_cstr(c, shown[i]);
    reply_cstr(c, "redirect");
    reply_int(c, tracking_is_on(c) ? (int64_t)tracking_redirect(c) : -1);
    reply_cstr(c, "prefixes");
    reply_array(c, (int64_t)tracking_prefix_count(c));
    tracking_prefixes(c, reply_prefix, c);
}

/* Redis 7.0.15's text, word for word. */
static const char *const client_help[] = {
    "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CACHING (YES|NO)",
    "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
    "GETREDIR",
    "    Return the client ID we are redirecting to when tracking is enabled.",
    "GETNAME",
    "    Return the name of the current connection.",
    "ID",
    "    Return the ID of the current connection.",
    "INFO",
    "    Return information about the current client connection.",
    "KILL <ip:port>",
    "    Kill connection made from <ip:port>.",
    "KILL <option> <value> [<option> <value> [...]]",
    "    Kill connections. Options are:",
    "    * ADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made from the specified address",
    "    * LADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made to specified local address",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Kill connections by type.",
    "    * USER <username>",
    "      Kill connections authenticated by <username>.",
    "    * SKIPME (YES|NO)",
    "      Skip killing current connection (default: yes).",
    "LIST [options ...]",
    "    Return information about client connections. Options:",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Return clients of specified type.",
    "UNPAUSE",
    "    Stop the current client pause, resuming traffic.",
    "PAUSE <timeout> [WRITE|ALL]",
    "    Suspend all, or just write, clients for <timeout> milliseconds.",
    "REPLY (ON|OFF|SKIP)",
    "    Control the replies sent to the current connection.",
    "SETNAME <name>",
    "    Assign the name <name> to the current connection.",
    "UNBLOCK <clientid> [TIMEOUT|ERROR]",
    "    Unblock the specified blocked client.",
    "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
    "         [OPTIN] [OPTOUT] [NOLOOP]",
    "    Control server assisted client side caching.",
    "TRACKINGINFO",
    "    Report tracking status for the current connection.",
    "NO-EVICT (ON|OFF)",
    "    Protect current client connection from eviction.",
    "HELP",
    "    Prints this help.",
};

static void cmd_client_help(Client *c) {
    reply_help(c, client_help, ARRAY_LEN(client_help));
}

#define CONN "connection"
#define SUB_FLAGS (CMD_NOSCRIPT | CMD_LOADING | CMD_STALE)
#define ADMIN_FLAGS (CMD_ADMIN | SUB_FLAGS)
#define ACL_CONN "@slow @connection"
#define ACL_ADMIN "@admin @slow @dangerous @connection"
static Command client_subs[] = {
    {"list", cmd_client_list, -2, ADMIN_FLAGS, 0, 0, 0, CONN, "Get the list of client connections", "2.4.0", "O(N) where N is the number of client connections", ACL_ADMIN, NULL},
    {"info", cmd_client_info, 2, SUB_FLAGS, 0, 0, 0, CONN, "Returns information about the current client connection.", "6.2.0", "O(1)", ACL_CONN, NULL},
    {"kill", cmd_client_kill, -3, ADMIN_FLAGS, 0, 0, 0, CONN, "Kill the connection of a client", "2.4.0", "O(N) where N is the number of client connections", ACL_ADMIN, NULL},
    {"reply", cmd_client_reply, 3, SUB_FLAGS, 0, 0, 0, CONN, "Instruct the server whether to reply to commands", "3.2.0", "O(1)", ACL_CONN, NULL},
    {"help", cmd_client_help, 2, CMD_LOADING | CMD_STALE, 0, 0, 0, CONN, "Show helpful text about the different subcommands", "5.0.0", "O(1)", ACL_CONN, NULL},
    {"no-evict", cmd_client_no_evict, 3, ADMIN_FLAGS, 0, 0, 0, CONN, "Set client eviction mode for the current connection", "7.0.0", "O(1)", ACL_ADMIN, NULL},
    {"no-touch", cmd_client_no_touch, 3, SUB_FLAGS, 0, 0, 0, CONN, "Controls whether commands sent by the client will alter the LRU/LFU of the keys they access.", "7.2.0", "O(1)", ACL_CONN, NULL},
    {"getname", cmd_client_getname, 2, SUB_FLAGS, 0, 0, 0, CONN, "Get the current connection name", "2.6.9", "O(1)", ACL_CONN, NULL},
    {"setname", cmd_client_setname, 3, SUB_FLAGS, 0, 0, 0, CONN, "Set the current connection name", "2.6.9", "O(1)", ACL_CONN, NULL},
    {"setinfo", cmd_client_setinfo, 4, SUB_FLAGS, 0, 0, 0, CONN, "Set client or connection specific info", "7.2.0", "O(1)", ACL_CONN, NULL},
    {"id", cmd_client_id, 2, SUB_FLAGS, 0, 0, 0, CONN, "Returns the client ID for the current connection", "5.0.0", "O(1)", ACL_CONN, NULL},
    {"pause", cmd_client_pause, -3, ADMIN_FLAGS, 0, 0, 0, CONN, "Stop processing commands from clients for some time", "2.9.50", "O(1)", ACL_ADMIN, NULL},
    {"unpause", cmd_client_unpause, 2, ADMIN_FLAGS, 0, 0, 0, CONN, "Resume processing of clients that were paused", "6.2.0", "O(N) Where N is the number of paused clients", ACL_ADMIN, NULL},
    {"tracking", cmd_client_tracking, -3, SUB_FLAGS, 0, 0, 0, CONN, "Enable or disable server assisted client side caching support", "6.0.0", "O(1). Some options may introduce additional complexity.", ACL_CONN, NULL},
    {"trackinginfo", cmd_client_trackinginfo, 2, SUB_FLAGS, 0, 0, 0, CONN, "Return information about server assisted client side caching for the current connection", "6.2.0", "O(1)", ACL_CONN, NULL},
    {"caching", cmd_client_caching, 3, SUB_FLAGS, 0, 0, 0, CONN, "Instruct the server about tracking or not keys in the next request", "6.0.0", "O(1)", ACL_CONN, NULL},
    {"getredir", cmd_client_getredir, 2, SUB_FLAGS, 0, 0, 0, CONN, "Get tracking notifications redirection client ID if any", "6.0.0", "O(1)", ACL_CONN, NULL},
    {"unblock", cmd_client_unblock, -3, ADMIN_FLAGS, 0, 0, 0, CONN, "Unblock a client blocked in a blocking command from a different connection", "5.0.0", "O(log N) where N is the number of client connections", ACL_ADMIN, NULL},
    {0},
};

Command client_commands[] = {
    {"client", NULL, -2, 0, 0, 0, 0, CONN, "A container for client connection commands", "2.4.0", "Depends on subcommand.", "@slow", client_subs},
    {0},
};
