"""Stream consumer groups as Redis 7.0.15: XGROUP (every subcommand),
XREADGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM, XINFO; their replies and
exact errors, keyspace events, errorstats, blocking, and what they
propagate (read back from the AOF). Clock-dependent values (idle times,
delivery and seen times) are masked or checked against a window; the rest
is compared exactly. Every expectation was observed on redis-server.
"""

import os
import time

import pytest

from conftest import Err, Null

INVALID_ID = b"ERR Invalid stream ID specified as stream command argument"
NOKEY = (b"ERR The XGROUP subcommand requires the key to exist. Note that for CREATE "
         b"you may want to use the MKSTREAM option to create an empty stream automatically.")


def err(reply):
    assert isinstance(reply, Err), reply
    return bytes(reply)


@pytest.fixture
def c(raw):
    return raw.cmd


def fill(c, key=b"s", n=3):
    return [c("XADD", key, "%d-1" % i, "f", "v%d" % i) for i in range(1, n + 1)]


# ------------------------------------------------------------------ XGROUP

def test_xgroup_create(c):
    assert err(c("XGROUP", "CREATE", "s", "g", "$")) == NOKEY
    assert c("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM") == b"OK"
    assert c("TYPE", "s") == b"stream"
    assert c("XLEN", "s") == 0
    assert err(c("XGROUP", "CREATE", "s", "g", "$")) == b"BUSYGROUP Consumer Group name already exists"
    fill(c)
    assert c("XGROUP", "CREATE", "s", "g2", "$") == b"OK"
    assert c("XGROUP", "CREATE", "s", "g3", "0", "ENTRIESREAD", "2") == b"OK"
    assert c("XGROUP", "CREATE", "s", "g4", "2") == b"OK"
    groups = c("XINFO", "GROUPS", "s")
    assert [g[1] for g in groups] == [b"g", b"g2", b"g3", b"g4"]
    assert [g[7] for g in groups] == [b"0-0", b"3-1", b"0-0", b"2-0"]
    assert [g[9] for g in groups] == [None, None, 2, None]
    assert [g[11] for g in groups] == [3, 0, 1, None]


def test_xgroup_create_errors(c):
    fill(c)
    assert err(c("XGROUP", "CREATE", "s", "g", "-")) == INVALID_ID
    assert err(c("XGROUP", "CREATE", "s", "g", "abc")) == INVALID_ID
    assert err(c("XGROUP", "CREATE", "s", "g", "0", "ENTRIESREAD", "-2")) == \
        b"ERR value for ENTRIESREAD must be positive or -1"
    assert err(c("XGROUP", "CREATE", "s", "g", "0", "ENTRIESREAD", "x")) == \
        b"ERR value is not an integer or out of range"
    assert err(c("XGROUP", "CREATE", "s", "g", "0", "FOO")).startswith(
        b"ERR unknown subcommand or wrong number of arguments for 'CREATE'. Try XGROUP HELP.")
    assert err(c("XGROUP", "CREATE", "s", "g")) == \
        b"ERR wrong number of arguments for 'xgroup|create' command"
    assert err(c("XGROUP", "FOO", "s", "g")).startswith(b"ERR unknown subcommand 'FOO'")
    assert err(c("XGROUP")) == b"ERR wrong number of arguments for 'xgroup' command"
    c("SET", "str", "x")
    assert err(c("XGROUP", "CREATE", "str", "g", "$", "MKSTREAM")).startswith(b"WRONGTYPE")
    assert c("XGROUP", "CREATE", "s", "g", "0", "ENTRIESREAD", "-1") == b"OK"
    help_ = c("XGROUP", "HELP")
    assert help_[0].startswith(b"XGROUP <subcommand>") and help_[-1] == b"    Prints this help."


def test_xgroup_setid_destroy_consumers(c):
    fill(c)
    assert err(c("XGROUP", "SETID", "s", "g", "0")) == \
        b"NOGROUP No such consumer group 'g' for key name 's'"
    assert err(c("XGROUP", "SETID", "nokey", "g", "0")) == NOKEY
    c("XGROUP", "CREATE", "s", "g", "0")
    assert c("XGROUP", "SETID", "s", "g", "$") == b"OK"
    assert c("XINFO", "GROUPS", "s")[0][7] == b"3-1"
    assert c("XGROUP", "SETID", "s", "g", "-") == b"OK"   # not strict
    assert c("XGROUP", "SETID", "s", "g", "2", "ENTRIESREAD", "1") == b"OK"
    g = c("XINFO", "GROUPS", "s")[0]
    assert (g[7], g[9], g[11]) == (b"2-0", 1, 2)
    assert err(c("XGROUP", "SETID", "s", "g", "2", "MKSTREAM")).startswith(b"ERR unknown subcommand")
    assert err(c("XGROUP", "SETID", "s", "g", "2", "ENTRIESREAD")).startswith(b"ERR unknown subcommand")
    assert c("XGROUP", "CREATECONSUMER", "s", "g", "alice") == 1
    assert c("XGROUP", "CREATECONSUMER", "s", "g", "alice") == 0
    assert err(c("XGROUP", "CREATECONSUMER", "s", "nog", "alice")) == \
        b"NOGROUP No such consumer group 'nog' for key name 's'"
    c("XGROUP", "SETID", "s", "g", "0")
    c("XREADGROUP", "GROUP", "g", "bob", "COUNT", "2", "STREAMS", "s", ">")
    assert c("XGROUP", "DELCONSUMER", "s", "g", "bob") == 2
    assert c("XGROUP", "DELCONSUMER", "s", "g", "bob") == 0
    assert c("XPENDING", "s", "g")[0] == 0
    assert c("XGROUP", "DESTROY", "s", "g") == 1
    assert c("XGROUP", "DESTROY", "s", "g") == 0
    assert err(c("XGROUP", "DESTROY", "nokey", "g")) == NOKEY
    assert c("XINFO", "GROUPS", "s") == []


# ------------------------------------------------------------------ XREADGROUP

def test_xreadgroup_new_and_history(c):
    fill(c, n=4)
    c("XGROUP", "CREATE", "s", "g", "0")
    assert c("XREADGROUP", "GROUP", "g", "a", "COUNT", "2", "STREAMS", "s", ">") == \
        [[b"s", [[b"1-1", [b"f", b"v1"]], [b"2-1", [b"f", b"v2"]]]]]
    assert c("XREADGROUP", "GROUP", "g", "b", "STREAMS", "s", ">") == \
        [[b"s", [[b"3-1", [b"f", b"v3"]], [b"4-1", [b"f", b"v4"]]]]]
    assert c("XREADGROUP", "GROUP", "g", "b", "STREAMS", "s", ">") is None
    assert c("XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", "0") == \
        [[b"s", [[b"1-1", [b"f", b"v1"]], [b"2-1", [b"f", b"v2"]]]]]
    assert c("XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", "1-1") == \
        [[b"s", [[b"2-1", [b"f", b"v2"]]]]]
    c("XDEL", "s", "1-1")
    assert c("XREADGROUP", "GROUP", "g", "a", "COUNT", "1", "STREAMS", "s", "0") == \
        [[b"s", [[b"1-1", None]]]]
    # history of a new consumer: empty, but the consumer is made
    assert c("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "0") == [[b"s", []]]
    assert [x[1] for x in c("XINFO", "CONSUMERS", "s", "g")] == [b"a", b"b", b"c"]
    # 2-1 came back twice through the history, 1-1 once (then deleted)
    ext = c("XPENDING", "s", "g", "-", "+", "10", "a")
    assert [(e[0], e[1], e[3]) for e in ext] == [(b"1-1", b"a", 2), (b"2-1", b"a", 3)]


def test_xreadgroup_setid_back_reassigns(c):
    fill(c, n=2)
    c("XGROUP", "CREATE", "s", "g", "0")
    c("XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", ">")
    c("XGROUP", "SETID", "s", "g", "0")
    c("XREADGROUP", "GROUP", "g", "b", "COUNT", "1", "STREAMS", "s", ">")
    assert c("XPENDING", "s", "g") == [2, b"1-1", b"2-1", [[b"a", b"1"], [b"b", b"1"]]]


def test_xreadgroup_noack_and_multi_streams(c):
    fill(c, b"s1", 2)
    fill(c, b"s2", 1)
    c("XGROUP", "CREATE", "s1", "g", "0")
    c("XGROUP", "CREATE", "s2", "g", "$")
    assert c("XREADGROUP", "GROUP", "g", "a", "NOACK", "STREAMS", "s1", "s2", ">", ">") == \
        [[b"s1", [[b"1-1", [b"f", b"v1"]], [b"2-1", [b"f", b"v2"]]]]]
    assert c("XPENDING", "s1", "g") == [0, None, None, None]
    g = c("XINFO", "GROUPS", "s1")[0]
    assert (g[7], g[9], g[11]) == (b"2-1", 2, 0)


def test_xreadgroup_errors(c):
    fill(c)
    c("XGROUP", "CREATE", "s", "g", "0")
    assert err(c("XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", "$")).startswith(
        b"ERR The $ ID is meaningless in the context of XREADGROUP")
    assert err(c("XREADGROUP", "GROUP", "nog", "a", "STREAMS", "s", ">")) == \
        b"NOGROUP No such key 's' or consumer group 'nog' in XREADGROUP with GROUP option"
    assert err(c("XREADGROUP", "GROUP", "g", "a", "STREAMS", "nokey", ">")) == \
        b"NOGROUP No such key 'nokey' or consumer group 'g' in XREADGROUP with GROUP option"
    assert err(c("XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", "s", ">")) == \
        b"ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified."
    assert err(c("XREADGROUP", "COUNT", "1", "NOACK", "STREAMS", "s", ">")) == \
        b"ERR Missing GROUP option for XREADGROUP"
    assert err(c("XREADGROUP", "GROUP", "g", "a", "FOO", "STREAMS", "s", ">")) == b"ERR syntax error"
    assert err(c("XREADGROUP", "GROUP", "g", "a", "COUNT", "x", "STREAMS", "s", ">")) == \
        b"ERR value is not an integer or out of range"
    assert err(c("XREADGROUP", "GROUP", "g", "a", "BLOCK", "-1", "STREAMS", "s", ">")) == \
        b"ERR timeout is negative"
    assert err(c("XREADGROUP", "GROUP", "g", "a", "BLOCK", "x", "STREAMS", "s", ">")) == \
        b"ERR timeout is not an integer or out of range"
    assert err(c("XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", "-")) == INVALID_ID
    assert err(c("XREADGROUP", "GROUP", "g", "a", "STREAMS", "s")) == \
        b"ERR wrong number of arguments for 'xreadgroup' command"
    c("SET", "str", "x")
    assert err(c("XREADGROUP", "GROUP", "g", "a", "STREAMS", "str", ">")).startswith(b"WRONGTYPE")
    assert err(c("EVAL", "return redis.call('xreadgroup','group','g','a','block','0','streams','s','>')", "0")).startswith(
        b"ERR xreadgroup command is not allowed with BLOCK option from scripts")


def test_xreadgroup_resp3_map(raw):
    raw.cmd("HELLO", "3")
    fill(raw.cmd, n=1)
    raw.cmd("XGROUP", "CREATE", "s", "g", "0")
    reply = raw.cmd("XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", ">")
    assert dict(reply) == {b"s": [[b"1-1", [b"f", b"v1"]]]}


def test_xreadgroup_block(connect, c):
    c("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
    w = connect()
    w.send_command("XREADGROUP", "GROUP", "g", "a", "BLOCK", "0", "STREAMS", "s", ">")
    time.sleep(0.2)
    c("XADD", "s", "5-1", "f", "v")
    assert w.read_reply() == [[b"s", [[b"5-1", [b"f", b"v"]]]]]
    w.send_command("XREADGROUP", "GROUP", "g", "a", "BLOCK", "0", "STREAMS", "s", ">")
    time.sleep(0.2)
    c("XGROUP", "DESTROY", "s", "g")
    assert err(w.read_reply()) == b"NOGROUP the consumer group this client was blocked on no longer exists"
    c("XGROUP", "CREATE", "s", "g", "$")
    w.send_command("XREADGROUP", "GROUP", "g", "a", "BLOCK", "0", "STREAMS", "s", ">")
    time.sleep(0.2)
    c("DEL", "s")
    assert err(w.read_reply()) == b"UNBLOCKED the stream key no longer exists"
    c("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
    assert w.cmd("XREADGROUP", "GROUP", "g", "a", "BLOCK", "50", "STREAMS", "s", ">") is None
    # in MULTI, BLOCK does not block
    w.cmd("MULTI")
    w.cmd("XREADGROUP", "GROUP", "g", "a", "BLOCK", "0", "STREAMS", "s", ">")
    assert w.cmd("EXEC") == [None]



def test_xreadgroup_block_woken_key_only(connect, c):
    """A blocked XREADGROUP on several keys, woken while two of them got
    data (one transaction), answers for the key signalled first only; the
    other key's entry stays undelivered for the next read."""
    for k in ("s1", "s2"):
        c("XGROUP", "CREATE", k, "g", "$", "MKSTREAM")
    w = connect()
    w.send_command("XREADGROUP", "GROUP", "g", "a", "BLOCK", "0", "STREAMS", "s1", "s2", ">", ">")
    time.sleep(0.2)
    c("MULTI")
    c("XADD", "s2", "2-1", "f", "v2")
    c("XADD", "s1", "1-1", "f", "v1")
    c("EXEC")
    assert w.read_reply() == [[b"s2", [[b"2-1", [b"f", b"v2"]]]]]
    assert c("XPENDING", "s1", "g") == [0, None, None, None]
    assert w.cmd("XREADGROUP", "GROUP", "g", "a", "STREAMS", "s1", "s2", ">", ">") == \
        [[b"s1", [[b"1-1", [b"f", b"v1"]]]]]
    # woken by the second key while the first has nothing: that key only
    w.send_command("XREADGROUP", "GROUP", "g", "a", "COUNT", "5", "BLOCK", "0",
                   "STREAMS", "s1", "s2", ">", ">")
    time.sleep(0.2)
    c("XADD", "s2", "3-1", "f", "v3")
    assert w.read_reply() == [[b"s2", [[b"3-1", [b"f", b"v3"]]]]]


# ------------------------------------------------------------------ XACK / XPENDING

def test_xack(c):
    fill(c)
    assert c("XACK", "s", "g", "1-1") == 0
    assert c("XACK", "nokey", "g", "1-1") == 0
    c("XGROUP", "CREATE", "s", "g", "0")
    c("XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", ">")
    assert err(c("XACK", "s", "g", "1-1", "bad")) == INVALID_ID
    assert c("XPENDING", "s", "g")[0] == 3
    assert c("XACK", "s", "g", "1-1", "1-1", "2", "3-1") == 2
    assert c("XPENDING", "s", "g") == [1, b"2-1", b"2-1", [[b"a", b"1"]]]
    c("SET", "str", "x")
    assert err(c("XACK", "str", "g", "1")).startswith(b"WRONGTYPE")


def test_xpending_extended(c):
    fill(c, n=5)
    c("XGROUP", "CREATE", "s", "g", "0")
    c("XREADGROUP", "GROUP", "g", "a", "COUNT", "2", "STREAMS", "s", ">")
    c("XREADGROUP", "GROUP", "g", "b", "STREAMS", "s", ">")
    def ids(reply):
        return [(e[0], e[1], e[3]) for e in reply]
    assert ids(c("XPENDING", "s", "g", "-", "+", "10")) == \
        [(b"%d-1" % i, b"a" if i < 3 else b"b", 1) for i in range(1, 6)]
    assert ids(c("XPENDING", "s", "g", "(1-1", "(5-1", "10")) == \
        [(b"2-1", b"a", 1), (b"3-1", b"b", 1), (b"4-1", b"b", 1)]
    assert ids(c("XPENDING", "s", "g", "-", "+", "2", "b")) == [(b"3-1", b"b", 1), (b"4-1", b"b", 1)]
    assert c("XPENDING", "s", "g", "-", "+", "2", "nobody") == []
    assert c("XPENDING", "s", "g", "-", "+", "-5") == []
    assert ids(c("XPENDING", "s", "g", "IDLE", "0", "-", "+", "1")) == [(b"1-1", b"a", 1)]
    assert c("XPENDING", "s", "g", "IDLE", "100000", "-", "+", "10") == []
    for e in c("XPENDING", "s", "g", "-", "+", "10"):
        assert 0 <= e[2] < 5000
    assert err(c("XPENDING", "s", "g", "-", "+")) == b"ERR syntax error"
    assert err(c("XPENDING", "s", "g", "IDLE", "10", "-", "+")) == b"ERR syntax error"
    assert err(c("XPENDING", "s", "g", "IDLE", "x", "-", "+", "1")) == \
        b"ERR value is not an integer or out of range"
    assert err(c("XPENDING", "s", "g", "-", "+", "x")) == b"ERR value is not an integer or out of range"
    assert err(c("XPENDING", "s", "g", "(-", "+", "1")) == INVALID_ID
    assert err(c("XPENDING", "s", "g", "x", "+", "1")) == INVALID_ID
    assert err(c("XPENDING", "s", "g", "(18446744073709551615-18446744073709551615", "+", "1")) == \
        b"ERR invalid start ID for the interval"
    assert err(c("XPENDING", "s", "g", "-", "(0-0", "1")) == b"ERR invalid end ID for the interval"
    assert err(c("XPENDING", "s", "nog")) == b"NOGROUP No such key 's' or consumer group 'nog'"
    assert err(c("XPENDING", "nokey", "g")) == b"NOGROUP No such key 'nokey' or consumer group 'g'"


# ------------------------------------------------------------------ XCLAIM / XAUTOCLAIM

def test_xclaim(c):
    fill(c, n=4)
    c("XGROUP", "CREATE", "s", "g", "0")
    c("XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", ">")
    assert err(c("XCLAIM", "s", "nog", "b", "0", "1-1")) == b"NOGROUP No such key 's' or consumer group 'nog'"
    assert err(c("XCLAIM", "s", "g", "b", "x", "1-1")) == b"ERR Invalid min-idle-time argument for XCLAIM"
    assert err(c("XCLAIM", "s", "g", "b", "0", "1-1", "FOO")) == b"ERR Unrecognized XCLAIM option 'FOO'"
    assert err(c("XCLAIM", "s", "g", "b", "0", "1-1", "IDLE", "x")) == \
        b"ERR Invalid IDLE option argument for XCLAIM"
    assert err(c("XCLAIM", "s", "g", "b", "0", "1-1", "TIME", "x")) == \
        b"ERR Invalid TIME option argument for XCLAIM"
    assert err(c("XCLAIM", "s", "g", "b", "0", "1-1", "RETRYCOUNT", "x")) == \
        b"ERR Invalid RETRYCOUNT option argument for XCLAIM"
    assert err(c("XCLAIM", "s", "g", "b", "0", "1-1", "LASTID", "x")) == INVALID_ID
    # min-idle not reached: nothing
    assert c("XCLAIM", "s", "g", "b", "100000", "1-1") == []
    assert c("XCLAIM", "s", "g", "b", "0", "1-1", "2-1") == \
        [[b"1-1", [b"f", b"v1"]], [b"2-1", [b"f", b"v2"]]]
    assert c("XCLAIM", "s", "g", "b", "0", "3-1", "JUSTID") == [b"3-1"]
    pend = c("XPENDING", "s", "g", "-", "+", "10")
    assert [(e[0], e[1], e[3]) for e in pend] == \
        [(b"1-1", b"b", 2), (b"2-1", b"b", 2), (b"3-1", b"b", 1), (b"4-1", b"a", 1)]
    assert c("XCLAIM", "s", "g", "c", "0", "4-1", "RETRYCOUNT", "7", "IDLE", "60000", "JUSTID") == [b"4-1"]
    e = c("XPENDING", "s", "g", "4-1", "4-1", "1")[0]
    assert e[1] == b"c" and e[3] == 7 and 60000 <= e[2] < 65000
    # not pending: nothing, unless FORCE (the entry must exist)
    c("XADD", "s", "5-1", "f", "v5")
    assert c("XCLAIM", "s", "g", "c", "0", "5-1", "JUSTID") == []
    assert c("XCLAIM", "s", "g", "c", "0", "5-1", "9-9", "FORCE", "JUSTID") == [b"5-1"]
    assert c("XPENDING", "s", "g", "5-1", "5-1", "1")[0][3] == 1   # a new record counts 1
    # LASTID moves the group forward
    assert c("XCLAIM", "s", "g", "c", "0", "5-1", "LASTID", "7-0", "JUSTID") == [b"5-1"]
    assert c("XINFO", "GROUPS", "s")[0][7] == b"7-0"
    # a deleted entry leaves the PEL
    c("XDEL", "s", "1-1")
    assert c("XCLAIM", "s", "g", "a", "0", "1-1", "2-1", "JUSTID") == [b"2-1"]
    assert c("XPENDING", "s", "g")[1] == b"2-1"


def test_xautoclaim(c):
    fill(c, n=5)
    c("XGROUP", "CREATE", "s", "g", "0")
    c("XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", ">")
    assert c("XAUTOCLAIM", "s", "g", "b", "0", "0", "COUNT", "2") == \
        [b"3-1", [[b"1-1", [b"f", b"v1"]], [b"2-1", [b"f", b"v2"]]], []]
    c("XDEL", "s", "3-1", "4-1")
    assert c("XAUTOCLAIM", "s", "g", "b", "0", "3-1", "COUNT", "3", "JUSTID") == \
        [b"0-0", [b"5-1"], [b"3-1", b"4-1"]]
    assert c("XAUTOCLAIM", "s", "g", "c", "100000", "-") == [b"0-0", [], []]
    assert c("XAUTOCLAIM", "s", "g", "c", "0", "(1-1", "JUSTID") == [b"0-0", [b"2-1", b"5-1"], []]
    pend = c("XPENDING", "s", "g", "-", "+", "10")
    assert [(e[0], e[1], e[3]) for e in pend] == [(b"1-1", b"b", 2), (b"2-1", b"c", 2), (b"5-1", b"c", 1)]
    assert err(c("XAUTOCLAIM", "s", "g", "c", "0", "0", "COUNT", "0")) == b"ERR COUNT must be > 0"
    assert err(c("XAUTOCLAIM", "s", "g", "c", "0", "0", "FOO")) == b"ERR syntax error"
    assert err(c("XAUTOCLAIM", "s", "g", "c", "x", "0")) == b"ERR Invalid min-idle-time argument for XAUTOCLAIM"
    assert err(c("XAUTOCLAIM", "s", "g", "c", "0", "x")) == INVALID_ID
    assert err(c("XAUTOCLAIM", "s", "nog", "c", "0", "0")) == b"NOGROUP No such key 's' or consumer group 'nog'"
    assert err(c("XAUTOCLAIM", "s", "g", "c", "0")) == b"ERR wrong number of arguments for 'xautoclaim' command"


# ------------------------------------------------------------------ XINFO

def test_xinfo_stream_and_lag(c):
    fill(c, n=3)
    c("XGROUP", "CREATE", "s", "g", "0")
    c("XREADGROUP", "GROUP", "g", "a", "COUNT", "1", "STREAMS", "s", ">")
    info = c("XINFO", "STREAM", "s")
    d = dict(zip(info[::2], info[1::2]))
    assert d[b"length"] == 3 and d[b"groups"] == 1 and d[b"entries-added"] == 3
    assert d[b"last-generated-id"] == b"3-1" and d[b"max-deleted-entry-id"] == b"0-0"
    assert d[b"recorded-first-entry-id"] == b"1-1"
    assert d[b"first-entry"] == [b"1-1", [b"f", b"v1"]] and d[b"last-entry"] == [b"3-1", [b"f", b"v3"]]
    g = c("XINFO", "GROUPS", "s")[0]
    assert g == [b"name", b"g", b"consumers", 1, b"pending", 1, b"last-delivered-id", b"1-1",
                 b"entries-read", 1, b"lag", 2]
    c("XDEL", "s", "2-1")   # a hole after the group's position: lag unknown
    g = c("XINFO", "GROUPS", "s")[0]
    assert (g[9], g[11]) == (1, None)
    c("XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", ">")
    g = c("XINFO", "GROUPS", "s")[0]
    # the hole is behind the group now: the counter goes on from 1, so
    # entries-read is 2 and lag 1 although everything was read (Redis's count)
    assert (g[7], g[9], g[11]) == (b"3-1", 2, 1)
    full = c("XINFO", "STREAM", "s", "FULL", "COUNT", "1")
    d = dict(zip(full[::2], full[1::2]))
    assert d[b"entries"] == [[b"1-1", [b"f", b"v1"]]]
    grp = dict(zip(d[b"groups"][0][::2], d[b"groups"][0][1::2]))
    assert grp[b"name"] == b"g" and grp[b"pel-count"] == 2 and len(grp[b"pending"]) == 1
    assert grp[b"pending"][0][0] == b"1-1" and grp[b"pending"][0][1] == b"a"
    now = int(time.time() * 1000)
    assert abs(grp[b"pending"][0][2] - now) < 5000 and grp[b"pending"][0][3] == 1
    con = dict(zip(grp[b"consumers"][0][::2], grp[b"consumers"][0][1::2]))
    assert con[b"name"] == b"a" and con[b"pel-count"] == 2 and abs(con[b"seen-time"] - now) < 5000
    assert [p[0] for p in con[b"pending"]] == [b"1-1"]
    assert err(c("XINFO", "STREAM", "s", "FULL", "COUNT")).startswith(
        b"ERR unknown subcommand or wrong number of arguments for 'STREAM'. Try XINFO HELP.")
    assert err(c("XINFO", "STREAM", "s", "FULL", "COUNT", "x")) == b"ERR value is not an integer or out of range"
    assert err(c("XINFO", "STREAM", "nokey")) == b"ERR no such key"
    assert err(c("XINFO", "CONSUMERS", "s", "nog")) == b"NOGROUP No such consumer group 'nog' for key name 's'"
    cons = c("XINFO", "CONSUMERS", "s", "g")
    assert cons[0][:4] == [b"name", b"a", b"pending", 2] and 0 <= cons[0][5] < 5000
    assert c("XINFO", "HELP")[0].startswith(b"XINFO <subcommand>")


def test_xinfo_full_empty_groups(c):
    c("XADD", "s", "1-1", "a", "1")
    full = c("XINFO", "STREAM", "s", "FULL")
    d = dict(zip(full[::2], full[1::2]))
    assert d[b"groups"] == [] and d[b"entries"] == [[b"1-1", [b"a", b"1"]]]


# ------------------------------------------------------------------ events, errorstats

def test_keyspace_events(r, connect):
    r.config_set("notify-keyspace-events", "Et")
    try:
        sub = connect()
        sub.cmd("PSUBSCRIBE", "__keyevent@*__:*")
        c = connect().cmd
        c("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
        c("XGROUP", "CREATECONSUMER", "s", "g", "a")
        c("XGROUP", "SETID", "s", "g", "0")
        c("XGROUP", "DELCONSUMER", "s", "g", "a")
        c("XREADGROUP", "GROUP", "g", "b", "STREAMS", "s", ">")
        c("XGROUP", "DESTROY", "s", "g")
        sub.send_command("PING")
        events = []
        while True:
            m = sub.read_reply()
            if m == [b"pong", b""]:
                break
            events.append(m[2].split(b":", 1)[1])
        assert events == [b"xgroup-create", b"xgroup-createconsumer", b"xgroup-setid",
                          b"xgroup-delconsumer", b"xgroup-destroy"]
    finally:
        r.config_set("notify-keyspace-events", "")


def test_nogroup_in_errorstats(c):
    c("CONFIG", "RESETSTAT")
    c("XADD", "s", "1-1", "f", "v")
    err(c("XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", ">"))
    err(c("XPENDING", "s", "g"))
    info = c("INFO", "errorstats").decode()
    assert "errorstat_NOGROUP:count=2" in info


def test_copy_keeps_groups(c):
    fill(c, n=2)
    c("XGROUP", "CREATE", "s", "g", "0")
    c("XREADGROUP", "GROUP", "g", "a", "COUNT", "1", "STREAMS", "s", ">")
    assert c("COPY", "s", "t") == 1
    c("XACK", "s", "g", "1-1")
    assert c("XPENDING", "t", "g") == [1, b"1-1", b"1-1", [[b"a", b"1"]]]
    assert c("XPENDING", "s", "g")[0] == 0
    assert c("XINFO", "GROUPS", "t")[0][7] == b"1-1"


# ------------------------------------------------------------------ propagation

AOF_ARGS = ("--appendonly", "yes", "--appendfsync", "always", "--aof-use-rdb-preamble", "yes")


@pytest.fixture
def aof(start_server):
    from test_aof_effects import Aof
    srv = start_server(*AOF_ARGS)
    conn = srv.raw()
    a = Aof(srv)
    yield conn.cmd, a
    conn.close()


def masked(cmds):
    """XCLAIM's TIME value (a clock) replaced by b'T'."""
    out = []
    for cmd in cmds:
        cmd = list(cmd)
        if cmd[0].upper() == b"XCLAIM" and len(cmd) > 7 and cmd[6] == b"TIME":
            assert abs(int(cmd[7]) - time.time() * 1000) < 10000
            cmd[7] = b"T"
        out.append(cmd)
    return out


def test_propagation_xreadgroup(aof):
    c, a = aof
    c("XADD", "s", "1-1", "f", "v1")
    c("XADD", "s", "2-1", "f", "v2")
    c("XGROUP", "CREATE", "s", "g", "0")
    a.new()
    c("XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", ">")
    assert masked(a.new()) == [
        [b"MULTI"],
        [b"XCLAIM", b"s", b"g", b"a", b"0", b"1-1", b"TIME", b"T", b"RETRYCOUNT", b"1",
         b"FORCE", b"JUSTID", b"LASTID", b"1-1"],
        [b"XCLAIM", b"s", b"g", b"a", b"0", b"2-1", b"TIME", b"T", b"RETRYCOUNT", b"1",
         b"FORCE", b"JUSTID", b"LASTID", b"2-1"],
        [b"EXEC"]]
    # nothing new: a consumer made, nothing propagated
    c("XREADGROUP", "GROUP", "g", "b", "STREAMS", "s", ">")
    c("XADD", "s", "3-1", "f", "v3")
    c("XREADGROUP", "GROUP", "g", "c", "NOACK", "STREAMS", "s", ">")
    assert masked(a.new()) == [
        [b"XADD", b"s", b"3-1", b"f", b"v3"],
        [b"MULTI"],
        [b"XGROUP", b"CREATECONSUMER", b"s", b"g", b"c"],
        [b"XGROUP", b"SETID", b"s", b"g", b"3-1", b"ENTRIESREAD", b"3"],
        [b"EXEC"]]
    c("XREADGROUP", "GROUP", "g", "a", "COUNT", "1", "STREAMS", "s", "0")
    assert a.new() == []


def test_propagation_xack_xclaim_xautoclaim(aof):
    c, a = aof
    c("XADD", "s", "1-1", "f", "v1")
    c("XADD", "s", "2-1", "f", "v2")
    c("XGROUP", "CREATE", "s", "g", "0")
    c("XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", ">")
    a.new()
    c("XADD", "s", "3-0", "f", "v3")
    c("XCLAIM", "s", "g", "b", "0", "3-0", "FORCE", "RETRYCOUNT", "5")
    c("XCLAIM", "s", "g", "b", "0", "3", "RETRYCOUNT", "5")   # the ID as written
    assert masked(a.new())[1:] == [
        [b"XCLAIM", b"s", b"g", b"b", b"0", b"3-0", b"TIME", b"T", b"RETRYCOUNT", b"5",
         b"FORCE", b"JUSTID", b"LASTID", b"2-1"],
        [b"XCLAIM", b"s", b"g", b"b", b"0", b"3", b"TIME", b"T", b"RETRYCOUNT", b"5",
         b"FORCE", b"JUSTID", b"LASTID", b"2-1"]]
    c("XCLAIM", "s", "g", "b", "0", "9-9", "LASTID", "5-0")
    assert a.new() == [[b"XGROUP", b"SETID", b"s", b"g", b"5-0", b"ENTRIESREAD", b"2"]]
    c("XAUTOCLAIM", "s", "g", "c", "0", "0", "JUSTID")
    got = masked(a.new())
    assert [x[:6] for x in got[1:-1]] == [[b"XCLAIM", b"s", b"g", b"c", b"0", b"1-1"],
                                         [b"XCLAIM", b"s", b"g", b"c", b"0", b"2-1"],
                                         [b"XCLAIM", b"s", b"g", b"c", b"0", b"3-0"]]
    assert got[0] == [b"MULTI"] and got[-1] == [b"EXEC"]
    assert [x[9] for x in got[1:-1]] == [b"1", b"1", b"5"]   # JUSTID keeps the count
    c("XACK", "s", "g", "1-1", "7-7")
    assert a.new() == [[b"XACK", b"s", b"g", b"1-1", b"7-7"]]
    c("XACK", "s", "g", "7-7")
    c("XGROUP", "CREATECONSUMER", "s", "g", "z")
    c("XGROUP", "DELCONSUMER", "s", "g", "z")
    c("XGROUP", "DESTROY", "s", "g")
    assert a.new() == [[b"XGROUP", b"CREATECONSUMER", b"s", b"g", b"z"],
                       [b"XGROUP", b"DELCONSUMER", b"s", b"g", b"z"],
                       [b"XGROUP", b"DESTROY", b"s", b"g"]]


def test_wrongtype_checked_after_arguments(c):
    c("SET", "str", "x")
    assert err(c("XAUTOCLAIM", "str", "g", "c", "0", "0", "FOO")) == b"ERR syntax error"
    assert err(c("XAUTOCLAIM", "str", "g", "c", "0", "0")).startswith(b"WRONGTYPE")
    assert err(c("XPENDING", "str", "g", "-", "+")) == b"ERR syntax error"
    assert err(c("XPENDING", "str", "g")).startswith(b"WRONGTYPE")
    assert err(c("XCLAIM", "str", "g", "c", "x", "1")).startswith(b"WRONGTYPE")
    assert err(c("XINFO", "GROUPS", "str")).startswith(b"WRONGTYPE")
    assert err(c("XGROUP", "CREATE", "str", "g", "0", "FOO")).startswith(b"ERR unknown subcommand")
    assert err(c("XGROUP", "DESTROY", "str", "g")).startswith(b"WRONGTYPE")


def test_xinfo_resp3_maps(raw):
    c = raw.cmd
    c("HELLO", "3")
    c("XADD", "s", "1-1", "f", "v")
    c("XGROUP", "CREATE", "s", "g", "0")
    c("XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", ">")
    (g,) = c("XINFO", "GROUPS", "s")
    assert dict(g) == {b"name": b"g", b"consumers": 1, b"pending": 1, b"last-delivered-id": b"1-1",
                       b"entries-read": 1, b"lag": 0}
    info = dict(c("XINFO", "STREAM", "s"))
    assert info[b"groups"] == 1 and info[b"first-entry"] == [b"1-1", [b"f", b"v"]]
    full = dict(c("XINFO", "STREAM", "s", "FULL"))
    grp = dict(full[b"groups"][0])
    assert grp[b"pel-count"] == 1 and dict(grp[b"consumers"][0])[b"name"] == b"a"
    (con,) = c("XINFO", "CONSUMERS", "s", "g")
    assert dict(con)[b"pending"] == 1
    c("XGROUP", "SETID", "s", "g", "0")
    assert dict(c("XINFO", "GROUPS", "s")[0])[b"entries-read"] is Null


def test_propagation_of_served_blocked_xreadgroup(start_server):
    from test_aof_effects import Aof
    srv = start_server(*AOF_ARGS)
    c, w = srv.raw(), srv.raw()
    a = Aof(srv)
    try:
        c.cmd("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
        a.new()
        w.send_command("XREADGROUP", "GROUP", "g", "a", "BLOCK", "0", "STREAMS", "s", ">")
        time.sleep(0.2)
        c.cmd("XADD", "s", "1-1", "f", "v")
        assert w.read_reply() == [[b"s", [[b"1-1", [b"f", b"v"]]]]]
        assert masked(a.new()) == [
            [b"XADD", b"s", b"1-1", b"f", b"v"],
            [b"XCLAIM", b"s", b"g", b"a", b"0", b"1-1", b"TIME", b"T", b"RETRYCOUNT", b"1",
             b"FORCE", b"JUSTID", b"LASTID", b"1-1"]]
    finally:
        c.close()
        w.close()
