/* tests/unit/test_resp_parse.c -- the request parser against Redis 7.0.
 * Every expected outcome here (error strings, what waits for more bytes,
 * how inline lines split) was first observed on redis-server 7.0.15 over a
 * raw socket. The feeding helper hands the parser a fresh copy of the
 * unconsumed bytes on every call, as a reader that compacts its buffer
 * would, so state kept as pointers into an old buffer shows under ASan. */
#include "proto/resp_parse.h"

#include <limits.h>

#include "unit.h"

#define S(lit) lit, sizeof(lit) - 1

/* A growing byte string (test memory: plain malloc, not accounted). */
typedef struct {
    char *s;
    size_t len, cap;
} Buf;

static void buf_put(Buf *b, const void *p, size_t n) {
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->s = realloc(b->s, b->cap);
        if (!b->s) abort();
    }
    memcpy(b->s + b->len, p, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void buf_fmt(Buf *b, const char *fmt, size_t v) {
    char tmp[32];
    int n = snprintf(tmp, sizeof(tmp), fmt, v);
    buf_put(b, tmp, (size_t)n);
}

static void buf_fill(Buf *b, char c, size_t n) {
    for (size_t i = 0; i < n; i++) buf_put(b, &c, 1);
}

/* Appends one parsed command as "argc|len:bytes|len:bytes|\n". */
static void put_cmd(Buf *o, const RespParser *p) {
    buf_fmt(o, "%zu|", (size_t)p->argc);
    for (int i = 0; i < p->argc; i++) {
        buf_fmt(o, "%zu:", p->argl[i]);
        buf_put(o, p->argv[i], p->argl[i]);
        buf_put(o, "|", 1);
    }
    buf_put(o, "\n", 1);
}

/* Feeds data[0..len) to p as it arrives in pieces ending at cuts[0..ncuts)
 * (ascending) and then at len. Appends every command to o, then
 * "E:<error>" or "M<bytes left unconsumed>". Checks on the way that
 * resp_bytes_wanted never asks for more than the data holds when the data
 * ends with a complete command. */
static void feed(RespParser *p, const char *data, size_t len, const size_t *cuts, size_t ncuts,
                 Buf *o, bool complete) {
    size_t off = 0;
    for (size_t ci = 0; ci <= ncuts; ci++) {
        size_t have = ci < ncuts ? cuts[ci] : len;
        if (have < off) continue; /* a command ended past this cut */
        for (;;) {
            size_t n = have - off;
            char *copy = malloc(n + 1);
            if (!copy) abort();
            memcpy(copy, data + off, n);
            RespStatus st = resp_parse(p, copy, n);
            if (st == RESP_DONE) {
                CHECK(p->consumed > 0 && p->consumed <= n);
                put_cmd(o, p);
                off += p->consumed;
                free(copy);
                continue;
            }
            free(copy);
            if (st == RESP_PROTO_ERROR) {
                buf_put(o, "E:", 2);
                buf_put(o, p->error, strlen(p->error));
                return;
            }
            if (complete) CHECK(resp_bytes_wanted(p) <= len - have);
            break;
        }
    }
    buf_fmt(o, "M%zu", len - off);
}

/* One fresh parser (authenticated, default limits) through feed(). */
static void feed_fresh(const char *data, size_t len, const size_t *cuts, size_t ncuts, Buf *o,
                       bool complete) {
    RespParser p;
    resp_parser_init(&p);
    p.authenticated = true;
    feed(&p, data, len, cuts, ncuts, o, complete);
    resp_parser_free(&p);
}

static bool same(const Buf *a, const Buf *b) {
    return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
}

static void show_bytes(const char *tag, const Buf *b) {
    fprintf(stderr, "%s [", tag);
    for (size_t i = 0; i < b->len; i++) {
        unsigned char c = (unsigned char)b->s[i];
        if (c >= 32 && c < 127 && c != '\\') fputc(c, stderr);
        else fprintf(stderr, "\\x%02x", c);
    }
    fprintf(stderr, "]\n");
}

static void show_diff(const char *what, const Buf *want, const Buf *got) {
    size_t at = 0;
    while (at < want->len && at < got->len && want->s[at] == got->s[at]) at++;
    fprintf(stderr, "%s: differs at byte %zu\n", what, at);
    show_bytes(" want", want);
    show_bytes("  got", got);
}

/* ---- a pipeline of mixed requests, cut at every point ---------------- */

static const struct {
    const char *wire;
    size_t wlen;
    const char *cmd; /* put_cmd() form of what it parses to */
    size_t clen;
} pipeline[] = {
    {S("*3\r\n$3\r\nSET\r\n$5\r\nk\r\n*\r\r\n$8\r\n\0\r\n$1\r\n\xff\r\n"),
     S("3|3:SET|5:k\r\n*\r|8:\0\r\n$1\r\n\xff|\n")},
    {S("PING\r\n"), S("1|4:PING|\n")},
    {S("*0\r\n"), S("0|\n")},
    {S("SET \"a b\" 'c\\'d' \"\\x00\\xff\\r\\n\"\n"), S("4|3:SET|3:a b|3:c'd|4:\0\xff\r\n|\n")},
    {S("\r\n"), S("0|\n")},
    {S("*2\r\n$4\r\nECHO\r\n$0\r\n\r\n"), S("2|4:ECHO|0:|\n")},
    {S("*-1\r\n"), S("0|\n")},
    {S("ECHO x\n"), S("2|4:ECHO|1:x|\n")},
    {S("*1\r\n$4\r\nPINGxy"), S("1|4:PING|\n")}, /* the 2 bytes after a bulk: unchecked */
    {S("   \t\r\n"), S("0|\n")},
    {S("*2\r\n$4\r\nECHO\r\n$17\r\n\r\n*1\r\n$4\r\nPING\r\n\n\r\n"),
     S("2|4:ECHO|17:\r\n*1\r\n$4\r\nPING\r\n\n|\n")},
    {S("*1\r\n$4\r\nQUIT\r\n"), S("1|4:QUIT|\n")},
};

static void test_pipeline_splits(void) {
    Buf wire = {0}, want = {0}, got = {0};
    for (size_t i = 0; i < ARRAY_LEN(pipeline); i++) {
        buf_put(&wire, pipeline[i].wire, pipeline[i].wlen);
        buf_put(&want, pipeline[i].cmd, pipeline[i].clen);
    }
    buf_put(&want, "M0", 2);

    feed_fresh(wire.s, wire.len, NULL, 0, &got, true);
    CHECK(same(&want, &got));
    if (!same(&want, &got)) show_diff("pipeline in one piece", &want, &got);

    /* one cut at every point, then two cuts at every pair of points */
    int bad = 0;
    for (size_t a = 0; a <= wire.len; a++) {
        for (size_t b = a; b <= wire.len; b++) {
            size_t cuts[2] = {a, b};
            got.len = 0;
            feed_fresh(wire.s, wire.len, cuts, a == b ? 1 : 2, &got, true);
            if (!same(&want, &got) && bad++ == 0) {
                fprintf(stderr, "cuts at %zu, %zu\n", a, b);
                show_diff("pipeline cut", &want, &got);
            }
        }
    }
    CHECK(bad == 0);

    /* byte by byte, through one parser */
    size_t *cuts = malloc(wire.len * sizeof(*cuts));
    for (size_t i = 0; i < wire.len; i++) cuts[i] = i;
    got.len = 0;
    feed_fresh(wire.s, wire.len, cuts, wire.len, &got, true);
    CHECK(same(&want, &got));
    free(cuts);

    /* multibulk args point into the caller's buffer, and consumed is exact */
    RespParser p;
    resp_parser_init(&p);
    p.authenticated = true;
    CHECK(resp_parse(&p, wire.s, wire.len) == RESP_DONE);
    CHECK(p.argc == 3 && p.argv[0] == wire.s + 8 && p.argv[2] == wire.s + 28);
    CHECK(p.consumed == pipeline[0].wlen);
    resp_parser_free(&p);
    free(wire.s);
    free(want.s);
    free(got.s);
}

/* ---- malformed or incomplete requests: exact error, or wait ---------- */

static const struct {
    const char *pre;
    size_t plen;
    size_t fill; /* this many 'a' after pre */
    const char *suf;
    size_t slen;
    const char *error; /* NULL: waits for more bytes */
} corpus[] = {
    {"*-0\r\n", 5, 0, "", 0, "Protocol error: invalid multibulk length"},
    {"*01\r\n", 5, 0, "", 0, "Protocol error: invalid multibulk length"},
    {"*+1\r\n", 5, 0, "", 0, "Protocol error: invalid multibulk length"},
    {"* 1\r\n", 5, 0, "", 0, "Protocol error: invalid multibulk length"},
    {"*1 \r\n", 5, 0, "", 0, "Protocol error: invalid multibulk length"},
    {"*\r\n", 3, 0, "", 0, "Protocol error: invalid multibulk length"},
    {"*\r", 2, 0, "", 0, NULL},
    {"*1\r", 3, 0, "", 0, NULL},
    {"*1", 2, 0, "", 0, NULL},
    {"*", 1, 0, "", 0, NULL},
    {"*1\n$4\r\nPING\r\n", 13, 0, "", 0, "Protocol error: invalid multibulk length"},
    {"*1x\r\n", 5, 0, "", 0, "Protocol error: invalid multibulk length"},
    {"*-9223372036854775809\r\n", 23, 0, "", 0, "Protocol error: invalid multibulk length"},
    {"*9223372036854775807\r\n", 22, 0, "", 0, "Protocol error: invalid multibulk length"},
    {"*99999999999999999999\r\n", 23, 0, "", 0, "Protocol error: invalid multibulk length"},
    {"*2147483648\r\n", 13, 0, "", 0, "Protocol error: invalid multibulk length"},
    {"*2147483647\r\n", 13, 0, "", 0, NULL},
    {"*1048577\r\n$4\r\nPING\r\n", 20, 0, "", 0, NULL},
    {"*1\0\r\n", 5, 0, "", 0, NULL},
    {"*1\r\nX4\r\nPING\r\n", 14, 0, "", 0, "Protocol error: expected '$', got 'X'"},
    {"*1\r\n*1\r\n", 8, 0, "", 0, "Protocol error: expected '$', got '*'"},
    {"*1\r\n\r\n", 6, 0, "", 0, "Protocol error: expected '$', got ' '"},
    {"*1\r\n\nab\r\n", 9, 0, "", 0, "Protocol error: expected '$', got ' '"},
    {"*1\r\n\xff" "ab\r\n", 9, 0, "", 0, "Protocol error: expected '$', got '\xff'"},
    {"*1\r\n\tab\r\n", 9, 0, "", 0, "Protocol error: expected '$', got '\t'"},
    {"*1\r\n\x01\r\n", 7, 0, "", 0, "Protocol error: expected '$', got '\x01'"},
    {"*2\r\n$4\r\nECHO\r\n:3\r\nabc\r\n", 23, 0, "", 0, "Protocol error: expected '$', got ':'"},
    {"*1\r\nX", 5, 0, "", 0, NULL},
    {"*1\r\nX4\r", 7, 0, "", 0, NULL},
    {"*1\r\n$4", 6, 0, "", 0, NULL},
    {"*1\r\n$-1\r\n", 9, 0, "", 0, "Protocol error: invalid bulk length"},
    {"*1\r\n$-0\r\n", 9, 0, "", 0, "Protocol error: invalid bulk length"},
    {"*1\r\n$01\r\nx\r\n", 12, 0, "", 0, "Protocol error: invalid bulk length"},
    {"*1\r\n$\r\n", 7, 0, "", 0, "Protocol error: invalid bulk length"},
    {"*1\r\n$4 \r\nPING\r\n", 15, 0, "", 0, "Protocol error: invalid bulk length"},
    {"*1\r\n$ 4\r\nPING\r\n", 15, 0, "", 0, "Protocol error: invalid bulk length"},
    {"*1\r\n$+4\r\nPING\r\n", 15, 0, "", 0, "Protocol error: invalid bulk length"},
    {"*1\r\n$4\n\r\nPING\r\n", 15, 0, "", 0, "Protocol error: invalid bulk length"},
    {"*1\r\n$536870912\r\n", 16, 0, "", 0, NULL},
    {"*1\r\n$536870913\r\n", 16, 0, "", 0, "Protocol error: invalid bulk length"},
    {"*1\r\n$9223372036854775807\r\n", 26, 0, "", 0, "Protocol error: invalid bulk length"},
    {"*1\r\n$9223372036854775808\r\n", 26, 0, "", 0, "Protocol error: invalid bulk length"},
    {"*2\r\n$4\r\nECHO\r\n$-1\r\n", 19, 0, "", 0, "Protocol error: invalid bulk length"},
    {"*1\r\n$4\0\r\n", 9, 0, "", 0, NULL},
    {"*1\r\n$4\r\nPING", 12, 0, "", 0, NULL},
    {"*1\r\n$4\r\nPING\r", 13, 0, "", 0, NULL},
    {"*1\r\n$3\r\nGETX", 12, 0, "", 0, NULL},
    {"*1", 2, 65534, "", 0, NULL},
    {"*1", 2, 65535, "", 0, "Protocol error: too big mbulk count string"},
    {"*1\0", 3, 65533, "\r\n", 2, "Protocol error: too big mbulk count string"},
    {"*1\r\n$1", 6, 65534, "", 0, NULL},
    {"*1\r\n$1", 6, 65535, "", 0, "Protocol error: too big bulk count string"},
    {"*1\r\nX", 5, 65536, "", 0, "Protocol error: too big bulk count string"},
    {"*1\r", 3, 70000, "", 0, "Protocol error: too big bulk count string"},
    {"PING", 4, 65532, "", 0, NULL},
    {"PING", 4, 65533, "", 0, "Protocol error: too big inline request"},
    {"PING", 4, 65532, "\r", 1, "Protocol error: too big inline request"},
    {"PING\0\n", 6, 0, "", 0, NULL},
    {"PING\0\n", 6, 65530, "", 0, NULL},
    {"PING\0\n", 6, 65531, "", 0, "Protocol error: too big inline request"},
    {"PING", 4, 0, "", 0, NULL},
    {"PING\r", 5, 0, "", 0, NULL},
    {"\"PING\n", 6, 0, "", 0, "Protocol error: unbalanced quotes in request"},
    {"PING \"a\n", 8, 0, "", 0, "Protocol error: unbalanced quotes in request"},
    {"PING 'a\n", 8, 0, "", 0, "Protocol error: unbalanced quotes in request"},
    {"ECHO \"a\"b\r\n", 11, 0, "", 0, "Protocol error: unbalanced quotes in request"},
    {"ECHO 'a'b\r\n", 11, 0, "", 0, "Protocol error: unbalanced quotes in request"},
    {"ECHO a'b'c\r\n", 12, 0, "", 0, "Protocol error: unbalanced quotes in request"},
    {"ECHO \"a\\\"\r\n", 11, 0, "", 0, "Protocol error: unbalanced quotes in request"},
    {"ECHO \"\\\r\n", 9, 0, "", 0, "Protocol error: unbalanced quotes in request"},
    {"ECHO x ''y\r\n", 12, 0, "", 0, "Protocol error: unbalanced quotes in request"},
};

static void test_corpus(void) {
    for (size_t i = 0; i < ARRAY_LEN(corpus); i++) {
        Buf in = {0}, want = {0}, got = {0};
        buf_put(&in, corpus[i].pre, corpus[i].plen);
        buf_fill(&in, 'a', corpus[i].fill);
        buf_put(&in, corpus[i].suf, corpus[i].slen);
        if (corpus[i].error) {
            buf_put(&want, "E:", 2);
            buf_put(&want, corpus[i].error, strlen(corpus[i].error));
        } else {
            buf_fmt(&want, "M%zu", in.len);
        }
        /* in one piece, then in pieces of 1 byte (short ones) or 4 KB */
        feed_fresh(in.s, in.len, NULL, 0, &got, false);
        bool ok1 = same(&want, &got);
        size_t step = in.len < 200 ? 1 : 4096, n = 0;
        size_t *cuts = malloc((in.len / step + 1) * sizeof(*cuts));
        for (size_t c = step; c < in.len; c += step) cuts[n++] = c;
        got.len = 0;
        feed_fresh(in.s, in.len, cuts, n, &got, false);
        bool ok2 = same(&want, &got);
        CHECK(ok1 && ok2);
        if (!ok1 || !ok2) {
            fprintf(stderr, "corpus[%zu] (%s)\n", i, ok1 ? "in pieces" : "in one piece");
            show_diff("corpus", &want, &got);
        }
        free(cuts);
        free(in.s);
        free(want.s);
        free(got.s);
    }
}

/* ---- inline lines split as sdssplitargs does ------------------------- */

static const struct {
    const char *line;
    size_t len;
    int argc; /* -1: "unbalanced quotes in request" */
    const char *argv[3];
    size_t argl[3];
} inline_lines[] = {
    {"a b", 3, 2, {"a", "b"}, {1, 1}},
    {"a\tb", 3, 2, {"a", "b"}, {1, 1}},
    {"a\vb", 3, 1, {"a\vb"}, {3}},
    {"\va", 2, 1, {"a"}, {1}},
    {"a\fb  c", 6, 2, {"a\fb", "c"}, {3, 1}},
    {"a\rb", 3, 2, {"a", "b"}, {1, 1}},
    {"  a   b  ", 9, 2, {"a", "b"}, {1, 1}},
    {"\"a b\"", 5, 1, {"a b"}, {3}},
    {"\"a\\nb\\r\\t\\b\\a\\\\\\\"c\"", 19, 1, {"a\nb\r\t\x08\x07\\\"c"}, {10}},
    {"\"\\x41\\x4a\\xzz\\x4\"", 17, 1, {"AJxzzx4"}, {7}},
    {"\"\\x4\"", 5, 1, {"x4"}, {2}},
    {"\"\\x\"", 4, 1, {"x"}, {1}},
    {"\"\\q\"", 4, 1, {"q"}, {1}},
    {"'a\\'b\\n'", 8, 1, {"a'b\\n"}, {5}},
    {"'\\\\'", 4, -1, {0}, {0}},
    {"'a\"b'", 5, 1, {"a\"b"}, {3}},
    {"\"a'b\"", 5, 1, {"a'b"}, {3}},
    {"\"a\" b", 5, 2, {"a", "b"}, {1, 1}},
    {"\"a\"\vb", 5, 2, {"a", "b"}, {1, 1}},
    {"\"a\"\fb", 5, 2, {"a", "b"}, {1, 1}},
    {"\"a\"\tb", 5, 2, {"a", "b"}, {1, 1}},
    {"foo\"bar baz\"", 12, 1, {"foobar baz"}, {10}},
    {"foo\"bar baz\" x", 14, 2, {"foobar baz", "x"}, {10, 1}},
    {"\"\"", 2, 1, {""}, {0}},
    {"''", 2, 1, {""}, {0}},
    {"\"\" ''", 5, 2, {"", ""}, {0, 0}},
    {"\"\\x4A\\x4a\\x00\\xff\"", 18, 1, {"JJ\0\xff"}, {4}},
    {"\xff\x80 \x01", 4, 2, {"\xff\x80", "\x01"}, {2, 1}},
    {"a'b c'", 6, 1, {"ab c"}, {4}},
    {"\"a\\\rb\"", 6, 1, {"a\rb"}, {3}},
    {"\"a\rb\"", 5, 1, {"a\rb"}, {3}},
    {"x\r", 2, 1, {"x"}, {1}},
    {"\"x\"\r", 4, 1, {"x"}, {1}},
    {"\"\\\\\"", 4, 1, {"\\"}, {1}},
};

static void test_inline_split(void) {
    RespParser p;
    resp_parser_init(&p);
    p.authenticated = true;
    for (size_t i = 0; i < ARRAY_LEN(inline_lines); i++) {
        /* as redis-server saw them: "RPUSH k <line>\r\n" */
        Buf in = {0};
        buf_put(&in, "RPUSH k ", 8);
        buf_put(&in, inline_lines[i].line, inline_lines[i].len);
        buf_put(&in, "\r\n", 2);
        RespStatus st = resp_parse(&p, in.s, in.len);
        bool ok;
        if (inline_lines[i].argc < 0) {
            ok = st == RESP_PROTO_ERROR &&
                 strcmp(p.error, "Protocol error: unbalanced quotes in request") == 0;
            resp_parser_free(&p);
            resp_parser_init(&p);
            p.authenticated = true;
        } else {
            ok = st == RESP_DONE && p.consumed == in.len && p.argc == inline_lines[i].argc + 2 &&
                 p.argl[0] == 5 && memcmp(p.argv[0], "RPUSH", 5) == 0;
            for (int a = 0; ok && a < inline_lines[i].argc; a++)
                ok = p.argl[a + 2] == inline_lines[i].argl[a] &&
                     memcmp(p.argv[a + 2], inline_lines[i].argv[a], p.argl[a + 2]) == 0;
        }
        CHECK(ok);
        if (!ok) fprintf(stderr, "inline_lines[%zu]: status %d argc %d\n", i, (int)st, p.argc);
        free(in.s);
    }
    resp_parser_free(&p);
}

/* ---- what Redis tolerates -------------------------------------------- */

static void expect_one(const char *in, size_t len, const char *want, size_t wlen) {
    Buf got = {0};
    feed_fresh(in, len, NULL, 0, &got, false);
    bool ok = got.len == wlen && memcmp(got.s, want, wlen) == 0;
    CHECK(ok);
    if (!ok) fprintf(stderr, "input [%.*s]: want [%.*s] got [%.*s]\n", (int)len, in, (int)wlen,
                     want, (int)got.len, got.s);
    free(got.s);
}

static void test_quirks(void) {
    /* the line after a count is ended by '\r' and any one byte */
    expect_one(S("*1\rX$4\rXPING\r\n"), S("1|4:PING|\nM0"));
    /* the 2 bytes after bulk data are skipped unchecked */
    expect_one(S("*1\r\n$4\r\nPINGab"), S("1|4:PING|\nM0"));
    expect_one(S("*1\r\n$3\r\nGETXY"), S("1|3:GET|\nM0"));
    /* empty multibulks: argc 0, skipped */
    expect_one(S("*0\r\n*-1\r\n*-9223372036854775808\r\n"), S("0|\n0|\n0|\nM0"));
    /* blank inline lines; '\r' inside a line separates words */
    expect_one(S("\n\r\n \t \r\n\r\r\nPING\r\r\na\rb\n"),
               S("0|\n0|\n0|\n0|\n1|4:PING|\n2|1:a|1:b|\nM0"));
    /* only a '*' first byte means multibulk */
    expect_one(S(" *1\r\n$1\r\n"), S("1|2:*1|\n1|2:$1|\nM0"));
    expect_one(S("$1\r\n"), S("1|2:$1|\nM0"));
    /* binary inline words (but no NUL: that hides the newline) */
    expect_one(S("ECHO \xff\x80\n"), S("2|4:ECHO|2:\xff\x80|\nM0"));

    /* "*1\r\n$3\r\nGETX": Redis waits for one more byte, whatever it is */
    RespParser p;
    resp_parser_init(&p);
    p.authenticated = true;
    CHECK(resp_parse(&p, S("*1\r\n$3\r\nGETX")) == RESP_NEED_MORE);
    CHECK(resp_bytes_wanted(&p) == 1);
    CHECK(resp_parse(&p, S("*1\r\n$3\r\nGETX\0")) == RESP_DONE);
    CHECK(p.argc == 1 && p.argl[0] == 3 && p.consumed == 13);
    CHECK(resp_parse(&p, "", 0) == RESP_NEED_MORE && resp_bytes_wanted(&p) == 0);
    /* inline args live in the parser's scratch, not in the buffer */
    char line[] = "SET k v\r\n";
    CHECK(resp_parse(&p, line, sizeof(line) - 1) == RESP_DONE);
    CHECK(p.argc == 3 && p.consumed == 9);
    CHECK(!(p.argv[0] >= line && p.argv[0] < line + sizeof(line)));
    resp_parser_free(&p);
}

/* ---- limits ---------------------------------------------------------- */

static void test_limits(void) {
    RespParser p;
    resp_parser_init(&p);
    CHECK(p.max_bulk == 536870912 && p.max_multibulk == INT_MAX);
    CHECK(p.max_bulk_noauth == 16384 && !p.authenticated);
    p.authenticated = true;
    CHECK(resp_parse(&p, S("*1\r\n$536870912\r\n")) == RESP_NEED_MORE);
    CHECK(resp_bytes_wanted(&p) == 536870914);
    CHECK(resp_parse(&p, S("*1\r\n$536870912\r\nabc")) == RESP_NEED_MORE);
    CHECK(resp_bytes_wanted(&p) == 536870911);
    resp_parser_free(&p);

    /* owner-set limits */
    resp_parser_init(&p);
    p.authenticated = true;
    p.max_bulk = 3;
    p.max_multibulk = 2;
    CHECK(resp_parse(&p, S("*2\r\n$3\r\nabc\r\n$0\r\n\r\n")) == RESP_DONE && p.argc == 2);
    CHECK(resp_parse(&p, S("*1\r\n$4\r\n")) == RESP_PROTO_ERROR);
    CHECK(strcmp(p.error, "Protocol error: invalid bulk length") == 0);
    resp_parser_free(&p);
    resp_parser_init(&p);
    p.authenticated = true;
    p.max_multibulk = 2;
    CHECK(resp_parse(&p, S("*3\r\n")) == RESP_PROTO_ERROR);
    CHECK(strcmp(p.error, "Protocol error: invalid multibulk length") == 0);
    resp_parser_free(&p);
    resp_parser_init(&p);
    p.authenticated = true;
    p.max_bulk = INT64_MAX; /* a master link: no bulk limit */
    CHECK(resp_parse(&p, S("*1\r\n$9223372036854775807\r\n")) == RESP_NEED_MORE);
    CHECK(resp_bytes_wanted(&p) == (size_t)INT64_MAX + 2);
    resp_parser_free(&p);

    /* before AUTH: at most 10 args and 16384-byte bulks (requirepass set) */
    static const struct {
        const char *in;
        size_t len;
        const char *error;
    } noauth[] = {
        {S("*10\r\n"), NULL},
        {S("*11\r\n"), "Protocol error: unauthenticated multibulk length"},
        {S("*11x\r\n"), "Protocol error: invalid multibulk length"},
        {S("*2147483648\r\n"), "Protocol error: invalid multibulk length"},
        {S("*1\r\n$16384\r\n"), NULL},
        {S("*1\r\n$16385\r\n"), "Protocol error: unauthenticated bulk length"},
        {S("*1\r\n$16385x\r\n"), "Protocol error: invalid bulk length"},
        {S("*1\r\n$536870913\r\n"), "Protocol error: invalid bulk length"},
        {S("ECHO aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa a a a a a a a a a a a a a a\n"), ""},
    };
    for (size_t i = 0; i < ARRAY_LEN(noauth); i++) {
        resp_parser_init(&p);
        RespStatus st = resp_parse(&p, noauth[i].in, noauth[i].len);
        if (!noauth[i].error) CHECK(st == RESP_NEED_MORE);
        else if (!noauth[i].error[0]) CHECK(st == RESP_DONE && p.argc == 16); /* inline: no limit */
        else CHECK(st == RESP_PROTO_ERROR && strcmp(p.error, noauth[i].error) == 0);
        resp_parser_free(&p);
    }
    /* the limits follow `authenticated` from one command to the next */
    Buf in = {0};
    buf_put(&in, S("*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n*11\r\n"));
    for (int i = 0; i < 11; i++) buf_put(&in, S("$1\r\nx\r\n"));
    resp_parser_init(&p);
    CHECK(resp_parse(&p, in.s, in.len) == RESP_DONE && p.argc == 2);
    size_t off = p.consumed;
    p.authenticated = true;
    CHECK(resp_parse(&p, in.s + off, in.len - off) == RESP_DONE && p.argc == 11);
    CHECK(off + p.consumed == in.len);
    resp_parser_free(&p);
    free(in.s);
}

/* ---- big payloads and big commands ----------------------------------- */

static void test_big(void) {
    RespParser p;
    resp_parser_init(&p);
    p.authenticated = true;

    /* a 10 MB value read in 16 KB pieces: bytes_wanted counts down */
    size_t big = 10 * 1024 * 1024;
    Buf in = {0};
    buf_put(&in, S("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$10485760\r\n"));
    size_t head = in.len;
    for (size_t i = 0; i < big; i++) buf_put(&in, i % 7 ? "\r" : "\n", 1);
    buf_put(&in, S("\r\n"));
    size_t have = 0;
    bool wanted_ok = true;
    RespStatus st = RESP_NEED_MORE;
    while (st == RESP_NEED_MORE) {
        have = have + 16384 < in.len ? have + 16384 : in.len;
        st = resp_parse(&p, in.s, have);
        if (st == RESP_NEED_MORE && have > head && resp_bytes_wanted(&p) != in.len - have)
            wanted_ok = false;
    }
    CHECK(wanted_ok);
    CHECK(st == RESP_DONE && p.argc == 3 && p.argl[2] == big && p.argv[2] == in.s + head);
    CHECK(p.consumed == in.len);

    /* a 256 KB bulk arriving byte by byte is not rescanned (this would
     * take minutes if each call looked at the payload again) */
    in.len = 0;
    buf_put(&in, S("*1\r\n$262144\r\n"));
    buf_fill(&in, 'x', 262144);
    buf_put(&in, S("\r\n"));
    for (have = 1; (st = resp_parse(&p, in.s, have)) == RESP_NEED_MORE; have++) {
    }
    CHECK(st == RESP_DONE && have == in.len && p.argl[0] == 262144);

    /* 100000 args: the arrays grow, then shrink before the next command */
    in.len = 0;
    buf_put(&in, S("*100000\r\n"));
    for (int i = 0; i < 100000; i++) buf_put(&in, S("$2\r\nab\r\n"));
    CHECK(resp_parse(&p, in.s, in.len) == RESP_DONE && p.argc == 100000);
    CHECK(p.consumed == in.len && p.argl[99999] == 2 && p.argv[99999] == in.s + in.len - 4);
    CHECK(resp_parse(&p, S("PING\r\n")) == RESP_DONE && p.argc == 1);
    CHECK(p.cap <= 1024);

    /* an inline line dripping in up to the 64 KB limit (scanned once) */
    in.len = 0;
    buf_put(&in, S("ECHO "));
    buf_fill(&in, 'y', RESP_INLINE_MAX - 5);
    for (have = 1; have <= in.len; have++)
        if (resp_parse(&p, in.s, have) != RESP_NEED_MORE) break;
    CHECK(have == in.len + 1);
    buf_put(&in, "\n", 1);
    CHECK(resp_parse(&p, in.s, in.len) == RESP_DONE && p.argc == 2);
    CHECK(p.argl[1] == RESP_INLINE_MAX - 5 && p.consumed == in.len);

    /* a long line that is already whole is taken (Redis, given the same
     * buffer; it reads 16 KB at a time, so over the wire it would have
     * failed at 64 KB) -- and the scratch it needed is given back */
    in.len = 0;
    buf_put(&in, S("ECHO \""));
    buf_fill(&in, 'z', 200000);
    buf_put(&in, S("\"\r\n"));
    CHECK(resp_parse(&p, in.s, in.len) == RESP_DONE && p.argc == 2 && p.argl[1] == 200000);
    CHECK(resp_parse(&p, S("PING\n")) == RESP_DONE && p.scratch_cap <= 70000);
    resp_parser_free(&p);
    free(in.s);
}

/* ---- no allocation per request once warm ----------------------------- */

static void test_steady_state(void) {
    Buf wire = {0};
    for (size_t i = 0; i < ARRAY_LEN(pipeline); i++)
        buf_put(&wire, pipeline[i].wire, pipeline[i].wlen);
    RespParser p;
    resp_parser_init(&p);
    p.authenticated = true;
    size_t warm = 0, cmds = 0;
    for (int round = 0; round < 100; round++) {
        size_t off = 0;
        while (resp_parse(&p, wire.s + off, wire.len - off) == RESP_DONE) {
            off += p.consumed;
            cmds++;
        }
        if (round == 0) warm = mem_used();
        CHECK(off == wire.len);
    }
    CHECK(cmds == 100 * ARRAY_LEN(pipeline) && mem_used() == warm);
    resp_parser_free(&p);
    free(wire.s);
}

/* ---- after an error the parser stays failed ------------------------- */

static void test_sticky_error(void) {
    RespParser p;
    resp_parser_init(&p);
    p.authenticated = true;
    CHECK(resp_parse(&p, S("*1\r\n$x\r\n")) == RESP_PROTO_ERROR);
    CHECK(resp_parse(&p, S("PING\r\n")) == RESP_PROTO_ERROR);
    CHECK(strcmp(p.error, "Protocol error: invalid bulk length") == 0);
    CHECK(resp_bytes_wanted(&p) == 0);
    resp_parser_free(&p);
    resp_parser_free(&p); /* twice is harmless */
}

/* ---- random pipelines cut at random points ---------------------------- */

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint32_t rnd(uint32_t n) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

/* Appends a random command to wire, and what it parses to to want. */
static void random_cmd(Buf *wire, Buf *want) {
    int argc = 1 + (int)rnd(6);
    if (rnd(4) == 0) { /* inline: plain words */
        buf_fmt(want, "%zu|", (size_t)argc);
        for (int i = 0; i < argc; i++) {
            size_t l = 1 + rnd(12);
            char w[16];
            for (size_t j = 0; j < l; j++) w[j] = (char)('a' + rnd(26));
            if (i && rnd(2)) buf_put(wire, " ", 1);
            else if (i) buf_put(wire, "\t ", 2);
            buf_put(wire, w, l);
            buf_fmt(want, "%zu:", l);
            buf_put(want, w, l);
            buf_put(want, "|", 1);
        }
        if (rnd(2)) buf_put(wire, "\r\n", 2);
        else buf_put(wire, "\n", 1);
        buf_put(want, "\n", 1);
        return;
    }
    buf_fmt(wire, "*%zu\r\n", (size_t)argc);
    buf_fmt(want, "%zu|", (size_t)argc);
    for (int i = 0; i < argc; i++) {
        size_t l = rnd(8) == 0 ? rnd(5000) : rnd(20);
        buf_fmt(wire, "$%zu\r\n", l);
        buf_fmt(want, "%zu:", l);
        for (size_t j = 0; j < l; j++) {
            static const char alphabet[] = "\r\n$*\0ab";
            char c = rnd(3) ? alphabet[rnd(7)] : (char)rnd(256);
            buf_put(wire, &c, 1);
            buf_put(want, &c, 1);
        }
        buf_put(wire, "\r\n", 2);
        buf_put(want, "|", 1);
    }
    buf_put(want, "\n", 1);
}

static void test_random(void) {
    int bad = 0;
    for (int round = 0; round < 300; round++) {
        Buf wire = {0}, want = {0}, got = {0};
        int ncmd = 1 + (int)rnd(20);
        for (int i = 0; i < ncmd; i++) random_cmd(&wire, &want);
        buf_put(&want, "M0", 2);
        size_t cuts[64], n = rnd(64);
        for (size_t i = 0; i < n; i++) cuts[i] = rnd((uint32_t)wire.len + 1);
        for (size_t i = 1; i < n; i++) /* insertion sort */
            for (size_t j = i; j > 0 && cuts[j - 1] > cuts[j]; j--) {
                size_t t = cuts[j];
                cuts[j] = cuts[j - 1];
                cuts[j - 1] = t;
            }
        feed_fresh(wire.s, wire.len, cuts, n, &got, true);
        if (!same(&want, &got) && bad++ == 0) show_diff("random pipeline", &want, &got);
        free(wire.s);
        free(want.s);
        free(got.s);
    }
    CHECK(bad == 0);
}

int main(void) {
    test_pipeline_splits();
    test_corpus();
    test_inline_split();
    test_quirks();
    test_limits();
    test_big();
    test_steady_state();
    test_sticky_error();
    test_random();
    return unit_finish("resp_parse");
}
