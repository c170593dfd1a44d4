/* persist/aof_stream.c -- see aof_stream.h. */
#include "aof_stream.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../ds/stream_cg.h"
#include "aof_cmds.h"

static void head(RdbBuf *b, size_t argc) {
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "*%zu\r\n", argc);
    rdb_write_raw(b, tmp, (size_t)n);
}

static void bulk(RdbBuf *b, const char *s, size_t len) {
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "$%zu\r\n", len);
    rdb_write_raw(b, tmp, (size_t)n);
    rdb_write_raw(b, s, len);
    rdb_write_raw(b, "\r\n", 2);
}

static void bulk_str(RdbBuf *b, const char *s) { bulk(b, s, strlen(s)); }

static void bulk_id(RdbBuf *b, const StreamId *id) {
    char tmp[STREAM_ID_TEXT_MAX];
    bulk(b, tmp, stream_id_format(id, tmp));
}

static void bulk_int(RdbBuf *b, int64_t v) {
    char tmp[24];
    int n = snprintf(tmp, sizeof tmp, "%" PRId64, v);
    bulk(b, tmp, (size_t)n);
}

static void write_entries(RdbBuf *b, const char *key, size_t klen, Stream *s) {
    if (s->length == 0) {
        static const StreamId one = {0, 1};
        head(b, 7);
        bulk_str(b, "XADD");
        bulk(b, key, klen);
        bulk_str(b, "MAXLEN");
        bulk_str(b, "0");
        bulk_id(b, &one);
        bulk_str(b, "x");
        bulk_str(b, "y");
        return;
    }
    StreamIter it;
    StreamId id;
    size_t nf;
    stream_iter_start(&it, s, NULL, NULL, false);
    while (stream_iter_next(&it, &id, &nf)) {
        head(b, 3 + nf * 2);
        bulk_str(b, "XADD");
        bulk(b, key, klen);
        bulk_id(b, &id);
        for (size_t i = 0; i < nf; i++) {
            const char *f, *v;
            size_t fl, vl;
            stream_iter_field(&it, &f, &fl, &v, &vl);
            bulk(b, f, fl);
            bulk(b, v, vl);
        }
    }
    stream_iter_stop(&it);
}

static void write_group(RdbBuf *b, const char *key, size_t klen, const StreamGroup *g) {
    head(b, 7);
    bulk_str(b, "XGROUP");
    bulk_str(b, "CREATE");
    bulk(b, key, klen);
    bulk(b, g->name, g->name_len);
    bulk_id(b, &g->last_id);
    bulk_str(b, "ENTRIESREAD");
    bulk_int(b, g->entries_read);
    for (size_t i = 0; i < g->nconsumers; i++) {
        const StreamConsumer *c = g->consumers[i];
        if (idmap_len(c->pel) == 0) {
            head(b, 5);
            bulk_str(b, "XGROUP");
            bulk_str(b, "CREATECONSUMER");
            bulk(b, key, klen);
            bulk(b, g->name, g->name_len);
            bulk(b, c->name, c->name_len);
            continue;
        }
        for (IdMapNode *n = idmap_first(c->pel); n; n = idmap_next(n)) {
            const StreamNack *nack = idmap_node_val(n);
            head(b, 12);
            bulk_str(b, "XCLAIM");
            bulk(b, key, klen);
            bulk(b, g->name, g->name_len);
            bulk(b, c->name, c->name_len);
            bulk_str(b, "0");
            bulk_id(b, idmap_node_id(n));
            bulk_str(b, "TIME");
            bulk_int(b, nack->delivery_time);
            bulk_str(b, "RETRYCOUNT");
            bulk_int(b, (int64_t)nack->delivery_count);
            bulk_str(b, "JUSTID");
            bulk_str(b, "FORCE");
        }
    }
}

void aof_append_stream(RdbBuf *b, const char *key, size_t klen, Stream *s) {
    write_entries(b, key, klen, s);
    head(b, 7);
    bulk_str(b, "XSETID");
    bulk(b, key, klen);
    bulk_id(b, &s->last_id);
    bulk_str(b, "ENTRIESADDED");
    bulk_int(b, (int64_t)s->entries_added);
    bulk_str(b, "MAXDELETEDID");
    bulk_id(b, &s->max_deleted_id);
    size_t ng = stream_groups_count(s->groups);
    for (size_t i = 0; i < ng; i++) write_group(b, key, klen, stream_groups_at(s->groups, i));
}
