/* ds/mem.h -- every allocation of the server goes through here, so that
 * used memory (INFO used_memory, maxmemory) is known at all times.
 * Out of memory aborts. Counters are atomic: a background thread may free. */
#ifndef KILAT_MEM_H
#define KILAT_MEM_H

#include "../base.h"

void *mem_alloc(size_t n);
void *mem_calloc(size_t n);
/* n bytes at an address that is a multiple of align (a power of two, at
 * least sizeof(void *)); freed with mem_free. */
void *mem_alloc_aligned(size_t align, size_t n);
void *mem_realloc(void *p, size_t n) WUR;   /* p may be NULL */
void mem_free(void *p);                     /* p may be NULL */
char *mem_strndup(const char *s, size_t n); /* NUL-terminated copy */
size_t mem_usable(const void *p);           /* allocator's size of p */
size_t mem_used(void);                      /* bytes held right now */
const char *mem_allocator_name(void);       /* "jemalloc-5.3.0" or "libc" */
/* Allocator-wide figures (MEMORY STATS): bytes allocated, in active pages
 * and resident. With libc all three are mem_used() (no better figure). */
void mem_allocator_figures(size_t *allocated, size_t *active, size_t *resident);
/* The allocator's own statistics report, passed to fn in pieces (MEMORY
 * MALLOC-STATS); a one-line note with libc. */
void mem_allocator_report(void (*fn)(void *ctx, const char *text), void *ctx);
/* DEBUG MALLCTL / MALLCTL-STR: read (and, when set is given, write) one
 * allocator setting by its mallctl name. 0 = *got holds the old value;
 * MEM_CTL_WRITTEN = a write-only setting was written; otherwise an errno
 * (ENOENT without jemalloc). */
#define MEM_CTL_WRITTEN (-1)
int mem_ctl_int(const char *name, const int64_t *set, int64_t *got);
int mem_ctl_str(const char *name, const char *set, const char **got);
/* Returns dirty pages to the OS where the allocator can (MEMORY PURGE). */
void mem_purge(void);
/* jemalloc-bg-thread: the allocator's own thread returns freed pages to
 * the OS over time even while the server is idle (otherwise that only
 * happens on later allocations). No effect with libc. */
void mem_background_purge(bool on);

#endif
