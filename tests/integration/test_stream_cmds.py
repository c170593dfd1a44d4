"""Stream commands without consumer groups, as Redis 7.0.15: XADD (IDs,
NOMKSTREAM, MAXLEN/MINID =/~ LIMIT), XRANGE/XREVRANGE (exclusive, COUNT),
XLEN, XDEL, XTRIM, XSETID, XREAD (COUNT, BLOCK, $, several streams), every
error, WRONGTYPE, type integration (TYPE, OBJECT ENCODING, SCAN TYPE, COPY,
RENAME, MOVE), keyspace events and what reaches the AOF. Differential: the
same expectations hold on redis-server.
"""

import os
import threading
import time

import pytest
import redis

from persist_helpers import parse_aof

BAD_ID = "Invalid stream ID specified as stream command argument"
SMALL = "The ID specified in XADD is equal or smaller than the target stream top item"
WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"


@pytest.fixture
def x(r):
    r.response_callbacks.clear()

    def run(*args):
        return r.execute_command(*args)
    return run


def err(x, *args):
    with pytest.raises(redis.ResponseError) as e:
        x(*args)
    return str(e.value)


def ids(reply):
    return [e[0] for e in reply]


# ---------------------------------------------------------------- XADD

def test_xadd_ids(x):
    assert x("XADD", "s", "1-1", "f", "v") == b"1-1"
    assert x("XADD", "s", "1-*", "f", "v") == b"1-2"
    assert x("XADD", "s", "5", "f", "v") == b"5-0"
    assert x("XADD", "s", "5-*", "f", "v") == b"5-1"
    assert err(x, "XADD", "s", "5-1", "f", "v") == SMALL
    assert err(x, "XADD", "s", "4-*", "f", "v") == SMALL
    assert err(x, "XADD", "s", "3", "f", "v") == SMALL
    assert err(x, "XADD", "s", "5", "f", "v") == SMALL  # 5 alone is 5-0, not 5-*
    new = x("XADD", "s", "*", "f", "v")
    ms, seq = new.split(b"-")
    assert int(ms) > 5 and seq == b"0"
    assert err(x, "XADD", "t", "0-0", "f", "v") == \
        "The ID specified in XADD must be greater than 0-0"
    assert x("EXISTS", "t") == 0
    assert x("XADD", "t", "0-*", "f", "v") == b"0-1"
    assert x("XADD", "u", "18446744073709551615-18446744073709551615", "f", "v") == \
        b"18446744073709551615-18446744073709551615"
    assert err(x, "XADD", "u", "*", "f", "v") == \
        "The stream has exhausted the last possible ID, unable to add more items"
    x("XADD", "w", "7-18446744073709551615", "f", "v")
    # Redis's quirk: a full sequence under "<ms>-*" reports this
    assert err(x, "XADD", "w", "7-*", "f", "v") == "Elements are too large to be stored"
    assert int(x("XADD", "w", "*", "f", "v").split(b"-")[0]) > 1600000000000  # the clock


def test_xadd_errors(x):
    for bad in ("abc", "1-x", "-", "+", "1-2-3", "-1", "1-*-2"):
        assert err(x, "XADD", "s", bad, "f", "v") == BAD_ID
    assert err(x, "XADD", "s", "*", "f") == "wrong number of arguments for 'xadd' command"
    assert err(x, "XADD", "s", "*", "f", "v", "g") == \
        "wrong number of arguments for 'xadd' command"
    assert err(x, "XADD", "s", "*") == "wrong number of arguments for 'xadd' command"
    assert err(x, "XADD", "s", "MAXLEN", "-1", "*", "f", "v") == \
        "The MAXLEN argument must be >= 0."
    assert err(x, "XADD", "s", "MAXLEN", "x", "*", "f", "v") == \
        "value is not an integer or out of range"
    assert err(x, "XADD", "s", "MAXLEN", "1", "MINID", "1", "*", "f", "v") == \
        "syntax error, MAXLEN and MINID options at the same time are not compatible"
    assert err(x, "XADD", "s", "LIMIT", "10", "*", "f", "v") == \
        "syntax error, LIMIT cannot be used without specifying a trimming strategy"
    assert err(x, "XADD", "s", "MAXLEN", "10", "LIMIT", "10", "*", "f", "v") == \
        "syntax error, LIMIT cannot be used without the special ~ option"
    assert err(x, "XADD", "s", "MAXLEN", "~", "10", "LIMIT", "-1", "*", "f", "v") == \
        "The LIMIT argument must be >= 0."
    assert err(x, "XADD", "s", "MINID", "~", "x", "*", "f", "v") == BAD_ID
    assert x("EXISTS", "s") == 0
    x("SET", "str", "1")
    assert err(x, "XADD", "str", "*", "f", "v") == WRONGTYPE


def test_xadd_nomkstream_and_trim(x):
    assert x("XADD", "s", "NOMKSTREAM", "*", "f", "v") is None
    assert x("EXISTS", "s") == 0
    for i in range(1, 11):
        x("XADD", "s", "%d-0" % i, "f", str(i))
    assert x("XADD", "s", "NOMKSTREAM", "MAXLEN", "=", "5", "11-0", "f", "v") == b"11-0"
    assert x("XLEN", "s") == 5
    assert ids(x("XRANGE", "s", "-", "+")) == [b"7-0", b"8-0", b"9-0", b"10-0", b"11-0"]
    x("XADD", "s", "MINID", "9", "12-0", "f", "v")
    assert ids(x("XRANGE", "s", "-", "+")) == [b"9-0", b"10-0", b"11-0", b"12-0"]
    # approximate: whole nodes only (100 entries per node by default)
    x("DEL", "s")
    for i in range(1, 251):
        x("XADD", "s", "%d-0" % i, "f", "v")
    x("XADD", "s", "MAXLEN", "~", "120", "251-0", "f", "v")
    assert x("XLEN", "s") == 151
    x("XADD", "s", "MAXLEN", "~", "0", "LIMIT", "10", "252-0", "f", "v")
    assert x("XLEN", "s") == 152


def test_node_limits(x, r):
    x("CONFIG", "SET", "stream-node-max-entries", "3")
    for i in range(1, 11):
        x("XADD", "s", "%d-0" % i, "f", "v")
    # nodes of 3: ~ trimming goes by whole nodes of three
    assert x("XTRIM", "s", "MAXLEN", "~", "5") == 3
    assert x("XLEN", "s") == 7
    x("CONFIG", "SET", "stream-node-max-entries", "100")
    x("CONFIG", "SET", "stream-node-max-bytes", "1")
    x("DEL", "s")
    for i in range(1, 6):
        x("XADD", "s", "%d-0" % i, "f", "v")
    assert x("XTRIM", "s", "MAXLEN", "~", "2") == 3  # one entry per node
    x("CONFIG", "SET", "stream-node-max-bytes", "4096")
    assert x("CONFIG", "GET", "stream-node-max-bytes") == [b"stream-node-max-bytes", b"4096"]


# ---------------------------------------------------------------- XRANGE

def test_xrange(x):
    for i in range(1, 6):
        x("XADD", "s", "%d-0" % i, "f%d" % i, "v%d" % i)
    x("XADD", "s", "5-1", "a", "1", "b", "2")
    assert x("XRANGE", "s", "-", "+", "COUNT", "2") == [[b"1-0", [b"f1", b"v1"]],
                                                       [b"2-0", [b"f2", b"v2"]]]
    assert ids(x("XRANGE", "s", "2", "4")) == [b"2-0", b"3-0", b"4-0"]
    assert ids(x("XRANGE", "s", "(2-0", "(4-0")) == [b"3-0"]
    assert ids(x("XRANGE", "s", "5", "5")) == [b"5-0", b"5-1"]
    assert ids(x("XREVRANGE", "s", "+", "-", "COUNT", "3")) == [b"5-1", b"5-0", b"4-0"]
    assert ids(x("XREVRANGE", "s", "(5-1", "(3-0")) == [b"5-0", b"4-0"]
    assert x("XRANGE", "s", "-", "+", "COUNT", "0") is None
    assert x("XRANGE", "s", "-", "+", "COUNT", "-5") is None
    assert x("XRANGE", "s", "4", "2") == []
    assert x("XRANGE", "nokey", "-", "+") == []
    assert x("XRANGE", "s", "5-1", "+") == [[b"5-1", [b"a", b"1", b"b", b"2"]]]
    assert err(x, "XRANGE", "s", "(-", "+") == BAD_ID
    assert err(x, "XRANGE", "s", "x", "+") == BAD_ID
    assert err(x, "XRANGE", "s", "(18446744073709551615-18446744073709551615", "+") == \
        "invalid start ID for the interval"
    assert err(x, "XRANGE", "s", "-", "(0-0") == "invalid end ID for the interval"
    assert err(x, "XRANGE", "s", "-", "+", "COUNT") == "syntax error"
    assert err(x, "XRANGE", "s", "-", "+", "LIMIT", "1") == "syntax error"
    assert err(x, "XRANGE", "s", "-", "+", "COUNT", "x") == \
        "value is not an integer or out of range"
    assert err(x, "XRANGE", "s", "-") == "wrong number of arguments for 'xrange' command"
    x("SET", "str", "1")
    assert err(x, "XRANGE", "str", "-", "+") == WRONGTYPE
    assert err(x, "XREVRANGE", "str", "+", "-") == WRONGTYPE
    assert err(x, "XLEN", "str") == WRONGTYPE
    assert x("XLEN", "nokey") == 0
    # integer-looking fields and values come back as sent
    x("XADD", "n", "1-0", "12", "-34", "f", "007")
    assert x("XRANGE", "n", "-", "+") == [[b"1-0", [b"12", b"-34", b"f", b"007"]]]


# ---------------------------------------------------------------- XDEL, XTRIM, XSETID

def test_xdel(x):
    for i in range(1, 6):
        x("XADD", "s", "%d-0" % i, "f", "v")
    assert x("XDEL", "s", "1-0", "3-0", "3-0", "9-0") == 2
    assert ids(x("XRANGE", "s", "-", "+")) == [b"2-0", b"4-0", b"5-0"]
    assert x("XDEL", "nokey", "1-0") == 0
    assert err(x, "XDEL", "s", "2-0", "bad") == BAD_ID
    assert x("XLEN", "s") == 3  # nothing deleted when one ID is bad
    assert x("XDEL", "s", "2-0", "4-0", "5-0") == 3
    assert x("XLEN", "s") == 0 and x("EXISTS", "s") == 1  # an empty stream stays
    x("SET", "str", "1")
    assert err(x, "XDEL", "str", "1-0") == WRONGTYPE


def test_xtrim(x):
    for i in range(1, 11):
        x("XADD", "s", "%d-0" % i, "f", "v")
    assert x("XTRIM", "s", "MAXLEN", "8") == 2
    assert x("XTRIM", "s", "MAXLEN", "=", "8") == 0
    assert x("XTRIM", "s", "MINID", "5") == 2
    assert ids(x("XRANGE", "s", "-", "+"))[0] == b"5-0"
    assert x("XTRIM", "s", "MAXLEN", "~", "1") == 0  # the only node can't go whole
    assert x("XTRIM", "s", "MAXLEN", "~", "0") == 6  # ... unless nothing is left
    assert x("XTRIM", "nokey", "MAXLEN", "0") == 0
    assert err(x, "XTRIM", "s", "LIMIT", "1") == \
        "syntax error, LIMIT cannot be used without specifying a trimming strategy"
    assert err(x, "XTRIM", "s", "LIMIT", "0") == \
        "syntax error, XTRIM must be called with a trimming strategy"
    assert err(x, "XTRIM", "s", "FOO", "1") == "syntax error"
    assert err(x, "XTRIM", "s", "MAXLEN", "1", "NOMKSTREAM") == "syntax error"
    assert err(x, "XTRIM", "s", "MAXLEN", "~", "1", "LIMIT", "x") == \
        "value is not an integer or out of range"
    assert err(x, "XTRIM", "s", "MAXLEN") == "wrong number of arguments for 'xtrim' command"
    x("SET", "str", "1")
    assert err(x, "XTRIM", "str", "MAXLEN", "0") == WRONGTYPE


def test_xsetid(x):
    assert err(x, "XSETID", "s", "1-0") == "no such key"
    x("XADD", "s", "5-0", "f", "v")
    assert err(x, "XSETID", "s", "4-0") == \
        "The ID specified in XSETID is smaller than the target stream top item"
    assert x("XSETID", "s", "10-0") == b"OK"
    assert err(x, "XADD", "s", "9-0", "f", "v") == SMALL
    assert x("XADD", "s", "10-*", "f", "v") == b"10-1"
    assert err(x, "XSETID", "s", "20-0", "ENTRIESADDED", "1") == \
        "The entries_added specified in XSETID is smaller than the target stream length"
    assert err(x, "XSETID", "s", "20-0", "ENTRIESADDED", "-1") == "entries_added must be positive"
    assert err(x, "XSETID", "s", "20-0", "MAXDELETEDID", "30-0") == \
        "The ID specified in XSETID is smaller than the provided max_deleted_entry_id"
    assert err(x, "XSETID", "s", "20-0", "MAXDELETEDID", "x") == BAD_ID
    assert err(x, "XSETID", "s", "20-0", "FOO") == "syntax error"
    assert err(x, "XSETID", "s", "20-0", "ENTRIESADDED") == "syntax error"
    assert err(x, "XSETID", "s", "+") == BAD_ID
    assert x("XSETID", "s", "20-0", "ENTRIESADDED", "50", "MAXDELETEDID", "15-0") == b"OK"
    x("XDEL", "s", "5-0", "10-1")
    assert x("XSETID", "s", "1-0") == b"OK"  # empty: any ID
    x("SET", "str", "1")
    assert err(x, "XSETID", "str", "1-0") == WRONGTYPE


# ---------------------------------------------------------------- XREAD

def test_xread(x, r):
    x("XADD", "a", "1-0", "f", "1")
    x("XADD", "a", "2-0", "f", "2")
    x("XADD", "b", "3-0", "g", "3")
    assert x("XREAD", "STREAMS", "a", "b", "0", "0") == [
        [b"a", [[b"1-0", [b"f", b"1"]], [b"2-0", [b"f", b"2"]]]],
        [b"b", [[b"3-0", [b"g", b"3"]]]]]
    assert x("XREAD", "COUNT", "1", "STREAMS", "a", "nokey", "b", "1-0", "0", "3-0") == [
        [b"a", [[b"2-0", [b"f", b"2"]]]]]
    assert x("XREAD", "STREAMS", "a", "$") is None
    assert x("XREAD", "STREAMS", "a", "18446744073709551615-18446744073709551615") is None
    assert err(x, "XREAD", "STREAMS", "a") == "wrong number of arguments for 'xread' command"
    assert err(x, "XREAD", "STREAMS", "a", "b", "0") == (
        "Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.")
    assert err(x, "XREAD", "COUNT", "1", "a", "0") == "syntax error"
    assert err(x, "XREAD", "BLOCK", "x", "STREAMS", "a", "0") == \
        "timeout is not an integer or out of range"
    assert err(x, "XREAD", "BLOCK", "-1", "STREAMS", "a", "0") == "timeout is negative"
    assert err(x, "XREAD", "COUNT", "x", "STREAMS", "a", "0") == \
        "value is not an integer or out of range"
    assert err(x, "XREAD", "GROUP", "g", "c", "STREAMS", "a", "0") == \
        "The GROUP option is only supported by XREADGROUP. You called XREAD instead."
    assert err(x, "XREAD", "NOACK", "STREAMS", "a", "0") == \
        "The NOACK option is only supported by XREADGROUP. You called XREAD instead."
    assert err(x, "XREAD", "STREAMS", "a", ">") == (
        "The > ID can be specified only when calling XREADGROUP using the GROUP <group> "
        "<consumer> option.")
    assert err(x, "XREAD", "STREAMS", "a", "-") == BAD_ID
    x("SET", "str", "1")
    assert err(x, "XREAD", "STREAMS", "a", "str", "0", "0") == WRONGTYPE


def test_xread_resp3(x, raw):
    x("XADD", "b", "3-0", "g", "3")
    raw.send(b"HELLO 3\r\n")
    raw.read_reply()
    raw.send(b"XREAD STREAMS b 0\r\n")
    assert raw.read_reply_raw() == b"%1\r\n$1\r\nb\r\n*1\r\n*2\r\n$3\r\n3-0\r\n*2\r\n$1\r\ng\r\n$1\r\n3\r\n"
    raw.send(b"XREAD STREAMS b $\r\n")
    assert raw.read_reply_raw() == b"_\r\n"


def test_xread_block(server, x):
    x("XADD", "s", "1-0", "f", "old")
    got = {}

    def reader():
        c = server.client()
        c.response_callbacks.clear()
        got["r"] = c.execute_command("XREAD", "BLOCK", "5000", "STREAMS", "s", "other", "$", "$")
    t = threading.Thread(target=reader)
    t.start()
    deadline = time.time() + 5
    while x("INFO", "clients").find(b"blocked_clients:1") < 0 and time.time() < deadline:
        time.sleep(0.01)
    x("XADD", "s", "2-0", "f", "new")
    t.join(5)
    assert got["r"] == [[b"s", [[b"2-0", [b"f", b"new"]]]]]
    # timeout: a null reply
    t0 = time.time()
    assert x("XREAD", "BLOCK", "50", "STREAMS", "s", "$") is None
    assert time.time() - t0 >= 0.04
    # inside MULTI, BLOCK does not block
    x("MULTI")
    x("XREAD", "BLOCK", "0", "STREAMS", "s", "$")
    assert x("EXEC") == [None]


def wait_blocked(x, n):
    deadline = time.time() + 5
    while x("INFO", "clients").find(b"blocked_clients:%d\r" % n) < 0 and time.time() < deadline:
        time.sleep(0.01)


def test_xread_block_waiters_each_served(server, x):
    """A waiter whose ID is past the new entry does not hold up the ones
    behind it; every reader that can be served is, in order."""
    x("XADD", "s", "5-0", "f", "v")
    got = {}

    def reader(name, sid):
        c = server.client()
        c.response_callbacks.clear()
        got[name] = c.execute_command("XREAD", "BLOCK", "2000", "STREAMS", "s", sid)
    ts = []
    for name, sid in (("far", "1000-0"), ("a", "$"), ("b", "5-0")):
        t = threading.Thread(target=reader, args=(name, sid))
        t.start()
        ts.append(t)
        wait_blocked(x, len(ts))
    x("XADD", "s", "6-0", "f", "w")
    ts[1].join(5)
    ts[2].join(5)
    assert got["a"] == [[b"s", [[b"6-0", [b"f", b"w"]]]]]
    assert got["b"] == [[b"s", [[b"6-0", [b"f", b"w"]]]]]
    assert "far" not in got
    ts[0].join(5)
    assert got["far"] is None  # timed out


def test_xread_block_served_from_first_signalled_key(server, x):
    """Woken by a transaction that writes b then a, a reader blocked on
    a and b gets b's entry only, as Redis serves it."""
    got = {}

    def reader():
        c = server.client()
        c.response_callbacks.clear()
        got["r"] = c.execute_command("XREAD", "BLOCK", "3000", "STREAMS", "a", "b", "$", "$")
    t = threading.Thread(target=reader)
    t.start()
    wait_blocked(x, 1)
    x("MULTI")
    x("XADD", "b", "1-0", "f", "b")
    x("XADD", "a", "1-0", "f", "a")
    x("EXEC")
    t.join(5)
    assert got["r"] == [[b"b", [[b"1-0", [b"f", b"b"]]]]]


def test_xread_block_huge_timeout(server, x):
    """A timeout past the int64 deadline blocks (forever) until CLIENT UNBLOCK."""
    c = server.client()
    c.response_callbacks.clear()
    cid = c.execute_command("CLIENT", "ID")
    got = {}

    def reader():
        got["r"] = c.execute_command("XREAD", "BLOCK", "9223372036854775807", "STREAMS", "s", "$")
    t = threading.Thread(target=reader)
    t.start()
    deadline = time.time() + 5
    while x("INFO", "clients").find(b"blocked_clients:1") < 0 and time.time() < deadline:
        time.sleep(0.01)
    assert x("CLIENT", "UNBLOCK", cid) == 1
    t.join(5)
    assert got["r"] is None


def test_xread_block_not_woken_by_del(server, x):
    got = {}

    def reader():
        c = server.client()
        c.response_callbacks.clear()
        got["r"] = c.execute_command("XREAD", "BLOCK", "5000", "STREAMS", "s", "$")
    t = threading.Thread(target=reader)
    t.start()
    deadline = time.time() + 5
    while x("INFO", "clients").find(b"blocked_clients:1") < 0 and time.time() < deadline:
        time.sleep(0.01)
    x("MULTI")
    x("XADD", "s", "1-0", "f", "gone")
    x("DEL", "s")
    x("LPUSH", "s", "x")
    x("EXEC")
    x("DEL", "s")
    x("XADD", "s", "5-0", "f", "kept")
    t.join(5)
    assert got["r"] == [[b"s", [[b"5-0", [b"f", b"kept"]]]]]


def test_script_block(x):
    assert err(x, "EVAL", "return redis.pcall('xread','BLOCK',0,'STREAMS','s','$')", "1", "s") \
        == "xread command is not allowed with BLOCK option from scripts"
    assert x("EVAL", "return redis.pcall('xread','STREAMS','s','$')", "1", "s") is None


# ---------------------------------------------------------------- type integration

def test_type_integration(x):
    x("XADD", "s", "1-0", "f", "v")
    assert x("TYPE", "s") == b"stream"
    assert x("OBJECT", "ENCODING", "s") == b"stream"
    x("SET", "str", "v")
    assert x("SCAN", "0", "TYPE", "stream")[1] == [b"s"]
    assert x("COPY", "s", "c") == 1
    x("XADD", "c", "2-0", "g", "w")
    assert x("XLEN", "s") == 1 and x("XLEN", "c") == 2
    assert x("RENAME", "c", "d") == b"OK"
    assert ids(x("XRANGE", "d", "-", "+")) == [b"1-0", b"2-0"]
    assert x("MOVE", "d", "1") == 1
    x("SELECT", "1")
    assert x("XLEN", "d") == 2
    x("SELECT", "0")
    assert x("MEMORY", "USAGE", "s") > 0
    for cmd in (("LPUSH", "s", "x"), ("GET", "s"), ("HSET", "s", "f", "v"),
                ("SADD", "s", "m"), ("ZADD", "s", "1", "m"), ("INCR", "s")):
        assert err(x, *cmd) == WRONGTYPE


def test_keyspace_events(server, x):
    x("CONFIG", "SET", "notify-keyspace-events", "KEA")
    p = server.client().pubsub()
    p.psubscribe("__keyevent@0__:*")
    assert p.get_message(timeout=2)["type"] == "psubscribe"
    x("XADD", "s", "1-0", "f", "v")
    x("XADD", "s", "MAXLEN", "1", "2-0", "f", "v")
    x("XDEL", "s", "2-0")
    x("XDEL", "s", "9-0")  # nothing deleted: no event
    x("XSETID", "s", "5-0")
    x("XADD", "s", "6-0", "f", "v")
    x("XTRIM", "s", "MAXLEN", "0")
    x("XTRIM", "s", "MAXLEN", "0")  # nothing trimmed: no event
    events = []
    while True:
        m = p.get_message(timeout=0.5)
        if m is None:
            break
        events.append(m["channel"].split(b":", 1)[1])
    assert events == [b"xadd", b"xadd", b"xtrim", b"xdel", b"xsetid", b"xadd",
                      b"xtrim"]
    p.close()


# ---------------------------------------------------------------- propagation

AOF_ARGS = ("--appendonly", "yes", "--appendfsync", "always")


def aof_commands(srv):
    d = os.path.join(srv.dir, "appendonlydir")
    with open(os.path.join(d, "appendonly.aof.manifest")) as f:
        incr = [ln.split() for ln in f if ln.split()[-1:] == ["i"]]
    with open(os.path.join(d, incr[-1][1]), "rb") as f:
        return [c for c in parse_aof(f.read()) if c[0].upper() != b"SELECT"]


def test_propagation(start_server):
    srv = start_server(*AOF_ARGS)
    r = srv.client()
    r.response_callbacks.clear()
    auto = r.execute_command("XADD", "s", "*", "f", "v")
    with pytest.raises(redis.ResponseError):
        r.execute_command("XADD", "s", "5-*", "f", "v")  # below the clock: an error
    for i in range(1, 251):
        r.execute_command("XADD", "t", "%d-0" % i, "f", "v")
    r.execute_command("XADD", "t", "MAXLEN", "~", "120", "300-*", "f", "v")
    r.execute_command("XTRIM", "t", "MINID", "~", "280")
    r.execute_command("XTRIM", "t", "MAXLEN", "~", "1000")  # nothing: not propagated
    r.execute_command("XDEL", "t", "300-0")
    r.execute_command("XSETID", "t", "400-0", "ENTRIESADDED", "500")
    time.sleep(0.2)
    cmds = aof_commands(srv)
    assert cmds[0] == [b"XADD", b"s", auto, b"f", b"v"]
    assert cmds[1] == [b"XADD", b"t", b"1-0", b"f", b"v"]
    assert cmds[251] == [b"XADD", b"t", b"MAXLEN", b"=", b"151", b"300-0", b"f", b"v"]
    assert cmds[252] == [b"XTRIM", b"t", b"MINID", b"=", b"201-0"]
    assert cmds[253] == [b"XDEL", b"t", b"300-0"]
    assert cmds[254] == [b"XSETID", b"t", b"400-0", b"ENTRIESADDED", b"500"]
    assert len(cmds) == 255
