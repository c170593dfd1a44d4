/* ds/ht.c -- chained hash table of intrusive entries (see ht.h).
 * Two bucket arrays: b[0] is the table, b[1] exists only while rehashing, and
 * then every b[0] bucket below rehash_idx is empty (already moved) and new
 * entries go to b[1]. Bucket counts are powers of two (index = hash & mask).
 * Hashes are not stored: growing rehashes each moved key, shrinking does not
 * need to (the new index is the old one under a smaller mask). */
#include "ht.h"

#include <string.h>

#include "mem.h"

#define HT_MIN_EXP 2            /* never fewer than 4 buckets */
#define HT_EMPTY_VISITS 10      /* empty buckets one rehash step may skip */
#define HT_RANDOM_PROBES 64     /* random picks before ht_random walks */

struct HashTable {
    void **b[2];                /* bucket arrays; b[1] only while rehashing */
    size_t used[2];             /* entries in each */
    const HtType *type;         /* static, outlives the table */
    size_t rehash_idx;          /* next b[0] bucket to move */
    void **ref;                 /* last ht_find_ref answer, NULL if stale */
    void *ref_next;             /* the link of the entry *ref held then */
    int8_t exp[2];              /* log2 of bucket counts; -1: no array */
};

/* ---- small helpers ------------------------------------------------------ */

static inline void **link_of(const HashTable *ht, void *entry) {
    return (void **)((char *)entry + ht->type->next_offset);
}

static inline size_t size_of(const HashTable *ht, int t) {
    return ht->exp[t] < 0 ? 0 : (size_t)1 << ht->exp[t];
}

static inline size_t mask_of(const HashTable *ht, int t) {
    return ((size_t)1 << ht->exp[t]) - 1;
}

static inline bool rehashing(const HashTable *ht) { return ht->b[1] != NULL; }

/* Smallest exponent whose table holds n entries at load factor < 1. */
static int8_t exp_for(size_t n) {
    int8_t e = HT_MIN_EXP;
    while (((size_t)1 << e) <= n) e++;
    return e;
}

/* ---- SipHash-1-2 -------------------------------------------------------- */

#if (defined(__GNUC__) && __GNUC__ >= 7) || defined(__clang__)
#define FALLTHROUGH __attribute__((fallthrough))
#else
#define FALLTHROUGH ((void)0)
#endif

static uint64_t sip_k0, sip_k1;

static inline uint64_t rotl64(uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }

static inline uint64_t load_le64(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, sizeof v);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

#define SIP_ROUND(v0, v1, v2, v3)                                            \
    do {                                                                     \
        v0 += v1; v1 = rotl64(v1, 13); v1 ^= v0; v0 = rotl64(v0, 32);        \
        v2 += v3; v3 = rotl64(v3, 16); v3 ^= v2;                             \
        v0 += v3; v3 = rotl64(v3, 21); v3 ^= v0;                             \
        v2 += v1; v1 = rotl64(v1, 17); v1 ^= v2; v2 = rotl64(v2, 32);        \
    } while (0)

/* One compression round per 8-byte word, two finalization rounds: fast
 * enough for the keyspace and still keyed against hash flooding. */
uint64_t ht_hash(const char *key, size_t len) {
    const uint8_t *p = (const uint8_t *)key;
    const uint8_t *end = p + (len & ~(size_t)7);
    uint64_t v0 = sip_k0 ^ 0x736f6d6570736575ULL;
    uint64_t v1 = sip_k1 ^ 0x646f72616e646f6dULL;
    uint64_t v2 = sip_k0 ^ 0x6c7967656e657261ULL;
    uint64_t v3 = sip_k1 ^ 0x7465646279746573ULL;

    for (; p != end; p += 8) {
        uint64_t m = load_le64(p);
        v3 ^= m;
        SIP_ROUND(v0, v1, v2, v3);
        v0 ^= m;
    }
    uint64_t m = (uint64_t)len << 56;
    switch (len & 7) {
    case 7: m |= (uint64_t)p[6] << 48; FALLTHROUGH;
    case 6: m |= (uint64_t)p[5] << 40; FALLTHROUGH;
    case 5: m |= (uint64_t)p[4] << 32; FALLTHROUGH;
    case 4: m |= (uint64_t)p[3] << 24; FALLTHROUGH;
    case 3: m |= (uint64_t)p[2] << 16; FALLTHROUGH;
    case 2: m |= (uint64_t)p[1] << 8; FALLTHROUGH;
    case 1: m |= (uint64_t)p[0]; break;
    default: break;
    }
    v3 ^= m;
    SIP_ROUND(v0, v1, v2, v3);
    v0 ^= m;
    v2 ^= 0xff;
    SIP_ROUND(v0, v1, v2, v3);
    SIP_ROUND(v0, v1, v2, v3);
    return v0 ^ v1 ^ v2 ^ v3;
}

/* Changing the seed re-places every key: call it before any table is filled. */
/* ht_rand64's state: ht_set_seed mixes the per-process seed in. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL; /* reseeded by ht_set_seed */

void ht_set_seed(const uint8_t seed[16]) {
    sip_k0 = load_le64(seed);
    sip_k1 = load_le64(seed + 8);
    rng_state ^= sip_k0 ^ (sip_k1 << 1);
}

/* ---- resizing ----------------------------------------------------------- */

/* Starts moving to a table of 2^exp buckets. An empty table is swapped at
 * once, so there is nothing to move. */
static void resize_start(HashTable *ht, int8_t exp) {
    ASSERT(!rehashing(ht));
    void **fresh = mem_calloc(((size_t)1 << exp) * sizeof(void *));
    if (ht->used[0] == 0) {
        mem_free(ht->b[0]);
        ht->b[0] = fresh;
        ht->exp[0] = exp;
    } else {
        ht->b[1] = fresh;
        ht->exp[1] = exp;
        ht->used[1] = 0;
        ht->rehash_idx = 0;
    }
    ht->ref = NULL;
}

void ht_reserve(HashTable *ht, size_t n) {
    if (rehashing(ht) || ht->used[0] != 0) return;
    int8_t e = exp_for(n);
    if (e > ht->exp[0]) resize_start(ht, e);
}

static void rehash_finish(HashTable *ht) {
    mem_free(ht->b[0]);
    ht->b[0] = ht->b[1];
    ht->exp[0] = ht->exp[1];
    ht->used[0] = ht->used[1];
    ht->b[1] = NULL;
    ht->exp[1] = -1;
    ht->used[1] = 0;
    ht->rehash_idx = 0;
}

/* Moves up to `buckets` non-empty buckets of b[0] into b[1], skipping at
 * most HT_EMPTY_VISITS empty ones per bucket asked for. */
static void rehash(HashTable *ht, int buckets) {
    size_t empty_left = (size_t)buckets * HT_EMPTY_VISITS;
    size_t m1 = mask_of(ht, 1);
    bool growing = ht->exp[1] > ht->exp[0];
    void **b0 = ht->b[0], **b1 = ht->b[1];

    ht->ref = NULL;
    while (buckets-- > 0 && ht->used[0] > 0) {
        while (b0[ht->rehash_idx] == NULL) {
            ht->rehash_idx++;
            if (--empty_left == 0) return;
        }
        void *e = b0[ht->rehash_idx];
        while (e) {
            void **link = link_of(ht, e);
            void *next = *link;
            size_t idx;
            if (growing) {
                size_t klen;
                const char *k = ht->type->entry_key(e, &klen);
                idx = ht_hash(k, klen) & m1;
            } else {
                idx = ht->rehash_idx & m1;
            }
            *link = b1[idx];
            b1[idx] = e;
            ht->used[0]--;
            ht->used[1]++;
            e = next;
        }
        b0[ht->rehash_idx++] = NULL;
    }
    if (ht->used[0] == 0) rehash_finish(ht);
}

bool ht_rehash_steps(HashTable *ht, int steps) {
    if (rehashing(ht) && steps > 0) rehash(ht, steps);
    return rehashing(ht);
}

void ht_maybe_shrink(HashTable *ht) {
    if (rehashing(ht) || ht->exp[0] <= HT_MIN_EXP) return;
    size_t size = size_of(ht, 0);
    if (ht->used[0] >= size / 8) return;
    resize_start(ht, exp_for(ht->used[0]));
}

/* ---- create / destroy --------------------------------------------------- */

HashTable *ht_create(const HtType *type) {
    HashTable *ht = mem_calloc(sizeof *ht);
    ht->type = type;
    ht->exp[0] = ht->exp[1] = -1;
    return ht;
}

static void free_entries(HashTable *ht) {
    void (*entry_free)(void *) = ht->type->entry_free;
    for (int t = 0; t < 2; t++) {
        size_t size = entry_free ? size_of(ht, t) : 0;
        for (size_t i = 0; i < size; i++) {
            void *e = ht->b[t][i];
            while (e) {
                void *next = *link_of(ht, e);
                entry_free(e);
                e = next;
            }
        }
        mem_free(ht->b[t]);
        ht->b[t] = NULL;
        ht->exp[t] = -1;
        ht->used[t] = 0;
    }
    ht->rehash_idx = 0;
    ht->ref = NULL;
}

void ht_destroy(HashTable *ht) {
    if (!ht) return;
    free_entries(ht);
    mem_free(ht);
}

void ht_clear(HashTable *ht) { free_entries(ht); }

size_t ht_count(const HashTable *ht) { return ht->used[0] + ht->used[1]; }

size_t ht_buckets(const HashTable *ht) { return size_of(ht, 0) + size_of(ht, 1); }

bool ht_is_rehashing(const HashTable *ht) { return rehashing(ht); }

/* ---- lookup ------------------------------------------------------------- */

/* The slot or link that holds the entry with this key, and its table in
 * *table; NULL if absent. The caller has done the rehash step already.
 * The type's fields are kept in locals: entry_key is an opaque call, after
 * which the compiler would otherwise reload them. */
static void **lookup(HashTable *ht, uint64_t h, const char *key, size_t len, int *table) {
    const char *(*entry_key)(const void *, size_t *) = ht->type->entry_key;
    size_t off = ht->type->next_offset;
    for (int t = 0; t < 2; t++) {
        if (!ht->b[t]) break;
        size_t idx = h & mask_of(ht, t);
        if (t == 0 && idx < ht->rehash_idx) continue; /* moved to b[1] */
        void **ref = &ht->b[t][idx];
        for (void *e = *ref; e; e = *ref) {
            size_t elen;
            const char *ekey = entry_key(e, &elen);
            if (elen == len && memcmp(ekey, key, len) == 0) {
                *table = t;
                return ref;
            }
            ref = (void **)((char *)e + off);
        }
    }
    return NULL;
}

void *ht_find(HashTable *ht, const char *key, size_t len) {
    if (ht_count(ht) == 0) return NULL;
    if (rehashing(ht)) rehash(ht, 1);
    uint64_t h = ht_hash(key, len);
    int t;
    void **ref = lookup(ht, h, key, len, &t);
    return ref ? *ref : NULL;
}

void **ht_find_ref(HashTable *ht, const char *key, size_t len) {
    if (ht_count(ht) == 0) return NULL;
    if (rehashing(ht)) rehash(ht, 1);
    int t;
    void **ref = lookup(ht, ht_hash(key, len), key, len, &t);
    if (ref) {
        ht->ref = ref;
        ht->ref_next = *link_of(ht, *ref);
    }
    return ref;
}

/* The link is taken from what ht_find_ref saw, never read from the old
 * entry: the usual caller has just mem_realloc'ed it, so it may be freed.
 * Any add, remove or rehash step in between (a find does one while
 * rehashing) makes the ref stale, and the ASSERT stops it. */
void ht_replace_at(HashTable *ht, void **ref, void *entry) {
    ASSERT(ref != NULL && ref == ht->ref); /* stale ref: the table changed */
    *link_of(ht, entry) = ht->ref_next;
    *ref = entry;
    ht->ref = NULL;
}

/* ---- add / remove ------------------------------------------------------- */

static void insert(HashTable *ht, void *entry, uint64_t h);

bool ht_add(HashTable *ht, void *entry) {
    size_t len;
    const char *key = ht->type->entry_key(entry, &len);
    uint64_t h = ht_hash(key, len);
    int t;

    if (rehashing(ht)) rehash(ht, 1);
    if (ht_count(ht) > 0 && lookup(ht, h, key, len, &t)) return false;
    insert(ht, entry, h);
    return true;
}

void ht_add_absent(HashTable *ht, void *entry) {
    size_t len;
    const char *key = ht->type->entry_key(entry, &len);
    if (rehashing(ht)) rehash(ht, 1);
    insert(ht, entry, ht_hash(key, len));
}

/* Whether a full table may double now (see HtType.may_grow). */
static bool grow_allowed(const HashTable *ht, int8_t exp) {
    if (!ht->type->may_grow) return true;
    return ht->type->may_grow(((size_t)1 << exp) * sizeof(void *),
                              (double)ht->used[0] / (double)size_of(ht, 0));
}

static void insert(HashTable *ht, void *entry, uint64_t h) {
    int t;

    if (ht->b[0] == NULL) {
        resize_start(ht, HT_MIN_EXP);
    } else if (!rehashing(ht) && ht->used[0] >= size_of(ht, 0)) {
        int8_t exp = exp_for(ht->used[0] + 1);
        if (grow_allowed(ht, exp)) resize_start(ht, exp);
    }

    t = rehashing(ht) ? 1 : 0;
    void **slot = &ht->b[t][h & mask_of(ht, t)];
    *link_of(ht, entry) = *slot;
    *slot = entry;
    ht->used[t]++;
    ht->ref = NULL;
}

void *ht_remove(HashTable *ht, const char *key, size_t len) {
    if (ht_count(ht) == 0) return NULL;
    if (rehashing(ht)) rehash(ht, 1);
    int t;
    void **ref = lookup(ht, ht_hash(key, len), key, len, &t);
    if (!ref) return NULL;
    void *e = *ref;
    *ref = *link_of(ht, e);
    ht->used[t]--;
    ht->ref = NULL;
    ht_maybe_shrink(ht);
    return e;
}

bool ht_delete(HashTable *ht, const char *key, size_t len) {
    void *e = ht_remove(ht, key, len);
    if (!e) return false;
    if (ht->type->entry_free) ht->type->entry_free(e);
    return true;
}

/* ---- scan --------------------------------------------------------------- */

static inline uint64_t rev64(uint64_t v) {
    v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
    v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
    v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
    return __builtin_bswap64(v);
}

/* Adds one to the cursor counted from its top bit down, within `mask`: the
 * bits above the mask are set first so the carry runs out of them. */
static inline uint64_t cursor_next(uint64_t cursor, uint64_t mask) {
    cursor |= ~mask;
    return rev64(rev64(cursor) + 1);
}

static void visit_bucket(HashTable *ht, int t, size_t idx, HtScanFn fn, void *ctx) {
    void *e = ht->b[t][idx];
    while (e) {
        void *next = *link_of(ht, e);
        fn(ctx, e);
        e = next;
    }
}

/* Why entries survive resizes: the cursor walks bucket indexes with their
 * bits reversed, so every index visited so far, under any mask, is a prefix
 * of the remaining ones. Doubling splits bucket i into i and i+size, which
 * the reversed order visits together; halving merges them, and the merged
 * bucket is visited again only if part of it was not done yet. */
uint64_t ht_scan(HashTable *ht, uint64_t cursor, HtScanFn fn, void *ctx) {
    if (ht_count(ht) == 0) return 0;
    if (!rehashing(ht)) {
        uint64_t m = mask_of(ht, 0);
        visit_bucket(ht, 0, cursor & m, fn, ctx);
        return cursor_next(cursor, m);
    }
    /* Rehashing: visit the bucket of the small table, then every bucket of
     * the large one that it expands to (same low bits). */
    int small = ht->exp[0] <= ht->exp[1] ? 0 : 1, large = 1 - small;
    uint64_t ms = mask_of(ht, small), ml = mask_of(ht, large);
    visit_bucket(ht, small, cursor & ms, fn, ctx);
    do {
        visit_bucket(ht, large, cursor & ml, fn, ctx);
        cursor = cursor_next(cursor, ml);
    } while (cursor & (ml & ~ms)); /* until the extra bits wrap to zero */
    return cursor;
}

void ht_foreach(HashTable *ht, HtScanFn fn, void *ctx) {
    for (int t = 0; t < 2; t++) {
        if (!ht->b[t]) continue;
        size_t n = size_of(ht, t);
        for (size_t i = 0; i < n; i++)
            if (ht->b[t][i]) visit_bucket(ht, t, i, fn, ctx);
    }
}

/* ---- random ------------------------------------------------------------- */


/* splitmix64: tiny, fast, good enough to pick buckets and members. */
uint64_t ht_rand64(void) {
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* The bucket at position i of both tables laid end to end. */
static inline void *bucket_at(const HashTable *ht, size_t i) {
    size_t s0 = size_of(ht, 0);
    return i < s0 ? ht->b[0][i] : ht->b[1][i - s0];
}

void *ht_random(HashTable *ht) {
    if (ht_count(ht) == 0) return NULL;
    /* b[0] below rehash_idx is known empty: pick from the rest. */
    size_t lo = ht->rehash_idx, span = ht_buckets(ht) - lo, i = 0;
    void *head = NULL;
    for (int probe = 0; probe < HT_RANDOM_PROBES && !head; probe++) {
        i = lo + ht_rand64() % span;
        head = bucket_at(ht, i);
    }
    /* Very sparse (a shrink still to come): walk on from the last pick. */
    while (!head) {
        i = i + 1 < lo + span ? i + 1 : lo;
        head = bucket_at(ht, i);
    }
    size_t n = 0;
    for (void *e = head; e; e = *link_of(ht, e)) n++;
    size_t pick = ht_rand64() % n;
    void *e = head;
    while (pick--) e = *link_of(ht, e);
    return e;
}

/* ht_random_fair: ht_random (a random bucket, then a random entry of its
 * chain) favours entries alone in their bucket two to one over
 * entries sharing it. Here, rejection sampling instead: take the chain of
 * a random bucket (the group of buckets one scan step visits while
 * rehashing) and accept it with probability len/cap, then pick one of its
 * entries uniformly. Every entry of a chain no longer than `cap` then has
 * the same chance, 1/(buckets * cap); the tables keep a load factor <= 1
 * (<= 1.618 when may_grow holds them back; >= 1/8 before they shrink), so
 * chains longer than 4 are rare and a pick
 * takes cap/load tries, 4 to 8 in the usual case. A small table is
 * simply read whole. */
#define FAIR_CAP 4
#define FAIR_CAP_REHASHING 8
#define FAIR_SMALL 16
#define FAIR_POOL 32

typedef struct {
    size_t n;
    void *e[FAIR_POOL];
} Pool;

/* Keeps up to FAIR_POOL entries (a longer chain does not happen with a
 * keyed hash; its tail would just not be a candidate). */
static void pool_visit(void *ctx, void *entry) {
    Pool *p = ctx;
    if (p->n < FAIR_POOL) p->e[p->n++] = entry;
}

void *ht_random_fair(HashTable *ht) {
    size_t n = ht_count(ht);
    if (n == 0) return NULL;
    Pool p;
    p.n = 0;
    if (n <= FAIR_SMALL) {
        uint64_t cursor = 0;
        do cursor = ht_scan(ht, cursor, pool_visit, &p);
        while (cursor);
        return p.e[(size_t)(ht_rand64() % p.n)];
    }
    size_t cap = ht_is_rehashing(ht) ? FAIR_CAP_REHASHING : FAIR_CAP;
    /* While rehashing, a cursor names a bucket of the smaller table and
     * the scan step also visits the larger table's buckets it expands to,
     * from the cursor's higher bits on: keep those bits zero so the whole
     * group is seen. Both sizes are powers of two, so the smaller one is
     * the lowest bit of their sum. */
    size_t total = ht_buckets(ht), small = total & (~total + 1);
    for (;;) {
        p.n = 0;
        ht_scan(ht, ht_rand64() & (small - 1), pool_visit, &p);
        size_t r = (size_t)(ht_rand64() % (p.n > cap ? p.n : cap));
        if (r < p.n) return p.e[r];
    }
}
