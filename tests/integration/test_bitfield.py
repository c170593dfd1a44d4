"""BITFIELD and BITFIELD_RO as Redis 7.0.15 answers them: signed and
unsigned fields of every width at any offset ("#n" too), SET/GET/INCRBY
with WRAP, SAT and FAIL (including Redis's own answers where its bounds
wrap), every error text in its order, the string grown once to the
farthest write, what reaches the AOF (nothing for GETs only or SETs that
all FAIL) and BITFIELD_RO in read-only scripts. A seeded random stream of
multi-operation BITFIELD commands is compared reply by reply, value by
value, with a redis-server of the test's own.
"""

import random

import pytest
import redis

from conftest import counted_stats, RawConn, reference_redis
from test_aof_effects import AOF_ARGS, Aof
from test_bitops import err

TYPE_ERR = (b"ERR Invalid bitfield type. Use something like i16 u8. "
            b"Note that u64 is not supported but i64 is.")
OFFSET_ERR = b"ERR bit offset is not an integer or out of range"


@pytest.fixture(scope="module")
def reference():
    yield from reference_redis(prefix="kilat-bfref-")


def bf(r, *args):
    return r.execute_command("BITFIELD", *args)


def test_set_get_incrby_basics(r):
    assert bf(r, "k", "SET", "u8", 0, 255, "GET", "u8", 0, "GET", "i8", 0) == [0, 255, -1]
    assert r.get("k") == b"\xff"
    assert bf(r, "k", "SET", "u4", "#1", 5, "GET", "u8", 0) == [15, 0xf5]
    assert bf(r, "k", "INCRBY", "i5", 100, 3, "GET", "i5", 100) == [3, 3]
    assert r.strlen("k") == 14  # grown once to the farthest bit written (104)
    assert bf(r, "k", "GET", "u8", 1000) == [0]  # past the end reads zeros
    assert r.strlen("k") == 14
    assert bf(r, "k") == []
    assert bf(r, "nokey", "GET", "i64", 0) == [0]
    assert not r.exists("nokey")
    assert bf(r, "w", "SET", "i64", 3, -2, "GET", "i64", 3, "GET", "u63", 4) == \
        [0, -2, 2 ** 63 - 2]
    assert bf(r, "w", "SET", "u1", 0, 1, "GET", "i1", 0) == [0, -1]


def test_overflow_modes(r):
    assert bf(r, "k", "SET", "u8", 0, 250, "INCRBY", "u8", 0, 10) == [0, 4]
    assert bf(r, "k", "OVERFLOW", "SAT", "INCRBY", "u8", 0, 1000) == [255]
    assert bf(r, "k", "OVERFLOW", "sat", "INCRBY", "u8", 0, -1000) == [0]
    assert bf(r, "k", "OVERFLOW", "FAIL", "INCRBY", "u8", 0, -1, "GET", "u8", 0) == [None, 0]
    assert bf(r, "k", "SET", "i8", 0, 127, "INCRBY", "i8", 0, 1) == [0, -128]
    assert bf(r, "k", "OVERFLOW", "SAT", "INCRBY", "i8", 0, -1000) == [-128]
    assert bf(r, "k", "OVERFLOW", "SAT", "SET", "i8", 0, 1000, "GET", "i8", 0) == [-128, 127]
    assert bf(r, "k", "OVERFLOW", "WRAP", "SET", "i8", 0, 1000, "GET", "i8", 0) == [127, -24]
    # OVERFLOW applies to the operations after it only
    assert bf(r, "k", "INCRBY", "u2", 0, 5, "OVERFLOW", "FAIL", "INCRBY", "u2", 0, 5) == [0, None]
    # an unsigned SET of a negative value is above the maximum for SAT
    assert bf(r, "k", "OVERFLOW", "SAT", "SET", "u8", 0, -1, "GET", "u8", 0) == [40, 255]
    # Redis's bound arithmetic wraps for SET i3 INT64_MIN: saturates up
    assert bf(r, "k", "OVERFLOW", "SAT", "SET", "i3", 0, -2 ** 63, "GET", "i3", 0) == [-1, 3]
    assert bf(r, "k", "OVERFLOW", "SAT", "INCRBY", "i64", 64, 2 ** 63 - 1,
              "INCRBY", "i64", 64, 1, "INCRBY", "i64", 64, -2 ** 63) == \
        [2 ** 63 - 1, 2 ** 63 - 1, -1]
    assert bf(r, "k", "OVERFLOW", "WRAP", "INCRBY", "u63", 200, -1) == [2 ** 63 - 1]


def test_errors_in_order(r):
    assert err(r, "BITFIELD", "k", "GET", "u64", 0) == TYPE_ERR
    assert err(r, "BITFIELD", "k", "GET", "i65", 0) == TYPE_ERR
    assert err(r, "BITFIELD", "k", "GET", "i0", 0) == TYPE_ERR
    assert err(r, "BITFIELD", "k", "GET", "x8", 0) == TYPE_ERR
    assert err(r, "BITFIELD", "k", "GET", "u08", 0) == TYPE_ERR
    assert err(r, "BITFIELD", "k", "GET", "u", 0) == TYPE_ERR
    assert err(r, "BITFIELD", "k", "GET", "U8", 0) == TYPE_ERR  # lower case only
    assert err(r, "BITFIELD", "k", "GET", "u8", -1) == OFFSET_ERR
    assert err(r, "BITFIELD", "k", "GET", "u8", "#-1") == OFFSET_ERR
    assert err(r, "BITFIELD", "k", "GET", "u8", "#") == OFFSET_ERR
    assert err(r, "BITFIELD", "k", "GET", "u8", 2 ** 32) == OFFSET_ERR
    assert err(r, "BITFIELD", "k", "GET", "u8", "#536870912") == OFFSET_ERR
    assert err(r, "BITFIELD", "k", "SET", "u8", 0, "x") == \
        b"ERR value is not an integer or out of range"
    assert err(r, "BITFIELD", "k", "SET", "u8", 0) == b"ERR syntax error"
    assert err(r, "BITFIELD", "k", "GET", "u8") == b"ERR syntax error"
    assert err(r, "BITFIELD", "k", "FOO", "u8", 0) == b"ERR syntax error"
    assert err(r, "BITFIELD", "k", "OVERFLOW", "NOPE", "GET", "u8", 0) == \
        b"ERR Invalid OVERFLOW type specified"
    assert err(r, "BITFIELD", "k", "OVERFLOW") == b"ERR syntax error"
    # all operations are parsed before any runs
    assert err(r, "BITFIELD", "k", "SET", "u8", 0, 1, "GET", "u99", 0) == TYPE_ERR
    assert not r.exists("k")
    r.lpush("l", "x")
    assert err(r, "BITFIELD", "l", "GET", "u8", 0) == \
        b"WRONGTYPE Operation against a key holding the wrong kind of value"
    assert err(r, "BITFIELD", "l", "SET", "u8", 0, 1) == \
        b"WRONGTYPE Operation against a key holding the wrong kind of value"
    assert err(r, "BITFIELD", "l", "GET", "u8", -1) == OFFSET_ERR  # before the type
    assert err(r, "BITFIELD_RO", "k", "SET", "u8", 0, 1) == \
        b"ERR BITFIELD_RO only supports the GET subcommand"
    assert err(r, "BITFIELD_RO", "k", "OVERFLOW", "SAT", "INCRBY", "u8", 0, 1) == \
        b"ERR BITFIELD_RO only supports the GET subcommand"
    assert err(r, "BITFIELD") == b"ERR wrong number of arguments for 'bitfield' command"
    assert err(r, "BITFIELD_RO") == b"ERR wrong number of arguments for 'bitfield_ro' command"


def test_bitfield_ro(r):
    r.set("k", b"\x12\x34")
    assert r.execute_command("BITFIELD_RO", "k", "GET", "u8", 0, "GET", "i4", "#3") == [0x12, 4]
    assert r.execute_command("BITFIELD_RO", "k") == []
    assert r.execute_command("EVAL_RO", "return redis.call('bitfield_ro', KEYS[1], 'GET', 'u16', 0)",
                             1, "k") == [0x1234]
    with pytest.raises(redis.ResponseError) as e:
        r.execute_command("EVAL_RO", "return redis.call('bitfield', KEYS[1], 'GET', 'u16', 0)",
                          1, "k")
    assert "Write commands are not allowed from read-only scripts" in str(e.value)
    assert r.eval("return redis.call('bitfield', KEYS[1], 'INCRBY', 'u16', 0, 1)", 1, "k") == \
        [0x1235]
    p = r.pipeline(transaction=True)
    p.execute_command("BITFIELD", "k", "SET", "u8", 0, 1)
    p.execute_command("BITFIELD_RO", "k", "GET", "u8", 0)
    assert p.execute() == [[0x12], [1]]


def test_propagation(start_server):
    srv = start_server(*AOF_ARGS)
    r = srv.client()
    aof = Aof(srv)
    bf(r, "k", "SET", "u8", 0, 7)
    assert aof.new() == [[b"BITFIELD", b"k", b"SET", b"u8", b"0", b"7"]]
    bf(r, "k", "GET", "u8", 0)  # reads only
    bf(r, "k", "SET", "u8", 0, 7)  # the same value: no change
    bf(r, "k", "OVERFLOW", "FAIL", "INCRBY", "u8", 0, 1000)  # fails
    r.execute_command("BITFIELD_RO", "k", "GET", "u8", 0)
    r.set("x", "y")
    assert aof.new() == [[b"SET", b"x", b"y"]]
    # a key created only by SETs that all FAIL: created, yet not propagated
    # (Redis 7.0 counts no change)
    assert bf(r, "new", "OVERFLOW", "FAIL", "SET", "u2", 8, 9) == [None]
    assert r.get("new") == b"\x00\x00"
    r.set("x", "z")
    assert aof.new() == [[b"SET", b"x", b"z"]]
    bf(r, "k", "GET", "u8", 0, "INCRBY", "u8", 0, 1)
    assert aof.new() == [[b"BITFIELD", b"k", b"GET", b"u8", b"0", b"INCRBY", b"u8", b"0", b"1"]]


def test_keyspace_event_is_setbit(server, r):
    from test_bitops import events_of
    data = events_of(server.port, [
        ("BITFIELD", "k", "SET", "u8", 0, 1, "SET", "u8", 8, 1),  # one event
        ("BITFIELD", "k", "SET", "u8", 0, 1),  # no change
        ("BITFIELD", "k", "GET", "u8", 0),
    ])
    assert data.count(b"__keyevent@0__:setbit") == 1
    assert data.count(b"pmessage") == 2  # keyspace and keyevent, once


# ---------------------------------------------------------------- vs redis-server

TYPES = ["i1", "u1", "i2", "u3", "i7", "u7", "i8", "u8", "i9", "i15", "u16", "i17", "i31",
         "u32", "i33", "u47", "i63", "u63", "i64"]


def random_value(rng):
    return rng.choice([0, 1, -1, 2, -2, 127, 128, -128, -129, 255, 256, 2 ** 31, -2 ** 31,
                       2 ** 62, 2 ** 63 - 1, -2 ** 63, -2 ** 63 + 1, rng.randrange(-300, 300),
                       rng.randrange(-2 ** 63, 2 ** 63)])


def random_bitfield(rng):
    args = []
    for _ in range(rng.randrange(1, 6)):
        if rng.random() < 0.3:
            args += ["OVERFLOW", rng.choice(["WRAP", "SAT", "FAIL"])]
        sub = rng.choice(["GET", "SET", "INCRBY", "INCRBY"])
        t = rng.choice(TYPES)
        off = rng.choice([rng.randrange(200), "#%d" % rng.randrange(12), rng.randrange(8)])
        args += [sub, t, off]
        if sub != "GET":
            args.append(random_value(rng))
    if rng.random() < 0.03:
        args[rng.randrange(len(args))] = rng.choice(["u64", "x", "-1", "#", "i0"])
    ro = all(a != "SET" and a != "INCRBY" for a in args) and rng.random() < 0.3
    return ("BITFIELD_RO" if ro else "BITFIELD", rng.choice(["a", "b", "n"])) + tuple(args)


def run_stream(port, seed, count):
    rng = random.Random(seed)
    c = RawConn("127.0.0.1", port)
    assert c.cmd("FLUSHALL") == b"OK"
    c.cmd("SET", "n", 12345)  # an int-encoded value
    c.cmd("CONFIG", "RESETSTAT")
    out = []
    for _ in range(count):
        cmd = random_bitfield(rng) if rng.random() < 0.9 else ("GET", rng.choice("abn"))
        out.append((cmd, c.cmd_raw(*cmd)))
    # lookups counted as hits and misses, calls counted as failed: as Redis
    out.append(("stats", counted_stats(c)))
    out.append(("finals", [c.cmd_raw("GET", k) for k in "abn"]))
    c.close()
    return out


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_random_bitfield_matches_redis(server, reference, seed):
    ours = run_stream(server.port, seed, 500)
    theirs = run_stream(reference, seed, 500)
    for (cmd, got), (_, want) in zip(ours, theirs):
        assert got == want, cmd
