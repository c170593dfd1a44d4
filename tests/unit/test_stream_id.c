/* tests/unit/test_stream_id.c -- ds/stream_id: the forms redis-server
 * 7.0.15 accepts and refuses (observed with XADD/XRANGE), order, the
 * 16-byte key form. */
#include "ds/stream_id.h"

#include "unit.h"

static const StreamIdParse START = {0, false, false};
static const StreamIdParse END = {UINT64_MAX, false, false};
static const StreamIdParse XADD = {0, true, true};

static bool parses(const char *s, const StreamIdParse *how, uint64_t ms, uint64_t seq) {
    StreamId id;
    return stream_id_parse(s, strlen(s), how, &id, NULL) && id.ms == ms && id.seq == seq;
}

static bool refused(const char *s, const StreamIdParse *how) {
    StreamId id;
    bool given;
    return !stream_id_parse(s, strlen(s), how, &id, &given);
}

static void test_parse(void) {
    CHECK(parses("-", &START, 0, 0));
    CHECK(parses("+", &END, UINT64_MAX, UINT64_MAX));
    CHECK(parses("5", &START, 5, 0));
    CHECK(parses("5", &END, 5, UINT64_MAX));
    CHECK(parses("5-3", &START, 5, 3));
    CHECK(parses("+5", &START, 5, 0));   /* strtoull's sign, as Redis */
    CHECK(parses(" 5", &START, 5, 0));   /* and its leading space */
    CHECK(parses("5-+3", &START, 5, 3));
    CHECK(parses("18446744073709551615-18446744073709551615", &START, UINT64_MAX, UINT64_MAX));
    CHECK(refused("18446744073709551616", &START));
    CHECK(refused("-0", &START));        /* the dash splits first: empty ms */
    CHECK(refused("-5", &START));
    CHECK(refused("1--5", &START));
    CHECK(refused("5-", &START));
    CHECK(refused("", &START));
    CHECK(refused("5x", &START));
    CHECK(refused("5-*", &START));
    CHECK(refused("-", &XADD));
    CHECK(refused("+", &XADD));
    StreamId id;
    bool given = true;
    CHECK(stream_id_parse("7-*", 3, &XADD, &id, &given) && !given && id.ms == 7 && id.seq == 0);
    CHECK(stream_id_parse("7-2", 3, &XADD, &id, &given) && given && id.seq == 2);
    CHECK(stream_id_parse("7", 1, &XADD, &id, &given) && !given);
    CHECK(stream_id_parse("5\0junk", 6, &START, &id, NULL) && id.ms == 5); /* C string */
    char big[200];
    memset(big, '1', sizeof(big));
    CHECK(!stream_id_parse(big, 128, &START, &id, NULL));
}

static void test_order_and_forms(void) {
    StreamId a = {1, UINT64_MAX}, b = {2, 0}, top = {UINT64_MAX, UINT64_MAX}, zero = {0, 0};
    CHECK(stream_id_cmp(&a, &b) < 0 && stream_id_cmp(&b, &a) > 0 && stream_id_cmp(&a, &a) == 0);
    StreamId c = a;
    CHECK(stream_id_incr(&c) && stream_id_cmp(&c, &b) == 0);
    CHECK(stream_id_decr(&c) && stream_id_cmp(&c, &a) == 0);
    c = top;
    CHECK(!stream_id_incr(&c) && stream_id_cmp(&c, &top) == 0);
    c = zero;
    CHECK(!stream_id_decr(&c) && stream_id_is_zero(&c));
    char buf[STREAM_ID_TEXT_MAX];
    CHECK(stream_id_format(&top, buf) == 41 &&
          strcmp(buf, "18446744073709551615-18446744073709551615") == 0);
    CHECK(stream_id_format(&zero, buf) == 3 && strcmp(buf, "0-0") == 0);
    unsigned char k1[16], k2[16];
    stream_id_encode(&a, k1);
    stream_id_encode(&b, k2);
    CHECK(memcmp(k1, k2, 16) < 0);
    StreamId back;
    stream_id_decode(k1, &back);
    CHECK(stream_id_cmp(&back, &a) == 0);
}

int main(void) {
    test_parse();
    test_order_and_forms();
    return unit_finish("stream_id");
}
