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

/* enable-debug-command / enable-module-command (`directive`): "no" refuses
 * the protected command, "local" allows it from loopback and Unix-socket
 * clients, "yes" allows it. Protected commands ask it from their gate
 * (Command.gate), before AUTH and ACL, as Redis. */
bool conn_protected_allowed(const Client *c, const char *directive);

#endif
