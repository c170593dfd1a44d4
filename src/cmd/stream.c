/* cmd/stream.c -- the stream type (TYPE_STREAM) and its commands without
 * consumer groups: XADD XRANGE XREVRANGE XLEN XDEL XTRIM XSETID XREAD, as
 * Redis 7.0 (t_stream.c): same options, errors, events and propagation
 * (XADD's generated ID and approximate trims leave as what they did).
 * Blocking XREAD rides on core/block.c: see cmd/stream.h. */
#include "stream.h"

#include <stdio.h>
#include <string.h>

#include "../core/args.h"
#include "../core/block.h"
#include "../core/command.h"
#include "../core/config.h"
#include "../core/db.h"
#include "../core/notify.h"
#include "../core/propagate.h"
#include "../core/reply.h"
#include "../ds/mem.h"
#include "../script/script.h"
#include "effects.h"

#define ERR_BAD_ID "ERR Invalid stream ID specified as stream command argument"

/* ---------- the type ---------- */

static void ops_free(void *obj) { stream_free(obj); }
static void *ops_dup(const void *obj) { return stream_dup(obj); }
static const char *ops_encoding(const void *obj) {
    UNUSED(obj);
    return "stream";
}
/* lazy free's effort, as Redis: the nodes (listpacks) to free */
static size_t ops_length(const void *obj) { return stream_node_count(obj); }
static size_t ops_mem(const void *obj) { return stream_mem(obj); }

static const TypeOps stream_ops = {
    .free = ops_free,
    .dup = ops_dup,
    .encoding = ops_encoding,
    .length = ops_length,
    .mem = ops_mem,
};

void stream_register_type(void) {
    db_register_type(TYPE_STREAM, &stream_ops);
}

/* ---------- helpers ---------- */

static inline bool no_touch(const Client *c) { return c->flags & CLIENT_NO_TOUCH; }

Stream *stream_lookup_read(Client *c, const char *key, size_t klen, bool *wrongtype) {
    Entry *e = db_lookup(c->db, key, klen, no_touch(c));
    db_note_read(c->db, key, klen, e != NULL);
    *wrongtype = false;
    if (!e) return NULL;
    if (entry_type(e) != TYPE_STREAM) {
        *wrongtype = true;
        reply_wrongtype(c);
        return NULL;
    }
    return entry_obj(e);
}

/* lookupKeyWrite: the stream, or NULL (WRONGTYPE replied when *bad). */
static Stream *lookup_write(Client *c, int i, bool *bad) {
    Entry *e = db_lookup(c->db, c->argv[i], c->argl[i], no_touch(c));
    *bad = false;
    if (!e) return NULL;
    if (entry_type(e) != TYPE_STREAM) {
        *bad = true;
        reply_wrongtype(c);
        return NULL;
    }
    return entry_obj(e);
}

/* The stream for a write that replies 0 when the key is missing (XDEL,
 * XTRIM); NULL when it replied (0 or WRONGTYPE). */
static Stream *lookup_write_or_zero(Client *c) {
    bool bad;
    Stream *s = lookup_write(c, 1, &bad);
    if (!s && !bad) reply_int(c, 0);
    return s;
}

static inline void dirty_exactly(uint64_t before, uint64_t want) {
    db_add_dirty(before + want - db_dirty());
}

/* Parses argv[i] as an ID; replies the invalid-ID error on failure. */
static bool id_or_reply(Client *c, const char *s, size_t len, uint64_t missing_seq, bool strict,
                        StreamId *id, bool *seq_given) {
    StreamIdParse how = {.missing_seq = missing_seq, .strict = strict,
                         .allow_seq_star = seq_given != NULL};
    if (stream_id_parse(s, len, &how, id, seq_given)) return true;
    reply_error(c, ERR_BAD_ID);
    return false;
}

static bool arg_id_or_reply(Client *c, int i, uint64_t missing_seq, bool strict, StreamId *id) {
    return id_or_reply(c, c->argv[i], c->argl[i], missing_seq, strict, id, NULL);
}

/* The ds layer's node limits follow the configs. */
static inline void sync_limits(void) {
    stream_node_max_bytes = cfg.stream_node_max_bytes;
    stream_node_max_entries = cfg.stream_node_max_entries;
}

void stream_reply_entry(Client *c, StreamIter *it, const StreamId *id, size_t nf) {
    char buf[STREAM_ID_TEXT_MAX];
    reply_array(c, 2);
    reply_bulk(c, buf, stream_id_format(id, buf));
    reply_array(c, (int64_t)nf * 2);
    for (size_t i = 0; i < nf; i++) {
        const char *f, *v;
        size_t fl, vl;
        stream_iter_field(it, &f, &fl, &v, &vl);
        reply_bulk(c, f, fl);
        reply_bulk(c, v, vl);
    }
}

/* Replies the entries of [start, end] (count 0: all) as an array. */
static size_t reply_range(Client *c, Stream *s, const StreamId *start, const StreamId *end,
                          uint64_t count, bool rev) {
    StreamIter it;
    StreamId id;
    size_t nf, n = 0;
    size_t mark = reply_defer_len(c);
    stream_iter_start(&it, s, start, end, rev);
    while ((!count || n < count) && stream_iter_next(&it, &id, &nf)) {
        stream_reply_entry(c, &it, &id, nf);
        n++;
    }
    stream_iter_stop(&it);
    reply_set_deferred_array(c, mark, (int64_t)n);
    return n;
}

/* ---------- XADD / XTRIM options ---------- */

typedef struct {
    StreamId id;
    bool id_given, seq_given, no_mkstream;
    StreamTrim trim;
    int trim_arg;   /* argv index of the MAXLEN count / MINID id */
    int approx_arg; /* argv index of "~" (0: none) */
} AddTrimArgs;

static bool is_word(const Client *c, int i, char ch) {
    return c->argv[i][0] == ch && (c->argl[i] == 1 || c->argv[i][1] == '\0');
}

/* Parses [MAXLEN|MINID [=|~] n] [LIMIT n] [NOMKSTREAM] (XADD: then the ID).
 * Returns the ID's index for XADD, any positive value for XTRIM; -1 after
 * replying an error. */
static int parse_add_trim(Client *c, AddTrimArgs *a, bool xadd) {
    memset(a, 0, sizeof(*a));
    bool limit_given = false;
    int64_t limit = 0;
    int i = 2;
    for (; i < c->argc; i++) {
        int more = c->argc - 1 - i;
        bool maxlen = arg_opt_is(c, i, "maxlen"), minid = arg_opt_is(c, i, "minid");
        if (xadd && is_word(c, i, '*')) {
            break;
        } else if ((maxlen || minid) && more) {
            if (a->trim.kind != STREAM_TRIM_NONE) {
                reply_error(c, "ERR syntax error, MAXLEN and MINID options at the same time are "
                               "not compatible");
                return -1;
            }
            a->trim.approx = false;
            a->approx_arg = 0;
            if (more >= 2 && is_word(c, i + 1, '~')) {
                a->trim.approx = true;
                a->approx_arg = ++i;
            } else if (more >= 2 && is_word(c, i + 1, '=')) {
                i++;
            }
            if (maxlen) {
                int64_t n;
                if (!arg_int64_or_reply(c, i + 1, &n)) return -1;
                if (n < 0) {
                    reply_error(c, "ERR The MAXLEN argument must be >= 0.");
                    return -1;
                }
                a->trim.maxlen = (uint64_t)n;
                a->trim.kind = STREAM_TRIM_MAXLEN;
            } else {
                if (!arg_id_or_reply(c, i + 1, 0, true, &a->trim.minid)) return -1;
                a->trim.kind = STREAM_TRIM_MINID;
            }
            a->trim_arg = ++i;
        } else if (arg_opt_is(c, i, "limit") && more) {
            if (!arg_int64_or_reply(c, i + 1, &limit)) return -1;
            if (limit < 0) {
                reply_error(c, "ERR The LIMIT argument must be >= 0.");
                return -1;
            }
            limit_given = true;
            i++;
        } else if (xadd && arg_opt_is(c, i, "nomkstream")) {
            a->no_mkstream = true;
        } else if (xadd) {
            if (!id_or_reply(c, c->argv[i], c->argl[i], 0, true, &a->id, &a->seq_given))
                return -1;
            /* "<ms>" alone is <ms>-0 given in full for XADD (Redis), only
             * "<ms>-*" asks for a sequence */
            if (!memchr(c->argv[i], '-', c->argl[i])) a->seq_given = true;
            a->id_given = true;
            break;
        } else {
            reply_syntax_error(c);
            return -1;
        }
    }
    if (limit && a->trim.kind == STREAM_TRIM_NONE) {
        reply_error(c, "ERR syntax error, LIMIT cannot be used without specifying a trimming "
                       "strategy");
        return -1;
    }
    if (!xadd && a->trim.kind == STREAM_TRIM_NONE) {
        reply_error(c, "ERR syntax error, XTRIM must be called with a trimming strategy");
        return -1;
    }
    if (command_loading) { /* replaying: what was written is exact (Redis's mustObeyClient) */
        a->trim.limit = 0;
    } else if (limit_given) {
        if (!a->trim.approx) {
            reply_error(c, "ERR syntax error, LIMIT cannot be used without the special ~ option");
            return -1;
        }
        a->trim.limit = limit;
    } else if (a->trim.approx) {
        int64_t l = 100 * cfg.stream_node_max_entries;
        if (l <= 0) l = 10000;
        if (l > 1000000) l = 1000000;
        a->trim.limit = l;
    }
    return i;
}

/* An approximate trim propagates as the exact one it amounted to: "=" and
 * the length (MAXLEN) or the first entry's ID, deleted or not (MINID).
 * `extra` (if n_extra) is one more replacement (XADD's ID). */
static void propagate_trim(Client *c, Stream *s, const AddTrimArgs *a, int id_at,
                           const char *id_text, size_t id_len) {
    int at[3];
    const char *with[3];
    size_t withl[3];
    int n = 0;
    char num[STREAM_ID_TEXT_MAX];
    if (a->approx_arg) {
        at[n] = a->approx_arg;
        with[n] = "=";
        withl[n++] = 1;
        at[n] = a->trim_arg;
        with[n] = num;
        if (a->trim.kind == STREAM_TRIM_MAXLEN) {
            withl[n++] = (size_t)snprintf(num, sizeof(num), "%llu", (unsigned long long)s->length);
        } else {
            StreamId first = {UINT64_MAX, UINT64_MAX};
            if (stream_node_count(s)) stream_node_get(s, 0, &first);
            withl[n++] = stream_id_format(&first, num);
        }
    }
    if (id_at) {
        at[n] = id_at;
        with[n] = id_text;
        withl[n++] = id_len;
    }
    if (n) effects_replace(c, n, at, with, withl);
}

/* XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id
 * field value [field value ...] -- reply: the new entry's ID. */
static void cmd_xadd(Client *c) {
    AddTrimArgs a;
    int idpos = parse_add_trim(c, &a, true);
    if (idpos < 0) return;
    int fpos = idpos + 1;
    if (c->argc - fpos < 2 || (c->argc - fpos) % 2 == 1) {
        reply_wrong_arity(c);
        return;
    }
    if (a.id_given && a.seq_given && stream_id_is_zero(&a.id)) {
        reply_error(c, "ERR The ID specified in XADD must be greater than 0-0");
        return;
    }
    bool bad;
    Stream *s = lookup_write(c, 1, &bad);
    if (bad) return;
    uint64_t before = db_dirty();
    bool created = false;
    if (!s) {
        if (a.no_mkstream) {
            reply_null(c);
            return;
        }
        s = stream_new();
        db_add_obj(c->db, c->argv[1], c->argl[1], TYPE_STREAM, s);
        created = true;
    }
    if (s->last_id.ms == UINT64_MAX && s->last_id.seq == UINT64_MAX) {
        reply_error(c, "ERR The stream has exhausted the last possible ID, unable to add more "
                       "items");
        if (created) dirty_exactly(before, 0); /* Redis counts no change */
        return;
    }
    sync_limits();
    StreamId id;
    StreamAddResult r = stream_append(s, a.id_given ? &a.id : NULL, a.seq_given,
                                      (uint64_t)db_now(), c->argv + fpos, c->argl + fpos,
                                      (size_t)(c->argc - fpos), &id);
    if (r != STREAM_ADD_OK) {
        reply_error(c, r == STREAM_ADD_ID_SMALL
                           ? "ERR The ID specified in XADD is equal or smaller than the target "
                             "stream top item"
                           : "ERR Elements are too large to be stored");
        if (created) dirty_exactly(before, 0); /* Redis counts no change */
        return;
    }
    char idtext[STREAM_ID_TEXT_MAX];
    size_t idlen = stream_id_format(&id, idtext);
    reply_bulk(c, idtext, idlen);
    notify_write(NOTIFY_STREAM, "xadd", c->db_index, c->argv[1], c->argl[1]);
    dirty_exactly(before, 1);
    if (a.trim.kind != STREAM_TRIM_NONE && stream_trim(s, &a.trim))
        notify_key(NOTIFY_STREAM, "xtrim", c->db_index, c->argv[1], c->argl[1]);
    if (propagate_has_sink()) {
        bool new_id = !a.id_given || !a.seq_given;
        propagate_trim(c, s, &a, new_id ? idpos : 0, idtext, idlen);
    }
    block_signal_key(c->db_index, c->argv[1], c->argl[1]);
}

/* XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count] -- reply: entries
 * removed. */
static void cmd_xtrim(Client *c) {
    AddTrimArgs a;
    if (parse_add_trim(c, &a, false) < 0) return;
    Stream *s = lookup_write_or_zero(c);
    if (!s) return;
    uint64_t before = db_dirty();
    uint64_t deleted = stream_trim(s, &a.trim);
    if (deleted) {
        notify_write(NOTIFY_STREAM, "xtrim", c->db_index, c->argv[1], c->argl[1]);
        if (propagate_has_sink()) propagate_trim(c, s, &a, 0, NULL, 0);
    }
    dirty_exactly(before, deleted);
    reply_int(c, (int64_t)deleted);
}

/* ---------- reads ---------- */

/* XRANGE key start end [COUNT n] / XREVRANGE key end start [COUNT n]. */
static void range_generic(Client *c, bool rev) {
    int si = rev ? 3 : 2, ei = rev ? 2 : 3;
    StreamId start, end;
    bool sx = c->argl[si] > 1 && c->argv[si][0] == '(';
    bool ex = c->argl[ei] > 1 && c->argv[ei][0] == '(';
    if (!id_or_reply(c, c->argv[si] + sx, c->argl[si] - sx, 0, sx, &start, NULL)) return;
    if (sx && !stream_id_incr(&start)) {
        reply_error(c, "ERR invalid start ID for the interval");
        return;
    }
    if (!id_or_reply(c, c->argv[ei] + ex, c->argl[ei] - ex, UINT64_MAX, ex, &end, NULL)) return;
    if (ex && !stream_id_decr(&end)) {
        reply_error(c, "ERR invalid end ID for the interval");
        return;
    }
    int64_t count = -1;
    for (int j = 4; j < c->argc; j++) {
        if (arg_opt_is(c, j, "count") && c->argc - j - 1 >= 1) {
            if (!arg_int64_or_reply(c, j + 1, &count)) return;
            if (count < 0) count = 0;
            j++;
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    bool wrong;
    Stream *s = stream_lookup_read(c, c->argv[1], c->argl[1], &wrong);
    if (wrong) return;
    if (!s) {
        reply_array(c, 0);
        return;
    }
    if (count == 0) {
        reply_null_array(c);
        return;
    }
    reply_range(c, s, &start, &end, count < 0 ? 0 : (uint64_t)count, rev);
}

static void cmd_xrange(Client *c) { range_generic(c, false); }
static void cmd_xrevrange(Client *c) { range_generic(c, true); }

/* XLEN key -- reply: the number of entries. */
static void cmd_xlen(Client *c) {
    bool wrong;
    Stream *s = stream_lookup_read(c, c->argv[1], c->argl[1], &wrong);
    if (wrong) return;
    reply_int(c, s ? (int64_t)s->length : 0);
}

/* ---------- XDEL, XSETID ---------- */

/* XDEL key id [id ...] -- reply: how many were deleted. */
static void cmd_xdel(Client *c) {
    Stream *s = lookup_write_or_zero(c);
    if (!s) return;
    int n = c->argc - 2;
    StreamId small[16];
    StreamId *ids = n <= 16 ? small : mem_alloc(sizeof(StreamId) * (size_t)n);
    for (int j = 0; j < n; j++) {
        if (!arg_id_or_reply(c, j + 2, 0, true, &ids[j])) {
            if (ids != small) mem_free(ids);
            return;
        }
    }
    uint64_t before = db_dirty();
    int64_t deleted = 0;
    for (int j = 0; j < n; j++) deleted += stream_delete(s, &ids[j]);
    if (ids != small) mem_free(ids);
    if (deleted) notify_write(NOTIFY_STREAM, "xdel", c->db_index, c->argv[1], c->argl[1]);
    dirty_exactly(before, (uint64_t)deleted);
    reply_int(c, deleted);
}

/* XSETID key last-id [ENTRIESADDED n] [MAXDELETEDID id] -- reply: OK. */
static void cmd_xsetid(Client *c) {
    StreamId id, maxdel = {0, 0};
    int64_t added = -1;
    if (!arg_id_or_reply(c, 2, 0, true, &id)) return;
    for (int i = 3; i < c->argc;) {
        int more = c->argc - 1 - i;
        if (arg_opt_is(c, i, "entriesadded") && more) {
            if (!arg_int64_or_reply(c, i + 1, &added)) return;
            if (added < 0) {
                reply_error(c, "ERR entries_added must be positive");
                return;
            }
            i += 2;
        } else if (arg_opt_is(c, i, "maxdeletedid") && more) {
            if (!arg_id_or_reply(c, i + 1, 0, true, &maxdel)) return;
            if (stream_id_cmp(&id, &maxdel) < 0) {
                reply_error(c, "ERR The ID specified in XSETID is smaller than the provided "
                               "max_deleted_entry_id");
                return;
            }
            i += 2;
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    bool bad;
    Stream *s = lookup_write(c, 1, &bad);
    if (bad) return;
    if (!s) {
        reply_error(c, "ERR no such key");
        return;
    }
    if (s->length > 0) {
        StreamId top;
        stream_edge_id(s, false, &top);
        if (stream_id_cmp(&id, &top) < 0) {
            reply_error(c, "ERR The ID specified in XSETID is smaller than the target stream "
                           "top item");
            return;
        }
        if (added != -1 && s->length > (uint64_t)added) {
            reply_error(c, "ERR The entries_added specified in XSETID is smaller than the "
                           "target stream length");
            return;
        }
    }
    s->last_id = id;
    if (added != -1) s->entries_added = (uint64_t)added;
    if (!stream_id_is_zero(&maxdel)) s->max_deleted_id = maxdel;
    uint64_t before = db_dirty();
    reply_ok(c);
    dirty_exactly(before, 1);
    notify_write(NOTIFY_STREAM, "xsetid", c->db_index, c->argv[1], c->argl[1]);
}

/* ---------- XREAD ---------- */

#define XREAD_BLOCKED_COUNT 1000 /* a served blocked XREAD without COUNT */

void stream_block_with_ids(Client *c, const int *key_args, const int *id_args,
                           const StreamId *ids, int nkeys, int64_t deadline_ms) {
    /* swap the resolved IDs into argv for block_on_keys to save */
    const char **saved = mem_alloc(sizeof(char *) * (size_t)nkeys);
    size_t *savedl = mem_alloc(sizeof(size_t) * (size_t)nkeys);
    char *text = mem_alloc((size_t)nkeys * STREAM_ID_TEXT_MAX);
    for (int i = 0; i < nkeys; i++) {
        int a = id_args[i];
        saved[i] = c->argv[a];
        savedl[i] = c->argl[a];
        char *t = text + (size_t)i * STREAM_ID_TEXT_MAX;
        c->argl[a] = stream_id_format(&ids[i], t);
        c->argv[a] = t;
    }
    block_on_keys(c, key_args, nkeys, deadline_ms, BLOCK_READS);
    for (int i = 0; i < nkeys; i++) {
        c->argv[id_args[i]] = saved[i];
        c->argl[id_args[i]] = savedl[i];
    }
    mem_free(text);
    mem_free(savedl);
    mem_free(saved);
}

bool stream_read_args_or_reply(Client *c, bool group, StreamReadArgs *a) {
    memset(a, 0, sizeof(*a));
    a->deadline_ms = -1;
    for (int i = 1; i < c->argc; i++) {
        int more = c->argc - i - 1;
        if (arg_opt_is(c, i, "block") && more) {
            if (script_caller_of(c)) {
                reply_errorf(c, "ERR %.*s command is not allowed with BLOCK option from scripts",
                             (int)c->argl[0], c->argv[0]);
                return false;
            }
            int64_t ms;
            i++;
            if (!arg_int64_msg_or_reply(c, i, &ms,
                                        "ERR timeout is not an integer or out of range"))
                return false;
            if (ms < 0) {
                reply_error(c, "ERR timeout is negative");
                return false;
            }
            /* 0 and a deadline past int64 (Redis's wraps) never come */
            int64_t now = db_now();
            a->deadline_ms = ms == 0 || ms > INT64_MAX - now ? 0 : now + ms;
        } else if (arg_opt_is(c, i, "count") && more) {
            i++;
            if (!arg_int64_or_reply(c, i, &a->count)) return false;
            if (a->count < 0) a->count = 0;
        } else if (arg_opt_is(c, i, "streams") && more) {
            a->streams_arg = i + 1;
            a->nstreams = c->argc - a->streams_arg;
            if (a->nstreams % 2) {
                reply_error(c, "ERR Unbalanced XREAD list of streams: for each stream key an ID "
                               "or '$' must be specified.");
                return false;
            }
            a->nstreams /= 2;
            break;
        } else if (arg_opt_is(c, i, "group") && more >= 2) {
            if (!group) {
                reply_error(c, "ERR The GROUP option is only supported by XREADGROUP. You "
                               "called XREAD instead.");
                return false;
            }
            a->group_arg = i + 1;
            i += 2;
        } else if (arg_opt_is(c, i, "noack")) {
            if (!group) {
                reply_error(c, "ERR The NOACK option is only supported by XREADGROUP. You "
                               "called XREAD instead.");
                return false;
            }
            a->noack = true;
        } else {
            reply_syntax_error(c);
            return false;
        }
    }
    if (!a->streams_arg) {
        reply_syntax_error(c);
        return false;
    }
    if (group && !a->group_arg) {
        reply_error(c, "ERR Missing GROUP option for XREADGROUP");
        return false;
    }
    return true;
}

/* XREAD [COUNT n] [BLOCK ms] STREAMS key [key ...] id [id ...]. */
static void cmd_xread(Client *c) {
    StreamReadArgs ra;
    if (!stream_read_args_or_reply(c, false, &ra)) return;
    int64_t count = ra.count;
    int streams_arg = ra.streams_arg, nstreams = ra.nstreams;
    bool retry = c->flags & CLIENT_REEXEC;
    StreamId small[8];
    StreamId *ids = nstreams <= 8 ? small : mem_alloc(sizeof(StreamId) * (size_t)nstreams);
    for (int k = 0; k < nstreams; k++) {
        int ki = streams_arg + k, ii = ki + nstreams;
        Entry *e = db_lookup(c->db, c->argv[ki], c->argl[ki], no_touch(c));
        /* a retry counts no hit or miss: Redis serves a blocked reader
         * without a counted lookup */
        if (!retry) db_note_read(c->db, c->argv[ki], c->argl[ki], e != NULL);
        if (e && entry_type(e) != TYPE_STREAM && !retry) {
            reply_wrongtype(c);
            goto done;
        }
        Stream *s = e && entry_type(e) == TYPE_STREAM ? entry_obj(e) : NULL;
        if (c->argl[ii] == 1 && c->argv[ii][0] == '$') {
            ids[k] = s ? s->last_id : (StreamId){0, 0};
        } else if (c->argl[ii] == 1 && c->argv[ii][0] == '>') {
            reply_error(c, "ERR The > ID can be specified only when calling XREADGROUP using "
                           "the GROUP <group> <consumer> option.");
            goto done;
        } else if (!arg_id_or_reply(c, ii, 0, true, &ids[k])) {
            goto done;
        }
    }
    int64_t served = 0;
    size_t mark = 0;
    size_t wl = 0;
    const char *woke = retry ? block_serving_key(&wl) : NULL;
    for (int k = 0; k < nstreams; k++) {
        int ki = streams_arg + k;
        /* a woken reader is served from the key that woke it (its first
         * mention), as Redis serves it */
        if (woke && (c->argl[ki] != wl || memcmp(c->argv[ki], woke, wl) != 0)) continue;
        Entry *e = db_lookup(c->db, c->argv[ki], c->argl[ki], no_touch(c));
        if (!retry) db_note_read(c->db, c->argv[ki], c->argl[ki], e != NULL); /* twice, as Redis */
        if (!e || entry_type(e) != TYPE_STREAM) continue;
        Stream *s = entry_obj(e);
        bool ready;
        if (retry) { /* as Redis serves a blocked reader: the last ID moved past */
            ready = stream_id_cmp(&s->last_id, &ids[k]) > 0;
        } else {
            StreamId top;
            ready = s->length && stream_edge_id(s, false, &top) &&
                    stream_id_cmp(&top, &ids[k]) > 0;
        }
        if (!ready) {
            if (woke) break; /* only its first mention counts */
            continue;
        }
        if (served++ == 0) mark = reply_defer_len(c);
        if (c->resp == 2) reply_array(c, 2);
        reply_bulk(c, c->argv[ki], c->argl[ki]);
        StreamId start = ids[k];
        stream_id_incr(&start);
        uint64_t n = count ? (uint64_t)count : retry ? XREAD_BLOCKED_COUNT : 0;
        reply_range(c, s, &start, NULL, n, false);
        if (retry) break; /* a blocked reader is served one stream */
    }
    if (served) {
        if (c->resp == 2) reply_set_deferred_array(c, mark, served);
        else reply_set_deferred_map(c, mark, served);
        goto done;
    }
    if (ra.deadline_ms != -1) {
        int64_t deadline = ra.deadline_ms;
        int small_k[8], small_i[8];
        int *ka = nstreams <= 8 ? small_k : mem_alloc(sizeof(int) * (size_t)nstreams);
        int *ia = nstreams <= 8 ? small_i : mem_alloc(sizeof(int) * (size_t)nstreams);
        for (int k = 0; k < nstreams; k++) {
            ka[k] = streams_arg + k;
            ia[k] = streams_arg + nstreams + k;
        }
        stream_block_with_ids(c, ka, ia, ids, nstreams, deadline);
        if (ka != small_k) mem_free(ka);
        if (ia != small_i) mem_free(ia);
        goto done;
    }
    reply_null_array(c);
done:
    if (ids != small) mem_free(ids);
}

/* ---------- table ---------- */

#define GRP "stream"

Command stream_commands[] = {
    {"xadd", cmd_xadd, -5, CMD_WRITE | CMD_DENYOOM | CMD_FAST, 1, 1, 1, GRP,
     "Appends a new entry to a stream", "5.0.0",
     "O(1) when adding a new entry, O(N) when trimming where N being the number of entries "
     "evicted.",
     "@write @stream @fast", NULL},
    {"xrange", cmd_xrange, -4, CMD_READONLY, 1, 1, 1, GRP,
     "Return a range of elements in a stream, with IDs matching the specified IDs interval",
     "5.0.0",
     "O(N) with N being the number of elements being returned. If N is constant (e.g. always "
     "asking for the first 10 elements with COUNT), you can consider it O(1).",
     "@read @stream @slow", NULL},
    {"xrevrange", cmd_xrevrange, -4, CMD_READONLY, 1, 1, 1, GRP,
     "Return a range of elements in a stream, with IDs matching the specified IDs interval, in "
     "reverse order (from greater to smaller IDs) compared to XRANGE",
     "5.0.0",
     "O(N) with N being the number of elements returned. If N is constant (e.g. always asking "
     "for the first 10 elements with COUNT), you can consider it O(1).",
     "@read @stream @slow", NULL},
    {"xlen", cmd_xlen, 2, CMD_READONLY | CMD_FAST, 1, 1, 1, GRP,
     "Return the number of entries in a stream", "5.0.0", "O(1)", "@read @stream @fast", NULL},
    {"xdel", cmd_xdel, -3, CMD_WRITE | CMD_FAST, 1, 1, 1, GRP,
     "Removes the specified entries from the stream. Returns the number of items actually "
     "deleted, that may be different from the number of IDs passed in case certain IDs do not "
     "exist.",
     "5.0.0", "O(1) for each single item to delete in the stream, regardless of the stream size.",
     "@write @stream @fast", NULL},
    {"xtrim", cmd_xtrim, -4, CMD_WRITE, 1, 1, 1, GRP,
     "Trims the stream to (approximately if '~' is passed) a certain size", "5.0.0",
     "O(N), with N being the number of evicted entries. Constant times are very small however, "
     "since entries are organized in macro nodes containing multiple entries that can be "
     "released with a single deallocation.",
     "@write @stream @slow", NULL},
    {"xsetid", cmd_xsetid, -3, CMD_WRITE | CMD_DENYOOM | CMD_FAST, 1, 1, 1, GRP,
     "An internal command for replicating stream values", "5.0.0", "O(1)",
     "@write @stream @fast", NULL},
    {"xread", cmd_xread, -4, CMD_READONLY | CMD_BLOCKING | CMD_MOVABLE_KEYS, 0, 0, 0, GRP,
     "Return never seen elements in multiple streams, with IDs greater than the ones reported "
     "by the caller for each stream. Can block.",
     "5.0.0",
     "For each stream mentioned: O(N) with N being the number of elements being returned, it "
     "means that XREAD-ing with a fixed COUNT is O(1). Note that when the BLOCK option is used, "
     "XADD will pay O(M) time in order to serve the M clients blocked on the stream getting new "
     "data.",
     "@read @stream @slow @blocking", NULL},
    {NULL},
};
