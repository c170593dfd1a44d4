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
    int tls_port;               /* 0: no TLS listener (tls/ serves it) */
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
    int64_t stream_node_max_bytes;      /* a stream node's listpack bytes (0: no limit) */
    int64_t stream_node_max_entries;    /* entries per stream node (0: no limit) */
    int64_t zset_max_listpack_entries;
    int64_t zset_max_listpack_value;
    int64_t hll_sparse_max_bytes;       /* a sparse HLL larger turns dense */
    int64_t busy_reply_threshold;       /* ms a script runs before -BUSY */
    bool lua_enable_deprecated_api;     /* scripts keep getfenv/setfenv/newproxy */
    /* notify-keyspace-events as NOTIFY_* bits (core/notify.h) */
    unsigned notify_keyspace_events;
    /* client-output-buffer-limit per class; 0 = no limit */
    ObufLimit obuf_limits[OBUF_CLASSES];
    /* slow log and latency monitor (core/slowlog, core/latency) */
    int64_t slowlog_log_slower_than;    /* us; -1: off */
    int64_t slowlog_max_len;
    int64_t latency_monitor_threshold;  /* ms; 0: off */
    bool latency_tracking;              /* per-command histograms */
    bool jemalloc_bg_thread;            /* the allocator purges in a thread */
    /* whether a deletion propagates as UNLINK rather than DEL */
    bool lazyfree_lazy_expire;          /* expiry, EXPIRE/GETEX in the past */
    bool lazyfree_lazy_user_del;        /* GETDEL */
    /* derived: a command that took at least this many us goes to the
     * slow log or the latency monitor (INT64_MAX: neither is on) */
    int64_t slow_watch_us;
    bool timing;  /* any of them on: command_call times commands */
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
/* As config_set, for a client: `local` (loopback or unix socket) lets it
 * set protected directives under enable-protected-configs local. */
bool config_set_from(const char *name, const char *value, bool local, const char **err);
/* CONFIG SET with a value that may hold NUL bytes: requirepass keeps them
 * all (a binary password, as Redis's sds configs do; CONFIG GET shows the
 * text up to the first NUL); other directives see the text before it. */
bool config_set_bytes(const char *name, const char *value, size_t len, bool local,
                      const char **err);
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
/* A yes/no directive is "yes" (false for an unknown name). */
bool config_yes(const char *name);
/* Calls fn(from, to, &err) for each rename-command line read, in order
 * (an empty `to` removes the command). When fn returns false, prints the
 * fatal config error with fn's text ("No such command in rename-command")
 * and returns false. */
bool config_foreach_rename(bool (*fn)(const char *from, const char *to, const char **err));
/* CONFIG REWRITE (core/config_rewrite.c): rewrites the file the server
 * was started with, keeping comments, order and lines it does not own;
 * `force_all` writes every directive (DEBUG CONFIG-REWRITE-FORCE-ALL).
 * false with *err set ("The server is running without a config file",
 * or the errno text of a failed write). */
bool config_rewrite(bool force_all, const char **err);
/* Set by acl/: the `user` lines CONFIG REWRITE writes (mem_alloc'ed array
 * of mem_alloc'ed lines, the caller frees them); none with an aclfile.
 * NULL: the file's `user` lines stay as they are. */
extern char **(*config_rewrite_users)(size_t *n);
/* A memory value as the config reads it: digits and an optional unit b,
 * k, kb, m, mb, g, gb (any case; k = 1000, kb = 1024). false if malformed. */
bool config_parse_memory(const char *s, uint64_t *out);
/* Layers above core act on CONFIG SET of their directives (appendonly)
 * through a hook (core/config_hook.c): fn runs once the new value is in
 * place; false (with *err) makes CONFIG SET put the old values back and
 * fail with that text. A directive may have several hooks: they run in
 * registration order, stopping at the first that fails. */
typedef bool (*ConfigApplyFn)(const char **err);
void config_on_set(const char *name, ConfigApplyFn fn);
/* Runs name's hooks (true when none, or all succeeded). */
bool config_run_hook(const char *name, const char **err);

/* The `user` lines read (acl/ applies them): each line's words after
 * "user" in argv[i][0..argc[i]). Returns the count. Valid until the next
 * call or config_free. */
int config_user_lines(char *const **argv[], const int **argc);

/* Frees the strings held by cfg (at exit, for leak checks). */
void config_free(void);

#endif
