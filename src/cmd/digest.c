/* cmd/digest.c -- DEBUG DIGEST / DIGEST-VALUE's signatures: SHA-1 based,
 * equal data gives equal digests whatever the encoding (an int-encoded
 * "12" and a raw "12" agree) or the hash tables' order. Unordered
 * collections (sets, hashes) and the keyspace combine their members'
 * digests with XOR, so an empty dataset is all zeros, as in Redis. The
 * values are our own: they need not match Redis's digests. */
#include "digest.h"

#include <stdio.h>
#include <string.h>

#include "../core/db.h"
#include "../core/t_hash.h"
#include "../core/t_set.h"
#include "../core/t_zset.h"
#include "../ds/listpack.h"
#include "../ds/mem.h"
#include "../ds/num.h"
#include "../ds/quicklist.h"
#include "../ds/stream.h"
#include "../script/sha1.h"

/* A growable byte buffer the serialisation of one value goes to. */
typedef struct {
    char *p;
    size_t len, cap;
} Buf;

static void buf_put(Buf *b, const void *s, size_t n) {
    if (b->cap - b->len < n) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap - b->len < n) cap *= 2;
        b->p = mem_realloc(b->p, cap);
        b->cap = cap;
    }
    if (n) memcpy(b->p + b->len, s, n);
    b->len += n;
}

/* Length-prefixed bytes, so ("ab","c") and ("a","bc") differ. */
static void buf_elem(Buf *b, const char *s, size_t len) {
    uint64_t l = len;
    buf_put(b, &l, sizeof(l));
    buf_put(b, s, len);
}

static void buf_int(Buf *b, int64_t v) {
    char d[24];
    buf_elem(b, d, num_format_int64(d, v));
}

static int hexval(char h) { return h <= '9' ? h - '0' : h - 'a' + 10; }

static void sha1_raw(const void *data, size_t len, uint8_t out[DIGEST_LEN]) {
    char hex[41];
    sha1_hex(data, len, hex);
    for (int i = 0; i < DIGEST_LEN; i++)
        out[i] = (uint8_t)(hexval(hex[2 * i]) << 4 | hexval(hex[2 * i + 1]));
}

static void xor_into(uint8_t acc[DIGEST_LEN], const uint8_t d[DIGEST_LEN]) {
    for (int i = 0; i < DIGEST_LEN; i++) acc[i] ^= d[i];
}

/* ---------- values ---------- */

static bool list_visit(void *ctx, const LpVal *v) {
    if (v->s) buf_elem(ctx, v->s, v->len);
    else buf_int(ctx, v->v);
    return true;
}

/* One member of an unordered collection: its own digest, XORed in. */
typedef struct {
    uint8_t acc[DIGEST_LEN];
    Buf tmp;
} Unordered;

static void unordered_add(Unordered *u) {
    uint8_t d[DIGEST_LEN];
    sha1_raw(u->tmp.p, u->tmp.len, d);
    xor_into(u->acc, d);
    u->tmp.len = 0;
}

static bool set_visit(void *ctx, const SetMember *m) {
    Unordered *u = ctx;
    if (m->s) buf_elem(&u->tmp, m->s, m->len);
    else buf_int(&u->tmp, m->v);
    unordered_add(u);
    return true;
}

static void hashval_put(Buf *b, const HashVal *v) {
    if (v->s) buf_elem(b, v->s, v->len);
    else buf_int(b, v->v);
}

static bool hash_visit(void *ctx, const HashVal *f, const HashVal *v) {
    Unordered *u = ctx;
    hashval_put(&u->tmp, f);
    hashval_put(&u->tmp, v);
    unordered_add(u);
    return true;
}

/* A stream: its entries in order, then its last ID, counters and the
 * groups' presence (their state is not part of it yet). */
static void stream_serialize(Stream *s, Buf *b) {
    StreamIter it;
    StreamId id;
    size_t nf;
    char idb[STREAM_ID_TEXT_MAX];
    stream_iter_start(&it, s, NULL, NULL, false);
    while (stream_iter_next(&it, &id, &nf)) {
        buf_elem(b, idb, stream_id_format(&id, idb));
        for (size_t i = 0; i < nf; i++) {
            const char *f, *v;
            size_t fl, vl;
            stream_iter_field(&it, &f, &fl, &v, &vl);
            buf_elem(b, f, fl);
            buf_elem(b, v, vl);
        }
    }
    stream_iter_stop(&it);
    buf_elem(b, idb, stream_id_format(&s->last_id, idb));
    buf_elem(b, idb, stream_id_format(&s->max_deleted_id, idb));
    buf_int(b, (int64_t)s->entries_added);
    buf_int(b, s->groups != NULL);
}

static void value_serialize(Entry *e, Buf *b) {
    ValueType t = entry_type(e);
    char tag = (char)('0' + t);
    buf_put(b, &tag, 1);
    switch (t) {
    case TYPE_STRING: {
        char ib[24];
        size_t len;
        const char *s = entry_str(e, &len, ib);
        buf_elem(b, s, len);
        break;
    }
    case TYPE_LIST:
        ql_walk(entry_obj(e), 0, false, list_visit, b);
        break;
    case TYPE_SET:
    case TYPE_HASH: {
        Unordered u = {{0}, {0}};
        if (t == TYPE_SET) set_foreach(entry_obj(e), set_visit, &u);
        else hash_foreach(entry_obj(e), hash_visit, &u);
        mem_free(u.tmp.p);
        buf_put(b, u.acc, DIGEST_LEN);
        break;
    }
    case TYPE_ZSET: {
        ZsetIter it;
        ZsetElem el;
        zset_iter_rank(&it, entry_obj(e), 0, false);
        while (zset_iter_next(&it, &el)) {
            char d[64];
            buf_elem(b, el.m, el.len);
            buf_elem(b, d, (size_t)snprintf(d, sizeof(d), "%.17g", el.score));
        }
        break;
    }
    case TYPE_STREAM:
        stream_serialize(entry_obj(e), b);
        break;
    }
}

void digest_value(Entry *e, uint8_t out[DIGEST_LEN]) {
    Buf b = {0};
    value_serialize(e, &b);
    /* as Redis: whether the key has a TTL is part of its value's digest */
    if (entry_expire(e) != -1) buf_put(&b, "!ttl", 4);
    sha1_raw(b.p, b.len, out);
    mem_free(b.p);
}

/* ---------- the dataset ---------- */

typedef struct {
    uint8_t acc[DIGEST_LEN];
    int db;
    Buf b;
} DatasetCtx;

static void dataset_visit(void *ctx, Entry *e) {
    DatasetCtx *d = ctx;
    uint8_t vd[DIGEST_LEN], kd[DIGEST_LEN];
    size_t klen;
    const char *key = entry_key(e, &klen);
    int64_t expire = entry_expire(e);
    d->b.len = 0;
    buf_int(&d->b, d->db);
    buf_int(&d->b, expire);
    buf_elem(&d->b, key, klen);
    digest_value(e, vd);
    buf_put(&d->b, vd, DIGEST_LEN);
    sha1_raw(d->b.p, d->b.len, kd);
    xor_into(d->acc, kd);
}

void digest_dataset(uint8_t out[DIGEST_LEN]) {
    DatasetCtx d = {{0}, 0, {0}};
    for (int i = 0; i < db_count_dbs(); i++) {
        d.db = i;
        uint64_t cursor = 0;
        do {
            cursor = db_scan(db_get(i), cursor, dataset_visit, &d);
        } while (cursor);
    }
    mem_free(d.b.p);
    memcpy(out, d.acc, DIGEST_LEN);
}

void digest_hex(const uint8_t d[DIGEST_LEN], char out[2 * DIGEST_LEN + 1]) {
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < DIGEST_LEN; i++) {
        out[2 * i] = hex[d[i] >> 4];
        out[2 * i + 1] = hex[d[i] & 15];
    }
    out[2 * DIGEST_LEN] = '\0';
}
