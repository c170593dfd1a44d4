/* persist/crc64.h -- the CRC-64 that RDB files and DUMP payloads carry:
 * the "Jones" polynomial (0xad93d23594c935a9), reflected, initial value 0,
 * no final xor; crc64(0, "123456789") == 0xe9c6d914c4b8d9ca. */
#ifndef KILAT_CRC64_H
#define KILAT_CRC64_H

#include "../base.h"

/* Continues crc over n bytes (start with crc = 0). */
uint64_t crc64(uint64_t crc, const void *data, size_t n);

#endif
