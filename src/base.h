/* base.h -- the few macros every module uses. Nothing else belongs here:
 * no global state, no types of other modules (there is no god header). */
#ifndef KILAT_BASE_H
#define KILAT_BASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)
#define WUR __attribute__((warn_unused_result))
#define UNUSED(x) ((void)(x))
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ASSERT stays on in release builds: a broken invariant must stop the
 * server before it corrupts data. */
void base_assert_fail(const char *expr, const char *file, int line)
    __attribute__((noreturn));
/* A function that reports the failure (the crash report) before the
 * process aborts; it must return. */
void base_set_assert_hook(void (*hook)(const char *expr, const char *file, int line));
#define ASSERT(e) (LIKELY(e) ? (void)0 : base_assert_fail(#e, __FILE__, __LINE__))

#endif
