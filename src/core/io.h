/* core/io.h -- how a client asks the event loop (server.c) for readiness
 * events; kept apart so client.c does not depend on the loop's internals. */
#ifndef KILAT_IO_H
#define KILAT_IO_H

#include "client.h"

/* Sets c's poll interest (POLL_READ / POLL_WRITE / POLL_NONE). */
void io_watch(Client *c, int mask);

#endif
