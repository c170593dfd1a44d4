/* proto/resp_parse.c -- RESP multibulk and inline requests -> argv.
 * State between calls is offsets into the caller's buffer; argv is rebuilt
 * from them if the next call brings the bytes at another address:
 *
 *   buf: *3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nva|      (NEED_MORE)
 *        ^0          ^offs[0]    ^offs[1]   ^pos: bulk_len 5, header read
 *
 * Each line ("*N", "$N", an inline request) is looked for the way Redis
 * does it, with strchr on a NUL-terminated buffer: the first terminator
 * before any NUL byte; a line not found is waited for until more than
 * RESP_INLINE_MAX bytes are buffered from its start. Nothing is allocated
 * per request once the arrays have grown to the biggest command seen. */
#include "resp_parse.h"

#include <limits.h>
#include <string.h>

#include "../ds/mem.h"

/* Above these sizes the arrays and scratch are shrunk (freed) before the
 * next command, so one huge request does not pin its memory forever. */
#define ARGV_KEEP 1024
#define SCRATCH_KEEP (RESP_INLINE_MAX + 1024)
#define ARGV_PREALLOC 1024 /* Redis also preallocates min(N, 1024) */

typedef enum { LINE_OK, LINE_MORE, LINE_TOO_BIG } LineStatus;

void resp_parser_init(RespParser *p) {
    memset(p, 0, sizeof(*p));
    p->max_bulk = 512LL * 1024 * 1024;
    p->max_multibulk = INT_MAX;
    p->max_bulk_noauth = RESP_NOAUTH_MAX_BULK;
    p->authenticated = false;
    p->want = -1;
    p->bulk_len = -1;
    p->scan_line = SIZE_MAX;
}

void resp_parser_free(RespParser *p) {
    mem_free(p->argv);
    mem_free(p->argl);
    mem_free(p->offs);
    mem_free(p->scratch);
    p->argv = NULL;
    p->argl = NULL;
    p->offs = NULL;
    p->scratch = NULL;
    p->cap = 0;
    p->scratch_cap = 0;
    p->argc = 0;
}

/* Resizes argv, argl and offs to n entries (n >= argc). */
static void set_cap(RespParser *p, int n) {
    p->argv = mem_realloc(p->argv, (size_t)n * sizeof(*p->argv));
    p->argl = mem_realloc(p->argl, (size_t)n * sizeof(*p->argl));
    p->offs = mem_realloc(p->offs, (size_t)n * sizeof(*p->offs));
    p->cap = n;
}

/* Makes room for one more argument: doubles the arrays. */
static void grow(RespParser *p) {
    ASSERT(p->cap < INT_MAX);
    int64_t n = p->cap ? (int64_t)p->cap * 2 : 8;
    set_cap(p, n > INT_MAX ? INT_MAX : (int)n);
}

/* Parses an integer as Redis's string2ll: no '+', no spaces, no leading
 * zeros, no "-0", at most 20 characters, must fit in int64. */
static bool parse_ll(const char *s, size_t n, int64_t *out) {
    if (n == 0 || n > 20) return false;
    if (n == 1 && s[0] == '0') {
        *out = 0;
        return true;
    }
    bool neg = s[0] == '-';
    size_t i = neg;
    if (i == n || s[i] < '1' || s[i] > '9') return false;
    uint64_t v = 0;
    for (; i < n; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';
        if (d > 9 || v > (UINT64_MAX - d) / 10) return false;
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

/* Finds the line that starts at `start`: *eol is the offset of its first
 * `term` byte, which must be followed by `extra` more bytes (the '\n' after
 * a '\r', not checked, as in Redis). Remembers how far it looked so that a
 * line arriving byte by byte is scanned once. A NUL before the terminator
 * hides it for good, as it does from Redis's strchr. */
static LineStatus find_line(RespParser *p, const char *buf, size_t len, size_t start,
                            char term, size_t extra, size_t *eol) {
    if (p->scan_line != start) { /* a new line: forget the old one */
        p->scan_line = start;
        p->scan = start;
        p->line_blocked = false;
    }
    if (!p->line_blocked && p->scan < len) {
        size_t from = p->scan;
        const char *t = memchr(buf + from, term, len - from);
        size_t end = t ? (size_t)(t - buf) : len;
        if (UNLIKELY(memchr(buf + from, '\0', end - from) != NULL)) {
            p->line_blocked = true;
        } else if (t) {
            p->scan = end;
            if (end + extra < len) {
                *eol = end;
                return LINE_OK;
            }
            return LINE_MORE; /* Redis found the line: no size limit */
        }
        p->scan = len;
    }
    return len - start > RESP_INLINE_MAX ? LINE_TOO_BIG : LINE_MORE;
}

/* Reads a count line "<lead>N\r?" at start: *ok says whether N parsed
 * (into *val), *next is the offset after the line. The usual line (1 to 18
 * digits, no sign, complete) is read in one pass; anything else goes
 * through find_line() and parse_ll(), which decide as Redis does. */
static inline __attribute__((always_inline)) LineStatus
count_line(RespParser *p, const char *buf, size_t len, size_t start, char lead, int64_t *val,
           bool *ok, size_t *next) {
    size_t i = start + 1, eol;
    if (LIKELY(i < len && buf[start] == lead)) {
        unsigned d = (unsigned)(unsigned char)buf[i] - '0';
        if (LIKELY(d - 1 < 9)) { /* 1..9: no leading zero */
            uint64_t v = d;
            size_t stop = len - i > 18 ? i + 18 : len; /* 18 digits cannot overflow */
            while (++i < stop && (d = (unsigned)(unsigned char)buf[i] - '0') < 10) v = v * 10 + d;
            if (LIKELY(i + 1 < len && buf[i] == '\r')) {
                *val = (int64_t)v;
                *ok = true;
                *next = i + 2;
                return LINE_OK;
            }
        } else if (d == 0 && i + 2 < len && buf[i + 1] == '\r') {
            *val = 0;
            *ok = true;
            *next = i + 3;
            return LINE_OK;
        }
    }
    LineStatus s = find_line(p, buf, len, start, '\r', 1, &eol);
    if (s != LINE_OK) return s;
    *ok = parse_ll(buf + start + 1, eol - start - 1, val);
    *next = eol + 2;
    return LINE_OK;
}

static RespStatus need_more(RespParser *p, const char *buf, size_t len) {
    p->seen = len;
    p->base = buf;
    return RESP_NEED_MORE;
}

static void reset_idle(RespParser *p) {
    p->want = -1;
    p->bulk_len = -1;
    p->pos = 0;
    p->seen = 0;
    p->scan_line = SIZE_MAX;
}

static RespStatus fail(RespParser *p, const char *msg) {
    p->error = msg;
    p->failed = true;
    p->argc = 0;
    p->consumed = 0;
    return RESP_PROTO_ERROR;
}

/* "expected '$', got 'X'": Redis turns \r and \n into spaces in errors. */
static RespStatus fail_expected(RespParser *p, char got) {
    static const char head[] = "Protocol error: expected '$', got '";
    _Static_assert(sizeof(head) + 2 <= sizeof(((RespParser *)0)->errbuf), "errbuf");
    memcpy(p->errbuf, head, sizeof(head) - 1);
    char *e = p->errbuf + sizeof(head) - 1;
    *e++ = (got == '\r' || got == '\n') ? ' ' : got;
    *e++ = '\'';
    *e = '\0';
    return fail(p, p->errbuf);
}

/* Reads "*N\r\n". RESP_DONE: either want is set (go on with the args) or
 * want is still -1 and an empty command (N <= 0) is finished. */
static RespStatus multibulk_header(RespParser *p, const char *buf, size_t len) {
    int64_t n = 0;
    bool ok = false;
    size_t next = 0;
    LineStatus s = count_line(p, buf, len, 0, '*', &n, &ok, &next);
    if (s == LINE_MORE) return need_more(p, buf, len);
    if (s == LINE_TOO_BIG) return fail(p, "Protocol error: too big mbulk count string");
    int64_t max = p->max_multibulk < INT_MAX ? p->max_multibulk : INT_MAX;
    if (!ok || n > max) return fail(p, "Protocol error: invalid multibulk length");
    if (!p->authenticated && n > RESP_NOAUTH_MAX_MULTIBULK)
        return fail(p, "Protocol error: unauthenticated multibulk length");
    p->argc = 0;
    if (n <= 0) { /* "*0", "*-1": nothing to run, Redis skips it */
        p->consumed = next;
        reset_idle(p);
        return RESP_DONE;
    }
    p->want = n;
    p->pos = next;
    int pre = n < ARGV_PREALLOC ? (int)n : ARGV_PREALLOC;
    if (p->cap < pre) set_cap(p, pre);
    return RESP_DONE;
}

/* Reads "$L\r\n" at start: RESP_DONE with *bulk_len and *next set. */
static inline RespStatus bulk_header(RespParser *p, const char *buf, size_t len, size_t start,
                                     int64_t *bulk_len, size_t *next) {
    int64_t l = 0;
    bool ok = false;
    LineStatus s = count_line(p, buf, len, start, '$', &l, &ok, next);
    if (s == LINE_MORE) return need_more(p, buf, len);
    if (s == LINE_TOO_BIG) return fail(p, "Protocol error: too big bulk count string");
    if (buf[start] != '$') return fail_expected(p, buf[start]);
    if (!ok || l < 0 || l > p->max_bulk) return fail(p, "Protocol error: invalid bulk length");
    if (!p->authenticated && l > p->max_bulk_noauth)
        return fail(p, "Protocol error: unauthenticated bulk length");
    *bulk_len = l;
    return RESP_DONE;
}

static RespStatus parse_multibulk(RespParser *p, const char *buf, size_t len) {
    RespStatus st = RESP_DONE;
    if (p->want < 0) {
        st = multibulk_header(p, buf, len);
        if (st != RESP_DONE || p->want < 0) return st;
    } else if (UNLIKELY(buf != p->base)) { /* the caller moved the bytes */
        for (int i = 0; i < p->argc; i++) p->argv[i] = buf + p->offs[i];
    }
    /* the hot loop works on locals, written back once */
    int argc = p->argc;
    size_t pos = p->pos;
    int64_t bulk_len = p->bulk_len;
    while (argc < p->want) {
        if (bulk_len < 0 && (st = bulk_header(p, buf, len, pos, &bulk_len, &pos)) != RESP_DONE)
            break;
        /* the payload is never looked at: no check of its "\r\n" either */
        if ((uint64_t)(len - pos) < (uint64_t)bulk_len + 2) {
            st = need_more(p, buf, len);
            break;
        }
        if (UNLIKELY(argc == p->cap)) grow(p);
        p->argv[argc] = buf + pos;
        p->offs[argc] = pos;
        p->argl[argc] = (size_t)bulk_len;
        argc++;
        pos += (size_t)bulk_len + 2;
        bulk_len = -1;
    }
    if (st == RESP_PROTO_ERROR) return st;
    p->argc = argc;
    p->pos = pos;
    p->bulk_len = bulk_len;
    if (st == RESP_NEED_MORE) return st;
    p->consumed = pos;
    reset_idle(p);
    return RESP_DONE;
}

static inline bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static inline int hex_val(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Reads one word of an inline line starting at s[*i] (not a space) into
 * out, as Redis's sdssplitargs: "..." with \n \r \t \b \a \xHH and \<any>
 * escapes, '...' with \' only, quotes may start mid-word but a closing
 * quote must be followed by a space or the end. Returns the word's length,
 * or -1 on unbalanced quotes. */
static int64_t split_word(const char *s, size_t n, size_t *i, char *out) {
    size_t k = *i, o = 0;
    char quote = 0;
    for (;;) {
        if (quote == 0) {
            if (k == n || s[k] == ' ' || s[k] == '\t' || s[k] == '\n' || s[k] == '\r') break;
            if (s[k] == '"' || s[k] == '\'') quote = s[k];
            else out[o++] = s[k];
            k++;
            continue;
        }
        if (k == n) return -1; /* unterminated quotes */
        char c = s[k];
        if (c == quote) {
            if (k + 1 < n && !is_space(s[k + 1])) return -1;
            k++;
            break;
        }
        if (c == '\\' && quote == '"' && k + 3 < n && s[k + 1] == 'x' &&
            hex_val(s[k + 2]) >= 0 && hex_val(s[k + 3]) >= 0) {
            out[o++] = (char)(hex_val(s[k + 2]) * 16 + hex_val(s[k + 3]));
            k += 4;
        } else if (c == '\\' && quote == '"' && k + 1 < n) {
            switch (s[k + 1]) {
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            case 'b': c = '\b'; break;
            case 'a': c = '\a'; break;
            default: c = s[k + 1]; break;
            }
            out[o++] = c;
            k += 2;
        } else if (c == '\\' && quote == '\'' && k + 1 < n && s[k + 1] == '\'') {
            out[o++] = '\'';
            k += 2;
        } else {
            out[o++] = c;
            k++;
        }
    }
    *i = k;
    return (int64_t)o;
}

/* Splits line s[0..n) (no NUL, no '\n') into argv/argl, words unescaped
 * into scratch, which is never longer than the line. */
static bool split_line(RespParser *p, const char *s, size_t n) {
    if (p->scratch_cap < n || !p->scratch) {
        mem_free(p->scratch);
        p->scratch_cap = n > 64 ? n : 64;
        p->scratch = mem_alloc(p->scratch_cap);
    }
    size_t i = 0, o = 0;
    p->argc = 0;
    for (;;) {
        while (i < n && is_space(s[i])) i++;
        if (i == n) return true;
        int64_t w = split_word(s, n, &i, p->scratch + o);
        if (w < 0) return false;
        if (UNLIKELY(p->argc == p->cap)) grow(p);
        p->argv[p->argc] = p->scratch + o;
        p->argl[p->argc] = (size_t)w;
        p->argc++;
        o += (size_t)w;
    }
}

static RespStatus parse_inline(RespParser *p, const char *buf, size_t len) {
    size_t nl = 0;
    LineStatus s = find_line(p, buf, len, 0, '\n', 0, &nl);
    if (s == LINE_MORE) return need_more(p, buf, len);
    if (s == LINE_TOO_BIG) return fail(p, "Protocol error: too big inline request");
    size_t n = nl > 0 && buf[nl - 1] == '\r' ? nl - 1 : nl;
    if (!split_line(p, buf, n)) return fail(p, "Protocol error: unbalanced quotes in request");
    p->consumed = nl + 1;
    reset_idle(p);
    return RESP_DONE;
}

/* Before a new command: give back what one huge request made us hold. */
static void trim(RespParser *p) {
    if (UNLIKELY(p->cap > ARGV_KEEP)) set_cap(p, ARGV_KEEP);
    if (UNLIKELY(p->scratch_cap > SCRATCH_KEEP)) {
        mem_free(p->scratch);
        p->scratch = NULL;
        p->scratch_cap = 0;
    }
}

RespStatus resp_parse(RespParser *p, const char *buf, size_t len) {
    if (UNLIKELY(p->failed)) return RESP_PROTO_ERROR;
    ASSERT(len >= p->seen);
    p->consumed = 0;
    if (p->want >= 0) return parse_multibulk(p, buf, len);
    if (p->seen == 0) trim(p);
    p->argc = 0;
    if (len == 0) return RESP_NEED_MORE;
    if (buf[0] == '*') return parse_multibulk(p, buf, len);
    return parse_inline(p, buf, len);
}

size_t resp_bytes_wanted(const RespParser *p) {
    if (p->failed || p->want < 0 || p->bulk_len < 0) return 0;
    uint64_t need = (uint64_t)p->bulk_len + 2, have = p->seen - p->pos;
    return need > have ? (size_t)(need - have) : 0;
}

size_t resp_pending_parsed(const RespParser *p, size_t *args_len) {
    *args_len = 0;
    if (p->failed || p->want < 0) return 0;
    for (int i = 0; i < p->argc; i++) *args_len += p->argl[i];
    return p->pos;
}
