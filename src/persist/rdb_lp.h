/* persist/rdb_lp.h -- building a listpack in Redis's byte layout (the one
 * RDB and DUMP carry), from kilat's values. kilat's own listpacks
 * (ds/listpack.c) use another header and other tags, so every node, hash
 * and sorted set is re-encoded element by element as it is written.
 *
 *   total u32 LE | count u16 LE (65535: "count it") | entries | 0xFF
 *   entry = encoding [data] backlen
 *     0xxxxxxx            uint 0..127             110xxxxx +1 byte  int13
 *     10xxxxxx + str      string < 64 bytes       1110xxxx +1 byte  string < 4096
 *     0xF1/F2/F3/F4 + LE  int16/24/32/64          0xF0 + u32 LE     string
 *   backlen = size of encoding + data, 1..5 bytes, 7 bits each, most
 *   significant first; every byte but the first has the high bit set. */
#ifndef KILAT_RDB_LP_H
#define KILAT_RDB_LP_H

#include "../ds/listpack.h"
#include "rdb_enc.h"

typedef struct {
    RdbBuf out;   /* the listpack's bytes after rlp_finish */
    size_t count; /* entries added */
} RedisLp;

/* rlp_init once; rlp_begin starts a new listpack in the same buffer. */
void rlp_init(RedisLp *lp);
void rlp_free(RedisLp *lp);
void rlp_begin(RedisLp *lp);
void rlp_add_int(RedisLp *lp, int64_t v);
/* A string that is a canonical int64 is stored as an integer (as Redis). */
void rlp_add_str(RedisLp *lp, const char *s, size_t len);
void rlp_add_val(RedisLp *lp, const LpVal *v);
/* Writes the end byte and the header: out.buf[0..out.len) is complete. */
void rlp_finish(RedisLp *lp);

#endif
