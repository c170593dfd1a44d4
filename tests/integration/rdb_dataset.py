"""A dataset covering every type and encoding RDB has, and a keyspace
snapshot to compare two servers with. Shared by test_rdb_interop.py and
the benchmark/fuzz seed scripts (plain functions over a RawConn-like object
with send()/read_reply(); no pytest here).

Redis 7.0 thresholds (the defaults, which both servers run with):
list-max-listpack-size -2 (8 kB nodes), set-max-intset-entries 512,
zset/hash-max-listpack-entries 128 and -value 64, strings embstr up to 44
bytes."""

import random

DATABASES = 16
MB = 1 << 20


def pipeline(conn, cmds):
    """Sends every command, then reads every reply; raises on an error
    reply (the dataset must build the same on both servers)."""
    buf = []
    for c in cmds:
        buf.append(conn.encode(*c))
        if len(buf) >= 200:
            conn.send(b"".join(buf))
            buf = []
    if buf:
        conn.send(b"".join(buf))
    replies = []
    for c in cmds:
        v = conn.read_reply()
        if getattr(v, "kind", None) == "error":
            raise AssertionError("%r -> %r" % (c[:3], v))
        replies.append(v)
    return replies


def _blob(rnd, n):
    return bytes(rnd.getrandbits(8) for _ in range(n))


# Far-future absolute expiries (unix ms): exact on both sides (PEXPIRETIME).
T_2100 = 4102444800000
T_2033 = 2000000000123


def dataset_commands(seed=11, big=True):
    """The commands that build the dataset (deterministic for a seed).
    big=False leaves out the two 1 MB strings (faster, for tests that do
    not care)."""
    rnd = random.Random(seed)
    cmds = []
    c = cmds.append

    # ---- db 0: strings
    c(("SELECT", 0))
    ints = [0, 1, -1, 12, 127, 128, -128, -129, 255, 256, 32767, 32768,
            -32768, -32769, 65535, 65536, 2147483647, 2147483648,
            -2147483648, -2147483649, 4294967296, 9223372036854775807,
            -9223372036854775808]
    for i, v in enumerate(ints):
        c(("SET", "str:int:%d" % i, str(v)))
    # not canonical integers: stay strings (RDB writes them raw)
    for i, v in enumerate(["007", "+5", "-0", "1.5", " 1", "1e3",
                           "9223372036854775808", "0x10", ""]):
        c(("SET", "str:notint:%d" % i, v))
    c(("SET", "str:embstr", "hello world"))
    c(("SET", "str:embstr44", "e" * 44))
    c(("SET", "str:raw45", "r" * 45))
    c(("SET", "str:raw:random", _blob(rnd, 300)))  # LZF cannot shrink it
    c(("SET", "str:raw:compressible", b"abcdefgh" * 500))
    c(("SET", "str:lzf:21", b"a" * 21))  # just past LZF's 20-byte floor
    c(("SET", "str:binary", bytes(range(256)) + b"\r\n\x00\xff"))
    c(("SET", b"key:binary:\x00\xff\r\n", b"v\x00"))
    c(("SET", "str:append", "x"))
    c(("APPEND", "str:append", "y" * 30))  # raw in memory, short
    c(("SET", "str:ttl", "expiring"))
    c(("PEXPIREAT", "str:ttl", T_2100))
    c(("SET", "str:int:ttl", "42"))
    c(("PEXPIREAT", "str:int:ttl", T_2033))
    if big:
        c(("SET", "str:1mb:random", _blob(rnd, MB)))
        c(("SET", "str:1mb:compressible", (b"kilat-rdb-" * (MB // 10 + 1))[:MB]))
        c(("PEXPIREAT", "str:1mb:compressible", T_2100))

    # ---- db 1: lists
    c(("SELECT", 1))
    c(("RPUSH", "list:small", "a", "b", "1", "-1", "300", "70000",
       "5000000000", "-9223372036854775808", "", bytes(range(40)), "c" * 70))
    c(("RPUSH", "list:ints", *[str(v) for v in ints]))
    c(("RPUSH", "list:multinode", *["element-%05d-%s" % (i, "z" * (i % 40))
                                    for i in range(3000)]))
    c(("RPUSH", "list:bigelems", *[_blob(rnd, 5000) for _ in range(6)]))
    c(("LPUSH", "list:ttl", "x", "y"))
    c(("PEXPIREAT", "list:ttl", T_2100))

    # ---- db 2: sets
    c(("SELECT", 2))
    c(("SADD", "set:int16", "1", "2", "-3", "100", "32767", "-32768"))
    c(("SADD", "set:int32", "1", "70000", "-70000", "2147483647"))
    c(("SADD", "set:int64", "1", "5000000000", "-5000000000",
       "9223372036854775807", "-9223372036854775808"))
    c(("SADD", "set:intset:full", *[str(i * 3) for i in range(512)]))
    c(("SADD", "set:ints:hashtable", *[str(i * 7) for i in range(600)]))
    c(("SADD", "set:strings", "a", "b", "c", "", bytes(range(30))))
    c(("SADD", "set:big", *["member-%d" % i for i in range(1000)]))
    c(("SADD", "set:ttl", "1", "2"))
    c(("PEXPIREAT", "set:ttl", T_2033))

    # ---- db 3: sorted sets
    c(("SELECT", 3))
    scores = ["1", "1.5", "-2.25", "0", "-0", "inf", "-inf", "+inf",
              "3.141592653589793", "1e300", "-1e-300", "10", "0.1",
              "123456789012345678", "2.5e-5"]
    c(("ZADD", "zset:listpack", *sum(([s, "m%d" % i]
                                      for i, s in enumerate(scores)), [])))
    c(("ZADD", "zset:ties", "1", "b", "1", "a", "1", "c", "2", bytes(range(20))))
    c(("ZADD", "zset:skiplist", *sum(([s, "sm%d" % i]
                                      for i, s in enumerate(scores)), [])))
    c(("ZADD", "zset:skiplist", *sum(([str(rnd.uniform(-1e6, 1e6)), "r%d" % i]
                                      for i in range(300)), [])))
    c(("ZADD", "zset:longmember", "1", "L" * 65, "2", "short"))
    c(("ZADD", "zset:ttl", "5", "five"))
    c(("PEXPIREAT", "zset:ttl", T_2100))

    # ---- db 4: hashes
    c(("SELECT", 4))
    c(("HSET", "hash:listpack", "f1", "v1", "int", "12345", "neg", "-7",
       "big", "9223372036854775807", "empty", "", "bin", bytes(range(50)),
       "", "emptyfield"))
    c(("HSET", "hash:hashtable", *sum(([("field%d" % i), ("value%d" % i)]
                                       for i in range(300)), [])))
    c(("HSET", "hash:longvalue", "f", "V" * 65, "g", "1"))
    c(("HSET", "hash:ttl", "a", "1"))
    c(("PEXPIREAT", "hash:ttl", T_2033))

    # ---- a few other databases, same names as db 0 with other values
    for db in (5, 9, 15):
        c(("SELECT", db))
        c(("SET", "str:embstr", "db%d" % db))
        c(("RPUSH", "list:small", "db", str(db)))
        c(("HSET", "hash:listpack", "db", str(db)))
        c(("SADD", "set:int16", str(db)))
        c(("ZADD", "zset:listpack", str(db), "db"))
        c(("SET", "ttl:%d" % db, "v"))
        c(("PEXPIREAT", "ttl:%d" % db, T_2100 + db))
    c(("SELECT", 0))
    return cmds


def plain_list_commands():
    """A list with plain quicklist nodes (elements above the packed
    threshold). Needs --enable-debug-command; restores the threshold."""
    return [("SELECT", 6),
            ("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "100"),
            ("RPUSH", "list:plain", "small1", "P" * 200, "small2",
             "Q" * 1000, "R" * 150, "small3"),
            ("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1073741824"),
            ("SELECT", 0)]


def build(conn, seed=11, big=True, plain=True):
    pipeline(conn, dataset_commands(seed, big))
    if plain:
        pipeline(conn, plain_list_commands())


# ------------------------------------------------------------- snapshots
def _value(conn, typ, k):
    if typ == b"string":
        return conn.cmd("GET", k)
    if typ == b"list":
        return tuple(conn.cmd("LRANGE", k, 0, -1))
    if typ == b"set":
        return tuple(sorted(conn.cmd("SMEMBERS", k)))
    if typ == b"zset":
        # scores as the server prints them: "-0", "inf" stay distinct
        return tuple(conn.cmd("ZRANGE", k, 0, -1, "WITHSCORES"))
    if typ == b"hash":
        flat = conn.cmd("HGETALL", k)
        return tuple(sorted(zip(flat[0::2], flat[1::2])))
    raise AssertionError("unexpected type %r for %r" % (typ, k))


def snapshot(conn, dbs=DATABASES):
    """{(db, key): (type, value, pexpiretime, encoding)} over every
    database. PEXPIRETIME is absolute, so two servers agree exactly."""
    out = {}
    for db in range(dbs):
        assert conn.cmd("SELECT", db) == b"OK"
        keys = set()
        cursor = b"0"
        while True:
            cursor, batch = conn.cmd("SCAN", cursor, "COUNT", 1000)
            keys.update(batch)
            if cursor == b"0":
                break
        for k in sorted(keys):
            typ = conn.cmd("TYPE", k)
            out[(db, k)] = (typ, _value(conn, typ, k),
                            conn.cmd("PEXPIRETIME", k),
                            conn.cmd("OBJECT", "ENCODING", k))
    assert conn.cmd("SELECT", 0) == b"OK"
    return out


def _short(v, n=120):
    r = repr(v)
    return r if len(r) <= n else r[:n] + "...(%d chars)" % len(r)


def diff(got, want, encodings=True, limit=12):
    """Differences between two snapshots, as lines (empty: the same)."""
    lines = []
    for k in sorted(set(got) | set(want), key=repr):
        if k not in got:
            lines.append("missing %r (want %s)" % (k, _short(want[k])))
        elif k not in want:
            lines.append("extra %r = %s" % (k, _short(got[k])))
        else:
            g, w = got[k], want[k]
            n = 4 if encodings else 3
            for i, what in enumerate(("type", "value", "pexpiretime",
                                      "encoding")[:n]):
                if g[i] != w[i]:
                    lines.append("%r: %s %s != %s" % (k, what, _short(g[i]),
                                                      _short(w[i])))
        if len(lines) >= limit:
            lines.append("...")
            break
    return lines
