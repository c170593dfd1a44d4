/* cmd/memstat.h -- one snapshot of the memory figures that INFO memory,
 * MEMORY STATS and MEMORY DOCTOR report, computed in one place so the three
 * always agree (Redis's "memory overhead" data). */
#ifndef KILAT_MEMSTAT_H
#define KILAT_MEMSTAT_H

#include "../base.h"

typedef struct {
    size_t used, peak, startup, rss;        /* server-counted bytes; process RSS */
    size_t allocated, active, resident;     /* the allocator's own figures */
    size_t clients_normal, aof_buffer;      /* overhead parts, as Redis counts them */
    size_t lua_caches, functions_caches;
    size_t keys_overhead;                   /* key tables of every database */
    size_t overhead, dataset;               /* overhead + dataset = used */
    size_t keys, net;                       /* key count; used - startup */
    size_t clients, cached_scripts;
} MemStats;

void memstat_collect(MemStats *m);
double memstat_ratio(size_t over, size_t under);   /* 0 when under is 0 */
/* MEMORY DOCTOR's report (Redis's wording), NUL-terminated, static. */
const char *memstat_doctor(const MemStats *m, char *buf, size_t cap);

#endif
