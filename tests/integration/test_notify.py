"""Keyspace notifications (notify-keyspace-events), as Redis 7.0.15 publishes
them: event names, classes, order, both channel kinds, "new", "keymiss",
"expired" (lazy and active), databases and binary key names.

A raw RESP2 connection PSUBSCRIBEs to '__key*@*__:*'; commands run on a
second connection; the subscriber then sends PING, whose ["pong", ""]
reply comes after every message the commands published (one thread serves
both connections in order), so no test sleeps except for active expiry.
"""

import time

import pytest

from conftest import SLOW, Err

PATTERN = "__key*@*__:*"


class Sub:
    def __init__(self, conn):
        self.c = conn
        assert conn.cmd("PSUBSCRIBE", PATTERN) == [b"psubscribe", PATTERN.encode(), 1]

    def drain(self):
        """Every (channel, message) published so far, in order."""
        self.c.send_command("PING")
        out = []
        while True:
            m = self.c.read_reply()
            if m == [b"pong", b""]:
                return out
            assert m[0] == b"pmessage" and m[1] == PATTERN.encode(), m
            out.append((m[2].decode("latin-1"), m[3].decode("latin-1")))

    def wait_for(self, n, timeout):
        """At least n messages, waiting up to timeout seconds (active expiry)."""
        out = []
        end = time.time() + timeout
        while len(out) < n and time.time() < end:
            out += self.drain()
            if len(out) < n:
                time.sleep(0.05)
        return out


@pytest.fixture
def notify(r, connect):
    """notify(flags) -> (runner, Sub): runner(*cmd) runs a command on a raw
    connection and returns its reply. The flags are reset afterwards."""
    def setup(flags):
        r.config_set("notify-keyspace-events", flags)
        runner = connect()
        return runner.cmd, Sub(connect())
    yield setup
    r.config_set("notify-keyspace-events", "")


# (setup commands, command, expected [(event, key)]) with "EAnm": keyevent
# channels, every class plus new and keymiss. Each case was observed on
# redis-server 7.0.15.
CASES = [
    # strings
    ([], ["SET", "k", "v"], [("new", "k"), ("set", "k")]),
    ([["SET", "k", "v"]], ["SET", "k", "w"], [("set", "k")]),
    ([], ["SET", "k", "v", "EX", "100"], [("new", "k"), ("set", "k"), ("expire", "k")]),
    ([], ["SET", "k", "v", "PX", "100000", "GET"],
     [("keymiss", "k"), ("new", "k"), ("set", "k"), ("expire", "k")]),
    ([["SET", "k", "v"]], ["SET", "k", "w", "NX"], []),
    ([], ["SET", "k", "w", "XX"], []),
    ([["SET", "k", "v", "EX", "100"]], ["SET", "k", "w", "KEEPTTL"], [("set", "k")]),
    ([], ["SETNX", "k", "v"], [("new", "k"), ("set", "k")]),
    ([["SET", "k", "v"]], ["SETNX", "k", "v"], []),
    ([], ["SETEX", "k", "10", "v"], [("new", "k"), ("set", "k"), ("expire", "k")]),
    ([], ["PSETEX", "k", "10000", "v"], [("new", "k"), ("set", "k"), ("expire", "k")]),
    ([["SET", "k", "1"]], ["GETSET", "k", "2"], [("set", "k")]),
    ([], ["GETSET", "k", "2"], [("keymiss", "k"), ("new", "k"), ("set", "k")]),
    ([["SET", "k", "1"]], ["GETDEL", "k"], [("del", "k")]),
    ([], ["GETDEL", "k"], [("keymiss", "k")]),
    ([["SET", "k", "1"]], ["GETEX", "k", "EX", "10"], [("expire", "k")]),
    ([["SET", "k", "1", "EX", "10"]], ["GETEX", "k", "PERSIST"], [("persist", "k")]),
    ([["SET", "k", "1"]], ["GETEX", "k", "PERSIST"], []),
    ([["SET", "k", "1"]], ["GETEX", "k", "EXAT", "1"], [("del", "k")]),
    ([["SET", "k", "1"]], ["GETEX", "k"], []),
    ([], ["MSET", "a", "1", "b", "2"], [("new", "a"), ("set", "a"), ("new", "b"), ("set", "b")]),
    ([], ["MSETNX", "a", "1", "b", "2"], [("new", "a"), ("set", "a"), ("new", "b"), ("set", "b")]),
    ([["SET", "b", "1"]], ["MSETNX", "a", "1", "b", "2"], []),
    ([], ["INCR", "n"], [("new", "n"), ("incrby", "n")]),
    ([["SET", "n", "1"]], ["DECR", "n"], [("incrby", "n")]),
    ([["SET", "n", "1"]], ["INCRBY", "n", "5"], [("incrby", "n")]),
    ([["SET", "n", "1"]], ["DECRBY", "n", "5"], [("incrby", "n")]),
    ([["SET", "n", "x"]], ["INCR", "n"], []),
    ([["SET", "n", "1"]], ["INCRBYFLOAT", "n", "1.5"], [("incrbyfloat", "n")]),
    ([], ["APPEND", "k", "x"], [("new", "k"), ("append", "k")]),
    ([["SET", "k", "v"]], ["APPEND", "k", "x"], [("append", "k")]),
    ([], ["SETRANGE", "k", "2", "x"], [("new", "k"), ("setrange", "k")]),
    ([], ["SETRANGE", "k", "2", ""], []),
    ([["SET", "k", "abc"]], ["SETRANGE", "k", "1", ""], []),
    ([], ["GET", "k"], [("keymiss", "k")]),
    ([], ["MGET", "a", "b"], [("keymiss", "a"), ("keymiss", "b")]),
    ([], ["STRLEN", "k"], [("keymiss", "k")]),
    ([], ["GETRANGE", "k", "0", "1"], [("keymiss", "k")]),
    ([["SET", "k", "v"]], ["GET", "k"], []),
    # generic
    ([["SET", "a", "1"]], ["DEL", "a", "b", "a"], [("del", "a")]),
    ([["SET", "a", "1"]], ["UNLINK", "a"], [("del", "a")]),
    ([], ["EXISTS", "a"], [("keymiss", "a")]),
    ([], ["TYPE", "a"], [("keymiss", "a")]),
    ([], ["TTL", "a"], [("keymiss", "a")]),
    ([], ["PTTL", "a"], [("keymiss", "a")]),
    ([], ["TOUCH", "a"], [("keymiss", "a")]),
    ([], ["OBJECT", "ENCODING", "a"], []),
    ([["SET", "a", "1"]], ["RENAME", "a", "b"],
     [("new", "b"), ("rename_from", "a"), ("rename_to", "b")]),
    ([["SET", "a", "1"], ["SET", "b", "2"]], ["RENAME", "a", "b"],
     [("new", "b"), ("rename_from", "a"), ("rename_to", "b")]),
    ([["SET", "a", "1"]], ["RENAME", "a", "a"], []),
    ([["SET", "a", "1"]], ["RENAMENX", "a", "b"],
     [("new", "b"), ("rename_from", "a"), ("rename_to", "b")]),
    ([["SET", "a", "1"], ["SET", "b", "2"]], ["RENAMENX", "a", "b"], []),
    ([["SET", "a", "1"]], ["COPY", "a", "b"], [("new", "b"), ("copy_to", "b")]),
    ([["SET", "a", "1"], ["SET", "b", "2"]], ["COPY", "a", "b", "REPLACE"],
     [("new", "b"), ("copy_to", "b")]),
    ([["SET", "a", "1"], ["SET", "b", "2"]], ["COPY", "a", "b"], []),
    ([], ["COPY", "a", "b"], [("keymiss", "a")]),
    ([["SET", "a", "1"]], ["EXPIRE", "a", "100"], [("expire", "a")]),
    ([["SET", "a", "1"]], ["PEXPIRE", "a", "100000"], [("expire", "a")]),
    ([["SET", "a", "1"]], ["EXPIREAT", "a", "99999999999"], [("expire", "a")]),
    ([["SET", "a", "1"]], ["PEXPIREAT", "a", "99999999999999"], [("expire", "a")]),
    ([["SET", "a", "1"]], ["EXPIRE", "a", "0"], [("del", "a")]),
    ([["SET", "a", "1"]], ["EXPIREAT", "a", "1"], [("del", "a")]),
    ([["SET", "a", "1"]], ["EXPIRE", "a", "100", "XX"], []),
    ([], ["EXPIRE", "a", "100"], []),
    ([["SET", "a", "1", "EX", "100"]], ["PERSIST", "a"], [("persist", "a")]),
    ([["SET", "a", "1"]], ["PERSIST", "a"], []),
    # lists
    ([], ["LPUSH", "l", "a", "b"], [("new", "l"), ("lpush", "l")]),
    ([], ["RPUSH", "l", "a"], [("new", "l"), ("rpush", "l")]),
    ([["RPUSH", "l", "a"]], ["LPUSHX", "l", "b"], [("lpush", "l")]),
    ([["RPUSH", "l", "a"]], ["RPUSHX", "l", "b"], [("rpush", "l")]),
    ([], ["LPUSHX", "l", "b"], []),
    ([["RPUSH", "l", "a", "b"]], ["LPOP", "l"], [("lpop", "l")]),
    ([["RPUSH", "l", "a"]], ["RPOP", "l"], [("rpop", "l"), ("del", "l")]),
    ([["RPUSH", "l", "a", "b"]], ["RPOP", "l", "5"], [("rpop", "l"), ("del", "l")]),
    ([["RPUSH", "l", "a", "b"]], ["LPOP", "l", "0"], []),
    ([], ["LPOP", "l"], []),
    ([["RPUSH", "l", "a", "b"]], ["LMPOP", "1", "l", "LEFT", "COUNT", "2"],
     [("lpop", "l"), ("del", "l")]),
    ([["RPUSH", "l", "a", "b"]], ["LINSERT", "l", "BEFORE", "b", "c"], [("linsert", "l")]),
    ([["RPUSH", "l", "a", "b"]], ["LINSERT", "l", "BEFORE", "x", "c"], []),
    ([["RPUSH", "l", "a", "b"]], ["LSET", "l", "0", "c"], [("lset", "l")]),
    ([["RPUSH", "l", "a", "b", "a"]], ["LREM", "l", "0", "a"], [("lrem", "l")]),
    ([["RPUSH", "l", "a"]], ["LREM", "l", "0", "a"], [("lrem", "l"), ("del", "l")]),
    ([["RPUSH", "l", "a"]], ["LREM", "l", "0", "x"], []),
    ([["RPUSH", "l", "a", "b"]], ["LTRIM", "l", "0", "-1"], [("ltrim", "l")]),
    ([["RPUSH", "l", "a", "b"]], ["LTRIM", "l", "5", "6"], [("ltrim", "l"), ("del", "l")]),
    ([], ["LTRIM", "l", "0", "1"], []),
    ([["RPUSH", "s", "a"]], ["LMOVE", "s", "d", "LEFT", "RIGHT"],
     [("new", "d"), ("rpush", "d"), ("lpop", "s"), ("del", "s")]),
    ([["RPUSH", "s", "a", "b"], ["RPUSH", "d", "x"]], ["RPOPLPUSH", "s", "d"],
     [("lpush", "d"), ("rpop", "s")]),
    ([["RPUSH", "s", "a", "b"]], ["LMOVE", "s", "s", "LEFT", "RIGHT"],
     [("rpush", "s"), ("lpop", "s")]),
    ([["RPUSH", "s", "a"]], ["BLMOVE", "s", "d", "RIGHT", "LEFT", "0"],
     [("new", "d"), ("lpush", "d"), ("rpop", "s"), ("del", "s")]),
    ([["RPUSH", "l", "a"]], ["BLPOP", "l", "0"], [("lpop", "l"), ("del", "l")]),
    ([], ["LRANGE", "l", "0", "-1"], [("keymiss", "l")]),
    ([], ["LLEN", "l"], [("keymiss", "l")]),
    # hashes
    ([], ["HSET", "h", "a", "1", "b", "2"], [("new", "h"), ("hset", "h")]),
    ([["HSET", "h", "a", "1"]], ["HSET", "h", "a", "1"], [("hset", "h")]),
    ([], ["HMSET", "h", "a", "1"], [("new", "h"), ("hset", "h")]),
    ([], ["HSETNX", "h", "a", "1"], [("new", "h"), ("hset", "h")]),
    ([["HSET", "h", "a", "1"]], ["HSETNX", "h", "a", "1"], []),
    ([], ["HINCRBY", "h", "a", "1"], [("new", "h"), ("hincrby", "h")]),
    ([], ["HINCRBYFLOAT", "h", "a", "1.5"], [("new", "h"), ("hincrbyfloat", "h")]),
    ([["HSET", "h", "a", "1", "b", "2"]], ["HDEL", "h", "a", "x"], [("hdel", "h")]),
    ([["HSET", "h", "a", "1"]], ["HDEL", "h", "a"], [("hdel", "h"), ("del", "h")]),
    ([["HSET", "h", "a", "1"]], ["HDEL", "h", "x"], []),
    ([], ["HGET", "h", "a"], [("keymiss", "h")]),
    ([], ["HGETALL", "h"], [("keymiss", "h")]),
    # sets
    ([], ["SADD", "s", "a", "b"], [("new", "s"), ("sadd", "s")]),
    ([["SADD", "s", "a"]], ["SADD", "s", "a"], []),
    ([["SADD", "s", "a", "b"]], ["SREM", "s", "a", "x"], [("srem", "s")]),
    ([["SADD", "s", "a"]], ["SREM", "s", "a"], [("srem", "s"), ("del", "s")]),
    ([["SADD", "s", "a"]], ["SREM", "s", "x"], []),
    ([["SADD", "s", "a", "b"]], ["SPOP", "s"], [("spop", "s")]),
    ([["SADD", "s", "a"]], ["SPOP", "s"], [("spop", "s"), ("del", "s")]),
    ([["SADD", "s", "a", "b", "c"]], ["SPOP", "s", "2"], [("spop", "s")]),
    ([["SADD", "s", "a", "b"]], ["SPOP", "s", "5"], [("spop", "s"), ("del", "s")]),
    ([["SADD", "s", "a", "b"]], ["SPOP", "s", "0"], []),
    ([["SADD", "s", "a"]], ["SMOVE", "s", "d", "a"],
     [("srem", "s"), ("del", "s"), ("new", "d"), ("sadd", "d")]),
    ([["SADD", "s", "a", "b"], ["SADD", "d", "a"]], ["SMOVE", "s", "d", "a"], [("srem", "s")]),
    ([["SADD", "s", "a"]], ["SMOVE", "s", "d", "x"], []),
    ([["SADD", "s", "a"]], ["SMOVE", "s", "s", "a"], []),
    ([["SADD", "a", "1", "2"], ["SADD", "b", "2"]], ["SINTERSTORE", "d", "a", "b"],
     [("new", "d"), ("sinterstore", "d")]),
    ([["SADD", "a", "1"], ["SADD", "b", "2"]], ["SUNIONSTORE", "d", "a", "b"],
     [("new", "d"), ("sunionstore", "d")]),
    ([["SADD", "a", "1"], ["SADD", "b", "2"]], ["SDIFFSTORE", "d", "a", "b"],
     [("new", "d"), ("sdiffstore", "d")]),
    ([["SADD", "a", "1"], ["SET", "d", "x"]], ["SINTERSTORE", "d", "a", "nokey"],
     [("keymiss", "nokey"), ("del", "d")]),
    ([["SADD", "a", "1"], ["SET", "d", "x"]], ["SDIFFSTORE", "d", "a", "a"], [("del", "d")]),
    ([["SADD", "a", "1"]], ["SINTERSTORE", "d", "a", "nokey"], [("keymiss", "nokey")]),
    ([["SADD", "a", "1"], ["SADD", "d", "x"]], ["SUNIONSTORE", "d", "a"], [("sunionstore", "d")]),
    ([], ["SMEMBERS", "s"], [("keymiss", "s")]),
    ([], ["SISMEMBER", "s", "a"], [("keymiss", "s")]),
    # sorted sets
    ([], ["ZADD", "z", "1", "a"], [("new", "z"), ("zadd", "z")]),
    ([["ZADD", "z", "1", "a"]], ["ZADD", "z", "1", "a"], []),
    ([["ZADD", "z", "1", "a"]], ["ZADD", "z", "2", "a"], [("zadd", "z")]),
    ([], ["ZADD", "z", "XX", "1", "a"], []),
    ([["ZADD", "z", "1", "a"]], ["ZADD", "z", "NX", "5", "a"], []),
    ([], ["ZINCRBY", "z", "1", "a"], [("new", "z"), ("zincr", "z")]),
    ([["ZADD", "z", "1", "a"]], ["ZADD", "z", "INCR", "1", "a"], [("zincr", "z")]),
    ([["ZADD", "z", "1", "a", "2", "b"]], ["ZREM", "z", "a", "x"], [("zrem", "z")]),
    ([["ZADD", "z", "1", "a"]], ["ZREM", "z", "a"], [("zrem", "z"), ("del", "z")]),
    ([["ZADD", "z", "1", "a"]], ["ZREM", "z", "x"], []),
    ([["ZADD", "z", "1", "a", "2", "b"]], ["ZPOPMIN", "z"], [("zpopmin", "z")]),
    ([["ZADD", "z", "1", "a", "2", "b"]], ["ZPOPMAX", "z", "5"], [("zpopmax", "z"), ("del", "z")]),
    ([["ZADD", "z", "1", "a"]], ["ZPOPMAX", "z", "0"], []),
    ([["ZADD", "z", "1", "a"]], ["BZPOPMIN", "z", "0"], [("zpopmin", "z"), ("del", "z")]),
    ([["ZADD", "z", "1", "a", "2", "b"]], ["ZMPOP", "1", "z", "MAX"], [("zpopmax", "z")]),
    ([["ZADD", "z", "1", "a", "2", "b"]], ["ZREMRANGEBYSCORE", "z", "1", "1"],
     [("zremrangebyscore", "z")]),
    ([["ZADD", "z", "1", "a", "2", "b"]], ["ZREMRANGEBYRANK", "z", "0", "-1"],
     [("zremrangebyrank", "z"), ("del", "z")]),
    ([["ZADD", "z", "0", "a", "0", "b"]], ["ZREMRANGEBYLEX", "z", "[a", "[a"],
     [("zremrangebylex", "z")]),
    ([["ZADD", "z", "1", "a"]], ["ZREMRANGEBYSCORE", "z", "5", "6"], []),
    ([["ZADD", "a", "1", "x"], ["ZADD", "b", "2", "x"]], ["ZUNIONSTORE", "d", "2", "a", "b"],
     [("new", "d"), ("zunionstore", "d")]),
    ([["ZADD", "a", "1", "x"], ["ZADD", "b", "2", "x"]], ["ZINTERSTORE", "d", "2", "a", "b"],
     [("new", "d"), ("zinterstore", "d")]),
    ([["ZADD", "a", "1", "x"], ["ZADD", "b", "2", "y"]], ["ZDIFFSTORE", "d", "2", "a", "b"],
     [("new", "d"), ("zdiffstore", "d")]),
    ([["ZADD", "a", "1", "x"], ["SET", "d", "v"]], ["ZINTERSTORE", "d", "2", "a", "nokey"],
     [("keymiss", "nokey"), ("del", "d")]),
    ([["ZADD", "a", "1", "x"]], ["ZRANGESTORE", "d", "a", "0", "-1"],
     [("new", "d"), ("zrangestore", "d")]),
    ([["SET", "d", "v"]], ["ZRANGESTORE", "d", "nokey", "0", "-1"],
     [("keymiss", "nokey"), ("del", "d")]),
    ([], ["ZSCORE", "z", "a"], [("keymiss", "z")]),
    ([], ["ZRANGE", "z", "0", "-1"], [("keymiss", "z")]),
    ([], ["ZCARD", "z"], [("keymiss", "z")]),
]


def _id(case):
    return " ".join(case[1])


@pytest.mark.parametrize("setup,cmd,want", CASES, ids=[_id(c) for c in CASES])
def test_events(notify, setup, cmd, want):
    run, sub = notify("EAnm")
    for c in setup:
        run(*c)
    sub.drain()
    reply = run(*cmd)
    assert not isinstance(reply, Err) or not want, reply
    got = [(ch.split(":", 1)[1], key) for ch, key in sub.drain()]
    assert got == want


def test_keyspace_and_keyevent_channels(notify):
    run, sub = notify("KEA")
    run("SET", "k", "v")
    run("DEL", "k")
    assert sub.drain() == [
        ("__keyspace@0__:k", "set"), ("__keyevent@0__:set", "k"),
        ("__keyspace@0__:k", "del"), ("__keyevent@0__:del", "k"),
    ]


def test_keyspace_only(notify):
    run, sub = notify("K$")
    run("SET", "k", "v")
    run("LPUSH", "l", "a")
    assert sub.drain() == [("__keyspace@0__:k", "set")]


def test_keyevent_only(notify):
    run, sub = notify("El")
    run("SET", "k", "v")
    run("LPUSH", "l", "a")
    run("LPOP", "l")
    assert sub.drain() == [("__keyevent@0__:lpush", "l"), ("__keyevent@0__:lpop", "l")]


def test_no_type_flag_publishes_nothing(notify):
    """K or E alone select channels but no class: nothing is published."""
    run, sub = notify("KE")
    run("SET", "k", "v")
    run("DEL", "k")
    assert sub.drain() == []


@pytest.mark.parametrize("flags,want", [
    ("Kg", [("__keyspace@0__:h", "del")]),
    ("Kh", [("__keyspace@0__:h", "hset"), ("__keyspace@0__:h", "hdel")]),
    ("Ks", [("__keyspace@0__:s", "sadd")]),
    ("Kz", [("__keyspace@0__:z", "zadd")]),
    ("Kl", [("__keyspace@0__:l", "rpush")]),
    ("K$", [("__keyspace@0__:k", "incrby")]),
    ("KA", [("__keyspace@0__:h", "hset"), ("__keyspace@0__:h", "hdel"),
            ("__keyspace@0__:h", "del"), ("__keyspace@0__:s", "sadd"),
            ("__keyspace@0__:z", "zadd"), ("__keyspace@0__:l", "rpush"),
            ("__keyspace@0__:k", "incrby")]),
    ("Kn", [("__keyspace@0__:h", "new"), ("__keyspace@0__:s", "new"),
            ("__keyspace@0__:z", "new"), ("__keyspace@0__:l", "new"),
            ("__keyspace@0__:k", "new")]),
])
def test_class_subsets(notify, flags, want):
    run, sub = notify(flags)
    run("HSET", "h", "f", "v")
    run("HDEL", "h", "f")
    run("SADD", "s", "m")
    run("ZADD", "z", "1", "m")
    run("RPUSH", "l", "a")
    run("INCR", "k")
    assert sub.drain() == want


def test_new_needs_its_own_flag(notify):
    """'A' does not include 'n' (nor 'm')."""
    run, sub = notify("KEA")
    run("SET", "k", "v")
    run("GET", "nokey")
    assert sub.drain() == [("__keyspace@0__:k", "set"), ("__keyevent@0__:set", "k")]


def test_new_and_keymiss_alone(notify):
    run, sub = notify("KEnm")
    run("SET", "k", "v")
    run("SET", "k", "w")
    run("GET", "nokey")
    run("GET", "k")
    assert sub.drain() == [
        ("__keyspace@0__:k", "new"), ("__keyevent@0__:new", "k"),
        ("__keyspace@0__:nokey", "keymiss"), ("__keyevent@0__:keymiss", "nokey"),
    ]


def test_write_lookup_is_no_keymiss(notify):
    run, sub = notify("Em")
    run("LPOP", "nokey")
    run("EXPIRE", "nokey", "10")
    run("INCR", "n")
    assert sub.drain() == []


@pytest.mark.parametrize("text,canonical", [
    ("KEA", "AKE"),
    ("AKE", "AKE"),
    ("g$lshzxetd", "A"),
    ("g$lshzxetdn", "A"),   # 'n' stays active but is not shown after 'A'
    ("Ex", "xE"),
    ("KEn", "nKE"),
    ("KEm", "KEm"),
    ("KEAnm", "AKEm"),
    ("zhslg$K", "g$lshzK"),
    ("", ""),
])
def test_config_get_canonical(raw, text, canonical):
    try:
        assert raw.cmd("CONFIG", "SET", "notify-keyspace-events", text) == b"OK"
        got = raw.cmd("CONFIG", "GET", "notify-keyspace-events")
        assert got == [b"notify-keyspace-events", canonical.encode()]
    finally:
        raw.cmd("CONFIG", "SET", "notify-keyspace-events", "")


@pytest.mark.parametrize("bad", ["KEq", "x!", "K E", "1"])
def test_config_bad_flags(raw, bad):
    reply = raw.cmd("CONFIG", "SET", "notify-keyspace-events", bad)
    assert isinstance(reply, Err)
    assert bytes(reply) == (b"ERR CONFIG SET failed (possibly related to argument "
                            b"'notify-keyspace-events') - Invalid event class character. "
                            b"Use 'Ag$lshzxeKEtmdn'.")


def test_new_hidden_after_A_stays_active(notify):
    run, sub = notify("KEAn")
    run("SET", "k", "v")
    assert sub.drain() == [
        ("__keyspace@0__:k", "new"), ("__keyevent@0__:new", "k"),
        ("__keyspace@0__:k", "set"), ("__keyevent@0__:set", "k"),
    ]


def test_expired_active(notify):
    run, sub = notify("Ex")
    run("SET", "k", "v", "PX", "50")
    got = sub.wait_for(1, 10 * SLOW)
    assert got == [("__keyevent@0__:expired", "k")]


def test_expired_lazy_then_keymiss(notify):
    run, sub = notify("KExm")
    run("DEBUG", "SET-ACTIVE-EXPIRE", "0")
    try:
        run("SET", "k", "v", "PX", "30")
        time.sleep(0.1)
        assert run("GET", "k") is None
        assert sub.drain() == [
            ("__keyspace@0__:k", "expired"), ("__keyevent@0__:expired", "k"),
            ("__keyspace@0__:k", "keymiss"), ("__keyevent@0__:keymiss", "k"),
        ]
    finally:
        run("DEBUG", "SET-ACTIVE-EXPIRE", "1")


def test_database_index_in_channel(notify):
    run, sub = notify("KEA")
    run("SELECT", "3")
    run("SET", "k", "v")
    assert sub.drain() == [("__keyspace@3__:k", "set"), ("__keyevent@3__:set", "k")]


def test_move_and_copy_across_databases(notify):
    run, sub = notify("KEAn")
    run("SET", "k", "v")
    sub.drain()
    run("MOVE", "k", "3")
    assert sub.drain() == [
        ("__keyspace@3__:k", "new"), ("__keyevent@3__:new", "k"),
        ("__keyspace@0__:k", "move_from"), ("__keyevent@0__:move_from", "k"),
        ("__keyspace@3__:k", "move_to"), ("__keyevent@3__:move_to", "k"),
    ]
    run("SELECT", "3")
    run("COPY", "k", "c", "DB", "5")
    assert sub.drain() == [
        ("__keyspace@5__:c", "new"), ("__keyevent@5__:new", "c"),
        ("__keyspace@5__:c", "copy_to"), ("__keyevent@5__:copy_to", "c"),
    ]
    run("FLUSHALL")


def test_binary_and_long_keys(notify):
    run, sub = notify("KE$")
    key = "a\x00b\r\n\xff" + "x" * 1000
    assert run("SET", key.encode("latin-1"), "v") == b"OK"
    assert sub.drain() == [("__keyspace@0__:" + key, "set"), ("__keyevent@0__:set", key)]


def wait_blocked(r, n, timeout=5.0 * SLOW):
    end = time.time() + timeout
    while r.info("clients")["blocked_clients"] != n:
        assert time.time() < end, "blocked_clients never reached %d" % n
        time.sleep(0.01)


def test_blpop_served_later(notify, connect, r):
    run, sub = notify("KEl")
    blocked = connect()
    blocked.send_command("BLPOP", "l", "0")
    wait_blocked(r, 1)
    run("RPUSH", "l", "a")
    assert blocked.read_reply() == [b"l", b"a"]
    assert sub.drain() == [
        ("__keyspace@0__:l", "rpush"), ("__keyevent@0__:rpush", "l"),
        ("__keyspace@0__:l", "lpop"), ("__keyevent@0__:lpop", "l"),
    ]


def test_blmove_served_later(notify, connect, r):
    run, sub = notify("El")
    blocked = connect()
    blocked.send_command("BLMOVE", "s", "d", "LEFT", "LEFT", "0")
    wait_blocked(r, 1)
    run("RPUSH", "s", "a")
    assert blocked.read_reply() == b"a"
    assert sub.drain() == [
        ("__keyevent@0__:rpush", "s"), ("__keyevent@0__:lpush", "d"),
        ("__keyevent@0__:lpop", "s"),
    ]


def test_script_events(notify):
    run, sub = notify("E$g")
    run("EVAL", "redis.call('set', KEYS[1], 'v'); redis.call('del', KEYS[1])", "1", "k")
    assert sub.drain() == [("__keyevent@0__:set", "k"), ("__keyevent@0__:del", "k")]


def test_off_by_default_publishes_nothing(notify):
    run, sub = notify("")
    run("SET", "k", "v")
    run("GET", "nokey")
    assert sub.drain() == []
