/* cmd/bitops.h -- what the bitmap commands (bitops.c) share with
 * BITFIELD (bitfield.c). */
#ifndef KILAT_CMD_BITOPS_H
#define KILAT_CMD_BITOPS_H

#include "../core/client.h"

/* Parses argv[i] as a bit offset, as Redis's getBitOffsetFromArgument:
 * a non-negative integer whose byte (offset / 8) is below
 * proto-max-bulk-len (not checked while loading a file); with
 * `field_bits` > 0 the form "#n" means n * field_bits (BITFIELD). On
 * failure replies "ERR bit offset is not an integer or out of range". */
bool bitops_offset_or_reply(Client *c, int i, int field_bits, uint64_t *off);

#endif
