/* core/stats.c -- counters. Error codes are few, kept in a small list;
 * like Redis, at most 128 distinct codes are tracked. */
#include "stats.h"

#include <string.h>

#include "../ds/mem.h"

Stats stats;

#define MAX_ERROR_CODES 128

typedef struct {
    char code[32];
    uint64_t count;
} ErrorCount;

static ErrorCount errors[MAX_ERROR_CODES];
static int nerrors;

void stats_count_error(const char *msg) {
    stats.total_error_replies++;
    size_t n = strcspn(msg, " ");
    if (n >= sizeof(errors[0].code)) n = sizeof(errors[0].code) - 1;
    for (int i = 0; i < nerrors; i++) {
        if (strlen(errors[i].code) == n && memcmp(errors[i].code, msg, n) == 0) {
            errors[i].count++;
            return;
        }
    }
    if (nerrors == MAX_ERROR_CODES) return;
    memcpy(errors[nerrors].code, msg, n);
    errors[nerrors].code[n] = '\0';
    errors[nerrors].count = 1;
    nerrors++;
}

void stats_foreach_error(void (*fn)(void *ctx, const char *code, uint64_t n), void *ctx) {
    for (int i = 0; i < nerrors; i++) fn(ctx, errors[i].code, errors[i].count);
}

static struct {
    int64_t last_ms;
    uint64_t last[STATS_METRICS];
    double rate[STATS_METRICS][STATS_SAMPLES];
    int next;
} samples;

void stats_sample(int64_t now_ms) {
    if (now_ms - samples.last_ms < 100) return;
    const uint64_t now[STATS_METRICS] = {stats.commands_processed, stats.net_input_bytes,
                                         stats.net_output_bytes};
    int64_t elapsed = now_ms - samples.last_ms;
    for (int m = 0; m < STATS_METRICS; m++) {
        /* the first sample, or counters reset under us: no rate yet */
        bool valid = samples.last_ms > 0 && now[m] >= samples.last[m];
        samples.rate[m][samples.next] =
            valid ? (double)(now[m] - samples.last[m]) * 1000.0 / (double)elapsed : 0.0;
        samples.last[m] = now[m];
    }
    samples.next = (samples.next + 1) % STATS_SAMPLES;
    samples.last_ms = now_ms;
    stats_memory_peak();
}

static size_t startup_mem, peak_mem;

void stats_mark_startup_memory(void) { startup_mem = mem_used(); }
size_t stats_startup_memory(void) { return startup_mem; }

size_t stats_memory_peak(void) {
    size_t used = mem_used();
    if (used > peak_mem) peak_mem = used;
    return peak_mem;
}

double stats_instantaneous(int metric) {
    double sum = 0;
    for (int i = 0; i < STATS_SAMPLES; i++) sum += samples.rate[metric][i];
    return sum / STATS_SAMPLES;
}

void stats_reset(void) {
    int64_t start = stats.start_ms;
    memset(&stats, 0, sizeof(stats));
    stats.start_ms = start;
    nerrors = 0;
}

void stats_free(void) { nerrors = 0; }
