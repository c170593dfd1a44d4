/* tests/fuzz/fuzz_script.c -- libFuzzer target for Lua scripting (EVAL).
 * `make fuzz-script` builds and runs it (the link needs the two --wrap
 * options of the Makefile's FUZZ_LDFLAGS_fuzz_script). By hand, from the
 * repository root (add -Wl,--wrap=server_serve_while_busy
 * -Wl,--wrap=lua_sethook):
 *   clang -std=c11 -D_GNU_SOURCE -Isrc -g -O1 -fsanitize=fuzzer,address,undefined \
 *     $(pkg-config --cflags lua5.1) tests/fuzz/fuzz_script.c \
 *     $SRCS \
 *     /usr/lib/x86_64-linux-gnu/liblua5.1-cjson.a /usr/lib/x86_64-linux-gnu/liblua5.1-bitop.a \
 *     $(pkg-config --libs lua5.1) -lm -lpthread -o /tmp/fuzz_script
 *   where SRCS is every .c file under src except src/main.c:
 *     SRCS=$(find src -name '*.c' ! -path src/main.c | sort)
 *   mkdir -p /tmp/fuzz_script_corpus
 *   /tmp/fuzz_script /tmp/fuzz_script_corpus tests/fuzz/corpus-script -max_len=4096 -timeout=10 -max_total_time=180
 *
 * Set-up, once: config defaults (config_load with no arguments), the
 * databases, the command table. No sockets, no event loop, no background
 * thread (thread_bg_submit then frees inline).
 *
 * Input, split on NUL bytes:
 *   piece 0  the script body (EVAL's argv[1])
 *   piece 1  control: byte 0 picks numkeys (see numkeys_text: mostly
 *            0..(pieces left), sometimes out of range/negative/garbage to
 *            reach the argument checks); byte 1 bit 0 = EVAL_RO instead of
 *            EVAL, bit 1 = run it a second time as EVALSHA <sha1 of body>
 *            (hits the cache path), bit 2 = SELECT 1 first
 *   piece 2.. keys then args (at most MAX_ARGS), binary-safe except NUL
 * Each command goes through command_execute on a fake client
 * (client_create(-1, false)); the reply is thrown away by resetting
 * olen/osent. FLUSHALL after every input, every 1024 inputs SCRIPT FLUSH
 * (otherwise the script cache grows with every distinct body the fuzzer
 * makes). FLUSHALL is every input, not occasional, on purpose: a database
 * entry keeps its value pointer at an unaligned offset inside the entry
 * (after the varint key length and the key, core/db.c), which
 * LeakSanitizer's aligned-word scan cannot see, so any value still in a
 * database when libFuzzer runs its leak check is reported as a "direct
 * leak" (a false positive). Emptying the databases before the input ends
 * keeps -detect_leaks useful for real leaks.
 *
 * Scripts that loop forever (while true do end) end as in the server:
 * busy-reply-threshold is 500 ms here, and once a script is busy the Lua
 * hook calls server_serve_while_busy, which this target replaces (the
 * Makefile links it with -Wl,--wrap=server_serve_while_busy): instead of
 * serving the event loop (there is none here), a second fake client sends
 * SCRIPT KILL, which makes the next hook raise the kill error. A script
 * that wrote first is UNKILLABLE (the server would need SHUTDOWN NOSAVE);
 * for those the wrapper raises a Lua error itself in the running Lua
 * state, which the target learns by wrapping lua_sethook (the hook kilat
 * installs is called through ours, which notes the state). So a timeout
 * that libFuzzer reports (-timeout=10) is a real hang, not a Lua loop.
 *
 * Seed corpus: tests/fuzz/corpus-script, written by make_text_corpora.py
 * (redis.call/pcall, errors, cjson, cmsgpack, struct, bit, RESP3, flags).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "cmd/families.h"
#include "core/client.h"
#include "core/command.h"
#include "core/config.h"
#include "core/db.h"
#include "script/sha1.h"

#define SCRIPT_MAX_INPUT 4096
#define MAX_ARGS 16

static Client *fc, *killer;
static uint64_t runs;

/* ---- ending scripts that loop forever (see the top) ------------------ */

void __real_lua_sethook(lua_State *L, lua_Hook f, int mask, int count);
void __real_server_serve_while_busy(void);
static lua_Hook kilat_hook;  /* the hook script.c installed */
static lua_State *running;   /* the state the last hook call ran in */
static int busy_calls;

static void fuzz_hook(lua_State *L, lua_Debug *ar) {
    running = L;
    kilat_hook(L, ar);
}

void __wrap_lua_sethook(lua_State *L, lua_Hook f, int mask, int count) {
    if (f) {
        kilat_hook = f;
        f = fuzz_hook;
    }
    busy_calls = 0;
    __real_lua_sethook(L, f, mask, count);
}

void __wrap_server_serve_while_busy(void) {
    const char *argv[] = {"script", "kill"};
    size_t argl[] = {6, 4};
    killer->argc = 2;
    killer->argv = argv;
    killer->argl = argl;
    command_execute(killer);
    bool unkillable = killer->olen >= 11 && !memcmp(killer->obuf, "-UNKILLABLE", 11);
    killer->olen = killer->osent = 0;
    killer->argc = 0;
    killer->argv = NULL;
    killer->argl = NULL;
    if (unkillable && running && ++busy_calls > 2) luaL_error(running, "fuzz: script ran too long");
}

static void init_once(void) {
    static char prog[] = "fuzz_script";
    char *argv[] = {prog, NULL};
    if (!config_load(1, argv)) abort();
    cfg.busy_reply_threshold = 500; /* see the comment at the top */
    const char *err = NULL;
    if (!config_set("save", "", &err)) abort(); /* FLUSHALL would write dump.rdb */
    db_init_all(cfg.databases);
    cmd_register_all();
    command_init();
    fc = client_create(-1, false);
    killer = client_create(-1, false);
}

static void exec(int argc, const char **argv, size_t *argl) {
    fc->argc = argc;
    fc->argv = argv;
    fc->argl = argl;
    command_execute(fc);
    fc->olen = fc->osent = 0; /* discard the reply */
    fc->argc = 0;
    fc->argv = NULL;
    fc->argl = NULL;
}

static void exec_words(int argc, const char **words) {
    size_t argl[8];
    for (int i = 0; i < argc; i++) argl[i] = strlen(words[i]);
    exec(argc, words, argl);
}

/* numkeys as EVAL sees it: mostly in range, sometimes not. */
static size_t numkeys_text(uint8_t b, int nrest, char *out, size_t cap) {
    switch (b >> 5) {
    case 6: return (size_t)snprintf(out, cap, "%d", -(int)(b & 31)); /* negative */
    case 7:
        switch (b & 7) {
        case 0: return (size_t)snprintf(out, cap, "%d", nrest + 1);   /* one too many */
        case 1: return (size_t)snprintf(out, cap, "2147483648");
        case 2: return (size_t)snprintf(out, cap, "-9223372036854775808");
        case 3: return (size_t)snprintf(out, cap, "1x");
        case 4: return (size_t)snprintf(out, cap, " ");
        default: return (size_t)snprintf(out, cap, "%d", (int)(b & 31));
        }
    default: return (size_t)snprintf(out, cap, "%d", nrest ? (int)(b % (uint8_t)(nrest + 1)) : 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!fc) init_once();
    if (size > SCRIPT_MAX_INPUT) return 0;

    /* A private copy, NUL-terminated, so every piece is a C string too. */
    char *buf = malloc(size + 1);
    if (!buf) abort();
    memcpy(buf, data, size);
    buf[size] = '\0';

    const char *piece[2 + MAX_ARGS];
    size_t plen[2 + MAX_ARGS];
    int np = 0;
    size_t start = 0;
    for (size_t i = 0; i <= size && np < 2 + MAX_ARGS; i++) {
        if (i == size || buf[i] == '\0') {
            piece[np] = buf + start;
            plen[np] = i - start;
            np++;
            start = i + 1;
            if (i == size) break;
        }
    }
    uint8_t nk_sel = np > 1 && plen[1] > 0 ? (uint8_t)piece[1][0] : 0;
    uint8_t flags = np > 1 && plen[1] > 1 ? (uint8_t)piece[1][1] : 0;
    int nrest = np > 2 ? np - 2 : 0;

    char nk[32];
    size_t nkl = numkeys_text(nk_sel, nrest, nk, sizeof(nk));

    if (flags & 4) {
        const char *sel[] = {"select", "1"};
        exec_words(2, sel);
    }

    const char *argv[3 + MAX_ARGS];
    size_t argl[3 + MAX_ARGS];
    argv[0] = (flags & 1) ? "eval_ro" : "eval";
    argl[0] = strlen(argv[0]);
    argv[1] = piece[0];
    argl[1] = plen[0];
    argv[2] = nk;
    argl[2] = nkl;
    for (int i = 0; i < nrest; i++) {
        argv[3 + i] = piece[2 + i];
        argl[3 + i] = plen[2 + i];
    }
    exec(3 + nrest, argv, argl);

    if (flags & 2) {
        char sha[41];
        sha1_hex(piece[0], plen[0], sha);
        argv[0] = (flags & 1) ? "evalsha_ro" : "evalsha";
        argl[0] = strlen(argv[0]);
        argv[1] = sha;
        argl[1] = 40;
        exec(3 + nrest, argv, argl);
    }

    if (flags & 4) {
        const char *sel[] = {"select", "0"};
        exec_words(2, sel);
    }
    /* A script may have switched the caller's protocol or db; undo it. */
    fc->resp = 2;

    runs++;
    {
        const char *fa[] = {"flushall"};
        exec_words(1, fa);
    }
    if (runs % 1024 == 0) {
        const char *sf[] = {"script", "flush"};
        exec_words(2, sf);
    }
    free(buf);
    return 0;
}
