"""Connection commands: PING ECHO QUIT RESET and CLIENT subcommands."""

import re
import time

import pytest

from conftest import (OK, NIL, SYNTAX, bulk, integer, err, wrong_args,
                      Simple, Map, Verbatim, wait_for)
from test_strings import run

BAD_NAME = err("ERR Client names cannot contain spaces, newlines or special "
               "characters.")


def parse_client_line(line):
    line = bytes(line).decode()
    assert not line.endswith("\n")
    out = {}
    for field in line.split(" "):
        k, _, v = field.partition("=")
        out[k] = v
    return out


def client_info(conn):
    rep = conn.cmd("CLIENT", "INFO")
    assert isinstance(rep, bytes) and rep.endswith(b"\n")
    return parse_client_line(rep[:-1])


def client_list(conn, *args):
    rep = conn.cmd("CLIENT", "LIST", *args)
    assert isinstance(rep, bytes)
    if rep == b"":
        return []
    assert rep.endswith(b"\n")
    return [parse_client_line(l) for l in rep[:-1].split(b"\n")]


# ------------------------------------------------------------ PING / ECHO

def test_ping_echo(raw):
    run(raw, [("PING", b"+PONG\r\n"), ("PING hello", bulk("hello")),
              (["PING", ""], bulk("")),
              ("PING a b", wrong_args("ping")),
              ("ECHO hi", bulk("hi")), (["ECHO", ""], bulk("")),
              (["ECHO", b"\x00\xff\r\n"], bulk(b"\x00\xff\r\n")),
              ("ECHO", wrong_args("echo")),
              ("ECHO a b", wrong_args("echo"))])


def test_ping_in_resp3(raw):
    raw.cmd("HELLO", "3")
    run(raw, [("PING", b"+PONG\r\n"), ("PING x", bulk("x"))])


# -------------------------------------------------------------------- QUIT

def test_quit(raw):
    raw.send(b"QUIT\r\n")
    assert raw.read_reply_raw() == OK
    assert raw.is_closed()


def test_quit_multibulk_and_pipelined_rest_ignored(raw, r):
    raw.send(b"*1\r\n$4\r\nQUIT\r\nSET after quit\r\n")
    assert raw.read_reply_raw() == OK
    assert raw.is_closed()
    assert r.get("after") is None


def test_quit_replies_flushed_first(raw):
    raw.send(b"PING\r\nECHO x\r\nQUIT\r\n")
    assert raw.read_reply_raw() == b"+PONG\r\n"
    assert raw.read_reply_raw() == bulk("x")
    assert raw.read_reply_raw() == OK
    assert raw.is_closed()


def test_quit_with_args(raw):
    raw.send(b"QUIT now\r\n")
    assert raw.read_reply_raw() == OK
    assert raw.is_closed()


# ------------------------------------------------------------------- RESET

def test_reset(raw):
    cid = raw.cmd("CLIENT", "ID")
    raw.cmd("HELLO", "3", "SETNAME", "n")
    run(raw, [("SELECT 3", OK)])
    raw.send(b"RESET\r\n")
    assert raw.read_reply_raw() == b"+RESET\r\n"
    info = client_info(raw)
    assert info["db"] == "0"
    assert info["name"] == ""
    assert info["resp"] == "2"
    assert int(info["id"]) == cid          # same connection
    run(raw, [("GET nokey", NIL), ("CLIENT GETNAME", NIL)])


def test_reset_turns_replies_back_on(raw):
    raw.send(b"CLIENT REPLY OFF\r\nRESET\r\nPING\r\n")
    assert raw.read_reply_raw() == b"+RESET\r\n"
    assert raw.read_reply_raw() == b"+PONG\r\n"


def test_reset_in_resp3_replies_simple_string(raw):
    raw.cmd("HELLO", "3")
    raw.send(b"RESET\r\n")
    assert raw.read_reply_raw() == b"+RESET\r\n"


def test_reset_deauthenticates(start_server):
    srv = start_server("--requirepass", "pw")
    c = srv.raw()
    try:
        run(c, [("AUTH pw", OK), ("SET k v", OK), ("RESET", b"+RESET\r\n"),
                ("GET k", err("NOAUTH Authentication required.")),
                ("RESET", b"+RESET\r\n"),
                ("AUTH pw", OK), ("GET k", bulk("v"))])
    finally:
        c.close()


def test_reset_wrong_args(raw):
    run(raw, [("RESET x", wrong_args("reset"))])


# ------------------------------------------------------- CLIENT ID / NAME

def test_client_id(raw, connect):
    a = raw.cmd("CLIENT", "ID")
    b = connect().cmd("CLIENT", "ID")
    c = connect().cmd("CLIENT", "ID")
    assert isinstance(a, int) and a > 0
    assert a < b < c
    assert raw.cmd("CLIENT", "ID") == a
    run(raw, [("CLIENT ID x", wrong_args("client|id"))])


def test_client_setname_getname(raw):
    run(raw, [("CLIENT GETNAME", NIL),
              ("CLIENT SETNAME foo", OK), ("CLIENT GETNAME", bulk("foo")),
              ("CLIENT SETNAME a-b_c:d!~{}[]", OK),
              ("CLIENT GETNAME", bulk("a-b_c:d!~{}[]")),
              (["CLIENT", "SETNAME", ""], OK), ("CLIENT GETNAME", NIL),
              ("client setname Bar", OK), ("client getname", bulk("Bar")),
              ("CLIENT SETNAME", wrong_args("client|setname")),
              ("CLIENT SETNAME a b", wrong_args("client|setname")),
              ("CLIENT GETNAME x", wrong_args("client|getname"))])


@pytest.mark.parametrize("name", [b"a b", b"a\nb", b"a\rb", b"a\x7fb",
                                  b"a\x01b", "\u00e9".encode(), b" ",
                                  b"a\x00b", b"\xff"])
def test_client_setname_invalid(raw, name):
    run(raw, [("CLIENT SETNAME good", OK),
              (["CLIENT", "SETNAME", name], BAD_NAME),
              ("CLIENT GETNAME", bulk("good"))])


# ------------------------------------------------------ CLIENT LIST / INFO

LIST_FIELDS = ["id", "addr", "laddr", "fd", "name", "age", "idle", "flags",
               "db", "sub", "psub", "multi", "qbuf", "qbuf-free",
               "argv-mem", "obl", "oll", "omem", "tot-mem", "events", "cmd",
               "user", "redir", "resp"]
INT_FIELDS = ["id", "fd", "age", "idle", "db", "sub", "psub", "multi",
              "qbuf", "qbuf-free", "argv-mem", "obl", "oll", "omem",
              "tot-mem", "redir", "resp"]


def test_client_info_fields(raw, server):
    raw.cmd("CLIENT", "SETNAME", "me")
    raw.cmd("SELECT", "2")
    info = client_info(raw)
    for f in LIST_FIELDS:
        assert f in info, f
    for f in INT_FIELDS:
        assert re.fullmatch(r"-?\d+", info[f]), (f, info[f])
    assert int(info["id"]) == raw.cmd("CLIENT", "ID")
    host, port = info["addr"].rsplit(":", 1)
    assert host == "127.0.0.1"
    assert int(port) == raw.sock.getsockname()[1]
    assert info["laddr"] == "127.0.0.1:%d" % server.port
    assert info["name"] == "me"
    assert info["db"] == "2"
    assert info["flags"] == "N"
    assert info["multi"] == "-1"
    assert info["sub"] == "0" and info["psub"] == "0"
    assert info["cmd"] == "client|info"
    assert info["user"] == "default"
    assert info["resp"] == "2"
    assert info["redir"] == "-1"
    assert info["events"] == "r"


def test_client_list_sees_all_clients(raw, connect):
    others = [connect() for _ in range(3)]
    ids = [o.cmd("CLIENT", "ID") for o in others]
    others[0].cmd("CLIENT", "SETNAME", "zero")
    others[1].cmd("HELLO", "3")
    others[2].cmd("SELECT", "9")
    mine = raw.cmd("CLIENT", "ID")
    lst = client_list(raw)
    by_id = {int(c["id"]): c for c in lst}
    for i in ids + [mine]:
        assert i in by_id
    for c in lst:
        for f in LIST_FIELDS:
            assert f in c, f
    assert by_id[ids[0]]["name"] == "zero"
    assert by_id[ids[0]]["cmd"] == "client|setname"
    assert by_id[ids[1]]["resp"] == "3"
    assert by_id[ids[1]]["cmd"] == "hello"
    assert by_id[ids[2]]["db"] == "9"
    assert by_id[ids[2]]["cmd"] == "select"
    assert by_id[mine]["cmd"] == "client|list"
    # a closed client disappears from the list
    others[0].close()
    assert wait_for(lambda: ids[0] not in
                    {int(c["id"]) for c in client_list(raw)})


def test_client_list_filters(raw, connect):
    other = connect()
    oid = other.cmd("CLIENT", "ID")
    mine = raw.cmd("CLIENT", "ID")
    lst = client_list(raw, "ID", oid, mine, 999999999)
    assert sorted(int(c["id"]) for c in lst) == sorted([oid, mine])
    assert client_list(raw, "ID", 999999999) == []
    assert len(client_list(raw, "TYPE", "normal")) >= 2
    assert len(client_list(raw, "TYPE", "NORMAL")) >= 2
    for t in ("master", "replica", "pubsub", "slave"):
        assert raw.cmd_raw("CLIENT", "LIST", "TYPE", t) == b"$0\r\n\r\n"
    run(raw, [("CLIENT LIST TYPE foo", err("ERR Unknown client type 'foo'")),
              ("CLIENT LIST ID x", err("ERR Invalid client ID")),
              ("CLIENT LIST ID 0", b"$0\r\n\r\n"),
              ("CLIENT LIST FOO", SYNTAX),
              ("CLIENT LIST TYPE", SYNTAX)])


def test_client_list_age_and_idle(raw, connect):
    other = connect()
    oid = other.cmd("CLIENT", "ID")
    time.sleep(1.1)
    c = [x for x in client_list(raw, "ID", oid)][0]
    assert int(c["age"]) >= 1
    assert int(c["idle"]) >= 1
    other.cmd("PING")
    c = [x for x in client_list(raw, "ID", oid)][0]
    assert int(c["idle"]) == 0
    assert c["cmd"] == "ping"


# -------------------------------------------------------------- CLIENT KILL

def _addr(conn):
    return client_info(conn)["addr"]


def test_client_kill_by_id(raw, connect):
    victim = connect()
    vid = victim.cmd("CLIENT", "ID")
    run(raw, [("CLIENT KILL ID %d" % vid, integer(1))])
    assert victim.is_closed()
    run(raw, [("CLIENT KILL ID %d" % vid, integer(0)),
              ("CLIENT KILL ID 999999999", integer(0))])


def test_client_kill_old_form(raw, connect):
    victim = connect()
    addr = _addr(victim)
    run(raw, [("CLIENT KILL %s" % addr, OK)])
    assert victim.is_closed()
    run(raw, [("CLIENT KILL %s" % addr, err("ERR No such client")),
              ("CLIENT KILL 1.2.3.4:5", err("ERR No such client"))])


def test_client_kill_by_addr_and_laddr(raw, connect, server):
    victim = connect()
    run(raw, [("CLIENT KILL ADDR %s" % _addr(victim), integer(1))])
    assert victim.is_closed()
    run(raw, [("CLIENT KILL ADDR 1.2.3.4:5", integer(0)),
              ("CLIENT KILL LADDR 1.2.3.4:5", integer(0))])
    v2, v3 = connect(), connect()
    for v in (v2, v3):
        v.cmd("PING")
    n = raw.cmd("CLIENT", "KILL", "LADDR", "127.0.0.1:%d" % server.port)
    assert n >= 2            # everyone but me (SKIPME yes by default)
    assert v2.is_closed() and v3.is_closed()
    assert raw.cmd("PING") == b"PONG"


def test_client_kill_skipme(raw):
    mine = raw.cmd("CLIENT", "ID")
    run(raw, [("CLIENT KILL ID %d" % mine, integer(0)),
              ("CLIENT KILL ID %d SKIPME yes" % mine, integer(0))])
    raw.send(("CLIENT KILL ID %d SKIPME no\r\n" % mine).encode())
    assert raw.read_reply_raw() == integer(1)
    assert raw.is_closed()


def test_client_kill_combined_filters(raw, connect):
    victim = connect()
    vid = victim.cmd("CLIENT", "ID")
    addr = _addr(victim)
    run(raw, [("CLIENT KILL ID %d ADDR 1.2.3.4:5" % vid, integer(0)),
              ("CLIENT KILL ID %d ADDR %s TYPE normal" % (vid, addr),
               integer(1))])
    assert victim.is_closed()


def test_client_kill_errors(raw):
    run(raw, [("CLIENT KILL", wrong_args("client|kill")),
              ("CLIENT KILL ID x",
               err("ERR client-id should be greater than 0")),
              ("CLIENT KILL ID 0",
               err("ERR client-id should be greater than 0")),
              ("CLIENT KILL ID -5",
               err("ERR client-id should be greater than 0")),
              ("CLIENT KILL FOO bar", SYNTAX),
              ("CLIENT KILL ID 1 FOO", SYNTAX),
              ("CLIENT KILL SKIPME maybe", SYNTAX),
              ("CLIENT KILL TYPE foo", err("ERR Unknown client type 'foo'")),
              ("CLIENT KILL USER nouser", err("ERR No such user 'nouser'"))])


def test_client_kill_user_default(raw, connect):
    v = connect()
    v.cmd("PING")
    assert raw.cmd("CLIENT", "KILL", "USER", "default") >= 1
    assert v.is_closed()


# ------------------------------------------------- CLIENT NO-EVICT / REPLY

def test_client_no_evict(raw):
    run(raw, [("CLIENT NO-EVICT on", OK)])
    assert "e" in client_info(raw)["flags"]
    run(raw, [("CLIENT NO-EVICT OFF", OK)])
    assert client_info(raw)["flags"] == "N"
    run(raw, [("CLIENT NO-EVICT ON", OK),
              ("CLIENT NO-EVICT maybe", SYNTAX),
              ("CLIENT NO-EVICT", wrong_args("client|no-evict")),
              ("CLIENT NO-EVICT on off", wrong_args("client|no-evict"))])


def test_client_reply_off_on(raw, r):
    raw.send(b"CLIENT REPLY OFF\r\nPING\r\nSET a 1\r\nfoo\r\nINCR a\r\n"
             b"CLIENT REPLY ON\r\nGET a\r\n")
    assert raw.read_reply_raw() == OK
    assert raw.read_reply_raw() == bulk("2")
    assert raw.read_available(0.1) == b""


def test_client_reply_skip(raw):
    raw.send(b"CLIENT REPLY SKIP\r\nPING\r\nECHO x\r\n")
    assert raw.read_reply_raw() == bulk("x")
    raw.send(b"CLIENT REPLY SKIP\r\nCLIENT REPLY SKIP\r\nECHO y\r\nECHO z\r\n")
    assert raw.read_reply_raw() == bulk("z")
    raw.send(b"CLIENT REPLY SKIP\r\nCLIENT REPLY ON\r\nPING\r\n")
    assert raw.read_reply_raw() == OK
    assert raw.read_reply_raw() == b"+PONG\r\n"
    raw.send(b"CLIENT REPLY OFF\r\nCLIENT REPLY SKIP\r\nECHO a\r\nECHO b\r\n"
             b"CLIENT REPLY ON\r\n")
    assert raw.read_reply_raw() == OK
    assert raw.read_available(0.1) == b""


def test_client_reply_errors(raw):
    run(raw, [("CLIENT REPLY FOO", SYNTAX),
              ("CLIENT REPLY", wrong_args("client|reply")),
              ("CLIENT REPLY ON", OK), ("client reply on", OK)])


def test_client_help(raw):
    helps = raw.cmd("CLIENT", "HELP")
    assert isinstance(helps, list) and all(isinstance(h, Simple)
                                           for h in helps)
    assert helps[0].startswith(b"CLIENT <subcommand>")
    text = b"\n".join(helps)
    for sub in (b"GETNAME", b"ID", b"INFO", b"KILL", b"LIST", b"REPLY",
                b"SETNAME", b"NO-EVICT", b"HELP"):
        assert sub in text


# ---------------------------------------- CLIENT SETINFO / NO-TOUCH (7.2)

@pytest.mark.redis_only
def test_client_setinfo_and_no_touch_absent_in_redis_70(raw):
    run(raw, [("CLIENT SETINFO lib-name x",
               err("ERR unknown subcommand 'SETINFO'. Try CLIENT HELP.")),
              ("CLIENT NO-TOUCH on",
               err("ERR unknown subcommand 'NO-TOUCH'. Try CLIENT HELP."))])


@pytest.mark.kilat_only
def test_client_setinfo(raw):
    # Redis 7.2 semantics; newer clients send this on connect
    run(raw, [("CLIENT SETINFO lib-name mylib", OK),
              ("CLIENT SETINFO LIB-VER 1.2.3", OK)])
    info = client_info(raw)
    if "lib-name" in info:
        assert info["lib-name"] == "mylib"
        assert info["lib-ver"] == "1.2.3"
    assert raw.cmd_raw("CLIENT", "SETINFO", "foo", "x").startswith(b"-ERR ")
    assert raw.cmd_raw("CLIENT", "SETINFO", "lib-name",
                       "a b").startswith(b"-ERR ")
    run(raw, [("CLIENT SETINFO lib-name", wrong_args("client|setinfo"))])


@pytest.mark.kilat_only
def test_client_no_touch(raw):
    # Redis 7.2 semantics: with NO-TOUCH on, reads do not reset idle time
    run(raw, [("SET k v", OK), ("CLIENT NO-TOUCH on", OK)])
    assert "T" in client_info(raw)["flags"]
    time.sleep(1.1)
    run(raw, [("GET k", bulk("v"))])
    assert raw.cmd("OBJECT", "IDLETIME", "k") >= 1
    run(raw, [("TOUCH k", integer(1)), ("OBJECT IDLETIME k", integer(0)),
              ("CLIENT NO-TOUCH off", OK)])
    assert "T" not in client_info(raw)["flags"]
    assert raw.cmd_raw("CLIENT", "NO-TOUCH", "maybe").startswith(b"-ERR ")


def test_port_in_use_exits_with_redis_words():
    """Test harnesses (Redis's own suite among them) match this line to
    retry on another port."""
    import socket
    from conftest import run_server_expect_exit
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen()
    port = s.getsockname()[1]
    try:
        code, out = run_server_expect_exit(["--port", port, "--bind", "127.0.0.1",
                                            "--save", ""])
    finally:
        s.close()
    assert code == 1
    assert (b"Failed listening on port %d (TCP), aborting." % port) in out
