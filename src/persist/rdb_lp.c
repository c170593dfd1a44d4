/* persist/rdb_lp.c -- listpacks in Redis's layout (see rdb_lp.h). The
 * encoding chosen for a value is always the smallest that holds it, so the
 * same elements give the same bytes as Redis's lpAppend. */
#include "rdb_lp.h"

#include <string.h>

#include "../ds/num.h"

#define HDR 6
#define COUNT_UNKNOWN 65535

void rlp_init(RedisLp *lp) {
    rdbbuf_init(&lp->out, false);
    lp->count = 0;
}

void rlp_free(RedisLp *lp) { rdbbuf_free(&lp->out); }

void rlp_begin(RedisLp *lp) {
    static const unsigned char hdr[HDR];
    rdbbuf_reset(&lp->out);
    rdb_write_raw(&lp->out, hdr, HDR);
    lp->count = 0;
}

/* The back-length of an entry whose encoding + data take n bytes. The
 * bounds (< 16383, not <= 16383, ...) are Redis's: a 2-byte backlen never
 * holds 16383. */
static void put_backlen(RdbBuf *b, uint64_t n) {
    unsigned char buf[5];
    int k;
    if (n <= 127) k = 1;
    else if (n < 16383) k = 2;
    else if (n < 2097151) k = 3;
    else if (n < 268435455) k = 4;
    else k = 5;
    for (int i = k - 1; i >= 0; i--, n >>= 7) buf[i] = (unsigned char)((n & 127) | (i ? 128 : 0));
    /* the first (leftmost) byte carries the top bits without the flag */
    rdb_write_raw(b, buf, (size_t)k);
}

static inline void put_le(unsigned char *p, uint64_t v, int n) {
    for (int i = 0; i < n; i++, v >>= 8) p[i] = (unsigned char)v;
}

void rlp_add_int(RedisLp *lp, int64_t v) {
    unsigned char e[9];
    size_t n;
    if (v >= 0 && v <= 127) {
        e[0] = (unsigned char)v;
        n = 1;
    } else if (v >= -4096 && v <= 4095) {
        uint64_t u = (uint64_t)v & 0x1fff;
        e[0] = (unsigned char)(0xC0 | (u >> 8));
        e[1] = (unsigned char)u;
        n = 2;
    } else if (v >= -32768 && v <= 32767) {
        e[0] = 0xF1;
        put_le(e + 1, (uint64_t)v, 2);
        n = 3;
    } else if (v >= -8388608 && v <= 8388607) {
        e[0] = 0xF2;
        put_le(e + 1, (uint64_t)v, 3);
        n = 4;
    } else if (v >= INT32_MIN && v <= INT32_MAX) {
        e[0] = 0xF3;
        put_le(e + 1, (uint64_t)v, 4);
        n = 5;
    } else {
        e[0] = 0xF4;
        put_le(e + 1, (uint64_t)v, 8);
        n = 9;
    }
    rdb_write_raw(&lp->out, e, n);
    put_backlen(&lp->out, n);
    lp->count++;
}

void rlp_add_str(RedisLp *lp, const char *s, size_t len) {
    int64_t v;
    if (len <= 20 && num_parse_int64(s, len, &v)) {
        rlp_add_int(lp, v);
        return;
    }
    unsigned char e[5];
    size_t h;
    if (len < 64) {
        e[0] = (unsigned char)(0x80 | len);
        h = 1;
    } else if (len < 4096) {
        e[0] = (unsigned char)(0xE0 | (len >> 8));
        e[1] = (unsigned char)len;
        h = 2;
    } else {
        ASSERT(len <= UINT32_MAX);
        e[0] = 0xF0;
        put_le(e + 1, len, 4);
        h = 5;
    }
    rdb_write_raw(&lp->out, e, h);
    rdb_write_raw(&lp->out, s, len);
    put_backlen(&lp->out, h + len);
    lp->count++;
}

void rlp_add_val(RedisLp *lp, const LpVal *v) {
    if (v->s) rlp_add_str(lp, v->s, v->len);
    else rlp_add_int(lp, v->v);
}

void rlp_finish(RedisLp *lp) {
    rdb_write_byte(&lp->out, 0xFF);
    ASSERT(lp->out.len <= UINT32_MAX);
    unsigned char *h = lp->out.buf;
    put_le(h, lp->out.len, 4);
    put_le(h + 4, lp->count < COUNT_UNKNOWN ? lp->count : COUNT_UNKNOWN, 2);
}
