/* tests/unit/unit.h -- a tiny test harness: CHECK counts, unit_finish()
 * prints "N passed, N failed" and fails the process on any failure or on
 * memory still held (mem_used() != 0 at the end is a leak). */
#ifndef KILAT_UNIT_H
#define KILAT_UNIT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ds/mem.h"

static int unit_passed, unit_failed;

#define CHECK(cond)                                                        \
    do {                                                                   \
        if (cond) {                                                        \
            unit_passed++;                                                 \
        } else {                                                           \
            unit_failed++;                                                 \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, \
                    #cond);                                                \
        }                                                                  \
    } while (0)

#define CHECK_MEM(a, alen, b) CHECK((alen) == strlen(b) && memcmp((a), (b), (alen)) == 0)

static inline int unit_finish(const char *name) {
    size_t left = mem_used();
    if (left != 0) {
        fprintf(stderr, "%s: leak: %zu bytes still allocated\n", name, left);
        unit_failed++;
    }
    printf("%s: %d passed, %d failed\n", name, unit_passed, unit_failed);
    return unit_failed ? 1 : 0;
}

#endif
