/* core/stats.h -- server-wide counters for INFO stats/errorstats. */
#ifndef KILAT_STATS_H
#define KILAT_STATS_H

#include "../base.h"

typedef struct {
    uint64_t connections_received;
    uint64_t commands_processed;
    uint64_t rejected_connections;
    uint64_t net_input_bytes;
    uint64_t net_output_bytes;
    uint64_t total_error_replies;
    uint64_t unexpected_error_replies;
    uint64_t client_qbuf_limit_disconnections;
    uint64_t dump_payload_sanitizations; /* blobs loaded where Redis checks deeply */
    int64_t start_ms;          /* server start, for uptime */
} Stats;

extern Stats stats;

/* Counts an error reply under its code (the first word: "ERR", "WRONGTYPE"). */
void stats_count_error(const char *msg);
/* Calls fn for each error code seen, with its count. */
void stats_foreach_error(void (*fn)(void *ctx, const char *code, uint64_t n), void *ctx);
/* INFO's instantaneous_* figures: per-second rates averaged over the last
 * STATS_SAMPLES samples, one taken at most every 100 ms by the cron. */
enum { STATS_OPS, STATS_NET_INPUT, STATS_NET_OUTPUT, STATS_METRICS };
#define STATS_SAMPLES 16
void stats_sample(int64_t now_ms);
double stats_instantaneous(int metric);
/* Memory figures of INFO memory and MEMORY STATS: used memory when the
 * server started serving, and the highest used memory seen (sampled by the
 * cron and by each call). */
void stats_mark_startup_memory(void);
size_t stats_startup_memory(void);
size_t stats_memory_peak(void);
/* CONFIG RESETSTAT. */
void stats_reset(void);
void stats_free(void);

#endif
