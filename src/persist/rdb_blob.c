/* persist/rdb_blob.c -- Redis's packed layouts, read with every offset
 * checked against the blob's end before it is used. Layouts (little-endian
 * unless said otherwise):
 *
 *   ziplist  = zlbytes(4) zltail(4) zllen(2) { prevlen enc data } 0xFF
 *              prevlen: 1 byte < 254, or 0xFE + 4 bytes
 *              enc: 00llllll | 01llllll llllllll (BE) | 0x80 + 4 bytes BE: string
 *                   0xC0 i16 | 0xD0 i32 | 0xE0 i64 | 0xF0 i24 | 0xFE i8
 *                   0xF1..0xFD: the integer 0..12 in the byte
 *   listpack = total(4) count(2) { enc data backlen } 0xFF
 *              enc: 0xxxxxxx uint7 | 10llllll str | 110xxxxx +1 int13
 *                   | 1110llll +1 str (12-bit len, BE) | 0xF0 + 4 len str
 *                   | 0xF1 i16 | 0xF2 i24 | 0xF3 i32 | 0xF4 i64
 *              backlen: size of enc+data in 7-bit groups, read backwards
 *   intset   = encoding(4: 2, 4 or 8) length(4) { int } ascending, distinct
 *   zipmap   = zmlen(1) { len field len free(1) value pad[free] } 0xFF
 *              len: 1 byte < 254, or 0xFE + 4 bytes */
#include "rdb_blob.h"

#include <string.h>

static uint32_t u32le(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t u64le(const unsigned char *p) {
    return (uint64_t)u32le(p) | (uint64_t)u32le(p + 4) << 32;
}
static int64_t sign_extend(uint64_t v, int bits) {
    uint64_t m = 1ULL << (bits - 1);
    return (int64_t)((v ^ m) - m);
}

/* ---------- ziplist ---------- */

/* Decodes the entry at p (p < end, *p != 0xFF); returns its size, or 0
 * when it does not fit before `end` or is malformed. */
static size_t zl_entry(const unsigned char *p, const unsigned char *end, size_t *prevlen,
                       BlobElem *e) {
    size_t left = (size_t)(end - p), plen, hdr, dlen = 0;
    if (p[0] < 254) {
        plen = 1;
        *prevlen = p[0];
    } else if (p[0] == 254) {
        if (left < 5) return 0;
        plen = 5;
        *prevlen = u32le(p + 1);
    } else {
        return 0;
    }
    if (left < plen + 1) return 0;
    const unsigned char *q = p + plen;
    unsigned char b = q[0];
    e->is_int = false;
    e->s = NULL;
    switch (b >> 6) {
    case 0: hdr = 1; dlen = b & 0x3f; break;
    case 1:
        if (left < plen + 2) return 0;
        hdr = 2;
        dlen = (size_t)(b & 0x3f) << 8 | q[1];
        break;
    case 2:
        if (b != 0x80 || left < plen + 5) return 0;
        hdr = 5;
        dlen = (size_t)q[1] << 24 | (size_t)q[2] << 16 | (size_t)q[3] << 8 | q[4];
        break;
    default:
        hdr = 1;
        e->is_int = true;
        if (b == 0xC0) dlen = 2;
        else if (b == 0xD0) dlen = 4;
        else if (b == 0xE0) dlen = 8;
        else if (b == 0xF0) dlen = 3;
        else if (b == 0xFE) dlen = 1;
        else if (b >= 0xF1 && b <= 0xFD) dlen = 0;
        else return 0;
        break;
    }
    if (dlen > left - plen - hdr) return 0;
    const unsigned char *d = q + hdr;
    if (e->is_int) {
        switch (b) {
        case 0xC0: e->v = (int16_t)(d[0] | d[1] << 8); break;
        case 0xD0: e->v = (int32_t)u32le(d); break;
        case 0xE0: e->v = (int64_t)u64le(d); break;
        case 0xF0: e->v = sign_extend((uint64_t)d[0] | d[1] << 8 | (uint64_t)d[2] << 16, 24); break;
        case 0xFE: e->v = (int8_t)d[0]; break;
        default: e->v = (b & 0x0f) - 1; break;
        }
    } else {
        e->s = (const char *)d;
        e->len = dlen;
    }
    return plen + hdr + dlen;
}

BlobResult blob_ziplist_walk(const unsigned char *b, size_t n, BlobFn fn, void *ctx,
                             size_t *count) {
    if (n < 11 || u32le(b) != n || b[n - 1] != 0xFF) return BLOB_CORRUPT;
    size_t tail = u32le(b + 4), zllen = (size_t)b[8] | (size_t)b[9] << 8;
    const unsigned char *p = b + 10, *end = b + n - 1;
    size_t prev = 0, k = 0, last = 10;
    while (p < end) {
        BlobElem e;
        size_t plen, sz = zl_entry(p, end, &plen, &e);
        if (sz == 0 || plen != prev) return BLOB_CORRUPT;
        last = (size_t)(p - b);
        if (fn && !fn(ctx, &e)) return BLOB_STOPPED;
        prev = sz;
        p += sz;
        k++;
    }
    if (p != end || tail != last || (zllen != 0xFFFF && zllen != k)) return BLOB_CORRUPT;
    if (count) *count = k;
    return BLOB_OK;
}

/* ---------- listpack ---------- */

/* The backlen bytes of an entry whose enc+data is l bytes, as stored
 * (first byte first); returns how many. */
static size_t lp_backlen(uint64_t l, unsigned char *buf) {
    if (l <= 127) {
        buf[0] = (unsigned char)l;
        return 1;
    }
    size_t k = l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
    for (size_t i = 0; i < k; i++) {
        unsigned char g = (unsigned char)((l >> (7 * (k - 1 - i))) & 127);
        buf[i] = i == 0 ? g : (unsigned char)(g | 128);
    }
    return k;
}

size_t blob_listpack_entry(const unsigned char *p, const unsigned char *end, BlobElem *e) {
    if (p >= end) return 0;
    size_t left = (size_t)(end - p), hdr, dlen = 0;
    unsigned char b = p[0];
    e->is_int = false;
    e->s = NULL;
    if (b < 0x80) {
        hdr = 1;
        e->is_int = true;
        e->v = b;
    } else if ((b & 0xC0) == 0x80) {
        hdr = 1;
        dlen = b & 0x3f;
    } else if ((b & 0xE0) == 0xC0) {
        if (left < 2) return 0;
        hdr = 2;
        e->is_int = true;
        e->v = sign_extend((uint64_t)(b & 0x1f) << 8 | p[1], 13);
    } else if ((b & 0xF0) == 0xE0) {
        if (left < 2) return 0;
        hdr = 2;
        dlen = (size_t)(b & 0x0f) << 8 | p[1];
    } else if (b == 0xF0) {
        if (left < 5) return 0;
        hdr = 5;
        dlen = u32le(p + 1);
    } else if (b >= 0xF1 && b <= 0xF4) {
        static const size_t sizes[] = {2, 3, 4, 8};
        hdr = 1 + sizes[b - 0xF1];
        if (left < hdr) return 0;
        const unsigned char *d = p + 1;
        e->is_int = true;
        if (b == 0xF1) e->v = (int16_t)(d[0] | d[1] << 8);
        else if (b == 0xF2) e->v = sign_extend((uint64_t)d[0] | d[1] << 8 | (uint64_t)d[2] << 16, 24);
        else if (b == 0xF3) e->v = (int32_t)u32le(d);
        else e->v = (int64_t)u64le(d);
    } else {
        return 0;
    }
    if (dlen > left - hdr) return 0;
    if (!e->is_int) {
        e->s = (const char *)p + hdr;
        e->len = dlen;
    }
    unsigned char bl[5];
    size_t blen = lp_backlen(hdr + dlen, bl);
    if (blen > left - hdr - dlen || memcmp(p + hdr + dlen, bl, blen) != 0) return 0;
    return hdr + dlen + blen;
}

BlobResult blob_listpack_walk(const unsigned char *b, size_t n, BlobFn fn, void *ctx,
                              size_t *count) {
    if (n < 7 || u32le(b) != n || b[n - 1] != 0xFF) return BLOB_CORRUPT;
    size_t num = (size_t)b[4] | (size_t)b[5] << 8, k = 0;
    const unsigned char *p = b + 6, *end = b + n - 1;
    while (p < end) {
        BlobElem e;
        size_t sz = blob_listpack_entry(p, end, &e);
        if (sz == 0) return BLOB_CORRUPT;
        if (fn && !fn(ctx, &e)) return BLOB_STOPPED;
        p += sz;
        k++;
    }
    if (p != end || (num != 65535 && num != k)) return BLOB_CORRUPT;
    if (count) *count = k;
    return BLOB_OK;
}

/* ---------- intset ---------- */

BlobResult blob_intset_walk(const unsigned char *b, size_t n, BlobFn fn, void *ctx,
                            size_t *count) {
    if (n < 8) return BLOB_CORRUPT;
    uint32_t enc = u32le(b), len = u32le(b + 4);
    if (enc != 2 && enc != 4 && enc != 8) return BLOB_CORRUPT;
    if (len == 0 || (uint64_t)enc * len + 8 != n) return BLOB_CORRUPT;
    int64_t prev = 0;
    for (uint32_t i = 0; i < len; i++) {
        const unsigned char *d = b + 8 + (size_t)i * enc;
        int64_t v = enc == 2 ? (int16_t)(d[0] | d[1] << 8)
                  : enc == 4 ? (int32_t)u32le(d) : (int64_t)u64le(d);
        if (i > 0 && v <= prev) return BLOB_CORRUPT;
        prev = v;
        BlobElem e = {.s = NULL, .len = 0, .v = v, .is_int = true};
        if (fn && !fn(ctx, &e)) return BLOB_STOPPED;
    }
    if (count) *count = len;
    return BLOB_OK;
}

/* ---------- zipmap ---------- */

/* A zipmap length at *pp (before end); false when it does not fit or uses
 * the 5-byte form for a length that fits in one byte. */
static bool zm_len(const unsigned char **pp, const unsigned char *end, size_t *len) {
    const unsigned char *p = *pp;
    if (p >= end) return false;
    if (p[0] < 254) {
        *len = p[0];
        *pp = p + 1;
        return true;
    }
    if (p[0] != 254 || end - p < 5) return false;
    *len = u32le(p + 1);
    if (*len < 254) return false;
    *pp = p + 5;
    return true;
}

BlobResult blob_zipmap_walk(const unsigned char *b, size_t n, BlobFn fn, void *ctx,
                            size_t *count) {
    if (n < 2 || b[n - 1] != 0xFF) return BLOB_CORRUPT;
    size_t zmlen = b[0], k = 0;
    const unsigned char *p = b + 1, *end = b + n - 1;
    while (p < end) {
        size_t flen, vlen;
        if (!zm_len(&p, end, &flen) || flen > (size_t)(end - p)) return BLOB_CORRUPT;
        BlobElem f = {.s = (const char *)p, .len = flen, .is_int = false};
        p += flen;
        if (!zm_len(&p, end, &vlen) || p >= end) return BLOB_CORRUPT;
        size_t fr = *p++;
        if (vlen > (size_t)(end - p) || fr > (size_t)(end - p) - vlen) return BLOB_CORRUPT;
        BlobElem v = {.s = (const char *)p, .len = vlen, .is_int = false};
        p += vlen + fr;
        if (fn && (!fn(ctx, &f) || !fn(ctx, &v))) return BLOB_STOPPED;
        k++;
    }
    if (k == 0 || (zmlen < 254 && zmlen != k)) return BLOB_CORRUPT;
    if (count) *count = k * 2;
    return BLOB_OK;
}
