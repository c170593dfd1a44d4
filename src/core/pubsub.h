/* core/pubsub.h -- channels, patterns and shard channels: who subscribes
 * to what, and delivery of messages into subscribers' output buffers
 * (RESP2 arrays, RESP3 push frames). A subscriber's own state hangs off
 * c->pubsub; the server-wide indexes are private to pubsub.c. While a
 * client has any subscription it carries CLIENT_PUBSUB. */
#ifndef KILAT_PUBSUB_H
#define KILAT_PUBSUB_H

#include "client.h"

/* PUBLISH: delivers msg to the channel's subscribers and to every
 * subscribed pattern that matches; returns the number of deliveries. */
size_t pubsub_publish(const char *channel, size_t clen, const char *msg, size_t mlen);
/* Drops all of c's subscriptions without replying (disconnect, RESET). */
void pubsub_client_free(Client *c);

#endif
