/* acl/log.c -- ACL LOG entries (log.h). */
#include "log.h"

#include <stdlib.h>
#include <string.h>

#include "../core/args.h"
#include "../core/command.h"
#include "../core/config.h"
#include "../core/reply.h"
#include "../ds/mem.h"
#include "../os/clock.h"

#define GROUP_MS 60000

typedef struct Entry {
    uint64_t count;
    int reason, ctx;
    char *object, *user, *cinfo;
    size_t olen, ulen;
    int64_t ctime;
    struct Entry *next;
} Entry;

static Entry *head; /* newest first */
static size_t nentries;

static void entry_free(Entry *e) {
    mem_free(e->object);
    mem_free(e->user);
    mem_free(e->cinfo);
    mem_free(e);
}

static size_t max_len(void) {
    const char *v = config_value("acllog-max-len");
    return v ? (size_t)strtoull(v, NULL, 10) : 128;
}

void acl_log_add(const Client *ic, int reason, int ctx, const char *object, size_t olen,
                 const char *user, size_t ulen) {
    int64_t now = clock_unix_ms();
    char info[1024];
    size_t ilen = client_info_line(ic, info, sizeof info);
    Entry **pp = &head;
    for (int scanned = 0; *pp && scanned < 10; scanned++, pp = &(*pp)->next) {
        Entry *e = *pp;
        int64_t d = e->ctime - now;
        if (e->reason != reason || e->ctx != ctx || (d < 0 ? -d : d) > GROUP_MS ||
            e->olen != olen || memcmp(e->object, object, olen) || e->ulen != ulen ||
            memcmp(e->user, user, ulen))
            continue;
        *pp = e->next; /* to the front, updated */
        e->next = head;
        head = e;
        e->count++;
        e->ctime = now;
        mem_free(e->cinfo);
        e->cinfo = mem_strndup(info, ilen);
        return;
    }
    Entry *e = mem_calloc(sizeof(*e));
    e->count = 1;
    e->reason = reason;
    e->ctx = ctx;
    e->object = mem_strndup(object, olen);
    e->olen = olen;
    e->user = mem_strndup(user, ulen);
    e->ulen = ulen;
    e->ctime = now;
    e->cinfo = mem_strndup(info, ilen);
    e->next = head;
    head = e;
    nentries++;
    size_t max = max_len();
    if (nentries > max) { /* drop the oldest */
        Entry **q = &head;
        for (size_t i = 0; *q && i < max; i++) q = &(*q)->next;
        while (*q) {
            Entry *x = *q;
            *q = x->next;
            entry_free(x);
            nentries--;
        }
    }
}

static const char *reason_name(int r) {
    switch (r) {
    case ACL_DENIED_CMD: return "command";
    case ACL_DENIED_KEY: return "key";
    case ACL_DENIED_CHANNEL: return "channel";
    case ACL_DENIED_AUTH: return "auth";
    default: return "unknown";
    }
}

static const char *ctx_name(int ctx) {
    switch (ctx) {
    case ACL_CTX_TOPLEVEL: return "toplevel";
    case ACL_CTX_MULTI:
    case ACL_CTX_EXEC: return "multi";
    case ACL_CTX_LUA: return "lua";
    default: return "unknown";
    }
}

void acl_log_command(Client *c) {
    int64_t count = 10;
    if (c->argc == 3) {
        if (arg_is(c, 2, "reset")) {
            while (head) {
                Entry *e = head;
                head = e->next;
                entry_free(e);
            }
            nentries = 0;
            reply_ok(c);
            return;
        }
        if (!arg_int64(c, 2, &count)) {
            reply_not_int(c);
            return;
        }
        if (count < 0) count = 0;
    }
    if ((uint64_t)count > nentries) count = (int64_t)nentries;
    reply_array(c, count);
    int64_t now = clock_unix_ms();
    for (Entry *e = head; e && count-- > 0; e = e->next) {
        reply_map(c, 7);
        reply_cstr(c, "count");
        reply_int(c, (int64_t)e->count);
        reply_cstr(c, "reason");
        reply_cstr(c, reason_name(e->reason));
        reply_cstr(c, "context");
        reply_cstr(c, ctx_name(e->ctx));
        reply_cstr(c, "object");
        reply_bulk(c, e->object, e->olen);
        reply_cstr(c, "username");
        reply_bulk(c, e->user, e->ulen);
        reply_cstr(c, "age-seconds");
        reply_double(c, (double)(now - e->ctime) / 1000);
        reply_cstr(c, "client-info");
        reply_cstr(c, e->cinfo);
    }
}
