"""Bugs of the type commands, each checked against Redis 7.0's behaviour:
blocking pops with a sub-millisecond timeout; waiters served when a list or
sorted set is moved into place (RENAME, MOVE, SWAPDB, COPY); uniform
ZRANDMEMBER/HRANDFIELD/SRANDMEMBER picks on hash-table encodings (the
suite's chi-square test); MOVE and DBSIZE; a -0 score in ZUNION/ZINTER/ZDIFF
replies."""

import time
from collections import Counter

import pytest

from conftest import (SLOW, NIL_ARRAY, bulk, integer, err, array, run, OK,
                      blocked, wait_blocked)


# ------------------------------------------------------ tiny timeouts

@pytest.mark.parametrize("cmd", [
    ["BLPOP", "nokey", "0.001"], ["BRPOP", "nokey", "0.001"],
    ["BLMPOP", "0.001", "1", "nokey", "LEFT"], ["BLMOVE", "nokey", "d", "LEFT", "LEFT", "0.001"],
    ["BRPOPLPUSH", "nokey", "d", "0.001"], ["BZPOPMIN", "nokey", "0.001"],
    ["BZMPOP", "0.001", "1", "nokey", "MIN"], ["BLPOP", "nokey", "0.0001"],
])
def test_tiny_timeout_times_out(r, connect, cmd):
    c = connect()
    for _ in range(5):
        t0 = time.time()
        assert c.cmd_raw(*cmd) == NIL_ARRAY
        assert time.time() - t0 < 1.0 * SLOW
    assert blocked(r) == 0


def test_tiny_timeout_then_served_normally(r, connect):
    c = connect()
    assert c.cmd_raw("BLPOP", "k", "0.001") == NIL_ARRAY
    c.send_command("BLPOP", "k", "0")
    wait_blocked(r, 1)
    r.rpush("k", "v")
    assert c.read_reply_raw() == array(bulk("k"), bulk("v"))


# ------------------------------------------- served by a key moved in

POPS = {
    "blpop": (["BLPOP", "foo", "0"], array(bulk("foo"), bulk("hij")), [b"def", b"abc"]),
    "brpop": (["BRPOP", "foo", "0"], array(bulk("foo"), bulk("abc")), [b"hij", b"def"]),
    "blmpop_left": (["BLMPOP", "0", "1", "foo", "LEFT", "COUNT", "2"],
                    array(bulk("foo"), array(bulk("hij"), bulk("def"))), [b"abc"]),
    "blmpop_right": (["BLMPOP", "0", "1", "foo", "RIGHT", "COUNT", "2"],
                     array(bulk("foo"), array(bulk("abc"), bulk("def"))), [b"hij"]),
    "blmove": (["BLMOVE", "foo", "x", "RIGHT", "LEFT", "0"], bulk("abc"), [b"hij", b"def"]),
}


@pytest.mark.parametrize("how", ["rename", "move", "swapdb", "copy"])
@pytest.mark.parametrize("pop", sorted(POPS))
def test_list_waiter_served_by_key_moved_into_place(r, connect, how, pop):
    cmd, reply, rest = POPS[pop]
    waiter, other = connect(), connect()
    waiter.send_command(*cmd)
    wait_blocked(r, 1)
    if how in ("rename", "copy"):
        other.cmd("LPUSH", "bob", "abc", "def", "hij")
        got = other.cmd_raw(how.upper(), "bob", "foo")
        assert got == (OK if how == "rename" else integer(1))
    else:
        other.cmd("SELECT", "1")
        other.cmd("LPUSH", "foo", "abc", "def", "hij")
        got = other.cmd_raw(*(["MOVE", "foo", "0"] if how == "move" else ["SWAPDB", "0", "1"]))
        assert got == (integer(1) if how == "move" else OK)
    assert waiter.read_reply_raw() == reply
    assert r.lrange("foo", 0, -1) == rest
    assert blocked(r) == 0


@pytest.mark.parametrize("cmd,reply", [
    (["BZPOPMIN", "z", "0"], array(bulk("z"), bulk("a"), bulk("1"))),
    (["BZPOPMAX", "z", "0"], array(bulk("z"), bulk("c"), bulk("3"))),
    (["BZMPOP", "0", "1", "z", "MIN", "COUNT", "2"],
     array(bulk("z"), array(array(bulk("a"), bulk("1")), array(bulk("b"), bulk("2"))))),
])
def test_zset_waiter_served_by_rename(r, connect, cmd, reply):
    waiter = connect()
    waiter.send_command(*cmd)
    wait_blocked(r, 1)
    r.zadd("src", {"a": 1, "b": 2, "c": 3})
    r.rename("src", "z")
    assert waiter.read_reply_raw() == reply


# ---------------------------------------------------- uniform picks

def chi_square(values, buckets):
    counts = Counter(values)
    assert set(counts) <= set(buckets)
    expected = len(values) / len(buckets)
    return sum((counts.get(b, 0) - expected) ** 2 / expected for b in buckets)


@pytest.fixture
def big_encodings(r):
    saved = {k: r.config_get(k)[k] for k in ("zset-max-listpack-entries",
                                            "hash-max-listpack-entries",
                                            "set-max-intset-entries")}
    r.config_set("zset-max-listpack-entries", 0)
    r.config_set("hash-max-listpack-entries", 0)
    r.config_set("set-max-intset-entries", 0)
    yield
    for k, v in saved.items():
        r.config_set(k, v)


MEMBERS = [str(i).encode() for i in range(10)]


def make(r, kind):
    if kind == "zset":
        r.zadd("k", {m: i for i, m in enumerate(MEMBERS)})
        return "ZRANDMEMBER", "skiplist"
    if kind == "hash":
        r.hset("k", mapping={m: b"v" for m in MEMBERS})
        return "HRANDFIELD", "hashtable"
    r.sadd("k", *MEMBERS)
    return "SRANDMEMBER", "hashtable"


@pytest.mark.parametrize("kind", ["zset", "hash", "set"])
def test_random_picks_with_count_are_uniform(r, big_encodings, kind):
    cmd, enc = make(r, kind)
    assert r.object("encoding", "k") == enc.encode()
    # df = 9: 40 has probability 0.00001 for a uniform pick, as in the suite
    for _ in range(3):
        res = r.execute_command(cmd, "k", -1000)
        assert len(res) == 1000
        assert chi_square(res, MEMBERS) < 40
    # single picks too
    res = [r.execute_command(cmd, "k") for _ in range(500)]
    assert chi_square(res, MEMBERS) < 40
    # distinct picks: every member shows up about as often
    res = []
    for _ in range(200):
        got = r.execute_command(cmd, "k", 5)
        assert len(set(got)) == 5
        res += got
    assert chi_square(res, MEMBERS) < 40


# -------------------------------------------------------- MOVE, DBSIZE

def test_move_and_dbsize(raw):
    run(raw, [
        ("SET mykey foobar", OK), ("MOVE mykey 10", integer(1)),
        ("EXISTS mykey", integer(0)), ("DBSIZE", integer(0)),
        ("SELECT 10", OK), ("GET mykey", bulk("foobar")), ("DBSIZE", integer(1)),
        ("SELECT 0", OK),
        ("SET mykey hello", OK), ("MOVE mykey 10", integer(0)), ("DBSIZE", integer(1)),
        ("MOVE nokey 10", integer(0)),
        ("MOVE mykey 0", err("ERR source and destination objects are the same")),
        ("MOVE mykey 16", err("ERR DB index is out of range")),
        ("MOVE mykey -1", err("ERR DB index is out of range")),
        ("MOVE mykey x", err("ERR value is not an integer or out of range")),
        ("MOVE mykey", err("ERR wrong number of arguments for 'move' command")),
        ("SET t v EX 100", OK), ("MOVE t 10", integer(1)), ("DBSIZE", integer(1)),
        ("SELECT 10", OK), ("DBSIZE", integer(2)),
    ])
    assert 0 < raw.cmd("TTL", "t") <= 100


def test_move_expired_key(raw):
    run(raw, [("SET e v PX 1", OK)])
    time.sleep(0.05)
    run(raw, [("MOVE e 1", integer(0)), ("DBSIZE", integer(0)),
              ("SELECT 1", OK), ("EXISTS e", integer(0)), ("DBSIZE", integer(0))])


# ------------------------------------------------------------- -0 scores

def test_negative_zero_scores(raw):
    run(raw, [("ZADD a 0 x 1 y", integer(2)), ("ZADD b 0 x", integer(1)),
              ("ZUNION 2 a b WEIGHTS -1 -1 WITHSCORES",
               array(bulk("y"), bulk("-1"), bulk("x"), bulk("-0"))),
              ("ZINTER 2 a b WEIGHTS -1 -1 WITHSCORES", array(bulk("x"), bulk("-0"))),
              ("ZINTER 2 a b WEIGHTS -1 1 WITHSCORES", array(bulk("x"), bulk("0"))),
              ("ZUNION 1 a WEIGHTS -1 AGGREGATE MIN WITHSCORES",
               array(bulk("y"), bulk("-1"), bulk("x"), bulk("-0"))),
              # a stored (listpack) result keeps no sign on zero
              ("ZUNIONSTORE d 2 a b WEIGHTS -1 -1", integer(2)),
              ("ZRANGE d 0 -1 WITHSCORES", array(bulk("y"), bulk("-1"), bulk("x"), bulk("0"))),
              ("ZSCORE a x", bulk("0")),
              ("CONFIG SET zset-max-listpack-entries 0", OK),
              ("ZADD z -0 m", integer(1)), ("ZSCORE z m", bulk("-0")),
              ("ZDIFF 1 z WITHSCORES", array(bulk("m"), bulk("-0"))),
              ("ZINCRBY z -0 m", bulk("-0")),
              ("CONFIG SET zset-max-listpack-entries 128", OK)])
    raw.cmd("HELLO", "3")
    assert raw.cmd_raw("ZUNION", "2", "a", "b", "WEIGHTS", "-1", "-1", "WITHSCORES") == \
        b"*2\r\n*2\r\n$1\r\ny\r\n,-1\r\n*2\r\n$1\r\nx\r\n,-0\r\n"
