/* base.c -- the assertion failure path shared by every module. */
#include "base.h"

#include <stdio.h>
#include <stdlib.h>

void base_assert_fail(const char *expr, const char *file, int line) {
    fprintf(stderr, "kilat: assertion failed: %s (%s:%d)\n", expr, file, line);
    abort();
}
