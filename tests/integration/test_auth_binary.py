"""requirepass holding NUL bytes (a binary password, set by CONFIG SET),
and the output-buffer guard for clients that have not authenticated: Redis
7.0.15 closes such a client once it holds about 1 KB of unread replies past
its first 16 KB, whatever client-output-buffer-limit says."""

import socket
import time

from conftest import RawConn, SLOW, err

WRONGPASS = err("WRONGPASS invalid username-password pair or user is disabled.")


def test_binary_password(start_server):
    srv = start_server()
    c = RawConn(srv.host, srv.port)
    assert c.cmd("CONFIG", "SET", "requirepass", b"abc\x00def") == b"OK"
    assert c.cmd("PING") == b"PONG"  # this connection stays authenticated
    d = RawConn(srv.host, srv.port)
    assert d.cmd_raw("PING") == err("NOAUTH Authentication required.")
    assert d.cmd_raw("AUTH", "abc") == WRONGPASS
    assert d.cmd_raw("AUTH", b"abc\x00de") == WRONGPASS
    assert d.cmd_raw("AUTH", b"abc\x00deff") == WRONGPASS
    assert d.cmd("AUTH", b"abc\x00def") == b"OK"
    e = RawConn(srv.host, srv.port)
    assert e.cmd("HELLO", "2", "AUTH", "default", b"abc\x00def")[0] == b"server"
    # a leading NUL is still a password
    assert c.cmd("CONFIG", "SET", "requirepass", b"\x00x") == b"OK"
    f = RawConn(srv.host, srv.port)
    assert f.cmd_raw("GET", "k") == err("NOAUTH Authentication required.")
    assert f.cmd_raw("AUTH", "") == WRONGPASS
    assert f.cmd("AUTH", b"\x00x") == b"OK"
    srv.password = "\x00x"
    assert c.cmd("CONFIG", "SET", "requirepass", "") == b"OK"
    srv.password = None


def test_unauthenticated_output_is_limited(start_server):
    srv = start_server("--requirepass", "pw")
    s = socket.create_connection((srv.host, srv.port), timeout=10 * SLOW)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    one = b"*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$1\r\n5\r\n"
    closed = False
    deadline = time.time() + 20 * SLOW
    try:
        while time.time() < deadline:
            s.sendall(one * 2000)  # NOAUTH replies nobody reads
    except OSError:
        closed = True
    s.close()
    assert closed
    # an authenticated client may leave far more unread
    c = RawConn(srv.host, srv.port)
    assert c.cmd("AUTH", "pw") == b"OK"
    c.send(b"*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n" * 20000)
    time.sleep(0.3)
    for _ in range(20000):
        assert c.read_reply() == b"hello"
    assert c.cmd("PING") == b"PONG"  # still there after its backlog
