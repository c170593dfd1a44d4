/* core/tracking.c -- client-side caching (see tracking.h).
 *
 * Three structures:
 *  - the key table: TrackedKey (key bytes -> ids of the clients that read
 *    it), one for all databases, as Redis's. An id stays in an entry after
 *    its client turned tracking off or left: the entry goes at the key's
 *    next change, when ids are resolved (only clients with tracking on are
 *    found, in `states`).
 *  - `states`: the TrackingState of every client with tracking on, by id.
 *  - the prefixes in use by BCAST clients, sorted by bytes: each lists its
 *    clients and collects (in `keys`) the keys changed under it since the
 *    last tracking_broadcast, with the client that changed each last.
 * Invalidations for the client whose command is running wait in `pending`
 * until its reply is written (end of tracking_call). */
#include "tracking.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ds/ht.h"
#include "../ds/mem.h"
#include "command.h"
#include "config.h"
#include "keyspec.h"
#include "pubsub.h"
#include "reply.h"

size_t tracking_nclients;
size_t tracking_hot;
bool tracking_bcast_pending;

typedef struct Prefix Prefix;

typedef struct TrackingState {
    void *link;           /* `states` chain */
    uint64_t id;          /* the key in `states` */
    Client *c;
    unsigned flags;       /* TRACKING_* */
    uint64_t redir;       /* 0: none */
    Client *redir_client; /* NULL once it is gone (or never was) */
    Prefix **prefixes;    /* BCAST: sorted as the global list */
    size_t nprefix, cap;
} TrackingState;

struct Prefix {
    Client **clients;
    size_t n, cap;
    HashTable *keys;      /* ChangedKey; NULL while nothing waits */
    size_t len;
    char p[];
};

typedef struct {
    void *link;
    Client *by;           /* who changed it last (NULL: the server) */
    size_t klen;
    char key[];
} ChangedKey;

typedef struct {
    void *link;
    uint64_t *ids;
    uint32_t n, cap;
    size_t klen;
    char key[];
} TrackedKey;

typedef struct {
    char *key; /* NULL: a flush (null invalidation) */
    size_t klen;
    /* its client's redirection when queued: Redis still sends there if
     * the client turns tracking off before its reply (in a transaction) */
    uint64_t redir;
} Pending;

static HashTable *states, *table;
static size_t total_items;
static Prefix **prefixes;
static size_t nprefixes, prefixes_cap;
static Pending *pending;
static size_t npending, pending_cap;
/* The client whose command runs at the top level (a script's caller, a
 * blocked client being served), and the innermost one running a command. */
static Client *current, *executing;

/* ---------- tables ---------- */

static const char *state_key(const void *e, size_t *len) {
    *len = sizeof(uint64_t);
    return (const char *)&((const TrackingState *)e)->id;
}
static const HtType state_type = {offsetof(TrackingState, link), state_key, NULL, NULL};

static const char *tracked_key(const void *e, size_t *len) {
    const TrackedKey *k = e;
    *len = k->klen;
    return k->key;
}
static void tracked_free(void *e) {
    TrackedKey *k = e;
    total_items -= k->n;
    tracking_hot--;
    mem_free(k->ids);
    mem_free(k);
}
static const HtType tracked_type = {offsetof(TrackedKey, link), tracked_key, tracked_free, NULL};

static const char *changed_key(const void *e, size_t *len) {
    const ChangedKey *k = e;
    *len = k->klen;
    return k->key;
}
static const HtType changed_type = {offsetof(ChangedKey, link), changed_key, mem_free, NULL};

static TrackingState *state_of_id(uint64_t id) {
    return states ? ht_find(states, (const char *)&id, sizeof(id)) : NULL;
}

Client *tracking_client_by_id(uint64_t id) {
    Client *c = client_by_id(id);
    return c && !(c->flags & CLIENT_CLOSE_ASAP) ? c : NULL;
}

/* Byte order, a prefix of a string before it (radix-tree order). */
static int bytes_cmp(const char *a, size_t alen, const char *b, size_t blen) {
    int r = memcmp(a, b, alen < blen ? alen : blen);
    if (r) return r;
    return alen < blen ? -1 : alen > blen;
}

/* ---------- messages ---------- */

static void push(Client *dest, const char *head, size_t hlen, const char *body, size_t blen) {
    uint32_t saved = pubsub_unmute(dest); /* pushed even under CLIENT REPLY OFF */
    reply_raw(dest, head, hlen);
    reply_raw(dest, body, blen);
    pubsub_remute(dest, saved);
}

/* Sends one invalidation whose keys part (RESP already) is body, for
 * tracking client t: to t itself (redir 0), or to the client it redirects
 * to, id redir, r (NULL once gone). */
static void deliver(Client *t, uint64_t redir, Client *r, const char *body, size_t blen) {
    static const char push_head[] = ">2\r\n$10\r\ninvalidate\r\n";
    static const char msg_head[] = "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n";
    TrackingState *ts = t->tracking;
    Client *dest = t;
    bool redirected = false;
    if (redir) {
        if (!r || (r->flags & CLIENT_CLOSE_ASAP)) {
            if (ts) ts->flags |= TRACKING_BROKEN_REDIR;
            if (t->resp > 2) { /* RESP2 has no way to say it */
                char b[64];
                int n = snprintf(b, sizeof b, ":%llu\r\n", (unsigned long long)redir);
                static const char head[] = ">2\r\n$21\r\ntracking-redir-broken\r\n";
                push(t, head, sizeof(head) - 1, b, (size_t)n);
            }
            return;
        }
        dest = r; /* possibly t itself */
        redirected = true;
    }
    if (dest->resp > 2) push(dest, push_head, sizeof(push_head) - 1, body, blen);
    else if (redirected && (dest->flags & CLIENT_PUBSUB))
        push(dest, msg_head, sizeof(msg_head) - 1, body, blen);
    /* else a RESP2 client on its own connection: no way to tell it */
}

/* send_msg with the redirection t has now, or, when it has turned
 * tracking off since the message was queued, with redir_off (0: none). */
static void send_msg_or(Client *t, const char *body, size_t blen, uint64_t redir_off) {
    TrackingState *ts = t->tracking;
    if (ts) deliver(t, ts->redir, ts->redir_client, body, blen);
    else deliver(t, redir_off, redir_off ? client_by_id(redir_off) : NULL, body, blen);
}

static void send_msg(Client *t, const char *body, size_t blen) { send_msg_or(t, body, blen, 0); }

/* One key's invalidation (redir_off: see send_msg_or). */
static void send_key(Client *t, const char *key, size_t klen, uint64_t redir_off) {
    char small[256];
    size_t need = klen + 48;
    char *b = need <= sizeof small ? small : mem_alloc(need);
    size_t n = (size_t)snprintf(b, need, "*1\r\n$%zu\r\n", klen);
    memcpy(b + n, key, klen);
    memcpy(b + n + klen, "\r\n", 2);
    send_msg_or(t, b, n + klen + 2, redir_off);
    if (b != small) mem_free(b);
}

/* The null of a flush, in the tracking client's protocol (as Redis: even
 * when it redirects to a client that speaks the other one). */
static void send_null(Client *t, uint64_t redir_off) {
    if (t->resp > 2) send_msg_or(t, "_\r\n", 3, redir_off);
    else send_msg_or(t, "$-1\r\n", 5, redir_off);
}

static void pending_add(const char *key, size_t klen, uint64_t redir) {
    if (npending == pending_cap) {
        pending_cap = pending_cap ? pending_cap * 2 : 8;
        pending = mem_realloc(pending, pending_cap * sizeof(*pending));
    }
    pending[npending].key = key ? mem_strndup(key, klen) : NULL;
    pending[npending].klen = klen;
    pending[npending].redir = redir;
    npending++;
}

static void pending_send(Client *c) {
    for (size_t i = 0; i < npending; i++) {
        if (pending[i].key) send_key(c, pending[i].key, pending[i].klen, pending[i].redir);
        else send_null(c, pending[i].redir);
        mem_free(pending[i].key);
    }
    npending = 0;
}

/* ---------- the key table ---------- */

static void remember_key(uint64_t id, const char *key, size_t klen) {
    if (!table) table = ht_create(&tracked_type);
    TrackedKey *k = ht_find(table, key, klen);
    if (!k) {
        k = mem_calloc(sizeof(*k) + klen);
        k->klen = klen;
        memcpy(k->key, key, klen);
        ht_add_absent(table, k);
        tracking_hot++;
    }
    for (uint32_t i = 0; i < k->n; i++)
        if (k->ids[i] == id) return;
    if (k->n == k->cap) {
        k->cap = k->cap ? k->cap * 2 : 2;
        k->ids = mem_realloc(k->ids, k->cap * sizeof(uint64_t));
    }
    k->ids[k->n++] = id;
    total_items++;
}

static bool is_ro_script(const Command *cmd) {
    return !strcmp(cmd->name, "eval_ro") || !strcmp(cmd->name, "evalsha_ro") ||
           !strcmp(cmd->name, "fcall_ro");
}

/* The keys of caller's command (a script: the keys it declared), unless
 * OPTIN without CACHING yes or OPTOUT with CACHING no. */
static void remember_keys(Client *caller, const Command *cmd) {
    unsigned f = caller->tracking->flags;
    bool caching = caller->flags & CLIENT_TRACKING_CACHING;
    if (((f & TRACKING_OPTIN) && !caching) || ((f & TRACKING_OPTOUT) && caching)) return;
    if (!cmd || !cmd->keys || (cmd->flags & CMD_PUBSUB)) return;
    KeyRef *refs = NULL;
    int n = keyspec_find(cmd->keys, (const char *const *)caller->argv, caller->argl, caller->argc,
                         &refs);
    for (int i = 0; i < n; i++)
        remember_key(caller->id, caller->argv[refs[i].pos], caller->argl[refs[i].pos]);
    mem_free(refs);
}

/* The table's side of a change: its readers hear of it, the entry goes. */
static void invalidate_table(const char *key, size_t klen) {
    TrackedKey *k = table ? ht_find(table, key, klen) : NULL;
    if (!k) return;
    for (uint32_t i = 0; i < k->n; i++) {
        TrackingState *ts = state_of_id(k->ids[i]);
        /* BCAST now: keys read before the switch are not its concern */
        if (!ts || (ts->flags & TRACKING_BCAST)) continue;
        Client *t = ts->c;
        if ((ts->flags & TRACKING_NOLOOP) && t == current) continue;
        if (t == current && executing) pending_add(key, klen, ts->redir); /* after its reply */
        else send_key(t, key, klen, 0);
    }
    ht_delete(table, key, klen);
}

/* ---------- prefixes ---------- */

/* Index of the prefix in the sorted global list, or where it would go. */
static size_t prefix_pos(const char *p, size_t len, bool *found) {
    size_t lo = 0, hi = nprefixes;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int r = bytes_cmp(prefixes[mid]->p, prefixes[mid]->len, p, len);
        if (r == 0) {
            *found = true;
            return mid;
        }
        if (r < 0) lo = mid + 1;
        else hi = mid;
    }
    *found = false;
    return lo;
}

static void add_prefix(Client *c, const char *p, size_t len) {
    bool found;
    size_t at = prefix_pos(p, len, &found);
    Prefix *px;
    if (found) {
        px = prefixes[at];
    } else {
        px = mem_calloc(sizeof(*px) + len + 1);
        px->len = len;
        memcpy(px->p, p, len);
        if (nprefixes == prefixes_cap) {
            prefixes_cap = prefixes_cap ? prefixes_cap * 2 : 8;
            prefixes = mem_realloc(prefixes, prefixes_cap * sizeof(*prefixes));
        }
        memmove(prefixes + at + 1, prefixes + at, (nprefixes - at) * sizeof(*prefixes));
        prefixes[at] = px;
        nprefixes++;
        tracking_hot++;
    }
    for (size_t i = 0; i < px->n; i++)
        if (px->clients[i] == c) return;
    if (px->n == px->cap) {
        px->cap = px->cap ? px->cap * 2 : 2;
        px->clients = mem_realloc(px->clients, px->cap * sizeof(Client *));
    }
    px->clients[px->n++] = c;
    TrackingState *ts = c->tracking;
    size_t i = ts->nprefix;
    while (i > 0 && bytes_cmp(ts->prefixes[i - 1]->p, ts->prefixes[i - 1]->len, p, len) > 0) i--;
    if (ts->nprefix == ts->cap) {
        ts->cap = ts->cap ? ts->cap * 2 : 4;
        ts->prefixes = mem_realloc(ts->prefixes, ts->cap * sizeof(Prefix *));
    }
    memmove(ts->prefixes + i + 1, ts->prefixes + i, (ts->nprefix - i) * sizeof(Prefix *));
    ts->prefixes[i] = px;
    ts->nprefix++;
}

static void drop_prefix_client(Prefix *px, Client *c) {
    for (size_t i = 0; i < px->n; i++) {
        if (px->clients[i] != c) continue;
        memmove(px->clients + i, px->clients + i + 1, (px->n - i - 1) * sizeof(Client *));
        px->n--;
        break;
    }
    if (px->n) return;
    bool found;
    size_t at = prefix_pos(px->p, px->len, &found);
    ASSERT(found);
    memmove(prefixes + at, prefixes + at + 1, (nprefixes - at - 1) * sizeof(*prefixes));
    nprefixes--;
    tracking_hot--;
    if (px->keys) ht_destroy(px->keys);
    mem_free(px->clients);
    mem_free(px);
}

static void remember_changed(const char *key, size_t klen, Client *by) {
    for (size_t i = 0; i < nprefixes; i++) {
        Prefix *px = prefixes[i];
        if (px->len > klen || memcmp(px->p, key, px->len) != 0) continue;
        if (!px->keys) px->keys = ht_create(&changed_type);
        ChangedKey *k = ht_find(px->keys, key, klen);
        if (!k) {
            k = mem_alloc(sizeof(*k) + klen);
            k->klen = klen;
            memcpy(k->key, key, klen);
            ht_add_absent(px->keys, k);
        }
        k->by = by;
        tracking_bcast_pending = true;
    }
}

/* "Prefixes for a single client must not overlap": one is a prefix of the
 * other (an equal one too). */
static bool overlap(const char *a, size_t alen, const char *b, size_t blen) {
    return memcmp(a, b, alen < blen ? alen : blen) == 0;
}

static const char *collision(const Client *c, const char *const *p, const size_t *pl, size_t n,
                             char *buf, size_t buflen) {
    const TrackingState *ts = c->tracking;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; ts && j < ts->nprefix; j++) {
            const Prefix *px = ts->prefixes[j];
            if (!overlap(px->p, px->len, p[i], pl[i])) continue;
            snprintf(buf, buflen,
                     "ERR Prefix '%.*s' overlaps with an existing prefix '%.*s'. Prefixes for a "
                     "single client must not overlap.",
                     (int)strnlen(p[i], pl[i]), p[i], (int)strnlen(px->p, px->len), px->p);
            return buf;
        }
        for (size_t j = i + 1; j < n; j++) {
            if (!overlap(p[i], pl[i], p[j], pl[j])) continue;
            snprintf(buf, buflen,
                     "ERR Prefix '%.*s' overlaps with another provided prefix '%.*s'. Prefixes "
                     "for a single client must not overlap.",
                     (int)strnlen(p[i], pl[i]), p[i], (int)strnlen(p[j], pl[j]), p[j]);
            return buf;
        }
    }
    return NULL;
}

/* ---------- turning it on and off ---------- */

const char *tracking_enable(Client *c, uint64_t redir, unsigned opts, const char *const *p,
                            const size_t *pl, size_t n, char *buf, size_t buflen) {
    TrackingState *ts = c->tracking;
    if (!(opts & TRACKING_BCAST) && n) return "ERR PREFIX option requires BCAST mode to be enabled";
    if (ts && !(ts->flags & TRACKING_BCAST) != !(opts & TRACKING_BCAST))
        return "ERR You can't switch BCAST mode on/off before disabling tracking for this client, "
               "and then re-enabling it with a different mode.";
    if ((opts & TRACKING_BCAST) && (opts & (TRACKING_OPTIN | TRACKING_OPTOUT)))
        return "ERR OPTIN and OPTOUT are not compatible with BCAST";
    if ((opts & TRACKING_OPTIN) && (opts & TRACKING_OPTOUT))
        return "ERR You can't specify both OPTIN mode and OPTOUT mode";
    if (ts && (((opts & TRACKING_OPTIN) && (ts->flags & TRACKING_OPTOUT)) ||
               ((opts & TRACKING_OPTOUT) && (ts->flags & TRACKING_OPTIN))))
        return "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this "
               "client, and then re-enabling it with a different mode.";
    const char *err;
    if ((opts & TRACKING_BCAST) && (err = collision(c, p, pl, n, buf, buflen))) return err;
    if (!ts) {
        ts = c->tracking = mem_calloc(sizeof(*ts));
        ts->id = c->id;
        ts->c = c;
        if (!states) states = ht_create(&state_type);
        ht_add_absent(states, ts);
        tracking_nclients++;
    }
    ts->flags = opts & (TRACKING_BCAST | TRACKING_OPTIN | TRACKING_OPTOUT | TRACKING_NOLOOP);
    ts->redir = redir;
    ts->redir_client = redir ? tracking_client_by_id(redir) : NULL;
    if (opts & TRACKING_BCAST) {
        if (n == 0) add_prefix(c, "", 0);
        for (size_t i = 0; i < n; i++) add_prefix(c, p[i], pl[i]);
    }
    return NULL;
}

void tracking_disable(Client *c) {
    TrackingState *ts = c->tracking;
    c->flags &= ~(uint32_t)CLIENT_TRACKING_CACHING;
    if (!ts) return;
    for (size_t i = 0; i < ts->nprefix; i++) drop_prefix_client(ts->prefixes[i], c);
    mem_free(ts->prefixes);
    ht_remove(states, (const char *)&ts->id, sizeof(ts->id));
    mem_free(ts);
    c->tracking = NULL;
    tracking_nclients--;
}

bool tracking_is_on(const Client *c) { return c->tracking != NULL; }
unsigned tracking_flags(const Client *c) { return c->tracking ? c->tracking->flags : 0; }
uint64_t tracking_redirect(const Client *c) { return c->tracking ? c->tracking->redir : 0; }
size_t tracking_prefix_count(const Client *c) { return c->tracking ? c->tracking->nprefix : 0; }

void tracking_prefixes(const Client *c, void (*fn)(void *ctx, const char *p, size_t len),
                       void *ctx) {
    const TrackingState *ts = c->tracking;
    for (size_t i = 0; ts && i < ts->nprefix; i++) fn(ctx, ts->prefixes[i]->p, ts->prefixes[i]->len);
}

static void forget_redir(void *ctx, void *e) {
    TrackingState *ts = e;
    if (ts->redir_client == ctx) ts->redir_client = NULL;
}

void tracking_client_gone(Client *c) {
    tracking_disable(c);
    if (states) ht_foreach(states, forget_redir, c);
}

size_t tracking_client_mem(const Client *c) {
    const TrackingState *ts = c->tracking;
    if (!ts) return 0;
    size_t mem = sizeof(*ts) + ts->cap * sizeof(Prefix *);
    for (size_t i = 0; i < ts->nprefix; i++) mem += sizeof(Prefix) + ts->prefixes[i]->len + 1;
    return mem;
}

/* ---------- the request path ---------- */

/* tracking-table-max-keys: forgets random keys (their readers hear of it)
 * until the table is within the limit, trying harder each time it could
 * not get there, as Redis does. */
static void limit_table(void) {
    static unsigned misses;
    size_t max = (size_t)cfg.tracking_table_max_keys;
    if (!table || max == 0) return;
    if (ht_count(table) <= max) {
        misses = 0;
        return;
    }
    for (unsigned effort = 100 * (misses + 1); effort > 0; effort--) {
        TrackedKey *k = ht_random(table);
        if (!k) break;
        char small[256];
        size_t klen = k->klen;
        char *key = klen <= sizeof small ? small : mem_alloc(klen);
        memcpy(key, k->key, klen);
        invalidate_table(key, klen);
        if (key != small) mem_free(key);
        if (ht_count(table) <= max) {
            misses = 0;
            return;
        }
    }
    misses++;
}

void tracking_call(Client *c, Command *cmd) {
    bool top = command_depth == 1;
    Client *outer = executing;
    if (top) {
        current = c;
        limit_table(); /* before it runs: NOLOOP spares c, the rest go now */
    }
    executing = c;
    cmd->fn(c);
    executing = outer;
    if ((cmd->flags & CMD_READONLY) && !is_ro_script(cmd)) {
        /* a script's reads track the keys the script declared */
        Client *caller = (c->flags & CLIENT_FAKE) && current ? current : c;
        if (caller->tracking && !(caller->tracking->flags & TRACKING_BCAST))
            remember_keys(caller, caller == c ? cmd : caller->cmd);
    }
    if (top) {
        if (npending) pending_send(c);
        current = NULL;
    }
}

void tracking_before_queue(Client *c) {
    if (command_depth) return;
    current = c;
    limit_table();
    current = NULL;
}

Client *tracking_swap_current(Client *c) {
    Client *old = current;
    current = c;
    return old;
}

void tracking_after_command(Client *c, const Command *cmd) {
    if (c->flags & CLIENT_MULTI) return;
    const char *name = cmd ? (cmd->parent ? cmd->parent->name : cmd->name) : "";
    if (strcmp(name, "client") != 0) c->flags &= ~(uint32_t)CLIENT_TRACKING_CACHING;
}

void tracking_invalidate_key(const char *key, size_t klen, bool by_server) {
    if (nprefixes) remember_changed(key, klen, by_server ? NULL : executing);
    invalidate_table(key, klen);
}

static void flush_one(void *ctx, void *e) {
    UNUSED(ctx);
    TrackingState *ts = e;
    Client *t = ts->c;
    if (t == current) pending_add(NULL, 0, ts->redir);
    else send_null(t, 0);
}

void tracking_invalidate_flush(void) {
    if (states) ht_foreach(states, flush_one, NULL);
    if (table) ht_clear(table);
}

/* ---------- BCAST ---------- */

static int changed_cmp(const void *a, const void *b) {
    const ChangedKey *x = *(ChangedKey *const *)a, *y = *(ChangedKey *const *)b;
    return bytes_cmp(x->key, x->klen, y->key, y->klen);
}

typedef struct {
    ChangedKey **v;
    size_t n;
} KeyVec;

static void collect_changed(void *ctx, void *e) {
    KeyVec *kv = ctx;
    kv->v[kv->n++] = e;
}

/* The RESP array of the keys, skipping those `skip` changed last (NULL:
 * none); *count is how many went in. */
static char *keys_array(const KeyVec *kv, const Client *skip, size_t *len, size_t *count) {
    size_t n = 0, bytes = 32;
    for (size_t i = 0; i < kv->n; i++) {
        if (skip && kv->v[i]->by == skip) continue;
        n++;
        bytes += kv->v[i]->klen + 32;
    }
    *count = n;
    if (!n) return NULL;
    char *b = mem_alloc(bytes);
    size_t off = (size_t)snprintf(b, bytes, "*%zu\r\n", n);
    for (size_t i = 0; i < kv->n; i++) {
        const ChangedKey *k = kv->v[i];
        if (skip && k->by == skip) continue;
        off += (size_t)snprintf(b + off, bytes - off, "$%zu\r\n", k->klen);
        memcpy(b + off, k->key, k->klen);
        memcpy(b + off + k->klen, "\r\n", 2);
        off += k->klen + 2;
    }
    *len = off;
    return b;
}

void tracking_broadcast(void) {
    if (!tracking_bcast_pending) return;
    tracking_bcast_pending = false;
    for (size_t i = 0; i < nprefixes; i++) {
        Prefix *px = prefixes[i];
        if (!px->keys) continue;
        KeyVec kv = {mem_alloc(ht_count(px->keys) * sizeof(ChangedKey *)), 0};
        ht_foreach(px->keys, collect_changed, &kv);
        qsort(kv.v, kv.n, sizeof(*kv.v), changed_cmp);
        size_t len, count;
        char *all = keys_array(&kv, NULL, &len, &count);
        for (size_t j = 0; j < px->n; j++) {
            Client *t = px->clients[j];
            if (t->tracking->flags & TRACKING_NOLOOP) { /* not its own changes */
                size_t alen, acount;
                char *own = keys_array(&kv, t, &alen, &acount);
                if (own) send_msg(t, own, alen);
                mem_free(own);
            } else {
                send_msg(t, all, len);
            }
        }
        mem_free(all);
        mem_free(kv.v);
        ht_destroy(px->keys);
        px->keys = NULL;
    }
}

void tracking_cron(void) {
    if (tracking_nclients) limit_table();
}

size_t tracking_total_keys(void) { return table ? ht_count(table) : 0; }
size_t tracking_total_items(void) { return total_items; }
size_t tracking_total_prefixes(void) { return nprefixes; }
