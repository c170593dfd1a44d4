/* base.c -- the assertion failure path shared by every module. */
#include "base.h"

#include <stdio.h>
#include <stdlib.h>

static void (*assert_hook)(const char *, const char *, int);

void base_set_assert_hook(void (*hook)(const char *, const char *, int)) { assert_hook = hook; }

void base_assert_fail(const char *expr, const char *file, int line) {
    if (assert_hook) assert_hook(expr, file, line);
    fprintf(stderr, "kilat: assertion failed: %s (%s:%d)\n", expr, file, line);
    abort();
}
