/* ds/num.h -- number <-> text exactly as Redis 7.0 does it: which strings
 * are integers (no spaces, no '+', no leading zeros, fits in int64), how
 * doubles parse (inf/nan rules) and print ("%.17Lf" trimmed for
 * INCRBYFLOAT's long doubles, "%.17g" for scores). num.c lists the
 * observed cases. */
#ifndef KILAT_NUM_H
#define KILAT_NUM_H

#include "../base.h"

/* Strict int64 parse: true only for the canonical form Redis accepts for
 * integers ("-12", "0", not "+1", " 1", "01", "1.0", "" or overflow). */
bool num_parse_int64(const char *s, size_t len, int64_t *out);
/* Writes the decimal form of v to buf (>= 21 bytes) with a NUL, returns
 * its length. */
size_t num_format_int64(char *buf, int64_t v);
/* Parses a double as Redis's getDoubleFromObject: strtod on the whole
 * string, no spaces, "inf"/"-inf"/"+inf" accepted, nan rejected, overflow
 * ("1e500") and underflow to zero ("1e-400") rejected. */
bool num_parse_double(const char *s, size_t len, double *out);
/* Parses a long double as getLongDoubleFromObject (INCRBYFLOAT): the same
 * rules with strtold's range ("1e500" fits), and at most 5119 bytes. */
bool num_parse_long_double(const char *s, size_t len, long double *out);
/* Formats a long double as Redis's INCRBYFLOAT reply: "%.17Lf" with
 * trailing zeros and then a trailing '.' removed, and "-0" printed as "0"
 * (10.50 -> "10.5", 1e300 -> its 301 integer digits). buf must hold
 * NUM_LDBL_BUF bytes (the widest finite value prints ~4950 characters).
 * NUL-terminates; returns the length, or 0 if v is inf or nan (the caller
 * replies "ERR increment would produce NaN or Infinity"). */
#define NUM_LDBL_BUF 5200
size_t num_format_long_double(char *buf, long double v);
/* Formats a double as Redis 7.0 replies with it (scores, RESP3 doubles):
 * "inf", "-inf", "nan", otherwise "%.17g" (1.1 -> "1.1000000000000001",
 * 1e17 -> "1e+17", -0.0 -> "-0"). buf >= NUM_DBL_BUF; NUL-terminates and
 * returns the length. */
#define NUM_DBL_BUF 128
size_t num_format_double(char *buf, double v);

#endif
