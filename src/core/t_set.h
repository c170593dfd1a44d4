/* core/t_set.h -- the set object behind SADD and friends. Two encodings,
 * as Redis 7.0 (which has no listpack sets): an intset while every member
 * is a canonical int64 and there are at most set-max-intset-entries of
 * them; past either limit, a hash table of one-allocation members.
 * Conversion is one-way, except that an SPOP which keeps few members
 * builds a new set from them (as Redis does), which may be an intset.
 *
 * The keyspace stores a `Set *` (entry_obj). A change may move the object,
 * so changing functions take `Set **` and update it; the caller stores the
 * new pointer back in its entry (entry_set_obj). Members handed out
 * (SetMember) point into the set and are valid until that member is
 * removed or the set is freed (other changes do not move them). */
#ifndef KILAT_T_SET_H
#define KILAT_T_SET_H

#include "../base.h"

typedef struct Set Set; /* opaque: a tagged intset or hash table */

/* A member read out: bytes (s, len), or the integer v when s is NULL. */
typedef struct {
    const char *s;
    size_t len;
    int64_t v;
} SetMember;

/* Registers the TypeOps of TYPE_SET with the keyspace (once, at start). */
void set_register_type(void);

/* A new empty set in the encoding Redis picks for a set whose first member
 * is m (intset if m is an integer). set_new_intset: an empty intset (the
 * results of SINTERSTORE & co. start so). The caller owns the set until it
 * hands it to the keyspace (db_add_obj). */
Set *set_new_for(const char *m, size_t len);
Set *set_new_intset(void);
void set_free(Set *s);
size_t set_len(const Set *s);
bool set_is_intset(const Set *s);
/* The intset of an intset-encoded set, NULL for a hash table (RDB writes
 * the intset's values and width). */
const struct IntSet *set_intset(const Set *s);
/* "intset" or "hashtable" (OBJECT ENCODING). */
const char *set_encoding(const Set *s);

/* Adds m: true if it was new. Converts to a hash table when m is not an
 * integer, or when the intset grows past set-max-intset-entries. */
bool set_add(Set **s, const char *m, size_t len);
/* As set_add, for a member read out of another set. */
bool set_add_member(Set **s, const SetMember *m);
/* Removes m: true if it was there. */
bool set_remove(Set **s, const char *m, size_t len);
/* Removes n members previously read out of this very set (distinct, all
 * present; set_sample's output), in one pass for an intset. */
void set_remove_members(Set **s, const SetMember *m, size_t n);
/* Lookups may advance an incremental rehash of a hash table: never look
 * members up in a set that set_foreach/set_scan is walking. */
bool set_contains(const Set *s, const char *m, size_t len);
bool set_contains_member(const Set *s, const SetMember *m);

/* Calls fn for each member (intset: ascending) exactly once; fn returns
 * false to stop. fn must not change s, nor look members up in it. */
typedef bool (*SetMemberFn)(void *ctx, const SetMember *m);
void set_foreach(const Set *s, SetMemberFn fn, void *ctx);
/* One SSCAN step: the members at one cursor position and the next cursor
 * (0: done). An intset has no cursor: every member, and 0. fn's return
 * value is ignored. */
uint64_t set_scan(const Set *s, uint64_t cursor, SetMemberFn fn, void *ctx);

/* One member picked at random (s must not be empty). */
SetMember set_random(const Set *s);
/* Picks `count` distinct members (count < set_len(s)) uniformly at random
 * into out[0..count), in random order. */
void set_sample(const Set *s, size_t count, SetMember *out);

#endif
