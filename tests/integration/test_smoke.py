"""Harness smoke tests: the server starts, answers, and the helpers work."""
from conftest import Simple, Err


def test_ping_via_client(r):
    assert r.ping() is True


def test_raw_ping(raw):
    raw.send(b"*1\r\n$4\r\nPING\r\n")
    assert raw.read_reply_raw() == b"+PONG\r\n"
    raw.send(b"PING\r\n")
    v = raw.read_reply()
    assert v == b"PONG" and isinstance(v, Simple)


def test_start_server_factory(start_server):
    srv = start_server("--databases", "4")
    c = srv.client()
    assert c.ping()
    c.close()


def test_cli(cli, r):
    r.set("k", "v")
    p = cli("get", "k")
    assert p.returncode == 0
    assert p.stdout == b"v\n"
