"""Commands answered as a standalone Redis 7.0 master without replicas and
without cluster support: WAIT, ROLE, READONLY, READWRITE, CLUSTER, LOLWUT."""

import time

import pytest

from conftest import SLOW, err, integer

DISABLED = err("ERR This instance has cluster support disabled")


def test_wait_without_replicas(raw):
    assert raw.cmd_raw("WAIT", 0, 0) == integer(0)
    assert raw.cmd_raw("WAIT", -1, 0) == integer(0)
    start = time.time()
    assert raw.cmd_raw("WAIT", 1, 150) == integer(0)
    assert time.time() - start >= 0.12


def test_wait_forever_ended_by_unblock(r, raw):
    cid = raw.cmd("CLIENT", "ID")
    raw.send_command("WAIT", 2, 0)
    end = time.time() + 5 * SLOW
    while r.info("clients")["blocked_clients"] != 1 and time.time() < end:
        time.sleep(0.005)
    assert raw.read_available(0.1) == b""
    assert r.execute_command("CLIENT", "UNBLOCK", cid) == 1
    assert raw.read_reply_raw() == integer(0)
    raw.send_command("WAIT", 2, 0)
    time.sleep(0.05)
    assert r.execute_command("CLIENT", "UNBLOCK", cid, "ERROR") == 1
    assert raw.read_reply_raw() == err("UNBLOCKED client unblocked via CLIENT UNBLOCK")


def test_wait_in_multi_answers_at_once(raw):
    assert raw.cmd("MULTI") == b"OK"
    assert raw.cmd("WAIT", 5, 0) == b"QUEUED"
    assert raw.cmd_raw("EXEC") == b"*1\r\n:0\r\n"


@pytest.mark.parametrize("args,msg", [
    ((), "ERR wrong number of arguments for 'wait' command"),
    (("1",), "ERR wrong number of arguments for 'wait' command"),
    (("a", "0"), "ERR value is not an integer or out of range"),
    (("0", "a"), "ERR timeout is not an integer or out of range"),
    (("0", "-1"), "ERR timeout is negative"),
    (("0", "1", "2"), "ERR wrong number of arguments for 'wait' command"),
])
def test_wait_bad_input(raw, args, msg):
    assert raw.cmd_raw("WAIT", *args) == err(msg)


def test_wait_refused_in_scripts(raw):
    assert raw.cmd_raw("EVAL", "return redis.call('wait', 0, 0)", 0).startswith(
        b"-ERR This Redis command is not allowed from script")
    assert raw.cmd("SCRIPT", "FLUSH") == b"OK"  # other files expect an empty cache


def test_role(raw):
    assert raw.cmd_raw("ROLE") == b"*3\r\n$6\r\nmaster\r\n:0\r\n*0\r\n"
    assert raw.cmd_raw("ROLE", "x") == err("ERR wrong number of arguments for 'role' command")


@pytest.mark.parametrize("cmd", [("READONLY",), ("READWRITE",), ("CLUSTER", "INFO"),
                                 ("CLUSTER", "HELP"), ("CLUSTER", "NODES"),
                                 ("CLUSTER", "KEYSLOT", "a"), ("CLUSTER", "slots"),
                                 ("CLUSTER", "SETSLOT", "1", "stable")])
def test_cluster_disabled(raw, cmd):
    assert raw.cmd_raw(*cmd) == DISABLED


@pytest.mark.parametrize("cmd,msg", [
    (("READONLY", "x"), "ERR wrong number of arguments for 'readonly' command"),
    (("READWRITE", "x"), "ERR wrong number of arguments for 'readwrite' command"),
    (("CLUSTER",), "ERR wrong number of arguments for 'cluster' command"),
    (("CLUSTER", "INFO", "x"), "ERR wrong number of arguments for 'cluster|info' command"),
    (("CLUSTER", "KEYSLOT"), "ERR wrong number of arguments for 'cluster|keyslot' command"),
    (("CLUSTER", "foo"), "ERR unknown subcommand 'foo'. Try CLUSTER HELP."),
])
def test_cluster_bad_input(raw, cmd, msg):
    assert raw.cmd_raw(*cmd) == err(msg)


def test_lolwut_version_line(raw):
    line = b"Redis ver. 7.0.15\n"
    for args in [(), ("VERSION", "7"), ("version",), ("foo",), ("VERSION", "99"),
                 ("VERSION", "-1")]:
        assert raw.cmd_raw("LOLWUT", *args) == b"$%d\r\n%s\r\n" % (len(line), line)


def test_lolwut_art_versions(raw):
    for v in ("5", "6"):
        art = raw.cmd("LOLWUT", "VERSION", v, "10", "2")
        assert art.endswith(b" Redis ver. 7.0.15\n") and art.count(b"\n") > 2


def test_lolwut_resp3_is_verbatim(raw):
    raw.cmd("HELLO", "3")
    assert raw.cmd_raw("LOLWUT") == b"=22\r\ntxt:Redis ver. 7.0.15\n\r\n"


@pytest.mark.parametrize("args", [("VERSION", "x"), ("VERSION", "5", "x"),
                                  ("VERSION", "6", "1", "y")])
def test_lolwut_bad_input(raw, args):
    assert raw.cmd_raw("LOLWUT", *args) == err("ERR value is not an integer or out of range")

