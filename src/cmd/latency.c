/* cmd/latency.c -- LATENCY LATEST / HISTORY / RESET / GRAPH / DOCTOR /
 * HISTOGRAM / HELP: the latency monitor (core/latency) and the
 * per-command histograms (ds/histogram, filled by core/command). */
#include <string.h>
#include <strings.h>

#include "../core/command.h"
#include "../core/latency.h"
#include "../core/reply.h"
#include "../ds/histogram.h"

static void cmd_latency_latest(Client *c) { latency_reply_latest(c); }

static void cmd_latency_history(Client *c) { latency_reply_history(c, c->argv[2], c->argl[2]); }

static void cmd_latency_reset(Client *c) { reply_int(c, latency_reset(c, 2, c->argc - 2)); }

static void cmd_latency_graph(Client *c) {
    if (!latency_reply_graph(c, c->argv[2], c->argl[2]))
        reply_errorf(c, "ERR No samples available for event '%.*s'",
                     (int)(c->argl[2] > 128 ? 128 : c->argl[2]), c->argv[2]);
}

static void cmd_latency_doctor(Client *c) { latency_reply_doctor(c); }

/* ---- HISTOGRAM ---- */

static void bucket(void *ctx, int64_t upper_us, uint64_t cum) {
    Client *c = ctx;
    reply_int(c, upper_us);
    reply_int(c, (int64_t)cum);
}

static void count_bucket(void *ctx, int64_t upper_us, uint64_t cum) {
    UNUSED(upper_us), UNUSED(cum);
    (*(int64_t *)ctx)++;
}

/* name => {calls, histogram_usec => {upper us => cumulative calls}}. */
static void reply_histogram(Client *c, const Command *cmd) {
    int64_t n = 0;
    hist_foreach_pow2(cmd->hist, count_bucket, &n);
    reply_cstr(c, cmd->fullname);
    reply_map(c, 2);
    reply_cstr(c, "calls");
    reply_int(c, (int64_t)hist_total(cmd->hist));
    reply_cstr(c, "histogram_usec");
    reply_map(c, n);
    hist_foreach_pow2(cmd->hist, bucket, c);
}

typedef struct {
    Client *c;
    int64_t n;
    bool count_only;
} HistAll;

static void one_histogram(HistAll *h, const Command *cmd) {
    if (!cmd->hist) return;
    if (h->count_only) h->n++;
    else reply_histogram(h->c, cmd);
}

static void each_histogram(Command *cmd, void *ctx) {
    one_histogram(ctx, cmd);
    for (const Command *s = cmd->subs; s && s->name; s++) one_histogram(ctx, s);
}

/* The command argument i names ("get", "client|id"), or for a container
 * ("client") each of its subcommands: fn for each with a histogram. */
static void named(Client *c, int i, HistAll *h) {
    const char *name = c->argv[i], *bar = memchr(name, '|', c->argl[i]);
    size_t len = bar ? (size_t)(bar - name) : c->argl[i];
    const Command *cmd = command_lookup(name, len);
    if (!cmd) return;
    if (bar) {
        size_t sl = c->argl[i] - len - 1;
        for (const Command *s = cmd->subs; s && s->name; s++)
            if (strlen(s->name) == sl && strncasecmp(s->name, bar + 1, sl) == 0) one_histogram(h, s);
        return;
    }
    one_histogram(h, cmd);
    for (const Command *s = cmd->subs; s && s->name; s++) one_histogram(h, s);
}

/* LATENCY HISTOGRAM [command ...] -- all commands with a histogram, or the
 * named ones (unknown names are skipped). */
static void cmd_latency_histogram(Client *c) {
    HistAll h = {c, 0, true};
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1) {
            reply_map(c, h.n);
            h.count_only = false;
        }
        if (c->argc == 2) command_foreach(each_histogram, &h);
        for (int i = 2; i < c->argc; i++) named(c, i, &h);
    }
}

static const char *const latency_help[] = {
    "LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "DOCTOR",
    "    Return a human readable latency analysis report.",
    "GRAPH <event>",
    "    Return an ASCII latency graph for the <event> class.",
    "HISTORY <event>",
    "    Return time-latency samples for the <event> class.",
    "LATEST",
    "    Return the latest latency samples for all events.",
    "RESET [<event> ...]",
    "    Reset latency data of one or more <event> classes.",
    "    (default: reset all data for all event classes)",
    "HISTOGRAM [COMMAND ...]",
    "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
    "    If no commands are specified then all histograms are replied.",
    "HELP",
    "    Prints this help.",
};

static void cmd_latency_help(Client *c) { reply_help(c, latency_help, ARRAY_LEN(latency_help)); }

#define LT_FLAGS (CMD_ADMIN | CMD_NOSCRIPT | CMD_LOADING | CMD_STALE)
#define LT_ACL "@admin @slow @dangerous"

static Command latency_subs[] = {
    {"doctor", cmd_latency_doctor, 2, LT_FLAGS, 0, 0, 0, "server", "Return a human readable latency analysis report.", "2.8.13", "O(1)", LT_ACL, NULL},
    {"history", cmd_latency_history, 3, LT_FLAGS, 0, 0, 0, "server", "Return timestamp-latency samples for the event.", "2.8.13", "O(1)", LT_ACL, NULL},
    {"reset", cmd_latency_reset, -2, LT_FLAGS, 0, 0, 0, "server", "Reset latency data for one or more events.", "2.8.13", "O(1)", LT_ACL, NULL},
    {"help", cmd_latency_help, 2, CMD_LOADING | CMD_STALE, 0, 0, 0, "server", "Show helpful text about the different subcommands.", "2.8.13", "O(1)", "@slow", NULL},
    {"histogram", cmd_latency_histogram, -2, LT_FLAGS, 0, 0, 0, "server", "Return the cumulative distribution of latencies of a subset of commands or all.", "7.0.0", "O(N) where N is the number of commands with latency information being retrieved.", LT_ACL, NULL},
    {"graph", cmd_latency_graph, 3, LT_FLAGS, 0, 0, 0, "server", "Return a latency graph for the event.", "2.8.13", "O(1)", LT_ACL, NULL},
    {"latest", cmd_latency_latest, 2, LT_FLAGS, 0, 0, 0, "server", "Return the latest latency samples for all events.", "2.8.13", "O(1)", LT_ACL, NULL},
    {0},
};

Command latency_commands[] = {
    {"latency", NULL, -2, 0, 0, 0, 0, "server", "A container for latency diagnostics commands", "2.8.13", "Depends on subcommand.", "@slow", latency_subs},
    {0},
};
