/* core/server.c -- listeners, the event loop and the cron.
 * One thread runs everything here: poll, read + execute, write pending
 * output, then the cron every 1000/hz ms (expiry, rehashing, timeouts). */
#include "server.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ds/mem.h"
#include "../os/clock.h"
#include "../os/poll.h"
#include "../os/proc.h"
#include "../os/proctitle.h"
#include "../os/sock.h"
#include "block.h"
#include "client.h"
#include "command.h"
#include "config.h"
#include "conn.h"
#include "db.h"
#include "client_evict.h"
#include "evict.h"
#include "io.h"
#include "latency.h"
#include "log.h"
#include "pause.h"
#include "stats.h"
#include "tracking.h"

#define MAX_LISTENERS 16
#define MAX_ACCEPTS_PER_CALL 1000

typedef struct {
    int fd;
    bool is_unix;
    bool tls;       /* tls-port's: its clients get conn_tls->conn */
} Listener;

static Poller *poller;
static Listener listeners[MAX_LISTENERS];
static int nlisteners;
static bool shutdown_now;
static bool shutdown_save;
static int64_t last_cron_ms;
static int64_t lastsave_s;
static ServerHooks hooks;

static int (*step_fn)(void);

void server_set_hooks(const ServerHooks *h) { hooks = *h; }
void server_set_step(int (*step)(void)) { step_fn = step; }
void server_note_save(int64_t unix_s) { lastsave_s = unix_s; }

void io_watch(Client *c, int mask) {
    if (c->fd < 0 || c->poll_mask == mask) return;
    poll_set(poller, c->fd, c->poll_mask, mask);
    c->poll_mask = mask;
}

static bool add_listener(int fd, bool is_unix, bool tls) {
    if (nlisteners == MAX_LISTENERS) return false;
    listeners[nlisteners].fd = fd;
    listeners[nlisteners].is_unix = is_unix;
    listeners[nlisteners].tls = tls;
    nlisteners++;
    poll_set(poller, fd, POLL_NONE, POLL_READ);
    return true;
}

/* Opens the TCP listeners of cfg.bind on port into fds (up to max).
 * Returns how many, or a negative errno after closing those it opened. */
static int open_tcp(int port, int *fds, int max) {
    char *binds = mem_strndup(cfg.bind, strlen(cfg.bind));
    int n = 0, err = 0;
    /* the addresses are separated by single spaces: an empty one (bind
     * "a " or "a  b") is tried and fails, as in Redis; "" is none */
    char *next = NULL;
    for (char *a = binds[0] ? binds : NULL; a && port != 0; a = next) { /* port 0: no TCP */
        char *sp = strchr(a, ' ');
        next = sp ? sp + 1 : NULL;
        if (sp) *sp = '\0';
        bool optional = a[0] == '-' && a[1]; /* "-" alone is an empty address */
        int fd = n < max ? sock_listen_tcp(a, port, cfg.tcp_backlog) : -EMFILE;
        if (fd < 0) {
            if (optional && sock_listen_error_is_unavailable(fd)) continue;
            log_msg(LOG_WARNING, "Warning: Could not create server TCP listening socket %s:%d: %s",
                    optional ? a + 1 : a, port, sock_strerror(fd));
            err = fd;
            break;
        }
        fds[n++] = fd;
    }
    mem_free(binds);
    if (err) {
        while (n > 0) sock_close(fds[--n]);
        return err;
    }
    return n;
}

/* Closes the TCP listeners of one kind (plain or TLS) and opens those
 * of cfg.bind on port. bind changes both kinds: the caller calls twice. */
static int relisten(bool tls, int port) {
    int kept = 0; /* old ones first, so the same address can be bound again */
    for (int i = 0; i < nlisteners; i++) {
        if (listeners[i].is_unix || listeners[i].tls != tls) {
            listeners[kept++] = listeners[i];
            continue;
        }
        poll_set(poller, listeners[i].fd, POLL_READ, POLL_NONE);
        sock_close(listeners[i].fd);
    }
    nlisteners = kept;
    int fds[MAX_LISTENERS];
    int n = open_tcp(port, fds, MAX_LISTENERS - kept);
    for (int i = 0; i < n; i++) add_listener(fds[i], false, tls);
    return n < 0 ? n : 0;
}

int server_relisten_tcp(void) {
    int e = relisten(false, cfg.port);
    if (e == 0 && cfg.tls_port && conn_tls && conn_tls->configured()) e = relisten(true, cfg.tls_port);
    return e;
}

int server_relisten_tls(const char **err) {
    if (cfg.tls_port && !conn_tls) {
        *err = "TLS is not supported by this build";
        return -1;
    }
    if (cfg.tls_port && !conn_tls->configured() && !conn_tls->configure()) {
        *err = "Unable to update TLS configuration. Check server logs.";
        return -1;
    }
    int e = relisten(true, cfg.tls_port);
    if (e < 0) *err = "Unable to listen on this port. Check server logs.";
    return e;
}

bool server_listen(void) {
    int fds[MAX_LISTENERS];
    if (cfg.tls_port) {
        if (!conn_tls) {
            log_msg(LOG_WARNING, "TLS is not supported by this build of kilat: tls-port is set");
            return false;
        }
        if (!conn_tls->configure()) {
            log_msg(LOG_WARNING, "Failed to configure TLS. Check logs for more info.");
            return false;
        }
    }
    int n = open_tcp(cfg.port, fds, MAX_LISTENERS - 1);
    bool ok = n >= 0;
    /* Redis's words: test harnesses match them to retry on another port. */
    if (!ok) log_msg(LOG_WARNING, "Failed listening on port %d (TCP), aborting.", cfg.port);
    for (int i = 0; i < n; i++) add_listener(fds[i], false, false);
    if (ok && cfg.tls_port) {
        n = open_tcp(cfg.tls_port, fds, MAX_LISTENERS - 1 - nlisteners);
        if (n < 0) {
            log_msg(LOG_WARNING, "Failed listening on port %d (TLS), aborting.", cfg.tls_port);
            ok = false;
        }
        for (int i = 0; i < n; i++) add_listener(fds[i], false, true);
    }
    if (ok && cfg.unixsocket && cfg.unixsocket[0]) {
        int fd = sock_listen_unix(cfg.unixsocket, cfg.unixsocketperm, cfg.tcp_backlog);
        if (fd < 0) {
            log_msg(LOG_WARNING, "Failed opening Unix socket: %s", strerror(-fd));
            ok = false;
        } else {
            add_listener(fd, true, false);
            log_msg(LOG_NOTICE, "The server is now ready to accept connections at %s",
                    cfg.unixsocket);
        }
    }
    if (ok && nlisteners == 0) {
        log_msg(LOG_WARNING, "Configured to not listen anywhere, exiting.");
        ok = false;
    }
    return ok;
}

static const char DENIED[] =
    "-DENIED Redis is running in protected mode because protected mode is enabled and no "
    "password is set for the default user. In this mode connections are only accepted from "
    "the loopback interface. If you want to connect from external computers to Redis you may "
    "adopt one of the following solutions: 1) Just disable protected mode sending the command "
    "'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from "
    "the same host the server is running, however MAKE SURE Redis is not publicly accessible "
    "from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) "
    "Alternatively you can just disable the protected mode by editing the Redis configuration "
    "file, and setting the protected mode option to 'no', and then restarting the server. 3) "
    "If you started the server manually just for testing, restart it with the "
    "'--protected-mode no' option. 4) Set up an authentication password for the default user. "
    "NOTE: You only need to do one of the above things in order for the server to start "
    "accepting connections from the outside.\r\n";

static void accept_on(Listener *l) {
    for (int i = 0; i < MAX_ACCEPTS_PER_CALL; i++) {
        bool is_unix = false;
        int fd = sock_accept(l->fd, &is_unix);
        if (fd < 0) {
            /* a connection that failed in the queue must not hold up the
             * ones behind it (Redis's CVE-2025-48367) */
            if (sock_accept_error_is_per_connection(-fd)) continue;
            if (fd != -EAGAIN) log_msg(LOG_WARNING, "Accepting client connection: accept: %s", strerror(-fd));
            return;
        }
        stats.connections_received++;
        /* A TLS client hears nothing in clear text: it is just closed. */
        if ((long)client_count() >= cfg.maxclients) {
            if (l->tls) {
                sock_close(fd);
                stats.rejected_connections++;
                continue;
            }
            static const char msg[] = "-ERR max number of clients reached\r\n";
            if (sock_write(fd, msg, sizeof(msg) - 1) < 0) { /* best effort */
            }
            sock_close(fd);
            stats.rejected_connections++;
            continue;
        }
        bool denied = cfg.protected_mode && client_default_nopass &&
                      !sock_peer_is_loopback(fd, is_unix);
        if (denied && !l->tls) {
            if (sock_write(fd, DENIED, sizeof(DENIED) - 1) < 0) { /* best effort */
            }
            sock_close(fd);
            stats.rejected_connections++;
            continue;
        }
        sock_set_keepalive(fd, cfg.tcp_keepalive);
        Client *c = client_create(fd, is_unix);
        if (l->tls) client_set_conn(c, conn_tls->conn, denied ? DENIED : NULL);
    }
}

/* `timeout`: as Redis, clients that wait by design (blocked or held by
 * CLIENT PAUSE, subscribers, monitors) are not idle ones. */
static void close_idle(Client *c, void *ctx) {
    int64_t now = *(int64_t *)ctx;
    if (cfg.timeout > 0 && now - c->last_ms > (int64_t)cfg.timeout * 1000 &&
        !(c->flags & (CLIENT_EXECUTING | CLIENT_BLOCKED | CLIENT_PUBSUB | CLIENT_MONITOR)))
        client_close_async(c);
}

/* DEBUG SET-ACTIVE-EXPIRE and DEBUG PAUSE-CRON switches. */
static bool active_expire_on = true, cron_paused;

void server_set_active_expire(bool on) { active_expire_on = on; }
void server_pause_cron(bool paused) { cron_paused = paused; }

/* A signal asked for shutdown: true if the loop should end. Checked by
 * the cron, as Redis does, so DEBUG PAUSE-CRON holds it (SHUTDOWN ABORT
 * can then cancel it). */
static bool signal_shutdown(void) {
    if (!proc_shutdown_requested()) return false;
    log_msg(LOG_WARNING, "Received SIGTERM scheduling shutdown...");
    if (hooks.shutdown_on_signal && !hooks.shutdown_on_signal()) {
        proc_clear_shutdown_request();
        return false;
    }
    return true;
}

static void (*cron_hooks[8])(int64_t now_ms);
static int n_cron_hooks;

void server_add_cron_hook(void (*fn)(int64_t now_ms)) {
    ASSERT(n_cron_hooks < (int)(sizeof(cron_hooks) / sizeof(cron_hooks[0])));
    cron_hooks[n_cron_hooks++] = fn;
}

static void cron(int64_t now) {
    if (cron_paused) { /* closing clients is not a cron job in Redis: keep it */
        client_free_closing();
        return;
    }
    if (signal_shutdown()) {
        shutdown_now = true;
        return;
    }
    db_update_clock(now);
    /* Up to a quarter of each cron period on expiry, as Redis's slow cycle. */
    int64_t t0 = cfg.latency_monitor_threshold ? clock_mono_us() : 0;
    if (active_expire_on) db_active_expire(250000 / (cfg.hz > 0 ? cfg.hz : 10));
    if (t0) latency_add_if_needed("expire-cycle", (clock_mono_us() - t0) / 1000);
    db_cron_tables();
    if (cfg.timeout > 0) client_foreach(close_idle, &now);
    client_cron_obuf_limits();
    client_cron_resize_qbufs(now, cfg.hz);
    client_cron_resize_obufs(now);
    client_free_closing();
    stats_sample(now);
    tracking_cron();
    for (int i = 0; i < n_cron_hooks; i++) cron_hooks[i](now);
}

void server_request_shutdown(bool save) {
    shutdown_now = true;
    shutdown_save = save;
}

int64_t server_lastsave(void) { return lastsave_s; }

/* ------------------------------------------------------ process title */

/* The value of one proc-title-template variable (config.c has checked
 * the names) into buf. */
static const char *title_var(const char *name, size_t n, char *buf, size_t cap) {
    if (n == 5 && !memcmp(name, "title", 5)) return proctitle_exe();
    if (n == 4 && !memcmp(name, "port", 4)) {
        snprintf(buf, cap, "%d", cfg.port);
        return buf;
    }
    if (n == 8 && !memcmp(name, "tls-port", 8)) {
        snprintf(buf, cap, "%d", cfg.tls_port);
        return buf;
    }
    if (n == 10 && !memcmp(name, "unixsocket", 10)) return cfg.unixsocket ? cfg.unixsocket : "";
    if (n == 11 && !memcmp(name, "config-file", 11)) return cfg.config_file ? cfg.config_file : "";
    if (n == 11 && !memcmp(name, "listen-addr", 11)) {
        /* the first bind address ("-" marks an optional one), or "*";
         * the TLS port when there is no plain one, as Redis */
        int port = cfg.port ? cfg.port : cfg.tls_port;
        const char *b = cfg.bind ? cfg.bind : "";
        while (*b == ' ') b++;
        if (*b == '-') b++;
        size_t len = strcspn(b, " ");
        if (len == 0) snprintf(buf, cap, "*:%d", port);
        else snprintf(buf, cap, "%.*s:%d", (int)len, b, port);
        return buf;
    }
    return ""; /* server-mode: neither cluster nor sentinel */
}

void server_update_proc_title(void) {
    const char *on = config_value("set-proc-title");
    const char *t = config_value("proc-title-template");
    if (!t || (on && strcmp(on, "yes") != 0)) return;
    char out[1024], var[300];
    size_t o = 0;
    for (const char *p = t; *p && o < sizeof(out) - 1; p++) {
        const char *v = NULL;
        char one[2] = {*p, 0};
        if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
            v = one;
            p++;
        } else if (*p == '{' && strchr(p, '}')) {
            const char *end = strchr(p, '}');
            v = title_var(p + 1, (size_t)(end - p - 1), var, sizeof(var));
            p = end;
        } else {
            v = one;
        }
        size_t n = strlen(v);
        if (n > sizeof(out) - 1 - o) n = sizeof(out) - 1 - o;
        memcpy(out + o, v, n);
        o += n;
    }
    while (o && out[o - 1] == ' ') o--; /* an empty {server-mode} leaves a blank */
    out[o] = '\0';
    const char *start = out;
    while (*start == ' ') start++;
    proctitle_set(start);
}

bool server_init(void) {
    poller = poll_create();
    if (!poller) return false;
    stats.start_ms = clock_unix_ms();
    lastsave_s = stats.start_ms / 1000;
    return true;
}

/* One turn of the loop: wait up to timeout_ms, handle readiness, then
 * write the output of every client that produced some. */
static void (*before_flush)(void);
static bool evict_pending; /* the last eviction step ran out of time */

static void process_events(int timeout_ms) {
    PollEvent events[1024];
    int n = poll_wait(poller, events, (int)ARRAY_LEN(events), timeout_ms);
    if (UNLIKELY(pause_type)) pause_check_timeout(clock_unix_ms());
    for (int i = 0; i < n; i++) {
        int fd = events[i].fd;
        Listener *l = NULL;
        for (int k = 0; k < nlisteners; k++)
            if (listeners[k].fd == fd) l = &listeners[k];
        if (l) {
            accept_on(l);
            continue;
        }
        Client *c = client_by_fd(fd);
        if (!c || (c->flags & (CLIENT_CLOSE_ASAP | CLIENT_HANDSHAKE))) {
            if (c && (c->flags & (CLIENT_CLOSE_ASAP | CLIENT_HANDSHAKE)) == CLIENT_HANDSHAKE)
                client_on_handshake(c);
            continue;
        }
        if (events[i].mask & POLL_WRITE) client_on_writable(c);
        /* A client inside its own command (a busy script's caller) reads
         * nothing until the command returns. */
        if ((events[i].mask & POLL_READ) && !(c->flags & (CLIENT_CLOSE_ASAP | CLIENT_EXECUTING)))
            client_on_readable(c);
    }
    /* Not while a script is busy: it may have pushed half of what it
     * will push, and a blocked client must see all of it or none. */
    if (block_count() && !command_busy) {
        block_check_timeouts(clock_unix_ms());
        block_serve_ready();
    }
    if (UNLIKELY(client_conn_pending)) client_read_conn_pending();
    client_run_resumed();
    if (UNLIKELY(tracking_bcast_pending)) tracking_broadcast();
    if (before_flush) before_flush();
    client_flush_all();
    client_free_closing();
    if (UNLIKELY(client_evict_over)) client_evict_run(NULL); /* before keys are evicted */
}

void server_set_before_flush(void (*fn)(void)) { before_flush = fn; }

void server_serve_while_busy(void) {
    process_events(0);
    if (shutdown_now || proc_shutdown_requested()) {
        /* SHUTDOWN NOSAVE (or a signal) during a busy script: the script
         * cannot be unwound safely, so exit here, as Redis does. */
        log_msg(LOG_WARNING, "Shutdown requested while %s: exiting now.",
                command_loading ? "loading" : "a script is busy");
        /* refuse new connections at once, as Redis does, rather than
         * accept them and drop them when the process is gone */
        for (int i = 0; i < nlisteners; i++) sock_close(listeners[i].fd);
        nlisteners = 0;
        if (cfg.pidfile && cfg.pidfile[0]) proc_remove_file(cfg.pidfile);
        if (cfg.unixsocket && cfg.unixsocket[0]) proc_remove_file(cfg.unixsocket);
        exit(0);
    }
}

void server_run(void) {
    last_cron_ms = clock_unix_ms();
    stats_mark_startup_memory();
    int step_wait = -1;
    while (!shutdown_now) {
        int period = 1000 / (cfg.hz > 0 ? cfg.hz : 10);
        int64_t now = clock_unix_ms();
        int timeout = (int)(last_cron_ms + period - now);
        if (timeout < 0) timeout = 0;
        int64_t bt = block_next_timeout_ms(now); /* sub-second BLPOP timeouts */
        if (bt >= 0 && bt < timeout) timeout = (int)bt;
        int64_t pt = pause_next_timeout_ms(now); /* CLIENT PAUSE's end */
        if (pt >= 0 && pt < timeout) timeout = (int)pt;
        if (step_wait >= 0 && step_wait < timeout) timeout = step_wait;
        if (UNLIKELY(client_conn_pending)) timeout = 0; /* bytes held by TLS */
        /* over maxmemory after a bounded step: go on next turn, no sleep */
        if (UNLIKELY(evict_enabled) && evict_pending) timeout = 0;
        process_events(timeout);
        /* each turn, as Redis's beforeSleep: a peak a command makes and
         * the next one undoes (fill then delete) is seen by INFO */
        stats_memory_peak();
        if (UNLIKELY(evict_enabled)) evict_pending = !evict_step();
        if (UNLIKELY(step_fn != NULL)) {
            step_wait = step_fn();
            if (step_wait < 0) step_fn = NULL;
        } else {
            step_wait = -1;
        }
        now = clock_unix_ms();
        if (now - last_cron_ms >= period) {
            last_cron_ms = now;
            cron(now);
        }
    }
    tracking_broadcast();
    if (before_flush) before_flush();
    client_flush_all();
}

void server_cleanup(void) {
    for (int i = 0; i < nlisteners; i++) {
        poll_set(poller, listeners[i].fd, POLL_READ, POLL_NONE);
        sock_close(listeners[i].fd);
    }
    nlisteners = 0;
    if (cfg.unixsocket && cfg.unixsocket[0]) proc_remove_file(cfg.unixsocket);
    client_free_all();
    if (conn_tls) conn_tls->cleanup();
    poll_destroy(poller);
    poller = NULL;
}
