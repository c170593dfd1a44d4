/* cmd/sort.c -- SORT and SORT_RO on lists, sets and sorted sets, as Redis
 * 7.0.15: the option parser's order of checks and errors, the LIMIT
 * clamping (no overflow near INT64 bounds), BY nosort keeping a list's or
 * sorted set's own order, BY/GET patterns (`*` replaced by the element,
 * `key->field` reading a hash field, `#` the element itself), STORE as a
 * list. Order: numeric ties fall back to the elements' bytes, so only
 * ALPHA+BY can tie (equal or missing weights): those keep the load order
 * (glibc's qsort is the merge sort Redis gets too), or, with a LIMIT,
 * the order of the same partial quicksort Redis runs (partial_sort).
 *
 * Elements and ALPHA weights are copied into two arenas first: a pattern
 * lookup may expire keys, and a STORE may replace the sorted key. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../core/args.h"
#include "../core/block.h"
#include "../core/command.h"
#include "../core/config.h"
#include "../core/db.h"
#include "../core/notify.h"
#include "../core/reply.h"
#include "../core/t_hash.h"
#include "../core/t_set.h"
#include "../core/t_zset.h"
#include "../ds/buf.h"
#include "../ds/mem.h"
#include "../ds/num.h"
#include "../ds/quicklist.h"
#include "../script/script.h"

/* One element to sort, 32 bytes (glibc's qsort sorts items of up to 32
 * bytes in place). While loading, s and w hold arena offsets. */
typedef struct {
    const char *s;     /* the element, NUL-terminated (strcoll stops at a NUL) */
    size_t len;
    union {
        double score;  /* numeric: the weight (0 when the weight key is missing) */
        const char *w; /* ALPHA BY: the weight's bytes, NUL-terminated; NULL: missing */
    } u;
    size_t aux;        /* ALPHA BY: the weight's length; numeric: 1 while the
                          element, read as an integer, has its score already */
} Item;
_Static_assert(sizeof(Item) <= 32, "Item outgrew glibc qsort's direct sort");

/* The comparator's parameters (qsort has no context argument). */
static struct {
    bool desc, alpha, bypattern, store;
} cmpctx;

/* Byte order of two strings, shorter first on a common prefix. */
static int cmp_binary(const char *a, size_t alen, const char *b, size_t blen) {
    int r = memcmp(a, b, alen < blen ? alen : blen);
    if (r) return r;
    return alen < blen ? -1 : alen > blen ? 1 : 0;
}

/* Redis's order: numeric by weight then by the elements' bytes; ALPHA by
 * strcoll, or by bytes when storing (the stored result must not depend on
 * the locale); a missing ALPHA weight sorts first. */
static int item_cmp(const void *pa, const void *pb) {
    const Item *a = pa, *b = pb;
    int r;
    if (!cmpctx.alpha) {
        if (a->u.score > b->u.score) r = 1;
        else if (a->u.score < b->u.score) r = -1;
        else r = cmp_binary(a->s, a->len, b->s, b->len);
    } else if (cmpctx.bypattern) {
        const char *aw = a->u.w, *bw = b->u.w;
        if (!aw || !bw) r = aw == bw ? 0 : !aw ? -1 : 1;
        else if (cmpctx.store) r = cmp_binary(aw, a->aux, bw, b->aux);
        else r = strcoll(aw, bw);
    } else {
        r = cmpctx.store ? cmp_binary(a->s, a->len, b->s, b->len) : strcoll(a->s, b->s);
    }
    return cmpctx.desc ? -r : r;
}

/* ---------- partial sort (BY with a LIMIT) ----------
 * Bentley & McIlroy's quicksort (median of three, ninther past 40
 * elements, equal keys gathered at both ends then swapped to the middle,
 * insertion sort under 7), recursing only into the parts that overlap
 * positions [lo, hi]: the algorithm of Redis's pqsort, so that items which
 * compare equal end in the same order as there. lo and hi are relative to
 * v and may lie outside it. */

static inline void swap_items(Item *v, long i, long j) {
    Item t = v[i];
    v[i] = v[j];
    v[j] = t;
}

static inline int cmp_at(const Item *v, long i, long j) { return item_cmp(&v[i], &v[j]); }

static long median3(const Item *v, long a, long b, long c) {
    if (cmp_at(v, a, b) < 0) {
        if (cmp_at(v, b, c) < 0) return b;
        return cmp_at(v, a, c) < 0 ? c : a;
    }
    if (cmp_at(v, b, c) > 0) return b;
    return cmp_at(v, a, c) < 0 ? a : c;
}

static void swap_run(Item *v, long i, long j, long n) {
    while (n-- > 0) swap_items(v, i++, j++);
}

static inline bool overlaps(long n, long lo, long hi) {
    return !((lo < 0 && hi < 0) || (lo >= n && hi >= n));
}

static void partial_sort(Item *v, long n, long lo, long hi) {
    for (;;) {
        if (n < 7) {
            for (long m = 1; m < n; m++)
                for (long l = m; l > 0 && cmp_at(v, l - 1, l) > 0; l--) swap_items(v, l, l - 1);
            return;
        }
        long mid = n / 2;
        if (n > 7) {
            long first = 0, last = n - 1;
            if (n > 40) {
                long d = n / 8;
                first = median3(v, first, first + d, first + 2 * d);
                mid = median3(v, mid - d, mid, mid + d);
                last = median3(v, last - 2 * d, last - d, last);
            }
            mid = median3(v, first, mid, last);
        }
        swap_items(v, 0, mid); /* the pivot sits at v[0] */
        long pa = 1, pb = 1, pc = n - 1, pd = n - 1;
        for (;;) {
            int r;
            while (pb <= pc && (r = cmp_at(v, pb, 0)) <= 0) {
                if (r == 0) swap_items(v, pa++, pb);
                pb++;
            }
            while (pb <= pc && (r = cmp_at(v, pc, 0)) >= 0) {
                if (r == 0) swap_items(v, pc, pd--);
                pc--;
            }
            if (pb > pc) break;
            swap_items(v, pb++, pc--);
        }
        long s = pa < pb - pa ? pa : pb - pa;
        swap_run(v, 0, pb - s, s);
        s = pd - pc < n - pd - 1 ? pd - pc : n - pd - 1;
        swap_run(v, pb, n - s, s);
        long left = pb - pa, right = pd - pc;
        if (left > 1 && overlaps(left, lo, hi)) partial_sort(v, left, lo, hi);
        if (right <= 1) return;
        v += n - right;
        lo -= n - right;
        hi -= n - right;
        n = right;
        if (!overlaps(n, lo, hi)) return;
    }
}

/* ---------- patterns ---------- */

/* The length of s as a C string would have it (Redis reads patterns with
 * strchr/strstr, which stop at a NUL byte). */
static size_t cstr_len(const char *s, size_t len) {
    const char *z = memchr(s, '\0', len);
    return z ? (size_t)(z - s) : len;
}

static bool is_hash_pattern(const char *p, size_t len) {
    return len >= 1 && p[0] == '#' && (len == 1 || p[1] == '\0');
}

static inline bool no_touch(const Client *c) { return c->flags & CLIENT_NO_TOUCH; }

/* The value pattern names for element el: "#" is el; else the first `*`
 * becomes el, and a "->field" after it (not at the very end) reads that
 * field of a hash. false when there is no `*`, the key is missing or of
 * another type, or the field is absent. *out points into the keyspace,
 * into ibuf (>= 24 bytes) or at el: valid until the next db change. When
 * the value is kept as an integer, *isint is set and *ival holds it. */
static bool pattern_lookup(Client *c, Buf *kb, const char *pat, size_t plen, const char *el,
                           size_t elen, char *ibuf, const char **out, size_t *olen, bool *isint,
                           int64_t *ival) {
    *isint = false;
    if (is_hash_pattern(pat, plen)) {
        *out = el;
        *olen = elen;
        return true;
    }
    size_t clen = cstr_len(pat, plen);
    const char *star = memchr(pat, '*', clen);
    if (!star) return false;
    const char *end = pat + clen, *field = NULL;
    for (const char *f = star + 1; f + 1 < end; f++) {
        if (f[0] == '-' && f[1] == '>') {
            if (f + 2 < end) field = f + 2;
            break;
        }
    }
    size_t flen = field ? (size_t)(pat + plen - field) : 0;
    size_t pre = (size_t)(star - pat), post = plen - pre - 1 - (field ? flen + 2 : 0);
    kb->len = 0;
    buf_add(kb, pat, pre);
    buf_add(kb, el, elen);
    buf_add(kb, star + 1, post);
    Entry *e = db_lookup(c->db, kb->p, kb->len, no_touch(c));
    db_note_read(c->db, kb->p, kb->len, e != NULL);
    if (!e) return false;
    if (field) {
        if (entry_type(e) != TYPE_HASH) return false;
        HashVal v;
        if (!hash_get(entry_obj(e), field, flen, &v)) return false;
        if (v.s) {
            *out = v.s;
            *olen = v.len;
        } else {
            *olen = num_format_int64(ibuf, v.v);
            *out = ibuf;
            *isint = true;
            *ival = v.v;
        }
        return true;
    }
    if (entry_type(e) != TYPE_STRING) return false;
    if (entry_is_int(e) && entry_get_int64(e, ival)) *isint = true;
    *out = entry_str(e, olen, ibuf);
    return true;
}

/* ---------- loading ---------- */

typedef struct {
    Item *v;
    size_t n, cap;
    Buf arena;   /* the elements, each followed by a NUL */
} Vec;

static Item *vec_add(Vec *v, const char *s, size_t len) {
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 16;
        v->v = mem_realloc(v->v, v->cap * sizeof(Item));
    }
    Item *it = &v->v[v->n++];
    it->s = (const char *)(uintptr_t)v->arena.len; /* an offset until vec_fix */
    it->len = len;
    it->u.score = 0;
    it->aux = 0;
    buf_add(&v->arena, s, len);
    buf_add(&v->arena, "", 1);
    return it;
}

/* An element read as an integer: Redis takes its score without parsing
 * (the same double strtod would give). */
static void vec_add_int(Vec *v, int64_t n) {
    char b[24];
    Item *it = vec_add(v, b, num_format_int64(b, n));
    it->u.score = (double)n;
    it->aux = 1;
}

static void vec_fix(Vec *v) {
    for (size_t i = 0; i < v->n; i++) v->v[i].s = v->arena.p + (uintptr_t)v->v[i].s;
}

typedef struct {
    Vec *v;
    size_t left;
} Take;

static bool take_lpval(void *ctx, const LpVal *lv) {
    Take *t = ctx;
    if (lv->s) vec_add(t->v, lv->s, lv->len);
    else vec_add_int(t->v, lv->v);
    return --t->left > 0;
}

static bool take_member(void *ctx, const SetMember *m) {
    if (m->s) vec_add(ctx, m->s, m->len);
    else vec_add_int(ctx, m->v); /* an intset's members (Redis makes strings of them: same scores) */
    return true;
}

/* n elements of a sorted set from rank `from` (counted from the top when
 * rev), in the walk's order. */
static void take_zset(Vec *v, Zset *z, size_t from, size_t n, bool rev) {
    if (!n) return;
    ZsetIter it;
    ZsetElem e;
    zset_iter_rank(&it, z, from, rev);
    while (n-- && zset_iter_next(&it, &e)) vec_add(v, e.m, e.len);
}

/* ---------- the command ---------- */

typedef struct {
    bool desc, alpha, dontsort;
    int64_t lstart, lcount;
    int by, store;        /* argv index of the pattern / destination, 0: none */
    int *gets;            /* argv indexes of the GET patterns */
    int ngets;
} SortArgs;

/* Does c's user read every key (Redis's ACLUserCheckCmdWithUnrestrictedKeyAccess)? */
static bool full_key_access(const Client *c) {
    if (!command_acl_check || !c->user || !command_acl_all_keys || !c->cmd) return true;
    return command_acl_all_keys(c->user, c->cmd, c->argv, c->argl, c->argc);
}

/* Parses the options; false after replying the error. */
static bool parse_or_reply(Client *c, bool readonly, SortArgs *a) {
    int acl = -1; /* full key access, asked when a pattern needs it */
    for (int j = 2; j < c->argc; j++) {
        int left = c->argc - j - 1;
        if (arg_is(c, j, "asc")) {
            a->desc = false;
        } else if (arg_is(c, j, "desc")) {
            a->desc = true;
        } else if (arg_is(c, j, "alpha")) {
            a->alpha = true;
        } else if (arg_is(c, j, "limit") && left >= 2) {
            if (!arg_int64_or_reply(c, j + 1, &a->lstart) ||
                !arg_int64_or_reply(c, j + 2, &a->lcount))
                return false;
            j += 2;
        } else if (!readonly && arg_is(c, j, "store") && left >= 1) {
            a->store = ++j;
        } else if (arg_is(c, j, "by") && left >= 1) {
            a->by = ++j;
            if (!memchr(c->argv[j], '*', cstr_len(c->argv[j], c->argl[j]))) {
                a->dontsort = true; /* for good: a later BY pattern does not undo it */
            } else {
                if (acl < 0) acl = full_key_access(c);
                if (!acl) {
                    reply_error(c, "ERR BY option of SORT denied due to insufficient ACL "
                                   "permissions.");
                    return false;
                }
            }
        } else if (arg_is(c, j, "get") && left >= 1) {
            if (acl < 0) acl = full_key_access(c);
            if (!acl) {
                reply_error(c, "ERR GET option of SORT denied due to insufficient ACL "
                               "permissions.");
                return false;
            }
            a->gets[a->ngets++] = ++j;
        } else {
            reply_syntax_error(c);
            return false;
        }
    }
    return true;
}

/* Weighs each item (BY pattern or the element itself); false if a numeric
 * weight is not a double. */
/* strtod on the bytes up to a NUL, as Redis parses an sds; false if they
 * are not all a double, or overflow, or are NaN. nul: s[len] is a NUL. */
static bool parse_weight(const char *s, size_t len, bool nul, double *out) {
    char small[64], *tmp = (char *)s;
    if (!nul) {
        tmp = len < sizeof small ? small : mem_alloc(len + 1);
        memcpy(tmp, s, len);
        tmp[len] = '\0';
    }
    char *eptr;
    errno = 0;
    *out = strtod(tmp, &eptr);
    bool ok = eptr[0] == '\0' && errno != ERANGE && !isnan(*out);
    if (tmp != s && tmp != small) mem_free(tmp);
    return ok;
}

/* Weighs each item (BY pattern or the element itself); false if a numeric
 * weight is not a double. */
static bool weigh(Client *c, Vec *v, const SortArgs *a, Buf *kb, Buf *warena) {
    bool ok = true;
    char ibuf[32];
    for (size_t i = 0; i < v->n; i++) {
        Item *it = &v->v[i];
        if (!a->by) {
            if (!a->alpha && !it->aux) ok &= parse_weight(it->s, it->len, true, &it->u.score);
            continue;
        }
        const char *val;
        size_t vlen;
        bool isint;
        int64_t ival;
        it->u.score = 0; /* also u.w = NULL: a missing weight */
        it->aux = 0;
        if (!pattern_lookup(c, kb, c->argv[a->by], c->argl[a->by], it->s, it->len, ibuf, &val,
                            &vlen, &isint, &ival))
            continue;
        if (a->alpha) {
            it->u.w = (const char *)(uintptr_t)(warena->len + 1); /* offset + 1 */
            it->aux = vlen;
            buf_add(warena, val, vlen);
            buf_add(warena, "", 1);
        } else if (isint) {
            it->u.score = (double)ival;
        } else {
            ok &= parse_weight(val, vlen, false, &it->u.score);
        }
    }
    if (a->alpha && a->by)
        for (size_t i = 0; i < v->n; i++)
            if (v->v[i].u.w) v->v[i].u.w = warena->p + (uintptr_t)v->v[i].u.w - 1;
    return ok;
}

/* Loads the elements to sort into v; narrows [*start, *end] for the
 * ranges BY nosort reads directly. */
static void load(Entry *e, const SortArgs *a, Vec *v, int64_t *start, int64_t *end) {
    ValueType t = e ? entry_type(e) : TYPE_LIST;
    int64_t len = e ? (int64_t)(t == TYPE_LIST  ? ql_count(entry_obj(e))
                                : t == TYPE_SET ? set_len(entry_obj(e))
                                                : zset_len(entry_obj(e)))
                    : 0;
    bool ranged = a->dontsort && t != TYPE_SET;
    if (ranged) {
        int64_t n = *end - *start + 1;
        if (t == TYPE_LIST && n > 0) {
            Take tk = {v, (size_t)n};
            const Quicklist *ql = entry_obj(e);
            ql_walk(ql, a->desc ? (long)(len - *start - 1) : (long)*start, a->desc, take_lpval, &tk);
        } else if (t == TYPE_ZSET && n > 0) {
            take_zset(v, entry_obj(e), (size_t)*start, (size_t)n, a->desc);
        }
        if (t == TYPE_ZSET || n > 0) {
            *end -= *start;
            *start = 0;
        }
    } else if (t == TYPE_LIST) {
        Take tk = {v, (size_t)len};
        if (len) ql_walk(entry_obj(e), 0, false, take_lpval, &tk);
    } else if (t == TYPE_SET) {
        set_foreach(entry_obj(e), take_member, v);
    } else {
        take_zset(v, entry_obj(e), 0, (size_t)len, false);
    }
    vec_fix(v);
}

/* Replies the result, or stores it as a list (reply: its length). */
static void output(Client *c, const SortArgs *a, const Vec *v, int64_t start, int64_t end,
                   Buf *kb) {
    int64_t n = end - start + 1;
    int64_t outlen = a->ngets ? a->ngets * n : n;
    char ibuf[32];
    bool isint;
    int64_t ival;
    if (!a->store) {
        reply_array(c, outlen);
        for (int64_t j = start; j <= end; j++) {
            const Item *it = &v->v[j];
            if (!a->ngets) reply_bulk(c, it->s, it->len);
            for (int g = 0; g < a->ngets; g++) {
                const char *val;
                size_t vlen;
                int p = a->gets[g];
                if (pattern_lookup(c, kb, c->argv[p], c->argl[p], it->s, it->len, ibuf, &val,
                                   &vlen, &isint, &ival))
                    reply_bulk(c, val, vlen);
                else
                    reply_null(c);
            }
        }
        return;
    }
    Quicklist *ql = ql_new();
    int fill = cfg.list_max_listpack_size;
    for (int64_t j = start; j <= end; j++) {
        const Item *it = &v->v[j];
        if (!a->ngets) ql = ql_push(ql, true, it->s, it->len, fill);
        for (int g = 0; g < a->ngets; g++) {
            const char *val;
            size_t vlen;
            int p = a->gets[g];
            if (!pattern_lookup(c, kb, c->argv[p], c->argl[p], it->s, it->len, ibuf, &val, &vlen,
                                &isint, &ival))
                val = "", vlen = 0;
            ql = ql_push(ql, true, val, vlen, fill);
        }
    }
    const char *dst = c->argv[a->store];
    size_t dlen = c->argl[a->store];
    uint64_t before = db_dirty();
    if (outlen) {
        db_add_obj(c->db, dst, dlen, TYPE_LIST, ql);
        db_add_dirty(before + (uint64_t)outlen - db_dirty());
        block_signal_key(c->db_index, dst, dlen); /* a new list wakes BLPOP & co. */
        notify_write(NOTIFY_LIST, "sortstore", c->db_index, dst, dlen);
    } else {
        ql_free(ql);
        if (db_delete(c->db, dst, dlen)) notify_write(NOTIFY_GENERIC, "del", c->db_index, dst, dlen);
    }
    reply_int(c, outlen);
}

static void sort_generic(Client *c, bool readonly) {
    int small[8];
    SortArgs a = {.lcount = -1, .gets = small};
    if (c->argc / 2 > (int)ARRAY_LEN(small)) a.gets = mem_alloc(sizeof(int) * (size_t)c->argc);
    Vec v = {0};
    Buf kb = {0}, warena = {0};
    if (!parse_or_reply(c, readonly, &a)) goto done;

    Entry *e = db_lookup(c->db, c->argv[1], c->argl[1], no_touch(c));
    db_note_read(c->db, c->argv[1], c->argl[1], e != NULL);
    ValueType t = e ? entry_type(e) : TYPE_LIST;
    if (t != TYPE_LIST && t != TYPE_SET && t != TYPE_ZSET) {
        reply_wrongtype(c);
        goto done;
    }
    /* a set has no order of its own: a stored or scripted result must not
     * depend on it (replicas, AOF), so BY <constant> sorts it ALPHA there */
    if (a.dontsort && t == TYPE_SET && (a.store || script_caller_of(c))) {
        a.dontsort = false;
        a.alpha = true;
        a.by = 0;
    }
    /* Redis converts a listpack sorted set for good (OBJECT ENCODING shows it) */
    if (t == TYPE_ZSET && zset_is_listpack(entry_obj(e))) {
        db_snapshot_prewrite(c->db, c->argv[1], c->argl[1]);
        entry_set_obj(e, zset_to_skiplist(entry_obj(e)));
    }

    int64_t len = e ? (int64_t)(t == TYPE_LIST  ? ql_count(entry_obj(e))
                                : t == TYPE_SET ? set_len(entry_obj(e))
                                                : zset_len(entry_obj(e)))
                    : 0;
    /* LIMIT, clamped to the length first so nothing overflows */
    int64_t start = a.lstart < 0 ? 0 : a.lstart > len ? len : a.lstart;
    int64_t count = a.lcount < -1 ? -1 : a.lcount > len ? len : a.lcount;
    int64_t end = count < 0 ? len - 1 : start + count - 1;
    if (start >= len) {
        start = len - 1;
        end = len - 2;
    }
    if (end >= len) end = len - 1;

    load(e, &a, &v, &start, &end);
    bool ok = true;
    if (!a.dontsort) {
        ok = weigh(c, &v, &a, &kb, &warena);
        cmpctx.desc = a.desc;
        cmpctx.alpha = a.alpha;
        cmpctx.bypattern = a.by != 0;
        cmpctx.store = a.store != 0;
        if (a.by && (start != 0 || end != (int64_t)v.n - 1))
            partial_sort(v.v, (long)v.n, (long)start, (long)end);
        else if (v.n > 1)
            qsort(v.v, v.n, sizeof(Item), item_cmp);
    }
    if (!ok) reply_error(c, "ERR One or more scores can't be converted into double");
    else output(c, &a, &v, start, end, &kb);
done:
    if (a.gets != small) mem_free(a.gets);
    mem_free(v.v);
    mem_free(v.arena.p);
    mem_free(kb.p);
    mem_free(warena.p);
}

/* SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC]
 * [ALPHA] [STORE destination] -- reply: the sorted elements (or the GET
 * values), or with STORE the stored list's length. */
static void cmd_sort(Client *c) { sort_generic(c, false); }
/* SORT_RO: the same without STORE. */
static void cmd_sort_ro(Client *c) { sort_generic(c, true); }

#define CX_SORT                                                                                  \
    "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the "     \
    "number of returned elements. When the elements are not sorted, complexity is O(N)."

/* clang-format off */
Command sort_commands[] = {
    {"sort", cmd_sort, -2, CMD_WRITE | CMD_DENYOOM, 1, 1, 1, "generic", "Sort the elements in a list, set or sorted set", "1.0.0", CX_SORT, "@write @set @sortedset @list @slow @dangerous", NULL},
    {"sort_ro", cmd_sort_ro, -2, CMD_READONLY, 1, 1, 1, "generic", "Sort the elements in a list, set or sorted set. Read-only variant of SORT.", "7.0.0", CX_SORT, "@read @set @sortedset @list @slow @dangerous", NULL},
    {0},
};
/* clang-format on */
