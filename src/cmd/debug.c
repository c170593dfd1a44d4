/* cmd/debug.c -- DEBUG, the subcommands Redis's test suite uses, with
 * Redis 7.0's replies and errors: OBJECT, DIGEST, DIGEST-VALUE, PROTOCOL,
 * SLEEP, SET-ACTIVE-EXPIRE, PAUSE-CRON, QUICKLIST-PACKED-THRESHOLD,
 * LISTPACK, QUICKLIST, REPLYBUFFER, CHANGE-REPL-ID, LOG, ERROR, and the
 * crashes SEGFAULT, PANIC, ASSERT. Subcommands of Redis's that we do not
 * have (RELOAD, LOADAOF, POPULATE, ...) answer Redis's unknown-subcommand
 * error. enable-debug-command gates them all (debug_gate, before AUTH and
 * ACL). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../core/args.h"
#include "../core/client.h"
#include "../core/command.h"
#include "../core/config.h"
#include "../core/db.h"
#include "../core/log.h"
#include "../core/reply.h"
#include "../core/server.h"
#include "../core/watch.h"
#include "../core/t_hash.h"
#include "../core/t_zset.h"
#include "../ds/mem.h"
#include "../ds/quicklist.h"
#include "../persist/aof.h"
#include "../persist/persist.h"
#include "../os/crash.h"
#include "../os/file.h"
#include "../os/sock.h"
#include "../script/bridge.h"
#include "../persist/rdb_dec.h"
#include "conn.h"
#include "digest.h"

static const char *const debug_help[] = {
    "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "ASSERT",
    "    Crash by assertion failed.",
    "CHANGE-REPL-ID",
    "    Change the replication IDs of the instance.",
    "    Dangerous: should be used only for testing the replication subsystem.",
    "DIGEST",
    "    Output a hex signature representing the current DB content.",
    "DIGEST-VALUE <key> [<key> ...]",
    "    Output a hex signature of the values of all the specified keys.",
    "ERROR <string>",
    "    Return a Redis protocol error with <string> as message. Useful for clients",
    "    unit tests to simulate Redis errors.",
    "LOG <message>",
    "    Write <message> to the server log.",
#ifdef HAVE_JEMALLOC
    "MALLCTL <key> [<val>]",
    "    Get or set a malloc tuning integer.",
    "MALLCTL-STR <key> [<val>]",
    "    Get or set a malloc tuning string.",
#endif
    "OBJECT <key>",
    "    Show low level info about `key` and associated value.",
    "PANIC",
    "    Crash the server simulating a panic.",
    "PROTOCOL <type>",
    "    Reply with a test value of the specified type. <type> can be: string,",
    "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
    "    true, false.",
    "SEGFAULT",
    "    Crash the server with sigsegv.",
    "SET-ACTIVE-EXPIRE <0|1>",
    "    Setting it to 0 disables expiring keys in background when they are not",
    "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
    "    default.",
    "QUICKLIST-PACKED-THRESHOLD <size>",
    "    Sets the threshold for elements to be inserted as plain vs packed nodes",
    "    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.",
    "SLEEP <seconds>",
    "    Stop the server for <seconds>. Decimals allowed.",
    "LISTPACK <key>",
    "    Show low level info about the listpack encoding of <key>.",
    "QUICKLIST <key> [<0|1>]",
    "    Show low level info about the quicklist encoding of <key>.",
    "    The optional argument (0 by default) sets the level of detail",
    "PAUSE-CRON <0|1>",
    "    Stop periodic cron job processing.",
    "REPLYBUFFER PEAK-RESET-TIME <NEVER||RESET|time>",
    "    Sets the time (in milliseconds) to wait between client reply buffer peak resets.",
    "    In case NEVER is provided the last observed peak will never be reset",
    "    In case RESET is provided the peak reset time will be restored to the default value",
    "REPLYBUFFER RESIZING <0|1>",
    "    Enable or disable the reply buffer resize cron job",
    "HELP",
    "    Prints this help.",
};

/* C's atoi over the argument, which is what Redis reads 0|1 switches with
 * (so "x" is 0 and "2" is on). */
static long arg_atoi(const Client *c, int i) {
    char buf[32];
    size_t n = c->argl[i] < sizeof(buf) - 1 ? c->argl[i] : sizeof(buf) - 1;
    memcpy(buf, c->argv[i], n);
    buf[n] = '\0';
    return atol(buf);
}

/* Redis's answer to an unknown subcommand or a wrong argument count. */
static void reply_unknown_sub(Client *c) {
    int len = c->argl[1] < 128 ? (int)c->argl[1] : 128; /* Redis quotes at most 128 bytes */
    reply_errorf(c, "ERR unknown subcommand or wrong number of arguments for '%.*s'. Try "
                    "DEBUG HELP.",
                 len, c->argv[1]);
}

/* The key's entry for the inspection subcommands (no access-clock touch);
 * "ERR no such key" when absent. DEBUG OBJECT (`raw`) shows an entry whose
 * TTL passed and deletes nothing, as Redis's reads its dict directly. */
static Entry *inspect_or_reply(Client *c, int i, bool raw) {
    Entry *e = raw ? db_peek(c->db, c->argv[i], c->argl[i])
                   : db_lookup(c->db, c->argv[i], c->argl[i], true);
    if (!e) reply_error(c, "ERR no such key");
    return e;
}

/* ---------------------------------------------------------------- SLEEP */

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

/* --------------------------------------------------------------- OBJECT */

/* About the bytes the value takes in an RDB file: a length prefix and the
 * payload (our estimate; Redis reports its real serialised size). */
static size_t len_prefix(size_t n) { return n < 64 ? 1 : n < 16384 ? 2 : n <= UINT32_MAX ? 5 : 9; }

static size_t serialized_estimate(Entry *e) {
    switch (entry_type(e)) {
    case TYPE_STRING: {
        int64_t v;
        if (entry_get_int64(e, &v)) {
            if (v >= -128 && v <= 127) return 2;
            if (v >= -32768 && v <= 32767) return 3;
            return v >= INT32_MIN && v <= INT32_MAX ? 5 : 21;
        }
        size_t n = entry_strlen(e);
        return len_prefix(n) + n;
    }
    case TYPE_LIST: {
        const Quicklist *ql = entry_obj(e);
        size_t b = ql_lp_bytes(ql);
        return len_prefix(ql_nodes(ql)) + b + 2 * ql_nodes(ql);
    }
    default: {
        size_t m = entry_mem(e);
        return len_prefix(m) + m;
    }
    }
}

/* "Value at:<addr> refcount:<n> encoding:<enc> serializedlength:<n>
 * lru:<clock> lru_seconds_idle:<s>", plus the quicklist's figures for a
 * list, as one status line. */
static void debug_object(Client *c) {
    Entry *e = inspect_or_reply(c, 2, true);
    if (!e) return;
    char line[512];
    ValueType t = entry_type(e);
    /* a one-node list is a tagged pointer: show the address proper */
    const void *addr = t == TYPE_STRING ? (const void *)e
                                        : (const void *)((uintptr_t)entry_obj(e) & ~(uintptr_t)1);
    int64_t iv;
    bool shared = t == TYPE_STRING && entry_is_int(e) && entry_get_int64(e, &iv) && iv >= 0 &&
                  iv < 10000; /* Redis's shared integers, as OBJECT REFCOUNT */
    uint32_t idle = entry_idle_seconds(e);
    uint32_t lru = ((uint32_t)(time(NULL) & 0xffffff) - idle) & 0xffffff;
    int n = snprintf(line, sizeof(line),
                     "Value at:%p refcount:%d encoding:%s serializedlength:%zu lru:%u "
                     "lru_seconds_idle:%u",
                     addr, shared ? INT32_MAX : 1, entry_encoding_name(e), serialized_estimate(e),
                     lru, idle);
    if (t == TYPE_LIST && n > 0 && (size_t)n < sizeof(line)) {
        const Quicklist *ql = entry_obj(e);
        size_t nodes = ql_nodes(ql);
        snprintf(line + n, sizeof(line) - (size_t)n,
                 " ql_nodes:%zu ql_avg_node:%.2f ql_listpack_max:%d ql_compressed:0 "
                 "ql_uncompressed_size:%zu",
                 nodes, nodes ? (double)ql_count(ql) / (double)nodes : 0.0,
                 cfg.list_max_listpack_size, ql_lp_bytes(ql));
    }
    reply_status(c, line);
}

/* ------------------------------------------------------------- DIGESTS */

static void debug_digest(Client *c) {
    uint8_t d[DIGEST_LEN];
    char hex[2 * DIGEST_LEN + 1];
    digest_dataset(d);
    digest_hex(d, hex);
    reply_status(c, hex);
}

static void debug_digest_value(Client *c) {
    reply_array(c, c->argc - 2);
    for (int i = 2; i < c->argc; i++) {
        uint8_t d[DIGEST_LEN] = {0};
        char hex[2 * DIGEST_LEN + 1];
        Entry *e = db_lookup(c->db, c->argv[i], c->argl[i], true);
        if (e) digest_value(e, d);
        digest_hex(d, hex);
        reply_status(c, hex);
    }
}

/* ------------------------------------------------------------- PROTOCOL */

static void debug_protocol(Client *c) {
    static const char attrib_raw[] =
        "|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n";
    static const char bignum[] = "1234567999999999999999999999999999999";
    static const char verbatim[] = "This is a verbatim\nstring";
    if (arg_is(c, 2, "string")) {
        reply_cstr(c, "Hello World");
    } else if (arg_is(c, 2, "integer")) {
        reply_int(c, 12345);
    } else if (arg_is(c, 2, "double")) {
        reply_double(c, 3.141);
    } else if (arg_is(c, 2, "bignum")) {
        if (c->resp >= 3) {
            reply_raw(c, "(", 1);
            reply_raw(c, bignum, sizeof(bignum) - 1);
            reply_raw(c, "\r\n", 2);
        } else {
            reply_cstr(c, bignum);
        }
    } else if (arg_is(c, 2, "null")) {
        reply_null(c);
    } else if (arg_is(c, 2, "array") || arg_is(c, 2, "set")) {
        if (arg_is(c, 2, "set")) reply_set(c, 3);
        else reply_array(c, 3);
        for (int i = 0; i < 3; i++) reply_int(c, i);
    } else if (arg_is(c, 2, "map")) {
        reply_map(c, 3);
        for (int i = 0; i < 3; i++) {
            reply_int(c, i);
            reply_bool(c, i == 1);
        }
    } else if (arg_is(c, 2, "attrib")) {
        if (c->resp >= 3) reply_raw(c, attrib_raw, sizeof(attrib_raw) - 1);
        reply_cstr(c, "Some real reply following the attribute");
    } else if (arg_is(c, 2, "push")) {
        if (c->resp < 3) {
            reply_error(c, "ERR RESP2 is not supported by this command");
            return;
        }
        reply_push(c, 2);
        reply_cstr(c, "server-cpu-usage");
        reply_int(c, 42);
        reply_cstr(c, "Some real reply following the push reply");
    } else if (arg_is(c, 2, "true") || arg_is(c, 2, "false")) {
        reply_bool(c, arg_is(c, 2, "true"));
    } else if (arg_is(c, 2, "verbatim")) {
        reply_verbatim(c, verbatim, sizeof(verbatim) - 1);
    } else {
        reply_error(c, "ERR Wrong protocol type name. Please use one of the following: "
                       "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|"
                       "true|false");
    }
}

/* ------------------------------------------------ lists and listpacks */

/* QUICKLIST-PACKED-THRESHOLD <size>: a memory value, 0 (the default) up
 * to just under 4GB. */
static void debug_packed_threshold(Client *c) {
    char buf[128];
    uint64_t v;
    bool ok = c->argl[2] < sizeof(buf);
    if (ok) {
        memcpy(buf, c->argv[2], c->argl[2]);
        buf[c->argl[2]] = '\0';
        ok = config_parse_memory(buf, &v) && v < UINT32_MAX;
    }
    if (!ok) {
        reply_error(c, "ERR argument must be a memory value bigger than 1 and smaller than 4gb");
        return;
    }
    ql_set_packed_threshold((size_t)v);
    reply_ok(c);
}

/* LISTPACK <key>: lists are quicklists in Redis 7.0; hashes and sorted
 * sets may be listpacks. The structure goes to stdout, as Redis does. */
static void debug_listpack(Client *c) {
    Entry *e = inspect_or_reply(c, 2, false);
    if (!e) return;
    ValueType t = entry_type(e);
    bool lp = (t == TYPE_HASH && strcmp(hash_encoding(entry_obj(e)), "listpack") == 0) ||
              (t == TYPE_ZSET && zset_is_listpack(entry_obj(e)));
    if (!lp) {
        reply_error(c, "ERR Not a listpack encoded object.");
        return;
    }
    printf("{listpack of a %s: %zu bytes held}\n", t == TYPE_HASH ? "hash" : "zset", entry_mem(e));
    fflush(stdout);
    reply_status(c, "Listpack structure printed on stdout");
}

static void debug_quicklist(Client *c) {
    Entry *e = inspect_or_reply(c, 2, false);
    if (!e) return;
    if (entry_type(e) != TYPE_LIST) {
        reply_error(c, "ERR Not a quicklist encoded object.");
        return;
    }
    const Quicklist *ql = entry_obj(e);
    printf("{quicklist: count %zu, nodes %zu, listpack bytes %zu}\n", ql_count(ql), ql_nodes(ql),
           ql_lp_bytes(ql));
    fflush(stdout);
    reply_status(c, "Quicklist structure printed on stdout");
}

/* ---------------------------------------------------------- REPLYBUFFER */

/* REPLYBUFFER PEAK-RESET-TIME <never|reset|ms> | RESIZING <0|1> */
static void debug_replybuffer(Client *c) {
    if (arg_is(c, 2, "peak-reset-time")) {
        if (arg_is(c, 3, "never")) {
            client_set_rbuf_peak_reset_ms(-1);
        } else if (arg_is(c, 3, "reset")) {
            client_set_rbuf_peak_reset_ms(CLIENT_RBUF_PEAK_RESET_DEFAULT_MS);
        } else {
            int64_t ms;
            if (!arg_int64_or_reply(c, 3, &ms)) return;
            client_set_rbuf_peak_reset_ms(ms);
        }
    } else if (arg_is(c, 2, "resizing")) {
        client_set_rbuf_resizing(arg_atoi(c, 3) != 0);
    } else {
        reply_unknown_sub(c);
        return;
    }
    reply_ok(c);
}

/* -------------------------------------------------------------- crashes */

static void debug_segfault(Client *c) {
    UNUSED(c);
    log_msg(LOG_WARNING, "DEBUG SEGFAULT: crashing the server with SIGSEGV, as asked");
    raise(SIGSEGV);
}

/* ------------------------------------------------------------ dispatch */

typedef struct {
    const char *name;
    int min, max; /* argc bounds, DEBUG and the subcommand included; max 0: no bound */
    void (*fn)(Client *c);
} DebugSub;

static void debug_help_reply(Client *c) { reply_help(c, debug_help, ARRAY_LEN(debug_help)); }
static void debug_set_active_expire(Client *c) {
    server_set_active_expire(arg_atoi(c, 2) != 0);
    reply_ok(c);
}
static void debug_pause_cron(Client *c) {
    server_pause_cron(arg_atoi(c, 2) != 0);
    reply_ok(c);
}
/* DEBUG SET-SKIP-CHECKSUM-VALIDATION <0|1>: RESTORE and loading accept
 * payloads and files without checking their CRC-64. */
static void debug_skip_checksum(Client *c) {
    rdb_set_skip_checksum(arg_atoi(c, 2) != 0);
    reply_ok(c);
}
static void debug_change_repl_id(Client *c) {
    log_msg(LOG_WARNING, "Changing replication IDs after receiving DEBUG change-repl-id");
    reply_ok(c);
}
/* DEBUG SET-DISABLE-DENY-SCRIPTS <0|1>: lets scripts call `noscript`
 * commands (Redis reads the flag with atoi: "x" is 0). */
static void debug_deny_scripts(Client *c) {
    bridge_allow_noscript = (int)arg_atoi(c, 2) != 0;
    reply_ok(c);
}
static void debug_log(Client *c) {
    log_msg(LOG_WARNING, "DEBUG LOG: %.*s", (int)c->argl[2], c->argv[2]);
    reply_ok(c);
}
#ifdef HAVE_JEMALLOC
/* The reply of an allocator call that failed: strerror's text, as Redis. */
static void reply_ctl_error(Client *c, int rc) {
    char msg[128];
    snprintf(msg, sizeof(msg), "ERR %s", strerror(rc));
    reply_error(c, msg);
}

/* DEBUG MALLCTL name [value]: an allocator integer setting; the old value,
 * or OK for a write-only one. Arguments past the value are ignored. */
static void debug_mallctl(Client *c) {
    int64_t val = 0, old = 0;
    if (c->argc > 3 && !arg_int64_or_reply(c, 3, &val)) return;
    char *name = mem_strndup(c->argv[2], c->argl[2]);
    int rc = mem_ctl_int(name, c->argc > 3 ? &val : NULL, &old);
    mem_free(name);
    if (rc == 0) reply_int(c, old);
    else if (rc == MEM_CTL_WRITTEN) reply_ok(c);
    else reply_ctl_error(c, rc);
}

/* DEBUG MALLCTL-STR name [value|VOID]: the same for string settings. */
static void debug_mallctl_str(Client *c) {
    char *name = mem_strndup(c->argv[2], c->argl[2]);
    char *val = c->argc > 3 ? mem_strndup(c->argv[3], c->argl[3]) : NULL;
    const char *old = NULL;
    int rc = mem_ctl_str(name, val, &old);
    if (rc == 0) reply_cstr(c, old ? old : "");
    else if (rc == MEM_CTL_WRITTEN) reply_ok(c);
    else reply_ctl_error(c, rc);
    mem_free(name);
    mem_free(val);
}
#endif

/* DEBUG POPULATE count [prefix] [size]: string keys "<prefix>:<n>" (prefix
 * "key") holding "value:<n>", cut or zero-padded to `size` bytes when size
 * is given and not 0; keys that exist are left alone. As in Redis, no
 * keyspace events, but WATCH sees the new keys; and no change is counted,
 * so nothing is propagated (the AOF never replays a DEBUG POPULATE). */
static void debug_populate(Client *c) {
    static const char range[] = "ERR value is out of range, must be positive";
    int64_t count, size = 0;
    if (!arg_int64(c, 2, &count) || count < 0 || (c->argc == 5 && (!arg_int64(c, 4, &size) ||
                                                                   size < 0))) {
        reply_error(c, range);
        return;
    }
    const char *prefix = c->argc >= 4 ? c->argv[3] : "key";
    size_t plen = c->argc >= 4 ? c->argl[3] : 3;
    char *key = mem_alloc(plen + 24), *val = mem_alloc((size_t)size + 32);
    memcpy(key, prefix, plen);
    uint64_t dirty = db_dirty();
    for (int64_t i = 0; i < count; i++) {
        size_t klen = plen + (size_t)snprintf(key + plen, 24, ":%lld", (long long)i);
        if (db_exists(c->db, key, klen)) continue;
        size_t vlen = (size_t)snprintf(val, 32, "value:%lld", (long long)i);
        if (size > 0) {
            if ((size_t)size > vlen) memset(val + vlen, 0, (size_t)size - vlen);
            vlen = (size_t)size;
        }
        db_set_string(c->db, key, klen, val, vlen, DB_NO_TTL);
        watch_touch_key(c->db_index, key, klen);
    }
    db_restore_dirty(dirty);
    mem_free(key);
    mem_free(val);
    reply_ok(c);
}

static void debug_error(Client *c) {
    char *msg = mem_strndup(c->argv[2], c->argl[2]);
    for (char *p = msg; *p; p++)
        if (*p == '\r' || *p == '\n') *p = ' '; /* one protocol line */
    reply_error(c, msg);
    mem_free(msg);
}
static void debug_panic(Client *c) {
    UNUSED(c);
    char msg[64];
    snprintf(msg, sizeof(msg), "DEBUG PANIC called at Unix time %lld", (long long)time(NULL));
    crash_panic(msg, __FILE__, __LINE__);
}
static void debug_assert(Client *c) {
    volatile int one = 1;
    ASSERT(one == 2);
    reply_ok(c);
}

/* DEBUG CONFIG-REWRITE-FORCE-ALL: CONFIG REWRITE writing every directive. */
static void debug_config_rewrite_all(Client *c) {
    const char *err = NULL;
    if (config_rewrite(true, &err)) reply_ok(c);
    else reply_errorf(c, "ERR CONFIG-REWRITE-FORCE-ALL failed: %s", err ? err : "unknown error");
}

/* DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save, empty, load back. */
static void debug_reload(Client *c) {
    bool merge = false, noflush = false, nosave = false;
    for (int i = 2; i < c->argc; i++) {
        if (arg_is(c, i, "merge")) merge = true;
        else if (arg_is(c, i, "noflush")) noflush = true;
        else if (arg_is(c, i, "nosave")) nosave = true;
        else {
            reply_error(c, "ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
            return;
        }
    }
    const char *err = persist_debug_reload(merge, noflush, nosave);
    if (err) reply_error(c, err);
    else reply_ok(c);
}

/* DEBUG LOADAOF: flush the AOF, empty the databases, load the AOF back. */
static void debug_loadaof(Client *c) {
    const char *err = aof_debug_loadaof();
    if (err) reply_error(c, err);
    else reply_ok(c);
}

/* DEBUG AOF-FLUSH-SLEEP <microseconds>: sleep before each AOF write. */
static void debug_aof_flush_sleep(Client *c) {
    int64_t us;
    if (!arg_int64(c, 2, &us) || us < 0) {
        reply_error(c, "ERR value is not an integer or out of range");
        return;
    }
    aof_debug_flush_sleep(us);
    reply_ok(c);
}

/* DEBUG FILE-FAULT create|write|fsync|rename|read|off [errno] [after-bytes]:
 * the file fault hook of test builds (os/file.h). */
static void debug_file_fault(Client *c) {
    static const char *const ops[] = {"off", "create", "write", "fsync", "rename", "read"};
    int op = -1;
    for (int i = 0; i < (int)ARRAY_LEN(ops); i++)
        if (arg_is(c, 2, ops[i])) op = i;
    int64_t err = 28 /* ENOSPC */, after = 0;
    if (op < 0 || (c->argc > 3 && (!arg_int64(c, 3, &err) || err <= 0 || err > 4095)) ||
        (c->argc > 4 && (!arg_int64(c, 4, &after) || after < 0))) {
        reply_syntax_error(c);
        return;
    }
    if (!file_fault_set((FileFault)op, (int)err, (uint64_t)after)) {
        reply_error(c, "ERR file faults exist only in test builds (KILAT_CHECKS)");
        return;
    }
    reply_ok(c);
}

/* DEBUG ACCEPT-FAULT <errno> <count>: the next `count` accepted
 * connections fail with errno (os/sock.h's hook of test builds). */
static void debug_accept_fault(Client *c) {
    int64_t err, count;
    if (!arg_int64(c, 2, &err) || err <= 0 || err > 4095 || !arg_int64(c, 3, &count) || count < 0 ||
        count > 1000000) {
        reply_syntax_error(c);
        return;
    }
    if (!sock_accept_fault_set((int)err, (unsigned)count)) {
        reply_error(c, "ERR accept faults exist only in test builds (KILAT_CHECKS)");
        return;
    }
    reply_ok(c);
}

static const DebugSub subs[] = {
    {"reload", 2, 5, debug_reload},
    {"file-fault", 3, 5, debug_file_fault},
    {"accept-fault", 4, 4, debug_accept_fault},
    {"loadaof", 2, 2, debug_loadaof},
    {"aof-flush-sleep", 3, 3, debug_aof_flush_sleep},
    {"help", 2, 2, debug_help_reply},
    {"sleep", 3, 3, debug_sleep},
    {"object", 3, 3, debug_object},
    {"digest", 2, 2, debug_digest},
    {"digest-value", 2, 0, debug_digest_value},
    {"protocol", 3, 3, debug_protocol},
    {"set-active-expire", 3, 3, debug_set_active_expire},
    {"pause-cron", 3, 3, debug_pause_cron},
    {"quicklist-packed-threshold", 3, 3, debug_packed_threshold},
    {"listpack", 3, 3, debug_listpack},
    {"quicklist", 3, 4, debug_quicklist},
    {"replybuffer", 4, 4, debug_replybuffer},
    {"change-repl-id", 2, 2, debug_change_repl_id},
    {"config-rewrite-force-all", 2, 2, debug_config_rewrite_all},
    {"set-disable-deny-scripts", 3, 3, debug_deny_scripts},
    {"set-skip-checksum-validation", 3, 3, debug_skip_checksum},
    {"log", 3, 3, debug_log},
    {"populate", 3, 5, debug_populate},
#ifdef HAVE_JEMALLOC
    {"mallctl", 3, 0, debug_mallctl},
    {"mallctl-str", 3, 0, debug_mallctl_str},
#endif
    {"error", 3, 3, debug_error},
    {"segfault", 2, 0, debug_segfault},
    {"panic", 2, 0, debug_panic},
    {"assert", 2, 0, debug_assert},
};

/* DEBUG's gate (Command.gate): refused before AUTH and ACL are asked, as
 * Redis refuses a protected command (no NOAUTH, no NOPERM, no ACL LOG
 * entry; a rejected call, EXECABORT in MULTI). */
static const char *debug_gate(const Client *c) {
    if (conn_protected_allowed(c, "enable-debug-command")) return NULL;
    return "ERR DEBUG command not allowed. If the enable-debug-command option is set "
           "to \"local\", you can run it from a local connection, otherwise you need "
           "to set this option in the configuration file, and then restart the server.";
}

static void cmd_debug(Client *c) {
    for (size_t i = 0; i < ARRAY_LEN(subs); i++) {
        const DebugSub *s = &subs[i];
        if (!arg_is(c, 1, s->name)) continue;
        if (c->argc >= s->min && (!s->max || c->argc <= s->max)) {
            s->fn(c);
            return;
        }
        break;
    }
    reply_unknown_sub(c);
}

Command debug_commands[] = {
    {"debug", cmd_debug, -2, CMD_ADMIN | CMD_NOSCRIPT | CMD_LOADING | CMD_STALE | CMD_SIGNALS_NO_KEY, 0, 0, 0, "server", "A container for debugging commands", "1.0.0", "Depends on subcommand.", "@admin @slow @dangerous", NULL, NULL, debug_gate},
    {0},
};
