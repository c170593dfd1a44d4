/* cmd/memory.c -- MEMORY USAGE/STATS/DOCTOR/MALLOC-STATS/PURGE/HELP.
 * Figures come from kilat's own structures (entry sizes from the type
 * modules, allocator statistics from ds/mem), under Redis 7.0's field
 * names so tools that read MEMORY STATS find what they look for. */
#include <stdio.h>
#include <string.h>

#include "../core/args.h"
#include "../core/client.h"
#include "../core/command.h"
#include "../core/db.h"
#include "../core/reply.h"
#include "../ds/mem.h"
#include "memstat.h"

/* MEMORY USAGE key [SAMPLES count] -- bytes the key and its value hold,
 * with the slot of the key table that points at it; nil for no key. The
 * sizes are computed from the structures, so SAMPLES is checked as Redis
 * checks it and otherwise changes nothing. */
static void cmd_memory_usage(Client *c) {
    for (int j = 3; j < c->argc; j++) {
        if (!arg_is(c, j, "samples") || j + 1 >= c->argc) {
            reply_syntax_error(c);
            return;
        }
        int64_t samples;
        if (!arg_int64_or_reply(c, j + 1, &samples)) return;
        if (samples < 0) {
            reply_syntax_error(c);
            return;
        }
        j++;
    }
    Entry *e = db_lookup(c->db, c->argv[2], c->argl[2], true);
    if (!e) {
        reply_null(c);
        return;
    }
    reply_int(c, (int64_t)(entry_mem(e) + sizeof(void *)));
}

/* One field of MEMORY STATS: its name, then an integer. */
static void field_int(Client *c, const char *name, int64_t v) {
    reply_cstr(c, name);
    reply_int(c, v);
}

/* Two fields of MEMORY STATS: over/under as a ratio, and over - under. */
static void reply_overhead(Client *c, const char *ratio_name, const char *bytes_name, size_t over,
                           size_t under) {
    reply_cstr(c, ratio_name);
    reply_double(c, memstat_ratio(over, under));
    field_int(c, bytes_name, (int64_t)over - (int64_t)under);
}

/* MEMORY STATS -- a map of Redis 7.0's fields, in its order. */
static void cmd_memory_stats(Client *c) {
    MemStats m;
    memstat_collect(&m);
    int dbs_with_keys = 0;
    for (int i = 0; i < db_count_dbs(); i++) dbs_with_keys += db_size(db_get(i)) > 0;

    reply_map(c, 27 + dbs_with_keys);
    field_int(c, "peak.allocated", (int64_t)m.peak);
    field_int(c, "total.allocated", (int64_t)m.used);
    field_int(c, "startup.allocated", (int64_t)m.startup);
    field_int(c, "replication.backlog", 0);
    field_int(c, "clients.slaves", 0);
    field_int(c, "clients.normal", (int64_t)m.clients_normal);
    field_int(c, "cluster.links", 0);
    field_int(c, "aof.buffer", (int64_t)m.aof_buffer);
    field_int(c, "lua.caches", (int64_t)m.lua_caches);
    field_int(c, "functions.caches", (int64_t)m.functions_caches);
    for (int i = 0; i < db_count_dbs(); i++) {
        Db *db = db_get(i);
        if (db_size(db) == 0) continue;
        char name[32];
        snprintf(name, sizeof(name), "db.%d", i);
        reply_cstr(c, name);
        reply_map(c, 3);
        field_int(c, "overhead.hashtable.main", (int64_t)db_table_overhead(db));
        field_int(c, "overhead.hashtable.expires", 0);
        field_int(c, "overhead.hashtable.slot-to-keys", 0);
    }
    field_int(c, "overhead.total", (int64_t)m.overhead);
    field_int(c, "keys.count", (int64_t)m.keys);
    field_int(c, "keys.bytes-per-key", m.keys ? (int64_t)(m.net / m.keys) : 0);
    field_int(c, "dataset.bytes", (int64_t)m.dataset);
    reply_cstr(c, "dataset.percentage");
    reply_double(c, 100.0 * memstat_ratio(m.dataset, m.net));
    reply_cstr(c, "peak.percentage");
    reply_double(c, 100.0 * memstat_ratio(m.used, m.peak));
    field_int(c, "allocator.allocated", (int64_t)m.allocated);
    field_int(c, "allocator.active", (int64_t)m.active);
    field_int(c, "allocator.resident", (int64_t)m.resident);
    reply_overhead(c, "allocator-fragmentation.ratio", "allocator-fragmentation.bytes", m.active,
                   m.allocated);
    reply_overhead(c, "allocator-rss.ratio", "allocator-rss.bytes", m.resident, m.active);
    reply_overhead(c, "rss-overhead.ratio", "rss-overhead.bytes", m.rss, m.resident);
    reply_overhead(c, "fragmentation", "fragmentation.bytes", m.rss, m.used);
}

/* MEMORY DOCTOR -- Redis's report on the same figures as MEMORY STATS. */
static void cmd_memory_doctor(Client *c) {
    MemStats m;
    memstat_collect(&m);
    char buf[8192];
    const char *text = memstat_doctor(&m, buf, sizeof(buf));
    reply_verbatim(c, text, strlen(text));
}

typedef struct {
    char *p;
    size_t len;
} Text;

static void text_add(void *ctx, const char *s) {
    Text *t = ctx;
    size_t n = strlen(s);
    t->p = mem_realloc(t->p, t->len + n + 1);
    memcpy(t->p + t->len, s, n + 1);
    t->len += n;
}

static void cmd_memory_malloc_stats(Client *c) {
    Text t = {NULL, 0};
    mem_allocator_report(text_add, &t);
    reply_verbatim(c, t.p ? t.p : "", t.len);
    mem_free(t.p);
}

static void cmd_memory_purge(Client *c) {
    mem_purge();
    reply_ok(c);
}

static const char *const memory_help[] = {
    "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "DOCTOR",
    "    Return memory problems reports.",
    "MALLOC-STATS",
    "    Return internal statistics report from the memory allocator.",
    "PURGE",
    "    Attempt to purge dirty pages for reclamation by the allocator.",
    "STATS",
    "    Return information about the memory usage of the server.",
    "USAGE <key> [SAMPLES <count>]",
    "    Return memory in bytes used by <key> and its value. Nested values are",
    "    sampled up to <count> times (default: 5, 0 means sample all).",
    "HELP",
    "    Prints this help.",
};

static void cmd_memory_help(Client *c) { reply_help(c, memory_help, ARRAY_LEN(memory_help)); }

#define GRP "server"

static Command memory_subs[] = {
    {"doctor", cmd_memory_doctor, 2, 0, 0, 0, 0, GRP, "Outputs memory problems report", "4.0.0", "O(1)", "@slow", NULL},
    {"help", cmd_memory_help, 2, CMD_LOADING | CMD_STALE, 0, 0, 0, GRP, "Show helpful text about the different subcommands", "4.0.0", "O(1)", "@slow", NULL},
    {"malloc-stats", cmd_memory_malloc_stats, 2, 0, 0, 0, 0, GRP, "Show allocator internal stats", "4.0.0", "Depends on how much memory is allocated, could be slow", "@slow", NULL},
    {"purge", cmd_memory_purge, 2, 0, 0, 0, 0, GRP, "Ask the allocator to release memory", "4.0.0", "Depends on how much memory is allocated, could be slow", "@slow", NULL},
    {"stats", cmd_memory_stats, 2, 0, 0, 0, 0, GRP, "Show memory usage details", "4.0.0", "O(1)", "@slow", NULL},
    {"usage", cmd_memory_usage, -3, CMD_READONLY, 2, 2, 1, GRP, "Estimate the memory usage of a key", "4.0.0", "O(N) where N is the number of samples.", "@read @slow", NULL},
    {0},
};

Command memory_commands[] = {
    {"memory", NULL, -2, 0, 0, 0, 0, GRP, "A container for memory diagnostics commands", "4.0.0", "Depends on subcommand.", "@slow", memory_subs},
    {0},
};
