/* tests/unit/test_intset.c -- ds/intset: sorted order, widths and their
 * upgrades (at both ends), removal, bulk removal, copies, and a randomized
 * run against a plain reference array. Then the set object on top of it
 * (core/t_set): the intset -> hashtable conversions and their thresholds,
 * membership across encodings, iteration, scans and random sampling. */
#include "ds/intset.h"

#include <stdio.h>

#include "core/config.h"
#include "core/t_set.h"
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

/* ---------- the set object ---------- */

static bool add_str(Set **s, const char *m) { return set_add(s, m, strlen(m)); }
static bool has_str(const Set *s, const char *m) { return set_contains(s, m, strlen(m)); }

static void test_set_conversions(void) {
    int64_t saved = cfg.set_max_intset_entries;
    cfg.set_max_intset_entries = 4;

    Set *s = set_new_for("7", 1);
    CHECK(set_is_intset(s) && set_len(s) == 0);
    CHECK(strcmp(set_encoding(s), "intset") == 0);
    CHECK(add_str(&s, "7") && add_str(&s, "-3") && add_str(&s, "100000"));
    CHECK(!add_str(&s, "7"));
    CHECK(add_str(&s, "9"));
    CHECK(set_is_intset(s) && set_len(s) == 4);
    /* non-canonical integers are strings: absent from an intset */
    CHECK(!has_str(s, "07") && !has_str(s, "+7") && !has_str(s, "-0"));
    CHECK(!set_remove(&s, "07", 2));
    /* the fifth member passes the limit */
    CHECK(add_str(&s, "10"));
    CHECK(!set_is_intset(s) && set_len(s) == 5);
    CHECK(strcmp(set_encoding(s), "hashtable") == 0);
    CHECK(has_str(s, "-3") && has_str(s, "100000") && has_str(s, "10"));
    CHECK(!has_str(s, "07"));
    SetMember iv = {NULL, 0, 9};
    CHECK(set_contains_member(s, &iv));
    iv.v = 8;
    CHECK(!set_contains_member(s, &iv));
    CHECK(set_remove(&s, "9", 1) && !set_remove(&s, "9", 1));
    CHECK(!set_is_intset(s)); /* one-way */
    set_free(s);

    /* a non-integer converts at once, keeping the integers */
    s = set_new_intset();
    CHECK(add_str(&s, "1") && add_str(&s, "2"));
    CHECK(add_str(&s, "x"));
    CHECK(!set_is_intset(s) && set_len(s) == 3);
    CHECK(has_str(s, "1") && has_str(s, "2") && has_str(s, "x"));
    CHECK(!add_str(&s, "x") && !add_str(&s, "1"));
    set_free(s);

    /* the first member picks the encoding */
    s = set_new_for("a", 1);
    CHECK(!set_is_intset(s));
    CHECK(add_str(&s, "1"));
    CHECK(!set_is_intset(s));
    set_free(s);

    /* limit 0: no intset survives an add */
    cfg.set_max_intset_entries = 0;
    s = set_new_for("1", 1);
    CHECK(add_str(&s, "1") && !set_is_intset(s));
    set_free(s);

    /* add_member copies integers and bytes into either encoding */
    cfg.set_max_intset_entries = 512;
    Set *a = set_new_intset(), *b = set_new_for("s", 1);
    SetMember m1 = {NULL, 0, -42}, m2 = {"zz", 2, 0}, m3 = {"5", 1, 0};
    CHECK(set_add_member(&a, &m1) && set_add_member(&a, &m3) && set_is_intset(a));
    CHECK(!set_add_member(&a, &m1));
    CHECK(set_add_member(&b, &m1) && has_str(b, "-42"));
    CHECK(set_add_member(&a, &m2) && !set_is_intset(a) && has_str(a, "-42"));
    CHECK(has_str(a, "5"));
    set_free(a);
    set_free(b);
    cfg.set_max_intset_entries = saved;
}

typedef struct {
    size_t n;
    int64_t last;
    bool ascending;
} Walk;

static bool walk_member(void *ctx, const SetMember *m) {
    Walk *w = ctx;
    if (!m->s) {
        if (w->n && m->v <= w->last) w->ascending = false;
        w->last = m->v;
    }
    w->n++;
    return true;
}

static bool stop_at_three(void *ctx, const SetMember *m) {
    UNUSED(m);
    return ++*(size_t *)ctx < 3;
}

static bool distinct(const SetMember *m, size_t n) {
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            if (!m[i].s && !m[j].s && m[i].v == m[j].v) return false;
            if (m[i].s && m[j].s && m[i].len == m[j].len &&
                memcmp(m[i].s, m[j].s, m[i].len) == 0)
                return false;
        }
    return true;
}

static void test_set_walks_and_sampling(void) {
    Set *is = set_new_intset(), *ht = set_new_for("x", 1);
    char buf[32];
    for (int i = 0; i < 300; i++) {
        int n = snprintf(buf, sizeof(buf), "%d", (i * 7919) % 1000 - 500);
        set_add(&is, buf, (size_t)n);
        n = snprintf(buf, sizeof(buf), "member:%d", i);
        set_add(&ht, buf, (size_t)n);
    }
    CHECK(set_is_intset(is) && set_len(is) == 300);
    CHECK(!set_is_intset(ht) && set_len(ht) == 300);

    Walk w = {0, 0, true};
    set_foreach(is, walk_member, &w);
    CHECK(w.n == 300 && w.ascending);
    w = (Walk){0, 0, true};
    set_foreach(ht, walk_member, &w);
    CHECK(w.n == 300);
    size_t stopped = 0;
    set_foreach(ht, stop_at_three, &stopped);
    CHECK(stopped == 3);

    /* a full scan of the table sees every member; an intset in one call */
    w = (Walk){0, 0, true};
    uint64_t cursor = 0;
    do cursor = set_scan(ht, cursor, walk_member, &w);
    while (cursor);
    CHECK(w.n == 300);
    w = (Walk){0, 0, true};
    CHECK(set_scan(is, 12345, walk_member, &w) == 0 && w.n == 300);

    /* samples: distinct members of the set, both strategies */
    SetMember pick[299];
    size_t counts[] = {1, 50, 100, 101, 250, 299};
    for (size_t k = 0; k < ARRAY_LEN(counts); k++) {
        for (int e = 0; e < 2; e++) {
            Set *s = e ? ht : is;
            set_sample(s, counts[k], pick);
            CHECK(distinct(pick, counts[k]));
            bool all_in = true;
            for (size_t i = 0; i < counts[k]; i++) all_in &= set_contains_member(s, &pick[i]);
            CHECK(all_in);
        }
    }
    for (int i = 0; i < 100; i++) {
        SetMember r = set_random(ht);
        CHECK(r.s && set_contains(ht, r.s, r.len));
        r = set_random(is);
        CHECK(!r.s && set_contains_member(is, &r));
    }

    /* pops: sampled members removed in one go */
    set_sample(is, 120, pick);
    set_remove_members(&is, pick, 120);
    CHECK(set_len(is) == 180 && set_is_intset(is));
    bool gone = true;
    for (size_t i = 0; i < 120; i++) gone &= !set_contains_member(is, &pick[i]);
    CHECK(gone);
    set_sample(ht, 200, pick);
    set_remove_members(&ht, pick, 200);
    CHECK(set_len(ht) == 100);
    set_free(is);
    set_free(ht);
}

int main(void) {
    test_basic();
    test_upgrades();
    test_remove_many_and_dup();
    test_random();
    test_set_conversions();
    test_set_walks_and_sampling();
    return unit_finish("test_intset");
}
