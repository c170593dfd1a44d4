"""The server survives hostile or unusual clients: many at once, abrupt
disconnects, garbage bytes, clients that never read; and daemonize."""

import os
import random
import signal
import socket
import subprocess
import threading
import time

import pytest

from conftest import (OK, RawConn, SLOW, server_binary, free_port,
                      wait_for, IS_REDIS, SERVER_PROBLEMS, SANITIZER_MARKERS)
from test_strings import run


def test_many_concurrent_clients(server, r):
    n = 200
    conns = [server.raw() for _ in range(n)]
    try:
        for i, c in enumerate(conns):
            c.send(RawConn.encode("SET", "c%d" % i, "v%d" % i) +
                   RawConn.encode("INCR", "shared"))
        for i, c in enumerate(conns):
            assert c.read_reply_raw() == OK
            assert c.read_reply_raw().startswith(b":")
        for i, c in enumerate(conns):
            c.send(RawConn.encode("GET", "c%d" % i))
        for i, c in enumerate(conns):
            assert c.read_reply() == b"v%d" % i
        assert r.get("shared") == b"%d" % n
    finally:
        for c in conns:
            c.close()


def test_parallel_pipelines(server, r):
    def worker(idx, errors):
        try:
            c = server.raw()
            n = 3000
            c.send(b"".join(RawConn.encode("INCR", "ctr%d" % idx)
                            for _ in range(n)))
            for i in range(n):
                rep = c.read_reply_raw()
                if rep != b":%d\r\n" % (i + 1):
                    errors.append((idx, i, rep))
                    break
            c.close()
        except Exception as e:          # noqa
            errors.append((idx, repr(e)))
    errors = []
    threads = [threading.Thread(target=worker, args=(i, errors))
               for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for i in range(8):
        assert r.get("ctr%d" % i) == b"3000"


def test_abrupt_disconnects(server, r):
    partials = [b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100\r\nabc",
                b"*2\r\n$4\r\nECHO",
                b"*5\r\n",
                b"SET k v",
                b"*1\r\n$1000000\r\n" + b"x" * 50000,
                b"GET k\r\nGET k\r\nGET k\r\n" * 100]
    for _ in range(5):
        for p in partials:
            s = socket.create_connection((server.host, server.port))
            s.sendall(p)
            s.close()
    # reset by peer with unread replies
    for _ in range(10):
        s = socket.create_connection((server.host, server.port))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                     b"\x01\x00\x00\x00\x00\x00\x00\x00")
        s.sendall(b"PING\r\n" * 1000)
        s.close()
    assert r.ping()
    assert r.get("k") is None


def test_client_that_never_reads(server, r):
    """A client pipelines large replies and never reads them; others are
    served meanwhile, and closing it frees everything."""
    r.set("big", "x" * 100000)
    s = socket.create_connection((server.host, server.port))
    try:
        s.setblocking(False)
        req = RawConn.encode("GET", "big") * 200    # ~20MB of replies
        sent = 0
        deadline = time.time() + 5 * SLOW
        while sent < len(req) and time.time() < deadline:
            try:
                sent += s.send(req[sent:sent + 65536])
            except BlockingIOError:
                time.sleep(0.01)
        t0 = time.time()
        assert r.ping()
        assert r.get("big") == b"x" * 100000
        assert time.time() - t0 < 2 * SLOW
    finally:
        s.close()
    assert r.ping()


def test_garbage_bytes_never_kill_the_server(server, r):
    rnd = random.Random(1234)
    alphabet = b"*$:+-\r\n0123456789abcXYZ \"'\\\x00\xff"
    for i in range(150):
        n = rnd.randint(1, 400)
        if i % 3 == 0:
            data = bytes(rnd.choice(alphabet) for _ in range(n))
        elif i % 3 == 1:
            data = bytes(rnd.randrange(256) for _ in range(n))
        else:
            # a valid request with one byte flipped
            data = bytearray(RawConn.encode("SET", "fz%d" % i, "v" * 20) +
                             RawConn.encode("GET", "fz%d" % i))
            data[rnd.randrange(len(data))] = rnd.randrange(256)
            data = bytes(data)
        c = server.raw(timeout=2)
        try:
            c.send(data)
            c.read_available(0.005)
        except OSError:
            pass
        finally:
            c.close()
    assert r.ping()
    r.set("after", "fuzz")
    assert r.get("after") == b"fuzz"


def test_binary_keys_and_values(raw, r):
    keys = [bytes([i]) * (i % 7 + 1) for i in range(256)]
    for k in keys:
        assert raw.cmd_raw("SET", k, k[::-1] + b"\r\n") == OK
    for k in keys:
        assert raw.cmd("GET", k) == k[::-1] + b"\r\n"
    assert raw.cmd("DBSIZE") == 256


def test_daemonize(tmp_path):
    port = free_port()
    pidfile = str(tmp_path / "d.pid")
    logfile = str(tmp_path / "d.log")
    argv = [server_binary(), "--port", str(port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--dir", str(tmp_path),
            "--daemonize", "yes", "--pidfile", pidfile, "--logfile", logfile]
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=30 * SLOW)
    assert p.returncode == 0, p.stdout
    pid = None
    try:
        assert wait_for(lambda: os.path.exists(pidfile) and
                        open(pidfile).read().strip(), timeout=10)
        pid = int(open(pidfile).read().strip())
        c = None
        end = time.time() + 10 * SLOW
        while time.time() < end:
            try:
                c = RawConn("127.0.0.1", port, 5 * SLOW)
                break
            except OSError:
                time.sleep(0.05)
        assert c is not None, "daemon does not answer"
        run(c, [("PING", b"+PONG\r\n"),
                ("CONFIG GET daemonize",
                 b"*2\r\n$9\r\ndaemonize\r\n$3\r\nyes\r\n")])
        assert int(dict(l.split(":", 1) for l in bytes(c.cmd(
            "INFO", "server")).decode().split("\r\n")
            if ":" in l)["process_id"]) == pid
        c.send(b"SHUTDOWN NOSAVE\r\n")
        assert c.is_closed(10)
        c.close()

        def gone():
            try:
                os.kill(pid, 0)
                return False
            except ProcessLookupError:
                return True
        assert wait_for(gone, timeout=10)
        pid = None
    finally:
        if pid is not None:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    with open(logfile, "rb") as f:
        log = f.read()
    for m in SANITIZER_MARKERS:
        assert m not in log
