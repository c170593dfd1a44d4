"""Bitmap commands (SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP) as Redis 7.0.15
answers them: replies, every error text and the order of checks, strings
grown with zero bytes, int-encoded values read as their text, the
proto-max-bulk-len limit on offsets, WRONGTYPE, keyspace events and what
reaches the AOF. A seeded random stream of bit commands with random
offsets and ranges (negative, past the end, BIT vs BYTE) runs on the server
under test and on a redis-server of the test's own, replies, notifications
and the final values compared byte for byte.
"""

import random

import pytest
import redis

from conftest import counted_stats, Err, RawConn, SLOW, reference_redis
from test_aof_effects import AOF_ARGS, Aof

OFFSET_ERR = b"ERR bit offset is not an integer or out of range"
BIT_ERR = b"ERR bit is not an integer or out of range"
NOT_INT = b"ERR value is not an integer or out of range"
WRONGTYPE = b"WRONGTYPE Operation against a key holding the wrong kind of value"


def err(r, *args):
    """The error reply to args, as sent (redis-py drops the ERR prefix)."""
    kw = r.connection_pool.connection_kwargs
    with RawConn(kw["host"], kw["port"]) as c:
        if kw.get("db"):
            c.cmd("SELECT", kw["db"])
        reply = c.cmd(*args)
    assert isinstance(reply, Err), (args, reply)
    return bytes(reply)


@pytest.fixture(scope="module")
def reference():
    yield from reference_redis(prefix="kilat-bitref-")


# ---------------------------------------------------------------- SETBIT/GETBIT

def test_setbit_grows_with_zero_bytes_and_returns_old_bit(r):
    assert r.setbit("k", 7, 1) == 0
    assert r.get("k") == b"\x01"
    assert r.setbit("k", 7, 1) == 1
    assert r.setbit("k", 7, 0) == 1
    assert r.setbit("k", 100, 1) == 0
    assert r.get("k") == b"\x00" * 12 + b"\x08"
    assert r.strlen("k") == 13
    assert r.getbit("k", 100) == 1
    assert r.getbit("k", 99) == 0
    assert r.getbit("k", 10 ** 9) == 0  # past the end
    assert r.getbit("nokey", 0) == 0
    assert r.object("encoding", "k") == b"raw"


def test_bits_of_int_encoded_values_read_their_text(r):
    r.set("n", 1)  # "1" = 0x31 = 00110001
    assert r.object("encoding", "n") == b"int"
    assert [r.getbit("n", i) for i in range(8)] == [0, 0, 1, 1, 0, 0, 0, 1]
    assert r.bitcount("n") == 3
    assert r.bitpos("n", 1) == 2
    assert r.execute_command("BITFIELD_RO", "n", "GET", "u8", "0") == [0x31]
    assert r.setbit("n", 6, 1) == 0  # "1" -> "3"
    assert r.get("n") == b"3"
    assert r.object("encoding", "n") == b"raw"


def test_setbit_and_getbit_errors(r):
    assert err(r, "SETBIT", "k", -1, 1) == OFFSET_ERR
    assert err(r, "SETBIT", "k", "abc", 1) == OFFSET_ERR
    assert err(r, "SETBIT", "k", "#1", 1) == OFFSET_ERR
    assert err(r, "SETBIT", "k", 4 * 1024 * 1024 * 1024, 1) == OFFSET_ERR  # 512 MB
    assert err(r, "SETBIT", "k", 2 ** 63, 1) == OFFSET_ERR
    assert err(r, "SETBIT", "k", 0, 2) == BIT_ERR
    assert err(r, "SETBIT", "k", 0, -1) == BIT_ERR
    assert err(r, "SETBIT", "k", 0, "x") == BIT_ERR
    assert err(r, "SETBIT", "k", "x", "x") == OFFSET_ERR  # offset checked first
    assert err(r, "GETBIT", "k", -1) == OFFSET_ERR
    assert err(r, "GETBIT", "k", 4 * 1024 * 1024 * 1024) == OFFSET_ERR
    r.lpush("l", "x")
    assert err(r, "SETBIT", "l", 0, 1) == WRONGTYPE
    assert err(r, "GETBIT", "l", 0) == WRONGTYPE
    assert err(r, "SETBIT", "l", -1, 1) == OFFSET_ERR  # before the type
    assert err(r, "SETBIT", "k", 0) == b"ERR wrong number of arguments for 'setbit' command"
    assert err(r, "GETBIT", "k") == b"ERR wrong number of arguments for 'getbit' command"
    assert not r.exists("k")


def test_offsets_follow_proto_max_bulk_len(r):
    r.config_set("proto-max-bulk-len", 1024 * 1024)
    try:
        assert err(r, "SETBIT", "k", 8 * 1024 * 1024, 1) == OFFSET_ERR
        assert r.setbit("k", 8 * 1024 * 1024 - 1, 1) == 0
        assert r.strlen("k") == 1024 * 1024
        assert err(r, "BITFIELD", "k", "GET", "u8", 8 * 1024 * 1024) == OFFSET_ERR
    finally:
        r.config_set("proto-max-bulk-len", 512 * 1024 * 1024)


# ---------------------------------------------------------------- BITCOUNT

def test_bitcount_ranges(r):
    r.set("s", b"\xff\xf0\x00\x0f\xaa")
    assert r.bitcount("s") == 8 + 4 + 0 + 4 + 4
    assert r.bitcount("s", 0, 0) == 8
    assert r.bitcount("s", 1, -1) == 12
    assert r.bitcount("s", -2, -1) == 8
    assert r.bitcount("s", -1, -2) == 0  # both negative, wrong order
    assert r.bitcount("s", 3, 1) == 0
    assert r.bitcount("s", 0, 100) == 20
    assert r.bitcount("s", -100, 0) == 8
    assert r.bitcount("s", 0, -100) == 8  # a negative end clamps to 0
    assert r.execute_command("BITCOUNT", "s", 4, 11, "BIT") == 4 + 4
    assert r.execute_command("BITCOUNT", "s", 5, 5, "BIT") == 1
    assert r.execute_command("BITCOUNT", "s", 12, 12, "bit") == 0
    assert r.execute_command("BITCOUNT", "s", -4, -1, "BIT") == 2  # 1010
    assert r.execute_command("BITCOUNT", "s", 0, 1, "BYTE") == 12
    assert r.bitcount("nokey") == 0
    assert r.bitcount("nokey", 0, 1) == 0


def test_bitcount_errors(r):
    r.set("s", "foobar")
    assert err(r, "BITCOUNT", "s", 0) == b"ERR syntax error"
    assert err(r, "BITCOUNT", "s", 0, 1, "BIT", "x") == b"ERR syntax error"
    assert err(r, "BITCOUNT", "s", 0, 1, "bits") == b"ERR syntax error"
    assert err(r, "BITCOUNT", "s", "a", 1) == NOT_INT
    assert err(r, "BITCOUNT", "s", 0, "b") == NOT_INT
    # two negative indexes in the wrong order answer 0 before the unit word
    assert r.execute_command("BITCOUNT", "s", -1, -2, "nonsense") == 0
    # a missing key is 0 whatever the arguments
    assert r.execute_command("BITCOUNT", "nokey", "x") == 0
    r.sadd("set", "m")
    assert err(r, "BITCOUNT", "set") == WRONGTYPE
    assert err(r, "BITCOUNT") == b"ERR wrong number of arguments for 'bitcount' command"


def test_bitcount_large_unaligned(r):
    rng = random.Random(7)
    data = bytes(rng.randrange(256) for _ in range(100003))
    r.set("big", data)
    total = sum(bin(b).count("1") for b in data)
    assert r.bitcount("big") == total
    for s, e in [(1, -2), (3, 99997), (4095, 4097), (-70000, -3)]:
        want = sum(bin(b).count("1") for b in data[s:(e + 1) or None] if True)
        assert r.bitcount("big", s, e) == want
    bits = "".join(format(b, "08b") for b in data[:5000])
    for s, e in [(3, 39001), (0, 7), (9, 9), (13, 64 * 8 + 5)]:
        assert r.execute_command("BITCOUNT", "big", s, e, "BIT") == bits[s:e + 1].count("1")


# ---------------------------------------------------------------- BITPOS

def test_bitpos(r):
    r.set("s", b"\xff\xf0\x00")
    assert r.bitpos("s", 0) == 12
    assert r.bitpos("s", 1) == 0
    assert r.bitpos("s", 1, 1) == 8
    assert r.bitpos("s", 1, 2) == -1
    assert r.bitpos("s", 0, 2) == 16
    assert r.bitpos("s", 0, 0, 0) == -1  # all ones in an explicit range
    r.set("ones", b"\xff\xff")
    assert r.bitpos("ones", 0) == 16  # the zeros past the end count
    assert r.bitpos("ones", 0, 1) == 16
    assert r.bitpos("ones", 0, 0, -1) == -1
    assert r.execute_command("BITPOS", "s", 1, 5, 10, "BIT") == 5
    assert r.execute_command("BITPOS", "s", 0, 5, 14, "BIT") == 12
    assert r.execute_command("BITPOS", "s", 0, 5, 11, "BIT") == -1
    assert r.execute_command("BITPOS", "s", 1, 12, -1, "BIT") == -1
    assert r.execute_command("BITPOS", "s", 1, 7, 7, "BIT") == 7
    assert r.execute_command("BITPOS", "s", 0, -4, -1, "BIT") == 20
    assert r.bitpos("nokey", 0) == 0
    assert r.bitpos("nokey", 1) == -1
    r.set("empty", "")
    assert r.bitpos("empty", 0) == -1
    assert r.bitpos("empty", 1) == -1


def test_bitpos_errors(r):
    r.set("s", "foo")
    assert err(r, "BITPOS", "s", 2) == b"ERR The bit argument must be 1 or 0."
    assert err(r, "BITPOS", "nokey", -1) == b"ERR The bit argument must be 1 or 0."
    assert err(r, "BITPOS", "s", "x") == NOT_INT
    assert err(r, "BITPOS", "s", 1, "x") == NOT_INT
    assert err(r, "BITPOS", "s", 1, 0, "x") == NOT_INT
    assert err(r, "BITPOS", "s", 1, 0, 1, "bite") == b"ERR syntax error"
    assert err(r, "BITPOS", "s", 1, "x", 1, "bite") == NOT_INT  # start before the unit
    assert err(r, "BITPOS", "s", 1, 0, "x", "bite") == b"ERR syntax error"  # unit before end
    assert err(r, "BITPOS", "s", 1, 0, 1, "BIT", 1) == b"ERR syntax error"
    assert r.execute_command("BITPOS", "nokey", 1, "x", "y") == -1
    r.hset("h", "f", "v")
    assert err(r, "BITPOS", "h", 1) == WRONGTYPE
    assert err(r, "BITPOS", "s") == b"ERR wrong number of arguments for 'bitpos' command"


def test_bitpos_large(r):
    r.setbit("z", 8 * 100000 + 3, 1)
    assert r.bitpos("z", 1) == 8 * 100000 + 3
    assert r.bitpos("z", 1, 5) == 8 * 100000 + 3
    assert r.execute_command("BITPOS", "z", 1, 13, -1, "BIT") == 8 * 100000 + 3
    r.set("o", b"\xff" * 100000 + b"\xfe")
    assert r.bitpos("o", 0) == 8 * 100000 + 7
    assert r.execute_command("BITPOS", "o", 0, 3, -1, "BIT") == 8 * 100000 + 7
    assert r.execute_command("BITPOS", "o", 0, 3, -2, "BIT") == -1


# ---------------------------------------------------------------- BITOP

def test_bitop_operations(r):
    r.set("a", b"\xf0\x0f\xff")
    r.set("b", b"\x3c")
    assert r.bitop("AND", "d", "a", "b") == 3
    assert r.get("d") == b"\x30\x00\x00"
    assert r.bitop("or", "d", "a", "b") == 3
    assert r.get("d") == b"\xfc\x0f\xff"
    assert r.bitop("XoR", "d", "a", "b", "b") == 3
    assert r.get("d") == b"\xf0\x0f\xff"
    assert r.bitop("NOT", "d", "b") == 1
    assert r.get("d") == b"\xc3"
    assert r.bitop("AND", "d", "a", "nokey") == 3
    assert r.get("d") == b"\x00\x00\x00"
    assert r.object("encoding", "d") == b"raw"
    # the destination may be a source
    assert r.bitop("NOT", "a", "a") == 3
    assert r.get("a") == b"\x0f\xf0\x00"
    # an int-encoded source is its text
    r.set("n", 12)
    assert r.bitop("OR", "d", "n") == 2
    assert r.get("d") == b"12"


def test_bitop_empty_result_deletes_destination(r):
    r.set("d", "old")
    r.expire("d", 100)
    assert r.bitop("OR", "d", "nokey1", "nokey2") == 0
    assert not r.exists("d")
    r.set("e", "")
    r.lpush("d", "x")  # any type is replaced or deleted
    assert r.bitop("AND", "d", "e") == 0
    assert not r.exists("d")
    r.lpush("d", "x")
    r.set("a", "x")
    assert r.bitop("AND", "d", "a") == 1
    assert r.get("d") == b"x" and r.ttl("d") == -1


def test_bitop_large_unaligned(r):
    rng = random.Random(3)
    a = bytes(rng.randrange(256) for _ in range(70001))
    b = bytes(rng.randrange(256) for _ in range(40007))
    c = bytes(rng.randrange(256) for _ in range(39))
    r.mset({"a": a, "b": b, "c": c})
    pad = lambda s, n: s + b"\x00" * (n - len(s))
    A, B, C = pad(a, len(a)), pad(b, len(a)), pad(c, len(a))
    for op, f in [("AND", lambda x, y: x & y), ("OR", lambda x, y: x | y),
                  ("XOR", lambda x, y: x ^ y)]:
        assert r.bitop(op, "d", "a", "b", "c") == len(a)
        want = bytes(f(f(x, y), z) for x, y, z in zip(A, B, C))
        assert r.get("d") == want, op
        assert r.bitop(op, "d", "c", "b") == len(b)
        want = bytes(f(x, y) for x, y in zip(pad(c, len(b)), b))
        assert r.get("d") == want, op
    assert r.bitop("NOT", "d", "b") == len(b)
    assert r.get("d") == bytes(255 - x for x in b)


def test_bitop_errors(r):
    r.set("a", "x")
    assert err(r, "BITOP", "NAND", "d", "a") == b"ERR syntax error"
    assert err(r, "BITOP", "NOT", "d", "a", "a") == \
        b"ERR BITOP NOT must be called with a single source key."
    r.lpush("l", "x")
    assert err(r, "BITOP", "OR", "d", "a", "l") == WRONGTYPE
    assert not r.exists("d")
    assert err(r, "BITOP", "OR", "d") == b"ERR wrong number of arguments for 'bitop' command"


# ---------------------------------------------------------------- events, AOF

def events_of(srv_port, actions):
    sub = RawConn("127.0.0.1", srv_port)
    sub.send_command("PSUBSCRIBE", "*")
    sub.read_reply()
    c = RawConn("127.0.0.1", srv_port)
    c.cmd("CONFIG", "SET", "notify-keyspace-events", "KEA")
    for a in actions:
        c.cmd(*a)
    data = bytes(sub.read_available(0.3 * SLOW))
    c.cmd("CONFIG", "SET", "notify-keyspace-events", "")
    sub.close()
    c.close()
    return data


def test_keyspace_events(server, r):
    data = events_of(server.port, [
        ("SETBIT", "k", 3, 1), ("SETBIT", "k", 3, 1),  # no change: no event
        ("BITOP", "OR", "d", "k"), ("BITOP", "AND", "d", "nokey"),
    ])
    assert data.count(b"__keyevent@0__:setbit") == 1
    assert b"__keyevent@0__:set\r\n$1\r\nd" in data
    assert b"__keyevent@0__:del\r\n$1\r\nd" in data


def test_propagation(start_server):
    srv = start_server(*AOF_ARGS)
    r = srv.client()
    aof = Aof(srv)
    r.setbit("k", 1, 1)
    assert aof.new() == [[b"SETBIT", b"k", b"1", b"1"]]
    r.setbit("k", 1, 1)  # the bit was already set: nothing
    r.setbit("k", 0, 0)
    r.getbit("k", 1)
    r.bitcount("k")
    r.bitop("AND", "d", "nokey")  # nothing to delete
    r.set("x", "y")
    assert aof.new() == [[b"SET", b"x", b"y"]]
    r.setbit("k", 20, 0)  # grows the string: a change
    r.bitop("AND", "d", "k")
    r.bitop("AND", "d", "nokey")  # deletes d
    assert aof.new() == [[b"SETBIT", b"k", b"20", b"0"], [b"BITOP", b"AND", b"d", b"k"],
                         [b"BITOP", b"AND", b"d", b"nokey"]]


def test_in_multi_and_scripts(r):
    p = r.pipeline(transaction=True)
    p.setbit("k", 0, 1).getbit("k", 0).bitcount("k").bitpos("k", 0)
    assert p.execute() == [0, 1, 1, 1]
    assert r.eval("redis.call('setbit', KEYS[1], 9, 1); return redis.call('bitcount', KEYS[1])",
                  1, "k") == 2
    assert r.execute_command("EVAL_RO", "return redis.call('getbit', KEYS[1], 9)", 1, "k") == 1
    with pytest.raises(redis.ResponseError) as e:
        r.execute_command("EVAL_RO", "return redis.call('setbit', KEYS[1], 9, 1)", 1, "k")
    assert "Write commands are not allowed from read-only scripts" in str(e.value)


# ---------------------------------------------------------------- vs redis-server

def test_command_info_matches_redis(server, reference):
    ours, theirs = RawConn("127.0.0.1", server.port), RawConn("127.0.0.1", reference)
    for name in ["setbit", "getbit", "bitcount", "bitpos", "bitop", "bitfield", "bitfield_ro"]:
        assert ours.cmd_raw("COMMAND", "INFO", name) == theirs.cmd_raw("COMMAND", "INFO", name)
        od, td = ours.cmd("COMMAND", "DOCS", name), theirs.cmd("COMMAND", "DOCS", name)
        o, t = dict(zip(od[1][::2], od[1][1::2])), dict(zip(td[1][::2], td[1][1::2]))
        for field in (b"summary", b"since", b"group", b"complexity"):
            assert o[field] == t[field], (name, field)
    ours.close()
    theirs.close()


def test_dump_restore_matches_redis(r, reference):
    ref = redis.Redis(port=reference)
    ref.flushall()
    for key in ("bm", "small"):
        pass
    r.setbit("bm", 1000, 1)
    ref.setbit("bm", 1000, 1)
    r.setbit("small", 3, 1)
    ref.setbit("small", 3, 1)
    for key in ("bm", "small"):
        payload = r.dump(key)
        assert payload == ref.dump(key)
        r.restore(key + "2", 0, ref.dump(key))
        assert r.get(key + "2") == ref.get(key)
        ref.restore(key + "3", 0, payload)
        assert ref.get(key + "3") == r.get(key)
    assert r.bitcount("bm2") == 1 and r.getbit("bm2", 1000) == 1


KEYS = ["a", "b", "c", "n", "l"]


def random_offset(rng):
    return rng.choice([rng.randrange(64), rng.randrange(2000), rng.randrange(200),
                       -rng.randrange(1, 10), "x", "#3", 4 * 1024 * 1024 * 1024,
                       2 ** 32 - 1 if rng.random() < 0.01 else 17])


def random_index(rng):
    return rng.choice([rng.randrange(-40, 40), rng.randrange(-400, 400), 0, -1,
                       -2 ** 62, 2 ** 62, "y"])


def random_command(rng):
    k, k2, k3 = rng.choice(KEYS), rng.choice(KEYS), rng.choice(KEYS)
    unit = [rng.choice(["BIT", "BYTE", "bit", "bIt", "BITS"])] if rng.random() < 0.6 else []
    kind = rng.randrange(12)
    if kind == 0:
        return ("SETBIT", k, random_offset(rng), rng.choice([0, 1, 1, 0, 2, "x"]))
    if kind == 1:
        return ("GETBIT", k, random_offset(rng))
    if kind == 2:
        return ("BITCOUNT", k) + ((random_index(rng), random_index(rng), *unit)
                                  if rng.random() < 0.8 else ())
    if kind == 3:
        extra = (random_index(rng), random_index(rng), *unit)[:rng.randrange(4)]
        return ("BITPOS", k, rng.choice([0, 1, 1, 0, 2])) + extra
    if kind == 4:
        op = rng.choice(["AND", "OR", "XOR", "NOT", "and", "nand"])
        srcs = (k2,) if op in ("NOT",) or rng.random() < 0.2 else (k2, k3, rng.choice(KEYS))
        return ("BITOP", op, k) + srcs
    if kind == 5:
        t = rng.choice(["u", "i"]) + str(rng.choice([1, 3, 7, 8, 9, 16, 31, 33, 63, 64]))
        sub = rng.choice(["GET", "SET", "INCRBY"])
        val = rng.choice([0, 1, -1, 100, -129, 2 ** 63 - 1, -2 ** 63, rng.randrange(-999, 999)])
        args = ["OVERFLOW", rng.choice(["WRAP", "SAT", "FAIL"])] if rng.random() < 0.5 else []
        args += [sub, t, rng.choice([rng.randrange(300), "#%d" % rng.randrange(20)])]
        if sub != "GET":
            args.append(val)
        return ("BITFIELD", k) + tuple(args)
    if kind == 6:
        return ("SET", k, rng.choice([rng.randrange(-5, 1000), "foobar", "", "\xff\x00\x80"]))
    if kind == 7:
        return ("APPEND", k, rng.choice(["\xff\xff", "\x00", "abc"]))
    if kind == 8:
        return ("GET", k)
    if kind == 9:
        return ("LPUSH", "l", "x") if rng.random() < 0.2 else ("DEL", k)
    if kind == 10:
        return ("BITFIELD_RO", k, "GET", rng.choice(["u8", "i5", "u63", "i64"]),
                rng.choice([0, 5, 100, "#2"]))
    return ("STRLEN", k)


def run_stream(port, seed, count):
    rng = random.Random(seed)
    sub = RawConn("127.0.0.1", port)
    sub.send_command("PSUBSCRIBE", "*")
    sub.read_reply()
    c = RawConn("127.0.0.1", port)
    assert c.cmd("FLUSHALL") == b"OK"
    assert c.cmd("CONFIG", "SET", "notify-keyspace-events", "KEA") == b"OK"
    assert c.cmd("CONFIG", "RESETSTAT") == b"OK"
    replies = [(cmd, c.cmd_raw(*cmd)) for cmd in (random_command(rng) for _ in range(count))]
    # lookups counted as hits and misses, calls counted as failed: as Redis
    finals = [counted_stats(c)] + [c.cmd_raw("GET", k) for k in KEYS if k != "l"]
    events = bytes(sub.read_available(0.5 * SLOW))
    assert c.cmd("CONFIG", "SET", "notify-keyspace-events", "") == b"OK"
    sub.close()
    c.close()
    return replies, finals, events


@pytest.mark.parametrize("seed", [11, 12, 13, 14, 15])
def test_random_stream_matches_redis(server, reference, seed):
    ours, our_finals, our_events = run_stream(server.port, seed, 400)
    theirs, their_finals, their_events = run_stream(reference, seed, 400)
    for (cmd, got), (_, want) in zip(ours, theirs):
        assert got == want, cmd
    assert our_finals == their_finals
    assert our_events == their_events
