/* core/args.c -- argument parsing with Redis's error replies. */
#include "args.h"

#include <string.h>

#include "../ds/num.h"
#include "db.h"
#include "reply.h"

bool arg_int64(const Client *c, int i, int64_t *out) {
    return num_parse_int64(c->argv[i], c->argl[i], out);
}

bool arg_int64_or_reply(Client *c, int i, int64_t *out) {
    if (num_parse_int64(c->argv[i], c->argl[i], out)) return true;
    reply_not_int(c);
    return false;
}

bool arg_int64_msg_or_reply(Client *c, int i, int64_t *out, const char *msg) {
    if (num_parse_int64(c->argv[i], c->argl[i], out)) return true;
    reply_error(c, msg);
    return false;
}

bool arg_double_or_reply(Client *c, int i, double *out) {
    if (num_parse_double(c->argv[i], c->argl[i], out)) return true;
    reply_error(c, "ERR value is not a valid float");
    return false;
}

bool arg_long_double_or_reply(Client *c, int i, long double *out) {
    if (num_parse_long_double(c->argv[i], c->argl[i], out)) return true;
    reply_error(c, "ERR value is not a valid float");
    return false;
}

Db *arg_db_or_reply(Client *c, int i, int *index) {
    int64_t n;
    if (!num_parse_int64(c->argv[i], c->argl[i], &n)) {
        reply_not_int(c);
        return NULL;
    }
    if (n < INT32_MIN || n > INT32_MAX) {
        reply_error(c, "ERR value is out of range, value must between -2147483648 and 2147483647");
        return NULL;
    }
    if (n < 0 || n >= db_count_dbs()) {
        reply_error(c, "ERR DB index is out of range");
        return NULL;
    }
    *index = (int)n;
    return db_get((int)n);
}

bool arg_opt_is(const Client *c, int i, const char *word) {
    const char *s = c->argv[i];
    size_t n = strlen(word);
    if (c->argl[i] < n || (c->argl[i] > n && s[n] != '\0')) return false;
    for (size_t j = 0; j < n; j++) {
        char ch = s[j];
        if (ch >= 'A' && ch <= 'Z') ch = (char)(ch + 32);
        if (ch != word[j]) return false;
    }
    return true;
}

static bool parse_cursor(const char *s, size_t len, uint64_t *out) {
    const char *nul = memchr(s, '\0', len);
    if (nul) len = (size_t)(nul - s);
    if (len == 0) {
        *out = 0;
        return true;
    }
    size_t i = 0;
    bool neg = false;
    if (s[0] == '+' || s[0] == '-') {
        neg = s[0] == '-';
        i = 1;
    }
    if (i == len) return false;
    uint64_t v = 0;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        uint64_t d = (uint64_t)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10) return false;
        v = v * 10 + d;
    }
    *out = neg ? (uint64_t)0 - v : v;
    return true;
}

bool arg_cursor_or_reply(Client *c, int i, uint64_t *out) {
    if (parse_cursor(c->argv[i], c->argl[i], out)) return true;
    reply_error(c, "ERR invalid cursor");
    return false;
}

bool arg_scan_opts_or_reply(Client *c, int first, int64_t *count, const char **pat, size_t *plen) {
    *count = 10;
    *pat = NULL;
    *plen = 0;
    for (int i = first; i < c->argc; i += 2) {
        bool has_value = i + 1 < c->argc;
        if (arg_opt_is(c, i, "count") && has_value) {
            if (!arg_int64_or_reply(c, i + 1, count)) return false;
            if (*count < 1) {
                reply_syntax_error(c);
                return false;
            }
        } else if (arg_opt_is(c, i, "match") && has_value) {
            bool all = c->argl[i + 1] == 1 && c->argv[i + 1][0] == '*';
            *pat = all ? NULL : c->argv[i + 1];
            *plen = c->argl[i + 1];
        } else {
            reply_syntax_error(c);
            return false;
        }
    }
    return true;
}
