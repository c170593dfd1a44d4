/* cmd/pubsub.c -- PUBLISH SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE
 * SSUBSCRIBE SUNSUBSCRIBE SPUBLISH and PUBSUB introspection. The indexes
 * and delivery live in core/pubsub; this file shapes the replies. Counts in
 * (un)subscribe frames follow Redis 7.0: channels + patterns for the
 * channel and pattern commands, shard channels alone for the shard ones. */
#include "../core/pubsub.h"

#include <string.h>

#include "../core/command.h"
#include "../core/reply.h"
#include "../ds/glob.h"

/* The count an (un)subscribe frame of this kind reports. */
static size_t frame_count(const Client *c, PubsubKind kind) {
    size_t ch, pat, shard;
    pubsub_client_counts(c, &ch, &pat, &shard);
    return kind == PUBSUB_SHARD ? shard : ch + pat;
}

static const char *const sub_word[PUBSUB_KINDS] = {"subscribe", "psubscribe", "ssubscribe"};
static const char *const unsub_word[PUBSUB_KINDS] = {"unsubscribe", "punsubscribe", "sunsubscribe"};

/* [word, name-or-null, count] as a push frame (sent under CLIENT REPLY OFF
 * too, as Redis 7.0 does). */
static void reply_frame(Client *c, const char *word, const char *name, size_t len, PubsubKind kind) {
    uint32_t quiet = pubsub_unmute(c);
    reply_push(c, 3);
    reply_cstr(c, word);
    if (name) reply_bulk(c, name, len);
    else reply_null(c);
    reply_int(c, (int64_t)frame_count(c, kind));
    pubsub_remute(c, quiet);
}

/* Redis refuses (S)SUBSCRIBE to clients that expect one reply per command
 * (inside EXEC for SSUBSCRIBE only: SUBSCRIBE there is allowed for
 * backward compatibility). Scripts never get here: the commands are
 * noscript. */
static bool deny_blocking(Client *c, PubsubKind kind) {
    if (!(c->flags & CLIENT_NO_BLOCK)) return false;
    if (kind != PUBSUB_SHARD && (c->flags & CLIENT_MULTI)) return false;
    reply_errorf(c, "ERR %s isn't allowed for a DENY BLOCKING client",
                 kind == PUBSUB_SHARD ? "SSUBSCRIBE" : kind == PUBSUB_PATTERN ? "PSUBSCRIBE" : "SUBSCRIBE");
    return true;
}

static void subscribe_kind(Client *c, PubsubKind kind) {
    if (deny_blocking(c, kind)) return;
    for (int i = 1; i < c->argc; i++) {
        pubsub_subscribe(c, kind, c->argv[i], c->argl[i]);
        reply_frame(c, sub_word[kind], c->argv[i], c->argl[i], kind);
    }
}

typedef struct {
    PubsubKind kind;
} UnsubCtx;

static void unsub_reply(Client *c, const char *name, size_t len, void *ctx) {
    PubsubKind kind = ((UnsubCtx *)ctx)->kind;
    reply_frame(c, unsub_word[kind], name, len, kind);
}

/* With no arguments: every subscription of the kind, or one frame with a
 * null name when there was none. */
static void unsubscribe_kind(Client *c, PubsubKind kind) {
    if (c->argc == 1) {
        UnsubCtx ctx = {kind};
        if (pubsub_unsubscribe_all(c, kind, unsub_reply, &ctx) == 0)
            reply_frame(c, unsub_word[kind], NULL, 0, kind);
        return;
    }
    for (int i = 1; i < c->argc; i++) {
        pubsub_unsubscribe(c, kind, c->argv[i], c->argl[i]);
        reply_frame(c, unsub_word[kind], c->argv[i], c->argl[i], kind);
    }
}

static void cmd_subscribe(Client *c) { subscribe_kind(c, PUBSUB_CHANNEL); }
static void cmd_psubscribe(Client *c) { subscribe_kind(c, PUBSUB_PATTERN); }
static void cmd_ssubscribe(Client *c) { subscribe_kind(c, PUBSUB_SHARD); }
static void cmd_unsubscribe(Client *c) { unsubscribe_kind(c, PUBSUB_CHANNEL); }
static void cmd_punsubscribe(Client *c) { unsubscribe_kind(c, PUBSUB_PATTERN); }
static void cmd_sunsubscribe(Client *c) { unsubscribe_kind(c, PUBSUB_SHARD); }

static void cmd_publish(Client *c) {
    reply_int(c, (int64_t)pubsub_publish(c->argv[1], c->argl[1], c->argv[2], c->argl[2]));
}

static void cmd_spublish(Client *c) {
    reply_int(c, (int64_t)pubsub_publish_shard(c->argv[1], c->argl[1], c->argv[2], c->argl[2]));
}

/* ---- PUBSUB ---------------------------------------------------------------- */

typedef struct {
    Client *c;
    const char *pat;
    size_t plen;
    int64_t n;
} ListCtx;

static void list_one(const char *name, size_t len, void *ctx) {
    ListCtx *l = ctx;
    if (l->pat && !glob_match(l->pat, l->plen, name, len, false)) return;
    reply_bulk(l->c, name, len);
    l->n++;
}

/* CHANNELS / SHARDCHANNELS [pattern]: more than one pattern is Redis's
 * "unknown subcommand or wrong number of arguments" error. */
static void list_channels(Client *c, PubsubKind kind) {
    if (c->argc > 3) {
        reply_errorf(c, "ERR unknown subcommand or wrong number of arguments for '%.*s'. Try PUBSUB HELP.",
                     (int)(c->argl[1] < 128 ? c->argl[1] : 128), c->argv[1]);
        return;
    }
    ListCtx l = {c, NULL, 0, 0};
    if (c->argc == 3) {
        l.pat = c->argv[2];
        l.plen = c->argl[2];
    }
    size_t mark = reply_defer_len(c);
    pubsub_foreach(kind, list_one, &l);
    reply_set_deferred_array(c, mark, l.n);
}

static void numsub(Client *c, PubsubKind kind) {
    reply_array(c, 2 * (int64_t)(c->argc - 2)); /* a flat array in RESP3 too */
    for (int i = 2; i < c->argc; i++) {
        reply_bulk(c, c->argv[i], c->argl[i]);
        reply_int(c, (int64_t)pubsub_subscribers(kind, c->argv[i], c->argl[i]));
    }
}

static void cmd_pubsub_channels(Client *c) { list_channels(c, PUBSUB_CHANNEL); }
static void cmd_pubsub_shardchannels(Client *c) { list_channels(c, PUBSUB_SHARD); }
static void cmd_pubsub_numsub(Client *c) { numsub(c, PUBSUB_CHANNEL); }
static void cmd_pubsub_shardnumsub(Client *c) { numsub(c, PUBSUB_SHARD); }
static void cmd_pubsub_numpat(Client *c) { reply_int(c, (int64_t)pubsub_pattern_count()); }

static const char *const pubsub_help[] = {
    "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CHANNELS [<pattern>]",
    "    Return the currently active channels matching a <pattern> (default: '*').",
    "NUMPAT",
    "    Return number of subscriptions to patterns.",
    "NUMSUB [<channel> ...]",
    "    Return the number of subscribers for the specified channels, excluding",
    "    pattern subscriptions(default: no channels).",
    "SHARDCHANNELS [<pattern>]",
    "    Return the currently active shard level channels matching a <pattern> (default: '*').",
    "SHARDNUMSUB [<shardchannel> ...]",
    "    Return the number of subscribers for the specified shard level channel(s)",
    "HELP",
    "    Prints this help.",
};

static void cmd_pubsub_help(Client *c) {
    reply_help(c, pubsub_help, ARRAY_LEN(pubsub_help));
}

#define PS "pubsub"
#define PSF (CMD_PUBSUB | CMD_LOADING | CMD_STALE)
#define SUBF (PSF | CMD_NOSCRIPT)
static Command pubsub_subs[] = {
    {"help", cmd_pubsub_help, 2, CMD_LOADING | CMD_STALE, 0, 0, 0, PS, "Show helpful text about the different subcommands", "6.2.0", "O(1)", "@slow", NULL},
    {"channels", cmd_pubsub_channels, -2, PSF, 0, 0, 0, PS, "List active channels", "2.8.0", "O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)", "@slow", NULL},
    {"numpat", cmd_pubsub_numpat, 2, PSF, 0, 0, 0, PS, "Get the count of unique patterns pattern subscriptions", "2.8.0", "O(1)", "@slow", NULL},
    {"numsub", cmd_pubsub_numsub, -2, PSF, 0, 0, 0, PS, "Get the count of subscribers for channels", "2.8.0", "O(N) for the NUMSUB subcommand, where N is the number of requested channels", "@slow", NULL},
    {"shardchannels", cmd_pubsub_shardchannels, -2, PSF, 0, 0, 0, PS, "List active shard channels", "7.0.0", "O(N) where N is the number of active shard channels, and assuming constant time pattern matching (relatively short shard channels).", "@slow", NULL},
    {"shardnumsub", cmd_pubsub_shardnumsub, -2, PSF, 0, 0, 0, PS, "Get the count of subscribers for shard channels", "7.0.0", "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels", "@slow", NULL},
    {0},
};

Command pubsub_commands[] = {
    {"publish", cmd_publish, 3, PSF | CMD_FAST | CMD_MAY_REPLICATE, 0, 0, 0, PS, "Post a message to a channel", "2.0.0", "O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).", "@fast", NULL},
    {"subscribe", cmd_subscribe, -2, SUBF, 0, 0, 0, PS, "Listen for messages published to the given channels", "2.0.0", "O(N) where N is the number of channels to subscribe to.", "@slow", NULL},
    {"unsubscribe", cmd_unsubscribe, -1, SUBF, 0, 0, 0, PS, "Stop listening for messages posted to the given channels", "2.0.0", "O(N) where N is the number of clients already subscribed to a channel.", "@slow", NULL},
    {"psubscribe", cmd_psubscribe, -2, SUBF, 0, 0, 0, PS, "Listen for messages published to channels matching the given patterns", "2.0.0", "O(N) where N is the number of patterns the client is already subscribed to.", "@slow", NULL},
    {"punsubscribe", cmd_punsubscribe, -1, SUBF, 0, 0, 0, PS, "Stop listening for messages posted to channels matching the given patterns", "2.0.0", "O(N+M) where N is the number of patterns the client is already subscribed and M is the number of total patterns subscribed in the system (by any client).", "@slow", NULL},
    {"ssubscribe", cmd_ssubscribe, -2, SUBF | CMD_NOT_KEY, 1, -1, 1, PS, "Listen for messages published to the given shard channels", "7.0.0", "O(N) where N is the number of shard channels to subscribe to.", "@slow", NULL},
    {"sunsubscribe", cmd_sunsubscribe, -1, SUBF | CMD_NOT_KEY, 1, -1, 1, PS, "Stop listening for messages posted to the given shard channels", "7.0.0", "O(N) where N is the number of clients already subscribed to a shard channel.", "@slow", NULL},
    {"spublish", cmd_spublish, 3, PSF | CMD_FAST | CMD_MAY_REPLICATE | CMD_NOT_KEY, 1, 1, 1, PS, "Post a message to a shard channel", "7.0.0", "O(N) where N is the number of clients subscribed to the receiving shard channel.", "@fast", NULL},
    {"pubsub", NULL, -2, 0, 0, 0, 0, PS, "A container for Pub/Sub commands", "2.8.0", "Depends on subcommand.", "@slow", pubsub_subs},
    {0},
};
