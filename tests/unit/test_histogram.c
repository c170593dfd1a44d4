/* tests/unit/test_histogram.c -- ds/histogram: the buckets LATENCY
 * HISTOGRAM prints and the percentiles INFO latencystats prints, against
 * what redis-server 7.0.15 printed for the same durations (DEBUG SLEEP
 * 0.05 -> bucket 67633; 1 us -> p50=1.003; 2 us -> 2.007). */
#include "ds/histogram.h"

#include "unit.h"

typedef struct {
    int64_t upper[64];
    uint64_t cum[64];
    int n;
} Seen;

static void collect(void *ctx, int64_t upper, uint64_t cum) {
    Seen *s = ctx;
    s->upper[s->n] = upper;
    s->cum[s->n++] = cum;
}

static Seen buckets(const Histogram *h) {
    Seen s = {.n = 0};
    hist_foreach_pow2(h, collect, &s);
    return s;
}

int main(void) {
    Histogram *h = hist_create();
    CHECK(hist_total(h) == 0);
    CHECK(hist_percentile(h, 50) == 0.0);
    CHECK(buckets(h).n == 0);

    /* exact values: Redis's rounding of 1 us (1000 ns) is 1.003 */
    hist_record(h, 1);
    CHECK(hist_percentile(h, 50) > 1.0025 && hist_percentile(h, 50) < 1.0035);
    hist_record(h, 2);
    CHECK(hist_percentile(h, 100) > 2.0065 && hist_percentile(h, 100) < 2.0075);
    CHECK(hist_percentile(h, 0) > 1.0025 && hist_percentile(h, 0) < 1.0035);
    Seen s = buckets(h);
    CHECK(s.n == 2 && s.upper[0] == 1 && s.cum[0] == 1 && s.upper[1] == 2 && s.cum[1] == 2);
    /* 0 and negative count in the first bucket (Redis records 1 ns) */
    hist_record(h, 0);
    hist_record(h, -5);
    s = buckets(h);
    CHECK(s.n == 2 && s.cum[0] == 3 && s.cum[1] == 4);
    CHECK(hist_total(h) == 4);
    mem_free(h);

    /* 50 ms lands in Redis's 2^26 ns bucket, printed as 67633 us; its
     * percentile is within one sub-bucket above the value */
    h = hist_create();
    hist_record(h, 50123);
    s = buckets(h);
    CHECK(s.n == 1 && s.upper[0] == 67633 && s.cum[0] == 1);
    double p = hist_percentile(h, 50);
    CHECK(p >= 50123 && p < 50123 * 1.07);
    mem_free(h);

    /* every value sits at or under the bound of the bucket it is printed
     * in, and above the previous one; percentiles never undershoot */
    static const int64_t bounds[] = {1, 2, 4, 8, 16, 33, 66, 132, 264, 528, 1056, 2113};
    for (int64_t v = 0; v <= 2113; v++) {
        h = hist_create();
        hist_record(h, v);
        s = buckets(h);
        int k = 0;
        while (bounds[k] < (v ? v : 1)) k++;
        CHECK(s.n == 1 && s.upper[0] == bounds[k]);
        CHECK(hist_percentile(h, 99) >= (double)v);
        CHECK(hist_percentile(h, 99) <= (double)v * 1.2 + 1.01);
        mem_free(h);
    }

    /* huge values are clamped into the last bucket, cumulative counts grow */
    h = hist_create();
    hist_record(h, INT64_MAX);
    hist_record(h, 3);
    hist_record(h, 100);
    s = buckets(h);
    CHECK(s.n == 3 && s.cum[2] == 3 && s.upper[0] == 4 && s.upper[1] == 132);
    CHECK(hist_total(h) == 3);
    mem_free(h);
    return unit_finish("histogram");
}
