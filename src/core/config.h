/* core/config.h -- server configuration: redis.conf syntax from a file and
 * `--directive value` arguments, CONFIG GET/SET/RESETSTAT's backing store.
 * `cfg` holds the live values; only config.c writes it. Directives of later
 * capabilities (save, appendonly, maxmemory, ...) are accepted and kept as
 * text so CONFIG GET answers, with a log line saying they are not active. */
#ifndef KILAT_CONFIG_H
#define KILAT_CONFIG_H

#include "../base.h"

enum { LOG_DEBUG = 0, LOG_VERBOSE = 1, LOG_NOTICE = 2, LOG_WARNING = 3 };

/* client-output-buffer-limit classes, in Redis's order. */
enum { OBUF_NORMAL = 0, OBUF_REPLICA = 1, OBUF_PUBSUB = 2, OBUF_CLASSES = 3 };
typedef struct {
    uint64_t hard, soft;   /* bytes of unsent output */
    int64_t soft_seconds;  /* how long over `soft` before closing */
} ObufLimit;

typedef struct {
    int port;
    char *bind;                 /* space-separated addresses */
    char *unixsocket;           /* NULL: none */
    unsigned unixsocketperm;
    int databases;
    char *requirepass;          /* NULL or "": no password */
    size_t requirepass_len;     /* its bytes (it may hold NULs) */
    int timeout;                /* idle seconds before closing, 0 = never */
    int tcp_keepalive;
    int tcp_backlog;
    int maxclients;
    int loglevel;
    char *logfile;              /* "" = stdout */
    bool daemonize;
    char *pidfile;              /* NULL: none */
    char *dir;
    bool protected_mode;
    int64_t proto_max_bulk_len;
    int64_t client_query_buffer_limit;
    int hz;
    char *config_file;          /* absolute path or NULL */
    /* compact encodings of the collection types (Redis's names) */
    int list_max_listpack_size;         /* >0 entries, <0 -1..-5 = 4kb..64kb */
    int64_t hash_max_listpack_entries;
    int64_t hash_max_listpack_value;
    int64_t set_max_intset_entries;
    int64_t zset_max_listpack_entries;
    int64_t zset_max_listpack_value;
    int64_t busy_reply_threshold;       /* ms a script runs before -BUSY */
    /* notify-keyspace-events as NOTIFY_* bits (core/notify.h) */
    unsigned notify_keyspace_events;
    /* client-output-buffer-limit per class; 0 = no limit */
    ObufLimit obuf_limits[OBUF_CLASSES];
} Config;

extern Config cfg;

/* Sets the defaults, then applies the config file (argv[1] if it does not
 * start with "--") and the `--name value...` arguments in order. On an
 * error prints Redis's FATAL CONFIG FILE ERROR text to stderr and returns
 * false. "-" as the file reads stdin. */
bool config_load(int argc, char **argv);
/* CONFIG SET of one directive. On error returns false with a message for
 * "ERR CONFIG SET failed (possibly related to argument '<name>') - <msg>". */
bool config_set(const char *name, const char *value, const char **err);
/* CONFIG SET with a value that may hold NUL bytes: requirepass keeps them
 * all (a binary password, as Redis's sds configs do; CONFIG GET shows the
 * text up to the first NUL); other directives see the text before it. */
bool config_set_bytes(const char *name, const char *value, size_t len, const char **err);
/* Calls fn(name, value) for each directive whose name matches the glob
 * (CONFIG GET), in table order, each directive once. */
void config_get(const char *pattern, size_t plen,
                void (*fn)(void *ctx, const char *name, const char *value), void *ctx);
/* True when `name` names a directive (any case, aliases included). */
bool config_exists(const char *name);
/* The canonical text of a directive (any case, aliases included), as
 * CONFIG GET shows it; NULL if there is no such directive. Owned by the
 * config: valid until that directive is next set. */
const char *config_value(const char *name);
/* Frees the strings held by cfg (at exit, for leak checks). */
void config_free(void);

#endif
