/* ds/mem.h -- every allocation of the server goes through here, so that
 * used memory (INFO used_memory, maxmemory) is known at all times.
 * Out of memory aborts. Counters are atomic: a background thread may free. */
#ifndef KILAT_MEM_H
#define KILAT_MEM_H

#include "../base.h"

void *mem_alloc(size_t n);
void *mem_calloc(size_t n);
void *mem_realloc(void *p, size_t n) WUR;   /* p may be NULL */
void mem_free(void *p);                     /* p may be NULL */
char *mem_strndup(const char *s, size_t n); /* NUL-terminated copy */
size_t mem_usable(const void *p);           /* allocator's size of p */
size_t mem_used(void);                      /* bytes held right now */
const char *mem_allocator_name(void);       /* "jemalloc-5.3.0" or "libc" */

#endif
