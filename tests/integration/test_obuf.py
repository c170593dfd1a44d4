"""client-output-buffer-limit: CONFIG round trip and errors, the normal
class's hard and soft limits, a pub/sub subscriber that never reads while
100 MB is published (dropped at the pubsub class's 32 MB, memory bounded),
and the output-buffer figures in INFO."""

import socket
import time

import pytest

from conftest import SLOW, RawConn, closed_by_server, send_all, wait_for

LOG_LINE = b"for overcoming of output buffer limits."
DEFAULT = (b"normal 0 0 0 slave 268435456 67108864 60 "
           b"pubsub 33554432 8388608 60")
CONFIG_ERR = ("CONFIG SET failed (possibly related to argument "
              "'client-output-buffer-limit') - ")


def info_field(r, section, name):
    return r.info(section)[name]


def slow_reader(srv, rcvbuf=4096):
    """A socket with a small receive buffer, so that what it does not read
    stays in the server's output buffer rather than in the kernel's."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.connect((srv.host, srv.port))
    return s


def read_replies(s, n, size, timeout=20):
    """Reads n bulk replies of `size` bytes each; returns how many came."""
    frame = len(b"$%d\r\n" % size) + size + 2
    want, got = n * frame, 0
    s.settimeout(timeout * SLOW)
    while got < want:
        d = s.recv(min(1 << 20, want - got))
        if not d:
            break
        got += len(d)
    return got // frame if got == want else -1


# ------------------------------------------------------------- CONFIG
def test_config_round_trip_and_errors(start_server):
    srv = start_server()
    r = srv.client()
    key = "client-output-buffer-limit"
    assert r.config_get(key) == {key: DEFAULT.decode()}
    r.config_set(key, "pubsub 10mb 5mb 30 normal 1mb 512kb 10")
    assert r.config_get(key)[key] == ("normal 1048576 524288 10 slave 268435456 "
                                      "67108864 60 pubsub 10485760 5242880 30")
    r.config_set(key, "NORMAL 1gb 1 1 normal 4 5 6")   # the last one wins
    r.config_set(key, "replica 7 8 9")                 # alias of slave
    assert r.config_get(key)[key] == ("normal 4 5 6 slave 7 8 9 "
                                      "pubsub 10485760 5242880 30")
    c = srv.raw()
    for value, why in [
            ("normal 1mb 0", "Wrong number of arguments in buffer limit configuration."),
            ("foo 1 2 3", "Invalid client class specified in buffer limit configuration."),
            ("master 1 2 3", "Invalid client class specified in buffer limit configuration."),
            ("normal 1 2 3 foo 1 2 3",
             "Invalid client class specified in buffer limit configuration."),
            ("normal 1x 0 0", "Error in hard, soft or soft_seconds setting in buffer limit configuration."),
            ("normal -1 0 0", "Error in hard, soft or soft_seconds setting in buffer limit configuration."),
            ("normal 1 2 -1", "Error in hard, soft or soft_seconds setting in buffer limit configuration."),
            ("normal 1 2 x", "Error in hard, soft or soft_seconds setting in buffer limit configuration.")]:
        assert c.cmd_raw("CONFIG", "SET", key, value) == \
            b"-ERR " + (CONFIG_ERR + why).encode() + b"\r\n", value
    # a rejected value changes nothing, not even its valid classes
    assert r.config_get(key)[key] == ("normal 4 5 6 slave 7 8 9 "
                                      "pubsub 10485760 5242880 30")
    c.close()


def test_config_file_directive(start_server):
    srv = start_server(conf="client-output-buffer-limit normal 2mb 1mb 5\n"
                            "client-output-buffer-limit pubsub 0 0 0\n")
    assert srv.client().config_get("client-output-buffer-limit")[
        "client-output-buffer-limit"] == ("normal 2097152 1048576 5 slave "
                                          "268435456 67108864 60 pubsub 0 0 0")


# ------------------------------------------------------ normal class
def test_normal_hard_limit_drops_a_pipelining_non_reader(start_server):
    srv = start_server()
    r = srv.client()
    r.config_set("client-output-buffer-limit", "normal 1mb 0 0")
    r.set("big", "x" * 100000)
    s = slow_reader(srv)
    try:
        send_all(s, RawConn.encode("GET", "big") * 200)   # ~20 MB of replies
        assert closed_by_server(s)
    finally:
        s.close()
    assert wait_for(lambda: LOG_LINE in srv.output())
    line = [l for l in srv.output().splitlines() if LOG_LINE in l][0]
    assert b"# Client id=" in line and b" cmd=get " in line
    assert r.ping()
    assert wait_for(lambda: info_field(r, "clients", "connected_clients") == 1)
    # no counter for this in Redis 7.0's INFO stats
    assert not any("output_buffer_limit" in k for k in r.info("stats"))


def test_normal_hard_limit_single_reply(start_server):
    """One reply at the limit drops the client; one under it goes through."""
    srv = start_server()
    r = srv.client()
    r.config_set("client-output-buffer-limit", "normal 1mb 0 0")
    r.set("under", "u" * 900000)
    r.set("over", "o" * 2000000)
    c = srv.raw()
    assert c.cmd("GET", "under") == b"u" * 900000
    c.send(RawConn.encode("GET", "over"))
    assert c.is_closed()
    c.close()
    # two replies that together pass the limit, in one pipeline
    c = srv.raw()
    c.send(RawConn.encode("GET", "under") * 2)
    assert c.is_closed()
    c.close()
    assert r.ping()


def test_tiny_limit_spares_small_replies(start_server):
    """Redis does not count the 16 KiB reply buffer every client has, so
    a limit of a few bytes still lets small replies through."""
    srv = start_server()
    r = srv.client()
    r.set("10k", "t" * 10000)
    r.set("100k", "h" * 100000)
    r.config_set("client-output-buffer-limit", "normal 1 1 0")
    c = srv.raw()
    assert c.cmd("PING") == b"PONG"
    assert c.cmd("GET", "10k") == b"t" * 10000
    assert r.config_get("client-output-buffer-limit")  # ~80 bytes: fine
    c.send(RawConn.encode("GET", "100k"))
    assert c.is_closed()
    c.close()


@pytest.mark.kilat_only
def test_hard_limit_is_exact(start_server):
    """kilat counts unsent bytes past the first 16 KiB in 20 KiB blocks (as
    Redis's reply list is counted): under a 100000-byte limit a reply of
    16 KiB + 4 blocks goes out, one byte more needs a fifth block and
    closes the client. (Redis's edge for one big reply is fuzzier: its
    single list node falls into one of jemalloc's size classes.)"""
    srv = start_server()
    r = srv.client()
    r.config_set("client-output-buffer-limit", "normal 100000 0 0")
    edge = 16384 + 4 * 20480
    hdr = len(b"$%d\r\n" % edge) + 2          # "$N\r\n" ... "\r\n"
    r.set("fits", "f" * (edge - hdr))
    r.set("over", "o" * (edge - hdr + 1))
    c = srv.raw()
    assert c.cmd("GET", "fits") == b"f" * (edge - hdr)
    c.send(RawConn.encode("GET", "over"))
    assert c.is_closed()
    c.close()


def test_normal_without_limit_keeps_the_client(start_server):
    srv = start_server()
    r = srv.client()
    r.set("big", "x" * 100000)
    s = slow_reader(srv)
    try:
        send_all(s, RawConn.encode("GET", "big") * 200)
        # its output is pending on the server, which goes on serving others
        assert wait_for(
            lambda: info_field(r, "clients", "client_recent_max_output_buffer") > 1000000,
            timeout=10)
        assert wait_for(lambda: info_field(r, "memory", "mem_clients_normal") > 10000000,
                        timeout=10)
        assert r.get("big") == b"x" * 100000
        assert info_field(r, "clients", "connected_clients") == 2
        assert read_replies(s, 200, 100000) == 200
    finally:
        s.close()
    assert LOG_LINE not in srv.output()


def test_slow_reader_buffer_shrinks_as_it_reads(start_server):
    """A client that reads most of a 20 MB backlog no longer holds the
    memory of all of it (kilat: its 32 MB buffer is compacted and halved)."""
    srv = start_server()
    r = srv.client()
    r.set("big", "x" * 100000)
    s = slow_reader(srv)
    try:
        send_all(s, RawConn.encode("GET", "big") * 200)
        assert wait_for(lambda: info_field(r, "memory", "mem_clients_normal") > 10000000,
                        timeout=10)
        assert read_replies(s, 150, 100000) == 150
        assert wait_for(lambda: info_field(r, "memory", "mem_clients_normal") < 24000000,
                        timeout=10)
        assert read_replies(s, 50, 100000) == 50
    finally:
        s.close()


def test_dropped_client_gives_its_memory_back(start_server):
    srv = start_server()
    r = srv.client()
    r.config_set("client-output-buffer-limit", "normal 32mb 8mb 60")
    r.set("big", "x" * (1 << 20))
    base = info_field(r, "memory", "used_memory")
    s = slow_reader(srv)
    try:
        send_all(s, RawConn.encode("GET", "big") * 100)   # 100 MB of replies
        assert closed_by_server(s)
    finally:
        s.close()
    assert wait_for(lambda: info_field(r, "clients", "connected_clients") == 1)
    assert wait_for(lambda: info_field(r, "memory", "used_memory") < base + (8 << 20))
    assert info_field(r, "memory", "used_memory_peak") < base + (64 << 20)


def test_normal_soft_limit_over_for_longer_than_seconds(start_server):
    srv = start_server()
    r = srv.client()
    r.config_set("client-output-buffer-limit", "normal 0 256kb 1")
    r.set("big", "x" * 100000)
    s = slow_reader(srv)
    try:
        send_all(s, RawConn.encode("GET", "big") * 200)   # well over 256kb
        # Redis counts whole seconds of its clock: more than 1 has passed
        # for sure after 2.5.
        time.sleep(2.5)
        send_all(s, RawConn.encode("PING"))                # the next reply
        assert closed_by_server(s)
    finally:
        s.close()
    assert wait_for(lambda: LOG_LINE in srv.output()), srv.output()[-2000:]


def test_normal_soft_limit_not_reached_keeps_the_client(start_server):
    srv = start_server()
    r = srv.client()
    r.config_set("client-output-buffer-limit", "normal 0 256kb 1")
    r.set("small", "y" * 20000)
    s = slow_reader(srv)
    try:
        send_all(s, RawConn.encode("GET", "small") * 5)    # 100 KB
        time.sleep(2.5)
        send_all(s, RawConn.encode("GET", "small"))
        assert read_replies(s, 6, 20000) == 6
    finally:
        s.close()
    assert LOG_LINE not in srv.output()


def test_soft_limit_clock_resets_when_the_client_catches_up(start_server):
    """Over the soft limit, then read everything: the clock starts again."""
    srv = start_server()
    r = srv.client()
    r.config_set("client-output-buffer-limit", "normal 0 256kb 1")
    r.set("big", "x" * 100000)
    s = slow_reader(srv)
    try:
        send_all(s, RawConn.encode("GET", "big") * 30)    # over soft
        assert read_replies(s, 30, 100000) == 30           # caught up
        send_all(s, RawConn.encode("GET", "big"))          # under again
        assert read_replies(s, 1, 100000) == 1
        time.sleep(2.5)
        send_all(s, RawConn.encode("GET", "big") * 30)     # over, fresh clock
        assert read_replies(s, 30, 100000) == 30
    finally:
        s.close()
    assert LOG_LINE not in srv.output()


def test_info_fields_idle(start_server):
    srv = start_server()
    r = srv.client()
    clients = r.info("clients")
    assert clients["client_recent_max_output_buffer"] == 0
    mem = r.info("memory")
    assert mem["mem_clients_slaves"] == 0
    assert "mem_clients_normal" in mem
    keys = list(mem)
    assert keys.index("mem_clients_slaves") + 1 == keys.index("mem_clients_normal")
    assert keys.index("mem_total_replication_buffers") + 1 == keys.index("mem_clients_slaves")


# ------------------------------------------------------- pubsub class
def test_pubsub_subscriber_that_never_reads(start_server):
    srv = start_server()
    r = srv.client()
    s = slow_reader(srv)
    try:
        s.sendall(RawConn.encode("SUBSCRIBE", "ch"))
        s.settimeout(5 * SLOW)
        assert s.recv(100).startswith(b"*3\r\n$9\r\nsubscribe\r\n")
        base = info_field(r, "memory", "used_memory")
        msg = b"m" * (1 << 20)
        peak, receivers = base, []
        for _ in range(100):                    # 100 MB in all
            receivers.append(r.publish("ch", msg))
            peak = max(peak, info_field(r, "memory", "used_memory"))
        # dropped at the pubsub class's hard limit (32 MB), not before 8
        assert receivers[0] == 1 and receivers[-1] == 0
        assert 8 <= receivers.count(1) <= 40
        assert peak < base + (64 << 20), (peak - base) >> 20
        assert closed_by_server(s)
        assert wait_for(lambda: info_field(r, "memory", "used_memory") < base + (8 << 20))
        assert info_field(r, "clients", "connected_clients") == 1
    finally:
        s.close()
    assert LOG_LINE in srv.output()
    assert r.ping()
