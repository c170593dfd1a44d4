/* core/pubsub.c -- placeholder until the pub/sub module lands. */
#include "pubsub.h"

size_t pubsub_publish(const char *channel, size_t clen, const char *msg, size_t mlen) {
    UNUSED(channel);
    UNUSED(clen);
    UNUSED(msg);
    UNUSED(mlen);
    return 0;
}

void pubsub_client_free(Client *c) { UNUSED(c); }
