/* ds/histogram.c -- see histogram.h. Bucket index i: i < HIST_EXACT holds
 * the value i; above, i = HIST_EXACT + (k - 5) * HIST_SUBS + sub for octave
 * k >= 5 (octaves 0..4 are covered by the exact buckets). */
#include "histogram.h"

#include "mem.h"

/* B[k] = the highest value, in us, of Redis's k-th LATENCY HISTOGRAM
 * bucket: an HDR histogram (2 significant digits, in ns) reports 1024 *
 * 2^k ns with its resolution 2^(k+3) ns added, divided by 1000. */
static uint64_t bound[HIST_OCTAVES];

static void init_bounds(void) {
    for (int k = 0; k < HIST_OCTAVES; k++)
        bound[k] = ((1024ull << k) + (8ull << k) - 1) / 1000;
}

Histogram *hist_create(void) {
    if (!bound[0]) init_bounds();
    return mem_calloc(sizeof(Histogram));
}

void hist_record_slow(Histogram *h, uint64_t us) {
    if (us <= 16) { /* only when called directly */
        h->counts[us]++;
        return;
    }
    if (us > bound[HIST_OCTAVES - 1]) us = bound[HIST_OCTAVES - 1];
    /* B[k] lies in [2^k, 2^(k+1)): the octave is floor(log2 us) or next */
    int k = 63 - __builtin_clzll(us);
    if (us > bound[k]) k++;
    uint64_t lo = bound[k - 1], w = bound[k] - lo;
    int sub = (int)((us - lo - 1) * HIST_SUBS / w);
    h->counts[HIST_EXACT + (k - 5) * HIST_SUBS + sub]++;
}

/* The highest value of bucket i, in us. */
static uint64_t bucket_upper(int i) {
    if (i < HIST_EXACT) return (uint64_t)i;
    int k = 5 + (i - HIST_EXACT) / HIST_SUBS, sub = (i - HIST_EXACT) % HIST_SUBS;
    uint64_t lo = bound[k - 1], w = bound[k] - lo;
    return lo + ((uint64_t)(sub + 1) * w + HIST_SUBS - 1) / HIST_SUBS;
}

/* The octave (power-of-two bucket) bucket i belongs to. */
static int bucket_octave(int i) {
    static const int8_t exact[HIST_EXACT] = {0, 0, 1, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4};
    return i < HIST_EXACT ? exact[i] : 5 + (i - HIST_EXACT) / HIST_SUBS;
}

/* An HDR histogram's highest equivalent value of `ns` (2 significant
 * digits: 256 sub-buckets, unit resolution below 256). */
static uint64_t hdr_highest(uint64_t ns) {
    if (ns < 1) ns = 1;
    if (ns < 256) return ns;
    int e = 63 - __builtin_clzll(ns);
    uint64_t res = 1ull << (e - 7);
    return (ns & ~(res - 1)) + res - 1;
}

uint64_t hist_total(const Histogram *h) {
    uint64_t n = 0;
    for (int i = 0; i < HIST_BUCKETS; i++) n += h->counts[i];
    return n;
}

double hist_percentile(const Histogram *h, double p) {
    uint64_t total = hist_total(h);
    if (!total) return 0.0;
    if (p > 100.0) p = 100.0;
    uint64_t want = (uint64_t)(p / 100.0 * (double)total + 0.5);
    if (want < 1) want = 1;
    uint64_t cum = 0;
    int i = 0;
    for (; i < HIST_BUCKETS - 1; i++) {
        cum += h->counts[i];
        if (cum >= want) break;
    }
    return (double)hdr_highest(bucket_upper(i) * 1000) / 1000.0;
}

void hist_foreach_pow2(const Histogram *h, void (*fn)(void *ctx, int64_t upper_us, uint64_t cum),
                       void *ctx) {
    uint64_t cum = 0, prev = 0, total = hist_total(h);
    int i = 0;
    for (int k = 0; k < HIST_OCTAVES && cum < total; k++) {
        while (i < HIST_BUCKETS && bucket_octave(i) == k) cum += h->counts[i++];
        if (cum > prev) fn(ctx, (int64_t)bound[k], cum);
        prev = cum;
    }
}
