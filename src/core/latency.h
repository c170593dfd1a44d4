/* core/latency.h -- the latency monitor (LATENCY LATEST/HISTORY/RESET/
 * GRAPH/DOCTOR): per event class ("command", "fast-command",
 * "expire-cycle"), the last 160 seconds that had a spike of at least
 * latency-monitor-threshold ms, one sample per second (the worst), and
 * the worst ever. Off while the threshold is 0. */
#ifndef KILAT_LATENCY_H
#define KILAT_LATENCY_H

#include "client.h"
#include "config.h"

#define LATENCY_SAMPLES 160

/* Records `ms` for `event` (a string literal or other long-lived text)
 * if the monitor is on and ms reaches the threshold. */
void latency_add_sample(const char *event, int64_t ms);
static inline void latency_add_if_needed(const char *event, int64_t ms) {
    if (cfg.latency_monitor_threshold && ms >= cfg.latency_monitor_threshold)
        latency_add_sample(event, ms);
}
/* The LATENCY subcommands' replies. */
void latency_reply_latest(Client *c);
void latency_reply_history(Client *c, const char *event, size_t len);
/* Forgets the named events (all when n == 0); returns how many existed. */
int latency_reset(Client *c, int first, int n);
/* GRAPH: false (nothing replied) when the event has no samples. */
bool latency_reply_graph(Client *c, const char *event, size_t len);
void latency_reply_doctor(Client *c);
void latency_free(void);

#endif
