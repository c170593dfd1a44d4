/* persist/rdb_dec.h -- reading RDB: a bounds-checked reader over bytes in
 * memory (DUMP payloads) or a file (refill callback), and the value decoder
 * for every type and encoding Redis 7.0 loads (RDB versions 1..10): old
 * encodings (zipmap, ziplist, quicklist of ziplists, plain lists) are
 * converted to kilat's own, as Redis converts them.
 *
 * Bad input never crashes: every length is checked against what is left
 * and against sane limits, and a failure leaves r->err set ("Bad data
 * format"-class detail for the log), with nothing allocated left behind. */
#ifndef KILAT_RDB_DEC_H
#define KILAT_RDB_DEC_H

#include "../base.h"
#include "../core/db.h"

typedef struct RdbReader {
    const unsigned char *p, *end; /* bytes available now */
    /* Makes at least `need` bytes available at p (moving or growing its
     * buffer; p/end are updated). false at end of input or on a read
     * error. NULL for a reader over memory: then p..end is all there is. */
    bool (*refill)(struct RdbReader *r, size_t need);
    void *ctx;
    uint64_t consumed_before;     /* bytes before p (file offset of p) */
    int version;                  /* RDB version of the input */
    bool deep_sanitize;           /* sanitize-dump-payload yes */
    /* Where Redis would check deeply (sanitize-dump-payload yes, or
     * clients for a RESTORE by a user without skip-sanitize-payload):
     * each encoded blob it would check counts in INFO's
     * dump_payload_sanitizations. kilat checks every blob in full anyway. */
    bool counts_sanitizations;
    char err[160];                /* why reading stopped */
} RdbReader;

/* A reader over p[0..n) (no refill). */
void rdb_reader_mem(RdbReader *r, const void *p, size_t n, int version);
/* Offset of the next byte to read (for error messages). */
uint64_t rdb_reader_offset(const RdbReader *r);

/* An encoded blob (listpack, intset, stream node) was checked: counts it
 * in INFO's dump_payload_sanitizations when r->counts_sanitizations. */
void rdb_count_sanitization(const RdbReader *r);

/* Sets r->err (the first error wins) and returns false. */
bool rdb_fail(RdbReader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

bool rdb_read_byte(RdbReader *r, uint8_t *v);
bool rdb_read_raw(RdbReader *r, void *dst, size_t n);
bool rdb_read_u64le(RdbReader *r, uint64_t *v);
bool rdb_read_u32le(RdbReader *r, uint32_t *v);
/* A length; *encoded (may be NULL) is set when it is a special string
 * encoding (RDB_ENC_*) rather than a length. */
bool rdb_read_len(RdbReader *r, uint64_t *len, bool *encoded);
/* A string in any encoding, into a mem_alloc'd buffer (*s, *len; NUL
 * terminated for convenience). */
bool rdb_read_string(RdbReader *r, char **s, size_t *len);
bool rdb_read_binary_double(RdbReader *r, double *d);

/* A decoded value, ready to be put in a database. */
typedef struct {
    ValueType type;
    void *obj;         /* collections: the type's object (db takes it) */
    char *str;         /* strings: mem_alloc'd bytes */
    size_t len;
} RdbValue;

/* True for the value types this build can load (the rest stop a load
 * with an error naming the type). */
bool rdb_type_is_value(int type);
/* Decodes the value of RDB type `type` (the type byte already read).
 * false with r->err set on bad or unsupported data. An empty collection
 * is valid input (old Redis wrote some): *out then has obj == NULL and the
 * caller skips the key, as Redis does. */
bool rdb_read_value(RdbReader *r, int type, RdbValue *out);
/* Puts v under key in db with the given expire (unix ms, or DB_NO_TTL),
 * replacing what is there; v's memory now belongs to the db. */
void rdb_value_install(Db *db, const char *key, size_t klen, RdbValue *v, int64_t expire_ms);
void rdb_value_free(RdbValue *v);

/* Checks a DUMP payload's footer: the version is one we read and the
 * CRC-64 matches (as Redis's verifyDumpPayload: a zero CRC is not special
 * in a payload; only files have "checksum disabled"). The CRC is not
 * checked while rdb_skip_checksum(). On success *body_len is the length of
 * type + value. */
bool rdb_payload_verify(const void *p, size_t n, size_t *body_len, int *version);

/* DEBUG SET-SKIP-CHECKSUM-VALIDATION: payloads and files are accepted
 * without checking their CRC-64 (process-wide, off by default). */
void rdb_set_skip_checksum(bool on);
bool rdb_skip_checksum(void);
/* "stream", "module" or "unknown", for messages about a type byte. */
const char *rdb_type_name(int type);

#endif
