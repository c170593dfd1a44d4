/* os/sock.h -- TCP and Unix-domain sockets, always non-blocking.
 * Every call returns a negative errno on failure, never sets a global. */
#ifndef KILAT_SOCK_H
#define KILAT_SOCK_H

#include <sys/types.h>

#include "../base.h"

/* Listens on addr:port ("*", "::*", an IPv4 or IPv6 address, or a host
 * name, resolved as IPv4 unless it has a ':'; a leading '-' is ignored:
 * the caller skips such an address quietly if unavailable). Returns the
 * fd. A failure to resolve is below -SOCK_ERR_RESOLVE (sock_strerror). */
int sock_listen_tcp(const char *addr, int port, int backlog);
#define SOCK_ERR_RESOLVE 100000
/* The text of a negative return of this module (an errno's, or the
 * resolver's for a failure to resolve). */
const char *sock_strerror(int err);
/* Whether sock_listen_tcp's failure err says the address (or its family)
 * is not available on this machine, as for "::1" without IPv6: an
 * optional ('-') bind address is then skipped. A name that does not
 * resolve is not such a failure. */
bool sock_listen_error_is_unavailable(int err);
/* Listens on a Unix socket path (an old file there is removed), chmod perm
 * when perm != 0. Returns the fd. */
int sock_listen_unix(const char *path, unsigned perm, int backlog);
/* Accepts one connection, non-blocking with TCP_NODELAY. Returns the fd,
 * -EAGAIN when none is pending. *is_unix tells the family. */
int sock_accept(int lfd, bool *is_unix);
/* true when sock_accept's error `err` (positive errno) concerns only the
 * connection being accepted (the peer aborted, a network error already
 * pending on it): the next one can be accepted at once. Otherwise (no
 * descriptor left, say) the caller waits for the next turn. */
bool sock_accept_error_is_per_connection(int err);
/* Test builds (-DKILAT_CHECKS): the next `count` accepts take their
 * connection, close it and return -err, as the kernel does for a
 * connection that failed while queued. Returns false in release builds. */
bool sock_accept_fault_set(int err, unsigned count);
/* Enables keepalive probes every `interval` seconds (0: leave off). */
void sock_set_keepalive(int fd, int interval);
ssize_t sock_read(int fd, void *buf, size_t len);        /* 0 = peer closed */
ssize_t sock_write(int fd, const void *buf, size_t len);
void sock_close(int fd);
/* Waits until fd is readable (or writable) for at most timeout_ms: 1 when
 * ready, 0 on timeout, a negative errno on failure. */
int sock_wait(int fd, bool writable, int timeout_ms);
/* Connects to host (a name or an address) and port, waiting at most
 * timeout_ms for the socket to become writable (the caller blocks:
 * MIGRATE). Returns a non-blocking fd with TCP_NODELAY, or a negative errno
 * (-ETIMEDOUT on timeout). As Redis's blocking connect, an attempt that
 * fails while in progress (refused) is not reported here but by the first
 * write or read on the fd. */
int sock_connect_tcp(const char *host, int port, int timeout_ms);
/* "ip:port" (or "path:0" style for unix: "/tmp/x.sock:0") of the peer or
 * the local end; "?:0" if unknown. */
void sock_peer_name(int fd, bool is_unix, char *out, size_t outlen);
void sock_local_name(int fd, bool is_unix, char *out, size_t outlen);
/* true if the address is a loopback one (for protected mode). */
bool sock_peer_is_loopback(int fd, bool is_unix);

#endif
