/* core/log.c -- log lines, opened and closed per line so logrotate works. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <sys/time.h>
#include <time.h>

#include "../os/proc.h"

static FILE *log_open(void) {
    return cfg.logfile && cfg.logfile[0] ? fopen(cfg.logfile, "a") : stdout;
}

static void log_close(FILE *f) {
    fflush(f);
    if (f != stdout) fclose(f);
}

void log_raw(int level, const char *fmt, ...) {
    if (level < cfg.loglevel) return;
    FILE *f = log_open();
    if (!f) return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    log_close(f);
}

void log_msg(int level, const char *fmt, ...) {
    if (level < cfg.loglevel) return;
    char msg[1024], ts[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    FILE *f = log_open();
    if (!f) return;
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    localtime_r(&tv.tv_sec, &tm);
    size_t n = strftime(ts, sizeof(ts), "%d %b %Y %H:%M:%S.", &tm);
    snprintf(ts + n, sizeof(ts) - n, "%03d", (int)(tv.tv_usec / 1000));
    static const char marks[] = ".-*#";
    fprintf(f, "%d:M %s %c %s\n", proc_pid(), ts, marks[level & 3], msg);
    log_close(f);
}
