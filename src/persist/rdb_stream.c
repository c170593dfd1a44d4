/* persist/rdb_stream.c -- streams in RDB (see rdb_stream.h). Nodes are
 * turned between kilat's listpacks and Redis's bytes element by element
 * (lp_to_redis one way, rdb_blob's walker and lp_append the other); groups
 * are rebuilt through ds/stream_cg's loading functions, in the order that
 * lets each rule be checked as its bytes arrive. */
#include "rdb_stream.h"

#include <stdio.h>
#include <string.h>

#include "../ds/listpack.h"
#include "../ds/mem.h"
#include "../ds/stream_cg.h"
#include "rdb_blob.h"
#include "rdb_format.h"
#include "rdb_stream_lp.h"

/* ---------- writing ---------- */

static void write_id_raw(RdbBuf *b, const StreamId *id) {
    unsigned char raw[16];
    stream_id_encode(id, raw);
    rdb_write_raw(b, raw, 16);
}

static void write_pair(RdbBuf *b, const StreamId *id) {
    rdb_write_len(b, id->ms);
    rdb_write_len(b, id->seq);
}

static void write_group(RdbBuf *b, const StreamGroup *g) {
    rdb_write_string(b, g->name, g->name_len);
    write_pair(b, &g->last_id);
    rdb_write_len(b, (uint64_t)g->entries_read); /* -1 (unknown) as 2^64-1, as Redis */
    rdb_write_len(b, idmap_len(g->pel));
    for (IdMapNode *n = idmap_first(g->pel); n; n = idmap_next(n)) {
        const StreamNack *nack = idmap_node_val(n);
        write_id_raw(b, idmap_node_id(n));
        rdb_write_u64le(b, (uint64_t)nack->delivery_time);
        rdb_write_len(b, nack->delivery_count);
    }
    rdb_write_len(b, g->nconsumers);
    for (size_t i = 0; i < g->nconsumers; i++) {
        const StreamConsumer *c = g->consumers[i];
        rdb_write_string(b, c->name, c->name_len);
        rdb_write_u64le(b, (uint64_t)c->seen_time);
        rdb_write_len(b, idmap_len(c->pel));
        for (IdMapNode *n = idmap_first(c->pel); n; n = idmap_next(n)) write_id_raw(b, idmap_node_id(n));
    }
}

void rdb_stream_write(RdbBuf *b, const Stream *s) {
    size_t nodes = stream_node_count(s);
    rdb_write_len(b, nodes);
    RdbBuf lp;
    rdbbuf_init(&lp, false);
    for (size_t i = 0; i < nodes; i++) {
        StreamId master;
        const unsigned char *klp = stream_node_get(s, i, &master);
        unsigned char key[16];
        stream_id_encode(&master, key);
        rdb_write_string(b, (const char *)key, 16);
        size_t n = lp_redis_bytes(klp);
        rdbbuf_reset(&lp);
        if (lp.cap < n) {
            lp.buf = mem_realloc(lp.buf, n);
            lp.cap = n;
        }
        lp_to_redis(klp, lp.buf);
        rdb_write_string(b, (const char *)lp.buf, n);
    }
    rdbbuf_free(&lp);
    rdb_write_len(b, s->length);
    write_pair(b, &s->last_id);
    write_pair(b, &s->first_id);
    write_pair(b, &s->max_deleted_id);
    rdb_write_len(b, s->entries_added);
    size_t ng = stream_groups_count(s->groups);
    rdb_write_len(b, ng);
    for (size_t i = 0; i < ng; i++) write_group(b, stream_groups_at(s->groups, i));
}

/* ---------- reading ---------- */

static bool read_len(RdbReader *r, uint64_t *v) { return rdb_read_len(r, v, NULL); }

static bool read_pair(RdbReader *r, StreamId *id) {
    return read_len(r, &id->ms) && read_len(r, &id->seq);
}

static bool read_id_raw(RdbReader *r, StreamId *id) {
    unsigned char raw[16];
    if (!rdb_read_raw(r, raw, 16)) return false;
    stream_id_decode(raw, id);
    return true;
}

static bool read_ms(RdbReader *r, int64_t *ms) {
    uint64_t v;
    if (!rdb_read_u64le(r, &v)) return false;
    *ms = (int64_t)v;
    return true;
}

static bool append_elem(void *ctx, const BlobElem *e) {
    unsigned char **lp = ctx;
    *lp = e->is_int ? lp_append_int(*lp, e->v) : lp_append(*lp, e->s, e->len);
    return true;
}

/* One (master ID, listpack) pair: checked, converted, added. *prev_live
 * tracks the last live ID so far (nodes must follow it). */
static bool read_node(RdbReader *r, Stream *s, StreamId *prev_live, bool *any_live) {
    char *key, *blob;
    size_t klen, n;
    if (!rdb_read_string(r, &key, &klen)) return false;
    if (klen != 16) {
        mem_free(key);
        return rdb_fail(r, "Stream node key entry is not the size of a stream ID");
    }
    StreamId master;
    stream_id_decode((const unsigned char *)key, &master);
    mem_free(key);
    if (!rdb_read_string(r, &blob, &n)) return false;
    const unsigned char *u = (const unsigned char *)blob;
    StreamLpInfo info;
    const char *why;
    bool ok;
    rdb_count_sanitization(r);
    if (!stream_lp_check(u, n, r->deep_sanitize)) ok = rdb_fail(r, "Stream listpack integrity check failed.");
    else if (n == 7) ok = rdb_fail(r, "Empty listpack inside stream");
    else if (!stream_lp_check_node(u, n, &master, &info, &why)) ok = rdb_fail(r, "%s", why);
    else ok = true;
    if (ok) {
        StreamId last_master;
        if (stream_node_count(s)) {
            stream_node_get(s, stream_node_count(s) - 1, &last_master);
            if (stream_id_cmp(&master, &last_master) == 0) ok = rdb_fail(r, "Listpack re-added with existing key");
            else if (stream_id_cmp(&master, &last_master) < 0) ok = rdb_fail(r, "Stream nodes out of order");
        }
        if (ok && *any_live && stream_id_cmp(&master, prev_live) <= 0)
            ok = rdb_fail(r, "Stream nodes out of order");
    }
    if (ok) {
        unsigned char *klp = lp_new();
        blob_listpack_walk(u, n, append_elem, &klp, NULL);
        /* not stream_node_valid: it refuses a tombstone above a later
         * entry, which XSETID + XADD make (in Redis and in kilat) */
        if (!stream_node_load(s, &master, klp)) {
            lp_free(klp);
            ok = rdb_fail(r, "Stream nodes out of order");
        } else if (info.live) {
            *prev_live = info.last_live;
            *any_live = true;
        }
    }
    mem_free(blob);
    return ok;
}

static bool read_group(RdbReader *r, Stream *s, int type) {
    char *name;
    size_t nlen;
    if (!rdb_read_string(r, &name, &nlen)) return false;
    StreamId last;
    uint64_t entries_read = 0, npel, ncons;
    if (!read_pair(r, &last) || (type == RDB_TYPE_STREAM_LISTPACKS_2 && !read_len(r, &entries_read))) {
        mem_free(name);
        return false;
    }
    int64_t er;
    if (type == RDB_TYPE_STREAM_LISTPACKS_2) {
        er = (int64_t)entries_read;
    } else {
        StreamFacts f = {s->length, s->last_id, s->first_id, s->max_deleted_id, s->entries_added};
        er = stream_facts_distance(&f, &last);
    }
    if (!s->groups) s->groups = stream_groups_new();
    StreamGroup *g = stream_groups_add(s->groups, name, nlen, &last, er);
    if (!g) {
        rdb_fail(r, "Duplicated consumer group name %s", name);
        mem_free(name);
        return false;
    }
    mem_free(name);
    if (!read_len(r, &npel)) return false;
    for (uint64_t i = 0; i < npel; i++) {
        StreamId id;
        int64_t when;
        uint64_t count;
        if (!read_id_raw(r, &id) || !read_ms(r, &when) || !read_len(r, &count)) return false;
        if (!stream_group_load_nack(g, &id, when, count))
            return rdb_fail(r, "Duplicated global PEL entry loading stream consumer group");
    }
    if (!read_len(r, &ncons)) return false;
    for (uint64_t i = 0; i < ncons; i++) {
        char *cname;
        size_t clen;
        int64_t seen;
        uint64_t cpel;
        if (!rdb_read_string(r, &cname, &clen)) return false;
        StreamConsumer *c = stream_group_consumer_add(g, cname, clen, 0);
        mem_free(cname);
        if (!c) return rdb_fail(r, "Duplicate stream consumer detected.");
        if (!read_ms(r, &seen)) return false;
        c->seen_time = seen;
        if (!read_len(r, &cpel)) return false;
        for (uint64_t k = 0; k < cpel; k++) {
            StreamId id;
            if (!read_id_raw(r, &id)) return false;
            StreamNack *nack = stream_group_nack_find(g, &id);
            if (!nack) return rdb_fail(r, "Consumer entry not found in group global PEL");
            if (nack->consumer) return rdb_fail(r, "Stream consumer PEL entry already has a consumer assigned");
            if (!stream_group_load_claim(g, c, &id))
                return rdb_fail(r, "Duplicated consumer PEL entry  loading a stream consumer group");
        }
    }
    /* Redis checks this only under deep sanitization; kilat always (a
     * record without an owner would be reached through a NULL consumer). */
    if (!stream_group_load_check(g)) return rdb_fail(r, "Stream CG PEL entry without consumer");
    return true;
}

static bool read_body(RdbReader *r, int type, Stream *s) {
    uint64_t nodes, ngroups;
    if (!read_len(r, &nodes)) return false;
    StreamId prev_live = {0, 0};
    bool any_live = false;
    uint64_t live = 0;
    for (uint64_t i = 0; i < nodes; i++)
        if (!read_node(r, s, &prev_live, &any_live)) return false;
    /* the live entries, counted from the nodes themselves */
    for (size_t i = 0; i < stream_node_count(s); i++) {
        StreamId m;
        unsigned char *klp = (unsigned char *)stream_node_get(s, i, &m);
        LpVal v;
        lp_get(lp_first(klp), &v);
        live += (uint64_t)v.v;
    }
    if (!read_len(r, &s->length) || !read_pair(r, &s->last_id)) return false;
    if (type == RDB_TYPE_STREAM_LISTPACKS_2) {
        if (!read_pair(r, &s->first_id) || !read_pair(r, &s->max_deleted_id) ||
            !read_len(r, &s->entries_added))
            return false;
    } else {
        s->max_deleted_id = (StreamId){0, 0};
        s->entries_added = s->length;
        if (!stream_edge_id(s, true, &s->first_id)) s->first_id = (StreamId){0, 0};
    }
    if (s->length && !stream_node_count(s)) return rdb_fail(r, "Stream length inconsistent with rax entries");
    if (s->length != live) return rdb_fail(r, "Stream length inconsistent with its nodes");
    if (any_live && stream_id_cmp(&prev_live, &s->last_id) > 0)
        return rdb_fail(r, "Stream last ID below its last entry");
    if (!read_len(r, &ngroups)) return false;
    for (uint64_t i = 0; i < ngroups; i++)
        if (!read_group(r, s, type)) return false;
    return true;
}

bool rdb_stream_read(RdbReader *r, int type, Stream **out) {
    Stream *s = stream_new();
    if (!read_body(r, type, s)) {
        stream_free(s);
        *out = NULL;
        return false;
    }
    *out = s;
    return true;
}
