/* tests/fuzz/fuzz_aof_load.c -- libFuzzer target for the AOF loader
 * (persist/aof_load.h: aof_load_file), what runs for each file of the
 * manifest at startup and on DEBUG LOADAOF: RESP commands, annotations,
 * MULTI/EXEC, an RDB base or preamble, cut tails.
 *
 * Run: make fuzz-aof (FUZZ_TIME seconds), or
 *      build-fuzz/fuzz_aof_load build-fuzz/corpus-fuzz_aof_load \
 *          tests/fuzz/corpus-aof -max_len=262144 -timeout=10
 * Seeds: tests/fuzz/corpus-aof (make_aof_corpus.py: files redis-server
 * wrote, with and without an RDB preamble, hand-made ones, cut ones).
 *
 * Input: byte 0 = flags, the rest = the file.
 *   bit 0  last_file: a cut tail may be truncated
 *   bit 1  aof-load-truncated no (clear: yes, the default)
 *   bit 2  skip the RDB part's CRC-64 check, so mutations inside an RDB
 *          preamble load on instead of failing at its checksum
 * The file is a memfd, named by /proc/self/fd/N (no disk I/O); truncation
 * goes through that path too.
 *
 * Checks: nothing crashes or leaks; the status is one of AofStatus; the
 * bytes consumed stay within the file; AOF_OK consumed the whole file;
 * AOF_TRUNCATED only where allowed, and then the file was cut to exactly
 * the bytes consumed; anything else leaves the file as it was; nothing
 * reaches the propagation sink; the dirty counter does not move; expiry
 * is no longer frozen afterwards. The databases are emptied after each
 * input (LeakSanitizer cannot see values held by db entries).
 *
 * Commands that would act outside the process or never return are
 * removed from the table at start (rename-command to ""): the loader runs
 * whatever the file names, as Redis's does, and a fuzzer-made file can
 * name DEBUG SEGFAULT, SHUTDOWN, MIGRATE, an endless EVAL... */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/families.h"
#include "core/command.h"
#include "core/config.h"
#include "core/db.h"
#include "core/propagate.h"
#include "persist/aof_load.h"
#include "persist/rdb_dec.h"

#define MAX_INPUT (4 << 20)

static int fd = -1;
static char path[64];
static int sink_calls;

static void sink(void *ctx, int db, int argc, const char *const *argv, const size_t *argl) {
    sink_calls++;
}

static void fail(const char *what) {
    fprintf(stderr, "fuzz_aof_load: %s\n", what);
    abort();
}

static void init_once(void) {
    static char prog[] = "fuzz_aof_load";
    static char o1[] = "--logfile", v1[] = "/dev/null"; /* quiet */
    static char o2[] = "--save", v2[] = "";             /* FLUSHALL writes no dump.rdb */
    /* (no --dir: it would chdir, and libFuzzer's corpus paths are relative) */
    char *argv[] = {prog, o1, v1, o2, v2, NULL};
    if (!config_load(5, argv)) abort();
    db_init_all(cfg.databases);
    cmd_register_all();
    command_init();
    static const char *const removed[] = {
        "debug", "shutdown", "save", "bgsave", "bgrewriteaof", "config", "monitor", "client",
        "eval", "evalsha", "eval_ro", "evalsha_ro", "script", "function", "fcall", "fcall_ro",
        "migrate", "replicaof", "slaveof", "sync", "psync", "failover", NULL,
    };
    for (int i = 0; removed[i]; i++) {
        const char *err;
        command_rename(removed[i], "", &err); /* absent ones: nothing to remove */
    }
    propagate_set_sink(sink, NULL);
    fd = memfd_create("fuzz_aof_load", 0);
    if (fd < 0) abort();
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
}

static int64_t fd_size(void) {
    struct stat st;
    return fstat(fd, &st) == 0 ? (int64_t)st.st_size : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (fd < 0) init_once();
    if (size < 1 || size > MAX_INPUT) return 0;
    size_t n = size - 1;
    bool last = data[0] & 1, allow = !(data[0] & 2);
    const char *err;
    if (!config_set("aof-load-truncated", allow ? "yes" : "no", &err)) abort();
    rdb_set_skip_checksum(data[0] & 4);
    if (ftruncate(fd, 0) != 0 || (n && pwrite(fd, data + 1, n, 0) != (ssize_t)n)) abort();

    uint64_t dirty = db_dirty(), bytes = 0;
    sink_calls = 0;
    AofLoadOpts o = {.last_file = last};
    AofStatus st = aof_load_file(path, "fuzz.aof", &o, &bytes);
    int64_t now_size = fd_size();
    switch (st) {
    case AOF_OK:
        if (bytes != n) fail("AOF_OK before the end of the file");
        break;
    case AOF_EMPTY:
        if (n) fail("AOF_EMPTY for a file with bytes");
        break;
    case AOF_TRUNCATED:
        if (!last || !allow) fail("truncated where it is not allowed");
        if (bytes >= n) fail("truncated at or past the end");
        if (now_size != (int64_t)bytes) fail("truncated elsewhere than at the bytes consumed");
        break;
    case AOF_FAILED:
        if (bytes > n) fail("consumed more bytes than the file has");
        break;
    default:
        fail("a status an existing readable file cannot have");
    }
    if (st != AOF_TRUNCATED && now_size != (int64_t)n) fail("the file changed");
    if (sink_calls) fail("a loaded command reached the propagation sink");
    if (db_dirty() != dirty) fail("loading counted as changes");
    if (!db_time_passed(1)) fail("expiry still frozen after the load");

    for (int i = 0; i < db_count_dbs(); i++) db_flush(db_get(i), false);
    rdb_set_skip_checksum(false);
    return 0;
}
