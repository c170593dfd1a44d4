/* core/multi.c -- the transaction queue. Each queued command is one
 * allocation: argv pointers, lengths, then the bytes (argv points into the
 * query buffer, which moves on). EXEC points the client's argv at these
 * copies in turn: nothing more is copied. */
#include "multi.h"

#include <string.h>

#include "../ds/mem.h"
#include "command.h"
#include "propagate.h"
#include "reply.h"
#include "watch.h"

typedef struct {
    Command *cmd; /* resolved (a subcommand when there is one) */
    int argc;
    const char **argv;
    size_t *argl;
} Queued;

typedef struct MultiState {
    Queued *q;
    int n, cap;
    size_t mem; /* bytes of the argv copies */
} MultiState;

/* The commands Redis runs at once inside MULTI instead of queuing. */
static bool runs_now(const Command *cmd) {
    if (cmd->parent) return false;
    const char *n = cmd->name;
    switch (n[0]) {
    case 'e': return strcmp(n, "exec") == 0;
    case 'd': return strcmp(n, "discard") == 0;
    case 'm': return strcmp(n, "multi") == 0;
    case 'w': return strcmp(n, "watch") == 0;
    case 'q': return strcmp(n, "quit") == 0;
    case 'r': return strcmp(n, "reset") == 0;
    default: return false;
    }
}

bool multi_queue(Client *c, const Command *cmd) {
    if (runs_now(cmd)) return false;
    /* An aborted transaction will not run: keep no memory for it (Redis
     * does the same) but still answer QUEUED. */
    if (!(c->flags & (CLIENT_DIRTY_EXEC | CLIENT_DIRTY_CAS))) {
        MultiState *m = c->multi;
        if (!m) m = c->multi = mem_calloc(sizeof(*m));
        if (m->n == m->cap) {
            m->cap = m->cap ? m->cap * 2 : 8;
            m->q = mem_realloc(m->q, sizeof(Queued) * (size_t)m->cap);
        }
        size_t bytes = 0;
        for (int i = 0; i < c->argc; i++) bytes += c->argl[i];
        size_t hdr = (size_t)c->argc * (sizeof(char *) + sizeof(size_t));
        char *mem = mem_alloc(hdr + bytes);
        Queued *q = &m->q[m->n++];
        q->cmd = (Command *)cmd;
        q->argc = c->argc;
        q->argv = (const char **)mem;
        q->argl = (size_t *)(mem + (size_t)c->argc * sizeof(char *));
        char *p = mem + hdr;
        for (int i = 0; i < c->argc; i++) {
            memcpy(p, c->argv[i], c->argl[i]);
            q->argv[i] = p;
            q->argl[i] = c->argl[i];
            p += c->argl[i];
        }
        m->mem += hdr + bytes;
    }
    reply_status(c, "QUEUED");
    return true;
}

bool multi_reject_exec(Client *c, const Command *cmd, const char *why) {
    if (cmd->parent || strcmp(cmd->name, "exec") != 0) return false;
    if (strncmp(why, "ERR ", 4) == 0) why += 4; /* the code goes, others stay */
    reply_errorf(c, "EXECABORT Transaction discarded because of: %s", why);
    multi_discard(c);
    return true;
}

void multi_begin(Client *c) { c->flags |= CLIENT_MULTI; }

static void free_state(MultiState *m) {
    if (!m) return;
    for (int i = 0; i < m->n; i++) mem_free(m->q[i].argv);
    mem_free(m->q);
    mem_free(m);
}

void multi_discard(Client *c) {
    free_state(c->multi);
    c->multi = NULL;
    c->flags &= ~(CLIENT_MULTI | CLIENT_DIRTY_EXEC | CLIENT_DIRTY_CAS);
    watch_unwatch_all(c);
}

void multi_exec(Client *c) {
    /* The queue stays on the client while it runs (CLIENT LIST shows its
     * length, as Redis does): nothing inside can queue or discard, since
     * MULTI, EXEC, DISCARD and RESET are never queued and scripts may not
     * call them. */
    MultiState *m = c->multi;
    watch_unwatch_all(c); /* no point tracking keys we are about to change */
    int argc = c->argc;
    const char **argv = c->argv;
    size_t *argl = c->argl;
    const struct Command *self = c->cmd;
    uint32_t no_block = c->flags & CLIENT_NO_BLOCK;
    c->flags |= CLIENT_NO_BLOCK; /* BLPOP & co. answer at once, as in Redis */
    reply_array(c, m ? m->n : 0);
    propagate_unit_begin();
    for (int i = 0; m && i < m->n; i++) {
        c->argc = m->q[i].argc;
        c->argv = m->q[i].argv;
        c->argl = m->q[i].argl;
        /* rules may have changed since the command was queued */
        const char *denied;
        if (UNLIKELY(command_acl_check != NULL) && c->user &&
            (denied = command_acl_check(c, m->q[i].cmd, ACL_CTX_EXEC))) {
            reply_error(c, denied);
            continue;
        }
        command_call(c, m->q[i].cmd);
    }
    propagate_unit_end();
    c->flags = (c->flags & ~CLIENT_NO_BLOCK) | no_block;
    c->argc = argc;
    c->argv = argv;
    c->argl = argl;
    c->cmd = self;
    ASSERT(c->multi == m);
    multi_discard(c);
}

uint32_t multi_queued_flags(Client *c) {
    MultiState *m = c->multi;
    if (!m) return 0;
    int argc = c->argc;
    const char **argv = c->argv;
    size_t *argl = c->argl;
    uint32_t flags = 0;
    for (int i = 0; i < m->n; i++) {
        c->argc = m->q[i].argc;
        c->argv = m->q[i].argv;
        c->argl = m->q[i].argl;
        flags |= command_flags_of(c, m->q[i].cmd);
    }
    c->argc = argc;
    c->argv = argv;
    c->argl = argl;
    return flags;
}

int multi_queued_count(const Client *c) {
    if (!(c->flags & CLIENT_MULTI)) return -1;
    return c->multi ? c->multi->n : 0;
}

size_t multi_mem(const Client *c) {
    const MultiState *m = c->multi;
    return m ? m->mem + sizeof(*m) + sizeof(Queued) * (size_t)m->cap : 0;
}
