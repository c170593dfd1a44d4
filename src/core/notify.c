/* core/notify.c -- keyspace notifications: builds the two channel names
 * and hands them to core/pubsub. Off by default: one flag test per event. */
#include "notify.h"

#include <stdio.h>
#include <string.h>

#include "../ds/mem.h"
#include "config.h"
#include "pubsub.h"

unsigned notify_flags_from_text(const char *text) {
    static const char order[] = "g$lshzxetdnKEm";
    unsigned flags = 0;
    for (const char *p = text; *p; p++) {
        const char *at = strchr(order, *p);
        if (*p == 'A') flags |= NOTIFY_ALL;
        else if (at) flags |= 1u << (at - order);
    }
    return flags;
}

/* Publishes on "<prefix>@<db>__:<suffix>" with a stack buffer for the
 * common short names. */
static void publish(const char *prefix, int db_index, const char *suffix, size_t slen,
                    const char *msg, size_t mlen) {
    char head[48], stackbuf[256];
    int hlen = snprintf(head, sizeof(head), "%s@%d__:", prefix, db_index);
    size_t clen = (size_t)hlen + slen;
    char *chan = clen <= sizeof(stackbuf) ? stackbuf : mem_alloc(clen);
    memcpy(chan, head, (size_t)hlen);
    memcpy(chan + hlen, suffix, slen);
    pubsub_publish(chan, clen, msg, mlen);
    if (chan != stackbuf) mem_free(chan);
}

void notify_publish(const char *event, int db_index, const char *key, size_t klen) {
    unsigned flags = cfg.notify_keyspace_events;
    size_t elen = strlen(event);
    if (flags & NOTIFY_KEYSPACE) publish("__keyspace", db_index, key, klen, event, elen);
    if (flags & NOTIFY_KEYEVENT) publish("__keyevent", db_index, event, elen, key, klen);
}
