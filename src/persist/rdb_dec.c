/* persist/rdb_dec.c -- the RDB reader and value decoder. Every value is
 * rebuilt element by element through the type modules (t_hash, t_set,
 * t_zset, quicklist), so the result is in kilat's encodings and the type
 * modules' own thresholds pick listpack/intset/table as Redis would.
 * Nothing is allocated from a length before the bytes behind it exist:
 * over memory the length is checked against what is left; over a file the
 * buffer grows as bytes actually arrive. The first error wins in r->err. */
#include "rdb_dec.h"

#include <lzf.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/config.h"
#include "../core/stats.h"
#include "../core/t_hash.h"
#include "../core/t_set.h"
#include "../core/t_zset.h"
#include "../ds/mem.h"
#include "../ds/num.h"
#include "../ds/quicklist.h"
#include "crc64.h"
#include "rdb_blob.h"
#include "rdb_format.h"
#include "rdb_stream.h"

static bool skip_checksum;

void rdb_set_skip_checksum(bool on) { skip_checksum = on; }
bool rdb_skip_checksum(void) { return skip_checksum; }

bool rdb_fail(RdbReader *r, const char *fmt, ...) {
    if (r->err[0]) return false;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err, sizeof(r->err), fmt, ap);
    va_end(ap);
    return false;
}

/* ---------- the reader ---------- */

void rdb_reader_mem(RdbReader *r, const void *p, size_t n, int version) {
    memset(r, 0, sizeof(*r));
    r->p = p;
    r->end = r->p + n;
    r->version = version;
}

uint64_t rdb_reader_offset(const RdbReader *r) { return r->consumed_before; }

/* At least n bytes at r->p. */
static bool need(RdbReader *r, size_t n) {
    if ((size_t)(r->end - r->p) >= n) return true;
    if (r->refill && r->refill(r, n) && (size_t)(r->end - r->p) >= n) return true;
    return rdb_fail(r, "Short read");
}

static void advance(RdbReader *r, size_t n) {
    r->p += n;
    r->consumed_before += n;
}

bool rdb_read_byte(RdbReader *r, uint8_t *v) {
    if (!need(r, 1)) return false;
    *v = r->p[0];
    advance(r, 1);
    return true;
}

/* Copies in slices, so a refill reader's buffer never grows past its own
 * chunk size for a large read. */
bool rdb_read_raw(RdbReader *r, void *dst, size_t n) {
    unsigned char *d = dst;
    while (n > 0) {
        size_t avail = (size_t)(r->end - r->p);
        if (avail == 0) {
            if (!need(r, n < 65536 ? n : 65536)) return false;
            avail = (size_t)(r->end - r->p);
        }
        size_t k = avail < n ? avail : n;
        memcpy(d, r->p, k);
        advance(r, k);
        d += k;
        n -= k;
    }
    return true;
}

bool rdb_read_u64le(RdbReader *r, uint64_t *v) {
    unsigned char b[8];
    if (!rdb_read_raw(r, b, 8)) return false;
    *v = 0;
    for (int i = 7; i >= 0; i--) *v = *v << 8 | b[i];
    return true;
}

bool rdb_read_u32le(RdbReader *r, uint32_t *v) {
    unsigned char b[4];
    if (!rdb_read_raw(r, b, 4)) return false;
    *v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
    return true;
}

bool rdb_read_len(RdbReader *r, uint64_t *len, bool *encoded) {
    uint8_t b, x[8];
    if (encoded) *encoded = false;
    if (!rdb_read_byte(r, &b)) return false;
    switch (b >> 6) {
    case RDB_6BITLEN: *len = b & 0x3f; return true;
    case RDB_14BITLEN:
        if (!rdb_read_byte(r, x)) return false;
        *len = (uint64_t)(b & 0x3f) << 8 | x[0];
        return true;
    case RDB_ENCVAL:
        /* where a plain length belongs, Redis reads the low 6 bits too */
        if (encoded) *encoded = true;
        *len = b & 0x3f;
        return true;
    }
    int n = b == RDB_32BITLEN ? 4 : b == RDB_64BITLEN ? 8 : 0;
    if (n == 0) return rdb_fail(r, "Unknown length encoding %d in rdbLoadLen()", b);
    if (!rdb_read_raw(r, x, (size_t)n)) return false;
    *len = 0;
    for (int i = 0; i < n; i++) *len = *len << 8 | x[i];
    return true;
}

/* A plain length (no string encodings). */
static bool read_count(RdbReader *r, uint64_t *len) { return rdb_read_len(r, len, NULL); }

/* len bytes into a new buffer (+1 for a NUL). Over memory the length must
 * be there; over a file the buffer grows with what arrives. */
static bool read_alloc(RdbReader *r, uint64_t len, char **out) {
    if (!r->refill) {
        if (len > (uint64_t)(r->end - r->p))
            return rdb_fail(r, "Short read: string of %llu bytes", (unsigned long long)len);
        char *s = mem_alloc((size_t)len + 1);
        memcpy(s, r->p, (size_t)len);
        s[len] = '\0';
        advance(r, (size_t)len);
        *out = s;
        return true;
    }
    if (len > SIZE_MAX / 2) return rdb_fail(r, "String too long");
    size_t cap = len < (1u << 20) ? (size_t)len : (1u << 20), got = 0;
    char *s = mem_alloc(cap + 1);
    while (got < len) {
        if (got == cap) {
            cap = cap * 2 < len ? cap * 2 : (size_t)len;
            s = mem_realloc(s, cap + 1);
        }
        if (!rdb_read_raw(r, s + got, cap - got)) {
            mem_free(s);
            return false;
        }
        got = cap;
    }
    s[len] = '\0';
    *out = s;
    return true;
}

static bool read_lzf(RdbReader *r, char **s, size_t *len) {
    uint64_t clen, ulen;
    if (!read_count(r, &clen) || !read_count(r, &ulen)) return false;
    /* LZF expands at most 264 bytes per 3 of input: anything beyond is a
     * lie, refused before the allocation. */
    if (ulen == 0 || clen == 0 || clen > UINT32_MAX || ulen > UINT32_MAX ||
        ulen > clen * 90 + 64)
        return rdb_fail(r, "Invalid LZF compressed string");
    char *c;
    if (!read_alloc(r, clen, &c)) return false;
    char *u = mem_alloc((size_t)ulen + 1);
    unsigned got = lzf_decompress(c, (unsigned)clen, u, (unsigned)ulen);
    mem_free(c);
    if (got != ulen) {
        mem_free(u);
        return rdb_fail(r, "Invalid LZF compressed string");
    }
    u[ulen] = '\0';
    *s = u;
    *len = (size_t)ulen;
    return true;
}

bool rdb_read_string(RdbReader *r, char **s, size_t *len) {
    uint64_t l;
    bool enc;
    if (!rdb_read_len(r, &l, &enc)) return false;
    if (!enc) {
        if (!read_alloc(r, l, s)) return false;
        *len = (size_t)l;
        return true;
    }
    int64_t v;
    unsigned char b[4];
    switch (l) {
    case RDB_ENC_INT8:
        if (!rdb_read_raw(r, b, 1)) return false;
        v = (int8_t)b[0];
        break;
    case RDB_ENC_INT16:
        if (!rdb_read_raw(r, b, 2)) return false;
        v = (int16_t)(b[0] | b[1] << 8);
        break;
    case RDB_ENC_INT32:
        if (!rdb_read_raw(r, b, 4)) return false;
        v = (int32_t)((uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
                      (uint32_t)b[3] << 24);
        break;
    case RDB_ENC_LZF: return read_lzf(r, s, len);
    default: return rdb_fail(r, "Unknown RDB string encoding type %d", (int)l);
    }
    char buf[24];
    *len = num_format_int64(buf, v);
    *s = mem_strndup(buf, *len);
    return true;
}

bool rdb_read_binary_double(RdbReader *r, double *d) {
    uint64_t u;
    if (!rdb_read_u64le(r, &u)) return false;
    memcpy(d, &u, 8);
    return true;
}

/* The text double of RDB_TYPE_ZSET: a length byte (253 nan, 254 +inf,
 * 255 -inf) and that many characters. */
static bool read_text_double(RdbReader *r, double *d) {
    uint8_t n;
    char buf[256];
    if (!rdb_read_byte(r, &n)) return false;
    if (n == 253) *d = NAN;
    else if (n == 254) *d = INFINITY;
    else if (n == 255) *d = -INFINITY;
    else {
        if (!rdb_read_raw(r, buf, n)) return false;
        buf[n] = '\0';
        char *endp;
        *d = strtod(buf, &endp);
        if (n == 0 || endp != buf + n) return rdb_fail(r, "Invalid double value");
    }
    return true;
}

/* ---------- building objects ---------- */

typedef struct {
    RdbReader *r;
    ValueType type;
    void *obj;           /* Hash *, Set *, Zset *, Quicklist * */
    const char *what;    /* for the integrity message */
    bool fields_unique;  /* hash fields checked already: append them */
    /* pairs (hash, zset): the first half of a pair waits here */
    bool have_half;
    char *half;
    size_t half_len;
} Builder;

static void builder_init(Builder *b, RdbReader *r, ValueType t) {
    memset(b, 0, sizeof(*b));
    b->r = r;
    b->type = t;
    switch (t) {
    case TYPE_HASH: b->obj = hash_new(); break;
    case TYPE_SET: b->obj = set_new_intset(); break;
    case TYPE_ZSET: b->obj = zset_build_new(); break;
    case TYPE_LIST: b->obj = ql_new(); break;
    default: break;
    }
}

static void obj_free(ValueType t, void *obj) {
    if (!obj) return;
    switch (t) {
    case TYPE_HASH: hash_free(obj); break;
    case TYPE_SET: set_free(obj); break;
    case TYPE_ZSET: zset_free(obj); break;
    case TYPE_LIST: ql_free(obj); break;
    case TYPE_STREAM: stream_free(obj); break;
    default: break;
    }
}

static size_t obj_len(ValueType t, void *obj) {
    switch (t) {
    case TYPE_HASH: return hash_len(obj);
    case TYPE_SET: return set_len(obj);
    case TYPE_ZSET: return zset_len(obj);
    case TYPE_LIST: return ql_count(obj);
    default: return 0;
    }
}

/* The finished object: a sorted set is ordered now, and becomes a listpack
 * when it fits (the value limit may be lifted by the caller). */
static void builder_finish(Builder *b) {
    if (b->type == TYPE_ZSET) b->obj = zset_build_done(b->obj, true);
}

static void builder_abort(Builder *b) {
    if (b->type == TYPE_ZSET) b->obj = zset_build_done(b->obj, false); /* frees all nodes */
    obj_free(b->type, b->obj);
    b->obj = NULL;
    mem_free(b->half);
    b->half = NULL;
}

/* A duplicate updates the half-built object, which is then thrown away. */
static bool add_hash(Builder *b, const char *f, size_t flen, const char *v, size_t vlen) {
    Hash *h = b->obj;
    if (b->fields_unique) {
        hash_append_new(&h, f, flen, v, vlen);
        b->obj = h;
        return true;
    }
    bool added = hash_set(&h, f, flen, v, vlen);
    b->obj = h;
    return added ? true : rdb_fail(b->r, "Duplicate hash fields detected");
}

/* Sorted sets are gathered in a table and ordered once at the end
 * (zset_build_*: O(n log n) whatever order the input has). */
static bool add_zset(Builder *b, const char *m, size_t mlen, double score) {
    if (isnan(score)) return rdb_fail(b->r, "Zset with NAN score detected");
    bool isnew;
    zset_build_slot(b->obj, m, mlen, score, &isnew);
    return isnew ? true : rdb_fail(b->r, "Duplicate zset fields detected");
}

/* A score stored as a listpack/ziplist element (text or integer). */
static bool elem_score(const BlobElem *e, double *d) {
    if (e->is_int) {
        *d = (double)e->v;
        return true;
    }
    char buf[128];
    size_t n = e->len < sizeof(buf) - 1 ? e->len : sizeof(buf) - 1;
    memcpy(buf, e->s, n);
    buf[n] = '\0';
    char *endp;
    *d = strtod(buf, &endp);
    return n > 0 && endp == buf + n;
}

/* The one sink for blob elements and plain strings. */
static bool builder_add(Builder *b, const char *s, size_t len) {
    switch (b->type) {
    case TYPE_LIST: b->obj = ql_push(b->obj, true, s, len, cfg.list_max_listpack_size); return true;
    case TYPE_SET: {
        Set *st = b->obj;
        bool added = set_add(&st, s, len);
        b->obj = st;
        return added ? true : rdb_fail(b->r, "Duplicate set members detected");
    }
    case TYPE_HASH:
        if (!b->have_half) {
            b->half = mem_strndup(s, len);
            b->half_len = len;
            b->have_half = true;
            return true;
        } else {
            bool ok = add_hash(b, b->half, b->half_len, s, len);
            mem_free(b->half);
            b->half = NULL;
            b->have_half = false;
            return ok;
        }
    default: return rdb_fail(b->r, "internal: bad builder");
    }
}

static bool blob_elem(void *ctx, const BlobElem *e) {
    Builder *b = ctx;
    char buf[24];
    const char *s = e->s;
    size_t len = e->len;
    if (e->is_int) {
        len = num_format_int64(buf, e->v);
        s = buf;
    }
    if (b->type == TYPE_ZSET) {
        if (!b->have_half) {
            b->half = mem_strndup(s, len);
            b->half_len = len;
            b->have_half = true;
            return true;
        }
        double score;
        bool ok = elem_score(e, &score) ? add_zset(b, b->half, b->half_len, score)
                                        : rdb_fail(b->r, "%s integrity check failed (bad score)",
                                                   b->what);
        mem_free(b->half);
        b->half = NULL;
        b->have_half = false;
        return ok;
    }
    return builder_add(b, s, len);
}

typedef BlobResult (*Walker)(const unsigned char *, size_t, BlobFn, void *, size_t *);

/* ---------- duplicate fields of a hash blob: sorted, then compared ---------- */

typedef struct {
    const char *s;
    size_t len;
} Span;

typedef struct {
    Span *v;
    size_t n;
    char *ints; /* integer fields as text, 24 bytes each */
    size_t ni;
    bool odd;   /* the next element is a value */
} Fields;

static bool collect_field(void *ctx, const BlobElem *e) {
    Fields *f = ctx;
    f->odd = !f->odd;
    if (!f->odd) return true;
    Span sp = {e->s, e->len};
    if (e->is_int) {
        char *t = f->ints + 24 * f->ni++;
        sp.len = num_format_int64(t, e->v);
        sp.s = t;
    }
    f->v[f->n++] = sp;
    return true;
}

static int span_cmp(const void *a, const void *b) {
    const Span *x = a, *y = b;
    if (x->len != y->len) return x->len < y->len ? -1 : 1;
    return memcmp(x->s, y->s, x->len);
}

/* true when the k elements (k/2 pairs) of a valid blob repeat no field. */
static bool blob_fields_unique(Walker walk, const unsigned char *u, size_t n, size_t k) {
    size_t pairs = k / 2;
    if (pairs < 2) return true;
    Fields f = {mem_alloc(sizeof(Span) * pairs), 0, mem_alloc(24 * pairs), 0, false};
    walk(u, n, collect_field, &f, NULL);
    qsort(f.v, f.n, sizeof(Span), span_cmp);
    bool ok = true;
    for (size_t i = 1; i < f.n && ok; i++) ok = span_cmp(&f.v[i - 1], &f.v[i]) != 0;
    mem_free(f.v);
    mem_free(f.ints);
    return ok;
}

/* Checks the blob, then feeds its elements to the builder. pairs: the
 * element count must be even. Returns the element count in *count. */
static bool load_blob(Builder *b, Walker walk, const char *blob, size_t n, bool pairs,
                      size_t *count) {
    const unsigned char *u = (const unsigned char *)blob;
    size_t k = 0;
    if (walk(u, n, NULL, NULL, &k) != BLOB_OK || (pairs && k % 2))
        return rdb_fail(b->r, "%s integrity check failed.", b->what);
    if (pairs && b->type == TYPE_HASH) {
        if (!blob_fields_unique(walk, u, n, k)) return rdb_fail(b->r, "Duplicate hash fields detected");
        b->fields_unique = true;
    }
    if (walk(u, n, blob_elem, b, NULL) != BLOB_OK)
        return rdb_fail(b->r, "%s integrity check failed.", b->what);
    if (count) *count = k;
    return true;
}

/* ---------- value types ---------- */

/* LIST, SET, HASH, ZSET, ZSET_2: a count, then strings (and scores). */
static bool load_plain(RdbReader *r, int type, Builder *b) {
    uint64_t n;
    if (!read_count(r, &n)) return false;
    for (uint64_t i = 0; i < n; i++) {
        char *s, *v = NULL;
        size_t len, vlen = 0;
        if (!rdb_read_string(r, &s, &len)) return false;
        bool ok;
        if (type == RDB_TYPE_HASH) {
            ok = rdb_read_string(r, &v, &vlen) && add_hash(b, s, len, v, vlen);
        } else if (type == RDB_TYPE_ZSET || type == RDB_TYPE_ZSET_2) {
            double d;
            ok = (type == RDB_TYPE_ZSET ? read_text_double(r, &d) : rdb_read_binary_double(r, &d)) &&
                 add_zset(b, s, len, d);
        } else {
            ok = builder_add(b, s, len);
        }
        mem_free(s);
        mem_free(v);
        if (!ok) return false;
    }
    return true;
}

/* One string holding a blob, walked by `walk`. */
static bool load_one_blob(RdbReader *r, Builder *b, Walker walk, bool pairs) {
    char *s;
    size_t len;
    if (!rdb_read_string(r, &s, &len)) return false;
    size_t k;
    bool ok = load_blob(b, walk, s, len, pairs, &k);
    mem_free(s);
    return ok;
}

void rdb_count_sanitization(const RdbReader *r) {
    if (r->counts_sanitizations) stats.dump_payload_sanitizations++;
}

/* LIST_QUICKLIST (ziplist nodes) and LIST_QUICKLIST_2 (container + blob). */
static bool load_quicklist(RdbReader *r, Builder *b, bool v2) {
    uint64_t nodes;
    if (!read_count(r, &nodes)) return false;
    for (uint64_t i = 0; i < nodes; i++) {
        uint64_t container = RDB_QL_PACKED;
        if (v2 && !read_count(r, &container)) return false;
        if (container != RDB_QL_PACKED && container != RDB_QL_PLAIN)
            return rdb_fail(r, "Quicklist integrity check failed.");
        char *s;
        size_t len;
        if (!rdb_read_string(r, &s, &len)) return false;
        bool ok;
        if (len == 0) {
            ok = rdb_fail(r, "%s integrity check failed.", v2 ? "Listpack" : "Ziplist");
        } else if (container == RDB_QL_PLAIN) {
            ok = builder_add(b, s, len);
        } else {
            if (v2) rdb_count_sanitization(r);
            b->what = v2 ? "Listpack" : "Ziplist";
            size_t k;
            ok = load_blob(b, v2 ? blob_listpack_walk : blob_ziplist_walk, s, len, false, &k);
        }
        mem_free(s);
        if (!ok) return false;
    }
    return true;
}

bool rdb_type_is_value(int type) {
    return (type >= RDB_TYPE_STRING && type <= RDB_TYPE_ZSET_2) ||
           (type >= RDB_TYPE_HASH_ZIPMAP && type <= RDB_TYPE_STREAM_LISTPACKS_2);
}

const char *rdb_type_name(int type) {
    switch (type) {
    case RDB_TYPE_MODULE:
    case RDB_TYPE_MODULE_2: return "module";
    case RDB_TYPE_STREAM_LISTPACKS:
    case RDB_TYPE_STREAM_LISTPACKS_2: return "stream";
    default: return "unknown";
    }
}

static ValueType value_type_of(int type) {
    switch (type) {
    case RDB_TYPE_STRING: return TYPE_STRING;
    case RDB_TYPE_LIST:
    case RDB_TYPE_LIST_ZIPLIST:
    case RDB_TYPE_LIST_QUICKLIST:
    case RDB_TYPE_LIST_QUICKLIST_2: return TYPE_LIST;
    case RDB_TYPE_SET:
    case RDB_TYPE_SET_INTSET: return TYPE_SET;
    case RDB_TYPE_ZSET:
    case RDB_TYPE_ZSET_2:
    case RDB_TYPE_ZSET_ZIPLIST:
    case RDB_TYPE_ZSET_LISTPACK: return TYPE_ZSET;
    case RDB_TYPE_STREAM_LISTPACKS:
    case RDB_TYPE_STREAM_LISTPACKS_2: return TYPE_STREAM;
    default: return TYPE_HASH;
    }
}

bool rdb_read_value(RdbReader *r, int type, RdbValue *out) {
    memset(out, 0, sizeof(*out));
    if (!rdb_type_is_value(type)) {
        if (type == RDB_TYPE_MODULE || type == RDB_TYPE_MODULE_2)
            return rdb_fail(r, "RDB type %d (%s) is not supported by kilat yet", type,
                        rdb_type_name(type));
        return rdb_fail(r, "Unknown RDB encoding type %d", type);
    }
    out->type = value_type_of(type);
    if (type == RDB_TYPE_STRING) return rdb_read_string(r, &out->str, &out->len);
    if (type == RDB_TYPE_STREAM_LISTPACKS || type == RDB_TYPE_STREAM_LISTPACKS_2) {
        Stream *st;
        if (!rdb_stream_read(r, type, &st)) return false;
        out->obj = st; /* an empty stream is a value (XADD MAXLEN 0, XDEL) */
        return true;
    }

    /* Redis keeps a listpack/ziplist hash or zset a listpack whatever the
     * length of its elements (only the entry count converts it), unlike a
     * zipmap or a plain encoding: the value limits are lifted while such a
     * blob is rebuilt (single-threaded; restored below). */
    bool blob_pairs = type == RDB_TYPE_HASH_ZIPLIST || type == RDB_TYPE_HASH_LISTPACK ||
                      type == RDB_TYPE_ZSET_ZIPLIST || type == RDB_TYPE_ZSET_LISTPACK;
    int64_t hash_value_max = cfg.hash_max_listpack_value, zset_value_max = cfg.zset_max_listpack_value;
    if (blob_pairs) cfg.hash_max_listpack_value = cfg.zset_max_listpack_value = INT64_MAX;
    Builder b;
    builder_init(&b, r, out->type);
    bool ok;
    switch (type) {
    case RDB_TYPE_LIST:
    case RDB_TYPE_SET:
    case RDB_TYPE_ZSET:
    case RDB_TYPE_HASH:
    case RDB_TYPE_ZSET_2: ok = load_plain(r, type, &b); break;
    case RDB_TYPE_HASH_ZIPMAP:
        b.what = "Zipmap";
        ok = load_one_blob(r, &b, blob_zipmap_walk, true);
        break;
    case RDB_TYPE_LIST_ZIPLIST:
        b.what = "List ziplist";
        ok = load_one_blob(r, &b, blob_ziplist_walk, false);
        break;
    case RDB_TYPE_SET_INTSET:
        b.what = "Intset";
        rdb_count_sanitization(r);
        ok = load_one_blob(r, &b, blob_intset_walk, false);
        break;
    case RDB_TYPE_ZSET_ZIPLIST:
        b.what = "Zset ziplist";
        ok = load_one_blob(r, &b, blob_ziplist_walk, true);
        break;
    case RDB_TYPE_HASH_ZIPLIST:
        b.what = "Hash ziplist";
        ok = load_one_blob(r, &b, blob_ziplist_walk, true);
        break;
    case RDB_TYPE_HASH_LISTPACK:
        b.what = "Hash listpack";
        rdb_count_sanitization(r);
        ok = load_one_blob(r, &b, blob_listpack_walk, true);
        break;
    case RDB_TYPE_ZSET_LISTPACK:
        b.what = "Zset listpack";
        rdb_count_sanitization(r);
        ok = load_one_blob(r, &b, blob_listpack_walk, true);
        break;
    case RDB_TYPE_LIST_QUICKLIST: ok = load_quicklist(r, &b, false); break;
    default: ok = load_quicklist(r, &b, true); break;
    }
    if (ok && b.have_half) ok = rdb_fail(r, "Odd number of elements in a pair encoding");
    if (ok) builder_finish(&b);
    cfg.hash_max_listpack_value = hash_value_max;
    cfg.zset_max_listpack_value = zset_value_max;
    if (!ok) {
        /* a duplicate in a listpack hash: the words Redis logs for it */
        if (type == RDB_TYPE_HASH_LISTPACK && strstr(r->err, "Duplicate"))
            snprintf(r->err, sizeof(r->err), "Hash listpack integrity check failed: listpack with dup elements");
        else if (type == RDB_TYPE_HASH_ZIPLIST && strstr(r->err, "Duplicate"))
            snprintf(r->err, sizeof(r->err), "Hash ziplist integrity check failed: ziplist with dup elements");
        builder_abort(&b);
        return false;
    }
    mem_free(b.half);
    if (obj_len(out->type, b.obj) == 0) {
        obj_free(out->type, b.obj); /* empty: the caller skips the key */
        b.obj = NULL;
    }
    out->obj = b.obj;
    return true;
}

void rdb_value_install(Db *db, const char *key, size_t klen, RdbValue *v, int64_t expire_ms) {
    int64_t ttl = expire_ms > 0 ? expire_ms : DB_NO_TTL;
    if (v->type == TYPE_STRING) {
        db_set_string(db, key, klen, v->str, v->len, ttl);
        mem_free(v->str);
        v->str = NULL;
        return;
    }
    db_add_obj(db, key, klen, v->type, v->obj);
    v->obj = NULL;
    if (ttl != DB_NO_TTL) db_set_expire(db, key, klen, ttl);
}

void rdb_value_free(RdbValue *v) {
    mem_free(v->str);
    v->str = NULL;
    obj_free(v->type, v->obj);
    v->obj = NULL;
}

bool rdb_payload_verify(const void *p, size_t n, size_t *body_len, int *version) {
    const unsigned char *b = p;
    if (n < 10) return false;
    const unsigned char *footer = b + n - 10;
    int ver = footer[0] | footer[1] << 8;
    if (version) *version = ver;
    if (ver > RDB_VERSION) return false;
    if (body_len) *body_len = n - 10;
    if (skip_checksum) return true;
    uint64_t crc = crc64(0, b, n - 8), want = 0;
    for (int i = 7; i >= 0; i--) want = want << 8 | footer[2 + i];
    return crc == want;
}
