/* os/poll.h -- readiness poller (epoll now; kqueue and Windows later).
 * The poller remembers nothing about fds but the interest mask it is told;
 * callers pass the old mask so each backend can pick add/modify/delete. */
#ifndef KILAT_POLL_H
#define KILAT_POLL_H

#include "../base.h"

enum { POLL_NONE = 0, POLL_READ = 1, POLL_WRITE = 2 };

typedef struct Poller Poller;
typedef struct {
    int fd;
    int mask; /* POLL_READ | POLL_WRITE; errors and hangups report as READ */
} PollEvent;

Poller *poll_create(void);                 /* NULL on failure (errno set) */
void poll_destroy(Poller *p);
/* Changes fd's interest from old_mask to new_mask; negative errno on error. */
int poll_set(Poller *p, int fd, int old_mask, int new_mask);
/* Waits up to timeout_ms (-1: forever) and fills up to max events.
 * Returns the number of events (0 on timeout or EINTR). */
int poll_wait(Poller *p, PollEvent *events, int max, int timeout_ms);
const char *poll_backend_name(void);       /* "epoll" */

#endif
