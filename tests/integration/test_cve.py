"""Regression tests for Redis's CVEs outside Lua: one test (or a few) per
CVE, named by its id, each sending the input the advisory describes (our
own inputs, not exploit code) and asserting the safe outcome: the exact
error Redis 7.0 gives, the connection closed, memory bounded, time bounded.
Differential: they pass on kilat and on Debian's redis-server 7.0.15
(which carries the later fixes as Debian patches); the few that cannot run
on it are kilat_only and say why.

The Lua CVEs are in test_cve_lua.py. Elsewhere:
  CVE-2022-0543  test_scripting_cve.py::test_cve_2022_0543_package_unreachable
  CVE-2024-31449 test_cve_lua.py::test_cve_2024_31449_bit_tohex_int_min
                 (and test_scripting_cve.py::test_bit_tohex_widths)
Debian's other patches concern code kilat does not have: redis-check-aof's file
name (CVE-2025-27151), replication (CVE-2026-23631) and the cluster bus
(CVE-2026-21863, CVE-2026-92925). CVE-2026-81934 (TLS) is in test_tls.py."""

import os
import shutil
import socket
import struct
import subprocess
import tempfile
import time

import pytest
import redis

from conftest import SLOW, bulk, closed_by_server, err, send_all, wait_for
from test_dump import crc64_jones

LONG_MAX = 9223372036854775807
LONG_MIN = -9223372036854775808
TOO_BIG = b"-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n"


def used_memory(c):
    return c.info("memory")["used_memory"]


def connected(c):
    return c.info("clients")["connected_clients"]


def refused_and_closed(conn, expected):
    """The server answers `expected`, then closes the connection."""
    assert conn.read_reply_raw() == expected
    with pytest.raises(EOFError):
        conn.read_reply_raw()


# ----------------------------------------------------------- CVE-2021-32675
def test_cve_2021_32675_unauthenticated_multibulk_headers(start_server):
    """An unauthenticated client may announce at most 10 arguments and bulks
    of at most 16384 bytes: more is a protocol error and the connection is
    closed before anything is allocated for it."""
    srv = start_server("--requirepass", "pw")
    cases = [
        (b"*11\r\n", b"-ERR Protocol error: unauthenticated multibulk length\r\n"),
        (b"*2147483647\r\n", b"-ERR Protocol error: unauthenticated multibulk length\r\n"),
        (b"*1\r\n$16385\r\n", b"-ERR Protocol error: unauthenticated bulk length\r\n"),
        (b"*2\r\n$4\r\nAUTH\r\n$100000\r\n", b"-ERR Protocol error: unauthenticated bulk length\r\n"),
    ]
    for data, expected in cases:
        with srv.raw() as conn:
            conn.send(data)
            refused_and_closed(conn, expected)
    # the limits themselves are allowed (and answered NOAUTH)
    with srv.raw() as conn:
        conn.send(b"*10\r\n" + b"$4\r\nPING\r\n" * 10)
        assert conn.read_reply_raw() == b"-NOAUTH Authentication required.\r\n"
        conn.send(b"*2\r\n$4\r\nECHO\r\n$16384\r\n" + b"x" * 16384 + b"\r\n")
        assert conn.read_reply_raw() == b"-NOAUTH Authentication required.\r\n"
        # once authenticated, big headers are fine again
        assert conn.cmd_raw("AUTH", "pw") == b"+OK\r\n"
        assert conn.cmd_raw("ECHO", "y" * 100000) == bulk("y" * 100000)
        assert conn.cmd_raw("DEL", *["k%d" % i for i in range(20)]) == b":0\r\n"

    # A flood of unauthenticated huge headers: every connection is closed
    # and memory does not grow (the old preallocation was 8 bytes per
    # announced argument: 30 x 8 MiB here).
    c = srv.client()
    base = used_memory(c)
    conns = []
    for _ in range(30):
        conn = srv.raw()
        conn.send(b"*1048576\r\n$1073741824\r\n")
        conns.append(conn)
    for conn in conns:
        refused_and_closed(conn, b"-ERR Protocol error: unauthenticated multibulk length\r\n")
        conn.close()
    # 30 more hold the largest header allowed, half-sent
    held = []
    for _ in range(30):
        conn = srv.raw()
        conn.send(b"*10\r\n$16384\r\n" + b"z" * 8000)
        held.append(conn)
    assert wait_for(lambda: connected(c) == 31)
    assert used_memory(c) - base < 16 << 20
    for conn in held:
        conn.close()
    assert wait_for(lambda: connected(c) == 1)
    c.close()


# ------------------------------------------------- CVE-2021-32627 / 32628
def test_cve_2021_32627_proto_max_bulk_len_bounds(r, raw, connect):
    """proto-max-bulk-len bounds every string a client can make: a bulk
    longer than it is a protocol error, and SETRANGE/APPEND past it are
    refused; the setting itself has Redis's range."""
    assert raw.cmd_raw("CONFIG", "SET", "proto-max-bulk-len", "1000") == err(
        "ERR CONFIG SET failed (possibly related to argument 'proto-max-bulk-len') - "
        "argument must be between 1048576 and 9223372036854775807 inclusive")
    assert raw.cmd_raw("CONFIG", "SET", "proto-max-bulk-len", "1048576") == b"+OK\r\n"
    try:
        c = connect()
        c.send(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1048577\r\n")
        refused_and_closed(c, b"-ERR Protocol error: invalid bulk length\r\n")
        assert raw.cmd_raw("SETRANGE", "s", "1048575", "x") == b":1048576\r\n"
        assert raw.cmd_raw("SETRANGE", "s", "1048576", "x") == TOO_BIG
        assert raw.cmd_raw("SETRANGE", "s2", "1048575", "xy") == TOO_BIG
        assert raw.cmd_raw("EXISTS", "s2") == b":0\r\n"
        assert raw.cmd_raw("APPEND", "s", "x") == TOO_BIG
        assert raw.cmd_raw("STRLEN", "s") == b":1048576\r\n"
    finally:
        r.config_set("proto-max-bulk-len", 512 << 20)


@pytest.mark.parametrize("kind", ["hash", "zset"])
def test_cve_2021_32628_listpack_safe_size(start_server, kind):
    """With the listpack limits raised to the maximum, a hash or sorted set
    whose listpack would pass 1 GiB becomes a hash table / skiplist instead
    of overflowing the listpack's 32-bit sizes (two 537 MB elements)."""
    srv = start_server("--proto-max-bulk-len", "2gb",
                       "--hash-max-listpack-value", str(LONG_MAX),
                       "--hash-max-listpack-entries", "1000",
                       "--zset-max-listpack-value", str(LONG_MAX),
                       "--zset-max-listpack-entries", "1000")
    c = srv.client(socket_timeout=120)
    n = 537000000  # two of them pass 1 << 30
    v = b"x" * n
    if kind == "hash":
        assert c.hset("h", "f1", v) == 1
        assert c.object("encoding", "h") == b"listpack"
        assert c.hset("h", "f2", v) == 1
        assert c.object("encoding", "h") == b"hashtable"
        assert c.hstrlen("h", "f1") == n and c.hstrlen("h", "f2") == n
        assert c.hlen("h") == 2
    else:
        assert c.zadd("z", {v: 1}) == 1
        assert c.object("encoding", "z") == b"listpack"
        del v
        w = b"y" * n
        assert c.zadd("z", {w: 2}) == 1
        assert c.object("encoding", "z") == b"skiplist"
        assert c.zcard("z") == 2
        assert c.zscore("z", w) == 2.0
    c.flushall()
    assert c.ping()
    c.close()


# ----------------------------------------------------------- CVE-2021-41099
def test_cve_2021_41099_huge_bulk_with_raised_proto_max_bulk_len(r, connect):
    """With proto-max-bulk-len raised past 4 GiB, bulk headers of 2^31 and
    2^32+1 bytes (the sizes that overflowed the string library's 32-bit
    headers) neither crash the server nor keep memory once the client
    goes away."""
    r.config_set("proto-max-bulk-len", 5000000000)
    try:
        base = used_memory(r)
        for size in (2147483648, 4294967297):
            c = connect()
            c.send(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$%d\r\n" % size + b"x" * 100000)
            c.send(b"y" * 100000)
            time.sleep(0.1)
            c.close()
        assert r.ping()
        assert wait_for(lambda: used_memory(r) - base < 4 << 20), used_memory(r) - base
        assert r.exists("k") == 0
    finally:
        r.config_set("proto-max-bulk-len", 512 << 20)


# ----------------------------------------------------------- CVE-2021-32687
def test_cve_2021_32687_set_max_intset_entries_huge(r, raw):
    """set-max-intset-entries accepts LONG_MAX; sets of integers built by
    SADD and by the *STORE commands stay correct and nothing is sized from
    the setting (no huge preallocation)."""
    assert raw.cmd_raw("CONFIG", "SET", "set-max-intset-entries", str(LONG_MAX)) == b"+OK\r\n"
    assert raw.cmd_raw("CONFIG", "SET", "set-max-intset-entries", str(LONG_MAX + 1)).startswith(
        b"-ERR CONFIG SET failed (possibly related to argument 'set-max-intset-entries')")
    try:
        base = used_memory(r)
        for i in range(0, 20000, 1000):
            r.sadd("a", *range(i, i + 1000))
        r.sadd("b", *range(10000, 30000, 2))
        assert r.object("encoding", "a") == b"intset"
        assert r.sunionstore("u", "a", "b") == 25000
        assert r.sinterstore("i", "a", "b") == 5000
        assert r.sdiffstore("d", "a", "b") == 15000
        for k in ("u", "i", "d"):
            assert r.object("encoding", k) == b"intset"
        assert r.smove("a", "i", 1) is True
        assert r.scard("i") == 5001
        assert r.sismember("u", 29998) == 1
        assert len(r.srandmember("u", 100000)) == 25000
        assert used_memory(r) - base < 32 << 20
    finally:
        r.config_set("set-max-intset-entries", 512)


# ----------------------------------------------------------- CVE-2022-35977
def test_cve_2022_35977_setrange_append_getrange_overflow(r, raw):
    """With proto-max-bulk-len at LONG_MAX, offset + length overflows a
    signed 64-bit value: SETRANGE must refuse it rather than wrap; GETRANGE
    and INCRBY/DECRBY take the extreme values without overflowing."""
    r.config_set("proto-max-bulk-len", LONG_MAX)
    try:
        raw.cmd_raw("SET", "s", "abc")
        steps = [
            (["SETRANGE", "k", str(LONG_MAX), "x"], TOO_BIG),
            (["SETRANGE", "k", str(LONG_MAX - 28), "x" * 29], TOO_BIG),
            (["SETRANGE", "s", str(LONG_MAX), "x"], TOO_BIG),
            (["SETRANGE", "k", str(LONG_MAX), ""], b":0\r\n"),
            (["SETRANGE", "s", str(LONG_MAX), ""], b":3\r\n"),
            (["SETRANGE", "s", "-1", "x"], err("ERR offset is out of range")),
            (["SETRANGE", "s", str(LONG_MAX + 1), "x"], err("ERR value is not an integer or out of range")),
            (["EXISTS", "k"], b":0\r\n"),
            (["GETRANGE", "s", str(LONG_MAX - 1), str(LONG_MAX)], bulk("")),
            (["GETRANGE", "s", str(LONG_MIN), str(LONG_MIN + 1)], bulk("a")),
            (["GETRANGE", "s", "0", str(LONG_MAX)], bulk("abc")),
            (["GETRANGE", "s", str(LONG_MIN), str(LONG_MAX)], bulk("abc")),
            (["GETRANGE", "s", str(LONG_MAX), str(LONG_MIN)], bulk("")),
            (["APPEND", "s", "d"], b":4\r\n"),
            (["SET", "n", str(LONG_MAX)], b"+OK\r\n"),
            (["INCRBY", "n", "1"], err("ERR increment or decrement would overflow")),
            (["INCRBY", "n", str(LONG_MIN)], b":-1\r\n"),
            (["DECRBY", "n", str(LONG_MIN)], err("ERR decrement would overflow")),
            (["SET", "n", str(LONG_MIN)], b"+OK\r\n"),
            (["DECRBY", "n", "1"], err("ERR increment or decrement would overflow")),
            (["INCRBY", "n", str(LONG_MIN)], err("ERR increment or decrement would overflow")),
            (["GET", "n"], bulk(str(LONG_MIN))),
        ]
        for cmd, expected in steps:
            assert raw.cmd_raw(*cmd) == expected, cmd
    finally:
        r.config_set("proto-max-bulk-len", 512 << 20)


def arr(*items):
    return b"*%d\r\n" % len(items) + b"".join(bulk(i) for i in items)


def test_cve_2022_35977_sort_limit_overflow(r, raw):
    """SORT and SORT_RO ... LIMIT with offsets and counts at the edges of a
    64-bit value, on every load path (sorted, BY nosort on a list and on a
    sorted set, ASC and DESC, BY + LIMIT's partial sort): nothing wraps."""
    raw.cmd_raw("RPUSH", "l", "3", "1", "2")
    raw.cmd_raw("ZADD", "z", "1", "a", "2", "b", "3", "c")
    assert raw.cmd_raw("SORT", "l", "LIMIT", "0", "1") == arr("1")
    steps = []
    for cmd in ("SORT", "SORT_RO"):
        steps += [
            ([cmd, "l", "LIMIT", str(LONG_MAX), str(LONG_MAX)], b"*0\r\n"),
            ([cmd, "l", "LIMIT", "1", str(LONG_MAX)], arr("2", "3")),
            ([cmd, "l", "LIMIT", str(LONG_MIN), str(LONG_MIN)], arr("1", "2", "3")),
            ([cmd, "l", "LIMIT", "-1", "-1"], arr("1", "2", "3")),
            ([cmd, "l", "LIMIT", str(LONG_MAX - 1), "2"], b"*0\r\n"),
            ([cmd, "l", "LIMIT", "2", str(LONG_MAX)], arr("3")),
            ([cmd, "l", "BY", "nosort", "LIMIT", "2", str(LONG_MAX)], arr("2")),
            ([cmd, "l", "BY", "nosort", "DESC", "LIMIT", "1", str(LONG_MAX)], arr("1", "3")),
            ([cmd, "l", "BY", "nosort", "LIMIT", str(LONG_MAX), str(LONG_MAX)], b"*0\r\n"),
            ([cmd, "l", "BY", "nosort", "LIMIT", str(LONG_MIN), "1"], arr("3")),
            ([cmd, "z", "BY", "nosort", "LIMIT", "1", str(LONG_MAX)], arr("b", "c")),
            ([cmd, "z", "BY", "nosort", "DESC", "LIMIT", "2", str(LONG_MAX)], arr("a")),
            ([cmd, "z", "BY", "nosort", "DESC", "LIMIT", str(LONG_MAX), "1"], b"*0\r\n"),
            ([cmd, "z", "BY", "w*", "LIMIT", "1", str(LONG_MAX)], arr("b", "c")),
            ([cmd, "l", "BY", "w*", "LIMIT", str(LONG_MAX), str(LONG_MIN)], b"*0\r\n"),
            ([cmd, "l", "LIMIT", str(LONG_MAX), "1", "GET", "#"], b"*0\r\n"),
        ]
    steps += [
        (["SORT", "l", "LIMIT", str(LONG_MAX), str(LONG_MAX), "STORE", "d"], b":0\r\n"),
        (["SORT", "l", "LIMIT", "1", str(LONG_MAX), "STORE", "d"], b":2\r\n"),
        (["LRANGE", "d", "0", "-1"], arr("2", "3")),
    ]
    for cmd, expected in steps:
        assert raw.cmd_raw(*cmd) == expected, cmd


# ------------------------------------------- CVE-2022-36021 / CVE-2024-31228
def timed(f, limit=1.0):
    t0 = time.time()
    v = f()
    took = time.time() - t0
    assert took < limit * SLOW, "took %.2fs" % took
    return v


def test_cve_2022_36021_glob_backtracking(r, raw, connect):
    """Patterns made to backtrack exponentially (many stars before a byte
    that never matches) finish at once in KEYS, SCAN MATCH and PSUBSCRIBE."""
    r.set("a" * 60, 1)
    r.set("b" * 60 + "c", 1)
    evil = ["a*" * 40 + "b", "*a" * 30 + "*b", "*?" * 30 + "*x", "[a-z]*" * 30 + "x"]
    for pat in evil:
        assert timed(lambda: r.keys(pat)) == []
        assert timed(lambda: r.scan(0, match=pat, count=1000)) == (0, [])
    # and one that matches after the same backtracking
    assert timed(lambda: r.keys("b*" * 30 + "c")) == [b"b" * 60 + b"c"]
    sub = connect()
    assert sub.cmd("PSUBSCRIBE", evil[0]) == [b"psubscribe", evil[0].encode(), 1]
    assert timed(lambda: r.publish("a" * 60, "m")) == 0
    assert timed(lambda: r.publish("a" * 59 + "b", "m")) == 1
    assert sub.read_reply() == [b"pmessage", evil[0].encode(), b"a" * 59 + b"b", b"m"]


def test_cve_2024_31228_long_patterns(r, connect):
    """Very long patterns (100,000 bytes, 50,000 stars) finish fast; a
    pattern with more than 1000 stars followed by more pattern matches
    nothing, as Redis's matcher gives up past that nesting (the fix)."""
    r.set("a" * 50000, 1)
    assert timed(lambda: r.keys("*?" * 50000)) == []
    assert timed(lambda: r.scan(0, match="*?" * 50000, count=10)) == (0, [])
    assert timed(lambda: r.keys("?*" * 25000)) == []
    r.flushall()
    key = "a" * 1002
    r.set(key, 1)
    assert r.keys("a*" * 1000 + "a") == [key.encode()]  # 1000 inner stars
    assert r.keys("a*" * 1001 + "a") == []              # 1001
    assert r.keys("a*" * 1001) == [key.encode()]         # the last one is trailing
    sub = connect()
    pat = "*?" * 50000
    assert sub.cmd("PSUBSCRIBE", pat)[2] == 1
    assert timed(lambda: r.publish("a" * 50000, "m")) == 0
    assert sub.cmd("PING") == [b"pong", b""]


def test_cve_2024_31228_acl_patterns(start_server):
    """The same patterns as ACL key and channel patterns: the permission
    check of a command on a long key, ACL DRYRUN and PUBLISH to a long
    channel all finish at once, and a pattern past the nesting limit
    grants nothing."""
    srv = start_server()
    admin = srv.raw()
    evil = ["*?" * 50000, "a*" * 1001 + "a", "*a" * 30 + "*b"]
    rules = ["~" + p for p in evil] + ["&" + p for p in evil]
    assert admin.cmd("ACL", "SETUSER", "evil", "on", ">pw", "+@all", *rules) == b"OK"
    u = srv.raw()
    assert u.cmd("AUTH", "evil", "pw") == b"OK"
    long_key = "a" * 50000
    noperm = err("NOPERM this user has no permissions to access one of the keys used as arguments")
    assert timed(lambda: u.cmd_raw("GET", long_key)) == noperm
    assert timed(lambda: u.cmd_raw("SET", "a" * 1002, "v")) == noperm
    assert timed(lambda: admin.cmd("ACL", "DRYRUN", "evil", "GET", long_key)).startswith(
        b"This user has no permissions to access the '")
    noch = err("NOPERM this user has no permissions to access one of the channels used as arguments")
    assert timed(lambda: u.cmd_raw("PUBLISH", long_key, "m")) == noch
    assert u.cmd("PING") == b"PONG"


# ------------------------------------------------- CVE-2024-31227 / 51741
def test_cve_2024_31227_and_51741_malformed_selector_key_rules(start_server):
    """`%` rules without a permission or without `~` are refused with
    Redis's syntax error (they used to reach an assertion); `%RW~` (an
    empty pattern) and `%RW` are accepted and grant no key."""
    srv = start_server()
    admin = srv.raw()
    for rule in ["%~", "%", "%X~*", "%RWX~*"]:
        assert admin.cmd_raw("ACL", "SETUSER", "u", rule) == err(
            "ERR Error in ACL SETUSER modifier '%s': Syntax error" % rule)
        assert admin.cmd_raw("ACL", "SETUSER", "u", "(%s)" % rule).startswith(
            b"-ERR Error in ACL SETUSER modifier '(")
    assert admin.cmd("ACL", "USERS") == [b"default"]
    u = srv.raw()
    for rule in ["%RW~", "%RW"]:
        assert admin.cmd("ACL", "SETUSER", "u", "reset", "on", "nopass", rule, "+@all") == b"OK"
        assert u.cmd("AUTH", "u", "x") == b"OK"
        assert u.cmd_raw("SET", "x", "5") == err(
            "NOPERM this user has no permissions to access one of the keys used as arguments")
        assert u.cmd("PING") == b"PONG"


# ----------------------------------------------------------- CVE-2023-25155
RANGE_ERR = err("ERR value is out of range, value must between -9223372036854775807 "
                "and 9223372036854775807")


def test_cve_2023_25155_random_member_counts(r, raw):
    """SRANDMEMBER / ZRANDMEMBER / HRANDFIELD with counts whose negation (or
    doubling, WITHSCORES/WITHVALUES) overflows: refused, no crash."""
    raw.cmd_raw("SADD", "s", "a", "b", "c")
    raw.cmd_raw("SADD", "is", "1", "2", "3")
    raw.cmd_raw("ZADD", "z", "1", "a", "2", "b")
    raw.cmd_raw("HSET", "h", "a", "1", "b", "2")
    steps = [
        (["SRANDMEMBER", "s", str(LONG_MIN)], RANGE_ERR),
        (["SRANDMEMBER", "is", str(LONG_MIN)], RANGE_ERR),
        (["SRANDMEMBER", "nokey", str(LONG_MIN)], RANGE_ERR),
        (["ZRANDMEMBER", "z", str(LONG_MIN)], RANGE_ERR),
        (["ZRANDMEMBER", "z", str(LONG_MIN), "WITHSCORES"], RANGE_ERR),
        (["ZRANDMEMBER", "z", str(LONG_MIN // 2), "WITHSCORES"], err("ERR value is out of range")),
        (["ZRANDMEMBER", "nokey", str(LONG_MIN // 2), "WITHSCORES"], err("ERR value is out of range")),
        (["HRANDFIELD", "h", str(LONG_MIN)], RANGE_ERR),
        (["HRANDFIELD", "h", str(LONG_MIN), "WITHVALUES"], RANGE_ERR),
        (["HRANDFIELD", "h", str(LONG_MIN // 2), "WITHVALUES"], err("ERR value is out of range")),
        (["HRANDFIELD", "nokey", str(LONG_MIN), "WITHVALUES"], RANGE_ERR),
        (["SPOP", "s", "-1"], err("ERR value is out of range, must be positive")),
        (["SPOP", "s", str(LONG_MIN)], err("ERR value is out of range, must be positive")),
        (["SRANDMEMBER", "s", "-5"], None),
    ]
    for cmd, expected in steps:
        got = raw.cmd_raw(*cmd)
        if expected is None:
            assert got.startswith(b"*5\r\n"), got
        else:
            assert got == expected, cmd
    assert raw.cmd_raw("SPOP", "s", str(LONG_MAX)).startswith(b"*3\r\n")
    assert raw.cmd_raw("PING") == b"+PONG\r\n"


# ----------------------------------------------------------- CVE-2023-28856
def test_cve_2023_28856_hincrbyfloat_invalid_values(r, raw):
    """HINCRBYFLOAT with an infinite or NaN increment is refused before the
    key or field is created; a field that is not a float is refused; the
    hash stays readable by every command afterwards."""
    steps = [
        (["HINCRBYFLOAT", "h", "f", "+inf"], err("ERR value is NaN or Infinity")),
        (["HINCRBYFLOAT", "h", "f", "-inf"], err("ERR value is NaN or Infinity")),
        (["HINCRBYFLOAT", "h", "f", "nan"], err("ERR value is not a valid float")),
        (["EXISTS", "h"], b":0\r\n"),
        (["HSET", "h", "a", "1", "s", "abc", "sp", " 1"], b":3\r\n"),
        (["HINCRBYFLOAT", "h", "f", "inf"], err("ERR value is NaN or Infinity")),
        (["HEXISTS", "h", "f"], b":0\r\n"),
        (["HINCRBYFLOAT", "h", "s", "1"], err("ERR hash value is not a float")),
        (["HINCRBYFLOAT", "h", "sp", "1"], err("ERR hash value is not a float")),
        (["HINCRBYFLOAT", "h", "a", "1.5"], bulk("2.5")),
        (["HINCRBYFLOAT", "h", "a", "-inf"], err("ERR value is NaN or Infinity")),
        (["HGET", "h", "a"], bulk("2.5")),
        (["INCRBYFLOAT", "k", "inf"], err("ERR increment would produce NaN or Infinity")),
        (["EXISTS", "k"], b":0\r\n"),
    ]
    for cmd, expected in steps:
        assert raw.cmd_raw(*cmd) == expected, cmd
    # every reader of the hash still works (the crash was on access)
    assert raw.cmd("HRANDFIELD", "h", "-6", "WITHVALUES") is not None
    assert len(raw.cmd("HGETALL", "h")) == 6
    assert raw.cmd("HSCAN", "h", "0")[0] == b"0"
    assert raw.cmd_raw("PING") == b"+PONG\r\n"


# ----------------------------------------------------------- CVE-2025-32023
INVALID_HLL = err("INVALIDOBJ Corrupted HLL object detected")


@pytest.mark.parametrize("opcode", ["xzero", "zero"])
def test_cve_2025_32023_sparse_hll_run_overflow(r, raw, opcode):
    """A sparse HyperLogLog whose opcodes add up to more than 4G registers
    (an int counter would wrap) followed by a VAL opcode that would write
    far out of bounds: every reader answers INVALIDOBJ and the server
    lives. XZERO runs of 16384, or (32 MB) ZERO runs of 64."""
    if opcode == "xzero":
        body = bytes([0x40 | 0x3F, 0xFF]) * (131072 + 1000)
    else:
        body = bytes([0x3F]) * (33554432 + 1000)
    # sparse, cached count marked invalid (so PFCOUNT must read it)
    value = b"HYLL" + bytes([1] + [0] * 10 + [0x80]) + body + bytes([0xFF])
    assert raw.cmd_raw("SET", "hll", value) == b"+OK\r\n"
    for cmd in (["PFCOUNT", "hll", "hll"], ["PFCOUNT", "hll"], ["PFMERGE", "dst", "hll"],
                ["PFDEBUG", "GETREG", "hll"], ["PFDEBUG", "TODENSE", "hll"]):
        assert raw.cmd_raw(*cmd) == INVALID_HLL, cmd
    assert raw.cmd_raw("EXISTS", "dst") == b":0\r\n"
    assert raw.cmd_raw("STRLEN", "hll") == b":%d\r\n" % len(value)
    assert raw.cmd_raw("PING") == b"+PONG\r\n"


# ----------------------------------------------------------- CVE-2023-45145
def strace_unix_socket(tmp, perm):
    """Starts the server under strace with umask 000 and a unix socket;
    returns the traced syscalls (umask, bind, chmod, listen) as lines."""
    from conftest import server_binary
    if not shutil.which("strace"):
        pytest.skip("strace is not installed")
    path = os.path.join(tmp, "s.sock")
    trace = os.path.join(tmp, "trace")
    argv = ["strace", "-f", "-o", trace, "-e", "trace=umask,bind,chmod,fchmod,fchmodat,listen",
            server_binary(), "--port", "0", "--unixsocket", path, "--unixsocketperm", perm,
            "--save", "", "--appendonly", "no", "--dir", tmp]
    p = subprocess.Popen(["sh", "-c", 'umask 000; exec "$@"', "sh"] + argv,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        ok = wait_for(lambda: os.path.exists(path) and _answers(path), timeout=15)
        mode = os.stat(path).st_mode & 0o777 if os.path.exists(path) else None
    finally:
        shutdown_unix(path)
        try:
            p.wait(30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    if not ok:
        with open(trace) as f:
            body = f.read()
        if "ptrace" in body or "Operation not permitted" in body[:500]:
            pytest.skip("strace cannot trace here")
        pytest.fail("the server did not answer on its unix socket")
    with open(trace) as f:
        return [l.split(None, 1)[1] for l in f.read().splitlines() if " " in l], path, mode


def unix_request(path, line, timeout=2):
    """Sends one inline command on the unix socket; its reply's first bytes,
    or None when the socket does not answer."""
    s = socket.socket(socket.AF_UNIX)
    try:
        s.settimeout(timeout)
        s.connect(path)
        s.sendall(line)
        return s.recv(16)
    except OSError:
        return None
    finally:
        s.close()


def shutdown_unix(path):
    unix_request(path, b"SHUTDOWN NOSAVE\r\n", timeout=5)


def _answers(path):
    return unix_request(path, b"PING\r\n") == b"+PONG\r\n"


def test_cve_2023_45145_unixsocket_mode_set_before_listen():
    """With umask 000, the unix socket gets unixsocketperm (700) before
    listen(): no client can connect while it is world-accessible."""
    tmp = tempfile.mkdtemp(prefix="kilat-cve-")
    lines, path, mode = strace_unix_socket(tmp, "700")
    assert mode == 0o700
    bind_i = next(i for i, l in enumerate(lines) if l.startswith("bind(") and path in l)
    fd = lines[bind_i][len("bind("):].split(",")[0]
    listen_i = next(i for i, l in enumerate(lines) if l.startswith("listen(%s," % fd) and i > bind_i)
    between = lines[bind_i:listen_i]
    assert any(l.startswith('chmod("%s", 0700)' % path) for l in between), between


@pytest.mark.kilat_only
def test_cve_2023_45145_unixsocket_created_under_restrictive_umask():
    """kilat also binds the socket under a umask that leaves at most
    unixsocketperm, so the file is never wider even between bind and chmod.
    kilat_only: redis-server 7.0.15 binds under the process umask (the file
    is 0777 for that moment under umask 000, though not yet listening)."""
    tmp = tempfile.mkdtemp(prefix="kilat-cve-")
    lines, path, mode = strace_unix_socket(tmp, "700")
    bind_i = next(i for i, l in enumerate(lines) if l.startswith("bind(") and path in l)
    mask = 0
    for l in lines[:bind_i]:
        if l.startswith("umask("):
            mask = int(l[len("umask("):].split(")")[0], 8)
    assert (0o777 & ~mask) & ~0o700 == 0, "socket created with mode %o" % (0o777 & ~mask)


# ----------------------------------------------------------- CVE-2025-67733
def test_cve_2025_67733_crlf_in_script_error_and_status(raw):
    """A script's error or status text with CR or LF in it (from the user's
    arguments) cannot end the reply early and inject a second one: each CR
    and LF becomes a space."""
    script_err = b"error(redis.error_reply(ARGV[1]))"
    assert raw.cmd_raw("EVAL", script_err, 0, "X\r\n+INJECTED").startswith(b"-ERR X  +INJECTED script: ")
    assert raw.cmd_raw("EVAL", b"return redis.error_reply(ARGV[1])", 0, "E\r\n:1") == b"-ERR E  :1\r\n"
    assert raw.cmd_raw("EVAL", b"return {err=ARGV[1]}", 0, "A\nB\rC") == b"-A B C\r\n"
    assert raw.cmd_raw("EVAL", b"return redis.status_reply(ARGV[1])", 0, "X\r\n+INJECTED") == b"+X  +INJECTED\r\n"
    assert raw.cmd_raw("EVAL", b"return {ok=ARGV[1]}", 0, "A\r\nB") == b"+A  B\r\n"
    assert raw.cmd("PING") == b"PONG"


# ----------------------------------------------------------- CVE-2026-25243
def test_cve_2026_25243_restore_huge_string_length(raw):
    """RESTORE of a string whose length says 2^64-9 bytes (and has none)
    is a bad payload, not a read past the buffer."""
    payload = b"\x00\x81" + b"\xff" * 7 + b"\xf7" + b"\x0c\x00" + b"\x00" * 8
    assert raw.cmd_raw("RESTORE", "k", 0, payload).startswith(b"-ERR DUMP payload version or checksum are wrong")
    # with the checksum skipped the loader itself must refuse the length
    assert raw.cmd("CONFIG", "SET", "sanitize-dump-payload", "no") == b"OK"
    assert raw.cmd_raw("RESTORE", "k", 0, payload) in (
        err("ERR DUMP payload version or checksum are wrong"), err("ERR Bad data format"))
    assert raw.cmd("EXISTS", "k") == 0


# ----------------------------------------------------------- CVE-2026-66373
# DUMP of redis-server 7.0.15 after XADD c 1-0 f v; XGROUP CREATE c g 0;
# XREADGROUP GROUP g a STREAMS c >; XGROUP CREATECONSUMER c g b (type +
# value, no footer). Byte 127 is consumer b's PEL count (0).
STREAM_1_0 = bytes.fromhex(
    "130110000000000000000100000000000000001d1d0000000a00010100010101"
    "81660200010201000100018176020401ff010100010000000101016701000101"
    "00000000000000010000000000000000a70be74ca201000001020161a70be74c"
    "a201000001000000000000000100000000000000000162af0be74ca201000000")


def stream_payload(body):
    p = body + b"\x0a\x00"
    return p + struct.pack("<Q", crc64_jones(p))


@pytest.mark.parametrize("sanitize", ["yes", "no"])
def test_cve_2026_66373_stream_nack_in_two_consumer_pels(r, sanitize):
    """A stream payload whose pending entry 1-0 is in the PELs of two
    consumers (the record would be freed twice: XACK through one, then
    the other's dangling pointer) is refused with sanitize-dump-payload
    yes and no; the intact payload loads."""
    assert STREAM_1_0[127] == 0
    r.config_set("sanitize-dump-payload", sanitize)
    assert r.restore("mystream", 0, stream_payload(STREAM_1_0)) == b"OK"
    assert r.xpending("mystream", "g")["pending"] == 1
    shared = STREAM_1_0[:127] + b"\x01" + struct.pack(">QQ", 1, 0) + STREAM_1_0[128:]
    with pytest.raises(redis.ResponseError, match="Bad data format"):
        r.restore("shared", 0, stream_payload(shared))
    assert r.exists("shared") == 0
    for cmd in (("XACK", "shared", "g", "1-0"),
                ("XREADGROUP", "GROUP", "g", "b", "COUNT", "10", "STREAMS", "shared", "0")):
        try:
            r.execute_command(*cmd)
        except redis.ResponseError:
            pass
    assert r.delete("shared") == 0
    assert r.ping()


# ----------------------------------------------------------- CVE-2025-21605
def test_cve_2025_21605_unauthenticated_client_never_reading(start_server):
    """An unauthenticated client that sends commands and never reads the
    -NOAUTH replies is disconnected once they pass ~1 KiB beyond what the
    socket takes; memory does not grow with what it sends."""
    srv = start_server("--requirepass", "pw")
    c = srv.client()
    base = used_memory(c)
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect((srv.host, srv.port))
    try:
        payload = b"PING\r\n" * 500000  # 17 MB of -NOAUTH replies
        sent = send_all(s, payload, timeout=20)
        assert wait_for(lambda: connected(c) == 1, timeout=10), c.client_list()
        assert sent <= len(payload)
        assert used_memory(c) - base < 8 << 20
        # the socket was closed by the server: reading ends (EOF or reset)
        s.settimeout(5 * SLOW)
        total = 0
        try:
            while True:
                chunk = s.recv(1 << 16)
                if not chunk:
                    break
                total += len(chunk)
        except ConnectionResetError:
            pass
        assert total < 8 << 20
    finally:
        s.close()
    # an authenticated client reading slowly is not affected by that limit
    with srv.raw() as conn:
        assert conn.cmd_raw("AUTH", "pw") == b"+OK\r\n"
        conn.send(b"PING\r\n" * 20000)
        time.sleep(0.3)
        got = b""
        while len(got) < 7 * 20000:
            conn._fill()
            got = bytes(conn.buf)
        assert got == b"+PONG\r\n" * 20000


# ----------------------------------------------------------- CVE-2025-48367
def accept_fault(c, err, count):
    """DEBUG ACCEPT-FAULT (test builds: os/sock.h's hook); skips on a
    release build."""
    reply = c.cmd_raw("DEBUG", "ACCEPT-FAULT", err, count)
    if b"only in test builds" in reply:
        pytest.skip("release build: no accept fault hook (runs in make test-asan)")
    assert reply == b"+OK\r\n"


@pytest.mark.kilat_only  # DEBUG ACCEPT-FAULT is kilat's test hook
def test_cve_2025_48367_accept_error_does_not_stop_accepting(start_server):
    """A connection that fails while queued (accept returns ECONNABORTED
    or another error of that connection) is skipped and the next one is
    accepted at once, without a log line; an error of the server itself
    (EMFILE) is logged as Redis logs it and accepting resumes later."""
    import errno
    srv = start_server("--enable-debug-command", "yes")
    admin = srv.raw()
    accept_fault(admin, errno.ECONNABORTED, 3)
    doomed = [socket.create_connection((srv.host, srv.port), timeout=5 * SLOW) for _ in range(3)]
    live = srv.raw()
    assert live.cmd("PING") == b"PONG"
    for s in doomed:
        assert closed_by_server(s)
    accept_fault(admin, errno.EMFILE, 1)
    refused = socket.create_connection((srv.host, srv.port), timeout=5 * SLOW)
    assert closed_by_server(refused)
    assert srv.raw().cmd("PING") == b"PONG"
    log = srv.output()
    assert log.count(b"Accepting client connection: accept: Too many open files") == 1, log[-2000:]
    assert b"Software caused connection abort" not in log


# ------------------------------------------------------- open-file limit
def run_under_ulimit(nofile, *args, timeout=15, then=()):
    """Starts the server in a shell with `ulimit -n nofile`; returns
    (exit code or None if it kept running, its output, CONFIG GET maxclients
    and then the redis-cli output of each command in `then`)."""
    from conftest import server_binary
    tmp = tempfile.mkdtemp(prefix="kilat-ulimit-")
    path = os.path.join(tmp, "s.sock")
    out = os.path.join(tmp, "out")
    argv = [server_binary(), "--port", "0", "--unixsocket", path, "--save", "",
            "--appendonly", "no", "--dir", tmp] + list(args)
    with open(out, "wb") as f:
        p = subprocess.Popen(["sh", "-c", 'ulimit -n %d && exec "$@"' % nofile, "sh"] + argv,
                             stdout=f, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    maxclients = None
    try:
        if wait_for(lambda: p.poll() is not None or _answers(path), timeout=timeout):
            if p.poll() is None:
                r = subprocess.run(["redis-cli", "-s", path, "CONFIG", "GET", "maxclients"],
                                   stdout=subprocess.PIPE, timeout=10)
                maxclients = [int(r.stdout.split()[1])]
                for cmd in then:
                    r = subprocess.run(["redis-cli", "-s", path] + list(cmd),
                                       stdout=subprocess.PIPE, timeout=10)
                    maxclients.append(r.stdout.strip())
                if not then:
                    maxclients = maxclients[0]
    finally:
        code = p.poll()
        if code is None:
            p.terminate()
            p.wait(30)
    with open(out, "rb") as f:
        return code, f.read(), maxclients


def test_open_file_limit_raised_or_maxclients_reduced():
    """At start the server wants maxclients + 32 descriptors: it raises a
    lower limit when it may (and logs it), or else lowers maxclients to fit
    with Redis's messages; under 33 descriptors it refuses to start."""
    code, out, maxclients = run_under_ulimit(256, "--maxclients", "1000")
    assert code is None, out
    if b"Increased maximum number of open files to 1032 (it was originally set to 256)." in out:
        assert maxclients == 1000  # a privileged run could raise the limit
    else:
        assert b"You requested maxclients of 1000 requiring at least 1032 max file descriptors." in out
        assert b"Server can't set maximum open files to 1032 because of OS error: " in out
        assert (b"Current maximum open files is 256. maxclients has been reduced to 224 to "
                b"compensate for low ulimit. If you need higher maxclients increase 'ulimit -n'.") in out
        assert maxclients == 224
    # enough already: nothing is logged and maxclients stays; CONFIG SET
    # maxclients past the limit is refused and changes nothing
    code, out, got = run_under_ulimit(256, "--maxclients", "100", then=[
        ["CONFIG", "SET", "maxclients", "200"], ["CONFIG", "SET", "maxclients", "225"],
        ["CONFIG", "GET", "maxclients"]])
    assert code is None and got[0] == 100
    if b"Increased maximum number of open files" not in out:
        assert got[1:] == [b"OK", b"ERR CONFIG SET failed (possibly related to argument 'maxclients') - "
                           b"The operating system is not able to handle the specified number of "
                           b"clients, try with 224", b"maxclients\n200"]
        assert (b"Failed applying new configuration. Possibly related to new maxclients setting. "
                b"Restoring previous settings.") in out
        assert out.count(b"maxclients has been reduced to 224") == 1
    # too few to start at all
    code, out, maxclients = run_under_ulimit(20, "--maxclients", "1000")
    if b"Increased maximum number of open files" not in out:
        assert code == 1, out
        assert (b"Your current 'ulimit -n' of 20 is not enough for the server to start. "
                b"Please increase your open file limit to at least 1032. Exiting.") in out
