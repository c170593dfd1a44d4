"""INFO errorstats / commandstats for errors inside scripts and for blocking
commands ended by CLIENT UNBLOCK (differential)."""

import pytest

from conftest import Err, wait_for


def stats(conn, section):
    out = {}
    for line in bytes(conn.cmd("INFO", section)).decode().split("\r\n"):
        if line and not line.startswith("#"):
            k, _, v = line.partition(":")
            out[k] = v
    return out


def cmdstat(conn, name):
    line = stats(conn, "commandstats").get("cmdstat_" + name)
    if line is None:
        return None
    d = dict(kv.split("=") for kv in line.split(","))
    return {k: d[k] for k in ("calls", "rejected_calls", "failed_calls")}


def errors(conn):
    return stats(conn, "errorstats"), int(stats(conn, "stats")["total_error_replies"])


@pytest.fixture
def es(raw):
    raw.cmd("CONFIG", "RESETSTAT")
    return raw


def test_script_pcall_errors_counted_once(es):
    # a refused call (unknown command, wrong arity) and a failed one
    assert es.cmd("EVAL", "redis.pcall('nosuchcmd') return 1", "0") == 1
    assert es.cmd("EVAL", "redis.pcall('get') return 1", "0") == 1
    assert es.cmd("EVAL", "redis.pcall('set','a','b','c') return 1", "0") == 1
    assert errors(es) == ({"errorstat_ERR": "count=3"}, 3)
    assert cmdstat(es, "get") == {"calls": "0", "rejected_calls": "1", "failed_calls": "0"}
    assert cmdstat(es, "set") == {"calls": "1", "rejected_calls": "0", "failed_calls": "1"}
    assert cmdstat(es, "eval") == {"calls": "3", "rejected_calls": "0", "failed_calls": "0"}


def test_script_returning_or_raising_call_errors(es):
    # counted when redis.call/pcall met them, not again on the way out,
    # while EVAL still fails
    got = es.cmd("EVAL", "return redis.pcall('nosuch')", "0")
    assert got == Err(b"ERR Unknown Redis command called from script")
    got = es.cmd("EVAL", "return redis.call('set','a','b','c')", "0")
    assert isinstance(got, Err) and got.startswith(b"ERR syntax error script: ")
    got = es.cmd("EVAL", "local t = redis.pcall('nosuch'); t['err']='Z z'; return t", "0")
    assert got == Err(b"Z z")
    assert errors(es) == ({"errorstat_ERR": "count=3"}, 3)
    assert cmdstat(es, "eval") == {"calls": "3", "rejected_calls": "0", "failed_calls": "3"}
    # errors the script makes itself count as usual
    assert es.cmd("EVAL", "return redis.error_reply('MY err')", "0") == Err(b"MY err")
    assert es.cmd("EVAL", "return {err='X y'}", "0") == Err(b"X y")
    got = es.cmd("EVAL", "return redis.call()", "0")
    assert isinstance(got, Err) and got.startswith(b"ERR Please specify at least one argument")
    st, total = errors(es)
    assert st == {"errorstat_ERR": "count=4", "errorstat_MY": "count=1",
                  "errorstat_X": "count=1"}
    assert total == 6


def test_blocking_command_unblocked_with_error(es, connect):
    waiter = connect()
    cid = waiter.cmd("CLIENT", "ID")
    waiter.send_command("BLPOP", "list1", "0")
    wait_for(lambda: es.cmd("CLIENT", "LIST").count(b"cmd=blpop") == 1)
    assert es.cmd("CLIENT", "UNBLOCK", str(cid), "ERROR") == 1
    assert waiter.read_reply() == Err(b"UNBLOCKED client unblocked via CLIENT UNBLOCK")
    assert errors(es) == ({"errorstat_UNBLOCKED": "count=1"}, 1)
    assert cmdstat(es, "blpop") == {"calls": "1", "rejected_calls": "0", "failed_calls": "1"}


def test_blocking_command_timeout_and_served(es, connect):
    waiter = connect()
    waiter.send_command("BLPOP", "list1", "0.01")
    assert waiter.read_reply() is None
    waiter.send_command("BRPOP", "list2", "0")
    wait_for(lambda: es.cmd("CLIENT", "LIST").count(b"cmd=brpop") == 1)
    es.cmd("RPUSH", "list2", "x")
    assert waiter.read_reply() == [b"list2", b"x"]
    assert cmdstat(es, "blpop") == {"calls": "1", "rejected_calls": "0", "failed_calls": "0"}
    assert cmdstat(es, "brpop") == {"calls": "1", "rejected_calls": "0", "failed_calls": "0"}
    assert errors(es) == ({}, 0)


@pytest.mark.parametrize("script,fails", [
    ("return redis.call('select',99)", True),
    ("local t = redis.pcall('select',99) return 1", False),
])
def test_script_command_failure(es, script, fails):
    got = es.cmd("EVAL", script, "0")
    assert isinstance(got, Err) == fails
    assert errors(es) == ({"errorstat_ERR": "count=1"}, 1)
    assert cmdstat(es, "select") == {"calls": "1", "rejected_calls": "0", "failed_calls": "1"}
    assert cmdstat(es, "eval")["failed_calls"] == ("1" if fails else "0")


@pytest.mark.parametrize("script,fails", [
    ("return redis.call('set','x','y')", True),
    ("local t = redis.pcall('set','x','y') return t['err']", False),
])
def test_read_only_script_refusal(es, script, fails):
    got = es.cmd("EVAL_RO", script, "1", "x")
    assert bytes(got).startswith(b"ERR Write commands are not allowed from read-only scripts.")
    assert isinstance(got, Err) == fails
    assert errors(es) == ({"errorstat_ERR": "count=1"}, 1)
    assert cmdstat(es, "set") == {"calls": "0", "rejected_calls": "1", "failed_calls": "0"}
    assert cmdstat(es, "eval_ro")["failed_calls"] == ("1" if fails else "0")
