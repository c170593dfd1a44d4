/* persist/rdb_stream_lp.c -- stream nodes in Redis's listpack layout: the
 * checks (see rdb_stream_lp.h) and the entry walker. A cursor reads one
 * element at a time with blob_listpack_entry, so every element is checked
 * (encoding, bounds, back-length) before its value is used, and reading at
 * the end byte fails. */
#include "rdb_stream_lp.h"

#include <string.h>

#include "../ds/mem.h"
#include "../ds/num.h"

#define HDR 6

typedef struct {
    const unsigned char *p, *end; /* end: the 0xFF byte */
} Cur;

static bool cur_init(Cur *c, const unsigned char *lp, size_t n) {
    if (n < HDR + 1) return false;
    uint32_t total = (uint32_t)lp[0] | (uint32_t)lp[1] << 8 | (uint32_t)lp[2] << 16 |
                     (uint32_t)lp[3] << 24;
    if (total != n || lp[n - 1] != 0xFF) return false;
    c->p = lp + HDR;
    c->end = lp + n - 1;
    return true;
}

static bool cur_any(Cur *c, BlobElem *e) {
    size_t sz = blob_listpack_entry(c->p, c->end, e);
    if (sz == 0) return false;
    c->p += sz;
    return true;
}

/* An element read as an integer: integer encodings, or a string that is a
 * canonical int64 (as Redis's lpGetIntegerIfValid). */
static bool cur_int(Cur *c, int64_t *v) {
    BlobElem e;
    if (!cur_any(c, &e)) return false;
    if (e.is_int) {
        *v = e.v;
        return true;
    }
    return num_parse_int64(e.s, e.len, v);
}

static bool cur_skip(Cur *c, int64_t n) {
    BlobElem e;
    for (int64_t i = 0; i < n; i++)
        if (!cur_any(c, &e)) return false;
    return true;
}

bool stream_lp_check(const unsigned char *lp, size_t n, bool deep) {
    Cur c;
    if (!cur_init(&c, lp, n)) return false;
    if (!deep) return true;
    int64_t count, deleted, mfields, zero;
    if (!cur_int(&c, &count) || !cur_int(&c, &deleted) || !cur_int(&c, &mfields)) return false;
    if (!cur_skip(&c, mfields) || !cur_int(&c, &zero) || zero != 0) return false;
    /* a negative total makes Redis walk until the elements run out: a
     * failure either way */
    int64_t total = (int64_t)((uint64_t)count + (uint64_t)deleted);
    if (total < 0) return false;
    while (total--) {
        int64_t flags, ms, seq, fields = mfields, extra = 3, lpcount;
        if (!cur_int(&c, &flags) || !cur_int(&c, &ms) || !cur_int(&c, &seq)) return false;
        if (!(flags & STREAM_LP_SAMEFIELDS)) {
            if (!cur_int(&c, &fields) || !cur_skip(&c, fields)) return false;
            extra += fields + 1;
        }
        if (!cur_skip(&c, fields) || !cur_int(&c, &lpcount)) return false;
        if (lpcount != fields + extra) return false;
    }
    return c.p == c.end;
}

static bool bad(const char **why, const char *msg) {
    *why = msg;
    return false;
}

bool stream_lp_check_node(const unsigned char *lp, size_t n, const StreamId *master,
                          StreamLpInfo *info, const char **why) {
    *why = "Stream listpack integrity check failed.";
    if (!stream_lp_check(lp, n, true)) return false;
    Cur c;
    cur_init(&c, lp, n);
    int64_t count, deleted, mfields, zero;
    cur_int(&c, &count);
    cur_int(&c, &deleted);
    cur_int(&c, &mfields);
    if (count < 0 || deleted < 0 || mfields < 1) return bad(why, "Stream node with bad master entry counts");
    cur_skip(&c, mfields);
    cur_int(&c, &zero);
    memset(info, 0, sizeof(*info));
    uint64_t live = 0, dead = 0;
    StreamId prev = {0, 0};
    for (uint64_t i = 0; i < (uint64_t)count + (uint64_t)deleted; i++) {
        int64_t flags, ms, seq, fields = mfields, lpcount;
        cur_int(&c, &flags);
        cur_int(&c, &ms);
        cur_int(&c, &seq);
        if (flags < 0 || flags > (STREAM_LP_DELETED | STREAM_LP_SAMEFIELDS))
            return bad(why, "Stream entry with unknown flags");
        if (!(flags & STREAM_LP_SAMEFIELDS)) {
            cur_int(&c, &fields);
            if (fields < 1) return bad(why, "Stream entry without fields");
            cur_skip(&c, fields);
        }
        cur_skip(&c, fields);
        cur_int(&c, &lpcount);
        StreamId id = {master->ms + (uint64_t)ms, master->seq + (uint64_t)seq};
        if (stream_id_cmp(&id, master) < 0) return bad(why, "Stream node entry below its master ID");
        if (i == 0) info->first = info->last = id;
        if (stream_id_cmp(&id, &info->last) > 0) info->last = id;
        if (flags & STREAM_LP_DELETED) {
            dead++;
        } else {
            if (live > 0 && stream_id_cmp(&id, &prev) <= 0)
                return bad(why, "Stream node entries out of order");
            if (live++ == 0) info->first_live = id;
            info->last_live = prev = id;
        }
    }
    if (live != (uint64_t)count || dead != (uint64_t)deleted)
        return bad(why, "Stream node counts do not match its entries");
    info->live = live;
    info->deleted = dead;
    return true;
}

bool stream_lp_walk(const unsigned char *lp, size_t n, const StreamId *master, StreamLpFn fn,
                    void *ctx) {
    Cur c;
    if (!cur_init(&c, lp, n)) return false;
    int64_t count, deleted, mfields, zero;
    cur_int(&c, &count);
    cur_int(&c, &deleted);
    cur_int(&c, &mfields);
    /* fv: values then names; grows with the widest entry */
    size_t cap = (size_t)mfields;
    BlobElem *mf = mem_alloc(sizeof(BlobElem) * (size_t)mfields);
    BlobElem *fv = mem_alloc(sizeof(BlobElem) * 2 * cap);
    for (int64_t j = 0; j < mfields; j++) cur_any(&c, &mf[j]);
    cur_int(&c, &zero);
    bool ok = true;
    for (uint64_t i = 0; ok && i < (uint64_t)count + (uint64_t)deleted; i++) {
        int64_t flags, ms, seq, fields = mfields, lpcount;
        StreamLpEntry e;
        cur_int(&c, &flags);
        cur_int(&c, &ms);
        cur_int(&c, &seq);
        e.id.ms = master->ms + (uint64_t)ms;
        e.id.seq = master->seq + (uint64_t)seq;
        e.deleted = flags & STREAM_LP_DELETED;
        if (flags & STREAM_LP_SAMEFIELDS) {
            e.fields = mf;
        } else {
            cur_int(&c, &fields);
            if ((size_t)fields > cap) {
                cap = (size_t)fields;
                mem_free(fv);
                fv = mem_alloc(sizeof(BlobElem) * 2 * cap);
            }
            for (int64_t j = 0; j < fields; j++) cur_any(&c, &fv[cap + (size_t)j]);
            e.fields = fv + cap;
        }
        for (int64_t j = 0; j < fields; j++) cur_any(&c, &fv[j]);
        e.values = fv;
        e.nfields = (size_t)fields;
        cur_int(&c, &lpcount);
        ok = fn(ctx, &e);
    }
    mem_free(mf);
    mem_free(fv);
    return ok;
}
