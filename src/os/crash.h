/* os/crash.h -- the crash report: on a fatal signal (SIGSEGV, SIGBUS,
 * SIGFPE, SIGILL, SIGABRT) or a failed ASSERT, writes Redis's "crashed by
 * signal" report with a STACK TRACE section to the log, then dies of the
 * same signal (so the exit status and any core dump stay truthful). */
#ifndef KILAT_CRASH_H
#define KILAT_CRASH_H

#include "../base.h"

/* Installs the handlers. logfile: where reports go ("" or NULL: stdout);
 * copied. version: printed in the report; must outlive the process. */
void crash_install(const char *logfile, const char *version);

/* Writes a "Guru Meditation" panic report and aborts; the SIGABRT report
 * adds the stack trace (DEBUG PANIC, impossible states). */
void crash_panic(const char *msg, const char *file, int line) __attribute__((noreturn));

#endif
