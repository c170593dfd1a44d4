/* tests/fuzz/fuzz_rdb_file.c -- libFuzzer target for the whole-file RDB
 * loader (persist/rdb_load.h: rdb_load_file), what runs at startup and on
 * DEBUG RELOAD. Built by `make fuzz-build` only once src/persist/rdb_load.c
 * exists (the loader's API is written against the header the "dec" work
 * proposed: rdb_load_file(path, opts, stats, err, errlen); adjust here if
 * it lands different).
 *
 * Run: build-fuzz/fuzz_rdb_file build-fuzz/corpus-rdb-file \
 *          tests/fuzz/corpus-rdb-file -max_len=262144 -timeout=10
 * Seeds: tests/fuzz/corpus-rdb-file (make_rdb_corpus.py: Redis's test-suite
 * .rdb files and small files redis-server saved, each behind a flags byte).
 *
 * Input: byte 0 = flags, the rest = the file.
 *   bit 0  skip the CRC-64 check (DEBUG SET-SKIP-CHECKSUM-VALIDATION 1):
 *          most mutations then load to the end instead of failing at the
 *          trailing checksum
 * The file is handed over as /proc/self/fd/N of a memfd (no disk I/O).
 * Checks that nothing crashes or leaks, that a refusal says why (err is
 * "<path>: offset N: reason", the path included), that the statistics
 * stay within the file, and that the databases are emptied after each
 * input (LeakSanitizer cannot see values held by db entries). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cmd/families.h"
#include "core/command.h"
#include "core/config.h"
#include "core/db.h"
#include "persist/rdb_dec.h"
#include "persist/rdb_load.h"

#define MAX_INPUT (4 << 20)

static int fd = -1;
static char path[64];

static void init_once(void) {
    static char prog[] = "fuzz_rdb_file";
    static char opt[] = "--logfile", devnull[] = "/dev/null"; /* quiet */
    char *argv[] = {prog, opt, devnull, NULL};
    if (!config_load(3, argv)) abort();
    db_init_all(cfg.databases);
    cmd_register_all();
    command_init();
    fd = memfd_create("fuzz_rdb_file", 0);
    if (fd < 0) abort();
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
}

static void fail(const char *what, const char *detail) {
    fprintf(stderr, "fuzz_rdb_file: %s: %s\n", what, detail);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (fd < 0) init_once();
    if (size < 1 || size > MAX_INPUT) return 0;
    rdb_set_skip_checksum(data[0] & 1);
    if (ftruncate(fd, 0) != 0 || pwrite(fd, data + 1, size - 1, 0) != (ssize_t)(size - 1))
        abort();

    RdbLoadStats st;
    memset(&st, 0, sizeof(st));
    char err[512] = "";
    bool ok = rdb_load_file(path, NULL, &st, err, sizeof(err));
    if (!ok) {
        if (st.missing) fail("memfd reported missing", err);
        if (!err[0]) fail("refused without a reason", "");
        if (!strstr(err, path)) fail("error does not name the file", err);
    } else if (st.version < 1 || st.version > 10) {
        fail("loaded a file of an unreadable version", "");
    }
    if (st.bytes > size - 1) fail("read more bytes than the file has", err);

    for (int i = 0; i < db_count_dbs(); i++) db_flush(db_get(i), false);
    rdb_set_skip_checksum(false);
    return 0;
}
