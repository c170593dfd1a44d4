/* persist/dump.h -- what DUMP (cmd_dump.c) shares with MIGRATE. */
#ifndef KILAT_DUMP_H
#define KILAT_DUMP_H

#include "../base.h"

/* rdbcompression: whether payloads LZF-compress long strings (as Redis,
 * DUMP and MIGRATE follow the directive). */
bool dump_compress(void);

#endif
