/* script/sha1.h -- SHA-1 (FIPS 180-4) of a byte string, as the 40 lower-case
 * hex digits that name a script in the cache (EVALSHA, redis.sha1hex). */
#ifndef KILAT_SHA1_H
#define KILAT_SHA1_H

#include "../base.h"

/* Writes the digest of data[0..len) as 40 hex digits and a NUL into out. */
void sha1_hex(const void *data, size_t len, char out[41]);

#endif
