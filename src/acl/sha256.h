/* acl/sha256.h -- SHA-256 (FIPS 180-4), for ACL password hashes. */
#ifndef KILAT_ACL_SHA256_H
#define KILAT_ACL_SHA256_H

#include "../base.h"

/* The digest of data[0..len) as 64 lower-case hex characters + NUL. */
void sha256_hex(const void *data, size_t len, char out[65]);

#endif
