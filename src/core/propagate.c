/* core/propagate.c -- the one propagation point. A unit's commands are
 * collected (copied: their argv dies with the command) until the outermost
 * unit ends, then emitted bare or wrapped in MULTI/EXEC. With no sink
 * registered nothing is copied: units only count their commands. */
#include "propagate.h"

#include <string.h>

#include "../ds/mem.h"
#include "command.h"
#include "config.h"
#include "notify.h"
#include "watch.h"

typedef struct {
    int db, argc;
    const char **argv; /* argv, argl and the bytes: one allocation */
    size_t *argl;
} Op;

uint64_t propagate_cmds;

/* command.c propagates a changing command itself only when propagate_cmds
 * did not move while it ran. */
void propagate_prevent_command(void) { propagate_cmds++; }
bool propagate_held;
static uint64_t propagated;
static PropagateSink sink;
static void *sink_ctx;
static int depth;          /* open units */
static int suspended;      /* propagate_suspend calls not yet resumed */
static Op *ops;            /* collected while a sink is set */
static size_t nops, ops_cap;

void propagate_set_sink(PropagateSink fn, void *ctx) {
    sink = fn;
    sink_ctx = ctx;
}

bool propagate_has_sink(void) { return sink && !suspended; }

static void collect(int db, int argc, const char *const *argv, const size_t *argl) {
    size_t bytes = 0;
    for (int i = 0; i < argc; i++) bytes += argl[i];
    size_t hdr = (size_t)argc * (sizeof(char *) + sizeof(size_t));
    char *mem = mem_alloc(hdr + bytes);
    Op op = {db, argc, (const char **)mem, (size_t *)(mem + (size_t)argc * sizeof(char *))};
    char *p = mem + hdr;
    for (int i = 0; i < argc; i++) {
        memcpy(p, argv[i], argl[i]);
        op.argv[i] = p;
        op.argl[i] = argl[i];
        p += argl[i];
    }
    if (nops == ops_cap) {
        ops_cap = ops_cap ? ops_cap * 2 : 8;
        ops = mem_realloc(ops, ops_cap * sizeof(Op));
    }
    ops[nops++] = op;
}

/* One command leaves: at once outside a unit, collected inside one. */
static void emit(int db, int argc, const char *const *argv, const size_t *argl) {
    propagated++;
    if (!sink || UNLIKELY(suspended)) return;
    if (depth) collect(db, argc, argv, argl);
    else sink(sink_ctx, db, argc, argv, argl);
}

void propagate_suspend(void) { suspended++; }

void propagate_resume(void) {
    ASSERT(suspended > 0);
    suspended--;
}

void propagate_unit_begin(void) { depth++; }

bool propagate_in_unit(void) { return depth > 0; }

static void emit_word(int db, const char *word) {
    size_t len = strlen(word);
    sink(sink_ctx, db, 1, &word, &len);
}

/* The outermost unit ended: its commands leave, wrapped when allowed and
 * there are two or more. */
static void flush(bool may_wrap) {
    if (sink && nops) {
        bool wrap = may_wrap && nops > 1;
        if (wrap) emit_word(ops[0].db, "MULTI");
        for (size_t i = 0; i < nops; i++) sink(sink_ctx, ops[i].db, ops[i].argc, ops[i].argv, ops[i].argl);
        if (wrap) emit_word(ops[nops - 1].db, "EXEC");
    }
    for (size_t i = 0; i < nops; i++) mem_free(ops[i].argv);
    mem_free(ops);
    ops = NULL;
    nops = ops_cap = 0;
}

void propagate_unit_end(void) {
    ASSERT(depth > 0);
    if (--depth) return;
    flush(true);
}

void propagate_command_end(bool wrap) {
    ASSERT(propagate_held && depth == 1);
    propagate_held = false;
    depth = 0;
    flush(wrap);
}

void propagate_command(Client *c, int db_index, uint64_t changes) {
    UNUSED(changes);
    propagate_cmds++;
    emit(db_index, c->argc, c->argv, c->argl);
}

void propagate_as(Client *c, int argc, const char *const *argv, const size_t *argl) {
    propagate_cmds++;
    emit(c->db_index, argc, argv, argl);
}

void propagate_expired(int db_index, const char *key, size_t klen) {
    watch_touch_key_server(db_index, key, klen);
    notify_key(NOTIFY_EXPIRED, "expired", db_index, key, klen);
    if (sink && !suspended && !depth && command_depth) {
        depth = 1;
        propagate_held = true;
    }
    const char *argv[2] = {cfg.lazyfree_lazy_expire ? "UNLINK" : "DEL", key};
    size_t argl[2] = {strlen(argv[0]), klen};
    emit(db_index, 2, argv, argl);
}

void propagate_evicted(int db_index, const char *key, size_t klen, bool lazy) {
    watch_touch_key_server(db_index, key, klen);
    notify_key(NOTIFY_EVICTED, "evicted", db_index, key, klen);
    const char *argv[2] = {lazy ? "UNLINK" : "DEL", key};
    size_t argl[2] = {strlen(argv[0]), klen};
    emit(db_index, 2, argv, argl);
}

uint64_t propagate_count(void) { return propagated; }
