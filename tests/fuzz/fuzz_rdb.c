/* tests/fuzz/fuzz_rdb.c -- libFuzzer target for the RDB readers
 * (persist/rdb_dec, persist/rdb_blob, persist/rdb_load). Build and run
 * from the repository root (every module but main.c, as the value
 * decoder builds real hashes, sets, sorted sets and lists):
 *   clang -std=c11 -D_GNU_SOURCE -Isrc -I/usr/include/lua5.1 -I/usr/include/liblzf \
 *     -g -O1 -fsanitize=fuzzer,address,undefined tests/fuzz/fuzz_rdb.c \
 *     $(find src -name '*.c' ! -name main.c) \
 *     $(pkg-config --libs lua5.1) -llua5.1-cjson -llua5.1-bitop -llzf -lm -lpthread \
 *     -o /tmp/fuzz_rdb
 *   /tmp/fuzz_rdb -max_total_time=300 corpus/   (seed: DUMP payloads, .rdb files)
 * Input: byte 0 even: a DUMP payload (type byte, value, anything after);
 * odd: a whole file, loaded by rdb_load_file from a temporary file. Checks
 * that nothing crashes, nothing leaks (mem_used() back to its start after
 * the databases are emptied) and that a decoded value installs cleanly. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/config.h"
#include "core/db.h"
#include "core/t_hash.h"
#include "core/t_set.h"
#include "core/t_zset.h"
#include "ds/mem.h"
#include "persist/rdb_dec.h"
#include "persist/rdb_load.h"

void list_register_type(void);

static void setup(void) {
    static bool done;
    if (done) return;
    done = true;
    char *argv[] = {"fuzz", "--logfile", "/dev/null", NULL};
    config_load(3, argv);
    db_init_all(16);
    hash_register_type();
    set_register_type();
    zset_register_type();
    list_register_type();
}

static void flush(void) {
    for (int i = 0; i < db_count_dbs(); i++) db_flush(db_get(i), false);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    setup();
    if (size < 1) return 0;
    size_t before = mem_used();
    if ((data[0] & 1) == 0) {
        RdbReader r;
        rdb_reader_mem(&r, data + 1, size - 1, 10);
        uint8_t type;
        RdbValue v;
        if (rdb_read_byte(&r, &type) && rdb_read_value(&r, type, &v)) {
            if (v.type == TYPE_STRING || v.obj) rdb_value_install(db_get(0), "k", 1, &v, 0);
            else rdb_value_free(&v);
        } else if (!r.err[0]) {
            abort(); /* a failure always says why */
        }
    } else {
        char path[] = "/tmp/fuzz_rdb_XXXXXX";
        int fd = mkstemp(path);
        if (fd < 0) abort();
        if (write(fd, data + 1, size - 1) != (ssize_t)(size - 1)) abort();
        close(fd);
        char err[512];
        RdbLoadStats st;
        rdb_load_file(path, NULL, &st, err, sizeof(err));
        unlink(path);
    }
    flush();
    if (mem_used() != before) abort(); /* a leak */
    return 0;
}
