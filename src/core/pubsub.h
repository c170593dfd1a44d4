/* core/pubsub.h -- channels, patterns and shard channels: who subscribes
 * to what, and delivery of messages into subscribers' output buffers
 * (RESP2 arrays, RESP3 push frames). A subscriber's own state hangs off
 * c->pubsub; the server-wide indexes are private to pubsub.c. While a
 * client has any subscription it carries CLIENT_PUBSUB. */
#ifndef KILAT_PUBSUB_H
#define KILAT_PUBSUB_H

#include "client.h"

struct Command;

typedef enum { PUBSUB_CHANNEL, PUBSUB_PATTERN, PUBSUB_SHARD, PUBSUB_KINDS } PubsubKind;

/* PUBLISH: delivers msg to the channel's subscribers and to every
 * subscribed pattern that matches; returns the number of deliveries. */
size_t pubsub_publish(const char *channel, size_t clen, const char *msg, size_t mlen);
/* SPUBLISH: delivers to the shard channel's subscribers; returns how many. */
size_t pubsub_publish_shard(const char *channel, size_t clen, const char *msg, size_t mlen);
/* Drops all of c's subscriptions without replying (disconnect, RESET). */
void pubsub_client_free(Client *c);

/* Subscribes c (name is copied); false if it already was. Sets
 * CLIENT_PUBSUB. */
bool pubsub_subscribe(Client *c, PubsubKind kind, const char *name, size_t len);
/* false if c was not subscribed. Clears CLIENT_PUBSUB once c has no
 * subscription of any kind left. */
bool pubsub_unsubscribe(Client *c, PubsubKind kind, const char *name, size_t len);
/* Drops every subscription of c of this kind, calling fn after each one
 * (so counts seen by fn are already updated); returns how many. The name
 * passed to fn is valid only during the call. */
typedef void (*PubsubNameFn)(Client *c, const char *name, size_t len, void *ctx);
size_t pubsub_unsubscribe_all(Client *c, PubsubKind kind, PubsubNameFn fn, void *ctx);
/* True if pred holds for one of c's subscriptions of that kind (ACL: a
 * subscriber whose user lost a channel is disconnected). */
bool pubsub_client_any(Client *c, PubsubKind kind,
                       bool (*pred)(const char *name, size_t len, void *ctx), void *ctx);

/* c's subscription counts (CLIENT LIST sub= psub= ssub=). */
void pubsub_client_counts(const Client *c, size_t *channels, size_t *patterns, size_t *shard);
/* Bytes c's subscriptions hold, not the names, which the server-wide
 * indexes share (tot-mem). */
size_t pubsub_client_mem(const Client *c);
/* Server-wide: channels / unique patterns / shard channels with at least
 * one subscriber (INFO stats, PUBSUB NUMPAT). */
size_t pubsub_channel_count(void);
size_t pubsub_pattern_count(void);
size_t pubsub_shard_channel_count(void);
/* Subscribers of one channel or shard channel (PUBSUB NUMSUB). */
size_t pubsub_subscribers(PubsubKind kind, const char *name, size_t len);
/* Calls fn for every channel (or shard channel) with subscribers. fn must
 * not subscribe or unsubscribe. */
void pubsub_foreach(PubsubKind kind, void (*fn)(const char *name, size_t len, void *ctx), void *ctx);

/* Redis 7.0 writes pub/sub frames (subscribe confirmations and messages)
 * even to a client under CLIENT REPLY OFF/SKIP; only command replies are
 * muted. Wrap such writes: saved = pubsub_unmute(c); ...; pubsub_remute(c, saved). */
static inline uint32_t pubsub_unmute(Client *c) {
    uint32_t saved = c->flags & (CLIENT_REPLY_OFF | CLIENT_REPLY_SKIP);
    c->flags &= ~saved;
    return saved;
}
static inline void pubsub_remute(Client *c, uint32_t saved) { c->flags |= saved; }

/* RESP2 subscribed context: true if cmd may run there ((P|S)SUBSCRIBE,
 * (P|S)UNSUBSCRIBE, PING, QUIT, RESET). */
bool pubsub_context_allows(const struct Command *cmd);

#endif
