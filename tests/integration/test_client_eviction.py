"""Client eviction (maxmemory-clients): CONFIG SET/GET forms and errors,
the biggest clients closed when the clients' memory reaches the limit (a
big query buffer, a big output buffer, a big MULTI queue), small clients
kept, CLIENT NO-EVICT, the percentage form and its 128kb floor, and INFO
evicted_clients."""

import socket
import time

import pytest
import redis

from conftest import SLOW, closed_by_server, send_all as send_socket_all, wait_for

ERR = ("CONFIG SET failed (possibly related to argument "
       "'maxmemory-clients') - ")
BAD_VALUE = ERR + "argument must be a memory or percent value"
BAD_PERCENT = ERR + "percentage argument must be less or equal to 100"


def clients(r):
    return {c["name"]: c for c in r.client_list() if c["name"]}


def field(r, name, f):
    c = clients(r).get(name)
    return int(c[f]) if c else None


def evicted(r):
    return r.info("stats")["evicted_clients"]


def named_socket(srv, name, rcvbuf=None):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.connect((srv.host, srv.port))
    s.settimeout(10 * SLOW)
    n = name.encode()
    s.sendall(b"*3\r\n$6\r\nCLIENT\r\n$7\r\nSETNAME\r\n$%d\r\n%s\r\n" % (len(n), n))
    assert s.recv(100) == b"+OK\r\n"
    return s


def send_all(s, data, timeout=10):
    """conftest's send_all, the socket left with a timeout for reads."""
    sent = send_socket_all(s, data, timeout)
    s.settimeout(10 * SLOW)
    return sent


def partial_request(n):
    """A request whose one argument of n bytes never ends: its bytes stay
    in the query buffer."""
    return b"*2\r\n$%d\r\n" % n + b"v" * n


def fill_qbuf(r, srv, name, n, rcvbuf=None):
    """A client named `name` holding n bytes of a request in its query
    buffer (waits until the server has read them all)."""
    s = named_socket(srv, name, rcvbuf)
    send_all(s, partial_request(n))
    assert wait_for(lambda: (field(r, name, "qbuf") or 0) >= n)
    return s


def raw_watch(keys):
    """WATCH of these keys, as one request."""
    out = [b"*%d\r\n$5\r\nWATCH\r\n" % (len(keys) + 1)]
    for k in keys:
        k = k.encode()
        out.append(b"$%d\r\n%s\r\n" % (len(k), k))
    return b"".join(out)


# ------------------------------------------------------------- CONFIG
def test_config_forms_and_errors(r):
    assert r.config_get("maxmemory-clients") == {"maxmemory-clients": "0"}
    for value, shown in [("10%", "10%"), ("0%", "0"), ("100%", "100%"),
                         ("1gb", "1073741824"), ("128k", "128000"),
                         ("1KB", "1024"), ("3000000", "3000000"), ("", "0")]:
        assert r.config_set("maxmemory-clients", value)
        assert r.config_get("maxmemory-clients")["maxmemory-clients"] == shown
    r.config_set("maxmemory-clients", "5%")
    for value, err in [("101%", BAD_PERCENT), ("-1", BAD_VALUE), ("abc", BAD_VALUE),
                       ("-5%", BAD_VALUE), ("1.5%", BAD_VALUE), ("%", BAD_VALUE),
                       ("+5%", BAD_VALUE), ("1tb", BAD_VALUE), ("5%%", BAD_VALUE)]:
        with pytest.raises(Exception) as e:
            r.config_set("maxmemory-clients", value)
        assert str(e.value) == err, value
        assert r.config_get("maxmemory-clients")["maxmemory-clients"] == "5%"
    r.config_set("maxmemory-clients", "0")


def test_config_from_arguments(start_server):
    srv = start_server("--maxmemory-clients", "7%")
    assert srv.client().config_get("maxmemory-clients") == {"maxmemory-clients": "7%"}


def test_client_no_evict_errors(r):
    assert r.execute_command("CLIENT", "NO-EVICT", "ON") == b"OK"
    assert r.execute_command("CLIENT", "NO-EVICT", "off") == b"OK"
    with pytest.raises(Exception) as e:
        r.execute_command("CLIENT", "NO-EVICT", "maybe")
    assert str(e.value) == "syntax error"
    for args in [("CLIENT", "NO-EVICT"), ("CLIENT", "NO-EVICT", "on", "x")]:
        with pytest.raises(Exception) as e:
            r.execute_command(*args)
        assert str(e.value) == "wrong number of arguments for 'client|no-evict' command"


# ------------------------------------------------------------- eviction
def test_big_query_buffer_evicted_small_clients_survive(start_server):
    srv = start_server()
    r = srv.client()
    r.config_set("maxmemory-clients", "1mb")
    small = [srv.client() for _ in range(5)]
    for c in small:
        assert c.ping()
    big = named_socket(srv, "big")
    send_all(big, partial_request(2 * 1024 * 1024))
    assert closed_by_server(big)
    assert "big" not in clients(r)
    for c in small:
        assert c.ping()  # the same connections: not evicted
    assert evicted(r) == 1
    assert len(r.client_list()) == 6
    r.config_resetstat()
    assert evicted(r) == 0


def test_under_the_limit_nothing_is_evicted(start_server):
    srv = start_server()
    r = srv.client()
    r.config_set("maxmemory-clients", "2mb")
    s = fill_qbuf(r, srv, "half", 1024 * 1024)
    time.sleep(0.2)
    assert "half" in clients(r)
    assert evicted(r) == 0
    mem = field(r, "half", "tot-mem")
    assert 1024 * 1024 <= mem < 2 * 1024 * 1024
    s.close()


def test_big_output_buffer_evicted(start_server):
    srv = start_server()
    r = srv.client()
    r.setrange("k", 200000, "v")
    r.config_set("maxmemory-clients", "3mb")
    s = named_socket(srv, "reader", rcvbuf=4096)
    get = b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"
    seen = []
    for _ in range(200):  # never read: the replies pile up in the server
        if send_all(s, get, timeout=1) < len(get):
            break
        mem = field(r, "reader", "tot-mem")
        if mem is None:
            break
        seen.append(mem)
    assert closed_by_server(s)
    assert evicted(r) == 1
    assert max(seen) < 3 * 1024 * 1024  # closed before CLIENT LIST saw it over
    assert r.ping()


def test_multi_queue_counts(start_server):
    srv = start_server()
    r = srv.client()
    r.config_set("maxmemory-clients", "1mb")
    s = named_socket(srv, "queuer")
    s.sendall(b"*1\r\n$5\r\nMULTI\r\n")
    assert s.recv(100) == b"+OK\r\n"
    value = b"v" * 300000
    queued = 0
    for _ in range(10):
        if send_all(s, b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$%d\r\n%s\r\n" % (len(value), value)) \
                < len(value):
            break
        try:
            reply = s.recv(100)
        except OSError:
            break
        if reply != b"+QUEUED\r\n":
            break
        queued += 1
    assert 2 <= queued <= 3  # closed once the queue took the client over 1mb
    assert closed_by_server(s)
    assert "queuer" not in clients(r)
    assert evicted(r) == 1


def test_no_evict_exempts(start_server):
    srv = start_server()
    r = srv.client()
    r.execute_command("CLIENT", "NO-EVICT", "ON")
    r.config_set("maxmemory-clients", "1mb")
    s = named_socket(srv, "exempt")
    s.sendall(b"*3\r\n$6\r\nCLIENT\r\n$8\r\nNO-EVICT\r\n$2\r\nON\r\n")
    assert s.recv(100) == b"+OK\r\n"
    n = 2 * 1024 * 1024
    send_all(s, partial_request(n))
    assert wait_for(lambda: field(r, "exempt", "qbuf") == n)
    assert field(r, "exempt", "tot-mem") > 1024 * 1024
    assert "e" in clients(r)["exempt"]["flags"]
    time.sleep(0.2)
    assert "exempt" in clients(r)
    assert evicted(r) == 0
    # the exemption is the client's: lowering the limit changes nothing
    r.config_set("maxmemory-clients", "200kb")
    assert "exempt" in clients(r)
    assert evicted(r) == 0
    s.close()


def test_percentage_of_maxmemory(start_server):
    srv = start_server()
    r = srv.client()
    r.config_set("maxmemory", "10mb")
    r.config_set("maxmemory-clients", "10%")  # 1 MiB
    keep = fill_qbuf(r, srv, "keep", 600 * 1024)
    big = named_socket(srv, "big")
    send_all(big, partial_request(1200 * 1024))
    assert closed_by_server(big)
    assert "keep" in clients(r)
    assert evicted(r) == 1
    # a percentage of no maxmemory is no limit
    r.config_set("maxmemory", "0")
    big = fill_qbuf(r, srv, "big2", 2 * 1024 * 1024)
    time.sleep(0.2)
    assert "big2" in clients(r)
    assert evicted(r) == 1
    # setting maxmemory makes the limit apply at once
    r.config_set("maxmemory", "10mb")
    assert wait_for(lambda: "big2" not in clients(r))
    assert "keep" in clients(r)
    assert evicted(r) == 2
    keep.close()
    big.close()


def test_floor_of_128kb(start_server):
    srv = start_server()
    r = srv.client()
    small = [srv.client()]  # two small clients stay under 128kb
    for c in small:
        assert c.ping()
    r.config_set("maxmemory-clients", "1")  # acts as 128kb: small clients live
    time.sleep(0.2)
    for c in small:
        assert c.ping()
    assert evicted(r) == 0
    big = named_socket(srv, "big")
    send_all(big, partial_request(200 * 1024))
    assert closed_by_server(big)
    assert evicted(r) == 1
    for c in small:
        assert c.ping()


def test_lowering_the_limit_evicts_biggest_first(start_server):
    srv = start_server()
    r = srv.client()
    r.execute_command("CLIENT", "NO-EVICT", "ON")
    sizes = {"c1": 100 * 1024, "c2": 400 * 1024, "c3": 1600 * 1024}
    socks = [fill_qbuf(r, srv, name, n) for name, n in sizes.items()]
    mem = {name: field(r, name, "tot-mem") for name in sizes}
    # room for c1, c2 and this (exempt, but counted) control client
    r.config_set("maxmemory-clients", mem["c1"] + mem["c2"] + 64 * 1024)
    assert set(clients(r)) == {"c1", "c2"}
    assert evicted(r) == 1
    r.config_set("maxmemory-clients", mem["c1"] + 64 * 1024)
    assert set(clients(r)) == {"c1"}
    assert evicted(r) == 2
    # switched off: nothing more goes, whatever the clients hold
    r.config_set("maxmemory-clients", "0")
    c4 = fill_qbuf(r, srv, "c4", 2 * 1024 * 1024)
    assert set(clients(r)) == {"c1", "c4"}
    assert evicted(r) == 2
    for s in socks + [c4]:
        s.close()


def test_declared_big_bulk_counts_at_once(start_server):
    """A big bulk's buffer is taken when its length is read, so a client
    that announced 2 MB and sent 100 bytes of it is over a 1 MB limit."""
    srv = start_server()
    r = srv.client()
    s = named_socket(srv, "announcer")
    s.sendall(b"*2\r\n$3\r\nSET\r\n$2000000\r\n" + b"v" * 100)
    assert wait_for(lambda: (field(r, "announcer", "tot-mem") or 0) >= 2000000)
    assert field(r, "announcer", "qbuf") == 100
    assert field(r, "announcer", "argv-mem") == 3  # "SET", already parsed
    r.config_set("maxmemory-clients", "1mb")
    assert closed_by_server(s)
    assert evicted(r) == 1


def test_watched_keys_and_subscriptions_count(start_server):
    srv = start_server()
    r = srv.client()
    w = srv.client()
    w.client_setname("watcher")
    before = field(r, "watcher", "tot-mem")
    for i in range(0, 2000, 500):
        w.execute_command("WATCH", *["key:%d" % j for j in range(i, i + 500)])
    assert field(r, "watcher", "tot-mem") >= before + 2000 * 16
    p = srv.client()
    p.client_setname("subscriber")
    before = field(r, "subscriber", "tot-mem")
    p.execute_command("PSUBSCRIBE", *["p:%d:*" % j for j in range(2000)])
    assert field(r, "subscriber", "tot-mem") >= before + 2000 * 16
    # watching until over a 200kb limit closes the watcher
    r.config_set("maxmemory-clients", "200kb")
    s = named_socket(srv, "greedy")
    closed = False
    for i in range(0, 50000, 1000):
        cmd = raw_watch(["k%d" % j for j in range(i, i + 1000)])
        if send_all(s, cmd, timeout=1) < len(cmd):
            closed = True
            break
        try:
            if s.recv(100) != b"+OK\r\n":
                closed = True
                break
        except OSError:
            closed = True
            break
    assert closed
    assert "greedy" not in clients(r)
    assert evicted(r) >= 1

