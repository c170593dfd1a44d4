/* ds/geohash.h -- the geohash math behind the GEO commands, with Redis
 * 7.0's numbers so that scores, decoded positions, distances and the cells
 * a search visits are identical to redis-server's.
 *
 * A cell at `step` (1..26) is 2*step bits: the latitude index (0..2^step-1
 * over [GEO_LAT_MIN, GEO_LAT_MAX]) in the even bits, the longitude index
 * (over [-180, 180]) in the odd bits. A member's sorted-set score is its
 * step-26 cell: a 52-bit integer stored as a double. Distances are metres on
 * a sphere of GEO_EARTH_RADIUS (haversine). */
#ifndef KILAT_GEOHASH_H
#define KILAT_GEOHASH_H

#include "../base.h"

#define GEO_LAT_MIN (-85.05112878)
#define GEO_LAT_MAX 85.05112878
#define GEO_LON_MIN (-180.0)
#define GEO_LON_MAX 180.0
#define GEO_STEP_MAX 26
#define GEO_EARTH_RADIUS 6372797.560856

typedef struct {
    uint64_t bits;
    uint8_t step; /* 0 with bits 0: "no cell" (a neighbour left out) */
} GeoCell;

typedef struct {
    double lon_min, lon_max, lat_min, lat_max;
} GeoArea;

/* The cell of (lon, lat) at `step` over the given ranges (Redis's score
 * space: GEO_LON_* and GEO_LAT_*; the standard geohash: +-180, +-90).
 * false (cell zeroed) when the point is outside the range. */
bool geohash_encode(double lon, double lat, uint8_t step, double lon_min, double lon_max,
                    double lat_min, double lat_max, GeoCell *cell);
/* The area a cell covers in Redis's score space. */
void geohash_area(GeoCell cell, GeoArea *a);
/* The position of a sorted-set score: the centre of its step-26 cell,
 * clamped to the valid ranges, as GEOPOS prints it. */
void geohash_score_decode(double score, double *lon, double *lat);
/* The score GEOADD stores for a valid (lon, lat). */
uint64_t geohash_score_encode(double lon, double lat);
/* The 11-character standard geohash of a score (buf >= 12, NUL-ended). */
void geohash_score_string(double score, char *buf);

/* Haversine distance in metres between two points (degrees). */
double geohash_distance(double lon1, double lat1, double lon2, double lat2);
/* Distance in metres along a meridian between two latitudes. */
double geohash_lat_distance(double lat1, double lat2);

/* A search shape: a circle of radius r or a box width x height, in the
 * unit `conv` metres, around (lon, lat). */
typedef struct {
    double lon, lat;
    bool box;
    double radius, width, height;
    double conv;
} GeoShape;

/* The cells a search visits, in Redis's order: the centre cell, then N,
 * S, E, W, NE, NW, SE, SW (some may be zeroed: step 0). */
void geohash_search_cells(const GeoShape *s, GeoCell cells[9]);
/* Whether the point (lon, lat) is inside the shape; *dist: its distance
 * from the centre in metres. */
bool geohash_in_shape(const GeoShape *s, double lon, double lat, double *dist);
/* The score interval [min, max) of every member inside a cell. */
void geohash_cell_scores(GeoCell cell, uint64_t *min, uint64_t *max);

#endif
