/* persist/cmd_restore.c -- RESTORE key ttl payload [REPLACE] [ABSTTL]
 * [IDLETIME s] [FREQ f]: a DUMP payload (Redis's or kilat's) becomes a key.
 * The checks run in Redis 7.0's order (options, BUSYKEY, TTL, footer, body)
 * so every error reply matches; a corrupt body is "ERR Bad data format",
 * with the decoder's reason in the log, and leaves nothing behind. */
#include <stdio.h>
#include <string.h>

#include "../core/args.h"
#include "../core/block.h"
#include "../core/client.h"
#include "../core/command.h"
#include "../core/config.h"
#include "../core/db.h"
#include "../core/log.h"
#include "../core/notify.h"
#include "../core/propagate.h"
#include "../ds/mem.h"
#include "../core/reply.h"
#include "rdb_dec.h"

/* Whether Redis would check c's payload deeply: sanitize-dump-payload
 * yes, or clients unless c's user has skip-sanitize-payload (there are no
 * replication links yet). The decoder checks everything anyway; this
 * tells it how the user asked, and counts in INFO. */
static bool deep_sanitize(const Client *c) {
    const char *v = config_value("sanitize-dump-payload");
    if (!v || strcmp(v, "no") == 0) return false;
    if (strcmp(v, "clients") == 0) return !(c->user && c->user->skip_sanitize);
    return true;
}

static bool lfu_policy(void) {
    const char *v = config_value("maxmemory-policy");
    return v && strstr(v, "lfu") != NULL;
}

/* As Redis: a relative TTL leaves as an absolute one with ABSTTL, so a
 * replica or the AOF sets the same deadline. */
static void propagate_absttl(Client *c, int64_t when) {
    char num[24];
    int n = snprintf(num, sizeof(num), "%lld", (long long)when);
    const char **argv = mem_alloc(sizeof(char *) * (size_t)(c->argc + 1));
    size_t *argl = mem_alloc(sizeof(size_t) * (size_t)(c->argc + 1));
    for (int i = 0; i < c->argc; i++) {
        argv[i] = c->argv[i];
        argl[i] = c->argl[i];
    }
    argv[2] = num;
    argl[2] = (size_t)n;
    argv[c->argc] = "ABSTTL";
    argl[c->argc] = 6;
    propagate_as(c, c->argc + 1, argv, argl);
    mem_free(argv);
    mem_free(argl);
}

static void cmd_restore(Client *c) {
    bool replace = false, absttl = false;
    int64_t idle = -1, freq = -1, ttl;
    for (int i = 4; i < c->argc; i++) {
        bool more = i + 1 < c->argc;
        if (arg_opt_is(c, i, "replace")) {
            replace = true;
        } else if (arg_opt_is(c, i, "absttl")) {
            absttl = true;
        } else if (arg_opt_is(c, i, "idletime") && more && freq == -1) {
            if (!arg_int64_or_reply(c, i + 1, &idle)) return;
            if (idle < 0) {
                reply_error(c, "ERR Invalid IDLETIME value, must be >= 0");
                return;
            }
            i++;
        } else if (arg_opt_is(c, i, "freq") && more && idle == -1) {
            if (!arg_int64_or_reply(c, i + 1, &freq)) return;
            if (freq < 0 || freq > 255) {
                reply_error(c, "ERR Invalid FREQ value, must be >= 0 and <= 255");
                return;
            }
            i++;
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    const char *key = c->argv[1];
    size_t klen = c->argl[1];
    if (!replace && db_exists(c->db, key, klen)) {
        reply_error(c, "BUSYKEY Target key name already exists.");
        return;
    }
    if (!arg_int64_or_reply(c, 2, &ttl)) return;
    if (ttl < 0) {
        reply_error(c, "ERR Invalid TTL value, must be >= 0");
        return;
    }
    size_t body_len;
    int version;
    if (!rdb_payload_verify(c->argv[3], c->argl[3], &body_len, &version)) {
        reply_error(c, "ERR DUMP payload version or checksum are wrong");
        return;
    }

    /* As Redis, the value is read from the whole payload (footer included). */
    RdbReader r;
    rdb_reader_mem(&r, c->argv[3], c->argl[3], version);
    r.deep_sanitize = r.counts_sanitizations = deep_sanitize(c);
    uint8_t type;
    RdbValue v;
    if (!rdb_read_byte(&r, &type) || !rdb_type_is_value(type) ||
        !rdb_read_value(&r, type, &v) || (v.type != TYPE_STRING && !v.obj)) {
        if (!r.err[0] && rdb_type_is_value(type)) snprintf(r.err, sizeof(r.err), "Empty keys are not allowed");
        if (r.err[0])
            log_msg(LOG_WARNING, "Internal error in RDB reading offset %llu, function at rdb_dec -> %s",
                    (unsigned long long)rdb_reader_offset(&r), r.err);
        reply_error(c, "ERR Bad data format");
        return;
    }

    bool deleted = replace && db_delete(c->db, key, klen);
    if (ttl && !absttl) ttl += db_now();
    if (ttl && db_time_passed(ttl)) {
        /* Already expired: nothing is created (a replaced key is gone). */
        rdb_value_free(&v);
        if (deleted) {
            notify_write(NOTIFY_GENERIC, "del", c->db_index, key, klen);
            const char *argv[2] = {"DEL", key};
            size_t argl[2] = {3, klen};
            propagate_as(c, 2, argv, argl);
        }
        reply_ok(c);
        return;
    }
    rdb_value_install(c->db, key, klen, &v, ttl);
    Entry *e = db_peek(c->db, key, klen);
    if (e) {
        if (lfu_policy()) {
            if (freq >= 0) entry_set_lfu_freq(e, (uint8_t)freq);
        } else if (idle >= 0) {
            entry_set_idle_seconds(e, (uint64_t)idle);
        }
    }
    block_signal_key(c->db_index, key, klen);
    notify_write(NOTIFY_GENERIC, "restore", c->db_index, key, klen);
    if (ttl && !absttl) propagate_absttl(c, ttl);
    reply_ok(c);
}

#define GEN "generic"
Command restore_commands[] = {
    {"restore", cmd_restore, -4, CMD_WRITE | CMD_DENYOOM, 1, 1, 1, GEN, "Create a key using the provided serialized value, previously obtained using DUMP.", "2.6.0", "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).", "@keyspace @write @slow @dangerous", NULL},
    {0},
};
