/* ds/quicklist.c -- lists as linked listpack nodes (see quicklist.h).
 *
 *   handle, low bit 1:  (handle & ~1) is the list's only listpack
 *                       (NULL for the empty list)
 *   handle, low bit 0:  Quicklist: head <-> node <-> ... <-> tail, 2+ nodes
 *
 * Every operation opens its handle as a view (a one-node list becomes a
 * header and a node on the caller's stack), works on nodes, and closes
 * the view back into a handle: one node -> the bare listpack, several ->
 * heap header and nodes. Invariants of a view: no node is empty, each node
 * caches its listpack's element count and byte size, ql->count is the sum. */
#include "quicklist.h"

#include <limits.h>
#include <string.h>

#include "mem.h"
#include "num.h"

typedef struct QlNode {
    struct QlNode *prev, *next;
    unsigned char *lp;
    uint32_t count; /* elements in lp */
    uint32_t sz;    /* lp_bytes(lp) */
} QlNode;

struct Quicklist {
    QlNode *head, *tail;
    size_t count;
    uint32_t nodes;
    bool stack_used; /* the view's stack node is linked */
    QlNode *stack;   /* a view's stack node; NULL in a heap list */
};

typedef struct {
    Quicklist ql;
    QlNode node;
} View;

/* Redis's node limits: -1..-5 are 4kb..64kb; a positive fill also keeps a
 * node under 8kb. */
#define SAFETY_BYTES 8192u

/* ---------- handles and views ---------- */

static inline bool is_small(const Quicklist *h) { return (uintptr_t)h & 1u; }
static inline unsigned char *small_lp(const Quicklist *h) {
    return (unsigned char *)((uintptr_t)h & ~(uintptr_t)1);
}
static inline Quicklist *small_handle(unsigned char *lp) {
    ASSERT(((uintptr_t)lp & 1u) == 0);
    return (Quicklist *)((uintptr_t)lp | 1u);
}

static inline Quicklist *open_view(Quicklist *h, View *v) {
    if (!is_small(h)) return h;
    unsigned char *lp = small_lp(h);
    Quicklist *ql = &v->ql;
    ql->stack = &v->node;
    if (lp) {
        QlNode *n = &v->node;
        n->prev = n->next = NULL;
        n->lp = lp;
        n->count = (uint32_t)lp_count(lp);
        n->sz = (uint32_t)lp_bytes(lp);
        ql->head = ql->tail = n;
        ql->count = n->count;
        ql->nodes = 1;
        ql->stack_used = true;
    } else {
        ql->head = ql->tail = NULL;
        ql->count = 0;
        ql->nodes = 0;
        ql->stack_used = false;
    }
    return ql;
}

static inline QlNode *node_alloc(Quicklist *ql) {
    if (ql->stack && !ql->stack_used) {
        ql->stack_used = true;
        return ql->stack;
    }
    return mem_alloc(sizeof(QlNode));
}

static inline void node_release(Quicklist *ql, QlNode *n) {
    if (n == ql->stack) ql->stack_used = false;
    else mem_free(n);
}

/* Turns a view back into a handle (see the top of the file). */
static Quicklist *close_view(Quicklist *ql, View *v) {
    bool on_stack = ql == &v->ql;
    if (LIKELY(ql->nodes <= 1)) {
        unsigned char *lp = NULL;
        if (ql->nodes == 1) {
            lp = ql->head->lp;
            node_release(ql, ql->head);
        }
        if (!on_stack) mem_free(ql);
        return small_handle(lp);
    }
    if (!on_stack) return ql;
    Quicklist *h = mem_alloc(sizeof(*h));
    *h = *ql;
    h->stack = NULL;
    h->stack_used = false;
    if (ql->stack_used) {
        QlNode *n = mem_alloc(sizeof(*n));
        *n = *ql->stack;
        if (n->prev) n->prev->next = n;
        else h->head = n;
        if (n->next) n->next->prev = n;
        else h->tail = n;
    }
    return h;
}

/* ---------- nodes ---------- */

/* Links n after `at` (at the head when at is NULL). */
static void link_after(Quicklist *ql, QlNode *at, QlNode *n) {
    n->prev = at;
    n->next = at ? at->next : ql->head;
    if (n->next) n->next->prev = n;
    else ql->tail = n;
    if (at) at->next = n;
    else ql->head = n;
    ql->nodes++;
}

/* Unlinks n and frees it with its listpack. */
static void drop_node(Quicklist *ql, QlNode *n) {
    if (n->prev) n->prev->next = n->next;
    else ql->head = n->next;
    if (n->next) n->next->prev = n->prev;
    else ql->tail = n->prev;
    ql->nodes--;
    lp_free(n->lp);
    node_release(ql, n);
}

static inline void node_resized(QlNode *n) { n->sz = (uint32_t)lp_bytes(n->lp); }

/* A new node holding s, linked after `at`. */
static QlNode *add_node_after(Quicklist *ql, QlNode *at, const char *s, size_t len) {
    QlNode *n = node_alloc(ql);
    n->lp = lp_append(lp_new(), s, len);
    n->count = 1;
    node_resized(n);
    link_after(ql, at, n);
    return n;
}

/* What an element of len bytes adds to a node, as Redis 7.0 estimates it
 * to decide whether the element joins the node: len + 8 against the
 * node's listpack size in Redis's layout. Our elements take exactly as
 * many bytes as Redis's (ds/listpack.c) and our header 2 more, so nodes
 * split where Redis's do and DUMP/RDB write Redis's nodes. */
static inline size_t entry_cost(size_t len) { return len + 8 - 2; }

/* Elements of at least this many bytes are "plain": alone in a node that
 * takes no other element (Redis's packed threshold, 1GB by default). */
static size_t packed_threshold = (size_t)1 << 30;

void ql_set_packed_threshold(size_t bytes) { packed_threshold = bytes ? bytes : (size_t)1 << 30; }

static inline bool is_large(size_t len) { return len >= packed_threshold; }

/* A node holding one large element (see packed_threshold). */
static bool node_plain(const QlNode *n) {
    if (n->count != 1 || n->sz < packed_threshold) return false;
    char buf[24];
    size_t len;
    lp_get_str(lp_first(n->lp), &len, buf);
    return is_large(len);
}

/* Whether n may grow by `add` bytes (and one element when new_entry). A
 * plain node takes nothing more. */
static inline bool fits(const QlNode *n, size_t add, bool new_entry, int fill) {
    if (UNLIKELY(n->sz >= packed_threshold) && node_plain(n)) return false;
    size_t sz = (size_t)n->sz + add;
    if (fill < 0) {
        int level = fill < -5 ? 5 : -fill;
        return sz <= ((size_t)4096 << (level - 1));
    }
    return sz <= SAFETY_BYTES && (!new_entry || n->count < (unsigned)fill);
}

/* Index (negative from the tail) to 0..count-1; false if out of range. */
static inline bool norm_index(const Quicklist *ql, long index, size_t *out) {
    if (index < 0) {
        if ((size_t)-(index + 1) >= ql->count) return false;
        *out = ql->count - (size_t)-(index + 1) - 1;
        return true;
    }
    if ((size_t)index >= ql->count) return false;
    *out = (size_t)index;
    return true;
}

/* The node holding element idx (< count), from the nearer end; *off is the
 * element's position in it. */
static QlNode *locate(const Quicklist *ql, size_t idx, size_t *off) {
    QlNode *n;
    if (idx < ql->count / 2) {
        for (n = ql->head; idx >= n->count; n = n->next) idx -= n->count;
    } else {
        size_t back = ql->count - 1 - idx;
        for (n = ql->tail; back >= n->count; n = n->prev) back -= n->count;
        idx = n->count - 1 - back;
    }
    *off = idx;
    return n;
}

/* Cursor to element off of n, walking from the nearer end. */
static inline unsigned char *node_seek(QlNode *n, size_t off) {
    long i = off <= n->count / 2 ? (long)off : (long)off - (long)n->count;
    return lp_seek(n->lp, i);
}

/* Whether a node of sz bytes (our layout) and count elements is past
 * the fill limits, as Redis's quicklistNodeExceedsLimit judges its node
 * (whose listpack header is 2 bytes shorter). */
static inline bool exceeds(int fill, size_t sz, size_t count) {
    sz -= 2;
    if (fill < 0) {
        int level = fill < -5 ? 5 : -fill;
        return sz > ((size_t)4096 << (level - 1));
    }
    return sz > SAFETY_BYTES || count > (fill ? (size_t)fill : 1);
}

/* Redis 7.0's _quicklistNodeAllowMerge: neither node plain, and the sum
 * of the two sizes less 11 (a ziplist's header and end, kept from before
 * listpacks) within the limits -- so a merged node may pass the limit by
 * a few bytes, as Redis's does. */
static bool may_merge(const QlNode *a, const QlNode *b, int fill) {
    if (!a || !b || node_plain(a) || node_plain(b)) return false;
    return !exceeds(fill, (size_t)a->sz + b->sz - 2 - 11, (size_t)a->count + b->count);
}

/* Moves b's elements to the end of a (b follows a) and drops b. */
static QlNode *merge_into(Quicklist *ql, QlNode *a, QlNode *b) {
    a->lp = lp_concat(a->lp, b->lp);
    a->count += b->count;
    node_resized(a);
    drop_node(ql, b);
    return a;
}

/* Redis's _quicklistMergeNodes after a split around center: the pairs
 * beside it, then center with its previous node, then with the next. */
static void merge_around(Quicklist *ql, QlNode *center, int fill) {
    QlNode *prev = center->prev, *next = center->next;
    QlNode *pp = prev ? prev->prev : NULL, *nn = next ? next->next : NULL;
    if (may_merge(pp, prev, fill)) merge_into(ql, pp, prev);
    if (may_merge(next, nn, fill)) merge_into(ql, next, nn);
    QlNode *target = center;
    if (may_merge(center->prev, center, fill)) target = merge_into(ql, center->prev, center);
    if (may_merge(target, target->next, fill)) merge_into(ql, target, target->next);
}

/* Inserts s so that it becomes element `at` of n (0..n->count), next to
 * the element it is inserted after (after: element at - 1) or before
 * (element at), as Redis's _quicklistInsert does: into n if it fits, else
 * into the neighbour at that edge, else into a new node; inside a full
 * node, n is split at the pivot and s starts (after) or ends (before) the
 * new part, then neighbours merge where they fit. */
static void insert_at(Quicklist *ql, QlNode *n, size_t at, bool after, const char *s, size_t len,
                      int fill) {
    /* A large element fits nowhere: it gets a node of its own. */
    size_t add = is_large(len) ? SIZE_MAX / 2 : entry_cost(len);
    ql->count++;
    if (fits(n, add, true, fill)) {
        if (at == n->count) {
            n->lp = lp_append(n->lp, s, len);
        } else {
            unsigned char *p = node_seek(n, at);
            n->lp = lp_insert(n->lp, p, false, s, len, NULL);
        }
        n->count++;
        node_resized(n);
        return;
    }
    if (at == n->count) {
        QlNode *m = n->next;
        if (m && fits(m, add, true, fill)) {
            m->lp = lp_prepend(m->lp, s, len);
            m->count++;
            node_resized(m);
        } else {
            add_node_after(ql, n, s, len);
        }
        return;
    }
    if (at == 0) {
        QlNode *m = n->prev;
        if (m && fits(m, add, true, fill)) {
            m->lp = lp_append(m->lp, s, len);
            m->count++;
            node_resized(m);
        } else {
            add_node_after(ql, m, s, len);
        }
        return;
    }
    QlNode *m = node_alloc(ql);
    if (is_large(len) || after) {
        /* n keeps [0, at), m takes [at, count) after it */
        m->lp = lp_delete_range(lp_dup(n->lp), 0, at);
        m->count = n->count - (uint32_t)at;
        n->lp = lp_delete_range(n->lp, (long)at, m->count);
        n->count = (uint32_t)at;
        link_after(ql, n, m);
    } else {
        /* n keeps [at, count), m takes [0, at) before it */
        m->lp = lp_delete_range(lp_dup(n->lp), (long)at, n->count - at);
        m->count = (uint32_t)at;
        n->lp = lp_delete_range(n->lp, 0, at);
        n->count -= (uint32_t)at;
        link_after(ql, n->prev, m);
    }
    node_resized(m);
    node_resized(n);
    if (is_large(len)) { /* a plain node between the halves, no merging */
        add_node_after(ql, n, s, len);
        return;
    }
    if (after) m->lp = lp_prepend(m->lp, s, len);
    else m->lp = lp_append(m->lp, s, len);
    m->count++;
    node_resized(m);
    merge_around(ql, n, fill);
}

/* An element to compare with, parsed once: canonical integers are stored
 * as integers, so an integer element can only equal an integer pattern. */
typedef struct {
    const char *s;
    size_t len;
    bool is_int;
    int64_t v;
} Pattern;

static inline Pattern pattern(const char *s, size_t len) {
    Pattern p = {s, len, false, 0};
    p.is_int = num_parse_int64(s, len, &p.v);
    return p;
}

static inline bool matches(const unsigned char *p, const Pattern *pat) {
    LpVal v;
    lp_get(p, &v);
    if (v.s) return v.len == pat->len && memcmp(v.s, pat->s, pat->len) == 0;
    return pat->is_int && v.v == pat->v;
}

/* ---------- public ---------- */

Quicklist *ql_new(void) { return small_handle(NULL); }

void ql_free(Quicklist *h) {
    if (is_small(h)) {
        lp_free(small_lp(h));
        return;
    }
    QlNode *n = h->head;
    while (n) {
        QlNode *next = n->next;
        lp_free(n->lp);
        mem_free(n);
        n = next;
    }
    mem_free(h);
}

Quicklist *ql_dup(const Quicklist *h) {
    if (is_small(h)) {
        unsigned char *lp = small_lp(h);
        return small_handle(lp ? lp_dup(lp) : NULL);
    }
    Quicklist *d = mem_alloc(sizeof(*d));
    *d = *h;
    d->head = d->tail = NULL;
    d->nodes = 0;
    for (const QlNode *n = h->head; n; n = n->next) {
        QlNode *m = mem_alloc(sizeof(*m));
        *m = *n;
        m->lp = lp_dup(n->lp);
        link_after(d, d->tail, m);
    }
    return d;
}

size_t ql_count(const Quicklist *h) {
    if (is_small(h)) {
        unsigned char *lp = small_lp(h);
        return lp ? lp_count(lp) : 0;
    }
    return h->count;
}

size_t ql_nodes(const Quicklist *h) {
    if (is_small(h)) return small_lp(h) ? 1 : 0;
    return h->nodes;
}

size_t ql_lp_bytes(const Quicklist *h) {
    if (is_small(h)) {
        unsigned char *lp = small_lp(h);
        return lp ? lp_bytes(lp) : 0;
    }
    size_t bytes = 0;
    for (const QlNode *n = h->head; n; n = n->next) bytes += n->sz;
    return bytes;
}

size_t ql_mem(const Quicklist *h) {
    if (is_small(h)) {
        unsigned char *lp = small_lp(h);
        return lp ? mem_usable(lp) : 0;
    }
    size_t bytes = mem_usable(h);
    for (const QlNode *n = h->head; n; n = n->next) bytes += mem_usable(n) + mem_usable(n->lp);
    return bytes;
}

Quicklist *ql_push(Quicklist *h, bool tail, const char *s, size_t len, int fill) {
    View v;
    Quicklist *ql = open_view(h, &v);
    QlNode *n = tail ? ql->tail : ql->head;
    if (n && !is_large(len) && fits(n, entry_cost(len), true, fill)) {
        n->lp = tail ? lp_append(n->lp, s, len) : lp_prepend(n->lp, s, len);
        n->count++;
        node_resized(n);
        ql->count++;
    } else if (tail) {
        add_node_after(ql, ql->tail, s, len);
        ql->count++;
    } else {
        add_node_after(ql, NULL, s, len);
        ql->count++;
    }
    return close_view(ql, &v);
}

bool ql_index(const Quicklist *h, long index, LpVal *out) {
    View v;
    const Quicklist *ql = open_view((Quicklist *)h, &v);
    size_t idx, off;
    if (!norm_index(ql, index, &idx)) return false;
    QlNode *n = locate(ql, idx, &off);
    lp_get(node_seek(n, off), out);
    return true;
}

void ql_walk(const Quicklist *h, long start, bool reverse, QlVisitFn fn, void *ctx) {
    View v;
    const Quicklist *ql = open_view((Quicklist *)h, &v);
    size_t idx, off;
    if (!norm_index(ql, start, &idx)) return;
    QlNode *n = locate(ql, idx, &off);
    unsigned char *p = node_seek(n, off);
    LpVal val;
    for (;;) {
        lp_get(p, &val);
        if (!fn(ctx, &val)) return;
        p = reverse ? lp_prev(n->lp, p) : lp_next(n->lp, p);
        if (!p) {
            n = reverse ? n->prev : n->next;
            if (!n) return;
            p = reverse ? lp_last(n->lp) : lp_first(n->lp);
        }
    }
}

void ql_foreach_node(const Quicklist *h, QlNodeFn fn, void *ctx) {
    View v;
    const Quicklist *ql = open_view((Quicklist *)h, &v);
    for (const QlNode *n = ql->head; n; n = n->next) fn(ctx, n->lp, node_plain(n));
}

Quicklist *ql_delete_range(Quicklist *h, long start, size_t n) {
    View v;
    Quicklist *ql = open_view(h, &v);
    size_t idx, off;
    if (n == 0 || !norm_index(ql, start, &idx)) return close_view(ql, &v);
    if (n > ql->count - idx) n = ql->count - idx;
    QlNode *node = locate(ql, idx, &off);
    while (n) {
        QlNode *next = node->next;
        size_t k = node->count - off < n ? node->count - off : n;
        if (k == node->count) {
            drop_node(ql, node);
        } else {
            long at = off && off + k == node->count ? (long)off - (long)node->count : (long)off;
            node->lp = lp_delete_range(node->lp, at, k);
            node->count -= (uint32_t)k;
            node_resized(node);
        }
        ql->count -= k;
        n -= k;
        node = next;
        off = 0;
    }
    return close_view(ql, &v);
}

Quicklist *ql_replace(Quicklist *h, long index, const char *s, size_t len, int fill) {
    View v;
    Quicklist *ql = open_view(h, &v);
    size_t idx, off;
    ASSERT(norm_index(ql, index, &idx));
    QlNode *n = locate(ql, idx, &off);
    unsigned char *p = node_seek(n, off);
    /* as Redis 7.0: in place, whatever the node's size, unless the new
     * element is large (it then gets a plain node) */
    bool ok = n->count == 1 || !is_large(len);
    if (ok) {
        n->lp = lp_replace(n->lp, &p, s, len);
        node_resized(n);
    } else {
        /* Too big for this node: take it out, insert it as a new element. */
        n->lp = lp_delete(n->lp, &p, 1);
        n->count--;
        node_resized(n);
        ql->count--;
        insert_at(ql, n, off, true, s, len, fill);
    }
    return close_view(ql, &v);
}

Quicklist *ql_insert(Quicklist *h, const char *pivot, size_t plen, bool after, const char *s,
                     size_t len, int fill, bool *found) {
    View v;
    Quicklist *ql = open_view(h, &v);
    Pattern pat = pattern(pivot, plen);
    *found = false;
    for (QlNode *n = ql->head; n; n = n->next) {
        size_t i = 0;
        for (unsigned char *p = lp_first(n->lp); p; p = lp_next(n->lp, p), i++) {
            if (matches(p, &pat)) {
                insert_at(ql, n, after ? i + 1 : i, after, s, len, fill);
                *found = true;
                return close_view(ql, &v);
            }
        }
    }
    return close_view(ql, &v);
}

/* LREM from the head: at most limit elements equal to the pattern. */
static size_t remove_forward(Quicklist *ql, const Pattern *pat, size_t limit) {
    size_t removed = 0;
    QlNode *n = ql->head;
    while (n && removed < limit) {
        QlNode *next = n->next;
        unsigned char *p = lp_first(n->lp);
        while (p && removed < limit) {
            if (matches(p, pat)) {
                n->lp = lp_delete(n->lp, &p, 1);
                n->count--;
                removed++;
            } else {
                p = lp_next(n->lp, p);
            }
        }
        if (n->count == 0) drop_node(ql, n);
        else node_resized(n);
        n = next;
    }
    return removed;
}

/* LREM from the tail. */
static size_t remove_backward(Quicklist *ql, const Pattern *pat, size_t limit) {
    size_t removed = 0;
    QlNode *n = ql->tail;
    while (n && removed < limit) {
        QlNode *prev = n->prev;
        unsigned char *p = lp_last(n->lp);
        while (p && removed < limit) {
            if (matches(p, pat)) {
                n->lp = lp_delete(n->lp, &p, 1); /* p: the element after */
                n->count--;
                removed++;
                p = p ? lp_prev(n->lp, p) : lp_last(n->lp);
            } else {
                p = lp_prev(n->lp, p);
            }
        }
        if (n->count == 0) drop_node(ql, n);
        else node_resized(n);
        n = prev;
    }
    return removed;
}

Quicklist *ql_remove(Quicklist *h, const char *s, size_t len, long count, size_t *removed) {
    View v;
    Quicklist *ql = open_view(h, &v);
    Pattern pat = pattern(s, len);
    if (count >= 0) {
        *removed = remove_forward(ql, &pat, count ? (size_t)count : SIZE_MAX);
    } else {
        size_t limit = count == LONG_MIN ? (size_t)LONG_MAX + 1 : (size_t)-count;
        *removed = remove_backward(ql, &pat, limit);
    }
    ql->count -= *removed;
    return close_view(ql, &v);
}

bool ql_verify(const Quicklist *h) {
    if (is_small(h)) {
        unsigned char *lp = small_lp(h);
        return !lp || lp_count(lp) > 0;
    }
    if (h->stack || h->nodes < 2 || h->head->prev || h->tail->next) return false;
    size_t total = 0, nodes = 0;
    for (const QlNode *n = h->head; n; n = n->next) {
        if (n->count == 0 || n->count != lp_count(n->lp) || n->sz != lp_bytes(n->lp)) return false;
        if (n->next ? n->next->prev != n : h->tail != n) return false;
        total += n->count;
        nodes++;
    }
    return total == h->count && nodes == h->nodes;
}
