/* core/config_text.h -- text helpers shared by the config modules
 * (config.c, config_rewrite.c); not for other modules. */
#ifndef KILAT_CONFIG_TEXT_H
#define KILAT_CONFIG_TEXT_H

#include "../base.h"
#include "../ds/buf.h"

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
