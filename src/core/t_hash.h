/* core/t_hash.h -- the hash object (field -> value) behind HSET and friends.
 * Two encodings, as Redis 7.0: a listpack of field, value, field, value...
 * while the hash has at most hash-max-listpack-entries fields and no field
 * or value longer than hash-max-listpack-value bytes; past either limit, a
 * hash table of one-allocation elements. Conversion is one-way.
 *
 * The keyspace stores a `Hash *` (entry_obj). A change may move the object,
 * so changing functions take `Hash **` and update it; the caller stores the
 * new pointer back in its entry (entry_set_obj). Values handed out
 * (HashVal) point into the hash and are valid until the next change. */
#ifndef KILAT_T_HASH_H
#define KILAT_T_HASH_H

#include "../base.h"

typedef struct Hash Hash; /* opaque: a listpack or a tagged hash table */

/* A field or value read out: bytes (s, len), or an integer v when s is NULL
 * (the listpack keeps canonical integers as integers). */
typedef struct {
    const char *s;
    size_t len;
    int64_t v;
} HashVal;

/* Registers the TypeOps of TYPE_HASH with the keyspace (once, at start). */
void hash_register_type(void);

/* A new empty hash (listpack). The caller owns it until it gives it to the
 * keyspace (db_add_obj); hash_free releases one that was never given. */
Hash *hash_new(void);
void hash_free(Hash *h);
size_t hash_len(const Hash *h);
/* The listpack of a listpack-encoded hash (field, value, ...), NULL for a
 * hash table (RDB writes it in Redis's layout, ds/listpack.h). */
const unsigned char *hash_listpack(const Hash *h);
/* "listpack" or "hashtable" (OBJECT ENCODING). */
const char *hash_encoding(const Hash *h);

/* The value of field, or false when the field is absent. */
bool hash_get(Hash *h, const char *f, size_t flen, HashVal *out);
bool hash_exists(Hash *h, const char *f, size_t flen);
/* Sets field to value: true if the field is new, false if it was updated.
 * Converts to a hash table first when field or value is too long for the
 * listpack, and after adding when the hash has too many fields. */
bool hash_set(Hash **h, const char *f, size_t flen, const char *v, size_t vlen);
/* Adds a pair whose field the caller knows is absent (loading, after its
 * own duplicate check), without looking it up; the same conversion rules
 * as hash_set. A field that is present breaks the hash. */
void hash_append_new(Hash **h, const char *f, size_t flen, const char *v, size_t vlen);
/* Removes field: false if it was absent. */
bool hash_delete(Hash **h, const char *f, size_t flen);

/* A field found by hash_find, whose value hash_set_found replaces without
 * a second lookup (HINCRBY). Valid until the next change to the hash. */
typedef struct {
    unsigned char *vp; /* listpack: cursor of the value */
    void **ref;        /* hash table: the link that holds the element */
} HashSlot;
bool hash_find(Hash *h, const char *f, size_t flen, HashSlot *slot, HashVal *out);
/* Replaces the value of the field found at slot (f is its name). Applies
 * the same length rule as hash_set. */
void hash_set_found(Hash **h, HashSlot *slot, const char *f, size_t flen, const char *v,
                    size_t vlen);

/* Calls fn for pairs; fn returns false to stop. fn must not change h. */
typedef bool (*HashPairFn)(void *ctx, const HashVal *field, const HashVal *value);
/* Every pair, in the encoding's order. */
void hash_foreach(Hash *h, HashPairFn fn, void *ctx);
/* One HSCAN step of a hash table: the pairs of one cursor position, and
 * the next cursor (0: done). A listpack hash has no cursor: every pair,
 * and 0. */
uint64_t hash_scan(Hash *h, uint64_t cursor, HashPairFn fn, void *ctx);
/* One random pair (h must not be empty). */
void hash_random(Hash *h, HashVal *field, HashVal *value);
/* `count` random pairs. unique: distinct fields, count < hash_len(h), in no
 * particular order; otherwise with repetition, any count (fn may stop). */
void hash_random_pairs(Hash *h, uint64_t count, bool unique, HashPairFn fn, void *ctx);

#endif
