"""DUMP and MIGRATE (issue 11).

DUMP payloads are compared byte for byte with a redis-server 7.0 started
beside the server under test (the reference), for every type, encoding and
boundary whose bytes are deterministic. Hash-table sets and hashes depend on
the table's order (which differs between two redis-server processes too):
for those, the payload is RESTOREd into the reference and the data compared.
MIGRATE is exercised with the reference as the target (and as the source
where the server under test can RESTORE).

Runs against kilat and against redis-server (then both sides are Redis).
"""

import random
import threading
import time

import pytest
import redis

from conftest import reference_redis, IS_KILAT, SLOW, RawConn, free_port


# ---------------------------------------------------------------- helpers

def crc64_jones(data):
    """CRC-64/Jones as RDB and DUMP use it (reflected, init 0, no xorout)."""
    poly = 0x95AC9329AC4BC9B5
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ poly if crc & 1 else crc >> 1
    return crc


@pytest.fixture(scope="module")
def reference():
    """A redis-server 7.0 of our own: DEBUG enabled, no persistence."""
    yield from reference_redis("--enable-debug-command", "yes", prefix="kilat-dumpref-")


@pytest.fixture
def ref(reference):
    c = redis.Redis(host="127.0.0.1", port=reference, socket_timeout=30 * SLOW)
    c.flushall()
    c.config_set("rdbcompression", "yes")
    yield c
    c.execute_command("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1073741824")
    for k, v in DEFAULTS.items():
        c.config_set(k, v)
    c.close()


@pytest.fixture
def tgt(start_server):
    """The server under test, with DEBUG (packed threshold) enabled."""
    srv = start_server("--enable-debug-command", "yes")
    c = srv.client()
    c.port = srv.port
    yield c
    c.close()


DEFAULTS = {"list-max-listpack-size": "-2", "zset-max-listpack-entries": "128",
            "hash-max-listpack-entries": "512", "set-max-intset-entries": "512",
            "rdbcompression": "yes", "list-compress-depth": "0"}


def run_both(clients, cmds):
    for c in clients:
        for cmd in cmds:
            c.execute_command(*cmd)


rng = random.Random(11)
RANDOM_1MB = bytes(rng.getrandbits(8) for _ in range(1 << 20))
TEXTY_1MB = b"".join(b"line %d of some text, " % i for i in range(50000))[:1 << 20]

INT_EDGES = [0, 1, 127, 128, -1, -128, -129, 255, 256, 2047, 2048, -2048, -2049,
             4095, 4096, -4096, -4097, 32767, 32768, -32768, -32769, 8388607,
             8388608, -8388608, -8388609, 2**31 - 1, 2**31, -2**31, -2**31 - 1,
             2**63 - 1, -2**63]

STRING_VALUES = [b"", b"a", b"bar", b"0", b"-1", b"127", b"128", b"-128", b"-129",
                 b"32767", b"32768", b"-32768", b"-32769", b"2147483647",
                 b"2147483648", b"-2147483648", b"-2147483649", b"12345678901",
                 b"9223372036854775807", b"-9223372036854775808",
                 b"9223372036854775808", b"007", b"+1", b" 1", b"-0", b"1.5",
                 b"1e3", b"x" * 20, b"x" * 21, b"ab" * 50, b"abcdefghijklmnopqrstu",
                 bytes(range(256)), b"\x00\xff" * 40, b"y" * 4096, RANDOM_1MB, TEXTY_1MB]

CASES = {}
for v in STRING_VALUES:
    CASES["string %r" % v[:24] + ("..%d" % len(v) if len(v) > 24 else "")] = [("SET", "k", v)]
CASES["string incr"] = [("SET", "k", "41"), ("INCR", "k")]
CASES["string incrby big"] = [("SET", "k", "9223372036854775800"), ("INCRBY", "k", "7")]
CASES["string incrbyfloat"] = [("SET", "k", "1.5"), ("INCRBYFLOAT", "k", "1.5")]
CASES["string append"] = [("SET", "k", "12"), ("APPEND", "k", "34")]
CASES["string setrange"] = [("SETRANGE", "k", "30", "x")]
CASES["list ints at every listpack boundary"] = [("RPUSH", "k", *INT_EDGES)]
CASES["list strings at every listpack boundary"] = [
    ("RPUSH", "k", *[b"s" * n for n in (0, 1, 63, 64, 65, 127, 128, 4095, 4096, 4097)])]
CASES["list lpush mixed"] = [("LPUSH", "k", "a", "1", "-5", "hello", "3.14", "-0", "007")]
for n in (60, 63, 64, 120, 121, 126, 127, 128, 4090, 4095, 4096, 16370, 16377, 16378,
          16379, 16380, 16383, 16384, 100000):
    CASES["list element %d" % n] = [("RPUSH", "k", b"z" * n, b"a")]
CASES["list several nodes (count fill)"] = [
    ("CONFIG", "SET", "list-max-listpack-size", "5"),
    ("RPUSH", "k", *range(23)), ("LPUSH", "k", "x", "y", "z")]
CASES["list after LREM/LSET/LINSERT"] = [
    ("CONFIG", "SET", "list-max-listpack-size", "4"),
    ("RPUSH", "k", *range(20)), ("LREM", "k", "0", "5"), ("LSET", "k", "3", "hello"),
    ("LINSERT", "k", "BEFORE", "7", "ins")]
_rl = random.Random(5)
CASES["list 10000 strings (many 8kb nodes)"] = [("RPUSH", "k", *["val%d" % i for i in range(10000)])]
CASES["list 5000 lpush"] = [("LPUSH", "k", *["v%d" % i for i in range(5000)])]
CASES["list pushes on both sides"] = [("RPUSH" if i % 3 else "LPUSH", "k", "e%d" % i) for i in range(3000)]
CASES["list random lengths"] = [("RPUSH", "k", *[b"x" * _rl.randint(0, 300) for _ in range(2000)])]
CASES["list random ints"] = [("RPUSH", "k", *[_rl.randint(-10**12, 10**12) for _ in range(3000)])]
CASES["list small ints"] = [("RPUSH", "k", *[i % 2000 for i in range(10000)])]
CASES["list strings of 4kb and more"] = [("RPUSH", "k", *[b"y" * (4096 + i) for i in range(20)])]
for fill in ("-1", "-3", "-5", "128"):
    CASES["list 4000 strings, fill %s" % fill] = [
        ("CONFIG", "SET", "list-max-listpack-size", fill),
        ("RPUSH", "k", *["val%d" % i for i in range(4000)])]
CASES["list ints of 2048..4095 in magnitude"] = [
    ("RPUSH", "k", *[(2048 + i % 2048) * (-1) ** i for i in range(6000)])]
CASES["list after LINSERTs (splits and merges)"] = [("RPUSH", "k", *["v%d" % i for i in range(5000)])] + [
    ("LINSERT", "k", "BEFORE" if i % 2 else "AFTER", "v%d" % i, "ins%d" % i) for i in range(0, 3000, 7)]
CASES["list after LSETs (nodes grow in place)"] = [("RPUSH", "k", *["v%d" % i for i in range(5000)])] + [
    ("LSET", "k", i, "x" * 30) for i in range(0, 3000, 5)]
for depth in ("1", "2"):
    CASES["list compressed inner nodes, depth %s" % depth] = [
        ("CONFIG", "SET", "list-compress-depth", depth),
        ("RPUSH", "k", *["value%d" % i for i in range(6000)]),
        ("LINDEX", "k", "3000"), ("LPUSH", "k", *[b"\x00\xff" * i for i in range(1, 200)])]
CASES["intset 16"] = [("SADD", "k", 1, 2, 3, -5, 32767, -32768)]
CASES["intset 32"] = [("SADD", "k", 1, 70000, -70000)]
CASES["intset 64"] = [("SADD", "k", 1, 2**40, -2**63)]
CASES["intset one"] = [("SADD", "k", 7)]
CASES["intset upgraded then shrunk"] = [("SADD", "k", 1, 2, 2**40), ("SREM", "k", 2**40)]
CASES["hash listpack"] = [("HSET", "k", "a", "1", "b", "hello", "c", "-3.5", "12", "x" * 64,
                           "-4097", "9223372036854775807", "e", "")]
CASES["zset listpack scores"] = [
    ("ZADD", "k", "1.5", "a", "0.1", "b", "1e300", "c", "-0", "d", "inf", "e", "3.0", "f",
     "-inf", "g", "4611686018427387904", "h", "4611686018427387903", "i",
     "9.2233720368547758e18", "j", "1e-300", "1", "-2.5", "-17", "1e17", "big")]
CASES["zset listpack int members"] = [("ZADD", "k", "1", "100", "2", "-4096", "3", "x" * 40)]
CASES["zset skiplist"] = [("ZADD", "k", *sum([[str(i * 1.5), "m%d" % i] for i in range(200)], []))]
CASES["zset skiplist long member"] = [("ZADD", "k", "1", "a", "2", "x" * 100, "-0", "z",
                                       "inf", "12", "-inf", "-12")]
CASES["zset skiplist by config"] = [("CONFIG", "SET", "zset-max-listpack-entries", "0"),
                                    ("ZADD", "k", "1", "a", "2.5", "b", "2.5", "c")]


@pytest.mark.parametrize("compression", ["yes", "no"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_dump_equals_redis(tgt, ref, name, compression):
    cmds = [("CONFIG", "SET", "rdbcompression", compression)] + CASES[name]
    run_both([tgt, ref], cmds)
    assert tgt.object("encoding", "k") == ref.object("encoding", "k")
    tgt.config_set("rdbcompression", compression)
    ref.config_set("rdbcompression", compression)
    ours, theirs = tgt.dump("k"), ref.dump("k")
    assert ours == theirs


def test_dump_payload_trailer(r):
    r.set("k", "hello")
    p = r.dump("k")
    assert p[:7] == b"\x00\x05hello"
    assert p[-10:-8] == b"\x0a\x00"  # RDB version 10, little-endian
    assert int.from_bytes(p[-8:], "little") == crc64_jones(p[:-8])
    assert crc64_jones(b"123456789") == 0xE9C6D914C4B8D9CA


def test_dump_missing_key_and_arity(r):
    assert r.dump("nokey") is None
    with pytest.raises(redis.ResponseError, match="^wrong number of arguments for 'dump' command$"):
        r.execute_command("DUMP")
    with pytest.raises(redis.ResponseError, match="^wrong number of arguments for 'dump' command$"):
        r.execute_command("DUMP", "a", "b")


def test_dump_expired_key_is_nil(r):
    r.set("k", "v", px=1)
    time.sleep(0.05)
    assert r.dump("k") is None


@pytest.mark.parametrize("compression", ["yes", "no"])
def test_dump_plain_nodes(tgt, ref, compression):
    """Elements past DEBUG QUICKLIST-PACKED-THRESHOLD get plain nodes."""
    cmds = [("CONFIG", "SET", "rdbcompression", compression),
            ("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "100"),
            ("RPUSH", "k", "a", "b", b"x" * 200, "c", b"y" * 300, b"7" * 150)]
    run_both([tgt, ref], cmds)
    try:
        assert tgt.dump("k") == ref.dump("k")
    finally:
        tgt.execute_command("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1073741824")


def test_dump_table_set_and_hash_restore_in_redis(tgt, ref):
    """Hash tables: the order is the table's; RESTORE in Redis gives the data."""
    members = ["m%d" % i for i in range(300)] + ["123", "-5", "12345678901"]
    tgt.sadd("s", *members)
    tgt.sadd("s2", *range(600))  # past set-max-intset-entries
    tgt.hset("h", mapping={("f%d" % i): ("v%d" % i) for i in range(600)})
    tgt.hset("h2", mapping={"a": "x" * 100, "7": "-3"})  # past hash-max-listpack-value
    assert tgt.object("encoding", "s") == b"hashtable"
    assert tgt.object("encoding", "s2") == b"hashtable"
    assert tgt.object("encoding", "h") == b"hashtable"
    assert tgt.object("encoding", "h2") == b"hashtable"
    for key in ("s", "s2", "h", "h2"):
        payload = tgt.dump(key)
        assert ref.restore(key, 0, payload) == b"OK"
        assert ref.object("encoding", key) == b"hashtable"
    assert ref.smembers("s") == tgt.smembers("s")
    assert ref.smembers("s2") == tgt.smembers("s2")
    assert ref.hgetall("h") == tgt.hgetall("h")
    assert ref.hgetall("h2") == tgt.hgetall("h2")


def test_dump_big_list_restores_in_redis(tgt, ref):
    """Any list, whatever its node boundaries, loads in Redis as the same list."""
    vals = ["val%d" % i for i in range(10000)] + list(range(3000)) + ["x" * 5000]
    tgt.rpush("k", *vals)
    assert ref.restore("k", 0, tgt.dump("k")) == b"OK"
    assert ref.lrange("k", 0, -1) == tgt.lrange("k", 0, -1)


# ------------------------------------------------------------------ MIGRATE

def test_migrate_errors(r):
    with pytest.raises(redis.ResponseError, match="^wrong number of arguments for 'migrate' command$"):
        r.execute_command("MIGRATE", "127.0.0.1", "1", "k", "0")
    with pytest.raises(redis.ResponseError, match="^syntax error$"):
        r.execute_command("MIGRATE", "127.0.0.1", "1", "k", "0", "100", "bogus")
    with pytest.raises(redis.ResponseError, match="^syntax error$"):
        r.execute_command("MIGRATE", "127.0.0.1", "1", "k", "0", "100", "AUTH")
    with pytest.raises(redis.ResponseError, match="^syntax error$"):
        r.execute_command("MIGRATE", "127.0.0.1", "1", "k", "0", "100", "AUTH2", "u")
    with pytest.raises(redis.ResponseError,
                       match="^When using MIGRATE KEYS option, the key argument must be set to the empty string$"):
        r.execute_command("MIGRATE", "127.0.0.1", "1", "k", "0", "100", "KEYS", "a")
    with pytest.raises(redis.ResponseError, match="^value is not an integer or out of range$"):
        r.execute_command("MIGRATE", "127.0.0.1", "1", "k", "x", "100")
    with pytest.raises(redis.ResponseError, match="^value is not an integer or out of range$"):
        r.execute_command("MIGRATE", "127.0.0.1", "1", "k", "0", "1.5")
    # no key: NOKEY (a status), before any connection is tried
    assert r.execute_command("MIGRATE", "127.0.0.1", "1", "k", "0", "100") == b"NOKEY"
    assert r.execute_command("MIGRATE", "127.0.0.1", "1", "", "0", "100",
                             "KEYS", "a", "b") == b"NOKEY"
    r.set("k", "v")
    # a refused connection shows at the first write (Redis's blocking connect
    # only waits for the socket to be writable)
    with pytest.raises(redis.ResponseError,
                       match="^IOERR error or timeout writing to target instance$"):
        r.execute_command("MIGRATE", "127.0.0.1", str(free_port()), "k", "0", "1000")
    assert r.get("k") == b"v"


def test_migrate_to_redis(tgt, ref, reference):
    tgt.set("key", "Some Value")
    tgt.rpush("list", "a", "b", "c", 1, 2, 3)
    tgt.hset("h", mapping={"f": "v", "n": "12"})
    tgt.set("ttl", "v", px=100000)
    tgt.set("big", RANDOM_1MB)
    assert tgt.execute_command("MIGRATE", "127.0.0.1", reference, "key", 9, 5000) == b"OK"
    assert tgt.exists("key") == 0
    ref.select(9)
    assert ref.get("key") == b"Some Value"
    assert tgt.execute_command("MIGRATE", "127.0.0.1", reference, "", 9, 5000,
                               "KEYS", "nokey", "list", "h", "ttl", "big") == b"OK"
    assert tgt.dbsize() == 0
    assert ref.lrange("list", 0, -1) == [b"a", b"b", b"c", b"1", b"2", b"3"]
    assert ref.hgetall("h") == {b"f": b"v", b"n": b"12"}
    assert 90000 < ref.pttl("ttl") <= 100000
    assert ref.get("big") == RANDOM_1MB
    info = tgt.info("stats")
    assert info["migrate_cached_sockets"] == 1


def test_migrate_copy_replace_and_busykey(tgt, ref, reference):
    tgt.set("k", "mine")
    ref.select(3)
    ref.set("k", "theirs")
    with pytest.raises(redis.ResponseError,
                       match="^Target instance replied with error: BUSYKEY Target key name already exists.$"):
        tgt.execute_command("MIGRATE", "127.0.0.1", reference, "k", 3, 5000)
    assert tgt.get("k") == b"mine"
    assert tgt.execute_command("MIGRATE", "127.0.0.1", reference, "k", 3, 5000,
                               "COPY", "REPLACE") == b"OK"
    assert tgt.get("k") == b"mine"
    assert ref.get("k") == b"mine"


def test_migrate_keys_deletes_only_acked(tgt, ref, reference):
    tgt.mset({c: i for i, c in enumerate("abcdefgh")})
    ref.select(9)
    ref.mset({"c": "_", "d": "_"})
    with pytest.raises(redis.ResponseError, match="BUSYKEY"):
        tgt.execute_command("MIGRATE", "127.0.0.1", reference, "", 9, 5000,
                            "KEYS", *"abcdefgh")
    assert sorted(tgt.keys()) == [b"c", b"d"]
    assert ref.dbsize() == 8


def test_migrate_auth(tgt, ref, reference):
    tgt.rpush("list", "a", "b")
    ref.config_set("requirepass", "foobar")
    try:
        ref.execute_command("AUTH", "foobar")
        with pytest.raises(redis.ResponseError, match="^Target instance replied with error: WRONGPASS"):
            tgt.execute_command("MIGRATE", "127.0.0.1", reference, "list", 9, 5000,
                                "AUTH", "nope")
        assert tgt.exists("list") == 1
        assert tgt.execute_command("MIGRATE", "127.0.0.1", reference, "list", 9, 5000,
                                   "AUTH2", "default", "foobar") == b"OK"
        ref.select(9)
        assert ref.lrange("list", 0, -1) == [b"a", b"b"]
    finally:
        ref.config_set("requirepass", "")


def test_migrate_timeout(tgt, ref, reference):
    tgt.set("k", "v")
    sleeper = redis.Redis(host="127.0.0.1", port=reference)
    t = threading.Thread(target=lambda: sleeper.execute_command("DEBUG", "SLEEP", "1.5"))
    t.start()
    time.sleep(0.2)
    try:
        with pytest.raises(redis.ResponseError, match="^IOERR error or timeout reading to target instance$"):
            tgt.execute_command("MIGRATE", "127.0.0.1", reference, "k", 0, 300)
    finally:
        t.join()
        sleeper.close()
    assert tgt.get("k") == b"v"


def test_migrate_cached_socket_released(tgt, ref, reference):
    tgt.set("k", "v")
    assert tgt.info("stats")["migrate_cached_sockets"] == 0
    assert tgt.execute_command("MIGRATE", "127.0.0.1", reference, "k", 0, 1000) == b"OK"
    assert tgt.info("stats")["migrate_cached_sockets"] == 1
    deadline = time.time() + 15
    while tgt.info("stats")["migrate_cached_sockets"] != 0:
        assert time.time() < deadline
        time.sleep(0.5)


def _has_restore(c):
    try:
        c.execute_command("RESTORE")
    except redis.ResponseError as e:
        return "unknown command" not in str(e)
    return True


def test_migrate_back_from_redis(tgt, ref, reference):
    """redis-server migrates kilat's payloads back (needs RESTORE in the target)."""
    if IS_KILAT and not _has_restore(tgt):
        pytest.skip("RESTORE not built yet")
    tgt.zadd("z", {"a": 1.5, "b": 2})
    tgt.sadd("s", 1, 2, 3)
    assert tgt.execute_command("MIGRATE", "127.0.0.1", reference, "", 0, 5000,
                               "KEYS", "z", "s") == b"OK"
    assert ref.execute_command("MIGRATE", "127.0.0.1", tgt.port, "", 0, 5000,
                               "KEYS", "z", "s") == b"OK"
    assert tgt.zrange("z", 0, -1, withscores=True) == [(b"a", 1.5), (b"b", 2.0)]
    assert tgt.smembers("s") == {b"1", b"2", b"3"}


@pytest.mark.parametrize("seed", range(6))
def test_dump_list_random_ops_equals_redis(tgt, ref, seed):
    """Random pushes, inserts, sets, removals, trims and pops: after each
    batch the list's payload (its node boundaries) is redis-server's."""
    rng = random.Random(seed)
    fill = ["-1", "-2", "-3", "4", "16", "128"][seed % 6]
    for c in (tgt, ref):
        c.config_set("rdbcompression", "no")
        c.config_set("list-max-listpack-size", fill)

    def val():
        t = rng.random()
        if t < 0.3:
            return str(rng.randint(-5000, 5000) if rng.random() < .5 else rng.randint(0, 100))
        if t < 0.9:
            return "e" * rng.randint(0, 40) + str(rng.randint(0, 99))
        return "L" * rng.randint(100, 3000)

    for step in range(300):
        n = tgt.llen("k")
        op = rng.random()
        if op < 0.3 or not n:
            cmd = (rng.choice(["RPUSH", "LPUSH"]), "k", *[val() for _ in range(rng.randint(1, 30))])
        elif op < 0.5:
            cmd = ("LINSERT", "k", rng.choice(["BEFORE", "AFTER"]), tgt.lindex("k", rng.randrange(n)), val())
        elif op < 0.65:
            cmd = ("LSET", "k", rng.randrange(n), val())
        elif op < 0.75:
            cmd = ("LREM", "k", rng.randint(-2, 2), tgt.lindex("k", rng.randrange(n)))
        elif op < 0.8:
            cmd = ("LTRIM", "k", rng.randint(0, 3), -rng.randint(1, 4))
        else:
            cmd = (rng.choice(["LPOP", "RPOP"]), "k", rng.randint(1, 5))
        assert tgt.execute_command(*cmd) == ref.execute_command(*cmd)
        if step % 25 == 24 and tgt.exists("k"):
            assert tgt.dump("k") == ref.dump("k"), "step %d" % step


def test_dump_lzf_matches_redis_on_random_strings(tgt, ref):
    """liblzf (Debian's) must compress exactly as Redis's bundled lzf:
    strings of many lengths and entropies, compressible or not."""
    rng_l = random.Random(77)
    pipe_t, pipe_r = tgt.pipeline(transaction=False), ref.pipeline(transaction=False)
    keys = []
    for i in range(150):
        n = rng_l.choice([21, 22, 25, 40, 64, 100, 255, 1000, 4096, 10000, 65536, 300000])
        alphabet = bytes(rng_l.sample(range(256), rng_l.choice([1, 2, 4, 16, 64, 256])))
        if rng_l.random() < 0.5:
            v = bytes(rng_l.choice(alphabet) for _ in range(n))
        else:  # repeated chunks: long matches, far back-references
            chunk = bytes(rng_l.choice(alphabet) for _ in range(rng_l.randint(1, 300)))
            v = (chunk * (n // len(chunk) + 1))[:n]
        k = "s%d" % i
        keys.append(k)
        pipe_t.set(k, v)
        pipe_r.set(k, v)
    pipe_t.execute()
    pipe_r.execute()
    for k in keys:
        assert tgt.dump(k) == ref.dump(k), k


def test_migrate_auth_arguments_are_redacted_in_monitor(r, connect):
    mon = connect()
    assert mon.cmd("MONITOR") == b"OK"
    for args in (("AUTH", "secret"), ("AUTH2", "user", "secret")):
        try:  # nothing listens there: only the MONITOR line matters
            r.execute_command("MIGRATE", "127.0.0.1", "1", "key", "9", "100", *args)
        except redis.ResponseError:
            pass
        line = mon.read_reply()
        assert b'"MIGRATE"' in line and b'"key" "9" "100"' in line, line
        assert b"secret" not in line and b"user" not in line, line
        assert line.count(b'"(redacted)"') == len(args) - 1, line
