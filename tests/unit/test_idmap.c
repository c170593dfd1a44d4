/* tests/unit/test_idmap.c -- ds/idmap against a brute-force sorted array
 * under random inserts and deletes, walks both ways, seeks; phases that
 * grow and shrink the B+tree (splits, borrows, merges at every level),
 * the queue pattern of a PEL, and walks that delete and seek again. */
#include "ds/idmap.h"

#include <string.h>

#include "unit.h"

#define N 4000

static uint64_t rnd_state = 12345;
static uint64_t rnd(void) {
    rnd_state = rnd_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return rnd_state >> 33;
}

static bool present[N];

static StreamId id_of(int i) { return (StreamId){(uint64_t)(i / 7), (uint64_t)(i % 7)}; }

static void test_random(void) {
    IdMap *m = idmap_new();
    size_t count = 0;
    for (int step = 0; step < 40000; step++) {
        int i = (int)(rnd() % N);
        StreamId id = id_of(i);
        if (rnd() % 3) {
            bool ok = idmap_insert(m, &id, (void *)(intptr_t)(i + 1));
            CHECK(ok == !present[i]);
            if (ok) count++;
            present[i] = true;
        } else {
            void *old = NULL;
            bool ok = idmap_delete(m, &id, &old);
            CHECK(ok == present[i]);
            if (ok) {
                CHECK(old == (void *)(intptr_t)(i + 1));
                count--;
            }
            present[i] = false;
        }
    }
    CHECK(idmap_len(m) == count);
    /* forward walk */
    IdMapNode *n = idmap_first(m);
    int bad = 0;
    for (int i = 0; i < N; i++) {
        if (!present[i]) continue;
        StreamId id = id_of(i);
        if (!n || stream_id_cmp(idmap_node_id(n), &id) != 0) bad++;
        if (n) n = idmap_next(n);
    }
    CHECK(bad == 0 && n == NULL);
    /* backward walk */
    n = idmap_last(m);
    for (int i = N - 1; i >= 0; i--) {
        if (!present[i]) continue;
        if (!n || idmap_node_val(n) != (void *)(intptr_t)(i + 1)) bad++;
        if (n) n = idmap_prev(n);
    }
    CHECK(bad == 0 && n == NULL);
    /* seeks */
    for (int i = 0; i < N; i++) {
        StreamId id = id_of(i);
        int ge = i, le = i;
        while (ge < N && !present[ge]) ge++;
        while (le >= 0 && !present[le]) le--;
        IdMapNode *g = idmap_seek_ge(m, &id), *l = idmap_seek_le(m, &id);
        if (ge == N ? g != NULL : (!g || idmap_node_val(g) != (void *)(intptr_t)(ge + 1))) bad++;
        if (le < 0 ? l != NULL : (!l || idmap_node_val(l) != (void *)(intptr_t)(le + 1))) bad++;
        if ((idmap_find(m, &id) != NULL) != present[i]) bad++;
    }
    CHECK(bad == 0);
    idmap_free(m, NULL);
}

static void test_empty(void) {
    IdMap *m = idmap_new();
    StreamId z = {0, 0};
    CHECK(idmap_first(m) == NULL && idmap_last(m) == NULL);
    CHECK(idmap_seek_ge(m, &z) == NULL && idmap_seek_le(m, &z) == NULL);
    CHECK(!idmap_delete(m, &z, NULL));
    CHECK(idmap_insert(m, &z, NULL));
    CHECK(idmap_find(m, &z) != NULL);
    StreamId top = {UINT64_MAX, UINT64_MAX};
    CHECK(idmap_insert(m, &top, NULL));
    CHECK(idmap_prev(idmap_last(m)) == idmap_first(m));
    idmap_free(m, NULL);
}

/* ---- a bigger model: phases of growth and shrinkage over BIGN IDs */
#define BIGN 30000
static bool big[BIGN];
static size_t big_count;

/* spaced out, so that an ID just below each one lies between two of them */
static StreamId big_id(int i) { return (StreamId){(uint64_t)(i / 3) * 1000, (uint64_t)(i % 3) * 10 + 5}; }

/* Walks m both ways and seeks a sample: 0 when it matches big[]. */
static int big_check(IdMap *m) {
    int bad = 0;
    if (idmap_len(m) != big_count) bad++;
    IdMapNode *n = idmap_first(m);
    for (int i = 0; i < BIGN; i++) {
        if (!big[i]) continue;
        StreamId id = big_id(i);
        if (!n || stream_id_cmp(idmap_node_id(n), &id) != 0 ||
            idmap_node_val(n) != (void *)(intptr_t)(i + 1))
            bad++;
        if (n) n = idmap_next(n);
    }
    if (n) bad++;
    n = idmap_last(m);
    for (int i = BIGN - 1; i >= 0; i--) {
        if (!big[i]) continue;
        if (!n || idmap_node_val(n) != (void *)(intptr_t)(i + 1)) bad++;
        if (n) n = idmap_prev(n);
    }
    if (n) bad++;
    for (int k = 0; k < 300; k++) {
        int i = (int)(rnd() % BIGN);
        StreamId id = big_id(i);
        /* between i-1 and i: seeks land on neighbours */
        StreamId before = {id.ms, id.seq - 1};
        int ge = i, le = i - 1;
        while (ge < BIGN && !big[ge]) ge++;
        while (le >= 0 && !big[le]) le--;
        IdMapNode *g = idmap_seek_ge(m, &before), *l = idmap_seek_le(m, &before);
        if (ge == BIGN ? g != NULL : (!g || idmap_node_val(g) != (void *)(intptr_t)(ge + 1))) bad++;
        if (le < 0 ? l != NULL : (!l || idmap_node_val(l) != (void *)(intptr_t)(le + 1))) bad++;
        IdMapNode *f = idmap_find(m, &id);
        if ((f != NULL) != big[i] || (f && idmap_node_val(f) != (void *)(intptr_t)(i + 1))) bad++;
    }
    return bad;
}

static void big_insert(IdMap *m, int i) {
    StreamId id = big_id(i);
    bool ok = idmap_insert(m, &id, (void *)(intptr_t)(i + 1));
    CHECK(ok == !big[i]);
    if (ok) big_count++;
    big[i] = true;
}

static void big_delete(IdMap *m, int i) {
    StreamId id = big_id(i);
    void *old = NULL;
    bool ok = idmap_delete(m, &id, &old);
    CHECK(ok == big[i]);
    if (ok) {
        CHECK(old == (void *)(intptr_t)(i + 1));
        big_count--;
    }
    big[i] = false;
}

static void test_phases(void) {
    IdMap *m = idmap_new();
    size_t empty_bytes = idmap_mem(m);
    int bad = 0;
    /* grow to ~90%, shrink to ~5%, grow again, ..., then empty it */
    static const int insert_pct[] = {90, 10, 85, 5, 95, 20, 70, 0};
    for (size_t ph = 0; ph < sizeof(insert_pct) / sizeof(insert_pct[0]); ph++) {
        for (int step = 0; step < 60000; step++) {
            int i = (int)(rnd() % BIGN);
            if ((int)(rnd() % 100) < insert_pct[ph])
                big_insert(m, i);
            else
                big_delete(m, i);
        }
        bad += big_check(m);
    }
    for (int i = 0; i < BIGN; i++) big_delete(m, i);
    bad += big_check(m);
    CHECK(bad == 0);
    CHECK(idmap_len(m) == 0 && idmap_first(m) == NULL && idmap_mem(m) == empty_bytes);
    idmap_free(m, NULL);
}

/* A PEL as a queue: appended in ID order, acknowledged from the front
 * (and now and then from the middle), leaves filled as they come. */
static void test_queue(void) {
    IdMap *m = idmap_new();
    memset(big, 0, sizeof(big));
    big_count = 0;
    int head = 0, tail = 0, bad = 0;
    while (tail < BIGN) {
        int add = (int)(rnd() % 200);
        for (int k = 0; k < add && tail < BIGN; k++) big_insert(m, tail++);
        int ack = (int)(rnd() % 190);
        for (int k = 0; k < ack && head < tail; k++) big_delete(m, head++);
        if (head < tail) big_delete(m, head + (int)(rnd() % (unsigned)(tail - head)));
    }
    bad += big_check(m);
    /* in-order fill: about 25 bytes an entry once full */
    IdMap *seq = idmap_new();
    for (int i = 0; i < 100000; i++) {
        StreamId id = {(uint64_t)i, 0};
        idmap_insert(seq, &id, NULL);
    }
    CHECK(idmap_mem(seq) < 100000 * 26);
    /* thinned out (every other one deleted): leaves shrink and merge */
    for (int i = 0; i < 100000; i += 2) {
        StreamId id = {(uint64_t)i, 0};
        CHECK(idmap_delete(seq, &id, NULL));
    }
    CHECK(idmap_len(seq) == 50000 && idmap_mem(seq) < 50000 * 30);
    idmap_free(seq, NULL);
    for (int i = 0; i < BIGN; i++) big_delete(m, i);
    CHECK(bad == 0 && idmap_len(m) == 0);
    idmap_free(m, NULL);
}

/* The XAUTOCLAIM pattern: walk, delete some of what the walk meets, seek
 * again after each delete (positions do not survive a delete). */
static void test_walk_delete(void) {
    IdMap *m = idmap_new();
    memset(big, 0, sizeof(big));
    big_count = 0;
    for (int i = 0; i < BIGN; i++)
        if (rnd() % 4) big_insert(m, i);
    for (int round = 0; round < 6; round++) {
        StreamId start = big_id((int)(rnd() % BIGN));
        IdMapNode *p = idmap_seek_ge(m, &start);
        while (p) {
            StreamId id = *idmap_node_id(p);
            int i = (int)((intptr_t)idmap_node_val(p) - 1);
            if (rnd() % 3 == 0) {
                big_delete(m, i);
                p = idmap_seek_ge(m, &id);
            } else {
                p = idmap_next(p);
            }
        }
        CHECK(big_check(m) == 0);
    }
    idmap_free(m, NULL);
}

int main(void) {
    test_empty();
    test_random();
    test_phases();
    test_queue();
    test_walk_delete();
    return unit_finish("idmap");
}
