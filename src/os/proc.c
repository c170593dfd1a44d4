/* os/proc.c -- POSIX implementation of process services. */
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static volatile sig_atomic_t shutdown_flag;
static char insist_unlink[512]; /* removed by a second SIGINT (see proc.h) */

static void on_term(int sig) {
    if (sig == SIGINT && shutdown_flag) {
        static const char msg[] = "You insist... exiting now.\n";
        if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) { /* best effort */
        }
        if (insist_unlink[0]) unlink(insist_unlink);
        _exit(1);
    }
    shutdown_flag = sig;
}

void proc_set_insist_unlink(const char *path) {
    insist_unlink[0] = '\0';
    if (!path) return;
    size_t n = strlen(path);
    if (n >= sizeof(insist_unlink)) return;
    memcpy(insist_unlink, path, n + 1);
}

void proc_install_signals(void) {
    struct sigaction sa = {0};
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
    sa.sa_handler = on_term;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
}

bool proc_shutdown_requested(void) { return shutdown_flag != 0; }
bool proc_shutdown_by_sigint(void) { return shutdown_flag == SIGINT; }
void proc_clear_shutdown_request(void) { shutdown_flag = 0; }

void proc_daemonize(void) {
    pid_t pid = fork();
    if (pid < 0) return;
    if (pid > 0) _exit(0);
    setsid();
    int fd = open("/dev/null", O_RDWR);
    if (fd >= 0) {
        dup2(fd, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        if (fd > 2) close(fd);
    }
}

bool proc_write_pidfile(const char *path) {
    FILE *f = fopen(path, "w");
    if (!f) return false;
    fprintf(f, "%d\n", (int)getpid());
    fclose(f);
    return true;
}

void proc_remove_file(const char *path) { unlink(path); }

size_t proc_rss_bytes(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f) return 0;
    unsigned long size = 0, rss = 0;
    int n = fscanf(f, "%lu %lu", &size, &rss);
    fclose(f);
    if (n != 2) return 0;
    return rss * (size_t)sysconf(_SC_PAGESIZE);
}

size_t proc_system_memory(void) {
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    return pages > 0 && size > 0 ? (size_t)pages * (size_t)size : 0;
}

void proc_cpu_usage(double *sys_s, double *user_s) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    *sys_s = ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
    *user_s = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6;
}

int proc_pid(void) { return (int)getpid(); }

int proc_chdir(const char *dir) { return chdir(dir) < 0 ? -errno : 0; }

long proc_raise_fd_limit(long n, long *was, int *err) {
    struct rlimit rl;
    *err = 0;
    if (getrlimit(RLIMIT_NOFILE, &rl) < 0) {
        *err = errno;
        *was = -1;
        return -1;
    }
    long old = *was = (long)rl.rlim_cur;
    if (old >= n) return old;
    /* As Redis: soft and hard limit together (a privileged process may
     * raise the hard one), then 16 fewer at a time down to the old limit. */
    for (long best = n; best > old; best -= 16) {
        rl.rlim_cur = rl.rlim_max = (rlim_t)best;
        if (setrlimit(RLIMIT_NOFILE, &rl) == 0) return best;
        *err = errno;
        if (best < 16) break;
    }
    return old;
}
