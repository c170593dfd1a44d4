/* cmd/string.c -- string commands: GET/SET and their variants, counters,
 * ranges, LCS. Replies and errors are Redis 7.0's, including the order in
 * which a command checks its arguments, the key's type and the limits.
 * Entry pointers die at the next write to the db: handlers reply from an
 * entry before changing the keyspace, never after. */
#include <string.h>

#include "../core/args.h"
#include "../core/command.h"
#include "../core/config.h"
#include "../core/db.h"
#include "../core/notify.h"
#include "../core/reply.h"
#include "../ds/mem.h"
#include "../ds/num.h"
#include "effects.h"

/* ---------- shared helpers ---------- */

static inline bool no_touch(const Client *c) { return c->flags & CLIENT_NO_TOUCH; }

/* A lookup as Redis's lookupKeyRead: counts keyspace_hits/misses, and a
 * miss publishes "keymiss". */
static inline Entry *lookup_read(Client *c, int i) {
    Entry *e = db_lookup(c->db, c->argv[i], c->argl[i], no_touch(c));
    db_note_read(c->db, c->argv[i], c->argl[i], e != NULL);
    return e;
}

/* argv[i] was changed: WATCH sees it and `event` is published. */
static inline void changed(Client *c, int i, unsigned type, const char *event) {
    notify_write(type, event, c->db_index, c->argv[i], c->argl[i]);
}

/* The events of a SET-like write of argv[i]: "set", and "expire" when
 * it set a TTL. */
static void changed_set(Client *c, int i, int64_t when) {
    changed(c, i, NOTIFY_STRING, "set");
    if (when > 0) notify_key(NOTIFY_GENERIC, "expire", c->db_index, c->argv[i], c->argl[i]);
}

/* A lookup as lookupKeyWrite: no hit/miss counting. */
static inline Entry *lookup_write(Client *c, int i) {
    return db_lookup(c->db, c->argv[i], c->argl[i], no_touch(c));
}

static inline void reply_value(Client *c, const Entry *e) {
    char buf[24];
    size_t len;
    const char *s = entry_str(e, &len, buf);
    reply_bulk(c, s, len);
}

/* The TTL a rewrite of e keeps: its absolute expire, or none. */
static inline int64_t kept_ttl(const Entry *e) {
    int64_t when = entry_expire(e);
    return when > 0 ? when : DB_NO_TTL;
}

/* GET's reply for argv[1], as getGenericCommand: false when the key holds
 * another type (WRONGTYPE sent). *found says whether the key exists. */
static bool reply_get_or_wrongtype(Client *c, bool *found) {
    Entry *e = lookup_read(c, 1);
    *found = e != NULL;
    if (!e) {
        reply_null(c);
        return true;
    }
    if (UNLIKELY(entry_type(e) != TYPE_STRING)) {
        reply_wrongtype(c);
        return false;
    }
    reply_value(c, e);
    return true;
}

/* checkStringLength: a string of have+add bytes must fit proto-max-bulk-len. */
static bool size_ok_or_reply(Client *c, uint64_t have, uint64_t add) {
    uint64_t total = have + add;
    if (total < have || total > (uint64_t)cfg.proto_max_bulk_len) {
        reply_error(c, "ERR string exceeds maximum allowed size (proto-max-bulk-len)");
        return false;
    }
    return true;
}

/* ---------- SET options (shared with GETEX) ---------- */

enum {
    OPT_NX = 1u << 0,
    OPT_XX = 1u << 1,
    OPT_GET = 1u << 2,
    OPT_KEEPTTL = 1u << 3,
    OPT_PERSIST = 1u << 4,
    OPT_EX = 1u << 5,
    OPT_PX = 1u << 6,
    OPT_EXAT = 1u << 7,
    OPT_PXAT = 1u << 8,
};
#define OPT_EXPIRE (OPT_EX | OPT_PX | OPT_EXAT | OPT_PXAT)

/* Up to 8 bytes packed little-endian with ASCII letters folded to lower
 * case; 0 for longer or empty words. (b | 0x20) equals a lower-case letter
 * only for that letter or its upper case, so no other bytes collide. */
static inline uint64_t pack_word(const char *s, size_t len) {
    if (len == 0 || len > 8) return 0;
    uint64_t w = 0;
    for (size_t i = 0; i < len; i++) w |= (uint64_t)((uint8_t)s[i] | 0x20) << (8 * i);
    return w;
}
#define KW(lit) pack_word(lit, sizeof(lit) - 1)

static unsigned expire_option(uint64_t w) {
    if (w == KW("ex")) return OPT_EX;
    if (w == KW("px")) return OPT_PX;
    if (w == KW("exat")) return OPT_EXAT;
    if (w == KW("pxat")) return OPT_PXAT;
    return 0;
}

/* Parses SET's options (for_set, from argv[3]) or GETEX's (from argv[2])
 * into *flags; *expire_arg is the index of the last expire value. Repeats
 * are allowed (the last EX wins), conflicts are "ERR syntax error", as in
 * Redis's parseExtendedStringArgumentsOrReply. */
static bool parse_options_or_reply(Client *c, int from, bool for_set, unsigned *flags,
                                   int *expire_arg) {
    unsigned f = 0;
    for (int i = from; i < c->argc; i++) {
        uint64_t w = pack_word(c->argv[i], c->argl[i]);
        unsigned ex;
        if (for_set && w == KW("nx") && !(f & OPT_XX)) {
            f |= OPT_NX;
        } else if (for_set && w == KW("xx") && !(f & OPT_NX)) {
            f |= OPT_XX;
        } else if (for_set && w == KW("get")) {
            f |= OPT_GET;
        } else if (for_set && w == KW("keepttl") && !(f & OPT_EXPIRE)) {
            f |= OPT_KEEPTTL;
        } else if (!for_set && w == KW("persist") && !(f & OPT_EXPIRE)) {
            f |= OPT_PERSIST;
        } else if ((ex = expire_option(w)) && i + 1 < c->argc &&
                   !(f & (OPT_KEEPTTL | OPT_PERSIST | (OPT_EXPIRE & ~ex)))) {
            f |= ex;
            *expire_arg = ++i;
        } else {
            reply_syntax_error(c);
            return false;
        }
    }
    *flags = f;
    return true;
}

/* Turns the expire argument argv[i] into absolute unix ms: seconds for
 * EX/EXAT, relative to the command's start time for EX/PX. Zero, negative
 * or overflowing times are "ERR invalid expire time in '<cmd>' command". */
static bool expire_or_reply(Client *c, int i, unsigned unit, const char *cmd, int64_t *when) {
    int64_t v;
    if (!arg_int64_or_reply(c, i, &v)) return false;
    bool secs = unit & (OPT_EX | OPT_EXAT);
    if (v <= 0 || (secs && v > INT64_MAX / 1000)) goto invalid;
    if (secs) v *= 1000;
    if (unit & (OPT_EX | OPT_PX)) {
        int64_t now = db_now();
        if (v > INT64_MAX - now) goto invalid;
        v += now;
    }
    *when = v;
    return true;
invalid:
    reply_errorf(c, "ERR invalid expire time in '%s' command", cmd);
    return false;
}

/* ---------- GET / SET family ---------- */

/* A SET with a TTL propagates as SET key value PXAT <abs ms>, dropping
 * NX/XX/GET (Redis 7.0's setGenericCommand): the AOF and replicas set the
 * same deadline. */
static void propagate_set_pxat(Client *c, int val_arg, int64_t when) {
    if (!propagate_has_sink()) return;
    char num[24];
    size_t n = num_format_int64(num, when);
    const char *argv[5] = {"SET", c->argv[1], c->argv[val_arg], "PXAT", num};
    size_t argl[5] = {3, c->argl[1], c->argl[val_arg], 4, n};
    propagate_as(c, 5, argv, argl);
}

/* SET ... GET without a TTL propagates without its GET words. */
static void propagate_set_without_get(Client *c) {
    if (!propagate_has_sink()) return;
    const char **argv = mem_alloc(sizeof(*argv) * (size_t)c->argc);
    size_t *argl = mem_alloc(sizeof(*argl) * (size_t)c->argc);
    int n = 0;
    for (int i = 0; i < c->argc; i++) {
        if (i >= 3 && pack_word(c->argv[i], c->argl[i]) == KW("get")) continue;
        argv[n] = c->argv[i];
        argl[n++] = c->argl[i];
    }
    propagate_as(c, n, argv, argl);
    mem_free(argv);
    mem_free(argl);
}

static void cmd_get(Client *c) {
    Entry *e = db_lookup(c->db, c->argv[1], c->argl[1], no_touch(c));
    db_note_read(c->db, c->argv[1], c->argl[1], e != NULL);
    if (!e) {
        reply_null(c);
        return;
    }
    if (UNLIKELY(entry_type(e) != TYPE_STRING)) {
        reply_wrongtype(c);
        return;
    }
    reply_value(c, e);
}

/* SET with options. With GET the reply is the old value (sent before the
 * write, while the entry is still valid) whether or not NX/XX let the
 * write happen; without GET it is OK, or nil when NX/XX refused. */
static void set_with_options(Client *c) {
    unsigned f;
    int ei = 0;
    int64_t when = DB_NO_TTL;
    if (!parse_options_or_reply(c, 3, true, &f, &ei)) return;
    if ((f & OPT_EXPIRE) && !expire_or_reply(c, ei, f, "set", &when)) return;
    if (f & OPT_KEEPTTL) when = DB_KEEP_TTL;
    const char *key = c->argv[1];
    size_t klen = c->argl[1];
    bool found = false;
    if (f & OPT_GET) {
        Entry *e = lookup_read(c, 1);
        if (e && entry_type(e) != TYPE_STRING) {
            reply_wrongtype(c);
            return;
        }
        if (e) {
            found = true;
            if (when == DB_KEEP_TTL) when = kept_ttl(e); /* saves a lookup */
            reply_value(c, e);
        } else {
            reply_null(c);
        }
    } else if (f & (OPT_NX | OPT_XX)) {
        found = db_exists(c->db, key, klen);
    }
    if (((f & OPT_NX) && found) || ((f & OPT_XX) && !found)) {
        /* Redis's lookupKeyWrite counted the access to the kept key */
        if (found && !(f & OPT_GET)) db_lookup(c->db, key, klen, false);
        if (!(f & OPT_GET)) reply_null(c);
        return;
    }
    db_set_string(c->db, key, klen, c->argv[2], c->argl[2], when);
    changed_set(c, 1, (f & OPT_EXPIRE) ? when : 0);
    if (f & OPT_EXPIRE) propagate_set_pxat(c, 2, when);
    else if (f & OPT_GET) propagate_set_without_get(c);
    if (!(f & OPT_GET)) reply_ok(c);
}

static void cmd_set(Client *c) {
    if (UNLIKELY(c->argc > 3)) {
        set_with_options(c);
        return;
    }
    db_set_string(c->db, c->argv[1], c->argl[1], c->argv[2], c->argl[2], DB_NO_TTL);
    changed(c, 1, NOTIFY_STRING, "set");
    reply_ok(c);
}

static void cmd_setnx(Client *c) {
    if (db_exists(c->db, c->argv[1], c->argl[1])) {
        reply_int(c, 0);
        return;
    }
    db_set_string(c->db, c->argv[1], c->argl[1], c->argv[2], c->argl[2], DB_NO_TTL);
    changed(c, 1, NOTIFY_STRING, "set");
    reply_int(c, 1);
}

/* SETEX / PSETEX key time value. */
static void set_expiring(Client *c, unsigned unit, const char *cmd) {
    int64_t when;
    if (!expire_or_reply(c, 2, unit, cmd, &when)) return;
    db_set_string(c->db, c->argv[1], c->argl[1], c->argv[3], c->argl[3], when);
    changed_set(c, 1, when);
    propagate_set_pxat(c, 3, when);
    reply_ok(c);
}

static void cmd_setex(Client *c) { set_expiring(c, OPT_EX, "setex"); }
static void cmd_psetex(Client *c) { set_expiring(c, OPT_PX, "psetex"); }

/* GETSET: the old value; the new one has no TTL. Propagates as SET. */
static void cmd_getset(Client *c) {
    bool found;
    if (!reply_get_or_wrongtype(c, &found)) return;
    db_set_string(c->db, c->argv[1], c->argl[1], c->argv[2], c->argl[2], DB_NO_TTL);
    changed(c, 1, NOTIFY_STRING, "set");
    if (propagate_has_sink()) {
        static const int at[1] = {0};
        static const char *const set[1] = {"SET"};
        static const size_t setl[1] = {3};
        effects_replace(c, 1, at, set, setl);
    }
}

static void cmd_getdel(Client *c) {
    bool found;
    if (!reply_get_or_wrongtype(c, &found) || !found) return;
    db_delete(c->db, c->argv[1], c->argl[1]);
    changed(c, 1, NOTIFY_GENERIC, "del");
    if (propagate_has_sink()) effects_del(c, cfg.lazyfree_lazy_user_del, c->argv[1], c->argl[1]);
}

/* GETEX key [EX s | PX ms | EXAT t | PXAT t | PERSIST]. Options are checked
 * for syntax first, the expire value only once the key is found (a missing
 * key replies nil even to "EX abc"). An absolute time already past deletes
 * the key, after replying its value. It never propagates as itself: as
 * PEXPIREAT, DEL (UNLINK), PERSIST, or nothing. */
static void cmd_getex(Client *c) {
    unsigned f = 0;
    int ei = 0;
    if (c->argc > 2 && !parse_options_or_reply(c, 2, false, &f, &ei)) return;
    Entry *e = lookup_read(c, 1);
    if (!e) {
        reply_null(c);
        return;
    }
    if (entry_type(e) != TYPE_STRING) {
        reply_wrongtype(c);
        return;
    }
    int64_t when = 0;
    if ((f & OPT_EXPIRE) && !expire_or_reply(c, ei, f, "getex", &when)) return;
    bool had_ttl = entry_expire(e) > 0;
    reply_value(c, e);
    const char *key = c->argv[1];
    size_t klen = c->argl[1];
    if (f & OPT_EXPIRE) {
        bool past = db_time_passed(when);
        if (past) db_delete(c->db, key, klen);
        else db_set_expire(c->db, key, klen, when);
        changed(c, 1, NOTIFY_GENERIC, past ? "del" : "expire");
        if (!propagate_has_sink()) return;
        if (past) effects_del(c, cfg.lazyfree_lazy_expire, key, klen);
        else effects_key_int(c, "PEXPIREAT", key, klen, when);
    } else if ((f & OPT_PERSIST) && had_ttl) {
        db_set_expire(c->db, key, klen, DB_NO_TTL);
        changed(c, 1, NOTIFY_GENERIC, "persist");
        if (propagate_has_sink()) effects_key(c, "PERSIST", key, klen);
    }
}

static void cmd_mget(Client *c) {
    reply_array(c, c->argc - 1);
    for (int i = 1; i < c->argc; i++) {
        Entry *e = lookup_read(c, i);
        if (e && entry_type(e) == TYPE_STRING) reply_value(c, e);
        else reply_null(c);
    }
}

/* MSET / MSETNX: the arity check passes "mset k", so an odd pair count is
 * checked here (a failed call, not a rejected one, as in Redis). */
static bool pairs_ok_or_reply(Client *c) {
    if (c->argc % 2 == 1) return true;
    reply_wrong_arity(c);
    return false;
}

static void set_pairs(Client *c) {
    for (int i = 1; i < c->argc; i += 2) {
        db_set_string(c->db, c->argv[i], c->argl[i], c->argv[i + 1], c->argl[i + 1], DB_NO_TTL);
        changed(c, i, NOTIFY_STRING, "set");
    }
}

static void cmd_mset(Client *c) {
    if (!pairs_ok_or_reply(c)) return;
    set_pairs(c);
    reply_ok(c);
}

static void cmd_msetnx(Client *c) {
    if (!pairs_ok_or_reply(c)) return;
    for (int i = 1; i < c->argc; i += 2) {
        if (db_exists(c->db, c->argv[i], c->argl[i])) {
            reply_int(c, 0);
            return;
        }
    }
    set_pairs(c);
    reply_int(c, 1);
}

/* ---------- counters ---------- */

/* Adds by to the integer at argv[1] (absent = 0), keeping its TTL. */
static void incr_by(Client *c, int64_t by) {
    int64_t cur = 0, when = DB_NO_TTL;
    Entry *e = lookup_write(c, 1);
    if (e) {
        if (UNLIKELY(entry_type(e) != TYPE_STRING)) {
            reply_wrongtype(c);
            return;
        }
        if (UNLIKELY(!entry_get_int64(e, &cur))) {
            reply_not_int(c);
            return;
        }
        when = kept_ttl(e);
    }
    if (UNLIKELY((by < 0 && cur < 0 && by < INT64_MIN - cur) ||
                 (by > 0 && cur > 0 && by > INT64_MAX - cur))) {
        reply_error(c, "ERR increment or decrement would overflow");
        return;
    }
    cur += by;
    db_set_int(c->db, c->argv[1], c->argl[1], cur, when);
    changed(c, 1, NOTIFY_STRING, "incrby");
    reply_int(c, cur);
}

static void cmd_incr(Client *c) { incr_by(c, 1); }
static void cmd_decr(Client *c) { incr_by(c, -1); }

static void cmd_incrby(Client *c) {
    int64_t by;
    if (!arg_int64_or_reply(c, 2, &by)) return;
    incr_by(c, by);
}

static void cmd_decrby(Client *c) {
    int64_t by;
    if (!arg_int64_or_reply(c, 2, &by)) return;
    if (by == INT64_MIN) { /* -by does not exist */
        reply_error(c, "ERR decrement would overflow");
        return;
    }
    incr_by(c, -by);
}

/* INCRBYFLOAT: long double arithmetic, the result stored and replied as
 * its "%.17Lf" trimmed text; the TTL is kept. The type is checked before
 * either number (existing value first, then the increment). Propagates as
 * SET key <result> KEEPTTL, so a replay cannot round differently. */
static void cmd_incrbyfloat(Client *c) {
    long double cur = 0, by;
    int64_t when = DB_NO_TTL;
    Entry *e = lookup_write(c, 1);
    if (e) {
        if (entry_type(e) != TYPE_STRING) {
            reply_wrongtype(c);
            return;
        }
        char ibuf[24];
        size_t len;
        const char *s = entry_str(e, &len, ibuf);
        if (!num_parse_long_double(s, len, &cur)) {
            reply_error(c, "ERR value is not a valid float");
            return;
        }
        when = kept_ttl(e);
    }
    if (!arg_long_double_or_reply(c, 2, &by)) return;
    char buf[NUM_LDBL_BUF];
    size_t n = num_format_long_double(buf, cur + by);
    if (n == 0) {
        reply_error(c, "ERR increment would produce NaN or Infinity");
        return;
    }
    db_set_string_text(c->db, c->argv[1], c->argl[1], buf, n, when);
    changed(c, 1, NOTIFY_STRING, "incrbyfloat");
    if (propagate_has_sink()) {
        const char *argv[4] = {"SET", c->argv[1], buf, "KEEPTTL"};
        size_t argl[4] = {3, c->argl[1], n, 7};
        propagate_as(c, 4, argv, argl);
    }
    reply_bulk(c, buf, n);
}

/* ---------- lengths and ranges ---------- */

static void cmd_append(Client *c) {
    const char *key = c->argv[1], *data = c->argv[2];
    size_t klen = c->argl[1], dlen = c->argl[2];
    Entry *e = lookup_write(c, 1);
    if (!e) { /* a new key is an ordinary string (int/embstr), as in Redis */
        db_set_string(c->db, key, klen, data, dlen, DB_NO_TTL);
        changed(c, 1, NOTIFY_STRING, "append");
        reply_int(c, (int64_t)dlen);
        return;
    }
    if (entry_type(e) != TYPE_STRING) {
        reply_wrongtype(c);
        return;
    }
    if (!size_ok_or_reply(c, entry_strlen(e), dlen)) return;
    reply_int(c, (int64_t)db_append(c->db, key, klen, data, dlen));
    changed(c, 1, NOTIFY_STRING, "append");
}

static void cmd_strlen(Client *c) {
    Entry *e = lookup_read(c, 1);
    if (!e) {
        reply_int(c, 0);
        return;
    }
    if (entry_type(e) != TYPE_STRING) {
        reply_wrongtype(c);
        return;
    }
    reply_int(c, (int64_t)entry_strlen(e));
}

/* GETRANGE / SUBSTR key start end: inclusive, negative from the end, the
 * range clamped into the string. Redis 7.0 clamps a negative end to 0, so
 * "GETRANGE k 0 -100" on "hello" is "h"; that is kept. */
static void cmd_getrange(Client *c) {
    int64_t start, end;
    if (!arg_int64_or_reply(c, 2, &start) || !arg_int64_or_reply(c, 3, &end)) return;
    Entry *e = lookup_read(c, 1);
    if (!e) {
        reply_bulk(c, "", 0);
        return;
    }
    if (entry_type(e) != TYPE_STRING) {
        reply_wrongtype(c);
        return;
    }
    char buf[24];
    size_t len;
    const char *s = entry_str(e, &len, buf);
    if (start < 0 && end < 0 && start > end) {
        reply_bulk(c, "", 0);
        return;
    }
    int64_t n = (int64_t)len;
    if (start < 0) start += n;
    if (end < 0) end += n;
    if (start < 0) start = 0;
    if (end < 0) end = 0;
    if (end >= n) end = n - 1;
    if (n == 0 || start > end) {
        reply_bulk(c, "", 0);
        return;
    }
    reply_bulk(c, s + start, (size_t)(end - start + 1));
}

/* SETRANGE key offset value: an empty value changes nothing (and creates
 * nothing), whatever the offset. */
static void cmd_setrange(Client *c) {
    int64_t off;
    if (!arg_int64_or_reply(c, 2, &off)) return;
    if (off < 0) {
        reply_error(c, "ERR offset is out of range");
        return;
    }
    size_t vlen = c->argl[3];
    Entry *e = lookup_write(c, 1);
    size_t cur = 0;
    if (e) {
        if (entry_type(e) != TYPE_STRING) {
            reply_wrongtype(c);
            return;
        }
        cur = entry_strlen(e);
    }
    if (vlen == 0) {
        reply_int(c, (int64_t)cur);
        return;
    }
    if (!size_ok_or_reply(c, (uint64_t)off, vlen)) return;
    reply_int(c, (int64_t)db_setrange(c->db, c->argv[1], c->argl[1], (size_t)off, c->argv[3],
                                      vlen));
    changed(c, 1, NOTIFY_STRING, "setrange");
}

/* ---------- LCS ---------- */

typedef struct {
    bool len_only, idx, withlen;
    int64_t minlen;
} LcsOpts;

static bool lcs_options_or_reply(Client *c, LcsOpts *o) {
    *o = (LcsOpts){0};
    for (int i = 3; i < c->argc; i++) {
        if (arg_is(c, i, "idx")) {
            o->idx = true;
        } else if (arg_is(c, i, "len")) {
            o->len_only = true;
        } else if (arg_is(c, i, "withmatchlen")) {
            o->withlen = true;
        } else if (arg_is(c, i, "minmatchlen") && i + 1 < c->argc) {
            if (!arg_int64_or_reply(c, ++i, &o->minlen)) return false;
            if (o->minlen < 0) o->minlen = 0;
        } else {
            reply_syntax_error(c);
            return false;
        }
    }
    if (o->idx && o->len_only) {
        reply_error(c, "ERR If you want both the length and indexes, please just use IDX.");
        return false;
    }
    return true;
}

/* Walks the DP table back from (alen, blen) and replies the matched ranges
 * (IDX), last first: a diagonal run is one range, cut where the walk leaves
 * the diagonal or reaches the start of either string. Ties go to j--. */
static void lcs_reply_ranges(Client *c, const uint32_t *dp, size_t w, const char *a,
                             size_t alen, const char *b, size_t blen, const LcsOpts *o) {
    reply_map(c, 2);
    reply_cstr(c, "matches");
    size_t mark = reply_defer_len(c);
    int64_t count = 0;
    size_t i = alen, j = blen, as = 0, ae = 0, bs = 0, be = 0;
    bool open = false;
    while (i > 0 && j > 0) {
        bool emit = false;
        if (a[i - 1] == b[j - 1]) {
            if (!open) {
                open = true;
                as = ae = i - 1;
                bs = be = j - 1;
            } else { /* the previous step matched at (i, j): contiguous */
                as--;
                bs--;
            }
            emit = as == 0 || bs == 0;
            i--;
            j--;
        } else {
            if (dp[(i - 1) * w + j] > dp[i * w + j - 1]) i--;
            else j--;
            emit = open;
        }
        if (emit) {
            size_t mlen = ae - as + 1;
            if ((uint64_t)mlen >= (uint64_t)o->minlen) {
                reply_array(c, o->withlen ? 3 : 2);
                reply_array(c, 2);
                reply_int(c, (int64_t)as);
                reply_int(c, (int64_t)ae);
                reply_array(c, 2);
                reply_int(c, (int64_t)bs);
                reply_int(c, (int64_t)be);
                if (o->withlen) reply_int(c, (int64_t)mlen);
                count++;
            }
            open = false;
        }
    }
    reply_set_deferred_array(c, mark, count);
    reply_cstr(c, "len");
    reply_int(c, dp[alen * w + blen]);
}

/* The LCS string itself, rebuilt along the same walk. */
static void lcs_reply_string(Client *c, const uint32_t *dp, size_t w, const char *a, size_t alen,
                             const char *b, size_t blen) {
    size_t k = dp[alen * w + blen];
    char *out = mem_alloc(k ? k : 1);
    size_t n = k, i = alen, j = blen;
    while (i > 0 && j > 0) {
        if (a[i - 1] == b[j - 1]) {
            out[--k] = a[i - 1];
            i--;
            j--;
        } else if (dp[(i - 1) * w + j] > dp[i * w + j - 1]) {
            i--;
        } else {
            j--;
        }
    }
    reply_bulk(c, out, n);
    mem_free(out);
}

/* LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN]. Missing keys
 * are empty strings. The keys are looked up before the options are parsed
 * (hits/misses count even on a syntax error), as Redis does. The DP table
 * ((alen+1)*(blen+1) uint32 cells) may not exceed proto-max-bulk-len. */
static void cmd_lcs(Client *c) {
    Entry *ea = lookup_read(c, 1);
    Entry *eb = lookup_read(c, 2);
    if ((ea && entry_type(ea) != TYPE_STRING) || (eb && entry_type(eb) != TYPE_STRING)) {
        reply_error(c, "ERR The specified keys must contain string values");
        return;
    }
    LcsOpts o;
    if (!lcs_options_or_reply(c, &o)) return;
    /* The second lookup may have expired a key: look the first up again. */
    if (ea) ea = db_lookup(c->db, c->argv[1], c->argl[1], true);
    char abuf[24], bbuf[24];
    size_t alen = 0, blen = 0;
    const char *a = ea ? entry_str(ea, &alen, abuf) : "";
    const char *b = eb ? entry_str(eb, &blen, bbuf) : "";
    uint64_t cells = ((uint64_t)alen + 1) * ((uint64_t)blen + 1);
    if (cells * sizeof(uint32_t) > (uint64_t)cfg.proto_max_bulk_len) {
        reply_error(c, "ERR Insufficient memory, transient memory for LCS exceeds "
                       "proto-max-bulk-len");
        return;
    }
    size_t w = blen + 1;
    uint32_t *dp = mem_alloc((size_t)cells * sizeof(uint32_t));
    for (size_t j = 0; j <= blen; j++) dp[j] = 0;
    for (size_t i = 1; i <= alen; i++) {
        uint32_t *row = dp + i * w, *up = row - w;
        row[0] = 0;
        for (size_t j = 1; j <= blen; j++) {
            if (a[i - 1] == b[j - 1]) row[j] = up[j - 1] + 1;
            else row[j] = up[j] > row[j - 1] ? up[j] : row[j - 1];
        }
    }
    if (o.idx) lcs_reply_ranges(c, dp, w, a, alen, b, blen, &o);
    else if (o.len_only) reply_int(c, dp[alen * w + blen]);
    else lcs_reply_string(c, dp, w, a, alen, b, blen);
    mem_free(dp);
}

/* ---------- table ---------- */

#define STR "string"
#define CX_GETRANGE                                                                            \
    "O(N) where N is the length of the returned string. The complexity is ultimately "         \
    "determined by the returned length, but because creating a substring from an existing "   \
    "string is very cheap, it can be considered O(1) for small strings."
#define CX_APPEND                                                                              \
    "O(1). The amortized time complexity is O(1) assuming the appended value is small and "    \
    "the already present value is of any size, since the dynamic string library used by "     \
    "Redis will double the free space available on every reallocation."
#define CX_SETRANGE                                                                            \
    "O(1), not counting the time taken to copy the new string in place. Usually, this string " \
    "is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M " \
    "being the length of the value argument."
#define W_FAST (CMD_WRITE | CMD_DENYOOM | CMD_FAST)
#define W_SLOW (CMD_WRITE | CMD_DENYOOM)
#define ACL_WF "@write @string @fast"
#define ACL_WS "@write @string @slow"
#define ACL_RF "@read @string @fast"
#define ACL_RS "@read @string @slow"

/* clang-format off */
Command string_commands[] = {
    {"get", cmd_get, 2, CMD_READONLY | CMD_FAST, 1, 1, 1, STR, "Get the value of a key", "1.0.0", "O(1)", ACL_RF, NULL},
    {"set", cmd_set, -3, W_SLOW, 1, 1, 1, STR, "Set the string value of a key", "1.0.0", "O(1)", ACL_WS, NULL},
    {"setnx", cmd_setnx, 3, W_FAST, 1, 1, 1, STR, "Set the value of a key, only if the key does not exist", "1.0.0", "O(1)", ACL_WF, NULL},
    {"setex", cmd_setex, 4, W_SLOW, 1, 1, 1, STR, "Set the value and expiration of a key", "2.0.0", "O(1)", ACL_WS, NULL},
    {"psetex", cmd_psetex, 4, W_SLOW, 1, 1, 1, STR, "Set the value and expiration in milliseconds of a key", "2.6.0", "O(1)", ACL_WS, NULL},
    {"getset", cmd_getset, 3, W_FAST, 1, 1, 1, STR, "Set the string value of a key and return its old value", "1.0.0", "O(1)", ACL_WF, NULL},
    {"getdel", cmd_getdel, 2, CMD_WRITE | CMD_FAST, 1, 1, 1, STR, "Get the value of a key and delete the key", "6.2.0", "O(1)", ACL_WF, NULL},
    {"getex", cmd_getex, -2, CMD_WRITE | CMD_FAST, 1, 1, 1, STR, "Get the value of a key and optionally set its expiration", "6.2.0", "O(1)", ACL_WF, NULL},
    {"mget", cmd_mget, -2, CMD_READONLY | CMD_FAST, 1, -1, 1, STR, "Get the values of all the given keys", "1.0.0", "O(N) where N is the number of keys to retrieve.", ACL_RF, NULL},
    {"mset", cmd_mset, -3, W_SLOW, 1, -1, 2, STR, "Set multiple keys to multiple values", "1.0.1", "O(N) where N is the number of keys to set.", ACL_WS, NULL},
    {"msetnx", cmd_msetnx, -3, W_SLOW, 1, -1, 2, STR, "Set multiple keys to multiple values, only if none of the keys exist", "1.0.1", "O(N) where N is the number of keys to set.", ACL_WS, NULL},
    {"incr", cmd_incr, 2, W_FAST, 1, 1, 1, STR, "Increment the integer value of a key by one", "1.0.0", "O(1)", ACL_WF, NULL},
    {"decr", cmd_decr, 2, W_FAST, 1, 1, 1, STR, "Decrement the integer value of a key by one", "1.0.0", "O(1)", ACL_WF, NULL},
    {"incrby", cmd_incrby, 3, W_FAST, 1, 1, 1, STR, "Increment the integer value of a key by the given amount", "1.0.0", "O(1)", ACL_WF, NULL},
    {"decrby", cmd_decrby, 3, W_FAST, 1, 1, 1, STR, "Decrement the integer value of a key by the given number", "1.0.0", "O(1)", ACL_WF, NULL},
    {"incrbyfloat", cmd_incrbyfloat, 3, W_FAST, 1, 1, 1, STR, "Increment the float value of a key by the given amount", "2.6.0", "O(1)", ACL_WF, NULL},
    {"append", cmd_append, 3, W_FAST, 1, 1, 1, STR, "Append a value to a key", "2.0.0", CX_APPEND, ACL_WF, NULL},
    {"strlen", cmd_strlen, 2, CMD_READONLY | CMD_FAST, 1, 1, 1, STR, "Get the length of the value stored in a key", "2.2.0", "O(1)", ACL_RF, NULL},
    {"getrange", cmd_getrange, 4, CMD_READONLY, 1, 1, 1, STR, "Get a substring of the string stored at a key", "2.4.0", CX_GETRANGE, ACL_RS, NULL},
    {"setrange", cmd_setrange, 4, W_SLOW, 1, 1, 1, STR, "Overwrite part of a string at key starting at the specified offset", "2.2.0", CX_SETRANGE, ACL_WS, NULL},
    {"substr", cmd_getrange, 4, CMD_READONLY, 1, 1, 1, STR, "Get a substring of the string stored at a key", "1.0.0", CX_GETRANGE, ACL_RS, NULL},
    {"lcs", cmd_lcs, -3, CMD_READONLY, 1, 2, 1, STR, "Find longest common substring", "7.0.0", "O(N*M) where N and M are the lengths of s1 and s2, respectively", ACL_RS, NULL},
    {0},
};
/* clang-format on */
