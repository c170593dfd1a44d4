/* tests/unit/test_hash.c -- core/t_hash: the hash object in both encodings,
 * checked against a plain array model through random operations; the
 * listpack -> hashtable conversions (entries, field length, value length,
 * HINCRBY's found-slot path), iteration, scan, random picks. */
#include "core/t_hash.h"

#include <stdio.h>

#include "core/config.h"
#include "ds/num.h"
#include "unit.h"

/* ---- model: up to MODEL_MAX pairs of short strings ---------------------- */

#define MODEL_MAX 400

typedef struct {
    char f[MODEL_MAX][80], v[MODEL_MAX][80];
    size_t fl[MODEL_MAX], vl[MODEL_MAX];
    size_t n;
} Model;

static Model model;

static long model_find(const char *f, size_t flen) {
    for (size_t i = 0; i < model.n; i++)
        if (model.fl[i] == flen && memcmp(model.f[i], f, flen) == 0) return (long)i;
    return -1;
}

static bool model_set(const char *f, size_t flen, const char *v, size_t vlen) {
    long i = model_find(f, flen);
    bool added = i < 0;
    if (added) {
        i = (long)model.n++;
        memcpy(model.f[i], f, flen);
        model.fl[i] = flen;
    }
    memcpy(model.v[i], v, vlen);
    model.vl[i] = vlen;
    return added;
}

static bool model_del(const char *f, size_t flen) {
    long i = model_find(f, flen);
    if (i < 0) return false;
    model.n--;
    memcpy(model.f[i], model.f[model.n], model.fl[model.n]);
    model.fl[i] = model.fl[model.n];
    memcpy(model.v[i], model.v[model.n], model.vl[model.n]);
    model.vl[i] = model.vl[model.n];
    return true;
}

static uint64_t trng = 0x2545F4914F6CDD1DULL;
static uint32_t trand(uint32_t n) {
    trng ^= trng << 13;
    trng ^= trng >> 7;
    trng ^= trng << 17;
    return (uint32_t)(trng % n);
}

/* A HashVal's text (integers formatted). */
static const char *text(const HashVal *v, size_t *len, char *buf) {
    if (v->s) {
        *len = v->len;
        return v->s;
    }
    *len = num_format_int64(buf, v->v);
    return buf;
}

static bool val_is(const HashVal *v, const char *s, size_t len) {
    char buf[24];
    size_t l;
    const char *t = text(v, &l, buf);
    return l == len && memcmp(t, s, len) == 0;
}

/* Visits: every pair must be in the model with its value; counts visits. */
typedef struct {
    size_t visits;
    bool bad;
    unsigned char seen[MODEL_MAX];
    size_t stop_after; /* 0: never stop */
} Visit;

static bool check_pair(void *ctx, const HashVal *f, const HashVal *v) {
    Visit *vs = ctx;
    char buf[24];
    size_t flen;
    const char *fs = text(f, &flen, buf);
    long i = model_find(fs, flen);
    if (i < 0 || !val_is(v, model.v[i], model.vl[i])) vs->bad = true;
    else vs->seen[i]++;
    vs->visits++;
    return !(vs->stop_after && vs->visits >= vs->stop_after);
}

static void check_against_model(Hash *h) {
    CHECK(hash_len(h) == model.n);
    for (size_t i = 0; i < model.n; i++) {
        HashVal v;
        bool found = hash_get(h, model.f[i], model.fl[i], &v);
        CHECK(found);
        if (found) CHECK(val_is(&v, model.v[i], model.vl[i]));
    }
    Visit vs = {0};
    hash_foreach(h, check_pair, &vs);
    CHECK(!vs.bad && vs.visits == model.n);
    for (size_t i = 0; i < model.n; i++) CHECK(vs.seen[i] == 1);
}

static size_t make_field(char *buf, uint32_t id) {
    /* a mix of integer-looking and text fields */
    if (id % 3 == 0) return (size_t)sprintf(buf, "%u", id);
    if (id % 3 == 1) return (size_t)sprintf(buf, "-%u", id);
    return (size_t)sprintf(buf, "field:%u", id);
}

/* ---- tests --------------------------------------------------------------- */

static void test_basic_listpack(void) {
    cfg.hash_max_listpack_entries = 128;
    cfg.hash_max_listpack_value = 64;
    Hash *h = hash_new();
    CHECK(hash_len(h) == 0);
    CHECK(strcmp(hash_encoding(h), "listpack") == 0);
    HashVal v;
    CHECK(!hash_get(h, "a", 1, &v));
    CHECK(hash_set(&h, "a", 1, "1", 1));
    CHECK(hash_set(&h, "b", 1, "hello", 5));
    CHECK(!hash_set(&h, "a", 1, "2", 1));       /* update */
    CHECK(!hash_set(&h, "a", 1, "2", 1));       /* same value */
    CHECK(hash_set(&h, "", 0, "", 0));          /* empty field and value */
    CHECK(hash_len(h) == 3);
    CHECK(hash_get(h, "a", 1, &v) && v.s == NULL && v.v == 2);
    CHECK(hash_get(h, "b", 1, &v) && val_is(&v, "hello", 5));
    CHECK(hash_get(h, "", 0, &v) && v.s && v.len == 0);
    CHECK(hash_exists(h, "b", 1) && !hash_exists(h, "c", 1));
    /* a value equal to a field name is not found as a field */
    CHECK(!hash_exists(h, "hello", 5));
    /* non-canonical integers stay text */
    CHECK(hash_set(&h, "n", 1, "01", 2));
    CHECK(hash_get(h, "n", 1, &v) && v.s && val_is(&v, "01", 2));
    CHECK(hash_delete(&h, "a", 1));
    CHECK(!hash_delete(&h, "a", 1));
    CHECK(hash_len(h) == 3);
    CHECK(strcmp(hash_encoding(h), "listpack") == 0);
    hash_free(h);
}

static void test_conversions(void) {
    cfg.hash_max_listpack_entries = 4;
    cfg.hash_max_listpack_value = 8;

    /* entries: the 5th field converts */
    Hash *h = hash_new();
    for (int i = 0; i < 4; i++) {
        char f[16];
        size_t n = (size_t)sprintf(f, "f%d", i);
        hash_set(&h, f, n, "v", 1);
    }
    CHECK(strcmp(hash_encoding(h), "listpack") == 0);
    hash_set(&h, "f0", 2, "w", 1); /* update: no conversion */
    CHECK(strcmp(hash_encoding(h), "listpack") == 0);
    hash_set(&h, "f4", 2, "v", 1);
    CHECK(strcmp(hash_encoding(h), "hashtable") == 0);
    CHECK(hash_len(h) == 5);
    HashVal v;
    CHECK(hash_get(h, "f0", 2, &v) && val_is(&v, "w", 1));
    /* one-way: deleting back below the limit keeps the table */
    hash_delete(&h, "f1", 2);
    hash_delete(&h, "f2", 2);
    CHECK(strcmp(hash_encoding(h), "hashtable") == 0);
    hash_free(h);

    /* value length: 8 fits, 9 converts; field length the same */
    h = hash_new();
    hash_set(&h, "a", 1, "12345678", 8);
    CHECK(strcmp(hash_encoding(h), "listpack") == 0);
    hash_set(&h, "a", 1, "123456789", 9);
    CHECK(strcmp(hash_encoding(h), "hashtable") == 0);
    CHECK(hash_get(h, "a", 1, &v) && val_is(&v, "123456789", 9));
    hash_free(h);
    h = hash_new();
    hash_set(&h, "abcdefghi", 9, "1", 1);
    CHECK(strcmp(hash_encoding(h), "hashtable") == 0);
    hash_free(h);

    /* entries 0: the first field converts */
    cfg.hash_max_listpack_entries = 0;
    h = hash_new();
    hash_set(&h, "a", 1, "1", 1);
    CHECK(strcmp(hash_encoding(h), "hashtable") == 0);
    hash_free(h);

    /* the found-slot path (HINCRBY) applies the length rule too */
    cfg.hash_max_listpack_entries = 128;
    cfg.hash_max_listpack_value = 64;
    h = hash_new();
    hash_set(&h, "counter", 7, "5", 1);
    HashSlot slot;
    CHECK(hash_find(h, "counter", 7, &slot, &v) && v.s == NULL && v.v == 5);
    hash_set_found(&h, &slot, "counter", 7, "6", 1);
    CHECK(hash_get(h, "counter", 7, &v) && v.v == 6);
    cfg.hash_max_listpack_value = 3; /* lowered after creation */
    CHECK(hash_find(h, "counter", 7, &slot, &v));
    hash_set_found(&h, &slot, "counter", 7, "7", 1);
    CHECK(strcmp(hash_encoding(h), "hashtable") == 0);
    CHECK(hash_get(h, "counter", 7, &v) && val_is(&v, "7", 1));
    /* and in the table, the value grows and shrinks (element realloc) */
    CHECK(hash_find(h, "counter", 7, &slot, &v));
    char big[300];
    memset(big, 'x', sizeof(big));
    hash_set_found(&h, &slot, "counter", 7, big, sizeof(big));
    CHECK(hash_get(h, "counter", 7, &v) && v.len == sizeof(big) && v.s[299] == 'x');
    CHECK(hash_find(h, "counter", 7, &slot, &v));
    hash_set_found(&h, &slot, "counter", 7, "1", 1);
    CHECK(hash_get(h, "counter", 7, &v) && val_is(&v, "1", 1));
    hash_free(h);
}

/* Random sets/deletes against the model, across the conversion. */
static void test_model(uint32_t rounds, int64_t entries) {
    cfg.hash_max_listpack_entries = entries;
    cfg.hash_max_listpack_value = 40;
    model.n = 0;
    Hash *h = hash_new();
    for (uint32_t r = 0; r < rounds; r++) {
        char f[32], v[80];
        size_t flen = make_field(f, trand(MODEL_MAX));
        uint32_t op = trand(10);
        if (op < 6) {
            size_t vlen = trand(8) == 0 ? 41 + trand(30) : (size_t)sprintf(v, "%u", trand(1000));
            if (vlen > 40) memset(v, 'a' + (int)trand(26), vlen);
            CHECK(hash_set(&h, f, flen, v, vlen) == model_set(f, flen, v, vlen));
        } else if (op < 9) {
            CHECK(hash_delete(&h, f, flen) == model_del(f, flen));
        } else {
            HashSlot slot;
            HashVal cur;
            bool found = hash_find(h, f, flen, &slot, &cur);
            CHECK(found == (model_find(f, flen) >= 0));
            if (found) {
                size_t vlen = (size_t)sprintf(v, "x%u", r);
                hash_set_found(&h, &slot, f, flen, v, vlen);
                model_set(f, flen, v, vlen);
            }
        }
        if (r % 97 == 0) check_against_model(h);
    }
    check_against_model(h);
    hash_free(h);
}

static void test_scan_and_stop(void) {
    cfg.hash_max_listpack_entries = 8;
    cfg.hash_max_listpack_value = 64;
    model.n = 0;
    Hash *h = hash_new();
    for (uint32_t i = 0; i < 300; i++) {
        char f[32];
        size_t flen = make_field(f, i);
        hash_set(&h, f, flen, "v", 1);
        model_set(f, flen, "v", 1);
    }
    CHECK(strcmp(hash_encoding(h), "hashtable") == 0);
    Visit vs = {0};
    uint64_t cur = 0, calls = 0;
    do {
        cur = hash_scan(h, cur, check_pair, &vs);
        calls++;
    } while (cur);
    CHECK(!vs.bad && vs.visits == 300 && calls > 1);
    for (size_t i = 0; i < model.n; i++) CHECK(vs.seen[i] == 1);
    /* foreach stops when fn says so */
    Visit stop = {0};
    stop.stop_after = 7;
    hash_foreach(h, check_pair, &stop);
    CHECK(stop.visits == 7);
    hash_free(h);

    /* a listpack scan is everything at once, cursor 0 */
    cfg.hash_max_listpack_entries = 128;
    model.n = 0;
    h = hash_new();
    for (uint32_t i = 0; i < 10; i++) {
        char f[32];
        size_t flen = make_field(f, i);
        hash_set(&h, f, flen, "v", 1);
        model_set(f, flen, "v", 1);
    }
    Visit lv = {0};
    CHECK(hash_scan(h, 12345, check_pair, &lv) == 0);
    CHECK(!lv.bad && lv.visits == 10);
    hash_free(h);
}

static void test_random(int64_t entries) {
    cfg.hash_max_listpack_entries = entries;
    cfg.hash_max_listpack_value = 64;
    model.n = 0;
    Hash *h = hash_new();
    for (uint32_t i = 0; i < 60; i++) {
        char f[32];
        size_t flen = make_field(f, i);
        hash_set(&h, f, flen, "v", 1);
        model_set(f, flen, "v", 1);
    }
    /* single picks cover every field eventually */
    Visit single = {0};
    for (int i = 0; i < 3000; i++) {
        HashVal f, v;
        hash_random(h, &f, &v);
        check_pair(&single, &f, &v);
    }
    CHECK(!single.bad);
    size_t covered = 0;
    for (size_t i = 0; i < model.n; i++) covered += single.seen[i] > 0;
    CHECK(covered == model.n);
    /* distinct picks: small (random probing) and large (shuffle) counts */
    uint64_t counts[] = {1, 5, 19, 20, 21, 45, 59};
    for (size_t k = 0; k < ARRAY_LEN(counts); k++) {
        Visit u = {0};
        hash_random_pairs(h, counts[k], true, check_pair, &u);
        CHECK(!u.bad && u.visits == counts[k]);
        for (size_t i = 0; i < model.n; i++) CHECK(u.seen[i] <= 1);
    }
    /* with repetition: any count, stoppable */
    Visit rep = {0};
    hash_random_pairs(h, 500, false, check_pair, &rep);
    CHECK(!rep.bad && rep.visits == 500);
    Visit rs = {0};
    rs.stop_after = 10;
    hash_random_pairs(h, 1000000, false, check_pair, &rs);
    CHECK(rs.visits == 10);
    hash_free(h);
}

int main(void) {
    test_basic_listpack();
    test_conversions();
    test_model(20000, 128);   /* stays mostly listpack, converts on long values */
    test_model(20000, 16);    /* converts early */
    test_model(5000, 100000); /* long values force it anyway */
    test_scan_and_stop();
    test_random(128);
    test_random(4);
    return unit_finish("hash");
}
