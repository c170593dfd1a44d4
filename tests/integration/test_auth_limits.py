"""AUTH / requirepass / NOAUTH, and the limits: proto-max-bulk-len,
client-query-buffer-limit, the small request allowed before AUTH,
maxclients, timeout."""

import socket
import threading
import time

import pytest

from conftest import (OK, NIL, SYNTAX, bulk, integer, err, wrong_args,
                      Map, RawConn, wait_for, SLOW)
from test_strings import run

NOAUTH = err("NOAUTH Authentication required.")
WRONGPASS = err("WRONGPASS invalid username-password pair or user is "
                "disabled.")
NO_PASSWORD_SET = err("ERR AUTH <password> called without any password "
                      "configured for the default user. Are you sure your "
                      "configuration is correct?")


@pytest.fixture
def pw_server(start_server):
    return start_server("--requirepass", "s3cret")


# -------------------------------------------------------------------- AUTH

def test_auth_without_requirepass(raw):
    run(raw, [("AUTH x", NO_PASSWORD_SET),
              ("AUTH default", NO_PASSWORD_SET),
              # the default user is 'nopass': any password works
              ("AUTH default x", OK),
              ("AUTH other x", WRONGPASS),
              ("AUTH a b c", SYNTAX),
              ("AUTH", wrong_args("auth")),
              ("PING", b"+PONG\r\n")])


def test_noauth_before_auth(pw_server):
    c = pw_server.raw()
    try:
        for cmd in ("PING", "GET x", "SET x 1", "SELECT 1", "CLIENT ID",
                    "ECHO x", "DBSIZE", "INFO", "CONFIG GET port",
                    "COMMAND COUNT", "KEYS *", "FLUSHALL"):
            run(c, [(cmd, NOAUTH)])
        # unknown commands and arity errors are reported before NOAUTH
        run(c, [("foo", err("ERR unknown command 'foo', with args "
                            "beginning with: ")),
                ("GET", wrong_args("get")),
                ("CLIENT FOO",
                 err("ERR unknown subcommand 'FOO'. Try CLIENT HELP."))])
    finally:
        c.close()


def test_auth_with_requirepass(pw_server):
    c = pw_server.raw()
    try:
        run(c, [("AUTH wrong", WRONGPASS), ("GET x", NOAUTH),
                ("AUTH default wrong", WRONGPASS),
                ("AUTH nouser s3cret", WRONGPASS),
                ("AUTH a b c", SYNTAX),
                ("AUTH s3cret", OK), ("SET x 1", OK), ("GET x", bulk("1")),
                ("AUTH wrong", WRONGPASS),
                # a failed AUTH does not log an authenticated client out
                ("GET x", bulk("1"))])
    finally:
        c.close()


def test_auth_default_user_form(pw_server):
    c = pw_server.raw()
    try:
        run(c, [("AUTH default s3cret", OK), ("PING", b"+PONG\r\n")])
    finally:
        c.close()


def test_allowed_before_auth(pw_server):
    c = pw_server.raw()
    try:
        run(c, [("RESET", b"+RESET\r\n"), ("GET x", NOAUTH)])
        c.send(b"QUIT\r\n")
        assert c.read_reply_raw() == OK
        assert c.is_closed()
    finally:
        c.close()


def test_auth_is_per_connection(pw_server):
    a, b = pw_server.raw(), pw_server.raw()
    try:
        run(a, [("AUTH s3cret", OK), ("PING", b"+PONG\r\n")])
        run(b, [("PING", NOAUTH)])
    finally:
        a.close()
        b.close()


def test_requirepass_changed_at_runtime(pw_server):
    a = pw_server.raw()
    try:
        run(a, [("AUTH s3cret", OK), ("CONFIG SET requirepass newpw", OK),
                ("PING", b"+PONG\r\n")])      # already authenticated
        b = pw_server.raw()
        run(b, [("PING", NOAUTH), ("AUTH s3cret", WRONGPASS),
                ("AUTH newpw", OK), ("PING", b"+PONG\r\n")])
        b.close()
        run(a, [(["CONFIG", "SET", "requirepass", ""], OK)])
        c = pw_server.raw()
        run(c, [("PING", b"+PONG\r\n"), ("AUTH x", NO_PASSWORD_SET)])
        c.close()
        run(a, [(["CONFIG", "SET", "requirepass", "s3cret"], OK)])
    finally:
        a.close()


def test_config_get_requirepass(pw_server):
    c = pw_server.raw()
    try:
        run(c, [("AUTH s3cret", OK),
                ("CONFIG GET requirepass",
                 b"*2\r\n$11\r\nrequirepass\r\n$6\r\ns3cret\r\n")])
    finally:
        c.close()


def test_wrongpass_counted_in_errorstats(pw_server):
    c = pw_server.raw()
    try:
        run(c, [("AUTH s3cret", OK), ("CONFIG RESETSTAT", OK),
                ("AUTH bad", WRONGPASS), ("AUTH bad", WRONGPASS)])
        text = bytes(c.cmd("INFO", "errorstats")).decode()
        assert "errorstat_WRONGPASS:count=2" in text
    finally:
        c.close()


def test_redis_py_client_with_password(pw_server):
    cl = pw_server.client(password="s3cret")
    try:
        assert cl.set("k", "v") and cl.get("k") == b"v"
    finally:
        cl.close()


# ------------------------------------------- request size before AUTH

def test_unauthenticated_multibulk_length_limit(pw_server):
    c = pw_server.raw()
    try:
        c.send(b"*10\r\n")       # up to 10 arguments is fine
        assert c.read_available(0.2) == b""
        assert not c.is_closed(0.1)
    finally:
        c.close()
    c = pw_server.raw()
    try:
        c.send(b"*11\r\n")
        assert c.read_reply_raw() == \
            b"-ERR Protocol error: unauthenticated multibulk length\r\n"
        assert c.is_closed()
    finally:
        c.close()


def test_unauthenticated_bulk_length_limit(pw_server):
    c = pw_server.raw()
    try:
        c.send(b"*1\r\n$16384\r\n")
        assert c.read_available(0.2) == b""
    finally:
        c.close()
    c = pw_server.raw()
    try:
        c.send(b"*1\r\n$16385\r\n")
        assert c.read_reply_raw() == \
            b"-ERR Protocol error: unauthenticated bulk length\r\n"
        assert c.is_closed()
    finally:
        c.close()


def test_unauthenticated_limit_after_earlier_replies(pw_server):
    c = pw_server.raw()
    try:
        c.send(b"*1\r\n$4\r\nPING\r\n*11\r\n")
        assert c.read_reply_raw() == NOAUTH
        assert c.read_reply_raw() == \
            b"-ERR Protocol error: unauthenticated multibulk length\r\n"
        assert c.is_closed()
    finally:
        c.close()


def test_big_requests_fine_after_auth(pw_server):
    c = pw_server.raw()
    try:
        c.send(b"AUTH s3cret\r\n*11\r\n")
        assert c.read_reply_raw() == OK
        # finish the 11-argument request started above: an unknown
        # command, which proves it was parsed, not refused
        c.send(RawConn.encode("x", *["a"] * 10)[len(b"*11\r\n"):])
        assert c.read_reply_raw().startswith(
            b"-ERR unknown command 'x', with args beginning with: 'a'")
        val = b"v" * 100000
        c.send(RawConn.encode("SET", "big", val))
        assert c.read_reply_raw() == OK
        run(c, [("STRLEN big", integer(100000))])
    finally:
        c.close()


def test_hello_auth_lifts_the_limit(pw_server):
    c = pw_server.raw()
    try:
        c.send(b"HELLO 2 AUTH default s3cret\r\n")
        assert isinstance(c.read_reply(), list)
        c.send(RawConn.encode("SET", "k", "x" * 20000))
        assert c.read_reply_raw() == OK
    finally:
        c.close()


# ---------------------------------------------------- proto-max-bulk-len

def test_proto_max_bulk_len(start_server):
    srv = start_server("--proto-max-bulk-len", "1mb")
    c = srv.raw()
    try:
        run(c, [("CONFIG GET proto-max-bulk-len",
                 b"*2\r\n$18\r\nproto-max-bulk-len\r\n$7\r\n1048576\r\n")])
        val = b"a" * 1048576
        c.send(RawConn.encode("SET", "k", val))
        assert c.read_reply_raw() == OK
        c.send(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1048577\r\n")
        assert c.read_reply_raw() == \
            b"-ERR Protocol error: invalid bulk length\r\n"
        assert c.is_closed()
    finally:
        c.close()


def test_proto_max_bulk_len_config_set(start_server):
    srv = start_server()
    c = srv.raw()
    try:
        run(c, [("CONFIG SET proto-max-bulk-len 1000",
                 err("ERR CONFIG SET failed (possibly related to argument "
                     "'proto-max-bulk-len') - argument must be between "
                     "1048576 and 9223372036854775807 inclusive")),
                ("CONFIG SET proto-max-bulk-len 2mb", OK),
                ("CONFIG GET proto-max-bulk-len",
                 b"*2\r\n$18\r\nproto-max-bulk-len\r\n$7\r\n2097152\r\n")])
        d = srv.raw()
        d.send(b"*1\r\n$2097153\r\n")
        assert d.read_reply_raw() == \
            b"-ERR Protocol error: invalid bulk length\r\n"
        assert d.is_closed()
        d.close()
        run(c, [("CONFIG SET proto-max-bulk-len 1g", OK),
                ("CONFIG GET proto-max-bulk-len",
                 b"*2\r\n$18\r\nproto-max-bulk-len\r\n$10\r\n1000000000\r\n")])
    finally:
        c.close()


def test_default_proto_max_bulk_len_is_512mb(raw):
    run(raw, [("CONFIG GET proto-max-bulk-len",
               b"*2\r\n$18\r\nproto-max-bulk-len\r\n$9\r\n536870912\r\n")])
    raw.send(b"*1\r\n$536870912\r\n")   # accepted (nothing sent after it)
    assert raw.read_available(0.2) == b""
    assert not raw.is_closed(0.1)


# -------------------------------------------------- client-query-buffer-limit

def test_query_buffer_limit_closes_client(start_server):
    srv = start_server("--client-query-buffer-limit", "1mb")
    c = srv.raw()
    try:
        run(c, [("CONFIG GET client-query-buffer-limit",
                 b"*2\r\n$25\r\nclient-query-buffer-limit\r\n$7\r\n1048576\r\n")])
        # a 2MB argument is within proto-max-bulk-len but the query buffer
        # may hold at most 1MB: the client is closed, without a reply
        c.send(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2000000\r\n")
        try:
            for _ in range(25):
                c.send(b"a" * 100000)
                time.sleep(0.005)
        except OSError:
            pass
        assert c.is_closed(3)
        assert c.buf == b""
        other = srv.raw()
        run(other, [("EXISTS k", integer(0)), ("PING", b"+PONG\r\n")])
        other.close()
    finally:
        c.close()


def test_query_buffer_limit_config(raw):
    run(raw, [("CONFIG GET client-query-buffer-limit",
               b"*2\r\n$25\r\nclient-query-buffer-limit\r\n$10\r\n"
               b"1073741824\r\n"),
              ("CONFIG SET client-query-buffer-limit 1000",
               err("ERR CONFIG SET failed (possibly related to argument "
                   "'client-query-buffer-limit') - argument must be between "
                   "1048576 and 9223372036854775807 inclusive"))])


def test_query_buffer_limit_allows_many_small_pipelined(start_server):
    srv = start_server("--client-query-buffer-limit", "1mb")
    c = srv.raw()
    try:
        # 3MB of small commands in one go: processed as they arrive
        n = 100000
        payload = RawConn.encode("SET", "k", "v" * 20) * n
        t = threading.Thread(target=c.send, args=(payload,))
        t.start()
        for _ in range(n):
            assert c.read_reply_raw() == OK
        t.join()
    finally:
        c.close()


# -------------------------------------------------------------- maxclients

def test_maxclients(start_server):
    srv = start_server("--maxclients", "3")
    conns = []
    try:
        for _ in range(3):
            c = srv.raw()
            conns.append(c)
            run(c, [("PING", b"+PONG\r\n")])
        extra = srv.raw()
        conns.append(extra)
        extra.send(b"PING\r\n")
        assert extra.read_reply_raw() == \
            b"-ERR max number of clients reached\r\n"
        assert extra.is_closed()
        text = bytes(conns[0].cmd("INFO", "stats")).decode()
        assert "\r\nrejected_connections:1\r\n" in text
        run(conns[0], [("CONFIG GET maxclients",
                        b"*2\r\n$10\r\nmaxclients\r\n$1\r\n3\r\n")])
        # a slot frees up when a client leaves
        conns[1].close()
        time.sleep(0.2)
        again = srv.raw()
        conns.append(again)
        run(again, [("PING", b"+PONG\r\n")])
    finally:
        for c in conns:
            c.close()


def test_maxclients_config_set(start_server):
    srv = start_server()
    a = srv.raw()
    conns = [a]
    try:
        run(a, [("CONFIG SET maxclients 2", OK),
                ("CONFIG SET maxclients 0",
                 err("ERR CONFIG SET failed (possibly related to argument "
                     "'maxclients') - argument must be between 1 and "
                     "4294967295 inclusive")),
                ("CONFIG SET maxclients abc",
                 err("ERR CONFIG SET failed (possibly related to argument "
                     "'maxclients') - argument couldn't be parsed into an "
                     "integer"))])
        b = srv.raw()
        conns.append(b)
        run(b, [("PING", b"+PONG\r\n")])
        c = srv.raw()
        conns.append(c)
        c.send(b"PING\r\n")
        assert c.read_reply_raw() == b"-ERR max number of clients reached\r\n"
        assert c.is_closed()
        run(a, [("CONFIG SET maxclients 10000", OK)])
    finally:
        for c in conns:
            c.close()


# ----------------------------------------------------------------- timeout

def test_idle_timeout_closes_clients(start_server):
    srv = start_server("--timeout", "1")
    idle = srv.raw()
    busy = srv.raw()
    try:
        run(idle, [("PING", b"+PONG\r\n")])
        t0 = time.time()
        closed = False
        while time.time() - t0 < 6 * SLOW:
            run(busy, [("PING", b"+PONG\r\n")])
            if idle.is_closed(0.2):
                closed = True
                break
        assert closed, "idle client not closed"
        assert time.time() - t0 >= 0.9
        run(busy, [("CONFIG GET timeout",
                    b"*2\r\n$7\r\ntimeout\r\n$1\r\n1\r\n")])
    finally:
        idle.close()
        busy.close()


def test_timeout_zero_keeps_idle_clients(raw):
    run(raw, [("CONFIG GET timeout", b"*2\r\n$7\r\ntimeout\r\n$1\r\n0\r\n")])
