/* script/debug.c -- the DEBUG subcommands that exist for testing scripts:
 * SET-DISABLE-DENY-SCRIPTS lets scripts call `noscript` commands, and
 * PROTOCOL replies with one value of each RESP type, which scripts read
 * through redis.call (Redis's test suite checks the conversions so). */
#include "debug.h"

#include <stdlib.h>
#include <string.h>

#include "../core/command.h"
#include "../core/reply.h"
#include "bridge.h"

static void debug_protocol(Client *c) {
    static const char bignum[] = "1234567999999999999999999999999999999";
    if (arg_is(c, 2, "string")) {
        reply_cstr(c, "Hello World");
    } else if (arg_is(c, 2, "integer")) {
        reply_int(c, 12345);
    } else if (arg_is(c, 2, "double")) {
        reply_double(c, 3.141);
    } else if (arg_is(c, 2, "bignum")) {
        if (c->resp == 3) {
            reply_raw(c, "(", 1);
            reply_raw(c, bignum, sizeof bignum - 1);
            reply_raw(c, "\r\n", 2);
        } else {
            reply_bulk(c, bignum, sizeof bignum - 1);
        }
    } else if (arg_is(c, 2, "null")) {
        reply_null(c);
    } else if (arg_is(c, 2, "array") || arg_is(c, 2, "set")) {
        if (arg_is(c, 2, "set")) reply_set(c, 3);
        else reply_array(c, 3);
        for (int i = 0; i < 3; i++) reply_int(c, i);
    } else if (arg_is(c, 2, "map")) {
        reply_map(c, 3);
        for (int i = 0; i < 3; i++) {
            reply_int(c, i);
            reply_bool(c, i == 1);
        }
    } else if (arg_is(c, 2, "attrib")) {
        if (c->resp == 3) { /* RESP2 clients get no attributes */
            static const char attr[] = "|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n";
            reply_raw(c, attr, sizeof attr - 1);
        }
        reply_cstr(c, "Some real reply following the attribute");
    } else if (arg_is(c, 2, "push")) {
        if (c->resp != 3) {
            reply_error(c, "ERR RESP2 is not supported by this command");
            return;
        }
        reply_push(c, 2);
        reply_cstr(c, "server-cpu-usage");
        reply_int(c, 42);
        reply_cstr(c, "Some real reply following the push reply");
    } else if (arg_is(c, 2, "verbatim")) {
        reply_verbatim(c, "This is a verbatim\nstring", 25);
    } else if (arg_is(c, 2, "true") || arg_is(c, 2, "false")) {
        reply_bool(c, arg_is(c, 2, "true"));
    } else {
        reply_error(c, "ERR Wrong protocol type name. Please use one of the following: "
                       "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false");
    }
}

bool script_debug_command(Client *c) {
    if (c->argc == 3 && arg_is(c, 1, "set-disable-deny-scripts")) {
        char buf[32];
        size_t n = c->argl[2] < sizeof buf - 1 ? c->argl[2] : sizeof buf - 1;
        memcpy(buf, c->argv[2], n);
        buf[n] = '\0';
        bridge_allow_noscript = atoi(buf) != 0; /* atoi, as Redis: "x" is 0 */
        reply_ok(c);
        return true;
    }
    if (c->argc == 3 && arg_is(c, 1, "protocol")) {
        debug_protocol(c);
        return true;
    }
    return false;
}
