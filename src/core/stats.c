/* core/stats.c -- counters. Error codes are few, kept in a small list;
 * like Redis, at most 128 distinct codes are tracked. */
#include "stats.h"

#include <string.h>

#include "../ds/mem.h"

Stats stats;

#define MAX_ERROR_CODES 128

typedef struct {
    char code[32];
    uint64_t count;
} ErrorCount;

static ErrorCount errors[MAX_ERROR_CODES];
static int nerrors;

void stats_count_error(const char *msg) {
    stats.total_error_replies++;
    size_t n = strcspn(msg, " ");
    if (n >= sizeof(errors[0].code)) n = sizeof(errors[0].code) - 1;
    for (int i = 0; i < nerrors; i++) {
        if (strlen(errors[i].code) == n && memcmp(errors[i].code, msg, n) == 0) {
            errors[i].count++;
            return;
        }
    }
    if (nerrors == MAX_ERROR_CODES) return;
    memcpy(errors[nerrors].code, msg, n);
    errors[nerrors].code[n] = '\0';
    errors[nerrors].count = 1;
    nerrors++;
}

void stats_foreach_error(void (*fn)(void *ctx, const char *code, uint64_t n), void *ctx) {
    for (int i = 0; i < nerrors; i++) fn(ctx, errors[i].code, errors[i].count);
}

void stats_reset(void) {
    int64_t start = stats.start_ms;
    memset(&stats, 0, sizeof(stats));
    stats.start_ms = start;
    nerrors = 0;
}

void stats_free(void) { nerrors = 0; }
