/* ds/mem.c -- allocation with accounting. The counter adds the allocator's
 * usable size, so it matches what the allocator really holds for us. */
#include "mem.h"

#include <errno.h>
#include <malloc.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef HAVE_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

static _Atomic size_t used_bytes;

static void *oom(size_t n) {
    fprintf(stderr, "kilat: out of memory allocating %zu bytes\n", n);
    abort();
}

static inline void account_add(void *p) {
    atomic_fetch_add_explicit(&used_bytes, malloc_usable_size(p), memory_order_relaxed);
}

static inline void account_sub(void *p) {
    atomic_fetch_sub_explicit(&used_bytes, malloc_usable_size(p), memory_order_relaxed);
}

void *mem_alloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (UNLIKELY(!p)) return oom(n);
    account_add(p);
    return p;
}

void *mem_calloc(size_t n) {
    void *p = calloc(1, n ? n : 1);
    if (UNLIKELY(!p)) return oom(n);
    account_add(p);
    return p;
}

void *mem_alloc_aligned(size_t align, size_t n) {
    void *p = NULL;
    if (UNLIKELY(posix_memalign(&p, align, n ? n : 1) != 0)) return oom(n);
    account_add(p);
    return p;
}

void *mem_realloc(void *p, size_t n) {
    if (!p) return mem_alloc(n);
    size_t old = malloc_usable_size(p);
    void *q = realloc(p, n ? n : 1);
    if (UNLIKELY(!q)) return oom(n);
    size_t now = malloc_usable_size(q);
    if (now >= old)
        atomic_fetch_add_explicit(&used_bytes, now - old, memory_order_relaxed);
    else
        atomic_fetch_sub_explicit(&used_bytes, old - now, memory_order_relaxed);
    return q;
}

void mem_free(void *p) {
    if (!p) return;
    account_sub(p);
    free(p);
}

char *mem_strndup(const char *s, size_t n) {
    char *d = mem_alloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

size_t mem_usable(const void *p) { return p ? malloc_usable_size((void *)p) : 0; }

size_t mem_used(void) { return atomic_load_explicit(&used_bytes, memory_order_relaxed); }

const char *mem_allocator_name(void) {
#ifdef HAVE_JEMALLOC
    static char name[64];
    if (!name[0]) {
        const char *v = NULL;
        size_t sz = sizeof(v);
        if (mallctl("version", &v, &sz, NULL, 0) == 0 && v) {
            /* "5.3.0-0-g54eaed1d..." -> "jemalloc-5.3.0" */
            size_t n = strcspn(v, "-");
            snprintf(name, sizeof(name), "jemalloc-%.*s", (int)n, v);
        } else {
            snprintf(name, sizeof(name), "jemalloc");
        }
    }
    return name;
#else
    return "libc";
#endif
}

void mem_allocator_figures(size_t *allocated, size_t *active, size_t *resident) {
    *allocated = *active = *resident = mem_used();
#ifdef HAVE_JEMALLOC
    uint64_t epoch = 1;
    size_t sz = sizeof(epoch);
    mallctl("epoch", &epoch, &sz, &epoch, sz); /* refresh the cached stats */
    sz = sizeof(size_t);
    mallctl("stats.allocated", allocated, &sz, NULL, 0);
    mallctl("stats.active", active, &sz, NULL, 0);
    mallctl("stats.resident", resident, &sz, NULL, 0);
#endif
}

#ifdef HAVE_JEMALLOC
typedef struct {
    void (*fn)(void *ctx, const char *text);
    void *ctx;
} ReportSink;

static void report_write(void *opaque, const char *text) {
    ReportSink *s = opaque;
    s->fn(s->ctx, text);
}
#endif

void mem_allocator_report(void (*fn)(void *ctx, const char *text), void *ctx) {
#ifdef HAVE_JEMALLOC
    ReportSink s = {fn, ctx};
    malloc_stats_print(report_write, &s, NULL);
#else
    fn(ctx, "Stats not supported for the current allocator");
#endif
}

void mem_purge(void) {
#ifdef HAVE_JEMALLOC
    char name[64];
    unsigned narenas = 0;
    size_t sz = sizeof(narenas);
    if (mallctl("arenas.narenas", &narenas, &sz, NULL, 0) != 0) return;
    snprintf(name, sizeof(name), "arena.%u.purge", (unsigned)MALLCTL_ARENAS_ALL);
    mallctl(name, NULL, NULL, NULL, 0);
#endif
}

void mem_background_purge(bool on) {
#ifdef HAVE_JEMALLOC
    bool v = on;
    mallctl("background_thread", NULL, NULL, &v, sizeof(v)); /* best effort, as Redis */
#else
    (void)on;
#endif
}

/* jemalloc checks the size of the value against the setting's own type,
 * which the caller cannot know. As Redis does, start at 64 bits and halve
 * the width jemalloc wrote back after each EINVAL: only 64-bit settings
 * can be read that way (a 32-bit one answers EINVAL), which is Redis's
 * behaviour and what DEBUG MALLCTL is tested against. */
int mem_ctl_int(const char *name, const int64_t *set, int64_t *got) {
#ifdef HAVE_JEMALLOC
    int64_t old = 0, val = set ? *set : 0;
    size_t width = sizeof(int64_t);
    while (width > 0) {
        int rc = mallctl(name, &old, &width, set ? &val : NULL, set ? width : 0);
        if (rc == EPERM && set) { /* write-only setting: write without reading */
            rc = mallctl(name, NULL, NULL, &val, width);
            if (rc == 0) return MEM_CTL_WRITTEN;
        }
        if (rc == EINVAL) {
            width /= 2;
            continue;
        }
        if (rc) return rc;
        *got = old;
        return 0;
    }
    return EINVAL;
#else
    (void)name, (void)set, (void)got;
    return ENOENT;
#endif
}

int mem_ctl_str(const char *name, const char *set, const char **got) {
#ifdef HAVE_JEMALLOC
    const char *old = NULL;
    size_t sz = sizeof(old);
    int rrc = mallctl(name, &old, &sz, NULL, 0);
    if (rrc && !(rrc == EPERM && set)) return rrc;
    int wrc = 0;
    if (set) {
        /* "VOID" triggers a setting that takes no value (thread.tcache.flush). */
        if (strcmp(set, "VOID") == 0) wrc = mallctl(name, NULL, NULL, NULL, 0);
        else wrc = mallctl(name, NULL, NULL, (void *)&set, sizeof(set));
    }
    if (rrc == 0) {
        *got = old;
        return 0;
    }
    return wrc ? wrc : MEM_CTL_WRITTEN;
#else
    (void)name, (void)set, (void)got;
    return ENOENT;
#endif
}
