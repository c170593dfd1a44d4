/* cmd/multi.c -- MULTI EXEC DISCARD WATCH UNWATCH. The queue and EXEC's run
 * live in core/multi, watched keys in core/watch; the dispatcher
 * (core/command.c) queues commands while the client is in MULTI. */
#include "../core/command.h"
#include "../core/multi.h"
#include "../core/reply.h"
#include "../core/watch.h"

static void cmd_multi(Client *c) {
    if (c->flags & CLIENT_MULTI) { /* an error, but the transaction stands */
        reply_error(c, "ERR MULTI calls can not be nested");
        return;
    }
    multi_begin(c);
    reply_ok(c);
}

/* EXEC -- an array of the queued commands' replies; a null array when a
 * watched key changed; EXECABORT when a command was rejected at queue time.
 * Every outcome ends the transaction and unwatches. */
static void cmd_exec(Client *c) {
    if (!(c->flags & CLIENT_MULTI)) {
        reply_error(c, "ERR EXEC without MULTI");
        return;
    }
    /* A key live at WATCH time and past its TTL now counts as changed even
     * if nobody has deleted it yet (Redis 7.0). */
    if (!(c->flags & CLIENT_DIRTY_CAS) && watch_any_expired(c)) c->flags |= CLIENT_DIRTY_CAS;
    if (c->flags & CLIENT_DIRTY_EXEC) {
        reply_error(c, "EXECABORT Transaction discarded because of previous errors.");
        multi_discard(c);
    } else if (c->flags & CLIENT_DIRTY_CAS) {
        reply_null_array(c);
        multi_discard(c);
    } else {
        multi_exec(c);
    }
}

static void cmd_discard(Client *c) {
    if (!(c->flags & CLIENT_MULTI)) {
        reply_error(c, "ERR DISCARD without MULTI");
        return;
    }
    multi_discard(c);
    reply_ok(c);
}

static void cmd_watch(Client *c) {
    if (c->flags & CLIENT_MULTI) { /* does not abort the transaction */
        reply_error(c, "ERR WATCH inside MULTI is not allowed");
        return;
    }
    for (int i = 1; i < c->argc; i++) watch_key(c, c->argv[i], c->argl[i]);
    reply_ok(c);
}

/* UNWATCH -- also forgets that a watched key changed. */
static void cmd_unwatch(Client *c) {
    watch_unwatch_all(c);
    c->flags &= ~CLIENT_DIRTY_CAS;
    reply_ok(c);
}

#define TX "transactions"
#define MF (CMD_NOSCRIPT | CMD_LOADING | CMD_STALE)
Command multi_commands[] = {
    {"multi", cmd_multi, 1, MF | CMD_FAST | CMD_ALLOW_BUSY, 0, 0, 0, TX, "Mark the start of a transaction block", "1.2.0", "O(1)", "@fast @transaction", NULL},
    {"exec", cmd_exec, 1, MF | CMD_SKIP_SLOWLOG, 0, 0, 0, TX, "Execute all commands issued after MULTI", "1.2.0", "Depends on commands in the transaction", "@slow @transaction", NULL},
    {"discard", cmd_discard, 1, MF | CMD_FAST | CMD_ALLOW_BUSY, 0, 0, 0, TX, "Discard all commands issued after MULTI", "2.0.0", "O(N), when N is the number of queued commands", "@fast @transaction", NULL},
    {"watch", cmd_watch, -2, MF | CMD_FAST | CMD_ALLOW_BUSY, 1, -1, 1, TX, "Watch the given keys to determine execution of the MULTI/EXEC block", "2.2.0", "O(1) for every key.", "@fast @transaction", NULL},
    {"unwatch", cmd_unwatch, 1, MF | CMD_FAST | CMD_ALLOW_BUSY, 0, 0, 0, TX, "Forget about all watched keys", "2.2.0", "O(1)", "@fast @transaction", NULL},
    {0},
};
