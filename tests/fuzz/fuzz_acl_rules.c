/* tests/fuzz/fuzz_acl_rules.c -- libFuzzer target for the ACL rule parser
 * (acl/user.c) and the permission check (acl/check.c). Built and run by
 * `make fuzz` (build-fuzz/fuzz_acl_rules).
 *
 * Input, split on NUL bytes: the rules of one ACL SETUSER (binary-safe but
 * NUL), then, after an empty piece, a command line to check (argv). Each
 * input: the rules staged all-or-nothing on a new user; when they apply,
 * the user is described (ACL LIST's text), the description is applied to
 * a second new user and must describe the same (the text ACL SAVE writes
 * must load back as the same user), and the command line is checked
 * against it (ACL DRYRUN's path). Both users are deleted after.
 *
 * Seeds (one file each, "\0" a NUL byte):
 *   on\0>pw\0~k*\0+get\0\0get\0k1
 *   %R~r*\0%W~w*\0+@all\0\0lmove\0r1\0w1\0left\0left
 *   (+set ~s*)\0&ch*\0+publish\0\0publish\0ch1\0m
 *   -@all\0+config|get\0+select|0\0\0select\0 0
 * A first run (120 s) found only that a first argument with a space or a
 * parenthesis does not round-trip, which Redis 7.0 shares; a 10-minute
 * run that %RW~* beside other key patterns does not either (Redis 7.0
 * the same; seeds regress-rw-star*). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "acl/acl.h"
#include "acl/check.h"
#include "acl/user.h"
#include "cmd/families.h"
#include "core/config.h"
#include "core/db.h"
#include "ds/mem.h"

#define MAX_INPUT 4096
#define MAX_ARGS 64

static void init_once(void) {
    static char prog[] = "fuzz_acl_rules";
    char *argv[] = {prog, NULL};
    if (!config_load(1, argv)) abort();
    db_init_all(cfg.databases);
    cmd_register_all();
    command_init();
    if (!acl_init()) abort();
}

/* The description of u (without "user <name> "), split on spaces as an
 * ACL file line is, applied to a new user: same description. */
static void check_round_trip(AclUser *u) {
    Buf d = {0};
    acl_user_describe(u, &d);
    const char *argv[MAX_INPUT];
    size_t argl[MAX_INPUT];
    int argc = 0;
    for (size_t i = 0; i < d.len;) {
        size_t j = i;
        while (j < d.len && d.p[j] != ' ') j++;
        argv[argc] = d.p + i;
        argl[argc++] = j - i;
        i = j + 1;
    }
    /* a pattern holding a parenthesis, or a first argument (+select|a b)
     * holding one or white space, does not split back (Redis's format has
     * the same limits): only check the others */
    bool parens_in_patterns = false;
    for (int s = 0; s < u->nsel; s++) {
        for (int k = 0; k < u->sel[s].nfa; k++)
            parens_in_patterns |= strpbrk(u->sel[s].fa[k].arg, "() \t\n\r\v\f") != NULL;
        for (int k = 0; k < u->sel[s].nkeys; k++)
            parens_in_patterns |= memchr(u->sel[s].keys[k].s, '(', u->sel[s].keys[k].len) ||
                                  memchr(u->sel[s].keys[k].s, ')', u->sel[s].keys[k].len);
        for (int k = 0; k < u->sel[s].nchans; k++)
            parens_in_patterns |= memchr(u->sel[s].chans[k].s, '(', u->sel[s].chans[k].len) ||
                                  memchr(u->sel[s].chans[k].s, ')', u->sel[s].chans[k].len);
    }
    /* %RW~* is described as ~*, which reads back as allkeys: that drops
     * the patterns before it, and refuses any after it. Redis 7.0 does the
     * same (ACL LIST of `%R~r* %RW~* %W~w*` is `%R~r* ~* %W~w*`, which ACL
     * SETUSER refuses), so only check users without such a pattern */
    for (int s = 0; s < u->nsel; s++)
        for (int k = 0; k < u->sel[s].nkeys; k++)
            parens_in_patterns |= u->sel[s].keys[k].flags == PERM_ALL && u->sel[s].keys[k].len == 1 &&
                                  u->sel[s].keys[k].s[0] == '*';
    AclUser *v = NULL;
    char *err = acl_user_set_rules(NULL, "fz2", 3, argv, argl, argc, &v);
    if (!parens_in_patterns) {
        if (err) abort(); /* ACL LIST's own text refused */
        Buf e = {0};
        acl_user_describe(v, &e);
        if (e.len != d.len || memcmp(e.p, d.p, d.len)) abort();
        mem_free(e.p);
    }
    mem_free(err);
    if (v) acl_user_delete(v);
    mem_free(d.p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static bool inited;
    if (!inited) {
        init_once();
        inited = true;
    }
    if (size > MAX_INPUT) return 0;
    char *buf = malloc(size + 1);
    memcpy(buf, data, size);
    buf[size] = '\0';
    const char *rules[MAX_ARGS], *cmd[MAX_ARGS];
    size_t rl[MAX_ARGS], cl[MAX_ARGS];
    int nr = 0, nc = 0;
    bool in_cmd = false;
    for (size_t i = 0; i <= size;) {
        size_t j = i;
        while (j < size && buf[j]) j++;
        if (!in_cmd && j == i && i < size) {
            in_cmd = true;
        } else if (!in_cmd && nr < MAX_ARGS) {
            rules[nr] = buf + i;
            rl[nr++] = j - i;
        } else if (in_cmd && nc < MAX_ARGS) {
            cmd[nc] = buf + i;
            cl[nc++] = j - i;
        }
        i = j + 1;
    }
    AclUser *u = NULL;
    char *err = acl_user_set_rules(NULL, "fz", 2, rules, rl, nr, &u);
    mem_free(err);
    if (u) {
        check_round_trip(u);
        Command *c = nc ? command_lookup(cmd[0], cl[0]) : NULL;
        if (c && c->subs && nc > 1) {
            for (Command *s = c->subs; s->name; s++)
                if (strlen(s->name) == cl[1] && !strncasecmp(s->name, cmd[1], cl[1])) c = s;
        }
        if (c && !c->subs && (c->arity > 0 ? nc == c->arity : nc >= -c->arity)) {
            int pos = 0;
            acl_check_user(u, c, cmd, cl, nc, &pos);
        }
        acl_user_delete(u);
    }
    free(buf);
    return 0;
}
