/* core/t_set.c -- the set object (see t_set.h).
 *
 * A Set * is a tagged pointer: an IntSet * with bit 0 set, or a HashTable *
 * (bit clear) whose entries are single allocations:
 *
 *   +-------------+-----------------------------+--------------+
 *   | next (ptr)  | len: 1 byte (< 255), or      | member bytes |
 *   |             | 0xff + 8 bytes (size_t)      |              |
 *   +-------------+-----------------------------+--------------+
 *
 * Invariant: an intset holds at most max(set-max-intset-entries) members
 * after any add (a lowered limit takes effect at the next add, as in
 * Redis), and a hash table never turns back into an intset in place. */
#include "t_set.h"

#include <string.h>

#include "../ds/ht.h"
#include "../ds/intset.h"
#include "../ds/mem.h"
#include "../ds/num.h"
#include "config.h"
#include "db.h"

/* ---------- tagged pointer ---------- */

static inline bool is_int(const Set *s) { return ((uintptr_t)s & 1u) != 0; }
static inline IntSet *as_is(const Set *s) { return (IntSet *)((uintptr_t)s & ~(uintptr_t)1); }
static inline HashTable *as_ht(const Set *s) { return (HashTable *)(uintptr_t)s; }
static inline Set *from_is(IntSet *is) { return (Set *)((uintptr_t)is | 1u); }
static inline Set *from_ht(HashTable *ht) { return (Set *)ht; }

/* ---------- hash table members ---------- */

typedef struct Elem {
    void *next;
    unsigned char d[]; /* length header, then the bytes */
} Elem;

static inline const char *elem_bytes(const Elem *e, size_t *len) {
    if (LIKELY(e->d[0] < 255)) {
        *len = e->d[0];
        return (const char *)e->d + 1;
    }
    memcpy(len, e->d + 1, sizeof(size_t));
    return (const char *)e->d + 1 + sizeof(size_t);
}

static Elem *elem_new(const char *m, size_t len) {
    size_t hdr = len < 255 ? 1 : 1 + sizeof(size_t);
    Elem *e = mem_alloc(offsetof(Elem, d) + hdr + len);
    e->next = NULL;
    if (hdr == 1) {
        e->d[0] = (unsigned char)len;
    } else {
        e->d[0] = 255;
        memcpy(e->d + 1, &len, sizeof(size_t));
    }
    memcpy(e->d + hdr, m, len);
    return e;
}

static const char *elem_key(const void *e, size_t *len) { return elem_bytes(e, len); }
static void elem_free(void *e) { mem_free(e); }

static const HtType elem_type = {offsetof(Elem, next), elem_key, elem_free};

static inline SetMember elem_member(const Elem *e) {
    SetMember m = {NULL, 0, 0};
    m.s = elem_bytes(e, &m.len);
    return m;
}

/* ---------- randomness ---------- */


/* Uniform in [0, n), n > 0 (the modulo bias is below 2^-40 for any size a
 * set can have). */
static inline size_t rng_below(size_t n) { return (size_t)(ht_rand64() % n); }

/* ---------- creation, encoding ---------- */

/* The effective intset limit: Redis caps it at 2^30 (intset internals). */
static inline size_t max_intset(void) {
    int64_t m = cfg.set_max_intset_entries;
    if (m < 0) return 0;
    return m > (1 << 30) ? (size_t)1 << 30 : (size_t)m;
}

Set *set_new_intset(void) { return from_is(intset_new()); }

Set *set_new_for(const char *m, size_t len) {
    int64_t v;
    if (num_parse_int64(m, len, &v)) return set_new_intset();
    return from_ht(ht_create(&elem_type));
}

void set_free(Set *s) {
    if (is_int(s)) intset_free(as_is(s));
    else ht_destroy(as_ht(s));
}

size_t set_len(const Set *s) {
    return is_int(s) ? intset_len(as_is(s)) : ht_count(as_ht(s));
}

bool set_is_intset(const Set *s) { return is_int(s); }

const IntSet *set_intset(const Set *s) { return is_int(s) ? as_is(s) : NULL; }

const char *set_encoding(const Set *s) { return is_int(s) ? "intset" : "hashtable"; }

/* Moves every integer of the intset into a new hash table. */
static HashTable *convert(IntSet *is) {
    HashTable *ht = ht_create(&elem_type);
    char buf[24];
    for (size_t i = 0, n = intset_len(is); i < n; i++) {
        size_t len = num_format_int64(buf, intset_get(is, i));
        ht_add_absent(ht, elem_new(buf, len)); /* distinct integers */
    }
    intset_free(is);
    return ht;
}

/* ---------- add, remove, membership ---------- */

static bool add_int(Set **s, int64_t v) {
    bool added;
    IntSet *is = intset_add(as_is(*s), v, &added);
    *s = from_is(is);
    if (added && intset_len(is) > max_intset()) *s = from_ht(convert(is));
    return added;
}

static bool ht_add_bytes(HashTable *ht, const char *m, size_t len) {
    if (ht_find(ht, m, len)) return false;
    ht_add_absent(ht, elem_new(m, len));
    return true;
}

bool set_add(Set **s, const char *m, size_t len) {
    if (is_int(*s)) {
        int64_t v;
        if (num_parse_int64(m, len, &v)) return add_int(s, v);
        /* Not an integer, so not in the intset: convert and add. */
        HashTable *ht = convert(as_is(*s));
        *s = from_ht(ht);
        ht_add_absent(ht, elem_new(m, len));
        return true;
    }
    return ht_add_bytes(as_ht(*s), m, len);
}

bool set_add_member(Set **s, const SetMember *m) {
    if (m->s) return set_add(s, m->s, m->len);
    if (is_int(*s)) return add_int(s, m->v);
    char buf[24];
    size_t len = num_format_int64(buf, m->v);
    return ht_add_bytes(as_ht(*s), buf, len);
}

bool set_remove(Set **s, const char *m, size_t len) {
    if (is_int(*s)) {
        int64_t v;
        bool removed;
        if (!num_parse_int64(m, len, &v)) return false;
        *s = from_is(intset_remove(as_is(*s), v, &removed));
        return removed;
    }
    return ht_delete(as_ht(*s), m, len);
}

void set_remove_members(Set **s, const SetMember *m, size_t n) {
    if (n == 0) return;
    if (is_int(*s) && n == 1) {
        *s = from_is(intset_remove(as_is(*s), m[0].v, NULL));
        return;
    }
    if (is_int(*s)) {
        int64_t *vals = mem_alloc(n * sizeof(*vals));
        for (size_t i = 0; i < n; i++) vals[i] = m[i].v;
        *s = from_is(intset_remove_many(as_is(*s), vals, n));
        mem_free(vals);
        return;
    }
    /* m[i].s points into its own element: unlinking the others leaves it
     * alone, and it is not read after its own removal. */
    for (size_t i = 0; i < n; i++) ht_delete(as_ht(*s), m[i].s, m[i].len);
}

bool set_contains(const Set *s, const char *m, size_t len) {
    if (is_int(s)) {
        int64_t v;
        return num_parse_int64(m, len, &v) && intset_contains(as_is(s), v);
    }
    return ht_find(as_ht(s), m, len) != NULL;
}

bool set_contains_member(const Set *s, const SetMember *m) {
    if (m->s) return set_contains(s, m->s, m->len);
    if (is_int(s)) return intset_contains(as_is(s), m->v);
    char buf[24];
    size_t len = num_format_int64(buf, m->v);
    return ht_find(as_ht(s), buf, len) != NULL;
}

/* ---------- iteration ---------- */

typedef struct {
    SetMemberFn fn;
    void *ctx;
    bool stop;
} Visit;

static void visit_elem(void *ctx, void *entry) {
    Visit *v = ctx;
    if (v->stop) return;
    SetMember m = elem_member(entry);
    if (!v->fn(v->ctx, &m)) v->stop = true;
}

void set_foreach(const Set *s, SetMemberFn fn, void *ctx) {
    if (is_int(s)) {
        const IntSet *is = as_is(s);
        SetMember m = {NULL, 0, 0};
        for (size_t i = 0, n = intset_len(is); i < n; i++) {
            m.v = intset_get(is, i);
            if (!fn(ctx, &m)) return;
        }
        return;
    }
    /* A scan visits each entry exactly once when the table does not
     * change meanwhile (fn must not change it). */
    Visit v = {fn, ctx, false};
    uint64_t cursor = 0;
    do cursor = ht_scan(as_ht(s), cursor, visit_elem, &v);
    while (cursor && !v.stop);
}

static bool visit_all(void *ctx, const SetMember *m) {
    Visit *v = ctx;
    v->fn(v->ctx, m);
    return true;
}

uint64_t set_scan(const Set *s, uint64_t cursor, SetMemberFn fn, void *ctx) {
    Visit v = {fn, ctx, false};
    if (is_int(s)) {
        set_foreach(s, visit_all, &v);
        return 0;
    }
    return ht_scan(as_ht(s), cursor, visit_elem, &v);
}

/* ---------- random members ---------- */

SetMember set_random(const Set *s) {
    if (is_int(s)) {
        const IntSet *is = as_is(s);
        SetMember m = {NULL, 0, intset_get(is, rng_below(intset_len(is)))};
        return m;
    }
    return elem_member((Elem *)ht_random_fair(as_ht(s)));
}

static void shuffle(SetMember *m, size_t n) {
    for (size_t i = n; i > 1; i--) {
        size_t j = rng_below(i);
        SetMember t = m[i - 1];
        m[i - 1] = m[j];
        m[j] = t;
    }
}

/* Selection sampling (Knuth's algorithm S) over the members in order:
 * each is taken with probability needed/left, which picks a uniformly
 * random subset of exactly `need` members in one pass. */
typedef struct {
    SetMember *out;
    size_t need, left, got;
} Selection;

static bool select_member(void *ctx, const SetMember *m) {
    Selection *sel = ctx;
    if (rng_below(sel->left) < sel->need - sel->got) sel->out[sel->got++] = *m;
    sel->left--;
    return sel->got < sel->need;
}

/* For few picks from a big set: random probes, deduplicated by identity
 * (element address, or intset position + 1) in a small open-addressing
 * table. Expected probes stay below 1.5 * count because count <= n / 3. */
static void sample_by_probes(const Set *s, size_t count, SetMember *out) {
    size_t cap = 4;
    while (cap < count * 2) cap *= 2;
    uint64_t *seen = mem_calloc(cap * sizeof(*seen));
    const IntSet *is = is_int(s) ? as_is(s) : NULL;
    size_t got = 0;
    while (got < count) {
        uint64_t id;
        SetMember m = {NULL, 0, 0};
        if (is) {
            size_t i = rng_below(intset_len(is));
            m.v = intset_get(is, i);
            id = (uint64_t)i + 1;
        } else {
            Elem *e = (Elem *)ht_random_fair(as_ht(s));
            m = elem_member(e);
            id = (uint64_t)(uintptr_t)e;
        }
        size_t h = (size_t)((id * 0x9e3779b97f4a7c15ULL) >> 17) & (cap - 1);
        while (seen[h] && seen[h] != id) h = (h + 1) & (cap - 1);
        if (seen[h]) continue;
        seen[h] = id;
        out[got++] = m;
    }
    mem_free(seen);
}

/* Below this size a pass over the whole set is cheaper than probing. */
#define SAMPLE_PROBE_MIN 64

void set_sample(const Set *s, size_t count, SetMember *out) {
    size_t n = set_len(s);
    ASSERT(count < n);
    if (count == 0) return;
    if (count * 3 <= n && n > SAMPLE_PROBE_MIN) {
        sample_by_probes(s, count, out);
        return;
    }
    Selection sel = {out, count, n, 0};
    set_foreach(s, select_member, &sel);
    ASSERT(sel.got == count);
    shuffle(out, count);
}

/* ---------- keyspace type operations ---------- */

static bool dup_member(void *ctx, const SetMember *m) {
    HashTable *ht = ctx;
    ht_add_absent(ht, elem_new(m->s, m->len)); /* members are distinct */
    return true;
}

static void *ops_dup(const void *obj) {
    const Set *s = obj;
    if (is_int(s)) return from_is(intset_dup(as_is(s)));
    HashTable *ht = ht_create(&elem_type);
    set_foreach(s, dup_member, ht);
    return from_ht(ht);
}

static void ops_free(void *obj) { set_free(obj); }
static const char *ops_encoding(const void *obj) { return set_encoding(obj); }
static size_t ops_length(const void *obj) { return set_len(obj); }

/* Bytes held: exact for an intset; for a table, the buckets plus the
 * average size of up to 64 members times the count (a sample, as MEMORY
 * USAGE does). */
typedef struct {
    size_t seen, bytes;
} MemSample;

static void mem_elem(void *ctx, void *entry) {
    MemSample *ms = ctx;
    ms->bytes += mem_usable(entry);
    ms->seen++;
}

static size_t ops_mem(const void *obj) {
    const Set *s = obj;
    if (is_int(s)) return intset_mem(as_is(s));
    HashTable *ht = as_ht(s);
    size_t n = ht_count(ht), total = mem_usable(ht) + ht_buckets(ht) * sizeof(void *);
    MemSample ms = {0, 0};
    uint64_t cursor = 0;
    do cursor = ht_scan(ht, cursor, mem_elem, &ms);
    while (cursor && ms.seen < 64);
    if (ms.seen) total += ms.bytes / ms.seen * n;
    return total;
}

static const TypeOps set_ops = {ops_free, ops_dup, ops_encoding, ops_length, ops_mem};

void set_register_type(void) {
    db_register_type(TYPE_SET, &set_ops);
}
