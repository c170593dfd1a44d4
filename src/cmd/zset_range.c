/* cmd/zset_range.c -- sorted-set range commands: ZRANGE (BYSCORE, BYLEX,
 * REV, LIMIT, WITHSCORES) and its older forms, ZRANGESTORE, ZCOUNT,
 * ZLEXCOUNT, ZREMRANGEBYRANK/SCORE/LEX; and the parsing of score and lex
 * intervals. Ranges are parsed before the key is looked up, so a bad range
 * is reported even for a missing key or one of another type. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../core/args.h"
#include "../core/reply.h"
#include "../ds/mem.h"
#include "zset.h"

/* ---------- interval parsing ---------- */

/* One end of a score interval, as Redis's strtod-based parse: "(" makes it
 * exclusive; the rest is read by strtod up to the first NUL byte (so
 * leading spaces, hex, "inf" and even "" are numbers); NaN is refused. */
static bool parse_score_end(const char *s, size_t len, double *out, bool *ex) {
    *ex = len > 0 && s[0] == '(';
    if (*ex) {
        s++;
        len--;
    }
    char small[128], *buf = len < sizeof(small) ? small : mem_alloc(len + 1);
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end;
    double d = strtod(buf, &end);
    bool ok = *end == '\0' && !isnan(d);
    if (buf != small) mem_free(buf);
    *out = d;
    return ok;
}

static bool score_range_or_reply(Client *c, int mini, int maxi, ZRangeScore *r) {
    if (!parse_score_end(c->argv[mini], c->argl[mini], &r->min, &r->minex) ||
        !parse_score_end(c->argv[maxi], c->argl[maxi], &r->max, &r->maxex)) {
        reply_error(c, "ERR min or max is not a float");
        return false;
    }
    return true;
}

/* One end of a lex interval: "-", "+", or '[' / '(' and a string. */
static bool parse_lex_end(const char *s, size_t len, const char **str, size_t *slen,
                          uint8_t *kind) {
    if (len == 0) return false;
    *str = s + 1;
    *slen = len - 1;
    switch (s[0]) {
    case '+':
        *kind = ZLEX_MAX;
        return len == 1;
    case '-':
        *kind = ZLEX_MIN;
        return len == 1;
    case '[': *kind = ZLEX_INCL; return true;
    case '(': *kind = ZLEX_EXCL; return true;
    default: return false;
    }
}

static bool lex_range_or_reply(Client *c, int mini, int maxi, ZRangeLex *r) {
    if (!parse_lex_end(c->argv[mini], c->argl[mini], &r->min, &r->minlen, &r->minkind) ||
        !parse_lex_end(c->argv[maxi], c->argl[maxi], &r->max, &r->maxlen, &r->maxkind)) {
        reply_error(c, "ERR min or max not valid string range item");
        return false;
    }
    return true;
}

/* Redis's rank clamping: negative from the end; false when empty. */
static bool clamp_ranks(int64_t *start, int64_t *end, size_t len) {
    int64_t n = (int64_t)len;
    if (*start < 0) *start += n;
    if (*end < 0) *end += n;
    if (*start < 0) *start = 0;
    if (*start > *end || *start >= n) return false;
    if (*end >= n) *end = n - 1;
    return true;
}

/* ---------- where a range goes: the reply, or a set to store ---------- */

typedef struct {
    Client *c;
    bool withscores;
    Zset *dst;      /* ZRANGESTORE: the set being built */
    int dsti;
    size_t mark;
    bool deferred;
    int64_t n;
} Sink;

static void sink_begin(Sink *s, int64_t known) {
    if (s->dst) return;
    int64_t per = s->withscores && s->c->resp == 2 ? 2 : 1;
    if (known >= 0) {
        reply_array(s->c, known * per);
    } else {
        s->deferred = true;
        s->mark = reply_defer_len(s->c);
    }
}

static inline void sink_add(Sink *s, const ZsetElem *e) {
    s->n++;
    if (!s->dst) {
        zs_reply_elem(s->c, e, s->withscores);
        return;
    }
    bool isnew;
    zset_build_slot(s->dst, e->m, e->len, e->score, &isnew);
}

static void sink_end(Sink *s) {
    if (s->dst) {
        zs_store_reply(s->c, s->dsti, zset_build_done(s->dst, true), "zrangestore");
        return;
    }
    int64_t per = s->withscores && s->c->resp == 2 ? 2 : 1;
    if (s->deferred) reply_set_deferred_array(s->c, s->mark, s->n * per);
}

/* ---------- ZRANGE and friends ---------- */

typedef enum { BY_AUTO, BY_RANK, BY_SCORE, BY_LEX } RangeBy;
typedef enum { DIR_AUTO, DIR_FWD, DIR_REV } RangeDir;

static void range_by_rank(Sink *s, Zset *z, int64_t start, int64_t end, bool rev) {
    if (!clamp_ranks(&start, &end, zset_len(z))) {
        sink_begin(s, 0);
        return;
    }
    size_t n = (size_t)(end - start + 1);
    sink_begin(s, (int64_t)n);
    ZsetIter it;
    ZsetElem e;
    zset_iter_rank(&it, z, (size_t)start, rev);
    while (n-- && zset_iter_next(&it, &e)) sink_add(s, &e);
}

static void range_by_score(Sink *s, Zset *z, const ZRangeScore *r, bool rev, int64_t offset,
                           int64_t limit) {
    sink_begin(s, -1);
    ZsetIter it;
    ZsetElem e;
    if (offset < 0 || !zset_iter_score(&it, z, r, rev, (size_t)offset)) return;
    while (limit != 0 && zset_iter_next(&it, &e)) {
        if (rev ? !zrange_score_gte_min(e.score, r) : !zrange_score_lte_max(e.score, r)) break;
        sink_add(s, &e);
        if (limit > 0) limit--;
    }
}

static void range_by_lex(Sink *s, Zset *z, const ZRangeLex *r, bool rev, int64_t offset,
                         int64_t limit) {
    sink_begin(s, -1);
    ZsetIter it;
    ZsetElem e;
    if (offset < 0 || !zset_iter_lex(&it, z, r, rev, (size_t)offset)) return;
    while (limit != 0 && zset_iter_next(&it, &e)) {
        if (rev ? !zrange_lex_gte_min(e.m, e.len, r) : !zrange_lex_lte_max(e.m, e.len, r)) break;
        sink_add(s, &e);
        if (limit > 0) limit--;
    }
}

/* The ZRANGE family: the source key at argv[src], min and max after it,
 * then options. dsti > 0 stores (ZRANGESTORE) instead of replying. `by`
 * and `dir` are fixed by the older commands (their option is then a
 * syntax error) or left AUTO for ZRANGE's BYSCORE/BYLEX/REV. */
static void zrange_generic(Client *c, int src, int dsti, RangeBy by, RangeDir dir) {
    int mini = src + 1, maxi = src + 2;
    bool withscores = false;
    int64_t offset = 0, limit = -1;
    for (int j = src + 3; j < c->argc; j++) {
        int left = c->argc - j - 1;
        if (dsti < 0 && arg_opt_is(c, j, "withscores")) {
            withscores = true;
        } else if (arg_opt_is(c, j, "limit") && left >= 2) {
            if (!arg_int64_or_reply(c, j + 1, &offset) || !arg_int64_or_reply(c, j + 2, &limit))
                return;
            j += 2;
        } else if (dir == DIR_AUTO && arg_opt_is(c, j, "rev")) {
            dir = DIR_REV;
        } else if (by == BY_AUTO && arg_opt_is(c, j, "bylex")) {
            by = BY_LEX;
        } else if (by == BY_AUTO && arg_opt_is(c, j, "byscore")) {
            by = BY_SCORE;
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    if (dir == DIR_AUTO) dir = DIR_FWD;
    if (by == BY_AUTO) by = BY_RANK;
    if (limit != -1 && by == BY_RANK) {
        reply_error(c, "ERR syntax error, LIMIT is only supported in combination with either "
                       "BYSCORE or BYLEX");
        return;
    }
    if (withscores && by == BY_LEX) {
        reply_error(c, "ERR syntax error, WITHSCORES not supported in combination with BYLEX");
        return;
    }
    bool rev = dir == DIR_REV;
    if (rev && by != BY_RANK) { /* given as max, min */
        int t = mini;
        mini = maxi;
        maxi = t;
    }
    int64_t start = 0, end = 0;
    ZRangeScore rs;
    ZRangeLex rl;
    if (by == BY_RANK) {
        if (!arg_int64_or_reply(c, mini, &start) || !arg_int64_or_reply(c, maxi, &end)) return;
    } else if (by == BY_SCORE) {
        if (!score_range_or_reply(c, mini, maxi, &rs)) return;
    } else if (!lex_range_or_reply(c, mini, maxi, &rl)) {
        return;
    }

    Entry *e = zs_lookup_read(c, src);
    if (e && entry_type(e) != TYPE_ZSET) {
        reply_wrongtype(c);
        return;
    }
    Sink s = {.c = c, .withscores = withscores, .dsti = dsti};
    if (dsti > 0) s.dst = zset_build_new();
    if (!e) {
        if (dsti > 0) sink_end(&s);
        else reply_array(c, 0);
        return;
    }
    Zset *z = entry_obj(e);
    if (by == BY_RANK) range_by_rank(&s, z, start, end, rev);
    else if (by == BY_SCORE) range_by_score(&s, z, &rs, rev, offset, limit);
    else range_by_lex(&s, z, &rl, rev, offset, limit);
    sink_end(&s);
}

void cmd_zrange(Client *c) { zrange_generic(c, 1, -1, BY_AUTO, DIR_AUTO); }
void cmd_zrangestore(Client *c) { zrange_generic(c, 2, 1, BY_AUTO, DIR_AUTO); }
void cmd_zrevrange(Client *c) { zrange_generic(c, 1, -1, BY_RANK, DIR_REV); }
void cmd_zrangebyscore(Client *c) { zrange_generic(c, 1, -1, BY_SCORE, DIR_FWD); }
void cmd_zrevrangebyscore(Client *c) { zrange_generic(c, 1, -1, BY_SCORE, DIR_REV); }
void cmd_zrangebylex(Client *c) { zrange_generic(c, 1, -1, BY_LEX, DIR_FWD); }
void cmd_zrevrangebylex(Client *c) { zrange_generic(c, 1, -1, BY_LEX, DIR_REV); }

/* ---------- ZCOUNT / ZLEXCOUNT ---------- */

/* argv[1]'s set for a count; false after WRONGTYPE (0 replied when absent,
 * *z NULL). */
static bool count_source_or_reply(Client *c, Zset **z) {
    Entry *e = zs_lookup_read(c, 1);
    *z = NULL;
    if (!e) {
        reply_int(c, 0);
        return true;
    }
    if (entry_type(e) != TYPE_ZSET) {
        reply_wrongtype(c);
        return false;
    }
    *z = entry_obj(e);
    return true;
}

/* ZCOUNT key min max -- reply: members with a score in [min, max]. */
void cmd_zcount(Client *c) {
    ZRangeScore r;
    if (!score_range_or_reply(c, 2, 3, &r)) return;
    Zset *z;
    if (count_source_or_reply(c, &z) && z) reply_int(c, (int64_t)zset_count_score(z, &r));
}

/* ZLEXCOUNT key min max -- reply: members in the lex interval. */
void cmd_zlexcount(Client *c) {
    ZRangeLex r;
    if (!lex_range_or_reply(c, 2, 3, &r)) return;
    Zset *z;
    if (count_source_or_reply(c, &z) && z) reply_int(c, (int64_t)zset_count_lex(z, &r));
}

/* ---------- ZREMRANGEBY* ---------- */

/* argv[1]'s entry for a range removal; NULL when absent (0 replied) or
 * of another type (WRONGTYPE replied). */
static Entry *remrange_source_or_reply(Client *c) {
    Entry *e = zs_lookup_write(c, 1);
    if (!e) {
        reply_int(c, 0);
        return NULL;
    }
    if (entry_type(e) != TYPE_ZSET) {
        reply_wrongtype(c);
        return NULL;
    }
    return e;
}

/* ZREMRANGEBYRANK key start stop -- reply: members removed. */
void cmd_zremrangebyrank(Client *c) {
    int64_t start, end;
    if (!arg_int64_or_reply(c, 2, &start) || !arg_int64_or_reply(c, 3, &end)) return;
    Entry *e = remrange_source_or_reply(c);
    if (!e) return;
    Zset *z = entry_obj(e);
    if (!clamp_ranks(&start, &end, zset_len(z))) {
        reply_int(c, 0);
        return;
    }
    size_t n = zset_delete_rank(&z, (size_t)start, (size_t)end);
    zs_commit_notify(c, 1, e, z, n, "zremrangebyrank");
    reply_int(c, (int64_t)n);
}

/* ZREMRANGEBYSCORE key min max -- reply: members removed. */
void cmd_zremrangebyscore(Client *c) {
    ZRangeScore r;
    if (!score_range_or_reply(c, 2, 3, &r)) return;
    Entry *e = remrange_source_or_reply(c);
    if (!e) return;
    Zset *z = entry_obj(e);
    size_t n = zset_delete_score(&z, &r);
    zs_commit_notify(c, 1, e, z, n, "zremrangebyscore");
    reply_int(c, (int64_t)n);
}

/* ZREMRANGEBYLEX key min max -- reply: members removed. */
void cmd_zremrangebylex(Client *c) {
    ZRangeLex r;
    if (!lex_range_or_reply(c, 2, 3, &r)) return;
    Entry *e = remrange_source_or_reply(c);
    if (!e) return;
    Zset *z = entry_obj(e);
    size_t n = zset_delete_lex(&z, &r);
    zs_commit_notify(c, 1, e, z, n, "zremrangebylex");
    reply_int(c, (int64_t)n);
}
