/* persist/aof_cmds.c -- see aof_cmds.h. */
#include "aof_cmds.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../core/t_hash.h"
#include "../core/t_set.h"
#include "../core/t_zset.h"
#include "../ds/quicklist.h"
#include "aof_stream.h"

static void append_len(RdbBuf *b, char kind, size_t n) {
    char tmp[32];
    int len = snprintf(tmp, sizeof(tmp), "%c%zu\r\n", kind, n);
    rdb_write_raw(b, tmp, (size_t)len);
}

void aof_append_command(RdbBuf *b, int argc, const char *const *argv, const size_t *argl) {
    append_len(b, '*', (size_t)argc);
    for (int i = 0; i < argc; i++) {
        append_len(b, '$', argl[i]);
        rdb_write_raw(b, argv[i], argl[i]);
        rdb_write_raw(b, "\r\n", 2);
    }
}

/* ---- a whole key as commands (Redis 7.0's rewriteAppendOnlyFileRio) ---- */

#define ITEMS_PER_CMD 64 /* AOF_REWRITE_ITEMS_PER_CMD */

static void append_bulk(RdbBuf *b, const char *s, size_t len) {
    append_len(b, '$', len);
    rdb_write_raw(b, s, len);
    rdb_write_raw(b, "\r\n", 2);
}

static void append_bulk_int(RdbBuf *b, int64_t v) {
    char tmp[24];
    int len = snprintf(tmp, sizeof(tmp), "%" PRId64, v);
    append_bulk(b, tmp, (size_t)len);
}

/* Scores as Redis's rioWriteBulkDouble: %.17g ("inf", "-inf" included). */
static void append_bulk_double(RdbBuf *b, double d) {
    char tmp[64];
    int len = snprintf(tmp, sizeof(tmp), "%.17g", d);
    append_bulk(b, tmp, (size_t)len);
}

/* A collection's elements, ITEMS_PER_CMD per command: each command's
 * header (*<n> CMD key) goes out before its first element, sized for the
 * elements left. */
typedef struct {
    RdbBuf *b;
    const char *cmd, *key;
    size_t klen;
    size_t left;     /* elements not written yet */
    int in_cmd;      /* elements in the current command */
    int bulks;       /* bulks per element: 1, or 2 (pairs) */
} Batch;

static void batch_next(Batch *t) {
    if (t->in_cmd == 0) {
        size_t n = t->left < ITEMS_PER_CMD ? t->left : ITEMS_PER_CMD;
        append_len(t->b, '*', 2 + n * (size_t)t->bulks);
        append_bulk(t->b, t->cmd, strlen(t->cmd));
        append_bulk(t->b, t->key, t->klen);
    }
    if (++t->in_cmd == ITEMS_PER_CMD) t->in_cmd = 0;
    t->left--;
}

static bool list_item(void *ctx, const LpVal *v) {
    Batch *t = ctx;
    batch_next(t);
    if (v->s) append_bulk(t->b, v->s, v->len);
    else append_bulk_int(t->b, v->v);
    return true;
}

static bool set_item(void *ctx, const SetMember *m) {
    Batch *t = ctx;
    batch_next(t);
    if (m->s) append_bulk(t->b, m->s, m->len);
    else append_bulk_int(t->b, m->v);
    return true;
}

static void append_hashval(RdbBuf *b, const HashVal *v) {
    if (v->s) append_bulk(b, v->s, v->len);
    else append_bulk_int(b, v->v);
}

static bool hash_item(void *ctx, const HashVal *f, const HashVal *v) {
    Batch *t = ctx;
    batch_next(t);
    append_hashval(t->b, f);
    append_hashval(t->b, v);
    return true;
}

void aof_append_entry(RdbBuf *b, const Entry *e) {
    size_t klen;
    const char *key = entry_key(e, &klen);
    Batch t = {.b = b, .key = key, .klen = klen, .bulks = 1};
    switch (entry_type(e)) {
    case TYPE_STRING: {
        char buf[24];
        size_t vlen;
        const char *v = entry_str(e, &vlen, buf);
        append_len(b, '*', 3);
        append_bulk(b, "SET", 3);
        append_bulk(b, key, klen);
        append_bulk(b, v, vlen);
        break;
    }
    case TYPE_LIST: {
        const Quicklist *ql = entry_obj(e);
        t.cmd = "RPUSH";
        t.left = ql_count(ql);
        ql_walk(ql, 0, false, list_item, &t);
        break;
    }
    case TYPE_SET: {
        const Set *s = entry_obj(e);
        t.cmd = "SADD";
        t.left = set_len(s);
        set_foreach(s, set_item, &t);
        break;
    }
    case TYPE_ZSET: {
        Zset *z = entry_obj(e);
        ZsetIter it;
        ZsetElem el;
        t.cmd = "ZADD";
        t.bulks = 2;
        t.left = zset_len(z);
        zset_iter_rank(&it, z, 0, false);
        while (zset_iter_next(&it, &el)) {
            batch_next(&t);
            append_bulk_double(b, el.score);
            append_bulk(b, el.m, el.len);
        }
        break;
    }
    case TYPE_HASH: {
        Hash *h = entry_obj(e);
        t.cmd = "HMSET";
        t.bulks = 2;
        t.left = hash_len(h);
        hash_foreach(h, hash_item, &t);
        break;
    }
    case TYPE_STREAM: aof_append_stream(b, key, klen, entry_obj(e)); break;
    }
    int64_t when = entry_expire(e);
    if (when != -1) {
        append_len(b, '*', 3);
        append_bulk(b, "PEXPIREAT", 9);
        append_bulk(b, key, klen);
        append_bulk_int(b, when);
    }
}
