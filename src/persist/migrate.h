/* persist/migrate.h -- MIGRATE's cache of connections to target servers,
 * one per "host:port", closed after 10 s unused (as Redis 7.0). */
#ifndef KILAT_MIGRATE_H
#define KILAT_MIGRATE_H

#include "../base.h"

/* Registers the cache's cron step (once, at start). */
void migrate_init(void);
/* Connections held (INFO's migrate_cached_sockets). */
size_t migrate_cached_sockets(void);
/* Closes every cached connection (at exit). */
void migrate_close_all(void);

#endif
