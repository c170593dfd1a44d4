/* ds/idmap.c -- StreamId -> pointer skiplist. The header node has every
 * level and no key; back links let walks run backwards. Levels are drawn
 * with p = 1/4 from a per-map xorshift generator (deterministic). */
#include "idmap.h"

#include "mem.h"

#define IDMAP_MAXLEVEL 24

struct IdMapNode {
    StreamId id;
    void *val;
    IdMapNode *back;  /* NULL for the first node (never the header) */
    int height;
    IdMapNode *fwd[];
};

struct IdMap {
    IdMapNode *head;
    IdMapNode *tail;
    size_t len;
    size_t bytes;
    int level;
    uint64_t rng;
};

static IdMapNode *node_new(int height) {
    IdMapNode *n = mem_calloc(sizeof(IdMapNode) + (size_t)height * sizeof(IdMapNode *));
    n->height = height;
    return n;
}

static size_t node_bytes(int height) {
    return sizeof(IdMapNode) + (size_t)height * sizeof(IdMapNode *);
}

IdMap *idmap_new(void) {
    IdMap *m = mem_calloc(sizeof(*m));
    m->head = node_new(IDMAP_MAXLEVEL);
    m->level = 1;
    m->rng = 0x9e3779b97f4a7c15ULL;
    m->bytes = sizeof(*m) + node_bytes(IDMAP_MAXLEVEL);
    return m;
}

void idmap_free(IdMap *m, void (*val_free)(void *)) {
    if (!m) return;
    IdMapNode *n = m->head->fwd[0];
    while (n) {
        IdMapNode *next = n->fwd[0];
        if (val_free) val_free(n->val);
        mem_free(n);
        n = next;
    }
    mem_free(m->head);
    mem_free(m);
}

size_t idmap_len(const IdMap *m) { return m->len; }
size_t idmap_mem(const IdMap *m) { return m->bytes; }

static int random_height(IdMap *m) {
    uint64_t x = m->rng;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    m->rng = x;
    int h = 1;
    while (h < IDMAP_MAXLEVEL && (x & 3) == 0) {
        h++;
        x >>= 2;
    }
    return h;
}

/* Fills update[i] with the last node at level i whose id is < id. */
static void find_preds(const IdMap *m, const StreamId *id, IdMapNode **update) {
    IdMapNode *x = m->head;
    for (int i = m->level - 1; i >= 0; i--) {
        while (x->fwd[i] && stream_id_cmp(&x->fwd[i]->id, id) < 0) x = x->fwd[i];
        update[i] = x;
    }
}

bool idmap_insert(IdMap *m, const StreamId *id, void *val) {
    IdMapNode *update[IDMAP_MAXLEVEL];
    find_preds(m, id, update);
    IdMapNode *at = update[0]->fwd[0];
    if (at && stream_id_cmp(&at->id, id) == 0) return false;
    int h = random_height(m);
    if (h > m->level) {
        for (int i = m->level; i < h; i++) update[i] = m->head;
        m->level = h;
    }
    IdMapNode *n = node_new(h);
    n->id = *id;
    n->val = val;
    for (int i = 0; i < h; i++) {
        n->fwd[i] = update[i]->fwd[i];
        update[i]->fwd[i] = n;
    }
    n->back = update[0] == m->head ? NULL : update[0];
    if (n->fwd[0])
        n->fwd[0]->back = n;
    else
        m->tail = n;
    m->len++;
    m->bytes += node_bytes(h);
    return true;
}

IdMapNode *idmap_find(const IdMap *m, const StreamId *id) {
    IdMapNode *n = idmap_seek_ge(m, id);
    return n && stream_id_cmp(&n->id, id) == 0 ? n : NULL;
}

bool idmap_delete(IdMap *m, const StreamId *id, void **old) {
    IdMapNode *update[IDMAP_MAXLEVEL];
    find_preds(m, id, update);
    IdMapNode *n = update[0]->fwd[0];
    if (!n || stream_id_cmp(&n->id, id) != 0) return false;
    for (int i = 0; i < m->level; i++) {
        if (update[i]->fwd[i] != n) break;
        update[i]->fwd[i] = n->fwd[i];
    }
    if (n->fwd[0])
        n->fwd[0]->back = n->back;
    else
        m->tail = n->back;
    while (m->level > 1 && m->head->fwd[m->level - 1] == NULL) m->level--;
    if (old) *old = n->val;
    m->len--;
    m->bytes -= node_bytes(n->height);
    mem_free(n);
    return true;
}

IdMapNode *idmap_first(const IdMap *m) { return m->head->fwd[0]; }
IdMapNode *idmap_last(const IdMap *m) { return m->tail; }

IdMapNode *idmap_seek_ge(const IdMap *m, const StreamId *id) {
    IdMapNode *x = m->head;
    for (int i = m->level - 1; i >= 0; i--)
        while (x->fwd[i] && stream_id_cmp(&x->fwd[i]->id, id) < 0) x = x->fwd[i];
    return x->fwd[0];
}

IdMapNode *idmap_seek_le(const IdMap *m, const StreamId *id) {
    IdMapNode *x = m->head;
    for (int i = m->level - 1; i >= 0; i--)
        while (x->fwd[i] && stream_id_cmp(&x->fwd[i]->id, id) <= 0) x = x->fwd[i];
    return x == m->head ? NULL : x;
}

IdMapNode *idmap_next(const IdMapNode *n) { return n->fwd[0]; }
IdMapNode *idmap_prev(const IdMapNode *n) { return n->back; }
const StreamId *idmap_node_id(const IdMapNode *n) { return &n->id; }
void *idmap_node_val(const IdMapNode *n) { return n->val; }
void idmap_node_set_val(IdMapNode *n, void *val) { n->val = val; }
