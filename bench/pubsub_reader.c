/* bench/pubsub_reader.c -- the subscriber side of bench/pubsub.sh: opens N
 * connections, (P)SUBSCRIBEs each to one channel or pattern, prints "ready",
 * then reads until every connection has received `expect` bytes of message
 * frames (the driver knows each frame's exact size), and prints "done
 * <seconds from the first message byte to the last>". Reads and counts
 * bytes only, so the reader costs little next to the server.
 * Usage: pubsub_reader port nsubs subscribe|psubscribe name expect_bytes timeout_s */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what) {
    perror(what);
    exit(2);
}

static int dial(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) die("socket");
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) die("connect");
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return fd;
}

/* Sends "<cmd> <name>" and reads its exact confirmation frame. */
static void subscribe(int fd, const char *cmd, const char *name) {
    char req[512], want[512], got[512];
    size_t nl = strlen(name), cl = strlen(cmd);
    int rl = snprintf(req, sizeof(req), "*2\r\n$%zu\r\n%s\r\n$%zu\r\n%s\r\n", cl, cmd, nl, name);
    int wl = snprintf(want, sizeof(want), "*3\r\n$%zu\r\n%s\r\n$%zu\r\n%s\r\n:1\r\n", cl, cmd, nl, name);
    if (write(fd, req, (size_t)rl) != rl) die("write");
    int have = 0;
    while (have < wl) {
        ssize_t n = read(fd, got + have, (size_t)(wl - have));
        if (n <= 0) die("read confirmation");
        have += (int)n;
    }
    if (memcmp(got, want, (size_t)wl) != 0) {
        fprintf(stderr, "unexpected confirmation: %.*s\n", have, got);
        exit(2);
    }
}

int main(int argc, char **argv) {
    if (argc != 7) {
        fprintf(stderr, "usage: %s port nsubs subscribe|psubscribe name expect_bytes timeout_s\n", argv[0]);
        return 2;
    }
    int port = atoi(argv[1]), nsubs = atoi(argv[2]);
    long long expect = atoll(argv[5]);
    double timeout = atof(argv[6]);
    struct pollfd *pf = calloc((size_t)nsubs, sizeof(*pf));
    long long *got = calloc((size_t)nsubs, sizeof(*got));
    if (!pf || !got) die("calloc");
    for (int i = 0; i < nsubs; i++) {
        pf[i].fd = dial(port);
        pf[i].events = POLLIN;
        subscribe(pf[i].fd, argv[3], argv[4]);
    }
    printf("ready\n");
    fflush(stdout);

    static char buf[1 << 20];
    int left = nsubs;
    double first = 0, last = 0, deadline = now() + timeout;
    while (left > 0) {
        int n = poll(pf, (nfds_t)nsubs, 1000);
        if (n < 0) die("poll");
        if (now() > deadline) {
            fprintf(stderr, "timeout: %d subscribers still short\n", left);
            return 1;
        }
        for (int i = 0; i < nsubs && n > 0; i++) {
            if (!pf[i].revents) continue;
            n--;
            ssize_t r = read(pf[i].fd, buf, sizeof(buf));
            if (r <= 0) {
                fprintf(stderr, "subscriber %d: connection closed after %lld bytes\n", i, got[i]);
                return 1;
            }
            if (first == 0) first = now();
            got[i] += r;
            if (got[i] > expect) {
                fprintf(stderr, "subscriber %d: %lld bytes, more than %lld\n", i, got[i], expect);
                return 1;
            }
            if (got[i] == expect) {
                pf[i].fd = -pf[i].fd - 1; /* poll ignores negative fds */
                left--;
                last = now();
            }
        }
    }
    printf("done %.6f\n", last - first);
    return 0;
}
