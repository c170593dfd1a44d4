/* ds/stream_cg.c -- consumer groups of a stream. Groups and consumers are
 * sorted arrays of pointers (binary search by name): groups are few, and
 * consumers change rarely next to PEL traffic. PELs are ds/idmap skiplists;
 * the group PEL owns each StreamNack, consumer PELs point at the same one. */
#include "stream_cg.h"

#include <string.h>

#include "mem.h"

struct StreamGroups {
    StreamGroup **v;
    size_t n, cap;
};

/* rax order: bytes compared, then the shorter first. */
static int name_cmp(const char *a, size_t alen, const char *b, size_t blen) {
    size_t min = alen < blen ? alen : blen;
    int c = min ? memcmp(a, b, min) : 0;
    if (c) return c;
    return alen < blen ? -1 : alen > blen ? 1 : 0;
}

/* Index of name in a sorted array of groups or consumers; *found says
 * whether it is there (otherwise it is the insertion point). */
#define DEFINE_INDEX_OF(fn, T)                                                   \
    static size_t fn(T *const *arr, size_t n, const char *name, size_t len,      \
                     bool *found) {                                              \
        size_t lo = 0, hi = n;                                                   \
        *found = false;                                                          \
        while (lo < hi) {                                                        \
            size_t mid = lo + (hi - lo) / 2;                                     \
            int c = name_cmp(arr[mid]->name, arr[mid]->name_len, name, len);     \
            if (c == 0) {                                                        \
                *found = true;                                                   \
                return mid;                                                      \
            }                                                                    \
            if (c < 0)                                                           \
                lo = mid + 1;                                                    \
            else                                                                 \
                hi = mid;                                                        \
        }                                                                        \
        return lo;                                                               \
    }
DEFINE_INDEX_OF(group_index, StreamGroup)
DEFINE_INDEX_OF(consumer_index, StreamConsumer)

static void *array_insert(void *arr, size_t *n, size_t *cap, size_t at, void *item) {
    void **v = arr;
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 4;
        v = mem_realloc(v, *cap * sizeof(void *));
    }
    memmove(v + at + 1, v + at, (*n - at) * sizeof(void *));
    v[at] = item;
    (*n)++;
    return v;
}

static void array_remove(void *arr, size_t *n, size_t at) {
    void **v = arr;
    memmove(v + at, v + at + 1, (*n - at - 1) * sizeof(void *));
    (*n)--;
}

/* ---- consumers */

static StreamConsumer *consumer_new(const char *name, size_t len, int64_t seen_time) {
    StreamConsumer *c = mem_alloc(sizeof(*c));
    c->name = mem_strndup(name, len);
    c->name_len = len;
    c->seen_time = seen_time;
    c->pel = idmap_new();
    return c;
}

static void consumer_free(StreamConsumer *c) {
    idmap_free(c->pel, NULL);
    mem_free(c->name);
    mem_free(c);
}

StreamConsumer *stream_group_consumer_find(const StreamGroup *g, const char *name, size_t len) {
    bool found;
    size_t i = consumer_index(g->consumers, g->nconsumers, name, len, &found);
    return found ? g->consumers[i] : NULL;
}

StreamConsumer *stream_group_consumer_add(StreamGroup *g, const char *name, size_t len,
                                          int64_t seen_time) {
    bool found;
    size_t i = consumer_index(g->consumers, g->nconsumers, name, len, &found);
    if (found) return NULL;
    StreamConsumer *c = consumer_new(name, len, seen_time);
    g->consumers = array_insert(g->consumers, &g->nconsumers, &g->cap, i, c);
    return c;
}

size_t stream_group_consumer_delete(StreamGroup *g, StreamConsumer *c) {
    size_t pending = idmap_len(c->pel);
    for (IdMapNode *n = idmap_first(c->pel); n; n = idmap_next(n)) {
        void *nack = NULL;
        idmap_delete(g->pel, idmap_node_id(n), &nack);
        mem_free(nack);
    }
    bool found;
    size_t i = consumer_index(g->consumers, g->nconsumers, c->name, c->name_len, &found);
    ASSERT(found && g->consumers[i] == c);
    array_remove(g->consumers, &g->nconsumers, i);
    consumer_free(c);
    return pending;
}

/* ---- pending entries */

StreamNack *stream_group_nack_find(const StreamGroup *g, const StreamId *id) {
    IdMapNode *n = idmap_find(g->pel, id);
    return n ? idmap_node_val(n) : NULL;
}

StreamNack *stream_group_nack_add(StreamGroup *g, StreamConsumer *c, const StreamId *id,
                                  int64_t delivery_time, uint64_t delivery_count) {
    StreamNack *nack = mem_alloc(sizeof(*nack));
    nack->delivery_time = delivery_time;
    nack->delivery_count = delivery_count;
    nack->consumer = c;
    if (!idmap_insert(g->pel, id, nack)) {
        mem_free(nack);
        return NULL;
    }
    bool ok = idmap_insert(c->pel, id, nack);
    ASSERT(ok);
    return nack;
}

void stream_group_nack_move(StreamGroup *g, StreamNack *n, const StreamId *id, StreamConsumer *c) {
    (void)g;
    if (n->consumer == c) return;
    if (n->consumer) {
        bool ok = idmap_delete(n->consumer->pel, id, NULL);
        ASSERT(ok);
    }
    n->consumer = c;
    bool ok = idmap_insert(c->pel, id, n);
    ASSERT(ok);
}

bool stream_group_ack(StreamGroup *g, const StreamId *id) {
    void *v = NULL;
    if (!idmap_delete(g->pel, id, &v)) return false;
    StreamNack *nack = v;
    if (nack->consumer) idmap_delete(nack->consumer->pel, id, NULL);
    mem_free(nack);
    return true;
}

/* ---- loading */

bool stream_group_load_nack(StreamGroup *g, const StreamId *id, int64_t delivery_time,
                            uint64_t delivery_count) {
    StreamNack *nack = mem_alloc(sizeof(*nack));
    nack->delivery_time = delivery_time;
    nack->delivery_count = delivery_count;
    nack->consumer = NULL;
    if (!idmap_insert(g->pel, id, nack)) {
        mem_free(nack);
        return false;
    }
    return true;
}

bool stream_group_load_claim(StreamGroup *g, StreamConsumer *c, const StreamId *id) {
    StreamNack *nack = stream_group_nack_find(g, id);
    if (!nack || nack->consumer) return false;
    if (!idmap_insert(c->pel, id, nack)) return false;
    nack->consumer = c;
    return true;
}

bool stream_group_load_check(const StreamGroup *g) {
    for (IdMapNode *n = idmap_first(g->pel); n; n = idmap_next(n)) {
        const StreamNack *nack = idmap_node_val(n);
        if (!nack->consumer) return false;
    }
    return true;
}

/* ---- groups */

static void group_free(StreamGroup *g) {
    for (size_t i = 0; i < g->nconsumers; i++) consumer_free(g->consumers[i]);
    mem_free(g->consumers);
    idmap_free(g->pel, mem_free);
    mem_free(g->name);
    mem_free(g);
}

StreamGroups *stream_groups_new(void) { return mem_calloc(sizeof(StreamGroups)); }

void stream_groups_free(StreamGroups *gs) {
    if (!gs) return;
    for (size_t i = 0; i < gs->n; i++) group_free(gs->v[i]);
    mem_free(gs->v);
    mem_free(gs);
}

size_t stream_groups_count(const StreamGroups *gs) { return gs ? gs->n : 0; }

StreamGroup *stream_groups_at(const StreamGroups *gs, size_t i) {
    ASSERT(gs && i < gs->n);
    return gs->v[i];
}

StreamGroup *stream_groups_find(const StreamGroups *gs, const char *name, size_t len) {
    if (!gs) return NULL;
    bool found;
    size_t i = group_index(gs->v, gs->n, name, len, &found);
    return found ? gs->v[i] : NULL;
}

StreamGroup *stream_groups_add(StreamGroups *gs, const char *name, size_t len,
                               const StreamId *last_id, int64_t entries_read) {
    bool found;
    size_t i = group_index(gs->v, gs->n, name, len, &found);
    if (found) return NULL;
    StreamGroup *g = mem_calloc(sizeof(*g));
    g->name = mem_strndup(name, len);
    g->name_len = len;
    g->last_id = *last_id;
    g->entries_read = entries_read;
    g->pel = idmap_new();
    gs->v = array_insert(gs->v, &gs->n, &gs->cap, i, g);
    return g;
}

bool stream_groups_remove(StreamGroups *gs, const char *name, size_t len) {
    if (!gs) return false;
    bool found;
    size_t i = group_index(gs->v, gs->n, name, len, &found);
    if (!found) return false;
    group_free(gs->v[i]);
    array_remove(gs->v, &gs->n, i);
    return true;
}

StreamGroups *stream_groups_dup(const StreamGroups *gs) {
    if (!gs) return NULL;
    StreamGroups *d = stream_groups_new();
    for (size_t i = 0; i < gs->n; i++) {
        const StreamGroup *g = gs->v[i];
        StreamGroup *ng = stream_groups_add(d, g->name, g->name_len, &g->last_id, g->entries_read);
        for (IdMapNode *n = idmap_first(g->pel); n; n = idmap_next(n)) {
            const StreamNack *nack = idmap_node_val(n);
            stream_group_load_nack(ng, idmap_node_id(n), nack->delivery_time, nack->delivery_count);
        }
        for (size_t j = 0; j < g->nconsumers; j++) {
            const StreamConsumer *c = g->consumers[j];
            StreamConsumer *nc = stream_group_consumer_add(ng, c->name, c->name_len, c->seen_time);
            for (IdMapNode *n = idmap_first(c->pel); n; n = idmap_next(n)) {
                bool ok = stream_group_load_claim(ng, nc, idmap_node_id(n));
                ASSERT(ok);
            }
        }
    }
    return d;
}

size_t stream_groups_mem(const StreamGroups *gs) {
    if (!gs) return 0;
    size_t total = sizeof(*gs) + gs->cap * sizeof(void *);
    for (size_t i = 0; i < gs->n; i++) {
        const StreamGroup *g = gs->v[i];
        total += sizeof(*g) + g->name_len + 1 + g->cap * sizeof(void *);
        total += idmap_mem(g->pel) + idmap_len(g->pel) * sizeof(StreamNack);
        for (size_t j = 0; j < g->nconsumers; j++) {
            const StreamConsumer *c = g->consumers[j];
            total += sizeof(*c) + c->name_len + 1 + idmap_mem(c->pel);
        }
    }
    return total;
}

/* ---- lag */

bool stream_facts_range_has_tombstones(const StreamFacts *s, const StreamId *start,
                                       const StreamId *end) {
    if (!s->length || stream_id_is_zero(&s->max_deleted_id)) return false;
    if (stream_id_cmp(&s->first_id, &s->max_deleted_id) > 0) return false;
    StreamId lo = {0, 0}, hi = {UINT64_MAX, UINT64_MAX};
    if (start) lo = *start;
    if (end) hi = *end;
    return stream_id_cmp(&lo, &s->max_deleted_id) <= 0 && stream_id_cmp(&s->max_deleted_id, &hi) <= 0;
}

int64_t stream_facts_distance(const StreamFacts *s, const StreamId *id) {
    if (!s->entries_added) return 0;
    int vs_last = stream_id_cmp(id, &s->last_id);
    if (!s->length && vs_last <= 0) return (int64_t)s->entries_added;
    if (vs_last == 0) return (int64_t)s->entries_added;
    if (vs_last > 0) return STREAM_CG_INVALID_ENTRIES_READ;
    bool clean = stream_id_is_zero(&s->max_deleted_id) ||
                 stream_id_cmp(&s->max_deleted_id, &s->first_id) < 0;
    if (clean) {
        int vs_first = stream_id_cmp(id, &s->first_id);
        if (vs_first < 0) return (int64_t)(s->entries_added - s->length);
        if (vs_first == 0) return (int64_t)(s->entries_added - s->length + 1);
    }
    return STREAM_CG_INVALID_ENTRIES_READ;
}

bool stream_group_lag(const StreamGroup *g, const StreamFacts *s, uint64_t *lag) {
    if (!s->entries_added) {
        *lag = 0;
        return true;
    }
    if (g->entries_read != STREAM_CG_INVALID_ENTRIES_READ &&
        !stream_facts_range_has_tombstones(s, &g->last_id, NULL)) {
        *lag = s->entries_added - (uint64_t)g->entries_read;
        return true;
    }
    int64_t read = stream_facts_distance(s, &g->last_id);
    if (read == STREAM_CG_INVALID_ENTRIES_READ) return false;
    *lag = s->entries_added - (uint64_t)read;
    return true;
}
