/* cmd/stream_info.c -- XINFO STREAM [FULL [COUNT n]] / GROUPS / CONSUMERS /
 * HELP as Redis 7.0.15, with the 7.0 fields (entries-added,
 * max-deleted-entry-id, recorded-first-entry-id, entries-read, lag: null
 * when it cannot be known, see ds/stream_cg.h). */
#include <strings.h>

#include "../core/args.h"
#include "../core/db.h"
#include "../core/reply.h"
#include "stream.h"
#include "stream_group.h"

static void reply_entries_read(Client *c, const StreamGroup *g) {
    if (g->entries_read != STREAM_CG_INVALID_ENTRIES_READ)
        reply_int(c, g->entries_read);
    else
        reply_null(c);
}

static void reply_lag(Client *c, const Stream *s, const StreamGroup *g) {
    StreamFacts f = sg_facts(s);
    uint64_t lag;
    if (stream_group_lag(g, &f, &lag))
        reply_int(c, (int64_t)lag);
    else
        reply_null(c);
}

static Stream *stream_or_reply(Client *c) {
    bool wrongtype;
    Stream *s = sg_lookup(c, 2, true, &wrongtype);
    if (!s && !wrongtype) reply_error(c, "ERR no such key");
    return s;
}

static void subcommand_syntax_error(Client *c) {
    reply_errorf(c, "ERR unknown subcommand or wrong number of arguments for '%.*s'. Try XINFO HELP.",
                 CSTR_MAX(c, 1, 128));
}

static void cmd_xinfo_consumers(Client *c) {
    Stream *s = stream_or_reply(c);
    if (!s) return;
    StreamGroup *g = stream_groups_find(s->groups, c->argv[3], c->argl[3]);
    if (!g) {
        reply_errorf(c, "NOGROUP No such consumer group '%.*s' for key name '%.*s'", CSTR(c, 3),
                     CSTR(c, 2));
        return;
    }
    int64_t now = db_now();
    reply_array(c, (int64_t)g->nconsumers);
    for (size_t i = 0; i < g->nconsumers; i++) {
        const StreamConsumer *con = g->consumers[i];
        int64_t idle = stream_cg_ms_since(now, con->seen_time);
        reply_map(c, 3);
        reply_cstr(c, "name");
        reply_bulk(c, con->name, con->name_len);
        reply_cstr(c, "pending");
        reply_int(c, (int64_t)idmap_len(con->pel));
        reply_cstr(c, "idle");
        reply_int(c, idle < 0 ? 0 : idle);
    }
}

static void cmd_xinfo_groups(Client *c) {
    Stream *s = stream_or_reply(c);
    if (!s) return;
    size_t n = stream_groups_count(s->groups);
    reply_array(c, (int64_t)n);
    for (size_t i = 0; i < n; i++) {
        const StreamGroup *g = stream_groups_at(s->groups, i);
        reply_map(c, 6);
        reply_cstr(c, "name");
        reply_bulk(c, g->name, g->name_len);
        reply_cstr(c, "consumers");
        reply_int(c, (int64_t)g->nconsumers);
        reply_cstr(c, "pending");
        reply_int(c, (int64_t)idmap_len(g->pel));
        reply_cstr(c, "last-delivered-id");
        sg_reply_id(c, &g->last_id);
        reply_cstr(c, "entries-read");
        reply_entries_read(c, g);
        reply_cstr(c, "lag");
        reply_lag(c, s, g);
    }
}

/* FULL: the entries, then each group with its PEL and consumers, every
 * list cut at count (0: all). */

/* XINFO STREAM FULL's "pending" list: the first `count` (0: all) records
 * of pel as [id, (owner,) delivery time, delivery count]; the group's list
 * names each record's owner, a consumer's does not. */
static void reply_pel(Client *c, IdMap *pel, int64_t count, bool with_owner) {
    size_t n = idmap_len(pel);
    if (count && (size_t)count < n) n = (size_t)count;
    reply_array(c, (int64_t)n);
    IdMapNode *p = idmap_first(pel);
    for (size_t k = 0; k < n; k++, p = idmap_next(p)) {
        const StreamNack *nack = idmap_node_val(p);
        reply_array(c, with_owner ? 4 : 3);
        sg_reply_id(c, idmap_node_id(p));
        if (with_owner) reply_bulk(c, nack->consumer->name, nack->consumer->name_len);
        reply_int(c, nack->delivery_time);
        reply_int(c, (int64_t)nack->delivery_count);
    }
}
static void xinfo_full(Client *c, Stream *s, int64_t count) {
    reply_cstr(c, "entries");
    size_t mark = reply_defer_len(c);
    int64_t n = 0;
    StreamIter it;
    StreamId id;
    size_t nf;
    stream_iter_start(&it, s, NULL, NULL, false);
    while ((!count || n < count) && stream_iter_next(&it, &id, &nf)) {
        stream_reply_entry(c, &it, &id, nf);
        n++;
    }
    stream_iter_stop(&it);
    reply_set_deferred_array(c, mark, n);
    reply_cstr(c, "groups");
    size_t ng = stream_groups_count(s->groups);
    reply_array(c, (int64_t)ng);
    for (size_t i = 0; i < ng; i++) {
        const StreamGroup *g = stream_groups_at(s->groups, i);
        reply_map(c, 7);
        reply_cstr(c, "name");
        reply_bulk(c, g->name, g->name_len);
        reply_cstr(c, "last-delivered-id");
        sg_reply_id(c, &g->last_id);
        reply_cstr(c, "entries-read");
        reply_entries_read(c, g);
        reply_cstr(c, "lag");
        reply_lag(c, s, g);
        reply_cstr(c, "pel-count");
        reply_int(c, (int64_t)idmap_len(g->pel));
        reply_cstr(c, "pending");
        reply_pel(c, g->pel, count, true);
        reply_cstr(c, "consumers");
        reply_array(c, (int64_t)g->nconsumers);
        for (size_t j = 0; j < g->nconsumers; j++) {
            const StreamConsumer *con = g->consumers[j];
            reply_map(c, 4);
            reply_cstr(c, "name");
            reply_bulk(c, con->name, con->name_len);
            reply_cstr(c, "seen-time");
            reply_int(c, con->seen_time);
            reply_cstr(c, "pel-count");
            reply_int(c, (int64_t)idmap_len(con->pel));
            reply_cstr(c, "pending");
            reply_pel(c, con->pel, count, false);
        }
    }
}

static void cmd_xinfo_stream(Client *c) {
    Stream *s = stream_or_reply(c);
    if (!s) return;
    bool full = c->argc > 3;
    int64_t count = 10;
    if (full) {
        int optc = c->argc - 3;
        if ((optc != 1 && optc != 3) || !arg_opt_is(c, 3, "full") ||
            (optc == 3 && !arg_opt_is(c, 4, "count"))) {
            subcommand_syntax_error(c);
            return;
        }
        if (optc == 3) {
            if (!arg_int64_or_reply(c, 5, &count)) return;
            if (count < 0) count = 10;
        }
    }
    reply_map(c, full ? 9 : 10);
    reply_cstr(c, "length");
    reply_int(c, (int64_t)s->length);
    reply_cstr(c, "radix-tree-keys");
    reply_int(c, (int64_t)stream_node_count(s));
    reply_cstr(c, "radix-tree-nodes");
    reply_int(c, (int64_t)stream_rax_nodes(s)); /* as Redis's rax would hold */
    reply_cstr(c, "last-generated-id");
    sg_reply_id(c, &s->last_id);
    reply_cstr(c, "max-deleted-entry-id");
    sg_reply_id(c, &s->max_deleted_id);
    reply_cstr(c, "entries-added");
    reply_int(c, (int64_t)s->entries_added);
    reply_cstr(c, "recorded-first-entry-id");
    sg_reply_id(c, &s->first_id);
    if (full) {
        xinfo_full(c, s, count);
        return;
    }
    reply_cstr(c, "groups");
    reply_int(c, (int64_t)stream_groups_count(s->groups));
    StreamId first, last;
    reply_cstr(c, "first-entry");
    if (!stream_edge_id(s, true, &first) || !sg_reply_entry(c, s, &first)) reply_null(c);
    reply_cstr(c, "last-entry");
    if (!stream_edge_id(s, false, &last) || !sg_reply_entry(c, s, &last)) reply_null(c);
}

static void cmd_xinfo_help(Client *c) {
    static const char *lines[] = {
        "XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CONSUMERS <key> <groupname>",
        "    Show consumers of <groupname>.",
        "GROUPS <key>",
        "    Show the stream consumer groups.",
        "STREAM <key> [FULL [COUNT <count>]",
        "    Show information about the stream.",
        "HELP",
        "    Prints this help.",
    };
    reply_help(c, lines, ARRAY_LEN(lines));
}

#define STRM "stream"
/* clang-format off */
Command xinfo_subs[] = {
    {"consumers", cmd_xinfo_consumers, 4, CMD_READONLY, 2, 2, 1, STRM, "List the consumers in a consumer group", "5.0.0", "O(1)", "@read @stream @slow", NULL},
    {"groups", cmd_xinfo_groups, 3, CMD_READONLY, 2, 2, 1, STRM, "List the consumer groups of a stream", "5.0.0", "O(1)", "@read @stream @slow", NULL},
    {"help", cmd_xinfo_help, 2, CMD_LOADING | CMD_STALE, 0, 0, 0, STRM, "Show helpful text about the different subcommands", "5.0.0", "O(1)", "@stream @slow", NULL},
    {"stream", cmd_xinfo_stream, -3, CMD_READONLY, 2, 2, 1, STRM, "Get information about a stream", "5.0.0", "O(1)", "@read @stream @slow", NULL},
    {0},
};
/* clang-format on */
