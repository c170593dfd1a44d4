/* core/block.c -- the blocked-keys table and the retry loop.
 * Table: (db, key) -> FIFO of waiting clients, a hash table of intrusive
 * BlockedKey entries keyed by 4 bytes of db index + the key. A client's
 * BlockState owns a copy of its command's arguments (the query buffer moves
 * on) and the list of BlockedKeys it waits on. A BlockedKey is freed once
 * no client waits on it and it is neither queued as ready nor being
 * served. */
#include "block.h"

#include <math.h>
#include <string.h>

#include "../ds/ht.h"
#include "../ds/mem.h"
#include "../ds/num.h"
#include "command.h"
#include "db.h"
#include "reply.h"
#include "stats.h"

typedef struct BlockedKey {
    struct BlockedKey *next; /* ht link */
    Client **clients;        /* FIFO: [0] waited longest */
    size_t n, cap;
    bool ready, busy;
    size_t klen;             /* of kbuf: 4 + key length */
    char kbuf[];             /* db index (4 bytes) + key */
} BlockedKey;

/* The key whose waiters block_serve_ready is retrying (NULL otherwise). */
static BlockedKey *serving;

typedef struct BlockState {
    BlockedKey **keys;
    int nkeys;
    int64_t deadline;        /* 0 = forever */
    int argc;
    const char **argv;       /* one allocation with the argument bytes */
    size_t *argl;
    size_t index;            /* in `blocked` */
    bool times_out_zero;     /* WAIT: no keys, the timeout replies :0 */
    BlockHow how;
} BlockState;

size_t block_readers;

static HashTable *table;
static void mark_ready(BlockedKey *bk);
static void add_blocked(Client *c, BlockState *bs);
static Client **blocked;
static size_t nblocked, blocked_cap;
static BlockedKey **ready;
static size_t nready, ready_cap;

static const char *bk_key(const void *e, size_t *len) {
    const BlockedKey *bk = e;
    *len = bk->klen;
    return bk->kbuf;
}

static const HtType bk_type = {
    .next_offset = offsetof(BlockedKey, next),
    .entry_key = bk_key,
    .entry_free = NULL,
};

static size_t make_kbuf(char *out, int db, const char *key, size_t klen) {
    int32_t d = db;
    memcpy(out, &d, 4);
    memcpy(out + 4, key, klen);
    return klen + 4;
}

static void free_bk_if_unused(BlockedKey *bk) {
    if (bk->n || bk->ready || bk->busy) return;
    ht_remove(table, bk->kbuf, bk->klen);
    mem_free(bk->clients);
    mem_free(bk);
}

static void push_waiter(BlockedKey *bk, Client *c) {
    if (bk->n == bk->cap) {
        bk->cap = bk->cap ? bk->cap * 2 : 4;
        bk->clients = mem_realloc(bk->clients, bk->cap * sizeof(Client *));
    }
    bk->clients[bk->n++] = c;
}

static void drop_waiter(BlockedKey *bk, Client *c) {
    for (size_t i = 0; i < bk->n; i++) {
        if (bk->clients[i] == c) {
            memmove(bk->clients + i, bk->clients + i + 1, (bk->n - i - 1) * sizeof(Client *));
            bk->n--;
            return;
        }
    }
}

/* The BlockedKey of (db, key); when absent, a new one if `create`, else
 * NULL. The table is keyed by the 4-byte db index followed by the key. */
static BlockedKey *find_bk(int db, const char *key, size_t klen, bool create) {
    char small[256];
    char *kb = klen + 4 <= sizeof(small) ? small : mem_alloc(klen + 4);
    size_t kl = make_kbuf(kb, db, key, klen);
    BlockedKey *bk = ht_find(table, kb, kl);
    if (!bk && create) {
        bk = mem_calloc(sizeof(*bk) + kl);
        bk->klen = kl;
        memcpy(bk->kbuf, kb, kl);
        ht_add(table, bk);
    }
    if (kb != small) mem_free(kb);
    return bk;
}

static BlockedKey *get_bk(int db, const char *key, size_t klen) {
    if (!table) table = ht_create(&bk_type);
    return find_bk(db, key, klen, true);
}

/* Copies the current argv into one owned allocation. */
static void save_args(BlockState *bs, const Client *c) {
    size_t bytes = 0;
    for (int i = 0; i < c->argc; i++) bytes += c->argl[i];
    size_t hdr = (size_t)c->argc * (sizeof(char *) + sizeof(size_t));
    char *mem = mem_alloc(hdr + bytes);
    bs->argv = (const char **)mem;
    bs->argl = (size_t *)(mem + (size_t)c->argc * sizeof(char *));
    char *p = mem + hdr;
    for (int i = 0; i < c->argc; i++) {
        memcpy(p, c->argv[i], c->argl[i]);
        bs->argv[i] = p;
        bs->argl[i] = c->argl[i];
        p += c->argl[i];
    }
    bs->argc = c->argc;
}

void block_on_keys(Client *c, const int *key_args, int nkeys, int64_t deadline_ms, BlockHow how) {
    if (c->flags & CLIENT_NO_BLOCK) { /* inside MULTI or a script */
        reply_null_array(c);
        return;
    }
    if (c->flags & CLIENT_REEXEC) { /* retried and still nothing: stay put */
        c->flags |= CLIENT_BLOCK_AGAIN;
        return;
    }
    BlockState *bs = mem_calloc(sizeof(*bs));
    bs->deadline = deadline_ms;
    bs->how = how;
    if (how == BLOCK_READS) block_readers++;
    bs->keys = mem_alloc(sizeof(BlockedKey *) * (size_t)nkeys);
    for (int i = 0; i < nkeys; i++) {
        BlockedKey *bk = get_bk(c->db_index, c->argv[key_args[i]], c->argl[key_args[i]]);
        bool dup = false; /* BLPOP k k: wait once */
        for (int j = 0; j < bs->nkeys; j++) dup |= bs->keys[j] == bk;
        if (dup) continue;
        bs->keys[bs->nkeys++] = bk;
        push_waiter(bk, c);
    }
    save_args(bs, c);
    add_blocked(c, bs);
}

static void add_blocked(Client *c, BlockState *bs) {
    if (nblocked == blocked_cap) {
        blocked_cap = blocked_cap ? blocked_cap * 2 : 16;
        blocked = mem_realloc(blocked, blocked_cap * sizeof(Client *));
    }
    bs->index = nblocked;
    blocked[nblocked++] = c;
    c->block = bs;
    c->flags |= CLIENT_BLOCKED;
}

void block_wait(Client *c, int64_t deadline_ms) {
    BlockState *bs = mem_calloc(sizeof(*bs));
    bs->deadline = deadline_ms;
    bs->times_out_zero = true;
    add_blocked(c, bs);
}

void block_remove(Client *c) {
    BlockState *bs = c->block;
    if (!bs) return;
    for (int i = 0; i < bs->nkeys; i++) {
        drop_waiter(bs->keys[i], c);
        free_bk_if_unused(bs->keys[i]);
    }
    if (bs->how == BLOCK_READS) block_readers--;
    Client *last = blocked[--nblocked];
    blocked[bs->index] = last;
    last->block->index = bs->index;
    mem_free(bs->keys);
    mem_free((void *)bs->argv);
    mem_free(bs);
    c->block = NULL;
    c->flags &= ~CLIENT_BLOCKED;
    c->blocked_us = 0;
}

/* Unblocks and lets the client's pipelined commands run again. */
static void finish(Client *c) {
    block_remove(c);
    client_resume(c);
}

bool block_timeout_or_reply(Client *c, int argi, int64_t *deadline_ms) {
    long double secs;
    if (!num_parse_long_double(c->argv[argi], c->argl[argi], &secs)) {
        reply_error(c, "ERR timeout is not a float or out of range");
        return false;
    }
    /* As Redis 7.0: whole milliseconds rounded up (0.0001 -> 1 ms, -0.0009
     * -> 0 = forever); a value past the int64 range converts to INT64_MIN,
     * as x86 does, so inf and 1e20 are "negative"; a deadline past int64
     * never comes (Redis's wraps around and never fires). */
    long double ms = ceill(secs * 1000.0L);
    int64_t t = ms >= -9223372036854775808.0L && ms < 9223372036854775808.0L ? (int64_t)ms
                                                                               : INT64_MIN;
    if (t < 0) {
        reply_error(c, "ERR timeout is negative");
        return false;
    }
    int64_t now = db_now();
    *deadline_ms = t == 0 || t > INT64_MAX - now ? 0 : now + t;
    return true;
}

void block_signal_key(int db_index, const char *key, size_t klen) {
    if (!table || ht_count(table) == 0) return;
    BlockedKey *bk = find_bk(db_index, key, klen, false);
    if (bk) mark_ready(bk);
}

static void mark_ready(BlockedKey *bk) {
    if (bk->ready || bk->n == 0) return;
    bk->ready = true;
    if (nready == ready_cap) {
        ready_cap = ready_cap ? ready_cap * 2 : 16;
        ready = mem_realloc(ready, ready_cap * sizeof(BlockedKey *));
    }
    ready[nready++] = bk;
}

typedef struct {
    int32_t db;
    BlockedKey **found;
    size_t n, cap;
} DbScan;

static void collect_db(void *ctx, void *entry) {
    DbScan *s = ctx;
    BlockedKey *bk = entry;
    int32_t d;
    memcpy(&d, bk->kbuf, 4);
    if (d != s->db) return;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->found = mem_realloc(s->found, s->cap * sizeof(BlockedKey *));
    }
    s->found[s->n++] = bk;
}

void block_signal_db(int db_index) {
    if (!table || ht_count(table) == 0) return;
    DbScan s = {.db = db_index};
    uint64_t cursor = 0;
    do {
        cursor = ht_scan(table, cursor, collect_db, &s);
    } while (cursor);
    for (size_t i = 0; i < s.n; i++) mark_ready(s.found[i]);
    mem_free(s.found);
}

/* Runs c's blocked command again. true if it was served (or is gone). A
 * retry is not another call: Redis counts a blocking command once in
 * commandstats and total_commands_processed, however often it was retried.
 * A client killed by CLIENT KILL is freed by the event loop later; until
 * then it must not take an element (Redis frees it at once). */
static bool retry(Client *c) {
    BlockState *bs = c->block;
    if (c->flags & CLIENT_CLOSE_ASAP) {
        block_remove(c);
        return true;
    }
    c->argc = bs->argc;
    c->argv = bs->argv;
    c->argl = bs->argl;
    c->flags |= CLIENT_REEXEC;
    uint64_t processed = stats.commands_processed;
    command_execute(c);
    if (stats.commands_processed != processed && c->last_cmd) {
        stats.commands_processed = processed;
        ((Command *)c->last_cmd)->calls--;
    }
    c->flags &= ~CLIENT_REEXEC;
    c->argc = 0;
    if (c->flags & CLIENT_BLOCK_AGAIN) {
        c->flags &= ~CLIENT_BLOCK_AGAIN;
        return false;
    }
    finish(c);
    return true;
}

const char *block_serving_key(size_t *klen) {
    if (!serving) return NULL;
    *klen = serving->klen - 4;
    return serving->kbuf + 4;
}

void block_serve_ready(void) {
    /* Not while a script is busy (its hook serves other clients): the keys
     * stay ready until it ends, so a waiter sees all of its pushes or none. */
    if (command_busy) return;
    /* Keys are served in the order they were signalled, as Redis does;
     * serving may signal more keys, which join the end of the list. */
    for (size_t i = 0; i < nready; i++) {
        BlockedKey *bk = ready[i];
        bk->ready = false;
        bk->busy = true;
        /* Serve in arrival order. A taker that finds nothing means the
         * key ran dry: the takers behind it would fail the same way and
         * are not tried. Every reader is tried (Redis serves each stream
         * waiter whose ID is behind the stream's). */
        bool dry = false;
        size_t j = 0;
        serving = bk;
        while (j < bk->n) {
            Client *w = bk->clients[j];
            bool takes = w->block->how == BLOCK_TAKES;
            if (dry && takes) {
                j++;
                continue;
            }
            if (retry(w)) continue; /* it left the list */
            if (takes) dry = true;
            j++;
        }
        serving = NULL;
        bk->busy = false;
        free_bk_if_unused(bk);
    }
    nready = 0;
}

static void reply_timeout(Client *c) {
    if (c->block->times_out_zero) reply_int(c, 0); /* WAIT: no replica acknowledged */
    else reply_null_array(c);
}

/* CLIENT UNBLOCK ends c's wait: its command counts as done now (its
 * arguments are back in c->argv for the slow log). */
static void account(Client *c, bool failed) {
    BlockState *bs = c->block;
    c->argc = bs->argc;
    c->argv = bs->argv;
    c->argl = bs->argl;
    command_unblocked(c, failed);
    c->argc = 0;
}

void block_check_timeouts(int64_t now_ms) {
    for (size_t i = nblocked; i-- > 0;) {
        if (i >= nblocked) continue;
        Client *c = blocked[i];
        int64_t d = c->block->deadline;
        if (d && d <= now_ms) {
            reply_timeout(c); /* Redis 7.0 times a timed-out command nowhere */
            finish(c);
        }
    }
}

int64_t block_next_timeout_ms(int64_t now_ms) {
    int64_t best = -1;
    for (size_t i = 0; i < nblocked; i++) {
        int64_t d = blocked[i]->block->deadline;
        if (!d) continue;
        int64_t left = d > now_ms ? d - now_ms : 0;
        if (best < 0 || left < best) best = left;
    }
    return best;
}

bool block_unblock(Client *c, bool as_error) {
    if (!c->block) return false;
    if (as_error) reply_error(c, "UNBLOCKED client unblocked via CLIENT UNBLOCK");
    else reply_timeout(c);
    account(c, as_error);
    finish(c);
    return true;
}

size_t block_count(void) { return nblocked; }
size_t block_keys_count(void) { return table ? ht_count(table) : 0; }
