/* ds/idmap.c -- StreamId -> pointer B+tree. Entries (16-byte ID, 8-byte
 * value) sit in sorted arrays in leaves linked both ways; inner nodes hold
 * separator IDs: child i holds the IDs in [key[i-1], key[i]). No leaf but
 * a lone root is empty (neighbours merge when they fit); every inner node
 * but the root has two children or more, and INNER_MIN once a delete has
 * passed through it. A leaf's allocation follows its count (jemalloc size
 * classes that are multiples of 64, up to LEAF_BYTES): small PELs stay
 * small and thinned-out leaves give memory back.
 *
 *   leaf (64-byte aligned):  prev | next | n | cap | bytes | e[0] .. e[cap-1]
 *   handle (IdMapNode *):    leaf address | index   (index < 64)
 */
#include "idmap.h"

#include <string.h>

#include "mem.h"

#define LEAF_ALIGN 64
#define LEAF_BYTES 1024

typedef struct {
    StreamId id;
    void *val;
} Entry;

typedef struct Leaf {
    struct Leaf *prev, *next;
    uint16_t n, cap;
    uint32_t bytes; /* allocated: a power of two */
    Entry e[];
} Leaf;

#define LEAF_CAP ((LEAF_BYTES - sizeof(Leaf)) / sizeof(Entry))
#define INNER_KEYS 20
#define INNER_MIN ((INNER_KEYS + 1) / 2)

typedef struct Inner {
    uint32_t n; /* children */
    StreamId key[INNER_KEYS];
    void *child[INNER_KEYS + 1];
} Inner;

struct IdMap {
    void *root;   /* NULL when empty */
    int height;   /* 0: root is a leaf */
    Leaf *first, *last;
    size_t len;
    size_t bytes;
};

_Static_assert(sizeof(Leaf) == 24 && sizeof(Entry) == 24, "layout as drawn");
_Static_assert(LEAF_CAP < LEAF_ALIGN, "leaf index must fit the handle's low bits");

static inline IdMapNode *handle(const Leaf *l, size_t i) {
    return (IdMapNode *)((uintptr_t)l | i);
}
static inline Leaf *handle_leaf(const IdMapNode *h) {
    return (Leaf *)((uintptr_t)h & ~(uintptr_t)(LEAF_ALIGN - 1));
}
static inline size_t handle_index(const IdMapNode *h) {
    return (uintptr_t)h & (LEAF_ALIGN - 1);
}

/* Leaf sizes: allocator size classes that are multiples of LEAF_ALIGN, so
 * that the allocator aligns them so by itself (no padding). */
static const uint16_t leaf_classes[] = {64, 128, 192, 256, 320, 384, 448, 512, 640, 768, 896, 1024};

/* The smallest leaf size that holds n entries (n <= LEAF_CAP). */
static size_t leaf_fit(size_t n) {
    for (size_t i = 0; i < sizeof(leaf_classes) / sizeof(leaf_classes[0]); i++)
        if ((leaf_classes[i] - sizeof(Leaf)) / sizeof(Entry) >= n) return leaf_classes[i];
    return LEAF_BYTES;
}

/* bytes: one of leaf_classes */
static Leaf *leaf_new(IdMap *m, size_t bytes) {
    Leaf *l = mem_alloc_aligned(LEAF_ALIGN, bytes);
    l->prev = l->next = NULL;
    l->n = 0;
    l->cap = (uint16_t)((bytes - sizeof(Leaf)) / sizeof(Entry));
    l->bytes = (uint32_t)bytes;
    m->bytes += bytes;
    return l;
}

static void leaf_free(IdMap *m, Leaf *l) {
    m->bytes -= l->bytes;
    mem_free(l);
}

static Inner *inner_new(IdMap *m) {
    Inner *in = mem_alloc(sizeof(Inner));
    in->n = 0;
    m->bytes += sizeof(Inner);
    return in;
}

static void inner_free(IdMap *m, Inner *in) {
    m->bytes -= sizeof(Inner);
    mem_free(in);
}

IdMap *idmap_new(void) {
    IdMap *m = mem_calloc(sizeof(*m));
    m->bytes = sizeof(*m);
    return m;
}

static void free_subtree(IdMap *m, void *node, int height) {
    if (height == 0) {
        leaf_free(m, node);
        return;
    }
    Inner *in = node;
    for (uint32_t i = 0; i < in->n; i++) free_subtree(m, in->child[i], height - 1);
    inner_free(m, in);
}

void idmap_free(IdMap *m, void (*val_free)(void *)) {
    if (!m) return;
    if (val_free)
        for (Leaf *l = m->first; l; l = l->next)
            for (uint32_t i = 0; i < l->n; i++) val_free(l->e[i].val);
    if (m->root) free_subtree(m, m->root, m->height);
    mem_free(m);
}

size_t idmap_len(const IdMap *m) { return m->len; }
size_t idmap_mem(const IdMap *m) { return m->bytes; }

/* First index in l whose id is >= id. */
static size_t leaf_lower(const Leaf *l, const StreamId *id) {
    size_t lo = 0, hi = l->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (stream_id_cmp(&l->e[mid].id, id) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The child of in that holds id: keys <= id lie left of it. */
static size_t inner_slot(const Inner *in, const StreamId *id) {
    size_t lo = 0, hi = in->n - 1;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (stream_id_cmp(&in->key[mid], id) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static Leaf *leaf_for(const IdMap *m, const StreamId *id) {
    void *node = m->root;
    for (int h = m->height; h > 0; h--) {
        Inner *in = node;
        node = in->child[inner_slot(in, id)];
    }
    return node;
}

/* ---- insert */

enum { INS_DUP, INS_OK, INS_SPLIT };

static void leaf_put(Leaf *l, size_t pos, const StreamId *id, void *val) {
    memmove(&l->e[pos + 1], &l->e[pos], (l->n - pos) * sizeof(Entry));
    l->e[pos].id = *id;
    l->e[pos].val = val;
    l->n++;
}

/* Moves l's entries to a new leaf of `bytes` that takes l's place in the
 * leaf chain; returns it (the caller puts it in the parent's slot). */
static Leaf *leaf_resize(IdMap *m, Leaf *l, size_t bytes) {
    if (bytes == l->bytes) return l;
    Leaf *r = leaf_new(m, bytes);
    memcpy(r->e, l->e, l->n * sizeof(Entry));
    r->n = l->n;
    r->prev = l->prev;
    r->next = l->next;
    if (r->prev)
        r->prev->next = r;
    else
        m->first = r;
    if (r->next)
        r->next->prev = r;
    else
        m->last = r;
    leaf_free(m, l);
    return r;
}

/* Room for n entries, with slack when growing (a quarter). */
static Leaf *leaf_reserve(IdMap *m, Leaf *l, size_t n) {
    if (n <= l->cap) return l;
    size_t want = n + n / 4;
    return leaf_resize(m, l, leaf_fit(want < LEAF_CAP ? want : LEAF_CAP));
}

/* After l lost entries: the smallest size with room for one more (growth
 * adds a quarter, so the two do not undo each other at every change). */
static Leaf *leaf_trim(IdMap *m, Leaf *l) {
    size_t need = (size_t)l->n + 1;
    size_t bytes = leaf_fit(need < LEAF_CAP ? need : LEAF_CAP);
    return l->n && bytes < l->bytes ? leaf_resize(m, l, bytes) : l;
}

/* slot: the parent's pointer to the leaf (updated when it moves). */
static int leaf_insert(IdMap *m, void **slot, const StreamId *id, void *val, StreamId *sep,
                       void **right) {
    Leaf *l = *slot;
    size_t pos = leaf_lower(l, id);
    if (pos < l->n && stream_id_cmp(&l->e[pos].id, id) == 0) return INS_DUP;
    if (l->n < LEAF_CAP) *slot = l = leaf_reserve(m, l, (size_t)l->n + 1);
    if (l->n < l->cap) {
        leaf_put(l, pos, id, val);
        return INS_OK;
    }
    Entry tmp[LEAF_CAP + 1];
    memcpy(tmp, l->e, pos * sizeof(Entry));
    tmp[pos].id = *id;
    tmp[pos].val = val;
    memcpy(&tmp[pos + 1], &l->e[pos], (l->n - pos) * sizeof(Entry));
    size_t total = (size_t)l->n + 1;
    /* appending at the very end keeps the left leaf full (PELs grow by
     * increasing IDs); otherwise split in half */
    size_t keep = (pos == l->n && !l->next) ? l->n : total / 2;
    Leaf *r = leaf_new(m, leaf_fit(total - keep));
    memcpy(l->e, tmp, keep * sizeof(Entry));
    l->n = (uint16_t)keep;
    memcpy(r->e, &tmp[keep], (total - keep) * sizeof(Entry));
    r->n = (uint16_t)(total - keep);
    r->next = l->next;
    r->prev = l;
    if (l->next)
        l->next->prev = r;
    else
        m->last = r;
    l->next = r;
    *slot = leaf_trim(m, l);
    *sep = r->e[0].id;
    *right = r;
    return INS_SPLIT;
}

/* rightmost: node is the last at its level (appends split it unevenly). */
static int node_insert(IdMap *m, void **slot, int height, bool rightmost, const StreamId *id,
                       void *val, StreamId *sep, void **right) {
    if (height == 0) return leaf_insert(m, slot, id, val, sep, right);
    Inner *in = *slot;
    size_t ci = inner_slot(in, id);
    StreamId csep;
    void *cright;
    int r = node_insert(m, &in->child[ci], height - 1, rightmost && ci == in->n - 1, id, val,
                        &csep, &cright);
    if (r != INS_SPLIT) return r;
    /* put (csep, cright) after child ci, in a scratch copy one wider */
    StreamId keys[INNER_KEYS + 1];
    void *kids[INNER_KEYS + 2];
    size_t nk = in->n - 1;
    memcpy(keys, in->key, ci * sizeof(StreamId));
    keys[ci] = csep;
    memcpy(&keys[ci + 1], &in->key[ci], (nk - ci) * sizeof(StreamId));
    memcpy(kids, in->child, (ci + 1) * sizeof(void *));
    kids[ci + 1] = cright;
    memcpy(&kids[ci + 2], &in->child[ci + 1], (in->n - ci - 1) * sizeof(void *));
    size_t nkids = in->n + 1;
    if (nkids <= INNER_KEYS + 1) {
        memcpy(in->key, keys, (nkids - 1) * sizeof(StreamId));
        memcpy(in->child, kids, nkids * sizeof(void *));
        in->n = (uint32_t)nkids;
        return INS_OK;
    }
    /* split: left keeps half the children (all but the new one when the
     * tree grows at its right edge: the new node gets two, as every inner
     * node but the root has two children or more), the key between goes up */
    size_t lk = rightmost && ci + 2 == nkids ? nkids - 2 : nkids / 2;
    Inner *rn = inner_new(m);
    memcpy(in->key, keys, (lk - 1) * sizeof(StreamId));
    memcpy(in->child, kids, lk * sizeof(void *));
    in->n = (uint32_t)lk;
    *sep = keys[lk - 1];
    memcpy(rn->key, &keys[lk], (nkids - lk - 1) * sizeof(StreamId));
    memcpy(rn->child, &kids[lk], (nkids - lk) * sizeof(void *));
    rn->n = (uint32_t)(nkids - lk);
    *right = rn;
    return INS_SPLIT;
}

bool idmap_insert(IdMap *m, const StreamId *id, void *val) {
    if (!m->root) {
        Leaf *l = leaf_new(m, leaf_classes[0]);
        m->root = m->first = m->last = l;
        m->height = 0;
    }
    StreamId sep;
    void *right;
    int r = node_insert(m, &m->root, m->height, true, id, val, &sep, &right);
    if (r == INS_DUP) return false;
    if (r == INS_SPLIT) {
        Inner *in = inner_new(m);
        in->n = 2;
        in->key[0] = sep;
        in->child[0] = m->root;
        in->child[1] = right;
        m->root = in;
        m->height++;
    }
    m->len++;
    return true;
}

/* ---- delete */

/* Removes key i-1 and child i of in (child i was merged into child i-1). */
static void inner_drop(Inner *in, size_t i) {
    memmove(&in->key[i - 1], &in->key[i], (in->n - 1 - i) * sizeof(StreamId));
    memmove(&in->child[i], &in->child[i + 1], (in->n - 1 - i) * sizeof(void *));
    in->n--;
}

/* Merges leaf child li+1 of p into child li. */
static void leaf_merge(IdMap *m, Inner *p, size_t li) {
    Leaf *a = p->child[li], *b = p->child[li + 1];
    size_t total = (size_t)a->n + b->n;
    a = leaf_resize(m, a, leaf_fit(total));
    memcpy(&a->e[a->n], b->e, b->n * sizeof(Entry));
    a->n = (uint16_t)total;
    a->next = b->next;
    if (b->next)
        b->next->prev = a;
    else
        m->last = a;
    leaf_free(m, b);
    p->child[li] = a;
    inner_drop(p, li + 1);
}

/* Child ci of p (a leaf) lost an entry: it merges with a neighbour when
 * both fit in one leaf. p has two children or more, so no leaf stays
 * empty; leaves are sized to their count, so ones that stay small cost
 * little. (A split undone by the next delete costs a copy of one leaf,
 * as a radix tree node's resize does.) */
static void leaf_fix(IdMap *m, Inner *p, size_t ci) {
    Leaf *l = p->child[ci];
    size_t limit = LEAF_CAP;
    if (ci > 0 && ((Leaf *)p->child[ci - 1])->n + (size_t)l->n <= limit)
        leaf_merge(m, p, ci - 1);
    else if (ci + 1 < p->n && (size_t)l->n + ((Leaf *)p->child[ci + 1])->n <= limit)
        leaf_merge(m, p, ci);
    ASSERT(((Leaf *)p->child[ci > 0 ? ci - 1 : 0])->n > 0);
}

/* The same for inner children, rotating keys through the parent. */
static void inner_fix(IdMap *m, Inner *p, size_t ci) {
    size_t li = ci > 0 ? ci - 1 : ci;
    Inner *a = p->child[li], *b = p->child[li + 1];
    if (a->n + b->n <= INNER_KEYS + 1) {
        a->key[a->n - 1] = p->key[li];
        memcpy(&a->key[a->n], b->key, (b->n - 1) * sizeof(StreamId));
        memcpy(&a->child[a->n], b->child, b->n * sizeof(void *));
        a->n += b->n;
        inner_free(m, b);
        inner_drop(p, li + 1);
        return;
    }
    if (li == ci) { /* a short: b's first child moves to a's end */
        a->key[a->n - 1] = p->key[li];
        a->child[a->n] = b->child[0];
        a->n++;
        p->key[li] = b->key[0];
        memmove(b->key, &b->key[1], (b->n - 2) * sizeof(StreamId));
        memmove(b->child, &b->child[1], (b->n - 1) * sizeof(void *));
        b->n--;
    } else { /* b short: a's last child moves to b's front */
        memmove(&b->key[1], b->key, (b->n - 1) * sizeof(StreamId));
        memmove(&b->child[1], b->child, b->n * sizeof(void *));
        b->key[0] = p->key[li];
        b->child[0] = a->child[a->n - 1];
        b->n++;
        p->key[li] = a->key[a->n - 2];
        a->n--;
    }
}

/* true when found and removed. */
static bool node_delete(IdMap *m, void **slot, int height, const StreamId *id, void **old) {
    if (height == 0) {
        Leaf *l = *slot;
        size_t pos = leaf_lower(l, id);
        if (pos == l->n || stream_id_cmp(&l->e[pos].id, id) != 0) return false;
        if (old) *old = l->e[pos].val;
        memmove(&l->e[pos], &l->e[pos + 1], (l->n - pos - 1) * sizeof(Entry));
        l->n--;
        *slot = leaf_trim(m, l);
        return true;
    }
    Inner *in = *slot;
    size_t ci = inner_slot(in, id);
    if (!node_delete(m, &in->child[ci], height - 1, id, old)) return false;
    if (height == 1) {
        leaf_fix(m, in, ci);
    } else if (((Inner *)in->child[ci])->n < INNER_MIN) {
        inner_fix(m, in, ci);
    }
    return true;
}

bool idmap_delete(IdMap *m, const StreamId *id, void **old) {
    if (!m->root || !node_delete(m, &m->root, m->height, id, old)) return false;
    m->len--;
    while (m->height > 0 && ((Inner *)m->root)->n == 1) {
        Inner *in = m->root;
        m->root = in->child[0];
        inner_free(m, in);
        m->height--;
    }
    if (m->len == 0) {
        leaf_free(m, m->root);
        m->root = m->first = m->last = NULL;
    }
    return true;
}

/* ---- walks */

IdMapNode *idmap_find(const IdMap *m, const StreamId *id) {
    if (!m->root) return NULL;
    Leaf *l = leaf_for(m, id);
    size_t pos = leaf_lower(l, id);
    if (pos == l->n || stream_id_cmp(&l->e[pos].id, id) != 0) return NULL;
    return handle(l, pos);
}

IdMapNode *idmap_first(const IdMap *m) { return m->first ? handle(m->first, 0) : NULL; }
IdMapNode *idmap_last(const IdMap *m) { return m->last ? handle(m->last, m->last->n - 1) : NULL; }

IdMapNode *idmap_seek_ge(const IdMap *m, const StreamId *id) {
    if (!m->root) return NULL;
    Leaf *l = leaf_for(m, id);
    size_t pos = leaf_lower(l, id);
    if (pos < l->n) return handle(l, pos);
    return l->next ? handle(l->next, 0) : NULL;
}

IdMapNode *idmap_seek_le(const IdMap *m, const StreamId *id) {
    if (!m->root) return NULL;
    Leaf *l = leaf_for(m, id);
    size_t pos = leaf_lower(l, id);
    if (pos < l->n && stream_id_cmp(&l->e[pos].id, id) == 0) return handle(l, pos);
    if (pos > 0) return handle(l, pos - 1);
    return l->prev ? handle(l->prev, l->prev->n - 1) : NULL;
}

IdMapNode *idmap_next(const IdMapNode *n) {
    Leaf *l = handle_leaf(n);
    size_t i = handle_index(n) + 1;
    if (i < l->n) return handle(l, i);
    return l->next ? handle(l->next, 0) : NULL;
}

IdMapNode *idmap_prev(const IdMapNode *n) {
    Leaf *l = handle_leaf(n);
    size_t i = handle_index(n);
    if (i > 0) return handle(l, i - 1);
    return l->prev ? handle(l->prev, l->prev->n - 1) : NULL;
}

const StreamId *idmap_node_id(const IdMapNode *n) { return &handle_leaf(n)->e[handle_index(n)].id; }
void *idmap_node_val(const IdMapNode *n) { return handle_leaf(n)->e[handle_index(n)].val; }
void idmap_node_set_val(IdMapNode *n, void *val) { handle_leaf(n)->e[handle_index(n)].val = val; }
