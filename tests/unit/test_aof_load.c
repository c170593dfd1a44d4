/* tests/unit/test_aof_load.c -- persist/aof_load: one append-only file
 * replayed into the databases (commands, annotations, MULTI/EXEC, an RDB
 * preamble), every way a file can be cut or broken (truncated tails with
 * and without aof-load-truncated, bad lengths, unknown commands), nothing
 * propagated or counted dirty, expiry frozen while loading; and
 * persist/aof_cmds: aof_append_entry's commands rebuild every type.
 *
 * The whole command table runs here, so the leak check compares memory
 * with what the start-up (config, command index) holds, not with zero. */
#include "persist/aof_load.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/digest.h"
#include "cmd/families.h"
#include "core/client.h"
#include "core/command.h"
#include "core/config.h"
#include "core/db.h"
#include "core/propagate.h"
#include "persist/aof_cmds.h"
#include "persist/crc64.h"
#include "persist/rdb_enc.h"
#include "persist/rdb_format.h"
#include "unit.h"

static char path[256];
static Client *cli;

/* ---- helpers ---- */

static void write_file(const void *p, size_t n) {
    FILE *f = fopen(path, "wb");
    if (!f) abort();
    if (n && fwrite(p, 1, n, f) != n) abort();
    fclose(f);
}

static size_t file_len(void) {
    struct stat st;
    return stat(path, &st) == 0 ? (size_t)st.st_size : (size_t)-1;
}

/* Appends the words of `line` as one RESP command. */
static void cmd(RdbBuf *b, const char *line) {
    const char *argv[16];
    size_t argl[16];
    char buf[512];
    snprintf(buf, sizeof buf, "%s", line);
    int argc = 0;
    for (char *p = strtok(buf, " "); p && argc < 16; p = strtok(NULL, " ")) {
        argv[argc] = p;
        argl[argc++] = strlen(p);
    }
    aof_append_command(b, argc, argv, argl);
}

static void raw(RdbBuf *b, const char *s) { rdb_write_raw(b, s, strlen(s)); }

/* Runs `line` (words) on the test's client; returns its reply text. */
static const char *run(const char *fmt, ...) {
    static char reply[4096];
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    const char *argv[16];
    size_t argl[16];
    int argc = 0;
    for (char *p = strtok(line, " "); p && argc < 16; p = strtok(NULL, " ")) {
        argv[argc] = p;
        argl[argc++] = strlen(p);
    }
    cli->argc = argc;
    cli->argv = argv;
    cli->argl = argl;
    cli->olen = cli->osent = 0;
    command_execute(cli);
    size_t n = cli->olen < sizeof(reply) - 1 ? cli->olen : sizeof(reply) - 1;
    memcpy(reply, cli->obuf, n);
    reply[n] = '\0';
    cli->olen = cli->osent = 0;
    cli->argc = 0;
    return reply;
}

static void flush_all(void) {
    for (int i = 0; i < db_count_dbs(); i++) db_flush(db_get(i), false);
}

static void set_cfg(const char *name, const char *value) {
    char buf[256];
    snprintf(buf, sizeof buf, "CONFIG SET %s %s", name, value);
    CHECK(strcmp(run("%s", buf), "+OK\r\n") == 0);
}

static AofStatus load(const RdbBuf *b, bool last, uint64_t *bytes) {
    write_file(b->buf, b->len);
    AofLoadOpts o = {.last_file = last};
    return aof_load_file(path, "test.aof", &o, bytes);
}

/* ---- the tests ---- */

static void test_plain(void) {
    RdbBuf b;
    rdbbuf_init(&b, false);
    raw(&b, "#TS:1628217470\r\n");
    cmd(&b, "SET foo bar");
    cmd(&b, "RPUSH list a b c");
    raw(&b, "#TS:1628217471\r\n#TS:1628217472\r\n");
    cmd(&b, "SELECT 3");
    cmd(&b, "INCR n");
    cmd(&b, "INCR n");
    cmd(&b, "MULTI");
    cmd(&b, "SET t1 x");
    cmd(&b, "SET t2 y");
    cmd(&b, "EXEC");
    cmd(&b, "SADD s 1 2 3");
    cmd(&b, "SPOP s");        /* propagates as SREM: suspended here */
    cmd(&b, "GET foo");       /* a reply, discarded */
    cmd(&b, "LPOP nosuchkey");
    cmd(&b, "HELLO 3");
    cmd(&b, "RESET");         /* the loader's client flags stay */
    cmd(&b, "BLPOP nosuchkey 0");
    cmd(&b, "SELECT 3");
    cmd(&b, "RPUSH after reset");
    raw(&b, "#TS:1628217473");  /* a file may end inside an annotation */
    uint64_t bytes = 0;
    uint64_t dirty = db_dirty(), props = propagate_count();
    CHECK(load(&b, true, &bytes) == AOF_OK);
    CHECK(bytes == b.len);
    CHECK(db_dirty() == dirty);             /* not a change to save */
    CHECK(propagate_count() > props);       /* counted, */
    CHECK(strcmp(run("GET foo"), "$3\r\nbar\r\n") == 0);
    CHECK(strcmp(run("LRANGE list 0 -1"), "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n") == 0);
    CHECK(strcmp(run("SELECT 3"), "+OK\r\n") == 0);
    CHECK(strcmp(run("GET n"), "$1\r\n2\r\n") == 0);
    CHECK(strcmp(run("MGET t1 t2"), "*2\r\n$1\r\nx\r\n$1\r\ny\r\n") == 0);
    CHECK(strcmp(run("SCARD s"), ":2\r\n") == 0);
    CHECK(strcmp(run("LRANGE after 0 -1"), "*1\r\n$5\r\nreset\r\n") == 0);
    CHECK(strcmp(run("SELECT 0"), "+OK\r\n") == 0);
    CHECK(file_len() == b.len);
    flush_all();
    rdbbuf_free(&b);
}

static int sink_calls;
static void sink(void *ctx, int db, int argc, const char *const *argv, const size_t *argl) {
    sink_calls++;
}

/* Nothing a load runs reaches the sink (the AOF would grow on each load). */
static void test_no_propagation(void) {
    RdbBuf b;
    rdbbuf_init(&b, false);
    cmd(&b, "SET a 1");
    cmd(&b, "MULTI");
    cmd(&b, "INCR a");
    cmd(&b, "EXPIRE a 100");
    cmd(&b, "EXEC");
    cmd(&b, "EVAL redis.call('set','b','2') 0");
    cmd(&b, "SADD s x y");
    cmd(&b, "SPOP s");
    propagate_set_sink(sink, NULL);
    sink_calls = 0;
    CHECK(load(&b, true, NULL) == AOF_OK);
    CHECK(sink_calls == 0);
    CHECK(strcmp(run("GET b"), "$1\r\n2\r\n") == 0); /* the script ran */
    CHECK(strcmp(run("GET a"), "$1\r\n2\r\n") == 0);
    run("SET c 3"); /* and after the load, propagation works again */
    CHECK(sink_calls == 1);
    propagate_set_sink(NULL, NULL);
    flush_all();
    rdbbuf_free(&b);
}

/* A passed TTL does not delete a key while loading: the commands after it
 * saw the key live (Redis's "AOF+EXPIRE" case: the list ends up empty, not
 * holding "bar" alone). */
static void test_frozen_expiry(void) {
    RdbBuf b;
    rdbbuf_init(&b, false);
    cmd(&b, "RPUSH list foo");
    cmd(&b, "PEXPIREAT list 1000");
    cmd(&b, "RPUSH list bar");
    cmd(&b, "SET k 1 PXAT 2000");
    cmd(&b, "INCR k");
    CHECK(load(&b, true, NULL) == AOF_OK);
    CHECK(db_size(db_get(0)) == 2); /* still there, past their TTL */
    CHECK(strcmp(run("LLEN list"), ":0\r\n") == 0);
    CHECK(strcmp(run("GET k"), "$-1\r\n") == 0);
    CHECK(db_size(db_get(0)) == 0); /* expired once read */
    rdbbuf_free(&b);
}

/* A command cut at every byte: truncated to the last whole command when
 * allowed (and only in the last file), refused otherwise. */
static void test_truncated(void) {
    RdbBuf b;
    rdbbuf_init(&b, false);
    cmd(&b, "INCR foo");
    cmd(&b, "INCR foo");
    size_t whole = b.len;
    cmd(&b, "SET bar somevalue");
    size_t full = b.len;
    char *copy = mem_alloc(full);
    memcpy(copy, b.buf, full);
    for (size_t cut = whole + 1; cut < full; cut++) {
        RdbBuf t = {.buf = (unsigned char *)copy, .len = cut};
        set_cfg("aof-load-truncated", "yes");
        uint64_t bytes = 0;
        CHECK(load(&t, true, &bytes) == AOF_TRUNCATED);
        CHECK(bytes == whole);
        CHECK(file_len() == whole);
        CHECK(strcmp(run("GET foo"), "$1\r\n2\r\n") == 0);
        CHECK(strcmp(run("EXISTS bar"), ":0\r\n") == 0);
        flush_all();
        /* not the last file: refused, the file untouched */
        CHECK(load(&t, false, NULL) == AOF_FAILED);
        CHECK(file_len() == cut);
        flush_all();
        set_cfg("aof-load-truncated", "no");
        CHECK(load(&t, true, NULL) == AOF_FAILED);
        CHECK(file_len() == cut);
        flush_all();
    }
    set_cfg("aof-load-truncated", "yes");
    mem_free(copy);
    rdbbuf_free(&b);
}

/* A MULTI whose EXEC is missing is a cut tail: the file goes back to
 * before MULTI, the queued commands never ran. */
static void test_multi_without_exec(void) {
    RdbBuf b;
    rdbbuf_init(&b, false);
    cmd(&b, "SET foo hello");
    size_t before_multi = b.len;
    cmd(&b, "MULTI");
    cmd(&b, "SET bar world");
    cmd(&b, "SET baz world");
    uint64_t bytes;
    CHECK(load(&b, true, &bytes) == AOF_TRUNCATED);
    CHECK(bytes == before_multi && file_len() == before_multi);
    CHECK(strcmp(run("GET foo"), "$5\r\nhello\r\n") == 0);
    CHECK(strcmp(run("EXISTS bar baz"), ":0\r\n") == 0);
    flush_all();
    set_cfg("aof-load-truncated", "no");
    CHECK(load(&b, true, NULL) == AOF_FAILED);
    CHECK(file_len() == b.len);
    set_cfg("aof-load-truncated", "yes");
    flush_all();
    rdbbuf_free(&b);
}

/* Not the format: refused whatever aof-load-truncated says, and the file
 * is left alone. */
static void test_bad_format(void) {
    static const char *const bad[] = {
        "!!!",
        "\r\n",
        "*0\r\n",
        "*-1\r\n",
        "*x\r\n",
        "*1\r\n$-1\r\n",
        "*1\r\n$abc\r\n",
        "*1\r\n$3x\r\nSET\r\n",
        "*1\r\n$99999999999999999999999\r\n",
        "*1\r\n$00000000000000000000000000000000000000000000000000000001\r\n",
        "*1\r\n:3\r\nSET\r\n",
        "*1\r\n$4\r\nPINGxx",
        "*99999999999\r\n",
        "*2\r\n$3\r\nGET\r\n*1\r\n$4\r\nPING\r\n",
        "*1\r\n$3\r\nSET\r\n", /* wrong arity */
        "*2\r\n$6\r\nCONFIG\r\n$3\r\nGET\r\n",
        NULL,
    };
    for (int i = 0; bad[i]; i++) {
        RdbBuf b;
        rdbbuf_init(&b, false);
        cmd(&b, "SET a 1");
        raw(&b, bad[i]);
        cmd(&b, "SET b 2");
        CHECK(load(&b, true, NULL) == AOF_FAILED);
        CHECK(file_len() == b.len);
        CHECK(strcmp(run("GET a"), "$1\r\n1\r\n") == 0); /* what came before stays */
        CHECK(strcmp(run("EXISTS b"), ":0\r\n") == 0);
        flush_all();
        rdbbuf_free(&b);
    }
}

static void test_unknown_command(void) {
    RdbBuf b;
    rdbbuf_init(&b, false);
    cmd(&b, "SET foo hello");
    cmd(&b, "BLA foo hello");
    cmd(&b, "SET bar hello");
    CHECK(load(&b, true, NULL) == AOF_FAILED);
    CHECK(strcmp(run("EXISTS foo bar"), ":1\r\n") == 0);
    flush_all();
    rdbbuf_reset(&b);
    cmd(&b, "CONFIG NOSUCHSUB x");
    CHECK(load(&b, true, NULL) == AOF_FAILED);
    rdbbuf_free(&b);
}

/* A length the file cannot back: a cut tail, with nothing allocated. */
static void test_lying_lengths(void) {
    static const char *const tails[] = {
        "*1\r\n$1000000000\r\nabc",
        "*2000000000\r\n$3\r\nSET\r\n",
        "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$536870912\r\n",
        "*1",
        "*1\r",
        "*1\r\n$",
        "*1\r\n$4",
        "*1\r\n$4\r\nPING",
        "*1\r\n$4\r\nPING\r",
        NULL,
    };
    for (int i = 0; tails[i]; i++) {
        RdbBuf b;
        rdbbuf_init(&b, false);
        cmd(&b, "SET a 1");
        size_t whole = b.len;
        raw(&b, tails[i]);
        size_t used = mem_used();
        uint64_t bytes;
        CHECK(load(&b, true, &bytes) == AOF_TRUNCATED);
        CHECK(bytes == whole && file_len() == whole);
        CHECK(mem_used() < used + 4096 + 1000); /* the one key */
        flush_all();
        rdbbuf_free(&b);
    }
}

static void test_empty_and_missing(void) {
    write_file("", 0);
    AofLoadOpts o = {.last_file = true};
    CHECK(aof_load_file(path, "x", &o, NULL) == AOF_EMPTY);
    unlink(path);
    CHECK(aof_load_file(path, "x", &o, NULL) == AOF_NOT_EXIST);
    CHECK(aof_load_file(path, "x", NULL, NULL) == AOF_NOT_EXIST);
    CHECK(aof_load_file("/proc/self/mem/x", "x", NULL, NULL) == AOF_OPEN_ERR);
}

/* Arguments bigger than the read buffer and than BIG_ARG, at odd
 * boundaries. */
static void test_big_values(void) {
    static const size_t sizes[] = {65535, 65536, 65537, 1u << 20, (1u << 20) + 3, 5u << 20};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        size_t n = sizes[i];
        char *v = mem_alloc(n);
        for (size_t k = 0; k < n; k++) v[k] = (char)('a' + (k * 7 + i) % 26);
        RdbBuf b;
        rdbbuf_init(&b, false);
        cmd(&b, "SET small x");
        const char *argv[3] = {"SET", "big", v};
        size_t argl[3] = {3, 3, n};
        aof_append_command(&b, 3, argv, argl);
        cmd(&b, "APPEND big !");
        CHECK(load(&b, true, NULL) == AOF_OK);
        Entry *e = db_lookup(db_get(0), "big", 3, true);
        CHECK(e != NULL);
        if (e) {
            char tmp[24];
            size_t len;
            const char *s = entry_str(e, &len, tmp);
            CHECK(len == n + 1 && memcmp(s, v, n) == 0 && s[n] == '!');
        }
        flush_all();
        /* cut inside the big argument */
        size_t whole = b.len;
        b.len = whole - 4 - n / 2;
        uint64_t bytes;
        CHECK(load(&b, true, &bytes) == AOF_TRUNCATED);
        CHECK(strcmp(run("EXISTS small big"), ":1\r\n") == 0);
        flush_all();
        rdbbuf_free(&b);
        mem_free(v);
    }
}

/* An RDB preamble (a base file, or an old file's RDB + commands). */
static void rdb_string(RdbBuf *b, const char *k, const char *v, int64_t expire) {
    if (expire) {
        rdb_write_byte(b, RDB_OPCODE_EXPIRETIME_MS);
        rdb_write_u64le(b, (uint64_t)expire);
    }
    rdb_write_byte(b, RDB_TYPE_STRING);
    rdb_write_string(b, k, strlen(k));
    rdb_write_string(b, v, strlen(v));
}

static void make_rdb(RdbBuf *b) {
    rdb_write_raw(b, "REDIS0010", 9);
    rdb_write_byte(b, RDB_OPCODE_SELECTDB);
    rdb_write_len(b, 0);
    rdb_string(b, "foo", "bar", 0);
    rdb_string(b, "old", "1", 1000); /* expired: kept for the commands */
    rdb_write_byte(b, RDB_OPCODE_EOF);
    rdb_write_u64le(b, crc64(0, b->buf, b->len));
}

static void test_rdb_preamble(void) {
    RdbBuf b;
    rdbbuf_init(&b, false);
    make_rdb(&b);
    size_t rdb_len = b.len;
    /* a base file: the RDB alone */
    CHECK(load(&b, true, NULL) == AOF_OK);
    CHECK(strcmp(run("GET foo"), "$3\r\nbar\r\n") == 0);
    flush_all();
    /* an RDB then commands, which may touch the expired key */
    cmd(&b, "SET baz qux");
    cmd(&b, "INCR old");
    uint64_t bytes;
    CHECK(load(&b, true, &bytes) == AOF_OK && bytes == b.len);
    CHECK(strcmp(run("MGET foo baz"), "*2\r\n$3\r\nbar\r\n$3\r\nqux\r\n") == 0);
    CHECK(strcmp(run("EXISTS old"), ":0\r\n") == 0); /* not a new key "1" */
    flush_all();
    /* the commands cut: truncated back to the RDB's end, not to zero */
    size_t whole = b.len;
    cmd(&b, "SET cut me");
    b.len -= 3;
    CHECK(load(&b, true, &bytes) == AOF_TRUNCATED);
    CHECK(bytes == whole && file_len() == whole);
    flush_all();
    /* the RDB itself cut or broken: refused, never truncated */
    b.len = rdb_len - 5;
    CHECK(load(&b, true, NULL) == AOF_FAILED);
    CHECK(file_len() == rdb_len - 5);
    b.len = rdb_len;
    b.buf[rdb_len - 1] ^= 0xff; /* the checksum */
    CHECK(load(&b, true, NULL) == AOF_FAILED);
    flush_all();
    rdbbuf_free(&b);
}

/* aof_append_entry: each type in each encoding, rebuilt by its commands. */
static void append_one(void *ctx, Entry *e) { aof_append_entry(ctx, e); }

static void test_entry_round_trip(void) {
    run("SET str hello");
    run("SET int 12345");
    run("SET neg -7 PX 100000");
    run("SET empty \"\"");
    run("RPUSH list a 1 b -2");
    for (int i = 0; i < 200; i++) run("RPUSH biglist item-%d", i);
    run("SADD iset 1 2 3 -5");
    run("SADD sset a b c");
    for (int i = 0; i < 200; i++) run("SADD bigset m%d", i);
    run("ZADD zs 1 a 2.5 b -inf c inf d 0.1 e");
    for (int i = 0; i < 200; i++) run("ZADD bigzs %d.%d z%d", i, i, i);
    run("HSET h f1 v1 f2 2");
    for (int i = 0; i < 200; i++) run("HSET bighash f%d v%d", i, i);
    run("PEXPIRE bighash 500000");
    run("SELECT 5");
    run("SET other db");
    run("SELECT 0");
    uint8_t before[DIGEST_LEN], after[DIGEST_LEN];
    digest_dataset(before);
    int64_t ttl = entry_expire(db_lookup(db_get(0), "bighash", 7, true));

    RdbBuf b;
    rdbbuf_init(&b, false);
    for (int i = 0; i < db_count_dbs(); i++) {
        if (!db_size(db_get(i))) continue;
        char sel[16];
        snprintf(sel, sizeof sel, "%d", i);
        const char *argv[2] = {"SELECT", sel};
        size_t argl[2] = {6, strlen(sel)};
        aof_append_command(&b, 2, argv, argl);
        db_snapshot_foreach(db_get(i), append_one, &b);
    }
    rdb_write_byte(&b, 0); /* a NUL for strstr */
    b.len--;
    /* batches of 64: 200 elements are 4 commands (64, 64, 64, 8) */
    CHECK(strstr((char *)b.buf, "*66\r\n$5\r\nRPUSH\r\n$7\r\nbiglist\r\n") != NULL);
    CHECK(strstr((char *)b.buf, "*10\r\n$5\r\nRPUSH\r\n$7\r\nbiglist\r\n") != NULL);
    CHECK(strstr((char *)b.buf, "*130\r\n$5\r\nHMSET\r\n$7\r\nbighash\r\n") != NULL);
    CHECK(strstr((char *)b.buf, "*18\r\n$4\r\nZADD\r\n$5\r\nbigzs\r\n") != NULL);
    CHECK(strstr((char *)b.buf, "*66\r\n$4\r\nSADD\r\n$6\r\nbigset\r\n") != NULL);
    CHECK(strstr((char *)b.buf, "$4\r\n-inf\r\n$1\r\nc\r\n") != NULL);
    CHECK(strstr((char *)b.buf, "$19\r\n0.10000000000000001\r\n$1\r\ne\r\n") != NULL);
    CHECK(strstr((char *)b.buf, "*3\r\n$3\r\nSET\r\n$3\r\nint\r\n$5\r\n12345\r\n") != NULL);
    CHECK(strstr((char *)b.buf, "*3\r\n$9\r\nPEXPIREAT\r\n$7\r\nbighash\r\n") != NULL);
    flush_all();
    CHECK(load(&b, true, NULL) == AOF_OK);
    digest_dataset(after);
    CHECK(memcmp(before, after, DIGEST_LEN) == 0);
    CHECK(entry_expire(db_lookup(db_get(0), "bighash", 7, true)) == ttl);
    CHECK(strcmp(run("OBJECT ENCODING iset"), "$6\r\nintset\r\n") == 0);
    CHECK(strcmp(run("OBJECT ENCODING bigzs"), "$8\r\nskiplist\r\n") == 0);
    CHECK(strcmp(run("OBJECT ENCODING h"), "$8\r\nlistpack\r\n") == 0);
    rdbbuf_free(&b);
    flush_all();
}

int main(void) {
    static char prog[] = "test_aof_load";
    static char opt[] = "--logfile", devnull[] = "/dev/null";
    char *argv[] = {prog, opt, devnull, NULL};
    if (!config_load(3, argv)) return 1;
    db_init_all(cfg.databases);
    cmd_register_all();
    command_init();
    snprintf(path, sizeof path, "/tmp/test_aof_load.%d.aof", (int)getpid());
    cli = client_create(-1, false);
    cli->flags |= CLIENT_AUTHENTICATED;
    run("PING"); /* the output buffer, allocated once */
    run("EVAL redis.call('set','b','2') 0"); /* the script engine and this script, once */
    flush_all();
    command_reset_stats(); /* latency histograms, made by the first calls */
    size_t base = mem_used();

    test_plain();
    test_no_propagation();
    test_frozen_expiry();
    test_truncated();
    test_multi_without_exec();
    test_bad_format();
    test_unknown_command();
    test_lying_lengths();
    test_empty_and_missing();
    test_big_values();
    test_rdb_preamble();
    test_entry_round_trip();

    unlink(path);
    command_reset_stats();
    size_t left = mem_used();
    if (left > base + 4096) { /* Lua's garbage, collected in steps */
        fprintf(stderr, "test_aof_load: %zu bytes more held than at the start\n", left - base);
        unit_failed++;
    }
    printf("aof_load: %d passed, %d failed\n", unit_passed, unit_failed);
    return unit_failed ? 1 : 0;
}
