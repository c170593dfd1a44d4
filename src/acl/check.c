/* acl/check.c -- permission checks and core's ACL hooks (check.h). */
#include "check.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../core/keyspec.h"
#include "../core/pubsub.h"
#include "../ds/glob.h"
#include "../ds/mem.h"
#include "../script/script.h"
#include "log.h"

/* The commands that name channels (Redis's commands_with_channels; the
 * unsubscribes are never checked). */
static const Command *ch_sub, *ch_ssub, *ch_psub, *ch_pub, *ch_spub;

typedef struct {
    bool init;
    int n;
    KeyRef *refs;
} KeyCache;

static bool key_ok(const AclSelector *s, const char *key, size_t klen, uint16_t ksflags) {
    if (s->flags & SEL_ALLKEYS) return true;
    int need = 0;
    if (ksflags & KS_ACCESS) need |= PERM_READ;
    if (ksflags & (KS_INSERT | KS_DELETE | KS_UPDATE)) need |= PERM_WRITE;
    for (int i = 0; i < s->nkeys; i++) {
        if ((s->keys[i].flags & need) != need) continue;
        if (glob_match(s->keys[i].s, s->keys[i].len, key, klen, false)) return true;
    }
    return false;
}

/* A channel name against the patterns; a PSUBSCRIBE pattern only matches
 * the same pattern, literally. */
static bool chan_ok_list(const AclPat *pats, int n, const char *ch, size_t len, bool is_pattern) {
    for (int i = 0; i < n; i++) {
        if (is_pattern ? (pats[i].len == len && !memcmp(pats[i].s, ch, len))
                       : glob_match(pats[i].s, pats[i].len, ch, len, false))
            return true;
    }
    return false;
}

static int sel_check(const AclSelector *s, const Command *cmd, const char *const *argv,
                     const size_t *argl, int argc, int *pos, KeyCache *kc) {
    if (!(s->flags & SEL_ALLCOMMANDS) && !(cmd->flags & CMD_NO_AUTH) &&
        !acl_sel_allows(s, cmd->acl_id)) {
        int idx = cmd->parent ? 2 : 1;
        bool ok = false;
        for (int i = 0; i < s->nfa && !ok && argc > idx; i++)
            ok = s->fa[i].id == cmd->acl_id && strlen(s->fa[i].arg) == argl[idx] &&
                 !strncasecmp(s->fa[i].arg, argv[idx], argl[idx]);
        if (!ok) return ACL_DENIED_CMD;
    }
    if (!(s->flags & SEL_ALLKEYS) && keyspec_has_keys(cmd->keys)) {
        if (!kc->init) {
            /* the key finder needs a valid arity (redis.acl_check_cmd may
             * ask about a short command line: it then names no keys) */
            bool arity = cmd->arity > 0 ? argc == cmd->arity : argc >= -cmd->arity;
            kc->n = arity ? keyspec_find(cmd->keys, argv, argl, argc, &kc->refs) : 0;
            kc->init = true;
        }
        for (int j = 0; j < kc->n; j++) {
            int p = kc->refs[j].pos;
            if (!key_ok(s, argv[p], argl[p], kc->refs[j].flags)) {
                *pos = p;
                return ACL_DENIED_KEY;
            }
        }
    }
    if (!(s->flags & SEL_ALLCHANNELS)) {
        int first = 0, last = -1;
        bool pattern = false;
        if (cmd == ch_sub || cmd == ch_ssub || cmd == ch_psub) first = 1, last = argc - 1;
        else if (cmd == ch_pub || cmd == ch_spub) first = last = 1;
        pattern = cmd == ch_psub;
        for (int j = first; first && j <= last; j++) {
            if (!chan_ok_list(s->chans, s->nchans, argv[j], argl[j], pattern)) {
                *pos = j;
                return ACL_DENIED_CHANNEL;
            }
        }
    }
    return 0;
}

int acl_check_user(const AclUser *u, const Command *cmd, const char *const *argv,
                   const size_t *argl, int argc, int *pos) {
    int relevant = ACL_DENIED_CMD, last = 0;
    KeyCache kc = {0};
    for (int i = 0; i < u->nsel; i++) {
        int p = 0;
        int r = sel_check(&u->sel[i], cmd, argv, argl, argc, &p, &kc);
        if (r == 0) {
            mem_free(kc.refs);
            return 0;
        }
        if (r > relevant || (r == relevant && p > last)) {
            relevant = r;
            last = p;
        }
    }
    mem_free(kc.refs);
    *pos = last;
    return relevant;
}

/* ---- core's hooks ---- */

static char errbuf[256];

static const char *check_hook(Client *c, const Command *cmd, int ctx) {
    AclUser *u = (AclUser *)c->user;
    const uint32_t all = SEL_ALLCOMMANDS | SEL_ALLKEYS | SEL_ALLCHANNELS;
    if ((u->sel[0].flags & all) == all) return NULL; /* the usual default user: no work */
    if (c->flags & CLIENT_REEXEC) return NULL; /* a blocked command's retry: checked when sent */
    int pos = 0;
    int r = acl_check_user(u, cmd, (const char *const *)c->argv, c->argl, c->argc, &pos);
    if (!r) return NULL;
    Client *caller = (c->flags & CLIENT_FAKE) ? script_caller_of(c) : NULL;
    int logctx = caller ? ACL_CTX_LUA : ctx == ACL_CTX_EXEC ? ACL_CTX_MULTI : ctx;
    const char *obj = r == ACL_DENIED_CMD ? cmd->fullname : c->argv[pos];
    size_t olen = r == ACL_DENIED_CMD ? strlen(cmd->fullname) : c->argl[pos];
    acl_log_add(caller ? caller : c, r, logctx, obj, olen, u->ref.name, u->ref.len);
    if (caller) {
        snprintf(errbuf, sizeof errbuf, "ERR The user executing the script %s",
                 r == ACL_DENIED_CMD   ? "can't run this command or subcommand"
                 : r == ACL_DENIED_KEY ? "can't access at least one of the keys mentioned in the "
                                         "command arguments"
                                       : "can't publish to the channel mentioned in the command");
    } else if (ctx == ACL_CTX_EXEC) {
        snprintf(errbuf, sizeof errbuf,
                 "NOPERM ACLs rules changed between the moment the transaction was accumulated "
                 "and the EXEC call. This command is no longer allowed for the following "
                 "reason: %s",
                 r == ACL_DENIED_CMD   ? "no permission to execute the command or subcommand"
                 : r == ACL_DENIED_KEY ? "no permission to touch the specified keys"
                                       : "no permission to access one of the channels used as "
                                         "arguments");
    } else if (r == ACL_DENIED_CMD) {
        snprintf(errbuf, sizeof errbuf,
                 "NOPERM this user has no permissions to run the '%s' command", cmd->fullname);
    } else {
        snprintf(errbuf, sizeof errbuf,
                 "NOPERM this user has no permissions to access one of the %s used as arguments",
                 r == ACL_DENIED_KEY ? "keys" : "channels");
    }
    return errbuf;
}

static bool authenticate(Client *c, const char *user, size_t ulen, const char *pass, size_t plen) {
    AclUser *u = acl_user_find(user, ulen);
    bool ok = u && !(u->flags & USER_OFF) &&
              ((u->flags & USER_NOPASS) || acl_user_check_password(u, pass, plen));
    if (ok) {
        c->user = &u->ref;
        c->flags |= CLIENT_AUTHENTICATED | CLIENT_AUTH_USER;
        return true;
    }
    acl_log_add(c, ACL_DENIED_AUTH, (c->flags & CLIENT_MULTI) ? ACL_CTX_MULTI : ACL_CTX_TOPLEVEL,
                c->argv[0], c->argl[0], user, ulen);
    return false;
}

static bool permits(const UserRef *user, const Command *cmd, const char *const *argv,
                    const size_t *argl, int argc) {
    int pos;
    return !user || acl_check_user((const AclUser *)user, cmd, argv, argl, argc, &pos) == 0;
}

/* A selector that reads any key: all keys, or a `~*` pattern with read
 * permission (Redis matches the text "*" only). */
static bool sel_reads_all(const AclSelector *s) {
    if (s->flags & SEL_ALLKEYS) return true;
    for (int i = 0; i < s->nkeys; i++)
        if ((s->keys[i].flags & PERM_READ) && s->keys[i].len == 1 && s->keys[i].s[0] == '*')
            return true;
    return false;
}

static bool all_keys(const UserRef *user, const Command *cmd, const char *const *argv,
                     const size_t *argl, int argc) {
    if (!user) return true;
    const AclUser *u = (const AclUser *)user;
    KeyCache kc = {0};
    bool ok = false;
    for (int i = 0; i < u->nsel && !ok; i++) {
        int pos = 0;
        ok = sel_check(&u->sel[i], cmd, argv, argl, argc, &pos, &kc) == 0 &&
             sel_reads_all(&u->sel[i]);
    }
    mem_free(kc.refs);
    return ok;
}

static UserRef *find_ref(const char *name, size_t len) {
    AclUser *u = acl_user_find(name, len);
    return u ? &u->ref : NULL;
}

/* A client may run commands if it authenticated (AUTH_USER) or no
 * password is needed now (Redis's authRequired). */
static void follow_default(Client *c, void *ctx) {
    UNUSED(ctx);
    if ((c->flags & CLIENT_FAKE) || !c->user) return;
    if (!client_auth_required || (c->flags & CLIENT_AUTH_USER)) c->flags |= CLIENT_AUTHENTICATED;
    else c->flags &= ~CLIENT_AUTHENTICATED;
}

void acl_hooks_refresh(void) {
    bool any = false;
    for (int i = 0; i < acl_user_count() && !any; i++) any = !acl_user_unrestricted(acl_user_at(i));
    command_acl_check = any ? check_hook : NULL;
    client_default_user = &acl_default->ref;
    bool nopass = acl_default->flags & USER_NOPASS;
    bool required = !nopass || (acl_default->flags & USER_OFF);
    client_default_nopass = nopass;
    if (required != client_auth_required) {
        client_auth_required = required;
        client_foreach(follow_default, NULL);
    }
}

void acl_check_init(void) {
    ch_sub = acl_command_find("subscribe", 9);
    ch_ssub = acl_command_find("ssubscribe", 10);
    ch_psub = acl_command_find("psubscribe", 10);
    ch_pub = acl_command_find("publish", 7);
    ch_spub = acl_command_find("spublish", 8);
    client_authenticate = authenticate;
    client_user_find = find_ref;
    command_acl_permits = permits;
    command_acl_all_keys = all_keys;
    acl_hooks_refresh();
}

/* ---- disconnecting ---- */

typedef struct {
    const AclUser *u;
    const Client *self;
} KillCtx;

static void kill_one(Client *c, void *ctx) {
    KillCtx *k = ctx;
    if (c->user != &k->u->ref) return;
    c->user = &acl_default->ref;
    c->flags &= ~(CLIENT_AUTHENTICATED | CLIENT_AUTH_USER);
    if (c == k->self) c->flags |= CLIENT_CLOSE_AFTER_REPLY;
    else client_close_async(c);
}

void acl_kill_clients_of(const AclUser *u, const Client *self) {
    KillCtx k = {u, self};
    client_foreach(kill_one, &k);
}

typedef struct {
    AclPat *pats;
    int n;
    bool pattern;
} Upcoming;

static bool lost(const char *name, size_t len, void *ctx) {
    Upcoming *up = ctx;
    return !chan_ok_list(up->pats, up->n, name, len, up->pattern);
}

typedef struct {
    const AclUser *u;
    Upcoming *up;
} PsCtx;

static void kill_subscriber(Client *c, void *ctx) {
    PsCtx *p = ctx;
    if (c->user != &p->u->ref || !(c->flags & CLIENT_PUBSUB)) return;
    p->up->pattern = true;
    bool kill = pubsub_client_any(c, PUBSUB_PATTERN, lost, p->up);
    p->up->pattern = false;
    kill = kill || pubsub_client_any(c, PUBSUB_CHANNEL, lost, p->up) ||
           pubsub_client_any(c, PUBSUB_SHARD, lost, p->up);
    if (kill) client_close_async(c);
}

void acl_kill_pubsub_if_needed(AclUser *u, const AclUser *before) {
    for (int i = 0; i < u->nsel; i++)
        if (u->sel[i].flags & SEL_ALLCHANNELS) return;
    Upcoming up = {0};
    for (int i = 0; i < u->nsel; i++)
        for (int j = 0; j < u->sel[i].nchans; j++) {
            up.pats = mem_realloc(up.pats, sizeof(*up.pats) * (size_t)(up.n + 1));
            up.pats[up.n++] = u->sel[i].chans[j];
        }
    bool superset = true;
    for (int i = 0; i < before->nsel && superset; i++) {
        const AclSelector *s = &before->sel[i];
        if (s->flags & SEL_ALLCHANNELS) superset = false;
        for (int j = 0; j < s->nchans && superset; j++) {
            bool found = false;
            for (int k = 0; k < up.n && !found; k++)
                found = up.pats[k].len == s->chans[j].len &&
                        !memcmp(up.pats[k].s, s->chans[j].s, up.pats[k].len);
            superset = found;
        }
    }
    if (!superset) {
        PsCtx p = {u, &up};
        client_foreach(kill_subscriber, &p);
    }
    mem_free(up.pats);
}
