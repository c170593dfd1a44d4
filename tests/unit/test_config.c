/* tests/unit/test_config.c -- core/config: defaults, redis.conf parsing
 * (comments, quoting, includes, stdin), `--name value` arguments, every
 * fatal error text (compared with what redis-server 7.0.15 prints, "Redis
 * 7.0.15" read as "kilat"), CONFIG GET globs and aliases, CONFIG SET
 * validation, the "not active yet" log lines, and a leak check. */
#include "core/config.h"

#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

static char tmpdir[PATH_MAX];  /* a fresh directory for this run's files */
static char startdir[PATH_MAX]; /* `dir` directives move us; we come back */
static char errout[8192];       /* stderr of the last load() */

/* Writes `text` to tmpdir/name and returns the full path (static buffer). */
static const char *write_file(const char *name, const char *text) {
    static char path[PATH_MAX + 64];
    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    if (!f) abort();
    fputs(text, f);
    fclose(f);
    return path;
}

static void read_into(const char *path, char *buf, size_t cap) {
    buf[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f) return;
    size_t n = fread(buf, 1, cap - 1, f);
    buf[n] = '\0';
    fclose(f);
}

/* config_load with argv = {"kilat-server", args..., NULL}; stderr lands in
 * errout. Returns config_load's result. */
static bool load_argv(int argc, char **argv) {
    char path[PATH_MAX + 32];
    snprintf(path, sizeof(path), "%s/stderr.txt", tmpdir);
    fflush(stderr);
    int saved = dup(2), fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, 2);
    close(fd);
    bool ok = config_load(argc, argv);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    read_into(path, errout, sizeof(errout));
    if (chdir(startdir) != 0) abort();
    return ok;
}

static bool load(const char *first, ...) {
    char *argv[64] = {"kilat-server"};
    int argc = 1;
    va_list ap;
    va_start(ap, first);
    for (const char *a = first; a && argc < 63; a = va_arg(ap, const char *)) argv[argc++] = (char *)a;
    va_end(ap);
    argv[argc] = NULL;
    return load_argv(argc, argv);
}

/* The value CONFIG GET shows for `name` (static buffer; "<none>" if none). */
static char got[4096];
static int got_count;
static void take(void *ctx, const char *name, const char *value) {
    (void)ctx;
    (void)name;
    got_count++;
    snprintf(got, sizeof(got), "%s", value);
}
static const char *get(const char *name) {
    got_count = 0;
    snprintf(got, sizeof(got), "<none>");
    config_get(name, strlen(name), take, NULL);
    return got;
}
#define CHECK_GET(name, want) CHECK(strcmp(get(name), want) == 0)

/* The fatal error text for a bad line, as redis-server prints it. */
static const char *fatal_text(int line, const char *text, const char *msg) {
    static char buf[3 * PATH_MAX];
    snprintf(buf, sizeof(buf),
             "\n*** FATAL CONFIG FILE ERROR (kilat) ***\n"
             "Reading the configuration file, at line %d\n>>> '%s'\n%s\n", line, text, msg);
    return buf;
}

/* Loads a one-file config `text`; true if it fails with `msg` at `line`
 * showing `shown` (the trimmed line). */
static bool fails_with(const char *text, int line, const char *shown, const char *msg) {
    const char *path = write_file("bad.conf", text);
    char copy[PATH_MAX + 64];
    snprintf(copy, sizeof(copy), "%s", path);
    if (load(copy, NULL)) return false;
    bool same = strcmp(errout, fatal_text(line, shown, msg)) == 0;
    if (!same) fprintf(stderr, "unexpected error output:\n%s", errout);
    return same;
}

/* A one-line config that must fail with msg (the line shown as written). */
static bool line_fails(const char *line, const char *msg) {
    char text[1024];
    snprintf(text, sizeof(text), "%s\n", line);
    return fails_with(text, 1, line, msg);
}

static bool set_ok(const char *name, const char *value) {
    const char *err = NULL;
    bool ok = config_set(name, value, &err);
    if (!ok) fprintf(stderr, "config_set %s '%s': %s\n", name, value, err);
    return ok;
}

static bool set_fails(const char *name, const char *value, const char *msg) {
    const char *err = NULL;
    if (config_set(name, value, &err)) return false;
    if (strcmp(err, msg) != 0) fprintf(stderr, "config_set %s '%s': got '%s'\n", name, value, err);
    return strcmp(err, msg) == 0;
}

/* ---------------------------------------------------------------- tests */


static void test_defaults(void) {
    CHECK(load(NULL));
    CHECK(errout[0] == '\0');
    CHECK(cfg.port == 6379);
    CHECK(strcmp(cfg.bind, "127.0.0.1 -::1") == 0);
    CHECK(cfg.unixsocket == NULL && cfg.unixsocketperm == 0);
    CHECK(cfg.databases == 16);
    CHECK(cfg.requirepass == NULL);
    CHECK(cfg.timeout == 0 && cfg.tcp_keepalive == 300 && cfg.tcp_backlog == 511);
    CHECK(cfg.maxclients == 10000);
    CHECK(cfg.loglevel == LOG_NOTICE);
    CHECK(cfg.logfile && cfg.logfile[0] == '\0');
    CHECK(!cfg.daemonize && cfg.pidfile == NULL);
    CHECK(cfg.dir && strcmp(cfg.dir, startdir) == 0);
    CHECK(cfg.protected_mode);
    CHECK(cfg.proto_max_bulk_len == 536870912 && cfg.client_query_buffer_limit == 1073741824);
    CHECK(cfg.hz == 10);
    CHECK(cfg.config_file == NULL);
    /* CONFIG GET's texts for the defaults, as redis-server 7.0 shows them */
    CHECK_GET("port", "6379");
    CHECK_GET("bind", "127.0.0.1 -::1");
    CHECK_GET("unixsocket", "");
    CHECK_GET("unixsocketperm", "0");
    CHECK_GET("pidfile", "");
    CHECK_GET("logfile", "");
    CHECK_GET("requirepass", "");
    CHECK_GET("daemonize", "no");
    CHECK_GET("loglevel", "notice");
    CHECK_GET("dir", startdir);
    CHECK_GET("proto-max-bulk-len", "536870912");
    CHECK_GET("client-query-buffer-limit", "1073741824");
    CHECK_GET("save", "3600 1 300 100 60 10000");
    CHECK_GET("appendonly", "no");
    CHECK_GET("appendfsync", "everysec");
    CHECK_GET("maxmemory", "0");
    CHECK_GET("maxmemory-policy", "noeviction");
    CHECK_GET("client-output-buffer-limit",
              "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60");
    CHECK_GET("notify-keyspace-events", "");
    CHECK_GET("list-max-listpack-size", "-2");
    CHECK_GET("latency-tracking-info-percentiles", "50 99 99.9");
    CHECK_GET("oom-score-adj-values", "0 200 800");
    CHECK_GET("proc-title-template", "{title} {listen-addr} {server-mode}");
    CHECK_GET("shutdown-on-sigterm", "default");
    CHECK_GET("enable-debug-command", "no");
    CHECK_GET("lua-time-limit", "5000");
    CHECK_GET("replicaof", "");
}

static void test_file_syntax(void) {
    const char *path = write_file("a.conf",
                                  "# a comment\n"
                                  "\n"
                                  "   PORT   7001   \r\n"
                                  "\t# an indented comment\n"
                                  "\"databases\" 4\n"
                                  "Hz 20\n"
                                  "timeout 5\n"
                                  "timeout 7\n"
                                  "loglevel WARNING\n"
                                  "protected-mode NO\n"
                                  "proto-max-bulk-len 2mb\n"
                                  "client-query-buffer-limit 16MB\n"
                                  "maxclients 123\n"
                                  "tcp-keepalive 100\n"
                                  "tcp-backlog 128\n"
                                  "unixsocket /tmp/kilat-test.sock\n"
                                  "unixsocketperm 700\n"
                                  "requirepass \"s3cret pw\"\n"
                                  "daemonize yes\n"
                                  "pidfile /tmp/kilat-test.pid\n"
                                  "bind 127.0.0.1 ::1");   /* no final newline */
    CHECK(!load("kilat-no-such-file.conf", NULL)); /* relative to our cwd: not there */
    char copy[PATH_MAX + 64];
    snprintf(copy, sizeof(copy), "%s", path);
    CHECK(load(copy, "--hz", "30", NULL));
    CHECK(cfg.port == 7001 && cfg.databases == 4 && cfg.hz == 30 && cfg.timeout == 7);
    CHECK(cfg.loglevel == LOG_WARNING && !cfg.protected_mode);
    CHECK(cfg.proto_max_bulk_len == 2097152 && cfg.client_query_buffer_limit == 16777216);
    CHECK(cfg.maxclients == 123 && cfg.tcp_keepalive == 100 && cfg.tcp_backlog == 128);
    CHECK(cfg.unixsocket && strcmp(cfg.unixsocket, "/tmp/kilat-test.sock") == 0);
    CHECK(cfg.unixsocketperm == 0700);
    CHECK(cfg.requirepass && strcmp(cfg.requirepass, "s3cret pw") == 0);
    CHECK(cfg.daemonize && cfg.pidfile && strcmp(cfg.pidfile, "/tmp/kilat-test.pid") == 0);
    CHECK(strcmp(cfg.bind, "127.0.0.1 ::1") == 0);
    CHECK(cfg.config_file && strcmp(cfg.config_file, copy) == 0);
    CHECK_GET("unixsocketperm", "700");
    CHECK_GET("proto-max-bulk-len", "2097152");
    CHECK_GET("loglevel", "warning");
    CHECK_GET("protected-mode", "no");

    /* a relative file name is stored as an absolute path */
    if (chdir(tmpdir) != 0) abort();
    char cwd[PATH_MAX];
    CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
    char *argv[] = {"kilat-server", "a.conf", NULL};
    bool ok = config_load(2, argv);
    CHECK(ok);
    char want[PATH_MAX + 16];
    snprintf(want, sizeof(want), "%s/a.conf", cwd);
    CHECK(cfg.config_file && strcmp(cfg.config_file, want) == 0);
    if (chdir(startdir) != 0) abort();
}

static void test_quoting(void) {
    struct { const char *line, *want; } cases[] = {
        {"requirepass plain", "plain"},
        {"requirepass \"two words\"", "two words"},
        {"requirepass 'single quoted'", "single quoted"},
        {"requirepass 'it\\'s'", "it's"},
        {"requirepass 'no \\n escape'", "no \\n escape"},
        {"requirepass \"tab\\there\"", "tab\there"},
        {"requirepass \"nl\\nx\\r\\a\\b\"", "nl\nx\r\a\b"},
        {"requirepass \"\\x41\\x6a\"", "Aj"},
        {"requirepass \"\\xZZ\"", "xZZ"},      /* not hex: \x is just x */
        {"requirepass \"q\\\"q\"", "q\"q"},
        {"requirepass a\"b c\"", "ab c"},      /* a quote may open mid-word */
        {"requirepass \"\"", ""},
        {"requirepass ''", ""},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        char text[256];
        snprintf(text, sizeof(text), "%s\n", cases[i].line);
        char path[PATH_MAX + 64];
        snprintf(path, sizeof(path), "%s", write_file("q.conf", text));
        CHECK(load(path, NULL));
        CHECK(strcmp(get("requirepass"), cases[i].want) == 0);
    }
    CHECK(line_fails("requirepass \"abc", "Unbalanced quotes in configuration line"));
    CHECK(line_fails("requirepass 'abc", "Unbalanced quotes in configuration line"));
    CHECK(line_fails("requirepass \"abc\"x", "Unbalanced quotes in configuration line"));
    CHECK(line_fails("requirepass 'abc'x", "Unbalanced quotes in configuration line"));
    CHECK(line_fails("port 6379 # a comment", "wrong number of arguments"));
}

static void test_memory_units(void) {
    CHECK(load(NULL));
    struct { const char *in, *out; } ok[] = {
        {"1k", "1000"}, {"1kb", "1024"}, {"1K", "1000"}, {"1KB", "1024"}, {"1Kb", "1024"},
        {"1m", "1000000"}, {"1mb", "1048576"}, {"1g", "1000000000"}, {"1gb", "1073741824"},
        {"1b", "1"}, {"1B", "1"}, {"10", "10"}, {"0", "0"}, {"05", "5"},
        {"k", "0"}, {"", "0"}, /* as Redis: no digits reads as 0 */
        {"18446744073709551615", "18446744073709551615"},
        {"18446744073709551616", "18446744073709551615"}, /* saturates */
    };
    for (size_t i = 0; i < ARRAY_LEN(ok); i++) {
        CHECK(set_ok("maxmemory", ok[i].in));
        CHECK(strcmp(get("maxmemory"), ok[i].out) == 0);
    }
    const char *bad[] = {"-1", "1.5mb", "+5", " 5", "5 ", "0x10", "1t", "1tb", "1kbb", "mb1"};
    for (size_t i = 0; i < ARRAY_LEN(bad); i++)
        CHECK(set_fails("maxmemory", bad[i], "argument must be a memory value"));
    CHECK(set_fails("proto-max-bulk-len", "1000",
                    "argument must be between 1048576 and 9223372036854775807 inclusive"));
    CHECK(set_fails("proto-max-bulk-len", "99999999999999999999",
                    "argument must be between 1048576 and 9223372036854775807 inclusive"));
    CHECK(set_ok("client-query-buffer-limit", "99gb"));
    CHECK(cfg.client_query_buffer_limit == 99LL * 1024 * 1024 * 1024);
    /* percent values (maxmemory-clients) */
    CHECK(set_ok("maxmemory-clients", "10%"));
    CHECK_GET("maxmemory-clients", "10%");
    CHECK(set_ok("maxmemory-clients", "0%"));
    CHECK_GET("maxmemory-clients", "0");
    CHECK(set_ok("maxmemory-clients", "1mb"));
    CHECK_GET("maxmemory-clients", "1048576");
    CHECK(set_fails("maxmemory-clients", "101%", "percentage argument must be less or equal to 100"));
    CHECK(set_fails("maxmemory-clients", "10.5%", "argument must be a memory or percent value"));
    CHECK(set_fails("maxmemory-clients", "-1", "argument must be a memory or percent value"));
}

static void test_args(void) {
    CHECK(load("--port", "7000", "--bind", "0.0.0.0", "::1", "--save", "", NULL));
    CHECK(cfg.port == 7000 && strcmp(cfg.bind, "0.0.0.0 ::1") == 0);
    CHECK_GET("save", "");
    /* --save with nothing after it, or followed by another --name */
    CHECK(load("--hz", "5", "--save", NULL));
    CHECK_GET("save", "");
    CHECK(load("--save", "--hz", "6", NULL));
    CHECK_GET("save", "");
    CHECK(cfg.hz == 6);
    CHECK(load("--save", "900 1", "--save", "300 10", NULL)); /* one word, split */
    CHECK_GET("save", "900 1 300 10");
    /* name and value in one word; a "--word" right after a bare name is a value */
    CHECK(load("--hz 7", "--requirepass", "--weird", NULL));
    CHECK(cfg.hz == 7 && strcmp(cfg.requirepass, "--weird") == 0);
    /* values are quoted on the way: any bytes survive */
    CHECK(load("--requirepass", "a\"b\\c\nd'e", NULL));
    CHECK(strcmp(cfg.requirepass, "a\"b\\c\nd'e") == 0);
    CHECK(load("--HZ", "8", "--Port", "1", NULL));
    CHECK(cfg.hz == 8 && cfg.port == 1);
    CHECK(load("--bind", "127.0.0.1   ::1", NULL)); /* one word, split on blanks */
    CHECK(strcmp(cfg.bind, "127.0.0.1 ::1") == 0);
    CHECK(load("--bind", NULL)); /* no address: listen on no TCP socket */
    CHECK(strcmp(cfg.bind, "") == 0);
    /* the file comes first, the arguments after it */
    char path[PATH_MAX + 64];
    snprintf(path, sizeof(path), "%s", write_file("b.conf", "hz 11\nport 7002\n"));
    CHECK(load(path, "--hz", "12", NULL));
    CHECK(cfg.hz == 12 && cfg.port == 7002);
}

static void test_stdin(void) {
    char path[PATH_MAX + 64];
    snprintf(path, sizeof(path), "%s", write_file("stdin.conf", "hz 13\nport 7003\n"));
    char filepath[PATH_MAX + 64];
    snprintf(filepath, sizeof(filepath), "%s", write_file("c.conf", "hz 14\ntimeout 9\n"));
    const char *forms[][4] = {{"-", NULL}, {"--timeout", "3", "-", NULL}, {filepath, "-", NULL}};
    for (size_t i = 0; i < ARRAY_LEN(forms); i++) {
        int fd = open(path, O_RDONLY);
        int saved = dup(0);
        dup2(fd, 0);
        close(fd);
        clearerr(stdin);
        char *argv[5] = {"kilat-server"};
        int argc = 1;
        while (forms[i][argc - 1]) argv[argc] = (char *)forms[i][argc - 1], argc++;
        CHECK(load_argv(argc, argv));
        dup2(saved, 0);
        close(saved);
        clearerr(stdin);
        CHECK(cfg.hz == 13 && cfg.port == 7003);
    }
    CHECK(cfg.timeout == 9); /* the file, then stdin */
}

static void test_include(void) {
    char inc[PATH_MAX + 64], text[PATH_MAX * 2];
    snprintf(inc, sizeof(inc), "%s", write_file("inc.conf", "hz 15\ntimeout 4\n"));
    snprintf(text, sizeof(text), "port 7004\ninclude %s\nhz 16\n", inc);
    char top[PATH_MAX + 64];
    snprintf(top, sizeof(top), "%s", write_file("top.conf", text));
    CHECK(load(top, NULL));
    CHECK(cfg.port == 7004 && cfg.timeout == 4 && cfg.hz == 16);

    /* an error inside an included file names its line there */
    write_file("inc.conf", "hz 15\nfoo bar\n");
    CHECK(!load(top, NULL));
    CHECK(strcmp(errout, fatal_text(2, "foo bar", "Bad directive or wrong number of arguments")) == 0);

    /* a glob reads its files as one text: line numbers run on */
    char dir[PATH_MAX + 64];
    snprintf(dir, sizeof(dir), "%s/globs", tmpdir);
    mkdir(dir, 0700);
    write_file("globs/a.conf", "hz 17");  /* no final newline */
    write_file("globs/b.conf", "timeout 2\n");
    snprintf(text, sizeof(text), "include %s/*.conf\n", dir);
    snprintf(top, sizeof(top), "%s", write_file("top.conf", text));
    CHECK(load(top, NULL));
    CHECK(cfg.hz == 17 && cfg.timeout == 2);
    write_file("globs/b.conf", "timeout 2\nfoo\n");
    CHECK(!load(top, NULL));
    CHECK(strcmp(errout, fatal_text(3, "foo", "Bad directive or wrong number of arguments")) == 0);
    snprintf(text, sizeof(text), "include %s/none*.conf\nhz 18\n", dir);
    snprintf(top, sizeof(top), "%s", write_file("top.conf", text));
    CHECK(load(top, NULL) && cfg.hz == 18); /* no match is no error */

    /* a missing file is fatal (logged, like Redis, not in the box) */
    snprintf(text, sizeof(text), "include %s/missing.conf\n", tmpdir);
    snprintf(top, sizeof(top), "%s", write_file("top.conf", text));
    CHECK(!load(top, NULL));
    CHECK(errout[0] == '\0');

    /* a file that includes itself stops */
    snprintf(text, sizeof(text), "include %s/top.conf\n", tmpdir);
    write_file("top.conf", text);
    CHECK(!load(top, NULL));
    char shown[PATH_MAX + 32];
    snprintf(shown, sizeof(shown), "include %s/top.conf", tmpdir);
    CHECK(strcmp(errout, fatal_text(1, shown, "include nesting is too deep")) == 0);

    CHECK(line_fails("include", "Bad directive or wrong number of arguments"));
    CHECK(line_fails("include a b", "Bad directive or wrong number of arguments"));
}

/* Every fatal text redis-server 7.0.15 prints for these lines. */
static void test_errors(void) {
    CHECK(fails_with("port 6379\nfoo bar\n", 2, "foo bar", "Bad directive or wrong number of arguments"));
    CHECK(fails_with("# c\n\n  port abc  \n", 3, "port abc", "argument couldn't be parsed into an integer"));
    const char *bad_dir = "Bad directive or wrong number of arguments";
    const char *nargs = "wrong number of arguments";
    struct { const char *line, *msg; } cases[] = {
        {"\"\" x", bad_dir},
        {"hash-max-zipmap-entries 5", bad_dir},     /* gone before 7.0 */
        {"set-max-listpack-entries 5", bad_dir},    /* only from 7.2 */
        {"rename-command get", bad_dir},
        {"user", bad_dir},
        {"loadmodule", bad_dir},
        {"loadmodule /x.so", "Modules are not supported by kilat"},
        {"port", nargs},
        {"port 1 2", nargs},
        {"requirepass a b", nargs},
        {"replicaof", nargs},
        {"replicaof 1", nargs},
        {"notify-keyspace-events", nargs},
        {"oom-score-adj-values", nargs},
        {"oom-score-adj-values 1 2", nargs},
        {"port abc", "argument couldn't be parsed into an integer"},
        {"port 1.0", "argument couldn't be parsed into an integer"},
        {"port +5", "argument couldn't be parsed into an integer"},
        {"port 70000", "argument must be between 0 and 65535 inclusive"},
        {"port -1", "argument must be between 0 and 65535 inclusive"},
        {"databases 0", "argument must be between 1 and 2147483647 inclusive"},
        {"maxclients 0", "argument must be between 1 and 4294967295 inclusive"},
        {"hz -1", "argument must be between 0 and 2147483647 inclusive"},
        {"slowlog-log-slower-than -2", "argument must be between -1 and 9223372036854775807 inclusive"},
        {"maxmemory 10x", "argument must be a memory value"},
        {"maxmemory -5", "argument must be a memory value"},
        {"proto-max-bulk-len 1000", "argument must be between 1048576 and 9223372036854775807 inclusive"},
        {"maxmemory-clients 101%", "percentage argument must be less or equal to 100"},
        {"maxmemory-clients -1", "argument must be a memory or percent value"},
        {"protected-mode maybe", "argument must be 'yes' or 'no'"},
        {"daemonize 1", "argument must be 'yes' or 'no'"},
        {"loglevel loud", "argument(s) must be one of the following: debug, verbose, notice, warning"},
        {"appendfsync sometimes", "argument(s) must be one of the following: everysec, always, no"},
        {"enable-debug-command maybe", "argument(s) must be one of the following: no, yes, local"},
        {"unixsocketperm 888", "argument couldn't be parsed as an octal number"},
        {"unixsocketperm 1777", "argument must be between 0 and 777 inclusive"},
        {"save 1", "Invalid save parameters"},
        {"save abc 1", "Invalid save parameters"},
        {"save 0 1", "Invalid save parameters"},
        {"save 1 -1", "Invalid save parameters"},
        {"save \"\" 300 10", "Invalid save parameters"},
        {"client-output-buffer-limit normal 0 0", "Wrong number of arguments in buffer limit configuration."},
        {"client-output-buffer-limit foo 0 0 0", "Invalid client class specified in buffer limit configuration."},
        {"client-output-buffer-limit master 0 0 0", "Invalid client class specified in buffer limit configuration."},
        {"client-output-buffer-limit normal 1k abc 0", "Error in hard, soft or soft_seconds setting in buffer limit configuration."},
        {"client-output-buffer-limit normal 1k 1k -1", "Error in hard, soft or soft_seconds setting in buffer limit configuration."},
        {"oom-score-adj-values a b c", "Invalid oom-score-adj-values, elements must be between -2000 and 2000."},
        {"oom-score-adj-values 3000 0 0", "Invalid oom-score-adj-values, elements must be between -2000 and 2000."},
        {"latency-tracking-info-percentiles abc", "Invalid latency-tracking-info-percentiles parameters"},
        {"latency-tracking-info-percentiles 101", "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]"},
        {"notify-keyspace-events KEAq", "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."},
        {"bind 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17", "Too many bind addresses specified."},
        {"replicaof localhost abc", "Invalid master port"},
        {"replicaof localhost 99999", "Invalid master port"},
        {"dir /nonexistent-kilat-dir", "No such file or directory"},
        {"dir /etc/passwd", "Not a directory"},
        {"dbfilename a/b", "dbfilename can't be a path, just a filename"},
        {"appendfilename \"\"", "appendfilename can't be empty"},
        {"appendfilename a/b", "appendfilename can't be a path, just a filename"},
        {"appenddirname \"\"", "appenddirname can't be empty"},
        {"appenddirname a/b", "appenddirname can't be a path, just a dirname"},
        {"proc-title-template \"{foo}\"", "template format is invalid or contains unknown variables"},
        {"proc-title-template \"{server-mode}\"", "template format is invalid or contains unknown variables"},
        {"proc-title-template \"{title\"", "template format is invalid or contains unknown variables"},
        {"shutdown-on-sigterm save nosave", "shutdown options SAVE and NOSAVE can't be used simultaneously"},
        {"shutdown-on-sigterm bogus", "argument(s) must be one of the following: default, save, nosave, now, force"},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        bool ok = line_fails(cases[i].line, cases[i].msg);
        if (!ok) fprintf(stderr, "  case: %s\n", cases[i].line);
        CHECK(ok);
    }

    /* checks made after reading everything show no line */
    CHECK(!load("--logfile", "/nonexistent-kilat-dir/x.log", NULL));
    CHECK(strcmp(errout, "\n*** FATAL CONFIG FILE ERROR (kilat) ***\n"
                         "Can't open the log file: No such file or directory\n") == 0);
    CHECK(!load("--cluster-enabled", "yes", "--replicaof", "127.0.0.1", "6379", NULL));
    CHECK(strcmp(errout, "\n*** FATAL CONFIG FILE ERROR (kilat) ***\n"
                         "replicaof directive not allowed in cluster mode\n") == 0);

    /* arguments become config lines after the file: line numbers and quoting */
    CHECK(!load("--port", "abc", NULL));
    CHECK(strcmp(errout, fatal_text(2, "port \"abc\"", "argument couldn't be parsed into an integer")) == 0);
    CHECK(!load("--port", "0", "--foo", "bar", "baz", NULL));
    CHECK(strcmp(errout, fatal_text(3, "foo \"bar\" \"baz\"", bad_dir)) == 0);
    CHECK(!load("-x", NULL));
    CHECK(strcmp(errout, fatal_text(2, "\"-x\"", bad_dir)) == 0);
    char path[PATH_MAX + 64];
    snprintf(path, sizeof(path), "%s", write_file("e.conf", "port 0\n\n# c\n"));
    CHECK(!load(path, "--maxmemory", "1x", NULL));
    CHECK(strcmp(errout, fatal_text(5, "maxmemory \"1x\"", "argument must be a memory value")) == 0);
    CHECK(!load("--bind", "1.2.3.4", "--port", NULL));
    CHECK(strcmp(errout, fatal_text(3, "port", nargs)) == 0);

    /* unreadable config files: logged like Redis, nothing on stderr */
    snprintf(path, sizeof(path), "%s/missing.conf", tmpdir);
    CHECK(!load(path, NULL) && errout[0] == '\0');
    CHECK(!load(tmpdir, NULL) && errout[0] == '\0'); /* a directory */
}

/* Values that files accept and how CONFIG GET then shows them. */
static void test_file_values(void) {
    struct { const char *text, *name, *want; } cases[] = {
        {"save \"900  1\"\n", "save", "900 1"},
        {"save 900 1\nsave 300 10\nsave 60 10000\n", "save", "900 1 300 10 60 10000"},
        {"save \"\"\nsave 900 1\n", "save", "900 1"},
        {"save 900 1\nsave \"\"\n", "save", ""},
        {"save\n", "save", ""},
        {"save 0100 +1\n", "save", "100 1"},
        {"client-output-buffer-limit \"normal  1k 2kb 3\"\n"
         "client-output-buffer-limit replica 1mb 2mb 4\n", "client-output-buffer-limit",
         "normal 1000 2048 3 slave 1048576 2097152 4 pubsub 33554432 8388608 60"},
        {"client-output-buffer-limit normal 0 0 0 pubsub 1 2 3\n", "client-output-buffer-limit",
         "normal 0 0 0 slave 268435456 67108864 60 pubsub 1 2 3"},
        {"client-output-buffer-limit\n", "client-output-buffer-limit",
         "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"},
        {"bind \"127.0.0.1 \\\"::1\\\"\"\n", "bind", "127.0.0.1 ::1"},
        {"bind 127.0.0.1\nbind ::1\n", "bind", "::1"},
        {"hz 100000\n", "hz", "500"},
        {"hz 0\n", "hz", "1"},
        {"notify-keyspace-events KEA\n", "notify-keyspace-events", "AKE"},
        {"notify-keyspace-events An\n", "notify-keyspace-events", "A"},
        {"notify-keyspace-events nmdtexzhsl$gEK\n", "notify-keyspace-events", "AKEm"},
        {"notify-keyspace-events g$lshzxet\n", "notify-keyspace-events", "g$lshzxet"},
        {"notify-keyspace-events ndmKE\n", "notify-keyspace-events", "dnKEm"},
        {"notify-keyspace-events \"\"\n", "notify-keyspace-events", ""},
        {"oom-score-adj-values \"1  2 3\"\n", "oom-score-adj-values", "1 2 3"},
        {"oom-score-adj-values +1 02 -0\n", "oom-score-adj-values", "1 2 0"},
        {"latency-tracking-info-percentiles \"50 99.99 1.0\"\n", "latency-tracking-info-percentiles",
         "50 99.99 1"},
        {"latency-tracking-info-percentiles 0.1 33.333333333 1e1 0x10\n",
         "latency-tracking-info-percentiles", "0.1 33.333333 10 16"},
        {"latency-tracking-info-percentiles\n", "latency-tracking-info-percentiles", ""},
        {"replicaof LOCALHOST 01\n", "replicaof", "LOCALHOST 1"},
        {"replicaof LOCALHOST 01\n", "slaveof", "LOCALHOST 1"},
        {"replicaof 1.2.3.4 5\nreplicaof no one\n", "replicaof", ""},
        {"shutdown-on-sigterm nosave force\n", "shutdown-on-sigterm", "nosave force"},
        {"shutdown-on-sigint \"force now DEFAULT\"\n", "shutdown-on-sigint", "now force"},
        {"unixsocketperm 0777\n", "unixsocketperm", "777"},
        {"maxmemory-clients 10%\n", "maxmemory-clients", "10%"},
        {"appendfsync ALWAYS\n", "appendfsync", "always"},
        {"activerehashing YES\n", "activerehashing", "yes"},
        {"dbfilename \"a b\"\n", "dbfilename", "a b"},
        {"dbfilename \"\"\n", "dbfilename", ""},
        {"list-max-ziplist-size -5\n", "list-max-listpack-size", "-5"},
        {"slave-read-only no\n", "replica-read-only", "no"},
        {"lua-time-limit 100\n", "busy-reply-threshold", "100"},
        {"auto-aof-rewrite-min-size 64mb\n", "auto-aof-rewrite-min-size", "67108864"},
        {"proc-title-template \"a{{title}}\"\n", "proc-title-template", "a{{title}}"},
        {"proc-title-template \"x{port}y\"\n", "proc-title-template", "x{port}y"},
        {"list-max-ziplist-entries 5\nlist-max-ziplist-value 5\nlua-replicate-commands yes\n",
         "list-max-ziplist-entries", "<none>"}, /* accepted and dropped, as Redis */
        {"rename-command get x\nuser default on nopass\nsentinel monitor m 1.2.3.4 1 2\n", "user",
         "<none>"},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        char path[PATH_MAX + 64];
        snprintf(path, sizeof(path), "%s", write_file("v.conf", cases[i].text));
        bool ok = load(path, NULL) && strcmp(get(cases[i].name), cases[i].want) == 0;
        if (!ok) fprintf(stderr, "  case %zu: %s -> '%s' %s", i, cases[i].name, got, errout);
        CHECK(ok);
    }
    /* dir: changes directory at once and shows the absolute path */
    char text[PATH_MAX + 64];
    snprintf(text, sizeof(text), "dir %s/globs/../globs/\n", tmpdir);
    char path[PATH_MAX + 64];
    snprintf(path, sizeof(path), "%s", write_file("v.conf", text));
    CHECK(load(path, NULL));
    char want[PATH_MAX + 16];
    snprintf(want, sizeof(want), "%s/globs", tmpdir);
    CHECK(strcmp(cfg.dir, want) == 0);
    CHECK_GET("dir", want);
}

static void test_get_globs(void) {
    CHECK(load(NULL));
    got_count = 0;
    config_get("*", 1, take, NULL);
    CHECK(got_count == 192); /* what redis-server 7.0.15 (with TLS) lists */
    CHECK(strcmp(get("p*rt"), "6379") == 0 && got_count == 1);
    CHECK(strcmp(get("*max-*-len"), "536870912") == 0 && got_count == 1);
    CHECK(strcmp(get("PORT"), "6379") == 0 && got_count == 1);
    CHECK(strcmp(get("P?RT"), "6379") == 0 && got_count == 1);
    CHECK(strcmp(get("po[r]t"), "6379") == 0 && got_count == 1);
    CHECK(strcmp(get("nosuch"), "<none>") == 0 && got_count == 0);
    CHECK(strcmp(get(""), "<none>") == 0 && got_count == 0);
    get("slave-read-only");
    CHECK(got_count == 1);
    get("*read-only");
    CHECK(got_count == 2); /* replica-read-only and slave-read-only, as Redis */
    get("unix*");
    CHECK(got_count == 2);
    get("*ziplist*");
    CHECK(got_count == 5);
    /* an alias shows the value of the directive it names */
    CHECK(set_ok("slave-priority", "7"));
    CHECK_GET("replica-priority", "7");
    CHECK_GET("slave-priority", "7");
    CHECK(set_ok("hash-max-listpack-entries", "9"));
    CHECK_GET("hash-max-ziplist-entries", "9");
    /* a pattern longer than any name matches nothing */
    char longpat[300];
    memset(longpat, 'a', sizeof(longpat) - 1);
    longpat[sizeof(longpat) - 1] = '\0';
    CHECK(strcmp(get(longpat), "<none>") == 0);
}

static void test_exists(void) {
    CHECK(config_exists("port") && config_exists("PORT") && config_exists("slaveof"));
    CHECK(config_exists("lua-time-limit") && config_exists("save") && config_exists("tls-port"));
    CHECK(!config_exists("nosuch") && !config_exists("") && !config_exists("include"));
    CHECK(!config_exists("list-max-ziplist-entries")); /* file-only, as Redis */
    CHECK(!config_exists("rename-command"));
}

static void test_set(void) {
    CHECK(load(NULL));
    /* supported directives are mirrored into cfg at once */
    CHECK(set_ok("hz", "20") && cfg.hz == 20);
    CHECK(set_ok("hz", "0") && cfg.hz == 1);
    CHECK_GET("hz", "1");
    CHECK(set_ok("hz", "1000") && cfg.hz == 500);
    CHECK(set_ok("HZ", "10") && cfg.hz == 10);
    CHECK(set_ok("timeout", "5") && cfg.timeout == 5);
    CHECK(set_ok("tcp-keepalive", "60") && cfg.tcp_keepalive == 60);
    CHECK(set_ok("maxclients", "500") && cfg.maxclients == 500);
    CHECK(set_ok("maxclients", "4294967295") && cfg.maxclients == INT_MAX);
    CHECK_GET("maxclients", "4294967295");
    CHECK(set_ok("loglevel", "VERBOSE") && cfg.loglevel == LOG_VERBOSE);
    CHECK_GET("loglevel", "verbose");
    CHECK(set_ok("loglevel", "debug") && cfg.loglevel == LOG_DEBUG);
    CHECK(set_ok("loglevel", "notice") && cfg.loglevel == LOG_NOTICE);
    CHECK(set_ok("protected-mode", "No") && !cfg.protected_mode);
    CHECK(set_ok("proto-max-bulk-len", "1gb") && cfg.proto_max_bulk_len == 1073741824);
    CHECK(set_ok("client-query-buffer-limit", "2mb") && cfg.client_query_buffer_limit == 2097152);
    CHECK(set_ok("requirepass", "pw") && strcmp(cfg.requirepass, "pw") == 0);
    CHECK(set_ok("requirepass", "") && cfg.requirepass == NULL);
    CHECK(set_ok("requirepass", "with spaces") && strcmp(cfg.requirepass, "with spaces") == 0);
    /* port and bind: the value changes here; CONFIG SET (cmd/server.c)
     * then listens there, or puts the old values back */
    CHECK(set_ok("port", "6380") && cfg.port == 6380);
    CHECK(set_fails("port", "abc", "argument couldn't be parsed into an integer"));
    CHECK(set_ok("bind", "0.0.0.0") && strcmp(cfg.bind, "0.0.0.0") == 0);
    CHECK(set_ok("port", "6379") && set_ok("bind", "127.0.0.1 -::1"));
    CHECK(cfg.port == 6379 && strcmp(cfg.bind, "127.0.0.1 -::1") == 0);
    /* requirepass keeps NUL bytes given by config_set_bytes */
    const char *err = NULL;
    CHECK(config_set_bytes("requirepass", "ab\0c", 4, false, &err) && cfg.requirepass_len == 4 &&
          memcmp(cfg.requirepass, "ab\0c", 4) == 0);
    CHECK(config_set_bytes("requirepass", "xyz", 3, false, &err) && cfg.requirepass_len == 3);
    CHECK(set_ok("requirepass", "") && cfg.requirepass_len == 0);

    const char *imm = "can't set immutable config";
    CHECK(set_fails("databases", "5", imm) && set_fails("daemonize", "no", imm));
    CHECK(set_fails("unixsocket", "/tmp/x", imm) && set_fails("unixsocketperm", "700", imm));
    CHECK(set_fails("pidfile", "/tmp/x", imm) && set_fails("logfile", "/tmp/x", imm));
    CHECK(set_fails("tcp-backlog", "5", imm) && set_fails("replicaof", "no one", imm));
    CHECK(set_fails("slaveof", "no one", imm) && set_fails("enable-debug-command", "yes", imm));
    CHECK(set_fails("io-threads", "2", imm) && set_fails("cluster-enabled", "no", imm));
    CHECK(set_fails("dir", "/tmp", "can't set protected config"));
    CHECK(set_fails("dbfilename", "x.rdb", "can't set protected config"));
    CHECK(set_fails("nosuch", "1", "Unknown option or number of arguments for CONFIG SET"));
    CHECK(set_fails("timeout", "-1", "argument must be between 0 and 2147483647 inclusive"));
    CHECK(set_fails("timeout", "99999999999", "argument must be between 0 and 2147483647 inclusive"));
    CHECK(set_fails("loglevel", "notice warning",
                    "argument(s) must be one of the following: debug, verbose, notice, warning"));
    CHECK(set_fails("protected-mode", "maybe", "argument must be 'yes' or 'no'"));
    CHECK(cfg.timeout == 5 && cfg.loglevel == LOG_NOTICE); /* refused values change nothing */

    /* several values in one: split on single spaces, "" is none */
    CHECK(set_ok("save", "100 1 200 2"));
    CHECK_GET("save", "100 1 200 2");
    CHECK(set_ok("save", "300 3")); /* replaces, never appends */
    CHECK_GET("save", "300 3");
    CHECK(set_fails("save", "100  1", "Invalid save parameters"));
    CHECK(set_fails("save", "100 1 ", "Invalid save parameters"));
    CHECK(set_ok("save", ""));
    CHECK_GET("save", "");
    CHECK(set_fails("oom-score-adj-values", "1  2 3", "wrong number of arguments"));
    CHECK(set_ok("client-output-buffer-limit", "pubsub 1 2 3 NORMAL 1kb 1KB 1"));
    CHECK_GET("client-output-buffer-limit", "normal 1024 1024 1 slave 268435456 67108864 60 pubsub 1 2 3");
    CHECK(set_fails("client-output-buffer-limit", "normal 0 0 0 ",
                    "Wrong number of arguments in buffer limit configuration."));
    CHECK(set_ok("client-output-buffer-limit", ""));
    CHECK(set_ok("shutdown-on-sigterm", "default force"));
    CHECK_GET("shutdown-on-sigterm", "force");
    CHECK(set_fails("shutdown-on-sigterm", "",
                    "argument(s) must be one of the following: default, save, nosave, now, force"));
    CHECK(set_ok("notify-keyspace-events", "Kx"));
    CHECK_GET("notify-keyspace-events", "xK");
    CHECK(set_fails("notify-keyspace-events", "a",
                    "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."));
    CHECK(set_ok("latency-tracking-info-percentiles", ""));
    CHECK_GET("latency-tracking-info-percentiles", "");
    CHECK(set_fails("latency-tracking-info-percentiles", "50 ",
                    "Invalid latency-tracking-info-percentiles parameters"));
    CHECK(set_fails("proc-title-template", "  ", "template format is invalid or contains unknown variables"));
    CHECK(set_ok("masterauth", "x") && set_ok("masterauth", ""));
    CHECK(set_ok("appendonly", "yes"));
    CHECK_GET("appendonly", "yes");

    /* what CONFIG GET shows, CONFIG SET takes back (the caller's undo) */
    const char *names[] = {"save", "client-output-buffer-limit", "notify-keyspace-events",
                           "maxmemory-clients", "latency-tracking-info-percentiles", "bind",
                           "port", "oom-score-adj-values", "shutdown-on-sigint", "hz"};
    CHECK(set_ok("save", "10 1 20 2") && set_ok("maxmemory-clients", "5%"));
    for (size_t i = 0; i < ARRAY_LEN(names); i++) {
        char before[4096];
        snprintf(before, sizeof(before), "%s", get(names[i]));
        CHECK(set_ok(names[i], before));
        CHECK(strcmp(get(names[i]), before) == 0);
    }

    /* protected directives open with enable-protected-configs yes */
    char path[PATH_MAX + 64];
    snprintf(path, sizeof(path), "%s", write_file("p.conf", "enable-protected-configs yes\n"));
    CHECK(load(path, NULL));
    CHECK(set_ok("dbfilename", "x.rdb"));
    CHECK(set_fails("dbfilename", "a/x.rdb", "dbfilename can't be a path, just a filename"));
    CHECK(set_ok("dir", tmpdir));
    char cwd[PATH_MAX];
    CHECK(getcwd(cwd, sizeof(cwd)) && strcmp(cwd, tmpdir) == 0 && strcmp(cfg.dir, tmpdir) == 0);
    CHECK(set_fails("dir", "/nonexistent-kilat-dir", "No such file or directory"));
    CHECK(strcmp(cfg.dir, tmpdir) == 0);
    if (chdir(startdir) != 0) abort();
}

/* Directives of later capabilities log one line each when set to anything
 * but their default; supported ones, defaults and `save ""` stay quiet. */
static void test_inactive_log(void) {
    char logpath[PATH_MAX + 32], log[8192];
    snprintf(logpath, sizeof(logpath), "%s/kilat.log", tmpdir);
    unlink(logpath);
    CHECK(load("--logfile", logpath, "--appendonly", "yes", "--maxmemory", "1mb", "--appendfsync",
               "everysec", "--save", "", "--hz", "20", "--slave-read-only", "no",
               "--rename-command", "get", "x", "--user", "bob", "on", "--tls-replication", "yes", NULL));
    read_into(logpath, log, sizeof(log));
    const char *want[] = {"replica-read-only", "tls-replication"}; /* `user` is active: acl/ */
    for (size_t i = 0; i < ARRAY_LEN(want); i++) {
        char line[128];
        snprintf(line, sizeof(line), "# directive '%s' is recognised but not active yet in kilat\n",
                 want[i]);
        CHECK(strstr(log, line) != NULL);
    }
    const char *quiet[] = {"'appendonly'", "'maxmemory'", "'appendfsync'", "'save'", "'hz'", "'logfile'",
                           "'user'"};
    for (size_t i = 0; i < ARRAY_LEN(quiet); i++) CHECK(strstr(log, quiet[i]) == NULL);
    int lines = 0;
    for (const char *p = log; (p = strchr(p, '\n')); p++) lines++;
    CHECK(lines == (int)ARRAY_LEN(want));
    /* CONFIG SET of such a directive says it too */
    CHECK(set_ok("replica-read-only", "no"));
    read_into(logpath, log, sizeof(log));
    CHECK(strstr(log, "'replica-read-only' is recognised but not active yet") != NULL);
    config_free();
    unlink(logpath);
}

/* Debian's own redis.conf loads (daemonize, logfile, dir and all). */
static void test_debian_conf(void) {
    if (access("/etc/redis/redis.conf", R_OK) != 0) return;
    char logdir[PATH_MAX + 32], text[PATH_MAX * 3];
    snprintf(logdir, sizeof(logdir), "%s/deb.log", tmpdir);
    /* keep its logfile and dir away from the system's */
    snprintf(text, sizeof(text), "include /etc/redis/redis.conf\nlogfile %s\ndir %s\n", logdir, tmpdir);
    char path[PATH_MAX + 64];
    snprintf(path, sizeof(path), "%s", write_file("deb.conf", text));
    CHECK(load(path, NULL));
    CHECK(errout[0] == '\0');
    CHECK(cfg.daemonize && strcmp(cfg.bind, "127.0.0.1 -::1") == 0 && cfg.port == 6379);
    CHECK_GET("auto-aof-rewrite-min-size", "67108864");
    char log[4096];
    read_into(logdir, log, sizeof(log));
    CHECK(strstr(log, "not active yet") == NULL); /* it sets only defaults there */
    unlink(logdir);
}

static void cleanup(void) {
    const char *files[] = {"a.conf", "b.conf", "c.conf", "q.conf", "bad.conf", "stdin.conf",
                           "inc.conf", "top.conf", "e.conf", "v.conf", "p.conf", "deb.conf",
                           "stderr.txt", "globs/a.conf", "globs/b.conf", "x.rdb"};
    char path[PATH_MAX + 64];
    for (size_t i = 0; i < ARRAY_LEN(files); i++) {
        snprintf(path, sizeof(path), "%s/%s", tmpdir, files[i]);
        unlink(path);
    }
    snprintf(path, sizeof(path), "%s/globs", tmpdir);
    rmdir(path);
    rmdir(tmpdir);
}

int main(void) {
    char tmpl[] = "/tmp/kilat-test-config-XXXXXX";
    if (!mkdtemp(tmpl) || !realpath(tmpl, tmpdir) || !getcwd(startdir, sizeof(startdir))) {
        perror("setup");
        return 1;
    }
    /* the log lines config.c writes (warnings) go to stdout: keep them out
     * of the test output */
    fflush(stdout);
    int saved_out = dup(1), null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    close(null);
    test_defaults();
    test_file_syntax();
    test_quoting();
    test_memory_units();
    test_args();
    test_stdin();
    test_include();
    test_errors();
    test_file_values();
    test_get_globs();
    test_exists();
    test_set();
    test_inactive_log();
    test_debian_conf();
    config_free();
    cleanup();
    fflush(stdout);
    dup2(saved_out, 1);
    close(saved_out);
    return unit_finish("config");
}
