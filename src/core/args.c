/* core/args.c -- argument parsing with Redis's error replies. */
#include "args.h"

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
