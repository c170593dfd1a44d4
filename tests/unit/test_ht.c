/* tests/unit/test_ht.c -- ds/ht: lookups, resizing, incremental rehash, the
 * scan guarantee across grows and shrinks, random picks, destructors, and
 * SipHash-1-2 against vectors from an independent implementation. */
#include "ds/ht.h"

#include <stdio.h>

#include "unit.h"

/* A test entry. The link is deliberately not at offset 0. */
typedef struct Item {
    uint32_t id;
    uint32_t len;
    void *link;
    char key[];
} Item;

static size_t frees; /* entry_free calls */

static const char *item_key(const void *entry, size_t *len) {
    const Item *it = entry;
    *len = it->len;
    return it->key;
}

static void item_free(void *entry) {
    frees++;
    mem_free(entry);
}

static const HtType item_type = {offsetof(Item, link), item_key, item_free};
static const HtType nofree_type = {offsetof(Item, link), item_key, NULL};

static Item *item_new(const char *key, size_t len, uint32_t id) {
    Item *it = mem_alloc(sizeof *it + len);
    it->id = id;
    it->len = (uint32_t)len;
    it->link = (void *)(uintptr_t)0xdeadbeef; /* the table must set it */
    memcpy(it->key, key, len);
    return it;
}

static int key_of(uint32_t id, char *buf) { return sprintf(buf, "key:%u", id); }

static Item *item_num(uint32_t id) {
    char buf[32];
    return item_new(buf, (size_t)key_of(id, buf), id);
}

static Item *find_num(HashTable *ht, uint32_t id) {
    char buf[32];
    return ht_find(ht, buf, (size_t)key_of(id, buf));
}

static Item *remove_num(HashTable *ht, uint32_t id) {
    char buf[32];
    return ht_remove(ht, buf, (size_t)key_of(id, buf));
}

static bool delete_num(HashTable *ht, uint32_t id) {
    char buf[32];
    return ht_delete(ht, buf, (size_t)key_of(id, buf));
}

/* Test-side PRNG (xorshift64), independent of the table's own. */
static uint64_t trng = 88172645463325252ULL;
static uint32_t trand(uint32_t n) {
    trng ^= trng << 13;
    trng ^= trng >> 7;
    trng ^= trng << 17;
    return (uint32_t)(trng % n);
}

/* Scan bookkeeping: visits per id. */
typedef struct {
    uint32_t *seen;
    uint32_t cap;
    size_t visits;
    bool bad; /* an entry with an id outside what was ever added */
} ScanCtx;

static void scan_cb(void *ctx, void *entry) {
    ScanCtx *s = ctx;
    Item *it = entry;
    s->visits++;
    if (it->id >= s->cap) {
        s->bad = true;
        return;
    }
    s->seen[it->id]++;
}

static void finish_rehash(HashTable *ht) {
    while (ht_rehash_steps(ht, 100)) {}
}

/* ---- tests -------------------------------------------------------------- */

static void test_hash(void) {
    static const uint8_t zero[16] = {0};
    uint8_t seed[16], msg[64];
    for (int i = 0; i < 16; i++) seed[i] = (uint8_t)i;
    for (int i = 0; i < 64; i++) msg[i] = (uint8_t)i;

    ht_set_seed(zero);
    CHECK(ht_hash("hello", 5) == 0x6183a7732184fb53ULL);

    /* SipHash-1-2, key 00..0f, message 00..n-1; from a separate reference
     * implementation that reproduces the paper's SipHash-2-4 vectors. */
    static const struct { size_t n; uint64_t h; } vec[] = {
        {0, 0xcea28b51565c12e2ULL},  {1, 0x94aaf38c34ce7ba6ULL},
        {7, 0xf03c4cbcf492b05aULL},  {8, 0x606845b4d093af74ULL},
        {9, 0xe304e78271c74a56ULL},  {15, 0xec8f61bc1c8966a6ULL},
        {16, 0x1311f4dfe747a751ULL}, {63, 0xff6d07afacbad6d9ULL},
    };
    ht_set_seed(seed);
    for (size_t i = 0; i < ARRAY_LEN(vec); i++) CHECK(ht_hash((char *)msg, vec[i].n) == vec[i].h);

    CHECK(ht_hash("key", 3) != ht_hash("KEY", 3)); /* case-sensitive */
    CHECK(ht_hash("key", 3) == ht_hash("key", 3));
    CHECK(ht_hash("a", 1) != ht_hash("a\0", 2));
    uint64_t before = ht_hash("key", 3);
    seed[0] ^= 1;
    ht_set_seed(seed);
    CHECK(ht_hash("key", 3) != before); /* keyed */
    /* The rest of the tests run with this non-zero seed, like the server. */
}

static void test_empty(void) {
    HashTable *ht = ht_create(&item_type);
    CHECK(ht_count(ht) == 0);
    CHECK(ht_buckets(ht) == 0); /* no buckets until the first add */
    CHECK(!ht_is_rehashing(ht));
    CHECK(ht_find(ht, "x", 1) == NULL);
    CHECK(ht_find_ref(ht, "x", 1) == NULL);
    CHECK(ht_remove(ht, "x", 1) == NULL);
    CHECK(!ht_delete(ht, "x", 1));
    CHECK(ht_random(ht) == NULL);
    CHECK(!ht_rehash_steps(ht, 10));
    ht_maybe_shrink(ht);
    CHECK(ht_buckets(ht) == 0);

    uint32_t seen[1] = {0};
    ScanCtx s = {seen, 1, 0, false};
    CHECK(ht_scan(ht, 0, scan_cb, &s) == 0);
    CHECK(ht_scan(ht, 12345, scan_cb, &s) == 0);
    CHECK(s.visits == 0);

    /* Emptied after use: still scans as complete at once. */
    CHECK(ht_add(ht, item_num(0)));
    CHECK(ht_buckets(ht) == 4);
    CHECK(delete_num(ht, 0));
    CHECK(ht_scan(ht, 0, scan_cb, &s) == 0);
    CHECK(s.visits == 0);
    CHECK(ht_random(ht) == NULL);
    ht_destroy(ht);
}

static void test_basic(void) {
    HashTable *ht = ht_create(&item_type);
    frees = 0;
    Item *alpha = item_new("alpha", 5, 1);
    Item *beta = item_new("beta", 4, 2);
    Item *empty = item_new("", 0, 3);
    Item *bin = item_new("a\0b", 3, 4);
    Item *upper = item_new("Alpha", 5, 5);
    CHECK(ht_add(ht, alpha));
    CHECK(ht_add(ht, beta));
    CHECK(ht_add(ht, empty));
    CHECK(ht_add(ht, bin));
    CHECK(ht_add(ht, upper));
    CHECK(ht_count(ht) == 5);

    CHECK(ht_find(ht, "alpha", 5) == alpha);
    CHECK(ht_find(ht, "beta", 4) == beta);
    CHECK(ht_find(ht, "", 0) == empty);
    CHECK(ht_find(ht, "a\0b", 3) == bin);
    CHECK(ht_find(ht, "Alpha", 5) == upper);
    CHECK(ht_find(ht, "ALPHA", 5) == NULL);
    CHECK(ht_find(ht, "alph", 4) == NULL);   /* prefix */
    CHECK(ht_find(ht, "alphab", 6) == NULL); /* longer */
    CHECK(ht_find(ht, "a", 1) == NULL);
    CHECK(ht_find(ht, "a\0c", 3) == NULL);

    void **ref = ht_find_ref(ht, "beta", 4);
    CHECK(ref != NULL && *ref == beta);

    /* Duplicates are rejected and leave the table as it was. */
    Item *dup = item_new("alpha", 5, 6);
    CHECK(!ht_add(ht, dup));
    CHECK(ht_count(ht) == 5);
    CHECK(ht_find(ht, "alpha", 5) == alpha);
    mem_free(dup);

    /* remove hands the entry back; delete frees it. */
    CHECK(ht_remove(ht, "beta", 4) == beta);
    CHECK(frees == 0);
    CHECK(ht_count(ht) == 4);
    CHECK(ht_find(ht, "beta", 4) == NULL);
    CHECK(ht_remove(ht, "beta", 4) == NULL);
    mem_free(beta);
    CHECK(ht_delete(ht, "alpha", 5));
    CHECK(frees == 1);
    CHECK(!ht_delete(ht, "alpha", 5));
    CHECK(frees == 1);
    CHECK(ht_count(ht) == 3);
    CHECK(ht_find(ht, "Alpha", 5) == upper);

    ht_destroy(ht);
    CHECK(frees == 4); /* destroy freed the 3 left */
}

/* ht_find_ref + ht_replace_at, as the keyspace uses them: the old entry is
 * reallocated (and so freed) before the swap, or a fresh entry replaces it. */
static void test_replace_at(void) {
    enum { N = 3000 };
    HashTable *ht = ht_create(&item_type);
    frees = 0;
    bool saw_rehash = false, ok = true;
    for (uint32_t i = 0; i < N; i++) {
        if (!ht_add(ht, item_num(i))) ok = false;
        /* Swap entries while a rehash is running, too. */
        if (ht_is_rehashing(ht)) saw_rehash = true;
        uint32_t j = trand(i + 1);
        char buf[32];
        size_t len = (size_t)key_of(j, buf);
        void **ref = ht_find_ref(ht, buf, len);
        if (!ref || ((Item *)*ref)->id != j) {
            ok = false;
            continue;
        }
        Item *old = *ref;
        size_t size = sizeof(Item) + len;
        Item *moved = mem_alloc(size + 64); /* a realloc that moved */
        memcpy(moved, old, size);
        mem_free(old);
        ht_replace_at(ht, ref, moved);
    }
    CHECK(ok);
    CHECK(saw_rehash);
    CHECK(ht_count(ht) == N);

    /* A fresh entry (its link not copied from the old one). */
    for (uint32_t i = 0; i < N; i += 7) {
        char buf[32];
        size_t len = (size_t)key_of(i, buf);
        void **ref = ht_find_ref(ht, buf, len);
        if (!ref) {
            ok = false;
            continue;
        }
        Item *old = *ref, *fresh = item_new(buf, len, i);
        ht_replace_at(ht, ref, fresh);
        if (ht_find(ht, buf, len) != fresh) ok = false;
        mem_free(old);
    }
    CHECK(ok);
    CHECK(frees == 0);

    /* Every chain still intact: all keys found, scan sees each once. */
    bool all = true;
    for (uint32_t i = 0; i < N; i++) {
        Item *it = find_num(ht, i);
        if (!it || it->id != i) all = false;
    }
    CHECK(all);
    finish_rehash(ht);
    uint32_t *seen = mem_calloc(N * sizeof *seen);
    ScanCtx s = {seen, N, 0, false};
    uint64_t cur = 0;
    do cur = ht_scan(ht, cur, scan_cb, &s);
    while (cur);
    bool once = true;
    for (uint32_t i = 0; i < N; i++)
        if (seen[i] != 1) once = false;
    CHECK(once && !s.bad && s.visits == N);
    mem_free(seen);
    ht_destroy(ht);
    CHECK(frees == N);
}

static void test_many(void) {
    enum { N = 100000 };
    HashTable *ht = ht_create(&item_type);
    frees = 0;
    size_t grows = 0, last = 0;
    bool saw_rehash = false, added = true;
    for (uint32_t i = 0; i < N; i++) {
        if (!ht_add(ht, item_num(i))) added = false;
        if (ht_is_rehashing(ht)) saw_rehash = true;
        if (ht_buckets(ht) > last) grows++, last = ht_buckets(ht);
    }
    CHECK(added);
    CHECK(saw_rehash);
    CHECK(grows >= 15); /* 4 -> 131072, one step at a time */
    CHECK(ht_count(ht) == N);
    finish_rehash(ht);
    CHECK(!ht_is_rehashing(ht));
    CHECK(ht_buckets(ht) == 131072); /* load factor <= 1, power of 2 */

    bool all = true;
    for (uint32_t i = 0; i < N; i++) {
        Item *it = find_num(ht, i);
        if (!it || it->id != i) all = false;
    }
    CHECK(all);
    bool none = true;
    for (uint32_t i = N; i < N + 2000; i++)
        if (find_num(ht, i)) none = false;
    CHECK(none);
    Item *dup = item_num(N / 2);
    CHECK(!ht_add(ht, dup));
    mem_free(dup);

    /* Down to 100 entries: odd ids removed, even ones deleted. */
    size_t left = N;
    bool ok = true;
    for (uint32_t i = 100; i < N; i++) {
        if (i & 1) {
            Item *it = remove_num(ht, i);
            if (!it || it->id != i) ok = false;
            mem_free(it);
        } else if (!delete_num(ht, i)) {
            ok = false;
        }
        left--;
        if (ht_count(ht) != left) ok = false;
    }
    CHECK(ok);
    CHECK(frees == (N - 100) / 2);
    CHECK(ht_count(ht) == 100);
    ht_maybe_shrink(ht);
    finish_rehash(ht);
    ht_maybe_shrink(ht);
    finish_rehash(ht);
    CHECK(ht_buckets(ht) <= 1024 && ht_buckets(ht) >= 100);
    CHECK(ht_count(ht) * 8 >= ht_buckets(ht));
    all = true;
    for (uint32_t i = 0; i < 100; i++)
        if (!find_num(ht, i)) all = false;
    for (uint32_t i = 100; i < N; i += 97)
        if (find_num(ht, i)) all = false;
    CHECK(all);

    ok = true;
    for (uint32_t i = 0; i < 100; i++)
        if (!delete_num(ht, i)) ok = false;
    CHECK(ok);
    CHECK(ht_count(ht) == 0);
    ht_maybe_shrink(ht);
    finish_rehash(ht);
    CHECK(ht_buckets(ht) == 4); /* never below 4 */
    ht_destroy(ht);
    CHECK(frees == N - (N - 100) / 2);
}

/* Between scan calls, apply `op` (grow, shrink or both). Every entry with
 * id < stable stays for the whole scan and must be seen at least once. */
typedef void (*ScanOp)(HashTable *ht, uint32_t *next_id, uint32_t cap, uint32_t stable);

static void op_grow(HashTable *ht, uint32_t *next_id, uint32_t cap, uint32_t stable) {
    UNUSED(stable);
    for (int k = 0; k < 25 && *next_id < cap; k++) ht_add(ht, item_num((*next_id)++));
    if (trand(3) == 0) ht_rehash_steps(ht, 1);
}

static void op_shrink(HashTable *ht, uint32_t *next_id, uint32_t cap, uint32_t stable) {
    UNUSED(next_id);
    UNUSED(cap);
    for (int k = 0; k < 25 && ht_count(ht) > stable; k++) {
        uint32_t id = stable + trand(*next_id - stable);
        delete_num(ht, id);
    }
    if (trand(3) == 0) ht_rehash_steps(ht, 1 + (int)trand(3));
    if (trand(5) == 0) ht_maybe_shrink(ht);
}

static void op_mixed(HashTable *ht, uint32_t *next_id, uint32_t cap, uint32_t stable) {
    /* Long phases of each, so the table really grows and shrinks. */
    static uint32_t calls;
    if ((calls++ / 40) & 1)
        op_shrink(ht, next_id, cap, stable);
    else
        op_grow(ht, next_id, cap, stable);
}

static void scan_while(ScanOp op, uint32_t initial, uint32_t stable, uint32_t cap,
                       size_t *grew, size_t *shrank) {
    HashTable *ht = ht_create(&item_type);
    uint32_t next_id = 0;
    while (next_id < initial) ht_add(ht, item_num(next_id++));
    uint32_t *seen = mem_calloc(cap * sizeof *seen);
    ScanCtx s = {seen, cap, 0, false};
    size_t calls = 0, last = ht_buckets(ht);
    uint64_t cur = 0;
    do {
        cur = ht_scan(ht, cur, scan_cb, &s);
        op(ht, &next_id, cap, stable);
        size_t now = ht_buckets(ht);
        if (now > last) ++*grew;
        if (now < last) ++*shrank;
        last = now;
        calls++;
    } while (cur != 0 && calls < 10000000);
    CHECK(cur == 0); /* the scan ends */
    CHECK(!s.bad);
    bool all = true;
    for (uint32_t i = 0; i < stable; i++)
        if (seen[i] == 0) all = false;
    CHECK(all);
    mem_free(seen);
    ht_destroy(ht);
}

static void test_scan(void) {
    /* No changes: each entry exactly once. */
    enum { N = 1000 };
    HashTable *ht = ht_create(&item_type);
    for (uint32_t i = 0; i < N; i++) ht_add(ht, item_num(i));
    finish_rehash(ht);
    uint32_t seen[N] = {0};
    ScanCtx s = {seen, N, 0, false};
    uint64_t cur = 0;
    size_t calls = 0;
    do {
        cur = ht_scan(ht, cur, scan_cb, &s);
        calls++;
    } while (cur);
    bool once = true;
    for (uint32_t i = 0; i < N; i++)
        if (seen[i] != 1) once = false;
    CHECK(once && s.visits == N);
    CHECK(calls == ht_buckets(ht));

    /* Scanning in the middle of a rehash, with no further changes. */
    ht_add(ht, item_num(N)); /* 1000 -> 1001 entries: 1024 buckets, no grow */
    while (ht_count(ht) < 1024) ht_add(ht, item_num((uint32_t)ht_count(ht)));
    CHECK(!ht_is_rehashing(ht));
    Item *extra = item_num(5000);
    ht_add(ht, extra); /* starts the grow to 2048 */
    CHECK(ht_is_rehashing(ht));
    ht_rehash_steps(ht, 100);
    CHECK(ht_is_rehashing(ht));
    uint32_t seen2[5001] = {0};
    ScanCtx s2 = {seen2, 5001, 0, false};
    cur = 0;
    do cur = ht_scan(ht, cur, scan_cb, &s2);
    while (cur);
    bool all = true;
    for (uint32_t i = 0; i < 1024; i++)
        if (seen2[i] != 1) all = false;
    CHECK(all && seen2[5000] == 1 && s2.visits == 1025);
    ht_destroy(ht);

    /* The guarantee across resizes between calls. */
    size_t grew = 0, shrank = 0;
    trng = 1;
    scan_while(op_grow, 300, 300, 20000, &grew, &shrank);
    CHECK(grew >= 5);
    grew = shrank = 0;
    trng = 2;
    scan_while(op_shrink, 20000, 300, 20000, &grew, &shrank);
    CHECK(shrank >= 3);
    for (uint64_t seed = 3; seed < 8; seed++) {
        grew = shrank = 0;
        trng = seed;
        scan_while(op_mixed, 2000, 500, 20000, &grew, &shrank);
        CHECK(grew >= 1 && shrank >= 1);
    }
}

static void test_random(void) {
    enum { N = 200 };
    HashTable *ht = ht_create(&item_type);
    for (uint32_t i = 0; i < N; i++) ht_add(ht, item_num(i));
    uint8_t hit[N] = {0};
    bool members = true;
    for (int k = 0; k < 5000; k++) {
        Item *it = ht_random(ht);
        if (!it || it->id >= N || find_num(ht, it->id) != it) {
            members = false;
            continue;
        }
        hit[it->id] = 1;
    }
    CHECK(members);
    size_t distinct = 0;
    for (uint32_t i = 0; i < N; i++) distinct += hit[i];
    CHECK(distinct >= N * 9 / 10);
    ht_destroy(ht);

    /* While rehashing: entries of both tables come up. ht_random does no
     * rehash step itself, so the table stays mid-rehash throughout. */
    ht = ht_create(&item_type);
    enum { M = 1025 };
    Item *items[M];
    uint32_t id = 0;
    for (; id < M; id++) ht_add(ht, items[id] = item_num(id)); /* 1025th grows */
    ht_rehash_steps(ht, 300);
    CHECK(ht_is_rehashing(ht));
    uint8_t hit2[M] = {0};
    members = true;
    for (int k = 0; k < 20000; k++) {
        Item *it = ht_random(ht);
        if (!it || it->id >= M || items[it->id] != it) {
            members = false;
            continue;
        }
        hit2[it->id] = 1;
    }
    CHECK(members);
    CHECK(ht_is_rehashing(ht));
    distinct = 0;
    for (uint32_t i = 0; i < M; i++) distinct += hit2[i];
    CHECK(distinct >= M * 9 / 10);

    /* Nearly empty in a big table. */
    finish_rehash(ht);
    for (uint32_t i = 1; i < id; i++) delete_num(ht, i);
    CHECK(ht_count(ht) == 1);
    Item *only = find_num(ht, 0);
    members = true;
    for (int k = 0; k < 100; k++)
        if (ht_random(ht) != only) members = false;
    CHECK(members);
    ht_destroy(ht);
}

/* Chi-square of n picks over k equally likely ids. */
static double chi_square(const uint32_t *count, uint32_t k, uint32_t n) {
    double exp = (double)n / k, x = 0;
    for (uint32_t i = 0; i < k; i++) x += (count[i] - exp) * (count[i] - exp) / exp;
    return x;
}

/* ht_random_fair: every entry equally likely (ht_random is not: an entry
 * alone in its bucket comes up twice as often as one sharing it), small
 * tables (read whole), larger ones, and mid-rehash. */
static void test_random_fair(void) {
    HashTable *empty = ht_create(&item_type);
    CHECK(ht_random_fair(empty) == NULL);
    ht_destroy(empty);
    static const uint32_t sizes[] = {10, 40, 1025};
    for (size_t s = 0; s < ARRAY_LEN(sizes); s++) {
        uint32_t k = sizes[s], n = k * 200;
        HashTable *ht = ht_create(&item_type);
        for (uint32_t i = 0; i < k; i++) ht_add(ht, item_num(i));
        if (k == 1025) {
            ht_rehash_steps(ht, 300);
            CHECK(ht_is_rehashing(ht));
        }
        uint32_t *count = calloc(k, sizeof(*count));
        bool members = true;
        for (uint32_t j = 0; j < n; j++) {
            Item *it = ht_random_fair(ht);
            if (!it || it->id >= k || find_num(ht, it->id) != it) members = false;
            else count[it->id]++;
        }
        CHECK(members);
        /* 0.00001 tails: df 9 -> 40, df 39 -> 80, df 1024 -> 1250 */
        double limit = k == 10 ? 40 : k == 40 ? 80 : 1250;
        CHECK(chi_square(count, k, n) < limit);
        free(count);
        ht_destroy(ht);
    }
}

static void test_free_callbacks(void) {
    HashTable *ht = ht_create(&item_type);
    frees = 0;
    for (uint32_t i = 0; i < 1000; i++) ht_add(ht, item_num(i));
    /* clear in the middle of a rehash frees the entries of both tables */
    while (!ht_is_rehashing(ht)) ht_add(ht, item_num((uint32_t)ht_count(ht)));
    size_t n = ht_count(ht);
    ht_clear(ht);
    CHECK(frees == n);
    CHECK(ht_count(ht) == 0 && ht_buckets(ht) == 0 && !ht_is_rehashing(ht));
    CHECK(find_num(ht, 1) == NULL);
    /* still usable */
    Item *it = item_num(7);
    CHECK(ht_add(ht, it));
    CHECK(find_num(ht, 7) == it);
    CHECK(ht_count(ht) == 1);
    ht_destroy(ht);
    CHECK(frees == n + 1);

    /* no entry_free: the table leaves entries alone */
    ht = ht_create(&nofree_type);
    Item *a = item_num(1), *b = item_num(2);
    ht_add(ht, a);
    ht_add(ht, b);
    CHECK(delete_num(ht, 1));
    ht_clear(ht);
    ht_add(ht, b);
    ht_destroy(ht);
    CHECK(frees == n + 1);
    mem_free(a);
    mem_free(b);
    ht_destroy(NULL);
}

/* ht_add_absent: the keyspace's insert after a failed lookup; it must
 * grow and rehash like ht_add. */
static void test_add_absent(void) {
    HashTable *ht = ht_create(&item_type);
    for (uint32_t i = 0; i < 50000; i++) {
        if (i % 3 == 0) {
            CHECK(ht_add(ht, item_num(i)));
        } else {
            char buf[32];
            int n = key_of(i, buf);
            if (ht_find_ref(ht, buf, (size_t)n) == NULL) ht_add_absent(ht, item_num(i));
        }
    }
    CHECK(ht_count(ht) == 50000);
    bool all = true;
    for (uint32_t i = 0; i < 50000; i++) all &= find_num(ht, i) != NULL;
    CHECK(all);
    ht_destroy(ht);
}

/* ht_foreach visits each entry exactly once, in the middle of a rehash
 * too (entries in both tables) and on an empty table. */
static void test_foreach(void) {
    HashTable *ht = ht_create(&item_type);
    enum { N = 5000 };
    uint32_t *seen = mem_calloc(N * sizeof *seen);
    ScanCtx s = {seen, N, 0, false};
    ht_foreach(ht, scan_cb, &s);
    CHECK(s.visits == 0);
    bool mid_rehash = false;
    for (uint32_t i = 0; i < N; i++) {
        ht_add(ht, item_num(i));
        if (i > 1000 && ht_is_rehashing(ht)) mid_rehash = true;
        if (mid_rehash && ht_is_rehashing(ht)) break; /* stop while both tables hold entries */
    }
    size_t n = ht_count(ht);
    CHECK(mid_rehash && ht_is_rehashing(ht));
    ht_foreach(ht, scan_cb, &s);
    bool once = true;
    for (uint32_t i = 0; i < n; i++)
        if (seen[i] != 1) once = false;
    CHECK(once && !s.bad && s.visits == n);
    mem_free(seen);
    ht_destroy(ht);
}

/* may_grow: while it says no, a full table keeps its buckets and takes
 * more entries in longer chains (all still found); asked with the new
 * buckets' bytes and the load; once it says yes, the next add doubles. */
static bool grow_ok;
static size_t grow_asks, grow_bytes;
static double grow_load;

static bool may_grow(size_t more_bytes, double load) {
    grow_asks++;
    grow_bytes = more_bytes;
    grow_load = load;
    return grow_ok;
}

static const HtType held_type = {offsetof(Item, link), item_key, item_free, may_grow};

static void test_may_grow(void) {
    HashTable *ht = ht_create(&held_type);
    grow_ok = true;
    uint32_t n = 0;
    while (ht_count(ht) < 1024) ht_add(ht, item_num(n++));
    while (ht_is_rehashing(ht)) ht_rehash_steps(ht, 100);
    size_t buckets = ht_buckets(ht);
    CHECK(buckets == 1024);
    grow_ok = false;
    grow_asks = 0;
    for (; n < 1500; n++) ht_add(ht, item_num(n));
    CHECK(ht_buckets(ht) == buckets && !ht_is_rehashing(ht));
    CHECK(grow_asks == 1500 - 1024);                  /* each add over capacity asks */
    CHECK(grow_bytes == 2048 * sizeof(void *));
    CHECK(grow_load > 1.46 && grow_load < 1.47);      /* 1499 / 1024 */
    bool all = true;
    for (uint32_t i = 0; i < n; i++) all &= find_num(ht, i) != NULL;
    CHECK(all);
    grow_ok = true;
    ht_add(ht, item_num(n++));
    CHECK(ht_buckets(ht) > buckets);
    ht_destroy(ht);
}

int main(void) {
    test_may_grow();
    test_add_absent();
    test_foreach();
    test_hash();
    test_empty();
    test_basic();
    test_replace_at();
    test_many();
    test_scan();
    test_random();
    test_random_fair();
    test_free_callbacks();
    return unit_finish("ht");
}
