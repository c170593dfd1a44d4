/* ds/buf.h -- a growable text buffer (config files, ACL rules and errors).
 * Memory from ds/mem; the caller frees b->p with mem_free. */
#ifndef KILAT_BUF_H
#define KILAT_BUF_H

#include "../base.h"

/* A growable text, always NUL-terminated once written to. Zero = empty. */
typedef struct Buf {
    char *p;
    size_t len, cap;
} Buf;

void buf_reserve(Buf *b, size_t n); /* room for n more bytes and the NUL */
void buf_add(Buf *b, const char *s, size_t n);
void buf_str(Buf *b, const char *s);
void buf_printf(Buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
