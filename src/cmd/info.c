/* cmd/info.c -- INFO [section ...]: Redis 7.0's sections, field names and
 * formats, so monitoring tools and clients parse it unchanged. A field is
 * printed only when kilat knows its value; fields of features that do not
 * exist yet (AOF, replicas, pub/sub...) show what Redis shows when the
 * feature is idle, which is the truth here too. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "../script/script.h"
#include "../script/function.h"
#include "memstat.h"
#include "../core/tracking.h"
#include "../core/client.h"
#include "../core/block.h"
#include "../core/command.h"
#include "../core/config.h"
#include "../core/db.h"
#include "../core/client_evict.h"
#include "../core/evict.h"
#include "../core/pubsub.h"
#include "../core/reply.h"
#include "../core/pause.h"
#include "../core/server.h"
#include "../core/stats.h"
#include "../ds/histogram.h"
#include "../ds/mem.h"
#include "../os/clock.h"
#include "../os/poll.h"
#include "../os/proc.h"
#include "../persist/migrate.h"
#include "conn.h"
#include "../persist/aof.h"
#include "../persist/persist.h"

#ifndef KILAT_VERSION
#define KILAT_VERSION "0.1.0" /* keep in step with main.c */
#endif

/* A growing text buffer. */
typedef struct {
    char *p;
    size_t len, cap;
} Text;

static void text_printf(Text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void text_printf(Text *t, const char *fmt, ...) {
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        size_t room = t->cap - t->len;
        int n = vsnprintf(t->p ? t->p + t->len : NULL, room, fmt, ap);
        va_end(ap);
        ASSERT(n >= 0);
        if ((size_t)n < room) {
            t->len += (size_t)n;
            return;
        }
        t->cap = (t->cap + (size_t)n + 1) * 2;
        t->p = mem_realloc(t->p, t->cap);
    }
}

/* Redis's bytesToHuman: 1023B, 1.50K, 2.00M ... */
static void human_bytes(char *buf, size_t len, uint64_t n) {
    static const char units[] = "KMGTP";
    if (n < 1024) {
        snprintf(buf, len, "%" PRIu64 "B", n);
        return;
    }
    double d = (double)n;
    for (int i = 0; units[i]; i++) {
        d /= 1024;
        if (d < 1024 || !units[i + 1]) {
            snprintf(buf, len, "%.2f%c", d, units[i]);
            return;
        }
    }
}

/* 40 random hex characters, made once (run_id, master_replid). */
static void random_hex(char *out, uint64_t salt) {
    uint64_t x = (uint64_t)clock_unix_us() ^ ((uint64_t)proc_pid() << 32) ^
                 (uint64_t)clock_mono_us() ^ salt;
    for (int i = 0; i < 40; i++) {
        x += 0x9e3779b97f4a7c15ull; /* splitmix64 */
        uint64_t z = x;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        z ^= z >> 31;
        out[i] = "0123456789abcdef"[z & 15];
    }
    out[40] = '\0';
}

static const char *run_id(void) {
    static char id[41];
    if (!id[0]) random_hex(id, 1);
    return id;
}

static const char *replid(void) {
    static char id[41];
    if (!id[0]) random_hex(id, 2);
    return id;
}

/* OS facts for the Server section. They belong behind os/proc.h
 * (proc_os_name, proc_executable_path); kept here until that exists. */
static const char *os_name(void) {
    static char name[256];
    struct utsname u;
    if (!name[0] && uname(&u) == 0)
        snprintf(name, sizeof(name), "%s %s %s", u.sysname, u.release, u.machine);
    return name;
}

static const char *executable_path(void) {
    static char path[4096];
    if (!path[0]) {
        ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
        path[n > 0 ? n : 0] = '\0';
    }
    return path;
}

/* ---- sections ---- */

static void sec_server(Text *t) {
    int64_t now_us = clock_unix_us();
    int64_t uptime = (now_us / 1000 - stats.start_ms) / 1000;
#ifdef __GNUC__
    const int gcc[3] = {__GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__};
#else
    const int gcc[3] = {0, 0, 0};
#endif
    text_printf(t,
                "redis_version:%s\r\n"
                "kilat_version:%s\r\n"
                "redis_git_sha1:00000000\r\n"
                "redis_git_dirty:0\r\n"
                "redis_mode:standalone\r\n"
                "os:%s\r\n"
                "arch_bits:%d\r\n"
                "monotonic_clock:POSIX clock_gettime\r\n"
                "multiplexing_api:%s\r\n"
                "atomicvar_api:c11-builtin\r\n"
                "gcc_version:%d.%d.%d\r\n"
                "process_id:%d\r\n"
                "process_supervised:no\r\n"
                "run_id:%s\r\n"
                "tcp_port:%d\r\n"
                "server_time_usec:%" PRId64 "\r\n"
                "uptime_in_seconds:%" PRId64 "\r\n"
                "uptime_in_days:%" PRId64 "\r\n"
                "hz:%d\r\n"
                "configured_hz:%d\r\n"
                "lru_clock:%" PRId64 "\r\n"
                "executable:%s\r\n"
                "config_file:%s\r\n"
                "io_threads_active:0\r\n",
                KILAT_REDIS_VERSION, KILAT_VERSION, os_name(), (int)(sizeof(void *) * 8), poll_backend_name(),
                gcc[0], gcc[1], gcc[2], proc_pid(), run_id(), cfg.port, now_us, uptime,
                uptime / 86400, cfg.hz, cfg.hz, (now_us / 1000000) & ((1 << 24) - 1),
                executable_path(), cfg.config_file ? cfg.config_file : "");
}

typedef struct {
    size_t live;
    size_t mem;
} ClientSums;

static void sum_client(Client *c, void *ctx) {
    ClientSums *s = ctx;
    if (c->flags & CLIENT_CLOSE_ASAP) return; /* killed: Redis has freed it */
    s->live++;
    s->mem += client_total_mem(c); /* normal and pubsub: no replicas yet */
}

static ClientSums client_sums(void) {
    ClientSums s = {0, 0};
    client_foreach(sum_client, &s);
    return s;
}

static void sec_clients(Text *t) {
    size_t max_in, max_out;
    client_totals(&max_in, &max_out);
    text_printf(t,
                "connected_clients:%zu\r\n"
                "cluster_connections:0\r\n"
                "maxclients:%d\r\n"
                "client_recent_max_input_buffer:%zu\r\n"
                "client_recent_max_output_buffer:%zu\r\n"
                "blocked_clients:%zu\r\n"
                "tracking_clients:%zu\r\n"
                "clients_in_timeout_table:0\r\n",
                client_sums().live, cfg.maxclients, max_in, max_out, block_count() + pause_count(),
                tracking_nclients);
}

static void sec_memory(Text *t) {
    MemStats m;
    memstat_collect(&m);
    char used_h[32], rss_h[32], peak_h[32], max_h[32], sys_h[32], lua_h[32], scripts_h[32];
    uint64_t maxmem = 0;
    size_t sys = proc_system_memory(), lua = script_memory(), scripts = script_cached_bytes();
    size_t fvm = function_memory(), fcode = 0;
    for (size_t i = 0; i < function_lib_count(); i++) {
        size_t n;
        function_lib_code(i, &n);
        fcode += n;
    }
    char vm_total_h[32];
    human_bytes(vm_total_h, sizeof(vm_total_h), lua + fvm);
    config_parse_memory(config_value("maxmemory"), &maxmem);
    human_bytes(max_h, sizeof(max_h), (size_t)maxmem);
    human_bytes(used_h, sizeof(used_h), m.used);
    human_bytes(rss_h, sizeof(rss_h), m.rss);
    human_bytes(peak_h, sizeof(peak_h), m.peak);
    human_bytes(sys_h, sizeof(sys_h), sys);
    human_bytes(lua_h, sizeof(lua_h), lua);
    human_bytes(scripts_h, sizeof(scripts_h), scripts + fcode);
    text_printf(t,
                "used_memory:%zu\r\n"
                "used_memory_human:%s\r\n"
                "used_memory_rss:%zu\r\n"
                "used_memory_rss_human:%s\r\n"
                "used_memory_peak:%zu\r\n"
                "used_memory_peak_human:%s\r\n"
                "used_memory_peak_perc:%.2f%%\r\n"
                "used_memory_overhead:%zu\r\n"
                "used_memory_startup:%zu\r\n"
                "used_memory_dataset:%zu\r\n"
                "used_memory_dataset_perc:%.2f%%\r\n"
                "allocator_allocated:%zu\r\n"
                "allocator_active:%zu\r\n"
                "allocator_resident:%zu\r\n"
                "total_system_memory:%zu\r\n"
                "total_system_memory_human:%s\r\n"
                "used_memory_lua:%zu\r\n"
                "used_memory_vm_eval:%zu\r\n"
                "used_memory_lua_human:%s\r\n"
                "used_memory_scripts_eval:%zu\r\n"
                "number_of_cached_scripts:%zu\r\n"
                "number_of_functions:%zu\r\n"
                "number_of_libraries:%zu\r\n"
                "used_memory_vm_functions:%zu\r\n"
                "used_memory_vm_total:%zu\r\n"
                "used_memory_vm_total_human:%s\r\n"
                "used_memory_functions:%zu\r\n"
                "used_memory_scripts:%zu\r\n"
                "used_memory_scripts_human:%s\r\n"
                "maxmemory:%" PRIu64 "\r\n"
                "maxmemory_human:%s\r\n"
                "maxmemory_policy:%s\r\n",
                m.used, used_h, m.rss, rss_h, m.peak, peak_h, 100.0 * memstat_ratio(m.used, m.peak),
                m.overhead, m.startup, m.dataset, 100.0 * memstat_ratio(m.dataset, m.net),
                m.allocated, m.active, m.resident, sys, sys_h,
                lua, lua, lua_h, scripts, script_cached_count(), function_count(), function_lib_count(),
                fvm, lua + fvm, vm_total_h, fcode, scripts + fcode, scripts_h,
                maxmem, max_h, config_value("maxmemory-policy"));
    text_printf(t,
                "allocator_frag_ratio:%.2f\r\n"
                "allocator_frag_bytes:%" PRId64 "\r\n"
                "allocator_rss_ratio:%.2f\r\n"
                "allocator_rss_bytes:%" PRId64 "\r\n"
                "rss_overhead_ratio:%.2f\r\n"
                "rss_overhead_bytes:%" PRId64 "\r\n"
                "mem_fragmentation_ratio:%.2f\r\n"
                "mem_fragmentation_bytes:%" PRId64 "\r\n"
                "mem_not_counted_for_evict:%zu\r\n"
                "mem_replication_backlog:0\r\n"
                "mem_total_replication_buffers:0\r\n"
                "mem_clients_slaves:0\r\n"
                "mem_clients_normal:%zu\r\n"
                "mem_cluster_links:0\r\n"
                "mem_aof_buffer:%zu\r\n"
                "mem_allocator:%s\r\n"
                "active_defrag_running:0\r\n"
                "lazyfree_pending_objects:%zu\r\n"
                "lazyfreed_objects:%" PRIu64 "\r\n",
                memstat_ratio(m.active, m.allocated), (int64_t)m.active - (int64_t)m.allocated,
                memstat_ratio(m.resident, m.active), (int64_t)m.resident - (int64_t)m.active,
                memstat_ratio(m.rss, m.resident), (int64_t)m.rss - (int64_t)m.resident,
                memstat_ratio(m.rss, m.used), (int64_t)m.rss - (int64_t)m.used,
                evict_not_counted(), m.clients_normal, m.aof_buffer, mem_allocator_name(),
                db_lazyfree_pending(), db_lazyfreed_objects());
}

static void sec_persistence(Text *t) {
    char rdb[2048], aofs[1024], loading[512];
    persist_info(rdb, sizeof rdb);
    aof_info(aofs, sizeof aofs);
    loading[0] = '\0';
    persist_info_loading(loading, sizeof loading);
    text_printf(t, "%s%s%s", rdb, aofs, loading);
}

/* instantaneous_* are the cron's samples (core/stats.h); the replication
 * ones stay 0 until replication exists. */
static void sec_stats(Text *t) {
    text_printf(t,
                "total_connections_received:%" PRIu64 "\r\n"
                "total_commands_processed:%" PRIu64 "\r\n"
                "instantaneous_ops_per_sec:%lld\r\n"
                "total_net_input_bytes:%" PRIu64 "\r\n"
                "total_net_output_bytes:%" PRIu64 "\r\n"
                "total_net_repl_input_bytes:0\r\n"
                "total_net_repl_output_bytes:0\r\n"
                "instantaneous_input_kbps:%.2f\r\n"
                "instantaneous_output_kbps:%.2f\r\n"
                "instantaneous_input_repl_kbps:0.00\r\n"
                "instantaneous_output_repl_kbps:0.00\r\n"
                "rejected_connections:%" PRIu64 "\r\n"
                "sync_full:0\r\n"
                "sync_partial_ok:0\r\n"
                "sync_partial_err:0\r\n"
                "expired_keys:%" PRIu64 "\r\n"
                "evicted_keys:%" PRIu64 "\r\n"
                "evicted_clients:%" PRIu64 "\r\n"
                "total_eviction_exceeded_time:%" PRIu64 "\r\n"
                "current_eviction_exceeded_time:%" PRIu64 "\r\n"
                "keyspace_hits:%" PRIu64 "\r\n"
                "keyspace_misses:%" PRIu64 "\r\n"
                "pubsub_channels:%zu\r\n"
                "pubsub_patterns:%zu\r\n"
                "pubsubshard_channels:%zu\r\n"
                "latest_fork_usec:0\r\n"
                "total_forks:%" PRIu64 "\r\n"
                "migrate_cached_sockets:%zu\r\n"
                "slave_expires_tracked_keys:0\r\n"
                "active_defrag_hits:0\r\n"
                "active_defrag_misses:0\r\n"
                "active_defrag_key_hits:0\r\n"
                "active_defrag_key_misses:0\r\n"
                "total_active_defrag_time:0\r\n"
                "current_active_defrag_time:0\r\n"
                "tracking_total_keys:%zu\r\n"
                "tracking_total_items:%zu\r\n"
                "tracking_total_prefixes:%zu\r\n"
                "unexpected_error_replies:%" PRIu64 "\r\n"
                "total_error_replies:%" PRIu64 "\r\n"
                "dump_payload_sanitizations:%" PRIu64 "\r\n"
                "io_threaded_reads_processed:0\r\n"
                "io_threaded_writes_processed:0\r\n",
                stats.connections_received, stats.commands_processed,
                (long long)stats_instantaneous(STATS_OPS), stats.net_input_bytes,
                stats.net_output_bytes, stats_instantaneous(STATS_NET_INPUT) / 1024,
                stats_instantaneous(STATS_NET_OUTPUT) / 1024, stats.rejected_connections,
                db_stat_expired(), evict_stat_keys(), client_evict_stat(), evict_stat_exceeded_ms(),
                evict_current_exceeded_ms(),
                db_stat_hits(), db_stat_misses(), pubsub_channel_count(), pubsub_pattern_count(),
                pubsub_shard_channel_count(), persist_background_jobs(), migrate_cached_sockets(),
                tracking_total_keys(), tracking_total_items(), tracking_total_prefixes(),
                stats.unexpected_error_replies,
                stats.total_error_replies, stats.dump_payload_sanitizations);
}

static void sec_replication(Text *t) {
    text_printf(t,
                "role:master\r\n"
                "connected_slaves:0\r\n"
                "master_failover_state:no-failover\r\n"
                "master_replid:%s\r\n"
                "master_replid2:0000000000000000000000000000000000000000\r\n"
                "master_repl_offset:0\r\n"
                "second_repl_offset:-1\r\n"
                "repl_backlog_active:0\r\n"
                "repl_backlog_size:1048576\r\n"
                "repl_backlog_first_byte_offset:0\r\n"
                "repl_backlog_histlen:0\r\n",
                replid());
}

static void sec_cpu(Text *t) {
    double sys = 0, user = 0;
    proc_cpu_usage(&sys, &user);
    text_printf(t,
                "used_cpu_sys:%.6f\r\n"
                "used_cpu_user:%.6f\r\n"
                "used_cpu_sys_children:0.000000\r\n"
                "used_cpu_user_children:0.000000\r\n",
                sys, user);
}

static void sec_modules(Text *t) { UNUSED(t); }

static void cmdstat_line(Text *t, const Command *cmd) {
    if (!cmd->calls && !cmd->failed && !cmd->rejected) return;
    text_printf(t,
                "cmdstat_%s:calls=%" PRIu64 ",usec=%" PRIu64 ",usec_per_call=%.2f,rejected_calls=%" PRIu64
                ",failed_calls=%" PRIu64 "\r\n",
                cmd->fullname, cmd->calls, cmd->usec,
                cmd->calls ? (double)cmd->usec / (double)cmd->calls : 0.0, cmd->rejected,
                cmd->failed);
}

static void cmdstat_each(Command *cmd, void *ctx) {
    cmdstat_line(ctx, cmd);
    for (const Command *sub = cmd->subs; sub && sub->name; sub++) cmdstat_line(ctx, sub);
}

static void sec_commandstats(Text *t) { command_foreach(cmdstat_each, t); }

static void errorstat_each(void *ctx, const char *code, uint64_t n) {
    text_printf(ctx, "errorstat_%s:count=%" PRIu64 "\r\n", code, n);
}

static void sec_errorstats(Text *t) { stats_foreach_error(errorstat_each, t); }

/* latency_percentiles_usec_<cmd>:p50=1.003,p99=... for each command with
 * a histogram, at latency-tracking-info-percentiles (printed as that
 * directive's canonical text: "50", "99.9"). */
typedef struct {
    Text *t;
    char pcts[16][32];
    double val[16];
    int n;
} LatencyLines;

static void latency_line(LatencyLines *l, const Command *cmd) {
    if (!cmd->hist) return;
    text_printf(l->t, "latency_percentiles_usec_%s:", cmd->fullname);
    for (int i = 0; i < l->n; i++)
        text_printf(l->t, "%sp%s=%.3f", i ? "," : "", l->pcts[i], hist_percentile(cmd->hist, l->val[i]));
    text_printf(l->t, "\r\n");
}

static void latency_each(Command *cmd, void *ctx) {
    latency_line(ctx, cmd);
    for (const Command *sub = cmd->subs; sub && sub->name; sub++) latency_line(ctx, sub);
}

static void sec_latencystats(Text *t) {
    LatencyLines l = {.t = t};
    const char *p = config_value("latency-tracking-info-percentiles");
    while (p && *p && l.n < 16) {
        size_t len = strcspn(p, " ");
        if (len && len < sizeof l.pcts[0]) {
            memcpy(l.pcts[l.n], p, len);
            l.pcts[l.n][len] = '\0';
            l.val[l.n] = strtod(l.pcts[l.n], NULL);
            l.n++;
        }
        p += len;
        while (*p == ' ') p++;
    }
    command_foreach(latency_each, &l);
}

static void sec_cluster(Text *t) { text_printf(t, "cluster_enabled:0\r\n"); }

static void sec_keyspace(Text *t) {
    for (int i = 0; i < db_count_dbs(); i++) {
        Db *db = db_get(i);
        size_t keys = db_size(db), expires = db_expires(db);
        if (!keys && !expires) continue;
        text_printf(t, "db%d:keys=%zu,expires=%zu,avg_ttl=%" PRId64 "\r\n", i, keys, expires,
                    db_avg_ttl(db));
    }
}

/* kilat's section: each database's eviction policy (maxmemory-policy-db or
 * maxmemory-policy) and the keys evicted from it, for every database that
 * has keys, has lost keys, or has a policy of its own. */
static void sec_eviction(Text *t) {
    const char *dflt = config_value("maxmemory-policy");
    for (int i = 0; i < db_count_dbs(); i++) {
        const char *policy = evict_db_policy(i);
        uint64_t evicted = evict_db_evicted(i);
        if (!db_size(db_get(i)) && !evicted && !strcmp(policy, dflt)) continue;
        text_printf(t, "db%d:policy=%s,evicted_keys=%" PRIu64 "\r\n", i, policy, evicted);
    }
}

typedef struct {
    const char *name;  /* as INFO takes it */
    const char *title; /* as it prints */
    void (*fn)(Text *t);
    bool in_default;
} Section;

/* In output order. */
static const Section sections[] = {
    {"server", "Server", sec_server, true},
    {"clients", "Clients", sec_clients, true},
    {"memory", "Memory", sec_memory, true},
    {"persistence", "Persistence", sec_persistence, true},
    {"stats", "Stats", sec_stats, true},
    {"replication", "Replication", sec_replication, true},
    {"cpu", "CPU", sec_cpu, true},
    {"modules", "Modules", sec_modules, true},
    {"commandstats", "Commandstats", sec_commandstats, false},
    {"errorstats", "Errorstats", sec_errorstats, true},
    {"latencystats", "Latencystats", sec_latencystats, false},
    {"cluster", "Cluster", sec_cluster, true},
    {"keyspace", "Keyspace", sec_keyspace, true},
    {"eviction", "Eviction", sec_eviction, false}, /* kilat's: not in Redis */
};

/* Adds the sections argument i names to *mask (unknown names add none). */
static void select_sections(const Client *c, int i, uint32_t *mask) {
    bool all = arg_is(c, i, "all") || arg_is(c, i, "everything");
    bool dflt = arg_is(c, i, "default");
    for (size_t s = 0; s < ARRAY_LEN(sections); s++) {
        if (all || (dflt && sections[s].in_default) || arg_is(c, i, sections[s].name) ||
            (sections[s].fn == sec_modules && arg_is(c, i, "module_list")))
            *mask |= 1u << s;
    }
}

/* INFO [section ...] -- reply: one verbatim text, sections separated by
 * an empty line, "" when no named section exists. */
static void cmd_info(Client *c) {
    uint32_t mask = 0;
    if (c->argc == 1) {
        for (size_t s = 0; s < ARRAY_LEN(sections); s++)
            if (sections[s].in_default) mask |= 1u << s;
    }
    for (int i = 1; i < c->argc; i++) select_sections(c, i, &mask);
    Text t = {NULL, 0, 0};
    int printed = 0;
    for (size_t s = 0; s < ARRAY_LEN(sections); s++) {
        if (!(mask & (1u << s))) continue;
        text_printf(&t, "%s# %s\r\n", printed++ ? "\r\n" : "", sections[s].title);
        sections[s].fn(&t);
    }
    reply_verbatim(c, t.p ? t.p : "", t.len);
    mem_free(t.p);
}

Command info_commands[] = {
    {"info", cmd_info, -1, CMD_LOADING | CMD_STALE, 0, 0, 0, "server", "Get information and statistics about the server", "1.0.0", "O(1)", "@slow @dangerous", NULL},
    {0},
};
