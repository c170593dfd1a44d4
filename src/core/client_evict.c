/* core/client_evict.c -- maxmemory-clients: counted memory per client, the
 * buckets, and closing the biggest clients when the total reaches the limit.
 * Invariant: `total` is the sum of evict_mem over the counted clients; a
 * client is in bucket b (evict_bucket = b + 1) iff it is counted and
 * evictable, and b is log2 of its evict_mem, clamped to the bucket range. */
#include "client_evict.h"

#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "config.h"
#include "log.h"

/* Bucket b holds clients of [2^(b+MIN_LOG-1), 2^(b+MIN_LOG)) bytes; the
 * first takes everything under 32 KiB, the last everything over 4 GiB. */
#define BUCKET_MIN_LOG 15
#define BUCKET_MAX_LOG 33
#define NBUCKETS (BUCKET_MAX_LOG - BUCKET_MIN_LOG + 1)
/* Redis's floor: a smaller limit could cut every client off. */
#define LIMIT_MIN ((size_t)128 * 1024)

bool client_evict_on, client_evict_over;

static Client *buckets[NBUCKETS]; /* doubly linked through evict_prev/next */
static size_t total;              /* bytes counted over all clients */
static size_t limit;              /* 0: none (off, or N% with maxmemory 0) */
static uint64_t evicted;
static bool warned;               /* "over after evicting all" was logged */

static int bucket_of(size_t mem) {
    int bits = mem ? 64 - __builtin_clzll((unsigned long long)mem) : 0;
    if (bits > BUCKET_MAX_LOG) bits = BUCKET_MAX_LOG;
    if (bits < BUCKET_MIN_LOG) bits = BUCKET_MIN_LOG;
    return bits - BUCKET_MIN_LOG;
}

static void unlink_bucket(Client *c) {
    if (!c->evict_bucket) return;
    if (c->evict_prev) c->evict_prev->evict_next = c->evict_next;
    else buckets[c->evict_bucket - 1] = c->evict_next;
    if (c->evict_next) c->evict_next->evict_prev = c->evict_prev;
    c->evict_prev = c->evict_next = NULL;
    c->evict_bucket = 0;
}

static void link_bucket(Client *c, int b) {
    c->evict_prev = NULL;
    c->evict_next = buckets[b];
    if (buckets[b]) buckets[b]->evict_prev = c;
    buckets[b] = c;
    c->evict_bucket = b + 1;
}

static void check_over(void) {
    client_evict_over = limit && total >= limit;
    if (!client_evict_over) warned = false;
}

void client_evict_update_slow(Client *c) {
    if (c->flags & (CLIENT_FAKE | CLIENT_CLOSE_ASAP)) {
        client_evict_forget(c);
        return;
    }
    size_t mem = client_total_mem(c);
    total = total - c->evict_mem + mem;
    c->evict_mem = mem;
    int want = (c->flags & CLIENT_NO_EVICT) ? 0 : bucket_of(mem) + 1;
    if (want != c->evict_bucket) {
        unlink_bucket(c);
        if (want) link_bucket(c, want - 1);
    }
    check_over();
}

void client_evict_forget_slow(Client *c) {
    unlink_bucket(c);
    total -= c->evict_mem;
    c->evict_mem = 0;
    check_over();
}

void client_evict_run(Client *current) {
    if (!client_evict_over || command_busy || command_loading) return;
    int b = NBUCKETS - 1;
    while (total >= limit) {
        while (b >= 0 && !buckets[b]) b--;
        if (b < 0) break;
        Client *c = buckets[b];
        char info[1024];
        client_info_line(c, info, sizeof(info));
        log_msg(LOG_NOTICE, "Evicting client: %s", info);
        evicted++;
        client_evict_forget(c);
        /* one in its own command (or about to run one) is closed by the
         * loop; any other goes now */
        if (c == current || (c->flags & CLIENT_EXECUTING)) client_close_async(c);
        else client_free(c);
    }
    check_over();
    if (client_evict_over && !warned) { /* once, not on every turn of the loop */
        log_msg(LOG_WARNING, "Over client maxmemory after evicting all evictable clients");
        warned = true;
    }
}

/* The limit in bytes from maxmemory-clients and maxmemory. */
static void configure(void) {
    const char *v = config_value("maxmemory-clients");
    uint64_t n = 0, maxmem = 0;
    limit = 0;
    client_evict_on = v && strcmp(v, "0") != 0;
    if (!client_evict_on) return;
    size_t len = strlen(v);
    if (len && v[len - 1] == '%') {
        config_parse_memory(config_value("maxmemory"), &maxmem);
        double bytes = (double)maxmem * strtod(v, NULL) / 100;
        n = maxmem ? (bytes >= (double)SIZE_MAX ? SIZE_MAX : (uint64_t)bytes) : 0;
    } else {
        config_parse_memory(v, &n);
    }
    if (n && n < LIMIT_MIN) n = LIMIT_MIN;
    limit = n > SIZE_MAX ? SIZE_MAX : (size_t)n;
}

static void recount(Client *c, void *ctx) {
    (void)ctx;
    if (client_evict_on) client_evict_update_slow(c);
    else client_evict_forget(c);
}

/* CONFIG SET maxmemory-clients / maxmemory: every client is counted again
 * (or forgotten). Eviction itself waits for the end of the loop's turn, as
 * Redis's does for beforeSleep, so the CONFIG SET's own client counts
 * without its arguments by then. */
static bool on_set(const char **err) {
    (void)err;
    configure();
    client_foreach(recount, NULL);
    check_over();
    return true;
}

void client_evict_init(void) {
    config_on_set("maxmemory-clients", on_set);
    config_on_set("maxmemory", on_set);
    configure();
}

uint64_t client_evict_stat(void) { return evicted; }
void client_evict_reset_stats(void) { evicted = 0; }
