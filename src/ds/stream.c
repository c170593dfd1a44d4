/* ds/stream.c -- the stream value: listpack nodes in Redis's layout (see
 * stream.h), indexed by a sorted array of (master ID, listpack) with a gap
 * at its head. Invariant: nodes are in master-ID order, every entry of node
 * i is below node i+1's master, and the master counts (live, deleted)
 * match the entries' flags. */
#include "stream.h"

#include <string.h>

#include "listpack.h"
#include "mem.h"
#include "stream_cg.h"

struct StreamNode {
    StreamId master;
    unsigned char *lp;
};

int64_t stream_node_max_bytes = 4096;
int64_t stream_node_max_entries = 100;

#define NODE_HARD_MAX ((size_t)1 << 30) /* a node never passes 1 GB (Redis) */

/* --- small listpack helpers --------------------------------------------- */

static int64_t lp_int(const unsigned char *p) {
    LpVal v;
    lp_get(p, &v);
    return v.s ? 0 : v.v;
}

static unsigned char *skip(unsigned char *lp, unsigned char *p, size_t n) {
    while (n-- && p) p = lp_next(lp, p);
    return p;
}

/* The master entry: counts and fields; returns the first entry's flags
 * element (NULL: no entry); *term gets the master terminator. */
typedef struct {
    int64_t count, deleted, nmf;
    unsigned char *mfields; /* first master field (NULL when nmf == 0) */
    unsigned char *term;    /* the master's 0 terminator */
} Master;

static unsigned char *read_master(unsigned char *lp, Master *m) {
    unsigned char *p = lp_first(lp);
    m->count = lp_int(p);
    p = lp_next(lp, p);
    m->deleted = lp_int(p);
    p = lp_next(lp, p);
    m->nmf = lp_int(p);
    p = lp_next(lp, p);
    m->mfields = m->nmf ? p : NULL;
    p = skip(lp, p, (size_t)m->nmf);
    m->term = p;
    return lp_next(lp, p);
}

/* Elements of the entry at flags element p, lp-count included. */
static size_t entry_elems(unsigned char *lp, unsigned char *p, int64_t nmf) {
    int64_t flags = lp_int(p);
    if (flags & STREAM_FLAG_SAMEFIELDS) return (size_t)(3 + nmf + 1);
    unsigned char *nf = skip(lp, p, 3);
    return (size_t)(4 + 2 * lp_int(nf) + 1);
}

/* --- node index ---------------------------------------------------------- */

static StreamNode *node_at(const Stream *s, size_t i) { return &s->nodes[s->head + i]; }

static void index_push(Stream *s, const StreamId *master, unsigned char *lp) {
    if (s->head + s->nnodes == s->cap) {
        if (s->head > s->nnodes) { /* mostly gap: slide down instead of growing */
            memmove(s->nodes, s->nodes + s->head, s->nnodes * sizeof(StreamNode));
            s->head = 0;
        } else {
            s->cap = s->cap ? s->cap * 2 : 4;
            s->nodes = mem_realloc(s->nodes, s->cap * sizeof(StreamNode));
        }
    }
    StreamNode *n = &s->nodes[s->head + s->nnodes++];
    n->master = *master;
    n->lp = lp;
}

static void index_remove(Stream *s, size_t i) {
    lp_free(node_at(s, i)->lp);
    if (i == 0) {
        s->head++;
    } else {
        memmove(node_at(s, i), node_at(s, i + 1), (s->nnodes - i - 1) * sizeof(StreamNode));
    }
    s->nnodes--;
    if (s->nnodes == 0) s->head = 0;
}

/* The last node whose master is <= id; SIZE_MAX if none. */
static size_t index_find(const Stream *s, const StreamId *id) {
    size_t lo = 0, hi = s->nnodes; /* answer in [lo-1, hi) */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (stream_id_cmp(&node_at(s, mid)->master, id) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo == 0 ? SIZE_MAX : lo - 1;
}

/* --- lifecycle ----------------------------------------------------------- */

Stream *stream_new(void) { return mem_calloc(sizeof(Stream)); }

void stream_free(Stream *s) {
    if (!s) return;
    for (size_t i = 0; i < s->nnodes; i++) lp_free(node_at(s, i)->lp);
    mem_free(s->nodes);
    if (s->groups) stream_groups_free(s->groups);
    mem_free(s);
}

Stream *stream_dup(const Stream *s) {
    Stream *d = stream_new();
    d->length = s->length;
    d->last_id = s->last_id;
    d->first_id = s->first_id;
    d->max_deleted_id = s->max_deleted_id;
    d->entries_added = s->entries_added;
    if (s->nnodes) {
        d->cap = s->nnodes;
        d->nodes = mem_alloc(d->cap * sizeof(StreamNode));
        for (size_t i = 0; i < s->nnodes; i++) {
            d->nodes[i].master = node_at(s, i)->master;
            d->nodes[i].lp = lp_dup(node_at(s, i)->lp);
        }
        d->nnodes = s->nnodes;
    }
    d->groups = s->groups ? stream_groups_dup(s->groups) : NULL;
    return d;
}

size_t stream_mem(const Stream *s) {
    size_t n = mem_usable(s) + (s->nodes ? mem_usable(s->nodes) : 0);
    for (size_t i = 0; i < s->nnodes; i++) n += mem_usable(node_at(s, i)->lp);
    return n;
}

/* --- appending ----------------------------------------------------------- */

static bool next_auto_id(const StreamId *last, uint64_t now_ms, StreamId *out) {
    if (now_ms > last->ms) {
        out->ms = now_ms;
        out->seq = 0;
        return true;
    }
    *out = *last;
    return stream_id_incr(out);
}

/* Whether the fields of fv equal the master's, in order. */
static bool same_fields(unsigned char *lp, const Master *m, const char *const *fv,
                        const size_t *fvl, size_t nf) {
    if ((int64_t)nf != m->nmf) return false;
    unsigned char *p = m->mfields;
    for (size_t i = 0; i < nf; i++, p = lp_next(lp, p))
        if (!lp_eq(p, fv[2 * i], fvl[2 * i])) return false;
    return true;
}

static unsigned char *new_node(const char *const *fv, const size_t *fvl, size_t nf) {
    unsigned char *lp = lp_new();
    lp = lp_append_int(lp, 1);
    lp = lp_append_int(lp, 0);
    lp = lp_append_int(lp, (int64_t)nf);
    for (size_t i = 0; i < nf; i++) lp = lp_append(lp, fv[2 * i], fvl[2 * i]);
    return lp_append_int(lp, 0);
}

StreamAddResult stream_append(Stream *s, const StreamId *id, bool seq_given, uint64_t now_ms,
                              const char *const *fv, const size_t *fvl, size_t nfv,
                              StreamId *added) {
    StreamId nid;
    if (!id) {
        if (!next_auto_id(&s->last_id, now_ms, &nid)) return STREAM_ADD_ID_SMALL;
    } else if (!seq_given && id->ms == s->last_id.ms) {
        nid = s->last_id;
        if (nid.seq == UINT64_MAX) return STREAM_ADD_SEQ_FULL;
        nid.seq++;
    } else {
        nid = *id;
        if (!seq_given) nid.seq = 0;
    }
    if (stream_id_cmp(&nid, &s->last_id) <= 0) return STREAM_ADD_ID_SMALL;
    size_t total = 0, nf = nfv / 2;
    for (size_t i = 0; i < nfv; i++) total += fvl[i];
    if (total > 0xFFFFFFFFu) return STREAM_ADD_TOO_BIG;

    size_t max_bytes = (size_t)stream_node_max_bytes;
    if (max_bytes == 0 || max_bytes > NODE_HARD_MAX) max_bytes = NODE_HARD_MAX;
    StreamNode *tail = s->nnodes ? node_at(s, s->nnodes - 1) : NULL;
    Master m;
    if (tail) {
        read_master(tail->lp, &m);
        /* measured on Redis's layout of the node (its 6-byte header), so
         * nodes split where Redis's do (XINFO, approximate trims) */
        if (lp_redis_bytes(tail->lp) + total >= max_bytes ||
            (stream_node_max_entries && m.count + m.deleted >= stream_node_max_entries))
            tail = NULL;
    }
    int flags = STREAM_FLAG_NONE;
    if (!tail) {
        index_push(s, &nid, new_node(fv, fvl, nf));
        tail = node_at(s, s->nnodes - 1);
        flags = STREAM_FLAG_SAMEFIELDS;
    } else {
        unsigned char *p = lp_first(tail->lp);
        tail->lp = lp_replace_int(tail->lp, &p, m.count + 1);
        read_master(tail->lp, &m);
        if (same_fields(tail->lp, &m, fv, fvl, nf)) flags = STREAM_FLAG_SAMEFIELDS;
    }
    unsigned char *lp = tail->lp;
    lp = lp_append_int(lp, flags);
    lp = lp_append_int(lp, (int64_t)(nid.ms - tail->master.ms));
    lp = lp_append_int(lp, (int64_t)(nid.seq - tail->master.seq));
    bool same = flags & STREAM_FLAG_SAMEFIELDS;
    if (!same) lp = lp_append_int(lp, (int64_t)nf);
    for (size_t i = 0; i < nf; i++) {
        if (!same) lp = lp_append(lp, fv[2 * i], fvl[2 * i]);
        lp = lp_append(lp, fv[2 * i + 1], fvl[2 * i + 1]);
    }
    lp = lp_append_int(lp, (int64_t)(same ? 3 + nf : 4 + 2 * nf));
    tail->lp = lp;
    s->length++;
    s->entries_added++;
    s->last_id = nid;
    if (s->length == 1) s->first_id = nid;
    if (added) *added = nid;
    return STREAM_ADD_OK;
}

/* --- iteration ----------------------------------------------------------- */

static const StreamId id_min = {0, 0};
static const StreamId id_max = {UINT64_MAX, UINT64_MAX};

static unsigned char *skip_back(unsigned char *lp, unsigned char *p, size_t n) {
    while (n-- && p) p = lp_prev(lp, p);
    return p;
}

void stream_iter_start(StreamIter *it, Stream *s, const StreamId *start, const StreamId *end,
                       bool rev) {
    memset(it, 0, sizeof(*it));
    it->s = s;
    it->start = start ? *start : id_min;
    it->end = end ? *end : id_max;
    it->rev = rev;
    size_t n = index_find(s, rev ? &it->end : &it->start);
    if (n == SIZE_MAX) {
        if (rev) it->done = true;
        n = 0;
    }
    it->node = n;
    if (stream_id_cmp(&it->start, &it->end) > 0 || s->nnodes == 0) it->done = true;
}

/* Enters node it->node at its first (or, rev, last) entry; false if the
 * node holds no entry. */
static bool enter_node(StreamIter *it) {
    StreamNode *n = node_at(it->s, it->node);
    Master m;
    it->lp = n->lp;
    it->master = n->master;
    it->entry = read_master(it->lp, &m);
    it->nmfields = (size_t)m.nmf;
    it->mfields = m.mfields;
    it->term = m.term;
    if (!it->entry) return false;
    if (it->rev) {
        unsigned char *cnt = lp_last(it->lp);
        it->entry = skip_back(it->lp, cnt, (size_t)lp_int(cnt));
    }
    return true;
}

/* Moves to the next node in the iteration's direction. */
static void step_node(StreamIter *it) {
    it->lp = NULL;
    it->started = false;
    if (!it->rev) {
        it->node++;
    } else if (it->node == 0) {
        it->done = true;
    } else {
        it->node--;
    }
}

/* Moves to the next entry of the node; false at its end. */
static bool step_entry(StreamIter *it) {
    if (!it->rev) {
        it->entry = skip(it->lp, it->entry, entry_elems(it->lp, it->entry, (int64_t)it->nmfields));
        return it->entry != NULL;
    }
    unsigned char *cnt = lp_prev(it->lp, it->entry);
    if (cnt == it->term) return false;
    it->entry = skip_back(it->lp, cnt, (size_t)lp_int(cnt));
    return true;
}

bool stream_iter_next(StreamIter *it, StreamId *id, size_t *nfields) {
    while (!it->done) {
        if (!it->lp) {
            if (it->node >= it->s->nnodes) {
                it->done = true;
                break;
            }
            if (!enter_node(it)) {
                step_node(it);
                continue;
            }
        } else if (!step_entry(it)) {
            step_node(it);
            continue;
        }
        unsigned char *p = it->entry;
        it->flags = (int)lp_int(p);
        p = lp_next(it->lp, p);
        StreamId cur = it->master;
        cur.ms += (uint64_t)lp_int(p);
        p = lp_next(it->lp, p);
        cur.seq += (uint64_t)lp_int(p);
        p = lp_next(it->lp, p);
        size_t nf = it->nmfields;
        if (!(it->flags & STREAM_FLAG_SAMEFIELDS)) {
            nf = (size_t)lp_int(p);
            p = lp_next(it->lp, p);
        }
        if (!it->rev ? stream_id_cmp(&cur, &it->end) > 0 : stream_id_cmp(&cur, &it->start) < 0) {
            it->done = true;
            break;
        }
        if (it->flags & STREAM_FLAG_DELETED) continue;
        if (!it->rev ? stream_id_cmp(&cur, &it->start) < 0 : stream_id_cmp(&cur, &it->end) > 0)
            continue;
        it->fp = p;
        it->mf = it->mfields;
        it->cur = cur;
        *id = cur;
        *nfields = nf;
        return true;
    }
    return false;
}

void stream_iter_field(StreamIter *it, const char **f, size_t *flen, const char **v,
                       size_t *vlen) {
    if (it->flags & STREAM_FLAG_SAMEFIELDS) {
        *f = lp_get_str(it->mf, flen, it->fbuf);
        it->mf = lp_next(it->lp, it->mf);
    } else {
        *f = lp_get_str(it->fp, flen, it->fbuf);
        it->fp = lp_next(it->lp, it->fp);
    }
    *v = lp_get_str(it->fp, vlen, it->vbuf);
    it->fp = lp_next(it->lp, it->fp);
}

/* The first (or last) live entry's ID by a fresh scan. */
bool stream_edge_id(Stream *s, bool first, StreamId *id) {
    StreamIter it;
    size_t nf;
    stream_iter_start(&it, s, NULL, NULL, !first);
    bool found = stream_iter_next(&it, id, &nf);
    stream_iter_stop(&it);
    return found;
}

static void fix_first_id(Stream *s) {
    if (s->length == 0 || !stream_edge_id(s, true, &s->first_id)) s->first_id = id_min;
}

void stream_iter_delete(StreamIter *it) {
    Stream *s = it->s;
    unsigned char *lp = it->lp, *p = it->entry;
    lp = lp_replace_int(lp, &p, it->flags | STREAM_FLAG_DELETED);
    Master m;
    read_master(lp, &m);
    if (m.count == 1) {
        node_at(s, it->node)->lp = lp;
        index_remove(s, it->node);
    } else {
        p = lp_first(lp);
        lp = lp_replace_int(lp, &p, m.count - 1);
        p = lp_next(lp, p);
        lp = lp_replace_int(lp, &p, m.deleted + 1);
        node_at(s, it->node)->lp = lp;
    }
    s->length--;
    if (stream_id_cmp(&it->cur, &s->first_id) == 0) it->fix_first = true;
    /* re-seek after the deleted entry (it is flagged: never seen again) */
    StreamId start = it->rev ? it->start : it->cur, end = it->rev ? it->cur : it->end;
    bool fix = it->fix_first;
    stream_iter_start(it, s, &start, &end, it->rev);
    it->fix_first = fix;
}

void stream_iter_stop(StreamIter *it) {
    if (it->fix_first) fix_first_id(it->s);
    it->fix_first = false;
}

/* Positions it on the live entry with this ID; false if there is none. */
static bool seek_exact(StreamIter *it, Stream *s, const StreamId *id) {
    StreamId got;
    size_t nf;
    stream_iter_start(it, s, id, id, false);
    return stream_iter_next(it, &got, &nf);
}

bool stream_has(Stream *s, const StreamId *id) {
    StreamIter it;
    bool found = seek_exact(&it, s, id);
    stream_iter_stop(&it);
    return found;
}

bool stream_delete(Stream *s, const StreamId *id) {
    StreamIter it;
    bool found = seek_exact(&it, s, id);
    if (found) {
        stream_iter_delete(&it);
        if (stream_id_cmp(id, &s->max_deleted_id) > 0) s->max_deleted_id = *id;
    }
    stream_iter_stop(&it);
    return found;
}

/* --- trimming ------------------------------------------------------------ */

/* The ID of a node's last entry (deleted or not); false if it has none. */
static bool node_last_id(const StreamNode *n, StreamId *id) {
    Master m;
    unsigned char *lp = n->lp;
    if (!read_master(lp, &m)) return false;
    unsigned char *cnt = lp_last(lp);
    unsigned char *p = skip_back(lp, cnt, (size_t)lp_int(cnt));
    p = lp_next(lp, p);
    id->ms = n->master.ms + (uint64_t)lp_int(p);
    p = lp_next(lp, p);
    id->seq = n->master.seq + (uint64_t)lp_int(p);
    return true;
}

/* Flags entries of node 0 from its head while `more` says so; returns how
 * many live entries were flagged. */
static uint64_t trim_in_node(Stream *s, const StreamTrim *t) {
    StreamNode *n = node_at(s, 0);
    unsigned char *lp = n->lp;
    Master m;
    unsigned char *p = read_master(lp, &m);
    uint64_t gone = 0;
    while (p) {
        int64_t flags = lp_int(p);
        unsigned char *q = lp_next(lp, p);
        StreamId cur = n->master;
        cur.ms += (uint64_t)lp_int(q);
        q = lp_next(lp, q);
        cur.seq += (uint64_t)lp_int(q);
        bool stop = t->kind == STREAM_TRIM_MAXLEN ? s->length <= t->maxlen
                                                   : stream_id_cmp(&cur, &t->minid) >= 0;
        if (stop) break;
        size_t elems = entry_elems(lp, p, m.nmf);
        if (!(flags & STREAM_FLAG_DELETED)) {
            size_t from_end = lp_bytes(lp) - (size_t)(p - lp);
            lp = lp_replace_int(lp, &p, flags | STREAM_FLAG_DELETED);
            p = lp + (lp_bytes(lp) - from_end);
            gone++;
            s->length--;
        }
        p = skip(lp, p, elems);
    }
    p = lp_first(lp);
    lp = lp_replace_int(lp, &p, m.count - (int64_t)gone);
    p = lp_next(lp, p);
    lp = lp_replace_int(lp, &p, m.deleted + (int64_t)gone);
    n->lp = lp;
    return gone;
}

uint64_t stream_trim(Stream *s, const StreamTrim *t) {
    if (t->kind == STREAM_TRIM_NONE) return 0;
    uint64_t deleted = 0;
    while (s->nnodes) {
        if (t->kind == STREAM_TRIM_MAXLEN && s->length <= t->maxlen) break;
        StreamNode *n = node_at(s, 0);
        Master m;
        read_master(n->lp, &m);
        uint64_t entries = (uint64_t)m.count;
        if (t->limit && deleted + entries > (uint64_t)t->limit) break;
        bool whole;
        if (t->kind == STREAM_TRIM_MAXLEN) {
            whole = s->length - entries >= t->maxlen;
        } else {
            StreamId last;
            whole = !node_last_id(n, &last) || stream_id_cmp(&last, &t->minid) < 0;
        }
        if (whole) {
            index_remove(s, 0);
            s->length -= entries;
            deleted += entries;
            continue;
        }
        if (t->approx) break;
        deleted += trim_in_node(s, t);
        break;
    }
    if (s->length == 0)
        s->first_id = id_min;
    else if (deleted)
        fix_first_id(s);
    return deleted;
}

/* --- node level ---------------------------------------------------------- */

size_t stream_node_count(const Stream *s) { return s->nnodes; }

const unsigned char *stream_node_get(const Stream *s, size_t i, StreamId *master) {
    StreamNode *n = node_at(s, i);
    if (master) *master = n->master;
    return n->lp;
}

bool stream_node_load(Stream *s, const StreamId *master, unsigned char *lp) {
    if (s->nnodes && stream_id_cmp(&node_at(s, s->nnodes - 1)->master, master) >= 0)
        return false;
    index_push(s, master, lp);
    return true;
}

/* An element that must be an integer (false if it is a string). */
static bool get_int(unsigned char *p, int64_t *v) {
    if (!p) return false;
    LpVal x;
    lp_get(p, &x);
    if (x.s) return false;
    *v = x.v;
    return true;
}

bool stream_node_valid(const StreamId *master, const unsigned char *clp, const StreamId *prev,
                       StreamId *last) {
    unsigned char *lp = (unsigned char *)clp, *p = lp_first(lp);
    int64_t count, deleted, nmf, v;
    if (!get_int(p, &count) || !get_int(p = lp_next(lp, p), &deleted) ||
        !get_int(p = lp_next(lp, p), &nmf) || count < 0 || deleted < 0 || nmf < 0)
        return false;
    p = lp_next(lp, p);
    for (int64_t i = 0; i < nmf; i++, p = lp_next(lp, p))
        if (!p) return false;
    if (!get_int(p, &v) || v != 0) return false;
    p = lp_next(lp, p);
    int64_t live = 0, dead = 0;
    StreamId before = prev ? *prev : id_min;
    bool any = prev != NULL;
    while (p) {
        int64_t flags, msd, seqd, nf, cnt;
        if (!get_int(p, &flags) || (flags & ~3) ||
            !get_int(p = lp_next(lp, p), &msd) || !get_int(p = lp_next(lp, p), &seqd))
            return false;
        StreamId id = {master->ms + (uint64_t)msd, master->seq + (uint64_t)seqd};
        if (any && stream_id_cmp(&id, &before) <= 0) return false;
        if (!any && stream_id_cmp(&id, master) < 0) return false;
        any = true;
        before = id;
        p = lp_next(lp, p);
        size_t elems;
        if (flags & STREAM_FLAG_SAMEFIELDS) {
            nf = nmf;
            elems = (size_t)nf;
        } else {
            if (!get_int(p, &nf) || nf < 0) return false;
            p = lp_next(lp, p);
            elems = 2 * (size_t)nf;
        }
        for (size_t i = 0; i < elems; i++, p = lp_next(lp, p))
            if (!p) return false;
        int64_t want = (flags & STREAM_FLAG_SAMEFIELDS) ? 3 + nf : 4 + 2 * nf;
        if (!get_int(p, &cnt) || cnt != want) return false;
        p = lp_next(lp, p);
        if (flags & STREAM_FLAG_DELETED) dead++; else live++;
    }
    if (live != count || dead != deleted || live + dead == 0) return false;
    if (last) *last = before;
    return true;
}

/* --- Redis's rax node count ---------------------------------------------- */

/* Redis keys its node index (a rax, a compressed trie) by each master ID as
 * 16 big-endian bytes, and only ever inserts keys above the others. Such a
 * trie is the same whatever was removed from it since (its removals merge
 * back what the inserts split), so its node count follows from the keys in
 * order: each insert only walks the rightmost path (the previous key's),
 * leaves it at the first byte where the keys differ, splits the node there
 * if that node holds several bytes, and hangs the rest of the key below. */
size_t stream_rax_nodes(const Stream *s) {
    struct {
        uint8_t at, len; /* the bytes of the key it holds: [at, at + len) */
        bool compr;      /* holds len bytes (else: 1 byte, one child per value) */
    } path[17];
    size_t n = 1, np = 0; /* the empty trie is one node */
    unsigned char prev[16], cur[16];
    for (size_t i = 0; i < s->nnodes; i++) {
        const StreamId *m = &node_at(s, i)->master;
        for (int b = 0; b < 8; b++) {
            cur[b] = (unsigned char)(m->ms >> (56 - 8 * b));
            cur[8 + b] = (unsigned char)(m->seq >> (56 - 8 * b));
        }
        if (i == 0) { /* the root takes all 16 bytes, over the key's leaf */
            path[0].at = 0;
            path[0].len = 16;
            path[0].compr = true;
            np = 1;
            n = 2;
        } else {
            unsigned p = 0;
            while (p < 15 && cur[p] == prev[p]) p++;
            size_t k = 0;
            while (k + 1 < np && path[k + 1].at <= p) k++;
            if (path[k].compr) {
                unsigned j = p - path[k].at, len = path[k].len;
                if (j > 0) { /* the bytes before p stay a node of their own */
                    path[k].len = (uint8_t)j;
                    path[k].compr = j > 1;
                    k++;
                    n++;
                }
                if (len - j - 1 > 0) n++; /* the bytes after p, for the old keys */
                path[k].at = (uint8_t)p; /* the branching node */
                path[k].len = 1;
                path[k].compr = false;
            }
            np = k + 1;
            unsigned rest = 15 - p; /* bytes below the branching one */
            if (rest > 0) {
                path[np].at = (uint8_t)(p + 1);
                path[np].len = (uint8_t)rest;
                path[np].compr = rest > 1;
                np++;
                n++;
            }
            n++; /* the new key's leaf */
        }
        memcpy(prev, cur, 16);
    }
    return n;
}
