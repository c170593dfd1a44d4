/* core/conn.c -- the transport registry: the TLS layer, when built in,
 * registers here at start (see conn.h). */
#include "conn.h"

const ConnTls *conn_tls;

void conn_set_tls(const ConnTls *t) { conn_tls = t; }
