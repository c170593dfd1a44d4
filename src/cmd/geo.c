/* cmd/geo.c -- the GEO commands: points kept in a sorted set whose scores
 * are 52-bit geohashes (ds/geohash.h). GEOADD is a ZADD of the encoded
 * positions (and propagates as that ZADD, as Redis 7.0 does); the searches
 * walk the score ranges of up to nine cells around the centre and keep the
 * members inside the shape. Replies, errors and their order are Redis
 * 7.0's: distances with four decimals, coordinates as "%.17Lf" trimmed. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/command.h"
#include "../core/notify.h"
#include "../core/propagate.h"
#include "../core/reply.h"
#include "../ds/geohash.h"
#include "../ds/mem.h"
#include "../ds/num.h"
#include "zset.h"

/* ---------- replies and argument helpers ---------- */

/* A coordinate as Redis's addReplyHumanLongDouble: "%.17Lf" trimmed, a
 * bulk string in RESP2 and a double in RESP3. */
static void reply_coord(Client *c, double v) {
    char buf[NUM_LDBL_BUF];
    size_t n = num_format_long_double(buf, (long double)v);
    if (c->resp == 2) {
        reply_bulk(c, buf, n);
        return;
    }
    buf[n++] = '\r';
    buf[n++] = '\n';
    reply_raw(c, ",", 1);
    reply_raw(c, buf, n);
}

/* A distance with exactly four decimals, rounded half to even as llrint
 * does (Redis's fixedpoint_d2string). */
static void reply_distance(Client *c, double d) {
    char buf[64];
    long long v = llrint(d * 10000.0);
    bool neg = v < 0;
    unsigned long long u = neg ? 0ull - (unsigned long long)v : (unsigned long long)v;
    int n = snprintf(buf, sizeof(buf), "%s%llu.%04llu", neg ? "-" : "", u / 10000, u % 10000);
    reply_bulk(c, buf, (size_t)n);
}

/* argv[i], argv[i+1] as a longitude, latitude pair inside Redis's range. */
static bool lonlat_or_reply(Client *c, int i, double *lon, double *lat) {
    if (!arg_double_or_reply(c, i, lon) || !arg_double_or_reply(c, i + 1, lat)) return false;
    if (*lon < GEO_LON_MIN || *lon > GEO_LON_MAX || *lat < GEO_LAT_MIN || *lat > GEO_LAT_MAX) {
        reply_errorf(c, "ERR invalid longitude,latitude pair %f,%f", *lon, *lat);
        return false;
    }
    return true;
}

/* Metres per unit of argv[i] (m, km, ft, mi); 0 after the error reply. */
static double unit_or_reply(Client *c, int i) {
    if (arg_opt_is(c, i, "m")) return 1;
    if (arg_opt_is(c, i, "km")) return 1000;
    if (arg_opt_is(c, i, "ft")) return 0.3048;
    if (arg_opt_is(c, i, "mi")) return 1609.34;
    reply_error(c, "ERR unsupported unit provided. please use M, KM, FT, MI");
    return 0;
}

/* argv[i] as a double with Redis's custom message ("ERR need numeric
 * radius"...). */
static bool number_or_reply(Client *c, int i, double *out, const char *msg) {
    if (num_parse_double(c->argv[i], c->argl[i], out)) return true;
    reply_error(c, msg);
    return false;
}

/* argv[i] (radius) and argv[i+1] (unit) into the shape. */
static bool radius_or_reply(Client *c, int i, GeoShape *s) {
    double r;
    if (!number_or_reply(c, i, &r, "ERR need numeric radius")) return false;
    if (r < 0) {
        reply_error(c, "ERR radius cannot be negative");
        return false;
    }
    double conv = unit_or_reply(c, i + 1);
    if (conv == 0) return false;
    s->box = false;
    s->radius = r;
    s->conv = conv;
    return true;
}

/* argv[i] (width), argv[i+1] (height) and argv[i+2] (unit) into the shape. */
static bool box_or_reply(Client *c, int i, GeoShape *s) {
    double w, h;
    if (!number_or_reply(c, i, &w, "ERR need numeric width") ||
        !number_or_reply(c, i + 1, &h, "ERR need numeric height"))
        return false;
    if (h < 0 || w < 0) {
        reply_error(c, "ERR height or width cannot be negative");
        return false;
    }
    double conv = unit_or_reply(c, i + 2);
    if (conv == 0) return false;
    s->box = true;
    s->width = w;
    s->height = h;
    s->conv = conv;
    return true;
}

/* The position of argv[i] in z; false when it is not a member. */
static bool member_pos(Client *c, Zset *z, int i, double *lon, double *lat) {
    double score;
    if (!zset_score(z, c->argv[i], c->argl[i], &score)) return false;
    geohash_score_decode(score, lon, lat);
    return true;
}

/* ---------- GEOADD ---------- */

/* ZADD key [opts] score member ... -- what GEOADD propagates as (the
 * scores as integers, in lower case "zadd" as Redis rewrites it). */
static void propagate_zadd(Client *c, int first, const uint64_t *scores, size_t n) {
    int argc = first + 2 * (int)n;
    const char **argv = mem_alloc(sizeof(*argv) * (size_t)argc);
    size_t *argl = mem_alloc(sizeof(*argl) * (size_t)argc);
    char *text = mem_alloc(24 * n);
    argv[0] = "zadd";
    argl[0] = 4;
    for (int i = 1; i < first; i++) {
        argv[i] = c->argv[i];
        argl[i] = c->argl[i];
    }
    for (size_t j = 0; j < n; j++) {
        int at = first + 2 * (int)j, mi = first + 3 * (int)j + 2;
        argv[at] = text + 24 * j;
        argl[at] = num_format_int64(text + 24 * j, (int64_t)scores[j]);
        argv[at + 1] = c->argv[mi];
        argl[at + 1] = c->argl[mi];
    }
    propagate_as(c, argc, argv, argl);
    mem_free(text);
    mem_free(argv);
    mem_free(argl);
}

/* GEOADD key [NX|XX] [CH] lon lat member [lon lat member ...] -- reply:
 * members added (with CH: added or moved). Every pair is checked before
 * anything changes. */
static void cmd_geoadd(Client *c) {
    unsigned flags = 0;
    bool ch = false;
    int first = 2;
    for (; first < c->argc; first++) {
        if (arg_opt_is(c, first, "nx")) flags |= ZADD_NX;
        else if (arg_opt_is(c, first, "xx")) flags |= ZADD_XX;
        else if (arg_opt_is(c, first, "ch")) ch = true;
        else break;
    }
    int rest = c->argc - first;
    if (rest % 3 || rest == 0 || ((flags & ZADD_NX) && (flags & ZADD_XX))) {
        reply_syntax_error(c);
        return;
    }
    size_t n = (size_t)rest / 3;
    uint64_t *scores = mem_alloc(sizeof(*scores) * n);
    for (size_t j = 0; j < n; j++) {
        double lon, lat;
        if (!lonlat_or_reply(c, first + 3 * (int)j, &lon, &lat)) goto done;
        scores[j] = geohash_score_encode(lon, lat);
    }

    Entry *e = zs_lookup_write(c, 1);
    if (e && entry_type(e) != TYPE_ZSET) {
        reply_wrongtype(c);
        goto done;
    }
    int64_t added = 0, updated = 0;
    if (e || !(flags & ZADD_XX)) {
        Zset *z = e ? entry_obj(e) : zset_new_for(c->argl[first + 2]);
        for (size_t j = 0; j < n; j++) {
            int mi = first + 3 * (int)j + 2;
            double now;
            ZaddResult r = zset_add(&z, (double)scores[j], c->argv[mi], c->argl[mi], flags, &now);
            added += r == ZADD_ADDED;
            updated += r == ZADD_UPDATED;
        }
        zs_add_done(c, e, z, added, updated);
        if (added || updated) {
            notify_write(NOTIFY_ZSET, "zadd", c->db_index, c->argv[1], c->argl[1]);
            if (propagate_has_sink()) propagate_zadd(c, first, scores, n);
        }
    }
    reply_int(c, ch ? added + updated : added);
done:
    mem_free(scores);
}

/* ---------- GEOPOS, GEODIST, GEOHASH ---------- */

/* GEOPOS key member ... -- reply: [lon, lat] per member, null if absent. */
static void cmd_geopos(Client *c) {
    Zset *z;
    if (!zs_read_or_reply(c, 1, &z)) return;
    reply_array(c, c->argc - 2);
    for (int i = 2; i < c->argc; i++) {
        double lon, lat;
        if (!z || !member_pos(c, z, i, &lon, &lat)) {
            reply_null_array(c);
            continue;
        }
        reply_array(c, 2);
        reply_coord(c, lon);
        reply_coord(c, lat);
    }
}

/* GEODIST key member1 member2 [unit] -- reply: the distance, null when
 * the key or a member is missing. The unit is checked first. */
static void cmd_geodist(Client *c) {
    double conv = 1;
    if (c->argc == 5) {
        conv = unit_or_reply(c, 4);
        if (conv == 0) return;
    } else if (c->argc > 5) {
        reply_syntax_error(c);
        return;
    }
    Zset *z;
    if (!zs_read_or_reply(c, 1, &z)) return;
    double lon1, lat1, lon2, lat2;
    if (!z || !member_pos(c, z, 2, &lon1, &lat1) || !member_pos(c, z, 3, &lon2, &lat2)) {
        reply_null(c);
        return;
    }
    reply_distance(c, geohash_distance(lon1, lat1, lon2, lat2) / conv);
}

/* GEOHASH key member ... -- reply: 11-character geohashes, null if absent. */
static void cmd_geohash(Client *c) {
    Zset *z;
    if (!zs_read_or_reply(c, 1, &z)) return;
    reply_array(c, c->argc - 2);
    for (int i = 2; i < c->argc; i++) {
        double score;
        if (!z || !zset_score(z, c->argv[i], c->argl[i], &score)) {
            reply_null(c);
            continue;
        }
        char buf[12];
        geohash_score_string(score, buf);
        reply_bulk(c, buf, 11);
    }
}

/* ---------- searches ---------- */

/* One member found: position, distance (metres), score, and its bytes at
 * off in the search's member buffer. */
typedef struct {
    double lon, lat, dist, score;
    size_t off, len;
} GeoHit;

typedef struct {
    GeoHit *hits;
    size_t n, cap;
    char *mem; /* members, back to back */
    size_t mlen, mcap;
} GeoHits;

static void hits_add(GeoHits *h, const GeoHit *hit, const char *m, size_t len) {
    if (h->n == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 16;
        h->hits = mem_realloc(h->hits, h->cap * sizeof(*h->hits));
    }
    if (h->mlen + len > h->mcap) {
        h->mcap = (h->mlen + len) * 2 + 64;
        h->mem = mem_realloc(h->mem, h->mcap);
    }
    GeoHit *d = &h->hits[h->n++];
    *d = *hit;
    d->off = h->mlen;
    d->len = len;
    if (len) memcpy(h->mem + h->mlen, m, len);
    h->mlen += len;
}

/* Adds the members of one cell that lie inside the shape; stops once
 * `limit` (0: none) hits are gathered. */
static void search_cell(Zset *z, GeoCell cell, const GeoShape *s, GeoHits *h, size_t limit) {
    uint64_t min, max;
    geohash_cell_scores(cell, &min, &max);
    ZRangeScore r = {(double)min, (double)max, false, true};
    ZsetIter it;
    if (!zset_iter_score(&it, z, &r, false, 0)) return;
    ZsetElem e;
    while (zset_iter_next(&it, &e)) {
        if (!zrange_score_lte_max(e.score, &r)) break;
        GeoHit hit = {.score = e.score};
        geohash_score_decode(e.score, &hit.lon, &hit.lat);
        if (geohash_in_shape(s, hit.lon, hit.lat, &hit.dist)) hits_add(h, &hit, e.m, e.len);
        if (limit && h->n >= limit) break;
    }
}

/* The nine cells in Redis's order; a cell equal to the last one searched
 * (huge radii make neighbours coincide) is skipped. */
static void search_all(Zset *z, const GeoShape *s, GeoHits *h, size_t limit) {
    GeoCell cells[9];
    geohash_search_cells(s, cells);
    int last = 0; /* 0: none yet (the centre never counts, as in Redis) */
    for (int i = 0; i < 9; i++) {
        if (cells[i].bits == 0 && cells[i].step == 0) continue;
        if (last && cells[i].bits == cells[last].bits && cells[i].step == cells[last].step)
            continue;
        if (limit && h->n >= limit) break;
        search_cell(z, cells[i], s, h, limit);
        last = i;
    }
}

static int hit_cmp_asc(const void *a, const void *b) {
    double x = ((const GeoHit *)a)->dist, y = ((const GeoHit *)b)->dist;
    return x > y ? 1 : x == y ? 0 : -1;
}
static int hit_cmp_desc(const void *a, const void *b) { return -hit_cmp_asc(a, b); }

/* ---------- COUNT's partial sort ---------- */

/* With COUNT below the number of hits Redis sorts only the first COUNT
 * places, with Bentley & McIlroy's quicksort (median-of-three, ninther
 * past 40 elements, three-way partition, insertion sort below 7) that
 * skips the parts outside the wanted range. Equal distances then come
 * out in that algorithm's order, so it is followed step for step here. */
typedef int (*HitCmp)(const void *, const void *);

static inline void hit_swap(GeoHit *h, size_t i, size_t j) {
    GeoHit t = h[i];
    h[i] = h[j];
    h[j] = t;
}

static inline int hcmp(GeoHit *h, size_t i, size_t j, HitCmp cmp) { return cmp(&h[i], &h[j]); }

static size_t median3(GeoHit *h, size_t a, size_t b, size_t c, HitCmp cmp) {
    if (hcmp(h, a, b, cmp) < 0)
        return hcmp(h, b, c, cmp) < 0 ? b : hcmp(h, a, c, cmp) < 0 ? c : a;
    return hcmp(h, b, c, cmp) > 0 ? b : hcmp(h, a, c, cmp) < 0 ? a : c;
}

/* Sorts h[base..base+n) enough that places lo..hi hold what a full sort
 * would put there. */
static void partial_sort(GeoHit *h, size_t base, size_t n, size_t lo, size_t hi, HitCmp cmp) {
    for (;;) {
        if (n < 7) {
            for (size_t m = base + 1; m < base + n; m++)
                for (size_t l = m; l > base && hcmp(h, l - 1, l, cmp) > 0; l--) hit_swap(h, l, l - 1);
            return;
        }
        size_t m = base + n / 2;
        if (n > 7) {
            size_t l = base, e = base + n - 1;
            if (n > 40) {
                size_t d = n / 8;
                l = median3(h, l, l + d, l + 2 * d, cmp);
                m = median3(h, m - d, m, m + d, cmp);
                e = median3(h, e - 2 * d, e - d, e, cmp);
            }
            m = median3(h, l, m, e, cmp);
        }
        hit_swap(h, base, m); /* the pivot waits at base */
        size_t pa = base + 1, pb = pa, pc = base + n - 1, pd = pc;
        for (;;) { /* equal keys gather at both ends, then move to the middle */
            int r;
            while (pb <= pc && (r = hcmp(h, pb, base, cmp)) <= 0) {
                if (r == 0) hit_swap(h, pa++, pb);
                pb++;
            }
            while (pb <= pc && (r = hcmp(h, pc, base, cmp)) >= 0) {
                if (r == 0) hit_swap(h, pc, pd--);
                pc--;
            }
            if (pb > pc) break;
            hit_swap(h, pb++, pc--);
        }
        size_t end = base + n;
        size_t k = pa - base < pb - pa ? pa - base : pb - pa;
        for (size_t i = 0; i < k; i++) hit_swap(h, base + i, pb - k + i);
        k = pd - pc < end - pd - 1 ? pd - pc : end - pd - 1;
        for (size_t i = 0; i < k; i++) hit_swap(h, pb + i, end - k + i);
        size_t left = pb - pa, right = pd - pc;
        if (left > 1 && hi >= base && lo < base + left) partial_sort(h, base, left, lo, hi, cmp);
        if (right <= 1) return;
        base = end - right;
        n = right;
        if (hi < base || lo >= base + n) return;
    }
}

enum {
    GEO_COORDS = 1,      /* GEORADIUS: around lon lat */
    GEO_MEMBER = 2,      /* GEORADIUSBYMEMBER: around a member */
    GEO_NOSTORE = 4,     /* the _RO forms */
    GEO_SEARCH = 8,      /* GEOSEARCH's arguments */
    GEO_SEARCHSTORE = 16,
};
enum { SORT_NONE, SORT_ASC, SORT_DESC };

typedef struct {
    GeoShape shape;
    bool withdist, withhash, withcoord, any, storedist;
    bool frommember, fromloc, byradius, bybox;
    int sort;
    int64_t count;
    int storei; /* argv index of the destination, 0: none */
} GeoQuery;

/* Parses the options from argv[base]; false after an error reply. z is
 * the source (NULL when absent: FROMMEMBER is then not looked up). */
static bool query_opts_or_reply(Client *c, int base, int flags, Zset *z, GeoQuery *q) {
    bool search = flags & GEO_SEARCH;
    bool canstore = !(flags & GEO_NOSTORE) && !search;
    for (int i = base; i < c->argc; i++) {
        int left = c->argc - i - 1; /* arguments after this one */
        if (arg_opt_is(c, i, "withdist")) q->withdist = true;
        else if (arg_opt_is(c, i, "withhash")) q->withhash = true;
        else if (arg_opt_is(c, i, "withcoord")) q->withcoord = true;
        else if (arg_opt_is(c, i, "any")) q->any = true;
        else if (arg_opt_is(c, i, "asc")) q->sort = SORT_ASC;
        else if (arg_opt_is(c, i, "desc")) q->sort = SORT_DESC;
        else if (arg_opt_is(c, i, "count") && left >= 1) {
            if (!arg_int64_or_reply(c, i + 1, &q->count)) return false;
            if (q->count <= 0) {
                reply_error(c, "ERR COUNT must be > 0");
                return false;
            }
            i++;
        } else if ((arg_opt_is(c, i, "store") || arg_opt_is(c, i, "storedist")) && left >= 1 &&
                   canstore) {
            q->storei = i + 1;
            q->storedist = arg_opt_is(c, i, "storedist");
            i++;
        } else if (arg_opt_is(c, i, "storedist") && search && (flags & GEO_SEARCHSTORE)) {
            q->storedist = true;
        } else if (arg_opt_is(c, i, "frommember") && left >= 1 && search && !q->fromloc) {
            if (z && !member_pos(c, z, i + 1, &q->shape.lon, &q->shape.lat)) {
                reply_error(c, "ERR could not decode requested zset member");
                return false;
            }
            q->frommember = true;
            i++;
        } else if (arg_opt_is(c, i, "fromlonlat") && left >= 2 && search && !q->frommember) {
            if (!lonlat_or_reply(c, i + 1, &q->shape.lon, &q->shape.lat)) return false;
            q->fromloc = true;
            i += 2;
        } else if (arg_opt_is(c, i, "byradius") && left >= 2 && search && !q->bybox) {
            if (!radius_or_reply(c, i + 1, &q->shape)) return false;
            q->byradius = true;
            i += 2;
        } else if (arg_opt_is(c, i, "bybox") && left >= 3 && search && !q->byradius) {
            if (!box_or_reply(c, i + 1, &q->shape)) return false;
            q->bybox = true;
            i += 3;
        } else {
            reply_syntax_error(c);
            return false;
        }
    }
    return true;
}

/* The checks Redis makes once every option is read. */
static bool query_check_or_reply(Client *c, int flags, const GeoQuery *q) {
    if (q->storei && (q->withdist || q->withhash || q->withcoord)) {
        reply_errorf(c, "ERR %s is not compatible with WITHDIST, WITHHASH and WITHCOORD options",
                     (flags & GEO_SEARCHSTORE) ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS");
        return false;
    }
    if ((flags & GEO_SEARCH) && !(q->frommember || q->fromloc)) {
        reply_errorf(c, "ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for %.*s",
                     (int)c->argl[0], c->argv[0]);
        return false;
    }
    if ((flags & GEO_SEARCH) && !(q->byradius || q->bybox)) {
        reply_errorf(c, "ERR exactly one of BYRADIUS and BYBOX can be specified for %.*s",
                     (int)c->argl[0], c->argv[0]);
        return false;
    }
    if (q->any && !q->count) {
        reply_error(c, "ERR the ANY argument requires COUNT argument");
        return false;
    }
    return true;
}

static void reply_hits(Client *c, const GeoQuery *q, GeoHits *h, size_t n) {
    int extra = q->withdist + q->withhash + q->withcoord;
    reply_array(c, (int64_t)n);
    for (size_t i = 0; i < n; i++) {
        const GeoHit *hit = &h->hits[i];
        if (extra) reply_array(c, extra + 1);
        reply_bulk(c, h->mem + hit->off, hit->len);
        if (q->withdist) reply_distance(c, hit->dist / q->shape.conv);
        if (q->withhash) reply_int(c, (int64_t)hit->score); /* < 2^52: in a cell */
        if (q->withcoord) {
            reply_array(c, 2);
            reply_coord(c, hit->lon);
            reply_coord(c, hit->lat);
        }
    }
}

static void store_hits(Client *c, int flags, const GeoQuery *q, GeoHits *h, size_t n) {
    Zset *dst = zset_build_new();
    for (size_t i = 0; i < n; i++) {
        const GeoHit *hit = &h->hits[i];
        double score = q->storedist ? hit->dist / q->shape.conv : hit->score;
        bool isnew;
        zset_build_slot(dst, h->mem + hit->off, hit->len, score, &isnew);
    }
    dst = zset_build_done(dst, true);
    zs_store_reply(c, q->storei, dst, (flags & GEO_SEARCH) ? "geosearchstore" : "georadiusstore");
    if (n > 1) db_add_dirty(n - 1); /* Redis counts each stored member */
}

/* GEORADIUS & co. and GEOSEARCH[STORE]; srci: the source key's index. */
static void georadius_generic(Client *c, int srci, int flags) {
    Zset *z;
    if (!zs_read_or_reply(c, srci, &z)) return;
    GeoQuery q = {0};
    int base;
    if (flags & GEO_COORDS) {
        base = 6;
        if (!lonlat_or_reply(c, 2, &q.shape.lon, &q.shape.lat)) return;
        if (!radius_or_reply(c, 4, &q.shape)) return;
    } else if (flags & GEO_MEMBER) {
        base = 5;
        if (z) { /* without a source, only the options are checked */
            if (!member_pos(c, z, 2, &q.shape.lon, &q.shape.lat)) {
                reply_error(c, "ERR could not decode requested zset member");
                return;
            }
            if (!radius_or_reply(c, 3, &q.shape)) return;
        }
    } else {
        base = (flags & GEO_SEARCHSTORE) ? 3 : 2;
        if (flags & GEO_SEARCHSTORE) q.storei = 1;
    }
    if (!query_opts_or_reply(c, base, flags, z, &q)) return;
    if (!query_check_or_reply(c, flags, &q)) return;

    if (!z) {
        if (!q.storei) {
            reply_array(c, 0);
            return;
        }
        if (db_delete(c->db, c->argv[q.storei], c->argl[q.storei])) {
            notify_write(NOTIFY_GENERIC, "del", c->db_index, c->argv[q.storei],
                         c->argl[q.storei]);
        }
        reply_int(c, 0);
        return;
    }
    /* COUNT means the nearest ones, unless ANY took the first found */
    if (q.count && q.sort == SORT_NONE && !q.any) q.sort = SORT_ASC;

    GeoHits h = {0};
    search_all(z, &q.shape, &h, q.any ? (size_t)q.count : 0);
    if (h.n == 0 && !q.storei) {
        reply_array(c, 0);
        goto done;
    }
    size_t n = q.count && (uint64_t)q.count < h.n ? (size_t)q.count : h.n;
    /* All of them: libc's qsort, as Redis (equal distances keep the order
     * found); the first COUNT only: the partial quicksort. */
    if (q.sort != SORT_NONE && h.n > 1) {
        HitCmp cmp = q.sort == SORT_ASC ? hit_cmp_asc : hit_cmp_desc;
        if (n == h.n) qsort(h.hits, h.n, sizeof(*h.hits), cmp);
        else partial_sort(h.hits, 0, h.n, 0, n - 1, cmp);
    }
    if (q.storei) store_hits(c, flags, &q, &h, n);
    else reply_hits(c, &q, &h, n);
done:
    mem_free(h.hits);
    mem_free(h.mem);
}

static void cmd_georadius(Client *c) { georadius_generic(c, 1, GEO_COORDS); }
static void cmd_georadius_ro(Client *c) { georadius_generic(c, 1, GEO_COORDS | GEO_NOSTORE); }
static void cmd_georadiusbymember(Client *c) { georadius_generic(c, 1, GEO_MEMBER); }
static void cmd_georadiusbymember_ro(Client *c) {
    georadius_generic(c, 1, GEO_MEMBER | GEO_NOSTORE);
}
static void cmd_geosearch(Client *c) { georadius_generic(c, 1, GEO_SEARCH); }
static void cmd_geosearchstore(Client *c) {
    georadius_generic(c, 2, GEO_SEARCH | GEO_SEARCHSTORE);
}

/* ---------- table ---------- */

#define GEO "geo"
#define W_GEO (CMD_WRITE | CMD_DENYOOM)
#define ACL_W "@write @geo @slow"
#define ACL_R "@read @geo @slow"
#define CX_SEARCH                                                                             \
    "O(N+log(M)) where N is the number of elements inside the bounding box of the circular " \
    "area delimited by center and radius and M is the number of items inside the index."
#define CX_SEARCH7                                                                            \
    "O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area "   \
    "around the shape provided as the filter and M is the number of items inside the shape"

/* clang-format off */
Command geo_commands[] = {
    {"geoadd", cmd_geoadd, -5, W_GEO, 1, 1, 1, GEO, "Add one or more geospatial items in the geospatial index represented using a sorted set", "3.2.0", "O(log(N)) for each item added, where N is the number of elements in the sorted set.", ACL_W, NULL},
    {"geopos", cmd_geopos, -2, CMD_READONLY, 1, 1, 1, GEO, "Returns longitude and latitude of members of a geospatial index", "3.2.0", "O(N) where N is the number of members requested.", ACL_R, NULL},
    {"geodist", cmd_geodist, -4, CMD_READONLY, 1, 1, 1, GEO, "Returns the distance between two members of a geospatial index", "3.2.0", "O(log(N))", ACL_R, NULL},
    {"geohash", cmd_geohash, -2, CMD_READONLY, 1, 1, 1, GEO, "Returns members of a geospatial index as standard geohash strings", "3.2.0", "O(log(N)) for each member requested, where N is the number of elements in the sorted set.", ACL_R, NULL},
    {"georadius", cmd_georadius, -6, W_GEO | CMD_MOVABLE_KEYS, 1, 1, 1, GEO, "Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a point", "3.2.0", CX_SEARCH, ACL_W, NULL},
    {"georadius_ro", cmd_georadius_ro, -6, CMD_READONLY, 1, 1, 1, GEO, "A read-only variant for GEORADIUS", "3.2.10", CX_SEARCH, ACL_R, NULL},
    {"georadiusbymember", cmd_georadiusbymember, -5, W_GEO | CMD_MOVABLE_KEYS, 1, 1, 1, GEO, "Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a member", "3.2.0", "O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.", ACL_W, NULL},
    {"georadiusbymember_ro", cmd_georadiusbymember_ro, -5, CMD_READONLY, 1, 1, 1, GEO, "A read-only variant for GEORADIUSBYMEMBER", "3.2.10", "O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.", ACL_R, NULL},
    {"geosearch", cmd_geosearch, -7, CMD_READONLY, 1, 1, 1, GEO, "Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle.", "6.2.0", CX_SEARCH7, ACL_R, NULL},
    {"geosearchstore", cmd_geosearchstore, -8, W_GEO, 1, 2, 1, GEO, "Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle, and store the result in another key.", "6.2.0", CX_SEARCH7, ACL_W, NULL},
    {0},
};
/* clang-format on */
