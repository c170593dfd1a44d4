/* ds/ht.h -- chained hash table of intrusive entries, keyed by byte strings.
 * Each entry embeds its own chain link (a `void *` at HtType.next_offset), so
 * the table costs one bucket pointer per slot and nothing per entry.
 * Once added, an entry belongs to the table: entry_free runs on ht_delete and
 * ht_destroy. Rehashing is incremental (two tables while it runs), and
 * ht_scan's cursor returns every entry present for a whole scan even while
 * the table grows or shrinks. Not thread-safe. */
#ifndef KILAT_HT_H
#define KILAT_HT_H

#include "../base.h"

typedef struct HashTable HashTable; /* opaque */

typedef struct {
    size_t next_offset;                                   /* offsetof the link */
    const char *(*entry_key)(const void *entry, size_t *len);
    void (*entry_free)(void *entry);                      /* optional */
    /* Optional: asked before the table doubles, with the bytes the new
     * buckets take and the entries per bucket now; false keeps the table
     * as it is (chains grow) until a later add asks again. */
    bool (*may_grow)(size_t more_bytes, double load);
} HtType;

/* A new empty table (no buckets until the first add). Never NULL. */
HashTable *ht_create(const HtType *type);
/* Frees every entry (entry_free) and the table. */
void ht_destroy(HashTable *ht);
/* Frees every entry and leaves the table empty and usable. */
void ht_clear(HashTable *ht);
size_t ht_count(const HashTable *ht);
/* Total bucket slots (both tables while rehashing); for INFO and tests. */
size_t ht_buckets(const HashTable *ht);
bool ht_is_rehashing(const HashTable *ht);

/* The entry with this key, or NULL. */
void *ht_find(HashTable *ht, const char *key, size_t len);
/* The address of the pointer that holds the entry with this key (a bucket
 * slot or the previous entry's link), or NULL. Valid until the next call
 * that changes the table. Lets a caller swap an entry without a second
 * lookup (see ht_replace_at). */
void **ht_find_ref(HashTable *ht, const char *key, size_t len);
/* Puts `entry` (same key as *ref) in place of *ref, keeping the chain. The
 * old entry is unlinked and handed back to the caller, not freed. */
void ht_replace_at(HashTable *ht, void **ref, void *entry);
/* Adds an entry whose key is not in the table. false (and nothing added)
 * if the key exists. May grow the table. */
bool ht_add(HashTable *ht, void *entry);
/* Adds an entry the caller knows is absent (it just looked): skips the
 * duplicate check. Adding a present key this way corrupts the table. */
void ht_add_absent(HashTable *ht, void *entry);
/* Unlinks the entry with this key and returns it (not freed), or NULL. */
void *ht_remove(HashTable *ht, const char *key, size_t len);
/* Unlinks and frees (entry_free). false if absent. */
bool ht_delete(HashTable *ht, const char *key, size_t len);

/* Visits the entries of one bucket (both tables while rehashing) and
 * returns the next cursor; 0 means the scan is complete. fn must not change
 * the table: collect keys and change it after ht_scan returns. */
typedef void (*HtScanFn)(void *ctx, void *entry);
uint64_t ht_scan(HashTable *ht, uint64_t cursor, HtScanFn fn, void *ctx);
/* Visits every entry once, in bucket order (memory order: much faster than
 * a scan when nothing changes the table meanwhile). fn must not change it. */
void ht_foreach(HashTable *ht, HtScanFn fn, void *ctx);
/* Sizes an empty table for n entries at once (a load that knows its key
 * count skips the growth steps); does nothing to a non-empty table. */
void ht_reserve(HashTable *ht, size_t n);

/* A uniformly-ish chosen entry (random bucket, then random in its chain),
 * or NULL when empty. */
void *ht_random(HashTable *ht);
/* 64 random bits (splitmix64, seeded by ht_set_seed): for the random picks
 * of the collection types. Not for anything secret. */
uint64_t ht_rand64(void);
/* A uniformly chosen entry (rejection sampling over whole chains; a table
 * of up to 16 entries is read whole), or NULL when empty. A few times
 * ht_random's cost: for SRANDMEMBER, ZRANDMEMBER, HRANDFIELD and SPOP. */
void *ht_random_fair(HashTable *ht);

/* Does up to `steps` bucket moves of an ongoing rehash; true if more
 * remain. The server's cron calls this so idle tables finish rehashing. */
bool ht_rehash_steps(HashTable *ht, int steps);
/* Starts a shrink if the table is far too big for its entries (<1/8 full). */
void ht_maybe_shrink(HashTable *ht);

/* Hash of a byte string: SipHash-1-2 with a per-process random key set by
 * ht_set_seed (hash-flooding resistant). Used by every table. */
uint64_t ht_hash(const char *key, size_t len);
void ht_set_seed(const uint8_t seed[16]);

#endif
