/* core/log.c -- log lines, opened and closed per line so logrotate works. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <sys/time.h>
#include <time.h>

#include "../os/proc.h"

void log_msg(int level, const char *fmt, ...) {
    if (level < cfg.loglevel) return;
    FILE *f = stdout;
    bool to_file = cfg.logfile && cfg.logfile[0];
    if (to_file) {
        f = fopen(cfg.logfile, "a");
        if (!f) return;
    }
    char msg[1024], ts[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    localtime_r(&tv.tv_sec, &tm);
    size_t n = strftime(ts, sizeof(ts), "%d %b %Y %H:%M:%S.", &tm);
    snprintf(ts + n, sizeof(ts) - n, "%03d", (int)(tv.tv_usec / 1000));
    static const char marks[] = ".-*#";
    fprintf(f, "%d:M %s %c %s\n", proc_pid(), ts, marks[level & 3], msg);
    fflush(f);
    if (to_file) fclose(f);
}
