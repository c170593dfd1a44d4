/* acl/user.h -- ACL users: the registry (sorted by name, as Redis lists
 * them), the rules of ACL SETUSER and `user` lines, and their description
 * back as rules (ACL LIST, GETUSER, SAVE). A user has flags, password
 * hashes (SHA-256 hex) and selectors: the root one (the rules outside
 * parentheses) and any `(...)` ones; a command runs if one selector allows
 * it with its keys and channels. */
#ifndef KILAT_ACL_USER_H
#define KILAT_ACL_USER_H

#include "../core/client.h"
#include "../core/command.h"
#include "../ds/buf.h"

enum { USER_ON = 1, USER_OFF = 2, USER_NOPASS = 4, USER_SKIP_SANITIZE = 8, USER_SANITIZE = 16 };
enum { SEL_ROOT = 1, SEL_ALLKEYS = 2, SEL_ALLCHANNELS = 4, SEL_ALLCOMMANDS = 8 };
enum { PERM_READ = 1, PERM_WRITE = 2, PERM_ALL = 3 };

#define ACL_CMD_BITS 1024 /* the last bit: "+@all", future commands too */

typedef struct {
    char *s;
    size_t len;
    int flags;             /* keys: PERM_*; channels: 0 */
} AclPat;

typedef struct {
    uint16_t id;           /* command allowed with this first argument only */
    char *arg;
} AclFirstArg;

typedef struct {
    uint32_t flags;        /* SEL_* */
    uint64_t allowed[ACL_CMD_BITS / 64];
    AclPat *keys, *chans;
    int nkeys, nchans;
    AclFirstArg *fa;
    int nfa;
} AclSelector;

typedef struct AclUser {
    UserRef ref;           /* first: core sees users as UserRef */
    uint32_t flags;        /* USER_* */
    char (*pass)[65];      /* SHA-256 hex of each password */
    int npass;
    AclSelector *sel;      /* sel[0] is the root selector */
    int nsel;
} AclUser;

/* Errors of acl_user_set (Redis's texts: acl_user_error). */
enum {
    ACLE_OK, ACLE_SYNTAX, ACLE_UNKNOWN, ACLE_KEYS_AFTER_ALL, ACLE_CHANNELS_AFTER_ALL,
    ACLE_NO_PASS, ACLE_BAD_HASH, ACLE_DUPLICATE, ACLE_FIRSTARG_SUB,
};
const char *acl_user_error(int err);

/* Command ids and categories; after command_init. */
void acl_commands_init(void);
/* The category's bit (by name, any case), 0 if unknown. */
uint32_t acl_category_flag(const char *name);
/* The i-th category name, NULL past the last. */
const char *acl_category_name(int i);
/* Every command and subcommand, in table order (index = acl_id). */
extern Command **acl_cmds;
extern int acl_ncmds;
/* A command by "name" or "name|sub" (any case), ignoring rename-command. */
Command *acl_command_find(const char *name, size_t len);

/* acl-pubsub-default: SEL_ALLCHANNELS or 0 for new selectors. */
extern uint32_t acl_pubsub_default;

/* Registry. The default user always exists. */
extern AclUser *acl_default;
AclUser *acl_user_find(const char *name, size_t len);
/* Creates and registers an empty user (off, no rules); NULL if it exists. */
AclUser *acl_user_create(const char *name, size_t len);
int acl_user_count(void);
AclUser *acl_user_at(int i);  /* sorted by name */
/* Unregisters and frees. */
void acl_user_delete(AclUser *u);
/* An unregistered user (for staging changes), a copy, a free. */
AclUser *acl_user_new(const char *name, size_t len);
void acl_user_copy(AclUser *dst, const AclUser *src);
void acl_user_free(AclUser *u);
/* Replaces the registry with users[0..n) (taken over; one is "default",
 * whose rules go into the existing default object so its clients stay).
 * Returns the old users, all gone (the caller kills their clients and
 * frees them via acl_user_free). Used by ACL LOAD. */
void acl_users_replace(AclUser **users, int n, AclUser ***gone, int *ngone);

/* Applies one rule; ACLE_OK or an error (the user is then unchanged for
 * that rule, maybe not for a selector's earlier parts: stage on a copy). */
int acl_user_set(AclUser *u, const char *op, size_t len);
/* Applies all rules to a copy of u (or a new user when u is NULL) and
 * then to u at once: all or nothing. Returns NULL on success (u, or the
 * new registered user, in *out if out) or an error text (mem_alloc'ed)
 * "Error in ACL SETUSER modifier '...': ...". Selectors may span args. */
char *acl_user_set_rules(AclUser *u, const char *name, size_t nlen, const char *const *argv,
                         const size_t *argl, int argc, AclUser **out);

/* True if the user lets its selectors run anything on anything. */
bool acl_user_unrestricted(const AclUser *u);
/* The password check (constant time per hash). */
bool acl_user_check_password(const AclUser *u, const char *pass, size_t len);


/* Descriptions, appended to b: all rules of u as ACL LIST shows them; a
 * selector's command rules ("+@all -debug"); its key and channel patterns
 * as GETUSER shows them. */
void acl_user_describe(const AclUser *u, Buf *b);
void acl_selector_describe_cmds(const AclSelector *s, Buf *b);
void acl_selector_describe_keys(const AclSelector *s, Buf *b);
void acl_selector_describe_chans(const AclSelector *s, Buf *b);

/* Bit helpers. */
static inline bool acl_sel_allows(const AclSelector *s, unsigned id) {
    return (s->allowed[id / 64] >> (id % 64)) & 1;
}

#endif
