/* os/proc.h -- process-level OS services: signals, daemonizing, pid files,
 * resident memory, CPU usage. */
#ifndef KILAT_PROC_H
#define KILAT_PROC_H

#include "../base.h"

/* Ignores SIGPIPE and makes SIGTERM/SIGINT set the flag proc_shutdown_requested. */
void proc_install_signals(void);
bool proc_shutdown_requested(void);
bool proc_shutdown_by_sigint(void);     /* the request came from SIGINT */
void proc_clear_shutdown_request(void);
/* A SIGINT while a shutdown is already requested exits at once (the user
 * insists), removing this file first if set (a half-written snapshot).
 * NULL clears it. */
void proc_set_insist_unlink(const char *path);
/* Detaches from the terminal (fork + setsid, stdio to /dev/null). */
void proc_daemonize(void);
/* Writes the pid to path; false on error. */
bool proc_write_pidfile(const char *path);
void proc_remove_file(const char *path);
size_t proc_rss_bytes(void);            /* resident set size, 0 if unknown */
size_t proc_system_memory(void);        /* physical memory of the machine, 0 if unknown */
void proc_cpu_usage(double *sys_s, double *user_s);
int proc_pid(void);
/* Changes the working directory; negative errno on failure. */
int proc_chdir(const char *dir);
/* Raises the open-file limit towards n if it is lower (trying n, then 16
 * fewer at a time); returns the limit now, or -1 if it cannot be read.
 * *was gets the limit before, *err the errno of the last failure (0). */
long proc_raise_fd_limit(long n, long *was, int *err);

#endif
