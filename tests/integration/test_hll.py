"""HyperLogLog (issue 15): PFADD, PFCOUNT, PFMERGE, PFDEBUG, PFSELFTEST.

Every reply is compared byte for byte (raw RESP) with a redis-server 7.0
started beside the server under test, and so are the values (GET) and DUMP
payloads: the representation (HYLL header, sparse and dense encodings, the
cached count) must be Redis's exactly. Seeded random streams on sparse and
dense HLLs, hand-made corruptions, hll-sparse-max-bytes changes, events,
and the dirty count PFCOUNT's cache write causes.

Runs against kilat and against redis-server (then both sides are Redis).
"""

import random
import struct

import pytest

from conftest import counted_stats, reference_redis, RawConn, SLOW


@pytest.fixture(scope="module")
def reference():
    yield from reference_redis(prefix="kilat-hllref-")


@pytest.fixture
def pair(r, connect, reference):
    """(ours, theirs): raw connections to the server under test and to the
    reference, both flushed, hll-sparse-max-bytes at its default."""
    ours = connect()
    theirs = RawConn("127.0.0.1", reference, timeout=30 * SLOW)
    for c in (ours, theirs):
        c.cmd("FLUSHALL")
        c.cmd("CONFIG", "SET", "hll-sparse-max-bytes", "3000")
    yield ours, theirs
    ours.cmd("CONFIG", "SET", "hll-sparse-max-bytes", "3000")
    theirs.cmd("CONFIG", "SET", "hll-sparse-max-bytes", "3000")
    theirs.close()


def same(pair, *cmd):
    """Runs cmd on both; asserts equal raw replies; returns ours."""
    ours, theirs = pair
    got, want = ours.cmd_raw(*cmd), theirs.cmd_raw(*cmd)
    assert got == want, cmd
    return got


def same_values(pair, keys):
    ours, theirs = pair
    for k in keys:
        assert ours.cmd_raw("GET", k) == theirs.cmd_raw("GET", k), k


def element(rng):
    kind = rng.random()
    if kind < 0.7:
        return str(rng.randint(0, 200000))
    if kind < 0.85:
        return bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 40)))
    return "e" * rng.randint(0, 9)  # every tail length of the hash


# ------------------------------------------------------------ random streams

@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_random_stream_matches_redis(pair, seed):
    rng = random.Random(seed)
    keys = ["h%d" % i for i in range(5)]
    for c in pair:
        c.cmd("CONFIG", "RESETSTAT")
    for step in range(600):
        k = rng.choice(keys)
        op = rng.random()
        if op < 0.55:
            # small batches keep keys sparse for a while; big ones go dense
            n = rng.choice([0, 1, 3, 10, 60, 400])
            same(pair, "PFADD", k, *[element(rng) for _ in range(n)])
        elif op < 0.7:
            same(pair, "PFCOUNT", k)
        elif op < 0.8:
            same(pair, "PFCOUNT", *rng.sample(keys, rng.randint(2, 4)))
        elif op < 0.9:
            same(pair, "PFMERGE", rng.choice(keys + ["fresh%d" % step]),
                 *rng.sample(keys, rng.randint(0, 3)))
        elif op < 0.95:
            same(pair, "PFDEBUG", "ENCODING", k)
            if same(pair, "EXISTS", k) == b":1\r\n":
                same(pair, "PFDEBUG", "DECODE", k)
        else:
            same(pair, "CONFIG", "SET", "hll-sparse-max-bytes",
                 str(rng.choice([0, 40, 200, 1000, 3000, 20000])))
        if step % 25 == 0:
            same_values(pair, keys)
    same_values(pair, keys)
    # lookups counted as hits and misses, calls counted as failed: as Redis
    assert counted_stats(pair[0]) == counted_stats(pair[1])
    # the stream reached both encodings
    encodings = {pair[0].cmd("PFDEBUG", "ENCODING", k) for k in keys}
    assert encodings == {b"dense"} or b"sparse" in encodings


def test_counts_through_promotion(pair):
    """Counts and bytes at every size from empty to dense."""
    for i in range(0, 3000, 7):
        same(pair, "PFADD", "h", *["x%d" % j for j in range(i, i + 7)])
        same(pair, "PFCOUNT", "h")
        if i % 140 == 0:
            same_values(pair, ["h"])
    assert pair[0].cmd("PFDEBUG", "ENCODING", "h") == b"dense"
    same_values(pair, ["h"])
    same(pair, "PFDEBUG", "GETREG", "h")


def test_large_cardinalities(pair):
    for c in pair:
        c.send(b"".join(RawConn.encode("PFADD", "big", *["m%d" % j for j in range(i, i + 1000)])
                        for i in range(0, 200000, 1000)))
        for _ in range(200):
            c.read_reply()
    same(pair, "PFCOUNT", "big")
    same(pair, "PFCOUNT", "big", "nokey")
    same_values(pair, ["big"])


# ------------------------------------------------------------ errors

ERROR_CASES = [
    ("PFADD",),
    ("PFCOUNT",),
    ("PFMERGE",),
    ("PFDEBUG", "ENCODING"),
    ("PFDEBUG", "ENCODING", "h", "extra"),
    ("PFSELFTEST", "x"),
    ("PFDEBUG", "ENCODING", "nokey"),
    ("PFDEBUG", "NOSUCH", "nokey"),
    ("PFDEBUG", "NOSUCH", "h"),
    ("PFDEBUG", "decode", "dense"),
    ("PFADD", "list", "a"),
    ("PFCOUNT", "list"),
    ("PFCOUNT", "h", "list"),
    ("PFMERGE", "h", "list"),
    ("PFMERGE", "list", "h"),
    ("PFDEBUG", "ENCODING", "list"),
    ("PFADD", "str", "a"),
    ("PFCOUNT", "str"),
    ("PFCOUNT", "h", "str"),
    ("PFMERGE", "h", "str"),
    ("PFMERGE", "str", "h"),
    ("PFDEBUG", "GETREG", "str"),
    ("PFADD", "int", "a"),
    ("PFCOUNT", "int"),
]


def test_errors_match_redis(pair):
    for c in pair:
        c.cmd("PFADD", "h", "a", "b")
        c.cmd("PFADD", "dense", "a")
        c.cmd("PFDEBUG", "TODENSE", "dense")
        c.cmd("RPUSH", "list", "x")
        c.cmd("SET", "str", "not an hll at all, long enough")
        c.cmd("SET", "int", "12345")
    for cmd in ERROR_CASES:
        same(pair, *cmd)
    assert pair[0].cmd_raw("PFCOUNT", "str") == \
        b"-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n"
    assert pair[0].cmd_raw("PFCOUNT", "list").startswith(b"-WRONGTYPE Operation")
    assert pair[0].cmd_raw("PFDEBUG", "NOSUCH", "h") == \
        b"-ERR Unknown PFDEBUG subcommand 'NOSUCH'\r\n"
    same_values(pair, ["h", "dense", "str"])


def test_pfdebug_and_selftest(pair):
    same(pair, "PFADD", "h", *["v%d" % i for i in range(30)])
    same(pair, "PFDEBUG", "DECODE", "h")
    same(pair, "PFDEBUG", "ENCODING", "h")
    same(pair, "PFDEBUG", "GETREG", "h")       # turns it dense
    same(pair, "PFDEBUG", "ENCODING", "h")
    same(pair, "PFDEBUG", "TODENSE", "h")      # already dense: 0
    same(pair, "PFADD", "s", "x")
    same(pair, "PFDEBUG", "todense", "s")      # 1
    same_values(pair, ["h", "s"])
    assert same(pair, "PFSELFTEST") == b"+OK\r\n"
    for name in ("pfadd", "pfcount", "pfmerge", "pfdebug", "pfselftest"):
        same(pair, "COMMAND", "INFO", name)


# ------------------------------------------------------------ malformed values

def hdr(enc=1, card=b"\x00" * 8):
    return b"HYLL" + bytes([enc, 0, 0, 0]) + card


def xzero(n):
    return bytes([0x40 | ((n - 1) >> 8), (n - 1) & 0xFF])


def zero(n):
    return bytes([n - 1])


def val(v, n):
    return bytes([0x80 | ((v - 1) << 2) | (n - 1)])


VALID_SPARSE = hdr() + xzero(100) + val(3, 2) + xzero(16384 - 102)
MALFORMED = {
    "short": hdr() + xzero(16000),
    "long": hdr() + xzero(16384) + zero(1),
    "val_past_end": hdr() + xzero(16383) + val(5, 4),
    "truncated_xzero": hdr() + xzero(16384 - 256) + bytes([0x40]),
    "truncated_xzero_exact": hdr() + xzero(16384 - 1) + bytes([0x40]),
    "only_header": hdr(),
    "header_short": hdr()[:15],
    "bad_magic": b"HYLX" + VALID_SPARSE[4:],
    "bad_encoding": hdr(enc=2) + xzero(16384),
    "dense_short": hdr(enc=0) + b"\x00" * 12287,
    "dense_long": hdr(enc=0) + b"\x00" * 12289,
    "dense_garbage": hdr(enc=0) + bytes(random.Random(5).getrandbits(8) for _ in range(12288)),
    "cached_invalid_sparse": hdr(card=b"\x07" + b"\x00" * 7) + xzero(100),
    "dirty_cache_bits": hdr(card=b"\xff" * 8) + xzero(16384),
    "many_zero_ops": hdr() + zero(64) * 300,
    "xzero_run1": hdr() + xzero(1) + xzero(16383),
    "val_then_short": hdr() + val(32, 4) + zero(10),
    "notused_bytes": b"HYLL\x01\x07\x08\x09" + b"\x00" * 7 + b"\x80" + xzero(16384),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_values_answered_as_redis(pair, name):
    value = MALFORMED[name]
    cmds = [("PFCOUNT", "k"), ("PFCOUNT", "k", "k"), ("PFCOUNT", "k", "nokey"),
            ("PFADD", "k", "a", "b", "c"), ("PFADD", "k", *["z%d" % i for i in range(50)]),
            ("PFMERGE", "d", "k"), ("PFMERGE", "k", "nokey"),
            ("PFDEBUG", "DECODE", "k"), ("PFDEBUG", "ENCODING", "k"),
            ("PFDEBUG", "GETREG", "k"), ("PFDEBUG", "TODENSE", "k"), ("PFCOUNT", "k")]
    for cmd in cmds:
        for c in pair:
            c.cmd("DEL", "k", "d")
            c.cmd("SET", "k", value)
        same(pair, *cmd)
        same_values(pair, ["k", "d"])
    # a half-applied PFADD on a corrupt value stays as Redis leaves it
    for c in pair:
        c.cmd("DEL", "k")
        c.cmd("SET", "k", value)
    for i in range(20):
        same(pair, "PFADD", "k", "w%d" % i)
    same_values(pair, ["k"])
    same(pair, "PING")


def test_append_and_setrange_break_an_hll(pair):
    for c in pair:
        c.cmd("PFADD", "s", "a", "b", "c")
        c.cmd("PFADD", "d", *["x%d" % i for i in range(5000)])
    same(pair, "APPEND", "s", "\x01")
    same(pair, "PFCOUNT", "s")                 # sparse with a tail: INVALIDOBJ
    same(pair, "APPEND", "d", "x")
    same(pair, "PFCOUNT", "d")                 # dense of the wrong size
    same(pair, "PFADD", "d", "y")
    for c in pair:
        c.cmd("DEL", "s")
        c.cmd("PFADD", "s", "a", "b", "c")
    same(pair, "SETRANGE", "s", 4, "\x05")     # bad encoding byte
    same(pair, "PFCOUNT", "s")
    same(pair, "SETRANGE", "s", 4, "\x01")
    same(pair, "PFCOUNT", "s")
    same(pair, "SETRANGE", "s", 18, "\x7f")    # a VAL run past the end
    same(pair, "PFCOUNT", "s")
    same_values(pair, ["s", "d"])


# ------------------------------------------------------------ cache, config

def test_cached_count_is_in_the_header(pair):
    ours, theirs = pair
    same(pair, "PFADD", "h", "a", "b", "c")
    value = ours.cmd("GET", "h")
    assert value[15] & 0x80                    # cache invalid after PFADD
    same(pair, "PFCOUNT", "h")
    value = ours.cmd("GET", "h")
    assert not value[15] & 0x80
    assert struct.unpack("<Q", value[8:16])[0] == 3
    same_values(pair, ["h"])
    # a forged cached count is believed, as Redis does
    forged = value[:8] + struct.pack("<Q", 12345) + value[16:]
    for c in pair:
        c.cmd("SET", "h", forged)
    assert same(pair, "PFCOUNT", "h") == b":12345\r\n"
    same(pair, "PFADD", "h", "a")              # no register changed: cache kept
    assert same(pair, "PFCOUNT", "h") == b":12345\r\n"
    same(pair, "PFADD", "h", "new-element")
    same(pair, "PFCOUNT", "h")


def test_pfcount_cache_write_counts_as_a_change(pair):
    """PFCOUNT that fills the cache is a write (dirty, propagated); one that
    reads it, or counts a union, is not."""
    def changes(c):
        info = c.cmd("INFO", "persistence").decode()
        return int(info.split("rdb_changes_since_last_save:")[1].split("\r\n")[0])

    for c in pair:
        c.cmd("PFADD", "h", "a", "b")
        c.cmd("PFADD", "g", "c")
    deltas = []
    for c in pair:
        before = changes(c)
        c.cmd("PFCOUNT", "h")
        d1 = changes(c) - before
        c.cmd("PFCOUNT", "h")
        d2 = changes(c) - before
        c.cmd("PFCOUNT", "h", "g")
        d3 = changes(c) - before
        c.cmd("PFADD", "h", "x", "y", "z")
        d4 = changes(c) - before
        c.cmd("PFMERGE", "m", "h", "g")
        d5 = changes(c) - before
        deltas.append((d1, d2, d3, d4, d5))
    assert deltas[0] == deltas[1]
    assert deltas[0][:3] == (1, 1, 1)


def test_sparse_max_bytes_config(pair):
    assert same(pair, "CONFIG", "GET", "hll-sparse-max-bytes") == \
        b"*2\r\n$20\r\nhll-sparse-max-bytes\r\n$4\r\n3000\r\n"
    same(pair, "CONFIG", "SET", "hll-sparse-max-bytes", "-1")
    same(pair, "CONFIG", "SET", "hll-sparse-max-bytes", "abc")
    for limit in ("30", "100", "1kb"):
        same(pair, "CONFIG", "SET", "hll-sparse-max-bytes", limit)
        same(pair, "CONFIG", "GET", "hll-sparse-max-bytes")
        for c in pair:
            c.cmd("DEL", "h")
        for i in range(120):
            same(pair, "PFADD", "h", "q%d" % i)
            same(pair, "PFDEBUG", "ENCODING", "h")
        same_values(pair, ["h"])


# ------------------------------------------------------------ events, MULTI

def events(conn_factory, c, cmds):
    """The keyspace events the commands cause, as (channel, message)."""
    c.cmd("CONFIG", "SET", "notify-keyspace-events", "KEA")
    sub = conn_factory()
    sub.cmd("PSUBSCRIBE", "__key*__:*")
    for cmd in cmds:
        c.cmd(*cmd)
    c.cmd("CONFIG", "SET", "notify-keyspace-events", "")
    c.cmd("PUBLISH", "__keyevent@0__:end", "x")
    got = []
    while True:
        m = sub.read_reply()
        if m[2] == b"__keyevent@0__:end":
            break
        got.append((m[2], m[3]))
    sub.close()
    return got


def test_keyspace_events_match_redis(pair, connect, reference):
    cmds = [("PFADD", "h", "a"), ("PFADD", "h", "a"), ("PFADD", "e"), ("PFCOUNT", "h"),
            ("PFMERGE", "m", "h", "e"), ("PFMERGE", "h"), ("PFDEBUG", "TODENSE", "h"),
            ("PFCOUNT", "h", "m")]
    ours = events(connect, pair[0], cmds)
    theirs = events(lambda: RawConn("127.0.0.1", reference), pair[1], cmds)
    assert ours == theirs
    assert (b"__keyevent@0__:pfadd", b"m") in ours


def test_multi_and_scripts(pair):
    same(pair, "MULTI")
    same(pair, "PFADD", "h", "a", "b")
    same(pair, "PFCOUNT", "h")
    same(pair, "PFMERGE", "m", "h")
    same(pair, "PFCOUNT", "m")
    same(pair, "EXEC")
    same(pair, "EVAL", "redis.call('pfadd', KEYS[1], 'x', 'y'); return redis.call('pfcount', KEYS[1])",
         1, "s")
    same(pair, "EVAL", "return redis.pcall('pfcount', KEYS[1])", 1, "nokey")
    # PFCOUNT may write (MAY_REPLICATE): refused in read-only scripts
    same(pair, "EVAL_RO", "return redis.call('pfcount', KEYS[1])", 1, "h")
    same(pair, "EVAL", "#!lua flags=no-writes\nreturn redis.call('pfcount', KEYS[1])", 1, "h")
    same(pair, "EVAL_RO", "return redis.call('pfadd', KEYS[1], 'z')", 1, "h")
    same_values(pair, ["h", "m", "s"])


# ------------------------------------------------------------ DUMP / RESTORE

def test_dump_payloads_match_redis(pair):
    for c in pair:
        c.cmd("PFADD", "sparse", "a", "b", "c")
        c.cmd("PFADD", "dense", *["d%d" % i for i in range(4000)])
        c.cmd("PFCOUNT", "dense")
    for k in ("sparse", "dense"):
        same(pair, "DUMP", k)
    ours, theirs = pair
    # Redis's payload restored here counts and reads the same
    payload = theirs.cmd("DUMP", "dense")
    ours.cmd("DEL", "dense")
    assert ours.cmd_raw("RESTORE", "dense", 0, payload) == b"+OK\r\n"
    same(pair, "PFCOUNT", "dense")
    same(pair, "PFADD", "dense", "more", "elements")
    same(pair, "PFCOUNT", "dense")
    same_values(pair, ["sparse", "dense"])


# ------------------------------------------------------------ propagation

@pytest.fixture(scope="module")
def aof_reference():
    yield from reference_redis("--appendonly", "yes", prefix="kilat-hllaof-")


def incr_aof(conn):
    """The AOF incr file's contents of the server behind conn."""
    import glob
    import os
    d = conn.cmd("CONFIG", "GET", "dir")[1].decode()
    files = glob.glob(os.path.join(d, "appendonlydir", "*.incr.aof"))
    assert len(files) == 1, files
    with open(files[0], "rb") as f:
        return f.read()


def test_aof_gets_what_redis_writes(start_server, aof_reference):
    """PFCOUNT that fills the cache and PFDEBUG TODENSE/GETREG that change
    the encoding are written; a PFADD that changes nothing, a cached PFCOUNT
    and a union PFCOUNT are not."""
    import time
    srv = start_server("--appendonly", "yes")
    conns = [srv.raw(), RawConn("127.0.0.1", aof_reference)]
    conns[1].cmd("FLUSHALL")
    cmds = [("PFADD", "h", "a", "b", "c"), ("PFCOUNT", "h"), ("PFCOUNT", "h"),
            ("PFADD", "h", "a"), ("PFMERGE", "m", "h"), ("PFCOUNT", "h", "m"),
            ("PFDEBUG", "TODENSE", "m"), ("PFDEBUG", "TODENSE", "m"),
            ("PFADD", "g", "x"), ("PFDEBUG", "GETREG", "g"), ("PFCOUNT", "m")]
    before = [incr_aof(c) for c in conns]
    for c in conns:
        for cmd in cmds:
            c.cmd(*cmd)
    time.sleep(0.3)
    added = [incr_aof(c)[len(b):] for c, b in zip(conns, before)]
    # from the first PFADD (a fresh file starts with a SELECT)
    added = [a[a.lower().index(b"*5\r\n$5\r\npfadd"):] for a in added]
    assert added[0] == added[1]
    assert added[0].count(b"PFCOUNT") == 2 and added[0].count(b"PFDEBUG") == 2
    for c in conns:
        c.close()


# ------------------------------------------------------------ RDB both ways

def test_rdb_moves_hlls_both_ways():
    """HLLs (sparse, dense, cache valid or not) saved by one server load in
    the other with the same bytes and counts, in both directions."""
    import os
    from persist_helpers import REDIS_BIN, RefServers, copy_rdb
    if not REDIS_BIN:
        pytest.skip("needs redis-server")
    servers = RefServers()
    try:
        sut = servers.launch(())
        with sut.raw() as c:
            c.cmd("PFADD", "sparse", "a", "b", "c")
            c.cmd("PFADD", "dense", *["d%d" % i for i in range(3000)])
            c.cmd("PFADD", "counted", *["c%d" % i for i in range(50)])
            c.cmd("PFCOUNT", "counted")
            c.cmd("PFADD", "empty")
            made = {k: c.cmd("GET", k) for k in ("sparse", "dense", "counted", "empty")}
            assert c.cmd("SAVE") == b"OK"
        path = os.path.join(sut.dir, "dump.rdb")
        ref = servers.launch((), ref=True, before=copy_rdb(path))
        with ref.raw() as c:
            for k, v in made.items():
                assert c.cmd("GET", k) == v, k
            counts = {k: c.cmd("PFCOUNT", k) for k in made}
            assert c.cmd("SAVE") == b"OK"
        back = servers.launch((), before=copy_rdb(os.path.join(ref.dir, "dump.rdb")))
        with back.raw() as c:
            for k in made:
                assert c.cmd("PFCOUNT", k) == counts[k], k
            assert c.cmd("PFADD", "dense", *["n%d" % i for i in range(100)]) == 1
            assert c.cmd("PFDEBUG", "ENCODING", "sparse") == b"sparse"
    finally:
        servers.stop()


def test_object_encoding_follows_redis(pair):
    """An HLL is a raw string once a PF command has opened it, as Redis's
    dbUnshareStringValue makes it; a short one restored or SET is embstr
    until then."""
    ours, theirs = pair
    same(pair, "PFADD", "h", "a")
    same(pair, "OBJECT", "ENCODING", "h")
    payload = theirs.cmd("DUMP", "h")
    value = theirs.cmd("GET", "h")
    for c in pair:
        c.cmd("RESTORE", "r", 0, payload)
        c.cmd("SET", "s", value)
    for cmd in (("PFCOUNT", "r"), ("PFCOUNT", "s", "r"), ("PFDEBUG", "ENCODING", "s")):
        same(pair, "OBJECT", "ENCODING", "r")
        same(pair, "OBJECT", "ENCODING", "s")
        same(pair, *cmd)
    same(pair, "OBJECT", "ENCODING", "r")
    same(pair, "OBJECT", "ENCODING", "s")


def test_watch_sees_a_cache_fill(pair, connect, reference):
    """A PFCOUNT that writes the cache touches WATCHed keys; one that reads
    it does not; PFDEBUG TODENSE does not either (as Redis)."""
    others = (connect(), RawConn("127.0.0.1", reference))
    results = []
    for c, other in zip(pair, others):
        c.cmd("PFADD", "h", "a", "b")
        c.cmd("PFADD", "s", "a")
        got = []
        for cmd in (("PFCOUNT", "h"), ("PFCOUNT", "h"), ("PFDEBUG", "TODENSE", "s"),
                    ("PFCOUNT", "h", "s")):
            c.cmd("WATCH", "h", "s")
            other.cmd(*cmd)
            c.cmd("MULTI")
            c.cmd("PING")
            got.append(c.cmd_raw("EXEC"))
        results.append(got)
    others[1].close()
    assert results[0] == results[1]
    assert results[0][0] == b"*-1\r\n" and results[0][1] == b"*1\r\n+PONG\r\n"


def test_ttl_kept_through_changes(pair):
    for c in pair:
        c.cmd("PFADD", "h", "a")
        c.cmd("SET", "s", c.cmd("GET", "h"), "EX", 1000)
        c.cmd("EXPIRE", "h", 1000)
    for cmd in (("PFADD", "h", *["x%d" % i for i in range(3000)]), ("PFCOUNT", "h"),
                ("PFMERGE", "h", "s"), ("PFDEBUG", "TODENSE", "s"), ("PFADD", "s", "b")):
        same(pair, *cmd)
        for k in ("h", "s"):
            ttls = [c.cmd("TTL", k) for c in pair]
            assert ttls[0] > 990 and ttls[1] > 990, (cmd, k)
    same_values(pair, ["h", "s"])
