/* cmd/list.c -- list commands, LPUSH to BLMPOP, as Redis 7.0 has them: the
 * replies, the errors and the order in which a command checks arguments,
 * key and type. A list is a ds/quicklist handle, which changes as the list
 * changes: a write stores the new handle in its entry (entry_set_obj)
 * before anything else touches the keyspace, deletes the key when the list
 * becomes empty, and signals core/block.c when it pushed.
 *
 * Blocking commands are re-runnable: when nothing can be served they call
 * block_on_keys and return; core/block.c runs them again from the start
 * after a push to one of their keys, and a retry that still finds nothing
 * calls block_on_keys again, keeping its place in line. */
#include <limits.h>
#include <string.h>

#include "../core/args.h"
#include "../core/block.h"
#include "../core/command.h"
#include "../core/config.h"
#include "../core/db.h"
#include "../core/notify.h"
#include "../core/reply.h"
#include "../ds/mem.h"
#include "../ds/num.h"
#include "../ds/quicklist.h"
#include "effects.h"

/* The listpack asserts on 4 GB: bigger elements (possible only with
 * proto-max-bulk-len raised past 4gb) are refused. */
#define MAX_ELEMENT ((size_t)UINT32_MAX - 1024)

/* ---------- the type ---------- */

static void ops_free(void *obj) { ql_free(obj); }
static void *ops_dup(const void *obj) { return ql_dup(obj); }
static const char *ops_encoding(const void *obj) {
    UNUSED(obj);
    return "quicklist"; /* Redis 7.0 says so for every list */
}
static size_t ops_length(const void *obj) { return ql_count(obj); }
static size_t ops_mem(const void *obj) { return ql_mem(obj); }

static const TypeOps list_ops = {
    .free = ops_free,
    .dup = ops_dup,
    .encoding = ops_encoding,
    .length = ops_length,
    .mem = ops_mem,
};

void list_register_type(void) { db_register_type(TYPE_LIST, &list_ops); }

/* ---------- helpers ---------- */

static inline bool no_touch(const Client *c) { return c->flags & CLIENT_NO_TOUCH; }

/* lookupKeyRead: counts keyspace hits/misses ("keymiss" on a miss). */
static inline Entry *lookup_read(Client *c, int i) {
    Entry *e = db_lookup(c->db, c->argv[i], c->argl[i], no_touch(c));
    db_note_read(c->db, c->argv[i], c->argl[i], e != NULL);
    return e;
}

/* key changed: WATCH sees it, then `event` (class l) is published, and
 * "del" when the change emptied the list. */
static void changed(Client *c, const char *key, size_t klen, const char *event, bool deleted) {
    notify_write(NOTIFY_LIST, event, c->db_index, key, klen);
    if (deleted) notify_key(NOTIFY_GENERIC, "del", c->db_index, key, klen);
}

static inline Entry *lookup_write(Client *c, int i) {
    return db_lookup(c->db, c->argv[i], c->argl[i], no_touch(c));
}

static inline bool is_list(const Entry *e) { return entry_type(e) == TYPE_LIST; }

/* False, after replying WRONGTYPE, when e is not a list. */
static inline bool list_or_reply(Client *c, const Entry *e) {
    if (LIKELY(is_list(e))) return true;
    reply_wrongtype(c);
    return false;
}

static inline int fill(void) { return cfg.list_max_listpack_size; }

/* Stores the list's new handle in e; deletes the key if the list emptied
 * (returns true then). e is invalid afterwards. */
static bool store(Client *c, const char *key, size_t klen, Entry *e, Quicklist *old,
                  Quicklist *ql) {
    if (ql != old) entry_set_obj(e, ql);
    if (ql_count(ql) != 0) return false;
    db_delete(c->db, key, klen);
    return true;
}

/* Makes this command's change count `want`, as Redis counts it (creating
 * or deleting the key adds to db_dirty on its own). */
static inline void dirty_exactly(uint64_t before, uint64_t want) {
    db_add_dirty(before + want - db_dirty());
}

static inline void reply_val(Client *c, const LpVal *v) {
    if (v->s) reply_bulk(c, v->s, v->len);
    else reply_bulk_int(c, v->v);
}

static bool elements_ok_or_reply(Client *c, int from) {
    for (int i = from; i < c->argc; i++) {
        if (UNLIKELY(c->argl[i] > MAX_ELEMENT)) {
            reply_error(c, "ERR Element too large");
            return false;
        }
    }
    return true;
}

/* Replies up to n elements from index start (reverse: toward the head). */
typedef struct {
    Client *c;
    size_t left;
} ReplyWalk;

static bool reply_visit(void *ctx, const LpVal *v) {
    ReplyWalk *w = ctx;
    reply_val(w->c, v);
    return --w->left > 0;
}

static void reply_range(Client *c, const Quicklist *ql, long start, bool reverse, size_t n) {
    reply_array(c, (int64_t)n);
    if (n == 0) return;
    ReplyWalk w = {c, n};
    ql_walk(ql, start, reverse, reply_visit, &w);
}

/* LEFT / RIGHT (case-insensitive): false if neither. */
static inline bool parse_side(const Client *c, int i, bool *tail) {
    if (arg_is(c, i, "left")) *tail = false;
    else if (arg_is(c, i, "right")) *tail = true;
    else return false;
    return true;
}

/* Pops n (>= 1, <= length) elements from one end of the list in e, after
 * replying them: one bulk (as_array false) or an array of them. */
static void pop_reply(Client *c, const char *key, size_t klen, Entry *e, bool tail, size_t n,
                      bool as_array) {
    Quicklist *ql = entry_obj(e);
    uint64_t before = db_dirty();
    if (as_array) {
        reply_range(c, ql, tail ? -1 : 0, tail, n);
    } else {
        LpVal v;
        ql_index(ql, tail ? -1 : 0, &v);
        reply_val(c, &v);
    }
    Quicklist *nql = ql_delete_range(ql, tail ? -(long)n : 0, n);
    bool deleted = store(c, key, klen, e, ql, nql);
    dirty_exactly(before, n);
    changed(c, key, klen, tail ? "rpop" : "lpop", deleted);
}

/* The key positions argv[first, first + n) for block_on_keys. */
static void block_on_range(Client *c, int first, int n, int64_t deadline) {
    int small[16] = {0};
    int *idx = n <= 16 ? small : mem_alloc(sizeof(int) * (size_t)n);
    for (int i = 0; i < n; i++) idx[i] = first + i;
    block_on_keys(c, idx, n, deadline, BLOCK_TAKES);
    if (idx != small) mem_free(idx);
}

/* ---------- pushes ---------- */

/* LPUSH/RPUSH/LPUSHX/RPUSHX key element... -- reply: the new length. */
static void push_generic(Client *c, bool tail, bool only_existing) {
    Entry *e = lookup_write(c, 1);
    if (e && !is_list(e)) {
        reply_wrongtype(c);
        return;
    }
    if (!e && only_existing) {
        reply_int(c, 0);
        return;
    }
    if (!elements_ok_or_reply(c, 2)) return;
    uint64_t before = db_dirty();
    Quicklist *old = e ? entry_obj(e) : ql_new(), *ql = old;
    int f = fill();
    for (int i = 2; i < c->argc; i++) ql = ql_push(ql, tail, c->argv[i], c->argl[i], f);
    size_t len = ql_count(ql);
    if (e) {
        if (ql != old) entry_set_obj(e, ql);
    } else {
        db_add_obj(c->db, c->argv[1], c->argl[1], TYPE_LIST, ql);
    }
    dirty_exactly(before, (uint64_t)(c->argc - 2));
    block_signal_key(c->db_index, c->argv[1], c->argl[1]);
    changed(c, c->argv[1], c->argl[1], tail ? "rpush" : "lpush", false);
    reply_int(c, (int64_t)len);
}

static void cmd_lpush(Client *c) { push_generic(c, false, false); }
static void cmd_rpush(Client *c) { push_generic(c, true, false); }
static void cmd_lpushx(Client *c) { push_generic(c, false, true); }
static void cmd_rpushx(Client *c) { push_generic(c, true, true); }

/* ---------- pops ---------- */

/* LPOP/RPOP key [count] -- a bulk, or with count an array (null when the
 * key is missing, empty for count 0). */
static void pop_generic(Client *c, bool tail) {
    int64_t count = 0;
    bool has_count = c->argc == 3;
    if (c->argc > 3) {
        reply_wrong_arity(c);
        return;
    }
    if (has_count && !arg_int64_msg_or_reply(c, 2, &count, "ERR value is out of range, must be positive"))
        return;
    if (has_count && count < 0) {
        reply_error(c, "ERR value is out of range, must be positive");
        return;
    }
    Entry *e = lookup_write(c, 1);
    if (!e) {
        if (has_count) reply_null_array(c);
        else reply_null(c);
        return;
    }
    if (!list_or_reply(c, e)) return;
    if (!has_count) {
        pop_reply(c, c->argv[1], c->argl[1], e, tail, 1, false);
        return;
    }
    if (count == 0) {
        reply_array(c, 0);
        return;
    }
    size_t len = ql_count(entry_obj(e));
    size_t n = (uint64_t)count < len ? (size_t)count : len;
    pop_reply(c, c->argv[1], c->argl[1], e, tail, n, true);
}

static void cmd_lpop(Client *c) { pop_generic(c, false); }
static void cmd_rpop(Client *c) { pop_generic(c, true); }

/* ---------- reads ---------- */

static void cmd_llen(Client *c) {
    Entry *e = lookup_read(c, 1);
    if (!e) {
        reply_int(c, 0);
        return;
    }
    if (!list_or_reply(c, e)) return;
    reply_int(c, (int64_t)ql_count(entry_obj(e)));
}

/* LRANGE key start stop */
static void cmd_lrange(Client *c) {
    int64_t start, end;
    if (!arg_int64_or_reply(c, 2, &start) || !arg_int64_or_reply(c, 3, &end)) return;
    Entry *e = lookup_read(c, 1);
    if (!e) {
        reply_array(c, 0);
        return;
    }
    if (!list_or_reply(c, e)) return;
    const Quicklist *ql = entry_obj(e);
    int64_t len = (int64_t)ql_count(ql);
    if (start < 0) start = len + start;
    if (end < 0) end = len + end;
    if (start < 0) start = 0;
    if (start > end || start >= len) {
        reply_array(c, 0);
        return;
    }
    if (end >= len) end = len - 1;
    reply_range(c, ql, (long)start, false, (size_t)(end - start + 1));
}

/* LINDEX key index -- the key is checked before the index. */
static void cmd_lindex(Client *c) {
    Entry *e = lookup_read(c, 1);
    if (!e) {
        reply_null(c);
        return;
    }
    if (!list_or_reply(c, e)) return;
    int64_t index;
    if (!arg_int64_or_reply(c, 2, &index)) return;
    LpVal v;
    if (ql_index(entry_obj(e), (long)index, &v)) reply_val(c, &v);
    else reply_null(c);
}

/* LPOS's search over an LpVal (canonical integers are stored as ints). */
typedef struct {
    Client *c;
    const char *s;
    size_t slen;
    bool is_int;
    int64_t iv;
    size_t len;       /* list length */
    bool reverse;     /* walking from the tail */
    int64_t skip;     /* matches to pass over before reporting (RANK) */
    uint64_t want;    /* matches to report; 0 = all */
    uint64_t maxlen;  /* elements to compare; 0 = all */
    uint64_t seen, found;
    int64_t first;    /* index of the first reported match, -1 */
    bool as_array;
} PosSearch;

static bool pos_visit(void *ctx, const LpVal *v) {
    PosSearch *ps = ctx;
    uint64_t i = ps->seen++;
    bool eq = v->s ? v->len == ps->slen && memcmp(v->s, ps->s, ps->slen) == 0
                   : ps->is_int && v->v == ps->iv;
    if (eq) {
        if (ps->skip > 0) {
            ps->skip--;
        } else {
            int64_t index = ps->reverse ? (int64_t)(ps->len - 1 - i) : (int64_t)i;
            if (ps->as_array) reply_int(ps->c, index);
            else ps->first = index;
            ps->found++;
            if (!ps->as_array || (ps->want && ps->found >= ps->want)) return false;
        }
    }
    return ps->maxlen == 0 || ps->seen < ps->maxlen;
}

/* LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len] */
static void cmd_lpos(Client *c) {
    int64_t rank = 1, count = -1, maxlen = 0;
    for (int i = 3; i < c->argc; i += 2) {
        bool more = i + 1 < c->argc;
        if (arg_is(c, i, "rank") && more) {
            if (!arg_int64_or_reply(c, i + 1, &rank)) return;
            if (rank == 0) {
                reply_error(c, "ERR RANK can't be zero: use 1 to start from the first match, 2 "
                               "from the second ... or use negative to start from the end of "
                               "the list");
                return;
            }
        } else if (arg_is(c, i, "count") && more) {
            if (!arg_int64(c, i + 1, &count) || count < 0) {
                reply_error(c, "ERR COUNT can't be negative");
                return;
            }
        } else if (arg_is(c, i, "maxlen") && more) {
            if (!arg_int64(c, i + 1, &maxlen) || maxlen < 0) {
                reply_error(c, "ERR MAXLEN can't be negative");
                return;
            }
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    bool as_array = count >= 0;
    Entry *e = lookup_read(c, 1);
    if (!e) {
        if (as_array) reply_array(c, 0);
        else reply_null(c);
        return;
    }
    if (!list_or_reply(c, e)) return;
    const Quicklist *ql = entry_obj(e);
    PosSearch ps = {.c = c, .s = c->argv[2], .slen = c->argl[2], .len = ql_count(ql),
                    .reverse = rank < 0, .want = as_array ? (uint64_t)count : 1,
                    .maxlen = (uint64_t)maxlen, .first = -1, .as_array = as_array};
    ps.is_int = num_parse_int64(ps.s, ps.slen, &ps.iv);
    /* RANK -9223372036854775808 cannot be negated: Redis 7.0 then reports
     * every match from the tail whatever COUNT says (observed on 7.0.15). */
    if (rank == INT64_MIN) {
        ps.skip = 0;
        if (as_array) ps.want = 0;
    } else {
        ps.skip = (rank < 0 ? -rank : rank) - 1;
    }
    if (as_array) {
        size_t mark = reply_defer_len(c);
        ql_walk(ql, ps.reverse ? -1 : 0, ps.reverse, pos_visit, &ps);
        reply_set_deferred_array(c, mark, (int64_t)ps.found);
        return;
    }
    ql_walk(ql, ps.reverse ? -1 : 0, ps.reverse, pos_visit, &ps);
    if (ps.first >= 0) reply_int(c, ps.first);
    else reply_null(c);
}

/* ---------- in-place changes ---------- */

/* LSET key index element -- the key is checked before the index. */
static void cmd_lset(Client *c) {
    Entry *e = lookup_write(c, 1);
    if (!e) {
        reply_error(c, "ERR no such key");
        return;
    }
    if (!list_or_reply(c, e)) return;
    int64_t index;
    if (!arg_int64_or_reply(c, 2, &index)) return;
    Quicklist *ql = entry_obj(e);
    int64_t len = (int64_t)ql_count(ql);
    if (index >= len || index < -len) {
        reply_error(c, "ERR index out of range");
        return;
    }
    if (!elements_ok_or_reply(c, 3)) return;
    Quicklist *nql = ql_replace(ql, (long)index, c->argv[3], c->argl[3], fill());
    if (nql != ql) entry_set_obj(e, nql);
    db_add_dirty(1);
    changed(c, c->argv[1], c->argl[1], "lset", false);
    reply_ok(c);
}

/* LINSERT key BEFORE|AFTER pivot element -- the new length, 0 when the key
 * is missing, -1 when the pivot is. */
static void cmd_linsert(Client *c) {
    bool after;
    if (arg_is(c, 2, "after")) after = true;
    else if (arg_is(c, 2, "before")) after = false;
    else {
        reply_syntax_error(c);
        return;
    }
    Entry *e = lookup_write(c, 1);
    if (!e) {
        reply_int(c, 0);
        return;
    }
    if (!list_or_reply(c, e)) return;
    if (!elements_ok_or_reply(c, 4)) return;
    Quicklist *ql = entry_obj(e);
    bool found;
    Quicklist *nql = ql_insert(ql, c->argv[3], c->argl[3], after, c->argv[4], c->argl[4],
                               fill(), &found);
    if (!found) {
        reply_int(c, -1);
        return;
    }
    if (nql != ql) entry_set_obj(e, nql);
    db_add_dirty(1);
    changed(c, c->argv[1], c->argl[1], "linsert", false);
    reply_int(c, (int64_t)ql_count(nql));
}

/* LREM key count element -- how many were removed. */
static void cmd_lrem(Client *c) {
    int64_t count;
    if (!arg_int64_or_reply(c, 2, &count)) return;
    Entry *e = lookup_write(c, 1);
    if (!e) {
        reply_int(c, 0);
        return;
    }
    if (!list_or_reply(c, e)) return;
    uint64_t before = db_dirty();
    Quicklist *ql = entry_obj(e);
    size_t removed;
    Quicklist *nql = ql_remove(ql, c->argv[3], c->argl[3], (long)count, &removed);
    bool deleted = store(c, c->argv[1], c->argl[1], e, ql, nql);
    dirty_exactly(before, removed);
    if (removed) changed(c, c->argv[1], c->argl[1], "lrem", deleted);
    reply_int(c, (int64_t)removed);
}

/* LTRIM key start stop */
static void cmd_ltrim(Client *c) {
    int64_t start, end;
    if (!arg_int64_or_reply(c, 2, &start) || !arg_int64_or_reply(c, 3, &end)) return;
    Entry *e = lookup_write(c, 1);
    if (!e) {
        reply_ok(c);
        return;
    }
    if (!list_or_reply(c, e)) return;
    uint64_t before = db_dirty();
    Quicklist *ql = entry_obj(e), *nql = ql;
    int64_t len = (int64_t)ql_count(ql), ltrim, rtrim;
    if (start < 0) start = len + start;
    if (end < 0) end = len + end;
    if (start < 0) start = 0;
    if (start > end || start >= len) {
        ltrim = len;
        rtrim = 0;
    } else {
        if (end >= len) end = len - 1;
        ltrim = start;
        rtrim = len - end - 1;
    }
    if (ltrim) nql = ql_delete_range(nql, 0, (size_t)ltrim);
    if (rtrim) nql = ql_delete_range(nql, -rtrim, (size_t)rtrim);
    bool deleted = store(c, c->argv[1], c->argl[1], e, ql, nql);
    dirty_exactly(before, (uint64_t)(ltrim + rtrim));
    changed(c, c->argv[1], c->argl[1], "ltrim", deleted); /* even if nothing went */
    reply_ok(c);
}

/* ---------- moves ---------- */

/* BRPOPLPUSH propagates as RPOPLPUSH src dst, BLMOVE as LMOVE src dst
 * from to: with its own words when served at once, with Redis's "left"
 * and "right" when served later (Redis's serveClientBlockedOnList). */
static void propagate_move(Client *c, bool from_tail, bool to_tail) {
    if (c->argc == 4) { /* BRPOPLPUSH src dst timeout */
        const char *argv[3] = {"RPOPLPUSH", c->argv[1], c->argv[2]};
        size_t argl[3] = {9, c->argl[1], c->argl[2]};
        propagate_as(c, 3, argv, argl);
        return;
    }
    const char *argv[5] = {"LMOVE", c->argv[1], c->argv[2], c->argv[3], c->argv[4]};
    size_t argl[5] = {5, c->argl[1], c->argl[2], c->argl[3], c->argl[4]};
    if (c->flags & CLIENT_REEXEC) {
        argv[3] = from_tail ? "right" : "left";
        argl[3] = from_tail ? 5 : 4;
        argv[4] = to_tail ? "right" : "left";
        argl[4] = to_tail ? 5 : 4;
    }
    propagate_as(c, 5, argv, argl);
}

/* LMOVE's work: pops from argv[1] (from_tail), pushes to argv[2] (to_tail),
 * replies the element. A missing source replies nil, or blocks when
 * blocking. BLMOVE times out with a null array: Redis 7.0's reply, not the
 * documented null bulk. */
static void move_generic(Client *c, bool from_tail, bool to_tail, bool blocking,
                         int64_t deadline) {
    Entry *e = lookup_write(c, 1);
    if (!e) {
        if (!blocking || (c->flags & CLIENT_NO_BLOCK)) { /* in MULTI: as LMOVE */
            reply_null(c);
            return;
        }
        int src = 1;
        block_on_keys(c, &src, 1, deadline, BLOCK_TAKES);
        return;
    }
    if (!is_list(e)) {
        if (c->flags & CLIENT_REEXEC) { /* 7.0 waits on as long as it is no list */
            int src = 1;
            block_on_keys(c, &src, 1, deadline, BLOCK_TAKES);
            return;
        }
        reply_wrongtype(c);
        return;
    }
    Entry *d = lookup_write(c, 2);
    if (d && !is_list(d)) {
        reply_wrongtype(c);
        return;
    }
    e = lookup_write(c, 1); /* the second lookup may have changed the db */
    bool same = c->argl[1] == c->argl[2] && memcmp(c->argv[1], c->argv[2], c->argl[1]) == 0;
    uint64_t before = db_dirty();
    Quicklist *ql = entry_obj(e);
    LpVal v;
    ql_index(ql, from_tail ? -1 : 0, &v);
    char small[128], *heap = NULL;
    const char *s;
    size_t len;
    if (!v.s) {
        len = num_format_int64(small, v.v);
        s = small;
    } else {
        len = v.len;
        char *to = len > sizeof(small) ? (heap = mem_alloc(len)) : small;
        memcpy(to, v.s, len);
        s = to;
    }
    Quicklist *nql = ql_delete_range(ql, from_tail ? -1 : 0, 1);
    bool deleted = false;
    if (same) { /* a rotation: the key never goes away, nor its TTL */
        nql = ql_push(nql, to_tail, s, len, fill());
        entry_set_obj(e, nql);
    } else {
        deleted = store(c, c->argv[1], c->argl[1], e, ql, nql);
        d = lookup_write(c, 2);
        if (d) {
            Quicklist *dq = entry_obj(d), *ndq = ql_push(dq, to_tail, s, len, fill());
            if (ndq != dq) entry_set_obj(d, ndq);
        } else {
            db_add_obj(c->db, c->argv[2], c->argl[2], TYPE_LIST,
                       ql_push(ql_new(), to_tail, s, len, fill()));
        }
    }
    dirty_exactly(before, 1);
    block_signal_key(c->db_index, c->argv[2], c->argl[2]);
    /* Redis's order: the push on the destination, then the pop. */
    changed(c, c->argv[2], c->argl[2], to_tail ? "rpush" : "lpush", false);
    changed(c, c->argv[1], c->argl[1], from_tail ? "rpop" : "lpop", deleted);
    if (blocking && propagate_has_sink()) propagate_move(c, from_tail, to_tail);
    reply_bulk(c, s, len);
    mem_free(heap);
}

/* LMOVE source destination LEFT|RIGHT LEFT|RIGHT */
static void cmd_lmove(Client *c) {
    bool from_tail, to_tail;
    if (!parse_side(c, 3, &from_tail) || !parse_side(c, 4, &to_tail)) {
        reply_syntax_error(c);
        return;
    }
    move_generic(c, from_tail, to_tail, false, 0);
}

static void cmd_rpoplpush(Client *c) { move_generic(c, true, false, false, 0); }

/* BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout */
static void cmd_blmove(Client *c) {
    bool from_tail, to_tail;
    if (!parse_side(c, 3, &from_tail) || !parse_side(c, 4, &to_tail)) {
        reply_syntax_error(c);
        return;
    }
    int64_t deadline;
    if (!block_timeout_or_reply(c, 5, &deadline)) return;
    move_generic(c, from_tail, to_tail, true, deadline);
}

/* BRPOPLPUSH source destination timeout */
static void cmd_brpoplpush(Client *c) {
    int64_t deadline;
    if (!block_timeout_or_reply(c, 3, &deadline)) return;
    move_generic(c, true, false, true, deadline);
}

/* ---------- multi-key pops ---------- */

/* The first key of argv[first, first + n) holding a list, or -1. A key of
 * another type is WRONGTYPE (-2, replied) -- except when a blocked command
 * is retried: Redis 7.0 serves its client from the list that was pushed
 * and leaves it waiting otherwise, so other types are passed over. */
static int first_list(Client *c, int first, int n, Entry **out) {
    for (int i = first; i < first + n; i++) {
        Entry *e = lookup_write(c, i);
        if (!e) continue;
        if (!is_list(e)) {
            if (c->flags & CLIENT_REEXEC) continue;
            reply_wrongtype(c);
            return -2;
        }
        *out = e;
        return i;
    }
    return -1;
}

/* BLPOP/BRPOP key... timeout -- [key, element], or a null array at the
 * timeout. */
static void bpop_generic(Client *c, bool tail) {
    int64_t deadline;
    if (!block_timeout_or_reply(c, c->argc - 1, &deadline)) return;
    Entry *e;
    int i = first_list(c, 1, c->argc - 2, &e);
    if (i == -2) return;
    if (i < 0) {
        block_on_range(c, 1, c->argc - 2, deadline);
        return;
    }
    reply_array(c, 2);
    reply_bulk(c, c->argv[i], c->argl[i]);
    pop_reply(c, c->argv[i], c->argl[i], e, tail, 1, false);
    /* as the [LR]POP key that happened */
    if (propagate_has_sink()) effects_key(c, tail ? "RPOP" : "LPOP", c->argv[i], c->argl[i]);
}

static void cmd_blpop(Client *c) { bpop_generic(c, false); }
static void cmd_brpop(Client *c) { bpop_generic(c, true); }

/* Parses "numkeys key... LEFT|RIGHT [COUNT count]" from argv[ni]. */
static bool mpop_args_or_reply(Client *c, int ni, int *nkeys, bool *tail, int64_t *count) {
    int64_t n;
    if (!arg_int64(c, ni, &n) || n < 1) {
        reply_error(c, "ERR numkeys should be greater than 0");
        return false;
    }
    if (n > c->argc - ni - 2) {
        reply_syntax_error(c);
        return false;
    }
    int where = ni + (int)n + 1;
    if (!parse_side(c, where, tail)) {
        reply_syntax_error(c);
        return false;
    }
    *count = -1;
    for (int j = where + 1; j < c->argc; j++) {
        if (*count == -1 && arg_is(c, j, "count") && j + 1 < c->argc) {
            j++;
            if (!arg_int64(c, j, count) || *count < 1) {
                reply_error(c, "ERR count should be greater than 0");
                return false;
            }
        } else {
            reply_syntax_error(c);
            return false;
        }
    }
    if (*count == -1) *count = 1;
    *nkeys = (int)n;
    return true;
}

/* LMPOP/BLMPOP's pop: [key, [elements...]] from the first list. */
static void mpop_run(Client *c, int first, int nkeys, bool tail, int64_t count, bool blocking,
                     int64_t deadline) {
    Entry *e;
    int i = first_list(c, first, nkeys, &e);
    if (i == -2) return;
    if (i < 0) {
        if (blocking) block_on_range(c, first, nkeys, deadline);
        else reply_null_array(c);
        return;
    }
    size_t len = ql_count(entry_obj(e));
    size_t n = (uint64_t)count < len ? (size_t)count : len;
    reply_array(c, 2);
    reply_bulk(c, c->argv[i], c->argl[i]);
    pop_reply(c, c->argv[i], c->argl[i], e, tail, n, true);
    /* as [LR]POP key <popped>, the key and count that happened */
    if (propagate_has_sink())
        effects_key_int(c, tail ? "RPOP" : "LPOP", c->argv[i], c->argl[i], (int64_t)n);
}

/* LMPOP numkeys key... LEFT|RIGHT [COUNT count] */
static void cmd_lmpop(Client *c) {
    int nkeys;
    bool tail;
    int64_t count;
    if (!mpop_args_or_reply(c, 1, &nkeys, &tail, &count)) return;
    mpop_run(c, 2, nkeys, tail, count, false, 0);
}

/* BLMPOP timeout numkeys key... LEFT|RIGHT [COUNT count] -- the timeout is
 * checked after the other arguments. */
static void cmd_blmpop(Client *c) {
    int nkeys;
    bool tail;
    int64_t count, deadline;
    if (!mpop_args_or_reply(c, 2, &nkeys, &tail, &count)) return;
    if (!block_timeout_or_reply(c, 1, &deadline)) return;
    mpop_run(c, 3, nkeys, tail, count, true, deadline);
}

/* ---------- table ---------- */

#define LIST "list"
#define W_FAST (CMD_WRITE | CMD_DENYOOM | CMD_FAST)
#define ACL_WF "@write @list @fast"
#define ACL_WS "@write @list @slow"
#define ACL_RF "@read @list @fast"
#define ACL_RS "@read @list @slow"
#define ACL_WB "@write @list @slow @blocking"
#define CX_PUSH "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments."
#define CX_POP "O(N) where N is the number of elements returned"
#define CX_MPOP "O(N+M) where N is the number of provided keys and M is the number of elements returned."
#define CX_BPOP "O(N) where N is the number of provided keys."
#define CX_LRANGE "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range."
#define CX_LINDEX "O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1)."
#define CX_LSET "O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1)."
#define CX_LINSERT "O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N)."
#define CX_LPOS "O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time."

/* clang-format off */
Command list_commands[] = {
    {"lpush", cmd_lpush, -3, W_FAST, 1, 1, 1, LIST, "Prepend one or multiple elements to a list", "1.0.0", CX_PUSH, ACL_WF, NULL},
    {"rpush", cmd_rpush, -3, W_FAST, 1, 1, 1, LIST, "Append one or multiple elements to a list", "1.0.0", CX_PUSH, ACL_WF, NULL},
    {"lpushx", cmd_lpushx, -3, W_FAST, 1, 1, 1, LIST, "Prepend an element to a list, only if the list exists", "2.2.0", CX_PUSH, ACL_WF, NULL},
    {"rpushx", cmd_rpushx, -3, W_FAST, 1, 1, 1, LIST, "Append an element to a list, only if the list exists", "2.2.0", CX_PUSH, ACL_WF, NULL},
    {"lpop", cmd_lpop, -2, CMD_WRITE | CMD_FAST, 1, 1, 1, LIST, "Remove and get the first elements in a list", "1.0.0", CX_POP, ACL_WF, NULL},
    {"rpop", cmd_rpop, -2, CMD_WRITE | CMD_FAST, 1, 1, 1, LIST, "Remove and get the last elements in a list", "1.0.0", CX_POP, ACL_WF, NULL},
    {"llen", cmd_llen, 2, CMD_READONLY | CMD_FAST, 1, 1, 1, LIST, "Get the length of a list", "1.0.0", "O(1)", ACL_RF, NULL},
    {"lrange", cmd_lrange, 4, CMD_READONLY, 1, 1, 1, LIST, "Get a range of elements from a list", "1.0.0", CX_LRANGE, ACL_RS, NULL},
    {"lindex", cmd_lindex, 3, CMD_READONLY, 1, 1, 1, LIST, "Get an element from a list by its index", "1.0.0", CX_LINDEX, ACL_RS, NULL},
    {"lset", cmd_lset, 4, CMD_WRITE | CMD_DENYOOM, 1, 1, 1, LIST, "Set the value of an element in a list by its index", "1.0.0", CX_LSET, ACL_WS, NULL},
    {"lrem", cmd_lrem, 4, CMD_WRITE, 1, 1, 1, LIST, "Remove elements from a list", "1.0.0", "O(N+M) where N is the length of the list and M is the number of elements removed.", ACL_WS, NULL},
    {"ltrim", cmd_ltrim, 4, CMD_WRITE, 1, 1, 1, LIST, "Trim a list to the specified range", "1.0.0", "O(N) where N is the number of elements to be removed by the operation.", ACL_WS, NULL},
    {"linsert", cmd_linsert, 5, CMD_WRITE | CMD_DENYOOM, 1, 1, 1, LIST, "Insert an element before or after another element in a list", "2.2.0", CX_LINSERT, ACL_WS, NULL},
    {"lpos", cmd_lpos, -3, CMD_READONLY, 1, 1, 1, LIST, "Return the index of matching elements on a list", "6.0.6", CX_LPOS, ACL_RS, NULL},
    {"lmove", cmd_lmove, 5, CMD_WRITE | CMD_DENYOOM, 1, 2, 1, LIST, "Pop an element from a list, push it to another list and return it", "6.2.0", "O(1)", ACL_WS, NULL},
    {"rpoplpush", cmd_rpoplpush, 3, CMD_WRITE | CMD_DENYOOM, 1, 2, 1, LIST, "Remove the last element in a list, prepend it to another list and return it", "1.2.0", "O(1)", ACL_WS, NULL},
    {"lmpop", cmd_lmpop, -4, CMD_WRITE | CMD_MOVABLE_KEYS, 0, 0, 0, LIST, "Pop elements from a list", "7.0.0", CX_MPOP, ACL_WS, NULL},
    {"blpop", cmd_blpop, -3, CMD_WRITE | CMD_NOSCRIPT | CMD_BLOCKING, 1, -2, 1, LIST, "Remove and get the first element in a list, or block until one is available", "2.0.0", CX_BPOP, ACL_WB, NULL},
    {"brpop", cmd_brpop, -3, CMD_WRITE | CMD_NOSCRIPT | CMD_BLOCKING, 1, -2, 1, LIST, "Remove and get the last element in a list, or block until one is available", "2.0.0", CX_BPOP, ACL_WB, NULL},
    {"blmove", cmd_blmove, 6, CMD_WRITE | CMD_DENYOOM | CMD_NOSCRIPT | CMD_BLOCKING, 1, 2, 1, LIST, "Pop an element from a list, push it to another list and return it; or block until one is available", "6.2.0", "O(1)", ACL_WB, NULL},
    {"brpoplpush", cmd_brpoplpush, 4, CMD_WRITE | CMD_DENYOOM | CMD_NOSCRIPT | CMD_BLOCKING, 1, 2, 1, LIST, "Pop an element from a list, push it to another list and return it; or block until one is available", "2.2.0", "O(1)", ACL_WB, NULL},
    {"blmpop", cmd_blmpop, -5, CMD_WRITE | CMD_BLOCKING | CMD_MOVABLE_KEYS, 0, 0, 0, LIST, "Pop elements from a list, or block until one is available", "7.0.0", CX_MPOP, ACL_WB, NULL},
    {0},
};
/* clang-format on */
