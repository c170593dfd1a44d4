"""Loading append-only files at startup (appendonly yes): an appendonlydir
written by hand (manifest + base + incr files), then the server started on
it. Covers what the loader of one file does (persist/aof_load.c): RESP
commands, #TS annotations, MULTI/EXEC as a whole, scripts, an RDB base or
RDB preamble, truncated tails with aof-load-truncated yes and no, bad
format, unknown commands, big values, expiry while loading, and nothing
written back while loading; and every data type round trip through a
rewrite without RDB preamble (persist/aof_cmds.c: aof_append_entry).

Each refused file is checked on the log's last line, as Redis's suite
does (tests/integration/aof.tcl)."""

import os
import re
import struct
import tempfile
import time

import pytest

from conftest import IS_KILAT, SLOW, Server, free_port, run_server_expect_exit, stop_all, wait_for
from persist_helpers import resp

BASE = "appendonly.aof.1.base.aof"
BASE_RDB = "appendonly.aof.1.base.rdb"
INCR = "appendonly.aof.1.incr.aof"
MANIFEST = "appendonly.aof.manifest"


def make_dir(files, manifest=None):
    """A server dir holding appendonlydir/ with `files` (name -> bytes) and
    a manifest listing them (base first), or the given manifest text."""
    d = tempfile.mkdtemp(prefix="kilat-aofload-")
    ad = os.path.join(d, "appendonlydir")
    os.mkdir(ad)
    for name, data in files.items():
        with open(os.path.join(ad, name), "wb") as f:
            f.write(data)
    if manifest is None:
        lines = []
        for name in files:
            if ".base." in name:
                lines.insert(0, "file %s seq 1 type b\n" % name)
            else:
                lines.append("file %s seq 1 type i\n" % name)
        manifest = "".join(lines)
    with open(os.path.join(ad, MANIFEST), "w") as f:
        f.write(manifest)
    return d


def aof_path(d, name):
    return os.path.join(d, "appendonlydir", name)


@pytest.fixture
def aof_server():
    """Factory: aof_server(dir, *args) starts a server with appendonly yes
    on dir and waits until it is done loading."""
    started = []

    def factory(d, *args):
        srv = Server(("--appendonly", "yes", "--dir", d) + tuple(args), name="aof server")
        started.append(srv)
        srv.start()
        c = srv.client()
        wait_for(lambda: c.info("persistence")["loading"] == 0, timeout=10 * SLOW)
        return srv, c

    yield factory
    stop_all(started)


def refused(d, *args):
    """Starts a server on d expected to refuse the files: returns the last
    line of its log."""
    code, out = run_server_expect_exit(["--port", str(free_port()), "--bind", "127.0.0.1",
                                        "--save", "", "--appendonly", "yes",
                                        "--dir", d, "--daemonize", "no"] + list(args))
    assert code != 0, out.decode(errors="replace")
    lines = [ln for ln in out.decode(errors="replace").splitlines() if ln.strip()]
    return lines[-1], out.decode(errors="replace")


# ------------------------------------------------------------ loading well

def test_commands_annotations_and_dbs(aof_server):
    data = (b"#TS:1628217470\r\n" + resp("SET", "foo1", "bar1") +
            b"#TS:1628217471\r\n" + resp("SET", "foo2", "bar2") +
            b"#TS:1628217472\r\n#TS:1628217473\r\n" + resp("RPUSH", "l", "a", "b") +
            resp("SELECT", 2) + resp("INCR", "n") + resp("INCR", "n") +
            resp("SADD", "s", "x", "y", "z") + resp("SPOP", "s") +
            resp("GET", "foo1") + b"#TS:1628217474\r\n")
    d = make_dir({INCR: data})
    srv, c = aof_server(d)
    assert c.mget("foo1", "foo2") == [b"bar1", b"bar2"]
    assert c.lrange("l", 0, -1) == [b"a", b"b"]
    c2 = srv.client(db=2)
    assert c2.get("n") == b"2"
    assert c2.scard("s") == 2
    # nothing the load ran was written back to the file
    assert os.path.getsize(aof_path(d, INCR)) == len(data)


def test_multi_exec_and_scripts(aof_server):
    data = (resp("SET", "a", 1) + resp("MULTI") + resp("INCR", "a") + resp("LPUSH", "q", "j1") +
            resp("EXEC") + resp("EVAL", "redis.call('set', KEYS[1], ARGV[1]) return 1", 1,
                                "fromlua", "v") +
            resp("MULTI") + resp("DEL", "q") + resp("EXEC"))
    d = make_dir({INCR: data})
    _, c = aof_server(d)
    assert c.get("a") == b"2"
    assert c.get("fromlua") == b"v"
    assert c.exists("q") == 0
    assert os.path.getsize(aof_path(d, INCR)) == len(data)


def test_expire_in_the_past_while_loading(aof_server):
    """A PEXPIREAT already past does not delete the key while loading: the
    RPUSH after it still sees it, and the list ends up expired, not holding
    "bar" alone (Redis's AOF+EXPIRE case)."""
    data = (resp("RPUSH", "list", "foo") + resp("PEXPIREAT", "list", 1000) +
            resp("RPUSH", "list", "bar") + resp("SET", "k", "1", "PXAT", 2000) +
            resp("INCR", "k") + resp("SET", "live", "v", "PXAT", int(time.time() * 1000) + 600000))
    d = make_dir({INCR: data})
    _, c = aof_server(d)
    assert c.llen("list") == 0
    assert c.get("k") is None
    assert c.get("live") == b"v"
    assert 0 < c.pttl("live") <= 600000


def test_big_values(aof_server):
    big = b"".join(bytes([97 + i % 26]) for i in range(26)) * (3 * 1024 * 1024 // 26 + 1)
    data = resp("SET", "big", big) + resp("APPEND", "big", "!") + resp("SET", "after", 1)
    d = make_dir({INCR: data})
    _, c = aof_server(d)
    assert c.strlen("big") == len(big) + 1
    assert c.getrange("big", 0, 25) == big[:26]
    assert c.getrange("big", -2, -1) == big[-1:] + b"!"
    assert c.get("after") == b"1"


# ---------------------------------------------------------- cut tails

def test_short_read_truncated_yes(aof_server):
    data = resp("INCR", "foo") * 5
    cut = resp("INCR", "foo")[:-1]
    d = make_dir({INCR: data + cut})
    srv, c = aof_server(d, "--aof-load-truncated", "yes")
    assert c.get("foo") == b"5"
    out = srv.output().decode(errors="replace")
    assert "!!! Warning: short read while loading the AOF file %s!!!" % INCR in out
    assert "!!! Truncating the AOF %s at offset %d !!!" % (INCR, len(data)) in out
    assert "AOF %s loaded anyway because aof-load-truncated is enabled" % INCR in out
    assert os.path.getsize(aof_path(d, INCR)) == len(data)
    # the file now ends on a whole command: appending goes on from there
    assert c.incr("foo") == 6


def test_short_read_cut_everywhere(aof_server):
    """A command cut at each of its bytes loads what came before it."""
    head = resp("SET", "a", "1") + resp("SET", "b", "2")
    tail = resp("SET", "c", "333")
    for cut in (1, 2, 4, 5, len(tail) // 2, len(tail) - 3, len(tail) - 1):
        d = make_dir({INCR: head + tail[:cut]})
        srv, c = aof_server(d, "--aof-load-truncated", "yes")
        assert c.mget("a", "b", "c") == [b"1", b"2", None]
        assert os.path.getsize(aof_path(d, INCR)) == len(head)
        srv.stop()


def test_short_read_truncated_no():
    data = resp("SET", "foo", "hello") + resp("SET", "bar", "world")[:-1]
    d = make_dir({INCR: data})
    last, _ = refused(d, "--aof-load-truncated", "no")
    assert "Unexpected end of file reading the append only file %s" % INCR in last
    assert "aof-load-truncated" in last
    assert os.path.getsize(aof_path(d, INCR)) == len(data)


def test_multi_without_exec_truncated_yes(aof_server):
    before = resp("SET", "foo", "hello")
    d = make_dir({INCR: before + resp("MULTI") + resp("SET", "bar", "world")})
    srv, c = aof_server(d, "--aof-load-truncated", "yes")
    assert c.get("foo") == b"hello"
    assert c.exists("bar") == 0
    assert "Revert incomplete MULTI/EXEC transaction in AOF file" in srv.output().decode()
    assert os.path.getsize(aof_path(d, INCR)) == len(before)


def test_multi_without_exec_truncated_no():
    d = make_dir({INCR: resp("SET", "foo", "hello") + resp("MULTI") + resp("SET", "bar", "x")})
    last, _ = refused(d, "--aof-load-truncated", "no")
    assert "Unexpected end of file reading the append only file" in last


def test_big_value_cut(aof_server):
    big = b"x" * (2 * 1024 * 1024)
    whole = resp("SET", "small", 1)
    d = make_dir({INCR: whole + resp("SET", "big", big)[:-1000]})
    _, c = aof_server(d, "--aof-load-truncated", "yes")
    assert c.get("small") == b"1"
    assert c.exists("big") == 0
    assert os.path.getsize(aof_path(d, INCR)) == len(whole)


# ------------------------------------------------------------- refused

def test_bad_format():
    data = resp("SET", "foo", "hello") + b"!!!" + resp("SET", "foo", "hello")
    d = make_dir({INCR: data})
    last, _ = refused(d, "--aof-load-truncated", "yes")
    assert "Bad file format reading the append only file %s" % INCR in last
    assert "redis-check-aof --fix" in last
    assert os.path.getsize(aof_path(d, INCR)) == len(data)


@pytest.mark.parametrize("bad", [b"*0\r\n", b"\r\n", b"*1\r\n:3\r\nSET\r\n", b"+OK\r\n"])
def test_bad_format_headers(bad):
    d = make_dir({INCR: resp("SET", "a", 1) + bad + resp("SET", "b", 2)})
    last, _ = refused(d)
    assert "Bad file format reading the append only file" in last


@pytest.mark.kilat_only  # Redis trusts these numbers (and dies on -1)
@pytest.mark.parametrize("bad", [b"*1\r\n$-1\r\n", b"*1\r\n$abc\r\nSET\r\n", b"*-3\r\n",
                                 b"*1\r\n$99999999999999999999999\r\n",
                                 b"*1\r\n$3x\r\nSET\r\n", b"*1\r\n$4\r\nPINGxx"])
def test_bad_lengths(bad):
    d = make_dir({INCR: resp("SET", "a", 1) + bad + resp("SET", "b", 2)})
    last, out = refused(d)
    assert "Bad file format reading the append only file" in last
    m = re.search(r"AOF %s: .* at offset (\d+)" % INCR, out)
    assert m, out
    start = len(resp("SET", "a", 1))
    assert start <= int(m.group(1)) < start + len(bad)


@pytest.mark.kilat_only  # Redis reads past its allocation on a wrong arity
def test_wrong_arity():
    d = make_dir({INCR: resp("SET", "a", 1) + resp("SET", "b")})
    last, out = refused(d)
    assert "Bad file format reading the append only file" in last
    assert "wrong number of arguments" in out


def test_unknown_command():
    d = make_dir({INCR: resp("SET", "foo", "hello") + resp("bla", "foo", "hello") +
                  resp("SET", "foo", "hello")})
    last, _ = refused(d, "--aof-load-truncated", "yes")
    assert "Unknown command 'bla' reading the append only file %s" % INCR in last


def test_unknown_subcommand():
    d = make_dir({INCR: resp("SET", "foo", "hello") + resp("OBJECT", "nosuch", "foo")})
    last, _ = refused(d)
    assert "Unknown command 'OBJECT' reading the append only file" in last


def test_cut_file_not_last_is_refused():
    """Only the last file of the manifest may be cut short."""
    base = resp("SET", "a", 1) + resp("SET", "b", 2)[:-2]
    incr = resp("SET", "c", 3)
    d = make_dir({BASE: base, INCR: incr})
    last, out = refused(d, "--aof-load-truncated", "yes")
    assert "truncated" in out or "Unexpected end of file" in out


# --------------------------------------------------------------- RDB part

def rdb_len(n):
    assert n < 64
    return bytes([n])


def rdb_str(s):
    s = s if isinstance(s, bytes) else s.encode()
    return rdb_len(len(s)) + s


def small_rdb(pairs, expired=()):
    """An RDB 10 file of string keys (checksum 0: not checked, both
    servers accept that)."""
    out = b"REDIS0010" + b"\xfe\x00"
    for k, v in pairs:
        out += b"\x00" + rdb_str(k) + rdb_str(v)
    for k, v in expired:
        out += b"\xfc" + struct.pack("<Q", 1000) + b"\x00" + rdb_str(k) + rdb_str(v)
    return out + b"\xff" + b"\x00" * 8


def test_rdb_base_and_incr(aof_server):
    base = small_rdb([("foo", "bar"), ("n", "10")], expired=[("gone", "1")])
    d = make_dir({BASE_RDB: base, INCR: resp("INCR", "n") + resp("SET", "x", "y")})
    srv, c = aof_server(d)
    assert c.mget("foo", "n", "x", "gone") == [b"bar", b"11", b"y", None]
    assert "Reading RDB base file on AOF loading..." in srv.output().decode()


def test_rdb_preamble_then_commands(aof_server):
    """A base file that is an RDB followed by commands (an old-style
    preamble file, renamed as a base): both parts load, and a cut in the
    commands truncates back to the end of the RDB, not to zero."""
    rdb = small_rdb([("foo", "bar")], expired=[("old", "1")])
    cmds = resp("SET", "baz", "qux") + resp("INCR", "old")
    d = make_dir({BASE_RDB: rdb + cmds + resp("SET", "cut", "x")[:-3]})
    _, c = aof_server(d, "--aof-load-truncated", "yes")
    assert c.mget("foo", "baz") == [b"bar", b"qux"]
    assert c.exists("old", "cut") == 0
    assert os.path.getsize(aof_path(d, BASE_RDB)) == len(rdb) + len(cmds)


def test_rdb_preamble_asset(aof_server):
    """The suite's rdb-preamble.aof (an RDB then commands) as a base."""
    asset = os.path.join(os.path.dirname(__file__), "..", "fuzz", "corpus-aof",
                         "asset-rdb-preamble")
    if not os.path.exists(asset):
        pytest.skip("no seed corpus")
    with open(asset, "rb") as f:
        data = f.read()[1:]  # the fuzz seed's flags byte
    d = make_dir({BASE_RDB: data})
    _, c = aof_server(d)
    assert c.dbsize() > 0


@pytest.mark.parametrize("how", ["short", "checksum"])
def test_rdb_base_broken_is_refused(how):
    """An RDB part cut short or corrupt is refused, never truncated (there
    is no whole command to cut back to)."""
    rdb = small_rdb([("foo", "bar")])
    data = rdb[:-12] if how == "short" else rdb[:-8] + b"\x01" * 8
    d = make_dir({BASE_RDB: data})
    _, out = refused(d, "--aof-load-truncated", "yes")
    assert "Reading RDB base file on AOF loading..." in out
    assert os.path.getsize(aof_path(d, BASE_RDB)) == len(data)
    if IS_KILAT:  # Redis runs its redis-check-rdb instead
        assert "Error reading the RDB base file %s, AOF loading aborted" % BASE_RDB in out


# ------------------------------------------------- rewrite round trip

def test_every_type_round_trip_through_rewrite(aof_server):
    """BGREWRITEAOF with aof-use-rdb-preamble no writes each key as the
    commands that rebuild it (SET, RPUSH/SADD/ZADD/HMSET by 64, PEXPIREAT);
    a restart on that base gives the same dataset."""
    d = make_dir({INCR: b""})
    srv, c = aof_server(d, "--aof-use-rdb-preamble", "no", "--enable-debug-command", "yes")
    c.set("str", "hello")
    c.set("int", 12345)
    c.set("ttl", "v", px=500000)
    c.rpush("list", "a", 1, "b", -2)
    c.rpush("biglist", *["item-%d" % i for i in range(200)])
    c.rpush("hugelist", *["x" * 100 for _ in range(300)])
    c.sadd("iset", 1, 2, 3, -5)
    c.sadd("sset", "a", "b", "c")
    c.sadd("bigset", *["m%d" % i for i in range(200)])
    c.zadd("zs", {"a": 1, "b": 2.5, "c": float("-inf"), "d": float("inf"), "e": 0.1})
    c.zadd("bigzs", {"z%d" % i: i + 0.5 for i in range(200)})
    c.hset("h", mapping={"f1": "v1", "f2": 2})
    c.hset("bighash", mapping={"f%d" % i: "v%d" % i for i in range(200)})
    c.pexpire("bighash", 500000)
    c.execute_command("SELECT", 7)
    c.set("indb7", "x")
    c.execute_command("SELECT", 0)
    digest = c.execute_command("DEBUG", "DIGEST")
    ttl = c.pexpiretime("bighash")
    c.bgrewriteaof()
    wait_for(lambda: c.info("persistence")["aof_rewrite_in_progress"] == 0 and
             c.info("persistence")["aof_rewrite_scheduled"] == 0, timeout=10 * SLOW)
    srv.stop()
    base = [n for n in os.listdir(os.path.join(d, "appendonlydir")) if ".base." in n]
    assert len(base) == 1 and base[0].endswith(".aof")
    with open(aof_path(d, base[0]), "rb") as f:
        text = f.read()
    assert text.startswith(b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n")
    assert b"*66\r\n$5\r\nRPUSH\r\n$7\r\nbiglist\r\n" in text
    assert b"*10\r\n$5\r\nRPUSH\r\n$7\r\nbiglist\r\n" in text
    assert b"*130\r\n$5\r\nHMSET\r\n$7\r\nbighash\r\n" in text
    assert b"*3\r\n$9\r\nPEXPIREAT\r\n$7\r\nbighash\r\n" in text
    srv2, c2 = aof_server(d, "--enable-debug-command", "yes")
    assert c2.execute_command("DEBUG", "DIGEST") == digest
    assert c2.pexpiretime("bighash") == ttl
    assert c2.object("encoding", "iset") == b"intset"
