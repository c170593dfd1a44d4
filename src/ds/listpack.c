/* ds/listpack.c -- a packed list of strings and integers in one allocation.
 * Invariant: header.total == bytes of the allocation, header.count == the
 * elements, the last byte is LP_END, and every element's back-length holds
 * the size of its tag + data, so walking either way needs no other state.
 *
 *   +---------+---------+-----------+-----------+-----+-----+
 *   | total   | count   | element 0 | element 1 | ... | END |
 *   | u32 LE  | u32 LE  |           |           |     | 0xFF|
 *   +---------+---------+-----------+-----------+-----+-----+
 *
 *   element = tag [extra tag bytes] [data] backlen
 *
 *   tag          meaning                                      tag + data
 *   0xxxxxxx     unsigned int 0..127 in the tag                1
 *   10llllll     string of 0..63 bytes                         1 + len
 *   1100 0000    int16 (2 bytes LE)                            3
 *   1100 0001    int24 (3 bytes LE)                            4
 *   1100 0010    int32 (4 bytes LE)                            5
 *   1100 0011    int64 (8 bytes LE)                            9
 *   1100 0100    string, u16 LE length (read, no longer written) 3 + len
 *   1100 0101    string, u32 LE length                         5 + len
 *   1101 hhhh    int -2048..2047: 12 bits, hhhh + 1 byte       2
 *   1111 0hhh    int 2048..4095: 2048 + (hhh + 1 byte)          2
 *   1100 1hhh    int -4096..-2049: -2049 - (hhh + 1 byte)       2
 *   1110 hhhh    string of < 4096 bytes: 12-bit length         2 + len
 *   1111 1111    end of the listpack (never an element)
 *
 * backlen = the size of tag + data, in 1-5 bytes written so that it reads
 * right to left: each byte holds 7 bits, least significant rightmost, and
 * the high bit says "one more byte to the left". lp_prev reads it at p - 1.
 *
 * A string that num_parse_int64 accepts (canonical int64) is always stored
 * as an integer, so a string element is never a canonical integer: an
 * integer only ever equals an integer, and a string only a string. */
#include "listpack.h"

#include <string.h>

#include "mem.h"
#include "num.h"

#define LP_HDR 8
#define LP_END 0xFF

#define T_INT16 0xC0
#define T_INT24 0xC1
#define T_INT32 0xC2
#define T_INT64 0xC3
#define T_STR16 0xC4
#define T_STR32 0xC5

/* --- little-endian fields ---------------------------------------------- */

static inline uint32_t rd32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void wr32(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static inline uint64_t rdle(const unsigned char *p, int n) {
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--) v = v << 8 | p[i];
    return v;
}

static inline void wrle(unsigned char *p, uint64_t v, int n) {
    for (int i = 0; i < n; i++, v >>= 8) p[i] = (unsigned char)v;
}

/* Sign-extends the low `bits` bits of u. */
static inline int64_t sext(uint64_t u, int bits) {
    uint64_t m = (uint64_t)1 << (bits - 1);
    u &= (m << 1) - 1;
    return (int64_t)((u ^ m) - m);
}

static inline size_t total_of(const unsigned char *lp) { return rd32(lp); }
static inline size_t count_of(const unsigned char *lp) { return rd32(lp + 4); }

static inline void set_header(unsigned char *lp, size_t total, size_t count) {
    ASSERT(total <= UINT32_MAX && count < UINT32_MAX);
    wr32(lp, (uint32_t)total);
    wr32(lp + 4, (uint32_t)count);
}

/* --- element decoding -------------------------------------------------- */

/* Redis's bounds (16383 takes 3 bytes, not 2...), so that every element
 * is exactly as long as in Redis's listpack: lists fill their nodes as
 * Redis's do. */
static inline size_t backlen_size(size_t l) {
    return l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
}

/* Decodes the element at p: a string (returns true, *s and *len) or an
 * integer (returns false, *v). *enclen gets the size of tag + data.
 * always_inline: lp_find's loop runs it per element, and GCC stopped
 * inlining it once the 13-bit integer tags made it longer (+18% in lp_find). */
static inline __attribute__((always_inline)) bool decode(const unsigned char *p,
                                                         const unsigned char **s, size_t *len,
                                                         int64_t *v, size_t *enclen) {
    unsigned t = p[0];
    if (t < 0x80) {
        *v = t;
        *enclen = 1;
        return false;
    }
    if (t < 0xC0) {
        *s = p + 1;
        *len = t & 0x3F;
        *enclen = 1 + *len;
        return true;
    }
    switch (t >> 4) {
    case 0xD:
        *v = sext((uint64_t)(t & 0x0F) << 8 | p[1], 12);
        *enclen = 2;
        return false;
    case 0xE:
        *s = p + 2;
        *len = (size_t)(t & 0x0F) << 8 | p[1];
        *enclen = 2 + *len;
        return true;
    default: break;
    }
    if ((t & 0xF8) == 0xF0 || (t & 0xF8) == 0xC8) {
        int64_t u = (int64_t)((t & 7u) << 8 | p[1]);
        *v = t >= 0xF0 ? 2048 + u : -2049 - u;
        *enclen = 2;
        return false;
    }
    switch (t) {
    case T_INT16: *v = sext(rdle(p + 1, 2), 16); *enclen = 3; return false;
    case T_INT24: *v = sext(rdle(p + 1, 3), 24); *enclen = 4; return false;
    case T_INT32: *v = sext(rdle(p + 1, 4), 32); *enclen = 5; return false;
    case T_INT64: *v = (int64_t)rdle(p + 1, 8); *enclen = 9; return false;
    case T_STR16:
        *s = p + 3;
        *len = (size_t)rdle(p + 1, 2);
        *enclen = 3 + *len;
        return true;
    case T_STR32:
        *s = p + 5;
        *len = rd32(p + 1);
        *enclen = 5 + *len;
        return true;
    default: ASSERT(!"listpack: bad element tag"); return false;
    }
}

/* Size of tag + data of the element at p (no decoding of the value). */
static inline size_t enc_len(const unsigned char *p) {
    unsigned t = p[0];
    if (t < 0x80) return 1;
    if (t < 0xC0) return 1 + (t & 0x3F);
    switch (t >> 4) {
    case 0xD: return 2;
    case 0xE: return 2 + ((size_t)(t & 0x0F) << 8 | p[1]);
    default: break;
    }
    if ((t & 0xF8) == 0xF0 || (t & 0xF8) == 0xC8) return 2;
    switch (t) {
    case T_INT16: return 3;
    case T_INT24: return 4;
    case T_INT32: return 5;
    case T_INT64: return 9;
    case T_STR16: return 3 + (size_t)rdle(p + 1, 2);
    case T_STR32: return 5 + (size_t)rd32(p + 1);
    default: ASSERT(!"listpack: bad element tag"); return 0;
    }
}

/* Whole size of the element at p, back-length included. */
static inline size_t elem_size(const unsigned char *p) {
    size_t l = enc_len(p);
    return l + backlen_size(l);
}

/* --- element encoding -------------------------------------------------- */

/* An element ready to be written: header bytes, then data, then backlen. */
typedef struct {
    unsigned char hdr[9];
    size_t hlen;
    const char *data; /* string bytes, or NULL for an integer */
    size_t dlen;
    size_t enclen; /* hlen + dlen */
    size_t size;   /* enclen + backlen */
} Enc;

static void enc_int(Enc *e, int64_t v) {
    e->data = NULL;
    e->dlen = 0;
    if (v >= 0 && v < 128) {
        e->hdr[0] = (unsigned char)v;
        e->hlen = 1;
    } else if (v >= -2048 && v < 2048) {
        e->hdr[0] = (unsigned char)(0xD0 | (((uint64_t)v >> 8) & 0x0F));
        e->hdr[1] = (unsigned char)v;
        e->hlen = 2;
    } else if (v >= -4096 && v < 4096) {
        /* the rest of Redis's 13-bit range: the same 2 bytes as Redis's
         * listpack takes, so a list's nodes fill (and split) as Redis's */
        uint64_t u = v > 0 ? (uint64_t)(v - 2048) : (uint64_t)(-2049 - v);
        e->hdr[0] = (unsigned char)((v > 0 ? 0xF0 : 0xC8) | (u >> 8));
        e->hdr[1] = (unsigned char)u;
        e->hlen = 2;
    } else if (v >= INT16_MIN && v <= INT16_MAX) {
        e->hdr[0] = T_INT16;
        wrle(e->hdr + 1, (uint64_t)v, 2);
        e->hlen = 3;
    } else if (v >= -(1 << 23) && v < (1 << 23)) {
        e->hdr[0] = T_INT24;
        wrle(e->hdr + 1, (uint64_t)v, 3);
        e->hlen = 4;
    } else if (v >= INT32_MIN && v <= INT32_MAX) {
        e->hdr[0] = T_INT32;
        wrle(e->hdr + 1, (uint64_t)v, 4);
        e->hlen = 5;
    } else {
        e->hdr[0] = T_INT64;
        wrle(e->hdr + 1, (uint64_t)v, 8);
        e->hlen = 9;
    }
    e->enclen = e->hlen;
    e->size = e->enclen + backlen_size(e->enclen);
}

static void enc_prepare(Enc *e, const char *s, size_t len) {
    int64_t v;
    if (len <= 20 && num_parse_int64(s, len, &v)) {
        enc_int(e, v);
        return;
    }
    e->data = s;
    e->dlen = len;
    if (len < 64) {
        e->hdr[0] = (unsigned char)(0x80 | len);
        e->hlen = 1;
    } else if (len < 4096) {
        e->hdr[0] = (unsigned char)(0xE0 | (len >> 8));
        e->hdr[1] = (unsigned char)len;
        e->hlen = 2;
    } else { /* 32-bit length from 4096 on, as Redis (T_STR16 is only read) */
        ASSERT(len <= UINT32_MAX - 32);
        e->hdr[0] = T_STR32;
        wrle(e->hdr + 1, len, 4);
        e->hlen = 5;
    }
    e->enclen = e->hlen + len;
    e->size = e->enclen + backlen_size(e->enclen);
}

static void enc_write(unsigned char *dst, const Enc *e) {
    memcpy(dst, e->hdr, e->hlen);
    if (e->dlen) memcpy(dst + e->hlen, e->data, e->dlen);
    unsigned char *b = dst + e->enclen;
    size_t nb = e->size - e->enclen, l = e->enclen;
    for (size_t i = nb; i-- > 0; l >>= 7) b[i] = (unsigned char)((l & 127) | (i ? 128 : 0));
}

/* --- whole listpack ---------------------------------------------------- */

unsigned char *lp_new(void) {
    unsigned char *lp = mem_alloc(LP_HDR + 1);
    set_header(lp, LP_HDR + 1, 0);
    lp[LP_HDR] = LP_END;
    return lp;
}

void lp_free(unsigned char *lp) { mem_free(lp); }

unsigned char *lp_dup(const unsigned char *lp) {
    size_t n = total_of(lp);
    unsigned char *d = mem_alloc(n);
    memcpy(d, lp, n);
    return d;
}

size_t lp_count(const unsigned char *lp) { return count_of(lp); }
size_t lp_bytes(const unsigned char *lp) { return total_of(lp); }

unsigned char *lp_concat(unsigned char *a, const unsigned char *b) {
    size_t ta = total_of(a), tb = total_of(b), ca = count_of(a), cb = count_of(b);
    size_t total = ta + tb - LP_HDR - 1;
    a = mem_realloc(a, total);
    /* elements are self-contained (tag, data, back-length): b's elements
     * and its end byte go where a's end byte was */
    memcpy(a + ta - 1, b + LP_HDR, tb - LP_HDR);
    set_header(a, total, ca + cb);
    return a;
}

size_t lp_redis_bytes(const unsigned char *lp) { return total_of(lp) - (LP_HDR - 6); }

/* Every element has the same size in both layouts (same length classes,
 * same back-lengths), so the conversion is a copy that rewrites the tags
 * that differ: strings and small integers are copied whole. */
void lp_to_redis(const unsigned char *lp, unsigned char *out) {
    size_t total = total_of(lp) - (LP_HDR - 6), count = count_of(lp);
    wr32(out, (uint32_t)total);
    out[4] = (unsigned char)(count < 65535 ? count : 65535);
    out[5] = (unsigned char)((count < 65535 ? count : 65535) >> 8);
    const unsigned char *p = lp + LP_HDR;
    unsigned char *o = out + 6;
    memcpy(o, p, total - 6); /* the elements and the end byte */
    while (*p != LP_END) {
        size_t l = enc_len(p), sz = l + backlen_size(l);
        unsigned t = p[0];
        if (t >= 0xC0 && (t >> 4) != 0xE) { /* an integer tag, or a 32-bit string */
            const unsigned char *s;
            size_t len, enclen;
            int64_t v;
            if (decode(p, &s, &len, &v, &enclen)) {
                ASSERT(t == T_STR32); /* T_STR16 is never written */
                o[0] = 0xF0;
            } else if (l == 2) { /* Redis's 13-bit integer */
                uint64_t u = (uint64_t)v & 0x1FFF;
                o[0] = (unsigned char)(0xC0 | (u >> 8));
                o[1] = (unsigned char)u;
            } else { /* int16/24/32/64: Redis's tag, same little-endian bytes */
                o[0] = (unsigned char)(0xF1 + (t - T_INT16));
            }
        }
        p += sz;
        o += sz;
    }
    ASSERT(*o == 0xFF && (size_t)(o + 1 - out) == total);
}

/* --- cursors ----------------------------------------------------------- */

unsigned char *lp_first(unsigned char *lp) {
    return lp[LP_HDR] == LP_END ? NULL : lp + LP_HDR;
}

/* The element that ends right before q (q > lp + LP_HDR). */
static inline unsigned char *before(unsigned char *q) {
    const unsigned char *b = q - 1;
    size_t l = *b & 127, nb = 1;
    unsigned shift = 7;
    while (*b & 128) {
        b--;
        l |= (size_t)(*b & 127) << shift;
        shift += 7;
        nb++;
    }
    return q - nb - l;
}

unsigned char *lp_last(unsigned char *lp) {
    unsigned char *end = lp + total_of(lp) - 1;
    return end == lp + LP_HDR ? NULL : before(end);
}

unsigned char *lp_next(unsigned char *lp, unsigned char *p) {
    UNUSED(lp);
    p += elem_size(p);
    return *p == LP_END ? NULL : p;
}

unsigned char *lp_prev(unsigned char *lp, unsigned char *p) {
    return p == lp + LP_HDR ? NULL : before(p);
}

unsigned char *lp_seek(unsigned char *lp, long index) {
    size_t n = count_of(lp), i;
    if (index < 0) {
        if ((size_t)-(index + 1) >= n) return NULL; /* -(index+1) avoids LONG_MIN overflow */
        i = n - (size_t)-(index + 1) - 1;
    } else {
        if ((size_t)index >= n) return NULL;
        i = (size_t)index;
    }
    unsigned char *p;
    if (i <= n / 2) {
        p = lp + LP_HDR;
        while (i--) p += elem_size(p);
    } else {
        p = lp + total_of(lp) - 1;
        for (size_t k = n - i; k > 0; k--) p = before(p);
    }
    return p;
}

/* --- reading ----------------------------------------------------------- */

void lp_get(const unsigned char *p, LpVal *out) {
    const unsigned char *s;
    size_t enclen;
    if (decode(p, &s, &out->len, &out->v, &enclen)) {
        out->s = (const char *)s;
        out->v = 0;
    } else {
        out->s = NULL;
        out->len = 0;
    }
}

const char *lp_get_str(const unsigned char *p, size_t *len, char *buf) {
    const unsigned char *s;
    size_t enclen;
    int64_t v;
    if (decode(p, &s, len, &v, &enclen)) return (const char *)s;
    *len = num_format_int64(buf, v);
    return buf;
}

bool lp_eq(const unsigned char *p, const char *s, size_t len) {
    const unsigned char *es;
    size_t elen, enclen;
    int64_t ev, v;
    if (decode(p, &es, &elen, &ev, &enclen)) return elen == len && memcmp(es, s, len) == 0;
    return num_parse_int64(s, len, &v) && v == ev;
}

/* --- changes ----------------------------------------------------------- */

/* The bytes to write may live in this listpack (an element copied within
 * it): a realloc or memmove would spoil them, so point e at a copy, which
 * the caller frees (NULL when none was needed). */
static char *inside_copy(const unsigned char *lp, Enc *e) {
    const unsigned char *src = (const unsigned char *)e->data;
    if (src == NULL || e->dlen == 0 || src + e->dlen <= lp || src >= lp + total_of(lp)) return NULL;
    char *copy = mem_alloc(e->dlen);
    memcpy(copy, src, e->dlen);
    e->data = copy;
    return copy;
}

/* Opens e->size bytes at offset off (an element boundary or the end
 * marker) and writes e there. */
static unsigned char *insert_at(unsigned char *lp, size_t off, const Enc *e) {
    size_t total = total_of(lp), count = count_of(lp);
    Enc e2 = *e;
    char *copy = inside_copy(lp, &e2);
    lp = mem_realloc(lp, total + e2.size);
    memmove(lp + off + e2.size, lp + off, total - off);
    enc_write(lp + off, &e2);
    mem_free(copy);
    set_header(lp, total + e2.size, count + 1);
    return lp;
}

unsigned char *lp_append(unsigned char *lp, const char *s, size_t len) {
    Enc e;
    enc_prepare(&e, s, len);
    return insert_at(lp, total_of(lp) - 1, &e);
}

unsigned char *lp_prepend(unsigned char *lp, const char *s, size_t len) {
    Enc e;
    enc_prepare(&e, s, len);
    return insert_at(lp, LP_HDR, &e);
}

unsigned char *lp_insert(unsigned char *lp, unsigned char *p, bool after, const char *s,
                         size_t len, unsigned char **newp) {
    Enc e;
    enc_prepare(&e, s, len);
    size_t off = p ? (size_t)(p - lp) + (after ? elem_size(p) : 0) : total_of(lp) - 1;
    lp = insert_at(lp, off, &e);
    if (newp) *newp = lp + off;
    return lp;
}

static unsigned char *replace_with(unsigned char *lp, unsigned char **p, const Enc *e) {
    size_t off = (size_t)(*p - lp), old = elem_size(*p);
    size_t total = total_of(lp), count = count_of(lp);
    Enc e2 = *e;
    char *copy = inside_copy(lp, &e2);
    if (e2.size != old) {
        size_t ntotal = total - old + e2.size;
        if (e2.size > old) lp = mem_realloc(lp, ntotal);
        memmove(lp + off + e2.size, lp + off + old, total - off - old);
        if (e2.size < old) lp = mem_realloc(lp, ntotal);
        set_header(lp, ntotal, count);
    }
    enc_write(lp + off, &e2);
    mem_free(copy);
    *p = lp + off;
    return lp;
}

unsigned char *lp_replace(unsigned char *lp, unsigned char **p, const char *s, size_t len) {
    Enc e;
    enc_prepare(&e, s, len);
    return replace_with(lp, p, &e);
}

unsigned char *lp_append_int(unsigned char *lp, int64_t v) {
    Enc e;
    enc_int(&e, v);
    return insert_at(lp, total_of(lp) - 1, &e);
}

unsigned char *lp_replace_int(unsigned char *lp, unsigned char **p, int64_t v) {
    Enc e;
    enc_int(&e, v);
    return replace_with(lp, p, &e);
}

unsigned char *lp_delete(unsigned char *lp, unsigned char **p, size_t n) {
    unsigned char *q = *p;
    size_t k = 0;
    while (k < n && *q != LP_END) {
        q += elem_size(q);
        k++;
    }
    size_t off = (size_t)(*p - lp), gone = (size_t)(q - *p);
    size_t total = total_of(lp), count = count_of(lp);
    if (gone) {
        memmove(lp + off, lp + off + gone, total - off - gone);
        lp = mem_realloc(lp, total - gone);
        set_header(lp, total - gone, count - k);
    }
    *p = lp[off] == LP_END ? NULL : lp + off;
    return lp;
}

unsigned char *lp_delete_range(unsigned char *lp, long index, size_t n) {
    unsigned char *p = lp_seek(lp, index);
    if (p == NULL || n == 0) return lp;
    return lp_delete(lp, &p, n);
}

/* --- search ------------------------------------------------------------ */

unsigned char *lp_find(unsigned char *lp, unsigned char *p, const char *s, size_t len,
                       unsigned skip) {
    UNUSED(lp);
    if (p == NULL) return NULL;
    int64_t want;
    bool want_int = num_parse_int64(s, len, &want);
    while (*p != LP_END) {
        const unsigned char *es;
        size_t elen, enclen;
        int64_t ev;
        if (decode(p, &es, &elen, &ev, &enclen)) {
            if (!want_int && elen == len && memcmp(es, s, len) == 0) return p;
        } else if (want_int && ev == want) {
            return p;
        }
        p += enclen + backlen_size(enclen);
        for (unsigned i = 0; i < skip && *p != LP_END; i++) p += elem_size(p);
    }
    return NULL;
}
