/* cmd/zset.c -- sorted-set commands on members (ZADD, ZINCRBY, ZREM,
 * ZSCORE, ZRANK...), pops (ZPOPMIN... and the blocking BZPOPMIN, BZMPOP),
 * ZRANDMEMBER, ZSCAN, the helpers the other zset files share, and the
 * family's table. Replies, errors and the order of checks are Redis 7.0's.
 * The object itself (two encodings, conversion) is core/t_zset.c. An
 * Entry pointer dies at the next write to the db: a handler stores a moved
 * set back (entry_set_obj) before any db write. */
#include "zset.h"

#include <stdio.h>
#include <string.h>

#include "../core/args.h"
#include "../core/block.h"
#include "../core/command.h"
#include "../core/notify.h"
#include "../core/reply.h"
#include "../ds/glob.h"
#include "../ds/mem.h"
#include "../ds/num.h"
#include "effects.h"

/* ZRANDMEMBER with a huge negative count would grow the reply without
 * bound: its loop asks reply_should_stop (reply.h) as it goes. */

/* ---------- shared helpers ---------- */

static inline bool no_touch(const Client *c) { return c->flags & CLIENT_NO_TOUCH; }

Entry *zs_lookup_read(Client *c, int i) {
    Entry *e = db_lookup(c->db, c->argv[i], c->argl[i], no_touch(c));
    db_note_read(c->db, c->argv[i], c->argl[i], e != NULL);
    return e;
}

Entry *zs_lookup_write(Client *c, int i) {
    return db_lookup(c->db, c->argv[i], c->argl[i], no_touch(c));
}


void zs_reply_elem(Client *c, const ZsetElem *e, bool withscores) {
    if (withscores && c->resp == 3) reply_array(c, 2);
    reply_bulk(c, e->m, e->len);
    if (withscores) reply_double(c, e->score);
}

void zs_commit(Client *c, int keyi, Entry *e, Zset *z, uint64_t changes) {
    entry_set_obj(e, z);
    if (zset_len(z) == 0) { /* Redis counts the removals, not the delete */
        db_delete(c->db, c->argv[keyi], c->argl[keyi]);
        if (changes) changes--;
    }
    db_add_dirty(changes);
}

void zs_commit_notify(Client *c, int keyi, Entry *e, Zset *z, uint64_t changes,
                      const char *event) {
    bool emptied = zset_len(z) == 0;
    zs_commit(c, keyi, e, z, changes);
    if (!changes) return;
    notify_write(NOTIFY_ZSET, event, c->db_index, c->argv[keyi], c->argl[keyi]);
    if (emptied) notify_key(NOTIFY_GENERIC, "del", c->db_index, c->argv[keyi], c->argl[keyi]);
}

void zs_store_reply(Client *c, int dsti, Zset *result, const char *event) {
    size_t n = zset_len(result);
    const char *key = c->argv[dsti];
    size_t klen = c->argl[dsti];
    if (n == 0) {
        zset_free(result);
        if (db_delete(c->db, key, klen))
            notify_write(NOTIFY_GENERIC, "del", c->db_index, key, klen);
    } else { /* db_add_obj replaces a live key (and its TTL): one change */
        db_add_obj(c->db, key, klen, TYPE_ZSET, result);
        block_signal_key(c->db_index, key, klen);
        notify_write(NOTIFY_ZSET, event, c->db_index, key, klen);
    }
    reply_int(c, (int64_t)n);
}

void zs_add_done(Client *c, Entry *e, Zset *z, int64_t added, int64_t updated) {
    if (e) {
        entry_set_obj(e, z);
        db_add_dirty((uint64_t)(added + updated));
    } else if (zset_len(z)) {
        db_add_obj(c->db, c->argv[1], c->argl[1], TYPE_ZSET, z);
        if (added + updated > 1) db_add_dirty((uint64_t)(added + updated - 1));
    } else {
        zset_free(z);
    }
    if (added) block_signal_key(c->db_index, c->argv[1], c->argl[1]);
}

bool zs_read_or_reply(Client *c, int i, Zset **z) {
    Entry *e = zs_lookup_read(c, i);
    *z = NULL;
    if (!e) return true;
    if (UNLIKELY(entry_type(e) != TYPE_ZSET)) {
        reply_wrongtype(c);
        return false;
    }
    *z = entry_obj(e);
    return true;
}

/* ---------- ZADD / ZINCRBY ---------- */

/* Parses ZADD's flags from argv[2]; returns the index of the first score,
 * or 0 after an error reply. */
static int zadd_flags_or_reply(Client *c, unsigned *flags, bool *ch) {
    int i = 2;
    for (; i < c->argc; i++) {
        if (arg_opt_is(c, i, "nx")) *flags |= ZADD_NX;
        else if (arg_opt_is(c, i, "xx")) *flags |= ZADD_XX;
        else if (arg_opt_is(c, i, "ch")) *ch = true;
        else if (arg_opt_is(c, i, "incr")) *flags |= ZADD_INCR;
        else if (arg_opt_is(c, i, "gt")) *flags |= ZADD_GT;
        else if (arg_opt_is(c, i, "lt")) *flags |= ZADD_LT;
        else break;
    }
    int rest = c->argc - i;
    unsigned f = *flags;
    if (rest == 0 || rest % 2) {
        reply_syntax_error(c);
        return 0;
    }
    if ((f & ZADD_NX) && (f & ZADD_XX)) {
        reply_error(c, "ERR XX and NX options at the same time are not compatible");
        return 0;
    }
    if (((f & ZADD_GT) && (f & ZADD_NX)) || ((f & ZADD_LT) && (f & ZADD_NX)) ||
        ((f & ZADD_GT) && (f & ZADD_LT))) {
        reply_error(c, "ERR GT, LT, and/or NX options at the same time are not compatible");
        return 0;
    }
    if ((f & ZADD_INCR) && rest > 2) {
        reply_error(c, "ERR INCR option supports a single increment-element pair");
        return 0;
    }
    return i;
}

/* ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]
 * -- reply: members added (with CH: added or changed); with INCR the new
 * score, or null when NX/XX/GT/LT refused. ZINCRBY is ZADD INCR (and
 * parses the same options, so `ZINCRBY k nx m` is a syntax error). All
 * scores are parsed before anything changes. */
static void zadd_generic(Client *c, unsigned flags) {
    bool ch = false;
    int first = zadd_flags_or_reply(c, &flags, &ch);
    if (!first) return;
    size_t n = (size_t)(c->argc - first) / 2;
    double small[16], *scores = n <= 16 ? small : mem_alloc(n * sizeof(double));
    for (size_t j = 0; j < n; j++)
        if (!arg_double_or_reply(c, first + 2 * (int)j, &scores[j])) goto done;

    Entry *e = zs_lookup_write(c, 1);
    if (e && entry_type(e) != TYPE_ZSET) {
        reply_wrongtype(c);
        goto done;
    }
    int64_t added = 0, updated = 0, processed = 0;
    double score = 0;
    if (e || !(flags & ZADD_XX)) {
        Zset *z = e ? entry_obj(e) : zset_new_for(c->argl[first + 1]);
        bool nan = false;
        for (size_t j = 0; j < n; j++) {
            int mi = first + 2 * (int)j + 1;
            double newscore;
            ZaddResult r = zset_add(&z, scores[j], c->argv[mi], c->argl[mi], flags, &newscore);
            if (r == ZADD_NAN) {
                nan = true;
                break;
            }
            added += r == ZADD_ADDED;
            updated += r == ZADD_UPDATED;
            processed += r != ZADD_NOP;
            score = newscore;
        }
        zs_add_done(c, e, z, added, updated);
        if (added || updated)
            notify_write(NOTIFY_ZSET, (flags & ZADD_INCR) ? "zincr" : "zadd", c->db_index,
                         c->argv[1], c->argl[1]);
        if (nan) {
            reply_error(c, "ERR resulting score is not a number (NaN)");
            goto done;
        }
    }
    if (flags & ZADD_INCR) {
        if (processed) reply_double(c, score);
        else reply_null(c);
    } else {
        reply_int(c, ch ? added + updated : added);
    }
done:
    if (scores != small) mem_free(scores);
}

static void cmd_zadd(Client *c) { zadd_generic(c, 0); }
static void cmd_zincrby(Client *c) { zadd_generic(c, ZADD_INCR); }

/* ---------- ZREM, ZCARD, ZSCORE, ZMSCORE, ZRANK ---------- */

/* ZREM key member [member ...] -- reply: members removed. */
static void cmd_zrem(Client *c) {
    Entry *e = zs_lookup_write(c, 1);
    if (!e) {
        reply_int(c, 0);
        return;
    }
    if (entry_type(e) != TYPE_ZSET) {
        reply_wrongtype(c);
        return;
    }
    Zset *z = entry_obj(e);
    int64_t removed = 0;
    for (int i = 2; i < c->argc && zset_len(z); i++)
        removed += zset_remove(&z, c->argv[i], c->argl[i]);
    zs_commit_notify(c, 1, e, z, (uint64_t)removed, "zrem");
    reply_int(c, removed);
}

/* ZCARD key -- reply: the number of members (0 when absent). */
static void cmd_zcard(Client *c) {
    Zset *z;
    if (!zs_read_or_reply(c, 1, &z)) return;
    reply_int(c, z ? (int64_t)zset_len(z) : 0);
}

/* ZSCORE key member -- reply: the score (a double in RESP3), or null. */
static void cmd_zscore(Client *c) {
    Zset *z;
    if (!zs_read_or_reply(c, 1, &z)) return;
    double s;
    if (z && zset_score(z, c->argv[2], c->argl[2], &s)) reply_double(c, s);
    else reply_null(c);
}

/* ZMSCORE key member [member ...] -- reply: a score or null per member. */
static void cmd_zmscore(Client *c) {
    Zset *z;
    if (!zs_read_or_reply(c, 1, &z)) return;
    reply_array(c, c->argc - 2);
    for (int i = 2; i < c->argc; i++) {
        double s;
        if (z && zset_score(z, c->argv[i], c->argl[i], &s)) reply_double(c, s);
        else reply_null(c);
    }
}

/* ZRANK / ZREVRANK key member -- reply: the 0-based rank, or null. (7.0
 * has no WITHSCORE: the arity is exactly 3.) */
static void zrank_generic(Client *c, bool rev) {
    Zset *z;
    if (!zs_read_or_reply(c, 1, &z)) return;
    int64_t r = z ? zset_rank(z, c->argv[2], c->argl[2], rev) : -1;
    if (r < 0) reply_null(c);
    else reply_int(c, r);
}

static void cmd_zrank(Client *c) { zrank_generic(c, false); }
static void cmd_zrevrank(Client *c) { zrank_generic(c, true); }

/* ---------- pops ---------- */

typedef enum {
    POP_FLAT,       /* ZPOPMIN: m, s, m, s... */
    POP_NESTED,     /* ZPOPMIN with a count in RESP3: [m, s], [m, s]... */
    POP_KEY_FLAT,   /* BZPOPMIN: key, m, s */
    POP_KEY_NESTED, /* ZMPOP/BZMPOP: key, [[m, s]...] */
} PopShape;

/* Pops up to `count` elements of the set at argv[ki] (entry e, a zset)
 * from the low (or high) end and replies them in `shape`. Returns how
 * many it popped. */
static size_t pop_reply(Client *c, int ki, Entry *e, bool max, size_t count, PopShape shape) {
    Zset *z = entry_obj(e);
    size_t len = zset_len(z), n = count < len ? count : len;
    switch (shape) {
    case POP_FLAT: reply_array(c, (int64_t)(2 * n)); break;
    case POP_NESTED: reply_array(c, (int64_t)n); break;
    case POP_KEY_FLAT:
        reply_array(c, (int64_t)(2 * n + 1));
        reply_bulk(c, c->argv[ki], c->argl[ki]);
        break;
    case POP_KEY_NESTED:
        reply_array(c, 2);
        reply_bulk(c, c->argv[ki], c->argl[ki]);
        reply_array(c, (int64_t)n);
        break;
    }
    bool nested = shape == POP_NESTED || shape == POP_KEY_NESTED;
    ZsetIter it;
    ZsetElem el;
    zset_iter_rank(&it, z, 0, max);
    for (size_t i = 0; i < n && zset_iter_next(&it, &el); i++) {
        if (nested) reply_array(c, 2);
        reply_bulk(c, el.m, el.len);
        reply_double(c, el.score);
    }
    if (max) zset_delete_rank(&z, len - n, len - 1);
    else zset_delete_rank(&z, 0, n - 1);
    zs_commit_notify(c, ki, e, z, n, max ? "zpopmax" : "zpopmin");
    return n;
}

/* ZPOPMIN / ZPOPMAX key [count] -- reply: a flat member, score array; in
 * RESP3 with a count, nested pairs. count must be >= 0; 0 gives an empty
 * array (after the type check). */
static void zpop_generic(Client *c, bool max) {
    if (c->argc > 3) {
        reply_syntax_error(c);
        return;
    }
    int64_t count = -1;
    if (c->argc == 3 &&
        !arg_int64_msg_or_reply(c, 2, &count, "ERR value is out of range, must be positive"))
        return;
    if (c->argc == 3 && count < 0) {
        reply_error(c, "ERR value is out of range, must be positive");
        return;
    }
    Entry *e = zs_lookup_write(c, 1);
    if (!e) {
        reply_array(c, 0);
        return;
    }
    if (entry_type(e) != TYPE_ZSET) {
        reply_wrongtype(c);
        return;
    }
    if (count == 0) {
        reply_array(c, 0);
        return;
    }
    PopShape shape = count > 0 && c->resp == 3 ? POP_NESTED : POP_FLAT;
    pop_reply(c, 1, e, max, count < 0 ? 1 : (size_t)count, shape);
}

static void cmd_zpopmin(Client *c) { zpop_generic(c, false); }
static void cmd_zpopmax(Client *c) { zpop_generic(c, true); }

/* Pops from the first non-empty set among argv[first .. first+nkeys).
 * true if it replied (served or WRONGTYPE). When the command is retried
 * for a blocked client, a key of another type is passed over (the client
 * keeps waiting, as in Redis 7.0) rather than answered with WRONGTYPE. */
static bool pop_first(Client *c, int first, int nkeys, bool max, size_t count, PopShape shape) {
    for (int i = first; i < first + nkeys; i++) {
        Entry *e = zs_lookup_write(c, i);
        if (!e) continue;
        if (entry_type(e) != TYPE_ZSET) {
            if (c->flags & CLIENT_REEXEC) continue;
            reply_wrongtype(c);
            return true;
        }
        size_t n = pop_reply(c, i, e, max, count, shape);
        /* BZPOPMIN propagates as ZPOPMIN key, [B]ZMPOP as ZPOPMIN key <popped> */
        if (propagate_has_sink()) {
            const char *word = max ? "ZPOPMAX" : "ZPOPMIN";
            if (shape == POP_KEY_FLAT) effects_key(c, word, c->argv[i], c->argl[i]);
            else effects_key_int(c, word, c->argv[i], c->argl[i], (int64_t)n);
        }
        return true;
    }
    return false;
}

static void block_on_range(Client *c, int first, int nkeys, int64_t deadline) {
    int small[16] = {0}, *keys = nkeys <= 16 ? small : mem_alloc((size_t)nkeys * sizeof(int));
    for (int i = 0; i < nkeys; i++) keys[i] = first + i;
    block_on_keys(c, keys, nkeys, deadline, BLOCK_TAKES);
    if (keys != small) mem_free(keys);
}

/* BZPOPMIN / BZPOPMAX key [key ...] timeout -- reply: [key, member,
 * score] from the first non-empty key, else blocks; null array on timeout. */
static void bzpop_generic(Client *c, bool max) {
    int64_t deadline;
    if (!block_timeout_or_reply(c, c->argc - 1, &deadline)) return;
    if (pop_first(c, 1, c->argc - 2, max, 1, POP_KEY_FLAT)) return;
    block_on_range(c, 1, c->argc - 2, deadline);
}

static void cmd_bzpopmin(Client *c) { bzpop_generic(c, false); }
static void cmd_bzpopmax(Client *c) { bzpop_generic(c, true); }

/* Parses [B]ZMPOP's `numkeys key... MIN|MAX [COUNT count]` from argv[numi]. */
static bool mpop_args_or_reply(Client *c, int numi, int *nkeys, bool *max, int64_t *count) {
    int64_t nk;
    if (!arg_int64(c, numi, &nk) || nk <= 0) {
        reply_error(c, "ERR numkeys should be greater than 0");
        return false;
    }
    if (nk >= c->argc - numi - 1) { /* no room for MIN|MAX */
        reply_syntax_error(c);
        return false;
    }
    int wi = numi + (int)nk + 1;
    if (arg_opt_is(c, wi, "min")) *max = false;
    else if (arg_opt_is(c, wi, "max")) *max = true;
    else {
        reply_syntax_error(c);
        return false;
    }
    *count = -1;
    for (int j = wi + 1; j < c->argc; j++) {
        if (*count == -1 && arg_opt_is(c, j, "count") && j + 1 < c->argc) {
            j++;
            if (!arg_int64(c, j, count) || *count <= 0) {
                reply_error(c, "ERR count should be greater than 0");
                return false;
            }
        } else {
            reply_syntax_error(c);
            return false;
        }
    }
    if (*count == -1) *count = 1;
    *nkeys = (int)nk;
    return true;
}

/* ZMPOP numkeys key [key ...] MIN|MAX [COUNT count] -- reply: [key,
 * [[member, score]...]] from the first non-empty key, or a null array. */
static void cmd_zmpop(Client *c) {
    int nkeys;
    bool max;
    int64_t count;
    if (!mpop_args_or_reply(c, 1, &nkeys, &max, &count)) return;
    if (!pop_first(c, 2, nkeys, max, (size_t)count, POP_KEY_NESTED)) reply_null_array(c);
}

/* BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count] -- as ZMPOP,
 * blocking while every key is empty. The timeout is checked last. */
static void cmd_bzmpop(Client *c) {
    int nkeys;
    bool max;
    int64_t count, deadline;
    if (!mpop_args_or_reply(c, 2, &nkeys, &max, &count)) return;
    if (!block_timeout_or_reply(c, 1, &deadline)) return;
    if (pop_first(c, 3, nkeys, max, (size_t)count, POP_KEY_NESTED)) return;
    block_on_range(c, 3, nkeys, deadline);
}

/* ---------- ZRANDMEMBER ---------- */

typedef struct {
    Client *c;
    bool withscores, guard;
} RandCtx;

static bool reply_rand(void *ctx, const ZsetElem *e) {
    RandCtx *r = ctx;
    zs_reply_elem(r->c, e, r->withscores);
    return !(r->guard && UNLIKELY(reply_should_stop(r->c)));
}

/* ZRANDMEMBER key count [WITHSCORES]: count >= 0 distinct members (at most
 * the whole set, which comes from the highest score down); count < 0
 * |count| picks with repetition (also count 1, as in Redis). */
static void zrandmember_count(Client *c, int64_t count, bool withscores) {
    Zset *z;
    if (!zs_read_or_reply(c, 1, &z)) return;
    if (!z || count == 0) {
        reply_array(c, 0);
        return;
    }
    uint64_t want = count < 0 ? (uint64_t)0 - (uint64_t)count : (uint64_t)count;
    int64_t per = withscores && c->resp == 2 ? 2 : 1;
    size_t size = zset_len(z);
    RandCtx r = {c, withscores, false};
    if (count < 0 || count == 1) {
        r.guard = true;
        reply_array(c, (int64_t)want * per);
        zset_random_picks(z, want, reply_rand, &r);
        return;
    }
    if (want >= size) {
        reply_array(c, (int64_t)size * per);
        ZsetIter it;
        ZsetElem e;
        zset_iter_rank(&it, z, 0, true);
        while (zset_iter_next(&it, &e)) zs_reply_elem(c, &e, withscores);
        return;
    }
    reply_array(c, (int64_t)want * per);
    zset_sample(z, want, reply_rand, &r);
}

/* ZRANDMEMBER key [count [WITHSCORES]] -- without a count: one member or
 * null. The count is parsed before the key is looked up. */
static void cmd_zrandmember(Client *c) {
    if (c->argc >= 3) {
        int64_t count;
        if (!arg_int64_or_reply(c, 2, &count)) return;
        if (count == INT64_MIN) {
            reply_error(c, "ERR value is out of range, value must between "
                           "-9223372036854775807 and 9223372036854775807");
            return;
        }
        if (c->argc > 4 || (c->argc == 4 && !arg_opt_is(c, 3, "withscores"))) {
            reply_syntax_error(c);
            return;
        }
        bool withscores = c->argc == 4;
        if (withscores && (count < -INT64_MAX / 2 || count > INT64_MAX / 2)) {
            reply_error(c, "ERR value is out of range");
            return;
        }
        zrandmember_count(c, count, withscores);
        return;
    }
    Zset *z;
    if (!zs_read_or_reply(c, 1, &z)) return;
    if (!z) {
        reply_null(c);
        return;
    }
    ZsetElem e;
    zset_random(z, &e);
    reply_bulk(c, e.m, e.len);
}

/* ---------- ZSCAN ---------- */


/* Pairs gathered by one ZSCAN call, copied out: [mlen][m][slen][s]... */
typedef struct {
    const Zset *z;
    const char *pat;
    size_t plen;
    uint64_t seen;
    char *buf;
    size_t len, cap, n;
} ScanCtx;

static void scan_put(ScanCtx *s, const char *p, size_t n) {
    size_t need = sizeof(size_t) + n;
    if (s->cap - s->len < need) {
        size_t cap = s->cap ? s->cap : 256;
        while (cap - s->len < need) cap *= 2;
        s->buf = mem_realloc(s->buf, cap);
        s->cap = cap;
    }
    memcpy(s->buf + s->len, &n, sizeof(size_t));
    memcpy(s->buf + s->len + sizeof(size_t), p, n);
    s->len += need;
}

static bool scan_keep(void *ctx, const ZsetElem *e) {
    ScanCtx *s = ctx;
    s->seen++;
    if (s->pat && !glob_match(s->pat, s->plen, e->m, e->len, false)) return true;
    char num[NUM_DBL_BUF];
    size_t nl = zset_scan_score(s->z, e->score, num);
    scan_put(s, e->m, e->len);
    scan_put(s, num, nl);
    s->n++;
    return true;
}

/* ZSCAN key cursor [MATCH pattern] [COUNT count] -- reply: [cursor,
 * [member, score, ...]] with scores as bulk strings in both protocols. The
 * cursor is checked before the key, the options after it. */
static void cmd_zscan(Client *c) {
    uint64_t cursor;
    if (!arg_cursor_or_reply(c, 2, &cursor)) return;
    Zset *z;
    if (!zs_read_or_reply(c, 1, &z)) return;
    if (!z) {
        reply_array(c, 2);
        reply_bulk(c, "0", 1);
        reply_array(c, 0);
        return;
    }
    ScanCtx s = {0};
    s.z = z;
    int64_t count;
    if (!arg_scan_opts_or_reply(c, 3, &count, &s.pat, &s.plen)) return;
    uint64_t want = (uint64_t)count, steps = want > UINT64_MAX / 10 ? UINT64_MAX : want * 10;
    do cursor = zset_scan(z, cursor, scan_keep, &s);
    while (cursor && steps-- && s.seen < want);

    char num[24];
    size_t nlen = (size_t)snprintf(num, sizeof(num), "%llu", (unsigned long long)cursor);
    reply_array(c, 2);
    reply_bulk(c, num, nlen);
    reply_array(c, (int64_t)(2 * s.n));
    for (size_t off = 0; off < s.len;) {
        size_t n;
        memcpy(&n, s.buf + off, sizeof(size_t));
        reply_bulk(c, s.buf + off + sizeof(size_t), n);
        off += sizeof(size_t) + n;
    }
    mem_free(s.buf);
}

/* ---------- table ---------- */

#define ZSET "sorted-set"
#define W_FAST (CMD_WRITE | CMD_DENYOOM | CMD_FAST)
#define R_FAST (CMD_READONLY | CMD_FAST)
#define MOVABLE CMD_MOVABLE_KEYS
#define ACL_WF "@write @sortedset @fast"
#define ACL_WS "@write @sortedset @slow"
#define ACL_RF "@read @sortedset @fast"
#define ACL_RS "@read @sortedset @slow"
#define ACL_BLOCK_F "@write @sortedset @fast @blocking"
#define ACL_BLOCK_S "@write @sortedset @slow @blocking"
#define CX_LOGN "O(log(N)) with N being the number of elements in the sorted set."
#define CX_RANGE                                                                            \
    "O(log(N)+M) with N being the number of elements in the sorted set and M the number "   \
    "of elements returned."
#define CX_RANGE_BY                                                                         \
    "O(log(N)+M) with N being the number of elements in the sorted set and M the number "   \
    "of elements being returned. If M is constant (e.g. always asking for the first 10 "    \
    "elements with LIMIT), you can consider it O(log(N))."
#define CX_REMRANGE                                                                         \
    "O(log(N)+M) with N being the number of elements in the sorted set and M the number "   \
    "of elements removed by the operation."
#define CX_POP                                                                              \
    "O(log(N)*M) with N being the number of elements in the sorted set, and M being the "   \
    "number of elements popped."
#define CX_MPOP                                                                             \
    "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of "     \
    "elements in the sorted set, and M being the number of elements popped."
#define CX_DIFF                                                                             \
    "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the "     \
    "sets, N is the size of the first set, and K is the size of the result set."
#define CX_INTER                                                                            \
    "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being "    \
    "the number of input sorted sets and M being the number of elements in the resulting " \
    "sorted set."
#define CX_SCAN                                                                             \
    "O(1) for every call. O(N) for a complete iteration, including enough command calls "   \
    "for the cursor to return back to 0. N is the number of elements inside the "           \
    "collection.."

/* clang-format off */
Command zset_commands[] = {
    {"zadd", cmd_zadd, -4, W_FAST, 1, 1, 1, ZSET, "Add one or more members to a sorted set, or update its score if it already exists", "1.2.0", "O(log(N)) for each item added, where N is the number of elements in the sorted set.", ACL_WF, NULL},
    {"zincrby", cmd_zincrby, 4, W_FAST, 1, 1, 1, ZSET, "Increment the score of a member in a sorted set", "1.2.0", "O(log(N)) where N is the number of elements in the sorted set.", ACL_WF, NULL},
    {"zrem", cmd_zrem, -3, CMD_WRITE | CMD_FAST, 1, 1, 1, ZSET, "Remove one or more members from a sorted set", "1.2.0", "O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.", ACL_WF, NULL},
    {"zcard", cmd_zcard, 2, R_FAST, 1, 1, 1, ZSET, "Get the number of members in a sorted set", "1.2.0", "O(1)", ACL_RF, NULL},
    {"zscore", cmd_zscore, 3, R_FAST, 1, 1, 1, ZSET, "Get the score associated with the given member in a sorted set", "1.2.0", "O(1)", ACL_RF, NULL},
    {"zmscore", cmd_zmscore, -3, R_FAST, 1, 1, 1, ZSET, "Get the score associated with the given members in a sorted set", "6.2.0", "O(N) where N is the number of members being requested.", ACL_RF, NULL},
    {"zrank", cmd_zrank, 3, R_FAST, 1, 1, 1, ZSET, "Determine the index of a member in a sorted set", "2.0.0", "O(log(N))", ACL_RF, NULL},
    {"zrevrank", cmd_zrevrank, 3, R_FAST, 1, 1, 1, ZSET, "Determine the index of a member in a sorted set, with scores ordered from high to low", "2.0.0", "O(log(N))", ACL_RF, NULL},
    {"zcount", cmd_zcount, 4, R_FAST, 1, 1, 1, ZSET, "Count the members in a sorted set with scores within the given values", "2.0.0", CX_LOGN, ACL_RF, NULL},
    {"zlexcount", cmd_zlexcount, 4, R_FAST, 1, 1, 1, ZSET, "Count the number of members in a sorted set between a given lexicographical range", "2.8.9", CX_LOGN, ACL_RF, NULL},
    {"zrange", cmd_zrange, -4, CMD_READONLY, 1, 1, 1, ZSET, "Return a range of members in a sorted set", "1.2.0", CX_RANGE, ACL_RS, NULL},
    {"zrangestore", cmd_zrangestore, -5, CMD_WRITE | CMD_DENYOOM, 1, 2, 1, ZSET, "Store a range of members from sorted set into another key", "6.2.0", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.", ACL_WS, NULL},
    {"zrevrange", cmd_zrevrange, -4, CMD_READONLY, 1, 1, 1, ZSET, "Return a range of members in a sorted set, by index, with scores ordered from high to low", "1.2.0", CX_RANGE, ACL_RS, NULL},
    {"zrangebyscore", cmd_zrangebyscore, -4, CMD_READONLY, 1, 1, 1, ZSET, "Return a range of members in a sorted set, by score", "1.0.5", CX_RANGE_BY, ACL_RS, NULL},
    {"zrevrangebyscore", cmd_zrevrangebyscore, -4, CMD_READONLY, 1, 1, 1, ZSET, "Return a range of members in a sorted set, by score, with scores ordered from high to low", "2.2.0", CX_RANGE_BY, ACL_RS, NULL},
    {"zrangebylex", cmd_zrangebylex, -4, CMD_READONLY, 1, 1, 1, ZSET, "Return a range of members in a sorted set, by lexicographical range", "2.8.9", CX_RANGE_BY, ACL_RS, NULL},
    {"zrevrangebylex", cmd_zrevrangebylex, -4, CMD_READONLY, 1, 1, 1, ZSET, "Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.", "2.8.9", CX_RANGE_BY, ACL_RS, NULL},
    {"zremrangebyrank", cmd_zremrangebyrank, 4, CMD_WRITE, 1, 1, 1, ZSET, "Remove all members in a sorted set within the given indexes", "2.0.0", CX_REMRANGE, ACL_WS, NULL},
    {"zremrangebyscore", cmd_zremrangebyscore, 4, CMD_WRITE, 1, 1, 1, ZSET, "Remove all members in a sorted set within the given scores", "1.2.0", CX_REMRANGE, ACL_WS, NULL},
    {"zremrangebylex", cmd_zremrangebylex, 4, CMD_WRITE, 1, 1, 1, ZSET, "Remove all members in a sorted set between the given lexicographical range", "2.8.9", CX_REMRANGE, ACL_WS, NULL},
    {"zpopmin", cmd_zpopmin, -2, CMD_WRITE | CMD_FAST, 1, 1, 1, ZSET, "Remove and return members with the lowest scores in a sorted set", "5.0.0", CX_POP, ACL_WF, NULL},
    {"zpopmax", cmd_zpopmax, -2, CMD_WRITE | CMD_FAST, 1, 1, 1, ZSET, "Remove and return members with the highest scores in a sorted set", "5.0.0", CX_POP, ACL_WF, NULL},
    {"bzpopmin", cmd_bzpopmin, -3, CMD_WRITE | CMD_NOSCRIPT | CMD_BLOCKING | CMD_FAST, 1, -2, 1, ZSET, "Remove and return the member with the lowest score from one or more sorted sets, or block until one is available", "5.0.0", CX_LOGN, ACL_BLOCK_F, NULL},
    {"bzpopmax", cmd_bzpopmax, -3, CMD_WRITE | CMD_NOSCRIPT | CMD_BLOCKING | CMD_FAST, 1, -2, 1, ZSET, "Remove and return the member with the highest score from one or more sorted sets, or block until one is available", "5.0.0", CX_LOGN, ACL_BLOCK_F, NULL},
    {"zmpop", cmd_zmpop, -4, CMD_WRITE | MOVABLE, 0, 0, 0, ZSET, "Remove and return members with scores in a sorted set", "7.0.0", CX_MPOP, ACL_WS, NULL},
    {"bzmpop", cmd_bzmpop, -5, CMD_WRITE | CMD_BLOCKING | MOVABLE, 0, 0, 0, ZSET, "Remove and return members with scores in a sorted set or block until one is available", "7.0.0", CX_MPOP, ACL_BLOCK_S, NULL},
    {"zunion", cmd_zunion, -3, CMD_READONLY | MOVABLE, 0, 0, 0, ZSET, "Add multiple sorted sets", "6.2.0", "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.", ACL_RS, NULL},
    {"zinter", cmd_zinter, -3, CMD_READONLY | MOVABLE, 0, 0, 0, ZSET, "Intersect multiple sorted sets", "6.2.0", CX_INTER, ACL_RS, NULL},
    {"zdiff", cmd_zdiff, -3, CMD_READONLY | MOVABLE, 0, 0, 0, ZSET, "Subtract multiple sorted sets", "6.2.0", CX_DIFF, ACL_RS, NULL},
    {"zunionstore", cmd_zunionstore, -4, CMD_WRITE | CMD_DENYOOM | MOVABLE, 1, 1, 1, ZSET, "Add multiple sorted sets and store the resulting sorted set in a new key", "2.0.0", "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.", ACL_WS, NULL},
    {"zinterstore", cmd_zinterstore, -4, CMD_WRITE | CMD_DENYOOM | MOVABLE, 1, 1, 1, ZSET, "Intersect multiple sorted sets and store the resulting sorted set in a new key", "2.0.0", CX_INTER, ACL_WS, NULL},
    {"zdiffstore", cmd_zdiffstore, -4, CMD_WRITE | CMD_DENYOOM | MOVABLE, 1, 1, 1, ZSET, "Subtract multiple sorted sets and store the resulting sorted set in a new key", "6.2.0", CX_DIFF, ACL_WS, NULL},
    {"zintercard", cmd_zintercard, -3, CMD_READONLY | MOVABLE, 0, 0, 0, ZSET, "Intersect multiple sorted sets and return the cardinality of the result", "7.0.0", "O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.", ACL_RS, NULL},
    {"zrandmember", cmd_zrandmember, -2, CMD_READONLY, 1, 1, 1, ZSET, "Get one or multiple random elements from a sorted set", "6.2.0", "O(N) where N is the number of elements returned", ACL_RS, NULL},
    {"zscan", cmd_zscan, -3, CMD_READONLY, 1, 1, 1, ZSET, "Incrementally iterate sorted sets elements and associated scores", "2.8.0", CX_SCAN, ACL_RS, NULL},
    {0},
};
/* clang-format on */
