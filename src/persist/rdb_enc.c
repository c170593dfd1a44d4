/* persist/rdb_enc.c -- values in RDB encoding, as Redis 7.0 writes them
 * (see rdb_enc.h and rdb_format.h). kilat's packed encodings are turned
 * into Redis's layouts here: listpacks through rdb_lp.c, intsets as
 * Redis's intset blob, list nodes one RDB node per kilat node. */
#include "rdb_enc.h"

#include <lzf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/config.h"
#include "../core/t_hash.h"
#include "../core/t_set.h"
#include "../core/t_zset.h"
#include "../ds/intset.h"
#include "../ds/mem.h"
#include "../ds/num.h"
#include "../ds/quicklist.h"
#include "crc64.h"
#include "rdb_format.h"
#include "rdb_lp.h"
#include "rdb_stream.h"

/* ---------- the buffer ---------- */

void rdbbuf_init(RdbBuf *b, bool compress) {
    b->buf = NULL;
    b->len = b->cap = 0;
    b->compress = compress;
}

void rdbbuf_free(RdbBuf *b) {
    mem_free(b->buf);
    b->buf = NULL;
    b->len = b->cap = 0;
}

void rdbbuf_reset(RdbBuf *b) { b->len = 0; }

static void reserve(RdbBuf *b, size_t n) {
    if (b->cap - b->len >= n) return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap - b->len < n) cap *= 2;
    b->buf = mem_realloc(b->buf, cap);
    b->cap = cap;
}

void rdb_write_raw(RdbBuf *b, const void *p, size_t n) {
    if (!n) return;
    reserve(b, n);
    memcpy(b->buf + b->len, p, n);
    b->len += n;
}

void rdb_write_byte(RdbBuf *b, uint8_t v) {
    reserve(b, 1);
    b->buf[b->len++] = v;
}

void rdb_write_len(RdbBuf *b, uint64_t len) {
    unsigned char h[9];
    size_t n;
    if (len < 64) {
        h[0] = (unsigned char)len;
        n = 1;
    } else if (len < 16384) {
        h[0] = (unsigned char)(0x40 | (len >> 8));
        h[1] = (unsigned char)len;
        n = 2;
    } else if (len <= UINT32_MAX) {
        h[0] = RDB_32BITLEN;
        for (int i = 0; i < 4; i++) h[1 + i] = (unsigned char)(len >> (24 - 8 * i));
        n = 5;
    } else {
        h[0] = RDB_64BITLEN;
        for (int i = 0; i < 8; i++) h[1 + i] = (unsigned char)(len >> (56 - 8 * i));
        n = 9;
    }
    rdb_write_raw(b, h, n);
}

void rdb_write_u64le(RdbBuf *b, uint64_t v) {
    unsigned char h[8];
    for (int i = 0; i < 8; i++, v >>= 8) h[i] = (unsigned char)v;
    rdb_write_raw(b, h, 8);
}

/* ---------- strings ---------- */

/* The int8/16/32 string encodings; false if v needs more than 32 bits. */
static bool write_int_enc(RdbBuf *b, int64_t v) {
    unsigned char h[5];
    size_t n;
    if (v >= -128 && v <= 127) {
        h[0] = (RDB_ENCVAL << 6) | RDB_ENC_INT8;
        h[1] = (unsigned char)v;
        n = 2;
    } else if (v >= -32768 && v <= 32767) {
        h[0] = (RDB_ENCVAL << 6) | RDB_ENC_INT16;
        h[1] = (unsigned char)v;
        h[2] = (unsigned char)((uint64_t)v >> 8);
        n = 3;
    } else if (v >= INT32_MIN && v <= INT32_MAX) {
        h[0] = (RDB_ENCVAL << 6) | RDB_ENC_INT32;
        for (int i = 0; i < 4; i++) h[1 + i] = (unsigned char)((uint64_t)v >> (8 * i));
        n = 5;
    } else {
        return false;
    }
    rdb_write_raw(b, h, n);
    return true;
}

/* LZF as Redis: only when the result is at least 4 bytes shorter
 * (lzf_compress answers 0 when the output does not fit len - 4). */
static bool write_lzf(RdbBuf *b, const char *s, size_t len) {
    if (len <= 4 || len > UINT32_MAX) return false;
    size_t outlen = len - 4;
    unsigned char *out = mem_alloc(outlen + 1);
    unsigned int clen = lzf_compress(s, (unsigned int)len, out, (unsigned int)outlen);
    if (clen == 0) {
        mem_free(out);
        return false;
    }
    rdb_write_byte(b, (RDB_ENCVAL << 6) | RDB_ENC_LZF);
    rdb_write_len(b, clen);
    rdb_write_len(b, len);
    rdb_write_raw(b, out, clen);
    mem_free(out);
    return true;
}

void rdb_write_string(RdbBuf *b, const char *s, size_t len) {
    int64_t v;
    if (len <= 11 && num_parse_int64(s, len, &v) && write_int_enc(b, v)) return;
    if (b->compress && len > 20 && write_lzf(b, s, len)) return;
    rdb_write_len(b, len);
    rdb_write_raw(b, s, len);
}

void rdb_write_int_string(RdbBuf *b, int64_t v) {
    if (write_int_enc(b, v)) return;
    char buf[24];
    size_t n = num_format_int64(buf, v);
    rdb_write_len(b, n);
    rdb_write_raw(b, buf, n);
}

void rdb_write_binary_double(RdbBuf *b, double d) {
    uint64_t u;
    memcpy(&u, &d, sizeof(u));
    rdb_write_u64le(b, u);
}

/* ---------- lists ---------- */

typedef struct {
    RdbBuf *b;
    RedisLp lp;
    size_t idx, nodes, depth; /* list-compress-depth */
} NodeCtx;

/* A node Redis keeps LZF-compressed in memory (list-compress-depth: more
 * than `depth` nodes from either end) is written as that LZF blob, made
 * as quicklist.c makes it: at least 48 bytes, output limited to the input
 * size, kept only when it saves more than 8 bytes. Else the node is a
 * string like any other. */
static void write_node_bytes(NodeCtx *nc, const char *s, size_t len) {
    bool inner = nc->depth && nc->idx >= nc->depth && nc->idx + nc->depth < nc->nodes;
    if (inner && len >= 48 && len <= UINT32_MAX) {
        unsigned char *out = mem_alloc(len);
        unsigned int clen = lzf_compress(s, (unsigned int)len, out, (unsigned int)len);
        if (clen != 0 && (size_t)clen + 8 < len) {
            rdb_write_byte(nc->b, (RDB_ENCVAL << 6) | RDB_ENC_LZF);
            rdb_write_len(nc->b, clen);
            rdb_write_len(nc->b, len);
            rdb_write_raw(nc->b, out, clen);
            mem_free(out);
            return;
        }
        mem_free(out);
    }
    rdb_write_string(nc->b, s, len);
}

static void write_node(void *ctx, const unsigned char *lp, bool plain) {
    NodeCtx *nc = ctx;
    if (plain) {
        char buf[24];
        size_t len;
        const char *s = lp_get_str(lp_first((unsigned char *)lp), &len, buf);
        rdb_write_len(nc->b, RDB_QL_PLAIN);
        write_node_bytes(nc, s, len);
    } else {
        RdbBuf *out = &nc->lp.out;
        rdbbuf_reset(out);
        size_t n = lp_redis_bytes(lp);
        reserve(out, n);
        lp_to_redis(lp, out->buf);
        out->len = n;
        rdb_write_len(nc->b, RDB_QL_PACKED);
        write_node_bytes(nc, (const char *)out->buf, n);
    }
    nc->idx++;
}

static void write_list(RdbBuf *b, const Quicklist *ql) {
    NodeCtx nc = {.b = b, .nodes = ql_nodes(ql)};
    const char *depth = config_value("list-compress-depth");
    if (depth) nc.depth = (size_t)strtoul(depth, NULL, 10);
    rlp_init(&nc.lp);
    rdb_write_len(b, nc.nodes);
    ql_foreach_node(ql, write_node, &nc);
    rlp_free(&nc.lp);
}

/* ---------- sets ---------- */

/* Redis's intset blob: u32 LE width, u32 LE count, sorted LE values. */
static void write_intset(RdbBuf *b, const IntSet *is) {
    unsigned w = intset_width(is);
    size_t n = intset_len(is);
    RdbBuf blob;
    rdbbuf_init(&blob, false);
    unsigned char h[8];
    for (int i = 0; i < 4; i++) h[i] = (unsigned char)(w >> (8 * i));
    for (int i = 0; i < 4; i++) h[4 + i] = (unsigned char)((uint64_t)n >> (8 * i));
    rdb_write_raw(&blob, h, 8);
    for (size_t i = 0; i < n; i++) {
        uint64_t v = (uint64_t)intset_get(is, i);
        for (unsigned k = 0; k < w; k++) h[k] = (unsigned char)(v >> (8 * k));
        rdb_write_raw(&blob, h, w);
    }
    rdb_write_string(b, (const char *)blob.buf, blob.len);
    rdbbuf_free(&blob);
}

static bool write_member(void *ctx, const SetMember *m) {
    if (m->s) rdb_write_string(ctx, m->s, m->len);
    else rdb_write_int_string(ctx, m->v);
    return true;
}

static void write_set(RdbBuf *b, const Set *s) {
    const IntSet *is = set_intset(s);
    if (is) {
        write_intset(b, is);
        return;
    }
    rdb_write_len(b, set_len(s));
    set_foreach(s, write_member, b);
}

/* ---------- sorted sets ---------- */

/* A listpack score as Redis 7.0 stores it: an integer when the double is
 * integral within +-2^62 (so -0 is 0), else "inf"/"-inf" or %.17g text. */
static void rlp_add_score(RedisLp *lp, double d) {
    if (d >= -0x1p62 && d <= 0x1p62 && (double)(int64_t)d == d) {
        rlp_add_int(lp, (int64_t)d);
        return;
    }
    char buf[40];
    int n;
    if (isinf(d)) n = snprintf(buf, sizeof(buf), "%s", d > 0 ? "inf" : "-inf");
    else n = snprintf(buf, sizeof(buf), "%.17g", d);
    rlp_add_str(lp, buf, (size_t)n);
}

static void write_zset(RdbBuf *b, Zset *z) {
    ZsetIter it;
    ZsetElem e;
    if (zset_is_listpack(z)) {
        RedisLp lp;
        rlp_init(&lp);
        rlp_begin(&lp);
        zset_iter_rank(&it, z, 0, false);
        while (zset_iter_next(&it, &e)) {
            rlp_add_str(&lp, e.m, e.len);
            rlp_add_score(&lp, e.score);
        }
        rlp_finish(&lp);
        rdb_write_string(b, (const char *)lp.out.buf, lp.out.len);
        rlp_free(&lp);
        return;
    }
    /* ZSET_2: from the highest score down, as Redis walks its skiplist
     * from the tail (loading then inserts at the head: O(1) each) */
    rdb_write_len(b, zset_len(z));
    zset_iter_rank(&it, z, 0, true);
    while (zset_iter_next(&it, &e)) {
        rdb_write_string(b, e.m, e.len);
        rdb_write_binary_double(b, e.score);
    }
}

/* ---------- hashes ---------- */

static bool write_pair(void *ctx, const HashVal *f, const HashVal *v) {
    RdbBuf *b = ctx;
    if (f->s) rdb_write_string(b, f->s, f->len);
    else rdb_write_int_string(b, f->v);
    if (v->s) rdb_write_string(b, v->s, v->len);
    else rdb_write_int_string(b, v->v);
    return true;
}

static inline bool hash_is_listpack(const Hash *h) { return hash_listpack(h) != NULL; }

static void write_hash(RdbBuf *b, Hash *h) {
    const unsigned char *klp = hash_listpack(h);
    if (klp) {
        size_t n = lp_redis_bytes(klp);
        unsigned char *rlp = mem_alloc(n);
        lp_to_redis(klp, rlp);
        rdb_write_string(b, (const char *)rlp, n);
        mem_free(rlp);
        return;
    }
    rdb_write_len(b, hash_len(h));
    hash_foreach(h, write_pair, b);
}

/* ---------- objects ---------- */

uint8_t rdb_object_type(const Entry *e) {
    switch (entry_type(e)) {
    case TYPE_STRING: return RDB_TYPE_STRING;
    case TYPE_LIST: return RDB_TYPE_LIST_QUICKLIST_2;
    case TYPE_SET: return set_is_intset(entry_obj(e)) ? RDB_TYPE_SET_INTSET : RDB_TYPE_SET;
    case TYPE_ZSET:
        return zset_is_listpack(entry_obj(e)) ? RDB_TYPE_ZSET_LISTPACK : RDB_TYPE_ZSET_2;
    case TYPE_HASH:
        return hash_is_listpack(entry_obj(e)) ? RDB_TYPE_HASH_LISTPACK : RDB_TYPE_HASH;
    case TYPE_STREAM: return RDB_TYPE_STREAM_LISTPACKS_2;
    }
    ASSERT(0);
    return 0;
}

void rdb_write_object(RdbBuf *b, const Entry *e) {
    rdb_write_byte(b, rdb_object_type(e));
    rdb_write_value(b, e);
}

void rdb_write_value(RdbBuf *b, const Entry *e) {
    switch (entry_type(e)) {
    case TYPE_STRING: {
        int64_t v;
        if (entry_is_int(e) && entry_get_int64(e, &v)) {
            rdb_write_int_string(b, v);
        } else {
            char buf[24];
            size_t len;
            const char *s = entry_str(e, &len, buf);
            rdb_write_string(b, s, len);
        }
        break;
    }
    case TYPE_LIST: write_list(b, entry_obj(e)); break;
    case TYPE_SET: write_set(b, entry_obj(e)); break;
    case TYPE_ZSET: write_zset(b, entry_obj(e)); break;
    case TYPE_HASH: write_hash(b, entry_obj(e)); break;
    case TYPE_STREAM: rdb_stream_write(b, entry_obj(e)); break;
    }
}

void rdb_dump_payload(RdbBuf *b, const Entry *e) {
    size_t start = b->len;
    rdb_write_object(b, e);
    rdb_write_byte(b, RDB_VERSION & 0xff);
    rdb_write_byte(b, (RDB_VERSION >> 8) & 0xff);
    rdb_write_u64le(b, crc64(0, b->buf + start, b->len - start));
}
