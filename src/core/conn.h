/* core/conn.h -- a client's transport. A plain socket has no ConnType
 * (c->conn == NULL): client.c calls sock_read/sock_write on c->fd itself,
 * so plain TCP pays one pointer test. A transport above core (tls/) fills
 * a ConnType and registers it with conn_set_tls(); core never includes its
 * headers. Every call follows os/sock.h's convention: a negative errno on
 * failure, -EAGAIN when the socket is not ready. */
#ifndef KILAT_CONN_H
#define KILAT_CONN_H

#include <sys/types.h>

#include "../base.h"

struct Client;

typedef struct ConnType {
    const char *name;                       /* "tls" */
    /* Sets up the transport on a newly accepted client (c->fd is open);
     * false: the client is dropped at once. */
    bool (*init)(struct Client *c);
    /* One step of the server-side handshake: 1 done, 0 not yet (then
     * *want_write says whether it waits for the socket to be writable
     * rather than readable), -1 failed (logged; the client goes). */
    int (*handshake)(struct Client *c, bool *want_write);
    /* As sock_read/sock_write: bytes moved, 0 peer closed (read only),
     * -EAGAIN, or another negative errno. */
    ssize_t (*read)(struct Client *c, void *buf, size_t len);
    ssize_t (*write)(struct Client *c, const void *buf, size_t len);
    /* Bytes already taken off the socket and waiting in the transport:
     * the poller will not report them, so the loop reads again. */
    bool (*pending)(const struct Client *c);
    /* Frees the transport's state; the caller closes c->fd after. */
    void (*free)(struct Client *c);
} ConnType;

/* What a TLS layer gives core. configure (re)builds its context from the
 * tls-* directives (config_value), logging what is wrong as Redis does;
 * false leaves the previous context in place. configured: a context is
 * in place. cleanup: at exit. */
typedef struct {
    const ConnType *conn;
    bool (*configure)(void);
    bool (*configured)(void);
    void (*cleanup)(void);
    /* Outgoing links (MIGRATE when tls-cluster is yes), blocking callers:
     * link_new starts a client-side TLS session on a connected fd (NULL
     * when TLS is not configured); link_handshake, link_read and
     * link_write return as ConnType's do (-EAGAIN: wait on the fd, in the
     * direction *want_write says for the handshake, else the call's own);
     * link_free frees the session (the caller closes the fd). */
    void *(*link_new)(int fd);
    int (*link_handshake)(void *link, bool *want_write);
    ssize_t (*link_read)(void *link, void *buf, size_t len);
    ssize_t (*link_write)(void *link, const void *buf, size_t len);
    void (*link_free)(void *link);
} ConnTls;

/* Registered by tls/ at start; NULL when the server is built without it. */
void conn_set_tls(const ConnTls *t);
extern const ConnTls *conn_tls;

#endif
