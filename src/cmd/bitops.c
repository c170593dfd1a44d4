/* cmd/bitops.c -- bitmap commands on string values: SETBIT, GETBIT,
 * BITCOUNT, BITPOS, BITOP. Bit 0 is the top bit of the first byte; bits
 * past the end read as 0, and a write past the end grows the string with
 * zero bytes. Replies, errors and the order of checks are Redis 7.0's;
 * the counting and searching run a word at a time (ds/bits.h). */
#include "bitops.h"

#include <string.h>

#include "../core/args.h"
#include "../core/command.h"
#include "../core/config.h"
#include "../core/db.h"
#include "../core/notify.h"
#include "../core/reply.h"
#include "../ds/bits.h"
#include "../ds/mem.h"
#include "../ds/num.h"

static inline bool no_touch(const Client *c) { return c->flags & CLIENT_NO_TOUCH; }

/* lookupKeyRead: counts the hit or miss. */
static Entry *lookup_read(Client *c, int i) {
    Entry *e = db_lookup(c->db, c->argv[i], c->argl[i], no_touch(c));
    db_note_read(c->db, c->argv[i], c->argl[i], e != NULL);
    return e;
}

/* The string at argv[1] for reading (lookupKeyRead): NULL with *missing
 * for an absent key, NULL after WRONGTYPE, else its bytes (an int value's
 * text, in buf of 24 bytes). */
static const uint8_t *read_bits(Client *c, size_t *len, char *buf, bool *missing) {
    Entry *e = lookup_read(c, 1);
    *missing = e == NULL;
    if (!e) return NULL;
    if (entry_type(e) != TYPE_STRING) {
        reply_wrongtype(c);
        return NULL;
    }
    return (const uint8_t *)entry_str(e, len, buf);
}

bool bitops_offset_or_reply(Client *c, int i, int field_bits, uint64_t *off) {
    const char *s = c->argv[i];
    size_t len = c->argl[i];
    bool hash = field_bits > 0 && len > 0 && s[0] == '#';
    int64_t v;
    if (!num_parse_int64(s + hash, len - hash, &v)) goto bad;
    /* Redis multiplies in signed 64 bits, wrapping in practice: the same */
    if (hash) v = (int64_t)((uint64_t)v * (uint64_t)field_bits);
    if (v < 0 || (!command_loading && (v >> 3) >= cfg.proto_max_bulk_len)) goto bad;
    *off = (uint64_t)v;
    return true;
bad:
    reply_error(c, "ERR bit offset is not an integer or out of range");
    return false;
}

/* ---------- SETBIT / GETBIT ---------- */

/* SETBIT key offset 0|1 -- reply: the bit's old value. Only a change
 * (the bit flipped, or the string was created or grown) is a write:
 * "setbit" event, dirty, propagation. */
static void cmd_setbit(Client *c) {
    uint64_t off;
    int64_t on;
    if (!bitops_offset_or_reply(c, 2, 0, &off)) return;
    if (!arg_int64_msg_or_reply(c, 3, &on, "ERR bit is not an integer or out of range")) return;
    if (on & ~1) {
        reply_error(c, "ERR bit is not an integer or out of range");
        return;
    }
    Entry *e = db_lookup(c->db, c->argv[1], c->argl[1], no_touch(c));
    if (e && entry_type(e) != TYPE_STRING) {
        reply_wrongtype(c);
        return;
    }
    size_t len;
    bool grew;
    uint8_t *s = (uint8_t *)db_string_mutable(c->db, c->argv[1], c->argl[1], (size_t)(off >> 3) + 1,
                                              &len, &grew);
    uint8_t *byte = s + (off >> 3), mask = (uint8_t)(0x80u >> (off & 7));
    int old = (*byte & mask) != 0;
    if (grew || old != on) {
        *byte = on ? (uint8_t)(*byte | mask) : (uint8_t)(*byte & ~mask);
        db_add_dirty(1);
        notify_write(NOTIFY_STRING, "setbit", c->db_index, c->argv[1], c->argl[1]);
    }
    reply_int(c, old);
}

/* GETBIT key offset -- 0 past the end or for a missing key. */
static void cmd_getbit(Client *c) {
    uint64_t off;
    if (!bitops_offset_or_reply(c, 2, 0, &off)) return;
    char buf[24];
    size_t len = 0;
    bool missing;
    const uint8_t *s = read_bits(c, &len, buf, &missing);
    if (!s && !missing) return;
    int bit = s && (off >> 3) < len && (s[off >> 3] & (0x80u >> (off & 7)));
    reply_int(c, bit);
}

/* ---------- ranges (BITCOUNT, BITPOS) ---------- */

/* [BYTE|BIT] at argv[i]: false after "ERR syntax error". */
static bool unit_or_reply(Client *c, int i, bool *isbit) {
    if (arg_opt_is(c, i, "bit")) *isbit = true;
    else if (arg_opt_is(c, i, "byte")) *isbit = false;
    else {
        reply_syntax_error(c);
        return false;
    }
    return true;
}

/* Turns start/end (inclusive, negative from the end) into an inclusive
 * range of bits within a string of `bytes` bytes, clamped as Redis does
 * (a negative end clamps to 0). false: the range is empty. */
static bool clamp_range(int64_t bytes, bool isbit, int64_t *start, int64_t *end) {
    int64_t total = isbit ? bytes * 8 : bytes;
    int64_t s = *start, e = *end;
    if (s < 0) s += total;
    if (e < 0) e += total;
    if (s < 0) s = 0;
    if (e < 0) e = 0;
    if (e >= total) e = total - 1;
    if (s > e) return false;
    if (!isbit) {
        s *= 8;
        e = e * 8 + 7;
    }
    *start = s;
    *end = e;
    return true;
}

static inline unsigned popcount8(unsigned b) {
    b = b - ((b >> 1) & 0x55);
    b = (b & 0x33) + ((b >> 2) & 0x33);
    return (b + (b >> 4)) & 0x0f;
}

/* Set bits among bits [start, end] of s. */
static uint64_t count_range(const uint8_t *s, uint64_t start, uint64_t end) {
    uint64_t sb = start >> 3, eb = end >> 3;
    uint64_t n = bits_count(s + sb, (size_t)(eb - sb + 1));
    n -= popcount8((unsigned)s[sb] >> (8 - (start & 7)));           /* before start */
    n -= popcount8(s[eb] & ((1u << (7 - (end & 7))) - 1));          /* after end */
    return n;
}

/* BITCOUNT key [start end [BYTE|BIT]]. The key is read first (a missing
 * key is 0 whatever the arguments); two negative indexes in the wrong
 * order are 0 before the unit word is looked at, as in Redis. */
static void cmd_bitcount(Client *c) {
    char buf[24];
    size_t len;
    bool missing;
    const uint8_t *s = read_bits(c, &len, buf, &missing);
    if (!s) {
        if (missing) reply_int(c, 0);
        return;
    }
    int64_t start = 0, end = (int64_t)len - 1;
    bool isbit = false;
    if (c->argc == 4 || c->argc == 5) {
        if (!arg_int64_or_reply(c, 2, &start) || !arg_int64_or_reply(c, 3, &end)) return;
        if (start < 0 && end < 0 && start > end) {
            reply_int(c, 0);
            return;
        }
        if (c->argc == 5 && !unit_or_reply(c, 4, &isbit)) return;
    } else if (c->argc != 2) {
        reply_syntax_error(c);
        return;
    }
    if (!clamp_range((int64_t)len, isbit, &start, &end)) {
        reply_int(c, 0);
        return;
    }
    reply_int(c, (int64_t)count_range(s, (uint64_t)start, (uint64_t)end));
}

/* The first bit equal to `bit` among bits [start, end] of s, or -1. */
static int64_t find_range(const uint8_t *s, uint64_t start, uint64_t end, int bit) {
    uint64_t sb = start >> 3, eb = end >> 3;
    unsigned first = 0xffu >> (start & 7), last = (0xff00u >> ((end & 7) + 1)) & 0xff;
    unsigned b = bit ? s[sb] : (uint8_t)~s[sb];
    if (sb == eb) {
        b &= first & last;
        return b ? (int64_t)(sb * 8) + __builtin_clz(b) - 24 : -1;
    }
    if (b & first) return (int64_t)(sb * 8) + __builtin_clz(b & first) - 24;
    if (eb > sb + 1) {
        size_t n = (size_t)(eb - sb - 1);
        int64_t at = bits_find(s + sb + 1, n, bit);
        if (at >= 0 && at < (int64_t)n * 8) return (int64_t)(sb + 1) * 8 + at;
    }
    b = (bit ? s[eb] : (uint8_t)~s[eb]) & last;
    return b ? (int64_t)(eb * 8) + __builtin_clz(b) - 24 : -1;
}

/* BITPOS key bit [start [end [BYTE|BIT]]]. A missing key is all zeros:
 * 0 for a clear bit, -1 for a set one. Looking for a clear bit with no
 * end given, the zeros past the string count: the answer is then the
 * first bit after it. */
static void cmd_bitpos(Client *c) {
    int64_t bit;
    if (!arg_int64_or_reply(c, 2, &bit)) return;
    if (bit != 0 && bit != 1) {
        reply_error(c, "ERR The bit argument must be 1 or 0.");
        return;
    }
    char buf[24];
    size_t len;
    bool missing;
    const uint8_t *s = read_bits(c, &len, buf, &missing);
    if (!s) {
        if (missing) reply_int(c, bit ? -1 : 0);
        return;
    }
    int64_t start = 0, end = (int64_t)len - 1;
    bool isbit = false, end_given = false;
    if (c->argc >= 4 && c->argc <= 6) {
        if (!arg_int64_or_reply(c, 3, &start)) return;
        if (c->argc == 6 && !unit_or_reply(c, 5, &isbit)) return;
        if (c->argc >= 5) {
            if (!arg_int64_or_reply(c, 4, &end)) return;
            end_given = true;
        } else {
            end = (int64_t)len - 1;
        }
    } else if (c->argc != 3) {
        reply_syntax_error(c);
        return;
    }
    if (!clamp_range((int64_t)len, isbit, &start, &end)) {
        reply_int(c, -1);
        return;
    }
    int64_t at = find_range(s, (uint64_t)start, (uint64_t)end, (int)bit);
    if (at < 0 && bit == 0 && !end_given) at = end + 1;
    reply_int(c, at);
}

/* ---------- BITOP ---------- */

/* BITOP AND|OR|XOR|NOT destkey key [key ...] -- reply: the result's
 * length, that of the longest source (missing keys are empty strings,
 * shorter ones zero-padded). An empty result deletes destkey. */
static void cmd_bitop(Client *c) {
    BitsOp op;
    if (arg_opt_is(c, 1, "and")) op = BITS_AND;
    else if (arg_opt_is(c, 1, "or")) op = BITS_OR;
    else if (arg_opt_is(c, 1, "xor")) op = BITS_XOR;
    else if (arg_opt_is(c, 1, "not")) op = BITS_NOT;
    else {
        reply_syntax_error(c);
        return;
    }
    if (op == BITS_NOT && c->argc != 4) {
        reply_error(c, "ERR BITOP NOT must be called with a single source key.");
        return;
    }
    int n = c->argc - 3;
    /* the lookups that count and may expire keys, then the pointers */
    for (int i = 0; i < n; i++) {
        Entry *e = lookup_read(c, 3 + i);
        if (e && entry_type(e) != TYPE_STRING) {
            reply_wrongtype(c);
            return;
        }
    }
    const uint8_t **src = mem_alloc(sizeof(*src) * (size_t)n);
    size_t *lens = mem_alloc(sizeof(*lens) * (size_t)n);
    char *ints = mem_alloc(24 * (size_t)n); /* int-encoded values' text */
    size_t maxlen = 0;
    bool alias = false; /* destkey is also a source */
    for (int i = 0; i < n; i++) {
        Entry *e = db_lookup(c->db, c->argv[3 + i], c->argl[3 + i], true);
        src[i] = e ? (const uint8_t *)entry_str(e, &lens[i], ints + 24 * i) : (const uint8_t *)"";
        if (!e) lens[i] = 0;
        if (lens[i] > maxlen) maxlen = lens[i];
        if (c->argl[3 + i] == c->argl[2] && !memcmp(c->argv[3 + i], c->argv[2], c->argl[2]))
            alias = true;
    }
    const char *dest = c->argv[2];
    size_t dlen = c->argl[2];
    if (maxlen) {
        if (alias) { /* replacing destkey frees a source: compute aside */
            uint8_t *tmp = mem_alloc(maxlen);
            bits_op(op, tmp, maxlen, src, lens, (size_t)n);
            memcpy(db_string_new(c->db, dest, dlen, maxlen), tmp, maxlen);
            mem_free(tmp);
        } else {
            uint8_t *out = (uint8_t *)db_string_new(c->db, dest, dlen, maxlen);
            bits_op(op, out, maxlen, src, lens, (size_t)n);
        }
        notify_write(NOTIFY_STRING, "set", c->db_index, dest, dlen);
    } else if (db_delete(c->db, dest, dlen)) {
        notify_write(NOTIFY_GENERIC, "del", c->db_index, dest, dlen);
    }
    mem_free(src);
    mem_free(lens);
    mem_free(ints);
    reply_int(c, (int64_t)maxlen);
}

/* ---------- table ---------- */

#define BM "bitmap"

/* clang-format off */
Command bitops_commands[] = {
    {"setbit", cmd_setbit, 4, CMD_WRITE | CMD_DENYOOM, 1, 1, 1, BM, "Sets or clears the bit at offset in the string value stored at key", "2.2.0", "O(1)", "@write @bitmap @slow", NULL},
    {"getbit", cmd_getbit, 3, CMD_READONLY | CMD_FAST, 1, 1, 1, BM, "Returns the bit value at offset in the string value stored at key", "2.2.0", "O(1)", "@read @bitmap @fast", NULL},
    {"bitcount", cmd_bitcount, -2, CMD_READONLY, 1, 1, 1, BM, "Count set bits in a string", "2.6.0", "O(N)", "@read @bitmap @slow", NULL},
    {"bitpos", cmd_bitpos, -3, CMD_READONLY, 1, 1, 1, BM, "Find first bit set or clear in a string", "2.8.7", "O(N)", "@read @bitmap @slow", NULL},
    {"bitop", cmd_bitop, -4, CMD_WRITE | CMD_DENYOOM, 2, -1, 1, BM, "Perform bitwise operations between strings", "2.6.0", "O(N)", "@write @bitmap @slow", NULL},
    {0},
};
/* clang-format on */
