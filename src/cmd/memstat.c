/* cmd/memstat.c -- the memory figures behind INFO memory, MEMORY STATS and
 * MEMORY DOCTOR. Overhead is what the server holds besides keys and values:
 * the start-up figure, client buffers, the AOF buffer, the Lua state and
 * the key tables; the dataset is the rest of used memory. */
#include "memstat.h"

#include <stdio.h>
#include <string.h>

#include "../core/client.h"
#include "../core/db.h"
#include "../core/stats.h"
#include "../ds/mem.h"
#include "../os/proc.h"
#include "../persist/aof.h"
#include "../script/function.h"
#include "../script/script.h"

static void add_client(Client *c, void *ctx) {
    MemStats *m = ctx;
    if (c->flags & CLIENT_CLOSE_ASAP) return; /* killed: Redis has freed it */
    m->clients++;
    m->clients_normal += client_total_mem(c); /* normal and pubsub: no replicas yet */
}

void memstat_collect(MemStats *m) {
    memset(m, 0, sizeof(*m));
    m->used = mem_used();
    m->peak = stats_memory_peak();
    if (m->peak < m->used) m->peak = m->used;
    m->startup = stats_startup_memory();
    m->rss = proc_rss_bytes();
    mem_allocator_figures(&m->allocated, &m->active, &m->resident);
    client_foreach(add_client, m);
    m->aof_buffer = aof_buffer_bytes();
    m->lua_caches = script_memory();
    m->cached_scripts = script_cached_count();
    /* the functions' Lua state and their libraries' code (Redis counts
     * the libraries' structures there) */
    m->functions_caches = function_memory();
    for (size_t i = 0; i < function_lib_count(); i++) {
        size_t n;
        function_lib_code(i, &n);
        m->functions_caches += n;
    }
    for (int i = 0; i < db_count_dbs(); i++) {
        Db *db = db_get(i);
        m->keys += db_size(db);
        m->keys_overhead += db_table_overhead(db);
    }
    m->overhead = m->startup + m->clients_normal + m->aof_buffer + m->lua_caches +
                  m->functions_caches + m->keys_overhead;
    m->dataset = m->used > m->overhead ? m->used - m->overhead : 0;
    m->net = m->used > m->startup ? m->used - m->startup : 0;
}

double memstat_ratio(size_t over, size_t under) {
    return under ? (double)over / (double)under : 0.0;
}

/* over/under above `ratio` and over - under above 10 MB: Redis's test for
 * each kind of fragmentation the doctor reports. */
static bool excessive(size_t over, size_t under, double ratio) {
    return memstat_ratio(over, under) > ratio && over > under && over - under > (10u << 20);
}

static void add(char *buf, size_t cap, const char *text) {
    size_t len = strlen(buf);
    if (len < cap) snprintf(buf + len, cap - len, "%s", text);
}

const char *memstat_doctor(const MemStats *m, char *buf, size_t cap) {
    if (m->used < (5u << 20))
        return "Hi Sam, this instance is empty or is using very little memory, my issues "
               "detector can't be used in these conditions. Please, leave for your mission on "
               "Earth and fill it with some data. The new Sam and I will be back to our "
               "programming as soon as I finished rebooting.\n";
    bool peak = memstat_ratio(m->peak, m->used) > 1.5;
    bool total_frag = excessive(m->rss, m->used, 1.4);
    bool alloc_frag = excessive(m->active, m->allocated, 1.1);
    bool alloc_rss = excessive(m->resident, m->active, 1.1);
    bool proc_rss = excessive(m->rss, m->resident, 1.1);
    bool clients = m->clients && m->clients_normal / m->clients > 200u * 1024;
    bool scripts = m->cached_scripts > 1000;
    if (!(peak || total_frag || alloc_frag || alloc_rss || proc_rss || clients || scripts))
        return "Hi Sam, I can't find any memory issue in your instance. I can only account for "
               "what occurs on this base.\n";
    buf[0] = '\0';
    add(buf, cap, "Sam, I detected a few issues in this Redis instance memory implants:\n\n");
    if (peak)
        add(buf, cap,
            " * Peak memory: In the past this instance used more than 150% the memory that is "
            "currently using. The allocator is normally not able to release memory after a peak, "
            "so you can expect to see a big fragmentation ratio, however this is actually "
            "harmless and is only due to the memory peak, and if the Redis instance Resident Set "
            "Size (RSS) is currently bigger than expected, the memory will be used as soon as you "
            "fill the Redis instance with more data. If the memory peak was only occasional and "
            "you want to try to reclaim memory, please try the MEMORY PURGE command, otherwise "
            "the only other option is to shutdown and restart the instance.\n\n");
    if (total_frag) {
        char text[1024];
        snprintf(text, sizeof(text),
                 " * High total RSS: This instance has a memory fragmentation and RSS overhead "
                 "greater than 1.4 (this means that the Resident Set Size of the Redis process is "
                 "much larger than the sum of the logical allocations Redis performed). This "
                 "problem is usually due either to a large peak memory (check if there is a peak "
                 "memory entry above in the report) or may result from a workload that causes "
                 "the allocator to fragment memory a lot. If the problem is a large peak memory, "
                 "then there is no issue. Otherwise, make sure you are using the Jemalloc "
                 "allocator and not the default libc malloc. Note: The currently used allocator "
                 "is \"%s\".\n\n",
                 mem_allocator_name());
        add(buf, cap, text);
    }
    if (alloc_frag)
        add(buf, cap,
            " * High allocator fragmentation: This instance has an allocator external "
            "fragmentation greater than 1.1. This problem is usually due either to a large peak "
            "memory (check if there is a peak memory entry above in the report) or may result "
            "from a workload that causes the allocator to fragment memory a lot. You can try "
            "enabling 'activedefrag' config option.\n\n");
    if (alloc_rss)
        add(buf, cap,
            " * High allocator RSS overhead: This instance has an RSS memory overhead is greater "
            "than 1.1 (this means that the Resident Set Size of the allocator is much larger "
            "than the sum what the allocator actually holds). This problem is usually due to a "
            "large peak memory (check if there is a peak memory entry above in the report), you "
            "can try the MEMORY PURGE command to reclaim it.\n\n");
    if (proc_rss)
        add(buf, cap,
            " * High process RSS overhead: This instance has non-allocator RSS memory overhead "
            "is greater than 1.1 (this means that the Resident Set Size of the Redis process is "
            "much larger than the RSS the allocator holds). This problem may be due to Lua "
            "scripts or Modules.\n\n");
    if (clients)
        add(buf, cap,
            " * Big client buffers: The clients output buffers in this instance are greater than "
            "200K per client (on average). This may result from different causes, like Pub/Sub "
            "clients subscribed to channels bot not receiving data fast enough, so that data "
            "piles on the Redis instance output buffer, or clients sending commands with large "
            "replies or very large sequences of commands in the same pipeline. Please use the "
            "CLIENT LIST command in order to investigate the issue if it causes problems in "
            "your instance, or to understand better why certain clients are using a big amount "
            "of memory.\n\n");
    if (scripts)
        add(buf, cap,
            " * Many scripts: There seem to be many cached scripts in this instance (more than "
            "1000). This may be because scripts are generated and `EVAL`ed, instead of being "
            "parameterized (with KEYS and ARGV), `SCRIPT LOAD`ed and `EVALSHA`ed. Unless "
            "`SCRIPT FLUSH` is called periodically, the scripts' caches may end up consuming "
            "most of your memory.\n\n");
    add(buf, cap, "I'm here to keep you safe, Sam. I want to help you.\n");
    return buf;
}
