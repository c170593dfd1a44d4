/* acl/user.c -- users, their rules and their description (user.h). */
#include "user.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../core/log.h"
#include "../ds/mem.h"
#include "sha256.h"

/* ---- strings ---- */


/* ---- commands and categories ---- */

static const char *const categories[] = {
    "keyspace", "read", "write", "set", "sortedset", "list", "hash", "string", "bitmap",
    "hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow", "blocking", "dangerous",
    "connection", "transaction", "scripting", NULL,
};
enum { CAT_WRITE = 1u << 2, CAT_READ = 1u << 1, CAT_PUBSUB = 1u << 12, CAT_ADMIN = 1u << 13,
       CAT_FAST = 1u << 14, CAT_SLOW = 1u << 15, CAT_BLOCKING = 1u << 16,
       CAT_DANGEROUS = 1u << 17, CAT_SCRIPTING = 1u << 20 };

Command **acl_cmds;
int acl_ncmds;
uint32_t acl_pubsub_default;

const char *acl_category_name(int i) { return categories[i]; }

uint32_t acl_category_flag(const char *name) {
    for (int i = 0; categories[i]; i++)
        if (!strcasecmp(name, categories[i])) return 1u << i;
    return 0;
}

/* The table's "@read @string @fast" plus what Redis derives from flags. */
static uint32_t cats_of(const Command *cmd) {
    uint32_t cats = 0;
    const char *p = cmd->acl ? cmd->acl : "";
    while (*p) {
        while (*p == ' ') p++;
        const char *w = p;
        while (*p && *p != ' ') p++;
        if (*w == '@' && p - w > 1) {
            char name[32];
            size_t n = (size_t)(p - w - 1) < sizeof name - 1 ? (size_t)(p - w - 1) : sizeof name - 1;
            memcpy(name, w + 1, n);
            name[n] = '\0';
            cats |= acl_category_flag(name);
        }
    }
    if (cmd->flags & CMD_WRITE) cats |= CAT_WRITE;
    if ((cmd->flags & CMD_READONLY) && !(cats & CAT_SCRIPTING)) cats |= CAT_READ;
    if (cmd->flags & CMD_ADMIN) cats |= CAT_ADMIN | CAT_DANGEROUS;
    if (cmd->flags & CMD_PUBSUB) cats |= CAT_PUBSUB;
    if (cmd->flags & CMD_FAST) cats |= CAT_FAST;
    if (cmd->flags & CMD_BLOCKING) cats |= CAT_BLOCKING;
    if (!(cats & CAT_FAST)) cats |= CAT_SLOW;
    return cats;
}

static void add_cmd(Command *cmd) {
    ASSERT(acl_ncmds < ACL_CMD_BITS - 1);
    acl_cmds = mem_realloc(acl_cmds, sizeof(*acl_cmds) * (size_t)(acl_ncmds + 1));
    cmd->acl_id = (uint16_t)acl_ncmds;
    cmd->acl_cats = cats_of(cmd);
    acl_cmds[acl_ncmds++] = cmd;
}

static void index_cmd(Command *cmd, void *ctx) {
    UNUSED(ctx);
    add_cmd(cmd);
    for (Command *sub = cmd->subs; sub && sub->name; sub++) add_cmd(sub);
}

void acl_commands_init(void) { command_foreach(index_cmd, NULL); }

Command *acl_command_find(const char *name, size_t len) {
    for (int i = 0; i < acl_ncmds; i++) {
        const char *f = acl_cmds[i]->fullname;
        if (strlen(f) == len && !strncasecmp(f, name, len)) return acl_cmds[i];
    }
    return NULL;
}

/* ---- selectors ---- */

static void sel_init(AclSelector *s, uint32_t flags) {
    memset(s, 0, sizeof(*s));
    s->flags = flags | acl_pubsub_default;
}

static void pats_free(AclPat *p, int n) {
    for (int i = 0; i < n; i++) mem_free(p[i].s);
    mem_free(p);
}

static void fa_reset(AclSelector *s) {
    for (int i = 0; i < s->nfa; i++) mem_free(s->fa[i].arg);
    mem_free(s->fa);
    s->fa = NULL;
    s->nfa = 0;
}

static void sel_free(AclSelector *s) {
    pats_free(s->keys, s->nkeys);
    pats_free(s->chans, s->nchans);
    fa_reset(s);
}

static AclPat *pats_copy(const AclPat *p, int n) {
    if (!n) return NULL;
    AclPat *c = mem_alloc(sizeof(*c) * (size_t)n);
    for (int i = 0; i < n; i++) {
        c[i] = p[i];
        c[i].s = mem_strndup(p[i].s, p[i].len);
    }
    return c;
}

static void sel_copy(AclSelector *d, const AclSelector *s) {
    *d = *s;
    d->keys = pats_copy(s->keys, s->nkeys);
    d->chans = pats_copy(s->chans, s->nchans);
    d->fa = s->nfa ? mem_alloc(sizeof(*d->fa) * (size_t)s->nfa) : NULL;
    for (int i = 0; i < s->nfa; i++) {
        d->fa[i].id = s->fa[i].id;
        d->fa[i].arg = mem_strndup(s->fa[i].arg, strlen(s->fa[i].arg));
    }
}

static void set_bit(AclSelector *s, unsigned id, bool on) {
    if (on) s->allowed[id / 64] |= 1ull << (id % 64);
    else {
        s->allowed[id / 64] &= ~(1ull << (id % 64));
        s->flags &= ~(uint32_t)SEL_ALLCOMMANDS;
    }
}

static void fa_reset_cmd(AclSelector *s, unsigned id) {
    int j = 0;
    for (int i = 0; i < s->nfa; i++) {
        if (s->fa[i].id == id) mem_free(s->fa[i].arg);
        else s->fa[j++] = s->fa[i];
    }
    s->nfa = j;
}

/* A command and, for a container, its subcommands. */
static void change_perm(AclSelector *s, const Command *cmd, bool on) {
    set_bit(s, cmd->acl_id, on);
    fa_reset_cmd(s, cmd->acl_id);
    for (const Command *sub = cmd->subs; sub && sub->name; sub++) set_bit(s, sub->acl_id, on);
}

static void set_category(AclSelector *s, uint32_t flag, bool on) {
    for (int i = 0; i < acl_ncmds; i++)
        if (acl_cmds[i]->acl_cats & flag) change_perm(s, acl_cmds[i], on);
}

static void pat_add(AclPat **arr, int *n, const char *p, size_t len, int flags) {
    for (int i = 0; i < *n; i++) {
        if ((*arr)[i].len == len && !memcmp((*arr)[i].s, p, len)) {
            (*arr)[i].flags |= flags;
            return;
        }
    }
    *arr = mem_realloc(*arr, sizeof(**arr) * (size_t)(*n + 1));
    (*arr)[*n] = (AclPat){mem_strndup(p, len), len, flags};
    (*n)++;
}

static bool has_spaces(const char *s, size_t len) {
    for (size_t i = 0; i < len; i++)
        if (isspace((unsigned char)s[i]) || s[i] == 0) return true;
    return false;
}

static int sel_set(AclSelector *s, const char *op, size_t len);

static int sel_cmd_rule(AclSelector *s, const char *op, size_t len) {
    const char *bar = NULL;
    for (size_t i = 1; i < len; i++)
        if (op[i] == '|') bar = op + i;
    if (op[0] == '-' || !bar) {
        Command *cmd = acl_command_find(op + 1, len - 1);
        if (!cmd) return ACLE_UNKNOWN;
        change_perm(s, cmd, op[0] == '+');
        return ACLE_OK;
    }
    Command *cmd = acl_command_find(op + 1, (size_t)(bar - op - 1));
    if (!cmd) return ACLE_UNKNOWN;
    if (cmd->parent) return ACLE_FIRSTARG_SUB;
    const char *sub = bar + 1;
    size_t sublen = len - (size_t)(sub - op);
    if (sublen == 0) return ACLE_SYNTAX;
    if (cmd->subs) {
        Command *sc = acl_command_find(op + 1, len - 1);
        if (!sc) return ACLE_UNKNOWN;
        change_perm(s, sc, true);
        return ACLE_OK;
    }
    /* a first argument of a command without subcommands (SELECT|0), with
     * Redis 7.0's warning */
    log_msg(LOG_WARNING, "Deprecation warning: Allowing a first arg of an otherwise blocked command "
                         "is a misuse of ACL and may get disabled in the future (offender: +%.*s)",
            (int)(len - 1), op + 1);
    for (int i = 0; i < s->nfa; i++)
        if (s->fa[i].id == cmd->acl_id && strlen(s->fa[i].arg) == sublen &&
            !strncasecmp(s->fa[i].arg, sub, sublen))
            return ACLE_OK;
    s->fa = mem_realloc(s->fa, sizeof(*s->fa) * (size_t)(s->nfa + 1));
    s->fa[s->nfa++] = (AclFirstArg){cmd->acl_id, mem_strndup(sub, sublen)};
    return ACLE_OK;
}

static bool word_is(const char *op, size_t len, const char *w) {
    return strlen(w) == len && !strncasecmp(op, w, len);
}

static int sel_set(AclSelector *s, const char *op, size_t len) {
    if (word_is(op, len, "allkeys") || word_is(op, len, "~*")) {
        s->flags |= SEL_ALLKEYS;
        pats_free(s->keys, s->nkeys);
        s->keys = NULL, s->nkeys = 0;
    } else if (word_is(op, len, "resetkeys")) {
        s->flags &= ~(uint32_t)SEL_ALLKEYS;
        pats_free(s->keys, s->nkeys);
        s->keys = NULL, s->nkeys = 0;
    } else if (word_is(op, len, "allchannels") || word_is(op, len, "&*")) {
        s->flags |= SEL_ALLCHANNELS;
        pats_free(s->chans, s->nchans);
        s->chans = NULL, s->nchans = 0;
    } else if (word_is(op, len, "resetchannels")) {
        s->flags &= ~(uint32_t)SEL_ALLCHANNELS;
        pats_free(s->chans, s->nchans);
        s->chans = NULL, s->nchans = 0;
    } else if (word_is(op, len, "allcommands") || word_is(op, len, "+@all")) {
        memset(s->allowed, 255, sizeof(s->allowed));
        s->flags |= SEL_ALLCOMMANDS;
        fa_reset(s);
    } else if (word_is(op, len, "nocommands") || word_is(op, len, "-@all")) {
        memset(s->allowed, 0, sizeof(s->allowed));
        s->flags &= ~(uint32_t)SEL_ALLCOMMANDS;
        fa_reset(s);
    } else if (op[0] == '~' || op[0] == '%') {
        if (s->flags & SEL_ALLKEYS) return ACLE_KEYS_AFTER_ALL;
        int flags = 0;
        size_t off = 1;
        if (op[0] == '%') {
            bool ok = true;
            for (; off < len; off++) {
                char ch = (char)toupper((unsigned char)op[off]);
                if (ch == 'R' && !(flags & PERM_READ)) flags |= PERM_READ;
                else if (ch == 'W' && !(flags & PERM_WRITE)) flags |= PERM_WRITE;
                else if (op[off] == '~') {
                    off++;
                    break;
                } else {
                    ok = false;
                    break;
                }
            }
            if (!flags || !ok) return ACLE_SYNTAX;
        } else {
            flags = PERM_ALL;
        }
        if (has_spaces(op + off, len - off)) return ACLE_SYNTAX;
        pat_add(&s->keys, &s->nkeys, op + off, len - off, flags);
        s->flags &= ~(uint32_t)SEL_ALLKEYS;
    } else if (op[0] == '&') {
        if (s->flags & SEL_ALLCHANNELS) return ACLE_CHANNELS_AFTER_ALL;
        if (has_spaces(op + 1, len - 1)) return ACLE_SYNTAX;
        pat_add(&s->chans, &s->nchans, op + 1, len - 1, 0);
        s->flags &= ~(uint32_t)SEL_ALLCHANNELS;
    } else if ((op[0] == '+' || op[0] == '-') && len > 1 && op[1] == '@') {
        char name[32];
        if (len - 2 >= sizeof name) return ACLE_UNKNOWN;
        memcpy(name, op + 2, len - 2);
        name[len - 2] = '\0';
        uint32_t flag = acl_category_flag(name);
        if (!flag) return ACLE_UNKNOWN;
        set_category(s, flag, op[0] == '+');
    } else if (op[0] == '+' || op[0] == '-') {
        return sel_cmd_rule(s, op, len);
    } else {
        return ACLE_SYNTAX;
    }
    return ACLE_OK;
}

/* "(rule rule ...)": a new selector, NULL (with *err) if a rule is bad. */
static AclSelector *sel_from_set(const char *op, size_t len, int *err) {
    AclSelector *s = mem_alloc(sizeof(*s));
    sel_init(s, 0);
    size_t i = 1, end = len - 1;
    *err = ACLE_OK;
    while (i < end) {
        while (i < end && isspace((unsigned char)op[i])) i++;
        size_t w = i;
        while (i < end && !isspace((unsigned char)op[i])) i++;
        if (i > w && (*err = sel_set(s, op + w, i - w)) != ACLE_OK) {
            sel_free(s);
            mem_free(s);
            return NULL;
        }
    }
    return s;
}

/* ---- users ---- */

static AclUser **users;
static int nusers;
AclUser *acl_default;

static int name_cmp(const char *a, size_t al, const char *b, size_t bl) {
    int r = memcmp(a, b, al < bl ? al : bl);
    return r ? r : (al < bl ? -1 : al > bl);
}

/* Index of the user or where it would go. */
static int user_pos(const char *name, size_t len, bool *found) {
    int lo = 0, hi = nusers;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        int r = name_cmp(users[mid]->ref.name, users[mid]->ref.len, name, len);
        if (r == 0) {
            *found = true;
            return mid;
        }
        if (r < 0) lo = mid + 1;
        else hi = mid;
    }
    *found = false;
    return lo;
}

AclUser *acl_user_find(const char *name, size_t len) {
    bool found;
    int i = user_pos(name, len, &found);
    return found ? users[i] : NULL;
}

AclUser *acl_user_new(const char *name, size_t len) {
    AclUser *u = mem_calloc(sizeof(*u));
    u->ref.name = mem_strndup(name, len);
    u->ref.len = len;
    u->flags = USER_OFF;
    u->sel = mem_alloc(sizeof(*u->sel));
    sel_init(&u->sel[0], SEL_ROOT);
    u->nsel = 1;
    return u;
}

static void user_insert(AclUser *u) {
    bool found;
    int i = user_pos(u->ref.name, u->ref.len, &found);
    ASSERT(!found);
    users = mem_realloc(users, sizeof(*users) * (size_t)(nusers + 1));
    memmove(users + i + 1, users + i, sizeof(*users) * (size_t)(nusers - i));
    users[i] = u;
    nusers++;
}

AclUser *acl_user_create(const char *name, size_t len) {
    if (acl_user_find(name, len)) return NULL;
    AclUser *u = acl_user_new(name, len);
    user_insert(u);
    return u;
}

int acl_user_count(void) { return nusers; }
AclUser *acl_user_at(int i) { return users[i]; }

static void user_clear(AclUser *u) {
    for (int i = 0; i < u->nsel; i++) sel_free(&u->sel[i]);
    mem_free(u->sel);
    mem_free(u->pass);
    u->sel = NULL;
    u->pass = NULL;
    u->nsel = u->npass = 0;
}

void acl_user_free(AclUser *u) {
    if (!u) return;
    user_clear(u);
    mem_free((char *)u->ref.name);
    mem_free(u);
}

void acl_user_delete(AclUser *u) {
    bool found;
    int i = user_pos(u->ref.name, u->ref.len, &found);
    ASSERT(found && users[i] == u);
    memmove(users + i, users + i + 1, sizeof(*users) * (size_t)(nusers - i - 1));
    nusers--;
    acl_user_free(u);
}

void acl_user_copy(AclUser *dst, const AclUser *src) {
    user_clear(dst);
    dst->flags = src->flags;
    dst->ref.skip_sanitize = src->ref.skip_sanitize;
    dst->npass = src->npass;
    if (src->npass) {
        dst->pass = mem_alloc(sizeof(*dst->pass) * (size_t)src->npass);
        memcpy(dst->pass, src->pass, sizeof(*dst->pass) * (size_t)src->npass);
    }
    dst->nsel = src->nsel;
    dst->sel = mem_alloc(sizeof(*dst->sel) * (size_t)src->nsel);
    for (int i = 0; i < src->nsel; i++) sel_copy(&dst->sel[i], &src->sel[i]);
}

void acl_users_replace(AclUser **nu, int n, AclUser ***gone, int *ngone) {
    *gone = mem_alloc(sizeof(**gone) * (size_t)(nusers + 1));
    *ngone = 0;
    for (int i = 0; i < nusers; i++)
        if (users[i] != acl_default) (*gone)[(*ngone)++] = users[i];
    nusers = 0;
    for (int i = 0; i < n; i++) {
        if (nu[i]->ref.len == 7 && !memcmp(nu[i]->ref.name, "default", 7)) {
            acl_user_copy(acl_default, nu[i]); /* its clients keep their user */
            acl_user_free(nu[i]);
            nu[i] = acl_default;
        }
        user_insert(nu[i]);
    }
}

static bool hash_ok(const char *h, size_t len) {
    if (len != 64) return false;
    for (size_t i = 0; i < 64; i++)
        if (!((h[i] >= 'a' && h[i] <= 'f') || (h[i] >= '0' && h[i] <= '9'))) return false;
    return true;
}

static int pass_find(const AclUser *u, const char *hex) {
    for (int i = 0; i < u->npass; i++)
        if (!memcmp(u->pass[i], hex, 64)) return i;
    return -1;
}

int acl_user_set(AclUser *u, const char *op, size_t len) {
    if (len == 0) return ACLE_OK;
    if (word_is(op, len, "on")) {
        u->flags = (u->flags | USER_ON) & ~(uint32_t)USER_OFF;
    } else if (word_is(op, len, "off")) {
        u->flags = (u->flags | USER_OFF) & ~(uint32_t)USER_ON;
    } else if (word_is(op, len, "skip-sanitize-payload")) {
        u->flags = (u->flags | USER_SKIP_SANITIZE) & ~(uint32_t)USER_SANITIZE;
        u->ref.skip_sanitize = true;
    } else if (word_is(op, len, "sanitize-payload")) {
        u->flags = (u->flags | USER_SANITIZE) & ~(uint32_t)USER_SKIP_SANITIZE;
        u->ref.skip_sanitize = false;
    } else if (word_is(op, len, "nopass")) {
        u->flags |= USER_NOPASS;
        u->npass = 0;
    } else if (word_is(op, len, "resetpass")) {
        u->flags &= ~(uint32_t)USER_NOPASS;
        u->npass = 0;
    } else if (op[0] == '>' || op[0] == '#') {
        char hex[65];
        if (op[0] == '>') sha256_hex(op + 1, len - 1, hex);
        else if (!hash_ok(op + 1, len - 1)) return ACLE_BAD_HASH;
        else {
            memcpy(hex, op + 1, 64);
            hex[64] = '\0';
        }
        if (pass_find(u, hex) < 0) {
            u->pass = mem_realloc(u->pass, sizeof(*u->pass) * (size_t)(u->npass + 1));
            memcpy(u->pass[u->npass++], hex, 65);
        }
        u->flags &= ~(uint32_t)USER_NOPASS;
    } else if (op[0] == '<' || op[0] == '!') {
        char hex[65];
        if (op[0] == '<') sha256_hex(op + 1, len - 1, hex);
        else if (!hash_ok(op + 1, len - 1)) return ACLE_BAD_HASH;
        else memcpy(hex, op + 1, 64);
        int i = pass_find(u, hex);
        if (i < 0) return ACLE_NO_PASS;
        memmove(u->pass + i, u->pass + i + 1, sizeof(*u->pass) * (size_t)(u->npass - i - 1));
        u->npass--;
    } else if (op[0] == '(' && op[len - 1] == ')') {
        int err;
        AclSelector *s = sel_from_set(op, len, &err);
        if (!s) return err;
        u->sel = mem_realloc(u->sel, sizeof(*u->sel) * (size_t)(u->nsel + 1));
        u->sel[u->nsel++] = *s;
        mem_free(s);
    } else if (word_is(op, len, "clearselectors")) {
        for (int i = 1; i < u->nsel; i++) sel_free(&u->sel[i]);
        u->nsel = 1;
    } else if (word_is(op, len, "reset")) {
        acl_user_set(u, "resetpass", 9);
        acl_user_set(u, "resetkeys", 9);
        acl_user_set(u, "resetchannels", 13);
        if (acl_pubsub_default & SEL_ALLCHANNELS) acl_user_set(u, "allchannels", 11);
        acl_user_set(u, "off", 3);
        acl_user_set(u, "sanitize-payload", 16);
        acl_user_set(u, "clearselectors", 14);
        acl_user_set(u, "-@all", 5);
    } else {
        return sel_set(&u->sel[0], op, len);
    }
    return ACLE_OK;
}

const char *acl_user_error(int err) {
    switch (err) {
    case ACLE_UNKNOWN: return "Unknown command or category name in ACL";
    case ACLE_SYNTAX: return "Syntax error";
    case ACLE_KEYS_AFTER_ALL:
        return "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and "
               "does not have any effect. Try 'resetkeys' to start with an empty list of patterns";
    case ACLE_CHANNELS_AFTER_ALL:
        return "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid "
               "and does not have any effect. Try 'resetchannels' to start with an empty list of "
               "channels";
    case ACLE_NO_PASS: return "The password you are trying to remove from the user does not exist";
    case ACLE_BAD_HASH:
        return "The password hash must be exactly 64 characters and contain only lowercase "
               "hexadecimal characters";
    case ACLE_DUPLICATE:
        return "Duplicate user found. A user can only be defined once in config files";
    case ACLE_FIRSTARG_SUB: return "Allowing first-arg of a subcommand is not supported";
    default: return "Wrong format";
    }
}

static char *fmt_error(const char *fmt, const char *a, size_t alen, const char *b) {
    Buf sb = {0};
    for (const char *p = fmt; *p; p++) {
        if (*p == '%' && p[1] == 'A') {
            buf_add(&sb, a, alen);
            p++;
        } else if (*p == '%' && p[1] == 'B') {
            buf_str(&sb, b);
            p++;
        } else {
            buf_add(&sb, p, 1);
        }
    }
    return sb.p;
}

char *acl_user_set_rules(AclUser *u, const char *name, size_t nlen, const char *const *argv,
                         const size_t *argl, int argc, AclUser **out) {
    /* merge "(a" "b)" into one selector argument */
    Buf *merged = mem_calloc(sizeof(*merged) * (size_t)(argc ? argc : 1));
    int nm = 0, open = -1;
    for (int j = 0; j < argc; j++) {
        const char *op = argv[j];
        size_t len = argl[j];
        if (len && op[0] == '(' && op[len - 1] != ')') { /* (re)starts a selector, as Redis */
            open = j;
            merged[nm].len = 0;
            buf_add(&merged[nm], op, len);
            continue;
        }
        if (open != -1) {
            buf_add(&merged[nm], " ", 1);
            buf_add(&merged[nm], op, len);
            if (len && op[len - 1] == ')') {
                open = -1;
                nm++;
            }
            continue;
        }
        buf_add(&merged[nm++], op, len);
    }
    char *err = NULL;
    if (open != -1) {
        err = fmt_error("Unmatched parenthesis in acl selector starting at '%A'.", argv[open],
                        argl[open], NULL);
        goto done;
    }
    AclUser *tmp = acl_user_new(name, nlen);
    if (u) acl_user_copy(tmp, u);
    for (int j = 0; j < nm; j++) {
        int e = acl_user_set(tmp, merged[j].p ? merged[j].p : "", merged[j].len);
        if (e != ACLE_OK) {
            err = fmt_error("Error in ACL SETUSER modifier '%A': %B", merged[j].p ? merged[j].p : "",
                            merged[j].len, acl_user_error(e));
            acl_user_free(tmp);
            goto done;
        }
    }
    if (!u) u = acl_user_create(name, nlen);
    acl_user_copy(u, tmp);
    acl_user_free(tmp);
    if (out) *out = u;
done:
    for (int j = 0; j < argc; j++) mem_free(merged[j].p);
    mem_free(merged);
    return err;
}

bool acl_user_unrestricted(const AclUser *u) {
    for (int i = 0; i < u->nsel; i++) {
        uint32_t all = SEL_ALLKEYS | SEL_ALLCHANNELS | SEL_ALLCOMMANDS;
        if ((u->sel[i].flags & all) == all) return true;
    }
    return false;
}

bool acl_user_check_password(const AclUser *u, const char *pass, size_t len) {
    char hex[65];
    sha256_hex(pass, len, hex);
    bool ok = false;
    for (int i = 0; i < u->npass; i++) {
        unsigned diff = 0;
        for (int j = 0; j < 64; j++) diff |= (unsigned)(u->pass[i][j] ^ hex[j]);
        ok |= diff == 0;
    }
    return ok;
}

/* ---- descriptions ---- */

static void count_category(const AclSelector *s, uint32_t flag, unsigned long *on,
                           unsigned long *off) {
    *on = *off = 0;
    for (int i = 0; i < acl_ncmds; i++) {
        if (!(acl_cmds[i]->acl_cats & flag)) continue;
        if (acl_sel_allows(s, acl_cmds[i]->acl_id)) (*on)++;
        else (*off)++;
    }
}

static void apply(AclSelector *s, const char *op) { sel_set(s, op, strlen(op)); }

/* Redis's approximation: start from +@all or -@all, apply the category
 * that fits best while one fits, then single commands for the rest. */
void acl_selector_describe_cmds(const AclSelector *s, Buf *b) {
    AclSelector fake, temp;
    sel_init(&fake, 0);
    sel_init(&temp, 0);
    size_t start = b->len;
    bool additive = !acl_sel_allows(s, ACL_CMD_BITS - 1);
    buf_str(b, additive ? "-@all " : "+@all ");
    apply(&fake, additive ? "-@all" : "+@all");
    memcpy(temp.allowed, s->allowed, sizeof(temp.allowed));
    bool applied[32] = {0};
    for (;;) {
        int best = -1;
        unsigned long mindiff = (unsigned long)-1, maxsame = 0;
        for (int j = 0; categories[j]; j++) {
            if (applied[j]) continue;
            unsigned long on, off;
            count_category(&temp, 1u << j, &on, &off);
            unsigned long diff = additive ? off : on, same = additive ? on : off;
            if (same > diff && (diff < mindiff || (diff == mindiff && same > maxsame))) {
                best = j;
                mindiff = diff;
                maxsame = same;
            }
        }
        if (best == -1) break;
        char op[40], inv[40];
        snprintf(op, sizeof op, "%s@%s", additive ? "+" : "-", categories[best]);
        snprintf(inv, sizeof inv, "%s@%s", additive ? "-" : "+", categories[best]);
        apply(&fake, op);
        apply(&temp, inv);
        buf_str(b, op);
        buf_str(b, " ");
        applied[best] = true;
    }
    for (int i = 0; i < acl_ncmds; i++) {
        const Command *cmd = acl_cmds[i];
        bool ub = acl_sel_allows(s, cmd->acl_id), fb = acl_sel_allows(&fake, cmd->acl_id);
        if (ub != fb) {
            buf_str(b, ub ? "+" : "-");
            buf_str(b, cmd->fullname);
            buf_str(b, " ");
            change_perm(&fake, cmd, ub);
        }
        if (!ub)
            for (int k = 0; k < s->nfa; k++)
                if (s->fa[k].id == cmd->acl_id) {
                    buf_str(b, "+");
                    buf_str(b, cmd->fullname);
                    buf_str(b, "|");
                    buf_str(b, s->fa[k].arg);
                    buf_str(b, " ");
                }
    }
    if (b->len > start) b->p[--b->len] = '\0'; /* the last space */
    sel_free(&fake);
    sel_free(&temp);
}

static void describe_pat(const AclPat *p, Buf *b) {
    buf_str(b, p->flags == PERM_ALL ? "~" : p->flags == PERM_READ ? "%R~" : "%W~");
    buf_add(b, p->s, p->len);
}

void acl_selector_describe_keys(const AclSelector *s, Buf *b) {
    if (s->flags & SEL_ALLKEYS) {
        buf_str(b, "~*");
        return;
    }
    for (int i = 0; i < s->nkeys; i++) {
        if (i) buf_str(b, " ");
        describe_pat(&s->keys[i], b);
    }
}

void acl_selector_describe_chans(const AclSelector *s, Buf *b) {
    if (s->flags & SEL_ALLCHANNELS) {
        buf_str(b, "&*");
        return;
    }
    for (int i = 0; i < s->nchans; i++) {
        if (i) buf_str(b, " ");
        buf_str(b, "&");
        buf_add(b, s->chans[i].s, s->chans[i].len);
    }
}

static void describe_selector(const AclSelector *s, Buf *b) {
    if (s->flags & SEL_ALLKEYS) buf_str(b, "~* ");
    else
        for (int i = 0; i < s->nkeys; i++) {
            describe_pat(&s->keys[i], b);
            buf_str(b, " ");
        }
    if (s->flags & SEL_ALLCHANNELS) buf_str(b, "&* ");
    else {
        buf_str(b, "resetchannels ");
        for (int i = 0; i < s->nchans; i++) {
            buf_str(b, "&");
            buf_add(b, s->chans[i].s, s->chans[i].len);
            buf_str(b, " ");
        }
    }
    acl_selector_describe_cmds(s, b);
}

void acl_user_describe(const AclUser *u, Buf *b) {
    static const struct {
        uint32_t flag;
        const char *name;
    } flags[] = {{USER_ON, "on"}, {USER_OFF, "off"}, {USER_NOPASS, "nopass"},
                 {USER_SKIP_SANITIZE, "skip-sanitize-payload"}, {USER_SANITIZE, "sanitize-payload"}};
    for (size_t i = 0; i < ARRAY_LEN(flags); i++)
        if (u->flags & flags[i].flag) {
            buf_str(b, flags[i].name);
            buf_str(b, " ");
        }
    for (int i = 0; i < u->npass; i++) {
        buf_str(b, "#");
        buf_add(b, u->pass[i], 64);
        buf_str(b, " ");
    }
    for (int i = 0; i < u->nsel; i++) {
        if (i) buf_str(b, " (");
        describe_selector(&u->sel[i], b);
        if (i) buf_str(b, ")");
    }
}
