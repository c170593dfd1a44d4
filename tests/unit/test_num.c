/* tests/unit/test_num.c -- ds/num against what redis-server 7.0.15 does.
 * Every expected value below was observed on the real server (INCR,
 * INCRBY, INCRBYFLOAT, ZADD, ZSCORE, ZINCRBY through redis-cli and raw
 * RESP2/RESP3); the comments name the command that showed it. */
#include "ds/num.h"

#include <float.h>
#include <math.h>

#include "unit.h"

/* Parse helpers on NUL-terminated literals (explicit-length cases use the
 * functions directly). */
static bool int_ok(const char *s, int64_t want) {
    int64_t v = 12345;
    return num_parse_int64(s, strlen(s), &v) && v == want;
}
static bool int_bad(const char *s) {
    int64_t v = 12345;
    return !num_parse_int64(s, strlen(s), &v) && v == 12345; /* untouched */
}
static bool dbl_ok(const char *s, double want) {
    double v = 0;
    if (!num_parse_double(s, strlen(s), &v)) return false;
    return v == want && signbit(v) == signbit(want);
}
static bool dbl_bad(const char *s) {
    double v = 0;
    return !num_parse_double(s, strlen(s), &v);
}
static bool ldbl_ok(const char *s, long double want) {
    long double v = 0;
    if (!num_parse_long_double(s, strlen(s), &v)) return false;
    return v == want && signbit(v) == signbit(want);
}
static bool ldbl_bad(const char *s) {
    long double v = 0;
    return !num_parse_long_double(s, strlen(s), &v);
}
/* INCRBYFLOAT as Redis runs it: parse both, add, format. */
static bool incrbyfloat(const char *stored, const char *by, const char *want) {
    long double a, b;
    char buf[NUM_LDBL_BUF];
    if (!num_parse_long_double(stored, strlen(stored), &a)) return false;
    if (!num_parse_long_double(by, strlen(by), &b)) return false;
    size_t n = num_format_long_double(buf, a + b);
    return n == strlen(want) && memcmp(buf, want, n) == 0 && buf[n] == '\0';
}
/* ZADD z <score> a; ZSCORE z a (skiplist encoding for -0). */
static bool zscore(const char *score, const char *want) {
    double d;
    char buf[NUM_DBL_BUF];
    if (!num_parse_double(score, strlen(score), &d)) return false;
    size_t n = num_format_double(buf, d);
    return n == strlen(want) && memcmp(buf, want, n) == 0 && buf[n] == '\0';
}
static bool fmt_int(int64_t v, const char *want) {
    char buf[21];
    size_t n = num_format_int64(buf, v);
    return n == strlen(want) && memcmp(buf, want, n + 1) == 0;
}

static void test_parse_int64(void) {
    /* SET k <s>; INCR k -> accepted */
    CHECK(int_ok("0", 0));
    CHECK(int_ok("1", 1));
    CHECK(int_ok("-1", -1));
    CHECK(int_ok("10", 10));
    CHECK(int_ok("-120", -120));
    CHECK(int_ok("9223372036854775807", INT64_MAX));
    CHECK(int_ok("-9223372036854775808", INT64_MIN));
    CHECK(int_ok("1000000000000000000", 1000000000000000000));
    CHECK(int_ok("-999999999999999999", -999999999999999999));
    /* -> "ERR value is not an integer or out of range" */
    CHECK(int_bad(""));
    CHECK(int_bad("-"));
    CHECK(int_bad("+1"));
    CHECK(int_bad("01"));
    CHECK(int_bad("00"));
    CHECK(int_bad("-0")); /* not canonical, though it is zero */
    CHECK(int_bad("-00"));
    CHECK(int_bad("-01"));
    CHECK(int_bad(" 1"));
    CHECK(int_bad("1 "));
    CHECK(int_bad("1\n"));
    CHECK(int_bad("1.0"));
    CHECK(int_bad("0x10"));
    CHECK(int_bad("1a"));
    CHECK(int_bad("--1"));
    CHECK(int_bad("9223372036854775808"));
    CHECK(int_bad("-9223372036854775809"));
    CHECK(int_bad("9999999999999999999"));  /* 19 digits, > INT64_MAX */
    CHECK(int_bad("-9999999999999999999"));
    CHECK(int_bad("12345678901234567890")); /* 20 digits */
    CHECK(int_bad("18446744073709551616"));
    CHECK(int_bad("99999999999999999999"));
    CHECK(int_bad("00000000000000000001"));
    CHECK(int_bad("-18446744073709551615"));
    CHECK(int_bad("100000000000000000000000"));
    /* binary: SET k "1\0" then INCR -> error; length bounds the parse */
    int64_t v = 0;
    CHECK(!num_parse_int64("1\0", 2, &v));
    CHECK(num_parse_int64("123", 2, &v) && v == 12);
    CHECK(!num_parse_int64("5", 0, &v));
    CHECK(num_parse_int64("-5x", 2, &v) && v == -5);
    /* every boundary around INT64 limits by length */
    CHECK(int_ok("922337203685477580", 922337203685477580));
    CHECK(int_ok("-922337203685477580", -922337203685477580));
}

static void test_format_int64(void) {
    CHECK(fmt_int(0, "0"));
    CHECK(fmt_int(7, "7"));
    CHECK(fmt_int(-7, "-7"));
    CHECK(fmt_int(10, "10"));
    CHECK(fmt_int(99, "99"));
    CHECK(fmt_int(100, "100"));
    CHECK(fmt_int(-100, "-100"));
    CHECK(fmt_int(123456789, "123456789"));
    CHECK(fmt_int(INT64_MAX, "9223372036854775807"));
    CHECK(fmt_int(INT64_MIN, "-9223372036854775808"));
    /* round trip over a spread of magnitudes */
    int bad = 0;
    for (int i = 0; i < 63; i++) {
        int64_t x = (int64_t)1 << i;
        int64_t cases[] = {x, x - 1, -x, -x + 1, x / 3, x == INT64_MAX / 2 + 1 ? INT64_MAX : x + 7};
        for (size_t j = 0; j < ARRAY_LEN(cases); j++) {
            char buf[21], ref[32];
            size_t n = num_format_int64(buf, cases[j]);
            snprintf(ref, sizeof ref, "%lld", (long long)cases[j]);
            int64_t back;
            if (n != strlen(ref) || strcmp(buf, ref) != 0) bad++;
            if (!num_parse_int64(buf, n, &back) || back != cases[j]) bad++;
        }
    }
    CHECK(bad == 0);
}

static void test_parse_double(void) {
    /* ZADD z <s> a -> accepted */
    CHECK(dbl_ok("1", 1));
    CHECK(dbl_ok("-2.5", -2.5));
    CHECK(dbl_ok("1.1", 1.1));
    CHECK(dbl_ok("+1", 1));
    CHECK(dbl_ok("01", 1));
    CHECK(dbl_ok(".5", 0.5));
    CHECK(dbl_ok("5.", 5));
    CHECK(dbl_ok("1e3", 1000));
    CHECK(dbl_ok("1.5E3", 1500));
    CHECK(dbl_ok("0x10", 16));
    CHECK(dbl_ok("0x1p3", 8));
    CHECK(dbl_ok("-0", -0.0)); /* strtod keeps the sign */
    CHECK(dbl_ok("-0.0", -0.0));
    CHECK(dbl_ok("inf", INFINITY));
    CHECK(dbl_ok("+inf", INFINITY));
    CHECK(dbl_ok("-inf", -INFINITY));
    CHECK(dbl_ok("INF", INFINITY));
    CHECK(dbl_ok("iNf", INFINITY));
    CHECK(dbl_ok("Infinity", INFINITY));
    CHECK(dbl_ok("-infinity", -INFINITY));
    CHECK(dbl_ok("1e308", 1e308));
    CHECK(dbl_ok("1.7976931348623157e308", DBL_MAX));
    CHECK(dbl_ok("4.9e-324", 4.9e-324));  /* subnormal: accepted */
    CHECK(dbl_ok("1e-310", 1e-310));
    CHECK(dbl_ok("0x1p-1074", 0x1p-1074));
    CHECK(dbl_ok("0e-500", 0));
    CHECK(dbl_ok("9007199254740993", 9007199254740992.0)); /* > 2^53: strtod */
    CHECK(dbl_ok("-9007199254740992", -9007199254740992.0));
    CHECK(dbl_ok("9223372036854775807", 9223372036854775808.0));
    /* -> "ERR value is not a valid float" */
    CHECK(dbl_bad(""));
    CHECK(dbl_bad(" 1"));
    CHECK(dbl_bad("1 "));
    CHECK(dbl_bad("\t1"));
    CHECK(dbl_bad("\v1"));
    CHECK(dbl_bad("1\n"));
    CHECK(dbl_bad("nan"));
    CHECK(dbl_bad("NaN"));
    CHECK(dbl_bad("-nan"));
    CHECK(dbl_bad("nan(123)"));
    CHECK(dbl_bad("1e"));
    CHECK(dbl_bad("1.5e"));
    CHECK(dbl_bad("1_0"));
    CHECK(dbl_bad("infinit"));
    CHECK(dbl_bad("infx"));
    CHECK(dbl_bad("e3"));
    CHECK(dbl_bad("."));
    CHECK(dbl_bad("-"));
    CHECK(dbl_bad("1e500"));    /* overflow */
    CHECK(dbl_bad("-1e500"));
    CHECK(dbl_bad("1.8e308"));
    CHECK(dbl_bad("18e307"));
    CHECK(dbl_bad("0x1p1024"));
    CHECK(dbl_bad("1e-500"));   /* underflow to zero */
    CHECK(dbl_bad("1e-400"));
    CHECK(dbl_bad("2e-324"));
    CHECK(dbl_bad("0x1p-1075"));
    double d = 7;
    CHECK(!num_parse_double("1\0", 2, &d) && d == 7); /* embedded NUL */
    CHECK(num_parse_double("2.5xyz", 3, &d) && d == 2.5);
    /* No length limit for scores: 10000 zeros then "1.5" is 1.5. */
    size_t n = 10003;
    char *big = mem_alloc(n);
    memset(big, '0', n);
    memcpy(big + n - 3, "1.5", 3);
    CHECK(num_parse_double(big, n, &d) && d == 1.5);
    big[0] = ' ';
    CHECK(!num_parse_double(big, n, &d));
    mem_free(big);
}

static void test_parse_long_double(void) {
    /* INCRBYFLOAT k <s> -> accepted */
    CHECK(ldbl_ok("1e3", 1000));
    CHECK(ldbl_ok("+1", 1));
    CHECK(ldbl_ok("01", 1));
    CHECK(ldbl_ok(".5", 0.5L));
    CHECK(ldbl_ok("-.5", -0.5L));
    CHECK(ldbl_ok("5.", 5));
    CHECK(ldbl_ok("0x10", 16));
    CHECK(ldbl_ok("0X1p3", 8));
    CHECK(ldbl_ok("0x.8", 0.5L));
    CHECK(ldbl_ok("1e+3", 1000));
    CHECK(ldbl_ok("-0", -0.0L));
    CHECK(ldbl_ok("0.1", 0.1L));
    CHECK(ldbl_ok("10.50", 10.5L));
    CHECK(ldbl_ok("inf", INFINITY));  /* then "would produce NaN or Infinity" */
    CHECK(ldbl_ok("-inf", -INFINITY));
    CHECK(ldbl_ok("+inf", INFINITY));
    CHECK(ldbl_ok("Infinity", INFINITY));
    CHECK(ldbl_ok("infinity", INFINITY));
    CHECK(ldbl_ok("9223372036854775807", 9223372036854775807.0L));
    CHECK(ldbl_ok("-9223372036854775808", -9223372036854775808.0L));
#if LDBL_MAX_EXP > DBL_MAX_EXP
    CHECK(ldbl_ok("1e500", 1e500L));  /* fits in x87's long double */
    CHECK(ldbl_ok("1e-500", 1e-500L));
    CHECK(ldbl_ok("1e4932", 1e4932L));
    CHECK(ldbl_ok("0x1p-16445", 0x1p-16445L)); /* smallest subnormal */
    CHECK(ldbl_bad("0x1p-16446"));             /* underflow to zero */
    CHECK(ldbl_bad("0x1p16384"));              /* overflow */
#endif
    CHECK(ldbl_ok("0e5000", 0));
    /* -> "ERR value is not a valid float" */
    CHECK(ldbl_bad(""));
    CHECK(ldbl_bad(" 1"));
    CHECK(ldbl_bad("1 "));
    CHECK(ldbl_bad("nan"));
    CHECK(ldbl_bad("NaN"));
    CHECK(ldbl_bad("-nan"));
    CHECK(ldbl_bad("1.5e"));
    CHECK(ldbl_bad("1.5e+"));
    CHECK(ldbl_bad("0x"));
    CHECK(ldbl_bad("e3"));
    CHECK(ldbl_bad("."));
    CHECK(ldbl_bad("+"));
    CHECK(ldbl_bad("-"));
    CHECK(ldbl_bad("1_0"));
    CHECK(ldbl_bad("abc"));
    CHECK(ldbl_bad("1e5000"));
    CHECK(ldbl_bad("-1e5000"));
    CHECK(ldbl_bad("1e-5000"));
    long double v = 3;
    CHECK(!num_parse_long_double("1\0", 2, &v) && v == 3);
    /* 5119 bytes accepted, 5120 rejected (Redis's 5120-byte buffer). */
    char big[5121];
    memset(big, '0', sizeof big);
    big[5118] = '1';
    CHECK(num_parse_long_double(big, 5119, &v) && v == 1);
    memcpy(big, "1.", 2);
    memset(big + 2, '0', sizeof big - 2);
    CHECK(num_parse_long_double(big, 5119, &v) && v == 1);
    CHECK(!num_parse_long_double(big, 5120, &v));
    CHECK(!num_parse_long_double(big, 5121, &v));
}

/* Digits of INCRBYFLOAT on "1e300" with 0, from redis-server. */
static const char e300[] =
    "1000000000000000000008997324079559193870523944273290747938260082321265646596180935"
    "7558491520837504971903503725086142748359035925561846729839130962605207486462873271"
    "3564184365329408425510760601678972665293237003055138294762099454029477278188962060"
    "6179267611627097410650567187386105690089424915104006144";

static void test_format_long_double(void) {
    /* SET k <a>; INCRBYFLOAT k <b> -> reply */
    CHECK(incrbyfloat("10.50", "0", "10.5"));
    CHECK(incrbyfloat("0", "1e3", "1000"));
    CHECK(incrbyfloat("5.0e3", "0", "5000"));
    CHECK(incrbyfloat("0.1", "0.2", "0.3"));
    CHECK(incrbyfloat("1.5", "-3", "-1.5"));
    CHECK(incrbyfloat("-1", "1", "0"));
    CHECK(incrbyfloat("1", "-1.0", "0"));
    CHECK(incrbyfloat("0.1", "-0.1", "0"));
    CHECK(incrbyfloat("0", "-0", "0"));
    CHECK(incrbyfloat("0", "-1e-20", "0"));   /* "-0.000..." -> "-0" -> "0" */
    CHECK(incrbyfloat("0", "-0.000000000000000005", "0"));
    CHECK(incrbyfloat("0", "-0.000000000000000006", "-0.00000000000000001"));
    CHECK(incrbyfloat("0", "0.000000000000000005", "0"));
    CHECK(incrbyfloat("0", "0.0000000000000000051", "0.00000000000000001"));
    CHECK(incrbyfloat("0", "1e-320", "0"));
    CHECK(incrbyfloat("1", "1e-17", "1.00000000000000001"));
    CHECK(incrbyfloat("1", "1e-18", "1"));
    CHECK(incrbyfloat("3", "0.0000000000000004", "3.0000000000000004"));
    CHECK(incrbyfloat("1.23456789012345678901", "0", "1.23456789012345679"));
    CHECK(incrbyfloat("123456789.123456789", "0", "123456789.12345678899873747"));
    CHECK(incrbyfloat("3.14159265358979323846", "0", "3.14159265358979324"));
    CHECK(incrbyfloat("123.456", "0", "123.456"));
    CHECK(incrbyfloat("2.5e-10", "0", "0.00000000025"));
    CHECK(incrbyfloat("0x10", "0", "16"));
    CHECK(incrbyfloat("9223372036854775807", "1", "9223372036854775808"));
    CHECK(incrbyfloat("9223372036854775807", "0.5", "9223372036854775807.5"));
    CHECK(incrbyfloat("-9223372036854775808", "-1", "-9223372036854775809"));
    CHECK(incrbyfloat("1e17", "0.5", "100000000000000000.5"));
    CHECK(incrbyfloat("1e300", "0", e300));
    /* 0.1 added twelve times: 0.1 0.2 ... 1 1.1 1.2 */
    {
        static const char *want[] = {"0.1", "0.2", "0.3", "0.4", "0.5", "0.6",
                                     "0.7", "0.8", "0.9", "1",   "1.1", "1.2"};
        long double acc = 0, step;
        char buf[NUM_LDBL_BUF];
        CHECK(num_parse_long_double("0.1", 3, &step));
        for (size_t i = 0; i < ARRAY_LEN(want); i++) {
            acc += step;
            size_t n = num_format_long_double(buf, acc);
            CHECK(n == strlen(want[i]) && memcmp(buf, want[i], n) == 0);
            /* Redis stores the reply text and parses it next time. */
            CHECK(num_parse_long_double(buf, n, &acc));
        }
    }
#if LDBL_MAX_EXP > DBL_MAX_EXP
    {
        /* 1e4932 prints all its 4933 digits; -1e4932 one more byte. */
        char buf[NUM_LDBL_BUF];
        size_t n = num_format_long_double(buf, 1e4932L);
        CHECK(n == 4933 && memcmp(buf, "1000000000000000000006018949387963891323837774254533114773785041352533", 70) == 0);
        CHECK(num_format_long_double(buf, -1e4932L) == 4934 && buf[0] == '-');
        n = num_format_long_double(buf, LDBL_MAX);
        CHECK(n > 4900 && n < NUM_LDBL_BUF);
        n = num_format_long_double(buf, -LDBL_MAX);
        CHECK(n > 4900 && n < NUM_LDBL_BUF);
    }
#endif
    /* inf / nan: 0 (INCRBYFLOAT replies "would produce NaN or Infinity") */
    char buf[NUM_LDBL_BUF];
    CHECK(num_format_long_double(buf, INFINITY) == 0);
    CHECK(num_format_long_double(buf, -INFINITY) == 0);
    CHECK(num_format_long_double(buf, NAN) == 0);
    CHECK(num_format_long_double(buf, -0.0L) == 1 && strcmp(buf, "0") == 0);
}

static void test_format_double(void) {
    /* ZADD z <s> a; ZSCORE z a (and RESP3: ",<same text>\r\n") */
    CHECK(zscore("1.1", "1.1000000000000001"));
    CHECK(zscore("1", "1"));
    CHECK(zscore("0", "0"));
    CHECK(zscore("100", "100"));
    CHECK(zscore("1.5", "1.5"));
    CHECK(zscore("-2.5", "-2.5"));
    CHECK(zscore("-0.0", "-0"));  /* skiplist zset or ZINCRBY on a new member */
    CHECK(zscore("-0", "-0"));
    CHECK(zscore("1e20", "1e+20"));
    CHECK(zscore("1e21", "1e+21"));
    CHECK(zscore("1e15", "1000000000000000"));
    CHECK(zscore("1e16", "10000000000000000"));
    CHECK(zscore("1e17", "1e+17"));
    CHECK(zscore("12345678901234567", "12345678901234568"));
    CHECK(zscore("123456789012345678", "1.2345678901234568e+17"));
    CHECK(zscore("1e-5", "1.0000000000000001e-05"));
    CHECK(zscore("3.0000000000000004", "3.0000000000000004"));
    CHECK(zscore("0.1", "0.10000000000000001"));
    CHECK(zscore("0.3", "0.29999999999999999"));
    CHECK(zscore("1e-300", "1e-300"));
    CHECK(zscore("4.9e-324", "4.9406564584124654e-324"));
    CHECK(zscore("1e-310", "9.9999999999999694e-311"));
    CHECK(zscore("1.7976931348623157e308", "1.7976931348623157e+308"));
    CHECK(zscore("1e308", "1e+308"));
    CHECK(zscore("inf", "inf"));
    CHECK(zscore("+inf", "inf"));
    CHECK(zscore("-inf", "-inf"));
    char buf[NUM_DBL_BUF];
    CHECK(num_format_double(buf, NAN) == 3 && strcmp(buf, "nan") == 0);
    CHECK(num_format_double(buf, -NAN) == 3 && strcmp(buf, "nan") == 0);
    CHECK(num_format_double(buf, -DBL_MAX) == 24 && strcmp(buf, "-1.7976931348623157e+308") == 0);
    CHECK(num_format_double(buf, -99999999999999984.0) == 18 &&
          strcmp(buf, "-99999999999999984") == 0);
    /* The integer fast path agrees with "%.17g" everywhere near 2^k. */
    int bad = 0;
    for (int e = -60; e < 70; e++) {
        double base = ldexp(1.0, e);
        double cases[] = {base, -base, base + 1, base - 1, base * 3, nextafter(base, 0)};
        for (size_t j = 0; j < ARRAY_LEN(cases); j++) {
            char ref[64];
            snprintf(ref, sizeof ref, "%.17g", cases[j]);
            size_t n = num_format_double(buf, cases[j]);
            if (n != strlen(ref) || strcmp(buf, ref) != 0) bad++;
        }
    }
    CHECK(bad == 0);
}

int main(void) {
    test_parse_int64();
    test_format_int64();
    test_parse_double();
    test_parse_long_double();
    test_format_long_double();
    test_format_double();
    return unit_finish("num");
}
