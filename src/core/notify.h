/* core/notify.h -- keyspace notifications (notify-keyspace-events).
 * A write command calls notify_key once per event it causes, after the
 * change; when the event's class is enabled it is published on
 * __keyspace@<db>__:<key> (message: the event) and/or
 * __keyevent@<db>__:<event> (message: the key), as Redis does. */
#ifndef KILAT_NOTIFY_H
#define KILAT_NOTIFY_H

#include "../base.h"
#include "config.h"
#include "watch.h"

/* Bits in the order of the config letters "g$lshzxetdnKEm". */
enum {
    NOTIFY_GENERIC = 1u << 0,  /* g: DEL, EXPIRE, RENAME, ... */
    NOTIFY_STRING = 1u << 1,   /* $ */
    NOTIFY_LIST = 1u << 2,     /* l */
    NOTIFY_SET = 1u << 3,      /* s */
    NOTIFY_HASH = 1u << 4,     /* h */
    NOTIFY_ZSET = 1u << 5,     /* z */
    NOTIFY_EXPIRED = 1u << 6,  /* x */
    NOTIFY_EVICTED = 1u << 7,  /* e */
    NOTIFY_STREAM = 1u << 8,   /* t */
    NOTIFY_MODULE = 1u << 9,   /* d */
    NOTIFY_NEW = 1u << 10,     /* n: a key was created */
    NOTIFY_KEYSPACE = 1u << 11,/* K */
    NOTIFY_KEYEVENT = 1u << 12,/* E */
    NOTIFY_KEY_MISS = 1u << 13,/* m */
    NOTIFY_ALL = 0x3ffu,       /* A: g$lshzxetd */
};

/* The flags of a canonical notify-keyspace-events text (config.c). */
unsigned notify_flags_from_text(const char *text);
/* Publishes an event whose class is enabled (notify_key's slow path). */
void notify_publish(const char *event, int db_index, const char *key, size_t klen);
/* Publishes `event` for key in database db_index if `type` is enabled:
 * one flag test, inline, when notifications are off (the default). */
static inline void notify_key(unsigned type, const char *event, int db_index, const char *key,
                              size_t klen) {
    if (UNLIKELY(cfg.notify_keyspace_events & type)) notify_publish(event, db_index, key, klen);
}
/* What most write commands call once per key they changed: WATCH sees the
 * change (watch_touch_key, Redis's signalModifiedKey), then the event is
 * published as by notify_key. */
static inline void notify_write(unsigned type, const char *event, int db_index, const char *key,
                                size_t klen) {
    watch_touch_key(db_index, key, klen);
    notify_key(type, event, db_index, key, klen);
}

#endif
