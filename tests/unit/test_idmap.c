/* tests/unit/test_idmap.c -- ds/idmap against a brute-force sorted array
 * under random inserts and deletes, walks both ways, seeks. */
#include "ds/idmap.h"

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

int main(void) {
    test_empty();
    test_random();
    return unit_finish("idmap");
}
