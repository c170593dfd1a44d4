/* core/t_hash.c -- the hash object: a listpack of field, value pairs, or a
 * hash table of elements once it outgrows the listpack limits (one-way).
 *
 * The object pointer is tagged: a listpack pointer is stored as is, a
 * HashTable pointer with its low bit set (allocations are 8-aligned), so a
 * hash costs no wrapper allocation. A hash table element is one allocation:
 *
 *   +------+-------------+-------+-------------+-------+
 *   | next | flen varint | field | vlen varint | value |
 *   +------+-------------+-------+-------------+-------+
 *
 * (varints: 7 bits a byte, least significant first, high bit = more). A
 * new value reallocates the element and swaps it in at its link
 * (ht_find_ref / ht_replace_at). */
#include "t_hash.h"

#include <string.h>

#include "../ds/ht.h"
#include "../ds/listpack.h"
#include "../ds/mem.h"
#include "../ds/num.h"
#include "config.h"
#include "db.h"

/* Past this many bytes a listpack converts whatever the thresholds say
 * (a listpack's offsets are 32-bit; Redis stops at 1GB the same way). */
#define LP_SAFETY_BYTES ((size_t)1 << 30)

/* ---------- tagged pointer ---------- */

static inline bool is_ht(const Hash *h) { return (uintptr_t)h & 1; }
static inline HashTable *ht_of(const Hash *h) { return (HashTable *)((uintptr_t)h - 1); }
static inline unsigned char *lp_of(const Hash *h) { return (unsigned char *)h; }
static inline Hash *from_ht(HashTable *ht) { return (Hash *)((uintptr_t)ht | 1); }
static inline Hash *from_lp(unsigned char *lp) { return (Hash *)lp; }

/* ---------- elements ---------- */

typedef struct HashEl {
    struct HashEl *next;
    unsigned char data[];
} HashEl;

static inline size_t vi_len(size_t v) {
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

static inline size_t vi_put(unsigned char *p, size_t v) {
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (unsigned char)v;
    return n;
}

static inline size_t vi_get(const unsigned char *p, size_t *v) {
    if (LIKELY(p[0] < 0x80)) {
        *v = p[0];
        return 1;
    }
    size_t r = 0, n = 0;
    unsigned shift = 0;
    do {
        r |= (size_t)(p[n] & 0x7f) << shift;
        shift += 7;
    } while (p[n++] & 0x80);
    *v = r;
    return n;
}

static const char *el_key(const void *entry, size_t *len) {
    const HashEl *el = entry;
    size_t n = vi_get(el->data, len);
    return (const char *)el->data + n;
}

/* The element's field and value as HashVals. */
static inline void el_read(const HashEl *el, HashVal *f, HashVal *v) {
    size_t n = vi_get(el->data, &f->len);
    f->s = (const char *)el->data + n;
    const unsigned char *vp = el->data + n + f->len;
    n = vi_get(vp, &v->len);
    v->s = (const char *)vp + n;
}

static inline void el_value(const HashEl *el, HashVal *v) {
    HashVal f;
    el_read(el, &f, v);
}

static HashEl *el_new(const char *f, size_t flen, const char *v, size_t vlen) {
    size_t fl = vi_len(flen), vl = vi_len(vlen);
    HashEl *el = mem_alloc(sizeof(HashEl) + fl + flen + vl + vlen);
    el->next = NULL;
    unsigned char *p = el->data;
    p += vi_put(p, flen);
    memcpy(p, f, flen);
    p += flen;
    p += vi_put(p, vlen);
    memcpy(p, v, vlen);
    return el;
}

/* el with a new value; may move (the old pointer is then freed). */
static HashEl *el_set_value(HashEl *el, const char *v, size_t vlen) {
    size_t flen, fl = vi_get(el->data, &flen);
    size_t off = sizeof(HashEl) + fl + flen;
    el = mem_realloc(el, off + vi_len(vlen) + vlen);
    unsigned char *p = (unsigned char *)el + off;
    p += vi_put(p, vlen);
    memcpy(p, v, vlen);
    return el;
}

static void el_free(void *entry) { mem_free(entry); }

static const HtType el_type = {
    .next_offset = offsetof(HashEl, next),
    .entry_key = el_key,
    .entry_free = el_free,
};

/* A HashVal's bytes: integers are formatted into buf (>= 24 bytes). */
static inline const char *val_str(const HashVal *v, size_t *len, char *buf) {
    if (v->s) {
        *len = v->len;
        return v->s;
    }
    *len = num_format_int64(buf, v->v);
    return buf;
}

static inline void lp_read(const unsigned char *p, HashVal *out) {
    LpVal lv;
    lp_get(p, &lv);
    out->s = lv.s;
    out->len = lv.len;
    out->v = lv.v;
}

/* ---------- random numbers (HRANDFIELD) ---------- */


/* Uniform in [0, n) (n > 0); the modulo bias is negligible for hash sizes. */
static inline uint64_t rng_below(uint64_t n) { return ht_rand64() % n; }

/* ---------- object basics ---------- */

Hash *hash_new(void) { return from_lp(lp_new()); }

void hash_free(Hash *h) {
    if (is_ht(h)) ht_destroy(ht_of(h));
    else lp_free(lp_of(h));
}

size_t hash_len(const Hash *h) {
    return is_ht(h) ? ht_count(ht_of(h)) : lp_count(lp_of(h)) / 2;
}

const unsigned char *hash_listpack(const Hash *h) { return is_ht(h) ? NULL : lp_of(h); }

const char *hash_encoding(const Hash *h) { return is_ht(h) ? "hashtable" : "listpack"; }

/* The listpack's pairs moved into a new hash table; frees the listpack. */
static Hash *convert(Hash *h) {
    unsigned char *lp = lp_of(h);
    HashTable *ht = ht_create(&el_type);
    for (unsigned char *p = lp_first(lp); p; p = lp_next(lp, lp_next(lp, p))) {
        char fb[24], vb[24];
        size_t flen, vlen;
        const char *f = lp_get_str(p, &flen, fb);
        const char *v = lp_get_str(lp_next(lp, p), &vlen, vb);
        bool added = ht_add(ht, el_new(f, flen, v, vlen));
        ASSERT(added);
    }
    lp_free(lp);
    return from_ht(ht);
}

static bool copy_pair(void *ctx, const HashVal *f, const HashVal *v) {
    char fb[24], vb[24];
    size_t flen, vlen;
    const char *fs = val_str(f, &flen, fb), *vs = val_str(v, &vlen, vb);
    ht_add(ctx, el_new(fs, flen, vs, vlen));
    return true;
}

static void *ops_dup(const void *obj) {
    Hash *h = (Hash *)obj;
    if (!is_ht(h)) return from_lp(lp_dup(lp_of(h)));
    HashTable *ht = ht_create(&el_type);
    hash_foreach(h, copy_pair, ht);
    return from_ht(ht);
}

static void ops_free(void *obj) { hash_free(obj); }
static const char *ops_encoding(const void *obj) { return hash_encoding(obj); }
static size_t ops_length(const void *obj) { return hash_len(obj); }

typedef struct {
    size_t n, bytes;
} MemSample;

static void mem_sample(void *ctx, void *entry) {
    MemSample *m = ctx;
    m->n++;
    m->bytes += mem_usable(entry);
}

/* Bytes held: a listpack's allocation; for a table, its buckets plus the
 * element count times the average size of a few elements (as Redis's
 * MEMORY USAGE samples). */
static size_t ops_mem(const void *obj) {
    const Hash *h = obj;
    if (!is_ht(h)) return mem_usable(lp_of(h));
    HashTable *ht = ht_of(h);
    size_t count = ht_count(ht);
    MemSample m = {0, 0};
    uint64_t cur = 0;
    do cur = ht_scan(ht, cur, mem_sample, &m);
    while (cur && m.n < 16);
    size_t avg = m.n ? m.bytes / m.n : 0;
    return ht_buckets(ht) * sizeof(void *) + 64 + count * avg;
}

static const TypeOps hash_ops = {
    .free = ops_free,
    .dup = ops_dup,
    .encoding = ops_encoding,
    .length = ops_length,
    .mem = ops_mem,
};

void hash_register_type(void) { db_register_type(TYPE_HASH, &hash_ops); }

/* ---------- lookups ---------- */

/* The cursor of field's value in the listpack, or NULL. */
static inline unsigned char *lp_value_of(unsigned char *lp, const char *f, size_t flen) {
    unsigned char *p = lp_first(lp);
    if (!p) return NULL;
    p = lp_find(lp, p, f, flen, 1);
    return p ? lp_next(lp, p) : NULL;
}

bool hash_find(Hash *h, const char *f, size_t flen, HashSlot *slot, HashVal *out) {
    if (!is_ht(h)) {
        unsigned char *vp = lp_value_of(lp_of(h), f, flen);
        if (!vp) return false;
        slot->vp = vp;
        slot->ref = NULL;
        lp_read(vp, out);
        return true;
    }
    void **ref = ht_find_ref(ht_of(h), f, flen);
    if (!ref) return false;
    slot->vp = NULL;
    slot->ref = ref;
    el_value(*ref, out);
    return true;
}

bool hash_get(Hash *h, const char *f, size_t flen, HashVal *out) {
    if (!is_ht(h)) {
        unsigned char *vp = lp_value_of(lp_of(h), f, flen);
        if (!vp) return false;
        lp_read(vp, out);
        return true;
    }
    HashEl *el = ht_find(ht_of(h), f, flen);
    if (!el) return false;
    el_value(el, out);
    return true;
}

bool hash_exists(Hash *h, const char *f, size_t flen) {
    if (!is_ht(h)) return lp_value_of(lp_of(h), f, flen) != NULL;
    return ht_find(ht_of(h), f, flen) != NULL;
}

/* ---------- changes ---------- */

/* Whether a pair of these lengths may go into (or stay in) the listpack. */
static inline bool fits_listpack(const unsigned char *lp, size_t flen, size_t vlen) {
    uint64_t max = (uint64_t)cfg.hash_max_listpack_value;
    return flen <= max && vlen <= max && lp_bytes(lp) + flen + vlen <= LP_SAFETY_BYTES;
}

/* Hash-table side of hash_set. */
static bool ht_set(HashTable *ht, const char *f, size_t flen, const char *v, size_t vlen) {
    void **ref = ht_find_ref(ht, f, flen);
    if (ref) {
        HashEl *el = *ref;
        HashVal cur;
        el_value(el, &cur);
        if (cur.len == vlen && memcmp(cur.s, v, vlen) == 0) return false;
        ht_replace_at(ht, ref, el_set_value(el, v, vlen));
        return false;
    }
    ht_add(ht, el_new(f, flen, v, vlen));
    return true;
}

bool hash_set(Hash **hp, const char *f, size_t flen, const char *v, size_t vlen) {
    Hash *h = *hp;
    if (!is_ht(h)) {
        unsigned char *lp = lp_of(h);
        if (UNLIKELY(!fits_listpack(lp, flen, vlen))) {
            h = *hp = convert(h);
            return ht_set(ht_of(h), f, flen, v, vlen);
        }
        unsigned char *vp = lp_value_of(lp, f, flen);
        if (vp) {
            /* Equal bytes are an equal element (canonical integers are
             * always stored as integers), so nothing to write. */
            if (!lp_eq(vp, v, vlen)) *hp = from_lp(lp_replace(lp, &vp, v, vlen));
            return false;
        }
        lp = lp_append(lp, f, flen);
        lp = lp_append(lp, v, vlen);
        h = from_lp(lp);
        if (lp_count(lp) / 2 > (uint64_t)cfg.hash_max_listpack_entries) h = convert(h);
        *hp = h;
        return true;
    }
    return ht_set(ht_of(h), f, flen, v, vlen);
}

void hash_append_new(Hash **hp, const char *f, size_t flen, const char *v, size_t vlen) {
    Hash *h = *hp;
    if (!is_ht(h)) {
        unsigned char *lp = lp_of(h);
        if (LIKELY(fits_listpack(lp, flen, vlen))) {
            lp = lp_append(lp, f, flen);
            lp = lp_append(lp, v, vlen);
            h = from_lp(lp);
            if (lp_count(lp) / 2 > (uint64_t)cfg.hash_max_listpack_entries) h = convert(h);
            *hp = h;
            return;
        }
        h = *hp = convert(h);
    }
    bool added = ht_add(ht_of(h), el_new(f, flen, v, vlen));
    ASSERT(added);
}

void hash_set_found(Hash **hp, HashSlot *slot, const char *f, size_t flen, const char *v,
                    size_t vlen) {
    Hash *h = *hp;
    if (!is_ht(h)) {
        unsigned char *lp = lp_of(h);
        if (UNLIKELY(!fits_listpack(lp, flen, vlen))) {
            hash_set(hp, f, flen, v, vlen); /* converts, then sets */
            return;
        }
        unsigned char *vp = slot->vp;
        *hp = from_lp(lp_replace(lp, &vp, v, vlen));
        return;
    }
    HashEl *el = *slot->ref;
    ht_replace_at(ht_of(h), slot->ref, el_set_value(el, v, vlen));
}

bool hash_delete(Hash **hp, const char *f, size_t flen) {
    Hash *h = *hp;
    if (is_ht(h)) return ht_delete(ht_of(h), f, flen);
    unsigned char *lp = lp_of(h);
    unsigned char *p = lp_first(lp);
    if (!p || !(p = lp_find(lp, p, f, flen, 1))) return false;
    *hp = from_lp(lp_delete(lp, &p, 2));
    return true;
}

/* ---------- iteration ---------- */

typedef struct {
    HashPairFn fn;
    void *ctx;
    bool stop;
} VisitCtx;

static void visit_el(void *ctx, void *entry) {
    VisitCtx *vc = ctx;
    if (vc->stop) return;
    HashVal f, v;
    el_read(entry, &f, &v);
    if (!vc->fn(vc->ctx, &f, &v)) vc->stop = true;
}

static void lp_foreach(unsigned char *lp, HashPairFn fn, void *ctx) {
    unsigned char *p = lp_first(lp);
    while (p) {
        HashVal f, v;
        unsigned char *vp = lp_next(lp, p);
        lp_read(p, &f);
        lp_read(vp, &v);
        if (!fn(ctx, &f, &v)) return;
        p = lp_next(lp, vp);
    }
}

void hash_foreach(Hash *h, HashPairFn fn, void *ctx) {
    if (!is_ht(h)) {
        lp_foreach(lp_of(h), fn, ctx);
        return;
    }
    VisitCtx vc = {fn, ctx, false};
    uint64_t cur = 0;
    do cur = ht_scan(ht_of(h), cur, visit_el, &vc);
    while (cur && !vc.stop);
}

uint64_t hash_scan(Hash *h, uint64_t cursor, HashPairFn fn, void *ctx) {
    if (!is_ht(h)) {
        lp_foreach(lp_of(h), fn, ctx);
        return 0;
    }
    VisitCtx vc = {fn, ctx, false};
    return ht_scan(ht_of(h), cursor, visit_el, &vc);
}

/* ---------- random picks ---------- */

void hash_random(Hash *h, HashVal *field, HashVal *value) {
    if (is_ht(h)) {
        HashEl *el = ht_random_fair(ht_of(h));
        ASSERT(el != NULL);
        el_read(el, field, value);
        return;
    }
    unsigned char *lp = lp_of(h);
    size_t pairs = lp_count(lp) / 2;
    ASSERT(pairs > 0);
    unsigned char *p = lp_seek(lp, (long)(2 * rng_below(pairs)));
    lp_read(p, field);
    lp_read(lp_next(lp, p), value);
}

/* Listpack, with repetition: an index of the fields, then random picks. */
static void lp_random_repeat(unsigned char *lp, uint64_t count, HashPairFn fn, void *ctx) {
    size_t pairs = lp_count(lp) / 2, i = 0;
    unsigned char **idx = mem_alloc(pairs * sizeof(*idx));
    for (unsigned char *p = lp_first(lp); p; p = lp_next(lp, lp_next(lp, p))) idx[i++] = p;
    while (count--) {
        unsigned char *p = idx[rng_below(pairs)];
        HashVal f, v;
        lp_read(p, &f);
        lp_read(lp_next(lp, p), &v);
        if (!fn(ctx, &f, &v)) break;
    }
    mem_free(idx);
}

/* Listpack, distinct: selection sampling (each pair is taken with
 * probability needed/remaining), one pass, in listpack order. */
static void lp_random_unique(unsigned char *lp, uint64_t count, HashPairFn fn, void *ctx) {
    uint64_t left = lp_count(lp) / 2, need = count;
    for (unsigned char *p = lp_first(lp); p && need; left--) {
        unsigned char *vp = lp_next(lp, p);
        if (rng_below(left) < need) {
            HashVal f, v;
            lp_read(p, &f);
            lp_read(vp, &v);
            need--;
            if (!fn(ctx, &f, &v)) return;
        }
        p = lp_next(lp, vp);
    }
}

typedef struct {
    HashEl **v;
    size_t n;
} ElArray;

static void collect_el(void *ctx, void *entry) {
    ElArray *a = ctx;
    a->v[a->n++] = entry;
}

/* A small open-addressing set of element pointers (HRANDFIELD's distinct
 * picks from a big table). */
typedef struct {
    HashEl **slots;
    size_t mask;
} PtrSet;

static bool ptrset_add(PtrSet *s, HashEl *el) {
    size_t i = (size_t)(((uintptr_t)el >> 3) * 0x9e3779b97f4a7c15ULL) & s->mask;
    while (s->slots[i]) {
        if (s->slots[i] == el) return false;
        i = (i + 1) & s->mask;
    }
    s->slots[i] = el;
    return true;
}

/* Table, distinct. Asking for most of the table: take every element and
 * shuffle the first `count` (Fisher-Yates); asking for few: random picks,
 * skipping repeats. */
static void ht_random_unique(HashTable *ht, uint64_t count, HashPairFn fn, void *ctx) {
    size_t size = ht_count(ht);
    HashVal f, v;
    if (count * 3 > size) {
        ElArray a = {mem_alloc(size * sizeof(HashEl *)), 0};
        uint64_t cur = 0;
        do cur = ht_scan(ht, cur, collect_el, &a);
        while (cur);
        for (size_t i = 0; i < count; i++) {
            size_t j = i + (size_t)rng_below(size - i);
            HashEl *t = a.v[i];
            a.v[i] = a.v[j];
            a.v[j] = t;
            el_read(a.v[i], &f, &v);
            if (!fn(ctx, &f, &v)) break;
        }
        mem_free(a.v);
        return;
    }
    size_t cap = 16;
    while (cap < count * 2) cap *= 2;
    PtrSet s = {mem_calloc(cap * sizeof(HashEl *)), cap - 1};
    for (uint64_t got = 0; got < count;) {
        HashEl *el = ht_random_fair(ht);
        if (!ptrset_add(&s, el)) continue;
        got++;
        el_read(el, &f, &v);
        if (!fn(ctx, &f, &v)) break;
    }
    mem_free(s.slots);
}

void hash_random_pairs(Hash *h, uint64_t count, bool unique, HashPairFn fn, void *ctx) {
    if (count == 0 || hash_len(h) == 0) return;
    if (unique) {
        ASSERT(count < hash_len(h));
        if (is_ht(h)) ht_random_unique(ht_of(h), count, fn, ctx);
        else lp_random_unique(lp_of(h), count, fn, ctx);
        return;
    }
    if (!is_ht(h)) {
        lp_random_repeat(lp_of(h), count, fn, ctx);
        return;
    }
    while (count--) {
        HashVal f, v;
        el_read(ht_random_fair(ht_of(h)), &f, &v);
        if (!fn(ctx, &f, &v)) break;
    }
}
