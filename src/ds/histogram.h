/* ds/histogram.h -- per-command latency histogram, in microseconds.
 * Log-linear: 0..16 us exact, then "octaves" (B[k-1], B[k]] each cut in 8
 * equal sub-buckets (about 6% precision), where B[k] is the upper bound
 * Redis's LATENCY HISTOGRAM prints for its k-th power-of-two bucket (1, 2,
 * 4, 8, 16, 33, 66, 132 ... us), so that reply is exact. Values past
 * B[30] (about 18 minutes) count in the last bucket. 1.8 KiB each. */
#ifndef KILAT_HISTOGRAM_H
#define KILAT_HISTOGRAM_H

#include "../base.h"

#define HIST_OCTAVES 31 /* k = 0..30 */
#define HIST_EXACT 17   /* 0..16 us */
#define HIST_SUBS 8
#define HIST_BUCKETS (HIST_EXACT + (HIST_OCTAVES - 5) * HIST_SUBS)

typedef struct Histogram {
    uint64_t counts[HIST_BUCKETS];
} Histogram;

/* A zeroed histogram (owned by the caller, freed with mem_free). */
Histogram *hist_create(void);
/* Counts one value of `us` microseconds (negative counts as 0). */
void hist_record_slow(Histogram *h, uint64_t us);
static inline void hist_record(Histogram *h, int64_t us) {
    if (LIKELY((uint64_t)us <= 16)) h->counts[us]++; /* negative: huge, slow path */
    else hist_record_slow(h, us < 0 ? 0 : (uint64_t)us);
}
/* How many values were counted. */
uint64_t hist_total(const Histogram *h);
/* The value at percentile p (0..100) as Redis's INFO latencystats prints
 * it: the upper bound of the bucket that holds it, in us, rounded as an
 * HDR histogram of 2 significant digits in nanoseconds would (1 us ->
 * 1.003). 0 when empty. */
double hist_percentile(const Histogram *h, double p);
/* LATENCY HISTOGRAM's buckets: calls fn(upper_us, cumulative_count) for
 * each power-of-two bucket whose cumulative count grew, in order. */
void hist_foreach_pow2(const Histogram *h, void (*fn)(void *ctx, int64_t upper_us, uint64_t cum),
                       void *ctx);

#endif
