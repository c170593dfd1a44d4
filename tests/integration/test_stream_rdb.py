"""Streams in persistence (issue 16): DUMP/RESTORE, RDB files, DEBUG RELOAD
and AOF rewrites of streams with tombstones, several nodes, consumer groups
with pending entries and idle consumers, empty streams with a last ID.

Differential both ways: payloads Debian's redis-server makes RESTORE in
the server under test and DUMP back byte for byte, and the server under
test's payloads RESTORE in redis-server with the same bytes again; the
same XADDs give the same DUMP; a rewritten AOF base holds the same
commands as redis-server's (byte for byte); corrupt payloads are refused
with "Bad data format" and the server lives on.

Every test starts its own servers: the server under test (kilat, or
redis-server with KILAT_TARGET=redis) and the reference redis-server."""

import glob
import os
import random
import struct
import time

import pytest

from conftest import SLOW, IS_KILAT, wait_for
from persist_helpers import REDIS_BIN, RefServers
from test_dump import crc64_jones

pytestmark = pytest.mark.skipif(not REDIS_BIN, reason="needs redis-server")

BAD = "Bad data format"


class Servers(RefServers):
    ref_name = "redis reference"

    def start(self, *args, ref=False):
        return self.launch(("--enable-debug-command", "yes") + tuple(args), ref)


@pytest.fixture
def servers():
    s = Servers()
    yield s
    s.stop()


def build(c):
    """Streams of every shape, made with commands (on redis-server)."""
    for i in range(30):
        c.xadd("small", {"f": "v%d" % i, "n": i}, id="%d-1" % (i + 1))
    c.xadd("mixed", {"a": 1, "b": "hello"}, id="1-1")
    c.xadd("mixed", {"a": 2, "b": "x"}, id="1-2")
    c.xadd("mixed", {"c": 3}, id="2-0")
    c.xadd("mixed", {"a": 300000, "b": "y" * 70, "-5": "1.5"}, id="3-0")
    c.xdel("mixed", "1-2")
    c.xgroup_create("mixed", "g1", "0")
    c.xgroup_create("mixed", "123", "$")
    c.xreadgroup("g1", "alice", {"mixed": ">"}, count=2)
    c.xreadgroup("g1", "bob", {"mixed": ">"}, count=1)
    c.xgroup_createconsumer("mixed", "g1", "carol")
    for i in range(250):
        c.xadd("nodes", {"k": i, "other" if i % 9 == 0 else "same": "v"},
               id="%d-%d" % (1000 + i // 4, i % 4))
    c.xtrim("nodes", maxlen=230, approximate=False)
    c.xdel("nodes", "1010-1", "1020-0")
    c.xadd("empty", {"f": "v"}, id="5-5")
    c.xdel("empty", "5-5")
    c.xgroup_create("empty", "g", "$")
    c.xadd("big", {"field": "x" * 5000}, id="7-7")
    c.xadd("big", {"field": "y" * 100}, id="7-8")
    return ["small", "mixed", "nodes", "empty", "big"]


def payloads(ref, compression="yes"):
    c = ref.client()
    c.config_set("rdbcompression", compression)
    keys = build(c)
    return {k: c.dump(k) for k in keys}


def fix_crc(body):
    """type + value -> a whole payload (RDB 10 footer, CRC-64)."""
    p = body + b"\x0a\x00"
    return p + struct.pack("<Q", crc64_jones(p))


@pytest.mark.parametrize("compression", ["yes", "no"])
def test_dump_restore_byte_identical_both_ways(servers, compression):
    ref = servers.start(ref=True)
    srv = servers.start()
    want = payloads(ref, compression)
    c, rc = srv.client(), ref.client()
    c.config_set("rdbcompression", compression)
    for k, p in want.items():
        assert c.restore(k, 0, p) == b"OK"
        assert c.type(k) == b"stream"
        got = c.dump(k)
        assert got == p, k
        # and back: redis-server loads ours and writes the same bytes
        rc.restore(k + ":back", 0, got)
        assert rc.dump(k + ":back") == p, k
    assert c.xlen("mixed") == 3
    assert c.xrange("mixed") == rc.xrange("mixed")
    assert c.xrange("nodes") == rc.xrange("nodes")
    assert c.xlen("empty") == 0


def test_same_commands_same_dump(servers):
    """Nodes split as redis-server splits them: the same XADDs (entries
    only, several nodes, tombstones, trims) give the same payload."""
    ref = servers.start(ref=True)
    srv = servers.start()
    for c in (srv.client(), ref.client()):
        c.config_set("stream-node-max-entries", "10")
        for i in range(95):
            c.xadd("s", {"f": i, "g" if i % 5 else "h": "v" * (i % 3)}, id="%d-0" % (i + 1))
        c.xdel("s", "3-0", "50-0", "95-0")
        c.xtrim("s", maxlen=80, approximate=True)
        c.xadd("t", {"x": "y"}, id="1-1")
        c.execute_command("XADD", "t", "MAXLEN", "0", "1-2", "x", "y")
    c, rc = srv.client(), ref.client()
    assert c.dump("s") == rc.dump("s")
    assert c.dump("t") == rc.dump("t")


class Reader:
    """Just enough of RDB to take a type-19 payload apart."""

    def __init__(self, data):
        self.d, self.i = data, 0

    def take(self, n):
        s = self.d[self.i:self.i + n]
        assert len(s) == n
        self.i += n
        return s

    def length(self):
        b = self.take(1)[0]
        if b >> 6 == 0:
            return b & 0x3F
        if b >> 6 == 1:
            return ((b & 0x3F) << 8) | self.take(1)[0]
        assert b in (0x80, 0x81), b
        return int.from_bytes(self.take(4 if b == 0x80 else 8), "big")

    def string(self):
        b = self.d[self.i]
        if b >> 6 == 3:
            self.i += 1
            k = b & 0x3F
            if k < 3:
                return ("int", int.from_bytes(self.take(1 << k), "little", signed=True))
            clen, ulen = self.length(), self.length()
            return ("lzf", self.take(clen), ulen)
        return self.take(self.length())


def parse_stream(payload, keep_times=True):
    """A type-19 payload as nested tuples; times replaced by None unless
    keep_times."""
    r = Reader(payload)
    assert r.take(1) == b"\x13"
    t = (lambda v: v) if keep_times else (lambda v: None)
    nodes = [(r.string(), r.string()) for _ in range(r.length())]
    meta = [r.length() for _ in range(8)]
    groups = []
    for _ in range(r.length()):
        name, last, er = r.string(), (r.length(), r.length()), r.length()
        pel = [(r.take(16), t(r.take(8)), r.length()) for _ in range(r.length())]
        cons = []
        for _ in range(r.length()):
            cname, seen = r.string(), t(r.take(8))
            cons.append((cname, seen, [r.take(16) for _ in range(r.length())]))
        groups.append((name, last, er, pel, cons))
    assert len(payload) - r.i == 10
    return nodes, meta, groups


def test_same_commands_with_groups_same_dump_but_times(servers):
    """Groups made by the commands of both servers: the same payload but
    for delivery and seen times (the clock), same node bytes included."""
    ref = servers.start(ref=True)
    srv = servers.start()
    for c in (srv.client(), ref.client()):
        c.config_set("rdbcompression", "no")
        for i in range(40):
            c.xadd("s", {"f": i}, id="%d-1" % (i + 1))
        c.xgroup_create("s", "zz", "0")
        c.xgroup_create("s", "aa", "$")
        c.xgroup_create("s", "mid", "5-1")
        c.xreadgroup("zz", "c2", {"s": ">"}, count=3)
        c.xreadgroup("zz", "c1", {"s": ">"}, count=2)
        c.xreadgroup("mid", "c1", {"s": ">"}, count=1, noack=True)
        c.xack("s", "zz", "2-1")
        c.xclaim("s", "zz", "c3", 0, ["1-1"])
        c.xgroup_createconsumer("s", "aa", "idle")
        c.xdel("s", "4-1")
        c.xadd("s", {"f": "late"}, id="50-0")
    got = parse_stream(srv.client().dump("s"), keep_times=False)
    want = parse_stream(ref.client().dump("s"), keep_times=False)
    assert got == want


def test_tombstone_above_later_entry(servers):
    """XSETID may move the last ID below a deleted entry; the next XADD
    then lands after that tombstone in the same node. Both servers make
    this layout, and it must survive DUMP/RESTORE and a reload."""
    ref = servers.start(ref=True)
    srv = servers.start()
    for c in (srv.client(), ref.client()):
        c.xadd("t", {"a": 1}, id="1-1")
        c.xadd("t", {"a": 2}, id="5-1")
        c.xdel("t", "5-1")
        assert c.execute_command("XSETID", "t", "2-0") == b"OK"
        c.xadd("t", {"a": 3}, id="3-0")
    c, rc = srv.client(), ref.client()
    p = rc.dump("t")
    assert c.dump("t") == p
    assert c.restore("t2", 0, p) == b"OK"
    assert c.execute_command("DEBUG", "RELOAD") == b"OK"
    assert c.xrange("t") == c.xrange("t2") == [(b"1-1", {b"a": b"1"}), (b"3-0", {b"a": b"3"})]
    assert c.dump("t") == p
    c.xadd("t", {"b": "c"}, id="4-0")
    rc.xadd("t", {"b": "c"}, id="4-0")
    assert c.dump("t") == rc.dump("t")


def test_save_and_restart(servers):
    ref = servers.start(ref=True)
    srv = servers.start()
    want = payloads(ref)
    c = srv.client()
    for k, p in want.items():
        c.restore(k, 0, p)
    c.pexpireat("small", int(time.time() * 1000) + 3600_000)
    assert c.save()
    srv.stop()
    srv.start()
    c = srv.client()
    for k, p in want.items():
        assert c.dump(k) == p, k
    assert 0 < c.pttl("small") <= 3600_000


def test_redis_rdb_file_loads(servers):
    """A dump.rdb redis-server saved with streams loads in the server under
    test, and the file it saves loads back in redis-server: same DUMPs."""
    ref = servers.start(ref=True)
    want = payloads(ref)
    ref.client().save()
    srv = servers.launch(("--enable-debug-command", "yes"), False,
                         before=lambda s: _copy(os.path.join(ref.dir, "dump.rdb"), s.dir))
    c = srv.client()
    for k, p in want.items():
        assert c.dump(k) == p, k
    c.save()
    ref2 = servers.launch(("--enable-debug-command", "yes"), True,
                          before=lambda s: _copy(os.path.join(srv.dir, "dump.rdb"), s.dir))
    rc = ref2.client()
    for k, p in want.items():
        assert rc.dump(k) == p, k


def _copy(src, d):
    with open(src, "rb") as f, open(os.path.join(d, "dump.rdb"), "wb") as g:
        g.write(f.read())


@pytest.mark.parametrize("sanitize", ["no", "yes"])
def test_debug_reload(servers, sanitize):
    ref = servers.start(ref=True)
    srv = servers.start()
    want = payloads(ref)
    c = srv.client()
    c.config_set("sanitize-dump-payload", sanitize)
    for k, p in want.items():
        c.restore(k, 0, p)
    digest = c.execute_command("DEBUG", "DIGEST")
    assert c.execute_command("DEBUG", "RELOAD") == b"OK"
    assert c.execute_command("DEBUG", "DIGEST") == digest
    for k, p in want.items():
        assert c.dump(k) == p, k


def rewrite_base(srv):
    c = srv.client()
    c.config_set("aof-use-rdb-preamble", "no")
    c.config_set("appendonly", "yes")
    wait_for(lambda: c.info("persistence")["aof_rewrite_in_progress"] == 0
             and c.info("persistence")["aof_enabled"] == 1, 10)
    wait_for(lambda: c.info("persistence")["aof_rewrite_scheduled"] == 0, 10)
    c.bgrewriteaof()
    wait_for(lambda: c.info("persistence")["aof_rewrite_in_progress"] == 0, 10)
    time.sleep(0.2 * SLOW)
    files = sorted(glob.glob(os.path.join(srv.dir, "appendonlydir", "*.base.aof")))
    assert files
    with open(files[-1], "rb") as f:
        return f.read()


@pytest.mark.parametrize("key", ["small", "mixed", "nodes", "empty", "big"])
def test_aof_rewrite_same_commands_as_redis(servers, key):
    """The RESP base of a rewrite holds exactly redis-server's commands
    (XADD per entry, XSETID, XGROUP CREATE ... ENTRIESREAD, XCLAIM per
    pending entry, XGROUP CREATECONSUMER), and loading it back gives the
    same stream (consumers' seen-times aside: a reload sets them)."""
    ref = servers.start(ref=True)
    srv = servers.start()
    p = payloads(ref)[key]
    rc, c = ref.client(), srv.client()
    rc.flushall()
    rc.restore(key, 0, p)
    c.restore(key, 0, p)
    got, want = rewrite_base(srv), rewrite_base(ref)
    assert got == want
    assert b"XSETID" in got
    digest = c.execute_command("DEBUG", "DIGEST-VALUE", key)
    assert c.execute_command("DEBUG", "LOADAOF") == b"OK"
    assert rc.execute_command("DEBUG", "LOADAOF") == b"OK"
    assert c.xrange(key) == rc.xrange(key)
    if key not in ("mixed", "empty"):
        # no consumers: nothing time-dependent, the payload is the same
        assert c.dump(key) == rc.dump(key)
        assert c.execute_command("DEBUG", "DIGEST-VALUE", key) == digest


# ------------------------------------------------------------ corruption
def small_payload(ref):
    """XADD c 1-0 f v; group g (a: pending 1-0; b: idle). Returns the body
    (type + value) and the offsets used to break it."""
    c = ref.client()
    c.config_set("rdbcompression", "no")
    c.xadd("c", {"f": "v"}, id="1-0")
    c.xgroup_create("c", "g", "0")
    c.xreadgroup("g", "a", {"c": ">"})
    c.xgroup_createconsumer("c", "g", "b")
    return c.dump("c")[:-10]


ID10 = struct.pack(">QQ", 1, 0)


def corruptions(body):
    # offsets of this layout: 2 node key length, 19 listpack length,
    # 49 length, 100 a's PEL count (its ID at 101..116), 118 b's name,
    # 127 b's PEL count
    assert body[100] == 1 and body[118:119] == b"b" and body[127] == 0
    out = {}
    out["pel-claimed-twice"] = body[:127] + b"\x01" + ID10 + body[128:]
    out["pel-not-in-group"] = body[:127] + b"\x01" + struct.pack(">QQ", 9, 0) + body[128:]
    out["pel-no-owner"] = body[:100] + b"\x00" + body[117:]
    out["duplicate-consumer"] = body[:118] + b"a" + body[119:]
    out["node-key-15"] = body[:2] + b"\x0f" + body[3:]
    lp = bytearray(body)
    lp[20 + 6 + 1] ^= 0x40  # a back-length inside the node
    out["node-backlen"] = bytes(lp)
    lp = bytearray(body)
    lp[20] += 1             # the listpack's total bytes
    out["node-total"] = bytes(lp)
    out["length-2"] = body[:49] + b"\x02" + body[50:]
    out["truncated"] = body[:60]
    # two nodes with the same master ID
    node = body[2:49]
    out["duplicate-node"] = body[:1] + b"\x02" + node + node + body[49:]
    return out


def test_extreme_times_from_a_payload(servers):
    """Delivery and seen times are any 64-bit value in a payload; idle
    times computed from them wrap as in Redis (never overflow: UBSan
    watches the ASan build) and show as 0 when negative."""
    ref = servers.start(ref=True)
    srv = servers.start()
    body = bytearray(small_payload(ref))
    low = struct.pack("<q", -2 ** 63)
    body[80:88] = low    # 1-0's delivery time
    body[92:100] = low   # a's seen time
    body[119:127] = struct.pack("<q", 2 ** 63 - 1)  # b's seen time
    p = fix_crc(bytes(body))
    outs = []
    for srv_ in (srv, ref):
        c = srv_.client()
        c.delete("c")
        assert c.restore("c", 0, p) == b"OK"
        assert c.dump("c") == p
        with srv_.raw() as raw:
            outs.append([raw.cmd(*cmd) for cmd in (
                ("XINFO", "CONSUMERS", "c", "g"),
                ("XPENDING", "c", "g", "-", "+", "10"),
                ("XPENDING", "c", "g", "IDLE", "1000", "-", "+", "10"),
                ("XCLAIM", "c", "g", "b", "1000", "1-0", "JUSTID"),
                ("XAUTOCLAIM", "c", "g", "b", "1000", "0-0", "JUSTID"))])
    assert outs[0] == outs[1]


@pytest.mark.parametrize("sanitize", ["yes", "no"])
def test_corrupt_payloads_refused(servers, sanitize):
    ref = servers.start(ref=True)
    srv = servers.start()
    body = small_payload(ref)
    c = srv.client()
    c.config_set("sanitize-dump-payload", sanitize)
    assert c.restore("ok", 0, fix_crc(body)) == b"OK"
    for name, bad in corruptions(body).items():
        if name == "length-2" or (sanitize == "no" and name in ("pel-no-owner", "node-backlen")):
            continue  # Redis checks these only when sanitizing (the length never)
        with pytest.raises(Exception, match=BAD):
            c.restore(name, 0, fix_crc(bad))
            pytest.fail("accepted: %s" % name)
        assert c.exists(name) == 0
        assert c.ping()
    assert c.xrange("ok") == [(b"1-0", {b"f": b"v"})]


@pytest.mark.kilat_only  # redis-server accepts these without sanitizing (the length always)
def test_corrupt_refused_without_sanitize_too(servers):
    """kilat checks streams in full whatever sanitize-dump-payload says,
    and a length that is not the number of entries (docs/persistence.md)."""
    ref = servers.start(ref=True)
    srv = servers.start()
    body = small_payload(ref)
    c = srv.client()
    c.config_set("sanitize-dump-payload", "no")
    for name in ("pel-no-owner", "node-backlen", "length-2"):
        with pytest.raises(Exception) as e:
            c.restore(name, 0, fix_crc(corruptions(body)[name]))
        assert BAD in str(e.value), name


@pytest.mark.kilat_only  # a mutation fuzz: each either refused or usable
def test_mutated_payloads_never_crash(servers):
    ref = servers.start(ref=True)
    srv = servers.start()
    rc = ref.client()
    rc.config_set("rdbcompression", "no")
    build(rc)
    bodies = [rc.dump(k)[:-10] for k in ("mixed", "small", "nodes", "empty")]
    c = srv.client()
    rnd = random.Random(int(os.environ.get("KILAT_STREAM_SEED", "16")))
    rounds = int(os.environ.get("KILAT_STREAM_MUTANTS", "300" if SLOW == 1 else "120"))
    for i in range(rounds):
        b = bytearray(rnd.choice(bodies))
        for _ in range(rnd.randint(1, 3)):
            j = rnd.randrange(1, len(b))
            b[j] = rnd.randrange(256) if rnd.random() < 0.5 else b[j] ^ (1 << rnd.randrange(8))
        try:
            c.restore("m", 0, fix_crc(bytes(b)), replace=True)
        except Exception as e:
            assert BAD in str(e)
            continue
        for cmd in EXERCISE:
            try:
                c.execute_command(*cmd)
            except Exception as e:  # errors are fine, a dead server is not
                assert "Connection" not in type(e).__name__, cmd
    assert c.ping()


# What runs on each loaded mutant: every reader and writer of a stream.
EXERCISE = [
    ("XRANGE", "m", "-", "+"), ("XREVRANGE", "m", "+", "-", "COUNT", "3"),
    ("XLEN", "m"), ("DUMP", "m"), ("XINFO", "STREAM", "m", "FULL"),
    ("XINFO", "GROUPS", "m"), ("XINFO", "CONSUMERS", "m", "g1"),
    ("XPENDING", "m", "g1"), ("XPENDING", "m", "g1", "-", "+", "10"),
    ("XREADGROUP", "GROUP", "g1", "zed", "COUNT", "5", "STREAMS", "m", ">"),
    ("XREADGROUP", "GROUP", "g1", "alice", "STREAMS", "m", "0"),
    ("XCLAIM", "m", "g1", "zed", "0", "1-1", "2-0", "3-0"),
    ("XAUTOCLAIM", "m", "g1", "bob", "0", "0-0", "COUNT", "10"),
    ("XACK", "m", "g1", "1-1", "2-0"), ("XDEL", "m", "2-0", "5-1"),
    ("XADD", "m", "*", "f", "v"), ("XADD", "m", "9-9", "f", "v"),
    ("XTRIM", "m", "MAXLEN", "~", "2"), ("XTRIM", "m", "MINID", "3-0"),
    ("XSETID", "m", "99999999999999-0"), ("XREAD", "STREAMS", "m", "0"),
    ("COPY", "m", "m2", "REPLACE"), ("DEBUG", "DIGEST-VALUE", "m"),
    ("XGROUP", "DELCONSUMER", "m", "g1", "alice"),
    ("XGROUP", "DESTROY", "m", "g1"), ("DEL", "m", "m2"),
]
