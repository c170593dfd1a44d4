/* persist/rdb_enc.h -- writing RDB: a growable byte buffer and the value
 * encodings Redis 7.0 writes, byte for byte (so DUMP payloads and files
 * equal redis-server's for the same data).
 *
 * Values are written from kilat's own encodings: listpacks, intsets and
 * quicklist nodes are re-encoded into Redis's layouts as they are written
 * (kilat's in-memory bytes are not Redis's). */
#ifndef KILAT_RDB_ENC_H
#define KILAT_RDB_ENC_H

#include "../base.h"
#include "../core/db.h"

typedef struct {
    unsigned char *buf; /* mem_alloc'd; owned by the buffer */
    size_t len, cap;
    bool compress;      /* rdbcompression: LZF strings longer than 20 bytes */
} RdbBuf;

void rdbbuf_init(RdbBuf *b, bool compress);
void rdbbuf_free(RdbBuf *b);
void rdbbuf_reset(RdbBuf *b);       /* len = 0, keeps the allocation */

void rdb_write_raw(RdbBuf *b, const void *p, size_t n);
void rdb_write_byte(RdbBuf *b, uint8_t v);
void rdb_write_len(RdbBuf *b, uint64_t len);
/* 8 bytes little-endian (expire times, the trailing checksum). */
void rdb_write_u64le(RdbBuf *b, uint64_t v);
/* A string as Redis writes it: int8/16/32 encoding when it is a canonical
 * integer that fits, LZF when b->compress and it saves space, else raw. */
void rdb_write_string(RdbBuf *b, const char *s, size_t len);
/* A string from an integer value (int-encoded strings). */
void rdb_write_int_string(RdbBuf *b, int64_t v);
/* IEEE double, 8 bytes little-endian (ZSET_2 scores). */
void rdb_write_binary_double(RdbBuf *b, double d);

/* The RDB type byte kilat writes for the entry's value (RDB_TYPE_*). */
uint8_t rdb_object_type(const Entry *e);
/* Writes the type byte and then the value, as Redis 7.0 does for the same
 * data in the same encoding. */
void rdb_write_object(RdbBuf *b, const Entry *e);
/* The value alone (a file record puts the key between type and value). */
void rdb_write_value(RdbBuf *b, const Entry *e);

/* A DUMP payload of e: type, value, RDB version (2 bytes LE), CRC-64 of
 * all that (8 bytes LE). Appended to b. */
void rdb_dump_payload(RdbBuf *b, const Entry *e);

#endif
