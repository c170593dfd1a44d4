/* cmd/hash.c -- hash commands (HSET ... HSCAN) as Redis 7.0: replies,
 * errors, the order of checks, RESP3 shapes and the keyspace hit, miss and
 * dirty counts. The object itself (two encodings, conversion) is
 * core/t_hash.c. An Entry pointer dies at the next write to the db: a
 * handler stores a moved hash back (entry_set_obj) before any db write. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../core/args.h"
#include "../core/client.h"
#include "../core/command.h"
#include "../core/db.h"
#include "../core/notify.h"
#include "../core/propagate.h"
#include "../core/reply.h"
#include "../core/t_hash.h"
#include "../ds/glob.h"
#include "../ds/mem.h"
#include "../ds/num.h"

/* HRANDFIELD with a huge negative count would grow the reply without
 * bound: its loop asks reply_should_stop (reply.h) as it goes. */

/* ---------- shared helpers ---------- */

static inline bool no_touch(const Client *c) { return c->flags & CLIENT_NO_TOUCH; }

/* argv[1]'s hash for a read command (lookupKeyRead: counts a keyspace hit
 * or miss). false: another type, WRONGTYPE sent. *h is NULL when absent. */
static inline bool read_or_reply(Client *c, Hash **h) {
    Entry *e = db_lookup(c->db, c->argv[1], c->argl[1], no_touch(c));
    db_note_read(c->db, c->argv[1], c->argl[1], e != NULL);
    *h = NULL;
    if (!e) return true;
    if (UNLIKELY(entry_type(e) != TYPE_HASH)) {
        reply_wrongtype(c);
        return false;
    }
    *h = entry_obj(e);
    return true;
}

/* argv[1]'s hash for a write (lookupKeyWrite: no hit/miss counting). *ep
 * is its entry, or NULL when the key is absent: then a new empty hash is
 * returned, which store() adds to the db. NULL after WRONGTYPE. */
static inline Hash *write_or_reply(Client *c, Entry **ep) {
    Entry *e = db_lookup(c->db, c->argv[1], c->argl[1], no_touch(c));
    *ep = e;
    if (!e) return hash_new();
    if (UNLIKELY(entry_type(e) != TYPE_HASH)) {
        reply_wrongtype(c);
        return NULL;
    }
    return entry_obj(e);
}

/* Puts h (possibly moved from `old`) back into e, or adds it as a new key
 * when e is NULL. `changes` is Redis's dirty count for the command (adding
 * a key counts one by itself). */
static inline void store(Client *c, Entry *e, Hash *h, Hash *old, uint64_t changes) {
    if (e) {
        if (h != old) entry_set_obj(e, h);
        db_add_dirty(changes);
        return;
    }
    db_add_obj(c->db, c->argv[1], c->argl[1], TYPE_HASH, h);
    if (changes > 1) db_add_dirty(changes - 1);
}

/* argv[1] changed: WATCH sees it, `event` (class h) is published. */
static inline void changed(Client *c, const char *event) {
    notify_write(NOTIFY_HASH, event, c->db_index, c->argv[1], c->argl[1]);
}

static inline void reply_hval(Client *c, const HashVal *v) {
    if (v->s) reply_bulk(c, v->s, v->len);
    else reply_bulk_int(c, v->v);
}

/* ---------- HSET / HMSET / HSETNX ---------- */

/* HSET key field value [field value ...] -- reply: fields added. HMSET
 * (the same, replying OK). An odd argument count is an arity error. */
static void hset_generic(Client *c, bool hmset) {
    if ((c->argc & 1) == 1) {
        reply_wrong_arity(c);
        return;
    }
    Entry *e;
    Hash *h = write_or_reply(c, &e), *old = h;
    if (!h) return;
    int64_t added = 0;
    for (int i = 2; i < c->argc; i += 2)
        added += hash_set(&h, c->argv[i], c->argl[i], c->argv[i + 1], c->argl[i + 1]);
    store(c, e, h, old, (uint64_t)(c->argc - 2) / 2);
    changed(c, "hset");
    if (hmset) reply_ok(c);
    else reply_int(c, added);
}

static void cmd_hset(Client *c) { hset_generic(c, false); }
static void cmd_hmset(Client *c) { hset_generic(c, true); }

/* HSETNX key field value -- reply: 1 if set, 0 if the field existed. */
static void cmd_hsetnx(Client *c) {
    Entry *e;
    Hash *h = write_or_reply(c, &e), *old = h;
    if (!h) return;
    if (e && hash_exists(h, c->argv[2], c->argl[2])) {
        reply_int(c, 0);
        return;
    }
    hash_set(&h, c->argv[2], c->argl[2], c->argv[3], c->argl[3]);
    store(c, e, h, old, 1);
    changed(c, "hset");
    reply_int(c, 1);
}

/* ---------- reads of single fields ---------- */

/* HGET key field -- reply: the value, or null. */
static void cmd_hget(Client *c) {
    Hash *h;
    if (!read_or_reply(c, &h)) return;
    HashVal v;
    if (h && hash_get(h, c->argv[2], c->argl[2], &v)) reply_hval(c, &v);
    else reply_null(c);
}

/* HMGET key field [field ...] -- reply: an array of values or nulls (all
 * nulls when the key is absent). */
static void cmd_hmget(Client *c) {
    Hash *h;
    if (!read_or_reply(c, &h)) return;
    reply_array(c, c->argc - 2);
    for (int i = 2; i < c->argc; i++) {
        HashVal v;
        if (h && hash_get(h, c->argv[i], c->argl[i], &v)) reply_hval(c, &v);
        else reply_null(c);
    }
}

/* HLEN key -- reply: the number of fields (0 when absent). */
static void cmd_hlen(Client *c) {
    Hash *h;
    if (!read_or_reply(c, &h)) return;
    reply_int(c, h ? (int64_t)hash_len(h) : 0);
}

/* HEXISTS key field -- reply: 1 or 0. */
static void cmd_hexists(Client *c) {
    Hash *h;
    if (!read_or_reply(c, &h)) return;
    reply_int(c, h && hash_exists(h, c->argv[2], c->argl[2]));
}

/* HSTRLEN key field -- reply: the value's length in bytes (0 if absent). */
static void cmd_hstrlen(Client *c) {
    Hash *h;
    if (!read_or_reply(c, &h)) return;
    HashVal v;
    if (!h || !hash_get(h, c->argv[2], c->argl[2], &v)) {
        reply_int(c, 0);
        return;
    }
    char buf[24];
    reply_int(c, v.s ? (int64_t)v.len : (int64_t)num_format_int64(buf, v.v));
}

/* ---------- HDEL ---------- */

/* HDEL key field [field ...] -- reply: fields removed. A hash left empty
 * is deleted (the loop stops there, as Redis's does). */
static void cmd_hdel(Client *c) {
    Entry *e = db_lookup(c->db, c->argv[1], c->argl[1], no_touch(c));
    if (!e) {
        reply_int(c, 0);
        return;
    }
    if (UNLIKELY(entry_type(e) != TYPE_HASH)) {
        reply_wrongtype(c);
        return;
    }
    Hash *h = entry_obj(e), *old = h;
    int64_t deleted = 0;
    bool empty = false;
    for (int i = 2; i < c->argc; i++) {
        if (!hash_delete(&h, c->argv[i], c->argl[i])) continue;
        deleted++;
        if (hash_len(h) == 0) {
            empty = true;
            break;
        }
    }
    if (h != old) entry_set_obj(e, h);
    if (empty) {
        db_delete(c->db, c->argv[1], c->argl[1]); /* counts one change */
        db_add_dirty((uint64_t)deleted - 1);
    } else {
        db_add_dirty((uint64_t)deleted);
    }
    if (deleted) {
        changed(c, "hdel");
        if (empty) notify_key(NOTIFY_GENERIC, "del", c->db_index, c->argv[1], c->argl[1]);
    }
    reply_int(c, deleted);
}

/* ---------- HINCRBY / HINCRBYFLOAT ---------- */

/* HINCRBY key field increment -- reply: the new value. The field's value
 * must be a canonical int64 and the sum must not overflow. */
static void cmd_hincrby(Client *c) {
    int64_t incr, cur = 0;
    if (!arg_int64_or_reply(c, 3, &incr)) return;
    Entry *e;
    Hash *h = write_or_reply(c, &e), *old = h;
    if (!h) return;
    const char *f = c->argv[2];
    size_t flen = c->argl[2];
    HashSlot slot;
    HashVal v;
    bool found = e && hash_find(h, f, flen, &slot, &v);
    if (found) {
        if (v.s && !num_parse_int64(v.s, v.len, &cur)) {
            reply_error(c, "ERR hash value is not an integer");
            return;
        }
        if (!v.s) cur = v.v;
        if ((incr < 0 && cur < 0 && incr < INT64_MIN - cur) ||
            (incr > 0 && cur > 0 && incr > INT64_MAX - cur)) {
            reply_error(c, "ERR increment or decrement would overflow");
            return;
        }
    }
    int64_t sum = cur + incr;
    char buf[24];
    size_t len = num_format_int64(buf, sum);
    if (found) hash_set_found(&h, &slot, f, flen, buf, len);
    else hash_set(&h, f, flen, buf, len);
    store(c, e, h, old, 1);
    changed(c, "hincrby");
    reply_int(c, sum);
}

/* HINCRBYFLOAT key field increment -- reply: the new value as a bulk
 * string, computed in long double and printed as INCRBYFLOAT does. */
static void cmd_hincrbyfloat(Client *c) {
    long double incr, cur = 0;
    if (!arg_long_double_or_reply(c, 3, &incr)) return;
    if (isnan(incr) || isinf(incr)) {
        reply_error(c, "ERR value is NaN or Infinity");
        return;
    }
    Entry *e;
    Hash *h = write_or_reply(c, &e), *old = h;
    if (!h) return;
    const char *f = c->argv[2];
    size_t flen = c->argl[2];
    HashSlot slot;
    HashVal v;
    bool found = e && hash_find(h, f, flen, &slot, &v);
    if (found) {
        if (v.s && !num_parse_long_double(v.s, v.len, &cur)) {
            reply_error(c, "ERR hash value is not a float");
            return;
        }
        if (!v.s) cur = (long double)v.v;
    }
    cur += incr;
    if (isnan(cur) || isinf(cur)) {
        if (!e) hash_free(h);
        reply_error(c, "ERR increment would produce NaN or Infinity");
        return;
    }
    char buf[NUM_LDBL_BUF];
    size_t len = num_format_long_double(buf, cur);
    if (found) hash_set_found(&h, &slot, f, flen, buf, len);
    else hash_set(&h, f, flen, buf, len);
    store(c, e, h, old, 1);
    changed(c, "hincrbyfloat");
    if (propagate_has_sink()) { /* as HSET key field <result>: no rounding on replay */
        const char *argv[4] = {"HSET", c->argv[1], f, buf};
        size_t argl[4] = {4, c->argl[1], flen, len};
        propagate_as(c, 4, argv, argl);
    }
    reply_bulk(c, buf, len);
}

/* ---------- whole-hash reads ---------- */

static bool reply_pair(void *ctx, const HashVal *f, const HashVal *v) {
    reply_hval(ctx, f);
    reply_hval(ctx, v);
    return true;
}

static bool reply_field(void *ctx, const HashVal *f, const HashVal *v) {
    reply_hval(ctx, f);
    return true;
}

static bool reply_value(void *ctx, const HashVal *f, const HashVal *v) {
    reply_hval(ctx, v);
    return true;
}

/* HGETALL (a map in RESP3), HKEYS, HVALS (arrays): absent key -> empty. */
static void getall_generic(Client *c, HashPairFn fn) {
    Hash *h;
    if (!read_or_reply(c, &h)) return;
    int64_t n = h ? (int64_t)hash_len(h) : 0;
    if (fn == reply_pair) reply_map(c, n);
    else reply_array(c, n);
    if (h) hash_foreach(h, fn, c);
}

static void cmd_hgetall(Client *c) { getall_generic(c, reply_pair); }
static void cmd_hkeys(Client *c) { getall_generic(c, reply_field); }
static void cmd_hvals(Client *c) { getall_generic(c, reply_value); }

/* ---------- HRANDFIELD ---------- */


typedef struct {
    Client *c;
    bool withvalues, nested; /* nested: RESP3 [field, value] pairs */
    bool guard;              /* check the pending-output limit */
} RandCtx;

static bool reply_random(void *ctx, const HashVal *f, const HashVal *v) {
    RandCtx *r = ctx;
    if (r->nested) reply_array(r->c, 2);
    reply_hval(r->c, f);
    if (r->withvalues) reply_hval(r->c, v);
    if (r->guard && UNLIKELY(reply_should_stop(r->c))) return false;
    return true;
}

/* HRANDFIELD key count [WITHVALUES]. count >= 0: distinct fields, at most
 * the hash's size; count < 0: |count| picks with repetition. A count of 1
 * (or any negative one) takes the repeating path, as in Redis. In RESP3,
 * WITHVALUES pairs are nested [field, value] arrays; in RESP2, flat. */
static void hrandfield_count(Client *c, int64_t l, bool withvalues) {
    Hash *h;
    if (!read_or_reply(c, &h)) return;
    if (!h || l == 0) {
        reply_array(c, 0);
        return;
    }
    uint64_t count = l > 0 ? (uint64_t)l : (uint64_t)(-l);
    bool flat_pairs = withvalues && c->resp == 2;
    RandCtx r = {c, withvalues, withvalues && c->resp > 2, false};
    if (l < 0 || count == 1) {
        reply_array(c, (int64_t)(flat_pairs ? count * 2 : count));
        r.guard = true;
        hash_random_pairs(h, count, false, reply_random, &r);
        return;
    }
    uint64_t size = hash_len(h), n = count < size ? count : size;
    reply_array(c, (int64_t)(flat_pairs ? n * 2 : n));
    if (count >= size) hash_foreach(h, reply_random, &r);
    else hash_random_pairs(h, count, true, reply_random, &r);
}

/* HRANDFIELD key [count [WITHVALUES]] -- without a count: one random field
 * (or null). The count is checked before the key. */
static void cmd_hrandfield(Client *c) {
    if (c->argc >= 3) {
        int64_t l;
        if (!arg_int64_or_reply(c, 2, &l)) return;
        if (l == INT64_MIN) {
            reply_error(c, "ERR value is out of range, value must between "
                           "-9223372036854775807 and 9223372036854775807");
            return;
        }
        if (c->argc > 4 || (c->argc == 4 && !arg_opt_is(c, 3, "withvalues"))) {
            reply_syntax_error(c);
            return;
        }
        bool withvalues = c->argc == 4;
        if (withvalues && (l < -INT64_MAX / 2 || l > INT64_MAX / 2)) {
            reply_error(c, "ERR value is out of range");
            return;
        }
        hrandfield_count(c, l, withvalues);
        return;
    }
    Hash *h;
    if (!read_or_reply(c, &h)) return;
    if (!h) {
        reply_null(c);
        return;
    }
    HashVal f, v;
    hash_random(h, &f, &v);
    reply_hval(c, &f);
}

/* ---------- HSCAN ---------- */


/* Pairs kept by one HSCAN call; they point into the hash, which does not
 * change while the command runs. */
typedef struct {
    const char *pat;
    size_t plen;
    uint64_t seen; /* pairs visited, matching or not (COUNT counts these) */
    HashVal *v;    /* field, value, field, value... */
    size_t n, cap;
} ScanCtx;

static bool scan_keep(void *ctx, const HashVal *f, const HashVal *v) {
    ScanCtx *s = ctx;
    s->seen++;
    if (s->pat) {
        char buf[24];
        size_t len;
        const char *str = f->s ? f->s : buf;
        len = f->s ? f->len : num_format_int64(buf, f->v);
        if (!glob_match(s->pat, s->plen, str, len, false)) return true;
    }
    if (s->n + 2 > s->cap) {
        s->cap = s->cap ? s->cap * 2 : 32;
        s->v = mem_realloc(s->v, s->cap * sizeof(HashVal));
    }
    s->v[s->n++] = *f;
    s->v[s->n++] = *v;
    return true;
}

/* HSCAN key cursor [MATCH pattern] [COUNT count] -- reply: [next cursor,
 * [field, value, ...]]. The cursor is checked first, the options only when
 * the key holds a hash. A listpack hash is returned whole with cursor 0.
 * A table is walked until COUNT pairs were seen (before MATCH filters),
 * the cursor wraps, or 20*COUNT buckets were visited (Redis doubles COUNT
 * for the pairs of a hash). */
static void cmd_hscan(Client *c) {
    uint64_t cursor;
    if (!arg_cursor_or_reply(c, 2, &cursor)) return;
    Hash *h;
    if (!read_or_reply(c, &h)) return;
    if (!h) {
        reply_array(c, 2);
        reply_bulk(c, "0", 1);
        reply_array(c, 0);
        return;
    }
    ScanCtx s = {0};
    int64_t count;
    if (!arg_scan_opts_or_reply(c, 3, &count, &s.pat, &s.plen)) return;
    uint64_t want = (uint64_t)count, steps = want > UINT64_MAX / 20 ? UINT64_MAX : want * 20;
    do cursor = hash_scan(h, cursor, scan_keep, &s);
    while (cursor && steps-- && s.seen < want);

    char num[24];
    size_t nlen = (size_t)snprintf(num, sizeof(num), "%llu", (unsigned long long)cursor);
    reply_array(c, 2);
    reply_bulk(c, num, nlen);
    reply_array(c, (int64_t)s.n);
    for (size_t i = 0; i < s.n; i++) reply_hval(c, &s.v[i]);
    mem_free(s.v);
}

/* ---------- table ---------- */

#define HASH "hash"
#define W_FAST (CMD_WRITE | CMD_DENYOOM | CMD_FAST)
#define R_FAST (CMD_READONLY | CMD_FAST)
#define ACL_WF "@write @hash @fast"
#define ACL_RF "@read @hash @fast"
#define ACL_RS "@read @hash @slow"
#define CX_ALL "O(N) where N is the size of the hash."
#define CX_HSET                                                                             \
    "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the "    \
    "command is called with multiple field/value pairs."
#define CX_HSCAN                                                                            \
    "O(1) for every call. O(N) for a complete iteration, including enough command calls "   \
    "for the cursor to return back to 0. N is the number of elements inside the "           \
    "collection.."

/* clang-format off */
Command hash_commands[] = {
    {"hset", cmd_hset, -4, W_FAST, 1, 1, 1, HASH, "Set the string value of a hash field", "2.0.0", CX_HSET, ACL_WF, NULL},
    {"hsetnx", cmd_hsetnx, 4, W_FAST, 1, 1, 1, HASH, "Set the value of a hash field, only if the field does not exist", "2.0.0", "O(1)", ACL_WF, NULL},
    {"hget", cmd_hget, 3, R_FAST, 1, 1, 1, HASH, "Get the value of a hash field", "2.0.0", "O(1)", ACL_RF, NULL},
    {"hmset", cmd_hmset, -4, W_FAST, 1, 1, 1, HASH, "Set multiple hash fields to multiple values", "2.0.0", "O(N) where N is the number of fields being set.", ACL_WF, NULL},
    {"hmget", cmd_hmget, -3, R_FAST, 1, 1, 1, HASH, "Get the values of all the given hash fields", "2.0.0", "O(N) where N is the number of fields being requested.", ACL_RF, NULL},
    {"hgetall", cmd_hgetall, 2, CMD_READONLY, 1, 1, 1, HASH, "Get all the fields and values in a hash", "2.0.0", CX_ALL, ACL_RS, NULL},
    {"hdel", cmd_hdel, -3, CMD_WRITE | CMD_FAST, 1, 1, 1, HASH, "Delete one or more hash fields", "2.0.0", "O(N) where N is the number of fields to be removed.", ACL_WF, NULL},
    {"hlen", cmd_hlen, 2, R_FAST, 1, 1, 1, HASH, "Get the number of fields in a hash", "2.0.0", "O(1)", ACL_RF, NULL},
    {"hexists", cmd_hexists, 3, R_FAST, 1, 1, 1, HASH, "Determine if a hash field exists", "2.0.0", "O(1)", ACL_RF, NULL},
    {"hincrby", cmd_hincrby, 4, W_FAST, 1, 1, 1, HASH, "Increment the integer value of a hash field by the given number", "2.0.0", "O(1)", ACL_WF, NULL},
    {"hincrbyfloat", cmd_hincrbyfloat, 4, W_FAST, 1, 1, 1, HASH, "Increment the float value of a hash field by the given amount", "2.6.0", "O(1)", ACL_WF, NULL},
    {"hkeys", cmd_hkeys, 2, CMD_READONLY, 1, 1, 1, HASH, "Get all the fields in a hash", "2.0.0", CX_ALL, ACL_RS, NULL},
    {"hvals", cmd_hvals, 2, CMD_READONLY, 1, 1, 1, HASH, "Get all the values in a hash", "2.0.0", CX_ALL, ACL_RS, NULL},
    {"hstrlen", cmd_hstrlen, 3, R_FAST, 1, 1, 1, HASH, "Get the length of the value of a hash field", "3.2.0", "O(1)", ACL_RF, NULL},
    {"hrandfield", cmd_hrandfield, -2, CMD_READONLY, 1, 1, 1, HASH, "Get one or multiple random fields from a hash", "6.2.0", "O(N) where N is the number of fields returned", ACL_RS, NULL},
    {"hscan", cmd_hscan, -3, CMD_READONLY, 1, 1, 1, HASH, "Incrementally iterate hash fields and associated values", "2.8.0", CX_HSCAN, ACL_RS, NULL},
    {0},
};
/* clang-format on */
