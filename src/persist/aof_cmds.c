/* persist/aof_cmds.c -- see aof_cmds.h. */
#include "aof_cmds.h"

#include <stdio.h>

static void append_len(RdbBuf *b, char kind, size_t n) {
    char tmp[32];
    int len = snprintf(tmp, sizeof(tmp), "%c%zu\r\n", kind, n);
    rdb_write_raw(b, tmp, (size_t)len);
}

void aof_append_command(RdbBuf *b, int argc, const char *const *argv, const size_t *argl) {
    append_len(b, '*', (size_t)argc);
    for (int i = 0; i < argc; i++) {
        append_len(b, '$', argl[i]);
        rdb_write_raw(b, argv[i], argl[i]);
        rdb_write_raw(b, "\r\n", 2);
    }
}

/* Placeholder until the RESP rewrite lands (aofload branch): strings only. */
void aof_append_entry(RdbBuf *b, const Entry *e) {
    UNUSED(b);
    UNUSED(e);
}
