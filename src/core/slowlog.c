/* core/slowlog.c -- the slow log: a ring of entries, oldest at `head`.
 * Each entry is one allocation: the header, the argument table, then the
 * argument bytes, already trimmed and redacted. */
#include "slowlog.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../ds/mem.h"
#include "command.h"
#include "config.h"
#include "db.h"
#include "reply.h"

#define MAX_ARGC 32
#define MAX_ARG_BYTES 128

typedef struct {
    const char *p;
    size_t len;
} Arg;

typedef struct {
    int64_t id, time, us;
    int argc;
    Arg *argv;
    char *addr, *name; /* inside the allocation */
} SlowEntry;

static SlowEntry **ring;
static size_t head, count, cap;
static int64_t next_id;

static const char redacted_text[] = "(redacted)";

/* red[i] = argument i is a secret. As Redis 7.0: every argument of AUTH,
 * every one past the user name's position of ACL SETUSER, the two after
 * HELLO's AUTH, MIGRATE's AUTH password and AUTH2 user and password, and
 * the value of CONFIG SET's requirepass, masterauth and masteruser. */
static void find_secrets(const Client *c, const Command *cmd, bool *red) {
    const char *name = cmd->fullname;
    int argc = c->argc < MAX_ARGC ? c->argc : MAX_ARGC; /* the rest is not logged */
    if (strcmp(name, "auth") == 0) {
        for (int i = 1; i < argc; i++) red[i] = true;
    } else if (strcmp(name, "acl|setuser") == 0) {
        for (int i = 2; i < argc; i++) red[i] = true;
    } else if (strcmp(name, "hello") == 0) {
        for (int i = 2; i < argc; i++) {
            if (arg_is(c, i, "auth") && i + 2 < argc) {
                red[i + 1] = red[i + 2] = true;
                i += 2;
            } else if (arg_is(c, i, "setname")) {
                i++;
            }
        }
    } else if (strcmp(name, "migrate") == 0) {
        for (int i = 6; i < argc; i++) {
            if (arg_is(c, i, "auth") && i + 1 < argc) {
                red[++i] = true;
            } else if (arg_is(c, i, "auth2") && i + 2 < argc) {
                red[i + 1] = red[i + 2] = true;
                i += 2;
            } else if (arg_is(c, i, "keys")) {
                break;
            }
        }
    } else if (strcmp(name, "config|set") == 0) {
        for (int i = 2; i + 1 < argc; i += 2)
            if (arg_is(c, i, "requirepass") || arg_is(c, i, "masterauth") || arg_is(c, i, "masteruser"))
                red[i + 1] = true;
    }
}

/* The text logged for argument i: the redaction, the first 128 bytes and
 * "... (N more bytes)", or the argument itself. */
static size_t arg_text(const Client *c, int i, bool red, char *tail, size_t *keep) {
    if (red) {
        *keep = 0;
        return (size_t)snprintf(tail, 64, "%s", redacted_text);
    }
    if (c->argl[i] > MAX_ARG_BYTES) {
        *keep = MAX_ARG_BYTES;
        return MAX_ARG_BYTES + (size_t)snprintf(tail, 64, "... (%zu more bytes)", c->argl[i] - MAX_ARG_BYTES);
    }
    *keep = c->argl[i];
    tail[0] = '\0';
    return c->argl[i];
}

static SlowEntry *entry_make(const Client *c, const Command *cmd, int64_t us) {
    bool red[MAX_ARGC] = {false};
    int argc = c->argc > MAX_ARGC ? MAX_ARGC : c->argc;
    int copied = c->argc > MAX_ARGC ? MAX_ARGC - 1 : c->argc; /* the last: "... (N more arguments)" */
    find_secrets(c, cmd, red);
    char tails[MAX_ARGC][64];
    size_t keep[MAX_ARGC], bytes = 0;
    for (int i = 0; i < copied; i++) bytes += arg_text(c, i, red[i], tails[i], &keep[i]);
    if (copied < argc) {
        keep[copied] = 0;
        bytes += (size_t)snprintf(tails[copied], 64, "... (%d more arguments)", c->argc - copied);
    }
    /* fake clients (scripts) show as "?:0" with no name, as in Redis */
    const char *addr = (c->flags & CLIENT_FAKE) ? "?:0" : c->addr;
    const char *name = (c->flags & CLIENT_FAKE) || !c->name ? "" : c->name;
    size_t alen = strlen(addr), nlen = strlen(name);
    SlowEntry *e = mem_alloc(sizeof(SlowEntry) + sizeof(Arg) * (size_t)argc + bytes + alen + nlen + 2);
    e->argv = (Arg *)(e + 1);
    char *p = (char *)(e->argv + argc);
    for (int i = 0; i < argc; i++) {
        size_t tl = strlen(tails[i]);
        e->argv[i].p = p;
        if (keep[i]) memcpy(p, c->argv[i], keep[i]);
        memcpy(p + keep[i], tails[i], tl);
        e->argv[i].len = keep[i] + tl;
        p += e->argv[i].len;
    }
    e->addr = p;
    memcpy(p, addr, alen + 1);
    e->name = p + alen + 1;
    memcpy(e->name, name, nlen + 1);
    e->argc = argc;
    e->id = next_id++;
    e->time = db_now() / 1000;
    e->us = us;
    return e;
}

static void drop_oldest(void) {
    mem_free(ring[head]);
    head = (head + 1) % cap;
    count--;
}

void slowlog_push(const Client *c, const Command *cmd, int64_t us) {
    if (cmd->flags & CMD_SKIP_SLOWLOG) return;
    if (count == cap) { /* grow, oldest first again */
        size_t ncap = cap ? cap * 2 : 16;
        SlowEntry **n = mem_alloc(ncap * sizeof(SlowEntry *));
        for (size_t i = 0; i < count; i++) n[i] = ring[(head + i) % cap];
        mem_free(ring);
        ring = n;
        cap = ncap;
        head = 0;
    }
    ring[(head + count) % cap] = entry_make(c, cmd, us);
    count++;
    while (count > (size_t)cfg.slowlog_max_len) drop_oldest();
}

size_t slowlog_len(void) { return count; }

void slowlog_reset(void) {
    while (count) drop_oldest();
}

void slowlog_reply(Client *c, int64_t n) {
    size_t want = n < 0 || (uint64_t)n > count ? count : (size_t)n;
    reply_array(c, (int64_t)want);
    for (size_t i = 0; i < want; i++) {
        const SlowEntry *e = ring[(head + count - 1 - i) % cap];
        reply_array(c, 6);
        reply_int(c, e->id);
        reply_int(c, e->time);
        reply_int(c, e->us);
        reply_array(c, e->argc);
        for (int j = 0; j < e->argc; j++) reply_bulk(c, e->argv[j].p, e->argv[j].len);
        reply_cstr(c, e->addr);
        reply_cstr(c, e->name);
    }
}

void slowlog_free(void) {
    slowlog_reset();
    mem_free(ring);
    ring = NULL;
    cap = head = 0;
}
