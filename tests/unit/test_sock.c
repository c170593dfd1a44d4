/* tests/unit/test_sock.c -- os/sock's TCP listeners: the addresses bind
 * accepts (as redis-server 7.0 takes them: names resolved as IPv4 unless
 * they have a ':', "*" for every address) and how failures read. No DNS
 * is needed: the names used are in /etc/hosts. */
#include "os/sock.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "unit.h"

/* The family and address a listener got (AF_UNSPEC on failure). */
static int family_of(int fd, char *addr, size_t addrlen) {
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0) return AF_UNSPEC;
    if (getnameinfo((struct sockaddr *)&ss, len, addr, (socklen_t)addrlen, NULL, 0, NI_NUMERICHOST) != 0)
        addr[0] = '\0';
    return ss.ss_family;
}

static void test_names_and_wildcards(void) {
    char a[64];
    int fd = sock_listen_tcp("localhost", 0, 16);
    CHECK(fd >= 0);
    if (fd >= 0) {
        CHECK(family_of(fd, a, sizeof a) == AF_INET); /* no ':': IPv4, as Redis */
        CHECK(strcmp(a, "127.0.0.1") == 0);
        sock_close(fd);
    }
    fd = sock_listen_tcp("*", 0, 16);
    CHECK(fd >= 0);
    if (fd >= 0) {
        CHECK(family_of(fd, a, sizeof a) == AF_INET);
        CHECK(strcmp(a, "0.0.0.0") == 0);
        sock_close(fd);
    }
    fd = sock_listen_tcp("-127.0.0.1", 0, 16); /* the optional mark is the caller's */
    CHECK(fd >= 0);
    if (fd >= 0) sock_close(fd);
    /* "::*" and "::1" ask for IPv6: a listener, or a failure that an
     * optional address may skip on a machine without IPv6 */
    const char *v6[] = {"::*", "::1"};
    for (int i = 0; i < 2; i++) {
        fd = sock_listen_tcp(v6[i], 0, 16);
        if (fd >= 0) {
            CHECK(family_of(fd, a, sizeof a) == AF_INET6);
            sock_close(fd);
        } else {
            CHECK(sock_listen_error_is_unavailable(fd));
        }
    }
}

static void test_failures(void) {
    /* an address this machine does not have: skippable when optional */
    int fd = sock_listen_tcp("192.0.2.1", 0, 16);
    CHECK(fd == -EADDRNOTAVAIL);
    CHECK(sock_listen_error_is_unavailable(fd));
    CHECK(strcmp(sock_strerror(fd), strerror(EADDRNOTAVAIL)) == 0);
    /* an IPv6 literal is not resolved as IPv4 and the reverse: a name
     * with a ':' that is no address fails to resolve, in the resolver's
     * words, and is not "unavailable" */
    fd = sock_listen_tcp("not:an-address", 0, 16);
    CHECK(fd < -SOCK_ERR_RESOLVE);
    CHECK(!sock_listen_error_is_unavailable(fd));
    CHECK(strlen(sock_strerror(fd)) > 0);
    CHECK(strcmp(sock_strerror(fd), strerror(EADDRNOTAVAIL)) != 0);
    /* a port taken: the errno's text */
    int a = sock_listen_tcp("127.0.0.1", 0, 16);
    CHECK(a >= 0);
    if (a >= 0) {
        struct sockaddr_in sin;
        socklen_t len = sizeof(sin);
        CHECK(getsockname(a, (struct sockaddr *)&sin, &len) == 0);
        int b = sock_listen_tcp("127.0.0.1", ntohs(sin.sin_port), 16);
        CHECK(b == -EADDRINUSE);
        CHECK(!sock_listen_error_is_unavailable(b));
        CHECK(strcmp(sock_strerror(b), strerror(EADDRINUSE)) == 0);
        sock_close(a);
    }
}

int main(void) {
    test_names_and_wildcards();
    test_failures();
    return unit_finish("sock");
}
