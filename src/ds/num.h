/* ds/num.h -- number <-> text exactly as Redis does it: which strings are
 * integers (no spaces, no '+', no leading zeros, fits in int64), how
 * doubles parse (inf/nan rules) and print (%.17g for INCRBYFLOAT-style long
 * doubles, shortest round-trip for scores). */
#ifndef KILAT_NUM_H
#define KILAT_NUM_H

#include "../base.h"

/* Strict int64 parse: true only for the canonical form Redis accepts for
 * integers ("-12", "0", not "+1", " 1", "01", "1.0", "" or overflow). */
bool num_parse_int64(const char *s, size_t len, int64_t *out);
/* Writes the decimal form of v to buf (>= 21 bytes), returns its length. */
size_t num_format_int64(char *buf, int64_t v);
/* Parses a double as Redis's getDoubleFromObject: strtod on the whole
 * string, no spaces, "inf"/"-inf"/"+inf" accepted, nan rejected. */
bool num_parse_double(const char *s, size_t len, double *out);
/* Parses a long double as getLongDoubleFromObject (INCRBYFLOAT). */
bool num_parse_long_double(const char *s, size_t len, long double *out);
/* Formats a long double as Redis's INCRBYFLOAT reply: "%.17Lf" with
 * trailing zeros (and a trailing '.') removed; buf >= 5120 bytes... use
 * NUM_LDBL_BUF. Returns length, or 0 if the value is not finite. */
#define NUM_LDBL_BUF 5200
size_t num_format_long_double(char *buf, long double v);
/* Formats a double as Redis replies with it (scores, RESP3 doubles):
 * "inf", "-inf", "nan", integers without a fraction when exact and
 * small enough, otherwise "%.17g". buf >= NUM_DBL_BUF. */
#define NUM_DBL_BUF 128
size_t num_format_double(char *buf, double v);

#endif
