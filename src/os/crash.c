/* os/crash.c -- the crash report (see crash.h). The signal path uses only
 * async-signal-safe calls (open, write, backtrace_symbols_fd) plus
 * formatting into stack buffers; backtrace() is primed at install, since
 * its first call may load libgcc (which allocates). */
#include "crash.h"

#include <execinfo.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char log_path[1024]; /* "" = stdout */
static const char *server_version = "";

static int report_open(void) {
    if (!log_path[0]) return STDOUT_FILENO;
    int fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT, 0644);
    return fd < 0 ? STDERR_FILENO : fd;
}

static void report_close(int fd) {
    if (fd > STDERR_FILENO) close(fd);
}

static void put(int fd, const char *s, size_t n) {
    while (n) {
        ssize_t w = write(fd, s, n);
        if (w <= 0) return;
        s += w;
        n -= (size_t)w;
    }
}

/* One log line "pid:M # text", as the server log writes warnings. */
static void line(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void line(int fd, const char *fmt, ...) {
    char buf[512];
    int n = snprintf(buf, sizeof(buf), "%d:M # ", (int)getpid());
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(buf + n, sizeof(buf) - (size_t)n - 1, fmt, ap);
    va_end(ap);
    size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
    if (len > sizeof(buf) - 2) len = sizeof(buf) - 2;
    buf[len++] = '\n';
    put(fd, buf, len);
}

static void stack_trace(int fd) {
    void *frames[64];
    int n = backtrace(frames, (int)ARRAY_LEN(frames));
    static const char head[] = "\n------ STACK TRACE ------\n\nBacktrace:\n";
    put(fd, head, sizeof(head) - 1);
    backtrace_symbols_fd(frames, n, fd);
    put(fd, "\n", 1);
}

static void report_end(int fd) {
    line(fd, "=== KILAT BUG REPORT END. Make sure to include from START to END. ===");
    line(fd, "kilat %s is the server; please report the crash with this log.", server_version);
}

static void on_fatal(int sig, siginfo_t *info, void *uctx) {
    UNUSED(uctx);
    int fd = report_open();
    put(fd, "\n\n", 2);
    line(fd, "=== KILAT BUG REPORT START: Cut & paste starting from here ===");
    line(fd, "kilat %s (Redis 7.0 compatible) crashed by signal: %d, si_code: %d", server_version,
         sig, info ? info->si_code : 0);
    if (info && (sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE || sig == SIGILL))
        line(fd, "Accessing address: %p", info->si_addr);
    if (info && info->si_code == SI_USER)
        line(fd, "Killed by PID: %d, UID: %d", (int)info->si_pid, (int)info->si_uid);
    stack_trace(fd);
    report_end(fd);
    report_close(fd);
    /* The handler was installed with SA_RESETHAND: die of the same signal. */
    raise(sig);
}

static void on_assert(const char *expr, const char *file, int line_no) {
    int fd = report_open();
    line(fd, "=== ASSERTION FAILED ===");
    line(fd, "==> %s:%d '%s' is not true", file, line_no, expr);
    report_close(fd);
    /* abort() raises SIGABRT: on_fatal writes the report and the trace. */
}

void crash_panic(const char *msg, const char *file, int line_no) {
    int fd = report_open();
    line(fd, "------------------------------------------------");
    line(fd, "!!! Software Failure. Press left mouse button to continue");
    line(fd, "Guru Meditation: %s #%s:%d", msg, file, line_no);
    report_close(fd);
    abort(); /* the SIGABRT handler writes the stack trace */
}

void crash_install(const char *logfile, const char *version) {
    snprintf(log_path, sizeof(log_path), "%s", logfile ? logfile : "");
    server_version = version;
    void *prime[4];
    backtrace(prime, (int)ARRAY_LEN(prime));
    base_set_assert_hook(on_assert);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_SIGINFO | SA_RESETHAND | SA_NODEFER;
    sa.sa_sigaction = on_fatal;
    const int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
    for (size_t i = 0; i < ARRAY_LEN(sigs); i++) sigaction(sigs[i], &sa, NULL);
}
