/* persist/rdb_format.h -- the numbers of Redis's RDB format (version 10, as
 * Redis 7.0 writes it; versions 1..10 are read). Shared by the value codec
 * (rdb_enc/rdb_dec), the file saver/loader and DUMP/RESTORE.
 *
 *   file    = "REDIS" 4-digit-version { aux | function | db-section } 0xFF crc64(8, LE)
 *   aux     = 0xFA string string
 *   db      = 0xFE len(db) [0xFB len(size) len(expires)] { key }
 *   key     = [0xFC ms(8, LE)] [0xF8 len(idle s) | 0xF9 byte(freq)] type string(key) value
 *   payload = type value version(2, LE) crc64(8, LE)     (DUMP)
 *
 * len: 00xxxxxx | 01xxxxxx xxxxxxxx | 0x80 u32 BE | 0x81 u64 BE
 *      | 11xxxxxx: a special string encoding (below) instead of a length. */
#ifndef KILAT_RDB_FORMAT_H
#define KILAT_RDB_FORMAT_H

#define RDB_VERSION 10          /* what we write */
#define RDB_VERSION_MIN 1       /* oldest we read */

/* value types */
enum {
    RDB_TYPE_STRING = 0,
    RDB_TYPE_LIST = 1,              /* <= 3.2: plain list of strings */
    RDB_TYPE_SET = 2,
    RDB_TYPE_ZSET = 3,              /* scores as text (old) */
    RDB_TYPE_HASH = 4,
    RDB_TYPE_ZSET_2 = 5,            /* scores as binary doubles */
    RDB_TYPE_MODULE = 6,
    RDB_TYPE_MODULE_2 = 7,
    RDB_TYPE_HASH_ZIPMAP = 9,
    RDB_TYPE_LIST_ZIPLIST = 10,
    RDB_TYPE_SET_INTSET = 11,
    RDB_TYPE_ZSET_ZIPLIST = 12,
    RDB_TYPE_HASH_ZIPLIST = 13,
    RDB_TYPE_LIST_QUICKLIST = 14,   /* nodes are ziplists */
    RDB_TYPE_STREAM_LISTPACKS = 15,
    RDB_TYPE_HASH_LISTPACK = 16,
    RDB_TYPE_ZSET_LISTPACK = 17,
    RDB_TYPE_LIST_QUICKLIST_2 = 18, /* nodes: container + listpack or plain */
    RDB_TYPE_STREAM_LISTPACKS_2 = 19,
};

/* opcodes (bytes where a type would be) */
enum {
    RDB_OPCODE_FUNCTION2 = 245,
    RDB_OPCODE_FUNCTION_PRE_GA = 246,
    RDB_OPCODE_MODULE_AUX = 247,
    RDB_OPCODE_IDLE = 248,
    RDB_OPCODE_FREQ = 249,
    RDB_OPCODE_AUX = 250,
    RDB_OPCODE_RESIZEDB = 251,
    RDB_OPCODE_EXPIRETIME_MS = 252,
    RDB_OPCODE_EXPIRETIME = 253,    /* seconds, 4 bytes (old files) */
    RDB_OPCODE_SELECTDB = 254,
    RDB_OPCODE_EOF = 255,
};

/* length encoding */
#define RDB_6BITLEN 0
#define RDB_14BITLEN 1
#define RDB_32BITLEN 0x80
#define RDB_64BITLEN 0x81
#define RDB_ENCVAL 3
/* special string encodings (low 6 bits after 11) */
#define RDB_ENC_INT8 0
#define RDB_ENC_INT16 1
#define RDB_ENC_INT32 2
#define RDB_ENC_LZF 3

/* quicklist 2 node containers */
#define RDB_QL_PLAIN 1
#define RDB_QL_PACKED 2

#endif
