/* core/client.c -- client lifecycle and socket I/O.
 * Reads go straight into the query buffer and every complete command in it
 * runs before the next read; replies accumulate in the output buffer and
 * are written once per event-loop turn (server.c calls client_flush_all),
 * so a pipeline of N commands costs one read and one write. */
#include "client.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../ds/mem.h"
#include "../os/clock.h"
#include "../os/poll.h"
#include "../os/sock.h"
#include "block.h"
#include "client_evict.h"
#include "command.h"
#include "config.h"
#include "conn.h"
#include "db.h"
#include "io.h"
#include "log.h"
#include "monitor.h"
#include "multi.h"
#include "pause.h"
#include "pubsub.h"
#include "reply.h"
#include "stats.h"
#include "tracking.h"
#include "watch.h"

#define QBUF_CHUNK 16384
#define QBUF_BIG_ARG 32768 /* Redis's PROTO_MBULK_BIG_ARG */
#define OBUF_KEEP 65536 /* a slow reader's buffer shrinks toward this */
#define RBUF_MIN 1024    /* an idle client's reply buffer shrinks to this, at least */
#define RBUF_CHUNK 16384 /* the reply buffer's usual size; bigger only while a big reply drains */

static Client **by_fd;   /* fd -> client */
static int by_fd_cap;
static size_t nclients;
static uint64_t next_id = 1;
static Client *pending;  /* clients with output to write */
static size_t nclosing;  /* clients marked CLOSE_ASAP, not yet freed */
static Client *resumed;  /* unblocked clients with input left to run, */
static Client *resumed_tail; /* first unblocked first */
static size_t nwaiting;  /* clients with output waiting for POLL_WRITE */

static void index_fd(Client *c) {
    if (c->fd >= by_fd_cap) {
        int cap = by_fd_cap ? by_fd_cap : 1024;
        while (cap <= c->fd) cap *= 2;
        by_fd = mem_realloc(by_fd, sizeof(Client *) * (size_t)cap);
        memset(by_fd + by_fd_cap, 0, sizeof(Client *) * (size_t)(cap - by_fd_cap));
        by_fd_cap = cap;
    }
    by_fd[c->fd] = c;
}

static UserRef default_ref = {"default", 7};
UserRef *client_default_user = &default_ref;
bool client_auth_required, client_default_nopass = true;
bool (*client_authenticate)(Client *c, const char *user, size_t ulen, const char *pass, size_t plen);
UserRef *(*client_user_find)(const char *name, size_t len);

Client *client_create(int fd, bool is_unix) {
    Client *c = mem_calloc(sizeof(*c));
    c->id = next_id++;
    c->fd = fd;
    c->resp = 2;
    c->db = db_get(0);
    c->db_index = 0;
    if (is_unix) c->flags |= CLIENT_UNIX;
    if (fd < 0) c->flags |= CLIENT_FAKE;
    c->user = client_default_user;
    if (!client_auth_required) c->flags |= CLIENT_AUTHENTICATED | CLIENT_AUTH_USER;
    resp_parser_init(&c->parser);
    c->parser.max_bulk = cfg.proto_max_bulk_len;
    c->ctime_ms = c->last_ms = clock_unix_ms();
    if (fd >= 0) {
        sock_peer_name(fd, is_unix, c->addr, sizeof(c->addr));
        sock_local_name(fd, is_unix, c->laddr, sizeof(c->laddr));
        index_fd(c);
        io_watch(c, POLL_READ);
        nclients++; /* fake clients (scripts) are not connections */
    }
    return c;
}

Client *client_by_fd(int fd) { return fd >= 0 && fd < by_fd_cap ? by_fd[fd] : NULL; }

static void unqueue_write(Client *c) {
    if (!(c->flags & CLIENT_PENDING_WRITE)) return;
    for (Client **p = &pending; *p; p = &(*p)->next_pending) {
        if (*p == c) {
            *p = c->next_pending;
            break;
        }
    }
    c->flags &= ~CLIENT_PENDING_WRITE;
}

/* Clients whose transport holds decrypted bytes (CLIENT_CONN_PENDING). */
static Client **conn_pending_list;
static size_t conn_pending_cap;
size_t client_conn_pending;

static void queue_conn_pending(Client *c) {
    if (c->flags & CLIENT_CONN_PENDING) return;
    if (client_conn_pending == conn_pending_cap) {
        conn_pending_cap = conn_pending_cap ? conn_pending_cap * 2 : 16;
        conn_pending_list = mem_realloc(conn_pending_list, conn_pending_cap * sizeof(Client *));
    }
    conn_pending_list[client_conn_pending++] = c;
    c->flags |= CLIENT_CONN_PENDING;
}

static void unqueue_conn_pending(Client *c) {
    for (size_t i = 0; i < client_conn_pending; i++) {
        if (conn_pending_list[i] == c) {
            conn_pending_list[i] = conn_pending_list[--client_conn_pending];
            break;
        }
    }
    c->flags &= ~CLIENT_CONN_PENDING;
}

/* The entries of the read pass in progress (client_read_conn_pending). A
 * command run in the pass can free other clients of it at once (client
 * eviction does), so client_free blanks their entries here: the pass never
 * touches a freed client (Redis's CVE-2026-81934, in its TLS pending list). */
static Client **pass_list;
static size_t pass_len;

static void forget_in_pass(Client *c) {
    for (size_t i = 0; i < pass_len; i++) {
        if (pass_list[i] == c) pass_list[i] = NULL;
    }
}

static void unqueue_resume(Client *c) {
    if (!(c->flags & CLIENT_RESUME)) return;
    Client *prev = NULL;
    for (Client **p = &resumed; *p; prev = *p, p = &(*p)->next_resume) {
        if (*p == c) {
            *p = c->next_resume;
            if (resumed_tail == c) resumed_tail = prev;
            break;
        }
    }
    c->flags &= ~CLIENT_RESUME;
}

void client_free(Client *c) {
    if (c->flags & CLIENT_CLOSE_ASAP) nclosing--;
    client_evict_forget(c);
    block_remove(c);
    pause_remove(c);
    pubsub_client_free(c);
    multi_discard(c); /* the queue, and every watched key */
    monitor_remove(c);
    if (UNLIKELY(tracking_nclients)) tracking_client_gone(c);
    unqueue_resume(c);
    unqueue_write(c);
    if (UNLIKELY(c->flags & CLIENT_CONN_PENDING)) unqueue_conn_pending(c);
    if (UNLIKELY(pass_list != NULL)) forget_in_pass(c);
    if (c->fd >= 0) {
        if (c->poll_mask & POLL_WRITE) nwaiting--;
        io_watch(c, POLL_NONE);
        by_fd[c->fd] = NULL;
        if (c->conn) c->conn->free(c);
        sock_close(c->fd);
    }
    resp_parser_free(&c->parser);
    mem_free(c->qbuf);
    mem_free(c->obuf);
    mem_free(c->name);
    mem_free(c->lib_name);
    mem_free(c->lib_ver);
    if (!(c->flags & CLIENT_FAKE)) nclients--;
    mem_free(c);
}

Client *client_by_id(uint64_t id) {
    for (int i = 0; i < by_fd_cap; i++)
        if (by_fd[i] && by_fd[i]->id == id) return by_fd[i];
    return NULL;
}

void client_foreach(void (*fn)(Client *c, void *ctx), void *ctx) {
    for (int i = 0; i < by_fd_cap; i++)
        if (by_fd[i]) fn(by_fd[i], ctx);
}

size_t client_count(void) { return nclients; }

void client_close_async(Client *c) {
    if (c->flags & CLIENT_CLOSE_ASAP) return;
    c->flags |= CLIENT_CLOSE_ASAP;
    nclosing++;
    client_evict_forget(c); /* its memory is about to go */
}

void client_free_closing(void) {
    if (nclosing == 0) return;
    for (int i = 0; i < by_fd_cap && nclosing; i++) {
        Client *c = by_fd[i];
        if (c && (c->flags & CLIENT_CLOSE_ASAP) && !(c->flags & CLIENT_EXECUTING)) client_free(c);
    }
}

void client_queue_write(Client *c) {
    /* fake: read by its owner; held: queued again on release */
    if (c->flags & (CLIENT_PENDING_WRITE | CLIENT_FAKE | CLIENT_HELD)) return;
    c->flags |= CLIENT_PENDING_WRITE;
    c->next_pending = pending;
    pending = c;
}

/* A transport's read and write, out of line: plain sockets keep the
 * read and write paths as they were (one pointer test). */
static __attribute__((noinline, cold)) ssize_t conn_read(Client *c, void *buf, size_t len) {
    ssize_t n = c->conn->read(c, buf, len);
    if (n > 0 && c->conn->pending(c)) queue_conn_pending(c);
    return n;
}

static __attribute__((noinline, cold)) ssize_t conn_write(Client *c, const void *buf,
                                                            size_t len) {
    return c->conn->write(c, buf, len);
}

/* A slow reader leaves sent bytes at the front: once they are most of the
 * buffer, slide the unsent tail down, and give back a big block that the
 * tail now fills less than a quarter of. */
static void compact_obuf(Client *c) {
    size_t unsent = c->olen - c->osent;
    if (c->osent < OBUF_KEEP / 4 || c->osent < unsent) return;
    memmove(c->obuf, c->obuf + c->osent, unsent);
    c->olen = unsent;
    c->osent = 0;
    if (c->ocap > OBUF_KEEP && unsent < c->ocap / 4) {
        size_t cap = c->ocap;
        while (cap > OBUF_KEEP && unsent < cap / 4) cap /= 2;
        c->obuf = mem_realloc(c->obuf, cap);
        c->ocap = cap;
    }
}

/* Writes what the socket takes. Returns false if the client must go. */
bool client_output_gated;

static bool write_some(Client *c) {
    if (c->olen > c->opeak) c->opeak = c->olen;
    while (c->osent < c->olen) {
        ssize_t n = LIKELY(!c->conn) ? sock_write(c->fd, c->obuf + c->osent, c->olen - c->osent)
                                     : conn_write(c, c->obuf + c->osent, c->olen - c->osent);
        if (n == -EAGAIN) break;
        if (n <= 0) return false;
        c->osent += (size_t)n;
        stats.net_output_bytes += (uint64_t)n;
    }
    if (c->osent == c->olen) {
        c->osent = c->olen = 0;
        size_t rest = c->obase ? c->obase : RBUF_CHUNK;
        if (c->ocap > rest) {
            /* grown for a big reply: back to its resting size, the usual
             * 16kb or less if the cron shrank it (Redis keeps such overflow
             * in a list it frees once sent; CLIENT LIST's rbs= shows 16kb
             * at most there too) */
            mem_free(c->obuf);
            c->obuf = mem_alloc(rest);
            c->ocap = rest;
        }
        reply_obuf_rearm(c);
        if (c->flags & CLIENT_CLOSE_AFTER_REPLY) return false;
        if (c->poll_mask & POLL_WRITE) {
            nwaiting--;
            io_watch(c, POLL_READ);
        }
    } else {
        compact_obuf(c);
        reply_obuf_rearm(c);
        if (!(c->poll_mask & POLL_WRITE)) {
            nwaiting++;
            io_watch(c, POLL_READ | POLL_WRITE);
        }
    }
    client_evict_update(c);
    return true;
}

void client_flush_all(void) {
    while (pending) {
        Client *c = pending;
        pending = c->next_pending;
        c->flags &= ~CLIENT_PENDING_WRITE;
        if (c->flags & CLIENT_CLOSE_ASAP) continue;
        if (!write_some(c)) client_close_async(c);
    }
}

static uint64_t *held_ids;
static size_t nheld, held_cap;

void client_hold_pending(void) {
    while (pending) {
        Client *c = pending;
        pending = c->next_pending;
        c->flags = (c->flags & ~CLIENT_PENDING_WRITE) | CLIENT_HELD;
        if (c->poll_mask & POLL_WRITE) { /* no writable events while held: the loop would spin */
            nwaiting--;
            io_watch(c, POLL_READ);
        }
        if (nheld == held_cap) {
            held_cap = held_cap ? held_cap * 2 : 16;
            held_ids = mem_realloc(held_ids, held_cap * sizeof(uint64_t));
        }
        held_ids[nheld++] = c->id;
    }
}

void client_release_held(void) {
    for (size_t i = 0; i < nheld; i++) {
        Client *c = client_by_id(held_ids[i]); /* gone meanwhile: nothing to send */
        if (!c) continue;
        c->flags &= ~CLIENT_HELD;
        client_queue_write(c);
    }
    nheld = 0;
    mem_free(held_ids);
    held_ids = NULL;
    held_cap = 0;
}

size_t client_held_count(void) { return nheld; }

void client_on_writable(Client *c) {
    /* the only way into write_some for a held client, or while the AOF
     * gates output: client_flush_all runs after the AOF cleared the gate,
     * and held clients are never queued */
    if (UNLIKELY(c->flags & CLIENT_HELD)) return;
    if (UNLIKELY(client_output_gated)) {
        client_queue_write(c);
        return;
    }
    if (!write_some(c)) client_close_async(c);
}

/* Runs every complete command in the query buffer. */
static void process_input(Client *c) {
    size_t off = 0;
    c->flags |= CLIENT_EXECUTING;
    while (off < c->qlen &&
           !(c->flags & (CLIENT_CLOSE_AFTER_REPLY | CLIENT_CLOSE_ASAP | CLIENT_BLOCKED))) {
        c->parser.authenticated = c->flags & CLIENT_AUTHENTICATED;
        c->parser.max_bulk = cfg.proto_max_bulk_len; /* CONFIG SET applies at once */
        RespStatus st = resp_parse(&c->parser, c->qbuf + off, c->qlen - off);
        if (st == RESP_NEED_MORE) break;
        if (st == RESP_PROTO_ERROR) {
            reply_errorf(c, "ERR %s", c->parser.error);
            c->flags |= CLIENT_CLOSE_AFTER_REPLY;
            off = c->qlen;
            break;
        }
        off += c->parser.consumed;
        if (c->parser.argc == 0) continue;
        c->argc = c->parser.argc;
        c->argv = c->parser.argv;
        c->argl = c->parser.argl;
        command_execute(c);
        c->argc = 0;
        client_evict_update(c); /* its output, MULTI queue, subscriptions */
        block_serve_ready(); /* after the command, never inside it */
    }
    c->flags &= ~CLIENT_EXECUTING;
    /* held by CLIENT PAUSE: its command stays in the buffer, to be parsed
     * and run again when the pause ends */
    if (UNLIKELY(c->flags & CLIENT_PAUSED) && off) off -= c->parser.consumed;
    if (off) {
        memmove(c->qbuf, c->qbuf + off, c->qlen - off);
        c->qlen -= off;
    }
    /* A big bulk gets its whole buffer as soon as its length is known, as
     * in Redis: its memory counts at once (CLIENT LIST, maxmemory-clients),
     * not only once the next read has come. One compare when idle. */
    if (UNLIKELY(c->parser.bulk_len >= QBUF_BIG_ARG)) {
        size_t want = resp_bytes_wanted(&c->parser);
        if (want >= QBUF_BIG_ARG && c->qcap - c->qlen < want) {
            /* the allocator's whole block: it is the memory the client
             * holds (Redis counts it too), and room for what follows */
            c->qbuf = mem_realloc(c->qbuf, c->qlen + want);
            c->qcap = mem_usable(c->qbuf);
            if (c->qcap > c->qpeak) c->qpeak = c->qcap;
        }
    }
    client_evict_update(c); /* a big request still arriving */
}

void client_resume(Client *c) {
    if (c->flags & CLIENT_RESUME) return;
    c->flags |= CLIENT_RESUME;
    c->next_resume = NULL;
    if (resumed_tail) resumed_tail->next_resume = c;
    else resumed = c;
    resumed_tail = c;
}

void client_run_resumed(void) {
    while (resumed) {
        Client *c = resumed;
        resumed = c->next_resume;
        if (!resumed) resumed_tail = NULL;
        c->flags &= ~CLIENT_RESUME;
        if (!(c->flags & (CLIENT_CLOSE_ASAP | CLIENT_BLOCKED)) && c->qlen) process_input(c);
    }
}

void client_on_readable(Client *c) {
    size_t want = resp_bytes_wanted(&c->parser);
    size_t need = want > QBUF_CHUNK ? want : QBUF_CHUNK;
    /* a bulk being read into a buffer grown for it needs no more room
     * than it lacks: a big one fills a buffer of exactly its size, as in
     * Redis, however the reads split it (so its client's tot-mem does not
     * depend on them) */
    if (want && c->qcap > QBUF_CHUNK && c->qcap - c->qlen >= want) need = want;
    if (c->qcap - c->qlen < need) {
        c->qbuf = mem_realloc(c->qbuf, c->qlen + need);
        c->qcap = mem_usable(c->qbuf); /* the allocator's whole block */
    }
    /* The peak counts the room a read needs, as Redis's querybuf_peak. */
    if (c->qlen + need > c->qpeak) c->qpeak = c->qlen + need;
    ssize_t n = LIKELY(!c->conn) ? sock_read(c->fd, c->qbuf + c->qlen, c->qcap - c->qlen)
                                 : conn_read(c, c->qbuf + c->qlen, c->qcap - c->qlen);
    if (n == -EAGAIN) return;
    if (n <= 0) {
        client_close_async(c);
        return;
    }
    c->qlen += (size_t)n;
    stats.net_input_bytes += (uint64_t)n;
    c->last_ms = db_now();
    if ((int64_t)c->qlen > cfg.client_query_buffer_limit) {
        log_msg(LOG_WARNING, "Closing client that reached max query buffer length: id=%llu addr=%s",
                (unsigned long long)c->id, c->addr);
        stats.client_qbuf_limit_disconnections++;
        client_close_async(c);
        return;
    }
    process_input(c); /* a big buffer left empty is trimmed by the cron */
}

void client_read_conn_pending(void) {
    /* a copy: reading may queue a client again (more bytes still held) */
    size_t n = client_conn_pending;
    Client **list = mem_alloc(n * sizeof(Client *));
    memcpy(list, conn_pending_list, n * sizeof(Client *));
    for (size_t i = 0; i < n; i++) {
        list[i]->flags &= ~CLIENT_CONN_PENDING;
    }
    client_conn_pending = 0;
    pass_list = list;
    pass_len = n;
    for (size_t i = 0; i < n; i++) {
        Client *c = list[i];
        if (!c || (c->flags & CLIENT_CLOSE_ASAP)) continue; /* freed or closing */
        if (c->flags & CLIENT_EXECUTING) { /* a busy script's caller: later */
            queue_conn_pending(c);
            continue;
        }
        client_on_readable(c);
    }
    pass_list = NULL;
    pass_len = 0;
    mem_free(list);
}

static const char *deny_text; /* the one refusal sent after a handshake */

/* Handshake steps drive the poll interest themselves: POLL_WRITE is
 * counted in nwaiting as for output waiting. */
static void handshake_watch(Client *c, int mask) {
    bool had = c->poll_mask & POLL_WRITE, has = mask & POLL_WRITE;
    if (had && !has) nwaiting--;
    if (!had && has) nwaiting++;
    io_watch(c, mask);
}

void client_on_handshake(Client *c) {
    bool want_write = false;
    int r = c->conn->handshake(c, &want_write);
    if (r < 0) {
        handshake_watch(c, POLL_READ);
        client_close_async(c);
        return;
    }
    if (r == 0) {
        handshake_watch(c, want_write ? POLL_WRITE : POLL_READ);
        return;
    }
    c->flags &= ~CLIENT_HANDSHAKE;
    handshake_watch(c, POLL_READ);
    c->last_ms = clock_unix_ms();
    if (UNLIKELY(c->flags & CLIENT_DENIED)) {
        reply_raw(c, deny_text, strlen(deny_text));
        c->flags |= CLIENT_CLOSE_AFTER_REPLY;
        client_queue_write(c);
        stats.rejected_connections++;
        return;
    }
    /* the client may have sent its first command with its last flight */
    client_on_readable(c);
}

bool client_set_conn(Client *c, const ConnType *t, const char *deny) {
    c->conn = t;
    if (deny) {
        deny_text = deny;
        c->flags |= CLIENT_DENIED;
    }
    if (!t->init(c)) {
        c->conn = NULL;
        client_close_async(c);
        return false;
    }
    c->flags |= CLIENT_HANDSHAKE;
    client_on_handshake(c);
    return !(c->flags & CLIENT_CLOSE_ASAP);
}

/* Query-buffer trimming (the cron's): a buffer wasting more than 4 KiB is
 * cut to what it holds once its client has been idle over 2 s, or, when
 * over 32 KiB, to its peak since the last visit if that is under half of
 * it. The peak then restarts from what the buffer holds. */
static void resize_qbuf(Client *c, int64_t now_ms) {
    size_t keep = c->qlen + resp_bytes_wanted(&c->parser); /* with a bulk being read */
    if (c->qcap - c->qlen > 4096) {
        size_t to;
        if (now_ms - c->last_ms > 2000) to = keep;
        else if (c->qcap > 2 * QBUF_CHUNK && c->qcap / 2 > c->qpeak) {
            to = keep > c->qpeak ? keep : c->qpeak;
        } else {
            to = c->qcap;
        }
        if (to == 0) {
            mem_free(c->qbuf);
            c->qbuf = NULL;
            c->qcap = 0;
        } else if (to < c->qcap) {
            c->qbuf = mem_realloc(c->qbuf, to);
            c->qcap = mem_usable(c->qbuf); /* may stay in its size class */
        }
    }
    c->qpeak = c->qlen;
}

void client_cron_resize_qbufs(int64_t now_ms, int hz) {
    static int cursor; /* fd where the last pass stopped */
    if (nclients == 0 || by_fd_cap == 0) return;
    size_t visit = nclients / (size_t)(hz > 0 ? hz : 10);
    if (visit < 5) visit = 5; /* few clients: each is seen every pass */
    for (int seen = 0; visit > 0 && seen < by_fd_cap; seen++) {
        cursor = (cursor + 1) % by_fd_cap;
        Client *c = by_fd[cursor];
        if (!c) continue;
        visit--;
        if (!(c->flags & (CLIENT_EXECUTING | CLIENT_CLOSE_ASAP))) {
            resize_qbuf(c, now_ms);
            client_evict_update(c);
        }
    }
}

/* Bytes of arguments held (Redis's argv-mem): the running command's, or
 * the complete ones of a request still arriving; *parsed: the bytes of
 * that request already parsed, which Redis no longer counts in qbuf. */
static size_t argv_mem(const Client *c, size_t *parsed) {
    size_t n = 0;
    *parsed = 0;
    if (!c->argc) {
        *parsed = resp_pending_parsed(&c->parser, &n);
        return n;
    }
    for (int i = 0; i < c->argc; i++) n += c->argl[i];
    return n;
}

/* CLIENT LIST flags, in Redis's letter order. */
static const char *client_flags_str(const Client *c, char *buf) {
    static const struct {
        uint32_t flag;
        char letter;
    } letters[] = {
        {CLIENT_MONITOR, 'O'},    {CLIENT_PUBSUB, 'P'},     {CLIENT_MULTI, 'x'},      {CLIENT_BLOCKED, 'b'},
        {0, 't'},                 {0, 'R'},                 {0, 'B'}, /* tracking, below */
        {CLIENT_DIRTY_CAS, 'd'},  {CLIENT_CLOSE_AFTER_REPLY, 'c'},
        {CLIENT_CLOSE_ASAP, 'A'}, {CLIENT_UNIX, 'U'},       {CLIENT_NO_EVICT, 'e'},
        {CLIENT_NO_TOUCH, 'T'},
    };
    char *p = buf;
    unsigned tf = tracking_flags(c);
    for (size_t i = 0; i < ARRAY_LEN(letters); i++) {
        bool on = letters[i].flag ? (c->flags & letters[i].flag) != 0
                : letters[i].letter == 't' ? tracking_is_on(c)
                : letters[i].letter == 'R' ? (tf & TRACKING_BROKEN_REDIR) != 0
                                           : (tf & TRACKING_BCAST) != 0;
        if (on) *p++ = letters[i].letter;
    }
    if (p == buf) *p++ = 'N';
    *p = '\0';
    return buf;
}

size_t client_info_line(const Client *c, char *buf, size_t len) {
    char flags[16];
    int64_t now = clock_unix_ms();
    const char *cmd = c->last_cmd ? c->last_cmd->fullname : "NULL";
    size_t sub, psub, ssub, parsed;
    pubsub_client_counts(c, &sub, &psub, &ssub);
    size_t argv = argv_mem(c, &parsed);
    int n = snprintf(
        buf, len,
        "id=%llu addr=%s laddr=%s fd=%d name=%s age=%lld idle=%lld flags=%s db=%d sub=%zu "
        "psub=%zu ssub=%zu multi=%d qbuf=%zu qbuf-free=%zu argv-mem=%zu multi-mem=%zu rbs=%zu "
        "rbp=%zu obl=%zu oll=0 omem=%zu tot-mem=%zu events=%s cmd=%s user=%.*s redir=%lld "
        "resp=%d lib-name=%s lib-ver=%s",
        (unsigned long long)c->id, c->addr, c->laddr, c->fd, c->name ? c->name : "",
        (long long)((now - c->ctime_ms) / 1000), (long long)((now - c->last_ms) / 1000),
        client_flags_str(c, flags), c->db_index, sub, psub, ssub, multi_queued_count(c),
        c->qlen - parsed, c->qcap - c->qlen, argv, multi_mem(c), c->ocap, c->opeak,
        client_obuf_len(c), client_obuf_mem(c), client_total_mem(c),
        (c->poll_mask & POLL_WRITE) ? "rw" : "r", cmd,
        c->user ? (int)c->user->len : 7, c->user ? c->user->name : "default",
        tracking_is_on(c) ? (long long)tracking_redirect(c) : -1LL, c->resp, c->lib_name ? c->lib_name : "", c->lib_ver ? c->lib_ver : "");
    return n < 0 ? 0 : ((size_t)n >= len ? len - 1 : (size_t)n);
}

void client_cron_obuf_limits(void) {
    if (nwaiting == 0) return;
    for (int i = 0; i < by_fd_cap; i++)
        if (by_fd[i] && (by_fd[i]->poll_mask & POLL_WRITE)) reply_obuf_cron_check(by_fd[i]);
}

/* ---------- reply-buffer resizing (the cron) ---------- */

static int64_t rbuf_peak_reset_ms = CLIENT_RBUF_PEAK_RESET_DEFAULT_MS;
static bool rbuf_resizing = true;
static int64_t rbuf_last_reset_ms;

void client_set_rbuf_peak_reset_ms(int64_t ms) { rbuf_peak_reset_ms = ms; }
void client_set_rbuf_resizing(bool on) { rbuf_resizing = on; }

static void resize_obuf(Client *c, void *ctx) {
    bool reset = *(bool *)ctx;
    if (c->ocap && c->olen == c->osent && !(c->flags & CLIENT_FAKE)) {
        /* busy again: its bursts drain back to the usual size (Redis's
         * cron grows its buffer when the peak reaches it) */
        if (c->obase && c->opeak >= c->obase) c->obase = 0;
        size_t cap = c->ocap;
        if (c->opeak < cap / 2) cap = c->opeak + 1 > RBUF_MIN ? c->opeak + 1 : RBUF_MIN;
        if (cap != c->ocap) {
            c->osent = c->olen = 0;
            c->obuf = mem_realloc(c->obuf, cap);
            c->ocap = cap;
            c->obase = cap;
            reply_obuf_rearm(c);
            client_evict_update(c);
        }
    }
    if (reset) c->opeak = c->olen - c->osent;
}

void client_cron_resize_obufs(int64_t now_ms) {
    if (!rbuf_resizing) return;
    bool reset = rbuf_peak_reset_ms >= 0 && now_ms - rbuf_last_reset_ms >= rbuf_peak_reset_ms;
    if (reset) rbuf_last_reset_ms = now_ms;
    client_foreach(resize_obuf, &reset);
}

size_t client_obuf_len(const Client *c) { return c->olen - c->osent; }

size_t client_obuf_mem(const Client *c) { return c->olen > c->osent ? c->ocap : 0; }

size_t client_total_mem(const Client *c) {
    size_t mem = sizeof(Client) + c->qcap + c->ocap + multi_mem(c) + watch_mem(c) +
                 pubsub_client_mem(c) + tracking_client_mem(c);
    if (c->argc) { /* a command's arguments count while it runs, as in Redis */
        size_t parsed;
        mem += argv_mem(c, &parsed) + (size_t)c->argc * sizeof(char *);
    }
    return mem;
}

void client_totals(size_t *max_qbuf, size_t *max_obuf) {
    *max_qbuf = *max_obuf = 0;
    for (int i = 0; i < by_fd_cap; i++) {
        Client *c = by_fd[i];
        if (!c) continue;
        if (c->qcap > *max_qbuf) *max_qbuf = c->qcap;
        if (client_obuf_mem(c) > *max_obuf) *max_obuf = client_obuf_mem(c);
    }
}

void client_free_all(void) {
    for (int i = 0; i < by_fd_cap; i++)
        if (by_fd[i]) client_free(by_fd[i]);
    mem_free(by_fd);
    by_fd = NULL;
    by_fd_cap = 0;
}
