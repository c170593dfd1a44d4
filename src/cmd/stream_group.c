/* cmd/stream_group.c -- consumer-group commands as Redis 7.0.15: XGROUP,
 * XREADGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM (XINFO: stream_info.c).
 * Groups, consumers and PELs are ds/stream_cg.h's. Propagation follows
 * Redis: XREADGROUP, XCLAIM and XAUTOCLAIM never propagate themselves but
 * one XCLAIM ... FORCE JUSTID LASTID per pending entry they touched (plus
 * XGROUP SETID / CREATECONSUMER where the XCLAIMs cannot say it), as one
 * MULTI/EXEC unit when there are several. */
#include "stream_group.h"

#include <stdio.h>
#include <string.h>

#include "../core/args.h"
#include "../core/block.h"
#include "../core/command.h"
#include "../core/db.h"
#include "../core/notify.h"
#include "../core/propagate.h"
#include "../core/reply.h"
#include "../core/watch.h"
#include "../ds/mem.h"
#include "../script/script.h"
#include "stream.h"

#define INVALID_ID_MSG "ERR Invalid stream ID specified as stream command argument"
#define XREAD_BLOCKED_DEFAULT_COUNT 1000

static const StreamIdParse PARSE_START = {0, false, false};
static const StreamIdParse PARSE_STRICT = {0, true, false};

/* ---------- helpers shared with stream_info.c ---------- */

bool sg_id_or_reply(Client *c, int i, bool strict, uint64_t missing_seq, StreamId *id) {
    StreamIdParse how = strict ? PARSE_STRICT : PARSE_START;
    how.missing_seq = missing_seq;
    if (stream_id_parse(c->argv[i], c->argl[i], &how, id, NULL)) return true;
    reply_error(c, INVALID_ID_MSG);
    return false;
}

/* "(" before an ID makes it exclusive (then parsed strictly), as Redis's
 * streamParseIntervalIDOrReply. */
static bool interval_id_or_reply(Client *c, int i, uint64_t missing_seq, StreamId *id,
                                 bool *excl) {
    const char *s = c->argv[i];
    size_t len = c->argl[i];
    *excl = len > 1 && s[0] == '(';
    StreamIdParse how = *excl ? PARSE_STRICT : PARSE_START;
    how.missing_seq = missing_seq;
    if (*excl ? stream_id_parse(s + 1, len - 1, &how, id, NULL)
              : stream_id_parse(s, len, &how, id, NULL))
        return true;
    reply_error(c, INVALID_ID_MSG);
    return false;
}

void sg_reply_id(Client *c, const StreamId *id) {
    char buf[STREAM_ID_TEXT_MAX];
    size_t n = stream_id_format(id, buf);
    reply_bulk(c, buf, n);
}

bool sg_reply_entry(Client *c, Stream *s, const StreamId *id) {
    StreamIter it;
    StreamId got;
    size_t nf;
    stream_iter_start(&it, s, id, id, false);
    bool found = stream_iter_next(&it, &got, &nf);
    if (found) stream_reply_entry(c, &it, &got, nf);
    stream_iter_stop(&it);
    return found;
}

StreamFacts sg_facts(const Stream *s) {
    StreamFacts f = {s->length, s->last_id, s->first_id, s->max_deleted_id, s->entries_added};
    return f;
}

/* The stream at argv[i]: NULL when absent (*wrongtype false) or another
 * type (*wrongtype true, WRONGTYPE replied). `read` counts a keyspace hit
 * or miss as Redis's lookupKeyRead. */
Stream *sg_lookup(Client *c, int i, bool read, bool *wrongtype) {
    Entry *e = db_lookup(c->db, c->argv[i], c->argl[i], c->flags & CLIENT_NO_TOUCH);
    if (read) db_note_read(c->db, c->argv[i], c->argl[i], e != NULL);
    *wrongtype = false;
    if (!e) return NULL;
    if (entry_type(e) != TYPE_STREAM) {
        *wrongtype = true;
        reply_wrongtype(c);
        return NULL;
    }
    return entry_obj(e);
}

static StreamGroup *group_of(Stream *s, Client *c, int i) {
    return s ? stream_groups_find(s->groups, c->argv[i], c->argl[i]) : NULL;
}

static int64_t now_ms(void) { return db_now(); }

/* A consumer by name, its seen-time refreshed (Redis's SLC_DEFAULT); made
 * when missing (dirty +1, xgroup-createconsumer). *created says so. */
static StreamConsumer *consumer_get(Client *c, StreamGroup *g, int name_arg, int key_arg,
                                    bool *created) {
    StreamConsumer *con = stream_group_consumer_find(g, c->argv[name_arg], c->argl[name_arg]);
    *created = false;
    if (con) {
        con->seen_time = now_ms();
        return con;
    }
    con = stream_group_consumer_add(g, c->argv[name_arg], c->argl[name_arg], now_ms());
    *created = true;
    db_add_dirty(1);
    notify_key(NOTIFY_STREAM, "xgroup-createconsumer", c->db_index, c->argv[key_arg],
               c->argl[key_arg]);
    return con;
}

/* ---------- propagation ---------- */

/* XCLAIM key group consumer 0 id TIME ms RETRYCOUNT n FORCE JUSTID LASTID id */
static void prop_xclaim(Client *c, int key_arg, const StreamGroup *g, const char *id, size_t idlen,
                        const StreamNack *n) {
    if (!propagate_has_sink()) return;
    char tbuf[24], cbuf[24], lbuf[STREAM_ID_TEXT_MAX];
    size_t tl = (size_t)snprintf(tbuf, sizeof(tbuf), "%lld", (long long)n->delivery_time);
    size_t cl = (size_t)snprintf(cbuf, sizeof(cbuf), "%llu", (unsigned long long)n->delivery_count);
    size_t ll = stream_id_format(&g->last_id, lbuf);
    const char *argv[14] = {"XCLAIM", c->argv[key_arg], g->name, n->consumer->name, "0", id,
                            "TIME", tbuf, "RETRYCOUNT", cbuf, "FORCE", "JUSTID", "LASTID", lbuf};
    size_t argl[14] = {6, c->argl[key_arg], g->name_len, n->consumer->name_len, 1, idlen,
                       4, tl, 10, cl, 5, 6, 6, ll};
    propagate_as(c, 14, argv, argl);
}

static void prop_xclaim_id(Client *c, int key_arg, const StreamGroup *g, const StreamId *id,
                           const StreamNack *n) {
    char buf[STREAM_ID_TEXT_MAX];
    size_t len = stream_id_format(id, buf);
    prop_xclaim(c, key_arg, g, buf, len, n);
}

/* XGROUP SETID key group last_id ENTRIESREAD n */
static void prop_setid(Client *c, int key_arg, const StreamGroup *g) {
    if (!propagate_has_sink()) return;
    char ibuf[STREAM_ID_TEXT_MAX], rbuf[24];
    size_t il = stream_id_format(&g->last_id, ibuf);
    size_t rl = (size_t)snprintf(rbuf, sizeof(rbuf), "%lld", (long long)g->entries_read);
    const char *argv[7] = {"XGROUP", "SETID", c->argv[key_arg], g->name, ibuf, "ENTRIESREAD", rbuf};
    size_t argl[7] = {6, 5, c->argl[key_arg], g->name_len, il, 11, rl};
    propagate_as(c, 7, argv, argl);
}

/* XGROUP CREATECONSUMER key group consumer */
static void prop_createconsumer(Client *c, int key_arg, const StreamGroup *g,
                                const StreamConsumer *con) {
    if (!propagate_has_sink()) return;
    const char *argv[5] = {"XGROUP", "CREATECONSUMER", c->argv[key_arg], g->name, con->name};
    size_t argl[5] = {6, 14, c->argl[key_arg], g->name_len, con->name_len};
    propagate_as(c, 5, argv, argl);
}

/* ---------- XGROUP ---------- */

static void subcommand_syntax_error(Client *c) {
    char up[16];
    size_t n = c->argl[0] < sizeof(up) - 1 ? c->argl[0] : sizeof(up) - 1;
    for (size_t i = 0; i < n; i++)
        up[i] = (char)((c->argv[0][i] >= 'a' && c->argv[0][i] <= 'z') ? c->argv[0][i] - 32
                                                                      : c->argv[0][i]);
    up[n] = 0;
    reply_errorf(c, "ERR unknown subcommand or wrong number of arguments for '%.*s'. Try %s HELP.",
                 CSTR_MAX(c, 1, 128), up);
}

/* XGROUP CREATE|SETID|DESTROY|CREATECONSUMER|DELCONSUMER key group ...:
 * one handler, checks in Redis's order. */
static void cmd_xgroup(Client *c) {
    bool create = arg_opt_is(c, 1, "create"), setid = arg_opt_is(c, 1, "setid");
    bool mkstream = false;
    int64_t entries_read = STREAM_CG_INVALID_ENTRIES_READ;
    for (int i = 5; i < c->argc;) {
        if (create && arg_opt_is(c, i, "mkstream")) {
            mkstream = true;
            i++;
        } else if ((create || setid) && arg_opt_is(c, i, "entriesread") && i + 1 < c->argc) {
            if (!arg_int64_or_reply(c, i + 1, &entries_read)) return;
            if (entries_read < 0 && entries_read != STREAM_CG_INVALID_ENTRIES_READ) {
                reply_error(c, "ERR value for ENTRIESREAD must be positive or -1");
                return;
            }
            i += 2;
        } else {
            subcommand_syntax_error(c);
            return;
        }
    }
    bool wrongtype;
    Stream *s = sg_lookup(c, 2, false, &wrongtype);
    if (wrongtype) return;
    const char *key = c->argv[2], *gname = c->argv[3];
    size_t klen = c->argl[2], glen = c->argl[3];
    StreamGroup *g = NULL;
    if (!mkstream) {
        if (!s) {
            reply_error(c, "ERR The XGROUP subcommand requires the key to exist. Note that for "
                           "CREATE you may want to use the MKSTREAM option to create an empty "
                           "stream automatically.");
            return;
        }
        g = stream_groups_find(s->groups, gname, glen);
        if (!g && !create && !arg_opt_is(c, 1, "destroy")) {
            reply_errorf(c, "NOGROUP No such consumer group '%.*s' for key name '%.*s'", CSTR(c, 3),
                         CSTR(c, 2));
            return;
        }
    }
    if (create) {
        if (c->argc > 8) {
            subcommand_syntax_error(c);
            return;
        }
        StreamId id = {0, 0};
        if (c->argl[4] == 1 && c->argv[4][0] == '$') {
            if (s) id = s->last_id;
        } else if (!sg_id_or_reply(c, 4, true, 0, &id)) {
            return;
        }
        bool made = false;
        if (!s) {
            s = stream_new();
            db_add_obj(c->db, key, klen, TYPE_STREAM, s); /* counts one change */
            watch_touch_key(c->db_index, key, klen);
            made = true; /* Redis counts the group only: that one */
        }
        if (!s->groups) s->groups = stream_groups_new();
        if (!stream_groups_add(s->groups, gname, glen, &id, entries_read)) {
            reply_error(c, "BUSYGROUP Consumer Group name already exists");
            return;
        }
        reply_ok(c);
        if (!made) db_add_dirty(1);
        notify_key(NOTIFY_STREAM, "xgroup-create", c->db_index, key, klen);
    } else if (setid) {
        if (c->argc != 5 && c->argc != 7) {
            subcommand_syntax_error(c);
            return;
        }
        StreamId id;
        if (c->argl[4] == 1 && c->argv[4][0] == '$') {
            id = s->last_id;
        } else if (!sg_id_or_reply(c, 4, false, 0, &id)) {
            return;
        }
        g->last_id = id;
        g->entries_read = entries_read;
        reply_ok(c);
        db_add_dirty(1);
        notify_key(NOTIFY_STREAM, "xgroup-setid", c->db_index, key, klen);
    } else if (arg_opt_is(c, 1, "destroy")) {
        if (!g) {
            reply_int(c, 0);
            return;
        }
        stream_groups_remove(s->groups, gname, glen);
        reply_int(c, 1);
        db_add_dirty(1);
        notify_key(NOTIFY_STREAM, "xgroup-destroy", c->db_index, key, klen);
        block_signal_key(c->db_index, key, klen); /* blocked XREADGROUPs get -NOGROUP */
    } else if (arg_opt_is(c, 1, "createconsumer")) {
        StreamConsumer *con = stream_group_consumer_add(g, c->argv[4], c->argl[4], now_ms());
        if (con) {
            db_add_dirty(1);
            notify_key(NOTIFY_STREAM, "xgroup-createconsumer", c->db_index, key, klen);
        }
        reply_int(c, con ? 1 : 0);
    } else { /* delconsumer */
        StreamConsumer *con = stream_group_consumer_find(g, c->argv[4], c->argl[4]);
        size_t pending = 0;
        if (con) {
            pending = stream_group_consumer_delete(g, con);
            db_add_dirty(1);
            notify_key(NOTIFY_STREAM, "xgroup-delconsumer", c->db_index, key, klen);
        }
        reply_int(c, (int64_t)pending);
    }
}

static void cmd_xgroup_help(Client *c) {
    static const char *lines[] = {
        "XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CREATE <key> <groupname> <id|$> [option]",
        "    Create a new consumer group. Options are:",
        "    * MKSTREAM",
        "      Create the empty stream if it does not exist.",
        "    * ENTRIESREAD entries_read",
        "      Set the group's entries_read counter (internal use).",
        "CREATECONSUMER <key> <groupname> <consumer>",
        "    Create a new consumer in the specified group.",
        "DELCONSUMER <key> <groupname> <consumer>",
        "    Remove the specified consumer.",
        "DESTROY <key> <groupname>",
        "    Remove the specified group.",
        "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
        "    Set the current group ID and entries_read counter.",
        "HELP",
        "    Prints this help.",
    };
    reply_help(c, lines, ARRAY_LEN(lines));
}

/* ---------- XREADGROUP ---------- */

typedef struct {
    int64_t count;            /* 0: no limit */
    bool noack;
    int key_arg;
    const char *id_text;      /* ">" or the ID given */
} ReadOpts;

/* New entries after the group's last ID for consumer con: delivered,
 * recorded as pending (unless NOACK), propagated. Returns how many. */
static size_t serve_new(Client *c, Stream *s, StreamGroup *g, StreamConsumer *con,
                        const ReadOpts *o) {
    StreamId start = g->last_id;
    size_t mark = reply_defer_len(c);
    size_t n = 0;
    bool prop_last_id = false;
    if (stream_id_incr(&start)) {
        StreamFacts f = sg_facts(s);
        StreamIter it;
        StreamId id;
        size_t nf;
        int64_t now = now_ms();
        stream_iter_start(&it, s, &start, NULL, false);
        while (stream_iter_next(&it, &id, &nf)) {
            if (stream_id_cmp(&id, &g->last_id) > 0) {
                if (g->entries_read != STREAM_CG_INVALID_ENTRIES_READ &&
                    !stream_facts_range_has_tombstones(&f, &id, NULL))
                    g->entries_read++;
                else if (s->entries_added)
                    g->entries_read = stream_facts_distance(&f, &id);
                g->last_id = id;
                if (o->noack) prop_last_id = true;
            }
            stream_reply_entry(c, &it, &id, nf);
            if (!o->noack) {
                StreamNack *nack = stream_group_nack_add(g, con, &id, now, 1);
                if (!nack) { /* pending already (XGROUP SETID went back): now con's */
                    nack = stream_group_nack_find(g, &id);
                    stream_group_nack_move(g, nack, &id, con);
                    nack->delivery_time = now;
                    nack->delivery_count = 1;
                }
                prop_xclaim_id(c, o->key_arg, g, &id, nack);
            }
            n++;
            if (o->count && (int64_t)n == o->count) break;
        }
        stream_iter_stop(&it);
    }
    if (prop_last_id) prop_setid(c, o->key_arg, g);
    reply_set_deferred_array(c, mark, (int64_t)n);
    return n;
}

/* The consumer's own pending entries after `after`: each with its fields,
 * or a null when the entry was deleted meanwhile. */
static size_t serve_history(Client *c, Stream *s, StreamConsumer *con, const StreamId *after,
                            int64_t count) {
    size_t mark = reply_defer_len(c);
    size_t n = 0;
    StreamId start = *after;
    if (stream_id_incr(&start)) {
        int64_t now = now_ms();
        for (IdMapNode *p = idmap_seek_ge(con->pel, &start); p && (!count || (int64_t)n < count);
             p = idmap_next(p)) {
            const StreamId *id = idmap_node_id(p);
            if (sg_reply_entry(c, s, id)) {
                StreamNack *nack = idmap_node_val(p);
                nack->delivery_time = now;
                nack->delivery_count++;
            } else {
                reply_array(c, 2);
                sg_reply_id(c, id);
                reply_null_array(c);
            }
            n++;
        }
    }
    reply_set_deferred_array(c, mark, (int64_t)n);
    return n;
}

/* The BLOCK argument in milliseconds into an absolute deadline (0: none). */
static bool block_ms_or_reply(Client *c, int i, int64_t *deadline) {
    int64_t ms;
    if (!arg_int64_msg_or_reply(c, i, &ms, "ERR timeout is not an integer or out of range"))
        return false;
    if (ms < 0) {
        reply_error(c, "ERR timeout is negative");
        return false;
    }
    if (ms > 0) {
        int64_t now = now_ms();
        if (ms > INT64_MAX - now) {
            reply_error(c, "ERR timeout is out of range");
            return false;
        }
        ms += now;
    }
    *deadline = ms;
    return true;
}

static void cmd_xreadgroup(Client *c) {
    int64_t deadline = -1, count = 0;
    int streams_arg = 0, nstreams = 0, group_arg = 0;
    bool noack = false;
    bool reexec = c->flags & CLIENT_REEXEC;
    for (int i = 1; i < c->argc; i++) {
        int more = c->argc - i - 1;
        if (arg_opt_is(c, i, "block") && more) {
            if ((c->flags & CLIENT_FAKE) && script_caller_of(c)) {
                reply_errorf(c, "ERR %.*s command is not allowed with BLOCK option from scripts",
                             CSTR(c, 0));
                return;
            }
            i++;
            if (!block_ms_or_reply(c, i, &deadline)) return;
        } else if (arg_opt_is(c, i, "count") && more) {
            i++;
            if (!arg_int64_or_reply(c, i, &count)) return;
            if (count < 0) count = 0;
        } else if (arg_opt_is(c, i, "streams") && more) {
            streams_arg = i + 1;
            nstreams = c->argc - streams_arg;
            if (nstreams % 2) {
                reply_error(c, "ERR Unbalanced XREAD list of streams: for each stream key an ID "
                               "or '$' must be specified.");
                return;
            }
            nstreams /= 2;
            break;
        } else if (arg_opt_is(c, i, "group") && more >= 2) {
            group_arg = i + 1;
            i += 2;
        } else if (arg_opt_is(c, i, "noack")) {
            noack = true;
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    if (!streams_arg) {
        reply_syntax_error(c);
        return;
    }
    if (!group_arg) {
        reply_error(c, "ERR Missing GROUP option for XREADGROUP");
        return;
    }
    if (reexec && !count) count = XREAD_BLOCKED_DEFAULT_COUNT;
    /* Woken up by a key: Redis serves a blocked XREADGROUP that key only
     * (it looks at no other key, even one that has data too). */
    int only = -1;
    if (reexec) {
        size_t wl;
        const char *wk = block_serving_key(&wl);
        for (int k = 0; wk && k < nstreams; k++) {
            int ka = streams_arg + k;
            if (c->argl[ka] == wl && memcmp(c->argv[ka], wk, wl) == 0) {
                only = k;
                break;
            }
        }
    }
    StreamId *ids = mem_alloc(sizeof(StreamId) * (size_t)nstreams);
    bool *newer = mem_alloc(sizeof(bool) * (size_t)nstreams);
    for (int k = 0; k < nstreams; k++) {
        int ka = streams_arg + k, ia = ka + nstreams;
        newer[k] = false;
        if (only >= 0 && k != only) continue;
        if (reexec) { /* woken up: the key went away or changed type meanwhile */
            Entry *e = db_lookup(c->db, c->argv[ka], c->argl[ka], true);
            if (!e || entry_type(e) != TYPE_STREAM) {
                reply_error(c, "UNBLOCKED the stream key no longer exists");
                goto done;
            }
        }
        bool wrongtype;
        Stream *s = sg_lookup(c, ka, !reexec, &wrongtype); /* a retry counts no hit */
        if (wrongtype) goto done;
        if (!group_of(s, c, group_arg)) {
            if (reexec)
                reply_error(c, "NOGROUP the consumer group this client was blocked on no longer exists");
            else
                reply_errorf(c, "NOGROUP No such key '%.*s' or consumer group '%.*s' in XREADGROUP "
                                "with GROUP option", CSTR(c, ka), CSTR(c, group_arg));
            goto done;
        }
        if (c->argl[ia] == 1 && c->argv[ia][0] == '$') {
            reply_error(c, "ERR The $ ID is meaningless in the context of XREADGROUP: you want "
                           "to read the history of this consumer by specifying a proper ID, or "
                           "use the > ID to get new messages. The $ ID would just return an "
                           "empty result set.");
            goto done;
        } else if (c->argl[ia] == 1 && c->argv[ia][0] == '>') {
            newer[k] = true;
            continue;
        }
        if (!sg_id_or_reply(c, ia, true, 0, &ids[k])) goto done;
    }

    size_t served = 0, mark = 0;
    bool units = propagate_has_sink();
    if (units) propagate_unit_begin();
    for (int k = 0; k < nstreams; k++) {
        int ka = streams_arg + k;
        if (only >= 0 && k != only) continue;
        bool wrongtype;
        Stream *s = sg_lookup(c, ka, !reexec, &wrongtype); /* a retry counts no hit */
        if (!s) continue;
        StreamGroup *g = group_of(s, c, group_arg);
        if (newer[k]) {
            StreamId maxid;
            if (reexec) {
                /* woken: served once the stream's last ID passed the
                 * group's, even if that entry is already gone (deleted or
                 * trimmed): an empty list, as Redis */
                if (stream_id_cmp(&s->last_id, &g->last_id) <= 0) continue;
            } else if (!s->length || !stream_edge_id(s, false, &maxid) ||
                       stream_id_cmp(&maxid, &g->last_id) <= 0) {
                continue;
            }
        }
        if (++served == 1) mark = reply_defer_len(c);
        if (c->resp == 2) reply_array(c, 2);
        reply_bulk(c, c->argv[ka], c->argl[ka]);
        bool created;
        StreamConsumer *con = consumer_get(c, g, group_arg + 1, ka, &created);
        if (created && noack) prop_createconsumer(c, ka, g, con);
        if (newer[k]) {
            ReadOpts o = {count, noack, ka, NULL};
            serve_new(c, s, g, con, &o);
        } else {
            serve_history(c, s, con, &ids[k], count);
        }
        db_add_dirty(1);
        if (reexec) break; /* a woken reader is served one stream */
    }
    if (units) propagate_unit_end();
    propagate_prevent_command();
    if (served) {
        if (c->resp == 2)
            reply_set_deferred_array(c, mark, (int64_t)served);
        else
            reply_set_deferred_map(c, mark, (int64_t)served);
        goto done;
    }
    if (deadline >= 0) {
        int *keys = mem_alloc(sizeof(int) * (size_t)nstreams);
        for (int k = 0; k < nstreams; k++) keys[k] = streams_arg + k;
        block_on_keys(c, keys, nstreams, deadline, BLOCK_READS);
        mem_free(keys);
        goto done;
    }
    reply_null_array(c);
done:
    mem_free(ids);
    mem_free(newer);
}

/* ---------- XACK ---------- */

static void cmd_xack(Client *c) {
    bool wrongtype;
    Stream *s = sg_lookup(c, 1, true, &wrongtype);
    if (wrongtype) return;
    StreamGroup *g = group_of(s, c, 2);
    if (!g) {
        reply_int(c, 0);
        return;
    }
    int n = c->argc - 3;
    StreamId *ids = mem_alloc(sizeof(StreamId) * (size_t)n);
    for (int j = 0; j < n; j++) {
        if (!sg_id_or_reply(c, 3 + j, true, 0, &ids[j])) {
            mem_free(ids);
            return;
        }
    }
    int64_t acked = 0;
    for (int j = 0; j < n; j++)
        if (stream_group_ack(g, &ids[j])) acked++;
    mem_free(ids);
    db_add_dirty((uint64_t)acked);
    reply_int(c, acked);
}

/* ---------- XPENDING ---------- */

static void xpending_summary(Client *c, StreamGroup *g) {
    reply_array(c, 4);
    reply_int(c, (int64_t)idmap_len(g->pel));
    if (!idmap_len(g->pel)) {
        reply_null(c);
        reply_null(c);
        reply_null_array(c);
        return;
    }
    sg_reply_id(c, idmap_node_id(idmap_first(g->pel)));
    sg_reply_id(c, idmap_node_id(idmap_last(g->pel)));
    int64_t n = 0;
    for (size_t i = 0; i < g->nconsumers; i++)
        if (idmap_len(g->consumers[i]->pel)) n++;
    reply_array(c, n);
    for (size_t i = 0; i < g->nconsumers; i++) {
        const StreamConsumer *con = g->consumers[i];
        if (!idmap_len(con->pel)) continue;
        reply_array(c, 2);
        reply_bulk(c, con->name, con->name_len);
        reply_bulk_int(c, (int64_t)idmap_len(con->pel));
    }
}

static void cmd_xpending(Client *c) {
    bool summary = c->argc == 3;
    StreamId start = {0, 0}, end = {0, 0};
    int64_t count = 0, minidle = 0;
    int consumer_arg = 0;
    if (c->argc != 3 && (c->argc < 6 || c->argc > 9)) {
        reply_syntax_error(c);
        return;
    }
    if (c->argc >= 6) {
        int at = 3;
        if (arg_opt_is(c, 3, "idle")) {
            if (!arg_int64_or_reply(c, 4, &minidle)) return;
            if (c->argc < 8) {
                reply_syntax_error(c);
                return;
            }
            at += 2;
        }
        if (!arg_int64_or_reply(c, at + 2, &count)) return;
        if (count < 0) count = 0;
        bool sx, ex;
        if (!interval_id_or_reply(c, at, 0, &start, &sx)) return;
        if (sx && !stream_id_incr(&start)) {
            reply_error(c, "ERR invalid start ID for the interval");
            return;
        }
        if (!interval_id_or_reply(c, at + 1, UINT64_MAX, &end, &ex)) return;
        if (ex && !stream_id_decr(&end)) {
            reply_error(c, "ERR invalid end ID for the interval");
            return;
        }
        if (at + 3 < c->argc) consumer_arg = at + 3;
    }
    bool wrongtype;
    Stream *s = sg_lookup(c, 1, true, &wrongtype);
    if (wrongtype) return;
    StreamGroup *g = group_of(s, c, 2);
    if (!g) {
        reply_errorf(c, "NOGROUP No such key '%.*s' or consumer group '%.*s'", CSTR(c, 1), CSTR(c, 2));
        return;
    }
    if (summary) {
        xpending_summary(c, g);
        return;
    }
    IdMap *pel = g->pel;
    if (consumer_arg) {
        StreamConsumer *con = stream_group_consumer_find(g, c->argv[consumer_arg], c->argl[consumer_arg]);
        if (!con) {
            reply_array(c, 0);
            return;
        }
        pel = con->pel;
    }
    int64_t now = now_ms();
    size_t mark = reply_defer_len(c);
    int64_t n = 0;
    for (IdMapNode *p = idmap_seek_ge(pel, &start);
         count && p && stream_id_cmp(idmap_node_id(p), &end) <= 0; p = idmap_next(p)) {
        const StreamNack *nack = idmap_node_val(p);
        if (minidle && stream_cg_ms_since(now, nack->delivery_time) < minidle) continue;
        n++;
        count--;
        reply_array(c, 4);
        sg_reply_id(c, idmap_node_id(p));
        reply_bulk(c, nack->consumer->name, nack->consumer->name_len);
        int64_t idle = stream_cg_ms_since(now, nack->delivery_time);
        reply_int(c, idle < 0 ? 0 : idle);
        reply_int(c, (int64_t)nack->delivery_count);
    }
    reply_set_deferred_array(c, mark, n);
}

/* ---------- XCLAIM ---------- */

static StreamGroup *group_or_nogroup(Client *c, Stream *s) {
    StreamGroup *g = group_of(s, c, 2);
    if (!g)
        reply_errorf(c, "NOGROUP No such key '%.*s' or consumer group '%.*s'", CSTR(c, 1), CSTR(c, 2));
    return g;
}

/* Gives the pending record n of id to con with the new delivery facts. */
static void claim_to(StreamGroup *g, StreamNack *n, const StreamId *id, StreamConsumer *con) {
    if (n->consumer != con) {
        if (n->consumer) idmap_delete(n->consumer->pel, id, NULL);
        n->consumer = NULL;
        stream_group_nack_move(g, n, id, con);
    }
}

static void cmd_xclaim(Client *c) {
    bool wrongtype;
    Stream *s = sg_lookup(c, 1, true, &wrongtype);
    if (wrongtype) return;
    StreamGroup *g = group_or_nogroup(c, s);
    if (!g) return;
    int64_t minidle, retrycount = -1, deliverytime = -1;
    bool force = false, justid = false;
    if (!arg_int64_msg_or_reply(c, 4, &minidle, "ERR Invalid min-idle-time argument for XCLAIM"))
        return;
    if (minidle < 0) minidle = 0;
    int n = c->argc - 5, j;
    StreamId *ids = mem_alloc(sizeof(StreamId) * (size_t)(n ? n : 1));
    for (j = 5; j < c->argc; j++)
        if (!stream_id_parse(c->argv[j], c->argl[j], &PARSE_STRICT, &ids[j - 5], NULL)) break;
    int last_id_arg = j - 1;
    int64_t now = now_ms();
    StreamId last_id = {0, 0};
    for (; j < c->argc; j++) {
        int more = c->argc - 1 - j;
        if (arg_opt_is(c, j, "force")) {
            force = true;
        } else if (arg_opt_is(c, j, "justid")) {
            justid = true;
        } else if (arg_opt_is(c, j, "idle") && more) {
            j++;
            if (!arg_int64_msg_or_reply(c, j, &deliverytime, "ERR Invalid IDLE option argument for XCLAIM"))
                goto done;
            deliverytime = stream_cg_ms_since(now, deliverytime);
        } else if (arg_opt_is(c, j, "time") && more) {
            j++;
            if (!arg_int64_msg_or_reply(c, j, &deliverytime, "ERR Invalid TIME option argument for XCLAIM"))
                goto done;
        } else if (arg_opt_is(c, j, "retrycount") && more) {
            j++;
            if (!arg_int64_msg_or_reply(c, j, &retrycount, "ERR Invalid RETRYCOUNT option argument for XCLAIM"))
                goto done;
        } else if (arg_opt_is(c, j, "lastid") && more) {
            j++;
            if (!sg_id_or_reply(c, j, true, 0, &last_id)) goto done;
        } else {
            reply_errorf(c, "ERR Unrecognized XCLAIM option '%.*s'", CSTR(c, j));
            goto done;
        }
    }
    bool prop_last_id = false;
    if (stream_id_cmp(&last_id, &g->last_id) > 0) {
        g->last_id = last_id;
        prop_last_id = true;
    }
    if (deliverytime != -1) {
        if (deliverytime < 0 || deliverytime > now) deliverytime = now;
    } else {
        deliverytime = now;
    }
    bool units = propagate_has_sink();
    if (units) propagate_unit_begin();
    StreamConsumer *con = NULL;
    size_t mark = reply_defer_len(c);
    int64_t replied = 0;
    for (int k = 5; k <= last_id_arg; k++) {
        const StreamId *id = &ids[k - 5];
        StreamNack *nack = stream_group_nack_find(g, id);
        if (!stream_has(s, id)) {
            if (nack) { /* the entry is gone: drop it from the PEL, and tell */
                prop_xclaim(c, 1, g, c->argv[k], c->argl[k], nack);
                prop_last_id = false;
                db_add_dirty(1);
                stream_group_ack(g, id);
            }
            continue;
        }
        if (force && !nack) {
            stream_group_load_nack(g, id, now, 1); /* owner set below */
            nack = stream_group_nack_find(g, id);
        }
        if (!nack) continue;
        if (nack->consumer && minidle && stream_cg_ms_since(now, nack->delivery_time) < minidle) continue;
        if (!con) {
            bool created;
            con = consumer_get(c, g, 3, 1, &created);
        }
        claim_to(g, nack, id, con);
        nack->delivery_time = deliverytime;
        if (retrycount >= 0)
            nack->delivery_count = (uint64_t)retrycount;
        else if (!justid)
            nack->delivery_count++;
        if (justid) {
            sg_reply_id(c, id);
        } else {
            bool ok = sg_reply_entry(c, s, id);
            ASSERT(ok);
        }
        replied++;
        prop_xclaim(c, 1, g, c->argv[k], c->argl[k], nack);
        prop_last_id = false;
        db_add_dirty(1);
    }
    if (prop_last_id) {
        prop_setid(c, 1, g);
        db_add_dirty(1);
    }
    if (units) propagate_unit_end();
    propagate_prevent_command();
    reply_set_deferred_array(c, mark, replied);
done:
    mem_free(ids);
}

/* ---------- XAUTOCLAIM ---------- */

static void cmd_xautoclaim(Client *c) {
    /* looked up (a keyspace hit or miss) before the arguments are checked,
     * its type after them, as Redis does */
    Entry *e = db_lookup(c->db, c->argv[1], c->argl[1], c->flags & CLIENT_NO_TOUCH);
    db_note_read(c->db, c->argv[1], c->argl[1], e != NULL);
    int64_t minidle, count = 100;
    const int64_t attempts_factor = 10;
    bool justid = false;
    if (!arg_int64_msg_or_reply(c, 4, &minidle, "ERR Invalid min-idle-time argument for XAUTOCLAIM"))
        return;
    if (minidle < 0) minidle = 0;
    StreamId start;
    bool sx;
    if (!interval_id_or_reply(c, 5, 0, &start, &sx)) return;
    if (sx && !stream_id_incr(&start)) {
        reply_error(c, "ERR invalid start ID for the interval");
        return;
    }
    for (int j = 6; j < c->argc; j++) {
        int more = c->argc - 1 - j;
        if (arg_opt_is(c, j, "count") && more) {
            int64_t max = INT64_MAX / 16; /* Redis: LONG_MAX / max(sizeof(streamID), 10) */
            if (!arg_int64_msg_or_reply(c, j + 1, &count, "ERR COUNT must be > 0")) return;
            if (count < 1 || count > max) {
                reply_error(c, "ERR COUNT must be > 0");
                return;
            }
            j++;
        } else if (arg_opt_is(c, j, "justid")) {
            justid = true;
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    if (e && entry_type(e) != TYPE_STREAM) {
        reply_wrongtype(c);
        return;
    }
    Stream *s = e ? entry_obj(e) : NULL;
    StreamGroup *g = group_or_nogroup(c, s);
    if (!g) return;
    int64_t attempts = count * attempts_factor;
    StreamId *deleted = mem_alloc(sizeof(StreamId) * (size_t)(count < 1024 ? count : 1024));
    size_t ndeleted = 0, deleted_cap = (size_t)(count < 1024 ? count : 1024);
    bool units = propagate_has_sink();
    if (units) propagate_unit_begin();
    StreamConsumer *con = NULL;
    int64_t now = now_ms();
    /* claimed IDs are replied after the end ID, which is known last */
    StreamId *claimed = NULL;
    size_t nclaimed = 0, claimed_cap = 0;
    IdMapNode *next = idmap_seek_ge(g->pel, &start);
    while (attempts-- && count && next) {
        IdMapNode *p = next;
        next = idmap_next(p);
        StreamId id = *idmap_node_id(p);
        StreamNack *nack = idmap_node_val(p);
        if (!stream_has(s, &id)) {
            prop_xclaim_id(c, 1, g, &id, nack);
            db_add_dirty(1);
            stream_group_ack(g, &id);
            next = idmap_seek_ge(g->pel, &id); /* the delete moved positions */
            if (ndeleted == deleted_cap) {
                deleted_cap *= 2;
                deleted = mem_realloc(deleted, sizeof(StreamId) * deleted_cap);
            }
            deleted[ndeleted++] = id;
            count--;
            continue;
        }
        if (minidle && stream_cg_ms_since(now, nack->delivery_time) < minidle) continue;
        if (!con) {
            bool created;
            con = consumer_get(c, g, 3, 1, &created);
        }
        claim_to(g, nack, &id, con);
        nack->delivery_time = now;
        if (!justid) nack->delivery_count++;
        if (nclaimed == claimed_cap) {
            claimed_cap = claimed_cap ? claimed_cap * 2 : 16;
            claimed = mem_realloc(claimed, sizeof(StreamId) * claimed_cap);
        }
        claimed[nclaimed++] = id;
        count--;
        prop_xclaim_id(c, 1, g, &id, nack);
        db_add_dirty(1);
    }
    StreamId endid = {0, 0};
    if (next) endid = *idmap_node_id(next);
    reply_array(c, 3);
    sg_reply_id(c, &endid);
    reply_array(c, (int64_t)nclaimed);
    for (size_t i = 0; i < nclaimed; i++) {
        if (justid) {
            sg_reply_id(c, &claimed[i]);
        } else {
            bool ok = sg_reply_entry(c, s, &claimed[i]);
            ASSERT(ok);
        }
    }
    reply_array(c, (int64_t)ndeleted);
    for (size_t i = 0; i < ndeleted; i++) sg_reply_id(c, &deleted[i]);
    mem_free(deleted);
    mem_free(claimed);
    if (units) propagate_unit_end();
    propagate_prevent_command();
}

/* ---------- table ---------- */

#define STRM "stream"
#define W CMD_WRITE
/* clang-format off */
static Command xgroup_subs[] = {
    {"create", cmd_xgroup, -5, W | CMD_DENYOOM, 2, 2, 1, STRM, "Create a consumer group.", "5.0.0", "O(1)", "@write @stream @slow", NULL},
    {"createconsumer", cmd_xgroup, 5, W | CMD_DENYOOM, 2, 2, 1, STRM, "Create a consumer in a consumer group.", "6.2.0", "O(1)", "@write @stream @slow", NULL},
    {"delconsumer", cmd_xgroup, 5, W, 2, 2, 1, STRM, "Delete a consumer from a consumer group.", "5.0.0", "O(1)", "@write @stream @slow", NULL},
    {"destroy", cmd_xgroup, 4, W, 2, 2, 1, STRM, "Destroy a consumer group.", "5.0.0", "O(N) where N is the number of entries in the group's pending entries list (PEL).", "@write @stream @slow", NULL},
    {"help", cmd_xgroup_help, 2, CMD_LOADING | CMD_STALE, 0, 0, 0, STRM, "Show helpful text about the different subcommands", "5.0.0", "O(1)", "@stream @slow", NULL},
    {"setid", cmd_xgroup, -5, W, 2, 2, 1, STRM, "Set a consumer group to an arbitrary last delivered ID value.", "5.0.0", "O(1)", "@write @stream @slow", NULL},
    {0},
};

Command stream_group_commands[] = {
    {"xgroup", NULL, -2, CMD_SIGNALS_NO_KEY, 0, 0, 0, STRM, "A container for consumer groups commands", "5.0.0", "Depends on subcommand.", "@slow", xgroup_subs},
    {"xreadgroup", cmd_xreadgroup, -7, W | CMD_BLOCKING, 0, 0, 0, STRM, "Return new entries from a stream using a consumer group, or access the history of the pending entries for a given consumer. Can block.", "5.0.0", "For each stream mentioned: O(M) with M being the number of elements returned. If M is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1). On the other side when XREADGROUP blocks, XADD will pay the O(N) time in order to serve the N clients blocked on the stream getting new data.", "@write @stream @slow @blocking", NULL},
    {"xack", cmd_xack, -4, W | CMD_FAST | CMD_SIGNALS_NO_KEY, 1, 1, 1, STRM, "Marks a pending message as correctly processed, effectively removing it from the pending entries list of the consumer group. Return value of the command is the number of messages successfully acknowledged, that is, the IDs we were actually able to resolve in the PEL.", "5.0.0", "O(1) for each message ID processed.", "@write @stream @fast", NULL},
    {"xpending", cmd_xpending, -3, CMD_READONLY, 1, 1, 1, STRM, "Return information and entries from a stream consumer group pending entries list, that are messages fetched but never acknowledged.", "5.0.0", "O(N) with N being the number of elements returned, so asking for a small fixed number of entries per call is O(1). O(M), where M is the total number of entries scanned when used with the IDLE filter. When the command returns just the summary and the list of consumers is small, it runs in O(1) time; otherwise, an additional O(N) time for iterating every consumer.", "@read @stream @slow", NULL},
    {"xclaim", cmd_xclaim, -6, W | CMD_FAST, 1, 1, 1, STRM, "Changes (or acquires) ownership of a message in a consumer group, as if the message was delivered to the specified consumer.", "5.0.0", "O(log N) with N being the number of messages in the PEL of the consumer group.", "@write @stream @fast", NULL},
    {"xautoclaim", cmd_xautoclaim, -6, W | CMD_FAST, 1, 1, 1, STRM, "Changes (or acquires) ownership of messages in a consumer group, as if the messages were delivered to the specified consumer.", "6.2.0", "O(1) if COUNT is small.", "@write @stream @fast", NULL},
    {"xinfo", NULL, -2, 0, 0, 0, 0, STRM, "A container for stream introspection commands", "5.0.0", "Depends on subcommand.", "@slow", xinfo_subs},
    {0},
};
/* clang-format on */
