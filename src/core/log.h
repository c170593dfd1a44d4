/* core/log.h -- the server log: to logfile or stdout, filtered by loglevel,
 * in Redis's line format ("pid:M 25 Nov 2026 20:39:15.123 * message"). */
#ifndef KILAT_LOG_H
#define KILAT_LOG_H

#include "config.h"

void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Text as it is, no timestamp or newline added (the startup banner). */
void log_raw(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
