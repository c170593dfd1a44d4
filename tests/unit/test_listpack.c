/* tests/unit/test_listpack.c -- ds/listpack against a reference model (an
 * array of byte strings), checked in full after every random operation:
 * both iteration directions, seeks from either end, lp_get/lp_get_str/lp_eq
 * agreement, finds with skip 0 and 1; plus integer edge cases, binary and
 * long strings, elements copied from the listpack itself, 100k elements. */
#include "ds/listpack.h"

#include <stdio.h>

#include "ds/num.h"
#include "unit.h"

/* --- reference model ---------------------------------------------------- */

typedef struct {
    char *s;
    size_t len;
} Str;

typedef struct {
    Str *a;
    size_t n, cap;
} Model;

static void m_insert(Model *m, size_t i, const char *s, size_t len) {
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 16;
        m->a = realloc(m->a, m->cap * sizeof(Str));
    }
    memmove(m->a + i + 1, m->a + i, (m->n - i) * sizeof(Str));
    m->a[i].s = malloc(len + 1);
    memcpy(m->a[i].s, s, len);
    m->a[i].len = len;
    m->n++;
}

static void m_delete(Model *m, size_t i, size_t k) {
    if (i >= m->n) return;
    if (k > m->n - i) k = m->n - i;
    for (size_t j = i; j < i + k; j++) free(m->a[j].s);
    memmove(m->a + i, m->a + i + k, (m->n - i - k) * sizeof(Str));
    m->n -= k;
}

static void m_free(Model *m) {
    m_delete(m, 0, m->n);
    free(m->a);
    memset(m, 0, sizeof(*m));
}

/* --- random input ------------------------------------------------------ */

static uint64_t rng = 88172645463325252ull;
static uint64_t rnd(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}
static size_t rndn(size_t n) { return n ? (size_t)(rnd() % n) : 0; }

static const char *odd_ints[] = {"01", "+5", "-0", " 1", "1 ", "9223372036854775808",
                                 "-9223372036854775809", "1.0", "", "-", "00", "0x10",
                                 "-01", "123456789012345678901", "1e3"};

/* A random element into buf (>= 5000 bytes); returns its length. */
static size_t rand_elem(char *buf, bool allow_long) {
    size_t r = rndn(100), len;
    if (r < 30) {
        static const int64_t lim[] = {127, 2047, 4095, 32767, 8388607, 2147483647, INT64_MAX};
        int64_t v;
        size_t which = rndn(8);
        if (which == 7) {
            static const int64_t edge[] = {INT64_MIN, INT64_MAX, INT64_MIN + 1, -128, 128,
                                           -2048, -2049, 2048, 4095, 4096, -4096, -4097,
                                           32768, -32769, 0, -1};
            v = edge[rndn(ARRAY_LEN(edge))];
        } else {
            v = (int64_t)(rnd() % (uint64_t)lim[which]);
            if (rnd() & 1) v = -v - (int64_t)(rnd() & 1);
        }
        return num_format_int64(buf, v);
    }
    if (r < 40) {
        const char *s = odd_ints[rndn(ARRAY_LEN(odd_ints))];
        memcpy(buf, s, strlen(s));
        return strlen(s);
    }
    if (r < 50) { /* few distinct short strings, so that finds hit */
        len = 1 + rndn(3);
        for (size_t i = 0; i < len; i++) buf[i] = (char)('a' + rndn(3));
        return len;
    }
    if (r < 85 || !allow_long) len = rndn(70);
    else len = 60 + rndn(4900);
    for (size_t i = 0; i < len; i++) buf[i] = (char)rnd();
    return len;
}

/* --- full comparison ----------------------------------------------------- */

static int fails_before;

static void check_elem(unsigned char *p, const Str *want) {
    char buf[24];
    size_t len;
    const char *s = lp_get_str(p, &len, buf);
    CHECK(len == want->len && memcmp(s, want->s, len) == 0);
    CHECK(lp_eq(p, want->s, want->len));
    LpVal v;
    lp_get(p, &v);
    int64_t iv;
    if (num_parse_int64(want->s, want->len, &iv)) {
        CHECK(v.s == NULL && v.v == iv);
    } else {
        CHECK(v.s != NULL && v.len == want->len && memcmp(v.s, want->s, v.len) == 0);
    }
}

static void check_all(unsigned char *lp, const Model *m) {
    fails_before = unit_failed;
    CHECK(lp_count(lp) == m->n);
    size_t i = 0;
    for (unsigned char *p = lp_first(lp); p; p = lp_next(lp, p), i++) {
        if (i >= m->n) break;
        check_elem(p, &m->a[i]);
    }
    CHECK(i == m->n);
    i = m->n;
    for (unsigned char *p = lp_last(lp); p; p = lp_prev(lp, p)) {
        if (i == 0) break;
        i--;
        check_elem(p, &m->a[i]);
    }
    CHECK(i == 0);
    CHECK((lp_first(lp) == NULL) == (m->n == 0));
    CHECK((lp_last(lp) == NULL) == (m->n == 0));
    for (int k = 0; k < 3 && m->n; k++) {
        size_t j = rndn(m->n);
        unsigned char *p = lp_seek(lp, (long)j), *q = lp_seek(lp, (long)j - (long)m->n);
        CHECK(p != NULL && p == q);
        if (p) check_elem(p, &m->a[j]);
    }
    CHECK(lp_seek(lp, (long)m->n) == NULL);
    CHECK(lp_seek(lp, -(long)m->n - 1) == NULL);
    if (unit_failed > fails_before) {
        fprintf(stderr, "mismatch with %zu elements\n", m->n);
        exit(1);
    }
}

/* Reference find: first j >= start, j = start + k*(skip+1), equal to s. */
static long m_find(const Model *m, size_t start, const char *s, size_t len, unsigned skip) {
    for (size_t j = start; j < m->n; j += skip + 1)
        if (m->a[j].len == len && memcmp(m->a[j].s, s, len) == 0) return (long)j;
    return -1;
}

static long index_of(unsigned char *lp, unsigned char *p) {
    long i = 0;
    for (unsigned char *q = lp_first(lp); q; q = lp_next(lp, q), i++)
        if (q == p) return i;
    return -1;
}

/* --- tests --------------------------------------------------------------- */

static void test_random(int rounds, int ops, bool allow_long) {
    static char buf[5000];
    for (int r = 0; r < rounds; r++) {
        Model m = {0};
        unsigned char *lp = lp_new();
        check_all(lp, &m);
        for (int o = 0; o < ops; o++) {
            size_t len = rand_elem(buf, allow_long);
            /* Grow more often than shrink, but hit empty again sometimes. */
            size_t op = rndn(m.n > 40 ? 14 : 11);
            if (op == 0) {
                lp = lp_append(lp, buf, len);
                m_insert(&m, m.n, buf, len);
            } else if (op == 1) {
                lp = lp_prepend(lp, buf, len);
                m_insert(&m, 0, buf, len);
            } else if (op <= 3) { /* insert before/after, cursor by +/- seek */
                bool after = op == 3;
                if (m.n == 0) {
                    unsigned char *np = NULL;
                    lp = lp_insert(lp, NULL, after, buf, len, &np);
                    m_insert(&m, 0, buf, len);
                    CHECK(np == lp_first(lp));
                } else {
                    size_t j = rndn(m.n);
                    unsigned char *p = lp_seek(lp, rnd() & 1 ? (long)j : (long)j - (long)m.n);
                    unsigned char *np = NULL;
                    lp = lp_insert(lp, p, after, buf, len, &np);
                    m_insert(&m, j + after, buf, len);
                    CHECK(np == lp_seek(lp, (long)(j + after)));
                }
            } else if (op == 4 && m.n) { /* replace */
                size_t j = rndn(m.n);
                unsigned char *p = lp_seek(lp, (long)j);
                lp = lp_replace(lp, &p, buf, len);
                CHECK(p == lp_seek(lp, (long)j));
                m_delete(&m, j, 1);
                m_insert(&m, j, buf, len);
            } else if (op == 5 && m.n) { /* copy an element from within */
                size_t j = rndn(m.n), k = rndn(m.n);
                char nb[24];
                size_t sl;
                const char *s = lp_get_str(lp_seek(lp, (long)j), &sl, nb);
                Str copy = {malloc(sl + 1), sl};
                memcpy(copy.s, s, sl);
                if (rnd() & 1) {
                    unsigned char *p = lp_seek(lp, (long)k);
                    lp = lp_replace(lp, &p, s, sl);
                    m_delete(&m, k, 1);
                    m_insert(&m, k, copy.s, copy.len);
                } else {
                    lp = lp_insert(lp, lp_seek(lp, (long)k), false, s, sl, NULL);
                    m_insert(&m, k, copy.s, copy.len);
                }
                free(copy.s);
            } else if (op == 6 || op >= 11) { /* delete n at a cursor */
                if (m.n == 0) continue;
                size_t j = rndn(m.n), k = rndn(4);
                unsigned char *p = lp_seek(lp, (long)j);
                lp = lp_delete(lp, &p, k);
                m_delete(&m, j, k);
                CHECK(p == lp_seek(lp, (long)j));
            } else if (op == 7) { /* delete_range, maybe negative or out of range */
                long idx = (long)rndn(m.n + 2) - (long)rndn(m.n + 2);
                size_t k = rndn(5);
                lp = lp_delete_range(lp, idx, k);
                long j = idx < 0 ? (long)m.n + idx : idx;
                if (j >= 0 && (size_t)j < m.n) m_delete(&m, (size_t)j, k);
            } else if (op == 8 || op == 9) { /* find, skip 0 and 1 */
                unsigned skip = op == 9;
                size_t start = rndn(m.n + 1);
                const char *s = buf;
                size_t sl = len;
                if (m.n && rnd() % 2) { /* look for a present element */
                    Str *e = &m.a[rndn(m.n)];
                    s = e->s;
                    sl = e->len;
                }
                unsigned char *from = lp_seek(lp, (long)start);
                unsigned char *f = lp_find(lp, from, s, sl, skip);
                long want = m_find(&m, start, s, sl, skip);
                CHECK(f == NULL ? want == -1 : index_of(lp, f) == want);
            } else if (op == 10) { /* dup */
                unsigned char *d = lp_dup(lp);
                CHECK(lp_bytes(d) == lp_bytes(lp) && memcmp(d, lp, lp_bytes(lp)) == 0);
                check_all(d, &m);
                lp_free(d);
            }
            check_all(lp, &m);
        }
        lp_free(lp);
        m_free(&m);
    }
}

static void test_ints(void) {
    static const int64_t vals[] = {0, 1, 127, 128, -1, -2048, 2047, 2048, -2049, 4095, 4096,
                                   -4096, -4097, 32767, -32768,
                                   32768, -32769, 8388607, -8388608, 8388608, -8388609,
                                   INT32_MAX, INT32_MIN, (int64_t)INT32_MAX + 1,
                                   (int64_t)INT32_MIN - 1, INT64_MAX, INT64_MIN};
    unsigned char *lp = lp_new();
    char buf[24];
    for (size_t i = 0; i < ARRAY_LEN(vals); i++) {
        size_t n = num_format_int64(buf, vals[i]);
        lp = lp_append(lp, buf, n);
    }
    size_t i = 0;
    for (unsigned char *p = lp_first(lp); p; p = lp_next(lp, p), i++) {
        LpVal v;
        lp_get(p, &v);
        CHECK(v.s == NULL && v.v == vals[i]);
        size_t n = num_format_int64(buf, vals[i]);
        CHECK(lp_eq(p, buf, n));
        buf[n] = ' ';
        CHECK(!lp_eq(p, buf, n + 1));
        CHECK(lp_find(lp, lp_first(lp), buf, n, 0) == p);
    }
    CHECK(i == ARRAY_LEN(vals));
    /* The integer forms build the same bytes as the text forms. */
    unsigned char *b = lp_new();
    for (size_t k = 0; k < ARRAY_LEN(vals); k++) b = lp_append_int(b, vals[k]);
    CHECK(lp_bytes(b) == lp_bytes(lp) && memcmp(b, lp, lp_bytes(lp)) == 0);
    for (size_t k = 0; k < ARRAY_LEN(vals); k++) {
        unsigned char *p = lp_seek(b, (long)k);
        b = lp_replace_int(b, &p, vals[ARRAY_LEN(vals) - 1 - k]);
        CHECK(p == lp_seek(b, (long)k));
    }
    for (size_t k = 0; k < ARRAY_LEN(vals); k++) {
        LpVal v;
        lp_get(lp_seek(b, -1 - (long)k), &v);
        CHECK(v.s == NULL && v.v == vals[k]);
    }
    lp_free(b);
    /* A 0..127 integer costs 2 bytes: header 8 + 2 + end 1. */
    unsigned char *small = lp_append(lp_new(), "7", 1);
    CHECK(lp_bytes(small) == 11);
    lp_free(small);
    /* Non-canonical integers stay strings, byte for byte. */
    for (size_t k = 0; k < ARRAY_LEN(odd_ints); k++) {
        unsigned char *q = lp_append(lp_new(), odd_ints[k], strlen(odd_ints[k]));
        LpVal v;
        lp_get(lp_first(q), &v);
        CHECK(v.s != NULL && v.len == strlen(odd_ints[k]) &&
              memcmp(v.s, odd_ints[k], v.len) == 0);
        lp_free(q);
    }
    /* "-0" must not find 0, "0" must not find "00". */
    unsigned char *q = lp_append(lp_new(), "0", 1);
    q = lp_append(q, "00", 2);
    CHECK(lp_find(q, lp_first(q), "-0", 2, 0) == NULL);
    CHECK(lp_find(q, lp_first(q), "00", 2, 0) == lp_last(q));
    CHECK(lp_find(q, lp_first(q), "0", 1, 0) == lp_first(q));
    CHECK(!lp_eq(lp_first(q), "00", 2) && !lp_eq(lp_last(q), "0", 1));
    lp_free(q);
    lp_free(lp);
}

static void test_field_value(void) {
    /* field,value pairs where a value equals a later field: skip=1 must
     * only match fields. */
    unsigned char *lp = lp_new();
    const char *kv[] = {"a", "b", "b", "c", "c", "1", "1", "x"};
    for (size_t i = 0; i < ARRAY_LEN(kv); i++) lp = lp_append(lp, kv[i], strlen(kv[i]));
    CHECK(lp_find(lp, lp_first(lp), "b", 1, 1) == lp_seek(lp, 2));
    CHECK(lp_find(lp, lp_first(lp), "c", 1, 1) == lp_seek(lp, 4));
    CHECK(lp_find(lp, lp_first(lp), "1", 1, 1) == lp_seek(lp, 6));
    CHECK(lp_find(lp, lp_first(lp), "x", 1, 1) == NULL);
    CHECK(lp_find(lp, lp_first(lp), "x", 1, 0) == lp_seek(lp, 7));
    CHECK(lp_find(lp, lp_seek(lp, 1), "b", 1, 1) == lp_seek(lp, 1));
    CHECK(lp_find(lp, NULL, "a", 1, 0) == NULL);
    /* An odd count: the skip walk must stop at the end. */
    lp = lp_append(lp, "z", 1);
    CHECK(lp_find(lp, lp_first(lp), "zz", 2, 1) == NULL);
    CHECK(lp_find(lp, lp_first(lp), "z", 1, 1) == lp_last(lp));
    lp_free(lp);
}

static void test_long_strings(void) {
    static const size_t lens[] = {63, 64, 4095, 4096, 65535, 65536, 70000, 300000, 0, 127, 128};
    Model m = {0};
    unsigned char *lp = lp_new();
    for (size_t i = 0; i < ARRAY_LEN(lens); i++) {
        char *s = malloc(lens[i] + 1);
        for (size_t j = 0; j < lens[i]; j++) s[j] = (char)(j * 7 + i);
        if (i & 1) {
            lp = lp_prepend(lp, s, lens[i]);
            m_insert(&m, 0, s, lens[i]);
        } else {
            lp = lp_append(lp, s, lens[i]);
            m_insert(&m, m.n, s, lens[i]);
        }
        lp = lp_append(lp, "42", 2);
        m_insert(&m, m.n, "42", 2);
        free(s);
        check_all(lp, &m);
    }
    /* Shrink and grow a long element in place. */
    unsigned char *p = lp_seek(lp, 3);
    lp = lp_replace(lp, &p, "short", 5);
    m_delete(&m, 3, 1);
    m_insert(&m, 3, "short", 5);
    check_all(lp, &m);
    char *big = malloc(200000);
    memset(big, 'x', 200000);
    p = lp_seek(lp, -2);
    lp = lp_replace(lp, &p, big, 200000);
    m_delete(&m, m.n - 2, 1);
    m_insert(&m, m.n - 1, big, 200000);
    check_all(lp, &m);
    free(big);
    lp = lp_delete_range(lp, 1, m.n - 2);
    m_delete(&m, 1, m.n - 2);
    check_all(lp, &m);
    lp_free(lp);
    m_free(&m);
}

/* Under ASan every append's realloc moves (and page-faults) the whole
 * buffer, which makes 100k appends take minutes: scale down there. */
#if defined(__SANITIZE_ADDRESS__)
#define MANY 10000
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MANY 10000
#endif
#endif
#ifndef MANY
#define MANY 100000
#endif

static void test_many(void) {
    enum { N = MANY };
    Model m = {0};
    unsigned char *lp = lp_new();
    char buf[5000];
    for (int i = 0; i < N; i++) {
        size_t len = rand_elem(buf, false);
        lp = lp_append(lp, buf, len);
        m_insert(&m, m.n, buf, len);
    }
    check_all(lp, &m);
    for (int k = 0; k < 200; k++) {
        size_t j = rndn(N);
        unsigned char *p = lp_seek(lp, (long)j);
        check_elem(p, &m.a[j]);
        CHECK(lp_seek(lp, (long)j - N) == p);
    }
    unsigned char *d = lp_dup(lp);
    CHECK(memcmp(d, lp, lp_bytes(lp)) == 0);
    lp_free(d);
    lp = lp_delete_range(lp, N / 100, N / 2);
    m_delete(&m, N / 100, N / 2);
    lp = lp_delete_range(lp, -10, 100);
    m_delete(&m, m.n - 10, 100);
    check_all(lp, &m);
    unsigned char *p = lp_first(lp);
    lp = lp_delete(lp, &p, SIZE_MAX);
    CHECK(p == NULL && lp_count(lp) == 0 && lp_bytes(lp) == lp_bytes(d = lp_new()));
    lp_free(d);
    lp_free(lp);
    m_free(&m);
}

/* The sizes the header promises (memory is a target). */
static void test_sizes(void) {
    unsigned char *lp = lp_new();
    size_t n = lp_bytes(lp);
    CHECK(n == 9);
    static const struct {
        const char *s;
        size_t cost;
    } cases[] = {{"", 2}, {"abcde", 7}, {"7", 2}, {"127", 2}, {"128", 3}, {"-2048", 3},
                 {"2048", 3}, {"4095", 3}, {"-2049", 3},
                 {"-4096", 3}, {"4096", 4}, {"-4097", 4}, {"100000", 5}, {"-2147483648", 6}, {"4294967296", 10}};
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        lp = lp_append(lp, cases[i].s, strlen(cases[i].s));
        CHECK(lp_bytes(lp) - n == cases[i].cost);
        CHECK(lp_eq(lp_last(lp), cases[i].s, strlen(cases[i].s)));
        n = lp_bytes(lp);
    }
    static const struct {
        size_t len, cost;
    } strs[] = {{63, 65}, {64, 67}, {125, 128}, {126, 130}, {4095, 4099}, {4096, 4103},
                {65535, 65543}, {16378, 16386}, {16377, 16384}};
    for (size_t i = 0; i < ARRAY_LEN(strs); i++) {
        char *big = malloc(strs[i].len);
        memset(big, 'y', strs[i].len);
        lp = lp_append(lp, big, strs[i].len);
        free(big);
        CHECK(lp_bytes(lp) - n == strs[i].cost);
        n = lp_bytes(lp);
    }
    lp_free(lp);
}

static void test_edges(void) {
    unsigned char *lp = lp_new();
    CHECK(lp_count(lp) == 0 && lp_first(lp) == NULL && lp_last(lp) == NULL);
    CHECK(lp_seek(lp, 0) == NULL && lp_seek(lp, -1) == NULL);
    CHECK(lp_seek(lp, (long)(~0ul >> 1)) == NULL && lp_seek(lp, -(long)(~0ul >> 1) - 1) == NULL);
    CHECK(lp_find(lp, lp_first(lp), "a", 1, 0) == NULL);
    lp = lp_delete_range(lp, 0, 5);
    CHECK(lp_count(lp) == 0);
    lp = lp_append(lp, "", 0);
    lp = lp_append(lp, "a\0b", 3);
    LpVal v;
    lp_get(lp_first(lp), &v);
    CHECK(v.s != NULL && v.len == 0);
    CHECK(lp_eq(lp_first(lp), "", 0) && !lp_eq(lp_first(lp), "0", 1));
    CHECK(lp_eq(lp_last(lp), "a\0b", 3) && !lp_eq(lp_last(lp), "a", 1));
    CHECK(lp_find(lp, lp_first(lp), "", 0, 0) == lp_first(lp));
    CHECK(lp_prev(lp, lp_first(lp)) == NULL && lp_next(lp, lp_last(lp)) == NULL);
    unsigned char *p = lp_last(lp);
    lp = lp_delete(lp, &p, 1);
    CHECK(p == NULL && lp_count(lp) == 1);
    p = lp_first(lp);
    lp = lp_delete(lp, &p, 0);
    CHECK(p == lp_first(lp) && lp_count(lp) == 1);
    lp_free(lp);
}

/* lp_concat: a's elements then b's, walkable both ways across the seam. */
static void test_concat(void) {
    char buf[5000];
    for (int round = 0; round < 50; round++) {
        Model m = {0};
        unsigned char *a = lp_new(), *b = lp_new();
        size_t na = rndn(40), nb = rndn(40);
        for (size_t i = 0; i < na + nb; i++) {
            size_t len = rand_elem(buf, round % 5 == 0);
            if (i < na) a = lp_append(a, buf, len);
            else b = lp_append(b, buf, len);
            m_insert(&m, m.n, buf, len);
        }
        size_t bb = lp_bytes(b);
        a = lp_concat(a, b);
        CHECK(lp_bytes(b) == bb && lp_count(b) == nb);
        check_all(a, &m);
        lp_free(a);
        lp_free(b);
        m_free(&m);
    }
}

int main(void) {
    test_concat();
    test_edges();
    test_sizes();
    test_ints();
    test_field_value();
    test_random(300, 200, true);
    test_random(20, 2000, false);
    test_long_strings();
    test_many();
    return unit_finish("test_listpack");
}
