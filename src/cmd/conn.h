/* cmd/conn.h -- connection helpers shared with CLIENT (cmd/server.c). */
#ifndef KILAT_CONN_H
#define KILAT_CONN_H

#include "../core/client.h"

/* The Redis version kilat reports (clients gate features on it). */
#define KILAT_REDIS_VERSION "7.0.15"

/* Client names: printable ASCII without spaces ('!'..'~'). */
bool conn_valid_name(const char *s, size_t len);
/* Sets (len > 0) or clears the client's name. */
void conn_set_name(Client *c, const char *s, size_t len);

#endif
