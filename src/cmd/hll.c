/* cmd/hll.c -- HyperLogLog commands: PFADD, PFCOUNT, PFMERGE, PFDEBUG,
 * PFSELFTEST. An HLL is a string value in Redis's byte format (ds/hll.h),
 * edited in place (db_string_edit) as Redis edits its sds: a corrupt
 * sparse value half-updated before the corruption was found stays so, as
 * in Redis. Replies, errors, dirty counts and events are Redis 7.0's. */
#include <string.h>

#include "../core/command.h"
#include "../core/config.h"
#include "../core/db.h"
#include "../core/notify.h"
#include "../core/reply.h"
#include "../ds/hll.h"
#include "../ds/mem.h"

#define ERR_INVALID "INVALIDOBJ Corrupted HLL object detected"
#define ERR_NOT_HLL "WRONGTYPE Key is not a valid HyperLogLog string value."

static inline Entry *lookup_read(Client *c, int i) {
    Entry *e = db_lookup(c->db, c->argv[i], c->argl[i], c->flags & CLIENT_NO_TOUCH);
    db_note_read(c->db, c->argv[i], c->argl[i], e != NULL);
    return e;
}

static inline Entry *lookup_write(Client *c, int i) {
    return db_lookup(c->db, c->argv[i], c->argl[i], c->flags & CLIENT_NO_TOUCH);
}

/* Redis's isHLLObjectOrReply: e's bytes, or false with WRONGTYPE sent. */
static bool hll_or_reply(Client *c, const Entry *e, const uint8_t **s, size_t *len) {
    if (entry_type(e) != TYPE_STRING) {
        reply_wrongtype(c);
        return false;
    }
    char buf[24];
    const uint8_t *p = (const uint8_t *)entry_str(e, len, buf);
    if (entry_is_int(e) || !hll_header_ok(p, *len)) {
        reply_error(c, ERR_NOT_HLL);
        return false;
    }
    if (s) *s = p;
    return true;
}

/* An HLL value open for editing: the key argv[arg]'s bytes. */
typedef struct {
    Client *c;
    int arg;
    uint8_t *s;
    size_t *len;
} Edit;

static void edit_open(Edit *ed, Client *c, int arg, size_t room) {
    ed->c = c;
    ed->arg = arg;
    ed->s = (uint8_t *)db_string_edit(c->db, c->argv[arg], c->argl[arg], room, &ed->len);
}

/* Room for `sets` register updates of a sparse value of len bytes: each
 * grows it by at most 3 bytes, and it never grows past the larger of its
 * size and hll-sparse-max-bytes (it turns dense instead). */
static size_t sparse_room(size_t len, size_t sets) {
    uint64_t cap = (uint64_t)cfg.hll_sparse_max_bytes;
    if (cap < len) cap = len;
    uint64_t want = (uint64_t)len + 3 * (uint64_t)sets;
    return (size_t)(want < cap ? want : cap) + HLL_SPARSE_SLACK;
}

/* Opens argv[arg], an existing HLL (checked) at e, for `sets` updates. */
static void edit_existing(Edit *ed, Client *c, int arg, const Entry *e, size_t sets) {
    char buf[24];
    size_t len;
    const uint8_t *s = (const uint8_t *)entry_str(e, &len, buf);
    bool dense = hll_encoding(s) == HLL_DENSE;
    edit_open(ed, c, arg, dense ? HLL_DENSE_SIZE : sparse_room(len, sets));
}

/* Creates argv[arg] as an empty sparse HLL and opens it. */
static void edit_new(Edit *ed, Client *c, int arg, size_t sets) {
    edit_open(ed, c, arg, sparse_room(HLL_EMPTY_SIZE, sets));
    hll_init(ed->s);
    *ed->len = HLL_EMPTY_SIZE;
    ed->s[HLL_EMPTY_SIZE] = 0;
}

static bool edit_to_dense(Edit *ed) {
    if (hll_encoding(ed->s) == HLL_DENSE) return true;
    edit_open(ed, ed->c, ed->arg, HLL_DENSE_SIZE);
    return hll_to_dense(ed->s, ed->len);
}

/* hll_set, turning the value dense when the sparse form cannot hold it. */
static int edit_set(Edit *ed, long index, uint8_t count) {
    int r = hll_set(ed->s, ed->len, index, count, cfg.hll_sparse_max_bytes);
    if (r != HLL_PROMOTE) return r;
    if (!edit_to_dense(ed)) return HLL_CORRUPT;
    return hll_set(ed->s, ed->len, index, count, cfg.hll_sparse_max_bytes);
}

/* PFADD key [element ...] -- 1 if a register changed or the key was made. */
static void cmd_pfadd(Client *c) {
    Entry *e = lookup_write(c, 1);
    size_t len, sets = (size_t)c->argc - 2;
    int64_t updated = 0;
    Edit ed;
    if (!e) {
        edit_new(&ed, c, 1, sets);
        updated++;
    } else {
        if (!hll_or_reply(c, e, NULL, &len)) return;
        edit_existing(&ed, c, 1, e, sets);
    }
    for (int j = 2; j < c->argc; j++) {
        long index;
        int count = hll_pattern(c->argv[j], c->argl[j], &index);
        int r = edit_set(&ed, index, (uint8_t)count);
        if (r == HLL_CORRUPT) {
            reply_error(c, ERR_INVALID);
            return;
        }
        if (r == HLL_CHANGED) updated++;
    }
    if (updated) {
        notify_write(NOTIFY_STRING, "pfadd", c->db_index, c->argv[1], c->argl[1]);
        db_add_dirty((uint64_t)updated);
        hll_cache_invalidate(ed.s);
    }
    reply_int(c, updated ? 1 : 0);
}

/* max[i] = the largest register i of the HLLs at argv[1..] (absent keys
 * are empty HLLs); *dense: one of them is dense. false: error replied. */
static bool max_registers_or_reply(Client *c, uint8_t *max, bool *dense) {
    memset(max, 0, HLL_REGISTERS);
    *dense = false;
    for (int j = 1; j < c->argc; j++) {
        Entry *e = lookup_read(c, j);
        const uint8_t *s;
        size_t len;
        if (!e) continue;
        if (!hll_or_reply(c, e, &s, &len)) return false;
        if (hll_encoding(s) == HLL_DENSE) *dense = true;
        if (!hll_merge_max(s, len, max)) {
            reply_error(c, ERR_INVALID);
            return false;
        }
    }
    return true;
}

/* PFCOUNT of several keys: the estimate of their union, changing none. */
static void pfcount_union(Client *c) {
    uint8_t *max = mem_alloc(HLL_REGISTERS);
    bool dense;
    if (max_registers_or_reply(c, max, &dense)) reply_int(c, (int64_t)hll_count_raw(max));
    mem_free(max);
}

/* PFCOUNT key [key ...] -- one key: its cached count, or the count computed
 * and cached (a change of the value: dirty, WATCH, propagated). */
static void cmd_pfcount(Client *c) {
    if (c->argc > 2) {
        pfcount_union(c);
        return;
    }
    Entry *e = lookup_read(c, 1);
    size_t len;
    if (!e) {
        reply_int(c, 0);
        return;
    }
    if (!hll_or_reply(c, e, NULL, &len)) return;
    Edit ed;
    edit_open(&ed, c, 1, len);
    uint64_t card;
    if (hll_cache_valid(ed.s)) {
        card = hll_cache_get(ed.s);
    } else {
        if (!hll_count(ed.s, *ed.len, &card)) {
            reply_error(c, ERR_INVALID);
            return;
        }
        hll_cache_set(ed.s, card);
        watch_touch_key(c->db_index, c->argv[1], c->argl[1]);
        db_add_dirty(1);
    }
    reply_int(c, (int64_t)card);
}

/* PFMERGE destkey [sourcekey ...] -- dest (created if absent, and a source
 * itself) gets the register maxima; dense if any input was dense. */
static void cmd_pfmerge(Client *c) {
    uint8_t *max = mem_alloc(HLL_REGISTERS);
    bool dense;
    if (!max_registers_or_reply(c, max, &dense)) goto done;
    Edit ed;
    Entry *dest = lookup_write(c, 1);
    if (dest) edit_existing(&ed, c, 1, dest, HLL_REGISTERS);
    else edit_new(&ed, c, 1, HLL_REGISTERS);
    if (dense && !edit_to_dense(&ed)) {
        reply_error(c, ERR_INVALID);
        goto done;
    }
    if (hll_encoding(ed.s) == HLL_DENSE) {
        hll_dense_store(ed.s, max); /* max covers dest's own registers too */
    } else {
        for (long i = 0; i < HLL_REGISTERS; i++)
            if (max[i]) edit_set(&ed, i, max[i]);
    }
    hll_cache_invalidate(ed.s);
    notify_write(NOTIFY_STRING, "pfadd", c->db_index, c->argv[1], c->argl[1]);
    db_add_dirty(1);
    reply_ok(c);
done:
    mem_free(max);
}

/* PFDEBUG GETREG|DECODE|ENCODING|TODENSE key. The key is checked before
 * the subcommand, as in Redis; an encoding change counts as a change (it
 * is propagated) but signals no key. */
static void cmd_pfdebug(Client *c) {
    Entry *e = lookup_write(c, 2);
    size_t len;
    if (!e) {
        reply_error(c, "ERR The specified key does not exist");
        return;
    }
    if (!hll_or_reply(c, e, NULL, &len)) return;
    Edit ed;
    edit_open(&ed, c, 2, len);
    bool sparse = hll_encoding(ed.s) == HLL_SPARSE;
    if (arg_is(c, 1, "getreg") || arg_is(c, 1, "todense")) {
        if (sparse) {
            if (!edit_to_dense(&ed)) {
                reply_error(c, ERR_INVALID);
                return;
            }
            db_add_dirty(1);
        }
        if (arg_is(c, 1, "todense")) {
            reply_int(c, sparse ? 1 : 0);
            return;
        }
        reply_array(c, HLL_REGISTERS);
        for (long i = 0; i < HLL_REGISTERS; i++) reply_int(c, hll_dense_get(ed.s, i));
    } else if (arg_is(c, 1, "decode")) {
        if (!sparse) {
            reply_error(c, "ERR HLL encoding is not sparse");
            return;
        }
        size_t n;
        char *text = hll_sparse_text(ed.s, *ed.len, &n);
        reply_bulk(c, text, n);
        mem_free(text);
    } else if (arg_is(c, 1, "encoding")) {
        reply_status(c, sparse ? "sparse" : "dense");
    } else {
        /* %s: the name up to a NUL, as Redis prints it */
        int n = (int)strnlen(c->argv[1], c->argl[1]);
        reply_errorf(c, "ERR Unknown PFDEBUG subcommand '%.*s'", n, c->argv[1]);
    }
}

static void cmd_pfselftest(Client *c) {
    const char *err = hll_selftest(cfg.hll_sparse_max_bytes);
    if (err) reply_error(c, err);
    else reply_ok(c);
}

#define GRP "hyperloglog"
/* clang-format off */
Command hll_commands[] = {
    {"pfadd", cmd_pfadd, -2, CMD_WRITE | CMD_DENYOOM | CMD_FAST, 1, 1, 1, GRP, "Adds the specified elements to the specified HyperLogLog.", "2.8.9", "O(1) to add every element.", "@write @hyperloglog @fast", NULL},
    {"pfcount", cmd_pfcount, -2, CMD_READONLY | CMD_MAY_REPLICATE, 1, -1, 1, GRP, "Return the approximated cardinality of the set(s) observed by the HyperLogLog at key(s).", "2.8.9", "O(1) with a very small average constant time when called with a single key. O(N) with N being the number of keys, and much bigger constant times, when called with multiple keys.", "@read @hyperloglog @slow", NULL},
    {"pfmerge", cmd_pfmerge, -2, CMD_WRITE | CMD_DENYOOM, 1, -1, 1, GRP, "Merge N different HyperLogLogs into a single one.", "2.8.9", "O(N) to merge N HyperLogLogs, but with high constant times.", "@write @hyperloglog @slow", NULL},
    {"pfdebug", cmd_pfdebug, 3, CMD_WRITE | CMD_DENYOOM | CMD_ADMIN | CMD_SIGNALS_NO_KEY, 2, 2, 1, GRP, "Internal commands for debugging HyperLogLog values", "2.8.9", "N/A", "@write @hyperloglog @admin @slow @dangerous", NULL},
    {"pfselftest", cmd_pfselftest, 1, CMD_ADMIN, 0, 0, 0, GRP, "An internal command for testing HyperLogLog values", "2.8.9", "N/A", "@hyperloglog @admin @slow @dangerous", NULL},
    {0},
};
/* clang-format on */
