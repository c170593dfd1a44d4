/* ds/geohash.c -- geohash cells, scores, distances and the search cells
 * (geohash.h). Every floating-point expression keeps the operand order of
 * Redis 7.0's so that results agree to the last bit: a reordered product
 * changes which members fall on a radius's edge. */
#include "geohash.h"

#include <math.h>

#define DEG_RAD (M_PI / 180.0)
#define MERCATOR_MAX 20037726.37

static inline double to_rad(double deg) { return deg * DEG_RAD; }
static inline double to_deg(double rad) { return rad / DEG_RAD; }

/* The 32 bits of v spread to the even bits of a 64-bit word. */
static uint64_t spread32(uint32_t v) {
    uint64_t x = v;
    x = (x | (x << 16)) & 0x0000ffff0000ffffull;
    x = (x | (x << 8)) & 0x00ff00ff00ff00ffull;
    x = (x | (x << 4)) & 0x0f0f0f0f0f0f0f0full;
    x = (x | (x << 2)) & 0x3333333333333333ull;
    x = (x | (x << 1)) & 0x5555555555555555ull;
    return x;
}

/* The even bits of x gathered into 32 bits (spread32's inverse). */
static uint32_t gather32(uint64_t x) {
    x &= 0x5555555555555555ull;
    x = (x | (x >> 1)) & 0x3333333333333333ull;
    x = (x | (x >> 2)) & 0x0f0f0f0f0f0f0f0full;
    x = (x | (x >> 4)) & 0x00ff00ff00ff00ffull;
    x = (x | (x >> 8)) & 0x0000ffff0000ffffull;
    x = (x | (x >> 16)) & 0x00000000ffffffffull;
    return (uint32_t)x;
}

static inline uint64_t cell_join(uint32_t ilat, uint32_t ilon) {
    return spread32(ilat) | (spread32(ilon) << 1);
}

bool geohash_encode(double lon, double lat, uint8_t step, double lon_min, double lon_max,
                    double lat_min, double lat_max, GeoCell *cell) {
    cell->bits = 0;
    cell->step = 0;
    if (step == 0 || step > 32) return false;
    /* Redis refuses anything outside its own score space first, whatever
     * the ranges asked for */
    if (lon > GEO_LON_MAX || lon < GEO_LON_MIN || lat > GEO_LAT_MAX || lat < GEO_LAT_MIN)
        return false;
    cell->step = step;
    if (lat < lat_min || lat > lat_max || lon < lon_min || lon > lon_max) return false;
    double flat = (lat - lat_min) / (lat_max - lat_min);
    double flon = (lon - lon_min) / (lon_max - lon_min);
    flat *= (double)(1ull << step);
    flon *= (double)(1ull << step);
    cell->bits = cell_join((uint32_t)flat, (uint32_t)flon);
    return true;
}

/* The area of a cell over the given ranges. */
static void area_in(GeoCell cell, double lon_min, double lon_max, double lat_min, double lat_max,
                    GeoArea *a) {
    uint32_t ilat = gather32(cell.bits);
    uint32_t ilon = gather32(cell.bits >> 1);
    double n = (double)(1ull << cell.step);
    double lat_scale = lat_max - lat_min, lon_scale = lon_max - lon_min;
    a->lat_min = lat_min + (ilat * 1.0 / n) * lat_scale;
    a->lat_max = lat_min + ((uint32_t)(ilat + 1) * 1.0 / n) * lat_scale;
    a->lon_min = lon_min + (ilon * 1.0 / n) * lon_scale;
    a->lon_max = lon_min + ((uint32_t)(ilon + 1) * 1.0 / n) * lon_scale;
}

void geohash_area(GeoCell cell, GeoArea *a) {
    area_in(cell, GEO_LON_MIN, GEO_LON_MAX, GEO_LAT_MIN, GEO_LAT_MAX, a);
}

/* A score as the cell index Redis takes from it: the C conversion of the
 * double to uint64_t as x86-64 compilers emit it (negative scores wrap
 * through int64, values past the range give 0 or 2^63), without the
 * undefined behaviour of the plain cast. */
static uint64_t score_bits(double s) {
    if (s >= 0 && s < 18446744073709551616.0) return (uint64_t)s;
    if (s < 0 && s >= -9223372036854775808.0) return (uint64_t)(int64_t)s;
    return s >= 18446744073709551616.0 ? 0 : 0x8000000000000000ull;
}

void geohash_score_decode(double score, double *lon, double *lat) {
    GeoCell cell = {score_bits(score), GEO_STEP_MAX};
    GeoArea a;
    geohash_area(cell, &a);
    double x = (a.lon_min + a.lon_max) / 2, y = (a.lat_min + a.lat_max) / 2;
    if (x > GEO_LON_MAX) x = GEO_LON_MAX;
    if (x < GEO_LON_MIN) x = GEO_LON_MIN;
    if (y > GEO_LAT_MAX) y = GEO_LAT_MAX;
    if (y < GEO_LAT_MIN) y = GEO_LAT_MIN;
    *lon = x;
    *lat = y;
}

uint64_t geohash_score_encode(double lon, double lat) {
    GeoCell cell;
    geohash_encode(lon, lat, GEO_STEP_MAX, GEO_LON_MIN, GEO_LON_MAX, GEO_LAT_MIN, GEO_LAT_MAX,
                   &cell);
    return cell.bits;
}

void geohash_score_string(double score, char *buf) {
    static const char alphabet[] = "0123456789bcdefghjkmnpqrstuvwxyz";
    double lon, lat;
    geohash_score_decode(score, &lon, &lat);
    GeoCell cell;
    geohash_encode(lon, lat, GEO_STEP_MAX, -180, 180, -90, 90, &cell);
    for (int i = 0; i < 10; i++) buf[i] = alphabet[(cell.bits >> (52 - (i + 1) * 5)) & 31];
    buf[10] = '0'; /* 52 bits make ten characters: the eleventh is a zero */
    buf[11] = '\0';
}

double geohash_lat_distance(double lat1, double lat2) {
    return GEO_EARTH_RADIUS * fabs(to_rad(lat2) - to_rad(lat1));
}

double geohash_distance(double lon1, double lat1, double lon2, double lat2) {
    double lon1r = to_rad(lon1), lon2r = to_rad(lon2);
    double v = sin((lon2r - lon1r) / 2);
    if (v == 0.0) return geohash_lat_distance(lat1, lat2); /* same meridian */
    double lat1r = to_rad(lat1), lat2r = to_rad(lat2);
    double u = sin((lat2r - lat1r) / 2);
    double a = u * u + cos(lat1r) * cos(lat2r) * v * v;
    return 2.0 * GEO_EARTH_RADIUS * asin(sqrt(a));
}

/* The cell size (step) for a search of radius r metres around latitude
 * lat: the largest cells whose 3x3 block still covers the radius, smaller
 * towards the poles where meridians converge. */
static int steps_for_radius(double r, double lat) {
    if (r == 0) return GEO_STEP_MAX;
    int step = 1;
    while (r < MERCATOR_MAX) {
        r *= 2;
        step++;
    }
    step -= 2;
    if (lat > 66 || lat < -66) {
        step--;
        if (lat > 80 || lat < -80) step--;
    }
    if (step < 1) step = 1;
    if (step > GEO_STEP_MAX) step = GEO_STEP_MAX;
    return step;
}

/* The shape's bounding box: [lon_min, lat_min, lon_max, lat_max]. */
static void shape_bounds(const GeoShape *s, double b[4]) {
    double height = s->conv * (s->box ? s->height / 2 : s->radius);
    double width = s->conv * (s->box ? s->width / 2 : s->radius);
    double dlat = to_deg(height / GEO_EARTH_RADIUS);
    double dlon_top = to_deg(width / GEO_EARTH_RADIUS / cos(to_rad(s->lat + dlat)));
    double dlon_bottom = to_deg(width / GEO_EARTH_RADIUS / cos(to_rad(s->lat - dlat)));
    /* the wider edge is the one nearer the equator */
    double dlon = s->lat < 0 ? dlon_bottom : dlon_top;
    b[0] = s->lon - dlon;
    b[2] = s->lon + dlon;
    b[1] = s->lat - dlat;
    b[3] = s->lat + dlat;
}

/* The cell dlon, dlat steps away, wrapping around at the edges; the other
 * coordinate keeps its bits as they are. */
static GeoCell cell_move(GeoCell c, int dlon, int dlat) {
    uint32_t mask = (uint32_t)((1ull << c.step) - 1);
    uint32_t ilat = gather32(c.bits), ilon = gather32(c.bits >> 1);
    if (dlon) ilon = (ilon + (uint32_t)dlon) & mask;
    if (dlat) ilat = (ilat + (uint32_t)dlat) & mask;
    return (GeoCell){cell_join(ilat, ilon), c.step};
}

/* cells[]: centre, N, S, E, W, NE, NW, SE, SW. */
static void cells_around(GeoCell centre, GeoCell cells[9]) {
    static const int moves[9][2] = {{0, 0},  {0, 1},  {0, -1}, {1, 0}, {-1, 0},
                                    {1, 1}, {-1, 1}, {1, -1}, {-1, -1}};
    for (int i = 0; i < 9; i++) cells[i] = cell_move(centre, moves[i][0], moves[i][1]);
}

static GeoCell cell_at(const GeoShape *s, int step) {
    GeoCell c;
    geohash_encode(s->lon, s->lat, (uint8_t)step, GEO_LON_MIN, GEO_LON_MAX, GEO_LAT_MIN,
                   GEO_LAT_MAX, &c);
    return c;
}

enum { C_CENTRE, C_N, C_S, C_E, C_W, C_NE, C_NW, C_SE, C_SW };

void geohash_search_cells(const GeoShape *s, GeoCell cells[9]) {
    double b[4];
    shape_bounds(s, b);
    double r = s->box ? sqrt((s->width / 2) * (s->width / 2) + (s->height / 2) * (s->height / 2))
                      : s->radius;
    r *= s->conv;
    int step = steps_for_radius(r, s->lat);
    cells_around(cell_at(s, step), cells);

    /* A bounding box reaching past a neighbour cell needs bigger cells. */
    GeoArea n, so, e, w;
    geohash_area(cells[C_N], &n);
    geohash_area(cells[C_S], &so);
    geohash_area(cells[C_E], &e);
    geohash_area(cells[C_W], &w);
    bool smaller = n.lat_max < b[3] || so.lat_min > b[1] || e.lon_max < b[2] || w.lon_min > b[0];
    if (step > 1 && smaller) {
        step--;
        cells_around(cell_at(s, step), cells);
    }

    /* Leave out the neighbours on a side the box does not reach. */
    if (step >= 2) {
        GeoArea a;
        geohash_area(cells[C_CENTRE], &a);
        static const GeoCell none = {0, 0};
        if (a.lat_min < b[1]) cells[C_S] = cells[C_SW] = cells[C_SE] = none;
        if (a.lat_max > b[3]) cells[C_N] = cells[C_NE] = cells[C_NW] = none;
        if (a.lon_min < b[0]) cells[C_W] = cells[C_SW] = cells[C_NW] = none;
        if (a.lon_max > b[2]) cells[C_E] = cells[C_SE] = cells[C_NE] = none;
    }
}

bool geohash_in_shape(const GeoShape *s, double lon, double lat, double *dist) {
    if (!s->box) {
        *dist = geohash_distance(s->lon, s->lat, lon, lat);
        return !(*dist > s->radius * s->conv);
    }
    double height = s->height * s->conv, width = s->width * s->conv;
    /* the latitude test is cheaper: first */
    if (geohash_lat_distance(lat, s->lat) > height / 2) return false;
    if (geohash_distance(lon, lat, s->lon, lat) > width / 2) return false;
    *dist = geohash_distance(s->lon, s->lat, lon, lat);
    return true;
}

void geohash_cell_scores(GeoCell cell, uint64_t *min, uint64_t *max) {
    int shift = 52 - cell.step * 2;
    *min = cell.bits << shift;
    *max = (cell.bits + 1) << shift;
}
