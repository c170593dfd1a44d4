/* tests/fuzz/fuzz_resp_parse.c -- libFuzzer target for proto/resp_parse.
 * `make fuzz-resp_parse` builds and runs it from the seeds in
 * tests/fuzz/corpus-resp (make_text_corpora.py). By hand, from the
 * repository root:
 *   clang -std=c11 -D_GNU_SOURCE -Isrc -g -O1 -fsanitize=fuzzer,address,undefined \
 *     tests/fuzz/fuzz_resp_parse.c src/proto/resp_parse.c src/ds/mem.c src/base.c \
 *     -o /tmp/fuzz_resp_parse
 *   /tmp/fuzz_resp_parse -max_total_time=120 -max_len=4096
 * Input: byte 0 = flags (authenticated, small limits), byte 1 = seed of the
 * cut points, the rest is the byte stream a client sends. Checks that:
 * the stream parsed in one piece and cut into pieces (each call on a fresh
 * copy of the unconsumed bytes) gives the same commands and the same end;
 * both agree with a plain reference written from Redis's own algorithm
 * (strchr on a NUL-terminated buffer, string2ll, sdssplitargs); argv stays
 * inside the buffer or the scratch; nothing leaks. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ds/mem.h"
#include "proto/resp_parse.h"

typedef struct {
    char *s;
    size_t len, cap;
} Buf;

static void put(Buf *b, const void *p, size_t n) {
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->s = realloc(b->s, b->cap);
        if (!b->s) abort();
    }
    memcpy(b->s + b->len, p, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void putn(Buf *b, const char *fmt, size_t v) {
    char tmp[32];
    int n = snprintf(tmp, sizeof(tmp), fmt, v);
    put(b, tmp, (size_t)n);
}

typedef struct {
    bool auth;
    int64_t max_bulk, max_multibulk, max_bulk_noauth;
} Limits;

/* ---- the parser under test, fed in pieces --------------------------- */

static void run_parser(const Limits *lim, const char *data, size_t len, const size_t *cuts,
                       size_t ncuts, Buf *o) {
    RespParser p;
    resp_parser_init(&p);
    p.authenticated = lim->auth;
    p.max_bulk = lim->max_bulk;
    p.max_multibulk = lim->max_multibulk;
    p.max_bulk_noauth = lim->max_bulk_noauth;
    size_t off = 0;
    for (size_t ci = 0; ci <= ncuts; ci++) {
        size_t have = ci < ncuts ? cuts[ci] : len;
        if (have < off) continue;
        for (;;) {
            size_t n = have - off;
            char *copy = malloc(n + 1);
            if (!copy) abort();
            memcpy(copy, data + off, n);
            RespStatus st = resp_parse(&p, copy, n);
            if (st == RESP_DONE) {
                if (p.consumed == 0 || p.consumed > n) abort();
                putn(o, "%zu|", (size_t)p.argc);
                for (int i = 0; i < p.argc; i++) {
                    const char *a = p.argv[i];
                    bool in_buf = a >= copy && a + p.argl[i] <= copy + p.consumed;
                    bool in_scratch = p.scratch && a >= p.scratch && a + p.argl[i] <= p.scratch + p.scratch_cap;
                    if (!(copy[0] == '*' ? in_buf : in_scratch)) abort();
                    putn(o, "%zu:", p.argl[i]);
                    put(o, a, p.argl[i]);
                    put(o, "|", 1);
                }
                put(o, "\n", 1);
                off += p.consumed;
                free(copy);
                continue;
            }
            free(copy);
            if (st == RESP_PROTO_ERROR) {
                put(o, "E:", 2);
                put(o, p.error, strlen(p.error));
                if (resp_parse(&p, "PING\r\n", 6) != RESP_PROTO_ERROR) abort();
                resp_parser_free(&p);
                return;
            }
            if (st != RESP_NEED_MORE) abort();
            if (resp_bytes_wanted(&p) > (size_t)p.max_bulk + 2) abort();
            break;
        }
    }
    putn(o, "M%zu", len - off);
    resp_parser_free(&p);
}

/* ---- the reference: Redis's algorithm, written plainly --------------- */

/* string2ll's accepted form, checked another way: strtoll, then the
 * number must print back to exactly the same text. */
static bool ref_ll(const char *s, size_t n, long long *v) {
    char tmp[32], back[32];
    if (n == 0 || n > 20) return false;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    if (tmp[0] != '-' && (tmp[0] < '0' || tmp[0] > '9')) return false;
    errno = 0;
    char *end;
    *v = strtoll(tmp, &end, 10);
    if (errno || *end) return false;
    snprintf(back, sizeof(back), "%lld", *v);
    return strcmp(back, tmp) == 0;
}

static bool ref_space(char c) { return c && strchr(" \t\n\v\f\r", c) != NULL; }

static int ref_hex(char c) {
    const char *h = "0123456789abcdef";
    if (c >= 'A' && c <= 'F') c = (char)(c - 'A' + 'a');
    const char *x = c ? strchr(h, c) : NULL;
    return x ? (int)(x - h) : -1;
}

/* sdssplitargs on a NUL-terminated line; appends "argc|len:arg|..\n". */
static bool ref_split(const char *line, Buf *o) {
    Buf args = {0};
    size_t argc = 0;
    const char *q = line;
    for (;;) {
        while (ref_space(*q)) q++;
        if (!*q) break;
        Buf w = {0};
        put(&w, "", 0);
        int inq = 0, insq = 0, done = 0;
        while (!done) {
            char c = *q;
            if (inq) {
                if (c == '\\' && q[1] == 'x' && ref_hex(q[2]) >= 0 && ref_hex(q[3]) >= 0) {
                    char b = (char)(ref_hex(q[2]) * 16 + ref_hex(q[3]));
                    put(&w, &b, 1);
                    q += 3;
                } else if (c == '\\' && q[1]) {
                    q++;
                    char b = *q == 'n'   ? '\n'
                             : *q == 'r' ? '\r'
                             : *q == 't' ? '\t'
                             : *q == 'b' ? '\b'
                             : *q == 'a' ? '\a'
                                         : *q;
                    put(&w, &b, 1);
                } else if (c == '"') {
                    if (q[1] && !ref_space(q[1])) goto err;
                    done = 1;
                } else if (!c) {
                    goto err;
                } else {
                    put(&w, &c, 1);
                }
            } else if (insq) {
                if (c == '\\' && q[1] == '\'') {
                    q++;
                    put(&w, "'", 1);
                } else if (c == '\'') {
                    if (q[1] && !ref_space(q[1])) goto err;
                    done = 1;
                } else if (!c) {
                    goto err;
                } else {
                    put(&w, &c, 1);
                }
            } else if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || !c) {
                done = 1;
            } else if (c == '"') {
                inq = 1;
            } else if (c == '\'') {
                insq = 1;
            } else {
                put(&w, &c, 1);
            }
            if (*q) q++;
        }
        putn(&args, "%zu:", w.len);
        put(&args, w.s, w.len);
        put(&args, "|", 1);
        argc++;
        free(w.s);
        continue;
    err:
        free(w.s);
        free(args.s);
        return false;
    }
    putn(o, "%zu|", argc);
    if (args.len) put(o, args.s, args.len);
    put(o, "\n", 1);
    free(args.s);
    return true;
}

#define REF_ERR(msg)                                \
    do {                                            \
        put(o, "E:Protocol error: ", 18);           \
        put(o, msg, strlen(msg));                   \
        goto out;                                   \
    } while (0)

static void ref_run(const Limits *lim, const char *data, size_t len, Buf *o) {
    char *q = malloc(len + 1);
    if (!q) abort();
    memcpy(q, data, len);
    q[len] = '\0';
    size_t pos = 0;
    long long mbmax = lim->max_multibulk < INT_MAX ? lim->max_multibulk : INT_MAX;
    while (pos < len) {
        if (q[pos] != '*') {
            char *nl = strchr(q + pos, '\n');
            if (!nl) {
                if (len - pos > RESP_INLINE_MAX) REF_ERR("too big inline request");
                break;
            }
            char *end = nl != q + pos && nl[-1] == '\r' ? nl - 1 : nl;
            char *line = strndup(q + pos, (size_t)(end - (q + pos)));
            bool ok = ref_split(line, o);
            free(line);
            if (!ok) REF_ERR("unbalanced quotes in request");
            pos = (size_t)(nl - q) + 1;
            continue;
        }
        char *nl = strchr(q + pos, '\r');
        if (!nl) {
            if (len - pos > RESP_INLINE_MAX) REF_ERR("too big mbulk count string");
            break;
        }
        if ((size_t)(nl - q) + 1 >= len) break;
        long long n;
        if (!ref_ll(q + pos + 1, (size_t)(nl - (q + pos + 1)), &n) || n > mbmax)
            REF_ERR("invalid multibulk length");
        if (!lim->auth && n > RESP_NOAUTH_MAX_MULTIBULK)
            REF_ERR("unauthenticated multibulk length");
        size_t p2 = (size_t)(nl - q) + 2;
        if (n <= 0) {
            put(o, "0|\n", 3);
            pos = p2;
            continue;
        }
        Buf cmd = {0};
        putn(&cmd, "%zu|", (size_t)n);
        bool complete = true;
        for (long long i = 0; i < n && complete; i++) {
            char *nl2 = strchr(q + p2, '\r');
            if (!nl2) {
                if (len - p2 > RESP_INLINE_MAX) {
                    free(cmd.s);
                    REF_ERR("too big bulk count string");
                }
                complete = false;
                break;
            }
            if ((size_t)(nl2 - q) + 1 >= len) {
                complete = false;
                break;
            }
            if (q[p2] != '$') {
                free(cmd.s);
                char msg[40];
                char got = q[p2] == '\r' || q[p2] == '\n' ? ' ' : q[p2];
                snprintf(msg, sizeof(msg), "expected '$', got '%c'", got);
                REF_ERR(msg);
            }
            long long bl;
            if (!ref_ll(q + p2 + 1, (size_t)(nl2 - (q + p2 + 1)), &bl) || bl < 0 ||
                bl > lim->max_bulk) {
                free(cmd.s);
                REF_ERR("invalid bulk length");
            }
            if (!lim->auth && bl > lim->max_bulk_noauth) {
                free(cmd.s);
                REF_ERR("unauthenticated bulk length");
            }
            p2 = (size_t)(nl2 - q) + 2;
            if (len - p2 < (size_t)bl + 2) {
                complete = false;
                break;
            }
            putn(&cmd, "%zu:", (size_t)bl);
            put(&cmd, q + p2, (size_t)bl);
            put(&cmd, "|", 1);
            p2 += (size_t)bl + 2;
        }
        if (!complete) {
            free(cmd.s);
            break;
        }
        put(o, cmd.s, cmd.len);
        put(o, "\n", 1);
        free(cmd.s);
        pos = p2;
    }
    putn(o, "M%zu", len - pos);
out:
    free(q);
}

/* ---- the target ------------------------------------------------------ */

static uint32_t seed;
static uint32_t rnd(uint32_t n) {
    seed = seed * 1103515245u + 12345u;
    return (seed >> 8) % n;
}

static int cmp_size(const void *a, const void *b) {
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size) {
    if (size < 2) return 0;
    Limits lim = {.auth = !(in[0] & 1),
                  .max_bulk = in[0] & 2 ? 40 : 512LL * 1024 * 1024,
                  .max_multibulk = in[0] & 4 ? 6 : INT_MAX,
                  .max_bulk_noauth = in[0] & 8 ? 3 : RESP_NOAUTH_MAX_BULK};
    const char *data = (const char *)in + 2;
    size_t len = size - 2;

    Buf whole = {0}, cut = {0}, ref = {0};
    run_parser(&lim, data, len, NULL, 0, &whole);

    size_t ncuts = 0, *cuts = malloc((len + 17) * sizeof(*cuts));
    if (!cuts) abort();
    if (in[1] == 0) { /* byte by byte */
        for (size_t i = 0; i < len; i++) cuts[ncuts++] = i;
    } else {
        seed = in[1];
        size_t want = len ? 1 + rnd(16) : 0;
        for (size_t i = 0; i < want; i++) cuts[ncuts++] = rnd((uint32_t)len + 1);
        qsort(cuts, ncuts, sizeof(*cuts), cmp_size);
    }
    run_parser(&lim, data, len, cuts, ncuts, &cut);
    ref_run(&lim, data, len, &ref);

    if (whole.len != cut.len || memcmp(whole.s, cut.s, whole.len) != 0) {
        fprintf(stderr, "one piece and cut differ:\n[%s]\n[%s]\n", whole.s, cut.s);
        abort();
    }
    if (whole.len != ref.len || memcmp(whole.s, ref.s, whole.len) != 0) {
        fprintf(stderr, "parser and reference differ:\n[%s]\n[%s]\n", whole.s, ref.s);
        abort();
    }
    if (mem_used() != 0) abort();
    free(cuts);
    free(whole.s);
    free(cut.s);
    free(ref.s);
    return 0;
}
