/* persist/function_rdb.c -- functions in RDB bytes, as Redis 7.0 writes
 * them: a library is opcode FUNCTION2 (245) then its code as an RDB string
 * (LZF-compressed past 20 bytes when rdbcompression is on), so files and
 * FUNCTION DUMP payloads equal redis-server's for the same library. The
 * pre-GA record (246: name, engine, optional description, code) of
 * 7.0-rc files is read too and turned into "#!<engine> name=<name>\n<code>"
 * as Redis does. */
#include "function_rdb.h"

#include <stdio.h>
#include <string.h>

#include "../core/args.h"
#include "../core/db.h"
#include "../core/reply.h"
#include "../ds/mem.h"
#include "../script/function.h"
#include "crc64.h"
#include "dump.h"
#include "rdb_format.h"

void function_rdb_write(RdbBuf *b) {
    size_t n = function_lib_count();
    for (size_t i = 0; i < n; i++) {
        size_t len;
        const char *code = function_lib_code(i, &len);
        rdb_write_byte(b, RDB_OPCODE_FUNCTION2);
        rdb_write_string(b, code, len);
    }
}

/* The library code of the record after the opcode `type` (mem_alloc'd). */
static bool read_code(RdbReader *r, int type, char **code, size_t *len, char *err, size_t errlen) {
    if (type == RDB_OPCODE_FUNCTION2) {
        if (rdb_read_string(r, code, len)) return true;
        snprintf(err, errlen, "Failed loading library payload");
        return false;
    }
    char *name = NULL, *engine = NULL, *desc = NULL, *blob = NULL;
    size_t nl, el, dl, bl;
    uint64_t has_desc;
    bool ok = false;
    if (!rdb_read_string(r, &name, &nl)) {
        snprintf(err, errlen, "Failed loading library name");
    } else if (!rdb_read_string(r, &engine, &el)) {
        snprintf(err, errlen, "Failed loading engine name");
    } else if (!rdb_read_len(r, &has_desc, NULL)) {
        snprintf(err, errlen, "Failed loading library description indicator");
    } else if (has_desc && !rdb_read_string(r, &desc, &dl)) {
        snprintf(err, errlen, "Failed loading library description");
    } else if (!rdb_read_string(r, &blob, &bl)) {
        snprintf(err, errlen, "Failed loading library blob");
    } else {
        *len = el + nl + bl + 10;
        *code = mem_alloc(*len + 1);
        int n = snprintf(*code, *len + 1, "#!%s name=%s\n", engine, name);
        memcpy(*code + n, blob, bl);
        *len = (size_t)n + bl;
        (*code)[*len] = '\0';
        ok = true;
    }
    mem_free(name);
    mem_free(engine);
    mem_free(desc);
    mem_free(blob);
    return ok;
}

bool function_rdb_read(RdbReader *r, int type, bool replace, char *err, size_t errlen) {
    char *code;
    size_t len;
    if (!read_code(r, type, &code, &len, err, errlen)) return false;
    bool ok = function_load_library(code, len, replace, err, errlen);
    mem_free(code);
    return ok;
}

/* FUNCTION DUMP: the libraries, the RDB version (2 bytes LE), CRC-64. */
static void cmd_function_dump(Client *c) {
    RdbBuf b;
    rdbbuf_init(&b, dump_compress());
    function_rdb_write(&b);
    rdb_write_byte(&b, RDB_VERSION & 0xff);
    rdb_write_byte(&b, (RDB_VERSION >> 8) & 0xff);
    rdb_write_u64le(&b, crc64(0, b.buf, b.len));
    reply_bulk(c, (const char *)b.buf, b.len);
    rdbbuf_free(&b);
}

/* FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE]: every library of the
 * payload is compiled first; only then do they join the current ones, so
 * a bad payload or a collision leaves the functions as they were. */
static void cmd_function_restore(Client *c) {
    int how = FUNCTION_APPEND;
    if (c->argc == 4) {
        if (arg_is(c, 3, "append")) how = FUNCTION_APPEND;
        else if (arg_is(c, 3, "replace")) how = FUNCTION_REPLACE;
        else if (arg_is(c, 3, "flush")) how = FUNCTION_FLUSH;
        else {
            reply_error(c, "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
            return;
        }
    }
    size_t body_len;
    int version;
    if (!rdb_payload_verify(c->argv[2], c->argl[2], &body_len, &version)) {
        reply_error(c, "ERR DUMP payload version or checksum are wrong");
        return;
    }
    /* as Redis, records are read from the whole payload (a string may run
     * into the footer) until 10 bytes or fewer are left */
    RdbReader r;
    rdb_reader_mem(&r, c->argv[2], c->argl[2], version);
    FunctionSet *set = function_set_new();
    char err[1024] = "";
    UNUSED(body_len);
    while (r.end - r.p > 10) {
        uint8_t type;
        char *code;
        size_t len;
        if (!rdb_read_byte(&r, &type)) {
            snprintf(err, sizeof err, "can not read data type");
            break;
        }
        if (type != RDB_OPCODE_FUNCTION2 && type != RDB_OPCODE_FUNCTION_PRE_GA) {
            snprintf(err, sizeof err, "given type is not a function");
            break;
        }
        if (!read_code(&r, type, &code, &len, err, sizeof err)) break;
        bool ok = function_set_add(set, code, len, false, err, sizeof err);
        mem_free(code);
        if (!ok) break;
    }
    if (!err[0] && !function_set_commit(set, how, err, sizeof err) && !err[0])
        snprintf(err, sizeof err, "failed loading the given functions payload");
    if (err[0]) {
        function_set_free(set);
        reply_errorf(c, "ERR %s", err);
        return;
    }
    db_add_dirty(1);
    reply_ok(c);
}

void function_rdb_init(void) {
    function_dump_hook = cmd_function_dump;
    function_restore_hook = cmd_function_restore;
}
