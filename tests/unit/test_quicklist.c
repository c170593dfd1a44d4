/* tests/unit/test_quicklist.c -- ds/quicklist: node fill rules (entries,
 * bytes, big elements), the one-node (bare listpack) form and the changes
 * between it and linked nodes, every operation checked against a plain
 * array model under random workloads with several fills, and leaks. */
#include "ds/quicklist.h"

#include <limits.h>
#include <stdio.h>

#include "ds/num.h"
#include "unit.h"

/* ---------- a model: an array of byte strings ---------- */

typedef struct {
    char **s;
    size_t *len;
    size_t n, cap;
} Model;

static void model_insert(Model *m, size_t at, const char *s, size_t len) {
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 16;
        m->s = mem_realloc(m->s, m->cap * sizeof(char *));
        m->len = mem_realloc(m->len, m->cap * sizeof(size_t));
    }
    memmove(m->s + at + 1, m->s + at, (m->n - at) * sizeof(char *));
    memmove(m->len + at + 1, m->len + at, (m->n - at) * sizeof(size_t));
    m->s[at] = mem_alloc(len ? len : 1);
    memcpy(m->s[at], s, len);
    m->len[at] = len;
    m->n++;
}

static void model_delete(Model *m, size_t at, size_t k) {
    for (size_t i = at; i < at + k; i++) mem_free(m->s[i]);
    memmove(m->s + at, m->s + at + k, (m->n - at - k) * sizeof(char *));
    memmove(m->len + at, m->len + at + k, (m->n - at - k) * sizeof(size_t));
    m->n -= k;
}

static void model_free(Model *m) {
    model_delete(m, 0, m->n);
    mem_free(m->s);
    mem_free(m->len);
    memset(m, 0, sizeof(*m));
}

static bool val_eq(const LpVal *v, const char *s, size_t len) {
    char buf[24];
    if (v->s) return v->len == len && memcmp(v->s, s, len) == 0;
    size_t l = num_format_int64(buf, v->v);
    return l == len && memcmp(buf, s, len) == 0;
}

typedef struct {
    const Model *m;
    size_t i;
    bool reverse, ok;
    size_t seen, limit;
} WalkCheck;

static bool walk_check(void *ctx, const LpVal *v) {
    WalkCheck *w = ctx;
    if (!val_eq(v, w->m->s[w->i], w->m->len[w->i])) w->ok = false;
    w->seen++;
    if (w->reverse) w->i--;
    else w->i++;
    return w->seen < w->limit;
}

/* The list holds exactly the model, forward, backward and by index. */
static bool same(const Quicklist *ql, const Model *m) {
    if (!ql_verify(ql) || ql_count(ql) != m->n) return false;
    if (m->n == 0) return ql_nodes(ql) == 0;
    WalkCheck w = {m, 0, false, true, 0, SIZE_MAX};
    ql_walk(ql, 0, false, walk_check, &w);
    if (!w.ok || w.seen != m->n) return false;
    w = (WalkCheck){m, m->n - 1, true, true, 0, SIZE_MAX};
    ql_walk(ql, -1, true, walk_check, &w);
    if (!w.ok || w.seen != m->n) return false;
    for (size_t i = 0; i < m->n; i += 1 + m->n / 7) {
        LpVal v;
        if (!ql_index(ql, (long)i, &v) || !val_eq(&v, m->s[i], m->len[i])) return false;
        if (!ql_index(ql, (long)i - (long)m->n, &v) || !val_eq(&v, m->s[i], m->len[i]))
            return false;
    }
    LpVal v;
    return !ql_index(ql, (long)m->n, &v) && !ql_index(ql, -(long)m->n - 1, &v);
}

/* ---------- fixed cases ---------- */

static void test_empty_and_small(void) {
    Quicklist *ql = ql_new();
    CHECK(ql_count(ql) == 0 && ql_nodes(ql) == 0 && ql_mem(ql) == 0);
    CHECK(mem_used() == 0); /* an empty list allocates nothing */
    LpVal v;
    CHECK(!ql_index(ql, 0, &v) && !ql_index(ql, -1, &v));
    ql = ql_delete_range(ql, 0, 5);
    CHECK(ql_count(ql) == 0);
    ql = ql_push(ql, true, "b", 1, -2);
    ql = ql_push(ql, false, "a", 1, -2);
    ql = ql_push(ql, true, "123", 3, -2);
    CHECK(ql_count(ql) == 3 && ql_nodes(ql) == 1 && ql_verify(ql));
    CHECK(ql_index(ql, 0, &v) && v.s && v.len == 1 && v.s[0] == 'a');
    CHECK(ql_index(ql, -1, &v) && !v.s && v.v == 123);
    /* delete everything: back to the allocation-free empty list */
    ql = ql_delete_range(ql, -3, 10);
    CHECK(ql_count(ql) == 0 && ql_nodes(ql) == 0 && mem_used() == 0);
    ql_free(ql);
}

static void test_fill_by_count(void) {
    Quicklist *ql = ql_new();
    char buf[8];
    for (int i = 0; i < 10; i++) {
        int n = snprintf(buf, sizeof(buf), "e%d", i);
        ql = ql_push(ql, true, buf, (size_t)n, 3);
    }
    CHECK(ql_count(ql) == 10 && ql_nodes(ql) == 4 && ql_verify(ql)); /* 3+3+3+1 */
    ql = ql_delete_range(ql, 0, 9);
    CHECK(ql_count(ql) == 1 && ql_nodes(ql) == 1 && ql_verify(ql));
    ql_free(ql);

    /* fill 0: every element gets its own node (Redis does the same) */
    ql = ql_new();
    for (int i = 0; i < 5; i++) ql = ql_push(ql, false, "x", 1, 0);
    CHECK(ql_nodes(ql) == 5 && ql_verify(ql));
    ql_free(ql);
    CHECK(mem_used() == 0);
}

static void test_fill_by_bytes(void) {
    char big[1000];
    memset(big, 'x', sizeof(big));
    Quicklist *ql = ql_new();
    for (int i = 0; i < 20; i++) ql = ql_push(ql, true, big, sizeof(big), -1); /* 4kb */
    CHECK(ql_nodes(ql) == 5 && ql_verify(ql));                              /* 4 per node */
    ql_free(ql);
    ql = ql_new();
    for (int i = 0; i < 20; i++) ql = ql_push(ql, true, big, sizeof(big), -2); /* 8kb */
    CHECK(ql_nodes(ql) == 3 && ql_verify(ql));                              /* 8+8+4 */
    ql_free(ql);
    /* fill < -5 acts as -5 (64kb) */
    ql = ql_new();
    for (int i = 0; i < 100; i++) ql = ql_push(ql, true, big, sizeof(big), -100);
    CHECK(ql_nodes(ql) == 2 && ql_verify(ql));
    ql_free(ql);
    /* a positive fill still keeps nodes under 8kb */
    ql = ql_new();
    for (int i = 0; i < 20; i++) ql = ql_push(ql, true, big, sizeof(big), 1000);
    CHECK(ql_nodes(ql) == 3 && ql_verify(ql));
    ql_free(ql);
    CHECK(mem_used() == 0);
}

static void test_big_elements_get_own_node(void) {
    size_t blen = 20000;
    char *big = mem_alloc(blen);
    memset(big, 'y', blen);
    Quicklist *ql = ql_new();
    ql = ql_push(ql, true, "a", 1, -2);
    ql = ql_push(ql, true, big, blen, -2);
    ql = ql_push(ql, true, "b", 1, -2);
    CHECK(ql_nodes(ql) == 3 && ql_count(ql) == 3 && ql_verify(ql));
    LpVal v;
    CHECK(ql_index(ql, 1, &v) && v.s && v.len == blen && v.s[blen - 1] == 'y');
    /* LSET of a big value into a full node moves it out */
    ql = ql_replace(ql, 0, big, blen, -2);
    CHECK(ql_count(ql) == 3 && ql_verify(ql));
    CHECK(ql_index(ql, 0, &v) && v.len == blen);
    ql = ql_replace(ql, 0, "small", 5, -2);
    CHECK(ql_index(ql, 0, &v) && v.len == 5 && ql_verify(ql));
    /* insert a big element in the middle of a full node: split at the
     * pivot, the element starts the second half (as Redis's _quicklistInsert,
     * which does not check that it fits there) */
    Quicklist *q2 = ql_new();
    char buf[16];
    for (int i = 0; i < 100; i++) {
        int n = snprintf(buf, sizeof(buf), "v%d", i);
        q2 = ql_push(q2, true, buf, (size_t)n, 50);
    }
    CHECK(ql_nodes(q2) == 2);
    bool found;
    q2 = ql_insert(q2, "v25", 3, true, big, blen, 50, &found);
    CHECK(found && ql_count(q2) == 101 && ql_verify(q2) && ql_nodes(q2) == 3);
    CHECK(ql_index(q2, 26, &v) && v.len == blen);
    CHECK(ql_index(q2, 25, &v) && val_eq(&v, "v25", 3));
    CHECK(ql_index(q2, 27, &v) && val_eq(&v, "v26", 3));
    q2 = ql_insert(q2, "nope", 4, true, "x", 1, 50, &found);
    CHECK(!found && ql_count(q2) == 101);
    ql_free(q2);
    ql_free(ql);
    mem_free(big);
    CHECK(mem_used() == 0);
}

static void test_remove(void) {
    Quicklist *ql = ql_new();
    const char *items[] = {"a", "b", "a", "c", "a", "1", "a"};
    for (int round = 0; round < 3; round++)
        for (size_t i = 0; i < ARRAY_LEN(items); i++) ql = ql_push(ql, true, items[i], 1, 4);
    CHECK(ql_count(ql) == 21 && ql_nodes(ql) == 6);
    size_t removed;
    ql = ql_remove(ql, "a", 1, 2, &removed); /* first two */
    CHECK(removed == 2 && ql_count(ql) == 19 && ql_verify(ql));
    LpVal v;
    CHECK(ql_index(ql, 0, &v) && val_eq(&v, "b", 1));
    ql = ql_remove(ql, "a", 1, -3, &removed); /* last three */
    CHECK(removed == 3 && ql_verify(ql));
    CHECK(ql_index(ql, -1, &v) && val_eq(&v, "1", 1));
    ql = ql_remove(ql, "1", 1, 0, &removed);
    CHECK(removed == 3 && ql_verify(ql));
    ql = ql_remove(ql, "zz", 2, 0, &removed);
    CHECK(removed == 0);
    ql = ql_remove(ql, "a", 1, LONG_MIN, &removed);
    ql = ql_remove(ql, "b", 1, 0, &removed);
    ql = ql_remove(ql, "c", 1, 0, &removed);
    CHECK(ql_count(ql) == 0 && ql_nodes(ql) == 0);
    ql_free(ql);
    CHECK(mem_used() == 0);
}

static void test_dup_and_mem(void) {
    Quicklist *ql = ql_new();
    for (int i = 0; i < 1000; i++) ql = ql_push(ql, i & 1, "element", 7, -2);
    Quicklist *d = ql_dup(ql);
    CHECK(ql_count(d) == 1000 && ql_nodes(d) == ql_nodes(ql) && ql_verify(d));
    CHECK(ql_mem(ql) > 7000 && ql_mem(d) == ql_mem(ql));
    ql = ql_delete_range(ql, 0, 1000);
    CHECK(ql_count(d) == 1000 && ql_count(ql) == 0);
    ql_free(ql);
    ql_free(d);
    Quicklist *s = ql_push(ql_new(), true, "x", 1, -2);
    d = ql_dup(s);
    CHECK(ql_count(d) == 1 && d != s);
    ql_free(s);
    ql_free(d);
    CHECK(mem_used() == 0);
}

/* ---------- random workload against the model ---------- */

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static uint32_t rnd(uint32_t n) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

/* A value: small words, integers, and now and then a long string. */
static size_t random_value(char *buf, size_t cap) {
    switch (rnd(10)) {
    case 0: {
        size_t len = 100 + rnd((uint32_t)(cap - 100));
        for (size_t i = 0; i < len; i++) buf[i] = (char)('a' + rnd(26));
        return len;
    }
    case 1:
    case 2: return (size_t)snprintf(buf, cap, "%d", (int)rnd(2000) - 1000);
    default: return (size_t)snprintf(buf, cap, "w%u", rnd(40));
    }
}

static void random_ops(int fill, int steps) {
    Model m = {0};
    Quicklist *ql = ql_new();
    char *buf = mem_alloc(10000);
    bool ok = true;
    for (int step = 0; step < steps && ok; step++) {
        size_t len = random_value(buf, 10000);
        switch (rnd(9)) {
        case 0:
        case 1: {
            bool tail = rnd(2);
            ql = ql_push(ql, tail, buf, len, fill);
            model_insert(&m, tail ? m.n : 0, buf, len);
            break;
        }
        case 2: {
            if (!m.n) break;
            long start = (long)rnd((uint32_t)m.n);
            size_t k = 1 + rnd(5);
            if (rnd(2)) start -= (long)m.n;
            ql = ql_delete_range(ql, start, k);
            size_t at = start < 0 ? (size_t)(start + (long)m.n) : (size_t)start;
            model_delete(&m, at, k < m.n - at ? k : m.n - at);
            break;
        }
        case 3: {
            if (!m.n) break;
            size_t at = rnd((uint32_t)m.n);
            ql = ql_replace(ql, (long)at, buf, len, fill);
            model_delete(&m, at, 1);
            model_insert(&m, at, buf, len);
            break;
        }
        case 4: {
            if (!m.n) break;
            size_t at = rnd((uint32_t)m.n);
            bool after = rnd(2), found;
            char *pivot = mem_alloc(m.len[at] + 1);
            size_t plen = m.len[at];
            memcpy(pivot, m.s[at], plen);
            size_t first = 0;
            while (!(m.len[first] == plen && memcmp(m.s[first], pivot, plen) == 0)) first++;
            ql = ql_insert(ql, pivot, plen, after, buf, len, fill, &found);
            ok &= found;
            model_insert(&m, after ? first + 1 : first, buf, len);
            mem_free(pivot);
            break;
        }
        case 5: {
            if (!m.n) break;
            size_t at = rnd((uint32_t)m.n);
            size_t plen = m.len[at];
            char *pat = mem_alloc(plen + 1);
            memcpy(pat, m.s[at], plen);
            long count = (long)rnd(5) - 2;
            size_t removed, expect = 0;
            ql = ql_remove(ql, pat, plen, count, &removed);
            size_t limit = count == 0 ? SIZE_MAX : (size_t)(count < 0 ? -count : count);
            if (count >= 0) {
                for (size_t i = 0; i < m.n && expect < limit;) {
                    if (m.len[i] == plen && memcmp(m.s[i], pat, plen) == 0) {
                        model_delete(&m, i, 1);
                        expect++;
                    } else {
                        i++;
                    }
                }
            } else {
                for (size_t i = m.n; i-- > 0 && expect < limit;) {
                    if (m.len[i] == plen && memcmp(m.s[i], pat, plen) == 0) {
                        model_delete(&m, i, 1);
                        expect++;
                    }
                }
            }
            ok &= removed == expect;
            mem_free(pat);
            break;
        }
        case 6: { /* a run of pushes on one side */
            for (int i = 0; i < 30; i++) {
                size_t l = (size_t)snprintf(buf, 100, "r%d", step + i);
                ql = ql_push(ql, true, buf, l, fill);
                model_insert(&m, m.n, buf, l);
            }
            break;
        }
        case 7: { /* partial walks from random places */
            if (!m.n) break;
            size_t at = rnd((uint32_t)m.n);
            bool rev = rnd(2);
            WalkCheck w = {&m, at, rev, true, 0, 1 + rnd(20)};
            ql_walk(ql, (long)at, rev, walk_check, &w);
            size_t avail = rev ? at + 1 : m.n - at;
            ok &= w.ok && w.seen == (avail < w.limit ? avail : w.limit);
            break;
        }
        default: { /* pop a few from one end (LPOP/RPOP count) */
            if (!m.n) break;
            size_t k = 1 + rnd(3);
            if (k > m.n) k = m.n;
            if (rnd(2)) {
                ql = ql_delete_range(ql, 0, k);
                model_delete(&m, 0, k);
            } else {
                ql = ql_delete_range(ql, -(long)k, k);
                model_delete(&m, m.n - k, k);
            }
        }
        }
        if (step % 7 == 0 || !ok) ok &= same(ql, &m);
    }
    ok &= same(ql, &m);
    if (!ok) fprintf(stderr, "random_ops(fill=%d) diverged from the model\n", fill);
    CHECK(ok);
    ql_free(ql);
    model_free(&m);
    mem_free(buf);
}

/* Elements at or above the packed threshold get a node of their own
 * (Redis's plain nodes), whatever the fill; smaller ones still pack. */
static void test_packed_threshold(void) {
    ql_set_packed_threshold(5);
    Quicklist *ql = ql_new();
    ql = ql_push(ql, true, "aa", 2, -2);
    ql = ql_push(ql, true, "bb", 2, -2);
    CHECK(ql_nodes(ql) == 1);
    ql = ql_push(ql, true, "large", 5, -2);   /* == threshold: plain */
    CHECK(ql_nodes(ql) == 2);
    ql = ql_push(ql, true, "cc", 2, -2);      /* not into the plain node */
    CHECK(ql_nodes(ql) == 3);
    ql = ql_push(ql, false, "largeeeee", 9, -2);
    CHECK(ql_nodes(ql) == 4 && ql_count(ql) == 5);
    /* a large element replacing one inside a packed node splits it */
    ql = ql_replace(ql, 2, "LARGE!", 6, -2); /* was "bb" */
    CHECK(ql_nodes(ql) == 5 && ql_verify(ql));
    /* a small one replacing a plain element leaves a one-element node */
    ql = ql_replace(ql, 2, "x", 1, -2);
    CHECK(ql_count(ql) == 5 && ql_verify(ql));
    bool found;
    ql = ql_insert(ql, "aa", 2, true, "inserted", 8, -2, &found);
    CHECK(found && ql_count(ql) == 6 && ql_verify(ql));
    LpVal v;
    CHECK(ql_index(ql, 2, &v) && v.len == 8 && memcmp(v.s, "inserted", 8) == 0);
    ql_free(ql);
    ql_set_packed_threshold(0);
    ql = ql_new();
    ql = ql_push(ql, true, "large", 5, -2);
    ql = ql_push(ql, true, "large", 5, -2);
    CHECK(ql_nodes(ql) == 1); /* default threshold (1GB): packed again */
    ql_free(ql);
}

int main(void) {
    test_empty_and_small();
    test_fill_by_count();
    test_fill_by_bytes();
    test_big_elements_get_own_node();
    test_remove();
    test_dup_and_mem();
    int fills[] = {-2, -1, -5, 1, 2, 5, 128, 0};
    for (size_t i = 0; i < ARRAY_LEN(fills); i++) random_ops(fills[i], 4000);
    test_packed_threshold();
    /* the model holds with a low threshold too: plain and packed mixed */
    ql_set_packed_threshold(20);
    random_ops(-2, 3000);
    random_ops(3, 3000);
    ql_set_packed_threshold(0);
    return unit_finish("test_quicklist");
}
