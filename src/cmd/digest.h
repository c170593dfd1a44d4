/* cmd/digest.h -- content signatures for DEBUG DIGEST and DIGEST-VALUE:
 * equal contents give equal digests, whatever the encodings. */
#ifndef KILAT_DIGEST_H
#define KILAT_DIGEST_H

#include "../base.h"

#define DIGEST_LEN 20

struct Entry;
/* The digest of one value: its type, contents and whether the key has a
 * TTL (as Redis's); not the key name or the TTL's value. */
void digest_value(struct Entry *e, uint8_t out[DIGEST_LEN]);
/* The digest of every key of every database with its TTL and value;
 * all zeros when the dataset is empty. Expired keys met are deleted. */
void digest_dataset(uint8_t out[DIGEST_LEN]);
/* 40 lower-case hex digits and a NUL. */
void digest_hex(const uint8_t d[DIGEST_LEN], char out[2 * DIGEST_LEN + 1]);

#endif
