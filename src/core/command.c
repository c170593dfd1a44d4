/* core/command.c -- command index and dispatch.
 * The index is an open-addressing table of top-level commands keyed by
 * lower-case name, built once at start; lookups lower-case argv[0] into a
 * stack buffer (names longer than that are unknown by definition). */
#include "command.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ds/histogram.h"
#include "../ds/mem.h"
#include "../os/clock.h"
#include "config.h"
#include "db.h"
#include "client_evict.h"
#include "evict.h"
#include "keyspec.h"
#include "latency.h"
#include "monitor.h"
#include "multi.h"
#include "pause.h"
#include "propagate.h"
#include "pubsub.h"
#include "reply.h"
#include "slowlog.h"
#include "stats.h"
#include "tracking.h"
#include "watch.h"

#define INDEX_SIZE 1024 /* power of two, > 2x the number of commands */
#define MAX_NAME 48
#define MAX_TABLES 48

bool command_busy;
bool command_busy_function;
int command_depth;
bool command_loading;
const char *(*command_deny_writes)(void);
const char *(*command_acl_check)(Client *c, const Command *cmd, int ctx);
bool (*command_acl_permits)(const UserRef *user, const Command *cmd, const char *const *argv,
                            const size_t *argl, int argc);
bool (*command_acl_all_keys)(const UserRef *user, const Command *cmd, const char *const *argv,
                             const size_t *argl, int argc);
static CommandFn ping_fn; /* -MISCONF names PING too, as Redis does */

/* Open addressing by name. The name is the slot's, not always cmd->name:
 * rename-command files a command under another name. */
typedef struct {
    const char *name;
    Command *cmd;
} Slot;
static Slot index_[INDEX_SIZE];
static Command *tables[MAX_TABLES];
static int ntables;
static size_t ncommands;

static uint32_t name_hash(const char *s, size_t len) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) h = (h ^ (uint8_t)s[i]) * 16777619u;
    return h;
}

void command_register(Command *table) {
    ASSERT(ntables < MAX_TABLES);
    tables[ntables++] = table;
}

/* Key specs for a command Redis does not have: one range spec from the
 * table's first/last/step (RW update or RO access, not_key for channels). */
static const CommandKeys *legacy_keys(const Command *cmd) {
    if (cmd->first_key <= 0) return NULL;
    CommandKeys *ck = mem_calloc(sizeof(*ck));
    KeySpec *s = &ck->spec[0];
    ck->name = cmd->fullname;
    ck->arity = (int16_t)cmd->arity;
    ck->nspecs = 1;
    s->note = -1;
    s->flags = (cmd->flags & CMD_NOT_KEY) ? KS_NOT_KEY
               : (cmd->flags & CMD_WRITE) ? KS_RW | KS_UPDATE : KS_RO | KS_ACCESS;
    s->begin = KB_INDEX;
    s->pos = (int16_t)cmd->first_key;
    s->find = KF_RANGE;
    s->a = (int16_t)(cmd->last_key < 0 ? cmd->last_key : cmd->last_key - cmd->first_key);
    s->b = (int16_t)cmd->key_step;
    ck->first = (int16_t)cmd->first_key;
    ck->last = (int16_t)cmd->last_key;
    ck->step = (int16_t)cmd->key_step;
    return ck;
}

/* Names the command and attaches its key specs; the flags that follow from
 * them (movablekeys, no_mandatory_keys) are set from the specs. */
static void set_fullname(Command *cmd, const Command *parent) {
    cmd->parent = parent;
    if (parent) snprintf(cmd->fullname, sizeof(cmd->fullname), "%s|%s", parent->name, cmd->name);
    else snprintf(cmd->fullname, sizeof(cmd->fullname), "%s", cmd->name);
    cmd->keys = keyspec_lookup(cmd->fullname, strlen(cmd->fullname));
    if (!cmd->keys) {
        cmd->keys = legacy_keys(cmd);
        return;
    }
    cmd->flags &= ~(uint32_t)(CMD_MOVABLE_KEYS | CMD_NO_MANDATORY_KEYS);
    if (cmd->keys->movable) cmd->flags |= CMD_MOVABLE_KEYS;
    if (cmd->keys->opt & KS_OPTIONAL) cmd->flags |= CMD_NO_MANDATORY_KEYS;
}

static void index_put(const char *name, Command *cmd) {
    uint32_t i = name_hash(name, strlen(name)) & (INDEX_SIZE - 1);
    while (index_[i].cmd) {
        ASSERT(strcmp(index_[i].name, name) != 0); /* duplicate */
        i = (i + 1) & (INDEX_SIZE - 1);
    }
    index_[i] = (Slot){name, cmd};
}

void command_init(void) {
    keyspec_init();
    for (int t = 0; t < ntables; t++) {
        for (Command *cmd = tables[t]; cmd->name; cmd++) {
            index_put(cmd->name, cmd);
            ncommands++;
            set_fullname(cmd, NULL);
            for (Command *sub = cmd->subs; sub && sub->name; sub++) set_fullname(sub, cmd);
            if (!strcmp(cmd->name, "ping")) ping_fn = cmd->fn;
        }
    }
}

static Command *lookup_lower(const char *lower, size_t len) {
    uint32_t i = name_hash(lower, len) & (INDEX_SIZE - 1);
    for (Slot *sl; (sl = &index_[i])->cmd; i = (i + 1) & (INDEX_SIZE - 1)) {
        if (strlen(sl->name) == len && memcmp(sl->name, lower, len) == 0) return sl->cmd;
    }
    return NULL;
}

static size_t to_lower(char *dst, const char *s, size_t len) {
    for (size_t i = 0; i < len; i++) {
        char ch = s[i];
        dst[i] = (ch >= 'A' && ch <= 'Z') ? (char)(ch + 32) : ch;
    }
    return len;
}

Command *command_lookup(const char *name, size_t len) {
    char lower[MAX_NAME];
    if (len == 0 || len >= MAX_NAME) return NULL;
    return lookup_lower(lower, to_lower(lower, name, len));
}

bool command_rename(const char *from, const char *to, const char **err) {
    static char names[64][MAX_NAME]; /* the new names the index points at */
    static int nnames;
    char lower[MAX_NAME];
    size_t flen = strlen(from), tlen = strlen(to);
    Command *cmd = NULL;
    if (flen > 0 && flen < MAX_NAME) {
        to_lower(lower, from, flen);
        lower[flen] = '\0';
        cmd = lookup_lower(lower, flen);
    }
    *err = !cmd                                  ? "No such command in rename-command"
         : tlen && command_lookup(to, tlen)      ? "Target command name already exists"
         : tlen >= MAX_NAME                      ? "Target command name is too long"
         : nnames == (int)ARRAY_LEN(names)       ? "Too many rename-command lines"
                                                 : NULL;
    if (*err) return false;
    /* Linear probing cannot drop one slot: refile all but `from`. */
    Slot *old = mem_alloc(sizeof(index_));
    memcpy(old, index_, sizeof(index_));
    memset(index_, 0, sizeof(index_));
    for (size_t i = 0; i < INDEX_SIZE; i++)
        if (old[i].cmd && !(old[i].cmd == cmd && !strcmp(old[i].name, lower)))
            index_put(old[i].name, old[i].cmd);
    mem_free(old);
    if (tlen) {
        char *name = names[nnames++];
        to_lower(name, to, tlen);
        name[tlen] = '\0';
        index_put(name, cmd);
    }
    return true;
}

static Command *find_sub(Command *parent, const char *name, size_t len) {
    char lower[MAX_NAME];
    if (len >= MAX_NAME) return NULL;
    to_lower(lower, name, len);
    for (Command *sub = parent->subs; sub->name; sub++)
        if (strlen(sub->name) == len && memcmp(sub->name, lower, len) == 0) return sub;
    return NULL;
}

void command_foreach(void (*fn)(Command *cmd, void *ctx), void *ctx) {
    for (int t = 0; t < ntables; t++)
        for (Command *cmd = tables[t]; cmd->name; cmd++) fn(cmd, ctx);
}

size_t command_count(void) { return ncommands; }

bool arg_is(const Client *c, int i, const char *word) {
    size_t len = strlen(word);
    if (c->argl[i] != len) return false;
    for (size_t j = 0; j < len; j++) {
        char ch = c->argv[i][j];
        if (ch >= 'A' && ch <= 'Z') ch = (char)(ch + 32);
        if (ch != word[j]) return false;
    }
    return true;
}

void command_note_failure(Client *c) {
    if (c->cmd) ((Command *)c->cmd)->failed++;
}

static void reset_counters(Command *cmd) {
    cmd->calls = cmd->usec = cmd->rejected = cmd->failed = 0;
    mem_free(cmd->hist);
    cmd->hist = NULL;
}

static void reset_one(Command *cmd, void *ctx) {
    UNUSED(ctx);
    reset_counters(cmd);
    for (Command *sub = cmd->subs; sub && sub->name; sub++) reset_counters(sub);
}

void command_reset_stats(void) { command_foreach(reset_one, NULL); }

/* "ERR unknown command 'x', with args beginning with: 'a' 'b' " -- the
 * preview stops once it reaches 128 bytes, as Redis's does. */
static void reply_unknown(Client *c) {
    char args[256];
    size_t used = 0;
    args[0] = '\0';
    for (int i = 1; i < c->argc && used < 128; i++) {
        int room = 128 - (int)used;
        int n = snprintf(args + used, sizeof(args) - used, "'%.*s' ",
                         (int)(c->argl[i] < (size_t)room ? c->argl[i] : (size_t)room), c->argv[i]);
        if (n < 0) break;
        used += (size_t)n;
        if (used >= sizeof(args)) used = sizeof(args) - 1;
    }
    reply_errorf(c, "ERR unknown command '%.*s', with args beginning with: %s",
                 (int)(c->argl[0] < 128 ? c->argl[0] : 128), c->argv[0], args);
}

static void reply_unknown_sub(Client *c, const Command *parent) {
    char upper[MAX_NAME];
    size_t n = strlen(parent->name);
    for (size_t i = 0; i <= n; i++) {
        char ch = parent->name[i];
        upper[i] = (ch >= 'a' && ch <= 'z') ? (char)(ch - 32) : ch;
    }
    reply_errorf(c, "ERR unknown subcommand '%.*s'. Try %s HELP.",
                 (int)(c->argl[1] < 128 ? c->argl[1] : 128), c->argv[1], upper);
}

#ifdef KILAT_CHECKS
/* Checked builds (make asan): a command that changed the dataset must have
 * signalled at least one key (watch_touch_key), or WATCH and keyspace
 * notifications would miss the change; CMD_SIGNALS_NO_KEY commands are
 * exempt (database-wide ones are handled by the MULTI module). */
static void check_signalled(const Command *cmd, uint64_t changes, uint64_t touches) {
    if (!changes || watch_touches != touches) return;
    uint32_t flags = cmd->flags | (cmd->parent ? cmd->parent->flags : 0);
    if (flags & CMD_SIGNALS_NO_KEY) return;
    fprintf(stderr, "KILAT_CHECKS: %s changed the dataset without signalling a key\n",
            cmd->fullname);
    abort();
}
#endif

static bool arity_ok(const Command *cmd, int argc) {
    return cmd->arity > 0 ? argc == cmd->arity : argc >= -cmd->arity;
}

/* While a script is busy: CMD_ALLOW_BUSY commands run, SHUTDOWN only with
 * NOSAVE (the dataset may be half-written by the script). */
static bool busy_allowed(const Client *c, const Command *cmd) {
    if (!(cmd->flags & CMD_ALLOW_BUSY)) return false;
    if (strcmp(cmd->name, "shutdown") != 0) return true;
    for (int i = 1; i < c->argc; i++)
        if (arg_is(c, i, "nosave")) return true;
    return false;
}

/* ---- timing: histograms, the slow log, the latency monitor ---- */

static void record_latency(Command *cmd, int64_t us) {
    if (UNLIKELY(!cmd->hist)) cmd->hist = hist_create();
    hist_record(cmd->hist, us);
}

/* A command that took at least cfg.slow_watch_us. */
static void note_slow(Client *c, Command *cmd, int64_t us) {
    if (cfg.slowlog_log_slower_than >= 0 && us >= cfg.slowlog_log_slower_than)
        slowlog_push(c, cmd, us);
    latency_add_if_needed((cmd->flags & CMD_FAST) ? "fast-command" : "command", us / 1000);
}

/* A command done after `us` of running (a blocking one: all its runs). */
static inline void timed(Client *c, Command *cmd, int64_t us) {
    if (LIKELY(cfg.latency_tracking)) record_latency(cmd, us);
    if (UNLIKELY(us >= cfg.slow_watch_us)) note_slow(c, cmd, us);
}

/* A run of a blocking command: it blocked (first run, or a retry that
 * found nothing again), or a retry served it. As Redis, the time counted
 * is the sum of its runs, not its wait, and it is counted once done. */
static void blocked_run(Client *c, Command *cmd, int64_t us) {
    if ((c->flags & (CLIENT_REEXEC | CLIENT_BLOCK_AGAIN)) == CLIENT_REEXEC) {
        us += c->blocked_us;
        c->blocked_us = 0;
        timed(c, cmd, us);
    } else if (c->flags & CLIENT_REEXEC) {
        c->blocked_us += us;
    } else {
        c->blocked_us = us;
    }
}

void command_unblocked(Client *c, bool failed) {
    Command *cmd = (Command *)c->last_cmd;
    if (!cmd) return;
    if (failed) cmd->failed++;
    int64_t us = c->blocked_us;
    c->blocked_us = 0;
    timed(c, cmd, us);
}

/* A snapshot is running: the keys this write command names are saved
 * before it changes them in place (db.h's snapshot contract). */
static void snapshot_prewrite(Client *c, Command *cmd) {
    if (!cmd->keys || !(command_flags_of(c, cmd) & CMD_WRITE)) return;
    KeyRef *refs = NULL;
    int n = keyspec_find(cmd->keys, (const char *const *)c->argv, c->argl, c->argc, &refs);
    for (int i = 0; i < n; i++)
        db_snapshot_prewrite(c->db, c->argv[refs[i].pos], c->argl[refs[i].pos]);
    mem_free(refs);
}

/* Runs the handler, then stats and propagation. Nested calls (EXEC's
 * queue, redis.call) keep the outer command's clock, as Redis does. */
void command_call(Client *c, Command *cmd) {
    c->cmd = cmd;
    int64_t start = clock_unix_us();
    if (command_depth++ == 0) db_set_now(start / 1000);
    uint64_t dirty = db_dirty(), cmds = propagate_cmds;
#ifdef KILAT_CHECKS
    uint64_t touches = watch_touches;
#endif
    if (UNLIKELY(db_snapshot_on)) snapshot_prewrite(c, cmd);
    if (UNLIKELY(tracking_nclients)) tracking_call(c, cmd); /* runs cmd->fn */
    else cmd->fn(c);
    command_depth--;
    if (UNLIKELY(monitor_count)) monitor_feed_after(c, cmd); /* after: db is the new one */
    int64_t took = clock_unix_us() - start;
    if (UNLIKELY(took < 0)) took = 0; /* the wall clock stepped back */
    cmd->calls++;
    cmd->usec += (uint64_t)took;
    stats.commands_processed++;
    if (LIKELY(cfg.timing)) { /* one test when histograms, slow log and monitor are off */
        if (LIKELY(!(c->flags & CLIENT_BLOCKED))) timed(c, cmd, took);
        else blocked_run(c, cmd, took);
    }
    uint64_t changes = db_dirty() - dirty;
    /* EXEC and scripts propagate as the commands they ran, not themselves
     * (and those were checked for signalling, each in its own call) */
    if (changes && propagate_cmds == cmds) {
        propagate_command(c, c->db_index, changes);
#ifdef KILAT_CHECKS
        check_signalled(cmd, changes, touches);
#endif
    }
    /* keys it found expired: their DELs and its effects leave together */
    if (UNLIKELY(propagate_held) && command_depth == 0)
        propagate_command_end(!(cmd->flags & CMD_TOUCHES_ARBITRARY_KEYS));
}

/* maxmemory: room is made before every command (Redis's
 * performEvictions); when none could be made, deny-oom commands are
 * refused, an EXEC whose queue holds one too, and anything queued in MULTI
 * but EXEC, DISCARD, QUIT and RESET (a queue could grow without bound). */
static bool oom_rejects(Client *c, Command *cmd) {
    Client *outer = tracking_nclients ? tracking_swap_current(c) : NULL;
    bool room = evict_make_room();
    if (tracking_nclients) tracking_swap_current(outer);
    if (room) return false; /* (scripts read the result: evict_out_of_memory) */
    uint32_t flags = command_flags_of(c, cmd);
    const char *n = cmd->parent ? cmd->parent->name : cmd->name;
    bool exec = !strcmp(n, "exec");
    if (exec && (c->flags & CLIENT_MULTI)) flags |= multi_queued_flags(c);
    if (flags & CMD_DENYOOM) return true;
    return (c->flags & CLIENT_MULTI) && !exec && strcmp(n, "discard") && strcmp(n, "quit") &&
           strcmp(n, "reset");
}

void command_execute(Client *c) {
    Command *cmd = command_lookup(c->argv[0], c->argl[0]);
    c->cmd = NULL;
    if (c->flags & CLIENT_REPLY_SKIP_NEXT) {
        c->flags = (c->flags & ~CLIENT_REPLY_SKIP_NEXT) | CLIENT_REPLY_SKIP;
    }
    c->last_cmd = cmd; /* CLIENT LIST's cmd=, even when queued or rejected */
    if (UNLIKELY(!cmd)) {
        reply_unknown(c);
        goto reject;
    }
    if (cmd->subs && !(c->argc == 1 && cmd->fn)) { /* COMMAND alone has a handler */
        if (c->argc == 1) {
            reply_errorf(c, "ERR wrong number of arguments for '%s' command", cmd->fullname);
            goto reject;
        }
        Command *sub = find_sub(cmd, c->argv[1], c->argl[1]);
        c->last_cmd = sub;
        if (!sub) {
            reply_unknown_sub(c, cmd);
            goto reject;
        }
        cmd = sub;
    }
    /* Rejections count as rejected_calls: c->cmd stays NULL so reply_error
     * does not count them as failed too. In MULTI they abort the
     * transaction (EXECABORT). */
    const char *why;
    char msg[192];
    if (UNLIKELY(!arity_ok(cmd, c->argc))) {
        snprintf(msg, sizeof msg, "ERR wrong number of arguments for '%s' command", cmd->fullname);
        why = msg;
        goto reject_known;
    }
    if (UNLIKELY(cmd->gate != NULL) && (why = cmd->gate(c)) != NULL) goto reject_known;
    if (UNLIKELY(!(c->flags & CLIENT_AUTHENTICATED)) && !(cmd->flags & CMD_NO_AUTH)) {
        why = "NOAUTH Authentication required.";
        goto reject_known;
    }
    if (UNLIKELY(c->flags & CLIENT_MULTI) && (cmd->flags & CMD_NO_MULTI)) {
        why = "ERR Command not allowed inside a transaction";
        goto reject_known;
    }
    if (UNLIKELY(command_acl_check != NULL) && c->user &&
        (why = command_acl_check(c, cmd, (c->flags & CLIENT_MULTI) ? ACL_CTX_MULTI : ACL_CTX_TOPLEVEL))) {
        goto reject_known;
    }
    /* maxmemory-clients: the biggest clients go before keys are evicted,
     * as in Redis (a blocked command's retry is no new command) */
    if (UNLIKELY(client_evict_over) && !(c->flags & (CLIENT_FAKE | CLIENT_REEXEC))) {
        client_evict_run(c);
        if (c->flags & CLIENT_CLOSE_ASAP) return; /* it was the biggest: no reply */
    }
    if (UNLIKELY(evict_enabled) && !(c->flags & CLIENT_FAKE) && !command_loading && !command_busy &&
        oom_rejects(c, cmd)) {
        why = "OOM command not allowed when used memory > 'maxmemory'.";
        goto reject_known;
    }
    /* RESP2 subscribers may only (un)subscribe, PING, QUIT, RESET. (EXEC's
     * queue runs through command_call, past this check, as in Redis.) */
    if (UNLIKELY(c->flags & CLIENT_PUBSUB) && c->resp == 2 && !pubsub_context_allows(cmd)) {
        snprintf(msg, sizeof msg, "ERR Can't execute '%s': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / "
                 "PING / QUIT / RESET are allowed in this context", cmd->fullname);
        why = msg;
        goto reject_known;
    }
    /* LOADING before BUSY, as Redis: a slow script replayed from the AOF
     * leaves the other clients loading. (A fake client while loading is the
     * redis.call of that script, which Redis runs unchecked too.) */
    if (UNLIKELY(command_loading) && !(cmd->flags & CMD_LOADING) && !(c->flags & CLIENT_FAKE)) {
        why = "LOADING Redis is loading the dataset in memory";
        goto reject_known;
    }
    if (UNLIKELY(command_busy) && !(c->flags & CLIENT_FAKE) && !busy_allowed(c, cmd)) {
        why = command_busy_function
                  ? "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE."
                  : "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
        goto reject_known;
    }
    if (UNLIKELY(command_deny_writes != NULL) &&
        ((command_flags_of(c, cmd) & CMD_WRITE) || (ping_fn && cmd->fn == ping_fn)) &&
        (why = command_deny_writes()) != NULL) {
        goto reject_known;
    }
    /* A monitor is a replica to Redis 7.0: it may not touch the keyspace. */
    if (UNLIKELY(c->flags & CLIENT_MONITOR) &&
        (cmd->flags & (CMD_WRITE | CMD_READONLY | CMD_MAY_REPLICATE))) {
        why = "ERR Replica can't interact with the keyspace";
        goto reject_known;
    }
    /* CLIENT PAUSE: held before queuing too, as in Redis */
    if (UNLIKELY(pause_type) && pause_holds(c, cmd)) {
        pause_hold(c);
        goto done;
    }
    if (UNLIKELY(c->flags & CLIENT_MULTI)) {
        if (UNLIKELY(tracking_nclients)) tracking_before_queue(c);
        if (multi_queue(c, cmd)) goto done;
    }
    command_call(c, cmd);
    goto done;
reject_known:
    cmd->rejected++;
    if (multi_reject_exec(c, cmd, why)) goto done; /* EXECABORT, discarded */
    reply_error(c, why);
reject:
    if (c->flags & CLIENT_MULTI) c->flags |= CLIENT_DIRTY_EXEC;
done:
    c->cmd = NULL;
    c->flags &= ~CLIENT_REPLY_SKIP;
    if (UNLIKELY(c->flags & CLIENT_TRACKING_CACHING)) tracking_after_command(c, c->last_cmd);
}
