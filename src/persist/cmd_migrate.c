/* persist/cmd_migrate.c -- MIGRATE host port key|"" db timeout [COPY]
 * [REPLACE] [AUTH pw] [AUTH2 user pw] [KEYS key...], as Redis 7.0: the
 * command blocks the server while it talks to the target (connect, write
 * and every reply line each wait at most `timeout` ms), sends AUTH and
 * SELECT when needed and one RESTORE per key (pipelined), then deletes the
 * keys the target acknowledged unless COPY, and propagates that as DEL.
 * Connections are cached per "host:port" (at most 64) and closed after
 * 10 s unused; a socket error closes the connection and retries once,
 * unless it was a timeout or a reply had already been read. */
#include "migrate.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../core/monitor.h"
#include "../core/args.h"
#include "../core/command.h"
#include "../core/config.h"
#include "../core/conn.h"
#include "../core/db.h"
#include "../core/notify.h"
#include "../core/propagate.h"
#include "../core/reply.h"
#include "../core/server.h"
#include "../ds/mem.h"
#include "../ds/num.h"
#include "../os/clock.h"
#include "../os/sock.h"
#include "dump.h"
#include "rdb_enc.h"

#define CACHE_ITEMS 64
#define CACHE_TTL_MS 10000
#define CHUNK (64 * 1024)
#define LINE_MAX_BYTES 1024

typedef struct {
    char *name; /* "host:port" as given */
    size_t nlen;
    int fd;
    void *tls;           /* the TLS session (tls-cluster yes), or NULL */
    long long last_dbid; /* -1: send SELECT */
    int64_t last_use_ms;
    char rbuf[4096]; /* bytes read past the last line */
    size_t rpos, rlen;
} MigSock;

static MigSock *cache[CACHE_ITEMS];
static size_t ncache;

size_t migrate_cached_sockets(void) { return ncache; }

static void sock_drop(size_t i) {
    MigSock *ms = cache[i];
    if (ms->tls) conn_tls->link_free(ms->tls);
    sock_close(ms->fd);
    mem_free(ms->name);
    mem_free(ms);
    cache[i] = cache[--ncache];
}

static void cache_cron(int64_t now_ms) {
    for (size_t i = 0; i < ncache;) {
        if (now_ms - cache[i]->last_use_ms > CACHE_TTL_MS) sock_drop(i);
        else i++;
    }
}

void migrate_init(void) { server_add_cron_hook(cache_cron); }

void migrate_close_all(void) {
    while (ncache) sock_drop(0);
}

static MigSock *cache_find(const char *name, size_t nlen, size_t *idx) {
    for (size_t i = 0; i < ncache; i++) {
        if (cache[i]->nlen == nlen && memcmp(cache[i]->name, name, nlen) == 0) {
            if (idx) *idx = i;
            return cache[i];
        }
    }
    return NULL;
}

static void name_of(const Client *c, char *buf, size_t cap, size_t *len) {
    /* host and port are at most a few hundred bytes in practice; cut
     * oversized ones (they only name the cache slot) */
    size_t hl = c->argl[1] < cap / 2 ? c->argl[1] : cap / 2;
    size_t pl = c->argl[2] < cap / 2 - 2 ? c->argl[2] : cap / 2 - 2;
    memcpy(buf, c->argv[1], hl);
    buf[hl] = ':';
    memcpy(buf + hl + 1, c->argv[2], pl);
    *len = hl + 1 + pl;
    buf[*len] = '\0';
}

static void cache_close(const Client *c) {
    char name[1024];
    size_t nlen, i;
    name_of(c, name, sizeof(name), &nlen);
    if (cache_find(name, nlen, &i)) sock_drop(i);
}

/* tls-cluster yes: MIGRATE talks TLS to the target, as Redis does. The
 * handshake blocks like the connect, within timeout ms. */
static bool tls_connect(int fd, int64_t timeout, void **out) {
    void *link = conn_tls->link_new(fd);
    if (!link) return false;
    int64_t start = clock_unix_ms();
    for (;;) {
        bool want_write = false;
        int r = conn_tls->link_handshake(link, &want_write);
        if (r == 1) break;
        int64_t left = timeout - (clock_unix_ms() - start);
        if (r < 0 || left <= 0 || sock_wait(fd, want_write, (int)left) <= 0) {
            conn_tls->link_free(link);
            return false;
        }
    }
    *out = link;
    return true;
}

static inline ssize_t ms_write(MigSock *ms, const void *buf, size_t len) {
    return ms->tls ? conn_tls->link_write(ms->tls, buf, len) : sock_write(ms->fd, buf, len);
}

static inline ssize_t ms_read(MigSock *ms, void *buf, size_t len) {
    return ms->tls ? conn_tls->link_read(ms->tls, buf, len) : sock_read(ms->fd, buf, len);
}

/* The cached connection to argv[1]:argv[2], or a new one. NULL: the
 * IOERR was sent. */
static MigSock *get_socket_or_reply(Client *c, int64_t timeout) {
    char name[1024];
    size_t nlen;
    name_of(c, name, sizeof(name), &nlen);
    MigSock *ms = cache_find(name, nlen, NULL);
    if (ms) {
        ms->last_use_ms = clock_unix_ms();
        return ms;
    }
    if (ncache == CACHE_ITEMS) sock_drop((size_t)rand() % ncache);
    char host[512];
    size_t hl = c->argl[1] < sizeof(host) - 1 ? c->argl[1] : sizeof(host) - 1;
    memcpy(host, c->argv[1], hl);
    host[hl] = '\0';
    int64_t port = 0;
    char pbuf[32];
    size_t pl = c->argl[2] < sizeof(pbuf) - 1 ? c->argl[2] : sizeof(pbuf) - 1;
    memcpy(pbuf, c->argv[2], pl);
    pbuf[pl] = '\0';
    port = atoi(pbuf); /* as Redis: "abc" is port 0, which fails to connect */
    int fd = port > 0 && port < 65536 ? sock_connect_tcp(host, (int)port, (int)timeout) : -EINVAL;
    void *tls = NULL;
    if (fd >= 0 && conn_tls && config_yes("tls-cluster") && !tls_connect(fd, timeout, &tls)) {
        sock_close(fd);
        fd = -EPROTO;
    }
    if (fd < 0) {
        reply_error(c, "IOERR error or timeout connecting to the client");
        return NULL;
    }
    ms = mem_calloc(sizeof(*ms));
    ms->tls = tls;
    ms->name = mem_strndup(name, nlen);
    ms->nlen = nlen;
    ms->fd = fd;
    ms->last_dbid = -1;
    ms->last_use_ms = clock_unix_ms();
    cache[ncache++] = ms;
    return ms;
}

/* Writes all of buf, each 64 KB chunk within timeout ms. 0 or -errno. */
static int write_all(MigSock *ms, const unsigned char *buf, size_t len, int64_t timeout) {
    size_t pos = 0;
    while (pos < len) {
        size_t chunk = len - pos > CHUNK ? CHUNK : len - pos;
        int64_t start = clock_unix_ms();
        while (chunk) {
            ssize_t n = ms_write(ms, buf + pos, chunk);
            if (n > 0) {
                pos += (size_t)n;
                chunk -= (size_t)n;
                continue;
            }
            if (n < 0 && n != -EAGAIN && n != -EINTR) return (int)n;
            int64_t left = timeout - (clock_unix_ms() - start);
            if (left <= 0) return -ETIMEDOUT;
            int w = sock_wait(ms->fd, true, (int)left);
            if (w < 0) return w;
        }
    }
    return 0;
}

/* Reads one line (without \r\n) into out (cut at cap - 1), waiting at most
 * timeout ms. Returns its length (>= 0), or -errno. */
static ssize_t read_line(MigSock *ms, char *out, size_t cap, int64_t timeout) {
    int64_t start = clock_unix_ms();
    size_t n = 0;
    for (;;) {
        while (ms->rpos < ms->rlen) {
            char ch = ms->rbuf[ms->rpos++];
            if (ch == '\n') {
                /* a bare "\n" is no reply; "\r\n" is an empty one */
                if (n == 0) return -EPROTO;
                size_t len = out[n - 1] == '\r' ? n - 1 : n;
                out[len] = '\0';
                return (ssize_t)len;
            }
            if (n < cap - 1) out[n++] = ch;
        }
        ms->rpos = ms->rlen = 0;
        ssize_t r = ms_read(ms, ms->rbuf, sizeof(ms->rbuf));
        if (r > 0) {
            ms->rlen = (size_t)r;
            continue;
        }
        if (r == 0) return -ECONNRESET;
        if (r != -EAGAIN && r != -EINTR) return r;
        int64_t left = timeout - (clock_unix_ms() - start);
        if (left <= 0) return -ETIMEDOUT;
        int w = sock_wait(ms->fd, false, (int)left);
        if (w < 0) return w;
    }
}

static inline int line_err(ssize_t r) { return r < 0 ? (int)r : 0; }

/* ---------- the request ---------- */

static void put_bulk(RdbBuf *b, const char *s, size_t len) {
    char h[32];
    h[0] = '$';
    size_t n = 1 + num_format_int64(h + 1, (int64_t)len);
    h[n++] = '\r';
    h[n++] = '\n';
    rdb_write_raw(b, h, n);
    rdb_write_raw(b, s, len);
    rdb_write_raw(b, "\r\n", 2);
}

static void put_count(RdbBuf *b, int n) {
    char h[32];
    h[0] = '*';
    size_t k = 1 + num_format_int64(h + 1, n);
    h[k++] = '\r';
    h[k++] = '\n';
    rdb_write_raw(b, h, k);
}

static void put_bulk_int(RdbBuf *b, int64_t v) {
    char buf[24];
    size_t n = num_format_int64(buf, v);
    put_bulk(b, buf, n);
}

typedef struct {
    bool copy, replace;
    int user, pass; /* argv indexes, 0: none */
    int first_key, num_keys;
    int64_t timeout, dbid;
} MigrateArgs;

static bool parse_or_reply(Client *c, MigrateArgs *a) {
    memset(a, 0, sizeof(*a));
    a->first_key = 3;
    a->num_keys = 1;
    for (int j = 6; j < c->argc; j++) {
        int more = c->argc - 1 - j;
        if (arg_opt_is(c, j, "copy")) {
            a->copy = true;
        } else if (arg_opt_is(c, j, "replace")) {
            a->replace = true;
        } else if (arg_opt_is(c, j, "auth")) {
            if (!more) {
                reply_syntax_error(c);
                return false;
            }
            a->pass = ++j;
            monitor_redact(j); /* MONITOR shows "(redacted)", as Redis */
        } else if (arg_opt_is(c, j, "auth2")) {
            if (more < 2) {
                reply_syntax_error(c);
                return false;
            }
            a->user = ++j;
            monitor_redact(j);
            a->pass = ++j;
            monitor_redact(j);
        } else if (arg_opt_is(c, j, "keys")) {
            if (c->argl[3] != 0) {
                reply_error(c, "ERR When using MIGRATE KEYS option, the key argument must be set "
                               "to the empty string");
                return false;
            }
            a->first_key = j + 1;
            a->num_keys = c->argc - j - 1;
            break;
        } else {
            reply_syntax_error(c);
            return false;
        }
    }
    if (!arg_int64_or_reply(c, 5, &a->timeout) || !arg_int64_or_reply(c, 4, &a->dbid))
        return false;
    if (a->timeout <= 0) a->timeout = 1000;
    return true;
}

/* Appends AUTH, SELECT and the RESTOREs of the keys kv[0..*n) that still
 * exist and have not expired; *n becomes how many RESTOREs were written
 * (kv is compacted to them). */
static void build_request(Client *c, const MigrateArgs *a, bool select, RdbBuf *cmd, int *kv,
                          int *n) {
    if (a->pass) {
        put_count(cmd, a->user ? 3 : 2);
        put_bulk(cmd, "AUTH", 4);
        if (a->user) put_bulk(cmd, c->argv[a->user], c->argl[a->user]);
        put_bulk(cmd, c->argv[a->pass], c->argl[a->pass]);
    }
    if (select) {
        put_count(cmd, 2);
        put_bulk(cmd, "SELECT", 6);
        put_bulk_int(cmd, a->dbid);
    }
    RdbBuf payload;
    rdbbuf_init(&payload, dump_compress());
    int live = 0;
    for (int j = 0; j < *n; j++) {
        int k = kv[j];
        Entry *e = db_peek(c->db, c->argv[k], c->argl[k]);
        if (!e) continue;
        int64_t ttl = 0, when = entry_expire(e);
        if (when != -1) {
            ttl = when - db_now();
            if (ttl < 0) continue;
            if (ttl < 1) ttl = 1;
        }
        kv[live++] = k;
        put_count(cmd, a->replace ? 5 : 4);
        put_bulk(cmd, "RESTORE", 7);
        put_bulk(cmd, c->argv[k], c->argl[k]);
        put_bulk_int(cmd, ttl);
        rdbbuf_reset(&payload);
        rdb_dump_payload(&payload, e);
        put_bulk(cmd, (const char *)payload.buf, payload.len);
        if (a->replace) put_bulk(cmd, "REPLACE", 7);
    }
    rdbbuf_free(&payload);
    *n = live;
}

/* Propagates the deletions as DEL deleted... (instead of the MIGRATE). */
static void propagate_as_del(Client *c, const int *deleted, int n) {
    const char **argv = mem_alloc(sizeof(*argv) * (size_t)(n + 1));
    size_t *argl = mem_alloc(sizeof(*argl) * (size_t)(n + 1));
    argv[0] = "DEL";
    argl[0] = 3;
    for (int i = 0; i < n; i++) {
        argv[i + 1] = c->argv[deleted[i]];
        argl[i + 1] = c->argl[deleted[i]];
    }
    propagate_as(c, n + 1, argv, argl);
    mem_free(argv);
    mem_free(argl);
}

/* One attempt's replies: AUTH's and SELECT's lines, then one per RESTORE.
 * Keys acknowledged are deleted (unless COPY) and listed in deleted[].
 * Returns 0 or the -errno of the first read that failed; *restored is how
 * many RESTORE replies were read; *target_error says the error reply was
 * sent. */
static int read_replies(Client *c, const MigrateArgs *a, MigSock *ms, bool select, const int *kv,
                        int n, int *deleted, int *ndeleted, int *restored, bool *target_error) {
    char line0[LINE_MAX_BYTES], line1[LINE_MAX_BYTES], line2[LINE_MAX_BYTES];
    int err = 0;
    *restored = 0;
    *target_error = false;
    if (a->pass) err = line_err(read_line(ms, line0, sizeof(line0), a->timeout));
    if (!err && select) err = line_err(read_line(ms, line1, sizeof(line1), a->timeout));
    if (err) return err;
    for (int j = 0; j < n; j++) {
        ssize_t r = read_line(ms, line2, sizeof(line2), a->timeout);
        if (r < 0) return (int)r;
        (*restored)++;
        const char *eb = NULL;
        if (a->pass && line0[0] == '-') eb = line0;
        else if (select && line1[0] == '-') eb = line1;
        else if (line2[0] == '-') eb = line2;
        if (eb) {
            if (!*target_error) {
                ms->last_dbid = -1; /* SELECT again next time */
                *target_error = true;
                reply_errorf(c, "ERR Target instance replied with error: %s", eb + 1);
            }
        } else if (!a->copy) {
            int k = kv[j];
            db_delete(c->db, c->argv[k], c->argl[k]);
            notify_write(NOTIFY_GENERIC, "del", c->db_index, c->argv[k], c->argl[k]);
            deleted[(*ndeleted)++] = k;
        }
    }
    return 0;
}

void cmd_migrate(Client *c);
void cmd_migrate(Client *c) {
    MigrateArgs a;
    if (!parse_or_reply(c, &a)) return;

    /* keys that exist now (lookupKeyRead: hits, misses, lazy expiry) */
    int *kv = mem_alloc(sizeof(int) * (size_t)(a.num_keys ? a.num_keys : 1));
    int nkeys = 0;
    for (int j = 0; j < a.num_keys; j++) {
        int k = a.first_key + j;
        Entry *e = db_lookup(c->db, c->argv[k], c->argl[k], c->flags & CLIENT_NO_TOUCH);
        db_note_read(c->db, c->argv[k], c->argl[k], e != NULL);
        if (e) kv[nkeys++] = k;
    }
    if (nkeys == 0) {
        mem_free(kv);
        reply_status(c, "NOKEY");
        return;
    }

    int *deleted = mem_alloc(sizeof(int) * (size_t)nkeys);
    int ndeleted = 0;
    bool may_retry = true;
    RdbBuf cmd;
    rdbbuf_init(&cmd, false);
    for (;;) {
        MigSock *ms = get_socket_or_reply(c, a.timeout);
        if (!ms) break;
        bool select = ms->last_dbid != a.dbid;
        rdbbuf_reset(&cmd);
        build_request(c, &a, select, &cmd, kv, &nkeys);
        int err = write_all(ms, cmd.buf, cmd.len, a.timeout), restored = 0;
        bool write_error = err < 0, target_error = false;
        if (!err)
            err = read_replies(c, &a, ms, select, kv, nkeys, deleted, &ndeleted, &restored,
                               &target_error);
        if (err < 0) cache_close(c); /* ms is gone */
        /* a socket error before any RESTORE reply: retry once on a new
         * connection, unless it timed out */
        if (err < 0 && restored == 0 && !target_error && may_retry && err != -ETIMEDOUT) {
            may_retry = false;
            continue;
        }
        if (ndeleted) propagate_as_del(c, deleted, ndeleted);
        if (target_error) break;
        if (err < 0) {
            reply_errorf(c, "IOERR error or timeout %s to target instance",
                         write_error ? "writing" : "reading");
            break;
        }
        ms->last_dbid = a.dbid;
        reply_ok(c);
        break;
    }
    rdbbuf_free(&cmd);
    mem_free(deleted);
    mem_free(kv);
}
