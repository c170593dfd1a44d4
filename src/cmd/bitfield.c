/* cmd/bitfield.c -- BITFIELD and BITFIELD_RO: signed (i1..i64) and
 * unsigned (u1..u63) integers at any bit offset of a string, read, set
 * and incremented in one command, with WRAP, SAT or FAIL on overflow.
 * All operations are parsed (and every error found) before any runs; a
 * write grows the string once, to the farthest bit any SET/INCRBY
 * reaches. Replies and errors are Redis 7.0's. */
#include <string.h>

#include "../core/args.h"
#include "../core/command.h"
#include "../core/db.h"
#include "../core/notify.h"
#include "../core/reply.h"
#include "../ds/bits.h"
#include "../ds/mem.h"
#include "../ds/num.h"
#include "bitops.h"

enum { OP_GET, OP_SET, OP_INCRBY };
enum { OV_WRAP, OV_SAT, OV_FAIL };

typedef struct {
    uint64_t off;
    int64_t arg; /* SET's value, INCRBY's increment */
    uint8_t op, overflow, width;
    bool sign;
} FieldOp;

/* A type word: "i" or "u" and a width, i1..i64, u1..u63 (Redis parses
 * the text up to its first NUL). */
static bool type_or_reply(Client *c, int i, bool *sign, int *width) {
    const char *s = c->argv[i];
    size_t len = strnlen(s, c->argl[i]);
    int64_t w;
    if (len < 2 || (s[0] != 'i' && s[0] != 'u') || !num_parse_int64(s + 1, len - 1, &w) || w < 1 ||
        w > (s[0] == 'i' ? 64 : 63)) {
        reply_error(c, "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is "
                       "not supported but i64 is.");
        return false;
    }
    *sign = s[0] == 'i';
    *width = (int)w;
    return true;
}

/* Parses every operation into ops (room for (argc-2)/2). false after an
 * error reply. *writes: some SET or INCRBY; *top: the farthest bit one
 * writes. */
static bool parse_or_reply(Client *c, FieldOp *ops, int *nops, bool *writes, uint64_t *top) {
    int overflow = OV_WRAP, n = 0;
    for (int j = 2; j < c->argc; j++) {
        int left = c->argc - j - 1;
        int op;
        if (arg_opt_is(c, j, "get") && left >= 2) {
            op = OP_GET;
        } else if (arg_opt_is(c, j, "set") && left >= 3) {
            op = OP_SET;
        } else if (arg_opt_is(c, j, "incrby") && left >= 3) {
            op = OP_INCRBY;
        } else if (arg_opt_is(c, j, "overflow") && left >= 1) {
            j++;
            if (arg_opt_is(c, j, "wrap")) overflow = OV_WRAP;
            else if (arg_opt_is(c, j, "sat")) overflow = OV_SAT;
            else if (arg_opt_is(c, j, "fail")) overflow = OV_FAIL;
            else {
                reply_error(c, "ERR Invalid OVERFLOW type specified");
                return false;
            }
            continue;
        } else {
            reply_syntax_error(c);
            return false;
        }
        FieldOp *o = &ops[n];
        bool sign;
        int width;
        if (!type_or_reply(c, j + 1, &sign, &width)) return false;
        if (!bitops_offset_or_reply(c, j + 2, width, &o->off)) return false;
        o->arg = 0;
        if (op != OP_GET) {
            *writes = true;
            if (o->off + (uint64_t)width - 1 > *top) *top = o->off + (uint64_t)width - 1;
            if (!arg_int64_or_reply(c, j + 3, &o->arg)) return false;
        }
        o->op = (uint8_t)op;
        o->overflow = (uint8_t)overflow;
        o->width = (uint8_t)width;
        o->sign = sign;
        n++;
        j += op == OP_GET ? 2 : 3;
    }
    *nops = n;
    return true;
}

/* The field's bits read from s (len bytes; zeros past the end). */
static uint64_t field_read(const uint8_t *s, size_t len, uint64_t off, int width) {
    uint64_t byte = off >> 3;
    if (byte + 9 <= len) return bits_get(s, off, (unsigned)width);
    uint8_t tmp[9] = {0};
    for (uint64_t i = 0; i < 9 && byte + i < len; i++) tmp[i] = s[byte + i];
    return bits_get(tmp, off & 7, (unsigned)width);
}

/* The low `width` bits of v as a two's complement number. */
static inline int64_t sign_extend(uint64_t v, int width) {
    if (width == 64) return (int64_t)v;
    v &= (UINT64_C(1) << width) - 1;
    if (v & (UINT64_C(1) << (width - 1))) v |= ~UINT64_C(0) << width;
    return (int64_t)v;
}

/* The signed result of SET (value) or INCRBY (old + by) in `width` bits
 * under o's overflow rule: false if it overflowed under FAIL. The test is
 * Redis's, bounds computed in wrapping 64-bit arithmetic, and so are its
 * answers where that wraps: SET i3 to INT64_MIN saturates to the MAXIMUM
 * (3), as on redis-server. */
static bool signed_result(const FieldOp *o, int64_t old, int64_t *out) {
    int w = o->width;
    int64_t max = w == 64 ? INT64_MAX : (int64_t)((UINT64_C(1) << (w - 1)) - 1), min = -max - 1;
    int64_t value = o->op == OP_SET ? o->arg : old, incr = o->op == OP_SET ? 0 : o->arg;
    int64_t maxincr = (int64_t)((uint64_t)max - (uint64_t)value);
    int64_t minincr = (int64_t)((uint64_t)min - (uint64_t)value);
    int dir = 0;
    if (value > max || (w != 64 && incr > maxincr) || (value >= 0 && incr > 0 && incr > maxincr))
        dir = 1;
    else if (value < min || (w != 64 && incr < minincr) || (value < 0 && incr < 0 && incr < minincr))
        dir = -1;
    if (!dir) {
        *out = (int64_t)((uint64_t)value + (uint64_t)incr);
        return true;
    }
    if (o->overflow == OV_FAIL) return false;
    if (o->overflow == OV_SAT) *out = dir > 0 ? max : min;
    else *out = sign_extend((uint64_t)value + (uint64_t)incr, w);
    return true;
}

/* The same for unsigned fields. A SET of a negative value is a value
 * above the maximum, as Redis sees it (SAT stores the maximum). */
static bool unsigned_result(const FieldOp *o, uint64_t old, uint64_t *out) {
    uint64_t max = (UINT64_C(1) << o->width) - 1;
    bool over, under = false;
    if (o->op == OP_SET) {
        over = (uint64_t)o->arg > max;
    } else {
        __int128 want = (__int128)old + o->arg;
        over = want > (__int128)max;
        under = want < 0;
    }
    uint64_t raw = (o->op == OP_SET ? 0 : old) + (uint64_t)o->arg;
    if (!over && !under) {
        *out = raw;
        return true;
    }
    if (o->overflow == OV_FAIL) return false;
    if (o->overflow == OV_SAT) *out = over ? max : 0;
    else *out = raw & max;
    return true;
}

/* Runs a SET or INCRBY on s: replies its value (the old one for SET, the
 * new one for INCRBY) or nil when FAIL refused it. Returns whether the
 * field changed (or the string grew, which Redis counts as a change). */
static bool run_write(Client *c, const FieldOp *o, uint8_t *s, size_t len, bool grew) {
    uint64_t raw_old = field_read(s, len, o->off, o->width), raw_new;
    if (o->sign) {
        int64_t old = sign_extend(raw_old, o->width), val;
        if (!signed_result(o, old, &val)) {
            reply_null(c);
            return false;
        }
        reply_int(c, o->op == OP_SET ? old : val);
        raw_new = (uint64_t)val;
        if (o->width < 64) raw_new &= (UINT64_C(1) << o->width) - 1;
    } else {
        uint64_t val;
        if (!unsigned_result(o, raw_old, &val)) {
            reply_null(c);
            return false;
        }
        reply_int(c, (int64_t)(o->op == OP_SET ? raw_old : val));
        raw_new = val;
    }
    bits_set(s, o->off, o->width, raw_new);
    return grew || raw_new != raw_old;
}

static void bitfield(Client *c, bool ro) {
    int cap = (c->argc - 2) / 2 + 1, nops = 0;
    FieldOp stack[8];
    FieldOp *ops = cap <= 8 ? stack : mem_alloc(sizeof(*ops) * (size_t)cap);
    bool writes = false;
    uint64_t top = 0;
    if (!parse_or_reply(c, ops, &nops, &writes, &top)) goto out;
    uint8_t *s = NULL;
    size_t len = 0;
    bool grew = false;
    if (!writes) {
        Entry *e = db_lookup(c->db, c->argv[1], c->argl[1], c->flags & CLIENT_NO_TOUCH);
        db_note_read(c->db, c->argv[1], c->argl[1], e != NULL);
        if (e && entry_type(e) != TYPE_STRING) {
            reply_wrongtype(c);
            goto out;
        }
        /* read-only: an int-encoded value is read from its text */
        char buf[24];
        const char *v = e ? entry_str(e, &len, buf) : "";
        reply_array(c, nops);
        for (int j = 0; j < nops; j++) {
            uint64_t raw = field_read((const uint8_t *)v, len, ops[j].off, ops[j].width);
            reply_int(c, ops[j].sign ? sign_extend(raw, ops[j].width) : (int64_t)raw);
        }
        goto out;
    }
    if (ro) {
        reply_error(c, "ERR BITFIELD_RO only supports the GET subcommand");
        goto out;
    }
    Entry *e = db_lookup(c->db, c->argv[1], c->argl[1], c->flags & CLIENT_NO_TOUCH);
    if (e && entry_type(e) != TYPE_STRING) {
        reply_wrongtype(c);
        goto out;
    }
    s = (uint8_t *)db_string_mutable(c->db, c->argv[1], c->argl[1], (size_t)(top >> 3) + 1, &len,
                                     &grew);
    uint64_t changes = 0;
    reply_array(c, nops);
    for (int j = 0; j < nops; j++) {
        const FieldOp *o = &ops[j];
        if (o->op == OP_GET) {
            uint64_t raw = field_read(s, len, o->off, o->width);
            reply_int(c, o->sign ? sign_extend(raw, o->width) : (int64_t)raw);
        } else if (run_write(c, o, s, len, grew)) {
            changes++;
        }
    }
    if (changes) {
        db_add_dirty(changes);
        notify_write(NOTIFY_STRING, "setbit", c->db_index, c->argv[1], c->argl[1]);
    }
out:
    if (ops != stack) mem_free(ops);
}

static void cmd_bitfield(Client *c) { bitfield(c, false); }
static void cmd_bitfield_ro(Client *c) { bitfield(c, true); }

/* clang-format off */
Command bitfield_commands[] = {
    {"bitfield", cmd_bitfield, -2, CMD_WRITE | CMD_DENYOOM, 1, 1, 1, "bitmap", "Perform arbitrary bitfield integer operations on strings", "3.2.0", "O(1) for each subcommand specified", "@write @bitmap @slow", NULL},
    {"bitfield_ro", cmd_bitfield_ro, -2, CMD_READONLY | CMD_FAST, 1, 1, 1, "bitmap", "Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD", "6.0.0", "O(1) for each subcommand specified", "@read @bitmap @fast", NULL},
    {0},
};
/* clang-format on */
