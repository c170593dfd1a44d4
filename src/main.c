/* main.c -- kilat-server: arguments and config, then the event loop. */
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
    if (config_yes("always-show-logo")) {
        log_raw(LOG_NOTICE,
                "\n"
                "    _    _ _       _\n"
                "   | | _(_) | __ _| |_    kilat %s (Redis 7.0 compatible) %d bit\n"
                "   | |/ / | |/ _` | __|   Running in standalone mode\n"
                "   |   <| | | (_| | |_    Port: %d\n"
                "   |_|\\_\\_|_|\\__,_|\\__|   PID: %d\n\n",
                KILAT_VERSION, (int)(sizeof(void *) * 8), cfg.port, proc_pid());
    } else {
        log_msg(LOG_NOTICE, "Running mode=standalone, port=%d.", cfg.port);
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

int main(int argc, char **argv) {
    if (argc == 2 && (!strcmp(argv[1], "-v") || !strcmp(argv[1], "--version"))) {
        printf("kilat server v=%s (Redis 7.0 compatible) malloc=%s\n", KILAT_VERSION,
               mem_allocator_name());
        return 0;
    }
    if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) return usage();
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
    proc_raise_fd_limit((long)cfg.maxclients + 32);
    thread_bg_start();
    db_init_all(cfg.databases);
    if (!evict_init()) return 1;
    client_evict_init();
    lfu_init();
    cmd_register_all();
    command_init();
    if (!config_foreach_rename(command_rename)) return 1;
    if (!acl_init()) return 1;
    if (!server_init()) {
        log_msg(LOG_WARNING, "Failed creating the event loop");
        return 1;
    }
    log_msg(LOG_NOTICE, "kilat %s (Redis 7.0 compatible) starting, pid=%d, port=%d", KILAT_VERSION,
            proc_pid(), cfg.port);
    show_banner();
    if (!server_listen()) return 1;
    if (!persist_load_at_start()) { /* what was loaded before the bad byte goes too */
        server_cleanup();
        thread_bg_drain();
        db_free_all();
        return 1;
    }
    if (cfg.pidfile && cfg.pidfile[0] && !proc_write_pidfile(cfg.pidfile))
        log_msg(LOG_WARNING, "Failed to write PID file: %s", cfg.pidfile);
    server_update_proc_title();
    log_msg(LOG_NOTICE, "Ready to accept connections tcp");
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
