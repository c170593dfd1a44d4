"""FUNCTION and FCALL (issue 15): every subcommand, option and error text
compared with a redis-server 7.0 started beside the server under test;
flags enforcement (no-writes, allow-oom under maxmemory, FCALL_RO); FUNCTION
KILL vs SCRIPT KILL; FUNCTION DUMP payloads byte for byte equal to
redis-server's and restorable on the other server; functions kept across a
restart through the RDB and through the AOF; an RDB of redis-server with
functions loading here.

Runs against kilat and against redis-server (then both sides are Redis).
"""

import os
import shutil
import socket
import struct
import subprocess
import tempfile
import threading
import time

import pytest
import redis

from conftest import SLOW, RawConn, Server, free_port, reference_redis, wait_for
from test_dump import crc64_jones as crc64


def payload(body, version=10):
    p = body + struct.pack("<H", version)
    return p + struct.pack("<Q", crc64(p))


def lib(name, body, fname=None):
    """A library registering one function (positional form)."""
    return "#!lua name=%s\nredis.register_function('%s', function(keys, args) %s end)" % (
        name, fname or name, body)


@pytest.fixture(scope="module")
def reference():
    yield from reference_redis("--enable-debug-command", "yes", prefix="kilat-fnref-")


@pytest.fixture
def ref(reference):
    c = RawConn("127.0.0.1", reference)
    c.cmd("FLUSHALL")
    c.cmd("FUNCTION", "FLUSH")
    yield c
    c.cmd("CONFIG", "SET", "maxmemory", "0")
    c.close()


@pytest.fixture
def tgt(r, raw):
    raw.cmd("FUNCTION", "FLUSH")
    yield raw
    raw.cmd("CONFIG", "SET", "maxmemory", "0")
    raw.cmd("FUNCTION", "FLUSH")


def norm(v):
    """Replies made comparable: FUNCTION LIST's libraries and functions come
    in hash-table order on Redis (random per process), so lists of them
    (maps, or RESP2 arrays starting with library_name / name) are sorted."""
    if isinstance(v, list):
        items = [norm(x) for x in v]
        if items and all((isinstance(x, tuple) and x[:1] == ("map",)) or
                         (isinstance(x, list) and x[:1] in ([b"name"], [b"library_name"]))
                         for x in items):
            return sorted(items, key=repr)
        return items
    if isinstance(v, dict):
        return ("map",) + tuple(sorted((repr(k), norm(x)) for k, x in v.items()))
    return v


def same(tgt, ref, *cmd):
    a, b = tgt.cmd(*cmd), ref.cmd(*cmd)
    assert norm(a) == norm(b), "%r: got %r, redis %r" % (cmd, a, b)
    return a


def same_all(tgt, ref, cmds):
    for cmd in cmds:
        same(tgt, ref, *cmd)


# ------------------------------------------------------------- errors

LOAD_ERRORS = [
    "return 1",                                          # Missing library metadata
    "#!lua name=x",                                      # Invalid library metadata (no newline)
    "#!lua\nredis.register_function('f', function() end)",
    "#!lua name=a name=b\nredis.register_function('f', function() end)",
    "#!lua name=a foo=bar\nredis.register_function('f', function() end)",
    "#!lua name=a\"\nx",                                  # unbalanced quote
    "#!lua name=bad-name\nredis.register_function('f', function() end)",
    "#!lua name=\nredis.register_function('f', function() end)",
    "#!nosuch name=a\nredis.register_function('f', function() end)",
    "#! name=a\nredis.register_function('f', function() end)",
    "#!lua name=a\nreturn 1",                            # No functions registered
    "#!lua name=a\nbad script",                          # compile error
    "#!lua name=a\nredis.register_function()",
    "#!lua name=a\nredis.register_function('f')",
    "#!lua name=a\nredis.register_function('f', function() end, 1)",
    "#!lua name=a\nredis.register_function(1, function() end)",
    "#!lua name=a\nredis.register_function(nil, function() end)",
    "#!lua name=a\nredis.register_function('f', 'x')",
    "#!lua name=a\nredis.register_function('a b', function() end)",
    "#!lua name=a\nredis.register_function('', function() end)",
    "#!lua name=a\nredis.register_function('f', function() end)\nredis.register_function('F', function() end)",
    "#!lua name=a\nredis.register_function{function_name='f'}",
    "#!lua name=a\nredis.register_function{callback=function() end}",
    "#!lua name=a\nredis.register_function{function_name=1, callback=function() end}",
    "#!lua name=a\nredis.register_function{function_name='f', callback='x'}",
    "#!lua name=a\nredis.register_function{function_name='f', callback=function() end, description=1}",
    "#!lua name=a\nredis.register_function{function_name='f', callback=function() end, flags='no-writes'}",
    "#!lua name=a\nredis.register_function{function_name='f', callback=function() end, flags={'bad'}}",
    "#!lua name=a\nredis.register_function{function_name='f', callback=function() end, flags={1}}",
    "#!lua name=a\nredis.register_function{function_name='f', callback=function() end, other=1}",
    "#!lua name=a\nredis.register_function{[1]='f'}",
    "#!lua name=a\nreturn redis.call('ping')",
    "#!lua name=a\nreturn redis.pcall('ping')",
    "#!lua name=a\nredis.setresp(3)",
    "#!lua name=a\nreturn math.random()",
    "#!lua name=a\nreturn string.len('x')",
    "#!lua name=a\nerror('boom')",
    "#!lua name=a\nx = 1",
    "#!lua name=a\nredis.x = 1",
    "#!lua name=a\nreturn redis.math.x",
]


@pytest.mark.parametrize("code", LOAD_ERRORS)
def test_load_errors_as_redis(tgt, ref, code):
    same(tgt, ref, "FUNCTION", "LOAD", code)
    same(tgt, ref, "FUNCTION", "LIST")


def test_load_timeout(tgt, ref):
    code = "#!lua name=a\nlocal a = 1 while true do a = a + 1 end"
    t0 = time.time()
    got = same(tgt, ref, "FUNCTION", "LOAD", code)
    assert got == b"ERR Error registering functions: ERR FUNCTION LOAD timeout"
    assert time.time() - t0 < 5 * SLOW


def test_subcommand_errors_as_redis(tgt, ref):
    for c in (tgt, ref):
        c.cmd("FUNCTION", "LOAD", lib("test", "return 'hello'"))
    same_all(tgt, ref, [
        ("FUNCTION",),
        ("FUNCTION", "NOSUCH"),
        ("FUNCTION", "LOAD"),
        ("FUNCTION", "LOAD", "REPLACE"),
        ("FUNCTION", "LOAD", "foo", "bar", lib("x", "return 1")),
        ("FUNCTION", "LOAD", "REPLACE", "REPLACE", lib("test", "return 2")),
        ("FUNCTION", "LOAD", lib("test", "return 1")),
        ("FUNCTION", "LOAD", lib("other", "return 1", "TEST")),
        ("FUNCTION", "DELETE"),
        ("FUNCTION", "DELETE", "nosuch"),
        ("FUNCTION", "DELETE", "TEST"),
        ("FUNCTION", "DELETE", "a", "b"),
        ("FUNCTION", "LIST", "withcode", "withcode"),
        ("FUNCTION", "LIST", "libraryname"),
        ("FUNCTION", "LIST", "libraryname", "a", "libraryname", "b"),
        ("FUNCTION", "LIST", "foo"),
        ("FUNCTION", "LIST", "X\r\n+INJECTED"),
        ("FUNCTION", "FLUSH", "bad"),
        ("FUNCTION", "FLUSH", "sync", "extra"),
        ("FUNCTION", "RESTORE"),
        ("FUNCTION", "RESTORE", "x", "badpolicy"),
        ("FUNCTION", "RESTORE", "x", "flush", "extra"),
        ("FUNCTION", "RESTORE", "bad_payload"),
        ("FUNCTION", "DUMP", "x"),
        ("FUNCTION", "STATS", "x"),
        ("FUNCTION", "KILL"),
        ("FUNCTION", "KILL", "x"),
        ("FUNCTION", "HELP"),
        ("FUNCTION", "HELP", "x"),
        ("FCALL",),
        ("FCALL", "test"),
        ("FCALL", "nosuch", "0"),
        ("FCALL", "test", "x"),
        ("FCALL", "test", "1"),
        ("FCALL", "test", "-1"),
        ("FCALL", "test", "1.5"),
        ("FCALL", "TEST", "0"),
        ("FCALL_RO", "test", "0"),
        ("FCALL_RO", "nosuch", "0"),
        ("FUNCTION", "STATS"),
    ])


def test_list_and_stats_as_redis(tgt, ref):
    code = ("#!lua name=lib1\n"
            "redis.register_function{function_name='ro', callback=function() return 1 end,"
            " flags={'no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys'},"
            " description='a desc'}\n"
            "redis.register_function('rw', function() return 2 end)")
    for c in (tgt, ref):
        assert c.cmd("FUNCTION", "LOAD", code) == b"lib1"
        assert c.cmd("FUNCTION", "LOAD", lib("lib2", "return 3", "f3")) == b"lib2"
        assert c.cmd("FUNCTION", "LOAD", "REPLACE", lib("lib2", "return 4", "f4")) == b"lib2"
    same_all(tgt, ref, [
        ("FUNCTION", "LIST"),
        ("FUNCTION", "LIST", "WITHCODE"),
        ("FUNCTION", "LIST", "LIBRARYNAME", "lib1"),
        ("FUNCTION", "LIST", "libraryname", "LIB*", "withcode"),
        ("FUNCTION", "LIST", "libraryname", "nomatch"),
        ("FUNCTION", "STATS"),
        ("FCALL", "ro", "0"),
        ("FCALL_RO", "RO", "0"),
        ("FCALL", "f4", "0"),
        ("FCALL", "f3", "0"),
        ("FUNCTION", "DELETE", "lib2"),
        ("FUNCTION", "STATS"),
        ("FUNCTION", "FLUSH", "ASYNC"),
        ("FUNCTION", "LIST"),
        ("FUNCTION", "STATS"),
    ])
    for c in (tgt, ref):
        c.send_command("HELLO", "3")
        c.read_reply()
    same_all(tgt, ref, [("FUNCTION", "LOAD", code), ("FUNCTION", "LIST"), ("FUNCTION", "STATS")])


def test_runtime_behaviour_as_redis(tgt, ref):
    code = ("#!lua name=rt\n"
            "local function helper(a) return a .. '!' end\n"
            "redis.register_function('keys_args', function(keys, args) return {keys, args} end)\n"
            "redis.register_function('set', function(keys, args) return redis.call('set', keys[1], args[1]) end)\n"
            "redis.register_function('helper', function(keys, args) return helper(args[1]) end)\n"
            "redis.register_function('glob', function() x = 1 end)\n"
            "redis.register_function('noglobal', function() return nosuch end)\n"
            "redis.register_function('reg', function() redis.register_function('z', function() end) end)\n"
            "redis.register_function('err', function() error('oops') end)\n"
            "redis.register_function('errt', function() return redis.error_reply('MY custom') end)\n"
            "redis.register_function('callerr', function() return redis.call('nosuch') end)\n"
            "redis.register_function('pcallerr', function() return redis.pcall('incr', 'str') end)\n"
            "redis.register_function('resp3', function() redis.setresp(3) return redis.call('hgetall', 'h') end)\n"
            "redis.register_function('keys_global', function() return KEYS end)\n"
            "redis.register_function{function_name='nw', callback=function(keys) return redis.call('set', keys[1], 'v') end, flags={'no-writes'}}\n"
            "redis.register_function{function_name='nwread', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}}\n")
    for c in (tgt, ref):
        assert c.cmd("FUNCTION", "LOAD", code) == b"rt"
        c.cmd("SET", "str", "abc")
        c.cmd("HSET", "h", "f", "v")
    same_all(tgt, ref, [
        ("FCALL", "keys_args", "2", "k1", "k2", "a1", "a2", "a3"),
        ("FCALL", "set", "1", "k", "v"),
        ("GET", "k"),
        ("FCALL", "helper", "0", "hi"),
        ("FCALL", "glob", "0"),
        ("FCALL", "noglobal", "0"),
        ("FCALL", "reg", "0"),
        ("FCALL", "err", "0"),
        ("FCALL", "errt", "0"),
        ("FCALL", "callerr", "0"),
        ("FCALL", "pcallerr", "0"),
        ("FCALL", "resp3", "0"),
        ("FCALL", "keys_global", "0"),
        ("FCALL", "nw", "1", "k"),
        ("FCALL_RO", "nw", "1", "k"),
        ("FCALL_RO", "nwread", "1", "k"),
        ("FCALL_RO", "set", "1", "k", "v"),
        ("EVAL", "return redis.call('fcall', 'helper', 0, 'x')", "0"),
        ("EVAL", "return KEYS", "0"),
    ])


def test_eval_and_function_states_are_separate(tgt, ref):
    for c in (tgt, ref):
        c.cmd("FUNCTION", "LOAD", lib("st", "return type(ARGV)"))
    same(tgt, ref, "FCALL", "st", "0")   # no KEYS/ARGV globals in functions
    same(tgt, ref, "EVAL", "return type(ARGV)", "0")


def test_info_and_commandstats(tgt, ref):
    for c in (tgt, ref):
        c.cmd("CONFIG", "RESETSTAT")
        c.cmd("FUNCTION", "LOAD", lib("st", "return 1"))
        c.cmd("FCALL", "st", "0")
        c.cmd("FCALL", "nosuch", "0")

    def fields(c):
        info = c.cmd("INFO", "commandstats").decode()
        out = {}
        for line in info.splitlines():
            if line.startswith(("cmdstat_fcall", "cmdstat_function")):
                k, v = line.split(":", 1)
                out[k] = [x for x in v.split(",") if not x.startswith("usec")]
        mem = c.cmd("INFO", "memory").decode()
        for line in mem.splitlines():
            if line.startswith(("number_of_functions", "number_of_libraries")):
                k, v = line.split(":", 1)
                out[k] = v
        return out
    assert fields(tgt) == fields(ref)


def test_multi_and_propagation_unit(tgt, ref):
    for c in (tgt, ref):
        c.cmd("FUNCTION", "LOAD", lib("m", "redis.call('incr', keys[1]) return redis.call('incr', keys[1])"))
        assert c.cmd("MULTI") == b"OK"
        c.cmd("FCALL", "m", "1", "cnt")
        c.cmd("FUNCTION", "LIST")
    same(tgt, ref, "EXEC")


# -------------------------------------------------------------- flags

def test_allow_oom_under_maxmemory(tgt, ref):
    code = ("#!lua name=oom\n"
            "redis.register_function('w', function(keys) return redis.call('set', keys[1], 'x') end)\n"
            "redis.register_function{function_name='ao', callback=function(keys) return redis.call('set', keys[1], 'x') end, flags={'allow-oom'}}\n"
            "redis.register_function{function_name='nw', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}}\n")
    for c in (tgt, ref):
        c.cmd("FUNCTION", "LOAD", code)
        c.cmd("SET", "filler", "x" * 1000)
        assert c.cmd("CONFIG", "SET", "maxmemory", "1") == b"OK"
    same_all(tgt, ref, [
        ("FCALL", "w", "1", "k"),
        ("FCALL", "ao", "1", "k"),
        ("FCALL", "nw", "1", "k"),
        ("FCALL_RO", "nw", "1", "k"),
        ("FUNCTION", "LOAD", lib("x", "return 1")),
        ("FUNCTION", "DELETE", "oom"),
    ])


def test_kill(server, r):
    raw = server.raw()
    raw.cmd("FUNCTION", "FLUSH")
    raw.cmd("CONFIG", "SET", "busy-reply-threshold", "50")
    raw.cmd("FUNCTION", "LOAD", lib("busy", "local a = 1 while true do a = a + 1 end"))
    runner = server.raw()
    runner.send_command("FCALL", "busy", "0")
    other = server.raw()
    assert wait_for(lambda: other.cmd("PING") != b"PONG", timeout=5)
    assert other.cmd("PING") == b"BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE."
    assert other.cmd("SCRIPT", "KILL") == b"BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE."
    stats = other.cmd("FUNCTION", "STATS")
    assert stats[0] == b"running_script"
    assert stats[1][:5] == [b"name", b"busy", b"command", [b"FCALL", b"busy", b"0"], b"duration_ms"]
    assert other.cmd("FUNCTION", "KILL") == b"OK"
    got = runner.read_reply()
    assert got.startswith(b"ERR Script killed by user with"), got
    assert other.cmd("PING") == b"PONG"
    # and an EVAL is not FUNCTION KILL's
    runner.send_command("EVAL", "local a = 1 while true do a = a + 1 end", "0")
    assert wait_for(lambda: other.cmd("PING") != b"PONG", timeout=5)
    assert other.cmd("FUNCTION", "KILL") == b"BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."
    assert other.cmd("FUNCTION", "STATS") == b"BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."
    assert other.cmd("SCRIPT", "KILL") == b"OK"
    runner.read_reply()
    assert other.cmd("FUNCTION", "KILL") == b"NOTBUSY No scripts in execution right now."
    raw.cmd("CONFIG", "SET", "busy-reply-threshold", "5000")
    raw.cmd("FUNCTION", "FLUSH")
    for c in (raw, runner, other):
        c.close()


# ------------------------------------------------------- DUMP / RESTORE

CODES = [
    lib("short", "return 1", "s"),
    # long enough to be LZF-compressed in the payload (rdbcompression yes)
    "#!lua name=longlib\n" + "\n".join(
        "redis.register_function('f%d', function(keys, args) return redis.call('get', keys[1]) end)" % i
        for i in range(20)),
]


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("compress", ["yes", "no"])
def test_dump_payload_equals_redis(tgt, ref, code, compress):
    for c in (tgt, ref):
        c.cmd("CONFIG", "SET", "rdbcompression", compress)
        c.cmd("FUNCTION", "LOAD", code)
    a, b = tgt.cmd("FUNCTION", "DUMP"), ref.cmd("FUNCTION", "DUMP")
    for c in (tgt, ref):
        c.cmd("CONFIG", "SET", "rdbcompression", "yes")
    assert a == b
    assert a[0] == 0xF5
    # each restores on the other
    for c, p in ((tgt, b), (ref, a)):
        c.cmd("FUNCTION", "FLUSH")
        assert c.cmd("FUNCTION", "RESTORE", p) == b"OK"
    same(tgt, ref, "FUNCTION", "LIST", "WITHCODE")


def test_dump_empty(tgt, ref):
    same(tgt, ref, "FUNCTION", "DUMP")
    same(tgt, ref, "FUNCTION", "RESTORE", tgt.cmd("FUNCTION", "DUMP"))


def test_restore_policies(tgt, ref):
    for c in (tgt, ref):
        c.cmd("FUNCTION", "LOAD", lib("a", "return 'a1'", "fa"))
        c.cmd("FUNCTION", "LOAD", lib("b", "return 'b1'", "fb"))
    p = ref.cmd("FUNCTION", "DUMP")
    for c in (tgt, ref):
        c.cmd("FUNCTION", "FLUSH")
        c.cmd("FUNCTION", "LOAD", lib("a", "return 'a2'", "fa"))
    same_all(tgt, ref, [
        ("FUNCTION", "RESTORE", p),
        ("FUNCTION", "RESTORE", p, "APPEND"),
        ("FCALL", "fa", "0"),
        ("FUNCTION", "RESTORE", p, "REPLACE"),
        ("FCALL", "fa", "0"),
        ("FCALL", "fb", "0"),
        ("FUNCTION", "DELETE", "a"),
        ("FUNCTION", "LOAD", lib("c", "return 'c'", "fa")),
        ("FUNCTION", "RESTORE", p, "REPLACE"),     # fa collides with library c
        ("FUNCTION", "LIST"),
        ("FUNCTION", "RESTORE", p, "FLUSH"),
        ("FUNCTION", "LIST"),
        ("FCALL", "fa", "0"),
    ])


def test_restore_corrupt_payloads(tgt, ref):
    good = lib("g", "return 1")
    body = b"\xf5" + bytes([len(good)]) + good.encode()
    bad = [
        b"",
        b"x" * 9,
        payload(body)[:-1] + b"\x00",                 # bad CRC
        payload(body, version=11),                    # newer RDB version
        payload(b""),                                 # no library
        payload(b"\x00\x01x"),                        # a key, not a function
        payload(b"\xf5"),                             # truncated
        payload(b"\xf5\x40"),                         # truncated length
        payload(b"\xf5\x05ab"),                       # string shorter than its length
        payload(b"\xf5\x05hello"),                    # no metadata
        payload(body + body),                         # the same library twice
        payload(b"\xf5\x20" + b"#!lua name=x\nreturn 1 -- padding"[:32]),
        payload(b"\xf5\xc3\x05\x10\x00"),            # broken LZF
    ]
    for c in (tgt, ref):
        c.cmd("FUNCTION", "LOAD", lib("keep", "return 'kept'"))
    for p in bad:
        same(tgt, ref, "FUNCTION", "RESTORE", p)
    same(tgt, ref, "FUNCTION", "LIST")
    same(tgt, ref, "FCALL", "keep", "0")


def test_restore_pre_ga_record(tgt, ref):
    """7.0-rc payloads: name, engine, description flag, code."""
    code = b"redis.register_function('old', function() return 'old' end)"
    body = b"\xf6\x03rcl\x03LUA\x00" + bytes([len(code)]) + code
    same(tgt, ref, "FUNCTION", "RESTORE", payload(body))
    same(tgt, ref, "FUNCTION", "LIST", "WITHCODE")
    same(tgt, ref, "FCALL", "old", "0")


# ------------------------------------------------------------ persistence

def _load_libs(c):
    assert c.execute_command("FUNCTION", "LOAD", lib("p1", "return redis.call('get', keys[1])", "pget")) == b"p1"
    assert c.execute_command("FUNCTION", "LOAD", CODES[1]) == b"longlib"


def _check_libs(c):
    c.set("k", "v")
    assert c.execute_command("FCALL", "pget", 1, "k") == b"v"
    assert c.execute_command("FCALL", "f7", 1, "k") == b"v"
    libs = sorted(x[1] for x in c.execute_command("FUNCTION", "LIST"))
    assert b"longlib" in libs and b"p1" in libs


def test_rdb_restart_keeps_functions(start_server):
    srv = start_server()
    c = srv.client()
    _load_libs(c)
    c.set("key", "val")
    assert c.save()
    srv.stop()
    srv.start()
    c = srv.client()
    assert c.get("key") == b"val"
    _check_libs(c)


def test_aof_restart_keeps_functions(start_server):
    srv = start_server("--appendonly", "yes")
    c = srv.client()
    _load_libs(c)
    c.execute_command("FUNCTION", "LOAD", lib("gone", "return 1"))
    c.execute_command("FUNCTION", "DELETE", "gone")
    c.execute_command("FUNCTION", "LOAD", lib("gone2", "return 1"))
    c.execute_command("FUNCTION", "FLUSH")
    _load_libs(c)
    dump = c.execute_command("FUNCTION", "DUMP")
    c.execute_command("FUNCTION", "FLUSH")
    assert c.execute_command("FUNCTION", "RESTORE", dump) == b"OK"
    srv.stop()
    srv.start()
    c = srv.client()
    _check_libs(c)
    # the rewrite writes the libraries (RESP base: FUNCTION LOAD commands)
    c.config_set("aof-use-rdb-preamble", "no")
    c.execute_command("BGREWRITEAOF")
    assert wait_for(lambda: c.info("persistence")["aof_rewrite_in_progress"] == 0
                    and c.info("persistence")["aof_rewrite_scheduled"] == 0, timeout=10)
    time.sleep(0.2)
    base = [f for f in os.listdir(os.path.join(srv.dir, "appendonlydir")) if ".base." in f]
    assert base, os.listdir(os.path.join(srv.dir, "appendonlydir"))
    with open(os.path.join(srv.dir, "appendonlydir", base[0]), "rb") as f:
        text = f.read()
    assert b"*3\r\n$8\r\nFUNCTION\r\n$4\r\nLOAD\r\n" in text
    srv.stop()
    srv.start()
    _check_libs(srv.client())


def _redis_with_rdb(tmp, rdb=None):
    if rdb:
        shutil.copy(rdb, os.path.join(tmp, "dump.rdb"))
    port = free_port()
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                             "--save", "", "--appendonly", "no", "--dir", tmp],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    c = redis.Redis(port=port, socket_timeout=10 * SLOW)
    assert wait_for(lambda: _pings(c), timeout=15)
    return proc, c


def _pings(c):
    try:
        return c.ping()
    except redis.ConnectionError:
        return False


def test_rdb_from_redis_loads_and_back(start_server):
    tmp = tempfile.mkdtemp(prefix="kilat-fnrdb-")
    proc, rc = _redis_with_rdb(tmp)
    try:
        _load_libs(rc)
        rc.set("k", "v")
        rc.save()
    finally:
        proc.terminate()
        proc.wait(10)
    srv = Server(name="with redis rdb")
    shutil.copy(os.path.join(tmp, "dump.rdb"), os.path.join(srv.dir, "dump.rdb"))
    srv.start()
    try:
        c = srv.client()
        _check_libs(c)
        c.execute_command("FUNCTION", "LOAD", lib("mine", "return 'mine'"))
        c.save()
        back = os.path.join(srv.dir, "dump.rdb")
        if shutil.which("redis-check-rdb"):
            chk = subprocess.run(["redis-check-rdb", back], stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, timeout=60)
            assert chk.returncode == 0 and b"RDB looks OK" in chk.stdout, chk.stdout
        tmp2 = tempfile.mkdtemp(prefix="kilat-fnrdb2-")
        proc, rc = _redis_with_rdb(tmp2, back)
        try:
            assert rc.execute_command("FCALL", "mine", 0) == b"mine"
            _check_libs(rc)
        finally:
            proc.terminate()
            proc.wait(10)
    finally:
        srv.stop()


def test_long_function_name(tgt, ref):
    name = "f" * 300
    for c in (tgt, ref):
        c.cmd("FUNCTION", "LOAD", lib("longname", "return 'long'", name))
    same_all(tgt, ref, [
        ("FCALL", name.upper(), "0"),
        ("FCALL", name[:-1], "0"),
        ("FUNCTION", "STATS"),
    ])


@pytest.mark.kilat_only  # redis-server 7.0.15 aborts on the DELETE (serverAssert)
def test_same_name_in_two_cases_in_one_library(tgt):
    """"g" and "G" in one library both load, as on Redis (which then
    crashes on FUNCTION DELETE of that library: its global table holds only
    one of them); here the library deletes cleanly."""
    dup = ("#!lua name=dup\nredis.register_function('g', function() return 'lower' end)\n"
           "redis.register_function('G', function() return 'upper' end)")
    assert tgt.cmd("FUNCTION", "LOAD", dup) == b"dup"
    assert tgt.cmd("FCALL", "g", "0") in (b"lower", b"upper")
    assert tgt.cmd("FUNCTION", "DELETE", "dup") == b"OK"
    assert tgt.cmd("FCALL", "g", "0") == b"ERR Function not found"
