/* ds/num.c -- number <-> text with Redis 7.0's exact rules. Integers are
 * parsed and printed by hand (INCR and SET's integer encoding are hot);
 * doubles go through libc's strtod/strtold/snprintf, which define the
 * digits Redis prints, with Redis's acceptance rules around them.
 * Assumes the "C" LC_NUMERIC locale (decimal point '.'), as Redis does. */
#include "num.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

/* What redis-server 7.0.15 does, observed with redis-cli and raw RESP:
 *
 * Integers (INCR on a stored value, INCRBY's argument, int encoding):
 *   only -?[1-9][0-9]* or "0" that fits int64. Rejected: "+1", "01", "00",
 *   "-0", "-01", " 1", "1 ", "", "-", "1.0", "0x10", "1\0" (embedded NUL),
 *   9223372036854775808, -9223372036854775809. Accepted: both int64 limits.
 *
 * Long doubles (INCRBYFLOAT's argument and the stored value), strtold:
 *   accepted: "1e3", "+1", "01", ".5", "5.", "0x10", "0x.8", "1.5E3", "-0",
 *   "inf", "+inf", "-inf", "Infinity", "INF" (then INCRBYFLOAT replies
 *   "ERR increment would produce NaN or Infinity"), "1e500" (fits a long
 *   double), "1e-4940" and 0x1p-16445 (subnormal: non-zero, accepted),
 *   "0e5000".
 *   rejected ("ERR value is not a valid float"): " 1", "1 ", "", "nan",
 *   "NaN", "-nan", "1.5e", "1e", "e3", ".", "+", "-", "0x", "1_0", "1\0",
 *   "1e5000" (overflow), "1e-5000" and 0x1p-16446 (underflow to zero),
 *   and any string of 5120 bytes or more (5119 zeros-then-1 is accepted).
 *
 * INCRBYFLOAT's reply: "%.17Lf", then trailing zeros and a trailing '.'
 *   removed, and "-0" becomes "0". So 0.1 added 12 times prints 0.1 ...
 *   1.2 (no 0.30000000000000004: long double), "10.50"+0 -> "10.5",
 *   "5.0e3"+0 -> "5000", 1+1e-17 -> "1.00000000000000001", 0-5e-18 -> "0",
 *   0-6e-18 -> "-0.00000000000000001", 1e300 -> 301 digits, the exact
 *   value of the long double nearest 1e300 ("1000000000000000000008997..."),
 *   1e4932 -> 4933 digits. So the reply can be ~5000 bytes long.
 *
 * Doubles (ZADD/ZINCRBY scores), strtod:
 *   same shape as long doubles, but "1e500", "1.8e308", "18e307",
 *   0x1p1024 overflow and are rejected; "1e-500", "2e-324", "1e-400",
 *   0x1p-1075 underflow to zero and are rejected, while "4.9e-324",
 *   "1e-310" and 0x1p-1074 (subnormal) are accepted; "0e-500" is 0.
 *   "\v1", "\t1", "1\v", "1\n" rejected. NO length limit: 10000 zeros
 *   then "1.5" is accepted as 1.5.
 *
 * Double replies (ZSCORE, ZINCRBY, ZRANGE WITHSCORES), RESP2 bulk string
 *   and RESP3 ",<same text>\r\n": "%.17g", except +-inf as "inf"/"-inf".
 *   1.1 -> "1.1000000000000001", 0.1 -> "0.10000000000000001",
 *   0.3 -> "0.29999999999999999", 1 -> "1", 1.5 -> "1.5",
 *   1e16 -> "10000000000000000", 1e17 -> "1e+17", 1e20 -> "1e+20",
 *   1e-5 -> "1.0000000000000001e-05", 3.0000000000000004 stays,
 *   123456789012345678 -> "1.2345678901234568e+17",
 *   4.9e-324 -> "4.9406564584124654e-324", 1e-310 ->
 *   "9.9999999999999694e-311", -0.0 -> "-0" (ZINCRBY on a new member,
 *   or a skiplist-encoded zset; a listpack zset stores scores as text and
 *   reads -0.0 back as "0"). No reply ever shows a NaN (ZINCRBY refuses
 *   one); we print "nan". */

/* --- integers ---------------------------------------------------------- */

bool num_parse_int64(const char *s, size_t len, int64_t *out) {
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *end = p + len;
    bool neg = false;

    if (UNLIKELY(len == 0 || len > 20)) return false;
    if (*p == '-') {
        neg = true;
        if (++p == end) return false;
    }
    /* The first digit must be 1-9: "0" alone is the only form with a
     * leading zero, and "-0" is not canonical. */
    if (*p == '0') {
        if (len == 1) {
            *out = 0;
            return true;
        }
        return false;
    }
    size_t ndigits = (size_t)(end - p);
    if (ndigits > 19) return false; /* 19 digits always fit in a uint64_t */
    uint64_t v = 0;
    for (; p < end; p++) {
        unsigned d = (unsigned)*p - '0';
        if (d > 9) return false;
        v = v * 10 + d;
    }
    if (neg) {
        if (v > (uint64_t)INT64_MAX + 1) return false;
        *out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
    } else {
        if (v > (uint64_t)INT64_MAX) return false;
        *out = (int64_t)v;
    }
    return true;
}

static const char digit_pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

size_t num_format_int64(char *buf, int64_t v) {
    char tmp[24];
    char *p = tmp + sizeof(tmp);
    /* Work on the magnitude as unsigned: -INT64_MIN does not fit int64. */
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

    while (u >= 100) {
        unsigned i = (unsigned)(u % 100) * 2;
        u /= 100;
        *--p = digit_pairs[i + 1];
        *--p = digit_pairs[i];
    }
    if (u >= 10) {
        unsigned i = (unsigned)u * 2;
        *--p = digit_pairs[i + 1];
        *--p = digit_pairs[i];
    } else {
        *--p = (char)('0' + u);
    }
    if (v < 0) *--p = '-';
    size_t n = (size_t)(tmp + sizeof(tmp) - p);
    memcpy(buf, p, n);
    buf[n] = '\0';
    return n;
}

/* --- doubles: parsing -------------------------------------------------- */

/* Redis rejects a number that strtod would accept after leading white
 * space; these are the bytes isspace() skips in the C locale. */
static inline bool is_c_space(unsigned char c) {
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Longest long double text Redis accepts: it copies the argument into a
 * 5120-byte buffer (MAX_LONG_DOUBLE_CHARS) with its NUL. */
#define LDBL_MAX_INPUT 5119

/* strtod/strtold need a NUL-terminated string, our arguments are
 * length-delimited and may hold NULs. Short strings use the caller's stack
 * buffer; longer ones get a heap copy that the caller frees. */
#define SHORT_NUM 128
static char *terminated(const char *s, size_t len, char *stackbuf) {
    char *buf = len < SHORT_NUM ? stackbuf : mem_alloc(len + 1);
    memcpy(buf, s, len);
    buf[len] = '\0';
    return buf;
}

/* A canonical integer of at most 2^53 in magnitude is exactly a double:
 * take it without strtod (most scores are integers). */
static inline bool small_int(const char *s, size_t len, int64_t limit, int64_t *v) {
    return num_parse_int64(s, len, v) && *v <= limit && *v >= -limit;
}

bool num_parse_double(const char *s, size_t len, double *out) {
    int64_t iv;
    char stackbuf[SHORT_NUM];

    if (len == 0 || is_c_space((unsigned char)s[0])) return false;
    if (small_int(s, len, (int64_t)1 << 53, &iv)) {
        *out = (double)iv;
        return true;
    }
    char *buf = terminated(s, len, stackbuf), *end;
    errno = 0;
    double v = strtod(buf, &end);
    /* The whole string, no NaN, and no overflow to +-HUGE_VAL or underflow
     * to zero; a subnormal result (ERANGE but non-zero) is accepted. */
    bool ok = end == buf + len && !isnan(v) && !(errno == ERANGE && (isinf(v) || v == 0));
    if (buf != stackbuf) mem_free(buf);
    if (ok) *out = v;
    return ok;
}

bool num_parse_long_double(const char *s, size_t len, long double *out) {
    int64_t iv;
    char stackbuf[SHORT_NUM];

    if (len == 0 || len > LDBL_MAX_INPUT || is_c_space((unsigned char)s[0])) return false;
#if LDBL_MANT_DIG >= 64
    const int64_t exact = INT64_MAX;
#else
    const int64_t exact = (int64_t)1 << 53;
#endif
    if (small_int(s, len, exact, &iv)) {
        *out = (long double)iv;
        return true;
    }
    char *buf = terminated(s, len, stackbuf), *end;
    errno = 0;
    long double v = strtold(buf, &end);
    bool ok = end == buf + len && !isnan(v) && !(errno == ERANGE && (isinf(v) || v == 0));
    if (buf != stackbuf) mem_free(buf);
    if (ok) *out = v;
    return ok;
}

/* --- doubles: formatting ----------------------------------------------- */

size_t num_format_long_double(char *buf, long double v) {
    if (!isfinite(v)) return 0;
    /* An integral value in int64 range prints as its integer digits under
     * "%.17Lf" once the zeros are trimmed: skip printf. -0.0 gives "0". */
    if (v > -9223372036854775808.0L && v < 9223372036854775808.0L) {
        int64_t i = (int64_t)v;
        if ((long double)i == v) return num_format_int64(buf, i);
    }
    int n = snprintf(buf, NUM_LDBL_BUF, "%.17Lf", v);
    ASSERT(n > 0 && n < NUM_LDBL_BUF); /* LDBL_MAX has 4933 digits */
    size_t len = (size_t)n;
    if (memchr(buf, '.', len)) {
        while (buf[len - 1] == '0') len--;
        if (buf[len - 1] == '.') len--;
    }
    if (len == 2 && buf[0] == '-' && buf[1] == '0') { /* -0.000...04 */
        buf[0] = '0';
        len = 1;
    }
    buf[len] = '\0';
    return len;
}

size_t num_format_double(char *buf, double v) {
    if (isnan(v)) {
        memcpy(buf, "nan", 4);
        return 3;
    }
    if (isinf(v)) {
        if (v > 0) {
            memcpy(buf, "inf", 4);
            return 3;
        }
        memcpy(buf, "-inf", 5);
        return 4;
    }
    /* "%.17g" prints an integer below 1e17 in plain digits (at most 17 of
     * them, all exact): the integer printer gives the same text, faster.
     * -0.0 must stay "-0", so it takes the printf path. */
    if (v > -1e17 && v < 1e17 && !(v == 0 && signbit(v))) {
        int64_t i = (int64_t)v;
        if ((double)i == v) return num_format_int64(buf, i);
    }
    int n = snprintf(buf, NUM_DBL_BUF, "%.17g", v);
    ASSERT(n > 0 && n < NUM_DBL_BUF);
    return (size_t)n;
}
