/* ds/glob.h -- Redis's glob matching (KEYS, SCAN MATCH, PSUBSCRIBE, CONFIG
 * GET): * ? [abc] [^a] [a-z] and \ escapes, on binary-safe strings. */
#ifndef KILAT_GLOB_H
#define KILAT_GLOB_H

#include "../base.h"

/* true if `str` matches `pat`; nocase folds ASCII case. Bounded recursion:
 * a hostile pattern cannot blow the stack or take exponential time. */
bool glob_match(const char *pat, size_t plen, const char *str, size_t slen, bool nocase);

#endif
