/* tests/unit/test_stream.c -- ds/stream against a reference model (an
 * array of live entries): random appends (same and different fields),
 * deletes, exact and approximate trims, checked after each step by full
 * iteration both ways and by ranges; node splitting by entries and bytes,
 * the ID rules, dup, node-level reload and validation, no leak. */
#include "ds/stream.h"

#include <stdio.h>

#include "ds/listpack.h"

#include "unit.h"

typedef struct {
    StreamId id;
    int nf;
    char f[3][8], v[3][16];
} MEntry;

static MEntry model[20000];
static size_t mlen;

static StreamId sid(uint64_t ms, uint64_t seq) { return (StreamId){ms, seq}; }

static void add(Stream *s, uint64_t ms, int kind) {
    MEntry *m = &model[mlen];
    const char *fv[6];
    size_t fvl[6];
    m->nf = kind == 2 ? 1 : 2;
    for (int i = 0; i < m->nf; i++) {
        snprintf(m->f[i], sizeof(m->f[i]), kind == 1 ? "g%d" : "f%d", i);
        snprintf(m->v[i], sizeof(m->v[i]), "%d", (int)(mlen * 7 + (size_t)i) % 1000 - 5);
        fv[2 * i] = m->f[i];
        fvl[2 * i] = strlen(m->f[i]);
        fv[2 * i + 1] = m->v[i];
        fvl[2 * i + 1] = strlen(m->v[i]);
    }
    StreamId got;
    CHECK(stream_append(s, NULL, false, ms, fv, fvl, (size_t)(2 * m->nf), &got) == STREAM_ADD_OK);
    m->id = got;
    mlen++;
}

static bool entry_matches(StreamIter *it, const StreamId *id, size_t nf, const MEntry *m) {
    if (stream_id_cmp(id, &m->id) != 0 || nf != (size_t)m->nf) return false;
    for (size_t i = 0; i < nf; i++) {
        const char *f, *v;
        size_t fl, vl;
        stream_iter_field(it, &f, &fl, &v, &vl);
        if (fl != strlen(m->f[i]) || memcmp(f, m->f[i], fl)) return false;
        if (vl != strlen(m->v[i]) || memcmp(v, m->v[i], vl)) return false;
    }
    return true;
}

/* Full iteration both ways plus a random range each way. */
static void verify(Stream *s) {
    StreamIter it;
    StreamId id;
    size_t nf, i = 0;
    bool ok = s->length == mlen;
    stream_iter_start(&it, s, NULL, NULL, false);
    while (ok && stream_iter_next(&it, &id, &nf)) ok = i < mlen && entry_matches(&it, &id, nf, &model[i++]);
    stream_iter_stop(&it);
    ok = ok && i == mlen;
    stream_iter_start(&it, s, NULL, NULL, true);
    while (ok && stream_iter_next(&it, &id, &nf)) ok = i > 0 && entry_matches(&it, &id, nf, &model[--i]);
    stream_iter_stop(&it);
    ok = ok && i == 0;
    if (mlen) {
        size_t a = (size_t)rand() % mlen, b = a + (size_t)rand() % (mlen - a);
        StreamId lo = model[a].id, hi = model[b].id;
        stream_iter_start(&it, s, &lo, &hi, false);
        i = a;
        while (ok && stream_iter_next(&it, &id, &nf)) ok = i <= b && entry_matches(&it, &id, nf, &model[i++]);
        stream_iter_stop(&it);
        ok = ok && i == b + 1;
        stream_iter_start(&it, s, &lo, &hi, true);
        i = b + 1;
        while (ok && stream_iter_next(&it, &id, &nf)) ok = i > a && entry_matches(&it, &id, nf, &model[--i]);
        stream_iter_stop(&it);
        ok = ok && i == a;
        ok = ok && stream_id_cmp(&s->first_id, &model[0].id) == 0;
    } else {
        ok = ok && stream_id_is_zero(&s->first_id);
    }
    for (size_t n = 0; ok && n < stream_node_count(s); n++) {
        StreamId master;
        const unsigned char *lp = stream_node_get(s, n, &master);
        ok = stream_node_valid(&master, lp, NULL, NULL);
    }
    CHECK(ok);
}

static void model_del(size_t i) {
    memmove(model + i, model + i + 1, (mlen - i - 1) * sizeof(MEntry));
    mlen--;
}

static void test_random(void) {
    Stream *s = stream_new();
    mlen = 0;
    uint64_t ms = 1000;
    for (int step = 0; step < 3000; step++) {
        int op = rand() % 100;
        if (op < 70 || mlen == 0) {
            ms += (uint64_t)(rand() % 3);
            add(s, ms, rand() % 10 == 0 ? 1 : rand() % 10 == 0 ? 2 : 0);
        } else if (op < 88) {
            size_t i = (size_t)rand() % mlen;
            StreamId id = model[i].id;
            CHECK(stream_delete(s, &id));
            CHECK(!stream_delete(s, &id) && !stream_has(s, &id));
            CHECK(stream_id_cmp(&s->max_deleted_id, &id) >= 0);
            model_del(i);
        } else if (op < 94) {
            StreamTrim t = {.kind = STREAM_TRIM_MAXLEN, .maxlen = (uint64_t)(rand() % (int)(mlen + 1)),
                            .approx = rand() % 2};
            uint64_t before = mlen, gone = stream_trim(s, &t);
            CHECK(s->length == before - gone);
            if (!t.approx) CHECK(s->length == (t.maxlen < before ? t.maxlen : before));
            else CHECK(s->length >= t.maxlen || s->length == before);
            memmove(model, model + gone, (mlen - gone) * sizeof(MEntry));
            mlen -= gone;
        } else {
            StreamId min = model[(size_t)rand() % mlen].id;
            StreamTrim t = {.kind = STREAM_TRIM_MINID, .minid = min, .approx = rand() % 2};
            uint64_t gone = stream_trim(s, &t);
            size_t below = 0;
            while (below < mlen && stream_id_cmp(&model[below].id, &min) < 0) below++;
            if (!t.approx) CHECK(gone == below);
            else CHECK(gone <= below);
            memmove(model, model + gone, (mlen - gone) * sizeof(MEntry));
            mlen -= gone;
        }
        verify(s);
    }
    Stream *d = stream_dup(s);
    CHECK(d->length == s->length && stream_node_count(d) == stream_node_count(s));
    stream_free(s);
    verify(d);
    /* reload node by node, as the RDB loader does */
    Stream *r = stream_new();
    StreamId prev = {0, 0}, last;
    bool have = false, ok = true;
    for (size_t n = 0; n < stream_node_count(d); n++) {
        StreamId master;
        const unsigned char *lp = stream_node_get(d, n, &master);
        if (stream_node_valid(&master, lp, have ? &prev : NULL, &last)) {
            prev = last;
            have = true;
        }
        ok = ok && stream_node_load(r, &master, lp_dup(lp));
    }
    CHECK(ok);
    r->length = d->length;
    r->last_id = d->last_id;
    r->first_id = d->first_id;
    verify(r);
    if (stream_node_count(r)) {
        StreamId master;
        stream_node_get(r, 0, &master);
        CHECK(!stream_node_load(r, &master, NULL)); /* masters must increase */
    }
    stream_free(r);
    stream_free(d);
}

static void test_nodes(void) {
    Stream *s = stream_new();
    mlen = 0;
    stream_node_max_entries = 10;
    for (int i = 0; i < 95; i++) add(s, 5, 0);
    CHECK(stream_node_count(s) == 10);
    verify(s);
    /* deleting a whole node's entries frees it */
    for (int i = 0; i < 10; i++) {
        StreamId id = model[10].id;
        CHECK(stream_delete(s, &id));
        model_del(10);
    }
    CHECK(stream_node_count(s) == 9);
    verify(s);
    /* approximate MAXLEN removes whole nodes only */
    StreamTrim t = {.kind = STREAM_TRIM_MAXLEN, .maxlen = 81, .approx = true};
    CHECK(stream_trim(s, &t) == 0); /* 85 live: first node of 10 can't go */
    t.maxlen = 75;
    CHECK(stream_trim(s, &t) == 10);
    memmove(model, model + 10, (mlen - 10) * sizeof(MEntry));
    mlen -= 10;
    verify(s);
    t.limit = 5; /* LIMIT under a node's count: nothing */
    t.maxlen = 0;
    CHECK(stream_trim(s, &t) == 0);
    stream_free(s);

    /* bytes limit */
    s = stream_new();
    mlen = 0;
    stream_node_max_entries = 0;
    stream_node_max_bytes = 200;
    for (int i = 0; i < 100; i++) add(s, 7, 0);
    CHECK(stream_node_count(s) > 5);
    for (size_t n = 0; n < stream_node_count(s); n++) {
        StreamId master;
        CHECK(lp_bytes(stream_node_get(s, n, &master)) < 200 + 40);
    }
    verify(s);
    stream_free(s);
    stream_node_max_entries = 100;
    stream_node_max_bytes = 4096;
}

/* Nodes split where Redis's do (its listpack bytes), and radix-tree-nodes
 * is what Redis's rax counts (figures from redis-server 7.0.15). */
static void test_split_and_rax(void) {
    char x[28];
    memset(x, 'x', sizeof(x));
    const char *fv[4] = {"f0", x, "f1", x};
    size_t fvl[4] = {2, 28, 2, 28};
    Stream *s = stream_new();
    CHECK(stream_rax_nodes(s) == 1);
    for (uint64_t i = 1; i <= 61; i++) {
        StreamId id = sid(i, 0);
        CHECK(stream_append(s, &id, true, 0, fv, fvl, 4, NULL) == STREAM_ADD_OK);
        CHECK(stream_node_count(s) == (i <= 60 ? 1 : 2)); /* 23 + 68 * 59 + 60 < 4096 */
    }
    stream_free(s);
    stream_node_max_entries = 4;
    s = stream_new();
    for (uint64_t i = 1; i <= 8; i++) {
        StreamId id = sid(i, 0);
        CHECK(stream_append(s, &id, true, 0, fv, fvl, 2, NULL) == STREAM_ADD_OK);
        CHECK(stream_rax_nodes(s) == (i <= 4 ? 2 : 6));
    }
    stream_free(s);
    s = stream_new(); /* keys differing in their last byte: no tail below */
    for (uint64_t i = 0; i < 12; i++) {
        StreamId id = sid(1, i);
        CHECK(stream_append(s, &id, true, 0, fv, fvl, 2, NULL) == STREAM_ADD_OK);
    }
    CHECK(stream_node_count(s) == 3 && stream_rax_nodes(s) == 5); /* 1-0 1-4 1-8 */
    stream_free(s);
    stream_node_max_entries = 100;
}

static void test_ids(void) {
    Stream *s = stream_new();
    const char *fv[2] = {"f", "v"};
    size_t fvl[2] = {1, 1};
    StreamId got, id = sid(5, 3);
    CHECK(stream_append(s, &id, true, 0, fv, fvl, 2, &got) == STREAM_ADD_OK);
    CHECK(stream_append(s, &id, true, 0, fv, fvl, 2, &got) == STREAM_ADD_ID_SMALL);
    id = sid(5, 0);
    CHECK(stream_append(s, &id, false, 0, fv, fvl, 2, &got) == STREAM_ADD_OK); /* 5-* */
    CHECK(got.ms == 5 && got.seq == 4);
    id = sid(4, 0);
    CHECK(stream_append(s, &id, false, 0, fv, fvl, 2, &got) == STREAM_ADD_ID_SMALL);
    id = sid(9, 0);
    CHECK(stream_append(s, &id, false, 0, fv, fvl, 2, &got) == STREAM_ADD_OK);
    CHECK(got.ms == 9 && got.seq == 0);
    CHECK(stream_append(s, NULL, false, 3, fv, fvl, 2, &got) == STREAM_ADD_OK); /* clock behind */
    CHECK(got.ms == 9 && got.seq == 1);
    CHECK(stream_append(s, NULL, false, 20, fv, fvl, 2, &got) == STREAM_ADD_OK);
    CHECK(got.ms == 20 && got.seq == 0);
    id = sid(20, UINT64_MAX);
    CHECK(stream_append(s, &id, true, 0, fv, fvl, 2, &got) == STREAM_ADD_OK);
    id = sid(20, 0);
    CHECK(stream_append(s, &id, false, 0, fv, fvl, 2, &got) == STREAM_ADD_SEQ_FULL); /* 20-* full */
    CHECK(s->length == 6 && s->entries_added == 6);
    StreamId first, last;
    CHECK(stream_edge_id(s, true, &first) && first.ms == 5 && first.seq == 3);
    CHECK(stream_edge_id(s, false, &last) && last.ms == 20 && last.seq == UINT64_MAX);
    /* deleting during iteration keeps going */
    StreamIter it;
    size_t nf;
    stream_iter_start(&it, s, NULL, NULL, false);
    int seen = 0;
    while (stream_iter_next(&it, &got, &nf)) {
        seen++;
        if (seen % 2) stream_iter_delete(&it);
    }
    stream_iter_stop(&it);
    CHECK(seen == 6 && s->length == 3);
    CHECK(s->first_id.ms == 5 && s->first_id.seq == 4);
    stream_free(s);
}

/* Hand-built nodes: the validator accepts Redis's layout, refuses lies. */
static void test_validate(void) {
    StreamId m = sid(10, 0), last;
    /* master: 1 live, 1 deleted, 1 field "f", 0; entries: 10-0 with the
     * master's fields, then 10-5 (deleted) with its own */
    int64_t good[] = {1, 1, 1, -1 /* "f" */, 0, 2, 0, 0, -2 /* "a" */, 4,
                      1, 0, 5, 1, -1, -2, 6};
    for (int bad = -1; bad < 4; bad++) {
        unsigned char *lp = lp_new();
        for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
            int64_t v = good[i];
            if (bad == 0 && i == 0) v = 3;    /* count says 3 live */
            if (bad == 1 && i == 9) v = 5;    /* wrong lp-count */
            if (bad == 2 && i == 10) v = 9;   /* unknown flag */
            if (bad == 3 && i == 12) v = 0;   /* 10-0 twice */
            if (v == -1) lp = lp_append(lp, "f", 1);
            else if (v == -2) lp = lp_append(lp, "a", 1);
            else lp = lp_append_int(lp, v);
        }
        bool ok = stream_node_valid(&m, lp, NULL, &last);
        CHECK(ok == (bad == -1));
        if (bad == -1) {
            CHECK(last.ms == 10 && last.seq == 5);
            StreamId after = sid(10, 0);
            CHECK(!stream_node_valid(&m, lp, &after, NULL)); /* not above prev */
            Stream *s = stream_new();
            CHECK(stream_node_load(s, &m, lp));
            s->length = 1;
            s->last_id = last;
            s->first_id = m;
            StreamIter it;
            StreamId id;
            size_t nf;
            stream_iter_start(&it, s, NULL, NULL, true);
            CHECK(stream_iter_next(&it, &id, &nf) && id.ms == 10 && id.seq == 0 && nf == 1);
            const char *f, *v;
            size_t fl, vl;
            stream_iter_field(&it, &f, &fl, &v, &vl);
            CHECK_MEM(f, fl, "f");
            CHECK_MEM(v, vl, "a");
            CHECK(!stream_iter_next(&it, &id, &nf));
            stream_iter_stop(&it);
            stream_free(s);
        } else {
            lp_free(lp);
        }
    }
}

int main(void) {
    srand(42);
    test_ids();
    test_split_and_rax();
    test_validate();
    test_nodes();
    test_random();
    return unit_finish("test_stream");
}
