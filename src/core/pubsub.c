/* core/pubsub.c -- subscription indexes and message delivery.
 * Each kind (channel, pattern, shard channel) has a server-wide Index: a
 * hash table name -> Channel plus a dense array of its Channels (PUBLISH
 * walks the patterns, PUBSUB CHANNELS walks the channels). A Channel holds
 * a dense array of Subs; each Sub is one (client, channel) pair and is also
 * in its client's own hash table, keyed by the channel name. Sub.pos and
 * Channel.pos are array positions, so unsubscribing is O(1) (swap-remove). */
#include "pubsub.h"

#include <string.h>

#include "../ds/glob.h"
#include "../ds/ht.h"
#include "../ds/mem.h"
#include "../ds/num.h"
#include "command.h"
#include "reply.h"

typedef struct Channel {
    struct Channel *link;   /* chain in Index.ht */
    struct Sub **subs;      /* subscribers, dense */
    size_t nsubs, cap;
    size_t pos;             /* index in Index.all */
    size_t len;
    char name[];
} Channel;

typedef struct Sub {
    struct Sub *link;       /* chain in the client's table */
    Channel *ch;
    Client *c;
    size_t pos;             /* index in ch->subs */
} Sub;

typedef struct {
    HashTable *ht;
    Channel **all;
    size_t n, cap;
} Index;

struct PubsubState {
    HashTable *mine[PUBSUB_KINDS]; /* name -> Sub; NULL until first use */
};

static const char *channel_key(const void *e, size_t *len) {
    const Channel *ch = e;
    *len = ch->len;
    return ch->name;
}

static const char *sub_key(const void *e, size_t *len) {
    const Sub *s = e;
    *len = s->ch->len;
    return s->ch->name;
}

static const HtType channel_type = {offsetof(Channel, link), channel_key, NULL};
static const HtType sub_type = {offsetof(Sub, link), sub_key, NULL};

static Index indexes[PUBSUB_KINDS];

/* ---- the server-wide side ------------------------------------------------ */

static Channel *channel_get(Index *ix, const char *name, size_t len) {
    if (!ix->ht) ix->ht = ht_create(&channel_type);
    Channel *ch = ht_find(ix->ht, name, len);
    if (ch) return ch;
    ch = mem_alloc(sizeof(*ch) + len + 1);
    memset(ch, 0, sizeof(*ch));
    memcpy(ch->name, name, len);
    ch->name[len] = '\0';
    ch->len = len;
    ht_add_absent(ix->ht, ch);
    if (ix->n == ix->cap) {
        ix->cap = ix->cap ? ix->cap * 2 : 16;
        ix->all = mem_realloc(ix->all, ix->cap * sizeof(*ix->all));
    }
    ch->pos = ix->n;
    ix->all[ix->n++] = ch;
    return ch;
}

/* A dense array that emptied to a quarter gives half its room back, so a
 * burst of subscribers does not pin memory. Returns the new array. */
static void *shrink(void *arr, size_t n, size_t *cap) {
    if (*cap <= 16 || n >= *cap / 4) return arr;
    *cap /= 2;
    return mem_realloc(arr, *cap * sizeof(void *));
}

/* Unlinks the channel from its index and frees it (no subscribers left). */
static void channel_drop(Index *ix, Channel *ch) {
    Channel *moved = ix->all[--ix->n];
    ix->all[ch->pos] = moved;
    moved->pos = ch->pos;
    ix->all = shrink(ix->all, ix->n, &ix->cap);
    ht_remove(ix->ht, ch->name, ch->len);
    mem_free(ch->subs);
    mem_free(ch);
    if (ix->n == 0) { /* give the memory of a burst back */
        ht_destroy(ix->ht);
        mem_free(ix->all);
        memset(ix, 0, sizeof(*ix));
    }
}

static void channel_add_sub(Channel *ch, Sub *s) {
    if (ch->nsubs == ch->cap) {
        ch->cap = ch->cap ? ch->cap * 2 : 4;
        ch->subs = mem_realloc(ch->subs, ch->cap * sizeof(*ch->subs));
    }
    s->pos = ch->nsubs;
    ch->subs[ch->nsubs++] = s;
}

/* Removes s from its channel, dropping the channel when it empties. */
static void channel_remove_sub(Index *ix, Sub *s) {
    Channel *ch = s->ch;
    Sub *moved = ch->subs[--ch->nsubs];
    ch->subs[s->pos] = moved;
    moved->pos = s->pos;
    if (ch->nsubs == 0) channel_drop(ix, ch);
    else ch->subs = shrink(ch->subs, ch->nsubs, &ch->cap);
}

/* ---- the client's side --------------------------------------------------- */

static size_t mine_count(const Client *c, PubsubKind kind) {
    return c->pubsub && c->pubsub->mine[kind] ? ht_count(c->pubsub->mine[kind]) : 0;
}

/* Leaves pub/sub mode (and frees the per-client state) once nothing is left. */
static void maybe_leave(Client *c) {
    struct PubsubState *st = c->pubsub;
    for (int k = 0; k < PUBSUB_KINDS; k++)
        if (mine_count(c, (PubsubKind)k)) return;
    c->flags &= ~CLIENT_PUBSUB;
    if (!st) return;
    for (int k = 0; k < PUBSUB_KINDS; k++)
        if (st->mine[k]) ht_destroy(st->mine[k]);
    mem_free(st);
    c->pubsub = NULL;
}

bool pubsub_subscribe(Client *c, PubsubKind kind, const char *name, size_t len) {
    if (!c->pubsub) c->pubsub = mem_calloc(sizeof(*c->pubsub));
    HashTable **mine = &c->pubsub->mine[kind];
    if (!*mine) *mine = ht_create(&sub_type);
    c->flags |= CLIENT_PUBSUB;
    if (ht_find(*mine, name, len)) return false;
    Sub *s = mem_alloc(sizeof(*s));
    s->link = NULL;
    s->c = c;
    s->ch = channel_get(&indexes[kind], name, len);
    channel_add_sub(s->ch, s);
    ht_add_absent(*mine, s);
    return true;
}

bool pubsub_unsubscribe(Client *c, PubsubKind kind, const char *name, size_t len) {
    if (!mine_count(c, kind)) return false;
    Sub *s = ht_remove(c->pubsub->mine[kind], name, len);
    if (!s) return false;
    channel_remove_sub(&indexes[kind], s);
    mem_free(s);
    maybe_leave(c);
    return true;
}

typedef struct {
    Sub **v;
    size_t n, cap;
} SubVec;

static void collect_sub(void *ctx, void *entry) {
    SubVec *sv = ctx;
    if (sv->n == sv->cap) {
        sv->cap = sv->cap ? sv->cap * 2 : 16;
        sv->v = mem_realloc(sv->v, sv->cap * sizeof(*sv->v));
    }
    sv->v[sv->n++] = entry;
}

bool pubsub_client_any(Client *c, PubsubKind kind,
                       bool (*pred)(const char *name, size_t len, void *ctx), void *ctx) {
    if (!mine_count(c, kind)) return false;
    SubVec sv = {0};
    uint64_t cursor = 0;
    do cursor = ht_scan(c->pubsub->mine[kind], cursor, collect_sub, &sv);
    while (cursor);
    bool hit = false;
    for (size_t i = 0; i < sv.n && !hit; i++) hit = pred(sv.v[i]->ch->name, sv.v[i]->ch->len, ctx);
    mem_free(sv.v);
    return hit;
}

size_t pubsub_unsubscribe_all(Client *c, PubsubKind kind, PubsubNameFn fn, void *ctx) {
    if (!mine_count(c, kind)) return 0;
    HashTable *mine = c->pubsub->mine[kind];
    SubVec sv = {0};
    uint64_t cursor = 0;
    do cursor = ht_scan(mine, cursor, collect_sub, &sv);
    while (cursor);
    Index *ix = &indexes[kind];
    for (size_t i = 0; i < sv.n; i++) {
        Sub *s = sv.v[i];
        ht_remove(mine, s->ch->name, s->ch->len);
        if (fn) {
            /* The reply needs the name and the updated counts: report
             * before the channel (which owns the name) may be freed, and
             * fix the flag afterwards. */
            fn(c, s->ch->name, s->ch->len, ctx);
        }
        channel_remove_sub(ix, s);
        mem_free(s);
    }
    mem_free(sv.v);
    maybe_leave(c);
    return sv.n;
}

void pubsub_client_free(Client *c) {
    for (int k = 0; k < PUBSUB_KINDS; k++) pubsub_unsubscribe_all(c, (PubsubKind)k, NULL, NULL);
    maybe_leave(c);
}

void pubsub_client_counts(const Client *c, size_t *channels, size_t *patterns, size_t *shard) {
    *channels = mine_count(c, PUBSUB_CHANNEL);
    *patterns = mine_count(c, PUBSUB_PATTERN);
    *shard = mine_count(c, PUBSUB_SHARD);
}

size_t pubsub_client_mem(const Client *c) {
    if (!c->pubsub) return 0;
    size_t mem = sizeof(*c->pubsub);
    for (int k = 0; k < PUBSUB_KINDS; k++) {
        const HashTable *ht = c->pubsub->mine[k];
        if (!ht) continue;
        mem += ht_count(ht) * (sizeof(Sub) + sizeof(Sub *)) + ht_buckets(ht) * sizeof(void *);
    }
    return mem;
}

size_t pubsub_channel_count(void) { return indexes[PUBSUB_CHANNEL].n; }
size_t pubsub_pattern_count(void) { return indexes[PUBSUB_PATTERN].n; }
size_t pubsub_shard_channel_count(void) { return indexes[PUBSUB_SHARD].n; }

size_t pubsub_subscribers(PubsubKind kind, const char *name, size_t len) {
    Index *ix = &indexes[kind];
    Channel *ch = ix->ht ? ht_find(ix->ht, name, len) : NULL;
    return ch ? ch->nsubs : 0;
}

void pubsub_foreach(PubsubKind kind, void (*fn)(const char *name, size_t len, void *ctx), void *ctx) {
    Index *ix = &indexes[kind];
    for (size_t i = 0; i < ix->n; i++) fn(ix->all[i]->name, ix->all[i]->len, ctx);
}

/* ---- delivery ------------------------------------------------------------ */

/* The part every frame of one PUBLISH shares: "$clen\r\nchannel\r\n$mlen\r\n
 * msg\r\n", encoded once and copied into each subscriber's buffer. */
typedef struct {
    char small[512];
    char *buf;
    size_t len;
} Tail;

static void tail_build(Tail *t, const char *channel, size_t clen, const char *msg, size_t mlen) {
    size_t need = clen + mlen + 2 * 24;
    t->buf = need <= sizeof(t->small) ? t->small : mem_alloc(need);
    char *p = t->buf;
    *p++ = '$';
    p += num_format_int64(p, (int64_t)clen);
    memcpy(p, "\r\n", 2);
    memcpy(p + 2, channel, clen);
    p += 2 + clen;
    memcpy(p, "\r\n$", 3);
    p += 3;
    p += num_format_int64(p, (int64_t)mlen);
    memcpy(p, "\r\n", 2);
    memcpy(p + 2, msg, mlen);
    p += 2 + mlen;
    memcpy(p, "\r\n", 2);
    t->len = (size_t)(p + 2 - t->buf);
}

static void tail_free(Tail *t) {
    if (t->buf != t->small) mem_free(t->buf);
}

/* A frame's fixed opening, for RESP2 ('*' array) and RESP3 ('>' push). */
typedef struct {
    const char *resp2, *resp3;
    size_t len;
} Head;

#define HEAD(name, s) static const Head name = {"*" s, ">" s, sizeof(s)}
HEAD(MESSAGE, "3\r\n$7\r\nmessage\r\n");
HEAD(PMESSAGE, "4\r\n$8\r\npmessage\r\n");
HEAD(SMESSAGE, "3\r\n$8\r\nsmessage\r\n");

/* Writes one message frame (even under CLIENT REPLY OFF, as Redis). */
static void deliver(Client *c, const Head *h, const Channel *pat, const Tail *t) {
    uint32_t quiet = pubsub_unmute(c);
    reply_raw(c, c->resp == 3 ? h->resp3 : h->resp2, h->len);
    if (pat) reply_bulk(c, pat->name, pat->len);
    reply_raw(c, t->buf, t->len);
    pubsub_remute(c, quiet);
}

static size_t deliver_all(const Channel *ch, const Head *h, const Channel *pat, const Tail *t) {
    for (size_t i = 0; i < ch->nsubs; i++) deliver(ch->subs[i]->c, h, pat, t);
    return ch->nsubs;
}

size_t pubsub_publish(const char *channel, size_t clen, const char *msg, size_t mlen) {
    Index *chans = &indexes[PUBSUB_CHANNEL], *pats = &indexes[PUBSUB_PATTERN];
    Channel *ch = chans->ht ? ht_find(chans->ht, channel, clen) : NULL;
    if (!ch && pats->n == 0) return 0;
    Tail t;
    tail_build(&t, channel, clen, msg, mlen);
    size_t n = 0;
    if (ch) n += deliver_all(ch, &MESSAGE, NULL, &t);
    for (size_t i = 0; i < pats->n; i++) {
        const Channel *p = pats->all[i];
        if (glob_match(p->name, p->len, channel, clen, false))
            n += deliver_all(p, &PMESSAGE, p, &t);
    }
    tail_free(&t);
    return n;
}

size_t pubsub_publish_shard(const char *channel, size_t clen, const char *msg, size_t mlen) {
    Index *ix = &indexes[PUBSUB_SHARD];
    Channel *ch = ix->ht ? ht_find(ix->ht, channel, clen) : NULL;
    if (!ch) return 0;
    Tail t;
    tail_build(&t, channel, clen, msg, mlen);
    size_t n = deliver_all(ch, &SMESSAGE, NULL, &t);
    tail_free(&t);
    return n;
}

bool pubsub_context_allows(const struct Command *cmd) {
    static const char *const allowed[] = {"ping",         "subscribe",  "unsubscribe",
                                          "psubscribe",   "punsubscribe", "ssubscribe",
                                          "sunsubscribe", "quit",       "reset"};
    if (cmd->parent) return false;
    for (size_t i = 0; i < ARRAY_LEN(allowed); i++)
        if (strcmp(cmd->name, allowed[i]) == 0) return true;
    return false;
}
