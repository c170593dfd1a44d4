"""Blocking list commands (BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP) with several
clients: first-come first-served per key, one push serving several waiters,
chains through BLMOVE destinations, sub-second timeouts, 0 = forever ended by
CLIENT UNBLOCK, disconnects, pipelined commands behind a blocked one, and
Redis 7.0's null array for every list timeout (BLMOVE and BRPOPLPUSH too)."""

import time

import pytest

from conftest import (SLOW, IS_KILAT, NIL_ARRAY, EMPTY_ARRAY, bulk, integer,
                      err, array, WRONGTYPE)
from conftest import blocked, wait_blocked, block

UNBLOCKED = err("UNBLOCKED client unblocked via CLIENT UNBLOCK")


def client_id(conn):
    return conn.cmd("CLIENT", "ID")


def nothing_yet(conn, wait=0.15):
    return conn.read_available(wait) == b""


# ----------------------------------------------------------------- order

def test_fifo_one_push_at_a_time(r, connect):
    a, b, c = connect(), connect(), connect()
    block(r, a, "BLPOP", "k", "0")
    block(r, b, "BLPOP", "k", "0")
    block(r, c, "BRPOP", "k", "0")
    r.rpush("k", "1")
    assert a.read_reply_raw() == array(bulk("k"), bulk("1"))
    assert nothing_yet(b) and nothing_yet(c, 0.01)
    r.rpush("k", "2")
    assert b.read_reply_raw() == array(bulk("k"), bulk("2"))
    r.rpush("k", "3")
    assert c.read_reply_raw() == array(bulk("k"), bulk("3"))
    assert blocked(r) == 0 and r.exists("k") == 0


def test_one_push_serves_several_waiters(r, connect):
    a, b, c = connect(), connect(), connect()
    for conn in (a, b, c):
        block(r, conn, "BLPOP", "k", "0")
    assert r.lpush("k", "x", "y", "z") == 3  # list: z y x
    assert a.read_reply_raw() == array(bulk("k"), bulk("z"))
    assert b.read_reply_raw() == array(bulk("k"), bulk("y"))
    assert c.read_reply_raw() == array(bulk("k"), bulk("x"))
    assert r.exists("k") == 0 and blocked(r) == 0


def test_push_of_more_than_the_waiters_want(r, connect):
    a, b = connect(), connect()
    block(r, a, "BRPOP", "k", "0")
    block(r, b, "BLMPOP", "0", "1", "k", "LEFT", "COUNT", "2")
    assert r.rpush("k", "1", "2", "3", "4") == 4
    assert a.read_reply_raw() == array(bulk("k"), bulk("4"))
    assert b.read_reply_raw() == array(bulk("k"), array(bulk("1"), bulk("2")))
    assert r.lrange("k", 0, -1) == [b"3"]


def test_mixed_commands_in_line(r, connect):
    a, b, c = connect(), connect(), connect()
    block(r, a, "BLPOP", "k", "0")
    block(r, b, "BRPOP", "k", "0")
    block(r, c, "BLMOVE", "k", "dst", "LEFT", "RIGHT", "0")
    r.rpush("k", "1", "2", "3")
    assert a.read_reply_raw() == array(bulk("k"), bulk("1"))
    assert b.read_reply_raw() == array(bulk("k"), bulk("3"))
    assert c.read_reply_raw() == bulk("2")
    assert r.lrange("dst", 0, -1) == [b"2"]


def test_waiter_on_several_keys_served_once(r, connect):
    a = connect()
    block(r, a, "BLPOP", "k1", "k2", "k3", "0")
    r.rpush("k2", "v")
    assert a.read_reply_raw() == array(bulk("k2"), bulk("v"))
    r.rpush("k1", "w")
    r.rpush("k3", "w")
    assert r.llen("k1") == 1 and r.llen("k3") == 1 and blocked(r) == 0


def test_same_key_twice(r, connect):
    a = connect()
    block(r, a, "BLPOP", "k", "k", "0")
    r.rpush("k", "a", "b")
    assert a.read_reply_raw() == array(bulk("k"), bulk("a"))
    assert r.lrange("k", 0, -1) == [b"b"] and blocked(r) == 0


def test_blmpop_served_with_count(r, connect):
    a = connect()
    block(r, a, "BLMPOP", "0", "2", "k1", "k2", "RIGHT", "COUNT", "5")
    r.rpush("k2", "a", "b", "c")
    assert a.read_reply_raw() == array(bulk("k2"), array(bulk("c"), bulk("b"), bulk("a")))
    assert r.exists("k2") == 0


def test_databases_are_separate(r, connect):
    a = connect()
    a.cmd("SELECT", "1")
    block(r, a, "BLPOP", "k", "0")
    r.rpush("k", "db0")  # same name, other database: nobody served
    assert nothing_yet(a)
    r.execute_command("SELECT", "1")
    r.rpush("k", "db1")
    assert a.read_reply_raw() == array(bulk("k"), bulk("db1"))
    r.execute_command("SELECT", "0")
    assert r.lrange("k", 0, -1) == [b"db0"]


# ---------------------------------------------------------------- chains

def test_blmove_into_a_list_another_client_waits_on(r, connect):
    a, b = connect(), connect()
    block(r, a, "BLMOVE", "src", "mid", "RIGHT", "LEFT", "0")
    block(r, b, "BLPOP", "mid", "0")
    r.rpush("src", "x")
    assert a.read_reply_raw() == bulk("x")
    assert b.read_reply_raw() == array(bulk("mid"), bulk("x"))
    assert r.exists("src", "mid") == 0 and blocked(r) == 0


def test_brpoplpush_chain(r, connect):
    a, b = connect(), connect()
    block(r, a, "BRPOPLPUSH", "a", "b", "0")
    block(r, b, "BRPOPLPUSH", "b", "c", "0")
    r.lpush("a", "v")
    assert a.read_reply_raw() == bulk("v")
    assert b.read_reply_raw() == bulk("v")
    assert r.lrange("c", 0, -1) == [b"v"] and r.exists("a", "b") == 0


def test_blmove_to_itself(r, connect):
    a = connect()
    block(r, a, "BLMOVE", "k", "k", "LEFT", "RIGHT", "0")
    r.rpush("k", "1", "2")
    assert a.read_reply_raw() == bulk("1")
    assert r.lrange("k", 0, -1) == [b"2", b"1"]


def test_lmove_and_lpushx_wake_waiters(r, connect):
    a, b = connect(), connect()
    block(r, a, "BLPOP", "dst", "0")
    r.rpush("src", "x", "y")
    assert r.lmove("src", "dst", "LEFT", "LEFT") == b"x"
    assert a.read_reply_raw() == array(bulk("dst"), bulk("x"))
    block(r, b, "BRPOP", "dst", "0")
    assert r.rpoplpush("src", "dst") == b"y"
    assert b.read_reply_raw() == array(bulk("dst"), bulk("y"))


# -------------------------------------------------------------- timeouts

@pytest.mark.parametrize("cmd", [
    ["BLPOP", "k", "0.1"], ["BRPOP", "k1", "k2", "0.1"],
    ["BLMOVE", "k", "d", "LEFT", "LEFT", "0.1"], ["BRPOPLPUSH", "k", "d", "0.1"],
    ["BLMPOP", "0.1", "1", "k", "LEFT"],
])
def test_subsecond_timeout(raw, cmd):
    """Every list timeout is a null array in 7.0, BLMOVE's included."""
    start = time.time()
    assert raw.cmd_raw(*cmd) == NIL_ARRAY
    took = time.time() - start
    assert 0.09 <= took < 0.09 + 0.9 * SLOW, took


def test_timeout_precision(raw):
    start = time.time()
    assert raw.cmd_raw("BLPOP", "k", "0.35") == NIL_ARRAY
    took = time.time() - start
    assert 0.34 <= took < 0.34 + 0.9 * SLOW, took
    start = time.time()
    # a fraction of a millisecond is rounded up to 1 ms, not 0 (forever)
    assert raw.cmd_raw("BLPOP", "k", "0.0001") == NIL_ARRAY
    assert time.time() - start < 0.9 * SLOW


def test_timeout_resp3(raw):
    raw.cmd("HELLO", "3")
    assert raw.cmd_raw("BLPOP", "k", "0.05") == b"_\r\n"
    assert raw.cmd_raw("BLMOVE", "k", "d", "LEFT", "LEFT", "0.05") == b"_\r\n"
    assert raw.cmd_raw("BLMPOP", "0.05", "1", "k", "LEFT") == b"_\r\n"


def test_timed_out_client_leaves_the_line(r, connect):
    a, b = connect(), connect()
    block(r, a, "BLPOP", "k", "0.1")
    block(r, b, "BLPOP", "k", "0")
    assert a.read_reply_raw() == NIL_ARRAY
    wait_blocked(r, 1)
    r.rpush("k", "v")
    assert b.read_reply_raw() == array(bulk("k"), bulk("v"))


def test_tiny_negative_timeout_is_forever(r, connect):
    """-0.0009 s rounds to 0 ms, which means forever (as Redis 7.0)."""
    a = connect()
    block(r, a, "BLPOP", "k", "-0.0009")
    assert nothing_yet(a, 0.2)
    r.rpush("k", "v")
    assert a.read_reply_raw() == array(bulk("k"), bulk("v"))


def test_zero_is_forever_until_client_unblock(r, connect):
    a = connect()
    aid = client_id(a)
    block(r, a, "BLPOP", "k", "0")
    assert nothing_yet(a, 0.3)
    assert r.execute_command("CLIENT", "UNBLOCK", aid) == 1
    assert a.read_reply_raw() == NIL_ARRAY
    assert r.execute_command("CLIENT", "UNBLOCK", aid) == 0
    assert a.cmd("PING") == b"PONG"


@pytest.mark.parametrize("cmd", [
    ["BLPOP", "k", "0"], ["BRPOP", "k", "0"], ["BLMOVE", "k", "d", "LEFT", "LEFT", "0"],
    ["BRPOPLPUSH", "k", "d", "0"], ["BLMPOP", "0", "1", "k", "LEFT"],
])
def test_client_unblock_timeout_and_error(r, connect, cmd):
    a = connect()
    aid = client_id(a)
    block(r, a, *cmd)
    assert r.execute_command("CLIENT", "UNBLOCK", aid, "TIMEOUT") == 1
    assert a.read_reply_raw() == NIL_ARRAY
    block(r, a, *cmd)
    assert r.execute_command("CLIENT", "UNBLOCK", aid, "error") == 1
    assert a.read_reply_raw() == UNBLOCKED
    assert blocked(r) == 0


def test_client_unblock_resp3(r, connect):
    a = connect()
    a.cmd("HELLO", "3")
    aid = client_id(a)
    block(r, a, "BLMOVE", "k", "d", "LEFT", "LEFT", "0")
    assert r.execute_command("CLIENT", "UNBLOCK", aid) == 1
    assert a.read_reply_raw() == b"_\r\n"


def test_client_unblock_errors(raw):
    me = client_id(raw)
    steps = [
        (["CLIENT", "UNBLOCK", str(me)], integer(0)),  # not blocked
        (["CLIENT", "UNBLOCK", "999999"], integer(0)),
        (["CLIENT", "UNBLOCK", "0"], integer(0)),
        (["CLIENT", "UNBLOCK", "-1"], integer(0)),
        (["CLIENT", "UNBLOCK", "x"], err("ERR value is not an integer or out of range")),
        (["CLIENT", "UNBLOCK", "01"], err("ERR value is not an integer or out of range")),
        (["CLIENT", "UNBLOCK", "1", "foo"],
         err("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR")),
        (["CLIENT", "UNBLOCK", "x", "foo"],
         err("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR")),
        (["CLIENT", "UNBLOCK", "1", "ERROR"], integer(0)),
        (["CLIENT", "UNBLOCK", "1", "timeout", "x"],
         err("ERR unknown subcommand or wrong number of arguments for 'UNBLOCK'. "
             "Try CLIENT HELP.")),
        (["CLIENT", "UNBLOCK"], err("ERR wrong number of arguments for 'client|unblock' command")),
    ]
    for cmd, exp in steps:
        assert raw.cmd_raw(*cmd) == exp, cmd


# ---------------------------------------------------- disconnects, pipelines

def test_disconnect_leaves_nothing_behind(r, connect):
    a, b = connect(), connect()
    block(r, a, "BLPOP", "k", "other", "0")
    block(r, b, "BLMOVE", "k", "dst", "LEFT", "LEFT", "0")
    a.close()
    b.close()
    wait_blocked(r, 0)
    assert r.rpush("k", "v") == 1
    assert r.lrange("k", 0, -1) == [b"v"] and r.exists("dst") == 0
    c = connect()
    assert c.cmd_raw("BLPOP", "k", "0") == array(bulk("k"), bulk("v"))


def test_disconnect_in_the_middle_of_the_line(r, connect):
    a, b, c = connect(), connect(), connect()
    for conn in (a, b, c):
        block(r, conn, "BLPOP", "k", "0")
    b.close()
    wait_blocked(r, 2)
    r.rpush("k", "1", "2", "3")
    assert a.read_reply_raw() == array(bulk("k"), bulk("1"))
    assert c.read_reply_raw() == array(bulk("k"), bulk("2"))
    assert r.lrange("k", 0, -1) == [b"3"]


def test_many_waiters_then_disconnect(r, connect):
    conns = [connect() for _ in range(30)]
    for i, conn in enumerate(conns):
        conn.send_command("BLPOP", "k%d" % (i % 5), "shared", "0")
    wait_blocked(r, 30)
    for conn in conns:
        conn.close()
    wait_blocked(r, 0)
    r.rpush("shared", "x")
    assert r.llen("shared") == 1


def test_pipelined_commands_wait_behind_a_blocked_one(r, connect):
    a = connect()
    a.send(a.encode("BLPOP", "k", "0") + a.encode("PING") + a.encode("LLEN", "k"))
    wait_blocked(r, 1)
    assert nothing_yet(a)
    r.rpush("k", "v", "w")
    assert a.read_reply_raw() == array(bulk("k"), bulk("v"))
    assert a.read_reply_raw() == b"+PONG\r\n"
    assert a.read_reply_raw() == integer(1)


def test_info_blocked_clients(r, connect):
    assert blocked(r) == 0
    a, b = connect(), connect()
    block(r, a, "BLPOP", "k", "0")
    block(r, b, "BLMPOP", "0", "1", "j", "LEFT")
    assert blocked(r) == 2
    r.rpush("k", "1")
    a.read_reply_raw()
    assert blocked(r) == 1
    r.rpush("j", "1")
    b.read_reply_raw()
    assert blocked(r) == 0


# ------------------------------------------------------------ wrong types

def test_other_type_on_a_watched_key(r, connect):
    """A key that turns into another type while a client waits does not end
    the wait; a push to another of its keys serves it (7.0)."""
    a = connect()
    block(r, a, "BLPOP", "a", "b", "0")
    r.set("a", "string")
    r.rpush("b", "x")
    assert a.read_reply_raw() == array(bulk("b"), bulk("x"))


def test_blmove_destination_of_another_type(r, connect):
    """Served while the destination holds another type: WRONGTYPE, and the
    element stays in the source (7.0)."""
    a = connect()
    block(r, a, "BLMOVE", "src", "dst", "LEFT", "RIGHT", "0")
    r.set("dst", "string")
    r.rpush("src", "x")
    assert a.read_reply_raw() == WRONGTYPE
    assert r.lrange("src", 0, -1) == [b"x"] and blocked(r) == 0


def test_commandstats_count_a_blocking_command_once(r, connect):
    a = connect()
    r.config_resetstat()
    block(r, a, "BLPOP", "k", "0")
    r.rpush("other", "1")
    r.rpush("k", "1")
    assert a.read_reply_raw() == array(bulk("k"), bulk("1"))
    assert a.cmd_raw("BLPOP", "k", "0.05") == NIL_ARRAY
    stats = r.info("commandstats")
    assert stats["cmdstat_blpop"]["calls"] == 2
    assert stats["cmdstat_rpush"]["calls"] == 2


def test_rename_into_a_watched_key_serves(r, connect):
    a = connect()
    block(r, a, "BLPOP", "k", "1")
    r.rpush("tmp", "v")
    r.rename("tmp", "k")
    assert a.read_reply_raw() == array(bulk("k"), bulk("v"))


def test_killed_waiter_takes_nothing(r, connect):
    """CLIENT KILL of a blocked client, then a push in the same pipeline:
    the element stays (Redis frees the killed client at once)."""
    a, b = connect(), connect()
    aid = client_id(a)
    block(r, a, "BLPOP", "k", "0")
    b.send(b.encode("CLIENT", "KILL", "ID", aid) + b.encode("RPUSH", "k", "v") +
           b.encode("LLEN", "k"))
    assert b.read_reply_raw() == integer(1)
    assert b.read_reply_raw() == integer(1)
    assert b.read_reply_raw() == integer(1)
    assert a.is_closed()
    wait_blocked(r, 0)


def test_move_and_copy_into_a_watched_key_serve(r, connect):
    a = connect()
    block(r, a, "BLPOP", "k", "1")
    r.rpush("src", "v1")
    r.copy("src", "k")
    assert a.read_reply_raw() == array(bulk("k"), bulk("v1"))
    b = connect()
    b.send(b"SELECT 1\r\n")
    assert b.read_reply_raw() == b"+OK\r\n"
    block(r, b, "BLPOP", "m", "1")
    r.rpush("m", "v2")
    r.move("m", 1)
    assert b.read_reply_raw() == array(bulk("m"), bulk("v2"))


def test_swapdb_brings_a_watched_key_and_serves(r, connect):
    a = connect()
    block(r, a, "BLPOP", "k", "2")
    b = connect()
    b.send(b"SELECT 1\r\n")
    assert b.read_reply_raw() == b"+OK\r\n"
    b.send(b"RPUSH k v9\r\n")
    assert b.read_reply_raw() == b":1\r\n"
    r.swapdb(0, 1)
    assert a.read_reply_raw() == array(bulk("k"), bulk("v9"))
