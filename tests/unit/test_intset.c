/* tests/unit/test_intset.c -- ds/intset: sorted order, widths and their
 * upgrades (at both ends), removal, bulk removal, copies, and a randomized
 * run against a plain reference array. */
#include "ds/intset.h"

#include <stdio.h>

#include "unit.h"

static bool sorted_strictly(const IntSet *is) {
    for (size_t i = 1; i < intset_len(is); i++)
        if (intset_get(is, i - 1) >= intset_get(is, i)) return false;
    return true;
}

static void test_basic(void) {
    IntSet *is = intset_new();
    CHECK(intset_len(is) == 0);
    CHECK(intset_width(is) == 2);
    CHECK(!intset_contains(is, 0));
    bool added;
    int64_t vals[] = {5, 1, 3, 9, 7, -2, 0};
    for (size_t i = 0; i < ARRAY_LEN(vals); i++) {
        is = intset_add(is, vals[i], &added);
        CHECK(added);
    }
    is = intset_add(is, 3, &added);
    CHECK(!added);
    CHECK(intset_len(is) == 7);
    CHECK(sorted_strictly(is));
    CHECK(intset_get(is, 0) == -2);
    CHECK(intset_get(is, 6) == 9);
    CHECK(intset_contains(is, 7));
    CHECK(!intset_contains(is, 4));
    CHECK(!intset_contains(is, 100000));          /* wider than the set */
    CHECK(!intset_contains(is, INT64_MIN));
    CHECK(intset_width(is) == 2);
    CHECK(intset_mem(is) >= 8 + 7 * 2);

    bool removed;
    is = intset_remove(is, 4, &removed);
    CHECK(!removed);
    is = intset_remove(is, 1LL << 40, &removed);  /* wider: not there */
    CHECK(!removed);
    is = intset_remove(is, -2, &removed);
    CHECK(removed);
    is = intset_remove(is, 9, &removed);
    CHECK(removed);
    is = intset_remove(is, 3, NULL);
    CHECK(intset_len(is) == 4);
    CHECK(intset_get(is, 0) == 0 && intset_get(is, 3) == 7);
    CHECK(sorted_strictly(is));
    intset_free(is);
}

static void test_upgrades(void) {
    IntSet *is = intset_new();
    is = intset_add(is, 1, NULL);
    is = intset_add(is, -1, NULL);
    is = intset_add(is, INT16_MAX, NULL);
    is = intset_add(is, INT16_MIN, NULL);
    CHECK(intset_width(is) == 2);
    /* upgrade with a positive value: goes to the end */
    is = intset_add(is, INT16_MAX + 1, NULL);
    CHECK(intset_width(is) == 4);
    CHECK(intset_len(is) == 5);
    CHECK(intset_get(is, 0) == INT16_MIN);
    CHECK(intset_get(is, 4) == INT16_MAX + 1);
    CHECK(sorted_strictly(is));
    /* upgrade with a negative value: goes to the front */
    is = intset_add(is, INT64_MIN, NULL);
    CHECK(intset_width(is) == 8);
    CHECK(intset_get(is, 0) == INT64_MIN);
    CHECK(intset_get(is, 1) == INT16_MIN);
    CHECK(intset_get(is, 5) == INT16_MAX + 1);
    is = intset_add(is, INT64_MAX, NULL);
    is = intset_add(is, INT32_MIN, NULL);
    is = intset_add(is, (int64_t)INT32_MAX + 1, NULL);
    CHECK(intset_len(is) == 9);
    CHECK(sorted_strictly(is));
    CHECK(intset_get(is, 8) == INT64_MAX);
    CHECK(intset_contains(is, INT32_MIN));
    CHECK(intset_contains(is, -1));
    /* removing the wide values does not downgrade */
    is = intset_remove(is, INT64_MIN, NULL);
    is = intset_remove(is, INT64_MAX, NULL);
    CHECK(intset_width(is) == 8);
    CHECK(intset_contains(is, 1));
    intset_free(is);

    /* straight from empty to 64 bits, negative and positive */
    is = intset_new();
    is = intset_add(is, -5000000000LL, NULL);
    CHECK(intset_width(is) == 8 && intset_len(is) == 1);
    CHECK(intset_get(is, 0) == -5000000000LL);
    intset_free(is);
    is = intset_new();
    is = intset_add(is, 70000, NULL);
    CHECK(intset_width(is) == 4 && intset_get(is, 0) == 70000);
    intset_free(is);
}

static void test_remove_many_and_dup(void) {
    IntSet *is = intset_new();
    for (int64_t i = 0; i < 100; i++) is = intset_add(is, i * 3, NULL);
    IntSet *copy = intset_dup(is);
    int64_t drop[] = {297, 0, 3, 4, 150, 150, 1000, -3};
    is = intset_remove_many(is, drop, ARRAY_LEN(drop));
    CHECK(intset_len(is) == 96);
    CHECK(!intset_contains(is, 0) && !intset_contains(is, 3));
    CHECK(!intset_contains(is, 150) && !intset_contains(is, 297));
    CHECK(intset_contains(is, 6) && intset_contains(is, 294));
    CHECK(sorted_strictly(is));
    CHECK(intset_len(copy) == 100 && intset_contains(copy, 150));
    is = intset_remove_many(is, drop, 0);
    CHECK(intset_len(is) == 96);
    intset_free(copy);

    /* remove everything */
    int64_t all[96];
    for (size_t i = 0; i < 96; i++) all[i] = intset_get(is, i);
    is = intset_remove_many(is, all, 96);
    CHECK(intset_len(is) == 0);
    is = intset_add(is, 42, NULL);
    CHECK(intset_len(is) == 1 && intset_get(is, 0) == 42);
    intset_free(is);
}

/* xorshift64 for the randomized test. */
static uint64_t rng = 0x2545F4914F6CDD1DULL;
static uint64_t next_rand(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static int64_t random_value(void) {
    switch (next_rand() % 4) {
    case 0: return (int64_t)(next_rand() % 200) - 100;
    case 1: return (int16_t)next_rand();
    case 2: return (int32_t)next_rand();
    default: return (int64_t)next_rand();
    }
}

/* Against a reference: an unsorted array of distinct values. */
static void test_random(void) {
    enum { N = 3000 };
    static int64_t ref[N];
    size_t nref = 0;
    IntSet *is = intset_new();
    bool ok = true;
    for (int step = 0; step < 20000; step++) {
        int64_t v = nref && next_rand() % 3 == 0 ? ref[next_rand() % nref] : random_value();
        size_t at = nref;
        for (size_t i = 0; i < nref; i++)
            if (ref[i] == v) at = i;
        bool present = at < nref, changed;
        if (next_rand() % 5 < 3 && nref < N) {
            is = intset_add(is, v, &changed);
            if (changed == present) ok = false;
            if (!present) ref[nref++] = v;
        } else {
            is = intset_remove(is, v, &changed);
            if (changed != present) ok = false;
            if (present) ref[at] = ref[--nref];
        }
        if (intset_len(is) != nref) ok = false;
    }
    CHECK(ok);
    CHECK(sorted_strictly(is));
    bool all = true;
    for (size_t i = 0; i < nref; i++) all &= intset_contains(is, ref[i]);
    CHECK(all);
    intset_free(is);
}

int main(void) {
    test_basic();
    test_upgrades();
    test_remove_many_and_dup();
    test_random();
    return unit_finish("test_intset");
}
