/* core/db.h -- the keyspace: numbered databases of keys -> entries, with
 * millisecond expiry (lazy on access, plus an active sweep from the cron).
 *
 * An entry is one allocation holding the key and, for small strings and
 * integers, the value itself (see db.c for the byte layout). Entries move
 * when they change size, so an Entry pointer is only valid until the next
 * change to the database: look it up again after any write. */
#ifndef KILAT_DB_H
#define KILAT_DB_H

#include "../base.h"

typedef struct Db Db;
typedef struct Entry Entry;

typedef enum {
    TYPE_STRING = 0,
    TYPE_LIST = 1,
    TYPE_SET = 2,
    TYPE_ZSET = 3,
    TYPE_HASH = 4,
    TYPE_STREAM = 6, /* Redis's OBJ_STREAM */
} ValueType;

/* Databases are created once at start (databases directive). */
void db_init_all(int count);
void db_free_all(void);
int db_count_dbs(void);
Db *db_get(int index);
int db_index(const Db *db);

/* --- lookups (expired keys are deleted here and read as absent) --- */
/* Read access: updates the access clock unless no_touch. */
Entry *db_lookup(Db *db, const char *key, size_t klen, bool no_touch);
/* Existence without touching the access clock (EXISTS-like callers may
 * still call db_lookup to touch). */
bool db_exists(Db *db, const char *key, size_t klen);
/* Whether the key is stored and whether its TTL has passed, deleting
 * nothing (WATCH tells "already expired" keys apart, as Redis 7.0). */
typedef enum { DB_KEY_ABSENT, DB_KEY_LIVE, DB_KEY_EXPIRED } DbKeyState;
/* The stored entry, expired or not, deleting and touching nothing (DEBUG
 * OBJECT inspects a key whose TTL passed, as Redis's does). */
Entry *db_peek(Db *db, const char *key, size_t klen);
DbKeyState db_key_state(Db *db, const char *key, size_t klen);

/* --- entry accessors --- */
ValueType entry_type(const Entry *e);
const char *entry_key(const Entry *e, size_t *len);
/* The string value's bytes. An integer-encoded value is formatted into
 * buf (>= 24 bytes) and buf is returned. */
const char *entry_str(const Entry *e, size_t *len, char *buf);
size_t entry_strlen(const Entry *e);
/* true and *out if the value is a string holding a canonical int64. */
bool entry_get_int64(const Entry *e, int64_t *out);
bool entry_is_int(const Entry *e);
/* Expire time in unix ms, or -1 when the key is persistent. */
int64_t entry_expire(const Entry *e);
/* "int", "embstr", "raw" (OBJECT ENCODING for strings). */
const char *entry_encoding_name(const Entry *e);
/* The access word (24 bits) holds the LRU clock, or under an LFU
 * maxmemory-policy (lfu_on, core/lfu.h) an LFU stamp and counter; each
 * reader below is meaningful only in its own mode. */
/* LRU: seconds since the last access (OBJECT IDLETIME, RDB IDLE). */
uint32_t entry_idle_seconds(const Entry *e);
/* LRU: the same in ms, what eviction ranks LRU candidates by (1 s steps). */
uint64_t entry_idle_ms(const Entry *e);
/* LFU: the counter with decay applied, the word unchanged (OBJECT FREQ,
 * RDB FREQ, what eviction ranks LFU candidates by: lower goes first). */
uint8_t entry_lfu_counter_now(const Entry *e);
uint8_t entry_lfu_freq(const Entry *e); /* the same */
/* RESTORE IDLETIME/FREQ and a loaded file's IDLE/FREQ fields: idle in
 * LRU mode, freq (stamped now) in LFU mode. */
void entry_set_idle_seconds(Entry *e, uint64_t secs);
void entry_set_lfu_freq(Entry *e, uint8_t freq);
/* Bytes this entry holds (for MEMORY USAGE-like figures). */
size_t entry_mem(const Entry *e);

/* --- collection values (lists, hashes, sets, sorted sets) ---
 * A type module registers its object operations once at start; the entry
 * then holds a pointer to the object and the keyspace owns it. */
typedef struct {
    void (*free)(void *obj);                  /* may run on the bg thread */
    void *(*dup)(const void *obj);            /* deep copy, for COPY */
    const char *(*encoding)(const void *obj); /* OBJECT ENCODING */
    size_t (*length)(const void *obj);        /* elements: picks lazy free */
    size_t (*mem)(const void *obj);           /* optional: bytes held */
} TypeOps;
void db_register_type(ValueType t, const TypeOps *ops);
/* The object of a collection entry (entry_type(e) != TYPE_STRING). */
void *entry_obj(const Entry *e);
/* Stores a new object pointer in the entry (after the object moved, e.g.
 * a packed encoding was reallocated). Does not free the old one. */
void entry_set_obj(Entry *e, void *obj);
/* Sets key to obj (replacing any value and TTL); the db now owns obj.
 * Deleting a collection that becomes empty is the command's job
 * (db_delete). */
void db_add_obj(Db *db, const char *key, size_t klen, ValueType t, void *obj);

/* --- writes (each adds to db_dirty) --- */
/* Sets a string value. expire_ms: >0 absolute unix ms, DB_KEEP_TTL keeps an
 * existing expire, DB_NO_TTL removes it. An integer-looking value is stored
 * as an int when `try_int` (what SET does). */
#define DB_NO_TTL 0
#define DB_KEEP_TTL (-1)
void db_set_string(Db *db, const char *key, size_t klen, const char *val, size_t vlen,
                   int64_t expire_ms);
/* As db_set_string, but the value is never int-encoded (INCRBYFLOAT's
 * result "3" stays a string: OBJECT ENCODING says "embstr", as in Redis). */
void db_set_string_text(Db *db, const char *key, size_t klen, const char *val, size_t vlen,
                        int64_t expire_ms);
void db_set_int(Db *db, const char *key, size_t klen, int64_t v, int64_t expire_ms);
/* Appends to (or creates) a string; returns the new length. */
size_t db_append(Db *db, const char *key, size_t klen, const char *data, size_t dlen);
/* Writes data at offset (zero-padding); returns the new length. The caller
 * checked the 512MB limit. */
size_t db_setrange(Db *db, const char *key, size_t klen, size_t off, const char *data,
                   size_t dlen);
/* The string at key as a writable buffer of at least minlen bytes, for
 * the bit commands: an absent key is created, a shorter value is padded
 * with zero bytes, an int or embedded value becomes raw (OBJECT ENCODING
 * "raw", as Redis's unshared string). The caller checked the key is a
 * string or absent. *len is the length; *grew says whether the key was
 * created or lengthened. Adds nothing to db_dirty: the caller counts its
 * changes (db_add_dirty). Valid until the next write to db. */
char *db_string_mutable(Db *db, const char *key, size_t klen, size_t minlen, size_t *len,
                        bool *grew);
/* Sets key (any type before, TTL removed) to a new raw string of len
 * bytes, left for the caller to fill at once; returns them. */
char *db_string_new(Db *db, const char *key, size_t klen, size_t len);
bool db_delete(Db *db, const char *key, size_t klen);
/* Sets (when_ms > 0) or removes (when_ms == DB_NO_TTL) the key's expire.
 * false if the key does not exist. */
bool db_set_expire(Db *db, const char *key, size_t klen, int64_t when_ms);
/* Moves the key (with its TTL) to dst under a new name, replacing what is
 * there. The source must exist. Used by RENAME, MOVE. */
void db_rename(Db *src, const char *key, size_t klen, Db *dst, const char *nkey, size_t nklen);
/* Copies key's value (and TTL) to dst/nkey, replacing. Source must exist. */
void db_copy(Db *src, const char *key, size_t klen, Db *dst, const char *nkey, size_t nklen);
/* Opens key's string value for editing in place (HyperLogLog registers):
 * the value becomes a raw string with room for `room` bytes and a NUL
 * (an empty one is created when the key is absent); returns its bytes and
 * points *len at its length, which the caller updates, keeping
 * buf[*len] == 0 and *len <= room. Valid until the next change to the
 * database. Adds nothing to db_dirty: the caller counts its changes. */
char *db_string_edit(Db *db, const char *key, size_t klen, size_t room, size_t **len);

/* --- whole database --- */
/* A load's hint (RDB RESIZEDB): sizes an empty database's table for
 * `keys` at once; nothing if it already holds keys. */
void db_reserve(Db *db, size_t keys);
size_t db_size(Db *db);
size_t db_expires(Db *db);
/* Bytes of the key table itself (buckets), without the entries: MEMORY
 * STATS's overhead.hashtable.main. Expires live in the entries: no table. */
size_t db_table_overhead(Db *db);
int64_t db_avg_ttl(Db *db);
/* Empties the database. async: the old contents are freed by a
 * background thread. Returns the number of keys removed. */
size_t db_flush(Db *db, bool async);
void db_swap(int a, int b);
/* Random live key: copies it to *out (mem_alloc'd, caller frees); false if empty. */
bool db_random_key(Db *db, char **out, size_t *outlen);
/* Iterates like SCAN: calls fn for the live entries of one step, returns
 * the next cursor (0 = done). fn must not change the database. */
typedef void (*DbScanFn)(void *ctx, Entry *e);
uint64_t db_scan(Db *db, uint64_t cursor, DbScanFn fn, void *ctx);

/* Count of changes to the dataset (every write above adds to it; expiry
 * does not). The dispatcher compares it around a command to know whether
 * the command changed anything (propagation, INFO). */
uint64_t db_dirty(void);
void db_add_dirty(uint64_t n);
/* Puts the counter back to v: DEBUG RELOAD's flush and load are no change
 * to the dataset (nothing to propagate, as in Redis). */
void db_restore_dirty(uint64_t v);

/* While held (CLIENT PAUSE), expired keys read as absent but are not
 * deleted, by lookups, SCAN, RANDOMKEY or the active cycle; they go once
 * the hold is released and they are next seen. */
void db_hold_expiry(bool held);
/* While frozen (an AOF is being replayed, as Redis while loading) nothing
 * expires: keys whose TTL has passed read as live, and commands given a
 * time already past set it instead of deleting the key (db_time_passed).
 * The file's later commands saw those keys live when it was written. */
void db_freeze_expiry(bool frozen);
/* when_ms is at or before now and expiry is not frozen: the commands'
 * "already expired, delete instead" test (EXPIRE, GETEX, RESTORE). */
bool db_time_passed(int64_t when_ms);

/* --- point-in-time snapshots (persist/ drives them; core never calls
 * persist/ except through these hooks) ---
 * Between db_snapshot_begin and db_snapshot_end every entry that existed at
 * the begin is "pending" until taken. Before a write changes or removes a
 * pending entry, db calls hooks->save_entry (which must save it: it is
 * already marked taken); before FLUSHDB/SWAPDB change a whole database it
 * calls hooks->whole_db (which must take every pending entry of it).
 * Entries created during the snapshot are born taken. Write commands also
 * call db_snapshot_prewrite for their keys before they run (command.c),
 * since they change collection objects in place. The snapshot must take
 * every entry (db_snapshot_scan to the end) before db_snapshot_end. */
typedef struct {
    void (*save_entry)(void *ctx, Db *db, Entry *e);
    void (*whole_db)(void *ctx, Db *db);
    void *ctx;
} DbSnapshotHooks;
extern bool db_snapshot_on;
void db_snapshot_begin(const DbSnapshotHooks *hooks);
void db_snapshot_end(void);
/* true (and marks it taken) if e is pending. */
bool entry_snapshot_take(Entry *e);
/* Saves key's entry first if it is pending (a write is about to run). */
void db_snapshot_prewrite(Db *db, const char *key, size_t klen);
/* ht_scan over every entry, expired ones included; fn must not change
 * the database. Returns the next cursor (0: done). */
uint64_t db_snapshot_scan(Db *db, uint64_t cursor, DbScanFn fn, void *ctx);
/* Every entry in table order, for a walk nothing interrupts (SAVE). */
void db_snapshot_foreach(Db *db, DbScanFn fn, void *ctx);

/* --- cron --- */
/* Eviction (core/evict.c): a random entry of db (NULL when empty), and
 * the deletion of one key for maxmemory: deleted, counted in
 * evicted_keys' place by the caller, propagated as propagate_evicted. */
Entry *db_random_entry(Db *db);
bool entry_has_ttl(const Entry *e);
uint32_t entry_lru_raw(const Entry *e);
uint32_t db_lru_clock(void);
/* Returns the bytes the deletion itself freed (what Redis counts: not the
 * output the eviction's invalidations and notifications then add, or the
 * loop could evict everything to pay for its own messages). */
size_t db_evict_key(Db *db, const char *key, size_t klen, bool lazy);

/* Active expiry: deletes expired keys for at most budget_us. */
void db_active_expire(int64_t budget_us);
/* Progresses incremental rehashing and shrinks tables that emptied. */
void db_cron_tables(void);
/* The access clock in seconds (24 bits, wraps); set by the cron. */
void db_update_clock(int64_t now_ms);
/* Counters for INFO stats. */
uint64_t db_stat_expired(void);
uint64_t db_stat_hits(void);
uint64_t db_stat_misses(void);
void db_stat_hit(bool hit);
/* A read lookup's outcome, as Redis's lookupKeyRead: counts the hit or
 * miss and publishes "keymiss" (class m) on a miss. */
void db_note_read(Db *db, const char *key, size_t klen, bool hit);
void db_reset_stats(void);
/* Lazy freeing (INFO memory): objects waiting for the background thread,
 * and objects it freed since the last db_reset_stats. */
size_t db_lazyfree_pending(void);
uint64_t db_lazyfreed_objects(void);
/* Set to the current command's start time, so a key read twice in one
 * command sees one clock (as Redis does). */
void db_set_now(int64_t now_ms);
int64_t db_now(void);

#endif
