"""CLIENT LIST as other modules see a client: transaction (x, d, multi=),
subscriptions (P, sub/psub/ssub), blocked (b), and the command shown in
cmd= (the last one looked up: queued, rejected or unknown as well)."""

import time


def fields(r, name, keys=("flags", "sub", "psub", "ssub", "multi", "cmd")):
    for d in r.client_list():
        if d.get("name") == name:
            return {k: d[k] for k in keys}
    raise AssertionError("no client named %s" % name)


def test_transaction_flags_and_cmd(r, connect):
    a = connect()
    assert a.cmd("CLIENT", "SETNAME", "a") == b"OK"
    assert a.cmd("WATCH", "k") == b"OK"
    assert fields(r, "a") == {"flags": "N", "sub": "0", "psub": "0", "ssub": "0",
                              "multi": "-1", "cmd": "watch"}
    r.set("k", "1")
    assert fields(r, "a")["flags"] == "d"
    assert a.cmd("MULTI") == b"OK"
    assert a.cmd("GET", "k") == b"QUEUED"
    # a transaction bound to fail queues nothing; cmd= is the queued command
    assert fields(r, "a") == {"flags": "xd", "sub": "0", "psub": "0", "ssub": "0",
                              "multi": "0", "cmd": "get"}
    assert a.cmd("EXEC") is None
    assert fields(r, "a")["flags"] == "N"
    assert a.cmd("MULTI") == b"OK"
    assert a.cmd("GET", "k") == b"QUEUED"
    assert a.cmd("GET", "k") == b"QUEUED"
    assert fields(r, "a")["multi"] == "2"
    assert a.cmd("DISCARD") == b"OK"


def test_cmd_field_after_rejections(r, connect):
    a = connect()
    assert a.cmd("CLIENT", "SETNAME", "a") == b"OK"
    a.cmd("NOSUCHCOMMAND")
    assert fields(r, "a")["cmd"] == "NULL"
    a.cmd("GET")  # wrong arity: still the command looked up
    assert fields(r, "a")["cmd"] == "get"
    a.cmd("CONFIG", "NOSUCH")
    assert fields(r, "a")["cmd"] == "NULL"
    a.cmd("CONFIG", "GET")
    assert fields(r, "a")["cmd"] == "config|get"


def test_subscriber_flags(r, connect):
    s = connect()
    assert s.cmd("CLIENT", "SETNAME", "s") == b"OK"
    s.send_command("HELLO", "3")
    s.read_reply()
    for c in (("SUBSCRIBE", "x", "y"), ("PSUBSCRIBE", "p*"), ("SSUBSCRIBE", "sh")):
        s.send_command(*c)
        for _ in c[1:]:
            s.read_reply()
    assert fields(r, "s") == {"flags": "P", "sub": "2", "psub": "1", "ssub": "1",
                              "multi": "-1", "cmd": "ssubscribe"}


def test_blocked_flag(r, connect):
    b = connect()
    assert b.cmd("CLIENT", "SETNAME", "b") == b"OK"
    b.send_command("BLPOP", "q", "0")
    deadline = time.time() + 10
    while fields(r, "b")["cmd"] != "blpop" and time.time() < deadline:
        time.sleep(0.02)
    assert fields(r, "b")["flags"] == "b"
    r.rpush("q", "v")
    assert b.read_reply() == [b"q", b"v"]
    assert fields(r, "b")["flags"] == "N"


def test_client_list_inside_exec(connect):
    """Run inside EXEC, CLIENT LIST shows the transaction still open: flag x,
    the queue's length, and cmd=exec."""
    a = connect()
    assert a.cmd("CLIENT", "SETNAME", "a") == b"OK"
    assert a.cmd("MULTI") == b"OK"
    assert a.cmd("CLIENT", "LIST") == b"QUEUED"
    listing = a.cmd("EXEC")[0].decode()
    line = [l for l in listing.splitlines() if " name=a " in l][0]
    d = dict(kv.split("=", 1) for kv in line.split(" "))
    assert (d["flags"], d["multi"], d["cmd"]) == ("x", "1", "exec")
