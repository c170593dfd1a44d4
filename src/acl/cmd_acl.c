/* acl/cmd_acl.c -- the ACL command: SETUSER GETUSER DELUSER LIST USERS
 * WHOAMI CAT LOG GENPASS DRYRUN LOAD SAVE HELP. */
#include <stdio.h>
#include <string.h>

#include "../core/args.h"
#include "../core/command.h"
#include "../core/monitor.h"
#include "../core/reply.h"
#include "../ds/mem.h"
#include "check.h"
#include "file.h"
#include "log.h"
#include "user.h"

/* Redis's reply to ACL CAT/GENPASS/LOG with too many arguments. */
static void reply_sub_syntax(Client *c) {
    reply_errorf(c, "ERR unknown subcommand or wrong number of arguments for '%.*s'. Try ACL HELP.",
                 (int)(c->argl[1] > 128 ? 128 : c->argl[1]), c->argv[1]);
}

static void cmd_setuser(Client *c) {
    for (int i = 2; i < c->argc; i++) monitor_redact(i);
    const char *name = c->argv[2];
    size_t nlen = c->argl[2];
    for (size_t i = 0; i < nlen; i++)
        if (name[i] == ' ' || (name[i] >= '\t' && name[i] <= '\r') || name[i] == 0) {
            reply_error(c, "ERR Usernames can't contain spaces or null characters");
            return;
        }
    AclUser *u = acl_user_find(name, nlen);
    AclUser *before = NULL;
    if (u) {
        before = acl_user_new(name, nlen);
        acl_user_copy(before, u);
    }
    char *err = acl_user_set_rules(u, name, nlen, (const char *const *)c->argv + 3, c->argl + 3,
                                   c->argc - 3, &u);
    if (err) {
        reply_errorf(c, "ERR %s", err);
        mem_free(err);
    } else {
        if (before) acl_kill_pubsub_if_needed(u, before);
        acl_hooks_refresh();
        reply_ok(c);
    }
    acl_user_free(before);
}

static void cmd_deluser(Client *c) {
    for (int i = 2; i < c->argc; i++)
        if (c->argl[i] == 7 && !memcmp(c->argv[i], "default", 7)) {
            reply_error(c, "ERR The 'default' user cannot be removed");
            return;
        }
    int64_t deleted = 0;
    for (int i = 2; i < c->argc; i++) {
        AclUser *u = acl_user_find(c->argv[i], c->argl[i]);
        if (!u) continue;
        acl_kill_clients_of(u, c); /* they become the default user, then close */
        acl_user_delete(u);
        deleted++;
    }
    acl_hooks_refresh();
    reply_int(c, deleted);
}

static void reply_selector(Client *c, const AclSelector *s) {
    Buf b = {0};
    reply_cstr(c, "commands");
    acl_selector_describe_cmds(s, &b);
    reply_bulk(c, b.p ? b.p : "", b.len);
    b.len = 0;
    reply_cstr(c, "keys");
    acl_selector_describe_keys(s, &b);
    reply_bulk(c, b.p ? b.p : "", b.len);
    b.len = 0;
    reply_cstr(c, "channels");
    acl_selector_describe_chans(s, &b);
    reply_bulk(c, b.p ? b.p : "", b.len);
    mem_free(b.p);
}

static void cmd_getuser(Client *c) {
    AclUser *u = acl_user_find(c->argv[2], c->argl[2]);
    if (!u) {
        reply_null(c);
        return;
    }
    reply_map(c, 6);
    reply_cstr(c, "flags");
    static const struct {
        uint32_t flag;
        const char *name;
    } flags[] = {{USER_ON, "on"}, {USER_OFF, "off"}, {USER_NOPASS, "nopass"},
                 {USER_SKIP_SANITIZE, "skip-sanitize-payload"}, {USER_SANITIZE, "sanitize-payload"}};
    int n = 0;
    for (size_t i = 0; i < ARRAY_LEN(flags); i++) n += (u->flags & flags[i].flag) != 0;
    reply_set(c, n);
    for (size_t i = 0; i < ARRAY_LEN(flags); i++)
        if (u->flags & flags[i].flag) reply_cstr(c, flags[i].name);
    reply_cstr(c, "passwords");
    reply_array(c, u->npass);
    for (int i = 0; i < u->npass; i++) reply_bulk(c, u->pass[i], 64);
    reply_selector(c, &u->sel[0]);
    reply_cstr(c, "selectors");
    reply_array(c, u->nsel - 1);
    for (int i = 1; i < u->nsel; i++) {
        reply_map(c, 3);
        reply_selector(c, &u->sel[i]);
    }
}

static void list_users(Client *c, bool names_only) {
    reply_array(c, acl_user_count());
    for (int i = 0; i < acl_user_count(); i++) {
        AclUser *u = acl_user_at(i);
        if (names_only) {
            reply_bulk(c, u->ref.name, u->ref.len);
            continue;
        }
        Buf b = {0};
        buf_str(&b, "user ");
        buf_add(&b, u->ref.name, u->ref.len);
        buf_str(&b, " ");
        acl_user_describe(u, &b);
        reply_bulk(c, b.p, b.len);
        mem_free(b.p);
    }
}

static void cmd_list(Client *c) { list_users(c, false); }
static void cmd_users(Client *c) { list_users(c, true); }

static void cmd_whoami(Client *c) {
    if (c->user) reply_bulk(c, c->user->name, c->user->len);
    else reply_null(c);
}

static void cmd_cat(Client *c) {
    if (c->argc > 3) {
        reply_sub_syntax(c);
        return;
    }
    if (c->argc == 2) {
        int n = 0;
        while (acl_category_name(n)) n++;
        reply_array(c, n);
        for (int i = 0; i < n; i++) reply_cstr(c, acl_category_name(i));
        return;
    }
    char name[32] = "";
    if (c->argl[2] < sizeof name) memcpy(name, c->argv[2], c->argl[2]);
    uint32_t flag = c->argl[2] < sizeof name ? acl_category_flag(name) : 0;
    if (!flag) {
        reply_errorf(c, "ERR Unknown category '%.*s'", (int)(c->argl[2] > 128 ? 128 : c->argl[2]),
                     c->argv[2]);
        return;
    }
    int n = 0;
    for (int i = 0; i < acl_ncmds; i++) n += (acl_cmds[i]->acl_cats & flag) != 0;
    reply_array(c, n);
    for (int i = 0; i < acl_ncmds; i++)
        if (acl_cmds[i]->acl_cats & flag) reply_cstr(c, acl_cmds[i]->fullname);
}

static void cmd_genpass(Client *c) {
    if (c->argc > 3) {
        reply_sub_syntax(c);
        return;
    }
    int64_t bits = 256;
    if (c->argc == 3 && !arg_int64_or_reply(c, 2, &bits)) return;
    if (bits <= 0 || bits > 4096) {
        reply_error(c, "ERR ACL GENPASS argument must be the number of bits for the output "
                       "password, a positive number up to 4096");
        return;
    }
    size_t chars = (size_t)(bits + 3) / 4;
    unsigned char raw[512];
    FILE *f = fopen("/dev/urandom", "rb");
    size_t got = f ? fread(raw, 1, (chars + 1) / 2, f) : 0;
    if (f) fclose(f);
    if (got != (chars + 1) / 2) {
        reply_error(c, "ERR could not read random bytes");
        return;
    }
    char hex[1025];
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < chars; i++) hex[i] = digits[(raw[i / 2] >> ((i % 2) ? 0 : 4)) & 15];
    reply_bulk(c, hex, chars);
}

static void cmd_log(Client *c) {
    if (c->argc > 3) {
        reply_sub_syntax(c);
        return;
    }
    acl_log_command(c);
}

static void cmd_dryrun(Client *c) {
    AclUser *u = acl_user_find(c->argv[2], c->argl[2]);
    if (!u) {
        reply_errorf(c, "ERR User '%.*s' not found", (int)c->argl[2], c->argv[2]);
        return;
    }
    Command *cmd = command_lookup(c->argv[3], c->argl[3]);
    if (cmd && cmd->subs && c->argc > 4) {
        char full[128];
        int n = snprintf(full, sizeof full, "%s|%.*s", cmd->name, (int)c->argl[4], c->argv[4]);
        cmd = n > 0 && (size_t)n < sizeof full ? acl_command_find(full, (size_t)n) : NULL;
    } else if (cmd && cmd->subs && !cmd->fn) {
        cmd = NULL;
    }
    if (!cmd) {
        reply_errorf(c, "ERR Command '%.*s' not found", (int)c->argl[3], c->argv[3]);
        return;
    }
    int argc = c->argc - 3;
    if (cmd->arity > 0 ? argc != cmd->arity : argc < -cmd->arity) {
        reply_errorf(c, "ERR wrong number of arguments for '%s' command", cmd->fullname);
        return;
    }
    int pos = 0;
    int r = acl_check_user(u, cmd, (const char *const *)c->argv + 3, c->argl + 3, argc, &pos);
    if (!r) {
        reply_ok(c);
        return;
    }
    char msg[512];
    int n;
    if (r == ACL_DENIED_CMD)
        n = snprintf(msg, sizeof msg, "This user has no permissions to run the '%s' command",
                     cmd->fullname);
    else
        n = snprintf(msg, sizeof msg, "This user has no permissions to access the '%.*s' %s",
                     (int)(c->argl[pos + 3] > 256 ? 256 : c->argl[pos + 3]), c->argv[pos + 3],
                     r == ACL_DENIED_KEY ? "key" : "channel");
    reply_bulk(c, msg, n > 0 ? (size_t)n : 0);
}

static void cmd_help(Client *c) {
    static const char *const help[] = {
        "ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CAT [<category>]",
        "    List all commands that belong to <category>, or all command categories",
        "    when no category is specified.",
        "DELUSER <username> [<username> ...]",
        "    Delete a list of users.",
        "DRYRUN <username> <command> [<arg> ...]",
        "    Returns whether the user can execute the given command without executing the command.",
        "GETUSER <username>",
        "    Get the user's details.",
        "GENPASS [<bits>]",
        "    Generate a secure 256-bit user password. The optional `bits` argument can",
        "    be used to specify a different size.",
        "LIST",
        "    Show users details in config file format.",
        "LOAD",
        "    Reload users from the ACL file.",
        "LOG [<count> | RESET]",
        "    Show the ACL log entries.",
        "SAVE",
        "    Save the current config to the ACL file.",
        "SETUSER <username> <attribute> [<attribute> ...]",
        "    Create or modify a user with the specified attributes.",
        "USERS",
        "    List all the registered usernames.",
        "WHOAMI",
        "    Return the current connection username.",
        "HELP",
        "    Prints this help.",
    };
    reply_help(c, help, ARRAY_LEN(help));
}

#define SRV "server"
#define AF (CMD_NOSCRIPT | CMD_LOADING | CMD_STALE | CMD_SENTINEL)
#define AAF (CMD_ADMIN | AF)
static Command acl_subs[] = {
    {"cat", cmd_cat, -2, AF, 0, 0, 0, SRV, "List the ACL categories or the commands inside a category", "6.0.0", "O(1) since the categories and commands are a fixed set.", "@slow", NULL},
    {"deluser", cmd_deluser, -3, AAF, 0, 0, 0, SRV, "Remove the specified ACL users and the associated rules", "6.0.0", "O(1) amortized time considering the typical user.", "@admin @slow @dangerous", NULL},
    {"dryrun", cmd_dryrun, -4, AAF, 0, 0, 0, SRV, "Returns whether the user can execute the given command without executing the command.", "7.0.0", "O(1).", "@admin @slow @dangerous", NULL},
    {"genpass", cmd_genpass, -2, AF, 0, 0, 0, SRV, "Generate a pseudorandom secure password to use for ACL users", "6.0.0", "O(1)", "@slow", NULL},
    {"getuser", cmd_getuser, 3, AAF, 0, 0, 0, SRV, "Get the rules for a specific ACL user", "6.0.0", "O(N). Where N is the number of password, command and pattern rules that the user has.", "@admin @slow @dangerous", NULL},
    {"help", cmd_help, 2, CMD_LOADING | CMD_STALE | CMD_SENTINEL, 0, 0, 0, SRV, "Show helpful text about the different subcommands", "6.0.0", "O(1)", "@slow", NULL},
    {"list", cmd_list, 2, AAF, 0, 0, 0, SRV, "List the current ACL rules in ACL config file format", "6.0.0", "O(N). Where N is the number of configured users.", "@admin @slow @dangerous", NULL},
    {"load", acl_file_load_command, 2, AAF, 0, 0, 0, SRV, "Reload the ACLs from the configured ACL file", "6.0.0", "O(N). Where N is the number of configured users.", "@admin @slow @dangerous", NULL},
    {"log", cmd_log, -2, AAF, 0, 0, 0, SRV, "List latest events denied because of ACLs in place", "6.0.0", "O(N) with N being the number of entries shown.", "@admin @slow @dangerous", NULL},
    {"save", acl_file_save_command, 2, AAF, 0, 0, 0, SRV, "Save the current ACL rules in the configured ACL file", "6.0.0", "O(N). Where N is the number of configured users.", "@admin @slow @dangerous", NULL},
    {"setuser", cmd_setuser, -3, AAF, 0, 0, 0, SRV, "Modify or create the rules for a specific ACL user", "6.0.0", "O(N). Where N is the number of rules provided.", "@admin @slow @dangerous", NULL},
    {"users", cmd_users, 2, AAF, 0, 0, 0, SRV, "List the username of all the configured ACL rules", "6.0.0", "O(N). Where N is the number of configured users.", "@admin @slow @dangerous", NULL},
    {"whoami", cmd_whoami, 2, AF, 0, 0, 0, SRV, "Return the name of the user associated to the current connection", "6.0.0", "O(1)", "@slow", NULL},
    {0},
};

Command acl_commands[] = {
    {"acl", NULL, -2, CMD_SENTINEL, 0, 0, 0, SRV, "A container for Access List Control commands ", "6.0.0", "Depends on subcommand.", "@slow", acl_subs},
    {0},
};
