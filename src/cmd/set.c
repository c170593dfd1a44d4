/* cmd/set.c -- set commands: SADD SREM SMEMBERS SISMEMBER SMISMEMBER SCARD
 * SPOP SRANDMEMBER SMOVE, the algebra (SINTER SUNION SDIFF, their STORE
 * forms, SINTERCARD) and SSCAN, as Redis 7.0 replies to them: the order of
 * argument checks, lookups (keyspace hits), errors and RESP3 set shapes.
 * The set object lives in core/t_set.c. A changed set is stored back in
 * its entry (entry_set_obj) before anything else touches the keyspace, and
 * a set that becomes empty is deleted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/args.h"
#include "../core/command.h"
#include "../core/db.h"
#include "../core/notify.h"
#include "../core/reply.h"
#include "../core/t_set.h"
#include "../ds/glob.h"
#include "../ds/mem.h"
#include "../ds/num.h"
#include "effects.h"

/* ---------- shared helpers ---------- */

static inline bool no_touch(const Client *c) { return c->flags & CLIENT_NO_TOUCH; }

/* A lookup as Redis's lookupKeyRead: counts keyspace hits/misses
 * ("keymiss" on a miss). */
static inline Entry *lookup_read(Client *c, int i) {
    Entry *e = db_lookup(c->db, c->argv[i], c->argl[i], no_touch(c));
    db_note_read(c->db, c->argv[i], c->argl[i], e != NULL);
    return e;
}

/* argv[i] changed: WATCH sees it, then `event` (class s) is published,
 * and "del" when the change emptied the set. */
static void changed(Client *c, int i, const char *event, bool deleted) {
    notify_write(NOTIFY_SET, event, c->db_index, c->argv[i], c->argl[i]);
    if (deleted) notify_key(NOTIFY_GENERIC, "del", c->db_index, c->argv[i], c->argl[i]);
}

/* A lookup as lookupKeyWrite: no hit/miss counting. */
static inline Entry *lookup_write(Client *c, int i) {
    return db_lookup(c->db, c->argv[i], c->argl[i], no_touch(c));
}

/* The set of e, or NULL with WRONGTYPE sent. */
static inline Set *set_or_reply(Client *c, Entry *e) {
    if (UNLIKELY(entry_type(e) != TYPE_SET)) {
        reply_wrongtype(c);
        return NULL;
    }
    return entry_obj(e);
}

/* After changing the set of e (which held `before`): stores the moved
 * object back, or deletes the key when the set became empty (true; the
 * delete counts one change in db_dirty). */
static bool store_back(Client *c, int key_arg, Entry *e, Set *before, Set *after) {
    if (after != before) entry_set_obj(e, after);
    if (set_len(after) > 0) return false;
    db_delete(c->db, c->argv[key_arg], c->argl[key_arg]);
    return true;
}

/* Dirty counts follow Redis (SADD: members added, SREM: removed, SPOP:
 * popped, SMOVE: one plus one if added), where creating or deleting the
 * key counts nothing extra; db_add_obj and db_delete count one each, so
 * the handlers add the rest. */

static inline void reply_member(Client *c, const SetMember *m) {
    if (m->s) reply_bulk(c, m->s, m->len);
    else reply_bulk_int(c, m->v);
}

static bool reply_each(void *ctx, const SetMember *m) {
    reply_member(ctx, m);
    return true;
}

/* A new empty set in the encoding Redis's setTypeCreate picks for m. */
static Set *set_new_for_member(const SetMember *m) {
    return m->s ? set_new_for(m->s, m->len) : set_new_intset();
}

/* Members gathered before replying (the count must come first). */
typedef struct {
    SetMember *m;
    size_t n, cap;
} MemberVec;

static void vec_push(MemberVec *v, const SetMember *m) {
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 16;
        v->m = mem_realloc(v->m, v->cap * sizeof(*v->m));
    }
    v->m[v->n++] = *m;
}

/* ---------- SADD SREM SCARD SISMEMBER SMISMEMBER SMEMBERS ---------- */

/* SADD key member [member ...] -- reply: how many members were new. */
static void cmd_sadd(Client *c) {
    Entry *e = lookup_write(c, 1);
    Set *s, *before = NULL;
    if (e) {
        if (!(s = set_or_reply(c, e))) return;
        before = s;
    } else {
        s = set_new_for(c->argv[2], c->argl[2]);
    }
    int64_t added = 0;
    for (int i = 2; i < c->argc; i++) added += set_add(&s, c->argv[i], c->argl[i]);
    if (e) {
        if (s != before) entry_set_obj(e, s);
        db_add_dirty((uint64_t)added);
    } else {
        db_add_obj(c->db, c->argv[1], c->argl[1], TYPE_SET, s);
        db_add_dirty((uint64_t)added - 1);
    }
    if (added) changed(c, 1, "sadd", false);
    reply_int(c, added);
}

/* SREM key member [member ...] -- reply: how many were removed. */
static void cmd_srem(Client *c) {
    Entry *e = lookup_write(c, 1);
    if (!e) {
        reply_int(c, 0);
        return;
    }
    Set *s = set_or_reply(c, e), *before = s;
    if (!s) return;
    int64_t removed = 0;
    for (int i = 2; i < c->argc && set_len(s) > 0; i++)
        removed += set_remove(&s, c->argv[i], c->argl[i]);
    if (removed) {
        bool deleted = store_back(c, 1, e, before, s);
        db_add_dirty((uint64_t)removed - deleted);
        changed(c, 1, "srem", deleted);
    }
    reply_int(c, removed);
}

/* SCARD key -- reply: the number of members (0 for a missing key). */
static void cmd_scard(Client *c) {
    Entry *e = lookup_read(c, 1);
    if (!e) {
        reply_int(c, 0);
        return;
    }
    Set *s = set_or_reply(c, e);
    if (s) reply_int(c, (int64_t)set_len(s));
}

/* SISMEMBER key member -- reply: 1 or 0. */
static void cmd_sismember(Client *c) {
    Entry *e = lookup_read(c, 1);
    if (!e) {
        reply_int(c, 0);
        return;
    }
    Set *s = set_or_reply(c, e);
    if (s) reply_int(c, set_contains(s, c->argv[2], c->argl[2]));
}

/* SMISMEMBER key member [member ...] -- reply: an array of 1/0. */
static void cmd_smismember(Client *c) {
    Entry *e = lookup_read(c, 1);
    Set *s = NULL;
    if (e && !(s = set_or_reply(c, e))) return;
    reply_array(c, c->argc - 2);
    for (int i = 2; i < c->argc; i++) reply_int(c, s && set_contains(s, c->argv[i], c->argl[i]));
}

/* SMEMBERS key -- reply: every member (RESP3: a set; an intset ascends). */
static void cmd_smembers(Client *c) {
    Entry *e = lookup_read(c, 1);
    if (!e) {
        reply_set(c, 0);
        return;
    }
    Set *s = set_or_reply(c, e);
    if (!s) return;
    reply_set(c, (int64_t)set_len(s));
    set_foreach(s, reply_each, c);
}

/* ---------- SPOP SRANDMEMBER ---------- */

/* SPOP propagates as the SREM key member it did (Redis 7.0: one per
 * popped member; several leave in one MULTI/EXEC). */
static void propagate_srem(Client *c, const SetMember *m) {
    char num[24];
    const char *s = m->s;
    size_t len = m->len;
    if (!s) {
        len = num_format_int64(num, m->v);
        s = num;
    }
    effects_key_arg(c, "SREM", c->argv[1], c->argl[1], s, len);
}

static bool propagate_srem_each(void *ctx, const SetMember *m) {
    propagate_srem(ctx, m);
    return true;
}

/* SPOP key count, as spopWithCountCommand: everything when count covers
 * the set (through SUNION, hence one more keyspace hit); few members kept:
 * they move to a new set that replaces the old one (whose encoding may
 * thus change); otherwise count random removals. */
#define SPOP_MOVE_STRATEGY_MUL 5
static void spop_count(Client *c) {
    int64_t count;
    if (!num_parse_int64(c->argv[2], c->argl[2], &count) || count < 0) {
        reply_error(c, "ERR value is out of range, must be positive");
        return;
    }
    Entry *e = lookup_write(c, 1);
    if (!e) {
        reply_set(c, 0);
        return;
    }
    Set *s = set_or_reply(c, e), *before = s;
    if (!s) return;
    if (count == 0) {
        reply_set(c, 0);
        return;
    }
    size_t size = set_len(s);
    if ((uint64_t)count >= size) {
        db_stat_hit(true);
        reply_set(c, (int64_t)size);
        set_foreach(s, reply_each, c);
        db_delete(c->db, c->argv[1], c->argl[1]);
        changed(c, 1, "spop", true);
        if (propagate_has_sink()) effects_key(c, "DEL", c->argv[1], c->argl[1]);
        return;
    }
    bool prop = propagate_has_sink();
    if (prop) propagate_unit_begin();
    size_t n = (size_t)count, remaining = size - n;
    if (remaining * SPOP_MOVE_STRATEGY_MUL > n) {
        SetMember *pick = mem_alloc(n * sizeof(*pick));
        set_sample(s, n, pick);
        reply_set(c, (int64_t)n);
        for (size_t i = 0; i < n; i++) reply_member(c, &pick[i]);
        for (size_t i = 0; prop && i < n; i++) propagate_srem(c, &pick[i]);
        set_remove_members(&s, pick, n);
        mem_free(pick);
        store_back(c, 1, e, before, s);
    } else {
        SetMember *keep = mem_alloc(remaining * sizeof(*keep));
        set_sample(s, remaining, keep);
        Set *kept = set_new_for_member(&keep[0]);
        for (size_t i = 0; i < remaining; i++) set_add_member(&kept, &keep[i]);
        set_remove_members(&s, keep, remaining);
        mem_free(keep);
        reply_set(c, (int64_t)n);
        set_foreach(s, reply_each, c);
        if (prop) set_foreach(s, propagate_srem_each, c);
        entry_set_obj(e, kept);
        set_free(s);
    }
    if (prop) propagate_unit_end();
    db_add_dirty(n);
    changed(c, 1, "spop", false);
}

/* SPOP key [count] -- reply: a random member removed (null when missing),
 * or with a count a set of up to count members. */
static void cmd_spop(Client *c) {
    if (c->argc == 3) {
        spop_count(c);
        return;
    }
    if (c->argc > 3) {
        reply_syntax_error(c);
        return;
    }
    Entry *e = lookup_write(c, 1);
    if (!e) {
        reply_null(c);
        return;
    }
    Set *s = set_or_reply(c, e), *before = s;
    if (!s) return;
    SetMember m = set_random(s);
    reply_member(c, &m);
    if (propagate_has_sink()) propagate_srem(c, &m); /* before m dies with the member */
    set_remove_members(&s, &m, 1);
    bool deleted = store_back(c, 1, e, before, s);
    if (!deleted) db_add_dirty(1);
    changed(c, 1, "spop", deleted);
}

/* Negative counts repeat members: the reply can be far bigger than the
 * set, so the loop asks reply_should_stop (see reply.h) as it goes. */
static void srandmember_repeat(Client *c, const Set *s, uint64_t n) {
    reply_array(c, (int64_t)n);
    for (uint64_t i = 0; i < n; i++) {
        if ((i & 1023) == 1023) {
            if (reply_should_stop(c)) return;
        }
        SetMember m = set_random(s);
        reply_member(c, &m);
    }
}

/* SRANDMEMBER key count: distinct members for count >= 0 (the whole set
 * in its order when count covers it), |count| members with repetition
 * for count < 0. */
static void srandmember_count(Client *c) {
    int64_t count;
    if (!arg_int64_or_reply(c, 2, &count)) return;
    if (count == INT64_MIN) {
        reply_error(c, "ERR value is out of range, value must between -9223372036854775807 and "
                       "9223372036854775807");
        return;
    }
    Entry *e = lookup_read(c, 1);
    if (!e) {
        reply_array(c, 0);
        return;
    }
    Set *s = set_or_reply(c, e);
    if (!s) return;
    if (count == 0) {
        reply_array(c, 0);
        return;
    }
    if (count < 0) {
        srandmember_repeat(c, s, (uint64_t)-count);
        return;
    }
    size_t size = set_len(s);
    if ((uint64_t)count >= size) {
        reply_array(c, (int64_t)size);
        set_foreach(s, reply_each, c);
        return;
    }
    size_t n = (size_t)count;
    SetMember *pick = mem_alloc(n * sizeof(*pick));
    set_sample(s, n, pick);
    reply_array(c, (int64_t)n);
    for (size_t i = 0; i < n; i++) reply_member(c, &pick[i]);
    mem_free(pick);
}

/* SRANDMEMBER key [count] -- reply: a random member (null when missing),
 * or with a count an array. */
static void cmd_srandmember(Client *c) {
    if (c->argc == 3) {
        srandmember_count(c);
        return;
    }
    if (c->argc > 3) {
        reply_syntax_error(c);
        return;
    }
    Entry *e = lookup_read(c, 1);
    if (!e) {
        reply_null(c);
        return;
    }
    Set *s = set_or_reply(c, e);
    if (!s) return;
    SetMember m = set_random(s);
    reply_member(c, &m);
}

/* ---------- SMOVE ---------- */

static inline bool same_arg(const Client *c, int a, int b) {
    return c->argl[a] == c->argl[b] && memcmp(c->argv[a], c->argv[b], c->argl[a]) == 0;
}

/* SMOVE source destination member -- reply: 1 if moved, 0 if the member
 * (or the source) was not there. The destination's type is checked
 * before the member; source == destination only checks membership. */
static void cmd_smove(Client *c) {
    Entry *se = lookup_write(c, 1);
    Entry *de = lookup_write(c, 2);
    if (!se) {
        reply_int(c, 0);
        return;
    }
    Set *s = set_or_reply(c, se), *before = s;
    if (!s) return;
    if (de && entry_type(de) != TYPE_SET) {
        reply_wrongtype(c);
        return;
    }
    const char *m = c->argv[3];
    size_t mlen = c->argl[3];
    if (same_arg(c, 1, 2)) {
        reply_int(c, set_contains(s, m, mlen));
        return;
    }
    if (!set_remove(&s, m, mlen)) {
        reply_int(c, 0);
        return;
    }
    uint64_t counted = store_back(c, 1, se, before, s);
    changed(c, 1, "srem", counted); /* Redis's order: srem, del, new, sadd */
    if (counted) de = lookup_write(c, 2); /* the delete may have moved it */
    bool added;
    if (de) {
        Set *d = entry_obj(de), *dbefore = d;
        added = set_add(&d, m, mlen);
        if (d != dbefore) entry_set_obj(de, d);
    } else {
        Set *d = set_new_for(m, mlen);
        added = set_add(&d, m, mlen);
        db_add_obj(c->db, c->argv[2], c->argl[2], TYPE_SET, d);
        counted++;
    }
    db_add_dirty(1 + added - counted);
    if (added) changed(c, 2, "sadd", false);
    reply_int(c, 1);
}

/* ---------- SINTER SUNION SDIFF and friends ---------- */

/* The sets at argv[first .. first+n), looked up for reading (Redis checks
 * every key's type, also after a missing one). sets[i] is NULL for a
 * missing key and *missing counts them. false: WRONGTYPE sent. */
static bool load_sets_or_reply(Client *c, int first, int n, const Set **sets, int *missing) {
    *missing = 0;
    for (int i = 0; i < n; i++) {
        Entry *e = lookup_read(c, first + i);
        if (!e) {
            sets[i] = NULL;
            (*missing)++;
            continue;
        }
        if (!(sets[i] = set_or_reply(c, e))) return false;
    }
    return true;
}

/* Replaces the key at argv[dst] (any type; its TTL goes) with `result`,
 * or deletes it when the result is empty, and replies with the result's
 * size. One change either way, as Redis counts it: db_add_obj replaces a
 * live key in one step. */
static void store_result(Client *c, int dst, Set *result, const char *event) {
    size_t n = result ? set_len(result) : 0;
    if (n > 0) {
        db_add_obj(c->db, c->argv[dst], c->argl[dst], TYPE_SET, result);
        changed(c, dst, event, false);
    } else {
        if (result) set_free(result);
        if (db_delete(c->db, c->argv[dst], c->argl[dst]))
            notify_write(NOTIFY_GENERIC, "del", c->db_index, c->argv[dst], c->argl[dst]);
    }
    reply_int(c, (int64_t)n);
}

/* A small array on the stack, or on the heap when the command has many
 * keys. */
#define STACK_SETS 16
static const Set **sets_alloc(const Set **stack, int n) {
    return n <= STACK_SETS ? stack : mem_alloc((size_t)n * sizeof(*stack));
}
static void sets_release(const Set **stack, const Set **sets) {
    if (sets != stack) mem_free(sets);
}

typedef enum { INTER_REPLY, INTER_STORE, INTER_CARD } InterMode;

typedef struct {
    const Set **sets;   /* sorted by size; sets[0] is iterated */
    int n;
    InterMode mode;
    uint64_t limit;     /* INTER_CARD: stop at this count (0: none) */
    uint64_t count;
    MemberVec found;    /* INTER_REPLY */
    Set *result;        /* INTER_STORE */
} Inter;

static bool inter_visit(void *ctx, const SetMember *m) {
    Inter *in = ctx;
    for (int j = 1; j < in->n; j++) {
        /* The same key again: trivially a member, and a lookup would
         * advance the rehash of the table being walked. */
        if (in->sets[j] == in->sets[0]) continue;
        if (!set_contains_member(in->sets[j], m)) return true;
    }
    in->count++;
    if (in->mode == INTER_REPLY) vec_push(&in->found, m);
    else if (in->mode == INTER_STORE) set_add_member(&in->result, m);
    return in->mode != INTER_CARD || in->limit == 0 || in->count < in->limit;
}

typedef struct {
    const Set *s;
    size_t len;
    int pos;
} BySize;

static int by_size(const void *a, const void *b) {
    const BySize *x = a, *y = b;
    if (x->len != y->len) return x->len < y->len ? -1 : 1;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

/* Smallest set first (stable, as Redis's qsort is here), so the walk
 * and its reply order follow the smallest set. */
static void sort_by_size(const Set **sets, int n) {
    BySize *t = mem_alloc((size_t)n * sizeof(*t));
    for (int i = 0; i < n; i++) t[i] = (BySize){sets[i], set_len(sets[i]), i};
    qsort(t, (size_t)n, sizeof(*t), by_size);
    for (int i = 0; i < n; i++) sets[i] = t[i].s;
    mem_free(t);
}

/* The intersection of the keys at argv[first .. first+n): replied as a
 * set, stored at argv[dst], or counted (up to limit). A missing key makes
 * it empty. */
static void inter_generic(Client *c, int first, int n, InterMode mode, int dst, uint64_t limit) {
    const Set *stack[STACK_SETS], **sets = sets_alloc(stack, n);
    int missing;
    if (!load_sets_or_reply(c, first, n, sets, &missing)) goto done;
    if (missing) {
        if (mode == INTER_STORE) store_result(c, dst, NULL, "sinterstore");
        else if (mode == INTER_CARD) reply_int(c, 0);
        else reply_set(c, 0);
        goto done;
    }
    sort_by_size(sets, n);
    Inter in = {sets, n, mode, limit, 0, {NULL, 0, 0}, NULL};
    if (mode == INTER_STORE) in.result = set_new_intset();
    set_foreach(sets[0], inter_visit, &in);
    if (mode == INTER_STORE) {
        store_result(c, dst, in.result, "sinterstore");
    } else if (mode == INTER_CARD) {
        reply_int(c, (int64_t)in.count);
    } else {
        reply_set(c, (int64_t)in.found.n);
        for (size_t i = 0; i < in.found.n; i++) reply_member(c, &in.found.m[i]);
        mem_free(in.found.m);
    }
done:
    sets_release(stack, sets);
}

/* SINTER key [key ...] (and SMEMBERS' shape) -- reply: a set. */
static void cmd_sinter(Client *c) { inter_generic(c, 1, c->argc - 1, INTER_REPLY, 0, 0); }

/* SINTERSTORE destination key [key ...] -- reply: the result's size. */
static void cmd_sinterstore(Client *c) { inter_generic(c, 2, c->argc - 2, INTER_STORE, 1, 0); }

/* SINTERCARD numkeys key [key ...] [LIMIT limit] -- reply: the size of
 * the intersection, counting stops at limit (0: no limit). */
static void cmd_sintercard(Client *c) {
    int64_t numkeys, limit = 0;
    if (!num_parse_int64(c->argv[1], c->argl[1], &numkeys) || numkeys < 1) {
        reply_error(c, "ERR numkeys should be greater than 0");
        return;
    }
    if (numkeys > c->argc - 2) {
        reply_error(c, "ERR Number of keys can't be greater than number of args");
        return;
    }
    for (int i = 2 + (int)numkeys; i < c->argc; i++) {
        if (arg_is(c, i, "limit") && i + 1 < c->argc) {
            i++;
            if (!num_parse_int64(c->argv[i], c->argl[i], &limit) || limit < 0) {
                reply_error(c, "ERR LIMIT can't be negative");
                return;
            }
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    inter_generic(c, 2, (int)numkeys, INTER_CARD, 0, (uint64_t)limit);
}

static bool add_to_result(void *ctx, const SetMember *m) {
    set_add_member(ctx, m);
    return true;
}

typedef struct {
    const Set **sets;
    int n;
    Set *result;
} Diff;

static bool diff_visit(void *ctx, const SetMember *m) {
    Diff *d = ctx;
    for (int j = 1; j < d->n; j++)
        if (d->sets[j] && set_contains_member(d->sets[j], m)) return true;
    set_add_member(&d->result, m);
    return true;
}

/* The union or difference of the keys at argv[first .. first+n) as a new
 * set built like Redis builds it (an intset while it can be, so a result
 * of integers replies in ascending order), replied or stored at argv[dst]
 * (dst 0: reply). Missing keys are empty sets. */
static void union_diff_generic(Client *c, int first, int n, bool diff, int dst) {
    const Set *stack[STACK_SETS], **sets = sets_alloc(stack, n);
    int missing;
    if (!load_sets_or_reply(c, first, n, sets, &missing)) goto done;
    Set *result = set_new_intset();
    if (diff) {
        /* The first key repeated makes the difference empty, and a walk
         * must not look members up in the table it walks. */
        bool repeated = false;
        for (int j = 1; j < n && sets[0]; j++) repeated |= sets[j] == sets[0];
        Diff d = {sets, n, result};
        if (sets[0] && !repeated) set_foreach(sets[0], diff_visit, &d);
        result = d.result;
    } else {
        for (int i = 0; i < n; i++)
            if (sets[i]) set_foreach(sets[i], add_to_result, &result);
    }
    if (dst) {
        store_result(c, dst, result, diff ? "sdiffstore" : "sunionstore");
    } else {
        reply_set(c, (int64_t)set_len(result));
        set_foreach(result, reply_each, c);
        set_free(result);
    }
done:
    sets_release(stack, sets);
}

static void cmd_sunion(Client *c) { union_diff_generic(c, 1, c->argc - 1, false, 0); }
static void cmd_sunionstore(Client *c) { union_diff_generic(c, 2, c->argc - 2, false, 1); }
static void cmd_sdiff(Client *c) { union_diff_generic(c, 1, c->argc - 1, true, 0); }
static void cmd_sdiffstore(Client *c) { union_diff_generic(c, 2, c->argc - 2, true, 1); }

/* ---------- SSCAN ---------- */


static bool collect_member(void *ctx, const SetMember *m) {
    vec_push(ctx, m);
    return true;
}

static bool member_matches(const SetMember *m, const char *pat, size_t plen) {
    char buf[24];
    const char *s = m->s;
    size_t len = m->len;
    if (!s) {
        len = num_format_int64(buf, m->v);
        s = buf;
    }
    return glob_match(pat, plen, s, len, false);
}

/* SSCAN key cursor [MATCH pattern] [COUNT count] -- reply: [next cursor,
 * [members]]. Like Redis: the cursor is checked first, a missing key
 * replies an empty scan before the options are read, an intset returns
 * everything at once with cursor 0, and a table is walked until COUNT
 * members were seen or COUNT*10 buckets were visited; MATCH filters
 * afterwards. */
static void cmd_sscan(Client *c) {
    uint64_t cursor;
    if (!arg_cursor_or_reply(c, 2, &cursor)) return;
    Entry *e = lookup_read(c, 1);
    if (!e) {
        reply_array(c, 2);
        reply_bulk(c, "0", 1);
        reply_array(c, 0);
        return;
    }
    Set *s = set_or_reply(c, e);
    if (!s) return;
    int64_t count;
    const char *pat;
    size_t plen;
    if (!arg_scan_opts_or_reply(c, 3, &count, &pat, &plen)) return;
    MemberVec seen = {NULL, 0, 0};
    if (set_is_intset(s)) {
        cursor = set_scan(s, cursor, collect_member, &seen);
    } else {
        uint64_t steps = (uint64_t)count > UINT64_MAX / 10 ? UINT64_MAX : (uint64_t)count * 10;
        do cursor = set_scan(s, cursor, collect_member, &seen);
        while (cursor && steps-- && seen.n < (uint64_t)count);
    }
    size_t kept = 0;
    for (size_t i = 0; i < seen.n; i++)
        if (!pat || member_matches(&seen.m[i], pat, plen)) seen.m[kept++] = seen.m[i];
    char num[24];
    size_t nlen = (size_t)snprintf(num, sizeof(num), "%llu", (unsigned long long)cursor);
    reply_array(c, 2);
    reply_bulk(c, num, nlen);
    reply_array(c, (int64_t)kept);
    for (size_t i = 0; i < kept; i++) reply_member(c, &seen.m[i]);
    mem_free(seen.m);
}

/* ---------- table ---------- */

#define SET "set"
#define W_FAST (CMD_WRITE | CMD_DENYOOM | CMD_FAST)
#define ACL_WF "@write @set @fast"
#define ACL_WS "@write @set @slow"
#define ACL_RF "@read @set @fast"
#define ACL_RS "@read @set @slow"
#define CX_INTER "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets."
#define CX_TOTAL "O(N) where N is the total number of elements in all given sets."

/* clang-format off */
Command set_commands[] = {
    {"sadd", cmd_sadd, -3, W_FAST, 1, 1, 1, SET, "Add one or more members to a set", "1.0.0", "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.", ACL_WF, NULL},
    {"srem", cmd_srem, -3, CMD_WRITE | CMD_FAST, 1, 1, 1, SET, "Remove one or more members from a set", "1.0.0", "O(N) where N is the number of members to be removed.", ACL_WF, NULL},
    {"smembers", cmd_smembers, 2, CMD_READONLY, 1, 1, 1, SET, "Get all the members in a set", "1.0.0", "O(N) where N is the set cardinality.", ACL_RS, NULL},
    {"sismember", cmd_sismember, 3, CMD_READONLY | CMD_FAST, 1, 1, 1, SET, "Determine if a given value is a member of a set", "1.0.0", "O(1)", ACL_RF, NULL},
    {"smismember", cmd_smismember, -3, CMD_READONLY | CMD_FAST, 1, 1, 1, SET, "Returns the membership associated with the given elements for a set", "6.2.0", "O(N) where N is the number of elements being checked for membership", ACL_RF, NULL},
    {"scard", cmd_scard, 2, CMD_READONLY | CMD_FAST, 1, 1, 1, SET, "Get the number of members in a set", "1.0.0", "O(1)", ACL_RF, NULL},
    {"spop", cmd_spop, -2, CMD_WRITE | CMD_FAST, 1, 1, 1, SET, "Remove and return one or multiple random members from a set", "1.0.0", "Without the count argument O(1), otherwise O(N) where N is the value of the passed count.", ACL_WF, NULL},
    {"srandmember", cmd_srandmember, -2, CMD_READONLY, 1, 1, 1, SET, "Get one or multiple random members from a set", "1.0.0", "Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.", ACL_RS, NULL},
    {"smove", cmd_smove, 4, CMD_WRITE | CMD_FAST, 1, 2, 1, SET, "Move a member from one set to another", "1.0.0", "O(1)", ACL_WF, NULL},
    {"sinter", cmd_sinter, -2, CMD_READONLY, 1, -1, 1, SET, "Intersect multiple sets", "1.0.0", CX_INTER, ACL_RS, NULL},
    {"sintercard", cmd_sintercard, -3, CMD_READONLY | CMD_MOVABLE_KEYS, 0, 0, 0, SET, "Intersect multiple sets and return the cardinality of the result", "7.0.0", CX_INTER, ACL_RS, NULL},
    {"sinterstore", cmd_sinterstore, -3, CMD_WRITE | CMD_DENYOOM, 1, -1, 1, SET, "Intersect multiple sets and store the resulting set in a key", "1.0.0", CX_INTER, ACL_WS, NULL},
    {"sunion", cmd_sunion, -2, CMD_READONLY, 1, -1, 1, SET, "Add multiple sets", "1.0.0", CX_TOTAL, ACL_RS, NULL},
    {"sunionstore", cmd_sunionstore, -3, CMD_WRITE | CMD_DENYOOM, 1, -1, 1, SET, "Add multiple sets and store the resulting set in a key", "1.0.0", CX_TOTAL, ACL_WS, NULL},
    {"sdiff", cmd_sdiff, -2, CMD_READONLY, 1, -1, 1, SET, "Subtract multiple sets", "1.0.0", CX_TOTAL, ACL_RS, NULL},
    {"sdiffstore", cmd_sdiffstore, -3, CMD_WRITE | CMD_DENYOOM, 1, -1, 1, SET, "Subtract multiple sets and store the resulting set in a key", "1.0.0", CX_TOTAL, ACL_WS, NULL},
    {"sscan", cmd_sscan, -3, CMD_READONLY, 1, 1, 1, SET, "Incrementally iterate Set elements", "2.8.0", "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..", ACL_RS, NULL},
    {0},
};
/* clang-format on */
