/* ds/stream_id.c -- stream IDs: order, text and the 16-byte key form. */
#include "stream_id.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"

int stream_id_cmp(const StreamId *a, const StreamId *b) {
    if (a->ms != b->ms) return a->ms < b->ms ? -1 : 1;
    if (a->seq != b->seq) return a->seq < b->seq ? -1 : 1;
    return 0;
}

bool stream_id_is_zero(const StreamId *id) { return id->ms == 0 && id->seq == 0; }

bool stream_id_incr(StreamId *id) {
    if (id->seq != UINT64_MAX) {
        id->seq++;
        return true;
    }
    if (id->ms == UINT64_MAX) return false;
    id->ms++;
    id->seq = 0;
    return true;
}

bool stream_id_decr(StreamId *id) {
    if (id->seq != 0) {
        id->seq--;
        return true;
    }
    if (id->ms == 0) return false;
    id->ms--;
    id->seq = UINT64_MAX;
    return true;
}

/* One number of an ID, NUL-terminated: the canonical int64 form when it
 * is one (negative ones are refused), otherwise whatever strtoull takes
 * whole without a range error. That fallback is why Redis accepts "+5",
 * " 5" and "-0", and reads "-9223372036854775809" as 2^63-1 (strtoull
 * negates in unsigned arithmetic); kilat accepts the same strings so that
 * a script works on both servers. */
static bool parse_u64(const char *s, uint64_t *out) {
    int64_t v;
    if (num_parse_int64(s, strlen(s), &v)) {
        if (v < 0) return false;
        *out = (uint64_t)v;
        return true;
    }
    if (*s == '\0') return false;
    char *end = NULL;
    errno = 0;
    unsigned long long u = strtoull(s, &end, 10);
    if (errno == EINVAL || errno == ERANGE || *end != '\0') return false;
    *out = u;
    return true;
}

bool stream_id_parse(const char *s, size_t len, const StreamIdParse *how, StreamId *out,
                     bool *seq_given) {
    char buf[128];
    if (len > sizeof(buf) - 1) return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (seq_given) *seq_given = true;
    /* Redis works on the C string: an embedded NUL ends the argument. */
    if (buf[0] == '-' && buf[1] == '\0') {
        if (how->strict) return false;
        out->ms = out->seq = 0;
        return true;
    }
    if (buf[0] == '+' && buf[1] == '\0') {
        if (how->strict) return false;
        out->ms = out->seq = UINT64_MAX;
        return true;
    }
    char *dash = strchr(buf, '-');
    if (dash) *dash = '\0';
    uint64_t ms, seq;
    if (!parse_u64(buf, &ms)) return false;
    if (!dash) {
        seq = how->missing_seq;
        if (seq_given) *seq_given = false;
    } else if (how->allow_seq_star && dash[1] == '*' && dash[2] == '\0') {
        seq = 0;
        if (seq_given) *seq_given = false;
    } else if (!parse_u64(dash + 1, &seq)) {
        return false;
    }
    out->ms = ms;
    out->seq = seq;
    return true;
}

static size_t format_u64(char *buf, uint64_t v) {
    char tmp[24];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++) buf[i] = tmp[n - 1 - i];
    return n;
}

size_t stream_id_format(const StreamId *id, char *buf) {
    size_t n = format_u64(buf, id->ms);
    buf[n++] = '-';
    n += format_u64(buf + n, id->seq);
    buf[n] = '\0';
    return n;
}

static void put_be64(unsigned char *p, uint64_t v) {
    for (int i = 7; i >= 0; i--) {
        p[i] = (unsigned char)v;
        v >>= 8;
    }
}

static uint64_t get_be64(const unsigned char *p) {
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = v << 8 | p[i];
    return v;
}

void stream_id_encode(const StreamId *id, unsigned char out[16]) {
    put_be64(out, id->ms);
    put_be64(out + 8, id->seq);
}

void stream_id_decode(const unsigned char in[16], StreamId *out) {
    out->ms = get_be64(in);
    out->seq = get_be64(in + 8);
}
