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
 * the command, "local" allows it from loopback and Unix-socket clients,
 * "yes" allows it. Refused: replies Redis's error naming `command` and
 * returns false. */
bool conn_protected_allowed_or_reply(Client *c, const char *command, const char *directive);

#endif
