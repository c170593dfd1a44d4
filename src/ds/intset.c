/* ds/intset.c -- sorted array of int16/int32/int64 values (see intset.h).
 *
 *   +-----------+-----------+------------------------------------+
 *   | len (u32) | width u32 | len values of `width` bytes, sorted |
 *   +-----------+-----------+------------------------------------+
 *
 * Invariant: values are strictly ascending, every value fits the width,
 * and the allocation holds exactly the header and len values. The values
 * start at offset 8, so they are naturally aligned for every width. */
#include "intset.h"

#include <stdlib.h>
#include <string.h>

#include "mem.h"

struct IntSet {
    uint32_t len;
    uint32_t width; /* 2, 4 or 8 */
    union {
        int16_t i16[1];
        int32_t i32[1];
        int64_t i64[1];
    } v[];          /* really len values of `width` bytes */
};

#define HDR offsetof(IntSet, v)

static inline unsigned width_for(int64_t v) {
    if (v >= INT16_MIN && v <= INT16_MAX) return 2;
    if (v >= INT32_MIN && v <= INT32_MAX) return 4;
    return 8;
}

static inline void *data(const IntSet *is) { return (void *)is->v; }

static inline int64_t get_w(const IntSet *is, size_t i, unsigned w) {
    switch (w) {
    case 2: return ((const int16_t *)data(is))[i];
    case 4: return ((const int32_t *)data(is))[i];
    default: return ((const int64_t *)data(is))[i];
    }
}

static inline void set_w(IntSet *is, size_t i, unsigned w, int64_t v) {
    switch (w) {
    case 2: ((int16_t *)data(is))[i] = (int16_t)v; break;
    case 4: ((int32_t *)data(is))[i] = (int32_t)v; break;
    default: ((int64_t *)data(is))[i] = v; break;
    }
}

static inline IntSet *resize(IntSet *is, size_t len, unsigned w) {
    return mem_realloc(is, HDR + len * w);
}

IntSet *intset_new(void) {
    IntSet *is = mem_alloc(HDR);
    is->len = 0;
    is->width = 2;
    return is;
}

void intset_free(IntSet *is) { mem_free(is); }

IntSet *intset_dup(const IntSet *is) {
    size_t n = HDR + (size_t)is->len * is->width;
    IntSet *d = mem_alloc(n);
    memcpy(d, is, n);
    return d;
}

size_t intset_len(const IntSet *is) { return is->len; }
unsigned intset_width(const IntSet *is) { return is->width; }
size_t intset_mem(const IntSet *is) { return mem_usable(is); }

int64_t intset_get(const IntSet *is, size_t i) {
    ASSERT(i < is->len);
    return get_w(is, i, is->width);
}

/* Binary search for v (which fits the width): true if found; *pos is its
 * position, or where it would be inserted. */
static bool search(const IntSet *is, int64_t v, size_t *pos) {
    size_t lo = 0, hi = is->len;
    unsigned w = is->width;
    if (hi > 0) {
        /* Appends in ascending order (and prepends) are common: O(1). */
        int64_t last = get_w(is, hi - 1, w);
        if (v > last) {
            *pos = hi;
            return false;
        }
        if (v == last) {
            *pos = hi - 1;
            return true;
        }
        if (v < get_w(is, 0, w)) {
            *pos = 0;
            return false;
        }
    }
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int64_t m = get_w(is, mid, w);
        if (m < v) lo = mid + 1;
        else if (m > v) hi = mid;
        else {
            *pos = mid;
            return true;
        }
    }
    *pos = lo;
    return false;
}

bool intset_contains(const IntSet *is, int64_t v) {
    size_t pos;
    return width_for(v) <= is->width && search(is, v, &pos);
}

/* v does not fit the current width, so it is below every value (negative)
 * or above every value: widen, re-encoding from the back so that no value
 * is overwritten before it is read, and put v at the matching end. */
static IntSet *upgrade_and_add(IntSet *is, int64_t v) {
    unsigned old = is->width, w = width_for(v);
    size_t len = is->len;
    bool front = v < 0;
    is = resize(is, len + 1, w);
    is->width = w;
    for (size_t i = len; i-- > 0;) set_w(is, i + front, w, get_w(is, i, old));
    set_w(is, front ? 0 : len, w, v);
    is->len = (uint32_t)(len + 1);
    return is;
}

IntSet *intset_add(IntSet *is, int64_t v, bool *added) {
    if (added) *added = true;
    if (width_for(v) > is->width) return upgrade_and_add(is, v);
    size_t pos;
    if (search(is, v, &pos)) {
        if (added) *added = false;
        return is;
    }
    ASSERT(is->len < UINT32_MAX);
    unsigned w = is->width;
    is = resize(is, (size_t)is->len + 1, w);
    char *d = data(is);
    memmove(d + (pos + 1) * w, d + pos * w, (is->len - pos) * w);
    set_w(is, pos, w, v);
    is->len++;
    return is;
}

IntSet *intset_remove(IntSet *is, int64_t v, bool *removed) {
    size_t pos;
    if (width_for(v) > is->width || !search(is, v, &pos)) {
        if (removed) *removed = false;
        return is;
    }
    if (removed) *removed = true;
    unsigned w = is->width;
    char *d = data(is);
    memmove(d + pos * w, d + (pos + 1) * w, (is->len - pos - 1) * w);
    is->len--;
    return resize(is, is->len, w);
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

IntSet *intset_remove_many(IntSet *is, int64_t *vals, size_t n) {
    if (n == 0 || is->len == 0) return is;
    qsort(vals, n, sizeof(*vals), cmp_i64);
    /* Merge walk: keep each value that is not the next one to drop. */
    unsigned w = is->width;
    size_t out = 0, j = 0;
    for (size_t i = 0; i < is->len; i++) {
        int64_t x = get_w(is, i, w);
        while (j < n && vals[j] < x) j++;
        if (j < n && vals[j] == x) continue;
        if (out != i) set_w(is, out, w, x);
        out++;
    }
    if (out == is->len) return is;
    is->len = (uint32_t)out;
    return resize(is, out, w);
}
