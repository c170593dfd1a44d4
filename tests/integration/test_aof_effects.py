"""What reaches the AOF: every write as its effects, as Redis 7.0.15 propagates it.

A server runs with appendonly yes / appendfsync always; after each reply the
commands it propagated are in the incremental AOF named by the manifest (the
last `type i` line). The tests read that file and compare the exact commands:
relative TTLs as absolute PEXPIREAT / SET ... PXAT (checked against a time
window), blocking and multi-key pops as the pop that happened, SPOP as SREMs,
float increments as the value they stored, FLUSHDB/FLUSHALL even on an empty
database, several effects of one command inside MULTI/EXEC.
"""

import os
import threading
import time

import pytest
import redis

from conftest import IS_REDIS, stop_all
from persist_helpers import new_server, parse_aof, resp

AOF_ARGS = ("--appendonly", "yes", "--appendfsync", "always",
            "--aof-use-rdb-preamble", "yes", "--enable-debug-command", "yes")


class Aof:
    """The incr AOF of a server; new() returns what was appended since the
    last call."""

    def __init__(self, srv):
        self.srv = srv
        self.seen = 0

    def incr_path(self):
        d = os.path.join(self.srv.dir, "appendonlydir")
        with open(os.path.join(d, "appendonly.aof.manifest")) as f:
            incr = [ln.split() for ln in f if ln.split()[-1:] == ["i"]]
        assert incr, "no incr file in the manifest"
        return os.path.join(d, incr[-1][1])

    def all(self):
        deadline = time.time() + 5
        while True:
            try:
                with open(self.incr_path(), "rb") as f:
                    return parse_aof(f.read())
            except (FileNotFoundError, AssertionError):
                if time.time() > deadline:
                    raise
                time.sleep(0.05)

    def new(self, keep_select=False):
        cmds = self.all()
        out = cmds[self.seen:]
        self.seen = len(cmds)
        if not keep_select:
            out = [c for c in out if c[0].upper() != b"SELECT"]
        return out


@pytest.fixture
def aof_srv(start_server):
    srv = start_server(*AOF_ARGS)
    r = srv.client()
    r.response_callbacks.clear()  # replies as the server sent them
    r.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "0")
    aof = Aof(srv)
    return srv, r, aof


def now_ms():
    return int(time.time() * 1000)


def assert_abs_ms(value, lo, hi):
    v = int(value)
    assert lo <= v <= hi, "%d not in [%d, %d]" % (v, lo, hi)


# ---------------------------------------------------------------- EXPIRE family

def test_expire_family_propagates_pexpireat(aof_srv):
    _, r, aof = aof_srv
    r.set("k", "v")
    assert aof.new(keep_select=True) == [[b"SELECT", b"0"], [b"SET", b"k", b"v"]]

    t0 = now_ms()
    assert r.execute_command("expire", "k", "100") == 1
    t1 = now_ms()
    (cmd,) = aof.new()
    assert cmd[:2] == [b"PEXPIREAT", b"k"] and len(cmd) == 3
    assert_abs_ms(cmd[2], t0 + 100000, t1 + 100000)

    t0 = now_ms()
    assert r.execute_command("pexpire", "k", "200000") == 1
    t1 = now_ms()
    (cmd,) = aof.new()
    assert cmd[:2] == [b"PEXPIREAT", b"k"]
    assert_abs_ms(cmd[2], t0 + 200000, t1 + 200000)

    at = int(time.time()) + 1000
    assert r.execute_command("expireat", "k", str(at)) == 1
    assert aof.new() == [[b"PEXPIREAT", b"k", str(at * 1000).encode()]]

    # PEXPIREAT goes as it came, in the client's own words
    at_ms = now_ms() + 500000
    assert r.execute_command("pexpireat", "k", str(at_ms)) == 1
    assert aof.new() == [[b"pexpireat", b"k", str(at_ms).encode()]]


def test_expire_flags_are_kept(aof_srv):
    _, r, aof = aof_srv
    r.set("k", "v")
    aof.new()
    t0 = now_ms()
    assert r.execute_command("expire", "k", "100", "nx") == 1
    assert r.execute_command("EXPIRE", "k", "200", "GT") == 1
    assert r.execute_command("pexpire", "k", "50000", "xx", "lt") == 1
    t1 = now_ms()
    cmds = aof.new()
    assert [c[:2] + c[3:] for c in cmds] == [
        [b"PEXPIREAT", b"k", b"nx"],
        [b"PEXPIREAT", b"k", b"GT"],
        [b"PEXPIREAT", b"k", b"xx", b"lt"],
    ]
    for c, ttl in zip(cmds, (100000, 200000, 50000)):
        assert_abs_ms(c[2], t0 + ttl, t1 + ttl)


def test_expire_that_changes_nothing_propagates_nothing(aof_srv):
    _, r, aof = aof_srv
    r.set("k", "v", ex=100)
    aof.new()
    assert r.execute_command("EXPIRE", "k", "200", "NX") == 0
    assert r.execute_command("EXPIRE", "k", "10", "GT") == 0
    assert r.execute_command("EXPIRE", "missing", "10") == 0
    assert r.execute_command("PERSIST", "missing") == 0
    with pytest.raises(redis.ResponseError):
        r.execute_command("EXPIRE", "k", "10", "NX", "XX")
    with pytest.raises(redis.ResponseError):
        r.execute_command("EXPIRE", "k", "abc")
    r.set("marker", "1")
    assert aof.new() == [[b"SET", b"marker", b"1"]]


@pytest.mark.parametrize("cmd", [
    ["EXPIRE", "k", "-1"],
    ["PEXPIRE", "k", "-1"],
    ["EXPIREAT", "k", "1"],
    ["PEXPIREAT", "k", "1"],
    ["EXPIRE", "k", "-10", "LT"],
])
def test_expire_in_the_past_propagates_del(aof_srv, cmd):
    _, r, aof = aof_srv
    r.set("k", "v")
    aof.new()
    assert r.execute_command(*cmd) == 1
    assert r.exists("k") == 0
    assert aof.new() == [[b"DEL", b"k"]]


def test_expire_in_the_past_with_lazyfree_propagates_unlink(aof_srv):
    _, r, aof = aof_srv
    r.config_set("lazyfree-lazy-expire", "yes")
    r.set("k", "v")
    r.set("g", "v")
    aof.new()
    assert r.execute_command("EXPIRE", "k", "-1") == 1
    assert r.execute_command("GETEX", "g", "PXAT", "1") == b"v"
    assert aof.new() == [[b"UNLINK", b"k"], [b"UNLINK", b"g"]]


def test_persist_propagates_as_is(aof_srv):
    _, r, aof = aof_srv
    r.set("k", "v", ex=100)
    aof.new()
    assert r.execute_command("persist", "k") == 1
    assert r.execute_command("persist", "k") == 0
    assert aof.new() == [[b"persist", b"k"]]


# ---------------------------------------------------------------- strings

def test_set_with_ttl_propagates_pxat(aof_srv):
    _, r, aof = aof_srv
    t0 = now_ms()
    r.execute_command("SET", "a", "1", "EX", "100")
    r.execute_command("set", "b", "2", "px", "100000")
    r.execute_command("SET", "c", "3", "EX", "100", "NX", "GET")
    r.execute_command("SETEX", "d", "100", "4")
    r.execute_command("PSETEX", "e", "100000", "5")
    t1 = now_ms()
    cmds = aof.new()
    assert [c[:4] for c in cmds] == [
        [b"SET", b"a", b"1", b"PXAT"],
        [b"SET", b"b", b"2", b"PXAT"],
        [b"SET", b"c", b"3", b"PXAT"],
        [b"SET", b"d", b"4", b"PXAT"],
        [b"SET", b"e", b"5", b"PXAT"],
    ]
    for c in cmds:
        assert len(c) == 5
        assert_abs_ms(c[4], t0 + 100000, t1 + 100000)

    at = int(time.time()) + 1000
    r.execute_command("SET", "f", "6", "EXAT", str(at))
    r.execute_command("SET", "g", "7", "PXAT", str(at * 1000 + 1), "XX")
    r.execute_command("SET", "a", "8", "PXAT", str(at * 1000 + 2), "XX")
    assert aof.new() == [
        [b"SET", b"f", b"6", b"PXAT", str(at * 1000).encode()],
        [b"SET", b"a", b"8", b"PXAT", str(at * 1000 + 2).encode()],
    ]


def test_set_options_without_ttl(aof_srv):
    _, r, aof = aof_srv
    r.set("k", "v", ex=100)
    aof.new()
    r.execute_command("set", "k", "v2", "KEEPTTL")
    r.execute_command("set", "k", "v3", "get")
    r.execute_command("set", "k", "v4", "GET", "xx")
    r.execute_command("SET", "n", "1", "NX")
    assert r.execute_command("SET", "n", "2", "NX") is None
    r.execute_command("SET", "n", "3", "XX", "GET", "get")
    assert aof.new() == [
        [b"set", b"k", b"v2", b"KEEPTTL"],
        [b"set", b"k", b"v3"],
        [b"set", b"k", b"v4", b"xx"],
        [b"SET", b"n", b"1", b"NX"],
        [b"SET", b"n", b"3", b"XX"],
    ]


def test_getex(aof_srv):
    _, r, aof = aof_srv
    r.set("k", "v")
    aof.new()
    assert r.execute_command("GETEX", "k") == b"v"
    assert r.execute_command("GETEX", "missing", "EX", "10") is None
    assert r.execute_command("GETEX", "k", "PERSIST") == b"v"   # no TTL: nothing
    assert aof.new() == []

    t0 = now_ms()
    assert r.execute_command("GETEX", "k", "EX", "100") == b"v"
    t1 = now_ms()
    (cmd,) = aof.new()
    assert cmd[:2] == [b"PEXPIREAT", b"k"] and len(cmd) == 3
    assert_abs_ms(cmd[2], t0 + 100000, t1 + 100000)

    at = now_ms() + 300000
    assert r.execute_command("getex", "k", "pxat", str(at)) == b"v"
    assert r.execute_command("GETEX", "k", "PERSIST") == b"v"
    assert r.execute_command("GETEX", "k", "EXAT", "1") == b"v"
    assert r.exists("k") == 0
    assert aof.new() == [
        [b"PEXPIREAT", b"k", str(at).encode()],
        [b"PERSIST", b"k"],
        [b"DEL", b"k"],
    ]


def test_getex_without_options_appends_nothing(aof_srv):
    srv, r, aof = aof_srv
    r.set("foo", "bar")
    before = aof.all()
    for _ in range(5):
        assert r.execute_command("GETEX", "foo") == b"bar"
    r.ping()
    assert aof.all() == before


def test_getdel_and_getset(aof_srv):
    _, r, aof = aof_srv
    r.set("k", "v", ex=100)
    aof.new()
    assert r.execute_command("getset", "k", "w") == b"v"
    assert r.execute_command("getdel", "k") == b"w"
    assert r.execute_command("getdel", "k") is None
    assert aof.new() == [[b"SET", b"k", b"w"], [b"DEL", b"k"]]
    r.config_set("lazyfree-lazy-user-del", "yes")
    r.set("k", "v")
    assert r.execute_command("GETDEL", "k") == b"v"
    assert aof.new() == [[b"SET", b"k", b"v"], [b"UNLINK", b"k"]]


def test_incrbyfloat_propagates_set_keepttl(aof_srv):
    _, r, aof = aof_srv
    r.set("f", "10.5")
    r.hset("h", "x", "1")
    aof.new()
    assert r.execute_command("incrbyfloat", "f", "0.1") == b"10.6"
    assert r.execute_command("INCRBYFLOAT", "new", "5.0e3") == b"5000"
    assert r.execute_command("hincrbyfloat", "h", "x", "1.5") == b"2.5"
    assert r.execute_command("HINCRBYFLOAT", "h", "y", "-3") == b"-3"
    with pytest.raises(redis.ResponseError):
        r.execute_command("INCRBYFLOAT", "f", "abc")
    assert aof.new() == [
        [b"SET", b"f", b"10.6", b"KEEPTTL"],
        [b"SET", b"new", b"5000", b"KEEPTTL"],
        [b"HSET", b"h", b"x", b"2.5"],
        [b"HSET", b"h", b"y", b"-3"],
    ]


# ---------------------------------------------------------------- sets

def test_spop_single_propagates_srem(aof_srv):
    _, r, aof = aof_srv
    r.sadd("s", "a", "b", "c")
    r.sadd("i", 1, 2, 3)
    aof.new()
    m = r.spop("s")
    n = r.spop("i")
    assert r.spop("missing") is None
    assert r.srandmember("s") is not None
    assert r.srandmember("s", 2)
    assert aof.new() == [[b"SREM", b"s", m], [b"SREM", b"i", n]]
    r.spop("s")
    r.spop("s")   # the last member: the key goes, still as SREM
    assert r.exists("s") == 0
    assert [c[:2] for c in aof.new()] == [[b"SREM", b"s"], [b"SREM", b"s"]]


@pytest.mark.parametrize("size,count", [(20, 2), (20, 19), (600, 3), (600, 590)])
def test_spop_count_propagates_srems_in_multi(aof_srv, size, count):
    _, r, aof = aof_srv
    members = ["m%d" % i for i in range(size)] if size < 600 else list(range(size))
    r.sadd("s", *members)
    aof.new()
    popped = r.spop("s", count)
    assert len(popped) == count
    cmds = aof.new()
    assert cmds[0] == [b"MULTI"] and cmds[-1] == [b"EXEC"]
    srems = cmds[1:-1]
    assert all(c[:2] == [b"SREM", b"s"] and len(c) == 3 for c in srems)
    assert sorted(c[2] for c in srems) == sorted(popped)


def test_spop_count_edge_cases(aof_srv):
    _, r, aof = aof_srv
    r.sadd("s", "a", "b", "c")
    aof.new()
    assert r.spop("s", 0) == []
    assert r.spop("missing", 5) == []
    (m,) = r.spop("s", 1)
    assert aof.new() == [[b"SREM", b"s", m]]   # one effect: no MULTI
    assert sorted(r.spop("s", 10)) == sorted({b"a", b"b", b"c"} - {m})
    assert aof.new() == [[b"DEL", b"s"]]


# ---------------------------------------------------------------- lists / zsets served at once

def test_list_pops_served_at_once(aof_srv):
    _, r, aof = aof_srv
    r.rpush("l", "a", "b", "c", "d", "e", "f")
    r.rpush("m", "x")
    aof.new()
    assert r.execute_command("BLPOP", "nolist", "l", "0") == [b"l", b"a"]
    assert r.execute_command("brpop", "l", "1") == [b"l", b"f"]
    assert r.execute_command("LMPOP", "2", "nolist", "l", "LEFT", "COUNT", "2") == [b"l", [b"b", b"c"]]
    assert r.execute_command("lmpop", "1", "l", "right") == [b"l", [b"e"]]
    assert r.execute_command("BLMPOP", "0", "1", "l", "RIGHT", "COUNT", "10") == [b"l", [b"d"]]
    assert r.execute_command("LMPOP", "1", "l", "LEFT") is None
    assert r.execute_command("lpop", "m", "5") == [b"x"]
    assert aof.new() == [
        [b"LPOP", b"l"],
        [b"RPOP", b"l"],
        [b"LPOP", b"l", b"2"],
        [b"RPOP", b"l", b"1"],
        [b"RPOP", b"l", b"1"],
        [b"lpop", b"m", b"5"],
    ]


def test_list_moves_served_at_once(aof_srv):
    _, r, aof = aof_srv
    r.rpush("src", "a", "b", "c", "d")
    aof.new()
    assert r.execute_command("BLMOVE", "src", "dst", "Left", "RIGHT", "0") == b"a"
    assert r.execute_command("brpoplpush", "src", "dst", "0") == b"d"
    assert r.execute_command("lmove", "src", "dst", "left", "left") == b"b"
    assert r.execute_command("rpoplpush", "src", "dst") == b"c"
    assert aof.new() == [
        [b"LMOVE", b"src", b"dst", b"Left", b"RIGHT"],
        [b"RPOPLPUSH", b"src", b"dst"],
        [b"lmove", b"src", b"dst", b"left", b"left"],
        [b"rpoplpush", b"src", b"dst"],
    ]


def test_zset_pops_served_at_once(aof_srv):
    _, r, aof = aof_srv
    r.zadd("z", {"a": 1, "b": 2, "c": 3, "d": 4, "e": 5})
    aof.new()
    assert r.execute_command("BZPOPMIN", "nozset", "z", "0") == [b"z", b"a", b"1"]
    assert r.execute_command("bzpopmax", "z", "0")[:2] == [b"z", b"e"]
    assert r.execute_command("ZMPOP", "2", "nozset", "z", "MIN", "COUNT", "10")[0] == b"z"
    r.zadd("z", {"a": 1, "b": 2})
    assert r.execute_command("zmpop", "1", "z", "max")[0] == b"z"
    assert r.execute_command("BZMPOP", "0", "1", "z", "MIN", "COUNT", "3")[0] == b"z"
    assert r.execute_command("ZMPOP", "1", "z", "MIN") is None
    r.zadd("y", {"a": 1})
    assert r.execute_command("zpopmin", "y", "7") == [b"a", b"1"]
    assert aof.new() == [
        [b"ZPOPMIN", b"z"],
        [b"ZPOPMAX", b"z"],
        [b"ZPOPMIN", b"z", b"3"],
        [b"ZADD", b"z", b"1", b"a", b"2", b"b"],
        [b"ZPOPMAX", b"z", b"1"],
        [b"ZPOPMIN", b"z", b"1"],
        [b"ZADD", b"y", b"1", b"a"],
        [b"zpopmin", b"y", b"7"],
    ]


# ---------------------------------------------------------------- served later

def blocked_call(srv, *cmd):
    """Runs cmd on its own connection in a thread; returns (thread, result box)."""
    box = {}
    c = srv.client()

    def run():
        try:
            box["reply"] = c.execute_command(*cmd)
        except Exception as e:  # surfaced by the test
            box["error"] = e

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t, box


def wait_blocked(srv, n):
    r = srv.client()
    deadline = time.time() + 10
    while time.time() < deadline:
        if int(r.info("clients")["blocked_clients"]) == n:
            return
        time.sleep(0.01)
    raise AssertionError("clients did not block")


@pytest.mark.parametrize("cmd,push,pop", [
    (["BLPOP", "q", "0"], ["RPUSH", "q", "a", "b"], [b"LPOP", b"q"]),
    (["brpop", "nope", "q", "0"], ["RPUSH", "q", "a", "b"], [b"RPOP", b"q"]),
    (["BLMPOP", "0", "1", "q", "LEFT", "COUNT", "5"], ["RPUSH", "q", "a", "b"], [b"LPOP", b"q", b"2"]),
    (["blmpop", "0", "1", "q", "right"], ["RPUSH", "q", "a", "b"], [b"RPOP", b"q", b"1"]),
    (["BLMOVE", "q", "dst", "RIGHT", "LEFT", "0"], ["RPUSH", "q", "a", "b"],
     [b"LMOVE", b"q", b"dst", b"right", b"left"]),
    (["BRPOPLPUSH", "q", "dst", "0"], ["RPUSH", "q", "a", "b"], [b"RPOPLPUSH", b"q", b"dst"]),
    (["BZPOPMIN", "q", "0"], ["ZADD", "q", "1", "a", "2", "b"], [b"ZPOPMIN", b"q"]),
    (["bzpopmax", "q", "0"], ["ZADD", "q", "1", "a", "2", "b"], [b"ZPOPMAX", b"q"]),
    (["BZMPOP", "0", "1", "q", "MAX", "COUNT", "9"], ["ZADD", "q", "1", "a", "2", "b"],
     [b"ZPOPMAX", b"q", b"2"]),
])
def test_blocked_pop_served_later(aof_srv, cmd, push, pop):
    srv, r, aof = aof_srv
    r.set("x", "1")
    aof.new()
    t, box = blocked_call(srv, *cmd)
    wait_blocked(srv, 1)
    r.execute_command(*push)
    t.join(10)
    assert "error" not in box and box.get("reply") is not None
    assert aof.new() == [[w.encode() for w in push], pop]


def test_blocked_pop_in_another_db_gets_its_select(aof_srv):
    srv, r, aof = aof_srv
    r.set("x", "1")
    aof.new()
    box = {}
    c = srv.client(db=3)
    t = threading.Thread(target=lambda: box.setdefault("r", c.blpop(["q"], 0)), daemon=True)
    t.start()
    wait_blocked(srv, 1)
    r3 = srv.client(db=3)
    r3.rpush("q", "a")
    t.join(10)
    assert box["r"] == (b"q", b"a")
    assert aof.new(keep_select=True) == [
        [b"SELECT", b"3"], [b"RPUSH", b"q", b"a"], [b"LPOP", b"q"]]


# ---------------------------------------------------------------- database-wide

def test_flush_propagates_even_when_empty(aof_srv):
    _, r, aof = aof_srv
    r.flushdb()
    r.flushall()
    r.execute_command("FLUSHDB", "ASYNC")
    r.execute_command("flushall", "sync")
    assert aof.new(keep_select=True) == [
        [b"SELECT", b"0"],
        [b"FLUSHDB"],
        [b"FLUSHALL"],
        [b"FLUSHDB", b"ASYNC"],
        [b"flushall", b"sync"],
    ]
    with pytest.raises(redis.ResponseError):
        r.execute_command("FLUSHDB", "bogus")
    assert aof.new() == []


def test_select_move_swapdb_copy(aof_srv):
    srv, r, aof = aof_srv
    r.set("a", "1")
    r1 = srv.client(db=1)
    r1.set("b", "2")
    r.execute_command("MOVE", "a", "2")
    r.execute_command("SWAPDB", "0", "1")
    r.execute_command("COPY", "b", "c", "DB", "5")
    r.execute_command("RENAME", "b", "d")
    r.execute_command("SELECT", "0")
    assert aof.new(keep_select=True) == [
        [b"SELECT", b"0"], [b"SET", b"a", b"1"],
        [b"SELECT", b"1"], [b"SET", b"b", b"2"],
        [b"SELECT", b"0"], [b"MOVE", b"a", b"2"],
        [b"SWAPDB", b"0", b"1"],
        [b"COPY", b"b", b"c", b"DB", b"5"],
        [b"RENAME", b"b", b"d"],
    ]


# ---------------------------------------------------------------- units

def test_multi_exec_carries_the_effects(aof_srv):
    _, r, aof = aof_srv
    r.sadd("s", "only")
    aof.new()
    t0 = now_ms()
    p = r.pipeline(transaction=True)
    p.execute_command("SET", "a", "1")
    p.execute_command("EXPIRE", "a", "100")
    p.execute_command("INCRBYFLOAT", "f", "1.5")
    p.execute_command("SPOP", "s")
    p.execute_command("GET", "a")
    p.execute()
    t1 = now_ms()
    cmds = aof.new()
    assert cmds[0] == [b"MULTI"] and cmds[-1] == [b"EXEC"]
    assert cmds[1] == [b"SET", b"a", b"1"]
    assert cmds[2][:2] == [b"PEXPIREAT", b"a"]
    assert_abs_ms(cmds[2][2], t0 + 100000, t1 + 100000)
    assert cmds[3:5] == [[b"SET", b"f", b"1.5", b"KEEPTTL"], [b"SREM", b"s", b"only"]]
    assert len(cmds) == 6


def test_multi_with_spop_count_is_one_transaction(aof_srv):
    _, r, aof = aof_srv
    r.sadd("s", "a", "b", "c", "d", "e")
    aof.new()
    p = r.pipeline(transaction=True)
    p.execute_command("SPOP", "s", "2")
    p.execute_command("SET", "x", "1")
    popped, _ = p.execute()
    cmds = aof.new()
    assert cmds[0] == [b"MULTI"] and cmds[-1] == [b"EXEC"]
    assert sorted(c[2] for c in cmds[1:3]) == sorted(popped)
    assert [c[:2] for c in cmds[1:3]] == [[b"SREM", b"s"]] * 2
    assert cmds[3] == [b"SET", b"x", b"1"]
    assert len(cmds) == 5


def test_script_effects(aof_srv):
    _, r, aof = aof_srv
    r.set("k", "v")
    r.rpush("l", "a", "b")
    aof.new()
    t0 = now_ms()
    r.eval("redis.call('expire', KEYS[1], 100); redis.call('lmpop', 1, KEYS[2], 'left');"
           "return redis.call('get', KEYS[1])", 2, "k", "l")
    t1 = now_ms()
    cmds = aof.new()
    assert cmds[0] == [b"MULTI"] and cmds[-1] == [b"EXEC"] and len(cmds) == 4
    assert cmds[1][:2] == [b"PEXPIREAT", b"k"]
    assert_abs_ms(cmds[1][2], t0 + 100000, t1 + 100000)
    assert cmds[2] == [b"LPOP", b"l", b"1"]
    r.eval("return redis.call('getex', KEYS[1])", 1, "k")
    r.eval("return 1", 0)
    assert aof.new() == []


def test_lazy_expiry_propagates_del(aof_srv):
    _, r, aof = aof_srv
    r.set("k", "v", px=1)
    aof.new()
    time.sleep(0.02)
    assert r.get("k") is None
    assert aof.new() == [[b"DEL", b"k"]]


def test_lazy_expiry_dels_and_effects_of_one_command_are_one_unit(aof_srv):
    _, r, aof = aof_srv
    for k in ("a", "b", "l", "n"):
        r.execute_command("SET", k, "1", "PX", "1")
    aof.new()
    time.sleep(0.02)
    assert r.execute_command("MGET", "a", "b") == [None, None]
    assert aof.new() == [[b"MULTI"], [b"DEL", b"a"], [b"DEL", b"b"], [b"EXEC"]]
    assert r.execute_command("LPUSH", "l", "x") == 1
    assert r.execute_command("INCRBYFLOAT", "n", "2") == b"2"
    assert aof.new() == [
        [b"MULTI"], [b"DEL", b"l"], [b"LPUSH", b"l", b"x"], [b"EXEC"],
        [b"MULTI"], [b"DEL", b"n"], [b"SET", b"n", b"2", b"KEEPTTL"], [b"EXEC"],
    ]


@pytest.mark.parametrize("cmd", [["SCAN", "0", "COUNT", "100"], ["RANDOMKEY"]])
def test_lazy_expiry_in_scan_and_randomkey_is_not_wrapped(aof_srv, cmd):
    _, r, aof = aof_srv
    r.execute_command("SET", "foo1", "1", "PX", "1")
    r.execute_command("SET", "foo2", "1", "PX", "1")
    aof.new()
    time.sleep(0.02)
    r.execute_command(*cmd)
    assert sorted(aof.new()) == [[b"DEL", b"foo1"], [b"DEL", b"foo2"]]


def test_lazy_expiry_with_lazyfree_propagates_unlink(aof_srv):
    _, r, aof = aof_srv
    r.config_set("lazyfree-lazy-expire", "yes")
    r.execute_command("SET", "k", "1", "PX", "1")
    aof.new()
    time.sleep(0.02)
    assert r.get("k") is None
    assert aof.new() == [[b"UNLINK", b"k"]]


def test_lazy_expiry_inside_exec_joins_the_transaction(aof_srv):
    _, r, aof = aof_srv
    r.execute_command("SET", "k", "1", "PX", "1")
    aof.new()
    time.sleep(0.02)
    p = r.pipeline(transaction=True)
    p.execute_command("GET", "k")
    p.execute_command("SET", "x", "1")
    p.execute()
    assert aof.new() == [[b"MULTI"], [b"DEL", b"k"], [b"SET", b"x", b"1"], [b"EXEC"]]


def test_pop_served_by_a_transaction_follows_it(aof_srv):
    srv, r, aof = aof_srv
    r.set("x", "1")
    aof.new()
    t, box = blocked_call(srv, "BLPOP", "q", "0")
    wait_blocked(srv, 1)
    p = r.pipeline(transaction=True)
    p.execute_command("RPUSH", "q", "a")
    p.execute_command("SET", "y", "2")
    p.execute()
    t.join(10)
    assert box.get("reply") == [b"q", b"a"] or box.get("reply") == (b"q", b"a")
    assert aof.new() == [[b"MULTI"], [b"RPUSH", b"q", b"a"], [b"SET", b"y", b"2"], [b"EXEC"],
                         [b"LPOP", b"q"]]


def test_waiter_woken_by_swapdb_finds_the_key_expired(aof_srv):
    srv, r, aof = aof_srv
    r.execute_command("SELECT", "1")
    r.execute_command("RPUSH", "k", "hello")
    r.execute_command("PEXPIRE", "k", "100")
    c9 = srv.client(db=9)
    cid = c9.client_id()
    box = {}

    def run():
        box["reply"] = c9.execute_command("BRPOP", "k", "0")
    t = threading.Thread(target=run, daemon=True)
    t.start()
    wait_blocked(srv, 1)
    time.sleep(0.15)
    r.execute_command("SWAPDB", "1", "9")
    assert b"flags=b" in r.execute_command("CLIENT", "LIST", "ID", str(cid))
    r.execute_command("CLIENT", "UNBLOCK", str(cid))
    t.join(10)
    assert box["reply"] is None
    cmds = aof.new(keep_select=True)
    assert cmds[2][:2] == [b"PEXPIREAT", b"k"]
    assert cmds[:2] + cmds[3:] == [
        [b"SELECT", b"1"], [b"RPUSH", b"k", b"hello"],
        [b"SWAPDB", b"1", b"9"], [b"SELECT", b"9"], [b"DEL", b"k"]]


def test_waiter_woken_by_exec_finds_the_key_expired(aof_srv):
    srv, r, aof = aof_srv
    r.set("x", "1")
    aof.new()
    c = srv.client()
    cid = c.client_id()
    box = {}
    t = threading.Thread(target=lambda: box.setdefault("reply", c.execute_command("BRPOP", "k", "0")),
                         daemon=True)
    t.start()
    wait_blocked(srv, 1)
    p = r.pipeline(transaction=True)
    p.execute_command("RPUSH", "k", "hello")
    p.execute_command("PEXPIRE", "k", "100")
    p.execute_command("DEBUG", "SLEEP", "0.2")
    p.execute()
    assert b"flags=b" in r.execute_command("CLIENT", "LIST", "ID", str(cid))
    r.execute_command("CLIENT", "UNBLOCK", str(cid))
    t.join(10)
    assert box["reply"] is None
    cmds = aof.new()
    assert cmds[2][:2] == [b"PEXPIREAT", b"k"]
    assert [cmds[0], cmds[1], cmds[3], cmds[4]] == [
        [b"MULTI"], [b"RPUSH", b"k", b"hello"], [b"EXEC"], [b"DEL", b"k"]]
    assert len(cmds) == 5


# ---------------------------------------------------------------- differential battery

# Deterministic writes (and would-be writes that change nothing), each run on
# the server under test and on a reference redis-server; their AOFs must match
# command for command, with absolute times compared to the second.
BATTERY = [
    ["SET", "s", "1"], ["APPEND", "s", ""], ["APPEND", "s", "x"], ["SETRANGE", "s", "0", ""],
    ["SETRANGE", "s", "1", "yz"], ["SETRANGE", "nos", "0", ""], ["INCR", "i"], ["INCRBY", "i", "5"],
    ["DECRBY", "i", "2"], ["INCRBYFLOAT", "i", "0.25"], ["INCRBYFLOAT", "i", "1e2"], ["SETNX", "s", "9"],
    ["MSET", "a", "1", "b", "2"], ["MSETNX", "a", "1", "c", "3"], ["MSETNX", "d", "4", "e", "5"],
    ["SET", "t", "v", "EX", "100", "GET"], ["SET", "t", "w", "KEEPTTL", "GET"], ["GETSET", "t", "u"],
    ["SET", "t", "v", "XX", "PX", "5000"], ["SET", "nt", "v", "XX", "EX", "10"],
    ["SETEX", "t2", "10", "v"], ["PSETEX", "t3", "10000", "v"], ["GETEX", "t2", "PX", "20000"],
    ["GETEX", "t2"], ["GETEX", "t2", "PERSIST"], ["GETEX", "t3", "PERSIST"], ["GETDEL", "t3"],
    ["EXPIRE", "a", "100"], ["EXPIRE", "a", "50", "GT"], ["EXPIRE", "a", "500", "GT"],
    ["PEXPIRE", "b", "100000", "NX"], ["PEXPIRE", "b", "100000", "NX"], ["EXPIRE", "c", "100", "XX"],
    ["EXPIREAT", "c", "4000000000"], ["PERSIST", "c"], ["PERSIST", "c"], ["EXPIRE", "c", "0"],
    ["EXPIRE", "nokey", "10"], ["DEL", "nokey"], ["UNLINK", "d", "nokey"], ["TOUCH", "e"],
    ["RENAME", "e", "e2"], ["RENAMENX", "e2", "s"], ["RENAMENX", "e2", "e3"], ["COPY", "e3", "e4"],
    ["COPY", "e3", "e4"], ["COPY", "e3", "e4", "REPLACE"], ["MOVE", "e4", "1"], ["MOVE", "e4", "1"],
    ["RPUSH", "l", "a", "b", "c", "d", "e"], ["LPUSHX", "nol", "x"], ["RPUSHX", "l", "f"],
    ["LINSERT", "l", "BEFORE", "c", "bb"], ["LINSERT", "l", "BEFORE", "zz", "bb"], ["LSET", "l", "0", "A"],
    ["LREM", "l", "0", "zz"], ["LREM", "l", "1", "bb"], ["LTRIM", "l", "0", "-1"], ["LTRIM", "l", "1", "-1"],
    ["LPOP", "l"], ["RPOP", "l", "2"], ["LPOP", "nol"], ["LPOP", "l", "0"], ["LMOVE", "l", "l2", "LEFT", "RIGHT"],
    ["RPOPLPUSH", "l", "l"], ["BLPOP", "l", "0"], ["BRPOP", "nol", "l2", "0"],
    ["RPUSH", "l", "x", "y", "z"], ["BLMOVE", "l", "l3", "RIGHT", "LEFT", "0"], ["LMPOP", "2", "nol", "l3", "LEFT", "COUNT", "3"],
    ["SADD", "st", "a", "b", "c"], ["SADD", "st", "a"], ["SREM", "st", "zz"], ["SREM", "st", "a"],
    ["SMOVE", "st", "st2", "b"], ["SMOVE", "st", "st2", "zz"], ["SINTERSTORE", "st3", "st", "st2"],
    ["SUNIONSTORE", "st3", "st", "st2"], ["SDIFFSTORE", "st4", "nos1", "nos2"], ["SDIFFSTORE", "st3", "nos"],
    ["HSET", "h", "f", "1", "g", "2"], ["HSET", "h", "f", "1"], ["HSETNX", "h", "f", "3"], ["HSETNX", "h", "n", "3"],
    ["HINCRBY", "h", "f", "10"], ["HINCRBYFLOAT", "h", "g", "0.5"], ["HDEL", "h", "zz"], ["HDEL", "h", "f"],
    ["HMSET", "h", "x", "y"],
    ["ZADD", "z", "1", "a", "2", "b", "3", "c"], ["ZADD", "z", "1", "a"], ["ZADD", "z", "XX", "5", "zz"],
    ["ZADD", "z", "GT", "0", "a"], ["ZADD", "z", "INCR", "1.5", "a"], ["ZINCRBY", "z", "0.25", "b"],
    ["ZREM", "z", "zz"], ["ZREM", "z", "c"], ["ZREMRANGEBYSCORE", "z", "100", "200"],
    ["ZREMRANGEBYRANK", "z", "5", "10"], ["ZPOPMIN", "z"], ["ZPOPMAX", "nz", "3"],
    ["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"], ["ZMPOP", "1", "z", "MAX", "COUNT", "2"],
    ["BZPOPMIN", "nz", "z", "0"], ["BZMPOP", "0", "1", "z", "MIN", "COUNT", "5"],
    ["ZADD", "z1", "1", "a"], ["ZUNIONSTORE", "z2", "2", "z1", "nz"], ["ZINTERSTORE", "z3", "1", "nz"],
    ["ZRANGESTORE", "z4", "z1", "0", "-1"], ["ZRANGESTORE", "z5", "nz", "0", "-1"],
    ["SELECT", "2"], ["SET", "in2", "v"], ["EXPIRE", "in2", "10"], ["SWAPDB", "2", "3"], ["SWAPDB", "3", "3"],
    ["FLUSHDB"], ["FLUSHDB"], ["SELECT", "0"],
    ["EVAL", "redis.call('set', KEYS[1], 'x'); redis.call('expire', KEYS[1], 100)", "1", "sc"],
    ["EVAL", "return redis.call('get', KEYS[1])", "1", "sc"],
    ["EVAL", "redis.call('incrbyfloat', KEYS[1], '1.5')", "1", "scf"],
    ["MULTI"], ["SET", "m", "1"], ["GET", "m"], ["EXEC"],
    ["MULTI"], ["GET", "m"], ["EXEC"],
    ["MULTI"], ["SETEX", "m2", "10", "v"], ["HINCRBYFLOAT", "h", "g", "1"], ["EXEC"],
    ["SET", "r1", "v"], ["RENAME", "r1", "r1"], ["RENAMENX", "r1", "r1"], ["DEL", "r1", "r1"],
    ["SADD", "sm", "a"], ["SMOVE", "sm", "sm", "a"], ["SMOVE", "sm", "sm", "zz"], ["SPOP", "sm", "0"],
    ["RPUSH", "rl", "a", "b"], ["LMOVE", "rl", "rl", "LEFT", "RIGHT"], ["RPOPLPUSH", "norl", "rl"],
    ["LINSERT", "norl", "BEFORE", "a", "b"], ["LSET", "rl", "9", "x"], ["LTRIM", "norl", "0", "1"],
    ["SET", "p", "v"], ["PERSIST", "p"], ["EXPIRE", "p", "100"], ["EXPIRE", "p", "100"],
    ["PEXPIREAT", "p", "4000000000000", "LT"], ["COPY", "p", "p"], ["MSET", "q", "1", "q", "2"],
    ["HSET", "hh", "a", "1"], ["HDEL", "hh", "a"], ["HINCRBY", "nohh", "f", "1"],
    ["ZADD", "zz", "1", "a"], ["ZREMRANGEBYLEX", "zz", "[x", "[y"], ["ZPOPMIN", "zz", "0"],
    ["ZADD", "zz", "NX", "INCR", "1", "a"], ["ZADD", "zz", "XX", "CH", "2", "a"],
    ["INCRBYFLOAT", "p", "1"], ["SET", "ns", "abc"], ["INCR", "ns"],
    ["MULTI"], ["SET", "ma", "1"], ["INCR", "ns"], ["EXEC"],
    ["MULTI"], ["INCR", "ns"], ["LPUSH", "ns", "x"], ["EXEC"],
    ["EVAL", "redis.pcall('incr', 'ns'); redis.call('set', 'ev', '1')", "0"],
    ["MULTI"], ["SELECT", "4"], ["SET", "md", "1"], ["SELECT", "0"], ["SET", "mz", "1"], ["EXEC"],
    ["EVAL", "redis.call('select', 5); redis.call('set', 'e5', '1'); redis.call('expire', 'e5', 9)", "0"],
    ["SET", "after", "1"],
    ["FLUSHALL", "ASYNC"], ["SWAPDB", "0", "99"],
    ["FLUSHALL"], ["FLUSHALL"],
]


def normalise_times(cmds):
    """Numbers that look like unix ms near now become T+<seconds>."""
    now = now_ms()
    out = []
    for c in cmds:
        n = []
        for a in c:
            if a.isdigit() and len(a) == 13 and abs(int(a) - now) < 86400000:
                n.append(b"T%+d" % round((int(a) - now) / 1000))
            else:
                n.append(a)
        out.append(n)
    return out


def run_battery(port):
    from conftest import RawConn
    conn = RawConn("127.0.0.1", port)
    try:
        for cmd in BATTERY:
            conn.send(resp(*cmd))
            conn.read_reply()
    finally:
        conn.close()


def test_battery_matches_reference_redis(start_server):
    srv = start_server(*AOF_ARGS)
    run_battery(srv.port)
    mine = normalise_times(Aof(srv).all())
    # the reference: a redis-server of this test's own
    ref = new_server(AOF_ARGS, ref=True, name="redis reference")
    try:
        ref.start()
        run_battery(ref.port)
        theirs = normalise_times(Aof(ref).all())
    finally:
        stop_all([ref])
    assert len(mine) > 80
    assert mine == theirs


def test_script_set_repl_decides_what_reaches_the_aof(aof_srv):
    _, r, aof = aof_srv
    r.set("x", "1")
    aof.new()
    r.eval("redis.call('set', 'a', '1');"
           "redis.set_repl(redis.REPL_NONE); redis.call('set', 'b', '2');"
           "redis.set_repl(redis.REPL_REPLICA); redis.call('set', 'c', '3');"
           "redis.set_repl(redis.REPL_AOF); redis.call('set', 'd', '4');"
           "redis.set_repl(redis.REPL_ALL); redis.call('incrbyfloat', 'e', '1')", 0)
    assert r.execute_command("MGET", "a", "b", "c", "d", "e") == [b"1", b"2", b"3", b"4", b"1"]
    assert aof.new() == [[b"MULTI"], [b"set", b"a", b"1"], [b"set", b"d", b"4"],
                         [b"SET", b"e", b"1", b"KEEPTTL"], [b"EXEC"]]
    r.eval("redis.set_repl(redis.REPL_NONE); redis.call('set', 'f', '1')", 0)
    r.set("y", "1")
    assert aof.new() == [[b"SET", b"y", b"1"]]


def test_debug_populate_is_not_propagated(aof_srv):
    _, r, aof = aof_srv
    r.set("x", "1")
    aof.new()
    changes = int(r.execute_command("INFO", "persistence").split(b"rdb_changes_since_last_save:")[1].split(b"\r\n")[0])
    r.execute_command("DEBUG", "POPULATE", "10")
    assert r.execute_command("DBSIZE") == 11
    after = int(r.execute_command("INFO", "persistence").split(b"rdb_changes_since_last_save:")[1].split(b"\r\n")[0])
    assert after == changes
    r.set("y", "1")
    assert aof.new() == [[b"SET", b"y", b"1"]]


@pytest.mark.parametrize("cmd", [
    ["SET", "k", "new"],
    ["SETEX", "k", "100", "new"],
    ["MSET", "k", "new"],
])
def test_overwriting_an_expired_key_deletes_it_first(aof_srv, cmd):
    _, r, aof = aof_srv
    r.execute_command("SET", "k", "old", "PX", "1")
    aof.new()
    time.sleep(0.02)
    r.execute_command(*cmd)
    cmds = aof.new()
    assert cmds[:2] == [[b"MULTI"], [b"DEL", b"k"]] and cmds[-1] == [b"EXEC"] and len(cmds) == 4
    assert cmds[2][:3] == [c.encode() for c in (["SET", "k", "new"] if cmd[0] != "MSET" else cmd)][:3]


def test_overwriting_an_expired_key_notifies_expired_then_new(aof_srv):
    srv, r, aof = aof_srv
    r.execute_command("CONFIG", "SET", "notify-keyspace-events", "KEAn")
    r.execute_command("SET", "k", "old", "PX", "1")
    time.sleep(0.02)
    sub = srv.client().pubsub()
    sub.psubscribe("__keyevent@0__:*")
    assert sub.get_message(timeout=5)["type"] == "psubscribe"
    r.execute_command("SET", "k", "new")
    events = []
    while len(events) < 3:
        m = sub.get_message(timeout=5)
        assert m is not None, events
        events.append((m["channel"].split(b":")[-1], m["data"]))
    assert events == [(b"expired", b"k"), (b"new", b"k"), (b"set", b"k")]
    sub.close()
