/* core/server.h -- the event loop's lifecycle: listen, run, stop. */
#ifndef KILAT_SERVER_H
#define KILAT_SERVER_H

#include "../base.h"

bool server_init(void);          /* the poller and start time */
bool server_listen(void);        /* bind + unixsocket from cfg; logs errors */
/* CONFIG SET port/bind: closes the TCP listeners and opens those of
 * cfg.bind/cfg.port (clients stay). Returns 0, or the negative errno of
 * the first failure with no TCP listener left: the caller restores the
 * old bind/port and calls it again. */
int server_relisten_tcp(void);
/* CONFIG SET tls-port: configures TLS first if it is not yet, then
 * closes the TLS listeners and opens those of cfg.bind/cfg.tls_port (0:
 * none). Returns 0, or -1 with *err set to Redis's CONFIG SET text. */
int server_relisten_tls(const char **err);
void server_run(void);           /* until SHUTDOWN or SIGTERM/SIGINT */
void server_cleanup(void);       /* closes listeners and clients */
/* SHUTDOWN: leave the loop after this command's reply is flushed (the
 * command has done the shutdown preparation already). */
void server_request_shutdown(bool save);
int64_t server_lastsave(void);   /* unix seconds (LASTSAVE) */
void server_note_save(int64_t unix_s); /* a save succeeded at this time */

/* Hooks of the layers above core (persistence registers them).
 * shutdown_on_signal: SIGTERM/SIGINT arrived; false cancels the shutdown
 *   (it logged why), true lets the loop end. */
typedef struct {
    bool (*shutdown_on_signal)(void);
} ServerHooks;
void server_set_hooks(const ServerHooks *h);
/* Background work done in slices from the loop (a snapshot): step runs
 * after every loop turn until it returns -1 (then it is dropped); else it
 * returns the most ms the loop may sleep before the next call (0: now).
 * Set while there is such work only, so an idle server pays nothing. */
void server_set_step(int (*step)(void));
/* Called once per loop turn after the commands ran and before their
 * replies are written (the AOF's group commit: one write, one fsync for
 * every client served in the turn). NULL: none. */
void server_set_before_flush(void (*fn)(void));
/* Sets the process title from proc-title-template (unless set-proc-title
 * is no): at start and after CONFIG SET of the template. */
void server_update_proc_title(void);
/* Calls fn(now_ms) at every cron run (not while the cron is paused): for
 * modules above core that need a periodic step (MIGRATE's socket cache).
 * At most 8 hooks, registered at start. */
void server_add_cron_hook(void (*fn)(int64_t now_ms));
/* DEBUG's switches: the cron's active expiry on/off, the whole cron
 * paused (no expiry, timeouts, buffer resizing, stats) or running. */
void server_set_active_expire(bool on);
void server_pause_cron(bool paused);
/* Called from a busy script's hook, and every few MB while loading a
 * file: serves other clients once (they get -BUSY or -LOADING unless their
 * command is allowed), and exits the process if SHUTDOWN NOSAVE or a
 * signal asked for it. */
void server_serve_while_busy(void);

#endif
