/* main.c -- kilat-server: arguments and config, then the event loop. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl/acl.h"
#include "cmd/families.h"
#include "core/command.h"
#include "core/config.h"
#include "core/db.h"
#include "core/client_evict.h"
#include "core/evict.h"
#include "core/latency.h"
#include "core/lfu.h"
#include "core/log.h"
#include "core/server.h"
#include "core/slowlog.h"
#include "core/stats.h"
#include "ds/ht.h"
#include "ds/mem.h"
#include "os/clock.h"
#include "os/crash.h"
#include "os/proc.h"
#include "os/proctitle.h"
#include "os/thread.h"
#include "persist/persist.h"
#include "tls/tls.h"

#define KILAT_VERSION "0.1.0"

static void seed_hash(void) {
    uint8_t seed[16];
    FILE *f = fopen("/dev/urandom", "rb");
    size_t n = f ? fread(seed, 1, sizeof(seed), f) : 0;
    if (f) fclose(f);
    if (n != sizeof(seed)) {
        uint64_t t = (uint64_t)clock_mono_us() ^ ((uint64_t)proc_pid() << 32);
        memcpy(seed, &t, 8);
        memcpy(seed + 8, &t, 8);
    }
    ht_set_seed(seed);
}

/* Redis prints an ASCII-art logo with "PID: <pid>" when always-show-logo
 * is yes; tools (Redis's own test suite among them) wait for that line to
 * know the server started, so kilat prints its own banner with the same
 * fields. Without it, one line as Redis writes it. */
static void show_banner(void) {
    int port = cfg.port ? cfg.port : cfg.tls_port; /* as Redis: TLS when only TLS */
    if (config_yes("always-show-logo")) {
        log_raw(LOG_NOTICE,
                "\n"
                "    _    _ _       _\n"
                "   | | _(_) | __ _| |_    kilat %s (Redis 7.0 compatible) %d bit\n"
                "   | |/ / | |/ _` | __|   Running in standalone mode\n"
                "   |   <| | | (_| | |_    Port: %d\n"
                "   |_|\\_\\_|_|\\__,_|\\__|   PID: %d\n\n",
                KILAT_VERSION, (int)(sizeof(void *) * 8), port, proc_pid());
    } else {
        log_msg(LOG_NOTICE, "Running mode=standalone, port=%d.", port);
    }
}

static int usage(void) {
    fprintf(stderr,
            "Usage: ./kilat-server [/path/to/kilat.conf] [options] [-]\n"
            "       ./kilat-server - (read config from stdin)\n"
            "       ./kilat-server -v or --version\n"
            "       ./kilat-server -h or --help\n\n"
            "Examples:\n"
            "       ./kilat-server (run the server with default conf)\n"
            "       ./kilat-server /etc/redis/6379.conf\n"
            "       ./kilat-server --port 7777\n"
            "       ./kilat-server /etc/mykilat.conf --loglevel verbose\n");
    return 1;
}

/* Room for maxclients plus 32 descriptors (listeners, files, log) as
 * Redis: the limit is raised when it is lower; when it cannot be raised
 * enough, the log says so with Redis's messages and the maxclients that
 * fits is returned (the server exits when not even 32 are left). */
#define RESERVED_FDS 32
static long open_files_for(long maxclients) {
    long want = maxclients + RESERVED_FDS, was;
    int err;
    long best = proc_raise_fd_limit(want, &was, &err);
    if (best < 0) {
        log_msg(LOG_WARNING, "Unable to obtain the current NOFILE limit (%s), assuming 1024 and "
                             "setting the max clients configuration accordingly.", strerror(err));
        return 1024 - RESERVED_FDS;
    }
    if (was >= want) return maxclients;
    if (best >= want) {
        log_msg(LOG_NOTICE, "Increased maximum number of open files to %ld (it was originally set to %ld).",
                want, was);
        return maxclients;
    }
    if (best <= RESERVED_FDS) {
        log_msg(LOG_WARNING, "Your current 'ulimit -n' of %ld is not enough for the server to start. "
                             "Please increase your open file limit to at least %ld. Exiting.", was, want);
        exit(1);
    }
    log_msg(LOG_WARNING, "You requested maxclients of %ld requiring at least %ld max file descriptors.",
            maxclients, want);
    log_msg(LOG_WARNING, "Server can't set maximum open files to %ld because of OS error: %s.", want,
            strerror(err));
    log_msg(LOG_WARNING, "Current maximum open files is %ld. maxclients has been reduced to %ld to "
                         "compensate for low ulimit. If you need higher maxclients increase 'ulimit -n'.",
            best, best - RESERVED_FDS);
    return best - RESERVED_FDS;
}

/* At start: maxclients shrinks to what the open-file limit allows (also
 * what CONFIG GET shows). */
static void adjust_open_files(void) {
    long fit = open_files_for(cfg.maxclients);
    if (fit == cfg.maxclients) return;
    char v[24];
    const char *err = NULL;
    snprintf(v, sizeof(v), "%ld", fit);
    if (!config_set("maxclients", v, &err)) cfg.maxclients = (int)fit;
}

/* CONFIG SET maxclients: the open-file limit follows; a value it cannot
 * hold is refused with Redis's text and the old value stays. */
static bool on_set_maxclients(const char **err) {
    static char msg[128];
    long fit = open_files_for(cfg.maxclients);
    if (fit == cfg.maxclients) return true;
    snprintf(msg, sizeof(msg),
             "The operating system is not able to handle the specified number of clients, try with %ld",
             fit);
    *err = msg;
    return false;
}

/* jemalloc-bg-thread, at start and on CONFIG SET: without it the pages
 * of 10,000 clients gone stay resident while the server is idle. */
static bool on_set_bg_thread(const char **err) {
    mem_background_purge(cfg.jemalloc_bg_thread);
    return true;
}

int main(int argc, char **argv) {
    if (argc == 2 && (!strcmp(argv[1], "-v") || !strcmp(argv[1], "--version"))) {
        printf("kilat server v=%s (Redis 7.0 compatible) malloc=%s\n", KILAT_VERSION,
               mem_allocator_name());
        return 0;
    }
    if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) return usage();
    setlocale(LC_COLLATE, ""); /* SORT ALPHA collates as Redis does (strcoll) */
    if (!config_load(argc, argv)) return 1;
    proctitle_init(argc, argv);
    seed_hash();
    if (cfg.dir && cfg.dir[0]) {
        int err = proc_chdir(cfg.dir);
        if (err < 0) {
            fprintf(stderr, "Can't chdir to '%s': %s\n", cfg.dir, strerror(-err));
            return 1;
        }
    }
    if (cfg.daemonize) proc_daemonize();
    proc_install_signals();
    crash_install(cfg.logfile, KILAT_VERSION);
    adjust_open_files();
    config_on_set("maxclients", on_set_maxclients);
    mem_background_purge(cfg.jemalloc_bg_thread);
    config_on_set("jemalloc-bg-thread", on_set_bg_thread);
    thread_bg_start();
    db_init_all(cfg.databases);
    if (!evict_init()) return 1;
    client_evict_init();
    lfu_init();
    cmd_register_all();
    command_init();
    if (!config_foreach_rename(command_rename)) return 1;
    tls_init();
    if (!acl_init()) return 1;
    if (!server_init()) {
        log_msg(LOG_WARNING, "Failed creating the event loop");
        return 1;
    }
    log_msg(LOG_NOTICE, "kilat %s (Redis 7.0 compatible) starting, pid=%d, port=%d", KILAT_VERSION,
            proc_pid(), cfg.port);
    /* listen first, as Redis does: the suite's harness reads "Failed
     * listening on port" to retry on another port only until it sees the
     * banner's PID line */
    if (!server_listen()) return 1;
    show_banner();
    if (!persist_load_at_start()) { /* what was loaded before the bad byte goes too */
        server_cleanup();
        thread_bg_drain();
        db_free_all();
        return 1;
    }
    if (cfg.pidfile && cfg.pidfile[0] && !proc_write_pidfile(cfg.pidfile))
        log_msg(LOG_WARNING, "Failed to write PID file: %s", cfg.pidfile);
    server_update_proc_title();
    if (cfg.port) log_msg(LOG_NOTICE, "Ready to accept connections tcp");
    if (cfg.tls_port) log_msg(LOG_NOTICE, "Ready to accept connections tls");
    server_run();
    log_msg(LOG_WARNING, "kilat is now ready to exit, bye bye...");
    server_cleanup();
    if (cfg.pidfile && cfg.pidfile[0]) proc_remove_file(cfg.pidfile);
    thread_bg_drain();
    db_free_all();
    stats_free();
    command_reset_stats(); /* frees the histograms */
    slowlog_free();
    latency_free();
    config_free();
    return 0;
}
