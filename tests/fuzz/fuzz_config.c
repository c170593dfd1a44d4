/* tests/fuzz/fuzz_config.c -- libFuzzer target for the config parser
 * (core/config.c, ds/words.c) and CONFIG REWRITE's writer
 * (core/config_rewrite.c). Built and run by `make fuzz` / `make fuzz-config`
 * (build-fuzz/fuzz_config).
 *
 * Input: a config file's text up to the first NUL byte; after it, CONFIG
 * SET pairs name\0value\0name\0value... Each input, on a fresh state:
 *   1. the text is written to a scratch file and loaded with config_load
 *      (the server's own entry: argv = {prog, file}); a refused file is
 *      fine (the error is printed, nothing may crash or leak);
 *   2. a loaded file gets the CONFIG SET pairs through config_set_bytes
 *      (CONFIG SET's entry, as a local client); refusals are fine;
 *   3. every directive's value is noted, CONFIG REWRITE writes the file
 *      back, and the file must load again to exactly the same values
 *      (what CONFIG REWRITE writes, the server must read back as it was);
 *      then the same with DEBUG CONFIG-REWRITE-FORCE-ALL's writer;
 *   4. config_free, after which the allocator must hold nothing.
 * Not checked in step 3: bind values that cannot be written back as
 * they were (see bind_writes_back).
 *
 * Side effects kept in bounds: inputs with an `include` line (it reads any
 * file: /dev/zero, /dev/stdin) or a `logfile` line (the load creates that
 * file) are skipped, found with the loader's own line split; `dir` changes
 * directory (as the server does), so the target goes back to where it
 * started after each input (crash files go where -artifact_prefix says).
 * Run with -close_fd_mask=3: refused files print FATAL CONFIG FILE ERROR
 * and loads log lines; this target's own complaint goes to a copy of
 * stderr made before libFuzzer closes it. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/config.h"
#include "core/config_internal.h"
#include "ds/mem.h"

#define MAX_INPUT 8192
#define MAX_SETS 16

static char path[512];
static int home_fd = -1;
static FILE *diag;

static char scratch[256];

static void remove_scratch(void) {
    unlink(path);
    rmdir(scratch);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    int fd = dup(2);
    diag = fd >= 0 ? fdopen(fd, "w") : stderr;
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(scratch, sizeof(scratch), "%s/fuzz_config.XXXXXX", base);
    if (!mkdtemp(scratch)) abort();
    snprintf(path, sizeof(path), "%s/kilat.conf", scratch);
    atexit(remove_scratch);
    home_fd = open(".", O_RDONLY | O_DIRECTORY);
    if (home_fd < 0) abort();
    return 0;
}

static void fail(const char *what, const char *text) {
    fprintf(diag, "fuzz_config: %s\n--- file ---\n%s\n--- end ---\n", what, text ? text : "");
    fflush(diag);
    abort();
}

/* True when a line of text, split as the loader splits it, is an include
 * or a logfile directive. */
static bool has_side_effects(const char *text) {
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char *line = mem_strndup(p, len);
        int argc;
        char **argv;
        bool bad = false;
        if (config_split(line, &argc, &argv) && argc > 0)
            bad = !strcasecmp(argv[0], "include") || !strcasecmp(argv[0], "logfile");
        config_split_free(argc, argv);
        mem_free(line);
        if (bad) return true;
        p = nl ? nl + 1 : p + len;
    }
    return false;
}

static bool write_file(const char *text, size_t len) {
    FILE *f = fopen(path, "w");
    if (!f) abort();
    bool ok = fwrite(text, 1, len, f) == len;
    if (fclose(f) != 0 || !ok) abort();
    return true;
}

static char *read_back(void) {
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

static bool load(void) {
    static char prog[] = "fuzz_config";
    char *argv[] = {prog, path, NULL};
    return config_load(2, argv);
}

/* Every directive's value now (NULL for aliases); free with free_values. */
static char **note_values(size_t *n) {
    *n = config_count();
    char **v = calloc(*n, sizeof(char *));
    for (size_t i = 0; i < *n; i++) {
        ConfigView cv;
        if (config_view(i, &cv)) v[i] = strdup(cv.value);
    }
    return v;
}

static void free_values(char **v, size_t n) {
    for (size_t i = 0; i < n; i++) free(v[i]);
    free(v);
}

static void rewrite_and_reload(bool force_all, char **before, size_t n) {
    const char *err = NULL;
    if (!config_rewrite(force_all, &err)) fail(err ? err : "CONFIG REWRITE failed", NULL);
    char *text = read_back();
    if (!load()) fail("the rewritten file does not load", text);
    size_t m;
    char **after = note_values(&m);
    if (m != n) abort();
    for (size_t i = 0; i < n; i++) {
        if (!before[i] != !after[i] || (before[i] && strcmp(before[i], after[i]))) {
            ConfigView cv;
            config_view(i, &cv);
            fprintf(diag, "%s: before [%s] after [%s] (force_all %d)\n", cv.name, before[i],
                    after[i], force_all);
            fail("a value changed through CONFIG REWRITE", text);
        }
    }
    free_values(after, m);
}

/* CONFIG REWRITE writes bind's addresses quoted where needed, but the
 * value is the addresses joined by spaces (as in Redis), so an address
 * holding a space comes back as two: one alone on the line is split again
 * when loaded (bind "a b" is two addresses, in Redis too), and a line of
 * 16 addresses some of which hold spaces comes back as more than 16,
 * which is refused. Neither can be listened on, so a server never starts
 * with them; a single address holding a quote, a backslash or white
 * space, and more than 16 words, are left out of the check. */
static bool bind_writes_back(void) {
    const char *b = config_value("bind");
    int words = 1;
    for (const char *p = b; *p; p++) words += *p == ' ';
    if (words > 16) return false;
    return strchr(b, ' ') || !strpbrk(b, "\"'\\\t\n\r\v\f");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > MAX_INPUT) return 0;
    char *buf = malloc(size + 1);
    memcpy(buf, data, size);
    buf[size] = '\0';
    size_t tlen = strlen(buf);
    if (has_side_effects(buf)) {
        free(buf);
        return -1; /* not kept in the corpus */
    }
    /* the CONFIG SET pairs after the text */
    const char *names[MAX_SETS], *values[MAX_SETS];
    int nsets = 0;
    for (size_t i = tlen + 1; i < size && nsets < MAX_SETS;) {
        names[nsets] = buf + i;
        i += strlen(buf + i) + 1;
        values[nsets++] = buf + (i < size ? i : size);
        if (i < size) i += strlen(buf + i) + 1;
    }

    write_file(buf, tlen);
    if (load()) {
        for (int i = 0; i < nsets; i++) {
            const char *err = NULL;
            config_set_bytes(names[i], values[i], strlen(values[i]), true, &err);
        }
        if (bind_writes_back()) {
            size_t n;
            char **before = note_values(&n);
            rewrite_and_reload(false, before, n);
            rewrite_and_reload(true, before, n);
            free_values(before, n);
        }
    }
    config_free();
    if (fchdir(home_fd) != 0) abort();
    if (mem_used() != 0) {
        fprintf(diag, "fuzz_config: %zu bytes still held after config_free\n", mem_used());
        fail("leak", buf);
    }
    free(buf);
    return 0;
}
