/* tests/unit/test_stream_cg.c -- ds/stream_cg: name order as rax, shared
 * pending records, consumer delete, dup, the loading checks (a record
 * claimed twice, a claim of an ID not pending, orphans), lag. */
#include "ds/stream_cg.h"

#include "unit.h"

static StreamId sid(uint64_t ms, uint64_t seq) { return (StreamId){ms, seq}; }

static void test_order(void) {
    StreamGroups *gs = stream_groups_new();
    StreamId z = sid(0, 0);
    CHECK(stream_groups_add(gs, "b", 1, &z, 0));
    CHECK(stream_groups_add(gs, "ab", 2, &z, 0));
    CHECK(stream_groups_add(gs, "a", 1, &z, 0));
    CHECK(stream_groups_add(gs, "a\0", 2, &z, 0));
    CHECK(!stream_groups_add(gs, "b", 1, &z, 0));
    CHECK(stream_groups_count(gs) == 4);
    CHECK_MEM(stream_groups_at(gs, 0)->name, stream_groups_at(gs, 0)->name_len, "a");
    CHECK(stream_groups_at(gs, 1)->name_len == 2 && stream_groups_at(gs, 1)->name[1] == 0);
    CHECK_MEM(stream_groups_at(gs, 2)->name, stream_groups_at(gs, 2)->name_len, "ab");
    CHECK_MEM(stream_groups_at(gs, 3)->name, stream_groups_at(gs, 3)->name_len, "b");
    CHECK(stream_groups_find(gs, "ab", 2) == stream_groups_at(gs, 2));
    CHECK(stream_groups_find(gs, "c", 1) == NULL);
    CHECK(stream_groups_remove(gs, "ab", 2));
    CHECK(!stream_groups_remove(gs, "ab", 2));
    CHECK(stream_groups_count(gs) == 3);
    stream_groups_free(gs);
    CHECK(stream_groups_count(NULL) == 0 && stream_groups_find(NULL, "a", 1) == NULL);
}

static void test_pel(void) {
    StreamGroups *gs = stream_groups_new();
    StreamId z = sid(0, 0);
    StreamGroup *g = stream_groups_add(gs, "g", 1, &z, 0);
    StreamConsumer *alice = stream_group_consumer_add(g, "alice", 5, 100);
    StreamConsumer *bob = stream_group_consumer_add(g, "bob", 3, 100);
    CHECK(!stream_group_consumer_add(g, "bob", 3, 100));
    for (uint64_t i = 1; i <= 10; i++) {
        StreamId id = sid(i, 0);
        CHECK(stream_group_nack_add(g, i % 2 ? alice : bob, &id, 1000, 1));
    }
    StreamId one = sid(1, 0), two = sid(2, 0);
    CHECK(!stream_group_nack_add(g, bob, &one, 1000, 1));
    CHECK(idmap_len(g->pel) == 10 && idmap_len(alice->pel) == 5 && idmap_len(bob->pel) == 5);
    StreamNack *n = stream_group_nack_find(g, &one);
    stream_group_nack_move(g, n, &one, bob);
    CHECK(n->consumer == bob && idmap_len(alice->pel) == 4 && idmap_len(bob->pel) == 6);
    CHECK(stream_group_ack(g, &two));
    CHECK(!stream_group_ack(g, &two));
    CHECK(idmap_len(bob->pel) == 5);
    StreamGroups *copy = stream_groups_dup(gs);
    CHECK(stream_groups_mem(copy) > stream_groups_mem(NULL));
    CHECK(stream_group_consumer_delete(g, bob) == 5);
    CHECK(idmap_len(g->pel) == 4 && g->nconsumers == 1);
    StreamGroup *cg = stream_groups_find(copy, "g", 1);
    CHECK(idmap_len(cg->pel) == 9 && cg->nconsumers == 2);
    StreamConsumer *cbob = stream_group_consumer_find(cg, "bob", 3);
    CHECK(cbob && idmap_len(cbob->pel) == 5);
    CHECK(stream_group_nack_find(cg, &one)->consumer == cbob);
    stream_groups_free(copy);
    stream_groups_free(gs);
}

static void test_load(void) {
    StreamGroups *gs = stream_groups_new();
    StreamId z = sid(0, 0), a = sid(1, 1), b = sid(2, 2), c = sid(3, 3);
    StreamGroup *g = stream_groups_add(gs, "g", 1, &z, -1);
    CHECK(stream_group_load_nack(g, &a, 5, 1));
    CHECK(stream_group_load_nack(g, &b, 5, 1));
    CHECK(!stream_group_load_nack(g, &a, 5, 1));
    StreamConsumer *x = stream_group_consumer_add(g, "x", 1, 0);
    StreamConsumer *y = stream_group_consumer_add(g, "y", 1, 0);
    CHECK(stream_group_load_claim(g, x, &a));
    CHECK(!stream_group_load_claim(g, y, &a)); /* the record claimed twice */
    CHECK(!stream_group_load_claim(g, x, &a));
    CHECK(!stream_group_load_claim(g, y, &c)); /* not in the group PEL */
    CHECK(!stream_group_load_check(g));        /* b has no owner */
    CHECK(stream_group_load_claim(g, y, &b));
    CHECK(stream_group_load_check(g));
    stream_groups_free(gs);
}

static void test_lag(void) {
    StreamGroups *gs = stream_groups_new();
    StreamId z = sid(0, 0);
    StreamGroup *g = stream_groups_add(gs, "g", 1, &z, 0);
    StreamFacts s = {0};
    uint64_t lag = 99;
    CHECK(stream_group_lag(g, &s, &lag) && lag == 0);
    /* 5 entries 1-0..5-0, none deleted */
    s = (StreamFacts){5, sid(5, 0), sid(1, 0), sid(0, 0), 5};
    CHECK(stream_group_lag(g, &s, &lag) && lag == 5);
    g->entries_read = -1;
    CHECK(stream_group_lag(g, &s, &lag) && lag == 5); /* 0-0 is before the first */
    g->last_id = sid(3, 0);
    CHECK(!stream_group_lag(g, &s, &lag)); /* middle: unknown */
    g->last_id = sid(5, 0);
    CHECK(stream_group_lag(g, &s, &lag) && lag == 0);
    /* 3-0 deleted */
    s = (StreamFacts){4, sid(5, 0), sid(1, 0), sid(3, 0), 5};
    g->last_id = sid(1, 0);
    g->entries_read = 1;
    CHECK(!stream_group_lag(g, &s, &lag));
    g->last_id = sid(4, 0);
    g->entries_read = 3;
    CHECK(stream_group_lag(g, &s, &lag) && lag == 2);
    CHECK(stream_facts_range_has_tombstones(&s, NULL, NULL));
    CHECK(!stream_facts_range_has_tombstones(&s, &g->last_id, NULL));
    StreamId past = sid(9, 0);
    CHECK(stream_facts_distance(&s, &past) == -1);
    stream_groups_free(gs);
}

int main(void) {
    test_order();
    test_pel();
    test_load();
    test_lag();
    return unit_finish("stream_cg");
}
