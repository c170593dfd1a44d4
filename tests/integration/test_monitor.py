"""MONITOR: one status line per command run by any client, as Redis 7.0
feeds it. Lines are parsed with a regex: the timestamp and client ports
differ between servers, so each line is compared as (db, who, args) where
who is "lua", "unix:<path>" or "ip:port" checked against the connection's
own address. A monitor is synced by a marker: the client under test ends
with ECHO <marker>, and the lines before the marker's line are exactly what
the commands fed (feeding happens in command order, so nothing can be late).
"""

import re
import socket
import time

import pytest

from conftest import OK, Simple, Err, wait_for

LINE = re.compile(rb'^(\d+)\.(\d{6}) \[(\d+) (\S+)\] (.*)$')
ARG = re.compile(rb'"((?:[^"\\]|\\.)*)"')
KEYSPACE = "ERR Replica can't interact with the keyspace"


def parse(line):
    m = LINE.match(line)
    assert m, line
    args = m.group(5)
    parts = ARG.findall(args)
    # the args are exactly the quoted strings, separated by single spaces
    assert b" ".join(b'"%s"' % p for p in parts) == args, line
    return int(m.group(3)), m.group(4).decode(), [p.decode("latin1") for p in parts]


def addr(conn):
    host, port = conn.sock.getsockname()[:2]
    return "%s:%d" % (host, port)


def monitor(connect, srv=None):
    m = connect(srv) if srv else connect()
    assert m.cmd_raw("MONITOR") == OK
    return m


_marker = [0]


def lines_until(m, c, marker=None):
    """c sends ECHO <marker>; returns m's parsed lines before that line."""
    if marker is None:
        _marker[0] += 1
        marker = "sync-%d" % _marker[0]
        assert c.cmd("ECHO", marker) == marker.encode()
    out = []
    while True:
        v = m.read_reply()
        assert isinstance(v, Simple), v
        db, who, args = parse(bytes(v))
        if args == ["ECHO", marker]:
            return out
        out.append((db, who, args))


def feed(m, c, *cmds):
    """c runs cmds (replies discarded); returns (db, who, args) fed to m."""
    for cmd in cmds:
        c.cmd(*cmd)
    return lines_until(m, c)


def args_only(lines):
    return [a for _, _, a in lines]


# --------------------------------------------------------------- the line

def test_monitor_line_format(r, connect):
    m = connect()
    assert m.cmd_raw("MONITOR") == OK
    c = connect()
    c.cmd("SeT", "k", "v")
    c.cmd("get", "k")
    raw = m.read_reply()
    assert isinstance(raw, Simple)
    mt = LINE.match(bytes(raw))
    assert mt, raw
    assert abs(int(mt.group(1)) - time.time()) < 3600  # unix seconds
    assert parse(bytes(raw)) == (0, addr(c), ["SeT", "k", "v"])
    assert lines_until(m, c) == [(0, addr(c), ["get", "k"])]


def test_escaping_of_binary_args(r, connect):
    m = monitor(connect)
    c = connect()
    c.send(c.encode("set", b'a"b\\c\n\r\t\x07\x08\x01\x7f\xff \xc3\xa9', b""))
    assert c.read_reply() == Simple(b"OK")
    line = m.read_reply()
    assert bytes(line).split(b"] ", 1)[1] == \
        b'"set" "a\\"b\\\\c\\n\\r\\t\\a\\b\\x01\\x7f\\xff \\xc3\\xa9" ""'


def test_db_is_the_one_after_the_command(r, connect):
    m = monitor(connect)
    c = connect()
    lines = feed(m, c, ("SELECT", "3"), ("PING",), ("SELECT", "0"), ("SET", "a", "1"))
    assert [(db, a) for db, _, a in lines] == [
        (3, ["SELECT", "3"]), (3, ["PING"]), (0, ["SELECT", "0"]), (0, ["SET", "a", "1"])]


def test_rejected_commands_are_not_fed(r, connect):
    c = connect()
    c.cmd("SET", "s", "x")
    m = monitor(connect)
    lines = feed(m, c, ("nosuch", "x"), ("GET",), ("CONFIG", "nosuch"),
                 ("INCR", "s"), ("LPUSH", "s", "x"))
    # unknown command, arity, unknown subcommand: rejected, not shown; a
    # command that ran and failed (not an integer, WRONGTYPE) is shown
    assert args_only(lines) == [["INCR", "s"], ["LPUSH", "s", "x"]]


def test_noauth_rejected_not_fed(start_server):
    srv = start_server("--requirepass", "secret")
    m = srv.raw()
    assert m.cmd("AUTH", "secret") == Simple(b"OK")
    assert m.cmd_raw("MONITOR") == OK
    c = srv.raw()
    assert isinstance(c.cmd("SET", "a", "1"), Err)  # NOAUTH
    assert isinstance(c.cmd("AUTH", "wrong"), Err)
    assert c.cmd("AUTH", "secret") == Simple(b"OK")
    c.cmd("HELLO", "2", "AUTH", "default", "secret")
    c.cmd("SET", "a", "1")
    lines = lines_until(m, c)
    assert args_only(lines) == [["AUTH", "(redacted)"], ["AUTH", "(redacted)"],
                                ["HELLO", "2", "AUTH", "(redacted)", "(redacted)"],
                                ["SET", "a", "1"]]
    m.close()
    c.close()


def test_admin_commands_hidden(r, connect):
    m = monitor(connect)
    c = connect()
    other = connect()
    lines = feed(m, c,
                 ("CONFIG", "GET", "maxmemory"), ("CONFIG", "SET", "maxmemory", "0"),
                 ("CONFIG", "RESETSTAT"), ("CLIENT", "LIST"), ("CLIENT", "KILL", "ID", "999999"),
                 ("CLIENT", "NO-EVICT", "off"), ("CLIENT", "UNBLOCK", "999999"),
                 ("DEBUG", "SLEEP", "0"),
                 ("CLIENT", "SETNAME", "foo"), ("CLIENT", "GETNAME"), ("CLIENT", "ID"),
                 ("INFO", "server"), ("CONFIG", "HELP"), ("LASTSAVE",), ("PING",))
    assert args_only(lines) == [["CLIENT", "SETNAME", "foo"], ["CLIENT", "GETNAME"],
                                ["CLIENT", "ID"], ["INFO", "server"], ["CONFIG", "HELP"],
                                ["LASTSAVE"], ["PING"]]
    # MONITOR itself is not shown (admin); c sees other clients from then on
    assert c.cmd_raw("MONITOR") == OK
    other.cmd("SET", "x", "1")
    marker = "sync-%d" % (_marker[0] + 1)
    assert args_only(lines_until(c, other)) == [["SET", "x", "1"]]
    assert args_only(lines_until(m, other, marker)) == [["SET", "x", "1"]]


def test_auth_and_hello_redaction(r, connect):
    m = monitor(connect)
    c = connect()
    cmds = [("auth", "a", "b", "c"), ("auth", "p"), ("AUTH", "x", "y"),
            ("hello", "4", "auth", "default", "pw"), ("hello", "x", "auth", "default", "pw"),
            ("hello", "3", "auth", "default"),
            ("hello", "3", "setname", "n", "auth", "default", "pw"),
            ("hello", "3", "bogus", "auth", "default", "pw"),
            ("hello", "3", "auth", "u", "p", "setname", "a b"),
            ("hello", "2", "auth", "u", "p", "auth", "v", "w"),
            ("hello", "2", "auth", "default", "p", "auth", "default", "w"),
            ("hello", "auth", "u", "p"),
            ("hello", "2", "setname", "x y", "auth", "u", "p"),
            ("hello", "2", "SETNAME")]
    R = "(redacted)"
    assert args_only(feed(m, c, *cmds)) == [
        ["auth", "a", "b", "c"],  # syntax error comes first: not redacted
        ["auth", R], ["AUTH", R, R],
        ["hello", "4", "auth", "default", "pw"],
        ["hello", "x", "auth", "default", "pw"],
        ["hello", "3", "auth", "default"],
        ["hello", "3", "setname", "n", "auth", R, R],
        ["hello", "3", "bogus", "auth", "default", "pw"],
        ["hello", "3", "auth", R, R, "setname", "a b"],
        ["hello", "2", "auth", R, R, "auth", "v", "w"],  # the first AUTH failed
        ["hello", "2", "auth", R, R, "auth", R, R],
        ["hello", "auth", "u", "p"],
        ["hello", "2", "setname", "x y", "auth", "u", "p"],
        ["hello", "2", "SETNAME"]]


def test_hello_options_apply_in_order(r, raw):
    # a failed AUTH is reported before a later bad SETNAME
    assert raw.cmd("HELLO", "3", "AUTH", "u", "p", "SETNAME", "a b") == \
        Err(b"WRONGPASS invalid username-password pair or user is disabled.")
    assert raw.cmd("HELLO", "3", "AUTH", "default", "p", "SETNAME", "a b") == \
        Err(b"ERR Client names cannot contain spaces, newlines or special characters.")


# ----------------------------------------------------- transactions, scripts

def test_multi_exec_order(r, connect):
    m = monitor(connect)
    c = connect()
    lines = feed(m, c, ("MULTI",), ("SET", "a", "1"), ("INCR", "a"),
                 ("CONFIG", "GET", "maxmemory"), ("SET", "s", "x"), ("INCR", "s"), ("EXEC",))
    # queued commands appear when EXEC runs them, EXEC after them
    assert args_only(lines) == [["MULTI"], ["SET", "a", "1"], ["INCR", "a"],
                                ["SET", "s", "x"], ["INCR", "s"], ["EXEC"]]
    lines = feed(m, c, ("MULTI",), ("nosuch",), ("SET", "a", "2"), ("EXEC",),
                 ("MULTI",), ("SET", "a", "3"), ("DISCARD",))
    assert args_only(lines) == [["MULTI"], ["EXEC"], ["MULTI"], ["DISCARD"]]
    assert r.get("a") == b"2"


def test_exec_of_blocking_and_select(r, connect):
    m = monitor(connect)
    c = connect()
    lines = feed(m, c, ("MULTI",), ("BLPOP", "nolist", "1"), ("SELECT", "5"),
                 ("SET", "k", "v"), ("EXEC",))
    assert [(db, a) for db, _, a in lines] == [
        (0, ["MULTI"]), (0, ["BLPOP", "nolist", "1"]), (5, ["SELECT", "5"]),
        (5, ["SET", "k", "v"]), (5, ["EXEC"])]


def test_eval_line_before_its_script_commands(r, connect):
    m = monitor(connect)
    c = connect()
    me = addr(c)
    script = "redis.call('set','x','1') return redis.call('get','x')"
    lines = feed(m, c, ("EVAL", script, "0"))
    assert lines == [(0, me, ["EVAL", script, "0"]), (0, "lua", ["set", "x", "1"]),
                     (0, "lua", ["get", "x"])]
    s2 = "redis.call('select','2') return redis.call('set','z','1')"
    lines = feed(m, c, ("eval", s2, "0"), ("PING",))
    assert lines == [(0, me, ["eval", s2, "0"]), (2, "lua", ["select", "2"]),
                     (2, "lua", ["set", "z", "1"]), (0, me, ["PING"])]


def test_eval_always_fed_script_rejections_not(r, connect):
    c = connect()
    c.cmd("SET", "str", "v")
    m = monitor(connect)
    cmds = [("EVALSHA", "0" * 40, "0"), ("EVAL", "syntax error here", "0"),
            ("EVAL", "error('boom')", "0"), ("EVAL", "return 1", "-1"),
            ("EVAL", "return 1", "5"),
            ("EVAL", "return redis.pcall('lpush','str','x')", "0"),
            ("EVAL", "return redis.pcall('config','get','maxmemory')", "0"),
            ("EVAL", "return redis.pcall('get')", "0"),
            ("EVAL", "return redis.pcall('nosuch')", "0"),
            ("EVAL", "return redis.pcall('monitor')", "0"),
            ("EVAL_RO", "return redis.call('get','str')", "0")]
    lines = feed(m, c, *cmds)
    expect = []
    for cmd in cmds:
        expect.append(list(cmd))
        if "lpush" in cmd[1]:
            expect.append(["lpush", "str", "x"])  # ran, WRONGTYPE
        if "get','str'" in cmd[1]:
            expect.append(["get", "str"])
    assert args_only(lines) == expect
    sha = c.cmd("SCRIPT", "LOAD", "return redis.call('ping')").decode()
    lines = feed(m, c, ("EVALSHA", sha, "0"))
    assert args_only(lines) == [["SCRIPT", "LOAD", "return redis.call('ping')"],
                                ["EVALSHA", sha, "0"], ["ping"]]
    assert [w for _, w, _ in lines] == [addr(c), addr(c), "lua"]
    assert c.cmd("EVAL", "return redis.pcall('monitor')", "0") == \
        Err(b"ERR This Redis command is not allowed from script")


def test_blocked_command_fed_once(r, connect):
    m = monitor(connect)
    b = connect()
    c = connect()
    b.send_command("BLPOP", "bl", "0")
    # BLPOP is fed when it runs (and blocks)
    line = m.read_reply()
    assert parse(bytes(line)) == (0, addr(b), ["BLPOP", "bl", "0"])
    c.cmd("RPUSH", "bl", "1")
    assert b.read_reply() == [b"bl", b"1"]
    # served later: not fed again
    assert lines_until(m, c) == [(0, addr(c), ["RPUSH", "bl", "1"])]
    b.cmd("PING")
    assert lines_until(m, b) == [(0, addr(b), ["PING"])]


# --------------------------------------------------------- the monitor client

def test_monitor_client_context(r, connect):
    m = monitor(connect)
    me = addr(m)
    for cmd in (("GET", "x"), ("SET", "x", "1"), ("DBSIZE",), ("KEYS", "*"),
                ("PUBLISH", "ch", "m"), ("SPUBLISH", "ch", "m"), ("EVAL", "return 1", "0"), ("EVAL_RO", "return 1", "0"),
                ("EVALSHA", "0" * 40, "0"), ("FLUSHALL",), ("SCAN", "0")):
        assert m.cmd_raw(*cmd) == b"-%s\r\n" % KEYSPACE.encode(), cmd
    # other commands run, and the monitor sees its own lines after replies
    assert m.cmd_raw("PING") == b"+PONG\r\n"
    assert parse(bytes(m.read_reply())) == (0, me, ["PING"])
    # SCRIPT LOAD / EXISTS / FLUSH do not touch the keyspace
    assert m.cmd_raw("SCRIPT", "LOAD", "return 1") == \
        b"$40\r\ne0e1f9fabfc9d4800c877a703b823ac0578ff8db\r\n"
    assert parse(bytes(m.read_reply()))[2] == ["SCRIPT", "LOAD", "return 1"]
    assert m.cmd_raw("SCRIPT", "FLUSH") == OK
    assert parse(bytes(m.read_reply()))[2] == ["SCRIPT", "FLUSH"]
    assert m.cmd_raw("ECHO", "e") == b"$1\r\ne\r\n"
    assert parse(bytes(m.read_reply())) == (0, me, ["ECHO", "e"])
    # MONITOR again: no reply at all (the next thing is PING's)
    m.send_command("MONITOR")
    assert m.cmd_raw("PING") == b"+PONG\r\n"
    assert parse(bytes(m.read_reply())) == (0, me, ["PING"])
    assert m.cmd_raw("SELECT", "1") == OK
    assert parse(bytes(m.read_reply())) == (1, me, ["SELECT", "1"])
    # inside MULTI keyspace commands are refused at queue time
    assert m.cmd_raw("MULTI") == OK
    m.read_reply()
    assert m.cmd_raw("GET", "x") == b"-%s\r\n" % KEYSPACE.encode()
    assert m.cmd_raw("EXEC") == \
        b"-EXECABORT Transaction discarded because of previous errors.\r\n"
    assert args_only([parse(bytes(m.read_reply()))]) == [["EXEC"]]


def test_monitor_inside_multi_refused(r, connect):
    c = connect()
    assert c.cmd_raw("MULTI") == OK
    assert c.cmd_raw("MONITOR") == b"+QUEUED\r\n"
    assert c.cmd_raw("EXEC") == \
        b"*1\r\n-ERR MONITOR isn't allowed for DENY BLOCKING client\r\n"
    assert c.cmd_raw("SET", "a", "1") == OK  # not a monitor


def test_monitor_resp3_is_status_line(r, connect):
    m = connect()
    m.cmd("HELLO", "3")
    assert m.cmd_raw("MONITOR") == OK
    c = connect()
    c.cmd("SET", "k", "v3")
    frame = m.read_reply_raw()
    assert frame.startswith(b"+") and frame.endswith(b'] "SET" "k" "v3"\r\n')


def test_subscriber_cannot_monitor_but_monitor_can_subscribe(r, connect):
    s = connect()
    s.cmd("SUBSCRIBE", "c")
    assert s.cmd_raw("MONITOR") == (
        b"-ERR Can't execute 'monitor': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / "
        b"PING / QUIT / RESET are allowed in this context\r\n")
    m = monitor(connect)
    assert m.cmd("SUBSCRIBE", "ch") == [b"subscribe", b"ch", 1]
    assert parse(bytes(m.read_reply()))[2] == ["SUBSCRIBE", "ch"]
    c = connect()
    info = c.cmd("CLIENT", "LIST").decode()
    line = [ln for ln in info.split("\n") if "addr=%s " % addr(m) in ln][0]
    assert " flags=OP " in line


def test_client_list_flag_and_type(r, connect):
    m = monitor(connect)
    c = connect()
    listing = c.cmd("CLIENT", "LIST").decode()
    line = [ln for ln in listing.split("\n") if "addr=%s " % addr(m) in ln][0]
    assert " flags=O " in line and " cmd=monitor " in line
    # a monitor is a normal client to CLIENT LIST/KILL TYPE
    assert "addr=%s " % addr(m) in c.cmd("CLIENT", "LIST", "TYPE", "normal").decode()
    assert c.cmd("CLIENT", "LIST", "TYPE", "replica") == b""
    assert c.cmd("CLIENT", "KILL", "TYPE", "replica") == 0


def test_reset_ends_monitor_mode(r, connect):
    m = monitor(connect)
    watcher = monitor(connect)
    c = connect()
    assert m.cmd_raw("RESET") == b"+RESET\r\n"
    info = m.cmd("CLIENT", "INFO").decode()
    assert " flags=N " in info
    assert m.cmd("SET", "x", "1") == Simple(b"OK")  # keyspace allowed again
    c.cmd("SET", "y", "2")
    # watcher got everything; m got nothing more than its replies
    assert args_only(lines_until(watcher, c)) == [
        ["RESET"], ["CLIENT", "INFO"], ["SET", "x", "1"], ["SET", "y", "2"]]
    assert m.cmd_raw("PING") == b"+PONG\r\n"
    assert m.read_available(0.1) == b""


def test_quit_from_monitor(r, connect):
    m = monitor(connect)
    watcher = monitor(connect)
    m.send_command("QUIT")
    assert m.read_reply_raw() == OK
    assert m.is_closed()
    assert m.buf == b""  # no line for its own QUIT after +OK
    c = connect()
    assert args_only(lines_until(watcher, c)) == [["QUIT"]]


def test_client_reply_off_silences_the_feed(r, connect):
    m = connect()
    m.send_command("CLIENT", "REPLY", "OFF")
    m.send_command("MONITOR")
    c = connect()
    c.cmd("SET", "a", "1")
    assert m.cmd_raw("CLIENT", "REPLY", "ON") == OK
    assert parse(bytes(m.read_reply()))[2] == ["CLIENT", "REPLY", "ON"]
    c.cmd("SET", "b", "2")
    assert args_only(lines_until(m, c)) == [["SET", "b", "2"]]


def test_two_monitors_and_one_disconnecting(r, server, connect):
    m1 = monitor(connect)
    m2 = monitor(connect)
    c = connect()
    a = feed(m1, c, ("SET", "a", "1"), ("LPUSH", "l", "x"))
    b = lines_until(m2, c, "sync-%d" % _marker[0])
    assert a == b and args_only(a) == [["SET", "a", "1"], ["LPUSH", "l", "x"]]
    m1.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    m1.close()  # abrupt (RST)
    for i in range(50):
        c.cmd("SET", "k%d" % i, "v")
    got = lines_until(m2, c)
    assert len(got) == 50
    assert wait_for(lambda: c.cmd("CLIENT", "LIST").decode().count(" flags=O ") == 1)
    assert c.cmd("PING") == Simple(b"PONG")


def test_unix_socket_client(start_server, tmp_path):
    path = str(tmp_path / "mon.sock")
    srv = start_server("--unixsocket", path)
    m = srv.raw()
    assert m.cmd_raw("MONITOR") == OK
    u = socket.socket(socket.AF_UNIX)
    u.connect(path)
    u.sendall(b"*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n")
    assert u.recv(100) == b"$2\r\nhi\r\n"
    assert parse(bytes(m.read_reply())) == (0, "unix:" + path, ["ECHO", "hi"])
    u.close()
    m.close()


# ------------------------------------------------------------ output buffers

def _flood(srv, m, limit):
    """A monitor that never reads, 10 MB of SETs fed to it, under `limit`:
    returns whether the monitor is still connected afterwards."""
    c = srv.client()
    assert c.config_set("client-output-buffer-limit", limit)
    big = "x" * 100000
    p = c.pipeline(transaction=False)
    for _ in range(100):
        p.set("k", big)
    p.execute()
    assert c.ping()
    listing = c.client_list()
    alive = any(cl["addr"] == addr(m) for cl in listing)
    c.close()
    return alive


def test_monitor_uses_normal_obuf_class(start_server):
    # Redis 7.0 marks a monitor as a replica but classes it as a normal
    # client for output-buffer limits: the replica limit does not drop it,
    # the normal one does, and the server keeps serving
    srv = start_server()
    m = srv.raw()
    m.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    assert m.cmd_raw("MONITOR") == OK
    assert _flood(srv, m, "slave 1mb 0 0") is True
    assert _flood(srv, m, "replica 0 0 0 normal 1mb 0 0") is False
    c = srv.client()
    assert c.set("after", "1") and c.get("after") == b"1"
    c.close()
    m.close()


def test_hello_auth_applies_before_a_bad_option(start_server):
    # HELLO's AUTH authenticates at once: a later bad option fails the
    # command but the connection stays authenticated (Redis 7.0)
    srv = start_server("--requirepass", "pw")
    c = srv.raw()
    assert c.cmd("HELLO", "3", "AUTH", "default", "pw", "BOGUS") == \
        Err(b"ERR Syntax error in HELLO option 'BOGUS'")
    assert c.cmd_raw("SET", "x", "1") == OK
    assert re.search(rb" resp=2\s", c.cmd("CLIENT", "INFO"))  # HELLO failed: RESP2
    c.close()
