/* tests/fuzz/fuzz_rdb_value.c -- libFuzzer target for the RDB value decoder
 * and the DUMP payload check (persist/rdb_dec.h): what RESTORE runs on a
 * client's bytes, and what the file loader runs on every value of a file.
 *
 * Build and run: `make fuzz` (all targets, FUZZ_TIME seconds each) or
 *   make fuzz-build && build-fuzz/fuzz_rdb_value build-fuzz/corpus-rdb \
 *       tests/fuzz/corpus-rdb -max_len=65536 -timeout=10 -max_total_time=600
 * Seeds: tests/fuzz/corpus-rdb (tests/fuzz/make_rdb_corpus.py: DUMP
 * payloads of redis-server for every type and encoding, and every value of
 * Redis's test-suite .rdb files, old encodings included).
 *
 * Input: byte 0 = flags, the rest = the payload.
 *   bit 0    deep_sanitize (sanitize-dump-payload yes)
 *   bit 1    "raw": the rest is a whole DUMP payload, footer included, and
 *            goes through rdb_payload_verify as it is (mostly refused: a
 *            mutated payload's CRC no longer matches). Otherwise the rest
 *            is type + value, and the target appends the footer (version,
 *            CRC-64), so mutations reach the decoder.
 *   bits 2-5 the RDB version stamped in the footer: 0 = 10, 1..10 as is,
 *            11..15 = versions we do not read (the check must refuse them)
 * Checks that:
 *   - nothing crashes, reads out of bounds or leaks (ASan/LSan/UBSan);
 *   - rdb_payload_verify accepts exactly the footers we build for versions
 *     1..10 (and refuses 11..15), with body_len = what we gave it;
 *   - a refused value sets r.err and leaves nothing allocated (LSan);
 *   - rdb_read_value never succeeds with trailing bytes unread being a
 *     reason to crash later: the value is installed in a database and, when
 *     the writer is linked (KILAT_FUZZ_ROUNDTRIP, i.e. persist/rdb_enc.c
 *     exists), dumped again: that payload must verify and decode, and
 *     dumping the second value gives the same length (the same bytes for
 *     every ordered encoding: all but hash-table sets and hashes).
 * After each input the database is flushed: LeakSanitizer cannot see
 * values held by db entries (see fuzz_script.c), so nothing may stay. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/families.h"
#include "core/command.h"
#include "core/config.h"
#include "core/db.h"
#include "persist/crc64.h"
#include "persist/rdb_dec.h"
#include "persist/rdb_format.h"
#ifdef KILAT_FUZZ_ROUNDTRIP
#include "persist/rdb_enc.h"
#endif

#define MAX_INPUT (1 << 20)

static bool ready;

static void init_once(void) {
    static char prog[] = "fuzz_rdb_value";
    static char opt[] = "--logfile", devnull[] = "/dev/null"; /* quiet */
    char *argv[] = {prog, opt, devnull, NULL};
    if (!config_load(3, argv)) abort();
    db_init_all(cfg.databases);
    cmd_register_all();
    command_init();
    ready = true;
}

static void fail(const char *what) {
    fprintf(stderr, "fuzz_rdb_value: %s\n", what);
    abort();
}

/* Builds type+value | version(2, LE) | crc64(8, LE) into a new buffer. */
static unsigned char *with_footer(const uint8_t *body, size_t n, int version, size_t *out_len) {
    unsigned char *p = malloc(n + 10);
    if (!p) abort();
    memcpy(p, body, n);
    p[n] = (unsigned char)(version & 0xff);
    p[n + 1] = (unsigned char)((version >> 8) & 0xff);
    uint64_t crc = crc64(0, p, n + 2);
    for (int i = 0; i < 8; i++) p[n + 2 + i] = (unsigned char)(crc >> (8 * i));
    *out_len = n + 10;
    return p;
}

/* Decodes a verified payload's body. true with *out filled on success. */
static bool decode(const unsigned char *body, size_t n, int version, bool deep, RdbValue *out) {
    if (n < 1) return false;
    RdbReader r;
    rdb_reader_mem(&r, body + 1, n - 1, version);
    r.deep_sanitize = deep;
    memset(out, 0, sizeof(*out));
    if (!rdb_type_is_value(body[0])) return false;
    if (!rdb_read_value(&r, body[0], out)) {
        if (!r.err[0]) fail("rdb_read_value failed without a reason in r.err");
        return false;
    }
    if (rdb_reader_offset(&r) > n - 1) fail("reader offset past the input");
    return true;
}

#ifdef KILAT_FUZZ_ROUNDTRIP
/* DUMP of the value at key (db 0) into b. */
static void dump_key(Db *db, const char *key, RdbBuf *b) {
    Entry *e = db_lookup(db, key, strlen(key), true);
    if (!e) fail("installed value is not in the database");
    rdbbuf_reset(b);
    rdb_dump_payload(b, e);
}

static void roundtrip(Db *db, bool deep) {
    RdbBuf a, b;
    rdbbuf_init(&a, true);
    rdbbuf_init(&b, true);
    dump_key(db, "k", &a);
    size_t body_len;
    int version;
    if (!rdb_payload_verify(a.buf, a.len, &body_len, &version))
        fail("our own DUMP payload does not verify");
    if (version != RDB_VERSION) fail("our own DUMP payload has another version");
    RdbValue v;
    if (!decode(a.buf, body_len, version, deep, &v)) fail("our own DUMP payload does not decode");
    if (v.type == TYPE_STRING || v.obj) {
        rdb_value_install(db, "k2", 2, &v, DB_NO_TTL);
        dump_key(db, "k2", &b);
        if (a.len != b.len) fail("dump(decode(dump(v))) differs in length from dump(v)");
        uint8_t t = a.buf[0];
        if (t != RDB_TYPE_SET && t != RDB_TYPE_HASH && memcmp(a.buf, b.buf, a.len) != 0)
            fail("dump(decode(dump(v))) differs from dump(v)");
    } else {
        fail("our own DUMP payload decodes to an empty collection");
    }
    rdbbuf_free(&a);
    rdbbuf_free(&b);
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!ready) init_once();
    if (size < 1 || size > MAX_INPUT) return 0;
    uint8_t flags = data[0];
    bool deep = flags & 1;
    bool raw = flags & 2;
    int stamp = (flags >> 2) & 15;
    if (stamp == 0) stamp = RDB_VERSION;

    unsigned char *payload;
    size_t plen;
    if (raw) {
        payload = malloc(size - 1 ? size - 1 : 1);
        if (!payload) abort();
        memcpy(payload, data + 1, size - 1);
        plen = size - 1;
    } else {
        payload = with_footer(data + 1, size - 1, stamp, &plen);
    }

    size_t body_len = 0;
    int version = 0;
    bool ok = rdb_payload_verify(payload, plen, &body_len, &version);
    if (!raw) {
        bool readable = stamp >= RDB_VERSION_MIN && stamp <= RDB_VERSION;
        if (ok != readable) fail(ok ? "payload of an unreadable version accepted"
                                    : "well-formed payload refused");
    }
    if (ok) {
        if (body_len > plen || body_len + 10 != plen) fail("body_len does not match the footer");
        if (!raw && version != stamp) fail("version is not the stamped one");
        RdbValue v;
        if (decode(payload, body_len, version, deep, &v)) {
            if (v.type == TYPE_STRING || v.obj) {
                Db *db = db_get(0);
                rdb_value_install(db, "k", 1, &v, DB_NO_TTL);
#ifdef KILAT_FUZZ_ROUNDTRIP
                roundtrip(db, deep);
#endif
                db_flush(db, false);
            } else {
                rdb_value_free(&v); /* an empty collection: the key is skipped */
            }
        }
    }
    free(payload);
    return 0;
}
