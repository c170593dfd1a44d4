/* core/db.c -- databases of entries with lazy and active expiry.
 *
 * An entry is one allocation, chained in its database's hash table:
 *
 *   +--------+------------------------------+--------+-----+----------+-------+
 *   | next 8 | lru:24 type:4 enc:2 snap:1 ttl:1 | keylen | key | expire 8 | value |
 *   +--------+------------------------------+ varint +-----+ if ttl:1 +-------+
 *
 *   value by enc: EMB = varint length + bytes (strings <= EMB_MAX bytes),
 *                 INT = int64, RAW = RawStr pointer, PTR = type's object.
 *
 * So "key:123456" -> 32 bytes costs one 64-byte allocation, TTL included.
 * There is no separate expires table: the active cycle sweeps the main
 * table with the scan cursor and keeps a count of keys with a TTL. */
#include "db.h"

#include <stdatomic.h>
#include <string.h>

#include "../ds/ht.h"
#include "../ds/mem.h"
#include "../ds/num.h"
#include "../os/clock.h"
#include "../os/thread.h"
#include "block.h"
#include "evict.h"
#include "lfu.h"
#include "notify.h"
#include "propagate.h"

enum { ENC_EMB = 0, ENC_INT = 1, ENC_RAW = 2, ENC_PTR = 3 };
#define EMB_MAX 64       /* longer strings live in a RawStr */
#define EMBSTR_REPORT 44 /* OBJECT ENCODING says "embstr" up to this, as Redis */

struct Entry {
    Entry *next;
    uint32_t lru : 24;
    uint32_t type : 4;
    uint32_t enc : 2;
    uint32_t snap : 1;   /* == snap_phase: saved by the running snapshot (or new) */
    uint32_t has_ttl : 1;
    uint8_t data[];
};

typedef struct {
    size_t len;
    char buf[];
} RawStr;

struct Db {
    HashTable *ht;
    size_t expires;      /* entries with has_ttl set */
    uint64_t scan_cursor;/* active expiry position */
    int index;
};

static Db *dbs;
static int ndbs;
static uint32_t lru_clock;
static int64_t cmd_now_ms;
static uint64_t stat_expired, stat_hits, stat_misses;
static uint64_t dirty;

/* Point-in-time snapshots (see db.h): an entry is pending while its snap
 * bit differs from snap_phase; beginning a snapshot flips the phase, so
 * every entry becomes pending at once, and new entries are born saved. */
bool db_snapshot_on;
static bool snap_phase;
static DbSnapshotHooks snap_hooks;

uint64_t db_dirty(void) { return dirty; }
void db_add_dirty(uint64_t n) { dirty += n; }
void db_restore_dirty(uint64_t v) { dirty = v; }

/* ---------- varints and layout ---------- */

static inline size_t varint_put(uint8_t *p, size_t v) {
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (uint8_t)v;
    return n;
}

static inline size_t varint_get(const uint8_t *p, size_t *v) {
    if (LIKELY(p[0] < 0x80)) {
        *v = p[0];
        return 1;
    }
    size_t r = 0, n = 0;
    int shift = 0;
    do {
        r |= (size_t)(p[n] & 0x7f) << shift;
        shift += 7;
    } while (p[n++] & 0x80);
    *v = r;
    return n;
}

static inline size_t varint_len(size_t v) {
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

/* Byte offset (from data) of the expire field or, without TTL, the value. */
static inline size_t after_key(const Entry *e) {
    size_t klen, n = varint_get(e->data, &klen);
    return n + klen;
}

static inline uint8_t *value_ptr(const Entry *e) {
    return (uint8_t *)e->data + after_key(e) + (e->has_ttl ? 8 : 0);
}

static size_t value_size(const Entry *e) {
    if (e->enc == ENC_EMB) {
        size_t vlen, n = varint_get(value_ptr(e), &vlen);
        return n + vlen;
    }
    return 8;
}

const char *entry_key(const Entry *e, size_t *len) {
    size_t n = varint_get(e->data, len);
    return (const char *)e->data + n;
}

static const char *ht_entry_key(const void *e, size_t *len) { return entry_key(e, len); }

/* Collection types register how to free, copy and describe their objects
 * (db_register_type); strings are handled here. */
static const TypeOps *type_ops[8];
/* What a replacing entry's LRU/LFU word becomes under an LFU policy. */
typedef enum {
    LFU_KEEP_OLD,  /* the old entry's counter (Redis's dbOverwrite) */
    LFU_COUNT_OLD, /* the old counter plus this write as an access */
    LFU_OWN,       /* the new entry's own (RENAME/COPY: delete, then add) */
} LfuInherit;
static bool install(Db *db, Entry *n, LfuInherit inherit);

void db_register_type(ValueType t, const TypeOps *ops) { type_ops[t] = ops; }

/* A key left its database or is being overwritten: readers blocked on it
 * (XREADGROUP) learn it (core/block.h). */
static inline void note_gone(Db *db, const char *key, size_t klen) {
    if (UNLIKELY(block_readers)) block_signal_key(db->index, key, klen);
}

/* A write is about to change or remove e: the running snapshot saves it
 * first if it has not yet (the snapshot's moment is kept). */
static inline void before_change(Db *db, Entry *e) {
    if (UNLIKELY(db_snapshot_on) && e->snap != snap_phase) {
        e->snap = snap_phase;
        snap_hooks.save_entry(snap_hooks.ctx, db, e);
    }
}

static inline void *obj_of(const Entry *e) {
    void *p;
    memcpy(&p, value_ptr(e), sizeof(p));
    return p;
}

/* Objects with more elements than this are freed by the background thread,
 * so deleting a million-element key does not stall other clients. */
#define LAZYFREE_MIN_ELEMENTS 64

/* Lazy freeing: objects queued for the background thread and not yet
 * freed, and objects freed that way since the last RESETSTAT (INFO's
 * lazyfree_pending_objects / lazyfreed_objects). Atomic: the worker
 * updates them. */
static atomic_size_t lazyfree_pending;
static atomic_uint_fast64_t lazyfreed;

typedef struct {
    void (*fn)(void *);
    void *obj;
    size_t objects;
} LazyJob;

static void lazy_job_run(void *arg) {
    LazyJob *j = arg;
    j->fn(j->obj);
    atomic_fetch_sub(&lazyfree_pending, j->objects);
    atomic_fetch_add(&lazyfreed, j->objects);
    mem_free(j);
}

static void lazy_free(void (*fn)(void *), void *obj, size_t objects) {
    LazyJob *j = mem_alloc(sizeof(*j));
    j->fn = fn;
    j->obj = obj;
    j->objects = objects;
    atomic_fetch_add(&lazyfree_pending, objects);
    thread_bg_submit(lazy_job_run, j);
}

size_t db_lazyfree_pending(void) { return atomic_load(&lazyfree_pending); }
uint64_t db_lazyfreed_objects(void) { return atomic_load(&lazyfreed); }

static void entry_free_value(Entry *e) {
    if (e->enc == ENC_RAW) {
        mem_free(obj_of(e));
    } else if (e->enc == ENC_PTR) {
        const TypeOps *ops = type_ops[e->type];
        void *obj = obj_of(e);
        if (ops->length && ops->length(obj) > LAZYFREE_MIN_ELEMENTS)
            lazy_free(ops->free, obj, 1);
        else
            ops->free(obj);
    }
}

static void entry_free(void *p) {
    Entry *e = p;
    entry_free_value(e);
    mem_free(e);
}

static const HtType keyspace_type = {
    .next_offset = offsetof(Entry, next),
    .entry_key = ht_entry_key,
    .entry_free = entry_free,
    .may_grow = evict_table_may_grow,
};

/* Allocates an entry with key and room for `vsize` value bytes; the value
 * bytes are left for the caller to fill. */
static Entry *entry_new(const char *key, size_t klen, bool ttl, int64_t when, size_t vsize) {
    size_t kl = varint_len(klen);
    Entry *e = mem_alloc(offsetof(Entry, data) + kl + klen + (ttl ? 8 : 0) + vsize);
    e->next = NULL;
    e->lru = UNLIKELY(lfu_on) ? lfu_word_new() : lru_clock;
    e->type = TYPE_STRING;
    e->enc = ENC_EMB;
    e->snap = snap_phase;
    e->has_ttl = ttl;
    varint_put(e->data, klen);
    memcpy(e->data + kl, key, klen);
    if (ttl) memcpy(e->data + kl + klen, &when, 8);
    return e;
}

static Entry *entry_new_string(const char *key, size_t klen, bool ttl, int64_t when,
                               const char *val, size_t vlen, bool try_int) {
    int64_t iv;
    if (try_int && vlen <= 20 && num_parse_int64(val, vlen, &iv)) {
        Entry *e = entry_new(key, klen, ttl, when, 8);
        e->enc = ENC_INT;
        memcpy(value_ptr(e), &iv, 8);
        return e;
    }
    if (vlen <= EMB_MAX) {
        Entry *e = entry_new(key, klen, ttl, when, varint_len(vlen) + vlen);
        uint8_t *v = value_ptr(e);
        size_t n = varint_put(v, vlen);
        memcpy(v + n, val, vlen);
        return e;
    }
    Entry *e = entry_new(key, klen, ttl, when, 8);
    RawStr *r = mem_alloc(sizeof(RawStr) + vlen + 1);
    r->len = vlen;
    memcpy(r->buf, val, vlen);
    r->buf[vlen] = '\0';
    e->enc = ENC_RAW;
    memcpy(value_ptr(e), &r, sizeof(r));
    return e;
}

/* A copy of e with another key and/or TTL, sharing e's value bytes (so the
 * caller frees only one of the two shells: see shell_free). */
static Entry *entry_reshape(const Entry *e, const char *key, size_t klen, bool ttl, int64_t when) {
    size_t vs = value_size(e);
    Entry *n = entry_new(key, klen, ttl, when, vs);
    n->lru = e->lru;
    n->type = e->type;
    n->enc = e->enc;
    memcpy(value_ptr(n), value_ptr(e), vs);
    return n;
}

/* ---------- accessors ---------- */

ValueType entry_type(const Entry *e) { return (ValueType)e->type; }

int64_t entry_expire(const Entry *e) {
    if (!e->has_ttl) return -1;
    int64_t when;
    memcpy(&when, e->data + after_key(e), 8);
    return when;
}

const char *entry_str(const Entry *e, size_t *len, char *buf) {
    const uint8_t *v = value_ptr(e);
    switch (e->enc) {
    case ENC_EMB: {
        size_t n = varint_get(v, len);
        return (const char *)v + n;
    }
    case ENC_INT: {
        int64_t iv;
        memcpy(&iv, v, 8);
        *len = num_format_int64(buf, iv);
        return buf;
    }
    case ENC_RAW: {
        RawStr *r;
        memcpy(&r, v, sizeof(r));
        *len = r->len;
        return r->buf;
    }
    }
    *len = 0;
    return "";
}

size_t entry_strlen(const Entry *e) {
    char buf[24];
    size_t len;
    entry_str(e, &len, buf);
    return len;
}

bool entry_is_int(const Entry *e) { return e->enc == ENC_INT; }

bool entry_get_int64(const Entry *e, int64_t *out) {
    if (e->type != TYPE_STRING) return false;
    if (e->enc == ENC_INT) {
        memcpy(out, value_ptr(e), 8);
        return true;
    }
    char buf[24];
    size_t len;
    const char *s = entry_str(e, &len, buf);
    return num_parse_int64(s, len, out);
}

const char *entry_encoding_name(const Entry *e) {
    if (e->type == TYPE_STRING) {
        if (e->enc == ENC_INT) return "int";
        if (e->enc == ENC_EMB && entry_strlen(e) <= EMBSTR_REPORT) return "embstr";
        return "raw";
    }
    if (e->enc == ENC_PTR) return type_ops[e->type]->encoding(obj_of(e));
    return "unknown";
}

uint32_t entry_idle_seconds(const Entry *e) {
    uint32_t now = lru_clock;
    return now >= e->lru ? now - e->lru : now + (1u << 24) - e->lru;
}

uint64_t entry_idle_ms(const Entry *e) { return (uint64_t)entry_idle_seconds(e) * 1000; }

uint8_t entry_lfu_counter_now(const Entry *e) { return lfu_word_counter(e->lru); }

uint8_t entry_lfu_freq(const Entry *e) { return lfu_word_counter(e->lru); }

void entry_set_idle_seconds(Entry *e, uint64_t secs) {
    if (secs >= (1u << 24)) secs = (1u << 24) - 1; /* the clock's range */
    e->lru = (lru_clock - (uint32_t)secs) & ((1u << 24) - 1);
}

void entry_set_lfu_freq(Entry *e, uint8_t freq) { e->lru = lfu_word_with(freq); }

size_t entry_mem(const Entry *e) {
    size_t n = mem_usable(e);
    if (e->enc == ENC_RAW) n += mem_usable(obj_of(e));
    else if (e->enc == ENC_PTR && type_ops[e->type]->mem) n += type_ops[e->type]->mem(obj_of(e));
    return n;
}

void *entry_obj(const Entry *e) {
    ASSERT(e->enc == ENC_PTR);
    return obj_of(e);
}

void entry_set_obj(Entry *e, void *obj) {
    ASSERT(e->enc == ENC_PTR);
    memcpy(value_ptr(e), &obj, sizeof(obj));
}

void db_add_obj(Db *db, const char *key, size_t klen, ValueType t, void *obj) {
    ASSERT(type_ops[t]);
    Entry *n = entry_new(key, klen, false, 0, sizeof(obj));
    n->type = t;
    n->enc = ENC_PTR;
    memcpy(value_ptr(n), &obj, sizeof(obj));
    install(db, n, LFU_COUNT_OLD); /* the STORE commands: Redis's setKey */
}

/* ---------- databases ---------- */

void db_init_all(int count) {
    ndbs = count;
    dbs = mem_calloc(sizeof(Db) * (size_t)count);
    for (int i = 0; i < count; i++) {
        dbs[i].ht = ht_create(&keyspace_type);
        dbs[i].index = i;
    }
    db_update_clock(clock_unix_ms());
}

void db_free_all(void) {
    for (int i = 0; i < ndbs; i++) ht_destroy(dbs[i].ht);
    mem_free(dbs);
    dbs = NULL;
    ndbs = 0;
}

int db_count_dbs(void) { return ndbs; }
Db *db_get(int index) { return index >= 0 && index < ndbs ? &dbs[index] : NULL; }
int db_index(const Db *db) { return db->index; }
size_t db_size(Db *db) { return ht_count(db->ht); }
void db_reserve(Db *db, size_t keys) { ht_reserve(db->ht, keys); }
size_t db_expires(Db *db) { return db->expires; }
size_t db_table_overhead(Db *db) { return ht_buckets(db->ht) * sizeof(void *); }

void db_set_now(int64_t now_ms) { cmd_now_ms = now_ms; }
int64_t db_now(void) { return cmd_now_ms ? cmd_now_ms : clock_unix_ms(); }

void db_update_clock(int64_t now_ms) {
    lru_clock = (uint32_t)(now_ms / 1000) & 0xffffff;
    cmd_now_ms = now_ms;
    lfu_update_clock(now_ms);
}

/* Unlinks and frees an entry found at *ref, keeping the TTL count right. */
static void delete_at(Db *db, const char *key, size_t klen) {
    Entry *e = ht_remove(db->ht, key, klen);
    if (!e) return;
    before_change(db, e);
    if (e->has_ttl) db->expires--;
    note_gone(db, key, klen);
    entry_free(e);
}

/* Deletes an expired key and tells the propagation point (which feeds
 * keyspace notifications and WATCH). The key's bytes live in the entry, so
 * they are copied before it is freed. */
static void expire_at(Db *db, const char *key, size_t klen) {
    char stackbuf[128];
    char *copy = klen <= sizeof(stackbuf) ? stackbuf : mem_alloc(klen);
    memcpy(copy, key, klen);
    delete_at(db, key, klen);
    stat_expired++;
    propagate_expired(db_index(db), copy, klen);
    if (copy != stackbuf) mem_free(copy);
}

Entry *db_random_entry(Db *db) { return ht_random(db->ht); }
bool entry_has_ttl(const Entry *e) { return e->has_ttl; }
uint32_t entry_lru_raw(const Entry *e) { return e->lru; }
uint32_t db_lru_clock(void) { return lru_clock; }

size_t db_evict_key(Db *db, const char *key, size_t klen, bool lazy) {
    char stackbuf[128];
    char *copy = klen <= sizeof(stackbuf) ? stackbuf : mem_alloc(klen);
    memcpy(copy, key, klen);
    size_t before = mem_used();
    delete_at(db, key, klen);
    size_t after = mem_used();
    propagate_evicted(db_index(db), copy, klen, lazy);
    if (copy != stackbuf) mem_free(copy);
    return after < before ? before - after : 0;
}

static bool expiry_held;   /* CLIENT PAUSE */
static bool expiry_frozen; /* AOF loading */

void db_hold_expiry(bool held) { expiry_held = held; }
void db_freeze_expiry(bool frozen) { expiry_frozen = frozen; }
bool db_time_passed(int64_t when_ms) { return when_ms <= db_now() && !expiry_frozen; }

static inline bool is_expired(const Entry *e, int64_t now) {
    return e->has_ttl && entry_expire(e) <= now && !expiry_frozen;
}

/* An access: the LRU clock, or under an LFU policy the counter's update. */
static inline void touch(Entry *e) {
    if (UNLIKELY(lfu_on)) e->lru = lfu_word_touch(e->lru);
    else e->lru = lru_clock;
}

/* Finds the key, deleting it first if it has expired. */
/* always_inline: the read path (GET) pays no call for it */
static inline __attribute__((always_inline)) Entry *find_live(Db *db, const char *key, size_t klen) {
    Entry *e = ht_find(db->ht, key, klen);
    if (e && UNLIKELY(e->has_ttl) && is_expired(e, db_now())) {
        if (!expiry_held) expire_at(db, key, klen);
        return NULL;
    }
    return e;
}

Entry *db_lookup(Db *db, const char *key, size_t klen, bool no_touch) {
    Entry *e = find_live(db, key, klen);
    if (e && !no_touch) touch(e);
    return e;
}

bool db_exists(Db *db, const char *key, size_t klen) { return find_live(db, key, klen) != NULL; }

Entry *db_peek(Db *db, const char *key, size_t klen) { return ht_find(db->ht, key, klen); }

DbKeyState db_key_state(Db *db, const char *key, size_t klen) {
    const Entry *e = ht_find(db->ht, key, klen);
    if (!e) return DB_KEY_ABSENT;
    return is_expired(e, db_now()) ? DB_KEY_EXPIRED : DB_KEY_LIVE;
}

void db_stat_hit(bool hit) {
    if (hit) stat_hits++;
    else stat_misses++;
}

void db_note_read(Db *db, const char *key, size_t klen, bool hit) {
    if (LIKELY(hit)) {
        stat_hits++;
        return;
    }
    stat_misses++;
    notify_key(NOTIFY_KEY_MISS, "keymiss", db->index, key, klen);
}
uint64_t db_stat_expired(void) { return stat_expired; }
uint64_t db_stat_hits(void) { return stat_hits; }
uint64_t db_stat_misses(void) { return stat_misses; }
void db_reset_stats(void) {
    stat_expired = stat_hits = stat_misses = 0;
    atomic_store(&lazyfreed, 0);
}

/* Puts a freshly built entry under its key, replacing (and freeing) any
 * old one, and keeping the TTL count right. A key that did not exist
 * publishes "new" (Redis's dbAdd), before the command's own event. An old
 * entry past its TTL expires first, as Redis's lookupKeyWrite has it
 * ("expired", a propagated DEL), and the key then counts as new.
 * Under an LFU policy a replacing entry's counter is as `inherit` says
 * (LFU_COUNT_OLD for SET and its kin, which look nothing up before, where
 * Redis's lookupKeyWrite counts the access).
 * Returns true if the key was added, false if it replaced one. */
static bool install(Db *db, Entry *n, LfuInherit inherit) {
    size_t klen;
    const char *key = entry_key(n, &klen);
    void **ref = ht_find_ref(db->ht, key, klen);
    if (ref && UNLIKELY(((Entry *)*ref)->has_ttl) && !expiry_held &&
        is_expired(*ref, db_now())) {
        expire_at(db, key, klen);
        ref = NULL;
    }
    if (ref) {
        Entry *old = *ref;
        before_change(db, old);
        if (UNLIKELY(lfu_on) && inherit != LFU_OWN)
            n->lru = inherit == LFU_COUNT_OLD ? lfu_word_touch(old->lru) : old->lru;
        ht_replace_at(db->ht, ref, n);
        if (old->has_ttl) db->expires--;
        note_gone(db, key, klen);
        entry_free(old);
    } else {
        ht_add_absent(db->ht, n); /* ht_find_ref just said it is absent */
    }
    if (n->has_ttl) db->expires++;
    dirty++;
    if (!ref) notify_key(NOTIFY_NEW, "new", db->index, key, klen);
    return !ref;
}

/* Resolves DB_KEEP_TTL / DB_NO_TTL / absolute into (ttl, when). */
static inline __attribute__((always_inline)) bool ttl_for(Db *db, const char *key, size_t klen,
                                                          int64_t expire_ms, int64_t *when) {
    if (expire_ms > 0) {
        *when = expire_ms;
        return true;
    }
    if (expire_ms == DB_KEEP_TTL) {
        Entry *old = find_live(db, key, klen);
        if (old && old->has_ttl) {
            *when = entry_expire(old);
            return true;
        }
    }
    *when = 0;
    return false;
}

void db_set_string(Db *db, const char *key, size_t klen, const char *val, size_t vlen,
                   int64_t expire_ms) {
    int64_t when;
    bool ttl = ttl_for(db, key, klen, expire_ms, &when);
    install(db, entry_new_string(key, klen, ttl, when, val, vlen, true), LFU_COUNT_OLD);
}

void db_set_string_text(Db *db, const char *key, size_t klen, const char *val, size_t vlen,
                        int64_t expire_ms) {
    int64_t when;
    bool ttl = ttl_for(db, key, klen, expire_ms, &when);
    install(db, entry_new_string(key, klen, ttl, when, val, vlen, false), LFU_KEEP_OLD);
}

void db_set_int(Db *db, const char *key, size_t klen, int64_t v, int64_t expire_ms) {
    int64_t when;
    bool ttl = ttl_for(db, key, klen, expire_ms, &when);
    void **ref = ht_find_ref(db->ht, key, klen);
    if (ref) {
        /* INCR's hot path: an int entry changes in place. */
        Entry *e = *ref;
        if (e->enc == ENC_INT && e->has_ttl == ttl && e->type == TYPE_STRING) {
            before_change(db, e);
            if (ttl) memcpy(e->data + after_key(e), &when, 8);
            memcpy(value_ptr(e), &v, 8);
            /* the caller's lookup already counted the access under LFU */
            if (LIKELY(!lfu_on)) e->lru = lru_clock;
            dirty++;
            return;
        }
    }
    Entry *n = entry_new(key, klen, ttl, when, 8);
    n->enc = ENC_INT;
    memcpy(value_ptr(n), &v, 8);
    install(db, n, LFU_KEEP_OLD);
}

/* Turns the string at key into a RawStr with room for `need` bytes and
 * returns it (creating the key when absent). */
static RawStr *make_raw(Db *db, const char *key, size_t klen, size_t need) {
    Entry *e = find_live(db, key, klen);
    RawStr *r;
    if (e && e->enc == ENC_RAW) {
        before_change(db, e);
        memcpy(&r, value_ptr(e), sizeof(r));
        if (mem_usable(r) < sizeof(RawStr) + need + 1) {
            size_t cap = need < (1 << 20) ? need * 2 : need + (1 << 20);
            r = mem_realloc(r, sizeof(RawStr) + cap + 1);
            memcpy(value_ptr(e), &r, sizeof(r));
        }
        return r;
    }
    char buf[24];
    size_t len = 0;
    const char *s = e ? entry_str(e, &len, buf) : "";
    r = mem_alloc(sizeof(RawStr) + (need > len ? need : len) + 1);
    memcpy(r->buf, s, len);
    r->len = len;
    bool ttl = e && e->has_ttl;
    Entry *n = entry_new(key, klen, ttl, ttl ? entry_expire(e) : 0, 8);
    n->enc = ENC_RAW;
    memcpy(value_ptr(n), &r, sizeof(r));
    install(db, n, LFU_KEEP_OLD);
    return r;
}

size_t db_append(Db *db, const char *key, size_t klen, const char *data, size_t dlen) {
    Entry *e = find_live(db, key, klen);
    size_t cur = e ? entry_strlen(e) : 0;
    RawStr *r = make_raw(db, key, klen, cur + dlen);
    memcpy(r->buf + r->len, data, dlen);
    r->len += dlen;
    dirty++;
    r->buf[r->len] = '\0';
    return r->len;
}

size_t db_setrange(Db *db, const char *key, size_t klen, size_t off, const char *data,
                   size_t dlen) {
    Entry *e = find_live(db, key, klen);
    size_t cur = e ? entry_strlen(e) : 0;
    size_t end = off + dlen > cur ? off + dlen : cur;
    RawStr *r = make_raw(db, key, klen, end);
    if (off > r->len) memset(r->buf + r->len, 0, off - r->len);
    memcpy(r->buf + off, data, dlen);
    if (end > r->len) r->len = end;
    dirty++;
    r->buf[r->len] = '\0';
    return r->len;
}

char *db_string_mutable(Db *db, const char *key, size_t klen, size_t minlen, size_t *len,
                        bool *grew) {
    Entry *e = find_live(db, key, klen);
    if (e && e->enc == ENC_RAW) { /* SETBIT's hot path: already long enough */
        RawStr *r;
        memcpy(&r, value_ptr(e), sizeof(r));
        if (r->len >= minlen) {
            before_change(db, e);
            *grew = false;
            *len = r->len;
            return r->buf;
        }
    }
    size_t cur = e ? entry_strlen(e) : 0;
    size_t need = minlen > cur ? minlen : cur;
    size_t *lp;
    char *buf = db_string_edit(db, key, klen, need, &lp);
    *grew = !e || need > cur;
    if (need > *lp) {
        memset(buf + *lp, 0, need - *lp);
        *lp = need;
        buf[need] = '\0';
    }
    *len = *lp;
    return buf;
}

char *db_string_new(Db *db, const char *key, size_t klen, size_t len) {
    RawStr *r = mem_alloc(sizeof(RawStr) + len + 1);
    r->len = len;
    r->buf[len] = '\0';
    Entry *n = entry_new(key, klen, false, 0, 8);
    n->enc = ENC_RAW;
    memcpy(value_ptr(n), &r, sizeof(r));
    install(db, n, LFU_KEEP_OLD);
    return r->buf;
}

bool db_delete(Db *db, const char *key, size_t klen) {
    Entry *e = find_live(db, key, klen);
    if (!e) return false;
    delete_at(db, key, klen);
    dirty++;
    return true;
}

/* Frees an entry shell whose value now belongs to another entry. */
static void shell_free(Entry *e) { mem_free(e); }

bool db_set_expire(Db *db, const char *key, size_t klen, int64_t when_ms) {
    Entry *e = find_live(db, key, klen);
    if (!e) return false;
    before_change(db, e);
    bool ttl = when_ms > 0;
    dirty++;
    if (ttl && e->has_ttl) {
        memcpy(e->data + after_key(e), &when_ms, 8); /* same shape: in place */
        return true;
    }
    if (!ttl && !e->has_ttl) return true;
    void **ref = ht_find_ref(db->ht, key, klen);
    Entry *n = entry_reshape(e, key, klen, ttl, when_ms);
    ht_replace_at(db->ht, ref, n);
    if (ttl) db->expires++;
    else db->expires--;
    shell_free(e);
    return true;
}

/* RENAME, MOVE and COPY delete an existing destination and then add the
 * key, so Redis publishes "new" even when they replace one. */
static void added_always_new(Db *db, Entry *n) {
    if (install(db, n, LFU_OWN)) return;
    size_t klen;
    const char *key = entry_key(n, &klen);
    notify_key(NOTIFY_NEW, "new", db->index, key, klen);
}

void db_rename(Db *src, const char *key, size_t klen, Db *dst, const char *nkey, size_t nklen) {
    Entry *e = ht_remove(src->ht, key, klen);
    ASSERT(e);
    before_change(src, e);
    if (e->has_ttl) src->expires--;
    note_gone(src, key, klen);
    bool ttl = e->has_ttl;
    Entry *n = entry_reshape(e, nkey, nklen, ttl, ttl ? entry_expire(e) : 0);
    shell_free(e);
    added_always_new(dst, n);
}

void db_copy(Db *src, const char *key, size_t klen, Db *dst, const char *nkey, size_t nklen) {
    Entry *e = find_live(src, key, klen);
    ASSERT(e);
    int64_t when = entry_expire(e);
    if (e->enc == ENC_PTR) {
        void *obj = type_ops[e->type]->dup(obj_of(e));
        Entry *n = entry_new(nkey, nklen, when > 0, when > 0 ? when : 0, sizeof(obj));
        n->type = e->type;
        n->enc = ENC_PTR;
        memcpy(value_ptr(n), &obj, sizeof(obj));
        added_always_new(dst, n);
        return;
    }
    char buf[24];
    size_t len;
    const char *s = entry_str(e, &len, buf);
    /* Copy the bytes first: installing may free e when src == dst. */
    char *tmp = mem_alloc(len ? len : 1);
    memcpy(tmp, s, len);
    Entry *n = entry_new_string(nkey, nklen, when > 0, when > 0 ? when : 0, tmp, len,
                                e->enc == ENC_INT);
    mem_free(tmp);
    added_always_new(dst, n);
}

char *db_string_edit(Db *db, const char *key, size_t klen, size_t room, size_t **len) {
    uint64_t before = dirty; /* an encoding change is no change to the data */
    RawStr *r = make_raw(db, key, klen, room);
    dirty = before;
    *len = &r->len;
    return r->buf;
}

/* ---------- whole-database operations ---------- */

static void free_table_job(void *ht) { ht_destroy(ht); }

size_t db_flush(Db *db, bool async) {
    if (UNLIKELY(db_snapshot_on)) snap_hooks.whole_db(snap_hooks.ctx, db);
    size_t n = ht_count(db->ht);
    if (n && UNLIKELY(block_readers)) block_signal_db(db->index);
    if (async && n > 64) {
        HashTable *old = db->ht;
        db->ht = ht_create(&keyspace_type);
        lazy_free(free_table_job, old, n);
    } else {
        ht_clear(db->ht);
    }
    dirty += n;
    db->expires = 0;
    db->scan_cursor = 0;
    return n;
}

void db_swap(int a, int b) {
    if (UNLIKELY(db_snapshot_on)) {
        snap_hooks.whole_db(snap_hooks.ctx, &dbs[a]);
        snap_hooks.whole_db(snap_hooks.ctx, &dbs[b]);
    }
    Db tmp = dbs[a];
    dbs[a].ht = dbs[b].ht;
    dbs[a].expires = dbs[b].expires;
    dbs[a].scan_cursor = 0;
    dbs[b].ht = tmp.ht;
    dbs[b].expires = tmp.expires;
    dbs[b].scan_cursor = 0;
}

bool db_random_key(Db *db, char **out, size_t *outlen) {
    for (int tries = 0; tries < 100; tries++) {
        Entry *e = ht_random(db->ht);
        if (!e) return false;
        size_t klen;
        const char *k = entry_key(e, &klen);
        if (is_expired(e, db_now()) && tries < 99) {
            if (!expiry_held) expire_at(db, k, klen);
            continue;
        }
        *out = mem_strndup(k, klen);
        *outlen = klen;
        return true;
    }
    return false;
}

typedef struct {
    DbScanFn fn;
    void *ctx;
    int64_t now;
    Entry **expired;
    size_t nexpired, cap;
} ScanState;

static void collect_expired(ScanState *st, Entry *e) {
    if (st->nexpired == st->cap) {
        st->cap = st->cap ? st->cap * 2 : 16;
        st->expired = mem_realloc(st->expired, st->cap * sizeof(Entry *));
    }
    st->expired[st->nexpired++] = e;
}

static void scan_visit(void *ctx, void *p) {
    ScanState *st = ctx;
    Entry *e = p;
    if (is_expired(e, st->now)) collect_expired(st, e);
    else if (st->fn) st->fn(st->ctx, e);
}

/* Deletes the entries ht_scan collected as expired. */
static size_t drop_expired(Db *db, ScanState *st) {
    size_t n = expiry_held ? 0 : st->nexpired;
    for (size_t i = 0; i < n; i++) {
        size_t klen;
        const char *k = entry_key(st->expired[i], &klen);
        expire_at(db, k, klen);
    }
    mem_free(st->expired);
    return n;
}

uint64_t db_scan(Db *db, uint64_t cursor, DbScanFn fn, void *ctx) {
    ScanState st = {.fn = fn, .ctx = ctx, .now = db_now()};
    cursor = ht_scan(db->ht, cursor, scan_visit, &st);
    drop_expired(db, &st);
    return cursor;
}

/* ---------- snapshots ---------- */

void db_snapshot_begin(const DbSnapshotHooks *hooks) {
    ASSERT(!db_snapshot_on);
    snap_hooks = *hooks;
    snap_phase = !snap_phase;
    db_snapshot_on = true;
}

void db_snapshot_end(void) { db_snapshot_on = false; }

bool entry_snapshot_take(Entry *e) {
    if (!db_snapshot_on || e->snap == snap_phase) return false;
    e->snap = snap_phase;
    return true;
}

void db_snapshot_prewrite(Db *db, const char *key, size_t klen) {
    Entry *e = ht_find(db->ht, key, klen);
    if (e) before_change(db, e);
}

typedef struct {
    DbScanFn fn;
    void *ctx;
} RawScan;

static void raw_visit(void *ctx, void *p) {
    RawScan *rs = ctx;
    rs->fn(rs->ctx, p);
}

uint64_t db_snapshot_scan(Db *db, uint64_t cursor, DbScanFn fn, void *ctx) {
    RawScan rs = {fn, ctx};
    return ht_scan(db->ht, cursor, raw_visit, &rs);
}

void db_snapshot_foreach(Db *db, DbScanFn fn, void *ctx) {
    RawScan rs = {fn, ctx};
    ht_foreach(db->ht, raw_visit, &rs);
}

int64_t db_avg_ttl(Db *db) {
    UNUSED(db);
    return 0; /* sampled by the active cycle in a later change */
}

/* Counts entries with a TTL while the sweep passes, to decide its pace. */
typedef struct {
    size_t checked;
} SweepCount;

static void count_visit(void *ctx, Entry *e) {
    UNUSED(e);
    ((SweepCount *)ctx)->checked++;
}

void db_active_expire(int64_t budget_us) {
    if (expiry_held) return;
    int64_t start = clock_mono_us();
    int64_t now = clock_unix_ms();
    for (int i = 0; i < ndbs; i++) {
        Db *db = &dbs[i];
        if (db->expires == 0) continue;
        /* Sweep at least this many entries per call (about 20 keys with a
         * TTL, as Redis samples), more while the sweep keeps finding
         * expired keys. Idle cost stays small; a mass expiry is caught up
         * at the budget's pace. */
        size_t size = ht_count(db->ht);
        size_t min_checks = 400 + 20 * (size / (db->expires ? db->expires : 1));
        if (min_checks > 20000) min_checks = 20000;
        size_t checked = 0, expired = 0;
        for (;;) {
            SweepCount cnt = {0};
            ScanState st = {.fn = count_visit, .ctx = &cnt, .now = now};
            for (int b = 0; b < 64; b++) {
                db->scan_cursor = ht_scan(db->ht, db->scan_cursor, scan_visit, &st);
                if (db->scan_cursor == 0) break;
            }
            size_t n = drop_expired(db, &st);
            checked += cnt.checked + n;
            expired += n;
            if (db->scan_cursor == 0 || db->expires == 0) break;
            if (clock_mono_us() - start > budget_us) return;
            /* Keep going while the sweep keeps finding plenty. */
            if (checked >= min_checks && expired * 10 < checked) break;
        }
    }
}

void db_cron_tables(void) {
    for (int i = 0; i < ndbs; i++) {
        ht_maybe_shrink(dbs[i].ht);
        ht_rehash_steps(dbs[i].ht, 100);
    }
}
