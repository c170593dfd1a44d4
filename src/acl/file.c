/* acl/file.c -- `user` config lines, the aclfile, ACL LOAD and SAVE
 * (file.h). ACL LOAD builds the whole new set of users first and only
 * then replaces the old one: an error anywhere changes nothing. */
#include "file.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../core/config.h"
#include "../core/log.h"
#include "../core/reply.h"
#include "../ds/mem.h"
#include "../os/clock.h"
#include "../os/proc.h"
#include "check.h"
#include "user.h"

static const char NO_FILE[] =
    "ERR This Redis instance is not configured to use an ACL file. You may want to specify "
    "users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a "
    "Redis configuration file set) in order to store users in the Redis configuration.";

static const char *acl_filename(void) {
    const char *v = config_value("aclfile");
    return v ? v : "";
}

static bool has_spaces(const char *s, size_t len) {
    for (size_t i = 0; i < len; i++)
        if (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r') || s[i] == 0) return true;
    return false;
}

/* ---- the aclfile ---- */

typedef struct {
    AclUser **v;
    int n;
} UserSet;

static AclUser *set_find(UserSet *s, const char *name, size_t len) {
    for (int i = 0; i < s->n; i++)
        if (s->v[i]->ref.len == len && !memcmp(s->v[i]->ref.name, name, len)) return s->v[i];
    return NULL;
}

static void set_free(UserSet *s) {
    for (int i = 0; i < s->n; i++) acl_user_free(s->v[i]);
    mem_free(s->v);
}

/* Splits on single spaces, as Redis reads ACL file lines. */
static int split_spaces_line(char *line, char ***out) {
    int n = 0;
    char **v = NULL;
    char *p = line;
    for (;;) {
        char *sp = strchr(p, ' ');
        v = mem_realloc(v, sizeof(*v) * (size_t)(n + 1));
        v[n++] = p;
        if (!sp) break;
        *sp = '\0';
        p = sp + 1;
    }
    *out = v;
    return n;
}

static char *trim(char *s, const char *chars) {
    while (*s && strchr(chars, *s)) s++;
    size_t n = strlen(s);
    while (n && strchr(chars, s[n - 1])) s[--n] = '\0';
    return s;
}

/* Reads `path` into a new user set; NULL error text on success. */
static char *load_file(const char *path, UserSet *set) {
    FILE *f = fopen(path, "r");
    Buf errors = {0};
    if (!f) {
        buf_printf(&errors, "Error loading ACLs, opening file '%s': %s", path, strerror(errno));
        return errors.p;
    }
    Buf text = {0};
    char buf[1024];
    while (fgets(buf, sizeof buf, f)) buf_str(&text, buf);
    fclose(f);
    int linenum = 0;
    char *save = NULL;
    char *rest = text.p ? text.p : (char *)"";
    for (char *line = rest; line; line = save) {
        char *nl = strchr(line, '\n');
        save = nl ? nl + 1 : NULL;
        if (nl) *nl = '\0';
        linenum++;
        line = trim(line, " \t\r\n");
        if (!*line) continue;
        char **argv;
        int argc = split_spaces_line(line, &argv);
        if (strcmp(argv[0], "user") || argc < 2) {
            buf_printf(&errors, "%s:%d should start with user keyword followed by the username. ",
                      path, linenum);
            mem_free(argv);
            continue;
        }
        if (has_spaces(argv[1], strlen(argv[1]))) {
            buf_printf(&errors, "'%s:%d: username '%s' contains invalid characters. ", path,
                      linenum, argv[1]);
            mem_free(argv);
            continue;
        }
        if (set_find(set, argv[1], strlen(argv[1]))) {
            buf_printf(&errors, "WARNING: Duplicate user '%s' found on line %d. ", argv[1], linenum);
            mem_free(argv);
            continue;
        }
        AclUser *u = acl_user_new(argv[1], strlen(argv[1]));
        set->v = mem_realloc(set->v, sizeof(*set->v) * (size_t)(set->n + 1));
        set->v[set->n++] = u;
        /* selectors may span words: "(+get" "~k*)" */
        Buf op = {0};
        bool open = false, syntax = false;
        for (int j = 2; j < argc; j++) {
            const char *w = argv[j];
            size_t wl = strlen(w);
            if (!open && wl && w[0] == '(' && w[wl - 1] != ')') {
                open = true;
                op.len = 0;
                buf_add(&op, w, wl);
                continue;
            }
            if (open) {
                buf_str(&op, " ");
                buf_add(&op, w, wl);
                if (!(wl && w[wl - 1] == ')')) continue;
                open = false;
            } else {
                op.len = 0;
                buf_add(&op, w, wl);
            }
            char *o = trim(op.p, "\t\r\n");
            int e = acl_user_set(u, o, strlen(o));
            if (e == ACLE_UNKNOWN) {
                buf_printf(&errors, "%s:%d: Error in applying operation '%s': %s. ", path, linenum,
                          o, acl_user_error(e));
            } else if (e != ACLE_OK && !syntax) {
                buf_printf(&errors, "%s:%d: %s. ", path, linenum, acl_user_error(e));
                syntax = true;
            }
        }
        if (open)
            buf_printf(&errors, "%s:%d: Unmatched parenthesis in selector definition.", path,
                      linenum);
        mem_free(op.p);
        mem_free(argv);
    }
    mem_free(text.p);
    if (errors.len) {
        buf_str(&errors, "WARNING: ACL errors detected, no change to the previously active ACL "
                         "rules was performed");
        return errors.p;
    }
    return NULL;
}

static AclUser *new_default_user(void) {
    AclUser *d = acl_user_new("default", 7);
    static const char *const rules[] = {"+@all", "~*", "&*", "on", "nopass"};
    for (size_t i = 0; i < ARRAY_LEN(rules); i++) acl_user_set(d, rules[i], strlen(rules[i]));
    return d;
}

/* Installs a loaded set: the default user keeps its object (its clients
 * stay), every other old user goes with its clients. */
static void install(UserSet *set, const Client *self) {
    if (!set_find(set, "default", 7)) {
        set->v = mem_realloc(set->v, sizeof(*set->v) * (size_t)(set->n + 1));
        set->v[set->n++] = new_default_user();
    }
    AclUser **gone;
    int ngone;
    acl_users_replace(set->v, set->n, &gone, &ngone);
    for (int i = 0; i < ngone; i++) {
        acl_kill_clients_of(gone[i], self);
        acl_user_free(gone[i]);
    }
    mem_free(gone);
    mem_free(set->v);
    set->v = NULL;
    set->n = 0;
    acl_hooks_refresh();
}

void acl_file_load_command(Client *c) {
    const char *path = acl_filename();
    if (!*path) {
        reply_error(c, NO_FILE);
        return;
    }
    UserSet set = {0};
    char *err = load_file(path, &set);
    if (err) {
        set_free(&set);
        reply_errorf(c, "ERR %s", err);
        mem_free(err);
        return;
    }
    install(&set, c);
    reply_ok(c);
}

/* ---- ACL SAVE ---- */

static bool save_file(const char *path) {
    Buf text = {0};
    for (int i = 0; i < acl_user_count(); i++) {
        AclUser *u = acl_user_at(i);
        buf_str(&text, "user ");
        buf_add(&text, u->ref.name, u->ref.len);
        buf_str(&text, " ");
        acl_user_describe(u, &text);
        buf_str(&text, "\n");
    }
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp-%d-%lld", path, (int)proc_pid(), (long long)clock_unix_ms());
    FILE *f = fopen(tmp, "w");
    bool ok = f && fwrite(text.p ? text.p : "", 1, text.len, f) == text.len;
    if (f && fclose(f) != 0) ok = false;
    if (ok && rename(tmp, path) != 0) ok = false;
    if (!ok) {
        log_msg(LOG_WARNING, "Writing ACL file for ACL SAVE: %s", strerror(errno));
        unlink(tmp);
    }
    mem_free(text.p);
    return ok;
}

void acl_file_save_command(Client *c) {
    const char *path = acl_filename();
    if (!*path) {
        reply_error(c, NO_FILE);
        return;
    }
    if (save_file(path)) reply_ok(c);
    else reply_error(c, "ERR There was an error trying to save the ACLs. Please check the server "
                        "logs for more information");
}

/* ---- start-up ---- */

static void fatal(const char *what, const char *msg) {
    fprintf(stderr, "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\n>>> '%s'\n%s\n", what, msg);
}

/* The `user` lines, applied as Redis does (each rule on its own; a
 * duplicate name is fatal, except that a repeated default resets). */
static bool load_config_users(void) {
    char *const **argvs;
    const int *argcs;
    int n = config_user_lines(&argvs, &argcs);
    for (int i = 0; i < n; i++) {
        const char *name = argvs[i][0];
        size_t nlen = strlen(name);
        if (has_spaces(name, nlen)) {
            fatal("user", "Error in user declaration 'user': Usernames can't contain spaces or "
                          "null characters");
            return false;
        }
        for (int j = 0; j < i; j++)
            if (!strcmp(argvs[j][0], name)) {
                fatal("user", acl_user_error(ACLE_DUPLICATE));
                return false;
            }
        AclUser *u = acl_user_find(name, nlen);
        if (!u) u = acl_user_create(name, nlen);
        else acl_user_set(u, "reset", 5);
        size_t *lens = mem_alloc(sizeof(*lens) * (size_t)argcs[i]);
        for (int j = 1; j < argcs[i]; j++) lens[j - 1] = strlen(argvs[i][j]);
        char *err = acl_user_set_rules(u, name, nlen, (const char *const *)argvs[i] + 1, lens,
                                       argcs[i] - 1, NULL);
        mem_free(lens);
        if (err) {
            log_msg(LOG_WARNING, "Error loading ACL rule for the user named '%s': %s", name, err);
            fatal("user", err);
            mem_free(err);
            return false;
        }
        if (u->flags & USER_OFF)
            log_msg(LOG_NOTICE,
                    "The user '%s' is disabled (there is no 'on' modifier in the user "
                    "description). Make sure this is not a configuration error.",
                    name);
    }
    return true;
}

bool acl_file_load_at_start(void) {
    char *const **argvs;
    const int *argcs;
    const char *path = acl_filename();
    if (*path && config_user_lines(&argvs, &argcs) > 0) {
        log_msg(LOG_WARNING,
                "Configuring Redis with users defined in redis.conf and at the same setting an "
                "ACL file path is invalid. This setup is very likely to lead to configuration "
                "errors and security holes, please define either an ACL file or declare users "
                "directly in your redis.conf, but not both.");
        return false;
    }
    if (!load_config_users()) {
        log_msg(LOG_WARNING, "Critical error while loading ACLs. Exiting.");
        return false;
    }
    if (*path) {
        UserSet set = {0};
        char *err = load_file(path, &set);
        if (err) {
            log_msg(LOG_WARNING, "Aborting Redis startup because of ACL errors: %s", err);
            mem_free(err);
            set_free(&set);
            return false;
        }
        install(&set, NULL);
    }
    return true;
}
