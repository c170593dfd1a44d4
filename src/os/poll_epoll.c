/* os/poll_epoll.c -- the Linux poller, level-triggered epoll. */
#include "poll.h"

#include <errno.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "../ds/mem.h"

#define POLL_BATCH 1024

struct Poller {
    int epfd;
    struct epoll_event evs[POLL_BATCH];
};

Poller *poll_create(void) {
    int fd = epoll_create1(EPOLL_CLOEXEC);
    if (fd < 0) return NULL;
    Poller *p = mem_alloc(sizeof(*p));
    p->epfd = fd;
    return p;
}

void poll_destroy(Poller *p) {
    if (!p) return;
    close(p->epfd);
    mem_free(p);
}

int poll_set(Poller *p, int fd, int old_mask, int new_mask) {
    if (old_mask == new_mask) return 0;
    struct epoll_event ev = {0};
    ev.data.fd = fd;
    if (new_mask & POLL_READ) ev.events |= EPOLLIN;
    if (new_mask & POLL_WRITE) ev.events |= EPOLLOUT;
    int op = old_mask == POLL_NONE ? EPOLL_CTL_ADD
             : new_mask == POLL_NONE ? EPOLL_CTL_DEL : EPOLL_CTL_MOD;
    if (epoll_ctl(p->epfd, op, fd, &ev) < 0) return -errno;
    return 0;
}

int poll_wait(Poller *p, PollEvent *events, int max, int timeout_ms) {
    if (max > POLL_BATCH) max = POLL_BATCH;
    int n = epoll_wait(p->epfd, p->evs, max, timeout_ms);
    if (n < 0) return 0; /* EINTR: the caller's loop checks its flags */
    for (int i = 0; i < n; i++) {
        uint32_t e = p->evs[i].events;
        events[i].fd = p->evs[i].data.fd;
        events[i].mask = 0;
        if (e & (EPOLLIN | EPOLLERR | EPOLLHUP)) events[i].mask |= POLL_READ;
        if (e & EPOLLOUT) events[i].mask |= POLL_WRITE;
    }
    return n;
}

const char *poll_backend_name(void) { return "epoll"; }
