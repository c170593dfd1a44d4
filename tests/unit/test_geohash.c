/* tests/unit/test_geohash.c -- ds/geohash against redis-server 7.0.15:
 * scores GEOADD stored (ZSCORE), positions GEOPOS printed, GEOHASH
 * strings and GEODIST distances, all observed on the real server; and the
 * search cells' invariants (one step, the centre holds the centre point,
 * neighbours adjacent and wrapping at the antimeridian). */
#include "ds/geohash.h"

#include <math.h>

#include "ds/num.h"
#include "unit.h"

static bool pos_is(double score, const char *lon, const char *lat) {
    double x, y;
    char bx[NUM_LDBL_BUF], by[NUM_LDBL_BUF];
    geohash_score_decode(score, &x, &y);
    num_format_long_double(bx, x);
    num_format_long_double(by, y);
    return strcmp(bx, lon) == 0 && strcmp(by, lat) == 0;
}

static bool hash_is(double score, const char *want) {
    char buf[12];
    geohash_score_string(score, buf);
    return strcmp(buf, want) == 0;
}

static void test_scores(void) {
    /* GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania */
    CHECK(geohash_score_encode(13.361389, 38.115556) == 3479099956230698ull);
    CHECK(geohash_score_encode(15.087269, 37.502669) == 3479447370796909ull);
    CHECK(geohash_score_encode(1, 2) == 3378080408407459ull);
    /* the top-right corner overflows 52 bits, as in Redis */
    CHECK(geohash_score_encode(180, GEO_LAT_MAX) == 13510798882111488ull);
    CHECK(pos_is(3479099956230698.0, "13.36138933897018433", "38.11555639549629859"));
    CHECK(pos_is(3479447370796909.0, "15.08726745843887329", "37.50266842333162032"));
    CHECK(pos_is(13510798882111488.0, "180", "85.0511287799999991")); /* clamped */
    CHECK(hash_is(3479099956230698.0, "sqc8b49rny0"));
    CHECK(hash_is(3479447370796909.0, "sqdtr74hyu0"));
    CHECK(hash_is(13510798882111488.0, "bp05b5048p0"));
}

static void test_distance(void) {
    double x1, y1, x2, y2;
    geohash_score_decode(3479099956230698.0, &x1, &y1);
    geohash_score_decode(3479447370796909.0, &x2, &y2);
    double d = geohash_distance(x1, y1, x2, y2);
    CHECK(llrint(d * 10000) == 1662741516); /* GEODIST: 166274.1516 */
    CHECK(geohash_distance(x1, y1, x1, y1) == 0);
    /* same meridian: the latitude formula */
    CHECK(geohash_distance(10, 0, 10, 1) == geohash_lat_distance(0, 1));
    CHECK(fabs(geohash_lat_distance(0, 1) - 111226.3) < 0.001);
}

static void test_cells(void) {
    GeoShape s = {.lon = 179.99, .lat = 10, .radius = 50, .conv = 1000};
    GeoCell cells[9];
    geohash_search_cells(&s, cells);
    uint8_t step = cells[0].step;
    CHECK(step >= 1 && step <= GEO_STEP_MAX);
    GeoArea a;
    geohash_area(cells[0], &a);
    CHECK(a.lon_min <= s.lon && s.lon < a.lon_max && a.lat_min <= s.lat && s.lat < a.lat_max);
    for (int i = 1; i < 9; i++) CHECK(cells[i].step == 0 || cells[i].step == step);
    /* east of the last column wraps to the first (index 3: E) */
    GeoArea e;
    if (cells[3].step) {
        geohash_area(cells[3], &e);
        CHECK(e.lon_min == -180);
    }
    uint64_t min, max;
    geohash_cell_scores(cells[0], &min, &max);
    CHECK(max - min == 1ull << (52 - 2 * step));
    CHECK(min <= geohash_score_encode(s.lon, s.lat) && geohash_score_encode(s.lon, s.lat) < max);
    /* radius 0: the smallest cells */
    GeoShape z = {.lon = 1, .lat = 1, .radius = 0, .conv = 1};
    geohash_search_cells(&z, cells);
    CHECK(cells[0].step == GEO_STEP_MAX || cells[0].step == GEO_STEP_MAX - 1);
    double dist;
    CHECK(geohash_in_shape(&z, 1, 1, &dist) && dist == 0);
    CHECK(!geohash_in_shape(&z, 1, 1.000001, &dist));
    GeoShape box = {.lon = 0, .lat = 0, .box = true, .width = 2, .height = 2, .conv = 1000};
    CHECK(geohash_in_shape(&box, 0.008, 0.008, &dist));
    CHECK(!geohash_in_shape(&box, 0.01, 0, &dist));
}

int main(void) {
    test_scores();
    test_distance();
    test_cells();
    return unit_finish("geohash");
}
