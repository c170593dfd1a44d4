/* cmd/zset_ops.c -- ZUNION, ZINTER, ZDIFF, their STORE forms, and
 * ZINTERCARD. Sources may be sorted sets or plain sets (members score 1).
 * As in Redis 7.0: the keys are type-checked before the options are
 * parsed; union and intersection visit the sources from the smallest to
 * the largest (a stable order, so equal sizes keep their argument order),
 * which fixes the order of floating-point sums; a weighted score or a sum
 * that is NaN (0 * inf, inf + -inf) counts as 0. */
#include <math.h>
#include <string.h>

#include "../core/args.h"
#include "../core/command.h"
#include "../core/reply.h"
#include "../core/t_set.h"
#include "../ds/mem.h"
#include "../ds/num.h"
#include "zset.h"

typedef enum { OP_UNION, OP_INTER, OP_DIFF } SetOp;
typedef enum { AGG_SUM, AGG_MIN, AGG_MAX } Aggregate;

typedef struct {
    ValueType type; /* TYPE_ZSET or TYPE_SET (obj != NULL) */
    void *obj;      /* NULL: the key is absent (an empty set) */
    size_t len;
    double weight;
} Src;

static inline double aggregate(double acc, double v, Aggregate agg) {
    switch (agg) {
    case AGG_SUM: {
        double t = acc + v;
        return isnan(t) ? 0.0 : t;
    }
    case AGG_MIN: return v < acc ? v : acc;
    default: return v > acc ? v : acc;
    }
}

static inline double weighted(double score, double weight) {
    double v = score * weight;
    return isnan(v) ? 0.0 : v;
}

/* The score of m in a source, if it is there (a set member scores 1). */
static bool src_score(const Src *s, const char *m, size_t len, double *score) {
    if (!s->obj) return false;
    if (s->type == TYPE_ZSET) return zset_score(s->obj, m, len, score);
    if (!set_contains(s->obj, m, len)) return false;
    *score = 1.0;
    return true;
}

/* Calls fn(ctx, m, len, score) for each element of a source; fn returns
 * false to stop. */
typedef bool (*SrcFn)(void *ctx, const char *m, size_t len, double score);

typedef struct {
    SrcFn fn;
    void *ctx;
} SetVisit;

static bool visit_set_member(void *ctx, const SetMember *m) {
    SetVisit *v = ctx;
    if (m->s) return v->fn(v->ctx, m->s, m->len, 1.0);
    char buf[24];
    size_t n = num_format_int64(buf, m->v);
    return v->fn(v->ctx, buf, n, 1.0);
}

static void src_foreach(const Src *s, SrcFn fn, void *ctx) {
    if (!s->obj) return;
    if (s->type == TYPE_SET) {
        SetVisit v = {fn, ctx};
        set_foreach(s->obj, visit_set_member, &v);
        return;
    }
    ZsetIter it;
    ZsetElem e;
    zset_iter_rank(&it, s->obj, 0, false);
    while (zset_iter_next(&it, &e))
        if (!fn(ctx, e.m, e.len, e.score)) return;
}

/* ---------- the three operations ---------- */

typedef struct {
    Src *src;
    int n;
    Aggregate agg;
    Zset *out;       /* result under construction; NULL: only count */
    size_t count, limit;
    int cur;         /* union: the source being visited */
} OpCtx;

static bool union_visit(void *ctx, const char *m, size_t len, double score) {
    OpCtx *o = ctx;
    double v = weighted(score, o->src[o->cur].weight);
    bool isnew;
    double *slot = zset_build_slot(o->out, m, len, v, &isnew);
    if (!isnew) *slot = aggregate(*slot, v, o->agg);
    return true;
}

/* An element of the smallest source: kept if every other source has it. */
static bool inter_visit(void *ctx, const char *m, size_t len, double score) {
    OpCtx *o = ctx;
    double acc = weighted(score, o->src[0].weight);
    for (int j = 1; j < o->n; j++) {
        double s;
        if (!src_score(&o->src[j], m, len, &s)) return true;
        acc = aggregate(acc, weighted(s, o->src[j].weight), o->agg);
    }
    o->count++;
    if (o->out) {
        bool isnew;
        *zset_build_slot(o->out, m, len, acc, &isnew) = acc;
    }
    return o->limit == 0 || o->count < o->limit;
}

static bool diff_visit(void *ctx, const char *m, size_t len, double score) {
    OpCtx *o = ctx;
    double s;
    for (int j = 1; j < o->n; j++)
        if (src_score(&o->src[j], m, len, &s)) return true;
    bool isnew;
    zset_build_slot(o->out, m, len, score, &isnew);
    return true;
}

/* Stable insertion sort by size (few sources; keeps ties in order). */
static void sort_by_size(Src *src, int n) {
    for (int i = 1; i < n; i++) {
        Src t = src[i];
        int j = i;
        while (j > 0 && src[j - 1].len > t.len) {
            src[j] = src[j - 1];
            j--;
        }
        src[j] = t;
    }
}

static void run_op(OpCtx *o, SetOp op) {
    if (op == OP_DIFF) {
        if (o->src[0].len) src_foreach(&o->src[0], diff_visit, o);
        return;
    }
    sort_by_size(o->src, o->n);
    if (op == OP_UNION) {
        for (o->cur = 0; o->cur < o->n; o->cur++) src_foreach(&o->src[o->cur], union_visit, o);
        return;
    }
    if (o->src[0].len) src_foreach(&o->src[0], inter_visit, o);
}

/* ---------- argument parsing ---------- */

/* Reads numkeys at argv[numi], looks the keys up and type-checks them,
 * then parses the options (WEIGHTS and AGGREGATE unless DIFF or CARD,
 * WITHSCORES for the non-store forms, LIMIT for ZINTERCARD). Returns the
 * sources (mem_alloc'd) or NULL after an error reply. */
static Src *parse_or_reply(Client *c, int numi, bool store, SetOp op, bool card, int *nsrc,
                           Aggregate *agg, bool *withscores, size_t *limit) {
    int64_t setnum;
    if (!arg_int64_or_reply(c, numi, &setnum)) return NULL;
    if (setnum < 1) {
        reply_errorf(c, "ERR at least 1 input key is needed for '%s' command", c->cmd->name);
        return NULL;
    }
    if (setnum > c->argc - (numi + 1)) {
        reply_syntax_error(c);
        return NULL;
    }
    int n = (int)setnum, j = numi + 1;
    Src *src = mem_alloc((size_t)n * sizeof(Src));
    for (int i = 0; i < n; i++, j++) {
        Entry *e = zs_lookup_read(c, j);
        src[i] = (Src){TYPE_ZSET, NULL, 0, 1.0};
        if (!e) continue;
        ValueType t = entry_type(e);
        if (t != TYPE_ZSET && t != TYPE_SET) {
            reply_wrongtype(c);
            goto fail;
        }
        src[i].type = t;
        src[i].obj = entry_obj(e);
        src[i].len = t == TYPE_ZSET ? zset_len(src[i].obj) : set_len(src[i].obj);
    }
    while (j < c->argc) {
        int left = c->argc - j;
        if (op != OP_DIFF && !card && left >= n + 1 && arg_opt_is(c, j, "weights")) {
            j++;
            for (int i = 0; i < n; i++, j++) {
                if (!num_parse_double(c->argv[j], c->argl[j], &src[i].weight)) {
                    reply_error(c, "ERR weight value is not a float");
                    goto fail;
                }
            }
        } else if (op != OP_DIFF && !card && left >= 2 && arg_opt_is(c, j, "aggregate")) {
            j++;
            if (arg_opt_is(c, j, "sum")) *agg = AGG_SUM;
            else if (arg_opt_is(c, j, "min")) *agg = AGG_MIN;
            else if (arg_opt_is(c, j, "max")) *agg = AGG_MAX;
            else goto syntax;
            j++;
        } else if (!store && !card && arg_opt_is(c, j, "withscores")) {
            *withscores = true;
            j++;
        } else if (card && left >= 2 && arg_opt_is(c, j, "limit")) {
            int64_t l;
            if (!arg_int64(c, j + 1, &l) || l < 0) {
                reply_error(c, "ERR LIMIT can't be negative");
                goto fail;
            }
            *limit = (size_t)l;
            j += 2;
        } else {
            goto syntax;
        }
    }
    *nsrc = n;
    return src;
syntax:
    reply_syntax_error(c);
fail:
    mem_free(src);
    return NULL;
}

/* The generic body: dsti > 0 stores at argv[dsti]; numkeys at argv[numi]. */
static void zops_generic(Client *c, int dsti, int numi, SetOp op) {
    int n;
    Aggregate agg = AGG_SUM;
    bool withscores = false;
    size_t limit = 0;
    Src *src = parse_or_reply(c, numi, dsti > 0, op, false, &n, &agg, &withscores, &limit);
    if (!src) return;
    OpCtx o = {src, n, agg, zset_build_new(), 0, 0, 0};
    run_op(&o, op);
    mem_free(src);
    Zset *result = zset_build_done(o.out, dsti > 0);
    if (dsti > 0) {
        zs_store_reply(c, dsti, result,
                       op == OP_UNION ? "zunionstore" : op == OP_INTER ? "zinterstore" : "zdiffstore");
        return;
    }
    size_t len = zset_len(result);
    reply_array(c, (int64_t)(withscores && c->resp == 2 ? 2 * len : len));
    ZsetIter it;
    ZsetElem e;
    zset_iter_rank(&it, result, 0, false);
    while (zset_iter_next(&it, &e)) zs_reply_elem(c, &e, withscores);
    zset_free(result);
}

void cmd_zunion(Client *c) { zops_generic(c, -1, 1, OP_UNION); }
void cmd_zinter(Client *c) { zops_generic(c, -1, 1, OP_INTER); }
void cmd_zdiff(Client *c) { zops_generic(c, -1, 1, OP_DIFF); }
void cmd_zunionstore(Client *c) { zops_generic(c, 1, 2, OP_UNION); }
void cmd_zinterstore(Client *c) { zops_generic(c, 1, 2, OP_INTER); }
void cmd_zdiffstore(Client *c) { zops_generic(c, 1, 2, OP_DIFF); }

/* ZINTERCARD numkeys key [key ...] [LIMIT limit] -- reply: the size of the
 * intersection, counting stops at limit (0: no limit). */
void cmd_zintercard(Client *c) {
    int n;
    Aggregate agg = AGG_SUM;
    bool withscores = false;
    size_t limit = 0;
    Src *src = parse_or_reply(c, 1, false, OP_INTER, true, &n, &agg, &withscores, &limit);
    if (!src) return;
    OpCtx o = {src, n, agg, NULL, 0, limit, 0};
    run_op(&o, OP_INTER);
    mem_free(src);
    reply_int(c, (int64_t)o.count);
}
