/* persist/rdb_blob.h -- walkers over the packed blobs Redis stores inside
 * RDB values: ziplist, listpack, intset, zipmap. Each walker checks the
 * whole layout (header sizes and counts, every entry inside the blob, the
 * back/prev lengths, the end byte) and hands out the elements in order.
 * Internal to persist/ (rdb_dec.c and its unit test). Nothing allocates. */
#ifndef KILAT_RDB_BLOB_H
#define KILAT_RDB_BLOB_H

#include "../base.h"

/* One element: bytes (s, len) or, when is_int, the integer v (s is NULL). */
typedef struct {
    const char *s;
    size_t len;
    int64_t v;
    bool is_int;
} BlobElem;

/* Called per element; false stops the walk (BLOB_STOPPED). */
typedef bool (*BlobFn)(void *ctx, const BlobElem *e);

typedef enum { BLOB_OK, BLOB_CORRUPT, BLOB_STOPPED } BlobResult;

/* Each walks b[0..n) (fn may be NULL: validation only) and stores the
 * element count in *count (may be NULL). An intset must not be empty; a
 * zipmap's elements come as field, value, field, value... */
BlobResult blob_ziplist_walk(const unsigned char *b, size_t n, BlobFn fn, void *ctx,
                             size_t *count);
BlobResult blob_listpack_walk(const unsigned char *b, size_t n, BlobFn fn, void *ctx,
                              size_t *count);
BlobResult blob_intset_walk(const unsigned char *b, size_t n, BlobFn fn, void *ctx,
                            size_t *count);
BlobResult blob_zipmap_walk(const unsigned char *b, size_t n, BlobFn fn, void *ctx,
                            size_t *count);

/* One listpack entry at p (before end, the blob's 0xFF): its element in
 * *e and its whole size (encoding, data, back-length), or 0 when it is not
 * a valid entry that ends at or before end (unknown encoding, data past
 * end, a back-length that is not exactly the canonical one). */
size_t blob_listpack_entry(const unsigned char *p, const unsigned char *end, BlobElem *e);

#endif
