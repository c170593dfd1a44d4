/* acl/acl.c -- start-up of the ACL module and its config hooks (acl.h). */
#include "acl.h"

#include <string.h>

#include "../core/command.h"
#include "../core/config.h"
#include "../ds/mem.h"
#include "check.h"
#include "file.h"
#include "user.h"

extern Command acl_commands[];

void acl_register(void) { command_register(acl_commands); }

static void read_pubsub_default(void) {
    const char *v = config_value("acl-pubsub-default");
    acl_pubsub_default = v && !strcmp(v, "allchannels") ? SEL_ALLCHANNELS : 0;
}

/* requirepass is the default user's password: "" makes it nopass. */
void acl_set_requirepass(void) {
    acl_user_set(acl_default, "resetpass", 9);
    if (cfg.requirepass && cfg.requirepass_len) {
        char *op = mem_alloc(cfg.requirepass_len + 1);
        op[0] = '>';
        memcpy(op + 1, cfg.requirepass, cfg.requirepass_len);
        acl_user_set(acl_default, op, cfg.requirepass_len + 1);
        mem_free(op);
    } else {
        acl_user_set(acl_default, "nopass", 6);
    }
}

static bool on_requirepass(const char **err) {
    UNUSED(err);
    acl_set_requirepass();
    acl_hooks_refresh();
    return true;
}

static bool on_pubsub_default(const char **err) {
    UNUSED(err);
    read_pubsub_default();
    return true;
}

/* CONFIG REWRITE: every user as ACL LIST shows it, unless an aclfile
 * holds them. */
static char **rewrite_users(size_t *n) {
    const char *file = config_value("aclfile");
    *n = 0;
    if (file && *file) return NULL;
    char **lines = mem_alloc(sizeof(*lines) * (size_t)(acl_user_count() + 1));
    for (int i = 0; i < acl_user_count(); i++) {
        AclUser *u = acl_user_at(i);
        Buf b = {0};
        buf_str(&b, "user ");
        buf_add(&b, u->ref.name, u->ref.len);
        buf_str(&b, " ");
        acl_user_describe(u, &b);
        lines[(*n)++] = b.p;
    }
    return lines;
}

bool acl_init(void) {
    acl_commands_init();
    read_pubsub_default();
    acl_default = acl_user_create("default", 7);
    static const char *const rules[] = {"+@all", "~*", "&*", "on", "nopass"};
    for (size_t i = 0; i < ARRAY_LEN(rules); i++) acl_user_set(acl_default, rules[i], strlen(rules[i]));
    acl_set_requirepass();
    config_on_set("requirepass", on_requirepass);
    config_on_set("acl-pubsub-default", on_pubsub_default);
    config_rewrite_users = rewrite_users;
    acl_check_init();
    if (!acl_file_load_at_start()) return false;
    acl_hooks_refresh();
    return true;
}
