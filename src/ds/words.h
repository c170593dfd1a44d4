/* ds/words.h -- words of a line split as redis.conf splits them, and
 * Redis's repr quoting: for the config modules and for FUNCTION's
 * `#!lua name=...` line, which Redis splits the same way. */
#ifndef KILAT_WORDS_H
#define KILAT_WORDS_H

#include "../base.h"
#include "buf.h"

/* s quoted as Redis's sdscatrepr writes it ("a \"b\"", \xHH). */
void buf_repr(Buf *b, const char *s);

/* A list of owned words. Zero = empty; args_free releases and zeroes. */
typedef struct Args {
    int argc, cap;
    char **argv;
} Args;

void args_push(Args *a, const char *s, size_t n);
void args_free(Args *a);
/* Splits a line as redis.conf does: words separated by white space,
 * "double quotes" with \n \r \t \b \a \xHH and \<c> escapes, 'single
 * quotes' with only \' escaped. False on unbalanced quotes (a is then
 * empty). */
bool split_args(const char *p, Args *a);
/* CONFIG SET's split of a multi-argument value: on single spaces, so that
 * "a  b" has an empty word between (Redis refuses those); "" is no words. */
void split_spaces(const char *s, Args *a);

#endif
