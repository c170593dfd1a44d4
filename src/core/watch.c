/* core/watch.c -- WATCH bookkeeping. Each database has a table of watched
 * keys (only while someone watches there); a WatchedKey lists its Watchers,
 * and a client's WatchState lists the same Watchers, so both "who watches
 * this key" (on every write) and "what does this client watch" (EXEC,
 * UNWATCH, disconnect) are direct. A Watcher belongs to both lists; a
 * WatchedKey lives while it has watchers. Nothing is held when nobody
 * watches: the tables and the per-db array are freed with the last key. */
#include "watch.h"

#include <string.h>

#include "../ds/ht.h"
#include "../ds/mem.h"
#include "db.h"

#ifdef KILAT_CHECKS
uint64_t watch_touches;
#endif
size_t watch_nkeys;

typedef struct WatchedKey WatchedKey;

typedef struct Watcher {
    Client *c;
    WatchedKey *wk;
    bool expired; /* stored but past its TTL when watched (Redis 7.0) */
} Watcher;

struct WatchedKey {
    void *link;                 /* the table's chain */
    WatchedKey *prev, *next;    /* the database's list (FLUSH/SWAPDB walk it) */
    Watcher **w;
    uint32_t n, cap;
    int db;
    size_t klen;
    char key[];
};

typedef struct WatchState {
    Watcher **w;
    size_t n, cap;
} WatchState;

typedef struct {
    HashTable *ht;
    WatchedKey *head;
} DbWatch;

static DbWatch *dbw; /* db_count_dbs() entries while watch_nkeys > 0 */

static const char *wk_key(const void *entry, size_t *len) {
    const WatchedKey *wk = entry;
    *len = wk->klen;
    return wk->key;
}

static void wk_free(void *entry) {
    WatchedKey *wk = entry;
    mem_free(wk->w);
    mem_free(wk);
}

static const HtType wk_type = {offsetof(WatchedKey, link), wk_key, wk_free};

static void dirty(Watcher *w) { w->c->flags |= CLIENT_DIRTY_CAS; }

static DbKeyState key_state(int db_index, const WatchedKey *wk) {
    return db_key_state(db_get(db_index), wk->key, wk->klen);
}

static void touch_watchers(int db_index, const char *key, size_t klen) {
    if (!dbw || !dbw[db_index].ht) return;
    WatchedKey *wk = ht_find(dbw[db_index].ht, key, klen);
    if (!wk) return;
    for (uint32_t i = 0; i < wk->n; i++) {
        Watcher *w = wk->w[i];
        /* Deleting a key that had already expired when watched (the
         * expiry itself) changes nothing the watcher saw. */
        if (w->expired && key_state(db_index, wk) == DB_KEY_ABSENT) {
            w->expired = false;
            continue;
        }
        dirty(w);
    }
}

void watch_touch_slow(int db_index, const char *key, size_t klen, bool by_server) {
    touch_watchers(db_index, key, klen);
    if (tracking_hot) tracking_invalidate_key(key, klen, by_server);
}

void watch_touch_flush(int db_index) {
    if (!dbw) return;
    for (WatchedKey *wk = dbw[db_index].head; wk; wk = wk->next) {
        if (key_state(db_index, wk) == DB_KEY_ABSENT) continue;
        for (uint32_t i = 0; i < wk->n; i++) {
            Watcher *w = wk->w[i];
            if (w->expired) w->expired = false; /* expired, now deleted: no change */
            else dirty(w);
        }
    }
}

/* The watchers of database `emptied` see the contents of `with` next. */
static void touch_replaced(int emptied, int with) {
    for (WatchedKey *wk = dbw[emptied].head; wk; wk = wk->next) {
        DbKeyState here = key_state(emptied, wk), there = key_state(with, wk);
        if (here == DB_KEY_ABSENT && there == DB_KEY_ABSENT) continue;
        for (uint32_t i = 0; i < wk->n; i++) {
            Watcher *w = wk->w[i];
            if (w->expired) {
                if (there == DB_KEY_ABSENT) {
                    w->expired = false; /* expired, now gone: no change */
                    continue;
                }
                if (there == DB_KEY_EXPIRED) continue; /* still expired */
            } else if (here == DB_KEY_ABSENT && there == DB_KEY_EXPIRED) {
                w->expired = true; /* absent, replaced by an expired key */
                continue;
            }
            dirty(w);
        }
    }
}

void watch_touch_swap(int a, int b) {
    if (!dbw || a == b) return;
    touch_replaced(a, b);
    touch_replaced(b, a);
}

static WatchedKey *key_add(int db_index, const char *key, size_t klen) {
    if (!dbw) dbw = mem_calloc(sizeof(*dbw) * (size_t)db_count_dbs());
    DbWatch *d = &dbw[db_index];
    if (!d->ht) d->ht = ht_create(&wk_type);
    WatchedKey *wk = mem_calloc(sizeof(*wk) + klen);
    wk->db = db_index;
    wk->klen = klen;
    memcpy(wk->key, key, klen);
    ht_add_absent(d->ht, wk);
    wk->next = d->head;
    if (d->head) d->head->prev = wk;
    d->head = wk;
    watch_nkeys++;
    return wk;
}

static void key_remove(WatchedKey *wk) {
    DbWatch *d = &dbw[wk->db];
    if (wk->prev) wk->prev->next = wk->next;
    else d->head = wk->next;
    if (wk->next) wk->next->prev = wk->prev;
    ht_delete(d->ht, wk->key, wk->klen);
    if (ht_count(d->ht) == 0) {
        ht_destroy(d->ht);
        d->ht = NULL;
    }
    if (--watch_nkeys == 0) {
        mem_free(dbw);
        dbw = NULL;
    }
}

void watch_key(Client *c, const char *key, size_t klen) {
    WatchedKey *wk = dbw && dbw[c->db_index].ht ? ht_find(dbw[c->db_index].ht, key, klen) : NULL;
    if (wk) {
        for (uint32_t i = 0; i < wk->n; i++)
            if (wk->w[i]->c == c) return; /* already watched */
    } else {
        wk = key_add(c->db_index, key, klen);
    }
    Watcher *w = mem_alloc(sizeof(*w));
    w->c = c;
    w->wk = wk;
    w->expired = db_key_state(c->db, key, klen) == DB_KEY_EXPIRED;
    if (wk->n == wk->cap) {
        wk->cap = wk->cap ? wk->cap * 2 : 2;
        wk->w = mem_realloc(wk->w, sizeof(Watcher *) * wk->cap);
    }
    wk->w[wk->n++] = w;
    WatchState *ws = c->watch;
    if (!ws) ws = c->watch = mem_calloc(sizeof(*ws));
    if (ws->n == ws->cap) {
        ws->cap = ws->cap ? ws->cap * 2 : 4;
        ws->w = mem_realloc(ws->w, sizeof(Watcher *) * ws->cap);
    }
    ws->w[ws->n++] = w;
}

bool watch_any_expired(const Client *c) {
    const WatchState *ws = c->watch;
    for (size_t i = 0; ws && i < ws->n; i++) {
        const Watcher *w = ws->w[i];
        if (!w->expired && key_state(w->wk->db, w->wk) == DB_KEY_EXPIRED) return true;
    }
    return false;
}

void watch_unwatch_all(Client *c) {
    WatchState *ws = c->watch;
    if (!ws) return;
    for (size_t i = 0; i < ws->n; i++) {
        Watcher *w = ws->w[i];
        WatchedKey *wk = w->wk;
        for (uint32_t j = 0; j < wk->n; j++) {
            if (wk->w[j] != w) continue;
            wk->w[j] = wk->w[--wk->n]; /* order among watchers does not matter */
            break;
        }
        if (wk->n == 0) key_remove(wk);
        mem_free(w);
    }
    mem_free(ws->w);
    mem_free(ws);
    c->watch = NULL;
}

size_t watch_count(const Client *c) { return c->watch ? c->watch->n : 0; }

size_t watch_mem(const Client *c) {
    const WatchState *ws = c->watch;
    if (!ws) return 0;
    return sizeof(*ws) + ws->cap * sizeof(Watcher *) +
           ws->n * (sizeof(Watcher) + sizeof(Watcher *)); /* and the key's pointer to it */
}
