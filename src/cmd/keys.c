/* cmd/keys.c -- generic keyspace commands (DEL, EXISTS, RENAME, COPY,
 * MOVE, KEYS, SCAN, OBJECT, ...) and the database-wide ones (DBSIZE,
 * FLUSHDB, FLUSHALL, SWAPDB), and the expiry ones (EXPIRE and friends with
 * NX XX GT LT, TTL, PTTL, EXPIRETIME, PEXPIRETIME, PERSIST).
 * Which lookups touch the access clock or count keyspace hits follows
 * Redis 7.0 command by command; each handler says so. */
#include <stdio.h>
#include <string.h>

#include "../core/tracking.h"
#include "../core/args.h"
#include "../core/block.h"
#include "../core/command.h"
#include "../core/config.h"
#include "../core/db.h"
#include "../core/lfu.h"
#include "../core/notify.h"
#include "../core/reply.h"
#include "../core/watch.h"
#include "../ds/glob.h"
#include "../ds/mem.h"
#include "../ds/num.h"
#include "../persist/persist.h"
#include "effects.h"

static inline bool no_touch(const Client *c) { return c->flags & CLIENT_NO_TOUCH; }

/* argv[i] changed in the selected database: WATCH sees it, `event` is
 * published (class g: every event of this file is generic). */
static inline void changed(Client *c, int i, const char *event) {
    notify_write(NOTIFY_GENERIC, event, c->db_index, c->argv[i], c->argl[i]);
}

static const char *type_name(ValueType t) {
    switch (t) {
    case TYPE_STRING: return "string";
    case TYPE_LIST: return "list";
    case TYPE_SET: return "set";
    case TYPE_ZSET: return "zset";
    case TYPE_HASH: return "hash";
    case TYPE_STREAM: return "stream";
    }
    return "none";
}

/* ---------- DEL, UNLINK, EXISTS, TOUCH, TYPE ---------- */

/* DEL key [key ...] -- reply: how many were removed (duplicates once).
 * UNLINK is the same here: freeing a string is cheap. */
static void cmd_del(Client *c) {
    int64_t n = 0;
    for (int i = 1; i < c->argc; i++) {
        if (!db_delete(c->db, c->argv[i], c->argl[i])) continue;
        changed(c, i, "del");
        n++;
    }
    reply_int(c, n);
}

/* EXISTS key [key ...] -- counts every argument that exists (so a key
 * named twice counts twice). Counts hits/misses, never touches. */
static void cmd_exists(Client *c) {
    int64_t n = 0;
    for (int i = 1; i < c->argc; i++) {
        bool found = db_exists(c->db, c->argv[i], c->argl[i]);
        db_note_read(c->db, c->argv[i], c->argl[i], found);
        n += found;
    }
    reply_int(c, n);
}

/* TOUCH key [key ...] -- like EXISTS but updates the access clock, even
 * for a CLIENT NO-TOUCH client (Redis exempts TOUCH). */
static void cmd_touch(Client *c) {
    int64_t n = 0;
    for (int i = 1; i < c->argc; i++) {
        bool found = db_lookup(c->db, c->argv[i], c->argl[i], false) != NULL;
        db_note_read(c->db, c->argv[i], c->argl[i], found);
        n += found;
    }
    reply_int(c, n);
}

/* TYPE key -- status reply; "none" when missing. Does not touch. */
static void cmd_type(Client *c) {
    Entry *e = db_lookup(c->db, c->argv[1], c->argl[1], true);
    db_note_read(c->db, c->argv[1], c->argl[1], e != NULL);
    reply_status(c, e ? type_name(entry_type(e)) : "none");
}

/* ---------- RENAME, RENAMENX, COPY, MOVE ---------- */

static bool same_arg(const Client *c, int a, int b) {
    return c->argl[a] == c->argl[b] && memcmp(c->argv[a], c->argv[b], c->argl[a]) == 0;
}

/* RENAME / RENAMENX key newkey. The TTL moves with the value. Renaming a
 * key to itself succeeds (RENAME) or does nothing (RENAMENX: 0), but a
 * missing key is an error either way. */
static void rename_generic(Client *c, bool nx) {
    if (!db_lookup(c->db, c->argv[1], c->argl[1], no_touch(c))) {
        reply_error(c, "ERR no such key");
        return;
    }
    if (same_arg(c, 1, 2)) {
        if (nx) reply_int(c, 0);
        else reply_ok(c);
        return;
    }
    if (nx && db_lookup(c->db, c->argv[2], c->argl[2], no_touch(c))) {
        reply_int(c, 0);
        return;
    }
    db_rename(c->db, c->argv[1], c->argl[1], c->db, c->argv[2], c->argl[2]);
    block_signal_key(c->db_index, c->argv[2], c->argl[2]); /* may serve BLPOP */
    watch_touch_key(c->db_index, c->argv[1], c->argl[1]);
    watch_touch_key(c->db_index, c->argv[2], c->argl[2]);
    notify_key(NOTIFY_GENERIC, "rename_from", c->db_index, c->argv[1], c->argl[1]);
    notify_key(NOTIFY_GENERIC, "rename_to", c->db_index, c->argv[2], c->argl[2]);
    if (nx) reply_int(c, 1);
    else reply_ok(c);
}

static void cmd_rename(Client *c) { rename_generic(c, false); }
static void cmd_renamenx(Client *c) { rename_generic(c, true); }

/* A database number as COPY and MOVE take it: an int32 (Redis's
 * getIntFromObjectOrReply), then a valid index. NULL: already replied. */
static Db *db_arg_or_reply(Client *c, int i, int *index) {
    int64_t n;
    if (!arg_int64_or_reply(c, i, &n)) return NULL;
    if (n < INT32_MIN || n > INT32_MAX) {
        reply_error(c, "ERR value is out of range, value must between -2147483648 and "
                       "2147483647");
        return NULL;
    }
    Db *db = db_get((int)n);
    if (!db) {
        reply_error(c, "ERR DB index is out of range");
        return NULL;
    }
    *index = (int)n;
    return db;
}

/* COPY source destination [DB destination-db] [REPLACE] -- 1 if copied,
 * 0 if the source is missing or the destination exists (without REPLACE).
 * The source lookup counts a hit or miss, as Redis's lookupKeyRead. */
static void cmd_copy(Client *c) {
    Db *dst = c->db;
    int dst_index = c->db_index;
    bool replace = false;
    for (int i = 3; i < c->argc; i++) {
        if (arg_opt_is(c, i, "replace")) {
            replace = true;
        } else if (arg_opt_is(c, i, "db") && i + 1 < c->argc) {
            if (!(dst = db_arg_or_reply(c, i + 1, &dst_index))) return;
            i++;
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    if (dst_index == c->db_index && same_arg(c, 1, 2)) {
        reply_error(c, "ERR source and destination objects are the same");
        return;
    }
    Entry *e = db_lookup(c->db, c->argv[1], c->argl[1], no_touch(c));
    db_note_read(c->db, c->argv[1], c->argl[1], e != NULL);
    if (!e) {
        reply_int(c, 0);
        return;
    }
    if (db_lookup(dst, c->argv[2], c->argl[2], no_touch(c)) && !replace) {
        reply_int(c, 0);
        return;
    }
    db_copy(c->db, c->argv[1], c->argl[1], dst, c->argv[2], c->argl[2]);
    block_signal_key(dst_index, c->argv[2], c->argl[2]);
    notify_write(NOTIFY_GENERIC, "copy_to", dst_index, c->argv[2], c->argl[2]);
    reply_int(c, 1);
}

/* MOVE key db -- 1 if moved (with its TTL); 0 if missing here or present
 * there. Errors come first: bad number, out of range, same database. */
static void cmd_move(Client *c) {
    int dst_index;
    Db *dst = db_arg_or_reply(c, 2, &dst_index);
    if (!dst) return;
    if (dst_index == c->db_index) {
        reply_error(c, "ERR source and destination objects are the same");
        return;
    }
    if (!db_lookup(c->db, c->argv[1], c->argl[1], no_touch(c)) ||
        db_lookup(dst, c->argv[1], c->argl[1], no_touch(c))) {
        reply_int(c, 0);
        return;
    }
    db_rename(c->db, c->argv[1], c->argl[1], dst, c->argv[1], c->argl[1]);
    block_signal_key(dst_index, c->argv[1], c->argl[1]);
    watch_touch_key(c->db_index, c->argv[1], c->argl[1]);
    watch_touch_key(dst_index, c->argv[1], c->argl[1]);
    notify_key(NOTIFY_GENERIC, "move_from", c->db_index, c->argv[1], c->argl[1]);
    notify_key(NOTIFY_GENERIC, "move_to", dst_index, c->argv[1], c->argl[1]);
    reply_int(c, 1);
}

/* ---------- KEYS, SCAN, RANDOMKEY ---------- */

typedef struct {
    Client *c;
    const char *pat;
    size_t plen;
    bool all;
    int64_t n;
} KeysCtx;

static void keys_visit(void *ctx, Entry *e) {
    KeysCtx *k = ctx;
    size_t klen;
    const char *key = entry_key(e, &klen);
    if (k->all || glob_match(k->pat, k->plen, key, klen, false)) {
        reply_bulk(k->c, key, klen);
        k->n++;
    }
}

/* KEYS pattern -- every live key matching, straight into the reply.
 * Deleting expired keys mid-walk could start a shrink, and a resize that
 * starts mid-walk makes the cursor see some keys twice. So when the
 * database has TTLs, a first walk reclaims what has expired; the clock is
 * fixed for the whole command, so the second walk deletes nothing and the
 * table does not change under it. */
static void cmd_keys(Client *c) {
    KeysCtx k = {c, c->argv[1], c->argl[1], c->argl[1] == 1 && c->argv[1][0] == '*', 0};
    if (db_expires(c->db) > 0) {
        uint64_t cur = 0;
        do cur = db_scan(c->db, cur, NULL, NULL);
        while (cur);
    }
    size_t mark = reply_defer_len(c);
    uint64_t cur = 0;
    do cur = db_scan(c->db, cur, keys_visit, &k);
    while (cur && !(c->flags & CLIENT_CLOSE_ASAP)); /* stops once over its obuf limit */
    reply_set_deferred_array(c, mark, k.n);
}


/* The TYPE filter compares as strcasecmp does: up to a NUL byte. */
static bool type_matches(const char *want, size_t wlen, const char *name) {
    const char *nul = memchr(want, '\0', wlen);
    if (nul) wlen = (size_t)(nul - want);
    size_t nlen = strlen(name);
    if (wlen != nlen) return false;
    for (size_t i = 0; i < nlen; i++) {
        char ch = want[i];
        if (ch >= 'A' && ch <= 'Z') ch = (char)(ch + 32);
        if (ch != name[i]) return false;
    }
    return true;
}

/* Keys gathered by one SCAN call, copied out of the table: [len][bytes]... */
typedef struct {
    const char *pat, *type;
    size_t plen, tlen;
    uint64_t visited;
    char *buf;
    size_t len, cap;
    int64_t n;
} ScanCtx;

static void scan_keep(ScanCtx *s, const char *key, size_t klen) {
    size_t need = sizeof(size_t) + klen;
    if (s->cap - s->len < need) {
        size_t cap = s->cap ? s->cap : 256;
        while (cap - s->len < need) cap *= 2;
        s->buf = mem_realloc(s->buf, cap);
        s->cap = cap;
    }
    memcpy(s->buf + s->len, &klen, sizeof(size_t));
    memcpy(s->buf + s->len + sizeof(size_t), key, klen);
    s->len += need;
    s->n++;
}

/* Redis counts every key its dictScan saw towards COUNT, then filters by
 * pattern and then by type; the type check is a lookup that counts a
 * keyspace hit for each key that passed the pattern. */
static void scan_visit(void *ctx, Entry *e) {
    ScanCtx *s = ctx;
    size_t klen;
    const char *key = entry_key(e, &klen);
    s->visited++;
    if (s->pat && !glob_match(s->pat, s->plen, key, klen, false)) return;
    if (s->type) {
        db_stat_hit(true);
        if (!type_matches(s->type, s->tlen, type_name(entry_type(e)))) return;
    }
    scan_keep(s, key, klen);
}

/* SCAN cursor [MATCH pattern] [COUNT count] [TYPE type] -- reply:
 * [next cursor as a bulk string, [keys]]. Like Redis, one call walks
 * buckets until it has seen COUNT keys, the cursor wraps to 0, or it has
 * walked COUNT*10 buckets. A key present for the whole iteration is
 * returned at least once (the table's cursor guarantee); keys are copied
 * out at each step, so nothing holds an Entry across a change. */
static void cmd_scan(Client *c) {
    uint64_t cursor;
    if (!arg_cursor_or_reply(c, 1, &cursor)) return;
    ScanCtx s = {0};
    int64_t count = 10;
    for (int i = 2; i < c->argc; i++) {
        bool has_value = i + 1 < c->argc;
        if (arg_opt_is(c, i, "count") && has_value) {
            if (!arg_int64_or_reply(c, i + 1, &count)) return;
            if (count < 1) {
                reply_syntax_error(c);
                return;
            }
        } else if (arg_opt_is(c, i, "match") && has_value) {
            bool all = c->argl[i + 1] == 1 && c->argv[i + 1][0] == '*';
            s.pat = all ? NULL : c->argv[i + 1];
            s.plen = c->argl[i + 1];
        } else if (arg_opt_is(c, i, "type") && has_value) {
            s.type = c->argv[i + 1];
            s.tlen = c->argl[i + 1];
        } else {
            reply_syntax_error(c);
            return;
        }
        i++;
    }
    uint64_t max_steps = (uint64_t)count > UINT64_MAX / 10 ? UINT64_MAX : (uint64_t)count * 10;
    do cursor = db_scan(c->db, cursor, scan_visit, &s);
    while (cursor && max_steps-- && s.visited < (uint64_t)count);

    char num[24];
    size_t nlen = (size_t)snprintf(num, sizeof(num), "%llu", (unsigned long long)cursor);
    reply_array(c, 2);
    reply_bulk(c, num, nlen);
    reply_array(c, s.n);
    for (size_t off = 0; off < s.len;) {
        size_t klen;
        memcpy(&klen, s.buf + off, sizeof(size_t));
        reply_bulk(c, s.buf + off + sizeof(size_t), klen);
        off += sizeof(size_t) + klen;
    }
    mem_free(s.buf);
}

/* RANDOMKEY -- a random live key, or null when the database is empty.
 * db_random_key gives up on expired picks after a while and may hand one
 * back; checking it again deletes it, so every retry shrinks the table
 * and the loop ends with a live key or an empty database. */
static void cmd_randomkey(Client *c) {
    char *key;
    size_t klen;
    for (;;) {
        if (!db_random_key(c->db, &key, &klen)) {
            reply_null(c);
            return;
        }
        if (db_exists(c->db, key, klen)) break;
        mem_free(key);
    }
    reply_bulk(c, key, klen);
    mem_free(key);
}

/* ---------- OBJECT ---------- */

/* The key for an OBJECT subcommand, without touching its access clock
 * (hits and misses still count); replies null when missing. */
static Entry *object_lookup_or_reply(Client *c) {
    Entry *e = db_lookup(c->db, c->argv[2], c->argl[2], true);
    db_stat_hit(e != NULL);
    if (!e) reply_null(c);
    return e;
}

static void cmd_object_encoding(Client *c) {
    Entry *e = object_lookup_or_reply(c);
    if (e) reply_cstr(c, entry_encoding_name(e));
}

/* Each answers only in its own mode (the access word holds one or the
 * other), with Redis's errors otherwise. */
static void cmd_object_idletime(Client *c) {
    Entry *e = object_lookup_or_reply(c);
    if (!e) return;
    if (lfu_on) {
        reply_error(c, "ERR An LFU maxmemory policy is selected, idle time not tracked. Please "
                       "note that when switching between policies at runtime LRU and LFU data "
                       "will take some time to adjust.");
        return;
    }
    reply_int(c, entry_idle_seconds(e));
}

static void cmd_object_freq(Client *c) {
    Entry *e = object_lookup_or_reply(c);
    if (!e) return;
    if (!lfu_on) {
        reply_error(c, "ERR An LFU maxmemory policy is not selected, access frequency not tracked. "
                       "Please note that when switching between policies at runtime LRU and LFU "
                       "data will take some time to adjust.");
        return;
    }
    reply_int(c, entry_lfu_counter_now(e));
}

/* Redis shares the objects of the integers 0..9999 (refcount INT_MAX)
 * unless a maxmemory limit is set with an LRU or LFU policy (each key then
 * needs its own access word); every other value has one reference. kilat
 * answers by the settings of now, Redis by those when the value was set. */
#define SHARED_INTEGERS 10000
static bool integers_shared(void) {
    const char *mm = config_value("maxmemory"), *p = config_value("maxmemory-policy");
    return !mm || !strcmp(mm, "0") || !p || (!strstr(p, "lru") && !strstr(p, "lfu"));
}

static void cmd_object_refcount(Client *c) {
    Entry *e = object_lookup_or_reply(c);
    if (!e) return;
    int64_t v;
    bool shared = entry_type(e) == TYPE_STRING && entry_is_int(e) && entry_get_int64(e, &v) &&
                  v >= 0 && v < SHARED_INTEGERS && integers_shared();
    reply_int(c, shared ? INT32_MAX : 1);
}

static void cmd_object_help(Client *c) {
    static const char *lines[] = {
        "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "ENCODING <key>",
        "    Return the kind of internal representation used in order to store the value",
        "    associated with a <key>.",
        "FREQ <key>",
        "    Return the access frequency index of the <key>. The returned integer is",
        "    proportional to the logarithm of the recent access frequency of the key.",
        "IDLETIME <key>",
        "    Return the idle time of the <key>, that is the approximated number of",
        "    seconds elapsed since the last access to the key.",
        "REFCOUNT <key>",
        "    Return the number of references of the value associated with the specified",
        "    <key>.",
        "HELP",
        "    Prints this help.",
    };
    reply_help(c, lines, ARRAY_LEN(lines));
}

/* ---------- EXPIRE, TTL, PERSIST ----------
 * Times are unix milliseconds; "now" is the command's start time (db_now),
 * so one command sees one clock. A key without a TTL counts as an infinite
 * TTL for GT and LT, as in Redis. */

enum { EXP_NX = 1, EXP_XX = 2, EXP_GT = 4, EXP_LT = 8 };

/* Parses the NX|XX|GT|LT words from argv[3] on, then checks them against
 * each other. false: replied with Redis's error. */
static bool expire_flags_or_reply(Client *c, int *flags) {
    *flags = 0;
    for (int i = 3; i < c->argc; i++) {
        if (arg_opt_is(c, i, "nx")) *flags |= EXP_NX;
        else if (arg_opt_is(c, i, "xx")) *flags |= EXP_XX;
        else if (arg_opt_is(c, i, "gt")) *flags |= EXP_GT;
        else if (arg_opt_is(c, i, "lt")) *flags |= EXP_LT;
        else {
            /* Redis formats the option with %s: it ends at a NUL byte. */
            size_t len = c->argl[i];
            const char *nul = memchr(c->argv[i], '\0', len);
            if (nul) len = (size_t)(nul - c->argv[i]);
            static const char prefix[] = "ERR Unsupported option ";
            char *msg = mem_alloc(sizeof(prefix) + len);
            memcpy(msg, prefix, sizeof(prefix) - 1);
            memcpy(msg + sizeof(prefix) - 1, c->argv[i], len);
            msg[sizeof(prefix) - 1 + len] = '\0';
            reply_error(c, msg);
            mem_free(msg);
            return false;
        }
    }
    if ((*flags & EXP_NX) && (*flags & (EXP_XX | EXP_GT | EXP_LT))) {
        reply_error(c, "ERR NX and XX, GT or LT options at the same time are not compatible");
        return false;
    }
    if ((*flags & EXP_GT) && (*flags & EXP_LT)) {
        reply_error(c, "ERR GT and LT options at the same time are not compatible");
        return false;
    }
    return true;
}

/* Whether the NX/XX/GT/LT conditions let `when` replace `cur` (-1: none). */
static bool expire_allowed(int flags, int64_t cur, int64_t when) {
    if ((flags & EXP_NX) && cur != -1) return false;
    if ((flags & EXP_XX) && cur == -1) return false;
    if ((flags & EXP_GT) && (cur == -1 || when <= cur)) return false;
    if ((flags & EXP_LT) && cur != -1 && when >= cur) return false;
    return true;
}

/* As Redis 7.0: a deleting EXPIRE propagates as DEL key (UNLINK with
 * lazyfree-lazy-expire), any other as PEXPIREAT key <abs ms> keeping its
 * NX/XX/GT/LT words; PEXPIREAT itself goes as it came. */
static void propagate_expire(Client *c, int64_t basetime, bool seconds, bool past, int64_t when) {
    if (past) {
        effects_del(c, cfg.lazyfree_lazy_expire, c->argv[1], c->argl[1]);
        return;
    }
    if (basetime == 0 && !seconds) return; /* PEXPIREAT: its own argv */
    char num[24];
    static const int at[2] = {0, 2};
    const char *with[2] = {"PEXPIREAT", num};
    size_t withl[2] = {9, num_format_int64(num, when)};
    effects_replace(c, 2, at, with, withl);
}

/* The shared body: `basetime` is added to the argument (now for the
 * relative forms, 0 for the absolute ones) after scaling it to ms.
 * Overflow in either step is "invalid expire time". A time at or before
 * now deletes the key (reply 1). Options are checked before the number. */
static void expire_generic(Client *c, int64_t basetime, bool seconds) {
    int flags;
    int64_t when;
    if (!expire_flags_or_reply(c, &flags)) return;
    if (!arg_int64_or_reply(c, 2, &when)) return;
    if (seconds) {
        if (when > INT64_MAX / 1000 || when < INT64_MIN / 1000) goto invalid;
        when *= 1000;
    }
    if (when > INT64_MAX - basetime) goto invalid;
    when += basetime;

    Entry *e = db_lookup(c->db, c->argv[1], c->argl[1], c->flags & CLIENT_NO_TOUCH);
    if (!e || (flags && !expire_allowed(flags, entry_expire(e), when))) {
        reply_int(c, 0);
        return;
    }
    bool past = db_time_passed(when);
    if (past) db_delete(c->db, c->argv[1], c->argl[1]);
    else db_set_expire(c->db, c->argv[1], c->argl[1], when);
    changed(c, 1, past ? "del" : "expire");
    if (propagate_has_sink()) propagate_expire(c, basetime, seconds, past, when);
    reply_int(c, 1);
    return;
invalid:
    reply_errorf(c, "ERR invalid expire time in '%s' command", c->cmd->fullname);
}

static void cmd_expire(Client *c) { expire_generic(c, db_now(), true); }
static void cmd_pexpire(Client *c) { expire_generic(c, db_now(), false); }
static void cmd_expireat(Client *c) { expire_generic(c, 0, true); }
static void cmd_pexpireat(Client *c) { expire_generic(c, 0, false); }

/* TTL and friends: -2 missing, -1 no TTL, else the time left (or the
 * absolute time), in ms or rounded to the nearest second. They count a
 * keyspace hit or miss and do not touch the key. */
static void ttl_generic(Client *c, bool ms, bool absolute) {
    Entry *e = db_lookup(c->db, c->argv[1], c->argl[1], true);
    db_note_read(c->db, c->argv[1], c->argl[1], e != NULL);
    if (!e) {
        reply_int(c, -2);
        return;
    }
    int64_t when = entry_expire(e);
    if (when == -1) {
        reply_int(c, -1);
        return;
    }
    int64_t t = absolute ? when : when - db_now();
    if (t < 0) t = 0;
    reply_int(c, ms ? t : (t + 500) / 1000);
}

static void cmd_ttl(Client *c) { ttl_generic(c, false, false); }
static void cmd_pttl(Client *c) { ttl_generic(c, true, false); }
static void cmd_expiretime(Client *c) { ttl_generic(c, false, true); }
static void cmd_pexpiretime(Client *c) { ttl_generic(c, true, true); }

/* PERSIST key -- 1 if a TTL was removed, 0 if missing or persistent. */
static void cmd_persist(Client *c) {
    Entry *e = db_lookup(c->db, c->argv[1], c->argl[1], c->flags & CLIENT_NO_TOUCH);
    if (!e || entry_expire(e) == -1) {
        reply_int(c, 0);
        return;
    }
    db_set_expire(c->db, c->argv[1], c->argl[1], DB_NO_TTL);
    changed(c, 1, "persist");
    reply_int(c, 1);
}

/* ---------- DBSIZE, FLUSHDB, FLUSHALL, SWAPDB ---------- */

/* Keys in the selected database, counting expired ones not yet reclaimed
 * (as Redis's dictSize). */
static void cmd_dbsize(Client *c) { reply_int(c, (int64_t)db_size(c->db)); }

/* [ASYNC|SYNC] of FLUSHDB/FLUSHALL; false: replied with a syntax error. */
static bool flush_mode_or_reply(Client *c, bool *async) {
    *async = false; /* lazyfree-lazy-user-flush is "no" */
    if (c->argc == 1) return true;
    if (c->argc == 2 && arg_opt_is(c, 1, "sync")) return true;
    if (c->argc == 2 && arg_opt_is(c, 1, "async")) {
        *async = true;
        return true;
    }
    reply_syntax_error(c);
    return false;
}

/* FLUSHDB and FLUSHALL propagate even when there was nothing to remove,
 * as Redis's forceCommandPropagation: the AOF and replicas must drop
 * whatever they hold too. */
static void propagate_flush(Client *c) {
    if (propagate_has_sink()) propagate_as(c, c->argc, (const char *const *)c->argv, c->argl);
}

static void cmd_flushdb(Client *c) {
    bool async;
    if (!flush_mode_or_reply(c, &async)) return;
    watch_touch_flush(c->db_index); /* while the keys are still there */
    db_flush(c->db, async);
    tracking_invalidate_flush();
    propagate_flush(c);
    reply_ok(c);
}

static void cmd_flushall(Client *c) {
    bool async;
    if (!flush_mode_or_reply(c, &async)) return;
    persist_before_flushall();
    for (int i = 0; i < db_count_dbs(); i++) {
        watch_touch_flush(i);
        db_flush(db_get(i), async);
    }
    tracking_invalidate_flush();
    persist_after_flushall();
    propagate_flush(c);
    reply_ok(c);
}

/* A SWAPDB index: any int32 parses, with the caller's message otherwise. */
static bool swap_index_or_reply(Client *c, int i, int *out, const char *msg) {
    int64_t n;
    if (!arg_int64(c, i, &n) || n < INT32_MIN || n > INT32_MAX) {
        reply_error(c, msg);
        return false;
    }
    *out = (int)n;
    return true;
}

/* SWAPDB a b -- clients stay on their index and see the other data.
 * Swapping a database with itself is allowed and still counts a change. */
static void cmd_swapdb(Client *c) {
    int a, b;
    if (!swap_index_or_reply(c, 1, &a, "ERR invalid first DB index")) return;
    if (!swap_index_or_reply(c, 2, &b, "ERR invalid second DB index")) return;
    if (!db_get(a) || !db_get(b)) {
        reply_error(c, "ERR DB index is out of range");
        return;
    }
    if (a != b) {
        watch_touch_swap(a, b); /* before: it compares both sides */
        db_swap(a, b);
        block_signal_db(a); /* waiters may now find their keys */
        block_signal_db(b);
    }
    db_add_dirty(1);
    reply_ok(c);
}

/* ---------- table ---------- */

#define GEN "generic"
#define SRV "server"
#define RO CMD_READONLY
#define RW CMD_WRITE

static Command object_subs[] = {
    {"encoding", cmd_object_encoding, 3, RO, 2, 2, 1, GEN, "Inspect the internal encoding of a Redis object", "2.2.3", "O(1)", "@keyspace @read @slow", NULL},
    {"freq", cmd_object_freq, 3, RO, 2, 2, 1, GEN, "Get the logarithmic access frequency counter of a Redis object", "4.0.0", "O(1)", "@keyspace @read @slow", NULL},
    {"help", cmd_object_help, 2, CMD_LOADING | CMD_STALE, 0, 0, 0, GEN, "Show helpful text about the different subcommands", "6.2.0", "O(1)", "@keyspace @slow", NULL},
    {"idletime", cmd_object_idletime, 3, RO, 2, 2, 1, GEN, "Get the time since a Redis object was last accessed", "2.2.3", "O(1)", "@keyspace @read @slow", NULL},
    {"refcount", cmd_object_refcount, 3, RO, 2, 2, 1, GEN, "Get the number of references to the value of the key", "2.2.3", "O(1)", "@keyspace @read @slow", NULL},
    {0},
};

Command keys_commands[] = {
    {"del", cmd_del, -2, RW, 1, -1, 1, GEN, "Delete a key", "1.0.0", "O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).", "@keyspace @write @slow", NULL},
    {"unlink", cmd_del, -2, RW | CMD_FAST, 1, -1, 1, GEN, "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.", "4.0.0", "O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.", "@keyspace @write @fast", NULL},
    {"exists", cmd_exists, -2, RO | CMD_FAST, 1, -1, 1, GEN, "Determine if a key exists", "1.0.0", "O(N) where N is the number of keys to check.", "@keyspace @read @fast", NULL},
    {"type", cmd_type, 2, RO | CMD_FAST, 1, 1, 1, GEN, "Determine the type stored at key", "1.0.0", "O(1)", "@keyspace @read @fast", NULL},
    {"touch", cmd_touch, -2, RO | CMD_FAST, 1, -1, 1, GEN, "Alters the last access time of a key(s). Returns the number of existing keys specified.", "3.2.1", "O(N) where N is the number of keys that will be touched.", "@keyspace @read @fast", NULL},
    {"rename", cmd_rename, 3, RW, 1, 2, 1, GEN, "Rename a key", "1.0.0", "O(1)", "@keyspace @write @slow", NULL},
    {"renamenx", cmd_renamenx, 3, RW | CMD_FAST, 1, 2, 1, GEN, "Rename a key, only if the new key does not exist", "1.0.0", "O(1)", "@keyspace @write @fast", NULL},
    {"copy", cmd_copy, -3, RW | CMD_DENYOOM, 1, 2, 1, GEN, "Copy a key", "6.2.0", "O(N) worst case for collections, where N is the number of nested items. O(1) for string values.", "@keyspace @write @slow", NULL},
    {"move", cmd_move, 3, RW | CMD_FAST, 1, 1, 1, GEN, "Move a key to another database", "1.0.0", "O(1)", "@keyspace @write @fast", NULL},
    {"keys", cmd_keys, 2, RO, 0, 0, 0, GEN, "Find all keys matching the given pattern", "1.0.0", "O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.", "@keyspace @read @slow @dangerous", NULL},
    {"scan", cmd_scan, -2, RO | CMD_TOUCHES_ARBITRARY_KEYS, 0, 0, 0, GEN, "Incrementally iterate the keys space", "2.8.0", "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.", "@keyspace @read @slow", NULL},
    {"randomkey", cmd_randomkey, 1, RO | CMD_TOUCHES_ARBITRARY_KEYS, 0, 0, 0, GEN, "Return a random key from the keyspace", "1.0.0", "O(1)", "@keyspace @read @slow", NULL},
    {"object", NULL, -2, 0, 0, 0, 0, GEN, "A container for object introspection commands", "2.2.3", "Depends on subcommand.", "@slow", object_subs},
    {"expire", cmd_expire, -3, RW | CMD_FAST, 1, 1, 1, GEN, "Set a key's time to live in seconds", "1.0.0", "O(1)", "@keyspace @write @fast", NULL},
    {"pexpire", cmd_pexpire, -3, RW | CMD_FAST, 1, 1, 1, GEN, "Set a key's time to live in milliseconds", "2.6.0", "O(1)", "@keyspace @write @fast", NULL},
    {"expireat", cmd_expireat, -3, RW | CMD_FAST, 1, 1, 1, GEN, "Set the expiration for a key as a UNIX timestamp", "1.2.0", "O(1)", "@keyspace @write @fast", NULL},
    {"pexpireat", cmd_pexpireat, -3, RW | CMD_FAST, 1, 1, 1, GEN, "Set the expiration for a key as a UNIX timestamp specified in milliseconds", "2.6.0", "O(1)", "@keyspace @write @fast", NULL},
    {"ttl", cmd_ttl, 2, RO | CMD_FAST, 1, 1, 1, GEN, "Get the time to live for a key in seconds", "1.0.0", "O(1)", "@keyspace @read @fast", NULL},
    {"pttl", cmd_pttl, 2, RO | CMD_FAST, 1, 1, 1, GEN, "Get the time to live for a key in milliseconds", "2.6.0", "O(1)", "@keyspace @read @fast", NULL},
    {"expiretime", cmd_expiretime, 2, RO | CMD_FAST, 1, 1, 1, GEN, "Get the expiration Unix timestamp for a key", "7.0.0", "O(1)", "@keyspace @read @fast", NULL},
    {"pexpiretime", cmd_pexpiretime, 2, RO | CMD_FAST, 1, 1, 1, GEN, "Get the expiration Unix timestamp for a key in milliseconds", "7.0.0", "O(1)", "@keyspace @read @fast", NULL},
    {"persist", cmd_persist, 2, RW | CMD_FAST, 1, 1, 1, GEN, "Remove the expiration from a key", "2.2.0", "O(1)", "@keyspace @write @fast", NULL},
    {"dbsize", cmd_dbsize, 1, RO | CMD_FAST, 0, 0, 0, SRV, "Return the number of keys in the selected database", "1.0.0", "O(1)", "@keyspace @read @fast", NULL},
    {"flushdb", cmd_flushdb, -1, RW | CMD_SIGNALS_NO_KEY, 0, 0, 0, SRV, "Remove all keys from the current database", "1.0.0", "O(N) where N is the number of keys in the selected database", "@keyspace @write @slow @dangerous", NULL},
    {"flushall", cmd_flushall, -1, RW | CMD_SIGNALS_NO_KEY, 0, 0, 0, SRV, "Remove all keys from all databases", "1.0.0", "O(N) where N is the total number of keys in all databases", "@keyspace @write @slow @dangerous", NULL},
    {"swapdb", cmd_swapdb, 3, RW | CMD_FAST | CMD_SIGNALS_NO_KEY, 0, 0, 0, SRV, "Swaps two Redis databases", "4.0.0", "O(N) where N is the count of clients watching or blocking on keys from both databases.", "@keyspace @write @fast @dangerous", NULL},
    {0},
};
