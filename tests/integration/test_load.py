"""Load (issue 14): 10,000 concurrent clients held, an unauthenticated
flood and slow readers kept within memory bounds, maxclients at scale;
all the while an authenticated client keeps getting answers quickly.

Differential: the same on kilat and Debian's redis-server 7.0.15. The
clients are driven from one thread with non-blocking sockets (swarm.py);
the authenticated client runs in a thread of its own (Probe), timing one
PING every few milliseconds and sampling used_memory.

Elsewhere, not repeated here: the open-file limit at 256 and 20
descriptors (test_cve.py::test_open_file_limit_raised_or_maxclients_reduced),
single unauthenticated huge headers and a single never-reading
unauthenticated client (test_cve.py, CVE-2021-32675 and CVE-2025-21605),
output buffer limits one client at a time (test_obuf.py), maxclients with 3
clients (test_auth_limits.py).

Memory bounds come from Redis's documented limits: before AUTH a client may
announce at most 10 arguments of at most 16384 bytes (so ~160 KiB of
arguments in flight), and may not have more than 1 KiB of replies pending;
client-output-buffer-limit bounds what any other client can hold. A bound
here is that allowance per client, doubled for allocator and buffer slack,
plus 64 KiB per client for its structure and I/O buffers.
"""

import resource
import socket
import statistics
import threading
import time

import pytest

from conftest import SLOW, RawConn, closed_by_server, send_all, wait_for
from swarm import Swarm, raise_nofile

N = 10000
PW = "loadpw"
PER_CLIENT = 64 << 10            # structure + query/reply buffers, generous
UNAUTH_ARGS = 10 * 16384         # what an unauthenticated command may carry


def info(conn, section):
    text = bytes(conn.cmd("INFO", section)).decode()
    out = {}
    for line in text.split("\r\n"):
        if ":" in line and not line.startswith("#"):
            k, v = line.split(":", 1)
            out[k] = int(v) if v.lstrip("-").isdigit() else v
    return out


def authed(srv):
    conn = srv.raw()
    if srv.password:
        assert conn.cmd_raw("AUTH", srv.password) == b"+OK\r\n"
    return conn


def need_files(n):
    """This process may open n descriptors (raised to the hard limit, or
    past it as root); fails the test with the reason otherwise."""
    try:
        return raise_nofile(n)
    except RuntimeError as e:
        pytest.fail(str(e), pytrace=False)


class Probe(threading.Thread):
    """An authenticated client of its own that PINGs every `interval`
    seconds (timing each) and reads INFO memory every 5th time, until
    finish(); finish() returns the PING latencies in seconds, sorted."""

    def __init__(self, srv, interval=0.005):
        super().__init__(daemon=True)
        self.conn = authed(srv)
        self.interval = interval
        self.lat = []
        self.mem_max = 0
        self.failure = None
        self.done = threading.Event()
        self.start()

    def run(self):
        try:
            n = 0
            while not self.done.is_set():
                t0 = time.perf_counter()
                rep = self.conn.cmd_raw("PING")
                self.lat.append(time.perf_counter() - t0)
                if rep != b"+PONG\r\n":
                    raise AssertionError("PING answered %r" % rep)
                n += 1
                if n % 5 == 0:
                    self.mem_max = max(self.mem_max,
                                       info(self.conn, "memory")["used_memory"])
                self.done.wait(self.interval)
        except Exception as e:  # reported by finish()
            self.failure = e

    def finish(self):
        self.done.set()
        self.join(30 * SLOW)
        self.conn.close()
        if self.failure:
            raise AssertionError("the authenticated client failed: %r"
                                 % self.failure)
        assert len(self.lat) >= 5, "the authenticated client hardly ran"
        return sorted(self.lat)


def check_latency(lat, p99=0.25, worst=1.0):
    """Generous bounds (the machine is shared; the swarm and the probe
    share the test's interpreter): p99 and the worst PING, in seconds."""
    p = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
    assert p < p99 * SLOW and lat[-1] < worst * SLOW, (
        "PING latency p50 %.1f ms p99 %.1f ms max %.1f ms over %d PINGs" % (
            statistics.median(lat) * 1e3, p * 1e3, lat[-1] * 1e3, len(lat)))


def set_cmd(i):
    k = b"load:%d" % i
    v = b"%d" % i
    return b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(k), k, len(v), v)


# ------------------------------------------------------ 10,000 clients
def test_ten_thousand_clients_held(start_server):
    """The server, started with a soft open-file limit of 1024, raises it to
    maxclients + 32 (and says so); 10,000 clients connect, authenticate,
    PING and SET, all held at once; an authenticated client's PINGs stay
    fast throughout; then they leave and memory returns."""
    need_files(N + 500)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    maxclients = N + 100
    resource.setrlimit(resource.RLIMIT_NOFILE, (1024, hard))
    try:
        srv = start_server("--maxclients", maxclients, "--requirepass", PW)
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    assert (b"Increased maximum number of open files to %d (it was originally "
            b"set to 1024)." % (maxclients + 32)) in srv.output()
    with open("/proc/%d/limits" % srv.proc.pid) as f:
        line = next(l for l in f if l.startswith("Max open files"))
    assert int(line.split()[3]) == maxclients + 32, line

    admin = authed(srv)
    assert admin.cmd("CONFIG", "GET", "maxclients") == [b"maxclients", b"%d" % maxclients]
    base = info(admin, "memory")["used_memory"]
    probe = Probe(srv)
    sw = Swarm(srv.host, srv.port, timeout=60 * SLOW)
    try:
        t0 = time.time()
        sw.open(N, hello=RawConn.encode("AUTH", PW) + b"PING\r\n", lines=2)
        assert set(sw.hello_replies) == {b"+OK\r\n+PONG\r\n"}
        assert info(admin, "clients")["connected_clients"] == N + 2
        assert set(sw.roundtrip(set_cmd).values()) == {b"+OK\r\n"}
        assert admin.cmd("DBSIZE") == N
        # every client still there, each on its own key
        got = sw.roundtrip(lambda i: RawConn.encode("INCR", "load:%d" % i))
        assert all(got[i] == b":%d\r\n" % (i + 1) for i in range(N))
        took = time.time() - t0
        assert took < 20 * SLOW, took
        held = info(admin, "memory")["used_memory"]
        clients = info(admin, "clients")
        assert clients["connected_clients"] == N + 2
        # the server's own accounting: well under 64 KiB per idle client
        assert held - base < N * PER_CLIENT, (held - base) // N
    finally:
        sw.close()
    assert wait_for(lambda: info(admin, "clients")["connected_clients"] == 2,
                    timeout=20), info(admin, "clients")
    check_latency(probe.finish())
    assert info(admin, "stats")["rejected_connections"] == 0
    assert admin.cmd_raw("FLUSHALL") == b"+OK\r\n"
    assert wait_for(lambda: info(admin, "memory")["used_memory"] < base + (2 << 20),
                    timeout=10), (info(admin, "memory")["used_memory"] - base)
    admin.close()
    assert b"maxclients has been reduced" not in srv.output()
