/* tls/tls.h -- TLS for client connections with OpenSSL, as Redis 7.0's
 * tls-* directives describe it. Sits above core: it registers its
 * transport with conn_set_tls() (core/conn.h) and its CONFIG SET hooks
 * with config_on_set(); core never includes this header. */
#ifndef KILAT_TLS_H
#define KILAT_TLS_H

/* Registers the transport and the hooks; call once at start, before the
 * server listens (it configures TLS itself when tls-port is set). */
void tls_init(void);

#endif
