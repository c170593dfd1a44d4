/* core/monitor.c -- the MONITOR feed. The monitors are kept in an array
 * (there are few, and removal is rare); each command's line is formatted
 * once into a scratch buffer and appended to every monitor's output as a
 * status reply, in RESP2 and RESP3 alike (Redis 7.0 sends no push). Line:
 * +<sec>.<usec> [<db> <ip:port>|unix:<path>|lua] "arg" ... with arguments
 * quoted as Redis's repr does. */
#include "monitor.h"

#include <stdio.h>
#include <string.h>

#include "../ds/mem.h"
#include "../os/clock.h"
#include "command.h"
#include "config.h"
#include "reply.h"

size_t monitor_count;

static Client **monitors;
static size_t cap;
static uint64_t redacted;   /* bit i: argv[i]; bit 63 also covers i > 63 */
static char *line;          /* scratch, kept between feeds */
static size_t line_cap;

void monitor_add(Client *c) {
    if (c->flags & CLIENT_MONITOR) return;
    if (monitor_count == cap) {
        cap = cap ? cap * 2 : 4;
        monitors = mem_realloc(monitors, sizeof(*monitors) * cap);
    }
    monitors[monitor_count++] = c;
    c->flags |= CLIENT_MONITOR;
}

void monitor_remove(Client *c) {
    if (!(c->flags & CLIENT_MONITOR)) return;
    c->flags &= ~CLIENT_MONITOR;
    for (size_t i = 0; i < monitor_count; i++) {
        if (monitors[i] == c) {
            memmove(&monitors[i], &monitors[i + 1], sizeof(*monitors) * (monitor_count - i - 1));
            monitor_count--;
            break;
        }
    }
    if (monitor_count == 0) { /* nobody watches: give the memory back */
        mem_free(monitors);
        mem_free(line);
        monitors = NULL;
        line = NULL;
        cap = line_cap = 0;
    }
}

void monitor_redact(int i) {
    if (monitor_count) redacted |= (uint64_t)1 << (i < 63 ? i : 63);
}

static void reserve(size_t used, size_t more) {
    if (used + more <= line_cap) return;
    size_t n = line_cap ? line_cap : 256;
    while (n < used + more) n *= 2;
    line = mem_realloc(line, n);
    line_cap = n;
}

/* Appends s quoted as Redis's repr: \" \\ \n \r \t \a \b by name, other
 * bytes outside printable ASCII as \xhh. */
static size_t quote(size_t n, const char *s, size_t len) {
    reserve(n, len * 4 + 3);
    static const char hex[] = "0123456789abcdef";
    line[n++] = '"';
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        char esc = 0;
        switch (ch) {
        case '"': esc = '"'; break;
        case '\\': esc = '\\'; break;
        case '\n': esc = 'n'; break;
        case '\r': esc = 'r'; break;
        case '\t': esc = 't'; break;
        case '\a': esc = 'a'; break;
        case '\b': esc = 'b'; break;
        default: break;
        }
        if (esc) {
            line[n++] = '\\';
            line[n++] = esc;
        } else if (ch >= 0x20 && ch < 0x7f) {
            line[n++] = (char)ch;
        } else {
            line[n++] = '\\';
            line[n++] = 'x';
            line[n++] = hex[ch >> 4];
            line[n++] = hex[ch & 15];
        }
    }
    line[n++] = '"';
    return n;
}

static bool is_redacted(int i) {
    return redacted & ((uint64_t)1 << (i < 63 ? i : 63));
}

void monitor_feed_now(Client *c) {
    int64_t us = clock_unix_us();
    const char *who = c->addr;
    char unix_name[300];
    if (c->flags & CLIENT_FAKE) {
        who = "lua";
    } else if (c->flags & CLIENT_UNIX) {
        snprintf(unix_name, sizeof unix_name, "unix:%s", cfg.unixsocket ? cfg.unixsocket : "");
        who = unix_name;
    }
    reserve(0, 400);
    size_t n = (size_t)snprintf(line, line_cap, "+%lld.%06lld [%d %s]", (long long)(us / 1000000),
                                (long long)(us % 1000000), c->db_index, who);
    for (int i = 0; i < c->argc; i++) {
        reserve(n, 1);
        line[n++] = ' ';
        if (is_redacted(i)) n = quote(n, "(redacted)", 10);
        else n = quote(n, c->argv[i], c->argl[i]);
    }
    reserve(n, 2);
    line[n++] = '\r';
    line[n++] = '\n';
    redacted = 0;
    /* reply_raw may close a monitor over its output-buffer limit: it is
     * only marked CLOSE_ASAP, so the array does not change under us. A
     * monitor that sent QUIT gets nothing after its +OK, as in Redis. */
    for (size_t i = 0; i < monitor_count; i++)
        if (!(monitors[i]->flags & CLIENT_CLOSE_AFTER_REPLY)) reply_raw(monitors[i], line, n);
}

void monitor_feed_after(Client *c, const Command *cmd) {
    if ((cmd->flags & (CMD_ADMIN | CMD_SKIP_MONITOR)) || (c->flags & CLIENT_REEXEC)) {
        redacted = 0;
        return;
    }
    monitor_feed_now(c);
}
