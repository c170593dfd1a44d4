"""AOF interop (issue 12): Redis 7.0's multi-part AOF directory moves both
ways between redis-server and the server under test with the same keyspace.

- redis-server (appendonly yes) writes data of every type in several
  databases (rdb_dataset), runs BGREWRITEAOF, writes more (relative TTLs,
  INCRBYFLOAT, SPOP, MULTI/EXEC, a script, SWAPDB, FLUSHDB, MOVE, RENAME,
  a served BLPOP ...); the server under test starts on a copy of that
  directory and shows the same keyspace (TYPE, values, absolute expiry per
  key and database); both servers' encodings after loading the same
  directory agree. With aof-use-rdb-preamble yes and no, and with other
  appendfilename / appenddirname values.
- The reverse: the server under test writes the same history; its manifest
  is byte for byte the one redis-server writes for that history, its file
  names and base kinds are Redis's, redis-check-aof accepts the directory
  ("All AOF files and manifest are valid"), redis-server loads it.
- An old single-file appendonly.aof (Redis 6: plain commands, or an RDB
  preamble then commands) is upgraded into appendonlydir by both servers
  alike: the same manifest, the file moved byte for byte as the base, the
  same keyspace, and it stays loadable after more writes and a restart.
- A truncated tail is dropped (aof-load-truncated yes) or refused (no) by
  both servers alike.

Every test starts its own servers: the server under test, and Debian's
redis-server (always) as the other side."""

import os
import re
import shutil
import time

import pytest

from conftest import wait_for
from persist_helpers import (REDIS_BIN, RefServers, assert_same, info_fields as info,
                             new_server, parse_aof, resp, run_check, snap)
import rdb_dataset as ds

CHECK_AOF = shutil.which("redis-check-aof")

pytestmark = pytest.mark.skipif(not REDIS_BIN or not CHECK_AOF,
                                reason="needs redis-server and redis-check-aof")


class Servers(RefServers):
    def start(self, *args, ref=False, copy_from=None, fsync="always",
              name=None):
        """ref: Debian's redis-server instead of the server under test.
        copy_from: a directory whose contents are copied into the new
        server's dir before it starts (its AOF files, manifest...)."""
        return self.launch(("--appendonly", "yes", "--appendfsync", fsync,
                            "--enable-debug-command", "yes") + tuple(args),
                           ref, name, copy_from and (
                               lambda srv: copy_tree(copy_from, srv.dir)))


@pytest.fixture
def servers():
    s = Servers()
    yield s
    s.stop()


def copy_tree(src, dst):
    """The AOF-related contents of src (no logs, no configs) into dst."""
    for name in os.listdir(src):
        if name in ("server.out", "test.conf"):
            continue
        p = os.path.join(src, name)
        if os.path.isdir(p):
            shutil.copytree(p, os.path.join(dst, name))
        else:
            shutil.copyfile(p, os.path.join(dst, name))


def assert_close(got, want, encodings=True, what="", tol_ms=10000):
    """assert_same for two servers that ran the same history apart: an
    expiry set relative to the clock may differ by up to tol_ms."""
    got = dict(got)
    for k, w in want.items():
        g = got.get(k)
        if g and g[2] > 0 and w[2] > 0 and abs(g[2] - w[2]) <= tol_ms:
            got[k] = (g[0], g[1], w[2], g[3])
    assert_same(got, want, encodings, what)


def rewrite(srv):
    with srv.raw() as c:
        assert c.cmd("BGREWRITEAOF") == b"Background append only file rewriting started"
    wait_rewritten(srv)


def wait_rewritten(srv):
    """Waits until no rewrite runs or is scheduled; the last one worked."""
    assert wait_for(lambda: info(srv)["aof_rewrite_in_progress"] == "0" and
                    info(srv)["aof_rewrite_scheduled"] == "0", 30), info(srv)
    assert info(srv)["aof_last_bgrewrite_status"] == "ok"


def aof_dir(srv, dirname="appendonlydir"):
    return os.path.join(srv.dir, dirname)


def manifest(srv, dirname="appendonlydir", filename="appendonly.aof"):
    with open(os.path.join(aof_dir(srv, dirname), filename + ".manifest"), "rb") as f:
        return f.read()


def check_aof(srv, dirname="appendonlydir", filename="appendonly.aof"):
    return run_check(CHECK_AOF,
                     os.path.join(aof_dir(srv, dirname), filename + ".manifest"),
                     "All AOF files and manifest are valid", 120)


# ------------------------------------------------------------ the history
def more_writes(srv):
    """Writes after the rewrite: what reaches the incr file as its effects."""
    with srv.raw() as c:
        cmds = [
            ("SELECT", 0),
            ("SET", "after:str", "x"),
            ("EXPIRE", "after:str", 5000),            # relative: PEXPIREAT
            ("SETEX", "after:setex", 7000, "v"),
            ("SET", "after:px", "v", "PX", 9000000),
            ("INCRBYFLOAT", "after:float", "1.5"),    # as SET ... KEEPTTL
            ("INCRBYFLOAT", "after:float", "0.25"),
            ("INCR", "str:int:1"),
            ("APPEND", "str:embstr", " again"),
            ("GETEX", "str:embstr", "EX", 3000),
            ("DEL", "str:int:2", "str:notint:0"),
            ("RENAME", "str:raw45", "after:renamed"),
            ("COPY", "str:embstr44", "after:copied"),
            ("MOVE", "str:lzf:21", 7),
            ("SELECT", 1),
            ("LPUSH", "list:small", "new-head"),
            ("LMOVE", "list:ints", "after:list", "LEFT", "RIGHT"),
            ("LTRIM", "list:multinode", 10, 2500),
            ("LSET", "list:multinode", 0, "set-by-lset"),
            ("SELECT", 2),
            ("SPOP", "set:big", 7),                   # random: as SREM
            ("SREM", "set:int16", "100"),
            ("SADD", "set:intset:full", "x"),          # intset -> hashtable
            ("SMOVE", "set:strings", "after:set", "a"),
            ("SELECT", 3),
            ("ZINCRBY", "zset:ties", "2.5", "a"),
            ("ZPOPMIN", "zset:skiplist", 3),
            ("ZADD", "zset:listpack", "XX", "CH", "7", "m1"),
            ("SELECT", 4),
            ("HINCRBY", "hash:listpack", "int", 5),
            ("HINCRBYFLOAT", "hash:listpack", "flt", "2.5"),
            ("HDEL", "hash:hashtable", "field1", "field2"),
            ("HSET", "hash:listpack", "long", "L" * 100),  # -> hashtable
            ("PERSIST", "hash:ttl"),
            ("SWAPDB", 4, 10),
            ("SELECT", 9),
            ("FLUSHDB",),
            ("SET", "db9:after:flush", "1"),
            ("SELECT", 5),
            ("EVAL", "redis.call('set', KEYS[1], ARGV[1]); "
                     "redis.call('rpush', KEYS[2], ARGV[1]); "
                     "return redis.call('incr', KEYS[3])",
             3, "lua:s", "lua:l", "lua:n", "from-lua"),
        ]
        ds.pipeline(c, cmds)
        assert c.cmd("MULTI") == b"OK"
        for cmd in (("SET", "multi:a", "1"), ("EXPIRE", "multi:a", 9000),
                    ("HSET", "multi:h", "f", "v"), ("SELECT", 6),
                    ("SET", "multi:db6", "1")):
            assert c.cmd(*cmd) == b"QUEUED"
        assert len(c.cmd("EXEC")) == 5
        # a BLPOP served by a push from another client: the pop reaches
        # the file as it happened
        with srv.raw() as blocker:
            blocker.send_command("BLPOP", "after:bl", 0)
            assert wait_for(lambda: int(info(srv, "clients")["blocked_clients"]) == 1)
            assert c.cmd("SELECT", 0) == b"OK"
            assert c.cmd("RPUSH", "after:bl", "one", "two") == 2
            assert blocker.read_reply() == [b"after:bl", b"one"]
        # a key that expires before the copy: gone on both sides
        assert c.cmd("SET", "after:gone", "x", "PX", 1) == b"OK"
        time.sleep(0.05)
        assert c.cmd("GET", "after:gone") is None
        assert c.cmd("SELECT", 0) == b"OK"


def history(srv, big=True):
    """Dataset, BGREWRITEAOF, more writes; returns the keyspace."""
    with srv.raw() as c:
        ds.build(c, big=big)
    rewrite(srv)
    more_writes(srv)
    return snap(srv)


BASE_RE = re.compile(rb"^file (?P<name>[^ ]+)\.(?P<seq>\d+)\.base\.(?P<ext>rdb|aof) "
                     rb"seq (?P=seq) type b\n"
                     rb"file (?P=name)\.(?P<iseq>\d+)\.incr\.aof seq (?P=iseq) type i\n$")


# ------------------------------------------------------------- the moves
VARIANTS = {
    "preamble-yes": (),
    "preamble-no": ("--aof-use-rdb-preamble", "no"),
    "other-names": ("--appendfilename", "kilat.aof", "--appenddirname", "aofdir"),
}


def names(args):
    a = dict(zip(args[0::2], args[1::2]))
    return a.get("--appenddirname", "appendonlydir"), a.get("--appendfilename", "appendonly.aof")


def base_ext(args):
    a = dict(zip(args[0::2], args[1::2]))
    return ".aof" if a.get("--aof-use-rdb-preamble") == "no" else ".rdb"


def without_random(snapshot):
    """SPOP picked different members on two servers: set:big is compared
    by size only."""
    out = dict(snapshot)
    v = out.pop((2, b"set:big"), None)
    if v is not None:
        out[(2, b"set:big:size")] = (v[0], len(v[1]), v[2], v[3])
    return out


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_redis_aofdir_loads_in_server_under_test(servers, variant):
    args = VARIANTS[variant]
    dirname, filename = names(args)
    src = servers.start(*args, ref=True, name="redis source")
    made = history(src, big=variant == "preamble-yes")
    assert len(made) > 60
    src.stop()
    m = BASE_RE.match(manifest(src, dirname, filename))
    assert m and m.group("name") == filename.encode() and \
        m.group("ext").decode() == base_ext(args)[1:], manifest(src, dirname, filename)
    check_aof(src, dirname, filename)
    want_manifest = manifest(src, dirname, filename)

    sut = servers.start(*args, copy_from=src.dir)
    got = snap(sut)
    assert_same(got, made, encodings=False, what="loaded vs made:")
    ref = servers.start(*args, ref=True, copy_from=src.dir, name="redis reloaded")
    assert_same(got, snap(ref), encodings=True,
                what="under test vs redis, same directory:")
    # loading does not change the manifest (no new files at start)
    assert manifest(sut, dirname, filename) == want_manifest
    # and writing on goes into the same incr file
    with sut.raw() as c:
        assert c.cmd("SET", "after:load", "1") == b"OK"
    sut.stop()
    sut.start()
    with sut.raw() as c:
        assert c.cmd("GET", "after:load") == b"1"
    assert manifest(sut, dirname, filename) == want_manifest


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_server_under_test_aofdir_loads_in_redis(servers, variant):
    args = VARIANTS[variant]
    dirname, filename = names(args)
    sut = servers.start(*args)
    made = history(sut, big=variant == "preamble-yes")
    ref_src = servers.start(*args, ref=True, name="redis, same history")
    assert_close(without_random(history(ref_src, big=variant == "preamble-yes")),
                without_random(made), encodings=True, what="same history:")
    sut.stop()
    ref_src.stop()
    got_manifest = manifest(sut, dirname, filename)
    assert got_manifest == manifest(ref_src, dirname, filename), \
        "manifests differ after the same history"
    m = BASE_RE.match(got_manifest)
    assert m, got_manifest
    files = sorted(os.listdir(aof_dir(sut, dirname)))
    base = "%s.%s.base%s" % (filename, m.group("seq").decode(), base_ext(args))
    incr = "%s.%s.incr.aof" % (filename, m.group("iseq").decode())
    # the history files of the rewrite are gone, as Redis removes them
    assert files == sorted([base, incr, filename + ".manifest"])
    with open(os.path.join(aof_dir(sut, dirname), base), "rb") as f:
        head = f.read(9)
    if base.endswith(".rdb"):
        assert head == b"REDIS0010", head
    else:
        assert head.startswith(b"*"), head
    out = check_aof(sut, dirname, filename)
    assert "BASE AOF %s is valid" % base in out
    assert "INCR AOF %s is valid" % incr in out

    loaded = servers.start(*args, ref=True, copy_from=sut.dir, name="redis loading")
    assert_same(snap(loaded), made, encodings=False, what="redis loaded vs made:")
    own = servers.start(*args, ref=True, copy_from=ref_src.dir, name="redis own")
    assert_close(without_random(snap(loaded)), without_random(snap(own)),
                encodings=True, what="redis on ours vs redis on its own:")


def test_rewrite_in_each_format_then_the_other(servers):
    """Base kinds change with aof-use-rdb-preamble between rewrites; the
    history (older bases and incr files) is dropped at each switch."""
    for ref in (True, False):
        srv = servers.start("--aof-use-rdb-preamble", "no", ref=ref)
        with srv.raw() as c:
            ds.build(c, big=False)
        rewrite(srv)
        assert BASE_RE.match(manifest(srv)).group("ext") == b"aof"
        with srv.raw() as c:
            assert c.cmd("CONFIG", "SET", "aof-use-rdb-preamble", "yes") == b"OK"
            c.cmd("SET", "between", "1")
        rewrite(srv)
        m = BASE_RE.match(manifest(srv))
        assert m.group("ext") == b"rdb"
        # startup made seq 1, two rewrites: seq 3
        assert m.group("seq") == b"3" and m.group("iseq") == b"3", manifest(srv)
        made = snap(srv)
        srv.stop()
        check_aof(srv)
        other = servers.start(ref=not ref, copy_from=srv.dir)
        assert_same(snap(other), made, encodings=False, what="ref=%s:" % ref)


# ------------------------------------------------- Redis 6's single file
OLD_COMMANDS = [
    ("SELECT", "0"), ("SET", "plain", "v"), ("RPUSH", "l", "a", "b", "c"),
    ("SADD", "s", "1", "2", "3"), ("SADD", "s2", "x", "y"),
    ("HSET", "h", "f", "v"), ("ZADD", "z", "1.5", "m"),
    ("SET", "ttl", "v"), ("PEXPIREAT", "ttl", str(ds.T_2100)),
    ("MULTI",), ("INCR", "n"), ("INCR", "n"), ("EXEC",),
    ("SELECT", "3"), ("SET", "db3", "three"), ("LPUSH", "l3", "x"),
    ("SELECT", "15"), ("HSET", "h15", "a", "1", "b", "2"),
]


def resp_all(cmds):
    return b"".join(resp(*c) for c in cmds)


def old_file_with_preamble(servers):
    """A Redis 6 style appendonly.aof: an RDB (redis-server SAVE of a small
    dataset) followed by commands."""
    r = servers.launch(("--enable-debug-command", "yes"), True,
                       "redis for the preamble")
    with r.raw() as c:
        ds.build(c, big=False, plain=False)
        assert c.cmd("SAVE") == b"OK"
    with open(os.path.join(r.dir, "dump.rdb"), "rb") as f:
        rdb = f.read()
    r.stop()
    return rdb + resp_all([("SELECT", "0"), ("SET", "after:preamble", "1"),
                       ("SELECT", "2"), ("SADD", "set:int16", "9")])


@pytest.mark.parametrize("kind", ["commands", "rdb-preamble", "other-name"])
def test_old_single_file_is_upgraded_alike(servers, tmp_path, kind):
    filename = "appendonly.aof"
    args = ()
    if kind == "rdb-preamble":
        data = old_file_with_preamble(servers)
    else:
        data = resp_all(OLD_COMMANDS)
        if kind == "other-name":
            filename = "old.aof"
            args = ("--appendfilename", filename)
    seed = tmp_path / "seed"
    seed.mkdir()
    (seed / filename).write_bytes(data)

    sides = {}
    for ref in (True, False):
        srv = servers.start(*args, ref=ref, copy_from=str(seed),
                            name="redis upgrading" if ref else "under test upgrading")
        d = aof_dir(srv)
        assert not os.path.exists(os.path.join(srv.dir, filename)), \
            "%s left the old file in place" % srv.name
        with open(os.path.join(d, filename), "rb") as f:
            assert f.read() == data, "the old file moved as the base, unchanged"
        sides[ref] = (srv, snap(srv), manifest(srv, filename=filename))
    (_, rsnap, rman), (ks, ksnap, kman) = sides[True], sides[False]
    assert rman == ("file %s seq 1 type b\nfile %s.1.incr.aof seq 1 type i\n"
                    % (filename, filename)).encode()
    assert kman == rman
    assert_same(ksnap, rsnap, encodings=True, what="upgraded %s:" % kind)
    if kind != "rdb-preamble":
        with ks.raw() as c:
            assert c.cmd("GET", "n") == b"2" and c.cmd("TYPE", "s") == b"set"
    # more writes go to the new incr file; a restart (either server)
    # loads base + incr
    for srv, _, _ in (sides[True], sides[False]):
        with srv.raw() as c:
            assert c.cmd("SELECT", 3) == b"OK"
            assert c.cmd("SET", "after:upgrade", "1") == b"OK"
        srv.stop()
        check_aof(srv, filename=filename)
    after = {}
    for ref in (True, False):
        srv = sides[ref][0]
        other = servers.start(*args, ref=not ref, copy_from=srv.dir)
        after[ref] = snap(other)
        assert manifest(other, filename=filename) == rman
    assert_same(after[False], after[True], encodings=True, what="after more writes:")
    assert (3, b"after:upgrade") in after[True]


# ------------------------------------------------------- a truncated tail
def _truncated_dir(servers):
    src = servers.start(ref=True, name="redis source")
    with src.raw() as c:
        for i in range(50):
            c.cmd("SET", "t%d" % i, "v%d" % i)
    src.stop()
    incr = [f for f in os.listdir(aof_dir(src)) if f.endswith(".incr.aof")]
    assert len(incr) == 1
    path = os.path.join(aof_dir(src), incr[0])
    with open(path, "rb") as f:
        data = f.read()
    with open(path, "wb") as f:
        f.write(data[:-7])  # inside the last SET
    return src.dir


def test_truncated_tail_is_dropped_alike(servers):
    d = _truncated_dir(servers)
    got = {}
    for ref in (True, False):
        srv = servers.start("--aof-load-truncated", "yes", ref=ref, copy_from=d)
        with srv.raw() as c:
            assert c.cmd("DBSIZE") == 49
            assert c.cmd("GET", "t49") is None and c.cmd("GET", "t48") == b"v48"
        got[ref] = snap(srv)
        srv.stop()
        check_aof(srv)  # the file was cut back to the last whole command
    assert got[True] == got[False]


def test_truncated_tail_refused_alike(servers):
    d = _truncated_dir(servers)
    for ref in (True, False):
        srv = new_server(("--appendonly", "yes", "--aof-load-truncated", "no"),
                         ref, "refusing")
        copy_tree(d, srv.dir)
        with pytest.raises(Exception):
            srv.start()
        assert srv.proc.returncode == 1, srv.output()[-2000:]
        srv.checked = True
        assert b"Unexpected end of file reading the append only file" in srv.output() or \
            b"truncated" in srv.output().lower(), srv.output()[-2000:]


# ------------------------------------------- what the incr file holds
def normalized_incr(srv):
    """The incr file's commands with names upper-cased, absolute times
    (unix ms) and SPOP's random members masked."""
    d = aof_dir(srv)
    m = BASE_RE.match(manifest(srv))
    with open(os.path.join(d, "appendonly.aof.%s.incr.aof" % m.group("iseq").decode()), "rb") as f:
        cmds = parse_aof(f.read(), annotations=True)
    out = []
    for c in cmds:
        c = [c[0].upper()] + c[1:]
        c = [b"<ms>" if re.fullmatch(rb"1[7-9]\d{11}", a) else a for a in c]
        if c[0] == b"SREM" and c[1] == b"set:big":
            c[2:] = [b"<member>"] * (len(c) - 2)
        out.append(tuple(c))
    return out


def test_incr_file_holds_the_same_commands_as_redis(servers):
    """After the same history, the incr file of the server under test holds
    the commands redis-server's holds: effects (PEXPIREAT / SET PXAT for
    relative times, SET KEEPTTL for INCRBYFLOAT, SREMs in MULTI/EXEC for
    SPOP, a script's writes in MULTI/EXEC, the LPOP a served BLPOP did,
    DEL for an expired key), SELECT when the database changes."""
    got = {}
    for ref in (True, False):
        srv = servers.start(ref=ref)
        history(srv, big=False)
        srv.stop()
        got[ref] = normalized_incr(srv)
    want = got[True]
    assert len(want) > 50
    assert got[False] == want, "\n".join(
        "%3d %-60s %s" % (i, b" ".join(a[:5]).decode(errors="replace")[:60],
                          b" ".join(b[:5]).decode(errors="replace")[:60])
        for i, (a, b) in enumerate(zip(got[False] + [()] * len(want),
                                       want + [()] * len(got[False])))
        if a != b)


# ------------------------------------------- CONFIG SET appendonly live
def test_config_set_appendonly_on_a_live_server_moves_alike(servers):
    """appendonly no -> CONFIG SET appendonly yes writes a base from the
    data in memory (a rewrite), later writes go to the incr file; CONFIG
    SET appendonly no stops writing. Both servers leave the same manifest,
    and the directory loads in the other server with the writes made while
    the AOF was on, not those after."""
    made = {}
    for ref in (True, False):
        srv = servers.launch(("--enable-debug-command", "yes"), ref,
                             "redis live" if ref else "under test live")
        with srv.raw() as c:
            ds.build(c, big=False, plain=False)
            assert c.cmd("CONFIG", "SET", "appendonly", "yes") == b"OK"
        assert wait_for(lambda: info(srv)["aof_enabled"] == "1", 30)
        wait_rewritten(srv)
        with srv.raw() as c:
            assert c.cmd("SET", "while:on", "1") == b"OK"
            assert c.cmd("RPUSH", "list:small", "while-on") > 0
        made[ref] = snap(srv)
        with srv.raw() as c:
            assert c.cmd("CONFIG", "SET", "appendonly", "no") == b"OK"
            assert c.cmd("SET", "after:off", "1") == b"OK"
        assert info(srv)["aof_enabled"] == "0"
        srv.stop()
        m = BASE_RE.match(manifest(srv))
        assert m and m.group("seq") == b"1" and m.group("ext") == b"rdb", manifest(srv)
        check_aof(srv)
        made[ref] = (srv, made[ref])
    (rs, rsnap), (ks, ksnap) = made[True], made[False]
    assert manifest(ks) == manifest(rs)
    assert_same(ksnap, rsnap, encodings=True, what="same history:")
    for src, want in ((ks, ksnap), (rs, rsnap)):
        other = servers.start(ref=src is ks, copy_from=src.dir)
        got = snap(other)
        assert (0, b"while:on") in got and (0, b"after:off") not in got
        assert_same(got, want, encodings=False, what="loaded from %s:" % src.name)
