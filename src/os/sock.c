/* os/sock.c -- BSD sockets for POSIX systems. */
#include "sock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static int set_nonblock(int fd) {
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) return -errno;
    return 0;
}

/* getaddrinfo's failures (glibc's codes are negative) as this module's
 * negative returns, below -SOCK_ERR_RESOLVE. */
static int resolve_error(int rv) { return -(SOCK_ERR_RESOLVE + (rv < 0 ? -rv : rv)); }

const char *sock_strerror(int err) {
    int e = err < 0 ? -err : err;
    if (e > SOCK_ERR_RESOLVE) return gai_strerror(-(e - SOCK_ERR_RESOLVE));
    return strerror(e);
}

bool sock_listen_error_is_unavailable(int err) {
    if (err == -EADDRNOTAVAIL || err == -EAFNOSUPPORT || err == -EPROTONOSUPPORT) return true;
    return err == resolve_error(EAI_FAMILY) || err == resolve_error(EAI_ADDRFAMILY);
}

/* One listener on the resolved address a; a negative errno on failure. */
static int listen_on(const struct addrinfo *a, int backlog) {
    int fd = socket(a->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (a->ai_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    if (bind(fd, a->ai_addr, a->ai_addrlen) < 0 || listen(fd, backlog) < 0 || set_nonblock(fd) < 0) {
        int e = -errno;
        close(fd);
        return e;
    }
    return fd;
}

int sock_listen_tcp(const char *addr, int port, int backlog) {
    if (addr[0] == '-') addr++;
    /* As Redis: an address with ':' is IPv6, any other IPv4 (a host name
     * such as "localhost" is resolved in that family); "*" and "::*" are
     * every address of the family. The first result that binds wins. */
    bool v6 = strchr(addr, ':') != NULL;
    if (strcmp(addr, "*") == 0 || strcmp(addr, "::*") == 0) addr = NULL;
    struct addrinfo hints = {0}, *res = NULL;
    char portstr[16];
    snprintf(portstr, sizeof(portstr), "%d", port);
    hints.ai_family = v6 ? AF_INET6 : AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    int rv = getaddrinfo(addr, portstr, &hints, &res);
    if (rv != 0) return rv == EAI_SYSTEM ? -errno : resolve_error(rv);
    int fd = -EADDRNOTAVAIL;
    for (const struct addrinfo *a = res; a; a = a->ai_next)
        if ((fd = listen_on(a, backlog)) >= 0) break;
    freeaddrinfo(res);
    return fd;
}

int sock_listen_unix(const char *path, unsigned perm, int backlog) {
    struct sockaddr_un sa = {0};
    if (strlen(path) >= sizeof(sa.sun_path)) return -ENAMETOOLONG;
    sa.sun_family = AF_UNIX;
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    unlink(path);
    /* CVE-2023-45145: the socket file must never be wider than `perm`, not
     * even between bind and chmod: it is created under a umask that leaves
     * at most perm, and it is chmod-ed before listen accepts anyone. */
    mode_t old_mask = perm ? umask(~(mode_t)perm & 0777) : 0;
    int rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
    int bind_errno = errno;
    if (perm) umask(old_mask);
    errno = bind_errno;
    /* a failed chmod is ignored, as Redis: the umask already bounds the mode */
    if (rc == 0 && perm && chmod(path, perm) < 0) errno = 0;
    if (rc < 0 || listen(fd, backlog) < 0 ||
        set_nonblock(fd) < 0) {
        int e = -errno;
        close(fd);
        return e;
    }
    return fd;
}

#ifdef KILAT_CHECKS
static unsigned accept_faults;
static int accept_fault_err;

bool sock_accept_fault_set(int err, unsigned count) {
    accept_fault_err = err;
    accept_faults = count;
    return true;
}
#else
bool sock_accept_fault_set(int err, unsigned count) {
    UNUSED(err);
    UNUSED(count);
    return false;
}
#endif

bool sock_accept_error_is_per_connection(int err) {
    /* accept(2) on Linux passes errors already pending on the new
     * connection to the caller; it says to retry on these as on EAGAIN */
    switch (err) {
    case ECONNABORTED:
    case EPROTO:
    case ENETDOWN:
    case ENOPROTOOPT:
    case EHOSTDOWN:
#ifdef ENONET
    case ENONET:
#endif
    case EHOSTUNREACH:
    case EOPNOTSUPP:
    case ENETUNREACH:
        return true;
    default:
        return false;
    }
}

int sock_accept(int lfd, bool *is_unix) {
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    int fd = accept4(lfd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return errno == EWOULDBLOCK ? -EAGAIN : -errno;
#ifdef KILAT_CHECKS
    if (accept_faults > 0) {
        accept_faults--;
        close(fd);
        return -accept_fault_err;
    }
#endif
    *is_unix = ss.ss_family == AF_UNIX;
    if (!*is_unix) {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    return fd;
}

void sock_set_keepalive(int fd, int interval) {
    if (interval <= 0) return;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
#ifdef TCP_KEEPIDLE
    int idle = interval, intvl = interval / 3 ? interval / 3 : 1, cnt = 3;
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
#endif
}

ssize_t sock_read(int fd, void *buf, size_t len) {
    ssize_t n = read(fd, buf, len);
    return n < 0 ? -errno : n;
}

ssize_t sock_write(int fd, const void *buf, size_t len) {
    ssize_t n = write(fd, buf, len);
    return n < 0 ? -errno : n;
}

void sock_close(int fd) { close(fd); }

static void format_name(const struct sockaddr_storage *ss, bool is_unix, const char *upath,
                        char *out, size_t outlen) {
    char ip[INET6_ADDRSTRLEN] = "?";
    int port = 0;
    if (is_unix) {
        snprintf(out, outlen, "%s:0", upath);
        return;
    }
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *s = (const struct sockaddr_in *)ss;
        inet_ntop(AF_INET, &s->sin_addr, ip, sizeof(ip));
        port = ntohs(s->sin_port);
    } else if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)ss;
        inet_ntop(AF_INET6, &s->sin6_addr, ip, sizeof(ip));
        port = ntohs(s->sin6_port);
    }
    snprintf(out, outlen, "%s:%d", ip, port);
}

/* Names one end of the socket: the peer (getpeername) or ours. */
static void end_name(int fd, bool is_unix, bool peer, char *out, size_t outlen) {
    struct sockaddr_storage ss = {0};
    socklen_t len = sizeof(ss);
    if (is_unix) {
        struct sockaddr_un sa = {0};
        socklen_t l = sizeof(sa);
        getsockname(fd, (struct sockaddr *)&sa, &l);
        format_name(&ss, true, sa.sun_path, out, outlen);
        return;
    }
    int rc = peer ? getpeername(fd, (struct sockaddr *)&ss, &len)
                  : getsockname(fd, (struct sockaddr *)&ss, &len);
    if (rc < 0) ss.ss_family = AF_UNSPEC;
    format_name(&ss, false, NULL, out, outlen);
}

void sock_peer_name(int fd, bool is_unix, char *out, size_t outlen) {
    end_name(fd, is_unix, true, out, outlen);
}

void sock_local_name(int fd, bool is_unix, char *out, size_t outlen) {
    end_name(fd, is_unix, false, out, outlen);
}

bool sock_peer_is_loopback(int fd, bool is_unix) {
    if (is_unix) return true;
    struct sockaddr_storage ss = {0};
    socklen_t len = sizeof(ss);
    if (getpeername(fd, (struct sockaddr *)&ss, &len) < 0) return false;
    if (ss.ss_family == AF_INET) {
        const struct sockaddr_in *s = (const struct sockaddr_in *)&ss;
        return (ntohl(s->sin_addr.s_addr) >> 24) == 127;
    }
    if (ss.ss_family == AF_INET6) {
        const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)&ss;
        if (IN6_IS_ADDR_LOOPBACK(&s->sin6_addr)) return true;
        if (IN6_IS_ADDR_V4MAPPED(&s->sin6_addr)) return s->sin6_addr.s6_addr[12] == 127;
    }
    return false;
}

/* ---------- blocking use with a timeout (MIGRATE) ---------- */

int sock_wait(int fd, bool writable, int timeout_ms) {
    struct pollfd p = {.fd = fd, .events = writable ? POLLOUT : POLLIN};
    if (timeout_ms < 0) timeout_ms = 0;
    for (;;) {
        int n = poll(&p, 1, timeout_ms);
        if (n > 0) return 1;
        if (n == 0) return 0;
        if (errno != EINTR) return -errno;
    }
}

int sock_connect_tcp(const char *host, int port, int timeout_ms) {
    struct addrinfo hints = {0}, *res = NULL;
    char portstr[16];
    snprintf(portstr, sizeof(portstr), "%d", port);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, portstr, &hints, &res) != 0) return -EHOSTUNREACH;
    int err = -ECONNREFUSED;
    for (struct addrinfo *a = res; a; a = a->ai_next) {
        int fd = socket(a->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            err = -errno;
            continue;
        }
        if ((err = set_nonblock(fd)) < 0) {
            close(fd);
            continue;
        }
        if (connect(fd, a->ai_addr, a->ai_addrlen) < 0 && errno != EINPROGRESS) {
            err = -errno;
            close(fd);
            continue;
        }
        int w = sock_wait(fd, true, timeout_ms);
        if (w <= 0) {
            close(fd);
            freeaddrinfo(res);
            return w == 0 ? -ETIMEDOUT : w;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        freeaddrinfo(res);
        return fd;
    }
    freeaddrinfo(res);
    return err;
}
