/* core/evict.c -- maxmemory and eviction (evict.h).
 *
 * Candidates: for the LRU, LFU and TTL policies, maxmemory-samples random
 * entries of each database that may evict are scored (idle seconds, 255 -
 * the LFU counter, or how soon the TTL ends) and the best POOL_SIZE kept
 * across calls, as Redis 7.0's eviction pool; the best one still present
 * is evicted. The random policies pick a random key of the next database
 * in turn. The volatile policies look at keys with a TTL only: kilat keeps
 * no separate table of them, so samples without a TTL are skipped, with a
 * bounded number of tries.
 *
 * Memory freed is measured as Redis does (allocator figure before and
 * after each deletion), so a lazily freed value counts once the worker
 * has freed it; every 16 keys the real state is checked again. */
#include "evict.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../ds/ht.h"
#include "../ds/mem.h"
#include "../os/clock.h"
#include "config.h"
#include "db.h"
#include "lfu.h"
#include "log.h"

#define POOL_SIZE 16
#define POOL_KEY_MAX 255 /* longer keys are kept in a heap copy */

typedef enum {
    P_NOEVICTION,
    P_ALLKEYS_LRU,
    P_ALLKEYS_LFU,
    P_ALLKEYS_RANDOM,
    P_VOLATILE_LRU,
    P_VOLATILE_LFU,
    P_VOLATILE_RANDOM,
    P_VOLATILE_TTL,
} Policy;

static const char *const policy_names[] = {"noeviction",       "allkeys-lru",    "allkeys-lfu",
                                           "allkeys-random",   "volatile-lru",   "volatile-lfu",
                                           "volatile-random",  "volatile-ttl"};

bool evict_enabled;

static struct {
    uint64_t maxmemory;
    Policy policy;        /* maxmemory-policy */
    Policy *db_policy;    /* per database (maxmemory-policy-db or the default) */
    int ndb;
    int samples;
    int tenacity;
    bool lazy;            /* lazyfree-lazy-eviction */
    size_t (*not_counted)(void);
    uint64_t evicted;
    uint64_t *db_evicted; /* per database, for INFO eviction */
    int64_t exceeded_since_ms; /* 0: within the limit */
    uint64_t exceeded_total_ms;
    int next_db;          /* the random policies' turn */
} ev = {.policy = P_NOEVICTION, .samples = 5, .tenacity = 10};

typedef struct {
    uint64_t score; /* higher: evicted first */
    int db;         /* -1: empty slot */
    size_t klen;
    char *key;
    char inline_key[POOL_KEY_MAX + 1];
} PoolSlot;

static PoolSlot pool[POOL_SIZE];
static bool pool_ready;

/* -------------------------------------------------------------- config */

static int policy_by_name(const char *s, size_t n) {
    for (int i = 0; i < (int)ARRAY_LEN(policy_names); i++)
        if (strlen(policy_names[i]) == n && strncasecmp(policy_names[i], s, n) == 0) return i;
    return -1;
}

static int64_t int_of(const char *name, int64_t def) {
    const char *v = config_value(name);
    return v ? strtoll(v, NULL, 10) : def;
}

/* "<db> <policy> [<db> <policy> ...]" into out[ndb] (entries not named
 * keep what they hold). */
static bool parse_policy_db(const char *s, Policy *out, int ndb, const char **err) {
    while (s && *s) {
        while (*s == ' ') s++;
        if (!*s) break;
        char *end;
        long db = strtol(s, &end, 10);
        if (end == s || *end != ' ' || db < 0 || db >= ndb) {
            *err = "maxmemory-policy-db: expected pairs of a database index and a maxmemory policy";
            return false;
        }
        s = end;
        while (*s == ' ') s++;
        size_t n = strcspn(s, " ");
        int p = policy_by_name(s, n);
        if (p < 0) {
            *err = "maxmemory-policy-db: unknown maxmemory policy";
            return false;
        }
        out[db] = (Policy)p;
        s += n;
    }
    return true;
}

bool evict_configure(const char **err) {
    int ndb = db_count_dbs();
    Policy *dp = mem_alloc(sizeof(Policy) * (size_t)(ndb > 0 ? ndb : 1));
    const char *pv = config_value("maxmemory-policy");
    int p = pv ? policy_by_name(pv, strlen(pv)) : 0;
    Policy def = p < 0 ? P_NOEVICTION : (Policy)p;
    for (int i = 0; i < ndb; i++) dp[i] = def;
    if (!parse_policy_db(config_value("maxmemory-policy-db"), dp, ndb, err)) {
        mem_free(dp);
        return false;
    }
    uint64_t max = 0;
    const char *mv = config_value("maxmemory");
    if (mv) config_parse_memory(mv, &max);
    mem_free(ev.db_policy);
    ev.db_policy = dp;
    if (!ev.db_evicted) ev.db_evicted = mem_calloc(sizeof(uint64_t) * (size_t)(ndb > 0 ? ndb : 1));
    ev.ndb = ndb;
    ev.policy = def;
    ev.maxmemory = max;
    ev.samples = (int)int_of("maxmemory-samples", 5);
    ev.tenacity = (int)int_of("maxmemory-eviction-tenacity", 10);
    ev.lazy = config_yes("lazyfree-lazy-eviction");
    evict_enabled = max > 0;
    return true;
}

/* ------------------------------------------------------------- figures */

void evict_set_not_counted(size_t (*fn)(void)) { ev.not_counted = fn; }
size_t evict_not_counted(void) { return ev.not_counted ? ev.not_counted() : 0; }

size_t evict_used_memory(void) {
    size_t used = mem_used(), skip = evict_not_counted();
    return used > skip ? used - skip : 0;
}

bool evict_table_may_grow(size_t more_bytes, double load) {
    if (!evict_enabled || load > 1.618) return true;
    return evict_used_memory() + more_bytes <= ev.maxmemory;
}

uint64_t evict_stat_keys(void) { return ev.evicted; }

uint64_t evict_current_exceeded_ms(void) {
    return ev.exceeded_since_ms ? (uint64_t)(clock_mono_us() / 1000 - ev.exceeded_since_ms) : 0;
}

uint64_t evict_stat_exceeded_ms(void) { return ev.exceeded_total_ms + evict_current_exceeded_ms(); }

void evict_reset_stats(void) {
    ev.evicted = 0;
    if (ev.db_evicted) memset(ev.db_evicted, 0, sizeof(uint64_t) * (size_t)ev.ndb);
    ev.exceeded_total_ms = 0;
    if (ev.exceeded_since_ms) ev.exceeded_since_ms = clock_mono_us() / 1000;
}

static void note_within(void) {
    if (!ev.exceeded_since_ms) return;
    ev.exceeded_total_ms += (uint64_t)(clock_mono_us() / 1000 - ev.exceeded_since_ms);
    ev.exceeded_since_ms = 0;
}

/* ----------------------------------------------------------- the pool */

static bool volatile_policy(Policy p) { return p >= P_VOLATILE_LRU; }
static bool random_policy(Policy p) { return p == P_ALLKEYS_RANDOM || p == P_VOLATILE_RANDOM; }

static Policy policy_of(int db) { return ev.db_policy && db < ev.ndb ? ev.db_policy[db] : ev.policy; }

const char *evict_db_policy(int db) { return policy_names[policy_of(db)]; }

uint64_t evict_db_evicted(int db) { return ev.db_evicted && db < ev.ndb ? ev.db_evicted[db] : 0; }

/* A database gives candidates when its policy evicts and, for the
 * volatile ones, it has keys with a TTL. */
static bool db_evicts(int i) {
    Policy p = policy_of(i);
    if (p == P_NOEVICTION) return false;
    Db *db = db_get(i);
    if (db_size(db) == 0) return false;
    return !volatile_policy(p) || db_expires(db) > 0;
}

static uint64_t score_of(Policy p, const Entry *e) {
    switch (p) {
    case P_ALLKEYS_LFU:
    case P_VOLATILE_LFU:
        /* the counter exists while maxmemory-policy is an LFU one; a
         * database given LFU by maxmemory-policy-db alone ranks by LRU */
        if (lfu_on) return 255 - entry_lfu_counter_now(e);
        return (db_lru_clock() - entry_lru_raw(e)) & 0xffffff;
    case P_VOLATILE_TTL:
        return UINT64_MAX - (uint64_t)entry_expire(e);
    default: /* LRU: idle seconds, on the 24-bit clock */
        return (db_lru_clock() - entry_lru_raw(e)) & 0xffffff;
    }
}

static void slot_clear(PoolSlot *s) {
    if (s->key && s->key != s->inline_key) mem_free(s->key);
    s->key = NULL;
    s->db = -1;
}

static void pool_init(void) {
    for (int i = 0; i < POOL_SIZE; i++) pool[i].db = -1;
    pool_ready = true;
}

static bool pool_has(int db, const char *key, size_t klen) {
    for (int i = 0; i < POOL_SIZE; i++)
        if (pool[i].db == db && pool[i].klen == klen && memcmp(pool[i].key, key, klen) == 0) return true;
    return false;
}

/* Keeps the POOL_SIZE best scores, ascending: the last slot is the best. */
static void pool_insert(int db, const Entry *e, uint64_t score) {
    size_t klen;
    const char *key = entry_key(e, &klen);
    if (pool_has(db, key, klen)) return;
    int pos = 0;
    while (pos < POOL_SIZE && pool[pos].db >= 0 && pool[pos].score < score) pos++;
    if (pos == 0 && pool[0].db >= 0) {
        if (pool[POOL_SIZE - 1].db >= 0) return; /* full, and worse than all */
    }
    if (pool[POOL_SIZE - 1].db < 0) { /* a free slot at the end: shift right */
        memmove(&pool[pos + 1], &pool[pos], sizeof(PoolSlot) * (size_t)(POOL_SIZE - 1 - pos));
    } else { /* full: drop the worst, shift left */
        pos--;
        slot_clear(&pool[0]);
        memmove(&pool[0], &pool[1], sizeof(PoolSlot) * (size_t)pos);
    }
    PoolSlot *s = &pool[pos];
    s->db = db;
    s->score = score;
    s->klen = klen;
    s->key = klen <= POOL_KEY_MAX ? s->inline_key : mem_alloc(klen);
    memcpy(s->key, key, klen);
    /* inline keys moved with memmove point at their old slot: re-aim */
    for (int i = 0; i < POOL_SIZE; i++)
        if (pool[i].db >= 0 && pool[i].klen <= POOL_KEY_MAX) pool[i].key = pool[i].inline_key;
}

static void pool_fill(void) {
    for (int i = 0; i < db_count_dbs(); i++) {
        if (!db_evicts(i)) continue;
        Policy p = policy_of(i);
        Db *db = db_get(i);
        int want = ev.samples, tries = ev.samples * 8;
        while (want > 0 && tries-- > 0) {
            Entry *e = db_random_entry(db);
            if (!e) break;
            if (volatile_policy(p) && !entry_has_ttl(e)) continue;
            pool_insert(i, e, score_of(p, e));
            want--;
        }
    }
}

/* The best candidate still present (and still fitting its policy). */
static bool pool_pick(int *db, char **key, size_t *klen) {
    for (int i = POOL_SIZE - 1; i >= 0; i--) {
        PoolSlot *s = &pool[i];
        if (s->db < 0) continue;
        Entry *e = s->db < db_count_dbs() ? db_peek(db_get(s->db), s->key, s->klen) : NULL;
        bool fits = e && policy_of(s->db) != P_NOEVICTION && (!volatile_policy(policy_of(s->db)) || entry_has_ttl(e));
        if (fits) {
            *db = s->db;
            *klen = s->klen;
            *key = mem_alloc(s->klen ? s->klen : 1);
            memcpy(*key, s->key, s->klen);
        }
        slot_clear(s);
        if (fits) return true;
    }
    return false;
}

static bool random_pick(int *dbi, char **key, size_t *klen) {
    int n = db_count_dbs();
    for (int k = 0; k < n; k++) {
        int i = (ev.next_db + k) % n;
        if (!db_evicts(i) || !random_policy(policy_of(i))) continue;
        Db *db = db_get(i);
        bool vol = volatile_policy(policy_of(i));
        for (int tries = 0; tries < 64; tries++) {
            Entry *e = db_random_entry(db);
            if (!e) break;
            if (vol && !entry_has_ttl(e)) continue;
            const char *kp = entry_key(e, klen);
            *key = mem_alloc(*klen ? *klen : 1);
            memcpy(*key, kp, *klen);
            *dbi = i;
            ev.next_db = i + 1;
            return true;
        }
    }
    return false;
}

/* Picks and evicts one key, adding the bytes its deletion freed to
 * *freed. false when no database can give one. */
static bool evict_one(size_t *freed) {
    int db = -1;
    char *key = NULL;
    size_t klen = 0;
    bool found = false;
    bool sampled = false;
    for (int i = 0; i < db_count_dbs() && !sampled; i++) sampled = db_evicts(i) && !random_policy(policy_of(i));
    if (sampled) {
        if (!pool_ready) pool_init();
        for (int round = 0; round < 4 && !found; round++) {
            pool_fill();
            found = pool_pick(&db, &key, &klen);
        }
    }
    if (!found) found = random_pick(&db, &key, &klen);
    if (!found) return false;
    *freed += db_evict_key(db_get(db), key, klen, ev.lazy);
    ev.evicted++;
    ev.db_evicted[db]++;
    mem_free(key);
    return true;
}

/* ------------------------------------------------------------- the loop */

/* Redis's evictionTimeLimitUs: tenacity 10 (the default) is 500 us per
 * call; 100 is no limit. */
static int64_t time_limit_us(void) {
    if (ev.tenacity <= 10) return 50 * (int64_t)ev.tenacity;
    if (ev.tenacity < 100) return (int64_t)(500.0 * 1.15 * (double)(ev.tenacity - 10) * (double)(ev.tenacity - 10) / 10 + 500);
    return INT64_MAX;
}

static bool last_oom;

bool evict_out_of_memory(void) { return last_oom; }

static bool make_room(void);

bool evict_make_room(void) {
    last_oom = !make_room();
    return !last_oom;
}

static bool make_room(void) {
    size_t used = evict_used_memory();
    if (used <= ev.maxmemory) {
        note_within();
        return true;
    }
    if (!ev.exceeded_since_ms) ev.exceeded_since_ms = clock_mono_us() / 1000;
    size_t tofree = used - ev.maxmemory, freed = 0;
    int64_t start = clock_mono_us(), limit = time_limit_us();
    int keys = 0;
    while (freed < tofree) {
        if (!evict_one(&freed)) return false;
        if (++keys % 16 == 0) {
            if (evict_used_memory() <= ev.maxmemory) break; /* lazy frees caught up */
            if (clock_mono_us() - start > limit) return true; /* the next call goes on */
        }
    }
    if (evict_used_memory() <= ev.maxmemory) note_within();
    return true;
}

static bool on_set(const char **err) {
    if (!evict_configure(err)) return false;
    size_t used = evict_used_memory();
    if (ev.maxmemory && ev.maxmemory < used)
        log_msg(LOG_WARNING, "WARNING: the new maxmemory value set via CONFIG SET (%llu) is smaller than the "
                             "current memory usage (%zu). This will result in key eviction and/or the "
                             "inability to accept new write commands depending on the maxmemory-policy.",
                (unsigned long long)ev.maxmemory, used);
    if (ev.maxmemory) evict_make_room();
    return true;
}

bool evict_init(void) {
    static const char *const names[] = {"maxmemory", "maxmemory-policy", "maxmemory-policy-db",
                                        "maxmemory-samples", "maxmemory-eviction-tenacity",
                                        "lazyfree-lazy-eviction"};
    for (size_t i = 0; i < ARRAY_LEN(names); i++) config_on_set(names[i], on_set);
    const char *err = NULL;
    if (!evict_configure(&err)) {
        log_msg(LOG_WARNING, "%s", err);
        return false;
    }
    return true;
}

bool evict_step(void) {
    if (evict_used_memory() <= ev.maxmemory) {
        note_within();
        return true;
    }
    if (!evict_make_room()) return true; /* nothing evictable: writes get -OOM, no spinning */
    return evict_used_memory() <= ev.maxmemory;
}
